// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * sis-mailscan: the e-mail virus scanner of the paper (section 5.2). It
 * contains the TCP streams of SMTP, POP3 and IMAP connections, holds each
 * mail message whole (asking the kernel for more, which takes custody of
 * it when the sender has no room left), parses it with GMime, checks every
 * decoded part against an MD5 list and with libclamav, and replaces an
 * infected part with a notice the administrator registered (cut, then
 * inject), alerting with the original message. See
 * Documentation/mailscan.md.
 *
 * The protocol is the server's port's (--smtp-ports, --pop3-ports,
 * --imap-ports); the connections are those of the stream capabilities
 * given with -c (mail-out and mail-in: the host as client, and as server),
 * both directions, read and contain.
 *
 * It logs to stderr, prints "ready" on stdout once subscribed, and its
 * counters as one JSON object on stdout on SIGUSR1 and at exit (SIGTERM,
 * SIGINT, or the scanner deleted).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* strerrorname_np() */
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <sis/scanner.h>

#include "detect.h"
#include "message.h"
#include "proto.h"

#define MAX_CAPS	8
#define MAX_PORTS	16

/*
 * The kernel refuses a whole request past SIS_EDITS_MAX cuts and
 * injections in a direction (-ENOSPC), other connections' decisions in
 * it too: a connection that would come this close is killed instead.
 */
#define EDITS_LIMIT	(SIS_EDITS_MAX - 16)

/*
 * A connection with no event for this long lost its end events
 * (SIS_EVENT_LOST): the bridge ends idle connections long before.
 */
#define IDLE_TIMEOUT_DEFAULT	(2 * 3600)
#define REAP_EVERY		60	/* seconds */

static const char *const proto_names[] = {
	[MAIL_SMTP] = "smtp", [MAIL_POP3] = "pop3", [MAIL_IMAP] = "imap",
};

struct port_list {
	uint16_t port[MAX_PORTS];
	unsigned int n;
};

/* Counters of the connection table and the scanner's own requests. */
struct main_counters {
	uint64_t conns_other;	/* on no mail port: passed unread */
	uint64_t conns_partial;	/* a direction not contained: passed unread */
	uint64_t lost;		/* SIS_EVENT_LOST */
	uint64_t alerts;
	uint64_t alerts_bare;	/* sent without the message attached */
	uint64_t alerts_failed;
	uint64_t requests_failed;
	uint64_t edits_killed;	/* killed before SIS_EDITS_MAX edits */
	uint64_t reaped;	/* idle entries freed: their end events lost */
};

struct mailscan {
	struct sis_scanner *sc;
	const char *name;
	struct mail_detect *detect;	/* NULL with --null */
	struct mail_config cfg;
	struct mail_stats stats;
	struct main_counters n;
	struct port_list ports[3];	/* by enum mail_proto */
	uint32_t block_id[MAIL_BLOCK_COUNT];
	struct mconn **buckets;
	size_t nbuckets;		/* a power of two */
	size_t nconns;
	struct mconn *editing;		/* edited during this event: flush after */
	uint64_t idle_timeout;		/* seconds */
	uint64_t now;			/* seconds, CLOCK_MONOTONIC */
};

/* A connection the scanner follows. */
struct mconn {
	struct mconn *next;		/* in its bucket */
	struct mailscan *ms;
	struct mail_conn *engine;
	uint64_t id;
	enum mail_proto proto;
	uint8_t dir[2];			/* by enum mail_side: SIS_DIR_IN or _OUT */
	uint64_t decided[2];		/* passed or cut up to here */
	unsigned int edits[2];		/* cuts and injections sent */
	bool ended[2];
	bool finished;			/* killed, passed whole or a request failed: no more requests */
	uint64_t last_event;		/* seconds, CLOCK_MONOTONIC */
	char desc[160];			/* "smtp 10.0.0.1:40000 > 10.0.0.2:25" */
};

static int verbose;

static void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logmsg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("sis-mailscan: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void __attribute__((noreturn)) die(const char *step, int err, const char *extack)
{
	fprintf(stderr, "Error: %s: %s (%s)\n", step,
		extack && extack[0] ? extack : strerror(-err),
		strerrorname_np(-err) ? strerrorname_np(-err) : "?");
	exit(1);
}

static uint64_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec;
}

