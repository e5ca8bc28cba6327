// SPDX-License-Identifier: GPL-2.0
/*
 * The host policy in force. The daemon replaces it over netlink, a push at
 * a time (genl.c); policy_rules.c checks and merges. Readers on hot paths
 * (the hypercall, VM creation, the hotplug callback) take single fields
 * with READ_ONCE: each field is meaningful alone, and a change reaches a
 * running VM at its next hypercall.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/mutex.h>

#include "policy_rules.h"
#include "thinvm.h"

static DEFINE_MUTEX(policy_lock);
static struct thinvm_host_policy policy;

static const char *const hotplug_mode_names[] = {
	[THINVM_HOTPLUG_REJECT] = "reject",
	[THINVM_HOTPLUG_REJECT_WHILE_RUNNING] = "reject-while-running",
};
static_assert(ARRAY_SIZE(hotplug_mode_names) == __THINVM_HOTPLUG_MODE_COUNT);

const char *thinvm_hotplug_mode_name(u32 mode)
{
	return mode < ARRAY_SIZE(hotplug_mode_names) ?
	       hotplug_mode_names[mode] : "unknown";
}

void thinvm_policy_init(void)
{
	thinvm_policy_defaults(&policy);
}

void thinvm_policy_get(struct thinvm_host_policy *p)
{
	mutex_lock(&policy_lock);
	*p = policy;
	mutex_unlock(&policy_lock);
}

int thinvm_policy_set(const struct thinvm_host_policy *change,
		      unsigned int fields, bool dry_run,
		      struct thinvm_host_policy *result, const char **why)
{
	struct thinvm_host_policy next;
	const char *hidden_why;
	int cpu, r;

	/* Hotplug held off: no CPU becomes quarantined during the check. */
	cpus_read_lock();
	mutex_lock(&policy_lock);
	r = thinvm_policy_merge(&policy, change, fields, thinvm_features_host(),
				&next, why);
	if (r) {
		/* Say which way the hidden features are wrong, if they are. */
		hidden_why = thinvm_features_why_not(next.hidden_features);
		if (r == -EINVAL && hidden_why)
			*why = hidden_why;
		goto out;
	}
	/*
	 * "reject" promises that no incompatible CPU is online: it cannot be
	 * in force while one is.
	 */
	cpu = thinvm_admission_blocking_cpu();
	if (next.hotplug_mode == THINVM_HOTPLUG_REJECT && cpu >= 0) {
		*why = "a quarantined CPU is online: take it offline before switching to reject";
		r = -EBUSY;
		goto out;
	}
	if (dry_run)
		goto out;
	WRITE_ONCE(policy.hc_ceiling, next.hc_ceiling);
	WRITE_ONCE(policy.hc_default, next.hc_default);
	WRITE_ONCE(policy.hotplug_mode, next.hotplug_mode);
	/* Read whole, under the lock, by each VM as it is created. */
	policy.hidden_features = next.hidden_features;
	policy.vm_max_vcpus = next.vm_max_vcpus;
	policy.hv_vcpu_limit = next.hv_vcpu_limit;
	policy.generation = next.generation;
	pr_info("policy generation %llu applied: hypercall ceiling %#llx, default %#llx, hotplug %s, hidden features %#llx, VMs of up to %u vCPUs, Hyper-V limit %u\n",
		next.generation, next.hc_ceiling, next.hc_default,
		thinvm_hotplug_mode_name(next.hotplug_mode),
		next.hidden_features, next.vm_max_vcpus, next.hv_vcpu_limit);
	/* Under the lock, so that events leave in generation order. */
	thinvm_genl_policy_event(&next);
out:
	mutex_unlock(&policy_lock);
	cpus_read_unlock();
	if (!r)
		*result = next;
	return r;
}

u64 thinvm_policy_hc_ceiling(void)
{
	return READ_ONCE(policy.hc_ceiling);
}

u32 thinvm_policy_hotplug_mode(void)
{
	return READ_ONCE(policy.hotplug_mode);
}
