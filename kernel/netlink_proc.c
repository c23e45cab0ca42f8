// SPDX-License-Identifier: GPL-2.0
/*
 * The scanner processes' commands of the "sis" family (uapi/linux/sis.h,
 * "Scanner processes"): attach, subscribe, verdicts, inject, alert and the
 * pieces of an alert's attachment. They need no privilege: each is checked
 * against what the administrator declared for the scanner the sending
 * socket is attached as. Closing that socket (NETLINK_URELEASE) releases
 * the scanner.
 *
 * Subscriptions change under RTNL, like the capabilities they depend on;
 * verdicts, injections and alerts find their scanner under RCU only.
 */
#include <linux/cred.h>
#include <linux/etherdevice.h>
#include <linux/file.h>
#include <linux/filter.h>
#include <linux/ktime.h>
#include <linux/rtnetlink.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "absent.h"
#include "bridge.h"
#include "compat.h"
#include "conn.h"
#include "event.h"
#include "inject.h"
#include "netlink.h"
#include "netns.h"
#include "queue.h"
#include "scanner.h"
#include "subscription.h"

/* The attributes of each operation's nests (netlink.c: one policy each). */
static const struct nla_policy sis_sub_add_attrs[SIS_SUB_A_MAX + 1] = {
	[SIS_SUB_A_CAP] = { .type = NLA_NUL_STRING, .len = SIS_NAME_MAX - 1 },
	[SIS_SUB_A_RIGHTS] = NLA_POLICY_RANGE(NLA_U8, SIS_RIGHT_READ,
					      SIS_RIGHT_READ |
					      SIS_RIGHT_CONTAIN),
	[SIS_SUB_A_BPF] = SIS_NL_POLICY_BPF,
	[SIS_SUB_A_EXPR] = { .type = NLA_NUL_STRING,
			     .len = SIS_RULE_EXPR_MAX - 1 },
	[SIS_SUB_A_SNAPLEN] = { .type = NLA_U32 },
};

