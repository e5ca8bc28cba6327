// SPDX-License-Identifier: GPL-2.0
/*
 * Healthy CPU hotplug while a guest runs: CPU 1 goes offline and online five
 * times while a vCPU thread keeps entering a guest that counts and exits to
 * userspace; the guest keeps running throughout, and each time CPU 1 comes
 * back it is admitted (netlink event).
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/ioctl.h>

#include "thinvm_nl.h"
#include "vmtest.h"

const bool vt_compares_with_kvm = false;

#define CPU 1

static struct tnl *nl;

static void expect_admitted(void)
{
	struct tnl_event ev;

	do
		TEST_ASSERT(tnl_next_event(nl, &ev, 5000) == 1, "no cpu-admitted event");
	while (ev.cmd != THINVM_CMD_CPU_ADMITTED || ev.cpu.id != CPU);
}

/* A guest that counts and exits to userspace, run until told to stop. */
static const unsigned char count_guest[] = {
	0x66, 0xff, 0x06, 0x00, 0x80,	/* inc word [0x8000] */
	0xe6, 0x10,			/* out 0x10, al */
	0xeb, 0xf7,			/* jmp back */
};

struct runner {
	struct vt_vm v;
	volatile bool stop;
	unsigned long runs;
	int error;
	char why[256];		/* the run that stopped it, for the failure */
};

static void *run_guest(void *arg)
{
	struct runner *g = arg;

	while (!g->stop) {
		int r = ioctl(g->v.vcpu, KVM_RUN, 0);
		struct kvm_run *run = g->v.run;

		if (r || run->exit_reason != KVM_EXIT_IO) {
			/* Everything the exit says, should this ever happen. */
			snprintf(g->why, sizeof(g->why),
				 "KVM_RUN %d (%s), exit %u, internal suberror %u data %#llx %#llx, entry failure %#llx on CPU %u",
				 r, r ? strerror(errno) : "ok", run->exit_reason,
				 run->internal.suberror,
				 (unsigned long long)run->internal.data[0],
				 (unsigned long long)run->internal.data[1],
				 (unsigned long long)run->fail_entry.hardware_entry_failure_reason,
				 run->fail_entry.cpu);
			g->error = errno ? errno : -1;
			break;
		}
		__atomic_add_fetch(&g->runs, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void wait_runs(struct runner *g, unsigned long more)
{
	unsigned long target = __atomic_load_n(&g->runs, __ATOMIC_RELAXED) + more;

	while (__atomic_load_n(&g->runs, __ATOMIC_RELAXED) < target)
		TEST_ASSERT(!g->error, "the guest stopped: %s", g->why);
}

static void check_cycles_keep_vms(void)
{
	static struct runner g;
	pthread_t t;

	vt_vm_create(&g.v, THINVM_DEV, 0x10000, count_guest, sizeof(count_guest), VT_REAL);
	TEST_ASSERT(!pthread_create(&t, NULL, run_guest, &g), "pthread_create");
	for (int i = 0; i < 5; i++) {
		wait_runs(&g, 100);
		TEST_ASSERT(!vt_set_cpu_online(CPU, false), "cycle %d: offline", i);
		wait_runs(&g, 100);
		TEST_ASSERT(!vt_set_cpu_online(CPU, true), "cycle %d: online", i);
		expect_admitted();
	}
	wait_runs(&g, 100);
	g.stop = true;
	pthread_join(t, NULL);
	TEST_ASSERT(!g.error, "KVM_RUN failed: %d", g.error);
	vt_log("5 offline/online cycles of CPU %d while the guest ran %lu exits", CPU, g.runs);
	vt_vm_destroy(&g.v);
}

/* A failure must not leave CPU 1 offline for the tests after this one. */
static void cpu_back_online(void)
{
	vt_set_cpu_online(CPU, true);
}

int main(void)
{
	int r;

	vt_require_hotplug_cpu(CPU);
	atexit(cpu_back_online);
	r = tnl_open(&nl);
	TEST_ASSERT(!r, "tnl_open: %s", strerror(-r));
	TEST_ASSERT(!tnl_subscribe(nl), "subscribe");
	check_cycles_keep_vms();
	tnl_close(nl);
	return 0;
}
