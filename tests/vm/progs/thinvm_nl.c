// SPDX-License-Identifier: GPL-2.0
/*
 * Not a test: a command-line client of the thinvm generic-netlink family
 * (lib/thinvm_nl.h), for the shell tests. Output is key=value fields,
 * space-separated, one object per line, so that tests can grep it:
 *
 *   thinvm_nl caps
 *	vendor=svm hc_supported=0x1000 hotplug_modes=reject,reject-while-running
 *	max_vcpus=64 possible_cpus=2
 *   thinvm_nl policy
 *   thinvm_nl set-policy [--dry-run] [ceiling=MASK] [default=MASK]
 *                        [hotplug=MODE] [generation=N]
 *	generation=2 ceiling=0x1000 default=0x0 hotplug=reject
 *	(set-policy prints the reply: the policy after it, or as it would be)
 *   thinvm_nl vms
 *	vm=1 pid=812 name=web vcpus=1 generation=1 mask=0x1000 requested=0x1000
 *	... then count=N, then intr=1 if the kernel marked the dump interrupted
 *   thinvm_nl vm ID
 *   thinvm_nl set-vm [--dry-run] ID mask=MASK [generation=N]
 *	one vm= line, as vms
 *   thinvm_nl cpus
 *	cpu=0 online=1 state=admitted virt_on=1 [reason="..."]
 *	... then count=N
 *   thinvm_nl cpu ID
 *   thinvm_nl listen [--count N] [--timeout SECONDS] [--ready-file PATH]
 *	event=vm-created vm=3 pid=812
 *	event=cpu-refused cpu=1 state=refused reason="..."
 *	event=policy-applied generation=3 ceiling=0x1000 default=0x0 hotplug=reject
 *	event=policy-applied vm=3 pid=812 vcpus=1 generation=4 mask=0x0 ...
 *	event=hypercall-refused vm=3 nr=12 hypercall=map_gpa_range suppressed=0
 *   thinvm_nl raw [--dump] [--version N] [--reserved N] CMD [HEX]
 *	sends CMD (a name as above, get-vm, or a number) with the attribute
 *	bytes HEX verbatim; prints result=ok, or result=error errno=N
 *	[offset=N] [message="..."] besides the error line
 *
 * MASK: hypercall numbers or names and 0x masks, comma-separated
 * ("map_gpa_range", "12", "0x1000", "none"); masks print in hex. MODE and
 * states print by name ("reject", "admitted"), or as numbers when unknown;
 * MODE may be given as a number too. Event fields are the ones the event
 * carried. A reason is always quoted, a name only when it needs to be.
 *
 * listen creates PATH once subscribed (a test may then cause events), prints
 * a line per event as it comes, and exits 0 after N events, or at the
 * timeout: 0 without --count, 1 if fewer than N came.
 *
 * Exit status: 0 done, 1 see listen, 2 an error (or bad usage), printed as
 * "error: <strerror> (<errno>): <extended ack>", 3 when the family is not
 * registered (the module is not loaded).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "thinvm_names.h"
#include "thinvm_nl.h"

#define EXIT_FEWER 1
#define EXIT_ERROR 2
#define EXIT_NO_FAMILY 3

/* One output line, fields separated by single spaces. */
struct line {
	bool started;
};

