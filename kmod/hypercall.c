// SPDX-License-Identifier: GPL-2.0
/*
 * Hypercalls, with KVM's ABI (Documentation/virt/kvm/x86/hypercalls.rst):
 * the number in RAX, arguments in RBX, RCX, RDX, RSI, the result in RAX;
 * only CPL 0 may call (-KVM_EPERM). Backends call this for VMMCALL and
 * VMCALL alike, whichever the CPU has. The decision is hypercall_rules.c's.
 *
 * Implemented: KVM_HC_VAPIC_POLL_IRQ, a no-op returning 0 as on KVM, and
 * KVM_HC_MAP_GPA_RANGE, which exits to the VMM (KVM_EXIT_HYPERCALL) when
 * the VMM asked for it and policy allows it (struct thinvm_vm says how). The hypercalls that
 * need an in-kernel APIC or kvmclock (KICK_CPU, SEND_IPI, SCHED_YIELD,
 * CLOCK_PAIRING) are not, and neither is any other number: -KVM_ENOSYS.
 */
#include <linux/kvm_para.h>

#include "hypercall_rules.h"
#include "thinvm.h"

static_assert(THINVM_HC_MAP_GPA_RANGE == KVM_HC_MAP_GPA_RANGE);
static_assert(THINVM_HC_VAPIC_POLL_IRQ == KVM_HC_VAPIC_POLL_IRQ);
static_assert(THINVM_KVM_ENOSYS == KVM_ENOSYS);
static_assert(THINVM_KVM_EPERM == KVM_EPERM);
static_assert(THINVM_KVM_EINVAL == KVM_EINVAL);
static_assert(THINVM_KVM_FEATURE_HC_MAP_GPA_RANGE == KVM_FEATURE_HC_MAP_GPA_RANGE);

int thinvm_hypercall(struct thinvm_vcpu *vcpu, unsigned int cpl,
		     bool long_mode, unsigned long next_rip)
{
	struct thinvm_vm *vm = vcpu->vm;
	const unsigned long *regs = vcpu->regs;
	struct thinvm_hc_call call = {
		.nr = regs[THINVM_RAX],
		.args = { regs[THINVM_RBX], regs[THINVM_RCX],
			  regs[THINVM_RDX], regs[THINVM_RSI] },
		.cpl = cpl,
		.long_mode = long_mode,
	};
	u64 requested = READ_ONCE(vm->hc_requested);
	/* Policy set over netlink is seen here, at the next hypercall. */
	struct thinvm_hc_policy policy = {
		.exit_mask = requested & READ_ONCE(vm->hc_allowed) &
			     thinvm_policy_hc_ceiling(),
		.requested = requested,
		.pv_enforce = vcpu->pv_enforce,
		.kvm_features = vcpu->guest.kvm_features,
	};
	struct thinvm_hc_outcome out;
	struct kvm_run *run = vcpu->run;

	thinvm_hc_decide(&call, &policy, &out);
	if (out.refused_by_policy)
		thinvm_genl_hypercall_refused(vm, out.nr);
	if (!out.exit) {
		vcpu->regs[THINVM_RAX] = out.ret;
		vcpu->rip = next_rip;
		return 1;
	}
	/* RIP stays on the instruction until the VMM answers, as on KVM. */
	run->exit_reason = KVM_EXIT_HYPERCALL;
	memset(&run->hypercall, 0, sizeof(run->hypercall));
	run->hypercall.nr = out.nr;
	run->hypercall.args[0] = out.args[0];
	run->hypercall.args[1] = out.args[1];
	run->hypercall.args[2] = out.args[2];
	run->hypercall.longmode = long_mode;
	vcpu->hypercall.pending = true;
	vcpu->hypercall.long_mode = long_mode;
	vcpu->hypercall.next_rip = next_rip;
	return 0;
}

/* The VMM's answer in RAX, truncated outside 64-bit code; RIP moves on. */
void thinvm_hypercall_complete(struct thinvm_vcpu *vcpu)
{
	vcpu->regs[THINVM_RAX] = thinvm_hc_result(vcpu->run->hypercall.ret,
						  vcpu->hypercall.long_mode);
	vcpu->rip = vcpu->hypercall.next_rip;
	vcpu->hypercall.pending = false;
}
