// SPDX-License-Identifier: GPL-2.0
/* Describe()'s JSON document (daemon/describe.c), read back with json-c. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include <linux/thinvm.h>

#include "describe.h"
#include "hypercall_rules.h"
#include "thinvm_features.h"
#include "thinvmd.h"

#define MAP_BIT (1ULL << THINVM_HC_MAP_GPA_RANGE)

static struct thinvmd d;
static struct tnl_cpu cpus[2];
static struct tnl_vm vms[2];
static json_object *doc;

/* A module on SVM with two CPUs (one refused) and two VMs (one named). */
static void loaded(void)
{
	unsigned int npt;

	d.config_path = "/etc/thinvm/thinvm.conf";
	d.state_dir = "/var/lib/thinvm";
	d.module.loaded = true;
	strcpy(d.module.caps.vendor, "svm");
	d.module.caps.hc_supported = MAP_BIT;
	d.module.caps.hotplug_modes = 1u << THINVM_HOTPLUG_REJECT | 1u << THINVM_HOTPLUG_REJECT_WHILE_RUNNING;
	d.module.caps.max_vcpus = 288;
	d.module.caps.possible_cpus = 2;
	d.module.generation = 3;
	cpus[0] = (struct tnl_cpu){ .id = 0, .online = true, .state = THINVM_CPU_ADMITTED, .virt_on = true };
	cpus[1] = (struct tnl_cpu){ .id = 1, .state = THINVM_CPU_REFUSED };
	strcpy(cpus[1].reason, "no NRIP save");
	d.module.cpus = cpus;
	d.module.n_cpus = 2;
	vms[0] = (struct tnl_vm){ .id = 1, .pid = 100, .vcpus = 2, .hc_exit_mask = MAP_BIT };
	vms[1] = (struct tnl_vm){ .id = 2, .pid = 200, .vcpus = 1, .policy_generation = 3 };
	strcpy(vms[1].name, "web");
	d.module.vms = vms;
	d.module.n_vms = 2;

	cr_assert_eq(tnl_feature_parse("npt", &npt), 0);
	d.config.set = TVD_HC_CEILING;
	d.config.hc_ceiling = MAP_BIT;
	d.config.n_rules = 1;
	strcpy(d.config.rules[0].name, "web");
	d.config.rules[0].hc_exit = MAP_BIT;
	d.overrides.set = TVD_HIDDEN_FEATURES;
	d.overrides.hidden_features = 1ULL << npt;
	tvd_policy_overlay(&d.config, &d.overrides, &d.effective);
}

static void describe(void)
{
	char *text = tvd_describe(&d);

	cr_assert_not_null(text);
	doc = json_tokener_parse(text);
	cr_assert_not_null(doc, "not JSON:\n%s", text);
	free(text);
}

static void cleanup(void)
{
	json_object_put(doc);
}

TestSuite(daemon_describe, .fini = cleanup);

/* The value at "a.b.0.c" (numbers index arrays); fails if it is missing. */
static json_object *at(const char *path)
{
	char buf[128], *save, *key;
	json_object *o = doc;

	snprintf(buf, sizeof(buf), "%s", path);
	for (key = strtok_r(buf, ".", &save); key; key = strtok_r(NULL, ".", &save)) {
		if (json_object_is_type(o, json_type_array)) {
			cr_assert_lt((size_t)atoi(key), json_object_array_length(o), "%s", path);
			o = json_object_array_get_idx(o, atoi(key));
		} else {
			cr_assert(json_object_object_get_ex(o, key, &o), "no %s in %s", key, path);
		}
	}
	return o;
}

static const char *str_at(const char *path)
{
	json_object *o = at(path);

	cr_assert(json_object_is_type(o, json_type_string), "%s is not a string", path);
	return json_object_get_string(o);
}

static int64_t int_at(const char *path)
{
	json_object *o = at(path);

	cr_assert(json_object_is_type(o, json_type_int), "%s is not a number", path);
	return json_object_get_int64(o);
}

static bool bool_at(const char *path)
{
	json_object *o = at(path);

	cr_assert(json_object_is_type(o, json_type_boolean), "%s is not a boolean", path);
	return json_object_get_boolean(o);
}

/* The array at @path as "a,b,c". */
static const char *list_at(const char *path)
{
	static char buf[512];
	json_object *a = at(path);

	cr_assert(json_object_is_type(a, json_type_array), "%s is not an array", path);
	buf[0] = '\0';
	for (size_t i = 0; i < json_object_array_length(a); i++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", i ? "," : "",
			 json_object_get_string(json_object_array_get_idx(a, i)));
	return buf;
}

