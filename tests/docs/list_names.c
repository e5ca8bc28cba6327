// SPDX-License-Identifier: GPL-2.0
/*
 * The names vmctl's bash completion must offer, from the library that vmctl
 * parses them with: one "KIND NAME" line each, KIND being hotplug-mode,
 * hypercall or feature. tests/docs/completion.sh compares them with what
 * the completion offers.
 */
#include <stdint.h>
#include <stdio.h>

#include "thinvm_features.h"
#include "thinvm_names.h"

int main(void)
{
	/* Both tables may have holes: every number a name could have. */
	for (uint32_t mode = 0; mode < 32; mode++)
		if (tnl_hotplug_mode_name(mode))
			printf("hotplug-mode %s\n", tnl_hotplug_mode_name(mode));
	for (uint64_t nr = 0; nr < 64; nr++)
		if (tnl_hc_name(nr))
			printf("hypercall %s\n", tnl_hc_name(nr));
	for (unsigned int i = 0; i < tnl_feature_count(); i++)
		printf("feature %s\n", tnl_feature_name(i));
	return ferror(stdout) ? 1 : 0;
}
