// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl cpus, vms, vm show, vm policy: what thinvmd's Describe() says of
 * CPUs and VMs (it names VMs' owners, so it needs root or polkit's
 * org.thinvm.inspect), and the one change a running VM takes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "describe.h"
#include "output.h"
#include "policy_args.h"
#include "vmctl.h"

/* Describe(), checked; 0 or an exit code after saying why. */
static int describe(json_object **root)
{
	sd_bus *bus = NULL;
	int r = vmctl_bus_open(&bus);

	if (!r)
		r = vmctl_describe(bus, root);
	sd_bus_flush_close_unref(bus);
	if (r)
		return r;
	if (vmctl_describe_check(*root)) {
		json_object_put(*root);
		return vmctl_fail(VMCTL_EXIT_FAILURE,
				  "thinvmd's Describe() is not version %d; vmctl and thinvmd do not match",
				  VMCTL_DESCRIBE_VERSION);
	}
	return 0;
}

/* The module must be there for CPUs and VMs to mean anything. */
static int need_module(json_object *root)
{
	if (jbool(jget(root, "module"), "loaded"))
		return 0;
	return vmctl_fail(VMCTL_EXIT_NOT_LOADED,
			  "the thinvm module is not loaded (load it with: modprobe thinvm)");
}

/*
 * Describe()'s list @key ("cpus", "vms") in *@list, or an exit code. With
 * --json the list is printed as it is, and *@list is NULL.
 */
static int read_list(const char *key, json_object **root, json_object **list)
{
	int r = describe(root);

	*list = NULL;
	if (r)
		return r;
	r = need_module(*root);
	if (r)
		return r;
	*list = jget(*root, key);
	if (!*list || !json_object_is_type(*list, json_type_array))
		return vmctl_fail(VMCTL_EXIT_FAILURE, "thinvmd's Describe() has no %s list", key);
	if (vmctl_opt.json) {
		json_print(stdout, *list);
		*list = NULL;
	}
	return 0;
}

int verb_cpus(int argc, char **argv)
{
	json_object *root = NULL, *cpus;
	struct table *t;
	int r;

	(void)argc, (void)argv;
	r = read_list("cpus", &root, &cpus);
	if (r || !cpus)
		goto out;
	t = table_new(5, "CPU", "ONLINE", "STATE", "VIRT", "REASON");
	if (!t) {
		r = vmctl_fail(VMCTL_EXIT_FAILURE, "out of memory");
		goto out;
	}
	table_align_right(t, 0);
	for (size_t i = 0; i < json_object_array_length(cpus); i++) {
		json_object *c = json_object_array_get_idx(cpus, i);

		table_add(t, "%llu", (unsigned long long)juint(c, "id"));
		table_add(t, "%s", jbool(c, "online") ? "yes" : "no");
		table_add(t, "%s", jstr(c, "state", "-"));
		table_add(t, "%s", jbool(c, "virtualization-on") ? "on" : "off");
		table_add(t, "%s", jstr(c, "reason", "-"));
	}
	table_print(t, stdout, vmctl_opt.legend);
	table_free(t);
out:
	json_object_put(root);
	return r;
}

int verb_vms(int argc, char **argv)
{
	json_object *root = NULL, *vms;
	struct table *t;
	char buf[512];
	int r;

	(void)argc, (void)argv;
	r = read_list("vms", &root, &vms);
	if (r || !vms)
		goto out;
	t = table_new(6, "ID", "NAME", "PID", "VCPUS", "HYPERCALL-EXIT", "REQUESTED");
	if (!t) {
		r = vmctl_fail(VMCTL_EXIT_FAILURE, "out of memory");
		goto out;
	}
	table_align_right(t, 0);
	table_align_right(t, 2);
	table_align_right(t, 3);
	for (size_t i = 0; i < json_object_array_length(vms); i++) {
		json_object *v = json_object_array_get_idx(vms, i);

		table_add(t, "%llu", (unsigned long long)juint(v, "id"));
		table_add(t, "%s", jstr(v, "name", "-"));
		table_add(t, "%llu", (unsigned long long)juint(v, "pid"));
		table_add(t, "%llu", (unsigned long long)juint(v, "vcpus"));
		table_add(t, "%s", jmask(v, "hypercall-exit", "-", buf, sizeof(buf)));
		table_add(t, "%s", jmask(v, "hypercall-requested", "-", buf, sizeof(buf)));
	}
	table_print(t, stdout, vmctl_opt.legend);
	if (vmctl_opt.legend && !table_rows(t))
		printf("(no VMs)\n");
	table_free(t);
out:
	json_object_put(root);
	return r;
}

