// SPDX-License-Identifier: GPL-2.0
/*
 * One zeroed page per possible CPU, on that CPU's node: the SVM host save
 * areas and the VMXON regions.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/percpu.h>

#include "thinvm.h"

void thinvm_cpu_pages_free(struct page * __percpu *pages)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct page **page = per_cpu_ptr(pages, cpu);

		if (*page)
			__free_page(*page);
		*page = NULL;
	}
}

int thinvm_cpu_pages_alloc(struct page * __percpu *pages)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct page *page = alloc_pages_node(cpu_to_node(cpu),
						     GFP_KERNEL | __GFP_ZERO, 0);

		if (!page) {
			thinvm_cpu_pages_free(pages);
			return -ENOMEM;
		}
		*per_cpu_ptr(pages, cpu) = page;
	}
	return 0;
}
