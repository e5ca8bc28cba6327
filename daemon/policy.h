/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy thinvmd keeps: what /etc/thinvm/thinvm.conf says, what was
 * set over D-Bus on top of it (saved in /var/lib/thinvm), and the two
 * merged. Plain C without I/O, for the unit tests.
 *
 * A field is either set or left to its default; the defaults are KVM's
 * behaviour (thinvm.conf(5)) and some depend on the module (every hypercall
 * it can let exit), so they are resolved only when pushing.
 */
#ifndef THINVMD_POLICY_H
#define THINVMD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/thinvm.h>

#include "thinvm_nl.h"

enum tvd_field {
	TVD_HC_CEILING		= 1u << 0,
	TVD_HC_DEFAULT		= 1u << 1,
	TVD_HOTPLUG_MODE	= 1u << 2,
	TVD_HIDDEN_FEATURES	= 1u << 3,
	TVD_HYPERV_VCPU_LIMIT	= 1u << 4,
	TVD_VM_MAX_VCPUS	= 1u << 5,
};
#define TVD_FIELDS_ALL (TVD_HC_CEILING | TVD_HC_DEFAULT | TVD_HOTPLUG_MODE | \
			TVD_HIDDEN_FEATURES | TVD_HYPERV_VCPU_LIMIT | TVD_VM_MAX_VCPUS)
/* Enforced only by a module with feature policy (TNL_CAPS_FEATURES). */
#define TVD_FIELDS_FEATURE (TVD_HIDDEN_FEATURES | TVD_HYPERV_VCPU_LIMIT | \
			    TVD_VM_MAX_VCPUS)
/* The keys, in that order, for messages that list them. */
#define TVD_FIELD_KEYS "hypercall-ceiling, hypercall-default, hotplug-mode, " \
		       "hidden-features, hyperv-vcpu-limit, vm-max-vcpus"

/* The Hyper-V vCPU limit's range (HYPERV_CPUID_IMPLEMENT_LIMITS.EAX). */
#define TVD_HYPERV_VCPU_LIMIT_MAX THINVM_HV_VCPU_LIMIT_MAX

/* Per-VM-name rules: the hypercall exit mask of every VM of that name. */
#define TVD_RULES_MAX 256

struct tvd_vm_rule {
	char name[THINVM_VM_NAME_MAX];
	uint64_t hc_exit;
};

struct tvd_policy {
	unsigned int set;		/* enum tvd_field: the fields given */
	uint64_t hc_ceiling;
	uint64_t hc_default;
	uint32_t hotplug_mode;		/* enum thinvm_hotplug_mode */
	uint64_t hidden_features;	/* thinvm_features.h set */
	uint32_t hyperv_vcpu_limit;
	uint32_t vm_max_vcpus;		/* a new VM's most vCPUs */
	size_t n_rules;
	struct tvd_vm_rule rules[TVD_RULES_MAX];
};

/* The config file's key for one field: "hypercall-ceiling" ... */
const char *tvd_field_key(enum tvd_field f);

/* An empty policy: nothing set, so every field at its default. */
void tvd_policy_init(struct tvd_policy *p);

/*
 * Check what can be checked without the module: the default within the
 * ceiling when both are set, a known hotplug mode, the Hyper-V limit's
 * range, vm-max-vcpus at least 1 (its most is the module's), rule names (as THINVM_SET_VM_NAME takes them) unique, rule masks
 * within the ceiling when it is set. 0, or -EINVAL with @why (a sentence
 * without a final period) filled.
 */
int tvd_policy_check(const struct tvd_policy *p, char *why, size_t size);

/* @out = @base with the fields @over sets replaced; rules from @base. */
void tvd_policy_overlay(const struct tvd_policy *base,
			const struct tvd_policy *over, struct tvd_policy *out);

/* The fields whose values differ (a field set in one only differs). */
unsigned int tvd_policy_diff(const struct tvd_policy *a,
			     const struct tvd_policy *b);

/* The rule of VM name @name, or NULL. */
const struct tvd_vm_rule *tvd_policy_rule(const struct tvd_policy *p,
					  const char *name);

/* Every field's value, unset ones at their defaults. */
struct tvd_values {
	uint64_t hc_ceiling;
	uint64_t hc_default;
	uint32_t hotplug_mode;
	uint64_t hidden_features;
	uint32_t hyperv_vcpu_limit;	/* 0: the module's default, unknown */
	uint32_t vm_max_vcpus;		/* 0: the module's default, unknown */
};

/* Does the module @caps describe enforce TVD_FIELDS_FEATURE? */
static inline bool tvd_feature_policy(const struct tnl_caps *caps)
{
	return caps && (caps->fields & TNL_CAPS_FEATURES);
}

/*
 * @p's values for the module @caps describes (NULL: none is loaded, so
 * "all it supports" is all ones): the ceiling defaults to its hc_supported,
 * the default to the ceiling, the hotplug mode to reject, hidden features
 * to none. vm-max-vcpus and hyperv-vcpu-limit default to the module's own
 * (caps->max_vcpus, THINVM_HV_VCPU_LIMIT_MAX) when it has feature policy,
 * else to 0: unknown, and nothing to enforce them.
 */
void tvd_policy_values(const struct tvd_policy *p, const struct tnl_caps *caps,
		       struct tvd_values *out);

/*
 * The host policy to push to the module @caps describes: unset fields at
 * their defaults (tvd_policy_values()), checked against it (every mask
 * within hc_supported, rules within the ceiling, vm-max-vcpus within
 * max_vcpus). 0, or -EINVAL with @why. out->fields is
 * TNL_POLICY_HC_CEILING | _HC_DEFAULT | _HOTPLUG_MODE, and
 * TNL_POLICY_FEATURE_FIELDS if the module has feature policy (but
 * _VM_MAX_VCPUS when it resolves to 0: a module whose max_vcpus is 0, a
 * backend without vCPUs, and vm-max-vcpus unset). Hidden
 * features the host lacks are the module's to refuse: it knows best.
 */
int tvd_policy_resolve(const struct tvd_policy *p, const struct tnl_caps *caps,
		       struct tnl_policy *out, char *why, size_t size);

#endif
