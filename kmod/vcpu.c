// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU objects and the run loop. A vCPU is an anonymous-inode file whose
 * mapping is a struct kvm_run (page 0) and the port I/O data (page 1), as on
 * KVM. KVM_RUN enters the guest through the backend until an exit needs
 * userspace, a signal is pending, or an error happens.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/apicdef.h>
#include <asm/msr-index.h>

#include "sregs_rules.h"
#include "xsave_rules.h"
#include "thinvm.h"

static_assert(sizeof(struct thinvm_vcpu_stats) == 8 * 17);

/* CR4 and CR3 are checked against what the vCPU's CPUID allows. */
static int set_sregs(struct thinvm_vcpu *vcpu, const struct kvm_sregs *sregs)
{
	struct thinvm_sregs_view view = {
		.cr0 = sregs->cr0, .cr3 = sregs->cr3, .cr4 = sregs->cr4,
		.efer = sregs->efer, .cs_l = sregs->cs.l,
	};

	unsigned int i;

	if (!thinvm_sregs_valid(&view, thinvm_cpuid_cr4_allowed(vcpu),
				vcpu->guest.maxphyaddr))
		return -EINVAL;
	/* No in-kernel interrupt controller: nothing may be pending here. */
	for (i = 0; i < ARRAY_SIZE(sregs->interrupt_bitmap); i++)
		if (sregs->interrupt_bitmap[i])
			return -EINVAL;
	/* As KVM: APIC_BASE is set as if by the VMM's KVM_SET_MSRS. Last
	 * check, first change: nothing below can fail. */
	if (thinvm_msr_set(vcpu, MSR_IA32_APICBASE, sregs->apic_base, true))
		return -EINVAL;
	thinvm_backend->set_sregs(vcpu, sregs);
	thinvm_cpuid_refresh(vcpu);
	return 0;
}

void thinvm_vcpu_internal_error(struct thinvm_vcpu *vcpu, u32 suberror,
				u64 info)
{
	struct kvm_run *run = vcpu->run;

	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = suberror;
	run->internal.ndata = 2;
	run->internal.data[0] = info;
	run->internal.data[1] = vcpu->rip;
}

static int vcpu_run(struct thinvm_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	int r;

	if (vcpu->pio_in.pending && thinvm_pio_complete(vcpu))
		return -EFAULT;
	if (vcpu->mmio_in_pending)
		thinvm_mmio_complete(vcpu);
	if (vcpu->hypercall.pending)
		thinvm_hypercall_complete(vcpu);
	if (READ_ONCE(run->immediate_exit)) {
		run->exit_reason = KVM_EXIT_INTR;
		return -EINTR;
	}
	r = fpu_swap_kvm_fpstate(&vcpu->guest_fpu, true);
	if (r)
		return r;
	/*
	 * From here the CPUID table the guest may have seen stays (cpuid.c),
	 * and so does what its VM's policy lets it see (vm.c).
	 */
	if (!vcpu->has_run) {
		thinvm_vm_mark_run(vcpu->vm);
		vcpu->has_run = true;
	}
	for (;;) {
		if (signal_pending(current)) {
			run->exit_reason = KVM_EXIT_INTR;
			r = -EINTR;
			break;
		}
		if (thinvm_virt_rebooting()) {
			r = -EIO;
			break;
		}
		r = thinvm_backend->vcpu_run(vcpu);
		/*
		 * The CPU is going offline: it turned virtualization off
		 * before the scheduler moved every task away. Scheduling now
		 * lets it push this thread to another CPU (balance_push).
		 */
		if (r == -EAGAIN) {
			schedule();
			continue;
		}
		if (r <= 0)
			break;
		cond_resched();
	}
	if (thinvm_backend->run_end)
		thinvm_backend->run_end(vcpu);
	fpu_swap_kvm_fpstate(&vcpu->guest_fpu, false);
	run->if_flag = !!(vcpu->rflags & X86_EFLAGS_IF);
	return r;
}

static void get_regs(struct thinvm_vcpu *vcpu, struct kvm_regs *r)
{
	const unsigned long *g = vcpu->regs;

	*r = (struct kvm_regs){
		.rax = g[THINVM_RAX], .rbx = g[THINVM_RBX],
		.rcx = g[THINVM_RCX], .rdx = g[THINVM_RDX],
		.rsi = g[THINVM_RSI], .rdi = g[THINVM_RDI],
		.rsp = g[THINVM_RSP], .rbp = g[THINVM_RBP],
		.r8 = g[THINVM_R8], .r9 = g[THINVM_R9],
		.r10 = g[THINVM_R10], .r11 = g[THINVM_R11],
		.r12 = g[THINVM_R12], .r13 = g[THINVM_R13],
		.r14 = g[THINVM_R14], .r15 = g[THINVM_R15],
		.rip = vcpu->rip, .rflags = vcpu->rflags,
	};
}

