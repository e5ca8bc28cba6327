// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl: the thinvm command-line tool. Verbs come from a table; each verb
 * prints aligned text for people or, with --json, one JSON document.
 *
 * Exit codes: 0 success, 1 failure, 2 usage error, 3 thinvm not loaded.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "run.h"
#include "status.h"

#define EXIT_USAGE 2
#define EXIT_NOT_LOADED 3

static bool arg_json;

static int verb_status(int argc, char **argv)
{
	struct vmctl_status st;
	int r;

	(void)argc;
	(void)argv;
	r = vmctl_status_read("/sys", &st);
	if (r) {
		fprintf(stderr, "vmctl: cannot read thinvm's state from sysfs: %s\n",
			strerror(-r));
		vmctl_status_free(&st);
		return 1;
	}
	if (arg_json)
		vmctl_status_print_json(stdout, &st);
	else
		vmctl_status_print(stdout, &st);
	r = st.loaded ? 0 : EXIT_NOT_LOADED;
	vmctl_status_free(&st);
	return r;
}

static const struct verb {
	const char *name;
	int min_args, max_args;
	int (*run)(int argc, char **argv);
	const char *help;
} verbs[] = {
	{ "status", 0, 0, verb_status, "show whether thinvm is loaded and where virtualization is on" },
	{ "run", 0, VMCTL_RUN_MAX_ARGS, vmctl_run, "boot a bare-metal guest image (vmctl run --help)" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: vmctl [--json] VERB [ARGS...]\n\nverbs:\n");
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(out, "  %-10s %s\n", verbs[i].name, verbs[i].help);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *name;
	int c;

	while ((c = getopt_long(argc, argv, "+h", options, NULL)) != -1) {
		switch (c) {
		case 'j':
			arg_json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	name = optind < argc ? argv[optind] : "status";
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		const struct verb *v = &verbs[i];
		int nargs = argc - optind - 1;

		if (strcmp(v->name, name))
			continue;
		if (nargs < 0)
			nargs = 0;
		if (nargs < v->min_args || nargs > v->max_args) {
			fprintf(stderr, "vmctl: %s takes %d to %d arguments\n",
				v->name, v->min_args, v->max_args);
			return EXIT_USAGE;
		}
		return v->run(nargs, argv + optind + 1);
	}
	fprintf(stderr, "vmctl: unknown verb \"%s\"\n", name);
	usage(stderr);
	return EXIT_USAGE;
}
