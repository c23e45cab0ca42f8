// SPDX-License-Identifier: GPL-2.0
/* Killing a tracked connection: an RST to each end (reset.h). */
#include <linux/if_bridge.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/rtnetlink.h>
#include <net/ip6_checksum.h>
#include <net/tcp.h>

#include "bridge.h"
#include "conn.h"
#include "reset.h"

/* At most this many RSTs per end (reset.h). */
#define SIS_RESETS_PER_END	3

/*
 * The end of what the receiver of stream @st holds: the bytes it
 * acknowledged, then those forwarded to it in order (kept until
 * acknowledged; held ones were not forwarded). Locked.
 */
static u64 sis_stream_forwarded(const struct sis_stream *st)
{
	const struct sis_seg *seg;
	u64 end = st->rcv_ack;

	list_for_each_entry(seg, &st->segs, list) {
		if (seg->start > end)
			break;
		if (!seg->held)
			end = max(end, seg->end);
	}
	return end;
}

/* The port towards the receiver of direction @d, if it is still one. */
static struct net_device *sis_reset_dev(struct sis_bridge *sb, int d)
{
	struct net_device *dev = d == SIS_DIR_INDEX_IN ? sb->host_dev :
							 sb->net_dev;

	if (!dev || !netif_running(dev) || !netif_carrier_ok(dev) ||
	    netdev_master_upper_dev_get_rcu(dev) != sb->br_dev)
		return NULL;
	return dev;
}

/* The VLAN tag the port sends @l2's VLAN with; false: it does not send. */
static bool sis_reset_vlan(struct sis_bridge *sb, struct net_device *dev,
			   const struct sis_conn_l2 *l2, struct sk_buff *skb)
{
	struct bridge_vlan_info vi;
	u16 vid = l2->vlan_tci & VLAN_VID_MASK;

	if (!l2->vlan_proto)
		return true;
	if (br_vlan_enabled(sb->br_dev)) {
		if (br_vlan_get_info_rcu(dev, vid, &vi))
			return false;
		if (vi.flags & BRIDGE_VLAN_INFO_UNTAGGED)
			return true;
	}
	__vlan_hwaccel_put_tag(skb, l2->vlan_proto, l2->vlan_tci);
	return true;
}

/*
 * An RST to the receiver of direction @d, from its peer: sequence number
 * @seq, acknowledging @ack. NULL when out of memory.
 */
static struct sk_buff *sis_reset_build(struct sis_bridge *sb,
				       const struct sis_conn *c, int d,
				       struct net_device *dev, u32 seq, u32 ack)
{
	const struct sis_conn_key *k = &c->key;
	const struct sis_conn_l2 *l2 = &c->l2[d];
	bool to_host = d == SIS_DIR_INDEX_IN, v6 = k->family == AF_INET6;
	const struct in6_addr *saddr = to_host ? &k->net_addr : &k->host_addr;
	const struct in6_addr *daddr = to_host ? &k->host_addr : &k->net_addr;
	unsigned int nhlen = v6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr);
	struct sk_buff *skb;
	struct tcphdr *th;
	struct ethhdr *eth;
	__wsum csum;

	skb = alloc_skb(LL_RESERVED_SPACE(dev) + ETH_HLEN + nhlen + sizeof(*th),
			GFP_ATOMIC);
	if (!skb)
		return NULL;
	skb_reserve(skb, LL_RESERVED_SPACE(dev));
	eth = skb_put(skb, ETH_HLEN);
	memcpy(eth->h_dest, l2->dst, ETH_ALEN);
	memcpy(eth->h_source, l2->src, ETH_ALEN);
	eth->h_proto = htons(v6 ? ETH_P_IPV6 : ETH_P_IP);
	skb_reset_mac_header(skb);
	skb_set_network_header(skb, ETH_HLEN);
	skb_set_transport_header(skb, ETH_HLEN + nhlen);
	if (v6) {
		struct ipv6hdr *ip6h = skb_put_zero(skb, nhlen);

		ip6h->version = 6;
		ip6h->payload_len = htons(sizeof(*th));
		ip6h->nexthdr = IPPROTO_TCP;
		ip6h->hop_limit = 64;
		ip6h->saddr = *saddr;
		ip6h->daddr = *daddr;
	} else {
		struct iphdr *iph = skb_put_zero(skb, nhlen);

		iph->version = 4;
		iph->ihl = nhlen / 4;
		iph->tot_len = htons(nhlen + sizeof(*th));
		iph->frag_off = htons(IP_DF);
		iph->ttl = 64;
		iph->protocol = IPPROTO_TCP;
		iph->saddr = saddr->s6_addr32[3];
		iph->daddr = daddr->s6_addr32[3];
		ip_send_check(iph);
	}
	th = skb_put_zero(skb, sizeof(*th));
	th->source = to_host ? k->net_port : k->host_port;
	th->dest = to_host ? k->host_port : k->net_port;
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
	th->doff = sizeof(*th) / 4;
	th->rst = 1;
	th->ack = 1;
	csum = csum_partial(th, sizeof(*th), 0);
	if (v6)
		th->check = csum_ipv6_magic(saddr, daddr, sizeof(*th),
					    IPPROTO_TCP, csum);
	else
		th->check = csum_tcpudp_magic(saddr->s6_addr32[3],
					      daddr->s6_addr32[3], sizeof(*th),
					      IPPROTO_TCP, csum);
	skb->protocol = eth->h_proto;
	skb->dev = dev;
	skb->ip_summed = CHECKSUM_NONE;
	if (!sis_reset_vlan(sb, dev, l2, skb)) {
		kfree_skb(skb);
		return NULL;
	}
	return skb;
}

