// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * libsis scanners on a real socket, with the kernel's generic netlink
 * controller standing in for SIS: errors of requests, messages forged by
 * other processes, and answers lost to a full receive buffer.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>

#include <sis/scanner.h>
#include "internal.h"
#include "tap.h"

static int rcvbuf(int fd)
{
	socklen_t len = sizeof(int);
	int size = 0;

	getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, &len);
	return size;
}

static uint32_t local_port(int fd)
{
	struct sockaddr_nl sa;
	socklen_t len = sizeof(sa);

	if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
		return 0;
	return sa.nl_pid;
}

/* Send msg from fd to port (0: the kernel), and free it. */
static int send_to(int fd, struct nl_msg *msg, uint32_t port)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK, .nl_pid = port };
	struct nlmsghdr *h = nlmsg_hdr(msg);
	ssize_t n;

	n = sendto(fd, h, h->nlmsg_len, 0, (struct sockaddr *)&to, sizeof(to));
	nlmsg_free(msg);
	return n < 0 ? -errno : 0;
}

/* A well-formed SIS_CMD_FRAME, as the kernel would send it to a scanner. */
static struct nl_msg *forged_frame(void)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *nest;
	uint8_t data[60] = { 0 };

	genlmsg_put(msg, 0, 0, GENL_ID_CTRL, 0, 0, SIS_CMD_FRAME,
		    SIS_GENL_VERSION);
	nest = nla_nest_start(msg, SIS_A_FRAME);
	nla_put_u64(msg, SIS_FRAME_A_NUM, 1);
	nla_put_u32(msg, SIS_FRAME_A_SUB, 1);
	nla_put_u8(msg, SIS_FRAME_A_DIR, SIS_DIR_IN);
	nla_put_u32(msg, SIS_FRAME_A_LEN, sizeof(data));
	nla_put_flag(msg, SIS_FRAME_A_HELD);
	nla_put(msg, SIS_FRAME_A_DATA, sizeof(data), data);
	nla_nest_end(msg, nest);
	return msg;
}

/* A request with a reply and no ack, to fill the receive buffer. */
static struct nl_msg *getfamily(void)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, 0, 0, GENL_ID_CTRL, 0, NLM_F_REQUEST,
		    CTRL_CMD_GETFAMILY, 1);
	nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	return msg;
}

/* Events until -EAGAIN: how many were SIS_EVENT_LOST, -1 on another error. */
static int drain(struct sis_scanner *sc, int *other)
{
	struct sis_event ev;
	int lost = 0, r;

	*other = 0;
	while (!(r = sis_read(sc, &ev, SIS_READ_NONBLOCK))) {
		if (ev.type == SIS_EVENT_LOST)
			lost++;
		else
			(*other)++;
	}
	return r == -EAGAIN ? lost : -1;
}

/*
 * The scanner's socket, with frames of our own making read first: verdicts
 * for them go to the controller, which refuses them.
 */
static struct {
	struct nl_msg *frames[SIS_VERDICTS_MAX];
	int n, next;
	int fd;
} mix;

static int mix_send(void *ctx, const struct nlmsghdr *nlh)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	(void)ctx;
	if (sendto(mix.fd, nlh, nlh->nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0)
		return -errno;
	return 0;
}

static ssize_t mix_recv(void *ctx, void *buf, size_t len, bool block)
{
	struct nlmsghdr *h;
	ssize_t n;

	(void)ctx;
	if (mix.next < mix.n) {
		h = nlmsg_hdr(mix.frames[mix.next++]);
		memcpy(buf, h, h->nlmsg_len < len ? h->nlmsg_len : len);
		return h->nlmsg_len;
	}
	n = recv(mix.fd, buf, len, MSG_TRUNC | (block ? 0 : MSG_DONTWAIT));
	return n < 0 ? -errno : n;
}

static const struct sis_scanner_io mix_io = {
	.send = mix_send,
	.recv = mix_recv,
};

static struct nl_msg *held_frame(uint64_t num, int family)
{
	struct nl_msg *msg = forged_frame();
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nlattr *nest = genlmsg_attrdata(genlmsg_hdr(h), 0);

	h->nlmsg_type = family;
	*(uint64_t *)nla_data(nla_find(nla_data(nest), nla_len(nest),
				       SIS_FRAME_A_NUM)) = num;
	return msg;
}

