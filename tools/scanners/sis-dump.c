// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * sis-dump: a read-only scanner that prints one line per frame.
 *
 *	sis-dump [-r read|contain] [-s SNAPLEN] [-c COUNT] NAME CAP [EXPR...]
 *
 * NAME is the scanner, CAP its capability, EXPR a pcap filter (all frames
 * of the capability without one). Rights default to read; with contain,
 * held frames are passed. Output, line-buffered:
 *
 *	ready				subscribed
 *	NUM DIR LEN CAPLEN SUB [held]	a frame: number, "in" or "out",
 *					length, bytes delivered, subscription
 *	lost				frames lost (receive buffer full)
 *	detached			the scanner was deleted
 *
 * It exits 0 after COUNT frames, on SIGINT or SIGTERM, or when detached;
 * 1 with "Error: ..." on stderr when something fails.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* ppoll(), strerrorname_np() */
#endif
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sis/scanner.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void die(const char *what, int err, const char *extack)
{
	fprintf(stderr, "Error: %s: %s (%s)\n", what,
		extack && extack[0] ? extack : strerror(-err),
		strerrorname_np(-err));
	exit(1);
}

static void usage(void)
{
	fprintf(stderr, "usage: sis-dump [-r read|contain] [-s SNAPLEN] [-c COUNT] NAME CAP [EXPR...]\n"
		"       sis-dump --version\n");
	exit(2);
}

static char *join(int argc, char **argv)
{
	size_t len = 1;
	char *s;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = calloc(1, len);
	if (!s)
		die("filter", -ENOMEM, NULL);
	for (int i = 0; i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

/*
 * SIGINT and SIGTERM are blocked except inside ppoll(), which they
 * interrupt: no signal is missed between a check of stop and the wait.
 */
static void signals(sigset_t *wait_mask)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, wait_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static void print_frame(const struct sis_frame *f)
{
	printf("%llu %s %u %u %u%s\n", (unsigned long long)f->num,
	       f->dir == SIS_DIR_IN ? "in" : "out", f->len, f->caplen, f->sub,
	       f->held ? " held" : "");
}

int main(int argc, char **argv)
{
	unsigned int rights = SIS_RIGHT_READ;
	char extack[SIS_EXTACK_MAX];
	struct sis_scanner *sc;
	long count = -1, seen = 0;
	struct sis_event ev;
	uint32_t snaplen = 0;
	struct pollfd pfd;
	sigset_t wait_mask;
	int opt, r;

	static const struct option longopts[] = {
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};

	while ((opt = getopt_long(argc, argv, "c:r:s:", longopts, NULL)) != -1) {
		if (opt == 'V') {
			printf("sis-dump %s\n", SIS_VERSION);
			exit(0);
		}
		if (opt == 'r' && !strcmp(optarg, "read"))
			rights = SIS_RIGHT_READ;
		else if (opt == 'r' && !strcmp(optarg, "contain"))
			rights = SIS_RIGHT_READ | SIS_RIGHT_CONTAIN;
		else if (opt == 's')
			snaplen = strtoul(optarg, NULL, 0);
		else if (opt == 'c')
			count = strtol(optarg, NULL, 0);
		else
			usage();
	}
	if (argc - optind < 2)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	signals(&wait_mask);

	r = sis_scanner_open(argv[optind], &sc, extack, sizeof(extack));
	if (r < 0)
		die("attach", r, extack);
	r = sis_subscribe(sc, argv[optind + 1], rights,
			  join(argc - optind - 2, argv + optind + 2), snaplen,
			  NULL, extack, sizeof(extack));
	if (r < 0)
		die("subscribe", r, extack);
	printf("ready\n");

	pfd = (struct pollfd){ .fd = sis_scanner_fd(sc), .events = POLLIN };
	while (!stop && seen != count) {
		r = sis_read(sc, &ev, SIS_READ_NONBLOCK);
		if (r == -EAGAIN) {
			/* Nothing left to hand out: wait for the socket. */
			if (ppoll(&pfd, 1, NULL, &wait_mask) < 0 && errno != EINTR)
				die("poll", -errno, NULL);
			continue;
		}
		if (r < 0)
			die("read", r, sis_read_extack(sc));
		if (ev.type == SIS_EVENT_LOST) {
			printf("lost\n");
		} else if (ev.type == SIS_EVENT_DETACHED) {
			printf("detached\n");
			break;
		} else {
			print_frame(&ev.frame);
			seen++;
			if (ev.frame.held)
				sis_pass(sc, ev.frame.num);
		}
	}
	sis_scanner_close(sc);	/* sends the last verdicts */
	return 0;
}
