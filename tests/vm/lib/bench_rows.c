// SPDX-License-Identifier: GPL-2.0
/*
 * Each row is a 64-bit guest loop (vt_vm_create's long mode). Rows the
 * kernel answers by itself loop R8 times inside one KVM_RUN and leave by a
 * port write, so the one exit to userspace is spread over all iterations;
 * rows that exit to the VMM loop forever and the VMM counts KVM_RUN calls.
 * The hypercall instruction is the vendor's own (VMMCALL on AMD, VMCALL on
 * Intel): the other one would measure the #UD emulation instead.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "bench_rows.h"
#include "vmtest.h"

#define MEM_SIZE 0x10000
#define PORT 0x10
#define WARMUP 64
#define FLOOR_DIR "/sys/kernel/debug/thinvm_floor"

/* Hypercall loops: one copy per instruction, selected by the vendor. */
#define HC_KERNEL(insn)							\
	"1:	mov $1234, %eax\n"					\
	"	" insn "\n"						\
	"	dec %r8\n"						\
	"	jnz 1b\n"						\
	"	out %al, $0x10\n"					\
	"	jmp 1b\n"
#define MAP_USER(insn)							\
	"1:	" MAP_CALL(insn)					\
	"	jmp 1b\n"
#define MAP_CALL(insn)							\
	"	mov $12, %eax\n"	/* KVM_HC_MAP_GPA_RANGE */	\
	"	mov $0x1000, %ebx\n"					\
	"	mov $1, %ecx\n"						\
	"	xor %edx, %edx\n"					\
	"	" insn "\n"

/* A guest between the labels NAME and NAME_end. */
#define GUEST(name, body) ".globl " #name ", " #name "_end\n" #name ":\n" body #name "_end:\n"

asm(".pushsection .rodata\n"
    ".code64\n"
    GUEST(br_hc_amd, HC_KERNEL("vmmcall"))
    GUEST(br_hc_intel, HC_KERNEL("vmcall"))
    GUEST(br_map_amd, MAP_USER("vmmcall"))
    GUEST(br_map_intel, MAP_USER("vmcall"))
    GUEST(br_pio,
	  "1:	out %al, $0x10\n"
	  "	jmp 1b\n")
    GUEST(br_cpuid,
	  "1:	xor %eax, %eax\n"
	  "	cpuid\n"
	  "	dec %r8\n"
	  "	jnz 1b\n"
	  "	out %al, $0x10\n"
	  "	jmp 1b\n")
    /* MAP_GPA_RANGE forever, counting at 0x8000: refused ones stay in
     * the kernel, so the VMM sees the first one policy lets out. */
    GUEST(br_spin_amd,
	  "1:	incq 0x8000\n"
	  MAP_CALL("vmmcall")
	  "	jmp 1b\n")
    GUEST(br_spin_intel,
	  "1:	incq 0x8000\n"
	  MAP_CALL("vmcall")
	  "	jmp 1b\n")
    GUEST(br_mmio,
	  "1:	mov %eax, 0x20000\n"	/* past the 64 KiB of RAM: MMIO */
	  "	jmp 1b\n")
    ".popsection\n");
extern const char br_hc_amd[], br_hc_amd_end[], br_hc_intel[], br_hc_intel_end[],
	br_map_amd[], br_map_amd_end[], br_map_intel[], br_map_intel_end[],
	br_pio[], br_pio_end[], br_cpuid[], br_cpuid_end[], br_mmio[], br_mmio_end[],
	br_spin_amd[], br_spin_amd_end[], br_spin_intel[], br_spin_intel_end[];

static const struct {
	const char *title, *key;
} rows[BR_ROWS] = {
	[BR_HC_KERNEL] = { "hypercall in kernel (-KVM_ENOSYS)", "hc" },
	[BR_PIO_USER] = { "port I/O exit to userspace", "pio" },
	[BR_MAP_USER] = { "MAP_GPA_RANGE exit to userspace", "map" },
	[BR_CPUID] = { "CPUID exit (in kernel)", "cpuid" },
	[BR_MMIO_USER] = { "MMIO exit to userspace", "mmio" },
};

const char *br_title(enum br_row row)
{
	return rows[row].title;
}

const char *br_key(enum br_row row)
{
	return rows[row].key;
}

double br_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

const char *br_guest(enum br_row row, const char **end)
{
	bool amd = !strcmp(vt_vendor(), "svm");

	switch (row) {
	case BR_HC_KERNEL:
		*end = amd ? br_hc_amd_end : br_hc_intel_end;
		return amd ? br_hc_amd : br_hc_intel;
	case BR_MAP_USER:
		*end = amd ? br_map_amd_end : br_map_intel_end;
		return amd ? br_map_amd : br_map_intel;
	case BR_PIO_USER:
		*end = br_pio_end;
		return br_pio;
	case BR_CPUID:
		*end = br_cpuid_end;
		return br_cpuid;
	default:
		*end = br_mmio_end;
		return br_mmio;
	}
}

const char *br_spin_guest(const char **end)
{
	bool amd = !strcmp(vt_vendor(), "svm");

	*end = amd ? br_spin_amd_end : br_spin_intel_end;
	return amd ? br_spin_amd : br_spin_intel;
}

double br_run_in_kernel(struct vt_vm *v, unsigned int n)
{
	struct kvm_regs regs;
	double t0;

	TEST_ASSERT(!ioctl(v->vcpu, KVM_GET_REGS, &regs), "GET_REGS");
	regs.r8 = n;
	TEST_ASSERT(!ioctl(v->vcpu, KVM_SET_REGS, &regs), "SET_REGS");
	t0 = br_now_ns();
	TEST_ASSERT(!ioctl(v->vcpu, KVM_RUN, 0), "%s: KVM_RUN", v->dev);
	t0 = br_now_ns() - t0;
	TEST_ASSERT(v->run->exit_reason == KVM_EXIT_IO && v->run->io.port == PORT,
		    "%s: exit %u, not the end of the loop", v->dev, v->run->exit_reason);
	return t0;
}

