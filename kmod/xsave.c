// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's XCR0. The host's stays loaded except from right before
 * VMRUN/VMLAUNCH to right after the exit, IRQs off throughout, so the
 * kernel saves and restores the guest's FPU state with the host's XCR0, a
 * superset of any the guest may load (it can only load what the supported
 * CPUID offers, which the host's XCR0 bounds: cpuid_rules.c). As KVM's
 * kvm_load_guest_xsave_state(), the guest's value is loaded only while its
 * CR4.OSXSAVE is set: without it, XCR0 means nothing to the guest.
 * XSETBV is intercepted (both backends) and checked here.
 *
 * The exit reads XCR0 back rather than trusting that only thinvm wrote it:
 * on hardware a guest's XSETBV always exits, but QEMU's nested SVM (7.2,
 * lane 1) runs it in the guest, which would leave the host with the
 * guest's XCR0. One XGETBV per exit, for guests with CR4.OSXSAVE only.
 */
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/fpu/xcr.h>

#include "thinvm.h"
#include "xsave_rules.h"

static u64 host_xcr0;	/* 0 when the host does not use XSAVE */

void thinvm_xsave_init(void)
{
	if (boot_cpu_has(X86_FEATURE_OSXSAVE))
		host_xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
}

u64 thinvm_host_xcr0(void)
{
	return host_xcr0;
}

void thinvm_xcr0_enter(struct thinvm_vcpu *vcpu, u64 guest_cr4)
{
	vcpu->xcr0_in_use = guest_cr4 & X86_CR4_OSXSAVE;
	if (vcpu->xcr0_in_use && vcpu->xcr0 != host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, vcpu->xcr0);
}

void thinvm_xcr0_exit(struct thinvm_vcpu *vcpu)
{
	if (vcpu->xcr0_in_use &&
	    xgetbv(XCR_XFEATURE_ENABLED_MASK) != host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, host_xcr0);
}

/* XCR @index := @value, or -EINVAL (a #GP for the guest) and no change. */
static int set_xcr(struct thinvm_vcpu *vcpu, u32 index, u64 value)
{
	if (index != THINVM_XCR_XFEATURE_ENABLED ||
	    !thinvm_xcr0_valid(value, thinvm_cpuid_xcr0_allowed(vcpu)))
		return -EINVAL;
	vcpu->xcr0 = value;
	thinvm_cpuid_refresh(vcpu);	/* 0xD.0 EBX follows XCR0 */
	return 0;
}

/*
 * The guest's XSETBV, at @cpl: ECX names the register, EDX:EAX the value.
 * The CPU raised #UD itself if CR4.OSXSAVE is clear. -EINVAL: inject #GP.
 */
int thinvm_xsetbv(struct thinvm_vcpu *vcpu, unsigned int cpl)
{
	const unsigned long *regs = vcpu->regs;

	if (cpl)
		return -EINVAL;
	return set_xcr(vcpu, regs[THINVM_RCX],
		       (u32)regs[THINVM_RAX] | (u64)(u32)regs[THINVM_RDX] << 32);
}

/* KVM_GET_XCRS: XCR0, or no register on a host without XSAVE (as KVM). */
long thinvm_get_xcrs(struct thinvm_vcpu *vcpu, void __user *argp)
{
	struct kvm_xcrs xcrs;

	memset(&xcrs, 0, sizeof(xcrs));
	if (host_xcr0) {
		xcrs.nr_xcrs = 1;
		xcrs.xcrs[0].xcr = THINVM_XCR_XFEATURE_ENABLED;
		xcrs.xcrs[0].value = vcpu->xcr0;
	}
	return copy_to_user(argp, &xcrs, sizeof(xcrs)) ? -EFAULT : 0;
}

/*
 * KVM_SET_XCRS: each register checked as the guest's XSETBV is; EINVAL on
 * the first refused one, as KVM (those before it stay set, as on KVM).
 */
long thinvm_set_xcrs(struct thinvm_vcpu *vcpu, void __user *argp)
{
	struct kvm_xcrs xcrs;
	u32 i;

	if (!host_xcr0)
		return -EINVAL;
	if (copy_from_user(&xcrs, argp, sizeof(xcrs)))
		return -EFAULT;
	if (xcrs.nr_xcrs > KVM_MAX_XCRS || xcrs.flags)
		return -EINVAL;
	for (i = 0; i < xcrs.nr_xcrs; i++)
		if (set_xcr(vcpu, xcrs.xcrs[i].xcr, xcrs.xcrs[i].value))
			return -EINVAL;
	return 0;
}
