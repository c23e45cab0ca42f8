// SPDX-License-Identifier: GPL-2.0
/*
 * TCP helper for the stream selftests (one program for every role: process
 * starts are slow in a KASAN guest under TCG):
 *
 *   tcpio serve PORT [-n CONNS] [-t SECS] [-q] [-N] [-T]
 *   tcpio send ADDR PORT OUTBYTES INBYTES [-s SEED] [-t SECS] [-p LPORT] [-N] [-T]
 *   tcpio many ADDR PORT COUNT [-t SECS] [-p LPORT]
 *   tcpio gen BYTES [-s SEED]
 *
 * Each connection starts with the client's 24-byte header (big endian):
 *
 *   u32 magic "TCIO", u32 seed, u64 bytes client to server, u64 bytes server
 *   to client
 *
 * then both ends send at once: the client OUTBYTES pseudo-random bytes
 * (xorshift64* from the seed), the server the bytes asked for (from seed +
 * 1). Each end shuts its sending side down once it has sent everything and
 * reads until the other does. The hashes printed are those of the whole
 * byte stream of each direction (the client's includes the header), as a
 * reassembler on the path sees them.
 *
 * ADDR is IPv4 or IPv6. serve listens on [::]:PORT, which takes both (on
 * 0.0.0.0:PORT where IPv6 is not built in), prints "ready" once it does, then serves
 * CONNS connections (default 1) one after the other, printing for each
 * "recv BYTES SHA256 sent BYTES SHA256", or "error MESSAGE", or with -t
 * "stalled recv N sent N"; with -q only "done CONNS" at the end.
 * send prints "sent BYTES SHA256 recv BYTES SHA256", or with -t, after
 * SECS without progress either way, "stalled sent N recv N" and exits 3.
 * many opens COUNT short connections in turn (1 byte each way, closed with
 * FINs) and prints "done COUNT". gen writes to stdout the BYTES a
 * client with SEED sends after its header (the server's to it: SEED + 1),
 * for tests that edit streams. Sizes take k, M or G (times 1024).
 * With -p the client uses local port LPORT, and closes its side only after
 * the server closed its own: the server keeps the TIME_WAIT, so the next
 * connection may use the same addresses and ports at once (many -p makes
 * COUNT connections on one 4-tuple).
 * With -a an end does not hold the peer to the byte count the header
 * announced (a scanner on the path cut or injected bytes): the stream ends
 * with the peer's FIN, whatever its length.
 * With -N (for benchmarks: generating and hashing each byte would cost
 * more than moving it) nothing is checked: the hashes are not computed
 * (printed as "-"), and the generator fills the send buffer once, whose
 * bytes then go again and again. With -T each connection's line is followed by
 * "time START END", CLOCK_MONOTONIC seconds: the client's from before its
 * connect, the server's from its accept, to the end of the transfer.
 * Exit status: 0 success, 1 error, 2 usage, 3 stalled.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#define MAGIC		0x5443494fu	/* "TCIO" */
#define HDR_LEN		24
#define BUF_LEN		65536
#define STALLED		3

/* One direction's byte stream: the bytes moved and their hash so far. */
struct half {
	EVP_MD_CTX *md;
	uint64_t bytes;
};

struct conn {
	int fd;
	bool server;
	struct half out, in;
	/* sending: buf[pos, len) is next, then left bytes of the generator */
	unsigned char buf[BUF_LEN];
	size_t pos, len;
	uint64_t left, x;
	bool sending, shut, eof;
	bool close_last;		/* client -p: shut down after eof */
	bool full;			/* -N: buf is the generator's bytes */
	double start, end;		/* -T */
	unsigned char hdr[HDR_LEN];	/* server: the client's header */
};

static const char *err_msg;
static int local_port;		/* -p */
static bool any_len;		/* -a */
static bool no_check;		/* -N */
static bool times;		/* -T */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: tcpio serve PORT [-n CONNS] [-t SECS] [-q] [-a] [-N] [-T]\n"
		"       tcpio send ADDR PORT OUTBYTES INBYTES [-s SEED] [-t SECS] [-p LPORT] [-a]\n"
		"                  [-N] [-T]\n"
		"       tcpio many ADDR PORT COUNT [-t SECS] [-p LPORT]\n"
		"       tcpio gen BYTES [-s SEED]\n");
	exit(2);
}

