// SPDX-License-Identifier: GPL-2.0
/*
 * The stream datapath (paper section 4.3): every TCP segment between the
 * ports of a bridge with stream subscriptions comes here from the hook. A
 * first SYN that a stream subscription covers creates a connection; the
 * segments of a tracked connection go through its shadow TCBs and into
 * its streams (stream.h), where they are judged once, in order, then held
 * until passed or forwarded.
 *
 * Runs under RCU with bottom halves disabled. The connection's lock is
 * held while a segment is applied; frames it releases are handed on after
 * (watch.c, sis_conn_emit()).
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <net/ipv6.h>
#include <net/tcp.h>
#include <kunit/visibility.h>

#include "bridge.h"
#include "absent.h"
#include "conn.h"
#include "custody.h"
#include "dupack.h"
#include "held.h"
#include "rewrite.h"
#include "scanner.h"
#include "subscription.h"
#include "tcp_seq.h"

/* A TCP segment as the engine needs it. */
struct sis_pkt {
	struct sis_conn_key key;
	struct sis_tcp_seg seg;
	unsigned int th_off;		/* TCP header, from skb->data */
	unsigned int ts_off;		/* its TSval, 0: none */
	unsigned int data_off;		/* payload, from skb->data */
	bool ports;			/* key's ports read */
};

/*
 * Where the TSval that sis_tcp_parse() read is in a TCP header, or 0: that
 * of the last well-formed timestamp option before parsing stops.
 */
static unsigned int sis_tcp_ts_off(const struct tcphdr *th)
{
	unsigned int pos = 0, ts = 0;
	const u8 *opt;

	while ((opt = sis_tcp_opt_next(th, &pos)))
		if (opt[0] == TCPOPT_TIMESTAMP && opt[1] == TCPOLEN_TIMESTAMP)
			ts = opt + 2 - (const u8 *)th;
	return ts;
}

static bool sis_pkt_csum_ok(struct sk_buff *skb, unsigned int thoff, u8 pf)
{
	if (skb->ip_summed == CHECKSUM_PARTIAL || skb_csum_unnecessary(skb))
		return true;
	return !nf_checksum(skb, NF_INET_PRE_ROUTING, thoff, IPPROTO_TCP, pf);
}

/* What a frame is to the engine. */
enum sis_pkt_kind {
	SIS_PKT_OTHER,		/* not TCP: not the engine's */
	SIS_PKT_TCP,		/* a segment, in the struct sis_pkt */
	SIS_PKT_CHAFF,		/* a bad checksum: the receiver drops it */
	SIS_PKT_MALFORMED,	/* TCP the engine cannot read */
};

/*
 * Trim what follows the IP datagram (Ethernet padding, trailing bytes), as
 * the receiver does (ip_rcv_core(), ipv6_rcv()): the checksum and the
 * stream then cover exactly what it will read. @len: the datagram's length.
 */
static bool sis_pkt_trim(struct sk_buff *skb, unsigned int len)
{
	if (skb->len <= len || skb_is_gso(skb))
		return true;
	return !pskb_trim_rcsum(skb, len);
}

/* The ports of the TCP header at @thoff, whose first 4 bytes are linear. */
static void sis_pkt_ports(const struct sk_buff *skb, u8 dir,
			  unsigned int thoff, struct sis_pkt *p)
{
	const struct tcphdr *th = (const struct tcphdr *)(skb->data + thoff);

	p->key.host_port = dir == SIS_DIR_OUT ? th->source : th->dest;
	p->key.net_port = dir == SIS_DIR_OUT ? th->dest : th->source;
	p->ports = true;
}

/*
 * Read the TCP segment of an IPv4 or IPv6 frame (skb->data at the network
 * header), trimming the frame to its IP datagram.
 *
 * SIS_PKT_MALFORMED is TCP, by its protocol number, that the engine cannot
 * judge: truncated, a bad IP header, length or data offset, an IPv6
 * extension header chain that cannot be walked, or a fragment. The
 * receiver drops all of these but fragments. p->ports says whether the
 * ports of p->key could be read.
 */
static enum sis_pkt_kind sis_pkt_parse(struct sk_buff *skb, u8 dir,
				       struct sis_pkt *p)
{
	unsigned int thoff, tlen, doff;
	const struct tcphdr *th;
	u8 pf;

