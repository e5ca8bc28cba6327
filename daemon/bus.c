// SPDX-License-Identifier: GPL-2.0
/*
 * org.thinvm.Manager1 at /org/thinvm/Manager1 (thinvmd(8) is the API's
 * reference). Mutating methods go: check the arguments, no-op check,
 * authorise, ask the module (dry run), save, push, signal, reply.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config.h"
#include "describe.h"
#include "state.h"
#include "thinvm_features.h"
#include "thinvm_names.h"
#include "thinvm_profile.h"
#include "thinvmd.h"

/*
 * The values in force, defaults resolved. Without the module, "everything
 * it will support" is all ones, and its own limits are unknown (0).
 */
static struct tvd_values values(const struct thinvmd *d)
{
	struct tvd_values v;

	tvd_policy_values(&d->effective, d->module.loaded ? &d->module.caps : NULL, &v);
	return v;
}

/* A getter of one Manager1 property: @expr of the daemon @d, as @sig. */
#define GETTER(fn, sig, expr)						\
static int fn(sd_bus *bus, const char *path, const char *iface,		\
	      const char *prop, sd_bus_message *reply, void *userdata,	\
	      sd_bus_error *err)						\
{									\
	struct thinvmd *d = userdata;					\
									\
	(void)bus, (void)path, (void)iface, (void)prop, (void)err;	\
	return sd_bus_message_append(reply, sig, expr);			\
}

static int append_features(sd_bus_message *reply, uint64_t set)
{
	int r = sd_bus_message_open_container(reply, 'a', "s");

	for (unsigned int i = 0; r >= 0 && i < tnl_feature_count(); i++) {
		if (set & (1ULL << i))
			r = sd_bus_message_append(reply, "s", tnl_feature_name(i));
	}
	return r < 0 ? r : sd_bus_message_close_container(reply);
}

static int append_fields(sd_bus_message *reply, unsigned int fields)
{
	int r = sd_bus_message_open_container(reply, 'a', "s");

	for (unsigned int f = 1; r >= 0 && f & TVD_FIELDS_ALL; f <<= 1) {
		if (fields & f)
			r = sd_bus_message_append(reply, "s", tvd_field_key(f));
	}
	return r < 0 ? r : sd_bus_message_close_container(reply);
}

static int append_hotplug_modes(sd_bus_message *reply, uint32_t modes)
{
	int r = sd_bus_message_open_container(reply, 'a', "s");

	for (uint32_t i = 0; r >= 0 && i < 32; i++) {
		const char *name = tnl_hotplug_mode_name(i);

		if ((modes & (1u << i)) && name)
			r = sd_bus_message_append(reply, "s", name);
	}
	return r < 0 ? r : sd_bus_message_close_container(reply);
}

static int append_incompatible(sd_bus_message *reply, const struct thinvmd *d)
{
	static uint32_t cpus[TVD_CPUS_MAX];
	size_t n = tvd_module_incompatible(d, cpus, TVD_CPUS_MAX);

	return sd_bus_message_append_array(reply, 'u', cpus, n * sizeof(cpus[0]));
}

GETTER(get_ceiling, "t", values(d).hc_ceiling)
GETTER(get_default, "t", values(d).hc_default)
GETTER(get_hotplug, "s", tnl_hotplug_mode_name(values(d).hotplug_mode))
GETTER(get_hyperv, "u", values(d).hyperv_vcpu_limit)
GETTER(get_vm_max_vcpus, "u", values(d).vm_max_vcpus)
GETTER(get_module_state, "s", tvd_module_state(&d->module))
GETTER(get_vendor, "s", d->module.caps.vendor)
GETTER(get_supported, "t", d->module.caps.hc_supported)
GETTER(get_generation, "t", d->module.generation)
GETTER(get_max_vcpus, "u", d->module.caps.max_vcpus)
GETTER(get_vm_count, "u", (uint32_t)d->module.n_vms)

/* The same shape, for values that are containers. */
#define CONTAINER_GETTER(fn, expr)					\
static int fn(sd_bus *bus, const char *path, const char *iface,		\
	      const char *prop, sd_bus_message *reply, void *userdata,	\
	      sd_bus_error *err)						\
{									\
	struct thinvmd *d = userdata;					\
									\
	(void)bus, (void)path, (void)iface, (void)prop, (void)err;	\
	return expr;							\
}

