// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <errno.h>

#include "cpulist.h"

static struct cpuset parse_ok(const char *s)
{
	struct cpuset set;

	cr_assert_eq(cpulist_parse(s, &set), 0, "parsing \"%s\"", s);
	return set;
}

Test(cpulist, empty_and_newline_only_are_the_empty_set)
{
	struct cpuset a = parse_ok(""), b = parse_ok("\n");

	cr_assert_eq(cpuset_count(&a), 0);
	cr_assert_eq(cpuset_count(&b), 0);
}

Test(cpulist, ranges_and_singles)
{
	struct cpuset set = parse_ok("0-3,8,10-11\n");

	cr_assert_eq(cpuset_count(&set), 7);
	cr_assert(cpuset_has(&set, 0) && cpuset_has(&set, 3));
	cr_assert(!cpuset_has(&set, 4));
	cr_assert(cpuset_has(&set, 8) && cpuset_has(&set, 11));
	cr_assert(!cpuset_has(&set, 12));
}

Test(cpulist, malformed_text_is_rejected)
{
	static const char *const bad[] = {
		",", "0,", "-1", "1-", "3-1", "0 1", "a", "0,,1", "0-1-2",
		"1\n\n",
	};
	struct cpuset set;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(cpulist_parse(bad[i], &set), -EINVAL, "\"%s\"",
			     bad[i]);
}

Test(cpulist, cpu_numbers_past_the_limit_are_out_of_range)
{
	struct cpuset set;

	cr_assert_eq(cpulist_parse("8192", &set), -ERANGE);
	cr_assert_eq(cpulist_parse("0-99999999999999999999", &set), -ERANGE);
	cr_assert_eq(cpulist_parse("8191", &set), 0);
}

Test(cpulist, format_round_trips)
{
	static const char *const lists[] = { "", "0", "0-1", "0,2", "0-3,8,10-11",
					     "8191" };
	char buf[64];

	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		struct cpuset set = parse_ok(lists[i]);

		cr_assert_eq(cpulist_format(&set, buf, sizeof(buf)), 0);
		cr_expect_str_eq(buf, lists[i]);
	}
}

Test(cpulist, format_reports_a_short_buffer)
{
	struct cpuset set = parse_ok("0-3,8,10-11");
	char buf[6];

	cr_assert_eq(cpulist_format(&set, buf, sizeof(buf)), -ENOSPC);
}
