// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * The mail scanner's MIME handling: messages built here (EICAR encoded
 * every way a mailer does), scanned, their edits applied as the kernel
 * would, and the result parsed again: the infected part gone, the rest
 * byte for byte what it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gmime/gmime.h>

#include "detect.h"
#include "mailscan_fixtures.h"
#include "message.h"
#include "tap.h"

static const char HDR[] = "From: a@example.org\r\nTo: b@example.org\r\n"
			  "Subject: test\r\nMIME-Version: 1.0\r\n";

/* The promises of message.h about edits, checked from outside. */
static bool edits_ok(const char *msg, size_t len, const struct mail_result *r)
{
	size_t done = 0;

	for (size_t i = 0; i < r->nedits; i++) {
		const struct mail_edit *e = &r->edits[i];

		if (e->off < done || e->off > len)
			return false;
		if (e->op != MAIL_EDIT_CUT)
			continue;
		if (!e->len || e->off + e->len > len)
			return false;
		if (e->off && msg[e->off - 1] != '\n')
			return false;	/* a cut starts a line */
		{
			size_t end = e->off + e->len;

			if (end < len && msg[end - 1] != '\n' && msg[end] != '\n' &&
			    !(msg[end] == '\r' && end + 1 < len && msg[end + 1] == '\n'))
				return false;	/* and ends one */
		}
		done = e->off + e->len;
	}
	return true;
}

/* How many leaves GMime finds in msg (-1: no message). */
static int count_leaves(GMimeObject *o)
{
	int n = 0;

	if (!o)
		return 0;
	if (GMIME_IS_MULTIPART(o)) {
		for (int i = 0; i < g_mime_multipart_get_count(GMIME_MULTIPART(o)); i++)
			n += count_leaves(g_mime_multipart_get_part(GMIME_MULTIPART(o), i));
		return n;
	}
	if (GMIME_IS_MESSAGE_PART(o)) {
		GMimeMessage *m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(o));

		return m ? count_leaves(g_mime_message_get_mime_part(m)) : 0;
	}
	return 1;
}

static int leaves(const char *msg, size_t len)
{
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(msg, len);
	GMimeParser *p = g_mime_parser_new_with_stream(st);
	GMimeMessage *m = g_mime_parser_construct_message(p, NULL);
	int n = m ? count_leaves(g_mime_message_get_mime_part(m)) : -1;

	if (m)
		g_object_unref(m);
	g_object_unref(p);
	g_object_unref(st);
	return n;
}

/*
 * Scan msg, expect it infected with nfind findings, its edits applied
 * to give want exactly, and that result parsing as want_leaves leaves
 * and scanning clean.
 */
static void expect_replaced(struct mail_detect *d, const char *what,
			    const struct buf *msg, const struct buf *want,
			    size_t nfind, int want_leaves, struct mail_result *keep)
{
	struct mail_result r, r2;
	struct buf out = { 0 };
	int ret;

	ret = mail_message_scan(d, (const uint8_t *)msg->p, msg->len, &r);
	tap_eq(ret, 0, "%s: scanned", what);
	tap_eq(r.status, MAIL_INFECTED, "%s: infected (%s)", what, r.why);
	tap_eq(r.nfindings, nfind, "%s: %zu infected part(s)", what, nfind);
	tap_ok(edits_ok(msg->p, msg->len, &r),
	       "%s: edits sorted, apart, on line boundaries", what);
	if (r.status != MAIL_INFECTED || !edits_ok(msg->p, msg->len, &r))
		goto out;
	apply_edits(&out, msg->p, msg->len, &r);
	tap_ok(out.len == want->len && !memcmp(out.p, want->p, out.len),
	       "%s: the infected part replaced, the rest byte for byte", what);
	if (out.len != want->len || memcmp(out.p, want->p, out.len))
		tap_diag("got:\n%s\nwanted:\n%s", out.p, want->p);
	tap_eq(leaves(out.p, out.len), want_leaves, "%s: GMime reparses it", what);
	ret = mail_message_scan(d, (const uint8_t *)out.p, out.len, &r2);
	tap_ok(!ret && r2.status == MAIL_CLEAN, "%s: and it scans clean (%s)",
	       what, r2.why);
	mail_result_free(&r2);
out:
	buf_free(&out);
	if (keep)
		*keep = r;
	else
		mail_result_free(&r);
}

static enum mail_status status_of(struct mail_detect *d, const struct buf *msg,
				  struct mail_result *r)
{
	if (mail_message_scan(d, (const uint8_t *)msg->p, msg->len, r))
		return -1;
	return r->status;
}

/*
 * A multipart/mixed message of parts (each without the line end before
 * the next boundary) in eol's line ends; parts[bad] (if >= 0) replaced
 * by MAIL_BLOCK_PART in want.
 */
