// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * libsis scanners (include/sis/scanner.h).
 *
 * A scanner is one netlink socket that carries both the kernel's frames
 * and stream events (SIS_CMD_FRAME and SIS_CMD_STREAM, sequence 0, many per
 * datagram) and the answers to the scanner's own requests. sis_read()
 * hands out the messages of one datagram at a time; a request reads until
 * its ack and keeps everything else in a queue that sis_read() empties
 * first. Verdicts and stream passes are queued here and go out in
 * batches, without acks.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/socket.h>
#include <netlink/genl/genl.h>

#include <sis/scanner.h>
#include "internal.h"

/* What the process asks for with SO_RCVBUFFORCE, when it may. */
#define SCANNER_RCVBUF_FORCE	(64 << 20)

/*
 * A full verdict request is 64 KiB, just below what libnl's default send
 * buffer lets through: leave room.
 */
#define SCANNER_SNDBUF		(256 << 10)

/* rx_datagram(): the datagram was lost (overrun or too big). */
#define RX_LOST			1

/*
 * Frames handed out whose held bit is remembered. The kernel refuses a
 * whole verdict request that names a frame it never delivered, or one it
 * recently delivered read-only; such verdicts are refused here instead.
 */
#define RECENT_FRAMES		65536
#define WORD_BITS		64

/*
 * Bytes kept while a request waits: frames keep coming meanwhile, and the
 * kernel's answer is normally near. Beyond this, messages are dropped and
 * reported as lost.
 */
#define QUEUE_MAX		(64 << 20)

/* Whole netlink messages, each NLMSG_ALIGN()ed. */
struct buf {
	uint8_t *data;
	size_t len, cap;
};

struct sis_scanner {
	const struct sis_scanner_io *io;
	void *ctx;
	struct sis_nl *nl;		/* the socket; NULL under test */
	int fd;
	int family;
	uint32_t port;
	uint32_t seq;			/* of the last request sent */
	bool detached;

	/* sis_read() hands out the messages at [off, view->len). */
	struct buf *view;
	size_t off;
	struct buf rx;			/* datagrams read by sis_read() */
	struct buf ackrx;		/* datagrams read while waiting for an ack */
	struct buf queue[2];		/* kept from them: queue[qin] fills */
	int qin;
	bool queue_lost;		/* the queue could not grow */
	char extack[SIS_EXTACK_MAX];	/* why sis_read() failed */

	uint64_t last_num;		/* highest frame number handed out */
	uint64_t recent_held[RECENT_FRAMES / WORD_BITS];

	/*
	 * Verdicts and stream passes waiting to be sent. One of the two
	 * queues at most is not empty: queueing into the other sends it
	 * first, so that the kernel gets them in the order queued.
	 */
	unsigned int nverdicts;
	struct sis_verdict verdicts[SIS_VERDICTS_MAX];
	unsigned int npasses;
	struct sis_stream_pass passes[SIS_PASSES_MAX];
	/*
	 * The verdict and pass request, built once: a busy scanner sends one
	 * per wake-up, and allocating it each time costs more than the rest
	 * of the request. vbase is its length without its array.
	 */
	struct nl_msg *vmsg;
	uint32_t vbase;
};

/* The larger of the two arrays a batch request carries. */
#define BATCH_MAX_BYTES							\
	(SIS_VERDICTS_MAX * sizeof(struct sis_verdict) >			\
	 SIS_PASSES_MAX * sizeof(struct sis_stream_pass) ?			\
	 SIS_VERDICTS_MAX * sizeof(struct sis_verdict) :			\
	 SIS_PASSES_MAX * sizeof(struct sis_stream_pass))

static const struct nla_policy top_policy[SIS_A_MAX + 1] = {
	[SIS_A_SCANNER] = { .type = NLA_NESTED },
	[SIS_A_SUB] = { .type = NLA_NESTED },
	[SIS_A_FRAME] = { .type = NLA_NESTED },
};

static const struct nla_policy sub_policy[SIS_SUB_A_MAX + 1] = {
	[SIS_SUB_A_ID] = { .type = NLA_U32 },
};

static void set_msg(char *buf, size_t len, const char *text)
{
	if (buf && len)
		snprintf(buf, len, "%s", text);
}

static int buf_reserve(struct buf *b, size_t size)
{
	uint8_t *p;

	if (size <= b->cap)
		return 0;
	p = realloc(b->data, size);
	if (!p)
		return -ENOMEM;
	b->data = p;
	b->cap = size;
	return 0;
}

/* Parsing the kernel's messages */

static int malformed(char *err, size_t err_len, const char *what)
{
	set_msg(err, err_len, what);
	return -EPROTO;
}