	memset(&p->key, 0, sizeof(p->key));
	p->ports = false;
	if (skb->protocol == htons(ETH_P_IP)) {
		const struct iphdr *iph;
		unsigned int tot;

		if (!pskb_may_pull(skb, sizeof(*iph)))
			return SIS_PKT_OTHER;	/* the receiver drops it */
		iph = (const struct iphdr *)skb->data;
		if (iph->protocol != IPPROTO_TCP)
			return SIS_PKT_OTHER;
		if (iph->version != 4 || iph->ihl < 5 || ip_is_fragment(iph))
			return SIS_PKT_MALFORMED;
		thoff = iph->ihl * 4;
		tot = ntohs(iph->tot_len);
		if (!tot && skb_is_gso(skb))
			tot = skb->len;		/* BIG TCP */
		if (tot < thoff || tot > skb->len || !sis_pkt_trim(skb, tot))
			return SIS_PKT_MALFORMED;
		iph = (const struct iphdr *)skb->data;
		tlen = tot - thoff;
		ipv6_addr_set_v4mapped(iph->saddr, dir == SIS_DIR_OUT ?
				       &p->key.host_addr : &p->key.net_addr);
		ipv6_addr_set_v4mapped(iph->daddr, dir == SIS_DIR_OUT ?
				       &p->key.net_addr : &p->key.host_addr);
		p->key.family = AF_INET;
		pf = NFPROTO_IPV4;
	} else if (skb->protocol == htons(ETH_P_IPV6)) {
		const struct ipv6hdr *ip6h;
		unsigned int end;
		__be16 frag_off;
		u8 nexthdr;
		int off;

		if (!pskb_may_pull(skb, sizeof(*ip6h)))
			return SIS_PKT_OTHER;
		ip6h = (const struct ipv6hdr *)skb->data;
		if (ip6h->version != 6)
			return SIS_PKT_OTHER;
		nexthdr = ip6h->nexthdr;
		off = ipv6_skip_exthdr(skb, sizeof(*ip6h), &nexthdr, &frag_off);
		if (off < 0)
			return SIS_PKT_MALFORMED;	/* may hide TCP */
		if (nexthdr != IPPROTO_TCP)
			return SIS_PKT_OTHER;
		if (frag_off)
			return SIS_PKT_MALFORMED;
		ip6h = (const struct ipv6hdr *)skb->data;
		tlen = ntohs(ip6h->payload_len);
		if (!tlen && skb_is_gso(skb))
			tlen = skb->len - sizeof(*ip6h);
		end = sizeof(*ip6h) + tlen;
		thoff = off;
		if (end > skb->len || thoff > end || !sis_pkt_trim(skb, end))
			return SIS_PKT_MALFORMED;
		ip6h = (const struct ipv6hdr *)skb->data;
		p->key.host_addr = dir == SIS_DIR_OUT ? ip6h->saddr :
							ip6h->daddr;
		p->key.net_addr = dir == SIS_DIR_OUT ? ip6h->daddr :
						       ip6h->saddr;
		tlen = end - thoff;
		p->key.family = AF_INET6;
		pf = NFPROTO_IPV6;
	} else {
		return SIS_PKT_OTHER;
	}
	if (tlen < 4 || !pskb_may_pull(skb, thoff + 4))
		return SIS_PKT_MALFORMED;
	sis_pkt_ports(skb, dir, thoff, p);
	if (tlen < sizeof(*th) || !pskb_may_pull(skb, thoff + sizeof(*th)))
		return SIS_PKT_MALFORMED;
	th = (const struct tcphdr *)(skb->data + thoff);
	doff = th->doff * 4;
	if (doff < sizeof(*th) || doff > tlen ||
	    !pskb_may_pull(skb, thoff + doff))
		return SIS_PKT_MALFORMED;
	th = (const struct tcphdr *)(skb->data + thoff);
	if (sis_tcp_parse(th, tlen - doff, &p->seg))
		return SIS_PKT_MALFORMED;
	p->th_off = thoff;
	p->ts_off = 0;
	if (p->seg.opts & SIS_OPT_TS) {
		unsigned int off = sis_tcp_ts_off(th);

		p->ts_off = off ? thoff + off : 0;
	}
	p->data_off = thoff + doff;
	/* Chaff with a bad checksum never reaches the receiver's stream. */
	return sis_pkt_csum_ok(skb, thoff, pf) ? SIS_PKT_TCP : SIS_PKT_CHAFF;
}

