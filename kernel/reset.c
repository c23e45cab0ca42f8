// SPDX-License-Identifier: GPL-2.0
/* Killing a tracked connection: an RST to each end (reset.h). */
#include <net/tcp.h>

#include "bridge.h"
#include "conn.h"
#include "forge.h"
#include "reset.h"
#include "seqmap.h"

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
	dev = sis_forge_dev(sb, d);
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
		struct sis_forge f = {
			/* As the receiver numbers them, edits made (rewrite.h). */
			.seq = st->isn_valid ?
			       sis_seqmap_fwd_seq(&st->map, st->isn,
						  st->rcv_ack, seq[i]) :
			       seq[i],
			.ack = from->rcv_nxt,
			.flags = TCPHDR_RST | TCPHDR_ACK,
		};
		struct sk_buff *skb = sis_forge_build(sb, c, d, dev, &f);

		if (skb)
			__skb_queue_tail(rsts, skb);
	}
}

/*
 * Kill connection @c, once: RSTs to both ends onto @rsts (sent with
 * sis_resets_send() once unlocked), no more data goes either way, what it
 * held is dropped and what it kept let go, onto @done (sis_segs_free()
 * once unlocked), and its watchers are told (end: killed). It stays in
 * the table, closing and holding nothing, for the close timeout: data
 * still on its way is dropped. Counted as killed if an RST was due.
 * Locked, under RCU.
 */
void sis_conn_kill(struct sis_bridge *sb, struct sis_conn *c,
		   struct sk_buff_head *rsts, struct list_head *done)
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
		/* The RSTs reckoned, nothing it holds or keeps has a use. */
		sis_stream_flush(&c->st[d], done);
	}
	sis_conn_silence(c);
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
