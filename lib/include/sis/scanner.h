/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * libsis scanner API: the unprivileged side of SIS, as socket calls.
 *
 * NAME
 *	sis_scanner_open, sis_scanner_attach, sis_scanner_fd, sis_subscribe,
 *	sis_unsubscribe, sis_read, sis_read_extack, sis_pass, sis_cut,
 *	sis_stream_pass, sis_stream_cut, sis_stream_inject, sis_stream_more,
 *	sis_stream_kill, sis_flush, sis_inject, sis_alert, sis_alert_attach,
 *	sis_scanner_close - write a SIS scanner process
 *
 * SYNOPSIS
 *	#include <sis/scanner.h>
 *
 *	cc ... $(pkg-config --cflags --libs libsis)
 *
 * DESCRIPTION
 *	The administrator declares a scanner on a SIS bridge (sisctl): its
 *	name, the user it runs as and a table of capabilities, each naming the
 *	frames it may read, or read and contain. A process running as that
 *	user opens the scanner with sis_scanner_open(), subscribes under its
 *	capabilities with sis_subscribe(), and reads frames with sis_read().
 *	A frame delivered with held set waits in the kernel until the scanner
 *	passes it (sis_pass) or cuts it (sis_cut), or until the scanner's
 *	timeout gives it the fail policy. Closing the scanner, or the process
 *	exiting, releases every frame it holds the same way.
 *
 *	A capability may also cover TCP connections instead of frames (a
 *	stream capability). A subscription under it delivers each new
 *	connection it covers (SIS_EVENT_CONN_OPEN), the bytes of each
 *	direction it covers reassembled and in order (SIS_EVENT_STREAM_DATA),
 *	and the end of each direction (SIS_EVENT_CONN_END). With contain
 *	rights the bytes wait in the kernel until the scanner passes them
 *	(sis_stream_pass) by their offset in the stream; it may instead cut
 *	them (sis_stream_cut), put a block the administrator registered
 *	before them (sis_stream_inject), ask for more before deciding
 *	(sis_stream_more) or reset the connection (sis_stream_kill): the
 *	paper's active changes. The kernel renumbers the rest of the
 *	connection for both ends, so that each reads what the scanners
 *	decided.
 *
 *	Verdicts and stream decisions are batched: sis_pass(), sis_cut() and
 *	the sis_stream_*() calls only queue them. The batch is sent when it is full
 *	(SIS_VERDICTS_MAX verdicts, SIS_PASSES_MAX passes), by sis_flush(),
 *	before sis_read() would block or return -EAGAIN, before any other
 *	request (so the kernel sees requests in program order) and by
 *	sis_scanner_close(). A pass queued after verdicts first sends the
 *	verdicts, and a verdict queued after passes the passes: the kernel
 *	gets both in the order they were queued.
 *
 *	A scanner is one netlink socket. Frames arrive on it in datagrams of
 *	many frames; sis_read() hands them out one at a time. Frames that
 *	arrive while a request waits for its answer are kept and returned by
 *	later sis_read() calls, in order. Hence the event loop for poll(2) or
 *	epoll(7): call sis_read() with SIS_READ_NONBLOCK until it returns
 *	-EAGAIN, and only then wait for sis_scanner_fd() to become readable.
 *	Waiting while sis_read() still has events to hand out could wait
 *	forever.
 *
 *	A scanner handle must be used by one thread at a time.
 *
 * RETURN VALUE
 *	Functions returning int return 0 (or a non-negative value) on success
 *	and a negative errno on failure. Functions taking extack and
 *	extack_len copy the kernel's extended ack message into extack (at most
 *	extack_len bytes with the NUL; SIS_EXTACK_MAX is enough): the reason
 *	for a failure, or a warning on success. It is the empty string when
 *	there is none. The library writes its own reasons there too (for
 *	example a filter that does not compile). extack may be NULL.
 *
 *	A request that waits for the kernel's answer fails with -ENOBUFS if
 *	the answer was dropped because the receive buffer was full of
 *	frames: whether the request took effect is then unknown. Frames that
 *	were lost with it are reported by sis_read() (SIS_EVENT_LOST).
 *
 * SEE ALSO
 *	uapi/linux/sis.h for the protocol, Documentation/scanner-api.md,
 *	tools/scanners/ for examples.
 */
#ifndef SIS_SCANNER_H
#define SIS_SCANNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sis/sis.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sis_scanner;

