// SPDX-License-Identifier: GPL-2.0
/*
 * Named features and the VMX capability MSRs of a guest view
 * (kmod/feature_rules.c). The eVMCS v1 expectations are the fields
 * upstream KVM lists (arch/x86/kvm/vmx/hyperv_evmcs.h, EVMCS1_SUPPORTED_*
 * and the "doesn't support these" comment), control by control.
 */
#include <criterion/criterion.h>

#include "feature_rules.h"

enum {
	S_BASIC, S_PIN, S_PROC, S_EXIT, S_ENTRY, S_MISC, S_PROC2, S_EPT_VPID,
	S_TRUE_PIN, S_TRUE_PROC, S_TRUE_EXIT, S_TRUE_ENTRY, S_VMFUNC, S_PROC3,
};

#define ALLOWED1(bit) BIT_ULL(32 + (bit))
#define FEAT(f) BIT_ULL(THINVM_FEAT_##f)

/* A VMX host that allows every control, with must-be-1 bits in the low halves. */
static struct thinvm_host_features vmx_everything(void)
{
	struct thinvm_host_features h = { .vmx = true };
	unsigned int i;

	for (i = 0; i < THINVM_VMX_MSRS; i++) {
		h.vmx_msr[i] = 0xffffffff00000000ull | 0x16;
		h.vmx_present |= BIT(i);
	}
	h.vmx_msr[S_BASIC] = 0x00da040000000004ull;
	h.vmx_msr[S_VMFUNC] = 0x1;		/* EPTP switching */
	h.vmx_msr[S_PROC3] = 0xffull;		/* 64-bit allowed-1 */
	return h;
}

Test(feature_rules, msr_slots_and_indexes_agree)
{
	for (unsigned int i = 0; i < THINVM_VMX_MSRS; i++)
		cr_expect_eq(thinvm_vmx_msr_slot(thinvm_vmx_msr_index(i)), (int)i);
	cr_expect_eq(thinvm_vmx_msr_slot(0x480), 0);
	cr_expect_eq(thinvm_vmx_msr_slot(0x492), 13);
	cr_expect_eq(thinvm_vmx_msr_slot(0x486), 14);
	cr_expect_eq(thinvm_vmx_msr_slot(0x48a), 18);
	cr_expect_eq(thinvm_vmx_msr_slot(0x10), -1);
	cr_expect_eq(thinvm_vmx_msr_index(THINVM_VMX_MSRS), 0);
}

Test(feature_rules, available_follows_the_controls_the_host_allows)
{
	struct thinvm_host_features h = vmx_everything();
	u64 all_vmx = 0;

	for (unsigned int i = THINVM_FEAT_TSC_SCALING; i <= THINVM_FEAT_LOAD_IA32_BNDCFGS; i++)
		all_vmx |= BIT_ULL(i);
	cr_expect_eq(thinvm_features_available(&h), all_vmx);

	/* No secondary controls: none of the features they hold. */
	h.vmx_msr[S_PROC] &= ~ALLOWED1(31);
	cr_expect_not(thinvm_features_available(&h) & FEAT(TSC_SCALING));
	cr_expect_not(thinvm_features_available(&h) & FEAT(PML));
	cr_expect(thinvm_features_available(&h) & FEAT(POSTED_INTERRUPTS));

	/* Load on entry without load on exit is not the feature. */
	h = vmx_everything();
	h.vmx_msr[S_EXIT] &= ~ALLOWED1(12);
	cr_expect_not(thinvm_features_available(&h) & FEAT(PERF_GLOBAL_CTRL));

	/* Tertiary controls need their primary bit 17. */
	h = vmx_everything();
	h.vmx_msr[S_PROC] &= ~ALLOWED1(17);
	cr_expect_not(thinvm_features_available(&h) & FEAT(IPI_VIRTUALIZATION));
}

Test(feature_rules, svm_features_come_from_cpuid_edx)
{
	struct thinvm_host_features h = { .svm_edx = BIT(0) | BIT(3) | BIT(25) };

	cr_expect_eq(thinvm_features_available(&h), FEAT(NPT) | FEAT(NRIP_SAVE) | FEAT(VNMI));
	cr_expect_eq(thinvm_features_svm_edx(FEAT(NPT) | FEAT(VNMI) | FEAT(PML)),
		     BIT(0) | BIT(25));
	/* Bits that name no feature are left out. */
	cr_expect_eq(thinvm_features_of_svm_edx(BIT(0) | BIT(2) | BIT(16)),
		     FEAT(NPT) | FEAT(VGIF));
}

