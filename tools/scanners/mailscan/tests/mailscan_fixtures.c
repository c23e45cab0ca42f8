// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/* The mail scanner tests' fixtures (mailscan_fixtures.h). */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "mailscan_fixtures.h"

void buf_add(struct buf *b, const void *data, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		size_t n = (b->len + len + 1) * 2;

		b->p = realloc(b->p, n);
		if (!b->p)
			abort();
		b->cap = n;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';
}

void buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	buf_add(b, s, n);
	free(s);
}

void buf_free(struct buf *b)
{
	free(b->p);
	*b = (struct buf){ 0 };
}

const char *eicar(void)
{
	static char s[80];

	/* Two halves, so that no scanner flags this source or its object. */
	if (!s[0])
		snprintf(s, sizeof(s), "%s%s", "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR",
			 "-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*");
	return s;
}

size_t eicar_len(void)
{
	return strlen(eicar());
}

const char *eicar_md5(void)
{
	static char hex[33];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n;

	if (!hex[0]) {
		if (!EVP_Digest(eicar(), eicar_len(), md, &n, EVP_md5(), NULL))
			abort();
		for (unsigned int i = 0; i < n; i++)
			sprintf(hex + 2 * i, "%02x", md[i]);
	}
	return hex;
}

void enc_base64(struct buf *b, const void *data, size_t len, const char *eol)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = data;
	size_t col = 0;

	for (size_t i = 0; i < len; i += 3) {
		unsigned int v = p[i] << 16;
		char q[4];

		if (i + 1 < len)
			v |= p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		q[0] = tab[v >> 18 & 63];
		q[1] = tab[v >> 12 & 63];
		q[2] = i + 1 < len ? tab[v >> 6 & 63] : '=';
		q[3] = i + 2 < len ? tab[v & 63] : '=';
		buf_add(b, q, 4);
		col += 4;
		if (col >= 76) {
			buf_str(b, eol);
			col = 0;
		}
	}
	if (col)
		buf_str(b, eol);
}

