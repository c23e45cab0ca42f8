// SPDX-License-Identifier: GPL-2.0
/*
 * The "sis" generic netlink family: its operations and multicast groups,
 * and the bridge and prevent-rule commands. The commands and their
 * attributes are documented in uapi/linux/sis.h; netlink.h says which file
 * has which.
 *
 * Administrator operations need CAP_NET_ADMIN over the namespace
 * (GENL_UNS_ADMIN_PERM); the scanner processes' operations need none and
 * are checked against the scanner the socket is attached as
 * (netlink_proc.c). Requests that change state take RTNL; dumps read under
 * RCU and mark themselves inconsistent when the namespace's generation
 * moved.
 */
#include <linux/filter.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "bridge.h"
#include "closed.h"
#include "compat.h"
#include "event.h"
#include "netlink.h"
#include "netns.h"
#include "rules.h"

int sis_nl_bpf_validate(const struct nlattr *attr,
			struct netlink_ext_ack *extack)
{
	unsigned int len = nla_len(attr);

	if (!len || len % sizeof(struct sock_filter)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "filter program is not a whole number of BPF instructions");
		return -EINVAL;
	}
	return 0;
}

int sis_nl_array_validate(const struct nlattr *attr,
			  struct netlink_ext_ack *extack)
{
	unsigned int len = nla_len(attr);

	switch (nla_type(attr)) {
	case SIS_A_VERDICTS:
		if (!(len % sizeof(struct sis_verdict)))
			return 0;
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "verdicts are not a whole number of struct sis_verdict");
		return -EINVAL;
	case SIS_A_PASSES:
		if (!(len % sizeof(struct sis_stream_pass)))
			return 0;
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "passes are not a whole number of struct sis_stream_pass");
		return -EINVAL;
	}
	/* A policy that names this validator for another attribute. */
	WARN_ON_ONCE(1);
	return -EINVAL;
}

/*
 * Every operation has a policy of its own, nested attributes included:
 * an attribute it does not take is refused ("Unsupported attribute", the
 * family's strict validation), never ignored. Those of netlink_*.c are in
 * their files.
 */
static const struct nla_policy sis_rule_add_policy[SIS_RULE_A_MAX + 1] = {
	[SIS_RULE_A_ID] = { .type = NLA_REJECT,
			    .reject_message = "rule ids are chosen by the kernel" },
	[SIS_RULE_A_DIR] = NLA_POLICY_RANGE(NLA_U8, SIS_DIR_IN, SIS_DIR_ANY),
	[SIS_RULE_A_BPF] = SIS_NL_POLICY_BPF,
	[SIS_RULE_A_EXPR] = { .type = NLA_NUL_STRING,
			      .len = SIS_RULE_EXPR_MAX - 1 },
};