static const struct nla_policy sis_sub_id_attrs[SIS_SUB_A_MAX + 1] = {
	[SIS_SUB_A_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

static struct netlink_range_validation sis_attach_len_range = {
	.min = 1,
	.max = SIS_ALERT_ATTACH_MAX,
};

static const struct nla_policy sis_alert_attrs[SIS_ALERT_A_MAX + 1] = {
	[SIS_ALERT_A_MSG] = NLA_POLICY_RANGE(NLA_BINARY, 1, SIS_ALERT_MSG_MAX),
	[SIS_ALERT_A_FRAME_NUM] = NLA_POLICY_MIN(NLA_U64, 1),
	[SIS_ALERT_A_ATTACH_LEN] = NLA_POLICY_FULL_RANGE(NLA_U64,
							 &sis_attach_len_range),
};

/* A piece's bytes: at least one, checked by sis_nl_alert_data(). */
static const struct nla_policy sis_alert_data_attrs[SIS_ALERT_A_MAX + 1] = {
	[SIS_ALERT_A_ID] = NLA_POLICY_MIN(NLA_U64, 1),
	[SIS_ALERT_A_OFFSET] = { .type = NLA_U64 },
	[SIS_ALERT_A_ATTACH_DATA] = { .type = NLA_BINARY,
				      .len = SIS_ALERT_PIECE_MAX },
};

const struct nla_policy sis_scanner_attach_policy[SIS_A_MAX + 1] = {
	[SIS_A_SCANNER] = NLA_POLICY_NESTED(sis_scanner_name_attrs),
};

const struct nla_policy sis_subscribe_policy[SIS_A_MAX + 1] = {
	[SIS_A_SUB] = NLA_POLICY_NESTED(sis_sub_add_attrs),
};

const struct nla_policy sis_unsubscribe_policy[SIS_A_MAX + 1] = {
	[SIS_A_SUB] = NLA_POLICY_NESTED(sis_sub_id_attrs),
};

const struct nla_policy sis_verdict_policy[SIS_A_MAX + 1] = {
	[SIS_A_VERDICTS] = SIS_NL_POLICY_ARRAY(struct sis_verdict,
					       SIS_VERDICTS_MAX),
};

/*
 * A scanner's injection names a registered one by id and direction; bytes
 * of its own (SIS_INJECT_A_FRAME, SIS_INJECT_A_DATA) are parsed to be
 * refused by name (EPERM, sis_nl_inject()).
 */
const struct nla_policy sis_inject_policy[SIS_A_MAX + 1] = {
	[SIS_A_INJECT] = NLA_POLICY_NESTED(sis_inject_add_attrs),
};

const struct nla_policy sis_alert_policy[SIS_A_MAX + 1] = {
	[SIS_A_ALERT] = NLA_POLICY_NESTED(sis_alert_attrs),
};

const struct nla_policy sis_alert_data_policy[SIS_A_MAX + 1] = {
	[SIS_A_ALERT] = NLA_POLICY_NESTED(sis_alert_data_attrs),
};

const struct nla_policy sis_stream_pass_policy[SIS_A_MAX + 1] = {
	[SIS_A_PASSES] = SIS_NL_POLICY_ARRAY(struct sis_stream_pass,
					     SIS_PASSES_MAX),
};

/*
 * The scanner the sending socket is attached as (RTNL or RCU): the socket
 * itself, never its port id (sis_queue_attach()).
 */
struct sis_scanner *sis_nl_self(struct sk_buff *skb, struct genl_info *info)
{
	struct sis_scanner *sc;

	sc = sis_scanner_by_sock(sis_net(genl_info_net(info)),
				 NETLINK_CB(skb).sk);
	if (!sc)
		NL_SET_ERR_MSG(info->extack,
			       "this socket is not attached as a scanner");
	return sc;
}

/* The sender, and whoever opened its socket, run as the scanner's user. */
static bool sis_nl_is_user(const struct sk_buff *skb, kuid_t uid)
{
	const struct socket *sock = NETLINK_CB(skb).sk->sk_socket;

	return uid_eq(current_euid(), uid) && sock && sock->file &&
	       uid_eq(sock->file->f_cred->euid, uid);
}

/*
 * Announce a scanner's process coming (SIS_CMD_SCANNER_ATTACH) or going
 * (SIS_CMD_DETACHED) to the config group. RTNL.
 */
static void sis_nl_proc_notify(struct net *net, u8 cmd, u8 reason,
			       const struct sis_scanner *sc, pid_t pid)
{
	struct sis_event ev = {
		.cmd = cmd,
		.reason = reason,
		.br_dev = sc->sb->br_dev,
		.scanner = sc->name,
		.pid = pid,
	};

	sis_event_notify(net, &ev);
}

int sis_nl_scanner_attach(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[SIS_SCANNER_A_MAX + 1];
	struct sis_scanner *sc, *other;
	pid_t pid = task_tgid_vnr(current);
	struct sis_net *sn;
	int err;

	err = SIS_NL_PARSE_NEST(info, tb, SIS_A_SCANNER, SIS_SCANNER_A_MAX,
				sis_scanner_name_attrs,
				"missing scanner (SIS_A_SCANNER)");
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[SIS_A_SCANNER], tb,
			      SIS_SCANNER_A_NAME)) {
		NL_SET_ERR_MSG(info->extack, "missing scanner name");
		return -EINVAL;
	}

	rtnl_lock();
	sn = sis_net(genl_info_net(info));
	sc = sis_scanner_find(sn, nla_data(tb[SIS_SCANNER_A_NAME]));
	other = sis_scanner_by_sock(sn, NETLINK_CB(skb).sk);
	if (!sc) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SIS_SCANNER_A_NAME],
				    "no scanner with this name");
		err = -ENOENT;
	} else if (!sis_nl_is_user(skb, sc->conf.uid)) {
		NL_SET_ERR_MSG(info->extack,
			       "the scanner runs as another user");
		err = -EPERM;
	} else if (other) {
		NL_SET_ERR_MSG(info->extack,
			       "this socket is already attached as a scanner");
		err = -EBUSY;
	} else {
		err = sis_queue_attach(sc, NETLINK_CB(skb).sk,
				       info->snd_portid, pid, info->extack);
		if (!err) {
			sis_absent_update(sc, false);
			sn->gen++;
			sis_nl_proc_notify(genl_info_net(info),
					   SIS_CMD_SCANNER_ATTACH,
					   SIS_EVENT_REQUEST, sc, pid);
		}
	}
	rtnl_unlock();
	return err;
}

