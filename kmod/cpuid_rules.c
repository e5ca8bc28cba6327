// SPDX-License-Identifier: GPL-2.0
#include "cpuid_rules.h"
#include "xsave_rules.h"

enum { EAX, EBX, ECX, EDX };

#define KNOWN_CPUID_FLAGS (KVM_CPUID_FLAG_SIGNIFCANT_INDEX |		\
			   KVM_CPUID_FLAG_STATEFUL_FUNC |		\
			   KVM_CPUID_FLAG_STATE_READ_NEXT)

/*
 * What thinvm offers, by feature word: a host feature the guest can use
 * with nothing from the hypervisor but nested paging, and XSAVE with the
 * x87, SSE and AVX state (XCR0 is switched at entry: xsave.c), with what
 * needs no more than that (AVX, AVX2, FMA, F16C). Left out, and why: the
 * other XSAVE components and what needs them (AVX-512, PKU, MPX, AMX:
 * their state or MSRs are not switched), XSAVES (IA32_XSS is not
 * emulated), XSAVEC (the compacted size would have to follow XCR0 too,
 * and no VMM needs it); MTRR and MCA, whose MSRs are not emulated;
 * X2APIC, TSC-deadline and the APIC timer bits (no in-kernel APIC); RDTSCP
 * and RDPID (TSC_AUX is not switched); MONITOR/MWAIT (they are no-ops);
 * PDCM, PERFCTR_CORE, the speculation controls and TSX (their MSRs are not
 * emulated); VMX, SVM (no nesting).
 */
#define LEAF1_EDX (BIT(0) /* FPU */ | BIT(1) /* VME */ | BIT(2) /* DE */ | \
		   BIT(3) /* PSE */ | BIT(4) /* TSC */ | BIT(5) /* MSR */ | \
		   BIT(6) /* PAE */ | BIT(7) /* MCE */ | BIT(8) /* CX8 */ | \
		   BIT(9) /* APIC */ | BIT(11) /* SEP */ | BIT(13) /* PGE */ | \
		   BIT(15) /* CMOV */ | BIT(16) /* PAT */ | BIT(17) /* PSE36 */ | \
		   BIT(19) /* CLFLUSH */ | BIT(23) /* MMX */ | BIT(24) /* FXSR */ | \
		   BIT(25) /* SSE */ | BIT(26) /* SSE2 */ | BIT(27) /* SS */)
#define LEAF1_ECX (BIT(0) /* SSE3 */ | BIT(1) /* PCLMULQDQ */ | \
		   BIT(9) /* SSSE3 */ | BIT(13) /* CX16 */ | BIT(17) /* PCID */ | \
		   BIT(19) /* SSE4.1 */ | BIT(20) /* SSE4.2 */ | \
		   BIT(22) /* MOVBE */ | BIT(23) /* POPCNT */ | BIT(25) /* AES */ | \
		   BIT(30) /* RDRAND */)
#define LEAF7_EBX (BIT(0) /* FSGSBASE */ | BIT(3) /* BMI1 */ | \
		   BIT(7) /* SMEP */ | BIT(8) /* BMI2 */ | BIT(9) /* ERMS */ | \
		   BIT(10) /* INVPCID */ | BIT(18) /* RDSEED */ | BIT(19) /* ADX */ | \
		   BIT(20) /* SMAP */ | BIT(23) /* CLFLUSHOPT */ | \
		   BIT(24) /* CLWB */ | BIT(29) /* SHA */)
#define LEAF7_ECX (BIT(2) /* UMIP */ | BIT(8) /* GFNI */ | BIT(16) /* LA57 */ | \
		   BIT(25) /* CLDEMOTE */ | BIT(27) /* MOVDIRI */ | \
		   BIT(28) /* MOVDIR64B */)
#define LEAF7_EDX (BIT(4) /* FSRM */)
/* Offered only with the AVX state in XCR0. */
#define LEAF1_ECX_AVX_GROUP (BIT(12) /* FMA */ | BIT(28) /* AVX */ | BIT(29) /* F16C */)
#define LEAF7_EBX_AVX_GROUP (BIT(5) /* AVX2 */)
#define LEAFD1_EAX (BIT(0) /* XSAVEOPT */ | BIT(2) /* XGETBV with ECX=1 */)
/* The state components offered, where the host has them. */
#define XCR0_OFFERED (THINVM_XFEATURE_X87 | THINVM_XFEATURE_SSE | THINVM_XFEATURE_YMM)
#define EXT1_ECX (BIT(0) /* LAHF_LM */ | BIT(5) /* ABM */ | BIT(6) /* SSE4A */ | \
		  BIT(7) /* MISALIGNSSE */ | BIT(8) /* 3DNOWPREFETCH */ | \
		  BIT(21) /* TBM */)