/* A scanner's subscription that covers a new connection. */
struct sis_match {
	struct sis_scanner *sc;
	struct sis_sub *sub;
};

/*
 * Which scanners watch a new connection, into @m (SIS_CONN_WATCH_MAX at
 * most). Returns how many; *fail_closed says whether one that would
 * contain it fails closed.
 */
static unsigned int sis_conn_match(struct sis_bridge *sb,
				   const struct sis_conn_key *key,
				   struct sk_buff *skb, struct sis_match *m,
				   bool *fail_closed)
{
	unsigned int mac_len = skb->data - skb_mac_header(skb);
	struct sis_scanner *sc;
	unsigned int n = 0;

	*fail_closed = false;
	__skb_push(skb, mac_len);
	list_for_each_entry_rcu(sc, &sb->scanners, list) {
		struct sis_sub *sub = sis_sub_stream_match(sc, key, skb);

		if (!sub)
			continue;
		if ((sub->rights & SIS_RIGHT_CONTAIN) &&
		    sc->conf.fail == SIS_FAIL_CLOSED)
			*fail_closed = true;
		if (n == SIS_CONN_WATCH_MAX)
			continue;
		m[n].sc = sc;
		m[n++].sub = sub;
		sis_count_frame(sub->stats, skb->len, false);
		sis_count_frame(sub->cap->stats, skb->len, false);
	}
	__skb_pull(skb, mac_len);
	return n;
}

/* The watchers of a new connection, from what matched its SYN. */
static void sis_conn_watch_init(struct sis_conn *c, const struct sis_match *m,
				unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct sis_watch *w = &c->watch[i];

		w->sc = m[i].sc;
		w->sub = m[i].sub;
		w->lost[0] = READ_ONCE(w->sc->stream_lost);
		w->lost[1] = w->lost[0];
		w->cover = w->sub->cap->dir;
		w->dirs = w->cover;
		w->contain = w->sub->rights & SIS_RIGHT_CONTAIN ? w->dirs : 0;
	}
	c->n_watch = n;
}

/* Is some stream subscription interested in these ports (mid-stream)? */
static bool sis_conn_wanted(struct sis_bridge *sb,
			    const struct sis_conn_key *key)
{
	struct sis_scanner *sc;

	list_for_each_entry_rcu(sc, &sb->scanners, list)
		if (sis_sub_stream_match(sc, key, NULL))
			return true;
	return false;
}

/*
 * A segment of a connection not seen from its first SYN: its bytes cannot
 * be reassembled. Forwarded and counted, unless a subscription that would
 * contain it says drop (its capability's SIS_CAP_A_MIDSTREAM); an RST
 * still goes by, so that the ends can give up.
 */
static unsigned int sis_conn_midstream(struct sis_bridge *sb,
				       const struct sis_pkt *p)
{
	struct sis_conn_stats *stats = &sb->conns.stats;
	struct sis_scanner *sc;
	bool wanted = false;

	list_for_each_entry_rcu(sc, &sb->scanners, list) {
		const struct sis_sub *sub = sis_sub_stream_match(sc, &p->key, NULL);

		if (!sub)
			continue;
		wanted = true;
		if ((sub->rights & SIS_RIGHT_CONTAIN) &&
		    sub->cap->midstream == SIS_UNJUDGED_DROP &&
		    !(p->seg.flags & TCPHDR_RST)) {
			atomic64_inc(&stats->midstream_dropped);
			return NF_DROP;
		}
	}
	if (wanted)
		atomic64_inc(&stats->midstream);
	return NF_ACCEPT;
}

/* A first SYN: a new connection if a stream subscription covers it. */
static unsigned int sis_conn_new(struct sis_bridge *sb, u8 dir,
				 struct sk_buff *skb, struct sis_pkt *p,
				 struct sis_conn **cp)
{
	struct sis_match m[SIS_CONN_WATCH_MAX];
	struct sis_conns *cs = &sb->conns;
	bool fail_closed = false;
	struct sis_conn *c;
	unsigned int n;
	int d, err;

