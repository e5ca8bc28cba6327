// SPDX-License-Identifier: GPL-2.0
/*
 * Not a test: the program behind make bench (tests/bench/README.md), and
 * behind the lanes' smoke runs of it (test_bench, test_bench_floor).
 *
 * Every row's guest loop is measured, in this order, on the floor module,
 * on /dev/thinvm and on /dev/kvm: the floor needs SVM off in the CPU, so
 * before any VM exists; KVM last, holding one VM of its own open so that it
 * turns SVM on once (tests/vm/README.md: toggling wedges TCG). Each cell is
 * the median of --runs runs of --iters iterations.
 *
 * Usage: bench [--iters N] [--runs R] [--columns floor,thinvm,kvm]
 *              [--no-scale] [--raw]
 *        bench --spin ROW [--device DEV]
 * --spin runs the guest loop of ROW (hc, pio, map, cpuid, mmio) on DEV
 * (default /dev/thinvm) for ever, for tests/bench/profile.sh.
 * --raw adds one line per cell for programs:
 *   CELL <column> <key> <median> <spread%>   or   CELL <column> <key> n/a <why>
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench_rows.h"
#include "bench_scale.h"
#include "bench_stats.h"
#include "vmtest.h"

/* Run by test_bench in the KVM phase too: it must not exit there at once. */
const bool vt_compares_with_kvm = true;

enum col { COL_FLOOR, COL_KVM, COL_THINVM, COLS };
static const char *const col_names[COLS] = { "floor", "kvm", "thinvm" };
static const char *const col_devs[COLS] = { NULL, "/dev/kvm", THINVM_DEV };

enum scale {
	SC_PUSH, SC_IOCTL, SC_CREATE, SC_MEM_VM, SC_MEM_VCPU, SC_RATE1, SC_RATE2, SC_RATE4, SCALES
};
static const struct {
	const char *title, *key;
} scales[SCALES] = {
	[SC_PUSH] = { "policy push latency (ns)", "push" },
	[SC_IOCTL] = { "null ioctl on a VM fd (ns)", "ioctl" },
	[SC_CREATE] = { "VM create+destroy (ns)", "create" },
	[SC_MEM_VM] = { "memory per idle VM (KiB)", "mem_vm" },
	[SC_MEM_VCPU] = { "memory per vCPU (KiB)", "mem_vcpu" },
	[SC_RATE1] = { "exit rate, 1 vCPU (exits/s)", "rate1" },
	[SC_RATE2] = { "exit rate, 2 vCPUs (exits/s)", "rate2" },
	[SC_RATE4] = { "exit rate, 4 vCPUs (exits/s)", "rate4" },
};

static struct bs_sample rows[BR_ROWS][COLS], scale[SCALES][COLS];
static unsigned int iters = 2000, runs = 5;
static bool want[COLS], do_scale = true, raw;

/* One cell: @runs measurements, or the first reason there is none. */
#define MEASURE(cell, expr)						\
	do {								\
		char why_[96] = "";					\
		for (unsigned int r_ = 0; r_ < runs; r_++) {		\
			double x_ = (expr);				\
			if (why_[0]) {					\
				bs_na(cell, "%s", why_);		\
				break;					\
			}						\
			if (!bs_add(cell, x_)) {			\
				bs_na(cell, "no positive value (%g)", x_); \
				break;					\
			}						\
		}							\
	} while (0)

static void measure_floor(void)
{
	for (int r = 0; r < BR_ROWS; r++)
		MEASURE(&rows[r][COL_FLOOR], br_measure_floor(r, iters * 5, why_, sizeof(why_)));
}

static void measure_rows(enum col c)
{
	for (int r = 0; r < BR_ROWS; r++)
		MEASURE(&rows[r][c], br_measure_dev(col_devs[c], r, iters, why_, sizeof(why_)));
}

static void measure_scale(enum col c)
{
	static const unsigned int vcpus[] = { 1, 2, 4 };
	const char *dev = col_devs[c];
	/*
	 * MemFree moves only when a CPU's page list goes back to the buddy
	 * allocator, a batch of pages at a time: enough VMs must change hands
	 * to outweigh that. thinvm's are small and quick to make (1000),
	 * KVM's big and slow (100); a smoke run makes do with 20.
	 */
	unsigned int mem_n = iters < 1000 ? 20 : c == COL_THINVM ? 1000 : 100;
	double per_vcpu[BS_MAX_RUNS];
	unsigned int i = 0;

	if (c == COL_THINVM)
		MEASURE(&scale[SC_PUSH][c], bsc_policy_push(why_, sizeof(why_)));
	else
		bs_na(&scale[SC_PUSH][c], "KVM has no policy channel");
	MEASURE(&scale[SC_IOCTL][c], bsc_null_ioctl(dev, iters));
	/* KVM takes tens of ms per VM under TCG: 50 make a run of seconds. */
	MEASURE(&scale[SC_CREATE][c],
		bsc_create_destroy(dev, iters >= 1000 ? 50 : 10, why_, sizeof(why_)));
	MEASURE(&scale[SC_MEM_VM][c],
		bsc_memory(dev, mem_n, &per_vcpu[i++ % BS_MAX_RUNS], why_, sizeof(why_)));
	for (unsigned int r = 0; r < i && bs_valid(&scale[SC_MEM_VM][c]); r++)
		if (!bs_add(&scale[SC_MEM_VCPU][c], per_vcpu[r])) {
			bs_na(&scale[SC_MEM_VCPU][c], "MemFree did not drop (%g KiB)", per_vcpu[r]);
			break;
		}
	if (!bs_valid(&scale[SC_MEM_VM][c]) && !scale[SC_MEM_VCPU][c].why[0])
		bs_na(&scale[SC_MEM_VCPU][c], "no VMs to put vCPUs in");
	for (i = 0; i < 3; i++)
		MEASURE(&scale[SC_RATE1 + i][c],
			bsc_exit_rate(dev, vcpus[i], iters * 5 / vcpus[i], why_, sizeof(why_)));
}

