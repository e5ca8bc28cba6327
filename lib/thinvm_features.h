/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The names of the VMX controls and SVM features that policy may hide from
 * guests, one by one (../shared/design.md, behaviour 3): never by
 * "revision". The names follow KVM's and the SDM/APM's, lower case with
 * dashes. Plain C, for the daemon, vmctl and the unit tests.
 *
 * The index of a name is its bit in a hidden-feature set (uint64_t). The
 * table only grows at the end, so that a saved set keeps its meaning.
 */
#ifndef THINVM_FEATURES_H
#define THINVM_FEATURES_H

#include <stddef.h>
#include <stdint.h>

enum tnl_feature_vendor { TNL_FEATURE_VMX, TNL_FEATURE_SVM };

/* How many names there are; indexes run from 0 to this minus one. */
unsigned int tnl_feature_count(void);
/* The name of feature @index, NULL past the end. */
const char *tnl_feature_name(unsigned int index);
enum tnl_feature_vendor tnl_feature_vendor(unsigned int index);
/* The index of @name, or -EINVAL for a name not in the table. */
int tnl_feature_parse(const char *name, unsigned int *index);

/*
 * A set from a comma-separated list of names (blanks around names are
 * allowed), or "none". Returns 0; -EINVAL with *@bad pointing at the first
 * unknown or empty item (in @s) otherwise. *@set is only written on success.
 */
int tnl_feature_set_parse(const char *s, uint64_t *set, const char **bad);
/*
 * @set as tnl_feature_set_parse() reads it: -EINVAL for a bit past the
 * table, -ENOSPC if @buf is too small.
 */
int tnl_feature_set_format(uint64_t set, char *buf, size_t size);

#endif
