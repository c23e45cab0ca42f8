// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * One mail message: parsed with GMime, every leaf decoded and checked,
 * and each infected one turned into exact edits of the message's bytes.
 *
 * GMime parses from a seekable memory stream, so (persistent streams,
 * its default) a leaf's content is a substream of the message, bounded
 * by its offsets, and every header knows its offset. Those offsets are
 * not taken on trust: the bytes around them must be what the MIME
 * grammar says (a boundary line before a part, a CRLF or LF and the next
 * boundary after it, a blank line between headers and body), or the
 * message is unparseable. An edit that is not exact could cut a virus
 * in half, or a clean part, and leave something a client reads otherwise.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "detect.h"
#include "message.h"

/* Bounds on what one message may make GMime build. */
#define MAIL_MAX_DEPTH	32
#define MAIL_MAX_PARTS	10000

/* The boundaries of the multiparts around an object, innermost first. */
struct bound {
	const struct bound *up;
	const char *boundary;
	size_t len;
};

/* What was found in one leaf (or preamble, epilogue, whole message). */
struct hit {
	char virus[128];
	char filename[256];		/* the file's name, as the check was told */
	unsigned int by;
};

struct scan {
	struct mail_detect *d;
	const uint8_t *msg;
	size_t len;
	GByteArray *bytes;		/* the stream's copy of msg */
	struct mail_result *res;
	size_t findings_cap;
	size_t edits_cap;
	size_t objects;			/* MIME objects walked */
	int err;			/* -ENOMEM */
	bool stop;			/* res->status decided: unparseable or error */
};

/* Where an object sits: in a multipart, or as the body of a message. */
struct where {
	const struct bound *bounds;
	GMimeMessage *owner;		/* non-NULL: the body of this message */
	int depth;
};

static void __attribute__((format(printf, 3, 4)))
stop(struct scan *s, enum mail_status status, const char *fmt, ...)
{
	va_list ap;

	if (s->stop)
		return;
	s->stop = true;
	s->res->status = status;
	va_start(ap, fmt);
	vsnprintf(s->res->why, sizeof(s->res->why), fmt, ap);
	va_end(ap);
}

