/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Telling a sender what the bridge holds past a hole. A contained
 * direction's bytes reach the receiver only in order, once passed: a
 * segment after a lost one waits at the bridge, and the receiver, which
 * never gets it, sends no duplicate ACK and no SACK. Its sender would
 * learn of the loss only when its retransmission timer runs out, once for
 * each lost segment (its F-RTO sends new data after the first, which waits
 * too), and a contained download under loss crawls.
 *
 * So the bridge says it in the receiver's name, as the receiver would if
 * it had the segment (RFC 5681 section 4.2: an immediate duplicate ACK
 * for an out-of-order segment; RFC 2018: with a SACK block for it, the
 * first block the one holding the segment): a pure ACK from the receiver,
 * its sequence number the receiver's SND.NXT, acknowledging what the
 * receiver acknowledged last, with its last window and, when the
 * connection uses them, the newest timestamp of its that went to the
 * sender and the TS.Recent it echoes.
 * The sender retransmits the hole at once; the bytes it gets SACKed stay
 * in its retransmission queue (a SACK is no acknowledgment, RFC 2018
 * section 8), so the bridge may still let them go (a bound, a scanner
 * that failed): the sender sends them again when the receiver's ACKs show
 * it lacks them. The SACK block is the run of held bytes around the
 * segment, at most SIS_DUPACK_WALK segments either side: each duplicate
 * ACK carries the newest bytes, and the sender's scoreboard keeps what
 * earlier ones said.
 *
 * The same ACK acknowledges cut bytes (seqmap.h) that the receiver, which
 * never gets them, cannot: once it has everything before them, as soon as
 * a segment of the sender's is found all cut.
 *
 * With edits on the receiver's own stream, the ACK's sequence number is
 * in the numbering its sender's peer reads (rewrite.h).
 *
 * None is sent for a connection signed with TCP-MD5 or TCP-AO (the bridge
 * cannot sign in the receiver's name) or using MPTCP (whose ACKs carry
 * the receiver's data-level acknowledgment, which the bridge cannot know).
 */
#ifndef _SIS_DUPACK_H
#define _SIS_DUPACK_H

#include <linux/skbuff.h>

struct sis_bridge;
struct sis_conn;
struct sis_seg;

/* Segments looked at either side of the new one for its SACK block. */
#define SIS_DUPACK_WALK	16

/*
 * A duplicate ACK for the sender of direction @d, whose segment @seg was
 * just kept past a hole, onto @acks (sent with sis_dupacks_send() once
 * unlocked). Locked.
 */
void sis_conn_dupack(struct sis_bridge *sb, const struct sis_conn *c, int d,
		     const struct sis_seg *seg, struct sk_buff_head *acks);
/*
 * An ACK for the sender of direction @d of the cut bytes the receiver
 * has everything before, if that acknowledges more than the receiver
 * did, onto @acks. Locked.
 */
void sis_conn_ack_cut(struct sis_bridge *sb, struct sis_conn *c, int d,
		      struct sk_buff_head *acks);
/*
 * A window update for the sender of direction @d, when a scanner needs
 * more of it than the receiver's window lets come (SIS_STREAM_OP_MORE):
 * the receiver's last ACK with the window opened, onto @acks. Locked.
 */
void sis_conn_open_window(struct sis_bridge *sb, struct sis_conn *c, int d,
			  struct sk_buff_head *acks);
/*
 * What a queued segment is, for its counter (skb->cb, until it is sent):
 * a duplicate ACK or an ACK of cut bytes (dupacks), an ACK of bytes in
 * SIS's custody (custody_acks), or SIS's own retransmission of them.
 */
#define SIS_XMIT_KIND(skb)	((skb)->cb[0])
enum {
	SIS_XMIT_DUPACK,
	SIS_XMIT_CUSTODY,
	SIS_XMIT_RTX,
};

/*
 * A pure ACK from the receiver of direction @d to its sender,
 * acknowledging @ack with window @win (bytes, scaled here), with SACK
 * block [@a, @b) of stream offsets if @b, onto @acks as @kind. Locked.
 */
void sis_conn_forge_ack(struct sis_bridge *sb, const struct sis_conn *c,
			int d, u32 ack, u32 win, u64 a, u64 b, u8 kind,
			struct sk_buff_head *acks);
/* Send them (and retransmissions, custody.h); under RCU, not locked. */
void sis_dupacks_send(struct sis_bridge *sb, struct sk_buff_head *acks);

#endif /* _SIS_DUPACK_H */
