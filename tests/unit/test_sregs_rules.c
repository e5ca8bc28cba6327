// SPDX-License-Identifier: GPL-2.0
/* KVM_SET_SREGS's up-front checks (kmod/sregs_rules.c), as KVM has them. */
#include <criterion/criterion.h>

#include "sregs_rules.h"

#define PE (1ull << 0)
#define NW (1ull << 29)
#define CD (1ull << 30)
#define PG (1ull << 31)
#define PAE (1ull << 5)
#define OSXSAVE (1ull << 18)
#define LME (1ull << 8)
#define LMA (1ull << 10)

static bool valid(u64 cr0, u64 cr3, u64 cr4, u64 efer, bool cs_l)
{
	struct thinvm_sregs_view s = {
		.cr0 = cr0, .cr3 = cr3, .cr4 = cr4, .efer = efer, .cs_l = cs_l,
	};

	return thinvm_sregs_valid(&s, THINVM_CR4_BASE_BITS, 36);
}

Test(sregs, reset_real_protected_and_long_mode_are_valid)
{
	cr_expect(valid(0x60000010, 0, 0, 0, false), "reset state");
	cr_expect(valid(PE, 0, 0, 0, false), "protected mode");
	cr_expect(valid(PE | PG, 0x1000, PAE, LME | LMA, true), "long mode");
	cr_expect(valid(PE | PG, 0x1000, PAE, LME | LMA, false), "compatibility mode");
}

Test(sregs, cr0_rules)
{
	cr_expect(!valid(NW, 0, 0, 0, false), "NW without CD");
	cr_expect(valid(NW | CD, 0, 0, 0, false), "NW with CD");
	cr_expect(!valid(PG, 0, 0, 0, false), "PG without PE");
	cr_expect(!valid(PE | (1ull << 32), 0, 0, 0, false), "upper half");
}

Test(sregs, long_mode_rules)
{
	cr_expect(!valid(PE | PG, 0, 0, LME | LMA, true), "no PAE");
	cr_expect(!valid(PE | PG, 0, PAE, LME, true), "LMA clear");
	cr_expect(!valid(PE, 0, PAE, LMA, false), "LMA without paging");
	cr_expect(!valid(PE, 0, 0, 0, true), "CS.L outside long mode");
	cr_expect(!valid(PE | PG, 1ull << 36, PAE, LME | LMA, true),
		  "CR3 past MAXPHYADDR");
}

Test(sregs, cr4_bits_need_cpuid)
{
	cr_expect(!valid(PE, 0, OSXSAVE, 0, false), "OSXSAVE without CPUID");
	struct thinvm_sregs_view s = { .cr0 = PE, .cr4 = OSXSAVE };

	cr_expect(thinvm_sregs_valid(&s, THINVM_CR4_BASE_BITS | OSXSAVE, 36),
		  "OSXSAVE allowed by CPUID");
}

Test(sregs_rules, guest_cr4_writes)
{
	const u64 pae = 1 << 5, pge = 1 << 7, la57 = 1 << 12, pcide = 1 << 17;
	const u64 allowed = 0x7ff | pcide;

	cr_expect(thinvm_cr4_write_valid(pae, pae | pge, 0, true, allowed));
	cr_expect(!thinvm_cr4_write_valid(pae, pae | (1 << 18), 0, true, allowed),
		  "OSXSAVE not allowed by CPUID");
	cr_expect(!thinvm_cr4_write_valid(pae, 0, 0, true, allowed),
		  "PAE off in long mode");
	cr_expect(!thinvm_cr4_write_valid(pae, pae | la57, 0, true, allowed | la57),
		  "LA57 toggled in long mode");
	cr_expect(thinvm_cr4_write_valid(0, la57, 0, false, allowed | la57),
		  "LA57 outside long mode");
	cr_expect(!thinvm_cr4_write_valid(pae, pae | pcide, 0x1, true, allowed),
		  "PCIDE with a PCID in CR3");
	cr_expect(!thinvm_cr4_write_valid(0, pcide, 0, false, allowed),
		  "PCIDE outside long mode");
	cr_expect(thinvm_cr4_write_valid(pae, pae | pcide, 0x1000, true, allowed));
	cr_expect(thinvm_cr4_write_flushes(pae, pae | pge));
	cr_expect(!thinvm_cr4_write_flushes(pae, pae | (1 << 9)), "OSFXSR");
}
