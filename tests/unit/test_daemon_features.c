// SPDX-License-Identifier: GPL-2.0
/* Names of the features policy may hide (lib/thinvm_features.c). */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "thinvm_features.h"

static unsigned int index_of(const char *name)
{
	unsigned int i = ~0u;

	cr_assert_eq(tnl_feature_parse(name, &i), 0, "%s", name);
	return i;
}

Test(thinvm_features, every_name_parses_back_to_its_index)
{
	cr_assert_gt(tnl_feature_count(), 0);
	cr_assert_leq(tnl_feature_count(), 64);
	for (unsigned int i = 0; i < tnl_feature_count(); i++) {
		const char *n = tnl_feature_name(i);

		cr_assert_not_null(n);
		cr_assert_eq(strspn(n, "abcdefghijklmnopqrstuvwxyz0123456789-"), strlen(n), "%s", n);
		cr_assert_eq(index_of(n), i, "%s", n);
	}
	cr_assert_null(tnl_feature_name(tnl_feature_count()));
}

Test(thinvm_features, table_order_is_kept)
{
	/* Indexes are bits of saved sets: they must never move. */
	cr_assert_eq(index_of("tsc-scaling"), 0);
	cr_assert_eq(index_of("npt"), 16);
	cr_assert_eq(tnl_feature_vendor(index_of("pml")), TNL_FEATURE_VMX);
	cr_assert_eq(tnl_feature_vendor(index_of("avic")), TNL_FEATURE_SVM);
}

Test(thinvm_features, unknown_names)
{
	static const char *const bad[] = { "", "NPT", "npt ", " npt", "np", "nptx", "none", "16" };
	unsigned int i = 42;

	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		cr_expect_eq(tnl_feature_parse(bad[k], &i), -EINVAL, "\"%s\"", bad[k]);
	cr_assert_eq(i, 42, "untouched on failure");
}

Test(thinvm_features, set_with_blanks)
{
	uint64_t set = 0;
	const char *bad = NULL;

	cr_assert_eq(tnl_feature_set_parse(" npt ,\tavic,pml  ", &set, &bad), 0);
	cr_assert_eq(set, 1ULL << index_of("npt") | 1ULL << index_of("avic") | 1ULL << index_of("pml"));
	cr_assert_eq(tnl_feature_set_parse("npt,npt", &set, &bad), 0);
	cr_assert_eq(set, 1ULL << index_of("npt"));
}

Test(thinvm_features, set_none)
{
	uint64_t set = 7;
	const char *bad = NULL;

	cr_assert_eq(tnl_feature_set_parse("none", &set, &bad), 0);
	cr_assert_eq(set, 0);
	set = 7;
	cr_assert_eq(tnl_feature_set_parse("  none\t", &set, &bad), 0);
	cr_assert_eq(set, 0);
	cr_assert_eq(tnl_feature_set_parse("none,npt", &set, &bad), -EINVAL);
	cr_assert_str_eq(bad, "none,npt", "none is not a name in a list");
	cr_assert_eq(tnl_feature_set_parse("none npt", &set, &bad), -EINVAL);
}

Test(thinvm_features, set_with_an_unknown_or_empty_item)
{
	static const char unknown[] = "npt, warp ,avic";
	static const char empty[] = "npt,,avic";
	static const char trailing[] = "npt,avic,";
	uint64_t set = 7;
	const char *bad = NULL;

	cr_assert_eq(tnl_feature_set_parse(unknown, &set, &bad), -EINVAL);
	cr_assert_eq(bad, unknown + 5, "at the item, past its blanks");
	cr_assert_eq(tnl_feature_set_parse(empty, &set, &bad), -EINVAL);
	cr_assert_eq(bad, empty + 4);
	cr_assert_eq(tnl_feature_set_parse(trailing, &set, &bad), -EINVAL);
	cr_assert_eq(bad, trailing + 9);
	cr_assert_eq(tnl_feature_set_parse("", &set, &bad), -EINVAL);
	cr_assert_eq(tnl_feature_set_parse(" , ", &set, &bad), -EINVAL);
	cr_assert_eq(set, 7, "untouched on failure");
}

Test(thinvm_features, format_round_trip)
{
	uint64_t all = (1ULL << tnl_feature_count()) - 1;
	uint64_t sets[] = { 0, 1, 1ULL << index_of("vnmi"), 0x5a5a5a5 & all, all };
	char buf[1024];
	const char *bad;

	for (size_t k = 0; k < sizeof(sets) / sizeof(sets[0]); k++) {
		uint64_t back = ~0ULL;

		cr_assert_eq(tnl_feature_set_format(sets[k], buf, sizeof(buf)), 0);
		cr_assert_eq(tnl_feature_set_parse(buf, &back, &bad), 0, "%s", buf);
		cr_assert_eq(back, sets[k], "%s", buf);
	}
	cr_assert_eq(tnl_feature_set_format(0, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "none");
	cr_assert_eq(tnl_feature_set_format(1ULL << index_of("npt") | 1, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "tsc-scaling,npt", "in index order, no blanks");
}

Test(thinvm_features, format_into_small_buffers)
{
	char buf[32];

	cr_assert_eq(tnl_feature_set_format(1, buf, 11), -ENOSPC, "tsc-scaling needs 12");
	cr_assert_eq(tnl_feature_set_format(1, buf, 12), 0);
	cr_assert_eq(tnl_feature_set_format(0, buf, 4), -ENOSPC);
	cr_assert_eq(tnl_feature_set_format(0, buf, 5), 0);
}
