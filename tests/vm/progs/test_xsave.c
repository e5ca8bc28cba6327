// SPDX-License-Identifier: GPL-2.0
/*
 * XSAVE for guests, on /dev/thinvm and on /dev/kvm (the oracle), with the
 * table KVM_GET_SUPPORTED_CPUID offers: the VMM's side and what the guest
 * reads of it. (The guest's own XSETBV: test_xsetbv; its AVX state:
 * test_xsave_ymm.)
 *
 * A 64-bit guest sets CR4.OSXSAVE and reads CPUID.1:ECX (OSXSAVE follows
 * CR4), XCR0 (1 at power-on) and CPUID.0xD.0:EBX (the XSAVE area size for
 * that XCR0), and halts. The VMM then sets XCR0 to every component offered
 * up to AVX with KVM_SET_XCRS, and the guest reads XCR0 and 0xD.0:EBX
 * again: XCR0 is the guest's in the CPU while it runs. KVM_GET_CPUID2
 * agrees; KVM_SET_XCRS of x87 off is refused with EINVAL and changes
 * nothing. KVM_SET_CPUID2 of the table first set, which now differs only
 * in dynamic bits (OSXSAVE, the XSAVE size), is still accepted. This
 * program's own XCR0 is the same before and after: the host's comes back
 * at each exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vmtest.h"

const bool vt_compares_with_kvm = true;

#define MEM_SIZE 0x10000
#define RESULTS 0x9000

#define LEAF1_ECX_XSAVE (1u << 26)
#define LEAF1_ECX_OSXSAVE (1u << 27)
#define XCR0_UP_TO_AVX 0x7ull	/* x87, SSE, AVX */

/* First run: CR4.OSXSAVE, three reads, HLT; second: two reads, HLT. */
asm(".pushsection .rodata\n"
    ".globl xsave_guest, xsave_guest_end\n"
    "xsave_guest:\n"
    ".code64\n"
    "	mov %cr4, %rax\n"
    "	or $0x40600, %rax\n"		/* OSXSAVE, OSFXSR, OSXMMEXCPT */
    "	mov %rax, %cr4\n"
    "	mov $1, %eax\n"
    "	cpuid\n"
    "	mov %ecx, 0x9000\n"
    "	xor %ecx, %ecx\n"
    "	xgetbv\n"
    "	mov %eax, 0x9004\n"
    "	mov $0xd, %eax\n"
    "	xor %ecx, %ecx\n"
    "	cpuid\n"
    "	mov %ebx, 0x9008\n"
    "	hlt\n"
    "	xor %ecx, %ecx\n"
    "	xgetbv\n"
    "	mov %eax, 0x900c\n"
    "	mov $0xd, %eax\n"
    "	xor %ecx, %ecx\n"
    "	cpuid\n"
    "	mov %ebx, 0x9010\n"
    "	hlt\n"
    "xsave_guest_end:\n"
    ".popsection\n");
extern const char xsave_guest[], xsave_guest_end[];

struct outcome {
	unsigned long long value;	/* what KVM_SET_XCRS sets */
	int cap_xcrs;
	unsigned int exit[2];
	unsigned int leaf1_ecx, xcr0_first, size_first, xcr0_second, size_second;
	int set_good;
	unsigned long long got_after_good;
	unsigned int cpuid_size;	/* KVM_GET_CPUID2's 0xD.0:EBX then */
	int set_bad, set_bad_errno;
	unsigned long long got_after_bad;
	int set_cpuid_again;		/* the first table, after the runs */
	unsigned long long host_before, host_after;	/* this program's XCR0 */
};

static unsigned long long my_xcr0(void)
{
	uint32_t lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return lo | (unsigned long long)hi << 32;
}

