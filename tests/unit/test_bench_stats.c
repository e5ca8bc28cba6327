// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <math.h>

#include "bench_stats.h"

static struct bs_sample sample(const double *v, size_t n)
{
	struct bs_sample s = { 0 };

	for (size_t i = 0; i < n; i++)
		cr_assert(bs_add(&s, v[i]));
	return s;
}

Test(bench_stats, median_of_odd_and_even_counts)
{
	const double odd[] = { 5, 1, 3 }, even[] = { 4, 1, 3, 2 }, one[] = { 7 };

	cr_assert_float_eq(bs_median(odd, 3), 3, 1e-9);
	cr_assert_float_eq(bs_median(even, 4), 2.5, 1e-9);
	cr_assert_float_eq(bs_median(one, 1), 7, 1e-9);
	cr_assert_float_eq(bs_median(odd, 0), 0, 1e-9);
}

Test(bench_stats, median_leaves_the_runs_in_order)
{
	double v[] = { 9, 1, 5 };

	bs_median(v, 3);
	cr_assert(v[0] == 9 && v[1] == 1 && v[2] == 5);
}

Test(bench_stats, spread_is_the_worst_run_in_percent_of_the_median)
{
	const double v[] = { 100, 90, 104, 100, 101 }, same[] = { 3, 3, 3 };

	cr_assert_float_eq(bs_spread(v, 5), 10, 1e-9);
	cr_assert_float_eq(bs_spread(same, 3), 0, 1e-9);
	cr_assert_float_eq(bs_spread(v, 0), 0, 1e-9);
}

Test(bench_stats, add_refuses_what_is_no_measurement)
{
	struct bs_sample s = { 0 };

	cr_assert(!bs_add(&s, 0));
	cr_assert(!bs_add(&s, -1));
	cr_assert(!bs_add(&s, NAN));
	cr_assert(!bs_add(&s, INFINITY));
	cr_assert_eq(s.n, 0);
	cr_assert(!bs_valid(&s));
	for (int i = 0; i < BS_MAX_RUNS; i++)
		cr_assert(bs_add(&s, 1));
	cr_assert(!bs_add(&s, 1), "a full sample takes no more");
}

Test(bench_stats, values_with_their_spread)
{
	const double a[] = { 2740, 2700, 2760 }, b[] = { 12.34, 12.34 }, c[] = { 90 },
		     d[] = { 1.234, 1.5, 1.0 };
	struct bs_sample sa = sample(a, 3), sb = sample(b, 2), sc = sample(c, 1),
			 sd = sample(d, 3);
	char buf[64];

	bs_fmt_value(buf, sizeof(buf), &sa);
	cr_assert_str_eq(buf, "2740 ±1.5%");
	bs_fmt_value(buf, sizeof(buf), &sb);
	cr_assert_str_eq(buf, "12.3 ±0.0%");
	bs_fmt_value(buf, sizeof(buf), &sc);
	cr_assert_str_eq(buf, "90.0", "one run, no spread");
	bs_fmt_value(buf, sizeof(buf), &sd);
	cr_assert_str_eq(buf, "1.23 ±22%");
}

Test(bench_stats, unavailable_cells_say_na)
{
	const double a[] = { 100 };
	struct bs_sample s = sample(a, 1), empty = { 0 };
	char buf[64];

	bs_na(&s, "floor is %s-only", "SVM");
	cr_assert(!bs_valid(&s));
	cr_assert_str_eq(s.why, "floor is SVM-only");
	bs_fmt_value(buf, sizeof(buf), &s);
	cr_assert_str_eq(buf, "n/a");
	bs_fmt_value(buf, sizeof(buf), &empty);
	cr_assert_str_eq(buf, "n/a");
	bs_fmt_ratio(buf, sizeof(buf), &s, &s);
	cr_assert_str_eq(buf, "n/a");
}

Test(bench_stats, ratios_of_medians)
{
	const double thin[] = { 450, 460, 440 }, floor_[] = { 90, 91, 89 }, kvm[] = { 3000 },
		     big[] = { 12345 };
	struct bs_sample t = sample(thin, 3), f = sample(floor_, 3), k = sample(kvm, 1),
			 b = sample(big, 1), none = { 0 };
	char buf[32];

	bs_fmt_ratio(buf, sizeof(buf), &t, &f);
	cr_assert_str_eq(buf, "5.00x");
	bs_fmt_ratio(buf, sizeof(buf), &t, &k);
	cr_assert_str_eq(buf, "0.15x");
	bs_fmt_ratio(buf, sizeof(buf), &b, &f);
	cr_assert_str_eq(buf, "137x");
	bs_fmt_ratio(buf, sizeof(buf), &f, &b);
	cr_assert_str_eq(buf, "0.00729x", "small ratios keep three digits");
	bs_fmt_ratio(buf, sizeof(buf), &t, &none);
	cr_assert_str_eq(buf, "n/a");
}
