// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/thinvm/: read-only state for scripts (the list is in
 * include/uapi/linux/thinvm.h):
 *   vendor, enabled_cpus, vms, hotplug_mode, incompatible_cpus, vm_creation
 *   cpus/cpuN/admission, cpus/cpuN/reason   (one directory per possible CPU)
 */
#include <linux/cpu.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "thinvm.h"

static struct kobject *thinvm_kobj;
static struct kobject *cpus_kobj;
static struct kobject **cpu_kobjs;	/* nr_cpu_ids of them, NULL if not possible */

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

static ssize_t hotplug_mode_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  thinvm_hotplug_mode_name(thinvm_policy_hotplug_mode()));
}

static ssize_t incompatible_cpus_show(struct kobject *kobj,
				      struct kobj_attribute *attr, char *buf)
{
	cpumask_var_t mask;
	ssize_t n;

	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return -ENOMEM;
	thinvm_admission_incompatible(mask);
	n = sysfs_emit(buf, "%*pbl\n", cpumask_pr_args(mask));
	free_cpumask_var(mask);
	return n;
}

static ssize_t vm_creation_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	int cpu;

	cpus_read_lock();
	cpu = thinvm_admission_blocking_cpu();
	cpus_read_unlock();
	return sysfs_emit(buf, "%s\n", cpu < 0 ? "allowed" : "blocked");
}

static struct kobj_attribute vendor_attr = __ATTR_RO(vendor);
static struct kobj_attribute enabled_cpus_attr = __ATTR_RO(enabled_cpus);
static struct kobj_attribute vms_attr = __ATTR_RO(vms);
static struct kobj_attribute hotplug_mode_attr = __ATTR_RO(hotplug_mode);
static struct kobj_attribute incompatible_cpus_attr = __ATTR_RO(incompatible_cpus);
static struct kobj_attribute vm_creation_attr = __ATTR_RO(vm_creation);

static struct attribute *thinvm_attrs[] = {
	&vendor_attr.attr,
	&enabled_cpus_attr.attr,
	&vms_attr.attr,
	&hotplug_mode_attr.attr,
	&incompatible_cpus_attr.attr,
	&vm_creation_attr.attr,
	NULL,
};

static const struct attribute_group thinvm_attr_group = {
	.attrs = thinvm_attrs,
};

static const char *const cpu_state_names[] = {
	[THINVM_CPU_UNCHECKED] = "unchecked",
	[THINVM_CPU_ADMITTED] = "admitted",
	[THINVM_CPU_QUARANTINED] = "quarantined",
	[THINVM_CPU_REFUSED] = "refused",
	[THINVM_CPU_OFFLINE] = "offline",
};
static_assert(ARRAY_SIZE(cpu_state_names) == __THINVM_CPU_STATE_COUNT);

/* The CPU a cpus/cpuN directory stands for. */
static unsigned int kobj_cpu(struct kobject *kobj)
{
	unsigned int cpu = 0;

	/* Names are ours ("cpu%u"), so this cannot fail. */
	if (kstrtouint(kobject_name(kobj) + 3, 10, &cpu))
		return 0;
	return cpu;
}

static ssize_t admission_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	char why[THINVM_REASON_MAX];
	u32 state = thinvm_admission_state(kobj_cpu(kobj), why, sizeof(why));

	return sysfs_emit(buf, "%s\n", cpu_state_names[state]);
}

static ssize_t reason_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	char why[THINVM_REASON_MAX];

	thinvm_admission_state(kobj_cpu(kobj), why, sizeof(why));
	return sysfs_emit(buf, "%s\n", why);
}

static struct kobj_attribute admission_attr = __ATTR_RO(admission);
static struct kobj_attribute reason_attr = __ATTR_RO(reason);

static struct attribute *cpu_attrs[] = {
	&admission_attr.attr,
	&reason_attr.attr,
	NULL,
};

static const struct attribute_group cpu_attr_group = {
	.attrs = cpu_attrs,
};

static void cpus_remove(void)
{
	unsigned int cpu;

	if (cpu_kobjs)
		for (cpu = 0; cpu < nr_cpu_ids; cpu++)
			kobject_put(cpu_kobjs[cpu]);
	kfree(cpu_kobjs);
	cpu_kobjs = NULL;
	kobject_put(cpus_kobj);
}

static int cpus_add(void)
{
	unsigned int cpu;
	char name[16];

	cpus_kobj = kobject_create_and_add("cpus", thinvm_kobj);
	cpu_kobjs = kcalloc(nr_cpu_ids, sizeof(*cpu_kobjs), GFP_KERNEL);
	if (!cpus_kobj || !cpu_kobjs)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		snprintf(name, sizeof(name), "cpu%u", cpu);
		cpu_kobjs[cpu] = kobject_create_and_add(name, cpus_kobj);
		if (!cpu_kobjs[cpu])
			return -ENOMEM;
		if (sysfs_create_group(cpu_kobjs[cpu], &cpu_attr_group))
			return -ENOMEM;
	}
	return 0;
}

int thinvm_sysfs_init(void)
{
	int r;

	thinvm_kobj = kobject_create_and_add("thinvm", kernel_kobj);
	if (!thinvm_kobj)
		return -ENOMEM;
	r = sysfs_create_group(thinvm_kobj, &thinvm_attr_group);
	if (!r)
		r = cpus_add();
	if (r) {
		cpus_remove();
		kobject_put(thinvm_kobj);
	}
	return r;
}

void thinvm_sysfs_exit(void)
{
	cpus_remove();
	kobject_put(thinvm_kobj);
}
