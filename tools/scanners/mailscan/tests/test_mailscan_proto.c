// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * The mail protocol engine on canned sessions, with a stand-in scan: a
 * message is infected when it holds the word VIRUS (the line that holds
 * it is replaced by MAIL_BLOCK_BODY), unparseable when it holds BROKEN,
 * and its scan fails when it holds SCANFAIL.
 *
 * Each session's decisions are applied to the bytes given, as the kernel
 * would: out[] is what each receiver reads, log what the engine asked.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "tap.h"

#define BIG 65536

/* message.c's, until it is linked in: the stand-in allocates as it does. */
__attribute__((weak)) void mail_result_free(struct mail_result *res)
{
	free(res->findings);
	free(res->edits);
	res->findings = NULL;
	res->edits = NULL;
}

struct rec_side {
	char given[BIG];
	size_t given_len;
	uint64_t decided;
	char out[BIG];
	size_t out_len;
};

static struct rec {
	struct rec_side side[2];
	char log[BIG];
	size_t log_len;
	char events[BIG];	/* the log without passes */
	size_t events_len;
	bool over;
	int violations;
	char scanned[BIG];	/* the last message scanned */
	size_t scanned_len;
	char alert_msg[BIG];	/* the last alert's message */
	size_t alert_msg_len;
	char alert_text[1024];
} r;

static const char side_name[] = "CS";
static const char *const block_names[] = { "<PART>", "<HDRS>", "<BODY>", "< >" };

static void logf_(bool event, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(bool event, const char *fmt, ...)
{
	char e[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e, sizeof(e), fmt, ap);
	va_end(ap);
	r.log_len += snprintf(r.log + r.log_len, BIG - r.log_len, "%s%s",
			      r.log_len ? " " : "", e);
	if (event)
		r.events_len += snprintf(r.events + r.events_len, BIG - r.events_len,
					 "%s%s", r.events_len ? " " : "", e);
}

static void out_add(struct rec_side *s, const char *p, size_t n)
{
	if (s->out_len + n < BIG) {
		memcpy(s->out + s->out_len, p, n);
		s->out_len += n;
		s->out[s->out_len] = 0;
	}
}

static void violation(const char *what)
{
	r.violations++;
	tap_diag("violation: %s", what);
}

static void rec_pass(void *ctx, enum mail_side sd, uint64_t upto)
{
	struct rec_side *s = &r.side[sd];

	(void)ctx;
	if (r.over)
		violation("pass after the end");
	if (upto <= s->decided || upto > s->given_len)
		violation("pass out of range");
	else
		out_add(s, s->given + s->decided, upto - s->decided);
	s->decided = upto;
	logf_(false, "%cp%llu", side_name[sd], (unsigned long long)upto);
}

static void rec_pass_all(void *ctx, enum mail_side sd)
{
	(void)ctx;
	if (r.over && sd == MAIL_CLIENT)
		violation("pass_all after the end");
	out_add(&r.side[sd], "[ALL]", 5);
	r.over = true;
	logf_(true, "%cA", side_name[sd]);
}

static void rec_cut(void *ctx, enum mail_side sd, uint64_t off, uint64_t len)
{
	struct rec_side *s = &r.side[sd];

	(void)ctx;
	if (r.over)
		violation("cut after the end");
	if (off != s->decided || !len || off + len > s->given_len)
		violation("cut out of range");
	s->decided = off + len;
	logf_(true, "%cc%llu+%llu", side_name[sd], (unsigned long long)off,
	      (unsigned long long)len);
}

static void rec_inject(void *ctx, enum mail_side sd, uint64_t off, enum mail_block b)
{
	struct rec_side *s = &r.side[sd];

	(void)ctx;
	if (r.over)
		violation("inject after the end");
	if (off < s->decided || off >= s->given_len)
		violation("inject out of range");
	out_add(s, block_names[b], strlen(block_names[b]));
	logf_(true, "%ci%llu%s", side_name[sd], (unsigned long long)off, block_names[b]);
}

static void rec_more(void *ctx, enum mail_side sd, uint64_t off, uint64_t len)
{
	(void)ctx;
	if (r.over)
		violation("more after the end");
	if (off < r.side[sd].decided)
		violation("more for decided bytes");
	logf_(true, "%cm%llu+%llu", side_name[sd], (unsigned long long)off,
	      (unsigned long long)len);
}

static void rec_kill(void *ctx)
{
	(void)ctx;
	if (r.over)
		violation("kill after the end");
	r.over = true;
	logf_(true, "K");
}

static void rec_alert(void *ctx, const struct mail_alert *a)
{
	(void)ctx;
	logf_(true, "!%s", a->what);
	snprintf(r.alert_text, sizeof(r.alert_text), "%s", a->text);
	r.alert_msg_len = a->msg_len < BIG ? a->msg_len : 0;
	memcpy(r.alert_msg, a->msg ? (const char *)a->msg : "", r.alert_msg_len);
	r.alert_msg[r.alert_msg_len] = 0;
}

/* The line of msg that holds at, as [*start, *end) with its line end. */
static void line_around(const char *msg, size_t len, size_t at, size_t *start, size_t *end)
{
	*start = at;
	while (*start && msg[*start - 1] != '\n')
		(*start)--;
	*end = at;
	while (*end < len && msg[*end] != '\n')
		(*end)++;
	if (*end < len)
		(*end)++;
}

static int stand_in_scan(void *ctx, const uint8_t *msg, size_t len, struct mail_result *res)
{
	const char *m = (const char *)msg;
	const char *v = memmem(m, len, "VIRUS", 5);
	size_t start, end;

	(void)ctx;
	r.scanned_len = len < BIG ? len : 0;
	memcpy(r.scanned, msg, r.scanned_len);
	r.scanned[r.scanned_len] = 0;
	res->parts = 1;
	if (memmem(m, len, "SCANFAIL", 8))
		return -EIO;
	if (memmem(m, len, "BROKEN", 6)) {
		res->status = MAIL_UNPARSEABLE;
		snprintf(res->why, sizeof(res->why), "broken");
		return 0;
	}
	if (!v) {
		res->status = MAIL_CLEAN;
		return 0;
	}
	line_around(m, len, v - m, &start, &end);
	res->status = MAIL_INFECTED;
	res->findings = calloc(1, sizeof(*res->findings));
	res->edits = calloc(2, sizeof(*res->edits));
	if (!res->findings || !res->edits)
		return -ENOMEM;
	res->nfindings = 1;
	snprintf(res->findings[0].virus, sizeof(res->findings[0].virus), "Test.Virus");
	snprintf(res->findings[0].filename, sizeof(res->findings[0].filename), "virus.exe");
	snprintf(res->findings[0].content_type, sizeof(res->findings[0].content_type),
		 "application/octet-stream");
	res->findings[0].start = start;
	res->findings[0].end = end;
	res->nedits = 2;
	res->edits[0] = (struct mail_edit){ .op = MAIL_EDIT_INJECT, .off = start,
					    .block = MAIL_BLOCK_BODY };
	res->edits[1] = (struct mail_edit){ .op = MAIL_EDIT_CUT, .off = start,
					    .len = end - start };
	return 0;
}

static const struct mail_ops ops = {
	.pass = rec_pass, .pass_all = rec_pass_all, .cut = rec_cut,
	.inject = rec_inject, .more = rec_more, .kill = rec_kill,
	.alert = rec_alert, .scan = stand_in_scan,
};

/* A session: chunks of a side's bytes, or its end ('c', 's'; 'C'/'S' by limit). */
struct step {
	char side;		/* 'C' client bytes, 'S' server bytes, 'c'/'s' fin, 'l'/'m' limit */
	const char *data;
};

#define C(x) { 'C', x }
#define S(x) { 'S', x }
#define END { 0, NULL }

static struct mail_config cfg_default(void)
{
	return (struct mail_config){
		.tls = MAIL_TLS_ALLOW, .bad = MAIL_BAD_KILL,
		.max_message = 4096, .max_line = 512,
	};
}

static struct mail_stats st;

/*
 * Runs steps through a new connection; chunk bytes at a time (0: each
 * step whole). Returns whether the connection is done.
 */
static bool session(enum mail_proto proto, const struct mail_config *cfg,
		    const struct step *steps, size_t chunk)
{
	struct mail_conn *c;
	bool done;

	memset(&r, 0, sizeof(r));
	memset(&st, 0, sizeof(st));
	c = mail_conn_new(proto, cfg, &ops, NULL, &st);
	for (const struct step *s = steps; s->side; s++) {
		enum mail_side sd = (s->side == 'C' || s->side == 'c' || s->side == 'l') ?
				    MAIL_CLIENT : MAIL_SERVER;
		struct rec_side *rs = &r.side[sd];

		if (s->side != 'C' && s->side != 'S') {
			mail_conn_end(c, sd, s->side == 'l' || s->side == 'm');
			continue;
		}
		for (size_t i = 0, n = strlen(s->data); i < n;) {
			size_t len = chunk && chunk < n - i ? chunk : n - i;

			memcpy(rs->given + rs->given_len, s->data + i, len);
			rs->given_len += len;
			mail_conn_data(c, sd, rs->given_len - len,
				       (const uint8_t *)rs->given + rs->given_len - len, len);
			i += len;
		}
	}
	done = mail_conn_done(c);
	mail_conn_free(c);
	return done;
}

/* The events log with runs of passes on a side merged (chunking changes those). */
static const char *merged_log(void)
{
	static char out[BIG];
	size_t n = 0;
	char *save, *tok;
	char copy[BIG];
	char last[64] = "";

	snprintf(copy, sizeof(copy), "%s", r.log);
	out[0] = 0;
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (tok[1] == 'p' && last[0] == tok[0] && last[1] == 'p' && n) {
			/* replace the previous pass of the same side */
			char *sp = strrchr(out, ' ');

			n = sp ? (size_t)(sp - out) : 0;
			out[n] = 0;
		}
		n += snprintf(out + n, sizeof(out) - n, "%s%s", n ? " " : "", tok);
		snprintf(last, sizeof(last), "%s", tok);
	}
	return out;
}

