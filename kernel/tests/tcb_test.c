// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the shadow TCBs: sequence numbers and stream offsets
 * across the 2^32 wrap, TCP option parsing, and both endpoints' state
 * machines through handshakes, data, closes and resets, each segment
 * judged as its receiver would judge it.
 *
 * Every connection test runs with ISNs far from 2^32 and with ISNs just
 * below it, so that the session's sequence numbers wrap.
 */
#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/tcp.h>

#include "../tcb.h"
#include "../tcp_seq.h"

/* Sequence numbers and offsets. */

struct seq_case {
	u32 seq, ref_seq;
	u64 ref_off;
	bool ok;
	u64 off;
};

static const struct seq_case seq_cases[] = {
	{ 1001, 1001, 0, true, 0 },
	{ 1000, 1001, 0, false },			/* the SYN */
	{ 1000, 1001, 1, true, 0 },
	/* ISN 0xfffffff0: offset 0 is 0xfffffff1, 20 bytes on is 5. */
	{ 0x00000005, 0xfffffff1, 0, true, 20 },
	{ 0xfffffff0, 0xfffffff1, 0, false },
	{ 0xffffffff, 0x00000010, 100, true, 83 },	/* back across */
	{ 0x00000010, 0xffffffff, 5000000000ULL, true, 5000000017ULL },
	{ 0x7fffffff, 0, 10, true, 0x80000009ULL },	/* nearest: ahead */
	{ 0x80000000, 0, 0x80000000ULL, true, 0 },	/* nearest: behind */
	{ 0x80000000, 0, 0x7fffffffULL, false },
	{ 0x00000000, 0x80000000, 0x180000000ULL, true, 0x100000000ULL },
	{ 0xffffffff, 0, 0x100000000ULL, true, 0xffffffffULL },
};

static void sis_test_seq_off(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(seq_cases); i++) {
		const struct seq_case *c = &seq_cases[i];
		u64 off = 0xdead;

		KUNIT_EXPECT_EQ_MSG(test, sis_seq_off(c->seq, c->ref_seq,
						      c->ref_off, &off),
				    c->ok, "case %u", i);
		if (!c->ok) {
			KUNIT_EXPECT_EQ_MSG(test, off, 0xdead, "case %u", i);
			continue;
		}
		KUNIT_EXPECT_EQ_MSG(test, off, c->off, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, sis_off_to_seq(off, c->ref_seq,
							 c->ref_off),
				    c->seq, "case %u", i);
	}
	KUNIT_EXPECT_EQ(test, sis_seq_delta(0, 0xffffffff), 1);
	KUNIT_EXPECT_EQ(test, sis_seq_delta(0xffffffff, 0), -1);
	KUNIT_EXPECT_EQ(test, sis_seq_delta(0x80000000, 0), -0x80000000LL);
	KUNIT_EXPECT_EQ(test, sis_seq_delta(0x7fffffff, 0), 0x7fffffffLL);
	/* Offsets past 2^32 map back onto wrapped sequence numbers. */
	KUNIT_EXPECT_EQ(test, sis_off_to_seq(0x100000005ULL, 0xfffffff1, 0),
			0xfffffff6);
	KUNIT_EXPECT_EQ(test, sis_off_to_seq(15, 0xfffffff1, 0), 0);
	KUNIT_EXPECT_EQ(test, sis_off_to_seq(0, 0x10, 0x100000000ULL), 0x10);
}

/* Option parsing. */

struct opt_case {
	const char *name;
	u8 opts[40];
	u8 len;			/* option bytes in the header */
	int ret;
	u16 seen;		/* SIS_OPT_* */
	u16 mss;
	u8 wscale;
	u32 tsval, tsecr;
};

static const struct opt_case opt_cases[] = {
	{ "none", {}, 0, 0, 0 },
	{ "mss", { 2, 4, 0x05, 0xb4 }, 4, 0, SIS_OPT_MSS, .mss = 1460 },
	{ "window scale", { 1, 3, 3, 7 }, 4, 0, SIS_OPT_WSCALE, .wscale = 7 },
	{ "window scale clamped to 14", { 1, 3, 3, 15 }, 4, 0, SIS_OPT_WSCALE,
	  .wscale = 14 },
	{ "sack permitted", { 1, 1, 4, 2 }, 4, 0, SIS_OPT_SACK_PERM },
	{ "sack, one block", { 1, 1, 5, 10, 1, 2, 3, 4, 5, 6, 7, 8 }, 12, 0,
	  SIS_OPT_SACK },
	{ "sack, three blocks", { 1, 1, 5, 26 }, 28, 0, SIS_OPT_SACK },
	{ "timestamps", { 1, 1, 8, 10, 0xff, 0xff, 0xff, 0xf0, 0x12, 0x34, 0x56, 0x78 },
	  12, 0, SIS_OPT_TS, .tsval = 0xfffffff0, .tsecr = 0x12345678 },
	{ "md5", { 19, 18 }, 20, 0, SIS_OPT_MD5 },
	{ "ao", { 29, 4, 1, 2 }, 4, 0, SIS_OPT_AO },
	{ "mptcp", { 30, 4, 0, 0x81 }, 4, 0, SIS_OPT_MPTCP },
	{ "fast open request", { 1, 1, 34, 2 }, 4, 0, SIS_OPT_FASTOPEN },
	{ "fast open cookie", { 34, 10, 1, 2, 3, 4, 5, 6, 7, 8, 1, 1 }, 12, 0,
	  SIS_OPT_FASTOPEN },
	{ "experimental fast open", { 254, 4, 0xf9, 0x89 }, 4, 0,
	  SIS_OPT_FASTOPEN },
	{ "experimental fast open cookie",
	  { 254, 12, 0xf9, 0x89, 1, 2, 3, 4, 5, 6, 7, 8 }, 12, 0,
	  SIS_OPT_FASTOPEN },
	{ "other experiment skipped", { 254, 6, 0x12, 0x34, 0, 0, 1, 1 }, 8, 0,
	  0 },
	{ "unknown kind skipped", { 99, 6, 2, 4, 0, 0, 2, 4, 0x05, 0xb4, 1, 1 },
	  12, 0, SIS_OPT_MSS, .mss = 1460 },
	{ "a SYN's options",
	  { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 7, 0, 0, 0, 0, 1, 3, 3, 7 },
	  20, 0, SIS_OPT_MSS | SIS_OPT_SACK_PERM | SIS_OPT_TS | SIS_OPT_WSCALE,
	  .mss = 1460, .wscale = 7, .tsval = 7 },
	{ "nops", { 1, 1, 1, 1 }, 4, 0, 0 },
	{ "end of list ends parsing", { 0, 2, 3, 1 }, 4, 0, 0 },
	{ "end of list after mss", { 2, 4, 0x05, 0xb4, 0, 99, 0, 1 }, 8, 0,
	  SIS_OPT_MSS, .mss = 1460 },
	/*
	 * Malformed options, read as Linux's tcp_parse_options() reads them:
	 * the receiver accepts the segment, so the engine must too.
	 */
	{ "mss of 3 bytes ignored", { 2, 3, 5, 1 }, 4, 0, 0 },
	{ "mss of 6 bytes ignored", { 2, 6, 0, 0, 0, 0, 1, 1 }, 8, 0, 0 },
	{ "bad mss ignored, the next read",
	  { 2, 3, 5, 2, 4, 0x05, 0xb4, 1 }, 8, 0, SIS_OPT_MSS, .mss = 1460 },
	{ "window scale of 4 bytes ignored", { 3, 4, 7, 0 }, 4, 0, 0 },
	{ "sack permitted of 3 bytes ignored", { 4, 3, 0, 1 }, 4, 0, 0 },
	{ "sack without block ignored", { 5, 2, 1, 1 }, 4, 0, 0 },
	{ "sack with a partial block ignored", { 5, 9 }, 12, 0, 0 },
	{ "timestamps of 8 bytes ignored", { 8, 8 }, 8, 0, 0 },
	{ "bad timestamps ignored, good ones read",
	  { 8, 8, 1, 2, 3, 4, 5, 6, 8, 10, 0, 0, 0, 9, 0, 0, 0, 1, 1, 1 }, 20,
	  0, SIS_OPT_TS, .tsval = 9, .tsecr = 1 },
	{ "md5 of 17 bytes ignored", { 19, 17 }, 20, 0, 0 },
	{ "ao too short ignored", { 29, 3, 0, 1 }, 4, 0, 0 },
	{ "mptcp too short ignored", { 30, 2, 1, 1 }, 4, 0, 0 },
	{ "fast open cookie too short ignored", { 34, 4, 0, 0 }, 4, 0, 0 },
	{ "fast open cookie odd ignored", { 34, 7 }, 8, 0, 0 },
	{ "fast open cookie too long ignored", { 34, 20 }, 20, 0, 0 },
	{ "experimental fast open cookie odd ignored",
	  { 254, 7, 0xf9, 0x89 }, 8, 0, 0 },
	{ "length 0 ends parsing", { 99, 0, 1, 1 }, 4, 0, 0 },
	{ "length 1 ends parsing", { 99, 1, 2, 4, 0x05, 0xb4, 1, 1 }, 8, 0, 0 },
	{ "mss, then length 0", { 2, 4, 0x05, 0xb4, 99, 0, 1, 1 }, 8, 0,
	  SIS_OPT_MSS, .mss = 1460 },
	{ "option past the header ends parsing", { 1, 1, 2, 4 }, 4, 0, 0 },
	{ "long option past the header ends parsing", { 99, 10, 0, 0 }, 4, 0,
	  0 },
	{ "kind without length ends parsing", { 1, 1, 1, 2 }, 4, 0, 0 },
};

