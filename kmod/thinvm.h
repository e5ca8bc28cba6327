/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of thinvm.ko. Generic code reaches the hardware only
 * through struct thinvm_backend; nothing outside svm/ and vmx/ knows what a
 * VMCB or a VMCS is.
 */
#ifndef THINVM_H
#define THINVM_H

#include <linux/cpumask.h>
#include <linux/kref.h>
#include <linux/kvm.h>
#include <linux/mutex.h>
#include <linux/ratelimit.h>
#include <linux/thinvm.h>
#include <linux/types.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>

#include "cpuid_rules.h"
#include "decode.h"
#include "guest_walk.h"
#include "policy_rules.h"
#define THINVM_MAX_MEMSLOTS	32
/* kvm_run in page 0 of the vCPU mapping, port I/O data in page 1 (as KVM). */
#define THINVM_PIO_PAGE		1
#define THINVM_VCPU_MMAP_PAGES	2

/* GPR indices in instruction-encoding order, as decoders want them. */
enum thinvm_reg {
	THINVM_RAX, THINVM_RCX, THINVM_RDX, THINVM_RBX,
	THINVM_RSP, THINVM_RBP, THINVM_RSI, THINVM_RDI,
	THINVM_R8, THINVM_R9, THINVM_R10, THINVM_R11,
	THINVM_R12, THINVM_R13, THINVM_R14, THINVM_R15,
	THINVM_NR_GPRS,
};

/* A slot is in use when its bit is in thinvm_vm.slots_used. */
struct thinvm_memslot {
	u32 flags;		/* KVM_MEM_* */
	u64 gpa;
	u64 size;
	u64 hva;
	/* Pages pinned from the VMM while mapped, one per guest page. */
	struct page **pages;
};

/*
 * Nested page tables (NPT or EPT): a radix tree of 512-entry tables, as deep
 * as the backend says. Protected by the owning VM's lock.
 */
struct thinvm_mmu {
	u64 *root;
	int levels;
	/* Bumped when mappings go away; vCPUs flush their TLB when it moved. */
	atomic64_t tlb_gen;
};

/* How a backend's nested page-table entries look (NPT or EPT). */
struct thinvm_pte_format {
	u64 table;		/* bits of an entry pointing to a table */
	u64 leaf_rw;		/* bits of a writable leaf */
	u64 leaf_ro;		/* bits of a read-only leaf */
};

struct thinvm_msr_env;
struct thinvm_caps_snapshot;

struct thinvm_vm {
	struct kref ref;	/* the VM fd and each vCPU fd */
	u32 id;			/* in the registry (vm.c), for netlink */
	pid_t pid;		/* the creator's thread group */
	struct mm_struct *mm;	/* the creator's; ioctls from others fail */
	/* Under the registry's lock (vm.c); read locklessly where noted. */
	char name[THINVM_VM_NAME_MAX];	/* empty until THINVM_SET_VM_NAME */
	/*
	 * A hypercall exits to the VMM only if the VMM asked for it, policy
	 * allows it here and the host ceiling allows it: policy narrows what
	 * the VMM asked, never widens it, so no VMM sees an exit it did not
	 * ask for. Both read at each hypercall.
	 */
	u64 hc_requested;	/* KVM_ENABLE_CAP(KVM_CAP_EXIT_HYPERCALL) */
	u64 hc_allowed;		/* policy: host default, then netlink */
	u64 policy_generation;
	/* Per VM, so that one guest's refusals do not hide another's. */
	struct ratelimit_state hc_refused_rs;
	atomic_t hc_refused_suppressed;
	unsigned int nr_vcpus;	/* under the VM's lock; netlink reads it */
	/*
	 * What the guest is told of the CPU, from the host policy when the VM
	 * was created; netlink may change them (under the registry's lock and
	 * the VM's) only while has_run / nr_vcpus say nobody depends on them.
	 */
	u64 hidden_features;	/* enum thinvm_feature bits */
	unsigned int max_vcpus;
	unsigned int hv_vcpu_limit;	/* HYPERV_CPUID_IMPLEMENT_LIMITS.EAX */
	bool has_run;		/* a vCPU entered the guest; under the VM's lock */
	struct mutex lock;	/* memslots, the MMU, vCPU creation */
	struct thinvm_memslot slots[THINVM_MAX_MEMSLOTS];
	/* Bit N: slot N is in use. A lookup visits only those (MMIO misses
	 * every slot, on each exit). */
	u32 slots_used;
	struct thinvm_vcpu *vcpus[THINVM_MAX_VCPUS];
	DECLARE_BITMAP(vcpu_ids, THINVM_MAX_VCPUS);
	struct thinvm_mmu mmu;
};

