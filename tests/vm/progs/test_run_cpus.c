// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl run --cpus: every vCPU starts at the entry point and tells itself
 * apart by CPUID.1:EBX[31:24]; the hello guest has each one answer in turn.
 * A guest whose vCPUs all halt ends with 0. More vCPUs than the device
 * allows is an error that says so. On KVM, the same output.
 */
#include <string.h>

#include "vmrun.h"
#include "vmtest.h"

const bool vt_compares_with_kvm = true;

asm(".pushsection .rodata\n"
    ".code32\n"
    "halt_guest:\n"
    "	hlt\n"
    "halt_guest_end:\n"
    ".code64\n"
    ".popsection\n");
extern const char halt_guest[], halt_guest_end[];

static void greet(unsigned int cpus, char *out, size_t size)
{
	char n[8];
	const char *args[] = { "--device", vr_device(), "--cpus", n, vr_guest("hello.elf"), NULL };
	struct vr_result r;
	char line[128];

	snprintf(n, sizeof(n), "%u", cpus);
	vr_run(&r, 60, args);
	TEST_ASSERT(r.status == 0, "--cpus %u: exit %d: %s", cpus, r.status, vr_why(&r));
	TEST_ASSERT(vr_has_line(r.out, "Hello from a thinvm guest"), "no greeting");
	snprintf(line, sizeof(line), "vCPU 0 of %u, on a CPU that says ", cpus);
	TEST_ASSERT(strstr(r.out, line), "no line \"%s...\"", line);
	for (unsigned int i = 1; i < cpus; i++) {
		snprintf(line, sizeof(line), "vCPU %u of %u says hello too", i, cpus);
		TEST_ASSERT(vr_has_line(r.out, line), "no line \"%s\"", line);
	}
	snprintf(line, sizeof(line), "all %u vCPUs said hello", cpus);
	TEST_ASSERT(vr_has_line(r.out, line), "no line \"%s\"", line);
	vr_keep(out, size, r.out);
}

int main(void)
{
	char two[1024], three[1024], saved[2][1024];
	const char *halt = vr_write_flat("halt", halt_guest, halt_guest_end);
	const char *halt_args[] = { "--device", vr_device(), "--cpus", "2", halt, NULL };
	struct vr_result r;

	/* Before any work: without thinvm's results there is nothing to compare. */
	if (vt_kvm_phase())
		vt_load_outcome("run_cpus", saved, sizeof(saved));
	greet(2, two, sizeof(two));
	greet(3, three, sizeof(three));

	vr_run(&r, 60, halt_args);
	TEST_ASSERT(r.status == 0 && !r.out[0],
		    "two vCPUs that halt: exit %d and output (above), not 0 and nothing", r.status);

	if (!vt_kvm_phase()) {
		const char *many[] = { "--cpus", "65", vr_guest("hello.elf"), NULL };

		/* thinvm's limit is 64 (KVM_CAP_MAX_VCPUS). */
		vr_run(&r, 60, many);
		TEST_ASSERT(r.status == 125 && strstr(r.err, "--cpus 65: /dev/thinvm allows at most 64 vCPUs"),
			    "--cpus 65: exit %d, or not the message expected (above)", r.status);
		vr_keep(saved[0], sizeof(saved[0]), two);
		vr_keep(saved[1], sizeof(saved[1]), three);
		vt_save_outcome("run_cpus", saved, sizeof(saved));
		return 0;
	}
	if (strcmp(saved[0], two) || strcmp(saved[1], three))
		vt_log("thinvm's guest printed:\n%s%s", saved[0], saved[1]);
	TEST_ASSERT(!strcmp(saved[0], two) && !strcmp(saved[1], three),
		    "KVM's guest printed something else than thinvm's (both above)");
	vt_log("KVM and thinvm printed the same");
	return 0;
}
