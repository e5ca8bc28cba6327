// SPDX-License-Identifier: GPL-2.0
/*
 * The host profile's JSON form (lib/thinvm_profile.c) and the baseline of
 * profiles (lib/thinvm_baseline.c).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <json-c/json.h>
#include <string.h>

#include "thinvm_baseline.h"
#include "thinvm_features.h"
#include "thinvm_profile.h"

static unsigned int feat(const char *name)
{
	unsigned int i;

	cr_assert_eq(tnl_feature_parse(name, &i), 0, "%s", name);
	return i;
}

#define F(name) (1ULL << feat(name))

/* An SVM host with a few CPUID leaves; @edx7 and @phys vary between hosts. */
static void svm_host(struct tnl_profile *p, uint64_t features, uint32_t ebx7,
		     uint32_t phys_bits)
{
	memset(p, 0, sizeof(*p));
	p->version = THINVM_PROFILE_VERSION;
	strcpy(p->vendor, "svm");
	p->policy_generation = 7;
	p->features = features;
	p->max_vcpus = 64;
	p->hv_vcpu_limit = 4096;
	p->hc_supported = 1ULL << 12;
	p->cpuid[0] = (struct kvm_cpuid_entry2){ .function = 0, .eax = 7, .ebx = 0x68747541,
						 .ecx = 0x444d4163, .edx = 0x69746e65 };
	p->cpuid[1] = (struct kvm_cpuid_entry2){ .function = 1, .eax = 0x00a00f11,
						 .ecx = 0x80202001, .edx = 0x078bfbff };
	p->cpuid[2] = (struct kvm_cpuid_entry2){ .function = 7, .flags = 1, .ebx = ebx7 };
	p->cpuid[3] = (struct kvm_cpuid_entry2){ .function = 0x80000008,
						 .eax = 0x3000 | phys_bits };
	p->cpuid[4] = (struct kvm_cpuid_entry2){ .function = 0x8000000a, .edx = 0x19 };
	p->n_cpuid = 5;
}

static struct tnl_profile a, b, c, out;

Test(profile, json_round_trip)
{
	struct json_object *o;
	char why[200];

	svm_host(&a, F("npt") | F("nrip-save"), 0x219c01ab, 48);
	a.hidden_features = F("vgif");
	a.features |= 1ULL << 60;	/* a feature this build has no name for */
	o = tnl_profile_to_json(&a);
	cr_assert(o);
	cr_expect(strstr(json_object_to_json_string(o), "\"nrip-save\""));
	cr_expect(strstr(json_object_to_json_string(o), "\"map_gpa_range\""));
	cr_expect(strstr(json_object_to_json_string(o), "\"0x219c01ab\""));
	cr_assert_eq(tnl_profile_from_json(o, &b, why, sizeof(why)), 0, "%s", why);
	cr_expect_eq(memcmp(&a, &b, sizeof(a)), 0, "the profile did not read back the same");
	json_object_put(o);

	/* Through text, as vmctl reads files. */
	a.n_vmx_msrs = 1;
	strcpy(a.vendor, "vmx");
	a.vmx_msrs[0] = (struct thinvm_msr_value){ .index = 0x48b, .value = 0xffffffff00000000ull };
	o = tnl_profile_to_json(&a);
	o = json_tokener_parse(json_object_to_json_string(o));
	cr_assert_eq(tnl_profile_from_json(o, &b, why, sizeof(why)), 0, "%s", why);
	cr_expect_eq(b.vmx_msrs[0].value, 0xffffffff00000000ull);
	cr_expect_eq(memcmp(&a, &b, sizeof(a)), 0);
}

