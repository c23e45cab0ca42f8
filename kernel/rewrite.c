// SPDX-License-Identifier: GPL-2.0
/* Segments rewritten for a connection's edits (rewrite.h). */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>
#include <net/tcp.h>

#include "bridge.h"
#include "conn.h"
#include "inject.h"
#include "rewrite.h"
#include "seqmap.h"

/* The receiver's MSS when its SYN did not say (RFC 9293 section 3.7.1). */
#define SIS_MSS_DEFAULT	536

/* Change a 32-bit field of the TCP header @th, and its checksum. */
static void sis_rewrite_be32(struct sk_buff *skb, struct tcphdr *th,
			     __be32 *field, u32 val)
{
	__be32 to = htonl(val);

	if (*field == to)
		return;
	inet_proto_csum_replace4(&th->check, skb, *field, to, false);
	*field = to;
}

/* The SACK blocks of the TCP header @th, into the original numbering. */
static void sis_rewrite_sacks(struct sk_buff *skb, struct tcphdr *th,
			      const struct sis_seqmap *m, u32 isn, u64 ref)
{
	unsigned int pos = 0, b;
	u8 *opt;

	while ((opt = sis_tcp_opt_next(th, &pos))) {
		if (opt[0] != TCPOPT_SACK ||
		    opt[1] < TCPOLEN_SACK_BASE + TCPOLEN_SACK_PERBLOCK ||
		    (opt[1] - TCPOLEN_SACK_BASE) % TCPOLEN_SACK_PERBLOCK)
			continue;
		for (b = 2; b < opt[1]; b += TCPOLEN_SACK_PERBLOCK) {
			__be32 *edge = (__be32 *)(opt + b);
			u32 l = get_unaligned_be32(edge);
			u32 r = get_unaligned_be32(edge + 1);
			__be32 old[2], new[2];

			r = sis_seqmap_rev_seq(m, isn, ref, r);
			l = sis_seqmap_rev_left_seq(m, isn, ref, l);
			/* Left empty: a block the receiver discards. */
			if (!before(l, r))
				l = r;
			memcpy(old, edge, sizeof(old));
			new[0] = htonl(l);
			new[1] = htonl(r);
			inet_proto_csum_replace4(&th->check, skb, old[0], new[0],
						 false);
			inet_proto_csum_replace4(&th->check, skb, old[1], new[1],
						 false);
			memcpy(edge, new, sizeof(new));
		}
	}
}

int sis_rewrite_acks(struct sis_conn *c, int d, struct sk_buff *skb,
		     unsigned int th_off, u32 *ack)
{
	const struct sis_stream *st = &c->st[!d];
	const struct sis_seqmap *m = &st->map;
	struct tcphdr *th;

	lockdep_assert_held(&c->lock);

	if (!st->isn_valid || sis_seqmap_identity(m))
		return 0;
	th = (struct tcphdr *)(skb->data + th_off);
	if (!th->ack)
		return 0;
	if (skb_ensure_writable(skb, th_off + th->doff * 4))
		return -ENOMEM;
	th = (struct tcphdr *)(skb->data + th_off);
	*ack = sis_seqmap_rev_seq(m, st->isn, st->rcv_ack, ntohl(th->ack_seq));
	sis_rewrite_be32(skb, th, &th->ack_seq, *ack);
	sis_rewrite_sacks(skb, th, m, st->isn, st->rcv_ack);
	return 0;
}

int sis_rewrite_window(struct sis_conn *c, int d, struct sk_buff *skb,
		       unsigned int th_off)
{
	struct sis_stream *st = &c->st[!d];
	struct sis_tcb *from = &c->tcb[d == SIS_DIR_INDEX_IN ? SIS_TCB_NET :
				       SIS_TCB_HOST];
	struct tcphdr *th = (struct tcphdr *)(skb->data + th_off);
	u32 want, raw;
	__be16 old;

	lockdep_assert_held(&c->lock);

	if (!th->ack || th->syn || st->more <= st->rcv_ack)
		return 0;
	want = min_t(u64, st->more - st->rcv_ack, U32_MAX >> 2);
	raw = min(DIV_ROUND_UP(want, 1U << from->wscale), 0xffffU);
	if (raw <= ntohs(th->window))
		return 0;
	if (skb_ensure_writable(skb, th_off + sizeof(*th)))
		return -ENOMEM;
	th = (struct tcphdr *)(skb->data + th_off);
	old = th->window;
	th->window = htons(raw);
	inet_proto_csum_replace2(&th->check, skb, old, th->window, false);
	from->last_win = raw << from->wscale;
	from->max_win = max(from->max_win, from->last_win);
	return 0;
}

