/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KEY=VALUE arguments of "vmctl policy set" and "vmctl vm policy", checked
 * before anything is sent, so a typo changes nothing. Plain C, unit-tested.
 */
#ifndef VMCTL_POLICY_ARGS_H
#define VMCTL_POLICY_ARGS_H

#include <stddef.h>
#include <stdint.h>

enum vmctl_policy_key {
	VMCTL_HC_CEILING	= 1u << 0,
	VMCTL_HC_DEFAULT	= 1u << 1,
	VMCTL_HOTPLUG_MODE	= 1u << 2,
	VMCTL_HIDDEN_FEATURES	= 1u << 3,
	VMCTL_HYPERV_VCPU_LIMIT	= 1u << 4,
	VMCTL_HC_EXIT		= 1u << 5,	/* a VM's, "vm policy" only */
	VMCTL_VM_MAX_VCPUS	= 1u << 6,
};

/* A hypercall mask argument: bits, or "all" (what the module supports). */
struct vmctl_mask {
	uint64_t bits;
	int all;
};

struct vmctl_policy_args {
	unsigned int set;		/* enum vmctl_policy_key */
	struct vmctl_mask hc_ceiling, hc_default, hc_exit;
	const char *hotplug_mode;	/* a name thinvm knows; points into argv */
	uint64_t hidden_features;	/* thinvm_features.h set */
	uint32_t hyperv_vcpu_limit;
	uint32_t vm_max_vcpus;
};

/* The key's name as typed: "hypercall-ceiling", ... */
const char *vmctl_policy_key_name(enum vmctl_policy_key key);

/* The key named @name among @allowed, or 0. */
unsigned int vmctl_policy_key_parse(const char *name, unsigned int allowed);

/*
 * Parse @argc arguments of @argv, each KEY=VALUE with KEY among @allowed.
 * 0, or -EINVAL with one sentence in @err (unknown key, no '=', a key given
 * twice, a value that is not one of the key's).
 */
int vmctl_policy_parse(int argc, char **argv, unsigned int allowed,
		       struct vmctl_policy_args *a, char *err, size_t errlen);

#endif
