// SPDX-License-Identifier: GPL-2.0
/*
 * What the policy lets a VM be, seen through its vCPUs (shared/design.md,
 * behaviours 3 and 4):
 *
 * - the most vCPUs a VM may have, from the host policy at creation or set
 *   per VM over netlink while it has none: KVM_CHECK_EXTENSION on the VM
 *   says it, one vCPU more fails EINVAL, and a change once a vCPU exists
 *   is EBUSY;
 * - the Hyper-V vCPU limit: KVM_GET_SUPPORTED_HV_CPUID reports it in
 *   HYPERV_CPUID_IMPLEMENT_LIMITS; KVM_SET_CPUID2 with those leaves (the
 *   "Hv#1" interface) on a VM of more vCPUs fails EINVAL with a log line and
 *   leaves the vCPU's table as it was; at the limit it is accepted;
 * - per-VM hidden features: a CPUID table naming one (SVM: 0x8000000A.EDX)
 *   is refused; hiding one a vCPU's table names, or hiding anything once a
 *   vCPU has run, is EBUSY and changes nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "thinvm_features.h"
#include "thinvm_nl.h"
#include "vmtest.h"

const bool vt_compares_with_kvm = false;

#define MEM_SIZE 0x10000

static struct tnl *nl;

asm(".pushsection .rodata\n"
    ".globl hlt_guest, hlt_guest_end\n"
    "hlt_guest:\n"
    "	hlt\n"
    "hlt_guest_end:\n"
    ".popsection\n");
extern const char hlt_guest[], hlt_guest_end[];

struct table {
	struct kvm_cpuid2 head;
	struct kvm_cpuid_entry2 e[16];
};

static void set_host(unsigned int fields, uint32_t vcpus, uint32_t hv)
{
	struct tnl_policy want = { .vm_max_vcpus = vcpus, .hv_vcpu_limit = hv };

	TEST_ASSERT(!tnl_set_policy(nl, &want, fields, 0, NULL), "SET_POLICY: %s",
		    tnl_last_error(nl));
}

static uint32_t vm_id(int vm)
{
	uint32_t id;

	TEST_ASSERT(!ioctl(vm, THINVM_GET_VM_ID, &id), "THINVM_GET_VM_ID");
	return id;
}

static int set_vm(int vm, unsigned int fields, uint64_t hidden, uint32_t vcpus)
{
	struct tnl_vm want = { .id = vm_id(vm), .hidden_features = hidden,
			       .max_vcpus = vcpus };

	return tnl_set_vm_policy(nl, &want, fields, 0, NULL);
}

static struct tnl_vm get_vm(int vm)
{
	struct tnl_vm v;

	TEST_ASSERT(!tnl_get_vm(nl, vm_id(vm), &v), "GET_VM: %s", tnl_last_error(nl));
	return v;
}

/* A table with the Hyper-V leaves KVM_GET_SUPPORTED_HV_CPUID gives @fd. */
static void hyperv_table(int fd, struct table *t, uint32_t *limit)
{
	memset(t, 0, sizeof(*t));
	t->head.nent = 16;
	TEST_ASSERT(!ioctl(fd, KVM_GET_SUPPORTED_HV_CPUID, t),
		    "KVM_GET_SUPPORTED_HV_CPUID: %s", strerror(errno));
	*limit = 0;
	for (unsigned int i = 0; i < t->head.nent; i++)
		if (t->e[i].function == 0x40000005)
			*limit = t->e[i].eax;
}

static unsigned int cpuid_nent(int vcpu)
{
	struct table got = { .head.nent = 16 };

	TEST_ASSERT(!ioctl(vcpu, KVM_GET_CPUID2, &got), "KVM_GET_CPUID2");
	return got.head.nent;
}

