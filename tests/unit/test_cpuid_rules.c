// SPDX-License-Identifier: GPL-2.0
/* CPUID tables (kmod/cpuid_rules.c): what is offered, what a guest reads. */
#include <criterion/criterion.h>
#include <string.h>

#include "cpuid_rules.h"

/* A host that has every feature bit, so only thinvm's masks remain. */
static void host_everything(u32 function, u32 index, u32 out[4])
{
	(void)index;
	out[0] = out[1] = out[2] = out[3] = 0xffffffff;
	if (function == 0) {
		out[0] = 0x10;			/* max basic leaf */
		out[1] = 0x68747541;		/* AuthenticAMD */
		out[3] = 0x69746e65;
		out[2] = 0x444d4163;
	} else if (function == 0x80000000) {
		out[0] = 0x80000021;
	} else if (function == 0x80000008) {
		out[0] = 0x3034;		/* 52 physical, 48 virtual */
	}
}

/* An old host: basic leaves up to 1, no extended leaves. */
static void host_old(u32 function, u32 index, u32 out[4])
{
	(void)index;
	out[0] = out[1] = out[2] = out[3] = 0;
	if (function == 0)
		out[0] = 1;
	else if (function == 1)
		out[3] = 0x1;			/* FPU */
}

static struct kvm_cpuid_entry2 table[THINVM_MAX_CPUID_ENTRIES];

static const struct kvm_cpuid_entry2 *must_find(int n, u32 fn, u32 idx)
{
	const struct kvm_cpuid_entry2 *e = thinvm_cpuid_find(table, n, fn, idx);

	cr_assert(e, "leaf %#x.%u missing", fn, idx);
	return e;
}

Test(cpuid_rules, supported_masks_what_needs_the_hypervisor)
{
	int n = thinvm_cpuid_supported(host_everything, 48, 0, table,
				       THINVM_MAX_CPUID_ENTRIES);
	const struct kvm_cpuid_entry2 *e;

	cr_assert_gt(n, 0);
	cr_expect_eq(must_find(n, 0, 0)->eax, 7, "basic leaves stop at 7 without XSAVE");
	e = must_find(n, 1, 0);
	cr_expect(!(e->ecx & (1u << 26)), "no XSAVE: the host's XCR0 is 0");
	cr_expect(!(e->ecx & (1u << 28)), "no AVX");
	cr_expect(!(e->ecx & (1u << 21)), "no x2APIC");
	cr_expect(!(e->ecx & (1u << 5)), "no VMX");
	cr_expect(!(e->edx & (1u << 12)), "no MTRR");
	cr_expect(e->edx & (1u << 25), "SSE");
	cr_expect_eq(e->ebx, 0xff00, "only the CLFLUSH line size in EBX");
	e = must_find(n, 7, 0);
	cr_expect_eq(e->flags, KVM_CPUID_FLAG_SIGNIFCANT_INDEX);
	cr_expect(!(e->ebx & (1u << 5)), "no AVX2");
	cr_expect(e->ebx & (1u << 7), "SMEP");
	cr_expect(!(e->ecx & (1u << 22)), "no RDPID");
	e = must_find(n, 0x80000001, 0);
	cr_expect(e->edx & (1u << 29), "LM");
	cr_expect(!(e->edx & (1u << 27)), "no RDTSCP");
	cr_expect(!(e->ecx & (1u << 2)), "no SVM");
	cr_expect_eq(must_find(n, 0x80000000, 0)->eax, 0x80000008);
	cr_expect_eq(must_find(n, 0x80000008, 0)->eax, 0x3030,
		     "physical addresses clipped to what 4-level NPT maps");
	e = must_find(n, 0x40000000, 0);
	cr_expect(!memcmp(&e->ebx, "KVMKVMKVM\0\0\0", 12), "KVM signature");
	cr_expect_eq(must_find(n, 0x40000001, 0)->eax, 0, "no PV features");
}

