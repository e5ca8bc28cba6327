// SPDX-License-Identifier: GPL-2.0
/* The JSON document of describe.h, with json-c. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "describe.h"
#include "thinvm_features.h"
#include "thinvm_names.h"
#include "thinvmd.h"

/* A hypercall mask as its number and its names ("map_gpa_range", "40"). */
static json_object *hc_mask(uint64_t mask)
{
	json_object *o = json_object_new_object(), *names = json_object_new_array();

	json_object_object_add(o, "mask", json_object_new_uint64(mask));
	for (unsigned int i = 0; i < 64; i++) {
		char num[8];
		const char *n = tnl_hc_name(i);

		if (!(mask & (1ULL << i)))
			continue;
		if (!n) {
			snprintf(num, sizeof(num), "%u", i);
			n = num;
		}
		json_object_array_add(names, json_object_new_string(n));
	}
	json_object_object_add(o, "names", names);
	return o;
}

/* A set of named features (thinvm_features.h) as their names. */
static json_object *feature_list(uint64_t set)
{
	json_object *a = json_object_new_array();

	for (unsigned int i = 0; i < tnl_feature_count(); i++) {
		if (set & (1ULL << i))
			json_object_array_add(a, json_object_new_string(tnl_feature_name(i)));
	}
	return a;
}

static json_object *field_list(unsigned int fields)
{
	json_object *a = json_object_new_array();

	for (unsigned int f = 1; f & TVD_FIELDS_ALL; f <<= 1) {
		if (fields & f)
			json_object_array_add(a, json_object_new_string(tvd_field_key(f)));
	}
	return a;
}

static json_object *policy(const struct thinvmd *d)
{
	const struct tvd_policy *p = &d->effective;
	json_object *o = json_object_new_object(), *rules;
	bool loaded = d->module.loaded;
	bool enforced = loaded && tvd_feature_policy(&d->module.caps);
	struct tvd_values v;

	tvd_policy_values(p, loaded ? &d->module.caps : NULL, &v);
	/* Unset masks are "all the module supports": null without a module. */
	json_object_object_add(o, "hypercall-ceiling", loaded || (p->set & TVD_HC_CEILING) ?
			       hc_mask(v.hc_ceiling) : NULL);
	json_object_object_add(o, "hypercall-default",
			       loaded || (p->set & (TVD_HC_CEILING | TVD_HC_DEFAULT)) ?
			       hc_mask(v.hc_default) : NULL);
	json_object_object_add(o, "hotplug-mode",
			       json_object_new_string(tnl_hotplug_mode_name(v.hotplug_mode)));
	json_object_object_add(o, "hidden-features", feature_list(v.hidden_features));
	/* 0: the module's own default, unknown without a module that has one. */
	json_object_object_add(o, "hyperv-vcpu-limit", v.hyperv_vcpu_limit ?
			       json_object_new_uint64(v.hyperv_vcpu_limit) : NULL);
	json_object_object_add(o, "vm-max-vcpus", v.vm_max_vcpus ?
			       json_object_new_uint64(v.vm_max_vcpus) : NULL);
	/*
	 * Every module enforces the masks and the mode; the feature fields
	 * only one with feature policy, and none while none is loaded.
	 */
	json_object_object_add(o, "not-enforced", field_list(enforced ? 0 :
			       p->set & TVD_FIELDS_FEATURE));
	json_object_object_add(o, "set-in-file", field_list(d->config.set));
	json_object_object_add(o, "set-over-dbus", field_list(d->overrides.set));
	rules = json_object_new_array();
	for (size_t i = 0; i < p->n_rules; i++) {
		json_object *r = json_object_new_object();

		json_object_object_add(r, "name", json_object_new_string(p->rules[i].name));
		json_object_object_add(r, "hypercall-exit", hc_mask(p->rules[i].hc_exit));
		json_object_array_add(rules, r);
	}
	json_object_object_add(o, "vm-rules", rules);
	return o;
}

