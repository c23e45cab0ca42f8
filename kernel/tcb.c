// SPDX-License-Identifier: GPL-2.0
/* Shadow TCBs (tcb.h): TCP headers parsed, endpoints' state machines. */
#include <linux/errno.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "tcb.h"

#ifndef TCPOPT_AO
#define TCPOPT_AO		29	/* TCP-AO (RFC 5925), named since 6.7 */
#endif

/* The shortest options of variable length: kind, length, then... */
#define SIS_TCPOLEN_AO_MIN	4	/* KeyID, RNextKeyID */
#define SIS_TCPOLEN_MPTCP_MIN	3	/* subtype and version */

static u16 sis_get_be16(const u8 *p)
{
	return p[0] << 8 | p[1];
}

static u32 sis_get_be32(const u8 *p)
{
	return (u32)sis_get_be16(p) << 16 | sis_get_be16(p + 2);
}

/* A Fast Open cookie: none (a request) or 4 to 16 bytes, even (RFC 7413). */
static bool sis_tfo_cookie_ok(unsigned int len)
{
	return !len || (len >= TCP_FASTOPEN_COOKIE_MIN &&
			len <= TCP_FASTOPEN_COOKIE_MAX && !(len & 1));
}

/*
 * Record the option at @p, @len bytes with kind and length. As in Linux's
 * tcp_parse_options(), an option of a bad length for its kind is ignored:
 * the receiver accepts the segment as if it were not there.
 */
static void sis_tcp_option(const u8 *p, unsigned int len,
			   struct sis_tcp_seg *seg)
{
	u16 opt;

	switch (p[0]) {
	case TCPOPT_MSS:
		if (len != TCPOLEN_MSS)
			return;
		seg->mss = sis_get_be16(p + 2);
		opt = SIS_OPT_MSS;
		break;
	case TCPOPT_WINDOW:
		if (len != TCPOLEN_WINDOW)
			return;
		seg->wscale = min_t(u8, p[2], TCP_MAX_WSCALE);
		opt = SIS_OPT_WSCALE;
		break;
	case TCPOPT_SACK_PERM:
		if (len != TCPOLEN_SACK_PERM)
			return;
		opt = SIS_OPT_SACK_PERM;
		break;
	case TCPOPT_SACK:
		if (len < TCPOLEN_SACK_BASE + TCPOLEN_SACK_PERBLOCK ||
		    (len - TCPOLEN_SACK_BASE) % TCPOLEN_SACK_PERBLOCK)
			return;
		opt = SIS_OPT_SACK;
		break;
	case TCPOPT_TIMESTAMP:
		if (len != TCPOLEN_TIMESTAMP)
			return;
		seg->tsval = sis_get_be32(p + 2);
		seg->tsecr = sis_get_be32(p + 6);
		opt = SIS_OPT_TS;
		break;
	case TCPOPT_MD5SIG:
		if (len != TCPOLEN_MD5SIG)
			return;
		opt = SIS_OPT_MD5;
		break;
	case TCPOPT_AO:
		if (len < SIS_TCPOLEN_AO_MIN)
			return;
		opt = SIS_OPT_AO;
		break;
	case TCPOPT_MPTCP:
		if (len < SIS_TCPOLEN_MPTCP_MIN)
			return;
		opt = SIS_OPT_MPTCP;
		break;
	case TCPOPT_FASTOPEN:
		if (!sis_tfo_cookie_ok(len - TCPOLEN_FASTOPEN_BASE))
			return;
		opt = SIS_OPT_FASTOPEN;
		break;
	case TCPOPT_EXP:
		/* Shared among experiments (RFC 6994): Fast Open's magic. */
		if (len < TCPOLEN_EXP_FASTOPEN_BASE ||
		    sis_get_be16(p + 2) != TCPOPT_FASTOPEN_MAGIC)
			return;
		if (!sis_tfo_cookie_ok(len - TCPOLEN_EXP_FASTOPEN_BASE))
			return;
		opt = SIS_OPT_FASTOPEN;
		break;
	default:
		return;
	}
	seg->opts |= opt;
}