CONTAINER_GETTER(get_hidden, append_features(reply, values(d).hidden_features))
CONTAINER_GETTER(get_overridden, append_fields(reply, d->overrides.set))
CONTAINER_GETTER(get_incompatible, append_incompatible(reply, d))
CONTAINER_GETTER(get_hotplug_modes, append_hotplug_modes(reply, d->module.caps.hotplug_modes))

/* The fields set in @change, laid over the overrides and applied. */
static int set_fields(sd_bus_message *m, struct thinvmd *d,
		      const struct tvd_policy *change, sd_bus_error *err)
{
	static struct tvd_policy over;
	int r;

	over = d->overrides;
	tvd_policy_overlay(&over, change, &over);
	if (!tvd_policy_diff(&over, &d->overrides))
		return sd_bus_reply_method_return(m, NULL);
	if (!tvd_authorize(m, TVD_ACTION_MANAGE, err))
		return -EACCES;
	r = tvd_apply(d, &d->config, &over, err);
	if (r < 0)
		return r;
	for (unsigned int f = 1; f & TVD_FIELDS_ALL; f <<= 1) {
		if (change->set & f)
			log_at(LOG_NOTICE, "%s set over D-Bus", tvd_field_key(f));
	}
	return sd_bus_reply_method_return(m, NULL);
}

/*
 * Readers of one field's value, as its setter and SetPolicy() carry it.
 * They return < 0 (with @err set for a value that is wrong, not malformed).
 */
static int read_ceiling(sd_bus_message *m, struct tvd_policy *c, sd_bus_error *err)
{
	(void)err;
	return sd_bus_message_read(m, "t", &c->hc_ceiling);
}

static int read_default(sd_bus_message *m, struct tvd_policy *c, sd_bus_error *err)
{
	(void)err;
	return sd_bus_message_read(m, "t", &c->hc_default);
}

static int read_hotplug(sd_bus_message *m, struct tvd_policy *c, sd_bus_error *err)
{
	const char *mode;
	int r = sd_bus_message_read(m, "s", &mode);

	if (r < 0)
		return r;
	if (tnl_hotplug_mode_parse(mode, &c->hotplug_mode))
		return sd_bus_error_setf(err, TVD_ERROR_INVALID_POLICY,
					 "'%s' is not a hotplug mode (reject, reject-while-running)",
					 mode);
	return 0;
}

static int read_hidden(sd_bus_message *m, struct tvd_policy *c, sd_bus_error *err)
{
	const char *name;
	int r = sd_bus_message_enter_container(m, 'a', "s");

	if (r < 0)
		return r;
	c->hidden_features = 0;
	while ((r = sd_bus_message_read(m, "s", &name)) > 0) {
		unsigned int i;

		if (tnl_feature_parse(name, &i))
			return sd_bus_error_setf(err, TVD_ERROR_INVALID_POLICY,
						 "'%s' is not a feature thinvm knows (thinvm.conf(5) lists them)",
						 name);
		c->hidden_features |= 1ULL << i;
	}
	return r < 0 ? r : sd_bus_message_exit_container(m);
}

static int read_hyperv(sd_bus_message *m, struct tvd_policy *c, sd_bus_error *err)
{
	(void)err;
	return sd_bus_message_read(m, "u", &c->hyperv_vcpu_limit);
}

/* 0 is refused by tvd_policy_check(), the most by the module's MAX_VCPUS. */
static int read_vm_max_vcpus(sd_bus_message *m, struct tvd_policy *c, sd_bus_error *err)
{
	(void)err;
	return sd_bus_message_read(m, "u", &c->vm_max_vcpus);
}

/* Each field: its setter method, its D-Bus type, its reader. */
static const struct field_io {
	enum tvd_field field;
	const char *setter;
	const char *type;
	int (*read)(sd_bus_message *m, struct tvd_policy *c, sd_bus_error *err);
} field_io[] = {
	{ TVD_HC_CEILING, "SetHypercallCeiling", "t", read_ceiling },
	{ TVD_HC_DEFAULT, "SetHypercallDefault", "t", read_default },
	{ TVD_HOTPLUG_MODE, "SetHotplugMode", "s", read_hotplug },
	{ TVD_HIDDEN_FEATURES, "SetHiddenFeatures", "as", read_hidden },
	{ TVD_HYPERV_VCPU_LIMIT, "SetHyperVVCPULimit", "u", read_hyperv },
	{ TVD_VM_MAX_VCPUS, "SetVMMaxVCPUs", "u", read_vm_max_vcpus },
};

