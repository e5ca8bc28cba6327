// SPDX-License-Identifier: GPL-2.0
/* vmctl run's command line (cli/run_options.c). */
#include <criterion/criterion.h>
#include <string.h>

#include "../../cli/run_options.h"

static struct run_options o;
static char err[256];

/* Parse a NULL-terminated list; returns what run_options_parse() did. */
#define PARSE(...) parse((char *[]){ __VA_ARGS__, NULL })

static int parse(char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	err[0] = '\0';
	return run_options_parse(argc, argv, &o, err, sizeof(err));
}

static void refused(char **argv, const char *needle)
{
	cr_assert_eq(parse(argv), -1, "accepted, wanted \"%s\"", needle);
	cr_assert(strstr(err, needle), "message \"%s\" lacks \"%s\"", err, needle);
}
#define REFUSED(needle, ...) refused((char *[]){ __VA_ARGS__, NULL }, needle)

Test(run_options, defaults)
{
	cr_assert_eq(PARSE("guest.elf"), 0, "%s", err);
	cr_assert_str_eq(o.device, "/dev/thinvm");
	cr_assert_eq(o.memory, 16ull << 20);
	cr_assert_eq(o.cpus, 1);
	cr_assert_null(o.name);
	cr_assert_eq(o.format, RUN_FORMAT_AUTO);
	cr_assert_eq(o.load_addr, 0x100000);
	cr_assert_not(o.load_addr_set);
	cr_assert_not(o.stats);
	cr_assert_not(o.help);
	cr_assert_str_eq(o.image, "guest.elf");
}

Test(run_options, every_option_in_every_spelling)
{
	cr_assert_eq(PARSE("--device", "/dev/kvm", "-m", "32M", "-c", "3", "--name", "web.1",
			   "--format", "flat", "--load-addr", "0x2000", "--stats", "g.bin"), 0, "%s", err);
	cr_assert_str_eq(o.device, "/dev/kvm");
	cr_assert_eq(o.memory, 32ull << 20);
	cr_assert_eq(o.cpus, 3);
	cr_assert_str_eq(o.name, "web.1");
	cr_assert_eq(o.format, RUN_FORMAT_FLAT);
	cr_assert_eq(o.load_addr, 0x2000);
	cr_assert(o.load_addr_set);
	cr_assert(o.stats);

	cr_assert_eq(PARSE("--memory=1G", "--cpus=2", "--device=/dev/x", "--format=elf", "g"), 0);
	cr_assert_eq(o.memory, 1ull << 30);
	cr_assert_eq(o.cpus, 2);
	cr_assert_str_eq(o.device, "/dev/x");
	cr_assert_eq(o.format, RUN_FORMAT_ELF);

	cr_assert_eq(PARSE("-m64k", "-c4", "g"), 0, "%s", err);
	cr_assert_eq(o.memory, 64 << 10);
	cr_assert_eq(o.cpus, 4);
	cr_assert_eq(PARSE("--load-addr", "4096", "g"), 0);
	cr_assert_eq(o.load_addr, 4096);
}

Test(run_options, image_anywhere_and_after_double_dash)
{
	cr_assert_eq(PARSE("g.elf", "--cpus", "2"), 0);
	cr_assert_str_eq(o.image, "g.elf");
	cr_assert_eq(o.cpus, 2);
	cr_assert_eq(PARSE("--", "-odd-name"), 0);
	cr_assert_str_eq(o.image, "-odd-name");
	cr_assert_eq(PARSE("--stats", "--", "--stats"), 0);
	cr_assert_str_eq(o.image, "--stats");
}

Test(run_options, help_stops_parsing)
{
	cr_assert_eq(PARSE("--bogus-later-is-not-looked-at", "x", "y"), -1);
	cr_assert_eq(PARSE("-h", "--bogus"), 0);
	cr_assert(o.help);
	cr_assert_eq(PARSE("--help"), 0);
	cr_assert(o.help);
}

