// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * pop3-fetch: the e-mail scanner benchmark's mail client (paper Table 3,
 * scripts/bench-guest.sh). It fetches a whole POP3 mailbox as fast as the
 * server and the path let it, and times each message.
 *
 *	pop3-fetch ADDR PORT USER PASS [PER_CONN [LOG]]
 *
 * Logs in (USER, PASS), asks STAT for the number of messages, then sends
 * RETR 1, RETR 2, ... one at a time, each when the previous one's
 * terminating line (".") has come: a message's latency is from sending
 * its RETR to having read that line. PER_CONN (0: all in one) is the
 * number of messages per connection: after that many it says QUIT and
 * logs in again on a new connection, which is not timed. Nothing is
 * deleted.
 *
 * Prints "MESSAGES BYTES MEAN_US MEDIAN_US": BYTES is the sum of the
 * messages as they came (CRLF line ends, dot-stuffed, without the +OK
 * line and the terminating line). LOG, when given, gets each message's
 * "NUMBER BYTES US".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "timing.h"

struct conn {
	int fd;
	char buf[1 << 16];
	size_t start, end;	/* unread bytes: buf[start, end) */
};

static void __attribute__((noreturn)) fail(const char *what)
{
	fprintf(stderr, "pop3-fetch: %s: %s\n", what, errno ? strerror(errno) : "failed");
	exit(1);
}

static void fill(struct conn *c)
{
	ssize_t n;

	c->start = 0;
	do
		n = recv(c->fd, c->buf, sizeof(c->buf), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		fail("recv");
	if (n == 0) {
		errno = 0;
		fail("the server closed the connection");
	}
	c->end = (size_t)n;
}

/* One line without its CRLF, into line (truncated to size - 1). */
static void read_line(struct conn *c, char *line, size_t size)
{
	size_t n = 0;

	for (;;) {
		char ch;

		if (c->start == c->end)
			fill(c);
		ch = c->buf[c->start++];
		if (ch == '\n')
			break;
		if (ch != '\r' && n + 1 < size)
			line[n++] = ch;
	}
	line[n] = '\0';
}

static void send_cmd(struct conn *c, const char *fmt, const char *arg)
{
	char cmd[256];
	int len = snprintf(cmd, sizeof(cmd), fmt, arg);

	if (len < 0 || (size_t)len >= sizeof(cmd)) {
		errno = EINVAL;
		fail("command");
	}
	if (send(c->fd, cmd, (size_t)len, 0) != len)
		fail("send");
}

/* A command and its one-line reply, which must be +OK. */
static void command(struct conn *c, const char *fmt, const char *arg,
		    char *reply, size_t size)
{
	send_cmd(c, fmt, arg);
	read_line(c, reply, size);
	if (strncmp(reply, "+OK", 3)) {
		errno = 0;
		fprintf(stderr, "pop3-fetch: ");
		fprintf(stderr, fmt, arg);
		fprintf(stderr, "pop3-fetch: the server said: %s\n", reply);
		exit(1);
	}
}

/*
 * The rest of a multi-line reply after its +OK line: every byte up to
 * and without the terminating CRLF "." CRLF. Returns the bytes before it.
 */
static size_t read_body(struct conn *c)
{
	/* 0 in a line, 1 after CR, 2 at a line's start, 3 "." there, 4 ".\r" */
	int state = 2;
	size_t bytes = 0;

	for (;;) {
		if (c->start == c->end)
			fill(c);
		while (c->start < c->end) {
			const char *p;
			char ch;

			/* Within a line: on to its CR at once. */
			if (state == 0) {
				p = memchr(c->buf + c->start, '\r', c->end - c->start);
				if (!p) {
					bytes += c->end - c->start;
					c->start = c->end;
					break;
				}
				bytes += (size_t)(p - (c->buf + c->start)) + 1;
				c->start = (size_t)(p - c->buf) + 1;
				state = 1;
				continue;
			}
			ch = c->buf[c->start++];
			bytes++;
			switch (state) {
			case 1:
				state = ch == '\n' ? 2 : ch == '\r' ? 1 : 0;
				break;
			case 2:
				state = ch == '.' ? 3 : ch == '\r' ? 1 : 0;
				break;
			case 3:
				state = ch == '\r' ? 4 : 0;
				break;
			case 4:
				if (ch == '\n')
					return bytes - 3;
				state = ch == '\r' ? 1 : 0;
				break;
			default:
				state = ch == '\r' ? 1 : 0;
			}
		}
	}
}

static void login(struct conn *c, const struct sockaddr_in *sa,
		  const char *user, const char *pass)
{
	char line[512];
	int one = 1;

	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (c->fd < 0)
		fail("socket");
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c->fd, (const struct sockaddr *)sa, sizeof(*sa)))
		fail("connect");
	c->start = c->end = 0;
	read_line(c, line, sizeof(line));
	if (strncmp(line, "+OK", 3)) {
		errno = 0;
		fprintf(stderr, "pop3-fetch: greeting: %s\n", line);
		exit(1);
	}
	command(c, "USER %s\r\n", user, line, sizeof(line));
	command(c, "PASS %s\r\n", pass, line, sizeof(line));
}

static void quit(struct conn *c)
{
	char line[512];

	command(c, "QUIT\r\n", "", line, sizeof(line));
	close(c->fd);
}

int main(int argc, char **argv)
{
	static struct conn c;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	unsigned long per_conn = 0, bytes = 0;
	char line[512], num[32];
	FILE *log = NULL;
	double *lat, sum = 0;
	int n, i;

	if (argc < 5 || argc > 7) {
		fprintf(stderr, "usage: pop3-fetch ADDR PORT USER PASS [PER_CONN [LOG]]\n");
		return 2;
	}
	if (inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) {
		fprintf(stderr, "pop3-fetch: %s: not an IPv4 address\n", argv[1]);
		return 2;
	}
	sa.sin_port = htons((uint16_t)atoi(argv[2]));
	if (argc > 5)
		per_conn = strtoul(argv[5], NULL, 10);
	if (argc > 6) {
		log = fopen(argv[6], "w");
		if (!log)
			fail(argv[6]);
	}

	login(&c, &sa, argv[3], argv[4]);
	command(&c, "STAT\r\n", "", line, sizeof(line));
	if (sscanf(line, "+OK %d", &n) != 1 || n <= 0) {
		fprintf(stderr, "pop3-fetch: STAT: %s\n", line);
		return 1;
	}
	lat = calloc((size_t)n, sizeof(*lat));
	if (!lat)
		fail("calloc");
	for (i = 0; i < n; i++) {
		double t0, t1;
		size_t len;

		if (per_conn && i && i % per_conn == 0) {
			quit(&c);
			login(&c, &sa, argv[3], argv[4]);
		}
		snprintf(num, sizeof(num), "%d", i + 1);
		t0 = now_us();
		command(&c, "RETR %s\r\n", num, line, sizeof(line));
		len = read_body(&c);
		t1 = now_us();
		lat[i] = t1 - t0;
		sum += lat[i];
		bytes += len;
		if (log)
			fprintf(log, "%d %zu %.3f\n", i + 1, len, lat[i]);
	}
	quit(&c);
	if (log && fclose(log))
		fail(argv[6]);
	qsort(lat, (size_t)n, sizeof(*lat), cmp_double);
	printf("%d %lu %.3f %.3f\n", n, bytes, sum / n,
	       n % 2 ? lat[n / 2] : (lat[n / 2 - 1] + lat[n / 2]) / 2);
	free(lat);
	return 0;
}
