// SPDX-License-Identifier: GPL-2.0
/*
 * Only one hypervisor can own VMX/SVM: while a KVM VM exists, thinvm's
 * KVM_CREATE_VM fails with EBUSY and says why in the kernel log, changing
 * nothing; once the KVM VM is gone thinvm works again. And the other way
 * round: KVM refuses while a thinvm VM exists.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vmtest.h"

int main(void)
{
	struct cpuset none = { 0 }, got;
	int kvm_vm, dev, vm;

	TEST_REQUIRE(access("/dev/kvm", R_OK | W_OK) == 0,
		     "the stock KVM module is not loaded in this lane (/dev/kvm missing)");

	kvm_vm = vt_create_vm("/dev/kvm");
	got = vt_hw_enabled_cpus();
	TEST_REQUIRE(cpuset_count(&got) > 0,
		     "KVM did not turn virtualization on at VM creation");

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
	close(kvm_vm);

	vm = ioctl(dev, KVM_CREATE_VM, 0);
	TEST_ASSERT(vm >= 0, "KVM_CREATE_VM after the KVM VM closed");
	vt_expect_virt(true, "thinvm VM after KVM's closed");

	errno = 0;
	kvm_vm = open("/dev/kvm", O_RDWR);
	TEST_ASSERT(kvm_vm >= 0, "open /dev/kvm");
	TEST_ASSERT(ioctl(kvm_vm, KVM_CREATE_VM, 0) == -1 && errno == EBUSY,
		    "KVM created a VM while thinvm owns the hardware");
	close(kvm_vm);
	close(vm);
	close(dev);
	vt_expect_virt(false, "after all VMs closed");
	return 0;
}
