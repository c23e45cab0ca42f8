// SPDX-License-Identifier: GPL-2.0
/* Custody of held bytes: local ACKs and retransmissions (custody.h). */
#include <net/tcp.h>

#include "bridge.h"
#include "conn.h"
#include "custody.h"
#include "dupack.h"
#include "forge.h"
#include "rewrite.h"
#include "tcp_seq.h"

/* The TCB of direction @d's receiver. */
static struct sis_tcb *sis_custody_rcv(struct sis_conn *c, int d)
{
	return &c->tcb[d == SIS_DIR_INDEX_IN ? SIS_TCB_HOST : SIS_TCB_NET];
}

u32 sis_custody_win(const struct sis_conn *c, int d)
{
	const struct sis_stream *st = &c->st[d];
	const struct sis_tcb *rcv = &c->tcb[d == SIS_DIR_INDEX_IN ?
					    SIS_TCB_HOST : SIS_TCB_NET];
	/* The receiver's own right edge, or what the scanner asked for. */
	u64 edge = max(st->rcv_ack + rcv->last_win, st->more);
	u64 at = max(st->custody, st->rcv_ack);

	if (edge <= at)
		return 0;
	return min_t(u64, edge - at, 0xffffULL << rcv->wscale);
}

void sis_conn_custody_ack(struct sis_bridge *sb, struct sis_conn *c, int d,
			  struct sk_buff_head *acks)
{
	struct sis_stream *st = &c->st[d];
	struct sis_tcb *rcv = sis_custody_rcv(c, d);
	const struct sis_seg *seg;
	u64 to, edge;

	lockdep_assert_held(&c->lock);

	if (!st->contain || st->cut || st->broken || !st->isn_valid ||
	    c->killed || c->dead || sis_conn_no_edits(c))
		return;
	/* Bytes kept, contiguous, asked for; never the FIN. */
	to = min(st->seen, st->more);
	if (st->fin_seen)
		to = min(to, st->fin);
	if (to <= max(st->custody, st->rcv_ack))
		return;
	/*
	 * The sender's TSval to echo, as its receiver would: that of the
	 * segment with the byte the last ACK asked for. The receiver's own
	 * TS.Recent would be older by all the custody lasted, and the
	 * sender's RTT, taken from the echo, as long: its RTO with it.
	 */
	seg = sis_stream_seg_at(st, max(st->custody, st->rcv_ack));
	if (seg && seg->ts_off &&
	    (!st->custody_ts || !before(seg->tsval, st->custody_tsecr))) {
		st->custody_tsecr = seg->tsval;
		st->custody_ts = true;
	}
	st->custody = to;
	/*
	 * The sender may now send up to the edge it is told of: its
	 * receiver's shadow TCB takes those bytes as in its window.
	 */
	edge = max(st->rcv_ack + rcv->last_win, st->more);
	rcv->max_win = max_t(u64, rcv->max_win,
			     min_t(u64, edge - st->rcv_ack, U32_MAX >> 1));
	sis_conn_forge_ack(sb, c, d, st->isn + 1 + (u32)to,
			   sis_custody_win(c, d), 0, 0, SIS_XMIT_CUSTODY, acks);
}

void sis_conn_custody_reack(struct sis_bridge *sb, struct sis_conn *c, int d,
			    struct sk_buff_head *acks)
{
	struct sis_stream *st = &c->st[d];

	lockdep_assert_held(&c->lock);

	if (st->custody <= st->rcv_ack || st->cut || c->killed || c->dead)
		return;
	sis_conn_forge_ack(sb, c, d, st->isn + 1 + (u32)st->custody,
			   sis_custody_win(c, d), 0, 0, SIS_XMIT_CUSTODY, acks);
}

/* Send kept segment @seg again towards the receiver of @d, onto @acks. */
static void sis_custody_rtx_seg(struct sis_bridge *sb, struct sis_conn *c,
				int d, const struct sis_seg *seg,
				struct net_device *dev,
				struct sk_buff_head *acks)
{
	struct sis_stream *st = &c->st[d];
	struct sk_buff *n, *b = NULL;

