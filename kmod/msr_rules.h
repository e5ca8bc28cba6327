/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Value checks for the MSRs thinvm emulates, as KVM makes them
 * (arch/x86/kvm/x86.c: kvm_set_msr_common, set_efer, kvm_set_apic_base,
 * kvm_pat_valid). Plain C, for the unit tests.
 */
#ifndef THINVM_MSR_RULES_H
#define THINVM_MSR_RULES_H

#include "portable.h"

#define THINVM_EFER_SCE		BIT_ULL(0)
#define THINVM_EFER_LME		BIT_ULL(8)
#define THINVM_EFER_LMA		BIT_ULL(10)
#define THINVM_EFER_NX		BIT_ULL(11)

/* What the guest's CPUID and the host allow; grows with KVM_SET_CPUID2. */
struct thinvm_msr_env {
	bool guest_lm;		/* CPUID 0x80000001.EDX.LM */
	bool guest_nx;		/* CPUID 0x80000001.EDX.NX */
	bool guest_x2apic;	/* CPUID 1.ECX.X2APIC */
	unsigned int maxphyaddr;
	unsigned int virt_addr_bits;	/* 48, or 57 with CR4.LA57 */
	bool paging;		/* CR0.PG */
};

/* Every byte a memory type PAT can hold: UC, WC, WT, WP, WB, UC-. */
bool thinvm_pat_valid(u64 pat);

bool thinvm_is_canonical(u64 addr, unsigned int bits);
u64 thinvm_canonicalize(u64 addr, unsigned int bits);

/*
 * The EFER a write of @val leaves (LMA is the CPU's, never the writer's), or
 * false when it must fail: reserved bits, and for the guest (not @host)
 * LME/NX without the CPUID bit, or LME toggled while paging is on.
 */
bool thinvm_efer_write(const struct thinvm_msr_env *env, u64 old, u64 val,
		       bool host, u64 *result);

/* Whether APIC_BASE may change from @old to @val. */
bool thinvm_apic_base_valid(const struct thinvm_msr_env *env, u64 old,
			    u64 val, bool host);

#endif
