// SPDX-License-Identifier: GPL-2.0
/*
 * The stream commands of the "sis" family (uapi/linux/sis.h, "Streams"):
 * a scanner's passes, a bridge's stream limits and counters, and the dump
 * of tracked connections.
 */
#include <linux/jiffies.h>
#include <linux/rtnetlink.h>
#include <linux/user_namespace.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "bridge.h"
#include "conn.h"
#include "netlink.h"
#include "netns.h"
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
						  __SIS_FRAGMENTS_MAX - 1),
	[SIS_LIMITS_A_IP6_EXTHDR] = NLA_POLICY_MAX(NLA_U32,
						   __SIS_UNJUDGED_MAX - 1),
	[SIS_LIMITS_A_LOCAL] = NLA_POLICY_MAX(NLA_U32, __SIS_UNJUDGED_MAX - 1),
};

const struct nla_policy sis_stream_pass_policy[SIS_A_MAX + 1] = {
	[SIS_A_PASSES] = SIS_NL_POLICY_ARRAY(struct sis_stream_pass,
					     SIS_PASSES_MAX),
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
int sis_nl_put_streams(struct sk_buff *skb, const struct sis_bridge *sb)
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

int sis_nl_stream_pass(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *attr = info->attrs[SIS_A_PASSES];
	struct sis_scanner *sc;
	int err;

	if (SIS_NL_REQUIRE(info, SIS_A_PASSES, "missing passes (SIS_A_PASSES)"))
		return -EINVAL;
	if (!nla_len(attr)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "no passes");
		return -EINVAL;
	}
	rcu_read_lock();
	sc = sis_nl_self(skb, info);
	if (sc)
		err = sis_conn_passes(sc, nla_data(attr),
				      nla_len(attr) /
				      sizeof(struct sis_stream_pass),
				      info->extack);
	else
		err = -ENOTCONN;
	rcu_read_unlock();
	return err;
}

static int sis_nl_put_cdir(struct sk_buff *skb, int type,
			   const struct sis_conn *c, int d)
{
	const struct sis_stream *st = &c->st[d];
	struct nlattr *nest = nla_nest_start(skb, type);
	unsigned int i, watchers = 0;

	for (i = 0; i < c->n_watch; i++)
		if (c->watch[i].dirs & BIT(d))
			watchers++;
	if (!nest ||
	    nla_put_u64_64bit(skb, SIS_CONN_DIR_A_SEEN, st->seen,
			      SIS_CONN_DIR_A_PAD) ||
	    nla_put_u64_64bit(skb, SIS_CONN_DIR_A_PASSED,
			      min(st->passed, st->seen), SIS_CONN_DIR_A_PAD) ||
	    nla_put_u32(skb, SIS_CONN_DIR_A_HELD, st->held_bytes) ||
	    nla_put_u32(skb, SIS_CONN_DIR_A_KEPT, st->kept_bytes) ||
	    nla_put_u32(skb, SIS_CONN_DIR_A_WATCHERS, watchers))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* One connection, under its lock. */
static int sis_nl_put_conn(struct sk_buff *skb, const struct sis_conn *c)
{
	const struct sis_conn_key *k = &c->key;
	unsigned int alen = k->family == AF_INET ? 4 : 16;
	struct nlattr *nest = nla_nest_start(skb, SIS_A_CONN);

	if (!nest ||
	    nla_put_u64_64bit(skb, SIS_CONN_A_ID, c->id, SIS_CONN_A_PAD) ||
	    nla_put_u8(skb, SIS_CONN_A_FAMILY, k->family) ||
	    nla_put(skb, SIS_CONN_A_HOST_ADDR, alen,
		    k->host_addr.s6_addr + 16 - alen) ||
	    nla_put_u16(skb, SIS_CONN_A_HOST_PORT, ntohs(k->host_port)) ||
	    nla_put(skb, SIS_CONN_A_NET_ADDR, alen,
		    k->net_addr.s6_addr + 16 - alen) ||
	    nla_put_u16(skb, SIS_CONN_A_NET_PORT, ntohs(k->net_port)) ||
	    nla_put_u8(skb, SIS_CONN_A_INITIATOR, c->initiator) ||
	    nla_put_u8(skb, SIS_CONN_A_HOST_STATE, c->tcb[SIS_TCB_HOST].state) ||
	    nla_put_u8(skb, SIS_CONN_A_NET_STATE, c->tcb[SIS_TCB_NET].state) ||
	    nla_put_u32(skb, SIS_CONN_A_AGE_MS,
			jiffies_to_msecs(jiffies - c->born)) ||
	    sis_nl_put_cdir(skb, SIS_CONN_A_IN, c, SIS_DIR_INDEX_IN) ||
	    sis_nl_put_cdir(skb, SIS_CONN_A_OUT, c, SIS_DIR_INDEX_OUT))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * cb->args: [0] bridge position, [1] last connection id sent, [2] ifindex
 * filter. Connections come and go during a dump; each is sent at most
 * once, in id order, and those made after it started may be left out.
 */
int sis_nl_conn_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct sis_net *sn = sis_net(sock_net(skb->sk));
	unsigned long pos = 0;
	struct sis_bridge *sb;
	int err = 0;

	rcu_read_lock();
	list_for_each_entry_rcu(sb, &sn->bridges, list) {
		struct sis_conn *c;

		if (pos++ < cb->args[0])
			continue;
		if (cb->args[2] && sb->br_dev->ifindex != cb->args[2])
			goto next;
		while ((c = sis_conn_next(sb, cb->args[1]))) {
			void *hdr;

			hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, &sis_genl_family,
					  NLM_F_MULTI, SIS_CMD_GET_CONN);
			if (!hdr) {
				err = -EMSGSIZE;
				break;
			}
			spin_lock_bh(&c->lock);
			err = nla_put_u32(skb, SIS_A_IFINDEX,
					  sb->br_dev->ifindex) ?:
			      sis_nl_put_conn(skb, c);
			spin_unlock_bh(&c->lock);
			if (err) {
				genlmsg_cancel(skb, hdr);
				break;
			}
			genlmsg_end(skb, hdr);
			cb->args[1] = c->id;
		}
		if (err)
			break;
next:
		cb->args[0] = pos;
		cb->args[1] = 0;
	}
	rcu_read_unlock();

	if (err && !skb->len)
		return err;
	return skb->len;
}
