// SPDX-License-Identifier: GPL-2.0
/* See decode.h. Encodings: Intel SDM vol. 2, chapter 2 and "MOV". */
#include "decode.h"

struct cursor {
	const u8 *bytes;
	unsigned int avail, pos;
};

static int next(struct cursor *c, u8 *byte)
{
	if (c->pos >= c->avail || c->pos >= THINVM_MAX_INSN_LEN)
		return -EINVAL;
	*byte = c->bytes[c->pos++];
	return 0;
}

static int skip(struct cursor *c, unsigned int n)
{
	if (c->pos + n > c->avail || c->pos + n > THINVM_MAX_INSN_LEN)
		return -EINVAL;
	c->pos += n;
	return 0;
}

static int read_imm(struct cursor *c, unsigned int n, u64 *imm)
{
	unsigned int i;

	if (c->pos + n > c->avail || c->pos + n > THINVM_MAX_INSN_LEN)
		return -EINVAL;
	*imm = 0;
	for (i = 0; i < n; i++)
		*imm |= (u64)c->bytes[c->pos + i] << (8 * i);
	c->pos += n;
	return 0;
}

/*
 * Skip the ModRM addressing bytes (SIB, displacement) of a memory operand;
 * a register operand (mod 3) cannot be an MMIO access.
 */
static int skip_modrm(struct cursor *c, u8 modrm, unsigned int addr_size)
{
	unsigned int mod = modrm >> 6, rm = modrm & 7;
	u8 sib;

	if (mod == 3)
		return -EINVAL;
	if (addr_size == 16) {
		if (mod == 0 && rm == 6)
			return skip(c, 2);
		return skip(c, mod == 1 ? 1 : mod == 2 ? 2 : 0);
	}
	if (rm == 4) {
		if (next(c, &sib))
			return -EINVAL;
		if (mod == 0 && (sib & 7) == 5)
			return skip(c, 4);
	} else if (mod == 0 && rm == 5) {
		return skip(c, 4);	/* disp32, or RIP-relative */
	}
	return skip(c, mod == 1 ? 1 : mod == 2 ? 4 : 0);
}

/* Legacy prefixes, then REX (64-bit mode only, right before the opcode). */
struct prefixes {
	bool opsize, addrsize, lock, rep;
	int seg;		/* THINVM_SEG_*, or -1 */
	u8 rex;
};

static int prefixes(struct cursor *c, unsigned int mode, struct prefixes *p,
		    u8 *op)
{
	*p = (struct prefixes){ .seg = -1 };
	for (;;) {
		if (next(c, op))
			return -EINVAL;
		switch (*op) {
		case 0x66: p->opsize = true; continue;
		case 0x67: p->addrsize = true; continue;
		case 0xf0: p->lock = true; continue;
		case 0xf2: case 0xf3: p->rep = true; continue;
		case 0x26: p->seg = THINVM_SEG_ES; continue;
		case 0x2e: p->seg = THINVM_SEG_CS; continue;
		case 0x36: p->seg = THINVM_SEG_SS; continue;
		case 0x3e: p->seg = THINVM_SEG_DS; continue;
		case 0x64: p->seg = THINVM_SEG_FS; continue;
		case 0x65: p->seg = THINVM_SEG_GS; continue;
		}
		break;
	}
	if (mode == 64 && (*op & 0xf0) == 0x40) {
		p->rex = *op;
		if (next(c, op))
			return -EINVAL;
	}
	return 0;
}

/* Bytes of an address in code of size @mode, with or without 0x67. */
static unsigned int address_size(unsigned int mode, bool addrsize_prefix)
{
	if (mode == 64)
		return addrsize_prefix ? 4 : 8;
	return (mode == 32) != addrsize_prefix ? 4 : 2;
}

int thinvm_decode_mov(const u8 *bytes, unsigned int avail, unsigned int mode,
		      struct thinvm_mov *mov)
{
	struct cursor c = { .bytes = bytes, .avail = avail };
	struct prefixes p;
	bool opsize, addrsize;
	unsigned int op_size, addr_size;
	u8 rex = 0, op, modrm = 0;
	bool has_modrm;

	*mov = (struct thinvm_mov){ 0 };
	if (prefixes(&c, mode, &p, &op))
		return -EINVAL;
	opsize = p.opsize;
	addrsize = p.addrsize;
	rex = p.rex;
	if (mode == 64)
		op_size = rex & 8 ? 8 : opsize ? 2 : 4;
	else
		op_size = (mode == 32) != opsize ? 4 : 2;
	addr_size = address_size(mode, addrsize);

