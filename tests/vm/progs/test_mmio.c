// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO exits, on /dev/thinvm and on /dev/kvm (the oracle): a 64-bit guest
 * (guest paging on top of nested paging) and a real-mode guest store to and
 * load from addresses no memory slot backs, with the MOV forms compilers
 * emit (register, immediate, byte, high byte, zero and sign extension), and
 * write to a read-only slot. Every exit and the registers the loads fill
 * must match KVM's. An instruction thinvm cannot decode ends the run with
 * KVM_EXIT_INTERNAL_ERROR and the instruction's bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmtest.h"

const bool vt_compares_with_kvm = true;

#define RAM_SIZE	0x100000
#define RO_BASE		0x180000	/* a read-only slot, one page */
#define MMIO		0x1f0000	/* nothing there */

asm(".pushsection .rodata\n"
    ".globl mmio64, mmio64_end, mmio16, mmio16_end, mmio_bad, mmio_bad_end\n"
    "mmio64:\n"
    ".code64\n"
    "	movl $0x12345678, 0x1f0000\n"
    "	mov $0x1122334455667788, %rax\n"
    "	mov %rax, 0x1f0008\n"
    "	mov %ah, 0x1f0020\n"
    "	mov 0x1f0010, %ebx\n"
    "	movzbl 0x1f0018, %ecx\n"
    "	movsbq 0x1f0018, %rdx\n"
    "	mov $-1, %rsi\n"
    "	mov 0x1f0030, %si\n"
    "	mov 0x180000, %edi\n"
    "	movw $0x4242, 0x180004\n"
    "	hlt\n"
    "mmio64_end:\n"
    "mmio16:\n"
    ".code16\n"
    "	mov $0xffff, %ax\n"
    "	mov %ax, %es\n"
    "	mov %ax, %es:0x10\n"
    "	mov %es:0x20, %cx\n"
    "	movb $0x99, %es:0x30\n"
    "	hlt\n"
    "mmio16_end:\n"
    "mmio_bad:\n"
    ".code64\n"
    "	addl $1, 0x1f0000\n"
    "	hlt\n"
    "mmio_bad_end:\n"
    ".popsection\n");
extern const char mmio64[], mmio64_end[], mmio16[], mmio16_end[];
extern const char mmio_bad[], mmio_bad_end[];

struct access {
	unsigned long long addr, data;
	unsigned int len, write;
};

struct outcome {
	struct access acc[12];
	int n;
	unsigned int last_exit;
	struct kvm_regs regs;
	struct kvm_run bad;
};

/* What the "device" answers to a read at @addr. */
static unsigned long long device_value(unsigned long long addr)
{
	return 0xdeadbeefcafe00feull ^ (addr & 0xff);
}

static void scenario(const char *dev, int kind, struct outcome *o)
{
	const char *code = kind == 0 ? mmio64 : kind == 1 ? mmio16 : mmio_bad;
	const char *end = kind == 0 ? mmio64_end : kind == 1 ? mmio16_end : mmio_bad_end;
	unsigned char *ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct kvm_userspace_memory_region r1 = {
		.slot = 1, .flags = KVM_MEM_READONLY, .guest_phys_addr = RO_BASE,
		.memory_size = 4096, .userspace_addr = (unsigned long)ro,
	};
	struct kvm_run *run;
	struct vt_vm v;

	memset(o, 0, sizeof(*o));
	TEST_ASSERT(ro != MAP_FAILED, "mmap");
	memcpy(ro, "\x11\x22\x33\x44", 4);
	vt_vm_create(&v, dev, RAM_SIZE, code, end - code,
		     kind == 1 ? VT_REAL : VT_LONG64);
	TEST_ASSERT(!ioctl(v.fd, KVM_SET_USER_MEMORY_REGION, &r1),
		    "%s: read-only slot", dev);
	run = v.run;

	for (;;) {
		TEST_ASSERT(!ioctl(v.vcpu, KVM_RUN, 0), "%s: KVM_RUN (exit %u)", dev,
			    run->exit_reason);
		if (run->exit_reason != KVM_EXIT_MMIO)
			break;
		TEST_ASSERT(o->n < 12, "%s: too many MMIO exits", dev);
		struct access *a = &o->acc[o->n++];

		a->addr = run->mmio.phys_addr;
		a->len = run->mmio.len;
		a->write = run->mmio.is_write;
		if (a->write) {
			memcpy(&a->data, run->mmio.data, a->len);
		} else {
			a->data = device_value(a->addr);
			memcpy(run->mmio.data, &a->data, sizeof(run->mmio.data));
		}
	}
	o->last_exit = run->exit_reason;
	if (kind == 2)
		memcpy(&o->bad, run, sizeof(o->bad));
	TEST_ASSERT(!ioctl(v.vcpu, KVM_GET_REGS, &o->regs), "GET_REGS");
	vt_vm_destroy(&v);
	munmap(ro, 4096);
}

