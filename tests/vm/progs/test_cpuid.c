// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID, on /dev/thinvm and on /dev/kvm (the oracle).
 *
 * KVM_GET_SUPPORTED_CPUID: E2BIG when short, and every feature thinvm
 * offers KVM offers too (thinvm offers less: no AVX-512, for one).
 * KVM_SET_CPUID2 with one fixed table on both, for an Intel and an AMD
 * guest: a 64-bit guest reads a list of leaves, out-of-range and absent
 * ones included, and must read the same on both. KVM_GET_CPUID2 with room
 * and without; KVM_SET_CPUID2 refusals and its rule after KVM_RUN. The
 * guest's MOV to CR4 of bits the table does or does not allow (#GP ends
 * in a triple fault here: the guest has no IDT), and the RDX after it:
 * on AMD, where the vCPU goes through INIT, the table's
 * family/model/stepping; on Intel, the guest's own.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vmtest.h"

const bool vt_compares_with_kvm = true;

#define MEM_SIZE 0x10000
#define RESULTS 0x8000

static const struct { unsigned int fn, idx; } leaves[] = {
	{ 0, 0 }, { 1, 0 }, { 4, 0 }, { 4, 1 }, { 4, 2 }, { 7, 0 }, { 7, 1 },
	{ 0xb, 0 }, { 0xb, 1 }, { 0xb, 7 }, { 0xd, 0 }, { 0x14, 1 },
	{ 0x40000000, 0 }, { 0x40000007, 0 }, { 0x80000000, 0 },
	{ 0x80000001, 0 }, { 0x80000008, 0 }, { 0x80000009, 1 },
	{ 0xc0000000, 0 },
};
#define NR_LEAVES (sizeof(leaves) / sizeof(leaves[0]))

/* Reads the leaves listed at RESULTS (fn, idx pairs), answers after them. */
asm(".pushsection .rodata\n"
    ".globl cpuid_guest, cpuid_guest_end\n"
    "cpuid_guest:\n"
    ".code64\n"
    "	mov $0x8000, %rsi\n"
    "	mov (%rsi), %r8d\n"		/* how many */
    "	lea 8(%rsi), %rsi\n"
    "	mov $0x9000, %rdi\n"
    "1:	mov (%rsi), %eax\n"
    "	mov 4(%rsi), %ecx\n"
    "	cpuid\n"
    "	mov %eax, (%rdi)\n"
    "	mov %ebx, 4(%rdi)\n"
    "	mov %ecx, 8(%rdi)\n"
    "	mov %edx, 12(%rdi)\n"
    "	add $8, %rsi\n"
    "	add $16, %rdi\n"
    "	dec %r8d\n"
    "	jnz 1b\n"
    "	hlt\n"
    "cpuid_guest_end:\n"
    ".popsection\n");
extern const char cpuid_guest[], cpuid_guest_end[];

/* CR4 := RAX, then read it back into RBX. */
asm(".pushsection .rodata\n"
    ".globl cr4_guest, cr4_guest_end\n"
    "cr4_guest:\n"
    "	mov %rax, %cr4\n"
    "	mov %cr4, %rbx\n"
    "	hlt\n"
    "cr4_guest_end:\n"
    ".popsection\n");
extern const char cr4_guest[], cr4_guest_end[];

#define CR4_PAE		(1ull << 5)
#define CR4_OSFXSR	(1ull << 9)
#define CR4_FSGSBASE	(1ull << 16)
#define CR4_PCIDE	(1ull << 17)
#define CR4_OSXSAVE	(1ull << 18)
#define CR4_PKE		(1ull << 22)

static const unsigned long long cr4_cases[] = {
	CR4_PAE | CR4_OSFXSR,		/* always allowed */
	CR4_PAE | CR4_PCIDE,		/* the table has PCID */
	CR4_PAE | CR4_OSXSAVE,		/* no XSAVE in the table */
	CR4_PAE | CR4_PKE,		/* no PKU in the table */
	CR4_PAE | CR4_FSGSBASE,		/* no FSGSBASE in the table */
	0,				/* PAE off in long mode */
};
#define NR_CR4 (sizeof(cr4_cases) / sizeof(cr4_cases[0]))

#define SIG 0x000806f8	/* CPUID.1.EAX of the table: what INIT puts in RDX */

struct table {
	struct kvm_cpuid2 head;
	struct kvm_cpuid_entry2 e[16];
};

