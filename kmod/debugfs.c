// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/thinvm/: root-only views for tests.
 *   hw_enabled_cpus  CPUs whose hardware has virtualization on (EFER.SVME or
 *                    CR4.VMXE read on each CPU now, whoever set it), so tests
 *                    can check the sysfs bookkeeping against the hardware.
 */
#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/smp.h>

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

void thinvm_debugfs_init(void)
{
	/* debugfs failures are not fatal by design; its API returns errors
	 * as pointers that later calls accept. */
	thinvm_debugfs = debugfs_create_dir("thinvm", NULL);
	debugfs_create_file("hw_enabled_cpus", 0400, thinvm_debugfs, NULL,
			    &hw_enabled_cpus_fops);
}

void thinvm_debugfs_exit(void)
{
	debugfs_remove_recursive(thinvm_debugfs);
}
