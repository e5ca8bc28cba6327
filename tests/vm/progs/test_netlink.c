// SPDX-License-Identifier: GPL-2.0
/*
 * The generic-netlink family "thinvm" (include/uapi/linux/thinvm.h), driven
 * through the client library the daemon uses (lib/thinvm_nl.c): capabilities,
 * the host policy (dry runs, generations, all-or-nothing checks), VMs by id
 * with their owner, name and policy, a dump of 500 VMs, events, and the
 * refusals: an unprivileged caller, and malformed messages built byte by
 * byte, each of which must get its errno and change nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "thinvm_nl.h"
#include "thinvm_raw.h"
#include "vmtest.h"

const bool vt_compares_with_kvm = false;

#define MAP_BIT (1ULL << 12)	/* KVM_HC_MAP_GPA_RANGE */
#define NR_MANY 500

static struct tnl *nl;

static void check_caps(void)
{
	struct tnl_caps caps;

	TEST_ASSERT(!tnl_get_caps(nl, &caps), "GET_CAPS: %s", tnl_last_error(nl));
	TEST_ASSERT(!strcmp(caps.vendor, vt_vendor()), "vendor %s", caps.vendor);
	TEST_ASSERT(caps.hc_supported == MAP_BIT, "hc_supported %#llx",
		    (unsigned long long)caps.hc_supported);
	TEST_ASSERT(caps.hotplug_modes == 3, "hotplug modes %#x", caps.hotplug_modes);
	TEST_ASSERT(caps.possible_cpus >= (unsigned int)sysconf(_SC_NPROCESSORS_ONLN),
		    "possible CPUs %u", caps.possible_cpus);
	vt_log("caps: vendor %s, hypercalls %#llx, max vCPUs %u, %u CPUs",
	       caps.vendor, (unsigned long long)caps.hc_supported, caps.max_vcpus,
	       caps.possible_cpus);
}

static struct tnl_policy get_policy(void)
{
	struct tnl_policy p;

	TEST_ASSERT(!tnl_get_policy(nl, &p), "GET_POLICY: %s", tnl_last_error(nl));
	return p;
}

static void expect_policy_unchanged(const struct tnl_policy *before, const char *what)
{
	struct tnl_policy now = get_policy();

	TEST_ASSERT(now.generation == before->generation &&
		    now.hc_ceiling == before->hc_ceiling &&
		    now.hc_default == before->hc_default &&
		    now.hotplug_mode == before->hotplug_mode,
		    "%s changed the policy: generation %llu -> %llu", what,
		    (unsigned long long)before->generation,
		    (unsigned long long)now.generation);
}

static void check_policy(void)
{
	struct tnl_policy before = get_policy(), want = { 0 }, reply;
	int r;

	/* A dry run answers what would be, and changes nothing. */
	want.hc_default = MAP_BIT;
	r = tnl_set_policy(nl, &want, TNL_POLICY_HC_DEFAULT, THINVM_SET_F_DRY_RUN, &reply);
	TEST_ASSERT(!r, "dry run: %s", tnl_last_error(nl));
	TEST_ASSERT(reply.hc_default == MAP_BIT &&
		    reply.generation == before.generation + 1, "dry-run reply");
	expect_policy_unchanged(&before, "a dry run");

	/* All or nothing: a valid mode with a default above the ceiling. */
	want = (struct tnl_policy){ .hc_ceiling = 0, .hc_default = MAP_BIT,
				    .hotplug_mode = THINVM_HOTPLUG_REJECT_WHILE_RUNNING };
	r = tnl_set_policy(nl, &want, TNL_POLICY_HC_CEILING | TNL_POLICY_HC_DEFAULT |
			   TNL_POLICY_HOTPLUG_MODE, 0, &reply);
	TEST_ASSERT(r == -EINVAL && strstr(tnl_last_error(nl), "ceiling"),
		    "default above ceiling: %d (%s)", r, tnl_last_error(nl));
	expect_policy_unchanged(&before, "a refused push");

	/* A generation not above the one in force. */
	want = (struct tnl_policy){ .generation = before.generation, .hc_default = 0 };
	r = tnl_set_policy(nl, &want, TNL_POLICY_GENERATION | TNL_POLICY_HC_DEFAULT, 0, &reply);
	TEST_ASSERT(r == -ESTALE, "stale generation: %d", r);
	expect_policy_unchanged(&before, "a stale push");

	/* A real push, with the daemon's generation echoed. */
	want = (struct tnl_policy){ .generation = before.generation + 10,
				    .hc_default = before.hc_default };
	r = tnl_set_policy(nl, &want, TNL_POLICY_GENERATION | TNL_POLICY_HC_DEFAULT, 0, &reply);
	TEST_ASSERT(!r && reply.generation == before.generation + 10,
		    "push: %d, generation %llu", r, (unsigned long long)reply.generation);
	TEST_ASSERT(get_policy().generation == before.generation + 10, "generation kept");
}

