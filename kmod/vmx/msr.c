// SPDX-License-Identifier: GPL-2.0
/*
 * Where the VMX backend keeps the MSRs msr.c emulates: EFER, PAT, SYSENTER
 * and the FS/GS bases in the VMCS (entry loads them, exit saves them), the
 * TSC as an offset, and the SYSCALL MSRs and KERNEL_GS_BASE in software,
 * switched around each entry (run.c).
 */
#include <asm/msr-index.h>
#include <asm/tsc.h>

#include "../msr_rules.h"
#include "vmx.h"

static u64 *soft_msr(struct vmx_vcpu *vmx, u32 index)
{
	switch (index) {
	case MSR_STAR:			return &vmx->star;
	case MSR_LSTAR:			return &vmx->lstar;
	case MSR_CSTAR:			return &vmx->cstar;
	case MSR_SYSCALL_MASK:		return &vmx->sfmask;
	case MSR_KERNEL_GS_BASE:	return &vmx->kernel_gs_base;
	default:			return NULL;
	}
}

static unsigned long vmcs_msr(u32 index)
{
	switch (index) {
	case MSR_IA32_SYSENTER_CS:	return GUEST_SYSENTER_CS;
	case MSR_IA32_SYSENTER_ESP:	return GUEST_SYSENTER_ESP;
	case MSR_IA32_SYSENTER_EIP:	return GUEST_SYSENTER_EIP;
	case MSR_IA32_CR_PAT:		return GUEST_IA32_PAT;
	case MSR_FS_BASE:		return GUEST_FS_BASE;
	case MSR_GS_BASE:		return GUEST_GS_BASE;
	default:			return 0;	/* no field has encoding 0 here */
	}
}

int vmx_get_msr(struct thinvm_vcpu *vcpu, u32 index, u64 *data)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	unsigned long field = vmcs_msr(index);
	u64 *soft = soft_msr(vmx, index);

	if (soft) {
		*data = *soft;
		return 0;
	}
	if (index == MSR_EFER) {
		*data = vmx->efer;
		return 0;
	}
	if (index != MSR_IA32_TSC && !field)
		return -ENOENT;
	vmx_get(vmx);
	if (index == MSR_IA32_TSC)
		*data = rdtsc() + vmcs_read(TSC_OFFSET);
	else
		*data = vmcs_read(field);
	vmx_put(vmx);
	return 0;
}

int vmx_set_msr(struct thinvm_vcpu *vcpu, u32 index, u64 data)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	unsigned long field = vmcs_msr(index);
	u64 *soft = soft_msr(vmx, index);

	if (soft) {
		*soft = data;
		return 0;
	}
	if (index != MSR_IA32_TSC && index != MSR_EFER && !field)
		return -ENOENT;
	vmx_get(vmx);
	if (index == MSR_IA32_TSC)
		vmcs_write(TSC_OFFSET, data - rdtsc());
	else if (index == MSR_EFER)
		vmx_write_efer(vmx, data);
	else
		vmcs_write(field, data);
	vmx_put(vmx);
	return 0;
}

void vmx_msr_env(struct thinvm_vcpu *vcpu, struct thinvm_msr_env *env)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	env->paging = vmx->cr0 & X86_CR0_PG;
	if (vmx_get_cr4(vcpu) & X86_CR4_LA57)
		env->virt_addr_bits = 57;
}
