// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <linux/netlink.h>
#include <string.h>

#include "thinvm_raw.h"

void tnl_raw_bytes(struct tnl_raw *r, const void *data, size_t len)
{
	if (r->err)
		return;
	if (len > TNL_RAW_MAX - r->len) {
		r->err = -ENOSPC;
		return;
	}
	if (len)
		memcpy(r->buf + r->len, data, len);
	r->len += len;
}

static void pad(struct tnl_raw *r)
{
	static const uint8_t zeros[NLA_ALIGNTO];

	tnl_raw_bytes(r, zeros, NLA_ALIGN(r->len) - r->len);
}

void tnl_raw_put(struct tnl_raw *r, uint16_t type, const void *data, size_t len)
{
	struct nlattr nla = { .nla_type = type };

	if (!r->err && len > UINT16_MAX - NLA_HDRLEN)
		r->err = -ERANGE;
	nla.nla_len = (uint16_t)(NLA_HDRLEN + len);
	tnl_raw_bytes(r, &nla, sizeof(nla));
	tnl_raw_bytes(r, data, len);
	pad(r);
}

void tnl_raw_put_u8(struct tnl_raw *r, uint16_t type, uint8_t v)
{
	tnl_raw_put(r, type, &v, sizeof(v));
}

void tnl_raw_put_u32(struct tnl_raw *r, uint16_t type, uint32_t v)
{
	tnl_raw_put(r, type, &v, sizeof(v));
}

void tnl_raw_put_u64(struct tnl_raw *r, uint16_t type, uint64_t v)
{
	tnl_raw_put(r, type, &v, sizeof(v));
}

void tnl_raw_put_str(struct tnl_raw *r, uint16_t type, const char *s)
{
	tnl_raw_put(r, type, s, strlen(s) + 1);
}

size_t tnl_raw_nest_start(struct tnl_raw *r, uint16_t type)
{
	size_t start = r->len;

	tnl_raw_put(r, type, NULL, 0);
	return start;
}

void tnl_raw_nest_end(struct tnl_raw *r, size_t start)
{
	struct nlattr nla;
	size_t len = r->len - start;

	if (r->err)
		return;
	if (start + sizeof(nla) > r->len) {
		r->err = -EINVAL;
		return;
	}
	if (len > UINT16_MAX) {
		r->err = -ERANGE;
		return;
	}
	/* The header may sit unaligned after tnl_raw_bytes(): copy it. */
	memcpy(&nla, r->buf + start, sizeof(nla));
	nla.nla_len = (uint16_t)len;
	memcpy(r->buf + start, &nla, sizeof(nla));
}
