// SPDX-License-Identifier: GPL-2.0
/*
 * Nested page tables (AMD NPT or Intel EPT), built on demand: a guest page is
 * mapped when the guest first touches it and the hardware reports a nested
 * page fault. Both formats are 512-entry radix tables with the address in
 * bits 51:12; only the permission bits differ, and the backend supplies them.
 * All 4 KiB pages for now. Callers hold the VM's lock.
 */
#include <linux/gfp.h>
#include <linux/mm.h>

#include "thinvm.h"

#define PTE_ADDR_MASK	GENMASK_ULL(51, 12)
/* Present in either format: NPT's P bit, or any of EPT's R/W/X. */
#define PTE_PRESENT	0x7ull

static unsigned int index_at(u64 gpa, int level)
{
	return (gpa >> (12 + 9 * (level - 1))) & 511;
}

static u64 *table_alloc(void)
{
	return (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
}

int thinvm_mmu_init(struct thinvm_mmu *mmu, int levels)
{
	mmu->levels = levels;
	mmu->root = table_alloc();
	atomic64_set(&mmu->tlb_gen, 0);
	return mmu->root ? 0 : -ENOMEM;
}

static void table_free(u64 *table, int level)
{
	int i;

	if (level > 1)
		for (i = 0; i < 512; i++)
			if (table[i] & PTE_PRESENT)
				table_free(__va(table[i] & PTE_ADDR_MASK), level - 1);
	free_page((unsigned long)table);
}

void thinvm_mmu_destroy(struct thinvm_mmu *mmu)
{
	if (mmu->root)
		table_free(mmu->root, mmu->levels);
	mmu->root = NULL;
}

int thinvm_mmu_map(struct thinvm_mmu *mmu, u64 gpa, phys_addr_t hpa,
		   bool writable)
{
	const struct thinvm_pte_format *fmt = thinvm_backend->pte;
	u64 *table = mmu->root;
	int level;

	for (level = mmu->levels; level > 1; level--) {
		u64 *pte = &table[index_at(gpa, level)];

		if (!(*pte & PTE_PRESENT)) {
			u64 *next = table_alloc();

			if (!next)
				return -ENOMEM;
			*pte = __pa(next) | fmt->table;
		}
		table = __va(*pte & PTE_ADDR_MASK);
	}
	table[index_at(gpa, 1)] = (hpa & PTE_ADDR_MASK) |
				  (writable ? fmt->leaf_rw : fmt->leaf_ro);
	return 0;
}

/* Clear the leaves of [gpa, gpa + size); tables stay until the VM goes. */
void thinvm_mmu_unmap(struct thinvm_mmu *mmu, u64 gpa, u64 size)
{
	u64 end = gpa + size;

	while (gpa < end) {
		u64 *table = mmu->root;
		int level;

		for (level = mmu->levels; level > 1; level--) {
			u64 pte = table[index_at(gpa, level)];

			if (!(pte & PTE_PRESENT))
				break;
			table = __va(pte & PTE_ADDR_MASK);
		}
		if (level == 1) {
			table[index_at(gpa, 1)] = 0;
			gpa += PAGE_SIZE;
		} else {
			/* Nothing mapped under this entry: skip all of it. */
			u64 span = 1ull << (12 + 9 * (level - 1));

			gpa = (gpa & ~(span - 1)) + span;
		}
	}
	atomic64_inc(&mmu->tlb_gen);
}
