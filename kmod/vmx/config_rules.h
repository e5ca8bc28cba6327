/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMCS configuration: which VM-execution, VM-exit and VM-entry controls
 * thinvm's VMCSs use, computed once at load from the capability MSRs (the
 * "true" ones where IA32_VMX_BASIC says they exist). A control thinvm needs
 * must be allowed to be 1, a control it leaves off must be allowed to be 0;
 * optional controls are used where the CPU has them. Plain C, unit-tested.
 *
 * Every CPU has the same MSRs (the admission check compares them with the
 * golden snapshot), so one configuration serves every CPU.
 */
#ifndef THINVM_VMX_CONFIG_RULES_H
#define THINVM_VMX_CONFIG_RULES_H

#include "../portable.h"

/* The controls thinvm sets, by the SDM's names (SDM 25.6, 25.7, 25.8). */
#define VMX_PIN_EXT_INTR_EXITING	BIT(0)
#define VMX_PIN_NMI_EXITING		BIT(3)

#define VMX_PROC_TSC_OFFSETTING		BIT(3)
#define VMX_PROC_HLT_EXITING		BIT(7)
#define VMX_PROC_MWAIT_EXITING		BIT(10)
#define VMX_PROC_TPR_SHADOW		BIT(21)
#define VMX_PROC_MOV_DR_EXITING		BIT(23)
#define VMX_PROC_UNCOND_IO_EXITING	BIT(24)
#define VMX_PROC_MSR_BITMAPS		BIT(28)
#define VMX_PROC_MONITOR_EXITING	BIT(29)
#define VMX_PROC_SECONDARY		BIT(31)

#define VMX_PROC2_EPT			BIT(1)
#define VMX_PROC2_VPID			BIT(5)
#define VMX_PROC2_UNRESTRICTED		BIT(7)
#define VMX_PROC2_PAUSE_LOOP		BIT(10)

#define VMX_EXIT_SAVE_DEBUG		BIT(2)
#define VMX_EXIT_HOST_64		BIT(9)
#define VMX_EXIT_SAVE_PAT		BIT(18)
#define VMX_EXIT_LOAD_PAT		BIT(19)
#define VMX_EXIT_SAVE_EFER		BIT(20)
#define VMX_EXIT_LOAD_EFER		BIT(21)

#define VMX_ENTRY_LOAD_DEBUG		BIT(2)
#define VMX_ENTRY_IA32E_GUEST		BIT(9)
#define VMX_ENTRY_LOAD_PAT		BIT(14)
#define VMX_ENTRY_LOAD_EFER		BIT(15)

/* IA32_VMX_BASIC and IA32_VMX_EPT_VPID_CAP bits the configuration reads. */
#define VMX_BASIC_HAS_INS_OUTS_INFO	BIT_ULL(54)
#define VMX_BASIC_HAS_TRUE_CTLS		BIT_ULL(55)
#define VMX_EPT_CAP_WALK_5		BIT_ULL(7)
#define VMX_EPT_CAP_INVEPT		BIT_ULL(20)
#define VMX_EPT_CAP_INVEPT_SINGLE	BIT_ULL(25)
#define VMX_EPT_CAP_INVEPT_ALL		BIT_ULL(26)
#define VMX_VPID_CAP_INVVPID		BIT_ULL(32)
#define VMX_VPID_CAP_INVVPID_SINGLE	BIT_ULL(41)
#define VMX_VPID_CAP_INVVPID_ALL	BIT_ULL(42)

/* INVEPT and INVVPID types (SDM 31.3). */
enum {
	VMX_INV_SINGLE = 1,
	VMX_INV_ALL = 2,
};

/* The control MSRs as read (allowed-0 settings in 31:0, allowed-1 in 63:32). */
struct vmx_ctl_msrs {
	u64 basic;
	u64 pin, proc, proc2, exit, entry;
	u64 ept_vpid_cap;
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
};

struct vmx_config {
	u32 pin, proc, proc2, exit, entry;
	bool vpid;		/* VPIDs tag the guest's TLB entries */
	bool ins_outs_info;	/* INS/OUTS exits name segment and address size */
	bool ept_walk_5;	/* EPT can walk 5 levels (for an LA57 host) */
	bool pause_loop;	/* a guest spinning on PAUSE exits */
	int invept;		/* VMX_INV_*: the narrowest INVEPT there is */
	int invvpid;		/* ...and INVVPID (0 without VPID) */
	/*
	 * CR0 and CR4 bits the hardware needs 1 (fixed0) or 0 (~fixed1) while
	 * a guest runs; with unrestricted guest, CR0.PE and CR0.PG are free.
	 */
	u64 cr0_must1, cr0_may1, cr4_must1, cr4_may1;
};

/*
 * NULL and @cfg filled, or why the CPU cannot give thinvm's VMCS: a string
 * constant naming the first control or capability missing.
 */
const char *vmx_config_compute(const struct vmx_ctl_msrs *msrs,
			       struct vmx_config *cfg);

#endif
