// SPDX-License-Identifier: GPL-2.0
/*
 * thinvmd and the module, over the generic-netlink family of
 * <linux/thinvm.h>: the policy pushed whole, the events followed, and the
 * module noticed as it comes and goes.
 *
 * Coming and going: nlctrl, the generic-netlink controller, announces every
 * family registered (CTRL_CMD_NEWFAMILY) and unregistered
 * (CTRL_CMD_DELFAMILY) on its multicast group "notify", which anyone may
 * join. "thinvm" registering means the module loaded: thinvmd connects,
 * pushes its policy and reads the VMs and CPUs, within milliseconds.
 */
#include <errno.h>
#include <linux/genetlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "thinvm_features.h"
#include "thinvm_names.h"
#include "thinvmd.h"

/* A module that registered its family but failed its first requests. */
#define RETRY_USEC (200 * 1000)
#define RETRY_MAX 10

static void module_gone(struct thinvmd *d);

static int vm_cmp(const void *a, const void *b)
{
	const struct tnl_vm *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Room for one more element of @size in *@v (@n used of *@cap). */
static int grow(void **v, size_t n, size_t *cap, size_t size)
{
	void *bigger;

	if (n < *cap)
		return 0;
	bigger = realloc(*v, (*cap ? *cap * 2 : 16) * size);
	if (!bigger)
		return -ENOMEM;
	*v = bigger;
	*cap = *cap ? *cap * 2 : 16;
	return 0;
}

struct vm_list {
	struct tnl_vm *v;
	size_t n, cap;
};

static int collect_vm(const struct tnl_vm *vm, void *arg)
{
	struct vm_list *l = arg;

	if (grow((void **)&l->v, l->n, &l->cap, sizeof(*l->v)))
		return -ENOMEM;
	l->v[l->n++] = *vm;
	return 0;
}

struct cpu_list {
	struct tnl_cpu *v;
	size_t n, cap;
};

static int collect_cpu(const struct tnl_cpu *cpu, void *arg)
{
	struct cpu_list *l = arg;

	if (grow((void **)&l->v, l->n, &l->cap, sizeof(*l->v)))
		return -ENOMEM;
	l->v[l->n++] = *cpu;
	return 0;
}

/* Read the VMs again, as many times as VMs came or went meanwhile (a few). */
static int reread_vms(struct thinvmd *d)
{
	struct tvd_module *m = &d->module;

	for (int tries = 0; tries < 5; tries++) {
		struct vm_list l = { 0 };
		int r = tnl_dump_vms(m->nl, collect_vm, &l);

		if (r < 0) {
			free(l.v);
			return r;
		}
		if (r == 1 && tries < 4) {
			free(l.v);
			continue;
		}
		/*
		 * Objects of VMs no longer there go while the old list still
		 * finds them; new ones come once the new list does.
		 */
		struct tnl_vm *old = m->vms;
		size_t n_old = m->n_vms;

		for (size_t i = 0; i < n_old; i++) {
			if (!l.n || !bsearch(&old[i], l.v, l.n, sizeof(*l.v), vm_cmp))
				tvd_bus_vm_removed(d, old[i].id);
		}
		m->vms = l.v;
		m->n_vms = l.n;
		for (size_t i = 0; i < l.n; i++) {
			if (!n_old || !bsearch(&l.v[i], old, n_old, sizeof(*l.v), vm_cmp))
				tvd_bus_vm_added(d, l.v[i].id);
		}
		free(old);
		return 0;
	}
	return 0;
}

static int reread_cpus(struct thinvmd *d)
{
	struct tvd_module *m = &d->module;
	struct cpu_list l = { 0 };
	int r = tnl_dump_cpus(m->nl, collect_cpu, &l);

	if (r < 0) {
		free(l.v);
		return r;
	}
	free(m->cpus);
	m->cpus = l.v;
	m->n_cpus = l.n;
	return 0;
}

size_t tvd_module_incompatible(const struct thinvmd *d, uint32_t *cpus, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < d->module.n_cpus && n < max; i++) {
		if (tvd_cpu_incompatible(&d->module.cpus[i]))
			cpus[n++] = d->module.cpus[i].id;
	}
	return n;
}

