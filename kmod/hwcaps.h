/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which hardware virtualization a CPU offers, and whether it is enough for
 * thinvm: SVM with nested paging on AMD, VMX with EPT and unrestricted guest
 * on Intel. The register values are read by the backends; the decisions are
 * here, as plain C, so that the unit tests cover every refusal.
 */
#ifndef THINVM_HWCAPS_H
#define THINVM_HWCAPS_H

#include "portable.h"

enum thinvm_vendor {
	THINVM_VENDOR_NONE,
	THINVM_VENDOR_SVM,
	THINVM_VENDOR_VMX,
};

/* CPUID.1:ECX and CPUID.0x80000001:ECX (0 if the leaf does not exist). */
enum thinvm_vendor thinvm_pick_vendor(u32 leaf1_ecx, u32 ext1_ecx);

struct thinvm_svm_caps {
	u32 ext_max_leaf;	/* CPUID.0x80000000:EAX */
	u32 ext1_ecx;		/* CPUID.0x80000001:ECX */
	u32 svm_edx;		/* CPUID.0x8000000A:EDX */
	u64 vm_cr;		/* MSR VM_CR (0xc0010114) */
};

/*
 * The MSRs are only read as far as the CPU says they exist; unread ones are
 * left zero, which the checks below report as the first thing missing.
 */
struct thinvm_vmx_caps {
	u32 leaf1_ecx;		/* CPUID.1:ECX */
	u64 feature_control;	/* IA32_FEATURE_CONTROL */
	u64 basic;		/* IA32_VMX_BASIC */
	u64 procbased;		/* IA32_VMX_PROCBASED_CTLS (allowed-1 in 63:32) */
	u64 procbased2;		/* IA32_VMX_PROCBASED_CTLS2 (allowed-1 in 63:32) */
	u64 ept_vpid_cap;	/* IA32_VMX_EPT_VPID_CAP */
};

/*
 * NULL when the CPU can run thinvm, else a sentence naming the first missing
 * feature, for the load-time pr_err.
 */
const char *thinvm_svm_missing(const struct thinvm_svm_caps *caps);
const char *thinvm_vmx_missing(const struct thinvm_vmx_caps *caps);

/* The VMCS revision identifier VMXON and VMPTRLD regions must start with. */
static inline u32 thinvm_vmx_revision(u64 basic)
{
	return (u32)basic & 0x7fffffffu;
}

#endif
