// SPDX-License-Identifier: GPL-2.0
/*
 * Feature policy (shared/design.md, behaviour 3) seen from the host, on SVM
 * and VMX alike, without running a guest: the named features the module
 * says the host has, hiding one through netlink, and every place that must
 * then agree: the host profile (THINVM_CMD_GET_PROFILE), KVM_GET_SUPPORTED_
 * CPUID (SVM: leaf 0x8000000A), the system KVM_GET_MSRS of the VMX
 * capability MSRs (VMX), and a VM created afterwards. A VM that exists
 * keeps what it was created with. Refusals (a feature of the other vendor,
 * one thinvm does not know, out-of-range vCPU counts) change nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "thinvm_features.h"
#include "thinvm_nl.h"
#include "thinvm_profile.h"
#include "vmtest.h"

const bool vt_compares_with_kvm = false;

static struct tnl *nl;
static struct tnl_profile prof;	/* 12 KiB: not on the stack */

static struct tnl_policy get_policy(void)
{
	struct tnl_policy p;

	TEST_ASSERT(!tnl_get_policy(nl, &p), "GET_POLICY: %s", tnl_last_error(nl));
	TEST_ASSERT((p.fields & TNL_POLICY_ALL) == TNL_POLICY_ALL,
		    "GET_POLICY without the feature fields: %#x", p.fields);
	return p;
}

static int set_policy(unsigned int fields, uint64_t hidden, uint32_t vcpus,
		      uint32_t hv)
{
	struct tnl_policy want = {
		.hidden_features = hidden, .vm_max_vcpus = vcpus, .hv_vcpu_limit = hv,
	};

	return tnl_set_policy(nl, &want, fields, 0, NULL);
}

static void expect_unchanged(const struct tnl_policy *before, const char *what)
{
	struct tnl_policy now = get_policy();

	TEST_ASSERT(now.generation == before->generation &&
		    now.hidden_features == before->hidden_features &&
		    now.vm_max_vcpus == before->vm_max_vcpus &&
		    now.hv_vcpu_limit == before->hv_vcpu_limit,
		    "%s changed the policy (generation %llu -> %llu)", what,
		    (unsigned long long)before->generation,
		    (unsigned long long)now.generation);
}

/* EINVAL from the policy check, ERANGE from netlink's range checks. */
static void refusal(const struct tnl_policy *before, int expect, unsigned int fields,
		    uint64_t hidden, uint32_t vcpus, uint32_t hv, const char *what)
{
	int r = set_policy(fields, hidden, vcpus, hv);

	TEST_ASSERT(r == expect, "%s: %d (%s)", what, r, tnl_last_error(nl));
	vt_log("%s: refused: %s", what, tnl_last_error(nl));
	expect_unchanged(before, what);
}

static const struct kvm_cpuid_entry2 *find(const struct kvm_cpuid_entry2 *e,
					   unsigned int n, uint32_t fn)
{
	for (unsigned int i = 0; i < n; i++)
		if (e[i].function == fn)
			return &e[i];
	return NULL;
}

/* KVM_GET_SUPPORTED_CPUID must be the profile's CPUID, entry for entry. */
static void expect_cpuid_is_profile(const struct tnl_profile *p)
{
	struct {
		struct kvm_cpuid2 head;
		struct kvm_cpuid_entry2 e[TNL_PROFILE_CPUID_MAX];
	} *t = calloc(1, sizeof(*t));
	int sys = open(THINVM_DEV, O_RDWR);

	TEST_ASSERT(t && sys >= 0, "setup");
	t->head.nent = TNL_PROFILE_CPUID_MAX;
	TEST_ASSERT(!ioctl(sys, KVM_GET_SUPPORTED_CPUID, t), "KVM_GET_SUPPORTED_CPUID");
	TEST_ASSERT(t->head.nent == p->n_cpuid &&
		    !memcmp(t->e, p->cpuid, p->n_cpuid * sizeof(t->e[0])),
		    "KVM_GET_SUPPORTED_CPUID (%u entries) is not the profile's (%u)",
		    t->head.nent, p->n_cpuid);
	close(sys);
	free(t);
}