static uint64_t number(const char *s)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		usage();
	switch (*end) {
	case 'k': v <<= 10; end++; break;
	case 'M': v <<= 20; end++; break;
	case 'G': v <<= 30; end++; break;
	}
	if (*end)
		usage();
	return v;
}

static void hash_init(struct half *h)
{
	h->bytes = 0;
	h->md = NULL;
	if (no_check)
		return;
	h->md = EVP_MD_CTX_new();
	if (!h->md || !EVP_DigestInit_ex(h->md, EVP_sha256(), NULL)) {
		fprintf(stderr, "Error: sha256 unavailable\n");
		exit(1);
	}
}

static void hash_add(struct half *h, const void *p, size_t n)
{
	if (h->md)
		EVP_DigestUpdate(h->md, p, n);
	h->bytes += n;
}

/*
 * "BYTES SHA256HEX" (-N: "BYTES -") into s (at least 96 bytes); frees the
 * context.
 */
static const char *hash_end(struct half *h, char *s)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;
	int k;

	if (!h->md) {
		sprintf(s, "%llu -", (unsigned long long)h->bytes);
		return s;
	}
	EVP_DigestFinal_ex(h->md, md, &len);
	EVP_MD_CTX_free(h->md);
	h->md = NULL;
	k = sprintf(s, "%llu ", (unsigned long long)h->bytes);
	for (i = 0; i < len; i++)
		k += sprintf(s + k, "%02x", md[i]);
	return s;
}

