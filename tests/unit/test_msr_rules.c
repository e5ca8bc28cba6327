// SPDX-License-Identifier: GPL-2.0
/* MSR value checks (kmod/msr_rules.c), as KVM makes them. */
#include <criterion/criterion.h>

#include "msr_rules.h"

static const struct thinvm_msr_env no_cpuid = {
	.maxphyaddr = 36, .virt_addr_bits = 48,
};

Test(msr_rules, pat_bytes_must_be_memory_types)
{
	cr_expect(thinvm_pat_valid(0x0007040600070406ull), "reset value");
	cr_expect(thinvm_pat_valid(0x0505050505050505ull), "all WP");
	cr_expect(!thinvm_pat_valid(0x0007040600070402ull), "type 2");
	cr_expect(!thinvm_pat_valid(0x0007040600070403ull), "type 3");
	cr_expect(!thinvm_pat_valid(0x0807040600070406ull), "type 8");
}

Test(msr_rules, canonical_addresses)
{
	cr_expect(thinvm_is_canonical(0x00007fffffffffffull, 48));
	cr_expect(thinvm_is_canonical(0xffff800000000000ull, 48));
	cr_expect(!thinvm_is_canonical(0x0000800000000000ull, 48));
	cr_expect(thinvm_is_canonical(0x0000800000000000ull, 57));
	cr_expect_eq(thinvm_canonicalize(0x0000800000000000ull, 48),
		     0xffff800000000000ull);
}

Test(msr_rules, efer_reserved_bits_and_cpuid)
{
	u64 out;

	cr_expect(!thinvm_efer_write(&no_cpuid, 0, 1ull << 20, true, &out), "reserved");
	cr_expect(!thinvm_efer_write(&no_cpuid, 0, THINVM_EFER_LME, false, &out),
		  "guest LME without CPUID LM");
	cr_expect(thinvm_efer_write(&no_cpuid, 0, THINVM_EFER_LME, true, &out) &&
		  out == THINVM_EFER_LME, "the VMM may set LME");
	cr_expect(!thinvm_efer_write(&no_cpuid, 0, THINVM_EFER_NX, false, &out),
		  "guest NX without CPUID NX");
	cr_expect(thinvm_efer_write(&no_cpuid, 0, THINVM_EFER_SCE, false, &out) &&
		  out == THINVM_EFER_SCE, "SCE needs nothing");
}

Test(msr_rules, efer_lma_is_the_cpus)
{
	struct thinvm_msr_env lm = no_cpuid;
	u64 out;

	lm.guest_lm = true;
	cr_assert(thinvm_efer_write(&lm, THINVM_EFER_LME | THINVM_EFER_LMA,
				    THINVM_EFER_LME, true, &out));
	cr_expect_eq(out, THINVM_EFER_LME | THINVM_EFER_LMA, "LMA kept");
	lm.paging = true;
	cr_expect(!thinvm_efer_write(&lm, THINVM_EFER_LME | THINVM_EFER_LMA, 0,
				     false, &out), "guest clears LME with paging on");
}

Test(msr_rules, apic_base_modes)
{
	const u64 base = 0xfee00000ull, en = 1ull << 11, x2 = 1ull << 10;
	struct thinvm_msr_env x2apic = no_cpuid;

	x2apic.guest_x2apic = true;
	cr_expect(thinvm_apic_base_valid(&no_cpuid, base | en, base, false), "disable");
	cr_expect(!thinvm_apic_base_valid(&no_cpuid, base | en, base | 1, true), "low bits");
	cr_expect(!thinvm_apic_base_valid(&no_cpuid, base | en, 1ull << 40, true),
		  "above MAXPHYADDR");
	cr_expect(!thinvm_apic_base_valid(&no_cpuid, base | en, base | en | x2, true),
		  "x2APIC without CPUID");
	cr_expect(!thinvm_apic_base_valid(&x2apic, base | en, base | x2, true),
		  "x2APIC bit without enable is invalid");
	cr_expect(!thinvm_apic_base_valid(&x2apic, base | en | x2, base | en, false),
		  "guest x2APIC -> xAPIC");
	cr_expect(thinvm_apic_base_valid(&x2apic, base | en | x2, base | en, true),
		  "the VMM may");
	cr_expect(!thinvm_apic_base_valid(&x2apic, base, base | en | x2, false),
		  "guest disabled -> x2APIC");
}