/* The VM @which names in @root; 0 or an exit code after saying why. */
static int find_vm(json_object *root, const char *which, json_object **vm)
{
	int r = vmctl_find_vm(root, which, vm);

	if (r == -ENOENT)
		return vmctl_fail(VMCTL_EXIT_NO_VM, "no VM has the id or name \"%s\" (vmctl vms lists them)",
				  which);
	if (r == -EEXIST)
		return vmctl_fail(VMCTL_EXIT_USAGE,
				  "more than one VM is named \"%s\"; give its id (vmctl vms lists them)",
				  which);
	return 0;
}

static int vm_show(const char *which)
{
	json_object *root, *vm;
	char buf[512];
	int r = describe(&root);

	if (r)
		return r;
	r = need_module(root);
	if (!r)
		r = find_vm(root, which, &vm);
	if (r)
		goto out;
	if (vmctl_opt.json) {
		json_print(stdout, vm);
		goto out;
	}
	kv_print(stdout, "VM", "%llu", (unsigned long long)juint(vm, "id"));
	kv_print(stdout, "Name", "%s", jstr(vm, "name", "(none)"));
	kv_print(stdout, "Owner", "pid %llu", (unsigned long long)juint(vm, "pid"));
	kv_print(stdout, "vCPUs", "%llu", (unsigned long long)juint(vm, "vcpus"));
	kv_print(stdout, "Hypercall exit", "%s (what policy lets exit)",
		 jmask(vm, "hypercall-exit", "-", buf, sizeof(buf)));
	kv_print(stdout, "Requested", "%s (what the VMM enabled)",
		 jmask(vm, "hypercall-requested", "-", buf, sizeof(buf)));
	kv_print(stdout, "Policy generation", "%llu",
		 (unsigned long long)juint(vm, "policy-generation"));
out:
	json_object_put(root);
	return r;
}

static int vm_policy(const char *which, int argc, char **argv)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	struct vmctl_policy_args a;
	json_object *root, *vm, *mod;
	sd_bus *bus = NULL;
	char err[512];
	int r;

	if (vmctl_policy_parse(argc, argv, VMCTL_HC_EXIT, &a, err, sizeof(err)))
		return vmctl_fail(VMCTL_EXIT_USAGE, "%s", err);
	r = describe(&root);
	if (r)
		return r;
	mod = jget(root, "module");
	r = need_module(root);
	if (!r)
		r = find_vm(root, which, &vm);
	if (r)
		goto out;
	if (a.hc_exit.all)
		a.hc_exit.bits = juint(jget(mod, "hypercalls-supported"), "mask");
	r = vmctl_bus_open(&bus);
	if (!r)
		r = sd_bus_call_method(bus, VMCTL_BUS_NAME, VMCTL_BUS_PATH, VMCTL_BUS_IFACE,
				       "SetVMHypercallExitMask", &e, NULL, "ut",
				       (uint32_t)juint(vm, "id"), a.hc_exit.bits);
	r = r < 0 ? vmctl_bus_fail("VM policy not changed", r, &e) : 0;
	sd_bus_error_free(&e);
	sd_bus_flush_close_unref(bus);
out:
	json_object_put(root);
	return r;
}

int verb_vm(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[0], "show")) {
		if (argc != 2)
			return vmctl_fail(VMCTL_EXIT_USAGE, "usage: vmctl vm show ID|NAME");
		return vm_show(argv[1]);
	}
	if (argc >= 3 && !strcmp(argv[0], "policy"))
		return vm_policy(argv[1], argc - 2, argv + 2);
	return vmctl_fail(VMCTL_EXIT_USAGE,
			  "usage: vmctl vm show ID|NAME, or vmctl vm policy ID|NAME hypercall-exit=MASK");
}
