// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * libsis scanners without a kernel: frame and stream event parsing,
 * sis_read() over scripted datagrams, verdict and stream pass batches,
 * requests that wait for an ack while frames arrive, and filter
 * compilation.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>

#include <sis/scanner.h>
#include "internal.h"
#include "tap.h"

#define FAMILY		0x42
#define MAX_DGRAMS	256
#define MAX_SENT	256

/* A datagram the fake kernel has queued: bytes, or an error from recv. */
struct dgram {
	uint8_t *data;
	size_t len;
	ssize_t ret;		/* < 0: this error; > 0: report as this long */
};

/* The fake kernel behind a scanner (struct sis_scanner_io). */
static struct {
	struct sis_scanner *sc;
	struct dgram in[MAX_DGRAMS];
	int nin, next;
	struct nlmsghdr *sent[MAX_SENT];	/* copies of the requests */
	int nsent;
	int send_error;
	/* How requests sent with NLM_F_ACK are answered. */
	int answer_error;
	const char *answer_extack;
	bool reply;		/* a SIS_CMD_SUBSCRIBE reply before the ack */
	uint32_t reply_id;
	bool alert_reply;	/* a SIS_CMD_ALERT reply before the ack */
	uint64_t alert_id;
	int refuse_piece;	/* answer the piece at this index with EINVAL */
	bool drop_ack;		/* as if the receive buffer was full */
	bool drop_probe;	/* the same for the ack of a probe */
	bool frame_after_ack;	/* frame 100 in the ack's datagram */
	bool refuse_verdicts;	/* answer verdicts with EINVAL */
	bool refuse_passes;	/* answer stream passes with EINVAL */
	/* Blocking receives found nothing: the test would hang. */
	int blocked;
	unsigned int queued_when_blocked;
} fk;

static void fake_reset(void)
{
	sis_scanner_close(fk.sc);
	for (int i = 0; i < fk.nin; i++)
		free(fk.in[i].data);
	for (int i = 0; i < fk.nsent; i++)
		free(fk.sent[i]);
	memset(&fk, 0, sizeof(fk));
}

/* Messages */

static struct dgram *push(void)
{
	if (fk.nin == MAX_DGRAMS)
		abort();
	return &fk.in[fk.nin++];
}

static void push_error(ssize_t ret)
{
	push()->ret = ret;
}

/* Append msg to a datagram, and free it. */
static void add(struct dgram *d, struct nl_msg *msg)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);
	size_t len = NLMSG_ALIGN(h->nlmsg_len);

	d->data = realloc(d->data, d->len + len);
	if (!d->data)
		abort();
	memset(d->data + d->len, 0, len);
	memcpy(d->data + d->len, h, h->nlmsg_len);
	d->len += len;
	nlmsg_free(msg);
}

/* Leave attributes out of frame_msg(), to garble it. */
#define OMIT_NUM	0x1
#define OMIT_DATA	0x2
#define OMIT_NEST	0x4

struct fr {
	uint64_t num;
	uint32_t sub;
	uint8_t dir;
	uint32_t len;
	bool held;
	uint32_t caplen;
	unsigned int omit;
};

static uint8_t data_byte(uint64_t num, uint32_t i)
{
	return (uint8_t)(num * 7 + i);
}

static struct nl_msg *frame_msgx(const struct fr *f)
{
	struct nl_msg *msg = nlmsg_alloc_size(f->caplen + 512);
	struct nlattr *nest, *data;

	genlmsg_put(msg, 0, 0, FAMILY, 0, 0, SIS_CMD_FRAME, SIS_GENL_VERSION);
	if (f->omit & OMIT_NEST)
		return msg;
	nest = nla_nest_start(msg, SIS_A_FRAME);
	if (!(f->omit & OMIT_NUM))
		nla_put_u64(msg, SIS_FRAME_A_NUM, f->num);
	nla_put_u32(msg, SIS_FRAME_A_SUB, f->sub);
	nla_put_u8(msg, SIS_FRAME_A_DIR, f->dir);
	nla_put_u32(msg, SIS_FRAME_A_LEN, f->len);
	if (f->held)
		nla_put_flag(msg, SIS_FRAME_A_HELD);
	if (!(f->omit & OMIT_DATA)) {
		data = nla_reserve(msg, SIS_FRAME_A_DATA, f->caplen);
		for (uint32_t i = 0; i < f->caplen; i++)
			((uint8_t *)nla_data(data))[i] = data_byte(f->num, i);
	}
	nla_nest_end(msg, nest);
	return msg;
}

/* A plausible frame: 60 bytes, all delivered, subscription 1. */
static struct nl_msg *frame_msg(uint64_t num, bool held)
{
	struct fr f = {
		.num = num, .sub = 1, .dir = num % 2 ? SIS_DIR_IN : SIS_DIR_OUT,
		.len = 60, .caplen = 60, .held = held,
	};

	return frame_msgx(&f);
}

static struct nl_msg *detached_msg(void)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *nest;

	genlmsg_put(msg, 0, 0, FAMILY, 0, 0, SIS_CMD_DETACHED,
		    SIS_GENL_VERSION);
	nest = nla_nest_start(msg, SIS_A_SCANNER);
	nla_put_string(msg, SIS_SCANNER_A_NAME, "ids");
	nla_nest_end(msg, nest);
	return msg;
}

static struct nl_msg *ack_msg(uint32_t seq, int error, const char *extack)
{
	struct nl_msg *msg = nlmsg_alloc_simple(NLMSG_ERROR, NLM_F_CAPPED);
	struct nlmsgerr e = { .error = error };

	e.msg.nlmsg_seq = seq;
	nlmsg_append(msg, &e, sizeof(e), NLMSG_ALIGNTO);
	if (extack) {
		nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK_TLVS;
		nla_put_string(msg, NLMSGERR_ATTR_MSG, extack);
	}
	nlmsg_hdr(msg)->nlmsg_seq = seq;
	return msg;
}

static struct nl_msg *alert_reply_msg(uint32_t seq, uint64_t id)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *nest;

	genlmsg_put(msg, 0, seq, FAMILY, 0, 0, SIS_CMD_ALERT,
		    SIS_GENL_VERSION);
	nest = nla_nest_start(msg, SIS_A_ALERT);
	nla_put_u64(msg, SIS_ALERT_A_ID, id);
	nla_nest_end(msg, nest);
	return msg;
}

static struct nl_msg *sub_reply_msg(uint32_t seq, uint32_t id)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *nest;

	genlmsg_put(msg, 0, seq, FAMILY, 0, 0, SIS_CMD_SUBSCRIBE,
		    SIS_GENL_VERSION);
	nest = nla_nest_start(msg, SIS_A_SUB);
	nla_put_u32(msg, SIS_SUB_A_ID, id);
	nla_nest_end(msg, nest);
	return msg;
}

/* Frames first..last, held or not, in datagrams of up to 500. */
static void push_frames(uint64_t first, uint64_t last, bool held)
{
	struct dgram *d = NULL;

	for (uint64_t n = first; n <= last; n++) {
		if ((n - first) % 500 == 0)
			d = push();
		add(d, frame_msg(n, held));
	}
}

/* The fake's side of struct sis_scanner_io */

static uint8_t sent_cmd(const struct nlmsghdr *h)
{
	return h->nlmsg_type == FAMILY ?
		genlmsg_hdr((struct nlmsghdr *)h)->cmd : 0;
}

static void answer(const struct nlmsghdr *h)
{
	struct dgram *d;

	if (h->nlmsg_type == NLMSG_NOOP) {	/* a probe */
		if (!fk.drop_probe)
			add(push(), ack_msg(h->nlmsg_seq, 0, NULL));
		return;
	}
	if (sent_cmd(h) == SIS_CMD_VERDICT && fk.refuse_verdicts) {
		add(push(), ack_msg(h->nlmsg_seq, -EINVAL,
				    "verdict 0: unknown verdict code"));
		return;
	}
	if (sent_cmd(h) == SIS_CMD_STREAM_PASS && fk.refuse_passes) {
		add(push(), ack_msg(h->nlmsg_seq, -EINVAL,
				    "pass 0: bytes not delivered"));
		return;
	}
	if (sent_cmd(h) == SIS_CMD_ALERT_DATA && fk.refuse_piece &&
	    fk.nsent == fk.refuse_piece + 1) {
		add(push(), ack_msg(h->nlmsg_seq, -EINVAL,
				    "piece at offset 1, expected 0 (in order)"));
		return;
	}
	if (!(h->nlmsg_flags & NLM_F_ACK))
		return;
	d = push();
	if (fk.reply && sent_cmd(h) == SIS_CMD_SUBSCRIBE)
		add(d, sub_reply_msg(h->nlmsg_seq, fk.reply_id));
	if (fk.alert_reply && sent_cmd(h) == SIS_CMD_ALERT)
		add(d, alert_reply_msg(h->nlmsg_seq, fk.alert_id));
	if (!fk.drop_ack)
		add(d, ack_msg(h->nlmsg_seq, fk.answer_error,
			       fk.answer_extack));
	if (fk.frame_after_ack)
		add(d, frame_msg(100, false));
	if (!d->len)
		fk.nin--;
}

static int fake_send(void *ctx, const struct nlmsghdr *h)
{
	(void)ctx;
	if (fk.send_error)
		return fk.send_error;
	if (fk.nsent == MAX_SENT)
		abort();
	fk.sent[fk.nsent] = malloc(h->nlmsg_len);
	memcpy(fk.sent[fk.nsent++], h, h->nlmsg_len);
	answer(h);
	return 0;
}

