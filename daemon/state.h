/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The settings made over D-Bus, kept in STATE_DIR/policy.conf (the format
 * of thinvm.conf(5), [policy] only) so that they outlive a restart, a crash
 * and a reboot. Saved atomically: a reader, or thinvmd after a crash at any
 * point, finds either the old file or the new one, whole.
 */
#ifndef THINVMD_STATE_H
#define THINVMD_STATE_H

#include "config.h"

/* Load; a missing file is an empty policy. As tvd_config_load(). */
int tvd_state_load(const char *dir, struct tvd_policy *over,
		   struct tvd_error *err);

/*
 * Save @over: a temporary file in @dir, written, fsync()ed, renamed over
 * the old one, then @dir fsync()ed. 0, or -errno with @why filled and the
 * old file untouched.
 */
int tvd_state_save(const char *dir, const struct tvd_policy *over,
		   char *why, size_t size);

#endif
