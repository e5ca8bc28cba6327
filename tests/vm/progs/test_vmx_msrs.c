// SPDX-License-Identifier: GPL-2.0
/*
 * The VMX capability MSRs of a vCPU (shared/design.md, behaviour 3): one
 * filtered view, which the guest's RDMSR and the VMM's KVM_GET_MSRS on the
 * vCPU both read. A 64-bit guest reads every feature MSR of the host with
 * RDMSR, and the test compares:
 *  - a vCPU whose CPUID says VMX, nothing hidden: the system KVM_GET_MSRS;
 *  - a vCPU whose CPUID does not say VMX: no such MSRs for its VMM either;
 *  - a VM with one named VMX control hidden (per VM, over netlink, before
 *    it runs): a view that allows less than the system one, the same for
 *    the guest;
 *  - a vCPU with KVM_CAP_HYPERV_ENLIGHTENED_VMCS enabled (version 0x0101
 *    written back): no VM functions, no tertiary controls, and again the
 *    guest reads what the VMM reads; enabling it once a vCPU has run is
 *    refused (EBUSY).
 * Intel only (an AMD host has no such MSRs); thinvm only: KVM's nested VMX
 * reports its own values, so there is nothing to compare with.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "thinvm_features.h"
#include "thinvm_nl.h"
#include "vmtest.h"

#define MEM_SIZE 0x10000
#define INDICES 0x8000		/* u32 count, then the u32 indices */
#define VALUES 0x9000		/* what the guest read, u64 each */
#define MAX_MSRS 32
#define MSR_VMX_VMFUNC 0x491
#define MSR_VMX_PROCBASED_CTLS3 0x492
#define CPUID_1_ECX_VMX (1u << 5)
#define EVMCS_VERSION 0x0101

/* RDMSR of each index at INDICES, the value to VALUES, then a port write. */
asm(".pushsection .rodata\n"
    ".globl rdmsr_guest, rdmsr_guest_end\n"
    "rdmsr_guest:\n"
    ".code64\n"
    "	mov 0x8000, %esi\n"
    "	xor %edi, %edi\n"
    "1:	cmp %esi, %edi\n"
    "	jae 2f\n"
    "	mov 0x8004(,%rdi,4), %ecx\n"
    "	rdmsr\n"
    "	mov %eax, 0x9000(,%rdi,8)\n"
    "	mov %edx, 0x9004(,%rdi,8)\n"
    "	inc %edi\n"
    "	jmp 1b\n"
    "2:	out %al, $0x10\n"
    "	hlt\n"
    "rdmsr_guest_end:\n"
    ".popsection\n");
extern const char rdmsr_guest[], rdmsr_guest_end[];

struct msrs {
	struct kvm_msrs head;
	struct kvm_msr_entry e[MAX_MSRS];
};

static struct tnl *nl;
static uint32_t idx[MAX_MSRS];
static unsigned int n;

/* The feature MSRs and their values by the system KVM_GET_MSRS. */
static void system_view(struct msrs *m)
{
	struct {
		struct kvm_msr_list head;
		uint32_t idx[MAX_MSRS];
	} list = { .head.nmsrs = MAX_MSRS };
	int sys = open(THINVM_DEV, O_RDWR);

	TEST_ASSERT(sys >= 0, "open " THINVM_DEV);
	TEST_ASSERT(!ioctl(sys, KVM_GET_MSR_FEATURE_INDEX_LIST, &list),
		    "KVM_GET_MSR_FEATURE_INDEX_LIST: %s", strerror(errno));
	n = list.head.nmsrs;
	TEST_ASSERT(n > 0, "a VMX host without feature MSRs");
	memset(m, 0, sizeof(*m));
	for (unsigned int i = 0; i < n; i++)
		m->e[i].index = idx[i] = list.idx[i];
	m->head.nmsrs = n;
	TEST_ASSERT(ioctl(sys, KVM_GET_MSRS, m) == (int)n, "system KVM_GET_MSRS");
	close(sys);
}

/* KVM_GET_MSRS on the vCPU; returns how many it read. */
static int vcpu_view(struct vt_vm *v, struct msrs *m)
{
	memset(m, 0, sizeof(*m));
	for (unsigned int i = 0; i < n; i++)
		m->e[i].index = idx[i];
	m->head.nmsrs = n;
	return ioctl(v->vcpu, KVM_GET_MSRS, m);
}

