// SPDX-License-Identifier: GPL-2.0
/*
 * Four vCPUs of one VM running at once, each counting in its own word of
 * shared guest memory; a second VM running beside them; 24 vCPUs at once
 * (more than the emulated CPU has ASIDs); and a signal that
 * interrupts a vCPU spinning in the guest (KVM_RUN fails EINTR with
 * KVM_EXIT_INTR, and the vCPU runs on afterwards). Run on /dev/thinvm and,
 * when present, /dev/kvm.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "vmtest.h"

const bool vt_compares_with_kvm = true;

#define MEM_SIZE 0x10000
#define CODE 0x1000
#define COUNTERS 0x2000
#define LOOPS 20000
#define NR_VCPUS 4
/* More vCPUs than QEMU's SVM has ASIDs (16): they must share them. */
#define MANY_VCPUS 24

/* Real mode: add 1 to the word at EBX, ECX times, then halt. */
asm(".pushsection .rodata\n"
    ".globl count_guest, count_guest_end, spin_guest, spin_guest_end\n"
    "count_guest:\n"
    ".code16\n"
    "1:	incl (%ebx)\n"
    "	dec %ecx\n"
    "	jnz 1b\n"
    "	hlt\n"
    "count_guest_end:\n"
    "spin_guest:\n"
    /* IF=1, though nothing is injected: Bochs (lane 2) re-evaluates
     * interrupt masking at VM entry only when RFLAGS.IF changes, so a
     * guest entered with IF=0 that never exits would hold off the
     * host's interrupts, and its kick, for good (tests/vm/bochs/README.md). */
    "	sti\n"
    "2:	jmp 2b\n"
    "spin_guest_end:\n"
    ".code64\n"
    ".popsection\n");
extern const char count_guest[], count_guest_end[], spin_guest[], spin_guest_end[];

struct vm {
	int sys, fd;
	unsigned char *mem;
	long run_size;
};

struct vcpu {
	struct vm *vm;
	int fd, id;
	struct kvm_run *run;
	pthread_t thread;
	int rc, exit_reason;
};

static void vm_open(struct vm *vm, const char *dev, const char *code, size_t len)
{
	struct kvm_userspace_memory_region region = { .memory_size = MEM_SIZE };

	vm->sys = open(dev, O_RDWR);
	TEST_ASSERT(vm->sys >= 0, "open %s", dev);
	vm->fd = ioctl(vm->sys, KVM_CREATE_VM, 0);
	TEST_ASSERT(vm->fd >= 0, "%s: KVM_CREATE_VM", dev);
	vm->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(vm->mem != MAP_FAILED, "mmap");
	memcpy(vm->mem + CODE, code, len);
	region.userspace_addr = (unsigned long)vm->mem;
	TEST_ASSERT(!ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region), "slot");
	vm->run_size = ioctl(vm->sys, KVM_GET_VCPU_MMAP_SIZE, 0);
}

static void vm_close(struct vm *vm)
{
	munmap(vm->mem, MEM_SIZE);
	close(vm->fd);
	close(vm->sys);
}

static void vcpu_open(struct vcpu *v, struct vm *vm, int id, int loops)
{
	struct kvm_regs regs = {
		.rip = CODE, .rflags = 2,
		.rbx = COUNTERS + 4 * id, .rcx = loops,
	};
	struct kvm_sregs sregs;

	v->vm = vm;
	v->id = id;
	v->fd = ioctl(vm->fd, KVM_CREATE_VCPU, id);
	TEST_ASSERT(v->fd >= 0, "KVM_CREATE_VCPU %d", id);
	v->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      v->fd, 0);
	TEST_ASSERT(v->run != MAP_FAILED, "mmap kvm_run");
	TEST_ASSERT(!ioctl(v->fd, KVM_GET_SREGS, &sregs), "GET_SREGS");
	sregs.cs.base = sregs.cs.selector = 0;
	TEST_ASSERT(!ioctl(v->fd, KVM_SET_SREGS, &sregs), "SET_SREGS");
	TEST_ASSERT(!ioctl(v->fd, KVM_SET_REGS, &regs), "SET_REGS");
}

static void vcpu_close(struct vcpu *v)
{
	munmap(v->run, v->vm->run_size);
	close(v->fd);
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;

	v->rc = ioctl(v->fd, KVM_RUN, 0) ? -errno : 0;
	v->exit_reason = v->run->exit_reason;
	return NULL;
}

static void on_signal(int sig)
{
	(void)sig;
}