/* Runs a session whole, then byte by byte: both must decide the same. */
static void same_bytewise(const char *name, enum mail_proto proto,
			  const struct mail_config *cfg, const struct step *steps)
{
	static char whole_log[BIG], whole_out[2][BIG];

	session(proto, cfg, steps, 0);
	snprintf(whole_log, sizeof(whole_log), "%s", merged_log());
	for (int sd = 0; sd < 2; sd++)
		snprintf(whole_out[sd], BIG, "%s", r.side[sd].out);
	for (size_t chunk = 1; chunk <= 7; chunk += 6) {
		session(proto, cfg, steps, chunk);
		tap_streq(merged_log(), whole_log, "%s: %zu-byte chunks log as whole", name, chunk);
		tap_streq(r.side[0].out, whole_out[0], "%s: %zu-byte chunks, server reads the same",
			  name, chunk);
		tap_streq(r.side[1].out, whole_out[1], "%s: %zu-byte chunks, client reads the same",
			  name, chunk);
		tap_eq(r.violations, 0, "%s: %zu-byte chunks, decisions in order", name, chunk);
	}
}

/* ---- SMTP ---- */

static const struct step smtp_clean[] = {
	S("220 mx.example ESMTP\r\n"),
	C("EHLO me\r\n"),
	S("250-mx.example\r\n250-PIPELINING\r\n250 8BITMIME\r\n"),
	C("MAIL FROM:<a@x>\r\n"),
	S("250 ok\r\n"),
	C("RCPT TO:<b@y>\r\n"),
	S("250 ok\r\n"),
	C("DATA\r\n"),
	S("354 go\r\n"),
	C("Subject: hi\r\n\r\n..leading dot\r\nbody\r\n.\r\n"),
	S("250 queued\r\n"),
	C("QUIT\r\n"),
	S("221 bye\r\n"),
	{ 'c', NULL }, { 's', NULL },
	END
};

TAP_SUITE(mailscan_smtp_clean)
{
	struct mail_config cfg = cfg_default();
	bool done = session(MAIL_SMTP, &cfg, smtp_clean, 0);
	size_t all_c = r.side[MAIL_CLIENT].given_len;

	tap_streq(r.side[MAIL_CLIENT].out, r.side[MAIL_CLIENT].given,
		  "the server reads all the client sent");
	tap_streq(r.side[MAIL_SERVER].out, r.side[MAIL_SERVER].given,
		  "the client reads all the server sent");
	tap_streq(r.scanned, "Subject: hi\r\n\r\n.leading dot\r\nbody\r\n",
		  "the message is scanned dot-unstuffed, without its end line");
	/* EHLO me(9) MAIL(17) RCPT(15) DATA(6): the message starts at 47 */
	tap_streq(r.events, "Cm47+4160", "one more, from the message's first byte");
	tap_ok(strstr(r.log, "Cp47 ") && strstr(r.log, "Cp86 "),
	       "DATA passes alone, the message with its end line: %s", r.log);
	tap_eq(all_c, 92, "client bytes");
	tap_ok(done, "done once both sides ended");
	tap_eq(st.messages, 1, "one message scanned");
	tap_eq(st.clean, 1, "clean");
	tap_eq(st.conns[MAIL_SMTP], 1, "one SMTP connection");
	tap_eq(r.violations, 0, "decisions in order");
	same_bytewise("smtp clean", MAIL_SMTP, &cfg, smtp_clean);
}

static const struct step smtp_infected[] = {
	S("220 mx\r\n"),
	C("HELO me\r\n"),
	S("250 mx\r\n"),
	C("MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n"),	/* pipelined */
	S("250 ok\r\n250 ok\r\n354 go\r\n"),
	C("Subject: x\r\n\r\nhello\r\n..VIRUS here\r\nbye\r\n.\r\n"),
	S("250 queued\r\n"),
	C("MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n"),
	S("250 ok\r\n250 ok\r\n354 go\r\n"),
	C("Subject: again\r\n\r\nVIRUS\r\n.\r\n"),
	S("250 queued\r\n"),
	C("QUIT\r\n"),
	END
};

TAP_SUITE(mailscan_smtp_infected)
{
	struct mail_config cfg = cfg_default();
	char want[256];

	session(MAIL_SMTP, &cfg, smtp_infected, 0);
	/* HELO(9) + MAIL RCPT DATA(38): the first message starts at 47 */
	snprintf(want, sizeof(want), "Cm47+4160 !infected Ci68<BODY> Cc68+14 Cm128+4160 "
		 "!infected Ci146<BODY> Cc146+7");
	tap_streq(r.events, want, "each infected line is replaced, from before its stuffing dot");
	tap_ok(strstr(r.side[MAIL_CLIENT].out,
		      "Subject: x\r\n\r\nhello\r\n<BODY>bye\r\n.\r\n") != NULL,
	       "the server reads the message without the line: %s", r.side[MAIL_CLIENT].out);
	tap_streq(r.alert_msg, "Subject: again\r\n\r\nVIRUS\r\n",
		  "the alert carries the message as the recipient would store it");
	tap_ok(strstr(r.alert_text, "Test.Virus") && strstr(r.alert_text, "virus.exe"),
	       "the alert names the virus and the file: %s", r.alert_text);
	tap_eq(st.infected, 2, "two infected");
	tap_eq(st.parts_replaced, 2, "two parts replaced");
	tap_eq(r.violations, 0, "decisions in order");
	same_bytewise("smtp infected", MAIL_SMTP, &cfg, smtp_infected);
}

