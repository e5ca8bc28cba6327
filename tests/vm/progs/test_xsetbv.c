// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's XSETBV, on /dev/thinvm and on /dev/kvm (the oracle), with the
 * table KVM_GET_SUPPORTED_CPUID offers. A 64-bit guest sets CR4.OSXSAVE,
 * runs XSETBV of a value the test picks, and reads XCR0 and
 * CPUID.0xD.0:EBX (the XSAVE area size, which follows XCR0). Accepted:
 * every component offered up to AVX; KVM_GET_XCRS then agrees. Refused
 * with #GP, which with no IDT ends in a triple fault, XCR0 staying 1: x87
 * off, AVX without SSE, a reserved bit, XCR index 1.
 *
 * QEMU 7.2's nested SVM (lane 1) does not intercept XSETBV: the guest's
 * runs as if no hypervisor were there, for KVM's guests as for thinvm's,
 * so neither sees it (KVM_GET_XCRS stays 1 while the guest reads its own
 * value). There the thinvm phase SKIPs, saying so, and the KVM phase
 * checks that KVM's guest saw the same. Either way this program's own XCR0
 * must be what it was: thinvm puts the host's back after each exit.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmtest.h"

const bool vt_compares_with_kvm = true;

#define MEM_SIZE 0x10000
#define RESULTS 0x9000

#define LEAF1_ECX_XSAVE (1u << 26)
#define XCR0_X87 0x1ull
#define XCR0_SSE 0x2ull
#define XCR0_YMM 0x4ull

/* R8: the value for XSETBV, R9: the XCR index. */
asm(".pushsection .rodata\n"
    ".globl xsetbv_guest, xsetbv_guest_end\n"
    "xsetbv_guest:\n"
    ".code64\n"
    "	mov %cr4, %rax\n"
    "	or $0x40600, %rax\n"		/* OSXSAVE, OSFXSR, OSXMMEXCPT */
    "	mov %rax, %cr4\n"
    "	mov %r8, %rax\n"
    "	mov %r8, %rdx\n"
    "	shr $32, %rdx\n"
    "	mov %r9d, %ecx\n"
    "	xsetbv\n"
    "	xor %ecx, %ecx\n"
    "	xgetbv\n"
    "	mov %eax, 0x9000\n"
    "	mov $0xd, %eax\n"
    "	xor %ecx, %ecx\n"
    "	cpuid\n"
    "	mov %ebx, 0x9004\n"
    "	hlt\n"
    "xsetbv_guest_end:\n"
    ".popsection\n");
extern const char xsetbv_guest[], xsetbv_guest_end[];

enum { GOOD, NO_X87, AVX_NO_SSE, RESERVED, INDEX1, NR_CASES };
static const char *const case_names[NR_CASES] = {
	"the components offered", "x87 off", "AVX without SSE", "a reserved bit", "XCR 1",
};

struct run_outcome {
	unsigned int exit;
	unsigned int xcr0_read, size_read;	/* by the guest after XSETBV */
	unsigned long long xcr0_got;		/* KVM_GET_XCRS after the run */
};

struct outcome {
	unsigned long long good;	/* the value to be accepted */
	struct run_outcome run[NR_CASES];
	unsigned long long host_before, host_after;	/* this program's XCR0 */
};

