// SPDX-License-Identifier: GPL-2.0
/*
 * VM objects. A VM is an anonymous-inode file; it lives while its fd does,
 * and hardware virtualization stays on while any VM lives.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/kvm.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "thinvm.h"

struct thinvm_vm {
	u64 id;		/* stable, never reused while the module is loaded */
};

static atomic64_t vm_next_id = ATOMIC64_INIT(0);

static int thinvm_vm_release(struct inode *inode, struct file *file)
{
	struct thinvm_vm *vm = file->private_data;

	thinvm_virt_put();
	kfree(vm);
	return 0;
}

static long thinvm_vm_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	/* As KVM answers unknown VM ioctls. */
	return -ENOTTY;
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
	r = thinvm_virt_get();
	if (r)
		goto err_free;
	vm->id = atomic64_inc_return(&vm_next_id);
	r = anon_inode_getfd("thinvm-vm", &thinvm_vm_fops, vm,
			     O_RDWR | O_CLOEXEC);
	if (r < 0)
		goto err_put;
	return r;

err_put:
	thinvm_virt_put();
err_free:
	kfree(vm);
	return r;
}
