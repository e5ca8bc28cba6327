/*
 * thinvm Bochs lane: a multiboot-to-PVH shim.
 *
 * Bochs has no "-kernel". Booting the bzImage from an isolinux ISO spends most
 * of a minute decompressing the kernel inside the emulator. Instead isolinux's
 * mboot.c32 loads this shim as a multiboot kernel with two modules: the
 * uncompressed vmlinux ELF (its string is "vmlinux <kernel command line>") and
 * the initramfs. The shim then does what "qemu -kernel vmlinux" does for a PVH
 * kernel:
 *
 *   1. copies what it needs out of the multiboot structures (memory map,
 *      module list, command line);
 *   2. validates the vmlinux ELF and finds the XEN_ELFNOTE_PHYS32_ENTRY note;
 *   3. moves every module that overlaps the kernel's load range to the
 *      highest free spot of RAM (never over the kernel range or another
 *      module's data, so the order of the moves does not matter);
 *   4. copies each PT_LOAD segment to its p_paddr and zeroes p_memsz-p_filesz;
 *   5. fills a struct hvm_start_info (version 1: initramfs module, command
 *      line, ACPI RSDP, memory map) and enters the kernel in 32-bit protected
 *      mode with paging off and EBX pointing at it.
 *
 * Fast path: boot.sh hands over vmlinux packed by pack-vmlinux as a memory
 * image, and the shim's linker script makes mboot.c32 load it at 16 MiB - 4 KiB,
 * so the segments are in place already: step 3 leaves vmlinux alone and step 4
 * only zeroes. Any other vmlinux (an unpacked one, a kernel linked elsewhere)
 * takes the general path.
 *
 * Progress goes to COM1. On any error it prints "thinvm-shim: FATAL: ..." and
 * powers the machine off through ACPI, so a bad input ends the run at once
 * instead of hanging until the timeout. A second pass through the shim in the
 * same Bochs run means the guest rebooted (panic=-1, a triple fault, reboot -f):
 * that also powers off, since the lane runs "without reboot". (With Bochs 2.7
 * the BIOS triple-faults on such a reset before the shim runs again, which
 * ends Bochs just as well; the mark is for a Bochs that does not.)
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

/* ---- assembly side (head.S) and linker symbols ---- */

void pvh_enter(u32 entry, u32 start_info) __attribute__((noreturn));
void shim_main(u32 magic, u32 mbi_addr) __attribute__((noreturn));
extern char _shim_start[], _shim_end[];

