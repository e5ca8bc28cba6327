// SPDX-License-Identifier: GPL-2.0
/*
 * AMD SVM: turning it on and off per CPU. EFER.SVME enables the SVM
 * instructions; VM_HSAVE_PA names the page where VMRUN saves host state.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <asm/msr.h>
#include <asm/processor.h>

#include "../hwcaps.h"
#include "../thinvm.h"

#define MSR_VM_CR_ 0xc0010114

static DEFINE_PER_CPU(struct page *, hsave_page);

static const char *svm_cpu_missing(void)
{
	struct thinvm_svm_caps caps = {};

	caps.ext_max_leaf = cpuid_eax(0x80000000);
	if (caps.ext_max_leaf >= 0x80000001)
		caps.ext1_ecx = cpuid_ecx(0x80000001);
	if (caps.ext_max_leaf >= 0x8000000a)
		caps.svm_edx = cpuid_edx(0x8000000a);
	if (caps.ext1_ecx & BIT(2) && rdmsrl_safe(MSR_VM_CR_, &caps.vm_cr))
		return "VM_CR is not readable";
	return thinvm_svm_missing(&caps);
}

static int svm_setup(void)
{
	return thinvm_cpu_pages_alloc(&hsave_page);
}

static void svm_unsetup(void)
{
	thinvm_cpu_pages_free(&hsave_page);
}

static int svm_enable_cpu(void)
{
	u64 efer;

	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME)
		return -EBUSY;
	wrmsrl(MSR_EFER, efer | EFER_SVME);
	wrmsrl(MSR_VM_HSAVE_PA, page_to_phys(this_cpu_read(hsave_page)));
	return 0;
}

static void svm_disable_cpu(void)
{
	u64 efer;

	wrmsrl(MSR_VM_HSAVE_PA, 0);
	rdmsrl(MSR_EFER, efer);
	wrmsrl(MSR_EFER, efer & ~EFER_SVME);
}

static bool svm_hw_enabled(void)
{
	u64 efer;

	rdmsrl(MSR_EFER, efer);
	return efer & EFER_SVME;
}

const struct thinvm_backend thinvm_svm = {
	.name = "svm",
	.owner_bit = "EFER.SVME",
	.cpu_missing = svm_cpu_missing,
	.setup = svm_setup,
	.unsetup = svm_unsetup,
	.enable_cpu = svm_enable_cpu,
	.disable_cpu = svm_disable_cpu,
	.hw_enabled = svm_hw_enabled,
};