static ssize_t fake_recv(void *ctx, void *buf, size_t len, bool block)
{
	struct dgram *d;

	(void)ctx;
	if (fk.next == fk.nin) {
		if (!block)
			return -EAGAIN;
		fk.blocked++;
		fk.queued_when_blocked = sis_scanner_queued(fk.sc);
		return -ETIMEDOUT;
	}
	d = &fk.in[fk.next++];
	if (d->ret)
		return d->ret;
	memcpy(buf, d->data, d->len < len ? d->len : len);
	return d->len;
}

static const struct sis_scanner_io fake_io = {
	.send = fake_send,
	.recv = fake_recv,
};

static struct sis_scanner *fake_start(void)
{
	fake_reset();
	fk.sc = sis_scanner_new(FAMILY, &fake_io, NULL);
	return fk.sc;
}

/* Parse sent request i into tb; its command, 0 if it is not one of ours. */
static uint8_t sent_parse(int i, struct nlattr **tb)
{
	if (i >= fk.nsent)
		return 0;
	if (genlmsg_parse(fk.sent[i], 0, tb, SIS_A_MAX, NULL) < 0)
		return 0;
	return sent_cmd(fk.sent[i]);
}

/* The verdicts of sent request i: their number, -1 if it is not one. */
static int sent_verdicts(int i, const struct sis_verdict **v)
{
	struct nlattr *tb[SIS_A_MAX + 1];

	if (sent_parse(i, tb) != SIS_CMD_VERDICT || !tb[SIS_A_VERDICTS] ||
	    nla_len(tb[SIS_A_VERDICTS]) % sizeof(**v))
		return -1;
	*v = nla_data(tb[SIS_A_VERDICTS]);
	return nla_len(tb[SIS_A_VERDICTS]) / sizeof(**v);
}

/* Read frames until something else comes; their count. */
static int read_frames(struct sis_scanner *sc, bool pass, uint64_t *last)
{
	struct sis_event ev;
	int n = 0;

	while (!sis_read(sc, &ev, SIS_READ_NONBLOCK) &&
	       ev.type == SIS_EVENT_FRAME) {
		if (pass && ev.frame.held)
			sis_pass(sc, ev.frame.num);
		if (last)
			*last = ev.frame.num;
		n++;
	}
	return n;
}

/* Parsing */

static int parse_one(const struct fr *f, struct sis_event *ev, char *err)
{
	struct nl_msg *msg = frame_msgx(f);
	int r;

	memset(ev, 0xa5, sizeof(*ev));
	r = sis_scanner_parse(nlmsg_hdr(msg), FAMILY, ev, err, SIS_EXTACK_MAX);
	nlmsg_free(msg);
	return r;
}

TAP_SUITE(lib_scanner_parse)
{
	static const struct {
		const char *name;
		struct fr f;
	} bad[] = {
		{ "no number", { 1, 1, SIS_DIR_IN, 60, false, 60, OMIT_NUM } },
		{ "number 0", { 0, 1, SIS_DIR_IN, 60, false, 60, 0 } },
		{ "direction any", { 1, 1, SIS_DIR_ANY, 60, false, 60, 0 } },
		{ "direction 0", { 1, 1, 0, 60, false, 60, 0 } },
		{ "more data than length", { 1, 1, SIS_DIR_OUT, 60, false, 61, 0 } },
		{ "no SIS_A_FRAME", { 1, 1, SIS_DIR_IN, 60, false, 60, OMIT_NEST } },
	};
	struct fr f = { 7, 3, SIS_DIR_OUT, 1514, true, 96, 0 };
	char err[SIS_EXTACK_MAX];
	struct sis_event ev;
	struct nl_msg *msg;
	bool bytes = true;
	int r;

	r = parse_one(&f, &ev, err);
	for (uint32_t i = 0; i < 96 && r == 1; i++)
		bytes = bytes && ev.frame.data[i] == data_byte(7, i);
	tap_ok(r == 1 && ev.type == SIS_EVENT_FRAME && ev.frame.num == 7 &&
	       ev.frame.sub == 3 && ev.frame.dir == SIS_DIR_OUT &&
	       ev.frame.len == 1514 && ev.frame.caplen == 96 &&
	       ev.frame.held && bytes, "parse: held frame, snapped");

	f = (struct fr){ 8, 1, SIS_DIR_IN, 60, false, 60, 0 };
	r = parse_one(&f, &ev, err);
	tap_ok(r == 1 && !ev.frame.held && ev.frame.caplen == 60,
	       "parse: read-only frame");

	f.omit = OMIT_DATA;
	r = parse_one(&f, &ev, err);
	tap_ok(r == 1 && ev.frame.caplen == 0 && ev.frame.data,
	       "parse: no data, a valid empty pointer");

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err[0] = '\0';
		r = parse_one(&bad[i].f, &ev, err);
		tap_ok(r == -EPROTO && err[0], "parse: rejects %s", bad[i].name);
		tap_diag("%s", err);
	}

	msg = frame_msg(1, false);
	r = sis_scanner_parse(nlmsg_hdr(msg), FAMILY + 1, &ev, err, sizeof(err));
	tap_eq(r, 0, "parse: another family's message is not ours");
	genlmsg_hdr(nlmsg_hdr(msg))->cmd = SIS_CMD_ALERT;
	r = sis_scanner_parse(nlmsg_hdr(msg), FAMILY, &ev, err, sizeof(err));
	tap_eq(r, 0, "parse: other commands are skipped");
	nlmsg_hdr(msg)->nlmsg_len = NLMSG_HDRLEN + 2;
	r = sis_scanner_parse(nlmsg_hdr(msg), FAMILY, &ev, err, sizeof(err));
	tap_eq(r, -EPROTO, "parse: rejects a short generic netlink header");
	nlmsg_free(msg);

	msg = detached_msg();
	r = sis_scanner_parse(nlmsg_hdr(msg), FAMILY, &ev, err, sizeof(err));
	tap_ok(r == 1 && ev.type == SIS_EVENT_DETACHED, "parse: detached");
	nlmsg_free(msg);
}

/* sis_read() */

/* Expect frame num from sis_read(). */
static bool read_is(struct sis_scanner *sc, uint64_t num)
{
	struct sis_event ev;
	int r = sis_read(sc, &ev, SIS_READ_NONBLOCK);

	if (r || ev.type != SIS_EVENT_FRAME || ev.frame.num != num) {
		tap_diag("read: got %d type %d num %llu, want frame %llu", r,
			 r ? 0 : ev.type, r ? 0ULL : (unsigned long long)ev.frame.num,
			 (unsigned long long)num);
		return false;
	}
	return true;
}

static bool read_type(struct sis_scanner *sc, enum sis_event_type type)
{
	struct sis_event ev;

	return !sis_read(sc, &ev, SIS_READ_NONBLOCK) && ev.type == type;
}

TAP_SUITE(lib_scanner_read)
{
	struct sis_scanner *sc = fake_start();
	struct dgram *d;
	struct fr f = { 4, 1, SIS_DIR_IN, 60, false, 60, OMIT_NUM };
	struct sis_event ev;
	bool ok;
	int r;

	/* Three datagrams, the second with a garbled frame in the middle. */
	push_frames(1, 3, false);
	d = push();
	add(d, frame_msg(4, false));
	add(d, frame_msgx(&f));
	add(d, frame_msg(5, true));
	ok = read_is(sc, 1) && read_is(sc, 2) && read_is(sc, 3) &&
	     read_is(sc, 4);
	tap_ok(ok, "read: several frames per datagram, in order");
	r = sis_read(sc, &ev, SIS_READ_NONBLOCK);
	tap_ok(r == -EPROTO && sis_read_extack(sc)[0],
	       "read: a garbled frame is reported once");
	tap_ok(read_is(sc, 5), "read: the frame after it follows");
	tap_ok(sis_read(sc, &ev, SIS_READ_NONBLOCK) == -EAGAIN,
	       "read: -EAGAIN when nothing is pending");

	/* A datagram cut inside its last message. */
	d = push();
	add(d, frame_msg(6, false));
	add(d, frame_msg(7, false));
	d->len -= 20;
	push_frames(8, 8, false);
	ok = read_is(sc, 6);
	r = sis_read(sc, &ev, SIS_READ_NONBLOCK);
	tap_ok(ok && r == -EPROTO, "read: a truncated message is rejected");
	tap_ok(read_is(sc, 8), "read: the next datagram is read normally");

	/* Losses: overrun, a datagram too big for the buffer. */
	push_error(-ENOBUFS);
	push_frames(9, 9, false);
	tap_ok(read_type(sc, SIS_EVENT_LOST) && read_is(sc, 9),
	       "read: ENOBUFS is an event, then reading goes on");
	fk.in[fk.nin].ret = 4 * SIS_SCANNER_RX_SIZE;
	fk.nin++;
	push_frames(10, 10, false);
	tap_ok(read_type(sc, SIS_EVENT_LOST) && read_is(sc, 10),
	       "read: a datagram larger than the buffer is lost");

	/* Messages that are not events. */
	d = push();
	add(d, nlmsg_alloc_simple(NLMSG_NOOP, 0));
	add(d, ack_msg(77, 0, NULL));
	add(d, frame_msg(11, false));
	tap_ok(read_is(sc, 11), "read: no-ops and positive acks are skipped");

	/* A blocking read that finds nothing waits in recv. */
	r = sis_read(sc, &ev, 0);
	tap_ok(r == -ETIMEDOUT && fk.blocked == 1, "read: blocking read waits");

	/* Detached: the end. */
	d = push();
	add(d, frame_msg(12, true));
	add(d, detached_msg());
	ok = read_is(sc, 12) && !sis_pass(sc, 12) &&
	     sis_scanner_queued(sc) == 1;
	tap_ok(ok && read_type(sc, SIS_EVENT_DETACHED) &&
	       sis_scanner_queued(sc) == 0,
	       "read: detached drops the verdicts for released frames");
	r = sis_read(sc, &ev, 0);
	tap_ok(r == -ENOTCONN && fk.nsent == 0, "read: -ENOTCONN once detached");
	fake_reset();
}