enum thinvm_vcpu_mode {
	THINVM_OUTSIDE_GUEST,
	THINVM_IN_GUEST,
};

struct thinvm_vcpu {
	struct thinvm_vm *vm;
	u32 id;
	struct mutex mutex;	/* one ioctl at a time, as KVM */
	struct kvm_run *run;
	void *pio_data;
	/* Registers the generic code works on; backends sync the rest. */
	unsigned long regs[THINVM_NR_GPRS];
	unsigned long rip;
	unsigned long rflags;
	/* An MMIO read that exited to userspace, completed at the next run. */
	struct thinvm_mov mmio_in;
	bool mmio_in_pending;
	/* A port read that exited to userspace, completed at the next run. */
	struct {
		bool pending;
		bool string;	/* INS: into guest memory, not RAX */
		bool down;	/* INS with DF=1: elements in reverse */
		u8 size;
		u32 count;
		u64 la;		/* INS: where the elements go */
	} pio_in;
	/* A hypercall that exited to userspace, completed at the next run. */
	struct {
		bool pending;
		bool long_mode;
		unsigned long next_rip;
	} hypercall;
	bool pv_enforce;	/* KVM_CAP_ENFORCE_PV_FEATURE_CPUID */
	bool evmcs;		/* KVM_CAP_HYPERV_ENLIGHTENED_VMCS */
	struct thinvm_vcpu_stats stats;
	/* The VMM's CPUID table (KVM_SET_CPUID2) and what it allows. */
	struct kvm_cpuid_entry2 *cpuid;
	unsigned int cpuid_nent;
	struct thinvm_guest_cpu guest;
	bool has_run;		/* entered the guest at least once */
	/* MSRs without a home in the backend's state. */
	u64 apic_base;
	u64 misc_enable;
	u64 xcr0;		/* the guest's; 1 (x87) at power-on */
	bool xcr0_in_use;	/* CR4.OSXSAVE at the last entry (xsave.c) */
	int mode;		/* enum thinvm_vcpu_mode, read by kickers */
	int cpu;		/* where it runs or ran last, -1 before */
	u64 tlb_gen;		/* the MMU generation its TLB reflects */
	struct fpu_guest guest_fpu;
	void *arch;		/* the backend's state */
};

struct thinvm_guest_view;

struct thinvm_backend {
	const char *name;	/* "svm" or "vmx": sysfs and log lines */
	/*
	 * NULL if the calling CPU has what thinvm needs, else why not. Runs on
	 * every online CPU at load and on each CPU that comes online.
	 */
	const char *(*cpu_missing)(void);
	/*
	 * The calling CPU's capabilities that must equal on every CPU (the
	 * golden snapshot at load, then each CPU coming online).
	 */
	void (*snapshot)(struct thinvm_caps_snapshot *s);
	/* Load time, after cpu_missing() passed everywhere: per-CPU areas. */
	int (*setup)(void);
	void (*unsetup)(void);
	/*
	 * Turn virtualization on or off on the calling CPU; IRQs are off.
	 * enable_cpu() returns -EBUSY when another hypervisor already owns
	 * the CPU (EFER.SVME or CR4.VMXE set), and leaves it untouched.
	 */
	int (*enable_cpu)(void);
	void (*disable_cpu)(void);
	/* Read from the hardware whether virtualization is on here. */
	bool (*hw_enabled)(void);
	/* What the hardware bit is called, for log lines. */
	const char *owner_bit;

	/* Nested paging: the entry format and how many levels to use (both
	 * required). */
	const struct thinvm_pte_format *pte;
	int (*mmu_levels)(void);

