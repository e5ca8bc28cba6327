/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Named features (enum thinvm_feature in <linux/thinvm.h>): which VMX
 * controls and SVM features the host has, and the VMX capability MSRs a
 * guest is told of once policy has hidden some of them, feature by feature
 * (../shared/design.md, behaviour 3). Plain C, for the unit tests.
 */
#ifndef THINVM_FEATURE_RULES_H
#define THINVM_FEATURE_RULES_H

#include <linux/thinvm.h>

#include "portable.h"

/* The VMX capability MSRs (SDM vol. 3, A.1 to A.11), by index. */
#define THINVM_MSR_VMX_BASIC		0x480
#define THINVM_MSR_VMX_PINBASED		0x481
#define THINVM_MSR_VMX_PROCBASED	0x482
#define THINVM_MSR_VMX_EXIT		0x483
#define THINVM_MSR_VMX_ENTRY		0x484
#define THINVM_MSR_VMX_MISC		0x485
#define THINVM_MSR_VMX_PROCBASED2	0x48b
#define THINVM_MSR_VMX_EPT_VPID_CAP	0x48c
#define THINVM_MSR_VMX_TRUE_PINBASED	0x48d
#define THINVM_MSR_VMX_TRUE_PROCBASED	0x48e
#define THINVM_MSR_VMX_TRUE_EXIT	0x48f
#define THINVM_MSR_VMX_TRUE_ENTRY	0x490
#define THINVM_MSR_VMX_VMFUNC		0x491
#define THINVM_MSR_VMX_PROCBASED3	0x492
#define THINVM_MSR_VMX_CR0_FIXED0	0x486
#define THINVM_MSR_VMX_CR0_FIXED1	0x487
#define THINVM_MSR_VMX_CR4_FIXED0	0x488
#define THINVM_MSR_VMX_CR4_FIXED1	0x489
#define THINVM_MSR_VMX_VMCS_ENUM	0x48a

/*
 * The MSRs a view holds, in this order (thinvm_vmx_msr_index()): KVM's
 * VMX feature MSRs, 0x480 to 0x492. Appended only, so slots keep meaning.
 */
#define THINVM_VMX_MSRS 19
u32 thinvm_vmx_msr_index(unsigned int slot);
/* The slot of MSR @index, -1 if it is not a VMX capability MSR. */
int thinvm_vmx_msr_slot(u32 index);

/*
 * What the host has. VMX: the capability MSRs as read (0 where the CPU has
 * none; @vmx_present says which it has). SVM: CPUID 0x8000000A.EDX.
 */
struct thinvm_host_features {
	bool vmx;
	u64 vmx_msr[THINVM_VMX_MSRS];
	u32 vmx_present;	/* bit N: slot N was read */
	u32 svm_edx;
};

/* The named features the host has (bit N for enum thinvm_feature N). */
u64 thinvm_features_available(const struct thinvm_host_features *h);

/*
 * The SVM features of @set as CPUID 0x8000000A.EDX bits, and back (bits
 * that name no feature are left out).
 */
u32 thinvm_features_svm_edx(u64 set);
u64 thinvm_features_of_svm_edx(u32 edx);

/*
 * Why @hidden cannot be a policy on this host, NULL if it can: every
 * feature named must be one the host has. @bad is the first that is not.
 */
const char *thinvm_features_check(const struct thinvm_host_features *h,
				  u64 hidden, unsigned int *bad);

/*
 * The VMX capability MSRs of a guest view: the host's with the features in
 * @hidden cleared from what they allow, then, when @evmcs is set, what an
 * enlightened VMCS v1 cannot carry (thinvm_evmcs_filter()). Slots the host
 * lacks read 0.
 */
void thinvm_vmx_view(const struct thinvm_host_features *h, u64 hidden,
		     bool evmcs, bool evmcs_perf_global_ctrl,
		     u64 out[THINVM_VMX_MSRS]);

/*
 * Clear from the capability MSR in @slot what an enlightened VMCS v1 has
 * no field for (arch/x86/kvm/vmx/hyperv_evmcs.h, EVMCS1_SUPPORTED_*).
 * Load/save IA32_PERF_GLOBAL_CTRL stays only with
 * @perf_global_ctrl: CPUID 0x4000000A.EBX bit 0, which says the fields
 * that carry it exist.
 */
u64 thinvm_evmcs_filter(unsigned int slot, u64 value, bool perf_global_ctrl);

/*
 * Whether thinvm runs on Hyper-V that recommends the enlightened VMCS:
 * "Microsoft Hv" at 0x40000000 (@sig: EBX, ECX, EDX) and
 * HV_X64_ENLIGHTENED_VMCS_RECOMMENDED (bit 14) in 0x40000004.EAX. Then its
 * own VMCS configuration is limited to what eVMCS v1 carries, as KVM does
 * on Hyper-V (arch/x86/kvm/vmx/vmx_onhyperv.c), with the same table.
 */
bool thinvm_on_hyperv_evmcs(const u32 sig[3], u32 hints);

/*
 * The capability MSR @index as thinvm configures its own VMCS from it: as
 * read, or through thinvm_evmcs_filter() on Hyper-V with eVMCS. The same
 * on every CPU, so the hotplug check compares like with like.
 */
u64 thinvm_own_vmx_msr(u32 index, u64 value, bool hv_evmcs,
		       bool perf_global_ctrl);

#endif
