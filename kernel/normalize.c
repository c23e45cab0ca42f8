// SPDX-License-Identifier: GPL-2.0
/*
 * Frames that cannot be judged as they come (normalize.h): IP fragments,
 * IPv6 extension headers, frames from the host port to the appliance.
 *
 * Fragments are reassembled as bridge conntrack does (nf_conntrack_bridge):
 * ip_defrag() and nf_ct_frag6_gather() queue them per direction and give
 * back the whole datagram in the skb of the fragment that completed it,
 * with Linux's own rules (overlaps discard the datagram, RFC 5722 and
 * "ip: discard IPv4 datagrams with overlapping segments"; an IPv6 first
 * fragment must hold the whole header chain, RFC 8200 4.5). A first IPv4
 * fragment too short for its TCP, UDP or ICMP header is dropped before
 * queueing (RFC 1858). The datagram is then judged like any frame, and is
 * marked with skb->ignore_df, as bridge conntrack marks it: the bridge's
 * POST_ROUTING hook below cuts it to the egress port's MTU.
 *
 * Runs in the bridge hooks: RCU, bottom halves disabled.
 */
#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter_bridge.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#if IS_ENABLED(CONFIG_NF_DEFRAG_IPV6)
#include <net/ipv6_frag.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>
#endif

#include "bridge.h"
#include "normalize.h"

/*
 * The reassembly queues of each direction: the two highest zones of bridge
 * conntrack's range, so that fragments of one direction never complete a
 * datagram of the other.
 */
#define SIS_DEFRAG_ZONE(dir)	(USHRT_MAX - 2 + (dir))

/* The transport header a first IPv4 fragment must hold whole. */
static unsigned int sis_frag4_min(u8 protocol)
{
	switch (protocol) {
	case IPPROTO_TCP:
		return sizeof(struct tcphdr);
	case IPPROTO_UDP:
		return sizeof(struct udphdr);
	case IPPROTO_ICMP:
		return sizeof(struct icmphdr);
	default:
		return 0;
	}
}

static unsigned int sis_frag_bad(struct sis_bridge *sb)
{
	atomic64_inc(&sb->norm_stats.frag_bad);
	return NF_DROP;
}

/* An IPv4 fragment (skb->data at its IP header, a valid one). */
static unsigned int sis_defrag4(struct sis_bridge *sb, u8 dir,
				struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int hlen = iph->ihl * 4;
	char cb[sizeof(skb->cb)];
	int err;

	if (!(iph->frag_off & htons(IP_OFFSET)) &&
	    ntohs(iph->tot_len) - hlen < sis_frag4_min(iph->protocol))
		return sis_frag_bad(sb);	/* a tiny first fragment */

	/* ip_defrag() expects IPCB() in place of the bridge's. */
	memcpy(cb, skb->cb, sizeof(cb));
	memset(IPCB(skb), 0, sizeof(struct inet_skb_parm));
	err = ip_defrag(state->net, skb, IP_DEFRAG_CONNTRACK_BRIDGE_IN +
			SIS_DEFRAG_ZONE(dir));
	if (err == -EINPROGRESS)
		return NF_STOLEN;	/* queued until the datagram is whole */
	if (err) {
		atomic64_inc(&sb->norm_stats.frag_bad);
		return NF_STOLEN;	/* ip_defrag() freed it */
	}
	memcpy(skb->cb, cb, sizeof(cb));
	skb->ignore_df = 1;
	atomic64_inc(&sb->norm_stats.reassembled);
	return NF_ACCEPT;
}

/*
 * An IPv4 frame: fragments per the bridge's setting. A bad header is left
 * to the parts that read it (the receiver drops it).
 */
