// SPDX-License-Identifier: GPL-2.0
/*
 * VM objects. A VM is an anonymous-inode file; its fd and each of its vCPU
 * fds hold a reference, and the VM goes when the last one closes. Hardware
 * virtualization stays on while any VM lives. As on KVM, only the process
 * that created a VM may use it: a VM fd passed to (or inherited by) another
 * process gets EIO.
 *
 * Every VM is also in a registry by id, for the netlink family: ids come
 * from a cyclic allocator, so that an id names one VM for as long as the
 * module stays loaded (until 2^31 VMs later). vms_lock guards the registry
 * and each VM's name and policy, which netlink reads as one consistent set.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/uaccess.h>

#include "feature_rules.h"
#include "hypercall_rules.h"
#include "policy_rules.h"
#include "thinvm.h"

static DEFINE_XARRAY_ALLOC1(vms);
static u32 vms_next_id;
static DEFINE_MUTEX(vms_lock);
/* Bumped when a VM comes or goes: dumps see whether they were torn. */
static unsigned int vms_seq;

void thinvm_vms_lock(void)
{
	mutex_lock(&vms_lock);
}

void thinvm_vms_unlock(void)
{
	mutex_unlock(&vms_lock);
}

unsigned int thinvm_vms_seq(void)
{
	lockdep_assert_held(&vms_lock);
	return vms_seq;
}

/* The VM with the lowest id >= *@id, which is updated; NULL past the last. */
struct thinvm_vm *thinvm_vm_next(unsigned long *id)
{
	lockdep_assert_held(&vms_lock);
	return xa_find(&vms, id, U32_MAX, XA_PRESENT);
}

void thinvm_vm_describe(const struct thinvm_vm *vm, struct thinvm_vm_info *info)
{
	lockdep_assert_held(&vms_lock);
	*info = (struct thinvm_vm_info){
		.id = vm->id,
		.pid = vm->pid,
		.vcpus = READ_ONCE(vm->nr_vcpus),
		.policy_generation = vm->policy_generation,
		.hc_allowed = vm->hc_allowed,
		.hc_requested = vm->hc_requested,
		.hidden_features = vm->hidden_features,
		.max_vcpus = vm->max_vcpus,
		.has_run = READ_ONCE(vm->has_run),
	};
	strscpy(info->name, vm->name, sizeof(info->name));
}

struct thinvm_vm *thinvm_vm_lookup(u32 id)
{
	lockdep_assert_held(&vms_lock);
	return xa_load(&vms, id);
}

/*
 * What @c would change in @vm, checked; the VM's lock held, so that no vCPU
 * is created or enters the guest meanwhile.
 */
static int vm_policy_check(const struct thinvm_vm *vm,
			   const struct thinvm_vm_change *c, const char **why)
{
	unsigned int i;
	int r;

	if (c->fields & THINVM_VM_SET_HC_EXIT_MASK) {
		r = thinvm_hc_mask_check(c->hc_allowed, thinvm_policy_hc_ceiling());
		*why = r == -EPERM ? "hypercall mask is above the host ceiling" :
				     "hypercall mask names hypercalls thinvm cannot exit for";
		if (r)
			return r;
	}
	if ((c->fields & THINVM_VM_SET_HIDDEN_FEATURES) &&
	    c->hidden_features != vm->hidden_features) {
		*why = thinvm_features_why_not(c->hidden_features);
		if (*why)
			return -EINVAL;
		/* Its guest may have been told of them: too late. */
		*why = "the VM has run: its hidden features can no longer change";
		if (vm->has_run)
			return -EBUSY;
		/* A vCPU's CPUID table already names one (cpuid.c). */
		*why = "a vCPU's CPUID table names a feature to hide";
		for (i = 0; i < THINVM_MAX_VCPUS; i++)
			if (vm->vcpus[i] &&
			    (thinvm_features_of_svm_edx(vm->vcpus[i]->guest.svm_edx) &
			     c->hidden_features))
				return -EBUSY;
	}
	if ((c->fields & THINVM_VM_SET_MAX_VCPUS) && c->max_vcpus != vm->max_vcpus) {
		*why = "the most vCPUs is not between 1 and the module's maximum";
		if (c->max_vcpus < 1 || c->max_vcpus > THINVM_MAX_VCPUS)
			return -EINVAL;
		/* vCPU creation and the Hyper-V check were made against it. */
		*why = "the VM has vCPUs: its most vCPUs can no longer change";
		if (!bitmap_empty(vm->vcpu_ids, THINVM_MAX_VCPUS))
			return -EBUSY;
	}
	*why = NULL;
	return 0;
}

