// SPDX-License-Identifier: GPL-2.0
/*
 * Not a test: holds one thinvm VM open until killed, so that the emulated
 * host powers off with virtualization on and the reboot path is exercised.
 */
#include <unistd.h>

#include "vmtest.h"

int main(void)
{
	int vm = vt_create_vm(THINVM_DEV);

	vt_log("hold_vm: VM fd %d open, waiting", vm);
	for (;;)
		pause();
}
