/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Netlink attribute bytes built by hand, for tests that feed the thinvm
 * family malformed input through tnl_request_raw(). Nothing is checked or
 * added behind the caller's back: types are written as given (a nest only
 * carries NLA_F_NESTED if the caller ORs it in), so wrong types, lengths and
 * flags can be sent on purpose. No libnl, so the unit tests can reach it.
 *
 *	struct tnl_raw r = { 0 };
 *	size_t vm = tnl_raw_nest_start(&r, THINVM_A_VM | NLA_F_NESTED);
 *	tnl_raw_put_u32(&r, THINVM_A_VM_ID, 1);
 *	tnl_raw_nest_end(&r, vm);
 *	if (!r.err)
 *		tnl_request_raw(h, THINVM_CMD_GET_VM, 1, 0, 0, r.buf, r.len);
 */
#ifndef THINVM_RAW_H
#define THINVM_RAW_H

#include <stddef.h>
#include <stdint.h>

#define TNL_RAW_MAX 4096

struct tnl_raw {
	uint8_t buf[TNL_RAW_MAX];
	size_t len;
	/*
	 * The first failure, kept so that a whole message can be built before
	 * one check: -ENOSPC (past TNL_RAW_MAX), -ERANGE (an attribute longer
	 * than nla_len can say). Once set, later calls do nothing.
	 */
	int err;
};

/* An attribute: header, @len bytes of @data, zero padding to 4 bytes. */
void tnl_raw_put(struct tnl_raw *r, uint16_t type, const void *data, size_t len);
void tnl_raw_put_u8(struct tnl_raw *r, uint16_t type, uint8_t v);
void tnl_raw_put_u32(struct tnl_raw *r, uint16_t type, uint32_t v);
void tnl_raw_put_u64(struct tnl_raw *r, uint16_t type, uint64_t v);
/* The string and its NUL, as the kernel's nla_put_string(). */
void tnl_raw_put_str(struct tnl_raw *r, uint16_t type, const char *s);

/* Bytes as they are, without header or padding (a truncated attribute...). */
void tnl_raw_bytes(struct tnl_raw *r, const void *data, size_t len);

/* A nest: returns where it starts, for tnl_raw_nest_end() to set its length. */
size_t tnl_raw_nest_start(struct tnl_raw *r, uint16_t type);
void tnl_raw_nest_end(struct tnl_raw *r, size_t start);

#endif
