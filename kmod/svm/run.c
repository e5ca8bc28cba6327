// SPDX-License-Identifier: GPL-2.0
/*
 * Running an SVM guest: one VMRUN, then the exit. Exits the kernel handles
 * return 1 (enter again); those for userspace fill kvm_run and return 0.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/kvm_para.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <asm/svm.h>
#include <asm/traps.h>

#include "svm.h"

/* Nested page fault error code (APM 15.25.6): bit 1 is a write. */
#define NPF_ERR_WRITE BIT_ULL(1)

static DEFINE_PER_CPU(struct page *, host_save_page);

/*
 * ASIDs are handed out per CPU, in generations (as KVM does): a vCPU that
 * arrives on a CPU, or whose generation is over, takes the CPU's next ASID;
 * when they run out, a new generation starts with a flush of every ASID. A
 * fresh ASID has no stale translations, so moving CPUs needs no flush, and
 * any number of vCPUs share the hardware's few ASIDs (16 under QEMU).
 */
struct asid_space {
	u64 generation;
	u32 next;
};
static DEFINE_PER_CPU(struct asid_space, asid_space) = { .generation = 1 };

/* On this CPU, IRQs off: give the vCPU an ASID valid here, now. */
static void assign_asid(struct thinvm_vcpu *vcpu, bool moved)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct asid_space *space = this_cpu_ptr(&asid_space);
	struct vmcb_control_area *ctl = &svm->vmcb->control;

	if (!moved && svm->asid_generation == space->generation)
		return;
	/* ASID 0 is the host's. */
	if (!space->next || space->next >= svm_features.nr_asids) {
		space->generation++;
		space->next = 1;
		ctl->tlb_ctl = TLB_CONTROL_FLUSH_ALL_ASID;
	}
	ctl->asid = space->next++;
	svm->asid_generation = space->generation;
}

struct page * __percpu *svm_host_save_pages(void)
{
	return &host_save_page;
}

/*
 * The address after the intercepted instruction: from the CPU when it
 * saves it (NRIP save), else from the instruction's length, which for the
 * instructions this is used for has no prefix a guest would use.
 */
static unsigned long next_rip(struct thinvm_vcpu *vcpu, unsigned int len)
{
	if (svm_features.nrips)
		return to_svm(vcpu)->vmcb->control.next_rip;
	return vcpu->rip + len;
}

void svm_inject_exception(struct thinvm_vcpu *vcpu, unsigned int vector,
			  bool has_error, u32 error)
{
	struct vmcb_control_area *ctl = &to_svm(vcpu)->vmcb->control;

	ctl->event_inj = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_EXEPT | vector |
			 (has_error ? SVM_EVTINJ_VALID_ERR : 0);
	ctl->event_inj_err = error;
}

void svm_flush_guest_tlb(struct thinvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	if (svm_features.flush_by_asid)
		svm->vmcb->control.tlb_ctl = TLB_CONTROL_FLUSH_ASID;
	else
		svm->asid_generation = 0;	/* a fresh ASID at entry */
}

/*
 * EXITINFO1 of an I/O intercept (APM 15.10.2): direction, string, REP,
 * operand size (bits 4-6, one-hot), address size (bits 7-9, one-hot), the
 * segment (bits 10-12, with decode assists) and the port.
 */
#define IOIO_SEG_SHIFT 10

static int handle_io(struct thinvm_vcpu *vcpu)
{
	struct vmcb_control_area *ctl = &to_svm(vcpu)->vmcb->control;
	u32 info = ctl->exit_info_1;
	struct thinvm_io io = {
		.port = info >> 16,
		.size = (info & SVM_IOIO_SIZE_MASK) >> SVM_IOIO_SIZE_SHIFT,
		.in = info & SVM_IOIO_TYPE_MASK,
		.string = info & SVM_IOIO_STR_MASK,
		.rep = info & SVM_IOIO_REP_MASK,
		.addr_size = (info & SVM_IOIO_ASIZE_MASK) >> (SVM_IOIO_ASIZE_SHIFT - 1),
		.seg_known = svm_features.decode_assists,
		.seg = (info >> IOIO_SEG_SHIFT) & 7,
		/* EXITINFO2 holds the next RIP for I/O, NRIP save or not. */
		.next_rip = ctl->exit_info_2,
	};

	return thinvm_pio_exit(vcpu, &io);
}

