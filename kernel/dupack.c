// SPDX-License-Identifier: GPL-2.0
/* Duplicate ACKs for what the bridge holds past a hole (dupack.h). */
#include <net/tcp.h>

#include "bridge.h"
#include "conn.h"
#include "custody.h"
#include "dupack.h"
#include "forge.h"
#include "seqmap.h"
#include "tcp_seq.h"

/* The run of kept bytes around @seg, SIS_DUPACK_WALK segments each way. */
static void sis_dupack_run(const struct sis_stream *st,
			   const struct sis_seg *seg, u64 *a, u64 *b)
{
	const struct sis_seg *pos = seg;
	unsigned int i;

	*a = seg->start;
	*b = seg->end;
	for (i = 0; i < SIS_DUPACK_WALK; i++) {
		if (list_is_first(&pos->list, &st->segs))
			break;
		pos = list_prev_entry(pos, list);
		/* Those at or before seen are on the hole's other side. */
		if (pos->end < *a || pos->end <= st->seen)
			break;
		*a = min(*a, pos->start);
	}
	pos = seg;
	for (i = 0; i < SIS_DUPACK_WALK; i++) {
		if (list_is_last(&pos->list, &st->segs))
			break;
		pos = list_next_entry(pos, list);
		if (pos->start > *b)
			break;
		*b = max(*b, pos->end);
	}
	*a = max(*a, st->seen);
}

void sis_conn_forge_ack(struct sis_bridge *sb, const struct sis_conn *c,
			int d, u32 ack, u32 win, u64 a, u64 b, u8 kind,
			struct sk_buff_head *acks)
{
	const struct sis_stream *st = &c->st[d];
	int o = !d;	/* the ACK goes the other way */
	const struct sis_stream *ost = &c->st[o];
	/* It speaks for the receiver of @d, to that direction's sender. */
	const struct sis_tcb *rcv = &c->tcb[d == SIS_DIR_INDEX_IN ?
					    SIS_TCB_HOST : SIS_TCB_NET];
	const struct sis_tcb *snd = &c->tcb[d == SIS_DIR_INDEX_IN ?
					    SIS_TCB_NET : SIS_TCB_HOST];
	__be32 opts[SIS_FORGE_OPTS_MAX / 4];
	struct sis_forge f = {
		.seq = rcv->snd_nxt,
		.ack = ack,
		.flags = TCPHDR_ACK,
		.opts = (const u8 *)opts,
	};
	u32 tsecr = rcv->ts_recent;
	struct net_device *dev;
	struct sk_buff *skb;
	__be32 *p = opts;

	lockdep_assert_held(&c->lock);

	if (!st->isn_valid || !rcv->isn_valid || !snd->isn_valid ||
	    ((rcv->opts | snd->opts) &
	     (SIS_OPT_MD5 | SIS_OPT_AO | SIS_OPT_MPTCP)) ||
	    is_zero_ether_addr(c->l2[o].dst))
		return;
	dev = sis_forge_dev(sb, o);
	if (!dev)
		return;
	/* Its own bytes as their receiver numbers them (rewrite.h). */
	if (ost->isn_valid)
		f.seq = sis_seqmap_fwd_seq(&ost->map, ost->isn, ost->rcv_ack,
					   f.seq);
	/*
	 * Its SYN's window was not scaled, later ones are: in its units now,
	 * and never rounded down to a zero window it did not offer.
	 */
	f.win = min(win >> rcv->wscale, 0xffffU);
	if (!f.win && win)
		f.win = 1;
	/* In custody, SIS is the receiver the sender hears from (custody.h). */
	if (st->custody > st->rcv_ack && st->custody_ts &&
	    (!tsecr || after(st->custody_tsecr, tsecr)))
		tsecr = st->custody_tsecr;
	if (sis_tcb_negotiated(rcv, snd, SIS_OPT_TS)) {
		*p++ = htonl((TCPOPT_NOP << 24) | (TCPOPT_NOP << 16) |
			     (TCPOPT_TIMESTAMP << 8) | TCPOLEN_TIMESTAMP);
		/* The newest the sender got: never ahead of its TS.Recent. */
		*p++ = htonl(ost->ts_seen ? ost->ts_max : rcv->ts_max);
		*p++ = htonl(tsecr);
	}
	if (b && sis_tcb_negotiated(rcv, snd, SIS_OPT_SACK_PERM)) {
		*p++ = htonl((TCPOPT_NOP << 24) | (TCPOPT_NOP << 16) |
			     (TCPOPT_SACK << 8) |
			     (TCPOLEN_SACK_BASE + TCPOLEN_SACK_PERBLOCK));
		*p++ = htonl(st->isn + 1 + (u32)a);
		*p++ = htonl(st->isn + 1 + (u32)b);
	}
	f.optlen = (u8 *)p - (u8 *)opts;
	skb = sis_forge_build(sb, c, o, dev, &f);
	if (!skb)
		return;
	SIS_XMIT_KIND(skb) = kind;
	__skb_queue_tail(acks, skb);
}