/*
 * A failed request is counted and logged, and no more are made for the
 * connection: the kernel never took it, so the offsets after it would be
 * wrong. Its fate is the kernel's (the fail policy).
 */
static void request_failed(struct mconn *c, const char *what, int r)
{
	c->ms->n.requests_failed++;
	c->finished = true;
	logmsg("conn %" PRIu64 ": %s: %s: no more requests for it", c->id, what,
	       strerror(-r));
}

/* ---- the connection table ---- */

static size_t bucket_of(const struct mailscan *ms, uint64_t id)
{
	return (size_t)((id * 0x9e3779b97f4a7c15ull) >> 32) & (ms->nbuckets - 1);
}

static struct mconn *conn_find(struct mailscan *ms, uint64_t id)
{
	struct mconn *c;

	for (c = ms->buckets[bucket_of(ms, id)]; c; c = c->next)
		if (c->id == id)
			return c;
	return NULL;
}

static void table_grow(struct mailscan *ms)
{
	size_t n = ms->nbuckets * 2, i;
	struct mconn **b = calloc(n, sizeof(*b));

	if (!b)
		return;		/* longer chains, still correct */
	for (i = 0; i < ms->nbuckets; i++) {
		struct mconn *c = ms->buckets[i], *next;

		for (; c; c = next) {
			size_t h = (size_t)((c->id * 0x9e3779b97f4a7c15ull) >> 32) & (n - 1);

			next = c->next;
			c->next = b[h];
			b[h] = c;
		}
	}
	free(ms->buckets);
	ms->buckets = b;
	ms->nbuckets = n;
}

static void conn_insert(struct mailscan *ms, struct mconn *c)
{
	size_t h;

	if (ms->nconns >= ms->nbuckets)
		table_grow(ms);
	h = bucket_of(ms, c->id);
	c->next = ms->buckets[h];
	ms->buckets[h] = c;
	ms->nconns++;
}

static void conn_free(struct mailscan *ms, struct mconn *c)
{
	struct mconn **p = &ms->buckets[bucket_of(ms, c->id)];

	while (*p != c)
		p = &(*p)->next;
	*p = c->next;
	ms->nconns--;
	mail_conn_free(c->engine);
	free(c);
}

/* ---- what the engine asks for, as libsis calls ---- */

static void op_pass(void *ctx, enum mail_side side, uint64_t upto)
{
	struct mconn *c = ctx;
	int r;

	if (c->finished || upto <= c->decided[side])
		return;
	r = sis_stream_pass(c->ms->sc, c->id, c->dir[side], c->decided[side],
			    upto - c->decided[side]);
	if (r < 0) {
		request_failed(c, "pass", r);
		return;
	}
	c->decided[side] = upto;
}

static void op_pass_all(void *ctx, enum mail_side side)
{
	struct mconn *c = ctx;
	int r;

	if (c->finished)
		return;
	r = sis_stream_pass(c->ms->sc, c->id, c->dir[side], c->decided[side],
			    SIS_PASS_ALL);
	if (r < 0)
		request_failed(c, "pass", r);
}

static void op_kill(void *ctx);
static void op_alert(void *ctx, const struct mail_alert *a);

/*
 * Before an edit: false when the connection is finished, or killed here
 * because the edit would go past EDITS_LIMIT. The first edit of an event
 * first sends what other connections queued, and the event's end sends
 * the edits (on_data(), on_end()): a request the kernel refuses then
 * holds this connection's decisions only.
 */
static bool edit_ok(struct mconn *c, enum mail_side side)
{
	struct mailscan *ms = c->ms;
	char text[200];
	int r;

	if (c->finished)
		return false;
	if (c->edits[side] >= EDITS_LIMIT) {
		struct mail_alert a = { .what = "edits", .text = text };

		snprintf(text, sizeof(text),
			 "more than %d cuts and injections in the %s's stream: "
			 "connection killed", EDITS_LIMIT,
			 side == MAIL_CLIENT ? "client" : "server");
		ms->n.edits_killed++;
		op_alert(c, &a);
		op_kill(c);
		return false;
	}
	if (ms->editing != c) {
		r = sis_flush(ms->sc);
		if (r < 0) {
			ms->n.requests_failed++;
			logmsg("flush: %s", strerror(-r));
		}
		ms->editing = c;
	}
	c->edits[side]++;
	return true;
}