static const struct nla_policy sis_rule_del_policy[SIS_RULE_A_MAX + 1] = {
	[SIS_RULE_A_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

/* SIS_CMD_DETACH, and the bridge and connection dumps' filter. */
static const struct nla_policy sis_bridge_policy[SIS_A_MAX + 1] = {
	[SIS_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy sis_attach_policy[SIS_A_MAX + 1] = {
	[SIS_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[SIS_A_HOST_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[SIS_A_FAIL] = NLA_POLICY_MAX(NLA_U8, SIS_FAIL_OPEN),
};

static const struct nla_policy sis_prevent_add_policy[SIS_A_MAX + 1] = {
	[SIS_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[SIS_A_RULE] = NLA_POLICY_NESTED(sis_rule_add_policy),
};

static const struct nla_policy sis_prevent_del_policy[SIS_A_MAX + 1] = {
	[SIS_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[SIS_A_RULE] = NLA_POLICY_NESTED(sis_rule_del_policy),
};

/* Operations that take no attribute: every one is refused. */
static const struct nla_policy sis_none_policy[SIS_A_MAX + 1] = {};

/* Announce a request's change of @br_dev to the config group. RTNL. */
void sis_nl_notify(struct genl_info *info, u8 cmd,
		   const struct net_device *br_dev, u32 id)
{
	struct sis_event ev = {
		.cmd = cmd,
		.reason = SIS_EVENT_REQUEST,
		.br_dev = br_dev,
		.id = id,
	};

	sis_event_notify(genl_info_net(info), &ev);
}

/* The bridge device named by SIS_A_IFINDEX, under RTNL. */
static struct net_device *sis_nl_bridge_dev(struct genl_info *info)
{
	struct net_device *dev;

	dev = __dev_get_by_index(genl_info_net(info),
				 nla_get_u32(info->attrs[SIS_A_IFINDEX]));
	if (!dev)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SIS_A_IFINDEX],
				    "no device with this index in this namespace");
	return dev;
}

/* The attached bridge named by SIS_A_IFINDEX, under RTNL. */
struct sis_bridge *sis_nl_attached(struct genl_info *info, int *err)
{
	struct net_device *dev = sis_nl_bridge_dev(info);
	struct sis_bridge *sb;

	if (!dev) {
		*err = -ENODEV;
		return NULL;
	}
	sb = sis_bridge_find(sis_net(genl_info_net(info)), dev);
	if (!sb) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SIS_A_IFINDEX],
				    "bridge is not attached");
		*err = -ENOENT;
	}
	return sb;
}

static int sis_nl_attach(struct sk_buff *skb, struct genl_info *info)
{
	struct net_device *br_dev;
	u8 fail = SIS_FAIL_CLOSED;
	u32 host;
	int err;

	if (SIS_NL_REQUIRE_BRIDGE(info) ||
	    SIS_NL_REQUIRE(info, SIS_A_HOST_IFINDEX,
			   "missing host port (SIS_A_HOST_IFINDEX)"))
		return -EINVAL;
	host = nla_get_u32(info->attrs[SIS_A_HOST_IFINDEX]);
	if (info->attrs[SIS_A_FAIL])
		fail = nla_get_u8(info->attrs[SIS_A_FAIL]);

	rtnl_lock();
	br_dev = sis_nl_bridge_dev(info);
	if (!br_dev) {
		err = -ENODEV;
	} else if (!__dev_get_by_index(genl_info_net(info), host)) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[SIS_A_HOST_IFINDEX],
				    "no host port device with this index");
		err = -ENODEV;
	} else {
		err = sis_bridge_attach(sis_net(genl_info_net(info)), br_dev,
					host, fail, info->extack);
		if (!err)
			sis_nl_notify(info, SIS_CMD_ATTACH, br_dev, 0);
	}
	rtnl_unlock();
	return err;
}

/* Detach an attached bridge, or end a bridge's closed state (closed.h). */
static int sis_nl_detach(struct sk_buff *skb, struct genl_info *info)
{
	struct sis_net *sn = sis_net(genl_info_net(info));
	struct net_device *br_dev;
	struct sis_closed *closed;
	struct sis_bridge *sb;
	int err = 0;

	if (SIS_NL_REQUIRE_BRIDGE(info))
		return -EINVAL;

	rtnl_lock();
	br_dev = sis_nl_bridge_dev(info);
	if (!br_dev) {
		err = -ENODEV;
		goto out;
	}
	sb = sis_bridge_find(sn, br_dev);
	closed = sis_closed_find(sn, br_dev);
	if (sb) {
		sis_bridge_detach(sb);
	} else if (closed) {
		sis_closed_del(closed);
	} else {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SIS_A_IFINDEX],
				    "bridge is neither attached nor closed");
		err = -ENOENT;
		goto out;
	}
	/* Still registered: we hold RTNL (sb is freed after RCU). */
	sis_nl_notify(info, SIS_CMD_DETACH, br_dev, 0);
out:
	rtnl_unlock();
	return err;
}

/* The rule nest of a prevent request, parsed into tb by @policy. */
static int sis_nl_parse_rule(struct genl_info *info, struct nlattr **tb,
			     const struct nla_policy *policy)
{
	return SIS_NL_PARSE_NEST(info, tb, SIS_A_RULE, SIS_RULE_A_MAX, policy,
				 "missing rule (SIS_A_RULE)");
}