static struct tnl_vm *find_vm(struct tvd_module *m, uint32_t id)
{
	struct tnl_vm key = { .id = id };

	return m->vms ? bsearch(&key, m->vms, m->n_vms, sizeof(key), vm_cmp) : NULL;
}

static void vm_created(struct thinvmd *d, const struct tnl_vm *vm)
{
	struct tvd_module *m = &d->module;
	struct tnl_vm *v;

	if (find_vm(m, vm->id))
		return;
	v = realloc(m->vms, (m->n_vms + 1) * sizeof(*v));
	if (!v) {
		log_at(LOG_ERR, "out of memory for VM %u", vm->id);
		return;
	}
	m->vms = v;
	/* The event has the id and pid; the module has the rest. */
	if (tnl_get_vm(m->nl, vm->id, &m->vms[m->n_vms]))
		m->vms[m->n_vms] = *vm;
	m->vms[m->n_vms].fields |= TNL_VM_ID | TNL_VM_PID;
	m->n_vms++;
	qsort(m->vms, m->n_vms, sizeof(*v), vm_cmp);
	tvd_bus_vm_added(d, vm->id);
}

static void vm_destroyed(struct thinvmd *d, uint32_t id)
{
	struct tvd_module *m = &d->module;
	struct tnl_vm *v = find_vm(m, id);

	if (!v)
		return;
	/* While the object is still there to name its interfaces. */
	tvd_bus_vm_removed(d, id);
	memmove(v, v + 1, (m->vms + m->n_vms - (v + 1)) * sizeof(*v));
	m->n_vms--;
}

/* The rule of @vm's name, if any, applied. */
static void apply_rule(struct thinvmd *d, const struct tnl_vm *vm)
{
	const struct tvd_vm_rule *rule;
	char why[256];
	int r;

	if (!vm->name[0])
		return;
	rule = tvd_policy_rule(&d->effective, vm->name);
	if (!rule || vm->hc_exit_mask == rule->hc_exit)
		return;
	r = tvd_module_set_vm(d, vm->id, rule->hc_exit, false, why, sizeof(why));
	if (r && r != -ENOENT)
		log_at(LOG_ERR, "VM %u '%s': rule not applied: %s", vm->id, vm->name, why);
	else if (!r)
		log_at(LOG_INFO, "VM %u '%s': rule applied, hypercall exit mask %#llx",
		       vm->id, vm->name, (unsigned long long)rule->hc_exit);
}

void tvd_module_apply_rules(struct thinvmd *d, const struct tvd_policy *old)
{
	struct tvd_module *m = &d->module;
	struct tnl_policy host;
	bool have_host = false;

	if (!m->loaded)
		return;
	for (size_t i = 0; i < m->n_vms; i++) {
		struct tnl_vm *vm = &m->vms[i];
		const struct tvd_vm_rule *now = tvd_policy_rule(&d->effective, vm->name);
		const struct tvd_vm_rule *was = old ? tvd_policy_rule(old, vm->name) : NULL;
		char why[256];

		if (!vm->name[0])
			continue;
		if (now) {
			apply_rule(d, vm);
			continue;
		}
		if (!was)
			continue;
		/* Its rule is gone: back to what any new VM gets. */
		if (!have_host && tnl_get_policy(m->nl, &host) == 0)
			have_host = true;
		if (!have_host ||
		    tvd_module_set_vm(d, vm->id, host.hc_default, false, why, sizeof(why)))
			log_at(LOG_ERR, "VM %u '%s': could not restore the default mask",
			       vm->id, vm->name);
	}
}

