// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID: the table thinvm offers (KVM_GET_SUPPORTED_CPUID, built once at
 * load from the host's), each vCPU's table (KVM_SET_CPUID2/KVM_GET_CPUID2)
 * and the guest's CPUID instruction. The rules are in cpuid_rules.c; this
 * file is the ioctls and the glue, with KVM's error codes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/processor.h>

#include "cpuid_rules.h"
#include "feature_rules.h"
#include "thinvm.h"

static struct kvm_cpuid_entry2 *supported;
static unsigned int supported_nent;
/* The CR4 and XCR0 bits thinvm can give any guest: its own table's. */
static u64 supported_cr4, supported_xcr0;

/* The feature words the kernel keeps, for leaf, subleaf and register. */
static const struct {
	u32 function, reg;
	int word;
} kernel_words[] = {
	{ 1, 3, CPUID_1_EDX }, { 1, 2, CPUID_1_ECX },
	{ 7, 1, CPUID_7_0_EBX }, { 7, 2, CPUID_7_ECX }, { 7, 3, CPUID_7_EDX },
	{ 0x80000001, 3, CPUID_8000_0001_EDX },
	{ 0x80000001, 2, CPUID_8000_0001_ECX },
};

/*
 * The host's CPUID without what the kernel turned off (clearcpuid=, or
 * features it found broken). LA57 is the exception, as for KVM: the kernel
 * clears it when it runs 4-level paging, yet a guest can use it.
 */
static void host_cpuid(u32 function, u32 index, u32 out[4])
{
	u32 la57;
	unsigned int i;

	cpuid_count(function, index, &out[0], &out[1], &out[2], &out[3]);
	if (function == 7 && index == 0)
		la57 = out[2] & BIT(16);
	else
		la57 = 0;
	for (i = 0; i < ARRAY_SIZE(kernel_words); i++)
		if (kernel_words[i].function == function && index == 0)
			out[kernel_words[i].reg] &=
				boot_cpu_data.x86_capability[kernel_words[i].word];
	out[2] |= la57;
}

int thinvm_cpuid_init(void)
{
	struct thinvm_guest_cpu host;
	int n;

	supported = kcalloc(THINVM_MAX_CPUID_ENTRIES, sizeof(*supported),
			    GFP_KERNEL);
	if (!supported)
		return -ENOMEM;
	n = thinvm_cpuid_supported(host_cpuid,
				   thinvm_backend->mmu_levels() == 5 ? 52 : 48,
				   thinvm_host_xcr0(), supported, THINVM_MAX_CPUID_ENTRIES);
	/* What policy may hide of SVM is described in 0x8000000A. */
	if (n >= 0 && !strcmp(thinvm_backend->name, "svm"))
		n = thinvm_cpuid_add_svm_leaf(supported, n, THINVM_MAX_CPUID_ENTRIES,
					      thinvm_features_svm_edx(thinvm_features_host()));
	if (n < 0) {
		kfree(supported);
		return n;
	}
	supported_nent = n;
	thinvm_cpuid_guest_cpu(supported, n, &host);
	supported_cr4 = host.cr4_allowed;
	supported_xcr0 = host.xcr0_allowed;
	return 0;
}

void thinvm_cpuid_exit(void)
{
	kfree(supported);
}

u64 thinvm_cpuid_cr4_allowed(struct thinvm_vcpu *vcpu)
{
	return vcpu->guest.cr4_allowed & supported_cr4;
}

u64 thinvm_cpuid_xcr0_allowed(struct thinvm_vcpu *vcpu)
{
	return vcpu->guest.xcr0_allowed & supported_xcr0;
}

unsigned int thinvm_cpuid_supported_nent(void)
{
	return supported_nent;
}

void thinvm_cpuid_supported_view(u64 hidden, struct kvm_cpuid_entry2 *out)
{
	memcpy(out, supported, supported_nent * sizeof(*out));
	thinvm_cpuid_hide_svm(out, supported_nent, thinvm_features_svm_edx(hidden));
}

