// SPDX-License-Identifier: GPL-2.0
/* Host policy merge and checks, VM names (kmod/policy_rules.c). */
#include <criterion/criterion.h>
#include <string.h>

#include <linux/thinvm.h>

#include "hypercall_rules.h"
#include "policy_rules.h"

#define MAP_BIT (1ULL << THINVM_HC_MAP_GPA_RANGE)

Test(policy, defaults_behave_like_kvm)
{
	struct thinvm_host_policy p;

	thinvm_policy_defaults(&p);
	cr_assert_eq(p.hc_default, THINVM_HC_EXIT_SUPPORTED,
		     "what a VMM asks for exits, as on KVM");
	cr_assert_eq(p.hc_ceiling, THINVM_HC_EXIT_SUPPORTED);
	cr_assert_eq(p.hotplug_mode, THINVM_HOTPLUG_REJECT);
	cr_assert_eq(p.generation, 0);
}

Test(policy, merge_keeps_what_is_not_named_and_bumps_generation)
{
	struct thinvm_host_policy cur, change = { .hc_default = MAP_BIT }, next;
	const char *why;

	thinvm_policy_defaults(&cur);
	cr_assert_eq(thinvm_policy_merge(&cur, &change, THINVM_POLICY_HAS_HC_DEFAULT,
					 ~0ull, &next, &why), 0);
	cr_assert_eq(next.hc_default, MAP_BIT);
	cr_assert_eq(next.hc_ceiling, cur.hc_ceiling);
	cr_assert_eq(next.generation, 1);
	cr_assert_null(why);
}

Test(policy, merge_refuses_default_above_ceiling_in_either_order)
{
	struct thinvm_host_policy cur, change = { .hc_ceiling = 0 }, next;
	const char *why;

	thinvm_policy_defaults(&cur);
	cur.hc_default = MAP_BIT;
	/* Lowering the ceiling below the default kept: refused. */
	cr_assert_eq(thinvm_policy_merge(&cur, &change, THINVM_POLICY_HAS_HC_CEILING,
					 ~0ull, &next, &why), -EINVAL);
	cr_assert(strstr(why, "default"));
	/* Both at once: fine. */
	cr_assert_eq(thinvm_policy_merge(&cur, &change, THINVM_POLICY_HAS_HC_CEILING |
					 THINVM_POLICY_HAS_HC_DEFAULT, ~0ull, &next, &why), 0);
	cr_assert_eq(next.hc_ceiling, 0);
	cr_assert_eq(next.hc_default, 0);
}

Test(policy, merge_refuses_unsupported_bits_and_modes)
{
	struct thinvm_host_policy cur, change = { .hc_ceiling = 1ULL << 3 }, next;
	const char *why;

	thinvm_policy_defaults(&cur);
	cr_assert_eq(thinvm_policy_merge(&cur, &change, THINVM_POLICY_HAS_HC_CEILING,
					 ~0ull, &next, &why), -EINVAL);
	change.hotplug_mode = __THINVM_HOTPLUG_MODE_COUNT;
	cr_assert_eq(thinvm_policy_merge(&cur, &change, THINVM_POLICY_HAS_HOTPLUG_MODE,
					 ~0ull, &next, &why), -EINVAL);
	cr_assert(strstr(why, "hotplug"));
	change.hotplug_mode = THINVM_HOTPLUG_REJECT_WHILE_RUNNING;
	cr_assert_eq(thinvm_policy_merge(&cur, &change, THINVM_POLICY_HAS_HOTPLUG_MODE,
					 ~0ull, &next, &why), 0);
	cr_assert_eq(next.hotplug_mode, THINVM_HOTPLUG_REJECT_WHILE_RUNNING);
}

Test(policy, given_generations_must_go_up)
{
	struct thinvm_host_policy cur, change = { .generation = 7 }, next;
	unsigned int f = THINVM_POLICY_HAS_GENERATION | THINVM_POLICY_HAS_HC_DEFAULT;
	const char *why;
	uint64_t g;

	thinvm_policy_defaults(&cur);
	cur.generation = 7;
	cr_assert_eq(thinvm_policy_merge(&cur, &change, f, ~0ull, &next, &why), -ESTALE);
	change.generation = 9;
	cr_assert_eq(thinvm_policy_merge(&cur, &change, f, ~0ull, &next, &why), 0);
	cr_assert_eq(next.generation, 9);
	cr_assert_eq(thinvm_generation_next(3, false, 0, &g), 0);
	cr_assert_eq(g, 4);
	cr_assert_eq(thinvm_generation_next(3, true, 3, &g), -ESTALE);
}