__attribute__((format(printf, 2, 3)))
static void field(struct line *l, const char *fmt, ...)
{
	va_list ap;

	if (l->started)
		putchar(' ');
	l->started = true;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

static void end_line(struct line *l)
{
	putchar('\n');
	l->started = false;
}

static bool plain_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

/* key="value", with quotes, backslashes and unprintable bytes escaped. */
static void field_quoted(struct line *l, const char *key, const char *s)
{
	field(l, "%s=\"", key);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* key=value as it is when that is unambiguous, else quoted. */
static void field_str(struct line *l, const char *key, const char *s)
{
	bool plain = *s != '\0';

	for (const char *p = s; *p; p++)
		plain = plain && plain_char(*p);
	if (plain)
		field(l, "%s=%s", key, s);
	else
		field_quoted(l, key, s);
}

static void field_name(struct line *l, const char *key, const char *name,
		       uint64_t v)
{
	if (name)
		field(l, "%s=%s", key, name);
	else
		field(l, "%s=%" PRIu64, key, v);
}

static void field_mask(struct line *l, const char *key, uint64_t mask)
{
	field(l, "%s=0x%" PRIx64, key, mask);
}

static void print_caps(struct line *l, const struct tnl_caps *c)
{
	char modes[128];

	field_str(l, "vendor", c->vendor);
	field_mask(l, "hc_supported", c->hc_supported);
	if (tnl_hotplug_modes_format(c->hotplug_modes, modes, sizeof(modes)))
		field(l, "hotplug_modes=0x%" PRIx32, c->hotplug_modes);
	else
		field(l, "hotplug_modes=%s", modes);
	field(l, "max_vcpus=%" PRIu32, c->max_vcpus);
	field(l, "possible_cpus=%" PRIu32, c->possible_cpus);
}

/* The fields of @p that are present; keys as set-policy takes them. */
static void print_policy(struct line *l, const struct tnl_policy *p)
{
	if (p->fields & TNL_POLICY_GENERATION)
		field(l, "generation=%" PRIu64, p->generation);
	if (p->fields & TNL_POLICY_HC_CEILING)
		field_mask(l, "ceiling", p->hc_ceiling);
	if (p->fields & TNL_POLICY_HC_DEFAULT)
		field_mask(l, "default", p->hc_default);
	if (p->fields & TNL_POLICY_HOTPLUG_MODE)
		field_name(l, "hotplug", tnl_hotplug_mode_name(p->hotplug_mode),
			   p->hotplug_mode);
}

/* Keys as set-vm takes them: generation=, mask=. */
static void print_vm(struct line *l, const struct tnl_vm *vm)
{
	if (vm->fields & TNL_VM_ID)
		field(l, "vm=%" PRIu32, vm->id);
	if (vm->fields & TNL_VM_PID)
		field(l, "pid=%" PRIu32, vm->pid);
	if (vm->fields & TNL_VM_NAME)
		field_str(l, "name", vm->name);
	if (vm->fields & TNL_VM_VCPUS)
		field(l, "vcpus=%" PRIu32, vm->vcpus);
	if (vm->fields & TNL_VM_POLICY_GENERATION)
		field(l, "generation=%" PRIu64, vm->policy_generation);
	if (vm->fields & TNL_VM_HC_EXIT_MASK)
		field_mask(l, "mask", vm->hc_exit_mask);
	if (vm->fields & TNL_VM_HC_REQUESTED)
		field_mask(l, "requested", vm->hc_requested);
}

static void print_cpu(struct line *l, const struct tnl_cpu *cpu)
{
	if (cpu->fields & TNL_CPU_ID)
		field(l, "cpu=%" PRIu32, cpu->id);
	if (cpu->fields & TNL_CPU_ONLINE)
		field(l, "online=%d", cpu->online);
	if (cpu->fields & TNL_CPU_STATE)
		field_name(l, "state", tnl_cpu_state_name(cpu->state), cpu->state);
	if (cpu->fields & TNL_CPU_VIRT_ON)
		field(l, "virt_on=%d", cpu->virt_on);
	if (cpu->fields & TNL_CPU_REASON)
		field_quoted(l, "reason", cpu->reason);
}

static void print_hypercall(struct line *l, const struct tnl_hypercall *hc)
{
	if (hc->fields & TNL_HC_NR) {
		field(l, "nr=%" PRIu64, hc->nr);
		if (tnl_hc_name(hc->nr))
			field(l, "hypercall=%s", tnl_hc_name(hc->nr));
	}
	if (hc->fields & TNL_HC_SUPPRESSED)
		field(l, "suppressed=%" PRIu32, hc->suppressed);
}

static void print_event(const struct tnl_event *ev)
{
	struct line l = { 0 };
	const char *name = tnl_cmd_name(ev->cmd);

	if (name)
		field(&l, "event=%s", name);
	else
		field(&l, "event=cmd-%u", ev->cmd);
	if (ev->has & TNL_EV_VM)
		print_vm(&l, &ev->vm);
	if (ev->has & TNL_EV_CPU)
		print_cpu(&l, &ev->cpu);
	if (ev->has & TNL_EV_POLICY)
		print_policy(&l, &ev->policy);
	if (ev->has & TNL_EV_HYPERCALL)
		print_hypercall(&l, &ev->hc);
	end_line(&l);
}

/* Errors */

static int usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage(const char *fmt, ...)
{
	va_list ap;

	fputs("error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nusage: thinvm_nl caps | policy | set-policy [--dry-run] "
	      "[ceiling=MASK] [default=MASK] [hotplug=MODE] [generation=N] |\n"
	      "       vms | vm ID | set-vm [--dry-run] ID mask=MASK [generation=N] |\n"
	      "       cpus | cpu ID |\n"
	      "       listen [--count N] [--timeout SECONDS] [--ready-file PATH] |\n"
	      "       raw [--dump] [--version N] [--reserved N] CMD [HEX]\n",
	      stderr);
	return EXIT_ERROR;
}

static void print_error(int err, const char *msg)
{
	if (msg && *msg)
		fprintf(stderr, "error: %s (%d): %s\n", strerror(-err), -err, msg);
	else
		fprintf(stderr, "error: %s (%d)\n", strerror(-err), -err);
}

static int fail(const struct tnl *h, int err)
{
	print_error(err, tnl_last_error(h));
	return EXIT_ERROR;
}

/* The handle, or the exit status: 3 when the module is not loaded. */
static int open_family(struct tnl **h)
{
	int r = tnl_open(h);

	if (r == -ENOENT) {
		print_error(r, "generic-netlink family \"" THINVM_GENL_NAME
			    "\" is not registered: is the thinvm module loaded?");
		return EXIT_NO_FAMILY;
	}
	if (r < 0) {
		print_error(r, NULL);
		return EXIT_ERROR;
	}
	return 0;
}

/* Argument parsing */

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno)
		return -errno;
	return *end ? -EINVAL : 0;
}

