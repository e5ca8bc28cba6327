// SPDX-License-Identifier: GPL-2.0
/*
 * vmctl profile: the host capability profile (thinvmd's GetProfile()), what
 * a VM created here now would be offered. vmctl profile baseline FILE...:
 * the baseline of saved profiles (thinvm_baseline.h), and for each host the
 * policy that makes it offer no more, as a vmctl command to run there.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bus.h"
#include "output.h"
#include "profile.h"
#include "thinvm_baseline.h"
#include "thinvm_features.h"
#include "vmctl.h"

/* A feature set by name ("npt, vgif", "none"), in @buf. */
static const char *features_text(uint64_t set, char *buf, size_t size)
{
	if (tnl_feature_set_format(set, buf, size))
		snprintf(buf, size, "%#llx", (unsigned long long)set);
	return buf;
}

void vmctl_profile_print(FILE *out, const struct tnl_profile *p, bool cpuid)
{
	char buf[1024];

	kv_print(out, "Vendor", "%s", p->vendor);
	kv_print(out, "Policy generation", "%llu", (unsigned long long)p->policy_generation);
	kv_print(out, "Features offered", "%s", features_text(p->features, buf, sizeof(buf)));
	kv_print(out, "Hidden by policy", "%s",
		 features_text(p->hidden_features, buf, sizeof(buf)));
	kv_print(out, "vCPUs per VM", "at most %u", p->max_vcpus);
	kv_print(out, "Hyper-V vCPU limit", "%u", p->hv_vcpu_limit);
	kv_print(out, "Hypercall exits", "%s", hc_mask_text(p->hc_supported, buf, sizeof(buf)));
	kv_print(out, "CPUID", "%u leaves%s", p->n_cpuid, cpuid ? "" : " (vmctl profile --cpuid)");
	if (!strcmp(p->vendor, "vmx"))
		kv_print(out, "VMX MSRs", "%u", p->n_vmx_msrs);
	if (!cpuid)
		return;
	struct table *t = table_new(6, "LEAF", "INDEX", "EAX", "EBX", "ECX", "EDX");

	for (unsigned int i = 0; t && i < p->n_cpuid; i++) {
		const struct kvm_cpuid_entry2 *e = &p->cpuid[i];

		table_add(t, "%#010x", e->function);
		if (e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX)
			table_add(t, "%u", e->index);
		else
			table_add(t, "-");
		table_add(t, "%08x", e->eax);
		table_add(t, "%08x", e->ebx);
		table_add(t, "%08x", e->ecx);
		table_add(t, "%08x", e->edx);
	}
	if (t) {
		fputc('\n', out);
		table_print(t, out, vmctl_opt.legend);
		table_free(t);
	}
}

static int show(bool cpuid)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	struct tnl_profile *p = NULL;
	json_object *o = NULL;
	sd_bus *bus = NULL;
	const char *text;
	char why[256];
	int r;

	r = vmctl_bus_open(&bus);
	if (r)
		return r;
	r = sd_bus_call_method(bus, VMCTL_BUS_NAME, VMCTL_BUS_PATH, VMCTL_BUS_IFACE,
			       "GetProfile", &e, &reply, NULL);
	if (r < 0) {
		r = vmctl_bus_fail("reading the host profile from thinvmd", r, &e);
		goto out;
	}
	if (sd_bus_message_read(reply, "s", &text) < 0 || !(o = json_tokener_parse(text))) {
		r = vmctl_fail(VMCTL_EXIT_FAILURE, "GetProfile: thinvmd's answer is not JSON");
		goto out;
	}
	p = malloc(sizeof(*p));
	if (!p) {
		r = vmctl_fail(VMCTL_EXIT_FAILURE, "out of memory");
		goto out;
	}
	if (tnl_profile_from_json(o, p, why, sizeof(why))) {
		r = vmctl_fail(VMCTL_EXIT_FAILURE, "GetProfile: %s", why);
		goto out;
	}
	/* --json: thinvmd's document as it is, which baseline reads back. */
	if (vmctl_opt.json)
		json_print(stdout, o);
	else
		vmctl_profile_print(stdout, p, cpuid);
	r = VMCTL_EXIT_OK;
out:
	free(p);
	json_object_put(o);
	sd_bus_message_unref(reply);
	sd_bus_error_free(&e);
	sd_bus_unref(bus);
	return r;
}

int vmctl_profile_load(const char *path, struct tnl_profile *p, char *err, size_t size)
{
	json_object *o;
	char why[256];
	int r;

	o = strcmp(path, "-") ? json_object_from_file(path) : json_object_from_fd(STDIN_FILENO);
	if (!o)
		return vmctl_errf(err, size, "%s: not a JSON document that can be read (%s)",
				  path, json_util_get_last_err() ? json_util_get_last_err() : "?");
	r = tnl_profile_from_json(o, p, why, sizeof(why));
	json_object_put(o);
	if (r)
		return vmctl_errf(err, size, "%s: not a thinvm host profile: %s", path, why);
	return 0;
}

/* The command that applies @hide on a host, in @buf. */
static const char *policy_command(uint64_t hide, char *buf, size_t size)
{
	char names[1024];

	snprintf(buf, size, "vmctl policy set hidden-features=%s",
		 features_text(hide, names, sizeof(names)));
	return buf;
}

static void drop_text(const struct tnl_baseline_drop *d, char *buf, size_t size)
{
	if (d->msr)
		snprintf(buf, size, "MSR %#x", d->function);
	else
		snprintf(buf, size, "CPUID %#x.%u E%cX", d->function, d->index, d->reg - 'a' + 'A');
}

