/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoding the instructions thinvm emulates when the CPU did not decode them
 * (no decode assists): the MOV forms compilers emit for device registers
 * (MMIO), MOV to and from control and debug registers, the prefixes of
 * string I/O, VMCALL. Only what the emulation needs is decoded (for MMIO:
 * size, direction, register or immediate, length; the address itself is
 * known from the nested page fault). Plain C, for the unit tests.
 */
#ifndef THINVM_DECODE_H
#define THINVM_DECODE_H

#include "portable.h"

#define THINVM_MAX_INSN_LEN 15

struct thinvm_mov {
	unsigned int len;	/* instruction length in bytes */
	bool write;		/* to memory (an MMIO write) */
	unsigned int size;	/* bytes accessed in memory: 1, 2, 4, 8 */
	/* Writes: the value is the register's low bytes, or @imm. */
	bool has_imm;
	u64 imm;
	/* The register written (loads) or read (stores), 0-15. */
	unsigned int reg;
	bool high_byte;		/* AH, CH, DH, BH: bits 15:8 of reg 0-3 */
	/* Loads: bytes of the destination register written, and how. */
	unsigned int dest_size;
	bool sign_extend;
};

/*
 * @mode is the code size: 16, 32 or 64. Returns 0, or -EINVAL when @bytes
 * (@avail of them) do not start with a MOV form this decoder knows.
 */
int thinvm_decode_mov(const u8 *bytes, unsigned int avail, unsigned int mode,
		      struct thinvm_mov *mov);

/* Segment registers, in their encoding order. */
enum { THINVM_SEG_ES, THINVM_SEG_CS, THINVM_SEG_SS, THINVM_SEG_DS,
       THINVM_SEG_FS, THINVM_SEG_GS, THINVM_SEG_COUNT };

/* MOV to or from a control or debug register (0F 20-23). */
struct thinvm_mov_cr {
	unsigned int len;
	bool dr;		/* a debug register, else a control register */
	bool to_cr;		/* MOV to CRn/DRn: the register is written */
	unsigned int num;	/* which CR or DR */
	unsigned int gpr;	/* the general register, 0-15 */
};

int thinvm_decode_mov_cr(const u8 *bytes, unsigned int avail, unsigned int mode,
			 struct thinvm_mov_cr *mov);

/* INS/OUTS (6C-6F): the length, segment prefix (-1 for none), address size. */
struct thinvm_string_io {
	unsigned int len;
	int seg;
	unsigned int addr_size;	/* bytes: 2, 4 or 8 */
};

int thinvm_decode_string_io(const u8 *bytes, unsigned int avail,
			    unsigned int mode, struct thinvm_string_io *io);

/* Whether @bytes start with Intel's VMCALL (0F 01 C1). */
bool thinvm_is_vmcall(const u8 *bytes, unsigned int avail);
/* AMD's VMMCALL (0F 01 D9), a #UD on Intel: a hypercall there too. */
bool thinvm_is_vmmcall(const u8 *bytes, unsigned int avail);

#endif