	/* vCPUs. */
	int (*vcpu_create)(struct thinvm_vcpu *vcpu);
	void (*vcpu_free)(struct thinvm_vcpu *vcpu);
	void (*get_sregs)(struct thinvm_vcpu *vcpu, struct kvm_sregs *sregs);
	/*
	 * What emulation needs of the same state (guest_mem.c): the paging
	 * registers as get_sregs reports them, the code size and the segment
	 * bases. Every MMIO exit asks, hence not the whole of get_sregs.
	 */
	void (*get_view)(struct thinvm_vcpu *vcpu, struct thinvm_guest_view *v);
	/* Checked by the caller (vcpu.c): cannot fail. */
	void (*set_sregs)(struct thinvm_vcpu *vcpu, const struct kvm_sregs *sregs);
	/*
	 * Enter the guest once and handle the exit: > 0 to enter again, 0 when
	 * vcpu->run holds an exit for userspace, -EAGAIN when virtualization is
	 * off on this CPU (it is going offline: run elsewhere), < 0 for an
	 * error.
	 */
	int (*vcpu_run)(struct thinvm_vcpu *vcpu);
	/* Optional: KVM_RUN returns to userspace (host state left lazily). */
	void (*run_end)(struct thinvm_vcpu *vcpu);
	/*
	 * MSRs the backend keeps (EFER, PAT, TSC, SYSENTER, SYSCALL, segment
	 * bases): raw access, checked by msr.c; -ENOENT for any other.
	 */
	int (*get_msr)(struct thinvm_vcpu *vcpu, u32 index, u64 *data);
	int (*set_msr)(struct thinvm_vcpu *vcpu, u32 index, u64 data);
	/* Fill what the MSR checks need from the vCPU's state (paging, LA57). */
	void (*msr_env)(struct thinvm_vcpu *vcpu, struct thinvm_msr_env *env);
	u64 (*get_cr4)(struct thinvm_vcpu *vcpu);
};

extern const struct thinvm_backend thinvm_svm;
extern const struct thinvm_backend thinvm_vmx;
extern const struct thinvm_backend *thinvm_backend;

/* virt.c: virtualization on while at least one VM exists. */
int thinvm_virt_init(void);
void thinvm_virt_exit(void);
int thinvm_virt_get(void);
void thinvm_virt_put(void);
const struct cpumask *thinvm_virt_cpus(void);
unsigned int thinvm_virt_users(void);
bool thinvm_virt_rebooting(void);
bool thinvm_virt_on_this_cpu(void);

/*
 * Right before entry, IRQs off. KVM_RUN swapped the guest's FPU state in
 * once (vcpu.c); if the vCPU thread has been scheduled out since, the kernel
 * saved the registers and left them to be loaded on the way back to user
 * space. Load them now, or the guest runs with stale FPU registers (as
 * KVM's vcpu_enter_guest() does).
 */
static inline void thinvm_guest_fpu_load_irqoff(void)
{
	fpregs_assert_state_consistent();
	if (test_thread_flag(TIF_NEED_FPU_LOAD))
		switch_fpu_return();
}

/* cpu_pages.c: a zeroed page per possible CPU */
struct page;
int thinvm_cpu_pages_alloc(struct page * __percpu *pages);
void thinvm_cpu_pages_free(struct page * __percpu *pages);

/* vm.c */
int thinvm_vm_create(unsigned long type);
/* KVM_CHECK_EXTENSION on the device (@vm NULL) or on a VM. */
long thinvm_check_extension(struct thinvm_vm *vm, unsigned long cap);
/* A vCPU of @vm enters the guest for the first time. */
void thinvm_vm_mark_run(struct thinvm_vm *vm);
void thinvm_vm_put(struct thinvm_vm *vm);
/*
 * Map the guest page at @gpa from its memslot: 0, or -ENOENT when no slot
 * holds it (MMIO), -EPERM for a write to a read-only slot, -EFAULT when the
 * VMM's memory cannot be pinned.
 */
int thinvm_vm_fault(struct thinvm_vm *vm, u64 gpa, bool write);

/* memslot.c */
int thinvm_memslot_set(struct thinvm_vm *vm,
		       const struct kvm_userspace_memory_region *mem);
