// SPDX-License-Identifier: GPL-2.0
/*
 * The VMCB of a vCPU: its reset state, what it intercepts, and the
 * conversion of its saved state to and from KVM's struct kvm_sregs. The
 * conversions follow KVM's (arch/x86/kvm/svm/svm.c, svm_get_segment) so that
 * state moves between the two unchanged.
 */
#include <linux/mm.h>
#include <asm/svm.h>
#include <asm/traps.h>

#include "svm.h"

/* Architectural reset values (SDM 9.1.1, APM 14.1.3). */
#define SEG_TYPE_LDT		0x2
#define SEG_TYPE_BUSY_TSS16	0x3
#define DR6_RESET		0xffff0ff0ull
#define DR7_RESET		0x400ull
#define PAT_RESET		0x0007040600070406ull

static void intercept(struct vmcb *vmcb, unsigned int bit)
{
	vmcb->control.intercepts[bit / 32] |= 1u << (bit % 32);
}

static void seg_reset(struct vmcb_seg *seg, u16 attrib)
{
	*seg = (struct vmcb_seg){ .limit = 0xffff, .attrib = attrib };
}

/* Power-on state, as KVM gives a new vCPU (init_vmcb, kvm_vcpu_reset). */
void svm_vmcb_reset(struct thinvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb *vmcb = svm->vmcb;
	struct vmcb_save_area *save = &vmcb->save;
	struct vmcb_control_area *ctl = &vmcb->control;
	static const unsigned int intercepts[] = {
		/* Host events: leave the guest so the host takes them. */
		INTERCEPT_INTR, INTERCEPT_NMI, INTERCEPT_SMI,
		/* What thinvm emulates or hands to userspace. */
		INTERCEPT_CPUID, INTERCEPT_HLT, INTERCEPT_IOIO_PROT,
		INTERCEPT_MSR_PROT, INTERCEPT_SHUTDOWN, INTERCEPT_VMMCALL,
		INTERCEPT_XSETBV, INTERCEPT_INVD, INTERCEPT_TASK_SWITCH,
		INTERCEPT_MONITOR, INTERCEPT_MWAIT, INTERCEPT_RDPRU,
		/* CR4 bits must stay within what the guest's CPUID allows. */
		INTERCEPT_CR4_WRITE,
		/* TSC_AUX is the host's: RDTSCP is not offered (#UD). */
		INTERCEPT_RDTSCP,
		/* Intel's VMCALL is a hypercall too (emulate.c). */
		INTERCEPT_EXCEPTION_OFFSET + X86_TRAP_UD,
		/* No nested SVM: these must never run on the real CPU. */
		INTERCEPT_VMRUN, INTERCEPT_VMLOAD, INTERCEPT_VMSAVE,
		INTERCEPT_STGI, INTERCEPT_CLGI, INTERCEPT_SKINIT,
		INTERCEPT_INVLPGA,
	};
	unsigned int i;

	memset(vmcb, 0, PAGE_SIZE);
	for (i = 0; i < ARRAY_SIZE(intercepts); i++)
		intercept(vmcb, intercepts[i]);
	/* Debug registers are not switched: accesses are emulated. */
	ctl->intercepts[INTERCEPT_DR] = 0xffffffff;
	ctl->iopm_base_pa = svm_iopm_pa;
	ctl->msrpm_base_pa = svm_msrpm_pa;
	/* The guest's IF masks only virtual interrupts, never the host's. */
	ctl->int_ctl = V_INTR_MASKING_MASK;
	ctl->nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	ctl->nested_cr3 = __pa(vcpu->vm->mmu.root);
	/* Take a fresh ASID at the next entry (run.c). */
	svm->asid_generation = 0;
	svm->vmcb_dirty = true;
	memset(svm->db, 0, sizeof(svm->db));
	svm->dr7 = DR7_RESET;

	seg_reset(&save->cs, SVM_SELECTOR_P_MASK | SVM_SELECTOR_S_MASK |
		  SVM_SELECTOR_READ_MASK | SVM_SELECTOR_CODE_MASK);
	save->cs.selector = 0xf000;
	save->cs.base = 0xffff0000;
	seg_reset(&save->ds, SVM_SELECTOR_P_MASK | SVM_SELECTOR_S_MASK |
		  SVM_SELECTOR_WRITE_MASK);
	save->es = save->ss = save->fs = save->gs = save->ds;
	seg_reset(&save->gdtr, 0);
	seg_reset(&save->idtr, 0);
	seg_reset(&save->ldtr, SVM_SELECTOR_P_MASK | SEG_TYPE_LDT);
	seg_reset(&save->tr, SVM_SELECTOR_P_MASK | SEG_TYPE_BUSY_TSS16);
	save->cr0 = X86_CR0_NW | X86_CR0_CD | X86_CR0_ET;
	/* The guest never sees SVME; VMRUN needs it. */
	save->efer = EFER_SVME;
	save->dr6 = DR6_RESET;
	save->dr7 = DR7_RESET;
	save->g_pat = PAT_RESET;
}

static void seg_get(const struct vmcb_seg *s, struct kvm_segment *k)
{
	*k = (struct kvm_segment){
		.base = s->base,
		.limit = s->limit,
		.selector = s->selector,
		.type = s->attrib & SVM_SELECTOR_TYPE_MASK,
		.s = !!(s->attrib & SVM_SELECTOR_S_MASK),
		.dpl = (s->attrib >> SVM_SELECTOR_DPL_SHIFT) & 3,
		.present = !!(s->attrib & SVM_SELECTOR_P_MASK),
		.avl = !!(s->attrib & SVM_SELECTOR_AVL_MASK),
		.l = !!(s->attrib & SVM_SELECTOR_L_MASK),
		.db = !!(s->attrib & SVM_SELECTOR_DB_MASK),
		/* The CPU ignores G; a legal value helps moving to VMX. */
		.g = s->limit > 0xfffff,
		/* The VMCB has no "unusable": not present stands for it. */
		.unusable = !(s->attrib & SVM_SELECTOR_P_MASK),
	};
}