static void set_regs(struct thinvm_vcpu *vcpu, const struct kvm_regs *r)
{
	unsigned long *g = vcpu->regs;

	g[THINVM_RAX] = r->rax; g[THINVM_RBX] = r->rbx;
	g[THINVM_RCX] = r->rcx; g[THINVM_RDX] = r->rdx;
	g[THINVM_RSI] = r->rsi; g[THINVM_RDI] = r->rdi;
	g[THINVM_RSP] = r->rsp; g[THINVM_RBP] = r->rbp;
	g[THINVM_R8] = r->r8; g[THINVM_R9] = r->r9;
	g[THINVM_R10] = r->r10; g[THINVM_R11] = r->r11;
	g[THINVM_R12] = r->r12; g[THINVM_R13] = r->r13;
	g[THINVM_R14] = r->r14; g[THINVM_R15] = r->r15;
	vcpu->rip = r->rip;
	/* Bit 1 of RFLAGS is always set, as KVM forces it. */
	vcpu->rflags = r->rflags | X86_EFLAGS_FIXED;
	/* New registers replace whatever a pending read would write. */
	vcpu->pio_in.pending = false;
	vcpu->mmio_in_pending = false;
}

static long vcpu_ioctl(struct thinvm_vcpu *vcpu, unsigned int cmd,
		       void __user *argp)
{
	switch (cmd) {
	case KVM_RUN:
		if (argp)
			return -EINVAL;
		return vcpu_run(vcpu);
	case KVM_GET_REGS: {
		struct kvm_regs regs;

		get_regs(vcpu, &regs);
		return copy_to_user(argp, &regs, sizeof(regs)) ? -EFAULT : 0;
	}
	case KVM_SET_REGS: {
		struct kvm_regs regs;

		if (copy_from_user(&regs, argp, sizeof(regs)))
			return -EFAULT;
		set_regs(vcpu, &regs);
		return 0;
	}
	case KVM_ENABLE_CAP: {
		struct kvm_enable_cap cap;

		if (copy_from_user(&cap, argp, sizeof(cap)))
			return -EFAULT;
		/* As KVM: flags zero, unknown capabilities EINVAL. */
		if (cap.flags)
			return -EINVAL;
		switch (cap.cap) {
		case KVM_CAP_ENFORCE_PV_FEATURE_CPUID:
			vcpu->pv_enforce = cap.args[0];
			return 0;
		case KVM_CAP_HYPERV_ENLIGHTENED_VMCS:
			return thinvm_enable_evmcs(vcpu, cap.args[0]);
		default:
			return -EINVAL;
		}
	}
	case KVM_SET_CPUID2:
		return thinvm_set_cpuid2(vcpu, argp);
	case KVM_GET_CPUID2:
		return thinvm_get_cpuid2(vcpu, argp);
	case KVM_GET_SUPPORTED_HV_CPUID:
		return thinvm_get_hv_cpuid(vcpu->vm, argp);
	case KVM_GET_XCRS:
		return thinvm_get_xcrs(vcpu, argp);
	case KVM_SET_XCRS:
		return thinvm_set_xcrs(vcpu, argp);
	case KVM_GET_MSRS:
		return thinvm_msrs_ioctl(vcpu, argp, false);
	case KVM_SET_MSRS:
		return thinvm_msrs_ioctl(vcpu, argp, true);
	case THINVM_GET_VCPU_STATS:
		return copy_to_user(argp, &vcpu->stats, sizeof(vcpu->stats)) ?
		       -EFAULT : 0;
	case KVM_GET_SREGS: {
		struct kvm_sregs sregs;

		memset(&sregs, 0, sizeof(sregs));
		thinvm_backend->get_sregs(vcpu, &sregs);
		return copy_to_user(argp, &sregs, sizeof(sregs)) ? -EFAULT : 0;
	}
	case KVM_SET_SREGS: {
		struct kvm_sregs sregs;

		if (copy_from_user(&sregs, argp, sizeof(sregs)))
			return -EFAULT;
		return set_sregs(vcpu, &sregs);
	}
	default:
		/* As KVM answers unknown vCPU ioctls. */
		return -EINVAL;
	}
}

static long thinvm_vcpu_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	struct thinvm_vcpu *vcpu = file->private_data;
	long r;

	if (vcpu->vm->mm != current->mm)
		return -EIO;
	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;
	r = vcpu_ioctl(vcpu, cmd, (void __user *)arg);
	mutex_unlock(&vcpu->mutex);
	return r;
}

static vm_fault_t vcpu_fault(struct vm_fault *vmf)
{
	struct thinvm_vcpu *vcpu = vmf->vma->vm_file->private_data;
	void *addr;

	switch (vmf->pgoff) {
	case 0:
		addr = vcpu->run;
		break;
	case THINVM_PIO_PAGE:
		addr = vcpu->pio_data;
		break;
	default:
		return VM_FAULT_SIGBUS;
	}
	vmf->page = virt_to_page(addr);
	get_page(vmf->page);
	return 0;
}

static const struct vm_operations_struct vcpu_vm_ops = {
	.fault = vcpu_fault,
};

