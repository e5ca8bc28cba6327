// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <linux/kvm_para.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <linux/thinvm.h>

#include "thinvm_names.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const cmd_names[] = {
	[THINVM_CMD_GET_CAPS] = "get-caps",
	[THINVM_CMD_GET_POLICY] = "get-policy",
	[THINVM_CMD_SET_POLICY] = "set-policy",
	[THINVM_CMD_GET_VM] = "get-vm",
	[THINVM_CMD_SET_VM_POLICY] = "set-vm-policy",
	[THINVM_CMD_GET_CPU] = "get-cpu",
	[THINVM_CMD_VM_CREATED] = "vm-created",
	[THINVM_CMD_VM_DESTROYED] = "vm-destroyed",
	[THINVM_CMD_CPU_ADMITTED] = "cpu-admitted",
	[THINVM_CMD_CPU_REFUSED] = "cpu-refused",
	[THINVM_CMD_CPU_QUARANTINED] = "cpu-quarantined",
	[THINVM_CMD_CPU_OFFLINE] = "cpu-offline",
	[THINVM_CMD_POLICY_APPLIED] = "policy-applied",
	[THINVM_CMD_HYPERCALL_REFUSED] = "hypercall-refused",
	[THINVM_CMD_VM_RENAMED] = "vm-renamed",
	[THINVM_CMD_GET_PROFILE] = "get-profile",
};

static const char *const cpu_state_names[] = {
	[THINVM_CPU_UNCHECKED] = "unchecked",
	[THINVM_CPU_ADMITTED] = "admitted",
	[THINVM_CPU_QUARANTINED] = "quarantined",
	[THINVM_CPU_REFUSED] = "refused",
	[THINVM_CPU_OFFLINE] = "offline",
};

static const char *const hotplug_mode_names[] = {
	[THINVM_HOTPLUG_REJECT] = "reject",
	[THINVM_HOTPLUG_REJECT_WHILE_RUNNING] = "reject-while-running",
};

/* KVM's own numbers, so that a mask means what KVM_CAP_EXIT_HYPERCALL means. */
static const char *const hc_names[] = {
	[KVM_HC_VAPIC_POLL_IRQ] = "vapic_poll_irq",
	[KVM_HC_MMU_OP] = "mmu_op",
	[KVM_HC_FEATURES] = "features",
	[KVM_HC_PPC_MAP_MAGIC_PAGE] = "ppc_map_magic_page",
	[KVM_HC_KICK_CPU] = "kick_cpu",
	[KVM_HC_MIPS_GET_CLOCK_FREQ] = "mips_get_clock_freq",
	[KVM_HC_MIPS_EXIT_VM] = "mips_exit_vm",
	[KVM_HC_MIPS_CONSOLE_OUTPUT] = "mips_console_output",
	[KVM_HC_CLOCK_PAIRING] = "clock_pairing",
	[KVM_HC_SEND_IPI] = "send_ipi",
	[KVM_HC_SCHED_YIELD] = "sched_yield",
	[KVM_HC_MAP_GPA_RANGE] = "map_gpa_range",
};

/* Tables have holes (index 0 mostly): those read as NULL, unknown. */
static const char *lookup(const char *const *table, size_t n, uint64_t i)
{
	return i < n ? table[i] : NULL;
}

/* The index of the @len characters at @s in @table, or -EINVAL. */
static int reverse(const char *const *table, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (table[i] && strlen(table[i]) == len && !memcmp(table[i], s, len))
			return (int)i;
	return -EINVAL;
}

const char *tnl_cmd_name(uint8_t cmd)
{
	return lookup(cmd_names, ARRAY_SIZE(cmd_names), cmd);
}

int tnl_cmd_parse(const char *s, uint8_t *cmd)
{
	int i = reverse(cmd_names, ARRAY_SIZE(cmd_names), s, strlen(s));

	if (i < 0)
		return i;
	*cmd = (uint8_t)i;
	return 0;
}

const char *tnl_cpu_state_name(uint32_t state)
{
	return lookup(cpu_state_names, ARRAY_SIZE(cpu_state_names), state);
}