static void seg_set(struct vmcb_seg *s, const struct kvm_segment *k)
{
	s->base = k->base;
	s->limit = k->limit;
	s->selector = k->selector;
	s->attrib = 0;
	if (k->unusable)
		return;
	s->attrib = (k->type & SVM_SELECTOR_TYPE_MASK) |
		    (k->s ? SVM_SELECTOR_S_MASK : 0) |
		    ((k->dpl & 3) << SVM_SELECTOR_DPL_SHIFT) |
		    (k->present ? SVM_SELECTOR_P_MASK : 0) |
		    (k->avl ? SVM_SELECTOR_AVL_MASK : 0) |
		    (k->l ? SVM_SELECTOR_L_MASK : 0) |
		    (k->db ? SVM_SELECTOR_DB_MASK : 0) |
		    (k->g ? SVM_SELECTOR_G_MASK : 0);
}

void svm_get_sregs(struct thinvm_vcpu *vcpu, struct kvm_sregs *sregs)
{
	struct vmcb_save_area *save = &to_svm(vcpu)->vmcb->save;

	seg_get(&save->cs, &sregs->cs);
	seg_get(&save->ds, &sregs->ds);
	seg_get(&save->es, &sregs->es);
	seg_get(&save->fs, &sregs->fs);
	seg_get(&save->gs, &sregs->gs);
	seg_get(&save->ss, &sregs->ss);
	seg_get(&save->tr, &sregs->tr);
	seg_get(&save->ldtr, &sregs->ldt);
	/* As KVM reports them (svm_get_segment's fix-ups). */
	sregs->tr.type |= 2;
	if (!sregs->ds.unusable)
		sregs->ds.type |= 1;
	if (!sregs->es.unusable)
		sregs->es.type |= 1;
	if (!sregs->fs.unusable)
		sregs->fs.type |= 1;
	if (!sregs->gs.unusable)
		sregs->gs.type |= 1;
	if (sregs->ss.unusable)
		sregs->ss.db = 0;
	sregs->ss.dpl = save->cpl;

	sregs->gdt.base = save->gdtr.base;
	sregs->gdt.limit = save->gdtr.limit;
	sregs->idt.base = save->idtr.base;
	sregs->idt.limit = save->idtr.limit;
	sregs->cr0 = save->cr0;
	sregs->cr2 = save->cr2;
	sregs->cr3 = save->cr3;
	sregs->cr4 = save->cr4;
	sregs->efer = save->efer & ~EFER_SVME;
	sregs->apic_base = vcpu->apic_base;
}

void svm_get_view(struct thinvm_vcpu *vcpu, struct thinvm_guest_view *v)
{
	const struct vmcb_save_area *save = &to_svm(vcpu)->vmcb->save;

	/* As svm_get_sregs() reports them. */
	v->paging = (struct thinvm_paging){
		.cr0 = save->cr0, .cr3 = save->cr3, .cr4 = save->cr4,
		.efer = save->efer & ~EFER_SVME,
	};
	v->mode = thinvm_code_size(v->paging.efer, save->cs.attrib & SVM_SELECTOR_L_MASK,
				   save->cs.attrib & SVM_SELECTOR_DB_MASK);
	v->seg_base[THINVM_SEG_ES] = save->es.base;
	v->seg_base[THINVM_SEG_CS] = save->cs.base;
	v->seg_base[THINVM_SEG_SS] = save->ss.base;
	v->seg_base[THINVM_SEG_DS] = save->ds.base;
	v->seg_base[THINVM_SEG_FS] = save->fs.base;
	v->seg_base[THINVM_SEG_GS] = save->gs.base;
}

u64 svm_get_cr4(struct thinvm_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb->save.cr4;
}

void svm_set_sregs(struct thinvm_vcpu *vcpu, const struct kvm_sregs *sregs)
{
	struct vmcb_save_area *save = &to_svm(vcpu)->vmcb->save;

	to_svm(vcpu)->vmcb_dirty = true;
	/* New paging state: no translation from the old one may be used. */
	svm_flush_guest_tlb(vcpu);

	seg_set(&save->cs, &sregs->cs);
	seg_set(&save->ds, &sregs->ds);
	seg_set(&save->es, &sregs->es);
	seg_set(&save->fs, &sregs->fs);
	seg_set(&save->gs, &sregs->gs);
	seg_set(&save->ss, &sregs->ss);
	seg_set(&save->tr, &sregs->tr);
	seg_set(&save->ldtr, &sregs->ldt);
	save->cpl = sregs->ss.dpl & 3;
	save->gdtr.base = sregs->gdt.base;
	save->gdtr.limit = sregs->gdt.limit;
	save->idtr.base = sregs->idt.base;
	save->idtr.limit = sregs->idt.limit;
	save->cr0 = sregs->cr0;
	save->cr2 = sregs->cr2;
	save->cr3 = sregs->cr3;
	save->cr4 = sregs->cr4;
	/*
	 * As KVM: EFER is not checked here; reserved bits make the entry fail
	 * (KVM_EXIT_FAIL_ENTRY). SVME is always on for VMRUN.
	 */
	save->efer = sregs->efer | EFER_SVME;
}
