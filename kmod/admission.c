// SPDX-License-Identifier: GPL-2.0
/*
 * CPU hotplug admission (design.md, behaviour 2). At load the backend's
 * capability snapshot of the first online CPU becomes the golden one, and
 * every online CPU must match it, else the module does not load. VMX
 * compares the raw capability MSRs, not the VMCS configuration computed
 * from them: stricter (a CPU differing in a bit thinvm ignores is refused
 * too), and the same on every CPU by construction. virt.c's ONLINE
 * callback checks each CPU that comes online the same way and decides with
 * admission_rules.c; this file keeps each CPU's state and reason for sysfs
 * and netlink.
 *
 * Fault injection, for tests only: the emulated hosts' CPUs are identical,
 * so the CPUs in fault_cpus have a bit of their last snapshot field flipped
 * and so differ from the golden snapshot. Set by the root-only debugfs
 * file fault_incompatible_cpus, or at load by the module parameter of the
 * same name; empty (off) by default. Setting it taints the kernel
 * (TAINT_TEST). It affects the next check of each CPU: CPUs already online
 * are not checked again.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>

#include "admission_rules.h"
#include "thinvm.h"

#define FAULT_BIT BIT_ULL(63)

static char *fault_incompatible_cpus;
module_param(fault_incompatible_cpus, charp, 0);
MODULE_PARM_DESC(fault_incompatible_cpus,
		 "TEST ONLY: cpulist of CPUs to treat as incompatible");

static struct thinvm_caps_snapshot golden;
static unsigned int golden_cpu;
/* Read with IRQs off on the CPU being checked: bit operations only. */
static struct cpumask fault_cpus;

struct cpu_admission {
	u32 state;		/* enum thinvm_cpu_state */
	char reason[THINVM_REASON_MAX];	/* empty while compatible */
};

static DEFINE_MUTEX(admission_lock);
static struct cpu_admission *cpus;	/* nr_cpu_ids of them */

bool thinvm_admission_check_this_cpu(char *why, size_t size)
{
	struct thinvm_caps_snapshot here = {};
	const char *missing = thinvm_backend->cpu_missing();
	bool injected = cpumask_test_cpu(smp_processor_id(), &fault_cpus);
	int i;

	if (missing) {
		snprintf(why, size, "%s", missing);
		return false;
	}
	thinvm_backend->snapshot(&here);
	if (injected && here.n)
		here.field[here.n - 1].value ^= FAULT_BIT;
	i = thinvm_caps_diff(&golden, &here);
	if (i < 0) {
		why[0] = '\0';
		return true;
	}
	if (i >= golden.n)
		snprintf(why, size, "%s: not on CPU%u", here.field[i].name,
			 golden_cpu);
	else
		snprintf(why, size, "%s is %#llx here, %#llx on CPU%u%s",
			 golden.field[i].name, here.field[i].value,
			 golden.field[i].value, golden_cpu,
			 injected ? " (fault injected)" : "");
	return false;
}

struct cpu_check {
	bool ok;
	char why[THINVM_REASON_MAX];
};

static void check_fn(void *arg)
{
	struct cpu_check *c = arg;

	c->ok = thinvm_admission_check_this_cpu(c->why, sizeof(c->why));
}

static void take_golden(void *unused)
{
	golden_cpu = smp_processor_id();
	thinvm_backend->snapshot(&golden);
}

/* Load time: the golden snapshot, and every online CPU must match it. */
static int check_online_cpus(void)
{
	struct cpu_check c;
	unsigned int cpu;
	int r = 0;

	cpus_read_lock();
	smp_call_function_single(cpumask_first(cpu_online_mask), take_golden,
				 NULL, 1);
	for_each_online_cpu(cpu) {
		smp_call_function_single(cpu, check_fn, &c, 1);
		if (c.ok)
			continue;
		pr_err("CPU%u: %s; thinvm needs every CPU to have %s, all alike; not loading\n",
		       cpu, c.why, thinvm_backend == &thinvm_svm ?
		       "SVM with nested paging" :
		       "VMX with EPT and unrestricted guest");
		r = -EOPNOTSUPP;
	}
	cpus_read_unlock();
	return r;
}

int thinvm_admission_init(void)
{
	int r;

	cpus = kcalloc(nr_cpu_ids, sizeof(*cpus), GFP_KERNEL);
	if (!cpus)
		return -ENOMEM;
	if (fault_incompatible_cpus) {
		r = cpulist_parse(fault_incompatible_cpus, &fault_cpus);
		if (r) {
			pr_err("fault_incompatible_cpus=%s is not a CPU list\n",
			       fault_incompatible_cpus);
			goto err;
		}
		pr_warn("TEST ONLY: treating CPUs %*pbl as incompatible\n",
			cpumask_pr_args(&fault_cpus));
		add_taint(TAINT_TEST, LOCKDEP_STILL_OK);
	}
	r = check_online_cpus();
	if (r)
		goto err;
	return 0;
err:
	kfree(cpus);
	return r;
}

void thinvm_admission_exit(void)
{
	kfree(cpus);
}

/* @why NULL keeps the reason: a CPU that goes offline stays incompatible. */
void thinvm_admission_record(unsigned int cpu, u32 state, const char *why)
{
	mutex_lock(&admission_lock);
	cpus[cpu].state = state;
	if (why)
		strscpy(cpus[cpu].reason, why, sizeof(cpus[cpu].reason));
	mutex_unlock(&admission_lock);
}

u32 thinvm_admission_state(unsigned int cpu, char *why, size_t size)
{
	u32 state;

	mutex_lock(&admission_lock);
	state = cpus[cpu].state;
	strscpy(why, cpus[cpu].reason, size);
	mutex_unlock(&admission_lock);
	return state;
}

/* Called with CPU hotplug held off (cpus_read_lock). */
int thinvm_admission_blocking_cpu(void)
{
	unsigned int cpu;
	int r = -1;

	mutex_lock(&admission_lock);
	for_each_online_cpu(cpu) {
		if (cpus[cpu].state == THINVM_CPU_QUARANTINED) {
			r = cpu;
			break;
		}
	}
	mutex_unlock(&admission_lock);
	return r;
}

void thinvm_admission_incompatible(struct cpumask *mask)
{
	unsigned int cpu;

	cpumask_clear(mask);
	mutex_lock(&admission_lock);
	for_each_possible_cpu(cpu)
		if (cpus[cpu].reason[0])
			cpumask_set_cpu(cpu, mask);
	mutex_unlock(&admission_lock);
}

int thinvm_admission_inject_set(const char *cpulist)
{
	cpumask_var_t mask;
	unsigned int cpu;
	int r;

	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return -ENOMEM;
	r = cpulist_parse(cpulist, mask);
	if (r)
		goto out;
	/* Bit by bit: the checks read it without a lock. */
	for_each_possible_cpu(cpu)
		assign_bit(cpu, cpumask_bits(&fault_cpus),
			   cpumask_test_cpu(cpu, mask));
	if (cpumask_empty(&fault_cpus))
		pr_info("fault injection off: no CPU treated as incompatible\n");
	else {
		pr_warn("TEST ONLY: treating CPUs %*pbl as incompatible\n",
			cpumask_pr_args(&fault_cpus));
		add_taint(TAINT_TEST, LOCKDEP_STILL_OK);
	}
out:
	free_cpumask_var(mask);
	return r;
}

int thinvm_admission_inject_show(char *buf, size_t size)
{
	return scnprintf(buf, size, "%*pbl\n", cpumask_pr_args(&fault_cpus));
}