/* The system KVM_GET_MSRS must read the profile's VMX MSRs. */
static void expect_msrs_are_profile(const struct tnl_profile *p)
{
	struct {
		struct kvm_msr_list head;
		uint32_t idx[64];
	} list = { .head.nmsrs = 64 };
	struct {
		struct kvm_msrs head;
		struct kvm_msr_entry e[64];
	} msrs = { 0 };
	int sys = open(THINVM_DEV, O_RDWR), n;

	TEST_ASSERT(sys >= 0, "open");
	TEST_ASSERT(ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_GET_MSR_FEATURES) == 1,
		    "KVM_CAP_GET_MSR_FEATURES");
	TEST_ASSERT(!ioctl(sys, KVM_GET_MSR_FEATURE_INDEX_LIST, &list),
		    "KVM_GET_MSR_FEATURE_INDEX_LIST: %s", strerror(errno));
	TEST_ASSERT(list.head.nmsrs == p->n_vmx_msrs, "%u feature MSRs, the profile has %u",
		    list.head.nmsrs, p->n_vmx_msrs);
	for (unsigned int i = 0; i < list.head.nmsrs; i++)
		msrs.e[i].index = list.idx[i];
	msrs.head.nmsrs = list.head.nmsrs;
	n = ioctl(sys, KVM_GET_MSRS, &msrs);
	TEST_ASSERT(n == (int)list.head.nmsrs, "system KVM_GET_MSRS read %d of %u", n,
		    list.head.nmsrs);
	for (unsigned int i = 0; i < p->n_vmx_msrs; i++)
		TEST_ASSERT(msrs.e[i].index == p->vmx_msrs[i].index &&
			    msrs.e[i].data == p->vmx_msrs[i].value,
			    "MSR %#x: KVM_GET_MSRS %#llx, profile %#llx", msrs.e[i].index,
			    (unsigned long long)msrs.e[i].data,
			    (unsigned long long)p->vmx_msrs[i].value);
	/* An index that is not a feature MSR stops the read, as on KVM. */
	msrs.e[0].index = 0x10;		/* TSC */
	msrs.head.nmsrs = 1;
	TEST_ASSERT(ioctl(sys, KVM_GET_MSRS, &msrs) == 0, "TSC is no feature MSR");
	close(sys);
}

static void get_profile(struct tnl_profile *p)
{
	TEST_ASSERT(!tnl_get_profile(nl, p), "GET_PROFILE: %s", tnl_last_error(nl));
	TEST_ASSERT(p->version == THINVM_PROFILE_VERSION && !strcmp(p->vendor, vt_vendor()),
		    "profile version %u vendor %s", p->version, p->vendor);
	expect_cpuid_is_profile(p);
	expect_msrs_are_profile(p);
}

static uint32_t vm_id(int vm)
{
	uint32_t id;

	TEST_ASSERT(!ioctl(vm, THINVM_GET_VM_ID, &id), "THINVM_GET_VM_ID");
	return id;
}

static struct tnl_vm get_vm(uint32_t id)
{
	struct tnl_vm v;

	TEST_ASSERT(!tnl_get_vm(nl, id, &v), "GET_VM %u: %s", id, tnl_last_error(nl));
	TEST_ASSERT(v.fields & TNL_VM_HIDDEN_FEATURES, "GET_VM without HIDDEN_FEATURES");
	return v;
}

/* The SVM feature @index's bit in CPUID 0x8000000A.EDX (AMD APM vol. 3, E.4.9). */
static int svm_edx_bit(unsigned int index)
{
	static const struct { const char *name; int bit; } map[] = {
		{ "npt", 0 }, { "lbrv", 1 }, { "nrip-save", 3 }, { "tsc-rate-msr", 4 },
		{ "vmcb-clean", 5 }, { "flush-by-asid", 6 }, { "decode-assists", 7 },
		{ "pause-filter", 10 }, { "pause-filter-threshold", 12 }, { "avic", 13 },
		{ "v-vmsave-vmload", 15 }, { "vgif", 16 }, { "vnmi", 25 },
	};

	for (unsigned int i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i].name, tnl_feature_name(index)))
			return map[i].bit;
	return -1;
}