/* AMD repeats leaf 1's EDX here; the same are left out. */
#define EXT1_EDX ((LEAF1_EDX & 0x0183ffff) | BIT(11) /* SYSCALL */ | \
		  BIT(20) /* NX */ | BIT(22) /* MMXEXT */ | BIT(25) /* FXSR_OPT */ | \
		  BIT(26) /* GBPAGES */ | BIT(29) /* LM */ | BIT(30) /* 3DNOWEXT */ | \
		  BIT(31) /* 3DNOW */)
#define EXT7_EDX (BIT(8) /* invariant TSC: the guest's is the host's */)

#define LEAF1_EBX_CLFLUSH_SIZE 0x0000ff00u
#define LEAF1_ECX_VMX		BIT(5)
#define LEAF1_ECX_X2APIC	BIT(21)
#define LEAF1_ECX_XSAVE		BIT(26)
#define LEAF1_ECX_OSXSAVE	BIT(27)
#define LEAF1_EDX_APIC		BIT(9)
#define LEAF7_ECX_OSPKE		BIT(4)
#define EXT1_EDX_NX		BIT(20)
#define EXT1_EDX_LM		BIT(29)

/* KVM's own leaves: its signature, so KVM guests find the hypercall ABI. */
#define KVM_SIG_EBX 0x4b4d564b	/* "KVMK" */
#define KVM_SIG_ECX 0x564b4d56	/* "VMKV" */
#define KVM_SIG_EDX 0x0000004d	/* "M\0\0\0" */

/* Hyper-V's interface signature, "Hv#1" (HYPERV_CPUID_SIGNATURE_EAX). */
#define HV_INTERFACE_EAX 0x31237648
#define HV_EVMCS_PERF_GLOBAL_CTRL BIT(0)	/* 0x4000000A.EBX */

/* Vendors for which KVM returns zeros past a class's range. */
#define AMD_EBX 0x68747541	/* "Auth" */
#define AMD_EDX 0x69746e65	/* "enti" */
#define AMD_ECX 0x444d4163	/* "cAMD" */
#define HYGON_EBX 0x6f677948	/* "Hygo" */
#define HYGON_EDX 0x6e65476e	/* "nGen" */
#define HYGON_ECX 0x656e6975	/* "uine" */

/* CR4 bits and the CPUID feature each needs (SDM 2.5, KVM's
 * __cr4_reserved_bits). The bits below 11 need none. */
#define CR4_ALWAYS	0x7ffull
#define CR4_UMIP	BIT_ULL(11)
#define CR4_LA57	BIT_ULL(12)
#define CR4_FSGSBASE	BIT_ULL(16)
#define CR4_PCIDE	BIT_ULL(17)
#define CR4_OSXSAVE	BIT_ULL(18)
#define CR4_SMEP	BIT_ULL(20)
#define CR4_SMAP	BIT_ULL(21)
#define CR4_PKE		BIT_ULL(22)

#define XSAVE_LEGACY_AND_HEADER 576	/* x87/SSE area and XSAVE header */

static unsigned int min_u(unsigned int a, unsigned int b)
{
	return a < b ? a : b;
}

/* A table being filled; past its end, entries go to a scratch one. */
struct table {
	struct kvm_cpuid_entry2 *e;
	unsigned int n, max;
	bool overflow;
	struct kvm_cpuid_entry2 scratch;
};

static struct kvm_cpuid_entry2 *add(struct table *t, u32 function, u32 index,
				    u32 flags)
{
	struct kvm_cpuid_entry2 *e = &t->scratch;

	if (t->n < t->max)
		e = &t->e[t->n++];
	else
		t->overflow = true;
	*e = (struct kvm_cpuid_entry2){
		.function = function, .index = index, .flags = flags,
	};
	return e;
}

static struct kvm_cpuid_entry2 *add_host(struct table *t, thinvm_host_cpuid host,
					 u32 function, u32 index, u32 flags)
{
	struct kvm_cpuid_entry2 *e = add(t, function, index, flags);
	u32 r[4];

	host(function, index, r);
	e->eax = r[EAX];
	e->ebx = r[EBX];
	e->ecx = r[ECX];
	e->edx = r[EDX];
	return e;
}

