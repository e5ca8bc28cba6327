// SPDX-License-Identifier: GPL-2.0
/*
 * Port I/O exits (KVM_EXIT_IO). The data travels in page 1 of the vCPU
 * mapping, as on KVM. A read completes into RAX at the next KVM_RUN.
 *
 * String I/O (INS/OUTS, with or without REP) moves as many elements per
 * exit as lie in one page of guest memory and fit the data page; the VMM
 * sees io.count of them. OUTS reads them from the guest before the exit,
 * INS writes them after, at the next KVM_RUN. RSI/RDI and RCX advance as
 * the CPU would advance them; the instruction is done (RIP moves on) when
 * RCX reaches zero, else it runs again and exits for the next batch.
 * Segment limits and page protections are not checked, and the guest
 * memory must be RAM: an access elsewhere ends the run with
 * KVM_EXIT_INTERNAL_ERROR and the instruction's bytes.
 */
#include <linux/mm.h>

#include "thinvm.h"

static void exit_io(struct thinvm_vcpu *vcpu, const struct thinvm_io *io,
		    u32 count)
{
	struct kvm_run *run = vcpu->run;

	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = io->in ? KVM_EXIT_IO_IN : KVM_EXIT_IO_OUT;
	run->io.size = io->size;
	run->io.port = io->port;
	run->io.count = count;
	run->io.data_offset = THINVM_PIO_PAGE * PAGE_SIZE;
}

static u64 addr_mask(unsigned int addr_size)
{
	return addr_size == 8 ? ~0ull : (1ull << (addr_size * 8)) - 1;
}

/* A register used as an address or count, written at @addr_size. */
static void write_addr_reg(unsigned long *reg, u64 val, unsigned int addr_size)
{
	if (addr_size == 2)
		*reg = (*reg & ~0xfffful) | (val & 0xffff);
	else if (addr_size == 4)
		*reg = (u32)val;
	else
		*reg = val;
}

static u64 segment_base(const struct thinvm_guest_view *v, int seg)
{
	/* In 64-bit mode only FS and GS have a base. */
	if (v->mode == 64 && seg != THINVM_SEG_FS && seg != THINVM_SEG_GS)
		return 0;
	/* Anything else (-1: the instruction named none) is DS. */
	return v->seg_base[(unsigned int)seg < THINVM_SEG_COUNT ? seg : THINVM_SEG_DS];
}

/* Reverse the order of @n elements of @size bytes (DF=1 moves downwards). */
static void reverse_elements(u8 *data, u32 n, unsigned int size)
{
	u32 i, j;
	u8 t;

	for (i = 0; i < n / 2; i++)
		for (j = 0; j < size; j++) {
			t = data[i * size + j];
			data[i * size + j] = data[(n - 1 - i) * size + j];
			data[(n - 1 - i) * size + j] = t;
		}
}

/*
 * How many elements, starting at offset @off (linear @la), stay within
 * one page and within the offset's range before it wraps.
 */
static u32 batch_size(u64 la, u64 off, u64 count, const struct thinvm_io *io,
		      bool down)
{
	u64 in_page, in_range, n;
	u64 page_off = la & ~PAGE_MASK;

	if (down) {
		in_page = page_off + io->size <= PAGE_SIZE ?
			  page_off / io->size + 1 : 1;
		in_range = off / io->size + 1;
	} else {
		in_page = (PAGE_SIZE - page_off) / io->size;
		in_range = (addr_mask(io->addr_size) - off) / io->size + 1;
	}
	n = min3(count, in_page, in_range);
	n = min_t(u64, n, PAGE_SIZE / io->size);
	return n ? n : 1;	/* one element that straddles two pages */
}