/**
 * sis_tcp_parse() - Parse a TCP header and its options.
 * @th: the header, doff * 4 bytes of it linear and readable.
 * @payload_len: the payload's length.
 * @seg: the result.
 *
 * Options are all recorded, those that mean something only on a SYN (MSS,
 * window scale, SACK permitted) too; unknown ones are skipped. Malformed
 * options are read as Linux's tcp_parse_options() reads them, since the
 * receiver accepts the segment whatever its options: one of a bad length
 * for its kind is ignored; parsing ends at an End of Option List, at a
 * length below 2 or past the header, and at a kind without a length.
 *
 * Return: 0, or -EINVAL for a data offset below 5 (which the receiver
 * drops).
 */
int sis_tcp_parse(const struct tcphdr *th, unsigned int payload_len,
		  struct sis_tcp_seg *seg)
{
	const u8 *p = (const u8 *)(th + 1);
	unsigned int left, len;

	memset(seg, 0, sizeof(*seg));
	if (th->doff < sizeof(*th) / 4)
		return -EINVAL;
	seg->seq = ntohl(th->seq);
	seg->ack = ntohl(th->ack_seq);
	seg->len = payload_len;
	seg->win = ntohs(th->window);
	seg->flags = ((const u8 *)th)[13];	/* tcp_flag_byte() */

