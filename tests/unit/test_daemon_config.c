// SPDX-License-Identifier: GPL-2.0
/* thinvm.conf(5): the parser and writer of daemon/config.c. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/thinvm.h>

#include "config.h"
#include "hypercall_rules.h"
#include "thinvm_features.h"

#define MAP_BIT (1ULL << THINVM_HC_MAP_GPA_RANGE)

/* Big (the rules), so static; a test runs in a process of its own. */
static struct tvd_policy pol, back;
static struct tvd_error err;

static int parse(const char *text)
{
	char *copy = strdup(text);
	/* fmemopen() wants a size of at least 1; "" reads as an empty file. */
	FILE *f = fmemopen(copy, strlen(text) ?: 1, "r");
	int r;

	cr_assert_not_null(f);
	r = tvd_config_parse(f, "test.conf", &pol, &err);
	fclose(f);
	free(copy);
	return r;
}

static void good(const char *text)
{
	char buf[600];

	cr_assert_eq(parse(text), 0, "%s", tvd_error_text(&err, buf, sizeof(buf)));
}

static void bad(const char *text, unsigned int line, const char *part)
{
	cr_assert_eq(parse(text), -EINVAL, "accepted:\n%s", text);
	cr_assert_str_eq(err.file, "test.conf");
	cr_assert_eq(err.line, line, "line %u (%s), not %u", err.line, err.msg, line);
	cr_assert(strstr(err.msg, part), "'%s' does not say '%s'", err.msg, part);
}

/* "[policy]" and a line 2 of @n characters: "hypercall-ceiling = 1,1,1...". */
static char *long_line(size_t n)
{
	char *s = malloc(n + 16), *line;

	strcpy(s, "[policy]\n");
	line = s + strlen(s);
	strcpy(line, "hypercall-ceiling = 1");
	while (strlen(line) + 2 <= n)
		strcat(line, ",1");
	if (strlen(line) < n)
		strcat(line, " ");
	strcat(line, "\n");
	return s;
}

/* Good files. */

Test(daemon_config, empty_file_is_an_empty_policy)
{
	good("");
	cr_assert_eq(pol.set, 0);
	cr_assert_eq(pol.n_rules, 0);
}

Test(daemon_config, comments_and_blank_lines)
{
	good("# a comment\n; another\n\n   \n\t\n[policy]\n# hotplug-mode = nonsense\n"
	     "; hidden-features = bogus\n\nhotplug-mode = reject\n");
	cr_assert_eq(pol.set, TVD_HOTPLUG_MODE);
}

Test(daemon_config, every_key)
{
	good("[policy]\n"
	     "hypercall-ceiling = map_gpa_range,kick_cpu\n"
	     "hypercall-default = map_gpa_range\n"
	     "hotplug-mode = reject-while-running\n"
	     "hidden-features = npt, avic\n"
	     "hyperv-vcpu-limit = 4096\n"
	     "vm-max-vcpus = 288\n");
	cr_assert_eq(pol.set, TVD_FIELDS_ALL);
	cr_assert_eq(pol.vm_max_vcpus, 288);
	cr_assert_eq(pol.hc_ceiling, MAP_BIT | 1ULL << 5);
	cr_assert_eq(pol.hc_default, MAP_BIT);
	cr_assert_eq(pol.hotplug_mode, THINVM_HOTPLUG_REJECT_WHILE_RUNNING);
	cr_assert_eq(pol.hyperv_vcpu_limit, 4096);
	cr_assert_eq(pol.n_rules, 0);
}

Test(daemon_config, hidden_features_by_name)
{
	unsigned int npt, avic;

	cr_assert_eq(tnl_feature_parse("npt", &npt), 0);
	cr_assert_eq(tnl_feature_parse("avic", &avic), 0);
	good("[policy]\nhidden-features = avic,npt\nhyperv-vcpu-limit = 1\n");
	cr_assert_eq(pol.hidden_features, 1ULL << npt | 1ULL << avic);
	cr_assert_eq(pol.hyperv_vcpu_limit, 1);
	good("[policy]\nhidden-features = none\n");
	cr_assert_eq(pol.set, TVD_HIDDEN_FEATURES);
	cr_assert_eq(pol.hidden_features, 0);
}

