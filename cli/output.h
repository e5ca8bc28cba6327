/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmctl's two outputs: aligned text for people (tables and "key: value"
 * blocks, as hostnamectl and ip print them) and JSON for scripts (json-c).
 */
#ifndef VMCTL_OUTPUT_H
#define VMCTL_OUTPUT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct table;

/* A table with @ncols columns named by the @ncols strings that follow. */
struct table *table_new(size_t ncols, ...);
/* Right-align column @col (numbers). */
void table_align_right(struct table *t, size_t col);
/* The next cell, row by row; "-" stands for an empty one. 0 or -ENOMEM. */
int table_add(struct table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
size_t table_rows(const struct table *t);
/* Every column as wide as its widest cell; the header only with @legend. */
void table_print(const struct table *t, FILE *out, bool legend);
void table_free(struct table *t);

/* "        Key: value", keys right-aligned at a fixed width. */
void kv_print(FILE *out, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Continuation lines of a multi-line value, aligned under it. */
void kv_more(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A hypercall mask by name ("map_gpa_range,5", "none"), in @buf. */
const char *hc_mask_text(uint64_t bits, char *buf, size_t size);
/* A NULL-terminated string array joined by @sep ("none" if empty), in @buf. */
const char *strv_text(char **v, const char *sep, char *buf, size_t size);
/* The same as a JSON array of strings. */
json_object *strv_json(char **v);

/* One JSON document and a newline: indented on a terminal, one line otherwise. */
void json_print(FILE *out, json_object *o);

#endif
