// SPDX-License-Identifier: GPL-2.0
/*
 * Runtime CPUID (shared/design.md, behaviour 5), on /dev/thinvm and on
 * /dev/kvm (the oracle): the bits that follow the vCPU's state.
 *
 * A 64-bit guest reads CPUID.1:EDX, turns its APIC off through APIC_BASE
 * (WRMSR), reads it again, and stops; KVM_GET_CPUID2 must then show the
 * APIC bit clear. After that run, KVM_SET_CPUID2 of the table as first set
 * (APIC bit on: it differs from the vCPU's only in a dynamic bit) is
 * accepted, one that differs in a static bit is refused with EINVAL, and a
 * table refused before any run (a 32-bit virtual address width, which both
 * refuse) leaves KVM_GET_CPUID2 and
 * what the guest reads as they were. The guest reads CPUID once more after
 * the refusals to show it.
 *
 * OSXSAVE follows CR4 by the same rule: test_xsave flips it and reads it
 * back, and the XSAVE size that follows XCR0. OSPKE does too (unit-tested
 * in tests/unit/test_cpuid_rules.c), but a guest cannot set CR4.PKE on
 * thinvm, which offers no PKU: test_cpuid checks that the MOV to CR4 is
 * refused there.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmtest.h"

const bool vt_compares_with_kvm = true;

#define MEM_SIZE 0x10000
#define RESULTS 0x9000
#define APIC_BIT (1u << 9)
#define SSE3_BIT (1u << 0)
#define LEAF1_EDX ((1u << 0) | APIC_BIT | (1u << 5) | (1u << 6))	/* FPU APIC MSR PAE */

/* Three reads of CPUID.1:EDX at RESULTS, the APIC turned off between. */
asm(".pushsection .rodata\n"
    ".globl apic_guest, apic_guest_end\n"
    "apic_guest:\n"
    ".code64\n"
    "	mov $1, %eax\n"
    "	cpuid\n"
    "	mov %edx, 0x9000\n"
    "	mov $0x1b, %ecx\n"		/* IA32_APIC_BASE */
    "	rdmsr\n"
    "	and $~0x800, %eax\n"		/* EN off, x2APIC already off */
    "	wrmsr\n"
    "	mov $1, %eax\n"
    "	cpuid\n"
    "	mov %edx, 0x9004\n"
    "	hlt\n"
    "	mov $1, %eax\n"
    "	cpuid\n"
    "	mov %edx, 0x9008\n"
    "	hlt\n"
    "apic_guest_end:\n"
    ".popsection\n");
extern const char apic_guest[], apic_guest_end[];

struct table {
	struct kvm_cpuid2 head;
	struct kvm_cpuid_entry2 e[5];
};

static void fill(struct table *t)
{
	memset(t, 0, sizeof(*t));
	t->e[0] = (struct kvm_cpuid_entry2){ .function = 0, .eax = 1 };
	memcpy(&t->e[0].ebx, "Genu", 4);
	memcpy(&t->e[0].edx, "ineI", 4);
	memcpy(&t->e[0].ecx, "ntel", 4);
	t->e[1] = (struct kvm_cpuid_entry2){
		.function = 1, .eax = 0x806f8, .ecx = SSE3_BIT,
		.edx = LEAF1_EDX,
	};
	t->e[2] = (struct kvm_cpuid_entry2){ .function = 0x80000000, .eax = 0x80000001 };
	t->e[3] = (struct kvm_cpuid_entry2){
		.function = 0x80000001, .edx = (1 << 29) | (1 << 20) | (1 << 11),
	};
	t->head.nent = 4;
}

static unsigned int leaf1_edx(const struct table *t)
{
	for (unsigned int i = 0; i < t->head.nent; i++)
		if (t->e[i].function == 1)
			return t->e[i].edx;
	return 0xdeadbeef;
}

struct outcome {
	unsigned int edx[3];		/* the guest's three reads */
	unsigned int get_edx_after_run;	/* KVM_GET_CPUID2 after the WRMSR */
	int refused_before_run, refused_before_run_errno;
	unsigned int get_nent_after_refusal, get_edx_after_refusal;
	int same_but_dynamic, other_static, other_static_errno;
};

