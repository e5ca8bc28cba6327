// SPDX-License-Identifier: GPL-2.0
/*
 * The hypercall ABI, on /dev/thinvm and on /dev/kvm (the oracle): number
 * in RAX, result in RAX. A 64-bit guest calls KVM_HC_VAPIC_POLL_IRQ (0),
 * an unknown number (-KVM_ENOSYS), KVM_HC_MAP_GPA_RANGE while no VMM
 * enabled its exit (-KVM_ENOSYS), each with VMMCALL, and Intel's VMCALL
 * too, which on AMD is a #UD both emulate (and VMMCALL on Intel). A 32-bit guest: only the low
 * halves count, result included; at CPL 3 the answer is -KVM_EPERM. The
 * exit statistics count the hypercalls (on Intel the roles swap: VMCALL
 * exits, VMMCALL is the #UD).
 */
#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vmtest.h"

const bool vt_compares_with_kvm = true;

#define MEM_SIZE 0x10000
#define MMIO 0x20000

asm(".pushsection .rodata\n"
    ".globl long_guest, long_guest_end\n"
    "long_guest:\n"
    ".code64\n"
    "	mov $1, %rax\n"
    "	vmmcall\n"
    "	mov %rax, 0x8000\n"
    "	mov $1234, %rax\n"
    "	vmmcall\n"
    "	mov %rax, 0x8008\n"
    "	mov $1234, %rax\n"
    "	vmcall\n"
    "	mov %rax, 0x8010\n"
    "	mov $12, %rax\n"		/* KVM_HC_MAP_GPA_RANGE */
    "	mov $0x1000, %rbx\n"
    "	mov $1, %rcx\n"
    "	xor %edx, %edx\n"
    "	vmmcall\n"
    "	mov %rax, 0x8018\n"
    "	mov $0x1234567800000001, %rax\n"	/* not 1 in 64-bit mode */
    "	vmmcall\n"
    "	mov %rax, 0x8020\n"
    "	hlt\n"
    "long_guest_end:\n"
    /* RAX comes from the host; the result leaves by an MMIO write, which
     * any CPL may make. */
    ".code32\n"
    ".globl prot_guest, prot_guest_end\n"
    "prot_guest:\n"
    "	vmmcall\n"
    "	mov %eax, 0x20000\n"
    "prot_guest_end:\n"
    ".code64\n"
    ".popsection\n");
extern const char long_guest[], long_guest_end[], prot_guest[], prot_guest_end[];

static const struct {
	unsigned long long rax;
	int cpl;
} prot_cases[] = {
	{ 0xffffffff00000001ull, 0 },	/* the low half says VAPIC_POLL_IRQ */
	{ 1234, 0 },
	{ 1, 3 },
};
#define NR_PROT (sizeof(prot_cases) / sizeof(prot_cases[0]))

struct outcome {
	long long results[5];
	unsigned int prot_exit[NR_PROT];
	unsigned int prot_data[NR_PROT];
	unsigned long long prot_rax[NR_PROT];
};

static void long_guest_run(const char *dev, struct outcome *o, bool thinvm)
{
	struct vt_vm v;

	vt_vm_create(&v, dev, MEM_SIZE, long_guest, long_guest_end - long_guest, VT_LONG64);
	TEST_ASSERT(!ioctl(v.vcpu, KVM_RUN, 0) && v.run->exit_reason == KVM_EXIT_HLT,
		    "%s: exit %u", dev, v.run->exit_reason);
	memcpy(o->results, v.mem + 0x8000, sizeof(o->results));
	if (thinvm) {
		struct thinvm_vcpu_stats stats;

		TEST_ASSERT(!ioctl(v.vcpu, THINVM_GET_VCPU_STATS, &stats), "stats");
		/* Four VMMCALLs and one VMCALL: the vendor's own instruction
		 * is a hypercall exit, the other one a #UD. */
		bool amd = !strcmp(vt_vendor(), "svm");

		TEST_ASSERT(stats.by_reason[THINVM_EXIT_STAT_HYPERCALL] == (amd ? 4 : 1) &&
			    stats.by_reason[THINVM_EXIT_STAT_EXCEPTION] == (amd ? 1 : 4),
			    "stats: %llu hypercall exits, %llu #UD",
			    (unsigned long long)stats.by_reason[THINVM_EXIT_STAT_HYPERCALL],
			    (unsigned long long)stats.by_reason[THINVM_EXIT_STAT_EXCEPTION]);
	}
	vt_vm_destroy(&v);
}

static void prot_guest_run(const char *dev, unsigned int c, struct outcome *o)
{
	struct kvm_regs regs;
	struct vt_vm v;

	vt_vm_create(&v, dev, MEM_SIZE, prot_guest, prot_guest_end - prot_guest, VT_PROT32);
	if (prot_cases[c].cpl)
		vt_set_cpl3(&v);
	TEST_ASSERT(!ioctl(v.vcpu, KVM_GET_REGS, &regs), "GET_REGS");
	regs.rax = prot_cases[c].rax;
	TEST_ASSERT(!ioctl(v.vcpu, KVM_SET_REGS, &regs), "SET_REGS");
	TEST_ASSERT(!ioctl(v.vcpu, KVM_RUN, 0), "%s: KVM_RUN", dev);
	o->prot_exit[c] = v.run->exit_reason;
	if (v.run->exit_reason == KVM_EXIT_MMIO)
		memcpy(&o->prot_data[c], v.run->mmio.data, 4);
	TEST_ASSERT(!ioctl(v.vcpu, KVM_GET_REGS, &regs), "GET_REGS");
	o->prot_rax[c] = regs.rax;
	vt_vm_destroy(&v);
}

static void scenario(const char *dev, struct outcome *o, bool thinvm)
{
	memset(o, 0, sizeof(*o));
	long_guest_run(dev, o, thinvm);
	for (unsigned int c = 0; c < NR_PROT; c++)
		prot_guest_run(dev, c, o);
}

int main(void)
{
	struct outcome t, k;

	vt_require_vcpus();
	if (vt_kvm_phase())
		goto compare;
	scenario(THINVM_DEV, &t, true);
	TEST_ASSERT(t.results[0] == 0 && t.results[1] == -1000 && t.results[2] == -1000,
		    "64-bit: %lld %lld %lld", t.results[0], t.results[1], t.results[2]);
	TEST_ASSERT(t.prot_exit[2] == KVM_EXIT_MMIO && t.prot_data[2] == (unsigned int)-1,
		    "CPL 3: exit %u, result %#x", t.prot_exit[2], t.prot_data[2]);
	vt_save_outcome("hypercall", &t, sizeof(t));
	return 0;

compare:
	vt_load_outcome("hypercall", &t, sizeof(t));
	scenario("/dev/kvm", &k, false);
	for (int i = 0; i < 5; i++)
		TEST_ASSERT(t.results[i] == k.results[i], "64-bit call %d: thinvm %lld, KVM %lld",
			    i, t.results[i], k.results[i]);
	for (unsigned int c = 0; c < NR_PROT; c++)
		TEST_ASSERT(t.prot_exit[c] == k.prot_exit[c] &&
			    t.prot_data[c] == k.prot_data[c] && t.prot_rax[c] == k.prot_rax[c],
			    "32-bit case %u: thinvm exit %u result %#x RAX %#llx, KVM exit %u result %#x RAX %#llx",
			    c, t.prot_exit[c], t.prot_data[c], t.prot_rax[c],
			    k.prot_exit[c], k.prot_data[c], k.prot_rax[c]);
	return 0;
}
