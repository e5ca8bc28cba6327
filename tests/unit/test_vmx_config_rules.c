// SPDX-License-Identifier: GPL-2.0
/* The VMCS configuration (kmod/vmx/config_rules.c), compiled for the host. */
#include <criterion/criterion.h>
#include <string.h>

#include "vmx/config_rules.h"

#define CR0_PE	0x1ull
#define CR0_NE	0x20ull
#define CR0_PG	0x80000000ull
#define CR4_VMXE 0x2000ull
#define PROC_CR3_LOAD_EXITING (1u << 15)

/* The true control MSRs of a Skylake server CPU (values as Linux prints them). */
static struct vmx_ctl_msrs skylake(void)
{
	return (struct vmx_ctl_msrs){
		.basic = 0x00da040000000004ull,
		.pin = 0x0000007f00000016ull,
		.proc = 0xfff9fffe04006172ull,
		.proc2 = 0x00553cfe00000000ull,
		.exit = 0x01ffffff00036dfbull,
		.entry = 0x0003ffff000011fbull,
		.ept_vpid_cap = 0x00000f0106734141ull,
		.cr0_fixed0 = 0x80000021ull, .cr0_fixed1 = 0xffffffffull,
		.cr4_fixed0 = 0x2000ull, .cr4_fixed1 = 0x3767ffull,
	};
}

Test(vmx_config, a_full_cpu_gets_every_control)
{
	struct vmx_ctl_msrs m = skylake();
	struct vmx_config cfg;

	cr_assert_null(vmx_config_compute(&m, &cfg));
	cr_assert_eq(cfg.pin & (VMX_PIN_EXT_INTR_EXITING | VMX_PIN_NMI_EXITING),
		     VMX_PIN_EXT_INTR_EXITING | VMX_PIN_NMI_EXITING);
	cr_assert(cfg.proc & VMX_PROC_TPR_SHADOW && cfg.proc & VMX_PROC_MSR_BITMAPS &&
		  cfg.proc & VMX_PROC_UNCOND_IO_EXITING && cfg.proc & VMX_PROC_SECONDARY);
	cr_assert(cfg.proc2 & VMX_PROC2_EPT && cfg.proc2 & VMX_PROC2_UNRESTRICTED);
	cr_assert(cfg.vpid && cfg.proc2 & VMX_PROC2_VPID);
	cr_assert(cfg.exit & VMX_EXIT_HOST_64 && cfg.exit & VMX_EXIT_LOAD_EFER &&
		  cfg.exit & VMX_EXIT_SAVE_DEBUG);
	cr_assert(cfg.entry & VMX_ENTRY_LOAD_EFER && cfg.entry & VMX_ENTRY_LOAD_DEBUG);
	cr_assert_eq(cfg.entry & VMX_ENTRY_IA32E_GUEST, 0);
	cr_assert_eq(cfg.invept, VMX_INV_SINGLE);
	cr_assert_eq(cfg.invvpid, VMX_INV_SINGLE);
	cr_assert(cfg.ins_outs_info);
	cr_assert(!cfg.ept_walk_5);
}

Test(vmx_config, controls_the_cpu_requires_stay_set)
{
	struct vmx_ctl_msrs m = skylake();
	struct vmx_config cfg;

	/* Bits 1, 2 and 4 of the pin-based controls are "default1". */
	cr_assert_null(vmx_config_compute(&m, &cfg));
	cr_assert_eq(cfg.pin & 0x16, 0x16);
	/* The non-true MSR forces CR3-load exiting: it stays on, run.c copes. */
	m.proc |= PROC_CR3_LOAD_EXITING;
	cr_assert_null(vmx_config_compute(&m, &cfg));
	cr_assert(cfg.proc & PROC_CR3_LOAD_EXITING);
	/* Nothing thinvm does not want and the CPU does not force is set. */
	cr_assert_eq(cfg.proc2 & ~(VMX_PROC2_EPT | VMX_PROC2_UNRESTRICTED | VMX_PROC2_VPID |
				   VMX_PROC2_PAUSE_LOOP), 0);
}

Test(vmx_config, unrestricted_guest_frees_pe_and_pg)
{
	struct vmx_ctl_msrs m = skylake();
	struct vmx_config cfg;

	cr_assert_null(vmx_config_compute(&m, &cfg));
	cr_assert_eq(cfg.cr0_must1, CR0_NE);
	cr_assert(cfg.cr0_may1 & CR0_PE && cfg.cr0_may1 & CR0_PG);
	cr_assert_eq(cfg.cr4_must1, CR4_VMXE);
	cr_assert_eq(cfg.cr4_may1, 0x3767ffull);
}

