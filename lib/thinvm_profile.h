/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host capability profile (THINVM_CMD_GET_PROFILE in <linux/thinvm.h>):
 * what a VM created on a host now would be offered, after the host policy.
 * Orchestration compares profiles between hosts and computes a baseline
 * that every host of a pool can offer, then the policy that makes each host
 * offer no more than it. Plain C, for the daemon, vmctl and the unit tests.
 *
 * The JSON form (Manager1.GetProfile(), `vmctl profile --json`, the files
 * `vmctl profile baseline` reads) is written by tnl_profile_to_json() and
 * read back by tnl_profile_from_json(); its "version" is
 * THINVM_PROFILE_VERSION and a profile of another version is refused.
 */
#ifndef THINVM_PROFILE_H
#define THINVM_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include <linux/kvm.h>
#include <linux/thinvm.h>

/* As many entries as KVM_SET_CPUID2 takes (the module's own limit). */
#define TNL_PROFILE_CPUID_MAX 256
/* The VMX capability MSRs, 0x480 to 0x492, with room to grow. */
#define TNL_PROFILE_VMX_MSRS_MAX 32

struct tnl_profile {
	uint32_t version;		/* THINVM_PROFILE_VERSION */
	char vendor[16];		/* "svm" or "vmx" */
	uint64_t policy_generation;	/* of the host policy it was read under */
	uint64_t features;		/* named features offered (thinvm_features.h) */
	uint64_t hidden_features;	/* named features the policy hides */
	uint32_t max_vcpus;		/* the most vCPUs a new VM may have */
	uint32_t hv_vcpu_limit;		/* HYPERV_CPUID_IMPLEMENT_LIMITS.EAX */
	uint64_t hc_supported;		/* hypercalls that can exit (KVM_HC_* bits) */
	unsigned int n_cpuid;
	struct kvm_cpuid_entry2 cpuid[TNL_PROFILE_CPUID_MAX];
	unsigned int n_vmx_msrs;	/* 0 on SVM */
	struct thinvm_msr_value vmx_msrs[TNL_PROFILE_VMX_MSRS_MAX];
};

struct json_object;

/*
 * @p as one JSON object (json-c; the caller puts it), NULL without memory.
 * Keys are lower case with dashes, as Describe()'s; features and hypercalls
 * by name; CPUID registers and MSR values as "0x..." strings.
 */
struct json_object *tnl_profile_to_json(const struct tnl_profile *p);
/* Back from that form: 0, or -EINVAL with @why (a sentence) filled. */
int tnl_profile_from_json(struct json_object *o, struct tnl_profile *p,
			  char *why, size_t size);

#endif
