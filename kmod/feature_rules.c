// SPDX-License-Identifier: GPL-2.0
/* Named features and the VMX capability MSRs of a guest view. */
#include "feature_rules.h"

static const u32 vmx_msr_indexes[THINVM_VMX_MSRS] = {
	THINVM_MSR_VMX_BASIC, THINVM_MSR_VMX_PINBASED,
	THINVM_MSR_VMX_PROCBASED, THINVM_MSR_VMX_EXIT, THINVM_MSR_VMX_ENTRY,
	THINVM_MSR_VMX_MISC, THINVM_MSR_VMX_PROCBASED2,
	THINVM_MSR_VMX_EPT_VPID_CAP, THINVM_MSR_VMX_TRUE_PINBASED,
	THINVM_MSR_VMX_TRUE_PROCBASED, THINVM_MSR_VMX_TRUE_EXIT,
	THINVM_MSR_VMX_TRUE_ENTRY, THINVM_MSR_VMX_VMFUNC,
	THINVM_MSR_VMX_PROCBASED3, THINVM_MSR_VMX_CR0_FIXED0,
	THINVM_MSR_VMX_CR0_FIXED1, THINVM_MSR_VMX_CR4_FIXED0,
	THINVM_MSR_VMX_CR4_FIXED1, THINVM_MSR_VMX_VMCS_ENUM,
};

u32 thinvm_vmx_msr_index(unsigned int slot)
{
	return slot < THINVM_VMX_MSRS ? vmx_msr_indexes[slot] : 0;
}

int thinvm_vmx_msr_slot(u32 index)
{
	unsigned int i;

	for (i = 0; i < THINVM_VMX_MSRS; i++)
		if (vmx_msr_indexes[i] == index)
			return i;
	return -1;
}

/*
 * Which control a feature is. Pin-based, primary, exit and entry controls
 * have their allowed-1 settings in the high half of their MSR (and of its
 * TRUE twin); secondary controls too; tertiary controls and VM functions
 * are 64-bit allowed-1 masks.
 */
enum ctl { PIN, PROC2, PROC3, EXIT, ENTRY, SVM };

static const struct {
	enum ctl ctl;
	u8 bit;
	/* A second control the feature also needs, e.g. load on entry and on exit. */
	bool has_also;
	enum ctl also_ctl;
	u8 also_bit;
} features[__THINVM_FEAT_COUNT] = {
	[THINVM_FEAT_TSC_SCALING] = { PROC2, 25 },
	[THINVM_FEAT_PERF_GLOBAL_CTRL] = { ENTRY, 13, true, EXIT, 12 },
	[THINVM_FEAT_POSTED_INTERRUPTS] = { PIN, 7 },
	[THINVM_FEAT_PML] = { PROC2, 17 },
	[THINVM_FEAT_VMFUNC] = { PROC2, 13 },
	[THINVM_FEAT_PREEMPTION_TIMER] = { PIN, 6 },
	[THINVM_FEAT_APIC_REGISTER_VIRT] = { PROC2, 8 },
	[THINVM_FEAT_VIRTUAL_INTERRUPT_DELIVERY] = { PROC2, 9 },
	[THINVM_FEAT_SHADOW_VMCS] = { PROC2, 14 },
	[THINVM_FEAT_XSAVES] = { PROC2, 20 },
	[THINVM_FEAT_ENCLS_EXITING] = { PROC2, 15 },
	[THINVM_FEAT_BUS_LOCK_DETECTION] = { PROC2, 30 },
	[THINVM_FEAT_NOTIFY_VM_EXITING] = { PROC2, 31 },
	[THINVM_FEAT_IPI_VIRTUALIZATION] = { PROC3, 4 },
	[THINVM_FEAT_LOAD_IA32_RTIT_CTL] = { ENTRY, 18, true, EXIT, 25 },
	[THINVM_FEAT_LOAD_IA32_BNDCFGS] = { ENTRY, 16, true, EXIT, 23 },
	[THINVM_FEAT_NPT] = { SVM, 0 },
	[THINVM_FEAT_LBRV] = { SVM, 1 },
	[THINVM_FEAT_NRIP_SAVE] = { SVM, 3 },
	[THINVM_FEAT_TSC_RATE_MSR] = { SVM, 4 },
	[THINVM_FEAT_VMCB_CLEAN] = { SVM, 5 },
	[THINVM_FEAT_FLUSH_BY_ASID] = { SVM, 6 },
	[THINVM_FEAT_DECODE_ASSISTS] = { SVM, 7 },
	[THINVM_FEAT_PAUSE_FILTER] = { SVM, 10 },
	[THINVM_FEAT_PAUSE_FILTER_THRESHOLD] = { SVM, 12 },
	[THINVM_FEAT_AVIC] = { SVM, 13 },
	[THINVM_FEAT_V_VMSAVE_VMLOAD] = { SVM, 15 },
	[THINVM_FEAT_VGIF] = { SVM, 16 },
	[THINVM_FEAT_VNMI] = { SVM, 25 },
};

