// SPDX-License-Identifier: GPL-2.0
/*
 * What one guest hypercall does under the policy in force: a probe for the
 * lane-3 checks of thinvmd (not a test of its own; run-tests.sh runs only
 * test_*). It makes a VM on /dev/thinvm, names it if asked (per-name rules),
 * asks for KVM_HC_MAP_GPA_RANGE to exit (KVM_ENABLE_CAP) and runs a 64-bit
 * guest that makes that hypercall once. It prints one word:
 *   exits             the VMM saw KVM_EXIT_HYPERCALL
 *   refused           the guest got -KVM_ENOSYS: policy kept it in
 *   enable-cap-eperm  KVM_ENABLE_CAP refused the mask (the host ceiling)
 * and exits 0; anything unexpected fails (exit 1) with the reason.
 *
 * Usage: hc_probe [--name NAME] [--wait-ms N]
 *   --wait-ms N  sleep N ms after naming, before running (the daemon applies
 *                per-name rules when it sees the name; default 0)
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "vmtest.h"

const bool vt_compares_with_kvm = false;

#define MAP_BIT (1ULL << 12)
#define KVM_ENOSYS_64 (-1000ULL)
#define RESULT 0x8020
#define PORT 0x10

asm(".pushsection .rodata\n"
    ".globl probe_guest, probe_guest_end\n"
    "probe_guest:\n"
    ".code64\n"
    "	mov $12, %rax\n"
    "	mov $0x1000, %rbx\n"
    "	mov $1, %rcx\n"
    "	xor %edx, %edx\n"
    "	vmmcall\n"
    "	mov %rax, 0x8020\n"
    "	out %al, $0x10\n"
    "	hlt\n"
    "probe_guest_end:\n"
    ".popsection\n");
extern const char probe_guest[], probe_guest_end[];

int main(int argc, char **argv)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_EXIT_HYPERCALL, .args = { MAP_BIT } };
	const char *name = NULL;
	long wait_ms = 0;
	struct vt_vm v;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--name") && i + 1 < argc)
			name = argv[++i];
		else if (!strcmp(argv[i], "--wait-ms") && i + 1 < argc)
			wait_ms = atol(argv[++i]);
		else
			TEST_ASSERT(0, "usage: hc_probe [--name NAME] [--wait-ms N]");
	}
	vt_vm_create(&v, THINVM_DEV, 0x10000, probe_guest, probe_guest_end - probe_guest,
		     VT_LONG64);
	if (name) {
		struct thinvm_vm_name n = { 0 };

		strncpy(n.name, name, sizeof(n.name) - 1);
		TEST_ASSERT(!ioctl(v.fd, THINVM_SET_VM_NAME, &n), "THINVM_SET_VM_NAME: %s",
			    strerror(errno));
	}
	if (wait_ms) {
		struct timespec ts = { wait_ms / 1000, (wait_ms % 1000) * 1000000L };

		nanosleep(&ts, NULL);
	}
	if (ioctl(v.fd, KVM_ENABLE_CAP, &cap)) {
		TEST_ASSERT(errno == EPERM, "KVM_ENABLE_CAP: %s", strerror(errno));
		printf("enable-cap-eperm\n");
		return 0;
	}
	TEST_ASSERT(!ioctl(v.vcpu, KVM_RUN, 0), "KVM_RUN: %s", strerror(errno));
	if (v.run->exit_reason == KVM_EXIT_HYPERCALL) {
		TEST_ASSERT(v.run->hypercall.nr == 12, "hypercall %llu exited",
			    (unsigned long long)v.run->hypercall.nr);
		printf("exits\n");
		return 0;
	}
	TEST_ASSERT(v.run->exit_reason == KVM_EXIT_IO && v.run->io.port == PORT,
		    "exit %u, not the port", v.run->exit_reason);
	TEST_ASSERT(*(unsigned long long *)(v.mem + RESULT) == KVM_ENOSYS_64,
		    "the guest got %#llx", *(unsigned long long *)(v.mem + RESULT));
	printf("refused\n");
	vt_vm_destroy(&v);
	return 0;
}