static unsigned long long get_xcr0(struct vt_vm *v)
{
	struct kvm_xcrs x;

	memset(&x, 0, sizeof(x));
	TEST_ASSERT(!ioctl(v->vcpu, KVM_GET_XCRS, &x), "%s: KVM_GET_XCRS: %s", v->dev,
		    strerror(errno));
	TEST_ASSERT(x.nr_xcrs == 1 && x.xcrs[0].xcr == 0, "%s: KVM_GET_XCRS: %u registers",
		    v->dev, x.nr_xcrs);
	return x.xcrs[0].value;
}

static int set_xcr0(struct vt_vm *v, unsigned long long value)
{
	struct kvm_xcrs x;

	memset(&x, 0, sizeof(x));
	x.nr_xcrs = 1;
	x.xcrs[0].value = value;
	errno = 0;
	return ioctl(v->vcpu, KVM_SET_XCRS, &x);
}

static void scenario(const char *dev, struct outcome *o)
{
	struct kvm_cpuid2 *t = vt_supported_cpuid(dev), *got = vt_supported_cpuid(dev);
	const struct kvm_cpuid_entry2 *l1 = vt_cpuid_entry(t, 1, 0), *d = vt_cpuid_entry(t, 0xd, 0);
	unsigned int read[5];	/* what the guest wrote at RESULTS, in order */
	struct vt_vm v;
	int sys;

	memset(o, 0, sizeof(*o));
	TEST_REQUIRE(l1 && (l1->ecx & LEAF1_ECX_XSAVE) && d,
		     "%s offers no XSAVE here (the CPU or its kernel has none)", dev);
	o->value = d->eax & XCR0_UP_TO_AVX;
	sys = open(dev, O_RDWR);
	o->cap_xcrs = ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_XCRS);
	close(sys);
	o->host_before = my_xcr0();

	vt_vm_create(&v, dev, MEM_SIZE, xsave_guest, xsave_guest_end - xsave_guest, VT_LONG64);
	TEST_ASSERT(!ioctl(v.vcpu, KVM_SET_CPUID2, t), "%s: KVM_SET_CPUID2", dev);
	TEST_ASSERT(!ioctl(v.vcpu, KVM_RUN, 0), "%s: KVM_RUN: %s", dev, strerror(errno));
	o->exit[0] = v.run->exit_reason;
	o->set_good = set_xcr0(&v, o->value);
	o->got_after_good = get_xcr0(&v);
	TEST_ASSERT(!ioctl(v.vcpu, KVM_GET_CPUID2, got), "%s: KVM_GET_CPUID2", dev);
	d = vt_cpuid_entry(got, 0xd, 0);
	o->cpuid_size = d ? d->ebx : 0;
	TEST_ASSERT(!ioctl(v.vcpu, KVM_RUN, 0), "%s: KVM_RUN: %s", dev, strerror(errno));
	o->exit[1] = v.run->exit_reason;
	o->set_bad = set_xcr0(&v, 0);
	o->set_bad_errno = errno;
	o->got_after_bad = get_xcr0(&v);
	o->set_cpuid_again = ioctl(v.vcpu, KVM_SET_CPUID2, t);
	memcpy(read, v.mem + RESULTS, sizeof(read));
	o->leaf1_ecx = read[0];
	o->xcr0_first = read[1];
	o->size_first = read[2];
	o->xcr0_second = read[3];
	o->size_second = read[4];
	vt_vm_destroy(&v);
	o->host_after = my_xcr0();
	free(t);
	free(got);
}