static void multipart(struct buf *msg, struct buf *want, const char *eol,
		      const char *boundary, const char *const *parts, int n, int bad)
{
	struct buf t = { 0 }, w = { 0 };

	buf_printf(&t, "%sContent-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n"
		   "This is a multi-part message in MIME format.\r\n", HDR, boundary);
	buf_str(&w, t.p);
	for (int i = 0; i < n; i++) {
		buf_printf(&t, "--%s\r\n%s\r\n", boundary, parts[i]);
		buf_printf(&w, "--%s\r\n%s\r\n", boundary,
			   i == bad ? "\x01" : parts[i]);
	}
	buf_printf(&t, "--%s--\r\n", boundary);
	buf_printf(&w, "--%s--\r\n", boundary);
	set_eol(msg, t.p, eol);
	/* the block keeps its CRLFs: the administrator registered it so */
	{
		struct buf w2 = { 0 };
		char *mark;

		set_eol(&w2, w.p, eol);
		mark = strchr(w2.p, '\x01');
		if (mark) {
			buf_add(want, w2.p, mark - w2.p);
			buf_str(want, test_blocks[MAIL_BLOCK_PART]);
			buf_str(want, mark + 1);
		} else {
			buf_add(want, w2.p, w2.len);
		}
		buf_free(&w2);
	}
	buf_free(&t);
	buf_free(&w);
}

static char *part_b64(const char *headers, const void *data, size_t len)
{
	struct buf b = { 0 };

	buf_printf(&b, "%sContent-Transfer-Encoding: base64\r\n\r\n", headers);
	enc_base64(&b, data, len, "\r\n");
	b.p[b.len -= 2] = '\0';	/* the boundary's line end follows */
	return b.p;
}

static void multipart_cases(struct mail_detect *d, const char *eol,
			    const char *tag)
{
	char *att = part_b64("Content-Type: application/octet-stream; name=\"eicar.com\"\r\n"
			     "Content-Disposition: attachment; filename=\"eicar.com\"\r\n",
			     eicar(), eicar_len());
	char *clean = part_b64("Content-Type: application/pdf; name=\"a.pdf\"\r\n",
			       "%PDF-1.4 not really", 19);
	const char *text = "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
			   "Hello,\r\nsee the attachment.";
	const char *parts[] = { text, clean, att };
	struct buf msg = { 0 }, want = { 0 };
	struct mail_result r;
	char what[128];

	multipart(&msg, &want, eol, "=-b1", parts, 2, -1);
	tap_eq(status_of(d, &msg, &r), MAIL_CLEAN, "%s: a clean multipart is clean", tag);
	tap_eq(r.parts, 2, "%s: its two clean leaves checked", tag);
	tap_ok(!r.nedits && !r.nfindings, "%s: no edits", tag);
	mail_result_free(&r);
	buf_free(&msg);
	buf_free(&want);

	multipart(&msg, &want, eol, "=-b1", parts, 3, 2);
	snprintf(what, sizeof(what), "%s: base64 attachment", tag);
	expect_replaced(d, what, &msg, &want, 1, 3, &r);
	if (r.nfindings == 1) {
		const char *p = strstr(msg.p, "Content-Type: application/octet");

		tap_streq(r.findings[0].filename, "eicar.com", "%s: its file name", what);
		tap_streq(r.findings[0].content_type, "application/octet-stream",
			  "%s: its type", what);
		tap_streq(r.findings[0].virus, "Test.EICAR-MD5", "%s: the virus", what);
		tap_eq(r.findings[0].by, MAIL_BY_MD5, "%s: found by MD5", what);
		tap_eq(r.findings[0].start, p - msg.p,
		       "%s: starts just past its boundary line", what);
		tap_eq(msg.p[r.findings[0].end], eol[0],
		       "%s: ends before the line end before the boundary", what);
		tap_eq(r.nedits, 2, "%s: one inject, one cut", what);
		tap_ok(r.edits[0].op == MAIL_EDIT_INJECT &&
		       r.edits[0].block == MAIL_BLOCK_PART &&
		       r.edits[0].off == r.findings[0].start &&
		       r.edits[1].op == MAIL_EDIT_CUT &&
		       r.edits[1].off == r.findings[0].start &&
		       r.edits[1].len == r.findings[0].end - r.findings[0].start,
		       "%s: the part's bytes replaced by the PART block", what);
	}
	mail_result_free(&r);
	buf_free(&msg);
	buf_free(&want);
	free(att);
	free(clean);
}

