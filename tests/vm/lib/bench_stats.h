/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The statistics of make bench (tests/bench/README.md): the median of a
 * few runs, how far the runs strayed from it, and the cells of the table.
 * Plain C, unit-tested on the host (tests/unit/test_bench_stats.c).
 */
#ifndef THINVM_BENCH_STATS_H
#define THINVM_BENCH_STATS_H

#include <stdbool.h>
#include <stddef.h>

/* Most runs one measurement keeps. */
#define BS_MAX_RUNS 32

/* One measurement: its runs, or why there is none. */
struct bs_sample {
	double v[BS_MAX_RUNS];
	size_t n;
	char why[96];		/* set when there is no number: "n/a" and why */
};

/* Add one run; false (and nothing kept) when full or not a positive finite value. */
bool bs_add(struct bs_sample *s, double value);
/* Mark @s as unavailable, with the reason (printf-style). */
void bs_na(struct bs_sample *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Whether @s has a number: at least one run and no reason against it. */
bool bs_valid(const struct bs_sample *s);

/* The median of @n values (the mean of the middle two for an even @n); 0 for none. */
double bs_median(const double *v, size_t n);
/*
 * The spread: the largest distance of a run from the median, in percent
 * of the median (so "±3%" means every run was within 3%); 0 for none.
 */
double bs_spread(const double *v, size_t n);

/*
 * "1234 ±2%" for a value in ns, with no more digits than it has meaning:
 * integers from 100 on, one decimal below. "n/a" when @s has no number.
 */
void bs_fmt_value(char *buf, size_t size, const struct bs_sample *s);
/* The ratio of two medians, "0.00729x", "0.45x", "12.3x" or "123x"; "n/a" if either is missing. */
void bs_fmt_ratio(char *buf, size_t size, const struct bs_sample *num,
		  const struct bs_sample *den);

#endif
