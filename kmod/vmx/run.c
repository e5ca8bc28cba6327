// SPDX-License-Identifier: GPL-2.0
/*
 * Running a VMX guest: one VMLAUNCH or VMRESUME, then the exit. Exits the
 * kernel handles return 1 (enter again); those for userspace fill kvm_run
 * and return 0.
 *
 * The VMCS switches what the host needs back at once (control registers,
 * segments, EFER, PAT, SYSENTER); the rest is switched here, and only when
 * the guest can tell: CR2 always, KERNEL_GS_BASE while the guest is in long
 * mode (SWAPGS), the SYSCALL MSRs while its EFER.SCE allows SYSCALL.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm_para.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/special_insns.h>
#include <asm/traps.h>

#include "vmx.h"

/* VM-exit reasons (SDM 28.2.1): bit 31 is a failed VM entry. */
#define EXIT_REASON_BASIC(r)		((r) & 0xffff)
#define EXIT_REASON_FAILED_ENTRY	BIT(31)
/* Exit qualification of I/O instructions (SDM table 28-5). */
#define IO_QUAL_SIZE(q)		(((q) & 7) + 1)
#define IO_QUAL_IN		BIT(3)
#define IO_QUAL_STRING		BIT(4)
#define IO_QUAL_REP		BIT(5)
#define IO_QUAL_PORT(q)		(((q) >> 16) & 0xffff)
/* VM-exit instruction information of INS/OUTS (SDM table 28-8). */
#define IO_INFO_ADDR_SIZE(i)	(((i) >> 7) & 7)
#define IO_INFO_SEG(i)		(((i) >> 15) & 7)
/* Exit qualification of EPT violations (SDM table 28-7). */
#define EPT_QUAL_WRITE		BIT(1)
/* GETSEC always exits (SDM 26.1.2); the uapi header has no name for it. */
#define EXIT_REASON_GETSEC_	11

/* The host's SYSCALL MSRs, the same on every CPU (syscall_init()). */
static u64 host_star, host_lstar, host_cstar, host_sfmask;

void vmx_run_setup(void)
{
	rdmsrl(MSR_STAR, host_star);
	rdmsrl(MSR_LSTAR, host_lstar);
	rdmsrl(MSR_CSTAR, host_cstar);
	rdmsrl(MSR_SYSCALL_MASK, host_sfmask);
}

void vmx_inject_exception(struct vmx_vcpu *vmx, unsigned int vector,
			  bool has_error, u32 error)
{
	/* A real-mode guest takes no error code (SDM 27.2.1.3). */
	if (!(vmx->cr0 & X86_CR0_PE))
		has_error = false;
	vmx->inject_info = INTR_INFO_VALID_MASK | INTR_TYPE_HARD_EXCEPTION |
			   vector | (has_error ? INTR_INFO_DELIVER_CODE_MASK : 0);
	vmx->inject_error = error;
}

static int skip_instruction(struct thinvm_vcpu *vcpu)
{
	vcpu->rip += to_vmx(vcpu)->exit.insn_len;
	return 1;
}

static int handle_io(struct thinvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	unsigned long qual = vmx->exit.qual;
	u32 info = vmx->exit.insn_info;
	struct thinvm_io io = {
		.port = IO_QUAL_PORT(qual),
		.size = IO_QUAL_SIZE(qual),
		.in = qual & IO_QUAL_IN,
		.string = qual & IO_QUAL_STRING,
		.rep = qual & IO_QUAL_REP,
		.next_rip = vcpu->rip + vmx->exit.insn_len,
	};

	/* The CPU names OUTS's segment and the address size where it can;
	 * INS always writes through ES. Else pio.c decodes them. */
	if (io.string && vmx_cfg.ins_outs_info && IO_INFO_ADDR_SIZE(info) <= 2) {
		io.addr_size = 2 << IO_INFO_ADDR_SIZE(info);
		io.seg_known = true;
		io.seg = io.in ? THINVM_SEG_ES : IO_INFO_SEG(info);
	}
	return thinvm_pio_exit(vcpu, &io);
}

