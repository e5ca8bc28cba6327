// SPDX-License-Identifier: GPL-2.0
/*
 * Intel VMX: turning it on and off per CPU (CR4.VMXE allows VMXON, which
 * takes a per-CPU region stamped with the VMCS revision identifier), the VMCS
 * configuration computed once at load, and the vCPU objects. vmcs.c keeps
 * track of where each VMCS is active, guest_state.c holds the guest's
 * registers, run.c the entry and the exits.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/idr.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string_helpers.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <asm/asm.h>
#include <asm/msr.h>
#include <asm/msr-index.h>
#include <asm/perf_event.h>
#include <asm/processor.h>
#include <asm/tlbflush.h>

#include "../admission_rules.h"
#include "../hwcaps.h"
#include "vmx.h"

static DEFINE_PER_CPU(struct page *, vmxon_page);
struct vmx_config vmx_cfg;
/* VPID 0 is the host's. */
static DEFINE_IDA(vpids);

/* The control MSRs the configuration comes from, as thinvm may use them. */
static void read_ctl_msrs(struct vmx_ctl_msrs *m)
{
	bool true_ctls;

	*m = (struct vmx_ctl_msrs){};
	rdmsrl_safe(MSR_IA32_VMX_BASIC, &m->basic);
	true_ctls = m->basic & VMX_BASIC_HAS_TRUE_CTLS;
#define READ_CTL(field, index) \
	if (!rdmsrl_safe(index, &m->field)) \
		m->field = thinvm_vmx_own_msr(index, m->field)
	READ_CTL(pin, true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS : MSR_IA32_VMX_PINBASED_CTLS);
	READ_CTL(proc, true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS : MSR_IA32_VMX_PROCBASED_CTLS);
	READ_CTL(proc2, MSR_IA32_VMX_PROCBASED_CTLS2);
	READ_CTL(exit, true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS : MSR_IA32_VMX_EXIT_CTLS);
	READ_CTL(entry, true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS : MSR_IA32_VMX_ENTRY_CTLS);
	READ_CTL(ept_vpid_cap, MSR_IA32_VMX_EPT_VPID_CAP);
	READ_CTL(cr0_fixed0, MSR_IA32_VMX_CR0_FIXED0);
	READ_CTL(cr0_fixed1, MSR_IA32_VMX_CR0_FIXED1);
	READ_CTL(cr4_fixed0, MSR_IA32_VMX_CR4_FIXED0);
	READ_CTL(cr4_fixed1, MSR_IA32_VMX_CR4_FIXED1);
#undef READ_CTL
}

/*
 * EPT follows the host's paging depth, as NPT does: 5 levels on an LA57
 * host whose CPU can walk them, else 4 (which hwcaps.c requires).
 */
static int vmx_mmu_levels(void)
{
	return (__read_cr4() & X86_CR4_LA57) && vmx_cfg.ept_walk_5 ? 5 : 4;
}

static const char *vmx_read_caps(struct thinvm_vmx_caps *caps)
{
	caps->leaf1_ecx = cpuid_ecx(1);
	if (!(caps->leaf1_ecx & BIT(5)))
		return NULL;
	if (rdmsrl_safe(MSR_IA32_FEAT_CTL, &caps->feature_control) ||
	    rdmsrl_safe(MSR_IA32_VMX_BASIC, &caps->basic) ||
	    rdmsrl_safe(MSR_IA32_VMX_PROCBASED_CTLS, &caps->procbased))
		return "VMX capability MSRs are not readable";
	if (!(caps->procbased >> 32 & BIT(31)))
		return NULL;
	if (rdmsrl_safe(MSR_IA32_VMX_PROCBASED_CTLS2, &caps->procbased2))
		return "IA32_VMX_PROCBASED_CTLS2 is not readable";
	/* EPT_VPID_CAP exists only if EPT or VPID may be enabled. */
	if (caps->procbased2 >> 32 & (BIT(1) | BIT(5)) &&
	    rdmsrl_safe(MSR_IA32_VMX_EPT_VPID_CAP, &caps->ept_vpid_cap))
		return "IA32_VMX_EPT_VPID_CAP is not readable";
	return NULL;
}

static const char *vmx_cpu_missing(void)
{
	struct thinvm_vmx_caps caps = {};
	const char *why = vmx_read_caps(&caps);
	struct vmx_ctl_msrs msrs;
	struct vmx_config cfg;

	if (!why)
		why = thinvm_vmx_missing(&caps);
	if (why)
		return why;
	read_ctl_msrs(&msrs);
	return vmx_config_compute(&msrs, &cfg);
}

/*
 * An MSR for the snapshot: 0 where the CPU has none, and a control MSR as
 * thinvm's own VMCS may use it (on Hyper-V with eVMCS, what eVMCS carries).
 */
