/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPU hotplug admission (design.md, behaviour 2): a CPU may run VMs only if
 * its virtualization capabilities equal the golden snapshot taken at load,
 * field by field. Which fields, the backend says (SVM: support, SVMDIS,
 * leaf 0x8000000A; VMX: feature control and the capability MSRs the VMCS
 * configuration comes from). Plain C, for the unit tests.
 */
#ifndef THINVM_ADMISSION_RULES_H
#define THINVM_ADMISSION_RULES_H

#include "portable.h"

#define THINVM_CAPS_MAX_FIELDS 16

struct thinvm_caps_snapshot {
	unsigned int n;
	struct {
		const char *name;	/* "CPUID 0x8000000A.EDX", "IA32_VMX_BASIC" */
		u64 value;
	} field[THINVM_CAPS_MAX_FIELDS];
};

/* Append a field; silently full past THINVM_CAPS_MAX_FIELDS (unit-tested). */
void thinvm_caps_add(struct thinvm_caps_snapshot *s, const char *name,
		     u64 value);

/* The index of the first field where @cpu differs from @golden, or -1. */
int thinvm_caps_diff(const struct thinvm_caps_snapshot *golden,
		     const struct thinvm_caps_snapshot *cpu);

enum thinvm_admission {
	THINVM_ADMIT,		/* compatible: online, may run VMs */
	THINVM_ADMIT_QUARANTINED, /* online, but VM creation is blocked */
	THINVM_REFUSE,		/* the online attempt fails */
};

/*
 * What happens to a CPU coming online: @compatible from the snapshot,
 * @mode (enum thinvm_hotplug_mode) from policy, @vms alive now.
 */
enum thinvm_admission thinvm_admission_decide(bool compatible, u32 mode,
					      unsigned int vms);

#endif