/*
 * The state components to offer: those thinvm switches that the host's
 * XCR0 enables, if the host has XSAVE and leaf 0xD describes them.
 */
static u64 xcr0_to_offer(thinvm_host_cpuid host, u64 host_xcr0)
{
	u32 r[4];

	host(0, 0, r);
	if (r[EAX] < 0xd)
		return 0;
	host(1, 0, r);
	if (!(r[ECX] & LEAF1_ECX_XSAVE))
		return 0;
	host(0xd, 0, r);
	return host_xcr0 & XCR0_OFFERED & (r[EAX] | (u64)r[EDX] << 32);
}

/* The XSAVE area size (standard format) for the components in @xcr0. */
static u32 xsave_size(const struct kvm_cpuid_entry2 *e, unsigned int n, u64 xcr0)
{
	u32 size = XSAVE_LEGACY_AND_HEADER;
	unsigned int i;

	for (i = 2; i < 64; i++) {
		const struct kvm_cpuid_entry2 *c;

		if (!(xcr0 & BIT_ULL(i)))
			continue;
		c = thinvm_cpuid_find(e, n, 0xd, i);
		if (c && c->ebx + c->eax > size)
			size = c->ebx + c->eax;
	}
	return size;
}

/* Leaf 0xD: subleaf 0 the components, 1 the instructions, then each one. */
static void add_xsave_leaf(struct table *t, thinvm_host_cpuid host, u64 xcr0)
{
	struct kvm_cpuid_entry2 *e, *first;
	unsigned int i;

	first = add_host(t, host, 0xd, 0, KVM_CPUID_FLAG_SIGNIFCANT_INDEX);
	first->eax = (u32)xcr0;
	first->edx = xcr0 >> 32;
	e = add_host(t, host, 0xd, 1, KVM_CPUID_FLAG_SIGNIFCANT_INDEX);
	e->eax &= LEAFD1_EAX;
	e->ebx = e->ecx = e->edx = 0;
	for (i = 2; i < 64; i++) {
		if (!(xcr0 & BIT_ULL(i)))
			continue;
		e = add_host(t, host, 0xd, i, KVM_CPUID_FLAG_SIGNIFCANT_INDEX);
		e->edx = 0;
	}
	/* As KVM: both sizes for everything offered; EBX then follows XCR0. */
	first->ebx = first->ecx = xsave_size(t->e, t->n, xcr0);
}

int thinvm_cpuid_supported(thinvm_host_cpuid host, unsigned int max_gpa_bits,
			   u64 host_xcr0, struct kvm_cpuid_entry2 *out,
			   unsigned int max)
{
	struct table t = { .e = out, .max = max };
	u64 xcr0 = xcr0_to_offer(host, host_xcr0);
	struct kvm_cpuid_entry2 *e;
	u32 r[4], max_basic, max_ext, fn;

	host(0, 0, r);
	max_basic = min_u(r[EAX], xcr0 ? 0xd : 7);
	e = add_host(&t, host, 0, 0, 0);
	e->eax = max_basic;

	if (max_basic >= 1) {
		e = add_host(&t, host, 1, 0, 0);
		/* The APIC id and logical processor count are the VMM's. */
		e->ebx &= LEAF1_EBX_CLFLUSH_SIZE;
		e->ecx &= LEAF1_ECX | (xcr0 ? LEAF1_ECX_XSAVE : 0) |
			  (xcr0 & THINVM_XFEATURE_YMM ? LEAF1_ECX_AVX_GROUP : 0);
		e->edx &= LEAF1_EDX;
	}
	if (max_basic >= 7) {
		e = add_host(&t, host, 7, 0, KVM_CPUID_FLAG_SIGNIFCANT_INDEX);
		e->eax = 0;	/* subleaf 0 only */
		e->ebx &= LEAF7_EBX |
			  (xcr0 & THINVM_XFEATURE_YMM ? LEAF7_EBX_AVX_GROUP : 0);
		e->ecx &= LEAF7_ECX;
		e->edx &= LEAF7_EDX;
	}
	if (xcr0)
		add_xsave_leaf(&t, host, xcr0);

	e = add(&t, 0x40000000, 0, 0);
	e->eax = 0x40000001;
	e->ebx = KVM_SIG_EBX;
	e->ecx = KVM_SIG_ECX;
	e->edx = KVM_SIG_EDX;
	/* No KVM paravirtual feature is implemented: all of 0x40000001 is 0. */
	add(&t, 0x40000001, 0, 0);

	host(0x80000000, 0, r);
	max_ext = r[EAX] >= 0x80000000 ? min_u(r[EAX], 0x80000008) : 0;
	if (max_ext) {
		e = add_host(&t, host, 0x80000000, 0, 0);
		e->eax = max_ext;
	}
	for (fn = 0x80000001; fn <= max_ext; fn++) {
		e = add_host(&t, host, fn, 0, 0);
		switch (fn) {
		case 0x80000001:
			e->ebx = 0;
			e->ecx &= EXT1_ECX;
			e->edx &= EXT1_EDX;
			break;
		case 0x80000002: case 0x80000003: case 0x80000004:
			break;	/* the brand string */
		case 0x80000005: case 0x80000006:
			break;	/* cache and TLB descriptions */
		case 0x80000007:
			e->eax = e->ebx = e->ecx = 0;
			e->edx &= EXT7_EDX;
			break;
		case 0x80000008:
			/* Guest-physical addresses end where nested paging does. */
			e->eax = min_u(e->eax & 0xff, max_gpa_bits) |
				 (e->eax & 0xff00);
			e->ebx = e->ecx = e->edx = 0;
			break;
		}
	}
	return t.overflow ? -E2BIG : (int)t.n;
}