Test(run_options, usage_errors)
{
	cr_assert_eq(PARSE("--stats"), -1);
	cr_assert(strstr(err, "no IMAGE"));
	REFUSED("one IMAGE only", "a", "b");
	REFUSED("unknown option \"--frob\"", "--frob", "a");
	REFUSED("unknown option \"-x\"", "-x", "a");
	REFUSED("--cpus needs a value", "a", "--cpus");
	REFUSED("-m needs a value", "a", "-m");
	REFUSED("--device: an empty path", "--device", "", "a");
	REFUSED("--format vmdk: elf or flat", "--format", "vmdk", "a");
	REFUSED("--load-addr is for flat binaries", "--format", "elf", "--load-addr", "0", "a");
	/* A prefix of an option is not that option. */
	REFUSED("unknown option \"--memoryx\"", "--memoryx", "1M", "a");
	REFUSED("unknown option \"--cpu\"", "--cpu", "1", "a");
}

Test(run_options, cpus_range)
{
	cr_assert_eq(PARSE("-c", "256", "a"), 0);
	cr_assert_eq(o.cpus, 256);
	REFUSED("from 1 to 256", "-c", "0", "a");
	REFUSED("from 1 to 256", "-c", "257", "a");
	REFUSED("from 1 to 256", "-c", "-1", "a");
	REFUSED("from 1 to 256", "-c", "2x", "a");
	REFUSED("from 1 to 256", "-c", "", "a");
	REFUSED("from 1 to 256", "-c", "99999999999999999999999", "a");
}

Test(run_options, memory_sizes)
{
	cr_assert_eq(PARSE("-m", "4G", "a"), 0, "%s", err);
	cr_assert_eq(o.memory, 4ull << 30);
	cr_assert_eq(PARSE("-m", "65536", "a"), 0, "%s", err);
	cr_assert_eq(o.memory, 65536);
	cr_assert_eq(PARSE("-m", "2m", "a"), 0);
	cr_assert_eq(o.memory, 2 << 20);
	REFUSED("more than 4G", "-m", "4194308K", "a");
	REFUSED("more than 4G", "-m", "5G", "a");
	REFUSED("less than the 64K minimum (a bare number is bytes: add M for MiB)", "-m", "64", "a");
	REFUSED("less than the 64K minimum", "-m", "60K", "a");
	REFUSED("not a multiple of 4K", "-m", "65537", "a");
	REFUSED("is too large", "-m", "99999999999999999999", "a");
	REFUSED("is too large", "-m", "18446744073709551615G", "a");
	REFUSED("unknown unit \"MB\"", "-m", "12MB", "a");
	REFUSED("unknown unit \"T\"", "-m", "1T", "a");
	REFUSED("not a size", "-m", "-5M", "a");
	REFUSED("not a size", "-m", " 1M", "a");
	REFUSED("not a size", "-m", "", "a");
	REFUSED("not a size", "-m", "M", "a");
}

Test(run_options, parse_size_edges)
{
	uint64_t n;

	cr_assert_eq(run_parse_size("17179869183G", &n, err, sizeof(err)), 0);
	cr_assert_eq(n, 17179869183ull << 30);
	cr_assert_eq(run_parse_size("17179869184G", &n, err, sizeof(err)), -1);
	cr_assert_eq(run_parse_size("0", &n, err, sizeof(err)), 0);
	cr_assert_eq(n, 0);
}

Test(run_options, load_addresses)
{
	cr_assert_eq(PARSE("--load-addr", "0xffffffff", "a"), 0);
	cr_assert_eq(o.load_addr, 0xffffffffu);
	cr_assert_eq(PARSE("--load-addr", "0X10", "a"), 0);
	cr_assert_eq(o.load_addr, 0x10);
	REFUSED("below 4G", "--load-addr", "0x100000000", "a");
	REFUSED("below 4G", "--load-addr", "0x", "a");
	REFUSED("below 4G", "--load-addr", "0x1g", "a");
	REFUSED("below 4G", "--load-addr", "-1", "a");
	REFUSED("below 4G", "--load-addr", "4294967296", "a");
}

Test(run_options, names_follow_the_module_rule)
{
	char longest[64], too_long[65];

	memset(longest, 'a', 63);
	longest[63] = '\0';
	memset(too_long, 'a', 64);
	too_long[64] = '\0';
	cr_assert_eq(PARSE("--name", longest, "a"), 0, "%s", err);
	cr_assert_eq(PARSE("--name", "A-z_0.9", "a"), 0, "%s", err);
	REFUSED("longer than 63 characters", "--name", too_long, "a");
	REFUSED("a name is 1 to 63 characters", "--name", "", "a");
	REFUSED("a name is 1 to 63 characters", "--name", "has space", "a");
	REFUSED("a name is 1 to 63 characters", "--name", "slash/y", "a");
}
