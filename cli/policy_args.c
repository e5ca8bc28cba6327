// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_args.h"
#include "thinvm_features.h"
#include "thinvm_names.h"

static const char *const key_names[] = {
	"hypercall-ceiling", "hypercall-default", "hotplug-mode",
	"hidden-features", "hyperv-vcpu-limit", "hypercall-exit",
	"vm-max-vcpus",
};

const char *vmctl_policy_key_name(enum vmctl_policy_key key)
{
	for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++) {
		if (key == 1u << i)
			return key_names[i];
	}
	return NULL;
}

unsigned int vmctl_policy_key_parse(const char *name, unsigned int allowed)
{
	for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++) {
		if (!strcmp(name, key_names[i]))
			return (1u << i) & allowed;
	}
	return 0;
}

static int parse_mask(const char *v, struct vmctl_mask *m)
{
	if (!strcmp(v, "all")) {
		m->all = 1;
		m->bits = 0;
		return 0;
	}
	m->all = 0;
	return tnl_hc_mask_parse(v, &m->bits);
}

/* 1..UINT32_MAX in decimal; the daemon judges the range. */
static int parse_u32(const char *v, uint32_t *out)
{
	char *end;
	unsigned long long n;

	if (*v < '0' || *v > '9')
		return -EINVAL;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || *end || n > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)n;
	return 0;
}

static int parse_value(enum vmctl_policy_key key, const char *v,
		       struct vmctl_policy_args *a, char *err, size_t errlen)
{
	const char *bad = NULL;
	uint32_t mode;

	switch (key) {
	case VMCTL_HC_CEILING:
	case VMCTL_HC_DEFAULT:
	case VMCTL_HC_EXIT:
		if (!parse_mask(v, key == VMCTL_HC_CEILING ? &a->hc_ceiling :
				key == VMCTL_HC_DEFAULT ? &a->hc_default : &a->hc_exit))
			return 0;
		snprintf(err, errlen,
			 "%s: \"%s\" is not a hypercall mask (names such as map_gpa_range, numbers, 0x... for a mask, all or none, comma-separated)",
			 vmctl_policy_key_name(key), v);
		return -EINVAL;
	case VMCTL_HOTPLUG_MODE:
		if (!tnl_hotplug_mode_parse(v, &mode)) {
			a->hotplug_mode = v;
			return 0;
		}
		snprintf(err, errlen,
			 "hotplug-mode: \"%s\" is not a mode (reject, reject-while-running)", v);
		return -EINVAL;
	case VMCTL_HIDDEN_FEATURES:
		if (!tnl_feature_set_parse(v, &a->hidden_features, &bad))
			return 0;
		snprintf(err, errlen,
			 "hidden-features: \"%.*s\" is not a feature thinvm knows (thinvm.conf(5) lists them)",
			 (int)strcspn(bad, ","), bad);
		return -EINVAL;
	case VMCTL_HYPERV_VCPU_LIMIT:
		if (!parse_u32(v, &a->hyperv_vcpu_limit))
			return 0;
		snprintf(err, errlen, "hyperv-vcpu-limit: \"%s\" is not a number", v);
		return -EINVAL;
	case VMCTL_VM_MAX_VCPUS:
		if (!parse_u32(v, &a->vm_max_vcpus))
			return 0;
		snprintf(err, errlen, "vm-max-vcpus: \"%s\" is not a number", v);
		return -EINVAL;
	}
	return -EINVAL;
}

static void list_keys(unsigned int allowed, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++) {
		if (allowed & (1u << i) && used < size)
			used += snprintf(buf + used, size - used, "%s%s",
					 used ? ", " : "", key_names[i]);
	}
}

int vmctl_policy_parse(int argc, char **argv, unsigned int allowed,
		       struct vmctl_policy_args *a, char *err, size_t errlen)
{
	memset(a, 0, sizeof(*a));
	if (argc == 0) {
		snprintf(err, errlen, "nothing to set: give KEY=VALUE");
		return -EINVAL;
	}
	for (int i = 0; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		unsigned int key = 0;
		char keys[160];

		for (size_t k = 0; eq && k < sizeof(key_names) / sizeof(key_names[0]); k++) {
			if (strlen(key_names[k]) == (size_t)(eq - argv[i]) &&
			    !strncmp(argv[i], key_names[k], eq - argv[i]))
				key = 1u << k;
		}
		if (!eq || !(key & allowed)) {
			list_keys(allowed, keys, sizeof(keys));
			snprintf(err, errlen, "\"%s\" is not KEY=VALUE with KEY one of %s",
				 argv[i], keys);
			return -EINVAL;
		}
		if (a->set & key) {
			snprintf(err, errlen, "%s is given twice", vmctl_policy_key_name(key));
			return -EINVAL;
		}
		if (parse_value(key, eq + 1, a, err, errlen))
			return -EINVAL;
		a->set |= key;
	}
	return 0;
}
