// SPDX-License-Identifier: GPL-2.0
/* vmctl's pure parts: KEY=VALUE arguments, tables, Describe() reading, errors. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../cli/bus.h"
#include "../../cli/describe.h"
#include "../../cli/output.h"
#include "../../cli/policy_args.h"
#include "../../cli/vmctl.h"

#define HOST_KEYS (VMCTL_HC_CEILING | VMCTL_HC_DEFAULT | VMCTL_HOTPLUG_MODE | \
		   VMCTL_HIDDEN_FEATURES | VMCTL_HYPERV_VCPU_LIMIT | VMCTL_VM_MAX_VCPUS)

static int parse(unsigned int allowed, struct vmctl_policy_args *a, char *err, ...)
{
	char *argv[8];
	int argc = 0;
	va_list ap;

	va_start(ap, err);
	while (argc < 8 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	return vmctl_policy_parse(argc, argv, allowed, a, err, 256);
}

Test(vmctl_args, every_host_key)
{
	struct vmctl_policy_args a;
	char err[256];

	cr_assert_eq(parse(HOST_KEYS, &a, err, "hypercall-ceiling=map_gpa_range",
			   "hypercall-default=none", "hotplug-mode=reject-while-running",
			   "hidden-features=pml,vmfunc", "hyperv-vcpu-limit=64", "vm-max-vcpus=8",
			   NULL), 0, "%s", err);
	cr_assert_eq(a.set, HOST_KEYS);
	cr_assert_eq(a.hc_ceiling.bits, 1ULL << 12);
	cr_assert_eq(a.hc_default.bits, 0);
	cr_assert_str_eq(a.hotplug_mode, "reject-while-running");
	cr_assert_eq(__builtin_popcountll(a.hidden_features), 2);
	cr_assert_eq(a.hyperv_vcpu_limit, 64);
	cr_assert_eq(a.vm_max_vcpus, 8);
}

Test(vmctl_args, masks_by_number_hex_and_all)
{
	struct vmctl_policy_args a;
	char err[256];

	cr_assert_eq(parse(HOST_KEYS, &a, err, "hypercall-ceiling=12,5", "hypercall-default=0x1000",
			   NULL), 0, "%s", err);
	cr_assert_eq(a.hc_ceiling.bits, (1ULL << 12) | (1ULL << 5));
	cr_assert_eq(a.hc_default.bits, 0x1000);
	cr_assert_eq(parse(HOST_KEYS, &a, err, "hypercall-ceiling=all", NULL), 0);
	cr_assert(a.hc_ceiling.all);
}

Test(vmctl_args, refusals_name_the_problem)
{
	static const struct { const char *arg, *want; } cases[] = {
		{ "colour=blue", "\"colour=blue\" is not KEY=VALUE" },
		{ "hotplug-mode", "is not KEY=VALUE" },
		{ "=reject", "is not KEY=VALUE" },
		{ "hotplug-mode=sideways", "\"sideways\" is not a mode" },
		{ "hypercall-default=warp", "not a hypercall mask" },
		{ "hypercall-default=64", "not a hypercall mask" },
		{ "hypercall-default=", "not a hypercall mask" },
		{ "hidden-features=pml,warp-drive", "\"warp-drive\" is not a feature" },
		{ "hyperv-vcpu-limit=-1", "not a number" },
		{ "hyperv-vcpu-limit=4294967296", "not a number" },
		{ "hyperv-vcpu-limit=12x", "not a number" },
		{ "vm-max-vcpus=many", "not a number" },
		{ "hypercall-exit=all", "is not KEY=VALUE" },	/* a VM's key */
	};
	struct vmctl_policy_args a;
	char err[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(parse(HOST_KEYS, &a, err, cases[i].arg, NULL), -EINVAL, "%s",
			     cases[i].arg);
		cr_assert(strstr(err, cases[i].want), "%s: \"%s\"", cases[i].arg, err);
	}
	cr_assert_eq(parse(HOST_KEYS, &a, err, NULL), -EINVAL);
	cr_assert(strstr(err, "nothing to set"));
	cr_assert_eq(parse(HOST_KEYS, &a, err, "hotplug-mode=reject", "hotplug-mode=reject", NULL),
		     -EINVAL);
	cr_assert(strstr(err, "hotplug-mode is given twice"), "%s", err);
}

Test(vmctl_args, vm_key_only_for_vms)
{
	struct vmctl_policy_args a;
	char err[256];

	cr_assert_eq(parse(VMCTL_HC_EXIT, &a, err, "hypercall-exit=none", NULL), 0);
	cr_assert_eq(a.set, VMCTL_HC_EXIT);
	cr_assert_eq(parse(VMCTL_HC_EXIT, &a, err, "hotplug-mode=reject", NULL), -EINVAL);
	cr_assert(strstr(err, "KEY one of hypercall-exit"), "%s", err);
	cr_assert_eq(vmctl_policy_key_parse("hypercall-exit", HOST_KEYS), 0);
	cr_assert_eq(vmctl_policy_key_parse("hotplug-mode", HOST_KEYS), VMCTL_HOTPLUG_MODE);
}

static char *print_table(struct table *t, bool legend)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	table_print(t, f, legend);
	fclose(f);
	return buf;
}

