/* SPDX-License-Identifier: GPL-2.0 */
/*
 * org.thinvm.Manager1's properties, read in one GetAll: the policy and the
 * module's state, which every user may read (thinvmd(8)).
 */
#ifndef VMCTL_MANAGER_H
#define VMCTL_MANAGER_H

#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

struct vmctl_manager {
	uint64_t hc_ceiling, hc_default, hc_supported, generation;
	char *hotplug_mode, *module_state, *vendor;
	char **hidden_features, **overridden, **hotplug_modes;
	uint32_t hyperv_vcpu_limit, vm_max_vcpus, max_vcpus, vm_count;
	uint32_t *incompatible;
	size_t n_incompatible;
};

/* 0, or an exit code after saying why. */
int vmctl_manager_read(sd_bus *bus, struct vmctl_manager *m);
void vmctl_manager_free(struct vmctl_manager *m);

#endif
