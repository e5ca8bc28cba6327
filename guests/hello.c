// SPDX-License-Identifier: GPL-2.0
/*
 * hello: the smallest useful guest. It greets, says what booted it and
 * what it runs on, and with several vCPUs has each of them answer in turn,
 * so the output is the same every run. Exits 0 (1 if a vCPU never answers).
 */
#include "runtime.h"

#define WAIT_MS 10000	/* for the other vCPUs; they start at once, so this is generous */

/* Whose turn it is to speak: vCPU 0, then 1, 2, ... then vCPU 0 again. */
static volatile unsigned int turn;

void ap_main(unsigned int vcpu)
{
	while (turn != vcpu)
		cpu_relax();
	printf("vCPU %u of %u says hello too\n", vcpu, vcpu_count());
	__atomic_store_n(&turn, vcpu + 1, __ATOMIC_RELEASE);
}

int main(void)
{
	unsigned int n = vcpu_count();
	uint32_t start;
	char vendor[13];

	printf("Hello from a thinvm guest\n");
	if (boot_info && (boot_info->flags & MULTIBOOT_INFO_MEMORY))
		printf("booted by %s with the multiboot magic 0x%x: %u KiB of low memory, %u KiB above 1 MiB\n",
		       boot_info->flags & MULTIBOOT_INFO_BOOT_LOADER_NAME ?
		       (const char *)boot_info->boot_loader_name : "a multiboot loader",
		       boot_magic, boot_info->mem_lower, boot_info->mem_upper);
	else
		printf("not booted by a multiboot loader (EAX was 0x%x)\n", boot_magic);
	cpu_vendor(vendor);
	printf("vCPU %u of %u, on a CPU that says %s\n", vcpu_index(), n, vendor);
	if (n == 1)
		return 0;

	start = clock_ms();
	__atomic_store_n(&turn, 1, __ATOMIC_RELEASE);
	while (turn != n) {
		if (clock_ms() - start > WAIT_MS) {
			printf("only %u of %u vCPUs said hello within %u s\n", turn, n, WAIT_MS / 1000);
			return 1;
		}
		cpu_relax();
	}
	printf("all %u vCPUs said hello\n", n);
	return 0;
}
