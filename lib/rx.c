// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * What a libsis scanner receives (sis_read()): one datagram at a time,
 * first what a request kept in the queue while it waited for its answer;
 * the verdicts queued go out before each wait.
 */
#include "scanner_priv.h"

/* One datagram into b: 0, RX_LOST or a negative errno. */
int sis_scn_rx_datagram(struct sis_scanner *sc, struct buf *b, bool block)
{
	ssize_t n;

	b->len = 0;
	if (sis_scn_buf_reserve(b, SIS_SCANNER_RX_SIZE) < 0)
		return -ENOMEM;
	n = sc->io->recv(sc->ctx, b->data, b->cap, block);
	if (n == -ENOBUFS)
		return RX_LOST;
	if (n < 0)
		return n;
	if ((size_t)n > b->cap) {
		/* Truncated, hence lost: make room for the next one. */
		sis_scn_buf_reserve(b, NLMSG_ALIGN((size_t)n));
		return RX_LOST;
	}
	b->len = n;
	return 0;
}

/* Keep a copy of a message for sis_read(). */
void sis_scn_queue_msg(struct sis_scanner *sc, const struct nlmsghdr *nlh)
{
	struct buf *q = &sc->queue[sc->qin];
	size_t len = NLMSG_ALIGN(nlh->nlmsg_len);
	size_t cap = q->cap ? q->cap : 65536;

	while (cap < q->len + len)
		cap *= 2;
	if (q->len + len > QUEUE_MAX || sis_scn_buf_reserve(q, cap) < 0) {
		sc->queue_lost = true;
		return;
	}
	memset(q->data + q->len, 0, len);
	memcpy(q->data + q->len, nlh, nlh->nlmsg_len);
	q->len += len;
}

/* Mark the place of lost messages in the queue. */
void sis_scn_queue_lost(struct sis_scanner *sc)
{
	struct nlmsghdr mark = {
		.nlmsg_len = NLMSG_HDRLEN, .nlmsg_type = NLMSG_OVERRUN,
	};

	sis_scn_queue_msg(sc, &mark);
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
		sis_scn_frame_seen(sc, &ev->frame);
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
			return sis_scn_malformed(sc->extack, sizeof(sc->extack),
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
		r = sis_scn_rx_datagram(sc, &sc->rx, false);
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
		r = sis_scn_rx_datagram(sc, &sc->rx, !nonblock);
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
