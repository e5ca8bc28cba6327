// SPDX-License-Identifier: GPL-2.0
/*
 * Changing the policy in force, for D-Bus methods and reloads alike:
 * check, ask the module (dry run), save, push, show. Either all of it
 * happens or none: a failure leaves the file, the module and the bus as
 * they were.
 */
#include <errno.h>
#include <string.h>
#include <syslog.h>
#include <systemd/sd-daemon.h>

#include "config.h"
#include "state.h"
#include "thinvmd.h"

/* A D-Bus error for a -errno from tvd_module_push() or _set_vm(). */
int tvd_module_error(sd_bus_error *err, int r, const char *why)
{
	const char *name;

	switch (r) {
	case -ENODEV:
		name = TVD_ERROR_MODULE_NOT_LOADED;
		break;
	case -EINVAL:
	case -EPERM:
	case -ERANGE:
		name = TVD_ERROR_INVALID_POLICY;
		break;
	case -ENOENT:
		name = TVD_ERROR_NO_SUCH_VM;
		break;
	case -EBUSY:
		name = TVD_ERROR_BUSY;
		break;
	default:
		name = TVD_ERROR_MODULE_FAILED;
		break;
	}
	return sd_bus_error_setf(err, name, "%s", why);
}

int tvd_apply(struct thinvmd *d, const struct tvd_policy *config,
	      const struct tvd_policy *overrides, sd_bus_error *err)
{
	static struct tvd_policy next, old;
	bool save = tvd_policy_diff(overrides, &d->overrides) != 0;
	char why[512];
	int r;

	tvd_policy_overlay(config, overrides, &next);
	if (tvd_policy_check(&next, why, sizeof(why)))
		return sd_bus_error_setf(err, TVD_ERROR_INVALID_POLICY, "%s", why);
	if (d->module.loaded) {
		r = tvd_module_push(d, &next, true, why, sizeof(why));
		/* Gone meanwhile: kept and pushed when it is back, as if absent. */
		if (r && r != -ENODEV)
			return tvd_module_error(err, r, why);
	}
	if (save) {
		r = tvd_state_save(d->state_dir, overrides, why, sizeof(why));
		if (r) {
			char why2[256];

			log_at(LOG_ERR, "%s", why);
			/* The new file may be in place if only the last fsync failed. */
			if (tvd_state_save(d->state_dir, &d->overrides, why2, sizeof(why2)))
				log_at(LOG_ERR, "could not restore the saved state: %s", why2);
			return sd_bus_error_setf(err, TVD_ERROR_PERSIST_FAILED,
						 "the setting could not be saved, so it was not applied: %s",
						 why);
		}
	}
	if (d->module.loaded) {
		r = tvd_module_push(d, &next, false, why, sizeof(why));
		if (r && r != -ENODEV) {
			char why2[256];

			if (save && tvd_state_save(d->state_dir, &d->overrides, why2, sizeof(why2)))
				log_at(LOG_ERR, "could not restore the saved state: %s", why2);
			return tvd_module_error(err, r, why);
		}
	}
	old = d->effective;
	d->config = *config;
	d->overrides = *overrides;
	d->effective = next;
	tvd_module_apply_rules(d, &old);
	/* A module thinvmd could not connect to may take this policy. */
	tvd_module_reconnect(d);
	tvd_bus_sync(d);
	return 0;
}

int tvd_reload(struct thinvmd *d, sd_bus_error *err)
{
	static struct tvd_policy config;
	struct tvd_error e;
	char text[768];
	int r;

	sd_notify(0, "RELOADING=1");
	r = tvd_config_load(d->config_path, &config, &e);
	if (r) {
		tvd_error_text(&e, text, sizeof(text));
		log_at(LOG_ERR, "reload refused, the policy in force stays: %s", text);
		sd_notify(0, "READY=1");
		return sd_bus_error_setf(err, TVD_ERROR_INVALID_CONFIG, "%s", text);
	}
	r = tvd_apply(d, &config, &d->overrides, err);
	if (r < 0)
		log_at(LOG_ERR, "reload refused, the policy in force stays: %s",
		       err->message ? err->message : strerror(-r));
	else
		log_at(LOG_NOTICE, "reloaded %s", d->config_path);
	sd_notify(0, "READY=1");
	tvd_status(d);
	return r;
}

