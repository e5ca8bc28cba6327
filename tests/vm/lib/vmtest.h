/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small library for the tests that run inside an emulated host, in the
 * manner of KVM's selftests: a test exits 0 to pass, KSFT_SKIP (4) to skip
 * when the lane lacks something, anything else to fail; its last line of
 * output is the reason the runner shows.
 */
#ifndef THINVM_VMTEST_H
#define THINVM_VMTEST_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <linux/thinvm.h>

#include "cpulist.h"

#define KSFT_SKIP 4

#define THINVM_DEV THINVM_DEVICE_PATH
#define THINVM_SYSFS THINVM_SYSFS_DIR
#define THINVM_DEBUGFS "/sys/kernel/debug/thinvm"

void vt_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
void vt_skip(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
void vt_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define TEST_ASSERT(cond, ...)						\
	do {								\
		if (!(cond))						\
			vt_fail(__FILE__, __LINE__, __VA_ARGS__);	\
	} while (0)

/* Skip, with the reason, when the lane cannot run the test. */
#define TEST_REQUIRE(cond, ...)						\
	do {								\
		if (!(cond))						\
			vt_skip(__VA_ARGS__);				\
	} while (0)

/* The first line of @path, without its newline; fails the test if unreadable. */
void vt_read_line(const char *path, char *buf, size_t size);
struct cpuset vt_read_cpulist(const char *path);

struct cpuset vt_online_cpus(void);
/* The CPUs where thinvm says virtualization is on (sysfs). */
struct cpuset vt_enabled_cpus(void);
/* The CPUs where the hardware has it on, whoever turned it on (debugfs). */
struct cpuset vt_hw_enabled_cpus(void);
/* "svm" or "vmx" */
const char *vt_vendor(void);

/*
 * Check that virtualization is on in every online CPU (@on) or in none, by
 * thinvm's bookkeeping and by the hardware (and, on SVM where msr.ko is
 * loaded, EFER.SVME read through /dev/cpu/N/msr, a path independent of
 * thinvm). @what names the moment for failure messages.
 */
void vt_expect_virt(bool on, const char *what);

/* Open @dev and create a VM on it; returns the VM fd or fails the test. */
int vt_create_vm(const char *dev);

/*
 * The path of program @name beside this test's own executable (the tests
 * and their helper programs are installed in one folder).
 */
const char *vt_sibling(const char *name);

/*
 * A VM with one vCPU, ready to run test code, on thinvm or KVM alike:
 * @mem_size bytes of RAM at guest-physical 0 (slot 0), the code copied to
 * VT_CODE, the vCPU starting there in @mode with flat segments. Long mode
 * identity-maps the first 2 MiB with one large page (tables at 0x3000-0x5fff).
 */
#define VT_CODE 0x1000

enum vt_mode { VT_REAL, VT_PROT32, VT_LONG64 };

struct vt_vm {
	const char *dev;
	int sys, fd, vcpu;
	struct kvm_run *run;
	long run_size;
	unsigned char *mem;
	size_t mem_size;
};

void vt_vm_create(struct vt_vm *vm, const char *dev, size_t mem_size,
		  const void *code, size_t len, enum vt_mode mode);
void vt_vm_destroy(struct vt_vm *vm);

/*
 * KVM_GET_SUPPORTED_CPUID of @dev, in a table with room for the most
 * entries KVM allows (free() it); fails the test on error.
 */
struct kvm_cpuid2 *vt_supported_cpuid(const char *dev);
/* Entry (@function, @index) of @t, or NULL. */
const struct kvm_cpuid_entry2 *vt_cpuid_entry(const struct kvm_cpuid2 *t,
					      unsigned int function, unsigned int index);

/* Protected mode: make the vCPU run at CPL 3 (CS, SS, DS, ES at DPL 3). */
void vt_set_cpl3(struct vt_vm *vm);

/*
 * KVM as the oracle, in two phases (run-tests.sh). KVM turns SVM on and off
 * in every CPU whenever its first VM is created and its last one closed, and
 * under QEMU's TCG that toggling wedges the emulated host within a few dozen
 * rounds (seen with thinvm not even loaded). So a lane runs every test on
 * thinvm first, each saving what it saw; then, with one idle KVM VM held
 * open so that KVM never toggles, it runs each comparing test again with
 * VT_PHASE=kvm to do the same on /dev/kvm and compare.
 *
 * A comparing test defines vt_compares_with_kvm = true. In the KVM phase,
 * other tests exit at once with VT_NO_KVM_PHASE, which the runner ignores.
 */
#define VT_NO_KVM_PHASE 5
extern const bool vt_compares_with_kvm;
bool vt_kvm_phase(void);
/* Save what the thinvm phase saw, or load it in the KVM phase. */
void vt_save_outcome(const char *name, const void *outcome, size_t size);
void vt_load_outcome(const char *name, void *outcome, size_t size);

/*
 * Write @online to CPU @cpu's online file: 0, or the errno of the write
 * (EIO when thinvm refuses the CPU). Fails the test if the file is missing.
 */
int vt_set_cpu_online(unsigned int cpu, bool online);

/* A second CPU that can go offline, or skip the test. */
void vt_require_hotplug_cpu(unsigned int cpu);

/* Whether the kernel log contains @needle (reads the whole ring buffer). */
bool vt_kernel_log_has(const char *needle);

#endif
