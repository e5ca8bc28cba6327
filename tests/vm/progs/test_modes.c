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
#define CODE		0x1000
#define DATA		0x2000
#define PML4		0x3000
#define PDPT		0x4000
#define PD		0x5000

#define CR0_PE		(1u << 0)
#define CR0_ET		(1u << 4)
#define CR0_PG		(1u << 31)
#define CR4_PAE		(1u << 5)
#define EFER_LME	(1u << 8)
#define EFER_LMA	(1u << 10)
#define PTE_P		1
#define PTE_W		2
#define PTE_PS		0x80

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

static struct kvm_segment flat(bool code, bool longmode)
{
	return (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = code ? 8 : 16,
		.type = code ? 0xb : 0x3, .present = 1, .s = 1,
		.db = !longmode || !code, .l = longmode && code, .g = 1,
	};
}

static void scenario(const char *dev, bool longmode, struct outcome *o)
{
	int sys = open(dev, O_RDWR), vm, vcpu;
	unsigned char *mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct kvm_userspace_memory_region region = {
		.memory_size = MEM_SIZE, .userspace_addr = (unsigned long)mem,
	};
	struct kvm_regs regs = { .rip = CODE, .rflags = 2, .rsp = 0x8000 };
	struct kvm_sregs sregs;
	struct kvm_run *run;
	long run_size;

	memset(o, 0, sizeof(*o));
	TEST_ASSERT(sys >= 0 && mem != MAP_FAILED, "%s: setup", dev);
	if (longmode) {
		unsigned long long *pml4 = (void *)(mem + PML4);
		unsigned long long *pdpt = (void *)(mem + PDPT);
		unsigned long long *pd = (void *)(mem + PD);

		memcpy(mem + CODE, lm64_guest, lm64_guest_end - lm64_guest);
		/* Identity-map the first 2 MiB with one large page. */
		pml4[0] = PDPT | PTE_P | PTE_W;
		pdpt[0] = PD | PTE_P | PTE_W;
		pd[0] = 0 | PTE_P | PTE_W | PTE_PS;
	} else {
		memcpy(mem + CODE, pm32_guest, pm32_guest_end - pm32_guest);
	}
	vm = ioctl(sys, KVM_CREATE_VM, 0);
	TEST_ASSERT(vm >= 0 && !ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region),
		    "%s: VM", dev);
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	TEST_ASSERT(vcpu >= 0, "%s: vCPU", dev);
	TEST_ASSERT(!ioctl(vcpu, KVM_GET_SREGS, &sregs), "GET_SREGS");
	sregs.cs = flat(true, longmode);
	sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = flat(false, longmode);
	sregs.cr0 = CR0_PE | CR0_ET;
	if (longmode) {
		sregs.cr0 |= CR0_PG;
		sregs.cr3 = PML4;
		sregs.cr4 = CR4_PAE;
		sregs.efer = EFER_LME | EFER_LMA;
	}
	TEST_ASSERT(!ioctl(vcpu, KVM_SET_SREGS, &sregs), "%s: SET_SREGS", dev);
	TEST_ASSERT(!ioctl(vcpu, KVM_SET_REGS, &regs), "SET_REGS");
	run_size = ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0);
	run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	TEST_ASSERT(run != MAP_FAILED, "mmap");

	TEST_ASSERT(!ioctl(vcpu, KVM_RUN, 0), "%s: KVM_RUN", dev);
	errno = 0;
	TEST_ASSERT(run->exit_reason == KVM_EXIT_IO && run->io.port == 0x80,
		    "%s (%s): first exit %u, not the port write", dev,
		    longmode ? "64-bit" : "32-bit", run->exit_reason);
	o->port_byte = *((unsigned char *)run + run->io.data_offset);
	TEST_ASSERT(!ioctl(vcpu, KVM_RUN, 0), "%s: KVM_RUN", dev);
	o->exit_after_out = run->exit_reason;
	memcpy(o->data, mem + DATA, sizeof(o->data));
	TEST_ASSERT(!ioctl(vcpu, KVM_GET_SREGS, &o->sregs_after), "GET_SREGS");

	munmap(run, run_size);
	close(vcpu);
	close(vm);
	close(sys);
	munmap(mem, MEM_SIZE);
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
	vt_require_vcpus();
	check(false);
	check(true);
	return 0;
}