static void opt_case_desc(const struct opt_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(opt, opt_cases, opt_case_desc);

/* After the header's options: an MSS option the parser must not read. */
static const u8 opt_canary[4] = { 2, 4, 0x12, 0x34 };

static void sis_test_parse_options(struct kunit *test)
{
	const struct opt_case *c = test->param_value;
	u8 buf[sizeof(struct tcphdr) + 40 + sizeof(opt_canary)];
	struct tcphdr *th = (struct tcphdr *)buf;
	struct sis_tcp_seg seg;

	memset(buf, 0, sizeof(buf));
	th->doff = 5 + c->len / 4;
	memcpy(buf + sizeof(*th), c->opts, c->len);
	memcpy(buf + sizeof(*th) + c->len, opt_canary, sizeof(opt_canary));
	KUNIT_ASSERT_EQ(test, c->len % 4, 0);
	KUNIT_ASSERT_EQ(test, sis_tcp_parse(th, 0, &seg), c->ret);
	if (c->ret)
		return;
	KUNIT_EXPECT_EQ(test, seg.opts, c->seen);
	KUNIT_EXPECT_EQ(test, seg.mss, c->mss);
	KUNIT_EXPECT_EQ(test, seg.wscale, c->wscale);
	KUNIT_EXPECT_EQ(test, seg.tsval, c->tsval);
	KUNIT_EXPECT_EQ(test, seg.tsecr, c->tsecr);
}

static void sis_test_parse_header(struct kunit *test)
{
	u8 buf[sizeof(struct tcphdr) + sizeof(opt_canary)];
	struct tcphdr *th = (struct tcphdr *)buf;
	struct sis_tcp_seg seg;

	memset(buf, 0, sizeof(buf));
	th->seq = htonl(0xfffffff0);
	th->ack_seq = htonl(0x12345678);
	th->window = htons(0xfedc);
	th->doff = 5;
	th->syn = 1;
	th->ack = 1;
	th->fin = 1;
	th->psh = 1;
	memcpy(buf + sizeof(*th), opt_canary, sizeof(opt_canary));
	KUNIT_ASSERT_EQ(test, sis_tcp_parse(th, 1234, &seg), 0);
	KUNIT_EXPECT_EQ(test, seg.seq, 0xfffffff0);
	KUNIT_EXPECT_EQ(test, seg.ack, 0x12345678);
	KUNIT_EXPECT_EQ(test, seg.win, 0xfedc);
	KUNIT_EXPECT_EQ(test, seg.len, 1234);
	KUNIT_EXPECT_EQ(test, seg.flags, TCPHDR_SYN | TCPHDR_ACK | TCPHDR_FIN |
			TCPHDR_PSH);
	KUNIT_EXPECT_EQ(test, seg.opts, 0);	/* the canary is past doff */
	KUNIT_EXPECT_TRUE(test, !sis_tcp_seg_is_syn(&seg));
	th->ack = 0;
	th->fin = 0;
	KUNIT_ASSERT_EQ(test, sis_tcp_parse(th, 0, &seg), 0);
	KUNIT_EXPECT_TRUE(test, sis_tcp_seg_is_syn(&seg));
	th->rst = 1;
	KUNIT_ASSERT_EQ(test, sis_tcp_parse(th, 0, &seg), 0);
	KUNIT_EXPECT_TRUE(test, !sis_tcp_seg_is_syn(&seg));
	th->doff = 4;
	KUNIT_EXPECT_EQ(test, sis_tcp_parse(th, 0, &seg), -EINVAL);
	th->doff = 0;
	KUNIT_EXPECT_EQ(test, sis_tcp_parse(th, 0, &seg), -EINVAL);
}

/* Connections: INI sends the first SYN to RSP. */

enum { INI, RSP, END };	/* END: the end of a script */

#define OK	SIS_TCB_OK
#define BAD	SIS_TCB_INVALID
#define WHY_FIN		SIS_TCB_WHY_FIN
#define WHY_STATE	SIS_TCB_WHY_STATE
#define RST	SIS_TCB_RESET
#define MAYBE	SIS_TCB_RESET_MAYBE
#define CLOSED	SIS_TCP_CLOSED
#define SSENT	SIS_TCP_SYN_SENT
#define SRECV	SIS_TCP_SYN_RECV
#define EST	SIS_TCP_ESTABLISHED
#define FW1	SIS_TCP_FIN_WAIT1
#define FW2	SIS_TCP_FIN_WAIT2
#define CLOSING	SIS_TCP_CLOSING
#define TW	SIS_TCP_TIME_WAIT
#define CW	SIS_TCP_CLOSE_WAIT
#define LA	SIS_TCP_LAST_ACK

#define F_A	TCPHDR_ACK
#define F_FA	(TCPHDR_FIN | TCPHDR_ACK)

struct isn_case {
	const char *name;
	u32 isn[2];
};

static const struct isn_case isn_cases[] = {
	{ "isn far from 2^32", { 1000, 3000000 } },
	{ "isn just below 2^32", { 0xfffffff0, 0xffffff00 } },
	{ "isn at 2^32 - 1", { 0xffffffff, 0x7fffffff } },
};

static void isn_case_desc(const struct isn_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(isn, isn_cases, isn_case_desc);

struct conn {
	struct kunit *test;
	struct sis_tcb tcb[2];
	u32 isn[2];
	u32 nxt[2];		/* the next sequence number each sends */
	u32 ts[2];		/* the next TSval each sends; 0: none */
	u32 recent[2];		/* the TS.Recent each echoes as TSecr */
	u16 syn_opts[2];	/* the options of each one's SYN */
	u8 ws[2];		/* the window shift each one's SYN asks for */
	u16 win[2];		/* the window field each one sends */
	enum sis_tcb_why why;	/* of the last segment */
};

static void conn_init(struct conn *c, struct kunit *test)
{
	const struct isn_case *p = test->param_value;

	memset(c, 0, sizeof(*c));
	c->test = test;
	c->isn[INI] = p->isn[INI];
	c->isn[RSP] = p->isn[RSP];
	c->nxt[INI] = p->isn[INI];
	c->nxt[RSP] = p->isn[RSP];
	c->syn_opts[INI] = SIS_OPT_MSS | SIS_OPT_SACK_PERM;
	c->syn_opts[RSP] = SIS_OPT_MSS | SIS_OPT_SACK_PERM;
	c->win[INI] = 65535;
	c->win[RSP] = 65535;
}

static struct sis_tcp_seg mkseg(struct conn *c, int e, u8 flags, u32 seq,
				u32 ack, u32 len)
{
	struct sis_tcp_seg s = {
		.seq = seq,
		.ack = ack,
		.len = len,
		.flags = flags,
		.win = c->win[e],
		.opts = c->syn_opts[e] & (SIS_OPT_MD5 | SIS_OPT_AO),
	};

	if (flags & TCPHDR_SYN) {
		s.opts = c->syn_opts[e];
		s.mss = 1460;
		s.wscale = c->ws[e];
	}
	if (c->ts[e]) {
		s.opts |= SIS_OPT_TS;
		s.tsval = c->ts[e]++;
		s.tsecr = c->recent[e];
	}
	return s;
}

/* The end of the sequence space @s takes. */
static u32 seg_end(const struct sis_tcp_seg *s)
{
	return s->seq + !!(s->flags & TCPHDR_SYN) + s->len +
	       !!(s->flags & TCPHDR_FIN);
}

/* @e sends @s; a segment refused or maybe a reset leaves both TCBs alone. */
static enum sis_tcb_verdict tx(struct conn *c, int e,
			       const struct sis_tcp_seg *s)
{
	struct sis_tcb old[2];
	enum sis_tcb_verdict v;

	memcpy(old, c->tcb, sizeof(old));
	v = sis_tcb_segment(&c->tcb[e], &c->tcb[!e], s, &c->why);
	if (v == SIS_TCB_INVALID || v == SIS_TCB_RESET_MAYBE ||
	    v == SIS_TCB_UNSURE)
		KUNIT_EXPECT_EQ_MSG(c->test,
				    memcmp(old, c->tcb, sizeof(old)), 0,
				    "verdict %d changed the TCBs", v);
	if (v == SIS_TCB_OK && after(seg_end(s), c->nxt[e]))
		c->nxt[e] = seg_end(s);
	/* The receiver keeps the latest TSval (PAWS lets no older one in). */
	if (v == SIS_TCB_OK &&
	    (s->opts & SIS_OPT_TS) &&
	    (!c->recent[!e] || (s32)(s->tsval - c->recent[!e]) > 0))
		c->recent[!e] = s->tsval;
	return v;
}

/* @e sends @len bytes with @flags at its next seq, acking all it got. */
static enum sis_tcb_verdict xmit(struct conn *c, int e, u8 flags, u32 len)
{
	struct sis_tcp_seg s = mkseg(c, e, flags, c->nxt[e], c->nxt[!e], len);

	return tx(c, e, &s);
}

/* INI's first SYN, with @len bytes of data. */
static void syn(struct conn *c, u32 len)
{
	struct sis_tcp_seg s = mkseg(c, INI, TCPHDR_SYN, c->isn[INI], 0, len);

	sis_tcb_init_syn(&c->tcb[INI], &c->tcb[RSP], &s);
	c->nxt[INI] = seg_end(&s);
}

static enum sis_tcb_verdict synack(struct conn *c, u32 ack)
{
	struct sis_tcp_seg s = mkseg(c, RSP, TCPHDR_SYN | TCPHDR_ACK,
				     c->isn[RSP], ack, 0);

	return tx(c, RSP, &s);
}

static void handshake(struct conn *c)
{
	struct kunit *test = c->test;

	syn(c, 0);
	KUNIT_ASSERT_EQ(test, synack(c, c->nxt[INI]), OK);
	KUNIT_ASSERT_EQ(test, xmit(c, INI, F_A, 0), OK);
	KUNIT_ASSERT_TRUE(test, sis_tcb_established(&c->tcb[INI],
						    &c->tcb[RSP]));
}

/* One segment of a script, and the states it leads to. */
struct step {
	u8 from;
	u8 flags;
	u16 len;
	u8 back;		/* its seq this far before the sender's next */
	u8 lag;			/* its ack this far before the peer's next */
	u8 verdict;
	u8 why;			/* if not 0, the reason it is invalid */
	u8 state[2];		/* [INI], [RSP] after it */
};

/* Runs the steps @st, up to END. */
static void run(struct conn *c, const char *name, const struct step *st)
{
	struct kunit *test = c->test;
	unsigned int i;

	for (i = 0; st->from != END; i++, st++) {
		int e = st->from;
		struct sis_tcp_seg s = mkseg(c, e, st->flags,
					     c->nxt[e] - st->back,
					     c->nxt[!e] - st->lag, st->len);

		KUNIT_EXPECT_EQ_MSG(test, tx(c, e, &s), st->verdict,
				    "%s: step %u", name, i);
		if (st->why)
			KUNIT_EXPECT_EQ_MSG(test, c->why, st->why,
					    "%s: step %u, why", name, i);
		KUNIT_EXPECT_STREQ_MSG(test,
				       sis_tcp_state_name(c->tcb[INI].state),
				       sis_tcp_state_name(st->state[INI]),
				       "%s: step %u, INI", name, i);
		KUNIT_EXPECT_STREQ_MSG(test,
				       sis_tcp_state_name(c->tcb[RSP].state),
				       sis_tcp_state_name(st->state[RSP]),
				       "%s: step %u, RSP", name, i);
	}
}

/* Data both ways after the handshake: 500 bytes, then 700 back. */
static const struct step talk[] = {
	{ INI, F_A, 500, .verdict = OK, .state = { EST, EST } },
	{ RSP, F_A, 700, .verdict = OK, .state = { EST, EST } },
	{ INI, F_A, 0, .verdict = OK, .state = { EST, EST } },
	{ END },
};

static void sis_test_handshake(struct kunit *test)
{
	struct conn c;
	struct sis_tcb *ini = &c.tcb[INI], *rsp = &c.tcb[RSP];
	unsigned int i;
	u64 off;

	conn_init(&c, test);
	c.syn_opts[INI] |= SIS_OPT_WSCALE;
	c.ws[INI] = 7;
	syn(&c, 0);
	KUNIT_EXPECT_EQ(test, ini->state, SSENT);
	KUNIT_EXPECT_EQ(test, rsp->state, SRECV);
	KUNIT_EXPECT_TRUE(test, ini->isn_valid);
	KUNIT_EXPECT_FALSE(test, rsp->isn_valid);
	KUNIT_EXPECT_EQ(test, ini->isn, c.isn[INI]);
	KUNIT_EXPECT_EQ(test, ini->snd_una, c.isn[INI]);
	KUNIT_EXPECT_EQ(test, ini->snd_nxt, c.isn[INI] + 1);
	KUNIT_EXPECT_EQ(test, rsp->rcv_nxt, c.isn[INI] + 1);
	KUNIT_EXPECT_EQ(test, ini->mss, 1460);
	KUNIT_EXPECT_EQ(test, ini->opts, c.syn_opts[INI]);
	KUNIT_EXPECT_EQ(test, ini->syn_wscale, 7);
	KUNIT_EXPECT_EQ(test, ini->wscale, 0);	/* not negotiated yet */
	KUNIT_EXPECT_FALSE(test, sis_tcb_established(ini, rsp));
	KUNIT_EXPECT_FALSE(test, sis_tcb_done(ini, rsp));

	KUNIT_EXPECT_EQ(test, synack(&c, c.nxt[INI]), OK);
	KUNIT_EXPECT_EQ(test, ini->state, EST);
	KUNIT_EXPECT_EQ(test, rsp->state, SRECV);
	KUNIT_EXPECT_TRUE(test, rsp->isn_valid);
	KUNIT_EXPECT_EQ(test, rsp->isn, c.isn[RSP]);
	KUNIT_EXPECT_EQ(test, ini->snd_una, c.isn[INI] + 1);
	KUNIT_EXPECT_EQ(test, ini->rcv_nxt, c.isn[RSP] + 1);
	KUNIT_EXPECT_EQ(test, rsp->rcv_nxt, c.isn[INI] + 1);
	KUNIT_EXPECT_FALSE(test, sis_tcb_established(ini, rsp));

	KUNIT_EXPECT_EQ(test, xmit(&c, INI, F_A, 0), OK);
	KUNIT_EXPECT_EQ(test, rsp->state, EST);
	KUNIT_EXPECT_EQ(test, rsp->snd_una, c.isn[RSP] + 1);
	KUNIT_EXPECT_TRUE(test, sis_tcb_established(ini, rsp));
	KUNIT_EXPECT_FALSE(test, sis_tcb_done(ini, rsp));

	/* Stream offsets: 0 is ISN + 1, the SYN is before the stream. */
	KUNIT_EXPECT_TRUE(test, sis_tcb_seq_off(ini, c.isn[INI] + 1, &off));
	KUNIT_EXPECT_EQ(test, off, 0);
	KUNIT_EXPECT_FALSE(test, sis_tcb_seq_off(ini, c.isn[INI], &off));
	for (i = 0; i < 5; i++) {
		KUNIT_EXPECT_EQ(test, xmit(&c, INI, F_A, 1000), OK);
		KUNIT_EXPECT_EQ(test, xmit(&c, RSP, F_A, 300), OK);
	}
	KUNIT_EXPECT_EQ(test, ini->snd_nxt, c.isn[INI] + 5001);
	KUNIT_EXPECT_EQ(test, rsp->snd_nxt, c.isn[RSP] + 1501);
	KUNIT_EXPECT_EQ(test, rsp->rcv_nxt, c.isn[INI] + 5001);
	KUNIT_EXPECT_EQ(test, ini->rcv_nxt, c.isn[RSP] + 1201);
	KUNIT_EXPECT_TRUE(test, sis_tcb_seq_off(ini, c.isn[INI] + 4001, &off));
	KUNIT_EXPECT_EQ(test, off, 4000);
	KUNIT_EXPECT_TRUE(test, sis_tcb_seq_off(rsp, c.isn[RSP] + 1501, &off));
	KUNIT_EXPECT_EQ(test, off, 1500);
	KUNIT_EXPECT_EQ(test, ini->state, EST);
	KUNIT_EXPECT_EQ(test, rsp->state, EST);
}

/* Window scaling, with or without WS in each SYN. */
static void sis_test_window_scale(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < 4; i++) {
		bool ws_ini = i & 1, ws_rsp = i & 2, ws = ws_ini && ws_rsp;
		struct conn c;
		struct sis_tcb *ini = &c.tcb[INI], *rsp = &c.tcb[RSP];
		struct sis_tcp_seg s;

		conn_init(&c, test);
		if (ws_ini)
			c.syn_opts[INI] |= SIS_OPT_WSCALE;
		if (ws_rsp)
			c.syn_opts[RSP] |= SIS_OPT_WSCALE;
		c.ws[INI] = 7;
		c.ws[RSP] = 9;
		c.win[RSP] = 29200;
		syn(&c, 0);
		/* The SYN's own window is never scaled. */
		KUNIT_EXPECT_EQ_MSG(test, ini->max_win, 65535, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, synack(&c, c.nxt[INI]), OK, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, rsp->max_win, 29200, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, ini->wscale, ws ? 7 : 0, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, rsp->wscale, ws ? 9 : 0, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, sis_tcb_negotiated(ini, rsp,
							     SIS_OPT_WSCALE),
				    ws, "case %u", i);
		c.win[INI] = 1000;
		KUNIT_EXPECT_EQ_MSG(test, xmit(&c, INI, F_A, 0), OK, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, ini->max_win, ws ? 128000 : 65535,
				    "case %u", i);
		c.win[RSP] = 300;
		KUNIT_EXPECT_EQ_MSG(test, xmit(&c, RSP, F_A, 0), OK, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, rsp->max_win, ws ? 153600 : 29200,
				    "case %u", i);

		/* Options that belong on SYNs are ignored on others. */
		s = mkseg(&c, INI, F_A, c.nxt[INI], c.nxt[RSP], 0);
		s.opts |= SIS_OPT_WSCALE | SIS_OPT_MSS;
		s.wscale = 14;
		s.mss = 100;
		KUNIT_EXPECT_EQ_MSG(test, tx(&c, INI, &s), OK, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, ini->wscale, ws ? 7 : 0, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, ini->mss, 1460, "case %u", i);

		/* 100000 bytes ahead: in the scaled window only. */
		s = mkseg(&c, INI, F_A, rsp->rcv_nxt + 100000, c.nxt[RSP], 10);
		KUNIT_EXPECT_EQ_MSG(test, tx(&c, INI, &s), ws ? OK : BAD,
				    "case %u", i);
	}
}

/* SACK and timestamps are on only if both SYNs carry them. */
static void sis_test_negotiation(struct kunit *test)
{
	static const u16 opts[][2] = {
		{ 0, 0 },
		{ SIS_OPT_SACK_PERM, 0 },
		{ 0, SIS_OPT_SACK_PERM },
		{ SIS_OPT_SACK_PERM, SIS_OPT_SACK_PERM },
		{ SIS_OPT_SACK_PERM, SIS_OPT_SACK_PERM | SIS_OPT_TS },
		{ SIS_OPT_TS, SIS_OPT_TS },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(opts); i++) {
		struct conn c;
		u16 both = opts[i][INI] & opts[i][RSP];

		conn_init(&c, test);
		c.syn_opts[INI] = opts[i][INI];
		c.syn_opts[RSP] = opts[i][RSP];
		c.ts[INI] = opts[i][INI] & SIS_OPT_TS ? 100 : 0;
		c.ts[RSP] = opts[i][RSP] & SIS_OPT_TS ? 200 : 0;
		syn(&c, 0);
		KUNIT_EXPECT_FALSE(test, sis_tcb_negotiated(&c.tcb[INI], &c.tcb[RSP],
							    SIS_OPT_SACK_PERM));
		KUNIT_EXPECT_EQ(test, synack(&c, c.nxt[INI]), OK);
		KUNIT_EXPECT_EQ_MSG(test, sis_tcb_negotiated(&c.tcb[INI], &c.tcb[RSP],
							     SIS_OPT_SACK_PERM),
				    !!(both & SIS_OPT_SACK_PERM), "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, sis_tcb_negotiated(&c.tcb[RSP], &c.tcb[INI],
							     SIS_OPT_TS),
				    !!(both & SIS_OPT_TS), "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, c.tcb[INI].mss, 0, "case %u", i);
	}
}

/* Retransmitted SYNs, a new ISN, and SYNs that do not belong. */
static void sis_test_syn_retransmit(struct kunit *test)
{
	struct conn c;
	struct sis_tcb *ini = &c.tcb[INI], *rsp = &c.tcb[RSP];
	struct sis_tcp_seg s;
	u32 old;

	conn_init(&c, test);
	syn(&c, 0);
	s = mkseg(&c, INI, TCPHDR_SYN, c.isn[INI], 0, 0);
	KUNIT_EXPECT_EQ(test, tx(&c, INI, &s), OK);
	KUNIT_EXPECT_EQ(test, ini->state, SSENT);
	KUNIT_EXPECT_EQ(test, rsp->state, SRECV);
	KUNIT_EXPECT_EQ(test, ini->snd_nxt, c.isn[INI] + 1);

	/*
	 * Another ISN, far from the first: out of the window of the
	 * responder's request, which ignores it (tcp_check_req()).
	 */
	old = c.isn[INI];
	s = mkseg(&c, INI, TCPHDR_SYN, old + 0x12345, 0, 0);
	KUNIT_EXPECT_EQ(test, tx(&c, INI, &s), BAD);
	KUNIT_EXPECT_EQ(test, ini->isn, old);
	KUNIT_EXPECT_EQ(test, ini->snd_nxt, old + 1);
	KUNIT_EXPECT_EQ(test, rsp->rcv_nxt, old + 1);
	KUNIT_EXPECT_EQ(test, ini->state, SSENT);
	KUNIT_EXPECT_EQ(test, rsp->state, SRECV);

	/* SYN-ACKs acknowledging anything but the SYN. */
	KUNIT_EXPECT_EQ(test, synack(&c, old + 0x12346), BAD);
	KUNIT_EXPECT_EQ(test, synack(&c, c.isn[INI]), BAD);
	KUNIT_EXPECT_EQ(test, synack(&c, c.isn[INI] + 2), BAD);
	s = mkseg(&c, RSP, TCPHDR_SYN | F_FA, c.isn[RSP], c.nxt[INI], 0);
	KUNIT_EXPECT_EQ(test, tx(&c, RSP, &s), BAD);
	/* Nor anything but a SYN from the responder yet. */
	s = mkseg(&c, RSP, F_A, c.isn[RSP] + 1, c.nxt[INI], 0);
	KUNIT_EXPECT_EQ(test, tx(&c, RSP, &s), BAD);
	s = mkseg(&c, INI, F_A, c.nxt[INI], c.isn[RSP] + 1, 0);
	KUNIT_EXPECT_EQ(test, tx(&c, INI, &s), BAD);

	KUNIT_EXPECT_EQ(test, synack(&c, c.nxt[INI]), OK);
	KUNIT_EXPECT_EQ(test, synack(&c, c.nxt[INI]), OK);	/* again */
	s = mkseg(&c, RSP, TCPHDR_SYN | F_A, c.isn[RSP] + 99, c.nxt[INI], 0);
	KUNIT_EXPECT_EQ(test, tx(&c, RSP, &s), BAD);
	/* Out of the request's window once the responder's SYN came. */
	s = mkseg(&c, INI, TCPHDR_SYN, c.isn[INI] + 0x12345, 0, 0);
	KUNIT_EXPECT_EQ(test, tx(&c, INI, &s), BAD);
	KUNIT_EXPECT_EQ(test, xmit(&c, INI, F_A, 0), OK);
	KUNIT_EXPECT_TRUE(test, sis_tcb_established(ini, rsp));
	KUNIT_EXPECT_EQ(test, rsp->state, EST);
	s = mkseg(&c, RSP, TCPHDR_SYN, c.isn[RSP] + 99, 0, 0);
	KUNIT_EXPECT_EQ(test, tx(&c, RSP, &s), BAD);
	s = mkseg(&c, INI, TCPHDR_SYN | TCPHDR_FIN, c.isn[INI], 0, 0);
	KUNIT_EXPECT_EQ(test, tx(&c, INI, &s), BAD);
	KUNIT_EXPECT_EQ(test, ini->state, EST);
	KUNIT_EXPECT_EQ(test, rsp->state, EST);
	/* Retransmitted SYNs: harmless while the handshake may go on only. */
	KUNIT_EXPECT_EQ(test, synack(&c, c.nxt[INI]), OK);
	KUNIT_EXPECT_EQ(test, xmit(&c, INI, F_FA, 0), OK);
	KUNIT_EXPECT_EQ(test, synack(&c, c.isn[INI] + 1), BAD);
	s = mkseg(&c, INI, TCPHDR_SYN, c.isn[INI], 0, 0);
	KUNIT_EXPECT_EQ(test, tx(&c, INI, &s), BAD);
}

/*
 * A second SYN with another ISN while the responder is a listener's
 * request (SYN-RECEIVED, its SYN not yet acknowledged). Linux's
 * tcp_check_req() ignores it (answering with an ACK, or an RST) when it
 * acknowledges something else than the request's SYN, is PAWS-old, or is
 * out of the request's window; else it drops the request (and sends an
 * RST). The window is the one the SYN-ACK offers: until the bridge has
 * seen it, a SYN in the largest window a SYN-ACK can offer may do either.
 */
enum { SYN2_IGNORED, SYN2_RESET, SYN2_UNSURE };
enum { TS_NONE, TS_NEWER, TS_OLDER };

struct syn2_case {
	const char *name;
	bool synack;		/* the responder's SYN-ACK was seen */
	u16 win;		/* the window it offers, 0: 65535 */
	s32 delta;		/* the second ISN, from the first */
	u8 flags;		/* of the second SYN, SYN or SYN|ACK */
	bool ack_ok;		/* the ACK is of the responder's SYN */
	u8 ts;			/* timestamps on all SYNs, the second's TSval */
	u8 fate;
};

static const struct syn2_case syn2_cases[] = {
	{ "syn-sent, far ahead", false, 0, 0x12345, TCPHDR_SYN, false,
	  TS_NONE, SYN2_IGNORED },
	{ "syn-sent, far behind", false, 0, -100000, TCPHDR_SYN, false,
	  TS_NONE, SYN2_IGNORED },
	{ "syn-sent, one behind", false, 0, -1, TCPHDR_SYN, false, TS_NONE,
	  SYN2_IGNORED },
	{ "syn-sent, at rcv.nxt", false, 0, 1, TCPHDR_SYN, false, TS_NONE,
	  SYN2_UNSURE },
	{ "syn-sent, last of the largest window", false, 0, 65535,
	  TCPHDR_SYN, false, TS_NONE, SYN2_UNSURE },
	{ "syn-sent, past the largest window", false, 0, 65536, TCPHDR_SYN,
	  false, TS_NONE, SYN2_IGNORED },
	{ "syn-sent, with an ack", false, 0, 1000, TCPHDR_SYN | F_A, false,
	  TS_NONE, SYN2_UNSURE },
	{ "syn-sent, older timestamp", false, 0, 1000, TCPHDR_SYN, false,
	  TS_OLDER, SYN2_UNSURE },
	{ "syn-recv, in the window", true, 0, 1000, TCPHDR_SYN, false,
	  TS_NONE, SYN2_RESET },
	{ "syn-recv, last of the window", true, 1000, 1000, TCPHDR_SYN, false,
	  TS_NONE, SYN2_RESET },
	{ "syn-recv, past the window", true, 1000, 1001, TCPHDR_SYN, false,
	  TS_NONE, SYN2_IGNORED },
	{ "syn-recv, far behind", true, 0, -100000, TCPHDR_SYN, false,
	  TS_NONE, SYN2_IGNORED },
	{ "syn-recv, acking the syn-ack", true, 0, 1000, TCPHDR_SYN | F_A,
	  true, TS_NONE, SYN2_RESET },
	{ "syn-recv, acking something else", true, 0, 1000, TCPHDR_SYN | F_A,
	  false, TS_NONE, SYN2_IGNORED },
	{ "syn-recv, newer timestamp", true, 0, 1000, TCPHDR_SYN, false,
	  TS_NEWER, SYN2_RESET },
	{ "syn-recv, older timestamp", true, 0, 1000, TCPHDR_SYN, false,
	  TS_OLDER, SYN2_IGNORED },
};

static void sis_test_second_syn(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(syn2_cases); i++) {
		const struct syn2_case *sc = &syn2_cases[i];
		struct sis_tcb old[2];
		enum sis_tcb_verdict v;
		struct sis_tcp_seg s;
		struct conn c;
		u32 isn;

		conn_init(&c, test);
		if (sc->ts) {
			c.syn_opts[INI] |= SIS_OPT_TS;
			c.syn_opts[RSP] |= SIS_OPT_TS;
			c.ts[INI] = 1000;
			c.ts[RSP] = 5000;
		}
		c.win[RSP] = sc->win ? sc->win : 65535;
		syn(&c, 0);
		if (sc->synack)
			KUNIT_ASSERT_EQ(test, synack(&c, c.nxt[INI]), OK);
		isn = c.isn[INI];
		s = mkseg(&c, INI, sc->flags, isn + sc->delta,
			  c.isn[RSP] + (sc->ack_ok ? 1 : 7), 0);
		if (sc->ts == TS_OLDER)
			s.tsval = 990;
		memcpy(old, c.tcb, sizeof(old));
		v = tx(&c, INI, &s);
		switch (sc->fate) {
		case SYN2_IGNORED:
			KUNIT_EXPECT_EQ_MSG(test, v, BAD, "%s", sc->name);
			break;
		case SYN2_RESET:
			KUNIT_EXPECT_EQ_MSG(test, v, RST, "%s", sc->name);
			KUNIT_EXPECT_EQ_MSG(test, c.tcb[INI].state, CLOSED,
					    "%s", sc->name);
			KUNIT_EXPECT_EQ_MSG(test, c.tcb[RSP].state, CLOSED,
					    "%s", sc->name);
			continue;
		case SYN2_UNSURE:
			KUNIT_EXPECT_EQ_MSG(test, v, SIS_TCB_UNSURE, "%s",
					    sc->name);
			break;
		}
		/* The request, and the shadow, go on with the first ISN. */
		KUNIT_EXPECT_EQ_MSG(test, memcmp(old, c.tcb, sizeof(old)), 0,
				    "%s: the TCBs changed", sc->name);
		KUNIT_EXPECT_EQ_MSG(test, c.tcb[INI].isn, isn, "%s", sc->name);
	}
}

