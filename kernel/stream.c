// SPDX-License-Identifier: GPL-2.0
/* The kept segments of one direction of a connection (stream.h). */
#include <linux/minmax.h>
#include <linux/rbtree_augmented.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include <net/checksum.h>
#include <net/tcp.h>

#include "stream.h"

static u64 sis_seg_end(const struct sis_seg *seg)
{
	return seg->end;
}

/* Keeps each node's subtree_end as the tree is rebalanced. */
RB_DECLARE_CALLBACKS_MAX(static, sis_seg_cb, struct sis_seg, node, u64,
			 subtree_end, sis_seg_end);

/* The greatest end under @n; 0 for none, since a segment has a byte. */
static u64 sis_subtree_end(const struct rb_node *n)
{
	return n ? rb_entry(n, struct sis_seg, node)->subtree_end : 0;
}

/*
 * The first segment under @n, in order, with bytes in [lo, hi), or NULL.
 * Only the first one that ends after lo can be it: those before it end at
 * or before lo, and those after it start no earlier. So when some segment
 * under @n ends after lo, NULL means that none from there on in order,
 * under @n or not, has such bytes.
 */
static struct sis_seg *sis_seg_first_in(struct rb_node *n, u64 lo, u64 hi)
{
	while (sis_subtree_end(n) > lo) {
		struct sis_seg *seg = rb_entry(n, struct sis_seg, node);

		if (sis_subtree_end(n->rb_left) > lo) {
			n = n->rb_left;
			continue;
		}
		if (seg->end > lo)
			return seg->start < hi ? seg : NULL;
		n = n->rb_right;
	}
	return NULL;
}

/* The next segment after @seg, in order, with bytes in [lo, hi), or NULL. */
static struct sis_seg *sis_seg_next_in(struct sis_seg *seg, u64 lo, u64 hi)
{
	struct rb_node *n = &seg->node, *parent;

	for (;;) {
		if (sis_subtree_end(n->rb_right) > lo)
			return sis_seg_first_in(n->rb_right, lo, hi);
		/* Up to the first node after @n: the right subtree has none. */
		while ((parent = rb_parent(n)) && n == parent->rb_right)
			n = parent;
		if (!parent)
			return NULL;
		n = parent;
		seg = rb_entry(n, struct sis_seg, node);
		if (seg->start >= hi)
			return NULL;
		if (seg->end > lo)
			return seg;
	}
}

/* The furthest end of the segments that start at or before @off, or 0. */
static u64 sis_stream_reach(const struct sis_stream *st, u64 off)
{
	const struct rb_node *n = st->tree.rb_node;
	u64 reach = 0;

	while (n) {
		const struct sis_seg *seg = rb_entry(n, struct sis_seg, node);

		if (seg->start > off) {
			n = n->rb_left;
			continue;
		}
		/* It and every segment on its left start at or before off. */
		reach = max3(reach, seg->end, sis_subtree_end(n->rb_left));
		n = n->rb_right;
	}
	return reach;
}

/*
 * The end of the bytes contiguous from @cur in kept segments, or the
 * first such end at or after @limit. A walk in order would visit every
 * segment inside the range; this jumps to the furthest end each time.
 */
static u64 sis_stream_extend(const struct sis_stream *st, u64 cur, u64 limit)
{
	while (cur < limit) {
		u64 reach = sis_stream_reach(st, cur);

		if (reach <= cur)
			break;
		cur = reach;
	}
	return cur;
}

void sis_stream_init(struct sis_stream *st)
{
	memset(st, 0, sizeof(*st));
	st->tree = RB_ROOT;
	INIT_LIST_HEAD(&st->segs);
	sis_seqmap_init(&st->map);
}
EXPORT_SYMBOL_IF_KUNIT(sis_stream_init);

/* Compare len bytes of two payloads, in small steps. */
static bool sis_bytes_equal(const struct sk_buff *a, unsigned int aoff,
			    const struct sk_buff *b, unsigned int boff,
			    unsigned int len)
{
	u8 abuf[64], bbuf[64];

	while (len) {
		unsigned int n = min_t(unsigned int, len, sizeof(abuf));
		const void *pa = skb_header_pointer(a, aoff, n, abuf);
		const void *pb = skb_header_pointer(b, boff, n, bbuf);

		if (!pa || !pb || memcmp(pa, pb, n))
			return false;
		aoff += n;
		boff += n;
		len -= n;
	}
	return true;
}

