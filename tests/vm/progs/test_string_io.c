// SPDX-License-Identifier: GPL-2.0
/*
 * String I/O (INS/OUTS, with and without REP), on /dev/thinvm and on
 * /dev/kvm (the oracle). A real-mode guest: bytes, words and dwords, up and
 * down (DF), across a page boundary, through a segment override, a REP with
 * a count of zero. A 64-bit guest: 5000 bytes out and 1100 dwords in (more
 * than one exit's worth), and a 32-bit address size (ESI/ECX only, their
 * upper halves cleared). The host logs every element moved; the log, the
 * registers and all guest memory must be the same on both. How many
 * elements one exit carries may differ, and is not compared: on thinvm the
 * 64-bit guest must need few exits.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vmtest.h"

const bool vt_compares_with_kvm = true;

#define MEM_SIZE 0x10000
#define LOG_SIZE 65536

asm(".pushsection .rodata\n"
    ".globl real_guest, real_guest_end\n"
    "real_guest:\n"
    ".code16\n"
    "	cld\n"
    "	mov $0x3f8, %dx\n"
    "	mov $0x4000, %si\n"
    "	mov $16, %cx\n"
    "	rep outsb\n"			/* 16 bytes up */
    "	mov $0x60, %dx\n"
    "	mov $0x4ff0, %di\n"
    "	mov $40, %cx\n"
    "	rep insb\n"			/* 40 bytes across a page */
    "	std\n"
    "	mov $0x3f8, %dx\n"
    "	mov $0x4106, %si\n"
    "	mov $4, %cx\n"
    "	rep outsw\n"			/* 4 words down */
    "	cld\n"
    "	mov $0x100, %ax\n"
    "	mov %ax, %fs\n"
    "	mov $0x3000, %si\n"
    "	mov $3, %cx\n"
    "	rep outsb %fs:(%si), (%dx)\n"	/* FS base 0x1000: from 0x4000 */
    "	xor %cx, %cx\n"
    "	rep outsb\n"			/* nothing */
    "	mov $0x61, %dx\n"
    "	mov $0x4200, %di\n"
    "	insw\n"				/* one word, no REP */
    "	std\n"
    "	mov $0x62, %dx\n"
    "	mov $0x4308, %di\n"
    "	mov $3, %cx\n"
    "	rep insl\n"			/* 3 dwords down */
    "	cld\n"
    "	mov $0x3f8, %dx\n"
    "	mov $0x4000, %si\n"
    "	outsl\n"
    "	hlt\n"
    "real_guest_end:\n"
    ".code64\n"
    ".globl long_guest, long_guest_end\n"
    "long_guest:\n"
    "	cld\n"
    "	mov $0x3f8, %dx\n"
    "	mov $0x6000, %rsi\n"
    "	mov $5000, %rcx\n"
    "	rep outsb\n"
    "	mov $0x60, %dx\n"
    "	mov $0x9000, %rdi\n"
    "	mov $1100, %rcx\n"
    "	rep insl\n"
    "	mov $0x3f9, %dx\n"
    "	mov $0xdead00006000, %rsi\n"
    "	mov $0x100000003, %rcx\n"
    "	.byte 0x67, 0xf3, 0x6e\n"	/* addr32 rep outsb: ESI, ECX */
    "	hlt\n"
    "long_guest_end:\n"
    ".popsection\n");
extern const char real_guest[], real_guest_end[], long_guest[], long_guest_end[];

struct outcome {
	unsigned int log_len;
	unsigned char log[LOG_SIZE];
	struct kvm_regs regs[2];
	unsigned char mem[2][MEM_SIZE];
	unsigned int exits[2];
};

static unsigned char in_seq;

/* One entry per element: port (low byte), size, direction, the data. */
static void log_io(struct outcome *o, const struct kvm_run *run)
{
	const unsigned char *data = (const unsigned char *)run + run->io.data_offset;

	for (unsigned int i = 0; i < run->io.count; i++) {
		const unsigned char *el = data + i * run->io.size;

		TEST_ASSERT(o->log_len + 3 + run->io.size <= LOG_SIZE, "log full");
		o->log[o->log_len++] = run->io.port;
		o->log[o->log_len++] = run->io.size;
		o->log[o->log_len++] = run->io.direction;
		memcpy(o->log + o->log_len, el, run->io.size);
		o->log_len += run->io.size;
	}
}

