// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "manager.h"
#include "vmctl.h"

static int read_strv(sd_bus_message *m, char ***out)
{
	return sd_bus_message_read_strv(m, out);
}

static int read_string(sd_bus_message *m, char **out)
{
	const char *s;
	int r = sd_bus_message_read(m, "s", &s);

	if (r < 0)
		return r;
	*out = strdup(s);
	return *out ? 0 : -ENOMEM;
}

static int read_cpus(sd_bus_message *m, struct vmctl_manager *mgr)
{
	const void *cpus;
	size_t size;
	int r = sd_bus_message_read_array(m, 'u', &cpus, &size);

	if (r < 0)
		return r;
	mgr->incompatible = malloc(size ? size : 1);
	if (!mgr->incompatible)
		return -ENOMEM;
	memcpy(mgr->incompatible, cpus, size);
	mgr->n_incompatible = size / sizeof(uint32_t);
	return 0;
}

/* Where each property goes; a property vmctl does not know is skipped. */
static const struct {
	const char *name, *type;
	size_t offset;
} fields[] = {
#define F(name, type, member) { name, type, offsetof(struct vmctl_manager, member) }
	F("HypercallCeiling", "t", hc_ceiling),
	F("HypercallDefault", "t", hc_default),
	F("HotplugMode", "s", hotplug_mode),
	F("HiddenFeatures", "as", hidden_features),
	F("HyperVVCPULimit", "u", hyperv_vcpu_limit),
	F("VMMaxVCPUs", "u", vm_max_vcpus),
	F("OverriddenFields", "as", overridden),
	F("ModuleState", "s", module_state),
	F("Vendor", "s", vendor),
	F("HypercallsSupported", "t", hc_supported),
	F("HotplugModes", "as", hotplug_modes),
	F("MaxVCPUs", "u", max_vcpus),
	F("PolicyGeneration", "t", generation),
	F("IncompatibleCPUs", "au", incompatible),
	F("VMCount", "u", vm_count),
#undef F
};

static int read_value(sd_bus_message *m, struct vmctl_manager *mgr, const char *name)
{
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		void *at = (char *)mgr + fields[i].offset;
		const char *type = fields[i].type;
		int r;

		if (strcmp(name, fields[i].name))
			continue;
		r = sd_bus_message_enter_container(m, 'v', type);
		if (r < 0)
			return r;
		if (!strcmp(type, "t") || !strcmp(type, "u"))
			r = sd_bus_message_read_basic(m, type[0], at);
		else if (!strcmp(type, "s"))
			r = read_string(m, at);
		else if (!strcmp(type, "as"))
			r = read_strv(m, at);
		else
			r = read_cpus(m, mgr);
		return r < 0 ? r : sd_bus_message_exit_container(m);
	}
	return sd_bus_message_skip(m, "v");
}

int vmctl_manager_read(sd_bus *bus, struct vmctl_manager *m)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	const char *name;
	int r;

	memset(m, 0, sizeof(*m));
	r = sd_bus_call_method(bus, VMCTL_BUS_NAME, VMCTL_BUS_PATH,
			       "org.freedesktop.DBus.Properties", "GetAll", &e, &reply,
			       "s", VMCTL_BUS_IFACE);
	if (r < 0) {
		r = vmctl_bus_fail("reading thinvmd's properties", r, &e);
		sd_bus_error_free(&e);
		return r;
	}
	r = sd_bus_message_enter_container(reply, 'a', "{sv}");
	while (r >= 0 && (r = sd_bus_message_enter_container(reply, 'e', "sv")) > 0) {
		r = sd_bus_message_read(reply, "s", &name);
		if (r >= 0)
			r = read_value(reply, m, name);
		if (r >= 0)
			r = sd_bus_message_exit_container(reply);
	}
	sd_bus_message_unref(reply);
	if (r < 0 || !m->hotplug_mode || !m->module_state || !m->vendor) {
		vmctl_manager_free(m);
		return vmctl_fail(VMCTL_EXIT_FAILURE,
				  "thinvmd's properties are not what vmctl expects (%s)",
				  r < 0 ? strerror(-r) : "some are missing");
	}
	return 0;
}

static void strv_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

void vmctl_manager_free(struct vmctl_manager *m)
{
	free(m->hotplug_mode);
	free(m->module_state);
	free(m->vendor);
	strv_free(m->hidden_features);
	strv_free(m->overridden);
	strv_free(m->hotplug_modes);
	free(m->incompatible);
	memset(m, 0, sizeof(*m));
}
