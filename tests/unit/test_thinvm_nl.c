// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding of the thinvm family's replies and events, from messages built
 * in memory with libnl as the module would send them; no kernel needed.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "thinvm_nl.h"
#include "thinvm_profile.h"
#include "thinvm_raw.h"

/* Any id: decoding a single message does not look at it. */
#define FAMILY 0x20

static struct nl_msg *msg;

static void msg_free(void)
{
	nlmsg_free(msg);
	msg = NULL;
}

static void start(uint8_t cmd)
{
	/* Room for a profile's largest CPUID array (10 KiB and more). */
	msg = nlmsg_alloc_size(64 * 1024);
	cr_assert(msg);
	cr_assert(genlmsg_put(msg, 0, 0, FAMILY, 0, 0, cmd, THINVM_GENL_VERSION));
}

static struct nlattr *nest(int type)
{
	struct nlattr *n = nla_nest_start(msg, type);

	cr_assert(n);
	return n;
}

static void end(struct nlattr *n)
{
	cr_assert_eq(nla_nest_end_keep_empty(msg, n), 0);
}

static void put_u8(int type, uint8_t v)
{
	cr_assert_eq(nla_put_u8(msg, type, v), 0);
}

static void put_u32(int type, uint32_t v)
{
	cr_assert_eq(nla_put_u32(msg, type, v), 0);
}

static void put_u64(int type, uint64_t v)
{
	cr_assert_eq(nla_put_u64(msg, type, v), 0);
}

static void put_str(int type, const char *s)
{
	cr_assert_eq(nla_put_string(msg, type, s), 0);
}

/* A nest whose content is given byte for byte. */
static void put_raw_nest(int type, const struct tnl_raw *r)
{
	cr_assert_eq(r->err, 0);
	cr_assert_eq(nla_put(msg, type | NLA_F_NESTED, (int)r->len, r->buf), 0);
}

static const struct nlmsghdr *hdr(void)
{
	return nlmsg_hdr(msg);
}

/* Caps */

/* Caps as a module with feature policy sends them, or an older one. */
static void caps_msg_of(bool skip_max_vcpus, const char *vendor, bool features)
{
	struct nlattr *n;

	start(THINVM_CMD_GET_CAPS);
	n = nest(THINVM_A_CAPS);
	put_str(THINVM_A_CAPS_VENDOR, vendor);
	put_u64(THINVM_A_CAPS_HC_SUPPORTED, 1ULL << 12);
	put_u32(THINVM_A_CAPS_HOTPLUG_MODES, 3);
	if (!skip_max_vcpus)
		put_u32(THINVM_A_CAPS_MAX_VCPUS, 64);
	put_u32(THINVM_A_CAPS_POSSIBLE_CPUS, 8);
	if (features)
		put_u64(THINVM_A_CAPS_FEATURES, 1ULL << THINVM_FEAT_NPT | 1ULL << THINVM_FEAT_AVIC);
	end(n);
}

static void caps_msg(bool skip_max_vcpus, const char *vendor)
{
	caps_msg_of(skip_max_vcpus, vendor, true);
}

TestSuite(thinvm_nl, .fini = msg_free);

Test(thinvm_nl, caps)
{
	struct tnl_caps caps;

	caps_msg(false, "svm");
	cr_assert_eq(tnl_parse_caps(hdr(), &caps), 0);
	cr_assert_str_eq(caps.vendor, "svm");
	cr_assert_eq(caps.hc_supported, 1ULL << 12);
	cr_assert_eq(caps.hotplug_modes, 3);
	cr_assert_eq(caps.max_vcpus, 64);
	cr_assert_eq(caps.possible_cpus, 8);
	cr_assert(caps.fields & TNL_CAPS_FEATURES);
	cr_assert_eq(caps.features, 1ULL << THINVM_FEAT_NPT | 1ULL << THINVM_FEAT_AVIC);
}

Test(thinvm_nl, caps_of_a_module_without_feature_policy)
{
	struct tnl_caps caps;

	caps_msg_of(false, "vmx", false);
	cr_assert_eq(tnl_parse_caps(hdr(), &caps), 0);
	cr_assert_str_eq(caps.vendor, "vmx");
	cr_assert_eq(caps.max_vcpus, 64);
	cr_assert_eq(caps.fields, TNL_CAPS_VENDOR | TNL_CAPS_HC_SUPPORTED |
		     TNL_CAPS_HOTPLUG_MODES | TNL_CAPS_MAX_VCPUS | TNL_CAPS_POSSIBLE_CPUS);
	cr_assert_eq(caps.features, 0);
}

Test(thinvm_nl, caps_features_as_u32_is_malformed)
{
	struct tnl_caps caps;
	struct nlattr *n;

	start(THINVM_CMD_GET_CAPS);
	n = nest(THINVM_A_CAPS);
	put_str(THINVM_A_CAPS_VENDOR, "vmx");
	put_u64(THINVM_A_CAPS_HC_SUPPORTED, 0);
	put_u32(THINVM_A_CAPS_HOTPLUG_MODES, 3);
	put_u32(THINVM_A_CAPS_MAX_VCPUS, 64);
	put_u32(THINVM_A_CAPS_POSSIBLE_CPUS, 8);
	put_u32(THINVM_A_CAPS_FEATURES, 1);	/* a u64 */
	end(n);
	cr_assert_eq(tnl_parse_caps(hdr(), &caps), -EPROTO);
}

