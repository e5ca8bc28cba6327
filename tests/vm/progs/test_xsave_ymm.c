// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's AVX state with its own XCR0, on /dev/thinvm and on /dev/kvm
 * (the oracle). A 64-bit guest, given the table KVM_GET_SUPPORTED_CPUID
 * offers and XCR0 x87|SSE|AVX (KVM_SET_XCRS: lane 1 does not intercept a
 * guest's XSETBV, test_xsetbv), sets CR4.OSXSAVE, fills YMM0 with ones
 * and exits to userspace on port 0x80; this program then zeroes its own
 * YMM0 and runs the guest on, which stores YMM0: all ones only if XCR0 and
 * the FPU state went in and out of the guest as they should. The guest
 * counts its steps at 0x9014, so a fault names the instruction.
 *
 * Bochs (lane 2) keeps the low half of the guest's YMM0 and loses the
 * upper one, for KVM's guests as for thinvm's: there the thinvm phase
 * SKIPs, saying so, and the KVM phase checks that KVM's guest lost the
 * same. QEMU (lane 1) keeps all of it.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmtest.h"

const bool vt_compares_with_kvm = true;

#define MEM_SIZE 0x10000
#define STEP_AT 0x9014
#define YMM0_AT 0x9020
#define AVX_PORT 0x80
#define STEPS 4

#define LEAF1_ECX_XSAVE (1u << 26)
#define LEAF1_ECX_AVX (1u << 28)
#define XCR0_X87_SSE_YMM 0x7

asm(".pushsection .rodata\n"
    ".globl ymm_guest, ymm_guest_end\n"
    "ymm_guest:\n"
    ".code64\n"
    "	mov %cr4, %rax\n"
    "	or $0x40600, %rax\n"		/* OSXSAVE, OSFXSR, OSXMMEXCPT */
    "	mov %rax, %cr4\n"
    "	movl $1, 0x9014\n"
    "	vpcmpeqd %ymm0, %ymm0, %ymm0\n"
    "	movl $2, 0x9014\n"
    "	out %al, $0x80\n"
    "	movl $3, 0x9014\n"
    "	vmovdqu %ymm0, 0x9020\n"
    "	movl $4, 0x9014\n"
    "	hlt\n"
    "ymm_guest_end:\n"
    ".popsection\n");
extern const char ymm_guest[], ymm_guest_end[];

struct outcome {
	unsigned int exit;		/* of the last KVM_RUN */
	unsigned int step;		/* STEPS: the guest ran to its end */
	unsigned char ymm0[32];
};

/* Whether @t offers AVX with its state in XCR0. */
static bool offers_avx(const struct kvm_cpuid2 *t)
{
	const struct kvm_cpuid_entry2 *l1 = vt_cpuid_entry(t, 1, 0), *d = vt_cpuid_entry(t, 0xd, 0);
	const unsigned int avx = LEAF1_ECX_XSAVE | LEAF1_ECX_AVX;

	return l1 && d && (l1->ecx & avx) == avx &&
	       (d->eax & XCR0_X87_SSE_YMM) == XCR0_X87_SSE_YMM;
}

/* Ones in XMM0's half of YMM0, zeros (the VMM's) above it. */
static bool lost_upper_half(const unsigned char ymm0[32])
{
	for (int i = 0; i < 32; i++)
		if (ymm0[i] != (i < 16 ? 0xff : 0))
			return false;
	return true;
}

/* What a userspace thread between two KVM_RUNs may do to its own YMM0. */
static void zero_ymm0(void)
{
	asm volatile("vpxor %%ymm0, %%ymm0, %%ymm0" ::: "xmm0");
}

static void scenario(const char *dev, struct outcome *o)
{
	struct kvm_cpuid2 *t = vt_supported_cpuid(dev);
	struct kvm_xcrs xcrs;
	struct vt_vm v;

	memset(o, 0, sizeof(*o));
	TEST_REQUIRE(offers_avx(t), "%s offers no AVX with XSAVE here", dev);

	vt_vm_create(&v, dev, MEM_SIZE, ymm_guest, ymm_guest_end - ymm_guest, VT_LONG64);
	TEST_ASSERT(!ioctl(v.vcpu, KVM_SET_CPUID2, t), "%s: KVM_SET_CPUID2", dev);
	memset(&xcrs, 0, sizeof(xcrs));
	xcrs.nr_xcrs = 1;
	xcrs.xcrs[0].value = XCR0_X87_SSE_YMM;
	TEST_ASSERT(!ioctl(v.vcpu, KVM_SET_XCRS, &xcrs), "%s: KVM_SET_XCRS: %s", dev,
		    strerror(errno));
	TEST_ASSERT(!ioctl(v.vcpu, KVM_RUN, 0), "%s: KVM_RUN: %s", dev, strerror(errno));
	if (v.run->exit_reason == KVM_EXIT_IO && v.run->io.port == AVX_PORT) {
		zero_ymm0();
		TEST_ASSERT(!ioctl(v.vcpu, KVM_RUN, 0), "%s: KVM_RUN: %s", dev, strerror(errno));
	}
	o->exit = v.run->exit_reason;
	memcpy(&o->step, v.mem + STEP_AT, sizeof(o->step));
	memcpy(o->ymm0, v.mem + YMM0_AT, sizeof(o->ymm0));
	vt_vm_destroy(&v);
	free(t);
}

int main(void)
{
	unsigned char ones[32];
	struct outcome t, k;

	if (!vt_kvm_phase()) {
		scenario(THINVM_DEV, &t);
		/* Saved first: a failure here is clearer beside what KVM does. */
		vt_save_outcome("xsave_ymm", &t, sizeof(t));
		memset(ones, 0xff, sizeof(ones));
		TEST_ASSERT(t.exit == KVM_EXIT_HLT && t.step == STEPS,
			    "exit %u at step %u of %u", t.exit, t.step, STEPS);
		if (lost_upper_half(t.ymm0) && !strcmp(vt_vendor(), "vmx"))
			vt_skip("the emulator kept the low half of the guest's YMM0 and lost the upper one (Bochs does so to KVM's guests too: the KVM phase checks it)");
		TEST_ASSERT(!memcmp(t.ymm0, ones, sizeof(ones)),
			    "YMM0 after an exit to userspace: %02x..%02x, not all ones",
			    t.ymm0[0], t.ymm0[31]);
		vt_log("thinvm: the guest's YMM0 survived an exit to userspace that zeroed the VMM's");
		return 0;
	}
	vt_load_outcome("xsave_ymm", &t, sizeof(t));
	scenario("/dev/kvm", &k);
	TEST_ASSERT(t.exit == k.exit && t.step == k.step && !memcmp(t.ymm0, k.ymm0, sizeof(t.ymm0)),
		    "thinvm: exit %u at step %u, YMM0 %02x..%02x; KVM: exit %u at step %u, YMM0 %02x..%02x",
		    t.exit, t.step, t.ymm0[0], t.ymm0[31], k.exit, k.step, k.ymm0[0], k.ymm0[31]);
	return 0;
}
