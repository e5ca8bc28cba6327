/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The measurements of make bench beyond the exit rows: VM create+destroy
 * rate, memory per idle VM and per vCPU, the exit rate with several vCPUs,
 * and (thinvm only) how long a VM's hypercall mask set over netlink takes
 * to reach its next hypercall. Each returns 0 with @why set when the
 * device cannot do it; other failures end the program.
 */
#ifndef THINVM_BENCH_SCALE_H
#define THINVM_BENCH_SCALE_H

#include <stddef.h>

/* ns per KVM_CREATE_VM + close, over @n of them. */
double bsc_create_destroy(const char *dev, unsigned int n, char *why, size_t why_size);

/*
 * ns per KVM_CHECK_EXTENSION on a VM fd, over @n: the price of a system
 * call into the device, to set the exits to userspace against.
 */
double bsc_null_ioctl(const char *dev, unsigned int n);

/*
 * KiB of MemFree that @n idle VMs (no memory, no vCPU) take, each, and
 * then one vCPU in each of them (*@per_vcpu_kib).
 */
double bsc_memory(const char *dev, unsigned int n, double *per_vcpu_kib, char *why,
		  size_t why_size);

/* Exits per second, all vCPUs together, of @vcpus vCPUs of one VM each
 * making @iters in-kernel hypercalls at once. */
double bsc_exit_rate(const char *dev, unsigned int vcpus, unsigned int iters, char *why,
		     size_t why_size);

/*
 * ns from sending a VM's new hypercall exit mask over netlink (thinvm's
 * THINVM_CMD_SET_VM_POLICY) until KVM_RUN returns with the hypercall the
 * guest was spinning on, now let out; one sample per call.
 */
double bsc_policy_push(char *why, size_t why_size);

#endif