	*cp = NULL;
	n = sis_conn_match(sb, &p->key, skb, m, &fail_closed);
	if (!n)
		return NF_ACCEPT;
	c = sis_conn_alloc(&p->key, n);
	if (!c)
		goto untracked;
	sis_conn_watch_init(c, m, n);
	c->initiator = dir;
	sis_tcb_init_syn(&c->tcb[dir == SIS_DIR_OUT ? SIS_TCB_HOST :
				 SIS_TCB_NET],
			 &c->tcb[dir == SIS_DIR_OUT ? SIS_TCB_NET :
				 SIS_TCB_HOST], &p->seg);
	d = sis_dir_to_index(dir);
	c->st[d].isn = p->seg.seq;
	c->st[d].isn_valid = true;
	for (d = 0; d < SIS_STREAM_DIRS; d++)
		sis_conn_set_passed(c, d);
	err = sis_conn_insert(sb, c);
	if (!err) {
		*cp = c;
		return NF_ACCEPT;
	}
	sis_conn_free(c);
	if (err == -EEXIST)
		/* Another CPU's: a SYN retransmitted; its data goes again. */
		return p->seg.len ? NF_DROP : NF_ACCEPT;
untracked:
	atomic64_inc(&cs->stats.untracked);
	if (!fail_closed)
		return NF_ACCEPT;
	atomic64_inc(&cs->stats.dropped);
	return NF_DROP;
}

/* Does some watcher's capability cover direction @d? */
static bool sis_conn_covers(const struct sis_conn *c, int d)
{
	unsigned int i;

	for (i = 0; i < c->n_watch; i++)
		if (c->watch[i].cover & BIT(d))
			return true;
	return false;
}

/* Would @len more bytes put a containing scanner over its max-bytes? */
static bool sis_conn_over_owed(const struct sis_conn *c, int d,
			       unsigned int len)
{
	unsigned int i;

	for (i = 0; i < c->n_watch; i++) {
		const struct sis_watch *w = &c->watch[i];

		if ((w->contain & BIT(d)) &&
		    atomic64_read(&w->sc->stream_owed) + len >
		    w->sc->conf.max_bytes)
			return true;
	}
	return false;
}

/* The offset of sequence number @seq in stream @st, if it has one. */
static bool sis_stream_off(const struct sis_stream *st, u32 seq, u64 *off)
{
	return sis_seq_off(seq, st->isn + 1 + (u32)st->seen, st->seen, off);
}

/*
 * Let go of the kept segments the receiver has and every watcher was
 * given: a reading watcher may lag behind (its socket full) by up to the
 * connection's byte limit without delaying anything.
 */
static void sis_conn_trim(struct sis_conn *c, int d, struct list_head *done)
{
	struct sis_stream *st = &c->st[d];
	u64 ack = st->rcv_ack;
	unsigned int i;

	for (i = 0; i < c->n_watch; i++)
		if (c->watch[i].dirs & BIT(d))
			ack = min(ack, c->watch[i].delivered[d]);
	sis_stream_ack(st, ack, done);
}

/* An acknowledgment from the receiver of stream @st. */
static void sis_conn_ack(struct sis_conn *c, int d, u32 ack,
			 struct list_head *done)
{
	struct sis_stream *st = &c->st[d];
	u64 off;

	if (!st->isn_valid || !sis_stream_off(st, ack, &off))
		return;
	/*
	 * Never past what was forwarded: a forged ACK must not make bytes
	 * not yet judged look received (nor a FIN's sequence number count).
	 */
	st->rcv_ack = max(st->rcv_ack, min3(off, st->top, st->passed));
	sis_conn_trim(c, d, done);
	sis_conn_forget_edits(c, d);
}

/*
 * A read-only direction over its limits: the watchers that lag lose it
 * (they are told: SIS_STREAM_END_LIMIT), which lets go of what the
 * receiver has; if that is not enough, the direction is not reassembled
 * any more. Nothing is delayed for a reading watcher. Returns whether a
 * segment of @len bytes, pinning @mem, may now be kept.
 */
static bool sis_conn_make_room(struct sis_bridge *sb, struct sis_conn *c,
			       int d, unsigned int len, u32 mem,
			       struct list_head *done)
{
	const struct sis_conn_limits *lim = &sb->conns.limits;
	struct sis_stream *st = &c->st[d];
	unsigned int i;

