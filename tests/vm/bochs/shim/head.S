/*
 * Multiboot (v1) entry of the PVH shim, and the final jump into the kernel.
 *
 * mboot.c32 enters _start in 32-bit protected mode, paging off, flat
 * segments, EAX = 0x2BADB002 and EBX = the multiboot info.  The stack it
 * leaves is not ours to keep, so switch to the one in .bss first.
 */

#define MB_MAGIC	0x1BADB002
#define MB_FLAGS	0x00000003	/* page-aligned modules, memory map */

	.section .multiboot, "a"
	.balign 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

	.text
	.code32
	.globl _start
_start:
	cli
	cld
	movl $stack_top, %esp
	pushl %ebx			/* multiboot info */
	pushl %eax			/* multiboot magic */
	call shim_main			/* does not return */
1:	hlt
	jmp 1b

/*
 * void pvh_enter(uint32_t entry, uint32_t start_info)
 *
 * The PVH boot ABI (xen/include/public/arch-x86/hvm/start_info.h, and the
 * comment above pvh_start_xen in arch/x86/platform/pvh/head.S): EBX = the
 * hvm_start_info address, CR0 = PE only, CR4 = 0, flat 32-bit CS/DS/ES/SS,
 * TR = a 32-bit TSS (base 0, limit 0x67), EFLAGS with IF, TF and VM clear.
 */
	.globl pvh_enter
pvh_enter:
	movl 4(%esp), %esi		/* entry */
	movl 8(%esp), %ebx		/* start_info */
	lgdt gdt_desc
	ljmp $0x08, $1f
1:	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	movl $0x18, %eax
	ltr %ax
	movl $0x00000011, %eax		/* PE | ET */
	movl %eax, %cr0
	xorl %eax, %eax
	movl %eax, %cr4
	pushl $0x00000002		/* IF = TF = VM = DF = 0 */
	popfl
	xorl %eax, %eax
	xorl %ecx, %ecx
	xorl %edx, %edx
	xorl %edi, %edi
	xorl %ebp, %ebp
	jmp *%esi

	.data
	.balign 16
gdt:
	.quad 0x0000000000000000	/* null */
	.quad 0x00cf9a000000ffff	/* 0x08: 32-bit code, base 0, 4 GiB */
	.quad 0x00cf92000000ffff	/* 0x10: data, base 0, 4 GiB */
	.quad 0x0000890000000067	/* 0x18: 32-bit TSS, base 0, limit 0x67 */
gdt_end:
	.balign 4
	.word 0
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt

	.bss
	.balign 16
	.space 16384
stack_top:

	.section .note.GNU-stack, "", @progbits
