// SPDX-License-Identifier: GPL-2.0
#include "memslot_rules.h"

static bool overlaps(const struct thinvm_slot_view *s, u64 gpa, u64 size)
{
	return s->used && gpa < s->gpa + s->size && s->gpa < gpa + size;
}

int thinvm_slot_check(const struct thinvm_slot_view *slots, unsigned int nr,
		      const struct thinvm_slot_request *req)
{
	const u64 mask = THINVM_SLOT_PAGE_SIZE - 1;
	u32 id = req->slot & 0xffff;
	const struct thinvm_slot_view *old;
	int op;

	/* One address space: thinvm has no SMM. */
	if (req->slot >> 16 || id >= nr)
		return -EINVAL;
	if (req->flags & ~THINVM_MEM_READONLY)
		return -EINVAL;
	if (req->size & mask || req->gpa & mask || req->hva & mask)
		return -EINVAL;
	if (req->gpa + req->size < req->gpa ||
	    req->size / THINVM_SLOT_PAGE_SIZE > THINVM_SLOT_MAX_PAGES)
		return -EINVAL;

	old = &slots[id];
	if (!req->size)
		return old->used ? THINVM_SLOT_DELETE : -EINVAL;
	if (!old->used) {
		op = THINVM_SLOT_CREATE;
	} else {
		if (req->hva != old->hva || req->size != old->size ||
		    (req->flags ^ old->flags) & THINVM_MEM_READONLY)
			return -EINVAL;
		if (req->gpa != old->gpa)
			op = THINVM_SLOT_MOVE;
		else if (req->flags != old->flags)
			op = THINVM_SLOT_FLAGS;
		else
			return THINVM_SLOT_NOP;
	}
	for (unsigned int i = 0; i < nr; i++)
		if (i != id && overlaps(&slots[i], req->gpa, req->size))
			return -EEXIST;
	return op;
}
