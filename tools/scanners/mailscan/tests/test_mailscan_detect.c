// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/* The mail scanner's detectors: the .hdb MD5 list and libclamav. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "mailscan_fixtures.h"
#include "tap.h"

/* Loads text as an .hdb; returns mail_detect_new()'s value, err filled. */
static int load_hdb(const char *dir, const char *text, struct mail_detect **d,
		    char *err, size_t errlen)
{
	char *path = write_file(dir, "list.hdb", text);
	struct mail_detect_opts o = { .hdb = path };
	int ret;

	ret = mail_detect_new(&o, d, err, errlen);
	free(path);
	return ret;
}

static void expect_error(const char *dir, const char *text, const char *want,
			 const char *what)
{
	struct mail_detect *d = NULL;
	char err[256] = "", full[512];
	int ret = load_hdb(dir, text, &d, err, sizeof(err));

	snprintf(full, sizeof(full), "%s/list.hdb:%s", dir, want);
	tap_eq(ret, -EINVAL, "hdb: %s is refused", what);
	tap_streq(err, full, "hdb: %s: the error names file and line", what);
	tap_ok(!d, "hdb: %s: no detector", what);
}

TAP_SUITE(mailscan_detect_hdb)
{
	char *dir = make_tmpdir();
	struct mail_detect *d = NULL;
	const char *virname = NULL;
	unsigned int by = 0;
	char err[256] = "";
	struct buf t = { 0 };
	int ret;

	buf_printf(&t, "# a comment\n\n   \n%s:%zu:Test.EICAR\r\n"
		   "00112233445566778899AABBCCDDEEFF:*:Test.AnySize\n"
		   "0123456789abcdef0123456789abcdef:5:Test.Level:73:255\n",
		   eicar_md5(), eicar_len());
	ret = load_hdb(dir, t.p, &d, err, sizeof(err));
	tap_eq(ret, 0, "hdb: comments, blank lines, CRLF, * and levels load (%s)", err);
	if (!d)
		goto out;
	tap_eq(mail_detect_md5_count(d), 3, "hdb: three entries");
	tap_eq(mail_detect_clamav_sigs(d), 0, "hdb: no ClamAV signatures");
	tap_ok(!mail_detect_raw_scan(d), "hdb: no raw scan without libclamav");

	ret = mail_detect_check(d, eicar(), eicar_len(), "eicar.com", &virname,
				&by, err, sizeof(err));
	tap_eq(ret, 1, "hdb: EICAR is found by its MD5");
	tap_streq(virname, "Test.EICAR", "hdb: with its name");
	tap_eq(by, MAIL_BY_MD5, "hdb: by the MD5 list");
	ret = mail_detect_check(d, "hello", 5, NULL, &virname, &by, err, sizeof(err));
	tap_eq(ret, 0, "hdb: other content is clean");
	{
		/* The same digest with another size is not the listed file. */
		struct mail_detect *d2 = NULL;

		buf_free(&t);
		buf_printf(&t, "%s:%zu:Test.Wrong\n", eicar_md5(), eicar_len() + 1);
		tap_eq(load_hdb(dir, t.p, &d2, err, sizeof(err)), 0, "hdb: loads");
		ret = d2 ? mail_detect_check(d2, eicar(), eicar_len(), NULL, &virname,
					     &by, err, sizeof(err)) : -1;
		tap_eq(ret, 0, "hdb: a size that differs is no match");
		mail_detect_free(d2);

		buf_free(&t);
		buf_printf(&t, "%s:*:Test.Any\n", eicar_md5());
		tap_eq(load_hdb(dir, t.p, &d2, err, sizeof(err)), 0, "hdb: loads *");
		ret = d2 ? mail_detect_check(d2, eicar(), eicar_len(), NULL, &virname,
					     &by, err, sizeof(err)) : -1;
		tap_eq(ret, 1, "hdb: * matches any size");
		mail_detect_free(d2);
	}
	{
		/* Enough entries that the table grows several times. */
		struct mail_detect *d2 = NULL;

		buf_free(&t);
		for (int i = 0; i < 1000; i++)
			buf_printf(&t, "%032x:%d:Test.N%d\n", i, i, i);
		buf_printf(&t, "%s:%zu:Test.Last\n", eicar_md5(), eicar_len());
		tap_eq(load_hdb(dir, t.p, &d2, err, sizeof(err)), 0, "hdb: 1001 entries");
		tap_eq(d2 ? mail_detect_md5_count(d2) : 0, 1001, "hdb: all counted");
		ret = d2 ? mail_detect_check(d2, eicar(), eicar_len(), NULL, &virname,
					     &by, err, sizeof(err)) : -1;
		tap_ok(ret == 1 && !strcmp(virname, "Test.Last"),
		       "hdb: found after the table grew");
		mail_detect_free(d2);
	}
	mail_detect_free(d);

	expect_error(dir, "# ok\n0123:5:X\n", "2: md5 must be 32 hex digits",
		     "a short md5");
	expect_error(dir, "0123456789abcdef0123456789abcdeg:5:X\n",
		     "1: md5 must be 32 hex digits", "a non-hex md5");
	expect_error(dir, "\n0123456789abcdef0123456789abcdef:5x:X\n",
		     "2: size must be a number or *", "a bad size");
	expect_error(dir, "0123456789abcdef0123456789abcdef::X\n",
		     "1: size must be a number or *", "an empty size");
	expect_error(dir, "0123456789abcdef0123456789abcdef:5\n",
		     "1: expected md5:size:name", "a missing name field");
	expect_error(dir, "0123456789abcdef0123456789abcdef\n",
		     "1: expected md5:size:name", "a bare md5");
	expect_error(dir, "0123456789abcdef0123456789abcdef:5:\n",
		     "1: the name is empty", "an empty name");
	expect_error(dir, "0123456789abcdef0123456789abcdef:5:X:new\n",
		     "1: fields after the name must be functionality levels",
		     "a bad level");
	{
		struct mail_detect_opts o = { .hdb = "/nonexistent/x.hdb" };

		ret = mail_detect_new(&o, &d, err, sizeof(err));
		tap_eq(ret, -ENOENT, "hdb: a missing file is -ENOENT");
		tap_streq(err, "/nonexistent/x.hdb: No such file or directory",
			  "hdb: the error names the file");
	}
out:
	buf_free(&t);
	rm_tmpdir(dir);
}

