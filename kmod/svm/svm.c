// SPDX-License-Identifier: GPL-2.0
/*
 * AMD SVM: turning it on and off per CPU (EFER.SVME enables the SVM
 * instructions; VM_HSAVE_PA names the page where VMRUN saves host state),
 * what the CPU offers, and the vCPU objects. vmcb.c holds the VMCB's state,
 * run.c the entry and the exits.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cc_platform.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/string_helpers.h>
#include <asm/msr.h>
#include <asm/perf_event.h>
#include <asm/processor.h>

#include "../admission_rules.h"
#include "../hwcaps.h"
#include "svm.h"

#define MSR_VM_CR_ 0xc0010114
#define CPUID_8000000A_EDX_NRIPS	BIT(3)
#define CPUID_8000000A_EDX_VMCB_CLEAN	BIT(5)
#define CPUID_8000000A_EDX_FLUSH_BY_ASID BIT(6)
#define CPUID_8000000A_EDX_DECODE_ASSISTS BIT(7)
/* I/O permission map: 12 KiB; MSR permission map: 8 KiB (APM 15.10, 15.11). */
#define IOPM_ORDER	2
#define MSRPM_ORDER	1

static DEFINE_PER_CPU(struct page *, hsave_page);

struct svm_features svm_features;
u64 svm_iopm_pa, svm_msrpm_pa;
static struct page *iopm_pages, *msrpm_pages;

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

/*
 * The golden-snapshot fields (admission.c): SVM itself, the firmware's
 * SVMDIS, and leaf 0x8000000A (revision, ASID count, features). A CPU that
 * differs in any of them could fail a VMRUN another CPU accepts.
 */
static void svm_snapshot(struct thinvm_caps_snapshot *s)
{
	u32 max = cpuid_eax(0x80000000);
	u32 ecx = max >= 0x80000001 ? cpuid_ecx(0x80000001) : 0;
	u32 a = 0, b = 0, c = 0, d = 0;
	u64 vm_cr = 0;

	if (max >= 0x8000000a)
		cpuid(0x8000000a, &a, &b, &c, &d);
	if (ecx & BIT(2) && rdmsrl_safe(MSR_VM_CR_, &vm_cr))
		vm_cr = ~0ULL;
	thinvm_caps_add(s, "CPUID 0x80000001.ECX.SVM", ecx & BIT(2));
	thinvm_caps_add(s, "VM_CR.SVMDIS", vm_cr & BIT_ULL(4));
	thinvm_caps_add(s, "CPUID 0x8000000A.EAX (SVM revision)", a);
	thinvm_caps_add(s, "CPUID 0x8000000A.EBX (ASIDs)", b);
	thinvm_caps_add(s, "CPUID 0x8000000A.EDX (SVM features)", d);
}

/* Nested paging follows the host's paging depth (APM 15.25.3). */
static int svm_mmu_levels(void)
{
	return __read_cr4() & X86_CR4_LA57 ? 5 : 4;
}

/* A permission map with every bit set: every access is intercepted. */
static struct page *alloc_intercept_all(unsigned int order)
{
	struct page *pages = alloc_pages(GFP_KERNEL, order);

	if (pages)
		memset(page_address(pages), 0xff, PAGE_SIZE << order);
	return pages;
}

static void svm_unsetup(void)
{
	if (msrpm_pages)
		__free_pages(msrpm_pages, MSRPM_ORDER);
	if (iopm_pages)
		__free_pages(iopm_pages, IOPM_ORDER);
	msrpm_pages = iopm_pages = NULL;
	thinvm_cpu_pages_free(svm_host_save_pages());
	thinvm_cpu_pages_free(&hsave_page);
}

