// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * The random-connection policy (policy.h).
 *
 * Random destinations are remembered in a list ordered by the time each
 * was last seen (moved to the tail when seen again), with a chained hash
 * to find them: counting the unique ones of the last second walks back
 * from the tail, those of the last minute are the list once older ones
 * are pruned from its head. Held SYNs are an array in arrival order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

#define MINUTE_MS	60000
#define SECOND_MS	1000
#define NIL		(-1)

struct recent_entry {
	struct cr_addr addr;
	uint64_t last;
	int32_t prev, next, hnext;
};

struct cr_recent {
	struct recent_entry *e;
	int32_t *bucket;
	uint32_t cap, nbuckets, used;
	uint32_t high;		/* entries ever used: the rest untouched */
	int32_t head, tail, free;
	uint64_t seed;
};

struct held_syn {
	uint64_t num;
	uint64_t arrived;	/* of the latest copy */
	struct cr_addr src, dst;
	uint16_t sport, dport;
};

struct cr_held {
	struct held_syn *s;
	uint32_t cap, n;
};

static uint32_t addr_hash(const struct cr_recent *r, const struct cr_addr *a)
{
	uint64_t h = r->seed ^ a->family;

	for (int i = 0; i < 16; i += 4) {
		uint32_t w;

		memcpy(&w, a->a + i, sizeof(w));
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	return (uint32_t)(h % r->nbuckets);
}

static bool addr_eq(const struct cr_addr *a, const struct cr_addr *b)
{
	return a->family == b->family && !memcmp(a->a, b->a, 16);
}

static struct cr_recent *recent_new(uint32_t cap, uint64_t seed)
{
	struct cr_recent *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->cap = cap;
	r->nbuckets = cap;
	r->e = calloc(cap, sizeof(*r->e));
	r->bucket = malloc(cap * sizeof(*r->bucket));
	if (!r->e || !r->bucket) {
		free(r->e);
		free(r->bucket);
		free(r);
		return NULL;
	}
	for (uint32_t i = 0; i < cap; i++)
		r->bucket[i] = NIL;
	r->free = NIL;
	r->head = r->tail = NIL;
	r->seed = seed;
	return r;
}

static void recent_unlink(struct cr_recent *r, int32_t i)
{
	struct recent_entry *e = &r->e[i];

	if (e->prev != NIL)
		r->e[e->prev].next = e->next;
	else
		r->head = e->next;
	if (e->next != NIL)
		r->e[e->next].prev = e->prev;
	else
		r->tail = e->prev;
}

static void recent_append(struct cr_recent *r, int32_t i)
{
	r->e[i].prev = r->tail;
	r->e[i].next = NIL;
	if (r->tail != NIL)
		r->e[r->tail].next = i;
	else
		r->head = i;
	r->tail = i;
}

/* Drop entry i (the head): out of its hash chain and onto the free list. */
static void recent_drop(struct cr_recent *r, int32_t i)
{
	int32_t *pp = &r->bucket[addr_hash(r, &r->e[i].addr)];

	while (*pp != i)
		pp = &r->e[*pp].hnext;
	*pp = r->e[i].hnext;
	recent_unlink(r, i);
	r->e[i].next = r->free;
	r->free = i;
	r->used--;
}

static void recent_prune(struct cr_recent *r, uint64_t now)
{
	while (r->head != NIL && r->e[r->head].last + MINUTE_MS <= now)
		recent_drop(r, r->head);
}

static void recent_note(struct cr_recent *r, const struct cr_addr *a,
			uint64_t now)
{
	uint32_t b = addr_hash(r, a);
	int32_t i;

	for (i = r->bucket[b]; i != NIL; i = r->e[i].hnext)
		if (addr_eq(&r->e[i].addr, a))
			break;
	if (i != NIL) {
		recent_unlink(r, i);
	} else {
		/* Full: forget the destination seen longest ago. */
		if (r->free == NIL && r->high == r->cap)
			recent_drop(r, r->head);
		if (r->free != NIL) {
			i = r->free;
			r->free = r->e[i].next;
		} else {
			i = (int32_t)r->high++;
		}
		r->e[i].addr = *a;
		r->e[i].hnext = r->bucket[b];
		r->bucket[b] = i;
		r->used++;
	}
	r->e[i].last = now;
	recent_append(r, i);
}

/* Unique destinations seen after now - window, counting up to limit. */
static unsigned int recent_count(const struct cr_recent *r, uint64_t now,
				 uint64_t window, unsigned int limit)
{
	unsigned int n = 0;

	for (int32_t i = r->tail; i != NIL && n < limit; i = r->e[i].prev) {
		if (r->e[i].last + window <= now)
			break;
		n++;
	}
	return n;
}

int cr_policy_init(struct cr_policy *p, const struct cr_policy_conf *c,
		   const struct cr_policy_ops *ops, void *ctx, uint64_t seed)
{
	memset(p, 0, sizeof(*p));
	p->conf = *c;
	if (!p->conf.max_recent)
		p->conf.max_recent = 1;
	p->ops = *ops;
	p->ctx = ctx;
	p->recent = recent_new(p->conf.max_recent, seed);
	p->held = calloc(1, sizeof(*p->held));
	if (p->held && p->conf.max_held) {
		p->held->cap = p->conf.max_held;
		p->held->s = calloc(p->held->cap, sizeof(*p->held->s));
	}
	if (!p->recent || !p->held || (p->conf.max_held && !p->held->s)) {
		cr_policy_free(p);
		return -ENOMEM;
	}
	return 0;
}

void cr_policy_free(struct cr_policy *p)
{
	if (p->recent) {
		free(p->recent->e);
		free(p->recent->bucket);
		free(p->recent);
	}
	if (p->held)
		free(p->held->s);
	free(p->held);
	p->recent = NULL;
	p->held = NULL;
}

static void held_remove(struct cr_held *h, uint32_t i)
{
	memmove(&h->s[i], &h->s[i + 1], (h->n - i - 1) * sizeof(h->s[0]));
	h->n--;
}

static void do_pass(struct cr_policy *p, uint64_t num, enum cr_pass_reason why)
{
	p->stats.passed[why]++;
	p->ops.pass(p->ctx, num, why);
}

static void do_cut(struct cr_policy *p, uint64_t num, enum cr_cut_reason why)
{
	p->stats.cut[why]++;
	p->ops.cut(p->ctx, num, why);
}

static bool same_conn(const struct held_syn *h, const struct cr_syn *s)
{
	return h->sport == s->sport && h->dport == s->dport &&
	       addr_eq(&h->src, &s->src) && addr_eq(&h->dst, &s->dst);
}

/* A held copy of s's connection, or -1. */
static int held_find(const struct cr_held *h, const struct cr_syn *s)
{
	for (uint32_t i = 0; i < h->n; i++)
		if (same_conn(&h->s[i], s))
			return (int)i;
	return -1;
}

void cr_policy_known_syn(struct cr_policy *p, const struct cr_syn *s)
{
	int i = held_find(p->held, s);

	/* The held copy's destination became known meanwhile. */
	if (i >= 0) {
		uint64_t num = p->held->s[i].num;

		held_remove(p->held, i);
		do_cut(p, num, CR_CUT_SUPERSEDED);
	}
}

static void alert(struct cr_policy *p, uint64_t now, uint64_t num, bool again)
{
	struct cr_alert a = {
		.random_last_minute = cr_policy_recent(p, now, MINUTE_MS),
		.port = p->last_port,
		.dst = p->last_dst,
		.num = num,
		.again = again,
	};

	p->stats.alerts++;
	p->ops.alert(p->ctx, &a);
}

static bool over_limits(struct cr_policy *p, uint64_t now)
{
	recent_prune(p->recent, now);
	return p->recent->used > p->conf.per_minute ||
	       recent_count(p->recent, now, SECOND_MS,
			    p->conf.per_second + 1) > p->conf.per_second;
}

static bool turn_due(const struct cr_policy *p, uint64_t now)
{
	return !p->passed_any || now >= p->last_pass + p->conf.pass_interval_ms;
}

static void pass_random(struct cr_policy *p, uint64_t num, uint64_t now,
			enum cr_pass_reason why)
{
	p->last_pass = now;
	p->passed_any = true;
	do_pass(p, num, why);
}

void cr_policy_random_syn(struct cr_policy *p, const struct cr_syn *s,
			  uint64_t now)
{
	struct cr_held *h = p->held;
	int i;

	p->stats.random++;
	p->last_port = s->dport;
	p->last_dst = s->dst;
	recent_note(p->recent, &s->dst, now);

	if (!p->attack_until && over_limits(p, now)) {
		p->attack_until = now + p->conf.attack_ms;
		p->stats.attacks++;
		alert(p, now, s->held ? s->num : 0, false);
	}
	if (!s->held)
		return;		/* read-only: counted, nothing to decide */
	if (!p->attack_until) {
		pass_random(p, s->num, now, CR_PASS_RANDOM);
		return;
	}

	i = held_find(h, s);
	if (i >= 0) {
		/* A retransmission: it takes the held copy's place. */
		uint64_t old = h->s[i].num;

		h->s[i].num = s->num;
		h->s[i].arrived = now;
		do_cut(p, old, CR_CUT_SUPERSEDED);
		return;
	}
	if (!h->n && turn_due(p, now)) {
		pass_random(p, s->num, now, CR_PASS_RANDOM);
		return;
	}
	if (p->conf.drop) {
		do_cut(p, s->num, CR_CUT_DROP);
		return;
	}
	if (h->n == h->cap) {
		do_cut(p, s->num, CR_CUT_FULL);
		return;
	}
	h->s[h->n++] = (struct held_syn){
		.num = s->num, .arrived = now, .src = s->src, .dst = s->dst,
		.sport = s->sport, .dport = s->dport,
	};
	p->stats.held++;
}

void cr_policy_resolved(struct cr_policy *p, const struct cr_addr *addr)
{
	struct cr_held *h = p->held;

	for (uint32_t i = 0; i < h->n;) {
		if (addr_eq(&h->s[i].dst, addr)) {
			uint64_t num = h->s[i].num;

			held_remove(h, i);
			do_pass(p, num, CR_PASS_RESOLVED);
		} else {
			i++;
		}
	}
}

void cr_policy_tick(struct cr_policy *p, uint64_t now)
{
	struct cr_held *h = p->held;

	for (uint32_t i = 0; i < h->n;) {
		if (h->s[i].arrived + p->conf.max_hold_ms <= now) {
			uint64_t num = h->s[i].num;

			held_remove(h, i);
			do_cut(p, num, CR_CUT_AGED);
		} else {
			i++;
		}
	}
	if (p->attack_until && now >= p->attack_until) {
		if (over_limits(p, now)) {
			p->attack_until = now + p->conf.attack_ms;
			p->stats.attacks++;
			alert(p, now, 0, true);
		} else {
			p->attack_until = 0;
			while (h->n) {
				uint64_t num = h->s[0].num;

				held_remove(h, 0);
				do_pass(p, num, CR_PASS_ATTACK_OVER);
			}
			if (p->ops.attack_end)
				p->ops.attack_end(p->ctx, now);
		}
	}
	if (h->n && turn_due(p, now)) {
		uint64_t num = h->s[0].num;

		held_remove(h, 0);
		pass_random(p, num, now, CR_PASS_RELEASED);
	}
}

uint64_t cr_policy_deadline(const struct cr_policy *p)
{
	const struct cr_held *h = p->held;
	uint64_t d = UINT64_MAX;

	if (p->attack_until)
		d = p->attack_until;
	if (h->n) {
		uint64_t turn = p->passed_any ?
			p->last_pass + p->conf.pass_interval_ms : 0;

		if (turn < d)
			d = turn;
	}
	for (uint32_t i = 0; i < h->n; i++)
		if (h->s[i].arrived + p->conf.max_hold_ms < d)
			d = h->s[i].arrived + p->conf.max_hold_ms;
	return d;
}

bool cr_policy_attacked(const struct cr_policy *p)
{
	return p->attack_until != 0;
}

size_t cr_policy_held(const struct cr_policy *p)
{
	return p->held->n;
}

unsigned int cr_policy_recent(struct cr_policy *p, uint64_t now,
			      uint64_t window)
{
	recent_prune(p->recent, now);
	return recent_count(p->recent, now, window, UINT32_MAX);
}

size_t cr_policy_bytes(const struct cr_policy *p)
{
	return sizeof(*p->recent) + p->recent->cap * sizeof(int32_t) +
	       p->recent->high * sizeof(*p->recent->e) +
	       sizeof(*p->held) + p->held->cap * sizeof(*p->held->s);
}
