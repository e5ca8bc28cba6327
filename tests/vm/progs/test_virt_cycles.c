// SPDX-License-Identifier: GPL-2.0
/*
 * Hundreds of first-VM/last-VM cycles, each turning virtualization on and
 * off in every CPU through IPIs (testing.md saw KVM hang doing this in QEMU).
 */
#include <time.h>
#include <unistd.h>

#include "vmtest.h"

#define CYCLES 1000

int main(void)
{
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < CYCLES; i++)
		close(vt_create_vm(THINVM_DEV));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	vt_expect_virt(false, "after the cycles");
	vt_log("%d on/off cycles in %.2f s", CYCLES,
	       (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
