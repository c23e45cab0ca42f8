/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One direction of a tracked TCP connection: its bytes, numbered from 0 (the
 * byte after the SYN) with 64-bit offsets, and the segments the engine
 * keeps (paper section 4.3, "Siphon's TCP reconstruction code").
 *
 * A segment is kept from its arrival until the receiver acknowledges it:
 * held (not yet forwarded: a containing scanner has not passed all its
 * bytes) or forwarded (a clone, kept so that a retransmission can be
 * compared with what the scanners judged). Overlap policy: the first data
 * wins. A segment that disagrees with a kept one on any byte is dropped, so
 * the receiver never gets bytes other than those judged: it has the judged
 * bytes below what it acknowledged, and every byte above comes from a kept
 * segment or from an equal copy of it.
 *
 * Offsets, in order: acked <= passed <= seen, and every byte in
 * [acked, seen) is in a kept segment (unless memory ran out for a clone,
 * counted). Kept segments are sorted by start; they may overlap (equal
 * bytes, by the policy above).
 *
 * A direction keeps up to conn-segs segments, and the sender chooses their
 * order and sizes: no segment may cost a walk over all those kept. So they
 * are in an rbtree by start (as Linux keeps a socket's out-of-order queue,
 * tcp_data_queue_ofo()), equal starts in order of arrival, and each node
 * also holds the greatest end in its subtree (an augmented rbtree, as in
 * interval_tree_generic.h). The segments overlapping a range are then
 * found in O(log n) steps each, and the furthest end of those starting at
 * or before an offset in O(log n), whatever else is kept. Bounding the
 * searches by the longest segment kept would be simpler, but one long
 * segment over many short ones would make every lookup walk the short
 * ones. The same segments are also on a list in the tree's order (segs):
 * the walks in order (acknowledged, passed, flushed) take no tree steps,
 * and a segment taken off moves to the caller's list (done, emit) through
 * the same list_head.
 *
 * Locking: the connection's lock (conn.h).
 */
#ifndef _SIS_STREAM_H
#define _SIS_STREAM_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/rbtree.h>
#include <linux/skbuff.h>
#include <linux/types.h>

#include "seqmap.h"

struct sis_held;

#define SIS_STREAM_DIRS	2

struct sis_seg {
	struct list_head list;		/* sis_stream.segs, then done or emit */
	struct rb_node node;		/* sis_stream.tree, while kept */
	u64 start;			/* offset of its first payload byte */
	u64 end;			/* after its last one */
	u64 subtree_end;		/* greatest end in its subtree */
	struct sk_buff *skb;		/* a clone, or the held frame's */
	struct sis_held *held;		/* the frame while it waits, or NULL */
	unsigned int data_off;		/* payload's offset from skb->data */
	unsigned int th_off;		/* its TCP header's */
	unsigned int ts_off;		/* its TSval's, 0: no timestamps */
	u32 tsval;
	u32 mem;			/* memory it pins: sis_seg_mem() */
	bool drop;			/* on emit: nothing of it goes (rewrite.h) */
};

/*
 * What a kept segment pins: its frame's truesize (a clone shares the data
 * but pins all of it, however few bytes of it are payload) and itself.
 */
static inline u32 sis_seg_mem(const struct sk_buff *skb)
{
	return skb->truesize + sizeof(struct sis_seg);
}