TAP_SUITE(mailscan_smtp_pipelining_waits)
{
	struct mail_config cfg = cfg_default();
	static const struct step early[] = {
		S("220 mx\r\n"),
		C("HELO me\r\n"),
		S("250 mx\r\n"),
		/* the message before the 354: it waits, unread */
		C("MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\nSubject: x\r\n\r\nVIRUS\r\n.\r\n"),
		S("250 ok\r\n250 ok\r\n"),
		S("354 go\r\n"),
		END
	};
	static const struct step refused[] = {
		S("220 mx\r\n"),
		C("HELO me\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\nRSET\r\n"),
		S("250 mx\r\n250 ok\r\n550 no\r\n554 no valid recipients\r\n"),
		S("250 reset\r\n"),
		C("MAIL FROM:<a@x>\r\nRCPT TO:<c@y>\r\nDATA\r\n"),
		S("250 ok\r\n250 ok\r\n354 go\r\n"),
		C(".\r\n"),
		S("250 empty\r\n"),
		END
	};
	static const struct step unasked[] = {
		S("220 mx\r\n"),
		S("354 early\r\n"),	/* the client reads it as HELO's answer */
		C("HELO me\r\n"),
		S("250 mx\r\n"),
		C("DATA\r\nQUIT\r\n"),
		END
	};
	size_t before;

	session(MAIL_SMTP, &cfg, early, 0);
	tap_streq(r.events, "Cm47+4160 !infected Ci61<BODY> Cc61+7",
		  "a message sent before 354 waits for it, then is scanned");
	session(MAIL_SMTP, &cfg, early, 0);
	before = r.side[MAIL_CLIENT].out_len;
	tap_ok(before > 0, "passed after the 354");

	session(MAIL_SMTP, &cfg, refused, 0);
	tap_streq(r.side[MAIL_CLIENT].out, r.side[MAIL_CLIENT].given,
		  "after a refused DATA the bytes are commands again, and a second DATA works");
	tap_streq(r.events, "Cm91+4160", "one message (empty)");
	tap_eq(st.messages, 1, "the empty message is scanned");
	tap_eq(r.scanned_len, 0, "empty");

	session(MAIL_SMTP, &cfg, unasked, 0);
	tap_streq(r.events, "!ambiguous K",
		  "a reply with no command pending: client and server disagree, killed");
	tap_streq(r.side[MAIL_SERVER].out, "220 mx\r\n", "the client never reads it");
	tap_eq(st.protocol_errors, 1, "counted");
	same_bytewise("smtp early", MAIL_SMTP, &cfg, early);
	same_bytewise("smtp refused", MAIL_SMTP, &cfg, refused);
	same_bytewise("smtp unasked", MAIL_SMTP, &cfg, unasked);
}

TAP_SUITE(mailscan_smtp_chunking_starttls_strip)
{
	struct mail_config cfg = cfg_default();
	static const struct step mid[] = {
		S("220 mx\r\n"),
		C("EHLO me\r\n"),
		S("250-mx\r\n250-CHUNKING\r\n250-STARTTLS\r\n250 SMTPUTF8\r\n"),
		END
	};
	static const struct step last[] = {
		S("220 mx\r\n"),
		C("EHLO me\r\n"),
		S("250-mx\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 chunking\r\n"),
		C("STARTTLS\r\n"),
		END
	};
	static const struct step only[] = {
		S("220 mx\r\n"),
		C("EHLO me\r\n"),
		S("250-mx\r\n250 CHUNKING\r\n"),
		C("BDAT 5 LAST\r\nhello"),
		END
	};

	session(MAIL_SMTP, &cfg, mid, 0);
	tap_streq(r.side[MAIL_SERVER].out, "220 mx\r\n250-mx\r\n250-STARTTLS\r\n250 SMTPUTF8\r\n",
		  "CHUNKING is cut (STARTTLS kept: tls allow)");
	tap_eq(st.chunking_stripped, 1, "counted");

	cfg.tls = MAIL_TLS_STRIP;
	session(MAIL_SMTP, &cfg, mid, 0);
	tap_streq(r.side[MAIL_SERVER].out, "220 mx\r\n250-mx\r\n250 SMTPUTF8\r\n",
		  "tls strip: STARTTLS is cut too");
	tap_eq(st.tls_stripped, 1, "counted");

	session(MAIL_SMTP, &cfg, last, 0);
	tap_streq(r.side[MAIL_SERVER].out, "220 mx\r\n250-mx\r\n250< >PIPELINING\r\n",
		  "last line cut: the line before ends the reply");
	tap_streq(r.events, "Si19< > Sc19+1 Sc32+14 Sc46+14 !starttls K",
		  "the '-' is replaced by the space block; a STARTTLS anyway is killed");
	tap_eq(st.killed, 1, "killed");
	same_bytewise("smtp ehlo last", MAIL_SMTP, &cfg, last);

	cfg.tls = MAIL_TLS_ALLOW;
	session(MAIL_SMTP, &cfg, only, 0);
	tap_streq(r.side[MAIL_SERVER].out, "220 mx\r\n250< >mx\r\n",
		  "the first line (the name) is never cut, and ends the reply");
	tap_streq(r.events, "Si11< > Sc11+1 Sc16+14 !bdat K", "BDAT anyway is killed");
	tap_eq(st.protocol_errors, 1, "BDAT counts as a protocol error");
	tap_streq(r.side[MAIL_CLIENT].out, "EHLO me\r\n", "the BDAT chunk never reaches the server");
}

TAP_SUITE(mailscan_smtp_starttls)
{
	struct mail_config cfg = cfg_default();
	static const struct step tls[] = {
		S("220 mx\r\n"),
		C("EHLO me\r\n"),
		S("250-mx\r\n250 STARTTLS\r\n"),
		C("STARTTLS\r\n\x16\x03\x01"),	/* a ClientHello already */
		S("220 go ahead\r\n"),
		S("\x16\x03\x03 server hello"),
		END
	};
	static const struct step refused[] = {
		S("220 mx\r\n"),
		C("STARTTLS\r\nQUIT\r\n"),
		S("454 not now\r\n221 bye\r\n"),
		END
	};

	session(MAIL_SMTP, &cfg, tls, 0);
	tap_streq(r.events, "!starttls CA SA", "allow: the rest of both sides passes, alert once");
	tap_streq(r.side[MAIL_CLIENT].out, "EHLO me\r\nSTARTTLS\r\n[ALL]",
		  "bytes after STARTTLS waited for the 220");
	tap_eq(st.tls, 1, "counted");

	session(MAIL_SMTP, &cfg, refused, 0);
	tap_streq(r.side[MAIL_CLIENT].out, "STARTTLS\r\nQUIT\r\n", "refused: commands go on");
	tap_streq(r.events, "", "no alert");

	cfg.tls = MAIL_TLS_BLOCK;
	session(MAIL_SMTP, &cfg, tls, 0);
	tap_streq(r.side[MAIL_SERVER].out, "220 mx\r\n250-mx\r\n250 STARTTLS\r\n",
		  "block: the capability stays");
	tap_streq(r.events, "!starttls K", "block: a client that asks is killed");
	tap_streq(r.side[MAIL_CLIENT].out, "EHLO me\r\n", "STARTTLS never reaches the server");
}