/* One malformed request: the errno it must get, and nothing may change. */
struct bad_request {
	const char *what;
	uint8_t cmd;
	uint16_t reserved;
	int expect;
	void (*build)(struct tnl_raw *r);
	const char *msg;	/* in the extended ack: refused for this reason */
};

static void b_none(struct tnl_raw *r) { (void)r; }
static void b_unknown_top(struct tnl_raw *r) { tnl_raw_put_u32(r, 99, 1); }
static void b_policy_not_nested(struct tnl_raw *r) { tnl_raw_put_u32(r, THINVM_A_POLICY, 1); }

static void b_policy_short_u64(struct tnl_raw *r)
{
	size_t n = tnl_raw_nest_start(r, THINVM_A_POLICY | NLA_F_NESTED);

	tnl_raw_put_u32(r, THINVM_A_POLICY_HC_CEILING, 0);
	tnl_raw_nest_end(r, n);
}

static void b_policy_bad_mode(struct tnl_raw *r)
{
	size_t n = tnl_raw_nest_start(r, THINVM_A_POLICY | NLA_F_NESTED);

	tnl_raw_put_u32(r, THINVM_A_POLICY_HOTPLUG_MODE, 7);
	tnl_raw_nest_end(r, n);
}

static void b_policy_unknown_inner(struct tnl_raw *r)
{
	size_t n = tnl_raw_nest_start(r, THINVM_A_POLICY | NLA_F_NESTED);

	tnl_raw_put_u64(r, THINVM_A_POLICY_HC_DEFAULT, 0);
	tnl_raw_put_u32(r, 42, 0);
	tnl_raw_nest_end(r, n);
}

static void b_policy_nest_flag_missing(struct tnl_raw *r)
{
	size_t n = tnl_raw_nest_start(r, THINVM_A_POLICY);

	tnl_raw_put_u64(r, THINVM_A_POLICY_HC_DEFAULT, 0);
	tnl_raw_nest_end(r, n);
}

static void b_policy_empty(struct tnl_raw *r)
{
	tnl_raw_nest_end(r, tnl_raw_nest_start(r, THINVM_A_POLICY | NLA_F_NESTED));
}

static void b_policy_unknown_flag(struct tnl_raw *r)
{
	size_t n = tnl_raw_nest_start(r, THINVM_A_POLICY | NLA_F_NESTED);

	tnl_raw_put_u64(r, THINVM_A_POLICY_HC_DEFAULT, 0);
	tnl_raw_nest_end(r, n);
	tnl_raw_put_u32(r, THINVM_A_FLAGS, 1u << 7);
}

static void b_policy_above_supported(struct tnl_raw *r)
{
	size_t n = tnl_raw_nest_start(r, THINVM_A_POLICY | NLA_F_NESTED);

	tnl_raw_put_u64(r, THINVM_A_POLICY_HC_CEILING, MAP_BIT | 1);
	tnl_raw_nest_end(r, n);
}

static void b_caps_with_attr(struct tnl_raw *r) { tnl_raw_put_u32(r, THINVM_A_FLAGS, 0); }

