// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/thinvm/: root-only views for tests.
 *   hw_enabled_cpus  CPUs whose hardware has virtualization on (EFER.SVME or
 *                    CR4.VMXE read on each CPU now, whoever set it), so tests
 *                    can check the sysfs bookkeeping against the hardware.
 *   fault_incompatible_cpus
 *                    TEST ONLY, off (empty) by default: a cpulist of CPUs
 *                    the hotplug admission check treats as incompatible
 *                    (admission.c), so that emulated hosts, whose CPUs are
 *                    all alike, can exercise refusal and quarantine. Write
 *                    a list to set it, an empty line to clear it.
 */
#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "thinvm.h"

static struct dentry *thinvm_debugfs;

static void read_hw_enabled(void *on)
{
	*(bool *)on = thinvm_backend->hw_enabled();
}

static int hw_enabled_cpus_show(struct seq_file *m, void *unused)
{
	cpumask_var_t mask;
	unsigned int cpu;

	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return -ENOMEM;
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		bool on = false;

		smp_call_function_single(cpu, read_hw_enabled, &on, 1);
		if (on)
			cpumask_set_cpu(cpu, mask);
	}
	cpus_read_unlock();
	seq_printf(m, "%*pbl\n", cpumask_pr_args(mask));
	free_cpumask_var(mask);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hw_enabled_cpus);

static ssize_t fault_read(struct file *file, char __user *ubuf, size_t len,
			  loff_t *pos)
{
	char *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	ssize_t r;

	if (!buf)
		return -ENOMEM;
	r = thinvm_admission_inject_show(buf, PAGE_SIZE);
	r = simple_read_from_buffer(ubuf, len, pos, buf, r);
	kfree(buf);
	return r;
}

static ssize_t fault_write(struct file *file, const char __user *ubuf,
			   size_t len, loff_t *pos)
{
	char *buf;
	int r;

	if (len >= PAGE_SIZE)
		return -E2BIG;
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	r = thinvm_admission_inject_set(strim(buf));
	kfree(buf);
	return r ? r : len;
}

static const struct file_operations fault_fops = {
	.owner = THIS_MODULE,
	.read = fault_read,
	.write = fault_write,
	.llseek = default_llseek,
};

void thinvm_debugfs_init(void)
{
	/* debugfs failures are not fatal by design; its API returns errors
	 * as pointers that later calls accept. */
	thinvm_debugfs = debugfs_create_dir("thinvm", NULL);
	debugfs_create_file("hw_enabled_cpus", 0400, thinvm_debugfs, NULL,
			    &hw_enabled_cpus_fops);
	debugfs_create_file("fault_incompatible_cpus", 0600, thinvm_debugfs,
			    NULL, &fault_fops);
}

void thinvm_debugfs_exit(void)
{
	debugfs_remove_recursive(thinvm_debugfs);
}
