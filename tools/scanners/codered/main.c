// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * sis-codered: the Code-Red scanner of the paper (section 5.3). It shadows
 * the host's DNS table from the replies it sees, and checks each outbound
 * TCP SYN against it: a SYN to an address the host was told about passes
 * at once; any other is a "random" connection, and too many of those
 * start attack mode (policy.h). See Documentation/codered.md.
 *
 * Its three subscriptions, each under a capability of its own:
 *
 *	--query-cap dns-query	DNS queries from the host (read)
 *	--reply-cap dns-reply	DNS replies to the host (read)
 *	--syn-cap syn		the host's SYNs (read and contain)
 *
 * A reply counts only if it answers a query the host sent (same server,
 * port, id and question), so the network cannot vouch for addresses the
 * host never asked about.
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
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <sis/scanner.h>

#include "dns.h"
#include "packet.h"
#include "policy.h"
#include "table.h"

struct query {
	struct cr_question_key {
		struct cr_addr server;
		uint16_t port;		/* the host's */
	} key;
	struct cr_dns_question q;
	uint64_t expires;	/* ms; 0: a free slot */
};

struct counters {
	uint64_t frames, unparsed, other;
	uint64_t queries, queries_malformed, queries_dropped;
	uint64_t replies, replies_malformed, replies_unsolicited;
	uint64_t replies_fragmented, replies_truncated, addrs_dropped;
	uint64_t syns, syns_known, syns_readonly;
	uint64_t lost;
};

struct codered {
	struct sis_scanner *sc;
	struct cr_table table;
	struct cr_policy policy;
	struct query *queries;
	unsigned int nqueries, nactive;
	unsigned int query_timeout_ms;
	bool accept_unsolicited;
	bool syn_contained;
	uint64_t seed;
	struct counters n;
	const char *name;
};

static int verbose;

static void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logmsg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "sis-codered: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
}