void sis_conn_dupack(struct sis_bridge *sb, const struct sis_conn *c, int d,
		     const struct sis_seg *seg, struct sk_buff_head *acks)
{
	const struct sis_tcb *rcv = &c->tcb[d == SIS_DIR_INDEX_IN ?
					    SIS_TCB_HOST : SIS_TCB_NET];
	const struct sis_stream *st = &c->st[d];
	u32 ack = rcv->rcv_nxt, win = rcv->last_win;
	u64 a, b;

	sis_dupack_run(st, seg, &a, &b);
	/* The sender was told more: not an old ACK it would ignore. */
	if (st->custody > st->rcv_ack) {
		ack = st->isn + 1 + (u32)st->custody;
		win = sis_custody_win(c, d);
	}
	sis_conn_forge_ack(sb, c, d, ack, win, a, b, SIS_XMIT_DUPACK, acks);
}

void sis_conn_ack_cut(struct sis_bridge *sb, struct sis_conn *c, int d,
		      struct sk_buff_head *acks)
{
	struct sis_stream *st = &c->st[d];
	const struct sis_tcb *rcv = &c->tcb[d == SIS_DIR_INDEX_IN ?
					    SIS_TCB_HOST : SIS_TCB_NET];
	u64 had, ack;

	lockdep_assert_held(&c->lock);

	/* What the receiver acknowledged, and what that now covers. */
	if (!st->isn_valid ||
	    !sis_seq_off(rcv->rcv_nxt, st->isn + 1 + (u32)st->rcv_ack,
			 st->rcv_ack, &had))
		return;
	ack = sis_seqmap_rev(&st->map, sis_seqmap_fwd(&st->map, had));
	if (ack <= had)
		return;
	sis_conn_forge_ack(sb, c, d, st->isn + 1 + (u32)ack, rcv->last_win,
			   0, 0, SIS_XMIT_DUPACK, acks);
}

void sis_conn_open_window(struct sis_bridge *sb, struct sis_conn *c, int d,
			  struct sk_buff_head *acks)
{
	const struct sis_stream *st = &c->st[d];
	struct sis_tcb *rcv = &c->tcb[d == SIS_DIR_INDEX_IN ? SIS_TCB_HOST :
				      SIS_TCB_NET];
	u64 had, want;

	lockdep_assert_held(&c->lock);

	if (!st->isn_valid ||
	    !sis_seq_off(rcv->rcv_nxt, st->isn + 1 + (u32)st->rcv_ack,
			 st->rcv_ack, &had) || st->more <= had)
		return;
	want = min_t(u64, st->more - had, 0xffffULL << rcv->wscale);
	if (want <= rcv->last_win)
		return;
	/* What the sender is told from now on, here and in track.c. */
	rcv->last_win = want;
	rcv->max_win = max_t(u32, rcv->max_win, want);
	sis_conn_forge_ack(sb, c, d, rcv->rcv_nxt, rcv->last_win, 0, 0,
			   SIS_XMIT_DUPACK, acks);
}

void sis_dupacks_send(struct sis_bridge *sb, struct sk_buff_head *acks)
{
	struct sis_conn_stats *s = &sb->conns.stats;
	struct sk_buff *skb;
	u8 kind;

	while ((skb = __skb_dequeue(acks))) {
		kind = SIS_XMIT_KIND(skb);
		if (dev_queue_xmit(skb) != NET_XMIT_SUCCESS)
			continue;
		atomic64_inc(kind == SIS_XMIT_CUSTODY ? &s->custody_acks :
			     kind == SIS_XMIT_RTX ? &s->retransmits :
			     &s->dupacks);
	}
}