static void copy_str(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

/* ---- the raw bytes: lines, blank lines, boundary lines ---- */

static bool at_line_start(const struct scan *s, size_t off)
{
	return off == 0 || (off <= s->len && s->msg[off - 1] == '\n');
}

/* At the end of a line: before its CRLF or LF, after it, or at the end. */
static bool at_line_end(const struct scan *s, size_t off)
{
	if (off >= s->len)
		return off == s->len;
	if (s->msg[off] == '\n')
		return true;
	if (s->msg[off] == '\r' && off + 1 < s->len && s->msg[off + 1] == '\n')
		return true;
	return at_line_start(s, off);
}

/* The length of the line terminator at off: 2 (CRLF), 1 (LF) or 0. */
static size_t eol_at(const struct scan *s, size_t off)
{
	if (off < s->len && s->msg[off] == '\n')
		return 1;
	if (off + 1 < s->len && s->msg[off] == '\r' && s->msg[off + 1] == '\n')
		return 2;
	return 0;
}

/* Just past the line that off is in (its terminator included). */
static size_t next_line(const struct scan *s, size_t off)
{
	const uint8_t *nl = memchr(s->msg + off, '\n', s->len - off);

	return nl ? (size_t)(nl - s->msg) + 1 : s->len;
}

/* Just past a header field starting at off, continuation lines included. */
static size_t header_field_end(const struct scan *s, size_t off)
{
	off = next_line(s, off);
	while (off < s->len && (s->msg[off] == ' ' || s->msg[off] == '\t'))
		off = next_line(s, off);
	return off;
}

/*
 * Does [off, s->len) start with the line "--boundary", optionally "--"
 * after it (close), then transport padding and a line end? Returns the
 * offset just past the line, or 0 when it is not such a line.
 */
static size_t boundary_line(const struct scan *s, size_t off,
			    const struct bound *b, bool close)
{
	size_t p = off;

	if (s->len - off < b->len + 2 || s->msg[p] != '-' || s->msg[p + 1] != '-' ||
	    memcmp(s->msg + p + 2, b->boundary, b->len))
		return 0;
	p += 2 + b->len;
	if (close) {
		if (s->len - p < 2 || s->msg[p] != '-' || s->msg[p + 1] != '-')
			return 0;
		p += 2;
	}
	while (p < s->len && (s->msg[p] == ' ' || s->msg[p] == '\t'))
		p++;
	if (p == s->len)
		return p;
	return eol_at(s, p) ? p + eol_at(s, p) : 0;
}

/* Is off just past a "--boundary" line (not the close one)? */
static bool after_boundary_line(const struct scan *s, size_t off,
				const struct bound *b)
{
	size_t ls;

	if (!off || s->msg[off - 1] != '\n')
		return false;
	/* the start of the line that ends at off */
	ls = off - 1;
	while (ls && s->msg[ls - 1] != '\n')
		ls--;
	return boundary_line(s, ls, b, false) == off;
}

/*
 * Is off where a part ends: the end of the message (a multipart whose
 * close boundary never came), or a line end followed by a boundary line
 * of one of the enclosing multiparts (a nested multipart may lack its
 * own close boundary, and GMime then ends its last part at an outer one)?
 */
static bool before_boundary_line(const struct scan *s, size_t off,
				 const struct bound *bounds)
{
	size_t eol = eol_at(s, off);

	if (off == s->len)
		return true;
	if (!eol)
		return false;
	for (const struct bound *b = bounds; b; b = b->up)
		if (boundary_line(s, off + eol, b, false) ||
		    boundary_line(s, off + eol, b, true))
			return true;
	return false;
}

/* The start of the blank line that ends just before off, or -1. */
static ssize_t blank_line_before(const struct scan *s, size_t off)
{
	if (!off || s->msg[off - 1] != '\n')
		return -1;
	if (off >= 2 && s->msg[off - 2] == '\r' && at_line_start(s, off - 2))
		return off - 2;
	if (at_line_start(s, off - 1))
		return off - 1;
	return -1;
}

/* ---- results ---- */

static struct mail_edit *new_edit(struct scan *s)
{
	struct mail_result *r = s->res;

	if (r->nedits == s->edits_cap) {
		size_t n = s->edits_cap ? s->edits_cap * 2 : 8;
		struct mail_edit *e = realloc(r->edits, n * sizeof(*e));

		if (!e) {
			s->err = -ENOMEM;
			return NULL;
		}
		r->edits = e;
		s->edits_cap = n;
	}
	return &r->edits[r->nedits++];
}

static int add_cut(struct scan *s, size_t off, size_t len)
{
	struct mail_edit *e;

	if (!len)
		return 0;
	e = new_edit(s);
	if (!e)
		return -1;
	*e = (struct mail_edit){ .op = MAIL_EDIT_CUT, .off = off, .len = len };
	return 0;
}

static int add_inject(struct scan *s, size_t off, enum mail_block block)
{
	struct mail_edit *e = new_edit(s);

	if (!e)
		return -1;
	*e = (struct mail_edit){ .op = MAIL_EDIT_INJECT, .off = off, .block = block };
	return 0;
}

static int add_finding(struct scan *s, const struct hit *h, const char *filename,
		       const char *content_type, size_t start, size_t end)
{
	struct mail_result *r = s->res;
	struct mail_finding *f;

	if (r->nfindings == s->findings_cap) {
		size_t n = s->findings_cap ? s->findings_cap * 2 : 4;

		f = realloc(r->findings, n * sizeof(*f));
		if (!f) {
			s->err = -ENOMEM;
			return -1;
		}
		r->findings = f;
		s->findings_cap = n;
	}
	f = &r->findings[r->nfindings++];
	memset(f, 0, sizeof(*f));
	copy_str(f->virus, sizeof(f->virus), h->virus);
	copy_str(f->filename, sizeof(f->filename), filename);
	copy_str(f->content_type, sizeof(f->content_type), content_type);
	f->by = h->by;
	f->start = start;
	f->end = end;
	return 0;
}

/* ---- checking ---- */

/* Check one decoded thing: 1 infected (h set), 0 clean, -1 stopped. */
static int check(struct scan *s, const void *data, size_t len,
		 const char *filename, struct hit *h)
{
	char err[160] = "";
	const char *virname = NULL;
	int ret;

	ret = mail_detect_check(s->d, data, len, filename, &virname, &h->by,
				err, sizeof(err));
	if (ret < 0) {
		if (ret == -ENOMEM)
			s->err = ret;
		stop(s, MAIL_ERROR, "checking a part failed: %s", err);
		return -1;
	}
	if (ret > 0) {
		copy_str(h->virus, sizeof(h->virus), virname);
		copy_str(h->filename, sizeof(h->filename), filename);
	}
	return ret > 0;
}

/*
 * A "begin MODE NAME" line of an inline uuencoded file (as uuencode(1)
 * writes it into a text body). Returns the name's length, name set.
 */
static size_t uu_begin(const uint8_t *line, size_t len, const uint8_t **name)
{
	size_t p = 6, digits = 0;

	if (len < 6 || memcmp(line, "begin ", 6))
		return 0;
	while (p < len && line[p] >= '0' && line[p] <= '7' && digits < 5) {
		p++;
		digits++;
	}
	if (digits < 3 || p >= len || line[p] != ' ')
		return 0;
	p++;
	*name = line + p;
	return len - p;
}

/*
 * Text (a text leaf, a preamble or an epilogue) may carry inline
 * uuencoded files: each is decoded and checked as a file of its own.
 */
static int check_uu_blocks(struct scan *s, const uint8_t *text, size_t len,
			   struct hit *h)
{
	size_t off = 0;

	while (off < len) {
		const uint8_t *nl = memchr(text + off, '\n', len - off);
		size_t end = nl ? (size_t)(nl - text) + 1 : len;
		size_t ll = end - off;
		const uint8_t *name;
		size_t namelen;
		char *fname;
		GByteArray *out;
		int state = GMIME_UUDECODE_STATE_BEGIN, ret;
		guint32 save = 0;

		while (ll && (text[off + ll - 1] == '\n' || text[off + ll - 1] == '\r'))
			ll--;
		namelen = uu_begin(text + off, ll, &name);
		off = end;
		if (!namelen)
			continue;
		if (s->res->parts >= MAIL_MAX_PARTS) {
			stop(s, MAIL_UNPARSEABLE, "more than %d parts", MAIL_MAX_PARTS);
			return -1;
		}
		/* Decode line by line up to "end" (or the text's end). */
		out = g_byte_array_new();
		while (off < len && !(state & GMIME_UUDECODE_STATE_END)) {
			nl = memchr(text + off, '\n', len - off);
			end = nl ? (size_t)(nl - text) + 1 : len;
			ll = end - off;
			while (ll && (text[off + ll - 1] == '\n' ||
				      text[off + ll - 1] == '\r'))
				ll--;
			if (ll == 3 && !memcmp(text + off, "end", 3)) {
				off = end;
				break;
			}
			{
				/* the line without its CR, and LF-terminated */
				size_t at = out->len;
				uint8_t lf = '\n';

				g_byte_array_set_size(out, at + ll + 4);
				at += g_mime_encoding_uudecode_step(text + off, ll,
						out->data + at, &state, &save);
				at += g_mime_encoding_uudecode_step(&lf, 1,
						out->data + at, &state, &save);
				g_byte_array_set_size(out, at);
			}
			off = end;
		}
		s->res->parts++;
		fname = g_strndup((const char *)name, namelen);
		ret = check(s, out->data, out->len, fname, h);
		g_free(fname);
		g_byte_array_free(out, TRUE);
		if (ret)
			return ret;
	}
	return 0;
}

static int check_text(struct scan *s, const uint8_t *text, size_t len,
		      const char *filename, struct hit *h)
{
	int ret = check(s, text, len, filename, h);

	return ret ? ret : check_uu_blocks(s, text, len, h);
}

/* ---- planning the edits ---- */

/* Is the offset GMime gave for header h where the raw bytes say so? */
static bool header_at(const struct scan *s, GMimeHeader *h, size_t *off)
{
	gint64 o = g_mime_header_get_offset(h);
	const char *name = g_mime_header_get_name(h);
	size_t nl = name ? strlen(name) : 0;
	size_t p;

	if (o < 0 || (guint64)o >= s->len || !nl || !at_line_start(s, o) ||
	    s->len - o < nl || strncasecmp((const char *)s->msg + o, name, nl))
		return false;
	p = o + nl;
	while (p < s->len && (s->msg[p] == ' ' || s->msg[p] == '\t'))
		p++;
	if (p >= s->len || s->msg[p] != ':')
		return false;
	*off = o;
	return true;
}

/*
 * The end of the header block of an entity whose fields GMime split
 * between two objects (a message and its body; b may be NULL): where
 * the blank line after its last field starts. 0, or -1 when the fields'
 * offsets do not check out or no blank line follows them.
 */
static int header_block_end(const struct scan *s, GMimeObject *a, GMimeObject *b,
			    size_t *blank)
{
	GMimeObject *objs[2] = { a, b };
	size_t last = 0;
	bool any = false;

	for (int l = 0; l < 2; l++) {
		GMimeHeaderList *hl = objs[l] ? g_mime_object_get_header_list(objs[l]) : NULL;
		int n = hl ? g_mime_header_list_get_count(hl) : 0;

		for (int i = 0; i < n; i++) {
			size_t off;

			if (!header_at(s, g_mime_header_list_get_header_at(hl, i), &off))
				return -1;
			if (!any || off > last)
				last = off;
			any = true;
		}
	}
	if (!any)
		return -1;
	last = header_field_end(s, last);
	if (!eol_at(s, last))
		return -1;
	*blank = last;
	return 0;
}

/* The raw bounds of a leaf's content: a substream of the message. */
static bool content_bounds(const struct scan *s, GMimePart *part, size_t *start,
			   size_t *end)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeStream *st = w ? g_mime_data_wrapper_get_stream(w) : NULL;

	if (!st || !GMIME_IS_STREAM_MEM(st) ||
	    g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(st)) != s->bytes)
		return false;
	if (st->bound_start < 0 || (guint64)st->bound_start > s->len)
		return false;
	*start = st->bound_start;
	*end = st->bound_end < 0 ? s->len : (size_t)st->bound_end;
	return *end >= *start && *end <= s->len;
}

