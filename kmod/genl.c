// SPDX-License-Identifier: GPL-2.0
/*
 * The generic-netlink family "thinvm": the protocol is written out at the
 * top of include/uapi/linux/thinvm.h. Each command has its own attribute
 * policy and the family validates strictly, so the core refuses unknown
 * attributes, wrong types and lengths, unknown flags and non-zero reserved
 * header fields before a handler runs. Every command needs CAP_NET_ADMIN.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "feature_rules.h"
#include "hypercall_rules.h"
#include "policy_rules.h"
#include "thinvm.h"

static struct genl_family thinvm_genl_family;

enum { THINVM_MCGRP_EVENTS };

static const struct genl_multicast_group thinvm_mcgrps[] = {
	[THINVM_MCGRP_EVENTS] = {
		.name = THINVM_GENL_MCGRP_EVENTS,
		/* Events name VMs and their owners, as GET_VM does. */
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

/* Nested trees, as requests may carry them. */
static const struct nla_policy set_policy_fields[THINVM_A_POLICY_MAX + 1] = {
	[THINVM_A_POLICY_GENERATION] = { .type = NLA_U64 },
	[THINVM_A_POLICY_HC_CEILING] = { .type = NLA_U64 },
	[THINVM_A_POLICY_HC_DEFAULT] = { .type = NLA_U64 },
	[THINVM_A_POLICY_HOTPLUG_MODE] =
		NLA_POLICY_MAX(NLA_U32, __THINVM_HOTPLUG_MODE_COUNT - 1),
	/* Which features this host has is policy_rules.c's to check. */
	[THINVM_A_POLICY_HIDDEN_FEATURES] = { .type = NLA_U64 },
	[THINVM_A_POLICY_VM_MAX_VCPUS] =
		NLA_POLICY_RANGE(NLA_U32, 1, THINVM_MAX_VCPUS),
	[THINVM_A_POLICY_HV_VCPU_LIMIT] =
		NLA_POLICY_RANGE(NLA_U32, 1, THINVM_HV_VCPU_LIMIT_MAX),
};

