// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl run's image parser and loader (cli/run_image.c), on images built
 * here byte by byte: what it accepts is loaded where it says, and what it
 * refuses (truncated, corrupted, overlapping, outside RAM, oversized)
 * gets a message. A randomised test mutates a good image thousands of
 * times and checks that whatever is accepted keeps every promise.
 */
#include <criterion/criterion.h>
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "../../cli/run_image.h"

#define RAM (2u << 20)
#define TEXT_OFF 0x1000
#define TEXT_LEN 0x200
#define DATA_OFF 0x1200
#define DATA_LEN 0x40
#define IMAGE_LEN (DATA_OFF + DATA_LEN)

static uint8_t image[IMAGE_LEN];
static struct run_options o;
static struct run_image img;
static char err[512];

static Elf32_Ehdr *ehdr(void)
{
	return (Elf32_Ehdr *)image;
}

static Elf32_Phdr *phdr(unsigned int i)
{
	return (Elf32_Phdr *)(image + sizeof(Elf32_Ehdr)) + i;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/*
 * A multiboot ELF as the example guests are: code at 1 MiB (a jump over
 * the header at offset 8), data at 1 MiB + 4 KiB with a bss tail, a
 * PT_GNU_STACK header between them that the loader must skip.
 */
static void build(void)
{
	memset(image, 0, sizeof(image));
	*ehdr() = (Elf32_Ehdr){
		.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS32, ELFDATA2LSB, EV_CURRENT },
		.e_type = ET_EXEC, .e_machine = EM_386, .e_version = EV_CURRENT,
		.e_entry = 0x100000, .e_phoff = sizeof(Elf32_Ehdr),
		.e_ehsize = sizeof(Elf32_Ehdr), .e_phentsize = sizeof(Elf32_Phdr), .e_phnum = 3,
	};
	*phdr(0) = (Elf32_Phdr){ .p_type = PT_LOAD, .p_offset = TEXT_OFF, .p_vaddr = 0x100000,
				 .p_paddr = 0x100000, .p_filesz = TEXT_LEN, .p_memsz = TEXT_LEN,
				 .p_flags = PF_R | PF_X, .p_align = 0x1000 };
	*phdr(1) = (Elf32_Phdr){ .p_type = PT_GNU_STACK, .p_offset = 0xffffffff,
				 .p_filesz = 0xffffffff, .p_memsz = 0xffffffff };
	*phdr(2) = (Elf32_Phdr){ .p_type = PT_LOAD, .p_offset = DATA_OFF, .p_vaddr = 0x101000,
				 .p_paddr = 0x101000, .p_filesz = DATA_LEN, .p_memsz = 0x3000,
				 .p_flags = PF_R | PF_W, .p_align = 0x1000 };
	image[TEXT_OFF] = 0xeb;		/* jmp over the header */
	put32(image + TEXT_OFF + 8, MULTIBOOT_HEADER_MAGIC);
	put32(image + TEXT_OFF + 12, MULTIBOOT_MEMORY_INFO);
	put32(image + TEXT_OFF + 16, -(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_MEMORY_INFO));
	for (unsigned int i = 0; i < DATA_LEN; i++)
		image[DATA_OFF + i] = 0x80 + i;
	o = (struct run_options){ .memory = RAM, .cpus = 1, .load_addr = 0x100000 };
}

static int parse_len(size_t len)
{
	err[0] = '\0';
	return run_image_parse(image, len, &o, &img, err, sizeof(err));
}

static int parse(void)
{
	return parse_len(IMAGE_LEN);
}

static void refused(const char *needle)
{
	cr_assert_eq(parse(), -1, "accepted; wanted a refusal with \"%s\"", needle);
	cr_assert(strstr(err, needle), "message \"%s\" lacks \"%s\"", err, needle);
}

/* Multiboot flags with a checksum that matches. */
static void set_mb_flags(uint32_t flags)
{
	put32(image + TEXT_OFF + 12, flags);
	put32(image + TEXT_OFF + 16, -(MULTIBOOT_HEADER_MAGIC + flags));
}

