// SPDX-License-Identifier: GPL-2.0
/*
 * The thinvm generic-netlink client: requests on one libnl socket, events
 * on a second one. See thinvm_nl.h for the interface and <linux/thinvm.h>
 * for the protocol.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "thinvm_nl.h"
#include "thinvm_profile.h"

/* Kernel messages are a few hundred bytes; extended acks shorter still. */
#define ERRMSG_MAX 256
/*
 * One event datagram: the kernel builds each in an NLMSG_GOODSIZE buffer
 * (at most a page or two), so this is ample; MSG_TRUNC would tell.
 */
#define EV_BUF_SIZE 32768
/* Asked for, not granted: the kernel caps it at net.core.rmem_max. */
#define EV_RCVBUF (1 << 20)

struct tnl {
	struct nl_sock *sk;		/* requests and their answers */
	struct nl_sock *ev_sk;		/* events; NULL until tnl_subscribe() */
	uint16_t family;
	uint32_t events_group;		/* 0 if the family has none */
	char errmsg[ERRMSG_MAX];
	int erroff;
	/* The last event datagram, returned one message at a time. */
	uint8_t *ev_buf;
	size_t ev_len, ev_off;
};

static void nlmsg_freep(struct nl_msg **msg)
{
	nlmsg_free(*msg);
}
#define _cleanup_msg_ __attribute__((cleanup(nlmsg_freep)))

/*
 * libnl folds errnos into its own codes, and back is lossy; the kernel's
 * answers bypass this (see on_error()), only libnl's own failures come here.
 */
static int nle_to_errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case NLE_SUCCESS:		return 0;
	case NLE_INTR:			return -EINTR;
	case NLE_BAD_SOCK:		return -EBADF;
	case NLE_AGAIN:			return -EAGAIN;
	case NLE_NOMEM:			return -ENOMEM;
	case NLE_EXIST:			return -EEXIST;
	case NLE_INVAL:			return -EINVAL;
	case NLE_RANGE:			return -ERANGE;
	case NLE_MSGSIZE:		return -EMSGSIZE;
	case NLE_OPNOTSUPP:		return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:		return -EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND:		return -ENOENT;
	case NLE_NOADDR:		return -EADDRNOTAVAIL;
	case NLE_BUSY:			return -EBUSY;
	case NLE_PROTO_MISMATCH:	return -EPROTONOSUPPORT;
	case NLE_NOACCESS:		return -EACCES;
	case NLE_PERM:			return -EPERM;
	case NLE_NODEV:			return -ENODEV;
	case NLE_SEQ_MISMATCH:
	case NLE_MSG_OVERFLOW:
	case NLE_MSG_TRUNC:
	case NLE_MSG_TOOSHORT:
	case NLE_MSGTYPE_NOSUPPORT:
	case NLE_PARSE_ERR:
	case NLE_ATTRSIZE:		return -EPROTO;
	default:			return -EIO;
	}
}

static void clear_error(struct tnl *h)
{
	h->errmsg[0] = '\0';
	h->erroff = -1;
}

__attribute__((format(printf, 2, 3)))
static void set_error(struct tnl *h, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(h->errmsg, sizeof(h->errmsg), fmt, ap);
	va_end(ap);
}

const char *tnl_last_error(const struct tnl *h)
{
	return h->errmsg;
}

int tnl_last_error_offset(const struct tnl *h)
{
	return h->erroff;
}

/* Extended ack */

static const struct nla_policy extack_policy[NLMSGERR_ATTR_MAX + 1] = {
	[NLMSGERR_ATTR_MSG] = { .type = NLA_STRING },
	[NLMSGERR_ATTR_OFFS] = { .type = NLA_U32, .maxlen = sizeof(uint32_t) },
	[NLMSGERR_ATTR_MISS_TYPE] = { .type = NLA_U32, .maxlen = sizeof(uint32_t) },
	[NLMSGERR_ATTR_MISS_NEST] = { .type = NLA_U32, .maxlen = sizeof(uint32_t) },
};

/*
 * The kernel appends its extended ack to an NLMSG_ERROR or NLMSG_DONE
 * message after @hlen bytes of payload, and flags it NLM_F_ACK_TLVS.
 * Best effort: a malformed ack leaves the error number to speak alone.
 */
static void capture_extack(struct tnl *h, const struct nlmsghdr *nlh, size_t hlen)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(hlen);
	struct nlattr *head = (struct nlattr *)((const uint8_t *)nlh + off);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off >= nlh->nlmsg_len)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, head, (int)(nlh->nlmsg_len - off),
		      extack_policy) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(h->errmsg, tb[NLMSGERR_ATTR_MSG], sizeof(h->errmsg));
	if (tb[NLMSGERR_ATTR_OFFS])
		h->erroff = (int)nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
	/* A missing attribute comes as its type alone, without words. */
	if (tb[NLMSGERR_ATTR_MISS_TYPE] && !h->errmsg[0])
		set_error(h, "missing attribute %u",
			  nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]));
	if (tb[NLMSGERR_ATTR_MISS_NEST] && h->erroff < 0)
		h->erroff = (int)nla_get_u32(tb[NLMSGERR_ATTR_MISS_NEST]);
}

/* Where the TLVs of an NLMSG_ERROR start, after the (maybe echoed) request. */
static size_t error_payload_len(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t hlen = sizeof(*e);

	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && e->msg.nlmsg_len > NLMSG_HDRLEN)
		hlen += e->msg.nlmsg_len - NLMSG_HDRLEN;
	return hlen;
}

/*
 * Requests
 *
 * One request, its answers read until the message that ends them: an ACK
 * or an error for a "do", NLMSG_DONE (or an error) for a dump. Callbacks
 * never stop early on their own account, so that a reply that fails to
 * parse still leaves the socket clean for the next request.
 */

typedef int (*parse_fn)(const struct nlmsghdr *nlh, void *arg);

struct request {
	uint16_t type;		/* nlmsg_type of the replies */
	parse_fn parse;		/* NULL: replies are dropped */
	void *arg;
	/* Filled in by transact(): */
	struct tnl *h;
	uint32_t seq;
	unsigned int replies;
	int err;		/* the first failure, the kernel's or ours */
	bool done;
	bool intr;		/* a dump message had NLM_F_DUMP_INTR */
};

static bool fail(struct request *req, int err)
{
	if (req->err)
		return false;
	req->err = err;
	return true;
}

/*
 * Only answers to this request count: one to an earlier request that gave
 * up half-way (out of memory, say) may still be queued.
 */
