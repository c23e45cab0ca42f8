// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * libsis scanners (include/sis/scanner.h).
 *
 * A scanner is one netlink socket that carries both the kernel's frames
 * and stream events (SIS_CMD_FRAME and SIS_CMD_STREAM, sequence 0, many per
 * datagram) and the answers to the scanner's own requests. sis_read()
 * hands out the messages of one datagram at a time; a request reads until
 * its ack and keeps everything else in a queue that sis_read() empties
 * first. Verdicts and stream passes are queued and go out in batches,
 * without acks. This file has the scanner itself and its socket;
 * scanner_priv.h says where the rest is.
 */
#include "scanner_priv.h"

void sis_scn_set_msg(char *buf, size_t len, const char *text)
{
	if (buf && len)
		snprintf(buf, len, "%s", text);
}

int sis_scn_buf_reserve(struct buf *b, size_t size)
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
	sis_scn_set_msg(extack, extack_len, "");
	if (name) {
		r = sis_scn_check_name(name, "scanner", extack, extack_len);
		if (r < 0)
			return r;
	}
	r = sis_scanner_open_family(SIS_GENL_NAME, &sc);
	if (r == -ENOENT)
		sis_scn_set_msg(extack, extack_len,
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
