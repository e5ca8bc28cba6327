/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A client of the thinvm generic-netlink family, whose protocol is the
 * comment at the top of <linux/thinvm.h>. Built on libnl-3 and libnl-genl-3,
 * none of whose types show here.
 *
 * Every function returns 0 (or a count, where said) on success and a
 * negative errno on failure: the kernel's own when it refused the request,
 * with its extended-ack message in tnl_last_error(). -EPROTO means the
 * kernel's answer did not follow the protocol (a required attribute missing,
 * a known one of the wrong type or length); attributes this library does
 * not know, from a newer module, are ignored.
 *
 * A handle is not thread-safe; use one per thread.
 */
#ifndef THINVM_NL_H
#define THINVM_NL_H

#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/thinvm.h>

struct tnl;

/*
 * Connect and resolve the family. -ENOENT means the family is not
 * registered: the module is not loaded. Needs no privilege; the commands
 * do (CAP_NET_ADMIN, else -EPERM).
 */
int tnl_open(struct tnl **out);
void tnl_close(struct tnl *h);

/*
 * The extended-ack message the kernel gave with the last request's error
 * ("missing attribute N" when it only named a missing attribute), or this
 * library's description of a malformed answer; "" when the last request
 * succeeded or the kernel said nothing. Valid until the next call.
 */
const char *tnl_last_error(const struct tnl *h);
/*
 * Where the kernel pointed in the last failed request: the attribute it
 * refused (NLMSGERR_ATTR_OFFS), else the nest that lacks one
 * (NLMSGERR_ATTR_MISS_NEST). A byte offset from the start of the request's
 * netlink header, so the first attribute is at NLMSG_HDRLEN + GENL_HDRLEN
 * (20). -1 if the kernel did not say.
 */
int tnl_last_error_offset(const struct tnl *h);

/*
 * "Which fields": bit N stands for attribute N of the nest a structure
 * mirrors. Replies fill 'fields' with what the kernel sent; requests take
 * a mask of what to send.
 */
#define TNL_FIELD(attr) (1u << (attr))

#define TNL_VENDOR_MAX 16

#define TNL_CAPS_VENDOR		TNL_FIELD(THINVM_A_CAPS_VENDOR)
#define TNL_CAPS_HC_SUPPORTED	TNL_FIELD(THINVM_A_CAPS_HC_SUPPORTED)
#define TNL_CAPS_HOTPLUG_MODES	TNL_FIELD(THINVM_A_CAPS_HOTPLUG_MODES)
#define TNL_CAPS_MAX_VCPUS	TNL_FIELD(THINVM_A_CAPS_MAX_VCPUS)
#define TNL_CAPS_POSSIBLE_CPUS	TNL_FIELD(THINVM_A_CAPS_POSSIBLE_CPUS)
/* Only from a module with feature policy: its absence says "none". */
#define TNL_CAPS_FEATURES	TNL_FIELD(THINVM_A_CAPS_FEATURES)

struct tnl_caps {
	unsigned int fields;		/* TNL_CAPS_* */
	char vendor[TNL_VENDOR_MAX];	/* "svm" or "vmx" */
	uint64_t hc_supported;
	uint32_t hotplug_modes;		/* bit N for enum thinvm_hotplug_mode N */
	uint32_t max_vcpus;
	uint32_t possible_cpus;
	uint64_t features;		/* enum thinvm_feature bits; 0 if not sent */
};

#define TNL_POLICY_GENERATION	TNL_FIELD(THINVM_A_POLICY_GENERATION)
#define TNL_POLICY_HC_CEILING	TNL_FIELD(THINVM_A_POLICY_HC_CEILING)
#define TNL_POLICY_HC_DEFAULT	TNL_FIELD(THINVM_A_POLICY_HC_DEFAULT)
#define TNL_POLICY_HOTPLUG_MODE	TNL_FIELD(THINVM_A_POLICY_HOTPLUG_MODE)
#define TNL_POLICY_HIDDEN_FEATURES TNL_FIELD(THINVM_A_POLICY_HIDDEN_FEATURES)
#define TNL_POLICY_VM_MAX_VCPUS	TNL_FIELD(THINVM_A_POLICY_VM_MAX_VCPUS)
#define TNL_POLICY_HV_VCPU_LIMIT TNL_FIELD(THINVM_A_POLICY_HV_VCPU_LIMIT)
/* What a module with feature policy (TNL_CAPS_FEATURES) adds. */
#define TNL_POLICY_FEATURE_FIELDS (TNL_POLICY_HIDDEN_FEATURES | \
				   TNL_POLICY_VM_MAX_VCPUS | TNL_POLICY_HV_VCPU_LIMIT)
/* What every module sends and takes. */
#define TNL_POLICY_BASE (TNL_POLICY_GENERATION | TNL_POLICY_HC_CEILING | \
			 TNL_POLICY_HC_DEFAULT | TNL_POLICY_HOTPLUG_MODE)
#define TNL_POLICY_ALL (TNL_POLICY_BASE | TNL_POLICY_FEATURE_FIELDS)

