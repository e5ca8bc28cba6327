// SPDX-License-Identifier: GPL-2.0
#include "xsave_rules.h"

/* Whether @xcr0 has all of @group or none of it. */
static bool all_or_none(u64 xcr0, u64 group)
{
	return (xcr0 & group) == 0 || (xcr0 & group) == group;
}

bool thinvm_xcr0_valid(u64 xcr0, u64 allowed)
{
	if (xcr0 & ~(allowed | THINVM_XFEATURE_X87))
		return false;
	if (!(xcr0 & THINVM_XFEATURE_X87))
		return false;
	if ((xcr0 & THINVM_XFEATURE_YMM) && !(xcr0 & THINVM_XFEATURE_SSE))
		return false;
	if (!all_or_none(xcr0, THINVM_XFEATURE_BNDREGS | THINVM_XFEATURE_BNDCSR))
		return false;
	if (xcr0 & THINVM_XFEATURE_AVX512) {
		if (!all_or_none(xcr0, THINVM_XFEATURE_AVX512) ||
		    !(xcr0 & THINVM_XFEATURE_YMM))
			return false;
	}
	return all_or_none(xcr0, THINVM_XFEATURE_TILE);
}