Test(daemon_describe, version_and_daemon)
{
	loaded();
	describe();
	cr_assert_eq(int_at("version"), 1);
	cr_assert_str_eq(str_at("daemon.config-file"), "/etc/thinvm/thinvm.conf");
	cr_assert_str_eq(str_at("daemon.state-directory"), "/var/lib/thinvm");
}

Test(daemon_describe, module)
{
	loaded();
	describe();
	cr_assert(bool_at("module.loaded"));
	cr_assert_str_eq(str_at("module.vendor"), "svm");
	cr_assert_eq(int_at("module.hypercalls-supported.mask"), (int64_t)MAP_BIT);
	cr_assert_str_eq(list_at("module.hypercalls-supported.names"), "map_gpa_range");
	cr_assert_str_eq(list_at("module.hotplug-modes"), "reject,reject-while-running");
	cr_assert_eq(int_at("module.max-vcpus"), 288);
	cr_assert_eq(int_at("module.policy-generation"), 3);
}

Test(daemon_describe, policy)
{
	loaded();
	describe();
	cr_assert_eq(int_at("policy.hypercall-ceiling.mask"), (int64_t)MAP_BIT);
	cr_assert_str_eq(list_at("policy.hypercall-ceiling.names"), "map_gpa_range");
	cr_assert_eq(int_at("policy.hypercall-default.mask"), (int64_t)MAP_BIT, "the ceiling");
	cr_assert_str_eq(str_at("policy.hotplug-mode"), "reject", "the default");
	cr_assert_str_eq(list_at("policy.hidden-features"), "npt");
	cr_assert_null(at("policy.hyperv-vcpu-limit"));
	cr_assert_str_eq(list_at("policy.not-enforced"), "hidden-features");
	cr_assert_str_eq(list_at("policy.set-in-file"), "hypercall-ceiling");
	cr_assert_str_eq(list_at("policy.set-over-dbus"), "hidden-features");
	cr_assert_str_eq(str_at("policy.vm-rules.0.name"), "web");
	cr_assert_eq(int_at("policy.vm-rules.0.hypercall-exit.mask"), (int64_t)MAP_BIT);
}

Test(daemon_describe, unknown_hypercalls_by_number)
{
	loaded();
	d.effective.hc_ceiling = MAP_BIT | 1ULL << 40 | 1ULL << 63;
	describe();
	cr_assert_str_eq(list_at("policy.hypercall-ceiling.names"), "map_gpa_range,40,63");
	cr_assert_eq(json_object_get_uint64(at("policy.hypercall-ceiling.mask")), d.effective.hc_ceiling,
		     "a 64-bit mask whole");
}

Test(daemon_describe, cpus)
{
	loaded();
	describe();
	cr_assert_eq(json_object_array_length(at("cpus")), 2);
	cr_assert_str_eq(str_at("cpus.0.state"), "admitted");
	cr_assert_null(at("cpus.0.reason"));
	cr_assert(bool_at("cpus.0.online"));
	cr_assert_str_eq(str_at("cpus.1.state"), "refused");
	cr_assert_str_eq(str_at("cpus.1.reason"), "no NRIP save");
	cr_assert_not(bool_at("cpus.1.virtualization-on"));
	cr_assert_str_eq(list_at("incompatible-cpus"), "1");
	cr_assert_eq(int_at("incompatible-cpus.0"), 1);
}

Test(daemon_describe, vms)
{
	loaded();
	describe();
	cr_assert_eq(json_object_array_length(at("vms")), 2);
	cr_assert_null(at("vms.0.name"));
	cr_assert_eq(int_at("vms.0.id"), 1);
	cr_assert_eq(int_at("vms.0.pid"), 100);
	cr_assert_str_eq(list_at("vms.0.hypercall-exit.names"), "map_gpa_range");
	cr_assert_str_eq(str_at("vms.1.name"), "web");
	cr_assert_eq(int_at("vms.1.vcpus"), 1);
	cr_assert_eq(int_at("vms.1.policy-generation"), 3);
	cr_assert_str_eq(list_at("vms.1.hypercall-requested.names"), "");
}

Test(daemon_describe, module_not_loaded)
{
	d.config_path = "/etc/thinvm/thinvm.conf";
	d.state_dir = "/var/lib/thinvm";
	describe();
	cr_assert_not(bool_at("module.loaded"));
	cr_assert_eq(json_object_object_length(at("module")), 1, "nothing else known");
	cr_assert_null(at("policy.hypercall-ceiling"));
	cr_assert_null(at("policy.hypercall-default"));
	cr_assert_str_eq(str_at("policy.hotplug-mode"), "reject");
	cr_assert_str_eq(list_at("policy.not-enforced"), "");
	cr_assert_str_eq(list_at("policy.set-in-file"), "");
	cr_assert_str_eq(list_at("cpus"), "");
	cr_assert_str_eq(list_at("incompatible-cpus"), "");
	cr_assert_str_eq(list_at("vms"), "");
}

