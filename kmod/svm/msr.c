// SPDX-License-Identifier: GPL-2.0
/*
 * Where the SVM backend keeps the MSRs msr.c emulates: in the VMCB's save
 * area (VMRUN and VMLOAD/VMSAVE switch them), the TSC as an offset.
 */
#include <asm/msr-index.h>
#include <asm/svm.h>
#include <asm/tsc.h>

#include "../msr_rules.h"
#include "svm.h"

static u64 *vmcb_msr(struct vmcb_save_area *save, u32 index)
{
	switch (index) {
	case MSR_IA32_SYSENTER_CS:	return &save->sysenter_cs;
	case MSR_IA32_SYSENTER_ESP:	return &save->sysenter_esp;
	case MSR_IA32_SYSENTER_EIP:	return &save->sysenter_eip;
	case MSR_IA32_CR_PAT:		return &save->g_pat;
	case MSR_STAR:			return &save->star;
	case MSR_LSTAR:			return &save->lstar;
	case MSR_CSTAR:			return &save->cstar;
	case MSR_SYSCALL_MASK:		return &save->sfmask;
	case MSR_FS_BASE:		return &save->fs.base;
	case MSR_GS_BASE:		return &save->gs.base;
	case MSR_KERNEL_GS_BASE:	return &save->kernel_gs_base;
	default:			return NULL;
	}
}

int svm_get_msr(struct thinvm_vcpu *vcpu, u32 index, u64 *data)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;
	u64 *field;

	switch (index) {
	case MSR_EFER:
		*data = vmcb->save.efer & ~EFER_SVME;
		return 0;
	case MSR_IA32_TSC:
		*data = rdtsc() + vmcb->control.tsc_offset;
		return 0;
	}
	field = vmcb_msr(&vmcb->save, index);
	if (!field)
		return -ENOENT;
	*data = *field;
	return 0;
}

int svm_set_msr(struct thinvm_vcpu *vcpu, u32 index, u64 data)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;
	u64 *field;

	/* Every MSR here is VMCB state the CPU may have cached. */
	to_svm(vcpu)->vmcb_dirty = true;

	switch (index) {
	case MSR_EFER:
		vmcb->save.efer = data | EFER_SVME;
		return 0;
	case MSR_IA32_TSC:
		vmcb->control.tsc_offset = data - rdtsc();
		return 0;
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
		/*
		 * AMD's SYSENTER is 32-bit only and so are these, as KVM keeps
		 * them for a guest that is not an Intel CPU (it keeps the high
		 * half aside for one that is: comes with KVM_SET_CPUID2).
		 */
		data = (u32)data;
		break;
	}
	field = vmcb_msr(&vmcb->save, index);
	if (!field)
		return -ENOENT;
	*field = data;
	return 0;
}

void svm_msr_env(struct thinvm_vcpu *vcpu, struct thinvm_msr_env *env)
{
	struct vmcb_save_area *save = &to_svm(vcpu)->vmcb->save;

	env->paging = save->cr0 & X86_CR0_PG;
	if (save->cr4 & X86_CR4_LA57)
		env->virt_addr_bits = 57;
}
