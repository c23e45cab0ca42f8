// SPDX-License-Identifier: GPL-2.0
/*
 * sisctl inject add SCANNER ID FILE [frame|stream] [dir in|out|any]
 * sisctl inject del SCANNER ID
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/if_ether.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "sisctl.h"

static int usage(FILE *f)
{
	fprintf(f,
		"Usage: sisctl inject add SCANNER ID FILE [frame|stream] [dir in|out|any]\n"
		"       sisctl inject del SCANNER ID\n"
		"Lets SCANNER send the frame in FILE (the raw frame from its Ethernet\n"
		"header on, or the first packet of a pcap file) under ID. dir defaults to any.\n"
		"With stream, FILE holds bytes (1 to %d, taken as they are) that SCANNER\n"
		"may put into a TCP stream it contains, in the directions dir allows.\n",
		SIS_INJECT_STREAM_MAX);
	return f == stdout ? 0 : 1;
}

enum { KW_DIR, KW_FRAME, KW_STREAM, KW_COUNT };

static const struct arg add_args[KW_COUNT] = {
	[KW_DIR] = { .key = "dir", .kind = ARG_DIR },
	[KW_FRAME] = { .key = "frame", .kind = ARG_FLAG },
	[KW_STREAM] = { .key = "stream", .kind = ARG_FLAG },
};

/*
 * argv: SCANNER ID FILE, then in any order the kind ("frame", the default,
 * or "stream") and "dir DIR". On error returns -1 with a message in err,
 * or with err empty when only the usage applies.
 */
int inject_add_parse(int argc, char *const argv[], struct inject_add_args *a,
		     char *err, size_t err_len)
{
	struct arg_value v[KW_COUNT];

	memset(a, 0, sizeof(*a));
	a->dir = SIS_DIR_ANY;
	a->kind = SIS_INJECT_FRAME;
	err[0] = '\0';
	if (argc < 3)
		return -1;
	a->scanner = argv[0];
	a->file = argv[2];
	if (!valid_name(a->scanner)) {
		name_error(err, err_len, "scanner", a->scanner);
		return -1;
	}
	if (parse_u32(argv[1], &a->id) < 0) {
		snprintf(err, err_len, "invalid injection id \"%s\"", argv[1]);
		return -1;
	}
	if (args_parse(add_args, KW_COUNT, argc - 3, argv + 3, v, NULL, err,
		       err_len) < 0)
		return -1;
	if (v[KW_FRAME].set && v[KW_STREAM].set) {
		snprintf(err, err_len,
			 "an injection is a frame or stream bytes: give \"frame\" or \"stream\", not both");
		return -1;
	}
	if (v[KW_STREAM].set)
		a->kind = SIS_INJECT_STREAM;
	if (v[KW_DIR].set)
		a->dir = (uint8_t)v[KW_DIR].u;
	return 0;
}

/* pcap (both byte orders, micro- and nanosecond) and pcapng magics. */
static bool capture_magic(const unsigned char *b)
{
	static const uint32_t magics[] = {
		0xa1b2c3d4, 0xa1b23c4d, 0xa1b2cd34, 0x0a0d0d0a,
	};
	uint32_t be = (uint32_t)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
	uint32_t le = (uint32_t)b[3] << 24 | b[2] << 16 | b[1] << 8 | b[0];

	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (be == magics[i] || le == magics[i])
			return true;
	return false;
}

#define FRAME_SIZES "an injected frame is 60 to 1518 bytes, from its Ethernet header on"
_Static_assert(ETH_ZLEN == 60 && SIS_INJECT_FRAME_MAX == 1518, "FRAME_SIZES");

/*
 * Read at most @cap bytes of @path into @buf: *@n gets how many. *@size
 * is -1 if that was the whole file, else how long the file is (LLONG_MAX
 * when that cannot be told: not a regular file).
 */
static int read_file(const char *path, unsigned char *buf, size_t cap,
		     size_t *n, long long *size, char *err, size_t err_len)
{
	struct stat st;
	FILE *f;

	f = fopen(path, "rb");
	if (!f) {
		snprintf(err, err_len, "cannot open \"%s\": %s", path,
			 strerror(errno));
		return -1;
	}
	*n = fread(buf, 1, cap, f);
	if (ferror(f)) {
		snprintf(err, err_len, "cannot read \"%s\": %s", path,
			 strerror(errno));
		fclose(f);
		return -1;
	}
	*size = -1;
	if (*n == cap && fgetc(f) != EOF)
		*size = !fstat(fileno(f), &st) && S_ISREG(st.st_mode) ?
			(long long)st.st_size : LLONG_MAX;
	fclose(f);
	return 0;
}