/* Both send a SYN before receiving the other's. */
static void sis_test_simultaneous_open(struct kunit *test)
{
	struct conn c;
	struct sis_tcb *ini = &c.tcb[INI], *rsp = &c.tcb[RSP];
	struct sis_tcp_seg s;

	conn_init(&c, test);
	c.syn_opts[INI] |= SIS_OPT_WSCALE;
	c.syn_opts[RSP] |= SIS_OPT_WSCALE;
	c.ws[INI] = 2;
	c.ws[RSP] = 3;
	syn(&c, 0);
	s = mkseg(&c, RSP, TCPHDR_SYN, c.isn[RSP], 0, 0);
	KUNIT_EXPECT_EQ(test, tx(&c, RSP, &s), OK);
	KUNIT_EXPECT_EQ(test, ini->state, SRECV);
	KUNIT_EXPECT_EQ(test, rsp->state, SRECV);
	KUNIT_EXPECT_EQ(test, ini->rcv_nxt, c.isn[RSP] + 1);
	KUNIT_EXPECT_EQ(test, ini->wscale, 2);
	KUNIT_EXPECT_EQ(test, rsp->wscale, 3);
	KUNIT_EXPECT_FALSE(test, sis_tcb_established(ini, rsp));
	/* Each answers the other's SYN with its own SYN-ACK. */
	s = mkseg(&c, INI, TCPHDR_SYN | F_A, c.isn[INI], c.nxt[RSP], 0);
	KUNIT_EXPECT_EQ(test, tx(&c, INI, &s), OK);
	KUNIT_EXPECT_EQ(test, ini->state, SRECV);
	KUNIT_EXPECT_EQ(test, rsp->state, EST);
	KUNIT_EXPECT_EQ(test, synack(&c, c.nxt[INI]), OK);
	KUNIT_EXPECT_EQ(test, ini->state, EST);
	KUNIT_EXPECT_TRUE(test, sis_tcb_established(ini, rsp));
	run(&c, "talk", talk);
	/* A third SYN (another ISN) from either is refused. */
	s = mkseg(&c, RSP, TCPHDR_SYN, c.isn[RSP] + 5, 0, 0);
	KUNIT_EXPECT_EQ(test, tx(&c, RSP, &s), BAD);
}