static int parse_frame(struct nlattr *nest, struct sis_event *ev,
		       char *err, size_t err_len)
{
	static const uint8_t empty[1];
	struct nlattr *tb[SIS_FRAME_A_MAX + 1];
	struct sis_frame *f = &ev->frame;

	/*
	 * Every frame comes through here: the sizes are checked below, once,
	 * rather than by a policy walk per attribute.
	 */
	if (nla_parse_nested(tb, SIS_FRAME_A_MAX, nest, NULL) < 0)
		return malformed(err, err_len, "frame: malformed attributes");
	if (!tb[SIS_FRAME_A_NUM] || !tb[SIS_FRAME_A_SUB] ||
	    !tb[SIS_FRAME_A_DIR] || !tb[SIS_FRAME_A_LEN])
		return malformed(err, err_len,
				 "frame: number, subscription, direction or length missing");
	if (nla_len(tb[SIS_FRAME_A_NUM]) < (int)sizeof(uint64_t) ||
	    nla_len(tb[SIS_FRAME_A_SUB]) < (int)sizeof(uint32_t) ||
	    nla_len(tb[SIS_FRAME_A_DIR]) < (int)sizeof(uint8_t) ||
	    nla_len(tb[SIS_FRAME_A_LEN]) < (int)sizeof(uint32_t))
		return malformed(err, err_len, "frame: attribute too short");

	memset(ev, 0, sizeof(*ev));
	ev->type = SIS_EVENT_FRAME;
	f->num = nla_get_u64(tb[SIS_FRAME_A_NUM]);
	f->sub = nla_get_u32(tb[SIS_FRAME_A_SUB]);
	f->dir = nla_get_u8(tb[SIS_FRAME_A_DIR]);
	f->len = nla_get_u32(tb[SIS_FRAME_A_LEN]);
	f->held = tb[SIS_FRAME_A_HELD];
	f->data = empty;
	if (tb[SIS_FRAME_A_DATA]) {
		f->data = nla_data(tb[SIS_FRAME_A_DATA]);
		f->caplen = nla_len(tb[SIS_FRAME_A_DATA]);
	}
	if (!f->num || (f->dir != SIS_DIR_IN && f->dir != SIS_DIR_OUT) ||
	    f->caplen > f->len)
		return malformed(err, err_len,
				 "frame: invalid number, direction or data length");
	return 1;
}

/*
 * Stream events: the policy checks the attributes' lengths (at least
 * their type's, at most maxlen), the functions below the rest.
 */
static const struct nla_policy stream_policy[SIS_STREAM_A_MAX + 1] = {
	[SIS_STREAM_A_CONN] = { .type = NLA_U64 },
	[SIS_STREAM_A_SUB] = { .type = NLA_U32 },
	[SIS_STREAM_A_EVENT] = { .type = NLA_U8 },
	[SIS_STREAM_A_DIR] = { .type = NLA_U8 },
	[SIS_STREAM_A_OFFSET] = { .type = NLA_U64 },
	[SIS_STREAM_A_DATA] = { .type = NLA_UNSPEC,
				.maxlen = SIS_FRAME_DATA_MAX },
	[SIS_STREAM_A_HELD] = { .type = NLA_FLAG },
	[SIS_STREAM_A_REASON] = { .type = NLA_U8 },
	[SIS_STREAM_A_FAMILY] = { .type = NLA_U8 },
	[SIS_STREAM_A_HOST_ADDR] = { .type = NLA_UNSPEC,
				     .minlen = 4, .maxlen = 16 },
	[SIS_STREAM_A_HOST_PORT] = { .type = NLA_U16 },
	[SIS_STREAM_A_NET_ADDR] = { .type = NLA_UNSPEC,
				    .minlen = 4, .maxlen = 16 },
	[SIS_STREAM_A_NET_PORT] = { .type = NLA_U16 },
	[SIS_STREAM_A_INITIATOR] = { .type = NLA_U8 },
};

static bool one_dir(uint8_t dir)
{
	return dir == SIS_DIR_IN || dir == SIS_DIR_OUT;
}

static int parse_open(struct nlattr **tb, struct sis_event *ev,
		      char *err, size_t err_len)
{
	struct sis_conn *c = &ev->conn;
	int alen;

	if (!tb[SIS_STREAM_A_FAMILY] || !tb[SIS_STREAM_A_HOST_ADDR] ||
	    !tb[SIS_STREAM_A_NET_ADDR] || !tb[SIS_STREAM_A_HOST_PORT] ||
	    !tb[SIS_STREAM_A_NET_PORT] || !tb[SIS_STREAM_A_INITIATOR] ||
	    !tb[SIS_STREAM_A_DIR])
		return malformed(err, err_len,
				 "stream open: family, address, port, initiator or directions missing");
	switch (nla_get_u8(tb[SIS_STREAM_A_FAMILY])) {
	case AF_INET:
		alen = 4;
		break;
	case AF_INET6:
		alen = 16;
		break;
	default:
		return malformed(err, err_len,
				 "stream open: unknown address family");
	}
	if (nla_len(tb[SIS_STREAM_A_HOST_ADDR]) != alen ||
	    nla_len(tb[SIS_STREAM_A_NET_ADDR]) != alen)
		return malformed(err, err_len,
				 "stream open: address length is not the family's");
	ev->type = SIS_EVENT_CONN_OPEN;
	c->family = nla_get_u8(tb[SIS_STREAM_A_FAMILY]);
	memcpy(c->host_addr, nla_data(tb[SIS_STREAM_A_HOST_ADDR]), alen);
	memcpy(c->net_addr, nla_data(tb[SIS_STREAM_A_NET_ADDR]), alen);
	c->host_port = nla_get_u16(tb[SIS_STREAM_A_HOST_PORT]);
	c->net_port = nla_get_u16(tb[SIS_STREAM_A_NET_PORT]);
	c->initiator = nla_get_u8(tb[SIS_STREAM_A_INITIATOR]);
	c->dirs = nla_get_u8(tb[SIS_STREAM_A_DIR]);
	if (!one_dir(c->initiator) || !c->dirs || (c->dirs & ~SIS_DIR_ANY))
		return malformed(err, err_len,
				 "stream open: invalid initiator or directions");
	return 1;
}

