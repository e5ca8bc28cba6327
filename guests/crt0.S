/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The example guests' entry, for vmctl run and any multiboot v1 loader.
 * The image starts with a jump over the multiboot header, so that the same
 * bytes work as a flat binary entered at its first byte and as a multiboot
 * ELF entered at _start (both at 1 MiB: guest.ld).
 *
 * Every vCPU comes here at once. Each takes the stack its CPUID initial
 * APIC id picks (vmctl sets it to the vCPU index). Nothing clears .bss:
 * the loader hands over zeroed memory (the ELF segment's tail, or fresh
 * guest RAM past a flat binary), and a vCPU clearing it here could wipe
 * what a faster one already wrote there.
 */
#define MULTIBOOT_HEADER_MAGIC 0x1BADB002
#define MULTIBOOT_MEMORY_INFO (1 << 1)	/* we want mem_lower/mem_upper */
#define MULTIBOOT_FLAGS MULTIBOOT_MEMORY_INFO
#define GUEST_MAX_VCPUS 64		/* as runtime.h */
#define STACK_SHIFT 12			/* 4 KiB a vCPU */

	.section .entry, "ax"
	.code32
	.globl _start
_start:
	jmp	boot

	.balign 4
multiboot_header:
	.long	MULTIBOOT_HEADER_MAGIC
	.long	MULTIBOOT_FLAGS
	.long	-(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_FLAGS)

	.text
boot:
	cld
	mov	%eax, %esi		/* the loader's magic */
	mov	%ebx, %edi		/* its multiboot information */
	mov	$1, %eax
	cpuid
	shr	$24, %ebx		/* initial APIC id: the vCPU index */
	cmp	$GUEST_MAX_VCPUS, %ebx
	jae	park			/* no stack for it */
	lea	1(%ebx), %eax
	shl	$STACK_SHIFT, %eax
	lea	stacks(%eax), %esp	/* the top of this vCPU's stack */
	sub	$4, %esp		/* 16-byte aligned at the call, as the ABI says */
	push	%edi
	push	%esi
	push	%ebx
	call	guest_start		/* does not return */
park:
	cli
	hlt
	jmp	park

	.bss
	.balign 16
stacks:
	.skip	GUEST_MAX_VCPUS << STACK_SHIFT

	.section .note.GNU-stack, "", @progbits
