/* SPDX-License-Identifier: GPL-2.0 */
/*
 * thinvm.conf(5): the configuration file, and the state file of settings
 * made over D-Bus, which has the same format. Parsed with inih; every error
 * names the file, the line and the problem.
 */
#ifndef THINVMD_CONFIG_H
#define THINVMD_CONFIG_H

#include <stdio.h>

#include "policy.h"

#define THINVMD_CONFIG_PATH "/etc/thinvm/thinvm.conf"
#define THINVMD_STATE_DIR "/var/lib/thinvm"
#define THINVMD_STATE_FILE "policy.conf"

struct tvd_error {
	char file[256];
	unsigned int line;		/* 0: about the whole file */
	char msg[256];
};

/* "FILE:LINE: MSG", or "FILE: MSG" for line 0. */
const char *tvd_error_text(const struct tvd_error *e, char *buf, size_t size);

/*
 * Parse @f (named @name in errors) into @p, which is reset first. The file
 * is checked whole (tvd_policy_check()), so a file that parses is a valid
 * policy. 0, or -EINVAL with @err filled (the first error of the file);
 * -errno for a read error.
 */
int tvd_config_parse(FILE *f, const char *name, struct tvd_policy *p,
		     struct tvd_error *err);

/*
 * Parse the file at @path. A missing file is an empty policy (every field
 * at its default), not an error.
 */
int tvd_config_load(const char *path, struct tvd_policy *p,
		    struct tvd_error *err);

/*
 * Write the fields @p sets, and its rules, in the format
 * tvd_config_parse() reads back to the same policy. 0 or -errno.
 */
int tvd_config_write(FILE *f, const struct tvd_policy *p, const char *comment);

#endif