/* A full batch of verdicts is one request the kernel takes in. */
TAP_SUITE(lib_scanner_live_verdicts)
{
	struct sis_scanner *sc;
	struct sis_event ev;
	int r, family, n = 0;

	r = sis_scanner_open_family("nlctrl", &sc);
	if (r < 0) {
		tap_skip("no generic netlink here", "live: a full verdict batch");
		return;
	}
	family = GENL_ID_CTRL;
	mix.fd = sis_scanner_fd(sc);
	for (mix.n = 0; mix.n < SIS_VERDICTS_MAX; mix.n++)
		mix.frames[mix.n] = held_frame(mix.n + 1, family);
	sis_scanner_set_io(sc, &mix_io, NULL);

	while (!(r = sis_read(sc, &ev, SIS_READ_NONBLOCK)) &&
	       ev.type == SIS_EVENT_FRAME && ev.frame.held) {
		sis_pass(sc, ev.frame.num);
		n++;
	}
	/* Sent when full; the controller's error comes back unasked. */
	tap_ok(n == SIS_VERDICTS_MAX && r == -EOPNOTSUPP &&
	       sis_scanner_queued(sc) == 0,
	       "live: a full verdict batch is sent, its refusal read");
	tap_diag("%d frames, then %d", n, r);
	sis_scanner_close(sc);
	for (int i = 0; i < mix.n; i++)
		nlmsg_free(mix.frames[i]);
}

TAP_SUITE(lib_scanner_live)
{
	static const char *const names[] = {
		"open", "receive buffer", "request error",
		"forged frames are ignored", "answer lost to an overrun",
		"the loss is an event", "socket usable after the overrun",
	};
	char ext[SIS_EXTACK_MAX];
	struct sis_scanner *sc;
	int fd, other, r, n, small = 0;

	r = sis_scanner_open_family("nlctrl", &sc);
	if (r < 0) {
		for (size_t i = 0; i < ARRAY_SIZE(names); i++)
			tap_skip("no generic netlink here", "live: %s", names[i]);
		return;
	}
	fd = sis_scanner_fd(sc);
	tap_ok(fd >= 0 && local_port(fd), "live: open");

	other = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	tap_ok(rcvbuf(fd) >= rcvbuf(other), "live: receive buffer");
	tap_diag("SO_RCVBUF %d, default %d", rcvbuf(fd), rcvbuf(other));

	/* The controller knows no SIS command: its error comes back. */
	r = sis_inject(sc, 1, SIS_DIR_IN, ext, sizeof(ext));
	tap_eq(r, -EOPNOTSUPP, "live: request error");
	tap_diag("inject: %d \"%s\"", r, ext);

	/* Any process may send to our port: only the kernel is listened to. */
	r = send_to(other, forged_frame(), local_port(fd));
	if (r < 0) {
		tap_skip("cannot send to another socket", "live: %s", names[3]);
	} else {
		usleep(10000);
		n = drain(sc, &r);
		tap_ok(n == 0 && r == 0, "live: forged frames are ignored");
	}
	close(other);

	/* Replies nobody reads fill the buffer; the next answer is dropped. */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	for (int i = 0; i < 16; i++)
		send_to(fd, getfamily(), 0);
	r = sis_unsubscribe(sc, 1, ext, sizeof(ext));
	tap_eq(r, -ENOBUFS, "live: answer lost to an overrun");
	tap_diag("unsubscribe: %d \"%s\"", r, ext);
	n = drain(sc, &other);
	tap_ok(n >= 1, "live: the loss is an event");
	tap_diag("%d lost, %d other events", n, other);
	r = sis_inject(sc, 1, SIS_DIR_IN, ext, sizeof(ext));
	tap_ok(r == -EOPNOTSUPP && drain(sc, &other) == 0,
	       "live: socket usable after the overrun");
	sis_scanner_close(sc);
}

/* SO_RCVTIMEO bounds a blocking read, not a request's wait. */
TAP_SUITE(lib_scanner_live_timeout)
{
	struct timeval tv = { .tv_usec = 50000 };
	char ext[SIS_EXTACK_MAX];
	struct timespec t0, t1;
	struct sis_scanner *sc;
	struct sis_event ev;
	long ms;
	int r;

	r = sis_scanner_open_family("nlctrl", &sc);
	if (r < 0) {
		tap_skip("no generic netlink here", "live: SO_RCVTIMEO ends a blocking read");
		tap_skip("no generic netlink here", "live: requests wait for their answer");
		return;
	}
	setsockopt(sis_scanner_fd(sc), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = sis_read(sc, &ev, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	tap_ok(r == -EAGAIN && ms >= 40, "live: SO_RCVTIMEO ends a blocking read");
	tap_diag("read: %d after %ld ms", r, ms);
	r = sis_inject(sc, 1, SIS_DIR_IN, ext, sizeof(ext));
	tap_eq(r, -EOPNOTSUPP, "live: requests wait for their answer");
	sis_scanner_close(sc);
}