/* The supported CPUID table, with or without VMX in leaf 1. */
static void set_cpuid(struct vt_vm *v, bool vmx)
{
	struct {
		struct kvm_cpuid2 head;
		struct kvm_cpuid_entry2 e[100];
	} t = { .head.nent = 100 };

	TEST_ASSERT(!ioctl(v->sys, KVM_GET_SUPPORTED_CPUID, &t), "KVM_GET_SUPPORTED_CPUID: %s",
		    strerror(errno));
	for (unsigned int i = 0; i < t.head.nent; i++)
		if (t.e[i].function == 1) {
			t.e[i].ecx &= ~CPUID_1_ECX_VMX;
			t.e[i].ecx |= vmx ? CPUID_1_ECX_VMX : 0;
		}
	TEST_ASSERT(!ioctl(v->vcpu, KVM_SET_CPUID2, &t), "KVM_SET_CPUID2: %s", strerror(errno));
}

static void new_vm(struct vt_vm *v, bool vmx)
{
	uint32_t *count;

	vt_vm_create(v, THINVM_DEV, MEM_SIZE, rdmsr_guest, rdmsr_guest_end - rdmsr_guest,
		     VT_LONG64);
	count = (uint32_t *)(v->mem + INDICES);
	*count = n;
	memcpy(count + 1, idx, n * sizeof(idx[0]));
	set_cpuid(v, vmx);
}

/* Run the guest; it must read, as the VMM does, the view in @m. */
static void expect_guest_reads(struct vt_vm *v, const struct msrs *m, const char *what)
{
	const uint64_t *got = (const uint64_t *)(v->mem + VALUES);

	TEST_ASSERT(!ioctl(v->vcpu, KVM_RUN, 0), "%s: KVM_RUN: %s", what, strerror(errno));
	TEST_ASSERT(v->run->exit_reason == KVM_EXIT_IO && v->run->io.port == 0x10,
		    "%s: exit %u, not the guest's end (a #GP on RDMSR is a shutdown)", what,
		    v->run->exit_reason);
	for (unsigned int i = 0; i < n; i++)
		TEST_ASSERT(got[i] == m->e[i].data, "%s: MSR %#x: the guest read %#llx, its VMM %#llx",
			    what, idx[i], (unsigned long long)got[i],
			    (unsigned long long)m->e[i].data);
	vt_log("%s: the guest read the %u MSRs its VMM reads", what, n);
}

/*
 * What @now allows that @was did not: the allowed-1 half of the control
 * MSRs that split into allowed-0 and allowed-1 settings, any bit of the
 * others (capability masks such as VMFUNC and PROCBASED_CTLS3).
 */
static uint64_t gained(uint32_t index, uint64_t was, uint64_t now)
{
	bool split = (index >= 0x481 && index <= 0x484) || index == 0x48b ||
		     (index >= 0x48d && index <= 0x490);

	return split ? (now & ~was) >> 32 : now & ~was;
}

/* Log the MSRs where @now differs from @was, each checked to allow no more; how many. */
static unsigned int changes(const struct msrs *was, const struct msrs *now, const char *what)
{
	unsigned int changed = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (now->e[i].data == was->e[i].data)
			continue;
		TEST_ASSERT(!gained(idx[i], was->e[i].data, now->e[i].data),
			    "MSR %#x allows more with %s: %#llx -> %#llx", idx[i], what,
			    (unsigned long long)was->e[i].data, (unsigned long long)now->e[i].data);
		vt_log("MSR %#x: %#llx -> %#llx with %s", idx[i],
		       (unsigned long long)was->e[i].data, (unsigned long long)now->e[i].data, what);
		changed++;
	}
	return changed;
}

/* The first named VMX control this host has, or -1. */
static int host_vmx_feature(void)
{
	struct tnl_caps caps;

	TEST_ASSERT(!tnl_get_caps(nl, &caps), "GET_CAPS: %s", tnl_last_error(nl));
	for (unsigned int f = 0; f < tnl_feature_count(); f++)
		if (tnl_feature_vendor(f) == TNL_FEATURE_VMX && (caps.features & (1ULL << f)))
			return f;
	return -1;
}

static uint32_t vm_id(struct vt_vm *v)
{
	uint32_t id;

	TEST_ASSERT(!ioctl(v->fd, THINVM_GET_VM_ID, &id), "THINVM_GET_VM_ID");
	return id;
}

