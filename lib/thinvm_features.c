// SPDX-License-Identifier: GPL-2.0
/* The feature names of thinvm_features.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "thinvm_features.h"

struct feature {
	const char *name;
	enum tnl_feature_vendor vendor;
};

/*
 * VMX: the controls KVM and the eVMCS v1 table name (arch/x86/kvm/vmx/
 * hyperv_evmcs.h). SVM: CPUID 0x8000000A.EDX features. Append only.
 */
static const struct feature features[] = {
	{ "tsc-scaling", TNL_FEATURE_VMX },
	{ "perf-global-ctrl", TNL_FEATURE_VMX },
	{ "posted-interrupts", TNL_FEATURE_VMX },
	{ "pml", TNL_FEATURE_VMX },
	{ "vmfunc", TNL_FEATURE_VMX },
	{ "preemption-timer", TNL_FEATURE_VMX },
	{ "apic-register-virt", TNL_FEATURE_VMX },
	{ "virtual-interrupt-delivery", TNL_FEATURE_VMX },
	{ "shadow-vmcs", TNL_FEATURE_VMX },
	{ "xsaves", TNL_FEATURE_VMX },
	{ "encls-exiting", TNL_FEATURE_VMX },
	{ "bus-lock-detection", TNL_FEATURE_VMX },
	{ "notify-vm-exiting", TNL_FEATURE_VMX },
	{ "ipi-virtualization", TNL_FEATURE_VMX },
	{ "load-ia32-rtit-ctl", TNL_FEATURE_VMX },
	{ "load-ia32-bndcfgs", TNL_FEATURE_VMX },
	{ "npt", TNL_FEATURE_SVM },
	{ "lbrv", TNL_FEATURE_SVM },
	{ "nrip-save", TNL_FEATURE_SVM },
	{ "tsc-rate-msr", TNL_FEATURE_SVM },
	{ "vmcb-clean", TNL_FEATURE_SVM },
	{ "flush-by-asid", TNL_FEATURE_SVM },
	{ "decode-assists", TNL_FEATURE_SVM },
	{ "pause-filter", TNL_FEATURE_SVM },
	{ "pause-filter-threshold", TNL_FEATURE_SVM },
	{ "avic", TNL_FEATURE_SVM },
	{ "v-vmsave-vmload", TNL_FEATURE_SVM },
	{ "vgif", TNL_FEATURE_SVM },
	{ "vnmi", TNL_FEATURE_SVM },
};

_Static_assert(sizeof(features) / sizeof(features[0]) <= 64,
	       "a hidden-feature set is a uint64_t");

unsigned int tnl_feature_count(void)
{
	return sizeof(features) / sizeof(features[0]);
}

const char *tnl_feature_name(unsigned int index)
{
	return index < tnl_feature_count() ? features[index].name : NULL;
}

enum tnl_feature_vendor tnl_feature_vendor(unsigned int index)
{
	return index < tnl_feature_count() ? features[index].vendor : TNL_FEATURE_VMX;
}

static int parse_n(const char *name, size_t len, unsigned int *index)
{
	for (unsigned int i = 0; i < tnl_feature_count(); i++) {
		if (strlen(features[i].name) == len && !memcmp(features[i].name, name, len)) {
			*index = i;
			return 0;
		}
	}
	return -EINVAL;
}

int tnl_feature_parse(const char *name, unsigned int *index)
{
	return parse_n(name, strlen(name), index);
}

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

int tnl_feature_set_parse(const char *s, uint64_t *set, const char **bad)
{
	uint64_t acc = 0;
	const char *p = skip_blanks(s);

	if (!strcmp(p, "none") || !strncmp(p, "none ", 5) || !strncmp(p, "none\t", 5)) {
		if (*skip_blanks(p + 4) == '\0') {
			*set = 0;
			return 0;
		}
	}
	for (;;) {
		const char *item = skip_blanks(p), *end = item;
		size_t len;
		unsigned int i;

		while (*end && *end != ',')
			end++;
		len = end - item;
		while (len && (item[len - 1] == ' ' || item[len - 1] == '\t'))
			len--;
		if (!len || parse_n(item, len, &i)) {
			*bad = item;
			return -EINVAL;
		}
		acc |= 1ULL << i;
		if (!*end)
			break;
		p = end + 1;
	}
	*set = acc;
	return 0;
}

int tnl_feature_set_format(uint64_t set, char *buf, size_t size)
{
	size_t used = 0;

	if (!set)
		return snprintf(buf, size, "none") < (int)size ? 0 : -ENOSPC;
	if (size)
		buf[0] = '\0';
	for (unsigned int i = 0; i < 64; i++) {
		int n;

		if (!(set & (1ULL << i)))
			continue;
		if (!tnl_feature_name(i))
			return -EINVAL;
		n = snprintf(buf + used, size - used, "%s%s", used ? "," : "",
			     tnl_feature_name(i));
		if (n < 0 || (size_t)n >= size - used)
			return -ENOSPC;
		used += n;
	}
	return 0;
}