static int sis_nl_sub_reply(struct genl_info *info, u32 id)
{
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(nla_total_size(0) + nla_total_size(sizeof(u32)),
			  GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &sis_genl_family, 0,
				SIS_CMD_SUBSCRIBE);
	if (!hdr)
		goto err_free;
	nest = nla_nest_start(msg, SIS_A_SUB);
	if (!nest || nla_put_u32(msg, SIS_SUB_A_ID, id))
		goto err_free;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

int sis_nl_subscribe(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[SIS_SUB_A_MAX + 1], *nest = info->attrs[SIS_A_SUB];
	struct sis_scanner *sc;
	struct sis_sub *sub;
	struct sis_cap *cap;
	unsigned int len;
	u32 id = 0;
	int err;

	err = SIS_NL_PARSE_NEST(info, tb, SIS_A_SUB, SIS_SUB_A_MAX,
				sis_sub_add_attrs,
				"missing subscription (SIS_A_SUB)");
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, nest, tb, SIS_SUB_A_CAP) ||
	    NL_REQ_ATTR_CHECK(info->extack, nest, tb, SIS_SUB_A_RIGHTS) ||
	    NL_REQ_ATTR_CHECK(info->extack, nest, tb, SIS_SUB_A_BPF)) {
		NL_SET_ERR_MSG(info->extack,
			       "a subscription needs a capability, rights and a filter program");
		return -EINVAL;
	}
	len = nla_len(tb[SIS_SUB_A_BPF]);

	rtnl_lock();
	sc = sis_nl_self(skb, info);
	if (!sc) {
		err = -ENOTCONN;
		goto out;
	}
	cap = sis_cap_find(sc, nla_data(tb[SIS_SUB_A_CAP]));
	if (!cap) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SIS_SUB_A_CAP],
				    "the scanner has no capability with this name");
		err = -ENOENT;
		goto out;
	}
	sub = sis_sub_create(cap, nla_get_u8(tb[SIS_SUB_A_RIGHTS]),
			     tb[SIS_SUB_A_SNAPLEN] ?
			     nla_get_u32(tb[SIS_SUB_A_SNAPLEN]) : 0,
			     nla_data(tb[SIS_SUB_A_BPF]),
			     len / sizeof(struct sock_filter),
			     tb[SIS_SUB_A_EXPR] ?
			     nla_data(tb[SIS_SUB_A_EXPR]) : NULL,
			     info->extack);
	if (IS_ERR(sub)) {
		err = PTR_ERR(sub);
		goto out;
	}
	err = sis_sub_add(sc, sub, info->extack);
	if (err)
		sis_sub_destroy(sub);
	else
		id = sub->id;
out:
	rtnl_unlock();
	return err ? err : sis_nl_sub_reply(info, id);
}

int sis_nl_unsubscribe(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[SIS_SUB_A_MAX + 1], *nest = info->attrs[SIS_A_SUB];
	struct sis_scanner *sc;
	struct sis_sub *sub;
	int err;

	err = SIS_NL_PARSE_NEST(info, tb, SIS_A_SUB, SIS_SUB_A_MAX,
				sis_sub_id_attrs,
				"missing subscription (SIS_A_SUB)");
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, nest, tb, SIS_SUB_A_ID)) {
		NL_SET_ERR_MSG(info->extack, "missing subscription id");
		return -EINVAL;
	}
	rtnl_lock();
	sc = sis_nl_self(skb, info);
	if (!sc) {
		err = -ENOTCONN;
	} else {
		sub = sis_sub_find(sc, nla_get_u32(tb[SIS_SUB_A_ID]));
		if (sub) {
			sis_sub_del(sc, sub);
		} else {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[SIS_SUB_A_ID],
					    "no subscription with this id");
			err = -ENOENT;
		}
	}
	rtnl_unlock();
	return err;
}

