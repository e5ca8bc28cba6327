// SPDX-License-Identifier: GPL-2.0
/*
 * The exitrate guest under vmctl run --stats: it prints a rate of port-I/O
 * exits (to vmctl and back) and one of CPUID exits (in the kernel), both
 * above zero, with the count of exits each came from, and vmctl's counts
 * agree: every clock read of the first loop reached vmctl, and thinvm
 * counted every CPUID of the second, which vmctl never saw. On KVM it runs too, and
 * the rates of both are printed side by side (not compared: they measure).
 */
#include <stdlib.h>
#include <string.h>

#include "vmrun.h"
#include "vmtest.h"

const bool vt_compares_with_kvm = true;

struct rates {
	unsigned long long pio, cpuid;
};

/*
 * The rate at the start of the line "<rate><rest> (<count> in <ms> ms; ..."
 * and, in *@count, how many exits it was computed from.
 */
static unsigned long long rate(const char *out, const char *rest, unsigned long long *count)
{
	for (const char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char *end;
		unsigned long long n = strtoull(l, &end, 10);

		if (end == l || strncmp(end, rest, strlen(rest)))
			continue;
		end += strlen(rest);
		TEST_ASSERT(!strncmp(end, " (", 2), "no \"(<count> in\" after \"%s\"", rest);
		*count = strtoull(end + 2, NULL, 10);
		return n;
	}
	TEST_ASSERT(0, "no line \"N%s...\" in the output (above)", rest);
	return 0;
}

/* The count after "@key " in vmctl's --stats line that has @part. */
static unsigned long long stats_count(const char *err, const char *part, const char *key)
{
	const char *line = strstr(err, part), *k;
	char word[64];

	TEST_ASSERT(line, "no stats line with \"%s\" (above)", part);
	snprintf(word, sizeof(word), " %s ", key);
	k = strstr(line, word);
	TEST_ASSERT(k && (!strchr(line, '\n') || k < strchr(line, '\n')),
		    "no \"%s\" in the stats line with \"%s\"", key, part);
	return strtoull(k + strlen(word), NULL, 10);
}

int main(void)
{
	const char *args[] = { "--device", vr_device(), "--stats", vr_guest("exitrate.elf"), NULL };
	struct rates mine, thinvm;
	unsigned long long pio_count, cpuid_count;
	struct vr_result r;

	/*
	 * Before any work: without thinvm's rates there is nothing to show
	 * beside KVM's, and the guest's loops are long where every exit
	 * is emulated instruction by instruction (Bochs).
	 */
	if (vt_kvm_phase())
		vt_load_outcome("run_exitrate", &thinvm, sizeof(thinvm));
	vr_run(&r, 90, args);
	TEST_ASSERT(r.status == 0, "exitrate exited %d: %s", r.status, vr_why(&r));
	mine.pio = rate(r.out, " port-I/O exits/s", &pio_count);
	mine.cpuid = rate(r.out, " CPUID exits/s", &cpuid_count);
	TEST_ASSERT(mine.pio > 0 && mine.cpuid > 0, "a rate of 0");
	/* Every clock read of the first loop went to vmctl. */
	TEST_ASSERT(stats_count(r.err, "vCPU 0: ", "clock") >= pio_count,
		    "vmctl counted fewer clock reads than the guest's %llu", pio_count);
	if (!vt_kvm_phase()) {
		unsigned long long cpuid = stats_count(r.err, "exits in all (thinvm):", "cpuid");

		/* Every CPUID of the second loop was an exit thinvm counted. */
		TEST_ASSERT(cpuid >= cpuid_count,
			    "thinvm counted %llu CPUID exits, the guest executed %llu",
			    cpuid, cpuid_count);
		vt_save_outcome("run_exitrate", &mine, sizeof(mine));
		return 0;
	}
	vt_log("port-I/O exits/s: thinvm %llu, KVM %llu", thinvm.pio, mine.pio);
	vt_log("CPUID exits/s:    thinvm %llu, KVM %llu", thinvm.cpuid, mine.cpuid);
	return 0;
}
