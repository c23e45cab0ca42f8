// SPDX-License-Identifier: GPL-2.0
/*
 * nfq-null: the NFQUEUE baseline of `make bench`
 * (Documentation/performance.md).
 *
 * It binds to one netfilter queue, copies every queued packet to user
 * space in full and accepts it unchanged: a "null verdict". What the
 * benchmark then measures is the cost of the kernel -> user space ->
 * kernel round trip of NFQUEUE by itself, with no inspection on top.
 *
 *   nfq-null [-q NUM] --per-packet   one NF_ACCEPT verdict per packet
 *   nfq-null [-q NUM] --batch        drain the socket, then one batch
 *                                    verdict up to the highest packet id
 *
 * The queue copies whole packets (NFQNL_COPY_PACKET, 0xffff bytes) and is
 * told that user space takes GSO packets (NFQA_CFG_F_GSO), so the kernel
 * does not segment them before queueing. "ready" is printed on stdout once
 * the queue is bound (so a shell can wait for it with the read builtin);
 * SIGTERM or SIGINT stops the program, which then prints its counters on
 * stderr and exits 0.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

#define COPY_RANGE	0xffff
/* One message: a whole 64 KiB packet plus its netlink attributes. */
#define MSG_BUF		(COPY_RANGE + 8192)
#define RCVBUF		(16u << 20)

struct nfq_null {
	struct nfq_q_handle *qh;
	int batch;
	int pending;		/* batch: packets received, no verdict yet */
	uint32_t max_id;	/* batch: highest id among them */
	unsigned long long packets, verdicts, enobufs;
	int failed;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Packet ids grow by one per packet and may wrap. */
static int id_after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

static int on_packet(struct nfq_q_handle *qh, struct nfgenmsg *nfmsg,
		     struct nfq_data *nfa, void *data)
{
	struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
	struct nfq_null *st = data;
	uint32_t id;

	(void)nfmsg;
	if (!ph)
		return 0;
	id = ntohl(ph->packet_id);
	st->packets++;
	if (st->batch) {
		if (!st->pending || id_after(id, st->max_id))
			st->max_id = id;
		st->pending++;
		return 0;
	}
	if (nfq_set_verdict(qh, id, NF_ACCEPT, 0, NULL) < 0) {
		perror("nfq-null: nfq_set_verdict");
		st->failed = 1;
		return -1;
	}
	st->verdicts++;
	return 0;
}

static int flush_batch(struct nfq_null *st)
{
	if (!st->pending)
		return 0;
	if (nfq_set_verdict_batch(st->qh, st->max_id, NF_ACCEPT) < 0) {
		perror("nfq-null: nfq_set_verdict_batch");
		return -1;
	}
	st->pending = 0;
	st->verdicts++;
	return 0;
}

/*
 * Read every message that is waiting, handing each to on_packet(). Returns
 * 0 once the socket is empty (or a signal came), -1 on a fatal error.
 */
static int drain(struct nfq_handle *h, int fd, struct nfq_null *st)
{
	static char buf[MSG_BUF] __attribute__((aligned));
	ssize_t n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				return 0;
			/* The socket overflowed: those packets were dropped. */
			if (errno == ENOBUFS) {
				st->enobufs++;
				continue;
			}
			perror("nfq-null: recv");
			return -1;
		}
		nfq_handle_packet(h, buf, n);
		if (st->failed)
			return -1;
	}
}

static int run(struct nfq_handle *h, struct nfq_null *st)
{
	struct pollfd p = { .fd = nfq_fd(h), .events = POLLIN };
	sigset_t block, orig;

	/* Signals are only let in while poll waits, so none is missed. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &orig);

	while (!stop) {
		if (ppoll(&p, 1, NULL, &orig) < 0) {
			if (errno == EINTR)
				continue;
			perror("nfq-null: ppoll");
			return -1;
		}
		if (drain(h, p.fd, st) < 0)
			return -1;
		if (st->batch && flush_batch(st) < 0)
			return -1;
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: nfq-null [-q NUM] [-c BYTES] --per-packet|--batch\n"
		"  -q, --queue NUM   netfilter queue number (default 0)\n"
		"  -c, --copy BYTES  bytes of each packet copied (default 65535)\n"
		"  --per-packet      one NF_ACCEPT verdict per packet\n"
		"  --batch           drain the socket, then one batch verdict\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "queue", required_argument, NULL, 'q' },
		{ "copy", required_argument, NULL, 'c' },
		{ "per-packet", no_argument, NULL, 'p' },
		{ "batch", no_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sigaction sa = { .sa_handler = on_signal };
	struct nfq_null st = { 0 };
	unsigned long queue = 0, copy = COPY_RANGE;
	struct nfq_handle *h;
	int mode = -1, c, ret;
	char *end;

	while ((c = getopt_long(argc, argv, "q:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			errno = 0;
			copy = strtoul(optarg, &end, 0);
			if (errno || *end || end == optarg || !copy ||
			    copy > COPY_RANGE)
				usage();
			break;
		case 'q':
			errno = 0;
			queue = strtoul(optarg, &end, 0);
			if (errno || *end || end == optarg || queue > 65535)
				usage();
			break;
		case 'p':
		case 'b':
			if (mode != -1)
				usage();
			mode = c == 'b';
			break;
		default:
			usage();
		}
	}
	if (optind != argc || mode == -1)
		usage();
	st.batch = mode;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	h = nfq_open();
	if (!h) {
		perror("nfq-null: nfq_open");
		return 1;
	}
	/* A large buffer, so bursts wait in the socket rather than drop. */
	nfnl_rcvbufsiz(nfq_nfnlh(h), RCVBUF);

	st.qh = nfq_create_queue(h, queue, on_packet, &st);
	if (!st.qh) {
		fprintf(stderr, "nfq-null: cannot bind queue %lu: %s\n",
			queue, strerror(errno));
		nfq_close(h);
		return 1;
	}
	if (nfq_set_mode(st.qh, NFQNL_COPY_PACKET, copy) < 0) {
		perror("nfq-null: nfq_set_mode");
		goto fail;
	}
	if (nfq_set_queue_flags(st.qh, NFQA_CFG_F_GSO, NFQA_CFG_F_GSO) < 0) {
		perror("nfq-null: nfq_set_queue_flags");
		goto fail;
	}

	printf("ready\n");
	fflush(stdout);

	ret = run(h, &st) < 0;
	fprintf(stderr,
		"nfq-null: queue %lu, %s: %llu packets, %llu verdicts, %llu ENOBUFS\n",
		queue, st.batch ? "batch" : "per-packet",
		st.packets, st.verdicts, st.enobufs);
	nfq_destroy_queue(st.qh);
	nfq_close(h);
	return ret;

fail:
	nfq_destroy_queue(st.qh);
	nfq_close(h);
	return 1;
}