/* Verdict batches */

static bool verdicts_are(int i, int n, uint64_t first, uint32_t code)
{
	const struct sis_verdict *v;
	int got = sent_verdicts(i, &v);

	if (got != n) {
		tap_diag("request %d: %d verdicts, want %d", i, got, n);
		return false;
	}
	for (int k = 0; k < n; k++)
		if (v[k].frame != first + k || v[k].verdict != code ||
		    v[k].reserved)
			return false;
	return !(fk.sent[i]->nlmsg_flags & NLM_F_ACK) &&
	       (fk.sent[i]->nlmsg_flags & NLM_F_REQUEST);
}

TAP_SUITE(lib_scanner_verdicts)
{
	const uint64_t total = 2 * SIS_VERDICTS_MAX + 5;
	struct sis_scanner *sc = fake_start();
	struct sis_event ev;
	uint64_t n = 1;
	int r;

	tap_ok(sis_flush(sc) == 0 && fk.nsent == 0,
	       "verdicts: nothing to flush sends nothing");
	tap_ok(sis_pass(sc, 1) == -EINVAL && sis_pass(sc, 0) == -EINVAL &&
	       sis_scanner_queued(sc) == 0,
	       "verdicts: refused for frames never handed out");

	/* 8005 held frames, read in datagrams of 500, all passed. */
	push_frames(1, total, true);
	n = total + 1;
	r = read_frames(sc, true, NULL);
	tap_eq(r, (int)total, "verdicts: %d held frames read", r);
	tap_ok(fk.nsent == 3 && verdicts_are(0, SIS_VERDICTS_MAX, 1,
					     SIS_VERDICT_PASS) &&
	       verdicts_are(1, SIS_VERDICTS_MAX, SIS_VERDICTS_MAX + 1,
			    SIS_VERDICT_PASS) &&
	       verdicts_are(2, 5, 2 * SIS_VERDICTS_MAX + 1, SIS_VERDICT_PASS),
	       "verdicts: full batches of SIS_VERDICTS_MAX, the rest on -EAGAIN");
	tap_eq(sis_scanner_queued(sc), 0, "verdicts: none left queued");

	/* Sent before a blocking read waits, not while frames are there. */
	push_frames(n, n + 1, true);
	r = read_frames(sc, false, NULL);
	sis_cut(sc, n);
	sis_pass(sc, n + 1);
	tap_ok(r == 2 && fk.nsent == 3 && sis_scanner_queued(sc) == 2,
	       "verdicts: queued while reading");
	r = sis_read(sc, &ev, 0);
	tap_ok(r == -ETIMEDOUT && fk.queued_when_blocked == 0 &&
	       fk.nsent == 4 && fk.sent[3]->nlmsg_len > 0,
	       "verdicts: sent before blocking");
	{
		const struct sis_verdict *v;

		tap_ok(sent_verdicts(3, &v) == 2 && v[0].frame == n &&
		       v[0].verdict == SIS_VERDICT_CUT && v[1].frame == n + 1 &&
		       v[1].verdict == SIS_VERDICT_PASS,
		       "verdicts: cut and pass in call order");
	}
	n += 2;

	/* Read-only frames are refused, not sent to spoil a batch. */
	push_frames(n, n, false);
	read_frames(sc, false, NULL);
	tap_ok(sis_pass(sc, n) == -EPERM && sis_cut(sc, n) == -EPERM &&
	       sis_scanner_queued(sc) == 0,
	       "verdicts: refused for a read-only frame");
	n++;

	/* A batch is sent as soon as it is full. */
	push_frames(n, n + SIS_VERDICTS_MAX - 1, true);
	read_frames(sc, false, NULL);
	r = fk.nsent;
	for (int i = 0; i < SIS_VERDICTS_MAX; i++)
		sis_pass(sc, n + i);
	tap_ok(fk.nsent == r + 1 && sis_scanner_queued(sc) == 0 &&
	       verdicts_are(r, SIS_VERDICTS_MAX, n, SIS_VERDICT_PASS),
	       "verdicts: a full batch goes at once");
	n += SIS_VERDICTS_MAX;

	/* Send failures keep the verdicts. */
	push_frames(n, n + SIS_VERDICTS_MAX, true);
	read_frames(sc, false, NULL);
	fk.send_error = -ENOMEM;
	r = 0;
	for (int i = 0; i < SIS_VERDICTS_MAX; i++)
		r |= sis_pass(sc, n + i);
	tap_ok(r == 0 && sis_scanner_queued(sc) == SIS_VERDICTS_MAX,
	       "verdicts: a full batch stays when its send fails");
	r = sis_pass(sc, n + SIS_VERDICTS_MAX);
	tap_ok(r == -ENOMEM && sis_scanner_queued(sc) == SIS_VERDICTS_MAX,
	       "verdicts: one more is refused with the send error");
	tap_ok(sis_flush(sc) == -ENOMEM && sis_scanner_queued(sc) ==
	       SIS_VERDICTS_MAX, "verdicts: flush fails, verdicts kept");
	fk.send_error = 0;
	r = sis_pass(sc, n + SIS_VERDICTS_MAX);
	tap_ok(r == 0 && sis_scanner_queued(sc) == 1 &&
	       verdicts_are(fk.nsent - 1, SIS_VERDICTS_MAX, n,
			    SIS_VERDICT_PASS),
	       "verdicts: sent once the socket works again");

	/* A request sends them first: the kernel sees program order. */
	r = sis_inject(sc, 1, SIS_DIR_IN, NULL, 0);
	tap_ok(r == 0 && verdicts_are(fk.nsent - 2, 1, n + SIS_VERDICTS_MAX,
				      SIS_VERDICT_PASS) &&
	       sent_cmd(fk.sent[fk.nsent - 1]) == SIS_CMD_INJECT,
	       "verdicts: sent before a request");

	/* The kernel refuses a verdict request: sis_read() says so once. */
	n += SIS_VERDICTS_MAX + 1;
	fk.refuse_verdicts = true;
	push_frames(n, n + 1, true);
	read_is(sc, n);
	sis_pass(sc, n);
	sis_flush(sc);
	r = sis_read(sc, &ev, SIS_READ_NONBLOCK);
	tap_ok(r == 0 && ev.frame.num == n + 1,
	       "verdicts: frames before the refusal come first");
	r = sis_read(sc, &ev, SIS_READ_NONBLOCK);
	tap_ok(r == -EINVAL && !strcmp(sis_read_extack(sc),
				       "verdict 0: unknown verdict code"),
	       "verdicts: a refusal is returned by sis_read(), with its message");
	r = sis_read(sc, &ev, SIS_READ_NONBLOCK);
	tap_ok(r == -EAGAIN && !sis_read_extack(sc)[0],
	       "verdicts: and only once");
	fake_reset();
}

/* Requests */

static const struct nla_policy sub_pol[SIS_SUB_A_MAX + 1] = {
	[SIS_SUB_A_CAP] = { .type = NLA_STRING },
	[SIS_SUB_A_RIGHTS] = { .type = NLA_U8 },
	[SIS_SUB_A_SNAPLEN] = { .type = NLA_U32 },
	[SIS_SUB_A_EXPR] = { .type = NLA_STRING },
};

TAP_SUITE(lib_scanner_subscribe)
{
	struct nlattr *tb[SIS_A_MAX + 1], *sub[SIS_SUB_A_MAX + 1];
	struct sis_scanner *sc = fake_start();
	char ext[SIS_EXTACK_MAX];
	struct sis_event ev;
	uint32_t id = 0;
	int r;

	fk.reply = true;
	fk.reply_id = 9;
	r = sis_subscribe(sc, "web", SIS_RIGHT_READ | SIS_RIGHT_CONTAIN,
			  "tcp port 80", 128, &id, ext, sizeof(ext));
	tap_ok(r == 0 && id == 9, "subscribe: the reply's id");
	r = sent_parse(0, tb) == SIS_CMD_SUBSCRIBE && tb[SIS_A_SUB] &&
	    !nla_parse_nested(sub, SIS_SUB_A_MAX, tb[SIS_A_SUB], sub_pol);
	tap_ok(r && (fk.sent[0]->nlmsg_flags & NLM_F_ACK) &&
	       fk.sent[0]->nlmsg_seq &&
	       !strcmp(nla_get_string(sub[SIS_SUB_A_CAP]), "web") &&
	       nla_get_u8(sub[SIS_SUB_A_RIGHTS]) == 3 &&
	       nla_get_u32(sub[SIS_SUB_A_SNAPLEN]) == 128 &&
	       !strcmp(nla_get_string(sub[SIS_SUB_A_EXPR]), "tcp port 80") &&
	       sub[SIS_SUB_A_BPF] && nla_len(sub[SIS_SUB_A_BPF]) > 8 &&
	       nla_len(sub[SIS_SUB_A_BPF]) % 8 == 0,
	       "subscribe: request attributes");

	r = sis_subscribe(sc, "all", SIS_RIGHT_READ, NULL, 0, &id, ext,
			  sizeof(ext));
	r = r == 0 && sent_parse(1, tb) == SIS_CMD_SUBSCRIBE &&
	    !nla_parse_nested(sub, SIS_SUB_A_MAX, tb[SIS_A_SUB], sub_pol);
	tap_ok(r && !sub[SIS_SUB_A_EXPR] && !sub[SIS_SUB_A_SNAPLEN] &&
	       nla_len(sub[SIS_SUB_A_BPF]) == 8,
	       "subscribe: no filter, one accepting instruction");

	fk.answer_error = -ENOENT;
	fk.answer_extack = "the scanner has no capability with this name";
	r = sis_subscribe(sc, "nope", SIS_RIGHT_READ, "", 0, &id, ext,
			  sizeof(ext));
	tap_ok(r == -ENOENT && !strcmp(ext, fk.answer_extack),
	       "subscribe: the kernel's error and message");
	fk.answer_error = 0;
	fk.answer_extack = NULL;

	r = sis_subscribe(sc, "web", SIS_RIGHT_READ, "tcp port", 0, &id, ext,
			  sizeof(ext));
	tap_ok(r == -EINVAL && !strncmp(ext, "filter: ", 8) && fk.nsent == 3,
	       "subscribe: a filter that does not compile is not sent");
	tap_diag("%s", ext);
	r = sis_subscribe(sc, "a-capability-name-of-32-bytes-xx", SIS_RIGHT_READ,
			  NULL, 0, &id, ext, sizeof(ext));
	tap_ok(r == -EINVAL && ext[0] && fk.nsent == 3,
	       "subscribe: capability name too long");

	fk.reply = false;
	r = sis_subscribe(sc, "web", SIS_RIGHT_READ, NULL, 0, &id, ext,
			  sizeof(ext));
	tap_eq(r, -EPROTO, "subscribe: an ack without a reply is -EPROTO");
	tap_ok(sis_read(sc, &ev, SIS_READ_NONBLOCK) == -EAGAIN,
	       "subscribe: answers are not events");
	fake_reset();
}

