// SPDX-License-Identifier: GPL-2.0
/* What every verb uses: the global options and the one way to complain. */
#include <stdarg.h>
#include <stdio.h>

#include "vmctl.h"

struct vmctl_options vmctl_opt = { .legend = true };

int vmctl_fail(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("vmctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

int vmctl_errf(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return -1;
}
