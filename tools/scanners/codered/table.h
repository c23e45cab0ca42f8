/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * The Code-Red scanner's shadow of the host's DNS table: every address
 * the host was told about, with the time its TTL expires.
 *
 * Paper section 5.3: each address is kept at least until its TTL expires,
 * and expired entries are pruned only when space is needed, since host
 * applications may use a translation after it expired. So a lookup
 * ignores expiry. IPv4 and IPv6 live in two open-addressing hash tables
 * of their own (8 and 20 bytes a slot), which start small and double up
 * to a bound on the entries of both. At the bound, expired entries are
 * pruned; if none are, the entry expiring first is evicted (counted: the
 * bound is too small for the host).
 */
#ifndef CODERED_TABLE_H
#define CODERED_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An address: AF_INET (4 bytes used) or AF_INET6. */
struct cr_addr {
	uint8_t family;
	uint8_t a[16];
};

/* One family's slots: a key of key_len bytes, then a u32 expiry. */
struct cr_set {
	uint8_t *slots;
	size_t key_len, slot_len;
	size_t cap;		/* slots, a power of two, or 0 */
	size_t used;
};

struct cr_table_stats {
	uint64_t added;		/* new addresses */
	uint64_t refreshed;	/* known addresses whose expiry moved on */
	uint64_t pruned;	/* expired entries removed for space */
	uint64_t evicted;	/* live entries removed: max too small */
};

struct cr_table {
	struct cr_set v4, v6;
	size_t max;		/* entries of both families */
	uint64_t seed;
	struct cr_table_stats stats;
};

#define CR_TABLE_MIN_SLOTS	64

/* max: entries of both families, at least 1. seed: hash key. */
void cr_table_init(struct cr_table *t, size_t max, uint64_t seed);
void cr_table_free(struct cr_table *t);

/*
 * cr_table_add - the host was told about addr, valid until expiry
 *
 *	now and expiry are seconds on the scanner's clock (now >= 1). A known
 *	address keeps the later expiry. Returns 0, or -ENOMEM (the table is
 *	unchanged).
 */
int cr_table_add(struct cr_table *t, const struct cr_addr *addr,
		 uint32_t expiry, uint32_t now);

/* cr_table_has - was the host told about addr (expired or not)? */
bool cr_table_has(const struct cr_table *t, const struct cr_addr *addr);

/* Entries, and bytes of memory held by the slots. */
size_t cr_table_entries(const struct cr_table *t);
size_t cr_table_bytes(const struct cr_table *t);

#endif