int main(void)
{
	struct tnl_policy before;
	enum tnl_feature_vendor ours;
	struct tnl_profile *hid = calloc(1, sizeof(*hid));
	struct tnl_caps caps;
	unsigned int f, other = 64;
	int vm, vm2;

	TEST_ASSERT(hid, "calloc");
	TEST_ASSERT(!tnl_open(&nl), "tnl_open");
	TEST_ASSERT(!tnl_get_caps(nl, &caps), "GET_CAPS: %s", tnl_last_error(nl));
	TEST_ASSERT(caps.fields & TNL_CAPS_FEATURES, "GET_CAPS has no FEATURES");
	ours = strcmp(caps.vendor, "vmx") ? TNL_FEATURE_SVM : TNL_FEATURE_VMX;
	for (unsigned int i = 0; i < 64; i++) {
		if (!(caps.features & (1ULL << i)))
			continue;
		TEST_ASSERT(i < tnl_feature_count() && tnl_feature_vendor(i) == ours,
			    "the host has feature %u, which is not a %s feature", i, caps.vendor);
		vt_log("host feature: %s", tnl_feature_name(i));
	}
	for (unsigned int i = 0; i < tnl_feature_count() && other == 64; i++)
		if (tnl_feature_vendor(i) != ours)
			other = i;

	before = get_policy();
	TEST_ASSERT(before.hidden_features == 0 && before.hv_vcpu_limit == THINVM_HV_VCPU_LIMIT_MAX,
		    "load-time policy: hidden %#llx, Hyper-V limit %u",
		    (unsigned long long)before.hidden_features, before.hv_vcpu_limit);
	get_profile(&prof);
	TEST_ASSERT(prof.features == caps.features && prof.hidden_features == 0 &&
		    prof.hv_vcpu_limit == THINVM_HV_VCPU_LIMIT_MAX,
		    "profile before: features %#llx, hidden %#llx",
		    (unsigned long long)prof.features,
		    (unsigned long long)prof.hidden_features);
	TEST_ASSERT(ours == TNL_FEATURE_VMX ? prof.n_vmx_msrs > 0 : prof.n_vmx_msrs == 0,
		    "%u VMX MSRs in a %s profile", prof.n_vmx_msrs, caps.vendor);

	refusal(&before, -EINVAL, TNL_POLICY_HIDDEN_FEATURES, 1ULL << other, 0, 0,
		"a feature of the other vendor");
	refusal(&before, -EINVAL, TNL_POLICY_HIDDEN_FEATURES, 1ULL << 63, 0, 0,
		"a feature thinvm does not know");
	refusal(&before, -ERANGE, TNL_POLICY_VM_MAX_VCPUS, 0, 0, 0,
		"VMs of at most 0 vCPUs");
	refusal(&before, -ERANGE, TNL_POLICY_VM_MAX_VCPUS, 0, 1000, 0,
		"VMs of at most 1000 vCPUs");
	refusal(&before, -ERANGE, TNL_POLICY_HV_VCPU_LIMIT, 0, 0,
		THINVM_HV_VCPU_LIMIT_MAX + 1, "a Hyper-V limit past the TLFS's");
	/* All or nothing: a good field does not go in beside a bad one. */
	refusal(&before, -EINVAL, TNL_POLICY_HV_VCPU_LIMIT | TNL_POLICY_HIDDEN_FEATURES,
		1ULL << other, 0, 8, "a good limit with a bad feature");

	TEST_REQUIRE(caps.features, "this %s host has no named feature to hide", caps.vendor);
	f = __builtin_ctzll(caps.features);
	vm = vt_create_vm(THINVM_DEV);
	TEST_ASSERT(!set_policy(TNL_POLICY_HIDDEN_FEATURES | TNL_POLICY_HV_VCPU_LIMIT,
				1ULL << f, 0, 8),
		    "hiding %s: %s", tnl_feature_name(f), tnl_last_error(nl));
	TEST_ASSERT(get_policy().hidden_features == 1ULL << f, "the policy does not hide it");
	get_profile(hid);
	TEST_ASSERT(hid->features == (caps.features & ~(1ULL << f)) &&
		    hid->hidden_features == 1ULL << f && hid->hv_vcpu_limit == 8 &&
		    hid->policy_generation == get_policy().generation,
		    "profile with %s hidden: features %#llx hidden %#llx", tnl_feature_name(f),
		    (unsigned long long)hid->features,
		    (unsigned long long)hid->hidden_features);

	if (ours == TNL_FEATURE_SVM) {
		const struct kvm_cpuid_entry2 *was = find(prof.cpuid, prof.n_cpuid, 0x8000000a);
		const struct kvm_cpuid_entry2 *now = find(hid->cpuid, hid->n_cpuid, 0x8000000a);
		int bit = svm_edx_bit(f);

		TEST_ASSERT(was && now && bit >= 0, "no leaf 0x8000000A, or no bit for %s",
			    tnl_feature_name(f));
		TEST_ASSERT((was->edx & (1u << bit)) && was->edx & ~now->edx & (1u << bit) &&
			    (was->edx & ~now->edx) == 1u << bit,
			    "0x8000000A.EDX %#x -> %#x: %s (bit %d) should be all that went",
			    was->edx, now->edx, tnl_feature_name(f), bit);
		vt_log("0x8000000A.EDX %#x -> %#x with %s hidden", was->edx, now->edx,
		       tnl_feature_name(f));
	} else {
		unsigned int changed = 0;

		TEST_ASSERT(hid->n_vmx_msrs == prof.n_vmx_msrs, "MSR count changed");
		for (unsigned int i = 0; i < prof.n_vmx_msrs; i++) {
			uint64_t was = prof.vmx_msrs[i].value, now = hid->vmx_msrs[i].value;

			TEST_ASSERT(!(now & ~was & ~0xffffffffull),
				    "MSR %#x allows more with a feature hidden: %#llx -> %#llx",
				    prof.vmx_msrs[i].index, (unsigned long long)was,
				    (unsigned long long)now);
			if (was != now) {
				changed++;
				vt_log("MSR %#x %#llx -> %#llx with %s hidden",
				       prof.vmx_msrs[i].index, (unsigned long long)was,
				       (unsigned long long)now, tnl_feature_name(f));
			}
		}
		TEST_ASSERT(changed, "hiding %s changed no VMX MSR", tnl_feature_name(f));
	}

	/* A VM created now takes the policy; the one before kept its own. */
	vm2 = vt_create_vm(THINVM_DEV);
	TEST_ASSERT(get_vm(vm_id(vm2)).hidden_features == 1ULL << f, "new VM: hidden %#llx",
		    (unsigned long long)get_vm(vm_id(vm2)).hidden_features);
	TEST_ASSERT(get_vm(vm_id(vm)).hidden_features == 0, "the VM before: hidden %#llx",
		    (unsigned long long)get_vm(vm_id(vm)).hidden_features);
	TEST_ASSERT(!set_policy(TNL_POLICY_HIDDEN_FEATURES | TNL_POLICY_HV_VCPU_LIMIT, 0, 0,
				THINVM_HV_VCPU_LIMIT_MAX), "restore: %s", tnl_last_error(nl));
	TEST_ASSERT(get_vm(vm_id(vm2)).hidden_features == 1ULL << f,
		    "a host policy change altered an existing VM");
	close(vm2);
	close(vm);
	get_profile(hid);
	TEST_ASSERT(hid->features == caps.features, "restored profile: features %#llx",
		    (unsigned long long)hid->features);
	free(hid);
	tnl_close(nl);
	return 0;
}
