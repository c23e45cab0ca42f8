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
char *show_text_of(const struct sisctl_bridges *bl,
		   const struct sisctl_scanners *sl);
json_t *show_json_of(const struct sisctl_bridges *bl,
		     const struct sisctl_scanners *sl);

/* A SIS_CMD_GET_SCANNER dump message. */
struct cap_spec {
	const char *name;
	uint8_t dir, rights;
	const char *expr;
	uint64_t matches;
};

struct inject_spec {
	uint32_t id;
	uint8_t dir;
	uint32_t len;
	uint64_t sent;
	uint8_t kind;		/* enum sis_inject_kind */
};

struct sub_spec {
	uint32_t id;
	const char *cap;
	uint8_t rights;
	const char *expr;
	uint32_t snaplen;
	uint64_t matches;
};

struct scanner_spec {
	uint32_t ifindex;
	const char *name;
	uint32_t uid, timeout_ms, max_held, max_bytes, inject_rate;
	uint8_t fail, absent;
	bool attached;
	uint32_t pid;
	bool counters;		/* held and the counters, as newer kernels send */
	uint32_t held, held_bytes;
	struct sisctl_scanner_stats st;
	struct cap_spec caps[2];
	int ncaps;
	struct inject_spec injects[2];
	int ninjects;
	struct sub_spec subs[2];
	int nsubs;
};

/* "ids" on br0 (ifindex 5) over two messages, then "probe" on br1 (8). */
extern const struct scanner_spec scanner_example[3];

struct nl_msg *scanner_msg(const struct scanner_spec *s);
int merge_scanners(struct sisctl_scanners *l, const struct scanner_spec *s, int n);

/* A SIS_CMD_ALERT message of the "alerts" group. */
struct alert_spec {
	uint32_t ifindex;
	const char *scanner;
	bool has_time;
	uint64_t time_ns;
	const void *msg;
	size_t msg_len;
	bool has_frame;
	uint64_t frame;
	uint8_t dir;
	uint32_t len;
	const void *data;
	size_t data_len;
	uint64_t attach_id;	/* 0: no attachment announced */
	uint64_t attach_len;
};

struct nl_msg *alert_msg(const struct alert_spec *a);
/* A piece of attachment id (SIS_CMD_ALERT_DATA). */
struct nl_msg *piece_msg(uint64_t id, uint64_t off, const void *data,
			 size_t len);

/* A message of the "config" group: SIS_A_EVENT with what is set here. */
struct event_spec {
	uint8_t cmd;
	uint32_t ifindex;
	bool has_reason;	/* the kernel always sends it */
	uint8_t reason;
	const char *bridge, *port, *scanner, *cap;	/* NULL: not sent */
	bool has_id;
	uint32_t id;
	uint32_t pid;		/* 0: not sent */
};

struct nl_msg *event_msg(const struct event_spec *e);

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
