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
 */
#ifndef _UAPI_LINUX_THINVM_H
#define _UAPI_LINUX_THINVM_H

#define THINVM_DEVICE_PATH "/dev/thinvm"
#define THINVM_SYSFS_DIR "/sys/kernel/thinvm"

#endif