void thinvm_memslots_free(struct thinvm_vm *vm);
struct thinvm_memslot *thinvm_memslot_find(struct thinvm_vm *vm, u64 gpa);

/* mmu.c */
int thinvm_mmu_init(struct thinvm_mmu *mmu, int levels);
void thinvm_mmu_destroy(struct thinvm_mmu *mmu);
int thinvm_mmu_map(struct thinvm_mmu *mmu, u64 gpa, phys_addr_t hpa,
		   bool writable);
void thinvm_mmu_unmap(struct thinvm_mmu *mmu, u64 gpa, u64 size);
/* After unmapping: make every vCPU drop stale translations. */
void thinvm_vm_flush_tlbs(struct thinvm_vm *vm);

static inline void thinvm_count_exit(struct thinvm_vcpu *vcpu,
				     enum thinvm_exit_stat reason)
{
	vcpu->stats.exits++;
	vcpu->stats.by_reason[reason]++;
}

/*
 * hypercall.c: the hypercall in RAX, for a guest at @cpl, the instruction
 * ending at @next_rip. 1: answered in RAX, RIP moved on; 0: vcpu->run holds
 * KVM_EXIT_HYPERCALL and the VMM's answer completes it at the next run.
 */
int thinvm_hypercall(struct thinvm_vcpu *vcpu, unsigned int cpl,
		     bool long_mode, unsigned long next_rip);
void thinvm_hypercall_complete(struct thinvm_vcpu *vcpu);

/* policy.c: the host policy in force (policy_rules.h). */
struct thinvm_host_policy;
void thinvm_policy_init(void);
const char *thinvm_hotplug_mode_name(u32 mode);
void thinvm_policy_get(struct thinvm_host_policy *p);
int thinvm_policy_set(const struct thinvm_host_policy *change,
		      unsigned int fields, bool dry_run,
		      struct thinvm_host_policy *result, const char **why);
u64 thinvm_policy_hc_ceiling(void);
u32 thinvm_policy_hotplug_mode(void);

/* vm.c: the registry of VMs, for netlink. */
struct thinvm_vm_info {
	u32 id;
	u32 pid;
	char name[THINVM_VM_NAME_MAX];
	u32 vcpus;
	u64 policy_generation;
	u64 hc_allowed;
	u64 hc_requested;
	u64 hidden_features;
	u32 max_vcpus;
	bool has_run;
};
/* What THINVM_CMD_SET_VM_POLICY changes: THINVM_VM_SET_* in @fields. */
enum {
	THINVM_VM_SET_HC_EXIT_MASK	= 1 << 0,
	THINVM_VM_SET_GENERATION	= 1 << 1,
	THINVM_VM_SET_HIDDEN_FEATURES	= 1 << 2,
	THINVM_VM_SET_MAX_VCPUS		= 1 << 3,
};
struct thinvm_vm_change {
	unsigned int fields;
	u64 hc_allowed;
	u64 generation;
	u64 hidden_features;
	u32 max_vcpus;
};
void thinvm_vms_lock(void);
void thinvm_vms_unlock(void);
unsigned int thinvm_vms_seq(void);
struct thinvm_vm *thinvm_vm_next(unsigned long *id);
void thinvm_vm_describe(const struct thinvm_vm *vm, struct thinvm_vm_info *info);
struct thinvm_vm *thinvm_vm_lookup(u32 id);
int thinvm_vm_set_policy(u32 id, const struct thinvm_vm_change *change,
			 bool dry_run, struct thinvm_vm_info *info,
			 const char **why);

/* genl.c: the netlink family and its events. */
int thinvm_genl_init(void);
void thinvm_genl_exit(void);
void thinvm_genl_vm_event(u8 cmd, u32 id, u32 pid);
void thinvm_genl_vm_renamed(u32 id, u32 pid, const char *name);
void thinvm_genl_cpu_event(u8 cmd, unsigned int cpu, u32 state,
			   const char *reason);
void thinvm_genl_policy_event(const struct thinvm_host_policy *p);
void thinvm_genl_vm_policy_event(const struct thinvm_vm_info *info);
void thinvm_genl_hypercall_refused(struct thinvm_vm *vm, u64 nr);