static bool name_ok(const char *name)
{
	char buf[THINVM_VM_NAME_MAX] = { 0 };

	memcpy(buf, name, strlen(name));
	return thinvm_vm_name_valid(buf, sizeof(buf));
}

Test(policy, vm_names)
{
	char full[THINVM_VM_NAME_MAX];

	cr_assert(name_ok("web-1.prod_a"));
	cr_assert_not(name_ok(""));
	cr_assert_not(name_ok("has space"));
	cr_assert_not(name_ok("slash/no"));
	cr_assert_not(name_ok("\xc3\xa9t\xc3\xa9"));
	memset(full, 'a', sizeof(full));
	cr_assert_not(thinvm_vm_name_valid(full, sizeof(full)), "no NUL");
	full[sizeof(full) - 1] = 0;
	cr_assert(thinvm_vm_name_valid(full, sizeof(full)), "63 characters fit");
	memset(full, 0, sizeof(full));
	full[0] = 'a';
	full[5] = 'x';
	cr_assert_not(thinvm_vm_name_valid(full, sizeof(full)), "garbage after the NUL");
}

Test(policy, features_vcpus_and_hyperv_limit_are_checked)
{
	struct thinvm_host_policy cur, next, change = {
		.hidden_features = 0x5, .vm_max_vcpus = 8, .hv_vcpu_limit = 4,
	};
	unsigned int f = THINVM_POLICY_HAS_HIDDEN_FEATURES |
			 THINVM_POLICY_HAS_VM_MAX_VCPUS |
			 THINVM_POLICY_HAS_HV_VCPU_LIMIT;
	const char *why;

	thinvm_policy_defaults(&cur);
	cr_assert_eq(cur.hidden_features, 0);
	cr_assert_eq(cur.vm_max_vcpus, THINVM_MAX_VCPUS);
	cr_assert_eq(cur.hv_vcpu_limit, THINVM_HV_VCPU_LIMIT_MAX);
	cr_assert_eq(thinvm_policy_merge(&cur, &change, f, 0x7, &next, &why), 0);
	cr_expect(next.hidden_features == 0x5 && next.vm_max_vcpus == 8 &&
		  next.hv_vcpu_limit == 4);
	/* A feature the host lacks: refused, whatever else is fine. */
	cr_assert_eq(thinvm_policy_merge(&cur, &change, f, 0x3, &next, &why), -EINVAL);
	cr_expect(strstr(why, "feature"));
	change.vm_max_vcpus = 0;
	cr_assert_eq(thinvm_policy_merge(&cur, &change, f, 0x7, &next, &why), -EINVAL);
	cr_expect(strstr(why, "vCPUs"));
	change.vm_max_vcpus = THINVM_MAX_VCPUS + 1;
	cr_assert_eq(thinvm_policy_merge(&cur, &change, f, 0x7, &next, &why), -EINVAL);
	change.vm_max_vcpus = THINVM_MAX_VCPUS;
	change.hv_vcpu_limit = THINVM_HV_VCPU_LIMIT_MAX + 1;
	cr_assert_eq(thinvm_policy_merge(&cur, &change, f, 0x7, &next, &why), -EINVAL);
	cr_expect(strstr(why, "Hyper-V"));
	change.hv_vcpu_limit = 0;
	cr_assert_eq(thinvm_policy_merge(&cur, &change, f, 0x7, &next, &why), -EINVAL);
	/* Fields not named are kept, even if @change holds nonsense in them. */
	cr_assert_eq(thinvm_policy_merge(&cur, &change, THINVM_POLICY_HAS_HC_DEFAULT,
					 0, &next, &why), 0);
	cr_expect_eq(next.hv_vcpu_limit, THINVM_HV_VCPU_LIMIT_MAX);
}
