// SPDX-License-Identifier: GPL-2.0
/*
 * The VMM behind vmctl run (run_vmm.h): plain KVM API, so the same code
 * runs on /dev/thinvm and /dev/kvm; thinvm's own ioctls only where thinvm
 * is what answers (naming the VM, its exit counts).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm_para.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "run_image.h"
#include "run_vmm.h"

#define KVM_API_VERSION_EXPECTED 12
#define KICK_SIGNAL SIGUSR1	/* interrupts KVM_RUN in a vCPU thread */
#define DONE_SIGNAL SIGUSR2	/* a vCPU thread tells the main thread it ended */

#define CR0_PE 0x1u
#define CR0_ET 0x10u		/* always 1 on anything since the 486 */
#define RFLAGS_FIXED 0x2u	/* bit 1 reads 1; IF (bit 9) stays clear */
#define CPUID1_EDX_HTT (1u << 28)	/* EBX[23:16] holds a CPU count */

static void kick_handler(int sig)
{
	(void)sig;	/* its only job is to make KVM_RUN return EINTR */
}

void run_vm_block_signals(void)
{
	struct sigaction sa = { .sa_handler = kick_handler };
	sigset_t set;

	/* No SA_RESTART: an interrupted KVM_RUN must come back to us. */
	sigemptyset(&sa.sa_mask);
	sigaction(KICK_SIGNAL, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, KICK_SIGNAL);
	sigaddset(&set, DONE_SIGNAL);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

static int failed(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A message on stderr, prefixed "vmctl: "; returns RUN_EXIT_FAILED. */
static int failed(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("vmctl: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return RUN_EXIT_FAILED;
}

/*
 * End the run with @code unless someone already did (the first reason
 * wins), and get every vCPU out of KVM_RUN for good. Called from any vCPU
 * thread and from the main thread.
 */
static void vm_stop(struct run_vm *vm, int code)
{
	int none = -1;

	if (!atomic_compare_exchange_strong(&vm->stop_code, &none, code))
		return;
	for (unsigned int i = 0; i < vm->ncpus; i++)
		__atomic_store_n(&vm->vcpus[i].run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	for (unsigned int i = 0; i < vm->ncpus; i++) {
		const struct run_vcpu *c = &vm->vcpus[i];

		if (c->thread_started && !pthread_equal(c->thread, pthread_self()))
			pthread_kill(c->thread, KICK_SIGNAL);
	}
}

static int open_device(struct run_vm *vm, const char *path)
{
	int version;

	vm->sys_fd = open(path, O_RDWR | O_CLOEXEC);
	if (vm->sys_fd < 0) {
		int e = errno;

		if (e == ENOENT && !strcmp(path, THINVM_DEVICE_PATH))
			return failed("%s: no such device: is the thinvm module loaded? (modprobe thinvm)",
				      path);
		if (e == EACCES || e == EPERM)
			return failed("%s: %s: running VMs needs root (or access to the device)",
				      path, strerror(e));
		return failed("%s: %s", path, strerror(e));
	}
	version = ioctl(vm->sys_fd, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION_EXPECTED)
		return failed("%s: not a KVM-API device (KVM_GET_API_VERSION: %s)", path,
			      version < 0 ? strerror(errno) : "not 12");
	return 0;
}

static int create_vm(struct run_vm *vm, const struct run_options *o)
{
	struct kvm_userspace_memory_region region;
	__u32 id;

	vm->fd = ioctl(vm->sys_fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0) {
		int e = errno;

		return failed("%s: KVM_CREATE_VM: %s%s", o->device, strerror(e),
			      e == EBUSY ? " (another hypervisor holds this CPU's virtualization, "
					   "or a CPU is incompatible: see vmctl status)" : "");
	}
	/* Only thinvm answers its own ioctl type; KVM says ENOTTY. */
	vm->is_thinvm = ioctl(vm->fd, THINVM_GET_VM_ID, &id) == 0;

	/* NORESERVE: a large --memory costs only what the guest touches. */
	vm->ram = mmap(NULL, o->memory, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->ram == MAP_FAILED) {
		vm->ram = NULL;
		return failed("cannot map %llu bytes of guest RAM: %s",
			      (unsigned long long)o->memory, strerror(errno));
	}
	vm->ram_size = o->memory;
	region = (struct kvm_userspace_memory_region){
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = o->memory,
		.userspace_addr = (uintptr_t)vm->ram,
	};
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region))
		return failed("%s: KVM_SET_USER_MEMORY_REGION (%llu bytes at 0): %s", o->device,
			      (unsigned long long)o->memory, strerror(errno));
	return 0;
}

static int name_vm(struct run_vm *vm, const char *name)
{
	struct thinvm_vm_name n = { { 0 } };

	if (!vm->is_thinvm)
		return failed("--name needs thinvm: %s does not name VMs (it is not /dev/thinvm)",
			      vm->opts->device);
	strncpy(n.name, name, sizeof(n.name) - 1);
	if (ioctl(vm->fd, THINVM_SET_VM_NAME, &n))
		return failed("%s: THINVM_SET_VM_NAME \"%s\": %s", vm->opts->device, name,
			      strerror(errno));
	return 0;
}

/*
 * Ask for KVM_HC_MAP_GPA_RANGE to exit to us if the device offers it. Not
 * getting it is no error: the guest then gets -KVM_ENOSYS from the kernel,
 * and one line says why, so that a transcript explains the guest's answer.
 */
static int enable_hypercall_exits(struct run_vm *vm)
{
	const uint64_t want = 1ull << KVM_HC_MAP_GPA_RANGE;
	struct kvm_enable_cap cap = { .cap = KVM_CAP_EXIT_HYPERCALL };
	int offered = ioctl(vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_EXIT_HYPERCALL);

	if (offered < 0)
		offered = 0;
	if (!(offered & want)) {
		fprintf(stderr,
			"vmctl: %s lets no map_gpa_range hypercall exit to a VMM "
			"(KVM_CAP_EXIT_HYPERCALL: 0x%x); the guest gets -KVM_ENOSYS from the kernel\n",
			vm->opts->device, offered);
		return 0;
	}
	cap.args[0] = want;
	if (ioctl(vm->fd, KVM_ENABLE_CAP, &cap)) {
		if (errno != EPERM)
			return failed("%s: KVM_ENABLE_CAP(KVM_CAP_EXIT_HYPERCALL, 0x%llx): %s",
				      vm->opts->device, (unsigned long long)want, strerror(errno));
		fprintf(stderr,
			"vmctl: hypercall exits refused by the host's policy ceiling "
			"(KVM_ENABLE_CAP: EPERM); going on without them: the guest's "
			"map_gpa_range gets -KVM_ENOSYS from the kernel\n");
		return 0;
	}
	return 0;
}

/* What the device offers, in a buffer grown until it fits. */
static struct kvm_cpuid2 *supported_cpuid(int sys_fd)
{
	for (unsigned int n = 64; n <= 4096; n *= 2) {
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));

		if (!c)
			return NULL;
		c->nent = n;
		if (!ioctl(sys_fd, KVM_GET_SUPPORTED_CPUID, c))
			return c;
		free(c);
		if (errno != E2BIG)
			return NULL;
	}
	errno = E2BIG;
	return NULL;
}

