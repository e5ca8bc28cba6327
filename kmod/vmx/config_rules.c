// SPDX-License-Identifier: GPL-2.0
/* The VMCS configuration from the capability MSRs (config_rules.h). */
#include "config_rules.h"

#define CR0_PE	BIT_ULL(0)
#define CR0_PG	BIT_ULL(31)

enum ctl_field { PIN, PROC, PROC2, EXIT, ENTRY, NR_FIELDS };

/* One control thinvm sets, and what to say when the CPU does not allow it. */
struct control {
	enum ctl_field field;
	u32 bit;
	bool required;
	const char *missing;
};

static const struct control controls[] = {
	/* Host interrupts and NMIs leave the guest, so the host takes them. */
	{ PIN, VMX_PIN_EXT_INTR_EXITING, true, "the CPU lacks external-interrupt exiting" },
	{ PIN, VMX_PIN_NMI_EXITING, true, "the CPU lacks NMI exiting" },
	{ PROC, VMX_PROC_TSC_OFFSETTING, true, "the CPU lacks TSC offsetting" },
	{ PROC, VMX_PROC_HLT_EXITING, true, "the CPU lacks HLT exiting" },
	{ PROC, VMX_PROC_MWAIT_EXITING, true, "the CPU lacks MWAIT exiting" },
	{ PROC, VMX_PROC_MONITOR_EXITING, true, "the CPU lacks MONITOR exiting" },
	/* Without it, MOV to CR8 in the guest would write the host's TPR. */
	{ PROC, VMX_PROC_TPR_SHADOW, true, "the CPU lacks the TPR shadow" },
	{ PROC, VMX_PROC_MOV_DR_EXITING, true, "the CPU lacks MOV-DR exiting" },
	{ PROC, VMX_PROC_UNCOND_IO_EXITING, true, "the CPU lacks unconditional I/O exiting" },
	{ PROC, VMX_PROC_MSR_BITMAPS, true, "the CPU lacks MSR bitmaps" },
	{ PROC, VMX_PROC_SECONDARY, true, "the CPU lacks the secondary controls" },
	{ PROC2, VMX_PROC2_EPT, true, "the CPU lacks EPT" },
	{ PROC2, VMX_PROC2_UNRESTRICTED, true, "the CPU lacks unrestricted guest" },
	{ PROC2, VMX_PROC2_VPID, false, NULL },
	/* A vCPU spinning on a lock whose holder is preempted gives way. */
	{ PROC2, VMX_PROC2_PAUSE_LOOP, false, NULL },
	{ EXIT, VMX_EXIT_HOST_64, true, "the CPU lacks the 64-bit host exit control" },
	{ EXIT, VMX_EXIT_SAVE_PAT, true, "the CPU cannot save IA32_PAT at VM exit" },
	{ EXIT, VMX_EXIT_LOAD_PAT, true, "the CPU cannot load IA32_PAT at VM exit" },
	{ EXIT, VMX_EXIT_SAVE_EFER, true, "the CPU cannot save IA32_EFER at VM exit" },
	{ EXIT, VMX_EXIT_LOAD_EFER, true, "the CPU cannot load IA32_EFER at VM exit" },
	{ EXIT, VMX_EXIT_SAVE_DEBUG, false, NULL },
	{ ENTRY, VMX_ENTRY_LOAD_PAT, true, "the CPU cannot load IA32_PAT at VM entry" },
	{ ENTRY, VMX_ENTRY_LOAD_EFER, true, "the CPU cannot load IA32_EFER at VM entry" },
	{ ENTRY, VMX_ENTRY_LOAD_DEBUG, false, NULL },
};

const char *vmx_config_compute(const struct vmx_ctl_msrs *m,
			       struct vmx_config *cfg)
{
	const u64 msr[NR_FIELDS] = {
		[PIN] = m->pin, [PROC] = m->proc, [PROC2] = m->proc2,
		[EXIT] = m->exit, [ENTRY] = m->entry,
	};
	u32 ctl[NR_FIELDS];
	unsigned int i;

	*cfg = (struct vmx_config){ 0 };
	/* What the CPU requires (allowed-0 settings of 1) is always set. */
	for (i = 0; i < NR_FIELDS; i++)
		ctl[i] = (u32)msr[i];
	for (i = 0; i < sizeof(controls) / sizeof(controls[0]); i++) {
		const struct control *c = &controls[i];
		bool allowed = (msr[c->field] >> 32) & c->bit;

		if (allowed)
			ctl[c->field] |= c->bit;
		else if (c->required)
			return c->missing;
	}
	/* The guest's mode is set at each entry from its EFER.LMA. */
	if (ctl[ENTRY] & VMX_ENTRY_IA32E_GUEST)
		return "the CPU requires the IA-32e mode guest entry control";

	if (!(m->ept_vpid_cap & VMX_EPT_CAP_INVEPT))
		return "the CPU lacks INVEPT";
	cfg->invept = m->ept_vpid_cap & VMX_EPT_CAP_INVEPT_SINGLE ? VMX_INV_SINGLE :
		      m->ept_vpid_cap & VMX_EPT_CAP_INVEPT_ALL ? VMX_INV_ALL : 0;
	if (!cfg->invept)
		return "the CPU has neither single-context nor all-context INVEPT";
	/* VPIDs are used only where they can be flushed, one or all. */
	if (ctl[PROC2] & VMX_PROC2_VPID && m->ept_vpid_cap & VMX_VPID_CAP_INVVPID)
		cfg->invvpid = m->ept_vpid_cap & VMX_VPID_CAP_INVVPID_SINGLE ? VMX_INV_SINGLE :
			       m->ept_vpid_cap & VMX_VPID_CAP_INVVPID_ALL ? VMX_INV_ALL : 0;
	if (!cfg->invvpid) {
		if ((u32)m->proc2 & VMX_PROC2_VPID)
			return "the CPU requires VPIDs but cannot flush them";
		ctl[PROC2] &= ~VMX_PROC2_VPID;
	}

	cfg->pin = ctl[PIN];
	cfg->proc = ctl[PROC];
	cfg->proc2 = ctl[PROC2];
	cfg->exit = ctl[EXIT];
	cfg->entry = ctl[ENTRY];
	cfg->vpid = cfg->proc2 & VMX_PROC2_VPID;
	cfg->ins_outs_info = m->basic & VMX_BASIC_HAS_INS_OUTS_INFO;
	cfg->ept_walk_5 = m->ept_vpid_cap & VMX_EPT_CAP_WALK_5;
	cfg->pause_loop = cfg->proc2 & VMX_PROC2_PAUSE_LOOP;
	/* Unrestricted guest frees CR0.PE and CR0.PG of the fixed bits. */
	cfg->cr0_must1 = m->cr0_fixed0 & ~(CR0_PE | CR0_PG);
	cfg->cr0_may1 = m->cr0_fixed1 | CR0_PE | CR0_PG;
	cfg->cr4_must1 = m->cr4_fixed0;
	cfg->cr4_may1 = m->cr4_fixed1;
	return NULL;
}
