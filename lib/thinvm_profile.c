// SPDX-License-Identifier: GPL-2.0
/*
 * The host profile's JSON form (thinvm_profile.h). Registers and MSR values
 * are "0x..." strings (JSON numbers lose bits past 2^53 in many readers);
 * named features and hypercalls are names, or numbers for bits this build
 * has no name for, so that a profile from a newer module still reads back.
 * Keys this reader does not know are ignored: a newer writer may add some
 * without raising the version, which it raises for any change of meaning.
 */
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "thinvm_features.h"
#include "thinvm_names.h"
#include "thinvm_profile.h"

static struct json_object *hex(uint64_t v, int width)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%0*" PRIx64, width, v);
	return json_object_new_string(buf);
}

/* Bit N of @set by its name (@name(N)), or as N where it has none. */
static struct json_object *set_to_json(uint64_t set, const char *(*name)(unsigned int))
{
	struct json_object *a = json_object_new_array();

	for (unsigned int i = 0; a && i < 64; i++) {
		if (!(set & (1ULL << i)))
			continue;
		json_object_array_add(a, name(i) ? json_object_new_string(name(i)) :
					      json_object_new_int(i));
	}
	return a;
}

static const char *feature_name(unsigned int i)
{
	return tnl_feature_name(i);
}

static const char *hc_name(unsigned int i)
{
	return tnl_hc_name(i);
}

static struct json_object *cpuid_to_json(const struct kvm_cpuid_entry2 *e)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "function", hex(e->function, 8));
	json_object_object_add(o, "index", json_object_new_int64(e->index));
	json_object_object_add(o, "flags", json_object_new_int64(e->flags));
	json_object_object_add(o, "eax", hex(e->eax, 8));
	json_object_object_add(o, "ebx", hex(e->ebx, 8));
	json_object_object_add(o, "ecx", hex(e->ecx, 8));
	json_object_object_add(o, "edx", hex(e->edx, 8));
	return o;
}

struct json_object *tnl_profile_to_json(const struct tnl_profile *p)
{
	struct json_object *o = json_object_new_object(), *cpuid, *msrs;

	if (!o)
		return NULL;
	json_object_object_add(o, "version", json_object_new_int64(p->version));
	json_object_object_add(o, "vendor", json_object_new_string(p->vendor));
	json_object_object_add(o, "policy-generation",
			       json_object_new_uint64(p->policy_generation));
	json_object_object_add(o, "features", set_to_json(p->features, feature_name));
	json_object_object_add(o, "hidden-features",
			       set_to_json(p->hidden_features, feature_name));
	json_object_object_add(o, "max-vcpus", json_object_new_int64(p->max_vcpus));
	json_object_object_add(o, "hyperv-vcpu-limit", json_object_new_int64(p->hv_vcpu_limit));
	json_object_object_add(o, "hypercalls", set_to_json(p->hc_supported, hc_name));
	cpuid = json_object_new_array();
	for (unsigned int i = 0; cpuid && i < p->n_cpuid; i++)
		json_object_array_add(cpuid, cpuid_to_json(&p->cpuid[i]));
	json_object_object_add(o, "cpuid", cpuid);
	msrs = json_object_new_array();
	for (unsigned int i = 0; msrs && i < p->n_vmx_msrs; i++) {
		struct json_object *m = json_object_new_object();

		json_object_object_add(m, "index", hex(p->vmx_msrs[i].index, 3));
		json_object_object_add(m, "value", hex(p->vmx_msrs[i].value, 16));
		json_object_array_add(msrs, m);
	}
	json_object_object_add(o, "vmx-msrs", msrs);
	return o;
}

/* Reading back: every failure is one sentence in @why. */
struct reader {
	char *why;
	size_t size;
};

__attribute__((format(printf, 2, 3)))
static int bad(struct reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->why, r->size, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static struct json_object *member(struct json_object *o, const char *key,
				  enum json_type type)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type))
		return NULL;
	return v;
}

/* A whole number from 0 to @max: a JSON integer or, where @hex_ok, "0x...". */
static int number(struct reader *r, struct json_object *o, const char *key,
		  uint64_t max, uint64_t *out)
{
	struct json_object *v;
	const char *s;
	char *end;

	if (!json_object_object_get_ex(o, key, &v))
		return bad(r, "\"%s\" is missing", key);
	if (json_object_is_type(v, json_type_int)) {
		if (json_object_get_int64(v) < 0 && json_object_get_uint64(v) == 0)
			return bad(r, "\"%s\" is negative", key);
		*out = json_object_get_uint64(v);
	} else if (json_object_is_type(v, json_type_string)) {
		s = json_object_get_string(v);
		if (strncmp(s, "0x", 2) || !s[2] || strchr(s, '-'))
			return bad(r, "\"%s\" is \"%s\", not a number in 0x form", key, s);
		errno = 0;
		*out = strtoull(s + 2, &end, 16);
		if (errno || *end)
			return bad(r, "\"%s\" is \"%s\", not a number in 0x form", key, s);
	} else {
		return bad(r, "\"%s\" is not a number", key);
	}
	if (*out > max)
		return bad(r, "\"%s\" is %" PRIu64 ", above %" PRIu64, key, *out, max);
	return 0;
}

static int number32(struct reader *r, struct json_object *o, const char *key, uint32_t *out)
{
	uint64_t v;
	int e = number(r, o, key, UINT32_MAX, &v);

	*out = v;
	return e;
}