static int on_seq_check(struct nl_msg *msg, void *arg)
{
	const struct request *req = arg;
	const struct sockaddr_nl *src = nlmsg_get_src(msg);

	if (nlmsg_hdr(msg)->nlmsg_seq != req->seq || (src && src->nl_pid))
		return NL_SKIP;
	return NL_OK;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct request *req = arg;
	const struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int r;

	if (nlh->nlmsg_type != req->type) {
		if (fail(req, -EPROTO))
			set_error(req->h, "reply of netlink type %u, not %u",
				  nlh->nlmsg_type, req->type);
		return NL_SKIP;
	}
	req->replies++;
	if (!req->parse || req->err)
		return NL_OK;
	r = req->parse(nlh, req->arg);
	if (r < 0 && fail(req, r) && r == -EPROTO && !req->h->errmsg[0])
		set_error(req->h, "malformed reply from the kernel");
	return NL_OK;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct request *req = arg;

	(void)msg;
	req->done = true;
	return NL_STOP;
}

/* A dump that failed part-way says so in NLMSG_DONE: an errno, maybe an ack. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	struct request *req = arg;
	const struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int err;

	req->done = true;
	if (nlmsg_datalen(nlh) < (int)sizeof(err))
		return NL_STOP;
	memcpy(&err, nlmsg_data(nlh), sizeof(err));
	if (err < 0 && fail(req, err))
		capture_extack(req->h, nlh, sizeof(err));
	return NL_STOP;
}

static int on_dump_intr(struct nl_msg *msg, void *arg)
{
	struct request *req = arg;

	(void)msg;
	req->intr = true;
	return NL_OK;
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct request *req = arg;
	/* libnl passes the payload; the header with its flags sits before it. */
	const struct nlmsghdr *nlh =
		(const struct nlmsghdr *)((const uint8_t *)e - NLMSG_HDRLEN);

	(void)who;
	req->done = true;
	if (fail(req, e->error < 0 ? e->error : -EPROTO))
		capture_extack(req->h, nlh, error_payload_len(nlh));
	return NL_STOP;
}

/* Send @msg and read its answers into @req; returns 0 or a negative errno. */
static int transact(struct tnl *h, struct nl_msg *msg, struct request *req)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int r;

	clear_error(h);
	req->h = h;
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, on_seq_check, req);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, req);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, req);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, req);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_dump_intr, req);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, req);

	r = nl_send_auto(h->sk, msg);
	req->seq = nlmsg_hdr(msg)->nlmsg_seq;
	while (r >= 0 && !req->done) {
		/* After an error callback libnl returns its own code: ignored. */
		r = nl_recvmsgs_report(h->sk, cb);
		if (r == 0 && !req->done)
			r = -NLE_FAILURE;	/* read nothing: nothing will come */
	}
	nl_cb_put(cb);
	if (!req->done)
		return nle_to_errno(r);
	return req->err;
}

/* A "do" request: exactly one reply, parsed by @parse. */
static int do_request(struct tnl *h, struct nl_msg *msg, parse_fn parse, void *arg)
{
	struct request req = { .type = h->family, .parse = parse, .arg = arg };
	int r = transact(h, msg, &req);

	if (!r && req.replies != 1) {
		set_error(h, "%u replies to a request that has one", req.replies);
		r = -EPROTO;
	}
	return r;
}

static struct nl_msg *new_request(const struct tnl *h, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, h->family, 0,
				flags, cmd, THINVM_GENL_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

/* A dump: 1 if interrupted, else 0, or a negative errno. */
static int dump(struct tnl *h, uint8_t cmd, parse_fn parse, void *arg)
{
	_cleanup_msg_ struct nl_msg *msg = new_request(h, cmd, NLM_F_DUMP);
	struct request req = { .type = h->family, .parse = parse, .arg = arg };
	int r;

	if (!msg)
		return -ENOMEM;
	r = transact(h, msg, &req);
	if (r < 0)
		return r;
	return req.intr ? 1 : 0;
}

/* Opening: the family and its group, from the controller in one request */

static const struct nla_policy ctrl_policy[CTRL_ATTR_MAX + 1] = {
	[CTRL_ATTR_FAMILY_ID] = { .type = NLA_U16, .maxlen = sizeof(uint16_t) },
	[CTRL_ATTR_MCAST_GROUPS] = { .type = NLA_NESTED },
};

static const struct nla_policy mcgrp_policy[CTRL_ATTR_MCAST_GRP_MAX + 1] = {
	[CTRL_ATTR_MCAST_GRP_NAME] = { .type = NLA_STRING },
	[CTRL_ATTR_MCAST_GRP_ID] = { .type = NLA_U32, .maxlen = sizeof(uint32_t) },
};

static int parse_family(const struct nlmsghdr *nlh, void *arg)
{
	struct tnl *h = arg;
	struct nlattr *tb[CTRL_ATTR_MAX + 1], *grp;
	int rem;

	if (genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, CTRL_ATTR_MAX,
			  ctrl_policy) < 0 || !tb[CTRL_ATTR_FAMILY_ID])
		return -EPROTO;
	h->family = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (!tb[CTRL_ATTR_MCAST_GROUPS])
		return 0;
	nla_for_each_nested(grp, tb[CTRL_ATTR_MCAST_GROUPS], rem) {
		struct nlattr *g[CTRL_ATTR_MCAST_GRP_MAX + 1];

		if (nla_parse_nested(g, CTRL_ATTR_MCAST_GRP_MAX, grp,
				     mcgrp_policy) < 0)
			return -EPROTO;
		if (g[CTRL_ATTR_MCAST_GRP_NAME] && g[CTRL_ATTR_MCAST_GRP_ID] &&
		    !strcmp(nla_get_string(g[CTRL_ATTR_MCAST_GRP_NAME]),
			    THINVM_GENL_MCGRP_EVENTS))
			h->events_group = nla_get_u32(g[CTRL_ATTR_MCAST_GRP_ID]);
	}
	return 0;
}

static int resolve_family(struct tnl *h)
{
	_cleanup_msg_ struct nl_msg *msg = nlmsg_alloc();
	struct request req = { .type = GENL_ID_CTRL, .parse = parse_family, .arg = h };
	int r;

	if (!msg)
		return -ENOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, 0,
			 CTRL_CMD_GETFAMILY, 1) ||
	    nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, THINVM_GENL_NAME) < 0)
		return -EMSGSIZE;
	r = transact(h, msg, &req);
	if (r == -ENOENT && !h->errmsg[0])
		set_error(h, "no generic-netlink family \"%s\": is the thinvm module loaded?",
			  THINVM_GENL_NAME);
	if (!r && (req.replies != 1 || !h->family))
		r = -EPROTO;
	return r;
}

