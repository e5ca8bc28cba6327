// SPDX-License-Identifier: GPL-2.0
/* The load-time feature requirements (kmod/hwcaps.c), compiled for the host. */
#include <criterion/criterion.h>
#include <string.h>

#include "hwcaps.h"

Test(hwcaps, vendor_from_cpuid)
{
	cr_assert_eq(thinvm_pick_vendor(0, 1u << 2), THINVM_VENDOR_SVM);
	cr_assert_eq(thinvm_pick_vendor(1u << 5, 0), THINVM_VENDOR_VMX);
	cr_assert_eq(thinvm_pick_vendor(~(1u << 5), ~(1u << 2)),
		     THINVM_VENDOR_NONE);
}

static struct thinvm_svm_caps good_svm(void)
{
	return (struct thinvm_svm_caps){
		.ext_max_leaf = 0x80000021,
		.ext1_ecx = 1u << 2,
		.svm_edx = 1u << 0,
		.vm_cr = 0,
	};
}

Test(hwcaps, svm_with_npt_is_enough)
{
	struct thinvm_svm_caps caps = good_svm();

	cr_assert_null(thinvm_svm_missing(&caps));
}

Test(hwcaps, svm_refusals_name_the_missing_feature)
{
	struct thinvm_svm_caps caps = good_svm();

	caps.ext1_ecx = 0;
	cr_assert(strstr(thinvm_svm_missing(&caps), "no SVM"));
	caps = good_svm();
	caps.vm_cr = 1u << 4;
	cr_assert(strstr(thinvm_svm_missing(&caps), "SVMDIS"));
	caps = good_svm();
	caps.svm_edx = 0;
	cr_assert(strstr(thinvm_svm_missing(&caps), "nested paging"));
	caps = good_svm();
	caps.ext_max_leaf = 0x80000008;
	cr_assert(strstr(thinvm_svm_missing(&caps), "nested paging"));
}

static struct thinvm_vmx_caps good_vmx(void)
{
	return (struct thinvm_vmx_caps){
		.leaf1_ecx = 1u << 5,
		.feature_control = 0x5,
		/* revision 4, 4 KiB region, WB */
		.basic = 4 | (0x1000ULL << 32) | (6ULL << 50),
		.procbased = (1ULL << 31) << 32,
		.procbased2 = ((1ULL << 1) | (1ULL << 7)) << 32,
		.ept_vpid_cap = (1ULL << 6) | (1ULL << 14),
	};
}

Test(hwcaps, vmx_with_ept_and_unrestricted_guest_is_enough)
{
	struct thinvm_vmx_caps caps = good_vmx();

	cr_assert_null(thinvm_vmx_missing(&caps));
	cr_assert_eq(thinvm_vmx_revision(caps.basic | (1ULL << 31)), 4);
}

Test(hwcaps, vmx_refusals_name_the_missing_feature)
{
	static const struct {
		size_t offset;
		uint64_t value;
		const char *expect;
	} cases[] = {
		{ offsetof(struct thinvm_vmx_caps, feature_control), 0x1, "firmware" },
		{ offsetof(struct thinvm_vmx_caps, feature_control), 0x4, "firmware" },
		{ offsetof(struct thinvm_vmx_caps, basic), 4 | (6ULL << 50), "region size" },
		{ offsetof(struct thinvm_vmx_caps, basic),
		  4 | (0x1000ULL << 32) | (6ULL << 50) | (1ULL << 48), "32-bit" },
		{ offsetof(struct thinvm_vmx_caps, basic), 4 | (0x1000ULL << 32), "write-back" },
		{ offsetof(struct thinvm_vmx_caps, procbased), 0xffffffff, "secondary" },
		{ offsetof(struct thinvm_vmx_caps, procbased2), (1ULL << 7) << 32, "no EPT" },
		{ offsetof(struct thinvm_vmx_caps, procbased2), (1ULL << 1) << 32, "unrestricted" },
		{ offsetof(struct thinvm_vmx_caps, ept_vpid_cap), 1ULL << 14, "4-level" },
		{ offsetof(struct thinvm_vmx_caps, ept_vpid_cap), 1ULL << 6, "write-back paging" },
	};
	struct thinvm_vmx_caps caps = good_vmx();

	caps.leaf1_ecx = 0;
	cr_assert(strstr(thinvm_vmx_missing(&caps), "no VMX"));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why;

		caps = good_vmx();
		memcpy((char *)&caps + cases[i].offset, &cases[i].value,
		       sizeof(uint64_t));
		why = thinvm_vmx_missing(&caps);
		cr_expect(why && strstr(why, cases[i].expect),
			  "case %zu: got \"%s\", want \"%s\"", i,
			  why ? why : "(accepted)", cases[i].expect);
	}
}
