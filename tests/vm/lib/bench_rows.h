/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rows of make bench: one guest loop each, measured through the KVM
 * API on /dev/thinvm or /dev/kvm, or on the floor module's bare VMRUN loop
 * (tests/bench/README.md says what each one measures and why).
 */
#ifndef THINVM_BENCH_ROWS_H
#define THINVM_BENCH_ROWS_H

#include <stddef.h>

enum br_row {
	BR_HC_KERNEL,	/* VMMCALL, unknown number, -KVM_ENOSYS in the kernel */
	BR_PIO_USER,	/* OUT to a port: exit to the VMM and back */
	BR_MAP_USER,	/* KVM_HC_MAP_GPA_RANGE: exit to the VMM and back */
	BR_CPUID,	/* CPUID, answered in the kernel */
	BR_MMIO_USER,	/* a write past RAM: exit to the VMM and back */
	BR_ROWS
};

const char *br_title(enum br_row row);
/* The short name used in machine-readable lines ("hc", "pio", ...). */
const char *br_key(enum br_row row);

/*
 * One run of @iters iterations of @row on @dev; returns ns per iteration,
 * or 0 with @why set when the device cannot run it. Setup and a warm-up
 * are not timed. Other failures end the program (TEST_ASSERT).
 */
double br_measure_dev(const char *dev, enum br_row row, unsigned int iters,
		      char *why, size_t why_size);

/*
 * @row's loop on @dev for ever (tests/bench/profile.sh single-steps it);
 * says so on stdout first.
 */
void br_spin_dev(const char *dev, enum br_row row) __attribute__((noreturn));
/* The row whose br_key() is @key, or BR_ROWS. */
enum br_row br_row_of(const char *key);

/* The guest of @row, up to *@end. */
const char *br_guest(enum br_row row, const char **end);
/* KVM_HC_MAP_GPA_RANGE in a loop, each call counted at guest-physical 0x8000. */
const char *br_spin_guest(const char **end);
#define BR_SPIN_COUNT 0x8000

struct vt_vm;
/*
 * One KVM_RUN of an in-kernel row's guest (BR_HC_KERNEL, BR_CPUID) looping
 * @n times, ended by its port write; returns the ns it took.
 */
double br_run_in_kernel(struct vt_vm *v, unsigned int n);
/* CLOCK_MONOTONIC in ns: under QEMU -icount shift=0, executed instructions. */
double br_now_ns(void);

/* The same on the floor module (debugfs), which must be loaded. */
double br_measure_floor(enum br_row row, unsigned int iters, char *why, size_t why_size);

/* Why the floor cannot run here, or NULL when it can. */
const char *br_floor_unavailable(void);

#endif
