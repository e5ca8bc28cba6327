// SPDX-License-Identifier: GPL-2.0
/*
 * The MMIO instruction decoder (kmod/decode.c). Encodings are what GNU as
 * emits for the instruction in each comment.
 */
#include <criterion/criterion.h>
#include <errno.h>

#include "decode.h"

static struct thinvm_mov dec(unsigned int mode, const u8 *b, unsigned int n)
{
	struct thinvm_mov m;

	cr_assert_eq(thinvm_decode_mov(b, n, mode, &m), 0, "decoding failed");
	return m;
}

#define DEC(mode, ...) ({						\
	static const u8 b_[] = { __VA_ARGS__ };				\
	dec(mode, b_, sizeof(b_));					\
})

Test(decode, stores_from_registers_64)
{
	struct thinvm_mov m = DEC(64, 0x89, 0x07);	/* mov %eax,(%rdi) */

	cr_expect(m.write && m.size == 4 && m.reg == 0 && m.len == 2);
	m = DEC(64, 0x48, 0x89, 0x07);			/* mov %rax,(%rdi) */
	cr_expect(m.size == 8 && m.len == 3);
	m = DEC(64, 0x66, 0x89, 0x07);			/* mov %ax,(%rdi) */
	cr_expect(m.size == 2 && m.len == 3);
	m = DEC(64, 0x88, 0x27);			/* mov %ah,(%rdi) */
	cr_expect(m.size == 1 && m.reg == 0 && m.high_byte);
	m = DEC(64, 0x40, 0x88, 0x27);			/* mov %spl,(%rdi) */
	cr_expect(m.size == 1 && m.reg == 4 && !m.high_byte);
}

Test(decode, loads_64)
{
	struct thinvm_mov m = DEC(64, 0x8b, 0x05, 0, 0, 0, 0);	/* mov 0(%rip),%eax */

	cr_expect(!m.write && m.size == 4 && m.dest_size == 4 && m.len == 6);
	m = DEC(64, 0x44, 0x8b, 0x4c, 0x24, 0x08);	/* mov 0x8(%rsp),%r9d */
	cr_expect(m.reg == 9 && m.len == 5);
	m = DEC(64, 0x0f, 0xb6, 0x07);			/* movzbl (%rdi),%eax */
	cr_expect(m.size == 1 && m.dest_size == 4 && !m.sign_extend && m.len == 3);
	m = DEC(64, 0x48, 0x0f, 0xbf, 0x07);		/* movswq (%rdi),%rax */
	cr_expect(m.size == 2 && m.dest_size == 8 && m.sign_extend);
	m = DEC(64, 0x0f, 0xb6, 0x27);			/* movzbl (%rdi),%esp */
	cr_expect(m.reg == 4 && !m.high_byte);
	m = DEC(64, 0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11);
	cr_expect(!m.write && m.size == 4 && m.reg == 0 && m.len == 9, "movabs");
}

Test(decode, immediates)
{
	struct thinvm_mov m = DEC(64, 0xc7, 0x00, 0x78, 0x56, 0x34, 0x12);

	cr_expect(m.write && m.has_imm && m.imm == 0x12345678 && m.size == 4 &&
		  m.len == 6, "movl $0x12345678,(%%rax)");
	m = DEC(64, 0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff);
	cr_expect(m.size == 8 && m.imm == ~0ull && m.len == 7, "movq $-1,(%%rax)");
	m = DEC(64, 0xc6, 0x00, 0xab);
	cr_expect(m.size == 1 && m.imm == 0xab && m.len == 3, "movb $0xab,(%%rax)");
}

Test(decode, sizes_in_16_and_32_bit_code)
{
	struct thinvm_mov m = DEC(32, 0xa1, 0x44, 0x33, 0x22, 0x11);

	cr_expect(m.size == 4 && m.len == 5, "32-bit mov 0x11223344,%%eax");
	m = DEC(16, 0x89, 0x07);			/* mov %ax,(%bx) */
	cr_expect(m.size == 2 && m.len == 2);
	m = DEC(16, 0x66, 0x89, 0x07);			/* mov %eax,(%bx) */
	cr_expect(m.size == 4 && m.len == 3);
	m = DEC(16, 0xa3, 0x34, 0x12);			/* mov %ax,0x1234 */
	cr_expect(m.write && m.size == 2 && m.len == 3);
	m = DEC(16, 0x89, 0x06, 0x34, 0x12);		/* mov %ax,0x1234 (ModRM) */
	cr_expect(m.len == 4);
	m = DEC(16, 0x67, 0x89, 0x07);			/* mov %ax,(%edi) */
	cr_expect(m.size == 2 && m.len == 3);
}

Test(decode, what_is_not_a_mov_is_refused)
{
	static const struct { u8 b[8]; unsigned int n; } bad[] = {
		{ { 0x66, 0x01, 0x07 }, 3 },		/* add %ax,(%rdi) */
		{ { 0xc7, 0x08, 0, 0, 0, 0 }, 6 },	/* C7 /1 */
		{ { 0x89, 0xc0 }, 2 },			/* mov %eax,%eax */
		{ { 0x8b, 0x05, 0x00 }, 3 },		/* truncated */
		{ { 0x0f, 0x0b }, 2 },			/* ud2 */
		{ { 0 }, 0 },
	};
	struct thinvm_mov m;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(thinvm_decode_mov(bad[i].b, bad[i].n, 64, &m), -EINVAL,
			     "case %zu", i);
}