int main(void)
{
	struct msrs sys, got;
	struct tnl_policy policy;
	struct tnl_vm want = { 0 };
	struct kvm_enable_cap cap = { .cap = KVM_CAP_HYPERV_ENLIGHTENED_VMCS };
	uint16_t version = 0;
	char what[64];
	struct vt_vm v;
	int f;

	TEST_REQUIRE(!strcmp(vt_vendor(), "vmx"), "no VMX capability MSRs on an AMD host");
	TEST_ASSERT(!tnl_open(&nl), "tnl_open");
	TEST_ASSERT(!tnl_get_policy(nl, &policy), "GET_POLICY: %s", tnl_last_error(nl));
	TEST_ASSERT(!policy.hidden_features, "the host policy hides %#llx already",
		    (unsigned long long)policy.hidden_features);
	system_view(&sys);

	/* Nothing hidden: the system's view, for the VMM and the guest. */
	new_vm(&v, true);
	TEST_ASSERT(vcpu_view(&v, &got) == (int)n, "vCPU KVM_GET_MSRS read fewer than %u", n);
	for (unsigned int i = 0; i < n; i++)
		TEST_ASSERT(got.e[i].data == sys.e[i].data, "MSR %#x: vCPU %#llx, system %#llx",
			    idx[i], (unsigned long long)got.e[i].data,
			    (unsigned long long)sys.e[i].data);
	expect_guest_reads(&v, &got, "VMX in CPUID");
	/* eVMCS would change what the guest was told: not once it has run. */
	TEST_ASSERT(ioctl(v.vcpu, KVM_ENABLE_CAP, &cap) == -1 && errno == EBUSY,
		    "eVMCS enabled after KVM_RUN: %s", strerror(errno));
	vt_vm_destroy(&v);

	/* No VMX in CPUID: no VMX MSRs, as on KVM. */
	new_vm(&v, false);
	TEST_ASSERT(vcpu_view(&v, &got) == 0, "a vCPU without VMX in CPUID reads MSR %#x",
		    idx[0]);
	vt_vm_destroy(&v);

	/* One control hidden for this VM: less allowed, for both readers. */
	f = host_vmx_feature();
	TEST_REQUIRE(f >= 0, "the host has none of the named VMX controls");
	new_vm(&v, true);
	want.id = vm_id(&v);
	want.hidden_features = 1ULL << f;
	TEST_ASSERT(!tnl_set_vm_policy(nl, &want, TNL_VM_HIDDEN_FEATURES, 0, NULL),
		    "hiding %s for the VM: %s", tnl_feature_name(f), tnl_last_error(nl));
	TEST_ASSERT(vcpu_view(&v, &got) == (int)n, "vCPU KVM_GET_MSRS, %s hidden",
		    tnl_feature_name(f));
	snprintf(what, sizeof(what), "%s hidden", tnl_feature_name(f));
	TEST_ASSERT(changes(&sys, &got, what), "hiding %s changed no MSR of the vCPU",
		    tnl_feature_name(f));
	expect_guest_reads(&v, &got, "a control hidden");
	vt_vm_destroy(&v);

	/* eVMCS: what an enlightened VMCS v1 cannot carry is gone. */
	new_vm(&v, true);
	cap.args[0] = (uintptr_t)&version;
	TEST_ASSERT(!ioctl(v.vcpu, KVM_ENABLE_CAP, &cap), "KVM_ENABLE_CAP(ENLIGHTENED_VMCS): %s",
		    strerror(errno));
	TEST_ASSERT(version == EVMCS_VERSION, "eVMCS version %#x, not %#x", version,
		    EVMCS_VERSION);
	TEST_ASSERT(vcpu_view(&v, &got) == (int)n, "vCPU KVM_GET_MSRS with eVMCS");
	/* What changes depends on the CPU: only shown. */
	vt_log("eVMCS changed %u of the %u MSRs", changes(&sys, &got, "eVMCS"), n);
	for (unsigned int i = 0; i < n; i++)
		if (idx[i] == MSR_VMX_VMFUNC || idx[i] == MSR_VMX_PROCBASED_CTLS3)
			TEST_ASSERT(!got.e[i].data, "MSR %#x reads %#llx with eVMCS", idx[i],
				    (unsigned long long)got.e[i].data);
	expect_guest_reads(&v, &got, "eVMCS on");
	vt_vm_destroy(&v);
	tnl_close(nl);
	return 0;
}
