// SPDX-License-Identifier: GPL-2.0
/*
 * CPU hotplug admission (design.md, behaviour 2), with the test-only
 * fault-injection knob marking CPU 1 incompatible, since the emulated
 * host's CPUs are all alike:
 *  - reject: CPU 1 cannot come online (EIO), and says why in sysfs and over
 *    netlink, with a "cpu-refused" event;
 *  - reject-while-running, no VM: it comes online quarantined, VM creation
 *    fails with EBUSY, and works again once CPU 1 is offline;
 *  - reject-while-running with a VM: refused;
 *  - knob cleared: admitted again.
 * Every event the listener saw is printed, for the record. A running guest
 * through healthy hotplug cycles is test_hotplug_running's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "thinvm_names.h"
#include "thinvm_nl.h"
#include "vmtest.h"

const bool vt_compares_with_kvm = false;

#define CPU 1
#define FAULT THINVM_DEBUGFS "/fault_incompatible_cpus"

static struct tnl *nl;

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);

	TEST_ASSERT(fd >= 0, "open %s", path);
	TEST_ASSERT(write(fd, s, strlen(s)) == (ssize_t)strlen(s), "write %s", path);
	close(fd);
}

static int try_set_mode(uint32_t mode)
{
	struct tnl_policy p = { .hotplug_mode = mode };

	return tnl_set_policy(nl, &p, TNL_POLICY_HOTPLUG_MODE, 0, NULL);
}

static void set_mode(uint32_t mode)
{
	TEST_ASSERT(!try_set_mode(mode), "set hotplug mode: %s", tnl_last_error(nl));
}

static const char *sysfs_line(const char *name)
{
	static char buf[256];
	char path[128];

	snprintf(path, sizeof(path), THINVM_SYSFS "/%s", name);
	vt_read_line(path, buf, sizeof(buf));
	return buf;
}

static const char *cpu_sysfs(const char *what)
{
	char name[64];

	snprintf(name, sizeof(name), "cpus/cpu%d/%s", CPU, what);
	return sysfs_line(name);
}

/* Drain events until one of @cmd for CPU 1 arrives; print them all. */
static struct tnl_event expect_event(uint8_t cmd)
{
	struct tnl_event ev;

	for (;;) {
		int r = tnl_next_event(nl, &ev, 5000);

		TEST_ASSERT(r == 1, "no %s event within 5 s", tnl_cmd_name(cmd));
		if (ev.has & TNL_EV_CPU)
			vt_log("event: %s cpu=%u state=%s%s%s%s", tnl_cmd_name(ev.cmd),
			       ev.cpu.id, tnl_cpu_state_name(ev.cpu.state),
			       ev.cpu.reason[0] ? " reason=\"" : "", ev.cpu.reason,
			       ev.cpu.reason[0] ? "\"" : "");
		else if (ev.has & TNL_EV_POLICY)
			vt_log("event: %s generation=%llu hotplug=%s", tnl_cmd_name(ev.cmd),
			       (unsigned long long)ev.policy.generation,
			       tnl_hotplug_mode_name(ev.policy.hotplug_mode));
		else
			vt_log("event: %s vm=%u", tnl_cmd_name(ev.cmd), ev.vm.id);
		if (ev.cmd == cmd && (ev.has & TNL_EV_CPU) && ev.cpu.id == CPU)
			return ev;
	}
}

static void expect_cpu(uint32_t state, bool reason)
{
	struct tnl_cpu c;

	TEST_ASSERT(!tnl_get_cpu(nl, CPU, &c), "GET_CPU: %s", tnl_last_error(nl));
	TEST_ASSERT(c.state == state, "netlink state %s, expected %s",
		    tnl_cpu_state_name(c.state), tnl_cpu_state_name(state));
	TEST_ASSERT(!!c.reason[0] == reason, "netlink reason '%s'", c.reason);
	TEST_ASSERT(!strcmp(cpu_sysfs("admission"), tnl_cpu_state_name(state)),
		    "sysfs admission %s", cpu_sysfs("admission"));
	TEST_ASSERT(!!cpu_sysfs("reason")[0] == reason, "sysfs reason '%s'",
		    cpu_sysfs("reason"));
	TEST_ASSERT(!strcmp(sysfs_line("incompatible_cpus"), reason ? "1" : ""),
		    "incompatible_cpus '%s'", sysfs_line("incompatible_cpus"));
}