static void b_vm_id(struct tnl_raw *r, uint32_t id, bool mask)
{
	size_t n = tnl_raw_nest_start(r, THINVM_A_VM | NLA_F_NESTED);

	tnl_raw_put_u32(r, THINVM_A_VM_ID, id);
	if (mask)
		tnl_raw_put_u64(r, THINVM_A_VM_HC_EXIT_MASK, 0);
	tnl_raw_nest_end(r, n);
}

static void b_vm_unknown(struct tnl_raw *r) { b_vm_id(r, 0x7ffffff0, false); }
static void b_vm_zero(struct tnl_raw *r) { b_vm_id(r, 0, false); }
static void b_vm_no_mask(struct tnl_raw *r) { b_vm_id(r, 1, false); }
static void b_vm_unknown_set(struct tnl_raw *r) { b_vm_id(r, 0x7ffffff0, true); }

static void b_vm_name_settable(struct tnl_raw *r)
{
	size_t n = tnl_raw_nest_start(r, THINVM_A_VM | NLA_F_NESTED);

	tnl_raw_put_u32(r, THINVM_A_VM_ID, 1);
	tnl_raw_put_u64(r, THINVM_A_VM_HC_EXIT_MASK, 0);
	tnl_raw_put_str(r, THINVM_A_VM_NAME, "sneaky");
	tnl_raw_nest_end(r, n);
}

static void b_cpu_huge(struct tnl_raw *r)
{
	size_t n = tnl_raw_nest_start(r, THINVM_A_CPU | NLA_F_NESTED);

	tnl_raw_put_u32(r, THINVM_A_CPU_ID, 100000);
	tnl_raw_nest_end(r, n);
}

static void b_truncated(struct tnl_raw *r)
{
	/* An attribute header claiming more bytes than the message has. */
	static const uint8_t bytes[] = { 0x10, 0x00, THINVM_A_POLICY, 0x80, 0, 0, 0, 0 };

	tnl_raw_bytes(r, bytes, sizeof(bytes));
}

static const struct bad_request bad[] = {
	{ "unknown command", 99, 0, -EOPNOTSUPP, b_none, "" },
	{ "non-zero reserved header field", THINVM_CMD_GET_CAPS, 1, -EINVAL, b_none, "reserved" },
	{ "an attribute GET_CAPS does not take", THINVM_CMD_GET_CAPS, 0, -EINVAL, b_caps_with_attr, "Unknown attribute" },
	{ "unknown top-level attribute", THINVM_CMD_SET_POLICY, 0, -EINVAL, b_unknown_top, "Unknown attribute" },
	{ "policy as u32, not nested", THINVM_CMD_SET_POLICY, 0, -EINVAL, b_policy_not_nested, "NLA_F_NESTED" },
	{ "u64 field sent as 4 bytes", THINVM_CMD_SET_POLICY, 0, -EINVAL, b_policy_short_u64, "length" },
	{ "hotplug mode out of range", THINVM_CMD_SET_POLICY, 0, -ERANGE, b_policy_bad_mode, "out of range" },
	{ "unknown attribute inside the policy", THINVM_CMD_SET_POLICY, 0, -EINVAL, b_policy_unknown_inner, "Unknown attribute" },
	{ "nest without NLA_F_NESTED", THINVM_CMD_SET_POLICY, 0, -EINVAL, b_policy_nest_flag_missing, "NLA_F_NESTED" },
	{ "policy with no field", THINVM_CMD_SET_POLICY, 0, -EINVAL, b_policy_empty, "no policy field" },
	{ "missing policy", THINVM_CMD_SET_POLICY, 0, -EINVAL, b_none, "missing attribute 3" },
	{ "unknown flag", THINVM_CMD_SET_POLICY, 0, -EINVAL, b_policy_unknown_flag, "reserved bit" },
	{ "ceiling with an unsupported hypercall", THINVM_CMD_SET_POLICY, 0, -EINVAL, b_policy_above_supported, "cannot exit" },
	{ "attribute longer than the message", THINVM_CMD_SET_POLICY, 0, -EINVAL, b_truncated, "leftover" },
	{ "GET_VM without a VM", THINVM_CMD_GET_VM, 0, -EINVAL, b_none, "missing attribute 4" },
	{ "GET_VM of an unknown id", THINVM_CMD_GET_VM, 0, -ENOENT, b_vm_unknown, "no VM" },
	{ "GET_VM of id 0", THINVM_CMD_GET_VM, 0, -ERANGE, b_vm_zero, "out of range" },
	{ "SET_VM_POLICY without a field to set", THINVM_CMD_SET_VM_POLICY, 0, -EINVAL, b_vm_no_mask, "no VM policy field" },
	{ "SET_VM_POLICY of an unknown id", THINVM_CMD_SET_VM_POLICY, 0, -ENOENT, b_vm_unknown_set, "no VM" },
	{ "SET_VM_POLICY trying to set a name", THINVM_CMD_SET_VM_POLICY, 0, -EINVAL, b_vm_name_settable, "Unsupported attribute" },
	{ "GET_CPU of a CPU that does not exist", THINVM_CMD_GET_CPU, 0, -ENOENT, b_cpu_huge, "no such CPU" },
};