Test(vmctl_output, table_aligns_columns)
{
	struct table *t = table_new(3, "ID", "NAME", "PID");
	char *text;

	table_align_right(t, 0);
	table_align_right(t, 2);
	table_add(t, "%d", 1);
	table_add(t, "%s", "web");
	table_add(t, "%d", 4242);
	table_add(t, "%d", 12);
	table_add(t, "%s", "");
	table_add(t, "%d", 7);
	cr_assert_eq(table_rows(t), 2);
	text = print_table(t, true);
	cr_assert_str_eq(text, "ID  NAME   PID\n"
			       " 1  web   4242\n"
			       "12  -        7\n");
	free(text);
	text = print_table(t, false);
	cr_assert_str_eq(text, " 1  web  4242\n12  -       7\n");
	free(text);
	table_free(t);
}

Test(vmctl_output, no_trailing_blanks)
{
	struct table *t = table_new(2, "KEY", "VALUE");
	char *text;

	table_add(t, "hotplug-mode");
	table_add(t, "x");
	text = print_table(t, true);
	cr_assert_str_eq(text, "KEY           VALUE\nhotplug-mode  x\n");
	free(text);
	table_free(t);
}

static const char doc[] =
	"{ \"version\": 1, \"module\": { \"loaded\": true },"
	"  \"vms\": [ { \"id\": 3, \"name\": \"web\", \"hypercall-exit\": { \"mask\": 4096, \"names\": [\"map_gpa_range\"] } },"
	"             { \"id\": 4, \"name\": \"db\", \"hypercall-exit\": { \"mask\": 0, \"names\": [] } },"
	"             { \"id\": 5, \"name\": \"db\" },"
	"             { \"id\": 6, \"name\": null } ] }";

Test(vmctl_describe, find_vm_by_id_and_name)
{
	json_object *root = json_tokener_parse(doc), *vm;
	char buf[64];

	cr_assert(root);
	cr_assert_eq(vmctl_describe_check(root), 0);
	cr_assert_eq(vmctl_find_vm(root, "3", &vm), 0);
	cr_assert_str_eq(jstr(vm, "name", "?"), "web");
	cr_assert_str_eq(jmask(vm, "hypercall-exit", "-", buf, sizeof(buf)), "map_gpa_range");
	cr_assert_eq(vmctl_find_vm(root, "web", &vm), 0);
	cr_assert_eq(juint(vm, "id"), 3);
	cr_assert_eq(vmctl_find_vm(root, "4", &vm), 0);
	cr_assert_str_eq(jmask(vm, "hypercall-exit", "-", buf, sizeof(buf)), "none");
	cr_assert_eq(vmctl_find_vm(root, "6", &vm), 0);
	cr_assert_str_eq(jstr(vm, "name", "(none)"), "(none)");
	cr_assert_str_eq(jmask(vm, "hypercall-exit", "-", buf, sizeof(buf)), "-");
	cr_assert_eq(vmctl_find_vm(root, "db", &vm), -EEXIST);
	cr_assert_eq(vmctl_find_vm(root, "9", &vm), -ENOENT);
	cr_assert_eq(vmctl_find_vm(root, "4294967299", &vm), -ENOENT);	/* 3 + 2^32 */
	cr_assert_eq(vmctl_find_vm(root, "", &vm), -ENOENT);
	json_object_put(root);
}

Test(vmctl_describe, other_versions_refused)
{
	json_object *root = json_tokener_parse("{ \"version\": 2 }");

	cr_assert_eq(vmctl_describe_check(root), -EPROTO);
	json_object_put(root);
	root = json_tokener_parse("[1]");
	cr_assert_eq(vmctl_describe_check(root), -EPROTO);
	json_object_put(root);
}

Test(vmctl_bus, errors_map_to_exit_codes)
{
	cr_assert_eq(vmctl_bus_exit_code("org.freedesktop.DBus.Error.ServiceUnknown"),
		     VMCTL_EXIT_NO_DAEMON);
	cr_assert_eq(vmctl_bus_exit_code("org.freedesktop.DBus.Error.Spawn.ChildExited"),
		     VMCTL_EXIT_NO_DAEMON);
	cr_assert_eq(vmctl_bus_exit_code("org.freedesktop.systemd1.UnitMasked"),
		     VMCTL_EXIT_NO_DAEMON);
	cr_assert_eq(vmctl_bus_exit_code("org.freedesktop.DBus.Error.AccessDenied"),
		     VMCTL_EXIT_DENIED);
	cr_assert_eq(vmctl_bus_exit_code("org.thinvm.Error.NoSuchVM"), VMCTL_EXIT_NO_VM);
	cr_assert_eq(vmctl_bus_exit_code("org.thinvm.Error.InvalidPolicy"), VMCTL_EXIT_REFUSED);
	cr_assert_eq(vmctl_bus_exit_code("org.thinvm.Error.ModuleNotLoaded"),
		     VMCTL_EXIT_NOT_LOADED);
	cr_assert_eq(vmctl_bus_exit_code("org.thinvm.Error.Busy"), VMCTL_EXIT_FAILURE);
	/* A prefix entry matches only at a dot. */
	cr_assert_eq(vmctl_bus_exit_code("org.freedesktop.DBus.Error.SpawnX"), VMCTL_EXIT_FAILURE);
	cr_assert_eq(vmctl_bus_exit_code(NULL), VMCTL_EXIT_FAILURE);
	cr_assert(strstr(vmctl_bus_hint("org.freedesktop.DBus.Error.ServiceUnknown"),
			 "systemctl start thinvmd"));
}