Test(run_image, multiboot_elf_segments_entry_and_info_place, .init = build)
{
	cr_assert_eq(parse(), 0, "%s", err);
	cr_assert_eq(img.format, RUN_FORMAT_ELF);
	cr_assert_eq(img.nsegments, 2, "PT_GNU_STACK is not loaded");
	cr_assert_eq(img.segments[0].gpa, 0x100000);
	cr_assert_eq(img.segments[0].offset, TEXT_OFF);
	cr_assert_eq(img.segments[0].filesz, TEXT_LEN);
	cr_assert_eq(img.segments[1].gpa, 0x101000);
	cr_assert_eq(img.segments[1].memsz, 0x3000);
	cr_assert_eq(img.entry, 0x100000);
	cr_assert_eq(img.mb_flags, MULTIBOOT_MEMORY_INFO);
	cr_assert_eq(img.mbi_addr, 0x1000);
}

Test(run_image, load_copies_zeroes_and_writes_the_multiboot_info, .init = build)
{
	uint8_t *ram = malloc(RAM);
	struct multiboot_info mbi;

	cr_assert_eq(parse(), 0, "%s", err);
	memset(ram, 0xaa, RAM);
	run_image_load(&img, image, ram, RAM);
	cr_assert_eq(memcmp(ram + 0x100000, image + TEXT_OFF, TEXT_LEN), 0);
	cr_assert_eq(memcmp(ram + 0x101000, image + DATA_OFF, DATA_LEN), 0);
	for (unsigned int i = DATA_LEN; i < 0x3000; i++)
		cr_assert_eq(ram[0x101000 + i], 0, "bss byte %#x not zero", i);
	cr_assert_eq(ram[0x101000 + 0x3000], 0xaa, "wrote past the segment");
	memcpy(&mbi, ram + img.mbi_addr, sizeof(mbi));
	cr_assert_eq(mbi.flags, MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_BOOT_LOADER_NAME);
	cr_assert_eq(mbi.mem_lower, 640);
	cr_assert_eq(mbi.mem_upper, 1024);
	cr_assert_eq(mbi.boot_loader_name, img.mbi_addr + sizeof(mbi));
	cr_assert_str_eq((char *)ram + mbi.boot_loader_name, "vmctl (thinvm)");
	free(ram);
}

Test(run_image, small_ram_sizes_in_the_info)
{
	struct run_image flat;
	struct run_options small = { .memory = 256 << 10, .load_addr = 0x8000,
				     .format = RUN_FORMAT_FLAT };
	uint8_t *ram = calloc(1, small.memory), code[16] = { 0xf4 };
	struct multiboot_info mbi;

	cr_assert_eq(run_image_parse(code, sizeof(code), &small, &flat, err, sizeof(err)), 0, "%s", err);
	run_image_load(&flat, code, ram, small.memory);
	memcpy(&mbi, ram + flat.mbi_addr, sizeof(mbi));
	cr_assert_eq(mbi.mem_lower, 256);
	cr_assert_eq(mbi.mem_upper, 0);
	free(ram);
}

Test(run_image, every_truncation_is_refused, .init = build)
{
	/* As an ELF: by content, a 3-byte prefix would be a flat binary. */
	o.format = RUN_FORMAT_ELF;
	for (size_t len = 0; len < IMAGE_LEN; len++) {
		cr_assert_eq(parse_len(len), -1, "a %zu-byte prefix was accepted", len);
		cr_assert(err[0], "no message for a %zu-byte prefix", len);
	}
}

Test(run_image, elf_headers_that_are_not_ours, .init = build)
{
	image[EI_CLASS] = ELFCLASS64;
	refused("a 64-bit ELF file");
	build();
	image[EI_CLASS] = 7;
	refused("ELF class 7");
	build();
	image[EI_DATA] = ELFDATA2MSB;
	refused("big-endian");
	build();
	ehdr()->e_machine = EM_X86_64;
	refused("machine 62, not for i386");
	build();
	ehdr()->e_type = ET_DYN;
	refused("not an executable");
	build();
	ehdr()->e_phentsize = 56;
	refused("program headers of 56 bytes");
	build();
	ehdr()->e_phnum = 0;
	refused("0 program headers");
	build();
	ehdr()->e_phnum = 65;
	refused("65 program headers");
	build();
	ehdr()->e_phoff = 0xfffffff0;
	refused("end past the file's");
	build();
	o.format = RUN_FORMAT_ELF;
	image[0] = 'X';
	refused("not an ELF file");
}

