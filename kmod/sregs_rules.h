/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which KVM_SET_SREGS states are refused up front with EINVAL, as KVM refuses
 * them (arch/x86/kvm/x86.c, kvm_is_valid_sregs). What passes here and is
 * still illegal for the hardware fails at entry instead (KVM_EXIT_FAIL_ENTRY).
 */
#ifndef THINVM_SREGS_RULES_H
#define THINVM_SREGS_RULES_H

#include "portable.h"

struct thinvm_sregs_view {
	u64 cr0, cr3, cr4, efer;
	bool cs_l;		/* CS.L: a 64-bit code segment */
};

/*
 * @cr4_allowed: the CR4 bits the guest's CPUID allows; @maxphyaddr: its
 * physical address width (36 without a CPUID entry saying otherwise).
 */
bool thinvm_sregs_valid(const struct thinvm_sregs_view *s, u64 cr4_allowed,
			unsigned int maxphyaddr);

/*
 * Whether the guest's MOV to CR4 of @val may replace @old, or raises #GP
 * (SDM "MOV to/from control registers", KVM's kvm_set_cr4): bits its CPUID
 * does not allow, PAE off or LA57 toggled in long mode (@lma), PCIDE turned
 * on outside long mode or with a PCID in CR3.
 */
bool thinvm_cr4_write_valid(u64 old, u64 val, u64 cr3, bool lma,
			    u64 cr4_allowed);

/* Whether that write changes how addresses translate: flush the TLB. */
bool thinvm_cr4_write_flushes(u64 old, u64 val);

/*
 * CR4 bits every x86-64 guest may set, whatever its CPUID says: VME, PVI,
 * TSD, DE, PSE, PAE, MCE, PGE, PCE, OSFXSR, OSXMMEXCPT. The others (PCIDE,
 * OSXSAVE, SMEP, SMAP, FSGSBASE, LA57, UMIP, PKE, VMXE) need a CPUID bit.
 */
#define THINVM_CR4_BASE_BITS 0x7ffull

#endif