/* Best effort: before Linux 4.12 errors come without messages, that is all. */
static void enable_ext_ack(struct nl_sock *sk)
{
	int one = 1;

	(void)setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK,
			 &one, sizeof(one));
}

int tnl_open(struct tnl **out)
{
	struct tnl *h = calloc(1, sizeof(*h));
	int r;

	if (!h)
		return -ENOMEM;
	clear_error(h);
	h->sk = nl_socket_alloc();
	if (!h->sk) {
		r = -ENOMEM;
		goto fail;
	}
	r = nle_to_errno(genl_connect(h->sk));
	if (r)
		goto fail;
	enable_ext_ack(h->sk);
	/* A dump's datagrams may be larger than libnl's default buffer. */
	nl_socket_enable_msg_peek(h->sk);
	r = resolve_family(h);
	if (r)
		goto fail;
	*out = h;
	return 0;
fail:
	tnl_close(h);
	return r;
}

void tnl_close(struct tnl *h)
{
	if (!h)
		return;
	nl_socket_free(h->ev_sk);
	nl_socket_free(h->sk);
	free(h->ev_buf);
	free(h);
}

/*
 * Decoding. Policies give the types and exact lengths of the attributes
 * this library knows; libnl skips the ones above each maximum (a newer
 * module's), and attributes without a policy entry (PAD) are not used.
 */

#define POL_U8 { .type = NLA_U8, .maxlen = sizeof(uint8_t) }
#define POL_U32 { .type = NLA_U32, .maxlen = sizeof(uint32_t) }
#define POL_U64 { .type = NLA_U64, .maxlen = sizeof(uint64_t) }
#define POL_NEST { .type = NLA_NESTED }

static const struct nla_policy top_policy[THINVM_A_MAX + 1] = {
	[THINVM_A_CAPS] = POL_NEST,
	[THINVM_A_POLICY] = POL_NEST,
	[THINVM_A_VM] = POL_NEST,
	[THINVM_A_CPU] = POL_NEST,
	[THINVM_A_HYPERCALL] = POL_NEST,
	[THINVM_A_FLAGS] = POL_U32,
	[THINVM_A_PROFILE] = POL_NEST,
};

static const struct nla_policy caps_policy[THINVM_A_CAPS_MAX + 1] = {
	/* NUL-terminated (libnl checks), NUL included in the length. */
	[THINVM_A_CAPS_VENDOR] = { .type = NLA_STRING, .maxlen = TNL_VENDOR_MAX },
	[THINVM_A_CAPS_HC_SUPPORTED] = POL_U64,
	[THINVM_A_CAPS_HOTPLUG_MODES] = POL_U32,
	[THINVM_A_CAPS_MAX_VCPUS] = POL_U32,
	[THINVM_A_CAPS_POSSIBLE_CPUS] = POL_U32,
	[THINVM_A_CAPS_FEATURES] = POL_U64,
};

static const struct nla_policy policy_policy[THINVM_A_POLICY_MAX + 1] = {
	[THINVM_A_POLICY_GENERATION] = POL_U64,
	[THINVM_A_POLICY_HC_CEILING] = POL_U64,
	[THINVM_A_POLICY_HC_DEFAULT] = POL_U64,
	[THINVM_A_POLICY_HOTPLUG_MODE] = POL_U32,
	[THINVM_A_POLICY_HIDDEN_FEATURES] = POL_U64,
	[THINVM_A_POLICY_VM_MAX_VCPUS] = POL_U32,
	[THINVM_A_POLICY_HV_VCPU_LIMIT] = POL_U32,
};

static const struct nla_policy vm_policy[THINVM_A_VM_MAX + 1] = {
	[THINVM_A_VM_ID] = POL_U32,
	[THINVM_A_VM_PID] = POL_U32,
	[THINVM_A_VM_NAME] = { .type = NLA_STRING, .maxlen = THINVM_VM_NAME_MAX },
	[THINVM_A_VM_VCPUS] = POL_U32,
	[THINVM_A_VM_POLICY_GENERATION] = POL_U64,
	[THINVM_A_VM_HC_EXIT_MASK] = POL_U64,
	[THINVM_A_VM_HC_REQUESTED] = POL_U64,
	[THINVM_A_VM_HIDDEN_FEATURES] = POL_U64,
	[THINVM_A_VM_MAX_VCPUS] = POL_U32,
	[THINVM_A_VM_HAS_RUN] = POL_U8,
};

/* No length limit on the reason: a long one is cut to TNL_REASON_MAX. */
static const struct nla_policy cpu_policy[THINVM_A_CPU_MAX + 1] = {
	[THINVM_A_CPU_ID] = POL_U32,
	[THINVM_A_CPU_ONLINE] = POL_U8,
	[THINVM_A_CPU_STATE] = POL_U32,
	[THINVM_A_CPU_REASON] = { .type = NLA_STRING },
	[THINVM_A_CPU_VIRT_ON] = POL_U8,
};

static const struct nla_policy hc_policy[THINVM_A_HYPERCALL_MAX + 1] = {
	[THINVM_A_HYPERCALL_NR] = POL_U64,
	[THINVM_A_HYPERCALL_SUPPRESSED] = POL_U32,
};

/* The arrays' lengths are checked by hand: whole entries, not too many. */
static const struct nla_policy profile_policy[THINVM_A_PROFILE_MAX + 1] = {
	[THINVM_A_PROFILE_VERSION] = POL_U32,
	[THINVM_A_PROFILE_VENDOR] = { .type = NLA_STRING, .maxlen = TNL_VENDOR_MAX },
	[THINVM_A_PROFILE_POLICY_GENERATION] = POL_U64,
	[THINVM_A_PROFILE_FEATURES] = POL_U64,
	[THINVM_A_PROFILE_HIDDEN_FEATURES] = POL_U64,
	[THINVM_A_PROFILE_CPUID] = { .type = NLA_UNSPEC },
	[THINVM_A_PROFILE_VMX_MSRS] = { .type = NLA_UNSPEC },
	[THINVM_A_PROFILE_MAX_VCPUS] = POL_U32,
	[THINVM_A_PROFILE_HV_VCPU_LIMIT] = POL_U32,
	[THINVM_A_PROFILE_HC_SUPPORTED] = POL_U64,
};