/* What must hold on thinvm whatever KVM does. */
static void check(const struct outcome *o)
{
	unsigned int size = o->value & 0x4 ? 832 : 576;

	TEST_ASSERT(o->cap_xcrs == 1, "KVM_CAP_XCRS: %d", o->cap_xcrs);
	TEST_ASSERT(o->exit[0] == KVM_EXIT_HLT && o->exit[1] == KVM_EXIT_HLT,
		    "exits %u and %u, not HLT", o->exit[0], o->exit[1]);
	TEST_ASSERT(o->leaf1_ecx & LEAF1_ECX_OSXSAVE, "CPUID.1:ECX %#x: no OSXSAVE after CR4",
		    o->leaf1_ecx);
	TEST_ASSERT(o->xcr0_first == 1 && o->size_first == 576,
		    "at power-on: XCR0 %#x, XSAVE size %u", o->xcr0_first, o->size_first);
	TEST_ASSERT(o->set_good == 0 && o->got_after_good == o->value,
		    "KVM_SET_XCRS of %#llx: %d, then KVM_GET_XCRS %#llx", o->value, o->set_good,
		    o->got_after_good);
	TEST_ASSERT(o->xcr0_second == o->value && o->size_second == size &&
		    o->cpuid_size == size,
		    "after KVM_SET_XCRS of %#llx: the guest reads XCR0 %#x and size %u, "
		    "KVM_GET_CPUID2 size %u (want %u)", o->value, o->xcr0_second,
		    o->size_second, o->cpuid_size, size);
	TEST_ASSERT(o->set_bad == -1 && o->set_bad_errno == EINVAL &&
		    o->got_after_bad == o->value,
		    "KVM_SET_XCRS of 0: %d/%d, then XCR0 %#llx", o->set_bad, o->set_bad_errno,
		    o->got_after_bad);
	TEST_ASSERT(o->set_cpuid_again == 0,
		    "KVM_SET_CPUID2 of the first table after the runs (dynamic bits aside, the same): %d",
		    o->set_cpuid_again);
	TEST_ASSERT(o->host_before == o->host_after,
		    "this program's XCR0 was %#llx, is %#llx after the guest ran",
		    o->host_before, o->host_after);
}

int main(void)
{
	struct outcome t, k;

	if (!vt_kvm_phase()) {
		scenario(THINVM_DEV, &t);
		check(&t);
		vt_log("thinvm: the guest reads XCR0 %#llx (XSAVE size %u) once KVM_SET_XCRS set it; the host's is %#llx",
		       t.value, t.size_second, t.host_after);
		vt_save_outcome("xsave", &t, sizeof(t));
		return 0;
	}
	vt_load_outcome("xsave", &t, sizeof(t));
	scenario("/dev/kvm", &k);
	TEST_ASSERT(t.value == k.value, "components offered up to AVX: thinvm %#llx, KVM %#llx",
		    t.value, k.value);
	/* Only OSXSAVE of CPUID.1:ECX: KVM offers more (x2APIC). */
	TEST_ASSERT(!((t.leaf1_ecx ^ k.leaf1_ecx) & LEAF1_ECX_OSXSAVE) &&
		    t.xcr0_first == k.xcr0_first && t.size_first == k.size_first &&
		    t.xcr0_second == k.xcr0_second && t.size_second == k.size_second,
		    "the guest reads: thinvm ECX %#x, XCR0 %#x size %u, then %#x size %u; "
		    "KVM %#x, %#x size %u, then %#x size %u", t.leaf1_ecx, t.xcr0_first,
		    t.size_first, t.xcr0_second, t.size_second, k.leaf1_ecx, k.xcr0_first,
		    k.size_first, k.xcr0_second, k.size_second);
	TEST_ASSERT(t.set_good == k.set_good && t.got_after_good == k.got_after_good &&
		    t.cpuid_size == k.cpuid_size && t.set_bad == k.set_bad &&
		    t.set_bad_errno == k.set_bad_errno && t.got_after_bad == k.got_after_bad &&
		    t.set_cpuid_again == k.set_cpuid_again,
		    "KVM_SET_XCRS: thinvm %d %#llx size %u, %d/%d %#llx, SET_CPUID2 again %d; "
		    "KVM %d %#llx size %u, %d/%d %#llx, %d",
		    t.set_good, t.got_after_good, t.cpuid_size, t.set_bad, t.set_bad_errno,
		    t.got_after_bad, t.set_cpuid_again, k.set_good, k.got_after_good,
		    k.cpuid_size, k.set_bad, k.set_bad_errno, k.got_after_bad, k.set_cpuid_again);
	return 0;
}
