// SPDX-License-Identifier: GPL-2.0
/* Which XCR0 values a guest may load (kmod/xsave_rules.c). */
#include <criterion/criterion.h>

#include "xsave_rules.h"

#define X87 THINVM_XFEATURE_X87
#define SSE THINVM_XFEATURE_SSE
#define YMM THINVM_XFEATURE_YMM
#define EVERYTHING (~0ull)

Test(xsave_rules, x87_is_always_allowed_and_always_needed)
{
	cr_expect(thinvm_xcr0_valid(X87, 0), "x87 with nothing allowed");
	cr_expect_not(thinvm_xcr0_valid(0, EVERYTHING), "x87 off");
	cr_expect_not(thinvm_xcr0_valid(SSE, EVERYTHING), "SSE without x87");
}

Test(xsave_rules, nothing_outside_what_cpuid_allows)
{
	u64 allowed = X87 | SSE | YMM;

	cr_expect(thinvm_xcr0_valid(X87 | SSE, allowed));
	cr_expect(thinvm_xcr0_valid(X87 | SSE | YMM, allowed));
	cr_expect_not(thinvm_xcr0_valid(X87 | THINVM_XFEATURE_PKRU, allowed), "PKRU");
	cr_expect_not(thinvm_xcr0_valid(X87 | BIT_ULL(63), allowed), "a reserved bit");
	cr_expect_not(thinvm_xcr0_valid(X87 | SSE, X87), "SSE not allowed");
}

Test(xsave_rules, avx_needs_sse)
{
	cr_expect_not(thinvm_xcr0_valid(X87 | YMM, EVERYTHING));
}

Test(xsave_rules, groups_go_together)
{
	u64 mpx = THINVM_XFEATURE_BNDREGS | THINVM_XFEATURE_BNDCSR;
	u64 avx512 = THINVM_XFEATURE_AVX512;

	cr_expect(thinvm_xcr0_valid(X87 | mpx, EVERYTHING));
	cr_expect_not(thinvm_xcr0_valid(X87 | THINVM_XFEATURE_BNDREGS, EVERYTHING));
	cr_expect_not(thinvm_xcr0_valid(X87 | THINVM_XFEATURE_BNDCSR, EVERYTHING));
	cr_expect(thinvm_xcr0_valid(X87 | SSE | YMM | avx512, EVERYTHING));
	cr_expect_not(thinvm_xcr0_valid(X87 | SSE | YMM | BIT_ULL(5), EVERYTHING),
		      "one of AVX-512's three");
	cr_expect_not(thinvm_xcr0_valid(X87 | SSE | avx512, EVERYTHING), "AVX-512 without AVX");
	cr_expect(thinvm_xcr0_valid(X87 | THINVM_XFEATURE_TILE, EVERYTHING));
	cr_expect_not(thinvm_xcr0_valid(X87 | BIT_ULL(18), EVERYTHING), "TILEDATA alone");
}