/* Single-part bodies: the top-level one and one in a message/rfc822. */
static void body_cases(struct mail_detect *d, const char *eol, const char *tag)
{
	struct buf t = { 0 }, w = { 0 }, msg = { 0 }, want = { 0 };
	char what[128];

	buf_printf(&t, "%sContent-Type: application/octet-stream; name=\"e.com\"\r\n"
		   "Content-Transfer-Encoding: base64\r\n"
		   "Content-Disposition: attachment;\r\n\tfilename=\"e.com\"\r\n"
		   "X-Other: kept\r\n\r\n", HDR);
	enc_base64(&t, eicar(), eicar_len(), "\r\n");
	set_eol(&msg, t.p, eol);
	buf_free(&t);
	buf_printf(&t, "%sX-Other: kept\r\n", HDR);
	set_eol(&want, t.p, eol);
	buf_str(&want, test_blocks[MAIL_BLOCK_HEADERS]);
	buf_str(&want, eol);
	buf_str(&want, test_blocks[MAIL_BLOCK_BODY]);
	snprintf(what, sizeof(what), "%s: an infected single-part body", tag);
	expect_replaced(d, what, &msg, &want, 1, 1, NULL);
	buf_free(&t);
	buf_free(&msg);
	buf_free(&want);

	/* The same as a message/rfc822 attachment, between two text parts. */
	buf_printf(&t, "%sContent-Type: multipart/mixed; boundary=b\r\n\r\n"
		   "--b\r\nContent-Type: text/plain\r\n\r\nforwarded:\r\n"
		   "--b\r\nContent-Type: message/rfc822\r\n\r\n"
		   "From: x@example.org\r\nSubject: inner\r\n"
		   "Content-Type: application/octet-stream\r\n"
		   "Content-Transfer-Encoding: base64\r\n\r\n", HDR);
	buf_str(&w, t.p);
	enc_base64(&t, eicar(), eicar_len(), "\r\n");
	buf_str(&t, "\r\n--b\r\n\r\ntext with no headers\r\n--b--\r\n");
	set_eol(&msg, t.p, eol);
	buf_free(&t);
	buf_printf(&t, "%sContent-Type: multipart/mixed; boundary=b\r\n\r\n"
		   "--b\r\nContent-Type: text/plain\r\n\r\nforwarded:\r\n"
		   "--b\r\nContent-Type: message/rfc822\r\n\r\n"
		   "From: x@example.org\r\nSubject: inner\r\n", HDR);
	set_eol(&want, t.p, eol);
	buf_str(&want, test_blocks[MAIL_BLOCK_HEADERS]);
	buf_str(&want, eol);
	buf_str(&want, test_blocks[MAIL_BLOCK_BODY]);
	buf_free(&t);
	buf_str(&t, "\r\n--b\r\n\r\ntext with no headers\r\n--b--\r\n");
	set_eol(&want, t.p, eol);
	snprintf(what, sizeof(what), "%s: an infected message/rfc822 body", tag);
	expect_replaced(d, what, &msg, &want, 1, 3, NULL);
	buf_free(&t);
	buf_free(&w);
	buf_free(&msg);
	buf_free(&want);
}

/* One leaf, its Content-* header lines and body given, in a multipart. */
static void one_part(struct mail_detect *d, const char *what, const char *part,
		     const char *filename, const char *type)
{
	const char *parts[] = { "Content-Type: text/plain\r\n\r\nhi", part };
	struct buf msg = { 0 }, want = { 0 };
	struct mail_result r;

	multipart(&msg, &want, "\r\n", "sep", parts, 2, 1);
	expect_replaced(d, what, &msg, &want, 1, 2, &r);
	if (r.nfindings == 1) {
		tap_streq(r.findings[0].filename, filename, "%s: file name", what);
		tap_streq(r.findings[0].content_type, type, "%s: type", what);
	}
	mail_result_free(&r);
	buf_free(&msg);
	buf_free(&want);
}