static void conn_init(struct conn *c, int fd, bool server)
{
	int one = 1;

	/* Short exchanges must not wait for delayed ACKs (Nagle). */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->fd = fd;
	c->server = server;
	c->pos = c->len = 0;
	c->left = 0;
	c->sending = c->shut = c->eof = false;
	c->full = false;
	hash_init(&c->out);
	hash_init(&c->in);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static void conn_free(struct conn *c)
{
	EVP_MD_CTX_free(c->out.md);
	EVP_MD_CTX_free(c->in.md);
	close(c->fd);
}

/* Start sending n bytes from seed, after whatever buf already holds. */
static void gen_start(struct conn *c, uint32_t seed, uint64_t n)
{
	uint64_t z = seed + 0x9e3779b97f4a7c15ULL;	/* splitmix64 */

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	c->x = (z ^ (z >> 31)) | 1;
	c->left = n;
	c->sending = true;
}

/*
 * Refill buf from off on with the generator (xorshift64*), hashing what
 * goes out. Only the last fill may stop inside a word.
 */
static void gen_fill(struct conn *c, size_t off)
{
	size_t n = BUF_LEN - off, i, k;
	unsigned char *p = c->buf + off;
	uint64_t v;

	n = c->left < n ? c->left : n;
	for (i = 0; i < n && !(no_check && c->full); i += 8) {
		c->x ^= c->x >> 12;
		c->x ^= c->x << 25;
		c->x ^= c->x >> 27;
		v = c->x * 0x2545f4914f6cdd1dULL;
		for (k = 0; k < 8 && i + k < n; k++)
			p[i + k] = v >> (8 * k);
	}
	c->pos = 0;
	c->len = off + n;
	c->left -= n;
	c->full = c->full || (!off && n == BUF_LEN);
	hash_add(&c->out, p, n);
}

/* Server: the header is in; check it and start sending. */
static int got_header(struct conn *c)
{
	uint32_t magic, seed;
	uint64_t s2c;

	memcpy(&magic, c->hdr, 4);
	memcpy(&seed, c->hdr + 4, 4);
	memcpy(&s2c, c->hdr + 16, 8);
	if (be32toh(magic) != MAGIC) {
		err_msg = "bad header";
		return -1;
	}
	gen_start(c, be32toh(seed) + 1, be64toh(s2c));
	return 0;
}

static int do_read(struct conn *c, bool *moved)
{
	unsigned char buf[BUF_LEN];
	ssize_t n;

	for (;;) {
		n = recv(c->fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			err_msg = strerror(errno);
			return -1;
		}
		if (!n) {
			c->eof = true;
			if (c->server && !c->sending) {
				err_msg = "connection closed before the header";
				return -1;
			}
			return 0;
		}
		*moved = true;
		if (c->server && c->in.bytes < HDR_LEN) {
			size_t k = HDR_LEN - c->in.bytes;

			k = k < (size_t)n ? k : (size_t)n;
			memcpy(c->hdr + c->in.bytes, buf, k);
			if (c->in.bytes + k == HDR_LEN) {
				hash_add(&c->in, buf, k);
				if (got_header(c) < 0)
					return -1;
				hash_add(&c->in, buf + k, n - k);
				continue;
			}
		}
		hash_add(&c->in, buf, n);
	}
}

static int do_write(struct conn *c, bool *moved)
{
	ssize_t n;

	while (!c->shut) {
		if (c->pos == c->len) {
			if (!c->left) {
				if (c->close_last && !c->eof)
					break;
				if (shutdown(c->fd, SHUT_WR) < 0) {
					err_msg = strerror(errno);
					return -1;
				}
				c->shut = true;
				break;
			}
			gen_fill(c, 0);
		}
		n = send(c->fd, c->buf + c->pos, c->len - c->pos, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			err_msg = strerror(errno);
			return -1;
		}
		c->pos += n;
		*moved = true;
	}
	return 0;
}

/*
 * Move the bytes both ways until this end has sent everything and the
 * other end closed its side. 0 done, -1 error (err_msg), STALLED when
 * nothing moved for timeout seconds (0: wait forever).
 */
static int transfer(struct conn *c, double timeout)
{
	double last = now();
	struct pollfd p = { .fd = c->fd };
	bool moved;
	bool idle;
	int ms, r;

	for (;;) {
		moved = false;
		if (c->sending && !c->shut && do_write(c, &moved) < 0)
			return -1;
		if (moved)
			last = now();
		if (c->shut && c->eof)
			return 0;
		/* All sent, the side kept open until eof (-p): no POLLOUT. */
		idle = c->close_last && c->pos == c->len && !c->left;
		p.events = (c->eof ? 0 : POLLIN) |
			   (c->sending && !c->shut && !idle ? POLLOUT : 0);
		ms = -1;
		if (timeout > 0) {
			ms = (int)((last + timeout - now()) * 1000) + 1;
			if (ms <= 0)
				return STALLED;
		}
		r = poll(&p, 1, ms);
		if (r < 0 && errno != EINTR) {
			err_msg = strerror(errno);
			return -1;
		}
		if (r <= 0)
			continue;
		if ((p.revents & (POLLIN | POLLHUP | POLLERR)) && !c->eof &&
		    do_read(c, &moved) < 0)
			return -1;
		if ((p.revents & (POLLOUT | POLLERR)) && c->sending &&
		    do_write(c, &moved) < 0)
			return -1;
		if (moved)
			last = now();
	}
}

/* -p: bind the client's socket to local_port, any address. */
static int bind_local(int fd, int family)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int one = 1;

	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)))
		return -1;
	if (family == AF_INET6) {
		sin6.sin6_port = htons(local_port);
		return bind(fd, (struct sockaddr *)&sin6, sizeof(sin6));
	}
	sin.sin_port = htons(local_port);
	return bind(fd, (struct sockaddr *)&sin, sizeof(sin));
}

/* An IPv4 or IPv6 address (the latter has a colon). */
static int connect_to(const char *addr, int port, double timeout)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = (time_t)timeout };
	struct sockaddr *sa = (struct sockaddr *)&sin;
	socklen_t salen = sizeof(sin);
	double deadline;
	int fd, r;

	sin.sin_port = htons(port);
	sin6.sin6_port = htons(port);
	if (strchr(addr, ':')) {
		if (inet_pton(AF_INET6, addr, &sin6.sin6_addr) != 1)
			usage();
		sa = (struct sockaddr *)&sin6;
		salen = sizeof(sin6);
	} else if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
		usage();
	}
	deadline = now() + (timeout > 0 ? timeout : 60);