Test(daemon_describe, not_loaded_with_a_ceiling_set)
{
	d.config_path = d.state_dir = "x";
	d.effective.set = TVD_HC_CEILING;
	d.effective.hc_ceiling = MAP_BIT;
	describe();
	cr_assert_str_eq(list_at("policy.hypercall-ceiling.names"), "map_gpa_range");
	cr_assert_str_eq(list_at("policy.hypercall-default.names"), "map_gpa_range");
}

Test(daemon_describe, quotes_and_backslashes_round_trip)
{
	static const char odd[] = "say \"no\" \\ to C:\\path/x\ttab";

	loaded();
	strcpy(cpus[1].reason, odd);
	strcpy(vms[0].name, "a\"b\\c");
	d.config_path = "/etc/\"thinvm\"/thin\\vm.conf";
	describe();
	cr_assert_str_eq(str_at("cpus.1.reason"), odd);
	cr_assert_str_eq(str_at("vms.0.name"), "a\"b\\c");
	cr_assert_str_eq(str_at("daemon.config-file"), "/etc/\"thinvm\"/thin\\vm.conf");
}

/* A module with feature policy: what it enforces, its defaults resolved. */
static void with_feature_policy(void)
{
	loaded();
	d.module.caps.fields = TNL_CAPS_VENDOR | TNL_CAPS_HC_SUPPORTED | TNL_CAPS_HOTPLUG_MODES |
			       TNL_CAPS_MAX_VCPUS | TNL_CAPS_POSSIBLE_CPUS | TNL_CAPS_FEATURES;
	d.module.caps.features = 1ULL << THINVM_FEAT_NPT | 1ULL << THINVM_FEAT_AVIC;
	vms[1].fields = TNL_VM_HIDDEN_FEATURES | TNL_VM_MAX_VCPUS | TNL_VM_HAS_RUN;
	vms[1].hidden_features = 1ULL << THINVM_FEAT_NPT;
	vms[1].max_vcpus = 4;
	vms[1].has_run = true;
}

Test(daemon_describe, feature_policy_enforced)
{
	with_feature_policy();
	describe();
	cr_assert(bool_at("module.feature-policy"));
	cr_assert_str_eq(list_at("module.features"), "npt,avic");
	cr_assert_str_eq(list_at("policy.hidden-features"), "npt");
	cr_assert_str_eq(list_at("policy.not-enforced"), "", "this module enforces them");
	cr_assert_eq(int_at("policy.vm-max-vcpus"), 288, "the module's MAX_VCPUS");
	cr_assert_eq(int_at("policy.hyperv-vcpu-limit"), THINVM_HV_VCPU_LIMIT_MAX);
}

Test(daemon_describe, feature_policy_values_set)
{
	with_feature_policy();
	d.effective.set |= TVD_VM_MAX_VCPUS | TVD_HYPERV_VCPU_LIMIT;
	d.effective.vm_max_vcpus = 8;
	d.effective.hyperv_vcpu_limit = 64;
	describe();
	cr_assert_eq(int_at("policy.vm-max-vcpus"), 8);
	cr_assert_eq(int_at("policy.hyperv-vcpu-limit"), 64);
}

Test(daemon_describe, vms_feature_fields)
{
	with_feature_policy();
	describe();
	cr_assert_null(at("vms.0.hidden-features"), "not sent: unknown");
	cr_assert_null(at("vms.0.max-vcpus"));
	cr_assert_null(at("vms.0.has-run"));
	cr_assert_str_eq(list_at("vms.1.hidden-features"), "npt");
	cr_assert_eq(int_at("vms.1.max-vcpus"), 4);
	cr_assert(bool_at("vms.1.has-run"));
}

Test(daemon_describe, module_without_feature_policy)
{
	loaded();
	d.effective.set |= TVD_VM_MAX_VCPUS;
	d.effective.vm_max_vcpus = 8;
	describe();
	cr_assert_not(bool_at("module.feature-policy"));
	cr_assert_null(at("module.features"));
	cr_assert_null(at("policy.hyperv-vcpu-limit"), "nothing set, nothing to enforce it");
	cr_assert_eq(int_at("policy.vm-max-vcpus"), 8, "kept as set");
	cr_assert_str_eq(list_at("policy.not-enforced"), "hidden-features,vm-max-vcpus");
}