Test(thinvm_nl, caps_all_required)
{
	struct tnl_caps caps;

	caps_msg(true, "svm");
	cr_assert_eq(tnl_parse_caps(hdr(), &caps), -EPROTO);
}

Test(thinvm_nl, caps_vendor_longer_than_the_buffer_is_malformed)
{
	struct tnl_caps caps;

	caps_msg(false, "0123456789abcdef");	/* 16 + NUL */
	cr_assert_eq(tnl_parse_caps(hdr(), &caps), -EPROTO);
}

Test(thinvm_nl, caps_vendor_must_be_nul_terminated)
{
	struct tnl_caps caps;
	struct nlattr *n;

	start(THINVM_CMD_GET_CAPS);
	n = nest(THINVM_A_CAPS);
	cr_assert_eq(nla_put(msg, THINVM_A_CAPS_VENDOR, 3, "svm"), 0);
	put_u64(THINVM_A_CAPS_HC_SUPPORTED, 0);
	put_u32(THINVM_A_CAPS_HOTPLUG_MODES, 3);
	put_u32(THINVM_A_CAPS_MAX_VCPUS, 64);
	put_u32(THINVM_A_CAPS_POSSIBLE_CPUS, 8);
	end(n);
	cr_assert_eq(tnl_parse_caps(hdr(), &caps), -EPROTO);
}

Test(thinvm_nl, caps_wrong_width_is_malformed)
{
	struct tnl_caps caps;
	struct nlattr *n;

	start(THINVM_CMD_GET_CAPS);
	n = nest(THINVM_A_CAPS);
	put_str(THINVM_A_CAPS_VENDOR, "vmx");
	put_u32(THINVM_A_CAPS_HC_SUPPORTED, 0);	/* a u64 */
	put_u32(THINVM_A_CAPS_HOTPLUG_MODES, 3);
	put_u32(THINVM_A_CAPS_MAX_VCPUS, 64);
	put_u32(THINVM_A_CAPS_POSSIBLE_CPUS, 8);
	end(n);
	cr_assert_eq(tnl_parse_caps(hdr(), &caps), -EPROTO);
}

Test(thinvm_nl, no_caps_nest)
{
	struct tnl_caps caps;

	start(THINVM_CMD_GET_CAPS);
	put_u32(THINVM_A_FLAGS, 0);
	cr_assert_eq(tnl_parse_caps(hdr(), &caps), -EPROTO);
}

Test(thinvm_nl, a_newer_modules_attributes_are_ignored)
{
	struct tnl_caps caps;
	struct nlattr *n;

	start(THINVM_CMD_GET_CAPS);
	put_u64(THINVM_A_MAX + 5, 7);
	n = nest(THINVM_A_CAPS);
	put_u32(THINVM_A_CAPS_PAD, 0);
	put_str(THINVM_A_CAPS_VENDOR, "vmx");
	put_u64(THINVM_A_CAPS_MAX + 1, 7);
	put_u64(THINVM_A_CAPS_HC_SUPPORTED, 0);
	put_u32(THINVM_A_CAPS_HOTPLUG_MODES, 1);
	put_u32(THINVM_A_CAPS_MAX_VCPUS, 1);
	put_u32(THINVM_A_CAPS_POSSIBLE_CPUS, 2);
	put_str(THINVM_A_CAPS_MAX + 2, "a string");
	end(n);
	cr_assert_eq(tnl_parse_caps(hdr(), &caps), 0);
	cr_assert_str_eq(caps.vendor, "vmx");
	cr_assert_eq(caps.possible_cpus, 2);
}

Test(thinvm_nl, truncated_genl_header)
{
	struct tnl_caps caps;

	start(THINVM_CMD_GET_CAPS);
	nlmsg_hdr(msg)->nlmsg_len = NLMSG_HDRLEN + 2;
	cr_assert_eq(tnl_parse_caps(hdr(), &caps), -EPROTO);
}

/* Policy */

static void policy_nest(unsigned int skip)
{
	struct nlattr *n = nest(THINVM_A_POLICY);

	if (!(skip & TNL_POLICY_GENERATION))
		put_u64(THINVM_A_POLICY_GENERATION, 7);
	if (!(skip & TNL_POLICY_HC_CEILING))
		put_u64(THINVM_A_POLICY_HC_CEILING, 0x1000);
	if (!(skip & TNL_POLICY_HC_DEFAULT))
		put_u64(THINVM_A_POLICY_HC_DEFAULT, 0);
	if (!(skip & TNL_POLICY_HOTPLUG_MODE))
		put_u32(THINVM_A_POLICY_HOTPLUG_MODE,
			THINVM_HOTPLUG_REJECT_WHILE_RUNNING);
	if (!(skip & TNL_POLICY_HIDDEN_FEATURES))
		put_u64(THINVM_A_POLICY_HIDDEN_FEATURES, 1ULL << THINVM_FEAT_PML);
	if (!(skip & TNL_POLICY_VM_MAX_VCPUS))
		put_u32(THINVM_A_POLICY_VM_MAX_VCPUS, 16);
	if (!(skip & TNL_POLICY_HV_VCPU_LIMIT))
		put_u32(THINVM_A_POLICY_HV_VCPU_LIMIT, 1024);
	end(n);
}