/* After an event: send the edits it made, alone. */
static void edits_flush(struct mailscan *ms)
{
	int r;

	if (!ms->editing)
		return;
	ms->editing = NULL;
	r = sis_flush(ms->sc);
	if (r < 0) {
		ms->n.requests_failed++;
		logmsg("flush: %s", strerror(-r));
	}
}

static void op_cut(void *ctx, enum mail_side side, uint64_t off, uint64_t len)
{
	struct mconn *c = ctx;
	int r;

	op_pass(ctx, side, off);
	if (!len || !edit_ok(c, side))
		return;
	r = sis_stream_cut(c->ms->sc, c->id, c->dir[side], off, len);
	if (r < 0) {
		request_failed(c, "cut", r);
		return;
	}
	c->decided[side] = off + len;
	if (verbose)
		logmsg("conn %" PRIu64 ": cut %s %" PRIu64 "+%" PRIu64, c->id,
		       c->dir[side] == SIS_DIR_IN ? "in" : "out", off, len);
}

static void op_inject(void *ctx, enum mail_side side, uint64_t off,
		      enum mail_block block)
{
	struct mconn *c = ctx;
	int r;

	op_pass(ctx, side, off);
	if (!edit_ok(c, side))
		return;
	r = sis_stream_inject(c->ms->sc, c->id, c->dir[side], off,
			      c->ms->block_id[block]);
	if (r < 0) {
		request_failed(c, "inject", r);
		return;
	}
	if (verbose)
		logmsg("conn %" PRIu64 ": inject block %u %s at %" PRIu64, c->id,
		       c->ms->block_id[block],
		       c->dir[side] == SIS_DIR_IN ? "in" : "out", off);
}

static void op_more(void *ctx, enum mail_side side, uint64_t off, uint64_t len)
{
	struct mconn *c = ctx;
	int r;

	if (c->finished)
		return;
	r = sis_stream_more(c->ms->sc, c->id, c->dir[side], off, len);
	if (r < 0)
		request_failed(c, "more", r);
}

static void op_kill(void *ctx)
{
	struct mconn *c = ctx;
	int r;

	if (c->finished)
		return;
	r = sis_stream_kill(c->ms->sc, c->id, c->dir[MAIL_CLIENT]);
	if (r < 0)
		request_failed(c, "kill", r);
	c->finished = true;
	logmsg("conn %" PRIu64 ": %s: killed", c->id, c->desc);
}

static void op_alert(void *ctx, const struct mail_alert *a)
{
	struct mconn *c = ctx;
	char extack[SIS_EXTACK_MAX], text[SIS_ALERT_MSG_MAX + 1];
	int len, r;

	/* The connection says the protocol. */
	len = snprintf(text, sizeof(text), "mailscan: %s (%s, conn %" PRIu64 ")",
		       a->text, c->desc, c->id);
	if (len < 0)
		return;
	if ((size_t)len > SIS_ALERT_MSG_MAX)
		len = SIS_ALERT_MSG_MAX;
	logmsg("alert (%s): %.*s", a->what, len, text);
	if (a->msg_len)
		r = sis_alert_attach(c->ms->sc, text, (size_t)len, a->msg,
				     a->msg_len, extack, sizeof(extack));
	else
		r = sis_alert(c->ms->sc, text, (size_t)len, 0, extack,
			      sizeof(extack));
	if (r < 0) {
		c->ms->n.alerts_failed++;
		logmsg("alert: %s", extack[0] ? extack : strerror(-r));
		return;
	}
	c->ms->n.alerts++;
	if (r == 1)
		c->ms->n.alerts_bare++;
}

static int op_scan(void *ctx, const uint8_t *msg, size_t len,
		   struct mail_result *res)
{
	struct mconn *c = ctx;

	/* --null: held whole, passed unread (the benchmark's null scanner). */
	if (!c->ms->detect) {
		memset(res, 0, sizeof(*res));
		res->status = MAIL_CLEAN;
		return 0;
	}
	return mail_message_scan(c->ms->detect, msg, len, res);
}

static const struct mail_ops engine_ops = {
	.pass = op_pass, .pass_all = op_pass_all, .cut = op_cut,
	.inject = op_inject, .more = op_more, .kill = op_kill,
	.alert = op_alert, .scan = op_scan,
};