/*
 * sis_scanner_open - open a scanner socket and attach it as scanner name
 *
 *	Opens a generic netlink socket, resolves the "sis" family, asks for
 *	the largest receive buffer the process may have (SO_RCVBUFFORCE if
 *	privileged, else SO_RCVBUF up to net.core.rmem_max) and attaches it as
 *	the scanner called name (SIS_CMD_SCANNER_ATTACH). On success *scp is
 *	the new scanner.
 *
 *	name may be NULL: the socket is opened but not attached, and every
 *	request fails with -ENOTCONN until sis_scanner_attach() succeeds.
 *
 *	Errors: -ENOENT (no "sis" family: module not loaded; or no scanner
 *	called name), -EPERM (the process, or the opener of the socket, does
 *	not run as the scanner's user), -EBUSY (another socket is attached as
 *	that scanner), -EINVAL (name too long), -ENOMEM, and socket errors.
 */
int sis_scanner_open(const char *name, struct sis_scanner **scp,
		     char *extack, size_t extack_len);

/*
 * sis_scanner_attach - attach an open scanner socket as scanner name
 *
 *	For a socket opened with a NULL name, or one whose scanner was deleted
 *	(SIS_EVENT_DETACHED). Errors as sis_scanner_open().
 */
int sis_scanner_attach(struct sis_scanner *sc, const char *name,
		       char *extack, size_t extack_len);

/*
 * sis_scanner_fd - the socket, for poll(2), epoll(7) or select(2)
 *
 *	Read from it only through sis_read(). Options may be set on it, e.g. a
 *	smaller SO_RCVBUF.
 */
int sis_scanner_fd(const struct sis_scanner *sc);

/*
 * sis_subscribe - receive the frames of a capability that match a filter
 *
 *	cap names a capability of the scanner, rights is SIS_RIGHT_READ
 *	(copies) or SIS_RIGHT_READ | SIS_RIGHT_CONTAIN (the frames are also
 *	held until a verdict), within the capability's rights. filter is a
 *	pcap-filter(7) expression for Ethernet frames, compiled here with
 *	libpcap; NULL or "" means every frame of the capability. A frame is
 *	delivered when both the capability's and the subscription's filters
 *	match it. snaplen bounds the bytes of each frame delivered (0: the
 *	whole frame; frame.len always gives the real length).
 *
 *	Under a stream capability the same call subscribes to connections:
 *	filter (still for Ethernet frames) must match a connection's first
 *	SYN, as the capability's own filter and port lists must, for the
 *	connection to be delivered. snaplen is ignored: stream data always
 *	comes whole. SIS_RIGHT_CONTAIN makes the bytes of the directions the
 *	capability covers wait for sis_stream_pass().
 *
 *	On success *id (may be NULL) is the subscription's id, which frames
 *	carry in frame.sub.
 *
 *	Errors: -EINVAL (the filter does not compile: extack says why),
 *	-ENOENT (no such capability), -EPERM (rights beyond the
 *	capability's), -ENOSPC (SIS_MAX_SUBS), -ENOTCONN (not attached).
 */
int sis_subscribe(struct sis_scanner *sc, const char *cap, unsigned int rights,
		  const char *filter, uint32_t snaplen, uint32_t *id,
		  char *extack, size_t extack_len);

/*
 * sis_unsubscribe - end a subscription
 *
 *	Frames already delivered under it stay held until decided.
 *	Errors: -ENOENT (no such subscription), -ENOTCONN.
 */
int sis_unsubscribe(struct sis_scanner *sc, uint32_t id,
		    char *extack, size_t extack_len);

/* What sis_read() returns. */
enum sis_event_type {
	SIS_EVENT_FRAME = 1,	/* a frame: see frame */
	SIS_EVENT_LOST,		/* the receive buffer overflowed: frames lost */
	SIS_EVENT_DETACHED,	/* the scanner was deleted: nothing more comes */
	SIS_EVENT_CONN_OPEN,	/* a connection a stream subscription covers: see conn */
	SIS_EVENT_STREAM_DATA,	/* bytes of one direction, in order: see data */
	SIS_EVENT_CONN_END,	/* one direction (or both) ended: see end */
};

struct sis_frame {
	uint64_t num;		/* frame number, 1, 2, ...: sis_pass(), sis_cut() */
	uint32_t sub;		/* the subscription it matched */
	uint32_t len;		/* its length, Ethernet header included */
	uint32_t caplen;	/* bytes at data: len, or less by the snaplen */
	uint8_t dir;		/* SIS_DIR_IN (to the host) or SIS_DIR_OUT */
	bool held;		/* waits for this scanner's verdict */
	const uint8_t *data;	/* from the Ethernet header, until the next sis_read */
};

