/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Describe(): everything thinvmd knows as one JSON document, version 1
 * (thinvmd(8) documents every key). Built from the daemon's state alone, so
 * the unit tests build it without a bus or a module.
 */
#ifndef THINVMD_DESCRIBE_H
#define THINVMD_DESCRIBE_H

struct thinvmd;

#define TVD_DESCRIBE_VERSION 1

/* A malloc()ed NUL-terminated document, or NULL without memory. */
char *tvd_describe(const struct thinvmd *d);

#endif
