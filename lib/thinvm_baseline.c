// SPDX-License-Identifier: GPL-2.0
/* The baseline of host profiles (thinvm_baseline.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "thinvm_baseline.h"

enum merge { EQUAL, AND, MIN, MIN_BYTES, OR, CTL };

/*
 * CPUID registers with a rule; any other must be equal everywhere. Feature
 * flags are ANDed, the highest leaf of each range is the smallest, and
 * 0x80000008 EAX holds address widths byte by byte (physical, linear,
 * guest-physical): the narrowest.
 */
static const struct {
	uint32_t function, index;
	int reg;		/* 0..3: EAX..EDX */
	enum merge rule;
} cpuid_rules[] = {
	{ 0x0, 0, 0, MIN },
	{ 0x1, 0, 2, AND }, { 0x1, 0, 3, AND },
	{ 0x7, 0, 1, AND }, { 0x7, 0, 2, AND }, { 0x7, 0, 3, AND },
	{ 0x7, 1, 0, AND },
	{ 0xd, 1, 0, AND },
	{ 0x40000000, 0, 0, MIN },
	{ 0x40000001, 0, 0, AND },	/* KVM's paravirtual features */
	{ 0x80000000, 0, 0, MIN },
	{ 0x80000001, 0, 2, AND }, { 0x80000001, 0, 3, AND },
	{ 0x80000007, 0, 3, AND },
	{ 0x80000008, 0, 0, MIN_BYTES }, { 0x80000008, 0, 1, AND },
	{ 0x8000000a, 0, 3, AND },	/* SVM features */
};

static enum merge cpuid_rule(uint32_t function, uint32_t index, int reg)
{
	for (size_t i = 0; i < sizeof(cpuid_rules) / sizeof(cpuid_rules[0]); i++)
		if (cpuid_rules[i].function == function && cpuid_rules[i].index == index &&
		    cpuid_rules[i].reg == reg)
			return cpuid_rules[i].rule;
	return EQUAL;
}

/*
 * VMX capability MSRs (SDM vol. 3, appendix A). Control MSRs: bits 31:0
 * say what must be 1 (OR: one host's requirement binds all), bits 63:32
 * what may be 1 (AND). CR0/CR4 FIXED0 are must-be-1 (OR), FIXED1 may-be-1
 * (AND). EPT/VPID capabilities, VM functions and tertiary controls are
 * allowed-1 masks (AND); VMCS_ENUM is the highest field index (MIN).
 * BASIC and MISC mix a revision, sizes and flags: equal, else ANDed and
 * reported, since no single rule fits all their fields.
 */
static enum merge msr_rule(uint32_t index)
{
	switch (index) {
	case 0x481: case 0x482: case 0x483: case 0x484:
	case 0x48b: case 0x48d: case 0x48e: case 0x48f: case 0x490:
		return CTL;
	case 0x486: case 0x488:
		return OR;
	case 0x487: case 0x489: case 0x48c: case 0x491: case 0x492:
		return AND;
	case 0x48a:
		return MIN;
	default:
		return EQUAL;
	}
}

static uint64_t min_bytes(uint64_t a, uint64_t b)
{
	uint64_t out = 0;

	for (int shift = 0; shift < 32; shift += 8) {
		uint64_t x = (a >> shift) & 0xff, y = (b >> shift) & 0xff;

		out |= (x < y ? x : y) << shift;
	}
	return out;
}

/* @acc merged with @v by @rule; *@differs when an EQUAL rule met a difference. */
static uint64_t merge(enum merge rule, uint64_t acc, uint64_t v, bool *differs)
{
	switch (rule) {
	case AND:
		return acc & v;
	case OR:
		return acc | v;
	case MIN:
		return acc < v ? acc : v;
	case MIN_BYTES:
		return min_bytes(acc, v);
	case CTL:
		return ((acc | v) & 0xffffffffull) | ((acc & v) & ~0xffffffffull);
	case EQUAL:
		break;
	}
	if (acc != v)
		*differs = true;
	return acc;
}

static void note_drop(struct tnl_baseline_notes *notes, bool msr, uint32_t function,
		      uint32_t index, char reg)
{
	if (!notes)
		return;
	if (notes->n_drops < TNL_BASELINE_DROPS_MAX)
		notes->drops[notes->n_drops] = (struct tnl_baseline_drop){
			.msr = msr, .function = function, .index = index, .reg = reg,
		};
	notes->n_drops++;
}

static const struct kvm_cpuid_entry2 *find_entry(const struct tnl_profile *p,
						 const struct kvm_cpuid_entry2 *like)
{
	for (unsigned int i = 0; i < p->n_cpuid; i++)
		if (p->cpuid[i].function == like->function && p->cpuid[i].index == like->index)
			return &p->cpuid[i];
	return NULL;
}

static uint32_t *reg_of(struct kvm_cpuid_entry2 *e, int reg)
{
	return reg == 0 ? &e->eax : reg == 1 ? &e->ebx : reg == 2 ? &e->ecx : &e->edx;
}

