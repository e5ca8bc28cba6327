/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPUID tables: what thinvm can offer a guest (KVM_GET_SUPPORTED_CPUID),
 * what a guest's CPUID instruction reads from the table its VMM set
 * (KVM_SET_CPUID2), and what that table allows the guest (long mode, NX,
 * CR4 bits, physical address width). Lookup and fallback follow KVM's
 * (arch/x86/kvm/cpuid.c: kvm_cpuid, get_out_of_range_cpuid_entry), so a
 * guest reads the same values on both. Plain C, for the unit tests.
 */
#ifndef THINVM_CPUID_RULES_H
#define THINVM_CPUID_RULES_H

#include <linux/kvm.h>

#include "portable.h"

/* As KVM: the most entries a CPUID table may have. */
#define THINVM_MAX_CPUID_ENTRIES 256

/*
 * The host's CPUID as the kernel sees it: @out is EAX, EBX, ECX, EDX for
 * leaf @function, subleaf @index. In the module, feature words the kernel
 * turned off are masked (boot_cpu_data).
 */
typedef void (*thinvm_host_cpuid)(u32 function, u32 index, u32 out[4]);

/*
 * Fill @out (room for @max entries) with what thinvm offers: the host's
 * features that run natively under nested paging with nothing more from the
 * hypervisor, and its identity leaves. @max_gpa_bits is how far the nested
 * page tables reach (48 with 4 levels, 52 with 5); @host_xcr0 is the host's
 * XCR0 (0 without XSAVE), which bounds the XSAVE state offered. Returns how
 * many entries, or -E2BIG when @max is too small.
 */
int thinvm_cpuid_supported(thinvm_host_cpuid host, unsigned int max_gpa_bits,
			   u64 host_xcr0, struct kvm_cpuid_entry2 *out,
			   unsigned int max);

/*
 * On an SVM host, describe the named SVM features offered (@edx, CPUID
 * 0x8000000A.EDX bits) in leaf 0x8000000A of a table from
 * thinvm_cpuid_supported() with @n entries: 0x80000009 and 0x8000000A are
 * added (room for @max) and 0x80000000.EAX reaches them. thinvm runs no
 * nested guests, so 0x80000001.ECX.SVM stays clear: the leaf describes,
 * for hosts to compare, rather than promises. Returns the new count, or
 * -E2BIG.
 */
int thinvm_cpuid_add_svm_leaf(struct kvm_cpuid_entry2 *e, unsigned int n,
			      unsigned int max, u32 edx);

/* Clear @edx_bits from leaf 0x8000000A.EDX of a table, if it has one. */
void thinvm_cpuid_hide_svm(struct kvm_cpuid_entry2 *e, unsigned int n,
			   u32 edx_bits);

/*
 * KVM_GET_SUPPORTED_HV_CPUID: the Hyper-V leaves, laid out as KVM lays
 * them (arch/x86/kvm/hyperv.c, kvm_get_hv_cpuid), 0x40000000 to 0x40000005.
 * thinvm implements no Hyper-V enlightenment, so the feature and
 * recommendation leaves are zero; HYPERV_CPUID_IMPLEMENT_LIMITS (0x40000005)
 * reports @vcpu_limit, the most vCPUs a VM with Hyper-V may have
 * (shared/seeds/000). Returns the count, or -E2BIG past @max.
 */
#define THINVM_HV_CPUID_LEAVES 6
int thinvm_hv_cpuid(u32 vcpu_limit, struct kvm_cpuid_entry2 *out,
		    unsigned int max);

/* The entry for (@function, @index), the index only where it matters. */
const struct kvm_cpuid_entry2 *
thinvm_cpuid_find(const struct kvm_cpuid_entry2 *e, unsigned int n,
		  u32 function, u32 index);

/*
 * What the guest's CPUID instruction returns for leaf @function, subleaf
 * @index: the entry, else (for a guest that does not say it is AMD or
 * Hygon) the highest basic leaf when @function is past its range, else 0.
 */
void thinvm_cpuid_query(const struct kvm_cpuid_entry2 *e, unsigned int n,
			u32 function, u32 index, u32 out[4]);

/*
 * Whether a table from KVM_SET_CPUID2 is acceptable: known flags, zero
 * padding, a virtual address width (0x80000008 EAX[15:8]) of 0, 48 or 57.
 */
bool thinvm_cpuid_table_valid(const struct kvm_cpuid_entry2 *e,
			      unsigned int n);

/* What a CPUID table allows the guest. */
struct thinvm_guest_cpu {
	bool lm;		/* 0x80000001 EDX.LM */
	bool nx;		/* 0x80000001 EDX.NX */
	bool x2apic;		/* 1 ECX.X2APIC */
	u64 cr4_allowed;	/* CR4 bits the features named allow */
	/* XCR0 bits 0xD.0 EDX:EAX names, with 1 ECX.XSAVE; else 0. */
	u64 xcr0_allowed;
	unsigned int maxphyaddr;	/* 0x80000008 EAX[7:0], else 36 */
	u32 signature;		/* 1 EAX, what RDX holds after INIT */
	/*
	 * EAX of KVM's feature leaf (KVM_FEATURE_* bits), 0 without one: what
	 * KVM_CAP_ENFORCE_PV_FEATURE_CPUID checks hypercalls against.
	 */
	u32 kvm_features;
	bool vmx;		/* 1 ECX.VMX: the guest may read VMX MSRs */
	/*
	 * The Hyper-V interface: "Hv#1" in 0x40000001.EAX, where KVM looks
	 * for it (kvm_cpuid_has_hyperv()).
	 */
	bool hyperv;
	/* 0x4000000A.EBX bit 0: eVMCS has the IA32_PERF_GLOBAL_CTRL fields. */
	bool hv_evmcs_perf_global_ctrl;
	u32 svm_edx;		/* 0x8000000A.EDX: the SVM features it names */
};

void thinvm_cpuid_guest_cpu(const struct kvm_cpuid_entry2 *e, unsigned int n,
			    struct thinvm_guest_cpu *g);

/*
 * The bits that follow the vCPU's state, as KVM keeps them up to date in
 * the table: 1 EDX.APIC (APIC_BASE enabled), 1 ECX.OSXSAVE (CR4.OSXSAVE),
 * 7 ECX.OSPKE (CR4.PKE), and 0xD.0 EBX (the XSAVE area size for @xcr0, from
 * the offsets and sizes of the table's own 0xD subleaves).
 */
void thinvm_cpuid_update_runtime(struct kvm_cpuid_entry2 *e, unsigned int n,
				 bool apic_enabled, u64 cr4, u64 xcr0);

#endif
