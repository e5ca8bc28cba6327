/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoding the instruction behind an MMIO access: the MOV forms compilers
 * emit for device registers. Only what the access needs is decoded (size,
 * direction, register or immediate, length): the address itself is known
 * from the nested page fault. Plain C, for the unit tests.
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

#endif
