/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the sisctl unit tests: kernel-like messages, a fake libsis. */
#ifndef SISCTL_TEST_FIXTURES_H
#define SISCTL_TEST_FIXTURES_H

#include "sisctl.h"

#define FAKE_FAMILY 0x42

struct rule_spec {
	uint32_t id;
	uint8_t dir;
	const char *expr;
	uint64_t matches, bytes;
};

struct msg_spec {
	uint32_t ifindex;
	bool full;		/* names, ports and stats, as in a first message */
	const char *name, *host, *net;
	uint32_t host_ifindex, net_ifindex;
	struct sisctl_stats in, out;
	struct rule_spec rules[3];
	int nrules;
};

/* br0 of the documentation split over three messages, then br1. */
extern const struct msg_spec example[4];

struct nl_msg *dump_msg(const struct msg_spec *m);
int merge_all(struct sisctl_bridges *l, const struct msg_spec *m, int n);

/*
 * The fake libsis (fake_sis.c): while fake.on, sis_nl_open, sis_nl_msg,
 * sis_nl_request, sis_nl_dump and sis_nl_close of the sisctl code are
 * served from this script instead of the kernel (the unit test binary is
 * linked with --wrap for them).
 */
#define FAKE_MAX 4

struct fake_call {
	int error;
	const char *extack;
	struct nl_msg *replies[FAKE_MAX];	/* freed by fake_reset() */
	int nreplies;
};

struct fake {
	bool on;
	int open_error;
	struct fake_call calls[FAKE_MAX];
	int ncalls;			/* scripted calls */
	int next;			/* calls made */
	struct nl_msg *sent[FAKE_MAX];	/* copies of the requests */
	int opened, closed;
};

extern struct fake fake;

void fake_start(void);
void fake_reset(void);

/* Run a subcommand with stdout and stderr captured. */
struct run {
	int ret;
	char *out, *err;
};

void run_cmd(struct run *r, const struct sisctl *o, int argc, const char **argv);
void run_free(struct run *r);

#endif
