// SPDX-License-Identifier: GPL-2.0
/*
 * Exits of a real-mode guest, on /dev/thinvm and on /dev/kvm (the oracle):
 * port writes and reads of 1, 2 and 4 bytes, CPUID, the hypercall ABI, guest
 * memory writes, HLT; a triple fault (KVM_EXIT_SHUTDOWN); a state the
 * hardware refuses (KVM_EXIT_FAIL_ENTRY). The guest code is assembled here
 * and copied to VT_CODE; it keeps results at 0x2000.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmtest.h"

#define EFER_RESERVED_20	(1u << 20)

const bool vt_compares_with_kvm = true;

#define MEM_SIZE 0x10000
#define DATA 0x2000

asm(".pushsection .rodata\n"
    ".globl exits_guest, exits_guest_end\n"
    "exits_guest:\n"
    ".code16\n"
    "	mov $0x80, %dx\n"
    "	mov $0x11, %al\n"
    "	out %al, %dx\n"
    "	mov $0x2233, %ax\n"
    "	out %ax, %dx\n"
    "	mov $0x44556677, %eax\n"
    "	out %eax, %dx\n"
    "	mov $0x81, %dx\n"
    "	mov $0xffffffff, %eax\n"
    "	in %dx, %al\n"
    "	mov %eax, 0x2000\n"
    "	in %dx, %ax\n"
    "	mov %eax, 0x2004\n"
    "	in %dx, %eax\n"
    "	mov %eax, 0x2008\n"
    "	xor %eax, %eax\n"
    "	cpuid\n"
    "	mov %eax, 0x2010\n"
    "	mov %ebx, 0x2014\n"
    "	mov %ecx, 0x2018\n"
    "	mov %edx, 0x201c\n"
    "	mov $12345, %eax\n"
    "exits_hypercall:\n"
    "	vmmcall\n"
    "	mov %eax, 0x2020\n"
    "	movl $0xcafef00d, 0x2024\n"
    "	hlt\n"
    "exits_guest_end:\n"
    /* A real-mode IDT of limit 0: int3 cannot be delivered, nor can the
     * #GP and #DF that follow; the CPU shuts down. */
    ".globl shutdown_guest, shutdown_guest_end\n"
    "shutdown_guest:\n"
    "	lidtl 0x2100\n"
    "	int3\n"
    "shutdown_guest_end:\n"
    ".code64\n"
    ".popsection\n");
extern const char exits_guest[], exits_guest_end[], exits_hypercall[];
extern const char shutdown_guest[], shutdown_guest_end[];

struct io_exit {
	unsigned char dir, size;
	unsigned short port;
	unsigned int data;
};

struct outcome {
	struct io_exit io[8];
	int nio;
	unsigned int data[10];
	unsigned long long rip_after_hlt;
	unsigned int last_exit;
	unsigned int shutdown_exit;
	struct kvm_regs shutdown_regs;		/* INIT's (AMD), the fault's (Intel) */
	unsigned long long shutdown_cs_base;
	int fail_entry_rc;
	unsigned int fail_entry_exit;
	unsigned long long fail_entry_reason;
	struct thinvm_vcpu_stats stats;		/* thinvm only */
};

static void run_exits(const char *dev, struct outcome *o)
{
	static const unsigned int in_data[] = { 0xaa, 0xbbcc, 0xddeeff00 };
	struct kvm_regs regs;
	struct vt_vm v;
	int nin = 0;

	vt_vm_create(&v, dev, MEM_SIZE, exits_guest, exits_guest_end - exits_guest,
		     VT_REAL);
	/*
	 * The vendor's own hypercall instruction: Intel's VMCALL in place of
	 * VMMCALL, which KVM's emulator (and thinvm, alike) leaves a #UD in
	 * real mode.
	 */
	if (!strcmp(vt_vendor(), "vmx"))
		memcpy(v.mem + VT_CODE + (exits_hypercall - exits_guest), "\x0f\x01\xc1", 3);
	for (;;) {
		TEST_ASSERT(!ioctl(v.vcpu, KVM_RUN, 0), "%s: KVM_RUN", dev);
		if (v.run->exit_reason != KVM_EXIT_IO)
			break;
		TEST_ASSERT(o->nio < 8, "%s: too many I/O exits: the 9th is %s port %#x size %u count %u",
			    dev, v.run->io.direction == KVM_EXIT_IO_OUT ? "OUT to" : "IN from",
			    v.run->io.port, v.run->io.size, v.run->io.count);
		struct io_exit *io = &o->io[o->nio++];
		unsigned char *data = (unsigned char *)v.run + v.run->io.data_offset;

		io->dir = v.run->io.direction;
		io->size = v.run->io.size;
		io->port = v.run->io.port;
		TEST_ASSERT(v.run->io.count == 1 && io->size <= 4, "%s: I/O count/size", dev);
		if (io->dir == KVM_EXIT_IO_OUT) {
			memcpy(&io->data, data, io->size);
		} else {
			TEST_ASSERT(nin < 3, "%s: too many port reads", dev);
			io->data = in_data[nin++];
			memcpy(data, &io->data, io->size);
		}
	}
	o->last_exit = v.run->exit_reason;
	TEST_ASSERT(!ioctl(v.vcpu, KVM_GET_REGS, &regs), "GET_REGS");
	o->rip_after_hlt = regs.rip;
	memcpy(o->data, v.mem + DATA, sizeof(o->data));
	if (!strcmp(dev, THINVM_DEV))
		TEST_ASSERT(!ioctl(v.vcpu, THINVM_GET_VCPU_STATS, &o->stats),
			    "THINVM_GET_VCPU_STATS");
	vt_vm_destroy(&v);
}

