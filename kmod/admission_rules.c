// SPDX-License-Identifier: GPL-2.0
/* Hotplug admission decisions (see admission_rules.h). */
#include <linux/thinvm.h>

#include "admission_rules.h"

void thinvm_caps_add(struct thinvm_caps_snapshot *s, const char *name,
		     u64 value)
{
	if (s->n >= THINVM_CAPS_MAX_FIELDS)
		return;
	s->field[s->n].name = name;
	s->field[s->n].value = value;
	s->n++;
}

int thinvm_caps_diff(const struct thinvm_caps_snapshot *golden,
		     const struct thinvm_caps_snapshot *cpu)
{
	unsigned int i;

	for (i = 0; i < golden->n; i++)
		if (i >= cpu->n || cpu->field[i].value != golden->field[i].value)
			return i;
	/* The same backend fills both; a longer one still differs. */
	return cpu->n > golden->n ? (int)golden->n : -1;
}

enum thinvm_admission thinvm_admission_decide(bool compatible, u32 mode,
					      unsigned int vms)
{
	if (compatible)
		return THINVM_ADMIT;
	/*
	 * With VMs alive, an incompatible CPU could be handed a vCPU: refused
	 * in every mode. Without, reject-while-running lets it come online
	 * and holds VM creation until it goes offline again.
	 */
	if (mode == THINVM_HOTPLUG_REJECT_WHILE_RUNNING && !vms)
		return THINVM_ADMIT_QUARANTINED;
	return THINVM_REFUSE;
}