int thinvm_vm_set_policy(u32 id, const struct thinvm_vm_change *c,
			 bool dry_run, struct thinvm_vm_info *info,
			 const char **why)
{
	struct thinvm_vm *vm;
	u64 next_gen;
	int r;

	mutex_lock(&vms_lock);
	vm = thinvm_vm_lookup(id);
	r = -ENOENT;
	*why = "no VM with this id";
	if (!vm)
		goto out;
	mutex_lock(&vm->lock);
	r = vm_policy_check(vm, c, why);
	if (r)
		goto out_vm;
	r = thinvm_generation_next(vm->policy_generation,
				   c->fields & THINVM_VM_SET_GENERATION,
				   c->generation, &next_gen);
	*why = r ? "generation is not above the VM's" : NULL;
	if (r)
		goto out_vm;
	thinvm_vm_describe(vm, info);
	if (c->fields & THINVM_VM_SET_HC_EXIT_MASK)
		info->hc_allowed = c->hc_allowed;
	if (c->fields & THINVM_VM_SET_HIDDEN_FEATURES)
		info->hidden_features = c->hidden_features;
	if (c->fields & THINVM_VM_SET_MAX_VCPUS)
		info->max_vcpus = c->max_vcpus;
	info->policy_generation = next_gen;
	if (dry_run)
		goto out_vm;
	/* The vCPUs read it locklessly at their next hypercall. */
	WRITE_ONCE(vm->hc_allowed, info->hc_allowed);
	vm->hidden_features = info->hidden_features;
	vm->max_vcpus = info->max_vcpus;
	vm->policy_generation = next_gen;
	pr_info("VM %u: policy generation %llu applied: hypercalls allowed to exit %#llx, hidden features %#llx, at most %u vCPUs\n",
		id, next_gen, info->hc_allowed, info->hidden_features,
		info->max_vcpus);
	/* Under the lock, so that events leave in generation order. */
	thinvm_genl_vm_policy_event(info);
out_vm:
	mutex_unlock(&vm->lock);
out:
	mutex_unlock(&vms_lock);
	return r;
}

void thinvm_vm_mark_run(struct thinvm_vm *vm)
{
	mutex_lock(&vm->lock);
	WRITE_ONCE(vm->has_run, true);
	mutex_unlock(&vm->lock);
}

static void vm_unregister(struct thinvm_vm *vm)
{
	mutex_lock(&vms_lock);
	xa_erase(&vms, vm->id);
	vms_seq++;
	mutex_unlock(&vms_lock);
	thinvm_genl_vm_event(THINVM_CMD_VM_DESTROYED, vm->id, vm->pid);
}

static void vm_free(struct kref *ref)
{
	struct thinvm_vm *vm = container_of(ref, struct thinvm_vm, ref);

	vm_unregister(vm);
	thinvm_mmu_destroy(&vm->mmu);
	thinvm_memslots_free(vm);
	mmdrop(vm->mm);
	kfree(vm);
	thinvm_virt_put();
}

void thinvm_vm_put(struct thinvm_vm *vm)
{
	kref_put(&vm->ref, vm_free);
}

int thinvm_vm_fault(struct thinvm_vm *vm, u64 gpa, bool write)
{
	struct thinvm_memslot *slot;
	struct page **page;
	bool readonly;
	int r;

	mutex_lock(&vm->lock);
	slot = thinvm_memslot_find(vm, gpa);
	if (!slot) {
		r = -ENOENT;
		goto out;
	}
	readonly = slot->flags & KVM_MEM_READONLY;
	if (write && readonly) {
		r = -EPERM;
		goto out;
	}
	page = &slot->pages[(gpa - slot->gpa) >> PAGE_SHIFT];
	if (!*page) {
		unsigned long hva = slot->hva + ((gpa - slot->gpa) & PAGE_MASK);
		unsigned int gup = FOLL_LONGTERM | (readonly ? 0 : FOLL_WRITE);

		if (pin_user_pages_fast(hva, 1, gup, page) != 1) {
			*page = NULL;
			r = -EFAULT;
			goto out;
		}
	}
	r = thinvm_mmu_map(&vm->mmu, gpa & PAGE_MASK, page_to_phys(*page),
			   !readonly);
out:
	mutex_unlock(&vm->lock);
	return r;
}

