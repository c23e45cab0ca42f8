/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shadow TCBs (paper sections 3.2 and 4.3): for each tracked connection,
 * one TCB per endpoint, following the endpoint's TCP state machine
 * (RFC 9293) from the segments seen on the wire, to tell which segments
 * the receiver accepts and so which bytes belong to the streams.
 *
 * Pure logic: no skb, no locking (the caller holds the connection's lock).
 * A segment is judged as its receiver would judge it on arrival, assuming
 * it arrives; where the receiver's exact state cannot be known from the
 * wire (delayed ACKs, segments lost after the bridge), the judgement is
 * lenient: whatever Linux would accept is accepted.
 *
 * Rules, "to" being the receiver of a segment from "from":
 * - Window: a segment is out of window if its end (seq + SYN + len + FIN)
 *   is before to->rcv_nxt - to->max_win, or its seq after
 *   to->rcv_nxt + to->max_win. This contains Linux's tcp_sequence() window
 *   (RCV.WUP, the last ACK sent, .. RCV.NXT + RCV.WND) however far the
 *   receiver got since its last ACK, and lets through old
 *   retransmissions, keepalives at RCV.NXT - 1 and zero-window probes.
 * - ACK: an ACK after to->snd_nxt acknowledges data never sent, one before
 *   to->snd_una - from->max_win is too old (RFC 5961 section 5.2): both
 *   make the segment invalid. Segments other than SYN and RST need ACK.
 * - PAWS (RFC 7323): once both SYNs carried timestamps, a non-RST segment
 *   whose TSval is more than 1 before the receiver's TS.Recent is invalid
 *   (Linux's TCP_PAWS_WINDOW). The receiver's TS.Recent is known from what
 *   it says: it echoes it as the TSecr of its own segments. The shadow
 *   takes the highest TSecr of its valid segments (never above the
 *   highest TSval its peer sent), after the SYN's TSval: a lower bound of
 *   the receiver's, whatever order segments reach it in after the bridge
 *   (two CPUs forwarding one connection may swap them). A TS.Recent of 0
 *   is not enforced. Segments without timestamps are not refused.
 * - TCP-MD5 and TCP-AO: a receiver whose SYN carried one drops segments
 *   without it.
 * - RST (RFC 5961 section 3): in SYN-SENT, valid iff its ACK acknowledges
 *   the SYN (RESET), else INVALID. Otherwise INVALID out of window; RESET
 *   when certain: to->rcv_nxt == from->snd_nxt (everything the sender sent
 *   is acknowledged, so the receiver's RCV.NXT is known to be to->rcv_nxt)
 *   and seq is RCV.NXT, or RCV.NXT - 1 after the sender's FIN while the
 *   receiver is in CLOSE-WAIT, LAST-ACK or CLOSING (Linux's
 *   tcp_reset_check()); any other in-window RST is RESET_MAYBE. PAWS does
 *   not apply to RSTs.
 * - SYN: the responder's first SYN (SYN-ACK, or a bare SYN in a
 *   simultaneous open) is valid while the initiator is in SYN-SENT, a
 *   SYN-ACK only if its ACK acknowledges the initiator's SYN. A SYN
 *   retransmitted (same ISN) is valid while its receiver is in SYN-RECEIVED
 *   or ESTABLISHED.
 * - A SYN with another ISN to a listener's request (a responder in
 *   SYN-RECEIVED that did not open actively), as Linux's tcp_check_req()
 *   takes it: ignored (INVALID) if its ACK is not of the request's SYN, if
 *   its TSval is older than the first SYN's, or if it is out of the window
 *   the request's SYN-ACK offered; else it resets the request (RESET: both
 *   TCBs closed; the listener sends an RST, the initiator a new SYN). While
 *   that SYN-ACK is unseen, its window and ISN are unknown: a SYN within
 *   65535 (the largest window a SYN-ACK offers) of RCV.NXT, or with an ACK,
 *   may do either (UNSURE), one further out is ignored. Any other SYN is
 *   invalid, as is a SYN with FIN but to a request; once sis_tcb_done()
 *   too: a new connection on the same ports is the caller's to start, with
 *   sis_tcb_init_syn().
 * - FIN: the sender's FIN is taken from the first valid segment that
 *   carries one at or after every byte the sender sent before (its
 *   snd_bytes: not snd_nxt, which an ACK the sender sent after its FIN
 *   moves past the FIN when it overtakes the FIN on the way); data after
 *   it, or a FIN elsewhere, is then invalid. A FIN
 *   before bytes already sent is stale: Linux takes a FIN only when it is
 *   next in sequence, and drops one that ends at or behind RCV.NXT (an old
 *   retransmission) or inside a segment it queued out of order (a
 *   duplicate), with the segment, so the shadow does not take it either
 *   (the segment is otherwise valid: sis_tcb_fin_stale()). Were the bytes
 *   past it still on their way, the receiver would take it: the datapath
 *   does not let a stale FIN through to a contained stream.
 *
 * There is no clock: the 24-day expiry of TS.Recent (RFC 7323 section
 * 5.5) is not followed, nor is any timer.
 *
 * Sequence numbers wrap; states and the 64-bit offset of snd_nxt follow
 * connections of any length.
 */
