// SPDX-License-Identifier: GPL-2.0
/*
 * The printer of sisctl's objects, in iproute2's manner (lib/json_print.c):
 * one emitter per object writes its text and its JSON alike, each piece
 * marked PRINT_FP (text only), PRINT_JSON (JSON only) or PRINT_ANY. Text
 * goes to a FILE as it comes; JSON is built as a jansson tree, its keys in
 * the order given, and dumped by print_end(). The first failure (out of
 * memory, or a piece where JSON cannot take it) is kept for print_end().
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sisctl.h"

void print_init(struct sisctl_print *p, FILE *f, bool json)
{
	memset(p, 0, sizeof(*p));
	p->f = f;
	p->json = json;
}

bool print_wants(const struct sisctl_print *p, enum print_type t)
{
	return t & (p->json ? PRINT_JSON : PRINT_FP);
}

static void fail(struct sisctl_print *p, int err)
{
	if (!p->error)
		p->error = err;
}

/* JSON: @v (consumed) under @key in the object open, or into the array. */
static void put(struct sisctl_print *p, const char *key, json_t *v)
{
	json_t *in = p->depth ? p->open[p->depth - 1] : NULL;
	int r;

	if (!v) {
		fail(p, -ENOMEM);
		return;
	}
	if (!p->depth && !p->root) {
		p->root = v;
		return;
	}
	if (json_is_array(in)) {
		r = json_array_append_new(in, v) ? -ENOMEM : 0;
	} else if (json_is_object(in) && key) {
		r = json_object_set_new(in, key, v) ? -ENOMEM : 0;
	} else {
		/* A second root, a key missing, or a container not made. */
		json_decref(v);
		r = -EINVAL;
	}
	if (r)
		fail(p, r);
}

static void open_container(struct sisctl_print *p, const char *key, json_t *c)
{
	if (!p->json)
		return;
	if (p->depth == PRINT_DEPTH) {
		json_decref(c);
		fail(p, -EINVAL);
		return;
	}
	/* One reference for the tree, one while it is open. */
	put(p, key, json_incref(c));
	p->open[p->depth++] = c;
}

static void close_container(struct sisctl_print *p)
{
	if (!p->json || !p->depth)
		return;
	json_decref(p->open[--p->depth]);
}

void open_object(struct sisctl_print *p, const char *key)
{
	open_container(p, key, p->json ? json_object() : NULL);
}

void close_object(struct sisctl_print *p)
{
	close_container(p);
}

void open_array(struct sisctl_print *p, const char *key)
{
	open_container(p, key, p->json ? json_array() : NULL);
}

void close_array(struct sisctl_print *p)
{
	close_container(p);
}

void print_fp(struct sisctl_print *p, const char *fmt, ...)
{
	va_list ap;

	if (p->json)
		return;
	va_start(ap, fmt);
	vfprintf(p->f, fmt, ap);
	va_end(ap);
}

/* A JSON string even from bytes that are not UTF-8 (those become '?'). */
static json_t *jstrn(const char *s, size_t n)
{
	json_t *j = json_stringn(s, n);
	char *c;

	if (j)
		return j;
	c = malloc(n + 1);
	if (!c)
		return NULL;
	for (size_t i = 0; i < n; i++)
		c[i] = (unsigned char)s[i] >= 0x80 ? '?' : s[i];
	c[n] = '\0';
	j = json_stringn(c, n);
	free(c);
	return j;
}

/*
 * The text of a string: PRINT_CLEAN turns control characters into spaces
 * (filter text stays on its line), PRINT_ESCAPE writes a backslash \\ and
 * bytes outside printable ASCII \xNN (names and messages from elsewhere).
 */
static char *text_of(const char *s, size_t n, enum print_type t)
{
	char *c = malloc(4 * n + 1), *o = c;

	if (!c)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char b = (unsigned char)s[i];

		bool plain = b >= 0x20 && b < 0x7f && b != '\\';

		if ((t & PRINT_CLEAN) && (b < 0x20 || b == 0x7f))
			*o++ = ' ';
		else if (!(t & PRINT_ESCAPE) || plain)
			*o++ = (char)b;
		else if (b == '\\')
			o += sprintf(o, "\\\\");
		else
			o += sprintf(o, "\\x%02x", b);
	}
	*o = '\0';
	return c;
}