Test(thinvm_nl, policy)
{
	struct tnl_policy p;

	start(THINVM_CMD_GET_POLICY);
	policy_nest(0);
	cr_assert_eq(tnl_parse_policy(hdr(), &p), 0);
	cr_assert_eq(p.fields, TNL_POLICY_ALL);
	cr_assert_eq(p.generation, 7);
	cr_assert_eq(p.hc_ceiling, 0x1000);
	cr_assert_eq(p.hc_default, 0);
	cr_assert_eq(p.hotplug_mode, THINVM_HOTPLUG_REJECT_WHILE_RUNNING);
	cr_assert_eq(p.hidden_features, 1ULL << THINVM_FEAT_PML);
	cr_assert_eq(p.vm_max_vcpus, 16);
	cr_assert_eq(p.hv_vcpu_limit, 1024);
}

Test(thinvm_nl, policy_of_a_module_without_feature_policy)
{
	struct tnl_policy p;

	start(THINVM_CMD_GET_POLICY);
	policy_nest(TNL_POLICY_FEATURE_FIELDS);
	cr_assert_eq(tnl_parse_policy(hdr(), &p), 0);
	cr_assert_eq(p.fields, TNL_POLICY_BASE);
	cr_assert_eq(p.hidden_features, 0);
	cr_assert_eq(p.vm_max_vcpus, 0);
	cr_assert_eq(p.hv_vcpu_limit, 0);
}

Test(thinvm_nl, policy_feature_fields_one_by_one)
{
	struct tnl_policy p;

	start(THINVM_CMD_GET_POLICY);
	policy_nest(TNL_POLICY_HIDDEN_FEATURES | TNL_POLICY_HV_VCPU_LIMIT);
	cr_assert_eq(tnl_parse_policy(hdr(), &p), 0);
	cr_assert_eq(p.fields, TNL_POLICY_BASE | TNL_POLICY_VM_MAX_VCPUS);
	cr_assert_eq(p.vm_max_vcpus, 16);
}

Test(thinvm_nl, policy_feature_fields_of_the_wrong_width_are_malformed)
{
	struct tnl_policy p;
	struct nlattr *n;

	start(THINVM_CMD_GET_POLICY);
	n = nest(THINVM_A_POLICY);
	put_u64(THINVM_A_POLICY_GENERATION, 7);
	put_u64(THINVM_A_POLICY_HC_CEILING, 0);
	put_u64(THINVM_A_POLICY_HC_DEFAULT, 0);
	put_u32(THINVM_A_POLICY_HOTPLUG_MODE, 0);
	put_u64(THINVM_A_POLICY_VM_MAX_VCPUS, 16);	/* a u32 */
	end(n);
	cr_assert_eq(tnl_parse_policy(hdr(), &p), -EPROTO);
}

Test(thinvm_nl, policy_all_required)
{
	struct tnl_policy p;

	start(THINVM_CMD_GET_POLICY);
	policy_nest(TNL_POLICY_HOTPLUG_MODE);
	cr_assert_eq(tnl_parse_policy(hdr(), &p), -EPROTO);
}

Test(thinvm_nl, policy_mode_as_u64_is_malformed)
{
	struct tnl_policy p;
	struct nlattr *n;

	start(THINVM_CMD_GET_POLICY);
	n = nest(THINVM_A_POLICY);
	put_u64(THINVM_A_POLICY_GENERATION, 7);
	put_u64(THINVM_A_POLICY_HC_CEILING, 0);
	put_u64(THINVM_A_POLICY_HC_DEFAULT, 0);
	put_u64(THINVM_A_POLICY_HOTPLUG_MODE, 0);
	end(n);
	cr_assert_eq(tnl_parse_policy(hdr(), &p), -EPROTO);
}

/* VMs */

static void vm_nest(const char *name, unsigned int skip)
{
	struct nlattr *n = nest(THINVM_A_VM);

	if (!(skip & TNL_VM_ID))
		put_u32(THINVM_A_VM_ID, 3);
	if (!(skip & TNL_VM_PID))
		put_u32(THINVM_A_VM_PID, 812);
	if (name)
		put_str(THINVM_A_VM_NAME, name);
	if (!(skip & TNL_VM_VCPUS))
		put_u32(THINVM_A_VM_VCPUS, 2);
	if (!(skip & TNL_VM_POLICY_GENERATION))
		put_u64(THINVM_A_VM_POLICY_GENERATION, 9);
	if (!(skip & TNL_VM_HC_EXIT_MASK))
		put_u64(THINVM_A_VM_HC_EXIT_MASK, 1ULL << 12);
	if (!(skip & TNL_VM_HC_REQUESTED))
		put_u64(THINVM_A_VM_HC_REQUESTED, 1ULL << 12 | 1ULL << 5);
	if (!(skip & TNL_VM_HIDDEN_FEATURES))
		put_u64(THINVM_A_VM_HIDDEN_FEATURES, 1ULL << THINVM_FEAT_VMFUNC);
	if (!(skip & TNL_VM_MAX_VCPUS))
		put_u32(THINVM_A_VM_MAX_VCPUS, 8);
	if (!(skip & TNL_VM_HAS_RUN))
		put_u8(THINVM_A_VM_HAS_RUN, 1);
	end(n);
}

