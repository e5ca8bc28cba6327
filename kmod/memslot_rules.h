/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What KVM_SET_USER_MEMORY_REGION may do, decided as KVM decides it
 * (virt/kvm/kvm_main.c, __kvm_set_memory_region), in plain C for the unit
 * tests.
 */
#ifndef THINVM_MEMSLOT_RULES_H
#define THINVM_MEMSLOT_RULES_H

#include "portable.h"

#define THINVM_MEM_READONLY	(1u << 1)	/* KVM_MEM_READONLY */
#define THINVM_SLOT_PAGE_SIZE	4096ull
/* As KVM: a slot's page count must fit in 31 bits. */
#define THINVM_SLOT_MAX_PAGES	((1ull << 31) - 1)

enum thinvm_slot_op {
	THINVM_SLOT_NOP,	/* identical to what exists */
	THINVM_SLOT_CREATE,
	THINVM_SLOT_DELETE,
	THINVM_SLOT_MOVE,	/* same memory, new guest address */
	THINVM_SLOT_FLAGS,	/* only flags that may change did */
};

struct thinvm_slot_view {
	bool used;
	u32 flags;
	u64 gpa, size, hva;
};

struct thinvm_slot_request {
	u32 slot;		/* address space in the high 16 bits */
	u32 flags;
	u64 gpa, size, hva;
};

/*
 * Check @req against the @nr slots in @slots: returns the operation, or
 * -EINVAL (bad slot, flags, alignment, overflow, or a change KVM forbids:
 * resizing, new memory, flipping read-only, deleting what is not there) or
 * -EEXIST (overlap with another slot).
 */
int thinvm_slot_check(const struct thinvm_slot_view *slots, unsigned int nr,
		      const struct thinvm_slot_request *req);

#endif
