/* SPDX-License-Identifier: GPL-2.0 */
/* vmctl status: what the module reports in sysfs, for people and scripts. */
#ifndef VMCTL_STATUS_H
#define VMCTL_STATUS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>

struct vmctl_status {
	bool loaded;
	char vendor[8];		/* "svm" or "vmx" */
	unsigned int vms;
	char *enabled_cpus;	/* cpulist, as long as the kernel wrote it */
	char *online_cpus;	/* cpulist */
};

/*
 * Read the status from @sysfs (normally "/sys", a fake tree in tests).
 * Returns 0 (with loaded false if the module is absent, or went away while
 * being read) or a negative errno for a tree that cannot be read or holds
 * malformed values. vmctl_status_free() releases it either way.
 */
int vmctl_status_read(const char *sysfs, struct vmctl_status *st);
void vmctl_status_free(struct vmctl_status *st);
void vmctl_status_print(FILE *out, const struct vmctl_status *st);
/* The same as a JSON object: {"state", "vendor", "vms", "virtualization-on", "online-cpus"}. */
json_object *vmctl_status_json(const struct vmctl_status *st);

#endif
