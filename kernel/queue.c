// SPDX-License-Identifier: GPL-2.0
/* Delivery, held frames and verdicts of one scanner (queue.h). */
#include <linux/jiffies.h>
#include <linux/spinlock.h>
#include <kunit/visibility.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "bridge.h"
#include "compat.h"
#include "conn.h"
#include "held.h"
#include "netlink.h"
#include "queue.h"
#include "scanner.h"
#include "subscription.h"

static bool sis_fail_cut(const struct sis_scanner *sc)
{
	return sc->conf.fail == SIS_FAIL_CLOSED;
}

/* How long frames may gather while a scanner is busy (queue.h). */
#define SIS_COALESCE_US	50

/* Frames whose copies are this long or longer are not copied. */
#define SIS_ZEROCOPY_MIN	1024

/* A batch's room, at least: a kmalloc-2k head with its shared info. */
#define SIS_BATCH_SIZE	(SKB_WITH_OVERHEAD(2048) - NLMSG_HDRLEN)

/* Size of one SIS_CMD_FRAME message carrying snap bytes of data. */
static size_t sis_frame_msg_size(unsigned int snap)
{
	size_t payload = nla_total_size(0) +		/* SIS_A_FRAME */
			 nla_total_size_64bit(sizeof(u64)) +	/* NUM */
			 nla_total_size(sizeof(u32)) +	/* SUB */
			 nla_total_size(sizeof(u8)) +	/* DIR */
			 nla_total_size(sizeof(u32)) +	/* LEN */
			 nla_total_size(0) +		/* HELD */
			 nla_total_size(snap);		/* DATA */

	return nlmsg_total_size(GENL_HDRLEN + payload);
}

/*
 * Send the batch. If the socket cannot take it (receive buffer full, or
 * gone), its frames are lost: the held ones among them are moved to *lost
 * with the fail policy's decision. Under sc->lock.
 */
static void sis_batch_send(struct sis_scanner *sc, struct list_head *lost)
{
	struct sk_buff *skb = sc->batch;
	struct sis_hold *hold, *tmp;
	u64 from = sc->batch_held_from;
	unsigned int streams;
	int err;

	lockdep_assert_held(&sc->lock);

	if (!skb)
		return;
	sc->batch = NULL;
	sc->batch_held_from = 0;
	err = sis_nl_deliver(sc->sk, skb);
	streams = sc->batch_streams;
	sc->batch_streams = 0;
	if (!err)
		return;
	sc->counts.lost += sc->batch_frames;
	/* Its watchers find out and give up (watch.c): rare, see room. */
	if (streams)
		WRITE_ONCE(sc->stream_lost, sc->stream_lost + 1);
	if (!from)
		return;
	list_for_each_entry_safe_reverse(hold, tmp, &sc->held, list) {
		if (hold->num < from)
			break;
		hold->cut = sis_fail_cut(sc);
		sc->n_held--;
		sc->held_bytes -= hold->len;
		list_move(&hold->list, lost);
	}
}

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
 * A long frame's data is not copied: the message refers to the frame's
 * pages, as nfnetlink_queue does, and the only copy is the scanner's read.
 * Such a message ends its datagram (its data follows in fragments), so it
 * closes the batch. Under sc->lock.
 */
