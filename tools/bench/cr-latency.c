// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * cr-latency: the latencies the Code-Red scanner could add, measured from
 * the protected host (scripts/bench-guest.sh).
 *
 *	cr-latency dns SERVER FORMAT COUNT [GAP_US]
 *		COUNT lookups of different names (FORMAT with %d: 0, 1, ...),
 *		A records, one UDP query each to SERVER port 53; times each
 *		from send to reply.
 *	cr-latency connect SERVER FORMAT COUNT PORT [GAP_US]
 *		for each name: look it up (not timed), then time a TCP connect
 *		to its address and PORT: the SYN goes to a resolved address.
 *	cr-latency tcp ADDR PORT COUNT [GAP_US]
 *		time COUNT TCP connects to ADDR and PORT (the SYN flood's
 *		effect on a real connection's setup).
 *	cr-latency listen PORT
 *		accept and close connections on PORT, any address, forever.
 *
 * The measuring modes print "MEDIAN_US MEAN_US" over COUNT, after one
 * untimed warm-up of each kind. GAP_US (0) is a pause before each: a host
 * looks names up now and then, not back to back. Queries are built and replies parsed with
 * libresolv.
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include "timing.h"

static void fail(const char *what)
{
	perror(what);
	exit(1);
}

/* Look name up at server; its first A record to *addr. Returns the time. */
static double lookup(int fd, const char *name, struct in_addr *addr)
{
	unsigned char q[512], r[4096];
	double t0, t1;
	ns_msg h;
	ns_rr rr;
	int qlen, rlen;

	qlen = res_mkquery(ns_o_query, name, ns_c_in, ns_t_a, NULL, 0, NULL,
			   q, sizeof(q));
	if (qlen < 0)
		fail("res_mkquery");
	t0 = now_us();
	if (send(fd, q, qlen, 0) != qlen)
		fail("send");
	do {
		rlen = recv(fd, r, sizeof(r), 0);
		if (rlen < 0)
			fail("recv");
	} while (rlen < 2 || memcmp(r, q, 2));	/* the id */
	t1 = now_us();
	if (ns_initparse(r, rlen, &h) < 0)
		fail("ns_initparse");
	for (int i = 0; i < ns_msg_count(h, ns_s_an); i++) {
		if (ns_parserr(&h, ns_s_an, i, &rr) < 0)
			fail("ns_parserr");
		if (ns_rr_type(rr) == ns_t_a && ns_rr_rdlen(rr) == 4) {
			memcpy(addr, ns_rr_rdata(rr), 4);
			return t1 - t0;
		}
	}
	fprintf(stderr, "cr-latency: no A record for %s\n", name);
	exit(1);
}

static double connect_once(struct in_addr addr, int port)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET, .sin_port = htons(port), .sin_addr = addr,
	};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	double t0, t;

	if (fd < 0)
		fail("socket");
	t0 = now_us();
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		fail("connect");
	t = now_us() - t0;
	close(fd);
	return t;
}

static int dns_socket(const char *server)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(53) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || inet_pton(AF_INET, server, &sa.sin_addr) != 1)
		fail(server);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		fail("connect");
	return fd;
}

static void listen_forever(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		fail("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 128))
		fail("bind");
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		int c = accept(fd, NULL, NULL);

		if (c >= 0)
			close(c);
	}
}

static void sleep_us(long us)
{
	struct timespec gap = { .tv_sec = us / 1000000,
				.tv_nsec = us % 1000000 * 1000 };

	nanosleep(&gap, NULL);
}

/* cr-latency tcp: COUNT connects to one address, after one untimed. */
static int time_connects(const char *server, int port, int n, long gap_us)
{
	struct in_addr addr;
	double *v;

	v = calloc(n > 0 ? n : 1, sizeof(*v));
	if (n < 1 || !v || port < 1 || port > 65535 ||
	    inet_pton(AF_INET, server, &addr) != 1) {
		fprintf(stderr, "cr-latency: tcp ADDR PORT COUNT [GAP_US]\n");
		return 2;
	}
	connect_once(addr, port);
	for (int i = 0; i < n; i++) {
		sleep_us(gap_us);
		v[i] = connect_once(addr, port);
	}
	print_median_mean(v, n, "%.1f %.1f\n");
	free(v);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	struct timespec gap = { 0 };
	struct in_addr addr;
	char name[256];
	int fd, n, nargs;
	double *v;

	if (argc == 3 && !strcmp(cmd, "listen"))
		listen_forever(atoi(argv[2]));
	if ((argc == 5 || argc == 6) && !strcmp(cmd, "tcp"))
		return time_connects(argv[2], atoi(argv[3]), atoi(argv[4]),
				     argc == 6 ? atol(argv[5]) : 0);
	nargs = !strcmp(cmd, "connect") ? 6 : 5;
	if ((strcmp(cmd, "dns") && strcmp(cmd, "connect")) ||
	    argc < nargs || argc > nargs + 1) {
		fprintf(stderr,
			"usage: cr-latency dns SERVER FORMAT COUNT [GAP_US]\n"
			"       cr-latency connect SERVER FORMAT COUNT PORT [GAP_US]\n"
			"       cr-latency tcp ADDR PORT COUNT [GAP_US]\n"
			"       cr-latency listen PORT\n");
		return 2;
	}
	if (argc > nargs) {
		long us = atol(argv[nargs]);

		gap.tv_sec = us / 1000000;
		gap.tv_nsec = us % 1000000 * 1000;
	}
	n = atoi(argv[4]);
	v = calloc(n > 0 ? n : 1, sizeof(*v));
	if (n < 1 || !v)
		return 2;
	fd = dns_socket(argv[2]);
	/* Warm-up: the code paths, the ARP-free route, the server's cache. */
	snprintf(name, sizeof(name), argv[3], n);
	lookup(fd, name, &addr);
	if (nargs == 6)
		connect_once(addr, atoi(argv[5]));
	for (int i = 0; i < n; i++) {
		nanosleep(&gap, NULL);
		snprintf(name, sizeof(name), argv[3], i);
		v[i] = lookup(fd, name, &addr);
		if (nargs == 6)
			v[i] = connect_once(addr, atoi(argv[5]));
	}
	print_median_mean(v, n, "%.1f %.1f\n");
	return 0;
}
