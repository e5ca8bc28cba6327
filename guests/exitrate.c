// SPDX-License-Identifier: GPL-2.0
/*
 * exitrate: how many exits a second this hypervisor turns around, for two
 * kinds: an IN from the clock port, which leaves the guest, goes up to
 * vmctl in user space and back; and CPUID, which the kernel answers
 * without leaving it. The guest's own clock (that same port) times both,
 * about 1.5 s each, or up to a number of exits, whichever ends first: where
 * the host is emulated instruction by instruction with its clock counting
 * instructions (Bochs), one busy second of it is minutes of wall time.
 * Each rate line says how many exits it counted, in how many ms. Exits 0.
 */
#include "runtime.h"

#define MEASURE_MS 1500
/* Above what 1.5 s gives under QEMU's TCG (about 17,000 and 40,000). */
#define PIO_MAX 20000
#define CPUID_MAX 65536
/* CPUIDs between two looks at the clock: keeps the port exits under 1%. */
#define CPUID_BATCH 256

static uint64_t per_second(uint64_t count, uint32_t ms)
{
	return udivmod64(count * 1000, ms ? ms : 1, NULL);
}

int main(void)
{
	uint32_t start, now, r[4];
	uint64_t n = 0;

	printf("exitrate: counting exits for about %u seconds\n", 2 * MEASURE_MS / 1000);

	/* Every iteration is one port-I/O exit: the clock read itself. */
	start = clock_ms();
	do {
		now = clock_ms();
		n++;
	} while (now - start < MEASURE_MS && n < PIO_MAX);
	printf("%llu port-I/O exits/s (%llu in %u ms; IN from the clock port 0xf0: out to vmctl and back)\n",
	       (unsigned long long)per_second(n, now - start), (unsigned long long)n, now - start);

	n = 0;
	start = clock_ms();
	do {
		for (int i = 0; i < CPUID_BATCH; i++)
			cpuid(0, 0, r);
		n += CPUID_BATCH;
		now = clock_ms();
	} while (now - start < MEASURE_MS && n < CPUID_MAX);
	printf("%llu CPUID exits/s (%llu in %u ms; answered in the kernel: vmctl never sees them)\n",
	       (unsigned long long)per_second(n, now - start), (unsigned long long)n, now - start);
	return 0;
}