static int sis_batch_frame_zerocopy(struct sis_scanner *sc,
				    const struct sis_sub *sub,
				    struct sk_buff *skb, unsigned int len,
				    u8 dir, u64 num, bool held,
				    unsigned int snap, struct list_head *lost)
{
	unsigned int hlen = min(skb_zerocopy_headlen(skb), snap);
	struct nlattr *nest, *data;
	struct sk_buff *msg;
	void *hdr;

	lockdep_assert_held(&sc->lock);

	sis_batch_send(sc, lost);
	msg = nlmsg_new(sis_frame_msg_size(0) + hlen, GFP_ATOMIC);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, 0, 0, &sis_genl_family, 0, SIS_CMD_FRAME);
	nest = hdr ? nla_nest_start(msg, SIS_A_FRAME) : NULL;
	if (!nest ||
	    nla_put_u64_64bit(msg, SIS_FRAME_A_NUM, num, SIS_FRAME_A_PAD) ||
	    nla_put_u32(msg, SIS_FRAME_A_SUB, sub->id) ||
	    nla_put_u8(msg, SIS_FRAME_A_DIR, dir) ||
	    nla_put_u32(msg, SIS_FRAME_A_LEN, len) ||
	    (held && nla_put_flag(msg, SIS_FRAME_A_HELD)) ||
	    skb_tailroom(msg) < sizeof(*data) + hlen)
		goto err_free;
	data = skb_put(msg, sizeof(*data));
	data->nla_type = SIS_FRAME_A_DATA;
	data->nla_len = nla_attr_size(snap);
	if (skb_zerocopy(msg, skb, snap, hlen))
		goto err_free;
	/* The nest and the message end past the linear part. */
	nest->nla_len = msg->len - ((unsigned char *)nest - msg->data);
	nlmsg_hdr(msg)->nlmsg_len = msg->len;
	sc->batch = msg;
	sc->batch_frames = 1;
	sc->batch_closed = true;
	if (held)
		sc->batch_held_from = num;
	return 0;

err_free:
	kfree_skb(msg);
	return -EMSGSIZE;
}

/*
 * A batch starts at the size of its first frame; a second frame moves it to
 * an skb with room for a burst (small: most bursts are a few frames; slab,
 * not pages). If that fails the batch is sent as it is. Under sc->lock.
 */
static void sis_batch_grow(struct sis_scanner *sc)
{
	struct sk_buff *big = nlmsg_new(SIS_BATCH_SIZE, GFP_ATOMIC);

	lockdep_assert_held(&sc->lock);

	if (!big)
		return;
	skb_put_data(big, sc->batch->data, sc->batch->len);
	consume_skb(sc->batch);
	sc->batch = big;
}

