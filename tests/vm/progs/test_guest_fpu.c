// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's FPU registers survive the vCPU thread being scheduled out in
 * the middle of a KVM_RUN. A 64-bit guest puts a pattern in XMM0 and then
 * makes 200,000 CPUID exits, which the kernel answers without returning to
 * userspace, checking XMM0 after each; meanwhile another thread on the
 * same CPU keeps its own XMM0 full of something else. When the scheduler
 * switches between them inside KVM_RUN, the kernel saves the guest's
 * registers and leaves them to be loaded on the way back to userspace;
 * unless thinvm loads them before the next entry, the guest sees the other
 * thread's XMM0 and reports it on port 0x11.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmtest.h"

const bool vt_compares_with_kvm = false;

#define MEM_SIZE 0x10000
#define ROUNDS 200000

asm(".pushsection .rodata\n"
    ".globl fpu_guest, fpu_guest_end\n"
    "fpu_guest:\n"
    ".code64\n"
    "	mov %cr4, %rax\n"
    "	or $0x600, %rax\n"		/* OSFXSR, OSXMMEXCPT */
    "	mov %rax, %cr4\n"
    "	mov $0x1234567890abcdef, %r9\n"
    "	movq %r9, %xmm0\n"
    "	mov $200000, %r8\n"
    "1:	xor %eax, %eax\n"
    "	cpuid\n"
    "	movq %xmm0, %rdx\n"
    "	cmp %rdx, %r9\n"
    "	jne 2f\n"
    "	dec %r8\n"
    "	jnz 1b\n"
    "	hlt\n"
    "2:	out %al, $0x11\n"		/* RDX: what XMM0 held instead */
    "	hlt\n"
    "fpu_guest_end:\n"
    ".popsection\n");
extern const char fpu_guest[], fpu_guest_end[];

static volatile bool stop;

static void pin_to_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	TEST_ASSERT(!sched_setaffinity(0, sizeof(set), &set), "sched_setaffinity: %s",
		    strerror(errno));
}

/* Another task's XMM0, held in the registers whenever it runs. */
static void *noise(void *unused)
{
	unsigned long long v = 0x5555aaaa5555aaaaull;

	(void)unused;
	pin_to_cpu0();
	while (!stop)
		asm volatile("movq %0, %%xmm0" : : "r"(v++) : "xmm0");
	return NULL;
}

int main(void)
{
	struct kvm_regs regs;
	struct thinvm_vcpu_stats stats;
	struct vt_vm v;
	pthread_t t;
	int r;

	pin_to_cpu0();
	vt_vm_create(&v, THINVM_DEV, MEM_SIZE, fpu_guest, fpu_guest_end - fpu_guest, VT_LONG64);
	TEST_ASSERT(!pthread_create(&t, NULL, noise, NULL), "pthread_create");
	r = ioctl(v.vcpu, KVM_RUN, 0);
	stop = true;
	pthread_join(t, NULL);
	TEST_ASSERT(!r, "KVM_RUN: %s", strerror(errno));
	TEST_ASSERT(!ioctl(v.vcpu, KVM_GET_REGS, &regs), "KVM_GET_REGS");
	TEST_ASSERT(!ioctl(v.vcpu, THINVM_GET_VCPU_STATS, &stats), "THINVM_GET_VCPU_STATS");
	TEST_ASSERT(v.run->exit_reason != KVM_EXIT_IO,
		    "after %llu CPUID exits the guest's XMM0 read %#llx, not 0x1234567890abcdef",
		    (unsigned long long)(ROUNDS - regs.r8), (unsigned long long)regs.rdx);
	TEST_ASSERT(v.run->exit_reason == KVM_EXIT_HLT, "the guest ended with exit %u",
		    v.run->exit_reason);
	vt_log("XMM0 intact through %d CPUID exits in one KVM_RUN, %llu exits in all",
	       ROUNDS, (unsigned long long)stats.exits);
	vt_vm_destroy(&v);
	return 0;
}