static void check_max_vcpus(void)
{
	int vm, v0, v1;

	set_host(TNL_POLICY_VM_MAX_VCPUS, 2, 0);
	vm = vt_create_vm(THINVM_DEV);
	TEST_ASSERT(ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS) == 2,
		    "KVM_CAP_MAX_VCPUS on the VM: %d", ioctl(vm, KVM_CHECK_EXTENSION,
							    KVM_CAP_MAX_VCPUS));
	TEST_ASSERT(get_vm(vm).max_vcpus == 2, "GET_VM max_vcpus %u", get_vm(vm).max_vcpus);
	v0 = ioctl(vm, KVM_CREATE_VCPU, 0);
	v1 = ioctl(vm, KVM_CREATE_VCPU, 5);
	TEST_ASSERT(v0 >= 0 && v1 >= 0, "two vCPUs of two");
	TEST_ASSERT(ioctl(vm, KVM_CREATE_VCPU, 1) == -1 && errno == EINVAL,
		    "a third vCPU: errno %d", errno);
	/* Once vCPUs exist their number is fixed. */
	TEST_ASSERT(set_vm(vm, TNL_VM_MAX_VCPUS, 0, 4) == -EBUSY,
		    "raising the most vCPUs with vCPUs: %s", tnl_last_error(nl));
	TEST_ASSERT(get_vm(vm).max_vcpus == 2, "a refused change changed it");
	close(v1);
	close(v0);
	close(vm);

	/* Per VM, while it has none. */
	vm = vt_create_vm(THINVM_DEV);
	TEST_ASSERT(!set_vm(vm, TNL_VM_MAX_VCPUS, 0, 3), "per VM: %s", tnl_last_error(nl));
	TEST_ASSERT(ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS) == 3, "per-VM maximum");
	/* Out of range: netlink's range check (ERANGE), nothing changed. */
	TEST_ASSERT(set_vm(vm, TNL_VM_MAX_VCPUS, 0, 0) == -ERANGE &&
		    set_vm(vm, TNL_VM_MAX_VCPUS, 0, 65) == -ERANGE, "out of range: %s",
		    tnl_last_error(nl));
	TEST_ASSERT(get_vm(vm).max_vcpus == 3, "a refused change changed it");
	TEST_ASSERT(ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPU_ID) == 64,
		    "vCPU ids still reach 63");
	close(vm);
	set_host(TNL_POLICY_VM_MAX_VCPUS, 64, 0);
}

static void check_hyperv_limit(void)
{
	struct table hv, got;
	uint32_t limit;
	int sys = open(THINVM_DEV, O_RDWR), vm, vcpu;

	TEST_ASSERT(sys >= 0, "open");
	TEST_ASSERT(ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_SYS_HYPERV_CPUID) == 1,
		    "KVM_CAP_SYS_HYPERV_CPUID");
	set_host(TNL_POLICY_VM_MAX_VCPUS | TNL_POLICY_HV_VCPU_LIMIT, 8, 4);
	hyperv_table(sys, &hv, &limit);
	TEST_ASSERT(limit == 4, "the device reports a Hyper-V limit of %u, not 4", limit);

	/* A VM of up to 8 vCPUs cannot have Hyper-V with a limit of 4. */
	vm = vt_create_vm(THINVM_DEV);
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	TEST_ASSERT(vcpu >= 0, "KVM_CREATE_VCPU");
	hyperv_table(vcpu, &hv, &limit);
	TEST_ASSERT(limit == 4, "the vCPU reports a Hyper-V limit of %u", limit);
	TEST_ASSERT(ioctl(vcpu, KVM_SET_CPUID2, &hv) == -1 && errno == EINVAL,
		    "Hyper-V on a VM of 8: errno %d", errno);
	TEST_ASSERT(cpuid_nent(vcpu) == 0, "the refused table went in");
	TEST_ASSERT(vt_kernel_log_has("above the Hyper-V limit of 4"),
		    "no log line says why");
	/* Without the interface, the same VM takes a table. */
	memset(&got, 0, sizeof(got));
	got.head.nent = 1;
	got.e[0] = (struct kvm_cpuid_entry2){ .function = 0, .eax = 1 };
	TEST_ASSERT(!ioctl(vcpu, KVM_SET_CPUID2, &got), "a table without Hyper-V");
	close(vcpu);
	close(vm);

	/* At the limit: accepted. */
	vm = vt_create_vm(THINVM_DEV);
	TEST_ASSERT(!set_vm(vm, TNL_VM_MAX_VCPUS, 0, 4), "per VM: %s", tnl_last_error(nl));
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	TEST_ASSERT(vcpu >= 0, "KVM_CREATE_VCPU");
	TEST_ASSERT(!ioctl(vcpu, KVM_SET_CPUID2, &hv), "Hyper-V on a VM of 4: %s",
		    strerror(errno));
	TEST_ASSERT(cpuid_nent(vcpu) == hv.head.nent, "the table did not go in");
	close(vcpu);
	close(vm);
	close(sys);
	set_host(TNL_POLICY_VM_MAX_VCPUS | TNL_POLICY_HV_VCPU_LIMIT, 64,
		 THINVM_HV_VCPU_LIMIT_MAX);
}

