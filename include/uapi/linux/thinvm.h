/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * thinvm: userspace interface beyond the KVM ABI.
 *
 * The device
 * ----------
 * THINVM_DEVICE_PATH answers the KVM system ioctls of <linux/kvm.h> with
 * KVM's numbers, structures and error codes; see thinvm(4) for the subset.
 * It is a misc device, mode 0600, owned by root.
 *
 * sysfs (read-only, for scripts)
 * ------------------------------
 * THINVM_SYSFS_DIR/vendor        "svm" or "vmx", the backend chosen at load
 * THINVM_SYSFS_DIR/enabled_cpus  CPUs where thinvm has virtualization on,
 *                                in cpulist format ("0-3,8"); empty while no
 *                                VM exists
 * THINVM_SYSFS_DIR/vms           the number of VMs alive
 *
 * thinvm-only ioctls
 * ------------------
 * They use their own ioctl type, THINVMIO, never KVM's.
 *
 * THINVM_GET_VCPU_STATS (vCPU fd) -> struct thinvm_vcpu_stats
 *	How many times the vCPU left the guest, by reason, since it was
 *	created. Reasons are thinvm's, the same on SVM and VMX.
 */
#ifndef _UAPI_LINUX_THINVM_H
#define _UAPI_LINUX_THINVM_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define THINVM_DEVICE_PATH "/dev/thinvm"
#define THINVM_SYSFS_DIR "/sys/kernel/thinvm"

#define THINVMIO 0xB9

enum thinvm_exit_stat {
	THINVM_EXIT_STAT_INTERRUPT,	/* a host interrupt or NMI */
	THINVM_EXIT_STAT_IO,		/* port I/O */
	THINVM_EXIT_STAT_HLT,
	THINVM_EXIT_STAT_CPUID,
	THINVM_EXIT_STAT_MSR,		/* RDMSR or WRMSR */
	THINVM_EXIT_STAT_HYPERCALL,	/* the vendor's own: VMMCALL, VMCALL */
	THINVM_EXIT_STAT_NPF,		/* nested page fault (NPT or EPT) */
	THINVM_EXIT_STAT_SHUTDOWN,	/* triple fault */
	THINVM_EXIT_STAT_FAIL_ENTRY,	/* the hardware refused the state */
	THINVM_EXIT_STAT_OTHER,		/* anything else */
	THINVM_EXIT_STAT_CR_DR,		/* MOV to CR4, MOV to/from DRn */
	/* An intercepted exception: #UD, Intel's VMCALL on AMD among them. */
	THINVM_EXIT_STAT_EXCEPTION,
	THINVM_EXIT_STAT_NR = 16,	/* room to grow; unused ones read 0 */
};

struct thinvm_vcpu_stats {
	__u64 exits;			/* all of them */
	__u64 by_reason[THINVM_EXIT_STAT_NR];
};

#define THINVM_GET_VCPU_STATS _IOR(THINVMIO, 0x01, struct thinvm_vcpu_stats)

#endif