/* KVM_CREATE_VM: the VM fd, or -errno. */
static int try_create_vm(void)
{
	int sys = open(THINVM_DEV, O_RDWR), vm;

	TEST_ASSERT(sys >= 0, "open " THINVM_DEV);
	vm = ioctl(sys, KVM_CREATE_VM, 0);
	if (vm < 0)
		vm = -errno;
	close(sys);
	return vm;
}

static void check_reject(void)
{
	struct tnl_event ev;
	int r;

	set_mode(THINVM_HOTPLUG_REJECT);
	TEST_ASSERT(!vt_set_cpu_online(CPU, false), "offline CPU %d", CPU);
	expect_event(THINVM_CMD_CPU_OFFLINE);
	write_file(FAULT, "1");
	r = vt_set_cpu_online(CPU, true);
	TEST_ASSERT(r == EIO, "online an incompatible CPU in reject mode: errno %d", r);
	ev = expect_event(THINVM_CMD_CPU_REFUSED);
	TEST_ASSERT(strstr(ev.cpu.reason, "fault injected"), "reason '%s'", ev.cpu.reason);
	expect_cpu(THINVM_CPU_REFUSED, true);
	TEST_ASSERT(vt_kernel_log_has("refusing to bring it online"), "no log line");
}

static void check_reject_while_running(void)
{
	int vm;

	set_mode(THINVM_HOTPLUG_REJECT_WHILE_RUNNING);
	/* With a VM: refused all the same. */
	vm = try_create_vm();
	TEST_ASSERT(vm >= 0, "create a VM: %d", vm);
	TEST_ASSERT(vt_set_cpu_online(CPU, true) == EIO, "online with a VM alive");
	expect_event(THINVM_CMD_CPU_REFUSED);
	close(vm);

	/* Without: it comes online, and VM creation waits for it to leave. */
	TEST_ASSERT(!vt_set_cpu_online(CPU, true), "online with no VM");
	expect_event(THINVM_CMD_CPU_QUARANTINED);
	expect_cpu(THINVM_CPU_QUARANTINED, true);
	TEST_ASSERT(!strcmp(sysfs_line("vm_creation"), "blocked"), "vm_creation");
	vm = try_create_vm();
	TEST_ASSERT(vm == -EBUSY, "VM creation with CPU %d quarantined: %d", CPU, vm);
	TEST_ASSERT(try_set_mode(THINVM_HOTPLUG_REJECT) == -EBUSY,
		    "switching to reject with CPU %d quarantined: %s", CPU, tnl_last_error(nl));
	TEST_ASSERT(vt_kernel_log_has("VM creation refused: CPU1 is online and incompatible"),
		    "no log line for the refused VM");
	TEST_ASSERT(!vt_set_cpu_online(CPU, false), "offline the quarantined CPU");
	expect_event(THINVM_CMD_CPU_OFFLINE);
	expect_cpu(THINVM_CPU_OFFLINE, true);
	TEST_ASSERT(!strcmp(sysfs_line("vm_creation"), "allowed"), "vm_creation");
	vm = try_create_vm();
	TEST_ASSERT(vm >= 0, "VM creation once CPU %d is offline: %d", CPU, vm);
	close(vm);
}

static void check_healed(void)
{
	write_file(FAULT, "\n");
	TEST_ASSERT(!vt_set_cpu_online(CPU, true), "online CPU %d once the knob is cleared", CPU);
	expect_event(THINVM_CMD_CPU_ADMITTED);
	expect_cpu(THINVM_CPU_ADMITTED, false);
	set_mode(THINVM_HOTPLUG_REJECT);
}

int main(void)
{
	int r;

	vt_require_hotplug_cpu(CPU);
	TEST_ASSERT(access(FAULT, W_OK) == 0, "no fault-injection knob at " FAULT);
	r = tnl_open(&nl);
	TEST_ASSERT(!r, "tnl_open: %s", strerror(-r));
	TEST_ASSERT(!tnl_subscribe(nl), "subscribe");
	expect_cpu(THINVM_CPU_ADMITTED, false);

	check_reject();
	check_reject_while_running();
	check_healed();
	tnl_close(nl);
	return 0;
}