static void die(const char *what, int err, const char *extack)
{
	logmsg("%s: %s (%s)", what, extack && extack[0] ? extack : strerror(-err),
	       strerrorname_np(-err));
	exit(1);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The table's clock: seconds, starting at 1. */
static uint32_t table_now(uint64_t ms)
{
	return (uint32_t)(ms / 1000) + 1;
}

static const char *addr_str(const struct cr_addr *a, char *buf, size_t len)
{
	return inet_ntop(a->family, a->a, buf, len) ? buf : "?";
}

/* Verdicts: a failure here is the kernel's business (fail policy). */
static void verdict(struct codered *cr, uint64_t num, bool pass)
{
	int r = pass ? sis_pass(cr->sc, num) : sis_cut(cr->sc, num);

	if (r < 0)
		logmsg("verdict on frame %" PRIu64 ": %s", num, strerror(-r));
}

static const char *const pass_names[] = {
	[CR_PASS_RANDOM] = "random",
	[CR_PASS_RELEASED] = "released",
	[CR_PASS_RESOLVED] = "resolved",
	[CR_PASS_ATTACK_OVER] = "attack_over",
};

static const char *const cut_names[] = {
	[CR_CUT_DROP] = "drop",
	[CR_CUT_FULL] = "full",
	[CR_CUT_AGED] = "aged",
	[CR_CUT_SUPERSEDED] = "superseded",
};

static void on_pass(void *ctx, uint64_t num, enum cr_pass_reason why)
{
	if (verbose)
		logmsg("pass %" PRIu64 " (%s)", num, pass_names[why]);
	verdict(ctx, num, true);
}

static void on_cut(void *ctx, uint64_t num, enum cr_cut_reason why)
{
	if (verbose)
		logmsg("cut %" PRIu64 " (%s)", num, cut_names[why]);
	verdict(ctx, num, false);
}

static void on_alert(void *ctx, const struct cr_alert *a)
{
	struct codered *cr = ctx;
	const struct cr_policy_conf *c = &cr->policy.conf;
	char msg[256], addr[INET6_ADDRSTRLEN];
	char extack[SIS_EXTACK_MAX];
	int len, r;

	len = snprintf(msg, sizeof(msg),
		       "code-red: %u random connections in the last minute, latest to port %u (%s); %s: one random SYN per %u s for %u s%s",
		       a->random_last_minute, a->port,
		       addr_str(&a->dst, addr, sizeof(addr)),
		       a->again ? "attack mode goes on" : "attack mode",
		       c->pass_interval_ms / 1000, c->attack_ms / 1000,
		       c->drop ? ", the others cut" : "");
	logmsg("%s", msg);
	r = sis_alert(cr->sc, msg, (size_t)len, a->num, extack, sizeof(extack));
	if (r < 0)
		logmsg("alert: %s", extack[0] ? extack : strerror(-r));
}

static void on_attack_end(void *ctx, uint64_t now)
{
	(void)ctx;
	(void)now;
	logmsg("attack mode over");
}

/*
 * Queries awaiting a reply: a compact array of the live ones (usually a
 * handful), pruned of expired ones as it is searched.
 */
static void query_drop(struct codered *cr, unsigned int i)
{
	cr->queries[i] = cr->queries[--cr->nactive];
}

/* The live query of key and id, or NULL. */
static struct query *query_find(struct codered *cr,
				const struct cr_question_key *key, uint16_t id,
				uint64_t now)
{
	for (unsigned int i = 0; i < cr->nactive;) {
		struct query *q = &cr->queries[i];

		if (q->expires <= now) {
			query_drop(cr, i);
			continue;
		}
		if (q->q.id == id && !memcmp(&q->key, key, sizeof(*key)))
			return q;
		i++;
	}
	return NULL;
}

static void query_key(struct cr_question_key *k, const struct cr_addr *server,
		      uint16_t port)
{
	memset(k, 0, sizeof(*k));
	k->server = *server;
	k->port = port;
}

static void on_query(struct codered *cr, const struct cr_packet *p,
		     uint64_t now)
{
	struct cr_question_key key;
	struct cr_dns_question q;
	struct query *slot;

	if (cr_dns_parse_query(p->payload, p->payload_len, cr->seed, &q)) {
		cr->n.queries_malformed++;
		return;
	}
	cr->n.queries++;
	query_key(&key, &p->dst, p->sport);
	/* Asked again (a retry): one slot. Else a new one, or the oldest. */
	slot = query_find(cr, &key, q.id, now);
	if (!slot && cr->nactive < cr->nqueries) {
		slot = &cr->queries[cr->nactive++];
	} else if (!slot) {
		slot = &cr->queries[0];
		for (unsigned int i = 1; i < cr->nactive; i++)
			if (cr->queries[i].expires < slot->expires)
				slot = &cr->queries[i];
		cr->n.queries_dropped++;
	}
	slot->key = key;
	slot->q = q;
	slot->expires = now + cr->query_timeout_ms;
}

static void on_reply(struct codered *cr, const struct cr_packet *p,
		     uint64_t now)
{
	static struct cr_dns_reply r;	/* 5 KiB: off the stack */
	struct cr_question_key key;
	struct query *q;
	char buf[INET6_ADDRSTRLEN];

	if (p->fragment) {
		/* Only the first fragment would be here: nothing to trust. */
		cr->n.replies_fragmented++;
		return;
	}
	if (cr_dns_parse_reply(p->payload, p->payload_len, cr->seed, &r)) {
		cr->n.replies_malformed++;
		return;
	}
	query_key(&key, &p->src, p->dport);
	q = query_find(cr, &key, r.q.id, now);
	if (q && (q->q.name_hash != r.q.name_hash || q->q.qtype != r.q.qtype ||
		  q->q.qclass != r.q.qclass))
		q = NULL;
	if (!q && !cr->accept_unsolicited) {
		cr->n.replies_unsolicited++;
		if (verbose)
			logmsg("reply from %s to port %u answers no query",
			       addr_str(&p->src, buf, sizeof(buf)), p->dport);
		return;
	}
	if (q)	/* answered: a second reply is unsolicited */
		query_drop(cr, (unsigned int)(q - cr->queries));
	cr->n.replies++;
	cr->n.replies_truncated += !!r.truncated;
	cr->n.addrs_dropped += r.dropped;
	for (size_t i = 0; i < r.naddrs; i++) {
		uint32_t t = table_now(now);
		uint64_t expiry = (uint64_t)t + r.addrs[i].ttl;

		if (expiry > UINT32_MAX)
			expiry = UINT32_MAX;
		if (cr_table_add(&cr->table, &r.addrs[i].addr, (uint32_t)expiry,
				 t) < 0) {
			logmsg("DNS table: out of memory");
			continue;
		}
		if (verbose)
			logmsg("learned %s, ttl %u",
			       addr_str(&r.addrs[i].addr, buf, sizeof(buf)),
			       r.addrs[i].ttl);
		cr_policy_resolved(&cr->policy, &r.addrs[i].addr);
	}
}

static void on_syn(struct codered *cr, const struct sis_frame *f,
		   const struct cr_packet *p, uint64_t now)
{
	struct cr_syn s = {
		.num = f->num, .held = f->held, .src = p->src, .dst = p->dst,
		.sport = p->sport, .dport = p->dport,
	};
	char buf[INET6_ADDRSTRLEN];

	cr->n.syns++;
	cr->n.syns_readonly += !f->held;
	if (cr_table_has(&cr->table, &p->dst)) {
		cr->n.syns_known++;
		cr_policy_known_syn(&cr->policy, &s);
		if (f->held)
			verdict(cr, f->num, true);
		return;
	}
	if (verbose)
		logmsg("random SYN to %s port %u",
		       addr_str(&p->dst, buf, sizeof(buf)), p->dport);
	cr_policy_random_syn(&cr->policy, &s, now);
}

static void on_frame(struct codered *cr, const struct sis_frame *f)
{
	uint64_t now = now_ms();
	struct cr_packet p;

	cr->n.frames++;
	if (cr_packet_parse(f->data, f->caplen, &p) != CR_PACKET_OK) {
		cr->n.unparsed++;
	} else if (p.proto == IPPROTO_UDP && f->dir == SIS_DIR_OUT &&
		   p.dport == 53 && !p.fragment) {
		on_query(cr, &p, now);
	} else if (p.proto == IPPROTO_UDP && f->dir == SIS_DIR_IN &&
		   p.sport == 53) {
		on_reply(cr, &p, now);
	} else if (p.proto == IPPROTO_TCP && f->dir == SIS_DIR_OUT &&
		   (p.tcp_flags & CR_TCP_REQUEST) == CR_TCP_SYN && !p.fragment) {
		on_syn(cr, f, &p, now);
		return;
	} else {
		cr->n.other++;
	}
	/* Not a SYN: held only by a capability wider than documented. */
	if (f->held)
		verdict(cr, f->num, true);
}

/* s as a JSON string's contents. */
static void json_escaped(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
}

static void print_stats(struct codered *cr)
{
	const struct cr_policy_stats *ps = &cr->policy.stats;
	const struct cr_table_stats *ts = &cr->table.stats;
	uint64_t now = now_ms();

	printf("{\"scanner\":\"");
	json_escaped(cr->name);
	printf("\",\"attack\":%s,\"held\":%zu,\"policy_bytes\":%zu,"
	       "\"random_last_minute\":%u,"
	       "\"table\":{\"entries\":%zu,\"ipv4\":%zu,\"ipv6\":%zu,\"max\":%zu,"
	       "\"bytes\":%zu,\"added\":%" PRIu64 ",\"refreshed\":%" PRIu64
	       ",\"pruned\":%" PRIu64 ",\"evicted\":%" PRIu64 "},",
	       cr_policy_attacked(&cr->policy) ? "true" : "false",
	       cr_policy_held(&cr->policy), cr_policy_bytes(&cr->policy),
	       cr_policy_recent(&cr->policy, now, 60000),
	       cr_table_entries(&cr->table), cr->table.v4.used,
	       cr->table.v6.used, cr->table.max, cr_table_bytes(&cr->table),
	       ts->added, ts->refreshed, ts->pruned, ts->evicted);
	printf("\"frames\":%" PRIu64 ",\"unparsed\":%" PRIu64
	       ",\"other\":%" PRIu64 ",\"lost\":%" PRIu64 ","
	       "\"dns\":{\"queries\":%" PRIu64 ",\"queries_malformed\":%" PRIu64
	       ",\"queries_dropped\":%" PRIu64 ",\"replies\":%" PRIu64
	       ",\"replies_malformed\":%" PRIu64
	       ",\"replies_unsolicited\":%" PRIu64
	       ",\"replies_fragmented\":%" PRIu64
	       ",\"replies_truncated\":%" PRIu64 ",\"addrs_dropped\":%" PRIu64
	       "},",
	       cr->n.frames, cr->n.unparsed, cr->n.other, cr->n.lost,
	       cr->n.queries, cr->n.queries_malformed, cr->n.queries_dropped,
	       cr->n.replies, cr->n.replies_malformed,
	       cr->n.replies_unsolicited, cr->n.replies_fragmented,
	       cr->n.replies_truncated, cr->n.addrs_dropped);
	printf("\"syn\":{\"seen\":%" PRIu64 ",\"readonly\":%" PRIu64
	       ",\"known\":%" PRIu64 ",\"random\":%" PRIu64
	       ",\"held\":%" PRIu64 ",\"passed\":{",
	       cr->n.syns, cr->n.syns_readonly, cr->n.syns_known, ps->random,
	       ps->held);
	for (int i = 0; i < CR_PASS_REASONS; i++)
		printf("%s\"%s\":%" PRIu64, i ? "," : "", pass_names[i],
		       ps->passed[i]);
	printf("},\"cut\":{");
	for (int i = 0; i < CR_CUT_REASONS; i++)
		printf("%s\"%s\":%" PRIu64, i ? "," : "", cut_names[i],
		       ps->cut[i]);
	printf("}},\"alerts\":%" PRIu64 ",\"attacks\":%" PRIu64 "}\n",
	       ps->alerts, ps->attacks);
	fflush(stdout);
}

static void subscribe(struct codered *cr, const char *cap, unsigned int rights,
		      const char *what)
{
	char extack[SIS_EXTACK_MAX];
	int r;

	r = sis_subscribe(cr->sc, cap, rights, NULL, 0, NULL, extack,
			  sizeof(extack));
	if (r == -EPERM && (rights & SIS_RIGHT_CONTAIN)) {
		logmsg("capability %s does not allow containment: SYNs are only counted and alerted on",
		       cap);
		r = sis_subscribe(cr->sc, cap, SIS_RIGHT_READ, NULL, 0, NULL,
				  extack, sizeof(extack));
		rights = SIS_RIGHT_READ;
	}
	if (r < 0) {
		char step[128];

		snprintf(step, sizeof(step), "subscribe to %s (capability %s)",
			 what, cap);
		die(step, r, extack);
	}
	if (rights & SIS_RIGHT_CONTAIN)
		cr->syn_contained = true;
}

/*
 * The wait for frames ends by the policy's next deadline, and within a
 * second anyway: a signal that comes just before the wait starts is then
 * handled late, not never. The socket option is only set when it changes.
 */
static void set_wait(int fd, uint64_t deadline, uint64_t now)
{
	static uint64_t set_ms;
	uint64_t ms = 1000;
	struct timeval tv;

	if (deadline != UINT64_MAX)
		ms = deadline <= now ? 1 : deadline - now < ms ? deadline - now : ms;
	if (ms == set_ms)
		return;
	set_ms = ms;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		logmsg("SO_RCVTIMEO: %s", strerror(errno));
}

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
		"usage: sis-codered [OPTIONS] [SCANNER]\n"
		"  SCANNER                    the scanner's name (codered)\n"
		"  --query-cap CAP            DNS queries from the host (dns-query)\n"
		"  --reply-cap CAP            DNS replies to the host (dns-reply)\n"
		"  --syn-cap CAP              the host's SYNs, contained (syn)\n"
		"  --per-second N             random destinations a second allowed (2)\n"
		"  --per-minute N             random destinations a minute allowed (10)\n"
		"  --attack-time SEC          attack mode lasts SEC, then re-evaluates (60)\n"
		"  --pass-interval SEC        one random SYN passes every SEC in attack mode (6)\n"
		"  --drop                     cut the other random SYNs instead of holding them\n"
		"  --max-held N               random SYNs held at most; more are cut (256)\n"
		"  --max-hold SEC             cut a held SYN not retried for SEC (60)\n"
		"  --table-max N              DNS table entries at most (65536)\n"
		"  --max-queries N            DNS queries awaiting a reply (1024)\n"
		"  --query-timeout SEC        a query's reply counts within SEC (30)\n"
		"  --accept-unsolicited       learn from replies to no query seen\n"
		"  -v, --verbose              log every decision\n"
		"  -h, --help                 this text\n"
		"  -V, --version              print the version\n"
		"Counters go to stdout as JSON on SIGUSR1 and at exit.\n");
	exit(status);
}

