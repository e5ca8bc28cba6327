// SPDX-License-Identifier: GPL-2.0
/*
 * Named features (feature_rules.c) on this host: what it has, read once at
 * load, and the VMX capability MSRs a VM is told of. thinvm runs no nested
 * guests, so these MSRs describe rather than promise; they are what
 * orchestration compares between hosts, and a guest whose CPUID has VMX
 * reads the same values its VMM does (the seed's point: one filtered view,
 * for the guest's RDMSR and the VMM's KVM_GET_MSRS alike).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/processor.h>

#include "feature_rules.h"
#include "thinvm.h"

/* The Hyper-V enlightened VMCS version thinvm answers: 1.1 ("v1"). */
#define EVMCS_VERSION 0x0101

static struct thinvm_host_features host;

/* Slots of feature_rules.c read only if the CPU has them (SDM A.1-A.11). */
static bool vmx_slot_exists(unsigned int slot)
{
	u64 basic = host.vmx_msr[0], proc = host.vmx_msr[2];
	u64 proc2 = host.vmx_msr[6];

	switch (thinvm_vmx_msr_index(slot)) {
	case THINVM_MSR_VMX_PROCBASED2:
		return proc & BIT_ULL(63);
	case THINVM_MSR_VMX_EPT_VPID_CAP:
		return (proc & BIT_ULL(63)) && (proc2 & (BIT_ULL(33) | BIT_ULL(37)));
	case THINVM_MSR_VMX_TRUE_PINBASED ... THINVM_MSR_VMX_TRUE_ENTRY:
		return basic & BIT_ULL(55);
	case THINVM_MSR_VMX_VMFUNC:
		return (proc & BIT_ULL(63)) && (proc2 & BIT_ULL(32 + 13));
	case THINVM_MSR_VMX_PROCBASED3:
		return proc & BIT_ULL(32 + 17);
	default:
		return true;
	}
}

/*
 * Whether thinvm's own VMCS must fit eVMCS v1 (Hyper-V recommends it), and
 * whether that eVMCS has the PERF_GLOBAL_CTRL fields. From the hypervisor's
 * CPUID leaves, which read the same on every CPU.
 */
static bool own_evmcs(bool *perf_global_ctrl)
{
	u32 sig[3], eax;

	*perf_global_ctrl = false;
	if (!boot_cpu_has(X86_FEATURE_HYPERVISOR))
		return false;
	cpuid(0x40000000, &eax, &sig[0], &sig[1], &sig[2]);
	if (eax < 0x40000004 || !thinvm_on_hyperv_evmcs(sig, cpuid_eax(0x40000004)))
		return false;
	*perf_global_ctrl = eax >= 0x4000000a && (cpuid_ebx(0x4000000a) & BIT(0));
	return true;
}

u64 thinvm_vmx_own_msr(u32 index, u64 value)
{
	bool perf;
	bool evmcs = own_evmcs(&perf);

	return thinvm_own_vmx_msr(index, value, evmcs, perf);
}

void thinvm_features_init(void)
{
	unsigned int i;
	bool perf;

	host.vmx = !strcmp(thinvm_backend->name, "vmx");
	if (!host.vmx) {
		if (cpuid_eax(0x80000000) >= 0x8000000a)
			host.svm_edx = cpuid_edx(0x8000000a);
		return;
	}
	/* In slot order, so that each read knows what the earlier ones said. */
	for (i = 0; i < THINVM_VMX_MSRS; i++) {
		if (!vmx_slot_exists(i) ||
		    rdmsrl_safe(thinvm_vmx_msr_index(i), &host.vmx_msr[i]))
			continue;
		host.vmx_msr[i] = thinvm_vmx_own_msr(thinvm_vmx_msr_index(i),
						     host.vmx_msr[i]);
		host.vmx_present |= BIT(i);
	}
	if (own_evmcs(&perf))
		pr_info("on Hyper-V with the enlightened VMCS: VMX controls limited to eVMCS v1%s\n",
			perf ? " (with PERF_GLOBAL_CTRL)" : "");
}

u64 thinvm_features_host(void)
{
	return thinvm_features_available(&host);
}