/* RDMSR/WRMSR: ECX names the MSR, EDX:EAX the value; #GP on failure. */
static int handle_msr(struct thinvm_vcpu *vcpu, bool write)
{
	unsigned long *regs = vcpu->regs;
	u32 index = regs[THINVM_RCX];
	u64 data;

	if (write) {
		data = (u32)regs[THINVM_RAX] | (regs[THINVM_RDX] << 32);
		if (thinvm_msr_set(vcpu, index, data, false))
			goto gp;
	} else {
		if (thinvm_msr_get(vcpu, index, &data))
			goto gp;
		regs[THINVM_RAX] = (u32)data;
		regs[THINVM_RDX] = data >> 32;
	}
	return skip_instruction(vcpu);
gp:
	vmx_inject_exception(to_vmx(vcpu), X86_TRAP_GP, true, 0);
	return 1;
}

static int handle_xsetbv(struct thinvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	unsigned int cpl;

	vmx_get(vmx);
	cpl = vmx_cpl();
	vmx_put(vmx);
	if (thinvm_xsetbv(vcpu, cpl)) {
		vmx_inject_exception(vmx, X86_TRAP_GP, true, 0);
		return 1;
	}
	return skip_instruction(vcpu);
}

static int handle_vmcall(struct thinvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	unsigned int cpl;
	bool long_code;

	vmx_get(vmx);
	cpl = vmx_cpl();
	long_code = vmx_long_mode_code(vmx);
	vmx_put(vmx);
	return thinvm_hypercall(vcpu, cpl, long_code,
				vcpu->rip + vmx->exit.insn_len);
}

