// SPDX-License-Identifier: GPL-2.0
/*
 * hypercall: asks the hypervisor for things through KVM's hypercall ABI
 * (Documentation/virt/kvm/x86/hypercalls.rst: number in EAX, arguments in
 * EBX, ECX, EDX, ESI, the answer in EAX) and says, for a person reading
 * the transcript, what each answer means:
 *
 *   1. KVM_HC_MAP_GPA_RANGE, valid: 0 if it exited to the VMM (vmctl
 *      answers 0 and prints a line on stderr), -KVM_ENOSYS if it stayed in
 *      the kernel (the VMM did not enable the exit, or the host's policy
 *      keeps it in).
 *   2. The same with an address that is not page-aligned: -KVM_EINVAL
 *      when the exit is on (the kernel checks before it bothers the VMM),
 *      -KVM_ENOSYS when it is off, as in 1.
 *   3. A number no hypervisor defines: -KVM_ENOSYS.
 *   4. KVM_HC_MAP_GPA_RANGE from user mode (CPL 3): -KVM_EPERM.
 *
 * The instruction is VMMCALL on AMD and VMCALL on Intel (thinvm, like KVM,
 * takes either, but a guest should use its own vendor's). Exits 0 when
 * every answer is one the ABI allows, 1 otherwise. Outside 64-bit mode
 * the answer is 32 bits: -1000 reads back as 0xfffffc18, a negative int.
 */
#include "runtime.h"

#define KVM_HC_MAP_GPA_RANGE 12
#define HC_UNKNOWN 0xbad		/* no hypercall of KVM's has this number */
#define KVM_ENOSYS 1000
#define KVM_EINVAL 22
#define KVM_EPERM 1
#define MAP_GPA 0x200000		/* a page of this guest's RAM */

static bool use_vmcall;		/* Intel: VMCALL; else VMMCALL */
static bool all_legal = true;

static int32_t hypercall(uint32_t nr, uint32_t a0, uint32_t a1, uint32_t a2)
{
	uint32_t ret;

	if (use_vmcall)
		asm volatile("vmcall" : "=a"(ret) : "a"(nr), "b"(a0), "c"(a1), "d"(a2) : "memory");
	else
		asm volatile("vmmcall" : "=a"(ret) : "a"(nr), "b"(a0), "c"(a1), "d"(a2) : "memory");
	return (int32_t)ret;
}

/* One answer line: "hypercall WHAT: VALUE (MEANING)"; an illegal answer marks the run failed. */
static void answer(const char *what, int32_t ret, const char *meaning)
{
	if (!meaning) {
		meaning = "not an answer the ABI allows here";
		all_legal = false;
	}
	printf("hypercall %s: %d (%s)\n", what, ret, meaning);
}

static const char *map_meaning(int32_t ret)
{
	switch (ret) {
	case 0:
		return "the VMM handled it: the call exited to vmctl, which answered 0";
	case -KVM_ENOSYS:
		return "KVM_ENOSYS: it stayed in the kernel: the VMM did not enable its exit, "
		       "or host policy keeps it in the kernel";
	default:
		return NULL;
	}
}

/* The unaligned request's answer must agree with what the valid one showed. */
static const char *bad_map_meaning(int32_t ret, bool exits)
{
	if (exits && ret == -KVM_EINVAL)
		return "KVM_EINVAL: the kernel checked the arguments and refused "
		       "before asking the VMM";
	if (!exits && ret == -KVM_ENOSYS)
		return "KVM_ENOSYS: with the exit off, the kernel does not look at the arguments";
	return NULL;
}

/*
 * Step 4 runs in user mode and never comes back: it ends the run. IOPL 3
 * lets it use the serial and debug-exit ports from there.
 */
__attribute__((noreturn)) static void at_cpl3(void)
{
	int32_t r;

	printf("\nasking from user mode (CPL %u): map_gpa_range(gpa=0x%x, pages=1, attrs=0x0)\n",
	       cpl(), MAP_GPA);
	r = hypercall(KVM_HC_MAP_GPA_RANGE, MAP_GPA, 1, 0);
	answer("map_gpa_range at CPL 3", r, r == -KVM_EPERM ?
	       "KVM_EPERM: only the guest's kernel, at CPL 0, may make hypercalls" : NULL);
	printf("\n%s\n", all_legal ? "every answer is one the ABI allows" :
	       "some answer is not one the ABI allows");
	debug_exit(all_legal ? 0 : 1);
}