static unsigned int sis_norm_ipv4(struct sis_bridge *sb, u8 dir,
				  struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	const struct iphdr *iph;
	unsigned int len, hlen;

	if (!pskb_may_pull(skb, sizeof(*iph)))
		return NF_ACCEPT;
	iph = ip_hdr(skb);
	if (!ip_is_fragment(iph))
		return NF_ACCEPT;
	switch (READ_ONCE(sb->norm.fragments)) {
	case SIS_FRAGMENTS_PASS:
		return NF_ACCEPT;
	case SIS_FRAGMENTS_DROP:
		atomic64_inc(&sb->norm_stats.frag_dropped);
		return NF_DROP;
	}
	len = ntohs(iph->tot_len);
	hlen = iph->ihl * 4;
	if (iph->version != 4 || hlen < sizeof(*iph) || len < hlen ||
	    len > skb->len || !pskb_may_pull(skb, hlen) ||
	    pskb_trim_rcsum(skb, len))
		return sis_frag_bad(sb);
	return sis_defrag4(sb, dir, skb, state);
}

/*
 * Walk the IPv6 extension headers up to the first that is not one, or up
 * to a fragment header (what follows it is the fragment's payload): that
 * header's type in *@nexthdr, whether other extension headers came before
 * in *@exthdr, the fragment header's offset in *@fhoff (0: none). Returns
 * -1 when the chain cannot be read.
 */
static int sis_ip6_chain(struct sk_buff *skb, u8 *nexthdr, bool *exthdr,
			 unsigned int *fhoff)
{
	unsigned int off = sizeof(struct ipv6hdr);
	u8 nh = ipv6_hdr(skb)->nexthdr;

	*exthdr = false;
	*fhoff = 0;
	while (ipv6_ext_hdr(nh) && nh != NEXTHDR_NONE) {
		struct ipv6_opt_hdr _hdr;
		const struct ipv6_opt_hdr *hp;

		hp = skb_header_pointer(skb, off, sizeof(_hdr), &_hdr);
		if (!hp)
			return -1;
		if (nh == NEXTHDR_FRAGMENT) {
			*fhoff = off;
			nh = hp->nexthdr;
			break;
		}
		*exthdr = true;
		off += nh == NEXTHDR_AUTH ? ipv6_authlen(hp) : ipv6_optlen(hp);
		nh = hp->nexthdr;
	}
	*nexthdr = nh;
	return 0;
}

#if IS_ENABLED(CONFIG_NF_DEFRAG_IPV6)
/* An IPv6 fragment: 0 when @skb is now the whole datagram. */
static unsigned int sis_defrag6(struct sis_bridge *sb, u8 dir,
				struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	char cb[sizeof(skb->cb)];
	int err;

	memcpy(cb, skb->cb, sizeof(cb));
	memset(IP6CB(skb), 0, sizeof(struct inet6_skb_parm));
	err = nf_ct_frag6_gather(state->net, skb,
				 IP6_DEFRAG_CONNTRACK_BRIDGE_IN +
				 SIS_DEFRAG_ZONE(dir));
	if (err == -EINPROGRESS)
		return NF_STOLEN;
	memcpy(skb->cb, cb, sizeof(cb));
	/* Not reassembled (an error, or a fragment it left alone). */
	if (err)
		return sis_frag_bad(sb);
	return NF_ACCEPT;
}
#else
static unsigned int sis_defrag6(struct sis_bridge *sb, u8 dir,
				struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	return sis_frag_bad(sb);	/* no IPv6 reassembly in this kernel */
}
#endif