/*
 * The device's CPUID with this vCPU's identity: CPUID.1:EBX[31:24], the
 * initial APIC id, is the vCPU index, and EBX[23:16] the number of vCPUs
 * (with HTT, which says that field counts), so that a guest with no ACPI
 * tables can tell vCPUs apart and know how many there are. Where the
 * device has the x2APIC leaves (0xB, 0x1F), their id says the same.
 */
static int set_cpuid(struct run_vm *vm, struct run_vcpu *c, const struct kvm_cpuid2 *sup)
{
	size_t size = sizeof(*sup) + sup->nent * sizeof(sup->entries[0]);
	struct kvm_cpuid2 *mine = malloc(size);
	int r;

	if (!mine)
		return failed("out of memory");
	memcpy(mine, sup, size);
	for (unsigned int i = 0; i < mine->nent; i++) {
		struct kvm_cpuid_entry2 *e = &mine->entries[i];

		if (e->function == 1) {
			e->ebx = (e->ebx & 0xffff) | (c->index << 24) |
				 (vm->opts->cpus > 1 ? (vm->opts->cpus & 0xff) << 16 : 0);
			if (vm->opts->cpus > 1)
				e->edx |= CPUID1_EDX_HTT;
		} else if (e->function == 0xb || e->function == 0x1f) {
			e->edx = c->index;
		}
	}
	r = ioctl(c->fd, KVM_SET_CPUID2, mine);
	free(mine);
	if (r)
		return failed("%s: vCPU %u: KVM_SET_CPUID2: %s", vm->opts->device, c->index,
			      strerror(errno));
	return 0;
}