Test(thinvm_nl, vm_with_a_name)
{
	struct tnl_vm vm;

	start(THINVM_CMD_GET_VM);
	vm_nest("web-1", 0);
	cr_assert_eq(tnl_parse_vm(hdr(), &vm), 0);
	cr_assert_eq(vm.id, 3);
	cr_assert_eq(vm.pid, 812);
	cr_assert_str_eq(vm.name, "web-1");
	cr_assert(vm.fields & TNL_VM_NAME);
	cr_assert_eq(vm.vcpus, 2);
	cr_assert_eq(vm.policy_generation, 9);
	cr_assert_eq(vm.hc_exit_mask, 1ULL << 12);
	cr_assert_eq(vm.hc_requested, 1ULL << 12 | 1ULL << 5);
	cr_assert_eq(vm.hidden_features, 1ULL << THINVM_FEAT_VMFUNC);
	cr_assert_eq(vm.max_vcpus, 8);
	cr_assert(vm.has_run);
	cr_assert(vm.fields & TNL_VM_HIDDEN_FEATURES);
	cr_assert(vm.fields & TNL_VM_MAX_VCPUS);
	cr_assert(vm.fields & TNL_VM_HAS_RUN);
}

Test(thinvm_nl, vm_of_a_module_without_feature_policy)
{
	struct tnl_vm vm;

	start(THINVM_CMD_GET_VM);
	vm_nest(NULL, TNL_VM_HIDDEN_FEATURES | TNL_VM_MAX_VCPUS | TNL_VM_HAS_RUN);
	cr_assert_eq(tnl_parse_vm(hdr(), &vm), 0);
	cr_assert_not(vm.fields & (TNL_VM_HIDDEN_FEATURES | TNL_VM_MAX_VCPUS | TNL_VM_HAS_RUN));
	cr_assert_eq(vm.max_vcpus, 0);
	cr_assert_not(vm.has_run);
}

Test(thinvm_nl, vm_has_run_as_u32_is_malformed)
{
	struct tnl_vm vm;
	struct nlattr *n;

	start(THINVM_CMD_GET_VM);
	n = nest(THINVM_A_VM);
	put_u32(THINVM_A_VM_ID, 3);
	put_u32(THINVM_A_VM_PID, 1);
	put_u32(THINVM_A_VM_VCPUS, 1);
	put_u64(THINVM_A_VM_POLICY_GENERATION, 1);
	put_u64(THINVM_A_VM_HC_EXIT_MASK, 0);
	put_u64(THINVM_A_VM_HC_REQUESTED, 0);
	put_u32(THINVM_A_VM_HAS_RUN, 1);	/* a u8 */
	end(n);
	cr_assert_eq(tnl_parse_vm(hdr(), &vm), -EPROTO);
}

Test(thinvm_nl, vm_without_a_name)
{
	struct tnl_vm vm;

	start(THINVM_CMD_GET_VM);
	vm_nest(NULL, 0);
	cr_assert_eq(tnl_parse_vm(hdr(), &vm), 0);
	cr_assert_str_eq(vm.name, "");
	cr_assert_not(vm.fields & TNL_VM_NAME);
}

Test(thinvm_nl, vm_name_lengths)
{
	char name[THINVM_VM_NAME_MAX + 1];
	struct tnl_vm vm;

	memset(name, 'a', sizeof(name));
	name[THINVM_VM_NAME_MAX - 1] = '\0';
	start(THINVM_CMD_GET_VM);
	vm_nest(name, 0);
	cr_assert_eq(tnl_parse_vm(hdr(), &vm), 0);
	cr_assert_str_eq(vm.name, name);
	msg_free();

	name[THINVM_VM_NAME_MAX - 1] = 'a';
	name[THINVM_VM_NAME_MAX] = '\0';
	start(THINVM_CMD_GET_VM);
	vm_nest(name, 0);
	cr_assert_eq(tnl_parse_vm(hdr(), &vm), -EPROTO);
}

Test(thinvm_nl, vm_fields_required)
{
	static const unsigned int required[] = {
		TNL_VM_ID, TNL_VM_PID, TNL_VM_VCPUS, TNL_VM_POLICY_GENERATION,
		TNL_VM_HC_EXIT_MASK, TNL_VM_HC_REQUESTED,
	};
	struct tnl_vm vm;

	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		start(THINVM_CMD_GET_VM);
		vm_nest("x", required[i]);
		cr_expect_eq(tnl_parse_vm(hdr(), &vm), -EPROTO, "without %#x",
			     required[i]);
		msg_free();
	}
}

Test(thinvm_nl, bytes_left_over_in_a_nest_are_malformed)
{
	struct tnl_raw r = { 0 };
	struct tnl_vm vm;

	tnl_raw_put_u32(&r, THINVM_A_VM_ID, 3);
	tnl_raw_put_u32(&r, THINVM_A_VM_PID, 1);
	tnl_raw_put_u32(&r, THINVM_A_VM_VCPUS, 1);
	tnl_raw_put_u64(&r, THINVM_A_VM_POLICY_GENERATION, 1);
	tnl_raw_put_u64(&r, THINVM_A_VM_HC_EXIT_MASK, 0);
	tnl_raw_put_u64(&r, THINVM_A_VM_HC_REQUESTED, 0);
	start(THINVM_CMD_GET_VM);
	put_raw_nest(THINVM_A_VM, &r);
	cr_assert_eq(tnl_parse_vm(hdr(), &vm), 0, "the nest as it should be");
	msg_free();

	tnl_raw_bytes(&r, "\x01\x02", 2);
	start(THINVM_CMD_GET_VM);
	put_raw_nest(THINVM_A_VM, &r);
	cr_assert_eq(tnl_parse_vm(hdr(), &vm), -EPROTO);
}

