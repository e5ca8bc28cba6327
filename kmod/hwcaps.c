// SPDX-License-Identifier: GPL-2.0
/*
 * Feature requirements of the two backends (see hwcaps.h). Bit positions are
 * from the AMD APM vol. 2 (15.4, 15.25) and the Intel SDM vol. 3 (A.1-A.3,
 * A.10, 23.7).
 */
#include "hwcaps.h"

#define CPUID_1_ECX_VMX			BIT(5)
#define CPUID_80000001_ECX_SVM		BIT(2)
#define CPUID_8000000A_EDX_NPT		BIT(0)
#define VM_CR_SVMDIS			BIT_ULL(4)

#define FEATURE_CONTROL_LOCKED		BIT_ULL(0)
#define FEATURE_CONTROL_VMXON_OUTSIDE_SMX BIT_ULL(2)
#define VMX_BASIC_REGION_SIZE(b)	(((b) >> 32) & 0x1fff)
#define VMX_BASIC_32BIT_ADDRESSES	BIT_ULL(48)
#define VMX_BASIC_MEMTYPE(b)		(((b) >> 50) & 0xf)
#define VMX_MEMTYPE_WB			6
#define PROCBASED_ACTIVATE_SECONDARY	BIT(31)
#define PROCBASED2_ENABLE_EPT		BIT(1)
#define PROCBASED2_UNRESTRICTED_GUEST	BIT(7)
#define EPT_CAP_PAGE_WALK_4		BIT_ULL(6)
#define EPT_CAP_WB			BIT_ULL(14)

enum thinvm_vendor thinvm_pick_vendor(u32 leaf1_ecx, u32 ext1_ecx)
{
	/* No CPU has both; SVM first matches how the kernel tests for them. */
	if (ext1_ecx & CPUID_80000001_ECX_SVM)
		return THINVM_VENDOR_SVM;
	if (leaf1_ecx & CPUID_1_ECX_VMX)
		return THINVM_VENDOR_VMX;
	return THINVM_VENDOR_NONE;
}

const char *thinvm_svm_missing(const struct thinvm_svm_caps *caps)
{
	if (!(caps->ext1_ecx & CPUID_80000001_ECX_SVM))
		return "no SVM (CPUID 0x80000001.ECX bit 2 clear)";
	if (caps->vm_cr & VM_CR_SVMDIS)
		return "SVM disabled by firmware (VM_CR.SVMDIS set)";
	if (caps->ext_max_leaf < 0x8000000a ||
	    !(caps->svm_edx & CPUID_8000000A_EDX_NPT))
		return "no nested paging (CPUID 0x8000000A.EDX bit 0 clear)";
	return NULL;
}

static u32 allowed1(u64 ctls)
{
	return (u32)(ctls >> 32);
}

const char *thinvm_vmx_missing(const struct thinvm_vmx_caps *caps)
{
	u64 fc = caps->feature_control;

	if (!(caps->leaf1_ecx & CPUID_1_ECX_VMX))
		return "no VMX (CPUID.1:ECX bit 5 clear)";
	if (!(fc & FEATURE_CONTROL_LOCKED) ||
	    !(fc & FEATURE_CONTROL_VMXON_OUTSIDE_SMX))
		return "VMX disabled by firmware (IA32_FEATURE_CONTROL not locked with VMXON outside SMX)";
	if (VMX_BASIC_REGION_SIZE(caps->basic) == 0 ||
	    VMX_BASIC_REGION_SIZE(caps->basic) > 4096)
		return "VMCS region size in IA32_VMX_BASIC is not 1-4096 bytes";
	if (caps->basic & VMX_BASIC_32BIT_ADDRESSES)
		return "VMX limited to 32-bit physical addresses (IA32_VMX_BASIC bit 48)";
	if (VMX_BASIC_MEMTYPE(caps->basic) != VMX_MEMTYPE_WB)
		return "VMCS memory type is not write-back (IA32_VMX_BASIC 53:50)";
	if (!(allowed1(caps->procbased) & PROCBASED_ACTIVATE_SECONDARY))
		return "no secondary processor-based VM-execution controls";
	if (!(allowed1(caps->procbased2) & PROCBASED2_ENABLE_EPT))
		return "no EPT (secondary control bit 1)";
	if (!(allowed1(caps->procbased2) & PROCBASED2_UNRESTRICTED_GUEST))
		return "no unrestricted guest (secondary control bit 7)";
	if (!(caps->ept_vpid_cap & EPT_CAP_PAGE_WALK_4) ||
	    !(caps->ept_vpid_cap & EPT_CAP_WB))
		return "EPT lacks 4-level walks or write-back paging structures";
	return NULL;
}
