// SPDX-License-Identifier: GPL-2.0
/*
 * The parser of config.h, on inih. inih hands over one key at a time; the
 * line numbers come from our own line reader, which inih calls once per
 * line just before it handles that line.
 */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "thinvm_features.h"
#include "thinvm_names.h"

const char *tvd_error_text(const struct tvd_error *e, char *buf, size_t size)
{
	if (e->line)
		snprintf(buf, size, "%s:%u: %s", e->file, e->line, e->msg);
	else
		snprintf(buf, size, "%s: %s", e->file, e->msg);
	return buf;
}

/*
 * The longest line: longer ones are refused, not cut. inih's own buffer is
 * smaller (200 bytes as Debian builds it); a line that does not fit is
 * handed to it cut, and the value taken from our copy (long_value()).
 */
#define LINE_MAX_LEN 2048

/* How many [policy] keys: one per enum tvd_field bit. */
#define KEYS __builtin_popcount(TVD_FIELDS_ALL)
_Static_assert(TVD_FIELDS_ALL == (1u << KEYS) - 1, "tvd_field bits are 0 to KEYS - 1");

struct parse {
	FILE *f;
	unsigned int line;		/* of the line inih handles now */
	struct tvd_policy *p;
	struct tvd_error *err;
	unsigned int err_line;		/* of our first error, 0 if none */
	int read_errno;
	/*
	 * The section as written: inih's copy is cut at 50 characters, and a
	 * "[vm NAME]" header is longer with a long name.
	 */
	char section[LINE_MAX_LEN + 1];
	/* The line inih handles now, whole, when it had to be cut for inih. */
	bool long_line;
	char text[LINE_MAX_LEN + 2];
	/* Where each key was first given, to refuse it twice. */
	unsigned int key_line[KEYS];
	unsigned int rule_line[TVD_RULES_MAX];
};

static int error_at(struct parse *ps, const char *fmt, ...)
{
	va_list ap;

	if (ps->err_line)
		return 0;
	ps->err_line = ps->line;
	va_start(ap, fmt);
	vsnprintf(ps->err->msg, sizeof(ps->err->msg), fmt, ap);
	va_end(ap);
	return 0;
}

/*
 * One line for inih, without its leading blanks: an indented line would
 * otherwise continue the previous value (inih's multi-line values), which
 * thinvm.conf does not have.
 */
static char *read_line(char *str, int num, void *stream)
{
	struct parse *ps = stream;
	char buf[LINE_MAX_LEN + 2];
	char *s;
	size_t len;

	if (!fgets(buf, sizeof(buf), ps->f)) {
		if (ferror(ps->f))
			ps->read_errno = errno ? errno : EIO;
		return NULL;
	}
	ps->line++;
	len = strlen(buf);
	if (len == sizeof(buf) - 1 && buf[len - 1] != '\n') {
		int c;

		while ((c = fgetc(ps->f)) != EOF && c != '\n')
			;
		error_at(ps, "line longer than %d characters", LINE_MAX_LEN);
		buf[0] = '\0';
	}
	/* inih skips a UTF-8 byte order mark; skip it here, for ps->section. */
	s = buf;
	if (ps->line == 1 && !strncmp(s, "\xef\xbb\xbf", 3))
		s += 3;
	s += strspn(s, " \t");
	if (*s == '[') {
		size_t n = strcspn(s + 1, "]");

		memcpy(ps->section, s + 1, n);
		ps->section[n] = '\0';
	}
	/*
	 * inih takes a line that fills its buffer as cut short (and drops the
	 * next one as its rest): hand it a cut copy that ends the line.
	 */
	ps->long_line = (int)strlen(s) >= num - 1;
	if (!ps->long_line) {
		strcpy(str, s);
		return str;
	}
	strcpy(ps->text, s);
	memcpy(str, s, num - 2);
	strcpy(str + num - 2, "\n");
	return str;
}

/* The value of a cut line, as inih takes it from a whole one. */
static const char *long_value(struct parse *ps)
{
	char *v = ps->text + strcspn(ps->text, "=:") + 1, *end;

	for (end = v; *end && !(*end == ';' && end > v && isspace((unsigned char)end[-1])); end++)
		;
	while (end > v && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	while (isspace((unsigned char)*v))
		v++;
	return v;
}

static int key_index(const char *key)
{
	for (int i = 0; i < KEYS; i++) {
		if (!strcmp(key, tvd_field_key(1u << i)))
			return i;
	}
	return -1;
}

static int parse_u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return -ERANGE;
	*out = v;
	return 0;
}

