// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl status: the module, its features, the daemon and its policy, in
 * one screen. Read from Manager1's properties, which every user may read;
 * with thinvmd absent, what sysfs says of the module.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "manager.h"
#include "output.h"
#include "status.h"
#include "thinvm_names.h"
#include "vmctl.h"

static const char *vendor_name(const char *vendor)
{
	if (!strcmp(vendor, "svm"))
		return "AMD SVM";
	if (!strcmp(vendor, "vmx"))
		return "Intel VMX";
	return vendor;
}

/* As Describe() has masks: {"mask": 4096, "names": ["map_gpa_range"]}. */
static json_object *mask_json(uint64_t bits)
{
	json_object *o = json_object_new_object(), *names = json_object_new_array();

	json_object_object_add(o, "mask", json_object_new_uint64(bits));
	for (unsigned int i = 0; i < 64; i++) {
		const char *name = tnl_hc_name(i);
		char num[4];

		if (!(bits & (1ULL << i)))
			continue;
		snprintf(num, sizeof(num), "%u", i);
		json_object_array_add(names, json_object_new_string(name ? name : num));
	}
	json_object_object_add(o, "names", names);
	return o;
}

static void print_text(const struct vmctl_manager *m)
{
	bool loaded = !strcmp(m->module_state, "loaded");
	char a[512], b[512];

	if (loaded)
		kv_print(stdout, "Module", "loaded, %s", vendor_name(m->vendor));
	else if (!strcmp(m->module_state, "policy-refused"))
		kv_print(stdout, "Module", "loaded, %s, but it refused thinvmd's policy (journalctl -u thinvmd)",
			 vendor_name(m->vendor));
	else
		kv_print(stdout, "Module", "not loaded (load it with: modprobe thinvm)");
	if (m->vendor[0]) {
		kv_print(stdout, "Features", "hypercalls that can exit: %s",
			 hc_mask_text(m->hc_supported, a, sizeof(a)));
		kv_more(stdout, "hotplug modes: %s", strv_text(m->hotplug_modes, ", ", b, sizeof(b)));
		kv_more(stdout, "up to %u vCPUs per VM", m->max_vcpus);
	}
	kv_print(stdout, "Daemon", "thinvmd running, policy generation %llu",
		 (unsigned long long)m->generation);
	kv_print(stdout, "Hypercall ceiling", "%s", hc_mask_text(m->hc_ceiling, a, sizeof(a)));
	kv_print(stdout, "Hypercall default", "%s", hc_mask_text(m->hc_default, a, sizeof(a)));
	kv_print(stdout, "Hotplug mode", "%s", m->hotplug_mode);
	kv_print(stdout, "Hidden features", "%s", strv_text(m->hidden_features, ", ", a, sizeof(a)));
	if (m->hyperv_vcpu_limit)
		kv_print(stdout, "Hyper-V vCPU limit", "%u", m->hyperv_vcpu_limit);
	if (m->overridden && m->overridden[0])
		kv_print(stdout, "Set over D-Bus", "%s (vmctl policy reset undoes)",
			 strv_text(m->overridden, ", ", a, sizeof(a)));
	kv_print(stdout, "VMs", "%u", m->vm_count);
	if (!m->n_incompatible) {
		kv_print(stdout, "Incompatible CPUs", "none");
	} else {
		size_t used = 0;

		for (size_t i = 0; i < m->n_incompatible && used < sizeof(a); i++)
			used += snprintf(a + used, sizeof(a) - used, "%s%u", i ? "," : "",
					 m->incompatible[i]);
		kv_print(stdout, "Incompatible CPUs", "%s (vmctl cpus says why)", a);
	}
}

static void print_json(const struct vmctl_manager *m)
{
	json_object *o = json_object_new_object(), *mod = json_object_new_object();
	json_object *daemon = json_object_new_object(), *pol = json_object_new_object();
	json_object *cpus = json_object_new_array();

	json_object_object_add(mod, "state", json_object_new_string(m->module_state));
	json_object_object_add(mod, "vendor", m->vendor[0] ? json_object_new_string(m->vendor) : NULL);
	json_object_object_add(mod, "hypercalls-supported", mask_json(m->hc_supported));
	json_object_object_add(mod, "hotplug-modes", strv_json(m->hotplug_modes));
	json_object_object_add(mod, "max-vcpus", json_object_new_uint64(m->max_vcpus));
	json_object_object_add(o, "module", mod);
	json_object_object_add(daemon, "running", json_object_new_boolean(1));
	json_object_object_add(daemon, "policy-generation", json_object_new_uint64(m->generation));
	json_object_object_add(o, "daemon", daemon);
	json_object_object_add(pol, "hypercall-ceiling", mask_json(m->hc_ceiling));
	json_object_object_add(pol, "hypercall-default", mask_json(m->hc_default));
	json_object_object_add(pol, "hotplug-mode", json_object_new_string(m->hotplug_mode));
	json_object_object_add(pol, "hidden-features", strv_json(m->hidden_features));
	json_object_object_add(pol, "hyperv-vcpu-limit", m->hyperv_vcpu_limit ?
			       json_object_new_uint64(m->hyperv_vcpu_limit) : NULL);
	json_object_object_add(pol, "set-over-dbus", strv_json(m->overridden));
	json_object_object_add(o, "policy", pol);
	json_object_object_add(o, "vm-count", json_object_new_uint64(m->vm_count));
	for (size_t i = 0; i < m->n_incompatible; i++)
		json_object_array_add(cpus, json_object_new_uint64(m->incompatible[i]));
	json_object_object_add(o, "incompatible-cpus", cpus);
	json_print(stdout, o);
	json_object_put(o);
}

/* Without thinvmd: the module's part, from sysfs. */
static void print_without_daemon(void)
{
	struct vmctl_status st;

	if (vmctl_status_read("/sys", &st) == 0) {
		if (vmctl_opt.json) {
			json_object *o = json_object_new_object();
			json_object *daemon = json_object_new_object();

			json_object_object_add(o, "module", vmctl_status_json(&st));
			json_object_object_add(daemon, "running", json_object_new_boolean(0));
			json_object_object_add(o, "daemon", daemon);
			json_print(stdout, o);
			json_object_put(o);
		} else {
			vmctl_status_print(stdout, &st);
			kv_print(stdout, "Daemon", "not running");
		}
	}
	vmctl_status_free(&st);
}

int verb_status(int argc, char **argv)
{
	struct vmctl_manager m;
	sd_bus *bus = NULL;
	int r;

	(void)argc, (void)argv;
	r = vmctl_bus_open(&bus);
	if (!r)
		r = vmctl_manager_read(bus, &m);
	sd_bus_flush_close_unref(bus);
	if (r == VMCTL_EXIT_NO_DAEMON)
		print_without_daemon();
	if (r)
		return r;
	if (vmctl_opt.json)
		print_json(&m);
	else
		print_text(&m);
	r = strcmp(m.module_state, "not-loaded") ? VMCTL_EXIT_OK : VMCTL_EXIT_NOT_LOADED;
	vmctl_manager_free(&m);
	return r;
}