Test(run_image, segments_that_do_not_fit, .init = build)
{
	phdr(0)->p_filesz = TEXT_LEN + 1;
	refused("bytes in the file but only");
	build();
	phdr(2)->p_filesz = 0x100;
	refused("(truncated?)");
	build();
	phdr(2)->p_offset = 0xffffffff;
	refused("(truncated?)");
	build();
	phdr(2)->p_paddr = RAM - 0x1000;
	refused("segment 2 (0x1ff000-0x201fff) lies outside the guest's 2M of RAM");
	build();
	phdr(2)->p_paddr = 0xfffff000;	/* would wrap in 32 bits */
	refused("lies outside the guest's 2M");
	build();
	phdr(2)->p_memsz = 0xffffffff;
	refused("lies outside the guest's 2M");
	build();
	phdr(2)->p_paddr = 0x100100;
	refused("segments overlap");
	build();
	phdr(0)->p_type = PT_NOTE;
	phdr(2)->p_type = PT_NOTE;
	refused("no loadable (PT_LOAD) segment");
	build();
	ehdr()->e_entry = 0x200000;
	refused("the entry point 0x200000 is in no loadable segment");
}

Test(run_image, seventeen_segments_are_too_many, .init = build)
{
	static uint8_t big[0x2000];
	Elf32_Ehdr *eh = (Elf32_Ehdr *)big;
	Elf32_Phdr *ph = (Elf32_Phdr *)(big + sizeof(*eh));

	memcpy(big, image, sizeof(Elf32_Ehdr));
	eh->e_phnum = 17;
	for (int i = 0; i < 17; i++)
		ph[i] = (Elf32_Phdr){ .p_type = PT_LOAD, .p_vaddr = 0x100000 + i * 0x1000,
				      .p_paddr = 0x100000 + i * 0x1000, .p_memsz = 0x1000 };
	memcpy(big + 0x1000, image + TEXT_OFF, 0x20);
	cr_assert_eq(run_image_parse(big, sizeof(big), &o, &img, err, sizeof(err)), -1);
	cr_assert(strstr(err, "more than 16 loadable segments"), "%s", err);
}

Test(run_image, physical_addresses_and_virtual_entry, .init = build)
{
	/* Linked high, loaded low, as kernels often are: entry is translated. */
	phdr(0)->p_vaddr = 0xc0100000;
	phdr(2)->p_vaddr = 0xc0101000;
	ehdr()->e_entry = 0xc0100004;
	cr_assert_eq(parse(), 0, "%s", err);
	cr_assert_eq(img.entry, 0x100004);
}

Test(run_image, multiboot_header_rules, .init = build)
{
	put32(image + TEXT_OFF + 16, 0);
	refused("no multiboot header");
	build();
	set_mb_flags(MULTIBOOT_MEMORY_INFO | MULTIBOOT_VIDEO_MODE);
	refused("requires what this board lacks (flags 0x6: a video mode)");
	build();
	set_mb_flags(1u << 5);
	refused("requires what this board lacks (flags 0x20)");
	build();
	/* Optional bits (16 and up, but 16 itself) are fine; page-align too. */
	set_mb_flags(MULTIBOOT_PAGE_ALIGN | (1u << 20));
	cr_assert_eq(parse(), 0, "%s", err);
}

