// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * sis-scan: a scanner driven by its command line, for tests and scripts.
 * Every scanner request can be made from it, and its output says what
 * was delivered. See usage() for the options; the output, line-buffered:
 *
 *	sub ID				a subscription was made
 *	attached FILE			an alert went with FILE (--alert-attach)
 *	not attached FILE		the alert went without it, or not at all
 *	ready				set up: attached, subscribed, injected, alerted
 *	NUM DIR LEN CAPLEN SUB [held]	a frame (with --dump)
 *	lost				frames lost (receive buffer full)
 *	detached			the scanner was deleted; exits 0
 *
 * Exit status: 0 after --count frames, on SIGINT or SIGTERM, or when
 * detached; 1 with "Error: STEP: MESSAGE (ERRNO)" on stderr when a step
 * fails (the kernel's extended ack when there is one); 2 for usage errors.
 *
 * A shell test starts it in the background, waits for "ready" on its
 * output, makes traffic, then kills it (SIGTERM) and reads the output.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* ppoll(), strerrorname_np() */
#endif
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include <sis/scanner.h>

#define MAX_ITEMS	256

enum verdict { VERDICT_PASS, VERDICT_CUT, VERDICT_HOLD };

struct sub_opts {
	const char *cap;
	unsigned int rights;
	const char *filter;
	uint32_t snaplen;
};

struct opts {
	const char *name;
	struct sub_opts subs[MAX_ITEMS];
	int nsubs;
	uint32_t unsubs[MAX_ITEMS];
	int nunsubs;
	unsigned long churn;
	uint32_t inject_ids[MAX_ITEMS];
	uint8_t inject_dirs[MAX_ITEMS];
	int ninjects;
	const char *alerts[MAX_ITEMS];
	int nalerts;
	const char *alert_frame;
	const char *attach_files[MAX_ITEMS];
	int nattach;
	enum verdict verdict;
	enum verdict verdict_copies;	/* for frames not held */
	long count;
	bool dump;
	unsigned int delay_ms;
	int rcvbuf;
	bool set_user, open_first;
	uid_t uid;
	gid_t gid;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void die(const char *step, int err, const char *extack)
{
	fprintf(stderr, "Error: %s: %s (%s)\n", step,
		extack && extack[0] ? extack : strerror(-err),
		strerrorname_np(-err));
	exit(1);
}

static void usage(const char *fmt, const char *arg)
{
	if (fmt) {
		fprintf(stderr, "sis-scan: ");
		fprintf(stderr, fmt, arg);
		fprintf(stderr, "\n");
	}
	fprintf(stderr,
		"usage: sis-scan [--name NAME] [--cap CAP [--rights read|contain]\n"
		"                [--filter EXPR] [--snaplen N]]... [--unsubscribe ID]...\n"
		"                [--churn N]\n"
		"                [--inject ID:in|out]... [--alert MSG]... [--alert-frame MSG]\n"
		"                [--alert-attach FILE]...\n"
		"                [--verdict pass|cut|hold] [--verdict-copies pass|cut]\n"
		"                [--count N] [--dump] [--delay MS] [--rcvbuf BYTES]\n"
		"                [--uid UID[:GID]] [--open-first]\n"
		"\n"
		"  --name NAME         attach as scanner NAME (without: stay unattached)\n"
		"  --cap CAP           subscribe under capability CAP; each --cap starts a\n"
		"                      subscription that the next three options describe\n"
		"  --rights R          read (default) or contain\n"
		"  --filter EXPR       pcap filter (default: every frame)\n"
		"  --snaplen N         bytes of each frame delivered (default 0: all)\n"
		"  --unsubscribe ID    end subscription ID after subscribing\n"
		"  --churn N           then make each subscription and end it again, N\n"
		"                      times (races with new connections)\n"
		"  --inject ID:DIR     inject registered frame ID, in or out, once set up\n"
		"  --alert MSG         send an alert once set up\n"
		"  --alert-frame MSG   send an alert with each frame attached, before its\n"
		"                      verdict\n"
		"  --alert-attach FILE send an alert with FILE attached (read before\n"
		"                      --uid), once set up, after the --alert ones\n"
		"  --verdict V         for held frames: pass (default), cut, or hold (never\n"
		"                      answer)\n"
		"  --verdict-copies V  also give verdict V to frames delivered read-only\n"
		"                      (refused: EPERM)\n"
		"  --count N           exit after N frames (0: once set up)\n"
		"  --dump              print a line per frame\n"
		"  --delay MS          sleep MS milliseconds per frame (a slow scanner)\n"
		"  --rcvbuf BYTES      set the socket's SO_RCVBUF\n"
		"  --uid UID[:GID]     run as this user (GID defaults to UID)\n"
		"  --open-first        open the socket before changing user\n"
		"  --version           print the version\n");
	exit(2);
}

static unsigned long number(const char *s, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || v > max)
		usage("bad number: %s", s);
	return v;
}

static struct sub_opts *last_sub(struct opts *o, const char *opt)
{
	if (!o->nsubs)
		usage("%s needs a --cap before it", opt);
	return &o->subs[o->nsubs - 1];
}

static void parse_inject(struct opts *o, char *arg)
{
	char *dir = strchr(arg, ':');

	if (!dir || o->ninjects == MAX_ITEMS)
		usage("bad --inject: %s", arg);
	*dir++ = '\0';
	o->inject_ids[o->ninjects] = number(arg, UINT32_MAX);
	if (!strcmp(dir, "in"))
		o->inject_dirs[o->ninjects] = SIS_DIR_IN;
	else if (!strcmp(dir, "out"))
		o->inject_dirs[o->ninjects] = SIS_DIR_OUT;
	else
		usage("bad direction: %s", dir);
	o->ninjects++;
}

static void parse_user(struct opts *o, char *arg)
{
	char *gid = strchr(arg, ':');

	if (gid)
		*gid++ = '\0';
	o->uid = number(arg, UINT32_MAX - 1);
	o->gid = gid ? number(gid, UINT32_MAX - 1) : o->uid;
	o->set_user = true;
}

enum {
	OPT_NAME = 256, OPT_CAP, OPT_RIGHTS, OPT_FILTER, OPT_SNAPLEN,
	OPT_UNSUB, OPT_INJECT, OPT_ALERT, OPT_ALERT_FRAME, OPT_VERDICT,
	OPT_VERDICT_COPIES, OPT_COUNT, OPT_DUMP, OPT_DELAY, OPT_RCVBUF, OPT_UID, OPT_OPEN_FIRST,
	OPT_CHURN, OPT_ALERT_ATTACH,
};

static const struct option long_opts[] = {
	{ "name", required_argument, NULL, OPT_NAME },
	{ "cap", required_argument, NULL, OPT_CAP },
	{ "rights", required_argument, NULL, OPT_RIGHTS },
	{ "filter", required_argument, NULL, OPT_FILTER },
	{ "snaplen", required_argument, NULL, OPT_SNAPLEN },
	{ "unsubscribe", required_argument, NULL, OPT_UNSUB },
	{ "churn", required_argument, NULL, OPT_CHURN },
	{ "inject", required_argument, NULL, OPT_INJECT },
	{ "alert", required_argument, NULL, OPT_ALERT },
	{ "alert-frame", required_argument, NULL, OPT_ALERT_FRAME },
	{ "alert-attach", required_argument, NULL, OPT_ALERT_ATTACH },
	{ "verdict", required_argument, NULL, OPT_VERDICT },
	{ "verdict-copies", required_argument, NULL, OPT_VERDICT_COPIES },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "dump", no_argument, NULL, OPT_DUMP },
	{ "delay", required_argument, NULL, OPT_DELAY },
	{ "rcvbuf", required_argument, NULL, OPT_RCVBUF },
	{ "uid", required_argument, NULL, OPT_UID },
	{ "open-first", no_argument, NULL, OPT_OPEN_FIRST },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void parse_sub_opt(struct opts *o, int opt, const char *arg)
{
	struct sub_opts *s;

	if (opt == OPT_CAP) {
		if (o->nsubs == MAX_ITEMS)
			usage("too many %s", "--cap");
		o->subs[o->nsubs++] = (struct sub_opts){
			.cap = arg, .rights = SIS_RIGHT_READ,
		};
		return;
	}
	s = last_sub(o, opt == OPT_RIGHTS ? "--rights" :
			opt == OPT_FILTER ? "--filter" : "--snaplen");
	if (opt == OPT_FILTER)
		s->filter = arg;
	else if (opt == OPT_SNAPLEN)
		s->snaplen = number(arg, UINT32_MAX);
	else if (!strcmp(arg, "read"))
		s->rights = SIS_RIGHT_READ;
	else if (!strcmp(arg, "contain"))
		s->rights = SIS_RIGHT_READ | SIS_RIGHT_CONTAIN;
	else
		usage("bad rights: %s", arg);
}

static enum verdict parse_verdict(const char *arg, bool hold)
{
	if (!strcmp(arg, "pass"))
		return VERDICT_PASS;
	if (!strcmp(arg, "cut"))
		return VERDICT_CUT;
	if (!hold || strcmp(arg, "hold"))
		usage("bad verdict: %s", arg);
	return VERDICT_HOLD;
}

static void parse(struct opts *o, int argc, char **argv)
{
	int opt;

	o->count = -1;
	o->verdict_copies = VERDICT_HOLD;	/* none */
	while ((opt = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		switch (opt) {
		case OPT_NAME:
			o->name = optarg;
			break;
		case OPT_CAP: case OPT_RIGHTS: case OPT_FILTER: case OPT_SNAPLEN:
			parse_sub_opt(o, opt, optarg);
			break;
		case OPT_UNSUB:
			if (o->nunsubs == MAX_ITEMS)
				usage("too many %s", "--unsubscribe");
			o->unsubs[o->nunsubs++] = number(optarg, UINT32_MAX);
			break;
		case OPT_CHURN:
			o->churn = number(optarg, ULONG_MAX);
			break;
		case OPT_INJECT:
			parse_inject(o, optarg);
			break;
		case OPT_ALERT:
			if (o->nalerts == MAX_ITEMS)
				usage("too many %s", "--alert");
			o->alerts[o->nalerts++] = optarg;
			break;
		case OPT_ALERT_FRAME:
			o->alert_frame = optarg;
			break;
		case OPT_ALERT_ATTACH:
			if (o->nattach == MAX_ITEMS)
				usage("too many %s", "--alert-attach");
			o->attach_files[o->nattach++] = optarg;
			break;
		case OPT_VERDICT:
			o->verdict = parse_verdict(optarg, true);
			break;
		case OPT_VERDICT_COPIES:
			o->verdict_copies = parse_verdict(optarg, false);
			break;
		case OPT_COUNT:
			o->count = number(optarg, LONG_MAX);
			break;
		case OPT_DUMP:
			o->dump = true;
			break;
		case OPT_DELAY:
			o->delay_ms = number(optarg, 3600 * 1000);
			break;
		case OPT_RCVBUF:
			o->rcvbuf = number(optarg, INT_MAX / 2);
			break;
		case OPT_UID:
			parse_user(o, optarg);
			break;
		case OPT_OPEN_FIRST:
			o->open_first = true;
			break;
		case 'V':
			printf("sis-scan %s\n", SIS_VERSION);
			exit(0);
		default:
			usage(NULL, NULL);
		}
	}
	if (optind < argc)
		usage("unexpected argument: %s", argv[optind]);
}

/* The files of --alert-attach, read whole while still the caller. */
static struct attachment {
	void *data;
	size_t len;
} attachments[MAX_ITEMS];

static void read_attachments(const struct opts *o)
{
	for (int i = 0; i < o->nattach; i++) {
		struct attachment *a = &attachments[i];
		FILE *f = fopen(o->attach_files[i], "rb");
		size_t n;

		/* One byte over the most, for the kernel to refuse. */
		a->data = malloc(SIS_ALERT_ATTACH_MAX + 1);
		if (!f || !a->data)
			die("alert-attach", -errno, o->attach_files[i]);
		n = fread(a->data, 1, SIS_ALERT_ATTACH_MAX + 1, f);
		if (ferror(f))
			die("alert-attach", -EIO, o->attach_files[i]);
		fclose(f);
		a->len = n;
	}
}

static void become_user(const struct opts *o)
{
	if (setgroups(0, NULL) < 0 || setresgid(o->gid, o->gid, o->gid) < 0 ||
	    setresuid(o->uid, o->uid, o->uid) < 0)
		die("uid", -errno, NULL);
}

/* Open, attach and subscribe, then the one-time requests. */
static struct sis_scanner *setup(const struct opts *o)
{
	char extack[SIS_EXTACK_MAX];
	struct sis_scanner *sc;
	uint32_t id;
	int r;

	if (o->set_user && !o->open_first)
		become_user(o);
	r = sis_scanner_open(NULL, &sc, extack, sizeof(extack));
	if (r < 0)
		die("open", r, extack);
	if (o->set_user && o->open_first)
		become_user(o);
	if (o->rcvbuf && setsockopt(sis_scanner_fd(sc), SOL_SOCKET, SO_RCVBUF,
				    &o->rcvbuf, sizeof(o->rcvbuf)) < 0)
		die("rcvbuf", -errno, NULL);
	if (o->name) {
		r = sis_scanner_attach(sc, o->name, extack, sizeof(extack));
		if (r < 0)
			die("attach", r, extack);
	}
	for (int i = 0; i < o->nsubs; i++) {
		const struct sub_opts *s = &o->subs[i];

		r = sis_subscribe(sc, s->cap, s->rights, s->filter, s->snaplen,
				  &id, extack, sizeof(extack));
		if (r < 0)
			die("subscribe", r, extack);
		printf("sub %u\n", id);
	}
	for (int i = 0; i < o->nunsubs; i++) {
		r = sis_unsubscribe(sc, o->unsubs[i], extack, sizeof(extack));
		if (r < 0)
			die("unsubscribe", r, extack);
	}
	for (unsigned long n = 0; n < o->churn; n++) {
		for (int i = 0; i < o->nsubs; i++) {
			const struct sub_opts *s = &o->subs[i];

			r = sis_subscribe(sc, s->cap, s->rights, s->filter,
					  s->snaplen, &id, extack,
					  sizeof(extack));
			if (r < 0)
				die("subscribe", r, extack);
			r = sis_unsubscribe(sc, id, extack, sizeof(extack));
			if (r < 0)
				die("unsubscribe", r, extack);
		}
	}
	for (int i = 0; i < o->ninjects; i++) {
		r = sis_inject(sc, o->inject_ids[i], o->inject_dirs[i],
			       extack, sizeof(extack));
		if (r < 0)
			die("inject", r, extack);
	}
	for (int i = 0; i < o->nalerts; i++) {
		r = sis_alert(sc, o->alerts[i], strlen(o->alerts[i]), 0,
			      extack, sizeof(extack));
		if (r < 0)
			die("alert", r, extack);
	}
	for (int i = 0; i < o->nattach; i++) {
		r = sis_alert_attach(sc, o->attach_files[i],
				     strlen(o->attach_files[i]),
				     attachments[i].data, attachments[i].len,
				     extack, sizeof(extack));
		if (r < 0)
			die("alert-attach", r, extack);
		printf("%s %s\n", r ? "not attached" : "attached",
		       o->attach_files[i]);
		free(attachments[i].data);
	}
	return sc;
}

static void frame(struct sis_scanner *sc, const struct opts *o,
		  const struct sis_frame *f)
{
	enum verdict v = f->held ? o->verdict : o->verdict_copies;
	char extack[SIS_EXTACK_MAX], step[64];
	struct timespec ts;
	int r;

	if (o->dump)
		printf("%llu %s %u %u %u%s\n", (unsigned long long)f->num,
		       f->dir == SIS_DIR_IN ? "in" : "out", f->len, f->caplen,
		       f->sub, f->held ? " held" : "");
	if (o->alert_frame) {
		r = sis_alert(sc, o->alert_frame, strlen(o->alert_frame),
			      f->num, extack, sizeof(extack));
		if (r < 0)
			die("alert", r, extack);
	}
	if (o->delay_ms) {
		ts.tv_sec = o->delay_ms / 1000;
		ts.tv_nsec = (long)(o->delay_ms % 1000) * 1000000;
		nanosleep(&ts, NULL);
	}
	if (v == VERDICT_HOLD)
		return;
	r = v == VERDICT_CUT ? sis_cut(sc, f->num) : sis_pass(sc, f->num);
	snprintf(step, sizeof(step), "verdict: frame %llu",
		 (unsigned long long)f->num);
	if (r < 0)
		die(step, r, NULL);
}

/* Read until --count frames, a signal or the end of the scanner. */
static void run(struct sis_scanner *sc, const struct opts *o,
		const sigset_t *wait_mask)
{
	struct pollfd pfd = { .fd = sis_scanner_fd(sc), .events = POLLIN };
	struct sis_event ev;
	long seen = 0;
	int r;

	while (!stop && seen != o->count) {
		r = sis_read(sc, &ev, SIS_READ_NONBLOCK);
		if (r == -EAGAIN) {
			if (ppoll(&pfd, 1, NULL, wait_mask) < 0 && errno != EINTR)
				die("poll", -errno, NULL);
			continue;
		}
		if (r < 0)
			die("read", r, sis_read_extack(sc));
		if (ev.type == SIS_EVENT_LOST) {
			printf("lost\n");
		} else if (ev.type == SIS_EVENT_DETACHED) {
			printf("detached\n");
			return;
		} else {
			frame(sc, o, &ev.frame);
			seen++;
		}
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	static struct opts o;
	struct sis_scanner *sc;
	sigset_t block, wait_mask;

	parse(&o, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* Signals only interrupt the wait: none is missed, none cuts a step. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &wait_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	read_attachments(&o);
	sc = setup(&o);
	printf("ready\n");
	run(sc, &o, &wait_mask);
	sis_scanner_close(sc);	/* sends the last verdicts */
	return 0;
}