static void on_event(struct thinvmd *d, const struct tnl_event *ev)
{
	struct tvd_module *m = &d->module;
	struct tnl_vm *v;

	switch (ev->cmd) {
	case THINVM_CMD_VM_CREATED:
		vm_created(d, &ev->vm);
		break;
	case THINVM_CMD_VM_DESTROYED:
		vm_destroyed(d, ev->vm.id);
		break;
	case THINVM_CMD_VM_RENAMED:
		v = find_vm(m, ev->vm.id);
		if (!v) {
			vm_created(d, &ev->vm);
			v = find_vm(m, ev->vm.id);
		}
		if (v) {
			memcpy(v->name, ev->vm.name, sizeof(v->name));
			v->fields |= TNL_VM_NAME;
			/* The cached mask may be old: read it before the rule. */
			tnl_get_vm(m->nl, v->id, v);
			apply_rule(d, v);
			tvd_bus_vm_changed(d, v->id);
		}
		break;
	case THINVM_CMD_CPU_ADMITTED:
	case THINVM_CMD_CPU_REFUSED:
	case THINVM_CMD_CPU_QUARANTINED:
	case THINVM_CMD_CPU_OFFLINE:
		if (ev->cmd == THINVM_CMD_CPU_REFUSED || ev->cmd == THINVM_CMD_CPU_QUARANTINED)
			log_at(LOG_WARNING, "CPU %u %s: %s", ev->cpu.id,
			       ev->cmd == THINVM_CMD_CPU_REFUSED ? "refused" : "quarantined",
			       ev->cpu.reason[0] ? ev->cpu.reason : "incompatible");
		if (reread_cpus(d))
			log_at(LOG_ERR, "could not read the CPUs: %s", tnl_last_error(m->nl));
		break;
	case THINVM_CMD_POLICY_APPLIED:
		if (ev->has & TNL_EV_POLICY) {
			/* thinvmd's own echoes may come after a newer push. */
			if (ev->policy.generation > m->generation)
				m->generation = ev->policy.generation;
			if (ev->policy.generation > m->pushed_generation)
				log_at(LOG_WARNING, "the host policy was changed by another program (generation %llu); thinvmd's is generation %llu",
				       (unsigned long long)ev->policy.generation,
				       (unsigned long long)m->pushed_generation);
		} else if ((ev->has & TNL_EV_VM) && (v = find_vm(m, ev->vm.id))) {
			if (ev->vm.fields & TNL_VM_HC_EXIT_MASK)
				v->hc_exit_mask = ev->vm.hc_exit_mask;
			if (ev->vm.fields & TNL_VM_POLICY_GENERATION)
				v->policy_generation = ev->vm.policy_generation;
			tvd_bus_vm_changed(d, v->id);
		}
		break;
	default:
		break;
	}
	tvd_bus_event(d, ev);
}

static int on_events(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct thinvmd *d = userdata;
	struct tnl_event ev;
	int r;

	(void)s;
	(void)fd;
	(void)revents;
	while (d->module.nl && (r = tnl_next_event(d->module.nl, &ev, 0)) != 0) {
		if (r == -ENOBUFS) {
			log_at(LOG_WARNING, "events were lost (socket overflow); reading VMs and CPUs again");
			reread_vms(d);
			reread_cpus(d);
			/* A lost VM_RENAMED would leave a named VM without its rule. */
			for (size_t i = 0; i < d->module.n_vms; i++)
				apply_rule(d, &d->module.vms[i]);
			continue;
		}
		if (r == -EPROTO)
			continue;
		if (r < 0) {
			log_at(LOG_ERR, "reading events: %s", strerror(-r));
			break;
		}
		on_event(d, &ev);
	}
	tvd_bus_sync(d);
	return 0;
}

/* Only a module older than feature policy leaves fields unenforced. */
static const char *hidden_note(const struct tvd_module *m, const struct tvd_policy *p)
{
	if ((p->set & TVD_FIELDS_FEATURE) && !tvd_feature_policy(&m->caps))
		return "hidden-features, hyperv-vcpu-limit and vm-max-vcpus are kept but not enforced: this module has no feature policy";
	return NULL;
}

/* Did the module answer with what was pushed? */
static bool reply_matches(const struct tnl_policy *want, const struct tnl_policy *reply)
{
	if (reply->generation != want->generation || reply->hc_ceiling != want->hc_ceiling ||
	    reply->hc_default != want->hc_default || reply->hotplug_mode != want->hotplug_mode)
		return false;
	if ((reply->fields & want->fields) != want->fields)
		return false;
	return (!(want->fields & TNL_POLICY_HIDDEN_FEATURES) ||
		reply->hidden_features == want->hidden_features) &&
	       (!(want->fields & TNL_POLICY_VM_MAX_VCPUS) ||
		reply->vm_max_vcpus == want->vm_max_vcpus) &&
	       (!(want->fields & TNL_POLICY_HV_VCPU_LIMIT) ||
		reply->hv_vcpu_limit == want->hv_vcpu_limit);
}