/* A host with XSAVE, AVX, AVX2 and AVX-512 (x87 to Hi16_ZMM in XCR0). */
static void host_avx512(u32 function, u32 index, u32 out[4])
{
	out[0] = out[1] = out[2] = out[3] = 0;
	switch (function) {
	case 0:
		out[0] = 0xd;
		break;
	case 1:
		/* SSE3, FMA, XSAVE, OSXSAVE, AVX, F16C; FPU, SSE. */
		out[2] = BIT(0) | BIT(12) | BIT(26) | BIT(27) | BIT(28) | BIT(29);
		out[3] = BIT(0) | BIT(25);
		break;
	case 7:
		out[1] = BIT(5) | BIT(16);	/* AVX2, AVX512F */
		break;
	case 0xd:
		if (index == 0) {
			out[0] = 0xe7;
			out[1] = out[2] = 2688;
		} else if (index == 1) {
			out[0] = 0xf;		/* XSAVEOPT, XSAVEC, XGETBV1, XSAVES */
			out[1] = 2696;
		} else if (index == 2) {
			out[0] = 256;
			out[1] = 576;
		} else if (index >= 5 && index <= 7) {
			static const u32 size[] = { 64, 512, 1024 }, at[] = { 1088, 1152, 1664 };

			out[0] = size[index - 5];
			out[1] = at[index - 5];
		}
		break;
	}
}

Test(cpuid_rules, supported_offers_xsave_with_the_state_switched)
{
	int n = thinvm_cpuid_supported(host_avx512, 48, 0xe7, table,
				       THINVM_MAX_CPUID_ENTRIES);
	const struct kvm_cpuid_entry2 *e;
	struct thinvm_guest_cpu g;

	cr_assert_gt(n, 0);
	cr_expect_eq(must_find(n, 0, 0)->eax, 0xd);
	e = must_find(n, 1, 0);
	cr_expect_eq(e->ecx, BIT(0) | BIT(12) | BIT(26) | BIT(28) | BIT(29),
		     "SSE3 FMA XSAVE AVX F16C, OSXSAVE left to CR4: %#x", e->ecx);
	cr_expect_eq(must_find(n, 7, 0)->ebx, BIT(5), "AVX2, not AVX-512");
	e = must_find(n, 0xd, 0);
	cr_expect_eq(e->flags, KVM_CPUID_FLAG_SIGNIFCANT_INDEX);
	cr_expect_eq(e->eax, 7, "x87, SSE and AVX only");
	cr_expect_eq(e->edx, 0);
	cr_expect_eq(e->ebx, 832, "the size for all offered");
	cr_expect_eq(e->ecx, 832);
	e = must_find(n, 0xd, 1);
	cr_expect(e->eax == (BIT(0) | BIT(2)) && e->ebx == 0, "XSAVEOPT, XGETBV1: %#x %u",
		  e->eax, e->ebx);
	e = must_find(n, 0xd, 2);
	cr_expect(e->eax == 256 && e->ebx == 576);
	cr_expect_null(thinvm_cpuid_find(table, n, 0xd, 5), "no AVX-512 state");

	thinvm_cpuid_guest_cpu(table, n, &g);
	cr_expect_eq(g.xcr0_allowed, 7);
	cr_expect(g.cr4_allowed & BIT(18), "CR4.OSXSAVE");
	thinvm_cpuid_update_runtime(table, n, true, BIT(18), 7);
	cr_expect_eq(must_find(n, 0xd, 0)->ebx, 832);
	cr_expect(must_find(n, 1, 0)->ecx & BIT(27), "OSXSAVE");
	thinvm_cpuid_update_runtime(table, n, true, BIT(18), 3);
	cr_expect_eq(must_find(n, 0xd, 0)->ebx, 576, "x87 and SSE: the legacy area and header");
	cr_expect_eq(must_find(n, 0xd, 0)->ecx, 832, "ECX does not follow XCR0");
}

Test(cpuid_rules, supported_xsave_is_bounded_by_the_host_xcr0)
{
	int n = thinvm_cpuid_supported(host_avx512, 48, 0x3, table,
				       THINVM_MAX_CPUID_ENTRIES);
	const struct kvm_cpuid_entry2 *e;

	e = must_find(n, 1, 0);
	cr_expect(e->ecx & BIT(26), "XSAVE");
	cr_expect_not(e->ecx & (BIT(12) | BIT(28) | BIT(29)), "no AVX group without its state");
	cr_expect_not(must_find(n, 7, 0)->ebx & BIT(5), "no AVX2");
	e = must_find(n, 0xd, 0);
	cr_expect(e->eax == 3 && e->ebx == 576 && e->ecx == 576);
	cr_expect_null(thinvm_cpuid_find(table, n, 0xd, 2));
}

Test(cpuid_rules, guest_cpu_xcr0_needs_xsave)
{
	struct kvm_cpuid_entry2 e[] = {
		{ .function = 1 },
		{ .function = 0xd, .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .eax = 7, .edx = 1 },
	};
	struct thinvm_guest_cpu g;

	thinvm_cpuid_guest_cpu(e, 2, &g);
	cr_expect_eq(g.xcr0_allowed, 0, "0xD without XSAVE allows nothing");
	cr_expect_not(g.cr4_allowed & BIT(18));
	e[0].ecx = BIT(26);
	thinvm_cpuid_guest_cpu(e, 2, &g);
	cr_expect_eq(g.xcr0_allowed, 0x100000007ull, "EDX is XCR0's high half");
}

