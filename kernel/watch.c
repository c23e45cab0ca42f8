// SPDX-License-Identifier: GPL-2.0
/*
 * The scanners' side of tracked connections (paper section 4.2,
 * "reconstructed-stream scanning interface"): events to the watchers,
 * their passes, their timeouts and departures, and handing on the
 * segments they let go.
 *
 * A segment of a contained direction goes when every containing watcher
 * has passed all its bytes (sis_stream.passed is the lowest of their
 * passes). A watcher that cannot go on (its events could not be delivered,
 * it owes a pass for longer than its timeout, its subscription ends) gets
 * its scanner's fail policy: open, it no longer holds anything back; closed,
 * the direction is cut: what is held is dropped, and nothing more of it
 * goes. A containing watcher that leaves while failing closed (its
 * scanner exits or is deleted, its subscription ends) kills the
 * connection (reset.h).
 */
#include <linux/netfilter.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "bridge.h"
#include "compat.h"
#include "conn.h"
#include "held.h"
#include "queue.h"
#include "rewrite.h"
#include "scan.h"
#include "scanner.h"
#include "subscription.h"

static struct sis_stream_msg sis_msg(struct sis_conn *c,
				     const struct sis_watch *w, u8 event)
{
	return (struct sis_stream_msg) {
		.conn = c->id,
		.sub = w->sub->id,
		.event = event,
		.lost = &c->lost,
	};
}

void sis_conn_set_passed(struct sis_conn *c, int d)
{
	struct sis_stream *st = &c->st[d];
	u64 passed = U64_MAX;
	unsigned int i;

	st->contain = 0;
	for (i = 0; i < c->n_watch; i++) {
		const struct sis_watch *w = &c->watch[i];

		if (w->contain & BIT(d)) {
			passed = min(passed, w->passed[d]);
			st->contain++;
		}
	}
	st->passed = passed;
}

/*
 * What a containing watcher owes (bytes given, not passed) counts against
 * its scanner's max-bytes, over all its connections. Locked.
 */
void sis_watch_account(struct sis_conn *c, struct sis_watch *w, int d)
{
	u64 given = w->delivered[d], owed = 0;

	lockdep_assert_held(&c->lock);

	if (w->contain & BIT(d))
		owed = given - min(w->passed[d], given);
	if (owed != w->owed[d])
		atomic64_add(owed - w->owed[d], &w->sc->stream_owed);
	w->owed[d] = owed;
}

/* The connection goes: what its watchers owed is owed no more. Locked. */
void sis_conn_unaccount(struct sis_conn *c)
{
	unsigned int i;
	int d;

	lockdep_assert_held(&c->lock);

	for (i = 0; i < c->n_watch; i++) {
		c->watch[i].contain = 0;
		for (d = 0; d < SIS_STREAM_DIRS; d++)
			sis_watch_account(c, &c->watch[i], d);
	}
}

/*
 * Killed, connection @c holds and keeps nothing: its watchers get no more
 * of its bytes, only its end, and owe nothing. Locked.
 */
void sis_conn_silence(struct sis_conn *c)
{
	unsigned int i;

	lockdep_assert_held(&c->lock);

	for (i = 0; i < c->n_watch; i++) {
		c->watch[i].dirs = 0;
		memset(c->watch[i].owed_since, 0,
		       sizeof(c->watch[i].owed_since));
	}
	sis_conn_unaccount(c);
}

/* The watcher cannot go on with direction d: its fail policy. Locked. */
void sis_watch_fail(struct sis_conn *c, struct sis_watch *w, int d)
{
	lockdep_assert_held(&c->lock);

	if ((w->contain & BIT(d)) && w->sc->conf.fail == SIS_FAIL_CLOSED)
		c->st[d].cut = true;
	w->contain &= ~BIT(d);
	if (w->dirs & BIT(d))
		w->limit |= BIT(d);
	w->dirs &= ~BIT(d);
	w->owed_since[d] = 0;
	sis_watch_account(c, w, d);
}

/*
 * Held segments of direction @d on their way out (from @first on @emit),
 * rewritten for the direction's edits (rewrite.h) now, under the lock,
 * whatever edits came while they were held. Locked.
 */
