/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * Minimal TAP producer for the host unit tests. Each file registers its
 * suites with TAP_SUITE(name); the runner calls them sorted by name, or
 * only those whose names match its arguments (shell globs; -l lists them).
 *
 * A failing check says where it is and what it wanted: tap_ok() the
 * condition as written, tap_eq() and tap_streq() also the value they got.
 */
#ifndef SIS_TAP_H
#define SIS_TAP_H

#include <stdbool.h>
#include <stddef.h>

#define tap_ok(cond, ...)						\
	tap_check(__FILE__, __LINE__, #cond, !!(cond), __VA_ARGS__)
#define tap_eq(got, want, ...)						\
	tap_check_eq(__FILE__, __LINE__, #got, (long long)(got),	\
		     (long long)(want), __VA_ARGS__)
#define tap_streq(got, want, ...)					\
	tap_check_str(__FILE__, __LINE__, #got, (got), (want), __VA_ARGS__)

bool tap_check(const char *file, int line, const char *cond, bool ok,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
bool tap_check_eq(const char *file, int line, const char *expr, long long got,
		  long long want, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
bool tap_check_str(const char *file, int line, const char *expr, const char *got,
		   const char *want, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void tap_skip(const char *reason, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tap_register(const char *name, void (*fn)(void));

#define TAP_SUITE(name)							\
	static void suite_##name(void);					\
	__attribute__((constructor)) static void register_##name(void)	\
	{								\
		tap_register(#name, suite_##name);			\
	}								\
	static void suite_##name(void)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