int thinvm_cpuid_add_svm_leaf(struct kvm_cpuid_entry2 *e, unsigned int n,
			      unsigned int max, u32 edx)
{
	struct kvm_cpuid_entry2 *ext0;
	struct table t = { .e = e, .n = n, .max = max };

	ext0 = (struct kvm_cpuid_entry2 *)thinvm_cpuid_find(e, n, 0x80000000, 0);
	/* Only a table whose extended range reaches 0x80000008 grows. */
	if (!ext0 || ext0->eax != 0x80000008)
		return n;
	add(&t, 0x80000009, 0, 0);
	add(&t, 0x8000000a, 0, 0)->edx = edx;
	if (t.overflow)
		return -E2BIG;
	ext0->eax = 0x8000000a;
	return t.n;
}

void thinvm_cpuid_hide_svm(struct kvm_cpuid_entry2 *e, unsigned int n,
			   u32 edx_bits)
{
	struct kvm_cpuid_entry2 *svm;

	svm = (struct kvm_cpuid_entry2 *)thinvm_cpuid_find(e, n, 0x8000000a, 0);
	if (svm)
		svm->edx &= ~edx_bits;
}

int thinvm_hv_cpuid(u32 vcpu_limit, struct kvm_cpuid_entry2 *out,
		    unsigned int max)
{
	struct table t = { .e = out, .max = max };
	struct kvm_cpuid_entry2 *e;

	e = add(&t, 0x40000000, 0, 0);
	e->eax = 0x40000005;		/* the highest Hyper-V leaf given */
	e->ebx = 0x756e694c;		/* "Linux KVM Hv", as KVM signs it */
	e->ecx = 0x564b2078;
	e->edx = 0x7648204d;
	add(&t, 0x40000001, 0, 0)->eax = HV_INTERFACE_EAX;
	e = add(&t, 0x40000002, 0, 0);	/* the version KVM reports */
	e->eax = 0x00003839;
	e->ebx = 0x000a0000;
	add(&t, 0x40000003, 0, 0);	/* no partition privileges or features */
	add(&t, 0x40000004, 0, 0);	/* no recommendations */
	e = add(&t, 0x40000005, 0, 0);
	e->eax = vcpu_limit;		/* virtual processors */
	e->ebx = 64;			/* logical processors, as KVM */
	return t.overflow ? -E2BIG : (int)t.n;
}

const struct kvm_cpuid_entry2 *
thinvm_cpuid_find(const struct kvm_cpuid_entry2 *e, unsigned int n,
		  u32 function, u32 index)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (e[i].function == function &&
		    (!(e[i].flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) ||
		     e[i].index == index))
			return &e[i];
	return NULL;
}

static bool vendor_is(const struct kvm_cpuid_entry2 *basic, u32 ebx, u32 ecx,
		      u32 edx)
{
	return basic->ebx == ebx && basic->ecx == ecx && basic->edx == edx;
}

/*
 * Intel CPUs answer a leaf past its class's maximum with the highest basic
 * leaf (keeping the subleaf); KVM does so for every guest that does not say
 * it is AMD or Hygon, whose CPUs answer zeros.
 */