static void sis_conn_rewrite_emitted(struct sis_conn *c, int d,
				     struct list_head *first,
				     struct list_head *emit)
{
	struct sis_seg *seg = list_entry(first, struct sis_seg, list);

	lockdep_assert_held(&c->lock);

	list_for_each_entry_from(seg, emit, list) {
		struct sis_held *h = seg->held;
		struct sk_buff *n = NULL;

		switch (sis_rewrite_seg(c, d, h->skb, seg->th_off,
					seg->data_off, seg->start,
					seg->end - seg->start, h->state.out,
					&n)) {
		case SIS_REWRITE_SAME:
			break;
		case SIS_REWRITE_RENUMBERED:
			if (c->stats)
				atomic64_inc(&c->stats->translated);
			break;
		case SIS_REWRITE_BUILT:
			if (c->stats)
				atomic64_inc(&c->stats->rewritten);
			consume_skb(h->skb);
			h->skb = n;
			seg->skb = n;
			break;
		case SIS_REWRITE_EMPTY:
		case SIS_REWRITE_FAILED:
			seg->drop = true;
			break;
		}
	}
}

void sis_conn_repass(struct sis_conn *c, int d, struct list_head *done,
		     struct list_head *emit)
{
	struct sis_stream *st = &c->st[d];
	struct list_head *last = emit->prev;

	sis_conn_set_passed(c, d);
	if (st->cut) {
		sis_stream_flush(st, done);
		return;
	}
	sis_stream_release(st, emit);
	if (!sis_seqmap_identity(&st->map) && last->next != emit)
		sis_conn_rewrite_emitted(c, d, last->next, emit);
}

/* Tell the watcher about the connection. False: not now, no room. */
static bool sis_watch_open(struct sis_conn *c, struct sis_watch *w)
{
	struct sis_stream_msg m = sis_msg(c, w, SIS_STREAM_EV_OPEN);
	int err;

	if (w->opened)
		return true;
	m.dir = w->cover;
	m.initiator = c->initiator;
	m.key = &c->key;
	err = sis_queue_stream(w->sc, &m);
	if (err == -ENOBUFS)
		return false;
	w->opened = true;
	if (err) {
		sis_watch_fail(c, w, 0);
		sis_watch_fail(c, w, 1);
	}
	return true;
}

/*
 * Hand the watcher what it has not had of direction d: the bytes up to
 * seen, in order, then the direction's end. A scanner whose socket has no
 * room (its receive buffer is full) gets the rest later: a containing one
 * when it has room (after its passes, the next segment, or the expiry
 * work), since the bytes wait for it anyway; a reading one never delays
 * anything, so it loses the direction instead, and is told with an end
 * (SIS_STREAM_END_LIMIT). Returns whether a fail policy changed what the
 * direction waits for. Locked.
 */
static bool sis_watch_deliver(struct sis_conn *c, struct sis_watch *w, int d)
{
	const struct sis_stream *st = &c->st[d];
	struct sis_stream_msg m;
	bool changed = false;
	int err;

	lockdep_assert_held(&c->lock);

	if (!(w->cover & BIT(d)) || (w->ended & BIT(d)))
		return false;
	/*
	 * A datagram of the scanner's with stream events was lost (netlink
	 * refused it despite sis_stream_room()): which bytes it missed is
	 * unknown, so every watcher of the scanner that was given some gives
	 * up the direction, by its fail policy, and is told (end: limit).
	 */
	if (unlikely(READ_ONCE(w->sc->stream_lost) != w->lost[d])) {
		w->lost[d] = READ_ONCE(w->sc->stream_lost);
		if ((w->dirs & BIT(d)) && w->delivered[d]) {
			changed = !!(w->contain & BIT(d));
			sis_watch_fail(c, w, d);
		}
	}
	if (!sis_watch_open(c, w))
		return changed;
	m = sis_msg(c, w, SIS_STREAM_EV_DATA);
	m.dir = sis_index_to_dir(d);
	while ((w->dirs & BIT(d)) && w->delivered[d] < st->seen) {
		u64 off = w->delivered[d];
		const struct sis_seg *seg = sis_stream_seg_at(st, off);

		if (WARN_ON_ONCE(!seg))
			break;
		m.held = w->contain & BIT(d);
		m.offset = off;
		m.skb = seg->skb;
		m.data_off = seg->data_off + (off - seg->start);
		m.len = min3(st->seen, seg->end, off + SIS_FRAME_DATA_MAX) - off;
		err = sis_queue_stream(w->sc, &m);
		if (err == -ENOBUFS)
			break;	/* later: the bytes are kept for it */
		if (err) {
			changed |= !!(w->contain & BIT(d));
			sis_watch_fail(c, w, d);
			break;
		}
		w->delivered[d] += m.len;
		if (m.held && !w->owed_since[d])
			w->owed_since[d] = jiffies | 1;
	}
	sis_watch_account(c, w, d);

	if (!(w->limit & BIT(d)) &&
	    (!st->end_reason ||
	     ((w->dirs & BIT(d)) && w->delivered[d] < st->seen)))
		return changed;
	m = sis_msg(c, w, SIS_STREAM_EV_END);
	m.dir = sis_index_to_dir(d);
	m.reason = w->limit & BIT(d) ? SIS_STREAM_END_LIMIT : st->end_reason;
	err = sis_queue_stream(w->sc, &m);
	if (err != -ENOBUFS)
		w->ended |= BIT(d);
	return changed;
}