/*
 * The module's refusal, in its words; for hidden features this host lacks
 * (its EINVAL), their names after them, which its sentence may not give.
 */
static void refused(const struct tvd_module *m, const struct tnl_policy *want, int r,
		    char *why, size_t size)
{
	uint64_t lacking = want->hidden_features & ~m->caps.features;
	char names[512];
	int n;

	n = snprintf(why, size, "the module refused the policy: %s%s%s", strerror(-r),
		     *tnl_last_error(m->nl) ? ": " : "", tnl_last_error(m->nl));
	if (r != -EINVAL || !(want->fields & TNL_POLICY_HIDDEN_FEATURES) || !lacking ||
	    n < 0 || (size_t)n >= size)
		return;
	if (tnl_feature_set_format(lacking, names, sizeof(names)))
		snprintf(names, sizeof(names), "%#llx", (unsigned long long)lacking);
	snprintf(why + n, size - n, " (hidden-features names what this host does not have: %s)",
		 names);
}

int tvd_module_push(struct thinvmd *d, const struct tvd_policy *p,
		    bool dry_run, char *why, size_t size)
{
	struct tvd_module *m = &d->module;
	struct tnl_policy want, cur, reply;
	int r = 0;

	if (!m->loaded) {
		snprintf(why, size, "the thinvm module is not loaded");
		return -ENODEV;
	}
	r = tvd_policy_resolve(p, &m->caps, &want, why, size);
	if (r)
		return r;
	/*
	 * The generation thinvmd names is one above the module's, so that the
	 * echo tells this push from anyone else's; another program's push in
	 * between gives ESTALE, and thinvmd asks again.
	 */
	for (int tries = 0; tries < 3; tries++) {
		r = tnl_get_policy(m->nl, &cur);
		if (r)
			break;
		want.generation = cur.generation + 1;
		r = tnl_set_policy(m->nl, &want, want.fields | TNL_POLICY_GENERATION,
				   dry_run ? THINVM_SET_F_DRY_RUN : 0, &reply);
		if (r != -ESTALE)
			break;
	}
	if (r == -ENOENT) {
		/* The family went away under us: DELFAMILY is on its way. */
		snprintf(why, size, "the thinvm module went away");
		return -ENODEV;
	}
	if (r) {
		refused(m, &want, r, why, size);
		return r;
	}
	if (!reply_matches(&want, &reply)) {
		snprintf(why, size, "the module answered generation %llu, not %llu, or other values than pushed",
			 (unsigned long long)reply.generation, (unsigned long long)want.generation);
		return -EPROTO;
	}
	if (dry_run)
		return 0;
	m->generation = m->pushed_generation = reply.generation;
	log_at(LOG_INFO, "policy pushed, generation %llu: hypercall ceiling %#llx, default %#llx, hotplug %s",
	       (unsigned long long)reply.generation, (unsigned long long)reply.hc_ceiling,
	       (unsigned long long)reply.hc_default, tnl_hotplug_mode_name(reply.hotplug_mode));
	if (want.fields & TNL_POLICY_FEATURE_FIELDS)
		log_at(LOG_INFO, "policy generation %llu: hidden features %#llx, VM max vCPUs %u, Hyper-V vCPU limit %u",
		       (unsigned long long)reply.generation,
		       (unsigned long long)reply.hidden_features, reply.vm_max_vcpus,
		       reply.hv_vcpu_limit);
	if (hidden_note(m, p) && !d->warned_unenforced) {
		log_at(LOG_WARNING, "%s", hidden_note(m, p));
		d->warned_unenforced = true;
	}
	return 0;
}

