// SPDX-License-Identifier: GPL-2.0
/*
 * Instructions thinvm emulates rather than letting run, on /dev/thinvm and
 * on /dev/kvm (the oracle): MOV to and from the debug registers (DR0-3
 * kept, DR6 and DR7 with their fixed bits, DR4/DR5 as aliases while
 * CR4.DE is clear, a DR6 value over 32 bits refused with #GP) and the
 * instructions KVM treats as no-ops (INVD, MONITOR, MWAIT). A 64-bit guest
 * writes what it reads to memory; the memory and the exits must match.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vmtest.h"

const bool vt_compares_with_kvm = true;

#define MEM_SIZE 0x10000
#define RESULTS 0x8000
#define NR_RESULTS 10

/*
 * KVM lets a guest that touched a debug register run with them until its
 * next exit, so under QEMU some DR6 writes here are QEMU's, which keeps
 * bits the architecture reads as 0 (bit 12). The values written are ones
 * both read back alike.
 */
asm(".pushsection .rodata\n"
    ".globl dr_guest, dr_guest_end\n"
    "dr_guest:\n"
    ".code64\n"
    "	mov $0x7777000, %rax\n"
    "	mov %rax, %dr0\n"
    "	mov $0x7778000, %rax\n"
    "	mov %rax, %dr1\n"
    "	mov $0x7779000, %rax\n"
    "	mov %rax, %dr2\n"
    "	mov $0x777a000, %rax\n"
    "	mov %rax, %dr3\n"
    "	xor %eax, %eax\n"
    "	mov %rax, %dr6\n"
    "	mov $0x0101, %rax\n"		/* L0, LE */
    "	mov %rax, %dr7\n"
    "	mov %dr0, %rax\n"
    "	mov %rax, 0x8000\n"
    "	mov %dr1, %rbx\n"
    "	mov %rbx, 0x8008\n"
    "	mov %dr2, %r9\n"
    "	mov %r9, 0x8010\n"
    "	mov %dr3, %rax\n"
    "	mov %rax, 0x8018\n"
    "	mov %dr6, %rax\n"
    "	mov %rax, 0x8020\n"
    "	mov %dr7, %rax\n"
    "	mov %rax, 0x8028\n"
    "	mov $0xffff4ff1, %rax\n"	/* B0, BS and the fixed ones */
    "	mov %rax, %dr6\n"
    "	mov %dr4, %rax\n"		/* DR6, CR4.DE being clear */
    "	mov %rax, 0x8030\n"
    "	mov %dr5, %rax\n"		/* DR7 */
    "	mov %rax, 0x8038\n"
    "	invd\n"
    "	mov $0x8000, %rax\n"
    "	xor %ecx, %ecx\n"
    "	xor %edx, %edx\n"
    "	monitor\n"
    "	xor %eax, %eax\n"
    "	mwait\n"
    "	movq $0x600d, 0x8040\n"
    "	hlt\n"
    /* Then: DR6 bits 63:32 are reserved: #GP, and with no IDT, shutdown. */
    "	mov $0x100000000, %rax\n"
    "	mov %rax, %dr6\n"
    "	movq $0xbad, 0x8048\n"
    "	hlt\n"
    "dr_guest_end:\n"
    ".popsection\n");
extern const char dr_guest[], dr_guest_end[];

struct outcome {
	unsigned long long results[NR_RESULTS];
	unsigned int exit1, exit2;
};

static void scenario(const char *dev, struct outcome *o)
{
	struct vt_vm v;

	memset(o, 0, sizeof(*o));
	vt_vm_create(&v, dev, MEM_SIZE, dr_guest, dr_guest_end - dr_guest, VT_LONG64);
	TEST_ASSERT(!ioctl(v.vcpu, KVM_RUN, 0), "%s: KVM_RUN", dev);
	o->exit1 = v.run->exit_reason;
	TEST_ASSERT(!ioctl(v.vcpu, KVM_RUN, 0), "%s: KVM_RUN", dev);
	o->exit2 = v.run->exit_reason;
	memcpy(o->results, v.mem + RESULTS, sizeof(o->results));
	vt_vm_destroy(&v);
}

int main(void)
{
	struct outcome t, k;

	if (vt_kvm_phase())
		goto compare;
	scenario(THINVM_DEV, &t);
	TEST_ASSERT(t.exit1 == KVM_EXIT_HLT && t.results[8] == 0x600d,
		    "first part: exit %u (internal error?), end marker %#llx",
		    t.exit1, t.results[8]);
	TEST_ASSERT(t.results[0] == 0x7777000 && t.results[5] == 0x501,
		    "DR0 %#llx DR7 %#llx", t.results[0], t.results[5]);
	TEST_ASSERT(t.exit2 == KVM_EXIT_SHUTDOWN && !t.results[9],
		    "DR6 over 32 bits: exit %u", t.exit2);
	vt_save_outcome("emulated", &t, sizeof(t));
	return 0;

compare:
	vt_load_outcome("emulated", &t, sizeof(t));
	scenario("/dev/kvm", &k);
	TEST_ASSERT(t.exit1 == k.exit1 && t.exit2 == k.exit2,
		    "exits: thinvm %u %u, KVM %u %u", t.exit1, t.exit2, k.exit1, k.exit2);
	for (int i = 0; i < NR_RESULTS; i++)
		TEST_ASSERT(t.results[i] == k.results[i], "result %d: thinvm %#llx, KVM %#llx",
			    i, t.results[i], k.results[i]);
	return 0;
}