/*
 * A part of a multipart: from just past its boundary line (its first
 * header, or the blank line when it has none) to the line end before the
 * next boundary line; replaced whole by MAIL_BLOCK_PART.
 */
static int plan_part(struct scan *s, GMimeObject *obj, GMimePart *leaf,
		     const struct where *w, size_t *pstart, size_t *pend)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
	int n = g_mime_header_list_get_count(hl);
	size_t cs, ce, start = SIZE_MAX;
	ssize_t blank;

	if (!content_bounds(s, leaf, &cs, &ce))
		return -1;
	for (int i = 0; i < n; i++) {
		size_t off;

		if (!header_at(s, g_mime_header_list_get_header_at(hl, i), &off) ||
		    off >= cs)
			return -1;
		if (off < start)
			start = off;
	}
	if (!n) {
		blank = blank_line_before(s, cs);
		if (blank < 0)
			return -1;
		start = blank;
	}
	if (!w->bounds || !after_boundary_line(s, start, w->bounds) ||
	    !before_boundary_line(s, ce, w->bounds))
		return -1;
	*pstart = start;
	*pend = ce;
	if (add_inject(s, start, MAIL_BLOCK_PART) || add_cut(s, start, ce - start))
		return -2;
	return 0;
}

/* One header line (with continuations) to cut; sorted before planning. */
struct span {
	size_t start, end;
};

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Collect the Content-* fields of a header list whose offsets check out. */
static int content_fields(const struct scan *s, GMimeObject *obj, size_t blank,
			  struct span *spans, size_t *nspans, size_t cap)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
	int n = g_mime_header_list_get_count(hl);

	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		size_t off, end;

		if (!header_at(s, h, &off))
			return -1;
		end = header_field_end(s, off);
		if (end > blank)
			return -1;
		if (strncasecmp(g_mime_header_get_name(h), "Content-", 8))
			continue;
		if (*nspans == cap)
			return -1;
		spans[(*nspans)++] = (struct span){ off, end };
	}
	return 0;
}

