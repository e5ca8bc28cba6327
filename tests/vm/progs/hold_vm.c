// SPDX-License-Identifier: GPL-2.0
/*
 * Not a test: creates one thinvm VM and returns once it exists, leaving a
 * child process that holds the VM fd until killed. Used to power the emulated
 * host off with virtualization on (the reboot path) and by the demo. No
 * sleep is needed to wait for it, which matters under Bochs, where an idle
 * SMP guest's "sleep 1" takes over a minute.
 * Usage: hold_vm [--device DEV] [--name NAME] [PIDFILE]
 *   DEV defaults to /dev/thinvm; NAME names the VM (THINVM_SET_VM_NAME); the
 *   holder's pid is written to PIDFILE.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vmtest.h"

int main(int argc, char **argv)
{
	const char *dev = THINVM_DEV, *name = NULL;
	pid_t pid;
	int vm;

	if (argc > 2 && !strcmp(argv[1], "--device")) {
		dev = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc > 2 && !strcmp(argv[1], "--name")) {
		name = argv[2];
		argc -= 2;
		argv += 2;
	}
	vm = vt_create_vm(dev);
	if (name) {
		struct thinvm_vm_name n = {};

		snprintf(n.name, sizeof(n.name), "%s", name);
		TEST_ASSERT(!ioctl(vm, THINVM_SET_VM_NAME, &n), "THINVM_SET_VM_NAME: %s",
			    strerror(errno));
	}

	fflush(stdout);
	pid = fork();
	TEST_ASSERT(pid >= 0, "fork");
	if (pid == 0) {
		/* Let a caller reading our output see end-of-file. */
		int null = open("/dev/null", O_RDWR);

		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		for (;;)
			pause();
	}
	close(vm);
	if (argc > 1) {
		FILE *f = fopen(argv[1], "w");

		TEST_ASSERT(f, "open %s", argv[1]);
		fprintf(f, "%d\n", pid);
		fclose(f);
	}
	vt_log("hold_vm: VM open on %s, held by pid %d", dev, pid);
	return 0;
}