	for (i = 0; i < c->n_watch; i++) {
		struct sis_watch *w = &c->watch[i];

		if ((w->dirs & BIT(d)) && w->delivered[d] < st->seen)
			sis_watch_fail(c, w, d);
	}
	sis_conn_trim(c, d, done);
	if (st->n_segs < READ_ONCE(lim->conn_segs) &&
	    st->kept_bytes + len <= READ_ONCE(lim->conn_bytes) &&
	    !sis_conns_over_memory(&sb->conns, mem))
		return true;
	for (i = 0; i < c->n_watch; i++)
		sis_watch_fail(c, &c->watch[i], d);
	st->broken = true;
	sis_stream_flush(st, done);
	return false;
}

/*
 * Room for @len bytes that fill the hole of contained stream @d, made by
 * letting go of what is held past it, the last first: whether it
 * fits now, in the stream's bounds and the bridge's memory.
 */
static bool sis_conn_prune(struct sis_bridge *sb, struct sis_conn *c, int d,
			   unsigned int len, u32 mem, struct list_head *done)
{
	const struct sis_conn_limits *lim = &sb->conns.limits;
	struct sis_stream *st = &c->st[d];
	unsigned int n = 0;
	bool fits;

	if (sis_conn_over_owed(c, d, len))
		return false;	/* owed for bytes delivered: prune frees none */
	/* What is let go is freed once unlocked; memory counts it gone. */
	for (;;) {
		fits = st->n_segs < READ_ONCE(lim->conn_segs) &&
		       st->kept_bytes + len <= READ_ONCE(lim->conn_bytes) &&
		       !sis_conns_over_memory(&sb->conns, mem);
		if (fits || !sis_stream_prune_last(st, done))
			break;
		n++;
	}
	atomic64_add(n, &sb->conns.stats.pruned);
	return fits;
}

/*
 * The payload of a segment of stream d: judged, held or forwarded, or
 * dropped. Returns the hook's verdict for it.
 */
static unsigned int sis_conn_payload(struct sis_bridge *sb,
				     struct sis_conn *c, int d,
				     struct sk_buff *skb,
				     const struct nf_hook_state *state,
				     const struct sis_pkt *p, u64 start,
				     struct list_head *done,
				     struct list_head *emit,
				     struct sk_buff_head *acks)
{
	const struct sis_conn_limits *lim = &sb->conns.limits;
	struct sis_conn_stats *stats = &sb->conns.stats;
	struct sis_stream *st = &c->st[d];
	unsigned int len = p->seg.len;
	u64 end = start + len, seen;
	u32 mem = sis_seg_mem(skb);
	struct sis_seg *seg;
	bool hold, over_mem;

	if (st->cut)
		return NF_DROP;
	if (st->broken || end <= st->rcv_ack)
		return NF_ACCEPT;	/* the receiver has all of it */
	if (!sis_stream_consistent(st, start, skb, p->data_off, len)) {
		atomic64_inc(&stats->inconsistent);
		return NF_DROP;
	}
	if (sis_stream_covered(st, start, end))
		/* A copy: forwarded if passed, else its original will go. */
		return end <= st->passed ? NF_ACCEPT : NF_DROP;
	over_mem = sis_conns_over_memory(&sb->conns, mem);
	if (over_mem || st->n_segs >= READ_ONCE(lim->conn_segs) ||
	    st->kept_bytes + len > READ_ONCE(lim->conn_bytes) ||
	    sis_conn_over_owed(c, d, len)) {
		/*
		 * Bytes that fill the hole before those held past it are
		 * what lets the direction move: room is made for them.
		 */
		if (st->contain && start <= st->seen &&
		    sis_conn_prune(sb, c, d, len, mem, done))
			goto room;
		atomic64_inc(over_mem ? &stats->overmemory : &stats->overlimit);
		/* Held back for containers; TCP sends it again. */
		if (st->contain) {
			/* Unless a scanner waits for it: its fail policy. */
			sis_conn_custody_over(sb, c, d, start, done, emit);
			return NF_DROP;
		}
		if (!sis_conn_make_room(sb, c, d, len, mem, done))
			return NF_ACCEPT;
	}
room:
	seg = kmalloc(sizeof(*seg), GFP_ATOMIC);
	if (!seg)
		return st->contain ? NF_DROP : NF_ACCEPT;
	hold = end > st->passed;
	seg->start = start;
	seg->end = end;
	seg->data_off = p->data_off;
	seg->th_off = p->th_off;
	seg->ts_off = p->ts_off;
	seg->tsval = p->seg.tsval;
	seg->mem = mem;
	seg->held = NULL;
	seg->drop = false;
	if (hold) {
		seg->held = sis_held_new(skb, state, &sb->hook_ops,
					 sb->stats + d, sis_index_to_dir(d), 0);
		if (!seg->held) {
			kfree(seg);
			return NF_DROP;
		}
		seg->skb = skb;
	} else {
		seg->skb = skb_clone(skb, GFP_ATOMIC);
		if (!seg->skb) {
			kfree(seg);
			return NF_ACCEPT;	/* uncompared; counted nowhere */
		}
	}
	sis_stream_insert(st, seg);
	seen = sis_stream_contiguous_after(st, seg);
	/* The watchers get the new bytes when the segment is done with. */
	st->seen = max(st->seen, seen);
	/* Held past a hole: the receiver would say so, and cannot. */
	if (hold && st->contain && start > st->seen)
		sis_conn_dupack(sb, c, d, seg, acks);
	/* A scanner asked for more than its sender has in flight: custody. */
	else if (st->more > st->custody)
		sis_conn_custody_ack(sb, c, d, acks);
	/* More than the bounds let come: its fail policy, not a stall. */
	if (st->want > st->seen)
		sis_conn_custody_bound(sb, c, d, done, emit);
	/* The held frame may already be on @emit: the hook is not its owner. */
	return hold ? NF_STOLEN : NF_ACCEPT;
}