Test(cpuid_rules, supported_on_an_old_host)
{
	int n = thinvm_cpuid_supported(host_old, 52, 0, table,
				       THINVM_MAX_CPUID_ENTRIES);

	cr_assert_eq(n, 4, "leaves 0, 1 and the two KVM leaves");
	cr_expect_null(thinvm_cpuid_find(table, n, 7, 0));
	cr_expect_null(thinvm_cpuid_find(table, n, 0x80000000, 0));
	cr_expect_eq(must_find(n, 1, 0)->edx, 1);
}

Test(cpuid_rules, supported_needs_room)
{
	cr_expect_eq(thinvm_cpuid_supported(host_everything, 48, 0, table, 3),
		     -E2BIG);
	cr_expect_eq(thinvm_cpuid_supported(host_old, 48, 0, table, 4), 4);
}

Test(cpuid_rules, find_honours_significant_index)
{
	struct kvm_cpuid_entry2 e[] = {
		{ .function = 7, .index = 1, .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .eax = 71 },
		{ .function = 7, .index = 0, .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .eax = 70 },
		{ .function = 2, .index = 5, .eax = 2 },
	};

	cr_expect_eq(thinvm_cpuid_find(e, 3, 7, 0)->eax, 70);
	cr_expect_eq(thinvm_cpuid_find(e, 3, 7, 1)->eax, 71);
	cr_expect_null(thinvm_cpuid_find(e, 3, 7, 2));
	cr_expect_eq(thinvm_cpuid_find(e, 3, 2, 9)->eax, 2, "index ignored");
}

static void query(const struct kvm_cpuid_entry2 *e, unsigned int n, u32 fn,
		  u32 idx, u32 out[4])
{
	memset(out, 0xaa, 16);
	thinvm_cpuid_query(e, n, fn, idx, out);
}

Test(cpuid_rules, out_of_range_leaves_by_vendor)
{
	struct kvm_cpuid_entry2 intel[] = {
		{ .function = 0, .eax = 4, .ebx = 0x756e6547, .edx = 0x49656e69, .ecx = 0x6c65746e },
		{ .function = 4, .index = 1, .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .eax = 41 },
		{ .function = 0x80000000, .eax = 0x80000001 },
		{ .function = 0x80000001, .edx = 1 << 29 },
	};
	struct kvm_cpuid_entry2 amd[] = {
		{ .function = 0, .eax = 4, .ebx = 0x68747541, .edx = 0x69746e65, .ecx = 0x444d4163 },
		{ .function = 4, .index = 1, .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .eax = 41 },
	};
	u32 r[4];

	query(intel, 4, 9, 1, r);
	cr_expect_eq(r[0], 41, "Intel: past the basic range, leaf 4 with the subleaf");
	query(intel, 4, 0x80000005, 1, r);
	cr_expect_eq(r[0], 41, "Intel: past the extended range too");
	query(intel, 4, 3, 0, r);
	cr_expect(!r[0] && !r[1] && !r[2] && !r[3], "in range but absent: zeros");
	query(intel, 4, 0x40000005, 1, r);
	cr_expect_eq(r[0], 41, "a class with no leaf at all");
	query(amd, 2, 9, 1, r);
	cr_expect(!r[0] && !r[1] && !r[2] && !r[3], "AMD: zeros");
	query(NULL, 0, 1, 0, r);
	cr_expect(!r[0] && !r[1] && !r[2] && !r[3], "an empty table reads zeros");
}

Test(cpuid_rules, topology_leaf_echoes_subleaf)
{
	struct kvm_cpuid_entry2 e[] = {
		{ .function = 0xb, .index = 1, .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .edx = 3 },
	};
	u32 r[4];

	query(e, 1, 0xb, 5, r);
	cr_expect(r[0] == 0 && r[1] == 0 && r[2] == 5 && r[3] == 3);
}

Test(cpuid_rules, table_checks)
{
	struct kvm_cpuid_entry2 e[] = {
		{ .function = 0x80000008, .eax = 0x3028 },
	};

	cr_expect(thinvm_cpuid_table_valid(e, 1));
	cr_expect(thinvm_cpuid_table_valid(NULL, 0));
	e[0].eax = 0x3928;
	cr_expect(thinvm_cpuid_table_valid(e, 1), "57-bit virtual addresses");
	e[0].eax = 0x2028;
	cr_expect(!thinvm_cpuid_table_valid(e, 1), "32-bit virtual addresses");
	e[0].eax = 0x0028;
	cr_expect(thinvm_cpuid_table_valid(e, 1), "0: not said");
	e[0].flags = 0x8;
	cr_expect(!thinvm_cpuid_table_valid(e, 1), "unknown flag");
	e[0].flags = 0;
	e[0].padding[2] = 1;
	cr_expect(!thinvm_cpuid_table_valid(e, 1), "padding");
}