	left = th->doff * 4 - sizeof(*th);
	while (left && p[0] != TCPOPT_EOL) {
		if (p[0] == TCPOPT_NOP) {
			p++;
			left--;
			continue;
		}
		if (left < 2)
			break;
		len = p[1];
		if (len < 2 || len > left)
			break;		/* "silly" or partial: the rest unread */
		sis_tcp_option(p, len, seg);
		p += len;
		left -= len;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sis_tcp_parse);

static const char *const sis_tcp_state_names[__SIS_TCP_MAX] = {
	[SIS_TCP_CLOSED]	= "closed",
	[SIS_TCP_SYN_SENT]	= "syn-sent",
	[SIS_TCP_SYN_RECV]	= "syn-recv",
	[SIS_TCP_ESTABLISHED]	= "established",
	[SIS_TCP_FIN_WAIT1]	= "fin-wait-1",
	[SIS_TCP_FIN_WAIT2]	= "fin-wait-2",
	[SIS_TCP_CLOSING]	= "closing",
	[SIS_TCP_TIME_WAIT]	= "time-wait",
	[SIS_TCP_CLOSE_WAIT]	= "close-wait",
	[SIS_TCP_LAST_ACK]	= "last-ack",
};

const char *sis_tcp_state_name(u8 state)
{
	return state < __SIS_TCP_MAX ? sis_tcp_state_names[state] : "?";
}
EXPORT_SYMBOL_IF_KUNIT(sis_tcp_state_name);

/* The end of the sequence space a segment takes: payload, SYN and FIN. */
static u32 sis_seg_end(const struct sis_tcp_seg *seg)
{
	return sis_tcp_seg_data_end(seg) + !!(seg->flags & TCPHDR_FIN);
}

/* The window @from advertises, in bytes: a SYN's is never scaled. */
static u32 sis_seg_window(const struct sis_tcb *from,
			  const struct sis_tcp_seg *seg)
{
	if (seg->flags & TCPHDR_SYN)
		return seg->win;
	return seg->win << from->wscale;
}

/* @tcb has sent everything before @end. */
static void sis_tcb_sent(struct sis_tcb *tcb, u32 end)
{
	if (!after(end, tcb->snd_nxt))
		return;
	tcb->snd_nxt_off += end - tcb->snd_nxt;
	tcb->snd_nxt = end;
}

/* Window scaling is on, both ways, only if both SYNs had it (RFC 7323). */
static void sis_tcb_negotiate(struct sis_tcb *a, struct sis_tcb *b)
{
	bool ws = sis_tcb_negotiated(a, b, SIS_OPT_WSCALE);

	a->wscale = ws ? a->syn_wscale : 0;
	b->wscale = ws ? b->syn_wscale : 0;
}

/* @from's first SYN, as @to receives it. */
static void sis_tcb_take_syn(struct sis_tcb *from, struct sis_tcb *to,
			     const struct sis_tcp_seg *syn)
{
	from->isn_valid = true;
	from->isn = syn->seq;
	from->snd_una = syn->seq;
	from->snd_nxt = syn->seq + 1;
	from->snd_bytes = syn->seq + 1;
	from->snd_nxt_off = 0;
	from->opts = syn->opts;
	from->mss = syn->opts & SIS_OPT_MSS ? syn->mss : 0;
	from->syn_wscale = syn->opts & SIS_OPT_WSCALE ? syn->wscale : 0;
	to->rcv_nxt = syn->seq + 1;
	if (syn->opts & SIS_OPT_TS) {
		from->ts_max = syn->tsval;
		to->ts_recent = syn->tsval;
	}
	sis_tcb_negotiate(from, to);
}

/* @to's SYN is acknowledged by @ack, while @to is in SYN-SENT. */
static bool sis_tcb_acks_syn(const struct sis_tcb *to, u32 ack)
{
	return after(ack, to->isn) && !after(ack, to->snd_nxt);
}

/* More of what @tcb sent is acknowledged: its SYN or FIN, maybe. */
static void sis_tcb_acked(struct sis_tcb *tcb)
{
	/* snd_una starts at the ISN: its first move acknowledges the SYN. */
	if (!tcb->syn_acked) {
		tcb->syn_acked = true;
		if (tcb->state == SIS_TCP_SYN_SENT ||
		    tcb->state == SIS_TCP_SYN_RECV)
			tcb->state = SIS_TCP_ESTABLISHED;
	}
	if (!tcb->fin_sent || tcb->fin_acked ||
	    !after(tcb->snd_una, tcb->fin_seq))
		return;
	tcb->fin_acked = true;
	switch (tcb->state) {
	case SIS_TCP_FIN_WAIT1:
		tcb->state = SIS_TCP_FIN_WAIT2;
		break;
	case SIS_TCP_CLOSING:
		tcb->state = SIS_TCP_TIME_WAIT;
		break;
	case SIS_TCP_LAST_ACK:
		tcb->state = SIS_TCP_CLOSED;
		break;
	}
}

/* An acceptable ACK from @from. */
static void sis_tcb_take_ack(struct sis_tcb *from, struct sis_tcb *to,
			     u32 ack)
{
	if (after(ack, from->rcv_nxt))
		from->rcv_nxt = ack;
	if (after(ack, to->snd_una)) {
		to->snd_una = ack;
		sis_tcb_acked(to);
	}
}

/* @from's FIN, at @fin_seq, sent by @from and received by @to. */
static void sis_tcb_take_fin(struct sis_tcb *from, struct sis_tcb *to,
			     u32 fin_seq)
{
	from->fin_sent = true;
	from->fin_seq = fin_seq;
	switch (from->state) {
	case SIS_TCP_SYN_RECV:
	case SIS_TCP_ESTABLISHED:
		from->state = SIS_TCP_FIN_WAIT1;
		break;
	case SIS_TCP_CLOSE_WAIT:
		/*
		 * Not acknowledging the peer's FIN: it closed before that FIN
		 * reached it (simultaneous close), and is CLOSING once it has.
		 */
		from->state = to->fin_acked ? SIS_TCP_LAST_ACK :
			      SIS_TCP_CLOSING;
		break;
	}
	switch (to->state) {
	case SIS_TCP_SYN_RECV:
	case SIS_TCP_ESTABLISHED:
		to->state = SIS_TCP_CLOSE_WAIT;
		break;
	case SIS_TCP_FIN_WAIT1:
		to->state = SIS_TCP_CLOSING;
		break;
	case SIS_TCP_FIN_WAIT2:
		to->state = SIS_TCP_TIME_WAIT;
		break;
	}
}

/* @a, or @b if it is later (or @a is 0: none), in sequence space. */
static u32 sis_ts_later(u32 a, u32 b)
{
	return !a || (s32)(b - a) > 0 ? b : a;
}

/*
 * The timestamps of a valid segment: @from's TSecr is its TS.Recent, at
 * most the highest TSval @to sent (tcb.h: "PAWS").
 */
static void sis_tcb_take_ts(struct sis_tcb *from, struct sis_tcb *to,
			    const struct sis_tcp_seg *seg)
{
	u32 echo = seg->tsecr;

	from->ts_max = sis_ts_later(from->ts_max, seg->tsval);
	if (!echo)
		return;		/* nothing to echo yet */
	if ((s32)(echo - to->ts_max) > 0)
		echo = to->ts_max;
	from->ts_recent = sis_ts_later(from->ts_recent, echo);
}

/* The state change an acceptable (non-RST) segment makes. */
static void sis_tcb_advance(struct sis_tcb *from, struct sis_tcb *to,
			    const struct sis_tcp_seg *seg)
{
	u32 data_end = sis_tcp_seg_data_end(seg);
	u32 win = sis_seg_window(from, seg);
	/* The first FIN not before bytes already sent (tcb.h: "FIN"). */
	bool fin = (seg->flags & TCPHDR_FIN) && !from->fin_sent &&
		   !before(data_end, from->snd_bytes);

	/* A stale FIN's place is taken by a byte sent: no end moves. */
	sis_tcb_sent(from, sis_seg_end(seg));
	if ((seg->len || (seg->flags & TCPHDR_SYN)) &&
	    after(data_end, from->snd_bytes))
		from->snd_bytes = data_end;
	if (win > from->max_win)
		from->max_win = win;
	from->last_win = win;
	if ((seg->opts & SIS_OPT_TS) && sis_tcb_negotiated(from, to, SIS_OPT_TS))
		sis_tcb_take_ts(from, to, seg);
	if (seg->flags & TCPHDR_ACK)
		sis_tcb_take_ack(from, to, seg->ack);
	if (fin)
		sis_tcb_take_fin(from, to, data_end);
}

/**
 * sis_tcb_init_syn() - Start both TCBs of a connection from its first SYN.
 * @from: the initiator's TCB.
 * @to: the responder's TCB.
 * @syn: the SYN (sis_tcp_seg_is_syn()); data after its seq counts.
 *
 * The initiator is then in SYN-SENT and the responder, which is assumed to
 * have received the SYN, in SYN-RECEIVED (a listener's request until it
 * sends a SYN of its own without ACK), its own ISN not yet known.
 */
void sis_tcb_init_syn(struct sis_tcb *from, struct sis_tcb *to,
		      const struct sis_tcp_seg *syn)
{
	memset(from, 0, sizeof(*from));
	memset(to, 0, sizeof(*to));
	sis_tcb_take_syn(from, to, syn);
	sis_tcb_advance(from, to, syn);
	from->state = SIS_TCP_SYN_SENT;
	to->state = SIS_TCP_SYN_RECV;
	to->passive = true;
}
EXPORT_SYMBOL_IF_KUNIT(sis_tcb_init_syn);

/* @to has @from's ISN, and is not closed: the segment can be judged. */
static bool sis_tcb_synced(const struct sis_tcb *from,
			   const struct sis_tcb *to)
{
	return from->isn_valid && to->state != SIS_TCP_CLOSED &&
	       to->state != SIS_TCP_SYN_SENT;
}

/* The segment overlaps @to's receive window (tcb.h: "Window"). */
static bool sis_tcb_in_window(const struct sis_tcb *to,
			      const struct sis_tcp_seg *seg)
{
	return !before(sis_seg_end(seg), to->rcv_nxt - to->max_win) &&
	       !after(seg->seq, to->rcv_nxt + to->max_win);
}

/* @ack from @from acknowledges only what @to sent, and is not too old. */
static bool sis_tcb_ack_ok(const struct sis_tcb *from,
			   const struct sis_tcb *to, u32 ack)
{
	return to->isn_valid && !after(ack, to->snd_nxt) &&
	       !before(ack, to->snd_una - from->max_win);
}

/* PAWS (RFC 7323 section 5): the segment's TSval is older than TS.Recent. */
static bool sis_tcb_paws_reject(const struct sis_tcb *from,
				const struct sis_tcb *to,
				const struct sis_tcp_seg *seg)
{
	if (!(seg->opts & SIS_OPT_TS) || !to->ts_recent ||
	    !sis_tcb_negotiated(from, to, SIS_OPT_TS))
		return false;
	return (s32)(to->ts_recent - seg->tsval) > TCP_PAWS_WINDOW;
}

/* Nothing after @from's FIN, nor a FIN anywhere else. */
static bool sis_tcb_fin_ok(const struct sis_tcb *from,
			   const struct sis_tcp_seg *seg)
{
	u32 data_end = sis_tcp_seg_data_end(seg);

	if (!from->fin_sent)
		return true;
	if (seg->len && after(data_end, from->fin_seq))
		return false;
	return !(seg->flags & TCPHDR_FIN) || data_end == from->fin_seq;
}

/* A receiver whose SYN carried TCP-MD5 or TCP-AO drops segments without. */
static bool sis_tcb_auth_missing(const struct sis_tcb *to,
				 const struct sis_tcp_seg *seg)
{
	return to->opts & (SIS_OPT_MD5 | SIS_OPT_AO) & ~seg->opts;
}

/*
 * A non-RST segment, SYN only as a retransmission: does @to accept it?
 * SIS_TCB_WHY_NONE if so, else the rule it breaks.
 */
static enum sis_tcb_why sis_tcb_acceptable(const struct sis_tcb *from,
					   const struct sis_tcb *to,
					   const struct sis_tcp_seg *seg)
{
	if (!sis_tcb_synced(from, to))
		return SIS_TCB_WHY_STATE;
	if (seg->flags & TCPHDR_SYN) {
		/* Retransmitted: the handshake may not be over for it. */
		if ((seg->flags & TCPHDR_FIN) ||
		    (to->state != SIS_TCP_SYN_RECV &&
		     to->state != SIS_TCP_ESTABLISHED))
			return SIS_TCB_WHY_STATE;
	} else if (!(seg->flags & TCPHDR_ACK)) {
		return SIS_TCB_WHY_STATE;
	}
	if ((seg->flags & TCPHDR_ACK) && !sis_tcb_ack_ok(from, to, seg->ack))
		return SIS_TCB_WHY_ACK;
	if (sis_tcb_paws_reject(from, to, seg))
		return SIS_TCB_WHY_PAWS;
	if (!sis_tcb_in_window(to, seg))
		return SIS_TCB_WHY_WINDOW;
	if (!sis_tcb_fin_ok(from, seg))
		return SIS_TCB_WHY_FIN;
	return SIS_TCB_WHY_NONE;
}

/*
 * The receiver's RCV.NXT is known exactly when everything the sender sent
 * is acknowledged: then an RST there (or at RCV.NXT - 1 after the sender's
 * FIN, which Linux accepts in these states) certainly resets it.
 */
static bool sis_tcb_rst_certain(const struct sis_tcb *from,
				const struct sis_tcb *to, u32 seq)
{
	if (to->rcv_nxt != from->snd_nxt)
		return false;
	if (seq == to->rcv_nxt)
		return true;
	return seq == to->rcv_nxt - 1 && from->fin_sent &&
	       (to->state == SIS_TCP_CLOSE_WAIT ||
		to->state == SIS_TCP_LAST_ACK ||
		to->state == SIS_TCP_CLOSING);
}

static enum sis_tcb_verdict sis_tcb_rst(struct sis_tcb *from,
					struct sis_tcb *to,
					const struct sis_tcp_seg *seg,
					enum sis_tcb_why *why)
{
	if (to->state == SIS_TCP_SYN_SENT) {
		/* Acceptable iff it acknowledges the SYN (RFC 9293 3.10.7.3) */
		*why = SIS_TCB_WHY_ACK;
		if (!(seg->flags & TCPHDR_ACK) ||
		    !sis_tcb_acks_syn(to, seg->ack))
			return SIS_TCB_INVALID;
	} else if (!sis_tcb_synced(from, to)) {
		*why = SIS_TCB_WHY_STATE;
		return SIS_TCB_INVALID;
	} else if (!sis_tcb_in_window(to, seg)) {
		*why = SIS_TCB_WHY_WINDOW;
		return SIS_TCB_INVALID;
	} else if (!sis_tcb_rst_certain(from, to, seg->seq)) {
		*why = SIS_TCB_WHY_NONE;
		return SIS_TCB_RESET_MAYBE;
	}
	*why = SIS_TCB_WHY_NONE;
	from->state = SIS_TCP_CLOSED;
	to->state = SIS_TCP_CLOSED;
	return SIS_TCB_RESET;
}

/*
 * Linux's tcp_in_window() for a listener's request: the segment overlaps
 * [@rcv_nxt, @rcv_nxt + @win), or starts at @rcv_nxt.
 */
static bool sis_tcb_in_request_window(const struct sis_tcp_seg *seg,
				      u32 rcv_nxt, u32 win)
{
	return seg->seq == rcv_nxt ||
	       (after(sis_seg_end(seg), rcv_nxt) &&
		before(seg->seq, rcv_nxt + win));
}

/*
 * A SYN with a new ISN from @from to @to, a listener's request: what
 * tcp_check_req() does with it (tcb.h: "A SYN with another ISN").
 */
static enum sis_tcb_verdict sis_tcb_syn_to_request(struct sis_tcb *from,
						   struct sis_tcb *to,
						   const struct sis_tcp_seg *seg,
						   enum sis_tcb_why *why)
{
	/* Unseen, the SYN-ACK offered at most this (request_sock.h). */
	u32 win = to->isn_valid ? to->max_win : 65535;