int sis_nl_verdict(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *attr = info->attrs[SIS_A_VERDICTS];
	struct sis_scanner *sc;
	int err;

	if (SIS_NL_REQUIRE(info, SIS_A_VERDICTS,
			   "missing verdicts (SIS_A_VERDICTS)"))
		return -EINVAL;
	if (!nla_len(attr)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "no verdicts");
		return -EINVAL;
	}
	rcu_read_lock();
	sc = sis_nl_self(skb, info);
	if (sc)
		err = sis_queue_verdicts(sc, nla_data(attr),
					 nla_len(attr) / sizeof(struct sis_verdict),
					 info->extack);
	else
		err = -ENOTCONN;
	rcu_read_unlock();
	return err;
}

int sis_nl_inject(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[SIS_INJECT_A_MAX + 1], *nest = info->attrs[SIS_A_INJECT];
	struct sis_inject *inj;
	struct sis_scanner *sc;
	u8 dir;
	int err;

	err = SIS_NL_PARSE_NEST(info, tb, SIS_A_INJECT, SIS_INJECT_A_MAX,
				sis_inject_add_attrs,
				"missing injection (SIS_A_INJECT)");
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, nest, tb, SIS_INJECT_A_ID) ||
	    NL_REQ_ATTR_CHECK(info->extack, nest, tb, SIS_INJECT_A_DIR)) {
		NL_SET_ERR_MSG(info->extack,
			       "an injection needs an id and a direction");
		return -EINVAL;
	}
	if (tb[SIS_INJECT_A_FRAME] || tb[SIS_INJECT_A_DATA]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SIS_INJECT_A_FRAME] ?:
				    tb[SIS_INJECT_A_DATA],
				    "scanners inject registered frames only, by id");
		return -EPERM;
	}
	dir = nla_get_u8(tb[SIS_INJECT_A_DIR]);
	if (dir != SIS_DIR_IN && dir != SIS_DIR_OUT) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SIS_INJECT_A_DIR],
				    "inject in one direction: in or out");
		return -EINVAL;
	}

	rcu_read_lock();
	sc = sis_nl_self(skb, info);
	if (!sc) {
		err = -ENOTCONN;
		goto out;
	}
	inj = sis_inject_find_rcu(sc, nla_get_u32(tb[SIS_INJECT_A_ID]));
	if (!inj) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SIS_INJECT_A_ID],
				    "no injection registered with this id");
		err = -ENOENT;
	} else if (inj->kind != SIS_INJECT_FRAME) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SIS_INJECT_A_ID],
				    "this injection is a stream block: it goes into a stream (SIS_STREAM_OP_INJECT), not out as a frame");
		err = -EINVAL;
	} else if (!(inj->dir & dir)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SIS_INJECT_A_DIR],
				    "this injection is not allowed in this direction");
		err = -EPERM;
	} else {
		err = sis_inject_xmit(sc, inj, dir, info->extack);
	}
out:
	rcu_read_unlock();
	return err;
}

struct sis_alert {
	char scanner[SIS_NAME_MAX];
	int ifindex;
	u64 frame_num;
	unsigned int len;		/* the frame's, 0: none attached */
	u8 dir;
	u64 attach_id;			/* 0: no attachment */
	u64 attach_len;
	u8 data[];			/* SIS_ALERT_DATA_MAX */
};