struct tnl_policy {
	unsigned int fields;		/* TNL_POLICY_* */
	uint64_t generation;
	uint64_t hc_ceiling;
	uint64_t hc_default;
	uint32_t hotplug_mode;		/* enum thinvm_hotplug_mode */
	uint64_t hidden_features;	/* enum thinvm_feature bits */
	uint32_t vm_max_vcpus;
	uint32_t hv_vcpu_limit;
};

#define TNL_VM_ID		TNL_FIELD(THINVM_A_VM_ID)
#define TNL_VM_PID		TNL_FIELD(THINVM_A_VM_PID)
#define TNL_VM_NAME		TNL_FIELD(THINVM_A_VM_NAME)
#define TNL_VM_VCPUS		TNL_FIELD(THINVM_A_VM_VCPUS)
#define TNL_VM_POLICY_GENERATION TNL_FIELD(THINVM_A_VM_POLICY_GENERATION)
#define TNL_VM_HC_EXIT_MASK	TNL_FIELD(THINVM_A_VM_HC_EXIT_MASK)
#define TNL_VM_HC_REQUESTED	TNL_FIELD(THINVM_A_VM_HC_REQUESTED)
/* These three only from a module with feature policy. */
#define TNL_VM_HIDDEN_FEATURES	TNL_FIELD(THINVM_A_VM_HIDDEN_FEATURES)
#define TNL_VM_MAX_VCPUS	TNL_FIELD(THINVM_A_VM_MAX_VCPUS)
#define TNL_VM_HAS_RUN		TNL_FIELD(THINVM_A_VM_HAS_RUN)

struct tnl_vm {
	unsigned int fields;		/* TNL_VM_* */
	uint32_t id;
	uint32_t pid;
	char name[THINVM_VM_NAME_MAX];	/* "" when the VM has none */
	uint32_t vcpus;
	uint64_t policy_generation;
	uint64_t hc_exit_mask;
	uint64_t hc_requested;
	uint64_t hidden_features;	/* enum thinvm_feature bits */
	uint32_t max_vcpus;
	bool has_run;			/* a vCPU of it entered the guest */
};

#define TNL_CPU_ID		TNL_FIELD(THINVM_A_CPU_ID)
#define TNL_CPU_ONLINE		TNL_FIELD(THINVM_A_CPU_ONLINE)
#define TNL_CPU_STATE		TNL_FIELD(THINVM_A_CPU_STATE)
#define TNL_CPU_REASON		TNL_FIELD(THINVM_A_CPU_REASON)
#define TNL_CPU_VIRT_ON		TNL_FIELD(THINVM_A_CPU_VIRT_ON)

/* A longer reason is cut here: it is for people, the state is for programs. */
#define TNL_REASON_MAX 256

struct tnl_cpu {
	unsigned int fields;		/* TNL_CPU_* */
	uint32_t id;
	bool online;
	uint32_t state;			/* enum thinvm_cpu_state */
	char reason[TNL_REASON_MAX];	/* "" unless incompatible */
	bool virt_on;
};

#define TNL_HC_NR		TNL_FIELD(THINVM_A_HYPERCALL_NR)
#define TNL_HC_SUPPRESSED	TNL_FIELD(THINVM_A_HYPERCALL_SUPPRESSED)

struct tnl_hypercall {
	unsigned int fields;		/* TNL_HC_* */
	uint64_t nr;
	uint32_t suppressed;		/* left out since the last event */
};

/* Which nests an event carried: tnl_event.has */
#define TNL_EV_VM	(1u << 0)
#define TNL_EV_CPU	(1u << 1)
#define TNL_EV_POLICY	(1u << 2)
#define TNL_EV_HYPERCALL (1u << 3)

struct tnl_event {
	uint8_t cmd;			/* THINVM_CMD_VM_CREATED ... */
	unsigned int has;		/* TNL_EV_* */
	struct tnl_vm vm;
	struct tnl_cpu cpu;
	struct tnl_policy policy;
	struct tnl_hypercall hc;
};

int tnl_get_caps(struct tnl *h, struct tnl_caps *caps);
int tnl_get_policy(struct tnl *h, struct tnl_policy *policy);
/*
 * Send the @fields (TNL_POLICY_*) of @want, all checked and applied at once
 * by the kernel; @flags are THINVM_SET_F_*, sent only if non-zero. *@reply
 * (unless NULL) is the policy in force after it (or as it would be, for a
 * dry run).
 * want->fields is not looked at. -EINVAL for a @fields bit not in
 * TNL_POLICY_ALL; the rest, an empty @fields too, is the kernel's to judge
 * (a module without feature policy refuses TNL_POLICY_FEATURE_FIELDS with
 * EINVAL, as any attribute it does not know).
 */
int tnl_set_policy(struct tnl *h, const struct tnl_policy *want,
		   unsigned int fields, uint32_t flags, struct tnl_policy *reply);

