// SPDX-License-Identifier: GPL-2.0
/*
 * A smoke run of make bench's program (tests/bench/README.md): a few
 * iterations of every row and scale measurement, on thinvm, then in the
 * KVM phase on KVM. Checks each cell is a number in a sane range, or, for
 * the policy push on KVM, n/a with its reason; the numbers themselves are
 * make bench's business.
 */
#include "bench_smoke.h"
#include "vmtest.h"

const bool vt_compares_with_kvm = true;

static const char *const rows[] = { "hc", "pio", "map", "cpuid", "mmio" };
static const char *const scales[] = { "ioctl", "create", "rate1", "rate2", "rate4" };
/* MemFree over 20 VMs can miss a VM of a few hundred bytes: n/a is allowed. */
static const char *const memory[] = { "mem_vm", "mem_vcpu" };

int main(void)
{
	const char *col = vt_kvm_phase() ? "kvm" : "thinvm";
	struct bsm_cell cells[BSM_MAX_CELLS];
	const struct bsm_cell *push;
	int n;

	n = bsm_run(vt_kvm_phase() ? "--iters 50 --runs 1 --columns kvm" :
				     "--iters 50 --runs 2 --columns thinvm", cells);
	/* A second per exit would be a hang, not a cost. */
	for (unsigned int i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		bsm_expect_number(bsm_find(cells, n, col, rows[i]), 1e9);
	for (unsigned int i = 0; i < sizeof(scales) / sizeof(scales[0]); i++)
		bsm_expect_number(bsm_find(cells, n, col, scales[i]), 1e12);
	for (unsigned int i = 0; i < sizeof(memory) / sizeof(memory[0]); i++) {
		const struct bsm_cell *c = bsm_find(cells, n, col, memory[i]);

		if (c->na)
			TEST_ASSERT(c->why[0], "%s %s: n/a without a reason", col, memory[i]);
		else
			bsm_expect_number(c, 1e6);
	}
	push = bsm_find(cells, n, col, "push");
	if (vt_kvm_phase())
		TEST_ASSERT(push->na && push->why[0], "KVM has a policy push time?");
	else
		bsm_expect_number(push, 1e11);
	return 0;
}
