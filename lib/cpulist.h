/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's cpulist format ("0-3,8,10-11"), as /sys/kernel/thinvm/ and
 * /sys/devices/system/cpu/ print it, parsed into a bitmap of CPUs.
 */
#ifndef THINVM_CPULIST_H
#define THINVM_CPULIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Debian builds its kernel with NR_CPUS=8192. */
#define CPULIST_MAX_CPUS 8192

struct cpuset {
	uint64_t bits[CPULIST_MAX_CPUS / 64];
};

/*
 * Parse @s (a trailing newline is allowed; an empty string is the empty set)
 * into @set. Returns 0, or -EINVAL for malformed text and -ERANGE for a CPU
 * number at or above CPULIST_MAX_CPUS; @set is then unspecified.
 */
int cpulist_parse(const char *s, struct cpuset *set);

/* Format @set as a cpulist into @buf; returns -ENOSPC if it does not fit. */
int cpulist_format(const struct cpuset *set, char *buf, size_t size);

bool cpuset_has(const struct cpuset *set, unsigned int cpu);
void cpuset_add(struct cpuset *set, unsigned int cpu);
bool cpuset_equal(const struct cpuset *a, const struct cpuset *b);
unsigned int cpuset_count(const struct cpuset *set);

#endif