/* A segment of a tracked connection, under its lock. */
static unsigned int sis_conn_segment(struct sis_bridge *sb, struct sis_conn *c,
				     u8 dir, struct sk_buff *skb,
				     const struct nf_hook_state *state,
				     const struct sis_pkt *p,
				     struct list_head *done,
				     struct list_head *emit,
				     struct sk_buff_head *acks)
{
	struct sis_conn_stats *stats = &sb->conns.stats;
	const struct sis_tcp_seg *seg = &p->seg;
	int d = sis_dir_to_index(dir), o = !d;
	unsigned int verdict = NF_ACCEPT;
	struct sis_stream *st = &c->st[d];
	struct sis_tcb *from, *to;
	enum sis_tcb_why why;
	bool stale_fin;
	u64 start;

	from = &c->tcb[dir == SIS_DIR_OUT ? SIS_TCB_HOST : SIS_TCB_NET];
	to = &c->tcb[dir == SIS_DIR_OUT ? SIS_TCB_NET : SIS_TCB_HOST];
	c->last = jiffies;

	/*
	 * Urgent data: Linux takes the byte at the urgent pointer out of the
	 * stream the application reads, or leaves it in, by state the wire
	 * does not show (when the application read, RCV.NXT, tcp_stdurg,
	 * SO_OOBINLINE). On a covered direction the receiver never sees an
	 * urgent pointer: it reads every byte, as the scanners do.
	 */
	if ((seg->flags & TCPHDR_URG) && sis_conn_covers(c, d)) {
		atomic64_inc(&stats->urgent);
		if (sis_tcp_clear_urg(skb, p->th_off))
			return NF_DROP;
	}