/* nla_parse(), and bytes left over that make no attribute are malformed too. */
static int parse_attrs(struct nlattr **tb, int max, struct nlattr *head, int len,
		       const struct nla_policy *policy)
{
	struct nlattr *nla;
	int rem;

	if (nla_parse(tb, max, head, len, policy) < 0)
		return -EPROTO;
	nla_for_each_attr(nla, head, len, rem) {
	}
	return rem > 0 ? -EPROTO : 0;
}

static int parse_nest(struct nlattr **tb, int max, struct nlattr *nest,
		      const struct nla_policy *policy)
{
	return parse_attrs(tb, max, nla_data(nest), nla_len(nest), policy);
}

/* TNL_FIELD() bits of the attributes present that the policy knows. */
static unsigned int fields_of(struct nlattr **tb, int max,
			      const struct nla_policy *policy)
{
	unsigned int fields = 0;

	for (int i = 0; i <= max; i++)
		if (tb[i] && policy[i].type != NLA_UNSPEC)
			fields |= TNL_FIELD(i);
	return fields;
}

static int require(unsigned int fields, unsigned int need)
{
	return (fields & need) == need ? 0 : -EPROTO;
}

/* The top-level attributes of a message of the family. */
static int parse_top(const struct nlmsghdr *nlh, struct nlattr **tb)
{
	struct nlmsghdr *m = (struct nlmsghdr *)nlh;
	const struct genlmsghdr *g;

	if (!genlmsg_valid_hdr(m, 0))
		return -EPROTO;
	g = nlmsg_data(m);
	return parse_attrs(tb, THINVM_A_MAX, genlmsg_attrdata(g, 0),
			   genlmsg_attrlen(g, 0), top_policy);
}

static int parse_policy_nest(struct nlattr *nest, struct tnl_policy *p)
{
	struct nlattr *tb[THINVM_A_POLICY_MAX + 1];
	int r = parse_nest(tb, THINVM_A_POLICY_MAX, nest, policy_policy);

	if (r)
		return r;
	memset(p, 0, sizeof(*p));
	p->fields = fields_of(tb, THINVM_A_POLICY_MAX, policy_policy);
	if (tb[THINVM_A_POLICY_GENERATION])
		p->generation = nla_get_u64(tb[THINVM_A_POLICY_GENERATION]);
	if (tb[THINVM_A_POLICY_HC_CEILING])
		p->hc_ceiling = nla_get_u64(tb[THINVM_A_POLICY_HC_CEILING]);
	if (tb[THINVM_A_POLICY_HC_DEFAULT])
		p->hc_default = nla_get_u64(tb[THINVM_A_POLICY_HC_DEFAULT]);
	if (tb[THINVM_A_POLICY_HOTPLUG_MODE])
		p->hotplug_mode = nla_get_u32(tb[THINVM_A_POLICY_HOTPLUG_MODE]);
	if (tb[THINVM_A_POLICY_HIDDEN_FEATURES])
		p->hidden_features = nla_get_u64(tb[THINVM_A_POLICY_HIDDEN_FEATURES]);
	if (tb[THINVM_A_POLICY_VM_MAX_VCPUS])
		p->vm_max_vcpus = nla_get_u32(tb[THINVM_A_POLICY_VM_MAX_VCPUS]);
	if (tb[THINVM_A_POLICY_HV_VCPU_LIMIT])
		p->hv_vcpu_limit = nla_get_u32(tb[THINVM_A_POLICY_HV_VCPU_LIMIT]);
	return 0;
}

static int parse_vm_nest(struct nlattr *nest, struct tnl_vm *vm)
{
	struct nlattr *tb[THINVM_A_VM_MAX + 1];
	int r = parse_nest(tb, THINVM_A_VM_MAX, nest, vm_policy);

	if (r)
		return r;
	memset(vm, 0, sizeof(*vm));
	vm->fields = fields_of(tb, THINVM_A_VM_MAX, vm_policy);
	if (tb[THINVM_A_VM_ID])
		vm->id = nla_get_u32(tb[THINVM_A_VM_ID]);
	if (tb[THINVM_A_VM_PID])
		vm->pid = nla_get_u32(tb[THINVM_A_VM_PID]);
	if (tb[THINVM_A_VM_NAME])
		nla_strlcpy(vm->name, tb[THINVM_A_VM_NAME], sizeof(vm->name));
	if (tb[THINVM_A_VM_VCPUS])
		vm->vcpus = nla_get_u32(tb[THINVM_A_VM_VCPUS]);
	if (tb[THINVM_A_VM_POLICY_GENERATION])
		vm->policy_generation = nla_get_u64(tb[THINVM_A_VM_POLICY_GENERATION]);
	if (tb[THINVM_A_VM_HC_EXIT_MASK])
		vm->hc_exit_mask = nla_get_u64(tb[THINVM_A_VM_HC_EXIT_MASK]);
	if (tb[THINVM_A_VM_HC_REQUESTED])
		vm->hc_requested = nla_get_u64(tb[THINVM_A_VM_HC_REQUESTED]);
	if (tb[THINVM_A_VM_HIDDEN_FEATURES])
		vm->hidden_features = nla_get_u64(tb[THINVM_A_VM_HIDDEN_FEATURES]);
	if (tb[THINVM_A_VM_MAX_VCPUS])
		vm->max_vcpus = nla_get_u32(tb[THINVM_A_VM_MAX_VCPUS]);
	if (tb[THINVM_A_VM_HAS_RUN])
		vm->has_run = nla_get_u8(tb[THINVM_A_VM_HAS_RUN]) != 0;
	return 0;
}

static int parse_cpu_nest(struct nlattr *nest, struct tnl_cpu *cpu)
{
	struct nlattr *tb[THINVM_A_CPU_MAX + 1];
	int r = parse_nest(tb, THINVM_A_CPU_MAX, nest, cpu_policy);

	if (r)
		return r;
	memset(cpu, 0, sizeof(*cpu));
	cpu->fields = fields_of(tb, THINVM_A_CPU_MAX, cpu_policy);
	if (tb[THINVM_A_CPU_ID])
		cpu->id = nla_get_u32(tb[THINVM_A_CPU_ID]);
	if (tb[THINVM_A_CPU_ONLINE])
		cpu->online = nla_get_u8(tb[THINVM_A_CPU_ONLINE]) != 0;
	if (tb[THINVM_A_CPU_STATE])
		cpu->state = nla_get_u32(tb[THINVM_A_CPU_STATE]);
	if (tb[THINVM_A_CPU_REASON])
		nla_strlcpy(cpu->reason, tb[THINVM_A_CPU_REASON], sizeof(cpu->reason));
	if (tb[THINVM_A_CPU_VIRT_ON])
		cpu->virt_on = nla_get_u8(tb[THINVM_A_CPU_VIRT_ON]) != 0;
	return 0;
}