#define MAX_CONTENT_FIELDS	64

/*
 * The body of a message (top-level or embedded) that is not a multipart:
 * its Content-* fields are cut, MAIL_BLOCK_HEADERS goes where the header
 * block ends (before the blank line), the body [cs, ce) is replaced by
 * MAIL_BLOCK_BODY. ce of SIZE_MAX: the body runs to the message's end
 * and cs is past the blank line after the last header (the whole-message
 * case, where GMime's body may be a multipart with no content stream).
 */
static int plan_body(struct scan *s, GMimeMessage *owner, GMimeObject *body,
		     GMimePart *leaf, const struct bound *bounds,
		     size_t *pstart, size_t *pend)
{
	struct span spans[MAX_CONTENT_FIELDS];
	size_t nspans = 0, cs, ce;
	ssize_t blank;

	if (leaf) {
		if (!content_bounds(s, leaf, &cs, &ce))
			return -1;
		blank = blank_line_before(s, cs);
	} else {
		size_t end;

		if (header_block_end(s, GMIME_OBJECT(owner), body, &end))
			return -1;
		blank = end;
		cs = end + eol_at(s, end);
		ce = s->len;
	}
	if (blank < 0 || !before_boundary_line(s, ce, bounds))
		return -1;

	if (content_fields(s, GMIME_OBJECT(owner), blank, spans, &nspans,
			   MAX_CONTENT_FIELDS))
		return -1;
	if (body && content_fields(s, body, blank, spans, &nspans,
				   MAX_CONTENT_FIELDS))
		return -1;
	qsort(spans, nspans, sizeof(spans[0]), span_cmp);

	*pstart = blank;
	for (size_t i = 0; i < nspans; i++) {
		/* GMime lists a field once; the same offset twice is one field. */
		if (i && spans[i].start == spans[i - 1].start)
			continue;
		if (i && spans[i].start < spans[i - 1].end)
			return -1;
		if (spans[i].start < *pstart)
			*pstart = spans[i].start;
		if (add_cut(s, spans[i].start, spans[i].end - spans[i].start))
			return -2;
	}
	*pend = ce;
	if (add_inject(s, blank, MAIL_BLOCK_HEADERS) ||
	    add_inject(s, cs, MAIL_BLOCK_BODY) || add_cut(s, cs, ce - cs))
		return -2;
	return 0;
}