TAP_SUITE(mailscan_detect_clamav)
{
	char *dir = make_tmpdir();
	struct mail_detect *d = eicar_detector(dir, 0, 1, 1), *both;
	const char *virname = NULL;
	unsigned int by = 0;
	char err[256] = "";
	struct buf zip = { 0 };
	int ret;

	tap_ok(d, "clamav: an .ndb database directory loads");
	if (!d)
		goto out;
	tap_eq(mail_detect_clamav_sigs(d), 1, "clamav: one signature");
	tap_eq(mail_detect_md5_count(d), 0, "clamav: no MD5 list");
	tap_ok(mail_detect_raw_scan(d), "clamav: raw scans on by default");
	ret = mail_detect_check(d, eicar(), eicar_len(), "eicar.com", &virname,
				&by, err, sizeof(err));
	tap_eq(ret, 1, "clamav: EICAR found (%s)", err);
	tap_ok(virname && !strncmp(virname, "Test.EICAR-Pattern", 18),
	       "clamav: by the pattern (%s)", virname ? virname : "-");
	tap_eq(by, MAIL_BY_CLAMAV, "clamav: by libclamav");

	zip_stored(&zip, "eicar.com", eicar(), eicar_len());
	ret = mail_detect_check(d, zip.p, zip.len, "eicar.zip", &virname, &by,
				err, sizeof(err));
	tap_eq(ret, 1, "clamav: EICAR in a zip is found (archives unpacked)");
	ret = mail_detect_check(d, "hello", 5, NULL, &virname, &by, err, sizeof(err));
	tap_eq(ret, 0, "clamav: other content is clean");
	ret = mail_detect_check(d, "", 0, NULL, &virname, &by, err, sizeof(err));
	tap_eq(ret, 0, "clamav: an empty part is clean");
	ret = mail_detect_check_raw(d, eicar(), eicar_len(), &virname, err, sizeof(err));
	tap_eq(ret, 1, "clamav: a raw check finds it too");
	mail_detect_free(d);

	{
		/* Both engines: the cheaper MD5 list answers first. */
		char *sub;

		if (asprintf(&sub, "%s/db", dir) < 0)
			abort();
		{
			char *hdb = write_file(dir, "both.hdb", "");
			struct buf t = { 0 };
			struct mail_detect_opts o = { .hdb = hdb, .clamav_db = sub };
			FILE *f = fopen(hdb, "w");

			buf_printf(&t, "%s:%zu:Test.EICAR-MD5\n", eicar_md5(), eicar_len());
			fputs(t.p, f);
			fclose(f);
			ret = mail_detect_new(&o, &both, err, sizeof(err));
			tap_eq(ret, 0, "both: loads (%s)", err);
			if (!ret) {
				ret = mail_detect_check(both, eicar(), eicar_len(), NULL,
							&virname, &by, err, sizeof(err));
				tap_ok(ret == 1 && by == MAIL_BY_MD5 &&
				       !strcmp(virname, "Test.EICAR-MD5"),
				       "both: the MD5 list reports first");
				ret = mail_detect_check(both, zip.p, zip.len, NULL,
							&virname, &by, err, sizeof(err));
				tap_ok(ret == 1 && by == MAIL_BY_CLAMAV,
				       "both: libclamav finds the zip the list misses");
				mail_detect_free(both);
			}
			buf_free(&t);
			free(hdb);
		}
		free(sub);
	}
	{
		struct mail_detect_opts o = { .clamav_db = "/nonexistent-db" };

		ret = mail_detect_new(&o, &d, err, sizeof(err));
		tap_ok(ret < 0 && !d && !strncmp(err, "/nonexistent-db: ", 17),
		       "clamav: a missing database is an error naming it (%s)", err);
	}
	{
		struct mail_detect_opts o = { .clamav_db = NULL, .hdb = NULL };

		ret = mail_detect_new(&o, &d, err, sizeof(err));
		tap_ok(!ret && d, "neither: a detector that finds nothing");
		if (d) {
			ret = mail_detect_check(d, eicar(), eicar_len(), NULL,
						&virname, &by, err, sizeof(err));
			tap_eq(ret, 0, "neither: EICAR passes");
			tap_ok(!mail_detect_raw_scan(d), "neither: no raw scan");
			mail_detect_free(d);
		}
	}
out:
	buf_free(&zip);
	rm_tmpdir(dir);
}
