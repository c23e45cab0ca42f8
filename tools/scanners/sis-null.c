// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * sis-null: the smallest useful scanner. It subscribes under one
 * capability and passes every held frame, as fast as it can: the cost of
 * a scanner that inspects nothing, measured by the benchmark.
 *
 *	sis-null [-r read|contain] [-s SNAPLEN] NAME CAP [EXPR...]
 *
 * NAME is the scanner, CAP its capability, EXPR a pcap filter (all frames
 * of the capability without one). Rights default to contain. It prints
 * "ready" once subscribed and runs until killed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* strerrorname_np() */
#endif
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sis/scanner.h>

static void die(const char *what, int err, const char *extack)
{
	fprintf(stderr, "Error: %s: %s (%s)\n", what,
		extack && extack[0] ? extack : strerror(-err),
		strerrorname_np(-err));
	exit(1);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: sis-null [-r read|contain] [-s SNAPLEN] NAME CAP [EXPR...]\n"
		"       sis-null --version\n");
	exit(2);
}

/* The pcap expression: the remaining words, joined as tcpdump does. */
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

int main(int argc, char **argv)
{
	unsigned int rights = SIS_RIGHT_READ | SIS_RIGHT_CONTAIN;
	char extack[SIS_EXTACK_MAX];
	struct sis_scanner *sc;
	struct sis_event ev;
	uint32_t snaplen = 0;
	int opt, r;

	static const struct option longopts[] = {
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};

	while ((opt = getopt_long(argc, argv, "r:s:", longopts, NULL)) != -1) {
		if (opt == 'V') {
			printf("sis-null %s\n", SIS_VERSION);
			exit(0);
		}
		if (opt == 'r' && !strcmp(optarg, "read"))
			rights = SIS_RIGHT_READ;
		else if (opt == 'r' && !strcmp(optarg, "contain"))
			rights = SIS_RIGHT_READ | SIS_RIGHT_CONTAIN;
		else if (opt == 's')
			snaplen = strtoul(optarg, NULL, 0);
		else
			usage();
	}
	if (argc - optind < 2)
		usage();

	r = sis_scanner_open(argv[optind], &sc, extack, sizeof(extack));
	if (r < 0)
		die("attach", r, extack);
	r = sis_subscribe(sc, argv[optind + 1], rights,
			  join(argc - optind - 2, argv + optind + 2), snaplen,
			  NULL, extack, sizeof(extack));
	if (r < 0)
		die("subscribe", r, extack);
	printf("ready\n");
	fflush(stdout);

	/*
	 * A blocking read sends the verdicts collected so far before it
	 * waits: one request per wake-up, two system calls in all.
	 */
	for (;;) {
		r = sis_read(sc, &ev, 0);
		if (r == -EINTR)
			continue;
		if (r < 0)
			die("read", r, sis_read_extack(sc));
		if (ev.type == SIS_EVENT_FRAME && ev.frame.held)
			sis_pass(sc, ev.frame.num);
		else if (ev.type == SIS_EVENT_DETACHED)
			break;
	}
	sis_scanner_close(sc);
	return 0;
}