static int parse_u32(const char *s, uint32_t *v)
{
	uint64_t v64;
	int r = parse_u64(s, &v64);

	if (r)
		return r;
	if (v64 > UINT32_MAX)
		return -ERANGE;
	*v = (uint32_t)v64;
	return 0;
}

/* A name, or a number to send what the names do not cover. */
static int parse_mode(const char *s, uint32_t *mode)
{
	return parse_u32(s, mode) ? tnl_hotplug_mode_parse(s, mode) : 0;
}

/* "key=value": the value if @arg has @key, else NULL. */
static const char *value_of(const char *arg, const char *key)
{
	size_t n = strlen(key);

	return !strncmp(arg, key, n) && arg[n] == '=' ? arg + n + 1 : NULL;
}

/* Commands */

static int cmd_caps(int argc, char **argv)
{
	struct tnl_caps caps;
	struct line l = { 0 };
	struct tnl *h;
	int r;

	(void)argv;
	if (argc)
		return usage("caps takes no arguments");
	r = open_family(&h);
	if (r)
		return r;
	r = tnl_get_caps(h, &caps);
	if (r < 0)
		return fail(h, r);
	print_caps(&l, &caps);
	end_line(&l);
	tnl_close(h);
	return 0;
}

static int cmd_policy(int argc, char **argv)
{
	struct tnl_policy p;
	struct line l = { 0 };
	struct tnl *h;
	int r;

	(void)argv;
	if (argc)
		return usage("policy takes no arguments");
	r = open_family(&h);
	if (r)
		return r;
	r = tnl_get_policy(h, &p);
	if (r < 0)
		return fail(h, r);
	print_policy(&l, &p);
	end_line(&l);
	tnl_close(h);
	return 0;
}

static int cmd_set_policy(int argc, char **argv)
{
	struct tnl_policy want = { 0 }, got;
	struct line l = { 0 };
	unsigned int fields = 0;
	uint32_t flags = 0;
	struct tnl *h;
	const char *v;
	int r;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--dry-run")) {
			flags |= THINVM_SET_F_DRY_RUN;
		} else if ((v = value_of(a, "ceiling"))) {
			if (tnl_hc_mask_parse(v, &want.hc_ceiling))
				return usage("bad mask: %s", a);
			fields |= TNL_POLICY_HC_CEILING;
		} else if ((v = value_of(a, "default"))) {
			if (tnl_hc_mask_parse(v, &want.hc_default))
				return usage("bad mask: %s", a);
			fields |= TNL_POLICY_HC_DEFAULT;
		} else if ((v = value_of(a, "hotplug"))) {
			if (parse_mode(v, &want.hotplug_mode))
				return usage("bad hotplug mode: %s", a);
			fields |= TNL_POLICY_HOTPLUG_MODE;
		} else if ((v = value_of(a, "generation"))) {
			if (parse_u64(v, &want.generation))
				return usage("bad generation: %s", a);
			fields |= TNL_POLICY_GENERATION;
		} else {
			return usage("unknown argument: %s", a);
		}
	}
	r = open_family(&h);
	if (r)
		return r;
	r = tnl_set_policy(h, &want, fields, flags, &got);
	if (r < 0)
		return fail(h, r);
	print_policy(&l, &got);
	end_line(&l);
	tnl_close(h);
	return 0;
}