static int parse_hc_nest(struct nlattr *nest, struct tnl_hypercall *hc)
{
	struct nlattr *tb[THINVM_A_HYPERCALL_MAX + 1];
	int r = parse_nest(tb, THINVM_A_HYPERCALL_MAX, nest, hc_policy);

	if (r)
		return r;
	memset(hc, 0, sizeof(*hc));
	hc->fields = fields_of(tb, THINVM_A_HYPERCALL_MAX, hc_policy);
	if (tb[THINVM_A_HYPERCALL_NR])
		hc->nr = nla_get_u64(tb[THINVM_A_HYPERCALL_NR]);
	if (tb[THINVM_A_HYPERCALL_SUPPRESSED])
		hc->suppressed = nla_get_u32(tb[THINVM_A_HYPERCALL_SUPPRESSED]);
	return 0;
}

int tnl_parse_caps(const struct nlmsghdr *nlh, struct tnl_caps *caps)
{
	struct nlattr *top[THINVM_A_MAX + 1], *tb[THINVM_A_CAPS_MAX + 1];
	int r = parse_top(nlh, top);

	if (r)
		return r;
	if (!top[THINVM_A_CAPS])
		return -EPROTO;
	r = parse_nest(tb, THINVM_A_CAPS_MAX, top[THINVM_A_CAPS], caps_policy);
	if (r)
		return r;
	/*
	 * Every capability an old module has is always sent: a missing one is
	 * no "zero". FEATURES is newer: its absence means no feature policy.
	 */
	for (int i = THINVM_A_CAPS_VENDOR; i <= THINVM_A_CAPS_POSSIBLE_CPUS; i++)
		if (!tb[i])
			return -EPROTO;
	memset(caps, 0, sizeof(*caps));
	caps->fields = fields_of(tb, THINVM_A_CAPS_MAX, caps_policy);
	if (tb[THINVM_A_CAPS_FEATURES])
		caps->features = nla_get_u64(tb[THINVM_A_CAPS_FEATURES]);
	nla_strlcpy(caps->vendor, tb[THINVM_A_CAPS_VENDOR], sizeof(caps->vendor));
	caps->hc_supported = nla_get_u64(tb[THINVM_A_CAPS_HC_SUPPORTED]);
	caps->hotplug_modes = nla_get_u32(tb[THINVM_A_CAPS_HOTPLUG_MODES]);
	caps->max_vcpus = nla_get_u32(tb[THINVM_A_CAPS_MAX_VCPUS]);
	caps->possible_cpus = nla_get_u32(tb[THINVM_A_CAPS_POSSIBLE_CPUS]);
	return 0;
}

int tnl_parse_policy(const struct nlmsghdr *nlh, struct tnl_policy *policy)
{
	struct nlattr *top[THINVM_A_MAX + 1];
	int r = parse_top(nlh, top);

	if (r)
		return r;
	if (!top[THINVM_A_POLICY])
		return -EPROTO;
	r = parse_policy_nest(top[THINVM_A_POLICY], policy);
	return r ? r : require(policy->fields, TNL_POLICY_BASE);
}

#define VM_REPLY_FIELDS (TNL_VM_ID | TNL_VM_PID | TNL_VM_VCPUS | \
			 TNL_VM_POLICY_GENERATION | TNL_VM_HC_EXIT_MASK | \
			 TNL_VM_HC_REQUESTED)

int tnl_parse_vm(const struct nlmsghdr *nlh, struct tnl_vm *vm)
{
	struct nlattr *top[THINVM_A_MAX + 1];
	int r = parse_top(nlh, top);

	if (r)
		return r;
	if (!top[THINVM_A_VM])
		return -EPROTO;
	r = parse_vm_nest(top[THINVM_A_VM], vm);
	return r ? r : require(vm->fields, VM_REPLY_FIELDS);
}

#define CPU_REPLY_FIELDS (TNL_CPU_ID | TNL_CPU_ONLINE | TNL_CPU_STATE | \
			  TNL_CPU_VIRT_ON)

int tnl_parse_cpu(const struct nlmsghdr *nlh, struct tnl_cpu *cpu)
{
	struct nlattr *top[THINVM_A_MAX + 1];
	int r = parse_top(nlh, top);

	if (r)
		return r;
	if (!top[THINVM_A_CPU])
		return -EPROTO;
	r = parse_cpu_nest(top[THINVM_A_CPU], cpu);
	return r ? r : require(cpu->fields, CPU_REPLY_FIELDS);
}

/*
 * A binary attribute holding whole @size-byte entries, at most @max of
 * them, copied into @out: the count, or -EPROTO.
 */
static int get_array(const struct nlattr *a, size_t size, unsigned int max, void *out)
{
	size_t len = (size_t)nla_len(a);

	if (len % size || len / size > max)
		return -EPROTO;
	memcpy(out, nla_data(a), len);
	return (int)(len / size);
}

