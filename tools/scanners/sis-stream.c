// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * sis-stream: a stream scanner for tests and the benchmark. It subscribes
 * under one stream capability and treats the connections it delivers by
 * its mode:
 *
 *	sha	hash each direction of each connection with SHA-256, check
 *		that its bytes come in order and without gaps, and print the
 *		hash when the direction ends; with -C, pass each held piece
 *		right after hashing it (the default mode)
 *	null	read everything and, with -C, pass it; print totals at exit
 *	never	with -C, never pass anything: the bytes stay held
 *	passall	with -C, pass each direction whole as its connection opens
 *
 *	sis-stream -s SCANNER -c CAP [-C] [-b BYTES] [-e EDIT]... [-f FILTER]
 *		   [-k] [-m MODE] [-o FILE] [-q] [-v] [-w] [-x]
 *
 * In sha or null mode, -e gives edits (the paper's active changes) that
 * it makes in every connection instead of passing each piece as it
 * comes; it passes the bytes between them as they come:
 *
 *	cut:DIR:OFFSET:LEN	cut bytes [OFFSET, OFFSET + LEN), each piece
 *				as it is delivered (the kernel joins them)
 *	inject:DIR:OFFSET:ID	inject stream block ID before byte OFFSET
 *	kill:DIR:OFFSET		reset the connection once OFFSET bytes came
 *	hold:DIR:BYTES		pass nothing until BYTES came (or the end),
 *				asking the kernel for them (more)
 *
 * Edits of one direction are given in the order of their offsets, each at
 * or past the end of the one before (a cut's end is OFFSET + LEN): an
 * injection then a cut at one offset replace the bytes by the block. The
 * hashes are of the bytes the sender sent, as the scanner reads them.
 * Without -C the edits are tried all the same, for the kernel to refuse.
 * With -k a request the kernel refuses is not fatal: it prints "refused
 * ERRNAME MESSAGE" and gives up editing, passing the rest of every
 * direction it contains. With -w, once all the bytes of a hold came, it
 * prints "holding ID DIR BYTES" on stdout and passes them only after a
 * SIGUSR1, which lets every hold waiting then go on: until then the whole
 * hold stays in the kernel's custody, for a benchmark to measure it there.
 *
 * -C subscribes with read and contain rights (default read), -b sets the
 * socket's receive buffer (default: as large as the process may have), -f
 * adds a pcap filter on each connection's first SYN. Output, to FILE (default
 * stdout), line by line, flushed after each line:
 *
 *	open ID HOSTADDR:PORT NETADDR:PORT initiator host|net
 *						a connection (not with -q);
 *						IPv6 addresses in brackets
 *	data ID DIR OFFSET LEN [held]		a piece of data (with -v)
 *	bytes ID DIR OFFSET HEX			its bytes (with -x), after
 *						its data line if -v
 *	end ID DIR REASON			a direction ended (with -v)
 *	edit ID DIR OP OFFSET [LEN|ID]		an edit made (with -v)
 *	refused ERRNAME MESSAGE			a request refused (with -k)
 *	conn ID DIR BYTES SHA256HEX REASON	sha: a direction ended
 *	conns N bytes-in N bytes-out N		null: totals, at exit
 *
 * DIR is "in" (to the host) or "out", and "any" for an end of both
 * directions; REASON fin, rst, timeout, limit, gone or killed. On stdout, whatever
 * FILE is: "ready" once subscribed, "lost" when events were lost (the
 * receive buffer was full), "detached" when the scanner was deleted and,
 * with -w, "holding" lines.
 *
 * On SIGINT or SIGTERM it stops waiting, treats the events the kernel had
 * already delivered to its socket (for five seconds at most, should
 * traffic keep coming), then exits: the totals count every event delivered before
 * the signal.
 *
 * Exit status: 0 on SIGINT or SIGTERM, or once detached; 1 with
 * "Error: ..." on stderr when something fails, including data that does
 * not follow its direction's previous bytes in sha mode; 2 for usage
 * errors.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* strerrorname_np() */
#endif
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <openssl/evp.h>

#include <sis/scanner.h>

enum mode { MODE_SHA, MODE_NULL, MODE_NEVER, MODE_PASSALL };

struct opts {
	const char *scanner;
	const char *cap;
	const char *filter;
	const char *out;
	enum mode mode;
	int rcvbuf;
	bool contain;
	bool keep;
	bool quiet;
	bool verbose;
	bool hex;
	bool wait;
};

/* An edit of -e, made in every connection. */
enum edit_op { EDIT_CUT, EDIT_INJECT, EDIT_KILL, EDIT_HOLD };

struct edit {
	enum edit_op op;
	uint8_t dir;
	uint64_t off;		/* hold: the bytes to wait for */
	uint64_t len;		/* cut */
	uint32_t id;		/* inject */
};

static struct edit *edits;
static size_t nedits;
static bool edits_off;		/* -k: a request was refused */

/* sha: one direction of a connection. */
struct half {
	EVP_MD_CTX *md;		/* sha: NULL when not covered, or ended */
	bool open;		/* covered, not ended */
	uint64_t bytes;		/* hashed so far: the next data's offset */
	uint64_t decided;	/* edits: passed or cut up to here */
	size_t next;		/* edits: the next one to make */
	bool asked;		/* edits: more asked for the next hold */
	bool waiting;		/* -w: the hold came, waits for SIGUSR1 */
	bool resumed;		/* -w: SIGUSR1 came while it waited */
};

/* sha: a connection, from its open to the end of its directions. */
struct conn {
	struct conn *next;	/* in its bucket */
	uint64_t id;
	struct half half[2];	/* by half_of(): in, out */
};

/* sha: the connections open, by id. */
static struct {
	struct conn **buckets;
	size_t nbuckets;	/* a power of two */
	size_t count;
} conns;

static volatile sig_atomic_t stop;
static volatile sig_atomic_t resume;	/* -w: SIGUSR1 */
static int sock_fd = -1;
static FILE *out;
static EVP_MD *sha256;

static void die(const char *what, int err, const char *extack)
{
	fprintf(stderr, "Error: %s: %s (%s)\n", what,
		extack && extack[0] ? extack : strerror(-err),
		strerrorname_np(-err));
	exit(1);
}

/* A failure that is not an errno: the stream broke a rule. */
static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	va_list ap;

	fputs("Error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: sis-stream -s SCANNER -c CAP [-C] [-b BYTES] [-e EDIT]... [-f FILTER]\n"
		"                  [-k] [-m MODE] [-o FILE] [-q] [-v] [-w] [-x]\n"
		"       sis-stream --version\n"
		"\n"
		"  -s SCANNER  attach as scanner SCANNER\n"
		"  -c CAP      subscribe under stream capability CAP\n"
		"  -C          with read and contain rights (default: read)\n"
		"  -b BYTES    socket receive buffer (default: as large as allowed)\n"
		"  -e EDIT     in sha or null mode: cut:DIR:OFFSET:LEN,\n"
		"              inject:DIR:OFFSET:ID, kill:DIR:OFFSET or hold:DIR:BYTES\n"
		"  -f FILTER   pcap filter on each connection's first SYN\n"
		"  -k          a refused request is not fatal: edits stop\n"
		"  -m MODE     sha (default): hash each direction, check its order\n"
		"              null: read and pass everything, totals at exit\n"
		"              never: never pass anything\n"
		"              passall: pass each direction whole as it opens\n"
		"  -o FILE     write the output lines to FILE (default stdout)\n"
		"  -q          no \"open\" lines\n"
		"  -v          also a line per piece of data and per end\n"
		"  -w          pass what a hold waited for only after a SIGUSR1\n"
		"  -x          also a line per piece of data with its bytes, in hex\n");
	exit(2);
}

