// SPDX-License-Identifier: GPL-2.0
/* vmctl status against fake sysfs trees. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "../../cli/status.h"

static char root[64];

static void put(const char *rel, const char *text)
{
	char path[256], cmd[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	cr_assert_eq(system(cmd), 0);
	f = fopen(path, "w");
	cr_assert(f);
	fputs(text, f);
	fclose(f);
}

static void setup(void)
{
	snprintf(root, sizeof(root), "/tmp/vmctl-test-XXXXXX");
	cr_assert(mkdtemp(root));
	put("devices/system/cpu/online", "0-3\n");
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	cr_assert_eq(system(cmd), 0);
}

static void put_module(const char *vendor, const char *cpus, const char *vms)
{
	put("kernel/thinvm/vendor", vendor);
	put("kernel/thinvm/enabled_cpus", cpus);
	put("kernel/thinvm/vms", vms);
}

static char *render(const struct vmctl_status *st, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert(f);
	if (json) {
		json_object *o = vmctl_status_json(st);

		fprintf(f, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
	} else {
		vmctl_status_print(f, st);
	}
	fclose(f);
	return buf;
}

TestSuite(vmctl_status, .init = setup, .fini = teardown);

Test(vmctl_status, module_absent_reads_as_not_loaded)
{
	struct vmctl_status st;
	char *json;

	cr_assert_eq(vmctl_status_read(root, &st), 0);
	cr_assert(!st.loaded);
	json = render(&st, true);
	cr_assert_str_eq(json, "{\"state\":\"not-loaded\",\"online-cpus\":\"0-3\"}\n");
	free(json);
	vmctl_status_free(&st);
}

Test(vmctl_status, loaded_with_vms)
{
	struct vmctl_status st;
	char *text, *json;

	put_module("svm\n", "0-3\n", "2\n");
	cr_assert_eq(vmctl_status_read(root, &st), 0);
	cr_assert(st.loaded);
	cr_assert_eq(st.vms, 2);
	json = render(&st, true);
	cr_assert_str_eq(json, "{\"state\":\"loaded\",\"vendor\":\"svm\",\"vms\":2,"
			       "\"virtualization-on\":\"0-3\",\"online-cpus\":\"0-3\"}\n");
	text = render(&st, false);
	cr_assert(strstr(text, "            Module: loaded, AMD SVM\n"));
	cr_assert(strstr(text, "     Virt. on CPUs: 0-3\n"));
	free(json);
	free(text);
	vmctl_status_free(&st);
}

Test(vmctl_status, no_vm_says_so_in_words)
{
	struct vmctl_status st;
	char *text;

	put_module("vmx\n", "\n", "0\n");
	cr_assert_eq(vmctl_status_read(root, &st), 0);
	text = render(&st, false);
	cr_assert(strstr(text, "loaded, Intel VMX"));
	cr_assert(strstr(text, "none (no VM exists)"));
	free(text);
	vmctl_status_free(&st);
}

Test(vmctl_status, malformed_values_are_errors)
{
	static const char *const cases[][3] = {
		{ "svm\n", "0-\n", "0\n" },
		{ "arm\n", "0\n", "0\n" },
		{ "svm\n", "0\n", "many\n" },
		{ "svm\n", "0\n", "-1\n" },
		{ "svm\n", "0\n", " 1\n" },
	};
	struct vmctl_status st;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		put_module(cases[i][0], cases[i][1], cases[i][2]);
		cr_expect_eq(vmctl_status_read(root, &st), -EINVAL, "case %zu", i);
		vmctl_status_free(&st);
	}
}

Test(vmctl_status, long_cpulists_are_read_whole)
{
	struct vmctl_status st;
	char list[8192] = "";

	/* Every other CPU of 1024: a 4 KiB cpulist. */
	for (int cpu = 0; cpu < 1024; cpu += 2)
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "%s%d", cpu ? "," : "", cpu);
	strcat(list, "\n");
	put("devices/system/cpu/online", list);
	put_module("svm\n", list, "1\n");
	cr_assert_eq(vmctl_status_read(root, &st), 0);
	cr_assert_eq(strlen(st.enabled_cpus), strlen(list) - 1);
	vmctl_status_free(&st);
}