int tnl_parse_profile(const struct nlmsghdr *nlh, struct tnl_profile *p)
{
	struct nlattr *top[THINVM_A_MAX + 1], *tb[THINVM_A_PROFILE_MAX + 1];
	int r = parse_top(nlh, top), n;

	if (r)
		return r;
	if (!top[THINVM_A_PROFILE])
		return -EPROTO;
	r = parse_nest(tb, THINVM_A_PROFILE_MAX, top[THINVM_A_PROFILE], profile_policy);
	if (r)
		return r;
	for (int i = THINVM_A_PROFILE_VERSION; i <= THINVM_A_PROFILE_MAX; i++)
		if (!tb[i] && i != THINVM_A_PROFILE_VMX_MSRS)
			return -EPROTO;
	/* Another version means other meanings: read as this one, it would lie. */
	if (nla_get_u32(tb[THINVM_A_PROFILE_VERSION]) != THINVM_PROFILE_VERSION)
		return -EPROTO;
	memset(p, 0, sizeof(*p));
	p->version = THINVM_PROFILE_VERSION;
	nla_strlcpy(p->vendor, tb[THINVM_A_PROFILE_VENDOR], sizeof(p->vendor));
	p->policy_generation = nla_get_u64(tb[THINVM_A_PROFILE_POLICY_GENERATION]);
	p->features = nla_get_u64(tb[THINVM_A_PROFILE_FEATURES]);
	p->hidden_features = nla_get_u64(tb[THINVM_A_PROFILE_HIDDEN_FEATURES]);
	p->max_vcpus = nla_get_u32(tb[THINVM_A_PROFILE_MAX_VCPUS]);
	p->hv_vcpu_limit = nla_get_u32(tb[THINVM_A_PROFILE_HV_VCPU_LIMIT]);
	p->hc_supported = nla_get_u64(tb[THINVM_A_PROFILE_HC_SUPPORTED]);
	n = get_array(tb[THINVM_A_PROFILE_CPUID], sizeof(p->cpuid[0]),
		      TNL_PROFILE_CPUID_MAX, p->cpuid);
	if (n < 0)
		return n;
	p->n_cpuid = (unsigned int)n;
	/* The module leaves an empty array out: none on SVM. */
	if (tb[THINVM_A_PROFILE_VMX_MSRS]) {
		n = get_array(tb[THINVM_A_PROFILE_VMX_MSRS], sizeof(p->vmx_msrs[0]),
			      TNL_PROFILE_VMX_MSRS_MAX, p->vmx_msrs);
		/* VMX capability MSRs on another vendor would mean nothing. */
		if (n < 0 || (n > 0 && strcmp(p->vendor, "vmx")))
			return -EPROTO;
		p->n_vmx_msrs = (unsigned int)n;
	}
	return 0;
}

/* What says which VM or CPU an event is about (<linux/thinvm.h>, "Events"). */
static int check_event(const struct tnl_event *ev)
{
	bool vm = (ev->has & TNL_EV_VM) && (ev->vm.fields & TNL_VM_ID);
	bool cpu = (ev->has & TNL_EV_CPU) && (ev->cpu.fields & TNL_CPU_ID);

	switch (ev->cmd) {
	case THINVM_CMD_VM_CREATED:
	case THINVM_CMD_VM_DESTROYED:
		return vm ? 0 : -EPROTO;
	case THINVM_CMD_VM_RENAMED:
		return vm && (ev->vm.fields & TNL_VM_NAME) ? 0 : -EPROTO;
	case THINVM_CMD_CPU_ADMITTED:
	case THINVM_CMD_CPU_REFUSED:
	case THINVM_CMD_CPU_QUARANTINED:
	case THINVM_CMD_CPU_OFFLINE:
		return cpu ? 0 : -EPROTO;
	case THINVM_CMD_POLICY_APPLIED:
		return vm || (ev->has & TNL_EV_POLICY) ? 0 : -EPROTO;
	case THINVM_CMD_HYPERCALL_REFUSED:
		return vm && (ev->has & TNL_EV_HYPERCALL) &&
		       (ev->hc.fields & TNL_HC_NR) ? 0 : -EPROTO;
	default:
		return 0;	/* a newer module's: whatever could be read */
	}
}

int tnl_parse_event(const struct nlmsghdr *nlh, struct tnl_event *ev)
{
	struct nlattr *top[THINVM_A_MAX + 1];
	int r = parse_top(nlh, top);

	memset(ev, 0, sizeof(*ev));
	if (r)
		return r;
	ev->cmd = ((const struct genlmsghdr *)NLMSG_DATA(nlh))->cmd;
	if (top[THINVM_A_VM]) {
		r = parse_vm_nest(top[THINVM_A_VM], &ev->vm);
		if (r)
			return r;
		ev->has |= TNL_EV_VM;
	}
	if (top[THINVM_A_CPU]) {
		r = parse_cpu_nest(top[THINVM_A_CPU], &ev->cpu);
		if (r)
			return r;
		ev->has |= TNL_EV_CPU;
	}
	if (top[THINVM_A_POLICY]) {
		r = parse_policy_nest(top[THINVM_A_POLICY], &ev->policy);
		if (r)
			return r;
		ev->has |= TNL_EV_POLICY;
	}
	if (top[THINVM_A_HYPERCALL]) {
		r = parse_hc_nest(top[THINVM_A_HYPERCALL], &ev->hc);
		if (r)
			return r;
		ev->has |= TNL_EV_HYPERCALL;
	}
	return check_event(ev);
}

/* Commands */

static int caps_reply(const struct nlmsghdr *nlh, void *arg)
{
	return tnl_parse_caps(nlh, arg);
}

static int policy_reply(const struct nlmsghdr *nlh, void *arg)
{
	return tnl_parse_policy(nlh, arg);
}

static int vm_reply(const struct nlmsghdr *nlh, void *arg)
{
	return tnl_parse_vm(nlh, arg);
}

static int cpu_reply(const struct nlmsghdr *nlh, void *arg)
{
	return tnl_parse_cpu(nlh, arg);
}

static int profile_reply(const struct nlmsghdr *nlh, void *arg)
{
	return tnl_parse_profile(nlh, arg);
}

/* A nest holding one id, as GET_VM and GET_CPU take. */
static int put_id(struct nl_msg *msg, int nest_type, int id_type, uint32_t id)
{
	struct nlattr *nest = nla_nest_start(msg, nest_type);

	if (!nest || nla_put_u32(msg, id_type, id) < 0)
		return -EMSGSIZE;
	return nla_nest_end(msg, nest) < 0 ? -EMSGSIZE : 0;
}

/* THINVM_A_FLAGS is optional: left out when there are none. */
static int put_flags(struct nl_msg *msg, uint32_t flags)
{
	if (flags && nla_put_u32(msg, THINVM_A_FLAGS, flags) < 0)
		return -EMSGSIZE;
	return 0;
}

static int put_u64_if(struct nl_msg *msg, bool put, int type, uint64_t v)
{
	return put && nla_put_u64(msg, type, v) < 0 ? -EMSGSIZE : 0;
}

static int put_u32_if(struct nl_msg *msg, bool put, int type, uint32_t v)
{
	return put && nla_put_u32(msg, type, v) < 0 ? -EMSGSIZE : 0;
}