/* Data on the SYN (TCP Fast Open): it follows the SYN's seq. */
static void sis_test_syn_data(struct kunit *test)
{
	struct conn c;
	struct sis_tcb *ini = &c.tcb[INI], *rsp = &c.tcb[RSP];
	struct sis_tcp_seg s;
	u64 off;

	/* The responder takes the data with the SYN. */
	conn_init(&c, test);
	c.syn_opts[INI] |= SIS_OPT_FASTOPEN;
	syn(&c, 100);
	KUNIT_EXPECT_EQ(test, ini->snd_nxt, c.isn[INI] + 101);
	KUNIT_EXPECT_EQ(test, rsp->rcv_nxt, c.isn[INI] + 1);
	KUNIT_EXPECT_TRUE(test, sis_tcb_seq_off(ini, c.isn[INI] + 101, &off));
	KUNIT_EXPECT_EQ(test, off, 100);
	KUNIT_EXPECT_EQ(test, synack(&c, c.isn[INI] + 102), BAD);
	KUNIT_EXPECT_EQ(test, synack(&c, c.isn[INI] + 101), OK);
	KUNIT_EXPECT_EQ(test, ini->snd_una, c.isn[INI] + 101);
	KUNIT_EXPECT_EQ(test, ini->state, EST);
	KUNIT_EXPECT_EQ(test, xmit(&c, INI, F_A, 50), OK);
	KUNIT_EXPECT_EQ(test, rsp->state, EST);
	KUNIT_EXPECT_EQ(test, xmit(&c, RSP, F_A, 0), OK);
	KUNIT_EXPECT_EQ(test, ini->snd_una, c.isn[INI] + 151);

	/* The responder takes only the SYN: the data comes again. */
	conn_init(&c, test);
	c.syn_opts[INI] |= SIS_OPT_FASTOPEN;
	syn(&c, 100);
	KUNIT_EXPECT_EQ(test, synack(&c, c.isn[INI] + 1), OK);
	KUNIT_EXPECT_EQ(test, ini->state, EST);
	s = mkseg(&c, INI, F_A, c.isn[INI] + 1, c.nxt[RSP], 100);
	KUNIT_EXPECT_EQ(test, tx(&c, INI, &s), OK);
	KUNIT_EXPECT_EQ(test, ini->snd_nxt, c.isn[INI] + 101);
	KUNIT_EXPECT_EQ(test, xmit(&c, RSP, F_A, 0), OK);
	KUNIT_EXPECT_EQ(test, rsp->rcv_nxt, c.isn[INI] + 101);
	KUNIT_EXPECT_TRUE(test, sis_tcb_established(ini, rsp));
}