static void check_malformed(void)
{
	struct tnl_policy before = get_policy();

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct tnl_raw raw = { .len = 0 };
		int r;

		bad[i].build(&raw);
		TEST_ASSERT(!raw.err, "%s: could not build", bad[i].what);
		r = tnl_request_raw(nl, bad[i].cmd, THINVM_GENL_VERSION, bad[i].reserved,
				    0, raw.buf, raw.len);
		TEST_ASSERT(r == bad[i].expect, "%s: got %d (%s), expected %d",
			    bad[i].what, r, tnl_last_error(nl), bad[i].expect);
		TEST_ASSERT(strstr(tnl_last_error(nl), bad[i].msg),
			    "%s: refused for another reason: %s", bad[i].what,
			    tnl_last_error(nl));
		vt_log("refused as it should: %-40s %s (%s)", bad[i].what,
		       strerror(-r), tnl_last_error(nl));
	}
	expect_policy_unchanged(&before, "malformed requests");
}

static void check_unprivileged(void)
{
	pid_t pid = fork();
	int status;

	TEST_ASSERT(pid >= 0, "fork");
	if (pid == 0) {
		struct tnl_policy p = { .hc_default = 0 };
		struct tnl *h;
		struct tnl_caps caps;
		int r;

		tnl_close(nl);
		/* root -> nobody: the kernel clears every capability. */
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(10);
		if (tnl_open(&h))
			_exit(11);
		if ((r = tnl_get_caps(h, &caps)) != -EPERM)
			_exit(12);
		if (tnl_get_policy(h, &p) != -EPERM)
			_exit(13);
		if (tnl_set_policy(h, &p, TNL_POLICY_HC_DEFAULT, 0, NULL) != -EPERM)
			_exit(14);
		if (tnl_dump_vms(h, NULL, NULL) != -EPERM)
			_exit(15);
		if (tnl_subscribe(h) != -EPERM)
			_exit(16);
		_exit(0);
	}
	TEST_ASSERT(waitpid(pid, &status, 0) == pid, "waitpid");
	TEST_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "unprivileged process was not refused (step %d)", WEXITSTATUS(status));
}

static uint32_t vm_id(int vm)
{
	uint32_t id = 0;

	TEST_ASSERT(!ioctl(vm, THINVM_GET_VM_ID, &id) && id, "THINVM_GET_VM_ID");
	return id;
}

static void set_name(int vm, const char *name, int expect_errno)
{
	struct thinvm_vm_name n;
	int r;

	memset(&n, 0, sizeof(n));
	memcpy(n.name, name, strnlen(name, sizeof(n.name)));
	r = ioctl(vm, THINVM_SET_VM_NAME, &n);
	TEST_ASSERT(expect_errno ? r == -1 && errno == expect_errno : r == 0,
		    "THINVM_SET_VM_NAME \"%.20s\": %d errno %d", name, r, errno);
}