#ifndef _SIS_TCB_H
#define _SIS_TCB_H

#include <linux/bits.h>
#include <linux/sis.h>
#include <linux/tcp.h>
#include <linux/types.h>
#include <net/tcp.h>

#include "tcp_seq.h"

/* TCP options seen in a segment (sis_tcp_seg.opts, sis_tcb.opts). */
#define SIS_OPT_MSS		BIT(0)
#define SIS_OPT_WSCALE		BIT(1)
#define SIS_OPT_SACK_PERM	BIT(2)
#define SIS_OPT_SACK		BIT(3)
#define SIS_OPT_TS		BIT(4)
#define SIS_OPT_MD5		BIT(5)
#define SIS_OPT_AO		BIT(6)
#define SIS_OPT_MPTCP		BIT(7)
#define SIS_OPT_FASTOPEN	BIT(8)

/* One segment, as parsed by sis_tcp_parse(). */
struct sis_tcp_seg {
	u32 seq, ack;
	u32 len;		/* payload bytes */
	u32 win;		/* the raw 16-bit window field */
	u8 flags;		/* TCPHDR_* of <net/tcp.h>: the flags byte */
	u8 wscale;		/* valid if SIS_OPT_WSCALE; at most 14 */
	u16 mss;		/* valid if SIS_OPT_MSS */
	u16 opts;		/* SIS_OPT_* seen */
	u32 tsval, tsecr;	/* valid if SIS_OPT_TS */
};

int sis_tcp_parse(const struct tcphdr *th, unsigned int payload_len,
		  struct sis_tcp_seg *seg);

/**
 * sis_tcp_opt_next() - The TCP options of a header, one by one.
 * @th: the header, options included, linear.
 * @pos: where the walk is, from the end of the fixed header: 0 to start.
 *
 * Stops where Linux's tcp_parse_options() stops: at EOL, or at an option
 * whose length is short or runs past the header.
 *
 * Return: a pointer to the next option (its kind, its length, its data),
 * or NULL when none is left.
 */
static inline u8 *sis_tcp_opt_next(const struct tcphdr *th, unsigned int *pos)
{
	unsigned int len = th->doff * 4 - sizeof(*th), i = *pos;
	u8 *opt = (u8 *)(th + 1);

	while (i < len && opt[i] == TCPOPT_NOP)
		i++;
	if (i >= len || opt[i] == TCPOPT_EOL || i + 1 >= len ||
	    opt[i + 1] < 2 || i + opt[i + 1] > len)
		return NULL;
	*pos = i + opt[i + 1];
	return opt + i;
}

/* Where a segment's payload ends: where its FIN is, if it has one. */
static inline u32 sis_tcp_seg_data_end(const struct sis_tcp_seg *seg)
{
	return seg->seq + !!(seg->flags & TCPHDR_SYN) + seg->len;
}

/* A connection request: SYN without ACK, RST or FIN. */
static inline bool sis_tcp_seg_is_syn(const struct sis_tcp_seg *seg)
{
	return (seg->flags & (TCPHDR_SYN | TCPHDR_ACK | TCPHDR_RST |
			      TCPHDR_FIN)) == TCPHDR_SYN;
}

/*
 * A TCB's state is an enum sis_tcp_state (<linux/sis.h>, as reported over
 * netlink); sis_tcp_state_name() gives the names ss(8) prints, in lower case.
 */
const char *sis_tcp_state_name(u8 state);