int tvd_module_set_vm(struct thinvmd *d, uint32_t id, uint64_t mask,
		      bool dry_run, char *why, size_t size)
{
	struct tvd_module *m = &d->module;
	struct tnl_vm want = { .id = id, .hc_exit_mask = mask }, reply;
	struct tnl_vm *v;
	int r;

	if (!m->loaded) {
		snprintf(why, size, "the thinvm module is not loaded");
		return -ENODEV;
	}
	r = tnl_set_vm_policy(m->nl, &want, TNL_VM_HC_EXIT_MASK,
			      dry_run ? THINVM_SET_F_DRY_RUN : 0, &reply);
	if (r == -ENOENT) {
		snprintf(why, size, "there is no VM %u", id);
		return r;
	}
	if (r) {
		snprintf(why, size, "the module refused: %s%s%s", strerror(-r),
			 *tnl_last_error(m->nl) ? ": " : "", tnl_last_error(m->nl));
		return r;
	}
	if (reply.hc_exit_mask != mask) {
		snprintf(why, size, "the module answered mask %#llx, not %#llx",
			 (unsigned long long)reply.hc_exit_mask, (unsigned long long)mask);
		return -EPROTO;
	}
	/* The module's POLICY_APPLIED event tells the bus. */
	if (!dry_run && (v = find_vm(m, id)))
		*v = reply;
	return 0;
}

void tvd_module_refresh(struct thinvmd *d)
{
	if (!d->module.loaded)
		return;
	if (reread_vms(d) || reread_cpus(d))
		log_at(LOG_WARNING, "could not read the VMs and CPUs: %s",
		       tnl_last_error(d->module.nl));
}

int tvd_module_get_vm(struct thinvmd *d, uint32_t id, struct tnl_vm *vm)
{
	if (!d->module.loaded)
		return -ENODEV;
	return tnl_get_vm(d->module.nl, id, vm);
}

/* Connect to the module that just appeared (or was there at start). */
static int module_appeared(struct thinvmd *d)
{
	struct tvd_module *m = &d->module;
	char why[512];
	int r;

	if (m->loaded)
		return 0;
	r = tnl_open(&m->nl);
	if (r)
		return r;
	r = tnl_get_caps(m->nl, &m->caps);
	if (!r)
		r = tnl_subscribe(m->nl);
	if (!r)
		r = sd_event_add_io(d->event, &m->events, tnl_event_fd(m->nl), EPOLLIN,
				    on_events, d);
	if (r) {
		log_at(LOG_ERR, "thinvm module: cannot connect: %s%s%s", strerror(-r),
		       *tnl_last_error(m->nl) ? ": " : "", tnl_last_error(m->nl));
		goto fail;
	}
	m->loaded = true;
	r = tvd_module_push(d, &d->effective, false, why, sizeof(why));
	if (r) {
		log_at(LOG_ERR, "thinvm module: %s; not connected until a policy it takes (Reload(), D-Bus)",
		       why);
		m->refused = true;
		module_gone(d);
		return r;
	}
	r = reread_vms(d);
	if (!r)
		r = reread_cpus(d);
	if (r) {
		log_at(LOG_ERR, "thinvm module: cannot read VMs and CPUs: %s", strerror(-r));
		goto fail;
	}
	for (size_t i = 0; i < m->n_vms; i++)
		apply_rule(d, &m->vms[i]);
	m->refused = false;
	log_at(LOG_NOTICE, "thinvm module (%s) connected: %zu VMs, %zu CPUs, policy generation %llu",
	       m->caps.vendor, m->n_vms, m->n_cpus, (unsigned long long)m->generation);
	m->retries = 0;
	tvd_bus_sync(d);
	return 0;
fail:
	module_gone(d);
	return r ? r : -EIO;
}

static int retry_appearance(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct thinvmd *d = userdata;

	(void)usec;
	d->module.retry = sd_event_source_unref(s);
	if (module_appeared(d) && ++d->module.retries < RETRY_MAX) {
		sd_event_add_time_relative(d->event, &d->module.retry, CLOCK_MONOTONIC,
					   RETRY_USEC, 0, retry_appearance, d);
	}
	return 0;
}

void tvd_module_reconnect(struct thinvmd *d)
{
	if (!d->module.loaded) {
		d->module.retry = sd_event_source_disable_unref(d->module.retry);
		if (module_appeared(d) == -ENOENT)
			log_at(LOG_DEBUG, "thinvm module still not loaded");
	}
}

static void appear(struct thinvmd *d)
{
	if (module_appeared(d) && !d->module.retry) {
		d->module.retries = 0;
		sd_event_add_time_relative(d->event, &d->module.retry, CLOCK_MONOTONIC,
					   RETRY_USEC, 0, retry_appearance, d);
	}
}

