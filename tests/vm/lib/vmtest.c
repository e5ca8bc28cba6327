// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmtest.h"

#define MSR_EFER 0xc0000080
#define EFER_SVME (1ULL << 12)

void vt_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	printf("%s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (errno)
		printf(" (errno %d, %s)", errno, strerror(errno));
	printf("\n");
	exit(1);
}

void vt_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(KSFT_SKIP);
}

void vt_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

void vt_read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	TEST_ASSERT(f, "cannot open %s", path);
	if (!fgets(buf, (int)size, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}

struct cpuset vt_read_cpulist(const char *path)
{
	struct cpuset set;
	char buf[4096];

	vt_read_line(path, buf, sizeof(buf));
	errno = 0;
	TEST_ASSERT(!cpulist_parse(buf, &set), "%s: not a cpulist: \"%s\"",
		    path, buf);
	return set;
}

struct cpuset vt_online_cpus(void)
{
	return vt_read_cpulist("/sys/devices/system/cpu/online");
}

struct cpuset vt_enabled_cpus(void)
{
	return vt_read_cpulist(THINVM_SYSFS "/enabled_cpus");
}

struct cpuset vt_hw_enabled_cpus(void)
{
	return vt_read_cpulist(THINVM_DEBUGFS "/hw_enabled_cpus");
}

const char *vt_vendor(void)
{
	static char vendor[16];

	if (!vendor[0])
		vt_read_line(THINVM_SYSFS "/vendor", vendor, sizeof(vendor));
	return vendor;
}

/* EFER.SVME of @cpu through msr.ko: -1 if that path is not available. */
static int msr_svme(unsigned int cpu)
{
	char path[64];
	uint64_t efer;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/dev/cpu/%u/msr", cpu);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = pread(fd, &efer, sizeof(efer), MSR_EFER);
	close(fd);
	if (n != sizeof(efer))
		return -1;
	return !!(efer & EFER_SVME);
}

static void expect_set(const char *source, const struct cpuset *got,
		       const struct cpuset *want, const char *what)
{
	char g[256], w[256];

	if (cpuset_equal(got, want))
		return;
	cpulist_format(got, g, sizeof(g));
	cpulist_format(want, w, sizeof(w));
	errno = 0;
	vt_fail(__FILE__, __LINE__, "%s: %s says CPUs \"%s\", expected \"%s\"",
		what, source, g, w);
}

void vt_expect_virt(bool on, const char *what)
{
	struct cpuset online = vt_online_cpus(), none = { 0 };
	const struct cpuset *want = on ? &online : &none;
	struct cpuset got;

	got = vt_enabled_cpus();
	expect_set(THINVM_SYSFS "/enabled_cpus", &got, want, what);
	got = vt_hw_enabled_cpus();
	expect_set("the hardware (debugfs hw_enabled_cpus)", &got, want, what);
	if (strcmp(vt_vendor(), "svm"))
		return;
	for (unsigned int cpu = 0; cpu < CPULIST_MAX_CPUS; cpu++) {
		int svme;

		if (!cpuset_has(&online, cpu))
			continue;
		svme = msr_svme(cpu);
		if (svme < 0)
			return;
		errno = 0;
		TEST_ASSERT(svme == on, "%s: EFER.SVME of CPU%u read via msr.ko is %d",
			    what, cpu, svme);
	}
}

int vt_create_vm(const char *dev)
{
	int sys = open(dev, O_RDWR | O_CLOEXEC), vm;

	TEST_ASSERT(sys >= 0, "open %s", dev);
	vm = ioctl(sys, KVM_CREATE_VM, 0);
	TEST_ASSERT(vm >= 0, "KVM_CREATE_VM on %s", dev);
	close(sys);
	return vm;
}

#define PML4 0x3000
#define PDPT 0x4000
#define PD 0x5000

static void set_mode(struct vt_vm *vm, enum vt_mode mode)
{
	struct kvm_segment code = {
		.limit = 0xffffffff, .selector = 8, .type = 0xb, .present = 1,
		.s = 1, .db = mode == VT_PROT32, .l = mode == VT_LONG64, .g = 1,
	}, data = {
		.limit = 0xffffffff, .selector = 16, .type = 0x3, .present = 1,
		.s = 1, .db = 1, .g = 1,
	};
	struct kvm_sregs sregs;

	TEST_ASSERT(!ioctl(vm->vcpu, KVM_GET_SREGS, &sregs), "%s: KVM_GET_SREGS", vm->dev);
	if (mode == VT_REAL) {
		sregs.cs.base = sregs.cs.selector = 0;
	} else {
		sregs.cs = code;
		sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = data;
		sregs.cr0 = 0x11;			/* PE, ET */
	}
	if (mode == VT_LONG64) {
		unsigned long long *pml4 = (void *)(vm->mem + PML4);
		unsigned long long *pdpt = (void *)(vm->mem + PDPT);
		unsigned long long *pd = (void *)(vm->mem + PD);

		pml4[0] = PDPT | 3;			/* present, writable */
		pdpt[0] = PD | 3;
		pd[0] = 0x83;				/* a 2 MiB page at 0 */
		sregs.cr0 |= 1ull << 31;		/* PG */
		sregs.cr3 = PML4;
		sregs.cr4 = 1 << 5;			/* PAE */
		sregs.efer = 0x500;			/* LME, LMA */
	}
	TEST_ASSERT(!ioctl(vm->vcpu, KVM_SET_SREGS, &sregs), "%s: KVM_SET_SREGS", vm->dev);
}

void vt_vm_create(struct vt_vm *vm, const char *dev, size_t mem_size,
		  const void *code, size_t len, enum vt_mode mode)
{
	struct kvm_userspace_memory_region region = { .memory_size = mem_size };
	struct kvm_regs regs = { .rip = VT_CODE, .rflags = 2 };

	*vm = (struct vt_vm){ .dev = dev, .mem_size = mem_size };
	vm->sys = open(dev, O_RDWR | O_CLOEXEC);
	TEST_ASSERT(vm->sys >= 0, "open %s", dev);
	vm->fd = ioctl(vm->sys, KVM_CREATE_VM, 0);
	TEST_ASSERT(vm->fd >= 0, "%s: KVM_CREATE_VM", dev);
	vm->mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(vm->mem != MAP_FAILED, "mmap guest memory");
	TEST_ASSERT(VT_CODE + len <= mem_size, "test code too large");
	memcpy(vm->mem + VT_CODE, code, len);
	region.userspace_addr = (unsigned long)vm->mem;
	TEST_ASSERT(!ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region),
		    "%s: KVM_SET_USER_MEMORY_REGION", dev);
	vm->vcpu = ioctl(vm->fd, KVM_CREATE_VCPU, 0);
	TEST_ASSERT(vm->vcpu >= 0, "%s: KVM_CREATE_VCPU", dev);
	vm->run_size = ioctl(vm->sys, KVM_GET_VCPU_MMAP_SIZE, 0);
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vcpu, 0);
	TEST_ASSERT(vm->run != MAP_FAILED, "%s: mmap kvm_run", dev);
	set_mode(vm, mode);
	TEST_ASSERT(!ioctl(vm->vcpu, KVM_SET_REGS, &regs), "%s: KVM_SET_REGS", dev);
}