Test(thinvm_nl, an_attribute_running_past_its_nest_is_malformed)
{
	struct tnl_raw r = { 0 };
	struct nlattr lie = { .nla_len = 64, .nla_type = THINVM_A_VM_ID };
	struct tnl_vm vm;

	tnl_raw_bytes(&r, &lie, sizeof(lie));
	tnl_raw_bytes(&r, "\x03\x00\x00\x00", 4);
	start(THINVM_CMD_GET_VM);
	put_raw_nest(THINVM_A_VM, &r);
	cr_assert_eq(tnl_parse_vm(hdr(), &vm), -EPROTO);
}

/* CPUs */

static void cpu_nest(const char *reason, int online_width)
{
	struct nlattr *n = nest(THINVM_A_CPU);

	put_u32(THINVM_A_CPU_ID, 1);
	if (online_width == 1)
		put_u8(THINVM_A_CPU_ONLINE, 1);
	else
		put_u32(THINVM_A_CPU_ONLINE, 1);
	put_u32(THINVM_A_CPU_STATE, THINVM_CPU_QUARANTINED);
	if (reason)
		put_str(THINVM_A_CPU_REASON, reason);
	put_u8(THINVM_A_CPU_VIRT_ON, 0);
	end(n);
}

Test(thinvm_nl, cpu)
{
	struct tnl_cpu cpu;

	start(THINVM_CMD_GET_CPU);
	cpu_nest("no SVM", 1);
	cr_assert_eq(tnl_parse_cpu(hdr(), &cpu), 0);
	cr_assert_eq(cpu.id, 1);
	cr_assert(cpu.online);
	cr_assert_eq(cpu.state, THINVM_CPU_QUARANTINED);
	cr_assert_str_eq(cpu.reason, "no SVM");
	cr_assert_not(cpu.virt_on);
	cr_assert_eq(cpu.fields, TNL_CPU_ID | TNL_CPU_ONLINE | TNL_CPU_STATE |
		     TNL_CPU_REASON | TNL_CPU_VIRT_ON);
}

Test(thinvm_nl, cpu_long_reason_is_cut)
{
	char reason[1000];
	struct tnl_cpu cpu;

	memset(reason, 'r', sizeof(reason));
	reason[sizeof(reason) - 1] = '\0';
	start(THINVM_CMD_GET_CPU);
	cpu_nest(reason, 1);
	cr_assert_eq(tnl_parse_cpu(hdr(), &cpu), 0);
	cr_assert_eq(strlen(cpu.reason), TNL_REASON_MAX - 1);
}

Test(thinvm_nl, cpu_flag_as_u32_is_malformed)
{
	struct tnl_cpu cpu;

	start(THINVM_CMD_GET_CPU);
	cpu_nest(NULL, 4);
	cr_assert_eq(tnl_parse_cpu(hdr(), &cpu), -EPROTO);
}

/* Events */

Test(thinvm_nl, event_vm_created)
{
	struct tnl_event ev;
	struct nlattr *n;

	start(THINVM_CMD_VM_CREATED);
	n = nest(THINVM_A_VM);
	put_u32(THINVM_A_VM_ID, 4);
	put_u32(THINVM_A_VM_PID, 900);
	end(n);
	cr_assert_eq(tnl_parse_event(hdr(), &ev), 0);
	cr_assert_eq(ev.cmd, THINVM_CMD_VM_CREATED);
	cr_assert_eq(ev.has, TNL_EV_VM);
	cr_assert_eq(ev.vm.fields, TNL_VM_ID | TNL_VM_PID);
	cr_assert_eq(ev.vm.id, 4);
	cr_assert_eq(ev.vm.pid, 900);
}

Test(thinvm_nl, event_vm_without_id)
{
	struct tnl_event ev;
	struct nlattr *n;

	start(THINVM_CMD_VM_DESTROYED);
	n = nest(THINVM_A_VM);
	put_u32(THINVM_A_VM_PID, 900);
	end(n);
	cr_assert_eq(tnl_parse_event(hdr(), &ev), -EPROTO);
}

Test(thinvm_nl, event_vm_without_its_nest)
{
	struct tnl_event ev;

	start(THINVM_CMD_VM_CREATED);
	cr_assert_eq(tnl_parse_event(hdr(), &ev), -EPROTO);
}

Test(thinvm_nl, event_cpu_refused)
{
	struct tnl_event ev;
	struct nlattr *n;

	start(THINVM_CMD_CPU_REFUSED);
	n = nest(THINVM_A_CPU);
	put_u32(THINVM_A_CPU_ID, 1);
	put_u32(THINVM_A_CPU_STATE, THINVM_CPU_REFUSED);
	put_str(THINVM_A_CPU_REASON, "CPUID differs: leaf 0x80000001");
	end(n);
	cr_assert_eq(tnl_parse_event(hdr(), &ev), 0);
	cr_assert_eq(ev.has, TNL_EV_CPU);
	cr_assert_eq(ev.cpu.fields, TNL_CPU_ID | TNL_CPU_STATE | TNL_CPU_REASON);
	cr_assert_eq(ev.cpu.state, THINVM_CPU_REFUSED);
	cr_assert_str_eq(ev.cpu.reason, "CPUID differs: leaf 0x80000001");
}

