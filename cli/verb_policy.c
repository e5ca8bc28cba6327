// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl policy show|set|reset: the host policy thinvmd holds. "set" sends
 * every KEY=VALUE in one SetPolicy() call, so they apply together or not
 * at all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "manager.h"
#include "output.h"
#include "policy_args.h"
#include "thinvm_features.h"
#include "vmctl.h"

static bool overridden(const struct vmctl_manager *m, const char *key)
{
	for (char **p = m->overridden; p && *p; p++) {
		if (!strcmp(*p, key))
			return true;
	}
	return false;
}

static int policy_show(sd_bus *bus)
{
	struct vmctl_manager m;
	char buf[512];
	int r = vmctl_manager_read(bus, &m);

	if (r)
		return r;
	if (vmctl_opt.json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "hypercall-ceiling", json_object_new_uint64(m.hc_ceiling));
		json_object_object_add(o, "hypercall-default", json_object_new_uint64(m.hc_default));
		json_object_object_add(o, "hotplug-mode", json_object_new_string(m.hotplug_mode));
		json_object_object_add(o, "hidden-features", strv_json(m.hidden_features));
		json_object_object_add(o, "hyperv-vcpu-limit", m.hyperv_vcpu_limit ?
				       json_object_new_uint64(m.hyperv_vcpu_limit) : NULL);
		json_object_object_add(o, "vm-max-vcpus", m.vm_max_vcpus ?
				       json_object_new_uint64(m.vm_max_vcpus) : NULL);
		json_object_object_add(o, "set-over-dbus", strv_json(m.overridden));
		json_object_object_add(o, "generation", json_object_new_uint64(m.generation));
		json_print(stdout, o);
		json_object_put(o);
	} else {
		/* The keys as thinvm.conf spells them, and where each value comes from. */
		struct table *t = table_new(3, "KEY", "VALUE", "FROM");

		if (!t)
			return vmctl_fail(VMCTL_EXIT_FAILURE, "out of memory");
#define ROW(key, ...) do { \
	table_add(t, "%s", key); table_add(t, __VA_ARGS__); \
	table_add(t, "%s", overridden(&m, key) ? "set over D-Bus" : "thinvm.conf or default"); \
} while (0)
		ROW("hypercall-ceiling", "%s", hc_mask_text(m.hc_ceiling, buf, sizeof(buf)));
		ROW("hypercall-default", "%s", hc_mask_text(m.hc_default, buf, sizeof(buf)));
		ROW("hotplug-mode", "%s", m.hotplug_mode);
		ROW("hidden-features", "%s", strv_text(m.hidden_features, ",", buf, sizeof(buf)));
		if (m.hyperv_vcpu_limit)
			ROW("hyperv-vcpu-limit", "%u", m.hyperv_vcpu_limit);
		else
			ROW("hyperv-vcpu-limit", "none");
		if (m.vm_max_vcpus)
			ROW("vm-max-vcpus", "%u", m.vm_max_vcpus);
		else
			ROW("vm-max-vcpus", "the module's maximum");
#undef ROW
		table_print(t, stdout, vmctl_opt.legend);
		table_free(t);
	}
	vmctl_manager_free(&m);
	return 0;
}

/* "all": what the module can let exit, which only thinvmd knows. */
static int resolve_all(sd_bus *bus, struct vmctl_mask *mk)
{
	struct vmctl_manager m;
	int r;

	if (!mk->all)
		return 0;
	r = vmctl_manager_read(bus, &m);
	if (r)
		return r;
	if (strcmp(m.module_state, "loaded")) {
		vmctl_manager_free(&m);
		return vmctl_fail(VMCTL_EXIT_NOT_LOADED,
				  "\"all\" means what the module supports, and it is not loaded");
	}
	mk->bits = m.hc_supported;
	mk->all = 0;
	vmctl_manager_free(&m);
	return 0;
}

static int append_features(sd_bus_message *msg, uint64_t set)
{
	int r = sd_bus_message_open_container(msg, 'a', "s");

	for (unsigned int i = 0; r >= 0 && i < tnl_feature_count(); i++) {
		if (set & (1ULL << i))
			r = sd_bus_message_append(msg, "s", tnl_feature_name(i));
	}
	return r < 0 ? r : sd_bus_message_close_container(msg);
}