static int fill_table(struct table *t, bool amd)
{
	static const struct kvm_cpuid_entry2 common[] = {
		{ .function = 1, .eax = SIG, .ecx = (1 << 0) | (1 << 17),
		  .edx = (1 << 0) | (1 << 9) },
		{ .function = 4, .index = 0, .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .eax = 0x121 },
		{ .function = 4, .index = 1, .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .eax = 0x122 },
		{ .function = 7, .index = 0, .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX },
		{ .function = 0xb, .index = 0, .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .eax = 1, .ebx = 1, .ecx = 0x100, .edx = 0 },
		{ .function = 0xb, .index = 1, .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .eax = 4, .ebx = 4, .ecx = 0x201, .edx = 0 },
		{ .function = 0xd, .index = 0, .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .eax = 3, .ebx = 0x1234 },
		{ .function = 0x80000000, .eax = 0x80000008 },
		{ .function = 0x80000001, .edx = (1 << 29) | (1 << 20) | (1 << 11) },
		{ .function = 0x80000008, .eax = 0x3028 },
	};
	int n = sizeof(common) / sizeof(common[0]);

	memset(t, 0, sizeof(*t));
	t->e[0] = (struct kvm_cpuid_entry2){ .function = 0, .eax = 0xd };
	/* "GenuineIntel" or "AuthenticAMD", in EBX, EDX, ECX. */
	memcpy(&t->e[0].ebx, amd ? "Auth" : "Genu", 4);
	memcpy(&t->e[0].edx, amd ? "enti" : "ineI", 4);
	memcpy(&t->e[0].ecx, amd ? "cAMD" : "ntel", 4);
	memcpy(&t->e[1], common, sizeof(common));
	t->head.nent = n + 1;
	return n + 1;
}

struct outcome {
	unsigned int regs[2][NR_LEAVES][4];	/* Intel guest, AMD guest */
	int get_short_rc, get_short_errno, get_short_nent;
	int get_rc, get_nent;
	struct kvm_cpuid_entry2 got[16];
	int set_after_run_same, set_after_run_other, set_after_run_errno;
	int set_too_many_errno, set_bad_vaddr_errno;
	unsigned int cr4_exit[NR_CR4];
	unsigned long long cr4_read[NR_CR4], cr4_rdx[NR_CR4];
};

static void set_cpuid(struct vt_vm *v, struct table *t)
{
	TEST_ASSERT(!ioctl(v->vcpu, KVM_SET_CPUID2, t), "%s: KVM_SET_CPUID2", v->dev);
}

static void read_leaves(const char *dev, bool amd, struct outcome *o)
{
	struct table t, other;
	struct vt_vm v;
	unsigned int *list;

	vt_vm_create(&v, dev, MEM_SIZE, cpuid_guest, cpuid_guest_end - cpuid_guest,
		     VT_LONG64);
	fill_table(&t, amd);
	set_cpuid(&v, &t);
	list = (unsigned int *)(v.mem + RESULTS);
	list[0] = NR_LEAVES;
	for (unsigned int i = 0; i < NR_LEAVES; i++) {
		list[2 + 2 * i] = leaves[i].fn;
		list[3 + 2 * i] = leaves[i].idx;
	}
	TEST_ASSERT(!ioctl(v.vcpu, KVM_RUN, 0) && v.run->exit_reason == KVM_EXIT_HLT,
		    "%s: the CPUID guest ended with exit %u", dev, v.run->exit_reason);
	memcpy(o->regs[amd], v.mem + 0x9000, sizeof(o->regs[amd]));

	if (!amd) {
		/* After KVM_RUN: the same table again, then another one. */
		o->set_after_run_same = ioctl(v.vcpu, KVM_SET_CPUID2, &t);
		fill_table(&other, true);
		errno = 0;
		o->set_after_run_other = ioctl(v.vcpu, KVM_SET_CPUID2, &other);
		o->set_after_run_errno = errno;

		struct table got = { .head.nent = 2 };

		errno = 0;
		o->get_short_rc = ioctl(v.vcpu, KVM_GET_CPUID2, &got);
		o->get_short_errno = errno;
		o->get_short_nent = got.head.nent;
		got.head.nent = 16;
		o->get_rc = ioctl(v.vcpu, KVM_GET_CPUID2, &got);
		o->get_nent = got.head.nent;
		memcpy(o->got, got.e, sizeof(o->got));
	}
	vt_vm_destroy(&v);
}

static void refusals(const char *dev, struct outcome *o)
{
	struct table *big = calloc(1, sizeof(struct kvm_cpuid2) +
				   300 * sizeof(struct kvm_cpuid_entry2));
	struct table t;
	struct vt_vm v;

	TEST_ASSERT(big, "calloc");
	vt_vm_create(&v, dev, MEM_SIZE, cpuid_guest, 1, VT_REAL);
	big->head.nent = 257;
	errno = 0;
	TEST_ASSERT(ioctl(v.vcpu, KVM_SET_CPUID2, big) == -1, "%s: 257 entries", dev);
	o->set_too_many_errno = errno;
	fill_table(&t, false);
	t.e[10].eax = 0x2028;		/* 0x80000008: 32-bit virtual addresses */
	errno = 0;
	TEST_ASSERT(ioctl(v.vcpu, KVM_SET_CPUID2, &t) == -1, "%s: 32-bit VA", dev);
	o->set_bad_vaddr_errno = errno;
	vt_vm_destroy(&v);
	free(big);
}