/*
 * Bring every watcher up to date with both directions, once the
 * connection is open (established, or carrying data). Returns whether
 * some watcher still waits for room. Locked.
 */
bool sis_conn_deliver(struct sis_conn *c, struct list_head *done,
		      struct list_head *emit)
{
	bool pending = false;
	unsigned int i;
	int d;

	lockdep_assert_held(&c->lock);

	if (!c->open)
		return false;
	for (d = 0; d < SIS_STREAM_DIRS; d++) {
		bool changed = false;

		for (i = 0; i < c->n_watch; i++) {
			struct sis_watch *w = &c->watch[i];

			changed |= sis_watch_deliver(c, w, d);
			pending |= (w->cover & BIT(d)) &&
				   !(w->ended & BIT(d)) &&
				   (!w->opened ||
				    (w->dirs & BIT(d) &&
				     w->delivered[d] < c->st[d].seen) ||
				    (w->limit & BIT(d)) ||
				    c->st[d].end_reason);
		}
		if (changed)
			sis_conn_repass(c, d, done, emit);
	}
	return pending;
}

/* Directions @dirs end, for @reason (the first reason stays). Locked. */
void sis_conn_end(struct sis_conn *c, u8 dirs, u8 reason)
{
	int d;

	lockdep_assert_held(&c->lock);

	for (d = 0; d < SIS_STREAM_DIRS; d++)
		if ((dirs & BIT(d)) && !c->st[d].end_reason)
			c->st[d].end_reason = reason;
}

/* Watchers owing a pass for longer than their scanner's timeout. */
void sis_conn_overdue(struct sis_conn *c, unsigned long now,
		      struct list_head *done, struct list_head *emit)
{
	unsigned int i;
	int d;

	for (d = 0; d < SIS_STREAM_DIRS; d++) {
		bool changed = false;

		for (i = 0; i < c->n_watch; i++) {
			struct sis_watch *w = &c->watch[i];
			struct sis_scanner *sc = w->sc;
			unsigned long due;

			if (!w->owed_since[d])
				continue;
			due = w->owed_since[d] +
			      msecs_to_jiffies(sc->conf.timeout_ms);
			if (time_before(now, due))
				continue;
			spin_lock(&sc->lock);
			sc->counts.timeouts++;
			spin_unlock(&sc->lock);
			if (sc->conf.fail == SIS_FAIL_CLOSED) {
				sis_watch_fail(c, w, d);
			} else {
				/* Open: what it was given passes. */
				w->passed[d] = w->delivered[d];
				w->owed_since[d] = 0;
				sis_watch_account(c, w, d);
			}
			changed = true;
		}
		if (changed)
			sis_conn_repass(c, d, done, emit);
	}
}

/*
 * Hand on the held segments on @emit, passed by every stream scanner, in
 * order: frame scanners see them now (a frame scanner may hold one again),
 * then the bridge's hooks after SIS's own. Any context but hard
 * interrupts; no lock held.
 */
