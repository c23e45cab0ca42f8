// SPDX-License-Identifier: GPL-2.0
/*
 * Malformed and hostile requests to the "sis" family: each one is refused
 * with the right errno and a human-readable extended ack message, and
 * changes nothing (the bridge stays attached with no rules, its stream
 * limits at their defaults and no connection tracked).
 *
 * Run by netlink.sh inside the appliance namespace, with SIS_BRIDGE and
 * SIS_HOST naming an attached bridge and its host port.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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
	int conns;		/* SIS_A_CONN seen in a dump */
	int limits_seen;	/* SIS_A_LIMITS seen in a dump */
	uint32_t limits[SIS_LIMITS_A_MAX + 1];	/* 0: absent */
	int sstats_seen;	/* SIS_A_STREAM_STATS seen in a dump */
	uint32_t sstats_present;	/* mask of 1 << SIS_SSTATS_A_* */
	uint64_t sstats[SIS_SSTATS_A_MAX + 1];
	int alert_replies;	/* SIS_CMD_ALERT replies with an id */
	uint64_t alert_id;	/* the last one's */
};

/* Defaults of a newly attached bridge (SIS_A_LIMITS). */
static const uint32_t default_limits[SIS_LIMITS_A_MAX + 1] = {
	[SIS_LIMITS_A_MAX_CONNS] = SIS_MAX_CONNS_DEFAULT,
	[SIS_LIMITS_A_MAX_HALF_OPEN] = SIS_MAX_HALF_OPEN_DEFAULT,
	[SIS_LIMITS_A_MAX_MEMORY] = SIS_MAX_MEMORY_DEFAULT,
	[SIS_LIMITS_A_CONN_BYTES] = SIS_CONN_BYTES_DEFAULT,
	[SIS_LIMITS_A_CONN_SEGS] = SIS_CONN_SEGS_DEFAULT,
	[SIS_LIMITS_A_SYN_MS] = SIS_SYN_MS_DEFAULT,
	[SIS_LIMITS_A_IDLE_MS] = SIS_IDLE_MS_DEFAULT,
	[SIS_LIMITS_A_CLOSE_MS] = SIS_CLOSE_MS_DEFAULT,
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

static void parse_limits(struct reply *r, struct nlattr *nest)
{
	struct nlattr *tb[SIS_LIMITS_A_MAX + 1];
	int i;

	if (nla_parse_nested(tb, SIS_LIMITS_A_MAX, nest, NULL))
		return;
	r->limits_seen++;
	for (i = 1; i <= SIS_LIMITS_A_MAX; i++)
		r->limits[i] = tb[i] && nla_len(tb[i]) == sizeof(uint32_t) ?
			       nla_get_u32(tb[i]) : 0;
}

static void parse_sstats(struct reply *r, struct nlattr *nest)
{
	struct nlattr *tb[SIS_SSTATS_A_MAX + 1];
	int i;

	if (nla_parse_nested(tb, SIS_SSTATS_A_MAX, nest, NULL))
		return;
	r->sstats_seen++;
	for (i = SIS_SSTATS_A_CONNS; i <= SIS_SSTATS_A_MAX; i++) {
		if (!tb[i])
			continue;
		if (nla_len(tb[i]) == sizeof(uint32_t))
			r->sstats[i] = nla_get_u32(tb[i]);
		else if (nla_len(tb[i]) == sizeof(uint64_t))
			r->sstats[i] = nla_get_u64(tb[i]);
		else
			continue;
		r->sstats_present |= 1u << i;
	}
}

static void parse_alert_reply(struct reply *r, struct nlattr *nest)
{
	struct nlattr *tb[SIS_ALERT_A_MAX + 1];

	if (nla_parse_nested(tb, SIS_ALERT_A_MAX, nest, NULL) ||
	    !tb[SIS_ALERT_A_ID] || nla_len(tb[SIS_ALERT_A_ID]) != 8)
		return;
	r->alert_replies++;
	r->alert_id = nla_get_u64(tb[SIS_ALERT_A_ID]);
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
		if (nla_type(a) == SIS_A_CONN)
			r->conns++;
		if (nla_type(a) == SIS_A_LIMITS)
			parse_limits(r, a);
		if (nla_type(a) == SIS_A_STREAM_STATS)
			parse_sstats(r, a);
		if (nla_type(a) == SIS_A_ALERT)
			parse_alert_reply(r, a);
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
	const void *arg;	/* for the fillers that take one */
};

typedef void (*fill_fn)(struct nl_msg *msg, const struct ctx *c);

static int request(const struct ctx *c, uint8_t cmd, int flags,
		   fill_fn fill, bool reserved, struct reply *r)
{
	/* Room for the largest attribute (64 KiB), not just a page. */
	struct nl_msg *msg = nlmsg_alloc_size(1 << 17);
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

/*
 * An empty nest, which libnl's nla_nest_end() would drop: put as an
 * attribute of no length.
 */
static void put_empty_nest(struct nl_msg *m, int type)
{
	nla_put(m, type | NLA_F_NESTED, 0, NULL);
}

static void put_del_no_id(struct nl_msg *m, const struct ctx *c)
{
	put_br(m, c);
	put_empty_nest(m, SIS_A_RULE);
}

/* A rule's id with its program: deleting takes the id alone. */
static void put_del_with_bpf(struct nl_msg *m, const struct ctx *c)
{
	put_rule(m, c, ret_all, sizeof(ret_all), -1, NULL, 0, 77);
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

static void put_scanner_inject_rate(struct nl_msg *m, __u32 rate)
{
	struct nlattr *n = nla_nest_start(m, SIS_A_SCANNER | NLA_F_NESTED);

	nla_put_string(m, SIS_SCANNER_A_NAME, "s1");
	nla_put_u32(m, SIS_SCANNER_A_UID, 65534);
	nla_put_u32(m, SIS_SCANNER_A_INJECT_RATE, rate);
	nla_nest_end(m, n);
}

static void put_scanner_inject_rate0(struct nl_msg *m, const struct ctx *c)
{
	put_br(m, c);
	put_scanner_inject_rate(m, 0);
}

static void put_scanner_inject_rate_big(struct nl_msg *m, const struct ctx *c)
{
	put_br(m, c);
	put_scanner_inject_rate(m, SIS_INJECT_RATE_MAX + 1);
}

static void put_scanner_name(struct nl_msg *m, const struct ctx *c)
{
	put_scanner_nest(m, "s1", -1, -1);
}

/* Deleting a scanner takes its name alone: no user, no bridge. */
static void put_scanner_del_uid(struct nl_msg *m, const struct ctx *c)
{
	put_scanner_nest(m, "s1", 65534, -1);
}

static void put_scanner_del_bridge(struct nl_msg *m, const struct ctx *c)
{
	put_br(m, c);
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
	/* Declaring one: its text too. Deleting takes the name alone. */
	if (rights >= 0)
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

/* A capability is deleted by name alone. */
static void put_cap_del_bpf(struct nl_msg *m, const struct ctx *c)
{
	put_cap(m, "c1", -1, true);
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

/* An injection is deleted by id alone. */
static void put_inject_del_frame(struct nl_msg *m, const struct ctx *c)
{
	put_inject(m, 60);
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
	put_empty_nest(m, SIS_A_SUB);
}

/* Unsubscribing takes the subscription's id alone. */
static void put_unsub_with_cap(struct nl_msg *m, const struct ctx *c)
{
	struct nlattr *n = nla_nest_start(m, SIS_A_SUB | NLA_F_NESTED);

	nla_put_u32(m, SIS_SUB_A_ID, 1);
	nla_put_string(m, SIS_SUB_A_CAP, "icmp");
	nla_nest_end(m, n);
}

/* The id is the kernel's to give. */
static void put_sub_with_id(struct nl_msg *m, const struct ctx *c)
{
	struct sock_filter all[] = { BPF_STMT(BPF_RET | BPF_K, 0xffff) };
	struct nlattr *n = nla_nest_start(m, SIS_A_SUB | NLA_F_NESTED);

	nla_put_u32(m, SIS_SUB_A_ID, 1);
	nla_put_string(m, SIS_SUB_A_CAP, "icmp");
	nla_put_u8(m, SIS_SUB_A_RIGHTS, SIS_RIGHT_READ);
	nla_put(m, SIS_SUB_A_BPF, sizeof(all), all);
	nla_nest_end(m, n);
}

static void put_attach_unknown(struct nl_msg *m, const struct ctx *c)
{
	put_scanner_nest(m, "nosuch", -1, -1);
}

static void put_attach_no_name(struct nl_msg *m, const struct ctx *c)
{
	put_empty_nest(m, SIS_A_SCANNER);
}

/* A process attaches by the scanner's name alone. */
static void put_attach_with_uid(struct nl_msg *m, const struct ctx *c)
{
	put_scanner_nest(m, "nosuch", 65534, -1);
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

/* An attribute of another command's. */
/* An attachment's piece: what struct piece says. */
struct piece {
	uint64_t id, off;
	size_t len;		/* of zeros */
};

static void put_piece_arg(struct nl_msg *m, const struct ctx *c)
{
	static char zeros[SIS_ALERT_PIECE_MAX + 1];
	const struct piece *p = c->arg;
	struct nlattr *n = nla_nest_start(m, SIS_A_ALERT | NLA_F_NESTED);

	nla_put_u64(m, SIS_ALERT_A_ID, p->id);
	nla_put_u64(m, SIS_ALERT_A_OFFSET, p->off);
	nla_put(m, SIS_ALERT_A_ATTACH_DATA, p->len, zeros);
	nla_nest_end(m, n);
}

static void put_piece_ok(struct nl_msg *m, const struct ctx *c)
{
	struct ctx d = *c;

	d.arg = &(struct piece){ .id = 1, .off = 0, .len = 10 };
	put_piece_arg(m, &d);
}

/* An alert announcing an attachment of *(uint64_t *)c->arg bytes. */
static void put_alert_attach(struct nl_msg *m, const struct ctx *c)
{
	struct nlattr *n = nla_nest_start(m, SIS_A_ALERT | NLA_F_NESTED);

	nla_put(m, SIS_ALERT_A_MSG, 4, "mail");
	nla_put_u64(m, SIS_ALERT_A_ATTACH_LEN, *(const uint64_t *)c->arg);
	nla_nest_end(m, n);
}

static void put_alert_with_verdicts(struct nl_msg *m, const struct ctx *c)
{
	put_alert(m, 5);
	put_verdicts_ok(m, c);
}

static void put_verdicts_with_bridge(struct nl_msg *m, const struct ctx *c)
{
	put_br(m, c);
	put_verdicts_ok(m, c);
}

/* Streams: passes, bridge limits. */
static const struct sis_stream_pass one_pass = {
	.conn = 1, .offset = 0, .len = 100, .dir = SIS_DIR_IN,
};

static void put_passes_ok(struct nl_msg *m, const struct ctx *c)
{
	nla_put(m, SIS_A_PASSES, sizeof(one_pass), &one_pass);
}

static void put_passes_empty(struct nl_msg *m, const struct ctx *c)
{
	nla_put(m, SIS_A_PASSES, 0, NULL);
}

static void put_passes_odd(struct nl_msg *m, const struct ctx *c)
{
	struct sis_stream_pass p[2] = { one_pass, one_pass };

	nla_put(m, SIS_A_PASSES, sizeof(p) - 1, p);
}

/* SIS_A_LIMITS with one limit, and no bridge. */
static void put_limits_only(struct nl_msg *m, const struct ctx *c)
{
	struct nlattr *n = nla_nest_start(m, SIS_A_LIMITS | NLA_F_NESTED);

	nla_put_u32(m, SIS_LIMITS_A_MAX_CONNS, 10);
	nla_nest_end(m, n);
}

static void put_limits_unknown(struct nl_msg *m, const struct ctx *c)
{
	struct nlattr *n;

	put_br(m, c);
	n = nla_nest_start(m, SIS_A_LIMITS | NLA_F_NESTED);
	nla_put_u32(m, SIS_LIMITS_A_MAX_CONNS, 10);
	nla_put_u32(m, SIS_LIMITS_A_MAX + 1, 10);
	nla_nest_end(m, n);
}

static void put_limits_u8(struct nl_msg *m, const struct ctx *c)
{
	struct nlattr *n;

	put_br(m, c);
	n = nla_nest_start(m, SIS_A_LIMITS | NLA_F_NESTED);
	nla_put_u8(m, SIS_LIMITS_A_MAX_CONNS, 10);
	nla_nest_end(m, n);
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
REJECT(scanner_inject_rate0, SIS_CMD_SCANNER_ADD, put_scanner_inject_rate0,
       EINVAL, "injection rate must be 1 to 100000 a second");
REJECT(scanner_inject_rate_big, SIS_CMD_SCANNER_ADD,
       put_scanner_inject_rate_big, EINVAL,
       "injection rate must be 1 to 100000 a second");
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
REJECT(prevent_too_long, SIS_CMD_PREVENT_ADD, put_rule_too_long, ERANGE,
       "failed policy validation");
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
/*
 * Each command takes its own attributes only, nested ones included: those
 * of another command are refused, not ignored.
 */
REJECT(prevent_del_with_bpf, SIS_CMD_PREVENT_DEL, put_del_with_bpf, EINVAL,
       "Unsupported attribute");
REJECT(scanner_del_with_uid, SIS_CMD_SCANNER_DEL, put_scanner_del_uid, EINVAL,
       "Unsupported attribute");
REJECT(scanner_del_with_bridge, SIS_CMD_SCANNER_DEL, put_scanner_del_bridge,
       EINVAL, "Unsupported attribute");
REJECT(cap_del_with_bpf, SIS_CMD_CAP_DEL, put_cap_del_bpf, EINVAL,
       "Unsupported attribute");
REJECT(inject_del_with_frame, SIS_CMD_INJECT_DEL, put_inject_del_frame,
       EINVAL, "Unsupported attribute");
REJECT(unsubscribe_with_cap, SIS_CMD_UNSUBSCRIBE, put_unsub_with_cap, EINVAL,
       "Unsupported attribute");
REJECT(subscribe_with_id, SIS_CMD_SUBSCRIBE, put_sub_with_id, EINVAL,
       "Unsupported attribute");
REJECT(scanner_attach_with_uid, SIS_CMD_SCANNER_ATTACH, put_attach_with_uid,
       EINVAL, "Unsupported attribute");
REJECT(alert_with_verdicts, SIS_CMD_ALERT, put_alert_with_verdicts, EINVAL,
       "Unsupported attribute");
REJECT(verdict_with_bridge, SIS_CMD_VERDICT, put_verdicts_with_bridge, EINVAL,
       "Unsupported attribute");

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
REJECT(alert_data_unattached, SIS_CMD_ALERT_DATA, put_piece_ok, ENOTCONN,
       "not attached as a scanner");
REJECT(alert_data_none, SIS_CMD_ALERT_DATA, NULL, EINVAL,
       "missing attachment piece");
/* The kernel sends these; nobody may. */
FIXTURE_VARIANT_ADD(sis, frame_command) {
	.cmd = SIS_CMD_FRAME, .fill = put_br, .error = -EOPNOTSUPP, .msg = "",
	.core = true,
};
FIXTURE_VARIANT_ADD(sis, stream_command) {
	.cmd = SIS_CMD_STREAM, .fill = put_br, .error = -EOPNOTSUPP, .msg = "",
	.core = true,
};
/* The connection list is a dump only. */
FIXTURE_VARIANT_ADD(sis, get_conn_not_dump) {
	.cmd = SIS_CMD_GET_CONN, .fill = put_br, .error = -EOPNOTSUPP,
	.msg = "", .core = true,
};

REJECT(stream_pass_none, SIS_CMD_STREAM_PASS, NULL, EINVAL,
       "missing passes");
REJECT(stream_pass_empty, SIS_CMD_STREAM_PASS, put_passes_empty, EINVAL,
       "no passes");
REJECT(stream_pass_odd, SIS_CMD_STREAM_PASS, put_passes_odd, EINVAL,
       "whole number of struct sis_stream_pass");
REJECT(stream_pass_unattached, SIS_CMD_STREAM_PASS, put_passes_ok, ENOTCONN,
       "not attached as a scanner");
REJECT(set_bridge_no_bridge, SIS_CMD_SET_BRIDGE, put_limits_only, EINVAL,
       "missing bridge");
REJECT(set_bridge_no_limits, SIS_CMD_SET_BRIDGE, put_br, EINVAL,
       "missing limits");
REJECT(set_bridge_unknown_limit, SIS_CMD_SET_BRIDGE, put_limits_unknown,
       EINVAL, "Unknown attribute");
REJECT(set_bridge_limit_u8, SIS_CMD_SET_BRIDGE, put_limits_u8, EINVAL,
       "invalid attribute length");

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
	/* libnl's 64 KiB to send is less than the largest stream injection. */
	if (!c->br || !c->host || !c->sk || genl_connect(c->sk) ||
	    nl_socket_set_buffer_size(c->sk, 0, 1 << 17) ||
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

	/*
	 * Nothing changed: one bridge, attached, no rules, the default
	 * stream limits and no connection.
	 */
	request(&self->c, SIS_CMD_GET_BRIDGE, NLM_F_DUMP, NULL, false, &r);
	EXPECT_EQ(0, r.error);
	EXPECT_EQ(1, r.bridges);
	EXPECT_EQ(0, r.rules);
	EXPECT_EQ(1, r.limits_seen);
	EXPECT_EQ(0, memcmp(r.limits, default_limits, sizeof(r.limits)));
	request(&self->c, SIS_CMD_GET_CONN, NLM_F_DUMP, NULL, false, &r);
	EXPECT_EQ(0, r.error);
	EXPECT_EQ(0, r.conns);
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

/* One request on socket c, its errno and message checked; what names it. */
static void expect_req(struct __test_metadata *_metadata, struct ctx *c,
		       const char *what, uint8_t cmd, int flags, fill_fn fill,
		       const void *arg, int err, const char *msg)
{
	struct reply r;

	c->arg = arg;
	request(c, cmd, flags, fill, false, &r);
	c->arg = NULL;
	EXPECT_EQ(-err, r.error) {
		TH_LOG("%s: \"%s\"", what, r.msg);
	}
	if (msg[0])
		EXPECT_NE(NULL, strstr(r.msg, msg)) {
			TH_LOG("%s: \"%s\", want \"%s\"", what, r.msg, msg);
		}
}

/* The bridge's dump: its stream limits and counters, in r. */
static void read_bridge(struct __test_metadata *_metadata,
			const struct ctx *c, struct reply *r)
{
	request(c, SIS_CMD_GET_BRIDGE, NLM_F_DUMP, NULL, false, r);
	EXPECT_EQ(0, r->error);
	EXPECT_EQ(1, r->bridges);
	EXPECT_EQ(1, r->limits_seen);
	EXPECT_EQ(1, r->sstats_seen);
}

/* The bridge's limits are want[] (indexed by SIS_LIMITS_A_*). */
static void expect_limits(struct __test_metadata *_metadata,
			  const struct ctx *c, const char *what,
			  const uint32_t *want)
{
	struct reply r;
	int i;

	read_bridge(_metadata, c, &r);
	for (i = 1; i <= SIS_LIMITS_A_MAX; i++)
		EXPECT_EQ(want[i], r.limits[i]) {
			TH_LOG("%s: limit %d", what, i);
		}
}

/*
 * One request from a child process running as nobody, without any
 * capability, on a socket it opened itself. r->error is 2 if the child
 * could not drop its privileges.
 */
static void request_as_nobody(const void *arg, uint8_t cmd, int flags,
			      fill_fn fill, struct reply *r)
{
	int fds[2], status;
	struct reply cr;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	r->error = 1;
	if (pipe(fds))
		return;
	pid = fork();
	if (!pid) {
		struct ctx c = { 0 };
		char line[128];
		bool no_caps = false;
		FILE *f;

		close(fds[0]);
		memset(&cr, 0, sizeof(cr));
		cr.error = 2;
		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			goto out;
		f = fopen("/proc/self/status", "r");
		while (f && fgets(line, sizeof(line), f))
			if (!strcmp(line, "CapEff:\t0000000000000000\n"))
				no_caps = true;
		if (f)
			fclose(f);
		if (!no_caps || geteuid() != 65534 || ctx_open(&c))
			goto out;
		c.arg = arg;
		request(&c, cmd, flags, fill, false, &cr);
out:
		_exit(write(fds[1], &cr, sizeof(cr)) == sizeof(cr) ? 0 : 1);
	}
	close(fds[1]);
	if (pid > 0 && read(fds[0], &cr, sizeof(cr)) == sizeof(cr))
		*r = cr;
	close(fds[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
}

/* SIS_CMD_SET_BRIDGE with the limits of a struct limits_req. */
struct limits_req {
	int ifindex;		/* 0: the bridge */
	int n;
	struct {
		int attr;
		uint32_t value;
	} l[SIS_LIMITS_A_MAX];
};

static void put_limits_arg(struct nl_msg *m, const struct ctx *c)
{
	const struct limits_req *q = c->arg;
	struct nlattr *n;
	int i;

	nla_put_u32(m, SIS_A_IFINDEX, q->ifindex ?: c->br);
	n = nla_nest_start(m, SIS_A_LIMITS | NLA_F_NESTED);
	for (i = 0; i < q->n; i++)
		nla_put_u32(m, q->l[i].attr, q->l[i].value);
	nla_nest_end_keep_empty(m, n);
}

static void put_br_unknown(struct nl_msg *m, const struct ctx *c)
{
	put_br(m, c);
	nla_put_u32(m, SIS_A_MAX + 5, 1);
}

/* SIS_A_IFINDEX from an int. */
static void put_ifindex_arg(struct nl_msg *m, const struct ctx *c)
{
	nla_put_u32(m, SIS_A_IFINDEX, *(const int *)c->arg);
}

/*
 * A newly attached bridge shows its stream limits at their defaults and
 * every stream counter, all zero.
 */
TEST_F(attached, stream_bridge_dump)
{
	struct reply r;
	int i;

	read_bridge(_metadata, &self->c, &r);
	for (i = 1; i <= SIS_LIMITS_A_MAX; i++)
		EXPECT_EQ(default_limits[i], r.limits[i]) {
			TH_LOG("limit %d", i);
		}
	for (i = SIS_SSTATS_A_CONNS; i <= SIS_SSTATS_A_MAX; i++) {
		EXPECT_TRUE(r.sstats_present & 1u << i) {
			TH_LOG("stream counter %d missing", i);
		}
		EXPECT_EQ(0, r.sstats[i]) {
			TH_LOG("stream counter %d", i);
		}
	}

	/* The same with the dump limited to the bridge. */
	self->c.arg = &self->c.br;
	request(&self->c, SIS_CMD_GET_BRIDGE, NLM_F_DUMP, put_ifindex_arg,
		false, &r);
	EXPECT_EQ(0, r.error);
	EXPECT_EQ(1, r.limits_seen);
	EXPECT_EQ(1, r.sstats_seen);
	EXPECT_EQ(0, memcmp(r.limits, default_limits, sizeof(r.limits)));
}

/* Each limit just out of its range, and where each range ends. */
static const struct {
	int attr;
	uint32_t low, high;	/* below and above the range */
	uint32_t min, max;
} limit_ranges[] = {
	{ SIS_LIMITS_A_MAX_CONNS, 0, (1 << 24) + 1, 1, 1 << 24 },
	{ SIS_LIMITS_A_MAX_HALF_OPEN, 0, (1 << 24) + 1, 1, 1 << 24 },
	{ SIS_LIMITS_A_MAX_MEMORY, (1 << 20) - 1, 0, 1 << 20, 0xffffffff },
	{ SIS_LIMITS_A_CONN_BYTES, 4095, (1 << 30) + 1, 4096, 1 << 30 },
	{ SIS_LIMITS_A_CONN_SEGS, 0, (1 << 20) + 1, 1, 1 << 20 },
	{ SIS_LIMITS_A_SYN_MS, 0, 0x80000000, 1, 0x7fffffff },
	{ SIS_LIMITS_A_IDLE_MS, 0, 0xffffffff, 1, 0x7fffffff },
	{ SIS_LIMITS_A_CLOSE_MS, 0, 0x80000000, 1, 0x7fffffff },
};

/* The per-bridge settings, words by number: 0 (the default) to max. */
static const struct {
	int attr;
	uint32_t max;
} setting_max[] = {
	{ SIS_LIMITS_A_FRAGMENTS, SIS_FRAGMENTS_MAX },
	{ SIS_LIMITS_A_IP6_EXTHDR, SIS_UNJUDGED_MAX },
	{ SIS_LIMITS_A_LOCAL, SIS_UNJUDGED_MAX },
};

/*
 * SIS_CMD_SET_BRIDGE: a limit out of range is refused and changes none
 * (not even a good one in the same request); a good request changes only
 * the limits it names; both ends of each range are accepted.
 */
TEST_F(attached, set_bridge_limits)
{
	uint32_t want[SIS_LIMITS_A_MAX + 1];
	struct limits_req q;
	char what[64];
	unsigned int i;
	int other;

	for (i = 0; i < ARRAY_SIZE(limit_ranges); i++) {
		int attr = limit_ranges[i].attr;

		other = attr == SIS_LIMITS_A_MAX_CONNS ?
			SIS_LIMITS_A_CONN_SEGS : SIS_LIMITS_A_MAX_CONNS;
		/* Alone, then after a good limit. */
		q = (struct limits_req){ .n = 1, .l = { { attr } } };
		q.l[0].value = limit_ranges[i].low;
		snprintf(what, sizeof(what), "limit %d = %u", attr,
			 q.l[0].value);
		expect_req(_metadata, &self->c, what, SIS_CMD_SET_BRIDGE, 0,
			   put_limits_arg, &q, ERANGE, "integer out of range");
		q.l[0].value = limit_ranges[i].high;
		snprintf(what, sizeof(what), "limit %d = %u", attr,
			 q.l[0].value);
		expect_req(_metadata, &self->c, what, SIS_CMD_SET_BRIDGE, 0,
			   put_limits_arg, &q, ERANGE, "integer out of range");
		q = (struct limits_req){ .n = 2, .l = { { other, 7 },
							 { attr } } };
		q.l[1].value = limit_ranges[i].high;
		snprintf(what, sizeof(what), "limit %d = 7, limit %d = %u",
			 other, attr, q.l[1].value);
		expect_req(_metadata, &self->c, what, SIS_CMD_SET_BRIDGE, 0,
			   put_limits_arg, &q, ERANGE, "integer out of range");
		expect_limits(_metadata, &self->c, what, default_limits);
	}

	/* Not a bridge of this namespace, not an attached one. */
	q = (struct limits_req){ .ifindex = 999999, .n = 1,
				 .l = { { SIS_LIMITS_A_MAX_CONNS, 10 } } };
	expect_req(_metadata, &self->c, "unknown device", SIS_CMD_SET_BRIDGE,
		   0, put_limits_arg, &q, ENODEV, "no device with this index");
	q.ifindex = self->c.host;
	expect_req(_metadata, &self->c, "host port", SIS_CMD_SET_BRIDGE, 0,
		   put_limits_arg, &q, ENOENT, "bridge is not attached");
	/* An empty nest changes nothing. */
	q = (struct limits_req){ .n = 0 };
	expect_req(_metadata, &self->c, "no limits", SIS_CMD_SET_BRIDGE, 0,
		   put_limits_arg, &q, 0, "");
	expect_limits(_metadata, &self->c, "refused or empty", default_limits);

	/* Only the limits named change, and stay when others change. */
	memcpy(want, default_limits, sizeof(want));
	q = (struct limits_req){ .n = 2,
				 .l = { { SIS_LIMITS_A_MAX_CONNS, 100 },
					{ SIS_LIMITS_A_CLOSE_MS, 5000 } } };
	expect_req(_metadata, &self->c, "two limits", SIS_CMD_SET_BRIDGE, 0,
		   put_limits_arg, &q, 0, "");
	want[SIS_LIMITS_A_MAX_CONNS] = 100;
	want[SIS_LIMITS_A_CLOSE_MS] = 5000;
	expect_limits(_metadata, &self->c, "two limits", want);
	q = (struct limits_req){ .n = 1,
				 .l = { { SIS_LIMITS_A_CONN_SEGS, 9 } } };
	expect_req(_metadata, &self->c, "one limit", SIS_CMD_SET_BRIDGE, 0,
		   put_limits_arg, &q, 0, "");
	want[SIS_LIMITS_A_CONN_SEGS] = 9;
	expect_limits(_metadata, &self->c, "one limit", want);

	/* Both ends of every range, all in one request each. */
	q = (struct limits_req){ .n = ARRAY_SIZE(limit_ranges) };
	for (i = 0; i < ARRAY_SIZE(limit_ranges); i++) {
		q.l[i].attr = limit_ranges[i].attr;
		q.l[i].value = want[q.l[i].attr] = limit_ranges[i].min;
	}
	expect_req(_metadata, &self->c, "minimums", SIS_CMD_SET_BRIDGE, 0,
		   put_limits_arg, &q, 0, "");
	expect_limits(_metadata, &self->c, "minimums", want);
	for (i = 0; i < ARRAY_SIZE(limit_ranges); i++)
		q.l[i].value = want[q.l[i].attr] = limit_ranges[i].max;
	expect_req(_metadata, &self->c, "maximums", SIS_CMD_SET_BRIDGE, 0,
		   put_limits_arg, &q, 0, "");
	expect_limits(_metadata, &self->c, "maximums", want);

	/* Back to the defaults, for the tests that follow. */
	for (i = 0; i < ARRAY_SIZE(limit_ranges); i++)
		q.l[i].value = default_limits[q.l[i].attr];
	expect_req(_metadata, &self->c, "defaults", SIS_CMD_SET_BRIDGE, 0,
		   put_limits_arg, &q, 0, "");
	expect_limits(_metadata, &self->c, "defaults", default_limits);

	/* The settings: words as numbers, none past the last word. */
	for (i = 0; i < ARRAY_SIZE(setting_max); i++) {
		int attr = setting_max[i].attr;

		memcpy(want, default_limits, sizeof(want));
		q = (struct limits_req){ .n = 1, .l = { { attr } } };
		q.l[0].value = setting_max[i].max + 1;
		snprintf(what, sizeof(what), "setting %d = %u", attr,
			 q.l[0].value);
		expect_req(_metadata, &self->c, what, SIS_CMD_SET_BRIDGE, 0,
			   put_limits_arg, &q, ERANGE, "integer out of range");
		expect_limits(_metadata, &self->c, what, want);
		q.l[0].value = want[attr] = setting_max[i].max;
		snprintf(what, sizeof(what), "setting %d = %u", attr,
			 q.l[0].value);
		expect_req(_metadata, &self->c, what, SIS_CMD_SET_BRIDGE, 0,
			   put_limits_arg, &q, 0, "");
		expect_limits(_metadata, &self->c, what, want);
		q.l[0].value = 0;
		expect_req(_metadata, &self->c, "back to the default",
			   SIS_CMD_SET_BRIDGE, 0, put_limits_arg, &q, 0, "");
	}
	expect_limits(_metadata, &self->c, "defaults", default_limits);
}

/*
 * SIS_CMD_GET_CONN: with no stream scanner nothing is tracked; the dump is
 * empty, whole or limited to a bridge (or to a device that is none).
 */
TEST_F(attached, get_conn_empty)
{
	static const int unknown = 999999, zero;
	struct reply r;
	const int *ifindex[] = { &self->c.br, &self->c.host, &unknown };
	unsigned int i;

	request(&self->c, SIS_CMD_GET_CONN, NLM_F_DUMP, NULL, false, &r);
	EXPECT_EQ(0, r.error);
	EXPECT_EQ(0, r.conns);
	for (i = 0; i < ARRAY_SIZE(ifindex); i++) {
		self->c.arg = ifindex[i];
		request(&self->c, SIS_CMD_GET_CONN, NLM_F_DUMP,
			put_ifindex_arg, false, &r);
		EXPECT_EQ(0, r.error) {
			TH_LOG("ifindex %d: \"%s\"", *ifindex[i], r.msg);
		}
		EXPECT_EQ(0, r.conns);
	}
	expect_req(_metadata, &self->c, "ifindex 0", SIS_CMD_GET_CONN,
		   NLM_F_DUMP, put_ifindex_arg, &zero, ERANGE,
		   "integer out of range");
	expect_req(_metadata, &self->c, "unknown attribute", SIS_CMD_GET_CONN,
		   NLM_F_DUMP, put_br_unknown, NULL, EINVAL,
		   "Unknown attribute");
	expect_req(_metadata, &self->c, "attribute of another command",
		   SIS_CMD_GET_CONN, NLM_F_DUMP, put_attach_ok, NULL, EINVAL,
		   "Unsupported attribute");
}

/*
 * Without CAP_NET_ADMIN: setting limits and listing connections are
 * refused (by the genetlink core, without a message), changing nothing.
 */
TEST_F(attached, stream_unprivileged)
{
	const struct limits_req q = {
		.n = 1, .l = { { SIS_LIMITS_A_MAX_CONNS, 5 } },
	};
	struct reply r;

	request_as_nobody(&q, SIS_CMD_SET_BRIDGE, 0, put_limits_arg, &r);
	EXPECT_EQ(-EPERM, r.error) {
		TH_LOG("set bridge: \"%s\"", r.msg);
	}
	expect_limits(_metadata, &self->c, "after nobody", default_limits);

	request_as_nobody(NULL, SIS_CMD_GET_CONN, NLM_F_DUMP, NULL, &r);
	EXPECT_EQ(-EPERM, r.error) {
		TH_LOG("get conn: \"%s\"", r.msg);
	}
	request_as_nobody(&self->c.br, SIS_CMD_GET_CONN, NLM_F_DUMP,
			  put_ifindex_arg, &r);
	EXPECT_EQ(-EPERM, r.error) {
		TH_LOG("get conn of the bridge: \"%s\"", r.msg);
	}
	EXPECT_EQ(0, r.conns);
}

/* A scanner declared (SIS_CMD_SCANNER_ADD) on the bridge. */
struct scanner_req {
	const char *name;
	long uid;
};

static void put_scanner_arg(struct nl_msg *m, const struct ctx *c)
{
	const struct scanner_req *q = c->arg;

	put_br(m, c);
	put_scanner_nest(m, q->name, q->uid, -1);
}

/* SIS_A_SCANNER with the name only (delete, attach). */
static void put_scanner_name_arg(struct nl_msg *m, const struct ctx *c)
{
	put_scanner_nest(m, c->arg, -1, -1);
}

/* SIS_CMD_CAP_ADD from a struct cap_req. */
struct cap_req {
	const char *scanner;		/* NULL: "st" */
	const char *name;
	int kind;			/* -1: no SIS_CAP_A_KIND */
	int rights, dir;		/* 0: absent */
	const void *bpf, *host, *net;	/* NULL: absent */
	int bpf_len, host_len, net_len;	/* bytes */
	int midstream;			/* 0: absent, else the value + 1 */
	long long max_cuts;		/* 0: absent, else the value + 1 */
};

static void put_cap_arg(struct nl_msg *m, const struct ctx *c)
{
	const struct cap_req *q = c->arg;
	struct nlattr *n;

	put_scanner_nest(m, q->scanner ?: "st", -1, -1);
	n = nla_nest_start(m, SIS_A_CAP | NLA_F_NESTED);
	nla_put_string(m, SIS_CAP_A_NAME, q->name);
	if (q->kind >= 0)
		nla_put_u8(m, SIS_CAP_A_KIND, q->kind);
	if (q->rights)
		nla_put_u8(m, SIS_CAP_A_RIGHTS, q->rights);
	if (q->dir)
		nla_put_u8(m, SIS_CAP_A_DIR, q->dir);
	if (q->bpf)
		nla_put(m, SIS_CAP_A_BPF, q->bpf_len, q->bpf);
	if (q->host)
		nla_put(m, SIS_CAP_A_HOST_PORTS, q->host_len, q->host);
	if (q->net)
		nla_put(m, SIS_CAP_A_NET_PORTS, q->net_len, q->net);
	if (q->midstream)
		nla_put_u8(m, SIS_CAP_A_MIDSTREAM, q->midstream - 1);
	if (q->max_cuts)
		nla_put_u32(m, SIS_CAP_A_MAX_CUTS, q->max_cuts - 1);
	nla_nest_end(m, n);
}

/* A scanner's dump: whether it is attached, and its capabilities. */
struct cap_info {
	char name[SIS_NAME_MAX];
	int kind, rights, dir, midstream;	/* -1: absent */
	long long max_cuts;		/* -1: absent */
	int host_len, net_len;		/* bytes; -1: no list */
	struct sis_port_range host[SIS_PORT_RANGES_MAX];
	struct sis_port_range net[SIS_PORT_RANGES_MAX];
};

struct scanner_info {
	const char *name;		/* the scanner looked at */
	int messages;			/* dump messages about it */
	uint32_t pid;			/* 0: no process attached */
	int n_caps;
	struct cap_info caps[16];
};

static int nla_u8_or(struct nlattr *a, int none)
{
	return a && nla_len(a) == 1 ? nla_get_u8(a) : none;
}

static int copy_ports(struct nlattr *a, struct sis_port_range *r)
{
	if (!a || nla_len(a) > SIS_PORT_RANGES_MAX * (int)sizeof(*r))
		return -1;
	memcpy(r, nla_data(a), nla_len(a));
	return nla_len(a);
}

static int on_scanner(struct nl_msg *msg, void *arg)
{
	struct scanner_info *si = arg;
	struct nlattr *a;
	bool mine = false;
	int rem;

	nlmsg_for_each_attr(a, nlmsg_hdr(msg), GENL_HDRLEN, rem) {
		struct nlattr *tb[SIS_SCANNER_A_MAX + SIS_CAP_A_MAX + 1];
		struct cap_info *ci;

		if (nla_type(a) == SIS_A_SCANNER &&
		    !nla_parse_nested(tb, SIS_SCANNER_A_MAX, a, NULL) &&
		    tb[SIS_SCANNER_A_NAME]) {
			mine = !strcmp(nla_get_string(tb[SIS_SCANNER_A_NAME]),
				       si->name);
			if (!mine)
				continue;
			si->messages++;
			if (tb[SIS_SCANNER_A_PID])
				si->pid = nla_get_u32(tb[SIS_SCANNER_A_PID]);
		}
		if (nla_type(a) != SIS_A_CAP || !mine ||
		    si->n_caps == ARRAY_SIZE(si->caps) ||
		    nla_parse_nested(tb, SIS_CAP_A_MAX, a, NULL) ||
		    !tb[SIS_CAP_A_NAME])
			continue;
		ci = &si->caps[si->n_caps++];
		snprintf(ci->name, sizeof(ci->name), "%s",
			 nla_get_string(tb[SIS_CAP_A_NAME]));
		ci->kind = nla_u8_or(tb[SIS_CAP_A_KIND], -1);
		ci->rights = nla_u8_or(tb[SIS_CAP_A_RIGHTS], -1);
		ci->dir = nla_u8_or(tb[SIS_CAP_A_DIR], -1);
		ci->midstream = nla_u8_or(tb[SIS_CAP_A_MIDSTREAM], -1);
		ci->max_cuts = tb[SIS_CAP_A_MAX_CUTS] &&
			       nla_len(tb[SIS_CAP_A_MAX_CUTS]) == 4 ?
			       (long long)nla_get_u32(tb[SIS_CAP_A_MAX_CUTS]) : -1;
		ci->host_len = copy_ports(tb[SIS_CAP_A_HOST_PORTS], ci->host);
		ci->net_len = copy_ports(tb[SIS_CAP_A_NET_PORTS], ci->net);
	}
	return NL_OK;
}

static int dump_scanner(const struct ctx *c, const char *name,
			struct scanner_info *si)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int err;

	memset(si, 0, sizeof(*si));
	si->name = name;
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, c->family, 0,
		    NLM_F_REQUEST | NLM_F_DUMP, SIS_CMD_GET_SCANNER,
		    SIS_GENL_VERSION);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_scanner, si);
	err = nl_send_auto(c->sk, msg);
	if (err >= 0)
		err = nl_recvmsgs(c->sk, cb);
	nl_cb_put(cb);
	nlmsg_free(msg);
	return err < 0 ? err : 0;
}

static const struct sis_port_range web_ports[] = { { 80, 80 },
						   { 8000, 8080 } };
static const struct sis_port_range high_ports[] = { { 1024, 65535 } };
static const struct sis_port_range edge_ports[] = { { 1, 1 },
						    { 65535, 65535 } };
static const struct sis_port_range zero_port[] = { { 0, 80 } };
static const struct sis_port_range reversed_ports[] = { { 22, 22 },
							{ 90, 89 } };
static struct sis_port_range many_ports[SIS_PORT_RANGES_MAX + 1];

#define PORTS(p) .host = (p), .host_len = sizeof(p)
#define NET_PORTS(p) .net = (p), .net_len = sizeof(p)
#define BPF(p) .bpf = (p), .bpf_len = sizeof(p)

/*
 * Stream capabilities (SIS_CAP_A_KIND = SIS_CAP_STREAM): accepted without
 * a filter, with or without port lists, and shown back with their kind
 * and lists; malformed ones are refused with a message and add nothing.
 */
TEST_F(attached, cap_stream)
{
	const struct cap_req good[] = {
		{ .name = "any", .kind = SIS_CAP_STREAM,
		  .rights = SIS_RIGHT_READ },
		{ .name = "web", .kind = SIS_CAP_STREAM,
		  .rights = SIS_RIGHT_READ | SIS_RIGHT_CONTAIN,
		  .dir = SIS_DIR_OUT, PORTS(web_ports),
		  NET_PORTS(high_ports) },
		{ .name = "max", .kind = SIS_CAP_STREAM,
		  .rights = SIS_RIGHT_READ, .host = many_ports,
		  .host_len = SIS_PORT_RANGES_MAX * sizeof(many_ports[0]) },
		{ .name = "edges", .kind = SIS_CAP_STREAM,
		  .rights = SIS_RIGHT_READ, NET_PORTS(edge_ports) },
		{ .name = "syn", .kind = SIS_CAP_STREAM,
		  .rights = SIS_RIGHT_READ, BPF(ret_all) },
		{ .name = "frames", .kind = SIS_CAP_FRAMES,
		  .rights = SIS_RIGHT_READ, BPF(ret_all) },
		{ .name = "default", .kind = -1, .rights = SIS_RIGHT_READ,
		  BPF(ret_all) },
		{ .name = "late", .kind = SIS_CAP_STREAM,
		  .rights = SIS_RIGHT_READ | SIS_RIGHT_CONTAIN,
		  .midstream = SIS_UNJUDGED_PASS + 1 },
		{ .name = "ro-pass", .kind = SIS_CAP_STREAM,
		  .rights = SIS_RIGHT_READ, .midstream = SIS_UNJUDGED_PASS + 1 },
		{ .name = "bounded", .kind = SIS_CAP_STREAM,
		  .rights = SIS_RIGHT_READ | SIS_RIGHT_CONTAIN, .max_cuts = 5 + 1 },
		{ .name = "most", .kind = SIS_CAP_STREAM,
		  .rights = SIS_RIGHT_READ | SIS_RIGHT_CONTAIN,
		  .max_cuts = 0xffffffffLL + 1 },
		/* 0 is the default, no bound: not dumped. */
		{ .name = "unbounded", .kind = SIS_CAP_STREAM,
		  .rights = SIS_RIGHT_READ | SIS_RIGHT_CONTAIN, .max_cuts = 0 + 1 },
	};
	static const char max_cuts_for[] =
		"a bound on cuts is for stream capabilities that contain";
	static const char midstream_for[] =
		"a mid-stream policy is for stream capabilities that contain";
	static const char ports_len[] =
		"a port list is 1 to 16 struct sis_port_range";
	static const char ports_bad[] =
		"ports are 1 to 65535, each range low to high";
	static const char needs[] =
		"a capability needs a name, rights and (for frames) a filter program";
	const struct {
		struct cap_req q;
		int error;
		const char *msg;
	} bad[] = {
		{ { .kind = SIS_CAP_STREAM, .rights = SIS_RIGHT_READ,
		    .host = web_ports, .host_len = 6 }, EINVAL, ports_len },
		{ { .kind = SIS_CAP_STREAM, .rights = SIS_RIGHT_READ,
		    .host = web_ports, .host_len = 0 }, EINVAL, ports_len },
		{ { .kind = SIS_CAP_STREAM, .rights = SIS_RIGHT_READ,
		    PORTS(many_ports) }, EINVAL, ports_len },
		{ { .kind = SIS_CAP_STREAM, .rights = SIS_RIGHT_READ,
		    PORTS(web_ports), .net = high_ports, .net_len = 3 },
		  EINVAL, ports_len },
		{ { .kind = SIS_CAP_STREAM, .rights = SIS_RIGHT_READ,
		    PORTS(zero_port) }, EINVAL, ports_bad },
		{ { .kind = SIS_CAP_STREAM, .rights = SIS_RIGHT_READ,
		    NET_PORTS(reversed_ports) }, EINVAL, ports_bad },
		{ { .kind = -1, .rights = SIS_RIGHT_READ, BPF(ret_all),
		    PORTS(web_ports) }, EINVAL,
		  "port lists are for stream capabilities" },
		{ { .kind = SIS_CAP_FRAMES, .rights = SIS_RIGHT_READ,
		    BPF(ret_all), NET_PORTS(high_ports) }, EINVAL,
		  "port lists are for stream capabilities" },
		{ { .kind = 2, .rights = SIS_RIGHT_READ }, ERANGE,
		  "integer out of range" },
		{ { .kind = 255, .rights = SIS_RIGHT_READ, BPF(ret_all) },
		  ERANGE, "integer out of range" },
		{ { .kind = SIS_CAP_FRAMES, .rights = SIS_RIGHT_READ }, EINVAL,
		  needs },
		{ { .kind = -1, .rights = SIS_RIGHT_READ }, EINVAL, needs },
		{ { .kind = SIS_CAP_STREAM }, EINVAL, needs },
		{ { .kind = SIS_CAP_STREAM, .rights = SIS_RIGHT_CONTAIN },
		  EINVAL, "contain without read" },
		{ { .kind = SIS_CAP_STREAM, .rights = SIS_RIGHT_READ,
		    .bpf = ret_all, .bpf_len = 7 }, EINVAL,
		  "whole number of BPF instructions" },
		{ { .kind = SIS_CAP_STREAM, .rights = SIS_RIGHT_READ,
		    BPF(jump_out) }, EINVAL, "BPF checker" },
		{ { .name = "no way", .kind = SIS_CAP_STREAM,
		    .rights = SIS_RIGHT_READ }, EINVAL,
		  "capability names are" },
		{ { .name = "web", .kind = SIS_CAP_STREAM,
		    .rights = SIS_RIGHT_READ }, EEXIST,
		  "capability with this name" },
		{ { .kind = SIS_CAP_FRAMES, .rights = SIS_RIGHT_READ |
		    SIS_RIGHT_CONTAIN, BPF(ret_all),
		    .midstream = SIS_UNJUDGED_DROP + 1 }, EINVAL, midstream_for },
		{ { .kind = SIS_CAP_STREAM, .rights = SIS_RIGHT_READ,
		    .midstream = SIS_UNJUDGED_DROP + 1 }, EINVAL, midstream_for },
		{ { .kind = SIS_CAP_STREAM, .rights = SIS_RIGHT_READ |
		    SIS_RIGHT_CONTAIN, .midstream = __SIS_UNJUDGED_MAX + 1 },
		  ERANGE, "integer out of range" },
		{ { .kind = SIS_CAP_FRAMES, .rights = SIS_RIGHT_READ |
		    SIS_RIGHT_CONTAIN, BPF(ret_all), .max_cuts = 3 + 1 },
		  EINVAL, max_cuts_for },
		{ { .kind = -1, .rights = SIS_RIGHT_READ | SIS_RIGHT_CONTAIN,
		    BPF(ret_all), .max_cuts = 1 }, EINVAL, max_cuts_for },
		{ { .kind = SIS_CAP_STREAM, .rights = SIS_RIGHT_READ,
		    .max_cuts = 3 + 1 }, EINVAL, max_cuts_for },
	};
	const struct scanner_req st = { "st", 65534 };
	struct scanner_info si;
	struct cap_req q;
	char what[64];
	unsigned int i;
	int j;

	for (i = 0; i < ARRAY_SIZE(many_ports); i++)
		many_ports[i] = (struct sis_port_range){ 100 * i + 1,
							 100 * i + 50 };
	expect_req(_metadata, &self->c, "scanner st", SIS_CMD_SCANNER_ADD, 0,
		   put_scanner_arg, &st, 0, "");
	ASSERT_EQ(0, dump_scanner(&self->c, "st", &si));
	ASSERT_EQ(1, si.messages);

	for (i = 0; i < ARRAY_SIZE(good); i++)
		expect_req(_metadata, &self->c, good[i].name, SIS_CMD_CAP_ADD,
			   0, put_cap_arg, &good[i], 0, "");
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		q = bad[i].q;
		q.name = q.name ?: "bad";
		snprintf(what, sizeof(what), "refused capability %u", i);
		expect_req(_metadata, &self->c, what, SIS_CMD_CAP_ADD, 0,
			   put_cap_arg, &q, bad[i].error, bad[i].msg);
		/* Nothing added. */
		ASSERT_EQ(0, dump_scanner(&self->c, "st", &si));
		EXPECT_EQ(ARRAY_SIZE(good), si.n_caps) {
			TH_LOG("%s", what);
		}
	}

	/* Each shown back as declared: kind, rights, direction, ports. */
	ASSERT_EQ(0, dump_scanner(&self->c, "st", &si));
	ASSERT_EQ(ARRAY_SIZE(good), si.n_caps);
	for (i = 0; i < ARRAY_SIZE(good); i++) {
		const struct cap_info *ci = &si.caps[i];
		const struct cap_req *g = &good[i];

		EXPECT_STREQ(g->name, ci->name);
		EXPECT_EQ(g->kind < 0 ? SIS_CAP_FRAMES : g->kind, ci->kind) {
			TH_LOG("%s", g->name);
		}
		EXPECT_EQ(g->rights, ci->rights);
		EXPECT_EQ(g->dir ?: SIS_DIR_ANY, ci->dir);
		EXPECT_EQ(g->host ? g->host_len : -1, ci->host_len) {
			TH_LOG("%s", g->name);
		}
		EXPECT_EQ(g->net ? g->net_len : -1, ci->net_len) {
			TH_LOG("%s", g->name);
		}
		/* Stream capabilities have one: drop if they contain. */
		EXPECT_EQ(g->kind != SIS_CAP_STREAM ? -1 :
			  g->midstream ? g->midstream - 1 :
			  g->rights & SIS_RIGHT_CONTAIN ? SIS_UNJUDGED_DROP :
			  SIS_UNJUDGED_PASS, ci->midstream) {
			TH_LOG("%s", g->name);
		}
		/* Dumped when not 0, as given. */
		EXPECT_EQ(g->max_cuts > 1 ? g->max_cuts - 1 : -1, ci->max_cuts) {
			TH_LOG("%s", g->name);
		}
		if (g->host && ci->host_len == g->host_len)
			EXPECT_EQ(0, memcmp(g->host, ci->host, g->host_len));
		if (g->net && ci->net_len == g->net_len)
			EXPECT_EQ(0, memcmp(g->net, ci->net, g->net_len));
	}

	/* Deleted like any capability; the others stay. */
	q = (struct cap_req){ .name = "web", .kind = -1 };
	expect_req(_metadata, &self->c, "delete web", SIS_CMD_CAP_DEL, 0,
		   put_cap_arg, &q, 0, "");
	ASSERT_EQ(0, dump_scanner(&self->c, "st", &si));
	EXPECT_EQ(ARRAY_SIZE(good) - 1, si.n_caps);
	for (j = 0; j < si.n_caps; j++)
		EXPECT_STRNE("web", si.caps[j].name);
	expect_req(_metadata, &self->c, "delete st", SIS_CMD_SCANNER_DEL, 0,
		   put_scanner_name_arg, "st", 0, "");
}

/* SIS_CMD_INJECT_ADD from a struct inject_req, to scanner "ij". */
struct inject_req {
	unsigned int id;
	int kind, dir;			/* -1, 0: absent */
	int frame_len, data_len;	/* -1: absent */
};

static void put_inject_arg(struct nl_msg *m, const struct ctx *c)
{
	static uint8_t bytes[SIS_INJECT_STREAM_MAX + 8];
	const struct inject_req *q = c->arg;
	struct nlattr *n;

	put_scanner_nest(m, "ij", -1, -1);
	n = nla_nest_start(m, SIS_A_INJECT | NLA_F_NESTED);
	nla_put_u32(m, SIS_INJECT_A_ID, q->id);
	if (q->kind >= 0)
		nla_put_u8(m, SIS_INJECT_A_KIND, q->kind);
	if (q->dir)
		nla_put_u8(m, SIS_INJECT_A_DIR, q->dir);
	if (q->frame_len >= 0)
		nla_put(m, SIS_INJECT_A_FRAME, q->frame_len, bytes);
	if (q->data_len >= 0)
		nla_put(m, SIS_INJECT_A_DATA, q->data_len, bytes);
	nla_nest_end(m, n);
}

/* A scanner's injections, as dumped: id, kind, dir, length. */
struct inject_info {
	int n;
	struct { long id; int kind, dir; long len; } v[8];
};

static int on_injects(struct nl_msg *msg, void *arg)
{
	struct inject_info *ii = arg;
	struct nlattr *a, *tb[SIS_INJECT_A_MAX + 1];
	int rem;

	nlmsg_for_each_attr(a, nlmsg_hdr(msg), GENL_HDRLEN, rem) {
		if (nla_type(a) != SIS_A_INJECT || ii->n == ARRAY_SIZE(ii->v) ||
		    nla_parse_nested(tb, SIS_INJECT_A_MAX, a, NULL) ||
		    !tb[SIS_INJECT_A_ID])
			continue;
		ii->v[ii->n].id = nla_get_u32(tb[SIS_INJECT_A_ID]);
		ii->v[ii->n].kind = nla_u8_or(tb[SIS_INJECT_A_KIND], -1);
		ii->v[ii->n].dir = nla_u8_or(tb[SIS_INJECT_A_DIR], -1);
		ii->v[ii->n].len = tb[SIS_INJECT_A_LEN] ?
				   (long)nla_get_u32(tb[SIS_INJECT_A_LEN]) : -1;
		/* The bytes stay in the kernel. */
		if (tb[SIS_INJECT_A_FRAME] || tb[SIS_INJECT_A_DATA])
			ii->v[ii->n].len = -2;
		ii->n++;
	}
	return NL_OK;
}

/* Only scanner "ij" exists while this runs: every injection is its. */
static int dump_injects(const struct ctx *c, struct inject_info *ii)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int err;

	memset(ii, 0, sizeof(*ii));
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, c->family, 0,
		    NLM_F_REQUEST | NLM_F_DUMP, SIS_CMD_GET_SCANNER,
		    SIS_GENL_VERSION);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_injects, ii);
	err = nl_send_auto(c->sk, msg);
	if (err >= 0)
		err = nl_recvmsgs(c->sk, cb);
	nl_cb_put(cb);
	nlmsg_free(msg);
	return err < 0 ? err : 0;
}

/* SIS_CMD_INJECT from a struct inject_req: its id and dir. */
static void put_send_arg(struct nl_msg *m, const struct ctx *c)
{
	const struct inject_req *q = c->arg;
	struct nlattr *n = nla_nest_start(m, SIS_A_INJECT | NLA_F_NESTED);

	nla_put_u32(m, SIS_INJECT_A_ID, q->id);
	nla_put_u8(m, SIS_INJECT_A_DIR, q->dir);
	if (q->data_len >= 0) {
		static const uint8_t b[4];

		nla_put(m, SIS_INJECT_A_DATA, q->data_len, b);
	}
	nla_nest_end(m, n);
}

/*
 * Stream injections (SIS_INJECT_A_KIND = SIS_INJECT_STREAM): registered
 * with their bytes, 1 to SIS_INJECT_STREAM_MAX of them, and dumped with
 * their kind and length; a frame where bytes go, or the reverse, is
 * refused with a message and adds nothing. A scanner cannot send a
 * stream block as a frame, nor bytes of its own.
 */
TEST_F(attached, inject_stream)
{
	const struct {
		const char *what;
		struct inject_req q;
	} good[] = {
		{ "the largest block", { 1, SIS_INJECT_STREAM, 0, -1,
					 SIS_INJECT_STREAM_MAX } },
		{ "one byte, in only", { 2, SIS_INJECT_STREAM, SIS_DIR_IN, -1, 1 } },
		{ "a frame, said", { 3, SIS_INJECT_FRAME, SIS_DIR_OUT, 60, -1 } },
		{ "a frame, not said", { 4, -1, 0, SIS_INJECT_FRAME_MAX, -1 } },
	};
	static const char needs[] =
		"a stream injection needs an id and its bytes (SIS_INJECT_A_DATA)";
	static const char not_frame[] =
		"a stream injection takes bytes (SIS_INJECT_A_DATA), not a frame";
	static const char not_data[] =
		"a frame injection takes a frame (SIS_INJECT_A_FRAME), not stream bytes";
	const struct {
		const char *what;
		struct inject_req q;
		int error;
		const char *msg;
	} bad[] = {
		{ "stream, with a frame too", { 9, SIS_INJECT_STREAM, 0, 60, 10 },
		  EINVAL, not_frame },
		{ "stream, a frame only", { 9, SIS_INJECT_STREAM, 0, 60, -1 },
		  EINVAL, not_frame },
		{ "stream, no bytes", { 9, SIS_INJECT_STREAM, 0, -1, -1 },
		  EINVAL, needs },
		{ "stream, empty", { 9, SIS_INJECT_STREAM, 0, -1, 0 },
		  EINVAL, "a stream injection is 1 byte at least" },
		/* Without dir, one byte more than the largest fits the nest. */
		{ "stream, one byte too many", { 9, SIS_INJECT_STREAM, 0, -1,
						 SIS_INJECT_STREAM_MAX + 1 },
		  ERANGE, "Attribute failed policy validation" },
		{ "frame, with bytes too", { 9, SIS_INJECT_FRAME, 0, 60, 10 },
		  EINVAL, not_data },
		{ "no kind, bytes only", { 9, -1, 0, -1, 10 }, EINVAL, not_data },
		{ "frame, no frame", { 9, SIS_INJECT_FRAME, 0, -1, -1 },
		  EINVAL, "an injection needs an id and a frame" },
		{ "kind 2", { 9, 2, 0, -1, 10 }, ERANGE, "integer out of range" },
		{ "an id in use", { 2, SIS_INJECT_STREAM, 0, -1, 5 }, EEXIST,
		  "the scanner has an injection with this id" },
	};
	const struct scanner_req ij = { "ij", geteuid() };
	struct inject_info ii;
	struct inject_req q;
	struct ctx sc;
	unsigned int i;
	int j;

	expect_req(_metadata, &self->c, "scanner ij", SIS_CMD_SCANNER_ADD, 0,
		   put_scanner_arg, &ij, 0, "");
	for (i = 0; i < ARRAY_SIZE(good); i++)
		expect_req(_metadata, &self->c, good[i].what,
			   SIS_CMD_INJECT_ADD, 0, put_inject_arg, &good[i].q,
			   0, "");
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		expect_req(_metadata, &self->c, bad[i].what,
			   SIS_CMD_INJECT_ADD, 0, put_inject_arg, &bad[i].q,
			   bad[i].error, bad[i].msg);
		ASSERT_EQ(0, dump_injects(&self->c, &ii));
		EXPECT_EQ(ARRAY_SIZE(good), ii.n) {
			TH_LOG("%s", bad[i].what);
		}
	}

	/* Each dumped with its kind and length, never its bytes. */
	ASSERT_EQ(0, dump_injects(&self->c, &ii));
	ASSERT_EQ(ARRAY_SIZE(good), ii.n);
	for (j = 0; j < ii.n; j++) {
		const struct inject_req *g = &good[j].q;

		EXPECT_EQ(g->id, ii.v[j].id);
		EXPECT_EQ(g->kind < 0 ? SIS_INJECT_FRAME : g->kind, ii.v[j].kind) {
			TH_LOG("%s", good[j].what);
		}
		EXPECT_EQ(g->dir ?: SIS_DIR_ANY, ii.v[j].dir);
		EXPECT_EQ(g->data_len >= 0 ? g->data_len : g->frame_len,
			  ii.v[j].len) {
			TH_LOG("%s", good[j].what);
		}
	}

	/* From the scanner's own socket: a stream block is no frame. */
	ASSERT_EQ(0, ctx_open(&sc));
	expect_req(_metadata, &sc, "attach", SIS_CMD_SCANNER_ATTACH, 0,
		   put_scanner_name_arg, "ij", 0, "");
	q = (struct inject_req){ 2, -1, SIS_DIR_IN, -1, -1 };
	expect_req(_metadata, &sc, "send a stream block", SIS_CMD_INJECT, 0,
		   put_send_arg, &q, EINVAL, "this injection is a stream block");
	q = (struct inject_req){ 1, -1, SIS_DIR_OUT, -1, -1 };
	expect_req(_metadata, &sc, "send the other", SIS_CMD_INJECT, 0,
		   put_send_arg, &q, EINVAL, "this injection is a stream block");
	q = (struct inject_req){ 3, -1, SIS_DIR_OUT, -1, 4 };
	expect_req(_metadata, &sc, "send bytes of its own", SIS_CMD_INJECT,
		   0, put_send_arg, &q, EPERM, "registered frames only");
	nl_socket_free(sc.sk);

	/* Deleted like any injection, by id. */
	q = (struct inject_req){ 1, -1, 0, -1, -1 };
	expect_req(_metadata, &self->c, "delete block 1", SIS_CMD_INJECT_DEL,
		   0, put_inject_arg, &q, 0, "");
	ASSERT_EQ(0, dump_injects(&self->c, &ii));
	EXPECT_EQ(ARRAY_SIZE(good) - 1, ii.n);
	for (j = 0; j < ii.n; j++)
		EXPECT_NE(1, ii.v[j].id);
	expect_req(_metadata, &self->c, "delete ij", SIS_CMD_SCANNER_DEL, 0,
		   put_scanner_name_arg, "ij", 0, "");
}

/* SIS_A_PASSES of len bytes. */
struct passes_req {
	const void *data;
	int len;
};

static void put_passes_arg(struct nl_msg *m, const struct ctx *c)
{
	const struct passes_req *q = c->arg;

	nla_put(m, SIS_A_PASSES, q->len, q->data);
}

static void spoil_dir0(struct sis_stream_pass *p)
{
	p->dir = 0;
}

static void spoil_dir3(struct sis_stream_pass *p)
{
	p->dir = SIS_DIR_ANY;
}

static void spoil_dir4(struct sis_stream_pass *p)
{
	p->dir = 4;
}

static void spoil_reserved0(struct sis_stream_pass *p)
{
	p->reserved[0] = 1;
}

static void spoil_reserved1(struct sis_stream_pass *p)
{
	p->reserved[1] = 0x80;
}

static void spoil_inject_id(struct sis_stream_pass *p)
{
	p->inject = 7;
}

static void spoil_op(struct sis_stream_pass *p)
{
	p->op = SIS_STREAM_OP_MAX + 1;
}

static void spoil_len0(struct sis_stream_pass *p)
{
	p->len = 0;
}

static void spoil_wrap(struct sis_stream_pass *p)
{
	p->offset = ~0ULL - 10;
	p->len = 20;
}

static void spoil_all(struct sis_stream_pass *p)
{
	p->len = SIS_PASS_ALL;
}

static void spoil_out(struct sis_stream_pass *p)
{
	p->dir = SIS_DIR_OUT;
}

static void spoil_cut0(struct sis_stream_pass *p)
{
	p->op = SIS_STREAM_OP_CUT;
	p->len = 0;
}

static void spoil_cut_all(struct sis_stream_pass *p)
{
	p->op = SIS_STREAM_OP_CUT;
	p->len = SIS_PASS_ALL;
}

static void spoil_more_all(struct sis_stream_pass *p)
{
	p->op = SIS_STREAM_OP_MORE;
	p->len = SIS_PASS_ALL;
}

static void spoil_inject_len(struct sis_stream_pass *p)
{
	p->op = SIS_STREAM_OP_INJECT;
}

static void spoil_kill_len(struct sis_stream_pass *p)
{
	p->op = SIS_STREAM_OP_KILL;
}

static void op_cut(struct sis_stream_pass *p)
{
	p->op = SIS_STREAM_OP_CUT;
}

static void op_inject(struct sis_stream_pass *p)
{
	p->op = SIS_STREAM_OP_INJECT;
	p->len = 0;
	p->inject = 1;
}

static void op_more(struct sis_stream_pass *p)
{
	p->op = SIS_STREAM_OP_MORE;
}

static void op_kill(struct sis_stream_pass *p)
{
	p->op = SIS_STREAM_OP_KILL;
	p->offset = 0;
	p->len = 0;
}

/*
 * SIS_CMD_STREAM_PASS from a scanner's own socket: malformed requests are
 * refused with a message naming the bad pass, and change nothing; passes
 * for connections that do not exist are stale, and accepted. From any
 * other socket, ENOTCONN.
 */
TEST_F(attached, stream_pass)
{
	static struct sis_stream_pass p[SIS_PASSES_MAX + 1];
	const struct scanner_req sp = { "sp", geteuid() };
	const struct cap_req cap = {
		.scanner = "sp", .name = "tcp", .kind = SIS_CAP_STREAM,
		.rights = SIS_RIGHT_READ | SIS_RIGHT_CONTAIN,
	};
	const struct sis_stream_pass stale = {
		.conn = 1ULL << 40, .offset = 0, .len = 100, .dir = SIS_DIR_IN,
	};
	const struct {
		const char *what;
		int n;			/* passes, or bytes if negative */
		int bad;		/* the pass spoilt */
		void (*spoil)(struct sis_stream_pass *p);
		int error;
		const char *msg;
	} cases[] = {
		{ "33 bytes", -33, 0, NULL, EINVAL,
		  "whole number of struct sis_stream_pass" },
		{ "31 bytes", -31, 0, NULL, EINVAL,
		  "whole number of struct sis_stream_pass" },
		{ "too many", SIS_PASSES_MAX + 1, 0, NULL, ERANGE,
		  "failed policy validation" },
		{ "dir 0", 1, 0, spoil_dir0, EINVAL,
		  "pass 0: a direction that is not in or out" },
		{ "dir any", 1, 0, spoil_dir3, EINVAL,
		  "pass 0: a direction that is not in or out" },
		{ "dir 4", 1, 0, spoil_dir4, EINVAL,
		  "pass 0: a direction that is not in or out" },
		{ "reserved first", 1, 0, spoil_reserved0, EINVAL,
		  "pass 0: reserved bits set" },
		{ "reserved last", 1, 0, spoil_reserved1, EINVAL,
		  "pass 0: reserved bits set" },
		{ "an injection id on a pass", 1, 0, spoil_inject_id, EINVAL,
		  "pass 0: reserved bits set" },
		{ "an unknown op", 1, 0, spoil_op, EINVAL,
		  "decision 0: unknown op 5" },
		{ "len 0", 1, 0, spoil_len0, EINVAL, "pass 0: no bytes" },
		{ "offset + len wraps", 1, 0, spoil_wrap, EINVAL,
		  "pass 0: a range past the offset space" },
		{ "second of two", 2, 1, spoil_dir0, EINVAL,
		  "pass 1: a direction that is not in or out" },
		{ "last of the most", SIS_PASSES_MAX, SIS_PASSES_MAX - 1,
		  spoil_len0, EINVAL, "pass 1023: no bytes" },
		{ "cut of 0 bytes", 1, 0, spoil_cut0, EINVAL, "cut 0: no bytes" },
		{ "cut of the rest", 1, 0, spoil_cut_all, EINVAL,
		  "cut 0: the rest of the stream, which only a pass may take" },
		{ "more of the rest", 1, 0, spoil_more_all, EINVAL,
		  "more 0: the rest of the stream, which only a pass may take" },
		{ "inject with a length", 1, 0, spoil_inject_len, EINVAL,
		  "inject 0: a length (an injection's is its block's)" },
		{ "kill with a range", 1, 0, spoil_kill_len, EINVAL,
		  "kill 0: an offset or a length (a kill has none)" },
		{ "one stale", 1, 0, NULL, 0, "" },
		{ "rest of a stale stream", 1, 0, spoil_all, 0, "" },
		{ "both directions, stale", 2, 1, spoil_out, 0, "" },
		{ "the most, stale", SIS_PASSES_MAX, 0, NULL, 0, "" },
		{ "a cut, stale", 1, 0, op_cut, 0, "" },
		{ "an injection, stale", 1, 0, op_inject, 0, "" },
		{ "more, stale", 1, 0, op_more, 0, "" },
		{ "a kill, stale", 1, 0, op_kill, 0, "" },
	};
	struct passes_req q;
	struct scanner_info si;
	struct reply r, before;
	struct ctx sc;
	unsigned int i;
	int j;

	expect_req(_metadata, &self->c, "scanner sp", SIS_CMD_SCANNER_ADD, 0,
		   put_scanner_arg, &sp, 0, "");
	expect_req(_metadata, &self->c, "capability tcp", SIS_CMD_CAP_ADD, 0,
		   put_cap_arg, &cap, 0, "");
	ASSERT_EQ(0, ctx_open(&sc));

	/* Not attached yet; then attached, but from another socket. */
	q = (struct passes_req){ &stale, sizeof(stale) };
	expect_req(_metadata, &sc, "before attach", SIS_CMD_STREAM_PASS, 0,
		   put_passes_arg, &q, ENOTCONN, "not attached as a scanner");
	expect_req(_metadata, &sc, "attach", SIS_CMD_SCANNER_ATTACH, 0,
		   put_scanner_name_arg, "sp", 0, "");
	expect_req(_metadata, &self->c, "other socket", SIS_CMD_STREAM_PASS,
		   0, put_passes_arg, &q, ENOTCONN,
		   "not attached as a scanner");

	read_bridge(_metadata, &self->c, &before);
	expect_req(_metadata, &sc, "no passes", SIS_CMD_STREAM_PASS, 0, NULL,
		   NULL, EINVAL, "missing passes");
	q.len = 0;
	expect_req(_metadata, &sc, "empty", SIS_CMD_STREAM_PASS, 0,
		   put_passes_arg, &q, EINVAL, "no passes");
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int n = cases[i].n < 0 ? 1 : cases[i].n;

		for (j = 0; j < n; j++) {
			p[j] = stale;
			p[j].offset = 100 * j;
		}
		if (cases[i].spoil)
			cases[i].spoil(&p[cases[i].bad]);
		q = (struct passes_req){ p, cases[i].n < 0 ? -cases[i].n :
					 n * (int)sizeof(p[0]) };
		expect_req(_metadata, &sc, cases[i].what, SIS_CMD_STREAM_PASS,
			   0, put_passes_arg, &q, cases[i].error,
			   cases[i].msg);
	}

	/* Nothing changed: no connection, same counters, still attached. */
	read_bridge(_metadata, &self->c, &r);
	EXPECT_EQ(0, memcmp(before.sstats, r.sstats, sizeof(r.sstats)));
	EXPECT_EQ(0, memcmp(before.limits, r.limits, sizeof(r.limits)));
	request(&self->c, SIS_CMD_GET_CONN, NLM_F_DUMP, NULL, false, &r);
	EXPECT_EQ(0, r.error);
	EXPECT_EQ(0, r.conns);
	ASSERT_EQ(0, dump_scanner(&self->c, "sp", &si));
	EXPECT_EQ(1, si.messages);
	EXPECT_EQ(getpid(), si.pid);
	EXPECT_EQ(1, si.n_caps);

	/* Closing the socket lets the scanner go; then delete it. */
	nl_socket_free(sc.sk);
	ASSERT_EQ(0, dump_scanner(&self->c, "sp", &si));
	EXPECT_EQ(0, si.pid);
	expect_req(_metadata, &self->c, "delete sp", SIS_CMD_SCANNER_DEL, 0,
		   put_scanner_name_arg, "sp", 0, "");
}

/* A subscription under capability "all" whose filter has n instructions. */
static void put_sub_long_arg(struct nl_msg *m, const struct ctx *c)
{
	static struct sock_filter f[BPF_MAXINSNS];
	int n = *(const int *)c->arg, i;
	struct nlattr *a = nla_nest_start(m, SIS_A_SUB | NLA_F_NESTED);

	for (i = 0; i < n - 1; i++)
		f[i] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_IMM, i);
	f[n - 1] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0xffff);
	nla_put_string(m, SIS_SUB_A_CAP, "all");
	nla_put_u8(m, SIS_SUB_A_RIGHTS, SIS_RIGHT_READ);
	nla_put(m, SIS_SUB_A_BPF, n * sizeof(f[0]), f);
	nla_nest_end(m, a);
}

