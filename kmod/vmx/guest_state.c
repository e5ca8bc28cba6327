// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's registers in the VMCS: the reset state, CR0, CR4 and EFER
 * (what the guest sees versus what the CPU runs with), and the conversion to
 * and from KVM's struct kvm_sregs, which follows KVM's (vmx_get_segment,
 * vmx_segment_access_rights) so that state moves between the two unchanged.
 *
 * Every function here needs the VMCS current (vmx_get()).
 */
#include <asm/msr-index.h>
#include <asm/processor-flags.h>

#include "vmx.h"

/* Architectural reset values (SDM 10.1.1). */
#define AR_CODE_RESET		0x9b	/* present, S, execute/read, accessed */
#define AR_DATA_RESET		0x93	/* present, S, read/write, accessed */
#define AR_LDT_RESET		0x82
#define AR_TSS_BUSY16_RESET	0x8b
#define CR0_RESET		(X86_CR0_CD | X86_CR0_NW | X86_CR0_ET)
#define DR7_RESET		0x400ull
#define DR6_RESET		0xffff0ff0ull
#define PAT_RESET		0x0007040600070406ull
/* The TPR in the virtual-APIC page (SDM 30.1.1). */
#define VAPIC_TPR		0x80

struct seg_fields {
	u32 sel, base, limit, ar;
};

#define SEG(s) { GUEST_##s##_SELECTOR, GUEST_##s##_BASE, GUEST_##s##_LIMIT, \
		 GUEST_##s##_AR_BYTES }
static const struct seg_fields cs = SEG(CS), ds = SEG(DS), es = SEG(ES),
	fs = SEG(FS), gs = SEG(GS), ss = SEG(SS), tr = SEG(TR), ldtr = SEG(LDTR);

static void seg_write(const struct seg_fields *f, u16 sel, u64 base, u32 limit,
		      u32 ar)
{
	vmcs_write(f->sel, sel);
	vmcs_write(f->base, base);
	vmcs_write(f->limit, limit);
	vmcs_write(f->ar, ar);
}

/*
 * The CR0 the CPU runs with: the guest's, with what VMX requires (NE) set,
 * and caching on, as KVM runs it: CD and NW live in the shadow only.
 */
void vmx_write_cr0(struct vmx_vcpu *vmx, u64 cr0)
{
	u64 hw = (cr0 & ~(X86_CR0_CD | X86_CR0_NW)) | vmx_cfg.cr0_must1;

	vmx->cr0 = cr0;
	vmcs_write(CR0_READ_SHADOW, cr0);
	vmcs_write(GUEST_CR0, hw & vmx_cfg.cr0_may1);
}

void vmx_write_cr4(struct vmx_vcpu *vmx, u64 cr4)
{
	vmcs_write(CR4_READ_SHADOW, cr4);
	vmcs_write(GUEST_CR4, (cr4 | vmx_cfg.cr4_must1) & vmx_cfg.cr4_may1);
}

u64 vmx_get_cr4(struct thinvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u64 cr4;

	vmx_get(vmx);
	cr4 = vmcs_read(CR4_READ_SHADOW);
	vmx_put(vmx);
	return cr4;
}

/* EFER as given; the IA-32e mode entry control must match its LMA. */
void vmx_write_efer(struct vmx_vcpu *vmx, u64 efer)
{
	vmx->efer = efer;
	vmcs_write(GUEST_IA32_EFER, efer);
	if (efer & EFER_LMA)
		vmcs_set_bits(VM_ENTRY_CONTROLS, VMX_ENTRY_IA32E_GUEST);
	else
		vmcs_clear_bits(VM_ENTRY_CONTROLS, VMX_ENTRY_IA32E_GUEST);
}

/*
 * With EPT, VM entry takes PAE paging's four PDPTEs from the VMCS, not from
 * memory (SDM 29.3.3.1): they are loaded whenever CR0, CR3 or CR4 change
 * under PAE paging, as MOV to CR3 would. Reading guest memory may sleep, so
 * this runs before vmx_get(): true if @pdpte must go into the VMCS.
 * Unreadable ones read as not present.
 */
bool vmx_read_pdptrs(struct vmx_vcpu *vmx, u64 cr0, u64 cr3, u64 cr4, u64 efer,
		     u64 pdpte[4])
{
	if (!(cr0 & X86_CR0_PG) || !(cr4 & X86_CR4_PAE) || (efer & EFER_LMA))
		return false;
	if (thinvm_gpa_read(vmx->vcpu->vm, cr3 & ~0x1full, pdpte, 4 * sizeof(u64)))
		memset(pdpte, 0, 4 * sizeof(u64));
	return true;
}

