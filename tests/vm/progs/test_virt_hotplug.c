// SPDX-License-Identifier: GPL-2.0
/*
 * CPU hotplug: a CPU going offline while VMs exist has virtualization turned
 * off; one coming online while VMs exist has it turned on before it runs
 * anything; with no VMs, onlining leaves it off.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vmtest.h"

static void set_online(unsigned int cpu, bool online)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/online", cpu);
	fd = open(path, O_WRONLY);
	TEST_ASSERT(fd >= 0, "open %s", path);
	TEST_ASSERT(write(fd, online ? "1" : "0", 1) == 1, "write %s", path);
	close(fd);
}

int main(void)
{
	struct cpuset online = vt_online_cpus();
	unsigned int cpu = 1;
	int vm;

	TEST_REQUIRE(cpuset_count(&online) >= 2 && cpuset_has(&online, cpu) &&
		     access("/sys/devices/system/cpu/cpu1/online", W_OK) == 0,
		     "needs a second CPU that can go offline (lane has %u CPU)",
		     cpuset_count(&online));

	set_online(cpu, false);
	set_online(cpu, true);
	vt_expect_virt(false, "after cycling CPU1 with no VM");

	vm = vt_create_vm(THINVM_DEV);
	vt_expect_virt(true, "with a VM");
	set_online(cpu, false);
	/* vt_expect_virt() compares against the online CPUs, now without 1. */
	vt_expect_virt(true, "with a VM, CPU1 offline");
	set_online(cpu, true);
	vt_expect_virt(true, "with a VM, CPU1 back online");
	close(vm);
	vt_expect_virt(false, "after closing the VM");
	return 0;
}
