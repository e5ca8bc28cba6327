// SPDX-License-Identifier: GPL-2.0
/*
 * The VM and vCPU ioctls, run on /dev/thinvm and on /dev/kvm (the oracle):
 * memory-slot rules, vCPU creation, the registers a new vCPU starts with,
 * immediate_exit, and use from another process. Both must answer alike.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmtest.h"

#define MB (1ul << 20)

const bool vt_compares_with_kvm = true;

struct outcome {
	int slot_rc[8];
	int vcpu_twice;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	int immediate_exit_rc, immediate_exit_reason;
	int child_rc;
};

static int slot(int vm, unsigned int id, unsigned int flags, unsigned long gpa,
		unsigned long size, void *hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = id, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = (unsigned long)hva,
	};

	return ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r) ? -errno : 0;
}

static void scenario(const char *dev, struct outcome *o)
{
	int sys = open(dev, O_RDWR), vm, vcpu, status;
	char *mem = mmap(NULL, 4 * MB, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct kvm_run *run;
	long run_size;
	pid_t pid;

	TEST_ASSERT(sys >= 0 && mem != MAP_FAILED, "%s: setup", dev);
	vm = ioctl(sys, KVM_CREATE_VM, 0);
	TEST_ASSERT(vm >= 0, "%s: KVM_CREATE_VM", dev);
	memset(o, 0, sizeof(*o));
	o->slot_rc[0] = slot(vm, 0, 0, 0, MB, mem);
	o->slot_rc[1] = slot(vm, 1, 0, MB / 2, MB, mem + MB);	/* overlap */
	o->slot_rc[2] = slot(vm, 1, 0, 2 * MB, MB + 1, mem + MB); /* size */
	o->slot_rc[3] = slot(vm, 1, 0, 2 * MB, MB, mem + MB + 8); /* hva */
	o->slot_rc[4] = slot(vm, 2, 0, 0, 0, NULL);		/* delete none */
	o->slot_rc[5] = slot(vm, 0, 0, 0, 2 * MB, mem);		/* resize */
	o->slot_rc[6] = slot(vm, 1, KVM_MEM_READONLY, 2 * MB, MB, mem + MB);
	o->slot_rc[7] = slot(vm, 1, 0, 2 * MB, 0, NULL);	/* delete */

	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	TEST_ASSERT(vcpu >= 0, "%s: KVM_CREATE_VCPU", dev);
	o->vcpu_twice = ioctl(vm, KVM_CREATE_VCPU, 0) < 0 ? -errno : 0;
	TEST_ASSERT(!ioctl(vcpu, KVM_GET_REGS, &o->regs), "%s: GET_REGS", dev);
	TEST_ASSERT(!ioctl(vcpu, KVM_GET_SREGS, &o->sregs), "%s: GET_SREGS", dev);

	run_size = ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0);
	run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	TEST_ASSERT(run != MAP_FAILED, "%s: mmap vCPU", dev);
	run->immediate_exit = 1;
	o->immediate_exit_rc = ioctl(vcpu, KVM_RUN, 0) < 0 ? -errno : 0;
	o->immediate_exit_reason = run->exit_reason;

	/* A forked child shares the fds but not the VM's mm. */
	pid = fork();
	TEST_ASSERT(pid >= 0, "fork");
	if (!pid) {
		struct kvm_regs r;

		_exit(ioctl(vcpu, KVM_GET_REGS, &r) < 0 && errno == EIO &&
		      slot(vm, 3, 0, 3 * MB, MB, mem) == -EIO ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	o->child_rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;

	/* The vCPU fd keeps the VM alive after the VM fd closes. */
	close(vm);
	TEST_ASSERT(!ioctl(vcpu, KVM_GET_REGS, &o->regs), "%s: vCPU after VM close", dev);
	/* The mapping holds the vCPU, and so the VM, as long as it exists. */
	munmap(run, run_size);
	close(vcpu);
	close(sys);
	munmap(mem, 4 * MB);
}

static void expect_same_segment(const char *name, const struct kvm_segment *t,
				const struct kvm_segment *k)
{
	errno = 0;
	TEST_ASSERT(!memcmp(t, k, sizeof(*t)),
		    "%s differs: thinvm base %llx limit %x sel %x type %u s %u dpl %u p %u db %u l %u g %u unusable %u; "
		    "KVM base %llx limit %x sel %x type %u s %u dpl %u p %u db %u l %u g %u unusable %u",
		    name, t->base, t->limit, t->selector, t->type, t->s, t->dpl, t->present, t->db, t->l, t->g, t->unusable,
		    k->base, k->limit, k->selector, k->type, k->s, k->dpl, k->present, k->db, k->l, k->g, k->unusable);
}

int main(void)
{
	struct outcome t, k;

	if (!vt_kvm_phase()) {
		scenario(THINVM_DEV, &t);
		TEST_ASSERT(t.child_rc == 0, "a forked child could use the VM (EIO expected)");
		TEST_ASSERT(t.immediate_exit_rc == -EINTR &&
			    t.immediate_exit_reason == KVM_EXIT_INTR,
			    "immediate_exit: rc %d reason %d", t.immediate_exit_rc,
			    t.immediate_exit_reason);
		vt_save_outcome("vcpu_abi", &t, sizeof(t));
		return 0;
	}
	vt_load_outcome("vcpu_abi", &t, sizeof(t));
	scenario("/dev/kvm", &k);

	for (int i = 0; i < 8; i++) {
		errno = 0;
		TEST_ASSERT(t.slot_rc[i] == k.slot_rc[i],
			    "memslot case %d: thinvm %d, KVM %d", i, t.slot_rc[i], k.slot_rc[i]);
	}
	TEST_ASSERT(t.vcpu_twice == k.vcpu_twice, "second vCPU 0: thinvm %d, KVM %d",
		    t.vcpu_twice, k.vcpu_twice);
	TEST_ASSERT(!memcmp(&t.regs, &k.regs, sizeof(t.regs)),
		    "reset registers differ: rip %llx/%llx rflags %llx/%llx rdx %llx/%llx",
		    t.regs.rip, k.regs.rip, t.regs.rflags, k.regs.rflags, t.regs.rdx, k.regs.rdx);
	expect_same_segment("cs", &t.sregs.cs, &k.sregs.cs);
	expect_same_segment("ds", &t.sregs.ds, &k.sregs.ds);
	expect_same_segment("ss", &t.sregs.ss, &k.sregs.ss);
	expect_same_segment("tr", &t.sregs.tr, &k.sregs.tr);
	expect_same_segment("ldt", &t.sregs.ldt, &k.sregs.ldt);
	TEST_ASSERT(t.sregs.cr0 == k.sregs.cr0 && t.sregs.cr4 == k.sregs.cr4 &&
		    t.sregs.efer == k.sregs.efer && t.sregs.apic_base == k.sregs.apic_base,
		    "control registers: cr0 %llx/%llx cr4 %llx/%llx efer %llx/%llx apic_base %llx/%llx",
		    t.sregs.cr0, k.sregs.cr0, t.sregs.cr4, k.sregs.cr4, t.sregs.efer,
		    k.sregs.efer, t.sregs.apic_base, k.sregs.apic_base);
	TEST_ASSERT(t.sregs.gdt.limit == k.sregs.gdt.limit && t.sregs.idt.limit == k.sregs.idt.limit,
		    "descriptor tables differ");
	TEST_ASSERT(k.child_rc == 0 && k.immediate_exit_rc == t.immediate_exit_rc,
		    "KVM answered the fork/immediate_exit cases differently");
	return 0;
}
