/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmctl run: the VMM. One VM on a KVM-API device (/dev/thinvm or /dev/kvm),
 * its RAM at guest-physical 0, one thread per vCPU running KVM_RUN and
 * answering exits: port I/O from the board (run_board.h), hypercall exits,
 * HLT; everything else ends the run.
 *
 * Stopping: whoever ends the run (a vCPU at the debug-exit port or on an
 * error, or the main thread on SIGINT/SIGTERM) records the exit code once,
 * sets immediate_exit in every vCPU's kvm_run, then sends each vCPU thread
 * a signal: a vCPU inside KVM_RUN returns with EINTR, one about to enter it
 * sees immediate_exit and does not go in. KVM's documented way
 * (Documentation/virt/kvm/api.rst, "immediate_exit").
 */
#ifndef VMCTL_RUN_VMM_H
#define VMCTL_RUN_VMM_H

#include <linux/kvm.h>
#include <linux/thinvm.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "run_board.h"
#include "run_options.h"

#define RUN_EXIT_OK 0
#define RUN_EXIT_USAGE 2
#define RUN_EXIT_FAILED 125	/* the guest crashed, or vmctl could not run it */
#define RUN_EXIT_SIGNAL 130	/* SIGINT or SIGTERM, as a shell reports Ctrl-C */

/* What this VMM saw of a vCPU's exits (the kernel's own are in kstats). */
struct run_vcpu_stats {
	uint64_t io[BOARD_DEV_NR];
	uint64_t mmio, hlt, hypercall, intr;
};

struct run_vm;

struct run_vcpu {
	struct run_vm *vm;
	unsigned int index;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	bool thread_started;
	struct run_vcpu_stats stats;
	/* thinvm's count of every exit, in the kernel too (THINVM_GET_VCPU_STATS). */
	struct thinvm_vcpu_stats kstats;
	bool have_kstats;
};

struct run_vm {
	const struct run_options *opts;
	int sys_fd, fd;
	bool is_thinvm;		/* answers thinvm's own ioctls */
	uint8_t *ram;
	uint64_t ram_size;
	long run_size;		/* of each vCPU's kvm_run mapping */
	unsigned int ncpus;	/* created so far */
	struct run_vcpu *vcpus;
	struct run_board board;

	pthread_t main_thread;
	pthread_mutex_t lock;	/* for "released" */
	pthread_cond_t released_cond;
	bool released;		/* vCPU threads may start running */
	atomic_int stop_code;	/* -1 until someone ends the run */
	atomic_uint finished;	/* vCPU threads that are done */
};

/*
 * Keep SIGINT and SIGTERM (the user's stop), SIGUSR1 (the vCPU kick) and
 * SIGUSR2 (a vCPU is done) pending until the run loop waits for them, and
 * install the kick's (empty) handler: call first, before anything that
 * could take a while, so that an early Ctrl-C still ends the run with 130
 * and closes the VM. A SIGINT the process was started ignoring (a
 * shell's background job) stays ignored.
 */
void run_vm_block_signals(void);

/*
 * Open @o->device, create the VM with its RAM, name it, ask for hypercall
 * exits, create @o->cpus vCPUs with their CPUID. Guest output goes to
 * @out_fd. Returns 0, or RUN_EXIT_FAILED after a message on stderr;
 * run_vm_destroy() cleans up either way.
 */
int run_vm_create(struct run_vm *vm, const struct run_options *o, int out_fd);

/*
 * Every vCPU at @entry in 32-bit flat protected mode, paging off, IF=0,
 * EAX = the multiboot magic, EBX = @mbi. Returns 0 or RUN_EXIT_FAILED.
 */
int run_vm_boot(struct run_vm *vm, uint32_t entry, uint32_t mbi);

/* Run every vCPU until the run ends; returns vmctl's exit code. */
int run_vm_run(struct run_vm *vm);

/* The exits of each vCPU, by reason, for --stats. */
void run_vm_print_stats(const struct run_vm *vm, FILE *out);

void run_vm_destroy(struct run_vm *vm);

#endif
