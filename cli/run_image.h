/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmctl run: guest images. A multiboot (v1) ELF32 image or a flat binary is
 * turned into a list of segments to copy into guest RAM, an entry point
 * and a place for the multiboot information structure. The parser is a pure
 * function of a byte buffer: it never trusts a size or offset in the file
 * and is unit-tested with truncated, overlapping and oversized images.
 *
 * Multiboot v1: https://www.gnu.org/software/grub/manual/multiboot/multiboot.html
 */
#ifndef VMCTL_RUN_IMAGE_H
#define VMCTL_RUN_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "run_options.h"

#define MULTIBOOT_HEADER_MAGIC 0x1BADB002u
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002u	/* in EAX at the entry */
/* The header must lie, 4-byte aligned, in the file's first 8 KiB. */
#define MULTIBOOT_SEARCH 8192u

/* Header flags: bits 0-15 are requirements the loader must meet or refuse. */
#define MULTIBOOT_PAGE_ALIGN (1u << 0)	/* modules page-aligned: none here */
#define MULTIBOOT_MEMORY_INFO (1u << 1)	/* mem_lower/mem_upper: always given */
#define MULTIBOOT_VIDEO_MODE (1u << 2)	/* a framebuffer: this board has none */
#define MULTIBOOT_AOUT_KLUDGE (1u << 16)	/* load from the header's addresses */
#define MULTIBOOT_REQUIREMENTS_KNOWN (MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO)

/* Info flags (what the multiboot information structure holds). */
#define MULTIBOOT_INFO_MEMORY (1u << 0)
#define MULTIBOOT_INFO_BOOT_LOADER_NAME (1u << 9)

/* The multiboot information structure, up to the VBE fields (88 bytes). */
struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;	/* KiB below 640 KiB, KiB above 1 MiB */
	uint32_t boot_device, cmdline, mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr, drives_length, drives_addr;
	uint32_t config_table, boot_loader_name, apm_table;
	uint32_t vbe_control_info, vbe_mode_info;
	uint16_t vbe_mode, vbe_interface_seg, vbe_interface_off, vbe_interface_len;
};
_Static_assert(sizeof(struct multiboot_info) == 88, "multiboot v1 info layout");

#define RUN_BOOT_LOADER_NAME "vmctl (thinvm)"
/* The info structure, then the loader's name after it. */
#define RUN_MBI_SIZE (sizeof(struct multiboot_info) + sizeof(RUN_BOOT_LOADER_NAME))

/* More PT_LOAD segments than this is not a small guest. */
#define RUN_IMAGE_MAX_SEGMENTS 16
/* Program headers looked at: loadable ones and the notes, stack flags... */
#define RUN_IMAGE_MAX_PHDRS 64

struct run_segment {
	uint64_t gpa;		/* where in guest RAM */
	uint64_t offset;	/* where in the file */
	uint64_t filesz;	/* bytes copied from the file */
	uint64_t memsz;		/* filesz, then zeros up to this */
};

struct run_image {
	enum run_format format;	/* ELF or FLAT, never AUTO */
	uint32_t entry;		/* guest-physical */
	uint32_t mbi_addr;	/* the multiboot information, RUN_MBI_SIZE bytes */
	uint32_t mb_flags;	/* the multiboot header's flags (ELF) */
	unsigned int nsegments;
	struct run_segment segments[RUN_IMAGE_MAX_SEGMENTS];
};

/*
 * Parse the @len bytes of @buf as @o->format says (AUTO: by the ELF magic)
 * for a guest of @o->memory bytes of RAM at address 0; a flat binary goes
 * to @o->load_addr. Checks that every segment lies in the file and in RAM,
 * that no two overlap, that the entry is in one, and finds a place for the
 * multiboot information. Returns 0, or -1 with a sentence in @err.
 */
int run_image_parse(const uint8_t *buf, size_t len, const struct run_options *o,
		    struct run_image *img, char *err, size_t errsize);

/*
 * Copy @img's segments from @buf into @ram (@ram_size bytes, already zero
 * where nothing is copied) and write the multiboot information there.
 * @img must come from run_image_parse() with the same buffer and size.
 */
void run_image_load(const struct run_image *img, const uint8_t *buf,
		    uint8_t *ram, uint64_t ram_size);

const char *run_format_name(enum run_format f);

#endif