static int create_vcpus(struct run_vm *vm, const struct run_options *o)
{
	int max = ioctl(vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	struct kvm_cpuid2 *sup;
	int r = 0;

	/* 0 means the device would not say; KVM_CREATE_VCPU will. */
	if (max > 0 && o->cpus > (unsigned int)max)
		return failed("--cpus %u: %s allows at most %d vCPUs per VM", o->cpus, o->device, max);
	vm->run_size = ioctl(vm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm->run_size < (long)sizeof(struct kvm_run))
		return failed("%s: KVM_GET_VCPU_MMAP_SIZE: %s", o->device,
			      vm->run_size < 0 ? strerror(errno) : "too small");
	vm->vcpus = calloc(o->cpus, sizeof(*vm->vcpus));
	if (!vm->vcpus)
		return failed("out of memory");
	sup = supported_cpuid(vm->sys_fd);
	if (!sup)
		return failed("%s: KVM_GET_SUPPORTED_CPUID: %s", o->device, strerror(errno));

	for (unsigned int i = 0; i < o->cpus && !r; i++) {
		struct run_vcpu *c = &vm->vcpus[i];

		c->vm = vm;
		c->index = i;
		c->fd = ioctl(vm->fd, KVM_CREATE_VCPU, i);
		if (c->fd < 0) {
			r = failed("%s: KVM_CREATE_VCPU %u: %s", o->device, i, strerror(errno));
			break;
		}
		c->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, 0);
		if (c->run == MAP_FAILED) {
			c->run = NULL;
			close(c->fd);
			r = failed("%s: vCPU %u: mmap of kvm_run: %s", o->device, i, strerror(errno));
			break;
		}
		vm->ncpus++;
		r = set_cpuid(vm, c, sup);
	}
	free(sup);
	return r;
}

int run_vm_create(struct run_vm *vm, const struct run_options *o, int out_fd)
{
	int r;

	*vm = (struct run_vm){ .opts = o, .sys_fd = -1, .fd = -1 };
	atomic_init(&vm->stop_code, -1);
	atomic_init(&vm->finished, 0);
	pthread_mutex_init(&vm->lock, NULL);
	pthread_cond_init(&vm->released_cond, NULL);
	run_board_init(&vm->board, out_fd);

	r = open_device(vm, o->device);
	if (!r)
		r = create_vm(vm, o);
	if (!r && o->name)
		r = name_vm(vm, o->name);
	if (!r)
		r = create_vcpus(vm, o);
	/* After the vCPUs: a device that cannot run them says so first. */
	if (!r)
		r = enable_hypercall_exits(vm);
	return r;
}

static void flat_segment(struct kvm_segment *s, __u16 selector, __u8 type)
{
	*s = (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = selector, .type = type,
		.present = 1, .dpl = 0, .db = 1, .s = 1, .l = 0, .g = 1,
	};
}

