// SPDX-License-Identifier: GPL-2.0
/*
 * A scanner's messages (batch.h): SIS_CMD_FRAME and SIS_CMD_STREAM built
 * into its batch, the batch grown and sent. When to send is the queue's
 * decision (queue.c); what a refused batch costs the frames it held, the
 * fail policy's.
 */
#include <linux/netlink.h>
#include <linux/skbuff.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "batch.h"
#include "conn.h"
#include "held.h"
#include "netlink.h"
#include "queue.h"
#include "scanner.h"
#include "subscription.h"

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
void sis_batch_send(struct sis_scanner *sc, struct list_head *lost)
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

/*
 * Make room in the batch for a message of @size bytes: grow it while it
 * stays small (sis_batch_grow()), else send it if it cannot take the
 * message. Under sc->lock.
 */
static void sis_batch_make_room(struct sis_scanner *sc, size_t size,
				struct list_head *lost)
{
	lockdep_assert_held(&sc->lock);

	if (sc->batch && !sc->batch_closed && skb_tailroom(sc->batch) < size &&
	    sc->batch->len + size <= SIS_BATCH_SIZE)
		sis_batch_grow(sc);
	if (sc->batch &&
	    (sc->batch_closed || skb_tailroom(sc->batch) < size))
		sis_batch_send(sc, lost);
}

/* A new, empty batch of @size bytes. Under sc->lock. */
static int sis_batch_new(struct sis_scanner *sc, size_t size)
{
	lockdep_assert_held(&sc->lock);

	sc->batch = nlmsg_new(size, GFP_ATOMIC);
	if (!sc->batch)
		return -ENOMEM;
	sc->batch_frames = 0;
	sc->batch_closed = false;
	return 0;
}

/*
 * Append a SIS_CMD_FRAME message for frame @num (@len bytes, a copy or
 * @held) to the batch, sending it first if full. Under sc->lock.
 */
int sis_batch_frame(struct sis_scanner *sc, const struct sis_sub *sub,
		    struct sk_buff *skb, unsigned int len, u8 dir,
		    u64 num, bool held, struct list_head *lost)
{
	unsigned int snap = min3(sub->snaplen ?: len, len,
				 (unsigned int)SIS_FRAME_DATA_MAX);
	size_t size = sis_frame_msg_size(snap);
	struct nlattr *nest, *data;
	void *hdr;

	lockdep_assert_held(&sc->lock);

	if (snap >= SIS_ZEROCOPY_MIN && skb_is_nonlinear(skb))
		return sis_batch_frame_zerocopy(sc, sub, skb, len, dir, num,
						held, snap, lost);
	sis_batch_make_room(sc, size, lost);
	/*
	 * A held frame mostly goes alone (a ping, a SYN, a reply let go by a
	 * verdict): its own size, grown by a second frame (sis_batch_grow()).
	 * Copies wait for company: room for it.
	 */
	if (!sc->batch &&
	    sis_batch_new(sc, held ? size : max_t(size_t, size, SIS_BATCH_SIZE)))
		return -ENOMEM;
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
 * Append a stream event's SIS_CMD_STREAM message to the batch. Long data
 * goes alone, by reference (sis_stream_zc_head()). Returns 0; -ENOBUFS
 * without room in the scanner's socket (sis_stream_room()); -ENOMEM or
 * -EMSGSIZE if it could not be built. Under sc->lock, with a socket.
 */
int sis_batch_stream(struct sis_scanner *sc, const struct sis_stream_msg *m,
		     struct list_head *lost)
{
	int zc_head = sis_stream_zc_head(m);
	unsigned int frags = zc_head < 0 ? 0 : m->len - zc_head;
	size_t size = sis_stream_msg_size(m, m->len - frags);
	void *hdr;

	lockdep_assert_held(&sc->lock);

	if (!sis_stream_room(sc, size, frags))
		return -ENOBUFS;
	if (frags)
		sis_batch_send(sc, lost);
	else
		sis_batch_make_room(sc, size, lost);
	if (!sc->batch &&
	    sis_batch_new(sc, frags ? size : max_t(size_t, size, SIS_BATCH_SIZE)))
		return -ENOMEM;
	hdr = genlmsg_put(sc->batch, 0, 0, &sis_genl_family, 0,
			  SIS_CMD_STREAM);
	if (!hdr)
		return -EMSGSIZE;
	if (sis_stream_msg_fill(sc->batch, m, frags ? zc_head : -1)) {
		genlmsg_cancel(sc->batch, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(sc->batch, hdr);
	if (frags) {
		/* Alone in its skb; its data ends past the linear part. */
		nlmsg_hdr(sc->batch)->nlmsg_len = sc->batch->len;
		sc->batch_closed = true;
	}
	sc->batch_frames++;
	sc->batch_streams++;
	return 0;
}
