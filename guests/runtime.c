// SPDX-License-Identifier: GPL-2.0
/* The example guests' runtime (runtime.h). */
#include <stdarg.h>

#include "runtime.h"

uint32_t boot_magic;
const struct multiboot_info *boot_info;

static struct spinlock print_lock;

void guest_start(unsigned int vcpu, uint32_t magic, uint32_t info);

__attribute__((weak)) void ap_main(unsigned int vcpu)
{
	(void)vcpu;
}

/* From crt0.S, on every vCPU with its own stack. */
__attribute__((noreturn)) void guest_start(unsigned int vcpu, uint32_t magic, uint32_t info)
{
	if (vcpu != 0) {
		ap_main(vcpu);
		halt_forever();
	}
	boot_magic = magic;
	if (magic == MULTIBOOT_BOOTLOADER_MAGIC)
		boot_info = (const struct multiboot_info *)info;
	debug_exit(main());
}

void halt_forever(void)
{
	for (;;) {
		if (cpl() == 0)
			asm volatile("cli; hlt");
		else
			cpu_relax();	/* HLT is for CPL 0 only */
	}
}

void debug_exit(uint8_t code)
{
	outb(PORT_DEBUG_EXIT, code);
	/* Only a VMM without the debug-exit port gets here. */
	halt_forever();
}

void cpu_vendor(char out[13])
{
	uint32_t r[4];

	cpuid(0, 0, r);
	memcpy(out, &r[1], 4);		/* EBX, EDX, ECX: "Genu" "ineI" "ntel" */
	memcpy(out + 4, &r[3], 4);
	memcpy(out + 8, &r[2], 4);
	out[12] = '\0';
}

unsigned int vcpu_index(void)
{
	uint32_t r[4];

	cpuid(1, 0, r);
	return r[1] >> 24;
}

unsigned int vcpu_count(void)
{
	uint32_t r[4];

	cpuid(1, 0, r);
	return r[3] & (1u << 28) ? (r[1] >> 16) & 0xff : 1;
}

void spin_lock(struct spinlock *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (l->locked)
			cpu_relax();
}

void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

void serial_write(const char *s, size_t n)
{
	/* OUTSB with a count: the VMM gets the whole string in one exit. */
	asm volatile("rep outsb"
		     : "+S"(s), "+c"(n)
		     : "d"((uint16_t)PORT_COM1)
		     : "memory");
}

uint64_t udivmod64(uint64_t n, uint32_t d, uint32_t *rem)
{
	uint32_t hi = n >> 32, lo = n, q_hi = hi / d, r = hi % d, q_lo;

	/* r < d, so (r:lo) / d fits in 32 bits: one DIVL. */
	asm("divl %4" : "=a"(q_lo), "=d"(r) : "a"(lo), "d"(r), "rm"(d));
	if (rem)
		*rem = r;
	return (uint64_t)q_hi << 32 | q_lo;
}

/*
 * What printf formats, written out in one go (one exit) when it ends or
 * the buffer fills.
 */
struct out {
	char buf[256];
	size_t len;
	int total;
};

static void put(struct out *o, char c)
{
	if (o->len == sizeof(o->buf)) {
		serial_write(o->buf, o->len);
		o->len = 0;
	}
	o->buf[o->len++] = c;
	o->total++;
}

static void put_number(struct out *o, uint64_t v, unsigned int base, bool negative,
		       unsigned int width, char pad)
{
	char digits[24];
	unsigned int n = 0;

	do {
		uint32_t d;

		v = udivmod64(v, base, &d);
		digits[n++] = "0123456789abcdef"[d];
	} while (v);
	if (negative)
		digits[n++] = '-';	/* zero-padding goes after the sign: not needed here */
	while (width > n) {
		put(o, pad);
		width--;
	}
	while (n)
		put(o, digits[--n]);
}

int printf(const char *fmt, ...)
{
	struct out o = { .len = 0 };
	va_list ap;

	/* Held for the whole call: lines from several vCPUs never mix. */
	spin_lock(&print_lock);
	va_start(ap, fmt);
	for (const char *p = fmt; *p; p++) {
		unsigned int width = 0, longs = 0;
		char pad = ' ';
		uint64_t u;
		int64_t s;

		if (*p != '%') {
			put(&o, *p);
			continue;
		}
		p++;
		if (*p == '0')
			pad = '0';
		while (*p >= '0' && *p <= '9')
			width = width * 10 + (*p++ - '0');
		while (*p == 'l') {
			longs++;
			p++;
		}
		switch (*p) {
		case 'd':
			s = longs > 1 ? va_arg(ap, long long) :
			    longs ? va_arg(ap, long) : va_arg(ap, int);
			put_number(&o, s < 0 ? -(uint64_t)s : (uint64_t)s, 10, s < 0, width, pad);
			break;
		case 'u':
		case 'x':
			u = longs > 1 ? va_arg(ap, unsigned long long) :
			    longs ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			put_number(&o, u, *p == 'u' ? 10 : 16, false, width, pad);
			break;
		case 's':
			for (const char *str = va_arg(ap, const char *); *str; str++)
				put(&o, *str);
			break;
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case '%':
			put(&o, '%');
			break;
		default:	/* not ours: show it as written */
			put(&o, '%');
			if (!*p)
				p--;
			else
				put(&o, *p);
			break;
		}
	}
	va_end(ap);
	serial_write(o.buf, o.len);
	spin_unlock(&print_lock);
	return o.total;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

/* GCC may call these for struct copies and initialisers, even freestanding. */
void *memset(void *s, int c, size_t n)
{
	unsigned char *p = s;

	while (n--)
		*p++ = c;
	return s;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}
