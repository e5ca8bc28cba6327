// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory: KVM_SET_USER_MEMORY_REGION. A slot maps guest-physical
 * pages to the VMM's memory. Pages are pinned when the guest first touches
 * them (a nested page fault) and stay pinned until the slot or the VM goes:
 * guest memory is not swappable while mapped (thinvm(4) says so).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "memslot_rules.h"
#include "thinvm.h"

static_assert(THINVM_MAX_MEMSLOTS <= BITS_PER_TYPE(u32));

static void slot_unpin(struct thinvm_memslot *slot)
{
	u64 i, npages = slot->size >> PAGE_SHIFT;

	if (!slot->pages)
		return;
	for (i = 0; i < npages; i++)
		if (slot->pages[i])
			unpin_user_page(slot->pages[i]);
	kvfree(slot->pages);
	slot->pages = NULL;
}

/* Take @slot's pages out of the nested page tables and unpin them. */
static void slot_unmap(struct thinvm_vm *vm, struct thinvm_memslot *slot)
{
	thinvm_mmu_unmap(&vm->mmu, slot->gpa, slot->size);
	/* No vCPU may use a translation to a page about to be unpinned. */
	thinvm_vm_flush_tlbs(vm);
	slot_unpin(slot);
}

int thinvm_memslot_set(struct thinvm_vm *vm,
		       const struct kvm_userspace_memory_region *mem)
{
	struct thinvm_slot_view views[THINVM_MAX_MEMSLOTS];
	struct thinvm_slot_request req = {
		.slot = mem->slot,
		.flags = mem->flags,
		.gpa = mem->guest_phys_addr,
		.size = mem->memory_size,
		.hva = mem->userspace_addr,
	};
	struct thinvm_memslot *slot;
	struct page **pages = NULL;
	int op, i;

	/* As KVM: the whole range must be user memory (not necessarily mapped). */
	if (mem->memory_size &&
	    !access_ok((void __user *)(unsigned long)mem->userspace_addr,
		       mem->memory_size))
		return -EINVAL;

	mutex_lock(&vm->lock);
	for (i = 0; i < THINVM_MAX_MEMSLOTS; i++)
		views[i] = (struct thinvm_slot_view){
			.used = vm->slots_used & BIT(i),
			.flags = vm->slots[i].flags,
			.gpa = vm->slots[i].gpa,
			.size = vm->slots[i].size,
			.hva = vm->slots[i].hva,
		};
	op = thinvm_slot_check(views, THINVM_MAX_MEMSLOTS, &req);
	if (op < 0)
		goto out;
	slot = &vm->slots[mem->slot];
	if (op == THINVM_SLOT_CREATE || op == THINVM_SLOT_MOVE) {
		pages = kvcalloc(mem->memory_size >> PAGE_SHIFT, sizeof(*pages),
				 GFP_KERNEL_ACCOUNT);
		if (!pages) {
			op = -ENOMEM;
			goto out;
		}
	}
	switch (op) {
	case THINVM_SLOT_DELETE:
		slot_unmap(vm, slot);
		memset(slot, 0, sizeof(*slot));
		vm->slots_used &= ~BIT(mem->slot);
		break;
	case THINVM_SLOT_MOVE:
		slot_unmap(vm, slot);
		fallthrough;
	case THINVM_SLOT_CREATE:
		*slot = (struct thinvm_memslot){
			.flags = mem->flags,
			.gpa = mem->guest_phys_addr,
			.size = mem->memory_size,
			.hva = mem->userspace_addr,
			.pages = pages,
		};
		vm->slots_used |= BIT(mem->slot);
		break;
	case THINVM_SLOT_FLAGS:
		slot->flags = mem->flags;
		break;
	}
	op = 0;
out:
	mutex_unlock(&vm->lock);
	return op;
}

struct thinvm_memslot *thinvm_memslot_find(struct thinvm_vm *vm, u64 gpa)
{
	unsigned long used;
	unsigned int i;

	lockdep_assert_held(&vm->lock);
	used = vm->slots_used;
	for_each_set_bit(i, &used, THINVM_MAX_MEMSLOTS) {
		struct thinvm_memslot *slot = &vm->slots[i];

		if (gpa >= slot->gpa && gpa - slot->gpa < slot->size)
			return slot;
	}
	return NULL;
}

/* The VM is going: nothing runs any more. */
void thinvm_memslots_free(struct thinvm_vm *vm)
{
	int i;

	for (i = 0; i < THINVM_MAX_MEMSLOTS; i++)
		slot_unpin(&vm->slots[i]);
}