static char *mime_type(GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);

	return ct ? g_mime_content_type_get_mime_type(ct) : g_strdup("text/plain");
}

static int locate_failed(struct scan *s, const struct hit *h, const char *what)
{
	stop(s, MAIL_UNPARSEABLE,
	     "%s found (%s) in %s, but the part's bytes cannot be located exactly",
	     h->virus, h->by == MAIL_BY_MD5 ? "MD5 list" : "libclamav", what);
	return -1;
}

static int walk_leaf(struct scan *s, GMimePart *part, const struct where *w)
{
	GMimeObject *obj = GMIME_OBJECT(part);
	GMimeDataWrapper *wrapper = g_mime_part_get_content(part);
	const char *filename = g_mime_part_get_filename(part);
	GMimeStream *out;
	GByteArray *data;
	struct hit h = { .by = 0 };
	size_t start = 0, end = 0;
	char *type;
	int ret;

	if (!wrapper)
		return 0;	/* no content at all: nothing to decode or check */
	out = g_mime_stream_mem_new();
	if (g_mime_data_wrapper_write_to_stream(wrapper, out) < 0) {
		g_object_unref(out);
		stop(s, MAIL_UNPARSEABLE, "a part's content cannot be decoded");
		return -1;
	}
	data = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out));
	type = mime_type(obj);
	s->res->parts++;
	if (!strncasecmp(type, "text/", 5))
		ret = check_text(s, data->data, data->len, filename, &h);
	else
		ret = check(s, data->data, data->len, filename, &h);
	g_object_unref(out);
	if (ret <= 0)
		goto out;

	if (w->owner)
		ret = plan_body(s, w->owner, obj, part, w->bounds, &start, &end);
	else
		ret = plan_part(s, obj, part, w, &start, &end);
	if (ret == -1) {
		char what[320];

		snprintf(what, sizeof(what), "%s%s%s%s", type,
			 filename ? " \"" : "", filename ? filename : "",
			 filename ? "\"" : "");
		locate_failed(s, &h, what);
	} else if (ret == 0 && add_finding(s, &h, h.filename, type, start, end)) {
		ret = -2;
	}
	ret = ret ? -1 : 0;
out:
	g_free(type);
	return ret;
}

/*
 * Does the message at off hold text, each LF of which may be a CRLF in
 * the message (GMime gives preambles and epilogues with LF line ends)?
 * Returns the raw length, or 0.
 */
static size_t match_text(const struct scan *s, size_t off, const char *text,
			 size_t tl)
{
	size_t p = off;

	for (size_t i = 0; i < tl; i++) {
		if (p >= s->len)
			return 0;
		if (text[i] == '\n' && s->msg[p] == '\r' && p + 1 < s->len &&
		    s->msg[p + 1] == '\n')
			p++;
		if (s->msg[p++] != (uint8_t)text[i])
			return 0;
	}
	return p - off;
}

/*
 * Where in the message is text that GMime gives us only as a string (a
 * preamble or an epilogue)? Both are looked for at one place only, so
 * that the search is linear in the message. body is where the
 * multipart's body starts: just past the blank line that ends its header
 * block. A preamble starts there and ends at the line end before its
 * first boundary line. An epilogue starts just past the first close
 * boundary line after body (where GMime ends the multipart) and ends
 * where the multipart does: at the message's end or before an enclosing
 * boundary line. Anything else is not located exactly.
 */
static int locate_text(const struct scan *s, const char *text, size_t tl,
		       const struct bound *b, bool preamble, ssize_t body,
		       size_t *at, size_t *rawlen)
{
	size_t n, eol, off, ep = 0;

	if (body < 0)
		return -1;
	if (preamble) {
		n = match_text(s, body, text, tl);
		eol = n ? eol_at(s, body + n) : 0;
		if (!eol || !boundary_line(s, body + n + eol, b, false))
			return -1;
		*at = body;
		*rawlen = n;
		return 0;
	}
	for (off = body; off < s->len && !ep; off = next_line(s, off))
		ep = boundary_line(s, off, b, true);
	if (!ep || ep >= s->len)
		return -1;
	n = match_text(s, ep, text, tl);
	if (!n || !before_boundary_line(s, ep + n, b->up))
		return -1;
	*at = ep;
	*rawlen = n;
	return 0;
}