static int handle_exception(struct thinvm_vcpu *vcpu)
{
	u32 info = to_vmx(vcpu)->exit.intr_info;

	if ((info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR)
		return 1;	/* the host's, handled at the exit */
	if ((info & INTR_INFO_VECTOR_MASK) == X86_TRAP_UD)
		return vmx_handle_ud(vcpu);
	thinvm_vcpu_internal_error(vcpu, KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON,
				   info);
	return 0;
}

/*
 * As KVM on Intel: the guest state stays as the fault left it (the VMCS
 * holds it, unlike a VMCB after a shutdown, which SVM must reset).
 */
static int handle_triple_fault(struct thinvm_vcpu *vcpu)
{
	vcpu->run->exit_reason = KVM_EXIT_SHUTDOWN;
	return 0;
}

static enum thinvm_exit_stat exit_stat(u32 reason)
{
	if (reason & EXIT_REASON_FAILED_ENTRY)
		return THINVM_EXIT_STAT_FAIL_ENTRY;
	switch (EXIT_REASON_BASIC(reason)) {
	case EXIT_REASON_EXTERNAL_INTERRUPT:
		return THINVM_EXIT_STAT_INTERRUPT;
	case EXIT_REASON_EXCEPTION_NMI:
		return THINVM_EXIT_STAT_EXCEPTION;
	case EXIT_REASON_IO_INSTRUCTION:
		return THINVM_EXIT_STAT_IO;
	case EXIT_REASON_HLT:
		return THINVM_EXIT_STAT_HLT;
	case EXIT_REASON_CPUID:
		return THINVM_EXIT_STAT_CPUID;
	case EXIT_REASON_MSR_READ:
	case EXIT_REASON_MSR_WRITE:
		return THINVM_EXIT_STAT_MSR;
	case EXIT_REASON_VMCALL:
		return THINVM_EXIT_STAT_HYPERCALL;
	case EXIT_REASON_CR_ACCESS:
	case EXIT_REASON_DR_ACCESS:
		return THINVM_EXIT_STAT_CR_DR;
	case EXIT_REASON_EPT_VIOLATION:
		return THINVM_EXIT_STAT_NPF;
	case EXIT_REASON_TRIPLE_FAULT:
		return THINVM_EXIT_STAT_SHUTDOWN;
	default:
		return THINVM_EXIT_STAT_OTHER;
	}
}

static int handle_exit(struct thinvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct kvm_run *run = vcpu->run;
	u32 reason = vmx->exit.reason;

	thinvm_count_exit(vcpu, exit_stat(reason));
	if (reason & EXIT_REASON_FAILED_ENTRY) {
		/* As KVM reports it: the whole exit reason (invalid guest
		 * state 33, MSR loading 34, machine check 41, with bit 31). */
		run->exit_reason = KVM_EXIT_FAIL_ENTRY;
		run->fail_entry.hardware_entry_failure_reason = reason;
		run->fail_entry.cpu = vcpu->cpu;
		return 0;
	}

	switch (EXIT_REASON_BASIC(reason)) {
	case EXIT_REASON_EXTERNAL_INTERRUPT:
	case EXIT_REASON_INIT_SIGNAL:
		return 1;
	case EXIT_REASON_EXCEPTION_NMI:
		return handle_exception(vcpu);
	case EXIT_REASON_TRIPLE_FAULT:
		return handle_triple_fault(vcpu);
	case EXIT_REASON_HLT:
		skip_instruction(vcpu);
		run->exit_reason = KVM_EXIT_HLT;
		return 0;
	case EXIT_REASON_IO_INSTRUCTION:
		return handle_io(vcpu);
	case EXIT_REASON_CPUID:
		thinvm_cpuid_exec(vcpu);
		return skip_instruction(vcpu);
	case EXIT_REASON_MSR_READ:
		return handle_msr(vcpu, false);
	case EXIT_REASON_MSR_WRITE:
		return handle_msr(vcpu, true);
	case EXIT_REASON_VMCALL:
		return handle_vmcall(vcpu);
	case EXIT_REASON_CR_ACCESS:
		return vmx_handle_cr(vcpu);
	case EXIT_REASON_DR_ACCESS:
		return vmx_handle_dr(vcpu);
	case EXIT_REASON_INVD:
	case EXIT_REASON_MONITOR_INSTRUCTION:
	case EXIT_REASON_MWAIT_INSTRUCTION:
		/* As KVM by default: no-ops, whatever CPUID says. */
		return skip_instruction(vcpu);
	case EXIT_REASON_XSETBV:
		return handle_xsetbv(vcpu);
	case EXIT_REASON_GETSEC_:
	case EXIT_REASON_VMCLEAR:
	case EXIT_REASON_VMLAUNCH:
	case EXIT_REASON_VMPTRLD:
	case EXIT_REASON_VMPTRST:
	case EXIT_REASON_VMREAD:
	case EXIT_REASON_VMRESUME:
	case EXIT_REASON_VMWRITE:
	case EXIT_REASON_VMOFF:
	case EXIT_REASON_VMON:
	case EXIT_REASON_INVEPT:
	case EXIT_REASON_INVVPID:
	case EXIT_REASON_VMFUNC:
	case EXIT_REASON_ENCLS:
		/* Not offered (no nested virtualization either): #UD, as KVM. */
		vmx_inject_exception(vmx, X86_TRAP_UD, false, 0);
		return 1;
	case EXIT_REASON_EPT_VIOLATION:
		return thinvm_nested_fault(vcpu, vmx->exit.gpa,
					   vmx->exit.qual & EPT_QUAL_WRITE);
	case EXIT_REASON_PAUSE_INSTRUCTION:
		/*
		 * The guest spins, likely on a vCPU that is not running: going
		 * round the run loop lets the host take its interrupts and the
		 * scheduler run whoever is due (cond_resched()). The PAUSE is
		 * only a hint: skipped, as KVM does.
		 */
		return skip_instruction(vcpu);
	default:
		thinvm_vcpu_internal_error(vcpu,
			KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON, reason);
		return 0;
	}
}

static void invept_single_or_all(u64 eptp)
{
	struct { u64 eptp, rsvd; } desc = { eptp, 0 };
	unsigned long type = vmx_cfg.invept;

	asm volatile("1: invept %[desc], %[type]\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : : [desc] "m" (desc), [type] "r" (type) : "cc", "memory");
}

static void invvpid_single_or_all(u16 vpid)
{
	struct { u64 vpid : 16, rsvd : 48; u64 gla; } desc = { vpid, 0, 0 };
	unsigned long type = vmx_cfg.invvpid;

	asm volatile("1: invvpid %[desc], %[type]\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : : [desc] "m" (desc), [type] "r" (type) : "cc", "memory");
}

/* IRQs off, VMCS current: drop what the guest may not use any more. */
static void flush_before_entry(struct thinvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u64 gen = atomic64_read(&vcpu->vm->mmu.tlb_gen);

	if (gen != vcpu->tlb_gen) {
		/* Mappings went away (thinvm_vm_flush_tlbs()). */
		vmx->flush_ept = true;
		vcpu->tlb_gen = gen;
	}
	/* INVEPT drops the combined (linear) mappings of the EPTP too. */
	if (vmx->flush_ept)
		invept_single_or_all(vmcs_read(EPT_POINTER));
	else if (vmx->flush_linear && vmx_cfg.vpid)
		invvpid_single_or_all(vmx->vpid);
	/* Without VPIDs, each entry and exit flushes linear mappings. */
	vmx->flush_ept = vmx->flush_linear = false;
}

/*
 * An event the guest was receiving when the exit came (an exception whose
 * delivery hit an EPT violation, say) is delivered again at the next entry.
 * Software interrupts and exceptions are not: their instruction runs again.
 */
static void requeue_interrupted_event(struct vmx_vcpu *vmx)
{
	u32 info = vmx->exit.idt_info, type = info & INTR_INFO_INTR_TYPE_MASK;

	if (!(info & INTR_INFO_VALID_MASK) || type == INTR_TYPE_SOFT_INTR ||
	    type == INTR_TYPE_SOFT_EXCEPTION || type == INTR_TYPE_PRIV_SW_EXCEPTION)
		return;
	vmx->inject_info = info & ~INTR_INFO_UNBLOCK_NMI;
	vmx->inject_error = vmx->exit.idt_error;
}

/* What the last exit says, while the VMCS is current. */
static void read_exit(struct thinvm_vcpu *vcpu, u32 reason)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	vmx->exit.reason = reason;
	vmx->exit.qual = vmcs_read(EXIT_QUALIFICATION);
	vmx->exit.insn_len = vmcs_read(VM_EXIT_INSTRUCTION_LEN);
	/* A failed entry delivered nothing. */
	vmx->exit.idt_info = reason & EXIT_REASON_FAILED_ENTRY ? 0 :
			     vmcs_read(IDT_VECTORING_INFO_FIELD);
	if (vmx->exit.idt_info & INTR_INFO_DELIVER_CODE_MASK)
		vmx->exit.idt_error = vmcs_read(IDT_VECTORING_ERROR_CODE);
	switch (EXIT_REASON_BASIC(reason)) {
	case EXIT_REASON_IO_INSTRUCTION:
		if (vmx_cfg.ins_outs_info)
			vmx->exit.insn_info = vmcs_read(VMX_INSTRUCTION_INFO);
		break;
	case EXIT_REASON_EPT_VIOLATION:
		vmx->exit.gpa = vmcs_read(GUEST_PHYSICAL_ADDRESS);
		break;
	}
	vcpu->rip = vmcs_read(GUEST_RIP);
	vcpu->regs[THINVM_RSP] = vmcs_read(GUEST_RSP);
	vcpu->rflags = vmcs_read(GUEST_RFLAGS);
	vmx->exit.rip = vcpu->rip;
}

/* IRQs off, right after the exit: what the VMCS does not give back. */
static void restore_host(struct vmx_vcpu *vmx, u16 fs_sel, u16 gs_sel,
			 u16 ldt_sel)
{
	if (unlikely(ldt_sel))
		asm volatile("lldt %0" : : "rm" (ldt_sel));
	if (unlikely(fs_sel & 7)) {
		loadsegment(fs, fs_sel);
		wrmsrl(MSR_FS_BASE, vmx->host_fs_base);
	}
	if (unlikely(gs_sel & 7))
		load_gs_index(gs_sel);
	/* The exit set TR's limit to 0x67: an I/O bitmap needs it back. */
	invalidate_tss_limit();
	/* ...and DR7 to 0x400: host breakpoints come back. */
	if (hw_breakpoint_active())
		hw_breakpoint_restore();
}

int vmx_vcpu_run(struct thinvm_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	bool long_mode = vmx->efer & EFER_LMA, syscall = vmx->efer & EFER_SCE;
	u64 host_kernel_gs_base = 0;
	u16 fs_sel, gs_sel, ldt_sel;
	u32 reason = 0, intr;
	int failed;

	if (!vmx_try_get(vmx))
		return -EAGAIN;		/* VMX is off here: vcpu.c moves on */
	vmcs_write(GUEST_RIP, vcpu->rip);
	vmcs_write(GUEST_RSP, vcpu->regs[THINVM_RSP]);
	vmcs_write(GUEST_RFLAGS, vcpu->rflags);
	/* An instruction emulated or skipped ends STI and MOV SS blocking. */
	if (vcpu->rip != vmx->exit.rip) {
		intr = vmcs_read(GUEST_INTERRUPTIBILITY_INFO);
		if (intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))
			vmcs_write(GUEST_INTERRUPTIBILITY_INFO, intr &
				   ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS));
	}
	if (vmx->inject_info) {
		vmcs_write(VM_ENTRY_INTR_INFO_FIELD, vmx->inject_info);
		vmcs_write(VM_ENTRY_EXCEPTION_ERROR_CODE, vmx->inject_error);
		vmx->inject_info = 0;	/* the exit clears the field's valid bit */
	}

	local_irq_disable();
	if (!thinvm_virt_on_this_cpu()) {
		local_irq_enable();
		vmx_put(vmx);
		return -EAGAIN;
	}
	thinvm_guest_fpu_load_irqoff();
	/* Where to send the kick, published before the mode that asks for it. */
	WRITE_ONCE(vcpu->cpu, smp_processor_id());
	WRITE_ONCE(vcpu->mode, THINVM_IN_GUEST);
	/* Pairs with thinvm_vm_flush_tlbs(): see there. */
	smp_mb();
	flush_before_entry(vcpu);
	vmx_refresh_host_state(vmx);
	savesegment(fs, fs_sel);
	savesegment(gs, gs_sel);
	asm volatile("sldt %0" : "=rm" (ldt_sel));
	if (native_read_cr2() != vmx->cr2)
		native_write_cr2(vmx->cr2);
	if (long_mode) {
		rdmsrl(MSR_KERNEL_GS_BASE, host_kernel_gs_base);
		wrmsrl(MSR_KERNEL_GS_BASE, vmx->kernel_gs_base);
	}
	if (syscall) {
		wrmsrl(MSR_STAR, vmx->star);
		wrmsrl(MSR_LSTAR, vmx->lstar);
		wrmsrl(MSR_CSTAR, vmx->cstar);
		wrmsrl(MSR_SYSCALL_MASK, vmx->sfmask);
	}

	thinvm_xcr0_enter(vcpu, vmcs_read(CR4_READ_SHADOW));
	failed = thinvm_vmx_vmenter(vcpu->regs, vmx->launched);
	thinvm_xcr0_exit(vcpu);

	vmx->cr2 = native_read_cr2();
	if (long_mode) {
		rdmsrl(MSR_KERNEL_GS_BASE, vmx->kernel_gs_base);
		wrmsrl(MSR_KERNEL_GS_BASE, host_kernel_gs_base);
	}
	if (syscall) {
		wrmsrl(MSR_STAR, host_star);
		wrmsrl(MSR_LSTAR, host_lstar);
		wrmsrl(MSR_CSTAR, host_cstar);
		wrmsrl(MSR_SYSCALL_MASK, host_sfmask);
	}
	if (!failed) {
		reason = vmcs_read(VM_EXIT_REASON);
		/* After a failed entry the launch state is what it was. */
		if (!(reason & EXIT_REASON_FAILED_ENTRY))
			vmx->launched = true;
		if (EXIT_REASON_BASIC(reason) == EXIT_REASON_EXCEPTION_NMI) {
			vmx->exit.intr_info = vmcs_read(VM_EXIT_INTR_INFO);
			/* The host's NMI: its handler runs now, as if it hit here. */
			if ((vmx->exit.intr_info & INTR_INFO_INTR_TYPE_MASK) ==
			    INTR_TYPE_NMI_INTR)
				thinvm_vmx_do_nmi();
		}
	}
	restore_host(vmx, fs_sel, gs_sel, ldt_sel);
	WRITE_ONCE(vcpu->mode, THINVM_OUTSIDE_GUEST);
	local_irq_enable();

	if (failed) {
		/* VMfail: the VMCS itself is bad; as KVM, the instruction error. */
		vcpu->run->exit_reason = KVM_EXIT_FAIL_ENTRY;
		vcpu->run->fail_entry.hardware_entry_failure_reason =
			vmcs_read(VM_INSTRUCTION_ERROR);
		vcpu->run->fail_entry.cpu = vcpu->cpu;
		vmx_put(vmx);
		thinvm_count_exit(vcpu, THINVM_EXIT_STAT_FAIL_ENTRY);
		return 0;
	}
	read_exit(vcpu, reason);
	vmx_put(vmx);
	requeue_interrupted_event(vmx);
	return handle_exit(vcpu);
}

/*
 * KVM_RUN returns: the exit left the GDT limit at 0xffff, which nothing in
 * the kernel minds meanwhile; userspace gets the real one back.
 */
void vmx_run_end(struct thinvm_vcpu *vcpu)
{
	preempt_disable();
	load_fixmap_gdt(smp_processor_id());
	preempt_enable();
}