/* ---- events ---- */

static bool port_in(const struct port_list *l, uint16_t port)
{
	for (unsigned int i = 0; i < l->n; i++)
		if (l->port[i] == port)
			return true;
	return false;
}

static void format_end(char *buf, size_t size, int family, const uint8_t *addr,
		       uint16_t port)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(family, addr, a, sizeof(a));
	snprintf(buf, size, family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, port);
}

/* Pass the directions (conn->dirs: SIS_DIR_IN, _OUT or both) of a connection not followed. */
static void pass_unread(struct mailscan *ms, const struct sis_conn *conn)
{
	int r = 0;

	if (conn->dirs & SIS_DIR_IN)
		r = sis_stream_pass(ms->sc, conn->id, SIS_DIR_IN, 0, SIS_PASS_ALL);
	if (!r && (conn->dirs & SIS_DIR_OUT))
		r = sis_stream_pass(ms->sc, conn->id, SIS_DIR_OUT, 0, SIS_PASS_ALL);
	if (r < 0) {
		ms->n.requests_failed++;
		logmsg("conn %" PRIu64 ": pass: %s", conn->id, strerror(-r));
	}
}

static void on_open(struct mailscan *ms, const struct sis_conn *conn)
{
	/* The server's port: the end that did not open the connection. */
	uint16_t sport = conn->initiator == SIS_DIR_OUT ? conn->net_port : conn->host_port;
	char host[64], net[64];
	struct mconn *c;
	int p;

	for (p = 0; p < 3; p++)
		if (port_in(&ms->ports[p], sport))
			break;
	if (p == 3) {
		ms->n.conns_other++;
		pass_unread(ms, conn);
		return;
	}
	if (conn->dirs != SIS_DIR_ANY) {
		ms->n.conns_partial++;
		logmsg("conn %" PRIu64 ": its capability covers one direction: passed unread (use dir any)",
		       conn->id);
		pass_unread(ms, conn);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		logmsg("conn %" PRIu64 ": out of memory: left to the fail policy", conn->id);
		return;
	}
	c->ms = ms;
	c->id = conn->id;
	c->proto = p;
	/* The client's bytes go the way the initiator sends. */
	c->dir[MAIL_CLIENT] = conn->initiator;
	c->dir[MAIL_SERVER] = conn->initiator == SIS_DIR_OUT ? SIS_DIR_IN : SIS_DIR_OUT;
	format_end(host, sizeof(host), conn->family, conn->host_addr, conn->host_port);
	format_end(net, sizeof(net), conn->family, conn->net_addr, conn->net_port);
	snprintf(c->desc, sizeof(c->desc), "%s %s > %s", proto_names[p],
		 conn->initiator == SIS_DIR_OUT ? host : net,
		 conn->initiator == SIS_DIR_OUT ? net : host);
	c->engine = mail_conn_new(p, &ms->cfg, &engine_ops, c, &ms->stats);
	if (!c->engine) {
		free(c);
		logmsg("conn %" PRIu64 ": out of memory: left to the fail policy", conn->id);
		return;
	}
	c->last_event = ms->now;
	conn_insert(ms, c);
	if (verbose)
		logmsg("conn %" PRIu64 ": %s", c->id, c->desc);
}

static enum mail_side side_of(const struct mconn *c, uint8_t dir)
{
	return c->dir[MAIL_CLIENT] == dir ? MAIL_CLIENT : MAIL_SERVER;
}

static void conn_check_done(struct mailscan *ms, struct mconn *c)
{
	if ((c->ended[0] && c->ended[1]) || c->finished || mail_conn_done(c->engine))
		conn_free(ms, c);
}

static void on_data(struct mailscan *ms, const struct sis_stream_data *d)
{
	struct mconn *c = conn_find(ms, d->conn);

	if (!c)
		return;		/* not followed, or finished */
	c->last_event = ms->now;
	if (!c->finished)
		mail_conn_data(c->engine, side_of(c, d->dir), d->offset, d->data,
			       d->len);
	edits_flush(ms);
	conn_check_done(ms, c);
}