static int string_io(struct thinvm_vcpu *vcpu, const struct thinvm_io *io)
{
	unsigned long *regs = vcpu->regs;
	unsigned int addr_reg = io->in ? THINVM_RDI : THINVM_RSI;
	bool down = vcpu->rflags & X86_EFLAGS_DF;
	struct thinvm_io what = *io;
	struct thinvm_guest_view view;
	struct thinvm_string_io decoded;
	struct thinvm_insn insn;
	u64 mask, count, off, la, start;
	u32 n;

	thinvm_guest_view(vcpu, &view);
	/* What the CPU did not say (QEMU gives no address size) is decoded. */
	if (!io->seg_known || !io->addr_size) {
		thinvm_fetch_insn(vcpu, &view, &insn);
		if (thinvm_decode_string_io(insn.bytes, insn.n, view.mode,
					    &decoded))
			goto fail;
		what.seg = decoded.seg;
		what.addr_size = decoded.addr_size;
	}
	io = &what;
	mask = addr_mask(io->addr_size);
	count = io->rep ? regs[THINVM_RCX] & mask : 1;
	if (!count) {
		vcpu->rip = io->next_rip;
		return 1;
	}
	/* INS writes to ES, whatever the prefixes say. */
	off = regs[addr_reg] & mask;
	la = segment_base(&view, io->in ? THINVM_SEG_ES : io->seg) + off;
	if (view.mode != 64)
		la = (u32)la;
	n = batch_size(la, off, count, io, down);
	start = down ? la - (u64)(n - 1) * io->size : la;

	if (io->in) {
		vcpu->pio_in = (typeof(vcpu->pio_in)){
			.pending = true, .size = io->size, .string = true,
			.count = n, .la = start, .down = down,
		};
	} else {
		if (thinvm_linear_access(vcpu, &view, start, vcpu->pio_data,
					 n * io->size, false))
			goto fetch_and_fail;
		if (down)
			reverse_elements(vcpu->pio_data, n, io->size);
	}
	off = down ? off - (u64)n * io->size : off + (u64)n * io->size;
	write_addr_reg(&regs[addr_reg], off, io->addr_size);
	if (io->rep)
		write_addr_reg(&regs[THINVM_RCX], count - n, io->addr_size);
	if (count == n)
		vcpu->rip = io->next_rip;
	exit_io(vcpu, io, n);
	return 0;

fetch_and_fail:
	thinvm_fetch_insn(vcpu, &view, &insn);
fail:
	thinvm_emulation_failure(vcpu, &insn);
	return 0;
}

int thinvm_pio_exit(struct thinvm_vcpu *vcpu, const struct thinvm_io *io)
{
	if (io->string)
		return string_io(vcpu, io);
	vcpu->rip = io->next_rip;
	if (io->in)
		vcpu->pio_in = (typeof(vcpu->pio_in)){
			.pending = true, .size = io->size, .count = 1,
		};
	else
		memcpy(vcpu->pio_data, &vcpu->regs[THINVM_RAX], io->size);
	exit_io(vcpu, io, 1);
	return 0;
}

/*
 * The data of a port read, which userspace wrote, goes into RAX, or for INS
 * into guest memory: 0, or -EFAULT when that memory is no longer RAM.
 */
int thinvm_pio_complete(struct thinvm_vcpu *vcpu)
{
	unsigned long *rax = &vcpu->regs[THINVM_RAX];
	struct thinvm_guest_view view;
	u32 data = 0;

	vcpu->pio_in.pending = false;
	if (vcpu->pio_in.string) {
		if (vcpu->pio_in.down)
			reverse_elements(vcpu->pio_data, vcpu->pio_in.count,
					 vcpu->pio_in.size);
		thinvm_guest_view(vcpu, &view);
		return thinvm_linear_access(vcpu, &view, vcpu->pio_in.la,
					    vcpu->pio_data,
					    vcpu->pio_in.count * vcpu->pio_in.size,
					    true);
	}
	memcpy(&data, vcpu->pio_data, vcpu->pio_in.size);
	switch (vcpu->pio_in.size) {
	case 1:
		*rax = (*rax & ~0xffUL) | data;
		break;
	case 2:
		*rax = (*rax & ~0xffffUL) | data;
		break;
	default:
		/* A 32-bit destination zero-extends, as in hardware. */
		*rax = data;
	}
	return 0;
}
