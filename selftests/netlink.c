// SPDX-License-Identifier: GPL-2.0
/*
 * Malformed and hostile requests to the "sis" family: each one is refused
 * with the right errno and a human-readable extended ack message, and
 * changes nothing (the bridge stays attached with no rules).
 *
 * Run by netlink.sh inside the appliance namespace, with SIS_BRIDGE and
 * SIS_HOST naming an attached bridge and its host port.
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/sis.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "kselftest_harness.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct reply {
	int error;		/* 0 or a negative errno */
	char msg[256];		/* extended ack message */
	int rules;		/* SIS_A_RULE seen in a dump */
	int bridges;		/* distinct bridge messages with a name */
};

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *hdr = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct reply *r = arg;
	unsigned int off = NLMSG_HDRLEN + sizeof(*e);

	(void)nla;
	r->error = e->error;
	if (!(hdr->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(hdr->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)hdr + off),
		      hdr->nlmsg_len - off, NULL) == 0 &&
	    tb[NLMSGERR_ATTR_MSG])
		snprintf(r->msg, sizeof(r->msg), "%s",
			 (char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *hdr = nlmsg_hdr(msg);
	struct nlattr *a;
	struct reply *r = arg;
	int rem;

	nlmsg_for_each_attr(a, hdr, GENL_HDRLEN, rem) {
		if (nla_type(a) == SIS_A_RULE)
			r->rules++;
		if (nla_type(a) == SIS_A_IFNAME)
			r->bridges++;
	}
	return NL_OK;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	(void)msg;
	((struct reply *)arg)->error = 0;
	return NL_STOP;
}

static int on_finish(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_STOP;
}

struct ctx {
	struct nl_sock *sk;
	int family;
	int br, host;
};

typedef void (*fill_fn)(struct nl_msg *msg, const struct ctx *c);

static int request(const struct ctx *c, uint8_t cmd, int flags,
		   fill_fn fill, bool reserved, struct reply *r)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	void *hdr;
	int err;

	memset(r, 0, sizeof(*r));
	r->error = 1;
	hdr = genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, c->family, 0,
			  NLM_F_REQUEST | NLM_F_ACK | flags, cmd,
			  SIS_GENL_VERSION);
	if (reserved)
		((struct genlmsghdr *)hdr - 1)->reserved = 1;
	if (fill)
		fill(msg, c);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, r);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, r);
	err = nl_send_auto(c->sk, msg);
	/* A reply (prevent add's rule id) comes before the ack. */
	while (err >= 0 && r->error == 1 && !(flags & NLM_F_DUMP))
		err = nl_recvmsgs(c->sk, cb);
	if (err >= 0 && flags & NLM_F_DUMP)
		err = nl_recvmsgs(c->sk, cb);
	if (r->error == 1 && flags & NLM_F_DUMP)
		r->error = 0;
	nl_cb_put(cb);
	nlmsg_free(msg);
	return err;
}

/* Request fillers: one malformation each. */
static void put_br(struct nl_msg *m, const struct ctx *c)
{
	nla_put_u32(m, SIS_A_IFINDEX, c->br);
}

static void put_host_only(struct nl_msg *m, const struct ctx *c)
{
	nla_put_u32(m, SIS_A_HOST_IFINDEX, c->host);
}

static void put_attach_ok(struct nl_msg *m, const struct ctx *c)
{
	put_br(m, c);
	nla_put_u32(m, SIS_A_HOST_IFINDEX, c->host);
}

static void put_ifindex_u8(struct nl_msg *m, const struct ctx *c)
{
	nla_put_u8(m, SIS_A_IFINDEX, 1);
	nla_put_u32(m, SIS_A_HOST_IFINDEX, c->host);
}

static void put_ifindex_zero(struct nl_msg *m, const struct ctx *c)
{
	nla_put_u32(m, SIS_A_IFINDEX, 0);
	nla_put_u32(m, SIS_A_HOST_IFINDEX, c->host);
}

static void put_unknown_attr(struct nl_msg *m, const struct ctx *c)
{
	put_attach_ok(m, c);
	nla_put_u32(m, SIS_A_MAX + 5, 1);
}

static void put_unknown_bridge(struct nl_msg *m, const struct ctx *c)
{
	nla_put_u32(m, SIS_A_IFINDEX, 999999);
	nla_put_u32(m, SIS_A_HOST_IFINDEX, c->host);
}

