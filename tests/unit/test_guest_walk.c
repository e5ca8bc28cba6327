// SPDX-License-Identifier: GPL-2.0
/* Guest page-table walks (kmod/guest_walk.c) over a fake guest memory. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "guest_walk.h"

static u8 mem[0x20000];

static int read_mem(void *ctx, u64 gpa, void *buf, unsigned int size)
{
	(void)ctx;
	if (gpa + size > sizeof(mem))
		return -EFAULT;
	memcpy(buf, mem + gpa, size);
	return 0;
}

static void put64(u64 gpa, u64 v) { memcpy(mem + gpa, &v, 8); }
static void put32(u64 gpa, u32 v) { memcpy(mem + gpa, &v, 4); }

static u64 walk(const struct thinvm_paging *p, u64 gva)
{
	u64 gpa = ~0ull;

	cr_assert_eq(thinvm_gva_to_gpa(p, gva, read_mem, NULL, &gpa), 0,
		     "walk of %#llx failed", (unsigned long long)gva);
	return gpa;
}

static void setup(void) { memset(mem, 0, sizeof(mem)); }
TestSuite(guest_walk, .init = setup);

Test(guest_walk, without_paging_linear_is_physical)
{
	struct thinvm_paging p = { 0 };

	cr_expect_eq(walk(&p, 0x12345678), 0x12345678);
	cr_expect_eq(walk(&p, 0x112345678ull), 0x12345678, "32-bit wrap");
}

Test(guest_walk, four_and_five_level_with_large_pages)
{
	struct thinvm_paging p = {
		.cr0 = 1ull << 31, .cr3 = 0x1000, .cr4 = 1 << 5, .efer = 1 << 10,
	};

	/* gva 0x0000_7f80_0020_3456: PML4 255, PDPT 0, PD 1, PT 3 */
	put64(0x1000 + 255 * 8, 0x2000 | 1);
	put64(0x2000 + 0 * 8, 0x3000 | 1);
	put64(0x3000 + 1 * 8, 0x4000 | 1);
	put64(0x4000 + 3 * 8, 0xabc000 | 1);
	cr_expect_eq(walk(&p, 0x00007f8000203456ull), 0xabc456);
	/* A 2 MiB page at PD entry 2. */
	put64(0x3000 + 2 * 8, 0x600000 | 0x80 | 1);
	cr_expect_eq(walk(&p, 0x00007f8000512345ull), 0x712345);
	/* Not present. */
	u64 gpa;
	cr_expect_eq(thinvm_gva_to_gpa(&p, 0x1000, read_mem, NULL, &gpa), -EFAULT);
	/* 5 levels: one more table on top. */
	p.cr4 |= 1 << 12;
	p.cr3 = 0x5000;
	put64(0x5000 + 1 * 8, 0x1000 | 1);
	cr_expect_eq(walk(&p, (1ull << 48) | 0x00007f8000203456ull), 0xabc456);
}

Test(guest_walk, pae_and_32_bit_paging)
{
	struct thinvm_paging pae = { .cr0 = 1ull << 31, .cr3 = 0x1020, .cr4 = 1 << 5 };
	struct thinvm_paging legacy = { .cr0 = 1ull << 31, .cr3 = 0x6000, .cr4 = 1 << 4 };

	/* PAE: PDPT entry 1 (gva bit 30), PD 0, PT 5. */
	put64(0x1020 + 8, 0x7000 | 1);
	put64(0x7000, 0x8000 | 1);
	put64(0x8000 + 5 * 8, 0x9000 | 1);
	cr_expect_eq(walk(&pae, 0x40005123), 0x9123);
	/* 32-bit: PDE 1 -> PT, PTE 2; PDE 3 is a 4 MiB page. */
	put32(0x6000 + 4, 0xa000 | 1);
	put32(0xa000 + 8, 0xb000 | 1);
	cr_expect_eq(walk(&legacy, 0x00402abc), 0xbabc);
	put32(0x6000 + 12, 0x01000000 | 0x80 | 1);
	cr_expect_eq(walk(&legacy, 0x00c12345), 0x01012345);
}

Test(guest_walk, lists_the_entries_used)
{
	struct thinvm_paging pae = { .cr0 = 1ull << 31, .cr3 = 0x1020, .cr4 = 1 << 5 };
	struct thinvm_paging legacy = { .cr0 = 1ull << 31, .cr3 = 0x6000, .cr4 = 1 << 4 };
	struct thinvm_walk w;
	u64 gpa;

	put64(0x1020 + 8, 0x7000 | 1);
	put64(0x7000, 0x8000 | 1);
	put64(0x8000 + 5 * 8, 0x9000 | 1);
	cr_assert_eq(thinvm_guest_walk(&pae, 0x40005123, read_mem, NULL, &gpa, &w), 0);
	cr_expect_eq(w.n, 2, "PDE and PTE; the PDPTE has no accessed bit");
	cr_expect(w.entry_size == 8 && w.entry_gpa[0] == 0x7000 &&
		  w.entry_gpa[1] == 0x8000 + 5 * 8 && w.entry[1] == (0x9000 | 1));
	put32(0x6000 + 12, 0x01000000 | 0x80 | 1);
	cr_assert_eq(thinvm_guest_walk(&legacy, 0x00c12345, read_mem, NULL, &gpa, &w), 0);
	cr_expect(w.n == 1 && w.entry_size == 4 && w.entry_gpa[0] == 0x6000 + 12,
		  "a 4 MiB page: the PDE is the leaf");
	legacy.cr0 = 0;
	cr_assert_eq(thinvm_guest_walk(&legacy, 0x1234, read_mem, NULL, &gpa, &w), 0);
	cr_expect_eq(w.n, 0, "no paging, no entries");
}
