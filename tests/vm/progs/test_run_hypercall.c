// SPDX-License-Identifier: GPL-2.0
/*
 * The hypercall guest under vmctl run, in the three situations its output
 * explains, set up through the netlink family:
 *   - the exit allowed (ceiling and default include map_gpa_range): it
 *     exits, vmctl answers 0 and says so on stderr; the bad address gets
 *     -KVM_EINVAL, the unknown number -KVM_ENOSYS, CPL 3 -KVM_EPERM;
 *   - the ceiling allows it but the VM's policy does not (default none):
 *     vmctl's KVM_ENABLE_CAP succeeds, the guest gets -KVM_ENOSYS, vmctl
 *     sees nothing, and the module reports a refused hypercall;
 *   - the ceiling forbids it: vmctl says on stderr it goes on without the
 *     exit, the guest gets -KVM_ENOSYS.
 * The host policy is put back as it was. On KVM, the oracle, the guest
 * prints what it printed on thinvm with the exit allowed.
 */
#include <string.h>

#include "thinvm_nl.h"
#include "vmrun.h"
#include "vmtest.h"

const bool vt_compares_with_kvm = true;

#define MAP_BIT (1ull << 12)
#define ANSWERED_0 "vmctl: hypercall map_gpa_range(gpa=0x200000, pages=1, attrs=0x0) from vCPU 0: answered 0"

static struct vr_result r;
static struct tnl *nl;
static struct tnl_policy was;
static bool policy_changed;

static void run_guest(void)
{
	const char *args[] = { "--device", vr_device(), vr_guest("hypercall.elf"), NULL };

	vr_run(&r, 60, args);
	TEST_ASSERT(r.status == 0, "the hypercall guest exited %d: %s", r.status, vr_why(&r));
	TEST_ASSERT(vr_has_line(r.out, "every answer is one the ABI allows"), "no verdict line");
	TEST_ASSERT(strstr(r.out, "hypercall 0xbad: -1000 (KVM_ENOSYS: no such hypercall)\n"),
		    "unknown hypercall: not -1000");
	TEST_ASSERT(strstr(r.out, "hypercall map_gpa_range at CPL 3: -1 (KVM_EPERM:"),
		    "CPL 3: not -1");
}

static void set_policy(uint64_t ceiling, uint64_t def)
{
	struct tnl_policy p = { .hc_ceiling = ceiling, .hc_default = def };

	vt_log("+ host policy: hypercall ceiling 0x%llx, default 0x%llx",
	       (unsigned long long)ceiling, (unsigned long long)def);
	TEST_ASSERT(!tnl_set_policy(nl, &p, TNL_POLICY_HC_CEILING | TNL_POLICY_HC_DEFAULT, 0, NULL),
		    "set the host policy: %s", tnl_last_error(nl));
	policy_changed = true;
}

/* Whatever happened, the tests after this one get the policy they had. */
static void restore_policy(void)
{
	struct tnl_policy p = { .hc_ceiling = was.hc_ceiling, .hc_default = was.hc_default };

	if (!policy_changed)
		return;
	policy_changed = false;
	vt_log("+ host policy back: hypercall ceiling 0x%llx, default 0x%llx",
	       (unsigned long long)p.hc_ceiling, (unsigned long long)p.hc_default);
	if (tnl_set_policy(nl, &p, TNL_POLICY_HC_CEILING | TNL_POLICY_HC_DEFAULT, 0, NULL))
		vt_log("could not put the host policy back: %s", tnl_last_error(nl));
}

static void expect_exited(void)
{
	TEST_ASSERT(strstr(r.out, "hypercall map_gpa_range: 0 (the VMM handled it"),
		    "map_gpa_range did not exit to vmctl");
	TEST_ASSERT(strstr(r.out, "hypercall map_gpa_range with a bad address: -22 (KVM_EINVAL:"),
		    "the bad address did not get -22");
	TEST_ASSERT(vr_has_line(r.err, ANSWERED_0), "no \"%s\" on stderr", ANSWERED_0);
	TEST_ASSERT(!strstr(strstr(r.err, ANSWERED_0) + strlen(ANSWERED_0), "answered"),
		    "vmctl answered more than one hypercall (above)");
}

static void expect_kept_in(void)
{
	TEST_ASSERT(strstr(r.out, "hypercall map_gpa_range: -1000 (KVM_ENOSYS: it stayed in the kernel"),
		    "map_gpa_range was not kept in the kernel");
	TEST_ASSERT(strstr(r.out, "hypercall map_gpa_range with a bad address: -1000 (KVM_ENOSYS:"),
		    "the bad address did not get -1000");
	TEST_ASSERT(!strstr(r.err, "answered"), "vmctl saw a hypercall exit (above)");
}

int main(void)
{
	char allowed[4096], thinvm[4096];
	struct tnl_event ev;
	bool refused = false;

	if (vt_kvm_phase()) {
		/* Before any work: without thinvm's output there is nothing to compare. */
		vt_load_outcome("run_hypercall", thinvm, sizeof(thinvm));
		run_guest();
		expect_exited();
		if (strcmp(r.out, thinvm))
			vt_log("thinvm's guest printed:\n%s", thinvm);
		TEST_ASSERT(!strcmp(r.out, thinvm),
			    "KVM's guest printed something else than thinvm's (both above)");
		vt_log("KVM and thinvm gave the same answers");
		return 0;
	}
	TEST_ASSERT(!tnl_open(&nl), "netlink: the thinvm family");
	TEST_ASSERT(!tnl_get_policy(nl, &was), "get the host policy: %s", tnl_last_error(nl));
	atexit(restore_policy);

	set_policy(MAP_BIT, MAP_BIT);
	run_guest();
	expect_exited();
	vr_keep(allowed, sizeof(allowed), r.out);

	set_policy(MAP_BIT, 0);
	TEST_ASSERT(!tnl_subscribe(nl), "subscribe: %s", tnl_last_error(nl));
	run_guest();
	expect_kept_in();
	TEST_ASSERT(!r.err[0], "vmctl complained (above) though KVM_ENABLE_CAP was allowed");
	while (!refused && tnl_next_event(nl, &ev, 2000) > 0)
		refused = ev.cmd == THINVM_CMD_HYPERCALL_REFUSED && ev.hc.nr == 12;
	TEST_ASSERT(refused, "no hypercall-refused event for map_gpa_range");

	set_policy(0, 0);
	run_guest();
	expect_kept_in();
	TEST_ASSERT(strstr(r.err, "lets no map_gpa_range hypercall exit to a VMM"),
		    "vmctl did not say the exit is unavailable");

	restore_policy();
	tnl_close(nl);
	vt_save_outcome("run_hypercall", allowed, sizeof(allowed));
	return 0;
}
