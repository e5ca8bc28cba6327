// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl run --name names the VM (THINVM_SET_VM_NAME): the netlink family
 * announces the name with vmctl's pid and lists the VM by it with its
 * vCPUs; the VM goes away when vmctl is stopped. On KVM, --name is refused
 * with a message saying it needs thinvm.
 */
#include <signal.h>
#include <string.h>
#include <time.h>

#include "thinvm_nl.h"
#include "vmrun.h"
#include "vmtest.h"

const bool vt_compares_with_kvm = true;

#define NAME "run-test.vm_1"

asm(".pushsection .rodata\n"
    ".code32\n"
    "spin_guest:\n"
    /* IF=1, though nothing is injected: Bochs (lane 2) re-evaluates
     * interrupt masking at VM entry only when RFLAGS.IF changes, so a
     * guest entered with IF=0 that never exits would hold off the
     * host's interrupts, and its kick, for good (tests/vm/bochs/README.md). */
    "	sti\n"
    "1:	jmp 1b\n"
    "spin_guest_end:\n"
    ".code64\n"
    ".popsection\n");
extern const char spin_guest[], spin_guest_end[];

struct find {
	pid_t pid;
	struct tnl_vm vm;
	int found;
};

static int by_pid(const struct tnl_vm *vm, void *arg)
{
	struct find *f = arg;

	if (vm->pid == (uint32_t)f->pid) {
		f->vm = *vm;
		f->found++;
	}
	return 0;
}

/* The next event @cmd about vmctl's VM, within 20 s. */
static void expect_event(struct tnl *nl, uint8_t cmd, pid_t pid, struct tnl_event *ev)
{
	double deadline = vr_now() + 20000;

	while (vr_now() < deadline) {
		int r = tnl_next_event(nl, ev, 1000);

		TEST_ASSERT(r >= 0, "reading events: %d", r);
		if (r && ev->cmd == cmd && ev->vm.pid == (uint32_t)pid)
			return;
	}
	TEST_ASSERT(0, "no event %u for vmctl's VM (pid %d) within 20 s", cmd, pid);
}

int main(void)
{
	const char *spin, *args[8];
	struct tnl_event ev;
	struct find f = { 0 };
	struct vr_child c;
	struct vr_result r;
	struct tnl *nl;

	vr_require_vcpus();
	if (vt_kvm_phase()) {
		const char *a[] = { "--device", "/dev/kvm", "--name", NAME, vr_guest("hello.elf"), NULL };

		vr_run(&r, 30, a);
		TEST_ASSERT(r.status == 125 && strstr(r.err, "--name needs thinvm: /dev/kvm does not name VMs"),
			    "--name on KVM: exit %d, or not the message expected (above)", r.status);
		return 0;
	}
	TEST_ASSERT(!tnl_open(&nl), "netlink: the thinvm family");
	TEST_ASSERT(!tnl_subscribe(nl), "subscribe to events: %s", tnl_last_error(nl));
	spin = vr_write_flat("spin", spin_guest, spin_guest_end);
	args[0] = "--name";
	args[1] = NAME;
	args[2] = "--cpus";
	args[3] = "2";
	args[4] = spin;
	args[5] = NULL;
	vr_start(&c, args);

	expect_event(nl, THINVM_CMD_VM_RENAMED, c.pid, &ev);
	TEST_ASSERT(!strcmp(ev.vm.name, NAME), "renamed event with name \"%s\"", ev.vm.name);
	vt_log("  event vm-renamed: vm=%u pid=%u name=%s", ev.vm.id, ev.vm.pid, ev.vm.name);

	/*
	 * vmctl names the VM, then creates its vCPUs: the rename event can come
	 * before the second vCPU exists. Read the dump until both do (10 s).
	 */
	for (int tries = 0; tries < 1000; tries++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		memset(&f, 0, sizeof(f));
		f.pid = c.pid;
		TEST_ASSERT(!tnl_dump_vms(nl, by_pid, &f), "dump VMs: %s", tnl_last_error(nl));
		if (f.found != 1 || f.vm.vcpus == 2)
			break;
		nanosleep(&ts, NULL);
	}
	TEST_ASSERT(f.found == 1, "%d VMs of vmctl's pid in the dump", f.found);
	TEST_ASSERT(!strcmp(f.vm.name, NAME) && f.vm.vcpus == 2 && f.vm.id == ev.vm.id,
		    "the dump says vm=%u name=\"%s\" vcpus=%u", f.vm.id, f.vm.name, f.vm.vcpus);
	vt_log("  dump: vm=%u pid=%u name=%s vcpus=%u", f.vm.id, f.vm.pid, f.vm.name, f.vm.vcpus);

	TEST_ASSERT(!kill(c.pid, SIGTERM), "kill");
	vr_wait(&c, &r, 60);
	TEST_ASSERT(r.status == 130, "after SIGTERM: exit %d", r.status);
	expect_event(nl, THINVM_CMD_VM_DESTROYED, c.pid, &ev);
	TEST_ASSERT(ev.vm.id == f.vm.id, "destroyed VM %u, not %u", ev.vm.id, f.vm.id);
	vt_log("  event vm-destroyed: vm=%u", ev.vm.id);
	tnl_close(nl);
	return 0;
}