/*
 * A scanner's filters have SIS_SUB_INSNS_BUDGET instructions in all, each
 * run on every frame its capability matches: a subscription past the
 * budget is refused, one that fills it exactly is not.
 */
TEST_F(attached, sub_budget)
{
	const struct scanner_req sb = { "sb", geteuid() };
	const struct cap_req cap = {
		.scanner = "sb", .name = "all", .kind = -1,
		.rights = SIS_RIGHT_READ, BPF(ret_all),
	};
	int n = 1000, rest = SIS_SUB_INSNS_BUDGET - 4 * n, i;
	struct ctx sc;
	char what[32];

	expect_req(_metadata, &self->c, "scanner sb", SIS_CMD_SCANNER_ADD, 0,
		   put_scanner_arg, &sb, 0, "");
	expect_req(_metadata, &self->c, "capability all", SIS_CMD_CAP_ADD, 0,
		   put_cap_arg, &cap, 0, "");
	ASSERT_EQ(0, ctx_open(&sc));
	expect_req(_metadata, &sc, "attach", SIS_CMD_SCANNER_ATTACH, 0,
		   put_scanner_name_arg, "sb", 0, "");
	for (i = 0; i < 4; i++) {
		snprintf(what, sizeof(what), "filter %d of %d", i + 1, n);
		expect_req(_metadata, &sc, what, SIS_CMD_SUBSCRIBE, 0,
			   put_sub_long_arg, &n, 0, "");
	}
	expect_req(_metadata, &sc, "past the budget", SIS_CMD_SUBSCRIBE, 0,
		   put_sub_long_arg, &n, ENOSPC,
		   "the scanner's filters would have more than 4096 instructions in all");
	expect_req(_metadata, &sc, "the rest of it", SIS_CMD_SUBSCRIBE, 0,
		   put_sub_long_arg, &rest, 0, "");
	i = 1;
	expect_req(_metadata, &sc, "one more", SIS_CMD_SUBSCRIBE, 0,
		   put_sub_long_arg, &i, ENOSPC, "instructions in all");
	nl_socket_free(sc.sk);
	expect_req(_metadata, &self->c, "delete sb", SIS_CMD_SCANNER_DEL, 0,
		   put_scanner_name_arg, "sb", 0, "");
}