/* Copy @len bytes of @from at @from_off into @to's frags, at @to_off. */
static int sis_rewrite_copy(struct sk_buff *to, unsigned int to_off,
			    const struct sk_buff *from, unsigned int from_off,
			    unsigned int len)
{
	unsigned int pos = skb_headlen(to), i;

	for (i = 0; i < skb_shinfo(to)->nr_frags && len; i++) {
		skb_frag_t *f = &skb_shinfo(to)->frags[i];
		unsigned int size = skb_frag_size(f), at, n;

		if (to_off < pos + size) {
			at = to_off - pos;
			n = min(len, size - at);
			if (skb_copy_bits(from, from_off,
					  skb_frag_address(f) + at, n))
				return -EFAULT;
			from_off += n;
			to_off += n;
			len -= n;
		}
		pos += size;
	}
	return len ? -EFAULT : 0;
}

/* The payload a frame of @dev carries to the receiver of direction @d. */
static unsigned int sis_rewrite_mss(const struct sis_conn *c, int d,
				    const struct net_device *dev,
				    unsigned int nhlen, unsigned int thlen)
{
	const struct sis_tcb *to = &c->tcb[d == SIS_DIR_INDEX_IN ?
					   SIS_TCB_HOST : SIS_TCB_NET];
	unsigned int mss = to->mss ?: SIS_MSS_DEFAULT;
	unsigned int opts = thlen - sizeof(struct tcphdr);

	/* The MSS is of a segment without options (RFC 6691). */
	mss = mss > opts + 64 ? mss - opts : 64;
	if (dev && dev->mtu > nhlen + thlen + 64)
		mss = min(mss, dev->mtu - nhlen - thlen);
	return mss;
}

/* Build the segment again, from its headers and its bytes' pieces. */
static enum sis_rewrite sis_rewrite_build(struct sis_conn *c, int d,
					  struct sk_buff *skb,
					  unsigned int th_off,
					  unsigned int data_off, u64 start,
					  unsigned int len,
					  const struct net_device *dev,
					  struct sk_buff **out)
{
	const struct sis_stream *st = &c->st[d];
	const struct sis_seqmap *m = &st->map;
	unsigned int mac_len = skb->data - skb_mac_header(skb);
	unsigned int thlen = data_off - th_off, max, mss, pos, cur = 0;
	bool v6 = c->key.family == AF_INET6, syn, fin;
	struct sis_seqmap_piece p;
	const struct tcphdr *oth;
	struct sk_buff *n;
	struct tcphdr *th;
	u64 dlen;
	u32 seq;
	int err;

	oth = (const struct tcphdr *)(skb->data + th_off);
	syn = oth->syn;
	fin = oth->fin;
	dlen = sis_seqmap_fwd(m, start + len) - sis_seqmap_fwd(m, start);
	/* Its ACK is the receiver's next one's; an RST must go. */
	if (!dlen && !fin && !syn && !oth->rst)
		return SIS_REWRITE_EMPTY;
	mss = sis_rewrite_mss(c, d, dev, th_off, thlen);
	/*
	 * What the IP header's length field can say; a SYN in one segment
	 * (GSO would copy it into each): the sender sends the rest again.
	 */
	max = 0xffff - thlen - (v6 ? th_off - sizeof(struct ipv6hdr) : th_off);
	if (syn)
		max = min(max, mss);
	if (dlen > max) {
		dlen = max;
		fin = false;
	}
	n = alloc_skb_with_frags(LL_MAX_HEADER + mac_len + data_off, dlen,
				 PAGE_ALLOC_COSTLY_ORDER, &err, GFP_ATOMIC);
	if (!n)
		return SIS_REWRITE_FAILED;
	skb_copy_header(n, skb);
	skb_reserve(n, LL_MAX_HEADER);
	skb_put_data(n, skb_mac_header(skb), mac_len + data_off);
	n->len += dlen;
	n->data_len = dlen;
	__skb_pull(n, mac_len);
	skb_reset_network_header(n);
	skb_set_mac_header(n, -(int)mac_len);
	skb_set_transport_header(n, th_off);