TAP_SUITE(mailscan_smtp_auth)
{
	struct mail_config cfg = cfg_default();
	static const struct step auth[] = {
		S("220 mx\r\n"),
		C("AUTH LOGIN\r\n"),
		S("334 VXNlcm5hbWU6\r\n"),
		C("DATA\r\n"),		/* an answer that looks like a command */
		S("334 UGFzc3dvcmQ6\r\n"),
		C("BDAT\r\n"),
		S("235 ok\r\n"),
		C("MAIL FROM:<a@x>\r\n"),
		S("250 ok\r\n"),
		END
	};

	session(MAIL_SMTP, &cfg, auth, 0);
	tap_streq(r.events, "", "answers to 334 are not commands");
	tap_streq(r.side[MAIL_CLIENT].out, r.side[MAIL_CLIENT].given, "all passed");
	tap_streq(r.side[MAIL_SERVER].out, r.side[MAIL_SERVER].given, "all passed");
}

TAP_SUITE(mailscan_smtp_bare_lf)
{
	struct mail_config cfg = cfg_default();
	static const struct step lf_cmds[] = {
		S("220 mx\n"),
		C("HELO me\nMAIL FROM:<a@x>\nRCPT TO:<b@y>\nDATA\n"),
		S("250 mx\n250 ok\n250 ok\n354 go\n"),
		C("Subject: x\r\n\r\nclean\r\n.\r\n"),
		S("250 ok\n"),
		END
	};
	static const struct step smuggle[] = {
		S("220 mx\r\n"),
		C("HELO me\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n"),
		S("250 mx\r\n250 ok\r\n250 ok\r\n354 go\r\n"),
		C("Subject: x\r\n\r\nclean\n.\r\nMAIL FROM:<e@v>\r\n"),
		END
	};
	static const struct step smuggle2[] = {
		S("220 mx\r\n"),
		C("HELO me\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n"),
		S("250 mx\r\n250 ok\r\n250 ok\r\n354 go\r\n"),
		C("Subject: x\r\n\r\nclean\r\n.\nMAIL FROM:<e@v>\r\n"),
		END
	};
	static const struct step codes[] = {
		S("220 mx\r\n"),
		C("HELO me\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n"),
		S("250 mx\r\n250 ok\r\n250 ok\r\n354-go\r\n250 ok\r\n"),
		END
	};

	session(MAIL_SMTP, &cfg, lf_cmds, 0);
	tap_streq(r.events, "Cm43+4160", "bare LF ends commands and replies (as Postfix reads them)");
	tap_eq(st.clean, 1, "the message is scanned");
	session(MAIL_SMTP, &cfg, smuggle, 0);
	tap_streq(r.events, "Cm47+4160 !ambiguous K", "LF.CRLF in a message: killed");
	tap_ok(!strstr(r.side[MAIL_CLIENT].out, "clean"), "the message never passed");
	session(MAIL_SMTP, &cfg, smuggle2, 0);
	tap_streq(r.events, "Cm47+4160 !ambiguous K", "CRLF.LF in a message: killed");
	cfg.bad = MAIL_BAD_PASS;
	session(MAIL_SMTP, &cfg, smuggle2, 0);
	tap_streq(r.events, "Cm47+4160 !ambiguous K", "killed whatever the bad-input policy");
	session(MAIL_SMTP, &cfg, codes, 0);
	tap_streq(r.events, "!ambiguous K", "354- then 250: clients differ on the code, killed");
}

TAP_SUITE(mailscan_smtp_bad_input)
{
	struct mail_config cfg = cfg_default();
	static char big[6000];
	struct step oversize[] = {
		S("220 mx\r\n"),
		C("HELO me\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n"),
		S("250 mx\r\n250 ok\r\n250 ok\r\n354 go\r\n"),
		C(big),
		C("\r\n.\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n"),
		S("250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n"),
		C("VIRUS\r\n.\r\n"),
		END
	};
	static const struct step broken[] = {
		S("220 mx\r\n"),
		C("HELO me\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n"),
		S("250 mx\r\n250 ok\r\n250 ok\r\n354 go\r\n"),
		C("BROKEN\r\n.\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n"),
		S("250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n"),
		C("SCANFAIL\r\n.\r\n"),
		END
	};
	static const struct step truncated[] = {
		S("220 mx\r\n"),
		C("HELO me\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n"),
		S("250 mx\r\n250 ok\r\n250 ok\r\n354 go\r\n"),
		C("Subject: x\r\n\r\npart"),
		{ 'l', NULL },
		END
	};
	static char longline[600];
	struct step toolong[] = {
		S("220 mx\r\n"),
		C(longline),
		END
	};

	memset(big, 'a', sizeof(big) - 1);
	memset(longline, 'b', sizeof(longline) - 1);
	session(MAIL_SMTP, &cfg, oversize, 0);
	tap_streq(r.events, "Cm47+4160 !oversize K", "kill: a message over max is killed");
	cfg.bad = MAIL_BAD_PASS;
	session(MAIL_SMTP, &cfg, oversize, 0);
	tap_streq(r.events, "Cm47+4160 !oversize Cm6089+4160 !infected Ci6089<BODY> Cc6089+7",
		  "pass: passed unjudged as it comes; the next message is scanned");
	tap_eq(st.oversize, 1, "counted");
	tap_eq(st.bad_passed, 1, "counted as passed");
	same_bytewise("smtp oversize pass", MAIL_SMTP, &cfg, oversize);

	session(MAIL_SMTP, &cfg, broken, 0);
	tap_streq(r.events, "Cm47+4160 !unparseable Cm96+4160 !scan-error",
		  "pass: unparseable and unscannable messages pass, with alerts");
	tap_streq(r.alert_msg, "SCANFAIL\r\n", "the alert carries the message");
	tap_eq(st.unparseable, 1, "unparseable counted");
	tap_eq(st.scan_errors, 1, "scan error counted");
	tap_streq(r.side[MAIL_CLIENT].out, r.side[MAIL_CLIENT].given, "all passed");
	cfg.bad = MAIL_BAD_KILL;
	session(MAIL_SMTP, &cfg, broken, 0);
	tap_streq(r.events, "Cm47+4160 !unparseable K", "kill: killed");

	session(MAIL_SMTP, &cfg, truncated, 0);
	tap_streq(r.events, "Cm47+4160 !truncated K", "the client's side ended by the limit: killed");
	tap_eq(st.oversize, 1, "by the kernel's bounds: counted oversize");
	cfg.bad = MAIL_BAD_PASS;
	session(MAIL_SMTP, &cfg, truncated, 0);
	tap_streq(r.events, "Cm47+4160 !truncated", "pass: what came is passed");
	tap_ok(strstr(r.side[MAIL_CLIENT].out, "part") != NULL, "passed");

	session(MAIL_SMTP, &cfg, toolong, 0);
	tap_streq(r.events, "!protocol CA SA", "pass: a line over max_line passes the rest");
	cfg.bad = MAIL_BAD_KILL;
	session(MAIL_SMTP, &cfg, toolong, 0);
	tap_streq(r.events, "!protocol K", "kill: killed");
	tap_eq(st.protocol_errors, 1, "counted");
}

/* ---- POP3 ---- */

