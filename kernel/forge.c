// SPDX-License-Identifier: GPL-2.0
/* TCP segments sent in the name of one end of a connection (forge.h). */
#include <linux/if_bridge.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/rtnetlink.h>
#include <net/ip6_checksum.h>
#include <net/tcp.h>

#include "bridge.h"
#include "conn.h"
#include "forge.h"

struct net_device *sis_forge_dev(struct sis_bridge *sb, int d)
{
	struct net_device *dev = d == SIS_DIR_INDEX_IN ? sb->host_dev :
							 sb->net_dev;

	if (!dev || !netif_running(dev) || !netif_carrier_ok(dev) ||
	    netdev_master_upper_dev_get_rcu(dev) != sb->br_dev)
		return NULL;
	return dev;
}

/* The VLAN tag the port sends @l2's VLAN with; false: it does not send. */
static bool sis_forge_vlan(struct sis_bridge *sb, struct net_device *dev,
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

struct sk_buff *sis_forge_build(struct sis_bridge *sb,
				const struct sis_conn *c, int d,
				struct net_device *dev,
				const struct sis_forge *f)
{
	const struct sis_conn_key *k = &c->key;
	const struct sis_conn_l2 *l2 = &c->l2[d];
	bool to_host = d == SIS_DIR_INDEX_IN, v6 = k->family == AF_INET6;
	const struct in6_addr *saddr = to_host ? &k->net_addr : &k->host_addr;
	const struct in6_addr *daddr = to_host ? &k->host_addr : &k->net_addr;
	unsigned int nhlen = v6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr);
	unsigned int thlen = sizeof(struct tcphdr) + f->optlen;
	struct sk_buff *skb;
	struct tcphdr *th;
	struct ethhdr *eth;
	__wsum csum;

	if (WARN_ON_ONCE(f->optlen > SIS_FORGE_OPTS_MAX || f->optlen % 4))
		return NULL;
	skb = alloc_skb(LL_RESERVED_SPACE(dev) + ETH_HLEN + nhlen + thlen,
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
		ip6h->payload_len = htons(thlen);
		ip6h->nexthdr = IPPROTO_TCP;
		ip6h->hop_limit = 64;
		ip6h->saddr = *saddr;
		ip6h->daddr = *daddr;
	} else {
		struct iphdr *iph = skb_put_zero(skb, nhlen);

		iph->version = 4;
		iph->ihl = nhlen / 4;
		iph->tot_len = htons(nhlen + thlen);
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
	th->seq = htonl(f->seq);
	th->ack_seq = htonl(f->ack);
	th->doff = thlen / 4;
	tcp_flag_byte(th) = f->flags;
	th->window = htons(f->win);
	if (f->optlen)
		skb_put_data(skb, f->opts, f->optlen);
	csum = csum_partial(th, thlen, 0);
	if (v6)
		th->check = csum_ipv6_magic(saddr, daddr, thlen, IPPROTO_TCP,
					    csum);
	else
		th->check = csum_tcpudp_magic(saddr->s6_addr32[3],
					      daddr->s6_addr32[3], thlen,
					      IPPROTO_TCP, csum);
	skb->protocol = eth->h_proto;
	skb->dev = dev;
	skb->ip_summed = CHECKSUM_NONE;
	if (!sis_forge_vlan(sb, dev, l2, skb)) {
		kfree_skb(skb);
		return NULL;
	}
	return skb;
}

int sis_forge_l2(struct sis_bridge *sb, const struct sis_conn *c, int d,
		 struct net_device *dev, struct sk_buff *skb)
{
	const struct sis_conn_l2 *l2 = &c->l2[d];
	struct ethhdr *eth;

	if (is_zero_ether_addr(l2->dst))
		return -ENOENT;
	if (skb_cow_head(skb, ETH_HLEN))
		return -ENOMEM;
	skb_reset_network_header(skb);
	eth = skb_push(skb, ETH_HLEN);
	memcpy(eth->h_dest, l2->dst, ETH_ALEN);
	memcpy(eth->h_source, l2->src, ETH_ALEN);
	eth->h_proto = skb->protocol;
	skb_reset_mac_header(skb);
	skb->dev = dev;
	__vlan_hwaccel_clear_tag(skb);
	return sis_forge_vlan(sb, dev, l2, skb) ? 0 : -EPERM;
}