static void module_gone(struct thinvmd *d)
{
	struct tvd_module *m = &d->module;
	bool was = m->loaded;

	m->events = sd_event_source_disable_unref(m->events);
	tnl_close(m->nl);
	m->nl = NULL;
	m->loaded = false;
	for (size_t i = 0; i < m->n_vms; i++)
		tvd_bus_vm_removed(d, m->vms[i].id);
	free(m->vms);
	free(m->cpus);
	m->vms = NULL;
	m->cpus = NULL;
	m->n_vms = m->n_cpus = 0;
	m->generation = m->pushed_generation = 0;
	memset(&m->caps, 0, sizeof(m->caps));
	if (was && !m->refused)
		log_at(LOG_NOTICE, "thinvm module gone; its policy is pushed again when it comes back");
	tvd_bus_sync(d);
}

/* One nlctrl notification. */
static int on_ctrl_msg(struct nl_msg *msg, void *arg)
{
	struct thinvmd *d = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, NULL) || !tb[CTRL_ATTR_FAMILY_NAME] ||
	    strcmp(nla_get_string(tb[CTRL_ATTR_FAMILY_NAME]), THINVM_GENL_NAME))
		return NL_OK;
	if (g->cmd == CTRL_CMD_NEWFAMILY)
		appear(d);
	else if (g->cmd == CTRL_CMD_DELFAMILY) {
		d->module.refused = false;
		module_gone(d);
	}
	return NL_OK;
}

static int on_ctrl(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct thinvmd *d = userdata;
	int r;

	(void)s;
	(void)fd;
	(void)revents;
	r = nl_recvmsgs_default(d->module.ctrl);
	if (r == -NLE_NOMEM) {
		/* Overflow: whether the module is there is now unknown. */
		log_at(LOG_WARNING, "nlctrl notifications lost; checking the module");
		if (d->module.loaded && tnl_get_caps(d->module.nl, &d->module.caps))
			module_gone(d);
		if (!d->module.loaded)
			appear(d);
	}
	return 0;
}

int tvd_module_start(struct thinvmd *d)
{
	struct tvd_module *m = &d->module;
	int grp, r;

	m->ctrl = nl_socket_alloc();
	if (!m->ctrl)
		return -ENOMEM;
	nl_socket_disable_seq_check(m->ctrl);
	r = genl_connect(m->ctrl);
	if (r)
		return -EIO;
	grp = genl_ctrl_resolve_grp(m->ctrl, "nlctrl", "notify");
	if (grp < 0 || nl_socket_add_membership(m->ctrl, grp)) {
		log_at(LOG_ERR, "cannot follow generic-netlink families (nlctrl notify): %s",
		       nl_geterror(grp < 0 ? grp : -NLE_FAILURE));
		return -EIO;
	}
	nl_socket_modify_cb(m->ctrl, NL_CB_VALID, NL_CB_CUSTOM, on_ctrl_msg, d);
	nl_socket_set_nonblocking(m->ctrl);
	r = sd_event_add_io(d->event, &m->ctrl_src, nl_socket_get_fd(m->ctrl), EPOLLIN,
			    on_ctrl, d);
	if (r < 0)
		return r;
	/*
	 * Joined before looking: a module loading now is not missed. A module
	 * that refuses the policy does not stop the start: the bus is how the
	 * policy gets fixed.
	 */
	r = module_appeared(d);
	if (r == -ENOENT)
		log_at(LOG_NOTICE, "thinvm module not loaded; its policy is pushed when it is");
	return 0;
}

void tvd_module_stop(struct thinvmd *d)
{
	struct tvd_module *m = &d->module;

	m->retry = sd_event_source_disable_unref(m->retry);
	m->events = sd_event_source_disable_unref(m->events);
	m->ctrl_src = sd_event_source_disable_unref(m->ctrl_src);
	tnl_close(m->nl);
	m->nl = NULL;
	nl_socket_free(m->ctrl);
	m->ctrl = NULL;
	free(m->vms);
	free(m->cpus);
	m->vms = NULL;
	m->cpus = NULL;
}