static const struct step pop3_session[] = {
	S("+OK POP3 ready\r\n"),
	C("CAPA\r\n"),
	S("+OK\r\nUSER\r\nSTLS\r\nPIPELINING\r\n.\r\n"),
	C("USER a\r\nPASS b\r\nLIST\r\nLIST 1\r\n"),
	S("+OK\r\n+OK\r\n+OK 2 messages\r\n1 100\r\n2 200\r\n.\r\n+OK 1 100\r\n"),
	C("RETR 1\r\nRETR 2\r\nTOP 1 0\r\n"),
	S("+OK 100 octets\r\nSubject: a\r\n\r\n..dotted\r\n.\r\n"
	  "+OK\r\nSubject: b\r\n\r\nVIRUS\r\nend\r\n.\r\n"
	  "+OK\r\nSubject: a\r\n\r\n.\r\n"),
	C("QUIT\r\n"),
	S("+OK bye\r\n"),
	END
};

TAP_SUITE(mailscan_pop3_session)
{
	struct mail_config cfg = cfg_default();

	session(MAIL_POP3, &cfg, pop3_session, 0);
	tap_streq(r.side[MAIL_CLIENT].out, r.side[MAIL_CLIENT].given, "commands pass");
	tap_ok(strstr(r.side[MAIL_SERVER].out, "+OK\r\nSubject: b\r\n\r\n<BODY>end\r\n.\r\n") != NULL,
	       "the second message is edited: %s", r.side[MAIL_SERVER].out);
	tap_eq(st.messages, 3, "RETR, RETR, TOP: three messages");
	tap_eq(st.infected, 1, "one infected");
	tap_streq(r.scanned, "Subject: a\r\n\r\n", "TOP's headers scanned");
	tap_eq(r.violations, 0, "decisions in order");
	same_bytewise("pop3 session", MAIL_POP3, &cfg, pop3_session);

	cfg.tls = MAIL_TLS_STRIP;
	session(MAIL_POP3, &cfg, pop3_session, 0);
	tap_ok(strstr(r.side[MAIL_SERVER].out, "+OK\r\nUSER\r\nPIPELINING\r\n.\r\n") != NULL,
	       "tls strip: STLS is cut from CAPA");
	tap_eq(st.tls_stripped, 1, "counted");
}

TAP_SUITE(mailscan_pop3_attacks)
{
	struct mail_config cfg = cfg_default();
	static const struct step early[] = {
		S("+OK ready\r\n"),
		/* a message before RETR: the client reads it as RETR's answer */
		S("+OK\r\nVIRUS\r\n.\r\n"),
		C("NOOP\r\n"),
		END
	};
	static const struct step early2[] = {
		S("+OK ready\r\n"),
		S("+OK\r\n+OK\r\nVIRUS\r\n.\r\n"),
		C("NOOP\r\n"),
		C("RETR 1\r\n"),
		END
	};
	static const struct step err[] = {
		S("+OK ready\r\n"),
		C("RETR 9\r\nNOOP\r\n"),
		S("-ERR no such message\r\n+OK\r\n"),
		END
	};
	static const struct step junk[] = {
		S("+OK ready\r\n"),
		C("RETR 1\r\n"),
		S("OK\r\nVIRUS\r\n.\r\n"),
		END
	};
	static const struct step bare[] = {
		S("+OK ready\r\n"),
		C("LIST\r\nRETR 1\r\n"),
		S("+OK\r\n1 10\n.\r\n+OK\r\nVIRUS\r\n.\r\n"),
		END
	};
	static const struct step trunc[] = {
		S("+OK ready\r\n"),
		C("RETR 1\r\n"),
		S("+OK\r\nSubject: x\r\n"),
		{ 's', NULL },
		END
	};

	session(MAIL_POP3, &cfg, early, 0);
	tap_streq(r.side[MAIL_SERVER].out, "+OK ready\r\n+OK\r\n",
		  "an unasked response waits; NOOP gets its first line only");
	tap_streq(r.events, "", "nothing else");
	session(MAIL_POP3, &cfg, early2, 0);
	tap_streq(r.events, "Sm21+4160 !infected Si21<BODY> Sc21+7",
		  "the waiting bytes answer RETR: scanned");
	session(MAIL_POP3, &cfg, err, 0);
	tap_streq(r.events, "", "-ERR: no message");
	tap_streq(r.side[MAIL_SERVER].out, r.side[MAIL_SERVER].given, "all passed");
	session(MAIL_POP3, &cfg, junk, 0);
	tap_streq(r.events, "!ambiguous K", "neither +OK nor -ERR to RETR: killed");
	session(MAIL_POP3, &cfg, bare, 0);
	tap_streq(r.events, "!ambiguous K", "a \".\" line after a bare LF: killed");
	session(MAIL_POP3, &cfg, trunc, 0);
	tap_streq(r.events, "Sm16+4160 !truncated K", "the server ended inside a message");
	tap_eq(st.unparseable, 1, "counted");
	same_bytewise("pop3 early2", MAIL_POP3, &cfg, early2);
}

TAP_SUITE(mailscan_pop3_stls)
{
	struct mail_config cfg = cfg_default();
	static const struct step stls[] = {
		S("+OK ready\r\n"),
		C("STLS\r\n\x16\x03"),
		S("+OK begin TLS\r\n"),
		END
	};
	static const struct step auth[] = {
		S("+OK ready\r\n"),
		C("AUTH PLAIN\r\n"),
		S("+ \r\n"),
		C("RETR\r\n"),		/* the answer, not a command */
		S("+OK logged in\r\n"),
		C("AUTH\r\n"),
		S("+OK\r\nPLAIN\r\n.\r\n"),
		END
	};

	session(MAIL_POP3, &cfg, stls, 0);
	tap_streq(r.events, "!starttls CA SA", "allow: passed whole after +OK");
	tap_streq(r.side[MAIL_CLIENT].out, "STLS\r\n[ALL]", "the client's bytes waited");
	cfg.tls = MAIL_TLS_BLOCK;
	session(MAIL_POP3, &cfg, stls, 0);
	tap_streq(r.events, "!starttls K", "block: killed");
	cfg.tls = MAIL_TLS_ALLOW;
	session(MAIL_POP3, &cfg, auth, 0);
	tap_streq(r.events, "", "AUTH challenges and the mechanism list");
	tap_streq(r.side[MAIL_SERVER].out, r.side[MAIL_SERVER].given, "all passed");
}

/* ---- IMAP ---- */

static const struct step imap_session[] = {
	S("* OK [CAPABILITY IMAP4rev1 STARTTLS LITERAL+ COMPRESS=DEFLATE] ready\r\n"),
	C("a1 CAPABILITY\r\n"),
	S("* CAPABILITY IMAP4rev1 STARTTLS LITERAL+\r\na1 OK done\r\n"),
	C("a2 LOGIN {4}\r\n"),
	S("+ go\r\n"),
	C("user {8+}\r\npassword\r\n"),
	S("a2 OK [CAPABILITY IMAP4rev1 STARTTLS] logged in\r\n"),
	C("a3 SELECT INBOX\r\na4 FETCH 1 BODY[]\r\n"),
	S("* 1 FETCH (BODY[] {13}\r\nSubject: a\r\n)\r\na4 OK done\r\n"),
	C("a5 FETCH 2 (BODY[HEADER] BODY[]<0>)\r\n"),
	S("* 2 FETCH (BODY[HEADER] {7}\r\nVIRUS\r\n BODY[]<0> {7}\r\nVIRUS\r\n)\r\n"
	  "a5 OK done\r\n"),
	S("* 3 FETCH (UID 7 RFC822 {19}\r\nSubject: b\r\nVIRUS\r\n)\r\n"),
	END
};