/* One endpoint, as seen on the wire. */
struct sis_tcb {
	u8 state;		/* enum sis_tcp_state */
	u8 wscale;		/* its window shift once both SYNs had WS, or 0 */
	u8 syn_wscale;		/* the shift its SYN announced */
	bool isn_valid;		/* its SYN seen: isn, mss, opts valid */
	bool passive;		/* got the first SYN, not opening actively */
	u16 mss;		/* from its SYN, 0 if none */
	u16 opts;		/* SIS_OPT_* of its SYN */
	u32 isn;
	u32 snd_nxt;		/* highest seq + len (+ SYN, FIN) it sent */
	/* The end of its SYN and bytes: snd_nxt but for FINs and ACKs' seqs. */
	u32 snd_bytes;
	u32 snd_una;		/* highest ACK it received from the peer */
	/* Highest ACK it sent; the peer's ISN + 1 once the peer's SYN passed. */
	u32 rcv_nxt;
	u32 max_win;		/* largest window it advertised, scaled */
	u32 last_win;		/* the window of its latest segment, scaled */
	u32 fin_seq;		/* seq of its FIN, if fin_sent */
	bool syn_acked;		/* an ACK from the peer covered its SYN */
	bool fin_sent;
	bool fin_acked;		/* an ACK from the peer covered its FIN */
	u32 ts_recent;		/* TS.Recent (RFC 7323): the peer's TSval it keeps */
	u32 ts_max;		/* the highest TSval it sent */
	u64 snd_nxt_off;	/* the stream offset of snd_nxt (tcp_seq.h) */
};

/* What a segment is to its receiver (sis_tcb_segment()). */
enum sis_tcb_verdict {
	SIS_TCB_OK,		/* valid: state updated */
	/* Not acceptable to the receiver: state unchanged, not reassembled. */
	SIS_TCB_INVALID,
	/* The receiver certainly resets: an RST, or a SYN to a request. */
	SIS_TCB_RESET,
	/* An RST in window, maybe accepted (RFC 5961): nothing torn down. */
	SIS_TCB_RESET_MAYBE,
	/*
	 * What the receiver makes of it depends on what the bridge has not
	 * seen (a SYN to a request whose SYN-ACK is unseen): state unchanged.
	 */
	SIS_TCB_UNSURE,
};

/*
 * Why a segment is SIS_TCB_INVALID: the first rule (tcb.h) it breaks, in
 * the order they are checked.
 */
enum sis_tcb_why {
	SIS_TCB_WHY_NONE,
	SIS_TCB_WHY_AUTH,	/* TCP-MD5 or TCP-AO missing */
	SIS_TCB_WHY_STATE,	/* not expected in the receiver's state */
	SIS_TCB_WHY_ACK,	/* acknowledges unsent data, or too old */
	SIS_TCB_WHY_PAWS,	/* TSval older than TS.Recent */
	SIS_TCB_WHY_WINDOW,	/* outside the receive window */
	SIS_TCB_WHY_FIN,	/* data after the FIN, or a second FIN */
	SIS_TCB_WHY_COUNT
};

void sis_tcb_init_syn(struct sis_tcb *from, struct sis_tcb *to,
		      const struct sis_tcp_seg *syn);
enum sis_tcb_verdict sis_tcb_segment(struct sis_tcb *from, struct sis_tcb *to,
				     const struct sis_tcp_seg *seg,
				     enum sis_tcb_why *why);
bool sis_tcb_established(const struct sis_tcb *a, const struct sis_tcb *b);
bool sis_tcb_done(const struct sis_tcb *a, const struct sis_tcb *b);

/*
 * A valid segment from @from (after sis_tcb_segment()) carries a FIN that
 * was not taken (tcb.h: "FIN"): one the receiver drops.
 */
static inline bool sis_tcb_fin_stale(const struct sis_tcb *from,
				     const struct sis_tcp_seg *seg)
{
	return (seg->flags & TCPHDR_FIN) &&
	       !(from->fin_sent && from->fin_seq == sis_tcp_seg_data_end(seg));
}

/* Both SYNs carried option @opt (SIS_OPT_*): SACK_PERM, TS, ... in use. */
static inline bool sis_tcb_negotiated(const struct sis_tcb *a,
				      const struct sis_tcb *b, u16 opt)
{
	return a->isn_valid && b->isn_valid && (a->opts & b->opts & opt);
}

/*
 * The stream offset of sequence number @seq sent by @tcb, whose SYN has
 * been seen; false if before the stream's start (see sis_seq_off()).
 */
static inline bool sis_tcb_seq_off(const struct sis_tcb *tcb, u32 seq,
				   u64 *off)
{
	return sis_seq_off(seq, tcb->snd_nxt, tcb->snd_nxt_off, off);
}

#endif /* _SIS_TCB_H */
