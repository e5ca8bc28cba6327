// SPDX-License-Identifier: GPL-2.0
/*
 * Hypercall exits and their policy (design.md, behaviour 1). On both
 * devices, compared: KVM_CHECK_EXTENSION(KVM_CAP_EXIT_HYPERCALL) gives the
 * mask; KVM_ENABLE_CAP refuses unknown hypercalls and flags; without the
 * exit KVM_HC_MAP_GPA_RANGE is -KVM_ENOSYS; with it the VMM sees
 * KVM_EXIT_HYPERCALL with RIP still on VMMCALL, and its answer lands in
 * RAX on the next KVM_RUN (truncated in 32-bit code, where the arguments
 * are too); bad arguments are -KVM_EINVAL; at CPL 3 it is -KVM_EPERM and
 * does not exit; with PV CPUID enforced and the feature bit offered, it
 * still exits.
 *
 * On thinvm only (what KVM does not have): PV enforcement without the
 * bit refuses it; the host ceiling makes KVM_ENABLE_CAP fail with EPERM
 * and keeps an enabled exit in, with a rate-limited "hypercall refused"
 * event; the default mask applies to new VMs, and never makes an exit the
 * VMM did not ask for; and a VM mask set over netlink while the guest
 * spins in refused hypercalls inside one KVM_RUN makes the next one exit.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "thinvm_nl.h"
#include "vmtest.h"

const bool vt_compares_with_kvm = true;

#define MEM_SIZE 0x10000
#define MAP 12ULL
#define MAP_BIT (1ULL << MAP)
#define KVM_ENOSYS_64 (-1000ULL)
#define KVM_EINVAL_64 (-22ULL)
#define MBOX 0x8000		/* nr, a0, a1, a2; result at +0x20, spins at +0x28 */
#define PORT 0x10

asm(".pushsection .rodata\n"
    ".globl hp_guest, hp_call, hp_spin, hp_guest_end\n"
    "hp_guest:\n"
    ".code64\n"
    "	mov 0x8000, %rax\n"
    "	mov 0x8008, %rbx\n"
    "	mov 0x8010, %rcx\n"
    "	mov 0x8018, %rdx\n"
    "hp_call:\n"
    "	vmmcall\n"
    "	mov %rax, 0x8020\n"
    "	out %al, $0x10\n"
    "	jmp hp_guest\n"
    /* Calls KVM_HC_MAP_GPA_RANGE until an answer is not -KVM_ENOSYS, a
     * few thousand instructions apart: emulators that count guest time in
     * instructions (Bochs) then spend it on the guest, not on exits. */
    "hp_spin:\n"
    "	incq 0x8028\n"
    "	mov $2000, %ecx\n"
    "1:	dec %ecx\n"
    "	jnz 1b\n"
    "	mov $12, %rax\n"
    "	mov $0x1000, %rbx\n"
    "	mov $1, %rcx\n"
    "	xor %edx, %edx\n"
    "	vmmcall\n"
    "	cmp $-1000, %rax\n"
    "	je hp_spin\n"
    "	mov %rax, 0x8020\n"
    "	out %al, $0x10\n"
    "	jmp hp_spin\n"
    "hp_guest_end:\n"
    /* 32-bit: registers from the host, the answer out through the port. */
    ".code32\n"
    ".globl hp_prot, hp_prot_end\n"
    "hp_prot:\n"
    "	vmmcall\n"
    "	out %eax, $0x10\n"
    "	hlt\n"
    "hp_prot_end:\n"
    /* Any CPL may write memory: the answer leaves by MMIO past the RAM. */
    ".globl hp_prot3, hp_prot3_end\n"
    "hp_prot3:\n"
    "	vmmcall\n"
    "	mov %eax, 0x20000\n"
    "hp_prot3_end:\n"
    ".code64\n"
    ".popsection\n");
extern const char hp_guest[], hp_call[], hp_spin[], hp_guest_end[], hp_prot[], hp_prot_end[],
	hp_prot3[], hp_prot3_end[];

/* No padding: outcomes are compared with memcmp. */
struct call {
	unsigned long long exits;	/* KVM_EXIT_HYPERCALL seen */
	unsigned long long nr, args[3];
	unsigned long long longmode;
	unsigned long long rip_at_exit;
	unsigned long long result;	/* what the guest got in RAX */
};

struct outcome {
	long long check_ext;
	int enable_unknown, enable_flags;
	struct call not_enabled, enabled, bad[3], enforced_with_bit;
	unsigned int prot_exit, prot_longmode, prot_result, pad;
	unsigned long long prot_args[3];
	/* The same call at CPL 3, exit enabled: no exit, -KVM_EPERM. */
	unsigned int cpl3_exit, cpl3_result;
};