Test(thinvm_nl, event_cpu_needs_its_id)
{
	struct tnl_event ev;
	struct nlattr *n;

	start(THINVM_CMD_CPU_OFFLINE);
	n = nest(THINVM_A_CPU);
	put_u32(THINVM_A_CPU_STATE, THINVM_CPU_OFFLINE);
	end(n);
	cr_assert_eq(tnl_parse_event(hdr(), &ev), -EPROTO);
}

Test(thinvm_nl, event_host_policy_applied)
{
	struct tnl_event ev;

	start(THINVM_CMD_POLICY_APPLIED);
	policy_nest(0);
	cr_assert_eq(tnl_parse_event(hdr(), &ev), 0);
	cr_assert_eq(ev.has, TNL_EV_POLICY);
	cr_assert_eq(ev.policy.fields, TNL_POLICY_ALL);
	cr_assert_eq(ev.policy.generation, 7);
}

Test(thinvm_nl, event_vm_policy_applied)
{
	struct tnl_event ev;

	start(THINVM_CMD_POLICY_APPLIED);
	vm_nest(NULL, 0);
	cr_assert_eq(tnl_parse_event(hdr(), &ev), 0);
	cr_assert_eq(ev.has, TNL_EV_VM);
	cr_assert_eq(ev.vm.hc_exit_mask, 1ULL << 12);
}

Test(thinvm_nl, event_policy_applied_to_nothing)
{
	struct tnl_event ev;

	start(THINVM_CMD_POLICY_APPLIED);
	cr_assert_eq(tnl_parse_event(hdr(), &ev), -EPROTO);
}

static void hc_event(bool with_hc)
{
	struct nlattr *n;

	start(THINVM_CMD_HYPERCALL_REFUSED);
	n = nest(THINVM_A_VM);
	put_u32(THINVM_A_VM_ID, 4);
	end(n);
	if (!with_hc)
		return;
	n = nest(THINVM_A_HYPERCALL);
	put_u64(THINVM_A_HYPERCALL_NR, 12);
	put_u32(THINVM_A_HYPERCALL_SUPPRESSED, 17);
	end(n);
}

Test(thinvm_nl, event_hypercall_refused)
{
	struct tnl_event ev;

	hc_event(true);
	cr_assert_eq(tnl_parse_event(hdr(), &ev), 0);
	cr_assert_eq(ev.has, TNL_EV_VM | TNL_EV_HYPERCALL);
	cr_assert_eq(ev.vm.id, 4);
	cr_assert_eq(ev.hc.fields, TNL_HC_NR | TNL_HC_SUPPRESSED);
	cr_assert_eq(ev.hc.nr, 12);
	cr_assert_eq(ev.hc.suppressed, 17);
}

Test(thinvm_nl, event_hypercall_refused_without_the_hypercall)
{
	struct tnl_event ev;

	hc_event(false);
	cr_assert_eq(tnl_parse_event(hdr(), &ev), -EPROTO);
}

Test(thinvm_nl, event_of_a_newer_module_comes_through)
{
	struct tnl_event ev;
	struct nlattr *n;

	start(THINVM_CMD_MAX + 3);
	n = nest(THINVM_A_CPU);
	put_u32(THINVM_A_CPU_ID, 5);
	end(n);
	put_u32(THINVM_A_MAX + 1, 1);
	cr_assert_eq(tnl_parse_event(hdr(), &ev), 0);
	cr_assert_eq(ev.cmd, THINVM_CMD_MAX + 3);
	cr_assert_eq(ev.has, TNL_EV_CPU);
	cr_assert_eq(ev.cpu.id, 5);
}

Test(thinvm_nl, event_with_a_malformed_nest)
{
	struct tnl_event ev;
	struct nlattr *n;

	start(THINVM_CMD_HYPERCALL_REFUSED);
	n = nest(THINVM_A_VM);
	put_u32(THINVM_A_VM_ID, 4);
	end(n);
	n = nest(THINVM_A_HYPERCALL);
	put_u32(THINVM_A_HYPERCALL_NR, 12);	/* a u64 */
	end(n);
	cr_assert_eq(tnl_parse_event(hdr(), &ev), -EPROTO);
}

/* What tnl_raw builds reads back as libnl's own messages do. */
Test(thinvm_nl, raw_nests_parse_like_libnl_ones)
{
	struct tnl_raw r = { 0 };
	size_t start_vm;
	struct tnl_event ev;

	start_vm = tnl_raw_nest_start(&r, THINVM_A_VM | NLA_F_NESTED);
	tnl_raw_put_u32(&r, THINVM_A_VM_ID, 11);
	tnl_raw_put_u32(&r, THINVM_A_VM_PID, 12);
	tnl_raw_put_str(&r, THINVM_A_VM_NAME, "db");
	tnl_raw_nest_end(&r, start_vm);
	start(THINVM_CMD_VM_CREATED);
	cr_assert_eq(r.err, 0);
	cr_assert_eq(nlmsg_append(msg, r.buf, r.len, NLMSG_ALIGNTO), 0);
	cr_assert_eq(tnl_parse_event(hdr(), &ev), 0);
	cr_assert_eq(ev.vm.id, 11);
	cr_assert_eq(ev.vm.pid, 12);
	cr_assert_str_eq(ev.vm.name, "db");
}

/* Profile */

#define PROFILE_ALL ((1u << (THINVM_A_PROFILE_MAX + 1)) - (1u << THINVM_A_PROFILE_VERSION))