	/* Its headers its own, its payload shared with the kept clone. */
	n = pskb_copy(seg->skb, GFP_ATOMIC);
	if (!n)
		return;
	switch (sis_rewrite_seg(c, d, n, seg->th_off, seg->data_off,
				seg->start, seg->end - seg->start, dev, &b)) {
	case SIS_REWRITE_SAME:
	case SIS_REWRITE_RENUMBERED:
		break;
	case SIS_REWRITE_BUILT:
		kfree_skb(n);
		n = b;
		break;
	default:
		kfree_skb(n);
		return;
	}
	/* Newer than the receiver's TS.Recent, as sis_seg_fresh_ts() does. */
	if (seg->ts_off && st->ts_seen)
		sis_tcp_set_tsval(n, seg->th_off, seg->ts_off, st->ts_max);
	if (n->ip_summed == CHECKSUM_COMPLETE)
		n->ip_summed = CHECKSUM_NONE;
	skb_scrub_packet(n, false);
	skb_clear_tstamp(n);
	if (sis_forge_l2(sb, c, d, dev, n)) {
		kfree_skb(n);
		return;
	}
	memset(n->cb, 0, sizeof(n->cb));
	SIS_XMIT_KIND(n) = SIS_XMIT_RTX;
	__skb_queue_tail(acks, n);
}

/*
 * Send, towards the receiver of direction @d, the bytes in SIS's custody
 * that went out already and that it lacks: from the first it lacks (or
 * past what this round sent) up to its own right edge, at least one
 * segment if @probe, at most SIS_CUSTODY_BURST segments; onto @acks. The
 * sender will not: it was told they arrived. Locked.
 */
static void sis_custody_send(struct sis_bridge *sb, struct sis_conn *c, int d,
			     bool probe, struct sk_buff_head *acks)
{
	struct sis_stream *st = &c->st[d];
	u64 from = max(st->rtx_nxt, st->rcv_ack);
	u64 lim = min(st->custody, st->passed);
	const struct sis_seg *seg;
	struct net_device *dev;
	unsigned int n = 0;

	if (st->cut || c->killed || c->dead || st->rcv_ack >= lim)
		return;
	if (probe)
		from = st->rcv_ack;
	dev = sis_forge_dev(sb, d);
	if (!dev)
		return;
	while (from < lim && n < SIS_CUSTODY_BURST &&
	       (from < st->rtx_edge || (probe && !n))) {
		seg = sis_stream_seg_at(st, from);
		if (!seg || seg->held || seg->end <= from)
			break;
		sis_custody_rtx_seg(sb, c, d, seg, dev, acks);
		from = seg->end;
		n++;
	}
	st->rtx_nxt = max(st->rtx_nxt, from);
}

/*
 * An ACK of the receiver of @d below the custody point, at offset @off
 * with its own window @win: the bytes it now has room for go (ACK-clocked),
 * and on its third duplicate, those from the first it lacks again.
 */
static void sis_custody_acked(struct sis_bridge *sb, struct sis_conn *c,
			      int d, u64 off, u32 win, bool pure,
			      struct sk_buff_head *acks)
{
	struct sis_stream *st = &c->st[d];
	u64 edge = off + win;

	if (off != st->rtx_dup) {
		st->rtx_dup = off;
		st->rtx_dups = 0;
	} else if (pure && edge <= st->rtx_edge &&
		   ++st->rtx_dups == SIS_CUSTODY_DUPTHRESH) {
		/* Lost past the bridge: once per hole, from the hole on. */
		st->rtx_nxt = off;
	}
	st->rtx_edge = edge;
	sis_custody_send(sb, c, d, false, acks);
}

unsigned int sis_custody_incoming(struct sis_bridge *sb, struct sis_conn *c,
				  int d, struct sk_buff *skb,
				  unsigned int th_off,
				  const struct sis_tcp_seg *seg,
				  struct sk_buff_head *acks)
{
	int o = !d;	/* the direction its ACK speaks of */
	struct sis_stream *st = &c->st[o];
	const struct sis_tcb *from = sis_custody_rcv(c, o);
	unsigned int pos = 0, i;
	struct tcphdr *th;
	__be32 at, old;
	__be16 oldw;
	bool pure;
	u64 off;
	u32 raw;
	u8 *opt;

	lockdep_assert_held(&c->lock);

