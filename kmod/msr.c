// SPDX-License-Identifier: GPL-2.0
/*
 * The MSRs a 64-bit guest needs, for the guest's RDMSR/WRMSR and for the
 * VMM's KVM_GET_MSRS/KVM_SET_MSRS, with KVM's rules (msr_rules.c). Where a
 * value lives is the backend's business (on SVM most are VMCB fields); the
 * checks are made here, once, for both backends. Any other MSR: #GP for the
 * guest, "not processed" for the VMM, as KVM without ignore_msrs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/msr-index.h>

#include "msr_rules.h"
#include "thinvm.h"

/* As KVM: the most entries one KVM_GET_MSRS/KVM_SET_MSRS may carry. */
#define MAX_IO_MSRS 256

static const u32 emulated_msrs[] = {
	MSR_IA32_TSC, MSR_IA32_APICBASE, MSR_IA32_MISC_ENABLE,
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
	MSR_IA32_CR_PAT, MSR_EFER, MSR_STAR, MSR_LSTAR, MSR_CSTAR,
	MSR_SYSCALL_MASK, MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE,
};

/*
 * What the guest's CPUID allows (an empty table: neither long mode, NX nor
 * x2APIC, 36-bit physical addresses, as on KVM) and its paging state.
 */
static void msr_env(struct thinvm_vcpu *vcpu, struct thinvm_msr_env *env)
{
	*env = (struct thinvm_msr_env){
		.guest_lm = vcpu->guest.lm,
		.guest_nx = vcpu->guest.nx,
		.guest_x2apic = vcpu->guest.x2apic,
		.maxphyaddr = vcpu->guest.maxphyaddr,
		.virt_addr_bits = 48,
	};
	thinvm_backend->msr_env(vcpu, env);
}

int thinvm_msr_get(struct thinvm_vcpu *vcpu, u32 index, u64 *data)
{
	switch (index) {
	case MSR_IA32_APICBASE:
		*data = vcpu->apic_base;
		return 0;
	case MSR_IA32_MISC_ENABLE:
		*data = vcpu->misc_enable;
		return 0;
	case MSR_IA32_VMX_BASIC ... MSR_IA32_VMX_PROCBASED_CTLS3:
		/* One filtered view, for the guest and for its VMM alike. */
		return thinvm_features_vcpu_msr(vcpu, index, data);
	default:
		return thinvm_backend->get_msr(vcpu, index, data);
	}
}

int thinvm_msr_set(struct thinvm_vcpu *vcpu, u32 index, u64 data, bool host)
{
	struct thinvm_msr_env env;
	u64 old;

	msr_env(vcpu, &env);
	switch (index) {
	case MSR_IA32_APICBASE:
		if (!thinvm_apic_base_valid(&env, vcpu->apic_base, data, host))
			return -EINVAL;
		vcpu->apic_base = data;
		thinvm_cpuid_refresh(vcpu);	/* CPUID.1:EDX.APIC */
		return 0;
	case MSR_IA32_MISC_ENABLE:
		vcpu->misc_enable = data;
		return 0;
	case MSR_EFER:
		if (thinvm_backend->get_msr(vcpu, MSR_EFER, &old) ||
		    !thinvm_efer_write(&env, old, data, host, &data))
			return -EINVAL;
		break;
	case MSR_IA32_CR_PAT:
		if (!thinvm_pat_valid(data))
			return -EINVAL;
		break;
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_KERNEL_GS_BASE:
	case MSR_LSTAR:
	case MSR_CSTAR:
		if (!thinvm_is_canonical(data, env.virt_addr_bits))
			return -EINVAL;
		break;
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
		/* AMD ignores the top half; canonical keeps Intel entry legal. */
		data = thinvm_canonicalize(data, env.virt_addr_bits);
		break;
	case MSR_IA32_SYSENTER_CS:
		data = (u32)data;
		break;
	}
	return thinvm_backend->set_msr(vcpu, index, data);
}

long thinvm_msr_index_list(void __user *argp)
{
	struct kvm_msr_list __user *user = argp;
	u32 n, ours = ARRAY_SIZE(emulated_msrs);

	if (get_user(n, &user->nmsrs) || put_user(ours, &user->nmsrs))
		return -EFAULT;
	if (n < ours)
		return -E2BIG;
	if (copy_to_user(user->indices, emulated_msrs, sizeof(emulated_msrs)))
		return -EFAULT;
	return 0;
}

/*
 * KVM_GET_MSRS/KVM_SET_MSRS: returns how many entries were processed,
 * stopping at the first MSR that cannot be read or written.
 */
long thinvm_msrs_ioctl(struct thinvm_vcpu *vcpu, void __user *argp, bool set)
{
	struct kvm_msrs __user *user = argp;
	struct kvm_msr_entry *entries;
	struct kvm_msrs head;
	long r;
	u32 i;

	if (copy_from_user(&head, user, sizeof(head)))
		return -EFAULT;
	if (head.nmsrs >= MAX_IO_MSRS)
		return -E2BIG;
	entries = memdup_user(user->entries, head.nmsrs * sizeof(*entries));
	if (IS_ERR(entries))
		return PTR_ERR(entries);
	for (i = 0; i < head.nmsrs; i++) {
		struct kvm_msr_entry *e = &entries[i];

		if (set ? thinvm_msr_set(vcpu, e->index, e->data, true) :
			  thinvm_msr_get(vcpu, e->index, &e->data))
			break;
	}
	r = i;
	if (!set && copy_to_user(user->entries, entries, i * sizeof(*entries)))
		r = -EFAULT;
	kfree(entries);
	return r;
}
