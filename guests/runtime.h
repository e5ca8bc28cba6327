/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The example guests' runtime: what a bare-metal program on vmctl run's
 * board needs (run_board.h in cli/): the serial port, the debug-exit and
 * clock ports, CPUID, a spinlock, printf. 32-bit protected mode, paging
 * off, no interrupts, no libc.
 *
 * crt0.S enters guest_start() on every vCPU with a stack of its own; it
 * calls main() on vCPU 0 and ends the run with main's return value
 * (debug exit), and calls ap_main() on the others if the guest has one
 * (else they halt).
 */
#ifndef GUEST_RUNTIME_H
#define GUEST_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUEST_MAX_VCPUS 64		/* crt0.S has a stack for each */
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002u

#define PORT_COM1 0x3f8
#define PORT_DEBUG_EXIT 0xf4
#define PORT_CLOCK 0xf0

struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;
	uint32_t boot_device, cmdline, mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr, drives_length, drives_addr;
	uint32_t config_table, boot_loader_name;
};
#define MULTIBOOT_INFO_MEMORY (1u << 0)
#define MULTIBOOT_INFO_BOOT_LOADER_NAME (1u << 9)

/* What the loader left in EAX and EBX (vCPU 0's view; every vCPU gets the same). */
extern uint32_t boot_magic;
extern const struct multiboot_info *boot_info;	/* NULL without the magic */

int main(void);
void ap_main(unsigned int vcpu);	/* optional: weak in runtime.c */

static inline void outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void cpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
	asm volatile("cpuid"
		     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
		     : "a"(leaf), "c"(subleaf));
}

static inline void cpu_relax(void)
{
	asm volatile("pause" ::: "memory");
}

/* Milliseconds since the VM started: one IN, one exit to the VMM. */
static inline uint32_t clock_ms(void)
{
	return inl(PORT_CLOCK);
}

/* The current privilege level, from CS. */
static inline unsigned int cpl(void)
{
	uint16_t cs;

	asm volatile("mov %%cs, %0" : "=r"(cs));
	return cs & 3;
}

/* Ends the run: vmctl exits with @code. Never returns. */
__attribute__((noreturn)) void debug_exit(uint8_t code);
__attribute__((noreturn)) void halt_forever(void);

/* "GenuineIntel", "AuthenticAMD", ... (13 bytes with the NUL). */
void cpu_vendor(char out[13]);
/* CPUID.1:EBX[31:24], which vmctl sets to the vCPU index. */
unsigned int vcpu_index(void);
/* CPUID.1:EBX[23:16] when EDX.HTT says it counts, which vmctl sets to the vCPU count; else 1. */
unsigned int vcpu_count(void);

struct spinlock {
	volatile uint32_t locked;
};
void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);

/* Bytes to COM1 (one string OUT: one exit). */
void serial_write(const char *s, size_t n);
/* %d %u %x %s %c, with l/ll, a width and 0-padding; one line at a time per vCPU. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * 64-bit by 32-bit division, without libgcc (there is no 32-bit libgcc
 * without gcc-multilib): returns @n / @d, and the remainder in *@rem.
 */
uint64_t udivmod64(uint64_t n, uint32_t d, uint32_t *rem);

size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);

#endif
