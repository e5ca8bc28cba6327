/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the tests of vmctl run (tests/vm/progs/test_run_*): run
 * vmctl as a child with a time limit and keep what it printed, find the
 * example guests, write small flat guests assembled into the test itself,
 * and count the VMs a device has alive.
 */
#ifndef THINVM_VMRUN_H
#define THINVM_VMRUN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Where make install puts the guests; THINVM_GUESTS overrides it. */
#define VR_GUESTS_DIR "/usr/share/thinvm/guests"
#define VR_OUT_MAX 16384

struct vr_result {
	int status;		/* vmctl's exit code, or 128 + the signal that killed it */
	bool killed;		/* the time limit ran out: it got SIGKILL */
	char out[VR_OUT_MAX];	/* stdout (the guest's serial output) */
	char err[VR_OUT_MAX];	/* stderr */
	double seconds;
};

/* The path of example guest @file ("hello.elf"), which must exist; a new string each call. */
const char *vr_guest(const char *file);

/* The device the phase runs on: /dev/thinvm, or /dev/kvm in the KVM phase. */
const char *vr_device(void);

/*
 * Start "vmctl run ARGS..." (NULL-terminated), its stdout and stderr on
 * pipes. vr_wait() reads both until vmctl exits, killing it after
 * @timeout_s, and prints the command and its output as a transcript.
 */
struct vr_child {
	pid_t pid;
	int out, err;		/* -1 once at end of file */
	char cmd[1024];
	double start;
	char outbuf[VR_OUT_MAX], errbuf[VR_OUT_MAX];
	size_t outlen, errlen;
};
void vr_start(struct vr_child *c, const char *const args[]);
void vr_wait(struct vr_child *c, struct vr_result *r, int timeout_s);
/* vr_start then vr_wait. */
void vr_run(struct vr_result *r, int timeout_s, const char *const args[]);

/*
 * Read @c's stdout until a line starting with @prefix has come (it is
 * kept: vr_wait() returns it as part of the output), or fail after
 * @timeout_s.
 */
void vr_wait_for_line(struct vr_child *c, const char *prefix, int timeout_s);

/*
 * Why a run ended as it did, for a one-line failure message: the first
 * line vmctl wrote to stderr ("vmctl: vCPU 2: KVM_RUN: ..."), else the
 * last line of the guest's output, else "no output". Valid until the next
 * call.
 */
const char *vr_why(const struct vr_result *r);

/* Copy output @src to @dst for comparing later; fails if it does not fit in @size. */
void vr_keep(char *dst, size_t size, const char *src);

/* Whether @haystack has a line that is exactly @line. */
bool vr_has_line(const char *haystack, const char *line);

/*
 * Write the bytes between @start and @end (a guest assembled into the test
 * with asm(), as in KVM's selftests) to a fresh file; returns its path.
 */
const char *vr_write_flat(const char *name, const void *start, const void *end);

/*
 * VMs alive on the device of this phase: thinvm's count in sysfs, or, on
 * KVM, the per-VM folders in /sys/kernel/debug/kvm ("PID-FD").
 */
int vr_vms_alive(void);
/* Poll until vr_vms_alive() is @n, up to @timeout_ms; returns the last count. */
int vr_wait_vms(int n, int timeout_ms);

/* Milliseconds on CLOCK_MONOTONIC. */
double vr_now(void);

#endif
