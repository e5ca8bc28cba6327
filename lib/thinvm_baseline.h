/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A baseline of host profiles (thinvm_profile.h): what every host of a pool
 * can offer a VM, so that a VM set up from it can move between them; and
 * the hidden-feature policy that makes one host offer no more than that.
 * Plain C without I/O, for vmctl and the unit tests.
 *
 * The rule, field by field, is the one CPU-model baselines use (QEMU's
 * query-cpu-model-baseline, libvirt's cpu-baseline): a feature is in the
 * baseline only if every host has it, a limit is the smallest, and a value
 * that is neither (a family/model signature, a cache description) is kept
 * only where all hosts agree; where they do not, it is cleared and reported
 * so the caller can say what the baseline had to give up.
 */
#ifndef THINVM_BASELINE_H
#define THINVM_BASELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "thinvm_profile.h"

/* What the baseline gave up: values that differ and have no rule to merge. */
#define TNL_BASELINE_DROPS_MAX 64

struct tnl_baseline_drop {
	bool msr;		/* a VMX MSR (index), else a CPUID register */
	uint32_t function;	/* CPUID leaf, or the MSR's index */
	uint32_t index;		/* CPUID subleaf */
	char reg;		/* 'a', 'b', 'c', 'd' for EAX..EDX; 0 for an MSR */
};

struct tnl_baseline_notes {
	unsigned int n_drops;	/* may be above TNL_BASELINE_DROPS_MAX: counted */
	struct tnl_baseline_drop drops[TNL_BASELINE_DROPS_MAX];
	/* CPUID entries and VMX MSRs not in every profile, left out whole. */
	unsigned int cpuid_left_out, msrs_left_out;
};

/*
 * @out = the baseline of the @n profiles @in (n >= 1). All must have one
 * version and one vendor: -EINVAL otherwise, with @why naming the first
 * profile that differs (by its position, from 0). @notes (may be NULL) says
 * what was given up. policy_generation of the baseline is 0.
 */
int tnl_profile_baseline(const struct tnl_profile *const *in, size_t n,
			 struct tnl_profile *out, struct tnl_baseline_notes *notes,
			 char *why, size_t size);

/*
 * The hidden features @host's policy must have so that it offers no named
 * feature @baseline lacks: what it hides now, and what it has beyond.
 */
uint64_t tnl_profile_hide_for(const struct tnl_profile *host,
			      const struct tnl_profile *baseline);

#endif