static void run_guest(const char *dev, const void *code, size_t len,
		      enum vt_mode mode, int which, struct outcome *o)
{
	struct vt_vm v;

	vt_vm_create(&v, dev, MEM_SIZE, code, len, mode);
	for (unsigned int i = 0x4000; i < MEM_SIZE; i++)
		if (mode == VT_REAL || i >= 0x6000)
			v.mem[i] = i * 7;
	for (;;) {
		TEST_ASSERT(!ioctl(v.vcpu, KVM_RUN, 0), "%s: KVM_RUN", dev);
		if (v.run->exit_reason == KVM_EXIT_HLT)
			break;
		TEST_ASSERT(v.run->exit_reason == KVM_EXIT_IO,
			    "%s: exit %u, internal error %u", dev,
			    v.run->exit_reason, v.run->internal.suberror);
		TEST_ASSERT(v.run->io.count >= 1 &&
			    v.run->io.count * v.run->io.size <= 4096,
			    "%s: io.count %u of size %u", dev, v.run->io.count,
			    v.run->io.size);
		if (v.run->io.direction == KVM_EXIT_IO_IN) {
			unsigned char *data = (unsigned char *)v.run + v.run->io.data_offset;

			for (unsigned int i = 0; i < v.run->io.count * v.run->io.size; i++)
				data[i] = in_seq++;
		}
		log_io(o, v.run);
		o->exits[which]++;
	}
	TEST_ASSERT(!ioctl(v.vcpu, KVM_GET_REGS, &o->regs[which]), "GET_REGS");
	memcpy(o->mem[which], v.mem, MEM_SIZE);
	vt_vm_destroy(&v);
}

static void scenario(const char *dev, struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	in_seq = 0;
	run_guest(dev, real_guest, real_guest_end - real_guest, VT_REAL, 0, o);
	run_guest(dev, long_guest, long_guest_end - long_guest, VT_LONG64, 1, o);
}

int main(void)
{
	static struct outcome t, k;

	if (vt_kvm_phase())
		goto compare;
	scenario(THINVM_DEV, &t);
	/* 5000 + 4400 bytes through a 4 KiB page, a page of guest memory at a
	 * time: a handful of exits, not one per element. */
	TEST_ASSERT(t.exits[1] <= 12, "the 64-bit guest took %u exits", t.exits[1]);
	/* Per element, 3 bytes and the data: 289 for the real-mode guest,
	 * 5000 * 4 + 1100 * 7 + 3 * 4 for the 64-bit one. */
	TEST_ASSERT(t.log_len == 289 + 27712, "%u bytes logged", t.log_len);
	TEST_ASSERT(t.regs[1].rcx == 0 && t.regs[1].rsi == 0x6003,
		    "addr32: RCX %#llx RSI %#llx", t.regs[1].rcx, t.regs[1].rsi);
	vt_save_outcome("string_io", &t, sizeof(t));
	return 0;

compare:
	vt_load_outcome("string_io", &t, sizeof(t));
	scenario("/dev/kvm", &k);
	TEST_ASSERT(t.log_len == k.log_len, "elements logged: thinvm %u bytes, KVM %u",
		    t.log_len, k.log_len);
	for (unsigned int i = 0; i < t.log_len; i++)
		TEST_ASSERT(t.log[i] == k.log[i], "log byte %u: thinvm %#x, KVM %#x",
			    i, t.log[i], k.log[i]);
	for (int g = 0; g < 2; g++) {
		const struct kvm_regs *a = &t.regs[g], *b = &k.regs[g];

		TEST_ASSERT(a->rsi == b->rsi && a->rdi == b->rdi && a->rcx == b->rcx &&
			    a->rip == b->rip && a->rflags == b->rflags,
			    "guest %d: thinvm RSI %#llx RDI %#llx RCX %#llx RIP %#llx, KVM %#llx %#llx %#llx %#llx",
			    g, a->rsi, a->rdi, a->rcx, a->rip, b->rsi, b->rdi, b->rcx, b->rip);
		for (unsigned int i = 0; i < MEM_SIZE; i++)
			TEST_ASSERT(t.mem[g][i] == k.mem[g][i],
				    "guest %d memory at %#x: thinvm %#x, KVM %#x", g, i,
				    t.mem[g][i], k.mem[g][i]);
	}
	return 0;
}