/* sis_alert_attach(): the alert, then the pieces in order, each acked. */
TAP_SUITE(lib_scanner_alert_attach)
{
	static const struct nla_policy alert_pol[SIS_ALERT_A_MAX + 1] = {
		[SIS_ALERT_A_ID] = { .type = NLA_U64 },
		[SIS_ALERT_A_OFFSET] = { .type = NLA_U64 },
		[SIS_ALERT_A_ATTACH_LEN] = { .type = NLA_U64 },
	};
	static uint8_t data[150000], got[150000];
	struct nlattr *tb[SIS_A_MAX + 1], *at[SIS_ALERT_A_MAX + 1];
	struct sis_scanner *sc = fake_start();
	char ext[SIS_EXTACK_MAX];
	size_t off = 0;
	bool ok = true;
	int r;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 31 + 7);
	fk.alert_reply = true;
	fk.alert_id = 42;
	r = sis_alert_attach(sc, "virus", 5, data, sizeof(data), ext,
			     sizeof(ext));
	tap_eq(r, 0, "attach: all sent, 0");
	r = sent_parse(0, tb) == SIS_CMD_ALERT && tb[SIS_A_ALERT] &&
	    !nla_parse_nested(at, SIS_ALERT_A_MAX, tb[SIS_A_ALERT], alert_pol) &&
	    at[SIS_ALERT_A_ATTACH_LEN] &&
	    nla_get_u64(at[SIS_ALERT_A_ATTACH_LEN]) == sizeof(data) &&
	    at[SIS_ALERT_A_MSG] && nla_len(at[SIS_ALERT_A_MSG]) == 5;
	tap_ok(r && fk.nsent == 4, "attach: the alert announces the length, 3 pieces follow");
	for (int i = 1; i < fk.nsent; i++) {
		size_t n;

		ok = ok && sent_parse(i, tb) == SIS_CMD_ALERT_DATA &&
		     (fk.sent[i]->nlmsg_flags & NLM_F_ACK) && tb[SIS_A_ALERT] &&
		     !nla_parse_nested(at, SIS_ALERT_A_MAX, tb[SIS_A_ALERT],
				       alert_pol) &&
		     at[SIS_ALERT_A_ID] && at[SIS_ALERT_A_OFFSET] &&
		     at[SIS_ALERT_A_ATTACH_DATA] &&
		     nla_get_u64(at[SIS_ALERT_A_ID]) == 42 &&
		     nla_get_u64(at[SIS_ALERT_A_OFFSET]) == off;
		if (!ok)
			break;
		n = (size_t)nla_len(at[SIS_ALERT_A_ATTACH_DATA]);
		ok = n <= SIS_ALERT_PIECE_MAX && off + n <= sizeof(got);
		if (!ok)
			break;
		memcpy(got + off, nla_data(at[SIS_ALERT_A_ATTACH_DATA]), n);
		off += n;
	}
	tap_ok(ok && off == sizeof(data) && !memcmp(got, data, sizeof(data)),
	       "attach: pieces of at most SIS_ALERT_PIECE_MAX, in order, the bytes");

	/* Over the budget or the rate: id 0, nothing more sent. */
	fake_reset();
	sc = fake_start();
	fk.alert_reply = true;
	fk.alert_id = 0;
	r = sis_alert_attach(sc, "virus", 5, data, 10, ext, sizeof(ext));
	tap_ok(r == 1 && fk.nsent == 1, "attach: id 0 is 1, no piece sent");

	/* A refused piece: its error and message, no more pieces. */
	fk.alert_id = 43;
	fk.refuse_piece = 2;	/* the third request of this fake: the first piece */
	r = sis_alert_attach(sc, "virus", 5, data, sizeof(data), ext,
			     sizeof(ext));
	tap_ok(r == -EINVAL && strstr(ext, "expected 0") && fk.nsent == 3,
	       "attach: a refused piece stops it with the kernel's reason");
	fk.refuse_piece = 0;

	/* An ack without a reply: the kernel is too old. */
	fk.alert_reply = false;
	r = sis_alert_attach(sc, "virus", 5, data, 10, ext, sizeof(ext));
	tap_eq(r, -EPROTO, "attach: no reply is -EPROTO");

	r = sis_alert_attach(sc, "virus", 5, data, 0, ext, sizeof(ext));
	tap_ok(r == -EINVAL && ext[0], "attach: empty attachment refused");
	r = sis_alert_attach(sc, "virus", 5, data, SIS_ALERT_ATTACH_MAX + 1ul,
			     ext, sizeof(ext));
	tap_ok(r == -EINVAL && ext[0], "attach: too long refused");
	fake_reset();
}

TAP_SUITE(lib_scanner_wait)
{
	struct sis_scanner *sc = fake_start();
	char ext[SIS_EXTACK_MAX];
	const uint8_t *data;
	struct sis_event ev;
	uint8_t copy[60];
	uint32_t id = 0;
	bool ok;
	int r;

	/* Frames 1-3 read in part, 4-7 arrive during the request. */
	push_frames(1, 3, true);
	r = sis_read(sc, &ev, SIS_READ_NONBLOCK);
	data = ev.frame.data;
	memcpy(copy, data, sizeof(copy));
	push_frames(4, 5, true);
	push_frames(6, 7, false);
	fk.reply = true;
	fk.reply_id = 4;
	r = sis_subscribe(sc, "web", SIS_RIGHT_READ, NULL, 0, &id, ext,
			  sizeof(ext));
	tap_ok(r == 0 && id == 4, "wait: the ack is found behind frames");
	tap_ok(!memcmp(copy, data, sizeof(copy)),
	       "wait: the frame handed out is still valid");
	ok = read_is(sc, 2) && read_is(sc, 3) && read_is(sc, 4) &&
	     read_is(sc, 5) && read_is(sc, 6) && read_is(sc, 7);
	tap_ok(ok && sis_read(sc, &ev, SIS_READ_NONBLOCK) == -EAGAIN,
	       "wait: frames kept and handed out in order");

	/* A request while reading the kept frames keeps more, after them. */
	push_frames(8, 8, false);
	push_frames(9, 9, false);
	fk.reply = false;
	r = sis_inject(sc, 1, SIS_DIR_OUT, ext, sizeof(ext));
	push_frames(10, 10, false);
	ok = r == 0 && read_is(sc, 8);
	push_frames(11, 11, false);
	r = sis_alert(sc, "x", 1, 0, ext, sizeof(ext));
	ok = ok && r == 0 && read_is(sc, 9) && read_is(sc, 10) &&
	     read_is(sc, 11);
	tap_ok(ok, "wait: nested waits keep the order");

	/* A frame in the ack's datagram. */
	fk.frame_after_ack = true;
	r = sis_unsubscribe(sc, 4, ext, sizeof(ext));
	fk.frame_after_ack = false;
	tap_ok(r == 0 && read_is(sc, 100), "wait: a frame after the ack is kept");

	/* An overrun while waiting, the answer still there. */
	push_frames(12, 12, false);
	push_error(-ENOBUFS);
	push_frames(13, 13, false);
	r = sis_inject(sc, 1, SIS_DIR_IN, ext, sizeof(ext));
	tap_eq(r, 0, "wait: overrun, the answer arrives");
	ok = read_is(sc, 12) && read_type(sc, SIS_EVENT_LOST) &&
	     read_is(sc, 13);
	tap_ok(ok && sis_read(sc, &ev, SIS_READ_NONBLOCK) == -EAGAIN,
	       "wait: the loss is reported in its place, the probe ack dropped");

	/* An overrun that took the answer. */
	push_error(-ENOBUFS);
	push_frames(14, 14, false);
	fk.drop_ack = true;
	r = sis_inject(sc, 1, SIS_DIR_IN, ext, sizeof(ext));
	tap_ok(r == -ENOBUFS && ext[0],
	       "wait: answer lost, -ENOBUFS (the probe's ack came first)");
	tap_diag("%s", ext);
	ok = read_type(sc, SIS_EVENT_LOST) && read_is(sc, 14);
	tap_ok(ok && sis_read(sc, &ev, SIS_READ_NONBLOCK) == -EAGAIN,
	       "wait: then reading goes on");

	/* Lost with its probe: the socket ran dry. */
	push_error(-ENOBUFS);
	push_frames(15, 15, false);
	fk.drop_probe = true;
	r = sis_alert(sc, "y", 1, 0, ext, sizeof(ext));
	fk.drop_probe = false;
	tap_ok(r == -ENOBUFS && fk.blocked == 0,
	       "wait: answer and probe ack lost, the socket ran dry");
	ok = read_type(sc, SIS_EVENT_LOST) && read_is(sc, 15);
	tap_ok(ok, "wait: the frames read meanwhile are kept");

	/* Only the ack was lost: the reply says the subscription exists. */
	push_error(-ENOBUFS);
	fk.reply = true;
	fk.reply_id = 12;
	r = sis_subscribe(sc, "web", SIS_RIGHT_READ, NULL, 0, &id, ext,
			  sizeof(ext));
	tap_ok(r == 0 && id == 12, "wait: a reply without its ack is success");
	fk.drop_ack = false;
	fk.reply = false;
	while (sis_read(sc, &ev, SIS_READ_NONBLOCK) == 0)
		;

	/* Send errors, and blocking with nothing coming. */
	fk.send_error = -EPERM;
	r = sis_inject(sc, 1, SIS_DIR_IN, ext, sizeof(ext));
	tap_eq(r, -EPERM, "wait: a send error is returned");
	fk.send_error = 0;
	fk.drop_ack = true;
	r = sis_inject(sc, 1, SIS_DIR_IN, ext, sizeof(ext));
	tap_eq(r, -ETIMEDOUT, "wait: a receive error is returned");
	fake_reset();
}