static int parse_data(struct nlattr **tb, struct sis_event *ev,
		      char *err, size_t err_len)
{
	struct sis_stream_data *d = &ev->data;

	if (!tb[SIS_STREAM_A_DIR] || !tb[SIS_STREAM_A_OFFSET] ||
	    !tb[SIS_STREAM_A_DATA])
		return malformed(err, err_len,
				 "stream data: direction, offset or data missing");
	ev->type = SIS_EVENT_STREAM_DATA;
	d->dir = nla_get_u8(tb[SIS_STREAM_A_DIR]);
	d->held = tb[SIS_STREAM_A_HELD];
	d->offset = nla_get_u64(tb[SIS_STREAM_A_OFFSET]);
	d->len = nla_len(tb[SIS_STREAM_A_DATA]);
	d->data = nla_data(tb[SIS_STREAM_A_DATA]);
	if (!one_dir(d->dir) || d->offset + d->len < d->offset)
		return malformed(err, err_len,
				 "stream data: invalid direction or offset");
	return 1;
}

static int parse_end(struct nlattr **tb, struct sis_event *ev,
		     char *err, size_t err_len)
{
	struct sis_conn_end *e = &ev->end;

	if (!tb[SIS_STREAM_A_DIR] || !tb[SIS_STREAM_A_REASON])
		return malformed(err, err_len,
				 "stream end: direction or reason missing");
	ev->type = SIS_EVENT_CONN_END;
	e->dir = nla_get_u8(tb[SIS_STREAM_A_DIR]);
	e->reason = nla_get_u8(tb[SIS_STREAM_A_REASON]);
	if (!one_dir(e->dir) && e->dir != SIS_DIR_ANY)
		return malformed(err, err_len, "stream end: invalid direction");
	return 1;
}

static int parse_stream(struct nlattr *nest, struct sis_event *ev,
			char *err, size_t err_len)
{
	struct nlattr *tb[SIS_STREAM_A_MAX + 1];
	uint64_t conn;
	uint32_t sub;

	if (nla_parse_nested(tb, SIS_STREAM_A_MAX, nest, stream_policy) < 0)
		return malformed(err, err_len, "stream: malformed attributes");
	if (!tb[SIS_STREAM_A_CONN] || !tb[SIS_STREAM_A_SUB] ||
	    !tb[SIS_STREAM_A_EVENT])
		return malformed(err, err_len,
				 "stream: connection, subscription or event missing");
	conn = nla_get_u64(tb[SIS_STREAM_A_CONN]);
	sub = nla_get_u32(tb[SIS_STREAM_A_SUB]);
	memset(ev, 0, sizeof(*ev));
	switch (nla_get_u8(tb[SIS_STREAM_A_EVENT])) {
	case SIS_STREAM_EV_OPEN:
		ev->conn.id = conn;
		ev->conn.sub = sub;
		return parse_open(tb, ev, err, err_len);
	case SIS_STREAM_EV_DATA:
		ev->data.conn = conn;
		ev->data.sub = sub;
		return parse_data(tb, ev, err, err_len);
	case SIS_STREAM_EV_END:
		ev->end.conn = conn;
		ev->end.sub = sub;
		return parse_end(tb, ev, err, err_len);
	}
	return malformed(err, err_len, "stream: unknown event");
}

int sis_scanner_parse(const struct nlmsghdr *nlh, int family,
		      struct sis_event *ev, char *err, size_t err_len)
{
	struct nlmsghdr *h = (struct nlmsghdr *)nlh;
	struct nlattr *frame, *stream;

	if (nlh->nlmsg_type != family)
		return 0;
	if (!genlmsg_valid_hdr(h, 0))
		return malformed(err, err_len, "message too short");
	switch (genlmsg_hdr(h)->cmd) {
	case SIS_CMD_FRAME:
		break;
	case SIS_CMD_STREAM:
		stream = nla_find(genlmsg_attrdata(genlmsg_hdr(h), 0),
				  genlmsg_attrlen(genlmsg_hdr(h), 0),
				  SIS_A_STREAM);
		if (!stream)
			return malformed(err, err_len,
					 "stream: SIS_A_STREAM missing");
		return parse_stream(stream, ev, err, err_len);
	case SIS_CMD_DETACHED:
		memset(ev, 0, sizeof(*ev));
		ev->type = SIS_EVENT_DETACHED;
		return 1;
	default:
		return 0;
	}
	/* The one attribute of a frame message: found, not parsed. */
	frame = nla_find(genlmsg_attrdata(genlmsg_hdr(h), 0),
			 genlmsg_attrlen(genlmsg_hdr(h), 0), SIS_A_FRAME);
	if (!frame)
		return malformed(err, err_len, "frame: SIS_A_FRAME missing");
	return parse_frame(frame, ev, err, err_len);
}

/* Sending */

static int send_msg(struct sis_scanner *sc, struct nlmsghdr *nlh, int flags)
{
	nlh->nlmsg_flags |= NLM_F_REQUEST | flags;
	if (++sc->seq == 0)	/* the kernel's own messages carry 0 */
		sc->seq = 1;
	nlh->nlmsg_seq = sc->seq;
	nlh->nlmsg_pid = sc->port;
	return sc->io->send(sc->ctx, nlh);
}

