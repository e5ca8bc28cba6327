// SPDX-License-Identifier: GPL-2.0
/*
 * MSRs, on /dev/thinvm and on /dev/kvm (the oracle): the VMM's KVM_SET_MSRS
 * and KVM_GET_MSRS with valid and invalid values (each call stops at the
 * first MSR it refuses and says how many it processed), the reset values,
 * and a real-mode guest's RDMSR and WRMSR. KVM_GET_MSR_INDEX_LIST lists what
 * thinvm emulates.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmtest.h"

#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_SYSCALL_MASK	0xc0000084
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_IA32_SYSENTER_CS	0x174
#define MSR_IA32_SYSENTER_EIP	0x176
#define MSR_IA32_CR_PAT		0x277
#define MSR_IA32_APICBASE	0x1b
#define MSR_IA32_MISC_ENABLE	0x1a0
#define MSR_UNKNOWN		0x4b564dff

const bool vt_compares_with_kvm = true;

#define MEM_SIZE 0x10000

asm(".pushsection .rodata\n"
    ".globl msr_guest, msr_guest_end\n"
    "msr_guest:\n"
    ".code16\n"
    "	mov $0xc0000081, %ecx\n"
    "	rdmsr\n"
    "	mov %eax, 0x2000\n"
    "	mov %edx, 0x2004\n"
    "	mov $0xc0000084, %ecx\n"
    "	mov $0x4700, %eax\n"
    "	xor %edx, %edx\n"
    "	wrmsr\n"
    "	hlt\n"
    "msr_guest_end:\n"
    ".code64\n"
    ".popsection\n");
extern const char msr_guest[], msr_guest_end[];

struct batch {
	struct kvm_msrs head;
	struct kvm_msr_entry e[8];
};

#define NR_CASES 10

struct outcome {
	int set_rc[NR_CASES];
	unsigned long long got[NR_CASES][4];
	int get_rc[NR_CASES];
	unsigned long long reset_pat, reset_apic, reset_misc, reset_efer;
	unsigned int guest_star[2];
	unsigned long long sfmask_after;
};

/* Each case: MSRs to set; the same are read back afterwards. */
static const struct {
	int n;
	unsigned int index[4];
	unsigned long long data[4];
} cases[NR_CASES] = {
	{ 4, { MSR_STAR, MSR_LSTAR, MSR_IA32_CR_PAT, MSR_IA32_SYSENTER_CS },
	     { 0x0023001000000000ull, 0xffffffff81000000ull, 0x0007010600070106ull, 0x10 } },
	{ 2, { MSR_STAR, MSR_LSTAR }, { 1, 0x0000800000000000ull } },	/* stops at LSTAR */
	{ 1, { MSR_IA32_CR_PAT }, { 0x0007040600070402ull } },		/* bad PAT */
	{ 1, { MSR_UNKNOWN }, { 0 } },
	{ 1, { MSR_EFER }, { 1ull << 8 } },				/* LME by the VMM */
	{ 1, { MSR_EFER }, { 1ull << 20 } },				/* reserved */
	{ 1, { MSR_IA32_APICBASE }, { 0xfee00000ull | (1 << 11) | 1 } },	/* reserved */
	{ 1, { MSR_IA32_APICBASE }, { 0xfec00000ull | (1 << 11) } },	/* moved */
	{ 1, { MSR_IA32_SYSENTER_EIP }, { 0x0000900000001234ull } },	/* canonicalised */
	{ 1, { MSR_KERNEL_GS_BASE }, { 0x0001000000000000ull } },	/* non-canonical */
};

static unsigned long long get_one(int vcpu, unsigned int index)
{
	struct batch b = { .head.nmsrs = 1, .e[0].index = index };

	TEST_ASSERT(ioctl(vcpu, KVM_GET_MSRS, &b) == 1, "GET_MSRS %#x", index);
	return b.e[0].data;
}

static void scenario(const char *dev, struct outcome *o)
{
	struct kvm_sregs sregs;
	struct vt_vm v;
	int vcpu;

	memset(o, 0, sizeof(*o));
	vt_vm_create(&v, dev, MEM_SIZE, msr_guest, msr_guest_end - msr_guest, VT_REAL);
	vcpu = v.vcpu;
	o->reset_pat = get_one(vcpu, MSR_IA32_CR_PAT);
	o->reset_apic = get_one(vcpu, MSR_IA32_APICBASE);
	o->reset_misc = get_one(vcpu, MSR_IA32_MISC_ENABLE);
	o->reset_efer = get_one(vcpu, MSR_EFER);

	for (int c = 0; c < NR_CASES; c++) {
		struct batch b = { .head.nmsrs = cases[c].n };

		for (int i = 0; i < cases[c].n; i++) {
			b.e[i].index = cases[c].index[i];
			b.e[i].data = cases[c].data[i];
		}
		o->set_rc[c] = ioctl(vcpu, KVM_SET_MSRS, &b);
		memset(b.e, 0, sizeof(b.e));
		for (int i = 0; i < cases[c].n; i++)
			b.e[i].index = cases[c].index[i];
		o->get_rc[c] = ioctl(vcpu, KVM_GET_MSRS, &b);
		for (int i = 0; i < cases[c].n; i++)
			o->got[c][i] = b.e[i].data;
	}

	/* The guest reads STAR (set above) and writes SFMASK; the cases
	 * above left EFER and APIC_BASE changed: put them back. */
	TEST_ASSERT(!ioctl(vcpu, KVM_GET_SREGS, &sregs), "GET_SREGS");
	sregs.efer = 0;
	sregs.apic_base = 0xfee00000ull | (1 << 11) | (1 << 8);
	TEST_ASSERT(!ioctl(vcpu, KVM_SET_SREGS, &sregs), "%s: SET_SREGS", dev);
	TEST_ASSERT(!ioctl(vcpu, KVM_RUN, 0) && v.run->exit_reason == KVM_EXIT_HLT,
		    "%s: guest ended with exit %u", dev, v.run->exit_reason);
	memcpy(o->guest_star, v.mem + 0x2000, sizeof(o->guest_star));
	o->sfmask_after = get_one(vcpu, MSR_SYSCALL_MASK);
	vt_vm_destroy(&v);
}

