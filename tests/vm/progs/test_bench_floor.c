// SPDX-License-Identifier: GPL-2.0
/*
 * A smoke run of make bench's floor (tests/bench/floor): the bare VMRUN
 * loop of the test-only module answers each row it has, and says n/a with
 * a reason for MMIO, which it cannot do without nested paging. SVM only;
 * it needs SVM off in the CPU, so it runs in the thinvm phase with no VM
 * alive.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_rows.h"
#include "bench_smoke.h"
#include "vmtest.h"

#define FLOOR_KO "/lib/thinvm/thinvm_floor.ko"

int main(void)
{
	static const char *const keys[] = { "hc", "pio", "map", "cpuid" };
	struct bsm_cell cells[BSM_MAX_CELLS];
	const struct bsm_cell *mmio;
	const char *no;
	int n;

	TEST_REQUIRE(!strcmp(vt_vendor(), "svm"), "the floor module is SVM-only");
	if (br_floor_unavailable()) {
		TEST_REQUIRE(!access(FLOOR_KO, F_OK), "no %s in this lane", FLOOR_KO);
		TEST_ASSERT(system("insmod " FLOOR_KO) == 0, "insmod %s", FLOOR_KO);
	}
	no = br_floor_unavailable();
	TEST_REQUIRE(!no, "%s", no);
	n = bsm_run("--iters 100 --runs 2 --columns floor --no-scale", cells);
	for (unsigned int i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		bsm_expect_number(bsm_find(cells, n, "floor", keys[i]), 1e8);
	mmio = bsm_find(cells, n, "floor", "mmio");
	TEST_ASSERT(mmio->na && mmio->why[0], "the floor measured MMIO without nested paging");
	return 0;
}