static void put_host_is_bridge(struct nl_msg *m, const struct ctx *c)
{
	put_br(m, c);
	nla_put_u32(m, SIS_A_HOST_IFINDEX, c->br);
}

static const struct sock_filter ret_all[] = {
	{ BPF_RET | BPF_K, 0, 0, 0x40000 },
};

static const struct sock_filter jump_out[] = {
	{ BPF_JMP | BPF_JEQ | BPF_K, 7, 0, 1 },
	{ BPF_RET | BPF_K, 0, 0, 0x40000 },
};

static void put_rule(struct nl_msg *m, const struct ctx *c,
		     const void *bpf, int bpf_len, int dir, const char *expr,
		     int expr_len, int id)
{
	struct nlattr *nest;

	put_br(m, c);
	nest = nla_nest_start(m, SIS_A_RULE);
	if (bpf)
		nla_put(m, SIS_RULE_A_BPF, bpf_len, bpf);
	if (dir >= 0)
		nla_put_u8(m, SIS_RULE_A_DIR, dir);
	if (expr)
		nla_put(m, SIS_RULE_A_EXPR, expr_len, expr);
	if (id)
		nla_put_u32(m, SIS_RULE_A_ID, id);
	nla_nest_end(m, nest);
}

static void put_rule_no_nest(struct nl_msg *m, const struct ctx *c)
{
	put_br(m, c);
}

static void put_rule_no_bpf(struct nl_msg *m, const struct ctx *c)
{
	put_rule(m, c, NULL, 0, SIS_DIR_IN, "x", 2, 0);
}

static void put_rule_bad_bpf(struct nl_msg *m, const struct ctx *c)
{
	put_rule(m, c, jump_out, sizeof(jump_out), -1, NULL, 0, 0);
}

static void put_rule_odd_len(struct nl_msg *m, const struct ctx *c)
{
	put_rule(m, c, ret_all, sizeof(ret_all) - 1, -1, NULL, 0, 0);
}

static void put_rule_too_long(struct nl_msg *m, const struct ctx *c)
{
	size_t n = BPF_MAXINSNS + 1;
	struct sock_filter *f = calloc(n, sizeof(*f));

	f[n - 1] = ret_all[0];
	put_rule(m, c, f, n * sizeof(*f), -1, NULL, 0, 0);
	free(f);
}

static void put_rule_bad_dir(struct nl_msg *m, const struct ctx *c)
{
	put_rule(m, c, ret_all, sizeof(ret_all), 9, NULL, 0, 0);
}

static void put_rule_dir_zero(struct nl_msg *m, const struct ctx *c)
{
	put_rule(m, c, ret_all, sizeof(ret_all), 0, NULL, 0, 0);
}

static void put_rule_long_expr(struct nl_msg *m, const struct ctx *c)
{
	char expr[SIS_RULE_EXPR_MAX + 1];

	memset(expr, 'a', sizeof(expr) - 1);
	expr[sizeof(expr) - 1] = 0;
	put_rule(m, c, ret_all, sizeof(ret_all), -1, expr, sizeof(expr), 0);
}

static void put_rule_unterminated(struct nl_msg *m, const struct ctx *c)
{
	put_rule(m, c, ret_all, sizeof(ret_all), -1, "icmp", 4, 0);
}

static void put_rule_with_id(struct nl_msg *m, const struct ctx *c)
{
	put_rule(m, c, ret_all, sizeof(ret_all), -1, NULL, 0, 5);
}

static void put_rule_unknown_nested(struct nl_msg *m, const struct ctx *c)
{
	struct nlattr *nest;

	put_br(m, c);
	nest = nla_nest_start(m, SIS_A_RULE);
	nla_put(m, SIS_RULE_A_BPF, sizeof(ret_all), ret_all);
	nla_put_u32(m, SIS_RULE_A_MAX + 3, 1);
	nla_nest_end(m, nest);
}

static void put_del_no_id(struct nl_msg *m, const struct ctx *c)
{
	put_rule(m, c, NULL, 0, SIS_DIR_IN, NULL, 0, 0);
}

static void put_del_unknown_id(struct nl_msg *m, const struct ctx *c)
{
	put_rule(m, c, NULL, 0, -1, NULL, 0, 77);
}