/* A multipart's preamble or epilogue: checked as text, replaced by BODY. */
static int walk_text(struct scan *s, GMimeObject *obj, const char *text,
		     const struct bound *b, const struct where *w, bool preamble)
{
	struct hit h = { .by = 0 };
	size_t tl = text ? strlen(text) : 0, at, rawlen;
	ssize_t body = -1;	/* where the multipart's body starts: not known */
	char *type;
	int ret;

	if (!tl)
		return 0;
	ret = check_text(s, (const uint8_t *)text, tl, NULL, &h);
	if (ret <= 0)
		return ret;
	type = mime_type(obj);
	if (!header_block_end(s, w->owner ? GMIME_OBJECT(w->owner) : NULL, obj, &at))
		body = at + eol_at(s, at);
	if (locate_text(s, text, tl, b, preamble, body, &at, &rawlen)) {
		locate_failed(s, &h, preamble ? "a preamble" : "an epilogue");
		ret = -1;
	} else if (add_inject(s, at, MAIL_BLOCK_BODY) || add_cut(s, at, rawlen) ||
		   add_finding(s, &h, "", type, at, at + rawlen)) {
		ret = -1;
	} else {
		ret = 0;
	}
	g_free(type);
	return ret;
}

/* ---- fields that GMime and mail clients read differently ---- */

/*
 * GMime takes the last of two Content-Type fields and the first of two
 * boundary parameters; other clients take the first field, or the last
 * parameter. An entity that repeats one of these fields, or a parameter
 * of one, is read one way here and maybe another by its recipient: the
 * message is unparseable, never guessed at.
 */
static const char *const single_fields[] = {
	"Content-Type", "Content-Transfer-Encoding", "Content-Disposition",
};
#define NSINGLE		(sizeof(single_fields) / sizeof(single_fields[0]))
#define MAX_PARAMS	128

/* Past a comment (at its '('), nested ones included, or at the end. */
static const char *skip_comment(const char *p)
{
	int depth = 0;

	for (; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '(')
			depth++;
		else if (*p == ')' && !--depth)
			return p + 1;
	}
	return p;
}

/* Past a quoted string (at its '"'), or at the end. */
static const char *skip_qstring(const char *p)
{
	for (p++; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '"')
			return p + 1;
	}
	return p;
}

static const char *skip_cfws(const char *p)
{
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p != '(')
			return p;
		p = skip_comment(p);
	}
}

/* Just past the next ';' outside quoted strings and comments, or NULL. */
static const char *next_param(const char *p)
{
	while (*p) {
		if (*p == '"')
			p = skip_qstring(p);
		else if (*p == '(')
			p = skip_comment(p);
		else if (*p++ == ';')
			return p;
	}
	return NULL;
}

struct pname {
	const char *p;
	size_t len;
};

/*
 * One parameter named twice: the same name (its RFC 2231 charset mark
 * '*' aside), or a plain name and a section of it (name and name*0).
 */
static bool same_param(const struct pname *a, const struct pname *b)
{
	const struct pname *sh = a->len <= b->len ? a : b;
	const struct pname *lo = a->len <= b->len ? b : a;

	if (strncasecmp(a->p, b->p, sh->len))
		return false;
	if (a->len == b->len)
		return true;
	return !memchr(sh->p, '*', sh->len) && lo->p[sh->len] == '*';
}

/* A parameter named twice in a field's value: 1 (name set), 0, or -1 (too many). */
static int repeated_param(const char *v, char *name, size_t size)
{
	struct pname seen[MAX_PARAMS];
	size_t n = 0;

	for (const char *p = next_param(v); p; p = next_param(p)) {
		struct pname cur;

		p = skip_cfws(p);
		cur.p = p;
		while (*p && !strchr("=; \t\r\n(\"", *p))
			p++;
		cur.len = p - cur.p;
		if (cur.len && cur.p[cur.len - 1] == '*')
			cur.len--;
		if (!cur.len)
			continue;
		for (size_t i = 0; i < n; i++) {
			if (same_param(&seen[i], &cur)) {
				snprintf(name, size, "%.*s", (int)cur.len, cur.p);
				return 1;
			}
		}
		if (n == MAX_PARAMS)
			return -1;
		seen[n++] = cur;
	}
	return 0;
}