static void kick(void *unused)
{
	/* The IPI itself made the vCPU leave the guest. */
}

void thinvm_vm_flush_tlbs(struct thinvm_vm *vm)
{
	unsigned int i;

	lockdep_assert_held(&vm->lock);
	/*
	 * Pairs with the barrier between a vCPU setting IN_GUEST and reading
	 * tlb_gen: either it sees the new generation and flushes on entry, or
	 * we see it in the guest and wait until the IPI has made it leave.
	 */
	smp_mb();
	for (i = 0; i < THINVM_MAX_VCPUS; i++) {
		struct thinvm_vcpu *vcpu = vm->vcpus[i];

		if (vcpu && READ_ONCE(vcpu->mode) == THINVM_IN_GUEST)
			smp_call_function_single(READ_ONCE(vcpu->cpu), kick,
						 NULL, 1);
	}
}

static int thinvm_vm_release(struct inode *inode, struct file *file)
{
	thinvm_vm_put(file->private_data);
	return 0;
}

long thinvm_check_extension(struct thinvm_vm *vm, unsigned long cap)
{
	switch (cap) {
	case KVM_CAP_USER_MEMORY:
	case KVM_CAP_IMMEDIATE_EXIT:
	case KVM_CAP_READONLY_MEM:	/* writes to them exit as MMIO */
	case KVM_CAP_EXT_CPUID:		/* KVM_{GET_SUPPORTED,SET,GET}_CPUID2 */
	case KVM_CAP_ENFORCE_PV_FEATURE_CPUID:
	case KVM_CAP_GET_MSR_FEATURES:	/* the VMX capability MSRs; none on SVM */
	case KVM_CAP_HYPERV_CPUID:	/* KVM_GET_SUPPORTED_HV_CPUID on vCPUs */
	case KVM_CAP_SYS_HYPERV_CPUID:	/* ...and on the device */
		return 1;
	case KVM_CAP_XCRS:
		/* As KVM: KVM_GET_XCRS/KVM_SET_XCRS where the host has XSAVE. */
		return !!thinvm_host_xcr0();
	case KVM_CAP_NR_VCPUS:
	case KVM_CAP_MAX_VCPUS:
		/* Asked of a VM: its own maximum, which policy may lower. */
		return vm ? READ_ONCE(vm->max_vcpus) : THINVM_MAX_VCPUS;
	case KVM_CAP_MAX_VCPU_ID:
		/* Ids stay 0 to 63 whatever the count allowed. */
		return THINVM_MAX_VCPUS;
	case KVM_CAP_NR_MEMSLOTS:
		return THINVM_MAX_MEMSLOTS;
	case KVM_CAP_HYPERV_ENLIGHTENED_VMCS:
		return !strcmp(thinvm_backend->name, "vmx");
	case KVM_CAP_EXIT_HYPERCALL:
		/* As KVM, the mask of what may exit; here within the ceiling. */
		return THINVM_HC_EXIT_SUPPORTED & thinvm_policy_hc_ceiling();
	default:
		return 0;
	}
}

/*
 * KVM_CAP_EXIT_HYPERCALL: which hypercalls the VMM wants to see. As KVM,
 * flags must be 0 and unknown hypercalls give EINVAL; thinvm adds EPERM
 * above the host ceiling. Policy may narrow it later (thinvm_vm_set_policy).
 */
static int vm_enable_cap(struct thinvm_vm *vm, const struct kvm_enable_cap *cap)
{
	int r;

	if (cap->flags)
		return -EINVAL;
	if (cap->cap != KVM_CAP_EXIT_HYPERCALL)
		return -EINVAL;
	r = thinvm_hc_mask_check(cap->args[0], thinvm_policy_hc_ceiling());
	if (r == -EPERM)
		pr_info_ratelimited("VM %u: hypercall exit mask %#llx refused: the host ceiling is %#llx\n",
				    vm->id, cap->args[0], thinvm_policy_hc_ceiling());
	if (r)
		return r;
	mutex_lock(&vms_lock);
	WRITE_ONCE(vm->hc_requested, cap->args[0]);
	mutex_unlock(&vms_lock);
	return 0;
}

