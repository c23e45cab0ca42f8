/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * Minimal TAP producer for the host unit tests. Each file registers its
 * suites with TAP_SUITE(name); the runner calls them sorted by name.
 */
#ifndef SIS_TAP_H
#define SIS_TAP_H

#include <stdbool.h>
#include <stddef.h>

void tap_ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
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
