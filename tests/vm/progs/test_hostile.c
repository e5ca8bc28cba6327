// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input from a VMM, on /dev/thinvm and on /dev/kvm (the oracle): bad
 * pointers, oversized counts, unknown ioctls and flags, misaligned and
 * overlapping memory slots, guest memory the VMM cannot provide. Each must
 * get an error, the same one KVM gives, and leave the host fine (the lane
 * checks the kernel log after every test). Reserved fields KVM ignores
 * (padding, unknown CPUID entry flags) thinvm refuses, as thinvm(4) says:
 * checked on thinvm alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmtest.h"

const bool vt_compares_with_kvm = true;

#define NR_CASES 20

struct outcome {
	int rc[NR_CASES];
};

static int err(long r)
{
	return r < 0 ? -errno : (int)r;
}

static void scenario(const char *dev, struct outcome *o)
{
	static const unsigned char hlt[] = { 0xf4 };
	struct kvm_msrs *msrs = calloc(1, sizeof(*msrs) + 300 * sizeof(struct kvm_msr_entry));
	void *bad = (void *)16;
	struct vt_vm v;

	memset(o, 0, sizeof(*o));
	TEST_ASSERT(msrs, "calloc");
	vt_vm_create(&v, dev, 0x10000, hlt, sizeof(hlt), VT_REAL);
	o->rc[0] = err(ioctl(v.vcpu, KVM_GET_REGS, bad));
	o->rc[1] = err(ioctl(v.vcpu, KVM_SET_REGS, bad));
	o->rc[2] = err(ioctl(v.vcpu, KVM_SET_SREGS, bad));
	o->rc[3] = err(ioctl(v.fd, KVM_SET_USER_MEMORY_REGION, bad));
	msrs->nmsrs = 300;
	o->rc[4] = err(ioctl(v.vcpu, KVM_GET_MSRS, msrs));
	o->rc[5] = err(ioctl(v.vcpu, KVM_GET_MSRS, bad));
	o->rc[6] = err(ioctl(v.vcpu, _IO(KVMIO, 0xfe), 0));
	o->rc[7] = err(ioctl(v.fd, KVM_CREATE_VCPU, -1));
	o->rc[8] = err(ioctl(v.sys, KVM_GET_MSR_INDEX_LIST, bad));
	o->rc[9] = err(ioctl(v.vcpu, KVM_RUN, 1));
	{
		struct kvm_userspace_memory_region r = {
			.slot = 2, .guest_phys_addr = 0x200000, .memory_size = 0x1000,
			.userspace_addr = (unsigned long)v.mem,
		};

		r.flags = 1u << 5;		/* unknown */
		o->rc[12] = err(ioctl(v.fd, KVM_SET_USER_MEMORY_REGION, &r));
		r.flags = 0;
		r.guest_phys_addr = 0x200800;	/* not page-aligned */
		o->rc[13] = err(ioctl(v.fd, KVM_SET_USER_MEMORY_REGION, &r));
		r.guest_phys_addr = 0x8000;	/* inside slot 0 */
		o->rc[14] = err(ioctl(v.fd, KVM_SET_USER_MEMORY_REGION, &r));
		r.guest_phys_addr = 0x200000;
		r.userspace_addr += 0x10;	/* not page-aligned */
		o->rc[15] = err(ioctl(v.fd, KVM_SET_USER_MEMORY_REGION, &r));
	}
	o->rc[16] = err(ioctl(v.sys, KVM_GET_SUPPORTED_CPUID, bad));
	o->rc[17] = err(ioctl(v.vcpu, KVM_SET_CPUID2, bad));
	o->rc[18] = err(ioctl(v.vcpu, KVM_GET_CPUID2, bad));
	o->rc[19] = err(ioctl(v.vcpu, KVM_SET_MSRS, msrs));	/* 300 */

	/*
	 * A slot over memory that is mapped but not accessible: creating it is
	 * fine (memory is only taken when the guest touches it); running the
	 * guest there fails KVM_RUN with EFAULT.
	 */
	{
		struct kvm_userspace_memory_region r = {
			.slot = 1, .guest_phys_addr = 0x100000, .memory_size = 0x1000,
		};
		static const unsigned char jump[] = {
			/* ljmp $0xffff, $0x10: to guest-physical 0x100000 */
			0xea, 0x10, 0x00, 0xff, 0xff,
		};
		void *none = mmap(NULL, 0x1000, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		TEST_ASSERT(none != MAP_FAILED, "mmap");
		r.userspace_addr = (unsigned long)none;
		o->rc[10] = err(ioctl(v.fd, KVM_SET_USER_MEMORY_REGION, &r));
		memcpy(v.mem + VT_CODE, jump, sizeof(jump));
		o->rc[11] = err(ioctl(v.vcpu, KVM_RUN, 0));
		munmap(none, 0x1000);
	}
	vt_vm_destroy(&v);
	free(msrs);
}

/* Reserved fields: KVM ignores them, thinvm says EINVAL and changes nothing. */
static void reserved_fields(void)
{
	static const unsigned char hlt[] = { 0xf4 };
	struct {
		struct kvm_cpuid2 head;
		struct kvm_cpuid_entry2 e[1];
	} t = { .head.nent = 1 }, got = { .head.nent = 1 };
	struct vt_vm v;

	vt_vm_create(&v, THINVM_DEV, 0x10000, hlt, sizeof(hlt), VT_REAL);
	t.e[0].function = 1;
	t.e[0].eax = 0x123;
	t.head.padding = 1;
	errno = 0;
	TEST_ASSERT(ioctl(v.vcpu, KVM_SET_CPUID2, &t) == -1 && errno == EINVAL,
		    "kvm_cpuid2.padding not zero");
	t.head.padding = 0;
	t.e[0].padding[1] = 1;
	errno = 0;
	TEST_ASSERT(ioctl(v.vcpu, KVM_SET_CPUID2, &t) == -1 && errno == EINVAL,
		    "kvm_cpuid_entry2.padding not zero");
	t.e[0].padding[1] = 0;
	t.e[0].flags = 1u << 7;
	errno = 0;
	TEST_ASSERT(ioctl(v.vcpu, KVM_SET_CPUID2, &t) == -1 && errno == EINVAL,
		    "an unknown CPUID entry flag");
	TEST_ASSERT(!ioctl(v.vcpu, KVM_GET_CPUID2, &got) && got.head.nent == 0,
		    "a refused table must leave the vCPU's empty (nent %u)", got.head.nent);
	vt_vm_destroy(&v);
}

int main(void)
{
	static const int want[NR_CASES] = {
		-EFAULT, -EFAULT, -EFAULT, -EFAULT, -E2BIG, -EFAULT, -EINVAL,
		-EINVAL, -EFAULT, -EINVAL, 0, -EFAULT, -EINVAL, -EINVAL,
		-EEXIST, -EINVAL, -EFAULT, -EFAULT, -EFAULT, -E2BIG,
	};
	struct outcome t, k;

	if (!vt_kvm_phase()) {
		reserved_fields();
		scenario(THINVM_DEV, &t);
		for (int i = 0; i < NR_CASES; i++) {
			errno = 0;
			TEST_ASSERT(t.rc[i] == want[i], "case %d: got %d, want %d", i,
				    t.rc[i], want[i]);
		}
		vt_save_outcome("hostile", &t, sizeof(t));
		return 0;
	}
	vt_load_outcome("hostile", &t, sizeof(t));
	scenario("/dev/kvm", &k);
	for (int i = 0; i < NR_CASES; i++) {
		errno = 0;
		TEST_ASSERT(t.rc[i] == k.rc[i], "case %d: thinvm %d, KVM %d", i,
			    t.rc[i], k.rc[i]);
	}
	return 0;
}