static void check_parallel(const char *dev)
{
	struct vcpu v[NR_VCPUS], other;
	struct vm vm, vm2;
	int i;

	vm_open(&vm, dev, count_guest, count_guest_end - count_guest);
	vm_open(&vm2, dev, count_guest, count_guest_end - count_guest);
	for (i = 0; i < NR_VCPUS; i++)
		vcpu_open(&v[i], &vm, i, LOOPS);
	vcpu_open(&other, &vm2, 0, LOOPS);
	for (i = 0; i < NR_VCPUS; i++)
		TEST_ASSERT(!pthread_create(&v[i].thread, NULL, vcpu_thread, &v[i]),
			    "pthread_create");
	TEST_ASSERT(!pthread_create(&other.thread, NULL, vcpu_thread, &other),
		    "pthread_create");
	for (i = 0; i < NR_VCPUS; i++) {
		unsigned int count;

		pthread_join(v[i].thread, NULL);
		memcpy(&count, vm.mem + COUNTERS + 4 * i, 4);
		errno = 0;
		TEST_ASSERT(v[i].rc == 0 && v[i].exit_reason == KVM_EXIT_HLT &&
			    count == LOOPS,
			    "%s: vCPU %d: rc %d exit %d count %u", dev, i,
			    v[i].rc, v[i].exit_reason, count);
		vcpu_close(&v[i]);
	}
	pthread_join(other.thread, NULL);
	TEST_ASSERT(other.rc == 0 && other.exit_reason == KVM_EXIT_HLT,
		    "%s: the second VM's vCPU: rc %d exit %d", dev, other.rc,
		    other.exit_reason);
	vcpu_close(&other);
	vm_close(&vm);
	vm_close(&vm2);
}

static void check_many(const char *dev)
{
	static struct vcpu v[MANY_VCPUS];
	struct vm vm;
	int i;

	vm_open(&vm, dev, count_guest, count_guest_end - count_guest);
	for (i = 0; i < MANY_VCPUS; i++)
		vcpu_open(&v[i], &vm, i, 100);
	for (i = 0; i < MANY_VCPUS; i++)
		TEST_ASSERT(!pthread_create(&v[i].thread, NULL, vcpu_thread, &v[i]),
			    "pthread_create");
	for (i = 0; i < MANY_VCPUS; i++) {
		unsigned int count;

		pthread_join(v[i].thread, NULL);
		memcpy(&count, vm.mem + COUNTERS + 4 * i, 4);
		errno = 0;
		TEST_ASSERT(v[i].rc == 0 && v[i].exit_reason == KVM_EXIT_HLT &&
			    count == 100, "%s: vCPU %d of %d: rc %d exit %d count %u",
			    dev, i, MANY_VCPUS, v[i].rc, v[i].exit_reason, count);
		vcpu_close(&v[i]);
	}
	vm_close(&vm);
}

static void check_signal(const char *dev)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct timespec pause = { 0, 50 * 1000 * 1000 };
	struct vcpu v;
	struct vm vm;

	sigaction(SIGUSR1, &sa, NULL);
	vm_open(&vm, dev, spin_guest, spin_guest_end - spin_guest);
	vcpu_open(&v, &vm, 0, 0);
	for (int round = 0; round < 2; round++) {
		TEST_ASSERT(!pthread_create(&v.thread, NULL, vcpu_thread, &v),
			    "pthread_create");
		nanosleep(&pause, NULL);
		pthread_kill(v.thread, SIGUSR1);
		pthread_join(v.thread, NULL);
		errno = 0;
		TEST_ASSERT(v.rc == -EINTR && v.exit_reason == KVM_EXIT_INTR,
			    "%s: signal round %d: rc %d exit %d", dev, round,
			    v.rc, v.exit_reason);
	}
	vcpu_close(&v);
	vm_close(&vm);
}

int main(void)
{
	bool passed = true;

	vt_require_vcpus();
	if (!vt_kvm_phase()) {
		check_parallel(THINVM_DEV);
		check_many(THINVM_DEV);
		check_signal(THINVM_DEV);
		vt_expect_virt(false, "after all VMs closed");
		vt_save_outcome("parallel", &passed, sizeof(passed));
		return 0;
	}
	/* The same expectations hold on KVM, once they held on thinvm. */
	vt_load_outcome("parallel", &passed, sizeof(passed));
	check_parallel("/dev/kvm");
	check_many("/dev/kvm");
	check_signal("/dev/kvm");
	return 0;
}
