// SPDX-License-Identifier: GPL-2.0
/* Logging to stderr, which systemd turns into journal entries; STATUS=. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <syslog.h>
#include <systemd/sd-daemon.h>

#include "thinvmd.h"

int tvd_log_level = LOG_INFO;

/* Is stderr systemd's stream to the journal? ($JOURNAL_STREAM is "dev:ino".) */
static bool to_journal(void)
{
	static int known = -1;
	const char *v = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (known < 0)
		known = v && sscanf(v, "%llu:%llu", &dev, &ino) == 2 && !fstat(2, &st) &&
			st.st_dev == dev && st.st_ino == ino;
	return known;
}

void tvd_log(int level, const char *fmt, ...)
{
	va_list ap;

	if (level > tvd_log_level)
		return;
	/*
	 * "<N>" is how systemd's stream to the journal learns the priority;
	 * systemd says it is there with $JOURNAL_STREAM.
	 */
	if (to_journal())
		fprintf(stderr, "<%d>", level);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void tvd_status(struct thinvmd *d)
{
	sd_notifyf(0, "STATUS=module %s, policy generation %llu, %zu VMs",
		   d->module.loaded ? "loaded" : "not loaded",
		   (unsigned long long)d->module.generation, d->module.n_vms);
}