static struct kvm_cpuid_entry2 leaves[3] = {
	{ .function = 0, .eax = 0xd, .ebx = 0x68747541 },
	{ .function = 7, .index = 0, .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .ebx = 0x219c07ab },
	{ .function = 0x8000000a, .edx = 0x1bfbcff },
};

static struct thinvm_msr_value msrs[2] = {
	{ .index = 0x480, .value = 0xda040000000012ULL },
	{ .index = 0x48b, .value = 0x5ffcff00000000ULL },
};

/*
 * A profile reply: every attribute but those in @skip (TNL_FIELD bits of
 * THINVM_A_PROFILE_*), VMX_MSRS with @n_msrs entries unless skipped, and
 * CPUID with @cpuid_len bytes of leaves (or of zeros past them).
 */
static void profile_msg(const char *vendor, unsigned int skip, size_t cpuid_len,
			unsigned int n_msrs, uint32_t version)
{
	static struct kvm_cpuid_entry2 many[TNL_PROFILE_CPUID_MAX + 1];
	struct nlattr *n;

	memcpy(many, leaves, sizeof(leaves));
	cr_assert_leq(cpuid_len, sizeof(many));
	start(THINVM_CMD_GET_PROFILE);
	n = nest(THINVM_A_PROFILE);
#define SKIP(a) (skip & TNL_FIELD(THINVM_A_PROFILE_##a))
	if (!SKIP(VERSION))
		put_u32(THINVM_A_PROFILE_VERSION, version);
	if (!SKIP(VENDOR))
		put_str(THINVM_A_PROFILE_VENDOR, vendor);
	if (!SKIP(POLICY_GENERATION))
		put_u64(THINVM_A_PROFILE_POLICY_GENERATION, 41);
	if (!SKIP(FEATURES))
		put_u64(THINVM_A_PROFILE_FEATURES, 1ULL << THINVM_FEAT_NPT);
	if (!SKIP(HIDDEN_FEATURES))
		put_u64(THINVM_A_PROFILE_HIDDEN_FEATURES, 1ULL << THINVM_FEAT_AVIC);
	if (!SKIP(CPUID))
		cr_assert_eq(nla_put(msg, THINVM_A_PROFILE_CPUID, (int)cpuid_len, many), 0);
	if (!SKIP(VMX_MSRS))
		cr_assert_eq(nla_put(msg, THINVM_A_PROFILE_VMX_MSRS,
				     (int)(n_msrs * sizeof(msrs[0])), msrs), 0);
	if (!SKIP(MAX_VCPUS))
		put_u32(THINVM_A_PROFILE_MAX_VCPUS, 288);
	if (!SKIP(HV_VCPU_LIMIT))
		put_u32(THINVM_A_PROFILE_HV_VCPU_LIMIT, 4096);
	if (!SKIP(HC_SUPPORTED))
		put_u64(THINVM_A_PROFILE_HC_SUPPORTED, 1ULL << 12);
#undef SKIP
	end(n);
}

static struct tnl_profile prof;

Test(thinvm_nl, profile_svm)
{
	profile_msg("svm", TNL_FIELD(THINVM_A_PROFILE_VMX_MSRS), sizeof(leaves), 0,
		    THINVM_PROFILE_VERSION);
	cr_assert_eq(tnl_parse_profile(hdr(), &prof), 0);
	cr_assert_eq(prof.version, THINVM_PROFILE_VERSION);
	cr_assert_str_eq(prof.vendor, "svm");
	cr_assert_eq(prof.policy_generation, 41);
	cr_assert_eq(prof.features, 1ULL << THINVM_FEAT_NPT);
	cr_assert_eq(prof.hidden_features, 1ULL << THINVM_FEAT_AVIC);
	cr_assert_eq(prof.max_vcpus, 288);
	cr_assert_eq(prof.hv_vcpu_limit, 4096);
	cr_assert_eq(prof.hc_supported, 1ULL << 12);
	cr_assert_eq(prof.n_cpuid, 3);
	cr_assert_eq(memcmp(prof.cpuid, leaves, sizeof(leaves)), 0);
	cr_assert_eq(prof.n_vmx_msrs, 0);
}

Test(thinvm_nl, profile_vmx_with_its_msrs)
{
	profile_msg("vmx", 0, sizeof(leaves), 2, THINVM_PROFILE_VERSION);
	cr_assert_eq(tnl_parse_profile(hdr(), &prof), 0);
	cr_assert_str_eq(prof.vendor, "vmx");
	cr_assert_eq(prof.n_vmx_msrs, 2);
	cr_assert_eq(prof.vmx_msrs[1].index, 0x48b);
	cr_assert_eq(prof.vmx_msrs[1].value, 0x5ffcff00000000ULL);
}

/* The module leaves the array out when it is empty. */
Test(thinvm_nl, profile_vmx_without_msrs_has_none)
{
	profile_msg("vmx", TNL_FIELD(THINVM_A_PROFILE_VMX_MSRS), sizeof(leaves), 0,
		    THINVM_PROFILE_VERSION);
	cr_assert_eq(tnl_parse_profile(hdr(), &prof), 0);
	cr_assert_eq(prof.n_vmx_msrs, 0);
}