void sis_conn_emit(struct sis_bridge *sb, struct list_head *emit)
{
	struct sis_seg *seg, *tmp;

	if (list_empty(emit))
		return;
	local_bh_disable();
	rcu_read_lock();
	list_for_each_entry_safe(seg, tmp, emit, list) {
		struct sis_held *h = seg->held;
		unsigned int verdict = seg->drop ? NF_DROP : NF_ACCEPT;

		if (!seg->drop && atomic_read(&sb->n_subs))
			verdict = sis_scan(sb, h->dir, h->skb, &h->state);
		if (verdict == NF_STOLEN)
			sis_held_forget(h);
		else
			sis_held_decide(h, verdict == NF_DROP);
		list_del(&seg->list);
		kfree(seg);
	}
	rcu_read_unlock();
	local_bh_enable();
}

struct sis_watch *sis_watch_find(struct sis_conn *c,
				 const struct sis_scanner *sc)
{
	unsigned int i;

	for (i = 0; i < c->n_watch; i++)
		if (c->watch[i].sc == sc)
			return &c->watch[i];
	return NULL;
}

/* Does the watcher's going cut a direction (it contains, fails closed)? */
static bool sis_watch_cuts(const struct sis_watch *w)
{
	return w->contain && w->sc->conf.fail == SIS_FAIL_CLOSED;
}

/*
 * A stream subscription ends (unsubscribe, scanner exit or deletion,
 * capability deleted): its watchers go, with the scanner's fail policy
 * for what they contained. Failing closed, a connection a watcher
 * contained is killed (reset.h): its held bytes are dropped, and it could
 * only stall. A connection nothing watches any more is no longer tracked,
 * unless killed: that one stays, closing, so that nothing more of it goes.
 * Under RTNL, before the subscription is freed.
 */
void sis_conn_unwatch(struct sis_bridge *sb, struct sis_sub *sub)
{
	struct sk_buff_head rsts;
	struct sis_conn *c;
	LIST_HEAD(done);
	LIST_HEAD(emit);

	__skb_queue_head_init(&rsts);

	ASSERT_RTNL();

	/*
	 * A SYN may have matched it and its connection be on the way in: from
	 * here on it is either in the list below or not inserted with this
	 * watcher (sis_conn_insert()), which looks under the same lock.
	 */
	spin_lock_bh(&sb->conns.lock);
	sub->gone = true;
	spin_unlock_bh(&sb->conns.lock);

	rcu_read_lock();
	list_for_each_entry_rcu(c, &sb->conns.list, list) {
		bool orphan = false, kill;
		unsigned int i;

		spin_lock_bh(&c->lock);
		for (i = 0; i < c->n_watch; i++) {
			struct sis_watch *w = &c->watch[i];
			int d;

			if (w->sub != sub)
				continue;
			/* Before the held bytes go: RCV.NXT is reckoned. */
			kill = sis_watch_cuts(w) && !c->dead;
			if (kill)
				sis_conn_kill(sb, c, &rsts, &done);
			for (d = 0; d < SIS_STREAM_DIRS; d++)
				sis_watch_fail(c, w, d);
			c->watch[i] = c->watch[--c->n_watch];
			for (d = 0; d < SIS_STREAM_DIRS; d++)
				sis_conn_repass(c, d, &done, &emit);
			/*
			 * Left to nobody: let go, unless a scanner edited it,
			 * whose ends only SIS can carry segments between.
			 */
			if (!c->n_watch && !kill && !c->dead &&
			    sis_conn_carried(c)) {
				sis_conn_kill(sb, c, &rsts, &done);
				kill = true;
			}
			/* The others are told: end, killed. */
			if (kill)
				sis_conn_deliver(c, &done, &emit);
			orphan = !c->n_watch && !kill;
			break;
		}
		spin_unlock_bh(&c->lock);
		sis_conn_finish_lost(c);
		sis_resets_send(sb, &rsts);
		if (orphan) {
			/* Let go what it held first: nothing judges it now. */
			sis_conn_emit(sb, &emit);
			sis_conn_unlink(sb, c, &done);
		}
	}
	rcu_read_unlock();
	sis_conn_emit(sb, &emit);
	sis_segs_free(&done);
}
