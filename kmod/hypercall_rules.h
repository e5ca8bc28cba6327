/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a hypercall does, decided from the registers and the VM's policy:
 * KVM's hypercall ABI (Documentation/virt/kvm/x86/hypercalls.rst;
 * arch/x86/kvm/x86.c, kvm_emulate_hypercall) plus thinvm's host ceiling.
 * Plain C, for the unit tests.
 */
#ifndef THINVM_HYPERCALL_RULES_H
#define THINVM_HYPERCALL_RULES_H

#include "portable.h"

/* The numbers and errors of <linux/kvm_para.h>, kept here so that the unit
 * tests need no kernel header. */
#define THINVM_HC_VAPIC_POLL_IRQ	1
#define THINVM_HC_MAP_GPA_RANGE		12
#define THINVM_KVM_ENOSYS		1000
#define THINVM_KVM_EINVAL		22
#define THINVM_KVM_EPERM		1
/* KVM_FEATURE_HC_MAP_GPA_RANGE in the guest's KVM feature leaf. */
#define THINVM_KVM_FEATURE_HC_MAP_GPA_RANGE	16

/* The hypercalls that can exit to userspace (KVM_CAP_EXIT_HYPERCALL). */
#define THINVM_HC_EXIT_SUPPORTED	BIT_ULL(THINVM_HC_MAP_GPA_RANGE)

struct thinvm_hc_call {
	u64 nr;			/* RAX */
	u64 args[4];		/* RBX, RCX, RDX, RSI */
	unsigned int cpl;
	bool long_mode;		/* 64-bit code: else only low halves count */
};

struct thinvm_hc_policy {
	u64 exit_mask;		/* the VM's, already within the ceiling */
	u64 requested;		/* what its VMM asked with KVM_ENABLE_CAP */
	bool pv_enforce;	/* KVM_CAP_ENFORCE_PV_FEATURE_CPUID */
	u32 kvm_features;	/* the guest's KVM feature leaf, EAX */
};

struct thinvm_hc_outcome {
	bool exit;		/* KVM_EXIT_HYPERCALL with nr and args[] */
	u64 nr;			/* as the guest meant it (truncated) */
	u64 args[3];		/* truncated as the guest meant them */
	u64 ret;		/* else: RAX, truncated outside 64-bit code */
	/* The VMM enabled this exit but the host policy keeps it in. */
	bool refused_by_policy;
};

void thinvm_hc_decide(const struct thinvm_hc_call *call,
		      const struct thinvm_hc_policy *policy,
		      struct thinvm_hc_outcome *out);

/* RAX after the VMM answered an exit with @ret. */
static inline u64 thinvm_hc_result(u64 ret, bool long_mode)
{
	return long_mode ? ret : (u32)ret;
}

/*
 * A hypercall exit mask asked for by a VMM (KVM_ENABLE_CAP) or by policy:
 * 0, -EINVAL with bits thinvm cannot exit for, -EPERM above @ceiling.
 */
int thinvm_hc_mask_check(u64 mask, u64 ceiling);

#endif
