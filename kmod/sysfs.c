// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/thinvm/: read-only state for scripts.
 *   vendor        "svm" or "vmx"
 *   enabled_cpus  CPUs where thinvm has virtualization on (cpulist format)
 *   vms           number of VMs alive
 */
#include <linux/kobject.h>
#include <linux/sysfs.h>

#include "thinvm.h"

static struct kobject *thinvm_kobj;

static ssize_t vendor_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n", thinvm_backend->name);
}

static ssize_t enabled_cpus_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%*pbl\n", cpumask_pr_args(thinvm_virt_cpus()));
}

static ssize_t vms_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf)
{
	return sysfs_emit(buf, "%u\n", thinvm_virt_users());
}

static struct kobj_attribute vendor_attr = __ATTR_RO(vendor);
static struct kobj_attribute enabled_cpus_attr = __ATTR_RO(enabled_cpus);
static struct kobj_attribute vms_attr = __ATTR_RO(vms);

static struct attribute *thinvm_attrs[] = {
	&vendor_attr.attr,
	&enabled_cpus_attr.attr,
	&vms_attr.attr,
	NULL,
};

static const struct attribute_group thinvm_attr_group = {
	.attrs = thinvm_attrs,
};

int thinvm_sysfs_init(void)
{
	int r;

	thinvm_kobj = kobject_create_and_add("thinvm", kernel_kobj);
	if (!thinvm_kobj)
		return -ENOMEM;
	r = sysfs_create_group(thinvm_kobj, &thinvm_attr_group);
	if (r)
		kobject_put(thinvm_kobj);
	return r;
}

void thinvm_sysfs_exit(void)
{
	kobject_put(thinvm_kobj);
}
