// SPDX-License-Identifier: GPL-2.0
/* thinvmd's policy model: checks, overlay, diff, resolve (daemon/policy.c). */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include <linux/thinvm.h>

#include "hypercall_rules.h"
#include "policy.h"

#define MAP_BIT (1ULL << THINVM_HC_MAP_GPA_RANGE)
#define KICK_BIT (1ULL << 5)

static struct tvd_policy a, b, out;
static char why[256];
static struct tnl_caps caps;

/* A module older than feature policy: no CAPS.FEATURES. */
static const struct tnl_caps *old_module(uint64_t hc_supported)
{
	memset(&caps, 0, sizeof(caps));
	caps.fields = TNL_CAPS_VENDOR | TNL_CAPS_HC_SUPPORTED | TNL_CAPS_HOTPLUG_MODES |
		      TNL_CAPS_MAX_VCPUS | TNL_CAPS_POSSIBLE_CPUS;
	caps.hc_supported = hc_supported;
	caps.max_vcpus = 288;
	return &caps;
}

/* One with it, whose host has NPT and AVIC. */
static const struct tnl_caps *new_module(uint64_t hc_supported)
{
	old_module(hc_supported);
	caps.fields |= TNL_CAPS_FEATURES;
	caps.features = 1ULL << THINVM_FEAT_NPT | 1ULL << THINVM_FEAT_AVIC;
	return &caps;
}

static void add_rule(struct tvd_policy *p, const char *name, uint64_t mask)
{
	struct tvd_vm_rule *r = &p->rules[p->n_rules++];

	memset(r, 0, sizeof(*r));
	strcpy(r->name, name);
	r->hc_exit = mask;
}

static void check_fails(const struct tvd_policy *p, const char *part)
{
	why[0] = '\0';
	cr_assert_eq(tvd_policy_check(p, why, sizeof(why)), -EINVAL);
	cr_assert(strstr(why, part), "'%s' does not say '%s'", why, part);
}

Test(daemon_policy, field_keys)
{
	cr_assert_str_eq(tvd_field_key(TVD_HC_CEILING), "hypercall-ceiling");
	cr_assert_str_eq(tvd_field_key(TVD_HC_DEFAULT), "hypercall-default");
	cr_assert_str_eq(tvd_field_key(TVD_HOTPLUG_MODE), "hotplug-mode");
	cr_assert_str_eq(tvd_field_key(TVD_HIDDEN_FEATURES), "hidden-features");
	cr_assert_str_eq(tvd_field_key(TVD_HYPERV_VCPU_LIMIT), "hyperv-vcpu-limit");
	cr_assert_str_eq(tvd_field_key(TVD_VM_MAX_VCPUS), "vm-max-vcpus");
	cr_assert_str_eq(tvd_field_key(1u << 6), "?");
}

Test(daemon_policy, check_accepts_empty_and_full_policies)
{
	tvd_policy_init(&a);
	cr_assert_eq(tvd_policy_check(&a, why, sizeof(why)), 0);
	a.set = TVD_FIELDS_ALL;
	a.hc_ceiling = MAP_BIT | KICK_BIT;
	a.hc_default = MAP_BIT;
	a.hotplug_mode = THINVM_HOTPLUG_REJECT_WHILE_RUNNING;
	a.hidden_features = 3;
	a.hyperv_vcpu_limit = TVD_HYPERV_VCPU_LIMIT_MAX;
	a.vm_max_vcpus = 1;
	add_rule(&a, "web", KICK_BIT);
	add_rule(&a, "db", 0);
	cr_assert_eq(tvd_policy_check(&a, why, sizeof(why)), 0, "%s", why);
}

Test(daemon_policy, check_default_within_ceiling_only_when_both_set)
{
	tvd_policy_init(&a);
	a.set = TVD_HC_DEFAULT;
	a.hc_default = MAP_BIT | KICK_BIT;
	cr_assert_eq(tvd_policy_check(&a, why, sizeof(why)), 0);
	a.set |= TVD_HC_CEILING;
	a.hc_ceiling = MAP_BIT;
	check_fails(&a, "hypercall-default includes kick_cpu, which hypercall-ceiling (map_gpa_range) does not allow");
}