Test(thinvm_nl, profile_svm_with_vmx_msrs_is_malformed)
{
	profile_msg("svm", 0, sizeof(leaves), 2, THINVM_PROFILE_VERSION);
	cr_assert_eq(tnl_parse_profile(hdr(), &prof), -EPROTO);
	msg_free();
	profile_msg("svm", 0, sizeof(leaves), 0, THINVM_PROFILE_VERSION);
	cr_assert_eq(tnl_parse_profile(hdr(), &prof), 0, "an empty array is no MSR");
}

Test(thinvm_nl, profile_every_attribute_required)
{
	for (int a = THINVM_A_PROFILE_VERSION; a <= THINVM_A_PROFILE_MAX; a++) {
		if (a == THINVM_A_PROFILE_VMX_MSRS)
			continue;
		profile_msg("vmx", TNL_FIELD(a), sizeof(leaves), 2, THINVM_PROFILE_VERSION);
		cr_expect_eq(tnl_parse_profile(hdr(), &prof), -EPROTO, "without attribute %d", a);
		msg_free();
	}
}

Test(thinvm_nl, profile_arrays_of_whole_entries_only)
{
	profile_msg("svm", TNL_FIELD(THINVM_A_PROFILE_VMX_MSRS), sizeof(leaves) - 4, 0,
		    THINVM_PROFILE_VERSION);
	cr_assert_eq(tnl_parse_profile(hdr(), &prof), -EPROTO, "CPUID cut short");
	msg_free();
	{
		struct nlattr *n;

		start(THINVM_CMD_GET_PROFILE);
		n = nest(THINVM_A_PROFILE);
		put_u32(THINVM_A_PROFILE_VERSION, THINVM_PROFILE_VERSION);
		put_str(THINVM_A_PROFILE_VENDOR, "vmx");
		put_u64(THINVM_A_PROFILE_POLICY_GENERATION, 1);
		put_u64(THINVM_A_PROFILE_FEATURES, 0);
		put_u64(THINVM_A_PROFILE_HIDDEN_FEATURES, 0);
		cr_assert_eq(nla_put(msg, THINVM_A_PROFILE_CPUID, sizeof(leaves), leaves), 0);
		cr_assert_eq(nla_put(msg, THINVM_A_PROFILE_VMX_MSRS, sizeof(msrs) - 8, msrs), 0);
		put_u32(THINVM_A_PROFILE_MAX_VCPUS, 1);
		put_u32(THINVM_A_PROFILE_HV_VCPU_LIMIT, 1);
		put_u64(THINVM_A_PROFILE_HC_SUPPORTED, 0);
		end(n);
	}
	cr_assert_eq(tnl_parse_profile(hdr(), &prof), -EPROTO, "VMX_MSRS cut short");
}

Test(thinvm_nl, profile_cpuid_count_within_the_struct)
{
	size_t one = sizeof(struct kvm_cpuid_entry2);

	profile_msg("svm", TNL_FIELD(THINVM_A_PROFILE_VMX_MSRS), TNL_PROFILE_CPUID_MAX * one, 0,
		    THINVM_PROFILE_VERSION);
	cr_assert_eq(tnl_parse_profile(hdr(), &prof), 0);
	cr_assert_eq(prof.n_cpuid, TNL_PROFILE_CPUID_MAX);
	msg_free();
	profile_msg("svm", TNL_FIELD(THINVM_A_PROFILE_VMX_MSRS),
		    (TNL_PROFILE_CPUID_MAX + 1) * one, 0, THINVM_PROFILE_VERSION);
	cr_assert_eq(tnl_parse_profile(hdr(), &prof), -EPROTO);
}

Test(thinvm_nl, profile_vmx_msrs_count_within_the_struct)
{
	static struct thinvm_msr_value many[TNL_PROFILE_VMX_MSRS_MAX + 1];
	struct nlattr *n;

	start(THINVM_CMD_GET_PROFILE);
	n = nest(THINVM_A_PROFILE);
	put_u32(THINVM_A_PROFILE_VERSION, THINVM_PROFILE_VERSION);
	put_str(THINVM_A_PROFILE_VENDOR, "vmx");
	put_u64(THINVM_A_PROFILE_POLICY_GENERATION, 1);
	put_u64(THINVM_A_PROFILE_FEATURES, 0);
	put_u64(THINVM_A_PROFILE_HIDDEN_FEATURES, 0);
	cr_assert_eq(nla_put(msg, THINVM_A_PROFILE_CPUID, sizeof(leaves), leaves), 0);
	cr_assert_eq(nla_put(msg, THINVM_A_PROFILE_VMX_MSRS, sizeof(many), many), 0);
	put_u32(THINVM_A_PROFILE_MAX_VCPUS, 1);
	put_u32(THINVM_A_PROFILE_HV_VCPU_LIMIT, 1);
	put_u64(THINVM_A_PROFILE_HC_SUPPORTED, 0);
	end(n);
	cr_assert_eq(tnl_parse_profile(hdr(), &prof), -EPROTO);
}

Test(thinvm_nl, profile_of_another_version_is_refused)
{
	profile_msg("svm", TNL_FIELD(THINVM_A_PROFILE_VMX_MSRS), sizeof(leaves), 0,
		    THINVM_PROFILE_VERSION + 1);
	cr_assert_eq(tnl_parse_profile(hdr(), &prof), -EPROTO);
}

Test(thinvm_nl, profile_needs_its_nest)
{
	start(THINVM_CMD_GET_PROFILE);
	put_u32(THINVM_A_FLAGS, 0);
	cr_assert_eq(tnl_parse_profile(hdr(), &prof), -EPROTO);
}
