// SPDX-License-Identifier: GPL-2.0
/* vmctl profile: reading saved profiles, and the text it prints. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../cli/profile.h"
#include "thinvm_baseline.h"

static struct tnl_profile a, b, base;

/* @text in a temporary file; its path in @path. */
static void write_file(char *path, const char *text)
{
	int fd;

	strcpy(path, "/tmp/vmctl-profile-XXXXXX");
	fd = mkstemp(path);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

Test(vmctl_profile, loads_the_saved_profiles)
{
	char err[512];

	cr_assert_eq(vmctl_profile_load("tests/bus/profiles/host-a.json", &a, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(vmctl_profile_load("tests/bus/profiles/host-b.json", &b, err, sizeof(err)), 0,
		     "%s", err);
	cr_expect_str_eq(a.vendor, "svm");
	cr_expect_eq(a.n_cpuid, 6);
	cr_expect_eq(b.max_vcpus, 32);
}

Test(vmctl_profile, bad_files_are_named_with_the_problem)
{
	char path[64], err[512];

	cr_expect_eq(vmctl_profile_load("/nonexistent/p.json", &a, err, sizeof(err)), -1);
	cr_expect(strstr(err, "/nonexistent/p.json"), "%s", err);
	write_file(path, "{ \"version\": 1, ");
	cr_expect_eq(vmctl_profile_load(path, &a, err, sizeof(err)), -1);
	cr_expect(strstr(err, path) && strstr(err, "not a JSON document"), "%s", err);
	unlink(path);
	write_file(path, "{ \"version\": 1, \"vendor\": \"svm\", \"policy-generation\": 0,"
			 " \"features\": [\"npt\", \"hyperdrive\"] }");
	cr_expect_eq(vmctl_profile_load(path, &a, err, sizeof(err)), -1);
	cr_expect(strstr(err, path) && strstr(err, "hyperdrive"), "%s", err);
	unlink(path);
}

Test(vmctl_profile, text_output)
{
	const struct tnl_profile *in[] = { &a, &b };
	char err[512], *text = NULL;
	size_t len = 0;
	FILE *out;

	cr_assert_eq(vmctl_profile_load("tests/bus/profiles/host-a.json", &a, err, sizeof(err)), 0);
	cr_assert_eq(vmctl_profile_load("tests/bus/profiles/host-b.json", &b, err, sizeof(err)), 0);
	cr_assert_eq(tnl_profile_baseline(in, 2, &base, NULL, err, sizeof(err)), 0);
	out = open_memstream(&text, &len);
	vmctl_profile_print(out, &base, true);
	fclose(out);
	cr_expect(strstr(text, "Features offered: npt,nrip-save\n"), "%s", text);
	cr_expect(strstr(text, "Hidden by policy: lbrv\n"), "%s", text);
	cr_expect(strstr(text, "at most 32"), "%s", text);
	cr_expect(strstr(text, "Hyper-V vCPU limit: 16"), "%s", text);
	cr_expect(strstr(text, "0x8000000a"), "the CPUID table: %s", text);
	cr_expect(strstr(text, "00000009"), "SVM features ANDed: %s", text);
	free(text);
}