/* SIS_NL_BRIDGE: RTNL held, the bridge found. */
static int sis_nl_prevent_add(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[SIS_RULE_A_MAX + 1], *bpf, *nest;
	struct sis_bridge *sb = info->user_ptr[0];
	struct sis_rule *rule;
	struct sk_buff *msg;
	unsigned int len;
	void *hdr;
	u32 id;
	int err;

	err = sis_nl_parse_rule(info, tb, sis_rule_add_policy);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[SIS_A_RULE], tb,
			      SIS_RULE_A_BPF)) {
		NL_SET_ERR_MSG(info->extack, "rule has no filter program");
		return -EINVAL;
	}
	bpf = tb[SIS_RULE_A_BPF];
	len = nla_len(bpf);
	rule = sis_rule_create(nla_data(bpf), len / sizeof(struct sock_filter),
			       tb[SIS_RULE_A_DIR] ?
			       nla_get_u8(tb[SIS_RULE_A_DIR]) : SIS_DIR_ANY,
			       tb[SIS_RULE_A_EXPR] ?
			       nla_data(tb[SIS_RULE_A_EXPR]) : NULL,
			       info->extack);
	if (IS_ERR(rule))
		return PTR_ERR(rule);

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto err_rule;
	}

	err = sis_bridge_rule_add(sb, rule, info->extack);
	if (err)
		goto err_msg;
	/* The bridge owns the rule now: only its id is ours. */
	id = rule->id;
	sis_nl_notify(info, SIS_CMD_PREVENT_ADD, sb->br_dev, id);

	hdr = genlmsg_put_reply(msg, info, &sis_genl_family, 0,
				SIS_CMD_PREVENT_ADD);
	if (!hdr)
		goto nospace;
	if (nla_put_u32(msg, SIS_A_IFINDEX,
			nla_get_u32(info->attrs[SIS_A_IFINDEX])))
		goto nospace;
	nest = nla_nest_start(msg, SIS_A_RULE);
	if (!nest || nla_put_u32(msg, SIS_RULE_A_ID, id))
		goto nospace;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
err_msg:
	nlmsg_free(msg);
err_rule:
	sis_rule_destroy(rule);
	return err;
}

/* SIS_NL_BRIDGE: RTNL held, the bridge found. */
static int sis_nl_prevent_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[SIS_RULE_A_MAX + 1];
	struct sis_bridge *sb = info->user_ptr[0];
	int err;

	err = sis_nl_parse_rule(info, tb, sis_rule_del_policy);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[SIS_A_RULE], tb,
			      SIS_RULE_A_ID)) {
		NL_SET_ERR_MSG(info->extack, "missing rule id");
		return -EINVAL;
	}

	err = sis_bridge_rule_del(sb, nla_get_u32(tb[SIS_RULE_A_ID]),
				  info->extack);
	if (err == -ENOENT)
		NL_SET_BAD_ATTR(info->extack, tb[SIS_RULE_A_ID]);
	if (!err)
		sis_nl_notify(info, SIS_CMD_PREVENT_DEL, sb->br_dev,
			      nla_get_u32(tb[SIS_RULE_A_ID]));
	return err;
}

static int sis_nl_put_stats(struct sk_buff *skb, int type,
			    struct sis_pcpu_count __percpu *pc)
{
	struct nlattr *nest;
	struct sis_count sum;