static int put_policy(struct nl_msg *msg, const struct tnl_policy *p,
		      unsigned int fields)
{
	struct nlattr *nest = nla_nest_start(msg, THINVM_A_POLICY);

	if (!nest ||
	    put_u64_if(msg, fields & TNL_POLICY_GENERATION,
		       THINVM_A_POLICY_GENERATION, p->generation) ||
	    put_u64_if(msg, fields & TNL_POLICY_HC_CEILING,
		       THINVM_A_POLICY_HC_CEILING, p->hc_ceiling) ||
	    put_u64_if(msg, fields & TNL_POLICY_HC_DEFAULT,
		       THINVM_A_POLICY_HC_DEFAULT, p->hc_default) ||
	    put_u32_if(msg, fields & TNL_POLICY_HOTPLUG_MODE,
		       THINVM_A_POLICY_HOTPLUG_MODE, p->hotplug_mode) ||
	    put_u64_if(msg, fields & TNL_POLICY_HIDDEN_FEATURES,
		       THINVM_A_POLICY_HIDDEN_FEATURES, p->hidden_features) ||
	    put_u32_if(msg, fields & TNL_POLICY_VM_MAX_VCPUS,
		       THINVM_A_POLICY_VM_MAX_VCPUS, p->vm_max_vcpus) ||
	    put_u32_if(msg, fields & TNL_POLICY_HV_VCPU_LIMIT,
		       THINVM_A_POLICY_HV_VCPU_LIMIT, p->hv_vcpu_limit))
		return -EMSGSIZE;
	/* An empty nest is still sent: the kernel decides what it means. */
	return nla_nest_end_keep_empty(msg, nest) < 0 ? -EMSGSIZE : 0;
}

static int put_vm_policy(struct nl_msg *msg, const struct tnl_vm *vm,
			 unsigned int fields)
{
	struct nlattr *nest = nla_nest_start(msg, THINVM_A_VM);

	if (!nest || nla_put_u32(msg, THINVM_A_VM_ID, vm->id) < 0 ||
	    put_u64_if(msg, fields & TNL_VM_HC_EXIT_MASK,
		       THINVM_A_VM_HC_EXIT_MASK, vm->hc_exit_mask) ||
	    put_u64_if(msg, fields & TNL_VM_HIDDEN_FEATURES,
		       THINVM_A_VM_HIDDEN_FEATURES, vm->hidden_features) ||
	    put_u32_if(msg, fields & TNL_VM_MAX_VCPUS,
		       THINVM_A_VM_MAX_VCPUS, vm->max_vcpus) ||
	    put_u64_if(msg, fields & TNL_VM_POLICY_GENERATION,
		       THINVM_A_VM_POLICY_GENERATION, vm->policy_generation))
		return -EMSGSIZE;
	return nla_nest_end(msg, nest) < 0 ? -EMSGSIZE : 0;
}

int tnl_get_caps(struct tnl *h, struct tnl_caps *caps)
{
	_cleanup_msg_ struct nl_msg *msg = new_request(h, THINVM_CMD_GET_CAPS, 0);

	if (!msg)
		return -ENOMEM;
	return do_request(h, msg, caps_reply, caps);
}

int tnl_get_policy(struct tnl *h, struct tnl_policy *policy)
{
	_cleanup_msg_ struct nl_msg *msg = new_request(h, THINVM_CMD_GET_POLICY, 0);

	if (!msg)
		return -ENOMEM;
	return do_request(h, msg, policy_reply, policy);
}

int tnl_set_policy(struct tnl *h, const struct tnl_policy *want,
		   unsigned int fields, uint32_t flags, struct tnl_policy *reply)
{
	_cleanup_msg_ struct nl_msg *msg = NULL;
	struct tnl_policy ignored;
	int r;

	if (!reply)
		reply = &ignored;
	if (fields & ~TNL_POLICY_ALL)
		return -EINVAL;
	msg = new_request(h, THINVM_CMD_SET_POLICY, 0);
	if (!msg)
		return -ENOMEM;
	r = put_policy(msg, want, fields);
	if (!r)
		r = put_flags(msg, flags);
	return r ? r : do_request(h, msg, policy_reply, reply);
}

int tnl_get_vm(struct tnl *h, uint32_t id, struct tnl_vm *vm)
{
	_cleanup_msg_ struct nl_msg *msg = new_request(h, THINVM_CMD_GET_VM, 0);
	int r;

	if (!msg)
		return -ENOMEM;
	r = put_id(msg, THINVM_A_VM, THINVM_A_VM_ID, id);
	return r ? r : do_request(h, msg, vm_reply, vm);
}

int tnl_set_vm_policy(struct tnl *h, const struct tnl_vm *want,
		      unsigned int fields, uint32_t flags, struct tnl_vm *reply)
{
	_cleanup_msg_ struct nl_msg *msg = NULL;
	struct tnl_vm ignored;
	int r;

	if (!reply)
		reply = &ignored;
	if (fields & ~(TNL_VM_ID | TNL_VM_HC_EXIT_MASK | TNL_VM_HIDDEN_FEATURES |
		       TNL_VM_MAX_VCPUS | TNL_VM_POLICY_GENERATION))
		return -EINVAL;
	msg = new_request(h, THINVM_CMD_SET_VM_POLICY, 0);
	if (!msg)
		return -ENOMEM;
	r = put_vm_policy(msg, want, fields);
	if (!r)
		r = put_flags(msg, flags);
	return r ? r : do_request(h, msg, vm_reply, reply);
}

int tnl_get_cpu(struct tnl *h, uint32_t id, struct tnl_cpu *cpu)
{
	_cleanup_msg_ struct nl_msg *msg = new_request(h, THINVM_CMD_GET_CPU, 0);
	int r;

	if (!msg)
		return -ENOMEM;
	r = put_id(msg, THINVM_A_CPU, THINVM_A_CPU_ID, id);
	return r ? r : do_request(h, msg, cpu_reply, cpu);
}

int tnl_get_profile(struct tnl *h, struct tnl_profile *out)
{
	_cleanup_msg_ struct nl_msg *msg = new_request(h, THINVM_CMD_GET_PROFILE, 0);
	int r;

	if (!msg)
		return -ENOMEM;
	r = do_request(h, msg, profile_reply, out);
	/* Generic netlink's answer to a command the family does not have. */
	if (r == -EOPNOTSUPP && !h->errmsg[0])
		set_error(h, "the thinvm module has no host profile (GET_PROFILE): it is older than this program");
	return r;
}

struct vm_dump {
	tnl_vm_cb cb;
	void *arg;
};

static int vm_dump_one(const struct nlmsghdr *nlh, void *arg)
{
	const struct vm_dump *d = arg;
	struct tnl_vm vm;
	int r = tnl_parse_vm(nlh, &vm);

	return r ? r : d->cb(&vm, d->arg);
}