/* Scanner declarations. */
static void put_scanner_nest(struct nl_msg *m, const char *name, long uid,
			     long timeout)
{
	struct nlattr *n = nla_nest_start(m, SIS_A_SCANNER | NLA_F_NESTED);

	if (name)
		nla_put_string(m, SIS_SCANNER_A_NAME, name);
	if (uid >= 0)
		nla_put_u32(m, SIS_SCANNER_A_UID, uid);
	if (timeout >= 0)
		nla_put_u32(m, SIS_SCANNER_A_TIMEOUT_MS, timeout);
	nla_nest_end(m, n);
}

static void put_scanner_ok(struct nl_msg *m, const struct ctx *c)
{
	put_br(m, c);
	put_scanner_nest(m, "s1", 65534, -1);
}

static void put_scanner_no_nest(struct nl_msg *m, const struct ctx *c)
{
	put_br(m, c);
}

static void put_scanner_no_uid(struct nl_msg *m, const struct ctx *c)
{
	put_br(m, c);
	put_scanner_nest(m, "s1", -1, -1);
}

static void put_scanner_bad_name(struct nl_msg *m, const struct ctx *c)
{
	put_br(m, c);
	put_scanner_nest(m, "no spaces", 65534, -1);
}

static void put_scanner_timeout0(struct nl_msg *m, const struct ctx *c)
{
	put_br(m, c);
	put_scanner_nest(m, "s1", 65534, 0);
}

static void put_scanner_name(struct nl_msg *m, const struct ctx *c)
{
	put_scanner_nest(m, "s1", -1, -1);
}

static void put_cap(struct nl_msg *m, const char *name, int rights,
		    bool bpf)
{
	struct nlattr *n;

	put_scanner_nest(m, "s1", -1, -1);
	n = nla_nest_start(m, SIS_A_CAP | NLA_F_NESTED);
	nla_put_string(m, SIS_CAP_A_NAME, name);
	if (rights >= 0)
		nla_put_u8(m, SIS_CAP_A_RIGHTS, rights);
	if (bpf)
		nla_put(m, SIS_CAP_A_BPF, sizeof(ret_all), ret_all);
	nla_put_string(m, SIS_CAP_A_EXPR, "all");
	nla_nest_end(m, n);
}

static void put_cap_ok(struct nl_msg *m, const struct ctx *c)
{
	put_cap(m, "c1", SIS_RIGHT_READ | SIS_RIGHT_CONTAIN, true);
}

static void put_cap_contain_only(struct nl_msg *m, const struct ctx *c)
{
	put_cap(m, "c2", SIS_RIGHT_CONTAIN, true);
}

static void put_cap_no_bpf(struct nl_msg *m, const struct ctx *c)
{
	put_cap(m, "c2", SIS_RIGHT_READ, false);
}

static void put_cap_del(struct nl_msg *m, const struct ctx *c)
{
	put_cap(m, "c1", -1, false);
}

static void put_inject(struct nl_msg *m, unsigned int len)
{
	static const uint8_t frame[SIS_INJECT_FRAME_MAX + 1];
	struct nlattr *n;

	put_scanner_nest(m, "s1", -1, -1);
	n = nla_nest_start(m, SIS_A_INJECT | NLA_F_NESTED);
	nla_put_u32(m, SIS_INJECT_A_ID, 7);
	if (len)
		nla_put(m, SIS_INJECT_A_FRAME, len, frame);
	nla_nest_end(m, n);
}

static void put_inject_ok(struct nl_msg *m, const struct ctx *c)
{
	put_inject(m, 60);
}

static void put_inject_short(struct nl_msg *m, const struct ctx *c)
{
	put_inject(m, 10);
}

static void put_inject_long(struct nl_msg *m, const struct ctx *c)
{
	put_inject(m, SIS_INJECT_FRAME_MAX + 1);
}

static void put_inject_del(struct nl_msg *m, const struct ctx *c)
{
	put_inject(m, 0);
}

/* Scanner process requests, malformed or from a socket never attached. */
static void put_verdicts(struct nl_msg *m, size_t len)
{
	struct sis_verdict v[2] = {
		{ .frame = 1, .verdict = SIS_VERDICT_PASS },
		{ .frame = 2, .verdict = SIS_VERDICT_CUT },
	};

	nla_put(m, SIS_A_VERDICTS, len, v);
}