/* An IPv6 frame: fragments, then extension headers, per the settings. */
static unsigned int sis_norm_ipv6(struct sis_bridge *sb, u8 dir,
				  struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	unsigned int fhoff, verdict, len;
	bool exthdr;
	u8 nexthdr;

	if (!pskb_may_pull(skb, sizeof(struct ipv6hdr)) ||
	    ipv6_hdr(skb)->version != 6 ||
	    !ipv6_ext_hdr(ipv6_hdr(skb)->nexthdr))
		return NF_ACCEPT;
	if (sis_ip6_chain(skb, &nexthdr, &exthdr, &fhoff))
		goto unreadable;
	if (fhoff) {
		switch (READ_ONCE(sb->norm.fragments)) {
		case SIS_FRAGMENTS_PASS:
			return NF_ACCEPT;
		case SIS_FRAGMENTS_DROP:
			atomic64_inc(&sb->norm_stats.frag_dropped);
			return NF_DROP;
		}
		len = ntohs(ipv6_hdr(skb)->payload_len);
		if (!len || sizeof(struct ipv6hdr) + len > skb->len ||
		    pskb_trim_rcsum(skb, sizeof(struct ipv6hdr) + len))
			return sis_frag_bad(sb);
		verdict = sis_defrag6(sb, dir, skb, state);
		if (verdict != NF_ACCEPT)
			return verdict;
		/* The fragment header is gone; a left-alone one is not. */
		if (sis_ip6_chain(skb, &nexthdr, &exthdr, &fhoff) || fhoff)
			return sis_frag_bad(sb);
		atomic64_inc(&sb->norm_stats.reassembled);
		skb->ignore_df = 1;
	}
	if (!exthdr || READ_ONCE(sb->norm.ip6_exthdr) == SIS_UNJUDGED_PASS)
		return NF_ACCEPT;
unreadable:
	atomic64_inc(&sb->norm_stats.ip6_exthdr);
	return NF_DROP;
}

/**
 * sis_norm_frame - make a frame one that can be judged, or drop it
 * @sb: the bridge, which judges (rules or subscriptions)
 * @dir: the frame's direction
 * @skb: the frame, skb->data at the network header
 * @state: the hook's state
 *
 * Return: NF_ACCEPT to judge @skb (possibly now a whole datagram), NF_DROP
 * (counted), or NF_STOLEN (a fragment queued, or freed).
 */
unsigned int sis_norm_frame(struct sis_bridge *sb, u8 dir,
			    struct sk_buff *skb,
			    const struct nf_hook_state *state)
{
	if (skb->protocol == htons(ETH_P_IP))
		return sis_norm_ipv4(sb, dir, skb, state);
	if (skb->protocol == htons(ETH_P_IPV6))
		return sis_norm_ipv6(sb, dir, skb, state);
	return NF_ACCEPT;
}

/* What a fragment needs of its datagram's frame to go out. */
struct sis_frag_out {
	const struct nf_hook_state *state;
	u8 mac[ETH_HLEN];
	char cb[sizeof_field(struct sk_buff, cb)];
	bool vlan;
	__be16 vlan_proto;
	u16 vlan_tci;
};

static void sis_frag_out_save(struct sis_frag_out *o, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	o->state = state;
	o->vlan = skb_vlan_tag_present(skb);
	o->vlan_proto = skb->vlan_proto;
	o->vlan_tci = skb->vlan_tci;
	skb_copy_from_linear_data_offset(skb, -ETH_HLEN, o->mac, ETH_HLEN);
	memcpy(o->cb, skb->cb, sizeof(o->cb));
}

/* Give fragment @skb its datagram's Ethernet header and send it. */
static int sis_frag_out_send(const struct sis_frag_out *o,
			     struct sk_buff *skb)
{
	if (skb_cow_head(skb, ETH_HLEN)) {
		kfree_skb(skb);
		return -ENOMEM;
	}
	if (o->vlan)
		__vlan_hwaccel_put_tag(skb, o->vlan_proto, o->vlan_tci);
	else
		__vlan_hwaccel_clear_tag(skb);
	skb_copy_to_linear_data_offset(skb, -ETH_HLEN, o->mac, ETH_HLEN);
	skb_reset_mac_header(skb);
	memcpy(skb->cb, o->cb, sizeof(o->cb));
	return o->state->okfn(o->state->net, o->state->sk, skb);
}

static int sis_refrag4(struct sk_buff *skb, unsigned int mtu,
		       const struct sis_frag_out *o)
{
	unsigned int hlen = ip_hdr(skb)->ihl * 4;
	struct ip_frag_state st;
	int err;

	if (mtu < hlen + 8)
		return -EINVAL;
	/* No IP options to fix up: IPCB() is the bridge's, not IP's. */
	memset(IPCB(skb), 0, sizeof(struct inet_skb_parm));
	ip_frag_init(skb, hlen, LL_RESERVED_SPACE(skb->dev), mtu - hlen,
		     false, &st);
	while (st.left > 0) {
		struct sk_buff *frag = ip_frag_next(skb, &st);

		if (IS_ERR(frag))
			return PTR_ERR(frag);
		err = sis_frag_out_send(o, frag);
		if (err)
			return err;
	}
	return 0;
}