static int vm_set_name(struct thinvm_vm *vm, const struct thinvm_vm_name *n)
{
	if (!thinvm_vm_name_valid(n->name, sizeof(n->name)))
		return -EINVAL;
	mutex_lock(&vms_lock);
	memcpy(vm->name, n->name, sizeof(vm->name));
	mutex_unlock(&vms_lock);
	/* n is the caller's copy: still the name even if renamed again. */
	thinvm_genl_vm_renamed(vm->id, vm->pid, n->name);
	return 0;
}

static long thinvm_vm_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	struct thinvm_vm *vm = file->private_data;
	void __user *argp = (void __user *)arg;

	if (vm->mm != current->mm)
		return -EIO;
	switch (cmd) {
	case KVM_SET_USER_MEMORY_REGION: {
		struct kvm_userspace_memory_region mem;

		if (copy_from_user(&mem, argp, sizeof(mem)))
			return -EFAULT;
		return thinvm_memslot_set(vm, &mem);
	}
	case KVM_CREATE_VCPU:
		return thinvm_vcpu_create(vm, arg);
	case KVM_CHECK_EXTENSION:
		return thinvm_check_extension(vm, arg);
	case KVM_ENABLE_CAP: {
		struct kvm_enable_cap cap;

		if (copy_from_user(&cap, argp, sizeof(cap)))
			return -EFAULT;
		return vm_enable_cap(vm, &cap);
	}
	case THINVM_GET_VM_ID:
		return put_user(vm->id, (u32 __user *)argp);
	case THINVM_SET_VM_NAME: {
		struct thinvm_vm_name name;

		if (copy_from_user(&name, argp, sizeof(name)))
			return -EFAULT;
		return vm_set_name(vm, &name);
	}
	default:
		/* As KVM answers unknown VM ioctls. */
		return -ENOTTY;
	}
}

static const struct file_operations thinvm_vm_fops = {
	.owner = THIS_MODULE,
	.release = thinvm_vm_release,
	.unlocked_ioctl = thinvm_vm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

int thinvm_vm_create(unsigned long type)
{
	struct thinvm_host_policy policy;
	struct thinvm_vm *vm;
	int r;

	/* KVM_X86_DEFAULT_VM is the only type thinvm runs. */
	if (type)
		return -EINVAL;
	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	kref_init(&vm->ref);
	mutex_init(&vm->lock);
	vm->pid = task_tgid_nr(current);
	thinvm_policy_get(&policy);
	vm->hc_allowed = policy.hc_default;
	vm->hidden_features = policy.hidden_features;
	vm->max_vcpus = policy.vm_max_vcpus;
	vm->hv_vcpu_limit = policy.hv_vcpu_limit;
	ratelimit_state_init(&vm->hc_refused_rs, HZ, 5);
	/* The limiter's own "callbacks suppressed" line would be noise. */
	ratelimit_set_flags(&vm->hc_refused_rs, RATELIMIT_MSG_ON_RELEASE);
	r = thinvm_mmu_init(&vm->mmu, thinvm_backend->mmu_levels());
	if (r)
		goto err_free;
	r = thinvm_virt_get();
	if (r)
		goto err_mmu;
	mutex_lock(&vms_lock);
	r = xa_alloc_cyclic(&vms, &vm->id, vm, XA_LIMIT(1, INT_MAX),
			    &vms_next_id, GFP_KERNEL_ACCOUNT);
	if (r >= 0)
		vms_seq++;
	mutex_unlock(&vms_lock);
	if (r < 0)
		goto err_virt;
	mmgrab(current->mm);
	vm->mm = current->mm;
	thinvm_genl_vm_event(THINVM_CMD_VM_CREATED, vm->id, vm->pid);
	r = anon_inode_getfd("thinvm-vm", &thinvm_vm_fops, vm,
			     O_RDWR | O_CLOEXEC);
	if (r < 0)
		thinvm_vm_put(vm);
	return r;

err_virt:
	thinvm_virt_put();
err_mmu:
	thinvm_mmu_destroy(&vm->mmu);
err_free:
	kfree(vm);
	return r;
}
