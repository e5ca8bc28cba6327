/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names for the numbers of the thinvm generic-netlink protocol
 * (<linux/thinvm.h>): commands, CPU admission states, hotplug modes and
 * hypercalls, in both directions. Plain C, without libnl, so that tools can
 * print and parse them and the unit tests can reach them.
 *
 * The *_name() functions return NULL for a number they do not know (a newer
 * module may send one); callers print the number then. The parsers take
 * exactly one name, nothing around it, and return 0 or -EINVAL.
 */
#ifndef THINVM_NAMES_H
#define THINVM_NAMES_H

#include <stddef.h>
#include <stdint.h>

/* "get-caps" ... "set-vm-policy", "get-cpu", "vm-created" ... "hypercall-refused" */
const char *tnl_cmd_name(uint8_t cmd);
int tnl_cmd_parse(const char *s, uint8_t *cmd);

/* "unchecked", "admitted", "quarantined", "refused", "offline" */
const char *tnl_cpu_state_name(uint32_t state);
int tnl_cpu_state_parse(const char *s, uint32_t *state);

/* "reject", "reject-while-running" */
const char *tnl_hotplug_mode_name(uint32_t mode);
int tnl_hotplug_mode_parse(const char *s, uint32_t *mode);

/*
 * The set of hotplug modes of THINVM_A_CAPS_HOTPLUG_MODES (bit N for mode
 * N) as "reject,reject-while-running"; unknown bits as their numbers, the
 * empty set as "none". Returns 0, or -ENOSPC if @buf is too small.
 */
int tnl_hotplug_modes_format(uint32_t modes, char *buf, size_t size);

/* KVM's hypercall numbers by KVM_HC_* name, lower case: "map_gpa_range" is 12. */
const char *tnl_hc_name(uint64_t nr);

/*
 * A hypercall mask (bit N for hypercall N, as KVM_CAP_EXIT_HYPERCALL) from
 * a comma-separated list whose items are OR-ed together; each item is
 *   - a hypercall name ("map_gpa_range"),
 *   - a hypercall number in decimal ("12", which is bit 12), or
 *   - a mask in hexadecimal with a 0x prefix ("0x1000", also bit 12);
 * or the whole text is "none", the empty mask ("0x0" works too).
 * Returns 0; -EINVAL for an empty text or item, an unknown name or trailing
 * characters; -ERANGE for a number above 63 or a mask wider than 64 bits.
 * *@mask is only written on success.
 */
int tnl_hc_mask_parse(const char *s, uint64_t *mask);

/*
 * @mask as tnl_hc_mask_parse() reads it back: names where KVM has one,
 * decimal numbers for the other bits ("kick_cpu,map_gpa_range,40"), "none"
 * for the empty mask. Returns 0, or -ENOSPC if @buf is too small.
 */
int tnl_hc_mask_format(uint64_t mask, char *buf, size_t size);

#endif