TAP_SUITE(mailscan_imap_session)
{
	struct mail_config cfg = cfg_default();

	session(MAIL_IMAP, &cfg, imap_session, 0);
	tap_streq(r.events, "Sm203+13 Sm334+19 !infected K",
		  "BODY[] and RFC822 are held and scanned; infected kills");
	tap_eq(st.messages, 2, "two whole messages scanned");
	tap_streq(r.scanned, "Subject: b\r\nVIRUS\r\n", "the literal is the message");
	tap_streq(r.side[MAIL_CLIENT].out, r.side[MAIL_CLIENT].given,
		  "the client's literals are skipped, commands pass");
	tap_ok(strstr(r.side[MAIL_SERVER].out, "BODY[]<0> {7}\r\nVIRUS\r\n)\r\n") != NULL,
	       "sections and partial fetches pass unread");
	tap_eq(r.violations, 0, "decisions in order");
	same_bytewise("imap session", MAIL_IMAP, &cfg, imap_session);

	cfg.tls = MAIL_TLS_STRIP;
	session(MAIL_IMAP, &cfg, imap_session, 0);
	tap_ok(!strncmp(r.side[MAIL_SERVER].out,
			"* OK [CAPABILITY IMAP4rev1 LITERAL+] ready\r\n"
			"* CAPABILITY IMAP4rev1 LITERAL+\r\na1 OK done\r\n+ go\r\n"
			"a2 OK [CAPABILITY IMAP4rev1] logged in\r\n", 135),
	       "tls strip: STARTTLS and COMPRESS=DEFLATE cut from every list: %s",
	       r.side[MAIL_SERVER].out);
	tap_eq(st.tls_stripped, 4, "counted");
}

TAP_SUITE(mailscan_imap_starttls_literals)
{
	struct mail_config cfg = cfg_default();
	static const struct step tls[] = {
		S("* OK ready\r\n"),
		C("a1 STARTTLS\r\n\x16\x03"),
		S("a1 OK begin\r\n"),
		END
	};
	static const struct step refused[] = {
		S("* OK ready\r\n"),
		C("a1 COMPRESS DEFLATE\r\n"),
		S("a1 NO not now\r\n"),
		C("a2 APPEND box {5}\r\n"),
		S("a2 NO too big\r\n"),	/* the literal is never sent */
		C("a3 STARTTLS\r\n"),
		S("a3 OK go\r\n"),
		END
	};
	static const struct step bare[] = {
		S("* OK ready\r\n"),
		C("a1 FETCH 1 BODY[]\r\n"),
		S("* 1 FETCH (BODY[]\n {7}\r\nVIRUS\r\n)\r\n"),
		END
	};
	static const struct step big[] = {
		S("* OK ready\r\n"),
		C("a1 FETCH 1 BODY[]\r\n"),
		S("* 1 FETCH (BODY[] {99999}\r\n"),
		END
	};
	static const struct step trunc[] = {
		S("* OK ready\r\n"),
		C("a1 FETCH 1 BODY[]\r\n"),
		S("* 1 FETCH (BINARY[] ~{20}\r\nSubject:"),
		{ 's', NULL },
		END
	};

	session(MAIL_IMAP, &cfg, tls, 0);
	tap_streq(r.events, "!starttls CA SA", "allow: tagged OK passes the rest");
	tap_streq(r.side[MAIL_CLIENT].out, "a1 STARTTLS\r\n[ALL]", "the client waited");
	session(MAIL_IMAP, &cfg, refused, 0);
	tap_streq(r.events, "!starttls CA SA",
		  "refusals and an unsent literal leave commands readable");
	tap_streq(r.side[MAIL_CLIENT].out,
		  "a1 COMPRESS DEFLATE\r\na2 APPEND box {5}\r\na3 STARTTLS\r\n[ALL]", "order");
	cfg.tls = MAIL_TLS_BLOCK;
	session(MAIL_IMAP, &cfg, refused, 0);
	tap_streq(r.events, "!starttls K", "block: COMPRESS as STARTTLS");
	session(MAIL_IMAP, &cfg, bare, 0);
	tap_streq(r.events, "!ambiguous K", "a server's bare LF is killed");
	session(MAIL_IMAP, &cfg, big, 0);
	tap_streq(r.events, "!oversize K", "a literal over max is killed");
	cfg.bad = MAIL_BAD_PASS;
	session(MAIL_IMAP, &cfg, big, 0);
	tap_streq(r.events, "!oversize", "or passed unread");
	session(MAIL_IMAP, &cfg, trunc, 0);
	tap_streq(r.events, "Sm39+20 !truncated", "literal8 held; truncated passes by policy");
	tap_ok(strstr(r.side[MAIL_SERVER].out, "Subject:") != NULL, "passed");
}

/* ---- desynchronisations with real receivers ---- */

/*
 * Postfix's smtp_get() strips every CR before the LF, so ".\r\r\n" ends
 * DATA there; what follows is read as commands and a second message.
 */
TAP_SUITE(mailscan_smtp_dot_cr_cr)
{
	struct mail_config cfg = cfg_default();
	static const struct step steps[] = {
		S("220 mx\r\n"),
		C("HELO me\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n"),
		S("250 mx\r\n250 ok\r\n250 ok\r\n354 go\r\n"),
		C("Subject: x\r\n\r\nclean\r\n.\r\r\n"
		  "MAIL FROM:<e@v>\r\nRCPT TO:<b@y>\r\nDATA\r\n"
		  "Content-Type: application/octet-stream\r\n\r\nVIRUS\r\n.\r\n"),
		END
	};

	session(MAIL_SMTP, &cfg, steps, 0);
	tap_ok(r.over && !strstr(r.side[MAIL_CLIENT].out, "clean"),
	       "\".\\r\\r\\n\" (the end of DATA for Postfix) is killed: %s", r.events);
}

/*
 * Postfix and aiosmtpd strip every trailing CR of a command, Exim every
 * trailing isspace(): each of these is DATA for them.
 */
TAP_SUITE(mailscan_smtp_data_variants)
{
	static const char *const verbs[] = { "DATA\r\r\n", "DATA\v\r\n", "DATA\f\r\n" };

	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++) {
		struct mail_config cfg = cfg_default();
		const struct step steps[] = {
			S("220 mx\r\n"),
			C("HELO me\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\n"),
			S("250 mx\r\n250 ok\r\n250 ok\r\n"),
			C(verbs[i]),
			S("354 go\r\n"),
			C("Subject: x\r\n\r\nVIRUS\r\n.\r\n"),
			S("250 queued\r\n"),
			END
		};

		session(MAIL_SMTP, &cfg, steps, 0);
		tap_ok(r.over || st.messages == 1,
		       "verb %zu: the message after 354 is scanned or the connection killed "
		       "(events \"%s\", messages %llu)", i, r.events,
		       (unsigned long long)st.messages);
		tap_ok(!strstr(r.side[MAIL_CLIENT].out, "VIRUS"),
		       "verb %zu: the server never reads the message unjudged", i);
	}
}

/*
 * Exim reads a command line of more than 16384 bytes as two commands
 * (smtp_read_command() returns at SMTP_CMD_BUFFER_SIZE and the rest of the
 * line is the next one): a server reply more than the engine expects.
 */
TAP_SUITE(mailscan_smtp_exim_long_line)
{
	struct mail_config cfg = cfg_default();
	static char line[16384 + 16];
	struct step steps[] = {
		S("220 mx\r\n"),
		C("HELO me\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\n"),
		S("250 mx\r\n250 ok\r\n250 ok\r\n"),
		C(line),
		S("500 unrecognized command\r\n354 go\r\n"),
		C("Subject: x\r\n\r\nVIRUS\r\n.\r\n"),
		S("250 queued\r\n"),
		END
	};

	cfg.max_line = 65536;
	memset(line, 'X', 16384);
	memcpy(line + 16384, "DATA\r\n", 7);
	session(MAIL_SMTP, &cfg, steps, 0);
	tap_ok(!strstr(r.side[MAIL_CLIENT].out, "VIRUS"),
	       "the message after Exim's 354 is not passed unjudged (events \"%s\")",
	       r.events);
}

