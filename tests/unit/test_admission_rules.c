// SPDX-License-Identifier: GPL-2.0
/* CPU hotplug admission (kmod/admission_rules.c), compiled for the host. */
#include <criterion/criterion.h>

#include <linux/thinvm.h>

#include "admission_rules.h"

static struct thinvm_caps_snapshot svm_like(uint64_t features)
{
	struct thinvm_caps_snapshot s = { 0 };

	thinvm_caps_add(&s, "SVM", 1);
	thinvm_caps_add(&s, "SVMDIS", 0);
	thinvm_caps_add(&s, "0x8000000A.EDX", features);
	return s;
}

Test(admission, equal_snapshots_match)
{
	struct thinvm_caps_snapshot a = svm_like(0x1ff), b = svm_like(0x1ff);

	cr_assert_eq(thinvm_caps_diff(&a, &b), -1);
}

Test(admission, the_first_differing_field_is_named)
{
	struct thinvm_caps_snapshot a = svm_like(0x1ff), b = svm_like(0x0ff);

	cr_assert_eq(thinvm_caps_diff(&a, &b), 2);
	b = a;
	b.field[1].value = 1;
	b.field[2].value = 0;
	cr_assert_eq(thinvm_caps_diff(&a, &b), 1);
}

Test(admission, a_shorter_or_longer_snapshot_differs)
{
	struct thinvm_caps_snapshot a = svm_like(1), b = svm_like(1);

	b.n = 2;
	cr_assert_eq(thinvm_caps_diff(&a, &b), 2);
	thinvm_caps_add(&b, "0x8000000A.EDX", 1);
	thinvm_caps_add(&b, "extra", 0);
	cr_assert_eq(thinvm_caps_diff(&a, &b), 3);
}

Test(admission, snapshot_is_bounded)
{
	struct thinvm_caps_snapshot s = { 0 };

	for (int i = 0; i < THINVM_CAPS_MAX_FIELDS + 4; i++)
		thinvm_caps_add(&s, "f", i);
	cr_assert_eq(s.n, THINVM_CAPS_MAX_FIELDS);
}

Test(admission, decisions)
{
	const uint32_t r = THINVM_HOTPLUG_REJECT, rwr = THINVM_HOTPLUG_REJECT_WHILE_RUNNING;

	cr_assert_eq(thinvm_admission_decide(true, r, 0), THINVM_ADMIT);
	cr_assert_eq(thinvm_admission_decide(true, rwr, 3), THINVM_ADMIT);
	cr_assert_eq(thinvm_admission_decide(false, r, 0), THINVM_REFUSE);
	cr_assert_eq(thinvm_admission_decide(false, r, 2), THINVM_REFUSE);
	cr_assert_eq(thinvm_admission_decide(false, rwr, 0), THINVM_ADMIT_QUARANTINED);
	cr_assert_eq(thinvm_admission_decide(false, rwr, 1), THINVM_REFUSE);
	cr_assert_eq(thinvm_admission_decide(false, 77, 0), THINVM_REFUSE,
		     "an unknown mode is the strict one");
}