static const struct kvm_cpuid_entry2 *
out_of_range(const struct kvm_cpuid_entry2 *e, unsigned int n, u32 function,
	     u32 index, u32 *effective)
{
	const struct kvm_cpuid_entry2 *basic = thinvm_cpuid_find(e, n, 0, 0);
	const struct kvm_cpuid_entry2 *class;

	if (!basic || vendor_is(basic, AMD_EBX, AMD_ECX, AMD_EDX) ||
	    vendor_is(basic, HYGON_EBX, HYGON_ECX, HYGON_EDX))
		return NULL;
	if (function >= 0x40000000 && function <= 0x4fffffff)
		class = thinvm_cpuid_find(e, n, function & 0xffffff00, 0);
	else if (function >= 0xc0000000)
		class = thinvm_cpuid_find(e, n, 0xc0000000, 0);
	else
		class = thinvm_cpuid_find(e, n, function & 0x80000000, 0);
	if (class && function <= class->eax)
		return NULL;
	*effective = basic->eax;
	return thinvm_cpuid_find(e, n, basic->eax, index);
}

void thinvm_cpuid_query(const struct kvm_cpuid_entry2 *e, unsigned int n,
			u32 function, u32 index, u32 out[4])
{
	const struct kvm_cpuid_entry2 *entry;
	u32 effective = function;

	entry = thinvm_cpuid_find(e, n, function, index);
	if (!entry)
		entry = out_of_range(e, n, function, index, &effective);
	if (entry) {
		out[EAX] = entry->eax;
		out[EBX] = entry->ebx;
		out[ECX] = entry->ecx;
		out[EDX] = entry->edx;
		return;
	}
	out[EAX] = out[EBX] = out[ECX] = out[EDX] = 0;
	/*
	 * Topology leaves (0xB, 0x1F) that exist echo the subleaf in CL and
	 * give the x2APIC id in EDX even for subleaves past the last, which
	 * subleaf 1 exists for exactly when the leaf does.
	 */
	if (effective == 0xb || effective == 0x1f) {
		entry = thinvm_cpuid_find(e, n, effective, 1);
		if (entry) {
			out[ECX] = index & 0xff;
			out[EDX] = entry->edx;
		}
	}
}

bool thinvm_cpuid_table_valid(const struct kvm_cpuid_entry2 *e,
			      unsigned int n)
{
	const struct kvm_cpuid_entry2 *ext8;
	unsigned int i, j, vaddr_bits;

	for (i = 0; i < n; i++) {
		if (e[i].flags & ~KNOWN_CPUID_FLAGS)
			return false;
		for (j = 0; j < sizeof(e[i].padding) / sizeof(e[i].padding[0]); j++)
			if (e[i].padding[j])
				return false;
	}
	/* Canonical-address checks know 48 and 57 bits only (as KVM). */
	ext8 = thinvm_cpuid_find(e, n, 0x80000008, 0);
	if (ext8) {
		vaddr_bits = (ext8->eax >> 8) & 0xff;
		if (vaddr_bits != 0 && vaddr_bits != 48 && vaddr_bits != 57)
			return false;
	}
	return true;
}

static u32 reg_of(const struct kvm_cpuid_entry2 *e, unsigned int n,
		  u32 function, u32 index, int reg)
{
	const struct kvm_cpuid_entry2 *entry;

	entry = thinvm_cpuid_find(e, n, function, index);
	if (!entry)
		return 0;
	switch (reg) {
	case EAX: return entry->eax;
	case EBX: return entry->ebx;
	case ECX: return entry->ecx;
	default: return entry->edx;
	}
}

/*
 * KVM's feature leaf, found as KVM finds it (kvm_get_hypervisor_cpuid): the
 * first hypervisor base, 0x40000000 to 0x4000ff00 in steps of 0x100, whose
 * signature is "KVMKVMKVM\0\0\0"; the features are EAX of base + 1.
 */
static u32 kvm_features(const struct kvm_cpuid_entry2 *e, unsigned int n)
{
	/* "KVMK", "VMKV", "M\0\0\0" as EBX, ECX, EDX read them. */
	static const u32 sig[3] = { 0x4b4d564b, 0x564b4d56, 0x0000004d };
	const struct kvm_cpuid_entry2 *base, *features;
	u32 function;

	for (function = 0x40000000; function < 0x40010000; function += 0x100) {
		base = thinvm_cpuid_find(e, n, function, 0);
		if (!base || base->ebx != sig[0] || base->ecx != sig[1] ||
		    base->edx != sig[2])
			continue;
		features = thinvm_cpuid_find(e, n, function + 1, 0);
		return features ? features->eax : 0;
	}
	return 0;
}