static json_object *module(const struct thinvmd *d)
{
	const struct tvd_module *m = &d->module;
	json_object *o = json_object_new_object(), *modes;

	json_object_object_add(o, "loaded", json_object_new_boolean(m->loaded));
	if (!m->loaded)
		return o;
	json_object_object_add(o, "vendor", json_object_new_string(m->caps.vendor));
	json_object_object_add(o, "hypercalls-supported", hc_mask(m->caps.hc_supported));
	modes = json_object_new_array();
	for (uint32_t i = 0; i < 32; i++) {
		if ((m->caps.hotplug_modes & (1u << i)) && tnl_hotplug_mode_name(i))
			json_object_array_add(modes, json_object_new_string(tnl_hotplug_mode_name(i)));
	}
	json_object_object_add(o, "hotplug-modes", modes);
	json_object_object_add(o, "max-vcpus", json_object_new_uint64(m->caps.max_vcpus));
	json_object_object_add(o, "feature-policy",
			       json_object_new_boolean(tvd_feature_policy(&m->caps)));
	json_object_object_add(o, "features", tvd_feature_policy(&m->caps) ?
			       feature_list(m->caps.features) : NULL);
	json_object_object_add(o, "possible-cpus", json_object_new_uint64(m->caps.possible_cpus));
	json_object_object_add(o, "policy-generation", json_object_new_uint64(m->generation));
	return o;
}

static json_object *cpus(const struct thinvmd *d)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < d->module.n_cpus; i++) {
		const struct tnl_cpu *c = &d->module.cpus[i];
		json_object *o = json_object_new_object();
		const char *state = tnl_cpu_state_name(c->state);

		json_object_object_add(o, "id", json_object_new_uint64(c->id));
		json_object_object_add(o, "online", json_object_new_boolean(c->online));
		json_object_object_add(o, "state", state ? json_object_new_string(state) :
				       json_object_new_uint64(c->state));
		json_object_object_add(o, "reason", c->reason[0] ?
				       json_object_new_string(c->reason) : NULL);
		json_object_object_add(o, "virtualization-on", json_object_new_boolean(c->virt_on));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *vms(const struct thinvmd *d)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < d->module.n_vms; i++) {
		const struct tnl_vm *v = &d->module.vms[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "id", json_object_new_uint64(v->id));
		json_object_object_add(o, "name", v->name[0] ? json_object_new_string(v->name) : NULL);
		json_object_object_add(o, "pid", json_object_new_uint64(v->pid));
		json_object_object_add(o, "vcpus", json_object_new_uint64(v->vcpus));
		json_object_object_add(o, "hypercall-exit", hc_mask(v->hc_exit_mask));
		json_object_object_add(o, "hypercall-requested", hc_mask(v->hc_requested));
		json_object_object_add(o, "policy-generation",
				       json_object_new_uint64(v->policy_generation));
		/* A module without feature policy does not say: null. */
		json_object_object_add(o, "hidden-features", v->fields & TNL_VM_HIDDEN_FEATURES ?
				       feature_list(v->hidden_features) : NULL);
		json_object_object_add(o, "max-vcpus", v->fields & TNL_VM_MAX_VCPUS ?
				       json_object_new_uint64(v->max_vcpus) : NULL);
		json_object_object_add(o, "has-run", v->fields & TNL_VM_HAS_RUN ?
				       json_object_new_boolean(v->has_run) : NULL);
		json_object_array_add(a, o);
	}
	return a;
}

char *tvd_describe(const struct thinvmd *d)
{
	json_object *root = json_object_new_object(), *daemon = json_object_new_object();
	json_object *inc = json_object_new_array();
	char *out;

	json_object_object_add(root, "version", json_object_new_int(TVD_DESCRIBE_VERSION));
	json_object_object_add(daemon, "config-file", json_object_new_string(d->config_path));
	json_object_object_add(daemon, "state-directory", json_object_new_string(d->state_dir));
	json_object_object_add(root, "daemon", daemon);
	json_object_object_add(root, "module", module(d));
	json_object_object_add(root, "policy", policy(d));
	json_object_object_add(root, "cpus", cpus(d));
	for (size_t i = 0; i < d->module.n_cpus; i++) {
		if (tvd_cpu_incompatible(&d->module.cpus[i]))
			json_object_array_add(inc, json_object_new_uint64(d->module.cpus[i].id));
	}
	json_object_object_add(root, "incompatible-cpus", inc);
	json_object_object_add(root, "vms", vms(d));
	out = strdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
						    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return out;
}