static unsigned int number(const char *s, const char *opt, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v > max) {
		logmsg("%s: \"%s\" is not a number from 0 to %lu", opt, s, max);
		exit(2);
	}
	return (unsigned int)v;
}

enum {
	OPT_QUERY_CAP = 256, OPT_REPLY_CAP, OPT_SYN_CAP, OPT_PER_SECOND,
	OPT_PER_MINUTE, OPT_ATTACK_TIME, OPT_PASS_INTERVAL, OPT_DROP,
	OPT_MAX_HELD, OPT_MAX_HOLD, OPT_TABLE_MAX, OPT_MAX_QUERIES,
	OPT_QUERY_TIMEOUT, OPT_ACCEPT_UNSOLICITED,
};

static const struct option longopts[] = {
	{ "query-cap", required_argument, NULL, OPT_QUERY_CAP },
	{ "reply-cap", required_argument, NULL, OPT_REPLY_CAP },
	{ "syn-cap", required_argument, NULL, OPT_SYN_CAP },
	{ "per-second", required_argument, NULL, OPT_PER_SECOND },
	{ "per-minute", required_argument, NULL, OPT_PER_MINUTE },
	{ "attack-time", required_argument, NULL, OPT_ATTACK_TIME },
	{ "pass-interval", required_argument, NULL, OPT_PASS_INTERVAL },
	{ "drop", no_argument, NULL, OPT_DROP },
	{ "max-held", required_argument, NULL, OPT_MAX_HELD },
	{ "max-hold", required_argument, NULL, OPT_MAX_HOLD },
	{ "table-max", required_argument, NULL, OPT_TABLE_MAX },
	{ "max-queries", required_argument, NULL, OPT_MAX_QUERIES },
	{ "query-timeout", required_argument, NULL, OPT_QUERY_TIMEOUT },
	{ "accept-unsolicited", no_argument, NULL, OPT_ACCEPT_UNSOLICITED },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ 0 }
};