Test(decode, never_longer_than_15_bytes)
{
	u8 b[20];
	struct thinvm_mov m;

	memset(b, 0x66, sizeof(b));
	b[16] = 0x89;
	b[17] = 0x07;
	cr_expect_eq(thinvm_decode_mov(b, sizeof(b), 64, &m), -EINVAL);
}

Test(decode, mov_to_and_from_control_and_debug_registers)
{
	static const u8 to_cr4[] = { 0x0f, 0x22, 0xe0 };	/* mov %rax,%cr4 */
	static const u8 from_cr4_r9[] = { 0x41, 0x0f, 0x20, 0xe1 };	/* mov %cr4,%r9 */
	static const u8 to_dr7[] = { 0x0f, 0x23, 0xfb };	/* mov %rbx,%dr7 */
	static const u8 lock_cr0[] = { 0xf0, 0x0f, 0x22, 0xc2 };	/* mov %edx,%cr8 */
	static const u8 mod0[] = { 0x0f, 0x22, 0x20 };		/* mod is ignored */
	struct thinvm_mov_cr m;

	cr_assert_eq(thinvm_decode_mov_cr(to_cr4, 3, 64, &m), 0);
	cr_expect(m.len == 3 && m.to_cr && !m.dr && m.num == 4 && m.gpr == 0);
	cr_assert_eq(thinvm_decode_mov_cr(from_cr4_r9, 4, 64, &m), 0);
	cr_expect(m.len == 4 && !m.to_cr && m.num == 4 && m.gpr == 9);
	cr_assert_eq(thinvm_decode_mov_cr(to_dr7, 3, 32, &m), 0);
	cr_expect(m.to_cr && m.dr && m.num == 7 && m.gpr == 3);
	cr_assert_eq(thinvm_decode_mov_cr(lock_cr0, 4, 32, &m), 0);
	cr_expect(m.num == 8 && m.gpr == 2 && m.len == 4);
	cr_assert_eq(thinvm_decode_mov_cr(mod0, 3, 64, &m), 0);
	cr_expect(m.num == 4 && m.gpr == 0);
	cr_expect_eq(thinvm_decode_mov_cr(to_cr4, 2, 64, &m), -EINVAL, "truncated");
	cr_expect_eq(thinvm_decode_mov_cr((const u8 *)"\x0f\x24\xe0", 3, 64, &m),
		     -EINVAL, "0F 24 is not a MOV CR");
}

Test(decode, string_io_prefixes)
{
	static const u8 rep_outsb[] = { 0xf3, 0x6e };
	static const u8 fs_rep_outsw[] = { 0x66, 0x64, 0xf3, 0x6f };
	static const u8 a32_insd[] = { 0x67, 0x6d };
	struct thinvm_string_io io;

	cr_assert_eq(thinvm_decode_string_io(rep_outsb, 2, 16, &io), 0);
	cr_expect(io.len == 2 && io.seg == -1 && io.addr_size == 2);
	cr_assert_eq(thinvm_decode_string_io(fs_rep_outsw, 4, 32, &io), 0);
	cr_expect(io.len == 4 && io.seg == THINVM_SEG_FS && io.addr_size == 4);
	cr_assert_eq(thinvm_decode_string_io(a32_insd, 2, 64, &io), 0);
	cr_expect(io.len == 2 && io.addr_size == 4);
	cr_assert_eq(thinvm_decode_string_io(a32_insd, 2, 16, &io), 0);
	cr_expect(io.addr_size == 4, "0x67 in real mode: 32-bit addresses");
	cr_assert_eq(thinvm_decode_string_io(rep_outsb, 2, 64, &io), 0);
	cr_expect(io.addr_size == 8);
	cr_expect_eq(thinvm_decode_string_io((const u8 *)"\xee", 1, 64, &io),
		     -EINVAL, "OUT DX,AL is not string I/O");
}

Test(decode, vmcall)
{
	cr_expect(thinvm_is_vmcall((const u8 *)"\x0f\x01\xc1", 3));
	cr_expect(!thinvm_is_vmcall((const u8 *)"\x0f\x01\xd9", 3), "VMMCALL");
	cr_expect(!thinvm_is_vmcall((const u8 *)"\x0f\x01", 2), "truncated");
}

Test(decode, vmmcall)
{
	cr_expect(thinvm_is_vmmcall((const u8 *)"\x0f\x01\xd9", 3));
	cr_expect(!thinvm_is_vmmcall((const u8 *)"\x0f\x01\xc1", 3), "VMCALL");
	cr_expect(!thinvm_is_vmmcall((const u8 *)"\x0f\x01", 2), "truncated");
	cr_expect(!thinvm_is_vmmcall((const u8 *)"\x0f\x0b\xd9", 3), "UD2");
}