Test(feature_rules, check_names_what_cannot_be_hidden)
{
	struct thinvm_host_features svm = { .svm_edx = BIT(0) };
	struct thinvm_host_features vmx = vmx_everything();
	unsigned int bad = 99;

	cr_expect_null(thinvm_features_check(&svm, FEAT(NPT), &bad));
	cr_expect_null(thinvm_features_check(&svm, 0, &bad));
	cr_expect_str_eq(thinvm_features_check(&svm, FEAT(NPT) | FEAT(TSC_SCALING), &bad),
			 "a hidden feature is a VMX control, and this host is SVM");
	cr_expect_eq(bad, THINVM_FEAT_TSC_SCALING);
	cr_expect_str_eq(thinvm_features_check(&svm, FEAT(LBRV), &bad),
			 "a hidden feature is one this host does not have");
	cr_expect_eq(bad, THINVM_FEAT_LBRV);
	cr_expect_str_eq(thinvm_features_check(&vmx, FEAT(NPT), &bad),
			 "a hidden feature is an SVM feature, and this host is VMX");
	cr_expect_str_eq(thinvm_features_check(&vmx, BIT_ULL(63), &bad),
			 "a hidden feature is not one thinvm knows");
	cr_expect_eq(bad, 63);
}

Test(feature_rules, hiding_clears_a_control_in_both_msrs_that_hold_it)
{
	struct thinvm_host_features h = vmx_everything();
	u64 v[THINVM_VMX_MSRS];

	thinvm_vmx_view(&h, FEAT(PERF_GLOBAL_CTRL) | FEAT(PREEMPTION_TIMER) |
			    FEAT(IPI_VIRTUALIZATION) | FEAT(VMFUNC), false, false, v);
	cr_expect_not(v[S_ENTRY] & ALLOWED1(13));
	cr_expect_not(v[S_TRUE_ENTRY] & ALLOWED1(13));
	cr_expect_not(v[S_EXIT] & ALLOWED1(12));
	cr_expect_not(v[S_TRUE_EXIT] & ALLOWED1(12));
	cr_expect_not(v[S_PIN] & ALLOWED1(6));
	cr_expect_not(v[S_TRUE_PIN] & ALLOWED1(6));
	cr_expect_not(v[S_PROC3] & BIT_ULL(4));
	cr_expect(v[S_PROC3] & BIT_ULL(3), "only the hidden tertiary bit goes");
	cr_expect_not(v[S_PROC2] & ALLOWED1(13));
	cr_expect_eq(v[S_VMFUNC], 0, "no VM functions without the control");
	/* What is not hidden, and the must-be-1 bits, stay. */
	cr_expect(v[S_PIN] & ALLOWED1(7));
	cr_expect_eq(v[S_PIN] & 0xffffffff, 0x16);
	cr_expect_eq(v[S_BASIC], h.vmx_msr[S_BASIC]);
	cr_expect_eq(v[S_EPT_VPID], h.vmx_msr[S_EPT_VPID]);

	/* Nothing hidden: the host's values, untouched. */
	thinvm_vmx_view(&h, 0, false, false, v);
	for (unsigned int i = 0; i < THINVM_VMX_MSRS; i++)
		cr_expect_eq(v[i], h.vmx_msr[i], "slot %u", i);
}

Test(feature_rules, slots_the_host_lacks_read_zero)
{
	struct thinvm_host_features h = vmx_everything();
	u64 v[THINVM_VMX_MSRS];

	h.vmx_present &= ~BIT(S_PROC3);
	thinvm_vmx_view(&h, 0, false, false, v);
	cr_expect_eq(v[S_PROC3], 0);
}