static void run_shutdown(const char *dev, struct outcome *o)
{
	struct vt_vm v;

	vt_vm_create(&v, dev, MEM_SIZE, shutdown_guest,
		     shutdown_guest_end - shutdown_guest, VT_REAL);
	TEST_ASSERT(!ioctl(v.vcpu, KVM_RUN, 0), "%s: KVM_RUN", dev);
	o->shutdown_exit = v.run->exit_reason;
	{
		struct kvm_sregs sregs;

		TEST_ASSERT(!ioctl(v.vcpu, KVM_GET_REGS, &o->shutdown_regs), "GET_REGS");
		TEST_ASSERT(!ioctl(v.vcpu, KVM_GET_SREGS, &sregs), "GET_SREGS");
		o->shutdown_cs_base = sregs.cs.base;
	}
	vt_vm_destroy(&v);
}

/*
 * A reserved EFER bit: KVM_SET_SREGS takes it (KVM does not check EFER
 * there), VMRUN refuses it (APM 15.5.1, "any MBZ bit of EFER is set").
 */
static void run_fail_entry(const char *dev, struct outcome *o)
{
	struct kvm_sregs sregs;
	struct vt_vm v;

	vt_vm_create(&v, dev, MEM_SIZE, exits_guest, 1, VT_REAL);
	TEST_ASSERT(!ioctl(v.vcpu, KVM_GET_SREGS, &sregs), "GET_SREGS");
	sregs.efer |= EFER_RESERVED_20;
	o->fail_entry_rc = ioctl(v.vcpu, KVM_SET_SREGS, &sregs) ? -errno : 0;
	if (!o->fail_entry_rc) {
		o->fail_entry_rc = ioctl(v.vcpu, KVM_RUN, 0) ? -errno : 0;
		o->fail_entry_exit = v.run->exit_reason;
		o->fail_entry_reason = v.run->fail_entry.hardware_entry_failure_reason;
	}
	vt_vm_destroy(&v);
}

static void scenario(const char *dev, struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	run_exits(dev, o);
	run_shutdown(dev, o);
	run_fail_entry(dev, o);
}

