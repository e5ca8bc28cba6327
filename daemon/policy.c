// SPDX-License-Identifier: GPL-2.0
/* The policy model of policy.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "policy.h"
#include "policy_rules.h"
#include "thinvm_names.h"

const char *tvd_field_key(enum tvd_field f)
{
	switch (f) {
	case TVD_HC_CEILING:
		return "hypercall-ceiling";
	case TVD_HC_DEFAULT:
		return "hypercall-default";
	case TVD_HOTPLUG_MODE:
		return "hotplug-mode";
	case TVD_HIDDEN_FEATURES:
		return "hidden-features";
	case TVD_HYPERV_VCPU_LIMIT:
		return "hyperv-vcpu-limit";
	case TVD_VM_MAX_VCPUS:
		return "vm-max-vcpus";
	}
	return "?";
}

void tvd_policy_init(struct tvd_policy *p)
{
	memset(p, 0, sizeof(*p));
}

static int fail(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const char *mask_text(uint64_t mask, char *buf, size_t size)
{
	if (tnl_hc_mask_format(mask, buf, size))
		snprintf(buf, size, "%#llx", (unsigned long long)mask);
	return buf;
}

/* The part of @mask outside @within, named, for a message. */
static int outside(const char *what, uint64_t mask, const char *within_what,
		   uint64_t within, char *why, size_t size)
{
	char a[128], b[128];

	if (!(mask & ~within))
		return 0;
	return fail(why, size, "%s includes %s, which %s (%s) does not allow",
		    what, mask_text(mask & ~within, a, sizeof(a)), within_what,
		    mask_text(within, b, sizeof(b)));
}

static int check_rules(const struct tvd_policy *p, char *why, size_t size)
{
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct tvd_vm_rule *r = &p->rules[i];
		char what[THINVM_VM_NAME_MAX + 32];
		int e;

		if (!thinvm_vm_name_valid(r->name, sizeof(r->name)))
			return fail(why, size, "VM name '%.*s' is not 1 to %d characters of A-Z a-z 0-9 . _ -",
				    (int)sizeof(r->name), r->name, THINVM_VM_NAME_MAX - 1);
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(p->rules[j].name, r->name))
				return fail(why, size, "VM '%s' has two rules", r->name);
		}
		if (!(p->set & TVD_HC_CEILING))
			continue;
		snprintf(what, sizeof(what), "the hypercall-exit of VM '%s'", r->name);
		e = outside(what, r->hc_exit, "hypercall-ceiling", p->hc_ceiling, why, size);
		if (e)
			return e;
	}
	return 0;
}

int tvd_policy_check(const struct tvd_policy *p, char *why, size_t size)
{
	if (p->set & ~TVD_FIELDS_ALL)
		return fail(why, size, "unknown policy fields %#x", p->set & ~TVD_FIELDS_ALL);
	if ((p->set & TVD_HC_CEILING) && (p->set & TVD_HC_DEFAULT) &&
	    outside("hypercall-default", p->hc_default, "hypercall-ceiling",
		    p->hc_ceiling, why, size))
		return -EINVAL;
	if ((p->set & TVD_HOTPLUG_MODE) && !tnl_hotplug_mode_name(p->hotplug_mode))
		return fail(why, size, "hotplug-mode %u is not a known mode", p->hotplug_mode);
	if ((p->set & TVD_HYPERV_VCPU_LIMIT) &&
	    (p->hyperv_vcpu_limit < 1 || p->hyperv_vcpu_limit > TVD_HYPERV_VCPU_LIMIT_MAX))
		return fail(why, size, "hyperv-vcpu-limit %u is not between 1 and %u",
			    p->hyperv_vcpu_limit, TVD_HYPERV_VCPU_LIMIT_MAX);
	if ((p->set & TVD_VM_MAX_VCPUS) && !p->vm_max_vcpus)
		return fail(why, size, "vm-max-vcpus 0 is not 1 or more");
	return check_rules(p, why, size);
}

void tvd_policy_overlay(const struct tvd_policy *base,
			const struct tvd_policy *over, struct tvd_policy *out)
{
	if (out != base)
		memcpy(out, base, sizeof(*out));
	if (over->set & TVD_HC_CEILING)
		out->hc_ceiling = over->hc_ceiling;
	if (over->set & TVD_HC_DEFAULT)
		out->hc_default = over->hc_default;
	if (over->set & TVD_HOTPLUG_MODE)
		out->hotplug_mode = over->hotplug_mode;
	if (over->set & TVD_HIDDEN_FEATURES)
		out->hidden_features = over->hidden_features;
	if (over->set & TVD_HYPERV_VCPU_LIMIT)
		out->hyperv_vcpu_limit = over->hyperv_vcpu_limit;
	if (over->set & TVD_VM_MAX_VCPUS)
		out->vm_max_vcpus = over->vm_max_vcpus;
	out->set |= over->set & TVD_FIELDS_ALL;
}