static void new_vm(struct vt_vm *v, const char *dev)
{
	vt_vm_create(v, dev, MEM_SIZE, hp_guest, hp_guest_end - hp_guest, VT_LONG64);
}

static int enable_exit(struct vt_vm *v, unsigned long long mask, unsigned int flags)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_EXIT_HYPERCALL, .flags = flags,
				      .args = { mask } };

	return ioctl(v->fd, KVM_ENABLE_CAP, &cap) ? errno : 0;
}

/* One pass of the loop guest: the hypercall, answered with @answer if it exits. */
static struct call call(struct vt_vm *v, unsigned long long nr, unsigned long long a0,
			unsigned long long a1, unsigned long long a2,
			unsigned long long answer)
{
	unsigned long long *mbox = (void *)(v->mem + MBOX);
	struct call c = { 0 };
	struct kvm_regs regs;

	mbox[0] = nr, mbox[1] = a0, mbox[2] = a1, mbox[3] = a2;
	TEST_ASSERT(!ioctl(v->vcpu, KVM_RUN, 0), "%s: KVM_RUN", v->dev);
	if (v->run->exit_reason == KVM_EXIT_HYPERCALL) {
		c.exits++;
		c.nr = v->run->hypercall.nr;
		memcpy(c.args, v->run->hypercall.args, sizeof(c.args));
		c.longmode = v->run->hypercall.longmode;
		TEST_ASSERT(!ioctl(v->vcpu, KVM_GET_REGS, &regs), "GET_REGS");
		c.rip_at_exit = regs.rip;
		v->run->hypercall.ret = answer;
		TEST_ASSERT(!ioctl(v->vcpu, KVM_RUN, 0), "%s: KVM_RUN", v->dev);
	}
	TEST_ASSERT(v->run->exit_reason == KVM_EXIT_IO && v->run->io.port == PORT,
		    "%s: exit %u, not the port", v->dev, v->run->exit_reason);
	c.result = mbox[4];
	return c;
}

static void set_kvm_pv_cpuid(struct vt_vm *v, unsigned int features)
{
	struct {
		struct kvm_cpuid2 c;
		struct kvm_cpuid_entry2 e[2];
	} t = { .c.nent = 2 };
	struct kvm_enable_cap enforce = { .cap = KVM_CAP_ENFORCE_PV_FEATURE_CPUID,
					  .args = { 1 } };

	t.e[0].function = 0x40000000;
	t.e[0].eax = 0x40000001;
	memcpy(&t.e[0].ebx, "KVMKVMKVM\0\0\0", 12);
	t.e[1].function = 0x40000001;
	t.e[1].eax = features;
	TEST_ASSERT(!ioctl(v->vcpu, KVM_SET_CPUID2, &t), "%s: SET_CPUID2", v->dev);
	TEST_ASSERT(!ioctl(v->vcpu, KVM_ENABLE_CAP, &enforce), "%s: ENFORCE_PV", v->dev);
}

static void prot_run(const char *dev, struct outcome *o, int cpl)
{
	struct kvm_regs regs;
	struct vt_vm v;

	if (cpl)
		vt_vm_create(&v, dev, MEM_SIZE, hp_prot3, hp_prot3_end - hp_prot3, VT_PROT32);
	else
		vt_vm_create(&v, dev, MEM_SIZE, hp_prot, hp_prot_end - hp_prot, VT_PROT32);
	TEST_ASSERT(!enable_exit(&v, MAP_BIT, 0), "enable");
	if (cpl)
		vt_set_cpl3(&v);
	TEST_ASSERT(!ioctl(v.vcpu, KVM_GET_REGS, &regs), "GET_REGS");
	regs.rax = 0xffffffff00000000ULL | MAP;	/* only the low half counts */
	regs.rbx = 0x1234500003000ULL;
	regs.rcx = 0x700000002ULL;
	regs.rdx = 0xabcdef00000001ULL;
	TEST_ASSERT(!ioctl(v.vcpu, KVM_SET_REGS, &regs), "SET_REGS");
	TEST_ASSERT(!ioctl(v.vcpu, KVM_RUN, 0), "KVM_RUN");
	if (cpl) {
		o->cpl3_exit = v.run->exit_reason;
		if (o->cpl3_exit == KVM_EXIT_MMIO)
			memcpy(&o->cpl3_result, v.run->mmio.data, 4);
		vt_vm_destroy(&v);
		return;
	}
	o->prot_exit = v.run->exit_reason;
	if (o->prot_exit == KVM_EXIT_HYPERCALL) {
		memcpy(o->prot_args, v.run->hypercall.args, sizeof(o->prot_args));
		o->prot_longmode = v.run->hypercall.longmode;
		v.run->hypercall.ret = 0xffffffff00000007ULL;
		TEST_ASSERT(!ioctl(v.vcpu, KVM_RUN, 0), "KVM_RUN");
		TEST_ASSERT(v.run->exit_reason == KVM_EXIT_IO, "exit %u", v.run->exit_reason);
		memcpy(&o->prot_result, (char *)v.run + v.run->io.data_offset, 4);
	}
	vt_vm_destroy(&v);
}