Test(daemon_config, masks_by_name_number_hex_and_none)
{
	static const char *const same[] = {
		"map_gpa_range", "12", "0x1000", "0X1000", "0x0000000000001000",
	};

	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		char text[128];

		snprintf(text, sizeof(text), "[policy]\nhypercall-ceiling = %s\n", same[i]);
		good(text);
		cr_assert_eq(pol.hc_ceiling, MAP_BIT, "%s", same[i]);
	}
	good("[policy]\nhypercall-ceiling = none\nhypercall-default = none\n");
	cr_assert_eq(pol.set, TVD_HC_CEILING | TVD_HC_DEFAULT);
	cr_assert_eq(pol.hc_ceiling, 0);
	cr_assert_eq(pol.hc_default, 0);
}

Test(daemon_config, mask_lists_with_blanks_around_commas)
{
	good("[policy]\nhypercall-ceiling = map_gpa_range ,\tkick_cpu , 40,0x3\n");
	cr_assert_eq(pol.hc_ceiling, MAP_BIT | 1ULL << 5 | 1ULL << 40 | 3);
}

Test(daemon_config, inline_comments_after_a_blank)
{
	good("[policy] ; the host\nhotplug-mode = reject ; as KVM\n");
	cr_assert_eq(pol.hotplug_mode, THINVM_HOTPLUG_REJECT);
}

Test(daemon_config, indented_lines_are_not_continuations)
{
	good("  [policy]\n"
	     "  hypercall-ceiling = map_gpa_range\n"
	     "\t hotplug-mode = reject\n"
	     "\n  [vm a]\n    hypercall-exit = 12\n");
	cr_assert_eq(pol.set, TVD_HC_CEILING | TVD_HOTPLUG_MODE);
	cr_assert_eq(pol.hc_ceiling, MAP_BIT);
	cr_assert_eq(pol.n_rules, 1);
	cr_assert_eq(pol.rules[0].hc_exit, MAP_BIT);
}

Test(daemon_config, vm_name_of_63_characters)
{
	char name[64], text[160];

	memset(name, 'n', 63);
	name[63] = '\0';
	snprintf(text, sizeof(text), "[vm %s]\nhypercall-exit = map_gpa_range\n", name);
	good(text);
	cr_assert_eq(pol.n_rules, 1);
	cr_assert_str_eq(pol.rules[0].name, name);
	cr_assert_eq(pol.rules[0].hc_exit, MAP_BIT);
}

Test(daemon_config, several_vms)
{
	good("[policy]\nhypercall-ceiling = map_gpa_range,kick_cpu\n"
	     "[vm web-1]\nhypercall-exit = map_gpa_range\n"
	     "[vm\tdb_2.x]\nhypercall-exit = none\n"
	     "[vm empty]\n"
	     "[vm C]\nhypercall-exit = kick_cpu,12\n");
	cr_assert_eq(pol.n_rules, 3, "a section without keys makes no rule");
	cr_assert_str_eq(pol.rules[0].name, "web-1");
	cr_assert_eq(pol.rules[0].hc_exit, MAP_BIT);
	cr_assert_str_eq(pol.rules[1].name, "db_2.x");
	cr_assert_eq(pol.rules[1].hc_exit, 0);
	cr_assert_str_eq(pol.rules[2].name, "C");
	cr_assert_eq(pol.rules[2].hc_exit, MAP_BIT | 1ULL << 5);
}

Test(daemon_config, crlf_line_endings)
{
	good("# dos\r\n[policy]\r\nhypercall-ceiling = map_gpa_range\r\n"
	     "hotplug-mode = reject-while-running\r\n\r\n[vm a]\r\nhypercall-exit = 12\r\n");
	cr_assert_eq(pol.hc_ceiling, MAP_BIT);
	cr_assert_eq(pol.hotplug_mode, THINVM_HOTPLUG_REJECT_WHILE_RUNNING);
	cr_assert_eq(pol.n_rules, 1);
	cr_assert_str_eq(pol.rules[0].name, "a");
	bad("[policy]\r\nhotplug-mode =\r\n", 2, "empty value");
}

Test(daemon_config, utf8_byte_order_mark)
{
	good("\xef\xbb\xbf[policy]\nhotplug-mode = reject-while-running\n");
	cr_assert_eq(pol.hotplug_mode, THINVM_HOTPLUG_REJECT_WHILE_RUNNING);
	bad("[policy]\n\xef\xbb\xbfhotplug-mode = reject\n", 2, "unknown key");
}

Test(daemon_config, no_final_newline)
{
	good("[policy]\nhyperv-vcpu-limit = 8");
	cr_assert_eq(pol.hyperv_vcpu_limit, 8);
}

