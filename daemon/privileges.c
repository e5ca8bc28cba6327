// SPDX-License-Identifier: GPL-2.0
/*
 * After start-up thinvmd needs one capability: CAP_NET_ADMIN, which the
 * thinvm family asks of every request (GENL_ADMIN_PERM). Everything else
 * goes, with libcap. Started as root outside systemd's User=, it also
 * becomes the user of its own (thinvm), keeping that one capability.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <syslog.h>
#include <unistd.h>

#include "thinvmd.h"

static bool permitted(cap_value_t cap)
{
	cap_t c = cap_get_proc();
	cap_flag_value_t v = CAP_CLEAR;

	if (c) {
		cap_get_flag(c, cap, CAP_PERMITTED, &v);
		cap_free(c);
	}
	return v == CAP_SET;
}

static int switch_user(const char *user, const char *state_dir)
{
	struct passwd *pw = getpwnam(user);

	if (!pw) {
		log_at(LOG_WARNING, "no user '%s': staying root, with CAP_NET_ADMIN only", user);
		return 0;
	}
	/* The state is written as that user from now on. */
	if (chown(state_dir, pw->pw_uid, pw->pw_gid) && errno != ENOENT)
		log_at(LOG_WARNING, "chown %s: %s", state_dir, strerror(errno));
	if (prctl(PR_SET_KEEPCAPS, 1) || setgroups(0, NULL) ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid)) {
		log_at(LOG_ERR, "cannot become user %s: %s", user, strerror(errno));
		return -errno;
	}
	prctl(PR_SET_KEEPCAPS, 0);
	return 0;
}

int tvd_drop_privileges(const char *user, const char *state_dir)
{
	const cap_value_t keep[] = { CAP_NET_ADMIN };
	bool have = permitted(CAP_NET_ADMIN);
	cap_t caps;
	char *text;
	int r;

	/* The bounding set first, while CAP_SETPCAP may still be there. */
	if (permitted(CAP_SETPCAP)) {
		/* The running kernel's capabilities, not the headers'. */
		for (cap_value_t c = 0; c < (cap_value_t)cap_max_bits(); c++) {
			if (c != CAP_NET_ADMIN && cap_drop_bound(c))
				log_at(LOG_WARNING, "cannot drop capability %d from the bounding set", c);
		}
	}
	if (geteuid() == 0 && user && *user) {
		r = switch_user(user, state_dir);
		if (r)
			return r;
	}
	cap_reset_ambient();
	caps = cap_init();
	if (!caps)
		return -ENOMEM;
	if (have && (cap_set_flag(caps, CAP_PERMITTED, 1, keep, CAP_SET) ||
		     cap_set_flag(caps, CAP_EFFECTIVE, 1, keep, CAP_SET))) {
		cap_free(caps);
		return -EINVAL;
	}
	r = cap_set_proc(caps);
	cap_free(caps);
	if (r) {
		log_at(LOG_ERR, "cannot drop capabilities: %s", strerror(errno));
		return -errno;
	}
	if (!have)
		log_at(LOG_WARNING, "started without CAP_NET_ADMIN: the module will refuse every request");
	caps = cap_get_proc();
	text = caps ? cap_to_text(caps, NULL) : NULL;
	log_at(LOG_INFO, "running as uid %u with capabilities '%s'", (unsigned int)getuid(),
	       text ? text : "?");
	cap_free(text);
	cap_free(caps);
	return 0;
}