/*
 * A TCP connection, delivered once per scanner when its handshake
 * completes. Its id names it in the events that follow and in
 * sis_stream_pass(); ids are never reused in a network namespace.
 */
struct sis_conn {
	uint64_t id;
	uint32_t sub;			/* the subscription it matched */
	int family;			/* AF_INET or AF_INET6 */
	uint8_t host_addr[16];		/* 4 bytes used for AF_INET */
	uint8_t net_addr[16];
	uint16_t host_port, net_port;	/* host byte order */
	uint8_t initiator;		/* SIS_DIR_OUT: the host opened it */
	uint8_t dirs;			/* the directions the subscription covers */
};

/*
 * Bytes of one direction of a connection. Each direction is a stream of
 * its own: its events follow each other in order and without gaps (offset
 * is the previous event's offset + len), unless events were lost
 * (SIS_EVENT_LOST).
 */
struct sis_stream_data {
	uint64_t conn;			/* sis_conn.id */
	uint32_t sub;
	uint8_t dir;			/* SIS_DIR_IN (to the host) or SIS_DIR_OUT */
	bool held;			/* waits for this scanner's sis_stream_pass() */
	uint64_t offset;		/* of data[0]; 0 = the first byte after the SYN */
	uint32_t len;			/* at most SIS_FRAME_DATA_MAX */
	const uint8_t *data;		/* valid until the next sis_read() */
};

/*
 * The end of one direction, or of both (dir SIS_DIR_ANY). After both
 * directions ended, nothing more comes for the connection. Bytes
 * delivered held before the end are passed as usual (a pass for a
 * connection that is gone is ignored).
 */
struct sis_conn_end {
	uint64_t conn;
	uint32_t sub;
	uint8_t dir;			/* SIS_DIR_IN, SIS_DIR_OUT or SIS_DIR_ANY (both) */
	uint8_t reason;			/* enum sis_stream_end (other values may come) */
};

struct sis_event {
	enum sis_event_type type;
	struct sis_frame frame;	/* SIS_EVENT_FRAME only */
	struct sis_conn conn;	/* SIS_EVENT_CONN_OPEN only */
	struct sis_stream_data data;	/* SIS_EVENT_STREAM_DATA only */
	struct sis_conn_end end;	/* SIS_EVENT_CONN_END only */
};

/* sis_read() flags */
#define SIS_READ_NONBLOCK	0x1

/*
 * sis_read - the next frame or event
 *
 *	Fills *ev and returns 0. Without SIS_READ_NONBLOCK it waits for one,
 *	or until the socket's SO_RCVTIMEO (if set on sis_scanner_fd()) runs
 *	out, then returns -EAGAIN: a timer for a blocking event loop. With
 *	SIS_READ_NONBLOCK it returns -EAGAIN when none is pending. In both cases the
 *	queued verdicts and passes are sent first when there is nothing to
 *	hand out. frame.data and data.data stay valid until the next
 *	sis_read() on sc, whatever other calls come in between. The members
 *	of *ev that do not belong to its type are zeroed.
 *
 *	Frames and stream events come in the order the kernel delivered
 *	them, mixed when the scanner has both kinds of subscription.
 *
 *	SIS_EVENT_LOST: the kernel could not deliver frames because the
 *	receive buffer was full; held ones got the fail policy. Stream events
 *	may have been lost too: a direction's next data may not follow the
 *	last one handed out. Reading goes on normally. SIS_EVENT_DETACHED:
 *	the scanner was deleted (or its bridge detached); later calls return
 *	-ENOTCONN unless the socket is attached again.
 *
 *	Errors (each returned once; reading can go on): -EAGAIN, -EINTR (a
 *	signal with a handler installed without SA_RESTART arrived while
 *	waiting), -EPROTO (a malformed message was
 *	skipped), -ENOTCONN (after SIS_EVENT_DETACHED), the error of a
 *	verdict request the kernel refused (usually -EINVAL; see
 *	sis_read_extack()) or of sending the queued verdicts, and -EINVAL
 *	for unknown flags.
 */
int sis_read(struct sis_scanner *sc, struct sis_event *ev, int flags);

/*
 * sis_read_extack - why the last sis_read() failed
 *
 *	The kernel's message for a refused verdict request, or the library's
 *	for a malformed message; "" when there is none. Valid until the next
 *	sis_read().
 */
const char *sis_read_extack(const struct sis_scanner *sc);