#define SEC_MAX	(UINT_MAX / 1000)

int main(int argc, char **argv)
{
	struct cr_policy_conf conf = CR_POLICY_DEFAULTS;
	const struct cr_policy_ops ops = {
		.pass = on_pass, .cut = on_cut, .alert = on_alert,
		.attack_end = on_attack_end,
	};
	const char *query_cap = "dns-query", *reply_cap = "dns-reply";
	const char *syn_cap = "syn";
	unsigned int table_max = 65536, max_queries = 1024;
	static struct codered cr;
	char extack[SIS_EXTACK_MAX];
	struct sigaction sa;
	int opt, r;

	cr.name = "codered";
	cr.query_timeout_ms = 30000;
	while ((opt = getopt_long(argc, argv, "vhV", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_QUERY_CAP: query_cap = optarg; break;
		case OPT_REPLY_CAP: reply_cap = optarg; break;
		case OPT_SYN_CAP: syn_cap = optarg; break;
		case OPT_PER_SECOND:
			conf.per_second = number(optarg, "--per-second", UINT_MAX);
			break;
		case OPT_PER_MINUTE:
			conf.per_minute = number(optarg, "--per-minute", UINT_MAX);
			break;
		case OPT_ATTACK_TIME:
			conf.attack_ms = number(optarg, "--attack-time", SEC_MAX) * 1000;
			break;
		case OPT_PASS_INTERVAL:
			conf.pass_interval_ms =
				number(optarg, "--pass-interval", SEC_MAX) * 1000;
			break;
		case OPT_DROP: conf.drop = true; break;
		case OPT_MAX_HELD:
			conf.max_held = number(optarg, "--max-held", 1 << 20);
			break;
		case OPT_MAX_HOLD:
			conf.max_hold_ms = number(optarg, "--max-hold", SEC_MAX) * 1000;
			break;
		case OPT_TABLE_MAX:
			table_max = number(optarg, "--table-max", 1 << 24);
			break;
		case OPT_MAX_QUERIES:
			max_queries = number(optarg, "--max-queries", 1 << 16);
			break;
		case OPT_QUERY_TIMEOUT:
			cr.query_timeout_ms =
				number(optarg, "--query-timeout", SEC_MAX) * 1000;
			break;
		case OPT_ACCEPT_UNSOLICITED: cr.accept_unsolicited = true; break;
		case 'v': verbose = 1; break;
		case 'h': usage(0); break;
		case 'V': printf("sis-codered %s\n", SIS_VERSION); exit(0);
		default: usage(2);
		}
	}
	if (argc - optind > 1)
		usage(2);
	if (optind < argc)
		cr.name = argv[optind];
	if (!table_max || !max_queries || !conf.attack_ms) {
		logmsg("--table-max, --max-queries and --attack-time must be at least 1");
		exit(2);
	}

	if (getrandom(&cr.seed, sizeof(cr.seed), 0) != sizeof(cr.seed))
		die("getrandom", -errno, NULL);
	cr_table_init(&cr.table, table_max, cr.seed);
	cr.nqueries = max_queries;
	cr.queries = calloc(max_queries, sizeof(*cr.queries));
	if (!cr.queries || cr_policy_init(&cr.policy, &conf, &ops, &cr,
					  cr.seed ^ 0x5bd1e995))
		die("start", -ENOMEM, NULL);

	/* No SA_RESTART: a signal ends the wait for frames (-EINTR). */
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	sa.sa_flags = 0;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);

	r = sis_scanner_open(cr.name, &cr.sc, extack, sizeof(extack));
	if (r < 0)
		die("attach", r, extack);
	subscribe(&cr, query_cap, SIS_RIGHT_READ, "DNS queries");
	subscribe(&cr, reply_cap, SIS_RIGHT_READ, "DNS replies");
	subscribe(&cr, syn_cap, SIS_RIGHT_READ | SIS_RIGHT_CONTAIN, "SYNs");
	logmsg("scanner %s: watching DNS and %s SYNs", cr.name,
	       cr.syn_contained ? "containing" : "reading");
	printf("ready\n");
	fflush(stdout);

	/*
	 * Blocking reads: one system call per wake-up, which sends the
	 * verdicts queued so far before it waits (scanner.h). The timeout
	 * brings the policy's deadlines.
	 */
	while (!got_stop) {
		struct sis_event ev;
		uint64_t now = now_ms();

		if (got_stats) {
			got_stats = 0;
			print_stats(&cr);
		}
		if (now >= cr_policy_deadline(&cr.policy))
			cr_policy_tick(&cr.policy, now);
		set_wait(sis_scanner_fd(cr.sc), cr_policy_deadline(&cr.policy),
			 now);
		r = sis_read(cr.sc, &ev, 0);
		if (r == -EAGAIN || r == -EINTR)
			continue;
		if (r < 0) {
			logmsg("read: %s", sis_read_extack(cr.sc)[0] ?
			       sis_read_extack(cr.sc) : strerror(-r));
			continue;
		}
		if (ev.type == SIS_EVENT_FRAME) {
			on_frame(&cr, &ev.frame);
		} else if (ev.type == SIS_EVENT_LOST) {
			cr.n.lost++;
			logmsg("frames lost: the receive buffer overflowed");
		} else if (ev.type == SIS_EVENT_DETACHED) {
			logmsg("scanner %s deleted: exiting", cr.name);
			break;
		}
	}
	print_stats(&cr);
	sis_scanner_close(cr.sc);
	cr_policy_free(&cr.policy);
	cr_table_free(&cr.table);
	free(cr.queries);
	return 0;
}
