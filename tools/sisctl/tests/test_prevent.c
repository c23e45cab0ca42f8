// SPDX-License-Identifier: GPL-2.0
/* Request messages for attach, detach and prevent, and the add reply. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "sisctl.h"
#include "internal.h"
#include "tap.h"

#define FAKE_FAMILY 0x42

static struct nl_msg *new_msg(uint8_t cmd, size_t size)
{
	struct nl_msg *msg = size ? nlmsg_alloc_size(size) : nlmsg_alloc();

	if (msg && !genlmsg_put(msg, 0, 1, FAKE_FAMILY, 0, 0, cmd, SIS_GENL_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

/* Attributes at the top level, validated as the kernel would see them. */
static const struct nla_policy req_policy[SIS_A_MAX + 1] = {
	[SIS_A_IFINDEX]		= { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[SIS_A_HOST_IFINDEX]	= { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[SIS_A_RULE]		= { .type = NLA_NESTED },
	[SIS_A_FAIL]		= { .type = NLA_U8 },
};

static int count_attrs(struct nl_msg *msg)
{
	struct genlmsghdr *g = nlmsg_data(nlmsg_hdr(msg));
	struct nlattr *a;
	int rem, n = 0;

	nla_for_each_attr(a, genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), rem)
		n++;
	return n;
}

TAP_SUITE(prevent_attach_msgs)
{
	struct nlattr *tb[SIS_A_MAX + 1];
	struct nl_msg *msg;
	bool good;

	msg = new_msg(SIS_CMD_ATTACH, 0);
	good = msg && !attach_fill(msg, 5, 3, -1) &&
	       !genlmsg_parse(nlmsg_hdr(msg), 0, tb, SIS_A_MAX, req_policy) &&
	       tb[SIS_A_IFINDEX] && nla_get_u32(tb[SIS_A_IFINDEX]) == 5 &&
	       tb[SIS_A_HOST_IFINDEX] && nla_get_u32(tb[SIS_A_HOST_IFINDEX]) == 3 &&
	       count_attrs(msg) == 2;
	tap_ok(good, "attach: SIS_A_IFINDEX and SIS_A_HOST_IFINDEX");
	nlmsg_free(msg);

	msg = new_msg(SIS_CMD_ATTACH, 0);
	good = msg && !attach_fill(msg, 5, 3, SIS_FAIL_OPEN) &&
	       !genlmsg_parse(nlmsg_hdr(msg), 0, tb, SIS_A_MAX, req_policy) &&
	       tb[SIS_A_FAIL] && nla_get_u8(tb[SIS_A_FAIL]) == SIS_FAIL_OPEN &&
	       count_attrs(msg) == 3;
	tap_ok(good, "attach fail open: SIS_A_FAIL too");
	nlmsg_free(msg);

	msg = new_msg(SIS_CMD_DETACH, 0);
	good = msg && !detach_fill(msg, 9) &&
	       !genlmsg_parse(nlmsg_hdr(msg), 0, tb, SIS_A_MAX, req_policy) &&
	       tb[SIS_A_IFINDEX] && nla_get_u32(tb[SIS_A_IFINDEX]) == 9 &&
	       count_attrs(msg) == 1;
	tap_ok(good, "detach: SIS_A_IFINDEX only");
	nlmsg_free(msg);
}

TAP_SUITE(prevent_add_msg)
{
	static const struct {
		const char *expr;
		uint8_t dir;
	} cases[] = {
		{ "udp dst port 9999", SIS_DIR_OUT },
		{ "arp", SIS_DIR_IN },
		{ "tcp port 22 or tcp port 23", SIS_DIR_ANY },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct nlattr *tb[SIS_A_MAX + 1], *rtb[SIS_RULE_A_MAX + 1];
		struct sock_filter *f = NULL;
		struct nl_msg *msg = new_msg(SIS_CMD_PREVENT_ADD, 0);
		unsigned int len = 0;
		char err[256];
		bool good;

		good = msg && !filter_compile(cases[i].expr, &f, &len, err, sizeof(err)) &&
		       !prevent_add_fill(msg, 5, cases[i].dir, f, len, cases[i].expr) &&
		       !genlmsg_parse(nlmsg_hdr(msg), 0, tb, SIS_A_MAX, req_policy) &&
		       count_attrs(msg) == 2 && tb[SIS_A_IFINDEX] &&
		       nla_get_u32(tb[SIS_A_IFINDEX]) == 5 && tb[SIS_A_RULE];
		/* Strict kernel validation wants NLA_F_NESTED on nests. */
		tap_ok(good && (tb[SIS_A_RULE]->nla_type & NLA_F_NESTED),
		       "prevent add \"%s\": ifindex and nested rule", cases[i].expr);
		good = good && !nla_parse_nested(rtb, SIS_RULE_A_MAX, tb[SIS_A_RULE], NULL);
		tap_ok(good && rtb[SIS_RULE_A_BPF] &&
		       nla_len(rtb[SIS_RULE_A_BPF]) == (int)(len * sizeof(*f)) &&
		       !memcmp(nla_data(rtb[SIS_RULE_A_BPF]), f, len * sizeof(*f)),
		       "prevent add \"%s\": SIS_RULE_A_BPF is the program", cases[i].expr);
		tap_ok(good && rtb[SIS_RULE_A_DIR] && nla_len(rtb[SIS_RULE_A_DIR]) == 1 &&
		       nla_get_u8(rtb[SIS_RULE_A_DIR]) == cases[i].dir,
		       "prevent add \"%s\": SIS_RULE_A_DIR is a u8 %u", cases[i].expr,
		       cases[i].dir);
		tap_ok(good && rtb[SIS_RULE_A_EXPR] &&
		       nla_len(rtb[SIS_RULE_A_EXPR]) == (int)strlen(cases[i].expr) + 1 &&
		       !strcmp(nla_data(rtb[SIS_RULE_A_EXPR]), cases[i].expr),
		       "prevent add \"%s\": SIS_RULE_A_EXPR with its NUL", cases[i].expr);
		tap_ok(good && !rtb[SIS_RULE_A_ID] && !rtb[SIS_RULE_A_MATCHES],
		       "prevent add \"%s\": nothing else in the rule", cases[i].expr);
		free(f);
		nlmsg_free(msg);
	}
}

TAP_SUITE(prevent_add_msg_max)
{
	struct sock_filter *f = calloc(BPF_MAXINSNS, sizeof(*f));
	char expr[SIS_RULE_EXPR_MAX];
	struct sis_nl *nl;
	struct nl_msg *msg;
	int r;

	/* The largest rule must fit the message sisctl allocates for it. */
	if (sis_nl_open_family(&nl, "nlctrl", 1) < 0) {
		tap_skip("no generic netlink here", "prevent add: largest rule fits");
		free(f);
		return;
	}
	memset(expr, 'x', sizeof(expr) - 1);
	expr[sizeof(expr) - 1] = '\0';
	f[BPF_MAXINSNS - 1].code = BPF_RET | BPF_K;
	msg = sis_nl_msg(nl, SIS_CMD_PREVENT_ADD,
			 BPF_MAXINSNS * sizeof(*f) + strlen(expr) + 64);
	r = msg ? prevent_add_fill(msg, 1, SIS_DIR_ANY, f, BPF_MAXINSNS, expr) : -ENOMEM;
	tap_eq(r, 0, "prevent add: largest rule fits");
	nlmsg_free(msg);
	sis_nl_close(nl);
	free(f);
}

TAP_SUITE(prevent_del_msg)
{
	struct nlattr *tb[SIS_A_MAX + 1], *rtb[SIS_RULE_A_MAX + 1];
	struct nl_msg *msg = new_msg(SIS_CMD_PREVENT_DEL, 0);
	bool good;

	good = msg && !prevent_del_fill(msg, 5, 77) &&
	       !genlmsg_parse(nlmsg_hdr(msg), 0, tb, SIS_A_MAX, req_policy) &&
	       tb[SIS_A_IFINDEX] && nla_get_u32(tb[SIS_A_IFINDEX]) == 5 &&
	       tb[SIS_A_RULE] && (tb[SIS_A_RULE]->nla_type & NLA_F_NESTED) &&
	       !nla_parse_nested(rtb, SIS_RULE_A_MAX, tb[SIS_A_RULE], NULL) &&
	       rtb[SIS_RULE_A_ID] && nla_len(rtb[SIS_RULE_A_ID]) == 4 &&
	       nla_get_u32(rtb[SIS_RULE_A_ID]) == 77 && !rtb[SIS_RULE_A_BPF];
	tap_ok(good, "prevent del: ifindex and rule id");
	nlmsg_free(msg);
}

TAP_SUITE(prevent_reply)
{
	enum { ID, NO_RULE, NO_ID, SHORT_ID, NOT_NESTED };
	static const struct {
		const char *name;
		int shape;
		int want;
		uint32_t id;
	} cases[] = {
		{ "id", ID, 0, 7 },
		{ "large id", ID, 0, UINT32_MAX },
		{ "no rule", NO_RULE, -ENOENT, 0 },
		{ "rule without id", NO_ID, -ENOENT, 0 },
		{ "short id", SHORT_ID, -EPROTO, 0 },
		{ "rule not a nest: no id", NOT_NESTED, -ENOENT, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct nl_msg *msg = new_msg(SIS_CMD_PREVENT_ADD, 0);
		struct nlattr *nest;
		uint32_t id = 0;
		int r;

		nla_put_u32(msg, SIS_A_IFINDEX, 5);
		switch (cases[i].shape) {
		case ID:
		case NO_ID:
		case SHORT_ID:
			nest = nla_nest_start(msg, SIS_A_RULE | NLA_F_NESTED);
			if (cases[i].shape == ID)
				nla_put_u32(msg, SIS_RULE_A_ID, cases[i].id);
			else if (cases[i].shape == SHORT_ID)
				nla_put_u8(msg, SIS_RULE_A_ID, 1);
			else
				nla_put_u8(msg, SIS_RULE_A_DIR, SIS_DIR_IN);
			nla_nest_end(msg, nest);
			break;
		case NOT_NESTED:
			nla_put_u8(msg, SIS_A_RULE, 1);
			break;
		}
		r = prevent_reply_id(nlmsg_hdr(msg), &id);
		tap_ok(r == cases[i].want && (r || id == cases[i].id),
		       "prevent add reply: %s", cases[i].name);
		nlmsg_free(msg);
	}
}
