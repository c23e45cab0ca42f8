// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * The DNS shadow table (table.h): linear probing with backward-shift
 * deletion, so that no tombstones build up; a slot is free when its
 * expiry is 0 (the clock starts at 1).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "table.h"

static void set_init(struct cr_set *s, size_t key_len)
{
	memset(s, 0, sizeof(*s));
	s->key_len = key_len;
	s->slot_len = key_len + sizeof(uint32_t);
}

static uint8_t *slot(const struct cr_set *s, size_t i)
{
	return s->slots + i * s->slot_len;
}

static uint32_t slot_expiry(const struct cr_set *s, size_t i)
{
	uint32_t e;

	memcpy(&e, slot(s, i) + s->key_len, sizeof(e));
	return e;
}

static void slot_set_expiry(struct cr_set *s, size_t i, uint32_t e)
{
	memcpy(slot(s, i) + s->key_len, &e, sizeof(e));
}

/* A keyed mix of the key's 32-bit words (splitmix64's finalizer). */
static size_t hash(const struct cr_table *t, const struct cr_set *s,
		   const uint8_t *key)
{
	uint64_t h = t->seed;

	for (size_t i = 0; i < s->key_len; i += 4) {
		uint32_t w;

		memcpy(&w, key + i, sizeof(w));
		h ^= w;
		h += 0x9e3779b97f4a7c15ULL;
		h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
		h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
		h ^= h >> 31;
	}
	return (size_t)h;
}

/* The slot holding key, or the free slot where it would go. */
static size_t find(const struct cr_table *t, const struct cr_set *s,
		   const uint8_t *key)
{
	size_t mask = s->cap - 1, i = hash(t, s, key) & mask;

	while (slot_expiry(s, i) && memcmp(slot(s, i), key, s->key_len))
		i = (i + 1) & mask;
	return i;
}

static void put(const struct cr_table *t, struct cr_set *s,
		const uint8_t *key, uint32_t expiry)
{
	size_t i = find(t, s, key);

	if (!slot_expiry(s, i))
		s->used++;
	memcpy(slot(s, i), key, s->key_len);
	slot_set_expiry(s, i, expiry);
}

/* Move the entries worth keeping (expiry > drop_before) to cap slots. */
static int rehash(const struct cr_table *t, struct cr_set *s, size_t cap,
		  uint32_t drop_before, uint64_t *dropped)
{
	struct cr_set old = *s;

	s->slots = calloc(cap, s->slot_len);
	if (!s->slots) {
		*s = old;
		return -ENOMEM;
	}
	s->cap = cap;
	s->used = 0;
	for (size_t i = 0; i < old.cap; i++) {
		uint32_t e = slot_expiry(&old, i);

		if (!e)
			continue;
		if (e <= drop_before) {
			(*dropped)++;
			continue;
		}
		put(t, s, slot(&old, i), e);
	}
	free(old.slots);
	return 0;
}

/* Remove slot i, shifting back the entries of its probe run. */
static void remove_slot(const struct cr_table *t, struct cr_set *s, size_t i)
{
	size_t mask = s->cap - 1, j = i;

	for (;;) {
		size_t home;

		j = (j + 1) & mask;
		if (!slot_expiry(s, j))
			break;
		home = hash(t, s, slot(s, j)) & mask;
		/* j may fill i unless its home lies cyclically in (i, j]. */
		if (i <= j ? (home > i && home <= j) : (home > i || home <= j))
			continue;
		memcpy(slot(s, i), slot(s, j), s->slot_len);
		i = j;
	}
	memset(slot(s, i), 0, s->slot_len);
	s->used--;
}

/* Make room for one entry: prune expired ones, else evict the oldest. */
static void make_room(struct cr_table *t, uint32_t now)
{
	struct cr_set *sets[] = { &t->v4, &t->v6 }, *victim = NULL;
	uint32_t first = UINT32_MAX;
	size_t at = 0;

	for (int k = 0; k < 2; k++)
		if (sets[k]->cap)
			rehash(t, sets[k], sets[k]->cap, now - 1, &t->stats.pruned);
	if (cr_table_entries(t) < t->max)
		return;
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < sets[k]->cap; i++) {
			uint32_t e = slot_expiry(sets[k], i);

			if (e && e < first) {
				first = e;
				victim = sets[k];
				at = i;
			}
		}
	}
	if (victim) {
		remove_slot(t, victim, at);
		t->stats.evicted++;
	}
}

void cr_table_init(struct cr_table *t, size_t max, uint64_t seed)
{
	memset(t, 0, sizeof(*t));
	set_init(&t->v4, 4);
	set_init(&t->v6, 16);
	t->max = max ? max : 1;
	t->seed = seed;
}

void cr_table_free(struct cr_table *t)
{
	free(t->v4.slots);
	free(t->v6.slots);
	t->v4.slots = t->v6.slots = NULL;
	t->v4.cap = t->v6.cap = t->v4.used = t->v6.used = 0;
}

static struct cr_set *set_of(struct cr_table *t, const struct cr_addr *a)
{
	return a->family == AF_INET ? &t->v4 : &t->v6;
}

int cr_table_add(struct cr_table *t, const struct cr_addr *addr,
		 uint32_t expiry, uint32_t now)
{
	struct cr_set *s = set_of(t, addr);
	uint64_t unused = 0;
	size_t i;

	if (expiry < now)
		expiry = now;
	if (s->cap) {
		i = find(t, s, addr->a);
		if (slot_expiry(s, i)) {
			if (slot_expiry(s, i) < expiry) {
				slot_set_expiry(s, i, expiry);
				t->stats.refreshed++;
			}
			return 0;
		}
	}
	if (cr_table_entries(t) >= t->max)
		make_room(t, now);
	/* Keep the load at 3/4 at most: probe runs stay short. */
	if ((s->used + 1) * 4 > s->cap * 3) {
		size_t cap = s->cap ? s->cap * 2 : CR_TABLE_MIN_SLOTS;

		if (rehash(t, s, cap, 0, &unused))
			return -ENOMEM;
	}
	put(t, s, addr->a, expiry);
	t->stats.added++;
	return 0;
}

bool cr_table_has(const struct cr_table *t, const struct cr_addr *addr)
{
	const struct cr_set *s = addr->family == AF_INET ? &t->v4 : &t->v6;

	return s->cap && slot_expiry(s, find(t, s, addr->a));
}

size_t cr_table_entries(const struct cr_table *t)
{
	return t->v4.used + t->v6.used;
}

size_t cr_table_bytes(const struct cr_table *t)
{
	return t->v4.cap * t->v4.slot_len + t->v6.cap * t->v6.slot_len;
}
