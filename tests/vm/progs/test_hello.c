// SPDX-License-Identifier: GPL-2.0
/*
 * examples/hello.c, a VMM written only against <linux/kvm.h>, runs its
 * real-mode guest on /dev/thinvm and prints "hello"; on /dev/kvm, the
 * oracle, it prints the same.
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmtest.h"

const bool vt_compares_with_kvm = true;

static void run_example(const char *dev, char *out, size_t size)
{
	char cmd[4200];
	FILE *p;
	size_t n;
	int status;

	snprintf(cmd, sizeof(cmd), "%s %s", vt_sibling("example_hello"), dev);
	p = popen(cmd, "r");
	TEST_ASSERT(p, "popen %s", cmd);
	n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	status = pclose(p);
	TEST_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "%s: the guest did not end in HLT (status %d, output \"%s\")",
		    dev, status, out);
}

int main(void)
{
	char thinvm[64], kvm[64];

	if (!vt_kvm_phase()) {
		run_example(THINVM_DEV, thinvm, sizeof(thinvm));
		TEST_ASSERT(!strcmp(thinvm, "hello\n"), "thinvm printed \"%s\"", thinvm);
		vt_log("thinvm: %s", thinvm);
		vt_save_outcome("hello", thinvm, sizeof(thinvm));
		return 0;
	}
	vt_load_outcome("hello", thinvm, sizeof(thinvm));
	run_example("/dev/kvm", kvm, sizeof(kvm));
	TEST_ASSERT(!strcmp(thinvm, kvm), "KVM printed \"%s\", thinvm \"%s\"",
		    kvm, thinvm);
	return 0;
}
