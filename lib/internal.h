/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/* libsis internals, shared with its unit tests. */
#ifndef SIS_LIB_INTERNAL_H
#define SIS_LIB_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/filter.h>
#include <sis/sis.h>
#include <sis/scanner.h>

/* sis_nl_open() for any generic netlink family (tests use "nlctrl"). */
int sis_nl_open_family(struct sis_nl **nlp, const char *name, uint8_t version);

/* sis_nl_msg() for a family id, without a socket. */
struct nl_msg *sis_nl_genlmsg(int family, uint8_t version, uint8_t cmd,
			      size_t size);

/*
 * filter.c: compile a pcap-filter(7) expression for Ethernet frames into
 * *len classic BPF instructions at *insns (malloc'ed). NULL or "" match
 * every frame. -EINVAL with the reason in err when it does not compile.
 */
int sis_filter_compile(const char *expr, struct sock_filter **insns,
		       unsigned int *len, char *err, size_t err_len);

/*
 * How a scanner talks to the kernel; the unit tests put a script in place
 * of the socket.
 */
struct sis_scanner_io {
	/* Send one request: 0 or a negative errno. */
	int (*send)(void *ctx, const struct nlmsghdr *nlh);
	/*
	 * Receive one datagram into buf: its whole length (more than len when
	 * it did not fit, and was lost) or a negative errno: -EAGAIN when
	 * !block and nothing is there, -ENOBUFS when the kernel dropped
	 * messages, -EINTR.
	 */
	ssize_t (*recv)(void *ctx, void *buf, size_t len, bool block);
};

/* Receive buffer size at first; it grows when a datagram does not fit. */
#define SIS_SCANNER_RX_SIZE	(256 * 1024)

/* sis_scanner_open(NULL) for any family (tests use "nlctrl"). */
int sis_scanner_open_family(const char *family, struct sis_scanner **scp);

/* A scanner on top of io; sis_scanner_close() frees it. */
struct sis_scanner *sis_scanner_new(int family, const struct sis_scanner_io *io,
				    void *ctx);

/* Put io in place of the scanner's own (its socket stays open). */
void sis_scanner_set_io(struct sis_scanner *sc,
			const struct sis_scanner_io *io, void *ctx);

/*
 * Decode one message of the family: 1 with *ev filled for SIS_CMD_FRAME,
 * SIS_CMD_STREAM and SIS_CMD_DETACHED, 0 for other commands, -EPROTO
 * (reason in err) when it is malformed.
 */
int sis_scanner_parse(const struct nlmsghdr *nlh, int family,
		      struct sis_event *ev, char *err, size_t err_len);

/* Verdicts or stream passes queued and not sent yet. */
unsigned int sis_scanner_queued(const struct sis_scanner *sc);

#endif