static int handle_cpuid(struct thinvm_vcpu *vcpu)
{
	thinvm_cpuid_exec(vcpu);
	vcpu->rip = next_rip(vcpu, 2);
	return 1;
}

static int handle_xsetbv(struct thinvm_vcpu *vcpu)
{
	if (thinvm_xsetbv(vcpu, to_svm(vcpu)->vmcb->save.cpl)) {
		svm_inject_exception(vcpu, X86_TRAP_GP, true, 0);
		return 1;
	}
	vcpu->rip = next_rip(vcpu, 3);
	return 1;
}

/* RDMSR/WRMSR: ECX names the MSR, EDX:EAX the value; #GP on failure. */
static int handle_msr(struct thinvm_vcpu *vcpu)
{
	struct vmcb_control_area *ctl = &to_svm(vcpu)->vmcb->control;
	unsigned long *regs = vcpu->regs;
	u32 index = regs[THINVM_RCX];
	u64 data;

	if (ctl->exit_info_1) {
		data = (u32)regs[THINVM_RAX] | (regs[THINVM_RDX] << 32);
		if (thinvm_msr_set(vcpu, index, data, false))
			goto gp;
	} else {
		if (thinvm_msr_get(vcpu, index, &data))
			goto gp;
		regs[THINVM_RAX] = (u32)data;
		regs[THINVM_RDX] = data >> 32;
	}
	vcpu->rip = next_rip(vcpu, 2);
	return 1;
gp:
	svm_inject_exception(vcpu, X86_TRAP_GP, true, 0);
	return 1;
}

static int handle_vmmcall(struct thinvm_vcpu *vcpu)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;

	return thinvm_hypercall(vcpu, vmcb->save.cpl, svm_long_mode_code(vmcb),
				next_rip(vcpu, 3));
}

/* Instructions KVM treats as no-ops (INVD, MONITOR, MWAIT): skipped. */
static int skip_instruction(struct thinvm_vcpu *vcpu, unsigned int len)
{
	vcpu->rip = next_rip(vcpu, len);
	return 1;
}

static enum thinvm_exit_stat exit_stat(u32 code)
{
	switch (code) {
	case SVM_EXIT_INTR:
	case SVM_EXIT_NMI:
	case SVM_EXIT_SMI:
		return THINVM_EXIT_STAT_INTERRUPT;
	case SVM_EXIT_IOIO:
		return THINVM_EXIT_STAT_IO;
	case SVM_EXIT_HLT:
		return THINVM_EXIT_STAT_HLT;
	case SVM_EXIT_CPUID:
		return THINVM_EXIT_STAT_CPUID;
	case SVM_EXIT_MSR:
		return THINVM_EXIT_STAT_MSR;
	case SVM_EXIT_VMMCALL:
		return THINVM_EXIT_STAT_HYPERCALL;
	case SVM_EXIT_WRITE_CR4:
	case SVM_EXIT_READ_DR0 ... SVM_EXIT_WRITE_DR7:
		return THINVM_EXIT_STAT_CR_DR;
	case SVM_EXIT_EXCP_BASE ... SVM_EXIT_EXCP_BASE + 31:
		return THINVM_EXIT_STAT_EXCEPTION;
	case SVM_EXIT_NPF:
		return THINVM_EXIT_STAT_NPF;
	case SVM_EXIT_SHUTDOWN:
		return THINVM_EXIT_STAT_SHUTDOWN;
	case (u32)SVM_EXIT_ERR:
		return THINVM_EXIT_STAT_FAIL_ENTRY;
	default:
		return THINVM_EXIT_STAT_OTHER;
	}
}