Test(cpuid_rules, what_a_table_allows)
{
	struct kvm_cpuid_entry2 e[] = {
		{ .function = 1, .eax = 0x830f10, .ecx = (1 << 17) | (1 << 21) },
		{ .function = 7, .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .ebx = 1 << 7 },
		{ .function = 0x80000001, .edx = (1 << 29) | (1 << 20) },
		{ .function = 0x80000008, .eax = 0x302b },
		{ .function = 0x80000000, .eax = 0x80000007 },
	};
	struct thinvm_guest_cpu g;

	thinvm_cpuid_guest_cpu(NULL, 0, &g);
	cr_expect(!g.lm && !g.nx && !g.x2apic);
	cr_expect_eq(g.maxphyaddr, 36);
	cr_expect_eq(g.signature, 0x600);
	cr_expect_eq(g.cr4_allowed, 0x7ff);

	thinvm_cpuid_guest_cpu(e, 5, &g);
	cr_expect(g.lm && g.nx && g.x2apic);
	cr_expect_eq(g.signature, 0x830f10);
	cr_expect_eq(g.cr4_allowed, 0x7ff | (1 << 17) | (1 << 20), "PCIDE, SMEP");
	cr_expect_eq(g.maxphyaddr, 36, "0x80000000 does not reach 0x80000008");
	e[4].eax = 0x80000008;
	thinvm_cpuid_guest_cpu(e, 5, &g);
	cr_expect_eq(g.maxphyaddr, 43);
}

Test(cpuid_rules, runtime_bits_follow_state)
{
	struct kvm_cpuid_entry2 e[] = {
		{ .function = 1, .ecx = 1 << 27, .edx = 0 },
		{ .function = 7, .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .ecx = 1 << 4 },
		{ .function = 0xd, .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .ebx = 1234 },
	};

	thinvm_cpuid_update_runtime(e, 3, true, 0, 1);
	cr_expect_eq(e[0].edx, 1 << 9, "APIC follows APIC_BASE");
	cr_expect_eq(e[0].ecx, 0, "OSXSAVE follows CR4");
	cr_expect_eq(e[1].ecx, 0, "OSPKE follows CR4");
	cr_expect_eq(e[2].ebx, 576, "XSAVE size for x87 only");
	thinvm_cpuid_update_runtime(e, 3, false, (1 << 18) | (1 << 22), 1);
	cr_expect_eq(e[0].edx, 0);
	cr_expect_eq(e[0].ecx, 1 << 27);
	cr_expect_eq(e[1].ecx, 1 << 4);
}

static struct kvm_cpuid_entry2 kvm_leaf(uint32_t function, const char *sig, uint32_t eax)
{
	struct kvm_cpuid_entry2 e = { .function = function, .eax = eax };

	memcpy(&e.ebx, sig, 4);
	memcpy(&e.ecx, sig + 4, 4);
	memcpy(&e.edx, sig + 8, 4);
	return e;
}

Test(cpuid_rules, kvm_features_found_at_any_hypervisor_base)
{
	struct kvm_cpuid_entry2 e[4];
	struct thinvm_guest_cpu g;

	/* Hyper-V first, KVM at 0x40000100, as a VMM offering both does. */
	e[0] = kvm_leaf(0x40000000, "Microsoft Hv", 0x40000005);
	e[1] = (struct kvm_cpuid_entry2){ .function = 0x40000001, .eax = 0xdead };
	e[2] = kvm_leaf(0x40000100, "KVMKVMKVM\0\0\0", 0x40000101);
	e[3] = (struct kvm_cpuid_entry2){ .function = 0x40000101, .eax = 1u << 16 };
	thinvm_cpuid_guest_cpu(e, 4, &g);
	cr_expect_eq(g.kvm_features, 1u << 16);
	/* No KVM signature: no PV features at all. */
	thinvm_cpuid_guest_cpu(e, 2, &g);
	cr_expect_eq(g.kvm_features, 0);
	/* A signature without its feature leaf. */
	thinvm_cpuid_guest_cpu(e + 2, 1, &g);
	cr_expect_eq(g.kvm_features, 0);
}