/* Hiding per VM, on an SVM host that has nested paging (every SVM one). */
static void check_hidden_per_vm(uint64_t host_features)
{
	unsigned int npt;
	struct table svm = { .head.nent = 2 };
	struct vt_vm v;

	TEST_ASSERT(!tnl_feature_parse("npt", &npt), "npt");
	if (strcmp(vt_vendor(), "svm") || !(host_features & (1ULL << npt))) {
		vt_log("per-VM hiding through CPUID: only on SVM with NPT");
		return;
	}
	svm.e[0] = (struct kvm_cpuid_entry2){ .function = 0x80000000, .eax = 0x8000000a };
	svm.e[1] = (struct kvm_cpuid_entry2){ .function = 0x8000000a, .edx = 1 };

	vt_vm_create(&v, THINVM_DEV, MEM_SIZE, hlt_guest, hlt_guest_end - hlt_guest, VT_REAL);
	TEST_ASSERT(!set_vm(v.fd, TNL_VM_HIDDEN_FEATURES, 1ULL << npt, 0), "hide npt: %s",
		    tnl_last_error(nl));
	TEST_ASSERT(ioctl(v.vcpu, KVM_SET_CPUID2, &svm) == -1 && errno == EINVAL,
		    "a table naming a hidden feature: errno %d", errno);
	TEST_ASSERT(cpuid_nent(v.vcpu) == 0, "the refused table went in");
	/* Not hidden any more: the table goes in, and then npt cannot be hidden. */
	TEST_ASSERT(!set_vm(v.fd, TNL_VM_HIDDEN_FEATURES, 0, 0), "unhide");
	TEST_ASSERT(!ioctl(v.vcpu, KVM_SET_CPUID2, &svm), "the table, npt shown");
	TEST_ASSERT(set_vm(v.fd, TNL_VM_HIDDEN_FEATURES, 1ULL << npt, 0) == -EBUSY &&
		    strstr(tnl_last_error(nl), "CPUID"),
		    "hiding what a vCPU's table names: %s", tnl_last_error(nl));
	TEST_ASSERT(get_vm(v.fd).hidden_features == 0, "a refused change changed it");

	/* Once a vCPU ran, nothing changes what its guest was told. */
	TEST_ASSERT(!get_vm(v.fd).has_run, "has_run before KVM_RUN");
	TEST_ASSERT(!ioctl(v.vcpu, KVM_RUN, 0) && v.run->exit_reason == KVM_EXIT_HLT,
		    "KVM_RUN: exit %u", v.run->exit_reason);
	TEST_ASSERT(get_vm(v.fd).has_run, "has_run after KVM_RUN");
	TEST_ASSERT(set_vm(v.fd, TNL_VM_HIDDEN_FEATURES, 1ULL << npt, 0) == -EBUSY &&
		    strstr(tnl_last_error(nl), "run"),
		    "hiding after run: %s", tnl_last_error(nl));
	/* The hypercall mask is not about what the guest was told: still fine. */
	struct tnl_vm mask = { .id = vm_id(v.fd), .hc_exit_mask = 0 };

	TEST_ASSERT(!tnl_set_vm_policy(nl, &mask, TNL_VM_HC_EXIT_MASK, 0, NULL),
		    "hypercall mask after run: %s", tnl_last_error(nl));
	vt_vm_destroy(&v);
}

int main(void)
{
	struct tnl_caps caps;

	TEST_ASSERT(!tnl_open(&nl), "tnl_open");
	TEST_ASSERT(!tnl_get_caps(nl, &caps), "GET_CAPS: %s", tnl_last_error(nl));
	check_max_vcpus();
	check_hyperv_limit();
	check_hidden_per_vm(caps.features);
	tnl_close(nl);
	return 0;
}