void vmx_write_pdptrs(const u64 pdpte[4])
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		vmcs_write(GUEST_PDPTR0 + 2 * i, pdpte[i]);
}

/* Power-on state, as KVM gives a new vCPU (init_vmcs, vmx_vcpu_reset). */
void vmx_guest_reset(struct vmx_vcpu *vmx)
{
	seg_write(&cs, 0xf000, 0xffff0000, 0xffff, AR_CODE_RESET);
	seg_write(&ds, 0, 0, 0xffff, AR_DATA_RESET);
	seg_write(&es, 0, 0, 0xffff, AR_DATA_RESET);
	seg_write(&fs, 0, 0, 0xffff, AR_DATA_RESET);
	seg_write(&gs, 0, 0, 0xffff, AR_DATA_RESET);
	seg_write(&ss, 0, 0, 0xffff, AR_DATA_RESET);
	seg_write(&tr, 0, 0, 0xffff, AR_TSS_BUSY16_RESET);
	seg_write(&ldtr, 0, 0, 0xffff, AR_LDT_RESET);
	vmcs_write(GUEST_GDTR_BASE, 0);
	vmcs_write(GUEST_GDTR_LIMIT, 0xffff);
	vmcs_write(GUEST_IDTR_BASE, 0);
	vmcs_write(GUEST_IDTR_LIMIT, 0xffff);
	vmcs_write(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE);
	vmcs_write(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_write(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmcs_write(GUEST_IA32_DEBUGCTL, 0);
	vmcs_write(GUEST_DR7, DR7_RESET);
	vmcs_write(GUEST_IA32_PAT, PAT_RESET);
	vmcs_write(GUEST_SYSENTER_CS, 0);
	vmcs_write(GUEST_SYSENTER_ESP, 0);
	vmcs_write(GUEST_SYSENTER_EIP, 0);
	vmcs_write(GUEST_CR3, 0);
	vmcs_write(TSC_OFFSET, 0);
	vmx_write_cr0(vmx, CR0_RESET);
	vmx_write_cr4(vmx, 0);
	vmx_write_efer(vmx, 0);
	vmx->inject_info = 0;
	vmx->cr2 = 0;
	vmx->star = vmx->lstar = vmx->cstar = vmx->sfmask = 0;
	vmx->kernel_gs_base = 0;
	memset(vmx->db, 0, sizeof(vmx->db));
	vmx->dr6 = DR6_RESET;
	vmx->dr7 = DR7_RESET;
	vmx->vapic[VAPIC_TPR] = 0;
	vmx->flush_linear = true;
}

static void seg_get(const struct seg_fields *f, struct kvm_segment *k)
{
	u32 ar = vmcs_read(f->ar);

	*k = (struct kvm_segment){
		.base = vmcs_read(f->base),
		.limit = vmcs_read(f->limit),
		.selector = vmcs_read(f->sel),
		.type = ar & VMX_AR_TYPE_MASK,
		.s = !!(ar & VMX_AR_S),
		.dpl = (ar >> VMX_AR_DPL_SHIFT) & 3,
		/* A usable segment is present (SDM 27.3.1.2): as KVM reports. */
		.present = !(ar & VMX_AR_UNUSABLE),
		.avl = !!(ar & VMX_AR_AVL),
		.l = !!(ar & VMX_AR_L),
		.db = !!(ar & VMX_AR_DB),
		.g = !!(ar & VMX_AR_G),
		.unusable = !!(ar & VMX_AR_UNUSABLE),
	};
}

/*
 * A segment not present is unusable to VMX. Other than LDTR, a usable one
 * gets its accessed bit, which the CPU sets at reset and some VMMs drop (as
 * KVM does for an unrestricted guest).
 */
static void seg_set(const struct seg_fields *f, const struct kvm_segment *k,
		    bool is_ldtr)
{
	u32 ar = VMX_AR_UNUSABLE;

	if (!k->unusable && k->present) {
		ar = ((k->type | (is_ldtr ? 0 : 1)) & VMX_AR_TYPE_MASK) |
		     (k->s ? VMX_AR_S : 0) | ((k->dpl & 3) << VMX_AR_DPL_SHIFT) |
		     VMX_AR_P | (k->avl ? VMX_AR_AVL : 0) |
		     (k->l ? VMX_AR_L : 0) | (k->db ? VMX_AR_DB : 0) |
		     (k->g ? VMX_AR_G : 0);
	}
	seg_write(f, k->selector, k->base, k->limit, ar);
}

void vmx_get_sregs(struct thinvm_vcpu *vcpu, struct kvm_sregs *sregs)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	vmx_get(vmx);
	seg_get(&cs, &sregs->cs);
	seg_get(&ds, &sregs->ds);
	seg_get(&es, &sregs->es);
	seg_get(&fs, &sregs->fs);
	seg_get(&gs, &sregs->gs);
	seg_get(&ss, &sregs->ss);
	seg_get(&tr, &sregs->tr);
	seg_get(&ldtr, &sregs->ldt);
	sregs->gdt.base = vmcs_read(GUEST_GDTR_BASE);
	sregs->gdt.limit = vmcs_read(GUEST_GDTR_LIMIT);
	sregs->idt.base = vmcs_read(GUEST_IDTR_BASE);
	sregs->idt.limit = vmcs_read(GUEST_IDTR_LIMIT);
	sregs->cr0 = vmx->cr0;
	sregs->cr2 = vmx->cr2;
	sregs->cr3 = vmcs_read(GUEST_CR3);
	sregs->cr4 = vmcs_read(CR4_READ_SHADOW);
	sregs->cr8 = vmx->vapic[VAPIC_TPR] >> 4;
	sregs->efer = vmx->efer;
	sregs->apic_base = vcpu->apic_base;
	vmx_put(vmx);
}

void vmx_get_view(struct thinvm_vcpu *vcpu, struct thinvm_guest_view *v)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u32 ar;

	vmx_get(vmx);
	/* As vmx_get_sregs() reports them. */
	v->paging = (struct thinvm_paging){
		.cr0 = vmx->cr0, .cr3 = vmcs_read(GUEST_CR3),
		.cr4 = vmcs_read(CR4_READ_SHADOW), .efer = vmx->efer,
	};
	ar = vmcs_read(GUEST_CS_AR_BYTES);
	v->mode = thinvm_code_size(vmx->efer, ar & VMX_AR_L, ar & VMX_AR_DB);
	v->seg_base[THINVM_SEG_ES] = vmcs_read(GUEST_ES_BASE);
	v->seg_base[THINVM_SEG_CS] = vmcs_read(GUEST_CS_BASE);
	v->seg_base[THINVM_SEG_SS] = vmcs_read(GUEST_SS_BASE);
	v->seg_base[THINVM_SEG_DS] = vmcs_read(GUEST_DS_BASE);
	v->seg_base[THINVM_SEG_FS] = vmcs_read(GUEST_FS_BASE);
	v->seg_base[THINVM_SEG_GS] = vmcs_read(GUEST_GS_BASE);
	vmx_put(vmx);
}

