// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output.h"
#include "thinvm_names.h"

/* Wide enough for the longest key vmctl prints ("Incompatible CPUs"). */
#define KV_KEY_WIDTH 18

struct table {
	size_t ncols, ncells, cap;
	char **cells;		/* the header's ncols, then row after row */
	bool *right;
};

struct table *table_new(size_t ncols, ...)
{
	struct table *t = calloc(1, sizeof(*t));
	va_list ap;

	if (!t)
		return NULL;
	t->ncols = ncols;
	t->right = calloc(ncols, sizeof(*t->right));
	if (!t->right) {
		free(t);
		return NULL;
	}
	va_start(ap, ncols);
	for (size_t i = 0; i < ncols; i++) {
		if (table_add(t, "%s", va_arg(ap, const char *))) {
			va_end(ap);
			table_free(t);
			return NULL;
		}
	}
	va_end(ap);
	return t;
}

void table_align_right(struct table *t, size_t col)
{
	if (col < t->ncols)
		t->right[col] = true;
}

int table_add(struct table *t, const char *fmt, ...)
{
	va_list ap;
	char *cell;
	int n;

	if (t->ncells == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		char **cells = realloc(t->cells, cap * sizeof(*cells));

		if (!cells)
			return -ENOMEM;
		t->cells = cells;
		t->cap = cap;
	}
	va_start(ap, fmt);
	n = vasprintf(&cell, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	if (!cell[0]) {
		free(cell);
		cell = strdup("-");
		if (!cell)
			return -ENOMEM;
	}
	t->cells[t->ncells++] = cell;
	return 0;
}

size_t table_rows(const struct table *t)
{
	return t->ncells / t->ncols - 1;
}

void table_print(const struct table *t, FILE *out, bool legend)
{
	size_t width[t->ncols];

	memset(width, 0, sizeof(width));
	for (size_t i = legend ? 0 : t->ncols; i < t->ncells; i++) {
		size_t len = strlen(t->cells[i]);

		if (len > width[i % t->ncols])
			width[i % t->ncols] = len;
	}
	for (size_t i = legend ? 0 : t->ncols; i < t->ncells; i++) {
		size_t col = i % t->ncols;
		bool last = col == t->ncols - 1;

		if (t->right[col])
			fprintf(out, "%*s", (int)width[col], t->cells[i]);
		else if (last)	/* no trailing blanks */
			fputs(t->cells[i], out);
		else
			fprintf(out, "%-*s", (int)width[col], t->cells[i]);
		fputs(last ? "\n" : "  ", out);
	}
}

void table_free(struct table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ncells; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->right);
	free(t);
}

void kv_print(FILE *out, const char *key, const char *fmt, ...)
{
	va_list ap;

	fprintf(out, "%*s: ", KV_KEY_WIDTH, key);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}

void kv_more(FILE *out, const char *fmt, ...)
{
	va_list ap;

	fprintf(out, "%*s", KV_KEY_WIDTH + 2, "");
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}

const char *hc_mask_text(uint64_t bits, char *buf, size_t size)
{
	if (tnl_hc_mask_format(bits, buf, size))
		snprintf(buf, size, "0x%llx", (unsigned long long)bits);
	return buf;
}

const char *strv_text(char **v, const char *sep, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (char **p = v; p && *p && used < size; p++)
		used += snprintf(buf + used, size - used, "%s%s", p == v ? "" : sep, *p);
	return buf[0] ? buf : "none";
}

json_object *strv_json(char **v)
{
	json_object *a = json_object_new_array();

	for (char **p = v; p && *p; p++)
		json_object_array_add(a, json_object_new_string(*p));
	return a;
}

void json_print(FILE *out, json_object *o)
{
	int flags = isatty(fileno(out)) ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED :
		    JSON_C_TO_STRING_PLAIN;

	fputs(json_object_to_json_string_ext(o, flags | JSON_C_TO_STRING_NOSLASHESCAPE), out);
	fputc('\n', out);
}