/* Send one batch of verdicts or passes, with the request built once. */
static int send_batch(struct sis_scanner *sc, uint8_t cmd, int attr,
		      const void *items, size_t size)
{
	struct nlmsghdr *nlh;

	if (!sc->vmsg) {
		sc->vmsg = sis_nl_genlmsg(sc->family, SIS_GENL_VERSION, cmd,
					  BATCH_MAX_BYTES);
		if (!sc->vmsg)
			return -ENOMEM;
		sc->vbase = nlmsg_hdr(sc->vmsg)->nlmsg_len;
	}
	/* Back to the bare header: libnl appends at nlmsg_len. */
	nlh = nlmsg_hdr(sc->vmsg);
	nlh->nlmsg_len = sc->vbase;
	nlh->nlmsg_flags = 0;
	genlmsg_hdr(nlh)->cmd = cmd;
	if (nla_put(sc->vmsg, attr, size, items) < 0)
		return -EMSGSIZE;
	return send_msg(sc, nlh, 0);
}

int sis_flush(struct sis_scanner *sc)
{
	int r = 0;

	if (sc->nverdicts) {
		r = send_batch(sc, SIS_CMD_VERDICT, SIS_A_VERDICTS,
			       sc->verdicts,
			       sc->nverdicts * sizeof(sc->verdicts[0]));
		if (!r)
			sc->nverdicts = 0;
	} else if (sc->npasses) {
		r = send_batch(sc, SIS_CMD_STREAM_PASS, SIS_A_PASSES,
			       sc->passes,
			       sc->npasses * sizeof(sc->passes[0]));
		if (!r)
			sc->npasses = 0;
	}
	return r;
}

/* Remember a frame handed out, for verdict(). */
static void frame_seen(struct sis_scanner *sc, const struct sis_frame *f)
{
	uint64_t bit = 1ULL << (f->num % WORD_BITS);
	uint64_t *word = &sc->recent_held[f->num % RECENT_FRAMES / WORD_BITS];

	if (f->num > sc->last_num)
		sc->last_num = f->num;
	if (f->held)
		*word |= bit;
	else
		*word &= ~bit;
}

static bool frame_read_only(const struct sis_scanner *sc, uint64_t num)
{
	uint64_t word = sc->recent_held[num % RECENT_FRAMES / WORD_BITS];

	return num + RECENT_FRAMES > sc->last_num &&
	       !(word & (1ULL << (num % WORD_BITS)));
}

static int verdict(struct sis_scanner *sc, uint64_t num, uint32_t code)
{
	int r;

	if (!num || num > sc->last_num)
		return -EINVAL;
	if (frame_read_only(sc, num))
		return -EPERM;
	/* Passes queued before, or a full queue whose send failed. */
	if (sc->npasses || sc->nverdicts == SIS_VERDICTS_MAX) {
		r = sis_flush(sc);
		if (r < 0)
			return r;
	}
	sc->verdicts[sc->nverdicts++] = (struct sis_verdict){
		.frame = num, .verdict = code,
	};
	/* A failure leaves the batch for the next call that sends. */
	if (sc->nverdicts == SIS_VERDICTS_MAX)
		sis_flush(sc);
	return 0;
}

int sis_pass(struct sis_scanner *sc, uint64_t num)
{
	return verdict(sc, num, SIS_VERDICT_PASS);
}

int sis_cut(struct sis_scanner *sc, uint64_t num)
{
	return verdict(sc, num, SIS_VERDICT_CUT);
}

int sis_stream_pass(struct sis_scanner *sc, uint64_t conn, uint8_t dir,
		    uint64_t offset, uint64_t len)
{
	int r;

	if ((dir != SIS_DIR_IN && dir != SIS_DIR_OUT) ||
	    (len != SIS_PASS_ALL && offset + len < offset))
		return -EINVAL;
	if (!len)
		return 0;
	/* Verdicts queued before, or a full queue whose send failed. */
	if (sc->nverdicts || sc->npasses == SIS_PASSES_MAX) {
		r = sis_flush(sc);
		if (r < 0)
			return r;
	}
	sc->passes[sc->npasses++] = (struct sis_stream_pass){
		.conn = conn, .offset = offset, .len = len, .dir = dir,
	};
	/* A failure leaves the batch for the next call that sends. */
	if (sc->npasses == SIS_PASSES_MAX)
		sis_flush(sc);
	return 0;
}

unsigned int sis_scanner_queued(const struct sis_scanner *sc)
{
	return sc->nverdicts + sc->npasses;
}

/* Receiving */

/* One datagram into b: 0, RX_LOST or a negative errno. */
static int rx_datagram(struct sis_scanner *sc, struct buf *b, bool block)
{
	ssize_t n;

	b->len = 0;
	if (buf_reserve(b, SIS_SCANNER_RX_SIZE) < 0)
		return -ENOMEM;
	n = sc->io->recv(sc->ctx, b->data, b->cap, block);
	if (n == -ENOBUFS)
		return RX_LOST;
	if (n < 0)
		return n;
	if ((size_t)n > b->cap) {
		/* Truncated, hence lost: make room for the next one. */
		buf_reserve(b, NLMSG_ALIGN((size_t)n));
		return RX_LOST;
	}
	b->len = n;
	return 0;
}

