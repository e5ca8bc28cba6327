// SPDX-License-Identifier: GPL-2.0
/*
 * Where a vCPU's VMCS is active, and what it holds besides the guest.
 *
 * A VMCS is active on at most one CPU (SDM 25.1): after VMPTRLD on CPU A it
 * may be cached inside A, so before B may load it, A must VMCLEAR it, which
 * writes it back to memory. Each CPU keeps a list of the VMCSs active on it,
 * changed only on that CPU with IRQs off, so that VMXOFF (hotplug, reboot)
 * can clear them all first; a vCPU thread that moved asks the old CPU, by IPI,
 * to clear its VMCS, as KVM does (loaded_vmcs_clear).
 *
 * Host state that differs per CPU (TR, GDT and IDT bases, the per-CPU GS
 * base and SYSENTER stack) is written when the VMCS arrives on a CPU; what
 * changes per task or over time (CR3, CR4, FS) before each entry.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <asm/cpu_entry_area.h>
#include <asm/desc.h>
#include <asm/fsgsbase.h>
#include <asm/msr.h>
#include <asm/segment.h>
#include <asm/special_insns.h>
#include <asm/mmu_context.h>
#include <asm/tlbflush.h>
#include <asm/traps.h>

#include "vmx.h"

static DEFINE_PER_CPU(struct list_head, loaded_vmcss);
static DEFINE_PER_CPU(struct vmx_vcpu *, current_vmx);
/* Every MSR access exits: one bitmap of ones serves every VMCS. */
static struct page *msr_bitmap;

int vmx_vmcs_setup(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		INIT_LIST_HEAD(&per_cpu(loaded_vmcss, cpu));
	msr_bitmap = alloc_page(GFP_KERNEL);
	if (!msr_bitmap)
		return -ENOMEM;
	memset(page_address(msr_bitmap), 0xff, PAGE_SIZE);
	return 0;
}

void vmx_vmcs_unsetup(void)
{
	if (msr_bitmap)
		__free_page(msr_bitmap);
	msr_bitmap = NULL;
}

