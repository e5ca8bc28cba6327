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

int main(void)
{
	unsigned int cpu = 1;
	int vm;

	vt_require_hotplug_cpu(cpu);

	TEST_ASSERT(!vt_set_cpu_online(cpu, false), "CPU%u offline", cpu);
	TEST_ASSERT(!vt_set_cpu_online(cpu, true), "CPU%u online", cpu);
	vt_expect_virt(false, "after cycling CPU1 with no VM");

	vm = vt_create_vm(THINVM_DEV);
	vt_expect_virt(true, "with a VM");
	TEST_ASSERT(!vt_set_cpu_online(cpu, false), "CPU%u offline", cpu);
	/* vt_expect_virt() compares against the online CPUs, now without 1. */
	vt_expect_virt(true, "with a VM, CPU1 offline");
	TEST_ASSERT(!vt_set_cpu_online(cpu, true), "CPU%u online", cpu);
	vt_expect_virt(true, "with a VM, CPU1 back online");
	close(vm);
	vt_expect_virt(false, "after closing the VM");
	return 0;
}