/* "F holds N bytes; SIZES", or "more than MAX" when N is unknown. */
static void too_long(const char *path, long long size, int max,
		     const char *sizes, char *err, size_t err_len)
{
	if (size != LLONG_MAX)
		snprintf(err, err_len, "\"%s\" holds %lld bytes; %s", path,
			 size, sizes);
	else
		snprintf(err, err_len, "\"%s\" holds more than %d bytes; %s",
			 path, max, sizes);
}

/*
 * The frame in path into buf (SIS_INJECT_FRAME_MAX bytes): the whole file,
 * or the first packet of a capture file. Sizes outside ETH_ZLEN ..
 * SIS_INJECT_FRAME_MAX are refused.
 */
int inject_read_frame(const char *path, unsigned char *buf, size_t *len,
		       char *err, size_t err_len)
{
	unsigned char raw[SIS_INJECT_FRAME_MAX];
	size_t n, caplen, wirelen;
	long long size;

	if (read_file(path, raw, sizeof(raw), &n, &size, err, err_len) < 0)
		return -1;
	if (n >= 4 && capture_magic(raw)) {
		if (pcapfile_read_first(path, buf, SIS_INJECT_FRAME_MAX, &caplen,
					&wirelen, err, err_len) < 0)
			return -1;
		if (caplen < wirelen) {
			snprintf(err, err_len,
				 "the first packet in \"%s\" is truncated: %zu of its %zu bytes were captured",
				 path, caplen, wirelen);
			return -1;
		}
		if (caplen < ETH_ZLEN || caplen > SIS_INJECT_FRAME_MAX) {
			snprintf(err, err_len,
				 "the first packet in \"%s\" has %zu bytes; " FRAME_SIZES,
				 path, caplen);
			return -1;
		}
		*len = caplen;
		return 0;
	}
	if (size >= 0) {
		too_long(path, size, SIS_INJECT_FRAME_MAX, FRAME_SIZES, err,
			 err_len);
		return -1;
	}
	if (n < ETH_ZLEN) {
		snprintf(err, err_len, "\"%s\" holds %zu bytes; " FRAME_SIZES,
			 path, n);
		return -1;
	}
	memcpy(buf, raw, n);
	*len = n;
	return 0;
}

#define STREAM_SIZES "a stream injection is 1 to 65000 bytes"
_Static_assert(SIS_INJECT_STREAM_MAX == 65000, "STREAM_SIZES");

/*
 * The bytes of a stream injection in path into buf (SIS_INJECT_STREAM_MAX
 * bytes): the whole file, as it is. Empty files and larger ones are
 * refused.
 */
int inject_read_stream(const char *path, unsigned char *buf, size_t *len,
		       char *err, size_t err_len)
{
	long long size;
	size_t n;

	if (read_file(path, buf, SIS_INJECT_STREAM_MAX, &n, &size, err,
		      err_len) < 0)
		return -1;
	if (size >= 0) {
		too_long(path, size, SIS_INJECT_STREAM_MAX, STREAM_SIZES, err,
			 err_len);
		return -1;
	}
	if (!n) {
		snprintf(err, err_len, "\"%s\" is empty; " STREAM_SIZES, path);
		return -1;
	}
	*len = n;
	return 0;
}

static int put_scanner(struct nl_msg *msg, const char *scanner)
{
	struct nlattr *nest = nla_nest_start(msg, SIS_A_SCANNER | NLA_F_NESTED);

	if (!nest || nla_put_string(msg, SIS_SCANNER_A_NAME, scanner) < 0 ||
	    nla_nest_end(msg, nest) < 0)
		return -EMSGSIZE;
	return 0;
}

/* SIS_A_INJECT with the bytes in @attr, and the kind unless a frame's. */
static int inject_fill(struct nl_msg *msg, const char *scanner, uint32_t id,
		       uint8_t dir, uint8_t kind, int attr, const void *data,
		       size_t len)
{
	struct nlattr *nest;

	if (put_scanner(msg, scanner) < 0)
		return -EMSGSIZE;
	nest = nla_nest_start(msg, SIS_A_INJECT | NLA_F_NESTED);
	if (!nest || nla_put_u32(msg, SIS_INJECT_A_ID, id) < 0 ||
	    nla_put_u8(msg, SIS_INJECT_A_DIR, dir) < 0 ||
	    (kind != SIS_INJECT_FRAME &&
	     nla_put_u8(msg, SIS_INJECT_A_KIND, kind) < 0) ||
	    nla_put(msg, attr, (int)len, data) < 0 ||
	    nla_nest_end(msg, nest) < 0)
		return -EMSGSIZE;
	return 0;
}