bool sis_stream_consistent(const struct sis_stream *st, u64 start,
			   const struct sk_buff *skb, unsigned int data_off,
			   unsigned int len)
{
	u64 end = start + len;
	struct sis_seg *seg;

	if (start >= st->top || !len)
		return true;	/* new bytes (the usual case), or none */
	for (seg = sis_seg_first_in(st->tree.rb_node, start, end); seg;
	     seg = sis_seg_next_in(seg, start, end)) {
		u64 from = max(seg->start, start);
		u64 to = min(seg->end, end);

		if (!sis_bytes_equal(seg->skb, seg->data_off + (from - seg->start),
				     skb, data_off + (from - start), to - from))
			return false;
	}
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(sis_stream_consistent);

bool sis_stream_covered(const struct sis_stream *st, u64 start, u64 end)
{
	u64 cur = max(start, st->acked);

	if (cur >= end)
		return true;
	if (end > st->top)
		return false;	/* new bytes: the usual case */
	if (end <= st->seen)
		return true;	/* every byte in [acked, seen) is kept */
	return sis_stream_extend(st, cur, end) >= end;
}
EXPORT_SYMBOL_IF_KUNIT(sis_stream_covered);

/* After those with the same start: they keep their order of arrival. */
void sis_stream_insert(struct sis_stream *st, struct sis_seg *seg)
{
	struct rb_node **link = &st->tree.rb_node, *parent = NULL;
	struct sis_seg *prev = NULL;

	while (*link) {
		struct sis_seg *pos = rb_entry(*link, struct sis_seg, node);

		parent = *link;
		pos->subtree_end = max(pos->subtree_end, seg->end);
		if (seg->start < pos->start) {
			link = &parent->rb_left;
		} else {
			prev = pos;
			link = &parent->rb_right;
		}
	}
	seg->subtree_end = seg->end;
	rb_link_node(&seg->node, parent, link);
	rb_insert_augmented(&seg->node, &st->tree, &sis_seg_cb);
	/* The last node it went right of comes just before it in order. */
	list_add(&seg->list, prev ? &prev->list : &st->segs);
	st->kept_mem += seg->mem;
	if (st->mem)
		atomic_long_add(seg->mem, st->mem);
	st->n_segs++;
	st->kept_bytes += seg->end - seg->start;
	st->top = max(st->top, seg->end);
	if (seg->held)
		st->held_bytes += seg->end - seg->start;
}
EXPORT_SYMBOL_IF_KUNIT(sis_stream_insert);

u64 sis_stream_contiguous(const struct sis_stream *st)
{
	return sis_stream_extend(st, st->seen, U64_MAX);
}
EXPORT_SYMBOL_IF_KUNIT(sis_stream_contiguous);

/*
 * No kept segment that starts at or before seen ends after it (else seen
 * would be further on): only @seg and those after it can extend it. Those
 * before it start at or before seen, so counting them changes nothing.
 */
u64 sis_stream_contiguous_after(const struct sis_stream *st,
				const struct sis_seg *seg)
{
	u64 cur = st->seen;

	if (seg->start > cur)
		return cur;
	cur = max(cur, seg->end);
	/* The usual case: it came in order, and nothing follows it. */
	if (list_is_last(&seg->list, &st->segs))
		return cur;
	return sis_stream_extend(st, cur, U64_MAX);
}
EXPORT_SYMBOL_IF_KUNIT(sis_stream_contiguous_after);

/* Of those that reach as far, the last in order. */
const struct sis_seg *sis_stream_seg_at(const struct sis_stream *st, u64 off)
{
	const struct sis_seg *best = NULL;
	struct sis_seg *seg;

	for (seg = sis_seg_first_in(st->tree.rb_node, off, off + 1); seg;
	     seg = sis_seg_next_in(seg, off, off + 1))
		if (!best || seg->end >= best->end)
			best = seg;
	return best;
}
EXPORT_SYMBOL_IF_KUNIT(sis_stream_seg_at);

/*
 * Each piece from the first segment in order that holds its first byte:
 * the one a walk in order would come to first.
 */
bool sis_stream_copy(const struct sis_stream *st, u64 off, void *to,
		     unsigned int len)
{
	while (len) {
		const struct sis_seg *seg;
		unsigned int n;

		seg = sis_seg_first_in(st->tree.rb_node, off, off + 1);
		if (!seg)
			return false;
		n = min_t(u64, len, seg->end - off);
		if (skb_copy_bits(seg->skb, seg->data_off + (off - seg->start),
				  to, n))
			return false;
		to += n;
		off += n;
		len -= n;
	}
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(sis_stream_copy);

static void sis_stream_unlink(struct sis_stream *st, struct sis_seg *seg)
{
	rb_erase_augmented(&seg->node, &st->tree, &sis_seg_cb);
	list_del(&seg->list);
	st->kept_mem -= seg->mem;
	if (st->mem)
		atomic_long_sub(seg->mem, st->mem);
	st->n_segs--;
	st->kept_bytes -= seg->end - seg->start;
	if (seg->held)
		st->held_bytes -= seg->end - seg->start;
}

void sis_stream_ack(struct sis_stream *st, u64 acked, struct list_head *done)
{
	struct sis_seg *seg, *tmp;

	if (acked <= st->acked)
		return;
	st->acked = acked;
	list_for_each_entry_safe(seg, tmp, &st->segs, list) {
		if (seg->start >= acked)
			break;
		if (seg->end > acked || seg->held)
			continue;
		sis_stream_unlink(st, seg);
		list_add_tail(&seg->list, done);
	}
}
EXPORT_SYMBOL_IF_KUNIT(sis_stream_ack);

void sis_stream_ts(struct sis_stream *st, u32 tsval)
{
	if (!st->ts_seen || after(tsval, st->ts_max))
		st->ts_max = tsval;
	st->ts_seen = true;
}
EXPORT_SYMBOL_IF_KUNIT(sis_stream_ts);

/*
 * A held segment leaves after newer ones from its sender (ACKs, passed
 * retransmissions) updated the receiver's TS.Recent: with its own older
 * TSval, PAWS (RFC 7323) would drop it. It takes the newest TSval the
 * receiver has seen instead, as if sent when it is released.
 */
static void sis_seg_fresh_ts(struct sis_stream *st, struct sis_seg *seg)
{
	if (!seg->ts_off)
		return;
	if (!st->ts_seen || !before(seg->tsval, st->ts_max)) {
		sis_stream_ts(st, seg->tsval);
		return;
	}
	if (!sis_tcp_set_tsval(seg->skb, seg->th_off, seg->ts_off,
			       st->ts_max))
		seg->tsval = st->ts_max;
}

int sis_tcp_set_tsval(struct sk_buff *skb, unsigned int th_off,
		      unsigned int ts_off, u32 tsval)
{
	struct tcphdr *th;
	__be32 *ts, old;

	if (skb_ensure_writable(skb, ts_off + 4))
		return -ENOMEM;
	ts = (__be32 *)(skb->data + ts_off);
	th = (struct tcphdr *)(skb->data + th_off);
	old = *ts;
	*ts = htonl(tsval);
	inet_proto_csum_replace4(&th->check, skb, old, *ts, false);
	/* A checksum over the whole frame no longer holds. */
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;
	return 0;
}

/*
 * A held segment whose bytes are all passed goes; a clone of it stays, to
 * compare retransmissions with until the receiver acknowledges it (without
 * memory for the clone, it just goes).
 */
void sis_stream_release(struct sis_stream *st, struct list_head *emit)
{
	struct sis_seg *seg, *tmp, *kept;

	list_for_each_entry_safe(seg, tmp, &st->segs, list) {
		if (seg->start >= st->passed)
			break;
		if (!seg->held || seg->end > st->passed)
			continue;
		sis_seg_fresh_ts(st, seg);
		kept = kmalloc(sizeof(*kept), GFP_ATOMIC);
		if (kept) {
			*kept = *seg;
			kept->held = NULL;
			kept->skb = skb_clone(seg->skb, GFP_ATOMIC);
			if (!kept->skb) {
				kfree(kept);
				kept = NULL;
			}
		}
		if (kept) {
			/* Same start, end and subtree_end: same place. */
			rb_replace_node(&seg->node, &kept->node, &st->tree);
			list_replace(&seg->list, &kept->list);
			st->held_bytes -= seg->end - seg->start;
		} else {
			sis_stream_unlink(st, seg);
		}
		list_add_tail(&seg->list, emit);
	}
}
EXPORT_SYMBOL_IF_KUNIT(sis_stream_release);

bool sis_stream_prune_last(struct sis_stream *st, struct list_head *done)
{
	struct sis_seg *seg;

	if (list_empty(&st->segs))
		return false;
	seg = list_last_entry(&st->segs, struct sis_seg, list);
	if (seg->start <= st->seen)
		return false;
	sis_stream_unlink(st, seg);
	list_add_tail(&seg->list, done);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(sis_stream_prune_last);

/* All of them, in order: the tree goes as a whole. */
void sis_stream_flush(struct sis_stream *st, struct list_head *done)
{
	list_splice_tail_init(&st->segs, done);
	st->tree = RB_ROOT;
	if (st->mem)
		atomic_long_sub(st->kept_mem, st->mem);
	st->kept_mem = 0;
	st->n_segs = 0;
	st->kept_bytes = 0;
	st->held_bytes = 0;
}
EXPORT_SYMBOL_IF_KUNIT(sis_stream_flush);

/**
 * sis_tcp_clear_urg() - Make urgent data ordinary data.
 * @skb: a TCP segment whose checksum is right or offloaded.
 * @th_off: its TCP header's offset from skb->data.
 *
 * Clears the URG flag and the urgent pointer, the checksum updated as
 * sis_seg_fresh_ts() updates it, so that the receiver reads the urgent byte
 * in line, as part of the stream (RFC 6093 section 3.4 describes
 * middleboxes doing the same).
 *
 * Return: 0, or -ENOMEM if the header could not be made writable.
 */
int sis_tcp_clear_urg(struct sk_buff *skb, unsigned int th_off)
{
	struct tcphdr *th;
	__be32 old;

	if (skb_ensure_writable(skb, th_off + sizeof(*th)))
		return -ENOMEM;
	th = (struct tcphdr *)(skb->data + th_off);
	old = tcp_flag_word(th);
	th->urg = 0;
	inet_proto_csum_replace4(&th->check, skb, old, tcp_flag_word(th),
				 false);
	inet_proto_csum_replace2(&th->check, skb, th->urg_ptr, 0, false);
	th->urg_ptr = 0;
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sis_tcp_clear_urg);
