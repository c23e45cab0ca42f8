// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * The mail protocol engine (proto.h): each side of a connection is a
 * buffer of its undecided bytes, read line by line (or, in a message, byte
 * by byte) from a parse position. What is understood and is not a message
 * is passed at once; a message is held whole, scanned, then passed or
 * edited; anything the engine cannot follow gets the bad-input policy.
 *
 * What is assumed of each protocol, always siding with the receiver of
 * the bytes in question, and killing where receivers differ:
 *
 * SMTP. Commands end at LF (a CR before it is dropped), as Postfix and
 * most servers accept; their verbs are read as the most liberal server
 * reads them (leading and trailing whitespace, CR, VT and FF too, stripped).
 * A command line over CMD_MAX bytes (AUTH_LINE_MAX for AUTH) is killed:
 * Exim reads a long one as two commands. Replies answer commands in order
 * (PIPELINING); a reply with no command pending, or a 354 to anything but
 * DATA, is killed (the server is not where the engine is). The client's
 * bytes after any command not on the RFC 2920 list of those that may be
 * pipelined (MAIL, RCPT, RSET, NOOP, VRFY, EXPN, HELP: so after DATA,
 * AUTH, STARTTLS, EHLO and any line the engine does not know) wait for
 * its reply. A message ends at CRLF "." CRLF only; a "." line that
 * touches a bare LF (LF ".", or "." LF) is read differently by different
 * servers (SMTP smuggling), so the connection is killed.
 * A multi-line reply whose lines disagree on the code is killed too (some
 * clients take the first line's code, some the last). The reply to AUTH
 * may be 334: the client's next line is then its answer, not a command;
 * any other reply ends AUTH.
 *
 * POP3. The same line rules (and command line limit); responses answer
 * commands in order (RFC 2449 PIPELINING); a response with no command
 * pending waits, since the client reads it as its next command's. The
 * client's bytes after AUTH and STLS wait for the response. +OK (as a
 * prefix, as clients test it) and "-" decide; a response to a command
 * that may be multi-line (RETR, TOP, CAPA, LIST and UIDL without
 * argument, AUTH without argument) that is neither is killed. The "." line of a multi-line response must be CRLF-delimited on
 * both sides, or the connection is killed.
 *
 * IMAP. Lines end at CRLF; the server's bare LF is killed (a client might
 * not end the line there, and so read a literal the engine did not see).
 * Literals ({N}, ~{N}; the client's {N+}) are followed by count. A
 * client's synchronizing literal waits for the server's "+" (the literal
 * follows) or the command's tagged response (it does not). A server
 * literal whose length clients cannot all read alike (19 significant
 * digits or more, over 2^31-1) is killed, and so is a FETCH literal over
 * max_message that is not scanned. Which FETCH literals are messages: the
 * server names the items, so while a FETCH or UID FETCH that asked for a
 * whole message (BODY[], BODY.PEEK[], BINARY[], BINARY.PEEK[], RFC822) is
 * outstanding (up to its tagged response), every FETCH literal is scanned
 * as a message; otherwise those the server labels BODY[], BINARY[] or
 * RFC822.
 *
 * Left unscanned by design: IMAP partial fetches (BODY[]<0>) and sections
 * (BODY[1], BODY[TEXT], BODY[HEADER], RFC822.TEXT, BINARY[1], ...) when no
 * FETCH for a whole message is outstanding, whose pieces a client may put
 * together; IMAP literals of FETCH responses the client did not ask for
 * (unsolicited, before its command was seen) labelled as sections; IMAP
 * APPEND literals (client to server); a message sent as an IMAP quoted
 * string; anything after STARTTLS, STLS or COMPRESS when they are allowed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "proto.h"

#define QUEUE_MAX	1024	/* pipelined commands awaiting their reply */
#define MORE_MARGIN	64	/* more than max_message: the end line and some slack */
#define TEXT_MAX	512	/* an alert's text */
#define TAG_MAX		64	/* an IMAP tag we remember */
#define WHOLE_MAX	32	/* IMAP FETCH commands for whole messages we remember */
/*
 * An SMTP or POP3 client command line, without its line end: RFC 5321 says
 * 512, servers take more, and Exim reads a line over 16384 bytes as two
 * commands. Under every server's split point, so that one line is one
 * command for all of them. AUTH lines (the command and the answers to its
 * challenges) may be 12288 bytes (RFC 4954).
 */
#define CMD_MAX		2048
#define AUTH_LINE_MAX	12288

enum side_mode {
	MODE_LINES,	/* commands or replies, line by line */
	MODE_WAIT,	/* the bytes wait for the other side's answer */
	MODE_DOTMSG,	/* a dot-stuffed message, held until its end */
	MODE_DOTSKIP,	/* a dot-stuffed message passed unjudged as it comes */
	MODE_MULTI,	/* a POP3 multi-line response that is not a message */
	MODE_LITERAL,	/* an IMAP literal passed unread as it comes */
	MODE_LITMSG,	/* an IMAP literal that is a whole message, held */
	MODE_DONE,	/* nothing more is decided on this side */
};

/* Where a dot-stuffed message's end automaton is (dot_scan()). */
enum dot_state {
	DS_LS,		/* at a line start after CRLF (or the message's start) */
	DS_LS_BARE,	/* at a line start after a bare LF */
	DS_DOT,		/* "." at a line start */
	DS_DOT_CR,	/* ".\r" at a line start */
	DS_DOT_CRS,	/* ".\r\r", more CRs maybe, at a line start */
	DS_MID,		/* in a line */
	DS_CR,		/* a CR in a line */
};

/* What a pending SMTP or POP3 command expects as its answer. */
enum cmd_kind {
	CMD_GREETING,	/* the server's first reply */
	CMD_OTHER,	/* one reply (SMTP) or one status line (POP3) */
	CMD_EHLO,	/* SMTP: the capabilities, filtered */
	CMD_DATA,	/* SMTP: 354 starts the message */
	CMD_DOT,	/* SMTP: the reply to the message */
	CMD_TLS,	/* STARTTLS, STLS */
	CMD_AUTH,	/* 334 (SMTP) or "+" (POP3) asks the client for a line */
	CMD_MESSAGE,	/* POP3 RETR, TOP: +OK and a message */
	CMD_MULTI,	/* POP3 LIST, UIDL (no argument), AUTH (none): +OK and lines */
	CMD_CAPA,	/* POP3 CAPA: +OK and capabilities, filtered */
};

struct side {
	uint8_t *buf;		/* bytes [base, end) */
	size_t cap;
	uint64_t base;		/* offset of buf[0]: moved up to decided on append */
	uint64_t decided;	/* passed or cut */
	uint64_t end;		/* given */
	uint64_t pos;		/* read up to */
	enum side_mode mode;
	bool ended;
	bool bare_lf;		/* the last line read ended in a bare LF */
	bool cont;		/* IMAP: the next line continues a command or response */
	uint64_t msg_start;	/* the held message's first byte */
	uint64_t lit_left;	/* an IMAP literal's bytes still to come */
	enum dot_state dot;
	size_t dot_lines;	/* lines of the message that start with a dot, its end's too */
};

/* A line at a side's parse position. */
struct line {
	uint64_t off;
	const uint8_t *p;
	size_t len;		/* without the line end */
	size_t size;		/* with it */
	bool bare_lf;
};

struct mail_conn {
	enum mail_proto proto;
	struct mail_config cfg;
	const struct mail_ops *ops;
	void *ctx;
	struct mail_stats *stats;
	struct side side[2];
	bool over;		/* killed, passed whole or ended: nothing more issued */
	bool tls_alerted;

	/* SMTP, POP3: pending commands, in the order they were sent */
	uint8_t queue[QUEUE_MAX];
	unsigned int qhead, qlen;
	bool auth_cont;		/* the client's next line answers a challenge */
	int reply_code;		/* SMTP: of the multi-line reply in progress, or 0 */
	bool multi_capa;	/* POP3: the multi-line response is CAPA's */

	/* IMAP */
	enum { IW_NONE, IW_TLS, IW_LITERAL } imap_wait;	/* why the client waits */
	char client_tag[TAG_MAX];	/* of the command in progress */
	char wait_tag[TAG_MAX];		/* whose tagged response ends the wait */
	uint64_t wait_lit;		/* the synchronizing literal's length */
	bool resp_fetch;		/* the response in progress is an untagged FETCH */
	bool client_fetch;		/* the command in progress is FETCH or UID FETCH */
	/* the tags of FETCH commands for whole messages not answered yet */
	char whole_tags[WHOLE_MAX][TAG_MAX];
	unsigned int nwhole;
	bool whole_always;		/* more than WHOLE_MAX: for the rest of the connection */
};

static const uint8_t *side_at(const struct side *s, uint64_t off)
{
	static const uint8_t none[1];

	/* nothing given yet: an empty buffer, not NULL + 0 */
	return s->buf ? s->buf + (off - s->base) : none;
}

/* ---- decisions: every call to ops goes through here ---- */

static void decide_pass(struct mail_conn *c, enum mail_side sd, uint64_t upto)
{
	struct side *s = &c->side[sd];

	if (c->over || upto <= s->decided)
		return;
	c->ops->pass(c->ctx, sd, upto);
	s->decided = upto;
}

static void decide_cut(struct mail_conn *c, enum mail_side sd, uint64_t off,
		       uint64_t len)
{
	decide_pass(c, sd, off);
	if (c->over || !len)
		return;
	c->ops->cut(c->ctx, sd, off, len);
	c->side[sd].decided = off + len;
}

static void decide_inject(struct mail_conn *c, enum mail_side sd, uint64_t off,
			  enum mail_block block)
{
	decide_pass(c, sd, off);
	if (!c->over)
		c->ops->inject(c->ctx, sd, off, block);
}

static void vtext(char *text, const char *fmt, va_list ap)
{
	vsnprintf(text, TEXT_MAX, fmt, ap);
}

static void alert_text(struct mail_conn *c, const char *what, const uint8_t *msg,
		       size_t len, const char *text)
{
	struct mail_alert a = {
		.what = what, .text = text, .msg = msg, .msg_len = msg ? len : 0,
	};

	c->ops->alert(c->ctx, &a);
}

static void conn_kill(struct mail_conn *c)
{
	if (c->over)
		return;
	c->ops->kill(c->ctx);
	c->stats->killed++;
	c->over = true;
}

/* The rest of both sides, unread: after TLS, or after input the engine lost. */
static void conn_pass_all(struct mail_conn *c)
{
	if (c->over)
		return;
	for (int sd = MAIL_CLIENT; sd <= MAIL_SERVER; sd++)
		c->ops->pass_all(c->ctx, sd);
	c->over = true;
}

/*
 * Input that cannot be judged: count it, alert, and kill or let it pass
 * by cfg->bad. Returns true when the caller is to pass it.
 */
static bool __attribute__((format(printf, 6, 7)))
bad_input(struct mail_conn *c, const char *what, uint64_t *counter,
	  const uint8_t *msg, size_t len, const char *fmt, ...)
{
	char text[TEXT_MAX];
	va_list ap;
	bool pass = c->cfg.bad == MAIL_BAD_PASS;

	va_start(ap, fmt);
	vtext(text, fmt, ap);
	va_end(ap);
	(*counter)++;
	strncat(text, pass ? " (passed)" : " (killed)", sizeof(text) - strlen(text) - 1);
	alert_text(c, what, msg, len, text);
	if (pass)
		c->stats->bad_passed++;
	else
		conn_kill(c);
	return pass;
}

/* The engine lost track of the protocol: the rest is killed or passed. */
static void __attribute__((format(printf, 2, 3)))
protocol_error(struct mail_conn *c, const char *fmt, ...)
{
	char text[TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vtext(text, fmt, ap);
	va_end(ap);
	if (bad_input(c, "protocol", &c->stats->protocol_errors, NULL, 0, "%s", text))
		conn_pass_all(c);
}

/*
 * The two ends would read the bytes differently, one of them possibly as a
 * message the engine did not judge: always killed, whatever cfg->bad.
 */
static void __attribute__((format(printf, 2, 3)))
ambiguous(struct mail_conn *c, const char *fmt, ...)
{
	char text[TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vtext(text, fmt, ap);
	va_end(ap);
	c->stats->protocol_errors++;
	alert_text(c, "ambiguous", NULL, 0, text);
	conn_kill(c);
}

/* ---- lines ---- */

/* What servers strip around a command and split its words at (isspace()). */
static bool is_cmd_space(uint8_t ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f' ||
	       ch == '\n';
}

static bool is_space(uint8_t ch)
{
	return ch == ' ' || ch == '\t';
}

/* An SMTP or POP3 command's verb: its first word, leading whitespace skipped. */
static const uint8_t *cmd_verb(const uint8_t *p, size_t len, size_t *n)
{
	size_t i = 0;

	while (i < len && is_cmd_space(p[i]))
		i++;
	*n = 0;
	while (i + *n < len && !is_cmd_space(p[i + *n]))
		(*n)++;
	return p + i;
}

/* The longest client command line at p (size bytes so far, maybe partial). */
static size_t cmd_max(const struct mail_conn *c, const uint8_t *p, size_t size)
{
	size_t n;
	const uint8_t *v = cmd_verb(p, size, &n);

	if (c->auth_cont || (n == 4 && !strncasecmp((const char *)v, "AUTH", 4)) ||
	    (v + n == p + size && n < 4 && !strncasecmp((const char *)v, "AUTH", n)))
		return AUTH_LINE_MAX;
	return CMD_MAX;
}

/*
 * The line at sd's parse position: 1 when whole, 0 when not yet, -1 when
 * over max_line (the connection then had the protocol-error policy).
 */
static int line_get(struct mail_conn *c, enum mail_side sd, struct line *l)
{
	struct side *s = &c->side[sd];
	const uint8_t *p = side_at(s, s->pos);
	size_t avail = s->end - s->pos;
	const uint8_t *lf = memchr(p, '\n', avail);
	size_t size = lf ? (size_t)(lf - p) + 1 : avail;

	if (size > c->cfg.max_line + (lf ? 2 : 0)) {
		protocol_error(c, "%s line over %zu bytes",
			       sd == MAIL_CLIENT ? "client" : "server", c->cfg.max_line);
		return -1;
	}
	if (sd == MAIL_CLIENT && c->proto != MAIL_IMAP &&
	    size > cmd_max(c, p, size) + (lf ? 2 : 0)) {
		/* some server would read it as two commands, or cut it */
		ambiguous(c, "client command line over %zu bytes", cmd_max(c, p, size));
		return -1;
	}
	if (!lf)
		return 0;
	l->off = s->pos;
	l->p = p;
	l->size = size;
	l->len = size - 1;
	l->bare_lf = !(l->len && p[l->len - 1] == '\r');
	if (!l->bare_lf)
		l->len--;
	return 1;
}

/* The length of the word at p (up to a space or the end). */
static size_t word_len(const uint8_t *p, size_t len)
{
	size_t n = 0;

	while (n < len && !is_space(p[n]))
		n++;
	return n;
}

static bool word_eq(const uint8_t *p, size_t n, const char *word)
{
	return n == strlen(word) && !strncasecmp((const char *)p, word, n);
}

/*
 * The command's verb is verb, read as the most liberal server reads it
 * (leading and trailing whitespace, CR, VT and FF included, stripped; words
 * split at any of them); *args says whether anything else follows.
 */
static bool verb_is(const struct line *l, const char *verb, bool *args)
{
	size_t n;
	const uint8_t *v = cmd_verb(l->p, l->len, &n);

	if (!word_eq(v, n, verb))
		return false;
	if (args) {
		*args = false;
		for (const uint8_t *q = v + n; q < l->p + l->len; q++)
			if (!is_cmd_space(*q))
				*args = true;
	}
	return true;
}

/* ---- the command queue (SMTP, POP3) ---- */

static bool q_full(const struct mail_conn *c)
{
	return c->qlen == QUEUE_MAX;
}

static void q_push(struct mail_conn *c, enum cmd_kind kind)
{
	c->queue[(c->qhead + c->qlen++) % QUEUE_MAX] = kind;
}

static enum cmd_kind q_head(const struct mail_conn *c)
{
	return c->queue[c->qhead];
}

static void q_pop(struct mail_conn *c)
{
	c->qhead = (c->qhead + 1) % QUEUE_MAX;
	c->qlen--;
}

/* ---- STARTTLS, STLS, COMPRESS ---- */

/*
 * The client asks for TLS (or compression): true when it may wait for the
 * server's answer (tls allow); otherwise the connection is killed.
 */
static bool tls_asked(struct mail_conn *c)
{
	if (c->cfg.tls == MAIL_TLS_ALLOW)
		return true;
	c->stats->tls++;
	alert_text(c, "starttls", NULL, 0, c->cfg.tls == MAIL_TLS_STRIP ?
		   "client asked for an unoffered STARTTLS/STLS/COMPRESS (killed)" :
		   "client asked for STARTTLS/STLS/COMPRESS (killed)");
	conn_kill(c);
	return false;
}

/* The server accepted: what follows cannot be read. */
static void tls_accepted(struct mail_conn *c, const char *cmd)
{
	char text[TEXT_MAX];

	c->stats->tls++;
	if (!c->tls_alerted) {
		snprintf(text, sizeof(text), "%s accepted: the rest passes unscanned", cmd);
		alert_text(c, "starttls", NULL, 0, text);
		c->tls_alerted = true;
	}
	conn_pass_all(c);
}

/* ---- message judgement ---- */

enum verdict {
	V_PASS,		/* clean, or bad and passed by policy */
	V_EDIT,		/* infected: apply res->edits */
	V_STOP,		/* the connection was killed */
};

/* The edits message.h promises: in order, within the message, cuts apart. */
static bool edits_valid(const struct mail_result *res, size_t len)
{
	size_t at = 0;

	for (size_t i = 0; i < res->nedits; i++) {
		const struct mail_edit *e = &res->edits[i];

		if (e->off < at || e->off > len)
			return false;
		if (e->op == MAIL_EDIT_CUT) {
			if (e->len > len - e->off)
				return false;
			at = e->off + e->len;
		} else if (e->op != MAIL_EDIT_INJECT || (unsigned int)e->block >= MAIL_BLOCK_COUNT) {
			return false;
		}
	}
	return true;
}

static void infected_alert(struct mail_conn *c, const uint8_t *msg, size_t len,
			   const struct mail_result *res, bool editable)
{
	char text[TEXT_MAX];
	size_t n = 0;

	n += snprintf(text, sizeof(text), "infected message");
	for (size_t i = 0; i < res->nfindings && n < sizeof(text); i++) {
		const struct mail_finding *f = &res->findings[i];

		n += snprintf(text + n, sizeof(text) - n, "%s %s in \"%s\" (%s)",
			      i ? ";" : ":", f->virus, f->filename, f->content_type);
	}
	if (n < sizeof(text))
		snprintf(text + n, sizeof(text) - n, editable ?
			 " (parts replaced)" : " (killed)");
	alert_text(c, "infected", msg, len, text);
}

/*
 * Scans msg (dot-unstuffed). editable: the caller can apply edits; if not,
 * an infected message kills the connection. res is to be
 * mail_result_free()d after.
 */
static enum verdict judge(struct mail_conn *c, const uint8_t *msg, size_t len,
			  bool editable, struct mail_result *res)
{
	int err;

	memset(res, 0, sizeof(*res));
	err = c->ops->scan(c->ctx, msg, len, res);
	c->stats->messages++;
	c->stats->bytes_held += len;
	if (err) {
		res->status = MAIL_ERROR;
		snprintf(res->why, sizeof(res->why), "%s", strerror(-err));
	}
	c->stats->parts += res->parts;
	if (res->status == MAIL_INFECTED && editable &&
	    (!res->nedits || !edits_valid(res, len))) {
		/* Nothing we could do would take the part out safely. */
		editable = false;
	}
	switch (res->status) {
	case MAIL_CLEAN:
		c->stats->clean++;
		return V_PASS;
	case MAIL_INFECTED:
		c->stats->infected++;
		infected_alert(c, msg, len, res, editable);
		if (!editable) {
			conn_kill(c);
			return V_STOP;
		}
		c->stats->parts_replaced += res->nfindings;
		return V_EDIT;
	case MAIL_UNPARSEABLE:
		return bad_input(c, "unparseable", &c->stats->unparseable, msg, len,
				 "unparseable message: %s", res->why) ? V_PASS : V_STOP;
	default:
		return bad_input(c, "scan-error", &c->stats->scan_errors, msg, len,
				 "message not scanned: %s", res->why) ? V_PASS : V_STOP;
	}
}

/* ---- dot-stuffed messages (SMTP DATA, POP3 RETR and TOP) ---- */

static void dotmsg_start(struct mail_conn *c, enum mail_side sd)
{
	struct side *s = &c->side[sd];

	s->mode = MODE_DOTMSG;
	s->msg_start = s->pos;
	s->dot = DS_LS;
	s->dot_lines = 0;
	/* Asked once, from the first byte: the kernel holds or takes custody. */
	c->ops->more(c->ctx, sd, s->pos, c->cfg.max_message + MORE_MARGIN);
}

/* Back to lines after the message's "." line. */
static void dotmsg_done(struct mail_conn *c, enum mail_side sd)
{
	c->side[sd].mode = MODE_LINES;
	if (c->proto == MAIL_SMTP) {
		/* The server replies to the message as to a command. */
		q_push(c, CMD_DOT);
	} else {
		q_pop(c);	/* RETR or TOP is answered */
	}
}

/*
 * The index of the first LF in p[0, n) that a dot follows, or n: the only
 * line starts a dot-stuffed message's reader has to look at (its end line,
 * the dots to take out). Sixteen bytes at a time where SSE2 is (every
 * x86-64), a LF at a time elsewhere.
 */
static size_t lf_dot(const uint8_t *p, size_t n)
{
	size_t i = 0;

#ifdef __SSE2__
	const __m128i lf = _mm_set1_epi8('\n'), dot = _mm_set1_epi8('.');

	for (; i + 17 <= n; i += 16) {
		__m128i a = _mm_loadu_si128((const __m128i *)(p + i));
		__m128i b = _mm_loadu_si128((const __m128i *)(p + i + 1));
		unsigned int m = (unsigned int)_mm_movemask_epi8(
			_mm_and_si128(_mm_cmpeq_epi8(a, lf), _mm_cmpeq_epi8(b, dot)));

		if (m)
			return i + (size_t)__builtin_ctz(m);
	}
#endif
	while (i + 1 < n) {
		const uint8_t *q = memchr(p + i, '\n', n - 1 - i);

		if (!q)
			break;
		i = (size_t)(q - p);
		if (p[i + 1] == '.')
			return i;
		i++;
	}
	return n;
}

/*
 * Runs the end automaton over the new bytes: 1 with pos just past the
 * "." line, 0 when the end is not there yet, -1 when a "." line start
 * touches a bare LF (receivers disagree on where the message ends).
 */
static int dot_scan(struct side *s)
{
	while (s->pos < s->end) {
		uint8_t ch;

		/*
		 * In a line, only a line start with a dot matters, and whether
		 * the LF before it has its CR: on to the next LF followed by a
		 * dot at once (most lines start with anything else). A line
		 * start that is not a dot leads back here: this is where the
		 * switch below would have gone.
		 */
		if (s->dot == DS_MID || s->dot == DS_CR) {
			const uint8_t *p = side_at(s, s->pos);
			size_t n = (size_t)(s->end - s->pos);
			size_t i = lf_dot(p, n);
			bool cr;

			if (i == n) {
				/* No dot line start here: the state of the last byte */
				i = n - 1;
				if (p[i] != '\n') {
					s->dot = p[i] == '\r' ? DS_CR : DS_MID;
					s->pos = s->end;
					return 0;
				}
			}
			cr = i ? p[i - 1] == '\r' : s->dot == DS_CR;
			s->pos += (uint64_t)i + 1;
			s->dot = cr ? DS_LS : DS_LS_BARE;
			continue;
		}
		ch = *side_at(s, s->pos++);
		switch (s->dot) {
		case DS_LS_BARE:
			if (ch == '.')
				return -1;
			break;
		case DS_LS:
			if (ch == '.') {
				s->dot = DS_DOT;
				s->dot_lines++;
				continue;
			}
			break;
		case DS_DOT:
			if (ch == '\r') {
				s->dot = DS_DOT_CR;
				continue;
			}
			if (ch == '\n')
				return -1;
			break;
		case DS_DOT_CR:
			if (ch == '\n')
				return 1;
			if (ch == '\r') {
				s->dot = DS_DOT_CRS;
				continue;
			}
			break;
		case DS_DOT_CRS:
			/* Postfix strips every CR before the LF: its end line */
			if (ch == '\n')
				return -1;
			if (ch == '\r')
				continue;
			break;
		case DS_CR:
			if (ch == '\n') {
				s->dot = DS_LS;
				continue;
			}
			break;
		case DS_MID:
			break;
		}
		/* any other byte, as in the middle of a line */
		s->dot = ch == '\r' ? DS_CR : ch == '\n' ? DS_LS_BARE : DS_MID;
	}
	return 0;
}

/* Dot-unstuffed message and where the dots were taken out. */
struct unstuffed {
	uint8_t *msg;
	size_t len;
	size_t *dots;		/* message offsets of the lines whose dot was removed */
	size_t ndots;
	bool copy;		/* msg is a copy, to be freed */
};

/*
 * The message without its dots. stuffed says how many lines start with a
 * dot: with none, which is most mail, the message is the wire bytes as
 * they are, neither searched again nor copied (u->copy false).
 */
static int unstuff(const uint8_t *w, size_t n, size_t stuffed, struct unstuffed *u)
{
	size_t cap = 0;
	bool line_start = true;

	memset(u, 0, sizeof(*u));
	if (!stuffed) {
		u->msg = (uint8_t *)w;
		u->len = n;
		return 0;
	}
	u->copy = true;
	u->msg = malloc(n ? n : 1);
	if (!u->msg)
		return -ENOMEM;
	for (size_t i = 0; i < n;) {
		size_t lf, run;
		bool found;

		if (line_start && w[i] == '.') {
			if (u->ndots == cap) {
				size_t *d;

				cap = cap ? 2 * cap : 16;
				d = realloc(u->dots, cap * sizeof(*d));
				if (!d)
					return -ENOMEM;
				u->dots = d;
			}
			u->dots[u->ndots++] = u->len;
			line_start = false;
			i++;
			continue;
		}
		/* Up to the next LF before a dot, with it, as it is. */
		lf = lf_dot(w + i, n - i);
		found = lf < n - i;
		run = found ? lf + 1 : n - i;
		memcpy(u->msg + u->len, w + i, run);
		u->len += run;
		i += run;
		line_start = found;
	}
	return 0;
}

/*
 * The wire offset of message offset off: a line start whose dot was
 * removed maps to the dot, so that cuts and injections at line starts
 * never split a dot-stuffed line from its dot.
 */
static uint64_t wire_off(const struct unstuffed *u, uint64_t start, size_t off)
{
	size_t lo = 0, hi = u->ndots;

	while (lo < hi) {	/* dots before off */
		size_t mid = lo + (hi - lo) / 2;

		if (u->dots[mid] < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return start + off + lo;
}

static void apply_edits(struct mail_conn *c, enum mail_side sd, uint64_t start,
			const struct unstuffed *u, const struct mail_result *res)
{
	for (size_t i = 0; i < res->nedits && !c->over; i++) {
		const struct mail_edit *e = &res->edits[i];
		uint64_t w = wire_off(u, start, e->off);

		if (e->op == MAIL_EDIT_INJECT)
			decide_inject(c, sd, w, e->block);
		else
			decide_cut(c, sd, w, wire_off(u, start, e->off + e->len) - w);
	}
}

/* The message [msg_start, term) is whole; its "." line ends at term_end. */
static void dotmsg_judge(struct mail_conn *c, enum mail_side sd, uint64_t term,
			 uint64_t term_end)
{
	struct side *s = &c->side[sd];
	size_t wire_len = term - s->msg_start;
	struct mail_result res;
	struct unstuffed u;
	enum verdict v;

	if (wire_len > c->cfg.max_message) {
		if (bad_input(c, "oversize", &c->stats->oversize, NULL, 0,
			      "message of %zu bytes over --max-message", wire_len))
			decide_pass(c, sd, term_end);
		if (!c->over)
			dotmsg_done(c, sd);
		return;
	}
	/* The end line is one of the dot lines; the others are stuffed. */
	if (unstuff(side_at(s, s->msg_start), wire_len, s->dot_lines - 1, &u)) {
		if (bad_input(c, "scan-error", &c->stats->scan_errors, NULL, 0,
			      "message not scanned: out of memory"))
			decide_pass(c, sd, term_end);
	} else {
		v = judge(c, u.msg, u.len, true, &res);
		if (v == V_EDIT)
			apply_edits(c, sd, s->msg_start, &u, &res);
		if (v != V_STOP)
			decide_pass(c, sd, term_end);
		mail_result_free(&res);
	}
	if (u.copy)
		free(u.msg);
	free(u.dots);
	if (!c->over)
		dotmsg_done(c, sd);
}

/* Reads the new bytes of a dot-stuffed message: held, or passed as they come. */
static bool dotmsg_step(struct mail_conn *c, enum mail_side sd)
{
	struct side *s = &c->side[sd];
	uint64_t from = s->pos;
	int r = dot_scan(s);

	if (r < 0) {
		ambiguous(c, "a message's \".\" line next to a bare LF");
		return true;
	}
	if (s->mode == MODE_DOTSKIP) {
		decide_pass(c, sd, s->pos);
		if (r > 0)
			dotmsg_done(c, sd);
		return r > 0 || s->pos != from;
	}
	if (r > 0) {
		dotmsg_judge(c, sd, s->pos - 3, s->pos);
		return true;
	}
	/* The body so far, without the 3 bytes an end line could still take. */
	if (s->pos - s->msg_start > c->cfg.max_message + 3) {
		if (bad_input(c, "oversize", &c->stats->oversize, NULL, 0,
			      "message over %zu bytes", c->cfg.max_message)) {
			s->mode = MODE_DOTSKIP;
			decide_pass(c, sd, s->pos);
		}
		return true;
	}
	return s->pos != from;
}

/* ---- SMTP ---- */

static enum cmd_kind smtp_command(const struct line *l)
{
	if (verb_is(l, "DATA", NULL))
		return CMD_DATA;
	if (verb_is(l, "EHLO", NULL))
		return CMD_EHLO;
	if (verb_is(l, "STARTTLS", NULL))
		return CMD_TLS;
	if (verb_is(l, "AUTH", NULL))
		return CMD_AUTH;
	return CMD_OTHER;
}

/*
 * The commands a client may send more of before the reply (RFC 2920), on
 * an exact list: after any other line, DATA, AUTH, EHLO, or one no server
 * may read the same way as another, the client's bytes wait for the reply.
 */
static bool smtp_pipelinable(const struct line *l)
{
	static const char *const verbs[] = {
		"MAIL", "RCPT", "RSET", "NOOP", "VRFY", "EXPN", "HELP",
	};
	size_t len = l->len, i = 0, n;

	while (len && is_cmd_space(l->p[len - 1]))
		len--;
	while (i < len && is_cmd_space(l->p[i]))
		i++;
	for (n = 0; i + n < len && l->p[i + n] != ' '; n++)
		if (l->p[i + n] < 'A' || (l->p[i + n] > 'Z' && l->p[i + n] < 'a') ||
		    l->p[i + n] > 'z')
			return false;
	for (size_t v = 0; v < sizeof(verbs) / sizeof(verbs[0]); v++)
		if (word_eq(l->p + i, n, verbs[v]))
			return true;
	return false;
}

/*
 * A client line that answers an AUTH challenge (SMTP 334, POP3 "+"): it
 * passes, and the client's next bytes wait, since AUTH's reply is still
 * pending.
 */
static bool auth_answer(struct mail_conn *c, struct side *s)
{
	c->auth_cont = false;
	decide_pass(c, MAIL_CLIENT, s->pos);
	s->mode = MODE_WAIT;
	return true;
}

static bool smtp_client_step(struct mail_conn *c)
{
	struct side *s = &c->side[MAIL_CLIENT];
	enum cmd_kind kind;
	struct line l;
	int r;

	switch (s->mode) {
	case MODE_DOTMSG:
	case MODE_DOTSKIP:
		return dotmsg_step(c, MAIL_CLIENT);
	case MODE_LINES:
		break;
	default:	/* after DATA or STARTTLS until the reply */
		return false;
	}
	if (q_full(c))
		return false;
	r = line_get(c, MAIL_CLIENT, &l);
	if (r <= 0)
		return r < 0;
	s->pos += l.size;
	if (c->auth_cont)
		return auth_answer(c, s);
	if (verb_is(&l, "BDAT", NULL)) {
		/* CHUNKING was taken out of EHLO: chunk sizes would not survive a cut. */
		c->stats->protocol_errors++;
		alert_text(c, "bdat", NULL, 0, "client sent BDAT without CHUNKING (killed)");
		conn_kill(c);
		return true;
	}
	kind = smtp_command(&l);
	if (kind == CMD_TLS && !tls_asked(c))
		return true;
	q_push(c, kind);
	decide_pass(c, MAIL_CLIENT, s->pos);
	if (!smtp_pipelinable(&l))
		s->mode = MODE_WAIT;	/* what follows depends on the reply */
	return true;
}

/* The EHLO keyword of a reply line ("250-KEYWORD params"). */
static bool ehlo_keyword_is(const uint8_t *p, size_t len, const char *kw)
{
	if (len < 4)
		return false;
	return word_eq(p + 4, word_len(p + 4, len - 4), kw);
}

static bool ehlo_line_cut(struct mail_conn *c, const uint8_t *p, size_t len)
{
	if (ehlo_keyword_is(p, len, "CHUNKING"))
		return true;
	return c->cfg.tls == MAIL_TLS_STRIP && ehlo_keyword_is(p, len, "STARTTLS");
}

/* The content length of the line at p (size bytes with its LF). */
static size_t content_len(const uint8_t *p, size_t size)
{
	size_t len = size - 1;

	return len && p[len - 1] == '\r' ? len - 1 : len;
}

/*
 * The whole EHLO reply [decided, pos) is held: CHUNKING (and STARTTLS for
 * tls strip) lines are cut. When the last line goes, the last line kept
 * must end the reply: its '-' is replaced by a space.
 */
static void ehlo_filter(struct mail_conn *c)
{
	struct side *s = &c->side[MAIL_SERVER];
	uint64_t first = s->decided, off, kept = first;
	bool last_cut = false;

	/* First: whether the last line goes, and which line is then last kept. */
	for (off = first; off < s->pos;) {
		const uint8_t *p = side_at(s, off);
		size_t size = (const uint8_t *)memchr(p, '\n', s->pos - off) - p + 1;

		/* The first line is the server's name, never a keyword. */
		last_cut = off != first && ehlo_line_cut(c, p, content_len(p, size));
		if (!last_cut)
			kept = off;
		off += size;
	}
	for (off = first; off < s->pos && !c->over;) {
		const uint8_t *p = side_at(s, off);
		size_t size = (const uint8_t *)memchr(p, '\n', s->pos - off) - p + 1;
		size_t len = content_len(p, size);

		if (off == kept && last_cut) {
			/* "250-" becomes "250 ": the reply now ends here */
			decide_inject(c, MAIL_SERVER, off + 3, MAIL_BLOCK_SPACE);
			decide_cut(c, MAIL_SERVER, off + 3, 1);
		} else if (off != first && ehlo_line_cut(c, p, len)) {
			if (ehlo_keyword_is(p, len, "CHUNKING"))
				c->stats->chunking_stripped++;
			else
				c->stats->tls_stripped++;
			decide_cut(c, MAIL_SERVER, off, size);
		}
		off += size;
	}
	decide_pass(c, MAIL_SERVER, s->pos);
}

/* A whole reply (its last line read) answers the command at the queue's head. */
static void smtp_reply_done(struct mail_conn *c, int code)
{
	enum cmd_kind head = q_head(c);
	struct side *client = &c->side[MAIL_CLIENT];

	if (code == 354 && head != CMD_DATA) {
		/* the server reads what follows as a message the engine did not see start */
		ambiguous(c, "354 reply to a command that is not DATA");
		return;
	}
	if (head == CMD_AUTH) {
		if (code == 334) {
			c->auth_cont = true;	/* the client's next line answers it */
			client->mode = MODE_LINES;
			return;
		}
		c->auth_cont = false;
	}
	q_pop(c);
	if (head == CMD_DATA && code == 354)
		dotmsg_start(c, MAIL_CLIENT);
	else if (head == CMD_TLS && code == 220)
		tls_accepted(c, "STARTTLS");
	else if (!c->qlen && client->mode == MODE_WAIT)
		client->mode = MODE_LINES;	/* the command waited for is answered */
}

static bool smtp_server_step(struct mail_conn *c)
{
	const struct side *client = &c->side[MAIL_CLIENT];
	struct side *s = &c->side[MAIL_SERVER];
	struct line l;
	int code, r;
	bool last;

	if (s->mode == MODE_DONE)
		return false;
	if (!c->qlen) {
		/*
		 * A reply with no command to answer: the client would take it
		 * for the next command's, the server may be in another state.
		 * Unless the client's bytes not read yet hold that command.
		 */
		if (s->pos == s->end ||
		    (client->mode == MODE_LINES && client->pos < client->end))
			return false;
		ambiguous(c, "server reply with no command pending");
		return true;
	}
	r = line_get(c, MAIL_SERVER, &l);
	if (r <= 0)
		return r < 0;
	if (l.len < 3 || l.p[0] < '2' || l.p[0] > '5' || l.p[1] < '0' || l.p[1] > '9' ||
	    l.p[2] < '0' || l.p[2] > '9' || (l.len > 3 && l.p[3] != ' ' && l.p[3] != '-')) {
		protocol_error(c, "malformed server reply");
		return true;
	}
	code = (l.p[0] - '0') * 100 + (l.p[1] - '0') * 10 + (l.p[2] - '0');
	if (c->reply_code && code != c->reply_code) {
		ambiguous(c, "a multi-line reply's lines disagree on its code");
		return true;
	}
	s->pos += l.size;
	last = l.len == 3 || l.p[3] == ' ';
	c->reply_code = last ? 0 : code;
	if (q_head(c) == CMD_EHLO && code == 250) {
		/* held whole until its last line: bounded as one line */
		if (s->pos - s->decided > c->cfg.max_line) {
			protocol_error(c, "EHLO reply over %zu bytes", c->cfg.max_line);
			return true;
		}
		if (last)
			ehlo_filter(c);
	} else {
		decide_pass(c, MAIL_SERVER, s->pos);
	}
	if (last && !c->over)
		smtp_reply_done(c, code);
	return true;
}

/* ---- POP3 ---- */

static enum cmd_kind pop3_command(const struct line *l)
{
	bool args;

	if (verb_is(l, "RETR", NULL) || verb_is(l, "TOP", NULL))
		return CMD_MESSAGE;
	if (verb_is(l, "CAPA", NULL))
		return CMD_CAPA;
	if (verb_is(l, "STLS", NULL))
		return CMD_TLS;
	/* Without an argument these answer with a list (AUTH: the mechanisms). */
	if ((verb_is(l, "LIST", &args) || verb_is(l, "UIDL", &args) ||
	     verb_is(l, "AUTH", &args)) && !args)
		return CMD_MULTI;
	if (verb_is(l, "AUTH", NULL))
		return CMD_AUTH;
	return CMD_OTHER;
}

static bool pop3_client_step(struct mail_conn *c)
{
	struct side *s = &c->side[MAIL_CLIENT];
	enum cmd_kind kind;
	struct line l;
	int r;

	if (s->mode != MODE_LINES || q_full(c))
		return false;
	r = line_get(c, MAIL_CLIENT, &l);
	if (r <= 0)
		return r < 0;
	s->pos += l.size;
	if (c->auth_cont)
		return auth_answer(c, s);
	kind = pop3_command(&l);
	if (kind == CMD_TLS && !tls_asked(c))
		return true;
	q_push(c, kind);
	decide_pass(c, MAIL_CLIENT, s->pos);
	if (kind == CMD_TLS || kind == CMD_AUTH)
		s->mode = MODE_WAIT;	/* the next line may answer a challenge */
	return true;
}

/* A line of a multi-line response that is not a message (CAPA, LIST, ...). */
static bool pop3_multi_step(struct mail_conn *c)
{
	struct side *s = &c->side[MAIL_SERVER];
	bool prev_bare = s->bare_lf;
	struct line l;
	int r;

	r = line_get(c, MAIL_SERVER, &l);
	if (r <= 0)
		return r < 0;
	s->pos += l.size;
	s->bare_lf = l.bare_lf;
	if (l.len > 1 && l.p[0] == '.') {
		size_t i = 1;

		while (i < l.len && l.p[i] == '\r')
			i++;
		if (i == l.len) {
			/* ".\r\r\n": the end for a client that strips every CR */
			ambiguous(c, "a multi-line response's \".\" line ends in CRs");
			return true;
		}
	}
	if (l.len == 1 && l.p[0] == '.') {
		if (l.bare_lf || prev_bare) {
			ambiguous(c, "a multi-line response's \".\" line next to a bare LF");
			return true;
		}
		decide_pass(c, MAIL_SERVER, s->pos);
		s->mode = MODE_LINES;
		q_pop(c);
		return true;
	}
	if (c->multi_capa && c->cfg.tls == MAIL_TLS_STRIP &&
	    word_eq(l.p, word_len(l.p, l.len), "STLS")) {
		c->stats->tls_stripped++;
		decide_cut(c, MAIL_SERVER, l.off, l.size);
		return true;
	}
	decide_pass(c, MAIL_SERVER, s->pos);
	return true;
}

static bool pop3_server_step(struct mail_conn *c)
{
	struct side *s = &c->side[MAIL_SERVER];
	enum cmd_kind head;
	struct line l;
	bool ok, err;
	int r;

	switch (s->mode) {
	case MODE_DOTMSG:
	case MODE_DOTSKIP:
		return dotmsg_step(c, MAIL_SERVER);
	case MODE_MULTI:
		return pop3_multi_step(c);
	case MODE_LINES:
		break;
	default:
		return false;
	}
	/* Nothing asked: the client reads these as the next command's answer. */
	if (!c->qlen)
		return false;
	r = line_get(c, MAIL_SERVER, &l);
	if (r <= 0)
		return r < 0;
	head = q_head(c);
	s->pos += l.size;
	s->bare_lf = l.bare_lf;
	ok = l.len >= 3 && !memcmp(l.p, "+OK", 3);
	err = l.len >= 1 && l.p[0] == '-';
	if (head == CMD_AUTH) {
		if (!ok && l.len >= 1 && l.p[0] == '+') {
			c->auth_cont = true;	/* a challenge: AUTH stays pending */
			c->side[MAIL_CLIENT].mode = MODE_LINES;
			decide_pass(c, MAIL_SERVER, s->pos);
			return true;
		}
		c->auth_cont = false;
		c->side[MAIL_CLIENT].mode = MODE_LINES;
	}
	if (!ok && !err && (head == CMD_MESSAGE || head == CMD_MULTI || head == CMD_CAPA)) {
		ambiguous(c, "neither +OK nor -ERR to a multi-line command");
		return true;
	}
	decide_pass(c, MAIL_SERVER, s->pos);
	if (!ok) {
		q_pop(c);
		if (head == CMD_TLS)
			c->side[MAIL_CLIENT].mode = MODE_LINES;
		return true;
	}
	switch (head) {
	case CMD_MESSAGE:
		dotmsg_start(c, MAIL_SERVER);	/* popped at its "." line */
		break;
	case CMD_MULTI:
	case CMD_CAPA:
		s->mode = MODE_MULTI;
		c->multi_capa = head == CMD_CAPA;
		break;
	case CMD_TLS:
		q_pop(c);
		tls_accepted(c, "STLS");
		break;
	default:
		q_pop(c);
		break;
	}
	return true;
}

/* ---- IMAP ---- */

/* The longest server literal: clients read the length into 32 bits. */
#define LITERAL_MAX	0x7fffffffULL

/*
 * Whether the line ends in a literal: "{N}", "~{N}", or for the client
 * "{N+}" (LITERAL+, *nonsync). *lbrace is where it starts. 1: a literal,
 * 0: none, -1: a server literal longer than clients can read (19
 * significant digits or more, or over 2^31-1), which they read each their
 * own way.
 */
static int imap_literal(const struct line *l, bool client, uint64_t *n,
			bool *nonsync, size_t *lbrace)
{
	size_t i = l->len, digits = 0;
	uint64_t v = 0, scale = 1;
	bool big = false;

	if (!i || l->p[--i] != '}')
		return 0;
	*nonsync = false;
	if (client && i && l->p[i - 1] == '+') {
		*nonsync = true;
		i--;
	}
	while (i && l->p[i - 1] >= '0' && l->p[i - 1] <= '9') {
		uint64_t d = l->p[--i] - '0';

		/* leading zeros count for nothing: clients read {007} as 7 */
		if (d && digits >= 18)
			big = true;
		else
			v += d * scale;
		scale *= 10;
		digits++;
	}
	if (!digits || !i || l->p[i - 1] != '{')
		return 0;
	if (big || (!client && v > LITERAL_MAX))
		return client ? 0 : -1;	/* the client's: not one any server takes */
	*lbrace = i - 1;
	*n = v;
	return 1;
}

/* The tag (first word) of a line, copied NUL-terminated. */
static void imap_tag(const struct line *l, char *tag)
{
	size_t n = word_len(l->p, l->len);

	if (n >= TAG_MAX)
		n = TAG_MAX - 1;
	memcpy(tag, l->p, n);
	tag[n] = 0;
}

/* The n-th word (0: the tag) of a line, as pointer and length. */
static const uint8_t *imap_word(const struct line *l, int n, size_t *len)
{
	size_t i = 0;

	for (;;) {
		size_t w = word_len(l->p + i, l->len - i);

		if (!n--) {
			*len = w;
			return l->p + i;
		}
		i += w;
		while (i < l->len && l->p[i] == ' ')
			i++;
		if (i >= l->len) {
			*len = 0;
			return l->p + l->len;
		}
	}
}

/*
 * Whether a FETCH command's line asks for a whole message: BODY[],
 * BODY.PEEK[], BINARY[], BINARY.PEEK[] (without a partial <...>) or
 * RFC822, as an item of its own.
 */
static bool imap_asks_whole(const struct line *l)
{
	static const char *const items[] = {
		"BODY[]", "BODY.PEEK[]", "BINARY[]", "BINARY.PEEK[]", "RFC822",
	};
	size_t i = 0;

	while (i < l->len) {
		size_t n = 0;

		while (i + n < l->len && l->p[i + n] != ' ' && l->p[i + n] != '(' &&
		       l->p[i + n] != ')')
			n++;
		for (size_t k = 0; k < sizeof(items) / sizeof(items[0]); k++)
			if (word_eq(l->p + i, n, items[k]))
				return true;
		i += n + 1;
	}
	return false;
}

/* The client's FETCH with tag asks for a whole message: remembered until answered. */
static void imap_whole_add(struct mail_conn *c, const char *tag)
{
	for (unsigned int i = 0; i < c->nwhole; i++)
		if (!strcmp(c->whole_tags[i], tag))
			return;
	if (c->nwhole == WHOLE_MAX) {
		c->whole_always = true;
		return;
	}
	memcpy(c->whole_tags[c->nwhole++], tag, TAG_MAX);
}

/* The tagged response to tag: its FETCH is answered. */
static void imap_whole_done(struct mail_conn *c, const char *tag)
{
	for (unsigned int i = 0; i < c->nwhole; i++) {
		if (strcmp(c->whole_tags[i], tag))
			continue;
		memcpy(c->whole_tags[i], c->whole_tags[--c->nwhole], TAG_MAX);
		return;
	}
}

/*
 * While a FETCH for a whole message is outstanding, the server names its
 * items as it likes: every FETCH literal is then scanned as a message.
 */
static bool imap_whole_pending(const struct mail_conn *c)
{
	return c->nwhole || c->whole_always;
}

static void imap_literal_start(struct mail_conn *c, enum mail_side sd, uint64_t n)
{
	struct side *s = &c->side[sd];

	s->mode = MODE_LITERAL;
	s->lit_left = n;
}

/* An unread literal: passed as its bytes come. */
static bool imap_literal_step(struct mail_conn *c, enum mail_side sd)
{
	struct side *s = &c->side[sd];
	uint64_t take = s->end - s->pos;

	if (take > s->lit_left)
		take = s->lit_left;
	s->pos += take;
	s->lit_left -= take;
	decide_pass(c, sd, s->pos);
	if (s->lit_left)
		return take != 0;
	s->mode = MODE_LINES;
	return true;
}

static bool imap_client_step(struct mail_conn *c)
{
	struct side *s = &c->side[MAIL_CLIENT];
	size_t wlen, lbrace;
	const uint8_t *w;
	bool nonsync;
	struct line l;
	uint64_t n;
	int r;

	if (s->mode == MODE_LITERAL)
		return imap_literal_step(c, MAIL_CLIENT);
	if (s->mode != MODE_LINES)
		return false;
	r = line_get(c, MAIL_CLIENT, &l);
	if (r <= 0)
		return r < 0;
	s->pos += l.size;
	if (!s->cont) {
		imap_tag(&l, c->client_tag);
		w = imap_word(&l, 1, &wlen);
		c->client_fetch = word_eq(w, wlen, "FETCH");
		if (word_eq(w, wlen, "UID")) {
			w = imap_word(&l, 2, &wlen);
			c->client_fetch = word_eq(w, wlen, "FETCH");
			w = imap_word(&l, 1, &wlen);
		}
		if (word_eq(w, wlen, "STARTTLS") || word_eq(w, wlen, "COMPRESS")) {
			if (!tls_asked(c))
				return true;
			decide_pass(c, MAIL_CLIENT, s->pos);
			memcpy(c->wait_tag, c->client_tag, TAG_MAX);
			c->imap_wait = IW_TLS;
			s->mode = MODE_WAIT;
			return true;
		}
	}
	if (c->client_fetch && imap_asks_whole(&l))
		imap_whole_add(c, c->client_tag);
	decide_pass(c, MAIL_CLIENT, s->pos);
	s->cont = imap_literal(&l, true, &n, &nonsync, &lbrace) > 0;
	if (!s->cont)
		return true;
	if (nonsync) {
		imap_literal_start(c, MAIL_CLIENT, n);
	} else {
		/* Sent after the server's "+", or never if it refuses the command. */
		memcpy(c->wait_tag, c->client_tag, TAG_MAX);
		c->imap_wait = IW_LITERAL;
		c->wait_lit = n;
		s->mode = MODE_WAIT;
	}
	return true;
}

/* A whole message in a FETCH response's literal: held, scanned, passed or killed. */
static bool imap_litmsg_step(struct mail_conn *c)
{
	struct side *s = &c->side[MAIL_SERVER];
	struct mail_result res;
	uint64_t n = s->lit_left;
	enum verdict v;

	if (s->end - s->msg_start < n)
		return false;
	s->pos = s->msg_start + n;
	v = judge(c, side_at(s, s->msg_start), n, false, &res);
	mail_result_free(&res);
	if (v != V_PASS)
		return true;
	decide_pass(c, MAIL_SERVER, s->pos);
	s->lit_left = 0;
	s->mode = MODE_LINES;
	return true;
}

/* The fetch item before a literal at lbrace carries a whole message. */
static bool imap_item_is_message(const struct line *l, size_t lbrace)
{
	size_t end = lbrace, start;

	if (end && l->p[end - 1] == '~')
		end--;
	if (!end || l->p[end - 1] != ' ')
		return false;
	end--;
	start = end;
	while (start && l->p[start - 1] != ' ' && l->p[start - 1] != '(')
		start--;
	return word_eq(l->p + start, end - start, "BODY[]") ||
	       word_eq(l->p + start, end - start, "BINARY[]") ||
	       word_eq(l->p + start, end - start, "RFC822");
}

/* Cuts " STARTTLS" and " COMPRESS=DEFLATE" out of the capability list [from, to). */
static void imap_strip_caps(struct mail_conn *c, const struct line *l, size_t from,
			    size_t to)
{
	size_t i = from;

	while (i < to) {
		size_t n;

		if (l->p[i] != ' ') {
			i++;
			continue;
		}
		n = 0;
		while (i + 1 + n < to && l->p[i + 1 + n] != ' ')
			n++;
		if (word_eq(l->p + i + 1, n, "STARTTLS") ||
		    word_eq(l->p + i + 1, n, "COMPRESS=DEFLATE")) {
			c->stats->tls_stripped++;
			decide_cut(c, MAIL_SERVER, l->off + i, n + 1);
		}
		i += 1 + n;
	}
}

/* Capability lists: "* CAPABILITY ..." and "[CAPABILITY ...]" response codes. */
static void imap_capabilities(struct mail_conn *c, const struct line *l)
{
	size_t wlen, to;
	const uint8_t *w = imap_word(l, 1, &wlen);
	static const char code[] = "[CAPABILITY";

	if (l->p[0] == '*' && word_eq(w, wlen, "CAPABILITY")) {
		imap_strip_caps(c, l, w + wlen - l->p, l->len);
		return;
	}
	for (size_t i = 0; i + sizeof(code) <= l->len; i++) {
		if (strncasecmp((const char *)l->p + i, code, sizeof(code) - 1) ||
		    l->p[i + sizeof(code) - 1] != ' ')
			continue;
		for (to = i; to < l->len && l->p[to] != ']'; to++)
			;
		imap_strip_caps(c, l, i + sizeof(code) - 1, to);
		return;
	}
}

/* The first line of a server response: tagged answers end the client's waits. */
static void imap_response_start(struct mail_conn *c, const struct line *l)
{
	struct side *client = &c->side[MAIL_CLIENT];
	char tag[TAG_MAX];
	size_t wlen;
	const uint8_t *w;

	w = imap_word(l, 2, &wlen);
	c->resp_fetch = l->p[0] == '*' && word_eq(w, wlen, "FETCH");
	if (c->cfg.tls == MAIL_TLS_STRIP)
		imap_capabilities(c, l);
	if (l->p[0] != '*' && l->p[0] != '+') {
		imap_tag(l, tag);
		imap_whole_done(c, tag);
	}
	if (c->over || c->imap_wait == IW_NONE)
		return;
	if (l->p[0] == '+') {
		if (c->imap_wait == IW_LITERAL) {
			c->imap_wait = IW_NONE;
			imap_literal_start(c, MAIL_CLIENT, c->wait_lit);
		}
		return;
	}
	imap_tag(l, tag);
	if (strcmp(tag, c->wait_tag) || !strcmp(tag, "*"))
		return;
	w = imap_word(l, 1, &wlen);
	if (c->imap_wait == IW_TLS && word_eq(w, wlen, "OK")) {
		decide_pass(c, MAIL_SERVER, l->off + l->size);
		tls_accepted(c, "STARTTLS/COMPRESS");
		return;
	}
	/* refused: the client goes on with a new command */
	c->imap_wait = IW_NONE;
	client->mode = MODE_LINES;
	client->cont = false;
}

static bool imap_server_step(struct mail_conn *c)
{
	struct side *s = &c->side[MAIL_SERVER];
	size_t lbrace;
	bool nonsync;
	struct line l;
	uint64_t n;
	int r, lit;

	switch (s->mode) {
	case MODE_LITERAL:
		return imap_literal_step(c, MAIL_SERVER);
	case MODE_LITMSG:
		return imap_litmsg_step(c);
	case MODE_LINES:
		break;
	default:
		return false;
	}
	r = line_get(c, MAIL_SERVER, &l);
	if (r <= 0)
		return r < 0;
	if (l.bare_lf) {
		ambiguous(c, "server line ends in a bare LF");
		return true;
	}
	s->pos += l.size;
	if (!s->cont && l.len)
		imap_response_start(c, &l);
	if (c->over)
		return true;
	decide_pass(c, MAIL_SERVER, s->pos);
	lit = imap_literal(&l, false, &n, &nonsync, &lbrace);
	if (lit < 0) {
		ambiguous(c, "server literal longer than clients read");
		return true;
	}
	s->cont = lit;
	if (!s->cont) {
		c->resp_fetch = false;
		return true;
	}
	if (!c->resp_fetch) {
		imap_literal_start(c, MAIL_SERVER, n);
		return true;
	}
	if (!imap_whole_pending(c) && !imap_item_is_message(&l, lbrace)) {
		if (n > c->cfg.max_message) {
			/* as big as no message we scan: it may be one under another name */
			ambiguous(c, "FETCH literal of %llu bytes over --max-message",
				  (unsigned long long)n);
			return true;
		}
		imap_literal_start(c, MAIL_SERVER, n);
		return true;
	}
	if (n > c->cfg.max_message) {
		if (bad_input(c, "oversize", &c->stats->oversize, NULL, 0,
			      "message of %llu bytes over --max-message",
			      (unsigned long long)n))
			imap_literal_start(c, MAIL_SERVER, n);
		return true;
	}
	s->mode = MODE_LITMSG;
	s->msg_start = s->pos;
	s->lit_left = n;
	if (n)
		c->ops->more(c->ctx, MAIL_SERVER, s->pos, n);
	return true;
}

/* ---- the connection ---- */

static bool side_step(struct mail_conn *c, enum mail_side sd)
{
	switch (c->proto) {
	case MAIL_SMTP:
		return sd == MAIL_CLIENT ? smtp_client_step(c) : smtp_server_step(c);
	case MAIL_POP3:
		return sd == MAIL_CLIENT ? pop3_client_step(c) : pop3_server_step(c);
	default:
		return sd == MAIL_CLIENT ? imap_client_step(c) : imap_server_step(c);
	}
}

/* Reads what can be read; one side's progress may unblock the other's bytes. */
static void run(struct mail_conn *c)
{
	bool progress = true;

	while (progress && !c->over) {
		progress = false;
		for (int sd = MAIL_CLIENT; sd <= MAIL_SERVER && !c->over; sd++)
			while (!c->over && side_step(c, sd))
				progress = true;
	}
	for (int sd = MAIL_CLIENT; sd <= MAIL_SERVER && !c->over; sd++) {
		struct side *s = &c->side[sd];

		/* Waiting bytes are bounded as a message would be. */
		if (s->end - s->decided > c->cfg.max_message + c->cfg.max_line + MORE_MARGIN)
			protocol_error(c, "%s sent too much without an answer",
				       sd == MAIL_CLIENT ? "client" : "server");
	}
}

struct mail_conn *mail_conn_new(enum mail_proto proto, const struct mail_config *cfg,
				const struct mail_ops *ops, void *ctx,
				struct mail_stats *stats)
{
	struct mail_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->proto = proto;
	c->cfg = *cfg;
	c->ops = ops;
	c->ctx = ctx;
	c->stats = stats;
	if (proto != MAIL_IMAP)
		q_push(c, CMD_GREETING);
	stats->conns[proto]++;
	return c;
}

/* Appends data to the side's buffer, first dropping what was decided. */
static int side_append(struct side *s, const uint8_t *data, size_t len)
{
	size_t keep = s->end - s->decided;

	if (!len)
		return 0;
	if (s->base < s->decided) {
		memmove(s->buf, side_at(s, s->decided), keep);
		s->base = s->decided;
	}
	if (keep + len > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;
		uint8_t *b;

		while (cap < keep + len)
			cap *= 2;
		b = realloc(s->buf, cap);
		if (!b)
			return -ENOMEM;
		s->buf = b;
		s->cap = cap;
	}
	memcpy(s->buf + keep, data, len);
	s->end += len;
	return 0;
}

int mail_conn_data(struct mail_conn *c, enum mail_side side, uint64_t offset,
		   const uint8_t *data, size_t len)
{
	struct side *s = &c->side[side];

	if (c->over || s->ended || s->mode == MODE_DONE)
		return 0;
	if (offset != s->end) {
		protocol_error(c, "%s bytes lost (%llu, expected %llu)",
			       side == MAIL_CLIENT ? "client" : "server",
			       (unsigned long long)offset, (unsigned long long)s->end);
		return -EPROTO;
	}
	if (side_append(s, data, len)) {
		protocol_error(c, "out of memory");
		return 0;
	}
	run(c);
	return 0;
}

/* A side ended inside a message: the part held gets the bad-input policy. */
static void side_truncated(struct mail_conn *c, enum mail_side sd, bool limit)
{
	struct side *s = &c->side[sd];
	uint64_t *counter = limit ? &c->stats->oversize : &c->stats->unparseable;

	/* The alert carries the held bytes as they came (still dot-stuffed). */
	if (bad_input(c, "truncated", counter, side_at(s, s->decided),
		      s->end - s->decided, "%s ended inside a message%s",
		      sd == MAIL_CLIENT ? "client" : "server",
		      limit ? " (over the connection's bounds)" : ""))
		decide_pass(c, sd, s->end);
	s->mode = MODE_DONE;
}

/* Both sides ended: what is left is passed, unless it may be a message. */
static void conn_finish(struct mail_conn *c)
{
	struct side *client = &c->side[MAIL_CLIENT];

	if (c->proto == MAIL_SMTP && client->mode == MODE_WAIT &&
	    client->end > client->decided && c->qlen && q_head(c) != CMD_TLS) {
		side_truncated(c, MAIL_CLIENT, false);
		if (c->over)
			return;
	}
	for (int sd = MAIL_CLIENT; sd <= MAIL_SERVER; sd++)
		decide_pass(c, sd, c->side[sd].end);
	c->over = true;
}

void mail_conn_end(struct mail_conn *c, enum mail_side side, bool limit)
{
	struct side *s = &c->side[side];

	if (c->over || s->ended)
		return;
	s->ended = true;
	run(c);
	if (c->over)
		return;
	if (s->mode == MODE_DOTMSG || s->mode == MODE_LITMSG)
		side_truncated(c, side, limit);
	if (!c->over && c->side[MAIL_CLIENT].ended && c->side[MAIL_SERVER].ended)
		conn_finish(c);
}

bool mail_conn_done(const struct mail_conn *c)
{
	return c->over;
}

void mail_conn_free(struct mail_conn *c)
{
	if (!c)
		return;
	free(c->side[MAIL_CLIENT].buf);
	free(c->side[MAIL_SERVER].buf);
	free(c);
}