/*
 * Fill the bridge to SIS_MAX_RULES rules with long expressions: one more is
 * refused, and the dump spreads the bridge over several messages with
 * every rule in them. The rules stay for netlink.sh to read with sisctl.
 * 256 rules, each checked and compiled with its chunk, take more than the
 * harness's 30 s in a loaded debug guest: the wait ends when they are in.
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

TEST_F_TIMEOUT(attached, fill_to_limit, 600)
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

static void put_scanner_root(struct nl_msg *m, const struct ctx *c)
{
	put_br(m, c);
	put_scanner_nest(m, "att", 0, -1);
}

static void put_scanner_root_name(struct nl_msg *m, const struct ctx *c)
{
	put_scanner_nest(m, "att", -1, -1);
}

/* The counters of scanner "att": attachments and attachments dropped. */
static int count_attach(struct nl_msg *msg, void *arg)
{
	struct nlattr *a, *tb[SIS_SCANNER_A_MAX + 1];
	uint64_t *v = arg;
	int rem;

	nlmsg_for_each_attr(a, nlmsg_hdr(msg), GENL_HDRLEN, rem) {
		if (nla_type(a) != SIS_A_SCANNER ||
		    nla_parse_nested(tb, SIS_SCANNER_A_MAX, a, NULL) ||
		    !tb[SIS_SCANNER_A_NAME] ||
		    strcmp(nla_get_string(tb[SIS_SCANNER_A_NAME]), "att") ||
		    !tb[SIS_SCANNER_A_ATTACHMENTS] ||
		    !tb[SIS_SCANNER_A_ATTACH_DROPPED])
			continue;
		v[0] = nla_get_u64(tb[SIS_SCANNER_A_ATTACHMENTS]);
		v[1] = nla_get_u64(tb[SIS_SCANNER_A_ATTACH_DROPPED]);
	}
	return NL_OK;
}