/* A hypercall mask, with blanks allowed around the commas only. */
static int parse_hc_mask(struct parse *ps, const char *key, const char *value,
			 uint64_t *mask)
{
	char compact[LINE_MAX_LEN + 1];
	char last = ',';	/* the last character kept */
	size_t n = 0;
	int r;

	for (const char *v = value; *v && n < sizeof(compact) - 1; v++) {
		if (*v == ' ' || *v == '\t') {
			const char *next = v + strspn(v, " \t");

			/* "map_gpa_ range" or "1 2" is not two items. */
			if (last != ',' && *next && *next != ',')
				return error_at(ps, "%s: '%s' has a blank inside an item; items are separated by commas",
						key, value), -1;
			continue;
		}
		compact[n++] = last = *v;
	}
	compact[n] = '\0';
	r = tnl_hc_mask_parse(compact, mask);
	if (r == -ERANGE)
		return error_at(ps, "%s: '%s' is out of range (hypercall numbers are 0 to 63)",
				key, value), -1;
	if (r)
		return error_at(ps, "%s: '%s' is not a list of hypercall names (map_gpa_range, ...), numbers or 0x masks, or none",
				key, value), -1;
	return 0;
}

static int policy_key(struct parse *ps, const char *key, const char *value)
{
	struct tvd_policy *p = ps->p;
	int i = key_index(key);
	const char *bad;

	if (i < 0)
		return error_at(ps, "unknown key '%s' in [policy] (" TVD_FIELD_KEYS ")", key);
	if (ps->key_line[i])
		return error_at(ps, "%s given twice (first on line %u)", key, ps->key_line[i]);
	ps->key_line[i] = ps->line;
	switch (1u << i) {
	case TVD_HC_CEILING:
		if (parse_hc_mask(ps, key, value, &p->hc_ceiling))
			return 0;
		break;
	case TVD_HC_DEFAULT:
		if (parse_hc_mask(ps, key, value, &p->hc_default))
			return 0;
		break;
	case TVD_HOTPLUG_MODE:
		if (tnl_hotplug_mode_parse(value, &p->hotplug_mode))
			return error_at(ps, "hotplug-mode: '%s' is not reject or reject-while-running",
					value);
		break;
	case TVD_HIDDEN_FEATURES:
		if (tnl_feature_set_parse(value, &p->hidden_features, &bad))
			return error_at(ps, "hidden-features: unknown feature '%.*s' (thinvm.conf(5) lists them)",
					(int)strcspn(bad, ","), bad);
		break;
	case TVD_HYPERV_VCPU_LIMIT:
		if (parse_u32(value, &p->hyperv_vcpu_limit) || !p->hyperv_vcpu_limit ||
		    p->hyperv_vcpu_limit > TVD_HYPERV_VCPU_LIMIT_MAX)
			return error_at(ps, "hyperv-vcpu-limit: '%s' is not a number from 1 to %u",
					value, TVD_HYPERV_VCPU_LIMIT_MAX);
		break;
	case TVD_VM_MAX_VCPUS:
		/* The most is the module's (its MAX_VCPUS): checked when pushed. */
		if (parse_u32(value, &p->vm_max_vcpus) || !p->vm_max_vcpus)
			return error_at(ps, "vm-max-vcpus: '%s' is not a number from 1 to %u",
					value, UINT32_MAX);
		break;
	}
	p->set |= 1u << i;
	return 0;
}

/* "[vm NAME]": the rule of that name, made on its first key. */
static struct tvd_vm_rule *rule_of(struct parse *ps, const char *section)
{
	struct tvd_policy *p = ps->p;
	const char *name = section + 2 + strspn(section + 2, " \t");
	size_t len = strlen(name);

	if (section[2] != ' ' && section[2] != '\t')
		return error_at(ps, "section [%s]: a VM's rules are in [vm NAME]", section), NULL;
	if (!len || len >= THINVM_VM_NAME_MAX ||
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != len)
		return error_at(ps, "section [%s]: a VM name is 1 to %d characters of A-Z a-z 0-9 . _ -",
				section, THINVM_VM_NAME_MAX - 1), NULL;
	for (size_t i = 0; i < p->n_rules; i++) {
		if (!strcmp(p->rules[i].name, name))
			return &p->rules[i];
	}
	if (p->n_rules == TVD_RULES_MAX)
		return error_at(ps, "more than %d [vm NAME] sections", TVD_RULES_MAX), NULL;
	memset(&p->rules[p->n_rules], 0, sizeof(p->rules[0]));
	memcpy(p->rules[p->n_rules].name, name, len);
	ps->rule_line[p->n_rules] = 0;
	return &p->rules[p->n_rules++];
}

