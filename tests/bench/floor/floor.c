// SPDX-License-Identifier: GPL-2.0
/*
 * thinvm_floor: the cheapest exit an SVM hypervisor can have, as the floor
 * of make bench (tests/bench/README.md). Not shipped, test-only.
 *
 * One tiny 32-bit guest without paging (so without nested paging either:
 * its addresses are host-physical, which is why its one page comes from
 * the low 4 GiB) loops on one instruction that exits. The host loop is the
 * bare minimum: CLGI, VMRUN, STGI, move RIP past the instruction (NRIP save
 * when the CPU has it, else the known length), enter again. No VMLOAD or
 * VMSAVE: the guest never touches the state they switch.
 *
 * Reading /sys/kernel/debug/thinvm_floor/{vmmcall,cpuid,pio} runs
 * "iterations" round trips (module parameter) and prints
 * "<iterations> <ns>", the time of the loops alone. SVM must be off on
 * the CPU (no thinvm or KVM VM alive): the file then fails with EBUSY.
 */
#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/sched.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/svm.h>

static unsigned int iterations = 10000;
module_param(iterations, uint, 0644);
MODULE_PARM_DESC(iterations, "round trips per read of a debugfs file");

/* The I/O permission map: one bit per port, 64K ports, plus a spare page. */
#define IOPM_SIZE (3 * PAGE_SIZE)
/* Architectural reset values of DR6 and DR7. */
#define FLOOR_DR6 0xffff0ff0
#define FLOOR_DR7 0x400

/* Preemption stays off for one batch only, so the host keeps scheduling. */
#define BATCH 1000

enum floor_kind { FLOOR_VMMCALL, FLOOR_CPUID, FLOOR_PIO, FLOOR_KINDS };

/* Each guest: the exiting instruction, then a jump back to it. */
static const struct {
	const char *name;
	u8 code[8];
	unsigned int len;		/* of the exiting instruction */
	unsigned int exit_code;
} kinds[FLOOR_KINDS] = {
	[FLOOR_VMMCALL] = { "vmmcall", { 0x0f, 0x01, 0xd9, 0xeb, 0xfb }, 3, SVM_EXIT_VMMCALL },
	[FLOOR_CPUID] = { "cpuid", { 0x0f, 0xa2, 0xeb, 0xfc }, 2, SVM_EXIT_CPUID },
	/* out %al, $0x80 */
	[FLOOR_PIO] = { "pio", { 0xe6, 0x80, 0xeb, 0xfc }, 2, SVM_EXIT_IOIO },
};

static struct dentry *dir;
static DEFINE_MUTEX(floor_lock);	/* one run at a time: one VMCB */
static struct vmcb *vmcb;
static void *guest_page, *hsave, *iopm;
static bool nrips;

static void intercept(unsigned int bit)
{
	vmcb->control.intercepts[bit / 32] |= 1u << (bit % 32);
}

static void flat_seg(struct vmcb_seg *s, u16 sel, u16 type)
{
	/* type | S | P | D/B | G: a flat 32-bit segment */
	*s = (struct vmcb_seg){ .selector = sel, .limit = 0xffffffff,
				.attrib = type | SVM_SELECTOR_S_MASK |
					  SVM_SELECTOR_P_MASK | SVM_SELECTOR_DB_MASK |
					  SVM_SELECTOR_G_MASK };
}

static void vmcb_init(enum floor_kind k)
{
	struct vmcb_control_area *c = &vmcb->control;
	struct vmcb_save_area *s = &vmcb->save;

	memset(vmcb, 0, PAGE_SIZE);
	memcpy(guest_page, kinds[k].code, sizeof(kinds[k].code));
	/* VMRUN must be intercepted; the rest are what the guest does, or
	 * what would otherwise reach its (absent) IDT. */
	intercept(INTERCEPT_VMRUN);
	intercept(INTERCEPT_VMMCALL);
	intercept(INTERCEPT_CPUID);
	intercept(INTERCEPT_IOIO_PROT);
	intercept(INTERCEPT_INTR);
	intercept(INTERCEPT_NMI);
	intercept(INTERCEPT_HLT);
	intercept(INTERCEPT_SHUTDOWN);
	c->iopm_base_pa = virt_to_phys(iopm);
	c->asid = 1;
	c->tlb_ctl = TLB_CONTROL_FLUSH_ALL_ASID;
	/* The host's IF decides physical interrupts: off around VMRUN, so
	 * they wait for the guest's next exit a few instructions later. */
	c->int_ctl = V_INTR_MASKING_MASK;

	flat_seg(&s->cs, 8, 0xb);
	flat_seg(&s->ds, 16, 0x3);
	s->es = s->ss = s->ds;
	s->gdtr.limit = s->idtr.limit = 0;
	s->efer = EFER_SVME;		/* VMRUN refuses a guest without it */
	s->cr0 = X86_CR0_PE | X86_CR0_ET;
	s->dr6 = FLOOR_DR6;
	s->dr7 = FLOOR_DR7;
	s->rflags = X86_EFLAGS_FIXED;
	s->rip = virt_to_phys(guest_page);
	s->g_pat = 0x0007040600070406ULL;
}