/* What the alerts group carried: alerts and pieces, in order. */
struct heard {
	int n;
	struct {
		uint8_t cmd;
		bool has_id, has_len;
		uint64_t id, off;
		int data_len;
	} m[16];
};

static int on_heard(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[SIS_A_MAX + 1], *at[SIS_ALERT_A_MAX + 1];
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct heard *hd = arg;

	if (hd->n == 16 || genlmsg_parse(h, 0, tb, SIS_A_MAX, NULL) ||
	    !tb[SIS_A_ALERT] ||
	    nla_parse_nested(at, SIS_ALERT_A_MAX, tb[SIS_A_ALERT], NULL))
		return NL_OK;
	hd->m[hd->n].cmd = genlmsg_hdr(h)->cmd;
	hd->m[hd->n].has_id = at[SIS_ALERT_A_ID];
	hd->m[hd->n].has_len = at[SIS_ALERT_A_ATTACH_LEN];
	if (at[SIS_ALERT_A_ID])
		hd->m[hd->n].id = nla_get_u64(at[SIS_ALERT_A_ID]);
	if (at[SIS_ALERT_A_OFFSET])
		hd->m[hd->n].off = nla_get_u64(at[SIS_ALERT_A_OFFSET]);
	if (at[SIS_ALERT_A_ATTACH_DATA])
		hd->m[hd->n].data_len = nla_len(at[SIS_ALERT_A_ATTACH_DATA]);
	hd->n++;
	return NL_OK;
}