static void scenario(const char *dev, struct outcome *o)
{
	struct vt_vm v;

	memset(o, 0, sizeof(*o));
	new_vm(&v, dev);
	o->check_ext = ioctl(v.fd, KVM_CHECK_EXTENSION, KVM_CAP_EXIT_HYPERCALL);
	o->enable_unknown = enable_exit(&v, 1ULL << 5, 0);
	o->enable_flags = enable_exit(&v, MAP_BIT, 1);
	o->not_enabled = call(&v, MAP, 0x1000, 1, 0, 0);
	TEST_ASSERT(!enable_exit(&v, MAP_BIT, 0), "%s: enable the exit", dev);
	o->enabled = call(&v, MAP, 0x200000, 16, 0x5, 0x1234);
	o->bad[0] = call(&v, MAP, 0x1001, 1, 0, 0);
	o->bad[1] = call(&v, MAP, 0x1000, 0, 0, 0);
	o->bad[2] = call(&v, MAP, 0x1000, ~0ULL, 0, 0);
	vt_vm_destroy(&v);

	new_vm(&v, dev);
	TEST_ASSERT(!enable_exit(&v, MAP_BIT, 0), "%s: enable the exit", dev);
	set_kvm_pv_cpuid(&v, 1u << 16);	/* KVM_FEATURE_HC_MAP_GPA_RANGE */
	o->enforced_with_bit = call(&v, MAP, 0x3000, 2, 0, 0);
	vt_vm_destroy(&v);
	prot_run(dev, o, 0);
	prot_run(dev, o, 3);
}

static void check_thinvm(const struct outcome *o)
{
	unsigned long long call_rip = VT_CODE + (hp_call - hp_guest);

	TEST_ASSERT(o->check_ext == (long long)MAP_BIT, "CHECK_EXTENSION %lld", o->check_ext);
	TEST_ASSERT(o->enable_unknown == EINVAL && o->enable_flags == EINVAL,
		    "ENABLE_CAP unknown bit %d, flags %d", o->enable_unknown, o->enable_flags);
	TEST_ASSERT(!o->not_enabled.exits && o->not_enabled.result == KVM_ENOSYS_64,
		    "not enabled: %llu exits, %#llx", o->not_enabled.exits, o->not_enabled.result);
	TEST_ASSERT(o->enabled.exits == 1 && o->enabled.nr == MAP &&
		    o->enabled.args[0] == 0x200000 && o->enabled.args[1] == 16 &&
		    o->enabled.args[2] == 5 && o->enabled.longmode == 1 &&
		    o->enabled.rip_at_exit == call_rip && o->enabled.result == 0x1234,
		    "enabled: exits %llu nr %llu args %#llx %llu %llu longmode %llu RIP %#llx result %#llx",
		    o->enabled.exits, o->enabled.nr, o->enabled.args[0], o->enabled.args[1],
		    o->enabled.args[2], o->enabled.longmode, o->enabled.rip_at_exit,
		    o->enabled.result);
	for (int i = 0; i < 3; i++)
		TEST_ASSERT(!o->bad[i].exits && o->bad[i].result == KVM_EINVAL_64,
			    "bad arguments %d: %llu exits, %#llx", i, o->bad[i].exits,
			    o->bad[i].result);
	TEST_ASSERT(o->enforced_with_bit.exits == 1, "enforced, bit offered: no exit");
	TEST_ASSERT(o->prot_exit == KVM_EXIT_HYPERCALL && o->prot_longmode == 0 &&
		    o->prot_args[0] == 0x3000 && o->prot_args[1] == 2 &&
		    o->prot_args[2] == 1 && o->prot_result == 7,
		    "32-bit: exit %u longmode %u args %#llx %#llx %#llx result %#x",
		    o->prot_exit, o->prot_longmode, o->prot_args[0], o->prot_args[1],
		    o->prot_args[2], o->prot_result);
	TEST_ASSERT(o->cpl3_exit == KVM_EXIT_MMIO && o->cpl3_result == (unsigned int)-1,
		    "CPL 3, exit enabled: exit %u, result %#x", o->cpl3_exit, o->cpl3_result);
}

