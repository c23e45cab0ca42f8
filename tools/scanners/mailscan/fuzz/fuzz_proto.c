// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * libFuzzer harness for the mail protocol engine (proto.c), with a
 * stand-in scan. The input is:
 *
 *	byte 0		the protocol (mod 3)
 *	byte 1		bits 0-1: tls (mod 3), bit 2: bad pass, bit 3: tiny limits
 *	then chunks	a header byte h: 0xff/0xfe the client's/server's fin,
 *			0xfd/0xfc their end by the kernel's limit; otherwise
 *			h & 1 the side (0 client) and h >> 1 bytes that follow
 *
 * The ops check what the kernel requires of each side's decisions: passes
 * and cuts start where the decided bytes end and stay within the bytes
 * given; injections at a given, undecided offset; more for undecided
 * bytes; nothing after kill or pass_all. A violation aborts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

void mail_result_free(struct mail_result *res)
{
	free(res->findings);
	free(res->edits);
	res->findings = NULL;
	res->edits = NULL;
}

static struct {
	uint64_t given[2], decided[2];
	bool over;
} t;

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "violation: %s\n", what);
		abort();
	}
}

static void f_pass(void *ctx, enum mail_side sd, uint64_t upto)
{
	(void)ctx;
	check(!t.over, "pass after the end");
	check(upto > t.decided[sd] && upto <= t.given[sd], "pass out of range");
	t.decided[sd] = upto;
}

static void f_pass_all(void *ctx, enum mail_side sd)
{
	(void)ctx;
	/* both sides, one after the other */
	check(!t.over || sd == MAIL_SERVER, "pass_all after the end");
	t.over = true;
}

static void f_cut(void *ctx, enum mail_side sd, uint64_t off, uint64_t len)
{
	(void)ctx;
	check(!t.over, "cut after the end");
	check(off == t.decided[sd] && len && off + len <= t.given[sd], "cut out of range");
	t.decided[sd] = off + len;
}

static void f_inject(void *ctx, enum mail_side sd, uint64_t off, enum mail_block b)
{
	(void)ctx;
	check(!t.over, "inject after the end");
	check(off >= t.decided[sd] && off < t.given[sd], "inject out of range");
	check((unsigned int)b < MAIL_BLOCK_COUNT, "unknown block");
}

static void f_more(void *ctx, enum mail_side sd, uint64_t off, uint64_t len)
{
	(void)ctx;
	check(!t.over, "more after the end");
	check(off >= t.decided[sd] && len, "more for decided bytes");
}

static void f_kill(void *ctx)
{
	(void)ctx;
	check(!t.over, "kill after the end");
	t.over = true;
}

static volatile uint8_t sink;

static void f_alert(void *ctx, const struct mail_alert *a)
{
	(void)ctx;
	check(a->what && a->text && (a->msg || !a->msg_len), "alert");
	/* read the message's ends: ASan finds a stale or short pointer */
	if (a->msg_len)
		sink = a->msg[0] ^ a->msg[a->msg_len - 1];
}

/*
 * VIRUS: infected, its line replaced (or, after EDITS, every line
 * starting with '.' or 'x' cut and blocks put before them); BROKEN:
 * unparseable; FAIL: the scan fails; BADEDIT: edits out of range.
 */
static int f_scan(void *ctx, const uint8_t *msg, size_t len, struct mail_result *res)
{
	const char *m = (const char *)msg;
	const char *v = memmem(m, len, "VIRUS", 5);
	size_t n = 0, cap = 8;

	(void)ctx;
	res->parts = 1;
	if (memmem(m, len, "FAIL", 4))
		return -EIO;
	if (memmem(m, len, "BROKEN", 6)) {
		res->status = MAIL_UNPARSEABLE;
		return 0;
	}
	if (!v) {
		res->status = MAIL_CLEAN;
		return 0;
	}
	res->status = MAIL_INFECTED;
	res->findings = calloc(1, sizeof(*res->findings));
	res->edits = calloc(cap, sizeof(*res->edits));
	if (!res->findings || !res->edits)
		return -ENOMEM;
	res->nfindings = 1;
	snprintf(res->findings[0].virus, sizeof(res->findings[0].virus), "Fuzz.Virus");
	if (memmem(m, len, "BADEDIT", 7)) {
		res->edits[n++] = (struct mail_edit){ .op = MAIL_EDIT_CUT, .off = len, .len = 1 };
	} else if (memmem(m, len, "EDITS", 5)) {
		for (size_t i = 0; i < len; i++) {
			size_t e = i;

			if ((i && msg[i - 1] != '\n') || (msg[i] != '.' && msg[i] != 'x'))
				continue;
			while (e < len && msg[e] != '\n')
				e++;
			if (n + 2 > cap) {
				struct mail_edit *ed;

				cap *= 2;
				ed = realloc(res->edits, cap * sizeof(*ed));
				if (!ed)
					return -ENOMEM;
				res->edits = ed;
			}
			res->edits[n++] = (struct mail_edit){ .op = MAIL_EDIT_INJECT, .off = i,
							      .block = MAIL_BLOCK_PART };
			res->edits[n++] = (struct mail_edit){ .op = MAIL_EDIT_CUT, .off = i,
							      .len = e - i };
			i = e;
		}
	} else {
		size_t s = v - m, e = s;

		while (s && m[s - 1] != '\n')
			s--;
		while (e < len && m[e] != '\n')
			e++;
		res->edits[n++] = (struct mail_edit){ .op = MAIL_EDIT_INJECT, .off = s,
						      .block = MAIL_BLOCK_BODY };
		res->edits[n++] = (struct mail_edit){ .op = MAIL_EDIT_CUT, .off = s,
						      .len = e - s };
	}
	res->nedits = n;
	return 0;
}

static const struct mail_ops ops = {
	.pass = f_pass, .pass_all = f_pass_all, .cut = f_cut, .inject = f_inject,
	.more = f_more, .kill = f_kill, .alert = f_alert, .scan = f_scan,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mail_config cfg;
	struct mail_stats st = { 0 };
	struct mail_conn *c;
	size_t i = 2;

	if (size < 2)
		return 0;
	memset(&t, 0, sizeof(t));
	cfg = (struct mail_config){
		.tls = (enum mail_tls)((data[1] & 3) % 3),
		.bad = data[1] & 4 ? MAIL_BAD_PASS : MAIL_BAD_KILL,
		.max_message = data[1] & 8 ? 64 : 4096,
		.max_line = data[1] & 8 ? 32 : 512,
	};
	c = mail_conn_new((enum mail_proto)(data[0] % 3), &cfg, &ops, NULL, &st);
	if (!c)
		return 0;
	while (i < size) {
		uint8_t h = data[i++];
		size_t len;

		if (h >= 0xfc) {
			mail_conn_end(c, h & 1 ? MAIL_CLIENT : MAIL_SERVER, h < 0xfe);
			continue;
		}
		len = h >> 1;
		if (len > size - i)
			len = size - i;
		t.given[h & 1] += len;
		mail_conn_data(c, h & 1, t.given[h & 1] - len, data + i, len);
		i += len;
	}
	mail_conn_end(c, MAIL_CLIENT, false);
	mail_conn_end(c, MAIL_SERVER, false);
	check(mail_conn_done(c), "not done after both ends");
	mail_conn_free(c);
	return 0;
}