static void check_index_list(void)
{
	int sys = open(THINVM_DEV, O_RDWR);
	struct kvm_msr_list *list = calloc(1, sizeof(*list) + 256 * 4);
	unsigned int n;
	bool has_efer = false;

	TEST_ASSERT(sys >= 0 && list, "setup");
	list->nmsrs = 1;
	errno = 0;
	TEST_ASSERT(ioctl(sys, KVM_GET_MSR_INDEX_LIST, list) == -1 && errno == E2BIG,
		    "a short KVM_GET_MSR_INDEX_LIST must fail E2BIG");
	n = list->nmsrs;
	TEST_ASSERT(n > 1 && n <= 256, "it said %u MSRs", n);
	TEST_ASSERT(!ioctl(sys, KVM_GET_MSR_INDEX_LIST, list) && list->nmsrs == n,
		    "KVM_GET_MSR_INDEX_LIST");
	for (unsigned int i = 0; i < n; i++)
		has_efer |= list->indices[i] == MSR_EFER;
	TEST_ASSERT(has_efer, "EFER is not in the list");
	free(list);
	close(sys);
}

int main(void)
{
	struct outcome t, k;

	if (vt_kvm_phase())
		goto compare;
	check_index_list();
	scenario(THINVM_DEV, &t);
	errno = 0;
	TEST_ASSERT(t.set_rc[0] == 4 && t.got[0][0] == cases[0].data[0] &&
		    t.got[0][1] == cases[0].data[1] && t.got[0][2] == cases[0].data[2],
		    "valid batch: set %d, STAR %#llx", t.set_rc[0], t.got[0][0]);
	TEST_ASSERT(t.set_rc[1] == 1 && t.set_rc[2] == 0 && t.set_rc[3] == 0 &&
		    t.get_rc[3] == 0,
		    "refusals: non-canonical LSTAR %d, bad PAT %d, unknown %d/%d",
		    t.set_rc[1], t.set_rc[2], t.set_rc[3], t.get_rc[3]);
	TEST_ASSERT(t.guest_star[0] == 1 && t.sfmask_after == 0x4700,
		    "guest RDMSR STAR %#x, WRMSR SFMASK %#llx", t.guest_star[0],
		    t.sfmask_after);
	vt_save_outcome("msrs", &t, sizeof(t));
	return 0;

compare:
	vt_load_outcome("msrs", &t, sizeof(t));
	scenario("/dev/kvm", &k);
	TEST_ASSERT(t.reset_pat == k.reset_pat && t.reset_apic == k.reset_apic &&
		    t.reset_misc == k.reset_misc && t.reset_efer == k.reset_efer,
		    "reset values: PAT %#llx/%#llx APIC_BASE %#llx/%#llx MISC_ENABLE %#llx/%#llx EFER %#llx/%#llx",
		    t.reset_pat, k.reset_pat, t.reset_apic, k.reset_apic,
		    t.reset_misc, k.reset_misc, t.reset_efer, k.reset_efer);
	for (int c = 0; c < NR_CASES; c++) {
		TEST_ASSERT(t.set_rc[c] == k.set_rc[c] && t.get_rc[c] == k.get_rc[c],
			    "case %d: thinvm set %d get %d, KVM set %d get %d", c,
			    t.set_rc[c], t.get_rc[c], k.set_rc[c], k.get_rc[c]);
		for (int i = 0; i < t.get_rc[c]; i++)
			TEST_ASSERT(t.got[c][i] == k.got[c][i],
				    "case %d MSR %#x: thinvm %#llx, KVM %#llx", c,
				    cases[c].index[i], t.got[c][i], k.got[c][i]);
	}
	TEST_ASSERT(!memcmp(t.guest_star, k.guest_star, sizeof(t.guest_star)) &&
		    t.sfmask_after == k.sfmask_after, "the guest's RDMSR/WRMSR differ");
	return 0;
}
