/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmctl run: its command line. Parsing is a pure function of argv, so the
 * unit tests can reach every error without a device.
 */
#ifndef VMCTL_RUN_OPTIONS_H
#define VMCTL_RUN_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/thinvm.h>

#define RUN_DEFAULT_DEVICE THINVM_DEVICE_PATH
#define RUN_DEFAULT_MEMORY (16ull << 20)
#define RUN_DEFAULT_LOAD_ADDR 0x100000u
/*
 * The guest starts in 32-bit code with paging off: it cannot address more
 * than 4 GiB, so more RAM would only be memory nobody can touch.
 */
#define RUN_MAX_MEMORY (4ull << 30)
/* Room for the image, the multiboot info and a stack; below that is a typo. */
#define RUN_MIN_MEMORY (64ull << 10)
/*
 * A vCPU learns its index from CPUID.1:EBX[31:24], 8 bits; the device may
 * allow fewer (KVM_CAP_MAX_VCPUS).
 */
#define RUN_MAX_CPUS 256

enum run_format {
	RUN_FORMAT_AUTO,	/* ELF magic: multiboot ELF; anything else: flat */
	RUN_FORMAT_ELF,
	RUN_FORMAT_FLAT,
};

struct run_options {
	const char *device;
	uint64_t memory;
	unsigned int cpus;
	const char *name;	/* NULL: leave the VM unnamed */
	enum run_format format;
	uint32_t load_addr;
	bool load_addr_set;
	bool stats;
	bool help;		/* print the usage and stop */
	const char *image;
};

/*
 * Parse @argc/@argv, the arguments after the verb (argv[0] is the first of
 * them, not a program name). Options and the one IMAGE may come in any
 * order; "--" ends the options. Returns 0, or -1 with a sentence in @err
 * (usage error: exit 2). With --help, returns 0 with @o->help set and the
 * rest unchecked.
 */
int run_options_parse(int argc, char **argv, struct run_options *o,
		      char *err, size_t errsize);

/*
 * A size as --memory takes it: digits with an optional K, M or G (KiB, MiB,
 * GiB, either case); a bare number is bytes. Returns 0, or -1 with the
 * reason in @err (not a number, a unit unknown, more than 64 bits).
 */
int run_parse_size(const char *s, uint64_t *bytes, char *err, size_t errsize);

/* The usage text of vmctl run. */
extern const char run_usage[];

#endif