unsigned int tvd_policy_diff(const struct tvd_policy *a,
			     const struct tvd_policy *b)
{
	unsigned int d = (a->set ^ b->set) & TVD_FIELDS_ALL;
	unsigned int both = a->set & b->set;

	if ((both & TVD_HC_CEILING) && a->hc_ceiling != b->hc_ceiling)
		d |= TVD_HC_CEILING;
	if ((both & TVD_HC_DEFAULT) && a->hc_default != b->hc_default)
		d |= TVD_HC_DEFAULT;
	if ((both & TVD_HOTPLUG_MODE) && a->hotplug_mode != b->hotplug_mode)
		d |= TVD_HOTPLUG_MODE;
	if ((both & TVD_HIDDEN_FEATURES) && a->hidden_features != b->hidden_features)
		d |= TVD_HIDDEN_FEATURES;
	if ((both & TVD_HYPERV_VCPU_LIMIT) && a->hyperv_vcpu_limit != b->hyperv_vcpu_limit)
		d |= TVD_HYPERV_VCPU_LIMIT;
	if ((both & TVD_VM_MAX_VCPUS) && a->vm_max_vcpus != b->vm_max_vcpus)
		d |= TVD_VM_MAX_VCPUS;
	return d;
}

const struct tvd_vm_rule *tvd_policy_rule(const struct tvd_policy *p,
					  const char *name)
{
	for (size_t i = 0; i < p->n_rules; i++) {
		if (!strcmp(p->rules[i].name, name))
			return &p->rules[i];
	}
	return NULL;
}

void tvd_policy_values(const struct tvd_policy *p, const struct tnl_caps *caps,
		       struct tvd_values *out)
{
	uint64_t hc_supported = caps ? caps->hc_supported : UINT64_MAX;
	bool features = tvd_feature_policy(caps);

	out->hc_ceiling = p->set & TVD_HC_CEILING ? p->hc_ceiling : hc_supported;
	out->hc_default = p->set & TVD_HC_DEFAULT ? p->hc_default : out->hc_ceiling;
	out->hotplug_mode = p->set & TVD_HOTPLUG_MODE ? p->hotplug_mode : THINVM_HOTPLUG_REJECT;
	out->hidden_features = p->set & TVD_HIDDEN_FEATURES ? p->hidden_features : 0;
	out->hyperv_vcpu_limit = p->set & TVD_HYPERV_VCPU_LIMIT ? p->hyperv_vcpu_limit :
				 features ? THINVM_HV_VCPU_LIMIT_MAX : 0;
	out->vm_max_vcpus = p->set & TVD_VM_MAX_VCPUS ? p->vm_max_vcpus :
			    features ? caps->max_vcpus : 0;
}

int tvd_policy_resolve(const struct tvd_policy *p, const struct tnl_caps *caps,
		       struct tnl_policy *out, char *why, size_t size)
{
	uint64_t hc_supported = caps->hc_supported;
	struct tvd_policy full = *p;
	struct tvd_values v;
	int e;

	tvd_policy_values(p, caps, &v);
	full.hc_ceiling = v.hc_ceiling;
	full.hc_default = v.hc_default;
	full.hotplug_mode = v.hotplug_mode;
	full.set |= TVD_HC_CEILING | TVD_HC_DEFAULT | TVD_HOTPLUG_MODE;
	e = outside("hypercall-ceiling", full.hc_ceiling,
		    "the module's supported set", hc_supported, why, size);
	if (!e)
		e = tvd_policy_check(&full, why, size);
	if (e)
		return e;
	memset(out, 0, sizeof(*out));
	out->fields = TNL_POLICY_HC_CEILING | TNL_POLICY_HC_DEFAULT | TNL_POLICY_HOTPLUG_MODE;
	out->hc_ceiling = full.hc_ceiling;
	out->hc_default = full.hc_default;
	out->hotplug_mode = full.hotplug_mode;
	/* An older module refuses attributes it does not know: none sent. */
	if (!tvd_feature_policy(caps))
		return 0;
	/*
	 * A backend that cannot run vCPUs says MAX_VCPUS 0, which no policy
	 * may name: then an unset vm-max-vcpus is not sent, a set one is the
	 * module's to judge.
	 */
	if (caps->max_vcpus && v.vm_max_vcpus > caps->max_vcpus)
		return fail(why, size, "vm-max-vcpus %u is above the module's most, %u",
			    v.vm_max_vcpus, caps->max_vcpus);
	out->fields |= TNL_POLICY_HIDDEN_FEATURES | TNL_POLICY_HV_VCPU_LIMIT;
	if (v.vm_max_vcpus)
		out->fields |= TNL_POLICY_VM_MAX_VCPUS;
	out->hidden_features = v.hidden_features;
	out->vm_max_vcpus = v.vm_max_vcpus;
	out->hv_vcpu_limit = v.hyperv_vcpu_limit;
	return 0;
}