static u64 msr_or_zero(u32 index)
{
	u64 v;

	return rdmsrl_safe(index, &v) ? 0 : thinvm_vmx_own_msr(index, v);
}

/*
 * The golden-snapshot fields (admission.c): feature control and every
 * capability MSR a VMCS configuration is computed from, the "true" control
 * MSRs where IA32_VMX_BASIC says they exist. CPUs equal in these compute
 * the same configuration; one that differs could fail a VM entry another
 * CPU accepts.
 */
static void vmx_snapshot(struct thinvm_caps_snapshot *s)
{
	bool true_ctls;
	u64 basic;

	/* Lock, VMXON inside and outside SMX. */
	thinvm_caps_add(s, "IA32_FEATURE_CONTROL[2:0]",
			msr_or_zero(MSR_IA32_FEAT_CTL) & 7);
	if (!(cpuid_ecx(1) & BIT(5))) {
		thinvm_caps_add(s, "CPUID.1:ECX.VMX", 0);
		return;
	}
	basic = msr_or_zero(MSR_IA32_VMX_BASIC);
	true_ctls = basic & BIT_ULL(55);
	thinvm_caps_add(s, "IA32_VMX_BASIC", basic);
	thinvm_caps_add(s, "IA32_VMX_PINBASED_CTLS",
			msr_or_zero(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS :
					       MSR_IA32_VMX_PINBASED_CTLS));
	thinvm_caps_add(s, "IA32_VMX_PROCBASED_CTLS",
			msr_or_zero(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
					       MSR_IA32_VMX_PROCBASED_CTLS));
	thinvm_caps_add(s, "IA32_VMX_PROCBASED_CTLS2",
			msr_or_zero(MSR_IA32_VMX_PROCBASED_CTLS2));
	thinvm_caps_add(s, "IA32_VMX_EXIT_CTLS",
			msr_or_zero(true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS :
					       MSR_IA32_VMX_EXIT_CTLS));
	thinvm_caps_add(s, "IA32_VMX_ENTRY_CTLS",
			msr_or_zero(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS :
					       MSR_IA32_VMX_ENTRY_CTLS));
	thinvm_caps_add(s, "IA32_VMX_MISC", msr_or_zero(MSR_IA32_VMX_MISC));
	thinvm_caps_add(s, "IA32_VMX_EPT_VPID_CAP",
			msr_or_zero(MSR_IA32_VMX_EPT_VPID_CAP));
	thinvm_caps_add(s, "IA32_VMX_CR0_FIXED0", msr_or_zero(MSR_IA32_VMX_CR0_FIXED0));
	thinvm_caps_add(s, "IA32_VMX_CR0_FIXED1", msr_or_zero(MSR_IA32_VMX_CR0_FIXED1));
	thinvm_caps_add(s, "IA32_VMX_CR4_FIXED0", msr_or_zero(MSR_IA32_VMX_CR4_FIXED0));
	thinvm_caps_add(s, "IA32_VMX_CR4_FIXED1", msr_or_zero(MSR_IA32_VMX_CR4_FIXED1));
}

static void vmx_unsetup(void)
{
	vmx_vmcs_unsetup();
	thinvm_cpu_pages_free(&vmxon_page);
}

static int vmx_setup(void)
{
	struct vmx_ctl_msrs msrs;
	const char *why;
	u64 basic;
	int cpu, r;

	/* Every CPU has the same MSRs (the golden snapshot), so one will do. */
	read_ctl_msrs(&msrs);
	why = vmx_config_compute(&msrs, &vmx_cfg);
	if (WARN_ON_ONCE(why))	/* vmx_cpu_missing() passed on this CPU */
		return -EOPNOTSUPP;
	pr_info("VMX: VPID %s, INS/OUTS information %s, PAUSE-loop exiting %s, %d-level EPT\n",
		str_yes_no(vmx_cfg.vpid), str_yes_no(vmx_cfg.ins_outs_info),
		str_yes_no(vmx_cfg.pause_loop), vmx_mmu_levels());
	vmx_run_setup();
	r = thinvm_cpu_pages_alloc(&vmxon_page);
	if (!r)
		r = vmx_vmcs_setup();
	if (r) {
		vmx_unsetup();
		return r;
	}
	/* Every online CPU passed vmx_cpu_missing(), so this is readable. */
	rdmsrl(MSR_IA32_VMX_BASIC, basic);
	for_each_possible_cpu(cpu)
		*(u32 *)page_address(per_cpu(vmxon_page, cpu)) =
			thinvm_vmx_revision(basic);
	return 0;
}

static int vmxon(u64 pa)
{
	asm goto("1: vmxon %[pa]\n\t"
		 "jna %l[fail]\n\t"
		 _ASM_EXTABLE(1b, %l[fail])
		 : : [pa] "m" (pa) : "cc", "memory" : fail);
	return 0;
fail:
	return -EIO;
}

