/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * thinvm: userspace interface beyond the KVM ABI.
 *
 * The device
 * ----------
 * THINVM_DEVICE_PATH answers the KVM system ioctls of <linux/kvm.h> with
 * KVM's numbers, structures and error codes; see thinvm(4) for the subset.
 * It is a misc device, mode 0600, owned by root.
 *
 * sysfs (read-only, for scripts)
 * ------------------------------
 * THINVM_SYSFS_DIR/vendor            "svm" or "vmx", the backend chosen at load
 * THINVM_SYSFS_DIR/enabled_cpus      CPUs where thinvm has virtualization on,
 *                                    in cpulist format ("0-3,8"); empty while
 *                                    no VM exists
 * THINVM_SYSFS_DIR/vms               the number of VMs alive
 * THINVM_SYSFS_DIR/hotplug_mode      "reject" or "reject-while-running"
 * THINVM_SYSFS_DIR/incompatible_cpus CPUs whose last admission check failed
 *                                    (cpulist), online or not
 * THINVM_SYSFS_DIR/vm_creation       "allowed", or "blocked" while an
 *                                    incompatible CPU is online
 * THINVM_SYSFS_DIR/cpus/cpuN/admission  enum thinvm_cpu_state, by name:
 *                                    "unchecked", "admitted", "quarantined",
 *                                    "refused", "offline"
 * THINVM_SYSFS_DIR/cpus/cpuN/reason  why CPU N is incompatible, or empty
 *
 * thinvm-only ioctls
 * ------------------
 * They use their own ioctl type, THINVMIO, never KVM's.
 *
 * THINVM_GET_VCPU_STATS (vCPU fd) -> struct thinvm_vcpu_stats
 *	How many times the vCPU left the guest, by reason, since it was
 *	created. Reasons are thinvm's, the same on SVM and VMX.
 * THINVM_GET_VM_ID (VM fd) -> __u32
 *	The VM's id: the one the netlink family knows it by. Ids start at 1
 *	and are not reused while the module stays loaded.
 * THINVM_SET_VM_NAME (VM fd) <- struct thinvm_vm_name
 *	Name the VM, so that policy rules can refer to it. 1 to
 *	THINVM_VM_NAME_MAX - 1 characters of [A-Za-z0-9._-], NUL-terminated,
 *	the rest of the buffer zero; else EINVAL. A VM may be renamed.
 *
 * The generic-netlink family THINVM_GENL_NAME
 * -------------------------------------------
 * Version THINVM_GENL_VERSION. Every command needs CAP_NET_ADMIN in the
 * initial user namespace (GENL_ADMIN_PERM), reads included: VM names and
 * owners' pids are not for every local user (thinvm(4) says more). Every
 * attribute has a policy; unknown attributes, attributes of the wrong type
 * or length, unknown flags and non-zero reserved header fields are refused
 * with EINVAL and an extended-ack message. Nested attributes carry
 * NLA_F_NESTED. Commands:
 *
 * THINVM_CMD_GET_CAPS (do)
 *	reply: THINVM_A_CAPS { VENDOR, HC_SUPPORTED, HOTPLUG_MODES,
 *	       MAX_VCPUS, POSSIBLE_CPUS, FEATURES }
 * THINVM_CMD_GET_POLICY (do)
 *	reply: THINVM_A_POLICY { GENERATION, HC_CEILING, HC_DEFAULT,
 *	       HOTPLUG_MODE, HIDDEN_FEATURES, VM_MAX_VCPUS, HV_VCPU_LIMIT }:
 *	       the host policy in force
 * THINVM_CMD_SET_POLICY (do)
 *	request: THINVM_A_POLICY { any of HC_CEILING, HC_DEFAULT, HOTPLUG_MODE,
 *	         HIDDEN_FEATURES, VM_MAX_VCPUS, HV_VCPU_LIMIT, and optionally
 *	         GENERATION }, THINVM_A_FLAGS (optional)
 *	All or nothing: the fields given are checked together against the
 *	ones kept (HC_DEFAULT within HC_CEILING within HC_SUPPORTED, a known
 *	mode, HIDDEN_FEATURES within the host's FEATURES, VM_MAX_VCPUS from 1
 *	to MAX_VCPUS, HV_VCPU_LIMIT from 1 to THINVM_HV_VCPU_LIMIT_MAX), then
 *	applied at once. HIDDEN_FEATURES, VM_MAX_VCPUS and HV_VCPU_LIMIT are
 *	taken by each VM as it is created: a change never alters the view of
 *	a VM that exists. GENERATION, if given, must be above the
 *	one in force (ESTALE otherwise) and becomes it; if absent the
 *	generation goes up by one. THINVM_SET_F_DRY_RUN checks and replies
 *	without applying.
 *	reply: THINVM_A_POLICY, as GET_POLICY (as it would be, for a dry run)
 * THINVM_CMD_GET_VM (do: THINVM_A_VM { ID }; or dump, no attributes)
 *	reply, one message per VM: THINVM_A_VM { ID, PID, NAME (if named),
 *	       VCPUS, POLICY_GENERATION, HC_EXIT_MASK, HC_REQUESTED,
 *	       HIDDEN_FEATURES, MAX_VCPUS, HAS_RUN }
 *	An unknown ID gives ENOENT. A dump lists VMs by increasing id and
 *	resumes where it stopped when a message fills up; VMs created or
 *	destroyed meanwhile set NLM_F_DUMP_INTR on the messages after.
 * THINVM_CMD_SET_VM_POLICY (do)
 *	request: THINVM_A_VM { ID, any of HC_EXIT_MASK, HIDDEN_FEATURES,
 *	         MAX_VCPUS, optionally POLICY_GENERATION },
 *	         THINVM_A_FLAGS (optional)
 *	HC_EXIT_MASK must lie within HC_SUPPORTED (EINVAL) and within the
 *	host's HC_CEILING (EPERM). A running VM sees it at its next
 *	hypercall. HIDDEN_FEATURES (within the host's FEATURES) changes what
 *	the guest is told of the CPU, so it is refused with EBUSY once a vCPU
 *	of the VM has run; MAX_VCPUS (1 to the host's MAX_VCPUS, and not
 *	below the vCPUs the VM has) is refused with EBUSY once a vCPU
 *	exists. All fields or none. POLICY_GENERATION follows
 *	the host's rule, per VM (each VM starts at 0). reply: THINVM_A_VM, as
 *	GET_VM
 * THINVM_CMD_GET_CPU (do: THINVM_A_CPU { ID }; or dump: every possible CPU)
 *	reply: THINVM_A_CPU { ID, ONLINE, STATE, REASON (if incompatible),
 *	       VIRT_ON }
 * THINVM_CMD_GET_PROFILE (do)
 *	reply: THINVM_A_PROFILE { VERSION, VENDOR, POLICY_GENERATION,
 *	       FEATURES, HIDDEN_FEATURES, CPUID, VMX_MSRS (vmx only),
 *	       MAX_VCPUS, HV_VCPU_LIMIT, HC_SUPPORTED }
 *	The host capability profile: what a VM created now would be offered,
 *	after the host policy, so that orchestration can compare hosts.
 *	VERSION is THINVM_PROFILE_VERSION; a change of meaning of any field
 *	raises it. FEATURES are the named features (enum thinvm_feature)
 *	offered, the host's less HIDDEN_FEATURES. CPUID is what
 *	KVM_GET_SUPPORTED_CPUID returns, an array of struct kvm_cpuid_entry2.
 *	VMX_MSRS is an array of struct thinvm_msr_value: the VMX capability
 *	MSRs as a guest and KVM_GET_MSRS read them, hidden features cleared.
 *
 * Events, multicast on group THINVM_GENL_MCGRP_EVENTS (joining needs
 * CAP_NET_ADMIN too). The command says what happened:
 *	THINVM_CMD_VM_CREATED, THINVM_CMD_VM_DESTROYED: THINVM_A_VM { ID, PID }
 *	THINVM_CMD_VM_RENAMED: THINVM_A_VM { ID, PID, NAME }, after
 *		THINVM_SET_VM_NAME: what per-name policy rules key on
 *	THINVM_CMD_CPU_ADMITTED, _REFUSED, _QUARANTINED, _OFFLINE:
 *		THINVM_A_CPU { ID, STATE, REASON (if incompatible) }
 *	THINVM_CMD_POLICY_APPLIED: THINVM_A_POLICY (the host policy), or
 *		THINVM_A_VM (a VM's, after SET_VM_POLICY)
 *	THINVM_CMD_HYPERCALL_REFUSED: THINVM_A_VM { ID }, THINVM_A_HYPERCALL
 *		{ NR, SUPPRESSED }: a hypercall the VMM enabled reached a guest
 *		while policy kept it from exiting. At most a few per second;
 *		SUPPRESSED counts the ones left out since the last event.
 *
 * Named features (enum thinvm_feature) are VMX controls and SVM features
 * that policy may hide one by one; a set of them is a __u64 with bit N for
 * feature N. The enum only grows at the end.
 *
 * Hypercall masks have bit N set for hypercall number N (KVM_HC_*), as
 * KVM_CAP_EXIT_HYPERCALL does. A hypercall exits to the VMM only if all of
 * three allow it: the VMM asked for it (KVM_ENABLE_CAP, HC_REQUESTED), the
 * VM's policy (HC_EXIT_MASK, HC_DEFAULT when the VM was created) and the
 * host's HC_CEILING. Policy narrows what a VMM asked, never widens it: no
 * VMM sees an exit it did not ask for. A VMM asking above the ceiling gets
 * EPERM from KVM_ENABLE_CAP.
 */
#ifndef _UAPI_LINUX_THINVM_H
#define _UAPI_LINUX_THINVM_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define THINVM_DEVICE_PATH "/dev/thinvm"
#define THINVM_SYSFS_DIR "/sys/kernel/thinvm"

#define THINVMIO 0xB9

enum thinvm_exit_stat {
	THINVM_EXIT_STAT_INTERRUPT,	/* a host interrupt or NMI */
	THINVM_EXIT_STAT_IO,		/* port I/O */
	THINVM_EXIT_STAT_HLT,
	THINVM_EXIT_STAT_CPUID,
	THINVM_EXIT_STAT_MSR,		/* RDMSR or WRMSR */
	THINVM_EXIT_STAT_HYPERCALL,	/* the vendor's own: VMMCALL, VMCALL */
	THINVM_EXIT_STAT_NPF,		/* nested page fault (NPT or EPT) */
	THINVM_EXIT_STAT_SHUTDOWN,	/* triple fault */
	THINVM_EXIT_STAT_FAIL_ENTRY,	/* the hardware refused the state */
	THINVM_EXIT_STAT_OTHER,		/* anything else */
	THINVM_EXIT_STAT_CR_DR,		/* MOV to CR4, MOV to/from DRn */
	/* An intercepted exception: #UD, Intel's VMCALL on AMD among them. */
	THINVM_EXIT_STAT_EXCEPTION,
	THINVM_EXIT_STAT_NR = 16,	/* room to grow; unused ones read 0 */
};

struct thinvm_vcpu_stats {
	__u64 exits;			/* all of them */
	__u64 by_reason[THINVM_EXIT_STAT_NR];
};

#define THINVM_VM_NAME_MAX 64

struct thinvm_vm_name {
	char name[THINVM_VM_NAME_MAX];
};

#define THINVM_GET_VCPU_STATS _IOR(THINVMIO, 0x01, struct thinvm_vcpu_stats)
#define THINVM_GET_VM_ID _IOR(THINVMIO, 0x02, __u32)
#define THINVM_SET_VM_NAME _IOW(THINVMIO, 0x03, struct thinvm_vm_name)

/* Generic netlink */
#define THINVM_GENL_NAME "thinvm"
#define THINVM_GENL_VERSION 1
#define THINVM_GENL_MCGRP_EVENTS "events"

enum thinvm_cmd {
	THINVM_CMD_UNSPEC,
	THINVM_CMD_GET_CAPS,
	THINVM_CMD_GET_POLICY,
	THINVM_CMD_SET_POLICY,
	THINVM_CMD_GET_VM,
	THINVM_CMD_SET_VM_POLICY,
	THINVM_CMD_GET_CPU,
	/* events */
	THINVM_CMD_VM_CREATED,
	THINVM_CMD_VM_DESTROYED,
	THINVM_CMD_CPU_ADMITTED,
	THINVM_CMD_CPU_REFUSED,
	THINVM_CMD_CPU_QUARANTINED,
	THINVM_CMD_CPU_OFFLINE,
	THINVM_CMD_POLICY_APPLIED,
	THINVM_CMD_HYPERCALL_REFUSED,
	THINVM_CMD_VM_RENAMED,
	THINVM_CMD_GET_PROFILE,
	__THINVM_CMD_MAX,
};
#define THINVM_CMD_MAX (__THINVM_CMD_MAX - 1)

/* Top level. */
enum thinvm_attr {
	THINVM_A_UNSPEC,
	THINVM_A_PAD,
	THINVM_A_CAPS,		/* nest: THINVM_A_CAPS_* */
	THINVM_A_POLICY,	/* nest: THINVM_A_POLICY_* */
	THINVM_A_VM,		/* nest: THINVM_A_VM_* */
	THINVM_A_CPU,		/* nest: THINVM_A_CPU_* */
	THINVM_A_HYPERCALL,	/* nest: THINVM_A_HYPERCALL_* */
	THINVM_A_FLAGS,		/* u32: THINVM_SET_F_* */
	THINVM_A_PROFILE,	/* nest: THINVM_A_PROFILE_* */
	__THINVM_A_MAX,
};
#define THINVM_A_MAX (__THINVM_A_MAX - 1)

/* THINVM_A_FLAGS */
#define THINVM_SET_F_DRY_RUN	(1U << 0)	/* check, reply, change nothing */
#define THINVM_SET_F_ALL	THINVM_SET_F_DRY_RUN

enum thinvm_caps_attr {
	THINVM_A_CAPS_UNSPEC,
	THINVM_A_CAPS_PAD,
	THINVM_A_CAPS_VENDOR,		/* string: "svm" or "vmx" */
	THINVM_A_CAPS_HC_SUPPORTED,	/* u64: hypercalls that can exit */
	THINVM_A_CAPS_HOTPLUG_MODES,	/* u32: bit N for enum thinvm_hotplug_mode N */
	THINVM_A_CAPS_MAX_VCPUS,	/* u32: per VM */
	THINVM_A_CAPS_POSSIBLE_CPUS,	/* u32: how many CPU ids exist */
	THINVM_A_CAPS_FEATURES,		/* u64: named features the host has */
	__THINVM_A_CAPS_MAX,
};
#define THINVM_A_CAPS_MAX (__THINVM_A_CAPS_MAX - 1)

enum thinvm_hotplug_mode {
	/* An incompatible CPU never comes online (as KVM since 6.12). */
	THINVM_HOTPLUG_REJECT,
	/*
	 * Refused only while VMs exist; with none it comes online and VM
	 * creation fails with EBUSY until it goes offline again.
	 */
	THINVM_HOTPLUG_REJECT_WHILE_RUNNING,
	__THINVM_HOTPLUG_MODE_COUNT,
};

enum thinvm_policy_attr {
	THINVM_A_POLICY_UNSPEC,
	THINVM_A_POLICY_PAD,
	THINVM_A_POLICY_GENERATION,	/* u64 */
	THINVM_A_POLICY_HC_CEILING,	/* u64: the most a VMM may ask to exit */
	THINVM_A_POLICY_HC_DEFAULT,	/* u64: a new VM's HC_EXIT_MASK */
	THINVM_A_POLICY_HOTPLUG_MODE,	/* u32: enum thinvm_hotplug_mode */
	THINVM_A_POLICY_HIDDEN_FEATURES,	/* u64: a new VM's hidden features */
	THINVM_A_POLICY_VM_MAX_VCPUS,	/* u32: a new VM's most vCPUs */
	THINVM_A_POLICY_HV_VCPU_LIMIT,	/* u32: the Hyper-V limit a new VM gets */
	__THINVM_A_POLICY_MAX,
};
#define THINVM_A_POLICY_MAX (__THINVM_A_POLICY_MAX - 1)

enum thinvm_vm_attr {
	THINVM_A_VM_UNSPEC,
	THINVM_A_VM_PAD,
	THINVM_A_VM_ID,			/* u32 */
	THINVM_A_VM_PID,		/* u32: the creator's, in the initial pid namespace */
	THINVM_A_VM_NAME,		/* string, < THINVM_VM_NAME_MAX */
	THINVM_A_VM_VCPUS,		/* u32 */
	THINVM_A_VM_POLICY_GENERATION,	/* u64 */
	THINVM_A_VM_HC_EXIT_MASK,	/* u64: what policy lets exit, if asked */
	THINVM_A_VM_HC_REQUESTED,	/* u64: what the VMM asked with KVM_ENABLE_CAP */
	THINVM_A_VM_HIDDEN_FEATURES,	/* u64: named features its guest is not told of */
	THINVM_A_VM_MAX_VCPUS,		/* u32: the most vCPUs it may have */
	THINVM_A_VM_HAS_RUN,		/* u8: a vCPU of it has entered the guest */
	__THINVM_A_VM_MAX,
};
#define THINVM_A_VM_MAX (__THINVM_A_VM_MAX - 1)

enum thinvm_cpu_state {
	THINVM_CPU_UNCHECKED,	/* offline since the module loaded */
	THINVM_CPU_ADMITTED,	/* online and compatible */
	THINVM_CPU_QUARANTINED,	/* online, incompatible: VM creation blocked */
	THINVM_CPU_REFUSED,	/* its last attempt to come online was refused */
	THINVM_CPU_OFFLINE,	/* went offline after being online */
	__THINVM_CPU_STATE_COUNT,
};

enum thinvm_cpu_attr {
	THINVM_A_CPU_UNSPEC,
	THINVM_A_CPU_ID,		/* u32 */
	THINVM_A_CPU_ONLINE,		/* u8: 0 or 1 */
	THINVM_A_CPU_STATE,		/* u32: enum thinvm_cpu_state */
	THINVM_A_CPU_REASON,		/* string */
	THINVM_A_CPU_VIRT_ON,		/* u8: thinvm has virtualization on there */
	__THINVM_A_CPU_MAX,
};
#define THINVM_A_CPU_MAX (__THINVM_A_CPU_MAX - 1)

enum thinvm_hypercall_attr {
	THINVM_A_HYPERCALL_UNSPEC,
	THINVM_A_HYPERCALL_PAD,
	THINVM_A_HYPERCALL_NR,		/* u64 */
	THINVM_A_HYPERCALL_SUPPRESSED,	/* u32 */
	__THINVM_A_HYPERCALL_MAX,
};
#define THINVM_A_HYPERCALL_MAX (__THINVM_A_HYPERCALL_MAX - 1)

enum thinvm_profile_attr {
	THINVM_A_PROFILE_UNSPEC,
	THINVM_A_PROFILE_PAD,
	THINVM_A_PROFILE_VERSION,	/* u32: THINVM_PROFILE_VERSION */
	THINVM_A_PROFILE_VENDOR,	/* string: "svm" or "vmx" */
	THINVM_A_PROFILE_POLICY_GENERATION,	/* u64: the host policy's */
	THINVM_A_PROFILE_FEATURES,	/* u64: named features offered */
	THINVM_A_PROFILE_HIDDEN_FEATURES,	/* u64: named features hidden */
	THINVM_A_PROFILE_CPUID,		/* binary: struct kvm_cpuid_entry2[] */
	THINVM_A_PROFILE_VMX_MSRS,	/* binary: struct thinvm_msr_value[] */
	THINVM_A_PROFILE_MAX_VCPUS,	/* u32: per VM */
	THINVM_A_PROFILE_HV_VCPU_LIMIT,	/* u32: in HYPERV_CPUID_IMPLEMENT_LIMITS */
	THINVM_A_PROFILE_HC_SUPPORTED,	/* u64: hypercalls that can exit */
	__THINVM_A_PROFILE_MAX,
};
#define THINVM_A_PROFILE_MAX (__THINVM_A_PROFILE_MAX - 1)

#define THINVM_PROFILE_VERSION 1

struct thinvm_msr_value {
	__u32 index;
	__u32 reserved;		/* zero */
	__u64 value;
};

/*
 * The Hyper-V implementation limit (HYPERV_CPUID_IMPLEMENT_LIMITS.EAX, the
 * most virtual processors) policy may set: the most a VP index can address
 * in the sparse sets of the Hyper-V TLFS (64 banks of 64).
 */
#define THINVM_HV_VCPU_LIMIT_MAX 4096

enum thinvm_feature {
	/* VMX controls (SDM vol. 3, 25.6; arch/x86/kvm/vmx/hyperv_evmcs.h). */
	THINVM_FEAT_TSC_SCALING,		/* secondary 25 */
	THINVM_FEAT_PERF_GLOBAL_CTRL,		/* exit 12, entry 13 */
	THINVM_FEAT_POSTED_INTERRUPTS,		/* pin-based 7 */
	THINVM_FEAT_PML,			/* secondary 17 */
	THINVM_FEAT_VMFUNC,			/* secondary 13 */
	THINVM_FEAT_PREEMPTION_TIMER,		/* pin-based 6 */
	THINVM_FEAT_APIC_REGISTER_VIRT,		/* secondary 8 */
	THINVM_FEAT_VIRTUAL_INTERRUPT_DELIVERY,	/* secondary 9 */
	THINVM_FEAT_SHADOW_VMCS,		/* secondary 14 */
	THINVM_FEAT_XSAVES,			/* secondary 20 */
	THINVM_FEAT_ENCLS_EXITING,		/* secondary 15 */
	THINVM_FEAT_BUS_LOCK_DETECTION,		/* secondary 30 */
	THINVM_FEAT_NOTIFY_VM_EXITING,		/* secondary 31 */
	THINVM_FEAT_IPI_VIRTUALIZATION,		/* tertiary 4 */
	THINVM_FEAT_LOAD_IA32_RTIT_CTL,		/* entry 18, exit 25 */
	THINVM_FEAT_LOAD_IA32_BNDCFGS,		/* entry 16, exit 23 */
	/* SVM features: CPUID 0x8000000A.EDX bits (AMD APM vol. 3, E.4.9). */
	THINVM_FEAT_NPT,			/* 0 */
	THINVM_FEAT_LBRV,			/* 1 */
	THINVM_FEAT_NRIP_SAVE,			/* 3 */
	THINVM_FEAT_TSC_RATE_MSR,		/* 4 */
	THINVM_FEAT_VMCB_CLEAN,			/* 5 */
	THINVM_FEAT_FLUSH_BY_ASID,		/* 6 */
	THINVM_FEAT_DECODE_ASSISTS,		/* 7 */
	THINVM_FEAT_PAUSE_FILTER,		/* 10 */
	THINVM_FEAT_PAUSE_FILTER_THRESHOLD,	/* 12 */
	THINVM_FEAT_AVIC,			/* 13 */
	THINVM_FEAT_V_VMSAVE_VMLOAD,		/* 15 */
	THINVM_FEAT_VGIF,			/* 16 */
	THINVM_FEAT_VNMI,			/* 25 */
	__THINVM_FEAT_COUNT,
};

#endif