static int print_vm_line(const struct tnl_vm *vm, void *arg)
{
	struct line l = { 0 };
	unsigned int *count = arg;

	print_vm(&l, vm);
	end_line(&l);
	if (count)
		(*count)++;
	return 0;
}

static int print_cpu_line(const struct tnl_cpu *cpu, void *arg)
{
	struct line l = { 0 };
	unsigned int *count = arg;

	print_cpu(&l, cpu);
	end_line(&l);
	if (count)
		(*count)++;
	return 0;
}

/* vms and cpus: the objects, then count=N, then intr=1 if interrupted. */
static int cmd_dump(int argc, bool vms)
{
	unsigned int count = 0;
	struct tnl *h;
	int r;

	if (argc)
		return usage("%s takes no arguments", vms ? "vms" : "cpus");
	r = open_family(&h);
	if (r)
		return r;
	r = vms ? tnl_dump_vms(h, print_vm_line, &count) :
		  tnl_dump_cpus(h, print_cpu_line, &count);
	if (r < 0)
		return fail(h, r);
	printf("count=%u\n", count);
	if (r > 0)
		printf("intr=1\n");
	tnl_close(h);
	return 0;
}

static int cmd_vms(int argc, char **argv)
{
	(void)argv;
	return cmd_dump(argc, true);
}

static int cmd_cpus(int argc, char **argv)
{
	(void)argv;
	return cmd_dump(argc, false);
}

static int cmd_vm(int argc, char **argv)
{
	struct tnl_vm vm;
	uint32_t id;
	struct tnl *h;
	int r;

	if (argc != 1 || parse_u32(argv[0], &id))
		return usage("vm takes one VM id");
	r = open_family(&h);
	if (r)
		return r;
	r = tnl_get_vm(h, id, &vm);
	if (r < 0)
		return fail(h, r);
	print_vm_line(&vm, NULL);
	tnl_close(h);
	return 0;
}

static int cmd_set_vm(int argc, char **argv)
{
	struct tnl_vm want = { 0 }, got;
	unsigned int fields = 0;
	uint32_t flags = 0;
	bool have_id = false;
	struct tnl *h;
	const char *v;
	int r;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--dry-run")) {
			flags |= THINVM_SET_F_DRY_RUN;
		} else if ((v = value_of(a, "mask"))) {
			if (tnl_hc_mask_parse(v, &want.hc_exit_mask))
				return usage("bad mask: %s", a);
			fields |= TNL_VM_HC_EXIT_MASK;
		} else if ((v = value_of(a, "generation"))) {
			if (parse_u64(v, &want.policy_generation))
				return usage("bad generation: %s", a);
			fields |= TNL_VM_POLICY_GENERATION;
		} else if (!have_id && !parse_u32(a, &want.id)) {
			have_id = true;
		} else {
			return usage("unknown argument: %s", a);
		}
	}
	if (!have_id || !(fields & TNL_VM_HC_EXIT_MASK))
		return usage("set-vm takes a VM id and mask=MASK");
	r = open_family(&h);
	if (r)
		return r;
	r = tnl_set_vm_policy(h, &want, fields, flags, &got);
	if (r < 0)
		return fail(h, r);
	print_vm_line(&got, NULL);
	tnl_close(h);
	return 0;
}

