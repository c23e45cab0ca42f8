/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * The Code-Red scanner's policy for SYNs to addresses the host was never
 * told about ("random" connections), paper section 5.3, every number a
 * setting:
 *
 * - More than per_second unique random destinations within a second, or
 *   more than per_minute within a minute, start attack mode: an alert
 *   (the random destinations of the last minute and the latest port),
 *   then for attack_ms only one random SYN passes every
 *   pass_interval_ms; the others are held, their decision delayed (or
 *   cut, in drop mode).
 * - When attack mode ends the policy re-evaluates: still over a limit,
 *   it starts again with a new alert; else the SYNs still held pass.
 *
 * Held SYNs wait in arrival order; one passes whenever pass_interval_ms
 * has gone by since the last random SYN passed. A SYN retransmitted for a
 * connection already waiting replaces the held copy (which is cut) and
 * keeps its place. A held SYN whose connection was not retried for
 * max_hold_ms is cut: its sender gave up. A SYN to a destination that
 * becomes known (a DNS reply, or a SYN that passed as known) passes at
 * once.
 *
 * This file is pure logic over a clock in milliseconds: the decisions go
 * out through the callbacks of struct cr_policy_ops.
 */
#ifndef CODERED_POLICY_H
#define CODERED_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "table.h"

struct cr_policy_conf {
	unsigned int per_second;	/* 2 */
	unsigned int per_minute;	/* 10 */
	unsigned int attack_ms;		/* 60000 */
	unsigned int pass_interval_ms;	/* 6000 */
	unsigned int max_held;		/* 256 */
	unsigned int max_hold_ms;	/* 60000 */
	unsigned int max_recent;	/* 1024 random destinations remembered */
	bool drop;			/* attack mode cuts instead of holding */
};

#define CR_POLICY_DEFAULTS {						\
	.per_second = 2, .per_minute = 10, .attack_ms = 60000,		\
	.pass_interval_ms = 6000, .max_held = 256, .max_hold_ms = 60000,\
	.max_recent = 1024, .drop = false }

/* A SYN from the host. */
struct cr_syn {
	uint64_t num;		/* frame number, for the verdict */
	bool held;		/* contained: it waits for a verdict */
	struct cr_addr src, dst;
	uint16_t sport, dport;
};

enum cr_cut_reason {
	CR_CUT_DROP,		/* drop mode */
	CR_CUT_FULL,		/* max_held SYNs already held */
	CR_CUT_AGED,		/* held max_hold_ms without a retry */
	CR_CUT_SUPERSEDED,	/* a retransmission took its place */
	CR_CUT_REASONS
};

enum cr_pass_reason {
	CR_PASS_RANDOM,		/* a random SYN, within the rate */
	CR_PASS_RELEASED,	/* held, then its turn came */
	CR_PASS_RESOLVED,	/* held, then its destination became known */
	CR_PASS_ATTACK_OVER,	/* held when attack mode ended */
	CR_PASS_REASONS
};

struct cr_alert {
	unsigned int random_last_minute;
	uint16_t port;			/* of the latest random SYN */
	struct cr_addr dst;		/* its destination */
	uint64_t num;			/* its frame, if still held, else 0 */
	bool again;			/* attack mode continues */
};

struct cr_policy_ops {
	void (*pass)(void *ctx, uint64_t num, enum cr_pass_reason why);
	void (*cut)(void *ctx, uint64_t num, enum cr_cut_reason why);
	void (*alert)(void *ctx, const struct cr_alert *a);
	void (*attack_end)(void *ctx, uint64_t now_ms);
};

struct cr_recent;
struct cr_held;

struct cr_policy_stats {
	uint64_t random;		/* random SYNs seen */
	uint64_t passed[CR_PASS_REASONS];
	uint64_t cut[CR_CUT_REASONS];
	uint64_t held;			/* random SYNs held */
	uint64_t alerts;
	uint64_t attacks;		/* times attack mode started */
};

struct cr_policy {
	struct cr_policy_conf conf;
	struct cr_policy_ops ops;
	void *ctx;
	struct cr_recent *recent;
	struct cr_held *held;
	uint64_t attack_until;		/* 0: not in attack mode */
	uint64_t last_pass;		/* a random SYN last passed, or 0 */
	bool passed_any;
	uint16_t last_port;
	struct cr_addr last_dst;
	struct cr_policy_stats stats;
};

int cr_policy_init(struct cr_policy *p, const struct cr_policy_conf *c,
		   const struct cr_policy_ops *ops, void *ctx, uint64_t seed);
void cr_policy_free(struct cr_policy *p);

/* A SYN to an address in the DNS table: passed by the caller. */
void cr_policy_known_syn(struct cr_policy *p, const struct cr_syn *s);

/* A SYN to any other address. */
void cr_policy_random_syn(struct cr_policy *p, const struct cr_syn *s,
			  uint64_t now_ms);

/* The host was told about addr: its held SYNs pass. */
void cr_policy_resolved(struct cr_policy *p, const struct cr_addr *addr);

/* Due work: a held SYN's turn, aged ones, the end of attack mode. */
void cr_policy_tick(struct cr_policy *p, uint64_t now_ms);

/* When cr_policy_tick() has work next, or UINT64_MAX. */
uint64_t cr_policy_deadline(const struct cr_policy *p);

bool cr_policy_attacked(const struct cr_policy *p);
size_t cr_policy_held(const struct cr_policy *p);
/* Unique random destinations within the last window_ms (up to now_ms). */
unsigned int cr_policy_recent(struct cr_policy *p, uint64_t now_ms,
			      uint64_t window_ms);

/* Bytes of memory the policy holds. */
size_t cr_policy_bytes(const struct cr_policy *p);

#endif