static bool available(enum col c, struct bs_sample *cells, size_t stride, size_t n)
{
	static char buf[96];
	const char *why = NULL;
	int fd, vm, vcpu;

	if (c == COL_FLOOR)
		why = br_floor_unavailable();
	else if (access(col_devs[c], F_OK))
		why = c == COL_KVM ? "no /dev/kvm (KVM not loaded)" : "no /dev/thinvm";
	if (!why && c != COL_FLOOR) {
		fd = open(col_devs[c], O_RDWR);
		vm = fd >= 0 ? ioctl(fd, KVM_CREATE_VM, 0) : -1;
		vcpu = vm >= 0 ? ioctl(vm, KVM_CREATE_VCPU, 0) : -1;
		if (vcpu < 0) {
			snprintf(buf, sizeof(buf), "cannot create a %s: %s",
				 vm < 0 ? "VM" : "vCPU", strerror(errno));
			why = buf;
		}
		/* Every fd closed, or the VM lives on and keeps SVM on. */
		if (vcpu >= 0)
			close(vcpu);
		if (vm >= 0)
			close(vm);
		if (fd >= 0)
			close(fd);
	}
	if (!why)
		return true;
	for (size_t i = 0; i < n; i++)
		bs_na(&cells[i * stride + c], "%s", why);
	return false;
}

static void print_cells(const char *key, struct bs_sample *cells)
{
	for (int c = 0; c < COLS; c++) {
		if (!want[c])
			continue;
		if (bs_valid(&cells[c]))
			printf("CELL %s %s %.3f %.1f\n", col_names[c], key,
			       bs_median(cells[c].v, cells[c].n),
			       bs_spread(cells[c].v, cells[c].n));
		else
			printf("CELL %s %s n/a %s\n", col_names[c], key,
			       cells[c].why[0] ? cells[c].why : "not measured");
	}
}

static void print_tables(void)
{
	char f[32], k[32], t[32], rf[16], rk[16];

	printf("%-36s %15s %15s %15s %13s %11s\n", "ns per iteration (median ±spread)",
	       "floor", "KVM", "thinvm", "thinvm/floor", "thinvm/KVM");
	for (int r = 0; r < BR_ROWS; r++) {
		struct bs_sample *s = rows[r];

		bs_fmt_value(f, sizeof(f), &s[COL_FLOOR]);
		bs_fmt_value(k, sizeof(k), &s[COL_KVM]);
		bs_fmt_value(t, sizeof(t), &s[COL_THINVM]);
		bs_fmt_ratio(rf, sizeof(rf), &s[COL_THINVM], &s[COL_FLOOR]);
		bs_fmt_ratio(rk, sizeof(rk), &s[COL_THINVM], &s[COL_KVM]);
		printf("%-36s %15s %15s %15s %13s %11s\n", br_title(r), f, k, t, rf, rk);
	}
	if (do_scale) {
		printf("\n%-36s %15s %15s %11s\n", "scale (median ±spread)", "KVM", "thinvm",
		       "thinvm/KVM");
		for (int i = 0; i < SCALES; i++) {
			struct bs_sample *s = scale[i];

			bs_fmt_value(k, sizeof(k), &s[COL_KVM]);
			bs_fmt_value(t, sizeof(t), &s[COL_THINVM]);
			bs_fmt_ratio(rk, sizeof(rk), &s[COL_THINVM], &s[COL_KVM]);
			printf("%-36s %15s %15s %11s\n", scales[i].title, k, t, rk);
		}
	}
	printf("\nn/a:\n");
	for (int r = 0; r < BR_ROWS; r++)
		for (int c = 0; c < COLS; c++)
			if (want[c] && !bs_valid(&rows[r][c]))
				printf("  %s, %s: %s\n", br_title(r), col_names[c], rows[r][c].why);
	for (int i = 0; do_scale && i < SCALES; i++)
		for (int c = COL_KVM; c < COLS; c++)
			if (want[c] && !bs_valid(&scale[i][c]))
				printf("  %s, %s: %s\n", scales[i].title, col_names[c],
				       scale[i][c].why);
	if (raw) {
		for (int r = 0; r < BR_ROWS; r++)
			print_cells(br_key(r), rows[r]);
		for (int i = 0; do_scale && i < SCALES; i++)
			print_cells(scales[i].key, scale[i]);
	}
}