static int sis_alert_send(struct net *net, const struct sis_alert *a,
			  const void *text, unsigned int text_len)
{
	unsigned int data_len = min_t(unsigned int, a->len, SIS_ALERT_DATA_MAX);
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(nla_total_size(sizeof(u32)) + nla_total_size(0) +
			  nla_total_size(SIS_NAME_MAX) +
			  4 * nla_total_size_64bit(sizeof(u64)) +
			  nla_total_size(text_len) +
			  nla_total_size(sizeof(u8)) +
			  nla_total_size(sizeof(u32)) +
			  nla_total_size(data_len), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, 0, 0, &sis_genl_family, 0, SIS_CMD_ALERT);
	if (!hdr)
		goto err_free;
	if (nla_put_u32(msg, SIS_A_IFINDEX, a->ifindex))
		goto err_free;
	nest = nla_nest_start(msg, SIS_A_ALERT);
	if (!nest ||
	    nla_put_string(msg, SIS_ALERT_A_SCANNER, a->scanner) ||
	    nla_put_u64_64bit(msg, SIS_ALERT_A_TIME, ktime_get_real_ns(),
			      SIS_ALERT_A_PAD) ||
	    nla_put(msg, SIS_ALERT_A_MSG, text_len, text))
		goto err_free;
	if (a->len &&
	    (nla_put_u64_64bit(msg, SIS_ALERT_A_FRAME_NUM, a->frame_num,
			       SIS_ALERT_A_PAD) ||
	     nla_put_u8(msg, SIS_ALERT_A_DIR, a->dir) ||
	     nla_put_u32(msg, SIS_ALERT_A_LEN, a->len) ||
	     nla_put(msg, SIS_ALERT_A_DATA, data_len, a->data)))
		goto err_free;
	if (a->attach_id &&
	    (nla_put_u64_64bit(msg, SIS_ALERT_A_ID, a->attach_id,
			       SIS_ALERT_A_PAD) ||
	     nla_put_u64_64bit(msg, SIS_ALERT_A_ATTACH_LEN, a->attach_len,
			       SIS_ALERT_A_PAD)))
		goto err_free;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	/* Nobody listening is no error for the scanner. */
	genlmsg_multicast_netns(&sis_genl_family, net, msg, 0,
				SIS_MCGRP_ALERTS_ID, GFP_KERNEL);
	return 0;

err_free:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/*
 * A scanner went over its capability's max-cuts on a connection, which
 * was killed: the administrator is told on the alerts group, in the
 * scanner's name (it is not rate-limited as the scanner's own alerts are,
 * which the scanner could use up to hide it).
 */
static void sis_alert_max_cuts(struct net *net, const char *scanner,
			       int ifindex, u64 conn)
{
	struct sis_alert a = { .ifindex = ifindex };
	char text[80];
	int len;

	strscpy(a.scanner, scanner, sizeof(a.scanner));
	len = scnprintf(text, sizeof(text),
			"max-cuts exceeded: connection %llu killed", conn);
	sis_alert_send(net, &a, text, len);
}

/*
 * Take @len bytes from the scanner's attachment budget, refilled first
 * for the time since the last refill: SIS_ALERT_ATTACH_BUDGET bytes every
 * SIS_ALERT_ATTACH_PERIOD seconds, never above it. Under sc->lock.
 */
static bool sis_attach_budget_take(struct sis_attach *at, u64 len)
{
	const unsigned long period = SIS_ALERT_ATTACH_PERIOD * HZ;
	unsigned long now = jiffies, elapsed = now - at->stamp;

	if (elapsed >= period)
		at->budget = SIS_ALERT_ATTACH_BUDGET;
	else
		at->budget = min_t(u64, SIS_ALERT_ATTACH_BUDGET, at->budget +
				   div_u64((u64)elapsed * SIS_ALERT_ATTACH_BUDGET,
					   period));
	at->stamp = now;
	if (at->budget < len)
		return false;
	at->budget -= len;
	return true;
}

/* The answer to an alert announcing an attachment: its id, or 0. */
static int sis_alert_reply(struct genl_info *info, u64 id)
{
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(nla_total_size(0) + nla_total_size_64bit(sizeof(u64)),
			  GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &sis_genl_family, 0, SIS_CMD_ALERT);
	if (!hdr)
		goto err_free;
	nest = nla_nest_start(msg, SIS_A_ALERT);
	if (!nest ||
	    nla_put_u64_64bit(msg, SIS_ALERT_A_ID, id, SIS_ALERT_A_PAD))
		goto err_free;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

int sis_nl_alert(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[SIS_ALERT_A_MAX + 1], *nest = info->attrs[SIS_A_ALERT];
	struct net *net = genl_info_net(info);
	u64 attach_len = 0, attach_id = 0;
	struct sis_scanner *sc;
	struct sis_alert *a;
	bool send = false;
	int err;

	err = SIS_NL_PARSE_NEST(info, tb, SIS_A_ALERT, SIS_ALERT_A_MAX,
				sis_alert_attrs,
				"missing alert (SIS_A_ALERT)");
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, nest, tb, SIS_ALERT_A_MSG)) {
		NL_SET_ERR_MSG(info->extack, "missing alert message");
		return -EINVAL;
	}
	if (tb[SIS_ALERT_A_ATTACH_LEN])
		attach_len = nla_get_u64(tb[SIS_ALERT_A_ATTACH_LEN]);
	a = kzalloc(struct_size(a, data, tb[SIS_ALERT_A_FRAME_NUM] ?
				SIS_ALERT_DATA_MAX : 0), GFP_KERNEL);
	if (!a)
		return -ENOMEM;

	rcu_read_lock();
	sc = sis_nl_self(skb, info);
	if (!sc) {
		err = -ENOTCONN;
		goto out;
	}
	if (tb[SIS_ALERT_A_FRAME_NUM]) {
		a->frame_num = nla_get_u64(tb[SIS_ALERT_A_FRAME_NUM]);
		err = sis_queue_copy_held(sc, a->frame_num, a->data,
					  SIS_ALERT_DATA_MAX, &a->len, &a->dir);
		if (err) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    tb[SIS_ALERT_A_FRAME_NUM],
					    "the scanner holds no frame with this number");
			goto out;
		}
	}
	strscpy(a->scanner, sc->name, sizeof(a->scanner));
	a->ifindex = sc->sb->br_dev->ifindex;
	spin_lock_bh(&sc->lock);
	/* A new announcement abandons the attachment open, if any. */
	if (attach_len)
		sc->attach.id = 0;
	send = __ratelimit(&sc->alert_rs);
	if (send)
		sc->counts.alerts++;
	else
		sc->counts.alerts_dropped++;
	if (send && attach_len) {
		if (sis_attach_budget_take(&sc->attach, attach_len)) {
			attach_id = atomic64_inc_return(&sis_net(net)->alert_id);
			sc->attach.id = attach_id;
			sc->attach.len = attach_len;
			sc->attach.off = 0;
			sc->counts.attachments++;
		} else {
			sc->counts.attach_dropped++;
		}
	}
	spin_unlock_bh(&sc->lock);
	a->attach_id = attach_id;
	a->attach_len = attach_len;