/*
 * A literal's length with leading zeros: clients read {000...0019} as 19
 * (imaplib: int(), C clients: strtoul()).
 */
TAP_SUITE(mailscan_imap_literal_zeros)
{
	struct mail_config cfg = cfg_default();
	static const struct step steps[] = {
		S("* OK ready\r\n"),
		C("a1 FETCH 1 BODY[]\r\n"),
		S("* 1 FETCH (BODY[] {0000000000000000000019}\r\n"
		  "Subject: b\r\nVIRUS\r\n)\r\na1 OK done\r\n"),
		END
	};

	session(MAIL_IMAP, &cfg, steps, 0);
	tap_ok(!strstr(r.side[MAIL_SERVER].out, "VIRUS"),
	       "a 19-byte literal written with leading zeros is scanned or killed "
	       "(events \"%s\")", r.events);
}

/*
 * A line no server list foresees may still be DATA for some server: the
 * client's bytes after it wait for its reply, and a 354 to it is killed.
 */
TAP_SUITE(mailscan_smtp_unknown_waits)
{
	struct mail_config cfg = cfg_default();
	static const struct step odd[] = {
		S("220 mx\r\n"),
		C("EHLO me\r\n"),
		S("250 mx\r\n"),
		C("MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\xa0\r\n"
		  "Subject: x\r\n\r\nVIRUS\r\n.\r\n"),
		S("250 ok\r\n250 ok\r\n"),
		S("354 go\r\n"),
		END
	};
	static const struct step refused[] = {
		S("220 mx\r\n"),
		C("EHLO me\r\nXDATA\r\nNOOP\r\n"),
		S("250 mx\r\n"),
		S("500 what\r\n"),
		S("250 ok\r\n"),
		END
	};
	static const struct step after_dot[] = {
		S("220 mx\r\n"),
		C("HELO me\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n"),
		S("250 mx\r\n250 ok\r\n250 ok\r\n354 go\r\n"),
		C("Subject: x\r\n\r\nclean\r\n.\r\nSubject: y\r\n\r\nVIRUS\r\n.\r\n"),
		S("354 more\r\n"),
		END
	};
	static const struct step verbs[] = {
		S("220 mx\r\n"),
		C("  \tdata\f\r\n"),
		S("354 go\r\n"),
		C("Subject: x\r\n\r\nclean\r\n.\r\n"),
		S("250 queued\r\n"),
		END
	};

	session(MAIL_SMTP, &cfg, odd, 0);
	tap_ok(strstr(r.events, "!ambiguous K") != NULL && !st.messages,
	       "a 354 to a line the engine does not know: killed (%s)", r.events);
	tap_ok(!strstr(r.side[MAIL_CLIENT].out, "VIRUS"), "what followed it never passed");

	session(MAIL_SMTP, &cfg, refused, 0);
	tap_streq(r.events, "", "refused: no alert");
	tap_streq(r.side[MAIL_CLIENT].out, r.side[MAIL_CLIENT].given, "the commands all pass");
	session(MAIL_SMTP, &cfg, refused, 0);
	session(MAIL_SMTP, &cfg, (const struct step[]){
		S("220 mx\r\n"), C("EHLO me\r\nXDATA\r\nNOOP\r\n"), S("250 mx\r\n"), END }, 0);
	tap_streq(r.side[MAIL_CLIENT].out, "EHLO me\r\nXDATA\r\n",
		  "the bytes after an unknown line wait for its reply");

	session(MAIL_SMTP, &cfg, after_dot, 0);
	tap_ok(r.over && strstr(r.events, "!ambiguous"),
	       "a 354 to the end of a message is killed: %s", r.events);
	tap_ok(!strstr(r.side[MAIL_CLIENT].out, "VIRUS"), "the second message never passed");

	session(MAIL_SMTP, &cfg, verbs, 0);
	tap_eq(st.messages, 1, "leading whitespace and a trailing FF: still DATA");
	tap_streq(r.events, "Cm10+4160", "held as a message");
	same_bytewise("smtp unknown refused", MAIL_SMTP, &cfg, refused);
}

/* AUTH ends a pipelined group (RFC 4954); only a 334 asks for a line. */
TAP_SUITE(mailscan_smtp_auth_waits)
{
	struct mail_config cfg = cfg_default();
	static const struct step pipelined[] = {
		S("220 mx\r\n"),
		C("AUTH PLAIN AGEAYg==\r\nMAIL FROM:<a@x>\r\n"),
		S("235 ok\r\n"),
		S("250 ok\r\n"),
		END
	};
	static const struct step refused[] = {
		S("220 mx\r\n"),
		C("AUTH LOGIN\r\n"),
		S("334 VXNlcm5hbWU6\r\n"),
		C("dXNlcg==\r\n"),
		S("535 no\r\n"),
		C("DATA\r\n"),
		S("354 go\r\n"),
		C("Subject: x\r\n\r\nVIRUS\r\n.\r\n"),
		END
	};

	static const struct step unanswered[] = {
		S("220 mx\r\n"),
		C("AUTH LOGIN\r\n"),
		S("334 VXNlcm5hbWU6\r\n"),
		S("535 too slow\r\n"),	/* before the client answered */
		C("DATA\r\n"),
		S("354 go\r\n"),
		C("Subject: x\r\n\r\nVIRUS\r\n.\r\n"),
		END
	};

	session(MAIL_SMTP, &cfg, unanswered, 0);
	tap_eq(st.messages, 1, "a 535 ends the challenge: the next line is a command");
	tap_ok(!strstr(r.side[MAIL_CLIENT].out, "VIRUS"), "and its message scanned");
	session(MAIL_SMTP, &cfg, (const struct step[]){
		S("220 mx\r\n"), C("AUTH PLAIN AGEAYg==\r\nMAIL FROM:<a@x>\r\n"), END }, 0);
	tap_streq(r.side[MAIL_CLIENT].out, "AUTH PLAIN AGEAYg==\r\n",
		  "the bytes after AUTH wait for its reply");
	session(MAIL_SMTP, &cfg, pipelined, 0);
	tap_streq(r.side[MAIL_CLIENT].out, r.side[MAIL_CLIENT].given, "then pass");
	tap_streq(r.events, "", "no alert");
	session(MAIL_SMTP, &cfg, refused, 0);
	tap_eq(st.messages, 1, "after a 535 the next line is a command: DATA, then a message");
	tap_ok(!strstr(r.side[MAIL_CLIENT].out, "VIRUS"), "scanned, the part replaced");
	same_bytewise("smtp auth refused", MAIL_SMTP, &cfg, refused);
}