Test(daemon_config, lines_up_to_the_limit)
{
	char *s = long_line(2048);

	good(s);
	cr_assert_eq(pol.hc_ceiling, 2);
	free(s);
	s = long_line(199);
	s[strlen(s) - 1] = '\0';
	good(s);
	cr_assert_eq(pol.hc_ceiling, 2, "199 characters, no final newline");
	free(s);
}

/* Longer than inih's own 200-byte buffer, parsed as any other line. */
Test(daemon_config, long_lines_as_short_ones)
{
	char text[700];

	snprintf(text, sizeof(text), "[policy]\nhotplug-mode = reject-while-running ;%300s\n"
		 "[vm a]\nhypercall-exit = %250s  map_gpa_range  \n", "", "");
	good(text);
	cr_assert_eq(pol.hotplug_mode, THINVM_HOTPLUG_REJECT_WHILE_RUNNING);
	cr_assert_eq(pol.rules[0].hc_exit, MAP_BIT);
	snprintf(text, sizeof(text), "[policy]\n\nhidden-features = npt,%300s\n", "avic,");
	bad(text, 3, "unknown feature ''");
}

/* Bad files. */

Test(daemon_config, unknown_key)
{
	bad("[policy]\n\nhypercall-cieling = none\n", 3, "unknown key 'hypercall-cieling'");
}

Test(daemon_config, unknown_section)
{
	bad("# x\n[host]\nhotplug-mode = reject\n", 3, "unknown section [host]");
}

Test(daemon_config, key_outside_a_section)
{
	bad("\nhotplug-mode = reject\n[policy]\n", 2, "outside a section");
}

Test(daemon_config, key_given_twice_names_the_first_line)
{
	bad("[policy]\nhotplug-mode = reject\n\nhotplug-mode = reject\n", 4,
	    "given twice (first on line 2)");
}

Test(daemon_config, empty_value)
{
	bad("[policy]\nhypercall-ceiling =\n", 2, "hypercall-ceiling: empty value");
	bad("[policy]\nhidden-features =   \n", 2, "empty value");
}

Test(daemon_config, bad_hypercall_name)
{
	bad("[policy]\nhypercall-default = map_gpa\n", 2, "'map_gpa' is not a list of hypercall names");
	bad("[policy]\nhypercall-default = 12,\n", 2, "is not a list");
	bad("[policy]\nhypercall-default = 12x\n", 2, "is not a list");
}

Test(daemon_config, hypercall_number_64_is_out_of_range)
{
	bad("[policy]\nhypercall-ceiling = 12, 64\n", 2, "out of range");
	bad("[policy]\nhypercall-ceiling = 0x10000000000000000\n", 2, "out of range");
}

Test(daemon_config, unknown_hotplug_mode)
{
	bad("[policy]\nhotplug-mode = allow\n", 2, "'allow' is not reject or reject-while-running");
}

Test(daemon_config, unknown_feature_name)
{
	bad("[policy]\nhidden-features = npt,warp-drive,avic\n", 2,
	    "unknown feature 'warp-drive'");
}

Test(daemon_config, hyperv_vcpu_limit_out_of_range)
{
	bad("[policy]\nhyperv-vcpu-limit = 0\n", 2, "'0' is not a number from 1 to 4096");
	bad("[policy]\nhyperv-vcpu-limit = 4097\n", 2, "'4097' is not a number");
	bad("[policy]\nhyperv-vcpu-limit = abc\n", 2, "'abc' is not a number");
	bad("[policy]\nhyperv-vcpu-limit = -1\n", 2, "is not a number");
	bad("[policy]\nhyperv-vcpu-limit = 99999999999999999999\n", 2, "is not a number");
}

Test(daemon_config, vm_max_vcpus)
{
	good("[policy]\nvm-max-vcpus = 1\n");
	cr_assert_eq(pol.set, TVD_VM_MAX_VCPUS);
	cr_assert_eq(pol.vm_max_vcpus, 1);
	good("[policy]\nvm-max-vcpus = 4294967295\n");
	cr_assert_eq(pol.vm_max_vcpus, UINT32_MAX, "the most is the module's, checked when pushed");
	good("[policy]\nvm-max-vcpus=64 ; a comment\n");
	cr_assert_eq(pol.vm_max_vcpus, 64);
}