static const struct nla_policy vm_id_fields[THINVM_A_VM_MAX + 1] = {
	[THINVM_A_VM_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy set_vm_policy_fields[THINVM_A_VM_MAX + 1] = {
	[THINVM_A_VM_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[THINVM_A_VM_HC_EXIT_MASK] = { .type = NLA_U64 },
	[THINVM_A_VM_POLICY_GENERATION] = { .type = NLA_U64 },
	[THINVM_A_VM_HIDDEN_FEATURES] = { .type = NLA_U64 },
	[THINVM_A_VM_MAX_VCPUS] = NLA_POLICY_RANGE(NLA_U32, 1, THINVM_MAX_VCPUS),
};

static const struct nla_policy cpu_id_fields[THINVM_A_CPU_MAX + 1] = {
	[THINVM_A_CPU_ID] = { .type = NLA_U32 },
};

/* Top level, one per command. */
static const struct nla_policy set_policy_policy[THINVM_A_MAX + 1] = {
	[THINVM_A_POLICY] = NLA_POLICY_NESTED(set_policy_fields),
	[THINVM_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, THINVM_SET_F_ALL),
};

static const struct nla_policy get_vm_policy[THINVM_A_MAX + 1] = {
	[THINVM_A_VM] = NLA_POLICY_NESTED(vm_id_fields),
};

static const struct nla_policy set_vm_policy_policy[THINVM_A_MAX + 1] = {
	[THINVM_A_VM] = NLA_POLICY_NESTED(set_vm_policy_fields),
	[THINVM_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, THINVM_SET_F_ALL),
};

static const struct nla_policy get_cpu_policy[THINVM_A_MAX + 1] = {
	[THINVM_A_CPU] = NLA_POLICY_NESTED(cpu_id_fields),
};

/* Message building */

static void *put_header(struct sk_buff *skb, u32 portid, u32 seq, int flags,
			u8 cmd)
{
	return genlmsg_put(skb, portid, seq, &thinvm_genl_family, flags, cmd);
}

static int put_caps(struct sk_buff *skb)
{
	struct nlattr *nest = nla_nest_start(skb, THINVM_A_CAPS);

	if (!nest ||
	    nla_put_string(skb, THINVM_A_CAPS_VENDOR, thinvm_backend->name) ||
	    nla_put_u64_64bit(skb, THINVM_A_CAPS_HC_SUPPORTED,
			      THINVM_HC_EXIT_SUPPORTED, THINVM_A_CAPS_PAD) ||
	    nla_put_u32(skb, THINVM_A_CAPS_HOTPLUG_MODES,
			BIT(__THINVM_HOTPLUG_MODE_COUNT) - 1) ||
	    nla_put_u32(skb, THINVM_A_CAPS_MAX_VCPUS, THINVM_MAX_VCPUS) ||
	    nla_put_u32(skb, THINVM_A_CAPS_POSSIBLE_CPUS, nr_cpu_ids) ||
	    nla_put_u64_64bit(skb, THINVM_A_CAPS_FEATURES, thinvm_features_host(),
			      THINVM_A_CAPS_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_policy(struct sk_buff *skb, const struct thinvm_host_policy *p)
{
	struct nlattr *nest = nla_nest_start(skb, THINVM_A_POLICY);

	if (!nest ||
	    nla_put_u64_64bit(skb, THINVM_A_POLICY_GENERATION, p->generation,
			      THINVM_A_POLICY_PAD) ||
	    nla_put_u64_64bit(skb, THINVM_A_POLICY_HC_CEILING, p->hc_ceiling,
			      THINVM_A_POLICY_PAD) ||
	    nla_put_u64_64bit(skb, THINVM_A_POLICY_HC_DEFAULT, p->hc_default,
			      THINVM_A_POLICY_PAD) ||
	    nla_put_u32(skb, THINVM_A_POLICY_HOTPLUG_MODE, p->hotplug_mode) ||
	    nla_put_u64_64bit(skb, THINVM_A_POLICY_HIDDEN_FEATURES,
			      p->hidden_features, THINVM_A_POLICY_PAD) ||
	    nla_put_u32(skb, THINVM_A_POLICY_VM_MAX_VCPUS, p->vm_max_vcpus) ||
	    nla_put_u32(skb, THINVM_A_POLICY_HV_VCPU_LIMIT, p->hv_vcpu_limit))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_vm(struct sk_buff *skb, const struct thinvm_vm_info *vm)
{
	struct nlattr *nest = nla_nest_start(skb, THINVM_A_VM);

	if (!nest ||
	    nla_put_u32(skb, THINVM_A_VM_ID, vm->id) ||
	    nla_put_u32(skb, THINVM_A_VM_PID, vm->pid) ||
	    (vm->name[0] && nla_put_string(skb, THINVM_A_VM_NAME, vm->name)) ||
	    nla_put_u32(skb, THINVM_A_VM_VCPUS, vm->vcpus) ||
	    nla_put_u64_64bit(skb, THINVM_A_VM_POLICY_GENERATION,
			      vm->policy_generation, THINVM_A_VM_PAD) ||
	    nla_put_u64_64bit(skb, THINVM_A_VM_HC_EXIT_MASK, vm->hc_allowed,
			      THINVM_A_VM_PAD) ||
	    nla_put_u64_64bit(skb, THINVM_A_VM_HC_REQUESTED, vm->hc_requested,
			      THINVM_A_VM_PAD) ||
	    nla_put_u64_64bit(skb, THINVM_A_VM_HIDDEN_FEATURES,
			      vm->hidden_features, THINVM_A_VM_PAD) ||
	    nla_put_u32(skb, THINVM_A_VM_MAX_VCPUS, vm->max_vcpus) ||
	    nla_put_u8(skb, THINVM_A_VM_HAS_RUN, vm->has_run))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int fill_cpu(struct sk_buff *skb, unsigned int cpu)
{
	char reason[THINVM_REASON_MAX];
	u32 state = thinvm_admission_state(cpu, reason, sizeof(reason));
	struct nlattr *nest = nla_nest_start(skb, THINVM_A_CPU);

	if (!nest ||
	    nla_put_u32(skb, THINVM_A_CPU_ID, cpu) ||
	    nla_put_u8(skb, THINVM_A_CPU_ONLINE, cpu_online(cpu)) ||
	    nla_put_u32(skb, THINVM_A_CPU_STATE, state) ||
	    (reason[0] && nla_put_string(skb, THINVM_A_CPU_REASON, reason)) ||
	    nla_put_u8(skb, THINVM_A_CPU_VIRT_ON,
		       cpumask_test_cpu(cpu, thinvm_virt_cpus())))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* A reply of one object, put by @put, in @size bytes of payload. */
static int reply_sized(struct genl_info *info, u8 cmd, size_t size,
		       int (*put)(struct sk_buff *, const void *),
		       const void *obj)
{
	struct sk_buff *skb = genlmsg_new(size, GFP_KERNEL);
	void *hdr;

	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put_reply(skb, info, &thinvm_genl_family, 0, cmd);
	if (!hdr || put(skb, obj)) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return genlmsg_reply(skb, info);
}

static int reply(struct genl_info *info, u8 cmd,
		 int (*put)(struct sk_buff *, const void *), const void *obj)
{
	return reply_sized(info, cmd, GENLMSG_DEFAULT_SIZE, put, obj);
}

static int put_caps_obj(struct sk_buff *skb, const void *unused)
{
	return put_caps(skb);
}

static int put_policy_obj(struct sk_buff *skb, const void *p)
{
	return put_policy(skb, p);
}

static int put_vm_obj(struct sk_buff *skb, const void *vm)
{
	return put_vm(skb, vm);
}

static int fill_cpu_obj(struct sk_buff *skb, const void *cpu)
{
	return fill_cpu(skb, *(const unsigned int *)cpu);
}

/* Commands */

static int get_caps_doit(struct sk_buff *skb, struct genl_info *info)
{
	return reply(info, THINVM_CMD_GET_CAPS, put_caps_obj, NULL);
}

static int get_policy_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct thinvm_host_policy p;

	thinvm_policy_get(&p);
	return reply(info, THINVM_CMD_GET_POLICY, put_policy_obj, &p);
}

/*
 * NL_SET_ERR_MSG takes only literals; the policy checks' reasons are string
 * constants too (policy_rules.c, vm.c), so they may be kept as they are.
 */
static void set_error(struct genl_info *info, const char *why)
{
	if (info->extack && why)
		info->extack->_msg = why;
}

static bool dry_run(struct genl_info *info)
{
	struct nlattr *flags = info->attrs[THINVM_A_FLAGS];

	return flags && (nla_get_u32(flags) & THINVM_SET_F_DRY_RUN);
}

/* The nested tree @type of a request, parsed; its policy was checked. */
static int parse_nest(struct genl_info *info, int type, struct nlattr **tb,
		      int max, const struct nla_policy *policy)
{
	if (GENL_REQ_ATTR_CHECK(info, type))
		return -EINVAL;
	return nla_parse_nested(tb, max, info->attrs[type], policy,
				info->extack);
}

static int set_policy_doit(struct sk_buff *skb, struct genl_info *info)
{
	static const struct {
		int attr;
		unsigned int field;
	} fields[] = {
		{ THINVM_A_POLICY_GENERATION, THINVM_POLICY_HAS_GENERATION },
		{ THINVM_A_POLICY_HC_CEILING, THINVM_POLICY_HAS_HC_CEILING },
		{ THINVM_A_POLICY_HC_DEFAULT, THINVM_POLICY_HAS_HC_DEFAULT },
		{ THINVM_A_POLICY_HOTPLUG_MODE, THINVM_POLICY_HAS_HOTPLUG_MODE },
		{ THINVM_A_POLICY_HIDDEN_FEATURES, THINVM_POLICY_HAS_HIDDEN_FEATURES },
		{ THINVM_A_POLICY_VM_MAX_VCPUS, THINVM_POLICY_HAS_VM_MAX_VCPUS },
		{ THINVM_A_POLICY_HV_VCPU_LIMIT, THINVM_POLICY_HAS_HV_VCPU_LIMIT },
	};
	struct nlattr *tb[THINVM_A_POLICY_MAX + 1];
	struct thinvm_host_policy change = {}, result;
	unsigned int i, present = 0;
	const char *why;
	int r;

	r = parse_nest(info, THINVM_A_POLICY, tb, THINVM_A_POLICY_MAX,
		       set_policy_fields);
	if (r)
		return r;
	for (i = 0; i < ARRAY_SIZE(fields); i++)
		if (tb[fields[i].attr])
			present |= fields[i].field;
	if (!(present & ~THINVM_POLICY_HAS_GENERATION)) {
		GENL_SET_ERR_MSG(info, "no policy field to set");
		return -EINVAL;
	}
	if (tb[THINVM_A_POLICY_GENERATION])
		change.generation = nla_get_u64(tb[THINVM_A_POLICY_GENERATION]);
	if (tb[THINVM_A_POLICY_HC_CEILING])
		change.hc_ceiling = nla_get_u64(tb[THINVM_A_POLICY_HC_CEILING]);
	if (tb[THINVM_A_POLICY_HC_DEFAULT])
		change.hc_default = nla_get_u64(tb[THINVM_A_POLICY_HC_DEFAULT]);
	if (tb[THINVM_A_POLICY_HOTPLUG_MODE])
		change.hotplug_mode = nla_get_u32(tb[THINVM_A_POLICY_HOTPLUG_MODE]);
	if (tb[THINVM_A_POLICY_HIDDEN_FEATURES])
		change.hidden_features =
			nla_get_u64(tb[THINVM_A_POLICY_HIDDEN_FEATURES]);
	if (tb[THINVM_A_POLICY_VM_MAX_VCPUS])
		change.vm_max_vcpus = nla_get_u32(tb[THINVM_A_POLICY_VM_MAX_VCPUS]);
	if (tb[THINVM_A_POLICY_HV_VCPU_LIMIT])
		change.hv_vcpu_limit = nla_get_u32(tb[THINVM_A_POLICY_HV_VCPU_LIMIT]);

	r = thinvm_policy_set(&change, present, dry_run(info), &result, &why);
	if (r) {
		set_error(info, why);
		return r;
	}
	return reply(info, THINVM_CMD_SET_POLICY, put_policy_obj, &result);
}

static int get_vm_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[THINVM_A_VM_MAX + 1];
	struct thinvm_vm_info vm_info;
	struct thinvm_vm *vm;
	int r;

	r = parse_nest(info, THINVM_A_VM, tb, THINVM_A_VM_MAX, vm_id_fields);
	if (r)
		return r;
	if (!tb[THINVM_A_VM_ID]) {
		NL_SET_ERR_ATTR_MISS(info->extack, info->attrs[THINVM_A_VM],
				     THINVM_A_VM_ID);
		return -EINVAL;
	}
	thinvm_vms_lock();
	vm = thinvm_vm_lookup(nla_get_u32(tb[THINVM_A_VM_ID]));
	if (vm)
		thinvm_vm_describe(vm, &vm_info);
	thinvm_vms_unlock();
	if (!vm) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[THINVM_A_VM_ID],
				    "no VM with this id");
		return -ENOENT;
	}
	return reply(info, THINVM_CMD_GET_VM, put_vm_obj, &vm_info);
}

/* The VMs from id cb->args[0] on, as many as fit. */
static int get_vm_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	unsigned long id = cb->args[0];
	struct thinvm_vm_info vm_info;
	struct thinvm_vm *vm;
	void *hdr;

	if (genl_dumpit_info(cb)->attrs[THINVM_A_VM]) {
		NL_SET_ERR_MSG(cb->extack, "a dump of VMs takes no VM");
		return -EINVAL;
	}
	thinvm_vms_lock();
	/* + 1: the core reads a sequence of 0 as "not tracked". */
	cb->seq = thinvm_vms_seq() + 1;
	for (; (vm = thinvm_vm_next(&id)); id++) {
		thinvm_vm_describe(vm, &vm_info);
		hdr = put_header(skb, NETLINK_CB(cb->skb).portid,
				 cb->nlh->nlmsg_seq, NLM_F_MULTI,
				 THINVM_CMD_GET_VM);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (put_vm(skb, &vm_info)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	thinvm_vms_unlock();
	cb->args[0] = id;
	return skb->len;
}

static int set_vm_policy_doit(struct sk_buff *skb, struct genl_info *info)
{
	static const struct {
		int attr;
		unsigned int field;
	} fields[] = {
		{ THINVM_A_VM_HC_EXIT_MASK, THINVM_VM_SET_HC_EXIT_MASK },
		{ THINVM_A_VM_POLICY_GENERATION, THINVM_VM_SET_GENERATION },
		{ THINVM_A_VM_HIDDEN_FEATURES, THINVM_VM_SET_HIDDEN_FEATURES },
		{ THINVM_A_VM_MAX_VCPUS, THINVM_VM_SET_MAX_VCPUS },
	};
	struct nlattr *tb[THINVM_A_VM_MAX + 1];
	struct thinvm_vm_change change = {};
	struct thinvm_vm_info vm_info;
	const char *why;
	unsigned int i;
	int r;

	r = parse_nest(info, THINVM_A_VM, tb, THINVM_A_VM_MAX,
		       set_vm_policy_fields);
	if (r)
		return r;
	if (!tb[THINVM_A_VM_ID]) {
		NL_SET_ERR_ATTR_MISS(info->extack, info->attrs[THINVM_A_VM],
				     THINVM_A_VM_ID);
		return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(fields); i++)
		if (tb[fields[i].attr])
			change.fields |= fields[i].field;
	if (!(change.fields & ~THINVM_VM_SET_GENERATION)) {
		GENL_SET_ERR_MSG(info, "no VM policy field to set");
		return -EINVAL;
	}
	if (tb[THINVM_A_VM_HC_EXIT_MASK])
		change.hc_allowed = nla_get_u64(tb[THINVM_A_VM_HC_EXIT_MASK]);
	if (tb[THINVM_A_VM_POLICY_GENERATION])
		change.generation = nla_get_u64(tb[THINVM_A_VM_POLICY_GENERATION]);
	if (tb[THINVM_A_VM_HIDDEN_FEATURES])
		change.hidden_features = nla_get_u64(tb[THINVM_A_VM_HIDDEN_FEATURES]);
	if (tb[THINVM_A_VM_MAX_VCPUS])
		change.max_vcpus = nla_get_u32(tb[THINVM_A_VM_MAX_VCPUS]);
	r = thinvm_vm_set_policy(nla_get_u32(tb[THINVM_A_VM_ID]), &change,
				 dry_run(info), &vm_info, &why);
	if (r) {
		set_error(info, why);
		return r;
	}
	return reply(info, THINVM_CMD_SET_VM_POLICY, put_vm_obj, &vm_info);
}

/* The host capability profile: what a VM created now would be offered. */
struct profile {
	struct thinvm_host_policy policy;
	unsigned int nent;
	struct kvm_cpuid_entry2 *cpuid;
	unsigned int nmsrs;
	struct thinvm_msr_value msrs[THINVM_VMX_MSRS];
};

static int put_profile(struct sk_buff *skb, const void *obj)
{
	const struct profile *p = obj;
	struct nlattr *nest = nla_nest_start(skb, THINVM_A_PROFILE);

	if (!nest ||
	    nla_put_u32(skb, THINVM_A_PROFILE_VERSION, THINVM_PROFILE_VERSION) ||
	    nla_put_string(skb, THINVM_A_PROFILE_VENDOR, thinvm_backend->name) ||
	    nla_put_u64_64bit(skb, THINVM_A_PROFILE_POLICY_GENERATION,
			      p->policy.generation, THINVM_A_PROFILE_PAD) ||
	    nla_put_u64_64bit(skb, THINVM_A_PROFILE_FEATURES,
			      thinvm_features_host() & ~p->policy.hidden_features,
			      THINVM_A_PROFILE_PAD) ||
	    nla_put_u64_64bit(skb, THINVM_A_PROFILE_HIDDEN_FEATURES,
			      p->policy.hidden_features, THINVM_A_PROFILE_PAD) ||
	    nla_put(skb, THINVM_A_PROFILE_CPUID,
		    p->nent * sizeof(*p->cpuid), p->cpuid) ||
	    (p->nmsrs && nla_put(skb, THINVM_A_PROFILE_VMX_MSRS,
				 p->nmsrs * sizeof(p->msrs[0]), p->msrs)) ||
	    nla_put_u32(skb, THINVM_A_PROFILE_MAX_VCPUS, p->policy.vm_max_vcpus) ||
	    nla_put_u32(skb, THINVM_A_PROFILE_HV_VCPU_LIMIT,
			p->policy.hv_vcpu_limit) ||
	    nla_put_u64_64bit(skb, THINVM_A_PROFILE_HC_SUPPORTED,
			      THINVM_HC_EXIT_SUPPORTED & p->policy.hc_ceiling,
			      THINVM_A_PROFILE_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int get_profile_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct profile *p = kzalloc(sizeof(*p), GFP_KERNEL);
	size_t size;
	int r = -ENOMEM;

	if (!p)
		return r;
	thinvm_policy_get(&p->policy);
	p->nent = thinvm_cpuid_supported_nent();
	p->cpuid = kvmalloc_array(p->nent, sizeof(*p->cpuid), GFP_KERNEL);
	if (!p->cpuid)
		goto out;
	thinvm_cpuid_supported_view(p->policy.hidden_features, p->cpuid);
	p->nmsrs = thinvm_features_vmx_view(p->policy.hidden_features, p->msrs);
	size = NLMSG_GOODSIZE + nla_total_size(p->nent * sizeof(*p->cpuid)) +
	       nla_total_size(sizeof(p->msrs));
	r = reply_sized(info, THINVM_CMD_GET_PROFILE, size, put_profile, p);
out:
	kvfree(p->cpuid);
	kfree(p);
	return r;
}

static int get_cpu_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[THINVM_A_CPU_MAX + 1];
	unsigned int cpu;
	int r;

	r = parse_nest(info, THINVM_A_CPU, tb, THINVM_A_CPU_MAX, cpu_id_fields);
	if (r)
		return r;
	if (!tb[THINVM_A_CPU_ID]) {
		NL_SET_ERR_ATTR_MISS(info->extack, info->attrs[THINVM_A_CPU],
				     THINVM_A_CPU_ID);
		return -EINVAL;
	}
	cpu = nla_get_u32(tb[THINVM_A_CPU_ID]);
	if (cpu >= nr_cpu_ids || !cpu_possible(cpu)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[THINVM_A_CPU_ID],
				    "no such CPU");
		return -ENOENT;
	}
	return reply(info, THINVM_CMD_GET_CPU, fill_cpu_obj, &cpu);
}

static int get_cpu_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	unsigned int cpu;
	void *hdr;

	if (genl_dumpit_info(cb)->attrs[THINVM_A_CPU]) {
		NL_SET_ERR_MSG(cb->extack, "a dump of CPUs takes no CPU");
		return -EINVAL;
	}
	for (cpu = cb->args[0]; cpu < nr_cpu_ids; cpu++) {
		if (!cpu_possible(cpu))
			continue;
		hdr = put_header(skb, NETLINK_CB(cb->skb).portid,
				 cb->nlh->nlmsg_seq, NLM_F_MULTI,
				 THINVM_CMD_GET_CPU);
		if (!hdr)
			break;
		if (fill_cpu(skb, cpu)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = cpu;
	return skb->len;
}

static const struct genl_ops thinvm_genl_ops[] = {
	{
		.cmd = THINVM_CMD_GET_CAPS,
		.doit = get_caps_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = THINVM_CMD_GET_POLICY,
		.doit = get_policy_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = THINVM_CMD_SET_POLICY,
		.doit = set_policy_doit,
		.policy = set_policy_policy,
		.maxattr = THINVM_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = THINVM_CMD_GET_VM,
		.doit = get_vm_doit,
		.dumpit = get_vm_dumpit,
		.policy = get_vm_policy,
		.maxattr = THINVM_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = THINVM_CMD_SET_VM_POLICY,
		.doit = set_vm_policy_doit,
		.policy = set_vm_policy_policy,
		.maxattr = THINVM_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = THINVM_CMD_GET_PROFILE,
		.doit = get_profile_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = THINVM_CMD_GET_CPU,
		.doit = get_cpu_doit,
		.dumpit = get_cpu_dumpit,
		.policy = get_cpu_policy,
		.maxattr = THINVM_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
};

static struct genl_family thinvm_genl_family __ro_after_init = {
	.name = THINVM_GENL_NAME,
	.version = THINVM_GENL_VERSION,
	.maxattr = THINVM_A_MAX,
	.module = THIS_MODULE,
	.ops = thinvm_genl_ops,
	.n_ops = ARRAY_SIZE(thinvm_genl_ops),
	.mcgrps = thinvm_mcgrps,
	.n_mcgrps = ARRAY_SIZE(thinvm_mcgrps),
	/* Handlers take thinvm's own locks, not the global genl mutex. */
	.parallel_ops = true,
};

/* Events */

static bool have_listeners(void)
{
	return genl_has_listeners(&thinvm_genl_family, &init_net,
				  THINVM_MCGRP_EVENTS);
}

/* One event message of command @cmd, filled by @put, to the group. */
static void send_event(u8 cmd, int (*put)(struct sk_buff *, const void *),
		       const void *obj)
{
	struct sk_buff *skb;
	void *hdr;

	if (!have_listeners())
		return;
	skb = genlmsg_new(GENLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!skb)
		return;
	hdr = put_header(skb, 0, 0, 0, cmd);
	if (!hdr || put(skb, obj)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast(&thinvm_genl_family, skb, 0, THINVM_MCGRP_EVENTS,
			  GFP_KERNEL);
}

struct vm_event {
	u32 id, pid;
	const char *name;	/* NULL: not sent */
};

static int put_vm_event(struct sk_buff *skb, const void *obj)
{
	const struct vm_event *e = obj;
	struct nlattr *nest = nla_nest_start(skb, THINVM_A_VM);

	if (!nest || nla_put_u32(skb, THINVM_A_VM_ID, e->id) ||
	    nla_put_u32(skb, THINVM_A_VM_PID, e->pid) ||
	    (e->name && nla_put_string(skb, THINVM_A_VM_NAME, e->name)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

void thinvm_genl_vm_event(u8 cmd, u32 id, u32 pid)
{
	struct vm_event e = { .id = id, .pid = pid };

	send_event(cmd, put_vm_event, &e);
}

void thinvm_genl_vm_renamed(u32 id, u32 pid, const char *name)
{
	struct vm_event e = { .id = id, .pid = pid, .name = name };

	send_event(THINVM_CMD_VM_RENAMED, put_vm_event, &e);
}

struct cpu_event {
	unsigned int cpu;
	u32 state;
	const char *reason;
};

static int put_cpu_event(struct sk_buff *skb, const void *obj)
{
	const struct cpu_event *e = obj;
	struct nlattr *nest = nla_nest_start(skb, THINVM_A_CPU);

	if (!nest || nla_put_u32(skb, THINVM_A_CPU_ID, e->cpu) ||
	    nla_put_u32(skb, THINVM_A_CPU_STATE, e->state) ||
	    (e->reason && e->reason[0] &&
	     nla_put_string(skb, THINVM_A_CPU_REASON, e->reason)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

void thinvm_genl_cpu_event(u8 cmd, unsigned int cpu, u32 state,
			   const char *reason)
{
	struct cpu_event e = { .cpu = cpu, .state = state, .reason = reason };

	send_event(cmd, put_cpu_event, &e);
}

void thinvm_genl_policy_event(const struct thinvm_host_policy *p)
{
	send_event(THINVM_CMD_POLICY_APPLIED, put_policy_obj, p);
}

void thinvm_genl_vm_policy_event(const struct thinvm_vm_info *info)
{
	send_event(THINVM_CMD_POLICY_APPLIED, put_vm_obj, info);
}

struct hc_event {
	u32 vm_id;
	u64 nr;
	u32 suppressed;
};

static int put_hc_event(struct sk_buff *skb, const void *obj)
{
	const struct hc_event *e = obj;
	struct nlattr *vm = nla_nest_start(skb, THINVM_A_VM);
	struct nlattr *hc;

	if (!vm || nla_put_u32(skb, THINVM_A_VM_ID, e->vm_id))
		return -EMSGSIZE;
	nla_nest_end(skb, vm);
	hc = nla_nest_start(skb, THINVM_A_HYPERCALL);
	if (!hc ||
	    nla_put_u64_64bit(skb, THINVM_A_HYPERCALL_NR, e->nr,
			      THINVM_A_HYPERCALL_PAD) ||
	    nla_put_u32(skb, THINVM_A_HYPERCALL_SUPPRESSED, e->suppressed))
		return -EMSGSIZE;
	nla_nest_end(skb, hc);
	return 0;
}

/*
 * A guest can call a refused hypercall in a loop: a few events a second at
 * most per VM, each saying how many of that VM's were left out before it.
 */
void thinvm_genl_hypercall_refused(struct thinvm_vm *vm, u64 nr)
{
	struct hc_event e = { .vm_id = vm->id, .nr = nr };

	if (!have_listeners())
		return;
	if (!__ratelimit(&vm->hc_refused_rs)) {
		atomic_inc(&vm->hc_refused_suppressed);
		return;
	}
	e.suppressed = atomic_xchg(&vm->hc_refused_suppressed, 0);
	send_event(THINVM_CMD_HYPERCALL_REFUSED, put_hc_event, &e);
}

int thinvm_genl_init(void)
{
	return genl_register_family(&thinvm_genl_family);
}

void thinvm_genl_exit(void)
{
	genl_unregister_family(&thinvm_genl_family);
}
