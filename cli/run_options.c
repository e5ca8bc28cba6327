// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl run's command line. Parsed by hand rather than with getopt_long:
 * the verb gets the arguments after its name (no program name in argv[0])
 * and the parser must be callable again and again from the unit tests,
 * which getopt's global state makes awkward.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_options.h"
#include "vmctl.h"
#include "../kmod/policy_rules.h"

const char run_usage[] =
	"usage: vmctl run [OPTIONS] IMAGE\n"
	"\n"
	"Boot a bare-metal guest: a multiboot (v1) ELF32 image or a flat binary,\n"
	"entered in 32-bit protected mode with paging off. COM1 goes to stdout;\n"
	"the guest ends the run by writing a byte V to port 0xf4 (vmctl exits V)\n"
	"or when every vCPU has halted (exit 0).\n"
	"\n"
	"  --device PATH      the hypervisor device (default /dev/thinvm; /dev/kvm works)\n"
	"  -m, --memory SIZE  guest RAM at address 0, bytes or with K, M, G (default 16M)\n"
	"  -c, --cpus N       vCPUs, each started at the entry point (default 1)\n"
	"  --name NAME        name the VM for thinvm's policy rules ([A-Za-z0-9._-])\n"
	"  --format elf|flat  how to read IMAGE (default: ELF if it starts as one)\n"
	"  --load-addr ADDR   where a flat binary is loaded and entered (default 0x100000)\n"
	"  --stats            print the exits by reason on stderr at the end\n"
	"  -h, --help         print this and exit\n"
	"\n"
	"Exit status: the guest's 0xf4 byte, 0 when all vCPUs halted, 125 when the\n"
	"guest crashed or vmctl failed, 130 on SIGINT or SIGTERM, 2 for bad usage.\n";

/* Digits only (decimal, or hex after 0x): strtoull alone takes "-1" and " 1". */
static int parse_u64(const char *s, int base, uint64_t *v, const char **end)
{
	const char *digits = base == 16 ? "0123456789abcdefABCDEF" : "0123456789";
	char *e;

	if (!strchr(digits, *s) || !*s)
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &e, base);
	if (errno)
		return -errno;
	*end = e;
	return 0;
}

int run_parse_size(const char *s, uint64_t *bytes, char *err, size_t errsize)
{
	const char *end;
	uint64_t n;
	unsigned int shift = 0;

	if (parse_u64(s, 10, &n, &end) == -ERANGE)
		return vmctl_errf(err, errsize, "\"%s\" is too large", s);
	if (parse_u64(s, 10, &n, &end))
		return vmctl_errf(err, errsize, "\"%s\" is not a size (digits, then K, M or G)", s);
	switch (*end) {
	case '\0':
		break;
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	default:
		return vmctl_errf(err, errsize, "\"%s\": unknown unit \"%s\" (K, M or G)", s, end);
	}
	if (*end && end[1])
		return vmctl_errf(err, errsize, "\"%s\": unknown unit \"%s\" (K, M or G)", s, end);
	if (n > (UINT64_MAX >> shift))
		return vmctl_errf(err, errsize, "\"%s\" is too large", s);
	*bytes = n << shift;
	return 0;
}

static int parse_memory(const char *s, uint64_t *bytes, char *err, size_t errsize)
{
	char why[128];

	if (run_parse_size(s, bytes, why, sizeof(why)))
		return vmctl_errf(err, errsize, "--memory: %s", why);
	if (*bytes > RUN_MAX_MEMORY)
		return vmctl_errf(err, errsize,
			    "--memory %s: more than 4G, which a 32-bit guest without paging cannot reach", s);
	if (*bytes < RUN_MIN_MEMORY)
		return vmctl_errf(err, errsize, "--memory %s: less than the 64K minimum%s", s,
			    strpbrk(s, "kKmMgG") ? "" : " (a bare number is bytes: add M for MiB)");
	if (*bytes % 4096)
		return vmctl_errf(err, errsize, "--memory %s: not a multiple of 4K (a page)", s);
	return 0;
}

static int parse_cpus(const char *s, unsigned int *cpus, char *err, size_t errsize)
{
	const char *end;
	uint64_t n;

	if (parse_u64(s, 10, &n, &end) || *end || n < 1 || n > RUN_MAX_CPUS)
		return vmctl_errf(err, errsize, "--cpus %s: a number of vCPUs from 1 to %d, please",
			    s, RUN_MAX_CPUS);
	*cpus = n;
	return 0;
}