	switch (sis_tcb_segment(from, to, seg, &why)) {
	case SIS_TCB_INVALID:
		atomic64_inc(&stats->invalid);
		atomic64_inc(&stats->invalid_why[why]);
		/*
		 * Never reassembled; neither its bytes nor its FIN (which the
		 * receiver may take if it lags) go to a contained stream.
		 */
		return (seg->len || (seg->flags & TCPHDR_FIN)) && st->contain ?
		       NF_DROP : NF_ACCEPT;
	case SIS_TCB_UNSURE:
		/* What it does to the receiver is unknown: it never gets it. */
		atomic64_inc(&stats->ambiguous);
		return NF_DROP;
	case SIS_TCB_RESET_MAYBE:
		return NF_ACCEPT;
	case SIS_TCB_RESET:
		atomic64_inc(&stats->resets);
		c->closing = true;
		sis_conn_end(c, SIS_DIR_ANY, SIS_STREAM_END_RST);
		return NF_ACCEPT;
	default:
		break;
	}
	/* Where an RST to this receiver would go (reset.h). */
	sis_conn_l2_note(&c->l2[d], skb);
	if ((seg->flags & TCPHDR_SYN) && !st->isn_valid) {
		st->isn = seg->seq;
		st->isn_valid = true;
	}
	if (sis_tcb_established(&c->tcb[SIS_TCB_HOST], &c->tcb[SIS_TCB_NET]))
		c->open = true;
	if (seg->flags & TCPHDR_ACK)
		sis_conn_ack(c, o, seg->ack, done);
	if (!st->isn_valid)
		return NF_ACCEPT;
	if (!sis_stream_off(st, seg->seq + !!(seg->flags & TCPHDR_SYN),
			    &start))
		return NF_ACCEPT;	/* before the stream: old, harmless */
	/* Nothing past SIS's custody ACK: SIS answers, its receiver cannot. */
	if (!(seg->flags & (TCPHDR_SYN | TCPHDR_RST)) &&
	    st->custody > st->rcv_ack &&
	    start + max_t(u32, seg->len, 1) <= st->custody)
		sis_conn_custody_reack(sb, c, d, acks);
	/*
	 * A FIN before bytes its sender already sent (tcb.h): the receiver
	 * drops it once it has them, which is certain only below what it
	 * acknowledged. Until then it could end the receiver's stream short
	 * of bytes judged: it goes nowhere near a contained one.
	 */
	stale_fin = sis_tcb_fin_stale(from, seg);
	if (stale_fin && st->contain && start + seg->len >= st->rcv_ack) {
		atomic64_inc(&stats->inconsistent);
		return NF_DROP;
	}
	if (seg->len) {
		c->open = true;
		verdict = sis_conn_payload(sb, c, d, skb, state, p, start,
					   done, emit, acks);
		if (verdict == NF_DROP)
			return verdict;
	}
	if ((seg->flags & TCPHDR_FIN) && !stale_fin && !st->fin_seen) {
		st->fin_seen = true;
		st->fin = start + seg->len;
	}
	if (st->fin_seen && st->seen >= st->fin)
		sis_conn_end(c, BIT(d), SIS_STREAM_END_FIN);
	if (sis_tcb_done(&c->tcb[SIS_TCB_HOST], &c->tcb[SIS_TCB_NET]))
		c->closing = true;
	return verdict;
}

/*
 * TCP the engine cannot read. The receiver drops it (but a fragment), so
 * dropping it changes nothing for the connection; forwarding it would let
 * bytes past a containing scanner. Uncovered ports keep it going; when the
 * ports cannot be read, the segment may be covered: dropped.
 */
static unsigned int sis_conn_malformed(struct sis_bridge *sb,
				       const struct sis_pkt *p)
{
	if (p->ports && !sis_conn_lookup(sb, &p->key) &&
	    !sis_conn_wanted(sb, &p->key) &&
	    !(atomic_read(&sb->n_absent_stream) &&
	      sis_absent_stream(sb, &p->key, NULL)))
		return NF_ACCEPT;
	atomic64_inc(&sb->conns.stats.malformed);
	return NF_DROP;
}

/*
 * A segment of direction @d going on, with the connection's edits
 * (rewrite.h): renumbered in place, or built again and handed on after
 * the lock is let go, on @emit, as held segments are. Returns the hook's
 * verdict. Locked.
 */
static unsigned int sis_conn_forward(struct sis_bridge *sb, struct sis_conn *c,
				     u8 dir, struct sk_buff *skb,
				     const struct nf_hook_state *state,
				     const struct sis_pkt *p,
				     struct list_head *emit,
				     struct sk_buff_head *acks)
{
	int d = sis_dir_to_index(dir);
	struct sis_stream *st = &c->st[d];
	struct sk_buff *n = NULL;
	struct sis_held *h;
	struct sis_seg *seg;
	u64 start;

	if (sis_seqmap_identity(&st->map) || !st->isn_valid ||
	    !sis_stream_off(st, p->seg.seq + !!(p->seg.flags & TCPHDR_SYN),
			    &start))
		return NF_ACCEPT;
	switch (sis_rewrite_seg(c, d, skb, p->th_off, p->data_off, start,
				p->seg.len, state->out, &n)) {
	case SIS_REWRITE_SAME:
		return NF_ACCEPT;
	case SIS_REWRITE_RENUMBERED:
		atomic64_inc(&sb->conns.stats.translated);
		return NF_ACCEPT;
	case SIS_REWRITE_EMPTY:
		/* All cut: the sender may wait for an ACK only SIS can give. */
		sis_conn_ack_cut(sb, c, d, acks);
		return NF_DROP;
	case SIS_REWRITE_FAILED:
		return NF_DROP;
	case SIS_REWRITE_BUILT:
		break;
	}
	atomic64_inc(&sb->conns.stats.rewritten);
	seg = kzalloc(sizeof(*seg), GFP_ATOMIC);
	h = seg ? sis_held_new(n, state, &sb->hook_ops, sb->stats + d, dir,
			       0) : NULL;
	if (!h) {
		kfree(seg);
		kfree_skb(n);
		return NF_DROP;
	}
	seg->held = h;
	seg->skb = n;
	list_add_tail(&seg->list, emit);
	consume_skb(skb);
	return NF_STOLEN;
}

