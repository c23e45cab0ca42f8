// SPDX-License-Identifier: GPL-2.0
/*
 * The bridge commands of the "sis" family (uapi/linux/sis.h): attach and
 * detach, the bridge dump (counters, prevent rules, stream limits and
 * counters, a closed bridge's state), prevent rules, and a bridge's
 * settings (SIS_CMD_SET_BRIDGE). The lookup of the attached bridge the
 * other commands use (sis_nl_attached()), and the announcement of a
 * request's change (sis_nl_notify()), are here too.
 */
#include <linux/filter.h>
#include <linux/jiffies.h>
#include <linux/rtnetlink.h>
#include <linux/user_namespace.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "bridge.h"
#include "closed.h"
#include "conn.h"
#include "event.h"
#include "netlink.h"
#include "netns.h"
#include "rules.h"
#include "scanner.h"

static struct netlink_range_validation sis_conns_range = {
	.min = 1, .max = 1 << 24,
};

static struct netlink_range_validation sis_conn_bytes_range = {
	.min = 4096, .max = 1 << 30,
};

static struct netlink_range_validation sis_conn_segs_range = {
	.min = 1, .max = 1 << 20,
};

static struct netlink_range_validation sis_memory_range = {
	.min = 1 << 20, .max = U32_MAX,
};

static struct netlink_range_validation sis_ms_range = {
	.min = 1, .max = 0x7fffffff,
};

