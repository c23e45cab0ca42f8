// SPDX-License-Identifier: GPL-2.0
/*
 * Small UDP helper for the selftests (python3 starts too slowly in a
 * KASAN guest under TCG):
 *
 *   udpio send DST PORT COUNT SIZE       COUNT datagrams of SIZE bytes
 *   udpio recv PORT EXPECT STOP          count datagrams on PORT, print it
 *
 * recv prints "ready" once bound (so a shell can wait for it with the read
 * builtin instead of polling), then the count when EXPECT datagrams have
 * come, or when the file STOP exists and nothing came for a second (or
 * after 120 s in any case).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int do_send(const char *dst, int port, int count, int size)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	char buf[65536];
	int fd, i;

	if (size < 0 || size > (int)sizeof(buf) ||
	    inet_pton(AF_INET, dst, &sin.sin_addr) != 1)
		return 2;
	sin.sin_port = htons(port);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return 1;
	for (i = 0; i < count; i++) {
		memset(buf, i & 0xff, size);
		if (sendto(fd, buf, size, 0, (struct sockaddr *)&sin,
			   sizeof(sin)) != size) {
			perror("sendto");
			return 1;
		}
		usleep(2000);
	}
	return 0;
}

static int do_recv(int port, int expect, const char *stop)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_ANY),
		.sin_port = htons(port),
	};
	double last = now(), deadline = now() + 120;
	char buf[65536];
	struct pollfd p;
	int n = 0;

	p.fd = socket(AF_INET, SOCK_DGRAM, 0);
	p.events = POLLIN;
	if (p.fd < 0 || bind(p.fd, (struct sockaddr *)&sin, sizeof(sin))) {
		perror("bind");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	while (n < expect && now() < deadline) {
		if (poll(&p, 1, 100) > 0) {
			if (recv(p.fd, buf, sizeof(buf), 0) >= 0) {
				n++;
				last = now();
			}
		} else if (!access(stop, F_OK) && now() - last > 1) {
			break;
		}
	}
	printf("%d\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 6 && !strcmp(argv[1], "send"))
		return do_send(argv[2], atoi(argv[3]), atoi(argv[4]),
			       atoi(argv[5]));
	if (argc == 5 && !strcmp(argv[1], "recv"))
		return do_recv(atoi(argv[2]), atoi(argv[3]), argv[4]);
	fprintf(stderr, "usage: udpio send DST PORT COUNT SIZE | recv PORT EXPECT STOP\n");
	return 2;
}
