/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host policy the daemon pushes (thinvm.h's netlink protocol): checked
 * and merged as a whole, so that a push applies entirely or not at all.
 * Plain C, for the unit tests; the daemon uses the same rules.
 */
#ifndef THINVM_POLICY_RULES_H
#define THINVM_POLICY_RULES_H

#include "portable.h"

/* The most vCPUs a VM may have (KVM_CAP_MAX_VCPUS). */
#define THINVM_MAX_VCPUS	64

struct thinvm_host_policy {
	u64 generation;
	u64 hc_ceiling;		/* the most a VMM may ask to see exit */
	u64 hc_default;		/* what a new VM's policy allows to exit */
	u32 hotplug_mode;	/* enum thinvm_hotplug_mode */
	/* Taken by each VM as it is created. */
	u64 hidden_features;	/* enum thinvm_feature bits */
	u32 vm_max_vcpus;	/* 1 to THINVM_MAX_VCPUS */
	u32 hv_vcpu_limit;	/* 1 to THINVM_HV_VCPU_LIMIT_MAX */
};

/*
 * As the module loads: behaves like KVM (what a VMM asks for exits, every
 * feature shown, THINVM_MAX_VCPUS per VM, a Hyper-V limit no VM reaches).
 */
void thinvm_policy_defaults(struct thinvm_host_policy *p);

enum {
	THINVM_POLICY_HAS_GENERATION	= 1 << 0,
	THINVM_POLICY_HAS_HC_CEILING	= 1 << 1,
	THINVM_POLICY_HAS_HC_DEFAULT	= 1 << 2,
	THINVM_POLICY_HAS_HOTPLUG_MODE	= 1 << 3,
	THINVM_POLICY_HAS_HIDDEN_FEATURES = 1 << 4,
	THINVM_POLICY_HAS_VM_MAX_VCPUS	= 1 << 5,
	THINVM_POLICY_HAS_HV_VCPU_LIMIT	= 1 << 6,
};

/*
 * @next = @cur with the fields of @change named in @fields. 0, or -EINVAL
 * (@why says what is wrong) or -ESTALE (a generation not above @cur's).
 * @features are the named features the host has: only those can be hidden.
 */
int thinvm_policy_merge(const struct thinvm_host_policy *cur,
			const struct thinvm_host_policy *change,
			unsigned int fields, u64 features,
			struct thinvm_host_policy *next, const char **why);

/*
 * The generation after @cur: @wanted if given (it must be above @cur, else
 * -ESTALE), else @cur + 1.
 */
int thinvm_generation_next(u64 cur, bool given, u64 wanted, u64 *next);

/*
 * A VM name from THINVM_SET_VM_NAME, in a buffer of @size bytes: 1 or more
 * characters of [A-Za-z0-9._-] then NUL, and nothing but NULs after it, so
 * that a name fits in a path, a D-Bus object path component (escaped) and a
 * config rule unchanged.
 */
bool thinvm_vm_name_valid(const char *buf, size_t size);

#endif