static const struct nla_policy sis_limits_policy[SIS_LIMITS_A_MAX + 1] = {
	[SIS_LIMITS_A_MAX_CONNS] = NLA_POLICY_FULL_RANGE(NLA_U32,
							 &sis_conns_range),
	[SIS_LIMITS_A_MAX_HALF_OPEN] = NLA_POLICY_FULL_RANGE(NLA_U32,
							     &sis_conns_range),
	[SIS_LIMITS_A_MAX_MEMORY] = NLA_POLICY_FULL_RANGE(NLA_U32,
							  &sis_memory_range),
	[SIS_LIMITS_A_CONN_BYTES] = NLA_POLICY_FULL_RANGE(NLA_U32,
							  &sis_conn_bytes_range),
	[SIS_LIMITS_A_CONN_SEGS] = NLA_POLICY_FULL_RANGE(NLA_U32,
							 &sis_conn_segs_range),
	[SIS_LIMITS_A_SYN_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &sis_ms_range),
	[SIS_LIMITS_A_IDLE_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &sis_ms_range),
	[SIS_LIMITS_A_CLOSE_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &sis_ms_range),
	[SIS_LIMITS_A_FRAGMENTS] = NLA_POLICY_MAX(NLA_U32,
						  SIS_FRAGMENTS_MAX),
	[SIS_LIMITS_A_IP6_EXTHDR] = NLA_POLICY_MAX(NLA_U32,
						   SIS_UNJUDGED_MAX),
	[SIS_LIMITS_A_LOCAL] = NLA_POLICY_MAX(NLA_U32, SIS_UNJUDGED_MAX),
};

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
const struct nla_policy sis_bridge_policy[SIS_A_MAX + 1] = {
	[SIS_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
};

const struct nla_policy sis_attach_policy[SIS_A_MAX + 1] = {
	[SIS_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[SIS_A_HOST_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[SIS_A_FAIL] = NLA_POLICY_MAX(NLA_U8, SIS_FAIL_OPEN),
};

const struct nla_policy sis_prevent_add_policy[SIS_A_MAX + 1] = {
	[SIS_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[SIS_A_RULE] = NLA_POLICY_NESTED(sis_rule_add_policy),
};

const struct nla_policy sis_prevent_del_policy[SIS_A_MAX + 1] = {
	[SIS_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[SIS_A_RULE] = NLA_POLICY_NESTED(sis_rule_del_policy),
};

const struct nla_policy sis_set_policy[SIS_A_MAX + 1] = {
	[SIS_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[SIS_A_LIMITS] = NLA_POLICY_NESTED(sis_limits_policy),
};

/* Limits are read locklessly by the datapath: each a word, written once. */
static void sis_nl_set_u32(const struct nlattr *attr, u32 *field)
{
	if (attr)
		WRITE_ONCE(*field, nla_get_u32(attr));
}

/*
 * A user namespace's root administers its own network namespace's bridges,
 * but the memory and time they may keep are the host's: no limit above the
 * initial namespace's defaults. Returns the first attribute over, or NULL.
 */
static const struct nlattr *sis_limits_over_default(struct nlattr **tb)
{
	static const u32 defaults[SIS_LIMITS_A_MAX + 1] = {
		[SIS_LIMITS_A_MAX_CONNS] = SIS_MAX_CONNS_DEFAULT,
		[SIS_LIMITS_A_MAX_HALF_OPEN] = SIS_MAX_HALF_OPEN_DEFAULT,
		[SIS_LIMITS_A_MAX_MEMORY] = SIS_MAX_MEMORY_DEFAULT,
		[SIS_LIMITS_A_CONN_BYTES] = SIS_CONN_BYTES_DEFAULT,
		[SIS_LIMITS_A_CONN_SEGS] = SIS_CONN_SEGS_DEFAULT,
		[SIS_LIMITS_A_SYN_MS] = SIS_SYN_MS_DEFAULT,
		[SIS_LIMITS_A_IDLE_MS] = SIS_IDLE_MS_DEFAULT,
		[SIS_LIMITS_A_CLOSE_MS] = SIS_CLOSE_MS_DEFAULT,
	};
	int i;

	for (i = 1; i <= SIS_LIMITS_A_MAX; i++)
		if (defaults[i] && tb[i] && nla_get_u32(tb[i]) > defaults[i])
			return tb[i];
	return NULL;
}

/* SIS_NL_BRIDGE: RTNL held, the bridge found. */
int sis_nl_set_bridge(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[SIS_LIMITS_A_MAX + 1];
	struct sis_bridge *sb = info->user_ptr[0];
	struct sis_conn_limits *lim;
	int err;

	err = SIS_NL_PARSE_NEST(info, tb, SIS_A_LIMITS, SIS_LIMITS_A_MAX,
				sis_limits_policy,
				"missing limits (SIS_A_LIMITS)");
	if (err)
		return err;
	if (genl_info_net(info)->user_ns != &init_user_ns &&
	    sis_limits_over_default(tb)) {
		NL_SET_ERR_MSG_ATTR(info->extack, sis_limits_over_default(tb),
				    "above the default, which is as far as a user namespace may go");
		return -EPERM;
	}
	lim = &sb->conns.limits;
	sis_nl_set_u32(tb[SIS_LIMITS_A_MAX_CONNS], &lim->max_conns);
	sis_nl_set_u32(tb[SIS_LIMITS_A_MAX_HALF_OPEN], &lim->max_half_open);
	sis_nl_set_u32(tb[SIS_LIMITS_A_MAX_MEMORY], &lim->max_memory);
	sis_nl_set_u32(tb[SIS_LIMITS_A_CONN_BYTES], &lim->conn_bytes);
	sis_nl_set_u32(tb[SIS_LIMITS_A_CONN_SEGS], &lim->conn_segs);
	sis_nl_set_u32(tb[SIS_LIMITS_A_SYN_MS], &lim->syn_ms);
	sis_nl_set_u32(tb[SIS_LIMITS_A_IDLE_MS], &lim->idle_ms);
	sis_nl_set_u32(tb[SIS_LIMITS_A_CLOSE_MS], &lim->close_ms);
	sis_nl_set_u32(tb[SIS_LIMITS_A_FRAGMENTS], &sb->norm.fragments);
	sis_nl_set_u32(tb[SIS_LIMITS_A_IP6_EXTHDR], &sb->norm.ip6_exthdr);
	sis_nl_set_u32(tb[SIS_LIMITS_A_LOCAL], &sb->norm.local);
	sis_conns_shrink(sb);
	sis_net(sb->net)->gen++;
	sis_nl_notify(info, SIS_CMD_SET_BRIDGE, sb->br_dev, 0);
	return 0;
}

/*
 * The bridge's settings (stream limits, what it does with frames it cannot
 * judge) and counters, for its dump. Under RCU.
 */
static int sis_nl_put_streams(struct sk_buff *skb, const struct sis_bridge *sb)
{
	const struct sis_conns *cs = &sb->conns;
	const struct sis_conn_stats *s = &cs->stats;
	const struct {
		int attr;
		const atomic64_t *v;
	} counters[] = {
		{ SIS_SSTATS_A_CONNS_TOTAL, &s->total },
		{ SIS_SSTATS_A_UNTRACKED, &s->untracked },
		{ SIS_SSTATS_A_MIDSTREAM, &s->midstream },
		{ SIS_SSTATS_A_INVALID, &s->invalid },
		{ SIS_SSTATS_A_INCONSISTENT, &s->inconsistent },
		{ SIS_SSTATS_A_OVERLIMIT, &s->overlimit },
		{ SIS_SSTATS_A_RESETS, &s->resets },
		{ SIS_SSTATS_A_TIMEOUTS, &s->timeouts },
		{ SIS_SSTATS_A_DROPPED, &s->dropped },
		{ SIS_SSTATS_A_INVALID_AUTH, &s->invalid_why[SIS_TCB_WHY_AUTH] },
		{ SIS_SSTATS_A_INVALID_STATE,
		  &s->invalid_why[SIS_TCB_WHY_STATE] },
		{ SIS_SSTATS_A_INVALID_ACK, &s->invalid_why[SIS_TCB_WHY_ACK] },
		{ SIS_SSTATS_A_INVALID_PAWS, &s->invalid_why[SIS_TCB_WHY_PAWS] },
		{ SIS_SSTATS_A_INVALID_WINDOW,
		  &s->invalid_why[SIS_TCB_WHY_WINDOW] },
		{ SIS_SSTATS_A_INVALID_FIN, &s->invalid_why[SIS_TCB_WHY_FIN] },
		{ SIS_SSTATS_A_MALFORMED, &s->malformed },
		{ SIS_SSTATS_A_MIDSTREAM_DROPPED, &s->midstream_dropped },
		{ SIS_SSTATS_A_AMBIGUOUS, &s->ambiguous },
		{ SIS_SSTATS_A_URGENT, &s->urgent },
		{ SIS_SSTATS_A_EVICTED, &s->evicted },
		{ SIS_SSTATS_A_OVERMEMORY, &s->overmemory },
		{ SIS_SSTATS_A_KILLED, &s->killed },
		{ SIS_SSTATS_A_RESETS_SENT, &s->resets_sent },
		{ SIS_SSTATS_A_DUPACKS, &s->dupacks },
		{ SIS_SSTATS_A_PRUNED, &s->pruned },
		{ SIS_SSTATS_A_CUTS, &s->cuts },
		{ SIS_SSTATS_A_CUT_BYTES, &s->cut_bytes },
		{ SIS_SSTATS_A_INJECTS, &s->injects },
		{ SIS_SSTATS_A_INJECT_BYTES, &s->inject_bytes },
		{ SIS_SSTATS_A_REWRITTEN, &s->rewritten },
		{ SIS_SSTATS_A_TRANSLATED, &s->translated },
		{ SIS_SSTATS_A_KILLS, &s->kills },
		{ SIS_SSTATS_A_MAX_CUTS, &s->max_cuts },
		{ SIS_SSTATS_A_CUSTODY_ACKS, &s->custody_acks },
		{ SIS_SSTATS_A_RETRANSMITS, &s->retransmits },
		{ SIS_SSTATS_A_CUSTODY_FAILED, &s->custody_failed },
	};
	const struct sis_norm_stats *ns = &sb->norm_stats;
	const struct {
		int attr;
		const atomic64_t *v;
	} ncounters[] = {
		{ SIS_NSTATS_A_REASSEMBLED, &ns->reassembled },
		{ SIS_NSTATS_A_FRAG_DROPPED, &ns->frag_dropped },
		{ SIS_NSTATS_A_FRAG_BAD, &ns->frag_bad },
		{ SIS_NSTATS_A_IP6_EXTHDR, &ns->ip6_exthdr },
		{ SIS_NSTATS_A_LOCAL, &ns->local },
	};
	struct nlattr *nest;
	unsigned int i;

	nest = nla_nest_start(skb, SIS_A_LIMITS);
	if (!nest ||
	    nla_put_u32(skb, SIS_LIMITS_A_MAX_CONNS,
			READ_ONCE(cs->limits.max_conns)) ||
	    nla_put_u32(skb, SIS_LIMITS_A_MAX_HALF_OPEN,
			READ_ONCE(cs->limits.max_half_open)) ||
	    nla_put_u32(skb, SIS_LIMITS_A_MAX_MEMORY,
			READ_ONCE(cs->limits.max_memory)) ||
	    nla_put_u32(skb, SIS_LIMITS_A_CONN_BYTES,
			READ_ONCE(cs->limits.conn_bytes)) ||
	    nla_put_u32(skb, SIS_LIMITS_A_CONN_SEGS,
			READ_ONCE(cs->limits.conn_segs)) ||
	    nla_put_u32(skb, SIS_LIMITS_A_SYN_MS, READ_ONCE(cs->limits.syn_ms)) ||
	    nla_put_u32(skb, SIS_LIMITS_A_IDLE_MS,
			READ_ONCE(cs->limits.idle_ms)) ||
	    nla_put_u32(skb, SIS_LIMITS_A_CLOSE_MS,
			READ_ONCE(cs->limits.close_ms)) ||
	    nla_put_u32(skb, SIS_LIMITS_A_FRAGMENTS,
			READ_ONCE(sb->norm.fragments)) ||
	    nla_put_u32(skb, SIS_LIMITS_A_IP6_EXTHDR,
			READ_ONCE(sb->norm.ip6_exthdr)) ||
	    nla_put_u32(skb, SIS_LIMITS_A_LOCAL, READ_ONCE(sb->norm.local)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);

	nest = nla_nest_start(skb, SIS_A_NORM_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < ARRAY_SIZE(ncounters); i++)
		if (nla_put_u64_64bit(skb, ncounters[i].attr,
				      atomic64_read(ncounters[i].v),
				      SIS_NSTATS_A_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);

	nest = nla_nest_start(skb, SIS_A_STREAM_STATS);
	if (!nest ||
	    nla_put_u32(skb, SIS_SSTATS_A_CONNS, READ_ONCE(cs->count)) ||
	    nla_put_u32(skb, SIS_SSTATS_A_HALF_OPEN,
			READ_ONCE(cs->n_half_open)) ||
	    nla_put_u64_64bit(skb, SIS_SSTATS_A_MEMORY,
			      max(atomic_long_read(&cs->mem), 0L),
			      SIS_SSTATS_A_PAD))
		return -EMSGSIZE;
	for (i = 0; i < ARRAY_SIZE(counters); i++)
		if (nla_put_u64_64bit(skb, counters[i].attr,
				      atomic64_read(counters[i].v),
				      SIS_SSTATS_A_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

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

int sis_nl_attach(struct sk_buff *skb, struct genl_info *info)
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
int sis_nl_detach(struct sk_buff *skb, struct genl_info *info)
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
int sis_nl_prevent_add(struct sk_buff *skb, struct genl_info *info)
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
int sis_nl_prevent_del(struct sk_buff *skb, struct genl_info *info)
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

int sis_nl_get_start(struct netlink_callback *cb)
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
int sis_nl_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
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
