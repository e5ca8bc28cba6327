// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bus.h"
#include "vmctl.h"

static const struct {
	const char *name;	/* an error name, or a prefix ending in '.' */
	int code;
	const char *hint;
} error_map[] = {
	/* The name has no owner and activating thinvmd did not give it one. */
	{ "org.freedesktop.DBus.Error.ServiceUnknown", VMCTL_EXIT_NO_DAEMON, NULL },
	{ "org.freedesktop.DBus.Error.NameHasNoOwner", VMCTL_EXIT_NO_DAEMON, NULL },
	{ "org.freedesktop.DBus.Error.Spawn.", VMCTL_EXIT_NO_DAEMON, NULL },
	{ "org.freedesktop.systemd1.", VMCTL_EXIT_NO_DAEMON, NULL },
	/* Activation or the call timed out: thinvmd hangs or fails to start. */
	{ "org.freedesktop.DBus.Error.TimedOut", VMCTL_EXIT_NO_DAEMON, NULL },
	{ "org.freedesktop.DBus.Error.Timeout", VMCTL_EXIT_NO_DAEMON, NULL },
	{ "org.freedesktop.DBus.Error.NoReply", VMCTL_EXIT_NO_DAEMON, NULL },
	{ "org.freedesktop.DBus.Error.AccessDenied", VMCTL_EXIT_DENIED,
	  "run vmctl as root, or have polkit grant org.thinvm.manage (org.thinvm.inspect to read VMs)" },
	{ "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired", VMCTL_EXIT_DENIED, NULL },
	{ "org.thinvm.Error.NoSuchVM", VMCTL_EXIT_NO_VM, "vmctl vms lists the VMs" },
	{ "org.thinvm.Error.ModuleNotLoaded", VMCTL_EXIT_NOT_LOADED, "load it with: modprobe thinvm" },
	{ "org.thinvm.Error.ModuleTooOld", VMCTL_EXIT_NOT_LOADED,
	  "install the thinvm.ko of this release and reload it" },
	{ "org.thinvm.Error.InvalidPolicy", VMCTL_EXIT_REFUSED, NULL },
	{ "org.thinvm.Error.InvalidConfig", VMCTL_EXIT_REFUSED, NULL },
	{ "org.freedesktop.DBus.Error.InvalidArgs", VMCTL_EXIT_REFUSED, NULL },
};

static const char *const no_daemon_hint =
	"start it with: systemctl start thinvmd; journalctl -u thinvmd says why it is not running";

static int lookup(const char *name)
{
	for (size_t i = 0; name && i < sizeof(error_map) / sizeof(error_map[0]); i++) {
		const char *n = error_map[i].name;
		size_t len = strlen(n);

		if (n[len - 1] == '.' ? !strncmp(name, n, len) : !strcmp(name, n))
			return (int)i;
	}
	return -1;
}

int vmctl_bus_exit_code(const char *name)
{
	int i = lookup(name);

	return i < 0 ? VMCTL_EXIT_FAILURE : error_map[i].code;
}

const char *vmctl_bus_hint(const char *name)
{
	int i = lookup(name);

	if (i < 0)
		return NULL;
	if (!error_map[i].hint && error_map[i].code == VMCTL_EXIT_NO_DAEMON)
		return no_daemon_hint;
	return error_map[i].hint;
}

int vmctl_bus_open(sd_bus **bus)
{
	int r = sd_bus_open_system(bus);

	if (r < 0)
		return vmctl_fail(VMCTL_EXIT_NO_DAEMON,
				  "cannot reach the system bus (%s); is dbus running?",
				  strerror(-r));
	return 0;
}

int vmctl_bus_fail(const char *what, int r, const sd_bus_error *e)
{
	const char *name = e && sd_bus_error_is_set(e) ? e->name : NULL;
	const char *hint = vmctl_bus_hint(name);
	int code = vmctl_bus_exit_code(name);

	if (!name) {
		/* No answer at all: the connection itself failed. */
		return vmctl_fail(r == -ETIMEDOUT ? VMCTL_EXIT_NO_DAEMON : VMCTL_EXIT_FAILURE,
				  "%s: %s", what, strerror(-r));
	}
	if (code == VMCTL_EXIT_NO_DAEMON) {
		vmctl_fail(code, "thinvmd is not running and could not be started: %s",
			   e->message ? e->message : name);
		return vmctl_fail(code, "%s", hint);
	}
	if (hint)
		return vmctl_fail(code, "%s: %s; %s", what, e->message ? e->message : name, hint);
	return vmctl_fail(code, "%s: %s", what, e->message ? e->message : name);
}

int vmctl_describe(sd_bus *bus, json_object **root)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	enum json_tokener_error jerr;
	const char *text;
	int r = sd_bus_call_method(bus, VMCTL_BUS_NAME, VMCTL_BUS_PATH, VMCTL_BUS_IFACE,
				   "Describe", &e, &reply, NULL);

	if (r < 0) {
		r = vmctl_bus_fail("reading CPUs and VMs from thinvmd", r, &e);
		sd_bus_error_free(&e);
		return r;
	}
	r = sd_bus_message_read(reply, "s", &text);
	if (r < 0) {
		sd_bus_message_unref(reply);
		return vmctl_fail(VMCTL_EXIT_FAILURE, "Describe: %s", strerror(-r));
	}
	*root = json_tokener_parse_verbose(text, &jerr);
	sd_bus_message_unref(reply);
	if (!*root)
		return vmctl_fail(VMCTL_EXIT_FAILURE, "Describe: thinvmd's answer is not JSON: %s",
				  json_tokener_error_desc(jerr));
	return 0;
}