static void scenario(const char *dev, struct outcome *o)
{
	struct table t, bad, got;
	struct vt_vm v;

	memset(o, 0, sizeof(*o));
	vt_vm_create(&v, dev, MEM_SIZE, apic_guest, apic_guest_end - apic_guest,
		     VT_LONG64);
	fill(&t);
	TEST_ASSERT(!ioctl(v.vcpu, KVM_SET_CPUID2, &t), "%s: KVM_SET_CPUID2", dev);

	/* Refused before any run: 32-bit virtual addresses. Nothing may change. */
	bad = t;
	bad.e[1].ecx = 0;
	bad.e[4] = (struct kvm_cpuid_entry2){ .function = 0x80000008, .eax = 0x2024 };
	bad.head.nent = 5;
	errno = 0;
	o->refused_before_run = ioctl(v.vcpu, KVM_SET_CPUID2, &bad);
	o->refused_before_run_errno = errno;
	got.head.nent = 5;
	TEST_ASSERT(!ioctl(v.vcpu, KVM_GET_CPUID2, &got), "%s: KVM_GET_CPUID2", dev);
	o->get_nent_after_refusal = got.head.nent;
	o->get_edx_after_refusal = leaf1_edx(&got);

	TEST_ASSERT(!ioctl(v.vcpu, KVM_RUN, 0) && v.run->exit_reason == KVM_EXIT_HLT,
		    "%s: first run ended with exit %u", dev, v.run->exit_reason);
	got.head.nent = 5;
	TEST_ASSERT(!ioctl(v.vcpu, KVM_GET_CPUID2, &got), "%s: KVM_GET_CPUID2", dev);
	o->get_edx_after_run = leaf1_edx(&got);

	/* The first table: its APIC bit differs only dynamically. */
	o->same_but_dynamic = ioctl(v.vcpu, KVM_SET_CPUID2, &t);
	bad = t;
	bad.e[1].ecx = 0;	/* SSE3 gone: a static difference */
	errno = 0;
	o->other_static = ioctl(v.vcpu, KVM_SET_CPUID2, &bad);
	o->other_static_errno = errno;

	TEST_ASSERT(!ioctl(v.vcpu, KVM_RUN, 0) && v.run->exit_reason == KVM_EXIT_HLT,
		    "%s: second run ended with exit %u", dev, v.run->exit_reason);
	memcpy(o->edx, v.mem + RESULTS, sizeof(o->edx));
	vt_vm_destroy(&v);
}

int main(void)
{
	struct outcome t, k;

	if (!vt_kvm_phase()) {
		scenario(THINVM_DEV, &t);
		TEST_ASSERT(t.edx[0] & APIC_BIT, "APIC bit before the WRMSR: %#x", t.edx[0]);
		TEST_ASSERT(!(t.edx[1] & APIC_BIT), "APIC bit after the WRMSR: %#x", t.edx[1]);
		TEST_ASSERT(t.edx[2] == t.edx[1], "after the refusals the guest reads %#x, not %#x",
			    t.edx[2], t.edx[1]);
		TEST_ASSERT(!(t.get_edx_after_run & APIC_BIT),
			    "KVM_GET_CPUID2 after the WRMSR: %#x", t.get_edx_after_run);
		TEST_ASSERT(t.refused_before_run == -1 && t.refused_before_run_errno == EINVAL,
			    "32-bit virtual addresses: %d errno %d", t.refused_before_run,
			    t.refused_before_run_errno);
		TEST_ASSERT(t.get_nent_after_refusal == 4 && t.get_edx_after_refusal == LEAF1_EDX,
			    "a refused set changed the table: %u entries, CPUID.1:EDX %#x",
			    t.get_nent_after_refusal, t.get_edx_after_refusal);
		TEST_ASSERT(t.same_but_dynamic == 0, "the first table again, after run: %d",
			    t.same_but_dynamic);
		TEST_ASSERT(t.other_static == -1 && t.other_static_errno == EINVAL,
			    "a static change after run: %d errno %d", t.other_static,
			    t.other_static_errno);
		vt_log("thinvm: CPUID.1:EDX %#x, then %#x after APIC_BASE.EN=0; GET_CPUID2 %#x",
		       t.edx[0], t.edx[1], t.get_edx_after_run);
		vt_save_outcome("cpuid_runtime", &t, sizeof(t));
		return 0;
	}
	vt_load_outcome("cpuid_runtime", &t, sizeof(t));
	scenario("/dev/kvm", &k);
	TEST_ASSERT(!memcmp(t.edx, k.edx, sizeof(t.edx)),
		    "guest reads: thinvm %#x %#x %#x, KVM %#x %#x %#x",
		    t.edx[0], t.edx[1], t.edx[2], k.edx[0], k.edx[1], k.edx[2]);
	TEST_ASSERT(t.get_edx_after_run == k.get_edx_after_run,
		    "KVM_GET_CPUID2 after the WRMSR: thinvm %#x, KVM %#x",
		    t.get_edx_after_run, k.get_edx_after_run);
	/* nent is not compared: KVM 6.1's KVM_GET_CPUID2 leaves it as given. */
	TEST_ASSERT(t.refused_before_run == k.refused_before_run &&
		    t.refused_before_run_errno == k.refused_before_run_errno &&
		    t.get_edx_after_refusal == k.get_edx_after_refusal,
		    "a refused set before run: thinvm %d/%d (%u entries, EDX %#x), KVM %d/%d (%u, %#x)",
		    t.refused_before_run, t.refused_before_run_errno,
		    t.get_nent_after_refusal, t.get_edx_after_refusal,
		    k.refused_before_run, k.refused_before_run_errno,
		    k.get_nent_after_refusal, k.get_edx_after_refusal);
	TEST_ASSERT(t.same_but_dynamic == k.same_but_dynamic &&
		    t.other_static == k.other_static &&
		    t.other_static_errno == k.other_static_errno,
		    "after run: same table thinvm %d KVM %d; static change thinvm %d/%d KVM %d/%d",
		    t.same_but_dynamic, k.same_but_dynamic, t.other_static,
		    t.other_static_errno, k.other_static, k.other_static_errno);
	return 0;
}