/* SetHypercallCeiling() and the other one-field setters: by member name. */
static int method_set_one(sd_bus_message *m, void *userdata, sd_bus_error *err)
{
	static struct tvd_policy change;
	const char *member = sd_bus_message_get_member(m);

	for (size_t i = 0; i < sizeof(field_io) / sizeof(field_io[0]); i++) {
		const struct field_io *io = &field_io[i];
		int r;

		if (strcmp(member, io->setter))
			continue;
		tvd_policy_init(&change);
		change.set = io->field;
		r = io->read(m, &change, err);
		return r < 0 ? r : set_fields(m, userdata, &change, err);
	}
	return -EBADMSG;
}

/*
 * SetPolicy(a{sv}): several fields at once, keyed as in thinvm.conf, applied
 * as one change (one check of the whole, one save, one push) or not at all.
 */
static int method_set_policy(sd_bus_message *m, void *userdata, sd_bus_error *err)
{
	static struct tvd_policy change;
	const char *key;
	int r;

	tvd_policy_init(&change);
	r = sd_bus_message_enter_container(m, 'a', "{sv}");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
		const struct field_io *io = NULL;

		r = sd_bus_message_read(m, "s", &key);
		if (r < 0)
			return r;
		for (size_t i = 0; i < sizeof(field_io) / sizeof(field_io[0]); i++) {
			if (!strcmp(key, tvd_field_key(field_io[i].field)))
				io = &field_io[i];
		}
		if (!io)
			return sd_bus_error_setf(err, SD_BUS_ERROR_INVALID_ARGS,
						 "'%s' is not a policy field (" TVD_FIELD_KEYS ")",
						 key);
		if (change.set & io->field)
			return sd_bus_error_setf(err, SD_BUS_ERROR_INVALID_ARGS,
						 "%s is given twice", key);
		r = sd_bus_message_enter_container(m, 'v', io->type);
		if (r == -ENXIO)
			return sd_bus_error_setf(err, SD_BUS_ERROR_INVALID_ARGS,
						 "%s takes a value of D-Bus type '%s'",
						 key, io->type);
		if (r < 0 || (r = io->read(m, &change, err)) < 0)
			return r;
		change.set |= io->field;
		if ((r = sd_bus_message_exit_container(m)) < 0 ||
		    (r = sd_bus_message_exit_container(m)) < 0)
			return r;
	}
	if (r < 0 || (r = sd_bus_message_exit_container(m)) < 0)
		return r;
	return set_fields(m, userdata, &change, err);
}

static int method_reset(sd_bus_message *m, void *userdata, sd_bus_error *err)
{
	struct thinvmd *d = userdata;
	static struct tvd_policy over;
	unsigned int drop = 0;
	const char *key;
	int r = sd_bus_message_enter_container(m, 'a', "s");

	if (r < 0)
		return r;
	while ((r = sd_bus_message_read(m, "s", &key)) > 0) {
		unsigned int f;

		for (f = 1; f & TVD_FIELDS_ALL; f <<= 1) {
			if (!strcmp(key, tvd_field_key(f)))
				break;
		}
		if (!(f & TVD_FIELDS_ALL))
			return sd_bus_error_setf(err, SD_BUS_ERROR_INVALID_ARGS,
						 "'%s' is not a policy field (" TVD_FIELD_KEYS ")",
						 key);
		drop |= f;
	}
	if (r < 0 || (r = sd_bus_message_exit_container(m)) < 0)
		return r;
	if (!drop)
		drop = TVD_FIELDS_ALL;
	over = d->overrides;
	over.set &= ~drop;
	if (over.set == d->overrides.set)
		return sd_bus_reply_method_return(m, NULL);
	if (!tvd_authorize(m, TVD_ACTION_MANAGE, err))
		return -EACCES;
	r = tvd_apply(d, &d->config, &over, err);
	if (r < 0)
		return r;
	log_at(LOG_NOTICE, "policy set over D-Bus reset to the file's");
	return sd_bus_reply_method_return(m, NULL);
}

static int method_set_vm(sd_bus_message *m, void *userdata, sd_bus_error *err)
{
	uint32_t id;
	uint64_t mask;
	int r = sd_bus_message_read(m, "ut", &id, &mask);

	return r < 0 ? r : tvd_bus_set_vm_mask(m, userdata, id, mask, err);
}