/* Keep a copy of a message for sis_read(). */
static void queue_msg(struct sis_scanner *sc, const struct nlmsghdr *nlh)
{
	struct buf *q = &sc->queue[sc->qin];
	size_t len = NLMSG_ALIGN(nlh->nlmsg_len);
	size_t cap = q->cap ? q->cap : 65536;

	while (cap < q->len + len)
		cap *= 2;
	if (q->len + len > QUEUE_MAX || buf_reserve(q, cap) < 0) {
		sc->queue_lost = true;
		return;
	}
	memset(q->data + q->len, 0, len);
	memcpy(q->data + q->len, nlh, nlh->nlmsg_len);
	q->len += len;
}

/* Mark the place of lost messages in the queue. */
static void queue_lost(struct sis_scanner *sc)
{
	struct nlmsghdr mark = {
		.nlmsg_len = NLMSG_HDRLEN, .nlmsg_type = NLMSG_OVERRUN,
	};

	queue_msg(sc, &mark);
}

/* Hand the queue over to sis_read(); false if it is empty. */
static bool queue_take(struct sis_scanner *sc)
{
	struct buf *q = &sc->queue[sc->qin];

	if (!q->len)
		return false;
	sc->view = q;
	sc->off = 0;
	sc->qin ^= 1;
	sc->queue[sc->qin].len = 0;	/* the previous view, read through */
	return true;
}

static void lost_event(struct sis_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = SIS_EVENT_LOST;
}

/* One message for sis_read(): 1 (an event), 0 (nothing to hand out), -errno. */
static int handle(struct sis_scanner *sc, const struct nlmsghdr *nlh,
		  struct sis_event *ev)
{
	int r;

	switch (nlh->nlmsg_type) {
	case NLMSG_ERROR:
		/* Only requests sent without an ack come here: verdicts. */
		r = sis_nl_parse_ack(nlh, sc->extack, sizeof(sc->extack));
		if (!r)
			sc->extack[0] = '\0';
		return r;
	case NLMSG_OVERRUN:
		lost_event(ev);
		return 1;
	}
	r = sis_scanner_parse(nlh, sc->family, ev, sc->extack,
			      sizeof(sc->extack));
	if (r > 0 && ev->type == SIS_EVENT_FRAME)
		frame_seen(sc, &ev->frame);
	if (r > 0 && ev->type == SIS_EVENT_DETACHED) {
		sc->detached = true;
		/* Its frames and streams were released. */
		sc->nverdicts = 0;
		sc->npasses = 0;
	}
	return r;
}

/* The next event of the view: 1, 0 when read through, or -errno. */
static int view_next(struct sis_scanner *sc, struct sis_event *ev)
{
	const struct nlmsghdr *nlh;
	size_t left;
	int r;

	while (sc->view && sc->off < sc->view->len) {
		nlh = (const struct nlmsghdr *)(sc->view->data + sc->off);
		left = sc->view->len - sc->off;
		if (!nlmsg_ok(nlh, (int)left)) {
			sc->off = sc->view->len;
			return malformed(sc->extack, sizeof(sc->extack),
					 "truncated message");
		}
		sc->off += NLMSG_ALIGN(nlh->nlmsg_len) < left ?
			NLMSG_ALIGN(nlh->nlmsg_len) : left;
		r = handle(sc, nlh, ev);
		if (r)
			return r;
	}
	return 0;
}

/* Read a datagram into the view, sending the verdicts before waiting. */
static int rx_fill(struct sis_scanner *sc, bool nonblock)
{
	int r = -EAGAIN;

	/*
	 * About to wait: the kernel must have every verdict first. One
	 * request per wait, whatever is queued: a non-blocking peek first
	 * would cost a third system call per wake-up.
	 */
	if (sis_scanner_queued(sc) && !nonblock) {
		r = sis_flush(sc);
		if (r < 0)
			return r;
		r = -EAGAIN;
	}
	if (sis_scanner_queued(sc)) {
		r = rx_datagram(sc, &sc->rx, false);
		if (r == -EAGAIN) {
			r = sis_flush(sc);
			if (r < 0)
				return r;
			/* What came meanwhile makes the socket readable. */
			if (nonblock)
				return -EAGAIN;
			r = -EAGAIN;
		}
	}
	if (r == -EAGAIN)
		r = rx_datagram(sc, &sc->rx, !nonblock);
	if (!r) {
		sc->view = &sc->rx;
		sc->off = 0;
	}
	return r;
}

int sis_read(struct sis_scanner *sc, struct sis_event *ev, int flags)
{
	int r;

	sc->extack[0] = '\0';
	if (flags & ~SIS_READ_NONBLOCK)
		return -EINVAL;
	for (;;) {
		r = view_next(sc, ev);
		if (r)
			return r > 0 ? 0 : r;
		if (queue_take(sc))
			continue;
		if (sc->queue_lost) {
			sc->queue_lost = false;
			lost_event(ev);
			return 0;
		}
		if (sc->detached)
			return -ENOTCONN;
		r = rx_fill(sc, flags & SIS_READ_NONBLOCK);
		if (r == RX_LOST) {
			lost_event(ev);
			return 0;
		}
		if (r < 0)
			return r;
	}
}

const char *sis_read_extack(const struct sis_scanner *sc)
{
	return sc->extack;
}