/* ---- freestanding helpers (gcc may also call these implicitly) ---- */

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t words = n >> 2, bytes = n & 3;

	asm volatile("cld; rep movsl"
		     : "+D"(d), "+S"(src), "+c"(words) : : "memory");
	asm volatile("rep movsb"
		     : "+D"(d), "+S"(src), "+c"(bytes) : : "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	u32 d = (u32)dst, s = (u32)src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	/* Overlapping with dst above src: copy backwards. */
	{
		size_t bytes = n & 3, words = n >> 2;
		const u8 *sp = (const u8 *)src + n - 1;
		u8 *dp = (u8 *)dst + n - 1;

		asm volatile("std; rep movsb"
			     : "+D"(dp), "+S"(sp), "+c"(bytes) : : "memory");
		/* now sp/dp point at the last byte of the word part */
		sp -= 3;
		dp -= 3;
		asm volatile("rep movsl; cld"
			     : "+D"(dp), "+S"(sp), "+c"(words) : : "memory");
	}
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;
	u32 v = (u8)c * 0x01010101u;
	size_t words = n >> 2, bytes = n & 3;

	asm volatile("cld; rep stosl" : "+D"(d), "+c"(words) : "a"(v) : "memory");
	asm volatile("rep stosb" : "+D"(d), "+c"(bytes) : "a"(v) : "memory");
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

static size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

/* ---- port I/O ---- */

static inline void outb(u16 port, u8 v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(u16 port, u16 v)
{
	asm volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* ---- COM1 console ---- */

#define COM1 0x3f8

static void serial_init(void)
{
	outb(COM1 + 1, 0x00);	/* no interrupts */
	outb(COM1 + 3, 0x80);	/* DLAB */
	outb(COM1 + 0, 0x01);	/* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);	/* 8N1 */
	outb(COM1 + 2, 0xc7);	/* FIFO on, cleared */
	outb(COM1 + 4, 0x03);	/* DTR, RTS */
}

static void serial_putc(char c)
{
	int spin = 100000;

	while (!(inb(COM1 + 5) & 0x20) && --spin)
		;
	outb(COM1, (u8)c);
}

static void put_char(char c)
{
	if (c == '\n')
		serial_putc('\r');
	serial_putc(c);
}

static void put_str(const char *s)
{
	while (*s)
		put_char(*s++);
}

static void put_hex(u64 v, int min_digits)
{
	char buf[17];
	int i = 0;

	do {
		buf[i++] = "0123456789abcdef"[v & 0xf];
		v >>= 4;
	} while (v || i < min_digits);
	put_str("0x");
	while (i)
		put_char(buf[--i]);
}

static void put_dec(u32 v)
{
	char buf[11];
	int i = 0;

	do {
		buf[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (i)
		put_char(buf[--i]);
}

/*
 * A minimal printf: %s, %u (u32, decimal), %x (u32, hex), %X (u64, hex),
 * %M (u32 byte count, printed in KiB/MiB), %%.
 */
static void vsay(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put_char(*fmt);
			continue;
		}
		switch (*++fmt) {
		case 's':
			put_str(va_arg(ap, const char *));
			break;
		case 'u':
			put_dec(va_arg(ap, u32));
			break;
		case 'x':
			put_hex(va_arg(ap, u32), 1);
			break;
		case 'X':
			put_hex(va_arg(ap, u64), 1);
			break;
		case 'M': {
			u32 v = va_arg(ap, u32);

			if (v >= (4u << 20)) {
				put_dec(v >> 20);
				put_str(" MiB");
			} else {
				put_dec((v + 1023) >> 10);
				put_str(" KiB");
			}
			break;
		}
		case '%':
			put_char('%');
			break;
		case '\0':
			return;
		default:
			put_char('%');
			put_char(*fmt);
		}
	}
}

static void say(const char *fmt, ...)
{
	va_list ap;

	put_str("thinvm-shim: ");
	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	put_char('\n');
}

/* ---- ACPI: RSDP lookup and soft power off ---- */

static u32 rsdp_addr;

static int rsdp_ok(const u8 *p)
{
	u8 sum = 0;
	int i;

	if (memcmp(p, "RSD PTR ", 8))
		return 0;
	for (i = 0; i < 20; i++)
		sum += p[i];
	return sum == 0;
}

static u32 find_rsdp_in(u32 start, u32 len)
{
	u32 a;

	for (a = start; a + 20 <= start + len; a += 16)
		if (rsdp_ok((const u8 *)a))
			return a;
	return 0;
}

/* A fixed physical address as a pointer gcc cannot see through (it would
 * warn about array bounds on a constant address). */
static inline const volatile void *phys(u32 addr)
{
	asm("" : "+r"(addr));
	return (const volatile void *)addr;
}

static u32 find_rsdp(void)
{
	u32 ebda = (u32)(*(const volatile u16 *)phys(0x40e)) << 4;
	u32 r = 0;

	if (ebda >= 0x80000 && ebda < 0xa0000)
		r = find_rsdp_in(ebda, 1024);
	if (!r)
		r = find_rsdp_in(0xe0000, 0x20000);
	return r;
}

/* PM1a control block port from the FADT, or Bochs's default (PM base 0xb000). */
static u16 pm1a_cnt_port(void)
{
	if (rsdp_addr) {
		u32 rsdt = *(const u32 *)(rsdp_addr + 16);
		u32 len, i;

		if (rsdt && !memcmp((const void *)rsdt, "RSDT", 4)) {
			len = *(const u32 *)(rsdt + 4);
			for (i = 36; i + 4 <= len; i += 4) {
				u32 t = *(const u32 *)(rsdt + i);

				if (!memcmp((const void *)t, "FACP", 4))
					return (u16)*(const u32 *)(t + 64);
			}
		}
	}
	return 0xb004;
}

static void __attribute__((noreturn)) power_off(void)
{
	const char *s = "Shutdown";

	/* SLP_EN with SLP_TYP 0: Bochs's PIIX4 ACPI treats it as soft off. */
	outw(pm1a_cnt_port(), 0x2000);
	/* Fallback: Bochs's shutdown port. */
	while (*s)
		outb(0x8900, (u8)*s++);
	for (;;)
		asm volatile("cli; hlt");
}

static void __attribute__((noreturn)) fatal(const char *fmt, ...)
{
	va_list ap;

	put_str("thinvm-shim: FATAL: ");
	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	put_str("\nthinvm-shim: powering off\n");
	power_off();
}

/* ---- reboot detection through a CMOS byte ---- */

/*
 * Bochs keeps CMOS RAM across a reset (its reset handler only touches the
 * status registers) and neither its BIOS nor Linux uses the last two bytes of
 * the 128-byte bank, so they carry a "the shim ran already" mark.
 */
#define CMOS_MARK_A	0x7e
#define CMOS_MARK_B	0x7f
#define MARK_A		0x74	/* 't' */
#define MARK_B		0x76	/* 'v' */

static u8 cmos_read(u8 idx)
{
	outb(0x70, idx);
	return inb(0x71);
}

static void cmos_write(u8 idx, u8 v)
{
	outb(0x70, idx);
	outb(0x71, v);
}

/* ---- multiboot v1 ---- */

#define MB_BOOT_MAGIC	0x2badb002
#define MBI_MODS	(1u << 3)
#define MBI_MMAP	(1u << 6)

struct mb_info {
	u32 flags;
	u32 mem_lower, mem_upper;
	u32 boot_device;
	u32 cmdline;
	u32 mods_count, mods_addr;
	u32 syms[4];
	u32 mmap_length, mmap_addr;
};

struct mb_module {
	u32 start, end;
	u32 string;
	u32 reserved;
};

struct mb_mmap_entry {
	u32 size;	/* of the rest of the entry */
	u64 addr;
	u64 len;
	u32 type;
} __attribute__((packed));

/* ---- PVH start info (xen/include/public/arch-x86/hvm/start_info.h) ---- */

#define HVM_START_MAGIC 0x336ec578

struct hvm_start_info {
	u32 magic;
	u32 version;
	u32 flags;
	u32 nr_modules;
	u64 modlist_paddr;
	u64 cmdline_paddr;
	u64 rsdp_paddr;
	u64 memmap_paddr;
	u32 memmap_entries;
	u32 reserved;
};

struct hvm_modlist_entry {
	u64 paddr;
	u64 size;
	u64 cmdline_paddr;
	u64 reserved;
};

struct hvm_memmap_table_entry {
	u64 addr;
	u64 size;
	u32 type;
	u32 reserved;
};

_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info layout");
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "modlist layout");
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "memmap layout");

/* ---- ELF64 ---- */

struct elf64_ehdr {
	u8 ident[16];
	u16 type, machine;
	u32 version;
	u64 entry, phoff, shoff;
	u32 flags;
	u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	u32 type, flags;
	u64 offset, vaddr, paddr, filesz, memsz, align;
};

#define PT_LOAD		1
#define PT_NOTE		4
#define EM_X86_64	62
#define XEN_ELFNOTE_PHYS32_ENTRY 18

/* ---- state (all in .bss, below the kernel) ---- */

#define MAX_MMAP	64
#define MAX_MODS	8
#define MAX_SEGS	16
#define CMDLINE_MAX	2048	/* the x86 kernel's COMMAND_LINE_SIZE */

static struct hvm_memmap_table_entry memmap[MAX_MMAP];
static u32 nr_memmap;

struct module {
	u32 start, len;
};
static struct module mods[MAX_MODS];
static u32 nr_mods;

struct segment {
	u32 offset, paddr, filesz, memsz;
};
static struct segment segs[MAX_SEGS];
static u32 nr_segs;

static char cmdline[CMDLINE_MAX];
static struct hvm_start_info start_info __attribute__((aligned(16)));
static struct hvm_modlist_entry modlist[1] __attribute__((aligned(16)));

static const char *const mod_name[] = { "vmlinux", "initrd" };

static const char *name_of(u32 i)
{
	return i < 2 ? mod_name[i] : "module";
}

/* ---- memory map helpers ---- */

static int in_ram(u32 start, u32 len)
{
	u64 s = start, e = (u64)start + len;
	u32 i;

	for (i = 0; i < nr_memmap; i++)
		if (memmap[i].type == 1 && memmap[i].addr <= s &&
		    memmap[i].addr + memmap[i].size >= e)
			return 1;
	return 0;
}

static int overlaps(u32 a, u32 alen, u32 b, u32 blen)
{
	return (u64)a < (u64)b + blen && (u64)b < (u64)a + alen;
}

/* Highest address (exclusive, page aligned, below 4 GiB) of usable RAM. */
static u32 ram_top(void)
{
	u64 top = 0;
	u32 i;

	for (i = 0; i < nr_memmap; i++) {
		u64 e = memmap[i].addr + memmap[i].size;

		if (memmap[i].type != 1)
			continue;
		if (e > 0xfffff000ull)
			e = 0xfffff000ull;
		if (e > top && memmap[i].addr < e)
			top = e;
	}
	return (u32)top & ~0xfffu;
}

/* ---- steps ---- */

static void read_multiboot(u32 magic, const struct mb_info *mbi)
{
	const struct mb_module *m;
	u32 off, i;
	const char *s;
	size_t n;

	if (magic != MB_BOOT_MAGIC)
		fatal("not started by a multiboot loader (eax=%x)", magic);
	if (!(mbi->flags & MBI_MMAP))
		fatal("the loader passed no memory map (flags=%x)", mbi->flags);
	if (!(mbi->flags & MBI_MODS) || mbi->mods_count < 1)
		fatal("no modules: expected 'mboot.c32 shim --- vmlinux CMDLINE --- initrd'");
	if (mbi->mods_count > MAX_MODS)
		fatal("too many modules (%u)", mbi->mods_count);

	for (off = 0; off + 4 <= mbi->mmap_length;) {
		const struct mb_mmap_entry *e =
			(const struct mb_mmap_entry *)(mbi->mmap_addr + off);

		if (nr_memmap == MAX_MMAP)
			fatal("memory map has more than %u entries", MAX_MMAP);
		if (e->len) {
			memmap[nr_memmap].addr = e->addr;
			memmap[nr_memmap].size = e->len;
			memmap[nr_memmap].type = e->type;
			memmap[nr_memmap].reserved = 0;
			say("  e820 %X-%X type %u", e->addr, e->addr + e->len - 1,
			    e->type);
			nr_memmap++;
		}
		off += e->size + 4;
	}
	if (!nr_memmap)
		fatal("empty memory map");

	m = (const struct mb_module *)mbi->mods_addr;
	nr_mods = mbi->mods_count;
	for (i = 0; i < nr_mods; i++) {
		if (m[i].end < m[i].start)
			fatal("module %u has end %x below start %x", i,
			      m[i].end, m[i].start);
		mods[i].start = m[i].start;
		mods[i].len = m[i].end - m[i].start;
		say("  module %u (%s) at %x, %M", i, name_of(i), mods[i].start,
		    mods[i].len);
	}

	/* mboot.c32 (like GRUB) prefixes a module's string with its file
	 * name: "vmlinux console=ttyS0 ...". Drop that first word. */
	s = m[0].string ? (const char *)m[0].string : "";
	while (*s == ' ')
		s++;
	while (*s && *s != ' ')
		s++;
	while (*s == ' ')
		s++;
	n = strlen(s);
	if (n >= CMDLINE_MAX)
		fatal("kernel command line too long (%u bytes, max %u)",
		      (u32)n, CMDLINE_MAX - 1);
	memcpy(cmdline, s, n + 1);
	say("  cmdline \"%s\"", cmdline);
}

/* Validate the vmlinux ELF, record its PT_LOAD segments, return the PVH entry. */
static u32 parse_vmlinux(u32 *kstart, u32 *kend)
{
	const u8 *img = (const u8 *)mods[0].start;
	u32 size = mods[0].len;
	const struct elf64_ehdr *eh = (const struct elf64_ehdr *)img;
	u32 i, entry = 0, lo = 0xffffffffu, hi = 0;

	if (size < sizeof(*eh))
		fatal("vmlinux module is only %u bytes", size);
	if (memcmp(eh->ident, "\177ELF", 4)) {
		if (size > 0x206 && !memcmp(img + 0x202, "HdrS", 4))
			fatal("the vmlinux module is a bzImage; pass the uncompressed vmlinux ELF");
		fatal("the vmlinux module is not an ELF file (starts %x)",
		      *(const u32 *)img);
	}
	if (eh->ident[4] != 2 || eh->ident[5] != 1 || eh->machine != EM_X86_64)
		fatal("vmlinux is not a little-endian x86-64 ELF (class %u machine %u)",
		      eh->ident[4], eh->machine);
	if (eh->phentsize < sizeof(struct elf64_phdr) || !eh->phnum ||
	    eh->phoff >= size ||
	    eh->phoff + (u64)eh->phnum * eh->phentsize > size)
		fatal("vmlinux program headers out of bounds (truncated file?)");

	for (i = 0; i < eh->phnum; i++) {
		const struct elf64_phdr *ph = (const struct elf64_phdr *)
			(img + (u32)eh->phoff + i * eh->phentsize);

		if (ph->type != PT_LOAD && ph->type != PT_NOTE)
			continue;
		if (ph->offset + ph->filesz > size)
			fatal("vmlinux segment %u (offset %X, %X bytes) is past the end of the %u-byte file: truncated?",
			      i, ph->offset, ph->filesz, size);
		if (ph->type == PT_NOTE) {
			u32 p = (u32)ph->offset, end = p + (u32)ph->filesz;

			while (p + 12 <= end) {
				const u32 *nh = (const u32 *)(img + p);
				u32 namesz = nh[0], descsz = nh[1], type = nh[2];
				u32 name = p + 12;
				u32 desc = name + ((namesz + 3) & ~3u);

				if (desc + descsz > end || desc < name)
					break;
				if (namesz == 4 && !memcmp(img + name, "Xen", 4) &&
				    type == XEN_ELFNOTE_PHYS32_ENTRY &&
				    (descsz == 4 || descsz == 8)) {
					entry = *(const u32 *)(img + desc);
					if (descsz == 8 &&
					    *(const u32 *)(img + desc + 4))
						fatal("PVH entry above 4 GiB");
				}
				p = desc + ((descsz + 3) & ~3u);
			}
			continue;
		}
		if (!ph->memsz)
			continue;
		if (ph->filesz > ph->memsz ||
		    ph->paddr + ph->memsz > 0xffffffffull)
			fatal("vmlinux segment %u: bad sizes or address (paddr %X filesz %X memsz %X)",
			      i, ph->paddr, ph->filesz, ph->memsz);
		if (nr_segs == MAX_SEGS)
			fatal("vmlinux has more than %u load segments", MAX_SEGS);
		segs[nr_segs].offset = (u32)ph->offset;
		segs[nr_segs].paddr = (u32)ph->paddr;
		segs[nr_segs].filesz = (u32)ph->filesz;
		segs[nr_segs].memsz = (u32)ph->memsz;
		if (!in_ram(segs[nr_segs].paddr, segs[nr_segs].memsz))
			fatal("vmlinux segment %u (%x, %M) is not in usable RAM: raise megs",
			      i, segs[nr_segs].paddr, segs[nr_segs].memsz);
		if (segs[nr_segs].paddr < lo)
			lo = segs[nr_segs].paddr;
		if (segs[nr_segs].paddr + segs[nr_segs].memsz > hi)
			hi = segs[nr_segs].paddr + segs[nr_segs].memsz;
		nr_segs++;
	}
	if (!nr_segs)
		fatal("vmlinux has no PT_LOAD segment");
	if (!entry)
		fatal("vmlinux has no PVH entry note (Xen, type 18): kernel built without CONFIG_PVH?");
	if (entry < lo || entry >= hi)
		fatal("PVH entry %x outside the kernel image %x-%x", entry, lo, hi);
	*kstart = lo;
	*kend = hi;
	return entry;
}

/* Are vmlinux's segments already at their p_paddr (packed by pack-vmlinux
 * and loaded at the address the shim's marker segment arranges)? */
static int vmlinux_in_place(void)
{
	u32 i;

	for (i = 0; i < nr_segs; i++)
		if (mods[0].start + segs[i].offset != segs[i].paddr)
			return 0;
	return 1;
}

/*
 * Highest page-aligned spot for len bytes in usable RAM that overlaps neither
 * the kernel's load range, nor the shim, nor any module but module self (a
 * move may overlap its own source: memmove copes). 0 if there is none.
 */
static u32 find_room(u32 len, u32 self, u32 kstart, u32 kend)
{
	u32 end = ram_top(), dst, i;
	int moved;

	do {
		if (len > end)
			return 0;
		dst = (end - len) & ~0xfffu;
		moved = 0;
		if (overlaps(dst, len, kstart, kend - kstart)) {
			end = kstart;
			moved = 1;
		} else if (overlaps(dst, len, (u32)_shim_start,
				    (u32)(_shim_end - _shim_start))) {
			end = (u32)_shim_start;
			moved = 1;
		}
		for (i = 0; !moved && i < nr_mods; i++)
			if (i != self && overlaps(dst, len, mods[i].start, mods[i].len)) {
				end = mods[i].start;
				moved = 1;
			}
	} while (moved);
	return in_ram(dst, len) ? dst : 0;
}

/*
 * Move every module that overlaps [kstart, kend) (except vmlinux when its
 * segments are in place already) to the highest free spot of RAM. A
 * destination never overlaps the kernel range or another module's current
 * data, so no move clobbers anything still needed, whatever the order.
 */
static void relocate_modules(u32 kstart, u32 kend, int in_place)
{
	u32 i, dst;

	for (i = 0; i < nr_mods; i++) {
		struct module *m = &mods[i];

		if (!overlaps(m->start, m->len, kstart, kend - kstart))
			continue;
		if (i == 0 && in_place)
			continue;
		dst = find_room(m->len, i, kstart, kend);
		if (!dst)
			fatal("no room outside the kernel (%x-%x) for %s (%M): raise megs",
			      kstart, kend, name_of(i), m->len);
		say("moving %s %x -> %x (%M)", name_of(i), m->start, dst, m->len);
		memmove((void *)dst, (const void *)m->start, m->len);
		m->start = dst;
	}
}

static void load_segments(void)
{
	const u8 *img = (const u8 *)mods[0].start;
	u32 i;

	for (i = 0; i < nr_segs; i++) {
		struct segment *s = &segs[i];
		const u8 *src = img + s->offset;

		if (src == (const u8 *)s->paddr) {
			say("segment %x in place, %M (+%M zeroed)", s->paddr,
			    s->filesz, s->memsz - s->filesz);
		} else {
			say("segment %x <- %x, %M (+%M zeroed)", s->paddr,
			    (u32)src, s->filesz, s->memsz - s->filesz);
			memmove((void *)s->paddr, src, s->filesz);
		}
		memset((void *)(s->paddr + s->filesz), 0, s->memsz - s->filesz);
	}
}

void shim_main(u32 magic, u32 mbi_addr)
{
	u32 kstart, kend, entry, i;

	serial_init();
	rsdp_addr = find_rsdp();
	say("multiboot-to-PVH shim at %x-%x", (u32)_shim_start, (u32)_shim_end);

	if (cmos_read(CMOS_MARK_A) == MARK_A && cmos_read(CMOS_MARK_B) == MARK_B) {
		cmos_write(CMOS_MARK_A, 0);
		cmos_write(CMOS_MARK_B, 0);
		fatal("second boot in this run: the guest rebooted (panic with panic=-1, triple fault, reboot?)");
	}
	cmos_write(CMOS_MARK_A, MARK_A);
	cmos_write(CMOS_MARK_B, MARK_B);

	read_multiboot(magic, (const struct mb_info *)mbi_addr);

	entry = parse_vmlinux(&kstart, &kend);
	say("kernel %x-%x (%M), PVH entry %x", kstart, kend, kend - kstart, entry);
	if (overlaps((u32)_shim_start, (u32)(_shim_end - _shim_start), kstart,
		     kend - kstart))
		fatal("the shim itself overlaps the kernel load range");

	relocate_modules(kstart, kend, vmlinux_in_place());
	load_segments();

	if (rsdp_addr)
		say("ACPI RSDP at %x", rsdp_addr);
	else
		say("warning: no ACPI RSDP found: no ACPI power off in the guest");

	start_info.magic = HVM_START_MAGIC;
	start_info.version = 1;
	start_info.flags = 0;
	start_info.cmdline_paddr = (u32)cmdline;
	start_info.rsdp_paddr = rsdp_addr;
	start_info.memmap_paddr = (u32)memmap;
	start_info.memmap_entries = nr_memmap;
	if (nr_mods >= 2) {
		modlist[0].paddr = mods[1].start;
		modlist[0].size = mods[1].len;
		modlist[0].cmdline_paddr = 0;
		modlist[0].reserved = 0;
		start_info.nr_modules = 1;
		start_info.modlist_paddr = (u32)modlist;
		say("initrd at %x, %M", mods[1].start, mods[1].len);
	} else {
		say("warning: no initrd module");
	}
	for (i = 2; i < nr_mods; i++)
		say("warning: module %u ignored", i);

	say("jumping to the PVH entry %x, start_info at %x", entry,
	    (u32)&start_info);
	pvh_enter(entry, (u32)&start_info);
}
