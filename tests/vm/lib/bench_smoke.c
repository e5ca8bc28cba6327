// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "bench_smoke.h"
#include "vmtest.h"

int bsm_run(const char *args, struct bsm_cell *cells)
{
	char cmd[512], line[512];
	int n = 0, status;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "%s %s --raw 2>&1", vt_sibling("bench"), args);
	vt_log("+ %s", cmd);
	p = popen(cmd, "r");
	TEST_ASSERT(p, "popen %s", cmd);
	while (fgets(line, sizeof(line), p)) {
		struct bsm_cell *c = &cells[n];
		int used = 0;

		fputs(line, stdout);
		if (strncmp(line, "CELL ", 5) || n >= BSM_MAX_CELLS)
			continue;
		*c = (struct bsm_cell){ 0 };
		if (sscanf(line, "CELL %15s %15s n/a %n", c->column, c->key, &used) == 2 && used) {
			c->na = true;
			snprintf(c->why, sizeof(c->why), "%s", line + used);
			c->why[strcspn(c->why, "\n")] = '\0';
			n++;
		} else if (sscanf(line, "CELL %15s %15s %lf %lf", c->column, c->key, &c->median,
				  &c->spread) == 4) {
			n++;
		}
	}
	status = pclose(p);
	TEST_ASSERT(status == 0, "bench %s: exit status %#x", args, status);
	return n;
}

const struct bsm_cell *bsm_find(const struct bsm_cell *cells, int n, const char *column,
				const char *key)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(cells[i].column, column) && !strcmp(cells[i].key, key))
			return &cells[i];
	vt_fail(__FILE__, __LINE__, "bench printed no %s cell for %s", column, key);
}

void bsm_expect_number(const struct bsm_cell *c, double max)
{
	TEST_ASSERT(!c->na, "%s %s: n/a (%s)", c->column, c->key, c->why);
	TEST_ASSERT(c->median > 0 && c->median < max, "%s %s: %g, not in (0, %g)", c->column,
		    c->key, c->median, max);
}
