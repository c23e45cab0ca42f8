// SPDX-License-Identifier: GPL-2.0
/*
 * The dump of tracked connections (SIS_CMD_GET_CONN, uapi/linux/sis.h,
 * "Streams"): each with its two ends, their shadow TCBs' states and, per
 * direction, the bytes seen, passed, held and kept, and its watchers.
 */
#include <linux/jiffies.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "bridge.h"
#include "conn.h"
#include "netlink.h"
#include "netns.h"
#include "scanner.h"

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
