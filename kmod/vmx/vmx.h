/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the VMX backend. A vCPU's VMCS can be read and written only on the
 * CPU where it is current, so every access goes between vmx_get() and
 * vmx_put() (vmcs.c), which make it current here with preemption off.
 */
#ifndef THINVM_VMX_H
#define THINVM_VMX_H

#include <linux/list.h>
#include <asm/asm.h>
#include <asm/vmx.h>

#include "../thinvm.h"
#include "config_rules.h"

struct vmx_vcpu {
	struct thinvm_vcpu *vcpu;
	void *vmcs;
	u64 vmcs_pa;
	/* The CPU where the VMCS is active, -1 when clear (vmcs.c). */
	int loaded_cpu;
	bool launched;		/* VMRESUME, not VMLAUNCH, enters it */
	struct list_head loaded_link;	/* on loaded_cpu's list */
	u16 vpid;		/* 0 without VPIDs */
	/* Translations to drop before the next entry (run.c). */
	bool flush_ept;		/* guest-physical: INVEPT */
	bool flush_linear;	/* the guest's own: INVVPID */
	/* Host state written into the VMCS, rewritten when it changes. */
	unsigned long host_cr3, host_cr4, host_fs_base;
	u16 host_fs_sel, host_gs_sel;
	/* The virtual-APIC page: the guest's CR8 lives in its TPR. */
	u8 *vapic;
	/* Debug registers are emulated (emulate.c); GUEST_DR7 stays 0x400. */
	u64 db[4];
	u64 dr6, dr7;
	/* Switched in software, not by the VMCS (run.c). */
	u64 cr2;
	u64 star, lstar, cstar, sfmask, kernel_gs_base;
	/* Bits of CR0 and EFER the guest sees; the VMCS has what runs. */
	u64 cr0, efer;
	/* An exception to inject at the next entry (VM_ENTRY_INTR_INFO). */
	u32 inject_info, inject_error;
	/* The last exit, read while the VMCS was current. */
	struct {
		u32 reason;
		unsigned long qual;
		u32 intr_info, intr_error;
		u32 idt_info, idt_error;
		u32 insn_len, insn_info;
		u64 gpa;
		unsigned long rip;	/* where it happened */
	} exit;
};

static inline struct vmx_vcpu *to_vmx(struct thinvm_vcpu *vcpu)
{
	return vcpu->arch;
}

extern struct vmx_config vmx_cfg;

/*
 * VMREAD and VMWRITE. A fault means VMX went off under us (an emergency
 * reboot): the access is skipped, reads give 0, and the next entry fails.
 */
static __always_inline unsigned long vmcs_read(unsigned long field)
{
	unsigned long value = 0;

	asm volatile("1: vmread %[field], %[value]\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [value] "+r" (value) : [field] "r" (field) : "cc");
	return value;
}

static __always_inline void vmcs_write(unsigned long field, unsigned long value)
{
	asm volatile("1: vmwrite %[value], %[field]\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : : [field] "r" (field), [value] "rm" (value) : "cc", "memory");
}

static inline void vmcs_set_bits(unsigned long field, unsigned long bits)
{
	vmcs_write(field, vmcs_read(field) | bits);
}

static inline void vmcs_clear_bits(unsigned long field, unsigned long bits)
{
	vmcs_write(field, vmcs_read(field) & ~bits);
}

/* Segment access rights in the VMCS (SDM 25.4.1): bit 16 is "unusable". */
#define VMX_AR_TYPE_MASK	0x0f
#define VMX_AR_S		BIT(4)
#define VMX_AR_DPL_SHIFT	5
#define VMX_AR_P		BIT(7)
#define VMX_AR_AVL		BIT(12)
#define VMX_AR_L		BIT(13)
#define VMX_AR_DB		BIT(14)
#define VMX_AR_G		BIT(15)
#define VMX_AR_UNUSABLE		BIT(16)

static inline unsigned int vmx_cpl(void)
{
	return (vmcs_read(GUEST_SS_AR_BYTES) >> VMX_AR_DPL_SHIFT) & 3;
}

/* Whether the guest runs 64-bit code (long mode and CS.L). */
static inline bool vmx_long_mode_code(struct vmx_vcpu *vmx)
{
	return (vmx->efer & EFER_LMA) && (vmcs_read(GUEST_CS_AR_BYTES) & VMX_AR_L);
}

/* vmcs.c */
int vmx_vmcs_setup(void);
void vmx_vmcs_unsetup(void);
/* Make the vCPU's VMCS current here, preemption off; false if VMX is off. */
bool vmx_try_get(struct vmx_vcpu *vmx);
void vmx_get(struct vmx_vcpu *vmx);
void vmx_put(struct vmx_vcpu *vmx);
/* Clear the VMCS wherever it is active (before freeing it). */
void vmx_vmcs_clear(struct vmx_vcpu *vmx);
/* On the calling CPU, IRQs off: clear every VMCS active here (VMXOFF). */
void vmx_clear_loaded_vmcss(void);
void vmx_vmcs_init(struct vmx_vcpu *vmx, u64 eptp);
/* Host state that changes per task or per entry; IRQs off. */
void vmx_refresh_host_state(struct vmx_vcpu *vmx);

/* guest_state.c: the guest's registers in the VMCS (VMCS current). */
void vmx_guest_reset(struct vmx_vcpu *vmx);
void vmx_get_sregs(struct thinvm_vcpu *vcpu, struct kvm_sregs *sregs);
void vmx_get_view(struct thinvm_vcpu *vcpu, struct thinvm_guest_view *v);
void vmx_set_sregs(struct thinvm_vcpu *vcpu, const struct kvm_sregs *sregs);
u64 vmx_get_cr4(struct thinvm_vcpu *vcpu);
void vmx_write_cr0(struct vmx_vcpu *vmx, u64 cr0);
void vmx_write_cr4(struct vmx_vcpu *vmx, u64 cr4);
void vmx_write_efer(struct vmx_vcpu *vmx, u64 efer);
/* PAE paging's PDPTEs: read before vmx_get() (it may sleep), then written. */
bool vmx_read_pdptrs(struct vmx_vcpu *vmx, u64 cr0, u64 cr3, u64 cr4, u64 efer,
		     u64 pdpte[4]);
void vmx_write_pdptrs(const u64 pdpte[4]);

/* msr.c */
int vmx_get_msr(struct thinvm_vcpu *vcpu, u32 index, u64 *data);
int vmx_set_msr(struct thinvm_vcpu *vcpu, u32 index, u64 data);
void vmx_msr_env(struct thinvm_vcpu *vcpu, struct thinvm_msr_env *env);

/* run.c */
void vmx_run_setup(void);
int vmx_vcpu_run(struct thinvm_vcpu *vcpu);
void vmx_run_end(struct thinvm_vcpu *vcpu);
void vmx_inject_exception(struct vmx_vcpu *vmx, unsigned int vector,
			  bool has_error, u32 error);

/* emulate.c: 1 to enter again, 0 when kvm_run holds an exit. */
int vmx_handle_cr(struct thinvm_vcpu *vcpu);
int vmx_handle_dr(struct thinvm_vcpu *vcpu);
int vmx_handle_ud(struct thinvm_vcpu *vcpu);

/* vmenter.S */
int thinvm_vmx_vmenter(unsigned long *regs, bool launched);
void thinvm_vmx_vmexit(void);
void thinvm_vmx_do_nmi(void);

#endif
