/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Segments of a connection with edits (seqmap.h), rewritten on their way
 * through the bridge: each end numbers its own stream as it sent it and
 * reads its peer's as delivered.
 *
 * - A segment's acknowledgment and SACK blocks speak of its receiver's
 *   stream in that stream's delivered numbering: they are turned into the
 *   original numbering as the segment arrives, before the shadow TCBs see
 *   it (rev() and rev_left() of seqmap.h; a SACK block left empty is made
 *   one the receiver discards). An acknowledgment never moves: edits are
 *   made only past what the receiver has.
 * - A segment's sequence number is its sender's original: it is turned
 *   into the delivered numbering as the segment leaves, held or not
 *   (fwd()), so that edits made while it was held count.
 * - A segment whose bytes an edit touches is built again: its headers,
 *   then the pieces its bytes become (seqmap.h), in a new frame whose
 *   checksum the device (or the stack, in software) completes; longer
 *   than the receiver's MSS or the port's MTU allow, it is a GSO frame
 *   that the stack splits to that size, as it splits TSO frames. A
 *   segment whose bytes are all cut, with no FIN, is not sent. The same
 *   bytes of the sender are always built the same way, so a
 *   retransmission carries exactly what the first transmission did, and
 *   an injected block goes again with every retransmission of the byte
 *   it precedes until the receiver acknowledges it. IPv4 and IPv6 carry
 *   at most 65535 bytes: a longer result is cut short (no FIN), and the
 *   sender sends the rest again.
 *
 * All under the connection's lock; frames are not handed on under it.
 */
#ifndef _SIS_REWRITE_H
#define _SIS_REWRITE_H

#include <linux/skbuff.h>
#include <linux/types.h>

struct net_device;
struct sis_conn;

/*
 * A segment of direction @d arrived (skb->data at its network header, its
 * TCP header at @th_off, linear): its acknowledgment (*@ack, rewritten
 * too) and SACK blocks into the original numbering of direction !d.
 * -ENOMEM: the frame could not be made writable (drop it).
 */
int sis_rewrite_acks(struct sis_conn *c, int d, struct sk_buff *skb,
		     unsigned int th_off, u32 *ack);

/*
 * A segment of direction @d, valid to its receiver, from the receiver of
 * direction !d: if a scanner needs more of !d than the window it offers
 * lets come (SIS_STREAM_OP_MORE), its window field says more, and its
 * shadow TCB knows it. -ENOMEM: not writable (drop it).
 */
int sis_rewrite_window(struct sis_conn *c, int d, struct sk_buff *skb,
		       unsigned int th_off);

/* What sis_rewrite_seg() made of a segment. */
enum sis_rewrite {
	SIS_REWRITE_SAME,	/* forwarded as it is: nothing to change */
	SIS_REWRITE_RENUMBERED,	/* its sequence number changed, in place */
	SIS_REWRITE_BUILT,	/* *@out is a new frame; the old one is left */
	SIS_REWRITE_EMPTY,	/* nothing of it is sent (all cut, no FIN) */
	SIS_REWRITE_FAILED,	/* out of memory: drop it, TCP sends it again */
};

/*
 * A segment of direction @d about to leave through @out_dev: its payload
 * [@data_off, + @len) from skb->data (network header) holds the sender's
 * bytes from stream offset @start. A segment before the stream (its SYN)
 * is left as it is.
 */
enum sis_rewrite sis_rewrite_seg(struct sis_conn *c, int d,
				 struct sk_buff *skb, unsigned int th_off,
				 unsigned int data_off, u64 start,
				 unsigned int len,
				 const struct net_device *out_dev,
				 struct sk_buff **out);

#endif /* _SIS_REWRITE_H */