#define PROC_SECONDARY	BIT_ULL(32 + 31)	/* allowed-1 of primary bit 31 */
#define PROC_TERTIARY	BIT_ULL(32 + 17)	/* allowed-1 of primary bit 17 */

enum {
	S_BASIC, S_PIN, S_PROC, S_EXIT, S_ENTRY, S_MISC, S_PROC2, S_EPT_VPID,
	S_TRUE_PIN, S_TRUE_PROC, S_TRUE_EXIT, S_TRUE_ENTRY, S_VMFUNC, S_PROC3,
};

static u64 host_msr(const struct thinvm_host_features *h, unsigned int slot)
{
	return h->vmx_present & BIT(slot) ? h->vmx_msr[slot] : 0;
}

/* Whether the host may set @bit of control @ctl. */
static bool host_allows(const struct thinvm_host_features *h, enum ctl ctl,
			unsigned int bit)
{
	u64 proc = host_msr(h, S_PROC);

	switch (ctl) {
	case PIN:
		return host_msr(h, S_PIN) & BIT_ULL(32 + bit);
	case EXIT:
		return host_msr(h, S_EXIT) & BIT_ULL(32 + bit);
	case ENTRY:
		return host_msr(h, S_ENTRY) & BIT_ULL(32 + bit);
	case PROC2:
		return (proc & PROC_SECONDARY) &&
		       (host_msr(h, S_PROC2) & BIT_ULL(32 + bit));
	case PROC3:
		return (proc & PROC_TERTIARY) &&
		       (host_msr(h, S_PROC3) & BIT_ULL(bit));
	case SVM:
		return h->svm_edx & BIT(bit);
	}
	return false;
}

u64 thinvm_features_available(const struct thinvm_host_features *h)
{
	u64 set = 0;
	unsigned int i;

	for (i = 0; i < __THINVM_FEAT_COUNT; i++) {
		bool vmx_feature = features[i].ctl != SVM;

		if (vmx_feature != h->vmx)
			continue;
		/* Load-on-entry without clear-on-exit is of no use: need both. */
		if (host_allows(h, features[i].ctl, features[i].bit) &&
		    (!features[i].has_also ||
		     host_allows(h, features[i].also_ctl, features[i].also_bit)))
			set |= BIT_ULL(i);
	}
	return set;
}

u32 thinvm_features_svm_edx(u64 set)
{
	u32 edx = 0;
	unsigned int i;

	for (i = 0; i < __THINVM_FEAT_COUNT; i++)
		if (features[i].ctl == SVM && (set & BIT_ULL(i)))
			edx |= BIT(features[i].bit);
	return edx;
}

u64 thinvm_features_of_svm_edx(u32 edx)
{
	u64 set = 0;
	unsigned int i;

	for (i = 0; i < __THINVM_FEAT_COUNT; i++)
		if (features[i].ctl == SVM && (edx & BIT(features[i].bit)))
			set |= BIT_ULL(i);
	return set;
}

