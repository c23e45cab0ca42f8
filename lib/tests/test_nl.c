// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/* libsis netlink core: ack parsing, error mapping, and a live round trip. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include <linux/genetlink.h>

#include <sis/sis.h>
#include "internal.h"
#include "tap.h"

/* Append an attribute to a hand-built message. */
static size_t put_attr(unsigned char *b, size_t off, uint16_t type,
		       const void *data, size_t len)
{
	struct nlattr a = { .nla_len = NLA_HDRLEN + len, .nla_type = type };

	memcpy(b + off, &a, sizeof(a));
	memcpy(b + off + NLA_HDRLEN, data, len);
	return off + NLA_ALIGN(NLA_HDRLEN + len);
}

struct ack_case {
	const char *name;
	uint16_t type;		/* NLMSG_ERROR or NLMSG_DONE */
	int error;
	bool capped;
	size_t echo;		/* payload bytes of the echoed request */
	bool tlvs;		/* NLM_F_ACK_TLVS */
	bool offs_first;	/* an NLMSGERR_ATTR_OFFS before the message */
	const char *msg;	/* NLMSGERR_ATTR_MSG, NULL for none */
	bool no_nul;		/* message without its NUL */
	size_t truncate;	/* cut the message to this length, 0: no */
	size_t buflen;		/* caller buffer size */
	int want_error;
	const char *want_msg;
};

static size_t build_ack(unsigned char *b, const struct ack_case *c)
{
	struct nlmsghdr h = { .nlmsg_type = c->type, .nlmsg_seq = 7 };
	size_t off = NLMSG_HDRLEN;

	memset(b, 0, 1024);
	if (c->type == NLMSG_ERROR) {
		struct nlmsgerr e = { .error = c->error };

		e.msg.nlmsg_len = NLMSG_HDRLEN + c->echo;
		e.msg.nlmsg_type = 0x1234;
		memcpy(b + off, &e, sizeof(e));
		off += sizeof(e);
		if (c->capped) {
			h.nlmsg_flags |= NLM_F_CAPPED;
		} else {
			memset(b + off, 0xaa, c->echo);
			off += NLMSG_ALIGN(c->echo);
		}
	} else {
		memcpy(b + off, &c->error, sizeof(int));
		off += NLMSG_ALIGN(sizeof(int));
	}
	if (c->tlvs)
		h.nlmsg_flags |= NLM_F_ACK_TLVS;
	if (c->offs_first) {
		uint32_t o = 20;

		off = put_attr(b, off, NLMSGERR_ATTR_OFFS, &o, sizeof(o));
	}
	if (c->msg)
		off = put_attr(b, off, NLMSGERR_ATTR_MSG, c->msg,
			       strlen(c->msg) + !c->no_nul);
	h.nlmsg_len = c->truncate ? c->truncate : off;
	memcpy(b, &h, sizeof(h));
	return off;
}

static const struct ack_case ack_cases[] = {
	{ "ack, no TLVs", NLMSG_ERROR, 0, true, 0, false, false, NULL, false, 0,
	  SIS_EXTACK_MAX, 0, "" },
	{ "error, capped, message", NLMSG_ERROR, -EINVAL, true, 0, true, false,
	  "bridge not attached", false, 0, SIS_EXTACK_MAX, -EINVAL,
	  "bridge not attached" },
	{ "error, echoed request, message", NLMSG_ERROR, -ENOENT, false, 36, true,
	  false, "no such rule", false, 0, SIS_EXTACK_MAX, -ENOENT, "no such rule" },
	{ "error, unaligned echo", NLMSG_ERROR, -ENOSPC, false, 13, true, false,
	  "too many rules", false, 0, SIS_EXTACK_MAX, -ENOSPC, "too many rules" },
	{ "error, offset then message", NLMSG_ERROR, -EINVAL, true, 0, true, true,
	  "Unknown attribute type", false, 0, SIS_EXTACK_MAX, -EINVAL,
	  "Unknown attribute type" },
	{ "error, only an offset", NLMSG_ERROR, -EINVAL, true, 0, true, true,
	  NULL, false, 0, SIS_EXTACK_MAX, -EINVAL, "" },
	{ "error, TLV flag but no TLVs", NLMSG_ERROR, -EPERM, true, 0, true, false,
	  NULL, false, 0, SIS_EXTACK_MAX, -EPERM, "" },
	{ "error, TLVs without the flag", NLMSG_ERROR, -EBUSY, true, 0, false,
	  false, "ignored", false, 0, SIS_EXTACK_MAX, -EBUSY, "" },
	{ "ack with a warning", NLMSG_ERROR, 0, true, 0, true, false,
	  "deprecated", false, 0, SIS_EXTACK_MAX, 0, "deprecated" },
	{ "message truncated to buffer", NLMSG_ERROR, -EINVAL, true, 0, true, false,
	  "a long message here", false, 0, 7, -EINVAL, "a long" },
	{ "message without NUL is dropped", NLMSG_ERROR, -EINVAL, true, 0, true,
	  false, "abc", true, 0, SIS_EXTACK_MAX, -EINVAL, "" },
	{ "truncated nlmsgerr", NLMSG_ERROR, -EINVAL, true, 0, false, false, NULL,
	  false, NLMSG_HDRLEN + 4, SIS_EXTACK_MAX, -EPROTO, "" },
	{ "done, ok", NLMSG_DONE, 0, false, 0, false, false, NULL, false, 0,
	  SIS_EXTACK_MAX, 0, "" },
	{ "done, error and message", NLMSG_DONE, -ENOBUFS, false, 0, true, false,
	  "dump failed", false, 0, SIS_EXTACK_MAX, -ENOBUFS, "dump failed" },
	{ "done, no payload", NLMSG_DONE, -EIO, false, 0, false, false, NULL,
	  false, NLMSG_HDRLEN, SIS_EXTACK_MAX, 0, "" },
};