static unsigned long long my_xcr0(void)
{
	unsigned int lo, hi;

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

static void one_run(const char *dev, const struct kvm_cpuid2 *t, unsigned long long value,
		    unsigned int index, struct run_outcome *o)
{
	unsigned int read[2];	/* what the guest wrote at RESULTS, in order */
	struct kvm_regs regs;
	struct vt_vm v;

	vt_vm_create(&v, dev, MEM_SIZE, xsetbv_guest, xsetbv_guest_end - xsetbv_guest,
		     VT_LONG64);
	TEST_ASSERT(!ioctl(v.vcpu, KVM_SET_CPUID2, t), "%s: KVM_SET_CPUID2", dev);
	TEST_ASSERT(!ioctl(v.vcpu, KVM_GET_REGS, &regs), "KVM_GET_REGS");
	regs.r8 = value;
	regs.r9 = index;
	TEST_ASSERT(!ioctl(v.vcpu, KVM_SET_REGS, &regs), "KVM_SET_REGS");
	TEST_ASSERT(!ioctl(v.vcpu, KVM_RUN, 0), "%s: KVM_RUN: %s", dev, strerror(errno));
	o->exit = v.run->exit_reason;
	memcpy(read, v.mem + RESULTS, sizeof(read));
	o->xcr0_read = read[0];
	o->size_read = read[1];
	o->xcr0_got = get_xcr0(&v);
	vt_vm_destroy(&v);
}

static void scenario(const char *dev, struct outcome *o)
{
	static const struct { unsigned long long value; unsigned int index; } bad[NR_CASES] = {
		[NO_X87] = { 0 },
		[AVX_NO_SSE] = { XCR0_X87 | XCR0_YMM },
		[RESERVED] = { XCR0_X87 | (1ull << 62) },
		[INDEX1] = { XCR0_X87, 1 },
	};
	struct kvm_cpuid2 *t = vt_supported_cpuid(dev);
	const struct kvm_cpuid_entry2 *l1 = vt_cpuid_entry(t, 1, 0), *d = vt_cpuid_entry(t, 0xd, 0);

	memset(o, 0, sizeof(*o));
	TEST_REQUIRE(l1 && (l1->ecx & LEAF1_ECX_XSAVE) && d,
		     "%s offers no XSAVE here (the CPU or its kernel has none)", dev);
	o->good = d->eax & (XCR0_X87 | XCR0_SSE | XCR0_YMM);
	o->host_before = my_xcr0();
	one_run(dev, t, o->good, 0, &o->run[GOOD]);
	for (int c = NO_X87; c < NR_CASES; c++)
		one_run(dev, t, bad[c].value, bad[c].index, &o->run[c]);
	o->host_after = my_xcr0();
	free(t);
}

/* The guest's XSETBV took effect with no exit to see it. */
static bool not_intercepted(const struct outcome *o)
{
	const struct run_outcome *g = &o->run[GOOD];

	return g->exit == KVM_EXIT_HLT && g->xcr0_read == o->good && g->xcr0_got == 1 &&
	       o->good != 1;
}

int main(void)
{
	struct outcome t, k;

	if (!vt_kvm_phase()) {
		const struct run_outcome *g = &t.run[GOOD];

		scenario(THINVM_DEV, &t);
		TEST_ASSERT(t.host_before == t.host_after,
			    "this program's XCR0 was %#llx, is %#llx after the guests ran",
			    t.host_before, t.host_after);
		vt_save_outcome("xsetbv", &t, sizeof(t));
		if (not_intercepted(&t) && !strcmp(vt_vendor(), "svm"))
			vt_skip("the guest's XSETBV is not intercepted in this lane (QEMU's nested SVM does so to KVM's guests too: the KVM phase checks it)");
		TEST_ASSERT(g->exit == KVM_EXIT_HLT && g->xcr0_read == t.good &&
			    g->xcr0_got == t.good,
			    "XSETBV %#llx: exit %u, the guest reads %#x, KVM_GET_XCRS %#llx",
			    t.good, g->exit, g->xcr0_read, g->xcr0_got);
		TEST_ASSERT(g->size_read == (t.good & XCR0_YMM ? 832u : 576u),
			    "XSAVE size for XCR0 %#llx: %u", t.good, g->size_read);
		for (int c = NO_X87; c < NR_CASES; c++)
			TEST_ASSERT(t.run[c].exit == KVM_EXIT_SHUTDOWN && t.run[c].xcr0_got == 1,
				    "XSETBV of %s: exit %u, XCR0 %#llx (want #GP, so a triple fault, and 1)",
				    case_names[c], t.run[c].exit, t.run[c].xcr0_got);
		vt_log("thinvm: XSETBV %#llx accepted (XSAVE size %u), %d values refused with #GP",
		       t.good, g->size_read, NR_CASES - 1);
		return 0;
	}
	vt_load_outcome("xsetbv", &t, sizeof(t));
	scenario("/dev/kvm", &k);
	TEST_ASSERT(t.good == k.good, "components offered up to AVX: thinvm %#llx, KVM %#llx",
		    t.good, k.good);
	for (int c = 0; c < NR_CASES; c++) {
		const struct run_outcome *a = &t.run[c], *b = &k.run[c];

		TEST_ASSERT(a->exit == b->exit && a->xcr0_got == b->xcr0_got &&
			    (a->exit != KVM_EXIT_HLT ||
			     (a->xcr0_read == b->xcr0_read && a->size_read == b->size_read)),
			    "XSETBV of %s: thinvm exit %u, reads %#x size %u, XCR0 %#llx; "
			    "KVM exit %u, reads %#x size %u, XCR0 %#llx", case_names[c],
			    a->exit, a->xcr0_read, a->size_read, a->xcr0_got,
			    b->exit, b->xcr0_read, b->size_read, b->xcr0_got);
	}
	return 0;
}