static int cmd_cpu(int argc, char **argv)
{
	struct tnl_cpu cpu;
	uint32_t id;
	struct tnl *h;
	int r;

	if (argc != 1 || parse_u32(argv[0], &id))
		return usage("cpu takes one CPU id");
	r = open_family(&h);
	if (r)
		return r;
	r = tnl_get_cpu(h, id, &cpu);
	if (r < 0)
		return fail(h, r);
	print_cpu_line(&cpu, NULL);
	tnl_close(h);
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The file a test waits for: it exists once events can be caught. */
static int make_ready_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int cmd_listen(int argc, char **argv)
{
	const char *ready = NULL;
	bool counted = false, timed = false;
	uint32_t count = 0, seen = 0;
	double timeout = 0, deadline = 0;
	struct tnl *h;
	int r;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;

		if (!v)
			return usage("%s needs a value", a);
		if (!strcmp(a, "--count")) {
			if (parse_u32(v, &count))
				return usage("bad count: %s", v);
			counted = true;
		} else if (!strcmp(a, "--timeout")) {
			timeout = strtod(v, &end);
			if (end == v || *end || !(timeout >= 0 && timeout < 1e9))
				return usage("bad timeout: %s", v);
			timed = true;
		} else if (!strcmp(a, "--ready-file")) {
			ready = v;
		} else {
			return usage("unknown argument: %s", a);
		}
		i++;
	}
	r = open_family(&h);
	if (r)
		return r;
	r = tnl_subscribe(h);
	if (r < 0)
		return fail(h, r);
	if (ready && (r = make_ready_file(ready)) < 0) {
		print_error(r, ready);
		return EXIT_ERROR;
	}
	deadline = now_s() + timeout;
	while (!counted || seen < count) {
		struct tnl_event ev;
		int ms = -1;

		if (timed) {
			double left = deadline - now_s();

			if (left <= 0)
				break;
			ms = (int)(left * 1000) + 1;	/* < 1e9 s: fits */
		}
		r = tnl_next_event(h, &ev, ms);
		if (r < 0)
			return fail(h, r);
		if (r == 0)
			continue;	/* the deadline check above ends it */
		print_event(&ev);
		fflush(stdout);
		seen++;
	}
	tnl_close(h);
	return counted && seen < count ? EXIT_FEWER : 0;
}

static int hex_value(char c)
{
	const char *digits = "0123456789abcdef";
	const char *p = c ? strchr(digits, c | 0x20) : NULL;

	return p ? (int)(p - digits) : -1;
}

static int parse_hex(const char *s, uint8_t *buf, size_t size, size_t *len)
{
	size_t n = strlen(s);

	if (n % 2 || n / 2 > size)
		return -EINVAL;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hex_value(s[2 * i]), lo = hex_value(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		buf[i] = (uint8_t)(hi << 4 | lo);
	}
	*len = n / 2;
	return 0;
}

static int parse_cmd(const char *s, uint8_t *cmd)
{
	uint32_t v;

	if (!parse_u32(s, &v)) {
		if (v > UINT8_MAX)
			return -ERANGE;
		*cmd = (uint8_t)v;
		return 0;
	}
	return tnl_cmd_parse(s, cmd);
}

static int cmd_raw(int argc, char **argv)
{
	static uint8_t payload[65536];
	uint32_t version = THINVM_GENL_VERSION, reserved = 0;
	int flags = 0, i;
	size_t len = 0;
	uint8_t cmd;
	struct tnl *h;
	int r;

	for (i = 0; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--dump")) {
			flags |= NLM_F_DUMP;
		} else if (!strcmp(argv[i], "--version") && i + 1 < argc) {
			if (parse_u32(argv[++i], &version) || version > UINT8_MAX)
				return usage("bad version: %s", argv[i]);
		} else if (!strcmp(argv[i], "--reserved") && i + 1 < argc) {
			if (parse_u32(argv[++i], &reserved) || reserved > UINT16_MAX)
				return usage("bad reserved: %s", argv[i]);
		} else {
			return usage("unknown argument: %s", argv[i]);
		}
	}
	if (i == argc || argc - i > 2 || parse_cmd(argv[i], &cmd))
		return usage("raw takes a command and optionally hex bytes");
	if (argc - i == 2 && parse_hex(argv[i + 1], payload, sizeof(payload), &len))
		return usage("bad hex bytes: %s", argv[i + 1]);
	r = open_family(&h);
	if (r)
		return r;
	r = tnl_request_raw(h, cmd, (uint8_t)version, (uint16_t)reserved, flags,
			    payload, len);
	if (r < 0) {
		struct line l = { 0 };

		field(&l, "result=error");
		field(&l, "errno=%d", -r);
		if (tnl_last_error_offset(h) >= 0)
			field(&l, "offset=%d", tnl_last_error_offset(h));
		if (*tnl_last_error(h))
			field_quoted(&l, "message", tnl_last_error(h));
		end_line(&l);
		return fail(h, r);
	}
	printf("result=ok\n");
	tnl_close(h);
	return 0;
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "caps", cmd_caps },
	{ "policy", cmd_policy },
	{ "set-policy", cmd_set_policy },
	{ "vms", cmd_vms },
	{ "vm", cmd_vm },
	{ "set-vm", cmd_set_vm },
	{ "cpus", cmd_cpus },
	{ "cpu", cmd_cpu },
	{ "listen", cmd_listen },
	{ "raw", cmd_raw },
};

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage("no command");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 2, argv + 2);
	return usage("unknown command: %s", argv[1]);
}
