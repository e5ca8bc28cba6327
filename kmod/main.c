// SPDX-License-Identifier: GPL-2.0
/*
 * thinvm.ko: a thin hypervisor speaking a subset of the KVM ioctl ABI on
 * /dev/thinvm. Load picks the backend (SVM or VMX) from the CPU, checks every
 * online CPU for what that backend needs, and refuses to load otherwise.
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

static void cpu_missing_fn(void *why)
{
	*(const char **)why = thinvm_backend->cpu_missing();
}

/* Every online CPU must have what the backend needs. */
static int check_online_cpus(void)
{
	unsigned int cpu;
	int r = 0;

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		const char *why = NULL;

		smp_call_function_single(cpu, cpu_missing_fn, &why, 1);
		if (why) {
			pr_err("CPU%u: %s; thinvm needs %s\n", cpu, why,
			       thinvm_backend == &thinvm_svm ?
			       "SVM with nested paging" :
			       "VMX with EPT and unrestricted guest");
			r = -EOPNOTSUPP;
		}
	}
	cpus_read_unlock();
	return r;
}

static int __init thinvm_init(void)
{
	int r;

	thinvm_backend = pick_backend();
	if (!thinvm_backend) {
		pr_err("this CPU has neither AMD SVM nor Intel VMX; not loading\n");
		return -EOPNOTSUPP;
	}
	r = check_online_cpus();
	if (r)
		return r;
	r = thinvm_backend->setup();
	if (r)
		return r;
	r = thinvm_cpuid_init();
	if (r)
		goto err_unsetup;
	r = thinvm_virt_init();
	if (r)
		goto err_cpuid;
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
err_cpuid:
	thinvm_cpuid_exit();
err_unsetup:
	thinvm_backend->unsetup();
	return r;
}

static void __exit thinvm_exit(void)
{
	thinvm_dev_exit();
	thinvm_debugfs_exit();
	thinvm_sysfs_exit();
	thinvm_virt_exit();
	thinvm_cpuid_exit();
	thinvm_backend->unsetup();
	pr_info("unloaded\n");
}

module_init(thinvm_init);
module_exit(thinvm_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("thinvm: a thin hypervisor with a KVM-compatible ioctl ABI");