static void parse_columns(char *list)
{
	for (char *s = strtok(list, ","); s; s = strtok(NULL, ",")) {
		int c;

		for (c = 0; c < COLS && strcmp(s, col_names[c]); c++)
			;
		TEST_ASSERT(c < COLS, "unknown column %s (floor, thinvm, kvm)", s);
		want[c] = true;
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "iters", required_argument, NULL, 'i' },
		{ "runs", required_argument, NULL, 'r' },
		{ "columns", required_argument, NULL, 'c' },
		{ "no-scale", no_argument, NULL, 'n' },
		{ "raw", no_argument, NULL, 'R' },
		{ "spin", required_argument, NULL, 's' },
		{ "device", required_argument, NULL, 'd' },
		{ 0 },
	};
	const char *spin = NULL, *dev = THINVM_DEV;
	int o, kvm_sys = -1, kvm_anchor = -1, anchor = -1, sys;
	char all[] = "floor,thinvm,kvm";
	struct rlimit files;
	bool any = false;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'i': iters = strtoul(optarg, NULL, 0); break;
		case 'r': runs = strtoul(optarg, NULL, 0); break;
		case 'c': parse_columns(optarg); any = true; break;
		case 'n': do_scale = false; break;
		case 'R': raw = true; break;
		case 's': spin = optarg; break;
		case 'd': dev = optarg; break;
		default: TEST_ASSERT(0, "usage: bench [--iters N] [--runs R] [--columns LIST] [--no-scale] [--raw] | --spin ROW [--device DEV]");
		}
	}
	if (spin) {
		TEST_ASSERT(br_row_of(spin) < BR_ROWS, "--spin: no row %s (hc, pio, map, cpuid, mmio)",
			    spin);
		br_spin_dev(dev, br_row_of(spin));
	}
	/* 1000 VMs with a vCPU each are 2000 files (the memory figures). */
	if (!getrlimit(RLIMIT_NOFILE, &files) && files.rlim_cur < 4096) {
		files.rlim_cur = files.rlim_max < 4096 ? files.rlim_max : 4096;
		setrlimit(RLIMIT_NOFILE, &files);
	}
	TEST_ASSERT(iters >= 10 && runs >= 1 && runs <= BS_MAX_RUNS, "--iters >= 10, --runs 1..%d",
		    BS_MAX_RUNS);
	if (!any)
		parse_columns(all);
	for (int c = 0; c < COLS; c++)
		if (!want[c]) {
			for (int r = 0; r < BR_ROWS; r++)
				bs_na(&rows[r][c], "not asked for (--columns)");
			for (int i = 0; i < SCALES; i++)
				bs_na(&scale[i][c], "not asked for (--columns)");
		}
	vt_log("bench: %u runs of %u iterations (the floor: %u), %s", runs, iters, iters * 5,
	       vt_vendor());

	if (want[COL_FLOOR] && available(COL_FLOOR, &rows[0][0], COLS, BR_ROWS))
		measure_floor();
	if (want[COL_THINVM] && available(COL_THINVM, &rows[0][0], COLS, BR_ROWS)) {
		measure_rows(COL_THINVM);
		if (do_scale) {
			/* Held so that VMs come and go with SVM staying on. */
			sys = open(THINVM_DEV, O_RDWR);
			anchor = ioctl(sys, KVM_CREATE_VM, 0);
			TEST_ASSERT(anchor >= 0, "thinvm: the VM held during the scale runs");
			measure_scale(COL_THINVM);
			close(anchor);
			close(sys);
		}
	} else if (want[COL_THINVM]) {
		available(COL_THINVM, &scale[0][0], COLS, SCALES);
	}
	if (want[COL_KVM] && !access("/dev/kvm", F_OK)) {
		kvm_sys = open("/dev/kvm", O_RDWR);
		kvm_anchor = kvm_sys >= 0 ? ioctl(kvm_sys, KVM_CREATE_VM, 0) : -1;
	}
	if (want[COL_KVM] && available(COL_KVM, &rows[0][0], COLS, BR_ROWS)) {
		measure_rows(COL_KVM);
		if (do_scale)
			measure_scale(COL_KVM);
	} else if (want[COL_KVM]) {
		available(COL_KVM, &scale[0][0], COLS, SCALES);
	}
	print_tables();
	if (kvm_anchor >= 0)
		close(kvm_anchor);
	if (kvm_sys >= 0)
		close(kvm_sys);
	return 0;
}
