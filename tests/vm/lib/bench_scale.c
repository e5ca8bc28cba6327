// SPDX-License-Identifier: GPL-2.0
/*
 * Scale and policy measurements of make bench (bench_scale.h). VMs here are
 * created while another VM of the same device is alive (the caller holds
 * one), so what is timed is the VM itself, not the hypervisor turning
 * virtualization on and off in every CPU.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "bench_rows.h"
#include "bench_scale.h"
#include "thinvm_nl.h"
#include "vmtest.h"

#define MEM_SIZE 0x10000
#define MAP_BIT (1ULL << 12)
#define MAX_VCPUS 8

double bsc_create_destroy(const char *dev, unsigned int n, char *why, size_t why_size)
{
	int sys = open(dev, O_RDWR | O_CLOEXEC);
	double t0;

	TEST_ASSERT(sys >= 0, "open %s", dev);
	t0 = br_now_ns();
	for (unsigned int i = 0; i < n; i++) {
		int vm = ioctl(sys, KVM_CREATE_VM, 0);

		if (vm < 0) {
			snprintf(why, why_size, "KVM_CREATE_VM: %s", strerror(errno));
			close(sys);
			return 0;
		}
		close(vm);
	}
	t0 = br_now_ns() - t0;
	close(sys);
	return t0 / n;
}

double bsc_null_ioctl(const char *dev, unsigned int n)
{
	struct vt_vm v;
	double t0;

	/* A VM fd with a vCPU, as for the rows; the guest never runs (HLT). */
	vt_vm_create(&v, dev, MEM_SIZE, "\xf4", 1, VT_LONG64);
	t0 = br_now_ns();
	for (unsigned int i = 0; i < n; i++)
		TEST_ASSERT(ioctl(v.fd, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY) > 0,
			    "%s: KVM_CHECK_EXTENSION", dev);
	t0 = br_now_ns() - t0;
	vt_vm_destroy(&v);
	return t0 / n;
}

/*
 * MemFree in KiB, with every CPU's pending counter deltas folded in first
 * (vm.stat_refresh): otherwise small allocations show up a second later.
 */
static long mem_free_kib(void)
{
	char line[128];
	long kib = -1;
	FILE *f = fopen("/proc/sys/vm/stat_refresh", "w");

	if (f) {
		fputs("1\n", f);
		fclose(f);
	}
	f = fopen("/proc/meminfo", "r");

	TEST_ASSERT(f, "open /proc/meminfo");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %ld kB", &kib) == 1)
			break;
	fclose(f);
	TEST_ASSERT(kib >= 0, "no MemFree in /proc/meminfo");
	return kib;
}

double bsc_memory(const char *dev, unsigned int n, double *per_vcpu_kib, char *why,
		  size_t why_size)
{
	int sys = open(dev, O_RDWR | O_CLOEXEC), *vms = calloc(n, sizeof(int)),
	    *vcpus = calloc(n, sizeof(int));
	long before, with_vms, with_vcpus;
	double per_vm = 0;
	unsigned int made = 0, i;

	TEST_ASSERT(sys >= 0 && vms && vcpus, "open %s", dev);
	*per_vcpu_kib = 0;
	before = mem_free_kib();
	for (; made < n; made++) {
		vms[made] = ioctl(sys, KVM_CREATE_VM, 0);
		vcpus[made] = -1;
		if (vms[made] < 0) {
			snprintf(why, why_size, "VM %u: KVM_CREATE_VM: %s", made + 1,
				 strerror(errno));
			goto out;
		}
	}
	with_vms = mem_free_kib();
	for (i = 0; i < n; i++) {
		vcpus[i] = ioctl(vms[i], KVM_CREATE_VCPU, 0);
		if (vcpus[i] < 0) {
			snprintf(why, why_size, "KVM_CREATE_VCPU: %s", strerror(errno));
			goto out;
		}
	}
	with_vcpus = mem_free_kib();
	per_vm = (double)(before - with_vms) / n;
	*per_vcpu_kib = (double)(with_vms - with_vcpus) / n;
out:
	for (i = 0; i < made; i++) {
		if (vcpus[i] >= 0)
			close(vcpus[i]);
		close(vms[i]);
	}
	free(vms);
	free(vcpus);
	close(sys);
	return per_vm;
}

struct rate_vcpu {
	int fd;
	struct kvm_run *run;
	pthread_barrier_t *go;
	unsigned int iters;
	const char *dev;
	int err;		/* KVM_RUN's errno, or 0 */
	unsigned int exit;	/* its exit reason */
};

static void *rate_thread(void *arg)
{
	struct rate_vcpu *c = arg;
	struct kvm_regs regs;

	TEST_ASSERT(!ioctl(c->fd, KVM_GET_REGS, &regs), "GET_REGS");
	regs.r8 = c->iters;
	TEST_ASSERT(!ioctl(c->fd, KVM_SET_REGS, &regs), "SET_REGS");
	pthread_barrier_wait(c->go);
	/* Judged by the caller: a vCPU that goes wrong is a cell without a value. */
	c->err = ioctl(c->fd, KVM_RUN, 0) ? errno : 0;
	c->exit = c->run->exit_reason;
	return NULL;
}

