// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpulist.h"
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
		fprintf(out, "%14s: %s\n", "Module", "not loaded");
		fprintf(out, "%14s: %s\n", "Online CPUs", st->online_cpus);
		return;
	}
	fprintf(out, "%14s: loaded, %s\n", "Module", vendor_name(st->vendor));
	fprintf(out, "%14s: %u\n", "VMs", st->vms);
	fprintf(out, "%14s: %s\n", "Virt. on CPUs",
		st->enabled_cpus[0] ? st->enabled_cpus : "none (no VM exists)");
	fprintf(out, "%14s: %s\n", "Online CPUs", st->online_cpus);
}

void vmctl_status_print_json(FILE *out, const struct vmctl_status *st)
{
	/* Every string printed here was validated as a cpulist or a vendor
	 * name, so none needs escaping. */
	fprintf(out, "{\"loaded\":%s", st->loaded ? "true" : "false");
	if (st->loaded)
		fprintf(out, ",\"vendor\":\"%s\",\"vms\":%u,\"enabled_cpus\":\"%s\"",
			st->vendor, st->vms, st->enabled_cpus);
	fprintf(out, ",\"online_cpus\":\"%s\"}\n", st->online_cpus);
}
