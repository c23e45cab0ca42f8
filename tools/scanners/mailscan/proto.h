/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * The mail protocols as the scanner follows them: SMTP (RFC 5321, with
 * PIPELINING, 8BITMIME, SMTPUTF8; CHUNKING is taken out of the server's
 * EHLO reply), POP3 (RFC 1939, RFC 2449) and IMAP (RFC 9051/3501). One
 * struct mail_conn per TCP connection, fed the bytes of each side in
 * order; it decides, through struct mail_ops, what passes, what is held,
 * cut or injected, and when the connection is killed.
 *
 * Everything that is not a message passes as soon as it is understood
 * (whole lines; a side's bytes wait while their meaning depends on the
 * other side, e.g. the client's bytes after DATA until the server's
 * reply). A message (SMTP DATA after 354; POP3 RETR or TOP after +OK;
 * IMAP FETCH BODY[], BINARY[] or RFC822 literals) is held whole (more),
 * dot-unstuffed, scanned (message.h) and then passed, edited or, for
 * IMAP, killed.
 *
 * Offsets are the side's stream offsets (sis_stream_data.offset).
 */
#ifndef MAILSCAN_PROTO_H
#define MAILSCAN_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "message.h"

enum mail_proto { MAIL_SMTP, MAIL_POP3, MAIL_IMAP };

/* The two sides of a connection: who sends the bytes. */
enum mail_side { MAIL_CLIENT, MAIL_SERVER };

/* --starttls: what to do with STARTTLS (SMTP, IMAP) and STLS (POP3). */
enum mail_tls {
	MAIL_TLS_ALLOW,	/* pass the rest unread, alert once, count */
	MAIL_TLS_STRIP,	/* take it out of the capabilities; a client that asks anyway is killed */
	MAIL_TLS_BLOCK,	/* kill the connection when the client asks */
};

/* What a message that cannot be judged gets (--bad-input). */
enum mail_bad { MAIL_BAD_PASS, MAIL_BAD_KILL };

struct mail_config {
	enum mail_tls tls;
	enum mail_bad bad;
	size_t max_message;		/* --max-message: default 25 MiB */
	size_t max_line;		/* a command or reply line: default 64 KiB */
};

/* An alert: why, and the message it is about (NULL, 0 when none). */
struct mail_alert {
	const char *what;		/* "infected", "starttls", "unparseable", ... */
	const char *text;		/* one line, for people */
	const uint8_t *msg;		/* the original message, dot-unstuffed */
	size_t msg_len;
};

/*
 * What the engine asks of its user (sis_stream_*() calls in main.c, a log
 * in the tests). Calls for one side come in the order the kernel needs:
 * each pass, cut and inject at or past the end of what the side already
 * passed or cut (decided); more for bytes not yet decided.
 */
struct mail_ops {
	void (*pass)(void *ctx, enum mail_side side, uint64_t upto);	/* decide [decided, upto) */
	void (*pass_all)(void *ctx, enum mail_side side);	/* the rest of the side, unread */
	void (*cut)(void *ctx, enum mail_side side, uint64_t off, uint64_t len);
	void (*inject)(void *ctx, enum mail_side side, uint64_t off, enum mail_block block);
	void (*more)(void *ctx, enum mail_side side, uint64_t off, uint64_t len);
	void (*kill)(void *ctx);
	void (*alert)(void *ctx, const struct mail_alert *a);
	/* mail_message_scan(), or a stand-in in tests */
	int (*scan)(void *ctx, const uint8_t *msg, size_t len, struct mail_result *res);
};

/* Counters, summed over connections (main.c prints them on SIGUSR1). */
struct mail_stats {
	uint64_t conns[3];		/* by enum mail_proto */
	uint64_t messages;		/* scanned */
	uint64_t clean;
	uint64_t infected;		/* messages with at least one infected part */
	uint64_t parts_replaced;
	uint64_t parts;			/* leaf parts checked */
	uint64_t unparseable;
	uint64_t scan_errors;
	uint64_t oversize;		/* over --max-message */
	uint64_t bad_passed;		/* bad input passed unjudged (policy pass) */
	uint64_t killed;
	uint64_t tls;			/* STARTTLS/STLS seen */
	uint64_t tls_stripped;
	uint64_t chunking_stripped;
	uint64_t protocol_errors;	/* lines over max_line, BDAT, junk */
	uint64_t bytes_held;		/* message bytes held */
};

struct mail_conn;

struct mail_conn *mail_conn_new(enum mail_proto proto, const struct mail_config *cfg,
				const struct mail_ops *ops, void *ctx,
				struct mail_stats *stats);

/*
 * mail_conn_data - the next bytes of a side, at offset (the side's bytes
 * so far: data events in order). Returns 0, or -EPROTO when the data does
 * not follow (the connection is then killed or passed by cfg->bad).
 */
int mail_conn_data(struct mail_conn *c, enum mail_side side, uint64_t offset,
		   const uint8_t *data, size_t len);

/* A side ended (fin, rst, limit, ...): what it held and never finished gets cfg->bad. */
void mail_conn_end(struct mail_conn *c, enum mail_side side, bool limit);

/* True once both sides are done with (passed whole, ended or killed). */
bool mail_conn_done(const struct mail_conn *c);

void mail_conn_free(struct mail_conn *c);

#endif /* MAILSCAN_PROTO_H */