again:
	fd = socket(sa->sa_family, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	/* The connect timeout; the socket turns nonblocking after. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (local_port && bind_local(fd, sa->sa_family) < 0)
		goto fail;
	while (connect(fd, sa, salen) < 0) {
		if (errno == EINTR)
			continue;
		/*
		 * -p: the previous connection on these ports may still wait
		 * for the server's last ACK (LAST_ACK) for a moment.
		 */
		if (local_port && (errno == EADDRNOTAVAIL ||
				   errno == EADDRINUSE) && now() < deadline) {
			close(fd);
			usleep(10000);
			goto again;
		}
		goto fail;
	}
	return fd;
fail:
	r = errno;
	close(fd);
	errno = r;
	return -1;
}

/*
 * One client connection: the header, out bytes, in bytes expected.
 * Prints nothing; c holds the result.
 */
static int client(struct conn *c, const char *addr, int port, uint64_t out,
		  uint64_t in, uint32_t seed, double timeout)
{
	double start = now();
	int fd = connect_to(addr, port, timeout);
	uint32_t u;
	uint64_t q;

	if (fd < 0) {
		fprintf(stderr, "Error: connect: %s\n", strerror(errno));
		return -1;
	}
	conn_init(c, fd, false);
	c->start = start;
	c->close_last = local_port != 0;
	u = htobe32(MAGIC);
	memcpy(c->buf, &u, 4);
	u = htobe32(seed);
	memcpy(c->buf + 4, &u, 4);
	q = htobe64(out);
	memcpy(c->buf + 8, &q, 8);
	q = htobe64(in);
	memcpy(c->buf + 16, &q, 8);
	hash_add(&c->out, c->buf, HDR_LEN);
	/* The header and the first bytes go out in one write. */
	gen_start(c, seed, out);
	gen_fill(c, HDR_LEN);
	return transfer(c, timeout);
}

static int do_send(int argc, char **argv, uint32_t seed, double timeout)
{
	static struct conn c;
	char a[96], b[96];
	uint64_t in;
	int r;

	if (argc != 4)
		usage();
	in = number(argv[3]);
	r = client(&c, argv[0], (int)number(argv[1]), number(argv[2]), in,
		   seed, timeout);
	c.end = now();
	if (r == STALLED) {
		printf("stalled sent %llu recv %llu\n",
		       (unsigned long long)(c.out.bytes - (c.len - c.pos)),
		       (unsigned long long)c.in.bytes);
	} else if (r < 0) {
		if (err_msg)
			fprintf(stderr, "Error: %s\n", err_msg);
		return 1;
	} else {
		hash_end(&c.out, a);
		printf("sent %s recv %s\n", a, hash_end(&c.in, b));
		if (times)
			printf("time %.9f %.9f\n", c.start, c.end);
		if (c.in.bytes != in && !any_len) {
			fprintf(stderr, "Error: received %llu bytes, expected %llu\n",
				(unsigned long long)c.in.bytes,
				(unsigned long long)in);
			r = 1;
		}
	}
	conn_free(&c);
	return r;
}

static int do_many(int argc, char **argv, double timeout)
{
	static struct conn c;
	uint64_t count, i;
	int r;

	if (argc != 3)
		usage();
	count = number(argv[2]);
	for (i = 0; i < count; i++) {
		r = client(&c, argv[0], (int)number(argv[1]), 1, 1, (uint32_t)i,
			   timeout);
		if (!r && c.in.bytes != 1) {
			err_msg = "short reply";
			r = -1;
		}
		if (r) {
			if (r == STALLED)
				err_msg = "stalled";
			fprintf(stderr, "Error: connection %llu: %s\n",
				(unsigned long long)i + 1,
				err_msg ? err_msg : "connect failed");
			return 1;
		}
		conn_free(&c);
	}
	printf("done %llu\n", (unsigned long long)count);
	return 0;
}