static int handle_exit(struct thinvm_vcpu *vcpu)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;
	struct kvm_run *run = vcpu->run;
	/*
	 * The low half names the exit; VMEXIT_INVALID is -1, whose high half
	 * not every implementation writes (QEMU leaves it 0), so as KVM does,
	 * only the low half is looked at.
	 */
	u32 code = vmcb->control.exit_code;

	thinvm_count_exit(vcpu, exit_stat(code));

	switch (code) {
	case SVM_EXIT_INTR:
	case SVM_EXIT_NMI:
	case SVM_EXIT_SMI:
		return 1;
	case SVM_EXIT_HLT:
		vcpu->rip = next_rip(vcpu, 1);
		run->exit_reason = KVM_EXIT_HLT;
		return 0;
	case SVM_EXIT_IOIO:
		return handle_io(vcpu);
	case SVM_EXIT_CPUID:
		return handle_cpuid(vcpu);
	case SVM_EXIT_MSR:
		return handle_msr(vcpu);
	case SVM_EXIT_VMMCALL:
		return handle_vmmcall(vcpu);
	case SVM_EXIT_EXCP_BASE + X86_TRAP_UD:
		return svm_handle_ud(vcpu);
	case SVM_EXIT_WRITE_CR4:
		return svm_handle_cr4_write(vcpu);
	case SVM_EXIT_READ_DR0 ... SVM_EXIT_READ_DR7:
		return svm_handle_dr(vcpu, code - SVM_EXIT_READ_DR0, false);
	case SVM_EXIT_WRITE_DR0 ... SVM_EXIT_WRITE_DR7:
		return svm_handle_dr(vcpu, code - SVM_EXIT_WRITE_DR0, true);
	case SVM_EXIT_INVD:
		return skip_instruction(vcpu, 2);
	case SVM_EXIT_MONITOR:
	case SVM_EXIT_MWAIT:
		/* As KVM by default: no-ops, whatever CPUID says. */
		return skip_instruction(vcpu, 3);
	case SVM_EXIT_XSETBV:
		return handle_xsetbv(vcpu);
	case SVM_EXIT_RDTSCP:
	case SVM_EXIT_RDPRU:
	case SVM_EXIT_VMRUN:
	case SVM_EXIT_VMLOAD:
	case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI:
	case SVM_EXIT_CLGI:
	case SVM_EXIT_SKINIT:
	case SVM_EXIT_INVLPGA:
		/* Not offered (no nested virtualization either): #UD, as KVM. */
		svm_inject_exception(vcpu, X86_TRAP_UD, false, 0);
		return 1;
	case SVM_EXIT_SHUTDOWN:
		/* The VMCB is undefined after a shutdown: INIT, as KVM does. */
		svm_vmcb_reset(vcpu);
		thinvm_vcpu_init_regs(vcpu);
		run->exit_reason = KVM_EXIT_SHUTDOWN;
		return 0;
	case SVM_EXIT_NPF:
		return thinvm_nested_fault(vcpu, vmcb->control.exit_info_2,
					   vmcb->control.exit_info_1 & NPF_ERR_WRITE);
	case (u32)SVM_EXIT_ERR:
		run->exit_reason = KVM_EXIT_FAIL_ENTRY;
		/* As KVM reports it: the low 32 bits of the exit code. */
		run->fail_entry.hardware_entry_failure_reason =
			vmcb->control.exit_code;
		run->fail_entry.cpu = vcpu->cpu;
		return 0;
	default:
		thinvm_vcpu_internal_error(vcpu,
			KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON, code);
		return 0;
	}
}

/*
 * An event the guest was receiving when the exit came (an exception or
 * interrupt whose delivery hit a nested page fault, say) is delivered again
 * on the next entry. Software interrupts are not: their INTn runs again.
 */
