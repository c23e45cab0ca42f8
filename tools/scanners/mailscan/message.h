/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * One mail message, whole and dot-unstuffed (as the recipient stores it),
 * parsed with GMime: every leaf part is decoded and checked (detect.h),
 * and the infected ones are turned into edits of the message's bytes that
 * keep it valid MIME:
 *
 *  - a part of a multipart: its headers and body, from just after its
 *    boundary line to the CRLF before the next boundary (kept), are cut,
 *    and the block MAIL_BLOCK_PART (a text/plain part telling the
 *    recipient an infected attachment was removed) injected in their
 *    place;
 *  - the body of a message (the top-level one, or one embedded as
 *    message/rfc822) that is not a multipart: its Content-* header
 *    lines are cut, MAIL_BLOCK_HEADERS injected where the header block
 *    ends, and its body replaced by MAIL_BLOCK_BODY.
 *
 * Offsets are the message's, from 0; the caller maps them to the wire.
 */
#ifndef MAILSCAN_MESSAGE_H
#define MAILSCAN_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

struct mail_detect;

/* The stream injections the administrator registered (sis-mailscan-caps). */
enum mail_block {
	MAIL_BLOCK_PART,	/* a whole MIME part: headers, blank line, text */
	MAIL_BLOCK_HEADERS,	/* Content-Type etc. lines, each ending in CRLF */
	MAIL_BLOCK_BODY,	/* a text body ending in CRLF */
	MAIL_BLOCK_SPACE,	/* one space: the "250-" that must end an EHLO reply */
	MAIL_BLOCK_COUNT
};

enum mail_edit_op { MAIL_EDIT_CUT, MAIL_EDIT_INJECT };

/*
 * Edits come in the order of their offsets; an inject then a cut at one
 * offset replace the cut bytes by the block. Cuts never overlap, and
 * every cut starts at the start of a line and ends at the end of one
 * (before its CRLF, or after it), so that no dot-stuffed line is cut in
 * half.
 */
struct mail_edit {
	enum mail_edit_op op;
	size_t off;
	size_t len;			/* cut */
	enum mail_block block;		/* inject */
};

/* One infected part. */
struct mail_finding {
	char virus[128];
	char filename[256];		/* RFC 2231/2047 decoded, "" when none */
	char content_type[128];		/* type/subtype */
	unsigned int by;		/* MAIL_BY_MD5 | MAIL_BY_CLAMAV */
	size_t start, end;		/* what is replaced: [start, end) */
};

enum mail_status {
	MAIL_CLEAN,
	MAIL_INFECTED,		/* findings and edits set */
	MAIL_UNPARSEABLE,	/* why set: the bad-input policy applies */
	MAIL_ERROR,		/* a check failed (why set): same policy */
};

struct mail_result {
	enum mail_status status;
	size_t parts;			/* leaf parts checked */
	struct mail_finding *findings;
	size_t nfindings;
	struct mail_edit *edits;
	size_t nedits;
	char why[256];
};

/*
 * mail_message_scan - parse, check and plan the edits of one message
 *
 *	Fills *res (mail_result_free() it after); returns 0, or -ENOMEM.
 */
int mail_message_scan(struct mail_detect *d, const uint8_t *msg, size_t len,
		      struct mail_result *res);
void mail_result_free(struct mail_result *res);

#endif /* MAILSCAN_MESSAGE_H */