/* What eVMCS v1 has no field for goes; upstream's list, one by one. */
Test(feature_rules, evmcs_v1_drops_what_it_cannot_carry)
{
	struct thinvm_host_features h = vmx_everything();
	u64 v[THINVM_VMX_MSRS];

	thinvm_vmx_view(&h, 0, true, false, v);
	/* POSTED_INTR_NV, POSTED_INTR_DESC_ADDR; VMX_PREEMPTION_TIMER_VALUE. */
	cr_expect_not(v[S_PIN] & ALLOWED1(7));
	cr_expect_not(v[S_TRUE_PIN] & ALLOWED1(6));
	/* Kept: external interrupts, NMI exiting, virtual NMIs. */
	cr_expect_eq(v[S_PIN] >> 32, 0x16 | BIT(0) | BIT(3) | BIT(5));
	/* APIC_ACCESS_ADDR (virtualize APIC accesses), GUEST_INTR_STATUS and
	 * EOI_EXIT_BITMAPs (APIC-register virtualization, virtual-interrupt
	 * delivery), PML, VM functions, VMREAD/VMWRITE bitmaps (shadow VMCS),
	 * PLE_GAP/PLE_WINDOW (PAUSE-loop exiting). */
	cr_expect_not(v[S_PROC2] & ALLOWED1(0));
	cr_expect_not(v[S_PROC2] & ALLOWED1(8));
	cr_expect_not(v[S_PROC2] & ALLOWED1(9));
	cr_expect_not(v[S_PROC2] & ALLOWED1(17));
	cr_expect_not(v[S_PROC2] & ALLOWED1(13));
	cr_expect_not(v[S_PROC2] & ALLOWED1(14));
	cr_expect_not(v[S_PROC2] & ALLOWED1(10));
	/* Kept, as upstream lists them: EPT, VPID, unrestricted guest, TSC
	 * scaling (TSC_MULTIPLIER is there since 2022), XSAVES, ENCLS. */
	cr_expect_eq(v[S_PROC2] >> 32,
		     BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(7) |
		     BIT(11) | BIT(12) | BIT(15) | BIT(16) | BIT(19) | BIT(20) |
		     BIT(24) | BIT(25) | BIT(26) | BIT(30) | BIT(31));
	/* No tertiary controls and no VM functions at all. */
	cr_expect_eq(v[S_PROC3], 0);
	cr_expect_eq(v[S_VMFUNC], 0);
	/* Primary: not "activate tertiary controls" (bit 17). */
	cr_expect_not(v[S_PROC] & ALLOWED1(17));
	cr_expect(v[S_PROC] & ALLOWED1(31));
	/* Allowed-0 halves stay: they say what must be 1. */
	cr_expect_eq(v[S_PROC] & 0xffffffff, 0x16);
	cr_expect_eq(v[S_BASIC], h.vmx_msr[S_BASIC]);
	cr_expect_eq(v[S_MISC], h.vmx_msr[S_MISC]);
}

Test(feature_rules, evmcs_perf_global_ctrl_needs_the_hyperv_cpuid_bit)
{
	struct thinvm_host_features h = vmx_everything();
	u64 v[THINVM_VMX_MSRS];

	thinvm_vmx_view(&h, 0, true, false, v);
	cr_expect_not(v[S_EXIT] & ALLOWED1(12));
	cr_expect_not(v[S_TRUE_ENTRY] & ALLOWED1(13));
	thinvm_vmx_view(&h, 0, true, true, v);
	cr_expect(v[S_EXIT] & ALLOWED1(12));
	cr_expect(v[S_TRUE_ENTRY] & ALLOWED1(13));
	/* Policy wins over the CPUID bit. */
	thinvm_vmx_view(&h, FEAT(PERF_GLOBAL_CTRL), true, true, v);
	cr_expect_not(v[S_EXIT] & ALLOWED1(12));
	/* Exit and entry past their default-1 bits: what upstream keeps. */
	cr_expect_eq((v[S_EXIT] >> 32) & ~0x00036dffull,
		     BIT(9) | BIT(15) | BIT(18) | BIT(19) | BIT(20) | BIT(21) |
		     BIT(23) | BIT(24) | BIT(25));
	cr_expect_eq((v[S_ENTRY] >> 32) & ~0x000011ffull,
		     BIT(9) | BIT(14) | BIT(15) | BIT(16) | BIT(17) | BIT(18));
}

Test(feature_rules, own_vmcs_on_hyperv_with_evmcs_uses_the_same_table)
{
	const u32 hv[3] = { 0x7263694d, 0x666f736f, 0x76482074 };	/* "Microsoft Hv" */
	const u32 kvm[3] = { 0x4b4d564b, 0x564b4d56, 0x0000004d };
	u64 pin = 0xffffffff00000016ull;

	cr_expect(thinvm_on_hyperv_evmcs(hv, BIT(14)));
	cr_expect_not(thinvm_on_hyperv_evmcs(hv, 0), "eVMCS not recommended");
	cr_expect_not(thinvm_on_hyperv_evmcs(kvm, BIT(14)));
	/* Posted interrupts and the preemption timer go; other MSRs as read. */
	cr_expect_eq(thinvm_own_vmx_msr(0x481, pin, true, false),
		     ((0x16ull | BIT(0) | BIT(3) | BIT(5)) << 32) | 0x16);
	cr_expect_eq(thinvm_own_vmx_msr(0x48d, pin, true, false),
		     thinvm_own_vmx_msr(0x481, pin, true, false), "TRUE MSRs alike");
	cr_expect_eq(thinvm_own_vmx_msr(0x481, pin, false, false), pin);
	cr_expect_eq(thinvm_own_vmx_msr(0x485, 0x1234, true, false), 0x1234);
	cr_expect_eq(thinvm_own_vmx_msr(0x10, 0x1234, true, false), 0x1234);
	/* Exit controls keep PERF_GLOBAL_CTRL only with the nested-feature bit. */
	cr_expect_not(thinvm_own_vmx_msr(0x483, ~0ull, true, false) & BIT_ULL(32 + 12));
	cr_expect(thinvm_own_vmx_msr(0x483, ~0ull, true, true) & BIT_ULL(32 + 12));
}
