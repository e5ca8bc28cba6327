// SPDX-License-Identifier: GPL-2.0
/*
 * Guests in 32-bit protected mode and in 64-bit long mode (with their own
 * page tables, so guest paging runs on top of nested paging), on
 * /dev/thinvm and on /dev/kvm (the oracle): each writes to memory, makes a
 * hypercall (whose result is truncated to 32 bits outside 64-bit mode),
 * writes a port and halts.
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

#define MEM_SIZE	0x200000
#define DATA		0x2000

asm(".pushsection .rodata\n"
    ".globl pm32_guest, pm32_guest_end, lm64_guest, lm64_guest_end\n"
    "pm32_guest:\n"
    ".code32\n"
    "	movl $0x32323232, 0x2000\n"
    "	mov $7, %eax\n"
    "	vmmcall\n"
    "	mov %eax, 0x2008\n"
    "	mov $0x32, %al\n"
    "	out %al, $0x80\n"
    "	hlt\n"
    "pm32_guest_end:\n"
    "lm64_guest:\n"
    ".code64\n"
    "	mov $0x1122334455667788, %rax\n"
    "	mov %rax, 0x2000\n"
    "	mov $7, %eax\n"
    "	vmmcall\n"
    "	mov %rax, 0x2008\n"
    "	mov %rsp, 0x2010\n"
    "	mov $0x64, %al\n"
    "	out %al, $0x80\n"
    "	hlt\n"
    "lm64_guest_end:\n"
    ".popsection\n");
extern const char pm32_guest[], pm32_guest_end[], lm64_guest[], lm64_guest_end[];

struct outcome {
	unsigned long long data[3];
	unsigned int port_byte, exit_after_out;
	struct kvm_sregs sregs_after;
};

static void scenario(const char *dev, bool longmode, struct outcome *o)
{
	struct vt_vm v;

	memset(o, 0, sizeof(*o));
	if (longmode)
		vt_vm_create(&v, dev, MEM_SIZE, lm64_guest, lm64_guest_end - lm64_guest,
			     VT_LONG64);
	else
		vt_vm_create(&v, dev, MEM_SIZE, pm32_guest, pm32_guest_end - pm32_guest,
			     VT_PROT32);
	{
		struct kvm_regs regs;

		TEST_ASSERT(!ioctl(v.vcpu, KVM_GET_REGS, &regs), "GET_REGS");
		regs.rsp = 0x8000;
		TEST_ASSERT(!ioctl(v.vcpu, KVM_SET_REGS, &regs), "SET_REGS");
	}
	TEST_ASSERT(!ioctl(v.vcpu, KVM_RUN, 0), "%s: KVM_RUN", dev);
	errno = 0;
	TEST_ASSERT(v.run->exit_reason == KVM_EXIT_IO && v.run->io.port == 0x80,
		    "%s (%s): first exit %u, not the port write", dev,
		    longmode ? "64-bit" : "32-bit", v.run->exit_reason);
	o->port_byte = *((unsigned char *)v.run + v.run->io.data_offset);
	TEST_ASSERT(!ioctl(v.vcpu, KVM_RUN, 0), "%s: KVM_RUN", dev);
	o->exit_after_out = v.run->exit_reason;
	memcpy(o->data, v.mem + DATA, sizeof(o->data));
	TEST_ASSERT(!ioctl(v.vcpu, KVM_GET_SREGS, &o->sregs_after), "GET_SREGS");
	vt_vm_destroy(&v);
}

static void check(bool longmode)
{
	struct outcome t, k;
	const char *mode = longmode ? "64-bit" : "32-bit";

	if (vt_kvm_phase()) {
		vt_load_outcome(mode, &t, sizeof(t));
		goto compare;
	}
	scenario(THINVM_DEV, longmode, &t);
	errno = 0;
	TEST_ASSERT(t.exit_after_out == KVM_EXIT_HLT, "%s: exit %u after the port write",
		    mode, t.exit_after_out);
	if (longmode)
		TEST_ASSERT(t.data[0] == 0x1122334455667788ull &&
			    t.data[1] == (unsigned long long)-1000 && t.data[2] == 0x8000 &&
			    t.port_byte == 0x64,
			    "64-bit guest: %#llx %#llx %#llx port %#x", t.data[0],
			    t.data[1], t.data[2], t.port_byte);
	else
		TEST_ASSERT(t.data[0] == 0x32323232 && (unsigned int)t.data[1] == 0xfffffc18 &&
			    t.port_byte == 0x32,
			    "32-bit guest: %#llx %#llx port %#x", t.data[0], t.data[1],
			    t.port_byte);
	vt_save_outcome(mode, &t, sizeof(t));
	return;
compare:
	scenario("/dev/kvm", longmode, &k);
	TEST_ASSERT(!memcmp(t.data, k.data, sizeof(t.data)) &&
		    t.port_byte == k.port_byte && t.exit_after_out == k.exit_after_out,
		    "%s guest: thinvm and KVM differ (%#llx/%#llx, %#llx/%#llx)", mode,
		    t.data[0], k.data[0], t.data[1], k.data[1]);
	TEST_ASSERT(t.sregs_after.efer == k.sregs_after.efer &&
		    t.sregs_after.cr0 == k.sregs_after.cr0,
		    "%s guest: EFER %#llx/%#llx CR0 %#llx/%#llx after the run", mode,
		    t.sregs_after.efer, k.sregs_after.efer, t.sregs_after.cr0,
		    k.sregs_after.cr0);
}

int main(void)
{
	check(false);
	check(true);
	return 0;
}
