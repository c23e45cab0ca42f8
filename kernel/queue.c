// SPDX-License-Identifier: GPL-2.0
/*
 * Delivery, held frames and verdicts of one scanner (queue.h): when its
 * batch goes (batch.c builds it), what it holds, its timeouts.
 */
#include <linux/jiffies.h>
#include <linux/spinlock.h>
#include <kunit/visibility.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "batch.h"
#include "bridge.h"
#include "compat.h"
#include "conn.h"
#include "held.h"
#include "netlink.h"
#include "queue.h"
#include "scanner.h"
#include "subscription.h"

/* How long frames may gather while a scanner is busy (queue.h). */
#define SIS_COALESCE_US	50

/* Send what the batch holds now: the timer, or the end of verdicts. */
static void sis_queue_send(struct sis_scanner *sc, bool end_verdicts)
{
	LIST_HEAD(lost);

	spin_lock_bh(&sc->lock);
	if (end_verdicts)
		sc->in_verdicts = false;
	if (sc->sk)
		sis_batch_send(sc, &lost);
	spin_unlock_bh(&sc->lock);
	sis_holds_finish(&lost);
}

static enum hrtimer_restart sis_queue_flush(struct hrtimer *t)
{
	sis_queue_send(container_of(t, struct sis_scanner, flush), false);
	return HRTIMER_NORESTART;
}

/*
 * The datapath could not hold a frame for the scanner (out of memory):
 * counted as lost. Returns whether the fail policy cuts it.
 */
bool sis_queue_lost(struct sis_scanner *sc)
{
	spin_lock(&sc->lock);
	sc->counts.lost++;
	spin_unlock(&sc->lock);
	return sis_fail_cut(sc);
}

/*
 * Send the batch now, or soon. What scanning costs most is a datagram per
 * frame, and waking the scanner up for each:
 * - while the scanner applies verdicts, the frames they let go and the
 *   replies those cause wait in the batch until its request ends
 *   (sis_queue_verdicts()): it reads them all right after, awake;
 * - while it still owes verdicts, new frames wait for its next verdict
 *   request the same way, SIS_COALESCE_US at most (a soft hrtimer);
 * - copies, which delay no traffic, gather for SIS_COALESCE_US, like
 *   interrupt coalescing in a NIC: a DNS query and its reply make one
 *   wake-up, after the exchange rather than in the middle of it;
 * - a held frame for a scanner that owes nothing (a SYN, the first frame
 *   of a burst) goes at once, with the copies gathered before it.
 * A full batch goes at once in every case (sis_batch_frame()).
 */
static void sis_queue_kick(struct sis_scanner *sc, bool held,
			   struct list_head *lost)
{
	bool wait;

	if (sc->in_verdicts)
		return;
	/* Copies wait; so does a held frame while older ones are owed. */
	wait = !held || sc->n_held > 1;
	if (!wait)
		sis_batch_send(sc, lost);
	else if (!hrtimer_is_queued(&sc->flush))
		hrtimer_start(&sc->flush,
			      ns_to_ktime(SIS_COALESCE_US * NSEC_PER_USEC),
			      HRTIMER_MODE_REL_SOFT);
}

/*
 * Deliver a frame (skb->data at its Ethernet header, len bytes long) to an
 * attached scanner, as a copy or, when h is given, held until the scanner
 * decides. A frame the scanner cannot hold (limits, memory) gets its fail
 * policy at once. Datapath context: RCU, bottom halves disabled.
 */
void sis_queue_deliver(struct sis_scanner *sc, const struct sis_sub *sub,
		       struct sk_buff *skb, unsigned int len, u8 dir,
		       struct sis_held *h)
{
	struct sis_hold *hold = NULL;
	bool fail = false;
	LIST_HEAD(lost);
	u64 num;

	spin_lock(&sc->lock);
	if (!sc->sk)
		goto out;	/* the process left: its subscriptions go too */
	if (h) {
		if (sc->n_held >= sc->conf.max_held ||
		    sc->held_bytes + len > sc->conf.max_bytes) {
			sc->counts.overflows++;
			fail = true;
			goto out;
		}
		hold = sis_hold_get(h);
		if (!hold) {
			sc->counts.lost++;
			fail = true;
			goto out;
		}
		hold->frame = h;
	}
	num = sc->last_num + 1;
	if (sis_batch_frame(sc, sub, skb, len, dir, num, h, &lost)) {
		sc->counts.lost++;
		fail = !!h;
		goto out;
	}
	sc->last_num = num;
	sc->counts.frames++;
	if (h) {
		__set_bit(num % SIS_RECENT_FRAMES, sc->recent_held);
		hold->num = num;
		hold->len = len;
		hold->deadline = jiffies + msecs_to_jiffies(sc->conf.timeout_ms);
		atomic_inc(&h->pending);
		/*
		 * A pending timer fires no later than this deadline: it was
		 * set for an older frame, and re-arms for the oldest left.
		 */
		if (list_empty(&sc->held) && !timer_pending(&sc->timer))
			mod_timer(&sc->timer, hold->deadline);
		list_add_tail(&hold->list, &sc->held);
		sc->n_held++;
		sc->held_bytes += len;
		hold = NULL;
	} else {
		__clear_bit(num % SIS_RECENT_FRAMES, sc->recent_held);
	}
	sis_count_frame(sub->stats, len, false);
	sis_count_frame(sub->cap->stats, len, false);
	sis_queue_kick(sc, h, &lost);
out:
	spin_unlock(&sc->lock);
	if (hold)
		sis_hold_put(hold);
	if (fail && sis_fail_cut(sc))
		WRITE_ONCE(h->cut, true);
	sis_holds_finish(&lost);
}
EXPORT_SYMBOL_IF_KUNIT(sis_queue_deliver);