out:
	rcu_read_unlock();
	if (send)
		err = sis_alert_send(net, a, nla_data(tb[SIS_ALERT_A_MSG]),
				     nla_len(tb[SIS_ALERT_A_MSG]));
	kfree(a);
	/* Even if the group missed it: the pieces can still be sent. */
	if (!err && attach_len)
		err = sis_alert_reply(info, attach_id);
	return err;
}

/*
 * Check that a piece continues the scanner's open attachment, and take it:
 * the attachment closes with its last byte. Under sc->lock.
 */
static int sis_attach_take(struct sis_attach *at, struct nlattr **tb,
			   struct netlink_ext_ack *extack)
{
	u64 id = nla_get_u64(tb[SIS_ALERT_A_ID]);
	u64 off = nla_get_u64(tb[SIS_ALERT_A_OFFSET]);
	unsigned int len = nla_len(tb[SIS_ALERT_A_ATTACH_DATA]);

	if (!at->id) {
		NL_SET_ERR_MSG_ATTR(extack, tb[SIS_ALERT_A_ID],
				    "the scanner has no attachment open: announce one first (SIS_CMD_ALERT with SIS_ALERT_A_ATTACH_LEN)");
		return -EINVAL;
	}
	if (id != at->id) {
		NL_SET_BAD_ATTR(extack, tb[SIS_ALERT_A_ID]);
		NL_SET_ERR_MSG_FMT(extack,
				   "attachment %llu is not open (abandoned, or done)",
				   id);
		return -EINVAL;
	}
	if (off != at->off) {
		NL_SET_BAD_ATTR(extack, tb[SIS_ALERT_A_OFFSET]);
		NL_SET_ERR_MSG_FMT(extack,
				   "piece at offset %llu, expected %llu (in order)",
				   off, at->off);
		return -EINVAL;
	}
	if (len > at->len - at->off) {
		NL_SET_BAD_ATTR(extack, tb[SIS_ALERT_A_ATTACH_DATA]);
		NL_SET_ERR_MSG_FMT(extack,
				   "piece ends past the attachment's length, %llu",
				   at->len);
		return -EINVAL;
	}
	at->off += len;
	if (at->off == at->len)
		at->id = 0;
	return 0;
}