/* Each malformed profile is refused with a sentence naming the problem. */
Test(profile, json_refusals_say_what_is_wrong)
{
	static const struct {
		const char *json, *says;
	} bad[] = {
		{ "[]", "object" },
		{ "{}", "\"version\" is missing" },
		{ "{\"version\": 2}", "version 2" },
		{ "{\"version\": 1, \"vendor\": \"arm\"}", "vendor" },
		{ "{\"version\": 1, \"vendor\": \"svm\", \"policy-generation\": -1}", "negative" },
		{ "{\"version\": 1, \"vendor\": \"svm\", \"policy-generation\": 1, \"features\": [\"warp-drive\"]}",
		  "warp-drive" },
		{ "{\"version\": 1, \"vendor\": \"svm\", \"policy-generation\": 1, \"features\": [64]}",
		  "bit 64" },
		{ "{\"version\": 1, \"vendor\": \"svm\", \"policy-generation\": 1, \"features\": [],"
		  " \"hidden-features\": [], \"max-vcpus\": \"0xzz\"}", "0x form" },
		{ "{\"version\": 1, \"vendor\": \"svm\", \"policy-generation\": 1, \"features\": [],"
		  " \"hidden-features\": [], \"max-vcpus\": 4294967296}", "above" },
		{ "{\"version\": 1, \"vendor\": \"svm\", \"policy-generation\": 1, \"features\": [],"
		  " \"hidden-features\": [], \"max-vcpus\": 1, \"hyperv-vcpu-limit\": 1,"
		  " \"hypercalls\": [\"kick_cpu\"], \"cpuid\": [{\"function\": \"0x1\"}]}",
		  "\"cpuid\" entry 0: \"index\" is missing" },
		{ "{\"version\": 1, \"vendor\": \"svm\", \"policy-generation\": 1, \"features\": [],"
		  " \"hidden-features\": [], \"max-vcpus\": 1, \"hyperv-vcpu-limit\": 1,"
		  " \"hypercalls\": [], \"cpuid\": [], \"vmx-msrs\": [1]}", "not an object" },
	};
	char why[200];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct json_object *o = json_tokener_parse(bad[i].json);

		cr_assert(o, "test %zu does not parse", i);
		why[0] = 0;
		cr_expect_eq(tnl_profile_from_json(o, &b, why, sizeof(why)), -EINVAL, "case %zu", i);
		cr_expect(strstr(why, bad[i].says), "case %zu: \"%s\" does not say \"%s\"", i, why,
			  bad[i].says);
		json_object_put(o);
	}
}

Test(baseline, two_hosts)
{
	const struct tnl_profile *in[] = { &a, &b };
	struct tnl_baseline_notes notes;
	char why[200];

	svm_host(&a, F("npt") | F("nrip-save") | F("vgif"), 0x219c01ab, 48);
	svm_host(&b, F("npt") | F("vgif"), 0x009c01ab, 43);
	a.hidden_features = F("lbrv");
	b.max_vcpus = 16;
	b.hv_vcpu_limit = 8;
	b.cpuid[1].eax = 0x00800f12;	/* another family/model */
	b.cpuid[4].edx = 0x11;
	cr_assert_eq(tnl_profile_baseline(in, 2, &out, &notes, why, sizeof(why)), 0, "%s", why);
	cr_expect_eq(out.features, F("npt") | F("vgif"));
	cr_expect_eq(out.hidden_features, F("lbrv"));
	cr_expect(out.max_vcpus == 16 && out.hv_vcpu_limit == 8);
	cr_expect_eq(out.policy_generation, 0);
	cr_assert_eq(out.n_cpuid, 5);
	cr_expect_eq(out.cpuid[2].ebx, 0x009c01ab, "leaf 7 EBX ANDed");
	cr_expect_eq(out.cpuid[3].eax, 0x302b, "the narrower physical width");
	cr_expect_eq(out.cpuid[4].edx, 0x11, "SVM features ANDed");
	cr_expect_eq(out.cpuid[0].ebx, 0x68747541, "equal vendor strings kept");
	/* The signatures differ and have no rule: cleared, and said. */
	cr_expect_eq(out.cpuid[1].eax, 0);
	cr_assert_eq(notes.n_drops, 1);
	cr_expect(!notes.drops[0].msr && notes.drops[0].function == 1 && notes.drops[0].reg == 'a');
	/* What each host must hide to offer the baseline. */
	cr_expect_eq(tnl_profile_hide_for(&a, &out), F("lbrv") | F("nrip-save"));
	cr_expect_eq(tnl_profile_hide_for(&b, &out), 0);
}