/* The responder closes before the handshake is over. */
static void sis_test_close_early(struct kunit *test)
{
	static const struct step steps[] = {
		{ RSP, F_FA, 100, .verdict = OK, .state = { CW, FW1 } },
		{ INI, F_FA, 0, .verdict = OK, .state = { LA, TW } },
		{ RSP, F_A, 0, .verdict = OK, .state = { CLOSED, TW } },
		{ END },
	};
	struct conn c;

	conn_init(&c, test);
	syn(&c, 0);
	KUNIT_EXPECT_EQ(test, synack(&c, c.nxt[INI]), OK);
	KUNIT_EXPECT_FALSE(test, sis_tcb_established(&c.tcb[INI], &c.tcb[RSP]));
	run(&c, "close early", steps);
	KUNIT_EXPECT_TRUE(test, sis_tcb_established(&c.tcb[INI], &c.tcb[RSP]));
	KUNIT_EXPECT_TRUE(test, sis_tcb_done(&c.tcb[INI], &c.tcb[RSP]));
}

/* More than 2^32 bytes each way, in the largest windows there are. */
static void sis_test_long(struct kunit *test)
{
	const u32 len = 1U << 29;
	struct conn c;
	unsigned int i;
	u64 off;

	conn_init(&c, test);
	c.syn_opts[INI] |= SIS_OPT_WSCALE;
	c.syn_opts[RSP] |= SIS_OPT_WSCALE;
	c.ws[INI] = 14;
	c.ws[RSP] = 14;
	handshake(&c);
	KUNIT_EXPECT_EQ(test, xmit(&c, RSP, F_A, 0), OK);
	KUNIT_EXPECT_EQ(test, c.tcb[INI].max_win, 65535U << 14);
	KUNIT_EXPECT_EQ(test, c.tcb[RSP].max_win, 65535U << 14);
	for (i = 0; i < 9; i++) {
		KUNIT_ASSERT_EQ(test, xmit(&c, INI, F_A, len), OK);
		KUNIT_ASSERT_EQ(test, xmit(&c, RSP, F_A, len), OK);
		KUNIT_EXPECT_TRUE(test, sis_tcb_established(&c.tcb[INI],
							    &c.tcb[RSP]));
	}
	KUNIT_EXPECT_EQ(test, xmit(&c, INI, F_A, 0), OK);
	KUNIT_EXPECT_EQ(test, c.tcb[INI].snd_nxt_off, 9ULL * len);
	KUNIT_EXPECT_EQ(test, c.tcb[RSP].snd_nxt_off, 9ULL * len);
	KUNIT_EXPECT_TRUE(test, sis_tcb_seq_off(&c.tcb[INI], c.isn[INI] + 1,
						&off));
	KUNIT_EXPECT_EQ(test, off, 8ULL * len);		/* 2^32 further */
	KUNIT_EXPECT_EQ(test, c.tcb[INI].state, EST);
	KUNIT_EXPECT_EQ(test, c.tcb[RSP].state, EST);
	KUNIT_EXPECT_EQ(test, xmit(&c, INI, F_FA, 0), OK);
	KUNIT_EXPECT_EQ(test, xmit(&c, RSP, F_FA, 0), OK);
	KUNIT_EXPECT_EQ(test, xmit(&c, INI, F_A, 0), OK);
	KUNIT_EXPECT_TRUE(test, sis_tcb_done(&c.tcb[INI], &c.tcb[RSP]));
}

/* Closes, by either side and both, with data before and in between. */
static const struct step close_ini[] = {
	{ INI, F_FA, 0, .verdict = OK, .state = { FW1, CW } },
	{ RSP, F_A, 0, .verdict = OK, .state = { FW2, CW } },
	/* Half-closed: data still flows the other way. */
	{ RSP, F_A, 800, .verdict = OK, .state = { FW2, CW } },
	{ INI, F_A, 0, .verdict = OK, .state = { FW2, CW } },
	{ INI, F_A, 10, .verdict = BAD, .why = WHY_FIN, .state = { FW2, CW } },
	{ RSP, F_A, 900, .verdict = OK, .state = { FW2, CW } },
	{ RSP, F_FA, 0, .verdict = OK, .state = { TW, LA } },
	{ INI, F_A, 0, .verdict = OK, .state = { TW, CLOSED } },
	{ END },
};

static const struct step close_rsp[] = {
	{ RSP, F_FA, 0, .verdict = OK, .state = { CW, FW1 } },
	{ INI, F_A, 0, .verdict = OK, .state = { CW, FW2 } },
	{ INI, F_A, 800, .verdict = OK, .state = { CW, FW2 } },
	{ RSP, F_A, 10, .verdict = BAD, .why = WHY_FIN, .state = { CW, FW2 } },
	{ RSP, F_A, 0, .verdict = OK, .state = { CW, FW2 } },
	{ INI, F_A, 900, .verdict = OK, .state = { CW, FW2 } },
	{ INI, F_FA, 0, .verdict = OK, .state = { LA, TW } },
	{ RSP, F_A, 0, .verdict = OK, .state = { CLOSED, TW } },
	{ END },
};

/* A FIN with data; the other FIN with the ACK of the first. */
static const struct step close_data_fin[] = {
	{ INI, F_FA, 500, .verdict = OK, .state = { FW1, CW } },
	{ RSP, F_FA, 300, .verdict = OK, .state = { TW, LA } },
	{ INI, F_A, 0, .verdict = OK, .state = { TW, CLOSED } },
	{ END },
};

static const struct step close_rsp_data_fin[] = {
	{ RSP, F_FA, 500, .verdict = OK, .state = { CW, FW1 } },
	{ INI, F_FA, 300, .verdict = OK, .state = { LA, TW } },
	{ RSP, F_A, 0, .verdict = OK, .state = { CLOSED, TW } },
	{ END },
};

/* FINs retransmitted, a second FIN elsewhere, ACKs short of the FIN. */
static const struct step close_retransmit[] = {
	{ INI, F_FA, 0, .verdict = OK, .state = { FW1, CW } },
	{ INI, F_FA, 0, .back = 1, .verdict = OK, .state = { FW1, CW } },
	{ INI, F_FA, 0, .verdict = BAD, .why = WHY_FIN, .state = { FW1, CW } },
	{ INI, F_FA, 5, .back = 1, .verdict = BAD, .why = WHY_FIN,
	  .state = { FW1, CW } },
	{ RSP, F_A, 0, .lag = 1, .verdict = OK, .state = { FW1, CW } },
	{ RSP, F_A, 0, .verdict = OK, .state = { FW2, CW } },
	{ RSP, F_FA, 0, .verdict = OK, .state = { TW, LA } },
	{ RSP, F_FA, 0, .back = 1, .verdict = OK, .state = { TW, LA } },
	{ INI, F_A, 0, .verdict = OK, .state = { TW, CLOSED } },
	{ RSP, F_FA, 0, .back = 1, .verdict = OK, .state = { TW, CLOSED } },
	{ INI, F_A, 0, .verdict = BAD, .why = WHY_STATE,
	  .state = { TW, CLOSED } },
	{ END },
};

/* Both FINs cross: each is sent before the other arrives. */
static const struct step close_simultaneous[] = {
	{ INI, F_FA, 0, .verdict = OK, .state = { FW1, CW } },
	{ RSP, F_FA, 0, .lag = 1, .verdict = OK, .state = { CLOSING, CLOSING } },
	{ INI, F_A, 0, .verdict = OK, .state = { CLOSING, TW } },
	{ RSP, F_A, 0, .verdict = OK, .state = { TW, TW } },
	{ END },
};

