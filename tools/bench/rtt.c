// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * rtt: ICMP echo round trips, timed to the nanosecond (ping's own figures
 * stop at the microsecond), for the benchmark (scripts/bench-guest.sh).
 *
 *	rtt ADDR COUNT GAP_US
 *
 * Sends COUNT echo requests to the IPv4 address ADDR, one at a time, each
 * GAP_US after the previous reply, on an ICMP datagram socket, and prints
 * "MEDIAN_US MEAN_US" of the round trips, after 10 untimed ones.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include "timing.h"

int main(int argc, char **argv)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct timespec gap;
	double *v;
	int fd, n;

	if (argc != 4 || inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
		fprintf(stderr, "usage: rtt ADDR COUNT GAP_US\n");
		return 2;
	}
	n = atoi(argv[2]);
	gap.tv_sec = atol(argv[3]) / 1000000;
	gap.tv_nsec = atol(argv[3]) % 1000000 * 1000;
	v = calloc(n > 0 ? n : 1, sizeof(*v));
	fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
	if (n < 1 || !v || fd < 0) {
		perror("rtt");
		return 1;
	}
	for (int i = -10; i < n; i++) {
		struct icmphdr req = { .type = ICMP_ECHO };
		unsigned char rep[1500];
		double t0;

		req.un.echo.sequence = htons((uint16_t)i);
		nanosleep(&gap, NULL);
		t0 = now_us();
		if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&to,
			   sizeof(to)) < 0) {
			perror("sendto");
			return 1;
		}
		/* The kernel matches replies to this socket by its id. */
		for (;;) {
			const struct icmphdr *h = (const void *)rep;
			ssize_t len = recv(fd, rep, sizeof(rep), 0);

			if (len < 0) {
				perror("recv");
				return 1;
			}
			if (len >= (ssize_t)sizeof(*h) && h->type == ICMP_ECHOREPLY &&
			    h->un.echo.sequence == req.un.echo.sequence)
				break;
		}
		if (i >= 0)
			v[i] = now_us() - t0;
	}
	print_median_mean(v, n, "%.2f %.2f\n");
	return 0;
}
