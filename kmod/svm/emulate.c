// SPDX-License-Identifier: GPL-2.0
/*
 * SVM exits that need their instruction: MOV to CR4 (checked against the
 * guest's CPUID), MOV to and from debug registers, and Intel's VMCALL
 * (a #UD on AMD). With decode assists and NRIP save the CPU says which
 * register and where the next instruction is; without them (QEMU's SVM)
 * the instruction is fetched and decoded.
 *
 * Debug registers: DR0-3 and DR7 are kept here, DR6 in the VMCB, where the
 * CPU updates it on a #DB. The CPU runs the guest with DR7 at its reset
 * value, so the guest's breakpoints do not fire (thinvm(4)).
 */
#include <asm/svm.h>
#include <asm/traps.h>

#include "../sregs_rules.h"
#include "svm.h"

/* Decode assists: EXITINFO1 names the GPR of a MOV CR/DR. */
#define EXITINFO1_CR_VALID	BIT_ULL(63)
/* As KVM writes DR6 and DR7: the bits a guest can change, the fixed ones. */
#define DR6_WRITABLE		0x0001e80full
#define DR6_FIXED		0xffff0ff0ull	/* no RTM, no bus-lock #DB */
#define DR7_WRITABLE		0xffff2bffull
#define DR7_FIXED		0x400ull

/*
 * The MOV CR/DR behind the exit. Returns false after filling kvm_run with
 * an emulation failure when the instruction is not what the exit says.
 */
static bool mov_operand(struct thinvm_vcpu *vcpu, bool dr, unsigned int num,
			bool to_cr, struct thinvm_mov_cr *mov)
{
	struct vmcb_control_area *ctl = &to_svm(vcpu)->vmcb->control;
	struct thinvm_guest_view view;
	struct thinvm_insn insn;

	if (svm_features.decode_assists && svm_features.nrips &&
	    (ctl->exit_info_1 & EXITINFO1_CR_VALID)) {
		*mov = (struct thinvm_mov_cr){
			.len = ctl->next_rip - vcpu->rip, .dr = dr,
			.to_cr = to_cr, .num = num,
			.gpr = ctl->exit_info_1 & SVM_EXITINFO_REG_MASK,
		};
		return true;
	}
	thinvm_guest_view(vcpu, &view);
	thinvm_fetch_insn(vcpu, &view, &insn);
	if (thinvm_decode_mov_cr(insn.bytes, insn.n, view.mode, mov) ||
	    mov->dr != dr || mov->to_cr != to_cr || mov->num != num) {
		thinvm_emulation_failure(vcpu, &insn);
		return false;
	}
	return true;
}

static u64 operand(struct thinvm_vcpu *vcpu, unsigned int gpr)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;
	u64 val = vcpu->regs[gpr];

	/* Outside 64-bit mode, MOV CR/DR moves 32 bits. */
	return svm_long_mode_code(vmcb) ? val : (u32)val;
}

int svm_handle_cr4_write(struct thinvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_save_area *save = &svm->vmcb->save;
	struct thinvm_mov_cr mov;
	u64 old = save->cr4, val;

	if (!mov_operand(vcpu, false, 4, true, &mov))
		return 0;
	val = operand(vcpu, mov.gpr);
	if (save->cpl ||
	    !thinvm_cr4_write_valid(old, val, save->cr3, save->efer & EFER_LMA,
				    thinvm_cpuid_cr4_allowed(vcpu))) {
		svm_inject_exception(vcpu, X86_TRAP_GP, true, 0);
		return 1;
	}
	save->cr4 = val;
	svm->vmcb_dirty = true;
	/* MOV to CR4 flushes the TLB when paging changes; VMRUN does not. */
	if (thinvm_cr4_write_flushes(old, val))
		svm_flush_guest_tlb(vcpu);
	if ((old ^ val) & (X86_CR4_OSXSAVE | X86_CR4_PKE))
		thinvm_cpuid_refresh(vcpu);
	vcpu->rip += mov.len;
	return 1;
}

int svm_handle_dr(struct thinvm_vcpu *vcpu, unsigned int dr, bool write)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_save_area *save = &svm->vmcb->save;
	struct thinvm_mov_cr mov;
	u64 val = 0;

	if (!mov_operand(vcpu, true, dr, write, &mov))
		return 0;
	if (save->cpl) {
		svm_inject_exception(vcpu, X86_TRAP_GP, true, 0);
		return 1;
	}
	/* DR4 and DR5 alias DR6 and DR7, unless CR4.DE makes them #UD. */
	if (dr == 4 || dr == 5) {
		if (save->cr4 & X86_CR4_DE) {
			svm_inject_exception(vcpu, X86_TRAP_UD, false, 0);
			return 1;
		}
		dr += 2;
	}
	if (write) {
		val = operand(vcpu, mov.gpr);
		if ((dr == 6 || dr == 7) && val >> 32) {
			svm_inject_exception(vcpu, X86_TRAP_GP, true, 0);
			return 1;
		}
		if (dr < 4) {
			svm->db[dr] = val;
		} else if (dr == 6) {
			save->dr6 = (val & DR6_WRITABLE) | DR6_FIXED;
			svm->vmcb_dirty = true;
		} else {
			svm->dr7 = (val & DR7_WRITABLE) | DR7_FIXED;
		}
	} else {
		if (dr < 4)
			val = svm->db[dr];
		else if (dr == 6)
			val = save->dr6;
		else
			val = svm->dr7;
		vcpu->regs[mov.gpr] = svm_long_mode_code(svm->vmcb) ? val :
				      (u32)val;
	}
	vcpu->rip += mov.len;
	return 1;
}

/*
 * #UD: Intel's VMCALL is a hypercall here too (in protected mode: see
 * thinvm_emulates_foreign_hypercall()); anything else gets its #UD.
 */
int svm_handle_ud(struct thinvm_vcpu *vcpu)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;
	struct thinvm_guest_view view;
	struct thinvm_insn insn;

	thinvm_guest_view(vcpu, &view);
	thinvm_fetch_insn(vcpu, &view, &insn);
	if (!thinvm_emulates_foreign_hypercall(&view, vcpu->rflags) ||
	    !thinvm_is_vmcall(insn.bytes, insn.n)) {
		svm_inject_exception(vcpu, X86_TRAP_UD, false, 0);
		return 1;
	}
	return thinvm_hypercall(vcpu, vmcb->save.cpl, svm_long_mode_code(vmcb),
				vcpu->rip + 3);
}