#if IS_ENABLED(CONFIG_IPV6)
static int sis_refrag6(struct sk_buff *skb, unsigned int mtu,
		       const struct sis_frag_out *o)
{
	struct ip6_frag_state st;
	unsigned int off;
	u8 *prevhdr;
	int hlen, err;

	hlen = ip6_find_1stfragopt(skb, &prevhdr);
	if (hlen < 0)
		return hlen;
	if (mtu < IPV6_MIN_MTU || mtu < hlen + sizeof(struct frag_hdr) + 8)
		return -EINVAL;
	off = prevhdr - skb_network_header(skb);
	memset(IP6CB(skb), 0, sizeof(struct inet6_skb_parm));
	prevhdr = skb_network_header(skb) + off;
	ip6_frag_init(skb, hlen, mtu - hlen - sizeof(struct frag_hdr),
		      skb->dev->needed_tailroom, LL_RESERVED_SPACE(skb->dev),
		      prevhdr, *prevhdr,
		      ipv6_select_ident(dev_net(skb->dev),
					&ipv6_hdr(skb)->daddr,
					&ipv6_hdr(skb)->saddr), &st);
	while (st.left > 0) {
		struct sk_buff *frag = ip6_frag_next(skb, &st);

		if (IS_ERR(frag))
			return PTR_ERR(frag);
		err = sis_frag_out_send(o, frag);
		if (err)
			return err;
	}
	return 0;
}
#endif

/**
 * sis_norm_out_hook - cut reassembled datagrams to the egress MTU
 * @priv: the bridge
 * @skb: a frame leaving by a port, skb->data at the network header
 * @state: its POST_ROUTING state; state->okfn sends a frame
 *
 * Registered at the bridge's POST_ROUTING hook, last. Frames SIS did not
 * reassemble go on untouched; so do datagrams that fit.
 *
 * Return: NF_ACCEPT, or NF_STOLEN once the fragments were sent (or the
 * datagram dropped because it could not be cut).
 */
unsigned int sis_norm_out_hook(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	struct sis_bridge *sb = priv;
	struct sis_frag_out o;
	unsigned int mtu;
	int err = -EPROTONOSUPPORT;

	if (likely(!skb->ignore_df) ||
	    (state->out != sb->host_dev && state->out != sb->net_dev))
		return NF_ACCEPT;
	mtu = READ_ONCE(state->out->mtu);
	if (skb->len <= mtu || skb_is_gso(skb))
		return NF_ACCEPT;

	sis_frag_out_save(&o, skb, state);
	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		goto drop;
	if (skb->protocol == htons(ETH_P_IP))
		err = sis_refrag4(skb, mtu, &o);
#if IS_ENABLED(CONFIG_IPV6)
	else if (skb->protocol == htons(ETH_P_IPV6))
		err = sis_refrag6(skb, mtu, &o);
#endif
	if (err)
		goto drop;
	consume_skb(skb);
	return NF_STOLEN;
drop:
	atomic64_inc(&sb->norm_stats.frag_bad);
	kfree_skb(skb);
	return NF_STOLEN;
}

/**
 * sis_norm_local_hook - frames from the host port to the appliance
 * @priv: the bridge
 * @skb: a frame the bridge delivers to itself
 * @state: its LOCAL_IN state
 *
 * The paper's host may be compromised: what it sends to the appliance's
 * own addresses is not forwarded, so SIS never judges it. Unless the
 * bridge's "local" setting is pass, such frames from the host port are
 * dropped (frames from the network port are the appliance's own business).
 */
unsigned int sis_norm_local_hook(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	struct sis_bridge *sb = priv;

	if (state->in != sb->host_dev ||
	    READ_ONCE(sb->norm.local) == SIS_UNJUDGED_PASS)
		return NF_ACCEPT;
	atomic64_inc(&sb->norm_stats.local);
	return NF_DROP;
}