const char *thinvm_features_check(const struct thinvm_host_features *h,
				  u64 hidden, unsigned int *bad)
{
	u64 have = thinvm_features_available(h);
	unsigned int i;

	for (i = 0; i < 64; i++) {
		if (!(hidden & BIT_ULL(i)) || (have & BIT_ULL(i)))
			continue;
		*bad = i;
		if (i >= __THINVM_FEAT_COUNT)
			return "a hidden feature is not one thinvm knows";
		if ((features[i].ctl != SVM) != h->vmx)
			return h->vmx ? "a hidden feature is an SVM feature, and this host is VMX" :
					"a hidden feature is a VMX control, and this host is SVM";
		return "a hidden feature is one this host does not have";
	}
	return NULL;
}

/* Clear allowed-1 @bit of @ctl in the view @out (both MSRs that hold it). */
static void clear_ctl(u64 out[THINVM_VMX_MSRS], enum ctl ctl, unsigned int bit)
{
	switch (ctl) {
	case PIN:
		out[S_PIN] &= ~BIT_ULL(32 + bit);
		out[S_TRUE_PIN] &= ~BIT_ULL(32 + bit);
		break;
	case EXIT:
		out[S_EXIT] &= ~BIT_ULL(32 + bit);
		out[S_TRUE_EXIT] &= ~BIT_ULL(32 + bit);
		break;
	case ENTRY:
		out[S_ENTRY] &= ~BIT_ULL(32 + bit);
		out[S_TRUE_ENTRY] &= ~BIT_ULL(32 + bit);
		break;
	case PROC2:
		out[S_PROC2] &= ~BIT_ULL(32 + bit);
		break;
	case PROC3:
		out[S_PROC3] &= ~BIT_ULL(bit);
		break;
	case SVM:
		break;
	}
}

void thinvm_vmx_view(const struct thinvm_host_features *h, u64 hidden,
		     bool evmcs, bool evmcs_perf_global_ctrl,
		     u64 out[THINVM_VMX_MSRS])
{
	unsigned int i;

	for (i = 0; i < THINVM_VMX_MSRS; i++)
		out[i] = host_msr(h, i);
	for (i = 0; i < __THINVM_FEAT_COUNT; i++) {
		if (!(hidden & BIT_ULL(i)) || features[i].ctl == SVM)
			continue;
		clear_ctl(out, features[i].ctl, features[i].bit);
		if (features[i].has_also)
			clear_ctl(out, features[i].also_ctl, features[i].also_bit);
	}
	/* No VM functions to offer without the control that enables them. */
	if (!(out[S_PROC2] & BIT_ULL(32 + 13)))
		out[S_VMFUNC] = 0;
	if (evmcs)
		for (i = 0; i < THINVM_VMX_MSRS; i++)
			out[i] = thinvm_evmcs_filter(i, out[i],
						     evmcs_perf_global_ctrl);
}

/*
 * What an enlightened VMCS v1 can carry, control by control: the controls
 * whose fields it has (hyperv_evmcs.h, EVMCS1_SUPPORTED_*), with the
 * default-1 bits of each MSR ("always on without TRUE MSR", SDM A.2).
 */
#define EVMCS_PIN	(0x16ull /* default-1 */ | BIT(0) /* external interrupts */ | \
			 BIT(3) /* NMI exiting */ | BIT(5) /* virtual NMIs */)
#define EVMCS_PROC	(0x0401e172ull /* default-1 */ | BIT(2) /* interrupt window */ | \
			 BIT(3) /* TSC offsetting */ | BIT(7) /* HLT */ | BIT(9) /* INVLPG */ | \
			 BIT(10) /* MWAIT */ | BIT(11) /* RDPMC */ | BIT(12) /* RDTSC */ | \
			 BIT(15) /* CR3 load */ | BIT(16) /* CR3 store */ | \
			 BIT(19) /* CR8 load */ | BIT(20) /* CR8 store */ | \
			 BIT(21) /* TPR shadow */ | BIT(22) /* NMI window */ | \
			 BIT(23) /* MOV DR */ | BIT(24) /* unconditional I/O */ | \
			 BIT(25) /* I/O bitmaps */ | BIT(27) /* monitor trap flag */ | \
			 BIT(28) /* MSR bitmaps */ | BIT(29) /* MONITOR */ | \
			 BIT(30) /* PAUSE */ | BIT(31) /* secondary controls */)
