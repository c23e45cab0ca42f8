// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/* TAP output and the unit test runner: exit 1 if any test failed. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	line(cond ? "ok" : "not ok", fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		nfailed++;
	fflush(stdout);
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

int main(void)
{
	qsort(suites, nsuites, sizeof(suites[0]), by_name);
	for (size_t i = 0; i < nsuites; i++) {
		tap_diag("%s", suites[i].name);
		suites[i].fn();
	}
	printf("1..%u\n", ntests);
	if (nfailed)
		tap_diag("%u of %u tests failed", nfailed, ntests);
	return nfailed ? 1 : 0;
}
