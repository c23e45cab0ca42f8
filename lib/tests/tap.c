// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * TAP output and the unit test runner: exit 1 if any test failed.
 *
 *   unit-tests [-l] [GLOB...]   run (or list) the suites matching a GLOB
 */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

#define MAX_SUITES 256

static struct {
	const char *name;
	void (*fn)(void);
} suites[MAX_SUITES];
static size_t nsuites;
static unsigned int ntests, nfailed;

void tap_register(const char *name, void (*fn)(void))
{
	if (nsuites == MAX_SUITES) {
		fprintf(stderr, "tap: too many suites\n");
		exit(2);
	}
	suites[nsuites].name = name;
	suites[nsuites].fn = fn;
	nsuites++;
}

static void line(const char *status, const char *fmt, va_list ap)
{
	char name[512];

	vsnprintf(name, sizeof(name), fmt, ap);
	/* '#' would start a directive in the description. */
	for (char *p = name; *p; p++)
		if (*p == '#' || *p == '\n')
			*p = ' ';
	printf("%s %u - %s", status, ++ntests, name);
}

/* The result line; on failure, where the check is. */
static bool result(bool ok, const char *file, int line_no, const char *fmt,
		   va_list ap)
{
	line(ok ? "ok" : "not ok", fmt, ap);
	putchar('\n');
	if (!ok) {
		nfailed++;
		printf("#   at %s:%d\n", file, line_no);
	}
	return ok;
}

bool tap_check(const char *file, int line_no, const char *cond, bool ok,
	       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	result(ok, file, line_no, fmt, ap);
	va_end(ap);
	if (!ok)
		printf("#   wanted: %s\n", cond);
	fflush(stdout);
	return ok;
}

bool tap_check_eq(const char *file, int line_no, const char *expr, long long got,
		  long long want, const char *fmt, ...)
{
	bool ok = got == want;
	va_list ap;

	va_start(ap, fmt);
	result(ok, file, line_no, fmt, ap);
	va_end(ap);
	if (!ok)
		printf("#   %s: got %lld, want %lld\n", expr, got, want);
	fflush(stdout);
	return ok;
}

/* A string as a C literal would show it, or (null). */
static void quoted(const char *s)
{
	if (!s) {
		fputs("(null)", stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	putchar('"');
}

bool tap_check_str(const char *file, int line_no, const char *expr, const char *got,
		   const char *want, const char *fmt, ...)
{
	bool ok = got && want ? !strcmp(got, want) : got == want;
	va_list ap;

	va_start(ap, fmt);
	result(ok, file, line_no, fmt, ap);
	va_end(ap);
	if (!ok) {
		printf("#   %s: got ", expr);
		quoted(got);
		fputs(", want ", stdout);
		quoted(want);
		putchar('\n');
	}
	fflush(stdout);
	return ok;
}

void tap_skip(const char *reason, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	line("ok", fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", reason);
	fflush(stdout);
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool chosen(const char *name, int nglobs, char **globs)
{
	if (!nglobs)
		return true;
	for (int i = 0; i < nglobs; i++)
		if (!fnmatch(globs[i], name, 0))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	bool list = false;
	size_t ran = 0;
	int c;

	while ((c = getopt(argc, argv, "l")) != -1) {
		if (c != 'l') {
			fprintf(stderr, "usage: %s [-l] [SUITE-GLOB...]\n", argv[0]);
			return 2;
		}
		list = true;
	}
	argc -= optind;
	argv += optind;

	qsort(suites, nsuites, sizeof(suites[0]), by_name);
	for (size_t i = 0; i < nsuites; i++) {
		if (!chosen(suites[i].name, argc, argv))
			continue;
		ran++;
		if (list) {
			puts(suites[i].name);
			continue;
		}
		tap_diag("%s", suites[i].name);
		suites[i].fn();
	}
	if (list)
		return 0;
	if (!ran) {
		/* A glob that matches nothing is a mistake, not a pass. */
		printf("not ok 1 - a suite matches the names given\n1..1\n");
		return 1;
	}
	printf("1..%u\n", ntests);
	if (nfailed)
		tap_diag("%u of %u tests failed", nfailed, ntests);
	return nfailed ? 1 : 0;
}