static int svm_setup(void)
{
	u32 edx = cpuid_edx(0x8000000a);

	/*
	 * With SME every address given to the hardware (VMCB, save areas,
	 * nested page tables) would need the encryption bit: not done yet.
	 */
	if (cc_platform_has(CC_ATTR_HOST_MEM_ENCRYPT)) {
		pr_err("host memory encryption (SME) is active: not supported yet\n");
		return -EOPNOTSUPP;
	}

	svm_features.nrips = edx & CPUID_8000000A_EDX_NRIPS;
	svm_features.flush_by_asid = edx & CPUID_8000000A_EDX_FLUSH_BY_ASID;
	svm_features.vmcb_clean = edx & CPUID_8000000A_EDX_VMCB_CLEAN;
	svm_features.decode_assists = edx & CPUID_8000000A_EDX_DECODE_ASSISTS;
	svm_features.nr_asids = cpuid_ebx(0x8000000a);
	pr_info("SVM: %u ASIDs, NRIP save %s, flush by ASID %s, VMCB clean bits %s, decode assists %s, %d-level nested paging\n",
		svm_features.nr_asids, str_yes_no(svm_features.nrips),
		str_yes_no(svm_features.flush_by_asid),
		str_yes_no(svm_features.vmcb_clean),
		str_yes_no(svm_features.decode_assists), svm_mmu_levels());
	if (svm_features.nr_asids < 2)
		return -EOPNOTSUPP;

	iopm_pages = alloc_intercept_all(IOPM_ORDER);
	msrpm_pages = alloc_intercept_all(MSRPM_ORDER);
	if (!iopm_pages || !msrpm_pages ||
	    thinvm_cpu_pages_alloc(&hsave_page) ||
	    thinvm_cpu_pages_alloc(svm_host_save_pages())) {
		svm_unsetup();
		return -ENOMEM;
	}
	svm_iopm_pa = page_to_phys(iopm_pages);
	svm_msrpm_pa = page_to_phys(msrpm_pages);
	return 0;
}

static int svm_enable_cpu(void)
{
	u64 efer;

	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME)
		return -EBUSY;
	/* Checked writes: firmware may have set SVMDIS since load. */
	if (wrmsrl_safe(MSR_EFER, efer | EFER_SVME) ||
	    wrmsrl_safe(MSR_VM_HSAVE_PA,
			page_to_phys(this_cpu_read(hsave_page)))) {
		wrmsrl_safe(MSR_EFER, efer);
		return -EIO;
	}
	/* Host-only/guest-only perf counters mean something now. */
	amd_pmu_enable_virt();
	return 0;
}

static void svm_disable_cpu(void)
{
	u64 efer;

	wrmsrl(MSR_VM_HSAVE_PA, 0);
	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME) {
		/* GIF must be set when SVM goes off, or interrupts stay blocked. */
		asm volatile("stgi" ::: "memory");
		wrmsrl(MSR_EFER, efer & ~EFER_SVME);
	}
	amd_pmu_disable_virt();
}

static bool svm_hw_enabled(void)
{
	u64 efer;

	rdmsrl(MSR_EFER, efer);
	return efer & EFER_SVME;
}

/* NPT entries are ordinary x86 page-table entries, user and writable. */
static const struct thinvm_pte_format svm_pte = {
	.table = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER,
	.leaf_rw = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER,
	.leaf_ro = _PAGE_PRESENT | _PAGE_USER,
};

static int svm_vcpu_create(struct thinvm_vcpu *vcpu)
{
	struct svm_vcpu *svm;
	struct page *page;

	svm = kzalloc(sizeof(*svm), GFP_KERNEL_ACCOUNT);
	if (!svm)
		return -ENOMEM;
	page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!page) {
		kfree(svm);
		return -ENOMEM;
	}
	svm->vmcb = page_address(page);
	svm->vmcb_pa = page_to_phys(page);
	vcpu->arch = svm;
	svm_vmcb_reset(vcpu);
	return 0;
}

static void svm_vcpu_free(struct thinvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	free_page((unsigned long)svm->vmcb);
	kfree(svm);
}

const struct thinvm_backend thinvm_svm = {
	.name = "svm",
	.owner_bit = "EFER.SVME",
	.cpu_missing = svm_cpu_missing,
	.snapshot = svm_snapshot,
	.setup = svm_setup,
	.unsetup = svm_unsetup,
	.enable_cpu = svm_enable_cpu,
	.disable_cpu = svm_disable_cpu,
	.hw_enabled = svm_hw_enabled,
	.pte = &svm_pte,
	.mmu_levels = svm_mmu_levels,
	.vcpu_create = svm_vcpu_create,
	.vcpu_free = svm_vcpu_free,
	.get_sregs = svm_get_sregs,
	.get_view = svm_get_view,
	.set_sregs = svm_set_sregs,
	.vcpu_run = svm_vcpu_run,
	.get_msr = svm_get_msr,
	.set_msr = svm_set_msr,
	.msr_env = svm_msr_env,
	.get_cr4 = svm_get_cr4,
};