int main(void)
{
	static const struct io_exit want_io[] = {
		{ KVM_EXIT_IO_OUT, 1, 0x80, 0x11 },
		{ KVM_EXIT_IO_OUT, 2, 0x80, 0x2233 },
		{ KVM_EXIT_IO_OUT, 4, 0x80, 0x44556677 },
		{ KVM_EXIT_IO_IN, 1, 0x81, 0xaa },
		{ KVM_EXIT_IO_IN, 2, 0x81, 0xbbcc },
		{ KVM_EXIT_IO_IN, 4, 0x81, 0xddeeff00 },
	};
	struct outcome t, k;

	if (vt_kvm_phase())
		goto compare;
	scenario(THINVM_DEV, &t);
	errno = 0;
	TEST_ASSERT(t.nio == 6 && !memcmp(t.io, want_io, sizeof(want_io)),
		    "port exits: %d of them, first %u/%u/%#x/%#x", t.nio,
		    t.io[0].dir, t.io[0].size, t.io[0].port, t.io[0].data);
	TEST_ASSERT(t.last_exit == KVM_EXIT_HLT, "last exit %u, not HLT", t.last_exit);
	TEST_ASSERT(t.data[0] == 0xffffffaa && t.data[1] == 0xffffbbcc &&
		    t.data[2] == 0xddeeff00,
		    "port reads into the guest: %#x %#x %#x", t.data[0], t.data[1], t.data[2]);
	TEST_ASSERT(!t.data[4] && !t.data[5] && !t.data[6] && !t.data[7],
		    "CPUID 0 with an empty table is not all zero");
	TEST_ASSERT(t.data[8] == (unsigned int)-1000,
		    "hypercall 12345 returned %#x, not -KVM_ENOSYS", t.data[8]);
	TEST_ASSERT(t.data[9] == 0xcafef00d, "guest memory write not seen");
	TEST_ASSERT(t.rip_after_hlt == VT_CODE + (unsigned long long)(exits_guest_end - exits_guest),
		    "RIP after HLT is %#llx", t.rip_after_hlt);
	TEST_ASSERT(t.shutdown_exit == KVM_EXIT_SHUTDOWN, "triple fault gave exit %u",
		    t.shutdown_exit);
	{
		const __u64 *n = t.stats.by_reason;
		__u64 sum = 0;

		for (int i = 0; i < THINVM_EXIT_STAT_NR; i++)
			sum += n[i];
		TEST_ASSERT(n[THINVM_EXIT_STAT_IO] == 6 && n[THINVM_EXIT_STAT_HLT] == 1 &&
			    n[THINVM_EXIT_STAT_CPUID] == 1 &&
			    n[THINVM_EXIT_STAT_HYPERCALL] == 1 &&
			    n[THINVM_EXIT_STAT_EXCEPTION] == 0 &&
			    n[THINVM_EXIT_STAT_NPF] >= 2 && sum == t.stats.exits,
			    "exit statistics: io %llu hlt %llu cpuid %llu hypercall %llu #UD %llu npf %llu, %llu of %llu",
			    (unsigned long long)n[THINVM_EXIT_STAT_IO],
			    (unsigned long long)n[THINVM_EXIT_STAT_HLT],
			    (unsigned long long)n[THINVM_EXIT_STAT_CPUID],
			    (unsigned long long)n[THINVM_EXIT_STAT_HYPERCALL],
			    (unsigned long long)n[THINVM_EXIT_STAT_EXCEPTION],
			    (unsigned long long)n[THINVM_EXIT_STAT_NPF],
			    (unsigned long long)sum, (unsigned long long)t.stats.exits);
	}
	TEST_ASSERT(t.fail_entry_rc == 0 && t.fail_entry_exit == KVM_EXIT_FAIL_ENTRY,
		    "reserved EFER bit: rc %d exit %u", t.fail_entry_rc, t.fail_entry_exit);

	vt_save_outcome("exits", &t, sizeof(t));
	return 0;

compare:
	vt_load_outcome("exits", &t, sizeof(t));
	scenario("/dev/kvm", &k);
	TEST_ASSERT(!memcmp(t.io, k.io, sizeof(t.io)) && t.nio == k.nio,
		    "port exits differ from KVM's");
	TEST_ASSERT(!memcmp(t.data, k.data, sizeof(t.data)),
		    "guest results differ from KVM's: cpuid eax %#x/%#x hypercall %#x/%#x",
		    t.data[4], k.data[4], t.data[8], k.data[8]);
	TEST_ASSERT(t.rip_after_hlt == k.rip_after_hlt && t.last_exit == k.last_exit,
		    "HLT exit differs from KVM's");
	TEST_ASSERT(t.shutdown_exit == k.shutdown_exit, "triple fault: KVM gave exit %u",
		    k.shutdown_exit);
	TEST_ASSERT(!memcmp(&t.shutdown_regs, &k.shutdown_regs, sizeof(t.shutdown_regs)) &&
		    t.shutdown_cs_base == k.shutdown_cs_base,
		    "state after the triple fault: rip %#llx/%#llx rdx %#llx/%#llx rsp %#llx/%#llx cs.base %#llx/%#llx",
		    t.shutdown_regs.rip, k.shutdown_regs.rip, t.shutdown_regs.rdx,
		    k.shutdown_regs.rdx, t.shutdown_regs.rsp, k.shutdown_regs.rsp,
		    t.shutdown_cs_base, k.shutdown_cs_base);
	TEST_ASSERT(t.fail_entry_rc == k.fail_entry_rc &&
		    t.fail_entry_exit == k.fail_entry_exit &&
		    t.fail_entry_reason == k.fail_entry_reason,
		    "reserved EFER bit: thinvm rc %d exit %u reason %#llx, KVM rc %d exit %u reason %#llx",
		    t.fail_entry_rc, t.fail_entry_exit, t.fail_entry_reason,
		    k.fail_entry_rc, k.fail_entry_exit, k.fail_entry_reason);
	return 0;
}
