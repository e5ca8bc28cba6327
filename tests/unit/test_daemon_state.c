// SPDX-License-Identifier: GPL-2.0
/* The state file of settings made over D-Bus (daemon/state.c). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/thinvm.h>

#include "hypercall_rules.h"
#include "state.h"

#define MAP_BIT (1ULL << THINVM_HC_MAP_GPA_RANGE)

static struct tvd_policy over, back;
static struct tvd_error err;
static char dir[] = "/tmp/test_daemon_state.XXXXXX";
static char path[sizeof(dir) + 32];
static char why[512];

static void setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, THINVMD_STATE_FILE);
	tvd_policy_init(&over);
	over.set = TVD_HC_CEILING | TVD_HOTPLUG_MODE | TVD_HIDDEN_FEATURES | TVD_VM_MAX_VCPUS;
	over.vm_max_vcpus = 32;
	over.hc_ceiling = MAP_BIT | 1ULL << 40;
	over.hotplug_mode = THINVM_HOTPLUG_REJECT_WHILE_RUNNING;
	over.hidden_features = 1ULL << 3;
}

static void teardown(void)
{
	unlink(path);
	rmdir(dir);
}

TestSuite(daemon_state, .init = setup, .fini = teardown);

/* The names in @dir, sorted, comma-separated. */
static const char *listing(const char *d)
{
	static char names[512];
	struct dirent **ents;
	int n = scandir(d, &ents, NULL, alphasort);

	names[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") && strcmp(ents[i]->d_name, ".."))
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
				 names[0] ? "," : "", ents[i]->d_name);
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	return names;
}

static void load_and_compare(void)
{
	char buf[600];

	cr_assert_eq(tvd_state_load(dir, &back, &err), 0, "%s", tvd_error_text(&err, buf, sizeof(buf)));
	cr_assert_eq(tvd_policy_diff(&over, &back), 0);
	cr_assert_eq(back.n_rules, over.n_rules);
}

Test(daemon_state, save_then_load_gives_the_same_policy)
{
	cr_assert_eq(tvd_state_save(dir, &over, why, sizeof(why)), 0, "%s", why);
	load_and_compare();
	cr_assert_eq(back.hc_ceiling, MAP_BIT | 1ULL << 40);
}

Test(daemon_state, missing_file_loads_as_empty)
{
	back.set = TVD_FIELDS_ALL;
	cr_assert_eq(tvd_state_load(dir, &back, &err), 0);
	cr_assert_eq(back.set, 0);
}

Test(daemon_state, saved_file_is_0644)
{
	struct stat st;
	mode_t old = umask(077);

	cr_assert_eq(tvd_state_save(dir, &over, why, sizeof(why)), 0, "%s", why);
	umask(old);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert(S_ISREG(st.st_mode));
	cr_assert_eq(st.st_mode & 07777, 0644, "mode %o", st.st_mode & 07777);
}

Test(daemon_state, no_temporary_file_is_left)
{
	cr_assert_eq(tvd_state_save(dir, &over, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(tvd_state_save(dir, &over, why, sizeof(why)), 0, "%s", why);
	cr_assert_str_eq(listing(dir), THINVMD_STATE_FILE);
}

Test(daemon_state, saving_into_a_missing_directory_fails)
{
	char missing[sizeof(dir) + 16];

	snprintf(missing, sizeof(missing), "%s/gone", dir);
	cr_assert_eq(tvd_state_save(missing, &over, why, sizeof(why)), -ENOENT);
	cr_assert(strstr(why, missing), "'%s' does not name %s", why, missing);
	cr_assert_str_eq(listing(dir), "", "nothing made");
}

Test(daemon_state, an_existing_file_is_replaced_whole)
{
	FILE *f = fopen(path, "w");
	struct stat before, after;
	char text[4096];
	size_t n;

	cr_assert_not_null(f);
	fputs("[policy]\nhyperv-vcpu-limit = 7\n", f);
	for (int i = 0; i < 100; i++)
		fprintf(f, "# padding, longer than the new file %d\n", i);
	fclose(f);
	cr_assert_eq(stat(path, &before), 0);
	cr_assert_eq(tvd_state_save(dir, &over, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(stat(path, &after), 0);
	cr_assert_neq(before.st_ino, after.st_ino, "a new file renamed over the old");
	load_and_compare();
	f = fopen(path, "r");
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	cr_assert_null(strstr(text, "padding"));
	cr_assert_null(strstr(text, "hyperv-vcpu-limit"));
	cr_assert_eq(n, (size_t)after.st_size);
}

/* thinvmd writes [policy] only: rules there mean the file was edited. */
Test(daemon_state, rules_in_the_saved_state_are_refused)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	fputs("[policy]\nhotplug-mode = reject\n\n[vm web]\nhypercall-exit = none\n", f);
	fclose(f);
	cr_assert_eq(tvd_state_load(dir, &back, &err), -EINVAL);
	cr_assert(strstr(err.msg, "belong in thinvm.conf"), "%s", err.msg);
}