static int vm_key(struct parse *ps, const char *section, const char *key,
		  const char *value)
{
	struct tvd_vm_rule *r = rule_of(ps, section);
	size_t i;

	if (!r)
		return 0;
	i = r - ps->p->rules;
	if (strcmp(key, "hypercall-exit"))
		return error_at(ps, "unknown key '%s' in [%s] (hypercall-exit)", key, section);
	if (ps->rule_line[i])
		return error_at(ps, "hypercall-exit of VM '%s' given twice (first on line %u)",
				r->name, ps->rule_line[i]);
	ps->rule_line[i] = ps->line;
	parse_hc_mask(ps, key, value, &r->hc_exit);
	return 0;
}

static int handle(void *user, const char *inih_section, const char *key,
		  const char *value)
{
	struct parse *ps = user;
	const char *section = ps->section;

	(void)inih_section;

	if (ps->long_line)
		value = long_value(ps);
	if (!*value)
		return error_at(ps, "%s: empty value", key);
	if (!strcmp(section, "policy"))
		return policy_key(ps, key, value), 1;
	if (!strncmp(section, "vm", 2) && (section[2] == ' ' || section[2] == '\t' || !section[2]))
		return vm_key(ps, section, key, value), 1;
	if (!*section)
		return error_at(ps, "'%s' is outside a section ([policy] or [vm NAME])", key), 1;
	return error_at(ps, "unknown section [%s] ([policy] or [vm NAME])", section), 1;
}

int tvd_config_parse(FILE *f, const char *name, struct tvd_policy *p,
		     struct tvd_error *err)
{
	struct parse ps = { .f = f, .p = p, .err = err };
	int line;

	tvd_policy_init(p);
	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", name);
	line = ini_parse_stream(read_line, &ps, handle, &ps);
	if (ps.read_errno) {
		snprintf(err->msg, sizeof(err->msg), "read error: %s", strerror(ps.read_errno));
		return -ps.read_errno;
	}
	/* inih returns the first line it refused or we did. */
	if (ps.err_line && (line <= 0 || (unsigned int)line >= ps.err_line)) {
		err->line = ps.err_line;
		return -EINVAL;
	}
	if (line > 0) {
		err->line = line;
		snprintf(err->msg, sizeof(err->msg),
			 "not a [section], 'key = value', comment or blank line");
		return -EINVAL;
	}
	if (line < 0) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return -ENOMEM;
	}
	if (tvd_policy_check(p, err->msg, sizeof(err->msg)))
		return -EINVAL;
	return 0;
}

int tvd_config_load(const char *path, struct tvd_policy *p,
		    struct tvd_error *err)
{
	FILE *f = fopen(path, "re");
	int r;

	if (!f) {
		int e = errno;

		memset(err, 0, sizeof(*err));
		snprintf(err->file, sizeof(err->file), "%s", path);
		tvd_policy_init(p);
		if (e == ENOENT)
			return 0;
		snprintf(err->msg, sizeof(err->msg), "cannot open: %s", strerror(e));
		return -e;
	}
	r = tvd_config_parse(f, path, p, err);
	fclose(f);
	return r;
}

static int write_mask(FILE *f, const char *key, uint64_t mask)
{
	char buf[1024];

	if (tnl_hc_mask_format(mask, buf, sizeof(buf)))
		return -ENOSPC;
	return fprintf(f, "%s = %s\n", key, buf) < 0 ? -EIO : 0;
}

int tvd_config_write(FILE *f, const struct tvd_policy *p, const char *comment)
{
	char buf[2048];
	int r = 0;

	if (comment)
		fprintf(f, "# %s\n", comment);
	fprintf(f, "[policy]\n");
	if (p->set & TVD_HC_CEILING)
		r = r ?: write_mask(f, "hypercall-ceiling", p->hc_ceiling);
	if (p->set & TVD_HC_DEFAULT)
		r = r ?: write_mask(f, "hypercall-default", p->hc_default);
	if (p->set & TVD_HOTPLUG_MODE)
		fprintf(f, "hotplug-mode = %s\n", tnl_hotplug_mode_name(p->hotplug_mode));
	if (p->set & TVD_HIDDEN_FEATURES) {
		r = r ?: tnl_feature_set_format(p->hidden_features, buf, sizeof(buf));
		fprintf(f, "hidden-features = %s\n", buf);
	}
	if (p->set & TVD_HYPERV_VCPU_LIMIT)
		fprintf(f, "hyperv-vcpu-limit = %u\n", p->hyperv_vcpu_limit);
	if (p->set & TVD_VM_MAX_VCPUS)
		fprintf(f, "vm-max-vcpus = %u\n", p->vm_max_vcpus);
	for (size_t i = 0; i < p->n_rules && !r; i++) {
		fprintf(f, "\n[vm %s]\n", p->rules[i].name);
		r = write_mask(f, "hypercall-exit", p->rules[i].hc_exit);
	}
	if (!r && (fflush(f) || ferror(f)))
		r = -EIO;
	return r;
}