int tnl_cpu_state_parse(const char *s, uint32_t *state)
{
	int i = reverse(cpu_state_names, ARRAY_SIZE(cpu_state_names), s, strlen(s));

	if (i < 0)
		return i;
	*state = (uint32_t)i;
	return 0;
}

const char *tnl_hotplug_mode_name(uint32_t mode)
{
	return lookup(hotplug_mode_names, ARRAY_SIZE(hotplug_mode_names), mode);
}

int tnl_hotplug_mode_parse(const char *s, uint32_t *mode)
{
	int i = reverse(hotplug_mode_names, ARRAY_SIZE(hotplug_mode_names), s,
			strlen(s));

	if (i < 0)
		return i;
	*mode = (uint32_t)i;
	return 0;
}

const char *tnl_hc_name(uint64_t nr)
{
	return lookup(hc_names, ARRAY_SIZE(hc_names), nr);
}

/* printf at offset *@len of @buf; -ENOSPC rather than a truncated list. */
__attribute__((format(printf, 4, 5)))
static int appendf(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*len >= size)
		return -ENOSPC;
	va_start(ap, fmt);
	n = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - *len)
		return -ENOSPC;
	*len += (size_t)n;
	return 0;
}

/* Set bits by name where @name knows one, else by number; "none" if empty. */
static int format_bits(uint64_t bits, const char *(*name)(uint64_t),
		       char *buf, size_t size)
{
	size_t len = 0;

	if (!bits)
		return appendf(buf, size, &len, "none");
	for (unsigned int i = 0; i < 64; i++) {
		const char *sep = len ? "," : "";
		const char *n;
		int r;

		if (!((bits >> i) & 1))
			continue;
		n = name(i);
		r = n ? appendf(buf, size, &len, "%s%s", sep, n) :
			appendf(buf, size, &len, "%s%u", sep, i);
		if (r)
			return r;
	}
	return 0;
}

static const char *hotplug_mode_name64(uint64_t mode)
{
	return lookup(hotplug_mode_names, ARRAY_SIZE(hotplug_mode_names), mode);
}

int tnl_hotplug_modes_format(uint32_t modes, char *buf, size_t size)
{
	return format_bits(modes, hotplug_mode_name64, buf, size);
}

int tnl_hc_mask_format(uint64_t mask, char *buf, size_t size)
{
	return format_bits(mask, tnl_hc_name, buf, size);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "0x..." over @len characters: the mask itself. */
static int parse_hex_mask(const char *s, size_t len, uint64_t *bits)
{
	uint64_t v = 0;

	if (len == 0)
		return -EINVAL;
	for (size_t i = 0; i < len; i++)
		if (hex_digit(s[i]) < 0)
			return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		/* Leading zeros are fine; a 65th significant bit is not. */
		if (v >> 60)
			return -ERANGE;
		v = v << 4 | (uint64_t)hex_digit(s[i]);
	}
	*bits = v;
	return 0;
}

/* A decimal hypercall number over @len characters: one bit. */
static int parse_hc_number(const char *s, size_t len, uint64_t *bits)
{
	uint64_t v = 0;

	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > 63)
			return -ERANGE;
	}
	*bits = 1ULL << v;
	return 0;
}

static int parse_hc_item(const char *s, size_t len, uint64_t *bits)
{
	int nr;

	if (len == 0)
		return -EINVAL;
	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return parse_hex_mask(s + 2, len - 2, bits);
	if (s[0] >= '0' && s[0] <= '9')
		return parse_hc_number(s, len, bits);
	nr = reverse(hc_names, ARRAY_SIZE(hc_names), s, len);
	if (nr < 0)
		return nr;
	*bits = 1ULL << nr;
	return 0;
}

int tnl_hc_mask_parse(const char *s, uint64_t *mask)
{
	uint64_t m = 0;

	if (!strcmp(s, "none")) {
		*mask = 0;
		return 0;
	}
	for (;;) {
		size_t len = strcspn(s, ",");
		uint64_t bits;
		int r = parse_hc_item(s, len, &bits);

		if (r)
			return r;
		m |= bits;
		if (!s[len])
			break;
		s += len + 1;
	}
	*mask = m;
	return 0;
}