static const struct {
	const char *name;
	const struct step *steps;
} close_scripts[] = {
	{ "close ini", close_ini },
	{ "close rsp", close_rsp },
	{ "close data fin", close_data_fin },
	{ "close rsp data fin", close_rsp_data_fin },
	{ "close retransmit", close_retransmit },
	{ "close simultaneous", close_simultaneous },
};

static void sis_test_close(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(close_scripts); i++) {
		struct conn c;

		conn_init(&c, test);
		handshake(&c);
		run(&c, "talk", talk);
		KUNIT_EXPECT_FALSE(test, sis_tcb_done(&c.tcb[INI], &c.tcb[RSP]));
		run(&c, close_scripts[i].name, close_scripts[i].steps);
		KUNIT_EXPECT_TRUE_MSG(test, sis_tcb_done(&c.tcb[INI], &c.tcb[RSP]),
				      "%s", close_scripts[i].name);
		KUNIT_EXPECT_TRUE(test, sis_tcb_established(&c.tcb[INI],
							    &c.tcb[RSP]));
		KUNIT_EXPECT_TRUE(test, c.tcb[INI].fin_acked);
		KUNIT_EXPECT_TRUE(test, c.tcb[RSP].fin_acked);
	}
}

/*
 * FINs Linux does not take. A receiver takes a FIN only when it is next in
 * sequence (tcp_data_queue(), tcp_ofo_queue()): one behind RCV.NXT comes
 * with an old retransmission, which it drops whole, and one inside data
 * it already queued out of order comes with a duplicate, which
 * tcp_data_queue_ofo() drops whole. Neither may end the shadow's stream,
 * nor make the data that follows invalid.
 *
 * A step's offsets count from INI's next sequence number when the script
 * starts: INI sends [off, off + len), acknowledging all RSP sent; RSP sends
 * nothing and acknowledges INI's bytes up to off.
 */
struct fin_step {
	u8 from;
	u8 flags;
	u16 off;
	u16 len;
	u8 verdict;
	u8 why;
	u8 state[2];		/* [INI], [RSP] after it */
};

struct fin_script {
	const char *name;
	struct fin_step steps[8];
};

static const struct fin_script fin_scripts[] = {
	{ "old retransmission with a fin, acknowledged", {
		{ INI, F_A, 0, 500, OK, 0, { EST, EST } },
		{ RSP, F_A, 500, 0, OK, 0, { EST, EST } },
		/* Its end, with the FIN, is RCV.NXT: in the window, old. */
		{ INI, F_FA, 400, 99, OK, 0, { EST, EST } },
		{ INI, F_FA, 100, 0, OK, 0, { EST, EST } },
		{ INI, F_A, 500, 100, OK, 0, { EST, EST } },
		{ INI, F_FA, 600, 0, OK, 0, { FW1, CW } },
		{ RSP, F_A, 601, 0, OK, 0, { FW2, CW } },
		{ END } } },
	{ "old retransmission with a fin, not yet acknowledged", {
		{ INI, F_A, 0, 500, OK, 0, { EST, EST } },
		{ INI, F_FA, 0, 300, OK, 0, { EST, EST } },
		{ INI, F_A, 500, 10, OK, 0, { EST, EST } },
		{ RSP, F_A, 510, 0, OK, 0, { EST, EST } },
		{ INI, F_FA, 510, 0, OK, 0, { FW1, CW } },
		{ END } } },
	{ "duplicate out of order with a fin, covered", {
		{ INI, F_A, 100, 200, OK, 0, { EST, EST } },
		{ INI, F_FA, 100, 100, OK, 0, { EST, EST } },
		{ INI, F_FA, 150, 149, OK, 0, { EST, EST } },
		{ INI, F_A, 0, 100, OK, 0, { EST, EST } },
		{ INI, F_A, 300, 100, OK, 0, { EST, EST } },
		{ RSP, F_A, 400, 0, OK, 0, { EST, EST } },
		{ INI, F_FA, 400, 0, OK, 0, { FW1, CW } },
		{ END } } },
	/* Linux puts it in the place of the queued segment: it takes it. */
	{ "out of order with a fin, at the end of the queue", {
		{ INI, F_A, 100, 200, OK, 0, { EST, EST } },
		{ INI, F_FA, 100, 200, OK, 0, { FW1, CW } },
		{ INI, F_A, 0, 100, OK, 0, { FW1, CW } },
		{ INI, F_A, 300, 10, BAD, WHY_FIN, { FW1, CW } },
		{ INI, F_FA, 200, 100, OK, 0, { FW1, CW } },
		{ END } } },
	/*
	 * Linux would take this one if it came in order, and drop the data
	 * queued past it; the shadow keeps the data sent first (first data
	 * wins), and the datapath drops the FIN on a contained stream.
	 */
	/*
	 * An ACK sent after the FIN overtakes it (the FIN was reordered or
	 * lost and sent again): its sequence number is past the FIN, which
	 * is still next in sequence for the receiver.
	 */
	{ "an ack after the fin, before it", {
		{ INI, F_A, 0, 100, OK, 0, { EST, EST } },
		{ INI, F_A, 101, 0, OK, 0, { EST, EST } },
		{ INI, F_FA, 100, 0, OK, 0, { FW1, CW } },
		{ RSP, F_A, 101, 0, OK, 0, { FW2, CW } },
		{ END } } },
	{ "fin before data queued out of order", {
		{ INI, F_A, 200, 100, OK, 0, { EST, EST } },
		{ INI, F_FA, 0, 100, OK, 0, { EST, EST } },
		{ INI, F_A, 100, 100, OK, 0, { EST, EST } },
		{ INI, F_FA, 300, 0, OK, 0, { FW1, CW } },
		{ END } } },
};

static void sis_test_fin_not_taken(struct kunit *test)
{
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(fin_scripts); i++) {
		const struct fin_script *fs = &fin_scripts[i];
		struct conn c;
		u32 base;

		conn_init(&c, test);
		handshake(&c);
		run(&c, "talk", talk);
		base = c.nxt[INI];
		for (j = 0; fs->steps[j].from != END; j++) {
			const struct fin_step *st = &fs->steps[j];
			struct sis_tcp_seg s;

			if (st->from == INI)
				s = mkseg(&c, INI, st->flags, base + st->off,
					  c.nxt[RSP], st->len);
			else
				s = mkseg(&c, RSP, st->flags, c.nxt[RSP],
					  base + st->off, st->len);
			KUNIT_EXPECT_EQ_MSG(test, tx(&c, st->from, &s),
					    st->verdict, "%s: step %u",
					    fs->name, j);
			if (st->why)
				KUNIT_EXPECT_EQ_MSG(test, c.why, st->why,
						    "%s: step %u, why",
						    fs->name, j);
			KUNIT_EXPECT_STREQ_MSG(test,
					       sis_tcp_state_name(c.tcb[INI].state),
					       sis_tcp_state_name(st->state[INI]),
					       "%s: step %u, INI", fs->name, j);
			KUNIT_EXPECT_STREQ_MSG(test,
					       sis_tcp_state_name(c.tcb[RSP].state),
					       sis_tcp_state_name(st->state[RSP]),
					       "%s: step %u, RSP", fs->name, j);
		}
	}
}

/* Resets: a receiver in each state, reached by a script. */
static const struct step to_fw1[] = {
	{ INI, F_FA, 0, .verdict = OK, .state = { FW1, CW } },
	{ END },
};

static const struct step to_fw2[] = {
	{ INI, F_FA, 0, .verdict = OK, .state = { FW1, CW } },
	{ RSP, F_A, 0, .verdict = OK, .state = { FW2, CW } },
	{ END },
};

static const struct step to_closing[] = {
	{ INI, F_FA, 0, .verdict = OK, .state = { FW1, CW } },
	{ RSP, F_FA, 0, .lag = 1, .verdict = OK, .state = { CLOSING, CLOSING } },
	{ INI, F_A, 0, .verdict = OK, .state = { CLOSING, TW } },
	{ END },
};

static const struct step to_last_ack[] = {
	{ INI, F_FA, 0, .verdict = OK, .state = { FW1, CW } },
	{ RSP, F_FA, 0, .verdict = OK, .state = { TW, LA } },
	{ END },
};

static const struct step to_time_wait[] = {
	{ INI, F_FA, 0, .verdict = OK, .state = { FW1, CW } },
	{ RSP, F_FA, 0, .verdict = OK, .state = { TW, LA } },
	{ INI, F_A, 0, .verdict = OK, .state = { TW, CLOSED } },
	{ END },
};

struct rst_case {
	const char *name;
	const struct step *steps;	/* after a full handshake and talk */
	bool syn_recv;		/* instead: SYN and SYN-ACK only */
	u8 to;			/* the receiver of the RST */
	u8 state;		/* its state */
	bool fin_minus_one;	/* RCV.NXT - 1 resets too */
};

static const struct rst_case rst_cases[] = {
	{ "syn-recv", .syn_recv = true, .to = RSP, .state = SRECV },
	{ "established, to INI", .to = INI, .state = EST },
	{ "established, to RSP", .to = RSP, .state = EST },
	{ "fin-wait-1", to_fw1, .to = INI, .state = FW1 },
	{ "fin-wait-2", to_fw2, .to = INI, .state = FW2 },
	{ "close-wait", to_fw2, .to = RSP, .state = CW,
	  .fin_minus_one = true },
	{ "closing", to_closing, .to = INI, .state = CLOSING,
	  .fin_minus_one = true },
	{ "last-ack", to_last_ack, .to = RSP, .state = LA,
	  .fin_minus_one = true },
	{ "time-wait", to_time_wait, .to = INI, .state = TW },
};

/* RSTs at these distances from the receiver's RCV.NXT. */
static const s32 rst_deltas[] = { 0, -1, 100, -100, 65536, -65536, 200000 };

static void rst_setup(struct conn *c, const struct rst_case *rc)
{
	conn_init(c, c->test);
	if (rc->syn_recv) {
		syn(c, 0);
		KUNIT_EXPECT_EQ(c->test, synack(c, c->nxt[INI]), OK);
		return;
	}
	handshake(c);
	run(c, "talk", talk);
	if (rc->steps)
		run(c, rc->name, rc->steps);
}