static void put_verdicts_odd(struct nl_msg *m, const struct ctx *c)
{
	put_verdicts(m, sizeof(struct sis_verdict) + 3);
}

static void put_verdicts_empty(struct nl_msg *m, const struct ctx *c)
{
	put_verdicts(m, 0);
}

static void put_verdicts_ok(struct nl_msg *m, const struct ctx *c)
{
	put_verdicts(m, 2 * sizeof(struct sis_verdict));
}

static void put_sub(struct nl_msg *m, const char *cap, int rights,
		    size_t bpf_len)
{
	struct sock_filter all[] = { BPF_STMT(BPF_RET | BPF_K, 0xffff) };
	struct nlattr *n = nla_nest_start(m, SIS_A_SUB | NLA_F_NESTED);

	if (cap)
		nla_put_string(m, SIS_SUB_A_CAP, cap);
	if (rights >= 0)
		nla_put_u8(m, SIS_SUB_A_RIGHTS, rights);
	if (bpf_len)
		nla_put(m, SIS_SUB_A_BPF, bpf_len, all);
	nla_nest_end(m, n);
}

static void put_sub_no_bpf(struct nl_msg *m, const struct ctx *c)
{
	put_sub(m, "icmp", SIS_RIGHT_READ, 0);
}

static void put_sub_odd_bpf(struct nl_msg *m, const struct ctx *c)
{
	put_sub(m, "icmp", SIS_RIGHT_READ, 5);
}

static void put_sub_rights0(struct nl_msg *m, const struct ctx *c)
{
	put_sub(m, "icmp", 0, sizeof(struct sock_filter));
}

static void put_sub_ok(struct nl_msg *m, const struct ctx *c)
{
	put_sub(m, "icmp", SIS_RIGHT_READ, sizeof(struct sock_filter));
}

static void put_unsub_no_id(struct nl_msg *m, const struct ctx *c)
{
	put_sub(m, "icmp", -1, 0);
}

static void put_attach_unknown(struct nl_msg *m, const struct ctx *c)
{
	put_scanner_nest(m, "nosuch", -1, -1);
}

static void put_attach_no_name(struct nl_msg *m, const struct ctx *c)
{
	put_scanner_nest(m, NULL, 65534, -1);
}

static void put_scanner_inject(struct nl_msg *m, int dir, bool frame)
{
	struct nlattr *n = nla_nest_start(m, SIS_A_INJECT | NLA_F_NESTED);
	char bytes[64] = { 0 };

	nla_put_u32(m, SIS_INJECT_A_ID, 1);
	nla_put_u8(m, SIS_INJECT_A_DIR, dir);
	if (frame)
		nla_put(m, SIS_INJECT_A_FRAME, sizeof(bytes), bytes);
	nla_nest_end(m, n);
}

static void put_scanner_inject_bytes(struct nl_msg *m, const struct ctx *c)
{
	put_scanner_inject(m, SIS_DIR_IN, true);
}

static void put_scanner_inject_any(struct nl_msg *m, const struct ctx *c)
{
	put_scanner_inject(m, SIS_DIR_ANY, false);
}

static void put_scanner_inject_ok(struct nl_msg *m, const struct ctx *c)
{
	put_scanner_inject(m, SIS_DIR_IN, false);
}

static void put_alert(struct nl_msg *m, size_t len)
{
	struct nlattr *n = nla_nest_start(m, SIS_A_ALERT | NLA_F_NESTED);
	static char msg[SIS_ALERT_MSG_MAX + 1];

	nla_put(m, SIS_ALERT_A_MSG, len, msg);
	nla_nest_end(m, n);
}

static void put_alert_empty(struct nl_msg *m, const struct ctx *c)
{
	put_alert(m, 0);
}

static void put_alert_long(struct nl_msg *m, const struct ctx *c)
{
	put_alert(m, SIS_ALERT_MSG_MAX + 1);
}

static void put_alert_ok(struct nl_msg *m, const struct ctx *c)
{
	put_alert(m, 5);
}

FIXTURE(sis) {
	struct ctx c;
};

FIXTURE_VARIANT(sis) {
	uint8_t cmd;
	fill_fn fill;
	bool reserved;
	bool core;		/* refused by the genl core: no message */
	int error;
	const char *msg;	/* substring of the extack message */
};