static void encoding_cases(struct mail_detect *d)
{
	struct buf p = { 0 };

	buf_str(&p, "Content-Type: text/plain\r\n"
		    "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	enc_qp(&p, eicar(), eicar_len(), "\r\n");
	p.p[p.len -= 2] = '\0';
	one_part(d, "quoted-printable", p.p, "", "text/plain");
	buf_free(&p);

	buf_str(&p, "Content-Type: application/octet-stream\r\n"
		    "Content-Transfer-Encoding: x-uuencode\r\n\r\n");
	enc_uu(&p, "virus.com", eicar(), eicar_len(), "\r\n");
	p.p[p.len -= 2] = '\0';
	one_part(d, "x-uuencode", p.p, "", "application/octet-stream");
	buf_free(&p);

	buf_str(&p, "Content-Type: text/plain\r\n\r\nHere it is:\r\n\r\n");
	enc_uu(&p, "inline.com", eicar(), eicar_len(), "\r\n");
	buf_str(&p, "\r\nbye");
	one_part(d, "inline uuencode", p.p, "inline.com", "text/plain");
	buf_free(&p);

	/* Two files, the second infected: the block after the first counts. */
	buf_str(&p, "Content-Type: text/plain\r\n\r\n");
	enc_uu(&p, "a.txt", "hello\n", 6, "\n");
	enc_uu(&p, "b.com", eicar(), eicar_len(), "\r\n");
	p.p[p.len -= 2] = '\0';
	one_part(d, "two inline uuencoded files", p.p, "b.com", "text/plain");
	buf_free(&p);

	p.p = part_b64("Content-Type: application/octet-stream\r\n"
		       "Content-Disposition: attachment; "
		       "filename*=UTF-8''%C3%A9t%C3%A9.com\r\n",
		       eicar(), eicar_len());
	one_part(d, "RFC 2231 file name", p.p, "\xc3\xa9t\xc3\xa9.com",
		 "application/octet-stream");
	free(p.p);

	p.p = part_b64("Content-Type: application/x-msdownload;\r\n"
		       " name=\"=?UTF-8?B?w6l0w6kuY29t?=\"\r\n",
		       eicar(), eicar_len());
	one_part(d, "RFC 2047 file name", p.p, "\xc3\xa9t\xc3\xa9.com",
		 "application/x-msdownload");
	free(p.p);
}

static void nesting_cases(struct mail_detect *d)
{
	char *att = part_b64("Content-Type: application/octet-stream\r\n", eicar(),
			     eicar_len());
	struct buf msg = { 0 }, want = { 0 }, inner = { 0 }, iw = { 0 };
	const char *in_parts[] = { "Content-Type: text/plain\r\n\r\nplain", att,
				   "Content-Type: text/html\r\n\r\n<p>html</p>" };
	const char *parts[3];

	/* multipart/mixed > multipart/alternative > the infected part */
	multipart(&inner, &iw, "\r\n", "inner", in_parts, 3, 1);
	{
		/* its body only: the header block is the outer part's */
		const char *ib = strstr(inner.p, "\r\n\r\n") + 4;
		const char *wb = strstr(iw.p, "\r\n\r\n") + 4;
		struct buf p = { 0 }, q = { 0 };

		buf_printf(&p, "Content-Type: multipart/alternative; boundary=inner\r\n\r\n%.*s",
			   (int)(inner.len - (ib - inner.p) - 2), ib);
		buf_printf(&q, "Content-Type: multipart/alternative; boundary=inner\r\n\r\n%.*s",
			   (int)(iw.len - (wb - iw.p) - 2), wb);
		parts[0] = "Content-Type: text/plain\r\n\r\nouter";
		parts[1] = p.p;
		parts[2] = "Content-Type: text/plain\r\n\r\nlast";
		multipart(&msg, &want, "\r\n", "outer", parts, 3, -1);
		buf_free(&want);
		parts[1] = q.p;
		{
			struct buf w2 = { 0 };

			multipart(&w2, &want, "\r\n", "outer", parts, 3, -1);
			buf_free(&w2);
		}
		expect_replaced(d, "nested multipart", &msg, &want, 1, 5, NULL);
		buf_free(&msg);
		buf_free(&want);

		/* the same multipart inside a message/rfc822 part */
		buf_free(&p);
		buf_free(&q);
		buf_printf(&p, "Content-Type: message/rfc822\r\n\r\n%.*s",
			   (int)inner.len - 2, inner.p);
		buf_printf(&q, "Content-Type: message/rfc822\r\n\r\n%.*s",
			   (int)iw.len - 2, iw.p);
		parts[1] = p.p;
		multipart(&msg, &want, "\r\n", "outer", parts, 3, -1);
		buf_free(&want);
		parts[1] = q.p;
		{
			struct buf w2 = { 0 };

			multipart(&w2, &want, "\r\n", "outer", parts, 3, -1);
			buf_free(&w2);
		}
		expect_replaced(d, "a part of a message/rfc822", &msg, &want, 1, 5, NULL);
		buf_free(&p);
		buf_free(&q);
	}
	buf_free(&msg);
	buf_free(&want);
	buf_free(&inner);
	buf_free(&iw);

	/* Two infected parts: two findings, four edits in order. */
	{
		const char *two[] = { att, "Content-Type: text/plain\r\n\r\nok", att };
		struct buf w2 = { 0 }, w3 = { 0 };
		struct mail_result r;

		multipart(&msg, &w2, "\r\n", "b", two, 3, 0);
		/* want: both replaced */
		{
			char *first = strstr(w2.p, "An infected");
			char *last = strstr(first, att);

			buf_add(&w3, w2.p, last - w2.p);
			buf_str(&w3, test_blocks[MAIL_BLOCK_PART]);
			buf_str(&w3, last + strlen(att));
		}
		expect_replaced(d, "two infected parts", &msg, &w3, 2, 3, &r);
		tap_eq(r.nedits, 4, "two infected parts: four edits");
		mail_result_free(&r);
		buf_free(&msg);
		buf_free(&w2);
		buf_free(&w3);
	}

	/* An inline uuencoded file in the preamble: the preamble replaced. */
	{
		struct buf t = { 0 }, w = { 0 }, uu = { 0 };

		enc_uu(&uu, "pre.com", eicar(), eicar_len(), "\r\n");
		uu.p[uu.len -= 2] = '\0';
		buf_printf(&t, "%sContent-Type: multipart/mixed; boundary=p\r\n\r\n%s\r\n"
			   "--p\r\nContent-Type: text/plain\r\n\r\nhi\r\n--p--\r\n",
			   HDR, uu.p);
		buf_printf(&w, "%sContent-Type: multipart/mixed; boundary=p\r\n\r\n%s\r\n"
			   "--p\r\nContent-Type: text/plain\r\n\r\nhi\r\n--p--\r\n",
			   HDR, test_blocks[MAIL_BLOCK_BODY]);
		expect_replaced(d, "an infected preamble", &t, &w, 1, 1, NULL);
		buf_free(&t);
		buf_free(&w);

		buf_printf(&t, "%sContent-Type: multipart/mixed; boundary=p\r\n\r\n"
			   "--p\r\nContent-Type: text/plain\r\n\r\nhi\r\n--p--\r\n%s\r\n",
			   HDR, uu.p);
		buf_printf(&w, "%sContent-Type: multipart/mixed; boundary=p\r\n\r\n"
			   "--p\r\nContent-Type: text/plain\r\n\r\nhi\r\n--p--\r\n%s",
			   HDR, test_blocks[MAIL_BLOCK_BODY]);
		expect_replaced(d, "an infected epilogue", &t, &w, 1, 1, NULL);
		buf_free(&t);
		buf_free(&w);
		buf_free(&uu);
	}
	free(att);
}

TAP_SUITE(mailscan_message)
{
	char *dir = make_tmpdir();
	struct mail_detect *d = eicar_detector(dir, 1, 0, 1);

	tap_ok(d, "message: an MD5-list detector");
	if (d) {
		multipart_cases(d, "\r\n", "CRLF");
		multipart_cases(d, "\n", "LF");
		body_cases(d, "\r\n", "CRLF");
		body_cases(d, "\n", "LF");
		encoding_cases(d);
		nesting_cases(d);
		mail_detect_free(d);
	}
	rm_tmpdir(dir);
}

TAP_SUITE(mailscan_message_clamav)
{
	char *dir = make_tmpdir();
	struct mail_detect *md5 = eicar_detector(dir, 1, 0, 1);
	struct mail_detect *both = NULL;
	struct buf zip = { 0 }, msg = { 0 }, want = { 0 }, t = { 0 };
	struct mail_result r;
	char *att;

	{
		/* The list and the pattern, in one detector. */
		char *hdb;
		struct mail_detect_opts o = { 0 };
		char err[256];

		buf_printf(&t, "%s:%zu:Test.EICAR-MD5\n", eicar_md5(), eicar_len());
		hdb = write_file(dir, "both.hdb", t.p);
		buf_free(&t);
		mail_detect_free(eicar_detector(dir, 0, 1, 1));	/* makes dir/db */
		if (asprintf((char **)&o.clamav_db, "%s/db", dir) < 0)
			abort();
		o.hdb = hdb;
		if (mail_detect_new(&o, &both, err, sizeof(err)))
			tap_diag("%s", err);
		free((char *)o.clamav_db);
		free(hdb);
	}
	tap_ok(md5 && both, "clamav: detectors");
	if (!md5 || !both)
		goto out;

	zip_stored(&zip, "eicar.com", eicar(), eicar_len());
	att = part_b64("Content-Type: application/zip; name=\"e.zip\"\r\n", zip.p, zip.len);
	{
		const char *parts[] = { "Content-Type: text/plain\r\n\r\nzipped", att };

		multipart(&msg, &want, "\r\n", "z", parts, 2, 1);
	}
	tap_eq(status_of(md5, &msg, &r), MAIL_CLEAN,
	       "clamav: the MD5 list misses EICAR in a zip");
	mail_result_free(&r);
	expect_replaced(both, "zipped EICAR", &msg, &want, 1, 2, &r);
	if (r.nfindings == 1) {
		tap_eq(r.findings[0].by, MAIL_BY_CLAMAV, "zipped EICAR: by libclamav");
		tap_streq(r.findings[0].filename, "e.zip", "zipped EICAR: file name");
	}
	mail_result_free(&r);
	free(att);
	buf_free(&msg);
	buf_free(&want);

	/*
	 * EICAR in a part's header: no decoded part has it, libclamav's look
	 * at the whole message does; the whole top-level body goes.
	 */
	buf_printf(&t, "%sContent-Type: multipart/mixed; boundary=h\r\nX-Kept: yes\r\n\r\n"
		   "--h\r\nContent-Type: text/plain\r\nX-Payload: %s\r\n\r\nclean\r\n"
		   "--h--\r\n", HDR, eicar());
	buf_printf(&want, "%sX-Kept: yes\r\n%s\r\n%s", HDR,
		   test_blocks[MAIL_BLOCK_HEADERS], test_blocks[MAIL_BLOCK_BODY]);
	tap_eq(status_of(md5, &t, &r), MAIL_CLEAN, "raw: the MD5 list sees nothing");
	mail_result_free(&r);
	expect_replaced(both, "raw scan", &t, &want, 1, 1, &r);
	if (r.nfindings == 1) {
		tap_streq(r.findings[0].content_type, "unknown", "raw scan: the part is unknown");
		tap_eq(r.findings[0].by, MAIL_BY_CLAMAV, "raw scan: by libclamav");
		tap_ok(strstr(r.why, "whole message"), "raw scan: why says so (%s)", r.why);
	}
	mail_result_free(&r);
	{
		char *sub;
		struct mail_detect_opts o = { .no_raw_scan = true };
		struct mail_detect *noraw = NULL;
		char err[256];

		if (asprintf(&sub, "%s/db", dir) < 0)
			abort();
		o.clamav_db = sub;
		tap_ok(!mail_detect_new(&o, &noraw, err, sizeof(err)) &&
		       !mail_detect_raw_scan(noraw), "raw scan: can be turned off");
		tap_eq(noraw ? status_of(noraw, &t, &r) : (enum mail_status)-1, MAIL_CLEAN,
		       "raw scan: off, the header goes unseen");
		mail_result_free(&r);
		mail_detect_free(noraw);
		free(sub);
	}
	buf_free(&t);
	buf_free(&want);
out:
	buf_free(&zip);
	mail_detect_free(md5);
	mail_detect_free(both);
	rm_tmpdir(dir);
}

TAP_SUITE(mailscan_message_bad)
{
	char *dir = make_tmpdir();
	struct mail_detect *d = eicar_detector(dir, 1, 0, 1);
	struct buf t = { 0 };
	struct mail_result r;

	if (!d) {
		tap_ok(d, "bad: a detector");
		goto out;
	}
	buf_str(&t, "just some text\r\nwith no header block\r\n");
	tap_eq(status_of(d, &t, &r), MAIL_UNPARSEABLE, "bad: no headers (%s)", r.why);
	tap_ok(r.why[0] && !r.nedits && !r.nfindings, "bad: why, no edits");
	mail_result_free(&r);
	buf_free(&t);

	buf_str(&t, "");
	tap_eq(status_of(d, &t, &r), MAIL_UNPARSEABLE, "bad: empty (%s)", r.why);
	mail_result_free(&r);
	buf_free(&t);

	buf_printf(&t, "%s", HDR);
	for (int i = 0; i < 40; i++)
		buf_printf(&t, "Content-Type: multipart/mixed; boundary=l%d\r\n\r\n--l%d\r\n",
			   i, i);
	buf_str(&t, "Content-Type: text/plain\r\n\r\ndeep\r\n");
	tap_eq(status_of(d, &t, &r), MAIL_UNPARSEABLE, "bad: 40 levels (%s)", r.why);
	tap_ok(strstr(r.why, "deeper"), "bad: why says too deep");
	mail_result_free(&r);
	buf_free(&t);

	buf_printf(&t, "%sContent-Type: multipart/mixed; boundary=m\r\n\r\n", HDR);
	for (int i = 0; i < 10001; i++)
		buf_str(&t, "--m\r\n\r\nx\r\n");
	buf_str(&t, "--m--\r\n");
	tap_eq(status_of(d, &t, &r), MAIL_UNPARSEABLE, "bad: 10001 parts (%s)", r.why);
	tap_ok(strstr(r.why, "parts"), "bad: why says too many parts");
	mail_result_free(&r);
	buf_free(&t);

	/*
	 * An infected part whose first "header" is not one: GMime skips the
	 * line, so the part's first header is not where the part starts, and
	 * the part cannot be cut exactly: unparseable, never a guess.
	 */
	{
		char *att = part_b64("Content-Type: application/octet-stream\r\n", eicar(),
				     eicar_len());

		buf_printf(&t, "%sContent-Type: multipart/mixed; boundary=j\r\n\r\n"
			   "--j\r\nContent-Type: text/plain\r\n\r\nx\r\n--j\r\nnot a header\r\n%s\r\n"
			   "--j--\r\n",
			   HDR, att);
		free(att);
	}
	{
		enum mail_status st = status_of(d, &t, &r);

		tap_eq(st, MAIL_UNPARSEABLE, "bad: a part not located exactly (%s)", r.why);
		tap_ok(strstr(r.why, "located"), "bad: why says so");
	}
	mail_result_free(&r);
	buf_free(&t);
	mail_detect_free(d);
out:
	rm_tmpdir(dir);
}

/* ---- MIME differentials with mail clients ---- */

static enum mail_status probe(struct mail_detect *d, const char *hdr, const char *boundary,
			      char *why, size_t whysize)
{
	struct buf msg = { 0 };
	struct mail_result r;
	enum mail_status st;

	buf_printf(&msg, "From: a@x\r\nSubject: t\r\nMIME-Version: 1.0\r\n%s\r\n"
		   "preamble\r\n--%s\r\nContent-Type: text/plain\r\n\r\nhi\r\n--%s\r\n"
		   "Content-Type: application/octet-stream\r\n"
		   "Content-Transfer-Encoding: base64\r\n\r\n", hdr, boundary, boundary);
	enc_base64(&msg, eicar(), eicar_len(), "\r\n");
	buf_printf(&msg, "--%s--\r\n", boundary);
	if (mail_message_scan(d, (const uint8_t *)msg.p, msg.len, &r))
		abort();
	st = r.status;
	snprintf(why, whysize, "%s", r.why);
	tap_diag("%s -> status %d (%s)", hdr, st, r.why);
	mail_result_free(&r);
	buf_free(&msg);
	return st;
}

/*
 * GMime takes the last Content-Type field and the first boundary
 * parameter; mail clients differ. A message whose header blocks repeat
 * one must never be judged clean: it is unparseable (the bad-input
 * policy applies), and one that repeats nothing is checked as usual.
 */
#define DUP	MAIL_UNPARSEABLE
#define INF	MAIL_INFECTED

TAP_SUITE(mailscan_message_differentials)
{
	char *dir = make_tmpdir();
	struct mail_detect *d = eicar_detector(dir, 1, 0, 1);
	static const struct { const char *hdr, *b; enum mail_status want; } cases[] = {
		{ "Content-Type: multipart/mixed; boundary=\"B\"\r\n", "B", INF },
		{ "Content-Type: text/plain\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n", "B", DUP },
		{ "Content-Type: multipart/mixed; boundary=\"B\"\r\nContent-Type: text/plain\r\n", "B", DUP },
		{ "Content-Type: multipart/mixed; boundary=\"C\"; boundary=\"B\"\r\n", "B", DUP },
		{ "Content-Type: multipart/mixed; boundary=\"B\"; boundary=\"C\"\r\n", "B", DUP },
		{ "Content-Type: multipart/mixed; boundary=B ; x=\"\r\n", "B", INF },
		{ "Content-Type: multipart/mixed; boundary*0=B; boundary*1=C\r\n", "BC", INF },
		{ "Content-Type: multipart/mixed; boundary=\"B\"\r\nContent-Type: multipart/mixed; boundary=\"C\"\r\n", "C", DUP },
		{ "Content-Type: multipart/mixed; boundary=\"C\"\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n", "C", DUP },
		{ "Content-Type: multipart/mixed; boundary=\"B\"; BOUNDARY*=''C\r\n", "B", DUP },
		{ "Content-Type: multipart/mixed; boundary=\"B\"; boundary*0=C\r\n", "B", DUP },
		{ "Content-Type: multipart/mixed; boundary=\"B\"\r\n"
		  "Content-Transfer-Encoding: 7bit\r\nContent-Transfer-Encoding: base64\r\n", "B", DUP },
		{ "Content-Type: multipart/mixed; boundary=\"B\"\r\n"
		  "Content-Disposition: inline\r\nContent-Disposition: attachment\r\n", "B", DUP },
		{ "Content-Type: multipart/mixed; boundary=\"B\"\r\n"
		  "Content-Disposition: attachment; filename=a.txt; filename=b.exe\r\n", "B", DUP },
		{ "Content-Type: multipart/mixed; boundary=\"B\"; name=\"a;boundary=C\"\r\n", "B", INF },
		{ "Content-Type: multipart/mixed; boundary=\"B\" (boundary=C)\r\n", "B", INF },
	};
	char why[256];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		tap_eq(probe(d, cases[i].hdr, cases[i].b, why, sizeof(why)), cases[i].want,
		       "MD5 list: case %zu", i);
		if (cases[i].want == DUP)
			tap_ok(strstr(why, "clients"), "MD5 list: case %zu, why says so (%s)",
			       i, why);
	}
	/* In a part's header block, and in an embedded message's. */
	{
		static const char *const nested[] = {
			"--B\r\nContent-Type: text/plain\r\nContent-Type: text/html\r\n\r\nhi\r\n--B--\r\n",
			"--B\r\nContent-Type: text/plain; charset=us-ascii; Charset=utf-8\r\n\r\nhi\r\n--B--\r\n",
			"--B\r\nContent-Type: message/rfc822\r\n\r\nFrom: b@x\r\n"
			"Content-Type: text/plain\r\nContent-Transfer-Encoding: 7bit\r\n"
			"Content-Transfer-Encoding: base64\r\n\r\nhi\r\n--B--\r\n",
		};

		for (size_t i = 0; i < ARRAY_SIZE(nested); i++) {
			struct buf msg = { 0 };
			struct mail_result r;

			buf_printf(&msg, "From: a@x\r\nMIME-Version: 1.0\r\nContent-Type: "
				   "multipart/mixed; boundary=B\r\n\r\n%s", nested[i]);
			if (mail_message_scan(d, (const uint8_t *)msg.p, msg.len, &r))
				abort();
			tap_eq(r.status, MAIL_UNPARSEABLE, "nested %zu: unparseable (%s)", i, r.why);
			mail_result_free(&r);
			buf_free(&msg);
		}
	}
	mail_detect_free(d);
	d = eicar_detector(dir, 0, 1, 1);
	for (size_t i = 0; d && i < ARRAY_SIZE(cases); i++)
		tap_eq(probe(d, cases[i].hdr, cases[i].b, why, sizeof(why)), cases[i].want,
		       "libclamav: case %zu", i);
	mail_detect_free(d);
	rm_tmpdir(dir);
}

