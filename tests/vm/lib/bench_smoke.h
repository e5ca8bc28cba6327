/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the lanes' smoke runs of make bench's program (test_bench,
 * test_bench_floor): run it with --raw and read back its CELL lines.
 */
#ifndef THINVM_BENCH_SMOKE_H
#define THINVM_BENCH_SMOKE_H

#include <stdbool.h>

#define BSM_MAX_CELLS 64

struct bsm_cell {
	char column[16], key[16];
	bool na;
	double median, spread;
	char why[128];
};

/*
 * Run "bench ARGS --raw" (the program beside this test), show its output,
 * and fill @cells; returns how many. Fails the test if bench fails.
 */
int bsm_run(const char *args, struct bsm_cell *cells);
/* The cell of @column and @key, or fail the test. */
const struct bsm_cell *bsm_find(const struct bsm_cell *cells, int n, const char *column,
				const char *key);
/* Fail unless the cell has a plausible number: more than 0, less than @max. */
void bsm_expect_number(const struct bsm_cell *c, double max);

#endif