/* n bytes as monitor prints a message: \\, \xNN outside printable ASCII. */
char *text_escape(const char *s, size_t n)
{
	return text_of(s, n, PRINT_ESCAPE);
}

void print_stringn(struct sisctl_print *p, enum print_type t, const char *key,
		   const char *fmt, const char *s, size_t n)
{
	char *c;

	if (p->json) {
		if (t & PRINT_JSON)
			put(p, key, jstrn(s ? s : "", n));
		return;
	}
	if (!(t & PRINT_FP) || !fmt)
		return;
	c = text_of(s, n, t);
	if (!c) {
		fail(p, -ENOMEM);
		return;
	}
	fprintf(p->f, fmt, c);
	free(c);
}

void print_string(struct sisctl_print *p, enum print_type t, const char *key,
		  const char *fmt, const char *s)
{
	print_stringn(p, t, key, fmt, s, strlen(s));
}

/* Counters are u64; JSON integers here are signed 64-bit: they saturate. */
void print_u64(struct sisctl_print *p, enum print_type t, const char *key,
	       const char *fmt, uint64_t v)
{
	if (p->json && (t & PRINT_JSON))
		put(p, key, json_integer(v > INT64_MAX ? INT64_MAX :
					 (json_int_t)v));
	else if (!p->json && (t & PRINT_FP) && fmt)
		fprintf(p->f, fmt, v);
}

void print_uint(struct sisctl_print *p, enum print_type t, const char *key,
		const char *fmt, unsigned int v)
{
	if (p->json && (t & PRINT_JSON))
		put(p, key, json_integer(v));
	else if (!p->json && (t & PRINT_FP) && fmt)
		fprintf(p->f, fmt, v);
}

/* null in JSON; @text, as it is, in text. */
void print_null(struct sisctl_print *p, enum print_type t, const char *key,
		const char *text)
{
	if (p->json && (t & PRINT_JSON))
		put(p, key, json_null());
	else if (!p->json && (t & PRINT_FP) && text)
		fputs(text, p->f);
}

/* Bytes as lower-case hex digits. */
void print_hex(struct sisctl_print *p, enum print_type t, const char *key,
	       const char *fmt, const void *data, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *b = data;
	char *h;

	if (!print_wants(p, t))
		return;
	h = malloc(2 * n + 1);
	if (!h) {
		fail(p, -ENOMEM);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		h[2 * i] = digits[b[i] >> 4];
		h[2 * i + 1] = digits[b[i] & 15];
	}
	h[2 * n] = '\0';
	print_stringn(p, t & ~(PRINT_CLEAN | PRINT_ESCAPE), key, fmt, h, 2 * n);
	free(h);
}

/*
 * A device: in text its name, or ifINDEX without one; in JSON @key, the
 * name or null, then "ifindex".
 */
void print_dev(struct sisctl_print *p, enum print_type t, const char *key,
	       const char *fmt, const char *name, uint32_t ifindex)
{
	char buf[16];

	if (name) {
		print_string(p, t, key, fmt, name);
	} else {
		snprintf(buf, sizeof(buf), "if%u", ifindex);
		print_string(p, t & ~PRINT_JSON, NULL, fmt, buf);
		print_null(p, t & PRINT_JSON, key, NULL);
	}
	print_uint(p, t & PRINT_JSON, "ifindex", NULL, ifindex);
}

/* The tree built, for the caller to free; NULL after a failure. */
json_t *print_json_take(struct sisctl_print *p)
{
	json_t *j = p->root;

	while (p->depth)
		close_container(p);
	p->root = NULL;
	if (p->error) {
		json_decref(j);
		return NULL;
	}
	return j;
}

/*
 * The end of the output: JSON is dumped with @json_flags, on a line of its
 * own. 0, or the first failure (a negative errno).
 */
int print_end(struct sisctl_print *p, size_t json_flags)
{
	json_t *j;

	if (!p->json)
		return p->error;
	j = print_json_take(p);
	if (!j)
		return p->error ? p->error : -EINVAL;
	if (json_dumpf(j, p->f, json_flags) < 0) {
		json_decref(j);
		return -ENOMEM;
	}
	json_decref(j);
	fputc('\n', p->f);
	return 0;
}
