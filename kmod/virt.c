// SPDX-License-Identifier: GPL-2.0
/*
 * Hardware virtualization is on in every online CPU exactly while at least
 * one VM exists: the first VM turns it on everywhere, the last one turns it
 * off, so thinvm and another hypervisor (KVM) can take turns on one host.
 *
 * Locking: cpus_read_lock() then virt_lock. Holding off CPU hotplug while
 * turning virtualization on everywhere matters: a CPU being onlined is in
 * cpu_online_mask before its ONLINE callback runs, so on_each_cpu() could
 * otherwise reach it before the callback has checked it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/reboot.h>
#include <linux/smp.h>
#include <linux/syscore_ops.h>

#include "admission_rules.h"
#include "thinvm.h"

static DEFINE_MUTEX(virt_lock);
static unsigned int virt_users;		/* VMs alive */
static bool virt_rebooting;		/* no more enabling once set */
static enum cpuhp_state virt_cpuhp_state;

static DEFINE_PER_CPU(bool, virt_on);
static DEFINE_PER_CPU(int, virt_err);
static struct cpumask virt_cpus;	/* mirror of virt_on, for sysfs */

const struct cpumask *thinvm_virt_cpus(void)
{
	return &virt_cpus;
}

/* Once set, no vCPU may enter: virtualization is off or going off. */
bool thinvm_virt_rebooting(void)
{
	return READ_ONCE(virt_rebooting);
}

/*
 * Whether a vCPU may enter the guest on this CPU now. Called with IRQs off,
 * so the reboot notifier's IPI cannot turn virtualization off before the
 * entry: it waits until the guest has exited and IRQs are on again.
 */
bool thinvm_virt_on_this_cpu(void)
{
	return this_cpu_read(virt_on) && !READ_ONCE(virt_rebooting);
}

unsigned int thinvm_virt_users(void)
{
	return READ_ONCE(virt_users);
}

/* On the calling CPU, IRQs off. Records the outcome in virt_err. */
static void virt_enable_this_cpu(void *unused)
{
	int r = 0;

	if (!this_cpu_read(virt_on)) {
		r = thinvm_backend->enable_cpu();
		if (!r) {
			this_cpu_write(virt_on, true);
			cpumask_set_cpu(smp_processor_id(), &virt_cpus);
		}
	}
	this_cpu_write(virt_err, r);
}

static void virt_disable_this_cpu(void *unused)
{
	if (!this_cpu_read(virt_on))
		return;
	thinvm_backend->disable_cpu();
	this_cpu_write(virt_on, false);
	cpumask_clear_cpu(smp_processor_id(), &virt_cpus);
}

/* One line however many CPUs failed: a VMM retrying must not flood the log. */
static void virt_log_failure(unsigned int cpu, unsigned int others, int err)
{
	if (err == -EBUSY)
		pr_err_ratelimited("CPU%u (and %u more): virtualization is already in use (%s set): another hypervisor, such as KVM with a VM running, owns it; VM creation refused\n",
				   cpu, others, thinvm_backend->owner_bit);
	else
		pr_err_ratelimited("CPU%u (and %u more): could not turn virtualization on (error %d); VM creation refused\n",
				   cpu, others, err);
}

static int virt_enable_all(void)
{
	unsigned int cpu, first = 0, failed = 0;
	int r = 0;

	on_each_cpu(virt_enable_this_cpu, NULL, 1);
	for_each_online_cpu(cpu) {
		int err = per_cpu(virt_err, cpu);

		if (!err)
			continue;
		/* EBUSY, the answer a VMM can act on, wins over others. */
		if (!failed++ || (err == -EBUSY && r != -EBUSY)) {
			first = cpu;
			r = err;
		}
	}
	if (r) {
		virt_log_failure(first, failed - 1, r);
		on_each_cpu(virt_disable_this_cpu, NULL, 1);
	}
	return r;
}

int thinvm_virt_get(void)
{
	int r = 0, cpu;

	cpus_read_lock();
	mutex_lock(&virt_lock);
	cpu = thinvm_admission_blocking_cpu();
	if (virt_rebooting) {
		r = -EBUSY;
	} else if (cpu >= 0) {
		pr_err_ratelimited("VM creation refused: CPU%d is online and incompatible (see %s/cpus/cpu%d/reason); take it offline to create VMs\n",
				   cpu, THINVM_SYSFS_DIR, cpu);
		r = -EBUSY;
	} else if (!virt_users)
		r = virt_enable_all();
	if (!r)
		WRITE_ONCE(virt_users, virt_users + 1);
	mutex_unlock(&virt_lock);
	cpus_read_unlock();
	return r;
}

void thinvm_virt_put(void)
{
	cpus_read_lock();
	mutex_lock(&virt_lock);
	WRITE_ONCE(virt_users, virt_users - 1);
	if (!virt_users)
		on_each_cpu(virt_disable_this_cpu, NULL, 1);
	mutex_unlock(&virt_lock);
	cpus_read_unlock();
}

/*
 * Runs on @cpu as it comes online, and on every online CPU at load. The
 * admission decision (admission_rules.c) takes the CPU's match with the
 * golden snapshot, the hotplug mode and whether VMs exist; a CPU admitted
 * while VMs exist gets virtualization turned on before it runs anything.
 * The CPU hotplug lock is held for writing: no VM comes or goes meanwhile.
 * If a later hotplug step fails, the core calls virt_cpu_offline() to roll
 * back, which records the CPU offline for a moment: harmless.
 */