int run_vm_boot(struct run_vm *vm, uint32_t entry, uint32_t mbi)
{
	for (unsigned int i = 0; i < vm->ncpus; i++) {
		const struct run_vcpu *c = &vm->vcpus[i];
		struct kvm_regs regs = {
			.rip = entry, .rflags = RFLAGS_FIXED,
			.rax = MULTIBOOT_BOOTLOADER_MAGIC, .rbx = mbi,
		};
		struct kvm_sregs sregs;

		if (ioctl(c->fd, KVM_GET_SREGS, &sregs))
			return failed("vCPU %u: KVM_GET_SREGS: %s", i, strerror(errno));
		/*
		 * Multiboot's machine state: flat 4 GiB code (0x08) and data
		 * (0x10) segments, CR0.PE on and paging off. The hidden parts
		 * are all that counts; there is no GDT until the guest makes one.
		 * CR0 is set whole so that CD/NW from reset do not leave the
		 * guest's memory uncached.
		 */
		flat_segment(&sregs.cs, 0x08, 0xb);	/* code, execute/read, accessed */
		flat_segment(&sregs.ds, 0x10, 0x3);	/* data, read/write, accessed */
		sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
		/*
		 * No descriptor tables until the guest loads its own: an
		 * exception before that is a triple fault, reported as one,
		 * rather than a jump through whatever lies at address 0.
		 */
		sregs.gdt = (struct kvm_dtable){ .base = 0, .limit = 0 };
		sregs.idt = (struct kvm_dtable){ .base = 0, .limit = 0 };
		sregs.cr0 = CR0_PE | CR0_ET;
		sregs.cr4 = 0;
		sregs.efer = 0;
		if (ioctl(c->fd, KVM_SET_SREGS, &sregs))
			return failed("vCPU %u: KVM_SET_SREGS: %s", i, strerror(errno));
		if (ioctl(c->fd, KVM_SET_REGS, &regs))
			return failed("vCPU %u: KVM_SET_REGS: %s", i, strerror(errno));
	}
	return 0;
}

static void answer_hypercall(struct run_vcpu *c)
{
	struct kvm_run *run = c->run;

	c->stats.hypercall++;
	if (run->hypercall.nr == KVM_HC_MAP_GPA_RANGE) {
		fprintf(stderr,
			"vmctl: hypercall map_gpa_range(gpa=0x%llx, pages=%llu, attrs=0x%llx) from vCPU %u: answered 0\n",
			(unsigned long long)run->hypercall.args[0],
			(unsigned long long)run->hypercall.args[1],
			(unsigned long long)run->hypercall.args[2], c->index);
		run->hypercall.ret = 0;
		return;
	}
	/* Only what we enabled exits; anything else would be the kernel's bug. */
	fprintf(stderr, "vmctl: hypercall %llu from vCPU %u: not one vmctl asked for: answered -KVM_ENOSYS\n",
		(unsigned long long)run->hypercall.nr, c->index);
	run->hypercall.ret = -(uint64_t)KVM_ENOSYS;
}

static const char *internal_error_name(__u32 suberror)
{
	switch (suberror) {
	case KVM_INTERNAL_ERROR_EMULATION:
		return "an instruction it could not emulate";
	case KVM_INTERNAL_ERROR_SIMUL_EX:
		return "an exception while delivering another";
	case KVM_INTERNAL_ERROR_DELIVERY_EV:
		return "an event it could not deliver";
	case KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON:
		return "a hardware exit it did not expect";
	default:
		return "a reason it did not name";
	}
}

static __u64 vcpu_rip(const struct run_vcpu *c)
{
	struct kvm_regs regs;

	return ioctl(c->fd, KVM_GET_REGS, &regs) ? ~0ull : regs.rip;
}

/* The exits that end the run: a message naming the exit, then 125. */
static void fatal_exit(struct run_vcpu *c)
{
	struct kvm_run *run = c->run;
	unsigned long long rip = vcpu_rip(c);

	switch (run->exit_reason) {
	case KVM_EXIT_SHUTDOWN:
		failed("vCPU %u: the guest triple-faulted (KVM_EXIT_SHUTDOWN), rip 0x%llx",
		       c->index, rip);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		failed("vCPU %u: the CPU refused to enter the guest (KVM_EXIT_FAIL_ENTRY, "
		       "hardware reason 0x%llx), rip 0x%llx", c->index,
		       (unsigned long long)run->fail_entry.hardware_entry_failure_reason, rip);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		failed("vCPU %u: the hypervisor met %s (KVM_EXIT_INTERNAL_ERROR, suberror %u), rip 0x%llx",
		       c->index, internal_error_name(run->internal.suberror),
		       run->internal.suberror, rip);
		break;
	default:
		failed("vCPU %u: exit reason %u, which vmctl does not handle, rip 0x%llx",
		       c->index, run->exit_reason, rip);
		break;
	}
	vm_stop(c->vm, RUN_EXIT_FAILED);
}