Test(run_image, multiboot_header_only_in_the_first_8k)
{
	static uint8_t big[0x3000];
	Elf32_Ehdr *eh = (Elf32_Ehdr *)big;
	Elf32_Phdr *ph = (Elf32_Phdr *)(big + sizeof(*eh));
	struct run_options ro = { .memory = RAM };

	build();
	memcpy(big, image, sizeof(*eh));
	eh->e_phnum = 1;
	*ph = (Elf32_Phdr){ .p_type = PT_LOAD, .p_offset = 0x1000, .p_vaddr = 0x100000,
			    .p_paddr = 0x100000, .p_filesz = 0x2000, .p_memsz = 0x2000 };
	put32(big + 0x2000, MULTIBOOT_HEADER_MAGIC);
	put32(big + 0x2004, 0);
	put32(big + 0x2008, -MULTIBOOT_HEADER_MAGIC);
	cr_assert_eq(run_image_parse(big, sizeof(big), &ro, &img, err, sizeof(err)), -1);
	cr_assert(strstr(err, "no multiboot header"), "%s", err);
	/* It must lie wholly in the first 8 KiB: ending at 8 KiB is in. */
	memmove(big + 0x1ff4, big + 0x2000, 12);
	memset(big + 0x2000, 0, 12);
	cr_assert_eq(run_image_parse(big, sizeof(big), &ro, &img, err, sizeof(err)), 0, "%s", err);
}

/* Flag 16: the header's addresses rule, as GRUB does it. */
static void aout(uint32_t header_addr, uint32_t load, uint32_t load_end, uint32_t bss_end,
		 uint32_t entry)
{
	set_mb_flags(MULTIBOOT_AOUT_KLUDGE);
	put32(image + TEXT_OFF + 20, header_addr);
	put32(image + TEXT_OFF + 24, load);
	put32(image + TEXT_OFF + 28, load_end);
	put32(image + TEXT_OFF + 32, bss_end);
	put32(image + TEXT_OFF + 36, entry);
}

Test(run_image, multiboot_address_fields, .init = build)
{
	o.memory = 4 << 20;
	/* The header (file 0x1008) at 0x200008: loading starts at file 0x1000. */
	aout(0x200008, 0x200000, 0x200100, 0x204000, 0x200000);
	cr_assert_eq(parse(), 0, "%s", err);
	cr_assert_eq(img.nsegments, 1);
	cr_assert_eq(img.segments[0].gpa, 0x200000);
	cr_assert_eq(img.segments[0].offset, 0x1000);
	cr_assert_eq(img.segments[0].filesz, 0x100);
	cr_assert_eq(img.segments[0].memsz, 0x4000);
	cr_assert_eq(img.entry, 0x200000);

	aout(0x200008, 0x200000, 0, 0, 0x200010);	/* to the end of the file, no bss */
	cr_assert_eq(parse(), 0, "%s", err);
	cr_assert_eq(img.segments[0].filesz, IMAGE_LEN - 0x1000);
	cr_assert_eq(img.segments[0].memsz, IMAGE_LEN - 0x1000);

	aout(0x200008, 0x200010, 0, 0, 0x200010);
	refused("does not fit header_addr");
	aout(0x200008, 0x1000, 0, 0, 0x1000);		/* would start before the file */
	refused("does not fit header_addr");
	aout(0x200008, 0x200000, 0x100000, 0, 0x200000);
	refused("load_end_addr 0x100000 is before load_addr");
	aout(0x200008, 0x200000, 0x300000, 0, 0x200000);
	refused("past the end of the file");
	aout(0x200008, 0x200000, 0x200100, 0x200080, 0x200000);
	refused("bss_end_addr 0x200080 is before the end");
	aout(0x200008, 0x200000, 0x200100, 0, 0x300000);
	refused("the entry point 0x300000 is outside what is loaded");
	aout(0x3ffff8, 0x3ffff0, 0, 0, 0x3ffff0);
	refused("lies outside the guest's 4M of RAM");
}

