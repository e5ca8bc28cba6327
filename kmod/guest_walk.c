// SPDX-License-Identifier: GPL-2.0
#include "guest_walk.h"

#define CR0_PG		BIT_ULL(31)
#define CR4_PSE		BIT_ULL(4)
#define CR4_PAE		BIT_ULL(5)
#define CR4_LA57	BIT_ULL(12)
#define EFER_LMA	BIT_ULL(10)
#define PTE_P		BIT_ULL(0)
#define PTE_PS		BIT_ULL(7)
#define ADDR_MASK_64	0x000ffffffffff000ull

static void record(struct thinvm_walk *w, u64 entry_gpa, u64 entry,
		   unsigned int size)
{
	if (w && w->n < THINVM_WALK_MAX) {
		w->entry_gpa[w->n] = entry_gpa;
		w->entry[w->n] = entry;
		w->entry_size = size;
		w->n++;
	}
}

/* 64-bit entries (PAE, 4- and 5-level), from @level down to 1. */
static int walk64(u64 table, int level, u64 gva, thinvm_read_gpa read,
		  void *ctx, u64 *gpa, struct thinvm_walk *w)
{
	for (; level >= 1; level--) {
		unsigned int shift = 12 + 9 * (level - 1);
		u64 pte, pte_gpa = (table & ADDR_MASK_64) + ((gva >> shift) & 511) * 8;
		int r = read(ctx, pte_gpa, &pte, 8);

		if (r)
			return r;
		if (!(pte & PTE_P))
			return -EFAULT;
		record(w, pte_gpa, pte, 8);
		/* A large page at level 2 (2 MiB) or 3 (1 GiB). */
		if (level == 1 || (level <= 3 && (pte & PTE_PS))) {
			u64 page_mask = (1ull << shift) - 1;

			*gpa = (pte & ADDR_MASK_64 & ~page_mask) | (gva & page_mask);
			return 0;
		}
		table = pte;
	}
	return -EFAULT;
}

int thinvm_gva_to_gpa(const struct thinvm_paging *p, u64 gva,
		      thinvm_read_gpa read, void *ctx, u64 *gpa)
{
	return thinvm_guest_walk(p, gva, read, ctx, gpa, NULL);
}

int thinvm_guest_walk(const struct thinvm_paging *p, u64 gva,
		      thinvm_read_gpa read, void *ctx, u64 *gpa,
		      struct thinvm_walk *w)
{
	u64 pde_gpa, pte_gpa;
	u32 pde, pte;
	int r;

	if (w)
		w->n = 0;
	if (!(p->cr0 & CR0_PG)) {
		*gpa = p->efer & EFER_LMA ? gva : (u32)gva;
		return 0;
	}
	if (p->efer & EFER_LMA)
		return walk64(p->cr3, p->cr4 & CR4_LA57 ? 5 : 4, gva, read, ctx,
			      gpa, w);
	gva = (u32)gva;
	if (p->cr4 & CR4_PAE) {
		/* A 4-entry PDPT at CR3[31:5], then 2 levels. */
		u64 pdpte;

		r = read(ctx, (p->cr3 & 0xffffffe0) + (gva >> 30) * 8, &pdpte, 8);
		if (r)
			return r;
		if (!(pdpte & PTE_P))
			return -EFAULT;
		/* PDPTEs have no accessed bit: not recorded. */
		return walk64(pdpte, 2, gva, read, ctx, gpa, w);
	}
	/* 32-bit paging: 4-byte entries, 4 MiB pages with CR4.PSE. */
	pde_gpa = (p->cr3 & 0xfffff000) + (gva >> 22) * 4;
	r = read(ctx, pde_gpa, &pde, 4);
	if (r)
		return r;
	if (!(pde & PTE_P))
		return -EFAULT;
	record(w, pde_gpa, pde, 4);
	if ((p->cr4 & CR4_PSE) && (pde & PTE_PS)) {
		*gpa = (pde & 0xffc00000) | (gva & 0x3fffff);
		return 0;
	}
	pte_gpa = (pde & 0xfffff000) + ((gva >> 12) & 1023) * 4;
	r = read(ctx, pte_gpa, &pte, 4);
	if (r)
		return r;
	if (!(pte & PTE_P))
		return -EFAULT;
	record(w, pte_gpa, pte, 4);
	*gpa = (pte & 0xfffff000) | (gva & 0xfff);
	return 0;
}