/* Append a SIS_CMD_FRAME message to the batch, sending it first if full. */
static int sis_batch_frame(struct sis_scanner *sc, const struct sis_sub *sub,
			   struct sk_buff *skb, unsigned int len, u8 dir,
			   u64 num, bool held, struct list_head *lost)
{
	unsigned int snap = min3(sub->snaplen ?: len, len,
				 (unsigned int)SIS_FRAME_DATA_MAX);
	size_t size = sis_frame_msg_size(snap);
	struct nlattr *nest, *data;
	void *hdr;

	if (snap >= SIS_ZEROCOPY_MIN && skb_is_nonlinear(skb))
		return sis_batch_frame_zerocopy(sc, sub, skb, len, dir, num,
						held, snap, lost);
	if (sc->batch && !sc->batch_closed && skb_tailroom(sc->batch) < size &&
	    sc->batch->len + size <= SIS_BATCH_SIZE)
		sis_batch_grow(sc);
	if (sc->batch &&
	    (sc->batch_closed || skb_tailroom(sc->batch) < size))
		sis_batch_send(sc, lost);
	if (!sc->batch) {
		/*
		 * A held frame mostly goes alone (a ping, a SYN, a reply let
		 * go by a verdict): its own size, grown by a second frame
		 * (sis_batch_grow()). Copies wait for company: room for it.
		 */
		sc->batch = nlmsg_new(held ? size :
				      max_t(size_t, size, SIS_BATCH_SIZE),
				      GFP_ATOMIC);
		if (!sc->batch)
			return -ENOMEM;
		sc->batch_frames = 0;
		sc->batch_closed = false;
	}
	hdr = genlmsg_put(sc->batch, 0, 0, &sis_genl_family, 0, SIS_CMD_FRAME);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(sc->batch, SIS_A_FRAME);
	if (!nest ||
	    nla_put_u64_64bit(sc->batch, SIS_FRAME_A_NUM, num,
			      SIS_FRAME_A_PAD) ||
	    nla_put_u32(sc->batch, SIS_FRAME_A_SUB, sub->id) ||
	    nla_put_u8(sc->batch, SIS_FRAME_A_DIR, dir) ||
	    nla_put_u32(sc->batch, SIS_FRAME_A_LEN, len) ||
	    (held && nla_put_flag(sc->batch, SIS_FRAME_A_HELD)))
		goto err_cancel;
	data = nla_reserve(sc->batch, SIS_FRAME_A_DATA, snap);
	if (!data)
		goto err_cancel;
	sis_copy_frame(skb, nla_data(data), snap);
	nla_nest_end(sc->batch, nest);
	genlmsg_end(sc->batch, hdr);
	sc->batch_frames++;
	if (held && !sc->batch_held_from)
		sc->batch_held_from = num;
	return 0;

err_cancel:
	genlmsg_cancel(sc->batch, hdr);
	return -EMSGSIZE;
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

/* Size of a stream event's message carrying @data bytes of its data. */
static size_t sis_stream_msg_size(const struct sis_stream_msg *m,
				  unsigned int data)
{
	size_t payload = nla_total_size(0) +		/* SIS_A_STREAM */
			 nla_total_size_64bit(sizeof(u64)) +	/* CONN */
			 nla_total_size(sizeof(u32)) +	/* SUB */
			 3 * nla_total_size(sizeof(u8)) +	/* EVENT DIR REASON */
			 nla_total_size_64bit(sizeof(u64)) +	/* OFFSET */
			 nla_total_size(0) +		/* HELD */
			 nla_total_size(data);		/* DATA */

	if (m->event == SIS_STREAM_EV_OPEN)
		payload += 2 * nla_total_size(sizeof(struct in6_addr)) +
			   3 * nla_total_size(sizeof(u16)) +
			   nla_total_size(sizeof(u8));
	return nlmsg_total_size(GENL_HDRLEN + payload);
}

/*
 * Stream data is not copied either when most of it lies in the kept
 * segment's page fragments: the message refers to those pages, and only
 * the bytes in the segment's head, if the range starts there, are copied.
 * Copied instead: data in a frag list, user pages lent with MSG_ZEROCOPY
 * (their owner is told it may reuse them once the segment is freed, and
 * the message may outlive it) and fragments the CPU cannot read. Returns
 * how many bytes are copied from the head, or -1 to copy them all.
 */
static int sis_stream_zc_head(const struct sis_stream_msg *m)
{
	const struct sk_buff *skb = m->skb;
	const struct skb_shared_info *sh;
	unsigned int head, n = 0;
	int i;

	if (m->event != SIS_STREAM_EV_DATA || m->len < SIS_ZEROCOPY_MIN)
		return -1;
	sh = skb_shinfo(skb);
	if (skb_has_frag_list(skb) || (sh->flags & SKBFL_ZEROCOPY_ENABLE) ||
	    m->data_off + m->len > skb->len)
		return -1;
	head = skb_headlen(skb);
	if (m->data_off < head)
		n = min(m->len, head - m->data_off);
	if (m->len - n < SIS_ZEROCOPY_MIN)
		return -1;
	/* Device memory (6.12) has no struct page: not readable here. */
	for (i = 0; i < sh->nr_frags; i++)
		if (!skb_frag_page(&sh->frags[i]))
			return -1;
	return n;
}

/*
 * Append the data of @m to @to: the @head bytes in the segment's head are
 * copied (@to has room for them), the rest are references to its pages,
 * charged to @to's truesize (skb_len_add()) so that the scanner's receive
 * buffer bounds what its unread messages pin.
 */
static void sis_stream_attach(struct sk_buff *to, const struct sis_stream_msg *m,
			      unsigned int head)
{
	const struct skb_shared_info *from = skb_shinfo(m->skb);
	unsigned int off = m->data_off + head, len = m->len - head;
	unsigned int pos = skb_headlen(m->skb);
	int i, j = 0;

	skb_put_data(to, m->skb->data + m->data_off, head);
	skb_len_add(to, len);
	for (i = 0; i < from->nr_frags && len; i++) {
		unsigned int size = skb_frag_size(&from->frags[i]), n;
		skb_frag_t *frag = &skb_shinfo(to)->frags[j];

		if (off < pos + size) {
			n = min(len, pos + size - off);
			*frag = from->frags[i];
			skb_frag_off_add(frag, off - pos);
			skb_frag_size_set(frag, n);
			get_page(skb_frag_page(frag));
			j++;
			off += n;
			len -= n;
		}
		pos += size;
	}
	skb_shinfo(to)->nr_frags = j;
	skb_shinfo(to)->flags |= from->flags & SKBFL_SHARED_FRAG;
}

/*
 * The SIS_A_STREAM attribute of a stream event. With @zc_head >= 0 the
 * data is attached by reference (sis_stream_attach()) and ends the message.
 */
static int sis_stream_msg_fill(struct sk_buff *skb,
			       const struct sis_stream_msg *m, int zc_head)
{
	const struct sis_conn_key *k = m->key;
	struct nlattr *nest, *data;
	unsigned int alen;

	nest = nla_nest_start(skb, SIS_A_STREAM);
	if (!nest ||
	    nla_put_u64_64bit(skb, SIS_STREAM_A_CONN, m->conn,
			      SIS_STREAM_A_PAD) ||
	    nla_put_u32(skb, SIS_STREAM_A_SUB, m->sub) ||
	    nla_put_u8(skb, SIS_STREAM_A_EVENT, m->event) ||
	    nla_put_u8(skb, SIS_STREAM_A_DIR, m->dir))
		return -EMSGSIZE;
	switch (m->event) {
	case SIS_STREAM_EV_OPEN:
		alen = k->family == AF_INET ? 4 : 16;
		if (nla_put_u8(skb, SIS_STREAM_A_FAMILY, k->family) ||
		    nla_put(skb, SIS_STREAM_A_HOST_ADDR, alen,
			    k->host_addr.s6_addr + 16 - alen) ||
		    nla_put_u16(skb, SIS_STREAM_A_HOST_PORT,
				ntohs(k->host_port)) ||
		    nla_put(skb, SIS_STREAM_A_NET_ADDR, alen,
			    k->net_addr.s6_addr + 16 - alen) ||
		    nla_put_u16(skb, SIS_STREAM_A_NET_PORT,
				ntohs(k->net_port)) ||
		    nla_put_u8(skb, SIS_STREAM_A_INITIATOR, m->initiator))
			return -EMSGSIZE;
		break;
	case SIS_STREAM_EV_DATA:
		if (nla_put_u64_64bit(skb, SIS_STREAM_A_OFFSET, m->offset,
				      SIS_STREAM_A_PAD) ||
		    (m->held && nla_put_flag(skb, SIS_STREAM_A_HELD)))
			return -EMSGSIZE;
		if (zc_head >= 0) {
			if (skb_tailroom(skb) < sizeof(*data) + zc_head)
				return -EMSGSIZE;
			data = skb_put(skb, sizeof(*data));
			data->nla_type = SIS_STREAM_A_DATA;
			data->nla_len = nla_attr_size(m->len);
			sis_stream_attach(skb, m, zc_head);
			/* The nest ends past the linear part. */
			nest->nla_len = skb->len -
					((unsigned char *)nest - skb->data);
			return 0;
		}
		data = nla_reserve(skb, SIS_STREAM_A_DATA, m->len);
		if (!data ||
		    skb_copy_bits(m->skb, m->data_off, nla_data(data), m->len))
			return -EMSGSIZE;
		break;
	default:
		if (nla_put_u8(skb, SIS_STREAM_A_REASON, m->reason))
			return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * Stream events wait in their connection until the scanner's socket has
 * room (conn.h), rather than be lost with a datagram it cannot take:
 * netlink takes one only if the receive buffer still holds it whole (or
 * is empty). The batch pending, and the skb a new one needs (of @size
 * bytes, and @frags more attached: then it never joins the batch), must
 * fit. Under sc->lock.
 */
static bool sis_stream_room(const struct sis_scanner *sc, size_t size,
			    unsigned int frags)
{
	unsigned int rmem, need = 0;

	lockdep_assert_held(&sc->lock);

	if (!sc->sk)
		return true;
	rmem = atomic_read(&sc->sk->sk_rmem_alloc);
	if (sc->batch) {
		need = sc->batch->truesize;
		if (!frags && !sc->batch_closed &&
		    skb_tailroom(sc->batch) >= size)
			size = 0;	/* it goes into the batch */
	}
	if (size) {
		size = max_t(size_t, size, SIS_BATCH_SIZE) + NLMSG_HDRLEN;
		need += kmalloc_size_roundup(SKB_DATA_ALIGN(size) +
					     SKB_DATA_ALIGN(sizeof(struct skb_shared_info))) +
			SKB_DATA_ALIGN(sizeof(struct sk_buff)) + frags;
	}
	return !rmem || rmem + need <= READ_ONCE(sc->sk->sk_rcvbuf);
}

/*
 * Deliver a stream event (conn.c) to an attached scanner, in its batch with
 * its frames. Held data goes at once, like a held frame, and so does an
 * end; the rest gathers. Long data goes alone, by reference
 * (sis_stream_zc_head()). Returns 0; -ENOBUFS without room, or when the
 * datagram that carried an end was refused (to be sent again); another
 * error if it could not be delivered (counted as lost).
 * Under the connection's lock, bottom halves disabled.
 */
int sis_queue_stream(struct sis_scanner *sc, const struct sis_stream_msg *m)
{
	int zc_head = sis_stream_zc_head(m);
	unsigned int frags = zc_head < 0 ? 0 : m->len - zc_head;
	size_t size = sis_stream_msg_size(m, m->len - frags);
	int err = -ENOTCONN;
	LIST_HEAD(lost);
	void *hdr;

	spin_lock(&sc->lock);
	if (!sc->sk)
		goto out;
	err = -ENOBUFS;
	if (!sis_stream_room(sc, size, frags))
		goto out;
	if (frags) {
		sis_batch_send(sc, &lost);
	} else {
		if (sc->batch && !sc->batch_closed &&
		    skb_tailroom(sc->batch) < size &&
		    sc->batch->len + size <= SIS_BATCH_SIZE)
			sis_batch_grow(sc);
		if (sc->batch &&
		    (sc->batch_closed || skb_tailroom(sc->batch) < size))
			sis_batch_send(sc, &lost);
	}
	if (!sc->batch) {
		sc->batch = nlmsg_new(frags ? size :
				      max_t(size_t, size, SIS_BATCH_SIZE),
				      GFP_ATOMIC);
		err = -ENOMEM;
		if (!sc->batch)
			goto out_lost;
		sc->batch_frames = 0;
		sc->batch_closed = false;
	}
	err = -EMSGSIZE;
	hdr = genlmsg_put(sc->batch, 0, 0, &sis_genl_family, 0,
			  SIS_CMD_STREAM);
	if (!hdr)
		goto out_lost;
	if (sis_stream_msg_fill(sc->batch, m, frags ? zc_head : -1)) {
		genlmsg_cancel(sc->batch, hdr);
		goto out_lost;
	}
	genlmsg_end(sc->batch, hdr);
	if (frags) {
		/* Alone in its skb; its data ends past the linear part. */
		nlmsg_hdr(sc->batch)->nlmsg_len = sc->batch->len;
		sc->batch_closed = true;
	}
	sc->batch_frames++;
	sc->batch_streams++;
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
	err = 0;
	goto out;
out_lost:
	sc->counts.lost++;
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
 * fail policy at once and unsent frames are dropped. Returns the socket
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