/*
 * KVM_GET_SUPPORTED_CPUID: -E2BIG (nent untouched) when it does not fit.
 * What a VM created now may be given: the host policy's hidden features
 * are left out.
 */
long thinvm_get_supported_cpuid(void __user *argp)
{
	struct kvm_cpuid2 __user *user = argp;
	struct thinvm_host_policy policy;
	struct kvm_cpuid_entry2 *view;
	struct kvm_cpuid2 head;
	long r = 0;

	if (copy_from_user(&head, user, sizeof(head)))
		return -EFAULT;
	if (head.nent < supported_nent)
		return -E2BIG;
	view = kvmalloc_array(supported_nent, sizeof(*view), GFP_KERNEL);
	if (!view)
		return -ENOMEM;
	thinvm_policy_get(&policy);
	thinvm_cpuid_supported_view(policy.hidden_features, view);
	if (copy_to_user(user->entries, view, supported_nent * sizeof(*view)) ||
	    put_user(supported_nent, &user->nent))
		r = -EFAULT;
	kvfree(view);
	return r;
}

/*
 * KVM_GET_SUPPORTED_HV_CPUID, on the device (@vm NULL: a VM created now,
 * under the host policy) or a vCPU (its VM's limit). As KVM: E2BIG when
 * nent is short, nent set to how many were written.
 */
long thinvm_get_hv_cpuid(struct thinvm_vm *vm, void __user *argp)
{
	struct kvm_cpuid_entry2 leaves[THINVM_HV_CPUID_LEAVES];
	struct kvm_cpuid2 __user *user = argp;
	struct thinvm_host_policy policy;
	struct kvm_cpuid2 head;
	int n;

	if (copy_from_user(&head, user, sizeof(head)))
		return -EFAULT;
	if (vm) {
		n = thinvm_hv_cpuid(vm->hv_vcpu_limit, leaves, ARRAY_SIZE(leaves));
	} else {
		thinvm_policy_get(&policy);
		n = thinvm_hv_cpuid(policy.hv_vcpu_limit, leaves, ARRAY_SIZE(leaves));
	}
	if (n < 0)
		return n;
	if (head.nent < n)
		return -E2BIG;
	if (copy_to_user(user->entries, leaves, n * sizeof(leaves[0])) ||
	    put_user(n, &user->nent))
		return -EFAULT;
	return 0;
}

/* After the table or the state behind its dynamic bits changed. */
void thinvm_cpuid_refresh(struct thinvm_vcpu *vcpu)
{
	thinvm_cpuid_update_runtime(vcpu->cpuid, vcpu->cpuid_nent,
				    vcpu->apic_base & MSR_IA32_APICBASE_ENABLE,
				    thinvm_backend->get_cr4(vcpu), vcpu->xcr0);
}

/*
 * What the VM's policy forbids of a CPUID table: the Hyper-V interface on a
 * VM that may have more vCPUs than the Hyper-V limit it reports in
 * HYPERV_CPUID_IMPLEMENT_LIMITS (a VP index past it would be unreachable:
 * shared/seeds/000), and SVM features its policy hides. The VM's maximum
 * no longer changes once a vCPU exists (vm.c), so the check holds.
 */
static int check_vm_limits(struct thinvm_vm *vm, const struct thinvm_guest_cpu *g)
{
	u64 hidden = thinvm_features_of_svm_edx(g->svm_edx) & vm->hidden_features;

	lockdep_assert_held(&vm->lock);
	if (g->hyperv && vm->max_vcpus > vm->hv_vcpu_limit) {
		pr_info_ratelimited("VM %u: KVM_SET_CPUID2 refused: Hyper-V (Hv#1) on a VM of up to %u vCPUs, above the Hyper-V limit of %u\n",
				    vm->id, vm->max_vcpus, vm->hv_vcpu_limit);
		return -EINVAL;
	}
	if (hidden) {
		pr_info_ratelimited("VM %u: KVM_SET_CPUID2 refused: 0x8000000A.EDX %#x names SVM features policy hides (set %#llx)\n",
				    vm->id, g->svm_edx, hidden);
		return -EINVAL;
	}
	return 0;
}