/*
 * The hook's stream part. Returns NF_ACCEPT (go on: frame scanners, then
 * the bridge), NF_DROP, or NF_STOLEN (held for stream scanners).
 */
unsigned int sis_conn_hook(struct sis_bridge *sb, u8 dir, struct sk_buff *skb,
			   const struct nf_hook_state *state)
{
	struct sk_buff_head acks;
	unsigned int verdict;
	struct sis_conn *c;
	struct sis_pkt p;
	LIST_HEAD(done);
	LIST_HEAD(emit);
	bool opened;

	switch (sis_pkt_parse(skb, dir, &p)) {
	case SIS_PKT_TCP:
		break;
	case SIS_PKT_MALFORMED:
		return sis_conn_malformed(sb, &p);
	default:
		return NF_ACCEPT;
	}
	/*
	 * A scanner that would contain it is absent (absent.h): nothing of
	 * the connection goes by, but an RST, so that the ends give up.
	 */
	if (unlikely(atomic_read(&sb->n_absent_stream)) &&
	    !(p.seg.flags & TCPHDR_RST) && sis_absent_stream(sb, &p.key, skb))
		return NF_DROP;
	c = sis_conn_lookup(sb, &p.key);
	if (c && READ_ONCE(c->closing) && sis_tcp_seg_is_syn(&p.seg)) {
		/* The addresses are used again: a new connection. */
		sis_conn_retire(sb, c);
		c = NULL;
	}
	if (!c) {
		if (!sis_tcp_seg_is_syn(&p.seg))
			return sis_conn_midstream(sb, &p);
		verdict = sis_conn_new(sb, dir, skb, &p, &c);
		if (!c || !p.seg.len)
			return verdict;
		/* A SYN with data (Fast Open): the data is judged too. */
	}
	__skb_queue_head_init(&acks);
	spin_lock(&c->lock);
	if (c->dead) {
		/* Gone meanwhile (expired, evicted): untracked from now on. */
		spin_unlock(&c->lock);
		return sis_conn_midstream(sb, &p);
	}
	/* Its ACK and SACK blocks as the other end numbers its bytes. */
	if (sis_rewrite_acks(c, sis_dir_to_index(dir), skb, p.th_off,
			     &p.seg.ack))
		verdict = NF_DROP;
	else
		verdict = sis_conn_segment(sb, c, dir, skb, state, &p, &done,
					   &emit, &acks);
	if (verdict == NF_ACCEPT && p.ts_off)
		sis_stream_ts(&c->st[sis_dir_to_index(dir)], p.seg.tsval);
	if (verdict == NF_ACCEPT &&
	    sis_rewrite_window(c, sis_dir_to_index(dir), skb, p.th_off))
		verdict = NF_DROP;
	/* Its ACK below what SIS acknowledged in custody for its peer. */
	if (verdict == NF_ACCEPT)
		verdict = sis_custody_incoming(sb, c, sis_dir_to_index(dir),
					       skb, p.th_off, &p.seg, &acks);
	if (verdict == NF_ACCEPT)
		verdict = sis_conn_forward(sb, c, dir, skb, state, &p, &emit,
					   &acks);
	sis_conn_deliver(c, &done, &emit);
	opened = c->open;
	spin_unlock(&c->lock);
	if (opened && READ_ONCE(c->half_open))
		sis_conn_opened(sb, c);
	if (unlikely(!list_empty(&c->lost)))
		sis_conn_finish_lost(c);
	sis_conn_emit(sb, &emit);
	sis_segs_free(&done);
	if (!skb_queue_empty(&acks))
		sis_dupacks_send(sb, &acks);
	return verdict;
}
EXPORT_SYMBOL_IF_KUNIT(sis_conn_hook);