static int vmx_enable_cpu(void)
{
	int r;

	if (__read_cr4() & X86_CR4_VMXE)
		return -EBUSY;
	/* Intel PT must not trace in VMX operation where it cannot. */
	intel_pt_handle_vmx(1);
	cr4_set_bits(X86_CR4_VMXE);
	r = vmxon(page_to_phys(this_cpu_read(vmxon_page)));
	/* virt.c logs the failure, once, outside IPI context. */
	if (r) {
		cr4_clear_bits(X86_CR4_VMXE);
		intel_pt_handle_vmx(0);
	}
	return r;
}

static void vmx_disable_cpu(void)
{
	/* VMXOFF leaves active VMCSs undefined: write them back first. */
	vmx_clear_loaded_vmcss();
	asm goto("1: vmxoff\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : : "cc", "memory" : fault);
fault:
	cr4_clear_bits(X86_CR4_VMXE);
	intel_pt_handle_vmx(0);
}

static bool vmx_hw_enabled(void)
{
	return __read_cr4() & X86_CR4_VMXE;
}


/* EPT entries: read, write, execute; leaves write-back (SDM 29.3.2). */
#define EPT_R		BIT_ULL(0)
#define EPT_W		BIT_ULL(1)
#define EPT_X		BIT_ULL(2)
#define EPT_MT_WB	(6ULL << 3)

static const struct thinvm_pte_format vmx_pte = {
	.table = EPT_R | EPT_W | EPT_X,
	.leaf_rw = EPT_R | EPT_W | EPT_X | EPT_MT_WB,
	.leaf_ro = EPT_R | EPT_X | EPT_MT_WB,
};

static void vmx_vcpu_free(struct thinvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	vmx_vmcs_clear(vmx);
	if (vmx->vpid)
		ida_free(&vpids, vmx->vpid);
	free_page((unsigned long)vmx->vapic);
	free_page((unsigned long)vmx->vmcs);
	kfree(vmx);
}

static int vmx_vcpu_create(struct thinvm_vcpu *vcpu)
{
	struct thinvm_mmu *mmu = &vcpu->vm->mmu;
	struct vmx_vcpu *vmx;
	u64 basic, eptp;
	int vpid = 0;

	vmx = kzalloc(sizeof(*vmx), GFP_KERNEL_ACCOUNT);
	if (!vmx)
		return -ENOMEM;
	vmx->vcpu = vcpu;
	vmx->loaded_cpu = -1;
	INIT_LIST_HEAD(&vmx->loaded_link);
	vmx->vmcs = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	vmx->vapic = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (vmx_cfg.vpid)
		vpid = ida_alloc_range(&vpids, 1, 0xffff, GFP_KERNEL);
	/* Out of VPIDs: run untagged, flushed at every entry and exit. */
	vmx->vpid = vpid > 0 ? vpid : 0;
	vcpu->arch = vmx;
	if (!vmx->vmcs || !vmx->vapic) {
		vmx_vcpu_free(vcpu);
		return -ENOMEM;
	}
	rdmsrl(MSR_IA32_VMX_BASIC, basic);
	*(u32 *)vmx->vmcs = thinvm_vmx_revision(basic);
	vmx->vmcs_pa = __pa(vmx->vmcs);
	/* Write-back paging structures, the walk as deep as the MMU. */
	eptp = __pa(mmu->root) | (u64)(mmu->levels - 1) << 3 | VMX_EPTP_MT_WB;
	vmx_get(vmx);
	vmx_vmcs_init(vmx, eptp);
	vmx_put(vmx);
	return 0;
}

const struct thinvm_backend thinvm_vmx = {
	.name = "vmx",
	.owner_bit = "CR4.VMXE",
	.cpu_missing = vmx_cpu_missing,
	.snapshot = vmx_snapshot,
	.setup = vmx_setup,
	.unsetup = vmx_unsetup,
	.enable_cpu = vmx_enable_cpu,
	.disable_cpu = vmx_disable_cpu,
	.hw_enabled = vmx_hw_enabled,
	.pte = &vmx_pte,
	.mmu_levels = vmx_mmu_levels,
	.vcpu_create = vmx_vcpu_create,
	.vcpu_free = vmx_vcpu_free,
	.get_sregs = vmx_get_sregs,
	.get_view = vmx_get_view,
	.set_sregs = vmx_set_sregs,
	.vcpu_run = vmx_vcpu_run,
	.run_end = vmx_run_end,
	.get_msr = vmx_get_msr,
	.set_msr = vmx_set_msr,
	.msr_env = vmx_msr_env,
	.get_cr4 = vmx_get_cr4,
};