static void sis_test_rst(struct kunit *test)
{
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(rst_cases); i++) {
		const struct rst_case *rc = &rst_cases[i];

		for (j = 0; j < ARRAY_SIZE(rst_deltas); j++) {
			s32 d = rst_deltas[j];
			enum sis_tcb_verdict want;
			struct sis_tcp_seg s;
			struct conn c;
			int to = rc->to;

			c.test = test;
			rst_setup(&c, rc);
			KUNIT_ASSERT_STREQ(test, sis_tcp_state_name(c.tcb[to].state),
					   sis_tcp_state_name(rc->state));
			if (!d)
				want = RST;
			else if (d == -1 && rc->fin_minus_one)
				want = RST;
			else if (d > 65535 || d < -65535)
				want = BAD;
			else
				want = MAYBE;
			s = mkseg(&c, !to, TCPHDR_RST | TCPHDR_ACK,
				  c.tcb[to].rcv_nxt + d, c.nxt[to], 0);
			KUNIT_EXPECT_EQ_MSG(test, tx(&c, !to, &s), want,
					    "%s, %d", rc->name, d);
			if (want != RST)
				continue;
			KUNIT_EXPECT_EQ(test, c.tcb[INI].state, CLOSED);
			KUNIT_EXPECT_EQ(test, c.tcb[RSP].state, CLOSED);
			KUNIT_EXPECT_TRUE(test, sis_tcb_done(&c.tcb[INI],
							     &c.tcb[RSP]));
			/* Nothing is accepted any more. */
			KUNIT_EXPECT_EQ(test, xmit(&c, INI, F_A, 10), BAD);
			KUNIT_EXPECT_EQ(test, xmit(&c, RSP, TCPHDR_RST, 0), BAD);
		}
	}
}

/* Resets during the handshake, and when the receiver's RCV.NXT is unsure. */
static void sis_test_rst_special(struct kunit *test)
{
	struct conn c;
	struct sis_tcb *ini = &c.tcb[INI], *rsp = &c.tcb[RSP];
	struct sis_tcp_seg s;

	/* SYN-SENT: only an RST acknowledging the SYN counts. */
	conn_init(&c, test);
	syn(&c, 0);
	s = mkseg(&c, RSP, TCPHDR_RST, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, tx(&c, RSP, &s), BAD);
	s = mkseg(&c, RSP, TCPHDR_RST | F_A, 0, c.isn[INI], 0);
	KUNIT_EXPECT_EQ(test, tx(&c, RSP, &s), BAD);
	s = mkseg(&c, RSP, TCPHDR_RST | F_A, 0, c.isn[INI] + 2, 0);
	KUNIT_EXPECT_EQ(test, tx(&c, RSP, &s), BAD);
	s = mkseg(&c, RSP, TCPHDR_RST | F_A, 0, c.isn[INI] + 1, 0);
	KUNIT_EXPECT_EQ(test, tx(&c, RSP, &s), RST);
	KUNIT_EXPECT_EQ(test, ini->state, CLOSED);
	KUNIT_EXPECT_EQ(test, rsp->state, CLOSED);
	KUNIT_EXPECT_TRUE(test, sis_tcb_done(ini, rsp));
	KUNIT_EXPECT_FALSE(test, sis_tcb_established(ini, rsp));
	/* A SYN after the end is for a new connection, not this one. */
	s = mkseg(&c, INI, TCPHDR_SYN, c.isn[INI] + 1000, 0, 0);
	KUNIT_EXPECT_EQ(test, tx(&c, INI, &s), BAD);

	/* SYN-SENT with data on the SYN: the ACK may cover the data. */
	conn_init(&c, test);
	syn(&c, 100);
	s = mkseg(&c, RSP, TCPHDR_RST | F_A, 0, c.isn[INI] + 101, 0);
	KUNIT_EXPECT_EQ(test, tx(&c, RSP, &s), RST);

	/* SYN-RECEIVED before the SYN-ACK: the SYN's end, exactly. */
	conn_init(&c, test);
	syn(&c, 0);
	s = mkseg(&c, INI, TCPHDR_RST, c.isn[INI] + 2, 0, 0);
	KUNIT_EXPECT_EQ(test, tx(&c, INI, &s), BAD);
	s = mkseg(&c, INI, TCPHDR_RST, c.isn[INI] + 1, 0, 0);
	KUNIT_EXPECT_EQ(test, tx(&c, INI, &s), RST);

	/* Data not yet acknowledged: RCV.NXT is somewhere in it. */
	conn_init(&c, test);
	handshake(&c);
	KUNIT_EXPECT_EQ(test, xmit(&c, INI, F_A, 500), OK);
	s = mkseg(&c, INI, TCPHDR_RST, rsp->rcv_nxt, 0, 0);
	KUNIT_EXPECT_EQ(test, tx(&c, INI, &s), MAYBE);
	s = mkseg(&c, INI, TCPHDR_RST, c.nxt[INI], 0, 0);
	KUNIT_EXPECT_EQ(test, tx(&c, INI, &s), MAYBE);
	KUNIT_EXPECT_EQ(test, xmit(&c, RSP, F_A, 0), OK);
	/* An RST may carry data (a diagnostic): it still resets. */
	s = mkseg(&c, INI, TCPHDR_RST, rsp->rcv_nxt, 0, 20);
	KUNIT_EXPECT_EQ(test, tx(&c, INI, &s), RST);
}

/* The receive window: old, future, keepalives and zero-window probes. */
static void sis_test_window(struct kunit *test)
{
	static const struct {
		s32 d;
		u32 len;
		u8 verdict;
	} cases[] = {
		{ 65536, 10, BAD },		/* past the right edge */
		{ 200000, 1000, BAD },
		{ -65546, 10, BAD },		/* ends before the left edge */
		{ -1000000, 1000, BAD },
		{ -65545, 10, OK },		/* old: ends at the left edge */
		{ -30000, 1000, OK },		/* old retransmission */
		{ -1, 0, OK },			/* keepalive */
		{ -1, 1, OK },			/* keepalive with a byte */
		{ 0, 1000, OK },		/* new data */
		{ 65535, 10, OK },		/* at the right edge */
	};
	struct conn c;
	struct sis_tcb *rsp = &c.tcb[RSP];
	enum sis_tcb_why why;
	struct sis_tcp_seg s;
	unsigned int i;
	u32 base, nxt;

	conn_init(&c, test);
	handshake(&c);
	/* Move 80000 bytes: the window crosses 2^32 in the wrap cases. */
	for (i = 0; i < 80; i++) {
		KUNIT_ASSERT_EQ(test, xmit(&c, INI, F_A, 1000), OK);
		KUNIT_ASSERT_EQ(test, xmit(&c, RSP, F_A, 0), OK);
	}
	base = rsp->rcv_nxt;
	KUNIT_EXPECT_EQ(test, base, c.isn[INI] + 80001);
	nxt = c.tcb[INI].snd_nxt;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		s = mkseg(&c, INI, F_A, base + cases[i].d, c.nxt[RSP],
			  cases[i].len);
		KUNIT_EXPECT_EQ_MSG(test, tx(&c, INI, &s), cases[i].verdict,
				    "case %u", i);
		why = SIS_TCB_WHY_NONE;
		if (cases[i].verdict == BAD)
			why = SIS_TCB_WHY_WINDOW;
		KUNIT_EXPECT_EQ_MSG(test, c.why, why, "case %u", i);
		if (cases[i].d + (s32)cases[i].len <= 0)	/* old */
			KUNIT_EXPECT_EQ(test, c.tcb[INI].snd_nxt, nxt);
	}
	KUNIT_EXPECT_EQ(test, c.tcb[INI].snd_nxt, base + 65545);

	/* A zero window: probes at its edge are still in. */
	conn_init(&c, test);
	handshake(&c);
	c.win[RSP] = 0;
	KUNIT_EXPECT_EQ(test, xmit(&c, RSP, F_A, 0), OK);
	KUNIT_EXPECT_EQ(test, xmit(&c, INI, F_A, 1), OK);
	c.nxt[INI]--;
	KUNIT_EXPECT_EQ(test, xmit(&c, INI, F_A, 1), OK);
}

/* ACKs: of data never sent, too old, or missing. */
static void sis_test_bad_ack(struct kunit *test)
{
	struct conn c;
	struct sis_tcb *ini = &c.tcb[INI], *rsp = &c.tcb[RSP];
	struct sis_tcp_seg s;

	conn_init(&c, test);
	handshake(&c);
	run(&c, "talk", talk);
	s = mkseg(&c, INI, F_A, c.nxt[INI], c.nxt[RSP] + 1, 0);
	KUNIT_EXPECT_EQ(test, tx(&c, INI, &s), BAD);
	KUNIT_EXPECT_EQ(test, c.why, SIS_TCB_WHY_ACK);
	s = mkseg(&c, INI, F_A, c.nxt[INI], c.nxt[RSP] + 100000, 10);
	KUNIT_EXPECT_EQ(test, tx(&c, INI, &s), BAD);
	KUNIT_EXPECT_EQ(test, c.why, SIS_TCB_WHY_ACK);
	s = mkseg(&c, INI, F_A, c.nxt[INI], rsp->snd_una - ini->max_win - 1, 0);
	KUNIT_EXPECT_EQ(test, tx(&c, INI, &s), BAD);
	KUNIT_EXPECT_EQ(test, c.why, SIS_TCB_WHY_ACK);
	s = mkseg(&c, INI, 0, c.nxt[INI], c.nxt[RSP], 10);
	KUNIT_EXPECT_EQ(test, tx(&c, INI, &s), BAD);
	KUNIT_EXPECT_EQ(test, c.why, SIS_TCB_WHY_STATE);
	s = mkseg(&c, INI, TCPHDR_PSH, c.nxt[INI], c.nxt[RSP], 10);
	KUNIT_EXPECT_EQ(test, tx(&c, INI, &s), BAD);
	KUNIT_EXPECT_EQ(test, c.why, SIS_TCB_WHY_STATE);
	s = mkseg(&c, INI, F_A, c.nxt[INI], c.nxt[RSP], 10);
	KUNIT_EXPECT_EQ(test, tx(&c, INI, &s), OK);
	KUNIT_EXPECT_EQ(test, c.why, SIS_TCB_WHY_NONE);
	/* An old ACK is harmless. */
	s = mkseg(&c, INI, F_A, c.nxt[INI], rsp->snd_una - 100, 0);
	KUNIT_EXPECT_EQ(test, tx(&c, INI, &s), OK);
	KUNIT_EXPECT_EQ(test, rsp->snd_una, c.nxt[RSP]);
	/* Nor past the peer's FIN. */
	KUNIT_EXPECT_EQ(test, xmit(&c, RSP, F_FA, 0), OK);
	s = mkseg(&c, INI, F_A, c.nxt[INI], c.nxt[RSP] + 1, 0);
	KUNIT_EXPECT_EQ(test, tx(&c, INI, &s), BAD);
	KUNIT_EXPECT_EQ(test, xmit(&c, INI, F_A, 0), OK);
	KUNIT_EXPECT_TRUE(test, rsp->fin_acked);
}