struct sis_stream {
	u32 isn;			/* offset 0 is sequence isn + 1 */
	bool isn_valid;
	bool fin_seen;
	bool cut;			/* fail closed: nothing more goes */
	bool broken;			/* not reassembled any more (bounds) */
	u8 end_reason;			/* enum sis_stream_end, 0: not ended */
	u8 contain;			/* containing watchers */
	bool ts_seen;
	u32 ts_max;			/* newest TSval forwarded, if ts_seen */
	u64 fin;			/* offset of the FIN, if fin_seen */
	u64 acked;			/* acknowledged, and given to all */
	u64 rcv_ack;			/* acknowledged by the receiver */
	u64 passed;			/* every containing watcher passed */
	u64 seen;			/* contiguous, delivered to watchers */
	u64 top;			/* highest end of any segment seen */
	u32 kept_mem;			/* sis_seg.mem of kept segments */
	unsigned int n_segs;
	/* kept_mem is also added to this bridge total, if any */
	atomic_long_t *mem;
	struct rb_root tree;		/* kept segments, by start */
	struct list_head segs;		/* the same, in the tree's order */
	unsigned int kept_bytes;	/* payload bytes of kept segments */
	unsigned int held_bytes;	/* of those, held */
	/* Scanners' cuts and injections, from original to delivered. */
	struct sis_seqmap map;
	u32 map_mem;			/* its array, counted in *mem too */
	/* A scanner needs bytes up to here: the window opens (more). */
	u64 more;
	u64 want;			/* the same, before the bounds */
	/*
	 * Acknowledged to the sender by SIS, in the receiver's name, up to
	 * here (custody.h): above rcv_ack, the bytes are SIS's to deliver.
	 */
	u64 custody;
	/*
	 * TS.Recent as SIS keeps it in custody (RFC 7323 section 4.3): the
	 * TSval of the segment that moved custody, to echo in its ACKs.
	 */
	u32 custody_tsecr;
	bool custody_ts;
	u64 rtx_ack;			/* rcv_ack when the timer was armed */
	u64 rtx_nxt;			/* sent by SIS up to here, this round */
	u64 rtx_edge;			/* the receiver's own right edge */
	u64 rtx_dup;			/* the receiver's last ACK below custody */
	unsigned long rtx_at;		/* jiffies: retransmit then; 0: unarmed */
	u8 rtx_backoff;			/* the timer's doublings */
	u8 rtx_dups;			/* duplicate ACKs of rtx_dup */
};

void sis_stream_init(struct sis_stream *st);

/* Does the payload agree with every kept segment it overlaps? */
bool sis_stream_consistent(const struct sis_stream *st, u64 start,
			   const struct sk_buff *skb, unsigned int data_off,
			   unsigned int len);
/* Are all of [start, end) in kept segments, or acknowledged? */
bool sis_stream_covered(const struct sis_stream *st, u64 start, u64 end);
void sis_stream_insert(struct sis_stream *st, struct sis_seg *seg);
/* The end of the bytes contiguous from st->seen, in kept segments. */
u64 sis_stream_contiguous(const struct sis_stream *st);
/* The same, just after @seg was inserted: only what follows it counts. */
u64 sis_stream_contiguous_after(const struct sis_stream *st,
				const struct sis_seg *seg);
/* The kept segment holding byte @off that reaches furthest, or NULL. */
const struct sis_seg *sis_stream_seg_at(const struct sis_stream *st, u64 off);
/* Copy bytes [off, off + len) out of kept segments; false if missing. */
bool sis_stream_copy(const struct sis_stream *st, u64 off, void *to,
		     unsigned int len);
/* Take off the forwarded segments below acked; on @done for freeing. */
void sis_stream_ack(struct sis_stream *st, u64 acked, struct list_head *done);
/* A TSval was forwarded in this direction. */
void sis_stream_ts(struct sis_stream *st, u32 tsval);
/*
 * Let go of the last segment, if it lies past seen (no watcher saw it):
 * on @done; false if there is none such. Made room for the bytes that
 * fill the hole before it (track.c), as Linux prunes its out-of-order
 * queue.
 */
bool sis_stream_prune_last(struct sis_stream *st, struct list_head *done);
/* Take off the held segments now passed: on @emit, in order. */
void sis_stream_release(struct sis_stream *st, struct list_head *emit);
/* Take off every segment (connection gone, or cut): on @done. */
void sis_stream_flush(struct sis_stream *st, struct list_head *done);

/*
 * Give the segment in @skb (its TCP header at @th_off, its TSval at
 * @ts_off, from skb->data) TSval @tsval, its checksum updated.
 */
int sis_tcp_set_tsval(struct sk_buff *skb, unsigned int th_off,
		      unsigned int ts_off, u32 tsval);
/* Clear URG and the urgent pointer of the TCP header at @th_off. */
int sis_tcp_clear_urg(struct sk_buff *skb, unsigned int th_off);

#endif /* _SIS_STREAM_H */