Test(daemon_config, vm_max_vcpus_refused)
{
	bad("[policy]\nvm-max-vcpus = 0\n", 2, "vm-max-vcpus: '0' is not a number from 1 to 4294967295");
	bad("[policy]\nvm-max-vcpus = 4294967296\n", 2, "'4294967296' is not a number");
	bad("[policy]\nvm-max-vcpus = -3\n", 2, "'-3' is not a number");
	bad("[policy]\nvm-max-vcpus = 8 vcpus\n", 2, "'8 vcpus' is not a number");
	bad("[policy]\nvm-max-vcpus = 0x10\n", 2, "'0x10' is not a number");
	bad("[policy]\nvm-max-vcpus = 4\nvm-max-vcpus = 4\n", 3, "vm-max-vcpus given twice (first on line 2)");
	bad("[vm a]\nvm-max-vcpus = 4\n", 2, "unknown key 'vm-max-vcpus' in [vm a]");
}

Test(daemon_config, unknown_key_lists_every_key)
{
	bad("[policy]\nmax-vcpus = 4\n", 2,
	    "(hypercall-ceiling, hypercall-default, hotplug-mode, hidden-features, hyperv-vcpu-limit, vm-max-vcpus)");
}

Test(daemon_config, bad_vm_name)
{
	bad("[vm bad name!]\nhypercall-exit = none\n", 2, "a VM name is 1 to 63 characters");
}

Test(daemon_config, vm_section_without_a_name)
{
	bad("[vm]\nhypercall-exit = none\n", 2, "[vm NAME]");
	bad("[vm ]\nhypercall-exit = none\n", 2, "a VM name is 1 to 63");
}

Test(daemon_config, vmfoo_is_an_unknown_section)
{
	bad("[vmfoo]\nhypercall-exit = none\n", 2, "unknown section [vmfoo]");
}

Test(daemon_config, vm_name_of_64_characters)
{
	char name[65], text[160];

	memset(name, 'n', 64);
	name[64] = '\0';
	snprintf(text, sizeof(text), "[vm %s]\nhypercall-exit = none\n", name);
	bad(text, 2, "a VM name is 1 to 63 characters");
}

Test(daemon_config, hypercall_exit_twice_in_one_vm)
{
	bad("[vm a]\nhypercall-exit = none\n[vm b]\nhypercall-exit = none\n"
	    "[vm a]\nhypercall-exit = 12\n", 6,
	    "hypercall-exit of VM 'a' given twice (first on line 2)");
}

Test(daemon_config, unknown_key_in_a_vm_section)
{
	bad("[vm a]\nhypercall-exits = none\n", 2, "unknown key 'hypercall-exits' in [vm a]");
}

Test(daemon_config, line_without_equals)
{
	bad("[policy]\nhotplug-mode reject\n", 2, "not a [section], 'key = value'");
	bad("[policy\nhotplug-mode = reject\n", 1, "not a [section]");
}

Test(daemon_config, line_longer_than_2048_characters)
{
	char *s = long_line(2049);

	bad(s, 2, "line longer than 2048 characters");
	free(s);
	s = long_line(9000);
	bad(s, 2, "line longer than 2048 characters");
	free(s);
}

Test(daemon_config, the_first_error_is_reported)
{
	bad("[policy]\nhotplug-mode = allow\nnot a key\n[nope]\n", 2, "hotplug-mode");
	bad("[policy]\nnot a key\nhotplug-mode = allow\n", 2, "not a [section]");
	bad("[policy]\nhotplug-mode = reject\n[x]\n\nhotplug-mode = rejec\n", 5,
	    "unknown section [x]");
}

Test(daemon_config, default_outside_the_ceiling_is_about_the_whole_file)
{
	bad("[policy]\nhypercall-default = map_gpa_range,kick_cpu\nhypercall-ceiling = 12\n", 0,
	    "hypercall-default includes kick_cpu, which hypercall-ceiling (map_gpa_range)");
}

Test(daemon_config, rule_outside_the_ceiling)
{
	bad("[policy]\nhypercall-ceiling = none\n[vm a]\nhypercall-exit = 12\n", 0,
	    "the hypercall-exit of VM 'a' includes map_gpa_range");
}

/* Files. */

Test(daemon_config, missing_file_is_an_empty_policy)
{
	pol.set = TVD_FIELDS_ALL;
	pol.n_rules = 3;
	cr_assert_eq(tvd_config_load("/nonexistent/thinvm.conf", &pol, &err), 0);
	cr_assert_eq(pol.set, 0);
	cr_assert_eq(pol.n_rules, 0);
}

Test(daemon_config, directory_is_an_error)
{
	cr_assert_eq(tvd_config_load("/", &pol, &err), -EISDIR);
	cr_assert_str_eq(err.file, "/");
	cr_assert_str_eq(err.msg, "read error: Is a directory");
}