/*
 * sis_pass, sis_cut - give a held frame its verdict
 *
 *	num is frame.num of a held frame. The verdict is queued (see
 *	DESCRIPTION) and 0 returned. When the queue is full and sending it
 *	fails, the verdict is not queued and the error is returned; a send
 *	that fails after queueing is retried, and reported, by the next call
 *	that sends. Verdicts for frames no longer held (decided, timed out)
 *	are counted by the kernel as stale and ignored.
 *
 *	Errors: -EINVAL (no frame with this number was handed out), -EPERM
 *	(the frame was handed out read-only), and send errors. These
 *	verdicts are refused here because the kernel would refuse the whole
 *	batch holding them.
 */
int sis_pass(struct sis_scanner *sc, uint64_t num);
int sis_cut(struct sis_scanner *sc, uint64_t num);

/*
 * sis_stream_pass - let bytes of a held stream go on
 *
 *	Passes bytes [offset, offset + len) of direction dir (SIS_DIR_IN or
 *	SIS_DIR_OUT) of connection conn: a segment waits in the kernel until
 *	every scanner containing its bytes passed all of them. Passes must
 *	continue the bytes already passed (offset at most their end) and
 *	cover only bytes delivered. len SIS_PASS_ALL passes the rest of the
 *	direction, delivered or not: the scanner gets no more of it. A len
 *	of 0 passes nothing and is not sent.
 *
 *	The pass is queued with the verdicts (see DESCRIPTION; sent as
 *	SIS_CMD_STREAM_PASS, SIS_PASSES_MAX at most per request) and 0
 *	returned. When sending the queue fails, the pass is not queued and
 *	the error is returned, as for sis_pass(). The kernel refuses a whole
 *	request one of whose passes breaks the rules above (-EINVAL) or names
 *	a direction the scanner only reads (-EPERM), and says so through
 *	sis_read(). Passes for a connection that is gone, or for bytes already
 *	passed, are ignored.
 *
 *	Errors: -EINVAL (dir is not SIS_DIR_IN or SIS_DIR_OUT, or offset +
 *	len overflows), and send errors.
 */
int sis_stream_pass(struct sis_scanner *sc, uint64_t conn, uint8_t dir,
		    uint64_t offset, uint64_t len);

/*
 * sis_stream_cut - remove held bytes from a stream
 *
 *	Cuts bytes [offset, offset + len) of direction dir of connection
 *	conn: the receiver never gets them, and the connection goes on (the
 *	kernel renumbers the rest, and acknowledges the cut bytes to the
 *	sender). A cut is a decision, as a pass is: it must start where the
 *	scanner's decided bytes (passed or cut) end, and cover only bytes
 *	delivered; the bytes it covers count as decided. Offsets are always
 *	the sender's, as in the data events, whatever was cut or injected
 *	before. A len of 0 cuts nothing and is not sent.
 *
 *	Queued with the passes and sent as they are (sis_stream_pass()).
 *	The kernel refuses the whole request (through sis_read()) with
 *	-EINVAL when a cut breaks the rules above, -EPERM on a direction the
 *	scanner only reads, -EOPNOTSUPP on a connection using TCP-MD5,
 *	TCP-AO or MPTCP, and -ENOSPC past SIS_EDITS_MAX edits of a
 *	direction. Past its capability's max-cuts the connection is killed
 *	instead, and the administrator alerted.
 *
 *	Errors: -EINVAL (dir is not SIS_DIR_IN or SIS_DIR_OUT, len is
 *	SIS_PASS_ALL, or offset + len overflows), and send errors.
 */
int sis_stream_cut(struct sis_scanner *sc, uint64_t conn, uint8_t dir,
		   uint64_t offset, uint64_t len);

/*
 * sis_stream_inject - put a registered block into a stream
 *
 *	Puts the stream injection id the administrator registered for this
 *	scanner (sisctl inject add SCANNER ID FILE stream) whole into
 *	direction dir of connection conn, just before byte offset, which
 *	must be delivered and not yet decided by the scanner. To replace
 *	bytes, inject at their offset, then cut them. The kernel sends the
 *	block, and again with every retransmission of that byte, until the
 *	receiver has it. Queued and refused as sis_stream_cut(); also
 *	-ENOENT (no such injection), -EINVAL (a frame injection) and -EPERM
 *	(not registered for that direction).
 *
 *	Errors: -EINVAL (bad dir), and send errors.
 */
int sis_stream_inject(struct sis_scanner *sc, uint64_t conn, uint8_t dir,
		      uint64_t offset, uint32_t id);

