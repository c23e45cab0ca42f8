/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * A libsis scanner's insides, shared by the files that make it up:
 * scanner.c (the scanner and its socket), event.c (kernel messages parsed
 * into events), verdict.c (verdicts and passes, batched), rx.c (what
 * sis_read() hands out), request.c (requests and their answers).
 */
#ifndef SIS_LIB_SCANNER_PRIV_H
#define SIS_LIB_SCANNER_PRIV_H

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

/* scanner.c */
void sis_scn_set_msg(char *buf, size_t len, const char *text);
int sis_scn_buf_reserve(struct buf *b, size_t size);

/* event.c */
int sis_scn_malformed(char *err, size_t err_len, const char *what);

/* verdict.c */
int sis_scn_send_msg(struct sis_scanner *sc, struct nlmsghdr *nlh, int flags);
void sis_scn_frame_seen(struct sis_scanner *sc, const struct sis_frame *f);

/* rx.c */
int sis_scn_rx_datagram(struct sis_scanner *sc, struct buf *b, bool block);
void sis_scn_queue_msg(struct sis_scanner *sc, const struct nlmsghdr *nlh);
void sis_scn_queue_lost(struct sis_scanner *sc);

/* request.c */
int sis_scn_check_name(const char *name, const char *what,
		       char *extack, size_t extack_len);

#endif /* SIS_LIB_SCANNER_PRIV_H */