/* @n round trips through the VMM, each checked to be the expected exit. */
static double run_to_user(struct vt_vm *v, unsigned int n, unsigned int exit_reason)
{
	double t0 = br_now_ns();

	for (unsigned int i = 0; i < n; i++) {
		TEST_ASSERT(!ioctl(v->vcpu, KVM_RUN, 0), "%s: KVM_RUN", v->dev);
		TEST_ASSERT(v->run->exit_reason == exit_reason, "%s: exit %u, not %u", v->dev,
			    v->run->exit_reason, exit_reason);
		if (exit_reason == KVM_EXIT_HYPERCALL)
			v->run->hypercall.ret = 0;
	}
	return br_now_ns() - t0;
}

double br_measure_dev(const char *dev, enum br_row row, unsigned int iters,
		      char *why, size_t why_size)
{
	const char *end, *code = br_guest(row, &end);
	struct vt_vm v;
	double ns;

	vt_vm_create(&v, dev, MEM_SIZE, code, end - code, VT_LONG64);
	switch (row) {
	case BR_HC_KERNEL:
	case BR_CPUID:
		br_run_in_kernel(&v, WARMUP);
		ns = br_run_in_kernel(&v, iters);
		break;
	case BR_MAP_USER: {
		struct kvm_enable_cap cap = { .cap = KVM_CAP_EXIT_HYPERCALL,
					      .args = { 1ULL << 12 } };

		if (ioctl(v.fd, KVM_ENABLE_CAP, &cap)) {
			snprintf(why, why_size, "KVM_ENABLE_CAP(EXIT_HYPERCALL): %s",
				 strerror(errno));
			vt_vm_destroy(&v);
			return 0;
		}
		run_to_user(&v, WARMUP, KVM_EXIT_HYPERCALL);
		ns = run_to_user(&v, iters, KVM_EXIT_HYPERCALL);
		break;
	}
	case BR_PIO_USER:
		run_to_user(&v, WARMUP, KVM_EXIT_IO);
		ns = run_to_user(&v, iters, KVM_EXIT_IO);
		break;
	default:
		run_to_user(&v, WARMUP, KVM_EXIT_MMIO);
		ns = run_to_user(&v, iters, KVM_EXIT_MMIO);
		break;
	}
	vt_vm_destroy(&v);
	return ns / iters;
}

enum br_row br_row_of(const char *key)
{
	int r;

	for (r = 0; r < BR_ROWS && strcmp(key, rows[r].key); r++)
		;
	return r;
}

void br_spin_dev(const char *dev, enum br_row row)
{
	static const unsigned int user_exit[BR_ROWS] = {
		[BR_PIO_USER] = KVM_EXIT_IO, [BR_MAP_USER] = KVM_EXIT_HYPERCALL,
		[BR_MMIO_USER] = KVM_EXIT_MMIO,
	};
	const char *end, *code = br_guest(row, &end);
	struct vt_vm v;

	vt_vm_create(&v, dev, MEM_SIZE, code, end - code, VT_LONG64);
	if (row == BR_MAP_USER) {
		struct kvm_enable_cap cap = { .cap = KVM_CAP_EXIT_HYPERCALL,
					      .args = { 1ULL << 12 } };

		TEST_ASSERT(!ioctl(v.fd, KVM_ENABLE_CAP, &cap), "KVM_ENABLE_CAP(EXIT_HYPERCALL)");
	}
	printf("bench: spinning on \"%s\" (%s)\n", br_title(row), dev);
	fflush(stdout);
	for (;;) {
		if (user_exit[row])
			run_to_user(&v, 1u << 30, user_exit[row]);
		else
			br_run_in_kernel(&v, 1u << 30);
	}
}

const char *br_floor_unavailable(void)
{
	if (strcmp(vt_vendor(), "svm"))
		return "the floor module is SVM-only";
	if (access(FLOOR_DIR, F_OK))
		return "the floor module (thinvm_floor.ko) is not loaded";
	return NULL;
}

double br_measure_floor(enum br_row row, unsigned int iters, char *why, size_t why_size)
{
	static const char *const files[BR_ROWS] = {
		[BR_HC_KERNEL] = "vmmcall", [BR_MAP_USER] = "vmmcall",
		[BR_PIO_USER] = "pio", [BR_CPUID] = "cpuid",
	};
	unsigned long long n, ns;
	unsigned int others;
	char path[128];
	const char *no = br_floor_unavailable();
	FILE *f;
	int ok;

	if (no) {
		snprintf(why, why_size, "%s", no);
		return 0;
	}
	if (!files[row]) {
		snprintf(why, why_size, "the floor has no nested paging, so no MMIO");
		return 0;
	}
	f = fopen("/sys/module/thinvm_floor/parameters/iterations", "w");
	TEST_ASSERT(f && fprintf(f, "%u\n", iters) > 0 && !fclose(f), "floor iterations");
	snprintf(path, sizeof(path), FLOOR_DIR "/%s", files[row]);
	f = fopen(path, "r");
	TEST_ASSERT(f, "open %s", path);
	ok = fscanf(f, "%llu %llu %u", &n, &ns, &others);
	if (ok != 3) {
		snprintf(why, why_size, "reading %s: %s", path,
			 ferror(f) ? strerror(errno) : "no result");
		fclose(f);
		return 0;
	}
	fclose(f);
	TEST_ASSERT(n == iters, "floor ran %llu, not %u", n, iters);
	return (double)ns / n;
}