static void print_baseline_json(const struct tnl_profile *base,
				const struct tnl_baseline_notes *notes,
				struct tnl_profile **hosts, char **paths, int n)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	char buf[1200];

	json_object_object_add(o, "baseline", tnl_profile_to_json(base));
	for (int i = 0; i < n; i++) {
		json_object *h = json_object_new_object(), *hide = json_object_new_array();
		uint64_t set = tnl_profile_hide_for(hosts[i], base);

		json_object_object_add(h, "file", json_object_new_string(paths[i]));
		for (unsigned int b = 0; b < 64; b++)
			if (set & (1ULL << b) && tnl_feature_name(b))
				json_object_array_add(hide, json_object_new_string(tnl_feature_name(b)));
		json_object_object_add(h, "hidden-features", hide);
		json_object_object_add(h, "command",
				       json_object_new_string(policy_command(set, buf, sizeof(buf))));
		json_object_array_add(a, h);
	}
	json_object_object_add(o, "hosts", a);
	a = json_object_new_array();
	for (unsigned int i = 0; i < notes->n_drops && i < TNL_BASELINE_DROPS_MAX; i++) {
		drop_text(&notes->drops[i], buf, sizeof(buf));
		json_object_array_add(a, json_object_new_string(buf));
	}
	json_object_object_add(o, "differences-dropped", a);
	json_object_object_add(o, "cpuid-left-out", json_object_new_int(notes->cpuid_left_out));
	json_object_object_add(o, "vmx-msrs-left-out", json_object_new_int(notes->msrs_left_out));
	json_print(stdout, o);
	json_object_put(o);
}

static void print_baseline_text(const struct tnl_profile *base,
				const struct tnl_baseline_notes *notes,
				struct tnl_profile **hosts, char **paths, int n)
{
	char buf[1200];

	printf("Baseline of %d profile%s:\n", n, n == 1 ? "" : "s");
	vmctl_profile_print(stdout, base, false);
	if (notes->n_drops || notes->cpuid_left_out || notes->msrs_left_out) {
		printf("\nGiven up (the hosts differ and no rule merges them):\n");
		for (unsigned int i = 0; i < notes->n_drops && i < TNL_BASELINE_DROPS_MAX; i++) {
			drop_text(&notes->drops[i], buf, sizeof(buf));
			printf("  %s, cleared\n", buf);
		}
		if (notes->n_drops > TNL_BASELINE_DROPS_MAX)
			printf("  and %u more\n", notes->n_drops - TNL_BASELINE_DROPS_MAX);
		if (notes->cpuid_left_out)
			printf("  %u CPUID leaves not on every host\n", notes->cpuid_left_out);
		if (notes->msrs_left_out)
			printf("  %u VMX MSRs not on every host\n", notes->msrs_left_out);
	}
	printf("\nTo offer the baseline, run on each host:\n");
	for (int i = 0; i < n; i++)
		printf("  %s: %s\n", paths[i],
		       policy_command(tnl_profile_hide_for(hosts[i], base), buf, sizeof(buf)));
}

static int baseline(int n, char **paths)
{
	struct tnl_profile **hosts = calloc(n, sizeof(*hosts)), *base = malloc(sizeof(*base));
	struct tnl_baseline_notes notes;
	char err[512];
	int r = VMCTL_EXIT_FAILURE, stdin_seen = 0;

	if (!hosts || !base) {
		r = vmctl_fail(VMCTL_EXIT_FAILURE, "out of memory");
		goto out;
	}
	for (int i = 0; i < n; i++) {
		if (!strcmp(paths[i], "-") && stdin_seen++) {
			r = vmctl_fail(VMCTL_EXIT_USAGE, "profile baseline: \"-\" (standard input) given twice");
			goto out;
		}
		hosts[i] = malloc(sizeof(*hosts[i]));
		if (!hosts[i]) {
			r = vmctl_fail(VMCTL_EXIT_FAILURE, "out of memory");
			goto out;
		}
		if (vmctl_profile_load(paths[i], hosts[i], err, sizeof(err))) {
			r = vmctl_fail(VMCTL_EXIT_USAGE, "%s", err);
			goto out;
		}
	}
	/* Checked here too, to name the files rather than positions. */
	for (int i = 1; i < n; i++)
		if (strcmp(hosts[i]->vendor, hosts[0]->vendor)) {
			r = vmctl_fail(VMCTL_EXIT_USAGE,
				       "%s is the profile of a %s host, %s of a %s host: no VM moves between them",
				       paths[i], hosts[i]->vendor, paths[0], hosts[0]->vendor);
			goto out;
		}
	if (tnl_profile_baseline((const struct tnl_profile *const *)hosts, n, base, &notes,
				 err, sizeof(err))) {
		r = vmctl_fail(VMCTL_EXIT_USAGE, "profile baseline: %s", err);
		goto out;
	}
	if (vmctl_opt.json)
		print_baseline_json(base, &notes, hosts, paths, n);
	else
		print_baseline_text(base, &notes, hosts, paths, n);
	r = VMCTL_EXIT_OK;
out:
	for (int i = 0; hosts && i < n; i++)
		free(hosts[i]);
	free(hosts);
	free(base);
	return r;
}

int verb_profile(int argc, char **argv)
{
	if (argc == 0)
		return show(false);
	if (argc == 1 && !strcmp(argv[0], "--cpuid"))
		return show(true);
	if (!strcmp(argv[0], "baseline")) {
		if (argc < 2)
			return vmctl_fail(VMCTL_EXIT_USAGE,
					  "usage: vmctl profile baseline FILE... (profiles saved with vmctl --json profile; - reads one from standard input)");
		return baseline(argc - 1, argv + 1);
	}
	return vmctl_fail(VMCTL_EXIT_USAGE,
			  "usage: vmctl profile [--cpuid], or vmctl profile baseline FILE...");
}
