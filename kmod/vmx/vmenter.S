/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entering a VMX guest. VM entry loads RSP, RIP, RFLAGS, the control and
 * segment registers and the MSRs the VMCS names from the guest-state area;
 * the other general-purpose registers are ours to switch. The VM exit comes
 * back at thinvm_vmx_vmexit (HOST_RIP) with the stack pointer written into
 * HOST_RSP just before the entry, so the stack is as it was then.
 *
 * Called with IRQs off and the VMCS current.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/segment.h>
#include <asm/unwind_hints.h>
#include <linux/objtool.h>

/* Offsets into unsigned long regs[], instruction-encoding order. */
#define R_RAX	(0 * 8)
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

#define VMCS_HOST_RSP	0x6c14

	.text

/*
 * int thinvm_vmx_vmenter(unsigned long *regs, bool launched)
 *
 * 0 after a VM exit (or a failed entry that has an exit reason), 1 when
 * VMLAUNCH/VMRESUME failed outright (VMfail: VM_INSTRUCTION_ERROR says why)
 * or faulted because VMX went off underneath (emergency reboot).
 */
SYM_FUNC_START(thinvm_vmx_vmenter)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	push	%rdi		/* (%rsp): regs, found again at the exit */

	mov	$VMCS_HOST_RSP, %eax
1:	vmwrite	%rsp, %rax
2:
	/* The exit comes back with this stack and nothing jumps there. */
	UNWIND_HINT_SAVE
	/* The flags say VMLAUNCH or VMRESUME; MOVs below keep them. */
	test	%sil, %sil

	mov	%rdi, %rax
	mov	R_RCX(%rax), %rcx
	mov	R_RDX(%rax), %rdx
	mov	R_RBX(%rax), %rbx
	mov	R_RBP(%rax), %rbp
	mov	R_RSI(%rax), %rsi
	mov	R_RDI(%rax), %rdi
	mov	R_R8(%rax), %r8
	mov	R_R9(%rax), %r9
	mov	R_R10(%rax), %r10
	mov	R_R11(%rax), %r11
	mov	R_R12(%rax), %r12
	mov	R_R13(%rax), %r13
	mov	R_R14(%rax), %r14
	mov	R_R15(%rax), %r15
	mov	R_RAX(%rax), %rax

	jz	.Llaunch
3:	vmresume
	jmp	.Lfail
.Llaunch:
4:	vmlaunch
	/* Fall through: VMfail, or a fault. */
.Lfail:
	/* The guest's values are in our callee-saved registers: clear all. */
	xor	%eax, %eax
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	mov	$1, %eax
	jmp	.Lout

SYM_INNER_LABEL(thinvm_vmx_vmexit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	ANNOTATE_NOENDBR
	/* RSP is HOST_RSP: regs on top. */
	push	%rax
	mov	8(%rsp), %rax
	pop	R_RAX(%rax)
	mov	%rcx, R_RCX(%rax)
	mov	%rdx, R_RDX(%rax)
	mov	%rbx, R_RBX(%rax)
	mov	%rbp, R_RBP(%rax)
	mov	%rsi, R_RSI(%rax)
	mov	%rdi, R_RDI(%rax)
	mov	%r8, R_R8(%rax)
	mov	%r9, R_R9(%rax)
	mov	%r10, R_R10(%rax)
	mov	%r11, R_R11(%rax)
	mov	%r12, R_R12(%rax)
	mov	%r13, R_R13(%rax)
	mov	%r14, R_R14(%rax)
	mov	%r15, R_R15(%rax)

	/* Leave no guest value in a register the host may speculate on. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	xor	%eax, %eax
.Lout:
	add	$8, %rsp
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET

	_ASM_EXTABLE(1b, 2b)
	_ASM_EXTABLE(3b, .Lfail)
	_ASM_EXTABLE(4b, .Lfail)
SYM_FUNC_END(thinvm_vmx_vmenter)

/*
 * void thinvm_vmx_do_nmi(void)
 *
 * An NMI made the guest exit; it is the host's, and the CPU did not deliver
 * it. Call the kernel's NMI entry as the CPU would have: on this stack,
 * aligned, with an interrupt frame (SS, RSP, RFLAGS, CS, RIP) its IRET
 * returns through. IRQs are off.
 */
SYM_FUNC_START(thinvm_vmx_do_nmi)
	push	%rbp
	mov	%rsp, %rbp
	and	$-16, %rsp
	push	$__KERNEL_DS
	push	%rbp
	pushf
	push	$__KERNEL_CS
	call	asm_exc_nmi_noist
	leave
	RET
SYM_FUNC_END(thinvm_vmx_do_nmi)