static void cr4_writes(const char *dev, struct outcome *o)
{
	for (unsigned int c = 0; c < NR_CR4; c++) {
		struct kvm_regs regs;
		struct table t;
		struct vt_vm v;

		vt_vm_create(&v, dev, MEM_SIZE, cr4_guest, cr4_guest_end - cr4_guest,
			     VT_LONG64);
		fill_table(&t, false);
		set_cpuid(&v, &t);
		TEST_ASSERT(!ioctl(v.vcpu, KVM_GET_REGS, &regs), "GET_REGS");
		regs.rax = cr4_cases[c];
		TEST_ASSERT(!ioctl(v.vcpu, KVM_SET_REGS, &regs), "SET_REGS");
		TEST_ASSERT(!ioctl(v.vcpu, KVM_RUN, 0), "%s: KVM_RUN", dev);
		o->cr4_exit[c] = v.run->exit_reason;
		TEST_ASSERT(!ioctl(v.vcpu, KVM_GET_REGS, &regs), "GET_REGS");
		o->cr4_read[c] = regs.rbx;
		o->cr4_rdx[c] = regs.rdx;
		vt_vm_destroy(&v);
	}
}

static void scenario(const char *dev, struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	read_leaves(dev, false, o);
	read_leaves(dev, true, o);
	refusals(dev, o);
	cr4_writes(dev, o);
}

/* Leaves 1, 7.0 and 0x80000001: the feature words. */
static const struct { unsigned int fn; int reg; } feature_words[] = {
	{ 1, 2 }, { 1, 3 }, { 7, 1 }, { 7, 2 }, { 7, 3 },
	{ 0x80000001, 2 }, { 0x80000001, 3 },
};

static unsigned int word_of(const struct kvm_cpuid2 *t, unsigned int fn, int reg)
{
	for (unsigned int i = 0; i < t->nent; i++) {
		const struct kvm_cpuid_entry2 *e = &t->entries[i];

		if (e->function == fn && e->index == 0)
			return reg == 0 ? e->eax : reg == 1 ? e->ebx :
			       reg == 2 ? e->ecx : e->edx;
	}
	return 0;
}

static struct kvm_cpuid2 *supported(const char *dev)
{
	int sys = open(dev, O_RDWR);
	struct kvm_cpuid2 *t = calloc(1, sizeof(*t) + 256 * sizeof(t->entries[0]));

	TEST_ASSERT(sys >= 0 && t, "open %s", dev);
	t->nent = 256;
	TEST_ASSERT(!ioctl(sys, KVM_GET_SUPPORTED_CPUID, t), "%s: KVM_GET_SUPPORTED_CPUID", dev);
	close(sys);
	return t;
}

static void check_supported_alone(void)
{
	int sys = open(THINVM_DEV, O_RDWR);
	struct kvm_cpuid2 *t = calloc(1, sizeof(*t) + 256 * sizeof(t->entries[0]));

	TEST_ASSERT(sys >= 0 && t, "setup");
	t->nent = 1;
	errno = 0;
	TEST_ASSERT(ioctl(sys, KVM_GET_SUPPORTED_CPUID, t) == -1 && errno == E2BIG &&
		    t->nent == 1, "a short KVM_GET_SUPPORTED_CPUID: E2BIG, nent untouched");
	TEST_ASSERT(ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_EXT_CPUID) == 1,
		    "KVM_CAP_EXT_CPUID");
	close(sys);
	free(t);
	t = supported(THINVM_DEV);
	TEST_ASSERT(t->nent > 4 && word_of(t, 0, 0) >= 1, "%u entries", t->nent);
	free(t);
}

