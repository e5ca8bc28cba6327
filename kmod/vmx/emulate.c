// SPDX-License-Identifier: GPL-2.0
/*
 * VMX exits that carry out an instruction: MOV to and from control
 * registers, CLTS and LMSW (every CR0 and CR4 bit is the host's, so each
 * write exits), MOV to and from debug registers, and AMD's VMMCALL (a #UD
 * on Intel). The exit qualification names the registers (SDM 28.2.1), so
 * nothing is decoded but the #UD.
 *
 * Debug registers: DR0-3, DR6 and DR7 are kept here. The CPU runs the guest
 * with DR7 at its reset value, so the guest's breakpoints do not fire, as
 * on SVM (thinvm(4)).
 */
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/traps.h>

#include "../sregs_rules.h"
#include "vmx.h"

/* Exit qualification of control-register accesses (SDM table 28-3). */
#define CR_QUAL_NUM(q)		((q) & 0xf)
#define CR_QUAL_TYPE(q)		(((q) >> 4) & 3)
#define CR_QUAL_GPR(q)		(((q) >> 8) & 0xf)
#define CR_QUAL_LMSW_DATA(q)	(((q) >> 16) & 0xffff)
enum { CR_MOV_TO, CR_MOV_FROM, CR_CLTS, CR_LMSW };
/* ...and of debug-register accesses (table 28-4). */
#define DR_QUAL_NUM(q)		((q) & 7)
#define DR_QUAL_FROM_DR		BIT(4)
#define DR_QUAL_GPR(q)		(((q) >> 8) & 0xf)
/* As KVM writes DR6 and DR7: the bits a guest can change, the fixed ones. */
#define DR6_WRITABLE		0x0001e80full
#define DR6_FIXED		0xffff0ff0ull
#define DR7_WRITABLE		0xffff2bffull
#define DR7_FIXED		0x400ull
#define VAPIC_TPR		0x80

static void gp(struct vmx_vcpu *vmx)
{
	vmx_inject_exception(vmx, X86_TRAP_GP, true, 0);
}

/*
 * A MOV to CR0 (or CLTS, LMSW) as the CPU checks it (SDM 2.5, KVM's
 * kvm_set_cr0). False for a #GP. EFER.LMA follows CR0.PG with EFER.LME.
 */
static bool mov_to_cr0(struct vmx_vcpu *vmx, u64 val, bool *paging_changed)
{
	u64 old = vmx->cr0, cr4 = vmcs_read(CR4_READ_SHADOW);
	bool long_code = vmx_long_mode_code(vmx);
	u64 efer = vmx->efer;

	if (!long_code)
		val = (u32)val;
	if (val >> 32 || ((val & X86_CR0_NW) && !(val & X86_CR0_CD)) ||
	    ((val & X86_CR0_PG) && !(val & X86_CR0_PE)))
		return false;
	if (!(old & X86_CR0_PG) && (val & X86_CR0_PG) && (efer & EFER_LME)) {
		if (!(cr4 & X86_CR4_PAE) ||
		    (vmcs_read(GUEST_CS_AR_BYTES) & VMX_AR_L))
			return false;
		efer |= EFER_LMA;
	}
	if ((old & X86_CR0_PG) && !(val & X86_CR0_PG)) {
		/* Paging cannot go off in 64-bit code, nor with PCIDs on. */
		if (long_code || (cr4 & X86_CR4_PCIDE))
			return false;
		efer &= ~EFER_LMA;
	}
	/* ET is hardwired to 1 since the 486. */
	vmx_write_cr0(vmx, val | X86_CR0_ET);
	if (efer != vmx->efer)
		vmx_write_efer(vmx, efer);
	*paging_changed = (old ^ val) & (X86_CR0_PG | X86_CR0_WP | X86_CR0_PE);
	return true;
}

static bool mov_to_cr4(struct thinvm_vcpu *vcpu, u64 val, bool *paging_changed)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u64 old = vmcs_read(CR4_READ_SHADOW);

	if (!thinvm_cr4_write_valid(old, val, vmcs_read(GUEST_CR3),
				    vmx->efer & EFER_LMA,
				    thinvm_cpuid_cr4_allowed(vcpu)))
		return false;
	vmx_write_cr4(vmx, val);
	*paging_changed = thinvm_cr4_write_flushes(old, val);
	if ((old ^ val) & (X86_CR4_OSXSAVE | X86_CR4_PKE))
		thinvm_cpuid_refresh(vcpu);
	return true;
}

static bool mov_to_cr3(struct thinvm_vcpu *vcpu, u64 val)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	/* Bit 63 (no flush with PCIDs) is not an address bit. */
	if ((vmx->efer & EFER_LMA) &&
	    (val & ~BIT_ULL(63)) >> vcpu->guest.maxphyaddr)
		return false;
	vmcs_write(GUEST_CR3, val & ~BIT_ULL(63));
	return true;
}

