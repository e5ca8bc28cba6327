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
 * page tables reach (48 with 4 levels, 52 with 5). Returns how many entries,
 * or -E2BIG when @max is too small.
 */
int thinvm_cpuid_supported(thinvm_host_cpuid host, unsigned int max_gpa_bits,
			   struct kvm_cpuid_entry2 *out, unsigned int max);

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
	unsigned int maxphyaddr;	/* 0x80000008 EAX[7:0], else 36 */
	u32 signature;		/* 1 EAX, what RDX holds after INIT */
	/*
	 * EAX of KVM's feature leaf (KVM_FEATURE_* bits), 0 without one: what
	 * KVM_CAP_ENFORCE_PV_FEATURE_CPUID checks hypercalls against.
	 */
	u32 kvm_features;
};

void thinvm_cpuid_guest_cpu(const struct kvm_cpuid_entry2 *e, unsigned int n,
			    struct thinvm_guest_cpu *g);

/*
 * The bits that follow the vCPU's state, as KVM keeps them up to date in
 * the table: 1 EDX.APIC (APIC_BASE enabled), 1 ECX.OSXSAVE (CR4.OSXSAVE),
 * 7 ECX.OSPKE (CR4.PKE), and 0xD EBX (the XSAVE area size for the guest's
 * XCR0, which is x87 only: thinvm does not offer XSAVE).
 */
void thinvm_cpuid_update_runtime(struct kvm_cpuid_entry2 *e, unsigned int n,
				 bool apic_enabled, u64 cr4);

#endif