int main(void)
{
	struct outcome t, k;
	struct kvm_cpuid2 *ts, *ks;

	if (vt_kvm_phase())
		goto compare;
	check_supported_alone();
	scenario(THINVM_DEV, &t);
	TEST_ASSERT(t.cr4_exit[0] == KVM_EXIT_HLT && t.cr4_read[0] == cr4_cases[0],
		    "an allowed CR4 write: exit %u, CR4 %#llx", t.cr4_exit[0], t.cr4_read[0]);
	/* INIT, on AMD only, leaves the signature in RDX (KVM compares Intel's). */
	TEST_ASSERT(t.cr4_exit[2] == KVM_EXIT_SHUTDOWN &&
		    (strcmp(vt_vendor(), "svm") || t.cr4_rdx[2] == SIG),
		    "OSXSAVE: exit %u, RDX after the shutdown %#llx", t.cr4_exit[2], t.cr4_rdx[2]);
	vt_save_outcome("cpuid", &t, sizeof(t));
	return 0;

compare:
	vt_load_outcome("cpuid", &t, sizeof(t));
	ts = supported(THINVM_DEV);
	ks = supported("/dev/kvm");
	for (unsigned int i = 0; i < sizeof(feature_words) / sizeof(feature_words[0]); i++) {
		unsigned int fn = feature_words[i].fn, reg = feature_words[i].reg;
		unsigned int extra = word_of(ts, fn, reg) & ~word_of(ks, fn, reg);

		TEST_ASSERT(!extra, "leaf %#x reg %u: thinvm offers %#x, which KVM does not",
			    fn, reg, extra);
	}
	TEST_ASSERT(word_of(ts, 0, 1) == word_of(ks, 0, 1) &&
		    word_of(ts, 0, 2) == word_of(ks, 0, 2) &&
		    word_of(ts, 0, 3) == word_of(ks, 0, 3), "vendor strings differ");
	free(ts);
	free(ks);

	scenario("/dev/kvm", &k);
	for (int g = 0; g < 2; g++)
		for (unsigned int i = 0; i < NR_LEAVES; i++)
			TEST_ASSERT(!memcmp(t.regs[g][i], k.regs[g][i], 16),
				    "%s guest, leaf %#x.%u: thinvm %08x %08x %08x %08x, KVM %08x %08x %08x %08x",
				    g ? "AMD" : "Intel", leaves[i].fn, leaves[i].idx,
				    t.regs[g][i][0], t.regs[g][i][1], t.regs[g][i][2], t.regs[g][i][3],
				    k.regs[g][i][0], k.regs[g][i][1], k.regs[g][i][2], k.regs[g][i][3]);
	TEST_ASSERT(t.get_short_rc == k.get_short_rc && t.get_short_errno == k.get_short_errno &&
		    t.get_short_nent == k.get_short_nent,
		    "short GET_CPUID2: thinvm %d/%d nent %d, KVM %d/%d nent %d",
		    t.get_short_rc, t.get_short_errno, t.get_short_nent,
		    k.get_short_rc, k.get_short_errno, k.get_short_nent);
	/*
	 * A successful KVM_GET_CPUID2 says how many entries it wrote. The
	 * lanes' KVM (6.1) leaves nent as the caller passed it (16 here);
	 * upstream KVM now writes the count, and so does thinvm.
	 */
	TEST_ASSERT(t.get_rc == k.get_rc && t.get_nent == 11 &&
		    (k.get_nent == 11 || k.get_nent == 16),
		    "GET_CPUID2: thinvm %d nent %d, KVM %d nent %d",
		    t.get_rc, t.get_nent, k.get_rc, k.get_nent);
	for (int i = 0; i < 11; i++)
		TEST_ASSERT(!memcmp(&t.got[i], &k.got[i], sizeof(t.got[i])),
			    "GET_CPUID2 entry %d (leaf %#x): thinvm %08x %08x %08x %08x, KVM %08x %08x %08x %08x",
			    i, t.got[i].function, t.got[i].eax, t.got[i].ebx, t.got[i].ecx,
			    t.got[i].edx, k.got[i].eax, k.got[i].ebx, k.got[i].ecx, k.got[i].edx);
	TEST_ASSERT(t.set_after_run_same == k.set_after_run_same &&
		    t.set_after_run_other == k.set_after_run_other &&
		    t.set_after_run_errno == k.set_after_run_errno,
		    "SET_CPUID2 after KVM_RUN: thinvm same %d other %d/%d, KVM %d %d/%d",
		    t.set_after_run_same, t.set_after_run_other, t.set_after_run_errno,
		    k.set_after_run_same, k.set_after_run_other, k.set_after_run_errno);
	TEST_ASSERT(t.set_too_many_errno == k.set_too_many_errno &&
		    t.set_bad_vaddr_errno == k.set_bad_vaddr_errno,
		    "SET_CPUID2 refusals: thinvm %d %d, KVM %d %d",
		    t.set_too_many_errno, t.set_bad_vaddr_errno,
		    k.set_too_many_errno, k.set_bad_vaddr_errno);
	for (unsigned int c = 0; c < NR_CR4; c++)
		TEST_ASSERT(t.cr4_exit[c] == k.cr4_exit[c] &&
			    t.cr4_read[c] == k.cr4_read[c] && t.cr4_rdx[c] == k.cr4_rdx[c],
			    "CR4 := %#llx: thinvm exit %u CR4 %#llx RDX %#llx, KVM exit %u CR4 %#llx RDX %#llx",
			    cr4_cases[c], t.cr4_exit[c], t.cr4_read[c], t.cr4_rdx[c],
			    k.cr4_exit[c], k.cr4_read[c], k.cr4_rdx[c]);
	return 0;
}