/* admission.c: which CPUs may run VMs (hotplug admission). */
#define THINVM_REASON_MAX 160
int thinvm_admission_init(void);
void thinvm_admission_exit(void);
/* Whether the calling CPU matches the golden snapshot; else @why says how. */
bool thinvm_admission_check_this_cpu(char *why, size_t size);
void thinvm_admission_record(unsigned int cpu, u32 state, const char *why);
u32 thinvm_admission_state(unsigned int cpu, char *why, size_t size);
/* An online CPU that blocks VM creation, or -1. */
int thinvm_admission_blocking_cpu(void);
void thinvm_admission_incompatible(struct cpumask *mask);
/* debugfs: the fault-injection mask (test-only). */
int thinvm_admission_inject_set(const char *cpulist);
int thinvm_admission_inject_show(char *buf, size_t size);

/* guest_mem.c: the guest's memory and instructions, for emulation. */
struct thinvm_guest_view {
	struct thinvm_paging paging;
	unsigned int mode;	/* code size: 16, 32 or 64 */
	u64 seg_base[THINVM_SEG_COUNT];
};

/*
 * The other vendor's hypercall instruction (VMCALL on AMD, VMMCALL on
 * Intel) is emulated in protected mode only, as KVM's emulator has it:
 * real and virtual-8086 mode keep the #UD.
 */
static inline bool thinvm_emulates_foreign_hypercall(const struct thinvm_guest_view *v,
						      unsigned long rflags)
{
	return (v->paging.cr0 & X86_CR0_PE) && !(rflags & X86_EFLAGS_VM);
}

/* The code size of a CS with @l and @db under @efer. */
static inline unsigned int thinvm_code_size(u64 efer, bool l, bool db)
{
	if ((efer & EFER_LMA) && l)
		return 64;
	return db ? 32 : 16;
}
struct thinvm_insn {
	u8 bytes[THINVM_MAX_INSN_LEN];
	unsigned int n;		/* how many could be fetched */
};
void thinvm_guest_view(struct thinvm_vcpu *vcpu, struct thinvm_guest_view *v);
/* Read guest-physical memory of one RAM slot: 0 or -EFAULT. May sleep. */
int thinvm_gpa_read(struct thinvm_vm *vm, u64 gpa, void *buf, unsigned int len);
/* Read or write guest-linear memory backed by RAM slots: 0 or -EFAULT. */
int thinvm_linear_access(struct thinvm_vcpu *vcpu,
			 const struct thinvm_guest_view *v, u64 la, void *buf,
			 unsigned int len, bool write);
void thinvm_fetch_insn(struct thinvm_vcpu *vcpu,
		       const struct thinvm_guest_view *v,
		       struct thinvm_insn *insn);
/* End the run with KVM_EXIT_INTERNAL_ERROR and the instruction's bytes. */
void thinvm_emulation_failure(struct thinvm_vcpu *vcpu,
			      const struct thinvm_insn *insn);

/* mmio.c */
int thinvm_mmio_exit(struct thinvm_vcpu *vcpu, u64 gpa);
/* 1 (enter again), 0 (KVM_EXIT_MMIO) or an error, as a vcpu_run exit. */
int thinvm_nested_fault(struct thinvm_vcpu *vcpu, u64 gpa, bool write);
void thinvm_mmio_complete(struct thinvm_vcpu *vcpu);

/* cpuid.c */
int thinvm_cpuid_init(void);
void thinvm_cpuid_exit(void);
long thinvm_get_supported_cpuid(void __user *argp);
/* KVM_GET_SUPPORTED_CPUID's table under @hidden features, in @out. */
unsigned int thinvm_cpuid_supported_nent(void);
void thinvm_cpuid_supported_view(u64 hidden, struct kvm_cpuid_entry2 *out);
long thinvm_set_cpuid2(struct thinvm_vcpu *vcpu, void __user *argp);
long thinvm_get_cpuid2(struct thinvm_vcpu *vcpu, void __user *argp);
void thinvm_cpuid_refresh(struct thinvm_vcpu *vcpu);
long thinvm_get_hv_cpuid(struct thinvm_vm *vm, void __user *argp);
void thinvm_cpuid_exec(struct thinvm_vcpu *vcpu);
/* CR4 bits the vCPU's CPUID allows that thinvm supports. */
u64 thinvm_cpuid_cr4_allowed(struct thinvm_vcpu *vcpu);
/* XCR0 bits the same allow, the x87 bit aside (xsave_rules.h). */
u64 thinvm_cpuid_xcr0_allowed(struct thinvm_vcpu *vcpu);