#define REJECT(name_, cmd_, fill_, err_, msg_)			\
	FIXTURE_VARIANT_ADD(sis, name_) {			\
		.cmd = cmd_, .fill = fill_, .error = -(err_),	\
		.msg = msg_,					\
	}

REJECT(attach_no_bridge, SIS_CMD_ATTACH, put_host_only, EINVAL,
       "missing bridge");
REJECT(attach_no_host, SIS_CMD_ATTACH, put_br, EINVAL, "missing host port");
REJECT(attach_ifindex_u8, SIS_CMD_ATTACH, put_ifindex_u8, EINVAL, "");
REJECT(attach_ifindex_zero, SIS_CMD_ATTACH, put_ifindex_zero, ERANGE, "");
REJECT(attach_unknown_attr, SIS_CMD_ATTACH, put_unknown_attr, EINVAL,
       "Unknown attribute");
REJECT(attach_unknown_bridge, SIS_CMD_ATTACH, put_unknown_bridge, ENODEV,
       "no device with this index");
REJECT(attach_again, SIS_CMD_ATTACH, put_attach_ok, EEXIST,
       "already attached");
REJECT(attach_host_is_bridge, SIS_CMD_ATTACH, put_host_is_bridge, EEXIST,
       "already attached");
REJECT(detach_no_bridge, SIS_CMD_DETACH, NULL, EINVAL, "missing bridge");
/* Refused by the genetlink core itself, which gives no message. */
FIXTURE_VARIANT_ADD(sis, unknown_command) {
	.cmd = 99, .fill = put_br, .error = -EOPNOTSUPP, .msg = "",
	.core = true,
};
REJECT(prevent_no_rule, SIS_CMD_PREVENT_ADD, put_rule_no_nest, EINVAL,
       "missing rule");
REJECT(scanner_no_nest, SIS_CMD_SCANNER_ADD, put_scanner_no_nest, EINVAL,
       "missing scanner");
REJECT(scanner_no_uid, SIS_CMD_SCANNER_ADD, put_scanner_no_uid, EINVAL,
       "a name and a user");
REJECT(scanner_bad_name, SIS_CMD_SCANNER_ADD, put_scanner_bad_name, EINVAL,
       "scanner names are");
REJECT(scanner_timeout0, SIS_CMD_SCANNER_ADD, put_scanner_timeout0, EINVAL,
       "verdict timeout");
REJECT(scanner_del_unknown, SIS_CMD_SCANNER_DEL, put_scanner_name, ENOENT,
       "no scanner with this name");
REJECT(cap_unknown_scanner, SIS_CMD_CAP_ADD, put_cap_ok, ENOENT,
       "no scanner with this name");
REJECT(inject_unknown_scanner, SIS_CMD_INJECT_ADD, put_inject_ok, ENOENT,
       "no scanner with this name");
REJECT(prevent_no_bpf, SIS_CMD_PREVENT_ADD, put_rule_no_bpf, EINVAL,
       "no filter program");
REJECT(prevent_bad_bpf, SIS_CMD_PREVENT_ADD, put_rule_bad_bpf, EINVAL,
       "BPF checker");
REJECT(prevent_odd_len, SIS_CMD_PREVENT_ADD, put_rule_odd_len, EINVAL,
       "whole number of BPF instructions");
REJECT(prevent_too_long, SIS_CMD_PREVENT_ADD, put_rule_too_long, EINVAL,
       "");
REJECT(prevent_bad_dir, SIS_CMD_PREVENT_ADD, put_rule_bad_dir, ERANGE, "");
REJECT(prevent_dir_zero, SIS_CMD_PREVENT_ADD, put_rule_dir_zero, ERANGE, "");
REJECT(prevent_long_expr, SIS_CMD_PREVENT_ADD, put_rule_long_expr, EINVAL,
       "");
REJECT(prevent_unterminated, SIS_CMD_PREVENT_ADD, put_rule_unterminated,
       EINVAL, "");
REJECT(prevent_with_id, SIS_CMD_PREVENT_ADD, put_rule_with_id, EINVAL,
       "rule ids are chosen by the kernel");
REJECT(prevent_unknown_nested, SIS_CMD_PREVENT_ADD, put_rule_unknown_nested,
       EINVAL, "Unknown attribute");
REJECT(prevent_del_no_id, SIS_CMD_PREVENT_DEL, put_del_no_id, EINVAL,
       "missing rule id");
