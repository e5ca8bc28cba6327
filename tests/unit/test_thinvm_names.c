// SPDX-License-Identifier: GPL-2.0
/* Names and masks of the thinvm netlink protocol, and raw attribute bytes. */
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/netlink.h>
#include <string.h>

#include <linux/thinvm.h>

#include "thinvm_names.h"
#include "thinvm_raw.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

Test(thinvm_names, every_command_has_a_name_that_parses_back)
{
	static const char *const expect[] = {
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

	cr_assert_eq(ARRAY_SIZE(expect), THINVM_CMD_MAX + 1);
	for (uint8_t cmd = 1; cmd <= THINVM_CMD_MAX; cmd++) {
		uint8_t back = 0;

		cr_assert_str_eq(tnl_cmd_name(cmd), expect[cmd]);
		cr_assert_eq(tnl_cmd_parse(expect[cmd], &back), 0);
		cr_assert_eq(back, cmd);
	}
}

Test(thinvm_names, unknown_commands)
{
	static const char *const bad[] = {
		"", "unspec", "vm_created", "VM-CREATED", "vm-created ",
		" vm-created", "vm-create", "vm-createdx", "7",
	};
	uint8_t cmd = 42;

	cr_assert_null(tnl_cmd_name(THINVM_CMD_UNSPEC));
	cr_assert_null(tnl_cmd_name(THINVM_CMD_MAX + 1));
	cr_assert_null(tnl_cmd_name(255));
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		cr_expect_eq(tnl_cmd_parse(bad[i], &cmd), -EINVAL, "\"%s\"", bad[i]);
	cr_assert_eq(cmd, 42, "untouched on failure");
}

Test(thinvm_names, cpu_states)
{
	static const char *const names[] = {
		"unchecked", "admitted", "quarantined", "refused", "offline",
	};
	uint32_t state = 99;

	cr_assert_eq(ARRAY_SIZE(names), __THINVM_CPU_STATE_COUNT);
	for (uint32_t i = 0; i < ARRAY_SIZE(names); i++) {
		cr_assert_str_eq(tnl_cpu_state_name(i), names[i]);
		cr_assert_eq(tnl_cpu_state_parse(names[i], &state), 0);
		cr_assert_eq(state, i);
	}
	cr_assert_null(tnl_cpu_state_name(__THINVM_CPU_STATE_COUNT));
	cr_assert_null(tnl_cpu_state_name(UINT32_MAX));
	state = 99;
	cr_assert_eq(tnl_cpu_state_parse("", &state), -EINVAL);
	cr_assert_eq(tnl_cpu_state_parse("Admitted", &state), -EINVAL);
	cr_assert_eq(tnl_cpu_state_parse("admitted\n", &state), -EINVAL);
	cr_assert_eq(tnl_cpu_state_parse("1", &state), -EINVAL);
	cr_assert_eq(state, 99);
}

Test(thinvm_names, hotplug_modes)
{
	uint32_t mode = 99;

	cr_assert_str_eq(tnl_hotplug_mode_name(THINVM_HOTPLUG_REJECT), "reject");
	cr_assert_str_eq(tnl_hotplug_mode_name(THINVM_HOTPLUG_REJECT_WHILE_RUNNING),
			 "reject-while-running");
	cr_assert_null(tnl_hotplug_mode_name(__THINVM_HOTPLUG_MODE_COUNT));
	cr_assert_eq(tnl_hotplug_mode_parse("reject", &mode), 0);
	cr_assert_eq(mode, THINVM_HOTPLUG_REJECT);
	cr_assert_eq(tnl_hotplug_mode_parse("reject-while-running", &mode), 0);
	cr_assert_eq(mode, THINVM_HOTPLUG_REJECT_WHILE_RUNNING);
	mode = 99;
	cr_assert_eq(tnl_hotplug_mode_parse("reject-while", &mode), -EINVAL);
	cr_assert_eq(tnl_hotplug_mode_parse("rejectx", &mode), -EINVAL);
	cr_assert_eq(tnl_hotplug_mode_parse("", &mode), -EINVAL);
	cr_assert_eq(tnl_hotplug_mode_parse("reject_while_running", &mode), -EINVAL);
	cr_assert_eq(mode, 99);
}

Test(thinvm_names, hotplug_mode_sets)
{
	char buf[64];

	cr_assert_eq(tnl_hotplug_modes_format(3, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "reject,reject-while-running");
	cr_assert_eq(tnl_hotplug_modes_format(0, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "none");
	cr_assert_eq(tnl_hotplug_modes_format(1u << 5 | 1u << 31 | 2, buf,
					      sizeof(buf)), 0);
	cr_assert_str_eq(buf, "reject-while-running,5,31");
	cr_assert_eq(tnl_hotplug_modes_format(3, buf, 27), -ENOSPC);
	cr_assert_eq(tnl_hotplug_modes_format(3, buf, 28), 0);
	cr_assert_eq(tnl_hotplug_modes_format(0, buf, 0), -ENOSPC);
}

Test(thinvm_names, hypercall_names_are_kvms_numbers)
{
	cr_assert_str_eq(tnl_hc_name(12), "map_gpa_range");
	cr_assert_str_eq(tnl_hc_name(5), "kick_cpu");
	cr_assert_str_eq(tnl_hc_name(1), "vapic_poll_irq");
	cr_assert_str_eq(tnl_hc_name(11), "sched_yield");
	cr_assert_null(tnl_hc_name(0));
	cr_assert_null(tnl_hc_name(13));
	cr_assert_null(tnl_hc_name(63));
	cr_assert_null(tnl_hc_name(UINT64_MAX));
}

static uint64_t mask_ok(const char *s)
{
	uint64_t m = 0xdead;

	cr_assert_eq(tnl_hc_mask_parse(s, &m), 0, "parsing \"%s\"", s);
	return m;
}

Test(thinvm_names, masks_from_numbers_names_and_hex)
{
	cr_assert_eq(mask_ok("12"), 1ULL << 12);
	cr_assert_eq(mask_ok("map_gpa_range"), 1ULL << 12);
	cr_assert_eq(mask_ok("0x1000"), 1ULL << 12);
	cr_assert_eq(mask_ok("0X1000"), 1ULL << 12);
	cr_assert_eq(mask_ok("0xABCdef"), 0xabcdefULL);
	cr_assert_eq(mask_ok("0"), 1ULL);
	cr_assert_eq(mask_ok("00012"), 1ULL << 12);
	cr_assert_eq(mask_ok("63"), 1ULL << 63);
	cr_assert_eq(mask_ok("kick_cpu,map_gpa_range"), 1ULL << 5 | 1ULL << 12);
	cr_assert_eq(mask_ok("5,0x1000,send_ipi,40"),
		     1ULL << 5 | 1ULL << 12 | 1ULL << 10 | 1ULL << 40);
	cr_assert_eq(mask_ok("12,12,map_gpa_range"), 1ULL << 12);
	cr_assert_eq(mask_ok("0xffffffffffffffff"), UINT64_MAX);
	cr_assert_eq(mask_ok("0x00000000000000000000001"), 1ULL);
}

Test(thinvm_names, the_empty_mask)
{
	cr_assert_eq(mask_ok("none"), 0);
	cr_assert_eq(mask_ok("0x0"), 0);
	cr_assert_eq(mask_ok("0x0,0x0"), 0);
}

Test(thinvm_names, malformed_masks)
{
	static const char *const bad[] = {
		"", ",", "12,", ",12", "12,,5", "bogus", "12x", "x12", "0x",
		"0x,12", "0xg", "0x12g", " 12", "12 ", "-1", "+1", "1.0",
		"Map_gpa_range", "map_gpa_range_", "map-gpa-range", "none,12",
		"12,none", "NONE", "all", "0x1000,", "kvm_hc_map_gpa_range",
		"1\n",
	};
	uint64_t m = 0xdead;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		cr_expect_eq(tnl_hc_mask_parse(bad[i], &m), -EINVAL, "\"%s\"", bad[i]);
	cr_assert_eq(m, 0xdead, "untouched on failure");
}

Test(thinvm_names, masks_past_64_bits_are_out_of_range)
{
	static const char *const big[] = {
		"64", "65", "100", "99999999999999999999999999", "12,64",
		"0x10000000000000000", "0x1ffffffffffffffff",
		"0xffffffffffffffff0", "map_gpa_range,0x10000000000000000",
	};
	uint64_t m = 0xdead;

	for (size_t i = 0; i < ARRAY_SIZE(big); i++)
		cr_expect_eq(tnl_hc_mask_parse(big[i], &m), -ERANGE, "\"%s\"", big[i]);
	cr_assert_eq(m, 0xdead);
}

Test(thinvm_names, mask_format)
{
	char buf[512];

	cr_assert_eq(tnl_hc_mask_format(0, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "none");
	cr_assert_eq(tnl_hc_mask_format(1ULL << 12, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "map_gpa_range");
	cr_assert_eq(tnl_hc_mask_format(1ULL | 1ULL << 5 | 1ULL << 12 |
					1ULL << 40 | 1ULL << 63,
					buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "0,kick_cpu,map_gpa_range,40,63");
}

Test(thinvm_names, mask_format_round_trips)
{
	static const uint64_t masks[] = {
		0, 1, 1ULL << 12, 0x1ffe, 1ULL << 63, UINT64_MAX,
		0x8000000000001000ULL, 0x5555555555555555ULL,
	};
	char buf[512];

	for (size_t i = 0; i < ARRAY_SIZE(masks); i++) {
		cr_assert_eq(tnl_hc_mask_format(masks[i], buf, sizeof(buf)), 0);
		cr_assert_eq(mask_ok(buf), masks[i], "\"%s\"", buf);
	}
}

Test(thinvm_names, mask_format_never_truncates)
{
	char buf[16];

	/* "map_gpa_range" and its NUL need 14 bytes. */
	cr_assert_eq(tnl_hc_mask_format(1ULL << 12, buf, 14), 0);
	cr_assert_eq(tnl_hc_mask_format(1ULL << 12, buf, 13), -ENOSPC);
	cr_assert_eq(tnl_hc_mask_format(1ULL << 5 | 1ULL << 12, buf, sizeof(buf)),
		     -ENOSPC);
	cr_assert_eq(tnl_hc_mask_format(0, buf, 4), -ENOSPC);
	cr_assert_eq(tnl_hc_mask_format(0, buf, 0), -ENOSPC);
}

/* Raw attribute bytes */

static struct nlattr attr_at(const struct tnl_raw *r, size_t off)
{
	struct nlattr nla;

	memcpy(&nla, r->buf + off, sizeof(nla));
	return nla;
}

Test(thinvm_raw, u32_layout)
{
	struct tnl_raw r = { 0 };
	uint32_t v;

	tnl_raw_put_u32(&r, THINVM_A_FLAGS, 0x01020304);
	cr_assert_eq(r.err, 0);
	cr_assert_eq(r.len, 8);
	cr_assert_eq(attr_at(&r, 0).nla_len, 8);
	cr_assert_eq(attr_at(&r, 0).nla_type, THINVM_A_FLAGS);
	memcpy(&v, r.buf + 4, sizeof(v));
	cr_assert_eq(v, 0x01020304);
}

Test(thinvm_raw, short_values_are_padded_with_zeros)
{
	struct tnl_raw r;

	memset(&r, 0xff, sizeof(r));
	r.len = 0;
	r.err = 0;
	tnl_raw_put_u8(&r, THINVM_A_CPU_ONLINE, 1);
	cr_assert_eq(r.len, 8);
	cr_assert_eq(attr_at(&r, 0).nla_len, 5);
	cr_assert_eq(r.buf[4], 1);
	cr_assert(!r.buf[5] && !r.buf[6] && !r.buf[7]);
	tnl_raw_put_str(&r, THINVM_A_VM_NAME, "abcd");
	cr_assert_eq(attr_at(&r, 8).nla_len, 9);
	cr_assert_eq(r.len, 8 + 12);
	cr_assert(!memcmp(r.buf + 12, "abcd\0\0\0\0", 8));
}

Test(thinvm_raw, nests_take_their_type_as_given)
{
	struct tnl_raw r = { 0 };
	size_t nest = tnl_raw_nest_start(&r, THINVM_A_VM | NLA_F_NESTED);

	tnl_raw_put_u32(&r, THINVM_A_VM_ID, 1);
	tnl_raw_put_u64(&r, THINVM_A_VM_HC_EXIT_MASK, 1ULL << 12);
	tnl_raw_nest_end(&r, nest);
	cr_assert_eq(r.err, 0);
	cr_assert_eq(r.len, 4 + 8 + 12);
	cr_assert_eq(attr_at(&r, 0).nla_len, 24);
	cr_assert_eq(attr_at(&r, 0).nla_type, THINVM_A_VM | NLA_F_NESTED);

	nest = tnl_raw_nest_start(&r, THINVM_A_CPU);
	tnl_raw_nest_end(&r, nest);
	cr_assert_eq(attr_at(&r, 24).nla_len, 4);
	cr_assert_eq(attr_at(&r, 24).nla_type, THINVM_A_CPU);
}

Test(thinvm_raw, bytes_go_in_as_they_are)
{
	struct tnl_raw r = { 0 };

	tnl_raw_bytes(&r, "\x05\x00", 2);
	cr_assert_eq(r.len, 2);
	tnl_raw_bytes(&r, NULL, 0);
	cr_assert_eq(r.len, 2);
	cr_assert_eq(r.err, 0);
}

Test(thinvm_raw, overflow_is_sticky)
{
	static struct tnl_raw r;
	static const uint8_t big[TNL_RAW_MAX];
	size_t len;

	tnl_raw_put(&r, 1, big, TNL_RAW_MAX - 8);
	cr_assert_eq(r.err, 0);
	len = r.len;
	tnl_raw_put_u64(&r, 2, 0);
	cr_assert_eq(r.err, -ENOSPC);
	tnl_raw_put_u8(&r, 3, 0);
	cr_assert_eq(r.err, -ENOSPC);
	cr_assert_geq(r.len, len);
	cr_assert_leq(r.len, TNL_RAW_MAX);
}

Test(thinvm_raw, attributes_longer_than_nla_len_can_say)
{
	struct tnl_raw r = { 0 };

	tnl_raw_put(&r, 1, NULL, UINT16_MAX);
	cr_assert_eq(r.err, -ERANGE);
}