static void check_vm_objects(void)
{
	struct tnl_vm vm_info, want = { 0 }, reply;
	int vm = vt_create_vm(THINVM_DEV), vcpu = -1;
	uint32_t id = vm_id(vm);
	char long_name[80];
	uint64_t initial;
	int r;

	TEST_ASSERT(!tnl_get_vm(nl, id, &vm_info), "GET_VM %u: %s", id, tnl_last_error(nl));
	TEST_ASSERT(vm_info.id == id && vm_info.pid == (uint32_t)getpid() &&
		    vm_info.vcpus == 0 && !vm_info.name[0],
		    "VM %u: pid %u vcpus %u name '%s'", id, vm_info.pid, vm_info.vcpus,
		    vm_info.name);
	TEST_ASSERT(vm_info.hc_exit_mask == get_policy().hc_default,
		    "a new VM starts with the default mask");

	set_name(vm, "web-1.prod", 0);
	set_name(vm, "", EINVAL);
	set_name(vm, "bad name", EINVAL);
	memset(long_name, 'x', sizeof(long_name));
	set_name(vm, long_name, EINVAL);
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	TEST_ASSERT(!tnl_get_vm(nl, id, &vm_info), "GET_VM");
	TEST_ASSERT(!strcmp(vm_info.name, "web-1.prod"), "name '%s'", vm_info.name);
	TEST_ASSERT(vm_info.vcpus == (vcpu >= 0 ? 1u : 0u), "vcpus %u", vm_info.vcpus);

	/* The VM's policy: within the ceiling, generations per VM. */
	initial = vm_info.hc_exit_mask;
	want.id = id;
	want.hc_exit_mask = initial ^ MAP_BIT;
	r = tnl_set_vm_policy(nl, &want, TNL_VM_ID | TNL_VM_HC_EXIT_MASK,
			      THINVM_SET_F_DRY_RUN, &reply);
	TEST_ASSERT(!r && reply.hc_exit_mask == want.hc_exit_mask, "VM dry run: %d", r);
	TEST_ASSERT(!tnl_get_vm(nl, id, &vm_info) && vm_info.hc_exit_mask == initial &&
		    vm_info.policy_generation == 0, "dry run changed the VM");
	r = tnl_set_vm_policy(nl, &want, TNL_VM_ID | TNL_VM_HC_EXIT_MASK, 0, &reply);
	TEST_ASSERT(!r && reply.policy_generation == 1, "VM policy: %d (%s)", r,
		    tnl_last_error(nl));
	want.hc_exit_mask = 1ULL << 3;
	r = tnl_set_vm_policy(nl, &want, TNL_VM_ID | TNL_VM_HC_EXIT_MASK, 0, &reply);
	TEST_ASSERT(r == -EINVAL, "unsupported hypercall in a VM mask: %d", r);
	TEST_ASSERT(!tnl_get_vm(nl, id, &vm_info) &&
		    vm_info.hc_exit_mask == (initial ^ MAP_BIT) &&
		    vm_info.policy_generation == 1, "refused VM policy changed the VM");

	if (vcpu >= 0)
		close(vcpu);
	close(vm);
	r = tnl_get_vm(nl, id, &vm_info);
	TEST_ASSERT(r == -ENOENT, "GET_VM of a closed VM: %d", r);
}

struct dump_seen {
	uint32_t ids[NR_MANY + 16];
	unsigned int n;
};

static int collect(const struct tnl_vm *vm, void *arg)
{
	struct dump_seen *seen = arg;

	if (seen->n < sizeof(seen->ids) / sizeof(seen->ids[0]))
		seen->ids[seen->n] = vm->id;
	seen->n++;
	return 0;
}