/* Filters */

TAP_SUITE(lib_scanner_filter)
{
	static const char *const all[] = { NULL, "", "  " };
	char err[SIS_EXTACK_MAX], big[SIS_RULE_EXPR_MAX + 8];
	struct sock_filter *f;
	unsigned int n;
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
		r = sis_filter_compile(all[i], &f, &n, err, sizeof(err));
		tap_ok(r == 0 && n == 1 && f[0].code == (BPF_RET | BPF_K) &&
		       f[0].k, "filter: \"%s\" accepts every frame",
		       all[i] ? all[i] : "(null)");
		free(f);
	}

	r = sis_filter_compile("icmp[icmptype] == icmp-echo", &f, &n, err,
			       sizeof(err));
	tap_ok(r == 0 && n > 4 && f[0].code == (BPF_LD | BPF_H | BPF_ABS) &&
	       f[0].k == 12, "filter: an expression starts at the EtherType");
	free(f);

	r = sis_filter_compile("tcp port", &f, &n, err, sizeof(err));
	tap_ok(r == -EINVAL && !f && !n && !strncmp(err, "filter: ", 8),
	       "filter: syntax error");
	r = sis_filter_compile("ether proto nosuchproto", &f, &n, err,
			       sizeof(err));
	tap_ok(r == -EINVAL && err[0], "filter: unknown protocol name");
	tap_diag("%s", err);

	memset(big, 'a', sizeof(big));
	big[SIS_RULE_EXPR_MAX] = '\0';
	r = sis_filter_compile(big, &f, &n, err, sizeof(err));
	tap_ok(r == -EINVAL && strstr(err, "longer"), "filter: too long");
	r = sis_filter_compile("udp", &f, &n, NULL, 0);
	tap_ok(r == 0 && n > 1, "filter: no message buffer needed");
	free(f);
}

/* Streams */

/* An attribute left out of stream_msgx(), by its number. */
#define OMIT(a)		(1u << (a))

struct st {
	uint8_t event;
	uint64_t conn;
	uint32_t sub;
	uint8_t dir;		/* OPEN: the directions covered */
	uint64_t offset;
	uint32_t len;		/* DATA: bytes */
	bool held;
	uint8_t reason;
	uint8_t family;		/* OPEN */
	int alen;		/* OPEN: address bytes put (0: the family's) */
	uint8_t initiator;	/* OPEN */
	unsigned int omit;	/* OMIT() bits */
	bool no_nest;		/* no SIS_A_STREAM */
	bool short_conn;	/* SIS_STREAM_A_CONN as a u32 */
};

/* The bytes of a stream: each one tells its offset. */
static uint8_t stream_byte(uint64_t conn, uint8_t dir, uint64_t off)
{
	return (uint8_t)(conn * 31 + dir * 7 + off);
}

static struct nl_msg *stream_msgx(const struct st *s)
{
	static const uint8_t host4[16] = { 10, 0, 0, 1 };
	static const uint8_t net4[16] = { 192, 0, 2, 80 };
	static const uint8_t host6[17] = {
		0x20, 0x01, 0x0d, 0xb8, [15] = 1, [16] = 0xff,
	};
	static const uint8_t net6[17] = {
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0xff,
	};
	struct nl_msg *msg = nlmsg_alloc_size(s->len + 1024);
	bool v6 = s->family == AF_INET6;
	int alen = s->alen ? s->alen : v6 ? 16 : 4;
	struct nlattr *nest, *data;

	genlmsg_put(msg, 0, 0, FAMILY, 0, 0, SIS_CMD_STREAM, SIS_GENL_VERSION);
	if (s->no_nest)
		return msg;
	nest = nla_nest_start(msg, SIS_A_STREAM);
#define PUT(attr, call)				\
	do {					\
		if (!(s->omit & OMIT(attr)))	\
			call;			\
	} while (0)
	if (s->short_conn)
		nla_put_u32(msg, SIS_STREAM_A_CONN, (uint32_t)s->conn);
	else
		PUT(SIS_STREAM_A_CONN,
		    nla_put_u64(msg, SIS_STREAM_A_CONN, s->conn));
	PUT(SIS_STREAM_A_SUB, nla_put_u32(msg, SIS_STREAM_A_SUB, s->sub));
	PUT(SIS_STREAM_A_EVENT, nla_put_u8(msg, SIS_STREAM_A_EVENT, s->event));
	PUT(SIS_STREAM_A_DIR, nla_put_u8(msg, SIS_STREAM_A_DIR, s->dir));
	switch (s->event) {
	case SIS_STREAM_EV_OPEN:
		PUT(SIS_STREAM_A_FAMILY,
		    nla_put_u8(msg, SIS_STREAM_A_FAMILY, s->family));
		PUT(SIS_STREAM_A_HOST_ADDR,
		    nla_put(msg, SIS_STREAM_A_HOST_ADDR, alen,
			    v6 ? host6 : host4));
		PUT(SIS_STREAM_A_HOST_PORT,
		    nla_put_u16(msg, SIS_STREAM_A_HOST_PORT, 40000));
		PUT(SIS_STREAM_A_NET_ADDR,
		    nla_put(msg, SIS_STREAM_A_NET_ADDR, alen,
			    v6 ? net6 : net4));
		PUT(SIS_STREAM_A_NET_PORT,
		    nla_put_u16(msg, SIS_STREAM_A_NET_PORT, 80));
		PUT(SIS_STREAM_A_INITIATOR,
		    nla_put_u8(msg, SIS_STREAM_A_INITIATOR, s->initiator));
		break;
	case SIS_STREAM_EV_DATA:
		PUT(SIS_STREAM_A_OFFSET,
		    nla_put_u64(msg, SIS_STREAM_A_OFFSET, s->offset));
		if (s->held)
			nla_put_flag(msg, SIS_STREAM_A_HELD);
		if (!(s->omit & OMIT(SIS_STREAM_A_DATA))) {
			data = nla_reserve(msg, SIS_STREAM_A_DATA, s->len);
			for (uint32_t i = 0; i < s->len; i++)
				((uint8_t *)nla_data(data))[i] =
					stream_byte(s->conn, s->dir,
						    s->offset + i);
		}
		break;
	case SIS_STREAM_EV_END:
		PUT(SIS_STREAM_A_REASON,
		    nla_put_u8(msg, SIS_STREAM_A_REASON, s->reason));
		break;
	}
#undef PUT
	nla_nest_end(msg, nest);
	return msg;
}

static struct nl_msg *open_msg(uint64_t conn, uint8_t dirs)
{
	struct st s = {
		.event = SIS_STREAM_EV_OPEN, .conn = conn, .sub = 2,
		.dir = dirs, .family = AF_INET, .initiator = SIS_DIR_OUT,
	};

	return stream_msgx(&s);
}

static struct nl_msg *data_msg(uint64_t conn, uint8_t dir, uint64_t offset,
			       uint32_t len, bool held)
{
	struct st s = {
		.event = SIS_STREAM_EV_DATA, .conn = conn, .sub = 2,
		.dir = dir, .offset = offset, .len = len, .held = held,
	};

	return stream_msgx(&s);
}

static struct nl_msg *end_msg(uint64_t conn, uint8_t dir, uint8_t reason)
{
	struct st s = {
		.event = SIS_STREAM_EV_END, .conn = conn, .sub = 2,
		.dir = dir, .reason = reason,
	};

	return stream_msgx(&s);
}

static int parse_stream_one(const struct st *s, struct sis_event *ev,
			    char *err)
{
	struct nl_msg *msg = stream_msgx(s);
	int r;

	memset(ev, 0xa5, sizeof(*ev));
	err[0] = '\0';
	r = sis_scanner_parse(nlmsg_hdr(msg), FAMILY, ev, err, SIS_EXTACK_MAX);
	nlmsg_free(msg);
	return r;
}

static bool bytes_are(const struct sis_stream_data *d)
{
	for (uint32_t i = 0; i < d->len; i++)
		if (d->data[i] != stream_byte(d->conn, d->dir, d->offset + i))
			return false;
	return true;
}

static bool zero(const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i])
			return false;
	return true;
}

