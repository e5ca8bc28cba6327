// SPDX-License-Identifier: GPL-2.0
/*
 * thinvm.ko: a thin hypervisor speaking a subset of the KVM ioctl ABI on
 * /dev/thinvm. Load picks the backend (SVM or VMX) from the CPU, checks that
 * every online CPU has what that backend needs, all alike (admission.c), and
 * refuses to load otherwise.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/module.h>
#include <linux/smp.h>
#include <asm/processor.h>

#include "hwcaps.h"
#include "thinvm.h"

const struct thinvm_backend *thinvm_backend;

static const struct thinvm_backend *pick_backend(void)
{
	u32 ext1_ecx = 0;

	if (cpuid_eax(0x80000000) >= 0x80000001)
		ext1_ecx = cpuid_ecx(0x80000001);
	switch (thinvm_pick_vendor(cpuid_ecx(1), ext1_ecx)) {
	case THINVM_VENDOR_SVM:
		return &thinvm_svm;
	case THINVM_VENDOR_VMX:
		return &thinvm_vmx;
	default:
		return NULL;
	}
}

static int __init thinvm_init(void)
{
	int r;

	thinvm_backend = pick_backend();
	if (!thinvm_backend) {
		pr_err("this CPU has neither AMD SVM nor Intel VMX; not loading\n");
		return -EOPNOTSUPP;
	}
	thinvm_policy_init();
	r = thinvm_admission_init();
	if (r)
		return r;
	r = thinvm_backend->setup();
	if (r)
		goto err_admission;
	/* Before CPUID, whose table describes the SVM features. */
	thinvm_features_init();
	thinvm_xsave_init();
	r = thinvm_cpuid_init();
	if (r)
		goto err_unsetup;
	/* Before the CPU callbacks, whose decisions are events. */
	r = thinvm_genl_init();
	if (r)
		goto err_cpuid;
	r = thinvm_virt_init();
	if (r)
		goto err_genl;
	r = thinvm_sysfs_init();
	if (r)
		goto err_virt;
	thinvm_debugfs_init();
	r = thinvm_dev_init();
	if (r)
		goto err_debugfs;
	pr_info("loaded, backend %s, %u CPUs checked\n", thinvm_backend->name,
		num_online_cpus());
	return 0;

err_debugfs:
	thinvm_debugfs_exit();
	thinvm_sysfs_exit();
err_virt:
	thinvm_virt_exit();
err_genl:
	thinvm_genl_exit();
err_cpuid:
	thinvm_cpuid_exit();
err_unsetup:
	thinvm_backend->unsetup();
err_admission:
	thinvm_admission_exit();
	return r;
}

static void __exit thinvm_exit(void)
{
	thinvm_dev_exit();
	thinvm_debugfs_exit();
	thinvm_sysfs_exit();
	thinvm_virt_exit();
	thinvm_genl_exit();
	thinvm_cpuid_exit();
	thinvm_backend->unsetup();
	thinvm_admission_exit();
	pr_info("unloaded\n");
}

module_init(thinvm_init);
module_exit(thinvm_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("thinvm: a thin hypervisor with a KVM-compatible ioctl ABI");
