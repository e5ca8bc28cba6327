// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO: a guest access to a guest-physical address no memory slot backs (or
 * a write to a read-only slot) becomes KVM_EXIT_MMIO. The faulting
 * instruction is fetched through the guest's page tables and decoded
 * (decode.c: the MOV forms); a write exits with its data and RIP past the
 * instruction, a read is completed into the register at the next KVM_RUN.
 * An instruction the decoder does not know ends the run with
 * KVM_EXIT_INTERNAL_ERROR and its bytes, never a guessed result.
 */
#include <linux/mm.h>
#include <linux/uaccess.h>

#include "decode.h"
#include "guest_walk.h"
#include "thinvm.h"

/* Guest-physical reads for the page walk and the fetch: RAM slots only. */
static int read_gpa(void *ctx, u64 gpa, void *buf, unsigned int size)
{
	struct thinvm_vm *vm = ctx;
	struct thinvm_memslot *slot;
	int r = -EFAULT;

	mutex_lock(&vm->lock);
	slot = thinvm_memslot_find(vm, gpa);
	if (slot && gpa + size <= slot->gpa + slot->size &&
	    !copy_from_user(buf, (void __user *)(slot->hva + gpa - slot->gpa),
			    size))
		r = 0;
	mutex_unlock(&vm->lock);
	return r;
}

/* Up to 15 bytes at linear @rip, page by page; returns how many. */
static unsigned int fetch(struct thinvm_vm *vm, const struct thinvm_paging *p,
			  u64 rip, u8 *bytes)
{
	unsigned int got = 0;

	while (got < THINVM_MAX_INSN_LEN) {
		u64 addr = rip + got, gpa;
		unsigned int n = min_t(u64, THINVM_MAX_INSN_LEN - got,
				       PAGE_SIZE - (addr & ~PAGE_MASK));

		if (thinvm_gva_to_gpa(p, addr, read_gpa, vm, &gpa) ||
		    read_gpa(vm, gpa, bytes + got, n))
			break;
		got += n;
	}
	return got;
}

static void emulation_failure(struct thinvm_vcpu *vcpu, const u8 *bytes,
			      unsigned int n)
{
	struct kvm_run *run = vcpu->run;

	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->emulation_failure.suberror = KVM_INTERNAL_ERROR_EMULATION;
	run->emulation_failure.ndata = 3;	/* flags and the 16 bytes */
	run->emulation_failure.flags =
		KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES;
	run->emulation_failure.insn_size = n;
	memcpy(run->emulation_failure.insn_bytes, bytes, n);
}

static u64 reg_value(struct thinvm_vcpu *vcpu, const struct thinvm_mov *mov)
{
	u64 v = vcpu->regs[mov->reg];

	return mov->high_byte ? v >> 8 : v;
}

int thinvm_mmio_exit(struct thinvm_vcpu *vcpu, u64 gpa)
{
	struct kvm_run *run = vcpu->run;
	struct thinvm_paging paging;
	struct kvm_sregs sregs;
	struct thinvm_mov mov;
	unsigned int mode, n;
	u8 bytes[THINVM_MAX_INSN_LEN];
	u64 rip, value;

	memset(&sregs, 0, sizeof(sregs));
	thinvm_backend->get_sregs(vcpu, &sregs);
	paging = (struct thinvm_paging){
		.cr0 = sregs.cr0, .cr3 = sregs.cr3, .cr4 = sregs.cr4,
		.efer = sregs.efer,
	};
	if ((sregs.efer & EFER_LMA) && sregs.cs.l) {
		mode = 64;
		rip = vcpu->rip;	/* CS's base is 0 in 64-bit code */
	} else {
		mode = sregs.cs.db ? 32 : 16;
		rip = sregs.cs.base + (u32)vcpu->rip;
	}
	n = fetch(vcpu->vm, &paging, rip, bytes);
	if (thinvm_decode_mov(bytes, n, mode, &mov)) {
		emulation_failure(vcpu, bytes, n);
		return 0;
	}
	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = gpa;
	run->mmio.len = mov.size;
	run->mmio.is_write = mov.write;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (mov.write) {
		value = mov.has_imm ? mov.imm : reg_value(vcpu, &mov);
		memcpy(run->mmio.data, &value, mov.size);
		vcpu->rip += mov.len;
	} else {
		vcpu->mmio_in = mov;
		vcpu->mmio_in_pending = true;
	}
	return 0;
}

/* The VMM answered an MMIO read: into the register, RIP past the load. */
void thinvm_mmio_complete(struct thinvm_vcpu *vcpu)
{
	const struct thinvm_mov *mov = &vcpu->mmio_in;
	unsigned long *reg = &vcpu->regs[mov->reg];
	u64 v = 0;

	memcpy(&v, vcpu->run->mmio.data, mov->size);
	if (mov->sign_extend)
		v = mov->size == 1 ? (u64)(s64)(s8)v : (u64)(s64)(s16)v;
	switch (mov->dest_size) {
	case 1:
		if (mov->high_byte)
			*reg = (*reg & ~0xff00ul) | ((v & 0xff) << 8);
		else
			*reg = (*reg & ~0xfful) | (v & 0xff);
		break;
	case 2:
		*reg = (*reg & ~0xfffful) | (v & 0xffff);
		break;
	case 4:
		/* A 32-bit destination zero-extends, as in hardware. */
		*reg = (u32)v;
		break;
	default:
		*reg = v;
	}
	vcpu->rip += mov->len;
	vcpu->mmio_in_pending = false;
}
