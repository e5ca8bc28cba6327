/* SPDX-License-Identifier: GPL-2.0 */
/*
 * thinvmd: the state of the daemon, shared by its parts.
 *
 *   main.c        start-up, signals, the event loop, readiness
 *   apply.c       a policy change, all or nothing; reload
 *   log.c         logging with the journal's priorities
 *   module.c      the module over generic netlink: push, events, (re)appearance
 *   bus.c         org.thinvm.Manager1 on the system bus
 *   bus_vm.c      one org.thinvm.VM1 object per VM
 *   authorize.c   who may call what (root, or polkit where it runs)
 *   describe.c    Describe()'s JSON document
 *   privileges.c  the drop to CAP_NET_ADMIN (and a user of its own)
 *   policy.c, config.c, state.c: the policy, its file and its saved state
 *
 * One thread, one sd-event loop: nothing here needs a lock.
 */
#ifndef THINVMD_H
#define THINVMD_H

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "policy.h"
#include "thinvm_nl.h"

struct nl_sock;

struct tvd_module {
	bool loaded;
	/* There, but it refused the policy: not connected until one it takes. */
	bool refused;
	struct tnl *nl;			/* requests and events; NULL if not loaded */
	sd_event_source *events;	/* its event socket */
	struct nl_sock *ctrl;		/* nlctrl's "notify": families come and go */
	sd_event_source *ctrl_src;
	sd_event_source *retry;		/* a failed appearance, tried again */
	unsigned int retries;
	struct tnl_caps caps;
	uint64_t generation;		/* of the host policy in force */
	uint64_t pushed_generation;	/* the last one thinvmd pushed */
	struct tnl_vm *vms;		/* by increasing id */
	size_t n_vms;
	struct tnl_cpu *cpus;		/* every possible CPU */
	size_t n_cpus;
};

/* The most CPUs thinvmd lists as incompatible. */
#define TVD_CPUS_MAX 4096

/* What the bus last showed of Manager1, to signal only real changes. */
struct tvd_shown {
	bool valid;
	struct tvd_values values;
	unsigned int overridden;
	const char *state;		/* ModuleState */
	char vendor[TNL_VENDOR_MAX];
	uint64_t generation;
	uint64_t hc_supported;
	uint32_t hotplug_modes;
	uint32_t max_vcpus;
	size_t n_incompatible;
	uint32_t incompatible[TVD_CPUS_MAX];
	uint32_t vm_count;
};

struct thinvmd {
	sd_event *event;
	sd_bus *bus;
	const char *config_path;
	const char *state_dir;
	const char *user;		/* to switch to when started as root */
	struct tvd_policy config;	/* the file */
	struct tvd_policy overrides;	/* set over D-Bus, saved */
	struct tvd_policy effective;	/* the two merged: what is pushed */
	struct tvd_module module;
	struct tvd_shown shown;
	bool warned_unenforced;
};

/* ModuleState: "loaded", "policy-refused" or "not-loaded". */
static inline const char *tvd_module_state(const struct tvd_module *m)
{
	return m->loaded ? "loaded" : m->refused ? "policy-refused" : "not-loaded";
}

/* Logging to stderr, which systemd sends to the journal with the level. */
#define log_at(level, ...) tvd_log(level, __VA_ARGS__)
void tvd_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
extern int tvd_log_level;		/* LOG_INFO unless --verbose */

/* module.c */
int tvd_module_start(struct thinvmd *d);
void tvd_module_stop(struct thinvmd *d);
/*
 * Push @p (the whole host policy). With @dry_run the module checks it and
 * changes nothing. -ENODEV if the module is not loaded; -EINVAL with @why
 * for a policy this module cannot take; the module's -errno (its message
 * in @why) otherwise.
 */
int tvd_module_push(struct thinvmd *d, const struct tvd_policy *p,
		    bool dry_run, char *why, size_t size);
int tvd_module_set_vm(struct thinvmd *d, uint32_t id, uint64_t mask,
		      bool dry_run, char *why, size_t size);
