// SPDX-License-Identifier: GPL-2.0
/*
 * Medians rather than means: on a shared 2-core machine one run in a few
 * is slowed by the neighbour, and the median ignores it where the mean
 * would not. The spread is printed beside it so a noisy cell shows.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_stats.h"

bool bs_add(struct bs_sample *s, double value)
{
	if (s->n >= BS_MAX_RUNS || !isfinite(value) || value <= 0)
		return false;
	s->v[s->n++] = value;
	return true;
}

void bs_na(struct bs_sample *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->why, sizeof(s->why), fmt, ap);
	va_end(ap);
	if (!s->why[0])
		snprintf(s->why, sizeof(s->why), "unavailable");
}

bool bs_valid(const struct bs_sample *s)
{
	return s->n > 0 && !s->why[0];
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double bs_median(const double *v, size_t n)
{
	double sorted[BS_MAX_RUNS];

	if (!n || n > BS_MAX_RUNS)
		return 0;
	memcpy(sorted, v, n * sizeof(*v));
	qsort(sorted, n, sizeof(*sorted), cmp_double);
	return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

double bs_spread(const double *v, size_t n)
{
	double med = bs_median(v, n), worst = 0;

	if (med <= 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		worst = fmax(worst, fabs(v[i] - med));
	return worst / med * 100;
}

/* Digits that mean something: 3 significant at least, no decimals from 100. */
static void fmt_number(char *buf, size_t size, double x, const char *unit)
{
	if (x >= 100)
		snprintf(buf, size, "%.0f%s", x, unit);
	else if (x >= 10)
		snprintf(buf, size, "%.1f%s", x, unit);
	else if (x >= 0.1)
		snprintf(buf, size, "%.2f%s", x, unit);
	else
		snprintf(buf, size, "%.3g%s", x, unit);
}

void bs_fmt_value(char *buf, size_t size, const struct bs_sample *s)
{
	char num[32];
	double spread;

	if (!bs_valid(s)) {
		snprintf(buf, size, "n/a");
		return;
	}
	fmt_number(num, sizeof(num), bs_median(s->v, s->n), "");
	spread = bs_spread(s->v, s->n);
	/* One run has no spread to show. */
	if (s->n == 1)
		snprintf(buf, size, "%s", num);
	else
		snprintf(buf, size, "%s ±%.*f%%", num, spread < 10 ? 1 : 0, spread);
}

void bs_fmt_ratio(char *buf, size_t size, const struct bs_sample *num,
		  const struct bs_sample *den)
{
	if (!bs_valid(num) || !bs_valid(den)) {
		snprintf(buf, size, "n/a");
		return;
	}
	fmt_number(buf, size, bs_median(num->v, num->n) / bs_median(den->v, den->n), "x");
}
