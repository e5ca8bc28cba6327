// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl run: options, image, VM, run, in that order (run.h). Everything is
 * checked before the device is opened, so a bad command line or image
 * costs no VM.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"
#include "run_image.h"
#include "run_options.h"
#include "run_vmm.h"

/* Files bigger than this are no small guest (and would not fit in a 4G guest anyway). */
#define RUN_MAX_IMAGE_FILE (1ull << 30)

/* The whole file, read (not mapped: a file truncated meanwhile must not SIGBUS us). */
static int read_image(const char *path, uint8_t **out, size_t *len)
{
	size_t size = 0, cap = 1 << 16;
	uint8_t *buf = malloc(cap);
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || !buf) {
		int e = fd < 0 ? errno : ENOMEM;

		free(buf);
		if (fd >= 0)
			close(fd);
		return -e;
	}
	for (;;) {
		ssize_t n;

		if (size == cap) {
			uint8_t *bigger;

			if (cap >= RUN_MAX_IMAGE_FILE) {
				free(buf);
				close(fd);
				return -EFBIG;
			}
			bigger = realloc(buf, cap * 2);
			if (!bigger) {
				free(buf);
				close(fd);
				return -ENOMEM;
			}
			buf = bigger;
			cap *= 2;
		}
		n = read(fd, buf + size, cap - size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			free(buf);
			close(fd);
			return -e;
		}
		if (!n)
			break;
		size += n;
	}
	close(fd);
	*out = buf;
	*len = size;
	return 0;
}

int vmctl_run(int argc, char **argv)
{
	struct run_options o;
	struct run_image img;
	struct run_vm vm;
	uint8_t *buf = NULL;
	size_t len = 0;
	char err[512];
	int r;

	/* First: a Ctrl-C from now on ends the run through the VMM's own path. */
	run_vm_block_signals();

	if (run_options_parse(argc, argv, &o, err, sizeof(err))) {
		fprintf(stderr, "vmctl run: %s\nTry \"vmctl run --help\".\n", err);
		return RUN_EXIT_USAGE;
	}
	if (o.help) {
		fputs(run_usage, stdout);
		return RUN_EXIT_OK;
	}
	r = read_image(o.image, &buf, &len);
	if (r) {
		fprintf(stderr, "vmctl: %s: %s\n", o.image,
			r == -EFBIG ? "larger than 1 GiB: not a guest image" : strerror(-r));
		return RUN_EXIT_FAILED;
	}
	if (run_image_parse(buf, len, &o, &img, err, sizeof(err))) {
		fprintf(stderr, "vmctl: %s: %s\n", o.image, err);
		free(buf);
		return RUN_EXIT_FAILED;
	}
	if (o.load_addr_set && img.format == RUN_FORMAT_ELF) {
		fprintf(stderr, "vmctl run: --load-addr is for flat binaries, and %s is an ELF image "
			"(--format flat to load it as bytes)\n", o.image);
		free(buf);
		return RUN_EXIT_USAGE;
	}

	r = run_vm_create(&vm, &o, STDOUT_FILENO);
	if (!r) {
		run_image_load(&img, buf, vm.ram, vm.ram_size);
		r = run_vm_boot(&vm, img.entry, img.mbi_addr);
	}
	free(buf);
	if (!r) {
		r = run_vm_run(&vm);
		if (o.stats)
			run_vm_print_stats(&vm, stderr);
	}
	run_vm_destroy(&vm);
	return r;
}
