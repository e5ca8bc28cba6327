/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Translating a guest-virtual address through the guest's own page tables,
 * to fetch the instruction behind an exit when the CPU did not save its
 * bytes (no decode assists). Real mode, protected mode without paging,
 * 32-bit, PAE, 4- and 5-level paging. Only presence is checked: the guest
 * has just executed from there, or its instruction names that memory.
 * The walk lists the entries it used, so that an emulated access can set
 * their accessed and dirty bits as the CPU would. Plain C, for the unit
 * tests.
 */
#ifndef THINVM_GUEST_WALK_H
#define THINVM_GUEST_WALK_H

#include "portable.h"

struct thinvm_paging {
	u64 cr0, cr3, cr4, efer;
};

/* Read @size (4 or 8) bytes of guest-physical memory: 0 or -errno. */
typedef int (*thinvm_read_gpa)(void *ctx, u64 gpa, void *buf, unsigned int size);

int thinvm_gva_to_gpa(const struct thinvm_paging *p, u64 gva,
		      thinvm_read_gpa read, void *ctx, u64 *gpa);

/* The paging-structure entries a walk went through, the leaf last. */
#define THINVM_WALK_MAX 5
#define THINVM_PTE_ACCESSED	BIT_ULL(5)
#define THINVM_PTE_DIRTY	BIT_ULL(6)

struct thinvm_walk {
	unsigned int n;
	unsigned int entry_size;	/* 4 (32-bit paging) or 8 */
	u64 entry_gpa[THINVM_WALK_MAX];
	u64 entry[THINVM_WALK_MAX];
};

/* As thinvm_gva_to_gpa(), and fills @w so that A/D bits can be set. */
int thinvm_guest_walk(const struct thinvm_paging *p, u64 gva,
		      thinvm_read_gpa read, void *ctx, u64 *gpa,
		      struct thinvm_walk *w);

#endif