/*
 * KVM_SET_CPUID2. As on KVM, once the vCPU has run only the table it has
 * can be set again (VMMs do that when they reuse a vCPU): guest state
 * derived from it, such as long mode or MAXPHYADDR, cannot change under a
 * running guest.
 */
long thinvm_set_cpuid2(struct thinvm_vcpu *vcpu, void __user *argp)
{
	struct kvm_cpuid2 __user *user = argp;
	struct kvm_cpuid_entry2 *e = NULL;
	struct thinvm_guest_cpu guest;
	struct kvm_cpuid2 head;
	size_t size;
	int r;

	if (copy_from_user(&head, user, sizeof(head)))
		return -EFAULT;
	if (head.nent > THINVM_MAX_CPUID_ENTRIES)
		return -E2BIG;
	if (head.padding)
		return -EINVAL;
	size = head.nent * sizeof(*e);
	if (head.nent) {
		e = vmemdup_user(user->entries, size);
		if (IS_ERR(e))
			return PTR_ERR(e);
	}
	if (!thinvm_cpuid_table_valid(e, head.nent))
		goto invalid;
	thinvm_cpuid_guest_cpu(e, head.nent, &guest);
	thinvm_cpuid_update_runtime(e, head.nent,
				    vcpu->apic_base & MSR_IA32_APICBASE_ENABLE,
				    thinvm_backend->get_cr4(vcpu), vcpu->xcr0);
	if (vcpu->has_run) {
		r = head.nent != vcpu->cpuid_nent ||
		    (size && memcmp(e, vcpu->cpuid, size)) ? -EINVAL : 0;
		goto out;
	}
	/* The VM's lock: netlink changes its hidden features under it. */
	mutex_lock(&vcpu->vm->lock);
	r = check_vm_limits(vcpu->vm, &guest);
	if (!r) {
		swap(vcpu->cpuid, e);
		vcpu->cpuid_nent = head.nent;
		vcpu->guest = guest;
	}
	mutex_unlock(&vcpu->vm->lock);
	goto out;	/* e is the old table now, or the refused one */

invalid:
	r = -EINVAL;
out:
	kvfree(e);
	return r;
}

/* KVM_GET_CPUID2: -E2BIG (nent untouched) when the table does not fit. */
long thinvm_get_cpuid2(struct thinvm_vcpu *vcpu, void __user *argp)
{
	struct kvm_cpuid2 __user *user = argp;
	struct kvm_cpuid2 head;

	if (copy_from_user(&head, user, sizeof(head)))
		return -EFAULT;
	if (head.nent < vcpu->cpuid_nent)
		return -E2BIG;
	if (copy_to_user(user->entries, vcpu->cpuid,
			 vcpu->cpuid_nent * sizeof(*vcpu->cpuid)) ||
	    put_user(vcpu->cpuid_nent, &user->nent))
		return -EFAULT;
	return 0;
}

/* The guest's CPUID: EAX and ECX in, the four registers out (zero-extended). */
void thinvm_cpuid_exec(struct thinvm_vcpu *vcpu)
{
	unsigned long *regs = vcpu->regs;
	u32 out[4];

	thinvm_cpuid_query(vcpu->cpuid, vcpu->cpuid_nent, regs[THINVM_RAX],
			   regs[THINVM_RCX], out);
	regs[THINVM_RAX] = out[0];
	regs[THINVM_RBX] = out[1];
	regs[THINVM_RCX] = out[2];
	regs[THINVM_RDX] = out[3];
}
