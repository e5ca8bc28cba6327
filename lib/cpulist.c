// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cpulist.h"

bool cpuset_has(const struct cpuset *set, unsigned int cpu)
{
	return cpu < CPULIST_MAX_CPUS && (set->bits[cpu / 64] >> (cpu % 64)) & 1;
}

void cpuset_add(struct cpuset *set, unsigned int cpu)
{
	if (cpu < CPULIST_MAX_CPUS)
		set->bits[cpu / 64] |= 1ULL << (cpu % 64);
}

bool cpuset_equal(const struct cpuset *a, const struct cpuset *b)
{
	return !memcmp(a->bits, b->bits, sizeof(a->bits));
}

unsigned int cpuset_count(const struct cpuset *set)
{
	unsigned int n = 0;

	for (size_t i = 0; i < CPULIST_MAX_CPUS / 64; i++)
		n += (unsigned int)__builtin_popcountll(set->bits[i]);
	return n;
}

/* A decimal CPU number; advances *s past it. */
static int parse_cpu(const char **s, unsigned int *cpu)
{
	unsigned long v = 0;
	const char *p = *s;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (unsigned long)(*p++ - '0');
		if (v >= CPULIST_MAX_CPUS)
			return -ERANGE;
	}
	*s = p;
	*cpu = (unsigned int)v;
	return 0;
}

int cpulist_parse(const char *s, struct cpuset *set)
{
	memset(set, 0, sizeof(*set));
	if (*s == '\0' || !strcmp(s, "\n"))
		return 0;
	for (;;) {
		unsigned int first, last;
		int r = parse_cpu(&s, &first);

		if (r)
			return r;
		last = first;
		if (*s == '-') {
			s++;
			r = parse_cpu(&s, &last);
			if (r)
				return r;
			if (last < first)
				return -EINVAL;
		}
		for (unsigned int cpu = first; cpu <= last; cpu++)
			cpuset_add(set, cpu);
		if (*s == ',') {
			s++;
			continue;
		}
		if (*s == '\n')
			s++;
		return *s ? -EINVAL : 0;
	}
}

int cpulist_format(const struct cpuset *set, char *buf, size_t size)
{
	size_t len = 0;
	unsigned int cpu = 0;

	if (!size)
		return -ENOSPC;
	buf[0] = '\0';
	while (cpu < CPULIST_MAX_CPUS) {
		unsigned int last;
		int n;

		if (!cpuset_has(set, cpu)) {
			cpu++;
			continue;
		}
		last = cpu;
		while (last + 1 < CPULIST_MAX_CPUS && cpuset_has(set, last + 1))
			last++;
		if (last == cpu)
			n = snprintf(buf + len, size - len, "%s%u",
				     len ? "," : "", cpu);
		else
			n = snprintf(buf + len, size - len, "%s%u-%u",
				     len ? "," : "", cpu, last);
		if (n < 0 || (size_t)n >= size - len)
			return -ENOSPC;
		len += (size_t)n;
		cpu = last + 1;
	}
	return 0;
}