static void on_end(struct mailscan *ms, const struct sis_conn_end *e)
{
	struct mconn *c = conn_find(ms, e->conn);
	bool limit = e->reason == SIS_STREAM_END_LIMIT;

	if (!c)
		return;
	c->last_event = ms->now;
	if (e->dir == SIS_DIR_ANY || side_of(c, e->dir) == MAIL_CLIENT) {
		c->ended[MAIL_CLIENT] = true;
		mail_conn_end(c->engine, MAIL_CLIENT, limit);
	}
	if (!c->finished && (e->dir == SIS_DIR_ANY || side_of(c, e->dir) == MAIL_SERVER)) {
		c->ended[MAIL_SERVER] = true;
		mail_conn_end(c->engine, MAIL_SERVER, limit);
	}
	if (c->finished)
		c->ended[0] = c->ended[1] = true;
	edits_flush(ms);
	conn_check_done(ms, c);
}

/*
 * SIS_EVENT_LOST may have taken a connection's end events: an entry idle
 * for longer than the bridge keeps an idle connection is freed, with
 * what it holds. The kernel no longer has the connection.
 */
static void reap_idle(struct mailscan *ms)
{
	for (size_t i = 0; i < ms->nbuckets; i++) {
		struct mconn *c = ms->buckets[i], *next;

		for (; c; c = next) {
			next = c->next;
			if (ms->now - c->last_event < ms->idle_timeout)
				continue;
			ms->n.reaped++;
			logmsg("conn %" PRIu64 ": %s: no event for %" PRIu64
			       " s, its end lost: forgotten", c->id, c->desc,
			       ms->now - c->last_event);
			conn_free(ms, c);
		}
	}
}

/* The wait for events ends within REAP_EVERY seconds, for reap_idle(). */
static void set_wait(int fd)
{
	struct timeval tv = { .tv_sec = REAP_EVERY };

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		logmsg("SO_RCVTIMEO: %s", strerror(errno));
}

/* ---- counters ---- */

static void print_stats(const struct mailscan *ms)
{
	const struct mail_stats *s = &ms->stats;

	printf("{\"scanner\":\"%s\",\"conns\":{\"open\":%zu,\"smtp\":%" PRIu64
	       ",\"pop3\":%" PRIu64 ",\"imap\":%" PRIu64 ",\"other\":%" PRIu64
	       ",\"partial\":%" PRIu64 "},",
	       ms->name, ms->nconns, s->conns[MAIL_SMTP], s->conns[MAIL_POP3],
	       s->conns[MAIL_IMAP], ms->n.conns_other, ms->n.conns_partial);
	printf("\"messages\":%" PRIu64 ",\"clean\":%" PRIu64 ",\"infected\":%" PRIu64
	       ",\"parts\":%" PRIu64 ",\"parts_replaced\":%" PRIu64
	       ",\"unparseable\":%" PRIu64 ",\"scan_errors\":%" PRIu64
	       ",\"oversize\":%" PRIu64 ",\"bad_passed\":%" PRIu64
	       ",\"killed\":%" PRIu64 ",\"bytes_held\":%" PRIu64 ",",
	       s->messages, s->clean, s->infected, s->parts, s->parts_replaced,
	       s->unparseable, s->scan_errors, s->oversize, s->bad_passed,
	       s->killed, s->bytes_held);
	printf("\"tls\":%" PRIu64 ",\"tls_stripped\":%" PRIu64
	       ",\"chunking_stripped\":%" PRIu64 ",\"protocol_errors\":%" PRIu64
	       ",\"lost\":%" PRIu64 ",\"alerts\":%" PRIu64 ",\"alerts_bare\":%" PRIu64
	       ",\"alerts_failed\":%" PRIu64 ",\"requests_failed\":%" PRIu64
	       ",\"edits_killed\":%" PRIu64 ",\"reaped\":%" PRIu64 "}\n",
	       s->tls, s->tls_stripped, s->chunking_stripped, s->protocol_errors,
	       ms->n.lost, ms->n.alerts, ms->n.alerts_bare, ms->n.alerts_failed,
	       ms->n.requests_failed, ms->n.edits_killed, ms->n.reaped);
	fflush(stdout);
}

/* ---- options ---- */

static volatile sig_atomic_t got_stop, got_stats;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_stats = 1;
	else
		got_stop = 1;
}