void vt_vm_destroy(struct vt_vm *vm)
{
	/* The mapping holds the vCPU, and so the VM, as long as it exists. */
	munmap(vm->run, vm->run_size);
	munmap(vm->mem, vm->mem_size);
	close(vm->vcpu);
	close(vm->fd);
	close(vm->sys);
}

/* Tests that do not compare with KVM leave this false. */
__attribute__((weak)) const bool vt_compares_with_kvm;

bool vt_kvm_phase(void)
{
	const char *phase = getenv("VT_PHASE");

	return phase && !strcmp(phase, "kvm");
}

__attribute__((constructor)) static void skip_kvm_phase(void)
{
	if (vt_kvm_phase() && !vt_compares_with_kvm)
		exit(VT_NO_KVM_PHASE);
}

static void outcome_path(const char *name, char *path, size_t size)
{
	const char *dir = getenv("VT_OUTCOME_DIR");

	snprintf(path, size, "%s/%s", dir ? dir : "/tmp", name);
}

void vt_save_outcome(const char *name, const void *outcome, size_t size)
{
	char path[512];
	FILE *f;

	outcome_path(name, path, sizeof(path));
	f = fopen(path, "w");
	TEST_ASSERT(f && fwrite(outcome, size, 1, f) == 1 && !fclose(f),
		    "saving the outcome to %s", path);
}