	if (!(seg->flags & TCPHDR_ACK) ||
	    (seg->flags & (TCPHDR_SYN | TCPHDR_RST)) || !st->isn_valid ||
	    st->custody <= st->rcv_ack)
		return NF_ACCEPT;
	th = (struct tcphdr *)(skb->data + th_off);
	at = htonl(st->isn + 1 + (u32)st->custody);
	if (!before(ntohl(th->ack_seq), ntohl(at)) ||
	    !sis_seq_off(ntohl(th->ack_seq), ntohl(at), st->custody, &off))
		return NF_ACCEPT;
	pure = !seg->len && !(seg->flags & TCPHDR_FIN);
	/* Its own window, before the window opened for more (rewrite.h). */
	sis_custody_acked(sb, c, o, off, seg->win << from->wscale, pure, acks);
	if (pure)
		return NF_DROP;
	/* Its bytes go on; what it says of the other direction is SIS's. */
	if (skb_ensure_writable(skb, th_off + th->doff * 4))
		return NF_DROP;
	th = (struct tcphdr *)(skb->data + th_off);
	old = th->ack_seq;
	th->ack_seq = at;
	inet_proto_csum_replace4(&th->check, skb, old, at, false);
	raw = min(DIV_ROUND_UP(sis_custody_win(c, o), 1U << from->wscale),
		  0xffffU);
	oldw = th->window;
	th->window = htons(raw);
	inet_proto_csum_replace2(&th->check, skb, oldw, th->window, false);
	/* SACK blocks left empty: the sender discards them. */
	while ((opt = sis_tcp_opt_next(th, &pos))) {
		if (opt[0] != TCPOPT_SACK ||
		    opt[1] < TCPOLEN_SACK_BASE + TCPOLEN_SACK_PERBLOCK)
			continue;
		for (i = 2; i + 4 <= opt[1]; i += 4) {
			memcpy(&old, opt + i, 4);
			memcpy(opt + i, &at, 4);
			inet_proto_csum_replace4(&th->check, skb, old, at,
						 false);
		}
	}
	return NF_ACCEPT;
}

bool sis_conn_custody_tick(struct sis_bridge *sb, struct sis_conn *c,
			   unsigned long now, struct sk_buff_head *acks,
			   struct sk_buff_head *rsts, struct list_head *done)
{
	bool again = false;
	int d;

	lockdep_assert_held(&c->lock);

	for (d = 0; d < SIS_STREAM_DIRS; d++) {
		struct sis_stream *st = &c->st[d];
		unsigned long rto;

		if (c->dead || c->killed || st->custody <= st->rcv_ack) {
			st->rtx_at = 0;
			continue;
		}
		/* Cut: its sender was told the bytes arrived. */
		if (st->cut) {
			sis_conn_kill(sb, c, rsts, done);
			return false;
		}
		if (st->rcv_ack >= min(st->custody, st->passed)) {
			st->rtx_at = 0;	/* nothing sent waits for its ACK */
			continue;
		}
		again = true;
		if (!st->rtx_at || st->rcv_ack > st->rtx_ack) {
			st->rtx_ack = st->rcv_ack;
			st->rtx_backoff = 0;
			st->rtx_at = (now + SIS_CUSTODY_RTO) | 1;
			continue;
		}
		if (time_before(now, st->rtx_at))
			continue;
		/* No progress for a while: from the first byte it lacks. */
		st->rtx_nxt = st->rcv_ack;
		sis_custody_send(sb, c, d, true, acks);
		if (st->rtx_backoff < 8)
			st->rtx_backoff++;
		rto = min_t(unsigned long, SIS_CUSTODY_RTO << st->rtx_backoff,
			    SIS_CUSTODY_RTO_MAX);
		st->rtx_at = (now + rto) | 1;
	}
	return again;
}

void sis_conn_custody_over(struct sis_bridge *sb, struct sis_conn *c, int d,
			   u64 start, struct list_head *done,
			   struct list_head *emit)
{
	struct sis_stream *st = &c->st[d];
	unsigned int i, n = 0;

	lockdep_assert_held(&c->lock);

	if (!st->contain || st->want <= st->seen || start > st->seen)
		return;
	for (i = 0; i < c->n_watch; i++) {
		struct sis_watch *w = &c->watch[i];

		if ((w->contain & BIT(d)) && w->passed[d] < st->seen) {
			sis_watch_fail(c, w, d);
			n++;
		}
	}
	if (!n)
		return;
	atomic64_inc(&sb->conns.stats.custody_failed);
	sis_conn_repass(c, d, done, emit);
}

void sis_conn_custody_bound(struct sis_bridge *sb, struct sis_conn *c, int d,
			    struct list_head *done, struct list_head *emit)
{
	const struct sis_stream *st = &c->st[d];

	/* All the bounds let come came, and the scanner wants more. */
	if (st->contain && st->more < st->want && st->seen >= st->more)
		sis_conn_custody_over(sb, c, d, st->seen, done, emit);
}