/*
 * An alert's attachment: the pieces the kernel refuses, each with its
 * reason, a refused piece changing nothing; the byte budget; and the
 * attachment state gone with the process. The scanner is root's, so that
 * this process may attach a second socket as it.
 */
TEST_F(attached, alert_attach)
{
	uint64_t len, id, id1, big = SIS_ALERT_ATTACH_MAX, counts[2] = { 0 };
	struct ctx s = { 0 }, l = { 0 };
	struct heard hd = { 0 };
	struct nl_msg *msg;
	struct nl_cb *cb;
	struct reply r;
	int grp;

	/* A listener on the alerts group. */
	ASSERT_EQ(0, ctx_open(&l));
	grp = genl_ctrl_resolve_grp(l.sk, SIS_GENL_NAME, SIS_MCGRP_ALERTS);
	ASSERT_LE(0, grp);
	ASSERT_EQ(0, nl_socket_add_membership(l.sk, grp));

	EXPECT_REQ(SIS_CMD_SCANNER_ADD, put_scanner_root, 0, "");
	ASSERT_EQ(0, ctx_open(&s));
	expect_req(_metadata, &s, "attach", SIS_CMD_SCANNER_ATTACH, 0,
		   put_scanner_root_name, NULL, 0, "");

	expect_req(_metadata, &s, "no attachment open", SIS_CMD_ALERT_DATA, 0,
		   put_piece_arg, &(struct piece){ 1, 0, 10 }, EINVAL,
		   "no attachment open");
	len = SIS_ALERT_ATTACH_MAX + 1;
	expect_req(_metadata, &s, "over SIS_ALERT_ATTACH_MAX", SIS_CMD_ALERT,
		   0, put_alert_attach, &len, ERANGE, "");

	/* 100 bytes announced: the reply has the id. */
	len = 100;
	s.arg = &len;
	request(&s, SIS_CMD_ALERT, 0, put_alert_attach, false, &r);
	s.arg = NULL;
	EXPECT_EQ(0, r.error);
	EXPECT_EQ(1, r.alert_replies);
	id = id1 = r.alert_id;
	EXPECT_NE(0, id);

	expect_req(_metadata, &s, "another id", SIS_CMD_ALERT_DATA, 0,
		   put_piece_arg, &(struct piece){ id + 1, 0, 10 }, EINVAL,
		   "is not open");
	expect_req(_metadata, &s, "not the next offset", SIS_CMD_ALERT_DATA, 0,
		   put_piece_arg, &(struct piece){ id, 5, 10 }, EINVAL,
		   "piece at offset 5, expected 0");
	expect_req(_metadata, &s, "past the length", SIS_CMD_ALERT_DATA, 0,
		   put_piece_arg, &(struct piece){ id, 0, 101 }, EINVAL,
		   "past the attachment's length, 100");
	expect_req(_metadata, &s, "too large", SIS_CMD_ALERT_DATA, 0,
		   put_piece_arg,
		   &(struct piece){ id, 0, SIS_ALERT_PIECE_MAX + 1 }, ERANGE, "");
	expect_req(_metadata, &s, "empty", SIS_CMD_ALERT_DATA, 0,
		   put_piece_arg, &(struct piece){ id, 0, 0 }, EINVAL,
		   "empty piece");
	/* Nothing taken: the attachment goes on from 0, to its end. */
	expect_req(_metadata, &s, "first piece", SIS_CMD_ALERT_DATA, 0,
		   put_piece_arg, &(struct piece){ id, 0, 60 }, 0, "");
	expect_req(_metadata, &s, "a piece again", SIS_CMD_ALERT_DATA, 0,
		   put_piece_arg, &(struct piece){ id, 0, 60 }, EINVAL,
		   "expected 60");
	expect_req(_metadata, &s, "last piece", SIS_CMD_ALERT_DATA, 0,
		   put_piece_arg, &(struct piece){ id, 60, 40 }, 0, "");
	expect_req(_metadata, &s, "after the end", SIS_CMD_ALERT_DATA, 0,
		   put_piece_arg, &(struct piece){ id, 100, 1 }, EINVAL,
		   "no attachment open");

	/*
	 * The budget, 64 MiB refilled at about 1.1 MiB a second: 100 bytes
	 * taken, then 32 MiB and 31 MiB, which leaves about 1 MiB: 32 MiB
	 * more is over it, unless half a minute went by: the reply's id is
	 * 0. Each announcement abandoned the attachment before it, the
	 * refused one too.
	 */
	s.arg = &big;
	request(&s, SIS_CMD_ALERT, 0, put_alert_attach, false, &r);
	EXPECT_EQ(0, r.error);
	id = r.alert_id;
	EXPECT_NE(0, id);
	len = 31 << 20;
	s.arg = &len;
	request(&s, SIS_CMD_ALERT, 0, put_alert_attach, false, &r);
	EXPECT_EQ(0, r.error);
	expect_req(_metadata, &s, "abandoned", SIS_CMD_ALERT_DATA, 0,
		   put_piece_arg, &(struct piece){ id, 0, 10 }, EINVAL,
		   "is not open");
	id = r.alert_id;
	EXPECT_NE(0, id);
	s.arg = &big;
	request(&s, SIS_CMD_ALERT, 0, put_alert_attach, false, &r);
	s.arg = NULL;
	EXPECT_EQ(0, r.error);
	EXPECT_EQ(1, r.alert_replies);
	EXPECT_EQ(0, r.alert_id);
	expect_req(_metadata, &s, "abandoned by a refused one",
		   SIS_CMD_ALERT_DATA, 0, put_piece_arg,
		   &(struct piece){ id, 0, 10 }, EINVAL, "no attachment open");

	msg = nlmsg_alloc();
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, self->c.family, 0,
		    NLM_F_REQUEST | NLM_F_DUMP, SIS_CMD_GET_SCANNER,
		    SIS_GENL_VERSION);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, count_attach, counts);
	EXPECT_LE(0, nl_send_auto(self->c.sk, msg));
	EXPECT_LE(0, nl_recvmsgs(self->c.sk, cb));
	nl_cb_put(cb);
	nlmsg_free(msg);
	EXPECT_EQ(3, counts[0]);
	EXPECT_EQ(1, counts[1]);

	/*
	 * The group heard the alerts and the pieces taken, in order: the
	 * alert over the budget without an attachment.
	 */
	nl_socket_disable_seq_check(l.sk);
	nl_socket_modify_cb(l.sk, NL_CB_VALID, NL_CB_CUSTOM, on_heard, &hd);
	nl_socket_set_nonblocking(l.sk);
	while (nl_recvmsgs_default(l.sk) >= 0)
		;
	ASSERT_EQ(6, hd.n);
	EXPECT_EQ(SIS_CMD_ALERT, hd.m[0].cmd);
	EXPECT_TRUE(hd.m[0].has_id && hd.m[0].has_len && hd.m[0].id == id1);
	EXPECT_EQ(SIS_CMD_ALERT_DATA, hd.m[1].cmd);
	EXPECT_TRUE(hd.m[1].id == id1 && hd.m[1].off == 0 &&
		    hd.m[1].data_len == 60);
	EXPECT_EQ(SIS_CMD_ALERT_DATA, hd.m[2].cmd);
	EXPECT_TRUE(hd.m[2].id == id1 && hd.m[2].off == 60 &&
		    hd.m[2].data_len == 40);
	EXPECT_TRUE(hd.m[3].cmd == SIS_CMD_ALERT && hd.m[3].has_id);
	EXPECT_TRUE(hd.m[4].cmd == SIS_CMD_ALERT && hd.m[4].id == id);
	EXPECT_EQ(SIS_CMD_ALERT, hd.m[5].cmd);
	EXPECT_FALSE(hd.m[5].has_id || hd.m[5].has_len);
	nl_socket_free(l.sk);

	/* An attachment open when the socket closes is forgotten with it. */
	len = 1000;
	s.arg = &len;
	request(&s, SIS_CMD_ALERT, 0, put_alert_attach, false, &r);
	s.arg = NULL;
	EXPECT_EQ(0, r.alert_replies == 1 && r.alert_id ? 0 : -1);
	nl_socket_free(s.sk);
	EXPECT_REQ(SIS_CMD_SCANNER_DEL, put_scanner_root_name, 0, "");
}

TEST_HARNESS_MAIN
