/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * What the mail scanner's tests build their messages and databases from:
 * EICAR made at run time, encoders, a stored zip, temporary .hdb files and
 * ClamAV database directories, and the edits applied as the kernel would.
 */
#ifndef MAILSCAN_FIXTURES_H
#define MAILSCAN_FIXTURES_H

#include <stddef.h>
#include <stdint.h>

#include "detect.h"
#include "message.h"

/* A growing string; every helper aborts on out of memory. */
struct buf {
	char *p;
	size_t len, cap;
};

void buf_add(struct buf *b, const void *data, size_t len);
void buf_str(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_free(struct buf *b);

/* The EICAR test file (68 bytes), assembled so no copy of it is in the source. */
const char *eicar(void);
size_t eicar_len(void);
/* Its MD5, as 32 lower-case hex digits. */
const char *eicar_md5(void);

/* Encoders; eol is "\r\n" or "\n". */
void enc_base64(struct buf *b, const void *data, size_t len, const char *eol);
void enc_qp(struct buf *b, const void *data, size_t len, const char *eol);
void enc_uu(struct buf *b, const char *name, const void *data, size_t len,
	    const char *eol);
/* A zip archive holding one file, stored (not compressed). */
void zip_stored(struct buf *b, const char *name, const void *data, size_t len);

/* A directory of its own under TMPDIR, removed (with its files) by rm_tmpdir. */
char *make_tmpdir(void);
void rm_tmpdir(char *dir);
/* dir/name with the given text; returns the path (free it). */
char *write_file(const char *dir, const char *name, const char *text);

/* A detector with an .hdb of EICAR's MD5 and/or a ClamAV db with its pattern. */
struct mail_detect *eicar_detector(const char *dir, int md5, int clamav, int raw_scan);

/* The injection texts a scanner's administrator would register. */
extern const char *const test_blocks[MAIL_BLOCK_COUNT];

/* msg with res's edits applied (blocks from test_blocks). */
void apply_edits(struct buf *out, const char *msg, size_t len,
		 const struct mail_result *res);

/* Converts every "\r\n" of s to eol ("\n" for LF-only messages). */
void set_eol(struct buf *b, const char *s, const char *eol);

#endif
