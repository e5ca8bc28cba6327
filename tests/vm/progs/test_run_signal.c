// SPDX-License-Identifier: GPL-2.0
/*
 * Ctrl-C ends vmctl run: SIGINT or SIGTERM stops every vCPU, even one
 * spinning in the guest without ever exiting (only the kick signal gets it
 * out of KVM_RUN), and vmctl exits 130 with its VM gone. Also while the
 * guest is busy with port I/O (exitrate), and on KVM where it ran on thinvm.
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "vmrun.h"
#include "vmtest.h"

const bool vt_compares_with_kvm = true;

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

#define STOP_WITHIN_S 10.0

static void stop(const char *image, const char *cpus, int sig, const char *wait_line)
{
	const char *args[] = { "--device", vr_device(), "--cpus", cpus, image, NULL };
	int before = vr_vms_alive();
	struct vr_child c;
	struct vr_result r;
	double sent;

	vr_start(&c, args);
	TEST_ASSERT(vr_wait_vms(before + 1, 20000) == before + 1,
		    "%s: its VM did not appear (%d alive, %d before)", c.cmd, vr_vms_alive(), before);
	if (wait_line)
		vr_wait_for_line(&c, wait_line, 30);
	else
		usleep(300000);		/* let the vCPUs get into the guest */
	sent = vr_now();
	TEST_ASSERT(!kill(c.pid, sig), "kill");
	vr_wait(&c, &r, 60);
	vt_log("  %s ended it %.2f s after the signal", strsignal(sig), (vr_now() - sent) / 1e3);
	TEST_ASSERT(!r.killed && r.status == 130,
		    "%s after %s: exit %d%s, not 130", c.cmd, strsignal(sig), r.status,
		    r.killed ? " (had to be killed)" : "");
	TEST_ASSERT((vr_now() - sent) / 1e3 < STOP_WITHIN_S, "took %.1f s to stop",
		    (vr_now() - sent) / 1e3);
	TEST_ASSERT(vr_wait_vms(before, 2000) == before, "%d VMs alive after, %d before",
		    vr_vms_alive(), before);
}

int main(void)
{
	const char *spin;
	char done = 1;

	vr_require_vcpus();
	/*
	 * On KVM only where it ran on thinvm: KVM is the oracle. (Where it
	 * did not, in the Bochs lane, two vCPUs spinning on KVM starved the
	 * test itself for longer than the lane's time.)
	 */
	if (vt_kvm_phase())
		vt_load_outcome("run_signal", &done, sizeof(done));
	spin = vr_write_flat("spin", spin_guest, spin_guest_end);
	stop(spin, "2", SIGINT, NULL);
	stop(spin, "1", SIGTERM, NULL);
	stop(vr_guest("exitrate.elf"), "1", SIGINT, "exitrate: counting exits");
	if (!vt_kvm_phase())
		vt_save_outcome("run_signal", &done, sizeof(done));
	return 0;
}