TAP_SUITE(lib_scanner_stream_parse)
{
	static const uint8_t host6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t net4[4] = { 192, 0, 2, 80 };
	const struct st open4 = {
		.event = SIS_STREAM_EV_OPEN, .conn = 1ULL << 40, .sub = 7,
		.dir = SIS_DIR_ANY, .family = AF_INET, .initiator = SIS_DIR_OUT,
	};
	const struct st data = {
		.event = SIS_STREAM_EV_DATA, .conn = 5, .sub = 7,
		.dir = SIS_DIR_IN, .offset = 1000, .len = 1448, .held = true,
	};
	const struct st end = {
		.event = SIS_STREAM_EV_END, .conn = 5, .sub = 7,
		.dir = SIS_DIR_ANY, .reason = SIS_STREAM_END_RST,
	};
	struct {
		const char *name;
		struct st s;
	} bad[64];
	char err[SIS_EXTACK_MAX];
	struct sis_event ev;
	size_t nbad = 0;
	struct st s;
	int r;

	r = parse_stream_one(&open4, &ev, err);
	tap_ok(r == 1 && ev.type == SIS_EVENT_CONN_OPEN &&
	       ev.conn.id == 1ULL << 40 && ev.conn.sub == 7 &&
	       ev.conn.family == AF_INET &&
	       !memcmp(ev.conn.host_addr, "\x0a\x00\x00\x01", 4) &&
	       zero(ev.conn.host_addr + 4, 12) &&
	       !memcmp(ev.conn.net_addr, net4, 4) &&
	       zero(ev.conn.net_addr + 4, 12) &&
	       ev.conn.host_port == 40000 && ev.conn.net_port == 80 &&
	       ev.conn.initiator == SIS_DIR_OUT &&
	       ev.conn.dirs == SIS_DIR_ANY,
	       "stream parse: open, IPv4");
	tap_ok(r == 1 && zero(&ev.frame, sizeof(ev.frame)) &&
	       zero(&ev.data, sizeof(ev.data)) && zero(&ev.end, sizeof(ev.end)),
	       "stream parse: the other members are zeroed");

	s = open4;
	s.family = AF_INET6;
	s.initiator = SIS_DIR_IN;
	s.dir = SIS_DIR_IN;
	r = parse_stream_one(&s, &ev, err);
	tap_ok(r == 1 && ev.type == SIS_EVENT_CONN_OPEN &&
	       ev.conn.family == AF_INET6 &&
	       !memcmp(ev.conn.host_addr, host6, 16) &&
	       ev.conn.net_addr[15] == 2 && ev.conn.initiator == SIS_DIR_IN &&
	       ev.conn.dirs == SIS_DIR_IN, "stream parse: open, IPv6");

	r = parse_stream_one(&data, &ev, err);
	tap_ok(r == 1 && ev.type == SIS_EVENT_STREAM_DATA &&
	       ev.data.conn == 5 && ev.data.sub == 7 &&
	       ev.data.dir == SIS_DIR_IN && ev.data.held &&
	       ev.data.offset == 1000 && ev.data.len == 1448 &&
	       bytes_are(&ev.data) && zero(&ev.frame, sizeof(ev.frame)),
	       "stream parse: data, held");

	s = data;
	s.held = false;
	s.dir = SIS_DIR_OUT;
	s.offset = 0;
	s.len = SIS_FRAME_DATA_MAX;
	r = parse_stream_one(&s, &ev, err);
	tap_ok(r == 1 && !ev.data.held && ev.data.dir == SIS_DIR_OUT &&
	       ev.data.offset == 0 && ev.data.len == SIS_FRAME_DATA_MAX &&
	       bytes_are(&ev.data),
	       "stream parse: data, read-only, SIS_FRAME_DATA_MAX bytes");

	s.len = 0;
	s.offset = UINT64_MAX;
	r = parse_stream_one(&s, &ev, err);
	tap_ok(r == 1 && ev.data.len == 0 && ev.data.data &&
	       ev.data.offset == UINT64_MAX, "stream parse: data, empty");

	r = parse_stream_one(&end, &ev, err);
	tap_ok(r == 1 && ev.type == SIS_EVENT_CONN_END && ev.end.conn == 5 &&
	       ev.end.sub == 7 && ev.end.dir == SIS_DIR_ANY &&
	       ev.end.reason == SIS_STREAM_END_RST &&
	       zero(&ev.conn, sizeof(ev.conn)),
	       "stream parse: end of both directions");
	s = end;
	s.dir = SIS_DIR_OUT;
	s.reason = 200;
	r = parse_stream_one(&s, &ev, err);
	tap_ok(r == 1 && ev.end.dir == SIS_DIR_OUT && ev.end.reason == 200,
	       "stream parse: end of one direction, a reason from the future");

#define BAD(text, base, ...)						\
	do {								\
		bad[nbad].name = text;					\
		bad[nbad].s = base;					\
		{ struct st *b = &bad[nbad].s; __VA_ARGS__; }		\
		nbad++;							\
	} while (0)
	BAD("no SIS_A_STREAM", open4, b->no_nest = true);
	BAD("no connection", open4, b->omit = OMIT(SIS_STREAM_A_CONN));
	BAD("a 32-bit connection", data, b->short_conn = true);
	BAD("no subscription", data, b->omit = OMIT(SIS_STREAM_A_SUB));
	BAD("no event", end, b->omit = OMIT(SIS_STREAM_A_EVENT));
	BAD("event 0", end, b->event = 0);
	BAD("event 4", end, b->event = SIS_STREAM_EV_END + 1);
	BAD("open without family", open4,
	    b->omit = OMIT(SIS_STREAM_A_FAMILY));
	BAD("open of family AF_UNIX", open4, b->family = AF_UNIX);
	BAD("open, IPv4 with 16-byte addresses", open4, b->alen = 16);
	BAD("open, IPv6 with 4-byte addresses", open4,
	    b->family = AF_INET6; b->alen = 4);
	BAD("open, 17-byte addresses", open4,
	    b->family = AF_INET6; b->alen = 17);
	BAD("open, 2-byte addresses", open4, b->alen = 2);
	BAD("open without host address", open4,
	    b->omit = OMIT(SIS_STREAM_A_HOST_ADDR));
	BAD("open without network address", open4,
	    b->omit = OMIT(SIS_STREAM_A_NET_ADDR));
	BAD("open without host port", open4,
	    b->omit = OMIT(SIS_STREAM_A_HOST_PORT));
	BAD("open without network port", open4,
	    b->omit = OMIT(SIS_STREAM_A_NET_PORT));
	BAD("open without initiator", open4,
	    b->omit = OMIT(SIS_STREAM_A_INITIATOR));
	BAD("open, initiator any", open4, b->initiator = SIS_DIR_ANY);
	BAD("open, initiator 0", open4, b->initiator = 0);
	BAD("open without directions", open4,
	    b->omit = OMIT(SIS_STREAM_A_DIR));
	BAD("open, directions 0", open4, b->dir = 0);
	BAD("open, directions 4", open4, b->dir = 4);
	BAD("data without direction", data, b->omit = OMIT(SIS_STREAM_A_DIR));
	BAD("data, direction any", data, b->dir = SIS_DIR_ANY);
	BAD("data, direction 0", data, b->dir = 0);
	BAD("data without offset", data,
	    b->omit = OMIT(SIS_STREAM_A_OFFSET));
	BAD("data without bytes", data, b->omit = OMIT(SIS_STREAM_A_DATA));
	BAD("data over SIS_FRAME_DATA_MAX", data,
	    b->len = SIS_FRAME_DATA_MAX + 1);
	BAD("data past the 64-bit offset space", data,
	    b->offset = UINT64_MAX - 10);
	BAD("end without direction", end, b->omit = OMIT(SIS_STREAM_A_DIR));
	BAD("end, direction 0", end, b->dir = 0);
	BAD("end, direction 4", end, b->dir = 4);
	BAD("end without reason", end, b->omit = OMIT(SIS_STREAM_A_REASON));
#undef BAD
	for (size_t i = 0; i < nbad; i++) {
		r = parse_stream_one(&bad[i].s, &ev, err);
		tap_ok(r == -EPROTO && err[0], "stream parse: rejects %s",
		       bad[i].name);
		tap_diag("%s", err);
	}
}

/* Expect a stream event of type from sis_read(), for conn. */
static bool read_stream(struct sis_scanner *sc, enum sis_event_type type,
			uint64_t conn, struct sis_event *ev)
{
	int r = sis_read(sc, ev, SIS_READ_NONBLOCK);
	uint64_t got = 0;

	if (!r && type == SIS_EVENT_CONN_OPEN)
		got = ev->conn.id;
	else if (!r && type == SIS_EVENT_STREAM_DATA)
		got = ev->data.conn;
	else if (!r && type == SIS_EVENT_CONN_END)
		got = ev->end.conn;
	if (r || ev->type != type || got != conn) {
		tap_diag("read: got %d type %d, want type %d conn %llu", r,
			 r ? 0 : ev->type, type, (unsigned long long)conn);
		return false;
	}
	return true;
}