/* Command lines over 2048 bytes are killed whatever --bad-input says. */
TAP_SUITE(mailscan_command_line_limit)
{
	struct mail_config cfg = cfg_default();
	static char smtp_ok[2048 + 16], smtp_long[2049 + 16], pop3_long[2049 + 16];
	static char auth_ok[12288 + 16], auth_long[12289 + 16];
	struct step smtp[] = { S("220 mx\r\n"), C(smtp_ok), S("250 ok\r\n"), END };
	struct step smtp2[] = { S("220 mx\r\n"), C(smtp_long), END };
	struct step pop3[] = { S("+OK ready\r\n"), C(pop3_long), END };
	struct step auth[] = { S("220 mx\r\n"), C("AUTH GSSAPI\r\n"), S("334 \r\n"),
			       C(auth_ok), S("235 ok\r\n"), END };
	struct step auth2[] = { S("220 mx\r\n"), C("AUTH GSSAPI\r\n"), S("334 \r\n"),
				C(auth_long), END };

	cfg.max_line = 65536;
	cfg.bad = MAIL_BAD_PASS;
	memcpy(smtp_ok, "NOOP ", 5);
	memset(smtp_ok + 5, 'x', 2048 - 5);
	memcpy(smtp_ok + 2048, "\r\n", 3);
	memcpy(smtp_long, "NOOP ", 5);
	memset(smtp_long + 5, 'x', 2049 - 5);
	memcpy(smtp_long + 2049, "\r\n", 3);
	memcpy(pop3_long, "NOOP ", 5);
	memset(pop3_long + 5, 'x', 2049 - 5);
	memcpy(pop3_long + 2049, "\r\n", 3);
	memset(auth_ok, 'A', 12288);
	memcpy(auth_ok + 12288, "\r\n", 3);
	memset(auth_long, 'A', 12289);
	memcpy(auth_long + 12289, "\r\n", 3);

	session(MAIL_SMTP, &cfg, smtp, 0);
	tap_streq(r.events, "", "2048 bytes: a command");
	tap_streq(r.side[MAIL_CLIENT].out, smtp_ok, "passed");
	session(MAIL_SMTP, &cfg, smtp2, 0);
	tap_streq(r.events, "!ambiguous K", "2049 bytes: killed, policy pass or not");
	tap_eq(st.protocol_errors, 1, "counted");
	tap_streq(r.side[MAIL_CLIENT].out, "", "nothing of it passed");
	session(MAIL_SMTP, &cfg, smtp2, 7);
	tap_streq(r.events, "!ambiguous K", "in pieces too");
	session(MAIL_POP3, &cfg, pop3, 0);
	tap_streq(r.events, "!ambiguous K", "POP3 as SMTP");
	session(MAIL_SMTP, &cfg, auth, 0);
	tap_streq(r.events, "", "an answer to 334 may be 12288 bytes");
	session(MAIL_SMTP, &cfg, auth2, 0);
	tap_streq(r.events, "!ambiguous K", "not more");
}

/* POP3 AUTH: the client waits for the challenge, a refusal ends them. */
TAP_SUITE(mailscan_pop3_auth)
{
	struct mail_config cfg = cfg_default();
	static const struct step refused[] = {
		S("+OK ready\r\n"),
		C("AUTH PLAIN\r\n"),
		S("+ \r\n"),
		C("AGEAYg==\r\n"),
		S("-ERR no\r\n"),
		C("RETR 1\r\n"),
		S("+OK\r\nVIRUS\r\n.\r\n"),
		END
	};

	session(MAIL_POP3, &cfg, (const struct step[]){
		S("+OK ready\r\n"), C("AUTH PLAIN\r\nRETR 1\r\n"), END }, 0);
	tap_streq(r.side[MAIL_CLIENT].out, "AUTH PLAIN\r\n", "the bytes after AUTH wait");
	session(MAIL_POP3, &cfg, refused, 0);
	tap_eq(st.messages, 1, "after -ERR, RETR is a command and its message scanned");
	tap_ok(!strstr(r.side[MAIL_SERVER].out, "VIRUS"), "edited");
	same_bytewise("pop3 auth refused", MAIL_POP3, &cfg, refused);
}

/* The server names its FETCH items: the client's command says what is a message. */
TAP_SUITE(mailscan_imap_fetch_labels)
{
	struct mail_config cfg = cfg_default();
	static const struct step relabelled[] = {
		S("* OK ready\r\n"),
		C("a1 UID FETCH 7 (FLAGS BODY.PEEK[])\r\n"),
		S("* 1 FETCH (UID 7 FLAGS () BODY[TEXT] {19}\r\nSubject: b\r\nVIRUS\r\n)\r\n"),
		S("a1 OK done\r\n"),
		END
	};
	static const struct step answered[] = {
		S("* OK ready\r\n"),
		C("a1 FETCH 1 RFC822\r\n"),
		S("* 1 FETCH (RFC822 {13}\r\nSubject: a\r\n)\r\na1 OK done\r\n"),
		C("a2 FETCH 1 (BODY[1] BINARY[]<0.10>)\r\n"),
		S("* 1 FETCH (BODY[1] {7}\r\nVIRUS\r\n BINARY[]<0> {7}\r\nVIRUS\r\n)\r\n"
		  "a2 OK done\r\n"),
		END
	};
	static const struct step others[] = {
		S("* OK ready\r\n"),
		C("a1 FETCH 1 BINARY.PEEK[]\r\na2 FETCH 2 BODY[1]\r\n"),
		S("* 1 FETCH (BODY[1] {7}\r\nVIRUS\r\n)\r\na2 OK done\r\n"),
		END
	};

	session(MAIL_IMAP, &cfg, relabelled, 0);
	tap_streq(r.events, "Sm55+19 !infected K",
		  "BODY.PEEK[] asked, BODY[TEXT] answered: scanned as a message");
	tap_ok(!strstr(r.side[MAIL_SERVER].out, "VIRUS"), "never read unjudged");

	session(MAIL_IMAP, &cfg, answered, 0);
	tap_eq(st.messages, 1, "after the tagged reply, sections asked for pass unread");
	tap_streq(r.events, "Sm36+13", "RFC822 held; no alert");
	tap_streq(r.side[MAIL_SERVER].out, r.side[MAIL_SERVER].given, "all passed");
	same_bytewise("imap answered", MAIL_IMAP, &cfg, answered);

	session(MAIL_IMAP, &cfg, others, 0);
	tap_streq(r.events, "Sm36+7 !infected K",
		  "another command's tagged reply does not end the whole fetch");
}

/* Literal lengths clients cannot read alike, and FETCH literals too big to be scanned. */
TAP_SUITE(mailscan_imap_literal_lengths)
{
	static const char *const killed[] = {
		"* 1 FETCH (BODY[1] {1000000000000000000}\r\n",
		"* LIST () \"/\" {1000000000000000000}\r\n",
		"* LIST () \"/\" {2147483648}\r\n",
		"* 1 FETCH (BODY[1] {0002147483648}\r\n",
		"* 1 FETCH (BODY[1] {4097}\r\n",
	};
	struct mail_config cfg = cfg_default();
	const struct step fine[] = {
		S("* OK ready\r\n"),
		C("a1 LIST \"\" *\r\n"),
		S("* LIST () \"/\" {2147483647}\r\nINBOX"),
		END
	};

	for (size_t i = 0; i < ARRAY_SIZE(killed); i++) {
		const struct step steps[] = {
			S("* OK ready\r\n"),
			C("a1 FETCH 1 BODY[1]\r\n"),
			S(killed[i]),
			END
		};

		cfg.bad = MAIL_BAD_PASS;
		session(MAIL_IMAP, &cfg, steps, 0);
		tap_streq(r.events, "!ambiguous K", "killed, whatever the policy: %s", killed[i]);
		tap_eq(st.protocol_errors, 1, "counted");
	}
	cfg.bad = MAIL_BAD_KILL;

	session(MAIL_IMAP, &cfg, fine, 0);
	tap_streq(r.events, "", "2^31-1 outside a FETCH: a literal passed unread");
	tap_ok(strstr(r.side[MAIL_SERVER].out, "INBOX") != NULL, "passed");
}