double bsc_exit_rate(const char *dev, unsigned int vcpus, unsigned int iters, char *why,
		     size_t why_size)
{
	struct rate_vcpu c[MAX_VCPUS];
	pthread_t t[MAX_VCPUS];
	pthread_barrier_t go;
	const char *end, *code = br_guest(BR_HC_KERNEL, &end);
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct vt_vm v;
	double t0 = 0;
	unsigned int i, made = 1;

	TEST_ASSERT(vcpus >= 1 && vcpus <= MAX_VCPUS, "%u vCPUs", vcpus);
	vt_vm_create(&v, dev, MEM_SIZE, code, end - code, VT_LONG64);
	/* The others start as vCPU 0 does; the guest keeps nothing in memory. */
	TEST_ASSERT(!ioctl(v.vcpu, KVM_GET_SREGS, &sregs), "GET_SREGS");
	TEST_ASSERT(!ioctl(v.vcpu, KVM_GET_REGS, &regs), "GET_REGS");
	c[0] = (struct rate_vcpu){ .fd = v.vcpu, .run = v.run };
	for (; made < vcpus; made++) {
		c[made].fd = ioctl(v.fd, KVM_CREATE_VCPU, made);
		if (c[made].fd < 0) {
			snprintf(why, why_size, "vCPU %u: KVM_CREATE_VCPU: %s", made,
				 strerror(errno));
			goto out;
		}
		c[made].run = mmap(NULL, v.run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
				   c[made].fd, 0);
		TEST_ASSERT(c[made].run != MAP_FAILED, "mmap kvm_run");
		TEST_ASSERT(!ioctl(c[made].fd, KVM_SET_SREGS, &sregs), "SET_SREGS");
		TEST_ASSERT(!ioctl(c[made].fd, KVM_SET_REGS, &regs), "SET_REGS");
	}
	/* A warm-up pass on each vCPU fills the nested page tables. */
	for (i = 0; i < vcpus; i++) {
		struct vt_vm one = v;

		one.vcpu = c[i].fd;
		one.run = c[i].run;
		br_run_in_kernel(&one, 16);
	}
	pthread_barrier_init(&go, NULL, vcpus + 1);
	for (i = 0; i < vcpus; i++) {
		c[i].go = &go;
		c[i].iters = iters;
		c[i].dev = dev;
		TEST_ASSERT(!pthread_create(&t[i], NULL, rate_thread, &c[i]), "pthread_create");
	}
	pthread_barrier_wait(&go);
	t0 = br_now_ns();
	for (i = 0; i < vcpus; i++)
		pthread_join(t[i], NULL);
	t0 = br_now_ns() - t0;
	pthread_barrier_destroy(&go);
	for (i = 0; i < vcpus; i++)
		if (c[i].err || c[i].exit != KVM_EXIT_IO) {
			/* Seen on KVM under TCG with 2 CPUs: a shutdown (8). */
			snprintf(why, why_size, "vCPU %u of %u: KVM_RUN %s, exit %u", i, vcpus,
				 c[i].err ? strerror(c[i].err) : "returned", c[i].exit);
			t0 = 0;
			break;
		}
out:
	for (i = 1; i < made; i++) {
		munmap(c[i].run, v.run_size);
		close(c[i].fd);
	}
	vt_vm_destroy(&v);
	return t0 > 0 ? (double)vcpus * iters / t0 * 1e9 : 0;
}

struct push_run {
	struct vt_vm *v;
	double returned;
	int r;
};

static void *push_thread(void *arg)
{
	struct push_run *p = arg;

	p->r = ioctl(p->v->vcpu, KVM_RUN, 0);
	p->returned = br_now_ns();
	return NULL;
}

static void set_mask(struct tnl *nl, uint32_t id, unsigned long long mask)
{
	struct tnl_vm want = { .id = id, .hc_exit_mask = mask };

	TEST_ASSERT(!tnl_set_vm_policy(nl, &want, TNL_VM_ID | TNL_VM_HC_EXIT_MASK, 0, NULL),
		    "VM policy: %s", tnl_last_error(nl));
}

static unsigned long long spins(struct vt_vm *v)
{
	return __atomic_load_n((unsigned long long *)(v->mem + BR_SPIN_COUNT),
			       __ATOMIC_RELAXED);
}

double bsc_policy_push(char *why, size_t why_size)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_EXIT_HYPERCALL, .args = { MAP_BIT } };
	const char *end, *code = br_spin_guest(&end);
	struct push_run p = { 0 };
	unsigned long long seen;
	struct tnl *nl;
	struct vt_vm v;
	pthread_t t;
	uint32_t id;
	double sent;
	time_t deadline = time(NULL) + 30;
	int r = tnl_open(&nl);

	if (r) {
		snprintf(why, why_size, "netlink family thinvm: %s", strerror(-r));
		return 0;
	}
	vt_vm_create(&v, THINVM_DEV, MEM_SIZE, code, end - code, VT_LONG64);
	TEST_ASSERT(!ioctl(v.fd, KVM_ENABLE_CAP, &cap), "ENABLE_CAP: %s", strerror(errno));
	TEST_ASSERT(!ioctl(v.fd, THINVM_GET_VM_ID, &id), "THINVM_GET_VM_ID");
	set_mask(nl, id, 0);
	p.v = &v;
	TEST_ASSERT(!pthread_create(&t, NULL, push_thread, &p), "pthread_create");
	/* Spinning in the kernel for a while: the push then meets a busy vCPU. */
	for (seen = spins(&v); spins(&v) < seen + 200;)
		TEST_ASSERT(time(NULL) < deadline, "the guest does not spin (%llu)", spins(&v));
	sent = br_now_ns();
	set_mask(nl, id, MAP_BIT);
	pthread_join(t, NULL);
	TEST_ASSERT(!p.r && v.run->exit_reason == KVM_EXIT_HYPERCALL,
		    "KVM_RUN %d, exit %u after the mask was set", p.r, v.run->exit_reason);
	vt_vm_destroy(&v);
	tnl_close(nl);
	return p.returned - sent;
}
