/* SPDX-License-Identifier: GPL-2.0 */
/* vmctl run: boot a bare-metal guest image on a KVM-API device. */
#ifndef VMCTL_RUN_H
#define VMCTL_RUN_H

#include <limits.h>

/* run parses its own arguments (run_options.h): any number of them. */
#define VMCTL_RUN_MAX_ARGS INT_MAX

/*
 * The verb: @argv holds the @argc arguments after "run". Returns vmctl's
 * exit code (run_vmm.h: the guest's debug-exit byte, 0, 2, 125 or 130).
 */
int vmctl_run(int argc, char **argv);

#endif
