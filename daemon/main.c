// SPDX-License-Identifier: GPL-2.0
/*
 * thinvmd: thinvm's policy daemon (thinvmd(8)).
 *
 * Start-up, in order: the file and the saved state (a bad one stops the
 * start, naming the line), the bus name, the module (pushed at once if it
 * is there), the drop to CAP_NET_ADMIN, READY=1. Then one sd-event loop:
 * D-Bus, the module's events, nlctrl's family notifications, SIGHUP
 * (reload), SIGTERM/SIGINT (stop) and the watchdog.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <systemd/sd-daemon.h>

#include "config.h"
#include "state.h"
#include "thinvmd.h"

static int on_sighup(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	sd_bus_error err = SD_BUS_ERROR_NULL;

	(void)s, (void)si;
	tvd_reload(userdata, &err);
	sd_bus_error_free(&err);
	return 0;
}

static int on_stop(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	(void)si, (void)userdata;
	sd_notify(0, "STOPPING=1");
	log_at(LOG_INFO, "stopping");
	return sd_event_exit(sd_event_source_get_event(s), 0);
}

/* After every turn of the loop: keep systemd's status line current. */
static int on_post(sd_event_source *s, void *userdata)
{
	static char last[128];
	struct thinvmd *d = userdata;
	char now[128];

	(void)s;
	snprintf(now, sizeof(now), "%d %llu %zu", d->module.loaded,
		 (unsigned long long)d->module.generation, d->module.n_vms);
	if (strcmp(now, last)) {
		strcpy(last, now);
		tvd_status(d);
	}
	return 0;
}

#define EXIT_CONFIG 78

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: thinvmd [OPTION]...\n"
		"thinvm's policy daemon: pushes the policy of thinvm.conf(5) into the thinvm\n"
		"module and serves org.thinvm.Manager1 on the system bus (thinvmd(8)).\n\n"
		"  -c, --config=FILE     configuration (default " THINVMD_CONFIG_PATH ")\n"
		"  -s, --state-dir=DIR   saved settings (default " THINVMD_STATE_DIR ")\n"
		"  -u, --user=USER       user to become when started as root (default thinvm;\n"
		"                        empty: stay root, with CAP_NET_ADMIN only)\n"
		"  -t, --check-config    check the configuration and the saved state, then exit\n"
		"  -v, --verbose         log debugging messages too\n"
		"  -h, --help            this text\n");
}

/* The file and the saved state, checked together. */
static int load(struct thinvmd *d)
{
	struct tvd_error e;
	char text[768];
	int r;

	r = tvd_config_load(d->config_path, &d->config, &e);
	if (!r)
		r = tvd_state_load(d->state_dir, &d->overrides, &e);
	if (r) {
		log_at(LOG_ERR, "%s", tvd_error_text(&e, text, sizeof(text)));
		return r;
	}
	tvd_policy_overlay(&d->config, &d->overrides, &d->effective);
	if (tvd_policy_check(&d->effective, e.msg, sizeof(e.msg))) {
		log_at(LOG_ERR, "%s with the settings saved in %s/%s: %s", d->config_path,
		       d->state_dir, THINVMD_STATE_FILE, e.msg);
		return -EINVAL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "user", required_argument, NULL, 'u' },
		{ "check-config", no_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static struct thinvmd d = {
		.config_path = THINVMD_CONFIG_PATH,
		.state_dir = THINVMD_STATE_DIR,
		.user = "thinvm",
	};
	bool check_only = false;
	sigset_t mask;
	int c, r;

	while ((c = getopt_long(argc, argv, "c:s:u:tvh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			d.config_path = optarg;
			break;
		case 's':
			d.state_dir = optarg;
			break;
		case 'u':
			d.user = optarg;
			break;
		case 't':
			check_only = true;
			break;
		case 'v':
			tvd_log_level = LOG_DEBUG;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "thinvmd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	setvbuf(stderr, NULL, _IOLBF, 0);
	/* EX_CONFIG: systemd does not restart a unit for a bad file. */
	if (load(&d))
		return EXIT_CONFIG;
	if (check_only) {
		printf("%s: OK\n", d.config_path);
		return 0;
	}

	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	r = sd_event_default(&d.event);
	if (r >= 0)
		r = sd_event_add_signal(d.event, NULL, SIGHUP, on_sighup, &d);
	if (r >= 0)
		r = sd_event_add_signal(d.event, NULL, SIGTERM, on_stop, &d);
	if (r >= 0)
		r = sd_event_add_signal(d.event, NULL, SIGINT, on_stop, &d);
	if (r >= 0)
		r = sd_event_add_post(d.event, NULL, on_post, &d);
	/* Pings systemd at half of WatchdogSec= from inside the loop. */
	if (r >= 0)
		r = sd_event_set_watchdog(d.event, 1);
	if (r < 0) {
		log_at(LOG_ERR, "event loop: %s", strerror(-r));
		return 1;
	}
	if (tvd_bus_start(&d) < 0)
		return 1;
	r = tvd_module_start(&d);
	if (r) {
		log_at(LOG_ERR, "cannot start: the thinvm module is there but did not take thinvmd (%s)",
		       strerror(-r));
		return 1;
	}
	if (tvd_drop_privileges(d.user, d.state_dir))
		return 1;
	sd_notify(0, "READY=1");
	tvd_status(&d);
	log_at(LOG_INFO, "ready: %s, module %s", d.config_path,
	       d.module.loaded ? "loaded" : "not loaded");
	r = sd_event_loop(d.event);
	tvd_module_stop(&d);
	tvd_bus_stop(&d);
	sd_event_unref(d.event);
	return r != 0;
}