/* A frame: no kind said, so that older modules take it as before. */
int inject_add_fill(struct nl_msg *msg, const char *scanner, uint32_t id,
		    uint8_t dir, const void *frame, size_t len)
{
	return inject_fill(msg, scanner, id, dir, SIS_INJECT_FRAME,
			   SIS_INJECT_A_FRAME, frame, len);
}

/* A stream block: its kind said, its bytes in SIS_INJECT_A_DATA. */
int inject_add_stream_fill(struct nl_msg *msg, const char *scanner,
			   uint32_t id, uint8_t dir, const void *data,
			   size_t len)
{
	return inject_fill(msg, scanner, id, dir, SIS_INJECT_STREAM,
			   SIS_INJECT_A_DATA, data, len);
}

int inject_del_fill(struct nl_msg *msg, const char *scanner, uint32_t id)
{
	struct nlattr *nest;

	if (put_scanner(msg, scanner) < 0)
		return -EMSGSIZE;
	nest = nla_nest_start(msg, SIS_A_INJECT | NLA_F_NESTED);
	if (!nest || nla_put_u32(msg, SIS_INJECT_A_ID, id) < 0 ||
	    nla_nest_end(msg, nest) < 0)
		return -EMSGSIZE;
	return 0;
}

struct req {
	const struct inject_add_args *a;
	const unsigned char *frame;
	size_t len;
};

static int add_fill(struct nl_msg *msg, const void *arg)
{
	const struct req *r = arg;

	/* A frame's kind is the default: said only for stream blocks. */
	if (r->a->kind == SIS_INJECT_STREAM)
		return inject_add_stream_fill(msg, r->a->scanner, r->a->id,
					      r->a->dir, r->frame, r->len);
	return inject_add_fill(msg, r->a->scanner, r->a->id, r->a->dir,
			       r->frame, r->len);
}

static int del_fill(struct nl_msg *msg, const void *arg)
{
	const struct req *r = arg;

	return inject_del_fill(msg, r->a->scanner, r->a->id);
}

static int inject_add(int argc, char **argv)
{
	static unsigned char bytes[SIS_INJECT_STREAM_MAX];
	struct inject_add_args a;
	struct req req = { .a = &a, .frame = bytes };
	char err[512];
	int r;

	_Static_assert(SIS_INJECT_STREAM_MAX >= SIS_INJECT_FRAME_MAX, "bytes");
	if (inject_add_parse(argc, argv, &a, err, sizeof(err)) < 0) {
		if (!err[0])
			return usage(stderr);
		sisctl_error("%s", err);
		return 1;
	}
	if (a.kind == SIS_INJECT_STREAM)
		r = inject_read_stream(a.file, bytes, &req.len, err, sizeof(err));
	else
		r = inject_read_frame(a.file, bytes, &req.len, err, sizeof(err));
	if (r < 0) {
		sisctl_error("%s", err);
		return 1;
	}
	return sisctl_send(SIS_CMD_INJECT_ADD, req.len + 128, add_fill, &req);
}

static int inject_del(int argc, char **argv)
{
	struct inject_add_args a = { 0 };
	struct req req = { .a = &a };

	if (argc != 2)
		return usage(stderr);
	a.scanner = argv[0];
	if (!check_name("scanner", argv[0]))
		return 1;
	if (parse_u32(argv[1], &a.id) < 0) {
		sisctl_error("invalid injection id \"%s\"", argv[1]);
		return 1;
	}
	return sisctl_send(SIS_CMD_INJECT_DEL, 0, del_fill, &req);
}

int cmd_inject(const struct sisctl *o, int argc, char **argv)
{
	(void)o;
	if (argc < 2)
		return usage(stderr);
	if (is_help(argv[1]))
		return usage(stdout);
	if (!strcmp(argv[1], "add"))
		return inject_add(argc - 2, argv + 2);
	if (!strcmp(argv[1], "del"))
		return inject_del(argc - 2, argv + 2);
	return usage(stderr);
}