static int do_serve(int argc, char **argv, uint64_t conns, double timeout,
		    bool quiet)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int lfd, fd, one = 1, zero = 0, ret = 0, r;
	static struct conn c;
	char a[96], b[96];
	uint64_t i, want;

	if (argc != 1)
		usage();
	sin.sin_port = htons((int)number(argv[0]));
	sin6.sin6_port = sin.sin_port;
	/* IPv6 and IPv4 on one socket; IPv4 alone where IPv6 is not built. */
	lfd = socket(AF_INET6, SOCK_STREAM, 0);
	if (lfd >= 0 &&
	    (setsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)) ||
	     setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	     bind(lfd, (struct sockaddr *)&sin6, sizeof(sin6)))) {
		close(lfd);
		lfd = -1;
	}
	if (lfd < 0) {
		lfd = socket(AF_INET, SOCK_STREAM, 0);
		if (lfd < 0 ||
		    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one,
			       sizeof(one)) ||
		    bind(lfd, (struct sockaddr *)&sin, sizeof(sin))) {
			perror("tcpio: bind");
			return 1;
		}
	}
	if (listen(lfd, 1024)) {
		perror("tcpio: listen");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (i = 0; i < conns; i++) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED) {
				i--;
				continue;
			}
			perror("tcpio: accept");
			return 1;
		}
		conn_init(&c, fd, true);
		c.start = now();
		err_msg = NULL;
		r = transfer(&c, timeout);
		c.end = now();
		switch (r) {
		case 0:
			memcpy(&want, c.hdr + 8, 8);
			want = HDR_LEN + be64toh(want);
			if (c.in.bytes != want && !any_len) {
				fprintf(stderr, "Error: received %llu bytes, expected %llu\n",
					(unsigned long long)c.in.bytes,
					(unsigned long long)want);
				ret = 1;
			}
			hash_end(&c.in, a);
			hash_end(&c.out, b);
			if (!quiet)
				printf("recv %s sent %s\n", a, b);
			if (times)
				printf("time %.9f %.9f\n", c.start, c.end);
			break;
		case STALLED:
			printf("stalled recv %llu sent %llu\n",
			       (unsigned long long)c.in.bytes,
			       (unsigned long long)(c.out.bytes - (c.len - c.pos)));
			ret = 1;
			break;
		default:
			printf("error %s\n", err_msg);
			ret = 1;
		}
		fflush(stdout);
		conn_free(&c);
	}
	if (quiet)
		printf("done %llu\n", (unsigned long long)conns);
	close(lfd);
	return ret;
}

/* gen: the generator's bytes, to stdout. */
static int do_gen(int argc, char **argv, uint32_t seed)
{
	static struct conn c;

	if (argc != 1)
		usage();
	conn_init(&c, -1, false);
	gen_start(&c, seed, number(argv[0]));
	while (c.left) {
		gen_fill(&c, 0);
		if (fwrite(c.buf, 1, c.len, stdout) != c.len)
			return 1;
	}
	return fflush(stdout) ? 1 : 0;
}

int main(int argc, char **argv)
{
	uint64_t conns = 1, seed = 1;
	double timeout = 0;
	bool quiet = false;
	const char *cmd;
	int opt;

	if (argc < 2)
		usage();
	cmd = argv[1];
	/* Options may come anywhere after the command. */
	while ((opt = getopt(argc - 1, argv + 1, "an:p:s:t:qNT")) != -1) {
		switch (opt) {
		case 'a': any_len = true; break;
		case 'N': no_check = true; break;
		case 'T': times = true; break;
		case 'n': conns = number(optarg); break;
		case 'p': local_port = (int)number(optarg); break;
		case 's': seed = number(optarg); break;
		case 't': timeout = (double)number(optarg); break;
		case 'q': quiet = true; break;
		default: usage();
		}
	}
	argc -= optind + 1;
	argv += optind + 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "serve"))
		return do_serve(argc, argv, conns, timeout, quiet);
	if (!strcmp(cmd, "send"))
		return do_send(argc, argv, (uint32_t)seed, timeout);
	if (!strcmp(cmd, "many"))
		return do_many(argc, argv, timeout);
	if (!strcmp(cmd, "gen"))
		return do_gen(argc, argv, (uint32_t)seed);
	usage();
	return 2;
}
