/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Custody of held bytes (RFC 3135, local acknowledgments and local
 * retransmission). A scanner that asks for more of a direction
 * (SIS_STREAM_OP_MORE) than its sender has in flight would wait for ever:
 * the bytes it holds never reach the receiver, which never acknowledges
 * them, and the sender's congestion window stays full of them. Opening the
 * window the receiver advertises (dupack.h) is not enough then, so SIS
 * takes custody of them:
 *
 * - it acknowledges them to the sender in the receiver's name
 *   (sis_conn_custody_ack()): only bytes it keeps, contiguous (never past
 *   st->seen), never past what the scanner asked for (st->more, itself
 *   bounded by conn-bytes), never a FIN, with the receiver's window scale
 *   and timestamps; the window it advertises runs to the further of the
 *   receiver's own right edge and st->more, never past them;
 * - the bytes stay kept, as every byte is until its receiver acknowledges
 *   it (stream.h), and go to the receiver once passed, as any held bytes;
 * - the receiver's ACKs below the custody point would only confuse the
 *   sender (old ACKs, duplicate ACKs it would answer with a spurious fast
 *   retransmission): pure ones are dropped, those carrying data or a FIN
 *   acknowledge the custody point instead, with the window counted from
 *   it and their SACK blocks emptied (the sender discards them);
 * - the sender never sends those bytes again, so SIS does, from the kept
 *   segments, once they were passed and sent: SIS holds more than the
 *   receiver's window, and what it lets go at once past that window the
 *   receiver drops. So each of the receiver's ACKs below the custody
 *   point lets SIS send what now fits in the receiver's own window, past
 *   what it sent already (at most SIS_CUSTODY_BURST segments an ACK);
 *   its third duplicate ACK, and a timer (the table's work, every
 *   SIS_CONN_RETRY while some bytes wait for it, from SIS_CUSTODY_RTO
 *   doubling up to SIS_CUSTODY_RTO_MAX), send again from the first byte
 *   it lacks. Numbered through the direction's edits (rewrite.h), with
 *   the newest TSval the receiver has seen, out of the port towards the
 *   receiver with the direction's Ethernet header.
 *
 * At the bound: a segment the scanner waits for (it asked for more than
 * seen, st->want, whatever the bounds let come) that does not fit in
 * conn-bytes, conn-segs, max-memory or the scanner's max-bytes gives
 * each containing scanner of the direction its fail policy (counted:
 * custody_failed), instead of a wait that would end
 * only with its timeout. A connection with bytes in SIS's custody is
 * never let go untracked (conn.h, sis_conn_carried()): it is killed,
 * and so is one whose direction was cut with bytes in custody, since its
 * sender was told they arrived.
 *
 * None for connections signed with TCP-MD5 or TCP-AO, or using MPTCP
 * (dupack.h says why): only the window opens there.
 *
 * Locking: the connection's lock; what is built goes on a queue, sent
 * with sis_dupacks_send() once unlocked.
 */
#ifndef _SIS_CUSTODY_H
#define _SIS_CUSTODY_H

#include <linux/skbuff.h>

struct sis_bridge;
struct sis_conn;
struct sis_tcp_seg;

/* The retransmission timer's first and longest period. */
#define SIS_CUSTODY_RTO		(HZ / 5)
#define SIS_CUSTODY_RTO_MAX	(8 * HZ)
/* Duplicate ACKs of the receiver's that make SIS retransmit. */
#define SIS_CUSTODY_DUPTHRESH	3
/* Segments SIS sends for one of the receiver's ACKs, at most. */
#define SIS_CUSTODY_BURST	64

/*
 * The window the sender of direction @d is told with an ACK at the
 * custody point, in bytes. Locked.
 */
u32 sis_custody_win(const struct sis_conn *c, int d);
/*
 * Take custody of what direction @d's scanner asked for and holds, if
 * that is more than the sender was told: an ACK onto @acks. Locked.
 */
void sis_conn_custody_ack(struct sis_bridge *sb, struct sis_conn *c, int d,
			  struct sk_buff_head *acks);
/*
 * A segment of direction @d (its TCP header at @th_off, already through
 * the shadow TCBs) whose ACK speaks of the other direction: rewritten, or
 * NF_DROP if it is a pure ACK below the custody point; what SIS sends
 * the receiver for it goes onto @acks. Returns the hook's verdict. Locked.
 */
unsigned int sis_custody_incoming(struct sis_bridge *sb, struct sis_conn *c,
				  int d, struct sk_buff *skb,
				  unsigned int th_off,
				  const struct sis_tcp_seg *seg,
				  struct sk_buff_head *acks);
/*
 * A segment of contained direction @d from @start did not fit in its
 * bounds: if a scanner waits for it (it asked for more than was seen),
 * each containing scanner holding bytes gets its fail policy, counted;
 * what that lets go goes on @emit or @done. Locked.
 */
void sis_conn_custody_over(struct sis_bridge *sb, struct sis_conn *c, int d,
			   u64 start, struct list_head *done,
			   struct list_head *emit);
/*
 * The sender of direction @d sent a segment with nothing past what SIS
 * acknowledged in custody (a window probe, a keepalive, a retransmission):
 * its receiver would answer with an ACK of what it has, which SIS drops
 * as redundant (sis_custody_incoming()); SIS answers instead, onto @acks.
 * Without it, a sender probing a window SIS closed would never hear of it
 * opening. Locked.
 */
void sis_conn_custody_reack(struct sis_bridge *sb, struct sis_conn *c, int d,
			    struct sk_buff_head *acks);
/*
 * The same when direction @d has all the bytes its bound lets come
 * (st->more, within conn-bytes) and a scanner asked for more than that
 * (st->want): none of them can come before it decides. Locked.
 */
void sis_conn_custody_bound(struct sis_bridge *sb, struct sis_conn *c, int d,
			    struct list_head *done, struct list_head *emit);
/*
 * The timer, from the table's work: retransmissions due onto @acks, and
 * RSTs onto @rsts for a direction cut with bytes in custody (what it kept
 * onto @done). Returns whether it must run again soon. Locked.
 */
bool sis_conn_custody_tick(struct sis_bridge *sb, struct sis_conn *c,
			   unsigned long now, struct sk_buff_head *acks,
			   struct sk_buff_head *rsts, struct list_head *done);

#endif /* _SIS_CUSTODY_H */