/*
 * The main loop blocks in sis_read(). A signal that comes while it waits
 * interrupts it (no SA_RESTART); one that comes just before it waits
 * gives the socket a receive timeout of one millisecond, so that the wait
 * ends at once all the same. setsockopt() is async-signal-safe.
 */
static void on_signal(int sig)
{
	struct timeval tv = { .tv_usec = 1000 };
	int saved = errno;

	if (sig == SIGUSR1)
		resume = 1;
	else
		stop = 1;
	if (sock_fd >= 0)
		setsockopt(sock_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	errno = saved;
}

static void signals(const struct opts *o)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (o->wait)
		sigaction(SIGUSR1, &sa, NULL);
}

/* The monotonic clock is at or after @t. */
static bool past(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > t->tv_sec ||
	       (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

static void line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void line(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	if (fflush(out) == EOF)
		die("output", -errno, NULL);
}

static const char *dir_name(uint8_t dir)
{
	return dir == SIS_DIR_IN ? "in" : dir == SIS_DIR_OUT ? "out" : "any";
}

static const char *reason_name(uint8_t reason)
{
	static char other[8];

	switch (reason) {
	case SIS_STREAM_END_FIN:
		return "fin";
	case SIS_STREAM_END_RST:
		return "rst";
	case SIS_STREAM_END_TIMEOUT:
		return "timeout";
	case SIS_STREAM_END_LIMIT:
		return "limit";
	case SIS_STREAM_END_GONE:
		return "gone";
	case SIS_STREAM_END_KILLED:
		return "killed";
	}
	snprintf(other, sizeof(other), "%u", reason);
	return other;
}

/* "10.0.0.1:80" or "[2001:db8::1]:80" */
static void endpoint(char *buf, size_t len, int family, const uint8_t *addr,
		     uint16_t port)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(family, addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	snprintf(buf, len, family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, port);
}

static void print_open(const struct sis_conn *c)
{
	char host[INET6_ADDRSTRLEN + 8], net[INET6_ADDRSTRLEN + 8];

	endpoint(host, sizeof(host), c->family, c->host_addr, c->host_port);
	endpoint(net, sizeof(net), c->family, c->net_addr, c->net_port);
	line("open %llu %s %s initiator %s", (unsigned long long)c->id, host,
	     net, c->initiator == SIS_DIR_OUT ? "host" : "net");
}

static void pass(struct sis_scanner *sc, uint64_t conn, uint8_t dir,
		 uint64_t offset, uint64_t len)
{
	int r = sis_stream_pass(sc, conn, dir, offset, len);

	if (r < 0)
		die("pass", r, NULL);
}

/* sha: the connection table */

static int half_of(uint8_t dir)
{
	return dir == SIS_DIR_IN ? 0 : 1;
}

static struct conn **bucket(uint64_t id)
{
	/* Fibonacci hashing: ids are consecutive. */
	return &conns.buckets[(id * 0x9e3779b97f4a7c15ULL) >> 32 &
			      (conns.nbuckets - 1)];
}

static void table_grow(void)
{
	struct conn **old = conns.buckets, *c, *next;
	size_t n = conns.nbuckets;

	conns.nbuckets = n ? 2 * n : 1024;
	conns.buckets = calloc(conns.nbuckets, sizeof(*conns.buckets));
	if (!conns.buckets)
		die("connections", -ENOMEM, NULL);
	for (size_t i = 0; i < n; i++)
		for (c = old[i]; c; c = next) {
			next = c->next;
			c->next = *bucket(c->id);
			*bucket(c->id) = c;
		}
	free(old);
}

static void check(const char *what, int r)
{
	if (r < 0)
		die(what, r, NULL);
}

/*
 * Edits: decide what has come of one direction, from where it was decided
 * up to, along the edits of -e. Returns false once the connection is
 * killed.
 */
static bool edit_run(struct sis_scanner *sc, const struct opts *o,
		     uint64_t conn, uint8_t dir, struct half *h)
{
	uint64_t avail = h->bytes;

	for (;;) {
		const struct edit *e = NULL;
		uint64_t upto;

		while (h->next < nedits && edits[h->next].dir != dir)
			h->next++;
		if (h->next < nedits)
			e = &edits[h->next];
		if (e && e->op == EDIT_HOLD && avail < e->off) {
			if (!h->asked)
				check("more", sis_stream_more(sc, conn, dir, 0,
							      e->off));
			h->asked = true;
			return true;
		}
		if (e && e->op == EDIT_HOLD && o->wait && !h->resumed) {
			if (!h->waiting)
				printf("holding %llu %s %llu\n",
				       (unsigned long long)conn, dir_name(dir),
				       (unsigned long long)e->off);
			h->waiting = true;
			return true;
		}
		upto = e && e->off < avail ? e->off : avail;
		if (upto > h->decided) {
			/* Read-only, nothing is held: only edits are tried. */
			if (o->contain)
				pass(sc, conn, dir, h->decided,
				     upto - h->decided);
			h->decided = upto;
		}
		if (!e)
			return true;
		switch (e->op) {
		case EDIT_CUT:
			/*
			 * What has come of the range now, the rest as it
			 * comes: bytes held back waiting for more could stall
			 * a sender whose window is full of them.
			 */
			upto = e->off + e->len < avail ? e->off + e->len :
							  avail;
			if (upto > h->decided) {
				check("cut", sis_stream_cut(sc, conn, dir,
							    h->decided,
							    upto - h->decided));
				h->decided = upto;
			}
			if (avail < e->off + e->len)
				return true;
			break;
		case EDIT_INJECT:
			if (avail <= e->off)
				return true;
			check("inject", sis_stream_inject(sc, conn, dir, e->off,
							  e->id));
			break;
		case EDIT_KILL:
			if (avail < e->off)
				return true;
			check("kill", sis_stream_kill(sc, conn, dir));
			break;
		case EDIT_HOLD:
			break;
		}
		if (o->verbose)
			line("edit %llu %s %s %llu %llu", (unsigned long long)conn,
			     dir_name(dir),
			     (const char *[]){ "cut", "inject", "kill",
					       "hold" }[e->op],
			     (unsigned long long)e->off,
			     (unsigned long long)(e->op == EDIT_INJECT ? e->id :
						  e->len));
		h->next++;
		h->asked = false;
		h->waiting = h->resumed = false;
		if (e->op == EDIT_KILL)
			return false;
	}
}

/* -k: a request was refused: no more edits, the rest passes. */
static void give_up_edits(struct sis_scanner *sc, const struct opts *o)
{
	edits_off = true;
	if (!o->contain)
		return;
	for (size_t i = 0; i < conns.nbuckets; i++)
		for (struct conn *c = conns.buckets[i]; c; c = c->next)
			for (uint8_t dir = SIS_DIR_IN; dir <= SIS_DIR_OUT;
			     dir++)
				if (c->half[half_of(dir)].md)
					pass(sc, c->id, dir, 0, SIS_PASS_ALL);
}

static struct conn *conn_find(uint64_t id)
{
	struct conn *c;

	if (!conns.nbuckets)
		return NULL;
	for (c = *bucket(id); c && c->id != id; c = c->next)
		;
	return c;
}

static void conn_add(const struct sis_conn *o)
{
	struct conn *c;

	if (conn_find(o->id))
		fail("conn %llu: opened twice", (unsigned long long)o->id);
	if (conns.count >= conns.nbuckets)
		table_grow();
	c = calloc(1, sizeof(*c));
	if (!c)
		die("connections", -ENOMEM, NULL);
	c->id = o->id;
	for (uint8_t dir = SIS_DIR_IN; dir <= SIS_DIR_OUT; dir++) {
		struct half *h = &c->half[half_of(dir)];

		if (!(o->dirs & dir))
			continue;
		h->open = true;
		if (!sha256)
			continue;
		h->md = EVP_MD_CTX_new();
		if (!h->md || !EVP_DigestInit_ex(h->md, sha256, NULL))
			fail("sha256: cannot start a hash");
	}
	c->next = *bucket(c->id);
	*bucket(c->id) = c;
	conns.count++;
}

/* Both directions ended, and no hold waits for SIGUSR1 (-w). */
static bool conn_done(const struct conn *c)
{
	return !c->half[0].open && !c->half[1].open &&
	       !c->half[0].waiting && !c->half[1].waiting;
}

static void conn_del(struct conn *c)
{
	struct conn **p = bucket(c->id);

	while (*p != c)
		p = &(*p)->next;
	*p = c->next;
	conns.count--;
	free(c);
}

/*
 * -w: SIGUSR1 came. Each hold waiting for it goes on, in a direction that
 * may have ended meanwhile: its held bytes are passed all the same.
 */
static void resume_holds(struct sis_scanner *sc, const struct opts *o)
{
	struct conn *c, *next;

	for (size_t i = 0; i < conns.nbuckets; i++)
		for (c = conns.buckets[i]; c; c = next) {
			next = c->next;
			for (uint8_t dir = SIS_DIR_IN; dir <= SIS_DIR_OUT;
			     dir++) {
				struct half *h = &c->half[half_of(dir)];

				if (!h->waiting || edits_off)
					continue;
				h->resumed = true;
				edit_run(sc, o, c->id, dir, h);
			}
			if (conn_done(c))
				conn_del(c);
		}
}

static void sha_data(struct sis_scanner *sc, const struct opts *o,
		     const struct sis_stream_data *d)
{
	struct conn *c = conn_find(d->conn);
	unsigned long long id = d->conn;
	struct half *h;

	if (!c)
		fail("conn %llu %s: data of a connection not open", id,
		     dir_name(d->dir));
	h = &c->half[half_of(d->dir)];
	if (!h->open)
		fail("conn %llu %s: data of a direction not covered, or ended",
		     id, dir_name(d->dir));
	if (d->offset != h->bytes)
		fail("conn %llu %s: data at offset %llu, expected %llu", id,
		     dir_name(d->dir), (unsigned long long)d->offset,
		     (unsigned long long)h->bytes);
	if (h->md && !EVP_DigestUpdate(h->md, d->data, d->len))
		fail("sha256: cannot hash");
	h->bytes += d->len;
	if (nedits && !edits_off && h->open)
		edit_run(sc, o, d->conn, d->dir, h);
	else if (o->contain && d->held)
		pass(sc, d->conn, d->dir, d->offset, d->len);
}

static void sha_end_half(struct conn *c, uint8_t dir, uint8_t reason)
{
	struct half *h = &c->half[half_of(dir)];
	unsigned char md[EVP_MAX_MD_SIZE];
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	unsigned int len = 0;

	h->open = false;
	if (!h->md)
		return;		/* not covered, or ended before */
	if (!EVP_DigestFinal_ex(h->md, md, &len))
		fail("sha256: cannot finish a hash");
	EVP_MD_CTX_free(h->md);
	h->md = NULL;
	for (unsigned int i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	hex[2 * len] = '\0';
	line("conn %llu %s %llu %s %s", (unsigned long long)c->id,
	     dir_name(dir), (unsigned long long)h->bytes, hex,
	     reason_name(reason));
}

/* An end for a connection never opened is not ours to print. */
static void sha_end(const struct sis_conn_end *e)
{
	struct conn *c = conn_find(e->conn);

	if (!c)
		return;
	if (e->dir & SIS_DIR_IN)
		sha_end_half(c, SIS_DIR_IN, e->reason);
	if (e->dir & SIS_DIR_OUT)
		sha_end_half(c, SIS_DIR_OUT, e->reason);
	if (conn_done(c))
		conn_del(c);
}

/* Totals, for null mode. */
static struct {
	unsigned long long conns, bytes_in, bytes_out;
} totals;

static void on_open(struct sis_scanner *sc, const struct opts *o,
		    const struct sis_conn *c)
{
	totals.conns++;
	if (!o->quiet)
		print_open(c);
	if (o->mode == MODE_SHA || nedits) {
		conn_add(c);
	} else if (o->mode == MODE_PASSALL && o->contain) {
		for (uint8_t dir = SIS_DIR_IN; dir <= SIS_DIR_OUT; dir++)
			if (c->dirs & dir)
				pass(sc, c->id, dir, 0, SIS_PASS_ALL);
	}
}

/* "bytes ID DIR OFFSET HEX": what the scanner was given, byte for byte. */
static void print_bytes(const struct sis_stream_data *d)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = d->data;
	char *hex = malloc(2 * (size_t)d->len + 1);

	if (!hex)
		die("bytes", -ENOMEM, NULL);
	for (uint32_t i = 0; i < d->len; i++) {
		hex[2 * i] = digits[p[i] >> 4];
		hex[2 * i + 1] = digits[p[i] & 15];
	}
	hex[2 * (size_t)d->len] = '\0';
	line("bytes %llu %s %llu %s", (unsigned long long)d->conn,
	     dir_name(d->dir), (unsigned long long)d->offset, hex);
	free(hex);
}

static void on_data(struct sis_scanner *sc, const struct opts *o,
		    const struct sis_stream_data *d)
{
	if (o->verbose)
		line("data %llu %s %llu %u%s", (unsigned long long)d->conn,
		     dir_name(d->dir), (unsigned long long)d->offset, d->len,
		     d->held ? " held" : "");
	if (o->hex)
		print_bytes(d);
	if (d->dir == SIS_DIR_IN)
		totals.bytes_in += d->len;
	else
		totals.bytes_out += d->len;
	if (o->mode == MODE_SHA || nedits)
		sha_data(sc, o, d);
	else if (o->mode == MODE_NULL && o->contain && d->held)
		pass(sc, d->conn, d->dir, d->offset, d->len);
	/* never holds; passall passed the whole direction already */
}

static void on_end(const struct opts *o, const struct sis_conn_end *e)
{
	if (o->verbose)
		line("end %llu %s %s", (unsigned long long)e->conn,
		     dir_name(e->dir), reason_name(e->reason));
	if (o->mode == MODE_SHA || nedits)
		sha_end(e);
}

/* "cut:in:100:20", "inject:out:0:7", "kill:in:5000", "hold:in:1m" */
static void parse_edit(const char *arg)
{
	static const char *const ops[] = { "cut", "inject", "kill", "hold" };
	char op[8], dir[4], rest;
	unsigned long long a = 0, b = 0;
	struct edit e = { 0 }, *prev = NULL;
	int n;

	n = sscanf(arg, "%7[a-z]:%3[a-z]:%llu:%llu%c", op, dir, &a, &b, &rest);
	if (n < 3 || n > 4)
		usage();
	for (e.op = EDIT_CUT; e.op <= EDIT_HOLD; e.op++)
		if (!strcmp(op, ops[e.op]))
			break;
	if (e.op > EDIT_HOLD ||
	    (n == 4) != (e.op == EDIT_CUT || e.op == EDIT_INJECT) ||
	    (e.op == EDIT_CUT && !b) || (e.op == EDIT_INJECT && b > UINT32_MAX))
		usage();
	if (!strcmp(dir, "in"))
		e.dir = SIS_DIR_IN;
	else if (!strcmp(dir, "out"))
		e.dir = SIS_DIR_OUT;
	else
		usage();
	e.off = a;
	e.len = e.op == EDIT_CUT ? b : 0;
	e.id = e.op == EDIT_INJECT ? b : 0;
	for (size_t i = 0; i < nedits; i++)
		if (edits[i].dir == e.dir)
			prev = &edits[i];
	if (prev && e.off < prev->off + prev->len)
		fail("edit %s: before the end of the edit before it", arg);
	edits = realloc(edits, (nedits + 1) * sizeof(*edits));
	if (!edits)
		die("edits", -ENOMEM, NULL);
	edits[nedits++] = e;
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "s:c:Cb:e:f:km:o:qvwx", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'V':
			printf("sis-stream %s\n", SIS_VERSION);
			exit(0);
		case 's':
			o->scanner = optarg;
			break;
		case 'c':
			o->cap = optarg;
			break;
		case 'C':
			o->contain = true;
			break;
		case 'b':
			o->rcvbuf = atoi(optarg);
			if (o->rcvbuf <= 0)
				usage();
			break;
		case 'e':
			parse_edit(optarg);
			break;
		case 'f':
			o->filter = optarg;
			break;
		case 'k':
			o->keep = true;
			break;
		case 'm':
			if (!strcmp(optarg, "sha"))
				o->mode = MODE_SHA;
			else if (!strcmp(optarg, "null"))
				o->mode = MODE_NULL;
			else if (!strcmp(optarg, "never"))
				o->mode = MODE_NEVER;
			else if (!strcmp(optarg, "passall"))
				o->mode = MODE_PASSALL;
			else
				usage();
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'w':
			o->wait = true;
			break;
		case 'x':
			o->hex = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || !o->scanner || !o->cap ||
	    (nedits && o->mode != MODE_SHA && o->mode != MODE_NULL))
		usage();
}

int main(int argc, char **argv)
{
	struct opts o = { .mode = MODE_SHA };
	char extack[SIS_EXTACK_MAX];
	struct sis_scanner *sc;
	bool draining, detached = false;
	struct timespec drain_end = { 0 };
	struct sis_event ev;
	int r;

	parse_args(argc, argv, &o);
	setvbuf(stdout, NULL, _IOLBF, 0);
	out = stdout;
	if (o.out) {
		out = fopen(o.out, "w");
		if (!out)
			die(o.out, -errno, NULL);
		setvbuf(out, NULL, _IOLBF, 0);
	}
	if (o.mode == MODE_SHA) {
		sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
		if (!sha256)
			fail("sha256: not available");
	}
	signals(&o);

	r = sis_scanner_open(o.scanner, &sc, extack, sizeof(extack));
	if (r < 0)
		die("attach", r, extack);
	r = sis_subscribe(sc, o.cap, SIS_RIGHT_READ |
			  (o.contain ? SIS_RIGHT_CONTAIN : 0), o.filter, 0,
			  NULL, extack, sizeof(extack));
	if (r < 0)
		die("subscribe", r, extack);
	sock_fd = sis_scanner_fd(sc);
	/* The kernel doubles it (bookkeeping) and keeps at least 2304. */
	if (o.rcvbuf &&
	    setsockopt(sock_fd, SOL_SOCKET, SO_RCVBUF, &o.rcvbuf,
		       sizeof(o.rcvbuf)) < 0)
		die("receive buffer", -errno, NULL);
	printf("ready\n");

	/*
	 * A blocking read sends the passes collected so far before it waits:
	 * one request per wake-up. -EAGAIN is the timeout a signal sets.
	 * Once a signal came, what is already queued is read without
	 * waiting, until nothing is left.
	 */
	for (;;) {
		if (resume) {
			/* Blocking again first: a later signal sets it anew. */
			struct timeval tv = { 0 };

			setsockopt(sock_fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
				   sizeof(tv));
			resume = 0;
			resume_holds(sc, &o);
		}
		draining = stop;
		if (draining && !drain_end.tv_sec) {
			clock_gettime(CLOCK_MONOTONIC, &drain_end);
			drain_end.tv_sec += 5;
		}
		if (draining && past(&drain_end))
			break;
		r = sis_read(sc, &ev, draining ? SIS_READ_NONBLOCK : 0);
		if (r == -EAGAIN && draining)
			break;
		if (r == -EINTR || r == -EAGAIN)
			continue;
		if (r < 0 && o.keep && r != -ENOBUFS && r != -ENOTCONN) {
			line("refused %s %s", strerrorname_np(-r),
			     sis_read_extack(sc));
			give_up_edits(sc, &o);
			continue;
		}
		if (r < 0)
			die("read", r, sis_read_extack(sc));
		switch (ev.type) {
		case SIS_EVENT_CONN_OPEN:
			on_open(sc, &o, &ev.conn);
			break;
		case SIS_EVENT_STREAM_DATA:
			on_data(sc, &o, &ev.data);
			break;
		case SIS_EVENT_CONN_END:
			on_end(&o, &ev.end);
			break;
		case SIS_EVENT_FRAME:
			/* Not a stream capability: let its frames go. */
			if (ev.frame.held && o.contain && o.mode != MODE_NEVER)
				sis_pass(sc, ev.frame.num);
			break;
		case SIS_EVENT_LOST:
			printf("lost\n");
			break;
		case SIS_EVENT_DETACHED:
			printf("detached\n");
			detached = true;
			break;
		}
		if (detached)
			break;
	}
	if (o.mode == MODE_NULL)
		line("conns %llu bytes-in %llu bytes-out %llu", totals.conns,
		     totals.bytes_in, totals.bytes_out);
	sis_scanner_close(sc);	/* sends the last passes */
	return 0;
}