/*
 * Deliver a stream event (conn.c) to an attached scanner, in its batch with
 * its frames (sis_batch_stream()). Held data goes at once, like a held
 * frame, and so does an end; the rest gathers. Returns 0; -ENOBUFS without
 * room, or when the datagram that carried an end was refused (to be sent
 * again); another error if it could not be delivered (counted as lost).
 * Under the connection's lock, bottom halves disabled.
 */
int sis_queue_stream(struct sis_scanner *sc, const struct sis_stream_msg *m)
{
	int err = -ENOTCONN;
	LIST_HEAD(lost);

	spin_lock(&sc->lock);
	if (!sc->sk)
		goto out;
	err = sis_batch_stream(sc, m, &lost);
	if (err == -ENOBUFS)
		goto out;
	if (err) {
		sc->counts.lost++;
		goto out;
	}
	if (m->event == SIS_STREAM_EV_END) {
		u32 lost_before = sc->stream_lost;

		/*
		 * The last its watcher hears of the direction, and the
		 * connection may go once it is told: sent now, so that a
		 * datagram netlink refuses is known to have carried it (the
		 * watcher is told again, and learns what it lost, watch.c).
		 */
		sis_batch_send(sc, &lost);
		err = sc->stream_lost == lost_before ? 0 : -ENOBUFS;
		goto out;
	}
	sis_queue_kick(sc, m->held, &lost);
out:
	spin_unlock(&sc->lock);
	/* A lost batch may have held frames: finished by the caller. */
	list_splice_tail(&lost, m->lost);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(sis_queue_stream);

/* Verdict timeouts: the oldest held frames first, the fail policy decides. */
static void sis_queue_timeout(struct timer_list *t)
{
	struct sis_scanner *sc = from_timer(sc, t, timer);
	struct sis_hold *hold, *tmp;
	LIST_HEAD(expired);

	spin_lock_bh(&sc->lock);
	list_for_each_entry_safe(hold, tmp, &sc->held, list) {
		if (time_before(jiffies, hold->deadline)) {
			mod_timer(&sc->timer, hold->deadline);
			break;
		}
		hold->cut = sis_fail_cut(sc);
		sc->n_held--;
		sc->held_bytes -= hold->len;
		sc->counts.timeouts++;
		list_move_tail(&hold->list, &expired);
	}
	spin_unlock_bh(&sc->lock);
	sis_holds_finish(&expired);
}

void sis_queue_init(struct sis_scanner *sc)
{
	spin_lock_init(&sc->lock);
	INIT_LIST_HEAD(&sc->held);
	timer_setup(&sc->timer, sis_queue_timeout, 0);
	hrtimer_init(&sc->flush, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	sc->flush.function = sis_queue_flush;
	ratelimit_state_init(&sc->alert_rs, HZ, SIS_ALERT_RATE);
	ratelimit_set_flags(&sc->alert_rs, RATELIMIT_MSG_ON_RELEASE);
	sc->attach.budget = SIS_ALERT_ATTACH_BUDGET;
	sc->attach.stamp = jiffies;
	ratelimit_state_init(&sc->inject_rs, HZ,
			     sc->conf.inject_rate ?: SIS_INJECT_RATE);
	ratelimit_set_flags(&sc->inject_rs, RATELIMIT_MSG_ON_RELEASE);
}
EXPORT_SYMBOL_IF_KUNIT(sis_queue_init);

/*
 * The process attaches with its socket @sk (bound to @portid): the scanner is
 * that socket from now on, not the number, which anyone may bind once the
 * socket closes (sis_nl_deliver()).
 */
int sis_queue_attach(struct sis_scanner *sc, struct sock *sk, u32 portid,
		     pid_t pid, struct netlink_ext_ack *extack)
{
	int err = 0;

	spin_lock_bh(&sc->lock);
	if (sc->sk) {
		NL_SET_ERR_MSG(extack,
			       "another process is attached as this scanner");
		err = -EBUSY;
	} else {
		sock_hold(sk);
		WRITE_ONCE(sc->sk, sk);
		WRITE_ONCE(sc->portid, portid);
		sc->pid = pid;
		sc->last_num = 0;
		bitmap_zero(sc->recent_held, SIS_RECENT_FRAMES);
	}
	spin_unlock_bh(&sc->lock);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(sis_queue_attach);

/*
 * The process is gone, or the scanner is: every frame it holds gets the
 * fail policy at once, unsent frames are dropped and the alert attachment
 * open is abandoned (its further pieces are refused). Returns the socket
 * that was attached, whose reference the caller puts, or NULL if none.
 * Process context.
 */
struct sock *sis_queue_release(struct sis_scanner *sc)
{
	struct sis_hold *hold;
	LIST_HEAD(released);
	struct sock *sk;

	spin_lock_bh(&sc->lock);
	sk = sc->sk;
	WRITE_ONCE(sc->sk, NULL);
	WRITE_ONCE(sc->portid, 0);
	sc->pid = 0;
	/* Its attachment is abandoned; the budget stays the scanner's. */
	sc->attach.id = 0;
	nlmsg_free(sc->batch);
	sc->batch = NULL;
	sc->batch_held_from = 0;
	list_for_each_entry(hold, &sc->held, list)
		hold->cut = sis_fail_cut(sc);
	sc->counts.released += sc->n_held;
	list_splice_init(&sc->held, &released);
	sc->n_held = 0;
	sc->held_bytes = 0;
	spin_unlock_bh(&sc->lock);
	timer_delete(&sc->timer);
	sis_holds_finish(&released);
	return sk;
}
EXPORT_SYMBOL_IF_KUNIT(sis_queue_release);

/* After the last release: nothing may run any more. Process context. */
void sis_queue_stop(struct sis_scanner *sc)
{
	WARN_ON_ONCE(!list_empty(&sc->held) || sc->batch);
	hrtimer_cancel(&sc->flush);
	timer_delete_sync(&sc->timer);
}
EXPORT_SYMBOL_IF_KUNIT(sis_queue_stop);

static int sis_verdict_check(const struct sis_scanner *sc,
			     const struct sis_verdict *v, unsigned int i,
			     struct netlink_ext_ack *extack)
{
	if (v->reserved ||
	    (v->verdict != SIS_VERDICT_PASS && v->verdict != SIS_VERDICT_CUT)) {
		NL_SET_ERR_MSG_FMT(extack,
				   "verdict %u: unknown verdict code or reserved bits set",
				   i);
		return -EINVAL;
	}
	if (!v->frame || v->frame > sc->last_num) {
		NL_SET_ERR_MSG_FMT(extack,
				   "verdict %u: frame %llu was never delivered",
				   i, v->frame);
		return -EINVAL;
	}
	if (v->frame + SIS_RECENT_FRAMES > sc->last_num &&
	    !test_bit(v->frame % SIS_RECENT_FRAMES, sc->recent_held)) {
		NL_SET_ERR_MSG_FMT(extack,
				   "verdict %u: frame %llu was delivered read-only",
				   i, v->frame);
		return -EPERM;
	}
	return 0;
}

/*
 * Apply a scanner's verdicts. The whole request is checked first, so that
 * a bad one changes nothing. Held frames are kept in number order and
 * verdicts mostly come in that order, so the search starts at the oldest.
 */
int sis_queue_verdicts(struct sis_scanner *sc, const struct sis_verdict *v,
		       unsigned int n, struct netlink_ext_ack *extack)
{
	struct sis_hold *hold;
	LIST_HEAD(decided);
	unsigned int i;
	int err = 0;

	spin_lock_bh(&sc->lock);
	for (i = 0; i < n; i++) {
		err = sis_verdict_check(sc, &v[i], i, extack);
		if (err)
			goto out;
	}
	for (i = 0; i < n; i++) {
		bool found = false;

		list_for_each_entry(hold, &sc->held, list) {
			if (hold->num >= v[i].frame) {
				found = hold->num == v[i].frame;
				break;
			}
		}
		if (!found) {
			sc->counts.stale++;
			continue;
		}
		hold->cut = v[i].verdict == SIS_VERDICT_CUT;
		if (hold->cut)
			sc->counts.cut++;
		else
			sc->counts.passed++;
		sc->n_held--;
		sc->held_bytes -= hold->len;
		list_move_tail(&hold->list, &decided);
	}
	sc->in_verdicts = true;
out:
	spin_unlock_bh(&sc->lock);
	if (err)
		return err;
	sis_holds_finish(&decided);
	/* What the frames it let go caused is for the scanner to read next. */
	sis_queue_send(sc, true);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sis_queue_verdicts);

/* A copy of a frame the scanner holds, for an alert. */
int sis_queue_copy_held(struct sis_scanner *sc, u64 num, void *to,
			unsigned int max, unsigned int *len, u8 *dir)
{
	struct sis_hold *hold;
	int err = -ENOENT;

	spin_lock_bh(&sc->lock);
	list_for_each_entry(hold, &sc->held, list) {
		if (hold->num != num)
			continue;
		*len = hold->len;
		*dir = hold->frame->dir;
		sis_copy_frame(hold->frame->skb, to, min(max, hold->len));
		err = 0;
		break;
	}
	spin_unlock_bh(&sc->lock);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(sis_queue_copy_held);
