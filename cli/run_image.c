// SPDX-License-Identifier: GPL-2.0
/*
 * Guest images for vmctl run (run_image.h). Every number read from the file
 * is checked against the file's size and the guest's RAM in 64-bit
 * arithmetic, where 32-bit sums of ELF fields cannot wrap.
 */
#include <elf.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "run_image.h"
#include "vmctl.h"

const char *run_format_name(enum run_format f)
{
	switch (f) {
	case RUN_FORMAT_ELF:
		return "multiboot ELF";
	case RUN_FORMAT_FLAT:
		return "flat binary";
	default:
		return "by content";
	}
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));	/* x86 only: the file is little-endian too */
	return v;
}

/* "16M" rather than 16777216 in messages about where things go. */
static void format_size(uint64_t n, char *buf, size_t size)
{
	if (n && !(n & ((1ull << 30) - 1)))
		snprintf(buf, size, "%lluG", (unsigned long long)(n >> 30));
	else if (n && !(n & ((1ull << 20) - 1)))
		snprintf(buf, size, "%lluM", (unsigned long long)(n >> 20));
	else if (n && !(n & ((1ull << 10) - 1)))
		snprintf(buf, size, "%lluK", (unsigned long long)(n >> 10));
	else
		snprintf(buf, size, "%llu bytes", (unsigned long long)n);
}