static void baseline_cpuid(const struct tnl_profile *const *in, size_t n,
			   struct tnl_profile *out, struct tnl_baseline_notes *notes)
{
	const struct tnl_profile *first = in[0];

	out->n_cpuid = 0;
	for (unsigned int i = 0; i < first->n_cpuid; i++) {
		struct kvm_cpuid_entry2 e = first->cpuid[i];
		bool everywhere = true;

		for (size_t h = 1; h < n && everywhere; h++)
			everywhere = find_entry(in[h], &e) != NULL;
		if (!everywhere) {
			if (notes)
				notes->cpuid_left_out++;
			continue;
		}
		for (int reg = 0; reg < 4; reg++) {
			enum merge rule = cpuid_rule(e.function,
						     e.flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX ?
						     e.index : 0, reg);
			bool differs = false;
			uint64_t acc = *reg_of(&e, reg);

			for (size_t h = 1; h < n; h++) {
				struct kvm_cpuid_entry2 other = *find_entry(in[h], &e);

				acc = merge(rule, acc, *reg_of(&other, reg), &differs);
			}
			if (differs) {
				acc = 0;
				note_drop(notes, false, e.function, e.index, "abcd"[reg]);
			}
			*reg_of(&e, reg) = (uint32_t)acc;
		}
		out->cpuid[out->n_cpuid++] = e;
	}
}

static const struct thinvm_msr_value *find_msr(const struct tnl_profile *p, uint32_t index)
{
	for (unsigned int i = 0; i < p->n_vmx_msrs; i++)
		if (p->vmx_msrs[i].index == index)
			return &p->vmx_msrs[i];
	return NULL;
}

static void baseline_msrs(const struct tnl_profile *const *in, size_t n,
			  struct tnl_profile *out, struct tnl_baseline_notes *notes)
{
	const struct tnl_profile *first = in[0];

	out->n_vmx_msrs = 0;
	for (unsigned int i = 0; i < first->n_vmx_msrs; i++) {
		struct thinvm_msr_value m = first->vmx_msrs[i];
		enum merge rule = msr_rule(m.index);
		bool everywhere = true, differs = false;

		for (size_t h = 1; h < n && everywhere; h++)
			everywhere = find_msr(in[h], m.index) != NULL;
		if (!everywhere) {
			if (notes)
				notes->msrs_left_out++;
			continue;
		}
		for (size_t h = 1; h < n; h++) {
			uint64_t v = find_msr(in[h], m.index)->value;

			if (rule == EQUAL && v != m.value) {
				differs = true;
				m.value &= v;
			}
			if (rule != EQUAL)
				m.value = merge(rule, m.value, v, &differs);
		}
		/*
		 * A control one host requires and another does not allow: no
		 * VM can satisfy both, which the caller must hear of.
		 */
		if (rule == CTL && ((uint32_t)m.value & ~(uint32_t)(m.value >> 32)))
			differs = true;
		if (differs)
			note_drop(notes, true, m.index, 0, 0);
		out->vmx_msrs[out->n_vmx_msrs++] = m;
	}
}

int tnl_profile_baseline(const struct tnl_profile *const *in, size_t n,
			 struct tnl_profile *out, struct tnl_baseline_notes *notes,
			 char *why, size_t size)
{
	if (!n) {
		snprintf(why, size, "a baseline needs at least one profile");
		return -EINVAL;
	}
	for (size_t h = 1; h < n; h++) {
		if (in[h]->version != in[0]->version) {
			snprintf(why, size, "profile %zu is of version %u, profile 0 of version %u",
				 h, in[h]->version, in[0]->version);
			return -EINVAL;
		}
		if (strcmp(in[h]->vendor, in[0]->vendor)) {
			snprintf(why, size, "profile %zu is of vendor %s, profile 0 of vendor %s: no VM moves between them",
				 h, in[h]->vendor, in[0]->vendor);
			return -EINVAL;
		}
	}
	if (notes)
		memset(notes, 0, sizeof(*notes));
	memset(out, 0, sizeof(*out));
	out->version = in[0]->version;
	memcpy(out->vendor, in[0]->vendor, sizeof(out->vendor));
	out->features = in[0]->features;
	out->hidden_features = in[0]->hidden_features;
	out->max_vcpus = in[0]->max_vcpus;
	out->hv_vcpu_limit = in[0]->hv_vcpu_limit;
	out->hc_supported = in[0]->hc_supported;
	for (size_t h = 1; h < n; h++) {
		out->features &= in[h]->features;
		out->hidden_features |= in[h]->hidden_features;
		if (in[h]->max_vcpus < out->max_vcpus)
			out->max_vcpus = in[h]->max_vcpus;
		if (in[h]->hv_vcpu_limit < out->hv_vcpu_limit)
			out->hv_vcpu_limit = in[h]->hv_vcpu_limit;
		out->hc_supported &= in[h]->hc_supported;
	}
	baseline_cpuid(in, n, out, notes);
	baseline_msrs(in, n, out, notes);
	return 0;
}

uint64_t tnl_profile_hide_for(const struct tnl_profile *host,
			      const struct tnl_profile *baseline)
{
	return host->hidden_features | (host->features & ~baseline->features);
}