	sis_count_read(pc, &sum);
	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, SIS_STATS_A_FRAMES, sum.frames,
			      SIS_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, SIS_STATS_A_BYTES, sum.bytes,
			      SIS_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, SIS_STATS_A_DROPPED, sum.dropped,
			      SIS_STATS_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int sis_nl_put_rule(struct sk_buff *skb, const struct sis_rule *rule)
{
	struct nlattr *nest = nla_nest_start(skb, SIS_A_RULE);
	struct sis_count sum;

	if (!nest)
		return -EMSGSIZE;
	sis_count_read(rule->stats, &sum);
	if (nla_put_u32(skb, SIS_RULE_A_ID, rule->id) ||
	    nla_put_u8(skb, SIS_RULE_A_DIR, rule->dir) ||
	    nla_put_string(skb, SIS_RULE_A_EXPR, rule->expr) ||
	    nla_put_u64_64bit(skb, SIS_RULE_A_MATCHES, sum.frames,
			      SIS_RULE_A_PAD) ||
	    nla_put_u64_64bit(skb, SIS_RULE_A_BYTES, sum.bytes,
			      SIS_RULE_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int sis_nl_put_bridge_head(struct sk_buff *skb,
				  const struct sis_bridge *sb)
{
	if (nla_put_string(skb, SIS_A_IFNAME, sb->br_dev->name) ||
	    nla_put_u8(skb, SIS_A_FAIL, sb->fail) ||
	    nla_put_u32(skb, SIS_A_HOST_IFINDEX, sb->host_dev->ifindex) ||
	    nla_put_string(skb, SIS_A_HOST_IFNAME, sb->host_dev->name) ||
	    nla_put_u32(skb, SIS_A_NET_IFINDEX, sb->net_dev->ifindex) ||
	    nla_put_string(skb, SIS_A_NET_IFNAME, sb->net_dev->name) ||
	    sis_nl_put_stats(skb, SIS_A_STATS_IN,
			     sb->stats + SIS_DIR_INDEX_IN) ||
	    sis_nl_put_stats(skb, SIS_A_STATS_OUT,
			     sb->stats + SIS_DIR_INDEX_OUT) ||
	    sis_nl_put_streams(skb, sb))
		return -EMSGSIZE;
	return 0;
}

/* A message of a bridge dump, marked if the dump is inconsistent. */
static void *sis_nl_bridge_msg(struct sk_buff *skb, struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &sis_genl_family, NLM_F_MULTI, SIS_CMD_GET_BRIDGE);
	if (hdr)
		genl_dump_check_consistent(cb, hdr);
	return hdr;
}

/*
 * One bridge, starting at rule number *cursor. Returns 0 when the bridge is
 * complete, -EMSGSIZE when the message is full; *cursor then names the first
 * rule still to send (and a message may have been added with fewer rules).
 */
static int sis_nl_fill_bridge(struct sk_buff *skb, struct netlink_callback *cb,
			      const struct sis_bridge *sb, unsigned long *cursor)
{
	const struct sis_rule *rule;
	unsigned long i = 0;
	int err = 0;
	void *hdr;

	hdr = sis_nl_bridge_msg(skb, cb);
	if (!hdr)
		return -EMSGSIZE;

	if (nla_put_u32(skb, SIS_A_IFINDEX, sb->br_dev->ifindex) ||
	    (!*cursor && sis_nl_put_bridge_head(skb, sb))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	list_for_each_entry_rcu(rule, &sb->rules, list) {
		if (i++ < *cursor)
			continue;
		err = sis_nl_put_rule(skb, rule);
		if (err)
			break;
		(*cursor)++;
	}
	genlmsg_end(skb, hdr);
	return err;
}

/* A bridge kept closed: one message. */
static int sis_nl_fill_closed(struct sk_buff *skb, struct netlink_callback *cb,
			      const struct sis_closed *cl)
{
	void *hdr;

	hdr = sis_nl_bridge_msg(skb, cb);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, SIS_A_IFINDEX, cl->br_dev->ifindex) ||
	    nla_put_string(skb, SIS_A_IFNAME, cl->br_dev->name) ||
	    nla_put_u8(skb, SIS_A_FAIL, SIS_FAIL_CLOSED) ||
	    sis_closed_fill(skb, cl)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int sis_nl_get_start(struct netlink_callback *cb)
{
	struct nlattr *tb[SIS_A_MAX + 1];
	int err;

	/* Already validated by the genl core; parsed again for the filter
	 * because 6.1 and 6.12 hand dumps their attributes differently.
	 */
	err = genlmsg_parse(cb->nlh, &sis_genl_family, tb, SIS_A_MAX,
			    sis_bridge_policy, cb->extack);
	if (err)
		return err;
	cb->args[2] = tb[SIS_A_IFINDEX] ? nla_get_u32(tb[SIS_A_IFINDEX]) : 0;
	return 0;
}

/* cb->args: [0] bridge position, [1] rule position, [2] ifindex filter */
static int sis_nl_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct sis_net *sn = sis_net(sock_net(skb->sk));
	const struct sis_closed *cl;
	unsigned long pos = 0;
	struct sis_bridge *sb;
	int err = 0;

	rcu_read_lock();
	cb->seq = READ_ONCE(sn->gen);
	list_for_each_entry_rcu(sb, &sn->bridges, list) {
		if (pos++ < cb->args[0])
			continue;
		if (!cb->args[2] || sb->br_dev->ifindex == cb->args[2]) {
			err = sis_nl_fill_bridge(skb, cb, sb, &cb->args[1]);
			if (err)
				break;
		}
		cb->args[0] = pos;
		cb->args[1] = 0;
	}
	/* Then the bridges kept closed, numbered on. */
	list_for_each_entry_rcu(cl, &sn->closed, list) {
		if (err)
			break;
		if (pos++ < cb->args[0])
			continue;
		if (!cb->args[2] || cl->br_dev->ifindex == cb->args[2]) {
			err = sis_nl_fill_closed(skb, cb, cl);
			if (err)
				break;
		}
		cb->args[0] = pos;
	}
	rcu_read_unlock();

	/* Nothing fit in an empty message: cannot make progress. */
	if (err && !skb->len)
		return err;
	return skb->len;
}

/*
 * The preamble of the operations that act on an attached bridge or on a
 * declared scanner (SIS_NL_BRIDGE, SIS_NL_SCANNER): RTNL, then the object,
 * found once here rather than in each handler.
 */
static int sis_nl_pre_doit(const SIS_GENL_OP *ops, struct sk_buff *skb,
			   struct genl_info *info)
{
	int err = 0;

	if (!(ops->internal_flags & (SIS_NL_BRIDGE | SIS_NL_SCANNER)))
		return 0;
	rtnl_lock();
	if (ops->internal_flags & SIS_NL_BRIDGE) {
		if (SIS_NL_REQUIRE_BRIDGE(info))
			err = -EINVAL;
		else
			info->user_ptr[0] = sis_nl_attached(info, &err);
	} else {
		info->user_ptr[0] = sis_nl_scanner(info, &err);
	}
	if (err)
		rtnl_unlock();
	return err;
}

static void sis_nl_post_doit(const SIS_GENL_OP *ops, struct sk_buff *skb,
			     struct genl_info *info)
{
	if (ops->internal_flags & (SIS_NL_BRIDGE | SIS_NL_SCANNER))
		rtnl_unlock();
}

static const struct genl_ops sis_genl_ops[] = {
	{
		.cmd = SIS_CMD_ATTACH,
		.doit = sis_nl_attach,
		.policy = sis_attach_policy,
		.maxattr = SIS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = SIS_CMD_DETACH,
		.doit = sis_nl_detach,
		.policy = sis_bridge_policy,
		.maxattr = SIS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = SIS_CMD_GET_BRIDGE,
		.start = sis_nl_get_start,
		.dumpit = sis_nl_get_dumpit,
		.policy = sis_bridge_policy,
		.maxattr = SIS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = SIS_CMD_PREVENT_ADD,
		.doit = sis_nl_prevent_add,
		.policy = sis_prevent_add_policy,
		.maxattr = SIS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = SIS_NL_BRIDGE,
	},
	{
		.cmd = SIS_CMD_PREVENT_DEL,
		.doit = sis_nl_prevent_del,
		.policy = sis_prevent_del_policy,
		.maxattr = SIS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = SIS_NL_BRIDGE,
	},
	{
		.cmd = SIS_CMD_SCANNER_ADD,
		.doit = sis_nl_scanner_add,
		.policy = sis_scanner_add_policy,
		.maxattr = SIS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = SIS_NL_BRIDGE,
	},
	{
		.cmd = SIS_CMD_SCANNER_DEL,
		.doit = sis_nl_scanner_del,
		.policy = sis_scanner_del_policy,
		.maxattr = SIS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = SIS_NL_SCANNER,
	},
	{
		.cmd = SIS_CMD_GET_SCANNER,
		.dumpit = sis_nl_scanner_get_dumpit,
		.policy = sis_none_policy,
		.maxattr = SIS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = SIS_CMD_CAP_ADD,
		.doit = sis_nl_cap_add,
		.policy = sis_cap_add_policy,
		.maxattr = SIS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = SIS_NL_SCANNER,
	},
	{
		.cmd = SIS_CMD_CAP_DEL,
		.doit = sis_nl_cap_del,
		.policy = sis_cap_del_policy,
		.maxattr = SIS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = SIS_NL_SCANNER,
	},
	{
		.cmd = SIS_CMD_INJECT_ADD,
		.doit = sis_nl_inject_add,
		.policy = sis_inject_add_policy,
		.maxattr = SIS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = SIS_NL_SCANNER,
	},
	{
		.cmd = SIS_CMD_INJECT_DEL,
		.doit = sis_nl_inject_del,
		.policy = sis_inject_del_policy,
		.maxattr = SIS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = SIS_NL_SCANNER,
	},
	{
		.cmd = SIS_CMD_SCANNER_ATTACH,
		.doit = sis_nl_scanner_attach,
		.policy = sis_scanner_attach_policy,
		.maxattr = SIS_A_MAX,
	},
	{
		.cmd = SIS_CMD_SUBSCRIBE,
		.doit = sis_nl_subscribe,
		.policy = sis_subscribe_policy,
		.maxattr = SIS_A_MAX,
	},
	{
		.cmd = SIS_CMD_UNSUBSCRIBE,
		.doit = sis_nl_unsubscribe,
		.policy = sis_unsubscribe_policy,
		.maxattr = SIS_A_MAX,
	},
	{
		.cmd = SIS_CMD_VERDICT,
		.doit = sis_nl_verdict,
		.policy = sis_verdict_policy,
		.maxattr = SIS_A_MAX,
	},
	{
		.cmd = SIS_CMD_INJECT,
		.doit = sis_nl_inject,
		.policy = sis_inject_policy,
		.maxattr = SIS_A_MAX,
	},
	{
		.cmd = SIS_CMD_ALERT,
		.doit = sis_nl_alert,
		.policy = sis_alert_policy,
		.maxattr = SIS_A_MAX,
	},
	{
		.cmd = SIS_CMD_STREAM_PASS,
		.doit = sis_nl_stream_pass,
		.policy = sis_stream_pass_policy,
		.maxattr = SIS_A_MAX,
	},
	{
		.cmd = SIS_CMD_SET_BRIDGE,
		.doit = sis_nl_set_bridge,
		.policy = sis_set_policy,
		.maxattr = SIS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = SIS_NL_BRIDGE,
	},
	{
		.cmd = SIS_CMD_GET_CONN,
		.start = sis_nl_get_start,	/* the same optional filter */
		.dumpit = sis_nl_conn_dumpit,
		.policy = sis_bridge_policy,
		.maxattr = SIS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

/*
 * Alerts tell what scanners saw, configuration events what the bridges'
 * defences are: for the administrator's eyes only.
 */
static const struct genl_multicast_group sis_mcgrps[] = {
	[SIS_MCGRP_ALERTS_ID] = {
		.name = SIS_MCGRP_ALERTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
	[SIS_MCGRP_CONFIG_ID] = {
		.name = SIS_MCGRP_CONFIG,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

static bool sis_genl_live;

struct genl_family sis_genl_family __ro_after_init = {
	.name = SIS_GENL_NAME,
	.version = SIS_GENL_VERSION,
	.maxattr = SIS_A_MAX,
	.netnsok = true,
	/*
	 * Handlers lock for themselves (RTNL, RCU, a scanner's lock), or
	 * the preamble does (sis_nl_pre_doit()).
	 */
	.parallel_ops = true,
	.resv_start_op = 0,	/* strict checks for every command */
	.module = THIS_MODULE,
	.pre_doit = sis_nl_pre_doit,
	.post_doit = sis_nl_post_doit,
	.ops = sis_genl_ops,
	.n_ops = ARRAY_SIZE(sis_genl_ops),
	.mcgrps = sis_mcgrps,
	.n_mcgrps = ARRAY_SIZE(sis_mcgrps),
};

int __init sis_genl_register(void)
{
	int err = genl_register_family(&sis_genl_family);

	WRITE_ONCE(sis_genl_live, !err);
	return err;
}

void sis_genl_unregister(void)
{
	/*
	 * Under RTNL, which every sender outside the family's own handlers
	 * holds (configuration events, SIS_CMD_DETACHED): once it is
	 * released, none is still sending when the family's groups go.
	 */
	rtnl_lock();
	WRITE_ONCE(sis_genl_live, false);
	rtnl_unlock();
	genl_unregister_family(&sis_genl_family);
}

/* Whether messages of the family may still be sent (not at module exit). */
bool sis_genl_is_live(void)
{
	return READ_ONCE(sis_genl_live);
}