REJECT(prevent_del_unknown, SIS_CMD_PREVENT_DEL, put_del_unknown_id, ENOENT,
       "no prevent rule with this id");

REJECT(verdict_none, SIS_CMD_VERDICT, NULL, EINVAL, "missing verdicts");
REJECT(verdict_odd, SIS_CMD_VERDICT, put_verdicts_odd, EINVAL,
       "whole number of struct sis_verdict");
REJECT(verdict_empty, SIS_CMD_VERDICT, put_verdicts_empty, EINVAL,
       "no verdicts");
REJECT(verdict_unattached, SIS_CMD_VERDICT, put_verdicts_ok, ENOTCONN,
       "not attached as a scanner");
REJECT(subscribe_no_nest, SIS_CMD_SUBSCRIBE, NULL, EINVAL,
       "missing subscription");
REJECT(subscribe_no_bpf, SIS_CMD_SUBSCRIBE, put_sub_no_bpf, EINVAL,
       "needs a capability, rights and a filter");
REJECT(subscribe_odd_bpf, SIS_CMD_SUBSCRIBE, put_sub_odd_bpf, EINVAL,
       "whole number of BPF instructions");
REJECT(subscribe_rights0, SIS_CMD_SUBSCRIBE, put_sub_rights0, ERANGE, "");
REJECT(subscribe_unattached, SIS_CMD_SUBSCRIBE, put_sub_ok, ENOTCONN,
       "not attached as a scanner");
REJECT(unsubscribe_no_id, SIS_CMD_UNSUBSCRIBE, put_unsub_no_id, EINVAL,
       "missing subscription id");
REJECT(scanner_attach_no_nest, SIS_CMD_SCANNER_ATTACH, NULL, EINVAL,
       "missing scanner");
REJECT(scanner_attach_no_name, SIS_CMD_SCANNER_ATTACH, put_attach_no_name,
       EINVAL, "missing scanner name");
REJECT(scanner_attach_unknown, SIS_CMD_SCANNER_ATTACH, put_attach_unknown,
       ENOENT, "no scanner with this name");
REJECT(scanner_inject_bytes, SIS_CMD_INJECT, put_scanner_inject_bytes, EPERM,
       "registered frames only");
REJECT(scanner_inject_any, SIS_CMD_INJECT, put_scanner_inject_any, EINVAL,
       "one direction");
REJECT(scanner_inject_unattached, SIS_CMD_INJECT, put_scanner_inject_ok,
       ENOTCONN, "not attached as a scanner");
REJECT(alert_none, SIS_CMD_ALERT, NULL, EINVAL, "missing alert");
REJECT(alert_empty, SIS_CMD_ALERT, put_alert_empty, ERANGE, "");
REJECT(alert_long, SIS_CMD_ALERT, put_alert_long, ERANGE, "");
REJECT(alert_unattached, SIS_CMD_ALERT, put_alert_ok, ENOTCONN,
       "not attached as a scanner");
/* The kernel sends these; nobody may. */
FIXTURE_VARIANT_ADD(sis, frame_command) {
	.cmd = SIS_CMD_FRAME, .fill = put_br, .error = -EOPNOTSUPP, .msg = "",
	.core = true,
};

FIXTURE_VARIANT_ADD(sis, reserved_field) {
	.cmd = SIS_CMD_ATTACH, .fill = put_attach_ok, .reserved = true,
	.error = -EINVAL, .msg = "reserved",
};