TAP_SUITE(lib_scanner_stream_read)
{
	struct sis_scanner *sc = fake_start();
	struct st garbled = {
		.event = SIS_STREAM_EV_DATA, .conn = 5, .dir = SIS_DIR_ANY,
		.len = 10,
	};
	char ext[SIS_EXTACK_MAX];
	uint8_t copy[1000];
	const uint8_t *p;
	struct sis_event ev;
	struct dgram *d;
	uint32_t id;
	bool ok;
	int r;

	/* Frames and stream events in one datagram, in the kernel's order. */
	d = push();
	add(d, frame_msg(1, true));
	add(d, open_msg(5, SIS_DIR_ANY));
	add(d, data_msg(5, SIS_DIR_OUT, 0, 100, true));
	add(d, frame_msg(2, false));
	add(d, data_msg(5, SIS_DIR_IN, 0, 1000, false));
	add(d, stream_msgx(&garbled));
	add(d, data_msg(5, SIS_DIR_OUT, 100, 50, true));
	add(d, end_msg(5, SIS_DIR_ANY, SIS_STREAM_END_FIN));
	ok = read_is(sc, 1) && read_stream(sc, SIS_EVENT_CONN_OPEN, 5, &ev) &&
	     ev.conn.dirs == SIS_DIR_ANY &&
	     read_stream(sc, SIS_EVENT_STREAM_DATA, 5, &ev) &&
	     ev.data.dir == SIS_DIR_OUT && ev.data.len == 100 &&
	     ev.data.held && bytes_are(&ev.data) && read_is(sc, 2) &&
	     read_stream(sc, SIS_EVENT_STREAM_DATA, 5, &ev) &&
	     ev.data.dir == SIS_DIR_IN && !ev.data.held &&
	     bytes_are(&ev.data);
	tap_ok(ok, "stream read: frames and stream events, in order");
	r = sis_read(sc, &ev, SIS_READ_NONBLOCK);
	tap_ok(r == -EPROTO && strstr(sis_read_extack(sc), "stream data"),
	       "stream read: a malformed event is reported once");
	ok = read_stream(sc, SIS_EVENT_STREAM_DATA, 5, &ev) &&
	     ev.data.offset == 100 && ev.data.len == 50 &&
	     read_stream(sc, SIS_EVENT_CONN_END, 5, &ev) &&
	     ev.end.dir == SIS_DIR_ANY && ev.end.reason == SIS_STREAM_END_FIN;
	tap_ok(ok && sis_read(sc, &ev, SIS_READ_NONBLOCK) == -EAGAIN,
	       "stream read: the events after it follow");

	/* Two events of SIS_FRAME_DATA_MAX bytes in one datagram. */
	d = push();
	add(d, data_msg(6, SIS_DIR_IN, 0, SIS_FRAME_DATA_MAX, true));
	add(d, data_msg(6, SIS_DIR_IN, SIS_FRAME_DATA_MAX,
			SIS_FRAME_DATA_MAX, true));
	ok = read_stream(sc, SIS_EVENT_STREAM_DATA, 6, &ev) &&
	     bytes_are(&ev.data) &&
	     read_stream(sc, SIS_EVENT_STREAM_DATA, 6, &ev) &&
	     ev.data.offset == SIS_FRAME_DATA_MAX &&
	     ev.data.len == SIS_FRAME_DATA_MAX && bytes_are(&ev.data);
	tap_ok(ok, "stream read: full-size data events, batched");

	/* Data stays valid while a request waits and more events come. */
	add(push(), data_msg(7, SIS_DIR_OUT, 0, 1000, true));
	add(push(), data_msg(7, SIS_DIR_OUT, 1000, 10, true));
	ok = read_stream(sc, SIS_EVENT_STREAM_DATA, 7, &ev);
	p = ev.data.data;
	memcpy(copy, p, sizeof(copy));
	add(push(), data_msg(7, SIS_DIR_OUT, 1010, 10, true));
	fk.reply = true;
	fk.reply_id = 3;
	r = sis_subscribe(sc, "conns", SIS_RIGHT_READ, "tcp port 80", 0, &id,
			  ext, sizeof(ext));
	fk.reply = false;
	tap_ok(ok && r == 0 && id == 3 && !memcmp(copy, p, sizeof(copy)),
	       "stream read: data valid across a request");
	ok = read_stream(sc, SIS_EVENT_STREAM_DATA, 7, &ev) &&
	     ev.data.offset == 1000 &&
	     read_stream(sc, SIS_EVENT_STREAM_DATA, 7, &ev) &&
	     ev.data.offset == 1010 && bytes_are(&ev.data);
	tap_ok(ok, "stream read: events kept during the request, in order");

	/* Detached: the queued passes are dropped with the streams. */
	add(push(), data_msg(8, SIS_DIR_IN, 0, 10, true));
	add(push(), detached_msg());
	ok = read_stream(sc, SIS_EVENT_STREAM_DATA, 8, &ev) &&
	     !sis_stream_pass(sc, 8, SIS_DIR_IN, 0, 10) &&
	     sis_scanner_queued(sc) == 1;
	r = fk.nsent;
	tap_ok(ok && read_type(sc, SIS_EVENT_DETACHED) &&
	       sis_scanner_queued(sc) == 0 && fk.nsent == r,
	       "stream read: detached drops the queued passes");
	fake_reset();
}

/* The passes of sent request i: their number, -1 if it is not one. */
static int sent_passes(int i, const struct sis_stream_pass **p)
{
	struct nlattr *tb[SIS_A_MAX + 1];

	if (sent_parse(i, tb) != SIS_CMD_STREAM_PASS || !tb[SIS_A_PASSES] ||
	    nla_len(tb[SIS_A_PASSES]) % sizeof(**p) ||
	    (fk.sent[i]->nlmsg_flags & NLM_F_ACK) ||
	    !(fk.sent[i]->nlmsg_flags & NLM_F_REQUEST))
		return -1;
	*p = nla_data(tb[SIS_A_PASSES]);
	return nla_len(tb[SIS_A_PASSES]) / sizeof(**p);
}

/*
 * Request i has n passes of conn, dir IN, 10 bytes each from offset first
 * * 10 on (the pattern pass_run() queues).
 */
static bool passes_are(int i, int n, uint64_t conn, uint64_t first)
{
	const struct sis_stream_pass *p;
	int got = sent_passes(i, &p);

	if (got != n) {
		tap_diag("request %d: %d passes, want %d", i, got, n);
		return false;
	}
	for (int k = 0; k < n; k++)
		if (p[k].conn != conn || p[k].dir != SIS_DIR_IN ||
		    p[k].offset != (first + k) * 10 || p[k].len != 10 ||
		    !zero(p[k].reserved, sizeof(p[k].reserved)))
			return false;
	return true;
}

/* Queue n passes of conn, as passes_are() expects them: 0 or an error. */
static int pass_run(struct sis_scanner *sc, uint64_t conn, uint64_t first,
		    int n)
{
	int r = 0;

	for (int k = 0; k < n && !r; k++)
		r = sis_stream_pass(sc, conn, SIS_DIR_IN, (first + k) * 10, 10);
	return r;
}