Test(baseline, leaves_not_everywhere_are_left_out)
{
	const struct tnl_profile *in[] = { &a, &b, &c };
	struct tnl_baseline_notes notes;
	char why[200];

	svm_host(&a, F("npt"), 1, 48);
	svm_host(&b, F("npt"), 1, 48);
	svm_host(&c, F("npt"), 1, 48);
	c.n_cpuid = 4;			/* no 0x8000000A */
	cr_assert_eq(tnl_profile_baseline(in, 3, &out, &notes, why, sizeof(why)), 0);
	cr_expect_eq(out.n_cpuid, 4);
	cr_expect_eq(notes.cpuid_left_out, 1);
	cr_expect_eq(notes.n_drops, 0);
	/* One profile is its own baseline. */
	cr_assert_eq(tnl_profile_baseline(in, 1, &out, NULL, why, sizeof(why)), 0);
	cr_expect_eq(out.n_cpuid, a.n_cpuid);
	cr_expect_eq(tnl_profile_baseline(in, 0, &out, NULL, why, sizeof(why)), -EINVAL);
}

Test(baseline, vendors_and_versions_must_match)
{
	const struct tnl_profile *in[] = { &a, &b };
	char why[200];

	svm_host(&a, 0, 0, 48);
	svm_host(&b, 0, 0, 48);
	strcpy(b.vendor, "vmx");
	cr_expect_eq(tnl_profile_baseline(in, 2, &out, NULL, why, sizeof(why)), -EINVAL);
	cr_expect(strstr(why, "profile 1") && strstr(why, "vmx"), "%s", why);
	strcpy(b.vendor, "svm");
	b.version = 2;
	cr_expect_eq(tnl_profile_baseline(in, 2, &out, NULL, why, sizeof(why)), -EINVAL);
	cr_expect(strstr(why, "version"), "%s", why);
}

Test(baseline, vmx_control_msrs)
{
	const struct tnl_profile *in[] = { &a, &b };
	struct tnl_baseline_notes notes;
	char why[200];

	svm_host(&a, 0, 0, 48);
	svm_host(&b, 0, 0, 48);
	strcpy(a.vendor, "vmx");
	strcpy(b.vendor, "vmx");
	a.n_vmx_msrs = b.n_vmx_msrs = 5;
	a.vmx_msrs[0] = (struct thinvm_msr_value){ 0x48b, 0, 0x0000ffff00000001ull };
	b.vmx_msrs[0] = (struct thinvm_msr_value){ 0x48b, 0, 0x00ff00ff00000002ull };
	a.vmx_msrs[1] = (struct thinvm_msr_value){ 0x486, 0, 0x21 };	/* CR0 must-be-1 */
	b.vmx_msrs[1] = (struct thinvm_msr_value){ 0x486, 0, 0x80000021 };
	a.vmx_msrs[2] = (struct thinvm_msr_value){ 0x48c, 0, 0xf0 };
	b.vmx_msrs[2] = (struct thinvm_msr_value){ 0x48c, 0, 0x3c };
	a.vmx_msrs[3] = (struct thinvm_msr_value){ 0x48a, 0, 0x2e };
	b.vmx_msrs[3] = (struct thinvm_msr_value){ 0x48a, 0, 0x34 };
	a.vmx_msrs[4] = (struct thinvm_msr_value){ 0x480, 0, 0x00da040000000004ull };
	b.vmx_msrs[4] = (struct thinvm_msr_value){ 0x480, 0, 0x00da040000000012ull };
	cr_assert_eq(tnl_profile_baseline(in, 2, &out, &notes, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(out.n_vmx_msrs, 5);
	cr_expect_eq(out.vmx_msrs[0].value, 0x000000ff00000003ull,
		     "allowed-1 ANDed, must-be-1 ORed");
	cr_expect_eq(out.vmx_msrs[1].value, 0x80000021);
	cr_expect_eq(out.vmx_msrs[2].value, 0x30);
	cr_expect_eq(out.vmx_msrs[3].value, 0x2e);
	/* BASIC differs in its revision: ANDed and reported. */
	cr_expect_eq(out.vmx_msrs[4].value, 0x00da040000000000ull);
	cr_assert_eq(notes.n_drops, 1);
	cr_expect(notes.drops[0].msr && notes.drops[0].function == 0x480);

	/* Bit 1 required on b, not allowed on a: reported as a conflict. */
	a.vmx_msrs[0].value = 0x0000fffd00000001ull;
	cr_assert_eq(tnl_profile_baseline(in, 2, &out, &notes, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(notes.n_drops, 2);
	cr_expect(notes.drops[0].msr && notes.drops[0].function == 0x48b);
}