int tnl_dump_vms(struct tnl *h, tnl_vm_cb cb, void *arg)
{
	struct vm_dump d = { .cb = cb, .arg = arg };

	return dump(h, THINVM_CMD_GET_VM, vm_dump_one, &d);
}

struct cpu_dump {
	tnl_cpu_cb cb;
	void *arg;
};

static int cpu_dump_one(const struct nlmsghdr *nlh, void *arg)
{
	const struct cpu_dump *d = arg;
	struct tnl_cpu cpu;
	int r = tnl_parse_cpu(nlh, &cpu);

	return r ? r : d->cb(&cpu, d->arg);
}

int tnl_dump_cpus(struct tnl *h, tnl_cpu_cb cb, void *arg)
{
	struct cpu_dump d = { .cb = cb, .arg = arg };

	return dump(h, THINVM_CMD_GET_CPU, cpu_dump_one, &d);
}

int tnl_request_raw(struct tnl *h, uint8_t cmd, uint8_t version,
		    uint16_t reserved, int nlmsg_flags, const void *payload,
		    size_t len)
{
	_cleanup_msg_ struct nl_msg *msg = NULL;
	struct request req = { .type = h->family };
	struct genlmsghdr *g;

	if (len > UINT16_MAX)
		return -EMSGSIZE;
	msg = nlmsg_alloc_size(NLMSG_SPACE(GENL_HDRLEN + len));
	if (!msg)
		return -ENOMEM;
	if (!nlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, h->family, GENL_HDRLEN,
		       nlmsg_flags))
		return -EMSGSIZE;
	g = nlmsg_data(nlmsg_hdr(msg));
	g->cmd = cmd;
	g->version = version;
	g->reserved = reserved;
	/* No padding (0): the bytes exactly as given, odd lengths included. */
	if (len && nlmsg_append(msg, (void *)payload, len, 0) < 0)
		return -EMSGSIZE;
	return transact(h, msg, &req);
}

/*
 * Events. Read with recvmsg() rather than libnl: libnl reports ENOBUFS,
 * lost events, as "out of memory", and this distinction matters here.
 */

int tnl_subscribe(struct tnl *h)
{
	struct nl_sock *sk;
	int r;

	clear_error(h);
	if (h->ev_sk)
		return 0;
	if (!h->events_group) {
		set_error(h, "the family has no \"%s\" group", THINVM_GENL_MCGRP_EVENTS);
		return -ENOENT;
	}
	if (!h->ev_buf && !(h->ev_buf = malloc(EV_BUF_SIZE)))
		return -ENOMEM;
	sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	/* Multicast messages answer nothing: no sequence to check. */
	nl_socket_disable_seq_check(sk);
	r = nle_to_errno(genl_connect(sk));
	if (!r)
		r = nle_to_errno(nl_socket_set_nonblocking(sk));
	/* Room for bursts: every CPU going offline at once, say. */
	if (!r)
		r = nle_to_errno(nl_socket_set_buffer_size(sk, EV_RCVBUF, 0));
	if (!r)
		r = nle_to_errno(nl_socket_add_membership(sk, (int)h->events_group));
	if (r) {
		nl_socket_free(sk);
		return r;
	}
	h->ev_sk = sk;
	h->ev_len = h->ev_off = 0;
	return 0;
}

int tnl_event_fd(const struct tnl *h)
{
	return h->ev_sk ? nl_socket_get_fd(h->ev_sk) : -ENOTCONN;
}

/* The next event left in the last datagram: 1, 0 when there is none, -EPROTO. */
static int next_buffered(struct tnl *h, struct tnl_event *ev)
{
	while (h->ev_off < h->ev_len) {
		const struct nlmsghdr *nlh =
			(const struct nlmsghdr *)(h->ev_buf + h->ev_off);

		if (!nlmsg_ok(nlh, (int)(h->ev_len - h->ev_off))) {
			h->ev_off = h->ev_len;
			set_error(h, "truncated event message");
			return -EPROTO;
		}
		h->ev_off += NLMSG_ALIGN(nlh->nlmsg_len);
		if (nlh->nlmsg_type != h->family)
			continue;
		if (tnl_parse_event(nlh, ev) < 0) {
			set_error(h, "malformed event");
			return -EPROTO;
		}
		return 1;
	}
	return 0;
}

/* One datagram into the buffer; -EAGAIN if there was none after all. */
static int read_events(struct tnl *h)
{
	struct sockaddr_nl from = { 0 };
	struct iovec iov = { .iov_base = h->ev_buf, .iov_len = EV_BUF_SIZE };
	struct msghdr mh = {
		.msg_name = &from,
		.msg_namelen = sizeof(from),
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};
	ssize_t n;

	h->ev_len = h->ev_off = 0;
	n = recvmsg(nl_socket_get_fd(h->ev_sk), &mh, 0);
	if (n < 0) {
		if (errno == ENOBUFS)
			set_error(h, "events were lost: the socket overflowed");
		return -errno;
	}
	if (mh.msg_flags & MSG_TRUNC) {
		set_error(h, "an event did not fit in %d bytes", EV_BUF_SIZE);
		return -EMSGSIZE;
	}
	/* Only the kernel sends events; anything else is dropped. */
	if (from.nl_pid == 0)
		h->ev_len = (size_t)n;
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 1 when the event socket is readable, 0 at @deadline (-1: none). */
static int wait_readable(const struct tnl *h, int64_t deadline)
{
	struct pollfd pfd = { .fd = nl_socket_get_fd(h->ev_sk), .events = POLLIN };

	for (;;) {
		int64_t left = deadline < 0 ? -1 : deadline - now_ms();
		int n;

		if (deadline >= 0 && left < 0)
			left = 0;
		n = poll(&pfd, 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (n > 0)
			return 1;
		if (n == 0 && (deadline < 0 || now_ms() < deadline))
			continue;	/* poll's own limit, not ours */
		if (n == 0)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
}

int tnl_next_event(struct tnl *h, struct tnl_event *ev, int timeout_ms)
{
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	int r;

	if (!h->ev_sk)
		return -ENOTCONN;
	clear_error(h);
	for (;;) {
		r = next_buffered(h, ev);
		if (r)
			return r;
		r = wait_readable(h, deadline);
		if (r <= 0)
			return r;
		r = read_events(h);
		if (r < 0 && r != -EAGAIN)
			return r;
	}
}