Test(cpuid_rules, svm_leaf_describes_the_features_offered)
{
	int n = thinvm_cpuid_supported(host_everything, 48, 0, table,
				       THINVM_MAX_CPUID_ENTRIES);
	int m = thinvm_cpuid_add_svm_leaf(table, n, THINVM_MAX_CPUID_ENTRIES,
					  0x9);
	const struct kvm_cpuid_entry2 *e;

	cr_assert_eq(m, n + 2);
	cr_expect_eq(must_find(m, 0x80000000, 0)->eax, 0x8000000a);
	e = must_find(m, 0x8000000a, 0);
	cr_expect(e->eax == 0 && e->ebx == 0 && e->ecx == 0 && e->edx == 0x9);
	e = must_find(m, 0x80000009, 0);
	cr_expect(e->eax == 0 && e->ebx == 0 && e->ecx == 0 && e->edx == 0);
	/* No nesting offered: the leaf describes, SVM itself stays clear. */
	cr_expect_not(must_find(m, 0x80000001, 0)->ecx & BIT(2));
	thinvm_cpuid_hide_svm(table, m, 0x1);
	cr_expect_eq(must_find(m, 0x8000000a, 0)->edx, 0x8);
	/* No room: -E2BIG, and the range is left as it was. */
	n = thinvm_cpuid_supported(host_everything, 48, 0, table,
				   THINVM_MAX_CPUID_ENTRIES);
	cr_expect_eq(thinvm_cpuid_add_svm_leaf(table, n, n + 1, 0x9), -E2BIG);
	cr_expect_eq(must_find(n, 0x80000000, 0)->eax, 0x80000008);
}

Test(cpuid_rules, svm_leaf_needs_the_extended_range)
{
	int n = thinvm_cpuid_supported(host_old, 48, 0, table,
				       THINVM_MAX_CPUID_ENTRIES);

	cr_expect_eq(thinvm_cpuid_add_svm_leaf(table, n, THINVM_MAX_CPUID_ENTRIES, 1), n);
	thinvm_cpuid_hide_svm(table, n, ~0u);	/* no leaf: nothing to do */
}

Test(cpuid_rules, guest_cpu_sees_vmx_hyperv_and_svm_leaf)
{
	struct kvm_cpuid_entry2 e[] = {
		{ .function = 1, .ecx = BIT(5) },
		{ .function = 0x40000000, .eax = 0x4000000a, .ebx = 0x7263694d },
		{ .function = 0x40000001, .eax = 0x31237648 },	/* "Hv#1" */
		{ .function = 0x4000000a, .ebx = BIT(0) },
		{ .function = 0x8000000a, .edx = 0x19 },
	};
	struct thinvm_guest_cpu g;

	thinvm_cpuid_guest_cpu(e, 5, &g);
	cr_expect(g.vmx && g.hyperv && g.hv_evmcs_perf_global_ctrl);
	cr_expect_eq(g.svm_edx, 0x19);
	/* KVM's signature in 0x40000001 is not Hyper-V. */
	e[2].eax = 0x40000001;
	e[1].ebx = 0x4b4d564b;
	thinvm_cpuid_guest_cpu(e, 5, &g);
	cr_expect_not(g.hyperv);
	thinvm_cpuid_guest_cpu(NULL, 0, &g);
	cr_expect(!g.vmx && !g.hyperv && !g.hv_evmcs_perf_global_ctrl && !g.svm_edx);
}

Test(cpuid_rules, hyperv_leaves_report_the_vcpu_limit)
{
	int n = thinvm_hv_cpuid(12, table, THINVM_MAX_CPUID_ENTRIES);
	const struct kvm_cpuid_entry2 *e;
	struct thinvm_guest_cpu g;

	cr_assert_eq(n, THINVM_HV_CPUID_LEAVES);
	cr_expect_eq(must_find(n, 0x40000000, 0)->eax, 0x40000005);
	cr_expect(!memcmp(&must_find(n, 0x40000000, 0)->ebx, "Linux KVM Hv", 12));
	e = must_find(n, 0x40000005, 0);
	cr_expect(e->eax == 12 && e->ebx == 64);
	cr_expect(must_find(n, 0x40000003, 0)->eax == 0 &&
		  must_find(n, 0x40000003, 0)->edx == 0, "no enlightenment offered");
	/* Parroted back as a CPUID table, it enables Hyper-V. */
	thinvm_cpuid_guest_cpu(table, n, &g);
	cr_expect(g.hyperv);
	cr_expect_eq(thinvm_hv_cpuid(12, table, 5), -E2BIG);
}