Test(run_image, flat_binaries, .init = build)
{
	static const uint8_t code[] = { 0xb0, 0x2a, 0xe6, 0xf4 };

	o.format = RUN_FORMAT_AUTO;
	cr_assert_eq(run_image_parse(code, sizeof(code), &o, &img, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(img.format, RUN_FORMAT_FLAT);
	cr_assert_eq(img.entry, 0x100000);
	cr_assert_eq(img.nsegments, 1);
	cr_assert_eq(img.segments[0].memsz, sizeof(code));

	/* An ELF file loaded as bytes, if asked. */
	o.format = RUN_FORMAT_FLAT;
	cr_assert_eq(parse(), 0, "%s", err);
	cr_assert_eq(img.segments[0].filesz, IMAGE_LEN);

	o.load_addr = RAM - sizeof(code);
	cr_assert_eq(run_image_parse(code, sizeof(code), &o, &img, err, sizeof(err)), 0, "%s", err);
	o.load_addr = RAM - sizeof(code) + 1;
	cr_assert_eq(run_image_parse(code, sizeof(code), &o, &img, err, sizeof(err)), -1);
	cr_assert(strstr(err, "the binary (0x1ffffd-0x200000) lies outside"), "%s", err);
	o.load_addr = 0xffffffff;
	cr_assert_eq(run_image_parse(code, sizeof(code), &o, &img, err, sizeof(err)), -1);
	cr_assert_eq(run_image_parse(code, 0, &o, &img, err, sizeof(err)), -1);
	cr_assert(strstr(err, "the image is empty"), "%s", err);
}

Test(run_image, the_info_goes_where_it_fits, .init = build)
{
	static uint8_t code[0x3000];
	struct run_options fo = { .memory = 64 << 10, .format = RUN_FORMAT_FLAT, .load_addr = 0x800 };

	/* 0x1000 is taken: just after the binary. */
	cr_assert_eq(run_image_parse(code, 0x1000, &fo, &img, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(img.mbi_addr, 0x1800);
	/* The binary fills RAM: nowhere. */
	fo.load_addr = 0;
	cr_assert_eq(run_image_parse(code, sizeof(code), &fo, &img, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(img.mbi_addr, 0x3000);
	fo.memory = 0x3000 + RUN_MBI_SIZE - 1;
	cr_assert_eq(run_image_parse(code, sizeof(code), &fo, &img, err, sizeof(err)), -1);
	cr_assert(strstr(err, "no room in RAM for the multiboot information"), "%s", err);
}

/*
 * Random damage to a good image: one to eight bytes of the first 0x1040
 * (headers, multiboot header, start of the code) set to random values,
 * sometimes cut short too. Whatever the parser accepts must keep every
 * promise of run_image.h, and loading it must stay inside RAM.
 */
Test(run_image, random_damage_never_breaks_a_promise)
{
	static uint8_t ram[RAM];
	unsigned int accepted = 0;

	srand(20261121);
	for (int round = 0; round < 20000; round++) {
		size_t len = IMAGE_LEN;
		int n = 1 + rand() % 8;

		build();
		for (int i = 0; i < n; i++) {
			size_t at = rand() % (sizeof(Elf32_Ehdr) + 3 * sizeof(Elf32_Phdr));

			if (rand() % 4 == 0)
				at = TEXT_OFF + rand() % 0x40;
			image[at] = rand();
		}
		if (rand() % 8 == 0)
			len = rand() % IMAGE_LEN;
		o.memory = rand() % 2 ? RAM : 1 << 20;
		if (parse_len(len)) {
			cr_assert(err[0], "round %d: refused without a message", round);
			continue;
		}
		accepted++;
		cr_assert(img.nsegments >= 1 && img.nsegments <= RUN_IMAGE_MAX_SEGMENTS);
		for (unsigned int i = 0; i < img.nsegments; i++) {
			const struct run_segment *s = &img.segments[i];

			cr_assert(s->memsz && s->filesz <= s->memsz, "round %d", round);
			cr_assert(s->offset + s->filesz <= len, "round %d: past the file", round);
			cr_assert(s->gpa + s->memsz <= o.memory, "round %d: past RAM", round);
			for (unsigned int j = 0; j < i; j++) {
				const struct run_segment *t = &img.segments[j];

				cr_assert(s->gpa >= t->gpa + t->memsz || t->gpa >= s->gpa + s->memsz,
					  "round %d: overlap", round);
			}
		}
		cr_assert((uint64_t)img.mbi_addr + RUN_MBI_SIZE <= o.memory, "round %d", round);
		run_image_load(&img, image, ram, o.memory);
	}
	cr_assert(accepted > 100, "only %u of 20000 damaged images accepted: the test tests little",
		  accepted);
}