void vt_load_outcome(const char *name, void *outcome, size_t size)
{
	char path[512];
	FILE *f;

	outcome_path(name, path, sizeof(path));
	f = fopen(path, "r");
	TEST_REQUIRE(f, "nothing to compare with: the thinvm phase of this test failed or was skipped (no %s)",
		     path);
	TEST_ASSERT(fread(outcome, size, 1, f) == 1, "reading %s", path);
	fclose(f);
}

const char *vt_sibling(const char *name)
{
	static char path[4096];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	char *slash;

	TEST_ASSERT(n > 0, "readlink /proc/self/exe");
	path[n] = '\0';
	slash = strrchr(path, '/');
	TEST_ASSERT(slash && (size_t)(slash - path) + strlen(name) + 2 < sizeof(path),
		    "path too long");
	strcpy(slash + 1, name);
	return path;
}

void vt_set_cpl3(struct vt_vm *vm)
{
	struct kvm_sregs sregs;

	TEST_ASSERT(!ioctl(vm->vcpu, KVM_GET_SREGS, &sregs), "GET_SREGS");
	sregs.cs.dpl = sregs.ss.dpl = sregs.ds.dpl = sregs.es.dpl = 3;
	sregs.cs.selector |= 3;
	sregs.ss.selector |= 3;
	TEST_ASSERT(!ioctl(vm->vcpu, KVM_SET_SREGS, &sregs), "SET_SREGS");
}

int vt_set_cpu_online(unsigned int cpu, bool online)
{
	char path[64];
	int fd, r = 0;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/online", cpu);
	fd = open(path, O_WRONLY);
	TEST_ASSERT(fd >= 0, "open %s", path);
	if (write(fd, online ? "1" : "0", 1) != 1)
		r = errno;
	close(fd);
	return r;
}

void vt_require_hotplug_cpu(unsigned int cpu)
{
	struct cpuset online = vt_online_cpus();
	char path[64];

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/online", cpu);
	TEST_REQUIRE(cpuset_has(&online, cpu) && access(path, W_OK) == 0,
		     "needs CPU %u online and able to go offline (lane has %u CPUs)",
		     cpu, cpuset_count(&online));
}

bool vt_kernel_log_has(const char *needle)
{
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf;
	bool found;
	int n;

	TEST_ASSERT(size > 0, "klogctl size");
	buf = calloc(1, (size_t)size + 1);
	TEST_ASSERT(buf, "calloc");
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	TEST_ASSERT(n >= 0, "klogctl read");
	buf[n] = '\0';
	found = strstr(buf, needle) != NULL;
	free(buf);
	return found;
}

struct kvm_cpuid2 *vt_supported_cpuid(const char *dev)
{
	struct kvm_cpuid2 *t = calloc(1, sizeof(*t) + 256 * sizeof(t->entries[0]));
	int sys = open(dev, O_RDWR);

	TEST_ASSERT(t && sys >= 0, "open %s: %s", dev, strerror(errno));
	t->nent = 256;
	TEST_ASSERT(!ioctl(sys, KVM_GET_SUPPORTED_CPUID, t), "%s: KVM_GET_SUPPORTED_CPUID: %s",
		    dev, strerror(errno));
	close(sys);
	return t;
}

const struct kvm_cpuid_entry2 *vt_cpuid_entry(const struct kvm_cpuid2 *t,
					      unsigned int function, unsigned int index)
{
	for (unsigned int i = 0; i < t->nent; i++)
		if (t->entries[i].function == function && t->entries[i].index == index)
			return &t->entries[i];
	return NULL;
}