TAP_SUITE(nl_parse_ack)
{
	unsigned char b[1024];

	for (size_t i = 0; i < ARRAY_SIZE(ack_cases); i++) {
		const struct ack_case *c = &ack_cases[i];
		char msg[SIS_EXTACK_MAX];
		int r;

		memset(msg, 'x', sizeof(msg));
		build_ack(b, c);
		r = sis_nl_parse_ack((struct nlmsghdr *)b, msg, c->buflen);
		tap_ok(r == c->want_error && !strcmp(msg, c->want_msg),
		       "parse_ack: %s", c->name);
		if (r != c->want_error || strcmp(msg, c->want_msg))
			tap_diag("got %d \"%s\", want %d \"%s\"", r, msg,
				 c->want_error, c->want_msg);
	}

	/* No buffer: only the error code. */
	build_ack(b, &ack_cases[1]);
	tap_ok(sis_nl_parse_ack((struct nlmsghdr *)b, NULL, 0) == -EINVAL,
	       "parse_ack: without a message buffer");
}

TAP_SUITE(nl_errno)
{
	static const struct {
		int nlerr, want;
	} cases[] = {
		{ 0, 0 },
		{ -NLE_PERM, -EPERM },
		{ -NLE_OBJ_NOTFOUND, -ENOENT },
		{ -NLE_NOMEM, -ENOMEM },
		{ -NLE_EXIST, -EEXIST },
		{ -NLE_INVAL, -EINVAL },
		{ -NLE_BUSY, -EBUSY },
		{ -NLE_NODEV, -ENODEV },
		{ -NLE_DUMP_INTR, -EINTR },
		{ -NLE_SEQ_MISMATCH, -EPROTO },
		{ -NLE_ATTRSIZE, -EMSGSIZE },
		{ -(NLE_MAX + 1), -EIO },
		{ NLE_PERM, -EPERM },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		tap_eq(sis_nl_errno(cases[i].nlerr), cases[i].want,
		       "errno: libnl %d -> %d", cases[i].nlerr, cases[i].want);
}

/* Live: the kernel's own generic netlink controller, no SIS needed. */

struct family_scan {
	int messages;
	bool found;
	const char *want;
};

static int family_cb(const struct nlmsghdr *nlh, void *arg)
{
	static const struct nla_policy pol[CTRL_ATTR_MAX + 1] = {
		[CTRL_ATTR_FAMILY_NAME] = { .type = NLA_STRING },
	};
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct family_scan *s = arg;

	s->messages++;
	if (genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, CTRL_ATTR_MAX, pol) < 0)
		return -EPROTO;
	if (tb[CTRL_ATTR_FAMILY_NAME] &&
	    !strcmp(nla_get_string(tb[CTRL_ATTR_FAMILY_NAME]), s->want))
		s->found = true;
	return 0;
}

static int fail_cb(const struct nlmsghdr *nlh, void *arg)
{
	(void)nlh;
	(*(int *)arg)++;
	return -ECANCELED;
}

