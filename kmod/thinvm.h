/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of thinvm.ko. Generic code reaches the hardware only
 * through struct thinvm_backend; nothing outside svm/ and vmx/ knows what a
 * VMCB or a VMCS is.
 */
#ifndef THINVM_H
#define THINVM_H

#include <linux/cpumask.h>
#include <linux/types.h>

struct thinvm_backend {
	const char *name;	/* "svm" or "vmx": sysfs and log lines */
	/*
	 * NULL if the calling CPU has what thinvm needs, else why not. Runs on
	 * every online CPU at load and on each CPU that comes online.
	 */
	const char *(*cpu_missing)(void);
	/* Load time, after cpu_missing() passed everywhere: per-CPU areas. */
	int (*setup)(void);
	void (*unsetup)(void);
	/*
	 * Turn virtualization on or off on the calling CPU; IRQs are off.
	 * enable_cpu() returns -EBUSY when another hypervisor already owns
	 * the CPU (EFER.SVME or CR4.VMXE set), and leaves it untouched.
	 */
	int (*enable_cpu)(void);
	void (*disable_cpu)(void);
	/* Read from the hardware whether virtualization is on here. */
	bool (*hw_enabled)(void);
	/* What the hardware bit is called, for log lines. */
	const char *owner_bit;
};

extern const struct thinvm_backend thinvm_svm;
extern const struct thinvm_backend thinvm_vmx;
extern const struct thinvm_backend *thinvm_backend;

/* virt.c: virtualization on while at least one VM exists. */
int thinvm_virt_init(void);
void thinvm_virt_exit(void);
int thinvm_virt_get(void);
void thinvm_virt_put(void);
const struct cpumask *thinvm_virt_cpus(void);
unsigned int thinvm_virt_users(void);

/* cpu_pages.c: a zeroed page per possible CPU */
struct page;
int thinvm_cpu_pages_alloc(struct page * __percpu *pages);
void thinvm_cpu_pages_free(struct page * __percpu *pages);

/* vm.c */
int thinvm_vm_create(unsigned long type);

/* dev.c: /dev/thinvm */
int thinvm_dev_init(void);
void thinvm_dev_exit(void);

/* sysfs.c: /sys/kernel/thinvm/ */
int thinvm_sysfs_init(void);
void thinvm_sysfs_exit(void);

/* debugfs.c: /sys/kernel/debug/thinvm/, for tests */
void thinvm_debugfs_init(void);
void thinvm_debugfs_exit(void);

#endif