/* A set from names (via @parse) or bit numbers. */
static int set_from_json(struct reader *r, struct json_object *o, const char *key,
			 int (*parse)(const char *, unsigned int *), uint64_t *out)
{
	struct json_object *a = member(o, key, json_type_array);

	if (!a)
		return bad(r, "\"%s\" is missing or not a list", key);
	*out = 0;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *v = json_object_array_get_idx(a, i);
		unsigned int bit;

		if (json_object_is_type(v, json_type_int)) {
			int64_t n = json_object_get_int64(v);

			if (n < 0 || n > 63)
				return bad(r, "\"%s\" names bit %" PRId64 ", not 0 to 63", key, n);
			bit = n;
		} else if (!json_object_is_type(v, json_type_string) ||
			   parse(json_object_get_string(v), &bit)) {
			return bad(r, "\"%s\" has \"%s\", which is not a name thinvm knows", key,
				   json_object_get_string(v));
		}
		*out |= 1ULL << bit;
	}
	return 0;
}

static int parse_feature(const char *s, unsigned int *bit)
{
	return tnl_feature_parse(s, bit);
}

/* Hypercall names as tnl_hc_name() gives them. */
static int parse_hc(const char *s, unsigned int *bit)
{
	for (unsigned int i = 0; i < 64; i++)
		if (tnl_hc_name(i) && !strcmp(tnl_hc_name(i), s)) {
			*bit = i;
			return 0;
		}
	return -EINVAL;
}

static int cpuid_from_json(struct reader *r, struct json_object *o, struct tnl_profile *p)
{
	struct json_object *a = member(o, "cpuid", json_type_array);
	size_t n;

	if (!a)
		return bad(r, "\"cpuid\" is missing or not a list");
	n = json_object_array_length(a);
	if (n > TNL_PROFILE_CPUID_MAX)
		return bad(r, "\"cpuid\" has %zu entries, more than %d", n, TNL_PROFILE_CPUID_MAX);
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(a, i);
		struct kvm_cpuid_entry2 *c = &p->cpuid[i];

		if (!json_object_is_type(e, json_type_object))
			return bad(r, "\"cpuid\" entry %zu is not an object", i);
		memset(c, 0, sizeof(*c));
		if (number32(r, e, "function", &c->function) || number32(r, e, "index", &c->index) ||
		    number32(r, e, "flags", &c->flags) || number32(r, e, "eax", &c->eax) ||
		    number32(r, e, "ebx", &c->ebx) || number32(r, e, "ecx", &c->ecx) ||
		    number32(r, e, "edx", &c->edx)) {
			char inner[200];

			snprintf(inner, sizeof(inner), "%s", r->why);
			return bad(r, "\"cpuid\" entry %zu: %s", i, inner);
		}
	}
	p->n_cpuid = n;
	return 0;
}

static int msrs_from_json(struct reader *r, struct json_object *o, struct tnl_profile *p)
{
	struct json_object *a = member(o, "vmx-msrs", json_type_array);
	size_t n;

	if (!a)
		return bad(r, "\"vmx-msrs\" is missing or not a list");
	n = json_object_array_length(a);
	if (n > TNL_PROFILE_VMX_MSRS_MAX)
		return bad(r, "\"vmx-msrs\" has %zu entries, more than %d", n,
			   TNL_PROFILE_VMX_MSRS_MAX);
	for (size_t i = 0; i < n; i++) {
		struct json_object *m = json_object_array_get_idx(a, i);
		uint64_t value;

		if (!json_object_is_type(m, json_type_object) ||
		    number32(r, m, "index", &p->vmx_msrs[i].index) ||
		    number(r, m, "value", UINT64_MAX, &value)) {
			char inner[200];

			snprintf(inner, sizeof(inner), "%s", r->why);
			return bad(r, "\"vmx-msrs\" entry %zu: %s", i,
				   json_object_is_type(m, json_type_object) ? inner : "not an object");
		}
		p->vmx_msrs[i].reserved = 0;
		p->vmx_msrs[i].value = value;
	}
	p->n_vmx_msrs = n;
	return 0;
}

int tnl_profile_from_json(struct json_object *o, struct tnl_profile *p,
			  char *why, size_t size)
{
	struct reader r = { why, size };
	struct json_object *vendor;
	uint64_t generation;

	if (!json_object_is_type(o, json_type_object))
		return bad(&r, "a profile is a JSON object");
	memset(p, 0, sizeof(*p));
	if (number32(&r, o, "version", &p->version))
		return -EINVAL;
	if (p->version != THINVM_PROFILE_VERSION)
		return bad(&r, "profile version %u, this vmctl reads version %d", p->version,
			   THINVM_PROFILE_VERSION);
	vendor = member(o, "vendor", json_type_string);
	if (!vendor || (strcmp(json_object_get_string(vendor), "svm") &&
			strcmp(json_object_get_string(vendor), "vmx")))
		return bad(&r, "\"vendor\" is missing or neither \"svm\" nor \"vmx\"");
	snprintf(p->vendor, sizeof(p->vendor), "%s", json_object_get_string(vendor));
	if (number(&r, o, "policy-generation", UINT64_MAX, &generation) ||
	    set_from_json(&r, o, "features", parse_feature, &p->features) ||
	    set_from_json(&r, o, "hidden-features", parse_feature, &p->hidden_features) ||
	    number32(&r, o, "max-vcpus", &p->max_vcpus) ||
	    number32(&r, o, "hyperv-vcpu-limit", &p->hv_vcpu_limit) ||
	    set_from_json(&r, o, "hypercalls", parse_hc, &p->hc_supported) ||
	    cpuid_from_json(&r, o, p) || msrs_from_json(&r, o, p))
		return -EINVAL;
	p->policy_generation = generation;
	return 0;
}