void vmx_set_sregs(struct thinvm_vcpu *vcpu, const struct kvm_sregs *sregs)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u64 pdpte[4];
	bool pae = vmx_read_pdptrs(vmx, sregs->cr0, sregs->cr3, sregs->cr4,
				   sregs->efer, pdpte);

	vmx_get(vmx);
	seg_set(&cs, &sregs->cs, false);
	seg_set(&ds, &sregs->ds, false);
	seg_set(&es, &sregs->es, false);
	seg_set(&fs, &sregs->fs, false);
	seg_set(&gs, &sregs->gs, false);
	seg_set(&ss, &sregs->ss, false);
	seg_set(&tr, &sregs->tr, false);
	seg_set(&ldtr, &sregs->ldt, true);
	vmcs_write(GUEST_GDTR_BASE, sregs->gdt.base);
	vmcs_write(GUEST_GDTR_LIMIT, sregs->gdt.limit);
	vmcs_write(GUEST_IDTR_BASE, sregs->idt.base);
	vmcs_write(GUEST_IDTR_LIMIT, sregs->idt.limit);
	vmx->cr2 = sregs->cr2;
	vmcs_write(GUEST_CR3, sregs->cr3);
	vmx_write_cr0(vmx, sregs->cr0);
	vmx_write_cr4(vmx, sregs->cr4);
	/*
	 * As KVM: EFER is taken as given; one that does not match CR0 and
	 * CS fails the entry (KVM_EXIT_FAIL_ENTRY with the reason).
	 */
	vmx_write_efer(vmx, sregs->efer);
	vmx->vapic[VAPIC_TPR] = (sregs->cr8 & 0xf) << 4;
	if (pae)
		vmx_write_pdptrs(pdpte);
	/* New paging state: no translation from the old one may be used. */
	vmx->flush_linear = true;
	vmx_put(vmx);
}