const char *thinvm_features_why_not(u64 hidden)
{
	unsigned int bad;

	return thinvm_features_check(&host, hidden, &bad);
}

int thinvm_features_vcpu_msr(struct thinvm_vcpu *vcpu, u32 index, u64 *data)
{
	int slot = thinvm_vmx_msr_slot(index);
	u64 view[THINVM_VMX_MSRS];

	/* As KVM: only a guest said to have VMX has these MSRs. */
	if (slot < 0 || !host.vmx || !vcpu->guest.vmx ||
	    !(host.vmx_present & BIT(slot)))
		return -ENOENT;
	thinvm_vmx_view(&host, vcpu->vm->hidden_features, vcpu->evmcs,
			vcpu->guest.hv_evmcs_perf_global_ctrl, view);
	*data = view[slot];
	return 0;
}

unsigned int thinvm_features_vmx_view(u64 hidden, struct thinvm_msr_value *out)
{
	u64 view[THINVM_VMX_MSRS];
	unsigned int i, n = 0;

	if (!host.vmx)
		return 0;
	thinvm_vmx_view(&host, hidden, false, false, view);
	for (i = 0; i < THINVM_VMX_MSRS; i++)
		if (host.vmx_present & BIT(i))
			out[n++] = (struct thinvm_msr_value){
				.index = thinvm_vmx_msr_index(i),
				.value = view[i],
			};
	return n;
}

/* KVM_GET_MSR_FEATURE_INDEX_LIST: the VMX capability MSRs a VMX host has. */
long thinvm_feature_msr_index_list(void __user *argp)
{
	struct kvm_msr_list __user *user = argp;
	struct thinvm_msr_value view[THINVM_VMX_MSRS];
	u32 n, i, ours = thinvm_features_vmx_view(0, view);

	if (get_user(n, &user->nmsrs) || put_user(ours, &user->nmsrs))
		return -EFAULT;
	if (n < ours)
		return -E2BIG;
	for (i = 0; i < ours; i++)
		if (put_user(view[i].index, &user->indices[i]))
			return -EFAULT;
	return 0;
}

/*
 * The system KVM_GET_MSRS: feature MSRs as a VM created now would see them
 * (the host policy's hidden features applied). Like KVM, it returns how
 * many entries it filled, stopping at the first it does not know.
 */
long thinvm_feature_msrs_get(void __user *argp)
{
	struct thinvm_msr_value view[THINVM_VMX_MSRS];
	struct thinvm_host_policy policy;
	struct kvm_msrs __user *user = argp;
	struct kvm_msrs head;
	unsigned int n, j;
	u32 i;

	if (copy_from_user(&head, user, sizeof(head)))
		return -EFAULT;
	if (head.nmsrs >= 256)
		return -E2BIG;
	thinvm_policy_get(&policy);
	n = thinvm_features_vmx_view(policy.hidden_features, view);
	for (i = 0; i < head.nmsrs; i++) {
		u32 index;

		if (get_user(index, &user->entries[i].index))
			return -EFAULT;
		for (j = 0; j < n && view[j].index != index; j++)
			;
		if (j == n)
			break;
		if (put_user(view[j].value, &user->entries[i].data))
			return -EFAULT;
	}
	return i;
}

/*
 * KVM_ENABLE_CAP(KVM_CAP_HYPERV_ENLIGHTENED_VMCS) on a vCPU: its VMX
 * capability MSRs lose what eVMCS v1 cannot carry; the version goes to the
 * u16 at args[0] (if not 0), as KVM writes it. A VMX-only capability, as on
 * KVM (ENOTTY elsewhere); thinvm refuses it (EBUSY) once the vCPU has run,
 * since it changes what the guest was told.
 */
long thinvm_enable_evmcs(struct thinvm_vcpu *vcpu, u64 user_version)
{
	u16 version = EVMCS_VERSION;

	if (!host.vmx)
		return -ENOTTY;
	if (vcpu->has_run && !vcpu->evmcs)
		return -EBUSY;
	if (user_version &&
	    copy_to_user(u64_to_user_ptr(user_version), &version, sizeof(version)))
		return -EFAULT;
	vcpu->evmcs = true;
	return 0;
}