/* One control-register access; false for a #GP. VMCS current. */
static bool cr_access(struct thinvm_vcpu *vcpu, unsigned long qual,
		      bool *paging_changed)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	unsigned int gpr = CR_QUAL_GPR(qual);
	bool long_code = vmx_long_mode_code(vmx);
	u64 val = long_code ? vcpu->regs[gpr] : (u32)vcpu->regs[gpr];

	switch (CR_QUAL_TYPE(qual)) {
	case CR_CLTS:
		return mov_to_cr0(vmx, vmx->cr0 & ~X86_CR0_TS, paging_changed);
	case CR_LMSW:
		/* LMSW writes CR0[3:0] and can set PE, never clear it. */
		return mov_to_cr0(vmx, (vmx->cr0 & ~0xeull) |
				 (CR_QUAL_LMSW_DATA(qual) & 0xf), paging_changed);
	case CR_MOV_FROM:
		if (CR_QUAL_NUM(qual) == 3)
			val = vmcs_read(GUEST_CR3);
		else	/* CR8: CR0 and CR4 reads never exit */
			val = vmx->vapic[VAPIC_TPR] >> 4;
		vcpu->regs[gpr] = long_code ? val : (u32)val;
		return true;
	}
	switch (CR_QUAL_NUM(qual)) {
	case 0:
		return mov_to_cr0(vmx, val, paging_changed);
	case 3:
		*paging_changed = true;
		return mov_to_cr3(vcpu, val);
	case 4:
		return mov_to_cr4(vcpu, val, paging_changed);
	case 8:
		if (val >> 4)
			return false;
		vmx->vapic[VAPIC_TPR] = val << 4;
		return true;
	}
	return false;
}

int vmx_handle_cr(struct thinvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	bool paging_changed = false, ok;
	u64 cr3, cr4, pdpte[4];

	vmx_get(vmx);
	/* Only CPL 0 may, which the CPU checks before the exit; again here. */
	ok = !vmx_cpl() && cr_access(vcpu, vmx->exit.qual, &paging_changed);
	cr3 = vmcs_read(GUEST_CR3);
	cr4 = vmcs_read(CR4_READ_SHADOW);
	vmx_put(vmx);
	if (!ok) {
		gp(vmx);
		return 1;
	}
	if (paging_changed) {
		/* MOV to CR flushes the TLB; VM entry does not. */
		vmx->flush_linear = true;
		if (vmx_read_pdptrs(vmx, vmx->cr0, cr3, cr4, vmx->efer, pdpte)) {
			vmx_get(vmx);
			vmx_write_pdptrs(pdpte);
			vmx_put(vmx);
		}
	}
	vcpu->rip += vmx->exit.insn_len;
	return 1;
}

int vmx_handle_dr(struct thinvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	unsigned long qual = vmx->exit.qual;
	unsigned int dr = DR_QUAL_NUM(qual), gpr = DR_QUAL_GPR(qual);
	bool long_code, de;
	unsigned int cpl;
	u64 val;

	vmx_get(vmx);
	cpl = vmx_cpl();
	long_code = vmx_long_mode_code(vmx);
	de = vmcs_read(CR4_READ_SHADOW) & X86_CR4_DE;
	vmx_put(vmx);

	if (cpl) {
		gp(vmx);
		return 1;
	}
	/* DR4 and DR5 alias DR6 and DR7, unless CR4.DE makes them #UD. */
	if (dr == 4 || dr == 5) {
		if (de) {
			vmx_inject_exception(vmx, X86_TRAP_UD, false, 0);
			return 1;
		}
		dr += 2;
	}
	if (!(qual & DR_QUAL_FROM_DR)) {
		val = long_code ? vcpu->regs[gpr] : (u32)vcpu->regs[gpr];
		if ((dr == 6 || dr == 7) && val >> 32) {
			gp(vmx);
			return 1;
		}
		if (dr < 4)
			vmx->db[dr] = val;
		else if (dr == 6)
			vmx->dr6 = (val & DR6_WRITABLE) | DR6_FIXED;
		else
			vmx->dr7 = (val & DR7_WRITABLE) | DR7_FIXED;
	} else {
		val = dr < 4 ? vmx->db[dr] : dr == 6 ? vmx->dr6 : vmx->dr7;
		vcpu->regs[gpr] = long_code ? val : (u32)val;
	}
	vcpu->rip += vmx->exit.insn_len;
	return 1;
}

/*
 * #UD: AMD's VMMCALL is a hypercall here too (in protected mode: see
 * thinvm_emulates_foreign_hypercall()); anything else gets its #UD.
 */
int vmx_handle_ud(struct thinvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct thinvm_guest_view view;
	struct thinvm_insn insn;
	unsigned int cpl;
	bool long_code;

	thinvm_guest_view(vcpu, &view);
	thinvm_fetch_insn(vcpu, &view, &insn);
	if (!thinvm_emulates_foreign_hypercall(&view, vcpu->rflags) ||
	    !thinvm_is_vmmcall(insn.bytes, insn.n)) {
		vmx_inject_exception(vmx, X86_TRAP_UD, false, 0);
		return 1;
	}
	vmx_get(vmx);
	cpl = vmx_cpl();
	long_code = vmx_long_mode_code(vmx);
	vmx_put(vmx);
	return thinvm_hypercall(vcpu, cpl, long_code, vcpu->rip + 3);
}