int tnl_get_vm(struct tnl *h, uint32_t id, struct tnl_vm *vm);
/*
 * Set a VM's policy: want->id always, then the @fields of @want among
 * TNL_VM_HC_EXIT_MASK, TNL_VM_HIDDEN_FEATURES, TNL_VM_MAX_VCPUS (the
 * protocol wants one at least, the kernel judges) and
 * TNL_VM_POLICY_GENERATION; -EINVAL for any other bit but TNL_VM_ID.
 * @flags and *@reply as tnl_set_policy().
 */
int tnl_set_vm_policy(struct tnl *h, const struct tnl_vm *want,
		      unsigned int fields, uint32_t flags, struct tnl_vm *reply);

int tnl_get_cpu(struct tnl *h, uint32_t id, struct tnl_cpu *cpu);

/*
 * The host capability profile (thinvm_profile.h), about 12 KiB: callers
 * may want it static. -EOPNOTSUPP from a module that does not know the
 * command (generic netlink's answer to an unknown one), with a sentence
 * saying so in tnl_last_error().
 */
struct tnl_profile;
int tnl_get_profile(struct tnl *h, struct tnl_profile *out);

/*
 * Dumps call @cb once per object, in the kernel's order. A negative return
 * from @cb stops the calls (the rest of the dump is still read, to keep the
 * socket in step) and becomes the dump's result. Returns 0, or 1 when the
 * kernel marked the dump interrupted (NLM_F_DUMP_INTR: VMs came or went
 * meanwhile, so the list may be inconsistent and worth asking again), or a
 * negative errno.
 */
typedef int (*tnl_vm_cb)(const struct tnl_vm *vm, void *arg);
typedef int (*tnl_cpu_cb)(const struct tnl_cpu *cpu, void *arg);
int tnl_dump_vms(struct tnl *h, tnl_vm_cb cb, void *arg);
int tnl_dump_cpus(struct tnl *h, tnl_cpu_cb cb, void *arg);

/*
 * Events. tnl_subscribe() opens a second socket, joined to the "events"
 * group (CAP_NET_ADMIN, else -EPERM), so that events never interleave with
 * the replies to requests on the first: a program may keep making requests
 * on the same handle while it listens. Calling it again does nothing.
 *
 * tnl_event_fd() is that socket, for poll() or epoll (-ENOTCONN before
 * tnl_subscribe()). It is non-blocking. When it polls readable, call
 * tnl_next_event() with a timeout of 0 until it returns 0: one read may
 * bring several events.
 *
 * tnl_next_event() waits up to @timeout_ms (-1: no limit) and returns 1
 * with *@ev filled, 0 on timeout, or a negative errno: -ENOBUFS when the
 * socket overflowed and events were lost (state known from events is stale:
 * ask again with the dumps, then keep reading), -EPROTO for a malformed
 * event (it is skipped; the next call goes on). Events of commands this
 * library does not know come through with what it could parse.
 */
int tnl_subscribe(struct tnl *h);
int tnl_event_fd(const struct tnl *h);
int tnl_next_event(struct tnl *h, struct tnl_event *ev, int timeout_ms);

/*
 * Send one request of the family with exactly @len bytes of @payload after
 * a genl header of @cmd, @version and @reserved; @nlmsg_flags are added to
 * NLM_F_REQUEST | NLM_F_ACK (NLM_F_DUMP, say). Replies are read and
 * dropped. Returns 0 or the kernel's -errno, with its extended ack captured.
 * See thinvm_raw.h to build the payload.
 */
int tnl_request_raw(struct tnl *h, uint8_t cmd, uint8_t version,
		    uint16_t reserved, int nlmsg_flags, const void *payload,
		    size_t len);

/*
 * Decoding of single messages (netlink header onwards), without a socket:
 * what the functions above use, open for the unit tests and for programs
 * that read the family's messages themselves. Return 0 or -EPROTO.
 * The reply parsers require every attribute the protocol always sends
 * (all but the VM's NAME, the CPU's REASON, and what only a module with
 * feature policy sends: CAPS.FEATURES, POLICY.HIDDEN_FEATURES,
 * VM_MAX_VCPUS, HV_VCPU_LIMIT, VM.HIDDEN_FEATURES, MAX_VCPUS, HAS_RUN,
 * whose presence 'fields' tells); tnl_parse_event() requires only the
 * nests and ids that identify what the event is about.
 * tnl_parse_profile() requires every attribute but VMX_MSRS (left out
 * when empty; on a vendor other than "vmx" it must be), VERSION equal to
 * THINVM_PROFILE_VERSION, CPUID and VMX_MSRS whole arrays that fit
 * struct tnl_profile.
 */
int tnl_parse_caps(const struct nlmsghdr *nlh, struct tnl_caps *caps);
int tnl_parse_policy(const struct nlmsghdr *nlh, struct tnl_policy *policy);
int tnl_parse_vm(const struct nlmsghdr *nlh, struct tnl_vm *vm);
int tnl_parse_cpu(const struct nlmsghdr *nlh, struct tnl_cpu *cpu);
int tnl_parse_event(const struct nlmsghdr *nlh, struct tnl_event *ev);
int tnl_parse_profile(const struct nlmsghdr *nlh, struct tnl_profile *p);

#endif
