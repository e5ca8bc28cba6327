// SPDX-License-Identifier: GPL-2.0
/* Host policy checks (see policy_rules.h). */
#include <linux/thinvm.h>

#include "hypercall_rules.h"
#include "policy_rules.h"

void thinvm_policy_defaults(struct thinvm_host_policy *p)
{
	*p = (struct thinvm_host_policy){
		.generation = 0,
		.hc_ceiling = THINVM_HC_EXIT_SUPPORTED,
		.hc_default = THINVM_HC_EXIT_SUPPORTED,
		.hotplug_mode = THINVM_HOTPLUG_REJECT,
		.hidden_features = 0,
		.vm_max_vcpus = THINVM_MAX_VCPUS,
		.hv_vcpu_limit = THINVM_HV_VCPU_LIMIT_MAX,
	};
}

int thinvm_generation_next(u64 cur, bool given, u64 wanted, u64 *next)
{
	if (!given) {
		*next = cur + 1;
		return 0;
	}
	if (wanted <= cur)
		return -ESTALE;
	*next = wanted;
	return 0;
}

int thinvm_policy_merge(const struct thinvm_host_policy *cur,
			const struct thinvm_host_policy *change,
			unsigned int fields, u64 features,
			struct thinvm_host_policy *next, const char **why)
{
	*next = *cur;
	*why = NULL;
	if (fields & THINVM_POLICY_HAS_HC_CEILING)
		next->hc_ceiling = change->hc_ceiling;
	if (fields & THINVM_POLICY_HAS_HC_DEFAULT)
		next->hc_default = change->hc_default;
	if (fields & THINVM_POLICY_HAS_HOTPLUG_MODE)
		next->hotplug_mode = change->hotplug_mode;
	if (fields & THINVM_POLICY_HAS_HIDDEN_FEATURES)
		next->hidden_features = change->hidden_features;
	if (fields & THINVM_POLICY_HAS_VM_MAX_VCPUS)
		next->vm_max_vcpus = change->vm_max_vcpus;
	if (fields & THINVM_POLICY_HAS_HV_VCPU_LIMIT)
		next->hv_vcpu_limit = change->hv_vcpu_limit;

	if (next->hc_ceiling & ~THINVM_HC_EXIT_SUPPORTED) {
		*why = "hypercall ceiling names hypercalls thinvm cannot exit for";
		return -EINVAL;
	}
	if (next->hc_default & ~next->hc_ceiling) {
		*why = "hypercall default is above the ceiling";
		return -EINVAL;
	}
	if (next->hotplug_mode >= __THINVM_HOTPLUG_MODE_COUNT) {
		*why = "unknown hotplug mode";
		return -EINVAL;
	}
	if (next->hidden_features & ~features) {
		*why = "hidden features name a feature this host does not have";
		return -EINVAL;
	}
	if (next->vm_max_vcpus < 1 || next->vm_max_vcpus > THINVM_MAX_VCPUS) {
		*why = "the most vCPUs per VM is not between 1 and the module's maximum";
		return -EINVAL;
	}
	if (next->hv_vcpu_limit < 1 ||
	    next->hv_vcpu_limit > THINVM_HV_VCPU_LIMIT_MAX) {
		*why = "the Hyper-V vCPU limit is not between 1 and 4096";
		return -EINVAL;
	}
	if (thinvm_generation_next(cur->generation,
				   fields & THINVM_POLICY_HAS_GENERATION,
				   change->generation, &next->generation)) {
		*why = "generation is not above the one in force";
		return -ESTALE;
	}
	return 0;
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

bool thinvm_vm_name_valid(const char *buf, size_t size)
{
	size_t len = 0, i;

	while (len < size && buf[len])
		if (!name_char(buf[len++]))
			return false;
	if (len == 0 || len == size)
		return false;
	for (i = len; i < size; i++)
		if (buf[i])
			return false;
	return true;
}
