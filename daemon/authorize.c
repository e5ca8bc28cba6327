// SPDX-License-Identifier: GPL-2.0
/*
 * Who may call what. Root may do everything. Anyone else needs polkit to
 * say yes for the action (org.thinvm.manage to change policy,
 * org.thinvm.inspect to see VMs and their owners), so that an operator can
 * delegate with a polkit rule; where polkit does not run, only root.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <syslog.h>

#include "thinvmd.h"

/*
 * The call blocks the daemon's one loop, so it is short: well under the
 * watchdog's period, long enough for an agent to ask a password.
 */
#define POLKIT_TIMEOUT_USEC (10 * 1000 * 1000)

static int ask_polkit(sd_bus_message *m, const char *action, sd_bus_error *err)
{
	sd_bus *bus = sd_bus_message_get_bus(m);
	sd_bus_message *req = NULL, *reply = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int authorized = 0, challenge = 0, r;
	bool interactive = sd_bus_message_get_allow_interactive_authorization(m);

	r = sd_bus_message_new_method_call(bus, &req, "org.freedesktop.PolicyKit1",
					   "/org/freedesktop/PolicyKit1/Authority",
					   "org.freedesktop.PolicyKit1.Authority",
					   "CheckAuthorization");
	if (r >= 0)
		r = sd_bus_message_append(req, "(sa{sv})sa{ss}us", "system-bus-name", 1,
					  "name", "s", sd_bus_message_get_sender(m), action,
					  0, interactive ? 1u : 0u, "");
	if (r >= 0)
		r = sd_bus_call(bus, req, POLKIT_TIMEOUT_USEC, &e, &reply);
	if (r >= 0)
		r = sd_bus_message_enter_container(reply, 'r', "bba{ss}");
	if (r >= 0)
		r = sd_bus_message_read(reply, "bb", &authorized, &challenge);
	sd_bus_message_unref(req);
	sd_bus_message_unref(reply);
	if (r < 0) {
		bool absent = sd_bus_error_has_names(&e, SD_BUS_ERROR_SERVICE_UNKNOWN,
						     SD_BUS_ERROR_NAME_HAS_NO_OWNER);

		if (!absent)
			log_at(LOG_WARNING, "polkit refused to check %s: %s", action,
			       e.message ? e.message : strerror(-r));
		sd_bus_error_free(&e);
		return sd_bus_error_setf(err, SD_BUS_ERROR_ACCESS_DENIED,
					 "only root may do this%s",
					 absent ? " (polkit is not running, so it cannot be delegated)" : ""), 0;
	}
	if (authorized)
		return 1;
	if (challenge)
		return sd_bus_error_setf(err, SD_BUS_ERROR_INTERACTIVE_AUTHORIZATION_REQUIRED,
					 "polkit wants authentication for %s; ask again interactively",
					 action), 0;
	return sd_bus_error_setf(err, SD_BUS_ERROR_ACCESS_DENIED,
				 "polkit does not allow this caller %s", action), 0;
}

int tvd_authorize(sd_bus_message *m, const char *action, sd_bus_error *err)
{
	sd_bus_creds *creds = NULL;
	uid_t euid;
	int r;

	/*
	 * From the bus (GetConnectionCredentials: the uid its socket saw, which
	 * sd-bus gives as the euid), not from /proc: ProtectProc=invisible
	 * hides other users' processes from thinvmd.
	 */
	r = sd_bus_query_sender_creds(m, SD_BUS_CREDS_EUID, &creds);
	if (r >= 0)
		r = sd_bus_creds_get_euid(creds, &euid);
	sd_bus_creds_unref(creds);
	if (r < 0)
		return sd_bus_error_setf(err, SD_BUS_ERROR_ACCESS_DENIED,
					 "the caller's user could not be found out: %s",
					 strerror(-r)), 0;
	if (euid == 0)
		return 1;
	return ask_polkit(m, action, err);
}