static void vmrun(u64 pa)
{
	/* The guest changes no register VMRUN leaves alone (only its RIP). */
	asm volatile("clgi\n\tvmrun %%rax\n\tstgi" : : "a"(pa) : "memory", "cc");
}

/* One batch on this CPU with SVM turned on for it; returns ns or -errno. */
static s64 run_batch(enum floor_kind k, unsigned int n, unsigned int *others)
{
	u64 efer, pa = virt_to_phys(vmcb), start, end;
	unsigned int done = 0;

	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME)
		return -EBUSY;		/* thinvm or KVM owns SVM here */
	wrmsrl(MSR_EFER, efer | EFER_SVME);
	wrmsrl(MSR_VM_HSAVE_PA, virt_to_phys(hsave));
	vmcb->control.clean = 0;

	start = ktime_get_ns();
	while (done < n) {
		local_irq_disable();
		vmrun(pa);
		local_irq_enable();
		if (vmcb->control.exit_code != kinds[k].exit_code) {
			if (vmcb->control.exit_code != SVM_EXIT_INTR &&
			    vmcb->control.exit_code != SVM_EXIT_NMI)
				break;
			(*others)++;	/* an interrupt: enter again */
			continue;
		}
		/* I/O exits always carry the next RIP in EXITINFO2. */
		if (k == FLOOR_PIO)
			vmcb->save.rip = vmcb->control.exit_info_2;
		else if (nrips)
			vmcb->save.rip = vmcb->control.next_rip;
		else
			vmcb->save.rip += kinds[k].len;
		vmcb->control.tlb_ctl = TLB_CONTROL_DO_NOTHING;
		done++;
	}
	end = ktime_get_ns();

	wrmsrl(MSR_VM_HSAVE_PA, 0);
	wrmsrl(MSR_EFER, efer);
	if (done < n) {
		pr_err("thinvm_floor: %s: exit %#llx, info %#llx %#llx\n", kinds[k].name,
		       (u64)vmcb->control.exit_code, vmcb->control.exit_info_1,
		       vmcb->control.exit_info_2);
		return -EIO;
	}
	return end - start;
}

static int floor_show(struct seq_file *m, void *unused)
{
	enum floor_kind k = (uintptr_t)m->private;
	unsigned int n = READ_ONCE(iterations), left, others = 0;
	s64 ns, total = 0;

	if (!n)
		return -EINVAL;
	mutex_lock(&floor_lock);
	vmcb_init(k);
	for (left = n; left; left -= min(left, BATCH)) {
		preempt_disable();
		ns = run_batch(k, min(left, BATCH), &others);
		preempt_enable();
		if (ns < 0) {
			mutex_unlock(&floor_lock);
			return ns;
		}
		total += ns;
		cond_resched();
	}
	mutex_unlock(&floor_lock);
	seq_printf(m, "%u %lld %u\n", n, total, others);
	return 0;
}

static int floor_open(struct inode *inode, struct file *file)
{
	return single_open(file, floor_show, inode->i_private);
}

static const struct file_operations floor_fops = {
	.owner = THIS_MODULE,
	.open = floor_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static void floor_free(void)
{
	free_page((unsigned long)vmcb);
	free_page((unsigned long)guest_page);
	free_page((unsigned long)hsave);
	free_pages((unsigned long)iopm, get_order(IOPM_SIZE));
}

static int __init floor_init(void)
{
	uintptr_t k;

	if (!boot_cpu_has(X86_FEATURE_SVM))
		return -ENODEV;
	nrips = boot_cpu_has(X86_FEATURE_NRIPS);
	vmcb = (void *)get_zeroed_page(GFP_KERNEL);
	guest_page = (void *)get_zeroed_page(GFP_KERNEL | GFP_DMA32);
	hsave = (void *)get_zeroed_page(GFP_KERNEL);
	iopm = (void *)__get_free_pages(GFP_KERNEL, get_order(IOPM_SIZE));
	if (!vmcb || !guest_page || !hsave || !iopm) {
		floor_free();
		return -ENOMEM;
	}
	memset(iopm, 0xff, IOPM_SIZE);	/* every port exits */

	dir = debugfs_create_dir("thinvm_floor", NULL);
	for (k = 0; k < FLOOR_KINDS; k++)
		debugfs_create_file(kinds[k].name, 0400, dir, (void *)k, &floor_fops);
	pr_info("thinvm_floor: ready (NRIP save %s)\n", nrips ? "used" : "absent");
	return 0;
}

static void __exit floor_exit(void)
{
	debugfs_remove_recursive(dir);
	floor_free();
}

module_init(floor_init);
module_exit(floor_exit);
MODULE_DESCRIPTION("thinvm benchmark floor: a bare VMRUN loop (test-only)");
MODULE_LICENSE("GPL");