/*
 * PAWS goes by the TS.Recent the receiver echoes: a segment overtaken
 * after the bridge by a later one is still in until the receiver shows,
 * in its TSecr, that the later one reached it; a TSecr above any TSval
 * sent counts as the highest sent.
 */
static void sis_test_paws_echo(struct kunit *test)
{
	struct conn c;
	struct sis_tcb *rsp = &c.tcb[RSP];
	struct sis_tcp_seg late, early;
	u32 t;

	conn_init(&c, test);
	c.syn_opts[INI] |= SIS_OPT_TS;
	c.syn_opts[RSP] |= SIS_OPT_TS;
	c.ts[INI] = 1000;
	c.ts[RSP] = 0x7ffffff0;
	handshake(&c);
	run(&c, "talk", talk);
	t = c.ts[INI];
	early = mkseg(&c, INI, F_A, c.nxt[INI], c.nxt[RSP], 100);
	c.ts[INI] = t + 10;
	/* An old retransmission with a later TSval comes first. */
	late = mkseg(&c, INI, F_A, c.nxt[INI] - 50, c.nxt[RSP], 50);
	KUNIT_EXPECT_EQ(test, tx(&c, INI, &late), OK);
	KUNIT_EXPECT_EQ(test, tx(&c, INI, &early), OK);
	KUNIT_EXPECT_EQ(test, rsp->ts_recent, t - 2);
	/* The receiver echoes t + 10: from now on t is too old. */
	KUNIT_EXPECT_EQ(test, xmit(&c, RSP, F_A, 0), OK);
	KUNIT_EXPECT_EQ(test, rsp->ts_recent, t + 10);
	c.ts[INI] = t;
	KUNIT_EXPECT_EQ(test, xmit(&c, INI, F_A, 10), BAD);
	KUNIT_EXPECT_EQ(test, c.why, SIS_TCB_WHY_PAWS);
	c.ts[INI] = t + 9;
	KUNIT_EXPECT_EQ(test, xmit(&c, INI, F_A, 10), OK);
	/* An echo from the future counts as the highest TSval sent. */
	c.recent[RSP] = t + 100000;
	KUNIT_EXPECT_EQ(test, xmit(&c, RSP, F_A, 0), OK);
	KUNIT_EXPECT_EQ(test, rsp->ts_recent, t + 10);
	KUNIT_EXPECT_EQ(test, c.tcb[INI].ts_max, t + 10);
	/* An echo of 0 (none yet) leaves it. */
	c.recent[RSP] = 0;
	KUNIT_EXPECT_EQ(test, xmit(&c, RSP, F_A, 0), OK);
	KUNIT_EXPECT_EQ(test, rsp->ts_recent, t + 10);
}

/* PAWS: timestamps older than the receiver's TS.Recent. */
static void sis_test_paws(struct kunit *test)
{
	struct conn c;
	struct sis_tcb *rsp = &c.tcb[RSP];
	struct sis_tcp_seg s;
	unsigned int i;
	u32 last;

	conn_init(&c, test);
	c.syn_opts[INI] |= SIS_OPT_TS;
	c.syn_opts[RSP] |= SIS_OPT_TS;
	c.ts[INI] = 0xfffffff0;		/* crosses 2^32 */
	c.ts[RSP] = 5000;
	handshake(&c);
	KUNIT_EXPECT_TRUE(test, sis_tcb_negotiated(&c.tcb[INI], rsp,
						   SIS_OPT_TS));
	KUNIT_EXPECT_EQ(test, c.tcb[INI].ts_recent, 5000);
	for (i = 0; i < 40; i++) {
		KUNIT_ASSERT_EQ(test, xmit(&c, INI, F_A, 100), OK);
		KUNIT_ASSERT_EQ(test, xmit(&c, RSP, F_A, 0), OK);
	}
	last = c.ts[INI] - 1;
	KUNIT_EXPECT_EQ(test, rsp->ts_recent, last);
	c.ts[INI] = last - 2;
	KUNIT_EXPECT_EQ(test, xmit(&c, INI, F_A, 100), BAD);
	KUNIT_EXPECT_EQ(test, c.why, SIS_TCB_WHY_PAWS);
	c.ts[INI] = last - 1000;
	KUNIT_EXPECT_EQ(test, xmit(&c, INI, F_A, 0), BAD);
	KUNIT_EXPECT_EQ(test, c.why, SIS_TCB_WHY_PAWS);
	c.ts[INI] = last - 1;		/* Linux's PAWS window */
	KUNIT_EXPECT_EQ(test, xmit(&c, INI, F_A, 100), OK);
	KUNIT_EXPECT_EQ(test, rsp->ts_recent, last);

	/* Until the receiver echoes a later TSval, TS.Recent stays. */
	c.ts[INI] = last + 100;
	KUNIT_EXPECT_EQ(test, xmit(&c, INI, F_A, 100), OK);
	KUNIT_EXPECT_EQ(test, rsp->ts_recent, last);
	c.ts[INI] = last + 50;
	KUNIT_EXPECT_EQ(test, xmit(&c, INI, F_A, 100), OK);
	KUNIT_EXPECT_EQ(test, xmit(&c, RSP, F_A, 0), OK);
	KUNIT_EXPECT_EQ(test, rsp->ts_recent, last + 100);
	c.ts[INI] = last + 98;
	KUNIT_EXPECT_EQ(test, xmit(&c, INI, F_A, 100), BAD);

	/* PAWS does not apply to RSTs. */
	c.ts[INI] = last - 100000;
	s = mkseg(&c, INI, TCPHDR_RST, rsp->rcv_nxt, 0, 0);
	KUNIT_EXPECT_EQ(test, tx(&c, INI, &s), RST);

	/* Nor when the responder's SYN had no timestamps. */
	conn_init(&c, test);
	c.syn_opts[INI] |= SIS_OPT_TS;
	c.ts[INI] = 1000;
	handshake(&c);
	c.ts[INI] = 1;
	KUNIT_EXPECT_EQ(test, xmit(&c, INI, F_A, 100), OK);
}

/* TCP-MD5 and TCP-AO: unsigned segments never reach the receiver. */
static void sis_test_auth(struct kunit *test)
{
	static const u16 auth[] = { SIS_OPT_MD5, SIS_OPT_AO };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(auth); i++) {
		struct conn c;
		struct sis_tcp_seg s;

		conn_init(&c, test);
		c.syn_opts[INI] |= auth[i];
		c.syn_opts[RSP] |= auth[i];
		handshake(&c);
		s = mkseg(&c, INI, F_A, c.nxt[INI], c.nxt[RSP], 10);
		s.opts &= ~auth[i];
		KUNIT_EXPECT_EQ(test, tx(&c, INI, &s), BAD);
		KUNIT_EXPECT_EQ(test, c.why, SIS_TCB_WHY_AUTH);
		s = mkseg(&c, RSP, TCPHDR_RST, c.tcb[INI].rcv_nxt, 0, 0);
		s.opts &= ~auth[i];
		KUNIT_EXPECT_EQ(test, tx(&c, RSP, &s), BAD);
		KUNIT_EXPECT_EQ(test, c.why, SIS_TCB_WHY_AUTH);
		KUNIT_EXPECT_EQ(test, xmit(&c, INI, F_A, 10), OK);
		KUNIT_EXPECT_EQ(test, xmit(&c, RSP, TCPHDR_RST, 0), RST);
	}
}

static void sis_test_state_names(struct kunit *test)
{
	static const char *const names[__SIS_TCP_MAX] = {
		"closed", "syn-sent", "syn-recv", "established", "fin-wait-1",
		"fin-wait-2", "closing", "time-wait", "close-wait", "last-ack",
	};
	struct sis_tcb zero[2] = {};
	unsigned int i;

	for (i = 0; i < __SIS_TCP_MAX; i++)
		KUNIT_EXPECT_STREQ(test, sis_tcp_state_name(i), names[i]);
	KUNIT_EXPECT_STREQ(test, sis_tcp_state_name(__SIS_TCP_MAX), "?");
	KUNIT_EXPECT_STREQ(test, sis_tcp_state_name(255), "?");
	KUNIT_EXPECT_TRUE(test, sis_tcb_done(&zero[0], &zero[1]));
	KUNIT_EXPECT_FALSE(test, sis_tcb_established(&zero[0], &zero[1]));
}

static struct kunit_case sis_tcb_cases[] = {
	KUNIT_CASE(sis_test_seq_off),
	KUNIT_CASE_PARAM(sis_test_parse_options, opt_gen_params),
	KUNIT_CASE(sis_test_parse_header),
	KUNIT_CASE(sis_test_state_names),
	KUNIT_CASE_PARAM(sis_test_handshake, isn_gen_params),
	KUNIT_CASE_PARAM(sis_test_window_scale, isn_gen_params),
	KUNIT_CASE_PARAM(sis_test_negotiation, isn_gen_params),
	KUNIT_CASE_PARAM(sis_test_syn_retransmit, isn_gen_params),
	KUNIT_CASE_PARAM(sis_test_second_syn, isn_gen_params),
	KUNIT_CASE_PARAM(sis_test_simultaneous_open, isn_gen_params),
	KUNIT_CASE_PARAM(sis_test_syn_data, isn_gen_params),
	KUNIT_CASE_PARAM(sis_test_close, isn_gen_params),
	KUNIT_CASE_PARAM(sis_test_fin_not_taken, isn_gen_params),
	KUNIT_CASE_PARAM(sis_test_close_early, isn_gen_params),
	KUNIT_CASE_PARAM(sis_test_long, isn_gen_params),
	KUNIT_CASE_PARAM(sis_test_rst, isn_gen_params),
	KUNIT_CASE_PARAM(sis_test_rst_special, isn_gen_params),
	KUNIT_CASE_PARAM(sis_test_window, isn_gen_params),
	KUNIT_CASE_PARAM(sis_test_bad_ack, isn_gen_params),
	KUNIT_CASE_PARAM(sis_test_paws, isn_gen_params),
	KUNIT_CASE_PARAM(sis_test_paws_echo, isn_gen_params),
	KUNIT_CASE_PARAM(sis_test_auth, isn_gen_params),
	{}
};

static struct kunit_suite sis_tcb_suite = {
	.name = "sis_tcb",
	.test_cases = sis_tcb_cases,
};

kunit_test_suite(sis_tcb_suite);