/* Each required control, where it lives and the word the refusal uses. */
static const struct {
	int field;	/* 0 pin, 1 proc, 2 proc2, 3 exit, 4 entry */
	unsigned int bit;
	const char *word;
} required[] = {
	{ 0, VMX_PIN_EXT_INTR_EXITING, "external-interrupt" },
	{ 0, VMX_PIN_NMI_EXITING, "NMI" },
	{ 1, VMX_PROC_TSC_OFFSETTING, "TSC" },
	{ 1, VMX_PROC_HLT_EXITING, "HLT" },
	{ 1, VMX_PROC_MWAIT_EXITING, "MWAIT" },
	{ 1, VMX_PROC_MONITOR_EXITING, "MONITOR" },
	{ 1, VMX_PROC_TPR_SHADOW, "TPR" },
	{ 1, VMX_PROC_MOV_DR_EXITING, "MOV-DR" },
	{ 1, VMX_PROC_UNCOND_IO_EXITING, "I/O" },
	{ 1, VMX_PROC_MSR_BITMAPS, "MSR bitmaps" },
	{ 1, VMX_PROC_SECONDARY, "secondary" },
	{ 2, VMX_PROC2_EPT, "EPT" },
	{ 2, VMX_PROC2_UNRESTRICTED, "unrestricted" },
	{ 3, VMX_EXIT_HOST_64, "64-bit host" },
	{ 3, VMX_EXIT_SAVE_PAT, "save IA32_PAT" },
	{ 3, VMX_EXIT_LOAD_PAT, "load IA32_PAT at VM exit" },
	{ 3, VMX_EXIT_SAVE_EFER, "save IA32_EFER" },
	{ 3, VMX_EXIT_LOAD_EFER, "load IA32_EFER at VM exit" },
	{ 4, VMX_ENTRY_LOAD_PAT, "load IA32_PAT at VM entry" },
	{ 4, VMX_ENTRY_LOAD_EFER, "load IA32_EFER at VM entry" },
};

static u64 *field(struct vmx_ctl_msrs *m, int f)
{
	u64 *fields[] = { &m->pin, &m->proc, &m->proc2, &m->exit, &m->entry };

	return fields[f];
}

Test(vmx_config, each_missing_control_is_named)
{
	unsigned int i;

	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		struct vmx_ctl_msrs m = skylake();
		struct vmx_config cfg;
		const char *why;

		*field(&m, required[i].field) &= ~((u64)required[i].bit << 32);
		why = vmx_config_compute(&m, &cfg);
		cr_assert_not_null(why, "control %u accepted", i);
		cr_assert(strstr(why, required[i].word), "'%s' lacks '%s'", why,
			  required[i].word);
	}
}

Test(vmx_config, pause_loop_exiting_is_optional)
{
	struct vmx_ctl_msrs m = skylake();
	struct vmx_config cfg;

	cr_assert_null(vmx_config_compute(&m, &cfg));
	cr_assert(cfg.pause_loop && cfg.proc2 & VMX_PROC2_PAUSE_LOOP);
	m.proc2 &= ~((u64)VMX_PROC2_PAUSE_LOOP << 32);
	cr_assert_null(vmx_config_compute(&m, &cfg));
	cr_assert(!cfg.pause_loop);
	cr_assert_eq(cfg.proc2 & VMX_PROC2_PAUSE_LOOP, 0);
}

Test(vmx_config, vpid_is_optional_and_needs_invvpid)
{
	struct vmx_ctl_msrs m = skylake();
	struct vmx_config cfg;

	m.proc2 &= ~((u64)VMX_PROC2_VPID << 32);
	cr_assert_null(vmx_config_compute(&m, &cfg));
	cr_assert(!cfg.vpid);
	cr_assert_eq(cfg.proc2 & VMX_PROC2_VPID, 0);
	cr_assert_eq(cfg.invvpid, 0);

	m = skylake();
	m.ept_vpid_cap &= ~(VMX_VPID_CAP_INVVPID_SINGLE | VMX_VPID_CAP_INVVPID_ALL);
	cr_assert_null(vmx_config_compute(&m, &cfg));
	cr_assert(!cfg.vpid);
	cr_assert_eq(cfg.proc2 & VMX_PROC2_VPID, 0);

	m = skylake();
	m.ept_vpid_cap &= ~VMX_VPID_CAP_INVVPID_SINGLE;
	cr_assert_null(vmx_config_compute(&m, &cfg));
	cr_assert(cfg.vpid);
	cr_assert_eq(cfg.invvpid, VMX_INV_ALL);
}

Test(vmx_config, invept_kinds)
{
	struct vmx_ctl_msrs m = skylake();
	struct vmx_config cfg;

	m.ept_vpid_cap &= ~VMX_EPT_CAP_INVEPT_SINGLE;
	cr_assert_null(vmx_config_compute(&m, &cfg));
	cr_assert_eq(cfg.invept, VMX_INV_ALL);
	m.ept_vpid_cap &= ~VMX_EPT_CAP_INVEPT_ALL;
	cr_assert(strstr(vmx_config_compute(&m, &cfg), "INVEPT"));
	m = skylake();
	m.ept_vpid_cap &= ~VMX_EPT_CAP_INVEPT;
	cr_assert(strstr(vmx_config_compute(&m, &cfg), "lacks INVEPT"));
}

Test(vmx_config, a_forced_ia32e_guest_is_refused)
{
	struct vmx_ctl_msrs m = skylake();
	struct vmx_config cfg;

	m.entry |= VMX_ENTRY_IA32E_GUEST;
	cr_assert(strstr(vmx_config_compute(&m, &cfg), "IA-32e"));
}

Test(vmx_config, five_level_ept_is_seen)
{
	struct vmx_ctl_msrs m = skylake();
	struct vmx_config cfg;

	m.ept_vpid_cap |= VMX_EPT_CAP_WALK_5;
	cr_assert_null(vmx_config_compute(&m, &cfg));
	cr_assert(cfg.ept_walk_5);
}
