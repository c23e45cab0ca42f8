// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * libFuzzer harness for the mail scanner's MIME handling: the input is a
 * message, scanned with an MD5 list of short contents (the empty part,
 * "x", "hello"...), so that arbitrary input often has "infected" parts
 * and the edit planning runs, not only the parsing. Every result must
 * keep message.h's promises: edits in order, in range, cuts apart and on
 * line boundaries. The edited message is then scanned again. Built and
 * run by scripts/fuzz-mailscan.sh, with ASan and UBSan; libclamav is off
 * (far too slow per input).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "detect.h"
#include "message.h"

static struct mail_detect *det;

static const char *const hdb =
	"d41d8cd98f00b204e9800998ecf8427e:0:Fuzz.Empty\n"
	"9dd4e461268c8034f5c8564e155c67a6:1:Fuzz.x\n"
	"02129bb861061d1a052c592e2dc6b383:1:Fuzz.X\n"
	"b1946ac92492d2347c6235b4d2611184:6:Fuzz.hello-lf\n"
	"5d41402abc4b2a76b9719d911017c592:5:Fuzz.hello\n"
	"44d88612fea8a8f36de82e1278abb02f:68:Fuzz.EICAR\n";

static const char *const blocks[MAIL_BLOCK_COUNT] = {
	[MAIL_BLOCK_PART] = "Content-Type: text/plain\r\n\r\nremoved\r\n",
	[MAIL_BLOCK_HEADERS] = "Content-Type: text/plain\r\n",
	[MAIL_BLOCK_BODY] = "removed\r\n",
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[] = "/tmp/fuzz-mailscan-XXXXXX", err[256];
	struct mail_detect_opts o = { .hdb = path };
	int fd = mkstemp(path);

	(void)argc;
	(void)argv;
	if (fd < 0 || write(fd, hdb, strlen(hdb)) != (ssize_t)strlen(hdb) ||
	    close(fd) || mail_detect_new(&o, &det, err, sizeof(err))) {
		fprintf(stderr, "fuzz_message: setup: %s\n", err);
		abort();
	}
	unlink(path);
	return 0;
}

static int line_start(const uint8_t *m, size_t len, size_t off)
{
	return off == 0 || (off <= len && m[off - 1] == '\n');
}

static int line_end(const uint8_t *m, size_t len, size_t off)
{
	if (off == len || m[off] == '\n' || line_start(m, len, off))
		return 1;
	return m[off] == '\r' && off + 1 < len && m[off + 1] == '\n';
}

/* message.h's promises; returns the edited message's length in *out. */
static void check(const uint8_t *m, size_t len, const struct mail_result *r,
		  uint8_t **out, size_t *outlen)
{
	size_t done = 0, pos = 0, cap = len + 1;
	uint8_t *o = NULL;
	size_t ol = 0;

	if (r->status > MAIL_ERROR)
		__builtin_trap();
	if (r->status != MAIL_INFECTED) {
		if (r->nedits || r->nfindings || r->edits || r->findings)
			__builtin_trap();	/* edits only with a finding */
		if (r->status != MAIL_CLEAN && !r->why[0])
			__builtin_trap();	/* bad input says why */
		return;
	}
	/* (parts counts leaves: an infected preamble may be all there is) */
	if (!r->nfindings || !r->nedits || !memchr(r->why, '\0', sizeof(r->why)))
		__builtin_trap();
	for (size_t i = 0; i < r->nfindings; i++)
		if (r->findings[i].start > r->findings[i].end ||
		    r->findings[i].end > len || !r->findings[i].virus[0])
			__builtin_trap();
	for (size_t i = 0; i < r->nedits; i++)
		cap += strlen(blocks[MAIL_BLOCK_PART]) + strlen(blocks[MAIL_BLOCK_BODY]) +
		       strlen(blocks[MAIL_BLOCK_HEADERS]);
	o = malloc(cap);
	if (!o)
		abort();
	for (size_t i = 0; i < r->nedits; i++) {
		const struct mail_edit *e = &r->edits[i];

		if (e->off < done || e->off > len)
			__builtin_trap();	/* in order, never into a cut */
		if (i && e->off == r->edits[i - 1].off &&
		    e->op == MAIL_EDIT_INJECT && r->edits[i - 1].op == MAIL_EDIT_CUT)
			__builtin_trap();	/* an inject comes before its cut */
		memcpy(o + ol, m + pos, e->off - pos);
		ol += e->off - pos;
		pos = e->off;
		if (e->op == MAIL_EDIT_INJECT) {
			if (e->block >= MAIL_BLOCK_COUNT)
				__builtin_trap();
			memcpy(o + ol, blocks[e->block], strlen(blocks[e->block]));
			ol += strlen(blocks[e->block]);
			continue;
		}
		if (e->op != MAIL_EDIT_CUT || !e->len || e->len > len - e->off ||
		    !line_start(m, len, e->off) || !line_end(m, len, e->off + e->len))
			__builtin_trap();	/* whole lines only */
		done = pos = e->off + e->len;
	}
	memcpy(o + ol, m + pos, len - pos);
	ol += len - pos;
	*out = o;
	*outlen = ol;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct mail_result r, r2;
	uint8_t *edited = NULL;
	size_t elen = 0;

	if (mail_message_scan(det, data, len, &r))
		return 0;	/* -ENOMEM */
	check(data, len, &r, &edited, &elen);
	mail_result_free(&r);
	if (edited) {
		/* What the recipient gets must be as safe to parse. */
		if (!mail_message_scan(det, edited, elen, &r2)) {
			uint8_t *again = NULL;
			size_t alen;

			check(edited, elen, &r2, &again, &alen);
			free(again);
			mail_result_free(&r2);
		}
		free(edited);
	}
	return 0;
}
