// SPDX-License-Identifier: GPL-2.0
/* Hypercall decisions (kmod/hypercall_rules.c), compiled for the host. */
#include <criterion/criterion.h>

#include "hypercall_rules.h"

#define MAP THINVM_HC_MAP_GPA_RANGE
#define MAP_BIT (1ULL << MAP)
#define ENOSYS_64 (-(uint64_t)THINVM_KVM_ENOSYS)

static struct thinvm_hc_outcome decide(struct thinvm_hc_call c,
				       struct thinvm_hc_policy p)
{
	struct thinvm_hc_outcome out;

	thinvm_hc_decide(&c, &p, &out);
	return out;
}

static struct thinvm_hc_call map_call(uint64_t gpa, uint64_t npages)
{
	return (struct thinvm_hc_call){
		.nr = MAP, .args = { gpa, npages, 7 }, .long_mode = true,
	};
}

Test(hypercall, poll_irq_and_unknown_numbers)
{
	struct thinvm_hc_call c = { .nr = THINVM_HC_VAPIC_POLL_IRQ, .long_mode = true };

	cr_assert_eq(decide(c, (struct thinvm_hc_policy){}).ret, 0);
	c.nr = 1234;
	cr_assert_eq(decide(c, (struct thinvm_hc_policy){}).ret, ENOSYS_64);
	cr_assert_not(decide(c, (struct thinvm_hc_policy){}).exit);
}

Test(hypercall, cpl_above_zero_is_eperm_whatever_the_policy)
{
	struct thinvm_hc_call c = map_call(0x1000, 1);
	struct thinvm_hc_policy p = { .exit_mask = MAP_BIT, .requested = MAP_BIT };

	c.cpl = 3;
	cr_assert_not(decide(c, p).exit);
	cr_assert_eq(decide(c, p).ret, -(uint64_t)THINVM_KVM_EPERM);
	c.long_mode = false;
	cr_assert_eq(decide(c, p).ret, (uint32_t)-THINVM_KVM_EPERM);
}

Test(hypercall, map_gpa_range_exits_when_enabled)
{
	struct thinvm_hc_policy p = { .exit_mask = MAP_BIT, .requested = MAP_BIT };
	struct thinvm_hc_outcome o = decide(map_call(0x200000, 16), p);

	cr_assert(o.exit);
	cr_assert_eq(o.nr, MAP);
	cr_assert_eq(o.args[0], 0x200000);
	cr_assert_eq(o.args[1], 16);
	cr_assert_eq(o.args[2], 7);
	cr_assert_not(o.refused_by_policy);
}

Test(hypercall, map_gpa_range_not_enabled_is_enosys)
{
	struct thinvm_hc_outcome o = decide(map_call(0x1000, 1), (struct thinvm_hc_policy){});

	cr_assert_not(o.exit);
	cr_assert_eq(o.ret, ENOSYS_64);
	cr_assert_not(o.refused_by_policy, "the VMM never asked: not a refusal");
}

Test(hypercall, map_gpa_range_requested_but_kept_in_by_policy)
{
	struct thinvm_hc_policy p = { .exit_mask = 0, .requested = MAP_BIT };
	struct thinvm_hc_outcome o = decide(map_call(0x1000, 1), p);

	cr_assert_not(o.exit);
	cr_assert_eq(o.ret, ENOSYS_64);
	cr_assert(o.refused_by_policy);
}

Test(hypercall, map_gpa_range_bad_arguments_are_einval)
{
	struct thinvm_hc_policy p = { .exit_mask = MAP_BIT };

	cr_assert_eq(decide(map_call(0x1001, 1), p).ret, -(uint64_t)THINVM_KVM_EINVAL);
	cr_assert_eq(decide(map_call(0x1000, 0), p).ret, -(uint64_t)THINVM_KVM_EINVAL);
	/* The frame number wraps (KVM checks only that, not the width). */
	cr_assert_eq(decide(map_call(0x1000, UINT64_MAX), p).ret,
		     -(uint64_t)THINVM_KVM_EINVAL);
	cr_assert_eq(decide(map_call(0x3000, UINT64_MAX - 2), p).ret,
		     -(uint64_t)THINVM_KVM_EINVAL);
	cr_assert(decide(map_call(0x3000, UINT64_MAX - 3), p).exit);
	cr_assert(decide(map_call(0xfffffffffffff000ULL, 1), p).exit);
	/* Not enabled: ENOSYS comes before the argument checks, as on KVM. */
	cr_assert_eq(decide(map_call(0x1001, 0), (struct thinvm_hc_policy){}).ret, ENOSYS_64);
}

Test(hypercall, outside_long_mode_only_low_halves_count)
{
	struct thinvm_hc_policy p = { .exit_mask = MAP_BIT };
	struct thinvm_hc_call c = map_call(0xabcd00002000ULL, 0x100000003ULL);
	struct thinvm_hc_outcome o;

	c.nr = 0xffffffff00000000ULL | MAP;
	c.long_mode = false;
	o = decide(c, p);
	cr_assert(o.exit);
	cr_assert_eq(o.args[0], 0x2000);
	cr_assert_eq(o.args[1], 3);
	c.nr = 0xffffffff00001234ULL;
	cr_assert_eq(decide(c, p).nr, 0x1234, "the number as the guest meant it");
	cr_assert_eq(decide(c, p).ret, (uint32_t)-THINVM_KVM_ENOSYS);
	/* In 64-bit mode the high half makes it another number. */
	c.long_mode = true;
	c.nr = 0xffffffff00000000ULL | MAP;
	cr_assert_eq(decide(c, p).ret, ENOSYS_64);
	cr_assert_eq(thinvm_hc_result(0xffffffffffffffeaULL, false), 0xffffffea);
	cr_assert_eq(thinvm_hc_result(0xffffffffffffffeaULL, true), 0xffffffffffffffeaULL);
}

Test(hypercall, pv_enforcement_gates_on_the_cpuid_bit)
{
	struct thinvm_hc_policy p = {
		.exit_mask = MAP_BIT, .requested = MAP_BIT, .pv_enforce = true,
	};

	cr_assert_eq(decide(map_call(0x1000, 1), p).ret, ENOSYS_64);
	cr_assert_not(decide(map_call(0x1000, 1), p).refused_by_policy);
	p.kvm_features = 1u << THINVM_KVM_FEATURE_HC_MAP_GPA_RANGE;
	cr_assert(decide(map_call(0x1000, 1), p).exit);
	p.pv_enforce = false;
	p.kvm_features = 0;
	cr_assert(decide(map_call(0x1000, 1), p).exit, "not enforced: the bit does not matter");
}

Test(hypercall, exit_masks_within_supported_and_ceiling)
{
	cr_assert_eq(thinvm_hc_mask_check(0, 0), 0);
	cr_assert_eq(thinvm_hc_mask_check(MAP_BIT, MAP_BIT), 0);
	cr_assert_eq(thinvm_hc_mask_check(MAP_BIT, 0), -EPERM);
	cr_assert_eq(thinvm_hc_mask_check(1ULL << 5, ~0ULL), -EINVAL);
	cr_assert_eq(thinvm_hc_mask_check(MAP_BIT | 1ULL << 63, 0), -EINVAL,
		     "unsupported bits are EINVAL even above the ceiling");
}