void thinvm_cpuid_guest_cpu(const struct kvm_cpuid_entry2 *e, unsigned int n,
			    struct thinvm_guest_cpu *g)
{
	const struct kvm_cpuid_entry2 *leaf1 = thinvm_cpuid_find(e, n, 1, 0);
	u32 l1_ecx = reg_of(e, n, 1, 0, ECX);
	u32 l7_ebx = reg_of(e, n, 7, 0, EBX);
	u32 l7_ecx = reg_of(e, n, 7, 0, ECX);
	u32 x1_edx = reg_of(e, n, 0x80000001, 0, EDX);
	u32 max_ext = reg_of(e, n, 0x80000000, 0, EAX);
	const struct kvm_cpuid_entry2 *ext8 = thinvm_cpuid_find(e, n, 0x80000008, 0);
	u64 cr4 = CR4_ALWAYS;

	if (l7_ecx & BIT(2))
		cr4 |= CR4_UMIP;
	if (l7_ecx & BIT(16))
		cr4 |= CR4_LA57;
	if (l7_ebx & BIT(0))
		cr4 |= CR4_FSGSBASE;
	if (l1_ecx & BIT(17))
		cr4 |= CR4_PCIDE;
	if (l1_ecx & BIT(26))
		cr4 |= CR4_OSXSAVE;
	if (l7_ebx & BIT(7))
		cr4 |= CR4_SMEP;
	if (l7_ebx & BIT(20))
		cr4 |= CR4_SMAP;
	if (l7_ecx & BIT(3))
		cr4 |= CR4_PKE;

	*g = (struct thinvm_guest_cpu){
		.kvm_features = kvm_features(e, n),
		.vmx = l1_ecx & LEAF1_ECX_VMX,
		.hyperv = reg_of(e, n, 0x40000001, 0, EAX) == HV_INTERFACE_EAX,
		.hv_evmcs_perf_global_ctrl = reg_of(e, n, 0x4000000a, 0, EBX) &
					     HV_EVMCS_PERF_GLOBAL_CTRL,
		.svm_edx = reg_of(e, n, 0x8000000a, 0, EDX),
		.lm = x1_edx & EXT1_EDX_LM,
		.nx = x1_edx & EXT1_EDX_NX,
		.x2apic = l1_ecx & LEAF1_ECX_X2APIC,
		.xcr0_allowed = l1_ecx & LEAF1_ECX_XSAVE ?
				(reg_of(e, n, 0xd, 0, EAX) |
				 (u64)reg_of(e, n, 0xd, 0, EDX) << 32) : 0,
		.cr4_allowed = cr4,
		/* As KVM: 0x80000008 counts only if 0x80000000 reaches it. */
		.maxphyaddr = max_ext >= 0x80000008 && ext8 ?
			      (ext8->eax & 0xff) : 36,
		/* As KVM, the family/model/stepping KVM gives without CPUID. */
		.signature = leaf1 ? leaf1->eax : 0x600,
	};
}

static void set_bit_to(u32 *reg, u32 bit, bool on)
{
	if (on)
		*reg |= bit;
	else
		*reg &= ~bit;
}

void thinvm_cpuid_update_runtime(struct kvm_cpuid_entry2 *e, unsigned int n,
				 bool apic_enabled, u64 cr4, u64 xcr0)
{
	struct kvm_cpuid_entry2 *entry;

	entry = (struct kvm_cpuid_entry2 *)thinvm_cpuid_find(e, n, 1, 0);
	if (entry) {
		set_bit_to(&entry->ecx, LEAF1_ECX_OSXSAVE, cr4 & CR4_OSXSAVE);
		set_bit_to(&entry->edx, LEAF1_EDX_APIC, apic_enabled);
	}
	entry = (struct kvm_cpuid_entry2 *)thinvm_cpuid_find(e, n, 7, 0);
	if (entry)
		set_bit_to(&entry->ecx, LEAF7_ECX_OSPKE, cr4 & CR4_PKE);
	entry = (struct kvm_cpuid_entry2 *)thinvm_cpuid_find(e, n, 0xd, 0);
	if (entry)
		entry->ebx = xsave_size(e, n, xcr0);
}