/* Run one vCPU until it halts or the run ends. */
static void vcpu_loop(struct run_vcpu *c)
{
	struct run_vm *vm = c->vm;
	struct kvm_run *run = c->run;

	while (atomic_load(&vm->stop_code) < 0) {
		if (ioctl(c->fd, KVM_RUN, 0)) {
			if (errno == EINTR || errno == EAGAIN) {
				c->stats.intr++;
				continue;	/* kicked: the loop checks why */
			}
			failed("vCPU %u: KVM_RUN: %s", c->index, strerror(errno));
			vm_stop(vm, RUN_EXIT_FAILED);
			return;
		}
		switch (run->exit_reason) {
		case KVM_EXIT_IO: {
			bool exit;
			uint8_t value;
			enum board_device d;

			d = run_board_pio(&vm->board, run->io.port,
					  run->io.direction == KVM_EXIT_IO_OUT, run->io.size,
					  run->io.count, (uint8_t *)run + run->io.data_offset,
					  &exit, &value);
			c->stats.io[d]++;
			if (exit)
				vm_stop(vm, value);
			break;
		}
		case KVM_EXIT_MMIO:
			/* No device lives outside RAM: reads float high, as on a bus. */
			c->stats.mmio++;
			if (!run->mmio.is_write)
				memset(run->mmio.data, 0xff, sizeof(run->mmio.data));
			break;
		case KVM_EXIT_HYPERCALL:
			answer_hypercall(c);
			break;
		case KVM_EXIT_HLT:
			/* Nothing on this board raises interrupts: a halted vCPU stays so. */
			c->stats.hlt++;
			return;
		default:
			fatal_exit(c);
			return;
		}
	}
}

static void *vcpu_thread(void *arg)
{
	struct run_vcpu *c = arg;
	struct run_vm *vm = c->vm;
	sigset_t kick;

	sigemptyset(&kick);
	sigaddset(&kick, KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &kick, NULL);

	/* Every thread exists before any vCPU runs, so a stop can kick them all. */
	pthread_mutex_lock(&vm->lock);
	while (!vm->released)
		pthread_cond_wait(&vm->released_cond, &vm->lock);
	pthread_mutex_unlock(&vm->lock);

	vcpu_loop(c);
	atomic_fetch_add(&vm->finished, 1);
	pthread_kill(vm->main_thread, DONE_SIGNAL);
	return NULL;
}

int run_vm_run(struct run_vm *vm)
{
	unsigned int started = 0;
	sigset_t wait;
	int code;

	vm->main_thread = pthread_self();
	run_board_start_clock(&vm->board);
	for (unsigned int i = 0; i < vm->ncpus; i++) {
		struct run_vcpu *c = &vm->vcpus[i];
		int e = pthread_create(&c->thread, NULL, vcpu_thread, c);

		if (e) {
			failed("cannot start the thread of vCPU %u: %s", i, strerror(e));
			vm_stop(vm, RUN_EXIT_FAILED);
			break;
		}
		c->thread_started = true;
		started++;
	}
	pthread_mutex_lock(&vm->lock);
	vm->released = true;
	pthread_cond_broadcast(&vm->released_cond);
	pthread_mutex_unlock(&vm->lock);

	sigemptyset(&wait);
	sigaddset(&wait, SIGINT);
	sigaddset(&wait, SIGTERM);
	sigaddset(&wait, DONE_SIGNAL);
	while (atomic_load(&vm->finished) < started) {
		int sig = sigwaitinfo(&wait, NULL);

		if (sig == SIGINT || sig == SIGTERM)
			vm_stop(vm, RUN_EXIT_SIGNAL);
	}
	for (unsigned int i = 0; i < vm->ncpus; i++) {
		struct run_vcpu *c = &vm->vcpus[i];

		if (c->thread_started)
			pthread_join(c->thread, NULL);
		if (vm->is_thinvm && !ioctl(c->fd, THINVM_GET_VCPU_STATS, &c->kstats))
			c->have_kstats = true;
	}
	code = atomic_load(&vm->stop_code);
	/* Nobody stopped the run: every vCPU halted, which is a normal end. */
	return code < 0 ? RUN_EXIT_OK : code;
}

