// SPDX-License-Identifier: GPL-2.0
/* The kept segments of one direction of a connection (stream.h). */
#include <linux/slab.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include <net/checksum.h>
#include <net/tcp.h>

#include "stream.h"

void sis_stream_init(struct sis_stream *st)
{
	memset(st, 0, sizeof(*st));
	INIT_LIST_HEAD(&st->segs);
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

	if (start >= st->top)
		return true;	/* new bytes: the usual case */
	/* Sorted by start: only the last max_len bytes' worth can overlap. */
	list_for_each_entry_reverse(seg, &st->segs, list) {
		u64 from, to;

		if (seg->start + st->max_len <= start)
			break;
		if (seg->start >= end)
			continue;
		from = max(seg->start, start);
		to = min(seg->end, end);
		if (from >= to)
			continue;
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
	struct sis_seg *seg;

	if (cur >= end)
		return true;
	if (end > st->top)
		return false;	/* new bytes: the usual case */
	if (end <= st->seen)
		return true;	/* every byte in [acked, seen) is kept */
	list_for_each_entry(seg, &st->segs, list) {
		if (cur >= end || seg->start > cur)
			break;
		cur = max(cur, seg->end);
	}
	return cur >= end;
}
EXPORT_SYMBOL_IF_KUNIT(sis_stream_covered);

/* Sorted by start; segments mostly come in order, so from the tail. */
void sis_stream_insert(struct sis_stream *st, struct sis_seg *seg)
{
	struct sis_seg *pos;

	list_for_each_entry_reverse(pos, &st->segs, list) {
		if (pos->start <= seg->start) {
			list_add(&seg->list, &pos->list);
			goto added;
		}
	}
	list_add(&seg->list, &st->segs);
added:
	if (st->mem)
		atomic_long_add(seg->mem, st->mem);
	st->n_segs++;
	st->kept_bytes += seg->end - seg->start;
	st->max_len = max_t(u32, st->max_len, seg->end - seg->start);
	st->top = max(st->top, seg->end);
	if (seg->held)
		st->held_bytes += seg->end - seg->start;
}
EXPORT_SYMBOL_IF_KUNIT(sis_stream_insert);

u64 sis_stream_contiguous(const struct sis_stream *st)
{
	u64 cur = st->seen;
	struct sis_seg *seg;

	list_for_each_entry(seg, &st->segs, list) {
		if (seg->start > cur)
			break;
		cur = max(cur, seg->end);
	}
	return cur;
}
EXPORT_SYMBOL_IF_KUNIT(sis_stream_contiguous);

/*
 * No kept segment that starts at or before seen ends after it (else seen
 * would be further on): only @seg and those after it can extend it.
 */
u64 sis_stream_contiguous_after(const struct sis_stream *st,
				const struct sis_seg *seg)
{
	u64 cur = st->seen;

	if (seg->start > cur)
		return cur;
	cur = max(cur, seg->end);
	list_for_each_entry_continue(seg, &st->segs, list) {
		if (seg->start > cur)
			break;
		cur = max(cur, seg->end);
	}
	return cur;
}
EXPORT_SYMBOL_IF_KUNIT(sis_stream_contiguous_after);

const struct sis_seg *sis_stream_seg_at(const struct sis_stream *st, u64 off)
{
	const struct sis_seg *seg, *best = NULL;

	list_for_each_entry_reverse(seg, &st->segs, list) {
		if (seg->start + st->max_len <= off)
			break;
		if (seg->start <= off && seg->end > off &&
		    (!best || seg->end > best->end))
			best = seg;
	}
	return best;
}
EXPORT_SYMBOL_IF_KUNIT(sis_stream_seg_at);

bool sis_stream_copy(const struct sis_stream *st, u64 off, void *to,
		     unsigned int len)
{
	struct sis_seg *seg;

	list_for_each_entry(seg, &st->segs, list) {
		unsigned int n;

		if (!len)
			break;
		if (seg->start > off)
			return false;
		if (seg->end <= off)
			continue;
		n = min_t(u64, len, seg->end - off);
		if (skb_copy_bits(seg->skb, seg->data_off + (off - seg->start),
				  to, n))
			return false;
		to += n;
		off += n;
		len -= n;
	}
	return !len;
}
EXPORT_SYMBOL_IF_KUNIT(sis_stream_copy);

static void sis_stream_unlink(struct sis_stream *st, struct sis_seg *seg)
{
	list_del(&seg->list);
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
	struct sk_buff *skb = seg->skb;
	__be32 *ts, old;
	struct tcphdr *th;

	if (!seg->ts_off)
		return;
	if (!st->ts_seen || !before(seg->tsval, st->ts_max)) {
		sis_stream_ts(st, seg->tsval);
		return;
	}
	if (skb_ensure_writable(skb, seg->ts_off + 4))
		return;
	ts = (__be32 *)(skb->data + seg->ts_off);
	th = (struct tcphdr *)(skb->data + seg->th_off);
	old = *ts;
	*ts = htonl(st->ts_max);
	inet_proto_csum_replace4(&th->check, skb, old, *ts, false);
	/* A checksum over the whole frame no longer holds. */
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;
	seg->tsval = st->ts_max;
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
			list_replace(&seg->list, &kept->list);
			st->held_bytes -= seg->end - seg->start;
		} else {
			sis_stream_unlink(st, seg);
		}
		list_add_tail(&seg->list, emit);
	}
}
EXPORT_SYMBOL_IF_KUNIT(sis_stream_release);

void sis_stream_flush(struct sis_stream *st, struct list_head *done)
{
	struct sis_seg *seg, *tmp;

	list_for_each_entry_safe(seg, tmp, &st->segs, list) {
		sis_stream_unlink(st, seg);
		list_add_tail(&seg->list, done);
	}
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
