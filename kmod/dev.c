// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/thinvm: the KVM system ioctls. Numbers, structs and error codes follow
 * KVM's (virt/kvm/kvm_main.c, arch/x86/kvm/x86.c) so KVM userspace works
 * unchanged with only the device path changed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/kvm.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "thinvm.h"

static long thinvm_dev_ioctl(struct file *file, unsigned int cmd,
			     unsigned long arg)
{
	switch (cmd) {
	case KVM_GET_API_VERSION:
		if (arg)
			return -EINVAL;
		return KVM_API_VERSION;
	case KVM_CHECK_EXTENSION:
		return thinvm_check_extension(NULL, arg);
	case KVM_CREATE_VM:
		return thinvm_vm_create(arg);
	case KVM_GET_MSR_INDEX_LIST:
		return thinvm_msr_index_list((void __user *)arg);
	case KVM_GET_MSR_FEATURE_INDEX_LIST:
		return thinvm_feature_msr_index_list((void __user *)arg);
	case KVM_GET_MSRS:
		return thinvm_feature_msrs_get((void __user *)arg);
	case KVM_GET_SUPPORTED_HV_CPUID:
		return thinvm_get_hv_cpuid(NULL, (void __user *)arg);
	case KVM_GET_SUPPORTED_CPUID:
		return thinvm_get_supported_cpuid((void __user *)arg);
	case KVM_GET_VCPU_MMAP_SIZE:
		if (arg)
			return -EINVAL;
		return THINVM_VCPU_MMAP_PAGES * PAGE_SIZE;
	default:
		/* As KVM answers unknown system ioctls. */
		return -EINVAL;
	}
}

static const struct file_operations thinvm_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = thinvm_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice thinvm_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "thinvm",
	.fops = &thinvm_dev_fops,
	.mode = 0600,
};

int thinvm_dev_init(void)
{
	return misc_register(&thinvm_misc);
}

void thinvm_dev_exit(void)
{
	misc_deregister(&thinvm_misc);
}
