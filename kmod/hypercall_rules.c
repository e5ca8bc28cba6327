// SPDX-License-Identifier: GPL-2.0
/* Hypercall decisions (see hypercall_rules.h). */
#include "hypercall_rules.h"

#define PAGE_SHIFT_4K	12

/*
 * KVM_HC_MAP_GPA_RANGE(gpa, npages, attributes): a page-aligned start, at
 * least one page, and no wrap of the frame number, as KVM checks.
 */
static bool map_gpa_range_valid(u64 gpa, u64 npages)
{
	u64 gfn = gpa >> PAGE_SHIFT_4K;

	return !(gpa & ((1ULL << PAGE_SHIFT_4K) - 1)) && npages &&
	       gfn + npages > gfn;
}

static bool guest_has(const struct thinvm_hc_policy *p, unsigned int feature)
{
	return !p->pv_enforce || (p->kvm_features & BIT(feature));
}

static void map_gpa_range(const struct thinvm_hc_call *c,
			  const struct thinvm_hc_policy *p,
			  struct thinvm_hc_outcome *out)
{
	u64 bit = BIT_ULL(THINVM_HC_MAP_GPA_RANGE);

	/*
	 * thinvm gates this one on its CPUID bit as well, as the review of
	 * the exit's design proposed: a VMM that enforces PV CPUID and did
	 * not offer the hypercall gets -KVM_ENOSYS, even if it enabled it.
	 */
	if (!guest_has(p, THINVM_KVM_FEATURE_HC_MAP_GPA_RANGE))
		return;
	if (!(p->exit_mask & bit)) {
		out->refused_by_policy = p->requested & bit;
		return;
	}
	if (!map_gpa_range_valid(c->args[0], c->args[1])) {
		out->ret = -(u64)THINVM_KVM_EINVAL;
		return;
	}
	out->exit = true;
	out->args[0] = c->args[0];
	out->args[1] = c->args[1];
	out->args[2] = c->args[2];
}

void thinvm_hc_decide(const struct thinvm_hc_call *call,
		      const struct thinvm_hc_policy *policy,
		      struct thinvm_hc_outcome *out)
{
	struct thinvm_hc_call c = *call;
	unsigned int i;

	*out = (struct thinvm_hc_outcome){ .ret = -(u64)THINVM_KVM_ENOSYS };
	if (!c.long_mode) {
		c.nr = (u32)c.nr;
		for (i = 0; i < 4; i++)
			c.args[i] = (u32)c.args[i];
	}
	out->nr = c.nr;
	if (c.cpl) {
		out->ret = -(u64)THINVM_KVM_EPERM;
	} else {
		switch (c.nr) {
		case THINVM_HC_VAPIC_POLL_IRQ:
			out->ret = 0;
			break;
		case THINVM_HC_MAP_GPA_RANGE:
			map_gpa_range(&c, policy, out);
			break;
		}
	}
	if (!c.long_mode)
		out->ret = (u32)out->ret;
}

int thinvm_hc_mask_check(u64 mask, u64 ceiling)
{
	if (mask & ~THINVM_HC_EXIT_SUPPORTED)
		return -EINVAL;
	if (mask & ~ceiling)
		return -EPERM;
	return 0;
}