int tvd_module_get_vm(struct thinvmd *d, uint32_t id, struct tnl_vm *vm);
/* Read the VMs and CPUs again from the module. */
void tvd_module_refresh(struct thinvmd *d);
/*
 * Connect to the module if it is there and thinvmd is not connected (it
 * refused an earlier policy, say): after a policy change.
 */
void tvd_module_reconnect(struct thinvmd *d);
/* Apply the rules of @d->effective to every named VM (after a reload). */
void tvd_module_apply_rules(struct thinvmd *d, const struct tvd_policy *old);
/* A CPU whose last admission check failed (sysfs's incompatible_cpus). */
static inline bool tvd_cpu_incompatible(const struct tnl_cpu *c)
{
	return c->state == THINVM_CPU_REFUSED || c->state == THINVM_CPU_QUARANTINED;
}
/* The incompatible CPUs, ascending; returns how many (at most @max). */
size_t tvd_module_incompatible(const struct thinvmd *d, uint32_t *cpus, size_t max);

/* bus.c */
int tvd_bus_start(struct thinvmd *d);
void tvd_bus_stop(struct thinvmd *d);
/* Emit PropertiesChanged for what changed since the bus last showed it. */
void tvd_bus_sync(struct thinvmd *d);
void tvd_bus_event(struct thinvmd *d, const struct tnl_event *ev);
/* Change the policy: check, save, push, show. The error is a D-Bus error. */
int tvd_apply(struct thinvmd *d, const struct tvd_policy *config,
	      const struct tvd_policy *overrides, sd_bus_error *err);

/* apply.c: read the file again and apply it (Reload(), SIGHUP). */
int tvd_reload(struct thinvmd *d, sd_bus_error *err);
/* A named D-Bus error for a -errno of tvd_module_push() or _set_vm(). */
int tvd_module_error(sd_bus_error *err, int r, const char *why);
/* log.c: systemd's STATUS= line. */
void tvd_status(struct thinvmd *d);

/* bus_vm.c */
int tvd_bus_vm_start(struct thinvmd *d);
void tvd_bus_vm_added(struct thinvmd *d, uint32_t id);
void tvd_bus_vm_removed(struct thinvmd *d, uint32_t id);
void tvd_bus_vm_changed(struct thinvmd *d, uint32_t id);
/* Set VM @id's hypercall exit mask for the caller of @m, and reply. */
int tvd_bus_set_vm_mask(sd_bus_message *m, struct thinvmd *d, uint32_t id,
			uint64_t mask, sd_bus_error *err);

/* authorize.c: 1 if allowed; 0 with @err set (AccessDenied) if not. */
#define TVD_ACTION_MANAGE "org.thinvm.manage"
#define TVD_ACTION_INSPECT "org.thinvm.inspect"
int tvd_authorize(sd_bus_message *m, const char *action, sd_bus_error *err);

/* privileges.c */
int tvd_drop_privileges(const char *user, const char *state_dir);

/* Error names (thinvmd(8)). */
#define TVD_ERROR_INVALID_POLICY "org.thinvm.Error.InvalidPolicy"
#define TVD_ERROR_NO_SUCH_VM "org.thinvm.Error.NoSuchVM"
#define TVD_ERROR_MODULE_NOT_LOADED "org.thinvm.Error.ModuleNotLoaded"
#define TVD_ERROR_BUSY "org.thinvm.Error.Busy"
#define TVD_ERROR_PERSIST_FAILED "org.thinvm.Error.PersistFailed"
#define TVD_ERROR_INVALID_CONFIG "org.thinvm.Error.InvalidConfig"
#define TVD_ERROR_MODULE_FAILED "org.thinvm.Error.ModuleFailed"
/* The module lacks what was asked (GetProfile() of a module without it). */
#define TVD_ERROR_MODULE_TOO_OLD "org.thinvm.Error.ModuleTooOld"

#define TVD_BUS_NAME "org.thinvm.Manager1"
#define TVD_BUS_PATH "/org/thinvm/Manager1"
#define TVD_BUS_IFACE "org.thinvm.Manager1"
#define TVD_VM_PATH_PREFIX "/org/thinvm/vm"
#define TVD_VM_IFACE "org.thinvm.VM1"

#endif