/* Stop when an object's header block repeats a field or parameter above. */
static int repeated_fields(struct scan *s, GMimeObject *obj)
{
	GMimeHeaderList *hl = obj ? g_mime_object_get_header_list(obj) : NULL;
	int n = hl ? g_mime_header_list_get_count(hl) : 0;
	int count[NSINGLE] = { 0 };

	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		const char *name = g_mime_header_get_name(h);
		const char *v = g_mime_header_get_raw_value(h);
		char param[64];
		int ret;

		for (size_t f = 0; name && f < NSINGLE; f++) {
			if (strcasecmp(name, single_fields[f]))
				continue;
			if (count[f]++) {
				stop(s, MAIL_UNPARSEABLE,
				     "%s appears twice in one header block: mail "
				     "clients may read another one than the scanner",
				     single_fields[f]);
				return -1;
			}
			if (!strcasecmp(name, "Content-Transfer-Encoding") || !v)
				break;
			ret = repeated_param(v, param, sizeof(param));
			if (ret > 0) {
				stop(s, MAIL_UNPARSEABLE,
				     "the %s parameter \"%s\" is repeated: mail "
				     "clients may read another one than the scanner",
				     single_fields[f], param);
				return -1;
			}
			if (ret < 0) {
				stop(s, MAIL_UNPARSEABLE, "more than %d parameters in %s",
				     MAX_PARAMS, single_fields[f]);
				return -1;
			}
			break;
		}
	}
	return 0;
}

static int walk(struct scan *s, GMimeObject *obj, const struct where *w);

static int walk_multipart(struct scan *s, GMimeMultipart *mp,
			  const struct where *w)
{
	/*
	 * Not g_mime_multipart_get_boundary(): without a boundary it makes one
	 * up and encodes the Content-Type header anew, which for a hostile
	 * parameter list takes seconds and gigabytes (a 109-byte message did).
	 */
	const char *boundary =
		g_mime_object_get_content_type_parameter(GMIME_OBJECT(mp), "boundary");
	struct bound b;
	struct where in = { .bounds = &b, .depth = w->depth + 1 };
	int n = g_mime_multipart_get_count(mp);

	if (!boundary || !*boundary) {
		/* GMime read it as one text: no part to locate, check it whole. */
		b = (struct bound){ .up = w->bounds, .boundary = "", .len = 0 };
	} else {
		b = (struct bound){ .up = w->bounds, .boundary = boundary,
				    .len = strlen(boundary) };
	}
	if (walk_text(s, GMIME_OBJECT(mp), g_mime_multipart_get_prologue(mp), &b,
		      w, true))
		return -1;
	for (int i = 0; i < n; i++)
		if (walk(s, g_mime_multipart_get_part(mp, i), &in))
			return -1;
	return walk_text(s, GMIME_OBJECT(mp), g_mime_multipart_get_epilogue(mp),
			 &b, w, false);
}

static int walk(struct scan *s, GMimeObject *obj, const struct where *w)
{
	if (!obj)
		return 0;
	if (w->depth > MAIL_MAX_DEPTH) {
		stop(s, MAIL_UNPARSEABLE, "MIME parts nested deeper than %d levels",
		     MAIL_MAX_DEPTH);
		return -1;
	}
	if (++s->objects > MAIL_MAX_PARTS) {
		stop(s, MAIL_UNPARSEABLE, "more than %d MIME parts", MAIL_MAX_PARTS);
		return -1;
	}
	if (repeated_fields(s, obj))
		return -1;
	if (GMIME_IS_MULTIPART(obj))
		return walk_multipart(s, GMIME_MULTIPART(obj), w);
	if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		struct where in = { .bounds = w->bounds, .owner = m,
				    .depth = w->depth + 1 };

		if (m && repeated_fields(s, GMIME_OBJECT(m)))
			return -1;
		return m ? walk(s, g_mime_message_get_mime_part(m), &in) : 0;
	}
	if (GMIME_IS_PART(obj))
		return walk_leaf(s, GMIME_PART(obj), w);
	return 0;
}

/* Inject before cut at one offset: the block takes the cut bytes' place. */
static int edit_cmp(const void *a, const void *b)
{
	const struct mail_edit *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	if (x->op != y->op)
		return x->op == MAIL_EDIT_INJECT ? -1 : 1;
	return 0;
}

/*
 * The promises of message.h, checked once more on the sorted edits: a
 * planning slip must make the message unparseable, never a bad edit.
 */