int sis_nl_alert_data(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[SIS_ALERT_A_MAX + 1], *nest = info->attrs[SIS_A_ALERT];
	struct net *net = genl_info_net(info);
	struct sis_scanner *sc;
	struct nlattr *piece, *out;
	struct sk_buff *msg;
	unsigned int len;
	void *hdr;
	int err;

	err = SIS_NL_PARSE_NEST(info, tb, SIS_A_ALERT, SIS_ALERT_A_MAX,
				sis_alert_data_attrs,
				"missing attachment piece (SIS_A_ALERT)");
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, nest, tb, SIS_ALERT_A_ID) ||
	    NL_REQ_ATTR_CHECK(info->extack, nest, tb, SIS_ALERT_A_OFFSET) ||
	    NL_REQ_ATTR_CHECK(info->extack, nest, tb,
			      SIS_ALERT_A_ATTACH_DATA)) {
		NL_SET_ERR_MSG(info->extack,
			       "a piece needs the attachment's id, its offset and its bytes");
		return -EINVAL;
	}
	piece = tb[SIS_ALERT_A_ATTACH_DATA];
	len = nla_len(piece);
	if (!len) {
		NL_SET_ERR_MSG_ATTR(info->extack, piece, "empty piece");
		return -EINVAL;
	}

	/* Built first: once taken, a piece must go on. */
	msg = genlmsg_new(nla_total_size(sizeof(u32)) + nla_total_size(0) +
			  2 * nla_total_size_64bit(sizeof(u64)) +
			  nla_total_size(len), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, 0, 0, &sis_genl_family, 0, SIS_CMD_ALERT_DATA);
	out = hdr ? nla_nest_start(msg, SIS_A_ALERT) : NULL;
	if (!out ||
	    nla_put_u64_64bit(msg, SIS_ALERT_A_ID,
			      nla_get_u64(tb[SIS_ALERT_A_ID]), SIS_ALERT_A_PAD) ||
	    nla_put_u64_64bit(msg, SIS_ALERT_A_OFFSET,
			      nla_get_u64(tb[SIS_ALERT_A_OFFSET]),
			      SIS_ALERT_A_PAD) ||
	    nla_put(msg, SIS_ALERT_A_ATTACH_DATA, len, nla_data(piece))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, out);

	rcu_read_lock();
	sc = sis_nl_self(skb, info);
	if (!sc) {
		err = -ENOTCONN;
		goto out;
	}
	if (nla_put_u32(msg, SIS_A_IFINDEX, sc->sb->br_dev->ifindex)) {
		err = -EMSGSIZE;
		goto out;
	}
	genlmsg_end(msg, hdr);
	/*
	 * Taken and sent under the lock: the group gets the pieces in the
	 * order they were taken, even from a scanner's several threads.
	 */
	spin_lock_bh(&sc->lock);
	err = sis_attach_take(&sc->attach, tb, info->extack);
	if (!err)
		genlmsg_multicast_netns(&sis_genl_family, net, msg, 0,
					SIS_MCGRP_ALERTS_ID, GFP_ATOMIC);
	spin_unlock_bh(&sc->lock);
	if (!err)
		msg = NULL;	/* consumed */
out:
	rcu_read_unlock();
	nlmsg_free(msg);
	return err;
}

