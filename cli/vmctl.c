// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl: the thinvm command-line tool (vmctl(8)). Verbs come from a table;
 * each prints aligned text for people or, with --json, one JSON document.
 * Policy and state come from thinvmd over D-Bus; "run" (run.c) is a small
 * VMM on /dev/thinvm. Exit codes: vmctl.h.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "run.h"
#include "vmctl.h"

/* The verbs; each checks its own sub-verbs and their arguments. */
static const struct verb {
	const char *name;
	int min_args, max_args;		/* max -1: any number */
	int (*run)(int argc, char **argv);
} verbs[] = {
	{ "status", 0, 0, verb_status },
	{ "cpus", 0, 0, verb_cpus },
	{ "vms", 0, 0, verb_vms },
	{ "vm", 1, -1, verb_vm },
	{ "policy", 0, -1, verb_policy },
	{ "events", 0, 0, verb_events },
	{ "profile", 0, -1, verb_profile },
	{ "run", 0, -1, vmctl_run },
};

static const char usage_text[] =
	"usage: vmctl [--json] [--no-legend] VERB [ARGS...]\n"
	"\n"
	"  status                              the module, its features, thinvmd, its policy\n"
	"  cpus                                every CPU: online, admission state, why refused\n"
	"  vms                                 every VM: id, name, owner, vCPUs, hypercall exits\n"
	"  vm show ID|NAME                     one VM\n"
	"  vm policy ID|NAME hypercall-exit=MASK\n"
	"                                      what one running VM's hypercalls may exit to\n"
	"  policy [show]                       the host policy in force\n"
	"  policy set KEY=VALUE...             change it (all the keys given, or none)\n"
	"  policy reset [KEY...]               back to thinvm.conf's values\n"
	"  events                              follow thinvmd's events until Ctrl-C\n"
	"  profile [--cpuid]                   what a VM created here now would be offered\n"
	"  profile baseline FILE...            what every host of saved profiles offers,\n"
	"                                      and the policy that makes each offer that\n"
	"  run [OPTIONS] IMAGE                 boot a bare-metal guest image (vmctl run --help)\n"
	"\n"
	"  -j, --json        JSON: one document (events: one object per line)\n"
	"      --no-legend   tables without their header line\n"
	"  -h, --help        this text\n"
	"\n"
	"KEY: hypercall-ceiling, hypercall-default, hotplug-mode, hidden-features,\n"
	"hyperv-vcpu-limit, vm-max-vcpus. See vmctl(8).\n";

int main(int argc, char **argv)
{
	enum { OPT_NO_LEGEND = 256 };
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "no-legend", no_argument, NULL, OPT_NO_LEGEND },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *name;
	int c, nargs;

	/* "+": options end at the verb, whose own arguments may look like options. */
	while ((c = getopt_long(argc, argv, "+jh", options, NULL)) != -1) {
		switch (c) {
		case 'j':
			vmctl_opt.json = true;
			break;
		case OPT_NO_LEGEND:
			vmctl_opt.legend = false;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return VMCTL_EXIT_OK;
		default:
			fprintf(stderr, "Try 'vmctl --help'.\n");
			return VMCTL_EXIT_USAGE;
		}
	}
	name = optind < argc ? argv[optind] : "status";
	nargs = optind < argc ? argc - optind - 1 : 0;
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		const struct verb *v = &verbs[i];

		if (strcmp(v->name, name))
			continue;
		if (nargs < v->min_args || (v->max_args >= 0 && nargs > v->max_args))
			return vmctl_fail(VMCTL_EXIT_USAGE, "%s: wrong number of arguments. Try 'vmctl --help'.",
					  name);
		return v->run(nargs, argv + optind + 1);
	}
	return vmctl_fail(VMCTL_EXIT_USAGE, "\"%s\" is not a verb. Try 'vmctl --help'.", name);
}