static void requeue_interrupted_event(struct vmcb_control_area *ctl)
{
	u32 info = ctl->exit_int_info;

	if (!(info & SVM_EXITINTINFO_VALID) ||
	    (info & SVM_EXITINTINFO_TYPE_MASK) == SVM_EXITINTINFO_TYPE_SOFT)
		return;
	ctl->event_inj = info;
	ctl->event_inj_err = ctl->exit_int_info_err;
}

/*
 * VMCB clean bits (APM 15.15): what the CPU may take from its cache of this
 * VMCB instead of memory. Nothing after a move to another CPU or a change
 * made outside VMRUN; else all but a changed ASID.
 */
#define VMCB_CLEAN_ASID		BIT(2)
#define VMCB_CLEAN_ALL		0x7ff	/* bits 0-10; AVIC (11) is unused */

static u32 vmcb_clean_bits(struct svm_vcpu *svm, bool moved, bool new_asid)
{
	bool dirty = svm->vmcb_dirty;

	svm->vmcb_dirty = false;
	if (!svm_features.vmcb_clean || moved || dirty)
		return 0;
	return new_asid ? VMCB_CLEAN_ALL & ~VMCB_CLEAN_ASID : VMCB_CLEAN_ALL;
}

u64 svm_host_save_pa(void)
{
	return page_to_phys(this_cpu_read(host_save_page));
}

int svm_vcpu_run(struct thinvm_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb *vmcb = svm->vmcb;
	struct thinvm_mmu *mmu = &vcpu->vm->mmu;
	bool moved;
	u32 asid;
	int cpu;
	u64 gen;

	vmcb->save.rax = vcpu->regs[THINVM_RAX];
	vmcb->save.rsp = vcpu->regs[THINVM_RSP];
	vmcb->save.rip = vcpu->rip;
	vmcb->save.rflags = vcpu->rflags;

	local_irq_disable();
	if (!thinvm_virt_on_this_cpu()) {
		local_irq_enable();
		return -EAGAIN;		/* this CPU is going offline: vcpu.c moves on */
	}
	thinvm_guest_fpu_load_irqoff();
	cpu = smp_processor_id();
	moved = vcpu->cpu != cpu;
	/* Where to send the kick, published before the mode that asks for it. */
	WRITE_ONCE(vcpu->cpu, cpu);
	WRITE_ONCE(vcpu->mode, THINVM_IN_GUEST);
	/* Pairs with thinvm_vm_flush_tlbs(): see there. */
	smp_mb();
	gen = atomic64_read(&mmu->tlb_gen);
	if (gen != vcpu->tlb_gen) {
		/* Mappings went away: drop this vCPU's translations. */
		svm_flush_guest_tlb(vcpu);
		vcpu->tlb_gen = gen;
	}
	asid = vmcb->control.asid;
	assign_asid(vcpu, moved);
	vmcb->control.clean = vmcb_clean_bits(svm, moved,
					      asid != vmcb->control.asid);

	/* Read as a failed entry should VMRUN fault and be skipped. */
	vmcb->control.exit_code = SVM_EXIT_ERR;
	vmcb->control.exit_code_hi = -1u;
	thinvm_xcr0_enter(vcpu, vmcb->save.cr4);
	asm volatile("clgi" ::: "memory");
	thinvm_svm_vmrun(svm->vmcb_pa, vcpu->regs, svm_host_save_pa());
	asm volatile("stgi" ::: "memory");
	thinvm_xcr0_exit(vcpu);

	WRITE_ONCE(vcpu->mode, THINVM_OUTSIDE_GUEST);
	local_irq_enable();

	vmcb->control.tlb_ctl = TLB_CONTROL_DO_NOTHING;
	vmcb->control.event_inj = 0;
	vcpu->regs[THINVM_RAX] = vmcb->save.rax;
	vcpu->regs[THINVM_RSP] = vmcb->save.rsp;
	vcpu->rip = vmcb->save.rip;
	vcpu->rflags = vmcb->save.rflags;
	requeue_interrupted_event(&vmcb->control);
	return handle_exit(vcpu);
}