static int parse_load_addr(const char *s, uint32_t *addr, char *err, size_t errsize)
{
	bool hex = !strncmp(s, "0x", 2) || !strncmp(s, "0X", 2);
	const char *end;
	uint64_t n;

	if (parse_u64(hex ? s + 2 : s, hex ? 16 : 10, &n, &end) || *end || n > UINT32_MAX)
		return vmctl_errf(err, errsize,
			    "--load-addr %s: a guest-physical address below 4G (decimal or 0x...), please", s);
	*addr = n;
	return 0;
}

static int parse_name(const char *s, char *err, size_t errsize)
{
	struct thinvm_vm_name n = { { 0 } };

	if (strlen(s) >= sizeof(n.name))
		return vmctl_errf(err, errsize, "--name: longer than %zu characters",
			    sizeof(n.name) - 1);
	memcpy(n.name, s, strlen(s));
	if (!thinvm_vm_name_valid(n.name, sizeof(n.name)))
		return vmctl_errf(err, errsize,
			    "--name \"%s\": a name is 1 to %zu characters of A-Z a-z 0-9 . _ -",
			    s, sizeof(n.name) - 1);
	return 0;
}

/*
 * The value of option @long_name (or its short form) at argv[*i]: from
 * "--opt=value", from "-mVALUE", or the next argument. NULL if argv[*i] is
 * not this option; *missing set if it is but has no value.
 */
static const char *option_value(int argc, char **argv, int *i, const char *long_name,
				char short_name, bool *missing)
{
	const char *a = argv[*i];
	size_t len = strlen(long_name);

	if (!strncmp(a, "--", 2) && !strncmp(a + 2, long_name, len)) {
		if (a[2 + len] == '=')
			return a + 3 + len;
		if (a[2 + len])
			return NULL;
	} else if (short_name && a[0] == '-' && a[1] == short_name) {
		if (a[2])
			return a + 2;
	} else {
		return NULL;
	}
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

int run_options_parse(int argc, char **argv, struct run_options *o,
		      char *err, size_t errsize)
{
	bool options_done = false;

	*o = (struct run_options){
		.device = RUN_DEFAULT_DEVICE,
		.memory = RUN_DEFAULT_MEMORY,
		.cpus = 1,
		.load_addr = RUN_DEFAULT_LOAD_ADDR,
	};
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *v;
		bool missing = false;
		int r = 0;

		if (options_done || a[0] != '-' || !a[1]) {
			if (o->image)
				return vmctl_errf(err, errsize, "one IMAGE only (\"%s\", then \"%s\")",
					    o->image, a);
			o->image = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			options_done = true;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			o->help = true;
			return 0;
		} else if (!strcmp(a, "--stats")) {
			o->stats = true;
		} else if ((v = option_value(argc, argv, &i, "device", 0, &missing))) {
			if (!*v)
				return vmctl_errf(err, errsize, "--device: an empty path");
			o->device = v;
		} else if ((v = option_value(argc, argv, &i, "memory", 'm', &missing))) {
			r = parse_memory(v, &o->memory, err, errsize);
		} else if ((v = option_value(argc, argv, &i, "cpus", 'c', &missing))) {
			r = parse_cpus(v, &o->cpus, err, errsize);
		} else if ((v = option_value(argc, argv, &i, "name", 0, &missing))) {
			r = parse_name(v, err, errsize);
			o->name = v;
		} else if ((v = option_value(argc, argv, &i, "format", 0, &missing))) {
			if (!strcmp(v, "elf"))
				o->format = RUN_FORMAT_ELF;
			else if (!strcmp(v, "flat"))
				o->format = RUN_FORMAT_FLAT;
			else
				return vmctl_errf(err, errsize, "--format %s: elf or flat", v);
		} else if ((v = option_value(argc, argv, &i, "load-addr", 0, &missing))) {
			r = parse_load_addr(v, &o->load_addr, err, errsize);
			o->load_addr_set = true;
		} else if (missing) {
			return vmctl_errf(err, errsize, "%s needs a value", a);
		} else {
			return vmctl_errf(err, errsize, "unknown option \"%s\"", a);
		}
		if (missing)
			return vmctl_errf(err, errsize, "%s needs a value", a);
		if (r)
			return r;
	}
	if (!o->image)
		return vmctl_errf(err, errsize, "no IMAGE to run");
	if (o->load_addr_set && o->format == RUN_FORMAT_ELF)
		return vmctl_errf(err, errsize,
			    "--load-addr is for flat binaries: an ELF image says where it goes");
	return 0;
}