static void vmclear(u64 pa)
{
	asm volatile("1: vmclear %[pa]\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : : [pa] "m" (pa) : "cc", "memory");
}

static void vmptrld(u64 pa)
{
	asm volatile("1: vmptrld %[pa]\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : : [pa] "m" (pa) : "cc", "memory");
}

/* On the VMCS's CPU, IRQs off. */
static void clear_here(struct vmx_vcpu *vmx)
{
	if (vmx->loaded_cpu != smp_processor_id())
		return;		/* cleared already (VMXOFF came first) */
	vmclear(vmx->vmcs_pa);
	if (this_cpu_read(current_vmx) == vmx)
		this_cpu_write(current_vmx, NULL);
	list_del(&vmx->loaded_link);
	vmx->launched = false;
	/* The list change and the VMCLEAR before anyone may load it again. */
	smp_store_release(&vmx->loaded_cpu, -1);
}

static void clear_ipi(void *arg)
{
	clear_here(arg);
}

void vmx_clear_loaded_vmcss(void)
{
	struct vmx_vcpu *vmx, *tmp;

	list_for_each_entry_safe(vmx, tmp, this_cpu_ptr(&loaded_vmcss),
				 loaded_link)
		clear_here(vmx);
	this_cpu_write(current_vmx, NULL);
}

void vmx_vmcs_clear(struct vmx_vcpu *vmx)
{
	int cpu = smp_load_acquire(&vmx->loaded_cpu);

	/*
	 * A CPU going offline turns VMX off (and clears this) while it is
	 * still online, so an IPI that fails found it cleared already.
	 */
	if (cpu >= 0)
		smp_call_function_single(cpu, clear_ipi, vmx, 1);
}

/* The TSS descriptor's base, from the GDT (SDM 8.2.3: 16 bytes in 64-bit). */
static unsigned long tss_base(const struct desc_struct *gdt)
{
	const struct ldttss_desc *d = (const void *)&gdt[GDT_ENTRY_TSS];

	return d->base0 | ((unsigned long)d->base1 << 16) |
	       ((unsigned long)d->base2 << 24) | ((unsigned long)d->base3 << 32);
}

/* The VMCS just arrived on this CPU: the host state that is per CPU. */
static void write_cpu_host_state(void)
{
	struct desc_ptr gdt, idt;
	u64 v;

	native_store_gdt(&gdt);
	store_idt(&idt);
	vmcs_write(HOST_GDTR_BASE, gdt.address);
	vmcs_write(HOST_IDTR_BASE, idt.address);
	vmcs_write(HOST_TR_BASE, tss_base((void *)gdt.address));
	rdmsrl(MSR_GS_BASE, v);
	vmcs_write(HOST_GS_BASE, v);
	rdmsrl(MSR_IA32_SYSENTER_ESP, v);
	vmcs_write(HOST_IA32_SYSENTER_ESP, v);
}

static bool load_here(struct vmx_vcpu *vmx)
{
	int cpu = smp_processor_id(), old = smp_load_acquire(&vmx->loaded_cpu);
	bool arrived = old != cpu;

	if (!thinvm_virt_on_this_cpu())
		return false;
	if (arrived) {
		if (old >= 0)
			smp_call_function_single(old, clear_ipi, vmx, 1);
		local_irq_disable();
		/* VMX may have gone off since the check (reboot): look again. */
		if (!thinvm_virt_on_this_cpu()) {
			local_irq_enable();
			return false;
		}
		list_add(&vmx->loaded_link, this_cpu_ptr(&loaded_vmcss));
		vmx->loaded_cpu = cpu;
		local_irq_enable();
		/*
		 * Clear now, inactive, it may be made current (SDM 25.11.3);
		 * a new VMCS needs it once to be launched at all.
		 */
		vmclear(vmx->vmcs_pa);
	}
	vmptrld(vmx->vmcs_pa);
	this_cpu_write(current_vmx, vmx);
	if (arrived) {
		write_cpu_host_state();
		/* This CPU may hold translations from an earlier stay. */
		vmx->flush_ept = vmx->flush_linear = true;
	}
	return true;
}

bool vmx_try_get(struct vmx_vcpu *vmx)
{
	preempt_disable();
	if (likely(this_cpu_read(current_vmx) == vmx) || load_here(vmx))
		return true;
	preempt_enable();
	return false;
}

/*
 * The VMCS current here, however long it takes: on a CPU where VMX is off
 * (going offline), schedule until the scheduler moves the thread on.
 */
void vmx_get(struct vmx_vcpu *vmx)
{
	while (!vmx_try_get(vmx))
		schedule();
}

void vmx_put(struct vmx_vcpu *vmx)
{
	preempt_enable();
}

void vmx_refresh_host_state(struct vmx_vcpu *vmx)
{
	unsigned long cr3 = __get_current_cr3_fast(), cr4 = cr4_read_shadow();
	unsigned long fs_base;
	u16 fs_sel, gs_sel;

	if (unlikely(cr3 != vmx->host_cr3)) {
		vmcs_write(HOST_CR3, cr3);
		vmx->host_cr3 = cr3;
	}
	if (unlikely(cr4 != vmx->host_cr4)) {
		vmcs_write(HOST_CR4, cr4);
		vmx->host_cr4 = cr4;
	}
	/* The VMM thread's TLS; the thread calling KVM_RUN may change. */
	savesegment(fs, fs_sel);
	savesegment(gs, gs_sel);
	if (static_cpu_has(X86_FEATURE_FSGSBASE))
		fs_base = rdfsbase();
	else
		rdmsrl(MSR_FS_BASE, fs_base);
	if (unlikely(fs_base != vmx->host_fs_base)) {
		vmcs_write(HOST_FS_BASE, fs_base);
		vmx->host_fs_base = fs_base;
	}
	/* Selectors with TI or RPL set cannot be host state: run.c reloads. */
	fs_sel = fs_sel & 7 ? 0 : fs_sel;
	gs_sel = gs_sel & 7 ? 0 : gs_sel;
	if (unlikely(fs_sel != vmx->host_fs_sel)) {
		vmcs_write(HOST_FS_SELECTOR, fs_sel);
		vmx->host_fs_sel = fs_sel;
	}
	if (unlikely(gs_sel != vmx->host_gs_sel)) {
		vmcs_write(HOST_GS_SELECTOR, gs_sel);
		vmx->host_gs_sel = gs_sel;
	}
}

/* Host state that is the same on every CPU and for every task. */
static void write_constant_host_state(void)
{
	u64 v;

	vmcs_write(HOST_CR0, read_cr0());
	vmcs_write(HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_write(HOST_SS_SELECTOR, __KERNEL_DS);
	vmcs_write(HOST_DS_SELECTOR, __KERNEL_DS);
	vmcs_write(HOST_ES_SELECTOR, __KERNEL_DS);
	vmcs_write(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	vmcs_write(HOST_RIP, (unsigned long)thinvm_vmx_vmexit);
	rdmsrl(MSR_IA32_SYSENTER_CS, v);
	vmcs_write(HOST_IA32_SYSENTER_CS, v);
	rdmsrl(MSR_IA32_SYSENTER_EIP, v);
	vmcs_write(HOST_IA32_SYSENTER_EIP, v);
	rdmsrl(MSR_IA32_CR_PAT, v);
	vmcs_write(HOST_IA32_PAT, v);
	rdmsrl(MSR_EFER, v);
	vmcs_write(HOST_IA32_EFER, v);
}

/* A fresh VMCS: controls, host state, the guest at reset. VMCS current. */
void vmx_vmcs_init(struct vmx_vcpu *vmx, u64 eptp)
{
	vmcs_write(PIN_BASED_VM_EXEC_CONTROL, vmx_cfg.pin);
	vmcs_write(CPU_BASED_VM_EXEC_CONTROL, vmx_cfg.proc);
	vmcs_write(SECONDARY_VM_EXEC_CONTROL, vmx_cfg.proc2);
	vmcs_write(VM_EXIT_CONTROLS, vmx_cfg.exit);
	vmcs_write(VM_ENTRY_CONTROLS, vmx_cfg.entry);
	/* #UD: AMD's VMMCALL is a hypercall here too (emulate.c). */
	vmcs_write(EXCEPTION_BITMAP, BIT(X86_TRAP_UD));
	vmcs_write(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write(CR3_TARGET_COUNT, 0);
	vmcs_write(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, 0);
	vmcs_write(MSR_BITMAP, page_to_phys(msr_bitmap));
	vmcs_write(VIRTUAL_APIC_PAGE_ADDR, __pa(vmx->vapic));
	vmcs_write(TPR_THRESHOLD, 0);
	vmcs_write(EPT_POINTER, eptp);
	if (vmx_cfg.vpid)
		vmcs_write(VIRTUAL_PROCESSOR_ID, vmx->vpid);
	if (vmx_cfg.pause_loop) {
		/* KVM's defaults: PAUSEs at most 128 cycles apart are one
		 * spin, which exits once it has lasted 4096 cycles. */
		vmcs_write(PLE_GAP, 128);
		vmcs_write(PLE_WINDOW, 4096);
	}
	vmcs_write(VMCS_LINK_POINTER, -1ull);
	/*
	 * Every CR0 and CR4 bit is the host's: the guest reads the shadows,
	 * and each write exits (emulate.c), so the real registers keep the
	 * bits VMX needs and EFER.LMA follows CR0.PG.
	 */
	vmcs_write(CR0_GUEST_HOST_MASK, ~0ul);
	vmcs_write(CR4_GUEST_HOST_MASK, ~0ul);

	write_constant_host_state();
	vmx->host_cr3 = vmx->host_cr4 = vmx->host_fs_base = 0;
	vmx->host_fs_sel = vmx->host_gs_sel = 0;
	vmcs_write(HOST_CR3, 0);
	vmcs_write(HOST_CR4, 0);
	vmcs_write(HOST_FS_BASE, 0);
	vmcs_write(HOST_FS_SELECTOR, 0);
	vmcs_write(HOST_GS_SELECTOR, 0);
	write_cpu_host_state();
	vmx_guest_reset(vmx);
}
