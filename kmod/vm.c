// SPDX-License-Identifier: GPL-2.0
/*
 * VM objects. A VM is an anonymous-inode file; its fd and each of its vCPU
 * fds hold a reference, and the VM goes when the last one closes. Hardware
 * virtualization stays on while any VM lives. As on KVM, only the process
 * that created a VM may use it: a VM fd passed to (or inherited by) another
 * process gets EIO.
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

#include "thinvm.h"

static atomic64_t vm_next_id = ATOMIC64_INIT(0);

static void vm_free(struct kref *ref)
{
	struct thinvm_vm *vm = container_of(ref, struct thinvm_vm, ref);

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

long thinvm_check_extension(unsigned long cap)
{
	bool runs = thinvm_backend->vcpu_create;

	switch (cap) {
	case KVM_CAP_USER_MEMORY:
		return 1;
	case KVM_CAP_NR_VCPUS:
	case KVM_CAP_MAX_VCPUS:
	case KVM_CAP_MAX_VCPU_ID:
		return runs ? THINVM_MAX_VCPUS : 0;
	case KVM_CAP_NR_MEMSLOTS:
		return THINVM_MAX_MEMSLOTS;
	case KVM_CAP_IMMEDIATE_EXIT:
	case KVM_CAP_READONLY_MEM:	/* writes to them exit as MMIO */
	case KVM_CAP_EXT_CPUID:		/* KVM_{GET_SUPPORTED,SET,GET}_CPUID2 */
		return runs;
	default:
		return 0;
	}
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
		return thinvm_check_extension(arg);
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
	r = thinvm_mmu_init(&vm->mmu, thinvm_backend->mmu_levels());
	if (r)
		goto err_free;
	r = thinvm_virt_get();
	if (r)
		goto err_mmu;
	mmgrab(current->mm);
	vm->mm = current->mm;
	vm->id = atomic64_inc_return(&vm_next_id);
	r = anon_inode_getfd("thinvm-vm", &thinvm_vm_fops, vm,
			     O_RDWR | O_CLOEXEC);
	if (r < 0)
		thinvm_vm_put(vm);
	return r;

err_mmu:
	thinvm_mmu_destroy(&vm->mmu);
err_free:
	kfree(vm);
	return r;
}
