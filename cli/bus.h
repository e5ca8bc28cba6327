/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmctl's side of thinvmd's D-Bus API (thinvmd(8)): the connection, the
 * calls, and D-Bus errors turned into one sentence and an exit code.
 */
#ifndef VMCTL_BUS_H
#define VMCTL_BUS_H

#include <json-c/json.h>
#include <systemd/sd-bus.h>

#define VMCTL_BUS_NAME "org.thinvm.Manager1"
#define VMCTL_BUS_PATH "/org/thinvm/Manager1"
#define VMCTL_BUS_IFACE "org.thinvm.Manager1"

/* The exit code (enum vmctl_exit) for a failed call's error @name. */
int vmctl_bus_exit_code(const char *name);
/* What to do about it, or NULL: "start it with ...". */
const char *vmctl_bus_hint(const char *name);

/*
 * The system bus ($DBUS_SYSTEM_BUS_ADDRESS if set); 0, or an exit code
 * after saying why.
 */
int vmctl_bus_open(sd_bus **bus);

/*
 * Report a failed call (@r < 0, @e as the call left it) of @what: one
 * sentence on stderr. Returns the exit code.
 */
int vmctl_bus_fail(const char *what, int r, const sd_bus_error *e);

/* Describe(), parsed: 0 and *@root, or the exit code after saying why. */
int vmctl_describe(sd_bus *bus, json_object **root);

#endif