/* Flat 4 GiB segments: kernel code and data (DPL 0), user code and data (DPL 3). */
static const uint64_t gdt[] __attribute__((aligned(8))) = {
	0,
	0x00cf9a000000ffffull,	/* 0x08 code, DPL 0 */
	0x00cf92000000ffffull,	/* 0x10 data, DPL 0 */
	0x00cffa000000ffffull,	/* 0x18 code, DPL 3 */
	0x00cff2000000ffffull,	/* 0x20 data, DPL 3 */
};
#define USER_CS (0x18 | 3)
#define USER_DS (0x20 | 3)
#define EFLAGS_IOPL3 0x3002u	/* IOPL 3, bit 1; IF stays clear */

static uint8_t user_stack[4096] __attribute__((aligned(16)));

/*
 * IRET to CPL 3. No TSS is needed: nothing ever goes back to CPL 0 (no
 * interrupts, and an exception there would end the run as a triple fault).
 * The data segments are reloaded first thing, since IRET to CPL 3 nulls
 * those whose DPL is 0.
 */
__attribute__((noreturn)) static void enter_user_mode(void (*fn)(void))
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) gdtr = { sizeof(gdt) - 1, (uint32_t)gdt };

	asm volatile("lgdt %0" : : "m"(gdtr));
	asm volatile("pushl %[ds]\n\t"
		     "pushl %[sp]\n\t"
		     "pushl %[fl]\n\t"
		     "pushl %[cs]\n\t"
		     "pushl $1f\n\t"
		     "iret\n"
		     "1:\n\t"
		     "mov %[ds], %%eax\n\t"
		     "mov %%eax, %%ds\n\t"
		     "mov %%eax, %%es\n\t"
		     "mov %%eax, %%fs\n\t"
		     "mov %%eax, %%gs\n\t"
		     "call *%%ebx\n"
		     :
		     : [ds] "i"(USER_DS), [cs] "i"(USER_CS), [fl] "i"(EFLAGS_IOPL3),
		       [sp] "r"(user_stack + sizeof(user_stack)), "b"(fn)
		     : "eax", "memory");
	__builtin_unreachable();
}

int main(void)
{
	char vendor[13];
	uint32_t sig[4];
	char hv[13];
	int32_t r;
	bool exits;

	cpu_vendor(vendor);
	use_vmcall = !strcmp(vendor, "GenuineIntel");
	printf("the CPU says %s, so the hypercall instruction is %s\n", vendor,
	       use_vmcall ? "VMCALL" : "VMMCALL");
	cpuid(0x40000000, 0, sig);
	memcpy(hv, &sig[1], 4);
	memcpy(hv + 4, &sig[2], 4);
	memcpy(hv + 8, &sig[3], 4);
	hv[12] = '\0';
	printf("the hypervisor says \"%s\" at CPUID 0x40000000%s\n", hv,
	       strcmp(hv, "KVMKVMKVM") ? "" : ": KVM's hypercall ABI");

	printf("\nasking: map_gpa_range(gpa=0x%x, pages=1, attrs=0x0), a request the kernel "
	       "may pass on to the VMM\n", MAP_GPA);
	r = hypercall(KVM_HC_MAP_GPA_RANGE, MAP_GPA, 1, 0);
	answer("map_gpa_range", r, map_meaning(r));
	exits = r == 0;

	printf("\nasking: map_gpa_range(gpa=0x%x, pages=1, attrs=0x0), an address "
	       "that is not page-aligned\n", MAP_GPA + 0x800);
	r = hypercall(KVM_HC_MAP_GPA_RANGE, MAP_GPA + 0x800, 1, 0);
	answer("map_gpa_range with a bad address", r, bad_map_meaning(r, exits));

	printf("\nasking: hypercall 0x%x, a number no hypervisor defines\n", HC_UNKNOWN);
	r = hypercall(HC_UNKNOWN, 0, 0, 0);
	answer("0xbad", r, r == -KVM_ENOSYS ? "KVM_ENOSYS: no such hypercall" : NULL);

	enter_user_mode(at_cpl3);
}