void enc_qp(struct buf *b, const void *data, size_t len, const char *eol)
{
	const unsigned char *p = data;
	size_t col = 0;

	/* Everything but letters and digits encoded: the decoder must work. */
	for (size_t i = 0; i < len; i++) {
		if (col > 70) {
			buf_printf(b, "=%s", eol);
			col = 0;
		}
		if ((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9')) {
			buf_add(b, &p[i], 1);
			col++;
		} else {
			buf_printf(b, "=%02X", p[i]);
			col += 3;
		}
	}
	buf_str(b, eol);
}

void enc_uu(struct buf *b, const char *name, const void *data, size_t len,
	    const char *eol)
{
	const unsigned char *p = data;

	buf_printf(b, "begin 644 %s%s", name, eol);
	for (size_t i = 0; i < len; i += 45) {
		size_t n = len - i < 45 ? len - i : 45;
		char c = n + 32;

		buf_add(b, &c, 1);
		for (size_t j = 0; j < n; j += 3) {
			unsigned char t[3] = { p[i + j], 0, 0 };
			char q[4];

			if (j + 1 < n)
				t[1] = p[i + j + 1];
			if (j + 2 < n)
				t[2] = p[i + j + 2];
			q[0] = t[0] >> 2;
			q[1] = (t[0] << 4 | t[1] >> 4) & 63;
			q[2] = (t[1] << 2 | t[2] >> 6) & 63;
			q[3] = t[2] & 63;
			for (int k = 0; k < 4; k++)
				q[k] = q[k] ? q[k] + 32 : '`';
			buf_add(b, q, 4);
		}
		buf_str(b, eol);
	}
	buf_printf(b, "`%send%s", eol, eol);
}

static uint32_t crc32(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t c = 0xffffffff;

	for (size_t i = 0; i < len; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xedb88320 : c >> 1;
	}
	return ~c;
}

static void le16(struct buf *b, unsigned int v)
{
	unsigned char x[2] = { v, v >> 8 };

	buf_add(b, x, 2);
}

static void le32(struct buf *b, uint32_t v)
{
	le16(b, v & 0xffff);
	le16(b, v >> 16);
}

void zip_stored(struct buf *b, const char *name, const void *data, size_t len)
{
	uint32_t crc = crc32(data, len);
	size_t nl = strlen(name), cd;

	/* local file header, then the data */
	le32(b, 0x04034b50);
	le16(b, 10);
	le16(b, 0);
	le16(b, 0);		/* stored */
	le16(b, 0);
	le16(b, 0x21);		/* 1980-01-01 */
	le32(b, crc);
	le32(b, len);
	le32(b, len);
	le16(b, nl);
	le16(b, 0);
	buf_add(b, name, nl);
	buf_add(b, data, len);
	/* central directory */
	cd = b->len;
	le32(b, 0x02014b50);
	le16(b, 20);
	le16(b, 10);
	le16(b, 0);
	le16(b, 0);
	le16(b, 0);
	le16(b, 0x21);
	le32(b, crc);
	le32(b, len);
	le32(b, len);
	le16(b, nl);
	le16(b, 0);
	le16(b, 0);
	le16(b, 0);
	le16(b, 0);
	le32(b, 0);
	le32(b, 0);		/* the local header's offset */
	buf_add(b, name, nl);
	/* end of central directory */
	le32(b, 0x06054b50);
	le16(b, 0);
	le16(b, 0);
	le16(b, 1);
	le16(b, 1);
	le32(b, b->len - cd);
	le32(b, cd);
	le16(b, 0);
}

char *make_tmpdir(void)
{
	const char *t = getenv("TMPDIR");
	char *dir;

	if (asprintf(&dir, "%s/mailscan-test.XXXXXX", t && *t ? t : "/tmp") < 0 ||
	    !mkdtemp(dir))
		abort();
	return dir;
}

static void rm_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char *p;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (asprintf(&p, "%s/%s", dir, e->d_name) < 0)
			abort();
		if (e->d_type == DT_DIR)
			rm_tree(p);
		else
			unlink(p);
		free(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

void rm_tmpdir(char *dir)
{
	rm_tree(dir);
	free(dir);
}

char *write_file(const char *dir, const char *name, const char *text)
{
	char *p;
	FILE *f;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		abort();
	f = fopen(p, "w");
	if (!f || fputs(text, f) < 0 || fclose(f))
		abort();
	return p;
}

struct mail_detect *eicar_detector(const char *dir, int md5, int clamav, int raw_scan)
{
	struct mail_detect_opts o = { .no_raw_scan = !raw_scan };
	struct mail_detect *d;
	char *hdb = NULL, *ndbdir = NULL, err[256];
	struct buf t = { 0 };

	if (md5) {
		buf_printf(&t, "# EICAR, whole\n%s:%zu:Test.EICAR-MD5\n", eicar_md5(),
			   eicar_len());
		hdb = write_file(dir, "test.hdb", t.p);
		o.hdb = hdb;
	}
	if (clamav) {
		char *sub, *f;

		buf_free(&t);
		buf_str(&t, "Test.EICAR-Pattern:0:*:");
		for (const char *p = eicar(); *p; p++)
			buf_printf(&t, "%02x", (unsigned char)*p);
		buf_str(&t, "\n");
		/* A directory of its own: cl_load() reads every database in it. */
		if (asprintf(&sub, "%s/db", dir) < 0 || mkdir(sub, 0700))
			abort();
		f = write_file(sub, "test.ndb", t.p);
		free(f);
		ndbdir = sub;
		o.clamav_db = ndbdir;
	}
	if (mail_detect_new(&o, &d, err, sizeof(err))) {
		fprintf(stderr, "eicar_detector: %s\n", err);
		d = NULL;
	}
	buf_free(&t);
	free(hdb);
	free(ndbdir);
	return d;
}

const char *const test_blocks[MAIL_BLOCK_COUNT] = {
	[MAIL_BLOCK_PART] = "Content-Type: text/plain; charset=us-ascii\r\n"
			    "\r\n"
			    "An infected attachment was removed.\r\n",
	[MAIL_BLOCK_HEADERS] = "Content-Type: text/plain; charset=us-ascii\r\n"
			       "Content-Transfer-Encoding: 7bit\r\n",
	[MAIL_BLOCK_BODY] = "This message was infected; its body was removed.\r\n",
};

void apply_edits(struct buf *out, const char *msg, size_t len,
		 const struct mail_result *res)
{
	size_t pos = 0;

	for (size_t i = 0; i < res->nedits; i++) {
		const struct mail_edit *e = &res->edits[i];

		if (e->off < pos || e->off > len)
			abort();	/* the tests check the order first */
		buf_add(out, msg + pos, e->off - pos);
		pos = e->off;
		if (e->op == MAIL_EDIT_INJECT)
			buf_str(out, test_blocks[e->block]);
		else
			pos += e->len;
	}
	buf_add(out, msg + pos, len - pos);
}

void set_eol(struct buf *b, const char *s, const char *eol)
{
	for (; *s; s++) {
		if (s[0] == '\r' && s[1] == '\n') {
			buf_str(b, eol);
			s++;
		} else {
			buf_add(b, s, 1);
		}
	}
}