/* Requests */

/* A request waiting for its answer. */
struct wait {
	uint32_t seq;
	uint32_t probe;		/* sequence of the last probe, 0 for none */
	bool done;
	bool replied;
	bool overrun;		/* the kernel dropped messages meanwhile */
	int error;
	int cb_error;
	sis_nl_msg_cb cb;
	void *arg;
	char *extack;
	size_t extack_len;
};

/*
 * The answer was dropped for want of room in the receive buffer. A reply
 * is only sent on success: with one, the ack alone was lost.
 */
static void wait_lost(struct wait *w)
{
	w->done = true;
	if (w->replied)
		return;
	w->error = -ENOBUFS;
	set_msg(w->extack, w->extack_len, "answer lost: receive buffer full");
}

/*
 * A message from the kernel while waiting: the request's answer, the ack
 * of a probe, or something sis_read() hands out later.
 */
static void wait_msg(struct sis_scanner *sc, struct wait *w,
		     const struct nlmsghdr *nlh)
{
	bool error = nlh->nlmsg_type == NLMSG_ERROR;
	int r;

	if (!w->done && nlh->nlmsg_seq == w->seq && error) {
		w->error = sis_nl_parse_ack(nlh, w->extack, w->extack_len);
		w->done = true;
	} else if (!w->done && nlh->nlmsg_seq == w->seq &&
		   nlh->nlmsg_type == sc->family) {
		w->replied = true;
		if (w->cb && !w->cb_error) {
			r = w->cb(nlh, w->arg);
			if (r < 0)
				w->cb_error = r;
		}
	} else if (!w->done && w->probe && nlh->nlmsg_seq == w->probe &&
		   error) {
		wait_lost(w);
	} else if (!error || sis_nl_parse_ack(nlh, NULL, 0)) {
		queue_msg(sc, nlh);	/* acks of earlier probes go */
	}
}

static void wait_datagram(struct sis_scanner *sc, struct wait *w)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)sc->ackrx.data;
	int left = (int)sc->ackrx.len;

	for (; nlmsg_ok(nlh, left);
	     nlh = nlmsg_next((struct nlmsghdr *)nlh, &left))
		wait_msg(sc, w, nlh);
}

/*
 * After an overrun the answer may have been dropped. The kernel answers a
 * request before sendmsg() returns, so the answer, if queued, comes before
 * the ack of a no-op sent now, and before the socket runs dry. The no-op
 * bounds the wait while frames keep coming; its ack may be dropped too.
 */
static int wait_probe(struct sis_scanner *sc, struct wait *w)
{
	struct nl_msg *msg = nlmsg_alloc_simple(NLMSG_NOOP, 0);
	int r;

	if (!msg)
		return -ENOMEM;
	r = send_msg(sc, nlmsg_hdr(msg), NLM_F_ACK);
	nlmsg_free(msg);
	if (!r)
		w->probe = sc->seq;
	return r;
}

static int request(struct sis_scanner *sc, struct nl_msg *msg,
		   sis_nl_msg_cb cb, void *arg, char *extack, size_t extack_len)
{
	struct wait w = {
		.cb = cb, .arg = arg, .extack = extack, .extack_len = extack_len,
	};
	int r;

	set_msg(extack, extack_len, "");
	r = sis_flush(sc);	/* the kernel sees calls in program order */
	if (r < 0)
		return r;
	r = send_msg(sc, nlmsg_hdr(msg), NLM_F_ACK);
	if (r < 0)
		return r;
	w.seq = sc->seq;

	while (!w.done) {
		r = rx_datagram(sc, &sc->ackrx, !w.overrun);
		if (r == RX_LOST) {
			queue_lost(sc);
			w.overrun = true;
			r = wait_probe(sc, &w);
		} else if (r == -EAGAIN && w.overrun) {
			wait_lost(&w);
		} else if (!r) {
			wait_datagram(sc, &w);
		}
		/* An answer is waited for whatever SO_RCVTIMEO says. */
		if (r == -EAGAIN && !w.overrun)
			continue;
		if (r < 0 && r != -EINTR && !w.done)
			return r;
	}
	return w.error ? w.error : w.cb_error;
}

static struct nl_msg *new_msg(const struct sis_scanner *sc, uint8_t cmd,
			      size_t size)
{
	return sis_nl_genlmsg(sc->family, SIS_GENL_VERSION, cmd, size);
}

/* Send msg, which is freed, unless building it failed (put < 0). */
static int request_built(struct sis_scanner *sc, struct nl_msg *msg, int put,
			 sis_nl_msg_cb cb, void *arg,
			 char *extack, size_t extack_len)
{
	int r;

	set_msg(extack, extack_len, "");
	if (!msg)
		return -ENOMEM;
	r = put < 0 ? -EMSGSIZE :
		request(sc, msg, cb, arg, extack, extack_len);
	nlmsg_free(msg);
	return r;
}

static int check_name(const char *name, const char *what,
		      char *extack, size_t extack_len)
{
	char text[64];

	set_msg(extack, extack_len, "");
	if (name && strlen(name) < SIS_NAME_MAX)
		return 0;
	snprintf(text, sizeof(text), "%s name %s", what,
		 name ? "too long" : "missing");
	set_msg(extack, extack_len, text);
	return -EINVAL;
}

