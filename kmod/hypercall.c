// SPDX-License-Identifier: GPL-2.0
/*
 * Hypercalls, with KVM's ABI (Documentation/virt/kvm/x86/hypercalls.rst):
 * the number in RAX, arguments in RBX, RCX, RDX, RSI, the result in RAX;
 * only CPL 0 may call (-KVM_EPERM). Backends call this for VMMCALL and
 * VMCALL alike, whichever the CPU has, and move RIP past the instruction.
 *
 * Implemented: KVM_HC_VAPIC_POLL_IRQ, a no-op returning 0 as on KVM. The
 * hypercalls that need an in-kernel APIC or kvmclock (KICK_CPU, SEND_IPI,
 * SCHED_YIELD, CLOCK_PAIRING) are not, and neither is any other number:
 * -KVM_ENOSYS. KVM_HC_MAP_GPA_RANGE comes with the policy channel.
 */
#include <linux/kvm_para.h>

#include "thinvm.h"

void thinvm_hypercall(struct thinvm_vcpu *vcpu, unsigned int cpl,
		      bool long_mode)
{
	unsigned long nr = vcpu->regs[THINVM_RAX];
	unsigned long ret;

	/* Outside 64-bit mode only the low halves count, result included. */
	if (!long_mode)
		nr = (u32)nr;
	if (cpl) {
		ret = -KVM_EPERM;
	} else {
		switch (nr) {
		case KVM_HC_VAPIC_POLL_IRQ:
			ret = 0;
			break;
		default:
			ret = -KVM_ENOSYS;
		}
	}
	if (!long_mode)
		ret = (u32)ret;
	vcpu->regs[THINVM_RAX] = ret;
}