static void check_big_dump(void)
{
	static int fds[NR_MANY];
	static uint32_t ids[NR_MANY];
	static struct dump_seen seen;
	struct rlimit rl = { 4096, 4096 };
	unsigned int i, j;
	int r;

	setrlimit(RLIMIT_NOFILE, &rl);
	for (i = 0; i < NR_MANY; i++) {
		fds[i] = vt_create_vm(THINVM_DEV);
		ids[i] = vm_id(fds[i]);
	}
	r = tnl_dump_vms(nl, collect, &seen);
	TEST_ASSERT(r == 0, "dump of %d VMs: %d (%s)", NR_MANY, r, tnl_last_error(nl));
	TEST_ASSERT(seen.n == NR_MANY, "dump listed %u VMs of %d", seen.n, NR_MANY);
	/* Each once, by increasing id, exactly the ones created. */
	for (i = 0, j = 0; i < seen.n; i++) {
		TEST_ASSERT(!i || seen.ids[i] > seen.ids[i - 1], "dump order at %u", i);
		while (j < NR_MANY && ids[j] != seen.ids[i])
			j++;
		TEST_ASSERT(j < NR_MANY, "dump listed VM %u, which this test did not create",
			    seen.ids[i]);
	}
	vt_log("dump: %u VMs, ids %u..%u, complete and in order", seen.n, seen.ids[0],
	       seen.ids[seen.n - 1]);
	for (i = 0; i < NR_MANY; i++)
		close(fds[i]);
	seen.n = 0;
	TEST_ASSERT(!tnl_dump_vms(nl, collect, &seen) && seen.n == 0,
		    "%u VMs left after closing them all", seen.n);
}

/* The next event, failing after a few seconds without one. */
static struct tnl_event next_event(void)
{
	struct tnl_event ev;
	int r = tnl_next_event(nl, &ev, 5000);

	TEST_ASSERT(r == 1, "no event within 5 s (%d)", r);
	return ev;
}

static void check_events(void)
{
	struct tnl_policy before, want = { 0 }, reply;
	struct tnl_event ev;
	uint32_t id;
	int vm;

	TEST_ASSERT(!tnl_subscribe(nl), "subscribe: %s", tnl_last_error(nl));
	vm = vt_create_vm(THINVM_DEV);
	id = vm_id(vm);
	ev = next_event();
	TEST_ASSERT(ev.cmd == THINVM_CMD_VM_CREATED && (ev.has & TNL_EV_VM) &&
		    ev.vm.id == id && ev.vm.pid == (uint32_t)getpid(),
		    "event %u for VM %u", ev.cmd, ev.vm.id);
	set_name(vm, "renamed-vm", 0);
	ev = next_event();
	TEST_ASSERT(ev.cmd == THINVM_CMD_VM_RENAMED && ev.vm.id == id &&
		    (ev.vm.fields & TNL_VM_NAME) && !strcmp(ev.vm.name, "renamed-vm"),
		    "rename event: cmd %u VM %u name '%s'", ev.cmd, ev.vm.id, ev.vm.name);
	close(vm);
	ev = next_event();
	TEST_ASSERT(ev.cmd == THINVM_CMD_VM_DESTROYED && ev.vm.id == id,
		    "event %u for VM %u", ev.cmd, ev.vm.id);

	before = get_policy();
	want.hc_default = before.hc_default;
	TEST_ASSERT(!tnl_set_policy(nl, &want, TNL_POLICY_HC_DEFAULT, 0, &reply), "push");
	ev = next_event();
	TEST_ASSERT(ev.cmd == THINVM_CMD_POLICY_APPLIED && (ev.has & TNL_EV_POLICY) &&
		    ev.policy.generation == reply.generation,
		    "policy event: cmd %u generation %llu, reply %llu", ev.cmd,
		    (unsigned long long)ev.policy.generation,
		    (unsigned long long)reply.generation);
	vt_log("events: vm-created, vm-destroyed, policy-applied generation %llu",
	       (unsigned long long)ev.policy.generation);
}

int main(void)
{
	int r = tnl_open(&nl);

	TEST_ASSERT(!r, "tnl_open: %s", strerror(-r));
	check_caps();
	check_policy();
	check_malformed();
	check_unprivileged();
	check_vm_objects();
	check_big_dump();
	check_events();
	tnl_close(nl);
	return 0;
}