#define EVMCS_PROC2	(BIT(1) /* EPT */ | BIT(2) /* descriptor tables */ | \
			 BIT(3) /* RDTSCP */ | BIT(4) /* x2APIC mode */ | BIT(5) /* VPID */ | \
			 BIT(6) /* WBINVD */ | BIT(7) /* unrestricted guest */ | \
			 BIT(11) /* RDRAND */ | BIT(12) /* INVPCID */ | \
			 BIT(15) /* ENCLS */ | BIT(16) /* RDSEED */ | \
			 BIT(19) /* PT conceals VMX */ | BIT(20) /* XSAVES */ | \
			 BIT(24) /* PT uses GPAs */ | BIT(25) /* TSC scaling */ | \
			 BIT(26) /* user wait and pause */ | \
			 BIT(30) /* bus lock detection */ | BIT(31) /* notify VM exiting */)
#define EVMCS_EXIT_PERF	BIT(12)
#define EVMCS_EXIT	(0x00036dffull /* default-1 */ | BIT(2) /* save debug controls */ | \
			 BIT(9) /* host address-space size */ | EVMCS_EXIT_PERF | \
			 BIT(15) /* acknowledge interrupt */ | BIT(18) /* save PAT */ | \
			 BIT(19) /* load PAT */ | BIT(20) /* save EFER */ | \
			 BIT(21) /* load EFER */ | BIT(23) /* clear BNDCFGS */ | \
			 BIT(24) /* PT conceals PIP */ | BIT(25) /* clear RTIT_CTL */)
#define EVMCS_ENTRY_PERF BIT(13)
#define EVMCS_ENTRY	(0x000011ffull /* default-1 */ | BIT(2) /* load debug controls */ | \
			 BIT(9) /* IA-32e mode guest */ | EVMCS_ENTRY_PERF | \
			 BIT(14) /* load PAT */ | BIT(15) /* load EFER */ | \
			 BIT(16) /* load BNDCFGS */ | BIT(17) /* PT conceals PIP */ | \
			 BIT(18) /* load RTIT_CTL */)

u64 thinvm_evmcs_filter(unsigned int slot, u64 value, bool perf_global_ctrl)
{
	u64 keep;

	switch (slot) {
	case S_PIN:
	case S_TRUE_PIN:
		keep = EVMCS_PIN;
		break;
	case S_PROC:
	case S_TRUE_PROC:
		keep = EVMCS_PROC;
		break;
	case S_PROC2:
		keep = EVMCS_PROC2;
		break;
	case S_EXIT:
	case S_TRUE_EXIT:
		keep = EVMCS_EXIT & ~(perf_global_ctrl ? 0 : EVMCS_EXIT_PERF);
		break;
	case S_ENTRY:
	case S_TRUE_ENTRY:
		keep = EVMCS_ENTRY & ~(perf_global_ctrl ? 0 : EVMCS_ENTRY_PERF);
		break;
	case S_VMFUNC:
	case S_PROC3:
		/* No VM-function or tertiary-control fields at all. */
		return 0;
	default:
		return value;
	}
	/* Allowed-0 settings (low half) stay: they say what must be 1. */
	return value & ((keep << 32) | 0xffffffffull);
}

bool thinvm_on_hyperv_evmcs(const u32 sig[3], u32 hints)
{
	/* "Micr", "osof", "t Hv" */
	return sig[0] == 0x7263694d && sig[1] == 0x666f736f &&
	       sig[2] == 0x76482074 && (hints & BIT(14));
}

u64 thinvm_own_vmx_msr(u32 index, u64 value, bool hv_evmcs,
		       bool perf_global_ctrl)
{
	int slot = thinvm_vmx_msr_slot(index);

	if (!hv_evmcs || slot < 0)
		return value;
	return thinvm_evmcs_filter(slot, value, perf_global_ctrl);
}