	pos = data_off;
	while (pos - data_off < dlen &&
	       sis_seqmap_next(m, start, start + len, &cur, &p)) {
		unsigned int k = min_t(u64, p.len, dlen - (pos - data_off));

		if (p.data)
			err = skb_store_bits(n, pos, sis_inject_data(p.data),
					     k);
		else
			err = sis_rewrite_copy(n, pos, skb,
					       data_off + (p.off - start), k);
		if (err) {
			kfree_skb(n);
			return SIS_REWRITE_FAILED;
		}
		pos += k;
	}
	if (WARN_ON_ONCE(pos - data_off != dlen)) {
		kfree_skb(n);
		return SIS_REWRITE_FAILED;
	}

	th = tcp_hdr(n);
	seq = syn ? ntohl(oth->seq) :
		    st->isn + 1 + (u32)sis_seqmap_fwd(m, start);
	th->seq = htonl(seq);
	if (!fin) {
		th->fin = 0;
		if (oth->fin)
			th->psh = 0;
	}
	if (v6) {
		struct ipv6hdr *ip6h = ipv6_hdr(n);

		ip6h->payload_len = htons(th_off - sizeof(*ip6h) + thlen + dlen);
		th->check = ~tcp_v6_check(thlen + dlen, &ip6h->saddr,
					  &ip6h->daddr, 0);
	} else {
		struct iphdr *iph = ip_hdr(n);

		iph->tot_len = htons(th_off + thlen + dlen);
		ip_send_check(iph);
		th->check = ~tcp_v4_check(thlen + dlen, iph->saddr,
					  iph->daddr, 0);
	}
	n->encapsulation = 0;
	n->ip_summed = CHECKSUM_PARTIAL;
	n->csum_start = skb_transport_header(n) - n->head;
	n->csum_offset = offsetof(struct tcphdr, check);
	if (dlen > mss) {
		skb_shinfo(n)->gso_size = mss;
		skb_shinfo(n)->gso_type = v6 ? SKB_GSO_TCPV6 : SKB_GSO_TCPV4;
		skb_shinfo(n)->gso_segs = DIV_ROUND_UP(dlen, mss);
	} else {
		skb_shinfo(n)->gso_size = 0;
		skb_shinfo(n)->gso_type = 0;
		skb_shinfo(n)->gso_segs = 0;
	}
	*out = n;
	return SIS_REWRITE_BUILT;
}

enum sis_rewrite sis_rewrite_seg(struct sis_conn *c, int d,
				 struct sk_buff *skb, unsigned int th_off,
				 unsigned int data_off, u64 start,
				 unsigned int len,
				 const struct net_device *out_dev,
				 struct sk_buff **out)
{
	const struct sis_stream *st = &c->st[d];
	const struct sis_seqmap *m = &st->map;
	struct tcphdr *th;
	u32 seq;

	lockdep_assert_held(&c->lock);

	if (!st->isn_valid || sis_seqmap_identity(m))
		return SIS_REWRITE_SAME;
	if (!sis_seqmap_plain(m, start, start + len))
		return sis_rewrite_build(c, d, skb, th_off, data_off, start,
					 len, out_dev, out);
	th = (struct tcphdr *)(skb->data + th_off);
	if (th->syn)
		return SIS_REWRITE_SAME;	/* its data is at offset 0 */
	seq = st->isn + 1 + (u32)sis_seqmap_fwd(m, start);
	if (seq == ntohl(th->seq))
		return SIS_REWRITE_SAME;
	if (skb_ensure_writable(skb, th_off + sizeof(*th)))
		return SIS_REWRITE_FAILED;
	th = (struct tcphdr *)(skb->data + th_off);
	sis_rewrite_be32(skb, th, &th->seq, seq);
	return SIS_REWRITE_RENUMBERED;
}
