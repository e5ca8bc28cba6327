/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entering an SVM guest. VMRUN itself switches RAX, RSP, RIP, RFLAGS, the
 * control registers, EFER and the segment registers it knows; the other
 * general-purpose registers are ours to switch, and the state VMLOAD/VMSAVE
 * cover (FS, GS, TR, LDTR with their hidden parts, KernelGSBase, STAR, LSTAR,
 * CSTAR, SFMASK, SYSENTER_*) is switched with them, host state going to a
 * per-CPU page.
 *
 * Called with IRQs off and GIF clear. IF is set just around VMRUN: with
 * V_INTR_MASKING the host's IF decides whether physical interrupts reach the
 * CPU while the guest runs (and so make it exit), whatever the guest's IF;
 * GIF still holds them off outside the guest. A fault on VMLOAD/VMRUN/VMSAVE
 * (SVM turned off underneath by an emergency reboot) is skipped, as KVM does.
 */
#include <linux/linkage.h>
#include <asm/asm.h>

/* Offsets into unsigned long regs[], instruction-encoding order. */
#define R_RCX	(1 * 8)
#define R_RDX	(2 * 8)
#define R_RBX	(3 * 8)
#define R_RBP	(5 * 8)
#define R_RSI	(6 * 8)
#define R_RDI	(7 * 8)
#define R_R8	(8 * 8)
#define R_R9	(9 * 8)
#define R_R10	(10 * 8)
#define R_R11	(11 * 8)
#define R_R12	(12 * 8)
#define R_R13	(13 * 8)
#define R_R14	(14 * 8)
#define R_R15	(15 * 8)

	.text

/*
 * void thinvm_svm_vmrun(u64 vmcb_pa, unsigned long *regs, u64 host_save_pa)
 */
SYM_FUNC_START(thinvm_svm_vmrun)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	push	%rdx		/* 16(%rsp): host save area */
	push	%rsi		/*  8(%rsp): regs */
	push	%rdi		/*  0(%rsp): VMCB */

	mov	%rdx, %rax
1:	vmsave	%rax
2:	mov	(%rsp), %rax
3:	vmload	%rax
4:
	mov	R_RCX(%rsi), %rcx
	mov	R_RDX(%rsi), %rdx
	mov	R_RBX(%rsi), %rbx
	mov	R_RBP(%rsi), %rbp
	mov	R_RDI(%rsi), %rdi
	mov	R_R8(%rsi), %r8
	mov	R_R9(%rsi), %r9
	mov	R_R10(%rsi), %r10
	mov	R_R11(%rsi), %r11
	mov	R_R12(%rsi), %r12
	mov	R_R13(%rsi), %r13
	mov	R_R14(%rsi), %r14
	mov	R_R15(%rsi), %r15
	mov	R_RSI(%rsi), %rsi

	/* RAX is the VMCB again after the exit; RSP is restored too. */
	sti
5:	vmrun	%rax
6:	cli
7:	vmsave	%rax
8:
	push	%rsi
	mov	16(%rsp), %rsi	/* regs */
	mov	%rcx, R_RCX(%rsi)
	mov	%rdx, R_RDX(%rsi)
	mov	%rbx, R_RBX(%rsi)
	mov	%rbp, R_RBP(%rsi)
	mov	%rdi, R_RDI(%rsi)
	mov	%r8, R_R8(%rsi)
	mov	%r9, R_R9(%rsi)
	mov	%r10, R_R10(%rsi)
	mov	%r11, R_R11(%rsi)
	mov	%r12, R_R12(%rsi)
	mov	%r13, R_R13(%rsi)
	mov	%r14, R_R14(%rsi)
	mov	%r15, R_R15(%rsi)
	pop	R_RSI(%rsi)

	/* Leave no guest value in a register the host may speculate on. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%edi, %edi
	xor	%esi, %esi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d

	mov	16(%rsp), %rax
9:	vmload	%rax
10:
	xor	%eax, %eax
	add	$24, %rsp
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET

	_ASM_EXTABLE(1b, 2b)
	_ASM_EXTABLE(3b, 4b)
	_ASM_EXTABLE(5b, 6b)	/* to the cli: IF must not stay set */
	_ASM_EXTABLE(7b, 8b)
	_ASM_EXTABLE(9b, 10b)
SYM_FUNC_END(thinvm_svm_vmrun)