/* thinvm only */

static struct tnl *nl;

static void set_host(uint64_t ceiling, uint64_t def)
{
	struct tnl_policy p = { .hc_ceiling = ceiling, .hc_default = def };

	TEST_ASSERT(!tnl_set_policy(nl, &p, TNL_POLICY_HC_CEILING | TNL_POLICY_HC_DEFAULT,
				    0, NULL), "set host policy: %s", tnl_last_error(nl));
}

static uint32_t id_of(struct vt_vm *v)
{
	uint32_t id;

	TEST_ASSERT(!ioctl(v->fd, THINVM_GET_VM_ID, &id), "THINVM_GET_VM_ID");
	return id;
}

static void check_enforced_without_bit(void)
{
	struct vt_vm v;
	struct call c;

	new_vm(&v, THINVM_DEV);
	TEST_ASSERT(!enable_exit(&v, MAP_BIT, 0), "enable");
	set_kvm_pv_cpuid(&v, 0);
	c = call(&v, MAP, 0x1000, 1, 0, 0);
	TEST_ASSERT(!c.exits && c.result == KVM_ENOSYS_64,
		    "PV enforced, bit not offered: %llu exits, %#llx", c.exits, c.result);
	vt_vm_destroy(&v);
}

static void no_restart(int sig) { (void)sig; }

struct spin {
	struct vt_vm *v;
	int r, err;
};

static void *spin_thread(void *arg)
{
	struct spin *s = arg;

	s->r = ioctl(s->v->vcpu, KVM_RUN, 0);
	s->err = errno;
	return NULL;
}

static unsigned long long spins(struct vt_vm *v)
{
	return __atomic_load_n((unsigned long long *)(v->mem + MBOX + 0x28), __ATOMIC_RELAXED);
}

/* Start the spinning guest in a thread, once it is seen spinning. */
static void spin_start(struct vt_vm *v, struct spin *s, pthread_t *t)
{
	struct kvm_regs regs;
	time_t end = time(NULL) + 20;

	TEST_ASSERT(!ioctl(v->vcpu, KVM_GET_REGS, &regs), "GET_REGS");
	regs.rip = VT_CODE + (hp_spin - hp_guest);
	TEST_ASSERT(!ioctl(v->vcpu, KVM_SET_REGS, &regs), "SET_REGS");
	s->v = v;
	TEST_ASSERT(!pthread_create(t, NULL, spin_thread, s), "pthread_create");
	while (spins(v) < 100)
		TEST_ASSERT(time(NULL) < end, "the guest does not spin (%llu)", spins(v));
}

