/* SPDX-License-Identifier: GPL-2.0 */
/* Inside the SVM backend. */
#ifndef THINVM_SVM_H
#define THINVM_SVM_H

#include <asm/svm.h>

#include "../thinvm.h"

struct svm_vcpu {
	struct vmcb *vmcb;
	u64 vmcb_pa;
	/* The ASID in the VMCB is valid on vcpu->cpu for this generation. */
	u64 asid_generation;
	/* The VMCB changed outside VMRUN: the CPU may not use cached state. */
	bool vmcb_dirty;
	/* The guest's DR0-3 and DR7 (emulate.c); DR6 is in the VMCB. */
	u64 db[4];
	u64 dr7;
};

static inline struct svm_vcpu *to_svm(struct thinvm_vcpu *vcpu)
{
	return vcpu->arch;
}

/* What the CPU offers beyond the minimum, read once at load. */
struct svm_features {
	bool nrips;		/* next_rip saved on intercepts */
	bool flush_by_asid;	/* TLB_CONTROL can flush one ASID */
	bool vmcb_clean;	/* VMCB clean bits */
	bool decode_assists;	/* EXITINFO1 names registers and segments */
	u32 nr_asids;
};
extern struct svm_features svm_features;
extern u64 svm_iopm_pa, svm_msrpm_pa;

/* Whether the guest runs 64-bit code (long mode and CS.L). */
static inline bool svm_long_mode_code(const struct vmcb *vmcb)
{
	return (vmcb->save.efer & EFER_LMA) &&
	       (vmcb->save.cs.attrib & SVM_SELECTOR_L_MASK);
}

/* vmcb.c */
void svm_vmcb_reset(struct thinvm_vcpu *vcpu);
u64 svm_get_cr4(struct thinvm_vcpu *vcpu);
void svm_get_sregs(struct thinvm_vcpu *vcpu, struct kvm_sregs *sregs);
void svm_get_view(struct thinvm_vcpu *vcpu, struct thinvm_guest_view *v);
void svm_set_sregs(struct thinvm_vcpu *vcpu, const struct kvm_sregs *sregs);

/* msr.c */
int svm_get_msr(struct thinvm_vcpu *vcpu, u32 index, u64 *data);
int svm_set_msr(struct thinvm_vcpu *vcpu, u32 index, u64 data);
void svm_msr_env(struct thinvm_vcpu *vcpu, struct thinvm_msr_env *env);

/* run.c */
int svm_vcpu_run(struct thinvm_vcpu *vcpu);
void svm_inject_exception(struct thinvm_vcpu *vcpu, unsigned int vector,
			  bool has_error, u32 error);
/* Drop the guest's translations before its next entry. */
void svm_flush_guest_tlb(struct thinvm_vcpu *vcpu);

/* emulate.c: 1 to enter again, 0 when kvm_run holds an exit. */
int svm_handle_cr4_write(struct thinvm_vcpu *vcpu);
int svm_handle_dr(struct thinvm_vcpu *vcpu, unsigned int dr, bool write);
int svm_handle_ud(struct thinvm_vcpu *vcpu);
/* The per-CPU pages where host VMLOAD state waits while a guest runs. */
struct page * __percpu *svm_host_save_pages(void);
u64 svm_host_save_pa(void);

/* vmenter.S */
void thinvm_svm_vmrun(u64 vmcb_pa, unsigned long *regs, u64 host_save_pa);

#endif