static int method_reload(sd_bus_message *m, void *userdata, sd_bus_error *err)
{
	int r;

	if (!tvd_authorize(m, TVD_ACTION_MANAGE, err))
		return -EACCES;
	r = tvd_reload(userdata, err);
	return r < 0 ? r : sd_bus_reply_method_return(m, NULL);
}

/* GetProfile(): the module's host profile as JSON (thinvm_profile.h). */
static int method_get_profile(sd_bus_message *m, void *userdata, sd_bus_error *err)
{
	/* About 12 KiB: one thread, so one copy will do. */
	static struct tnl_profile profile;
	struct thinvmd *d = userdata;
	struct json_object *o;
	int r;

	if (!tvd_authorize(m, TVD_ACTION_INSPECT, err))
		return -EACCES;
	if (!d->module.loaded)
		return sd_bus_error_setf(err, TVD_ERROR_MODULE_NOT_LOADED,
					 "the thinvm module is not loaded");
	r = tnl_get_profile(d->module.nl, &profile);
	if (r == -EOPNOTSUPP)
		return sd_bus_error_setf(err, TVD_ERROR_MODULE_TOO_OLD, "%s",
					 tnl_last_error(d->module.nl));
	if (r)
		return sd_bus_error_setf(err, TVD_ERROR_MODULE_FAILED,
					 "the module did not give its profile: %s%s%s",
					 strerror(-r), *tnl_last_error(d->module.nl) ? ": " : "",
					 tnl_last_error(d->module.nl));
	o = tnl_profile_to_json(&profile);
	if (!o)
		return -ENOMEM;
	r = sd_bus_reply_method_return(m, "s",
				       json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
								      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return r;
}

static int method_describe(sd_bus_message *m, void *userdata, sd_bus_error *err)
{
	struct thinvmd *d = userdata;
	char *json;
	int r;

	if (!tvd_authorize(m, TVD_ACTION_INSPECT, err))
		return -EACCES;
	/* VMs' vCPUs and masks change without events: read them now. */
	tvd_module_refresh(d);
	tvd_bus_sync(d);
	json = tvd_describe(d);
	if (!json)
		return -ENOMEM;
	r = sd_bus_reply_method_return(m, "s", json);
	free(json);
	return r;
}

#define PROP(name, sig, getter) \
	SD_BUS_PROPERTY(name, sig, getter, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE)

/* A one-field setter: method_set_one() finds the field by the member's name. */
#define SETTER(name, type, arg) \
	SD_BUS_METHOD_WITH_ARGS(name, SD_BUS_ARGS(type, arg), SD_BUS_NO_RESULT, \
				method_set_one, SD_BUS_VTABLE_UNPRIVILEGED)

static const sd_bus_vtable manager_vtable[] = {
	SD_BUS_VTABLE_START(0),
	PROP("HypercallCeiling", "t", get_ceiling),
	PROP("HypercallDefault", "t", get_default),
	PROP("HotplugMode", "s", get_hotplug),
	PROP("HiddenFeatures", "as", get_hidden),
	PROP("HyperVVCPULimit", "u", get_hyperv),
	PROP("VMMaxVCPUs", "u", get_vm_max_vcpus),
	PROP("OverriddenFields", "as", get_overridden),
	PROP("ModuleState", "s", get_module_state),
	PROP("Vendor", "s", get_vendor),
	PROP("HypercallsSupported", "t", get_supported),
	PROP("HotplugModes", "as", get_hotplug_modes),
	PROP("MaxVCPUs", "u", get_max_vcpus),
	PROP("PolicyGeneration", "t", get_generation),
	PROP("IncompatibleCPUs", "au", get_incompatible),
	PROP("VMCount", "u", get_vm_count),
	SETTER("SetHypercallCeiling", "t", mask),
	SETTER("SetHypercallDefault", "t", mask),
	SETTER("SetHotplugMode", "s", mode),
	SETTER("SetHiddenFeatures", "as", features),
	SETTER("SetHyperVVCPULimit", "u", limit),
	SETTER("SetVMMaxVCPUs", "u", vcpus),
	SD_BUS_METHOD_WITH_ARGS("SetPolicy", SD_BUS_ARGS("a{sv}", fields),
				SD_BUS_NO_RESULT, method_set_policy,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("ResetPolicy", SD_BUS_ARGS("as", fields),
				SD_BUS_NO_RESULT, method_reset,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("SetVMHypercallExitMask",
				SD_BUS_ARGS("u", vm_id, "t", mask),
				SD_BUS_NO_RESULT, method_set_vm,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("Reload", NULL, NULL, method_reload, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Describe", SD_BUS_NO_ARGS, SD_BUS_RESULT("s", json),
				method_describe, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("GetProfile", SD_BUS_NO_ARGS, SD_BUS_RESULT("s", json),
				method_get_profile, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_SIGNAL_WITH_ARGS("VMCreated", SD_BUS_ARGS("u", vm_id, "u", pid), 0),
	SD_BUS_SIGNAL_WITH_ARGS("VMDestroyed", SD_BUS_ARGS("u", vm_id, "u", pid), 0),
	SD_BUS_SIGNAL_WITH_ARGS("VMRenamed", SD_BUS_ARGS("u", vm_id, "s", name), 0),
	SD_BUS_SIGNAL_WITH_ARGS("CPUAdmitted", SD_BUS_ARGS("u", cpu), 0),
	SD_BUS_SIGNAL_WITH_ARGS("CPURefused", SD_BUS_ARGS("u", cpu, "s", reason), 0),
	SD_BUS_SIGNAL_WITH_ARGS("CPUQuarantined", SD_BUS_ARGS("u", cpu, "s", reason), 0),
	SD_BUS_SIGNAL_WITH_ARGS("CPUOffline", SD_BUS_ARGS("u", cpu), 0),
	SD_BUS_SIGNAL_WITH_ARGS("PolicyApplied",
				SD_BUS_ARGS("t", generation, "u", vm_id), 0),
	SD_BUS_SIGNAL_WITH_ARGS("HypercallRefused",
				SD_BUS_ARGS("u", vm_id, "t", nr, "u", suppressed), 0),
	SD_BUS_VTABLE_END
};

static void emit(struct thinvmd *d, const char *member, const char *sig, ...)
{
	sd_bus_message *m = NULL;
	va_list ap;
	int r;

	r = sd_bus_message_new_signal(d->bus, &m, TVD_BUS_PATH, TVD_BUS_IFACE, member);
	if (r >= 0) {
		va_start(ap, sig);
		r = sd_bus_message_appendv(m, sig, ap);
		va_end(ap);
	}
	if (r >= 0)
		r = sd_bus_send(d->bus, m, NULL);
	if (r < 0)
		log_at(LOG_ERR, "signal %s: %s", member, strerror(-r));
	sd_bus_message_unref(m);
}

void tvd_bus_event(struct thinvmd *d, const struct tnl_event *ev)
{
	if (!d->bus)
		return;
	switch (ev->cmd) {
	case THINVM_CMD_VM_CREATED:
		emit(d, "VMCreated", "uu", ev->vm.id, ev->vm.pid);
		break;
	case THINVM_CMD_VM_DESTROYED:
		emit(d, "VMDestroyed", "uu", ev->vm.id, ev->vm.pid);
		break;
	case THINVM_CMD_VM_RENAMED:
		emit(d, "VMRenamed", "us", ev->vm.id, ev->vm.name);
		break;
	case THINVM_CMD_CPU_ADMITTED:
		emit(d, "CPUAdmitted", "u", ev->cpu.id);
		break;
	case THINVM_CMD_CPU_REFUSED:
		emit(d, "CPURefused", "us", ev->cpu.id, ev->cpu.reason);
		break;
	case THINVM_CMD_CPU_QUARANTINED:
		emit(d, "CPUQuarantined", "us", ev->cpu.id, ev->cpu.reason);
		break;
	case THINVM_CMD_CPU_OFFLINE:
		emit(d, "CPUOffline", "u", ev->cpu.id);
		break;
	case THINVM_CMD_POLICY_APPLIED:
		if (ev->has & TNL_EV_POLICY)
			emit(d, "PolicyApplied", "tu", ev->policy.generation, 0u);
		else
			emit(d, "PolicyApplied", "tu", ev->vm.policy_generation, ev->vm.id);
		break;
	case THINVM_CMD_HYPERCALL_REFUSED:
		emit(d, "HypercallRefused", "utu", ev->vm.id, ev->hc.nr, ev->hc.suppressed);
		break;
	default:
		break;
	}
}

/* What Manager1 shows now, to compare with what it showed. */
static void snapshot(const struct thinvmd *d, struct tvd_shown *s)
{
	memset(s, 0, sizeof(*s));
	s->valid = true;
	s->values = values(d);
	s->overridden = d->overrides.set;
	s->state = tvd_module_state(&d->module);
	memcpy(s->vendor, d->module.caps.vendor, sizeof(s->vendor));
	s->generation = d->module.generation;
	s->hc_supported = d->module.caps.hc_supported;
	s->hotplug_modes = d->module.caps.hotplug_modes;
	s->max_vcpus = d->module.caps.max_vcpus;
	s->n_incompatible = tvd_module_incompatible(d, s->incompatible, TVD_CPUS_MAX);
	s->vm_count = d->module.n_vms;
}

void tvd_bus_sync(struct thinvmd *d)
{
	static struct tvd_shown now;
	const char *changed[20];
	size_t n = 0;

	if (!d->bus)
		return;
	snapshot(d, &now);
	if (d->shown.valid) {
		const struct tvd_shown *was = &d->shown;

#define CHANGED(cond, name) do { if (cond) changed[n++] = name; } while (0)
		CHANGED(was->values.hc_ceiling != now.values.hc_ceiling, "HypercallCeiling");
		CHANGED(was->values.hc_default != now.values.hc_default, "HypercallDefault");
		CHANGED(was->values.hotplug_mode != now.values.hotplug_mode, "HotplugMode");
		CHANGED(was->values.hidden_features != now.values.hidden_features, "HiddenFeatures");
		CHANGED(was->values.hyperv_vcpu_limit != now.values.hyperv_vcpu_limit, "HyperVVCPULimit");
		CHANGED(was->values.vm_max_vcpus != now.values.vm_max_vcpus, "VMMaxVCPUs");
		CHANGED(was->overridden != now.overridden, "OverriddenFields");
		CHANGED(strcmp(was->state, now.state), "ModuleState");
		CHANGED(strcmp(was->vendor, now.vendor), "Vendor");
		CHANGED(was->hc_supported != now.hc_supported, "HypercallsSupported");
		CHANGED(was->hotplug_modes != now.hotplug_modes, "HotplugModes");
		CHANGED(was->max_vcpus != now.max_vcpus, "MaxVCPUs");
		CHANGED(was->generation != now.generation, "PolicyGeneration");
		CHANGED(was->n_incompatible != now.n_incompatible ||
			memcmp(was->incompatible, now.incompatible,
			       now.n_incompatible * sizeof(now.incompatible[0])), "IncompatibleCPUs");
		CHANGED(was->vm_count != now.vm_count, "VMCount");
#undef CHANGED
	}
	d->shown = now;
	if (!n)
		return;
	changed[n] = NULL;
	if (sd_bus_emit_properties_changed_strv(d->bus, TVD_BUS_PATH, TVD_BUS_IFACE,
						(char **)changed) < 0)
		log_at(LOG_ERR, "cannot emit PropertiesChanged");
}

int tvd_bus_start(struct thinvmd *d)
{
	int r;

	r = sd_bus_open_system_with_description(&d->bus, "thinvmd");
	if (r < 0) {
		log_at(LOG_ERR, "cannot connect to the system bus: %s", strerror(-r));
		return r;
	}
	r = sd_bus_add_object_vtable(d->bus, NULL, TVD_BUS_PATH, TVD_BUS_IFACE,
				     manager_vtable, d);
	if (r >= 0)
		r = tvd_bus_vm_start(d);
	/* Without the bus thinvmd is no use: end, and let systemd restart it. */
	if (r >= 0)
		r = sd_bus_set_exit_on_disconnect(d->bus, 1);
	if (r >= 0)
		r = sd_bus_attach_event(d->bus, d->event, SD_EVENT_PRIORITY_NORMAL);
	if (r >= 0)
		r = sd_bus_request_name(d->bus, TVD_BUS_NAME, 0);
	if (r < 0) {
		log_at(LOG_ERR, "cannot serve %s on the system bus: %s", TVD_BUS_NAME,
		       strerror(-r));
		return r;
	}
	snapshot(d, &d->shown);
	return 0;
}

void tvd_bus_stop(struct thinvmd *d)
{
	if (d->bus)
		sd_bus_flush_close_unref(d->bus);
	d->bus = NULL;
}
