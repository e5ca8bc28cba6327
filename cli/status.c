// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cpulist.h"
#include "status.h"

/* The first line of @dir/@name into @buf, without the newline. */
static int read_attr(const char *dir, const char *name, char *buf, size_t size)
{
	char path[512];
	FILE *f;
	int r = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (!fgets(buf, (int)size, f))
		buf[0] = '\0';
	else if (!strchr(buf, '\n') && !feof(f))
		r = -EOVERFLOW;
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return r;
}

static int read_cpulist_attr(const char *dir, const char *name, char *buf,
			     size_t size)
{
	struct cpuset set;
	int r = read_attr(dir, name, buf, size);

	if (r)
		return r;
	return cpulist_parse(buf, &set);
}

int vmctl_status_read(const char *sysfs, struct vmctl_status *st)
{
	char dir[256], cpus[256], num[32], *end;
	struct stat sb;
	int r;

	memset(st, 0, sizeof(*st));
	snprintf(cpus, sizeof(cpus), "%s/devices/system/cpu", sysfs);
	r = read_cpulist_attr(cpus, "online", st->online_cpus,
			      sizeof(st->online_cpus));
	if (r)
		return r;
	snprintf(dir, sizeof(dir), "%s/kernel/thinvm", sysfs);
	if (stat(dir, &sb))
		return errno == ENOENT ? 0 : -errno;
	st->loaded = true;
	r = read_attr(dir, "vendor", st->vendor, sizeof(st->vendor));
	if (r)
		return r;
	if (strcmp(st->vendor, "svm") && strcmp(st->vendor, "vmx"))
		return -EINVAL;
	r = read_cpulist_attr(dir, "enabled_cpus", st->enabled_cpus,
			      sizeof(st->enabled_cpus));
	if (r)
		return r;
	r = read_attr(dir, "vms", num, sizeof(num));
	if (r)
		return r;
	errno = 0;
	st->vms = (unsigned int)strtoul(num, &end, 10);
	if (errno || end == num || *end)
		return -EINVAL;
	return 0;
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