	has_modrm = true;
	switch (op) {
	case 0x88: case 0x89: case 0x8a: case 0x8b:
		mov->write = !(op & 2);
		mov->size = op & 1 ? op_size : 1;
		break;
	case 0xc6: case 0xc7:
		mov->write = true;
		mov->size = op & 1 ? op_size : 1;
		break;
	case 0xa0: case 0xa1: case 0xa2: case 0xa3:
		/* AL/eAX and an absolute address of the address size. */
		has_modrm = false;
		mov->write = op & 2;
		mov->size = op & 1 ? op_size : 1;
		mov->reg = 0;
		if (skip(&c, addr_size))
			return -EINVAL;
		break;
	case 0x0f:
		if (next(&c, &op))
			return -EINVAL;
		if (op != 0xb6 && op != 0xb7 && op != 0xbe && op != 0xbf)
			return -EINVAL;
		mov->size = op & 1 ? 2 : 1;
		mov->sign_extend = op & 8;
		mov->dest_size = op_size;
		break;
	default:
		return -EINVAL;
	}

	if (has_modrm) {
		if (next(&c, &modrm))
			return -EINVAL;
		mov->reg = ((modrm >> 3) & 7) | (rex & 4 ? 8 : 0);
		/* C6/C7 need /0: other /r values are not MOV. */
		if ((op == 0xc6 || op == 0xc7) && (modrm >> 3) & 7)
			return -EINVAL;
		if (skip_modrm(&c, modrm, addr_size * 8 == 16 ? 16 : 32))
			return -EINVAL;
	}
	if (op == 0xc6 || op == 0xc7) {
		unsigned int n = mov->size == 8 ? 4 : mov->size;

		if (read_imm(&c, n, &mov->imm))
			return -EINVAL;
		/* A 32-bit immediate of a 64-bit store is sign-extended. */
		if (mov->size == 8)
			mov->imm = (u64)(s64)(int32_t)mov->imm;
		mov->has_imm = true;
	}
	/* Byte registers 4-7 without a REX prefix are AH, CH, DH, BH. */
	if (mov->size == 1 && !mov->has_imm && !rex && mov->reg >= 4 &&
	    mov->reg < 8 && (op == 0x88 || op == 0x8a || op == 0xb6 || op == 0xbe)) {
		/* ...but for MOVZX/MOVSX the byte is the source, in memory. */
		if (op == 0x88 || op == 0x8a) {
			mov->reg -= 4;
			mov->high_byte = true;
		}
	}
	if (!mov->write && !mov->dest_size)
		mov->dest_size = mov->size;
	mov->len = c.pos;
	return 0;
}

int thinvm_decode_mov_cr(const u8 *bytes, unsigned int avail, unsigned int mode,
			 struct thinvm_mov_cr *mov)
{
	struct cursor c = { .bytes = bytes, .avail = avail };
	struct prefixes p;
	u8 op, modrm;

	if (prefixes(&c, mode, &p, &op) || op != 0x0f || next(&c, &op) ||
	    op < 0x20 || op > 0x23 || next(&c, &modrm))
		return -EINVAL;
	/* The ModRM mod field is ignored: the operand is always a register. */
	*mov = (struct thinvm_mov_cr){
		.len = c.pos,
		.dr = op & 1,
		.to_cr = op & 2,
		.num = ((modrm >> 3) & 7) | (p.rex & 4 ? 8 : 0),
		.gpr = (modrm & 7) | (p.rex & 1 ? 8 : 0),
	};
	/* AMD's other way to name CR8 outside 64-bit mode: LOCK MOV CR0. */
	if (p.lock && !mov->dr)
		mov->num += 8;
	return 0;
}

int thinvm_decode_string_io(const u8 *bytes, unsigned int avail,
			    unsigned int mode, struct thinvm_string_io *io)
{
	struct cursor c = { .bytes = bytes, .avail = avail };
	struct prefixes p;
	u8 op;

	if (prefixes(&c, mode, &p, &op) || op < 0x6c || op > 0x6f)
		return -EINVAL;
	*io = (struct thinvm_string_io){ .len = c.pos, .seg = p.seg };
	io->addr_size = address_size(mode, p.addrsize);
	return 0;
}

bool thinvm_is_vmcall(const u8 *bytes, unsigned int avail)
{
	return avail >= 3 && bytes[0] == 0x0f && bytes[1] == 0x01 &&
	       bytes[2] == 0xc1;
}

bool thinvm_is_vmmcall(const u8 *bytes, unsigned int avail)
{
	return avail >= 3 && bytes[0] == 0x0f && bytes[1] == 0x01 &&
	       bytes[2] == 0xd9;
}
