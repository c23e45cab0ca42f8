/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/* libsis internals, shared with its unit tests. */
#ifndef SIS_LIB_INTERNAL_H
#define SIS_LIB_INTERNAL_H

#include <stdint.h>
#include <sis/sis.h>

/* sis_nl_open() for any generic netlink family (tests use "nlctrl"). */
int sis_nl_open_family(struct sis_nl **nlp, const char *name, uint8_t version);

#endif