/*
 * sis_stream_more - ask for more of a stream before deciding
 *
 *	Tells the kernel the scanner needs bytes up to offset + len of
 *	direction dir before it can decide: the window the receiver
 *	advertises to the sender is opened so that they can come and, when
 *	the sender has no room left but what is held, the kernel takes
 *	custody of the held bytes (acknowledges them to the sender itself,
 *	delivers them later), within the connection's bounds (sisctl set
 *	... conn-bytes). Past them the scanner's fail policy applies.
 *	Queued as a pass.
 *
 *	Errors: -EINVAL (bad dir, len 0 or SIS_PASS_ALL, or offset + len
 *	overflows), and send errors.
 */
int sis_stream_more(struct sis_scanner *sc, uint64_t conn, uint8_t dir,
		    uint64_t offset, uint64_t len);

/*
 * sis_stream_kill - reset a connection
 *
 *	Sends an RST to both ends of connection conn, each at the sequence
 *	number it expects, and drops what is held; every scanner watching
 *	it gets SIS_EVENT_CONN_END with reason SIS_STREAM_END_KILLED. dir
 *	is a direction the scanner contains (-EPERM otherwise, through
 *	sis_read()). Queued as a pass.
 *
 *	Errors: -EINVAL (bad dir), and send errors.
 */
int sis_stream_kill(struct sis_scanner *sc, uint64_t conn, uint8_t dir);

/*
 * sis_flush - send the queued verdicts and passes now
 *
 *	One SIS_CMD_VERDICT or SIS_CMD_STREAM_PASS request, without an ack:
 *	a refusal comes back through sis_read(). Returns 0 when nothing was
 *	queued. On failure the queue is kept.
 */
int sis_flush(struct sis_scanner *sc);

/*
 * sis_inject - send a frame the administrator registered for this scanner
 *
 *	id is the registration's id, dir SIS_DIR_IN (out of the host port) or
 *	SIS_DIR_OUT (out of the network port). Errors: -ENOENT (no such id),
 *	-EPERM (direction not allowed), -ENETDOWN, -ENOTCONN.
 */
int sis_inject(struct sis_scanner *sc, uint32_t id, uint8_t dir,
	       char *extack, size_t extack_len);

/*
 * sis_alert - raise an alert to the administrator's monitors
 *
 *	msg is 1..SIS_ALERT_MSG_MAX bytes, usually text (a NUL is not
 *	needed). frame_num, if not 0, attaches a frame the scanner holds:
 *	send the alert before the frame's verdict. An alert over the rate
 *	limit succeeds but is dropped by the kernel. Errors: -ENOENT (frame
 *	not held), -EINVAL (message empty or too long), -ENOTCONN.
 */
int sis_alert(struct sis_scanner *sc, const void *msg, size_t len,
	      uint64_t frame_num, char *extack, size_t extack_len);

/*
 * sis_alert_attach - raise an alert with an attachment (a message, a file)
 *
 *	msg is the alert's message, as for sis_alert(); data is the
 *	attachment, 1..SIS_ALERT_ATTACH_MAX bytes, which the administrator's
 *	monitors receive whole (sisctl monitor --save writes it to a file).
 *	The alert announces data_len; the kernel answers with the
 *	attachment's id, and the bytes follow in pieces of at most
 *	SIS_ALERT_PIECE_MAX (SIS_CMD_ALERT_DATA), each waiting for its ack:
 *	the call returns once all are taken. Attachments are bounded by a
 *	byte budget per scanner (SIS_ALERT_ATTACH_BUDGET every
 *	SIS_ALERT_ATTACH_PERIOD seconds, taken whole when the alert is
 *	sent); alerts by the alert rate, as for sis_alert().
 *
 *	Returns 0 when the alert and all of the attachment were sent, 1 when
 *	the alert went without its attachment (over the byte budget) or not
 *	at all (over the alert rate), a negative errno on failure: -EINVAL
 *	(message or attachment empty or too long), -ENOTCONN, -ENOBUFS (an
 *	answer lost, see above), a refused piece's errno (its reason in
 *	extack) and send errors. After a failure midway the attachment stays
 *	incomplete: monitors never save it, and discard what they received
 *	of it when the scanner announces its next attachment.
 */
int sis_alert_attach(struct sis_scanner *sc, const void *msg, size_t len,
		     const void *data, size_t data_len,
		     char *extack, size_t extack_len);

/*
 * sis_scanner_close - send the queued verdicts and passes, close the scanner
 *
 *	The kernel releases the frames and bytes still held (fail policy)
 *	and ends the subscriptions. sc may be NULL.
 */
void sis_scanner_close(struct sis_scanner *sc);

#ifdef __cplusplus
}
#endif

#endif /* SIS_SCANNER_H */
