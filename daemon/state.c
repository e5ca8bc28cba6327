// SPDX-License-Identifier: GPL-2.0
/* The state file of state.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state.h"

int tvd_state_load(const char *dir, struct tvd_policy *over,
		   struct tvd_error *err)
{
	char path[PATH_MAX];

	int r;

	snprintf(path, sizeof(path), "%s/%s", dir, THINVMD_STATE_FILE);
	r = tvd_config_load(path, over, err);
	if (!r && over->n_rules) {
		/* thinvmd never writes them: someone edited the file. */
		snprintf(err->msg, sizeof(err->msg),
			 "[vm NAME] rules belong in thinvm.conf, not in the saved state");
		return -EINVAL;
	}
	return r;
}

static int fail(char *why, size_t size, int e, const char *what, const char *path)
{
	snprintf(why, size, "%s %s: %s", what, path, strerror(e));
	return -e;
}

int tvd_state_save(const char *dir, const struct tvd_policy *over,
		   char *why, size_t size)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	FILE *f = NULL;
	int fd, dfd, r;

	snprintf(path, sizeof(path), "%s/%s", dir, THINVMD_STATE_FILE);
	snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, THINVMD_STATE_FILE);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return fail(why, size, errno, "cannot create a file in", dir);
	if (fchmod(fd, 0644) || !(f = fdopen(fd, "w"))) {
		r = fail(why, size, errno, "cannot write", tmp);
		goto out;
	}
	fd = -1;
	r = tvd_config_write(f, over, "Set over D-Bus (org.thinvm.Manager1); thinvmd rewrites this file.");
	if (r) {
		r = fail(why, size, -r, "cannot write", tmp);
		goto out;
	}
	if (fsync(fileno(f))) {
		r = fail(why, size, errno, "cannot fsync", tmp);
		goto out;
	}
	r = fclose(f);
	f = NULL;
	if (r) {
		r = fail(why, size, errno, "cannot write", tmp);
		goto out;
	}
	if (rename(tmp, path)) {
		r = fail(why, size, errno, "cannot rename over", path);
		goto out;
	}
	/* The rename itself must reach the disk before the caller is told. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd)) {
		r = fail(why, size, errno, "cannot fsync", dir);
		if (dfd >= 0)
			close(dfd);
		return r;
	}
	close(dfd);
	return 0;
out:
	if (f)
		fclose(f);
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return r;
}
