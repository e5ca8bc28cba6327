/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XCR0, the XSAVE feature-enable register: which values a guest's XSETBV
 * (or the VMM's KVM_SET_XCRS) may load, as the SDM ("XSETBV") and KVM
 * (arch/x86/kvm/x86.c, __kvm_set_xcr) decide it. Plain C, for the unit
 * tests.
 */
#ifndef THINVM_XSAVE_RULES_H
#define THINVM_XSAVE_RULES_H

#include "portable.h"

/* XCR0 bits (state components), SDM vol. 1, 13.1. */
#define THINVM_XFEATURE_X87		BIT_ULL(0)
#define THINVM_XFEATURE_SSE		BIT_ULL(1)
#define THINVM_XFEATURE_YMM		BIT_ULL(2)
#define THINVM_XFEATURE_BNDREGS		BIT_ULL(3)
#define THINVM_XFEATURE_BNDCSR		BIT_ULL(4)
#define THINVM_XFEATURE_AVX512		(BIT_ULL(5) | BIT_ULL(6) | BIT_ULL(7))
#define THINVM_XFEATURE_PKRU		BIT_ULL(9)
#define THINVM_XFEATURE_TILE		(BIT_ULL(17) | BIT_ULL(18))

/* The only extended control register there is. */
#define THINVM_XCR_XFEATURE_ENABLED	0

/*
 * Whether @xcr0 may be loaded when the guest's CPUID allows @allowed (the
 * x87 bit is always allowed): x87 on, SSE under AVX, nothing outside
 * @allowed, MPX's two components together, AVX-512's three together and
 * only with AVX, AMX's two together.
 */
bool thinvm_xcr0_valid(u64 xcr0, u64 allowed);

#endif