Test(daemon_config, unreadable_path_is_an_error)
{
	cr_assert_eq(tvd_config_load("/dev/null/thinvm.conf", &pol, &err), -ENOTDIR);
	cr_assert_str_eq(err.file, "/dev/null/thinvm.conf");
	cr_assert(strstr(err.msg, "cannot open"), "%s", err.msg);
	cr_assert_eq(pol.set, 0);
}

Test(daemon_config, load_reads_a_file)
{
	char path[] = "/tmp/test_daemon_config.XXXXXX";
	int fd = mkstemp(path);
	static const char text[] = "[policy]\nhotplug-mode = reject\nhotplug-mode = reject\n";

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	cr_assert_eq(tvd_config_load(path, &pol, &err), -EINVAL);
	unlink(path);
	cr_assert_str_eq(err.file, path);
	cr_assert_eq(err.line, 3);
}

Test(daemon_config, error_text)
{
	struct tvd_error e = { .file = "/etc/thinvm/thinvm.conf", .line = 7, .msg = "bad" };
	char buf[64];

	cr_assert_str_eq(tvd_error_text(&e, buf, sizeof(buf)), "/etc/thinvm/thinvm.conf:7: bad");
	e.line = 0;
	cr_assert_str_eq(tvd_error_text(&e, buf, sizeof(buf)), "/etc/thinvm/thinvm.conf: bad");
	cr_assert_eq(tvd_error_text(&e, buf, 8), buf);
	cr_assert_str_eq(buf, "/etc/th", "cut, terminated");
}

/* The writer. */

static void round_trip(const struct tvd_policy *p)
{
	char *text = NULL, msg[600];
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	cr_assert_eq(tvd_config_write(f, p, "a comment"), 0);
	fclose(f);
	f = fmemopen(text, size, "r");
	cr_assert_eq(tvd_config_parse(f, "written", &back, &err), 0, "%s\n%s",
		     tvd_error_text(&err, msg, sizeof(msg)), text);
	fclose(f);
	free(text);
	cr_assert_eq(tvd_policy_diff(p, &back), 0);
	cr_assert_eq(back.n_rules, p->n_rules);
	for (size_t i = 0; i < p->n_rules; i++) {
		cr_assert_str_eq(back.rules[i].name, p->rules[i].name);
		cr_assert_eq(back.rules[i].hc_exit, p->rules[i].hc_exit);
	}
}

static void add_rule(struct tvd_policy *p, const char *name, uint64_t mask)
{
	struct tvd_vm_rule *r = &p->rules[p->n_rules++];

	strcpy(r->name, name);
	r->hc_exit = mask;
}

Test(daemon_config, write_reads_back_the_same_policy)
{
	tvd_policy_init(&pol);
	pol.set = TVD_FIELDS_ALL;
	pol.hc_ceiling = MAP_BIT | 1ULL << 5 | 1ULL << 40;
	pol.hc_default = MAP_BIT;
	pol.hotplug_mode = THINVM_HOTPLUG_REJECT_WHILE_RUNNING;
	pol.hidden_features = 1 | 1ULL << 16;
	pol.hyperv_vcpu_limit = 288;
	pol.vm_max_vcpus = 16;
	add_rule(&pol, "web", MAP_BIT | 1ULL << 40);
	add_rule(&pol, "db", 0);
	round_trip(&pol);
}

Test(daemon_config, write_reads_back_an_empty_policy)
{
	tvd_policy_init(&pol);
	round_trip(&pol);
	pol.set = TVD_HC_CEILING | TVD_HIDDEN_FEATURES;
	round_trip(&pol);
}

Test(daemon_config, write_reads_back_the_widest_policy)
{
	tvd_policy_init(&pol);
	pol.set = TVD_FIELDS_ALL;
	pol.hc_ceiling = pol.hc_default = UINT64_MAX;
	pol.hidden_features = (1ULL << tnl_feature_count()) - 1;
	pol.hyperv_vcpu_limit = 4096;
	pol.vm_max_vcpus = UINT32_MAX;
	add_rule(&pol, "all", UINT64_MAX);
	round_trip(&pol);
}

Test(daemon_config, blank_inside_a_mask_item)
{
	bad("[policy]\nhypercall-ceiling = 1 2\n", 2, "blank inside an item");
	bad("[policy]\nhypercall-default = map_gpa_ range\n", 2, "blank inside an item");
	good("[policy]\nhypercall-ceiling =  map_gpa_range , 5 \n");
	cr_assert_eq(pol.hc_ceiling, (1ULL << 12) | (1ULL << 5));
}
