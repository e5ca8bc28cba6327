// SPDX-License-Identifier: GPL-2.0
/*
 * Virtualization is on in every online CPU exactly while a VM exists: the
 * first VM turns it on, the last one to close turns it off.
 */
#include <unistd.h>

#include "vmtest.h"

int main(void)
{
	int a, b;

	vt_expect_virt(false, "before any VM");

	a = vt_create_vm(THINVM_DEV);
	vt_expect_virt(true, "with one VM");
	close(a);
	vt_expect_virt(false, "after closing the only VM");

	a = vt_create_vm(THINVM_DEV);
	b = vt_create_vm(THINVM_DEV);
	vt_expect_virt(true, "with two VMs");
	close(a);
	vt_expect_virt(true, "with one of two VMs closed");
	close(b);
	vt_expect_virt(false, "after closing both VMs");
	return 0;
}