/* Segment @what must fit in RAM: [gpa, gpa + memsz). */
static int check_in_ram(const char *what, uint64_t gpa, uint64_t memsz, uint64_t ram,
			char *err, size_t errsize)
{
	char ram_text[32];

	if (gpa < ram && memsz <= ram - gpa)
		return 0;
	format_size(ram, ram_text, sizeof(ram_text));
	return vmctl_errf(err, errsize,
		    "%s (0x%llx-0x%llx) lies outside the guest's %s of RAM (0x0-0x%llx); more --memory?",
		    what, (unsigned long long)gpa, (unsigned long long)(gpa + memsz - 1),
		    ram_text, (unsigned long long)(ram - 1));
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static int add_segment(struct run_image *img, uint64_t gpa, uint64_t offset,
		       uint64_t filesz, uint64_t memsz, char *err, size_t errsize)
{
	if (img->nsegments == RUN_IMAGE_MAX_SEGMENTS)
		return vmctl_errf(err, errsize, "more than %d loadable segments", RUN_IMAGE_MAX_SEGMENTS);
	img->segments[img->nsegments++] = (struct run_segment){
		.gpa = gpa, .offset = offset, .filesz = filesz, .memsz = memsz,
	};
	return 0;
}

/*
 * The multiboot header: magic, flags, checksum (the three sum to 0 mod
 * 2^32), 4-byte aligned in the first 8 KiB. Returns its offset, or -1.
 */
static long find_multiboot_header(const uint8_t *buf, size_t len)
{
	size_t end = len < MULTIBOOT_SEARCH ? len : MULTIBOOT_SEARCH;

	for (size_t off = 0; off + 12 <= end; off += 4) {
		uint32_t magic = get32(buf + off);

		if (magic == MULTIBOOT_HEADER_MAGIC &&
		    (uint32_t)(magic + get32(buf + off + 4) + get32(buf + off + 8)) == 0)
			return off;
	}
	return -1;
}

/*
 * Multiboot flag 16 (the "a.out kludge"): the header says where the image
 * goes, and the loader follows it rather than the ELF program headers, as
 * GRUB does. One segment: from the file offset that corresponds to
 * load_addr, up to load_end_addr (0: the end of the file), then zeros up
 * to bss_end_addr (0: none).
 */
static int parse_aout_kludge(const uint8_t *buf, size_t len, size_t hdr, uint64_t ram,
			     struct run_image *img, char *err, size_t errsize)
{
	uint32_t header_addr, load_addr, load_end, bss_end;
	uint64_t start, filesz, memsz;

	if (hdr + 32 > len)
		return vmctl_errf(err, errsize, "the multiboot header's address fields (flag 16) are cut off");
	header_addr = get32(buf + hdr + 12);
	load_addr = get32(buf + hdr + 16);
	load_end = get32(buf + hdr + 20);
	bss_end = get32(buf + hdr + 24);
	img->entry = get32(buf + hdr + 28);
	if (load_addr > header_addr || header_addr - load_addr > hdr)
		return vmctl_errf(err, errsize,
			    "multiboot header: load_addr 0x%x does not fit header_addr 0x%x at file offset 0x%zx",
			    load_addr, header_addr, hdr);
	start = hdr - (header_addr - load_addr);
	if (!load_end)
		filesz = len - start;
	else if (load_end < load_addr || load_end - load_addr > len - start)
		return vmctl_errf(err, errsize,
			    "multiboot header: load_end_addr 0x%x is before load_addr 0x%x or past the end of the file",
			    load_end, load_addr);
	else
		filesz = load_end - load_addr;
	memsz = filesz;
	if (bss_end) {
		if (bss_end < load_addr + filesz)
			return vmctl_errf(err, errsize,
				    "multiboot header: bss_end_addr 0x%x is before the end of what is loaded",
				    bss_end);
		memsz = bss_end - load_addr;
	}
	if (!memsz)
		return vmctl_errf(err, errsize, "multiboot header: nothing to load");
	if (check_in_ram("the image", load_addr, memsz, ram, err, errsize))
		return -1;
	return add_segment(img, load_addr, start, filesz, memsz, err, errsize);
}

/* The PT_LOAD segments, at their physical addresses (p_paddr), as GRUB loads them. */
static int parse_phdrs(const uint8_t *buf, size_t len, const Elf32_Ehdr *eh, uint64_t ram,
		       struct run_image *img, char *err, size_t errsize)
{
	bool entry_found = false;

	for (unsigned int i = 0; i < eh->e_phnum; i++) {
		Elf32_Phdr ph;
		char what[48];

		memcpy(&ph, buf + eh->e_phoff + (size_t)i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || !ph.p_memsz)
			continue;
		snprintf(what, sizeof(what), "segment %u", i);
		if (ph.p_filesz > ph.p_memsz)
			return vmctl_errf(err, errsize,
				    "%s: %u bytes in the file but only %u in memory", what,
				    ph.p_filesz, ph.p_memsz);
		if ((uint64_t)ph.p_offset + ph.p_filesz > len)
			return vmctl_errf(err, errsize,
				    "%s: file bytes 0x%x-0x%llx, but the file has %zu bytes (truncated?)",
				    what, ph.p_offset,
				    (unsigned long long)ph.p_offset + ph.p_filesz - 1, len);
		if (check_in_ram(what, ph.p_paddr, ph.p_memsz, ram, err, errsize))
			return -1;
		if (add_segment(img, ph.p_paddr, ph.p_offset, ph.p_filesz, ph.p_memsz,
				err, errsize))
			return -1;
		/* e_entry is virtual; multiboot enters at the physical address. */
		if (!entry_found && eh->e_entry >= ph.p_vaddr &&
		    eh->e_entry - ph.p_vaddr < ph.p_memsz) {
			img->entry = ph.p_paddr + (eh->e_entry - ph.p_vaddr);
			entry_found = true;
		}
	}
	if (!img->nsegments)
		return vmctl_errf(err, errsize, "no loadable (PT_LOAD) segment");
	if (!entry_found)
		return vmctl_errf(err, errsize, "the entry point 0x%x is in no loadable segment",
			    eh->e_entry);
	return 0;
}

static int parse_elf(const uint8_t *buf, size_t len, uint64_t ram, struct run_image *img,
		     char *err, size_t errsize)
{
	Elf32_Ehdr eh;
	long hdr;

	if (len < SELFMAG || memcmp(buf, ELFMAG, SELFMAG))
		return vmctl_errf(err, errsize, "not an ELF file (no \\177ELF at the start)");
	if (len > EI_CLASS && buf[EI_CLASS] == ELFCLASS64)
		return vmctl_errf(err, errsize,
			    "a 64-bit ELF file: vmctl runs multiboot v1 images, which are ELF32");
	if (len < sizeof(eh))
		return vmctl_errf(err, errsize, "truncated: %zu bytes, fewer than an ELF header (%zu)",
			    len, sizeof(eh));
	if (buf[EI_CLASS] != ELFCLASS32)
		return vmctl_errf(err, errsize, "ELF class %u: vmctl runs multiboot v1 images, which are ELF32",
			    buf[EI_CLASS]);
	memcpy(&eh, buf, sizeof(eh));
	if (eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return vmctl_errf(err, errsize, "a big-endian ELF file: x86 images are little-endian");
	if (eh.e_machine != EM_386)
		return vmctl_errf(err, errsize, "an ELF file for machine %u, not for i386 (3)",
			    eh.e_machine);
	if (eh.e_type != ET_EXEC)
		return vmctl_errf(err, errsize, "ELF type %u, not an executable (%u)", eh.e_type, ET_EXEC);
	if (eh.e_phentsize != sizeof(Elf32_Phdr))
		return vmctl_errf(err, errsize, "program headers of %u bytes, not %zu",
			    eh.e_phentsize, sizeof(Elf32_Phdr));
	if (!eh.e_phnum || eh.e_phnum > RUN_IMAGE_MAX_PHDRS)
		return vmctl_errf(err, errsize, "%u program headers (1 to %d, please)",
			    eh.e_phnum, RUN_IMAGE_MAX_PHDRS);
	if ((uint64_t)eh.e_phoff + (uint64_t)eh.e_phnum * sizeof(Elf32_Phdr) > len)
		return vmctl_errf(err, errsize,
			    "the program headers (offset 0x%x, %u of them) end past the file's %zu bytes (truncated?)",
			    eh.e_phoff, eh.e_phnum, len);

	hdr = find_multiboot_header(buf, len);
	if (hdr < 0)
		return vmctl_errf(err, errsize,
			    "no multiboot header (magic 0x%08x with a valid checksum, 4-byte aligned in the first 8 KiB)",
			    MULTIBOOT_HEADER_MAGIC);
	img->mb_flags = get32(buf + hdr + 4);
	if (img->mb_flags & 0xffff & ~MULTIBOOT_REQUIREMENTS_KNOWN)
		return vmctl_errf(err, errsize,
			    "the multiboot header requires what this board lacks (flags 0x%x%s)",
			    img->mb_flags,
			    img->mb_flags & MULTIBOOT_VIDEO_MODE ? ": a video mode" : "");
	if (img->mb_flags & MULTIBOOT_AOUT_KLUDGE)
		return parse_aout_kludge(buf, len, hdr, ram, img, err, errsize);
	return parse_phdrs(buf, len, &eh, ram, img, err, errsize);
}

static int parse_flat(size_t len, const struct run_options *o, struct run_image *img,
		      char *err, size_t errsize)
{
	if (!len)
		return vmctl_errf(err, errsize, "the image is empty");
	if (check_in_ram("the binary", o->load_addr, len, o->memory, err, errsize))
		return -1;
	img->entry = o->load_addr;
	return add_segment(img, o->load_addr, 0, len, len, err, errsize);
}

static bool overlaps_a_segment(const struct run_image *img, uint64_t gpa, uint64_t size,
			       unsigned int skip)
{
	for (unsigned int i = 0; i < img->nsegments; i++)
		if (i != skip && ranges_overlap(gpa, size, img->segments[i].gpa,
						img->segments[i].memsz))
			return true;
	return false;
}

/*
 * The multiboot information goes at 0x1000 (out of the way of a null
 * pointer and of anything loaded at 1 MiB) or, if the image is there, just
 * after one of its segments: the lowest such place that is free.
 */
static int place_mbi(struct run_image *img, uint64_t ram, char *err, size_t errsize)
{
	uint64_t best = UINT64_MAX;

	for (unsigned int i = 0; i <= img->nsegments; i++) {
		uint64_t c = i == img->nsegments ? 0x1000 :
			     (img->segments[i].gpa + img->segments[i].memsz + 7) & ~7ull;

		if (c < best && c + RUN_MBI_SIZE <= ram && c + RUN_MBI_SIZE <= UINT32_MAX &&
		    !overlaps_a_segment(img, c, RUN_MBI_SIZE, RUN_IMAGE_MAX_SEGMENTS))
			best = c;
	}
	if (best == UINT64_MAX)
		return vmctl_errf(err, errsize,
			    "no room in RAM for the multiboot information beside the image; more --memory?");
	img->mbi_addr = best;
	return 0;
}

int run_image_parse(const uint8_t *buf, size_t len, const struct run_options *o,
		    struct run_image *img, char *err, size_t errsize)
{
	int r;

	*img = (struct run_image){ .format = o->format };
	if (img->format == RUN_FORMAT_AUTO)
		img->format = len >= SELFMAG && !memcmp(buf, ELFMAG, SELFMAG) ?
			      RUN_FORMAT_ELF : RUN_FORMAT_FLAT;
	if (img->format == RUN_FORMAT_ELF)
		r = parse_elf(buf, len, o->memory, img, err, errsize);
	else
		r = parse_flat(len, o, img, err, errsize);
	if (r)
		return r;

	for (unsigned int i = 0; i < img->nsegments; i++) {
		const struct run_segment *s = &img->segments[i];

		if (overlaps_a_segment(img, s->gpa, s->memsz, i))
			return vmctl_errf(err, errsize,
				    "segments overlap in guest memory (one at 0x%llx-0x%llx)",
				    (unsigned long long)s->gpa,
				    (unsigned long long)(s->gpa + s->memsz - 1));
	}
	if (!overlaps_a_segment(img, img->entry, 1, RUN_IMAGE_MAX_SEGMENTS))
		return vmctl_errf(err, errsize, "the entry point 0x%x is outside what is loaded",
			    img->entry);
	return place_mbi(img, o->memory, err, errsize);
}

void run_image_load(const struct run_image *img, const uint8_t *buf,
		    uint8_t *ram, uint64_t ram_size)
{
	struct multiboot_info mbi = {
		.flags = MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_BOOT_LOADER_NAME,
		.mem_lower = (ram_size < (640u << 10) ? ram_size : (640u << 10)) >> 10,
		.mem_upper = ram_size > (1u << 20) ? (ram_size - (1u << 20)) >> 10 : 0,
		.boot_loader_name = img->mbi_addr + sizeof(mbi),
	};

	for (unsigned int i = 0; i < img->nsegments; i++) {
		const struct run_segment *s = &img->segments[i];

		memcpy(ram + s->gpa, buf + s->offset, s->filesz);
		memset(ram + s->gpa + s->filesz, 0, s->memsz - s->filesz);
	}
	memcpy(ram + img->mbi_addr, &mbi, sizeof(mbi));
	memcpy(ram + img->mbi_addr + sizeof(mbi), RUN_BOOT_LOADER_NAME,
	       sizeof(RUN_BOOT_LOADER_NAME));
}