int sis_scanner_attach(struct sis_scanner *sc, const char *name,
		       char *extack, size_t extack_len)
{
	struct nl_msg *msg;
	struct nlattr *nest;
	int put = -1, r;

	r = check_name(name, "scanner", extack, extack_len);
	if (r < 0)
		return r;
	msg = new_msg(sc, SIS_CMD_SCANNER_ATTACH, 64);
	if (msg && (nest = nla_nest_start(msg, SIS_A_SCANNER)) &&
	    !nla_put_string(msg, SIS_SCANNER_A_NAME, name))
		put = nla_nest_end(msg, nest);
	r = request_built(sc, msg, put, NULL, NULL, extack, extack_len);
	if (!r) {
		/* The kernel numbers frames from 1 again. */
		sc->detached = false;
		sc->last_num = 0;
		memset(sc->recent_held, 0, sizeof(sc->recent_held));
	}
	return r;
}

struct sub_reply {
	uint32_t id;
	bool found;
};

static int sub_reply(const struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[SIS_A_MAX + 1], *sub[SIS_SUB_A_MAX + 1];
	struct sub_reply *rep = arg;

	if (genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, SIS_A_MAX,
			  top_policy) < 0 || !tb[SIS_A_SUB] ||
	    nla_parse_nested(sub, SIS_SUB_A_MAX, tb[SIS_A_SUB], sub_policy) < 0 ||
	    !sub[SIS_SUB_A_ID])
		return -EPROTO;
	rep->id = nla_get_u32(sub[SIS_SUB_A_ID]);
	rep->found = true;
	return 0;
}

static int sub_put(struct nl_msg *msg, const char *cap, uint8_t rights,
		   const struct sock_filter *insns, unsigned int n,
		   const char *filter, uint32_t snaplen)
{
	struct nlattr *nest = nla_nest_start(msg, SIS_A_SUB);

	if (!nest ||
	    nla_put_string(msg, SIS_SUB_A_CAP, cap) ||
	    nla_put_u8(msg, SIS_SUB_A_RIGHTS, rights) ||
	    nla_put(msg, SIS_SUB_A_BPF, n * sizeof(*insns), insns) ||
	    (filter && filter[0] &&
	     nla_put_string(msg, SIS_SUB_A_EXPR, filter)) ||
	    (snaplen && nla_put_u32(msg, SIS_SUB_A_SNAPLEN, snaplen)))
		return -1;
	return nla_nest_end(msg, nest);
}

int sis_subscribe(struct sis_scanner *sc, const char *cap, unsigned int rights,
		  const char *filter, uint32_t snaplen, uint32_t *id,
		  char *extack, size_t extack_len)
{
	struct sub_reply rep = { 0 };
	struct sock_filter *insns;
	struct nl_msg *msg;
	unsigned int n;
	int put = -1, r;

	r = check_name(cap, "capability", extack, extack_len);
	if (r < 0)
		return r;
	if (rights > UINT8_MAX) {
		set_msg(extack, extack_len, "rights out of range");
		return -EINVAL;
	}
	r = sis_filter_compile(filter, &insns, &n, extack, extack_len);
	if (r < 0)
		return r;
	msg = new_msg(sc, SIS_CMD_SUBSCRIBE, n * sizeof(*insns) +
		      (filter ? strlen(filter) : 0) + 128);
	if (msg)
		put = sub_put(msg, cap, rights, insns, n, filter, snaplen);
	free(insns);
	r = request_built(sc, msg, put, sub_reply, &rep, extack, extack_len);
	if (!r && !rep.found)
		r = -EPROTO;
	if (!r && id)
		*id = rep.id;
	return r;
}

int sis_unsubscribe(struct sis_scanner *sc, uint32_t id,
		    char *extack, size_t extack_len)
{
	struct nl_msg *msg = new_msg(sc, SIS_CMD_UNSUBSCRIBE, 64);
	struct nlattr *nest;
	int put = -1;

	if (msg && (nest = nla_nest_start(msg, SIS_A_SUB)) &&
	    !nla_put_u32(msg, SIS_SUB_A_ID, id))
		put = nla_nest_end(msg, nest);
	return request_built(sc, msg, put, NULL, NULL, extack, extack_len);
}

int sis_inject(struct sis_scanner *sc, uint32_t id, uint8_t dir,
	       char *extack, size_t extack_len)
{
	struct nl_msg *msg = new_msg(sc, SIS_CMD_INJECT, 64);
	struct nlattr *nest;
	int put = -1;

	if (msg && (nest = nla_nest_start(msg, SIS_A_INJECT)) &&
	    !nla_put_u32(msg, SIS_INJECT_A_ID, id) &&
	    !nla_put_u8(msg, SIS_INJECT_A_DIR, dir))
		put = nla_nest_end(msg, nest);
	return request_built(sc, msg, put, NULL, NULL, extack, extack_len);
}

int sis_alert(struct sis_scanner *sc, const void *text, size_t len,
	      uint64_t frame_num, char *extack, size_t extack_len)
{
	struct nl_msg *msg;
	struct nlattr *nest;
	int put = -1;

	set_msg(extack, extack_len, "");
	if ((!text && len) || len > UINT16_MAX - 64)
		return -EINVAL;
	msg = new_msg(sc, SIS_CMD_ALERT, len + 64);
	if (msg && (nest = nla_nest_start(msg, SIS_A_ALERT)) &&
	    !nla_put(msg, SIS_ALERT_A_MSG, (int)len, text) &&
	    (!frame_num ||
	     !nla_put_u64(msg, SIS_ALERT_A_FRAME_NUM, frame_num)))
		put = nla_nest_end(msg, nest);
	return request_built(sc, msg, put, NULL, NULL, extack, extack_len);
}