	*why = SIS_TCB_WHY_ACK;
	if ((seg->flags & TCPHDR_ACK) && to->isn_valid &&
	    seg->ack != to->isn + 1)
		return SIS_TCB_INVALID;	/* the listener answers with an RST */
	/* PAWS, as for a request: no window, TS.Recent the first SYN's. */
	*why = SIS_TCB_WHY_PAWS;
	if (to->isn_valid && sis_tcb_negotiated(from, to, SIS_OPT_TS) &&
	    (seg->opts & SIS_OPT_TS) && to->ts_recent &&
	    (s32)(to->ts_recent - seg->tsval) > 0)
		return SIS_TCB_INVALID;
	*why = SIS_TCB_WHY_WINDOW;
	if (!sis_tcb_in_request_window(seg, to->rcv_nxt, win))
		return SIS_TCB_INVALID;	/* the request answers with an ACK */
	*why = SIS_TCB_WHY_NONE;
	if (!to->isn_valid)
		return SIS_TCB_UNSURE;	/* its window, or its ISN, unknown */
	from->state = SIS_TCP_CLOSED;
	to->state = SIS_TCP_CLOSED;
	return SIS_TCB_RESET;
}

/* A SYN with an ISN @from did not use before. */
static enum sis_tcb_verdict sis_tcb_new_syn(struct sis_tcb *from,
					    struct sis_tcb *to,
					    const struct sis_tcp_seg *seg,
					    enum sis_tcb_why *why)
{
	if (from->isn_valid) {
		/* Another SYN of the initiator's, to a listener's request. */
		if (to->passive && to->state == SIS_TCP_SYN_RECV)
			return sis_tcb_syn_to_request(from, to, seg, why);
		*why = SIS_TCB_WHY_STATE;
		return SIS_TCB_INVALID;
	}
	/* Else only the responder's first SYN, to an initiator waiting. */
	*why = SIS_TCB_WHY_STATE;
	if (to->state != SIS_TCP_SYN_SENT || (seg->flags & TCPHDR_FIN))
		return SIS_TCB_INVALID;
	*why = SIS_TCB_WHY_ACK;
	if ((seg->flags & TCPHDR_ACK) && !sis_tcb_acks_syn(to, seg->ack))
		return SIS_TCB_INVALID;
	*why = SIS_TCB_WHY_NONE;
	sis_tcb_take_syn(from, to, seg);
	/* Simultaneous open: both got the other's SYN, neither an ACK. */
	if (!(seg->flags & TCPHDR_ACK)) {
		to->state = SIS_TCP_SYN_RECV;
		from->passive = false;
	}
	sis_tcb_advance(from, to, seg);
	return SIS_TCB_OK;
}

/**
 * sis_tcb_segment() - Judge a segment and follow it in the TCBs.
 * @from: the TCB of the endpoint that sent it.
 * @to: the TCB of the endpoint that receives it, assumed to arrive.
 * @seg: the segment.
 * @why: set to why it is SIS_TCB_INVALID, SIS_TCB_WHY_NONE otherwise.
 *
 * The rules are in tcb.h.
 *
 * Return: the segment's verdict; both TCBs are unchanged unless it is
 * SIS_TCB_OK or SIS_TCB_RESET.
 */
enum sis_tcb_verdict sis_tcb_segment(struct sis_tcb *from, struct sis_tcb *to,
				     const struct sis_tcp_seg *seg,
				     enum sis_tcb_why *why)
{
	*why = SIS_TCB_WHY_AUTH;
	if (sis_tcb_auth_missing(to, seg))
		return SIS_TCB_INVALID;
	if (seg->flags & TCPHDR_RST)
		return sis_tcb_rst(from, to, seg, why);
	if ((seg->flags & TCPHDR_SYN) &&
	    !(from->isn_valid && seg->seq == from->isn))
		return sis_tcb_new_syn(from, to, seg, why);
	*why = sis_tcb_acceptable(from, to, seg);
	if (*why != SIS_TCB_WHY_NONE)
		return SIS_TCB_INVALID;
	sis_tcb_advance(from, to, seg);
	return SIS_TCB_OK;
}
EXPORT_SYMBOL_IF_KUNIT(sis_tcb_segment);

/**
 * sis_tcb_established() - Whether the handshake is over.
 * @a: one endpoint's TCB.
 * @b: the other's.
 *
 * Return: true once both ISNs are known and both SYNs acknowledged (and
 * from then on, whatever follows: see sis_tcb_done()).
 */
bool sis_tcb_established(const struct sis_tcb *a, const struct sis_tcb *b)
{
	return a->syn_acked && b->syn_acked;
}
EXPORT_SYMBOL_IF_KUNIT(sis_tcb_established);

/**
 * sis_tcb_done() - Whether the connection is over.
 * @a: one endpoint's TCB.
 * @b: the other's.
 *
 * Return: true if both endpoints are CLOSED or in TIME-WAIT: no more
 * bytes to reassemble.
 */
bool sis_tcb_done(const struct sis_tcb *a, const struct sis_tcb *b)
{
	return (a->state == SIS_TCP_CLOSED || a->state == SIS_TCP_TIME_WAIT) &&
	       (b->state == SIS_TCP_CLOSED || b->state == SIS_TCP_TIME_WAIT);
}
EXPORT_SYMBOL_IF_KUNIT(sis_tcb_done);