static void check_ceiling_and_events(void)
{
	struct sigaction sa = { .sa_handler = no_restart };
	struct tnl_policy was;
	struct tnl_event ev;
	unsigned int events = 0, suppressed = 0;
	struct vt_vm v;
	struct spin s;
	pthread_t t;
	struct call c;
	uint32_t id;
	time_t end;

	TEST_ASSERT(!tnl_get_policy(nl, &was), "GET_POLICY");
	TEST_ASSERT(!tnl_subscribe(nl), "subscribe: %s", tnl_last_error(nl));
	new_vm(&v, THINVM_DEV);
	id = id_of(&v);
	TEST_ASSERT(!enable_exit(&v, MAP_BIT, 0), "enable under the default ceiling");

	set_host(0, 0);
	TEST_ASSERT(ioctl(v.fd, KVM_CHECK_EXTENSION, KVM_CAP_EXIT_HYPERCALL) == 0,
		    "CHECK_EXTENSION follows the ceiling");
	TEST_ASSERT(enable_exit(&v, MAP_BIT, 0) == EPERM, "ENABLE_CAP above the ceiling");
	c = call(&v, MAP, 0x1000, 1, 0, 0);
	TEST_ASSERT(!c.exits && c.result == KVM_ENOSYS_64,
		    "enabled, ceiling lowered: %llu exits, %#llx", c.exits, c.result);

	/* Spin in refused hypercalls until the limiter's interval is over and
	 * an event counts the ones it left out: a few events, the rest counted. */
	sigaction(SIGUSR1, &sa, NULL);
	spin_start(&v, &s, &t);
	end = time(NULL) + 20;
	while (!(events && suppressed) && time(NULL) < end) {
		if (tnl_next_event(nl, &ev, 200) != 1 || ev.cmd != THINVM_CMD_HYPERCALL_REFUSED)
			continue;
		TEST_ASSERT(ev.vm.id == id && ev.hc.nr == MAP, "refusal event for VM %u nr %llu",
			    ev.vm.id, (unsigned long long)ev.hc.nr);
		events++;
		suppressed += ev.hc.suppressed;
	}
	pthread_kill(t, SIGUSR1);
	pthread_join(t, NULL);
	TEST_ASSERT(s.r == -1 && s.err == EINTR && v.run->exit_reason == KVM_EXIT_INTR,
		    "the signal did not stop KVM_RUN (%d, errno %d)", s.r, s.err);
	vt_log("%llu refused hypercalls: %u events, %u suppressed", spins(&v), events,
	       suppressed);
	TEST_ASSERT(events >= 1 && events <= 16 && suppressed > 0,
		    "rate limit: %u events, %u suppressed", events, suppressed);

	/* The default applies to VMs created after it... */
	set_host(MAP_BIT, 0);
	vt_vm_destroy(&v);
	new_vm(&v, THINVM_DEV);
	TEST_ASSERT(!enable_exit(&v, MAP_BIT, 0), "enable within the ceiling");
	c = call(&v, MAP, 0x1000, 1, 0, 0x77);
	TEST_ASSERT(!c.exits && c.result == KVM_ENOSYS_64, "default 0: %llu exits", c.exits);
	vt_vm_destroy(&v);
	/* ...and policy never makes an exit the VMM did not ask for. */
	set_host(MAP_BIT, MAP_BIT);
	new_vm(&v, THINVM_DEV);
	c = call(&v, MAP, 0x1000, 1, 0, 0x77);
	TEST_ASSERT(!c.exits && c.result == KVM_ENOSYS_64,
		    "an exit the VMM never asked for: %llu exits", c.exits);
	vt_vm_destroy(&v);

	set_host(was.hc_ceiling, was.hc_default);
}

static void check_mask_while_spinning(void)
{
	struct tnl_vm want = { 0 };
	unsigned long long before;
	struct vt_vm v;
	struct spin s;
	pthread_t t;
	struct timespec deadline;

	new_vm(&v, THINVM_DEV);
	TEST_ASSERT(!enable_exit(&v, MAP_BIT, 0), "enable");
	/* Policy keeps the exit in while the guest spins, then allows it. */
	want.id = id_of(&v);
	want.hc_exit_mask = 0;
	TEST_ASSERT(!tnl_set_vm_policy(nl, &want, TNL_VM_ID | TNL_VM_HC_EXIT_MASK, 0, NULL),
		    "VM policy: %s", tnl_last_error(nl));
	spin_start(&v, &s, &t);
	want.hc_exit_mask = MAP_BIT;
	before = spins(&v);
	TEST_ASSERT(!tnl_set_vm_policy(nl, &want, TNL_VM_ID | TNL_VM_HC_EXIT_MASK, 0, NULL),
		    "VM policy: %s", tnl_last_error(nl));
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 20;
	TEST_ASSERT(!pthread_timedjoin_np(t, NULL, &deadline),
		    "the guest kept spinning after its mask changed");
	TEST_ASSERT(s.r == 0 && v.run->exit_reason == KVM_EXIT_HYPERCALL &&
		    v.run->hypercall.nr == MAP, "KVM_RUN %d, exit %u", s.r, v.run->exit_reason);
	vt_log("mask set over netlink after %llu spins; the guest exited at spin %llu",
	       before, spins(&v));
	vt_vm_destroy(&v);
}

int main(void)
{
	struct outcome t, k;
	int r;

	vt_require_vcpus();
	if (vt_kvm_phase())
		goto compare;
	r = tnl_open(&nl);
	TEST_ASSERT(!r, "tnl_open: %s", strerror(-r));
	scenario(THINVM_DEV, &t);
	check_thinvm(&t);
	check_enforced_without_bit();
	check_ceiling_and_events();
	check_mask_while_spinning();
	tnl_close(nl);
	vt_save_outcome("hypercall_policy", &t, sizeof(t));
	return 0;

compare:
	vt_load_outcome("hypercall_policy", &t, sizeof(t));
	scenario("/dev/kvm", &k);
	check_thinvm(&k);	/* KVM passes the same checks... */
	TEST_ASSERT(!memcmp(&t, &k, sizeof(t)), "...and thinvm saw exactly what KVM saw");
	return 0;
}