/*
 * netlink_unicast() to a scanner's socket itself rather than to its port
 * id. Once the socket closes, netlink frees the number before it tells us
 * (NETLINK_URELEASE), and anyone may bind it in between: frames and stream
 * data must not follow the number there. What netlink_unicast() does after
 * its lookup, without waiting: the receiver's filter and receive buffer,
 * and ENOBUFS for a receiver that lost messages (as netlink_overrun()).
 * Consumes @skb. Any context.
 */
int sis_nl_deliver(struct sock *sk, struct sk_buff *skb)
{
	int err = -ECONNREFUSED;

	if (!sock_flag(sk, SOCK_DEAD))
		err = sock_queue_rcv_skb(sk, skb);
	if (!err)
		return 0;
	if (err == -ENOMEM && !READ_ONCE(sk->sk_err)) {
		WRITE_ONCE(sk->sk_err, ENOBUFS);
		sk_error_report(sk);
	}
	kfree_skb(skb);
	return err;
}

/* Tell a scanner's process, on socket @sk, that the scanner is gone. */
void sis_nl_detached(struct sock *sk, const char *name)
{
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	if (!sis_genl_is_live())
		return;
	msg = genlmsg_new(nla_total_size(0) + nla_total_size(SIS_NAME_MAX),
			  GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &sis_genl_family, 0, SIS_CMD_DETACHED);
	nest = hdr ? nla_nest_start(msg, SIS_A_SCANNER) : NULL;
	if (!nest || nla_put_string(msg, SIS_SCANNER_A_NAME, name)) {
		nlmsg_free(msg);
		return;
	}
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	sis_nl_deliver(sk, msg);
}

/*
 * A socket closed: if it was a scanner's, the scanner is released. The
 * port id only finds it (sis_scanner_released()): a socket that bound the
 * number since may be the one closing.
 */
static int sis_nl_urelease(struct notifier_block *nb, unsigned long event,
			   void *ptr)
{
	struct netlink_notify *n = ptr;
	struct sis_scanner *sc;
	struct sis_net *sn;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !n->portid)
		return NOTIFY_DONE;
	sn = sis_net(n->net);
	rcu_read_lock();
	sc = sis_scanner_by_portid(sn, n->portid);
	rcu_read_unlock();
	if (!sc)
		return NOTIFY_DONE;	/* not a scanner's: the usual case */

	/* The notifier chain may sleep: settle it under RTNL. */
	rtnl_lock();
	sc = sis_scanner_released(sn, n->portid);
	if (sc) {
		/* Written under RTNL (attach, release): stable here. */
		pid_t pid = sc->pid;

		sis_scanner_detach(sc, false);
		sis_nl_proc_notify(n->net, SIS_CMD_DETACHED,
				   SIS_EVENT_PROCESS_EXIT, sc, pid);
	}
	rtnl_unlock();
	return NOTIFY_DONE;
}

static struct notifier_block sis_nl_notifier = {
	.notifier_call = sis_nl_urelease,
};

int __init sis_nl_proc_register(void)
{
	return netlink_register_notifier(&sis_nl_notifier);
}

void sis_nl_proc_unregister(void)
{
	netlink_unregister_notifier(&sis_nl_notifier);
}

int sis_nl_stream_pass(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *attr = info->attrs[SIS_A_PASSES];
	char name[SIS_NAME_MAX] = "";
	struct sis_scanner *sc;
	u64 killed = 0;
	int ifindex = 0;
	int err;

	if (SIS_NL_REQUIRE(info, SIS_A_PASSES, "missing passes (SIS_A_PASSES)"))
		return -EINVAL;
	if (!nla_len(attr)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "no passes");
		return -EINVAL;
	}
	rcu_read_lock();
	sc = sis_nl_self(skb, info);
	if (sc) {
		err = sis_conn_passes(sc, nla_data(attr),
				      nla_len(attr) /
				      sizeof(struct sis_stream_pass),
				      &killed, info->extack);
		strscpy(name, sc->name, sizeof(name));
		ifindex = sc->sb->br_dev->ifindex;
	} else {
		err = -ENOTCONN;
	}
	rcu_read_unlock();
	if (killed)
		sis_alert_max_cuts(genl_info_net(info), name, ifindex, killed);
	return err;
}
