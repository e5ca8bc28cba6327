// SPDX-License-Identifier: GPL-2.0
/* KVM_SET_USER_MEMORY_REGION's rules (kmod/memslot_rules.c), as KVM has them. */
#include <criterion/criterion.h>
#include <errno.h>

#include "memslot_rules.h"

#define MB (1ull << 20)

static struct thinvm_slot_view slots[8];

static void setup(void)
{
	memset(slots, 0, sizeof(slots));
	/* Slot 1: 1 MiB at GPA 1 MiB. */
	slots[1] = (struct thinvm_slot_view){
		.used = true, .gpa = MB, .size = MB, .hva = 0x7f0000000000,
	};
}

static int check(u32 slot, u32 flags, u64 gpa, u64 size, u64 hva)
{
	struct thinvm_slot_request req = {
		.slot = slot, .flags = flags, .gpa = gpa, .size = size, .hva = hva,
	};

	return thinvm_slot_check(slots, 8, &req);
}

TestSuite(memslot, .init = setup);

Test(memslot, create_delete_move_flags_nop)
{
	cr_assert_eq(check(0, 0, 0, MB, 0x10000), THINVM_SLOT_CREATE);
	cr_assert_eq(check(1, 0, MB, 0, 0), THINVM_SLOT_DELETE);
	cr_assert_eq(check(1, 0, 4 * MB, MB, 0x7f0000000000), THINVM_SLOT_MOVE);
	cr_assert_eq(check(1, 0, MB, MB, 0x7f0000000000), THINVM_SLOT_NOP);
}

Test(memslot, bad_ids_flags_and_alignment_are_einval)
{
	cr_expect_eq(check(8, 0, 0, MB, 0), -EINVAL, "slot past the last");
	cr_expect_eq(check(1u << 16, 0, 0, MB, 0), -EINVAL, "address space 1");
	cr_expect_eq(check(0, 1u << 0, 0, MB, 0), -EINVAL, "dirty logging");
	cr_expect_eq(check(0, 1u << 5, 0, MB, 0), -EINVAL, "unknown flag");
	cr_expect_eq(check(0, 0, 0x800, MB, 0), -EINVAL, "unaligned GPA");
	cr_expect_eq(check(0, 0, 0, MB + 1, 0), -EINVAL, "unaligned size");
	cr_expect_eq(check(0, 0, 0, MB, 0x10), -EINVAL, "unaligned HVA");
	cr_expect_eq(check(0, 0, ~0ull << 12, 2 * 4096, 0), -EINVAL,
		     "GPA range wraps");
	cr_expect_eq(check(0, 0, 0, 1ull << 44, 0), -EINVAL, "too many pages");
}

Test(memslot, deleting_nothing_is_einval)
{
	cr_assert_eq(check(0, 0, 0, 0, 0), -EINVAL);
}

Test(memslot, an_existing_slot_keeps_its_memory_and_size)
{
	cr_expect_eq(check(1, 0, MB, 2 * MB, 0x7f0000000000), -EINVAL, "resize");
	cr_expect_eq(check(1, 0, MB, MB, 0x7f0000100000), -EINVAL, "new HVA");
	cr_expect_eq(check(1, THINVM_MEM_READONLY, MB, MB, 0x7f0000000000),
		     -EINVAL, "read-only flipped");
}

Test(memslot, overlap_is_eexist)
{
	cr_expect_eq(check(0, 0, MB + 4096, 4096, 0), -EEXIST, "inside");
	cr_expect_eq(check(0, 0, 0, MB + 4096, 0), -EEXIST, "over the start");
	cr_expect_eq(check(0, 0, 2 * MB - 4096, MB, 0), -EEXIST, "over the end");
	cr_expect_eq(check(0, 0, 0, MB, 0), THINVM_SLOT_CREATE, "touching below");
	cr_expect_eq(check(0, 0, 2 * MB, MB, 0), THINVM_SLOT_CREATE, "touching above");
	slots[2] = (struct thinvm_slot_view){ .used = true, .gpa = 8 * MB, .size = MB };
	cr_expect_eq(check(1, 0, 8 * MB, MB, 0x7f0000000000), -EEXIST,
		     "moved onto another slot");
}