Test(daemon_policy, check_hotplug_mode_and_hyperv_limit)
{
	tvd_policy_init(&a);
	a.set = TVD_HOTPLUG_MODE;
	a.hotplug_mode = 7;
	check_fails(&a, "hotplug-mode 7 is not a known mode");
	a.set = TVD_HYPERV_VCPU_LIMIT;
	check_fails(&a, "hyperv-vcpu-limit 0 is not between 1 and 4096");
	a.hyperv_vcpu_limit = TVD_HYPERV_VCPU_LIMIT_MAX + 1;
	check_fails(&a, "hyperv-vcpu-limit 4097");
	a.set = 0;
	cr_assert_eq(tvd_policy_check(&a, why, sizeof(why)), 0, "unset fields are not looked at");
}

Test(daemon_policy, check_vm_max_vcpus)
{
	tvd_policy_init(&a);
	a.set = TVD_VM_MAX_VCPUS;
	check_fails(&a, "vm-max-vcpus 0 is not 1 or more");
	a.vm_max_vcpus = UINT32_MAX;
	cr_assert_eq(tvd_policy_check(&a, why, sizeof(why)), 0, "the most is the module's");
}

Test(daemon_policy, check_unknown_fields)
{
	tvd_policy_init(&a);
	a.set = 1u << 7;
	check_fails(&a, "unknown policy fields 0x80");
}

Test(daemon_policy, check_rules)
{
	tvd_policy_init(&a);
	add_rule(&a, "", 0);
	check_fails(&a, "VM name '' is not 1 to 63 characters");
	tvd_policy_init(&a);
	add_rule(&a, "a b", 0);
	check_fails(&a, "VM name 'a b'");
	tvd_policy_init(&a);
	add_rule(&a, "a", 0);
	add_rule(&a, "b", 0);
	add_rule(&a, "a", MAP_BIT);
	check_fails(&a, "VM 'a' has two rules");
}

Test(daemon_policy, check_rule_masks_within_a_set_ceiling)
{
	tvd_policy_init(&a);
	add_rule(&a, "web", MAP_BIT | KICK_BIT);
	cr_assert_eq(tvd_policy_check(&a, why, sizeof(why)), 0, "no ceiling set");
	a.set = TVD_HC_CEILING;
	a.hc_ceiling = MAP_BIT;
	check_fails(&a, "the hypercall-exit of VM 'web' includes kick_cpu");
}

Test(daemon_policy, overlay_replaces_the_fields_over_sets)
{
	tvd_policy_init(&a);
	tvd_policy_init(&b);
	a.set = TVD_HC_CEILING | TVD_HOTPLUG_MODE | TVD_HYPERV_VCPU_LIMIT;
	a.hc_ceiling = MAP_BIT;
	a.hotplug_mode = THINVM_HOTPLUG_REJECT;
	a.hyperv_vcpu_limit = 64;
	add_rule(&a, "web", MAP_BIT);
	b.set = TVD_HOTPLUG_MODE | TVD_HIDDEN_FEATURES | TVD_VM_MAX_VCPUS;
	b.hotplug_mode = THINVM_HOTPLUG_REJECT_WHILE_RUNNING;
	b.hidden_features = 5;
	b.vm_max_vcpus = 12;
	b.hyperv_vcpu_limit = 1;	/* not set: not taken */
	add_rule(&b, "db", 0);
	tvd_policy_overlay(&a, &b, &out);
	cr_assert_eq(out.set, a.set | TVD_HIDDEN_FEATURES | TVD_VM_MAX_VCPUS);
	cr_assert_eq(out.vm_max_vcpus, 12);
	cr_assert_eq(out.hc_ceiling, MAP_BIT);
	cr_assert_eq(out.hotplug_mode, THINVM_HOTPLUG_REJECT_WHILE_RUNNING);
	cr_assert_eq(out.hidden_features, 5);
	cr_assert_eq(out.hyperv_vcpu_limit, 64);
	cr_assert_eq(out.n_rules, 1, "rules from base");
	cr_assert_str_eq(out.rules[0].name, "web");
}