static const char *kernel_exit_name(unsigned int reason)
{
	static const char *const names[] = {
		[THINVM_EXIT_STAT_INTERRUPT] = "interrupt",
		[THINVM_EXIT_STAT_IO] = "io",
		[THINVM_EXIT_STAT_HLT] = "hlt",
		[THINVM_EXIT_STAT_CPUID] = "cpuid",
		[THINVM_EXIT_STAT_MSR] = "msr",
		[THINVM_EXIT_STAT_HYPERCALL] = "hypercall",
		[THINVM_EXIT_STAT_NPF] = "nested-page-fault",
		[THINVM_EXIT_STAT_SHUTDOWN] = "shutdown",
		[THINVM_EXIT_STAT_FAIL_ENTRY] = "fail-entry",
		[THINVM_EXIT_STAT_OTHER] = "other",
		[THINVM_EXIT_STAT_CR_DR] = "cr-dr",
		[THINVM_EXIT_STAT_EXCEPTION] = "exception",
	};

	return reason < sizeof(names) / sizeof(names[0]) && names[reason] ? names[reason] : NULL;
}

void run_vm_print_stats(const struct run_vm *vm, FILE *out)
{
	for (unsigned int i = 0; i < vm->ncpus; i++) {
		const struct run_vcpu *c = &vm->vcpus[i];
		const struct run_vcpu_stats *s = &c->stats;
		uint64_t total = s->mmio + s->hlt + s->hypercall;

		for (int d = 0; d < BOARD_DEV_NR; d++)
			total += s->io[d];
		fprintf(out, "vmctl: vCPU %u: %llu exits to vmctl: io %llu (serial %llu, clock %llu, "
			"debug-exit %llu, other ports %llu), mmio %llu, hlt %llu, hypercall %llu; "
			"KVM_RUN interrupted %llu times\n", i, (unsigned long long)total,
			(unsigned long long)(s->io[BOARD_DEV_SERIAL] + s->io[BOARD_DEV_CLOCK] +
					     s->io[BOARD_DEV_DEBUG_EXIT] + s->io[BOARD_DEV_NONE]),
			(unsigned long long)s->io[BOARD_DEV_SERIAL],
			(unsigned long long)s->io[BOARD_DEV_CLOCK],
			(unsigned long long)s->io[BOARD_DEV_DEBUG_EXIT],
			(unsigned long long)s->io[BOARD_DEV_NONE],
			(unsigned long long)s->mmio, (unsigned long long)s->hlt,
			(unsigned long long)s->hypercall, (unsigned long long)s->intr);
		if (!c->have_kstats)
			continue;
		/* Exits thinvm handled itself (CPUID, most hypercalls) show only here. */
		fprintf(out, "vmctl: vCPU %u: %llu exits in all (thinvm):", i,
			(unsigned long long)c->kstats.exits);
		for (unsigned int r = 0; r < THINVM_EXIT_STAT_NR; r++) {
			const char *name = kernel_exit_name(r);

			if (!c->kstats.by_reason[r])
				continue;
			if (name)
				fprintf(out, " %s %llu", name,
					(unsigned long long)c->kstats.by_reason[r]);
			else
				fprintf(out, " reason-%u %llu", r,
					(unsigned long long)c->kstats.by_reason[r]);
		}
		fputc('\n', out);
	}
}

void run_vm_destroy(struct run_vm *vm)
{
	for (unsigned int i = 0; i < vm->ncpus; i++) {
		if (vm->vcpus[i].run)
			munmap(vm->vcpus[i].run, vm->run_size);
		close(vm->vcpus[i].fd);
	}
	free(vm->vcpus);
	if (vm->ram)
		munmap(vm->ram, vm->ram_size);
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->sys_fd >= 0)
		close(vm->sys_fd);
	pthread_cond_destroy(&vm->released_cond);
	pthread_mutex_destroy(&vm->lock);
	*vm = (struct run_vm){ .sys_fd = -1, .fd = -1 };
}