/* xsave.c: the guest's XCR0 */
void thinvm_xsave_init(void);
u64 thinvm_host_xcr0(void);
/* Around the entry, IRQs off: the guest's XCR0 in, the host's back. */
void thinvm_xcr0_enter(struct thinvm_vcpu *vcpu, u64 guest_cr4);
void thinvm_xcr0_exit(struct thinvm_vcpu *vcpu);
int thinvm_xsetbv(struct thinvm_vcpu *vcpu, unsigned int cpl);
long thinvm_get_xcrs(struct thinvm_vcpu *vcpu, void __user *argp);
long thinvm_set_xcrs(struct thinvm_vcpu *vcpu, void __user *argp);

/* features.c: named features and the VMX capability MSRs (feature_rules.h) */
void thinvm_features_init(void);
/* The named features this host has. */
u64 thinvm_features_host(void);
/* Why @hidden cannot be hidden here, or NULL: a string constant. */
const char *thinvm_features_why_not(u64 hidden);
/*
 * A VMX capability MSR as the vCPU's guest (and its VMM) reads it: 0, or
 * -ENOENT when @index is not one or the vCPU cannot have it.
 */
int thinvm_features_vcpu_msr(struct thinvm_vcpu *vcpu, u32 index, u64 *data);
long thinvm_feature_msr_index_list(void __user *argp);
long thinvm_feature_msrs_get(void __user *argp);
/* The VMX capability MSRs of a new VM under @hidden: how many in @out. */
unsigned int thinvm_features_vmx_view(u64 hidden,
				      struct thinvm_msr_value *out);
long thinvm_enable_evmcs(struct thinvm_vcpu *vcpu, u64 user_version);
/* A capability MSR as thinvm's own VMCS may use it (eVMCS on Hyper-V). */
u64 thinvm_vmx_own_msr(u32 index, u64 value);

/* msr.c */
int thinvm_msr_get(struct thinvm_vcpu *vcpu, u32 index, u64 *data);
int thinvm_msr_set(struct thinvm_vcpu *vcpu, u32 index, u64 data, bool host);
long thinvm_msr_index_list(void __user *argp);
long thinvm_msrs_ioctl(struct thinvm_vcpu *vcpu, void __user *argp, bool set);

/* pio.c: a port I/O exit, as the backend saw it. */
struct thinvm_io {
	u16 port;
	u8 size;		/* 1, 2 or 4 */
	bool in;
	bool string;		/* INS/OUTS */
	bool rep;
	u8 addr_size;		/* string: 2, 4 or 8 */
	bool seg_known;		/* string: the CPU said which segment... */
	int seg;		/* ...THINVM_SEG_*; else it is decoded */
	unsigned long next_rip;
};
/* 0: vcpu->run holds the exit; 1: nothing for userspace, enter again. */
int thinvm_pio_exit(struct thinvm_vcpu *vcpu, const struct thinvm_io *io);
int thinvm_pio_complete(struct thinvm_vcpu *vcpu);

/* vcpu.c */
int thinvm_vcpu_create(struct thinvm_vm *vm, unsigned long id);
void thinvm_vcpu_init_regs(struct thinvm_vcpu *vcpu);
void thinvm_vcpu_internal_error(struct thinvm_vcpu *vcpu, u32 suberror,
				u64 info);

/* dev.c: /dev/thinvm */
int thinvm_dev_init(void);
void thinvm_dev_exit(void);

/* sysfs.c: /sys/kernel/thinvm/ */
int thinvm_sysfs_init(void);
void thinvm_sysfs_exit(void);

/* debugfs.c: /sys/kernel/debug/thinvm/, for tests */
void thinvm_debugfs_init(void);
void thinvm_debugfs_exit(void);

#endif
