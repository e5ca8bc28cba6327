// A VMM written only against <linux/kvm.h>: runs a real-mode guest that
// prints "hello" on port 0x3f8 and halts. Usage: hello [/dev/thinvm|/dev/kvm]
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
int main(int argc, char **argv) {
	static const unsigned char code[] = { 0xba, 0xf8, 0x03, /* mov $0x3f8,%dx */
		0xb0, 'h', 0xee, 0xb0, 'e', 0xee, 0xb0, 'l', 0xee, /* mov $c,%al; out %al,(%dx) */
		0xb0, 'l', 0xee, 0xb0, 'o', 0xee, 0xb0, '\n', 0xee, 0xf4 /* hlt */ };
	int dev = open(argc > 1 ? argv[1] : "/dev/thinvm", O_RDWR), vm = ioctl(dev, KVM_CREATE_VM, 0);
	unsigned char *mem = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct kvm_userspace_memory_region region = { .memory_size = 0x10000, .userspace_addr = (unsigned long)mem };
	struct kvm_sregs sregs; struct kvm_regs regs = { .rip = 0x1000, .rflags = 2 };
	memcpy(mem + 0x1000, code, sizeof(code));
	ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region);
	int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	struct kvm_run *run = mmap(NULL, ioctl(dev, KVM_GET_VCPU_MMAP_SIZE, 0), PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	ioctl(vcpu, KVM_GET_SREGS, &sregs); sregs.cs.base = sregs.cs.selector = 0;
	ioctl(vcpu, KVM_SET_SREGS, &sregs); ioctl(vcpu, KVM_SET_REGS, &regs);
	while (ioctl(vcpu, KVM_RUN, 0) == 0 && run->exit_reason == KVM_EXIT_IO)
		putchar(*((char *)run + run->io.data_offset));
	return run->exit_reason == KVM_EXIT_HLT ? 0 : 1;
}
