// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's memory as emulation sees it: guest-physical reads and writes
 * of RAM slots (through the VMM's mapping), guest-linear accesses through
 * the guest's page tables (guest_walk.c), and the instruction at RIP.
 * Used where the CPU did not hand thinvm what it needs (MMIO, string I/O,
 * MOV CR/DR and VMCALL without decode assists).
 */
#include <linux/mm.h>
#include <linux/uaccess.h>

#include "guest_walk.h"
#include "thinvm.h"

/*
 * The VMM's address of [@gpa, @gpa + @len) when one RAM slot holds it all
 * (and, for a write, the slot is writable), else NULL. Under the VM's lock,
 * which every access below holds across its copy: slots cannot move
 * meanwhile.
 */
static void __user *slot_hva(struct thinvm_vm *vm, u64 gpa, unsigned int len,
			     bool write)
{
	struct thinvm_memslot *slot = thinvm_memslot_find(vm, gpa);

	if (!slot || gpa + len > slot->gpa + slot->size ||
	    (write && (slot->flags & KVM_MEM_READONLY)))
		return NULL;
	return (void __user *)(slot->hva + gpa - slot->gpa);
}

/* Guest-physical access to one RAM slot; -EFAULT if none holds it all. */
static int access_gpa(struct thinvm_vm *vm, u64 gpa, void *buf,
		      unsigned int len, bool write)
{
	void __user *hva = slot_hva(vm, gpa, len, write);

	if (!hva)
		return -EFAULT;
	if (write ? copy_to_user(hva, buf, len) : copy_from_user(buf, hva, len))
		return -EFAULT;
	return 0;
}

int thinvm_gpa_read(struct thinvm_vm *vm, u64 gpa, void *buf, unsigned int len)
{
	int r;

	mutex_lock(&vm->lock);
	r = access_gpa(vm, gpa, buf, len, false);
	mutex_unlock(&vm->lock);
	return r;
}

/*
 * A paging entry for the guest walk, 4 or 8 bytes, under the VM's lock:
 * get_user, whose fixed sizes skip the object checks copy_from_user makes
 * of a variable length (a walk reads up to five entries per access).
 */
static int read_entry(void *ctx, u64 gpa, void *buf, unsigned int size)
{
	void __user *hva = slot_hva(ctx, gpa, size, false);

	if (!hva)
		return -EFAULT;
	if (size == 8)
		return get_user(*(u64 *)buf, (u64 __user *)hva) ? -EFAULT : 0;
	if (size == 4)
		return get_user(*(u32 *)buf, (u32 __user *)hva) ? -EFAULT : 0;
	return copy_from_user(buf, hva, size) ? -EFAULT : 0;
}

/* Set @bits in the paging entry at @gpa if it still holds @old: 0, 1 if
 * it changed meanwhile (another vCPU), or -EFAULT. Under the VM's lock. */
static int set_entry_bits(struct thinvm_vm *vm, u64 gpa, u64 old, u64 bits,
			  unsigned int size)
{
	struct thinvm_memslot *slot = thinvm_memslot_find(vm, gpa);
	void __user *hva;

	if (!slot || gpa + size > slot->gpa + slot->size)
		return -EFAULT;
	/* A CPU cannot write there either: leave the bits. */
	if (slot->flags & KVM_MEM_READONLY)
		return 0;
	hva = (void __user *)(slot->hva + gpa - slot->gpa);
	if (!access_ok(hva, size))
		return -EFAULT;
	if (size == 8) {
		u64 o = old;

		return __try_cmpxchg_user((u64 __user *)hva, &o, old | bits, fault64);
	} else {
		u32 o = old;

		return __try_cmpxchg_user((u32 __user *)hva, &o, (u32)(old | bits),
					  fault32);
	}
}

/*
 * Translate @la as the CPU would for an access: the entries used get their
 * accessed bit, the leaf its dirty bit on a write. Entries that change
 * under the walk (another vCPU) mean walking again. Under the VM's lock.
 */
static int translate(struct thinvm_vcpu *vcpu, const struct thinvm_guest_view *v,
		     u64 la, bool write, u64 *gpa)
{
	struct thinvm_walk w;
	unsigned int i, tries;
	int r;

	for (tries = 0; tries < 8; tries++) {
		r = thinvm_guest_walk(&v->paging, la, read_entry, vcpu->vm, gpa, &w);
		for (i = 0; !r && i < w.n; i++) {
			u64 bits = THINVM_PTE_ACCESSED;

			if (write && i == w.n - 1)
				bits |= THINVM_PTE_DIRTY;
			if ((w.entry[i] & bits) != bits)
				r = set_entry_bits(vcpu->vm, w.entry_gpa[i],
						   w.entry[i], bits,
						   w.entry_size);
		}
		if (r <= 0)
			return r;
	}
	return -EFAULT;
}

void thinvm_guest_view(struct thinvm_vcpu *vcpu, struct thinvm_guest_view *v)
{
	thinvm_backend->get_view(vcpu, v);
}

int thinvm_linear_access(struct thinvm_vcpu *vcpu,
			 const struct thinvm_guest_view *v, u64 la, void *buf,
			 unsigned int len, bool write)
{
	unsigned int done = 0;
	int r = 0;

	/* One lock for the walks and the copies: the slots stay as they are. */
	mutex_lock(&vcpu->vm->lock);
	while (!r && done < len) {
		u64 addr = la + done, gpa;
		unsigned int n = min_t(u64, len - done,
				       PAGE_SIZE - (addr & ~PAGE_MASK));

		r = translate(vcpu, v, addr, write, &gpa);
		if (!r)
			r = access_gpa(vcpu->vm, gpa, buf + done, n, write);
		done += n;
	}
	mutex_unlock(&vcpu->vm->lock);
	return r;
}

void thinvm_fetch_insn(struct thinvm_vcpu *vcpu,
		       const struct thinvm_guest_view *v,
		       struct thinvm_insn *insn)
{
	/* CS's base is 0 in 64-bit code; elsewhere EIP is 32 bits at most. */
	u64 rip = v->mode == 64 ? vcpu->rip :
		  v->seg_base[THINVM_SEG_CS] + (u32)vcpu->rip;
	unsigned int n;

	insn->n = 0;
	/* Byte runs up to each page end, so a fetch that ends early still
	 * gives what it got. */
	while (insn->n < THINVM_MAX_INSN_LEN) {
		n = min_t(u64, THINVM_MAX_INSN_LEN - insn->n,
			  PAGE_SIZE - ((rip + insn->n) & ~PAGE_MASK));
		if (thinvm_linear_access(vcpu, v, rip + insn->n,
					 insn->bytes + insn->n, n, false))
			break;
		insn->n += n;
	}
}

void thinvm_emulation_failure(struct thinvm_vcpu *vcpu,
			      const struct thinvm_insn *insn)
{
	struct kvm_run *run = vcpu->run;

	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->emulation_failure.suberror = KVM_INTERNAL_ERROR_EMULATION;
	run->emulation_failure.ndata = 3;	/* flags and the 16 bytes */
	run->emulation_failure.flags =
		KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES;
	run->emulation_failure.insn_size = insn->n;
	memcpy(run->emulation_failure.insn_bytes, insn->bytes, insn->n);
}
