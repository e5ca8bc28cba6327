// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/thinvm is a root-only character device answering the KVM system
 * ioctls thinvm implements, and rejecting bad arguments as KVM does.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmtest.h"

int main(void)
{
	struct stat st;
	int fd, vm;

	TEST_ASSERT(!stat(THINVM_DEV, &st), "stat " THINVM_DEV);
	TEST_ASSERT(S_ISCHR(st.st_mode), THINVM_DEV " is not a character device");
	errno = 0;
	TEST_ASSERT((st.st_mode & 07777) == 0600 && st.st_uid == 0 && st.st_gid == 0,
		    THINVM_DEV " has mode %o owner %u:%u, expected 0600 root:root",
		    st.st_mode & 07777, st.st_uid, st.st_gid);

	fd = open(THINVM_DEV, O_RDWR);
	TEST_ASSERT(fd >= 0, "open " THINVM_DEV);
	TEST_ASSERT(ioctl(fd, KVM_GET_API_VERSION, 0) == 12,
		    "KVM_GET_API_VERSION is not 12");
	errno = 0;
	TEST_ASSERT(ioctl(fd, KVM_GET_API_VERSION, 1) == -1 && errno == EINVAL,
		    "KVM_GET_API_VERSION with an argument must fail EINVAL");
	errno = 0;
	TEST_ASSERT(ioctl(fd, KVM_CREATE_VM, 1) == -1 && errno == EINVAL,
		    "KVM_CREATE_VM with an unknown VM type must fail EINVAL");
	errno = 0;
	TEST_ASSERT(ioctl(fd, _IO(KVMIO, 0xff), 0) == -1 && errno == EINVAL,
		    "an unknown system ioctl must fail EINVAL, as on KVM");
	/* Truthful: memory slots exist, an in-kernel irqchip does not. */
	TEST_ASSERT(ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY) == 1,
		    "KVM_CHECK_EXTENSION(KVM_CAP_USER_MEMORY) is not 1");
	TEST_ASSERT(ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQCHIP) == 0,
		    "KVM_CHECK_EXTENSION claims an in-kernel irqchip");

	vm = ioctl(fd, KVM_CREATE_VM, 0);
	TEST_ASSERT(vm >= 0, "KVM_CREATE_VM");
	TEST_ASSERT(fcntl(vm, F_GETFD) & FD_CLOEXEC, "VM fd is not close-on-exec");
	errno = 0;
	TEST_ASSERT(ioctl(vm, _IO(KVMIO, 0xff), 0) == -1 && errno == ENOTTY,
		    "an unknown VM ioctl must fail ENOTTY, as on KVM");
	close(vm);
	close(fd);
	return 0;
}