TAP_SUITE(lib_scanner_stream_pass)
{
	struct sis_scanner *sc = fake_start();
	const struct sis_stream_pass *p;
	const struct sis_verdict *v;
	struct sis_event ev;
	struct dgram *d = NULL;
	int n, r, base;
	bool ok;

	/* Refused here: nothing queued. */
	tap_ok(sis_stream_pass(sc, 1, 0, 0, 10) == -EINVAL &&
	       sis_stream_pass(sc, 1, SIS_DIR_ANY, 0, 10) == -EINVAL &&
	       sis_stream_pass(sc, 1, 4, 0, 10) == -EINVAL &&
	       sis_scanner_queued(sc) == 0, "stream pass: a bad direction");
	tap_ok(sis_stream_pass(sc, 1, SIS_DIR_IN, UINT64_MAX - 5, 10) ==
	       -EINVAL && sis_scanner_queued(sc) == 0,
	       "stream pass: a range past the offset space");
	tap_ok(sis_stream_pass(sc, 1, SIS_DIR_IN, 10, 0) == 0 &&
	       sis_scanner_queued(sc) == 0 && fk.nsent == 0,
	       "stream pass: an empty range is not sent");

	/* Sent before a non-blocking read returns -EAGAIN. */
	r = sis_stream_pass(sc, 9, SIS_DIR_OUT, 100, 1448);
	r |= sis_stream_pass(sc, 9, SIS_DIR_IN, 0, SIS_PASS_ALL);
	r |= sis_stream_pass(sc, 10, SIS_DIR_IN, UINT64_MAX - 5, SIS_PASS_ALL);
	tap_ok(r == 0 && sis_scanner_queued(sc) == 3 && fk.nsent == 0,
	       "stream pass: queued");
	r = sis_read(sc, &ev, SIS_READ_NONBLOCK);
	n = sent_passes(0, &p);
	tap_ok(r == -EAGAIN && fk.nsent == 1 && n == 3 &&
	       p[0].conn == 9 && p[0].dir == SIS_DIR_OUT &&
	       p[0].offset == 100 && p[0].len == 1448 &&
	       p[1].conn == 9 && p[1].dir == SIS_DIR_IN && p[1].offset == 0 &&
	       p[1].len == SIS_PASS_ALL && p[2].conn == 10 &&
	       p[2].offset == UINT64_MAX - 5 && p[2].len == SIS_PASS_ALL &&
	       p[0].op == SIS_STREAM_OP_PASS && p[2].op == SIS_STREAM_OP_PASS &&
	       zero(p[0].reserved, 2) && zero(p[2].reserved, 2) &&
	       !p[0].inject && !p[2].inject,
	       "stream pass: one SIS_CMD_STREAM_PASS request before -EAGAIN");

	/* The SIS_PASSES_MAX boundary. */
	base = fk.nsent;
	r = pass_run(sc, 11, 0, SIS_PASSES_MAX - 1);
	tap_ok(r == 0 && fk.nsent == base &&
	       sis_scanner_queued(sc) == SIS_PASSES_MAX - 1,
	       "stream pass: SIS_PASSES_MAX - 1 stay queued");
	r = pass_run(sc, 11, SIS_PASSES_MAX - 1, 1);
	tap_ok(r == 0 && fk.nsent == base + 1 && sis_scanner_queued(sc) == 0 &&
	       passes_are(base, SIS_PASSES_MAX, 11, 0),
	       "stream pass: the SIS_PASSES_MAX-th sends a full request");
	r = pass_run(sc, 12, 0, SIS_PASSES_MAX + 1);
	tap_ok(r == 0 && fk.nsent == base + 2 && sis_scanner_queued(sc) == 1 &&
	       passes_are(base + 1, SIS_PASSES_MAX, 12, 0),
	       "stream pass: one more starts the next request");
	r = sis_flush(sc);
	tap_ok(r == 0 && sis_scanner_queued(sc) == 0 &&
	       passes_are(base + 2, 1, 12, SIS_PASSES_MAX),
	       "stream pass: sis_flush() sends the rest");

	/* Held data read in datagrams, each passed: full batches, the rest. */
	base = fk.nsent;
	for (int k = 0; k < 2 * SIS_PASSES_MAX + 5; k++) {
		if (k % 300 == 0)
			d = push();
		add(d, data_msg(13, SIS_DIR_IN, k * 10, 10, true));
	}
	n = 0;
	while (!sis_read(sc, &ev, SIS_READ_NONBLOCK) &&
	       ev.type == SIS_EVENT_STREAM_DATA) {
		sis_stream_pass(sc, ev.data.conn, ev.data.dir, ev.data.offset,
				ev.data.len);
		n++;
	}
	tap_ok(n == 2 * SIS_PASSES_MAX + 5 && fk.nsent == base + 3 &&
	       passes_are(base, SIS_PASSES_MAX, 13, 0) &&
	       passes_are(base + 1, SIS_PASSES_MAX, 13, SIS_PASSES_MAX) &&
	       passes_are(base + 2, 5, 13, 2 * SIS_PASSES_MAX),
	       "stream pass: %d held data events passed in 3 requests", n);

	/* Sent before a blocking read waits. */
	pass_run(sc, 14, 0, 2);
	r = sis_read(sc, &ev, 0);
	tap_ok(r == -ETIMEDOUT && fk.queued_when_blocked == 0 &&
	       passes_are(fk.nsent - 1, 2, 14, 0),
	       "stream pass: sent before blocking");

	/* Verdicts and passes reach the kernel in the order queued. */
	push_frames(1, 4, true);
	read_frames(sc, false, NULL);
	base = fk.nsent;
	sis_pass(sc, 1);
	pass_run(sc, 15, 0, 1);
	ok = fk.nsent == base + 1 && sent_verdicts(base, &v) == 1 &&
	     v[0].frame == 1;
	sis_cut(sc, 2);
	ok = ok && fk.nsent == base + 2 && passes_are(base + 1, 1, 15, 0);
	sis_pass(sc, 3);
	pass_run(sc, 15, 1, 2);
	ok = ok && fk.nsent == base + 3 && sent_verdicts(base + 2, &v) == 2 &&
	     v[0].frame == 2 && v[0].verdict == SIS_VERDICT_CUT &&
	     v[1].frame == 3 && v[1].verdict == SIS_VERDICT_PASS;
	r = sis_flush(sc);
	tap_ok(ok && r == 0 && fk.nsent == base + 4 &&
	       passes_are(base + 3, 2, 15, 1) && sis_scanner_queued(sc) == 0,
	       "stream pass: verdicts and passes in the order queued");

	/* A send that fails at the switch: the pass is not queued. */
	sis_pass(sc, 4);
	fk.send_error = -ENOMEM;
	r = sis_stream_pass(sc, 16, SIS_DIR_IN, 0, 10);
	tap_ok(r == -ENOMEM && sis_scanner_queued(sc) == 1,
	       "stream pass: refused when the verdicts before it cannot go");
	fk.send_error = 0;
	base = fk.nsent;
	r = pass_run(sc, 16, 0, 1);
	tap_ok(r == 0 && fk.nsent == base + 1 &&
	       sent_verdicts(base, &v) == 1 && v[0].frame == 4 &&
	       sis_scanner_queued(sc) == 1,
	       "stream pass: queued once they went");
	sis_flush(sc);

	/* Send failures keep a full queue. */
	fk.send_error = -ENOBUFS;
	r = pass_run(sc, 17, 0, SIS_PASSES_MAX);
	tap_ok(r == 0 && sis_scanner_queued(sc) == SIS_PASSES_MAX,
	       "stream pass: a full queue stays when its send fails");
	r = pass_run(sc, 17, SIS_PASSES_MAX, 1);
	tap_ok(r == -ENOBUFS && sis_scanner_queued(sc) == SIS_PASSES_MAX &&
	       sis_flush(sc) == -ENOBUFS,
	       "stream pass: one more is refused with the send error");
	fk.send_error = 0;
	r = pass_run(sc, 17, SIS_PASSES_MAX, 1);
	tap_ok(r == 0 && sis_scanner_queued(sc) == 1 &&
	       passes_are(fk.nsent - 1, SIS_PASSES_MAX, 17, 0),
	       "stream pass: sent once the socket works again");

	/* A request sends them first. */
	r = sis_inject(sc, 1, SIS_DIR_IN, NULL, 0);
	tap_ok(r == 0 && passes_are(fk.nsent - 2, 1, 17, SIS_PASSES_MAX) &&
	       sent_cmd(fk.sent[fk.nsent - 1]) == SIS_CMD_INJECT,
	       "stream pass: sent before a request");

	/* The kernel refuses a request: sis_read() says so once. */
	fk.refuse_passes = true;
	pass_run(sc, 18, 0, 1);
	r = sis_read(sc, &ev, SIS_READ_NONBLOCK);
	tap_ok(r == -EAGAIN && passes_are(fk.nsent - 1, 1, 18, 0),
	       "stream pass: sent");
	r = sis_read(sc, &ev, SIS_READ_NONBLOCK);
	tap_ok(r == -EINVAL && !strcmp(sis_read_extack(sc),
				       "pass 0: bytes not delivered"),
	       "stream pass: a refusal is returned by sis_read()");
	fk.refuse_passes = false;

	/* And at close. */
	pass_run(sc, 19, 0, 3);
	base = fk.nsent;
	sis_scanner_close(sc);
	fk.sc = NULL;
	tap_ok(fk.nsent == base + 1 && passes_are(base, 3, 19, 0),
	       "stream pass: sent at close");
	fake_reset();
}

TAP_SUITE(lib_scanner_stream_decide)
{
	struct sis_scanner *sc = fake_start();
	const struct sis_stream_pass *p;
	struct sis_event ev;
	int n, r;

	/* Refused here: nothing queued. */
	tap_ok(sis_stream_cut(sc, 1, SIS_DIR_ANY, 0, 10) == -EINVAL &&
	       sis_stream_cut(sc, 1, SIS_DIR_IN, 0, SIS_PASS_ALL) == -EINVAL &&
	       sis_stream_cut(sc, 1, SIS_DIR_IN, UINT64_MAX - 5, 10) ==
	       -EINVAL && sis_scanner_queued(sc) == 0,
	       "stream cut: a bad direction, the rest of the stream, overflow");
	tap_ok(sis_stream_cut(sc, 1, SIS_DIR_IN, 10, 0) == 0 &&
	       sis_scanner_queued(sc) == 0,
	       "stream cut: an empty range is not sent");
	tap_ok(sis_stream_inject(sc, 1, 0, 10, 7) == -EINVAL &&
	       sis_stream_kill(sc, 1, SIS_DIR_ANY) == -EINVAL &&
	       sis_stream_more(sc, 1, SIS_DIR_IN, 0, 0) == -EINVAL &&
	       sis_stream_more(sc, 1, SIS_DIR_IN, 0, SIS_PASS_ALL) == -EINVAL &&
	       sis_stream_more(sc, 1, SIS_DIR_IN, UINT64_MAX, 1) == -EINVAL &&
	       sis_scanner_queued(sc) == 0,
	       "stream inject, more, kill: bad arguments");

	/* One request, in the order queued, each op as the kernel reads it. */
	r = sis_stream_pass(sc, 5, SIS_DIR_IN, 0, 100);
	r |= sis_stream_inject(sc, 5, SIS_DIR_IN, 100, 42);
	r |= sis_stream_cut(sc, 5, SIS_DIR_IN, 100, 50);
	r |= sis_stream_more(sc, 5, SIS_DIR_OUT, 0, 1 << 20);
	r |= sis_stream_kill(sc, 6, SIS_DIR_OUT);
	tap_ok(r == 0 && sis_scanner_queued(sc) == 5, "stream decide: queued");
	r = sis_read(sc, &ev, SIS_READ_NONBLOCK);
	n = sent_passes(fk.nsent - 1, &p);
	tap_ok(r == -EAGAIN && n == 5 &&
	       p[0].op == SIS_STREAM_OP_PASS && p[0].offset == 0 &&
	       p[0].len == 100 && !p[0].inject &&
	       p[1].op == SIS_STREAM_OP_INJECT && p[1].conn == 5 &&
	       p[1].dir == SIS_DIR_IN && p[1].offset == 100 && !p[1].len &&
	       p[1].inject == 42 &&
	       p[2].op == SIS_STREAM_OP_CUT && p[2].offset == 100 &&
	       p[2].len == 50 && !p[2].inject &&
	       p[3].op == SIS_STREAM_OP_MORE && p[3].dir == SIS_DIR_OUT &&
	       p[3].offset == 0 && p[3].len == 1 << 20 &&
	       p[4].op == SIS_STREAM_OP_KILL && p[4].conn == 6 &&
	       p[4].dir == SIS_DIR_OUT && !p[4].offset && !p[4].len,
	       "stream decide: pass, inject, cut, more and kill in one request");
	fake_reset();
}