/* The RSTs to the receiver of direction @d, onto @rsts. Locked. */
static void sis_reset_end(struct sis_bridge *sb, struct sis_conn *c, int d,
			  struct sk_buff_head *rsts)
{
	const struct sis_stream *st = &c->st[d];
	const struct sis_tcb *from, *to;
	u32 seq[SIS_RESETS_PER_END];
	struct net_device *dev;
	unsigned int i, n = 0;
	u64 end;

	lockdep_assert_held(&c->lock);

	from = &c->tcb[d == SIS_DIR_INDEX_IN ? SIS_TCB_NET : SIS_TCB_HOST];
	to = &c->tcb[d == SIS_DIR_INDEX_IN ? SIS_TCB_HOST : SIS_TCB_NET];
	dev = sis_reset_dev(sb, d);
	if (!dev || is_zero_ether_addr(c->l2[d].dst) || !to->isn_valid)
		return;
	/*
	 * After the sender's FIN went, this is RCV.NXT - 1, which a receiver
	 * in CLOSE-WAIT takes too (Linux's tcp_reset_check()).
	 */
	if (st->isn_valid && !st->broken) {
		end = sis_stream_forwarded(st);
		seq[n++] = st->isn + 1 + (u32)end;
	}
	/*
	 * Everything its sender sent, if more, where nothing held it back:
	 * what was forwarded without being kept (a stream not reassembled,
	 * or over its bounds) went too. A contained direction keeps all it
	 * forwards until it is acknowledged.
	 */
	if (!n || (!st->contain && after(from->snd_nxt, seq[0])))
		seq[n++] = from->snd_nxt;
	/* What it acknowledged, if less: a segment lost after the bridge. */
	if (before(to->rcv_nxt, seq[0]))
		seq[n++] = to->rcv_nxt;
	for (i = 0; i < n; i++) {
		struct sk_buff *skb = sis_reset_build(sb, c, d, dev, seq[i],
						      from->rcv_nxt);

		if (skb)
			__skb_queue_tail(rsts, skb);
	}
}

/*
 * Kill connection @c, once: RSTs to both ends onto @rsts (sent with
 * sis_resets_send() once unlocked), no more data goes either way, and its
 * watchers are told (end: killed). It stays in the table, closing, for
 * the close timeout: data still on its way is dropped. Counted as killed
 * if an RST was due. Locked, under RCU.
 */
void sis_conn_kill(struct sis_bridge *sb, struct sis_conn *c,
		   struct sk_buff_head *rsts)
{
	unsigned int queued = skb_queue_len(rsts);
	int d;

	lockdep_assert_held(&c->lock);

	if (c->dead || c->killed)
		return;
	c->killed = true;
	for (d = 0; d < SIS_STREAM_DIRS; d++) {
		/* An end that took an RST already has no connection. */
		if (c->st[d].end_reason != SIS_STREAM_END_RST)
			sis_reset_end(sb, c, d, rsts);
		c->st[d].cut = true;
	}
	sis_conn_end(c, SIS_DIR_ANY, SIS_STREAM_END_KILLED);
	c->closing = true;
	c->last = jiffies;
	if (skb_queue_len(rsts) != queued)
		atomic64_inc(&sb->conns.stats.killed);
}

/* Send the RSTs of sis_conn_kill(). Under RCU, not locked. */
void sis_resets_send(struct sis_bridge *sb, struct sk_buff_head *rsts)
{
	struct sk_buff *skb;

	/* Counted if the device took it: a full queue may drop it. */
	while ((skb = __skb_dequeue(rsts)))
		if (dev_queue_xmit(skb) == NET_XMIT_SUCCESS)
			atomic64_inc(&sb->conns.stats.resets_sent);
}