/* The a{sv} of SetPolicy() for @a. */
static int append_fields(sd_bus_message *msg, const struct vmctl_policy_args *a)
{
	int r = sd_bus_message_open_container(msg, 'a', "{sv}");

#define ENTRY(key, type, ...) do { \
	if (r >= 0) r = sd_bus_message_open_container(msg, 'e', "sv"); \
	if (r >= 0) r = sd_bus_message_append(msg, "s", vmctl_policy_key_name(key)); \
	if (r >= 0) r = sd_bus_message_open_container(msg, 'v', type); \
	if (r >= 0) r = __VA_ARGS__; \
	if (r >= 0) r = sd_bus_message_close_container(msg); \
	if (r >= 0) r = sd_bus_message_close_container(msg); \
} while (0)
	if (a->set & VMCTL_HC_CEILING)
		ENTRY(VMCTL_HC_CEILING, "t", sd_bus_message_append(msg, "t", a->hc_ceiling.bits));
	if (a->set & VMCTL_HC_DEFAULT)
		ENTRY(VMCTL_HC_DEFAULT, "t", sd_bus_message_append(msg, "t", a->hc_default.bits));
	if (a->set & VMCTL_HOTPLUG_MODE)
		ENTRY(VMCTL_HOTPLUG_MODE, "s", sd_bus_message_append(msg, "s", a->hotplug_mode));
	if (a->set & VMCTL_HIDDEN_FEATURES)
		ENTRY(VMCTL_HIDDEN_FEATURES, "as", append_features(msg, a->hidden_features));
	if (a->set & VMCTL_HYPERV_VCPU_LIMIT)
		ENTRY(VMCTL_HYPERV_VCPU_LIMIT, "u",
		      sd_bus_message_append(msg, "u", a->hyperv_vcpu_limit));
	if (a->set & VMCTL_VM_MAX_VCPUS)
		ENTRY(VMCTL_VM_MAX_VCPUS, "u", sd_bus_message_append(msg, "u", a->vm_max_vcpus));
#undef ENTRY
	return r < 0 ? r : sd_bus_message_close_container(msg);
}

static int policy_set(sd_bus *bus, struct vmctl_policy_args *a)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *msg = NULL;
	int r;

	r = resolve_all(bus, &a->hc_ceiling);
	if (!r)
		r = resolve_all(bus, &a->hc_default);
	if (r)
		return r;
	r = sd_bus_message_new_method_call(bus, &msg, VMCTL_BUS_NAME, VMCTL_BUS_PATH,
					   VMCTL_BUS_IFACE, "SetPolicy");
	if (r >= 0)
		r = append_fields(msg, a);
	if (r >= 0)
		r = sd_bus_call(bus, msg, 0, &e, NULL);
	sd_bus_message_unref(msg);
	r = r < 0 ? vmctl_bus_fail("policy not changed", r, &e) : 0;
	sd_bus_error_free(&e);
	return r;
}

static int policy_reset(sd_bus *bus, int argc, char **argv)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *msg = NULL;
	int r;

	r = sd_bus_message_new_method_call(bus, &msg, VMCTL_BUS_NAME, VMCTL_BUS_PATH,
					   VMCTL_BUS_IFACE, "ResetPolicy");
	if (r >= 0)
		r = sd_bus_message_append_strv(msg, argv);
	if (r >= 0)
		r = sd_bus_call(bus, msg, 0, &e, NULL);
	sd_bus_message_unref(msg);
	(void)argc;
	r = r < 0 ? vmctl_bus_fail("policy not reset", r, &e) : 0;
	sd_bus_error_free(&e);
	return r;
}

int verb_policy(int argc, char **argv)
{
	const unsigned int keys = VMCTL_HC_CEILING | VMCTL_HC_DEFAULT | VMCTL_HOTPLUG_MODE |
				  VMCTL_HIDDEN_FEATURES | VMCTL_HYPERV_VCPU_LIMIT |
				  VMCTL_VM_MAX_VCPUS;
	const char *sub = argc ? argv[0] : "show";
	struct vmctl_policy_args a;
	sd_bus *bus = NULL;
	char err[512];
	int r;

	if (strcmp(sub, "show") && strcmp(sub, "set") && strcmp(sub, "reset"))
		return vmctl_fail(VMCTL_EXIT_USAGE,
				  "policy: \"%s\" is not show, set or reset", sub);
	if (!strcmp(sub, "show") && argc > 1)
		return vmctl_fail(VMCTL_EXIT_USAGE, "policy show takes no arguments");
	/* Checked before anything is asked: a typo changes nothing. */
	if (!strcmp(sub, "set") &&
	    vmctl_policy_parse(argc - 1, argv + 1, keys, &a, err, sizeof(err)))
		return vmctl_fail(VMCTL_EXIT_USAGE, "%s", err);
	for (int i = 1; !strcmp(sub, "reset") && i < argc; i++) {
		if (!vmctl_policy_key_parse(argv[i], keys))
			return vmctl_fail(VMCTL_EXIT_USAGE,
					  "policy reset: \"%s\" is not a key (hypercall-ceiling, hypercall-default, hotplug-mode, hidden-features, hyperv-vcpu-limit, vm-max-vcpus)",
					  argv[i]);
	}
	r = vmctl_bus_open(&bus);
	if (r)
		return r;
	if (!strcmp(sub, "show"))
		r = policy_show(bus);
	else if (!strcmp(sub, "set"))
		r = policy_set(bus, &a);
	else
		r = policy_reset(bus, argc - 1, argv + 1);
	sd_bus_flush_close_unref(bus);
	return r;
}