static int virt_cpu_online(unsigned int cpu)
{
	char why[THINVM_REASON_MAX];
	bool compatible = thinvm_admission_check_this_cpu(why, sizeof(why));
	u32 mode = thinvm_policy_hotplug_mode();
	enum thinvm_admission a;
	u32 state;
	u8 event;
	int err;

	mutex_lock(&virt_lock);
	a = thinvm_admission_decide(compatible, mode, virt_users);
	if (a == THINVM_ADMIT && virt_users && !virt_rebooting) {
		local_irq_disable();
		virt_enable_this_cpu(NULL);
		local_irq_enable();
		err = this_cpu_read(virt_err);
		if (err) {
			virt_log_failure(cpu, 0, err);
			snprintf(why, sizeof(why),
				 "could not turn virtualization on (error %d) while VMs exist",
				 err);
			a = THINVM_REFUSE;
		}
	}
	switch (a) {
	case THINVM_ADMIT:
		state = THINVM_CPU_ADMITTED;
		event = THINVM_CMD_CPU_ADMITTED;
		break;
	case THINVM_ADMIT_QUARANTINED:
		pr_warn("CPU%u: incompatible: %s; it comes online (hotplug mode %s, no VM exists) but VM creation fails with EBUSY until it goes offline\n",
			cpu, why, thinvm_hotplug_mode_name(mode));
		state = THINVM_CPU_QUARANTINED;
		event = THINVM_CMD_CPU_QUARANTINED;
		break;
	default:
		pr_err("CPU%u: refusing to bring it online: %s (hotplug mode %s, %u VMs)\n",
		       cpu, why, thinvm_hotplug_mode_name(mode), virt_users);
		state = THINVM_CPU_REFUSED;
		event = THINVM_CMD_CPU_REFUSED;
		break;
	}
	thinvm_admission_record(cpu, state, why);
	mutex_unlock(&virt_lock);
	thinvm_genl_cpu_event(event, cpu, state, why);
	return a == THINVM_REFUSE ? -EIO : 0;
}

static int virt_cpu_offline(unsigned int cpu)
{
	char why[THINVM_REASON_MAX];

	mutex_lock(&virt_lock);
	local_irq_disable();
	virt_disable_this_cpu(NULL);
	local_irq_enable();
	/* A quarantined CPU going offline lets VMs be created again. */
	thinvm_admission_record(cpu, THINVM_CPU_OFFLINE, NULL);
	mutex_unlock(&virt_lock);
	thinvm_admission_state(cpu, why, sizeof(why));
	thinvm_genl_cpu_event(THINVM_CMD_CPU_OFFLINE, cpu, THINVM_CPU_OFFLINE,
			      why);
	return 0;
}

/*
 * Reboot, halt and power-off: leave VMX/SVM off everywhere for the firmware
 * or the next kernel. Crash and emergency kexec are covered by the kernel's
 * own emergency VMXOFF/SVM disable.
 */
static int virt_reboot(struct notifier_block *nb, unsigned long action,
		       void *unused)
{
	unsigned int was_on;

	mutex_lock(&virt_lock);
	WRITE_ONCE(virt_rebooting, true);
	was_on = cpumask_weight(&virt_cpus);
	on_each_cpu(virt_disable_this_cpu, NULL, 1);
	mutex_unlock(&virt_lock);
	pr_info("reboot: virtualization turned off on %u CPUs\n", was_on);
	return NOTIFY_OK;
}

static struct notifier_block virt_reboot_nb = {
	.notifier_call = virt_reboot,
};

/*
 * Suspend: the other CPUs have gone through virt_cpu_offline() already; this
 * runs on the last one with IRQs off, so virt_users cannot change.
 */
static int virt_suspend(void)
{
	if (virt_users)
		virt_disable_this_cpu(NULL);
	return 0;
}

static void virt_resume(void)
{
	if (!virt_users)
		return;
	virt_enable_this_cpu(NULL);
	if (this_cpu_read(virt_err))
		virt_log_failure(smp_processor_id(), 0, this_cpu_read(virt_err));
}

static struct syscore_ops virt_syscore_ops = {
	.suspend = virt_suspend,
	.resume = virt_resume,
};

int thinvm_virt_init(void)
{
	int r;

	/* Calls virt_cpu_online() on every online CPU: the load-time check. */
	r = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "thinvm/virt:online",
			      virt_cpu_online, virt_cpu_offline);
	if (r < 0)
		return r;
	virt_cpuhp_state = r;
	register_reboot_notifier(&virt_reboot_nb);
	register_syscore_ops(&virt_syscore_ops);
	return 0;
}

void thinvm_virt_exit(void)
{
	unregister_syscore_ops(&virt_syscore_ops);
	unregister_reboot_notifier(&virt_reboot_nb);
	/*
	 * No VM exists (each holds the module), so virtualization is off
	 * everywhere: the offline callback has nothing to do, and its
	 * "CPU offline" records and events would be untrue.
	 */
	cpuhp_remove_state_nocalls(virt_cpuhp_state);
}