/* The bridge from the environment and a socket with extended acks. */
static int ctx_open(struct ctx *c)
{
	int one = 1;

	c->br = (int)if_nametoindex(getenv("SIS_BRIDGE") ?: "br0");
	c->host = (int)if_nametoindex(getenv("SIS_HOST") ?: "hp0");
	c->sk = nl_socket_alloc();
	if (!c->br || !c->host || !c->sk || genl_connect(c->sk) ||
	    setsockopt(nl_socket_get_fd(c->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		       &one, sizeof(one)) ||
	    setsockopt(nl_socket_get_fd(c->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		       &one, sizeof(one)))
		return -1;
	c->family = genl_ctrl_resolve(c->sk, SIS_GENL_NAME);
	return c->family > 0 ? 0 : -1;
}

FIXTURE_SETUP(sis)
{
	ASSERT_EQ(0, ctx_open(&self->c));
}

FIXTURE_TEARDOWN(sis)
{
	nl_socket_free(self->c.sk);
}

TEST_F(sis, rejected)
{
	struct reply r;

	request(&self->c, variant->cmd, 0, variant->fill, variant->reserved,
		&r);
	EXPECT_EQ(variant->error, r.error);
	if (variant->msg[0])
		EXPECT_NE(NULL, strstr(r.msg, variant->msg)) {
			TH_LOG("extack message: \"%s\"", r.msg);
		}
	/* Every rejection of ours says something a person can read. */
	if (!variant->core)
		EXPECT_NE(0, r.msg[0]);

	/* Nothing changed: one bridge, attached, no rules. */
	request(&self->c, SIS_CMD_GET_BRIDGE, NLM_F_DUMP, NULL, false, &r);
	EXPECT_EQ(0, r.error);
	EXPECT_EQ(1, r.bridges);
	EXPECT_EQ(0, r.rules);
}

/* Count the scanners, capabilities and injections of a scanner dump. */
struct scanner_count {
	int scanners, caps, injects;
};

static int count_scanners(struct nl_msg *msg, void *arg)
{
	struct scanner_count *d = arg;
	struct nlattr *a;
	int rem;

	nlmsg_for_each_attr(a, nlmsg_hdr(msg), GENL_HDRLEN, rem) {
		d->scanners += nla_type(a) == SIS_A_SCANNER;
		d->caps += nla_type(a) == SIS_A_CAP;
		d->injects += nla_type(a) == SIS_A_INJECT;
	}
	return NL_OK;
}

static struct scanner_count dump_scanners(const struct ctx *c)
{
	struct scanner_count d = { 0 };
	struct nl_msg *msg = nlmsg_alloc();
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);

	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, c->family, 0,
		    NLM_F_REQUEST | NLM_F_DUMP, SIS_CMD_GET_SCANNER,
		    SIS_GENL_VERSION);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, count_scanners, &d);
	if (nl_send_auto(c->sk, msg) < 0 || nl_recvmsgs(c->sk, cb) < 0)
		d.scanners = -1;
	nl_cb_put(cb);
	nlmsg_free(msg);
	return d;
}

/* The bridge netlink.sh attached, for tests that change it step by step. */
FIXTURE(attached) {
	struct ctx c;
};

FIXTURE_SETUP(attached)
{
	ASSERT_EQ(0, ctx_open(&self->c));
}

FIXTURE_TEARDOWN(attached)
{
	nl_socket_free(self->c.sk);
}