TAP_SUITE(nl_live)
{
	static const char *const names[] = {
		"open nlctrl", "dump families", "request with reply and ack",
		"request error", "a bad attribute is refused", "extended ack message",
		"callback error", "socket reusable after errors", "large request",
		"the controller answers for sis", "open sis, as the controller says",
	};
	char ext[SIS_EXTACK_MAX];
	struct family_scan s;
	struct sis_nl *nl, *sis;
	struct nl_msg *msg;
	unsigned char big[40000];
	int r, n, known;

	r = sis_nl_open_family(&nl, "nlctrl", 1);
	if (r < 0) {
		for (size_t i = 0; i < ARRAY_SIZE(names); i++)
			tap_skip("no generic netlink here", "live: %s", names[i]);
		return;
	}
	tap_eq(sis_nl_family(nl), GENL_ID_CTRL, "live: open nlctrl");

	msg = sis_nl_msg(nl, CTRL_CMD_GETFAMILY, 0);
	s = (struct family_scan){ .want = "nlctrl" };
	r = sis_nl_dump(nl, msg, family_cb, &s, ext, sizeof(ext));
	nlmsg_free(msg);
	tap_ok(r == 0 && s.messages >= 1 && s.found, "live: dump families");
	tap_diag("%d families, r=%d", s.messages, r);

	msg = sis_nl_msg(nl, CTRL_CMD_GETFAMILY, 0);
	nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	s = (struct family_scan){ .want = "nlctrl" };
	r = sis_nl_request(nl, msg, family_cb, &s, ext, sizeof(ext));
	nlmsg_free(msg);
	tap_ok(r == 0 && s.messages == 1 && s.found,
	       "live: request with reply and ack");

	msg = sis_nl_msg(nl, CTRL_CMD_GETFAMILY, 0);
	nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, "sis-nosuch");
	s = (struct family_scan){ .want = "" };
	r = sis_nl_request(nl, msg, family_cb, &s, ext, sizeof(ext));
	nlmsg_free(msg);
	tap_ok(r == -ENOENT && s.messages == 0, "live: request error");
	tap_diag("unknown family: r=%d extack \"%s\"", r, ext);

	/* A u8 where the policy wants a u16 draws a policy message. */
	msg = sis_nl_msg(nl, CTRL_CMD_GETFAMILY, 0);
	nla_put_u8(msg, CTRL_ATTR_FAMILY_ID, 1);
	r = sis_nl_request(nl, msg, NULL, NULL, ext, sizeof(ext));
	nlmsg_free(msg);
	/* Too short for its type: refused (-ERANGE) by every kernel, with a message. */
	tap_eq(r, -ERANGE, "live: a bad attribute is refused");
	tap_ok(ext[0], "live: extended ack message");
	tap_diag("bad attribute: r=%d extack \"%s\"", r, ext);

	/* The first callback error wins; the rest of the dump is drained. */
	msg = sis_nl_msg(nl, CTRL_CMD_GETFAMILY, 0);
	n = 0;
	r = sis_nl_dump(nl, msg, fail_cb, &n, ext, sizeof(ext));
	nlmsg_free(msg);
	tap_ok(r == -ECANCELED && n == 1, "live: callback error");

	msg = sis_nl_msg(nl, CTRL_CMD_GETFAMILY, 0);
	nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	s = (struct family_scan){ .want = "nlctrl" };
	r = sis_nl_request(nl, msg, family_cb, &s, ext, sizeof(ext));
	nlmsg_free(msg);
	tap_ok(r == 0 && s.found, "live: socket reusable after errors");

	/* As large as a prevent rule gets: must be sent, not EMSGSIZE. */
	memset(big, 0, sizeof(big));
	msg = sis_nl_msg(nl, CTRL_CMD_GETFAMILY, sizeof(big) + 64);
	r = msg ? 0 : -ENOMEM;
	if (!r && nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, "nlctrl") < 0)
		r = -EMSGSIZE;
	if (!r && nla_put(msg, CTRL_ATTR_MAX + 10, sizeof(big), big) < 0)
		r = -EMSGSIZE;
	if (!r)
		r = sis_nl_request(nl, msg, NULL, NULL, ext, sizeof(ext));
	nlmsg_free(msg);
	tap_diag("large request: r=%d extack \"%s\"", r, ext);
	tap_ok(r != -EMSGSIZE && r != -ENOBUFS && r != -ENOMEM && r != -EIO,
	       "live: large request");

	/*
	 * Opening the sis family fails with -ENOENT exactly when the
	 * controller does not know it (no module on the host), and works
	 * when it does.
	 */
	msg = sis_nl_msg(nl, CTRL_CMD_GETFAMILY, 0);
	nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, SIS_GENL_NAME);
	s = (struct family_scan){ .want = SIS_GENL_NAME };
	known = sis_nl_request(nl, msg, family_cb, &s, ext, sizeof(ext));
	nlmsg_free(msg);
	sis_nl_close(nl);
	tap_ok(known == -ENOENT || (known == 0 && s.found),
	       "live: the controller answers for sis");
	r = sis_nl_open(&sis);
	tap_eq(r, known ? -ENOENT : 0, "live: open sis, as the controller says");
	tap_diag("sis family %s", known ? "not registered" : "registered");
	sis_nl_close(sis);
}
