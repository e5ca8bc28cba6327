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
#include "decode.h"
#include "thinvm.h"

static u64 reg_value(struct thinvm_vcpu *vcpu, const struct thinvm_mov *mov)
{
	u64 v = vcpu->regs[mov->reg];

	return mov->high_byte ? v >> 8 : v;
}

int thinvm_mmio_exit(struct thinvm_vcpu *vcpu, u64 gpa)
{
	struct kvm_run *run = vcpu->run;
	struct thinvm_guest_view view;
	struct thinvm_insn insn;
	struct thinvm_mov mov;
	u64 value;

	thinvm_guest_view(vcpu, &view);
	thinvm_fetch_insn(vcpu, &view, &insn);
	if (thinvm_decode_mov(insn.bytes, insn.n, view.mode, &mov)) {
		thinvm_emulation_failure(vcpu, &insn);
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

/*
 * A nested page fault (NPT or EPT) at @gpa: the page mapped from its memory
 * slot, or, with no RAM there or a write to a read-only slot, MMIO.
 */
int thinvm_nested_fault(struct thinvm_vcpu *vcpu, u64 gpa, bool write)
{
	int r = thinvm_vm_fault(vcpu->vm, gpa, write);

	switch (r) {
	case 0:
		return 1;
	case -ENOENT:
	case -EPERM:
		return thinvm_mmio_exit(vcpu, gpa);
	default:
		return r;
	}
}