static void compare(const char *what, const struct outcome *t, const struct outcome *k)
{
	errno = 0;
	TEST_ASSERT(t->n == k->n, "%s: %d MMIO exits, KVM %d", what, t->n, k->n);
	for (int i = 0; i < t->n; i++)
		TEST_ASSERT(!memcmp(&t->acc[i], &k->acc[i], sizeof(t->acc[i])),
			    "%s: exit %d: thinvm %#llx len %u write %u data %#llx; KVM %#llx len %u write %u data %#llx",
			    what, i, t->acc[i].addr, t->acc[i].len, t->acc[i].write, t->acc[i].data,
			    k->acc[i].addr, k->acc[i].len, k->acc[i].write, k->acc[i].data);
	TEST_ASSERT(t->last_exit == k->last_exit, "%s: last exit %u, KVM %u", what,
		    t->last_exit, k->last_exit);
	TEST_ASSERT(!memcmp(&t->regs, &k->regs, sizeof(t->regs)),
		    "%s: registers differ: rbx %#llx/%#llx rcx %#llx/%#llx rdx %#llx/%#llx rsi %#llx/%#llx rdi %#llx/%#llx rip %#llx/%#llx",
		    what, t->regs.rbx, k->regs.rbx, t->regs.rcx, k->regs.rcx,
		    t->regs.rdx, k->regs.rdx, t->regs.rsi, k->regs.rsi,
		    t->regs.rdi, k->regs.rdi, t->regs.rip, k->regs.rip);
}

int main(void)
{
	struct outcome t64, t16, tbad, k;

	if (vt_kvm_phase()) {
		vt_load_outcome("mmio64", &t64, sizeof(t64));
		vt_load_outcome("mmio16", &t16, sizeof(t16));
		scenario("/dev/kvm", 0, &k);
		compare("64-bit", &t64, &k);
		scenario("/dev/kvm", 1, &k);
		compare("real mode", &t16, &k);
		return 0;
	}
	scenario(THINVM_DEV, 0, &t64);
	errno = 0;
	TEST_ASSERT(t64.last_exit == KVM_EXIT_HLT && t64.n == 8,
		    "64-bit: %d MMIO exits then exit %u", t64.n, t64.last_exit);
	TEST_ASSERT(t64.acc[0].write && t64.acc[0].len == 4 && t64.acc[0].data == 0x12345678 &&
		    t64.acc[0].addr == MMIO, "movl $imm: %#llx", t64.acc[0].data);
	TEST_ASSERT(t64.acc[2].len == 1 && t64.acc[2].data == 0x77, "mov %%ah: %#llx",
		    t64.acc[2].data);
	TEST_ASSERT(t64.regs.rbx == 0xcafe00ee && t64.regs.rcx == 0xe6 &&
		    t64.regs.rdx == 0xffffffffffffffe6ull &&
		    t64.regs.rsi == 0xffffffffffff00ceull && t64.regs.rdi == 0x44332211,
		    "loads: rbx %#llx rcx %#llx rdx %#llx rsi %#llx rdi %#llx",
		    t64.regs.rbx, t64.regs.rcx, t64.regs.rdx, t64.regs.rsi, t64.regs.rdi);
	TEST_ASSERT(t64.acc[7].write && t64.acc[7].addr == RO_BASE + 4 &&
		    t64.acc[7].data == 0x4242, "write to the read-only slot");
	scenario(THINVM_DEV, 1, &t16);
	/* ES = 0xffff: ES:0x10 is 0x100000, just past the RAM slot. */
	TEST_ASSERT(t16.n == 3 && t16.acc[0].addr == 0x100000 && t16.acc[0].len == 2 &&
		    t16.acc[0].data == 0xffff, "real mode: %d exits, first at %#llx",
		    t16.n, t16.acc[0].addr);
	scenario(THINVM_DEV, 2, &tbad);
	TEST_ASSERT(tbad.last_exit == KVM_EXIT_INTERNAL_ERROR &&
		    tbad.bad.emulation_failure.suberror == KVM_INTERNAL_ERROR_EMULATION &&
		    tbad.bad.emulation_failure.insn_size >= 2 &&
		    tbad.bad.emulation_failure.insn_bytes[0] == 0x83,
		    "addl to MMIO: exit %u", tbad.last_exit);

	vt_save_outcome("mmio64", &t64, sizeof(t64));
	vt_save_outcome("mmio16", &t16, sizeof(t16));
	return 0;
}
