// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl events: thinvmd's signals as they come, one line each (one JSON
 * object per line with --json), until Ctrl-C. The bus policy delivers them
 * to root (and thinvmd's own user) only: they name VMs and their owners.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <systemd/sd-event.h>
#include <time.h>
#include <unistd.h>

#include "bus.h"
#include "output.h"
#include "thinvm_names.h"
#include "vmctl.h"

/* The time now, local, to the millisecond. */
static const char *now(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(buf + n, size - n, ".%03ld", ts.tv_nsec / 1000000);
	return buf;
}

/* One event: its name, then alternating "key" and value. */
struct event {
	const char *name;
	char text[256];
	json_object *json;
};

static void event_begin(struct event *ev, const char *name)
{
	ev->name = name;
	ev->text[0] = '\0';
	ev->json = json_object_new_object();
}

static void add_u(struct event *ev, const char *key, uint64_t v)
{
	json_object_object_add(ev->json, key, json_object_new_uint64(v));
}

static void add_s(struct event *ev, const char *key, const char *v)
{
	json_object_object_add(ev->json, key, json_object_new_string(v));
}

static void event_end(struct event *ev)
{
	char t[40];

	now(t, sizeof(t));
	if (vmctl_opt.json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "time", json_object_new_string(t));
		json_object_object_add(o, "event", json_object_new_string(ev->name));
		json_object_object_foreach(ev->json, key, val)
			json_object_object_add(o, key, json_object_get(val));
		/* One line per event, terminal or not: a stream to read line by line. */
		fprintf(stdout, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
	} else {
		printf("%s  %-16s %s\n", t, ev->name, ev->text);
	}
	fflush(stdout);
	json_object_put(ev->json);
}

static int on_signal(sd_bus_message *m, void *userdata, sd_bus_error *err)
{
	const char *member = sd_bus_message_get_member(m), *s = NULL;
	uint32_t a = 0, b = 0;
	uint64_t t = 0;
	struct event ev;
	int r = 0;

	(void)userdata, (void)err;
	event_begin(&ev, member);
	if (!strcmp(member, "VMCreated") || !strcmp(member, "VMDestroyed")) {
		r = sd_bus_message_read(m, "uu", &a, &b);
		snprintf(ev.text, sizeof(ev.text), "VM %u %s pid %u", a,
			 member[2] == 'C' ? "created by" : "of", b);
		add_u(&ev, "vm", a);
		add_u(&ev, "pid", b);
	} else if (!strcmp(member, "VMRenamed")) {
		r = sd_bus_message_read(m, "us", &a, &s);
		snprintf(ev.text, sizeof(ev.text), "VM %u is now named \"%s\"", a, s ? s : "");
		add_u(&ev, "vm", a);
		add_s(&ev, "name", s ? s : "");
	} else if (!strcmp(member, "CPUAdmitted") || !strcmp(member, "CPUOffline")) {
		r = sd_bus_message_read(m, "u", &a);
		snprintf(ev.text, sizeof(ev.text), "CPU %u %s", a,
			 member[3] == 'A' ? "came online and was admitted" : "went offline");
		add_u(&ev, "cpu", a);
	} else if (!strcmp(member, "CPURefused") || !strcmp(member, "CPUQuarantined")) {
		r = sd_bus_message_read(m, "us", &a, &s);
		snprintf(ev.text, sizeof(ev.text), "CPU %u %s: %s", a,
			 member[3] == 'R' ? "refused" : "quarantined", s ? s : "");
		add_u(&ev, "cpu", a);
		add_s(&ev, "reason", s ? s : "");
	} else if (!strcmp(member, "PolicyApplied")) {
		r = sd_bus_message_read(m, "tu", &t, &a);
		if (a)
			snprintf(ev.text, sizeof(ev.text), "VM %u's policy, generation %llu", a,
				 (unsigned long long)t);
		else
			snprintf(ev.text, sizeof(ev.text), "host policy, generation %llu",
				 (unsigned long long)t);
		add_u(&ev, "generation", t);
		if (a)
			add_u(&ev, "vm", a);
	} else if (!strcmp(member, "HypercallRefused")) {
		const char *hc;

		r = sd_bus_message_read(m, "utu", &a, &t, &b);
		hc = tnl_hc_name(t);
		snprintf(ev.text, sizeof(ev.text), "VM %u: hypercall %s%s%llu refused by policy (%u more not reported)",
			 a, hc ? hc : "", hc ? " = " : "", (unsigned long long)t, b);
		add_u(&ev, "vm", a);
		add_u(&ev, "hypercall", t);
		add_u(&ev, "suppressed", b);
	} else {
		snprintf(ev.text, sizeof(ev.text), "(an event this vmctl does not know)");
	}
	if (r < 0)
		snprintf(ev.text, sizeof(ev.text), "(malformed: %s)", strerror(-r));
	event_end(&ev);
	return 0;
}

/* thinvmd coming and going (a restart, a crash): worth a line. */
static int on_owner(sd_bus_message *m, void *userdata, sd_bus_error *err)
{
	const char *name, *old, *new;
	struct event ev;

	(void)userdata, (void)err;
	if (sd_bus_message_read(m, "sss", &name, &old, &new) < 0)
		return 0;
	event_begin(&ev, new[0] ? "DaemonStarted" : "DaemonStopped");
	snprintf(ev.text, sizeof(ev.text), "thinvmd %s", new[0] ? "is serving" : "went away");
	event_end(&ev);
	return 0;
}

int verb_events(int argc, char **argv)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_event *loop = NULL;
	sd_bus *bus = NULL;
	sigset_t mask;
	int r;

	(void)argc, (void)argv;
	r = vmctl_bus_open(&bus);
	if (r)
		return r;
	r = sd_event_default(&loop);
	if (r >= 0)
		r = sd_bus_attach_event(bus, loop, 0);
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	if (r >= 0)
		r = sigprocmask(SIG_BLOCK, &mask, NULL) < 0 ? -errno : 0;
	if (r >= 0)
		r = sd_event_add_signal(loop, NULL, SIGINT, NULL, NULL);
	if (r >= 0)
		r = sd_event_add_signal(loop, NULL, SIGTERM, NULL, NULL);
	if (r >= 0)
		r = sd_bus_match_signal(bus, NULL, VMCTL_BUS_NAME, VMCTL_BUS_PATH, VMCTL_BUS_IFACE,
					NULL, on_signal, NULL);
	if (r >= 0)
		r = sd_bus_add_match(bus, NULL,
				     "type='signal',sender='org.freedesktop.DBus',"
				     "member='NameOwnerChanged',arg0='" VMCTL_BUS_NAME "'",
				     on_owner, NULL);
	if (r >= 0)
		r = sd_bus_set_exit_on_disconnect(bus, 1);
	if (r < 0) {
		r = vmctl_fail(VMCTL_EXIT_FAILURE, "cannot follow thinvmd's events: %s", strerror(-r));
		goto out;
	}
	/* Starts thinvmd if it is not running, and says so if it cannot be. */
	r = sd_bus_call_method(bus, VMCTL_BUS_NAME, VMCTL_BUS_PATH, "org.freedesktop.DBus.Peer",
			       "Ping", &e, NULL, NULL);
	if (r < 0) {
		r = vmctl_bus_fail("thinvmd", r, &e);
		goto out;
	}
	if (geteuid() != 0)
		fprintf(stderr, "vmctl: thinvmd's events are delivered to root only; as uid %u you will see none of them\n",
			(unsigned int)geteuid());
	fprintf(stderr, "Following thinvmd's events; Ctrl-C stops.\n");
	r = sd_event_loop(loop);
	r = r < 0 ? vmctl_fail(VMCTL_EXIT_FAILURE, "events: %s", strerror(-r)) : VMCTL_EXIT_OK;
out:
	sd_bus_error_free(&e);
	sd_bus_flush_close_unref(bus);
	sd_event_unref(loop);
	return r;
}
