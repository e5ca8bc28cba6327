// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl run boots the hello guest as a multiboot ELF and as a flat binary:
 * the same greeting, the multiboot information (memory sizes follow
 * --memory) and the host's CPU vendor, exit 0. On KVM, the oracle, the
 * output is the same.
 */
#include <cpuid.h>
#include <string.h>

#include "vmrun.h"
#include "vmtest.h"

const bool vt_compares_with_kvm = true;

struct outcome {
	char elf[1024], bin[1024], elf32m[1024];
};

static void host_vendor(char out[13])
{
	unsigned int a, b, c, d;

	__cpuid(0, a, b, c, d);
	memcpy(out, &b, 4);
	memcpy(out + 4, &d, 4);
	memcpy(out + 8, &c, 4);
	out[12] = '\0';
}

/* Run @image with @memory (NULL: the default) and check the greeting; keep stdout in @out. */
static void hello(const char *image, const char *memory, unsigned int upper_kib,
		  char *out, size_t size)
{
	const char *args[] = { "--device", vr_device(), vr_guest(image),
			       memory ? "--memory" : NULL, memory, NULL };
	char vendor[13], want[512];
	struct vr_result r;

	host_vendor(vendor);
	vr_run(&r, 60, args);
	TEST_ASSERT(r.status == 0, "%s: exit %d: %s", image, r.status, vr_why(&r));
	snprintf(want, sizeof(want),
		 "Hello from a thinvm guest\n"
		 "booted by vmctl (thinvm) with the multiboot magic 0x2badb002: "
		 "640 KiB of low memory, %u KiB above 1 MiB\n"
		 "vCPU 0 of 1, on a CPU that says %s\n", upper_kib, vendor);
	if (strcmp(r.out, want))
		vt_log("expected:\n%s", want);
	TEST_ASSERT(!strcmp(r.out, want), "%s printed something else than expected (above)", image);
	vr_keep(out, size, r.out);
}

int main(void)
{
	struct outcome mine, thinvm;

	memset(&mine, 0, sizeof(mine));
	/* Before any work: without thinvm's results there is nothing to compare. */
	if (vt_kvm_phase())
		vt_load_outcome("run_hello", &thinvm, sizeof(thinvm));
	hello("hello.elf", NULL, 15 * 1024, mine.elf, sizeof(mine.elf));
	hello("hello.bin", NULL, 15 * 1024, mine.bin, sizeof(mine.bin));
	hello("hello.elf", "32M", 31 * 1024, mine.elf32m, sizeof(mine.elf32m));
	if (!vt_kvm_phase()) {
		vt_save_outcome("run_hello", &mine, sizeof(mine));
		return 0;
	}
	if (strcmp(mine.elf, thinvm.elf) || strcmp(mine.bin, thinvm.bin) ||
	    strcmp(mine.elf32m, thinvm.elf32m))
		vt_log("thinvm's guests printed:\n%s%s%s", thinvm.elf, thinvm.bin, thinvm.elf32m);
	TEST_ASSERT(!strcmp(mine.elf, thinvm.elf) && !strcmp(mine.bin, thinvm.bin) &&
		    !strcmp(mine.elf32m, thinvm.elf32m),
		    "KVM's guest printed something else than thinvm's (both above)");
	vt_log("KVM and thinvm printed the same");
	return 0;
}