Test(daemon_policy, overlay_in_place)
{
	tvd_policy_init(&a);
	tvd_policy_init(&b);
	a.set = TVD_HC_DEFAULT;
	a.hc_default = MAP_BIT;
	b.set = TVD_HC_DEFAULT | TVD_HC_CEILING;
	b.hc_default = 0;
	b.hc_ceiling = KICK_BIT;
	tvd_policy_overlay(&a, &b, &a);
	cr_assert_eq(a.set, TVD_HC_DEFAULT | TVD_HC_CEILING);
	cr_assert_eq(a.hc_default, 0);
	cr_assert_eq(a.hc_ceiling, KICK_BIT);
}

Test(daemon_policy, diff)
{
	tvd_policy_init(&a);
	tvd_policy_init(&b);
	cr_assert_eq(tvd_policy_diff(&a, &b), 0);
	a.hc_ceiling = MAP_BIT;
	cr_assert_eq(tvd_policy_diff(&a, &b), 0, "unset values are not compared");
	a.set = b.set = TVD_FIELDS_ALL;
	cr_assert_eq(tvd_policy_diff(&a, &b), TVD_HC_CEILING);
	b.hc_ceiling = MAP_BIT;
	b.hc_default = 1;
	b.hotplug_mode = 1;
	b.hidden_features = 1;
	b.hyperv_vcpu_limit = 1;
	b.vm_max_vcpus = 1;
	cr_assert_eq(tvd_policy_diff(&a, &b), TVD_FIELDS_ALL & ~TVD_HC_CEILING);
	cr_assert_eq(tvd_policy_diff(&b, &a), TVD_FIELDS_ALL & ~TVD_HC_CEILING);
	tvd_policy_init(&b);
	b.set = TVD_HIDDEN_FEATURES;
	a.set = TVD_HOTPLUG_MODE;
	a.hotplug_mode = 0;
	cr_assert_eq(tvd_policy_diff(&a, &b), TVD_HIDDEN_FEATURES | TVD_HOTPLUG_MODE,
		     "a field set in one only differs");
}

Test(daemon_policy, rule_by_name)
{
	tvd_policy_init(&a);
	cr_assert_null(tvd_policy_rule(&a, "web"));
	add_rule(&a, "web", MAP_BIT);
	add_rule(&a, "db", KICK_BIT);
	cr_assert_eq(tvd_policy_rule(&a, "db"), &a.rules[1]);
	cr_assert_eq(tvd_policy_rule(&a, "web")->hc_exit, MAP_BIT);
	cr_assert_null(tvd_policy_rule(&a, "we"));
	cr_assert_null(tvd_policy_rule(&a, "WEB"));
}