/* expect(cmd, fill, error, message): one request and its outcome. */
#define EXPECT_REQ(cmd_, fill_, err_, msg_) do {			\
	struct reply r_;						\
									\
	request(&self->c, cmd_, 0, fill_, false, &r_);			\
	EXPECT_EQ(-(err_), r_.error) {					\
		TH_LOG(#fill_ ": \"%s\"", r_.msg);			\
	}								\
	if ((msg_)[0])							\
		EXPECT_NE(NULL, strstr(r_.msg, msg_)) {			\
			TH_LOG(#fill_ ": \"%s\"", r_.msg);		\
		}							\
} while (0)

/*
 * A scanner's declaration, capability table and injections: added, refused
 * when duplicated or malformed, dumped, deleted, and gone with the bridge.
 */
TEST_F(attached, scanner_lifecycle)
{
	struct scanner_count d;

	EXPECT_REQ(SIS_CMD_SCANNER_ADD, put_scanner_ok, 0, "");
	EXPECT_REQ(SIS_CMD_SCANNER_ADD, put_scanner_ok, EEXIST,
		   "scanner with this name exists");
	EXPECT_REQ(SIS_CMD_CAP_ADD, put_cap_ok, 0, "");
	EXPECT_REQ(SIS_CMD_CAP_ADD, put_cap_ok, EEXIST, "capability");
	EXPECT_REQ(SIS_CMD_CAP_ADD, put_cap_contain_only, EINVAL,
		   "contain without read");
	EXPECT_REQ(SIS_CMD_CAP_ADD, put_cap_no_bpf, EINVAL,
		   "filter program");
	EXPECT_REQ(SIS_CMD_INJECT_ADD, put_inject_ok, 0, "");
	EXPECT_REQ(SIS_CMD_INJECT_ADD, put_inject_ok, EEXIST, "injection");
	EXPECT_REQ(SIS_CMD_INJECT_ADD, put_inject_short, ERANGE,
		   "size out of range");
	EXPECT_REQ(SIS_CMD_INJECT_ADD, put_inject_long, ERANGE,
		   "size out of range");

	d = dump_scanners(&self->c);
	EXPECT_EQ(1, d.scanners);
	EXPECT_EQ(1, d.caps);
	EXPECT_EQ(1, d.injects);

	EXPECT_REQ(SIS_CMD_CAP_DEL, put_cap_del, 0, "");
	EXPECT_REQ(SIS_CMD_CAP_DEL, put_cap_del, ENOENT, "no capability");
	EXPECT_REQ(SIS_CMD_INJECT_DEL, put_inject_del, 0, "");
	EXPECT_REQ(SIS_CMD_INJECT_DEL, put_inject_del, ENOENT,
		   "no injection");
	d = dump_scanners(&self->c);
	EXPECT_EQ(1, d.scanners);
	EXPECT_EQ(0, d.caps + d.injects);
	EXPECT_REQ(SIS_CMD_SCANNER_DEL, put_scanner_name, 0, "");
	EXPECT_REQ(SIS_CMD_SCANNER_DEL, put_scanner_name, ENOENT, "");

	/* Detaching the bridge deletes its scanners; attach it again. */
	EXPECT_REQ(SIS_CMD_SCANNER_ADD, put_scanner_ok, 0, "");
	EXPECT_REQ(SIS_CMD_CAP_ADD, put_cap_ok, 0, "");
	EXPECT_REQ(SIS_CMD_DETACH, put_br, 0, "");
	EXPECT_EQ(0, dump_scanners(&self->c).scanners);
	EXPECT_REQ(SIS_CMD_ATTACH, put_attach_ok, 0, "");
}

/*
 * Fill the bridge to SIS_MAX_RULES rules with long expressions: one more is
 * refused, and the dump spreads the bridge over several messages with
 * every rule in them. The rules stay for netlink.sh to read with sisctl.
 */
static const struct sock_filter ret_none[] = {
	{ BPF_RET | BPF_K, 0, 0, 0 },
};

static char long_expr[SIS_RULE_EXPR_MAX];

static void put_long_rule(struct nl_msg *m, const struct ctx *c)
{
	put_rule(m, c, ret_none, sizeof(ret_none), SIS_DIR_ANY, long_expr,
		 sizeof(long_expr), 0);
}

struct dump_count {
	int messages, rules;
};

static int count_dump(struct nl_msg *msg, void *arg)
{
	struct dump_count *d = arg;
	struct nlattr *a;
	int rem;

	d->messages++;
	nlmsg_for_each_attr(a, nlmsg_hdr(msg), GENL_HDRLEN, rem)
		d->rules += nla_type(a) == SIS_A_RULE;
	return NL_OK;
}

TEST_F(attached, fill_to_limit)
{
	struct dump_count d = { 0 };
	struct nl_msg *msg;
	struct reply r;
	int i;

	memset(long_expr, 'x', sizeof(long_expr) - 1);
	for (i = 0; i < SIS_MAX_RULES; i++) {
		request(&self->c, SIS_CMD_PREVENT_ADD, 0, put_long_rule, false,
			&r);
		ASSERT_EQ(0, r.error) {
			TH_LOG("rule %d: %s", i + 1, r.msg);
		}
	}
	request(&self->c, SIS_CMD_PREVENT_ADD, 0, put_long_rule, false, &r);
	EXPECT_EQ(-ENOSPC, r.error);
	EXPECT_NE(NULL, strstr(r.msg, "maximum number of prevent rules"));

	msg = nlmsg_alloc();
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, self->c.family, 0,
		    NLM_F_REQUEST | NLM_F_DUMP, SIS_CMD_GET_BRIDGE,
		    SIS_GENL_VERSION);
	nl_socket_modify_cb(self->c.sk, NL_CB_VALID, NL_CB_CUSTOM, count_dump,
			    &d);
	ASSERT_LE(0, nl_send_auto(self->c.sk, msg));
	ASSERT_LE(0, nl_recvmsgs_default(self->c.sk));
	nlmsg_free(msg);
	EXPECT_EQ(SIS_MAX_RULES, d.rules);
	EXPECT_LT(1, d.messages);
	TH_LOG("%d rules in %d dump messages", d.rules, d.messages);
}

TEST_HARNESS_MAIN