static void usage(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: sis-mailscan [OPTIONS] [SCANNER]\n"
		"  SCANNER                    the scanner's name (mailscan)\n"
		"  -c, --cap CAP              a stream capability to contain, repeatable\n"
		"                             (mail-out and mail-in)\n"
		"  --hdb FILE                 an MD5 list, ClamAV .hdb format (md5:size:name)\n"
		"  --clamav-db DIR            a ClamAV database directory for libclamav\n"
		"  --no-raw-scan              with libclamav, do not also scan each message whole\n"
		"  --null                     hold each message whole, then pass it unparsed\n"
		"                             and unchecked (a benchmark's null scanner)\n"
		"  --max-message SIZE         larger messages get the bad-input policy (25m)\n"
		"  --bad-input pass|kill      a message that cannot be judged: pass it and\n"
		"                             alert, or kill the connection (kill)\n"
		"  --starttls allow|strip|block\n"
		"                             STARTTLS/STLS: pass the rest unread and alert,\n"
		"                             hide it from the client, or kill (allow)\n"
		"  --smtp-ports LIST          server ports of SMTP (25,587)\n"
		"  --pop3-ports LIST          server ports of POP3 (110)\n"
		"  --imap-ports LIST          server ports of IMAP (143)\n"
		"  --blocks PART,HEADERS,BODY,SPACE\n"
		"                             the stream injections registered for the\n"
		"                             notices (1,2,3,4: sis-mailscan-caps)\n"
		"  --idle-timeout SEC         forget a connection with no event for SEC\n"
		"                             seconds: its end events were lost (7200)\n"
		"  -v, --verbose              log every connection and edit\n"
		"  -h, --help                 this text\n"
		"  -V, --version              print the version\n"
		"At least one of --hdb, --clamav-db and --null. Counters go to stdout as JSON\n"
		"on SIGUSR1 and at exit.\n");
	exit(status);
}

static unsigned long number(const char *s, const char *opt, unsigned long min,
			    unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max) {
		logmsg("%s: \"%s\" is not a number from %lu to %lu", opt, s, min, max);
		exit(2);
	}
	return v;
}

/* A size: a number with an optional k, m or g (powers of 1024). */
static size_t size_arg(const char *s, const char *opt, size_t min, size_t max)
{
	unsigned long long v, mul = 1;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end == 'k' || *end == 'K')
		mul = 1ull << 10, end++;
	else if (*end == 'm' || *end == 'M')
		mul = 1ull << 20, end++;
	else if (*end == 'g' || *end == 'G')
		mul = 1ull << 30, end++;
	if (errno || end == s || *end || s[0] == '-' || v > max / mul ||
	    v * mul < min) {
		logmsg("%s: \"%s\" is not a size from %zu to %zu (k, m and g allowed)",
		       opt, s, min, max);
		exit(2);
	}
	return (size_t)(v * mul);
}

static void port_list_arg(struct port_list *l, const char *s, const char *opt)
{
	char *copy = strdup(s), *save = NULL, *tok;

	if (!copy)
		die("start", -ENOMEM, NULL);
	l->n = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (l->n == MAX_PORTS) {
			logmsg("%s: at most %d ports", opt, MAX_PORTS);
			exit(2);
		}
		l->port[l->n++] = (uint16_t)number(tok, opt, 1, 65535);
	}
	free(copy);
}

static int word_arg(const char *s, const char *opt, const char *const *words)
{
	for (int i = 0; words[i]; i++)
		if (!strcmp(s, words[i]))
			return i;
	logmsg("%s: \"%s\" is not one of the choices (see --help)", opt, s);
	exit(2);
}

static void blocks_arg(struct mailscan *ms, const char *s)
{
	char *copy = strdup(s), *save = NULL, *tok;
	int i = 0;

	if (!copy)
		die("start", -ENOMEM, NULL);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (i == MAIL_BLOCK_COUNT)
			break;
		ms->block_id[i++] = (uint32_t)number(tok, "--blocks", 1, UINT32_MAX);
	}
	free(copy);
	if (i != MAIL_BLOCK_COUNT || tok) {
		logmsg("--blocks: give %d injection ids, comma separated", MAIL_BLOCK_COUNT);
		exit(2);
	}
}

