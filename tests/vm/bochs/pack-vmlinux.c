/*
 * pack-vmlinux: host tool of the Bochs lane. Writes a compact copy of a
 * vmlinux ELF for the PVH shim to load: only the PT_LOAD segments, each with
 * its trailing zero bytes cut off (the shim zeroes p_memsz - p_filesz anyway),
 * and the PT_NOTE data (for the PVH entry note). No section headers, no
 * symbols.
 *
 * The file is laid out as a memory image: the ELF and program headers fill the
 * page below the lowest p_paddr, and every segment sits at file offset
 * 4096 + (p_paddr - lowest p_paddr). The shim's ELF makes mboot.c32 load the
 * first module at 16 MiB - 4 KiB, so for a kernel that starts at 16 MiB (the
 * x86-64 default) every segment arrives where it belongs and the shim copies
 * nothing; for any other layout it falls back to copying.
 *
 * For the Debian 6.1 kernel this turns a 66 MB file into about 37 MB: the last
 * load segment is 25 MiB in the file but mostly .bss, .brk and .init.scratch
 * zeros. Every byte saved is a byte isolinux need not read from the emulated
 * CD-ROM inside the emulator.
 *
 * Usage: pack-vmlinux IN OUT
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PH 32

static const char *prog = "pack-vmlinux";

static void die(const char *msg, const char *arg)
{
	fprintf(stderr, "%s: %s%s%s\n", prog, msg, arg ? ": " : "",
		arg ? arg : "");
	exit(1);
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	if (!f)
		die(strerror(errno), path);
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		die("cannot size", path);
	buf = malloc(n ? (size_t)n : 1);
	if (!buf)
		die("out of memory", NULL);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		die("short read", path);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static int by_paddr(const void *a, const void *b)
{
	const Elf64_Phdr *x = a, *y = b;

	return x->p_paddr < y->p_paddr ? -1 : x->p_paddr > y->p_paddr;
}

static unsigned long long align_up(unsigned long long v, unsigned long long a)
{
	return (v + a - 1) & ~(a - 1);
}

int main(int argc, char **argv)
{
	unsigned char *in, *out;
	size_t len, i, nload = 0, nnote = 0;
	Elf64_Ehdr eh;
	Elf64_Phdr load[MAX_PH], note[MAX_PH], *ph;
	unsigned long long off, total, base;
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: %s IN OUT\n", prog);
		return 2;
	}
	in = slurp(argv[1], &len);
	if (len < sizeof(eh))
		die("too short for an ELF file", argv[1]);
	memcpy(&eh, in, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_X86_64)
		die("not a little-endian x86-64 ELF file", argv[1]);
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || !eh.e_phnum ||
	    eh.e_phoff > len ||
	    (len - eh.e_phoff) / sizeof(Elf64_Phdr) < eh.e_phnum)
		die("bad program headers", argv[1]);

	for (i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr p;

		memcpy(&p, in + eh.e_phoff + i * sizeof(p), sizeof(p));
		if (p.p_type != PT_LOAD && p.p_type != PT_NOTE)
			continue;
		if (p.p_offset > len || p.p_filesz > len - p.p_offset)
			die("segment past the end of the file (truncated?)",
			    argv[1]);
		if (p.p_type == PT_NOTE) {
			if (nnote == MAX_PH)
				die("too many notes", NULL);
			note[nnote++] = p;
			continue;
		}
		if (nload == MAX_PH)
			die("too many load segments", NULL);
		/* cut the trailing zeros: the loader zeroes up to p_memsz */
		while (p.p_filesz && !in[p.p_offset + p.p_filesz - 1])
			p.p_filesz--;
		load[nload++] = p;
	}
	if (!nload)
		die("no PT_LOAD segment", argv[1]);
	qsort(load, nload, sizeof(load[0]), by_paddr);

	/* layout: headers in the page below the image, then the memory image */
	if (sizeof(eh) + (nload + nnote) * sizeof(Elf64_Phdr) > 4096)
		die("too many program headers", NULL);
	base = load[0].p_paddr;
	off = 4096;
	for (i = 0; i < nload; i++) {
		unsigned long long src = load[i].p_offset;

		if (i && load[i].p_paddr < load[i - 1].p_paddr + load[i - 1].p_memsz)
			die("load segments overlap", argv[1]);
		load[i].p_offset = 4096 + (load[i].p_paddr - base);
		off = load[i].p_offset + load[i].p_filesz;
		load[i].p_align = src;	/* stash the source offset */
	}
	off = align_up(off, 16);
	for (i = 0; i < nnote; i++) {
		unsigned long long src = note[i].p_offset;

		note[i].p_offset = off;
		off = align_up(off + note[i].p_filesz, 16);
		note[i].p_align = src;
	}
	total = off;
	out = calloc(1, total);
	if (!out)
		die("out of memory", NULL);
	for (i = 0; i < nload + nnote; i++) {
		ph = i < nload ? &load[i] : &note[i - nload];
		memcpy(out + ph->p_offset, in + ph->p_align, ph->p_filesz);
		ph->p_align = ph->p_type == PT_LOAD ? 4096 : 4;
		memcpy(out + sizeof(eh) + i * sizeof(*ph), ph, sizeof(*ph));
	}
	eh.e_phoff = sizeof(eh);
	eh.e_phnum = (Elf64_Half)(nload + nnote);
	eh.e_shoff = 0;
	eh.e_shnum = 0;
	eh.e_shentsize = 0;
	eh.e_shstrndx = SHN_UNDEF;
	memcpy(out, &eh, sizeof(eh));

	f = fopen(argv[2], "wb");
	if (!f)
		die(strerror(errno), argv[2]);
	if (fwrite(out, 1, total, f) != total || fclose(f))
		die("write failed", argv[2]);
	fprintf(stderr, "%s: %s: %zu -> %llu bytes\n", prog, argv[1], len, total);
	return 0;
}
