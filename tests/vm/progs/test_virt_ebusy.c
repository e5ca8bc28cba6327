// SPDX-License-Identifier: GPL-2.0
/*
 * Only one hypervisor can own VMX/SVM. In the thinvm phase: while a thinvm
 * VM exists, KVM refuses to create one (EBUSY) and thinvm's state is
 * untouched. In the KVM phase, with run-tests.sh holding a KVM VM open:
 * thinvm's KVM_CREATE_VM fails with EBUSY, says why in the kernel log and
 * changes nothing. (That thinvm works again once KVM's VM is gone is shown
 * by the lane's hold-vm-for-poweroff step, which runs after the KVM phase.)
 * Split this way so that KVM never turns SVM on and off here: that toggling
 * wedges QEMU's TCG (tests/vm/README.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vmtest.h"

const bool vt_compares_with_kvm = true;

static void kvm_refused_while_thinvm_owns(void)
{
	int vm = vt_create_vm(THINVM_DEV), kvm;

	vt_expect_virt(true, "with a thinvm VM");
	kvm = open("/dev/kvm", O_RDWR);
	TEST_ASSERT(kvm >= 0, "open /dev/kvm");
	errno = 0;
	TEST_ASSERT(ioctl(kvm, KVM_CREATE_VM, 0) == -1 && errno == EBUSY,
		    "KVM created a VM while thinvm owns the hardware");
	close(kvm);
	vt_expect_virt(true, "after KVM was refused");
	close(vm);
	vt_expect_virt(false, "after the thinvm VM closed");
}

static void thinvm_refused_while_kvm_owns(void)
{
	struct cpuset none = { 0 }, got = vt_hw_enabled_cpus();
	int dev, vm;

	TEST_ASSERT(cpuset_count(&got) > 0,
		    "KVM holds a VM, yet no CPU has virtualization on");
	dev = open(THINVM_DEV, O_RDWR);
	TEST_ASSERT(dev >= 0, "open " THINVM_DEV);
	errno = 0;
	vm = ioctl(dev, KVM_CREATE_VM, 0);
	TEST_ASSERT(vm == -1 && errno == EBUSY,
		    "KVM_CREATE_VM with a KVM VM alive returned %d, expected EBUSY", vm);
	errno = 0;
	TEST_ASSERT(vt_kernel_log_has("already in use"),
		    "no kernel log line explaining the EBUSY");
	got = vt_enabled_cpus();
	TEST_ASSERT(cpuset_equal(&got, &none),
		    "thinvm lists CPUs as enabled after a refused VM creation");
	close(dev);
}

int main(void)
{
	bool passed = true;

	TEST_REQUIRE(access("/dev/kvm", R_OK | W_OK) == 0,
		     "the stock KVM module is not loaded in this lane (/dev/kvm missing)");
	if (!vt_kvm_phase()) {
		kvm_refused_while_thinvm_owns();
		vt_save_outcome("virt_ebusy", &passed, sizeof(passed));
		return 0;
	}
	vt_load_outcome("virt_ebusy", &passed, sizeof(passed));
	thinvm_refused_while_kvm_owns();
	return 0;
}