/* The scanner itself */

struct sis_scanner *sis_scanner_new(int family, const struct sis_scanner_io *io,
				    void *ctx)
{
	struct sis_scanner *sc = calloc(1, sizeof(*sc));

	if (!sc)
		return NULL;
	sc->io = io;
	sc->ctx = ctx;
	sc->fd = -1;
	sc->family = family;
	return sc;
}

void sis_scanner_set_io(struct sis_scanner *sc,
			const struct sis_scanner_io *io, void *ctx)
{
	sc->io = io;
	sc->ctx = ctx;
}

void sis_scanner_close(struct sis_scanner *sc)
{
	if (!sc)
		return;
	sis_flush(sc);
	nlmsg_free(sc->vmsg);
	sis_nl_close(sc->nl);
	free(sc->rx.data);
	free(sc->ackrx.data);
	free(sc->queue[0].data);
	free(sc->queue[1].data);
	free(sc);
}

int sis_scanner_fd(const struct sis_scanner *sc)
{
	return sc->fd;
}

/* The socket */

static int sock_send(void *ctx, const struct nlmsghdr *nlh)
{
	const struct sis_scanner *sc = ctx;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t n;

	do
		n = sendto(sc->fd, nlh, nlh->nlmsg_len, 0,
			   (struct sockaddr *)&kernel, sizeof(kernel));
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : 0;
}

/* Wait for input even if the caller made the socket non-blocking. */
static int sock_wait(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, -1) < 0 ? -errno : 0;
}

static ssize_t sock_recv(void *ctx, void *buf, size_t len, bool block)
{
	const struct sis_scanner *sc = ctx;
	struct sockaddr_nl from;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;
	int r;

	for (;;) {
		m.msg_name = &from;
		m.msg_namelen = sizeof(from);
		n = recvmsg(sc->fd, &m, MSG_TRUNC | (block ? 0 : MSG_DONTWAIT));
		/*
		 * A blocking socket says EAGAIN when its SO_RCVTIMEO expired:
		 * the caller's bound on the wait. A socket the caller made
		 * non-blocking is waited for here.
		 */
		if (n < 0 && errno == EAGAIN && block &&
		    (fcntl(sc->fd, F_GETFL) & O_NONBLOCK)) {
			r = sock_wait(sc->fd);
			if (r < 0)
				return r;
			continue;
		}
		if (n < 0)
			return -errno;
		/* Other processes may send to our port: only the kernel counts. */
		if (m.msg_namelen == sizeof(from) &&
		    from.nl_family == AF_NETLINK && from.nl_pid == 0)
			return n;
	}
}

static const struct sis_scanner_io sock_io = {
	.send = sock_send,
	.recv = sock_recv,
};

static int rcvbuf_get(int fd)
{
	socklen_t len = sizeof(int);
	int size = 0;

	getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, &len);
	return size;	/* twice what was set */
}

/*
 * Frames not delivered because the receive buffer is full are lost, and
 * held ones get the fail policy: take as much as allowed, never less than
 * there is.
 */
static void bufs_grow(int fd)
{
	int size = SCANNER_SNDBUF, before;

	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	size = SCANNER_RCVBUF_FORCE;
	if (!setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		return;
	before = rcvbuf_get(fd);
	size = INT_MAX;		/* the kernel clamps it to net.core.rmem_max */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (rcvbuf_get(fd) < before) {
		size = before / 2;
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	}
}

int sis_scanner_open_family(const char *family, struct sis_scanner **scp)
{
	struct sis_scanner *sc;
	struct sis_nl *nl;
	int r;

	*scp = NULL;
	r = sis_nl_open_family(&nl, family, SIS_GENL_VERSION);
	if (r < 0)
		return r;
	sc = sis_scanner_new(sis_nl_family(nl), &sock_io, NULL);
	if (!sc) {
		sis_nl_close(nl);
		return -ENOMEM;
	}
	sc->ctx = sc;
	sc->nl = nl;
	sc->fd = nl_socket_get_fd(sis_nl_sock(nl));
	sc->port = nl_socket_get_local_port(sis_nl_sock(nl));
	bufs_grow(sc->fd);
	*scp = sc;
	return 0;
}

int sis_scanner_open(const char *name, struct sis_scanner **scp,
		     char *extack, size_t extack_len)
{
	struct sis_scanner *sc;
	int r;

	*scp = NULL;
	set_msg(extack, extack_len, "");
	if (name) {
		r = check_name(name, "scanner", extack, extack_len);
		if (r < 0)
			return r;
	}
	r = sis_scanner_open_family(SIS_GENL_NAME, &sc);
	if (r == -ENOENT)
		set_msg(extack, extack_len,
			"no \"sis\" generic netlink family (module not loaded?)");
	if (r < 0)
		return r;
	if (name) {
		r = sis_scanner_attach(sc, name, extack, extack_len);
		if (r < 0) {
			sis_scanner_close(sc);
			return r;
		}
	}
	*scp = sc;
	return 0;
}
