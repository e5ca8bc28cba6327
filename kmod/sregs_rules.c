// SPDX-License-Identifier: GPL-2.0
#include "sregs_rules.h"

#define CR0_PE		BIT_ULL(0)
#define CR0_NW		BIT_ULL(29)
#define CR0_CD		BIT_ULL(30)
#define CR0_PG		BIT_ULL(31)
#define CR4_PSE		BIT_ULL(4)
#define CR4_PAE		BIT_ULL(5)
#define CR4_PGE		BIT_ULL(7)
#define CR4_LA57	BIT_ULL(12)
#define CR4_PCIDE	BIT_ULL(17)
#define CR4_SMEP	BIT_ULL(20)
#define CR4_SMAP	BIT_ULL(21)
#define CR4_PKE		BIT_ULL(22)
#define CR3_PCID	0xfffull
#define EFER_LME_	BIT_ULL(8)
#define EFER_LMA_	BIT_ULL(10)

bool thinvm_sregs_valid(const struct thinvm_sregs_view *s, u64 cr4_allowed,
			unsigned int maxphyaddr)
{
	if ((s->efer & EFER_LME_) && (s->cr0 & CR0_PG)) {
		/* 64-bit mode: PAE and LMA are on, CR3 is a legal address. */
		if (!(s->cr4 & CR4_PAE) || !(s->efer & EFER_LMA_))
			return false;
		if (maxphyaddr < 64 && s->cr3 >> maxphyaddr)
			return false;
	} else if ((s->efer & EFER_LMA_) || s->cs_l) {
		/* Not 64-bit mode: no LMA, no 64-bit code segment. */
		return false;
	}
	if (s->cr4 & ~cr4_allowed)
		return false;
	if (s->cr0 >> 32)
		return false;
	if ((s->cr0 & CR0_NW) && !(s->cr0 & CR0_CD))
		return false;
	if ((s->cr0 & CR0_PG) && !(s->cr0 & CR0_PE))
		return false;
	return true;
}

bool thinvm_cr4_write_valid(u64 old, u64 val, u64 cr3, bool lma,
			    u64 cr4_allowed)
{
	if (val & ~cr4_allowed)
		return false;
	if (lma && (!(val & CR4_PAE) || ((val ^ old) & CR4_LA57)))
		return false;
	if ((val & CR4_PCIDE) && !(old & CR4_PCIDE) && (!lma || (cr3 & CR3_PCID)))
		return false;
	return true;
}

bool thinvm_cr4_write_flushes(u64 old, u64 val)
{
	return (old ^ val) & (CR4_PSE | CR4_PAE | CR4_PGE | CR4_LA57 |
			      CR4_PCIDE | CR4_SMEP | CR4_SMAP | CR4_PKE);
}
