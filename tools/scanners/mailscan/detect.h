/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * What a decoded mail part is checked against: an MD5 list in ClamAV's
 * .hdb format (md5:size:name, the paper's table lookup) and libclamav,
 * each optional. Built once at start; checks are then read-only.
 */
#ifndef MAILSCAN_DETECT_H
#define MAILSCAN_DETECT_H

#include <stdbool.h>
#include <stddef.h>

/* Which engine found it (bits, for counters and alerts). */
#define MAIL_BY_MD5	0x1
#define MAIL_BY_CLAMAV	0x2

struct mail_detect_opts {
	const char *hdb;	/* an .hdb file, or NULL: no MD5 list */
	const char *clamav_db;	/* a ClamAV database directory, or NULL */
	size_t clamav_max_size;	/* libclamav's max scan/file size (0: its default) */
	/*
	 * A message in which no part was found infected is, when libclamav
	 * is on, also given whole to libclamav (its own MIME parser), in
	 * case it sees a part GMime did not. true turns that off (it costs
	 * a second pass over every clean message).
	 */
	bool no_raw_scan;
};

struct mail_detect;

/*
 * mail_detect_new - load the MD5 list and compile the ClamAV engine
 *
 *	Returns 0, or a negative errno with a human message in err (e.g.
 *	"sigs.hdb:3: md5 must be 32 hex digits").
 */
int mail_detect_new(const struct mail_detect_opts *o, struct mail_detect **dp,
		    char *err, size_t errlen);
void mail_detect_free(struct mail_detect *d);

/* How many MD5 entries, and ClamAV signatures, were loaded. */
size_t mail_detect_md5_count(const struct mail_detect *d);
unsigned int mail_detect_clamav_sigs(const struct mail_detect *d);

/*
 * mail_detect_check - check one decoded part
 *
 *	Returns 1 when infected (*virname set, valid until the next call on
 *	d; *by says which engine), 0 when clean, a negative errno when the
 *	check itself failed (err set).
 */
int mail_detect_check(struct mail_detect *d, const void *data, size_t len,
		      const char *filename, const char **virname,
		      unsigned int *by, char *err, size_t errlen);

/* Whether whole messages go to libclamav too (ClamAV on, no_raw_scan false). */
bool mail_detect_raw_scan(const struct mail_detect *d);

/*
 * mail_detect_check_raw - give a whole raw message to libclamav alone
 *
 *	Returns as mail_detect_check() (*by is then MAIL_BY_CLAMAV); 0 when
 *	libclamav is off.
 */
int mail_detect_check_raw(struct mail_detect *d, const void *msg, size_t len,
			  const char **virname, char *err, size_t errlen);

#endif /* MAILSCAN_DETECT_H */
