// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * libsis scanners without a kernel: frame parsing, sis_read() over
 * scripted datagrams, verdict batches, requests that wait for an ack while
 * frames arrive, and filter compilation.
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
	bool drop_ack;		/* as if the receive buffer was full */
	bool drop_probe;	/* the same for the ack of a probe */
	bool frame_after_ack;	/* frame 100 in the ack's datagram */
	bool refuse_verdicts;	/* answer verdicts with EINVAL */
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
	if (!(h->nlmsg_flags & NLM_F_ACK))
		return;
	d = push();
	if (fk.reply && sent_cmd(h) == SIS_CMD_SUBSCRIBE)
		add(d, sub_reply_msg(h->nlmsg_seq, fk.reply_id));
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
	tap_ok(r == 0, "parse: another family's message is not ours");
	genlmsg_hdr(nlmsg_hdr(msg))->cmd = SIS_CMD_ALERT;
	r = sis_scanner_parse(nlmsg_hdr(msg), FAMILY, &ev, err, sizeof(err));
	tap_ok(r == 0, "parse: other commands are skipped");
	nlmsg_hdr(msg)->nlmsg_len = NLMSG_HDRLEN + 2;
	r = sis_scanner_parse(nlmsg_hdr(msg), FAMILY, &ev, err, sizeof(err));
	tap_ok(r == -EPROTO, "parse: rejects a short generic netlink header");
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
	tap_ok(r == (int)total, "verdicts: %d held frames read", r);
	tap_ok(fk.nsent == 3 && verdicts_are(0, SIS_VERDICTS_MAX, 1,
					     SIS_VERDICT_PASS) &&
	       verdicts_are(1, SIS_VERDICTS_MAX, SIS_VERDICTS_MAX + 1,
			    SIS_VERDICT_PASS) &&
	       verdicts_are(2, 5, 2 * SIS_VERDICTS_MAX + 1, SIS_VERDICT_PASS),
	       "verdicts: full batches of SIS_VERDICTS_MAX, the rest on -EAGAIN");
	tap_ok(sis_scanner_queued(sc) == 0, "verdicts: none left queued");

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
	tap_ok(r == -EPROTO, "subscribe: an ack without a reply is -EPROTO");
	tap_ok(sis_read(sc, &ev, SIS_READ_NONBLOCK) == -EAGAIN,
	       "subscribe: answers are not events");
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
	tap_ok(r == 0, "wait: overrun, the answer arrives");
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
	tap_ok(r == -EPERM, "wait: a send error is returned");
	fk.send_error = 0;
	fk.drop_ack = true;
	r = sis_inject(sc, 1, SIS_DIR_IN, ext, sizeof(ext));
	tap_ok(r == -ETIMEDOUT, "wait: a receive error is returned");
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