Test(daemon_policy, resolve_defaults)
{
	struct tnl_policy tp;

	memset(&tp, 0xff, sizeof(tp));
	tvd_policy_init(&a);
	cr_assert_eq(tvd_policy_resolve(&a, old_module(MAP_BIT | KICK_BIT), &tp, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(tp.fields, TNL_POLICY_HC_CEILING | TNL_POLICY_HC_DEFAULT | TNL_POLICY_HOTPLUG_MODE);
	cr_assert_eq(tp.hc_ceiling, MAP_BIT | KICK_BIT, "ceiling: all supported");
	cr_assert_eq(tp.hc_default, MAP_BIT | KICK_BIT, "default: the ceiling");
	cr_assert_eq(tp.hotplug_mode, THINVM_HOTPLUG_REJECT);
	cr_assert_eq(tp.generation, 0);
	a.set = TVD_HC_CEILING;
	a.hc_ceiling = KICK_BIT;
	cr_assert_eq(tvd_policy_resolve(&a, old_module(MAP_BIT | KICK_BIT), &tp, why, sizeof(why)), 0);
	cr_assert_eq(tp.hc_default, KICK_BIT, "default: the ceiling set");
}

Test(daemon_policy, resolve_takes_what_is_set)
{
	struct tnl_policy tp;

	tvd_policy_init(&a);
	a.set = TVD_FIELDS_ALL;
	a.hc_ceiling = MAP_BIT;
	a.hc_default = 0;
	a.hotplug_mode = THINVM_HOTPLUG_REJECT_WHILE_RUNNING;
	a.hyperv_vcpu_limit = 8;
	a.vm_max_vcpus = 8;
	cr_assert_eq(tvd_policy_resolve(&a, old_module(MAP_BIT | KICK_BIT), &tp, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(tp.fields, TNL_POLICY_HC_CEILING | TNL_POLICY_HC_DEFAULT | TNL_POLICY_HOTPLUG_MODE);
	cr_assert_eq(tp.hc_ceiling, MAP_BIT);
	cr_assert_eq(tp.hc_default, 0);
	cr_assert_eq(tp.hotplug_mode, THINVM_HOTPLUG_REJECT_WHILE_RUNNING);
}

Test(daemon_policy, resolve_refuses_a_ceiling_outside_supported)
{
	struct tnl_policy tp;

	tvd_policy_init(&a);
	a.set = TVD_HC_CEILING;
	a.hc_ceiling = MAP_BIT | KICK_BIT;
	cr_assert_eq(tvd_policy_resolve(&a, old_module(MAP_BIT), &tp, why, sizeof(why)), -EINVAL);
	cr_assert(strstr(why, "hypercall-ceiling includes kick_cpu, which the module's supported set (map_gpa_range) does not allow"),
		  "%s", why);
}

Test(daemon_policy, resolve_refuses_a_default_outside_the_resolved_ceiling)
{
	struct tnl_policy tp;

	tvd_policy_init(&a);
	a.set = TVD_HC_DEFAULT;
	a.hc_default = KICK_BIT;
	cr_assert_eq(tvd_policy_resolve(&a, old_module(MAP_BIT), &tp, why, sizeof(why)), -EINVAL);
	cr_assert(strstr(why, "hypercall-default includes kick_cpu"), "%s", why);
	cr_assert_eq(tvd_policy_resolve(&a, old_module(MAP_BIT | KICK_BIT), &tp, why, sizeof(why)), 0);
}

Test(daemon_policy, resolve_checks_rules_against_the_resolved_ceiling)
{
	struct tnl_policy tp;

	tvd_policy_init(&a);
	add_rule(&a, "web", KICK_BIT);
	cr_assert_eq(tvd_policy_resolve(&a, old_module(MAP_BIT), &tp, why, sizeof(why)), -EINVAL);
	cr_assert(strstr(why, "VM 'web' includes kick_cpu"), "%s", why);
}

/* Feature policy: pushed only to a module that has it, defaults its own. */

Test(daemon_policy, resolve_sends_no_feature_fields_to_an_old_module)
{
	struct tnl_policy tp;

	tvd_policy_init(&a);
	a.set = TVD_HIDDEN_FEATURES | TVD_HYPERV_VCPU_LIMIT | TVD_VM_MAX_VCPUS;
	a.hidden_features = 1ULL << THINVM_FEAT_NPT;
	a.hyperv_vcpu_limit = 64;
	a.vm_max_vcpus = 1000;		/* above its 288: not its to judge */
	cr_assert_eq(tvd_policy_resolve(&a, old_module(MAP_BIT), &tp, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(tp.fields, TNL_POLICY_HC_CEILING | TNL_POLICY_HC_DEFAULT | TNL_POLICY_HOTPLUG_MODE);
	cr_assert_eq(tp.hidden_features, 0);
	cr_assert_eq(tp.vm_max_vcpus, 0);
	cr_assert_eq(tp.hv_vcpu_limit, 0);
}

Test(daemon_policy, resolve_feature_defaults_are_the_modules)
{
	struct tnl_policy tp;

	tvd_policy_init(&a);
	cr_assert_eq(tvd_policy_resolve(&a, new_module(MAP_BIT), &tp, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(tp.fields, TNL_POLICY_HC_CEILING | TNL_POLICY_HC_DEFAULT |
		     TNL_POLICY_HOTPLUG_MODE | TNL_POLICY_FEATURE_FIELDS);
	cr_assert_eq(tp.hidden_features, 0, "none hidden");
	cr_assert_eq(tp.vm_max_vcpus, 288, "the module's MAX_VCPUS");
	cr_assert_eq(tp.hv_vcpu_limit, THINVM_HV_VCPU_LIMIT_MAX);
}

Test(daemon_policy, resolve_takes_the_feature_fields_set)
{
	struct tnl_policy tp;

	tvd_policy_init(&a);
	a.set = TVD_HIDDEN_FEATURES | TVD_HYPERV_VCPU_LIMIT | TVD_VM_MAX_VCPUS;
	a.hidden_features = 1ULL << THINVM_FEAT_AVIC;
	a.hyperv_vcpu_limit = 64;
	a.vm_max_vcpus = 288;
	cr_assert_eq(tvd_policy_resolve(&a, new_module(MAP_BIT), &tp, why, sizeof(why)), 0, "%s", why);
	cr_assert(tp.fields & TNL_POLICY_FEATURE_FIELDS);
	cr_assert_eq(tp.hidden_features, 1ULL << THINVM_FEAT_AVIC);
	cr_assert_eq(tp.hv_vcpu_limit, 64);
	cr_assert_eq(tp.vm_max_vcpus, 288);
}

Test(daemon_policy, resolve_refuses_vm_max_vcpus_above_the_modules)
{
	struct tnl_policy tp;

	tvd_policy_init(&a);
	a.set = TVD_VM_MAX_VCPUS;
	a.vm_max_vcpus = 289;
	cr_assert_eq(tvd_policy_resolve(&a, new_module(MAP_BIT), &tp, why, sizeof(why)), -EINVAL);
	cr_assert(strstr(why, "vm-max-vcpus 289 is above the module's most, 288"), "%s", why);
}

/* MAX_VCPUS 0: a backend without vCPUs; the module takes 1 to its own most. */
Test(daemon_policy, resolve_for_a_module_without_vcpus)
{
	struct tnl_policy tp;

	tvd_policy_init(&a);
	new_module(MAP_BIT);
	caps.max_vcpus = 0;
	cr_assert_eq(tvd_policy_resolve(&a, &caps, &tp, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(tp.fields & TNL_POLICY_FEATURE_FIELDS,
		     TNL_POLICY_HIDDEN_FEATURES | TNL_POLICY_HV_VCPU_LIMIT, "no VM_MAX_VCPUS 0");
	a.set = TVD_VM_MAX_VCPUS;
	a.vm_max_vcpus = 8;
	cr_assert_eq(tvd_policy_resolve(&a, &caps, &tp, why, sizeof(why)), 0, "%s", why);
	cr_assert(tp.fields & TNL_POLICY_VM_MAX_VCPUS, "a set one is the module's to judge");
	cr_assert_eq(tp.vm_max_vcpus, 8);
}

Test(daemon_policy, resolve_leaves_features_the_host_lacks_to_the_module)
{
	struct tnl_policy tp;

	tvd_policy_init(&a);
	a.set = TVD_HIDDEN_FEATURES;
	a.hidden_features = 1ULL << THINVM_FEAT_PML;	/* a VMX control, on SVM */
	cr_assert_eq(tvd_policy_resolve(&a, new_module(MAP_BIT), &tp, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(tp.hidden_features, 1ULL << THINVM_FEAT_PML);
}

Test(daemon_policy, values_of_the_feature_fields)
{
	struct tvd_values v;

	tvd_policy_init(&a);
	tvd_policy_values(&a, NULL, &v);
	cr_assert_eq(v.hc_ceiling, UINT64_MAX, "no module: all it will support");
	cr_assert_eq(v.vm_max_vcpus, 0, "no module: its default unknown");
	cr_assert_eq(v.hyperv_vcpu_limit, 0);
	tvd_policy_values(&a, old_module(MAP_BIT), &v);
	cr_assert_eq(v.hc_ceiling, MAP_BIT);
	cr_assert_eq(v.vm_max_vcpus, 0, "an old module: nothing enforces it");
	cr_assert_eq(v.hyperv_vcpu_limit, 0);
	tvd_policy_values(&a, new_module(MAP_BIT), &v);
	cr_assert_eq(v.vm_max_vcpus, 288);
	cr_assert_eq(v.hyperv_vcpu_limit, THINVM_HV_VCPU_LIMIT_MAX);
	a.set = TVD_VM_MAX_VCPUS | TVD_HYPERV_VCPU_LIMIT;
	a.vm_max_vcpus = 4;
	a.hyperv_vcpu_limit = 8;
	tvd_policy_values(&a, NULL, &v);
	cr_assert_eq(v.vm_max_vcpus, 4, "what is set, module or not");
	cr_assert_eq(v.hyperv_vcpu_limit, 8);
}
