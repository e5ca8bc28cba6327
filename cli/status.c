// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpulist.h"
#include "output.h"
#include "status.h"

/* The first line of @dir/@name, without the newline, malloc'ed in *@line. */
static int read_attr(const char *dir, const char *name, char **line)
{
	char path[512];
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	n = getline(line, &cap, f);
	fclose(f);
	if (n < 0) {
		free(*line);
		*line = strdup("");
		return *line ? 0 : -ENOMEM;
	}
	(*line)[strcspn(*line, "\n")] = '\0';
	return 0;
}

static int read_cpulist_attr(const char *dir, const char *name, char **line)
{
	struct cpuset *set;
	int r = read_attr(dir, name, line);

	if (r)
		return r;
	/* Large (1 KiB): not on the stack. */
	set = malloc(sizeof(*set));
	if (!set)
		return -ENOMEM;
	r = cpulist_parse(*line, set);
	free(set);
	return r;
}

/* The module's part; -ENOENT when it is not (or no longer) loaded. */
static int read_module(const char *sysfs, struct vmctl_status *st)
{
	char dir[256], *vendor = NULL, *num = NULL, *end;
	int r;

	snprintf(dir, sizeof(dir), "%s/kernel/thinvm", sysfs);
	r = read_attr(dir, "vendor", &vendor);
	if (r)
		goto out;
	r = -EINVAL;
	if (strcmp(vendor, "svm") && strcmp(vendor, "vmx"))
		goto out;
	strcpy(st->vendor, vendor);
	r = read_cpulist_attr(dir, "enabled_cpus", &st->enabled_cpus);
	if (r)
		goto out;
	r = read_attr(dir, "vms", &num);
	if (r)
		goto out;
	errno = 0;
	st->vms = (unsigned int)strtoul(num, &end, 10);
	r = (errno || end == num || *end || num[0] < '0' || num[0] > '9') ?
	    -EINVAL : 0;
out:
	free(vendor);
	free(num);
	return r;
}

int vmctl_status_read(const char *sysfs, struct vmctl_status *st)
{
	char cpus[256];
	int r;

	memset(st, 0, sizeof(*st));
	snprintf(cpus, sizeof(cpus), "%s/devices/system/cpu", sysfs);
	r = read_cpulist_attr(cpus, "online", &st->online_cpus);
	if (r)
		return r;
	r = read_module(sysfs, st);
	if (r == -ENOENT) {
		/* Not loaded, or unloaded while we read: report it absent. */
		free(st->enabled_cpus);
		st->enabled_cpus = NULL;
		return 0;
	}
	st->loaded = !r;
	return r;
}

void vmctl_status_free(struct vmctl_status *st)
{
	free(st->enabled_cpus);
	free(st->online_cpus);
	memset(st, 0, sizeof(*st));
}

static const char *vendor_name(const char *vendor)
{
	return strcmp(vendor, "svm") ? "Intel VMX" : "AMD SVM";
}

void vmctl_status_print(FILE *out, const struct vmctl_status *st)
{
	if (!st->loaded) {
		kv_print(out, "Module", "not loaded (load it with: modprobe thinvm)");
		kv_print(out, "Online CPUs", "%s", st->online_cpus);
		return;
	}
	kv_print(out, "Module", "loaded, %s", vendor_name(st->vendor));
	kv_print(out, "VMs", "%u", st->vms);
	kv_print(out, "Virt. on CPUs", "%s",
		 st->enabled_cpus[0] ? st->enabled_cpus : "none (no VM exists)");
	kv_print(out, "Online CPUs", "%s", st->online_cpus);
}

json_object *vmctl_status_json(const struct vmctl_status *st)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "state", json_object_new_string(st->loaded ? "loaded" :
								   "not-loaded"));
	if (st->loaded) {
		json_object_object_add(o, "vendor", json_object_new_string(st->vendor));
		json_object_object_add(o, "vms", json_object_new_uint64(st->vms));
		json_object_object_add(o, "virtualization-on",
				       json_object_new_string(st->enabled_cpus));
	}
	json_object_object_add(o, "online-cpus", json_object_new_string(st->online_cpus));
	return o;
}