static bool edits_valid(const struct scan *s)
{
	const struct mail_result *r = s->res;
	size_t done = 0;

	for (size_t i = 0; i < r->nedits; i++) {
		const struct mail_edit *e = &r->edits[i];

		if (e->off < done || e->off > s->len)
			return false;
		if (i && e->op == MAIL_EDIT_INJECT &&
		    r->edits[i - 1].op == MAIL_EDIT_INJECT &&
		    r->edits[i - 1].off == e->off)
			return false;	/* two blocks at one place: two plans met */
		if (e->op == MAIL_EDIT_CUT) {
			if (!e->len || e->len > s->len - e->off ||
			    !at_line_start(s, e->off) ||
			    !at_line_end(s, e->off + e->len))
				return false;
			done = e->off + e->len;
		}
	}
	return true;
}

static int scan_raw(struct scan *s, GMimeMessage *m)
{
	char err[160] = "";
	const char *virname = NULL;
	struct hit h = { .by = MAIL_BY_CLAMAV };
	size_t start, end;
	int ret;

	ret = mail_detect_check_raw(s->d, s->msg, s->len, &virname, err,
				    sizeof(err));
	if (ret < 0) {
		if (ret == -ENOMEM)
			s->err = ret;
		stop(s, MAIL_ERROR, "checking the whole message failed: %s", err);
		return -1;
	}
	if (!ret)
		return 0;
	copy_str(h.virus, sizeof(h.virus), virname);
	ret = plan_body(s, m, g_mime_message_get_mime_part(m), NULL, NULL,
			&start, &end);
	if (ret == -1)
		return locate_failed(s, &h, "the message");
	if (ret || add_finding(s, &h, "", "unknown", start, end))
		return -1;
	snprintf(s->res->why, sizeof(s->res->why),
		 "libclamav found %s in the whole message, in no part it was shown "
		 "alone: the whole body is replaced", h.virus);
	return 0;
}

static void gmime_init_once(void)
{
	static bool done;

	if (!done) {
		g_mime_init();
		done = true;
	}
}

int mail_message_scan(struct mail_detect *d, const uint8_t *msg, size_t len,
		      struct mail_result *res)
{
	struct scan s = { .d = d, .msg = msg, .len = len, .res = res };
	struct where top = { .depth = 0 };
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *m;

	memset(res, 0, sizeof(*res));
	gmime_init_once();

	/* A memory stream is seekable: content stays a substream of it. */
	stream = g_mime_stream_mem_new_with_buffer((const char *)msg, len);
	s.bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_persist_stream(parser, TRUE);
	m = g_mime_parser_construct_message(parser, NULL);
	if (!m) {
		stop(&s, MAIL_UNPARSEABLE, "not a mail message (no header block GMime can read)");
		goto out;
	}
	top.owner = m;
	if (!repeated_fields(&s, GMIME_OBJECT(m)))
		walk(&s, g_mime_message_get_mime_part(m), &top);
	if (s.err || s.stop)
		goto out;
	if (!res->nfindings && mail_detect_raw_scan(d) && scan_raw(&s, m))
		goto out;
	if (!res->nfindings) {
		res->status = MAIL_CLEAN;
		goto out;
	}
	qsort(res->edits, res->nedits, sizeof(res->edits[0]), edit_cmp);
	if (!edits_valid(&s)) {
		stop(&s, MAIL_UNPARSEABLE,
		     "the infected parts overlap or do not end on line ends: no exact edit");
		goto out;
	}
	res->status = MAIL_INFECTED;
	if (!res->why[0] && res->nfindings == 1)
		snprintf(res->why, sizeof(res->why), "%.100s in %.60s%s%.80s%s",
			 res->findings[0].virus, res->findings[0].content_type,
			 res->findings[0].filename[0] ? " \"" : "",
			 res->findings[0].filename,
			 res->findings[0].filename[0] ? "\"" : "");
	else if (!res->why[0])
		snprintf(res->why, sizeof(res->why), "%zu infected parts, the first %.100s",
			 res->nfindings, res->findings[0].virus);
out:
	if (m)
		g_object_unref(m);
	g_object_unref(parser);
	g_object_unref(stream);
	if (s.err) {
		mail_result_free(res);
		return s.err;
	}
	if (res->status != MAIL_INFECTED) {
		/* Edits and findings only ever go with MAIL_INFECTED. */
		free(res->edits);
		free(res->findings);
		res->edits = NULL;
		res->findings = NULL;
		res->nedits = res->nfindings = 0;
	}
	return 0;
}

void mail_result_free(struct mail_result *res)
{
	free(res->findings);
	free(res->edits);
	res->findings = NULL;
	res->edits = NULL;
	res->nfindings = res->nedits = 0;
}