static int thinvm_vcpu_mmap(struct file *file, struct vm_area_struct *vma)
{
	vma->vm_ops = &vcpu_vm_ops;
	return 0;
}

static void vcpu_free(struct thinvm_vcpu *vcpu)
{
	kvfree(vcpu->cpuid);
	fpu_free_guest_fpstate(&vcpu->guest_fpu);
	free_page((unsigned long)vcpu->pio_data);
	free_page((unsigned long)vcpu->run);
	kfree(vcpu);
}

static int thinvm_vcpu_release(struct inode *inode, struct file *file)
{
	struct thinvm_vcpu *vcpu = file->private_data;
	struct thinvm_vm *vm = vcpu->vm;

	mutex_lock(&vm->lock);
	vm->vcpus[vcpu->id] = NULL;
	WRITE_ONCE(vm->nr_vcpus, vm->nr_vcpus - 1);
	mutex_unlock(&vm->lock);
	thinvm_backend->vcpu_free(vcpu);
	vcpu_free(vcpu);
	thinvm_vm_put(vm);
	return 0;
}

static const struct file_operations thinvm_vcpu_fops = {
	.owner = THIS_MODULE,
	.release = thinvm_vcpu_release,
	.unlocked_ioctl = thinvm_vcpu_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = thinvm_vcpu_mmap,
	.llseek = noop_llseek,
};

/*
 * The registers INIT leaves (power-on, and after a triple fault, as KVM):
 * all GPRs zero but RDX, which holds the family/model/stepping of CPUID
 * leaf 1, execution at 0xfff0. The backend resets the rest.
 */
void thinvm_vcpu_init_regs(struct thinvm_vcpu *vcpu)
{
	memset(vcpu->regs, 0, sizeof(vcpu->regs));
	vcpu->rip = 0xfff0;
	vcpu->rflags = X86_EFLAGS_FIXED;
	vcpu->regs[THINVM_RDX] = vcpu->guest.signature;
	vcpu->pio_in.pending = false;
	vcpu->mmio_in_pending = false;
}

static void vcpu_reset(struct thinvm_vcpu *vcpu)
{
	/* No CPUID table yet: what an empty one allows. */
	thinvm_cpuid_guest_cpu(NULL, 0, &vcpu->guest);
	thinvm_vcpu_init_regs(vcpu);
	vcpu->apic_base = APIC_DEFAULT_PHYS_BASE | MSR_IA32_APICBASE_ENABLE |
			  (vcpu->id == 0 ? MSR_IA32_APICBASE_BSP : 0);
	vcpu->misc_enable = MSR_IA32_MISC_ENABLE_PEBS_UNAVAIL |
			    MSR_IA32_MISC_ENABLE_BTS_UNAVAIL;
	vcpu->xcr0 = THINVM_XFEATURE_X87;
	vcpu->cpu = -1;
}

int thinvm_vcpu_create(struct thinvm_vm *vm, unsigned long id)
{
	struct thinvm_vcpu *vcpu;
	int r;

	if (id >= THINVM_MAX_VCPUS)
		return -EINVAL;
	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return -ENOMEM;
	vcpu->vm = vm;
	vcpu->id = id;
	mutex_init(&vcpu->mutex);
	vcpu_reset(vcpu);
	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	vcpu->pio_data = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->run || !vcpu->pio_data ||
	    !fpu_alloc_guest_fpstate(&vcpu->guest_fpu)) {
		free_page((unsigned long)vcpu->pio_data);
		free_page((unsigned long)vcpu->run);
		kfree(vcpu);
		return -ENOMEM;
	}

	mutex_lock(&vm->lock);
	/*
	 * As KVM: no more vCPUs than the VM's maximum (KVM_CAP_MAX_VCPUS),
	 * counting those whose fd closed too: their ids stay taken.
	 */
	if (bitmap_weight(vm->vcpu_ids, THINVM_MAX_VCPUS) >= vm->max_vcpus) {
		r = -EINVAL;
		goto err_unlock;
	}
	/* As KVM, an id is taken for the VM's life even once its fd closes. */
	if (test_and_set_bit(id, vm->vcpu_ids)) {
		r = -EEXIST;
		goto err_unlock;
	}
	r = thinvm_backend->vcpu_create(vcpu);
	if (r)
		goto err_id;
	kref_get(&vm->ref);
	r = anon_inode_getfd("thinvm-vcpu", &thinvm_vcpu_fops, vcpu,
			     O_RDWR | O_CLOEXEC);
	if (r < 0) {
		thinvm_vm_put(vm);
		goto err_backend;
	}
	vm->vcpus[id] = vcpu;
	WRITE_ONCE(vm->nr_vcpus, vm->nr_vcpus + 1);
	mutex_unlock(&vm->lock);
	return r;

err_backend:
	thinvm_backend->vcpu_free(vcpu);
err_id:
	clear_bit(id, vm->vcpu_ids);
err_unlock:
	mutex_unlock(&vm->lock);
	vcpu_free(vcpu);
	return r;
}
