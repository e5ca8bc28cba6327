// SPDX-License-Identifier: GPL-2.0
#include "msr_rules.h"

#define APIC_BASE_ENABLE	BIT_ULL(11)
#define APIC_BASE_X2APIC	BIT_ULL(10)
#define APIC_BASE_RESERVED_LOW	0x2ffull

bool thinvm_pat_valid(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 type = pat >> (8 * i);

		if (type > 7 || type == 2 || type == 3)
			return false;
	}
	return true;
}

u64 thinvm_canonicalize(u64 addr, unsigned int bits)
{
	return (u64)((s64)(addr << (64 - bits)) >> (64 - bits));
}

bool thinvm_is_canonical(u64 addr, unsigned int bits)
{
	return thinvm_canonicalize(addr, bits) == addr;
}

bool thinvm_efer_write(const struct thinvm_msr_env *env, u64 old, u64 val,
		       bool host, u64 *result)
{
	const u64 known = THINVM_EFER_SCE | THINVM_EFER_LME | THINVM_EFER_LMA |
			  THINVM_EFER_NX;

	if (val & ~known)
		return false;
	if (!host) {
		if ((val & (THINVM_EFER_LME | THINVM_EFER_LMA)) && !env->guest_lm)
			return false;
		if ((val & THINVM_EFER_NX) && !env->guest_nx)
			return false;
		if (env->paging && ((old ^ val) & THINVM_EFER_LME))
			return false;
	}
	*result = (val & ~THINVM_EFER_LMA) | (old & THINVM_EFER_LMA);
	return true;
}

/* xAPIC: enabled; x2APIC: enabled with X2APIC; disabled: neither. */
bool thinvm_apic_base_valid(const struct thinvm_msr_env *env, u64 old,
			    u64 val, bool host)
{
	u64 reserved = APIC_BASE_RESERVED_LOW |
		       (env->guest_x2apic ? 0 : APIC_BASE_X2APIC);
	u64 mode_old = old & (APIC_BASE_ENABLE | APIC_BASE_X2APIC);
	u64 mode_new = val & (APIC_BASE_ENABLE | APIC_BASE_X2APIC);

	if (env->maxphyaddr < 64)
		reserved |= ~0ull << env->maxphyaddr;
	if (val & reserved || mode_new == APIC_BASE_X2APIC)
		return false;
	if (!host) {
		/* x2APIC back to xAPIC, or disabled straight to x2APIC. */
		if (mode_old == (APIC_BASE_ENABLE | APIC_BASE_X2APIC) &&
		    mode_new == APIC_BASE_ENABLE)
			return false;
		if (!mode_old && mode_new == (APIC_BASE_ENABLE | APIC_BASE_X2APIC))
			return false;
	}
	return true;
}
