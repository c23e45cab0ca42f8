// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * mail-cost: what sis-mailscan's checks cost per message, outside the
 * datapath (scripts/mail-cost.sh runs it under callgrind).
 *
 *	mail-cost MAILDIR none|md5|clamav|clamav-noraw [HDB|CLAMAV_DB]
 *
 * Reads every message of MAILDIR/cur (LF line ends, as the bench's
 * mail-corpus.py writes them) into memory with CRLF line ends, as
 * sis-mailscan gets them from POP3, then gives each to
 * mail_message_scan() once, in name order, inside scan_all(): "none"
 * parses and decodes with GMime and checks nothing, "md5" looks each
 * decoded part up in the .hdb file HDB, "clamav" scans each part and the
 * whole message with libclamav (database directory CLAMAV_DB),
 * "clamav-noraw" each part only. Counting the instructions of scan_all()
 * alone (callgrind --toggle-collect=scan_all) leaves out reading the
 * files and compiling the engine. Prints the messages, the parts checked
 * and any message that was not clean.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "message.h"

struct msg {
	char *name;
	unsigned char *bytes;
	size_t len;
};

static struct msg *msgs;
static size_t nmsgs;

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct msg *)a)->name, ((const struct msg *)b)->name);
}

static void load(const char *maildir)
{
	char path[4096];
	struct dirent *e;
	size_t room = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/cur", maildir);
	d = opendir(path);
	if (!d) {
		fprintf(stderr, "mail-cost: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (nmsgs == room) {
			room = room ? 2 * room : 1024;
			msgs = realloc(msgs, room * sizeof(*msgs));
			if (!msgs)
				exit(1);
		}
		msgs[nmsgs++].name = strdup(e->d_name);
	}
	closedir(d);
	qsort(msgs, nmsgs, sizeof(*msgs), by_name);

	for (size_t i = 0; i < nmsgs; i++) {
		unsigned char *out;
		size_t n = 0;
		FILE *f;
		int c;

		snprintf(path, sizeof(path), "%s/cur/%s", maildir, msgs[i].name);
		f = fopen(path, "rb");
		if (!f || fseek(f, 0, SEEK_END)) {
			fprintf(stderr, "mail-cost: %s: %s\n", path, strerror(errno));
			exit(1);
		}
		out = malloc(2 * (size_t)ftell(f) + 1);
		if (!out)
			exit(1);
		rewind(f);
		while ((c = getc(f)) != EOF) {
			if (c == '\n')
				out[n++] = '\r';
			out[n++] = (unsigned char)c;
		}
		fclose(f);
		msgs[i].bytes = out;
		msgs[i].len = n;
	}
}

/* What callgrind counts: every message once. */
__attribute__((noinline)) static size_t scan_all(struct mail_detect *d)
{
	size_t parts = 0;

	for (size_t i = 0; i < nmsgs; i++) {
		struct mail_result r;
		int ret = mail_message_scan(d, msgs[i].bytes, msgs[i].len, &r);

		if (ret || r.status != MAIL_CLEAN)
			printf("%s: %s (%d): %s\n", msgs[i].name,
			       ret ? "error" : "not clean", ret, r.why);
		parts += r.parts;
		if (!ret)
			mail_result_free(&r);
	}
	return parts;
}

int main(int argc, char **argv)
{
	struct mail_detect_opts o = { .hdb = NULL };
	struct mail_detect *d;
	char err[256];
	size_t parts;

	if (argc < 3 || (strcmp(argv[2], "none") && argc < 4)) {
		fprintf(stderr, "usage: mail-cost MAILDIR none|md5|clamav|clamav-noraw [HDB|CLAMAV_DB]\n");
		return 2;
	}
	if (!strcmp(argv[2], "md5")) {
		o.hdb = argv[3];
	} else if (!strcmp(argv[2], "clamav") || !strcmp(argv[2], "clamav-noraw")) {
		o.clamav_db = argv[3];
		o.no_raw_scan = !strcmp(argv[2], "clamav-noraw");
	} else if (strcmp(argv[2], "none")) {
		fprintf(stderr, "mail-cost: %s: not none, md5, clamav or clamav-noraw\n", argv[2]);
		return 2;
	}
	load(argv[1]);
	if (mail_detect_new(&o, &d, err, sizeof(err))) {
		fprintf(stderr, "mail-cost: %s\n", err);
		return 1;
	}
	parts = scan_all(d);
	printf("%zu messages, %zu parts\n", nmsgs, parts);
	mail_detect_free(d);
	return 0;
}