enum {
	OPT_HDB = 256, OPT_CLAMAV_DB, OPT_NO_RAW, OPT_MAX_MESSAGE, OPT_BAD,
	OPT_STARTTLS, OPT_SMTP_PORTS, OPT_POP3_PORTS, OPT_IMAP_PORTS, OPT_BLOCKS,
	OPT_IDLE_TIMEOUT,
	OPT_NULL,
};

static const struct option longopts[] = {
	{ "cap", required_argument, NULL, 'c' },
	{ "hdb", required_argument, NULL, OPT_HDB },
	{ "clamav-db", required_argument, NULL, OPT_CLAMAV_DB },
	{ "no-raw-scan", no_argument, NULL, OPT_NO_RAW },
	{ "null", no_argument, NULL, OPT_NULL },
	{ "max-message", required_argument, NULL, OPT_MAX_MESSAGE },
	{ "bad-input", required_argument, NULL, OPT_BAD },
	{ "starttls", required_argument, NULL, OPT_STARTTLS },
	{ "smtp-ports", required_argument, NULL, OPT_SMTP_PORTS },
	{ "pop3-ports", required_argument, NULL, OPT_POP3_PORTS },
	{ "imap-ports", required_argument, NULL, OPT_IMAP_PORTS },
	{ "blocks", required_argument, NULL, OPT_BLOCKS },
	{ "idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ 0 }
};

static void subscribe(struct mailscan *ms, const char *cap)
{
	char extack[SIS_EXTACK_MAX], step[128];
	int r;

	r = sis_subscribe(ms->sc, cap, SIS_RIGHT_READ | SIS_RIGHT_CONTAIN, NULL,
			  0, NULL, extack, sizeof(extack));
	if (r < 0) {
		snprintf(step, sizeof(step), "subscribe to capability %s", cap);
		die(step, r, extack);
	}
}

int main(int argc, char **argv)
{
	static const char *const tls_words[] = { "allow", "strip", "block", NULL };
	static const char *const bad_words[] = { "pass", "kill", NULL };
	struct mail_detect_opts dopts = { 0 };
	const char *caps[MAX_CAPS];
	unsigned int ncaps = 0;
	static struct mailscan ms;
	char extack[SIS_EXTACK_MAX], err[256];
	struct sigaction sa;
	uint64_t reaped_at;
	bool null = false;
	int opt, r;

	ms.name = "mailscan";
	ms.cfg.tls = MAIL_TLS_ALLOW;
	ms.cfg.bad = MAIL_BAD_KILL;
	ms.cfg.max_message = 25 << 20;
	ms.cfg.max_line = 64 << 10;
	ms.idle_timeout = IDLE_TIMEOUT_DEFAULT;
	port_list_arg(&ms.ports[MAIL_SMTP], "25,587", "--smtp-ports");
	port_list_arg(&ms.ports[MAIL_POP3], "110", "--pop3-ports");
	port_list_arg(&ms.ports[MAIL_IMAP], "143", "--imap-ports");
	for (int i = 0; i < MAIL_BLOCK_COUNT; i++)
		ms.block_id[i] = i + 1;
	while ((opt = getopt_long(argc, argv, "c:vhV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			if (ncaps == MAX_CAPS) {
				logmsg("-c: at most %d capabilities", MAX_CAPS);
				exit(2);
			}
			caps[ncaps++] = optarg;
			break;
		case OPT_HDB: dopts.hdb = optarg; break;
		case OPT_CLAMAV_DB: dopts.clamav_db = optarg; break;
		case OPT_NO_RAW: dopts.no_raw_scan = true; break;
		case OPT_NULL: null = true; break;
		case OPT_MAX_MESSAGE:
			ms.cfg.max_message = size_arg(optarg, "--max-message", 1024,
						      (size_t)1 << 30);
			break;
		case OPT_BAD: ms.cfg.bad = word_arg(optarg, "--bad-input", bad_words); break;
		case OPT_STARTTLS:
			ms.cfg.tls = word_arg(optarg, "--starttls", tls_words);
			break;
		case OPT_SMTP_PORTS:
			port_list_arg(&ms.ports[MAIL_SMTP], optarg, "--smtp-ports");
			break;
		case OPT_POP3_PORTS:
			port_list_arg(&ms.ports[MAIL_POP3], optarg, "--pop3-ports");
			break;
		case OPT_IMAP_PORTS:
			port_list_arg(&ms.ports[MAIL_IMAP], optarg, "--imap-ports");
			break;
		case OPT_BLOCKS: blocks_arg(&ms, optarg); break;
		case OPT_IDLE_TIMEOUT:
			ms.idle_timeout = number(optarg, "--idle-timeout", REAP_EVERY,
						 30 * 86400);
			break;
		case 'v': verbose = 1; break;
		case 'h': usage(0); break;
		case 'V': printf("sis-mailscan %s\n", SIS_VERSION); exit(0);
		default: usage(2);
		}
	}
	if (argc - optind > 1)
		usage(2);
	if (optind < argc)
		ms.name = argv[optind];
	if (null && (dopts.hdb || dopts.clamav_db)) {
		logmsg("--null checks nothing: no --hdb or --clamav-db with it");
		exit(2);
	}
	if (!null && !dopts.hdb && !dopts.clamav_db) {
		logmsg("nothing to detect with: give --hdb, --clamav-db or both");
		exit(2);
	}
	if (!ncaps) {
		caps[ncaps++] = "mail-out";
		caps[ncaps++] = "mail-in";
	}

	/* Signatures first: a scanner that cannot detect never attaches. */
	if (!null) {
		r = mail_detect_new(&dopts, &ms.detect, err, sizeof(err));
		if (r < 0)
			die("signatures", r, err);
		logmsg("signatures: %zu MD5 entries, %u ClamAV signatures",
		       mail_detect_md5_count(ms.detect),
		       mail_detect_clamav_sigs(ms.detect));
	} else {
		logmsg("null: messages are held whole and passed unchecked");
	}
	ms.nbuckets = 64;
	ms.buckets = calloc(ms.nbuckets, sizeof(*ms.buckets));
	if (!ms.buckets)
		die("start", -ENOMEM, NULL);

	/* No SA_RESTART: a signal ends the wait for events (-EINTR). */
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	sa.sa_flags = 0;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);

	r = sis_scanner_open(ms.name, &ms.sc, extack, sizeof(extack));
	if (r < 0)
		die("attach", r, extack);
	for (unsigned int i = 0; i < ncaps; i++)
		subscribe(&ms, caps[i]);
	logmsg("scanner %s: containing SMTP, POP3 and IMAP", ms.name);
	printf("ready\n");
	fflush(stdout);

	/* Blocking reads that end within a minute anyway (-EAGAIN): reap_idle(). */
	set_wait(sis_scanner_fd(ms.sc));
	ms.now = now_s();
	reaped_at = ms.now;
	while (!got_stop) {
		struct sis_event ev;

		if (got_stats) {
			got_stats = 0;
			print_stats(&ms);
		}
		ms.now = now_s();
		if (ms.now - reaped_at >= REAP_EVERY) {
			reaped_at = ms.now;
			reap_idle(&ms);
		}
		r = sis_read(ms.sc, &ev, 0);
		ms.now = now_s();
		if (r == -EAGAIN || r == -EINTR)
			continue;
		if (r < 0) {
			logmsg("read: %s", sis_read_extack(ms.sc)[0] ?
			       sis_read_extack(ms.sc) : strerror(-r));
			continue;
		}
		switch (ev.type) {
		case SIS_EVENT_CONN_OPEN:
			on_open(&ms, &ev.conn);
			break;
		case SIS_EVENT_STREAM_DATA:
			on_data(&ms, &ev.data);
			break;
		case SIS_EVENT_CONN_END:
			on_end(&ms, &ev.end);
			break;
		case SIS_EVENT_LOST:
			/* The directions that lost bytes see a gap: -EPROTO there. */
			ms.n.lost++;
			logmsg("events lost: the receive buffer overflowed");
			break;
		case SIS_EVENT_DETACHED:
			logmsg("scanner %s deleted: exiting", ms.name);
			got_stop = 1;
			break;
		default:
			break;
		}
	}
	print_stats(&ms);
	sis_scanner_close(ms.sc);
	for (size_t i = 0; i < ms.nbuckets; i++)
		while (ms.buckets[i])
			conn_free(&ms, ms.buckets[i]);
	free(ms.buckets);
	if (ms.detect)
		mail_detect_free(ms.detect);
	return 0;
}