/* ---- large messages: every search linear ---- */

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * An infected epilogue after megabytes of repeated lines: an epilogue
 * looked for at every line start, each match running to the next
 * mismatch, took time quadratic in the message.
 */
TAP_SUITE(mailscan_message_large)
{
	char *dir = make_tmpdir();
	struct mail_detect *d = eicar_detector(dir, 1, 0, 1);
	static const char *const fill[] = { "a\r\n", "--p--\r\n" };

	for (size_t k = 0; d && k < ARRAY_SIZE(fill); k++) {
		struct buf t = { 0 }, w = { 0 }, uu = { 0 }, ep = { 0 };
		char what[64];
		double t0;

		enc_uu(&uu, "epi.com", eicar(), eicar_len(), "\r\n");
		while (ep.len < (3u << 20))
			buf_str(&ep, fill[k]);
		buf_printf(&t, "%sContent-Type: multipart/mixed; boundary=p\r\n\r\n"
			   "--p\r\nContent-Type: text/plain\r\n\r\nhi\r\n--p--\r\n%s%s",
			   HDR, ep.p, uu.p);
		buf_printf(&w, "%sContent-Type: multipart/mixed; boundary=p\r\n\r\n"
			   "--p\r\nContent-Type: text/plain\r\n\r\nhi\r\n--p--\r\n%s",
			   HDR, test_blocks[MAIL_BLOCK_BODY]);
		snprintf(what, sizeof(what), "a %zu MiB epilogue of \"%.*s\" lines",
			 t.len >> 20, (int)strlen(fill[k]) - 2, fill[k]);
		t0 = seconds();
		expect_replaced(d, what, &t, &w, 1, 1, NULL);
		tap_ok(seconds() - t0 < 2.0, "%s: scanned in %.2f s", what, seconds() - t0);
		buf_free(&t);
		buf_free(&w);
		buf_free(&uu);
		buf_free(&ep);
	}
	mail_detect_free(d);
	rm_tmpdir(dir);
}

/*
 * Found by fuzzing: a multipart whose Content-Type has no boundary but a
 * hostile parameter list. Asking GMime for the boundary made it generate
 * one and encode the header anew: more than 10 s and nearly 2 GB for
 * these 109 bytes.
 */
TAP_SUITE(mailscan_message_hostile_params)
{
	static const char msg[] =
		"From: a\r\nContent-Type: multipart/mixed; boun"
		"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"
		"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"
		"dary=o\r\xc6rom: a\r\nCon\n\r\n$\x00\x00\x00\x00\x00\x00te\x00n";
	char *dir = make_tmpdir();
	struct mail_detect *d = eicar_detector(dir, 1, 0, 1);
	struct mail_result res;
	double t0 = seconds();
	int r = -1;

	if (d)
		r = mail_message_scan(d, (const uint8_t *)msg, sizeof(msg) - 1, &res);
	tap_eq(r, 0, "a boundary-less multipart with hostile parameters: scanned");
	tap_ok(seconds() - t0 < 1.0, "... in %.3f s", seconds() - t0);
	if (!r)
		mail_result_free(&res);
	mail_detect_free(d);
	rm_tmpdir(dir);
}
