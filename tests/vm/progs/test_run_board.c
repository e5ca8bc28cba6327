// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl run's board and endings, with small flat guests assembled here:
 * the debug-exit byte becomes vmctl's exit code; the multiboot registers
 * reach flat binaries too; --load-addr moves a flat binary; COM1 prints
 * THR bytes but not divisor bytes and reads LSR 0x60; an empty port and
 * memory past RAM read all-ones; a triple fault ends the run with 125 and
 * says so. On KVM, the same exit codes and output.
 */
#include <string.h>

#include "vmrun.h"
#include "vmtest.h"

const bool vt_compares_with_kvm = true;

/* Each guest ends with OUT to 0xf4; the byte it writes is the result. */
asm(".pushsection .rodata\n"
    ".code32\n"
    "exit_guest:\n"			/* byte 1 is patched to the code */
    "	mov $0, %al\n"
    "	out %al, $0xf4\n"
    "	hlt\n"
    "exit_guest_end:\n"

    "multiboot_guest:\n"		/* MiB above 1 MiB, or 1 without the magic */
    "	cmp $0x2badb002, %eax\n"
    "	jne 1f\n"
    "	testl $1, (%ebx)\n"		/* flags: mem_lower/mem_upper valid */
    "	jz 1f\n"
    "	mov 8(%ebx), %eax\n"		/* mem_upper, KiB */
    "	shr $10, %eax\n"
    "	out %al, $0xf4\n"
    "1:	mov $1, %al\n"
    "	out %al, $0xf4\n"
    "multiboot_guest_end:\n"

    "serial_guest:\n"
    "	mov $0x3fb, %dx\n"		/* LCR: DLAB on */
    "	mov $0x80, %al\n"
    "	out %al, %dx\n"
    "	mov $0x3f8, %dx\n"		/* divisor latch, low byte: not output */
    "	mov $'X', %al\n"
    "	out %al, %dx\n"
    "	mov $0x3fb, %dx\n"		/* 8N1, DLAB off */
    "	mov $0x03, %al\n"
    "	out %al, %dx\n"
    "	mov $0x3f8, %dx\n"
    "	mov $'Y', %al\n"
    "	out %al, %dx\n"
    "	mov $'\\n', %al\n"
    "	out %al, %dx\n"
    "	mov $0x3fd, %dx\n"		/* LSR */
    "	in %dx, %al\n"
    "	out %al, $0xf4\n"
    "serial_guest_end:\n"

    "port_guest:\n"			/* nothing at 0x80 */
    "	in $0x80, %al\n"
    "	out %al, $0xf4\n"
    "port_guest_end:\n"

    "mmio_guest:\n"			/* 256 MiB: past a 16 MiB guest's RAM */
    "	mov 0x10000000, %eax\n"
    "	out %al, $0xf4\n"
    "mmio_guest_end:\n"

    "clock_guest:\n"			/* 3 if the clock reads under 10 s, else 4 */
    "	in $0xf0, %eax\n"
    "	cmp $10000, %eax\n"
    "	mov $3, %al\n"
    "	jb 1f\n"
    "	mov $4, %al\n"
    "1:	out %al, $0xf4\n"
    "clock_guest_end:\n"

    "crash_guest:\n"			/* #UD with no IDT: a triple fault */
    "	ud2\n"
    "crash_guest_end:\n"
    ".code64\n"
    ".popsection\n");
extern const char exit_guest[], exit_guest_end[], multiboot_guest[], multiboot_guest_end[],
	serial_guest[], serial_guest_end[], port_guest[], port_guest_end[],
	mmio_guest[], mmio_guest_end[], clock_guest[], clock_guest_end[],
	crash_guest[], crash_guest_end[];

#define GUEST(name) #name, name##_guest, name##_guest_end

struct outcome {
	int status[16];
	char serial_out[64];
};

static struct vr_result r;

static int run_flat(const char *name, const char *start, const char *end,
		    const char *load_addr)
{
	const char *path = vr_write_flat(name, start, end);
	const char *args[] = { "--device", vr_device(), "--format", "flat", path,
			       load_addr ? "--load-addr" : NULL, load_addr, NULL };

	vr_run(&r, 60, args);
	TEST_ASSERT(!r.killed, "%s: did not end", name);
	return r.status;
}

int main(void)
{
	static const unsigned char codes[] = { 0, 1, 42, 255 };
	struct outcome mine, thinvm;
	unsigned int n = 0;
	char patched[16];

	memset(&mine, 0, sizeof(mine));
	/* Before any work: without thinvm's results there is nothing to compare. */
	if (vt_kvm_phase())
		vt_load_outcome("run_board", &thinvm, sizeof(thinvm));
	TEST_ASSERT((size_t)(exit_guest_end - exit_guest) <= sizeof(patched), "exit guest size");
	for (unsigned int i = 0; i < sizeof(codes); i++) {
		memcpy(patched, exit_guest, exit_guest_end - exit_guest);
		patched[1] = codes[i];
		mine.status[n] = run_flat("exit", patched, patched + (exit_guest_end - exit_guest),
					  NULL);
		TEST_ASSERT(mine.status[n] == codes[i], "debug exit %u: vmctl exited %d",
			    codes[i], mine.status[n]);
		n++;
	}
	patched[1] = 9;
	mine.status[n] = run_flat("exit", patched, patched + (exit_guest_end - exit_guest), "0x2000");
	TEST_ASSERT(mine.status[n++] == 9, "--load-addr 0x2000: exit %d, not 9", r.status);

	mine.status[n] = run_flat(GUEST(multiboot), NULL);
	TEST_ASSERT(mine.status[n++] == 15,
		    "flat binary: EAX/EBX not the multiboot magic and info (exit %d; 15 is 15 MiB above 1 MiB)",
		    r.status);

	mine.status[n] = run_flat(GUEST(serial), NULL);
	TEST_ASSERT(mine.status[n++] == 0x60 && !strcmp(r.out, "Y\n"),
		    "serial: exit 0x%x (LSR; 0x60 expected), or its output (above) is not \"Y\\n\"",
		    r.status);
	memcpy(mine.serial_out, r.out, sizeof("Y\n"));

	mine.status[n] = run_flat(GUEST(port), NULL);
	TEST_ASSERT(mine.status[n++] == 0xff, "IN from an empty port: 0x%x, not 0xff", r.status);

	mine.status[n] = run_flat(GUEST(mmio), NULL);
	TEST_ASSERT(mine.status[n++] == 0xff, "a load past RAM: 0x%x, not 0xff", r.status);

	mine.status[n] = run_flat(GUEST(clock), NULL);
	TEST_ASSERT(mine.status[n++] == 3, "the clock port: exit %d (4: it read 10 s or more)",
		    r.status);

	mine.status[n] = run_flat(GUEST(crash), NULL);
	TEST_ASSERT(mine.status[n++] == 125 && strstr(r.err, "triple-faulted (KVM_EXIT_SHUTDOWN)"),
		    "triple fault: exit %d, or no message naming it (above)", r.status);

	if (!vt_kvm_phase()) {
		vt_save_outcome("run_board", &mine, sizeof(mine));
		return 0;
	}
	for (unsigned int i = 0; i < n; i++)
		TEST_ASSERT(mine.status[i] == thinvm.status[i], "case %u: KVM exit %d, thinvm %d",
			    i, mine.status[i], thinvm.status[i]);
	TEST_ASSERT(!strcmp(mine.serial_out, thinvm.serial_out), "serial output differs");
	vt_log("KVM and thinvm ended every case the same way");
	return 0;
}
