/* SPDX-License-Identifier: GPL-2.0 */
/* vmctl profile: the pieces the unit tests reach (verb_profile.c). */
#ifndef VMCTL_PROFILE_H
#define VMCTL_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "thinvm_profile.h"

/* "key: value" lines of @p; with @cpuid, its CPUID table after them. */
void vmctl_profile_print(FILE *out, const struct tnl_profile *p, bool cpuid);

/*
 * A profile saved as JSON (vmctl --json profile) from @path, "-" for
 * standard input: 0, or -1 with one sentence naming @path in @err.
 */
int vmctl_profile_load(const char *path, struct tnl_profile *p, char *err, size_t size);

#endif
