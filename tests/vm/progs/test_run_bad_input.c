// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl run refuses what it cannot run with a message and the right exit
 * code, before it makes a VM: a missing, empty, truncated or corrupted
 * image, a 64-bit ELF, one without a multiboot header, segments outside
 * RAM or overlapping (125); bad options (2); a device that is not there
 * (125). No VM is left behind. Needs no vCPU, so it runs on every lane.
 */
#include <elf.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmrun.h"
#include "vmtest.h"

static unsigned char elf[1 << 20];
static size_t elf_len;

static void load_hello(void)
{
	int fd = open(vr_guest("hello.elf"), O_RDONLY);
	ssize_t n;

	TEST_ASSERT(fd >= 0, "open hello.elf");
	n = read(fd, elf, sizeof(elf));
	TEST_ASSERT(n > 0 && (size_t)n < sizeof(elf), "read hello.elf");
	elf_len = n;
	close(fd);
}

/* vmctl run ARGS... must exit @status with @needle in its message. */
static void refused(int status, const char *needle, const char *const args[])
{
	struct vr_result r;

	vr_run(&r, 30, args);
	TEST_ASSERT(r.status == status && strstr(r.err, needle),
		    "exit %d, not %d, or no \"%s\" in its message (above)", r.status, status,
		    needle);
	TEST_ASSERT(!r.out[0], "it printed something on stdout (above)");
}

/* hello.elf changed by @edit, cut to @len bytes, written to a file of its own. */
static const char *variant(const char *name, size_t len, void (*edit)(unsigned char *))
{
	static unsigned char copy[sizeof(elf)];

	memcpy(copy, elf, elf_len);
	if (edit)
		edit(copy);
	return vr_write_flat(name, copy, copy + len);
}

static Elf32_Phdr *phdr(unsigned char *image, unsigned int i)
{
	Elf32_Ehdr *eh = (Elf32_Ehdr *)image;

	return (Elf32_Phdr *)(image + eh->e_phoff) + i;
}

static void no_multiboot_magic(unsigned char *image)
{
	static const unsigned char magic[] = { 0x02, 0xb0, 0xad, 0x1b };
	unsigned char *p = memmem(image, 8192, magic, sizeof(magic));

	TEST_ASSERT(p, "hello.elf has no multiboot magic to remove");
	memset(p, 0, sizeof(magic));
}

static void overlapping(unsigned char *image)
{
	phdr(image, 1)->p_paddr = phdr(image, 0)->p_paddr + 0x10;
}

static void huge_segment(unsigned char *image)
{
	phdr(image, 0)->p_memsz = 0xfffff000;
	phdr(image, 0)->p_filesz = 0x1000;
}

static void wrapping_segment(unsigned char *image)
{
	phdr(image, 0)->p_paddr = 0xfffff000;
}

static void offset_past_end(unsigned char *image)
{
	phdr(image, 0)->p_offset = 0xfffffff0;
}

static void many_phdrs(unsigned char *image)
{
	((Elf32_Ehdr *)image)->e_phnum = 0xffff;
}

static void garbage_after_magic(unsigned char *image)
{
	unsigned int x = 12345;

	for (size_t i = 4; i < 256; i++) {
		x = x * 1103515245 + 12345;
		image[i] = x >> 16;
	}
}

int main(void)
{
	int vms = vr_vms_alive();
	const char *hello;

	load_hello();
	hello = vr_guest("hello.elf");
	{
		const char *a[] = { "/no/such/image", NULL };
		refused(125, "/no/such/image: No such file or directory", a);
	}
	{
		const char *a[] = { variant("empty", 0, NULL), NULL };
		refused(125, "the image is empty", a);
	}
	{
		const char *a[] = { variant("cut-header", 60, NULL), NULL };
		refused(125, "end past the file's 60 bytes (truncated?)", a);
	}
	{
		const char *a[] = { variant("cut-segment", 0x1100, NULL), NULL };
		refused(125, "(truncated?)", a);
	}
	{
		const char *a[] = { variant("garbage", elf_len, garbage_after_magic), NULL };
		refused(125, "vmctl: /tmp/", a);
	}
	{
		const char *a[] = { variant("no-multiboot", elf_len, no_multiboot_magic), NULL };
		refused(125, "no multiboot header", a);
	}
	{
		const char *a[] = { variant("overlap", elf_len, overlapping), NULL };
		refused(125, "segments overlap", a);
	}
	{
		const char *a[] = { variant("huge", elf_len, huge_segment), NULL };
		refused(125, "lies outside the guest's 16M of RAM", a);
	}
	{
		const char *a[] = { variant("wrap", elf_len, wrapping_segment), NULL };
		refused(125, "lies outside the guest's 16M of RAM", a);
	}
	{
		const char *a[] = { variant("offset", elf_len, offset_past_end), NULL };
		refused(125, "(truncated?)", a);
	}
	{
		const char *a[] = { variant("phnum", elf_len, many_phdrs), NULL };
		refused(125, "65535 program headers", a);
	}
	{
		const char *a[] = { "/proc/self/exe", NULL };	/* vmctl itself: ELF64 */
		refused(125, "a 64-bit ELF file", a);
	}
	{
		const char *a[] = { "--memory", "1M", hello, NULL };
		refused(125, "lies outside the guest's 1M of RAM (0x0-0xfffff); more --memory?", a);
	}
	{
		const char *a[] = { "--format", "flat", "--load-addr", "0xffffff00", hello, NULL };
		refused(125, "the binary (0xffffff00-", a);
	}
	{
		const char *a[] = { "--device", "/dev/no-such-device", hello, NULL };
		refused(125, "/dev/no-such-device: No such file or directory", a);
	}
	{
		const char *a[] = { NULL };
		refused(2, "no IMAGE to run", a);
	}
	{
		const char *a[] = { "--cpus", "0", hello, NULL };
		refused(2, "--cpus 0: a number of vCPUs from 1 to 256", a);
	}
	{
		const char *a[] = { "-m", "5G", hello, NULL };
		refused(2, "more than 4G", a);
	}
	{
		const char *a[] = { "-m", "99999999999999999999G", hello, NULL };
		refused(2, "is too large", a);
	}
	{
		const char *a[] = { "-m", "17179869184T", hello, NULL };
		refused(2, "unknown unit", a);
	}
	{
		const char *a[] = { "--load-addr", "0x200000", hello, NULL };
		refused(2, "--load-addr is for flat binaries", a);
	}
	{
		const char *a[] = { "--name", "no spaces", hello, NULL };
		refused(2, "a name is 1 to 63 characters", a);
	}
	{
		const char *a[] = { "--frobnicate", hello, NULL };
		refused(2, "unknown option \"--frobnicate\"", a);
	}
	{
		const char *a[] = { hello, hello, NULL };
		refused(2, "one IMAGE only", a);
	}
	TEST_ASSERT(vr_vms_alive() == vms, "%d VMs alive after, %d before", vr_vms_alive(), vms);
	return 0;
}
