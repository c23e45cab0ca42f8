// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/* The Code-Red scanner's DNS shadow table. */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "table.h"
#include "tap.h"

static struct cr_addr v4(uint32_t n)
{
	struct cr_addr a = { .family = AF_INET };

	n = htonl(n);
	memcpy(a.a, &n, 4);
	return a;
}

static struct cr_addr v6(uint32_t n)
{
	struct cr_addr a = { .family = AF_INET6 };

	a.a[0] = 0x20;
	a.a[1] = 0x01;
	n = htonl(n);
	memcpy(a.a + 12, &n, 4);
	return a;
}

TAP_SUITE(codered_table)
{
	struct cr_table t;
	struct cr_addr a;
	bool ok;

	cr_table_init(&t, 1000, 42);
	a = v4(0xc0000201);
	tap_ok(!cr_table_has(&t, &a), "table: empty");
	cr_table_add(&t, &a, 100, 1);
	tap_ok(cr_table_has(&t, &a) && cr_table_entries(&t) == 1,
	       "table: an address added is there");
	a = v6(0xc0000201);
	tap_ok(!cr_table_has(&t, &a), "table: IPv4 and IPv6 kept apart");
	cr_table_add(&t, &a, 100, 1);
	tap_ok(cr_table_has(&t, &a) && cr_table_entries(&t) == 2,
	       "table: IPv6");
	a = v4(0xc0000201);
	cr_table_add(&t, &a, 50, 1);
	cr_table_add(&t, &a, 200, 1);
	tap_ok(cr_table_entries(&t) == 2 && t.stats.added == 2 &&
	       t.stats.refreshed == 1,
	       "table: a known address keeps the later expiry");
	{
		struct cr_addr b = v4(0xc0000202);

		/* At 5000 it expired (200); with room left, nothing is pruned. */
		cr_table_add(&t, &b, 5100, 5000);
		tap_ok(cr_table_has(&t, &a) && cr_table_has(&t, &b) &&
		       !t.stats.pruned && cr_table_entries(&t) == 3,
		       "table: an expired entry stays while there is room (paper 5.3)");
	}

	/* 300 addresses, the paper's busiest desktop: about 4 KB. */
	cr_table_free(&t);
	cr_table_init(&t, 65536, 7);
	for (uint32_t i = 0; i < 300; i++) {
		a = v4(0x0a000000 + i * 7919);
		cr_table_add(&t, &a, 1000, 1);
	}
	ok = true;
	for (uint32_t i = 0; i < 300; i++) {
		a = v4(0x0a000000 + i * 7919);
		ok &= cr_table_has(&t, &a);
	}
	a = v4(0x0b000000);
	tap_ok(ok && !cr_table_has(&t, &a) && cr_table_entries(&t) == 300,
	       "table: 300 addresses all found, others not");
	tap_ok(cr_table_bytes(&t) <= 4096,
	       "table: 300 IPv4 addresses in %zu bytes (<= 4096)",
	       cr_table_bytes(&t));

	/* 100 times that. */
	for (uint32_t i = 300; i < 30000; i++) {
		a = v4(0x0a000000 + i * 7919);
		cr_table_add(&t, &a, 1000, 1);
	}
	ok = true;
	for (uint32_t i = 0; i < 30000; i++) {
		a = v4(0x0a000000 + i * 7919);
		ok &= cr_table_has(&t, &a);
	}
	tap_ok(ok && cr_table_entries(&t) == 30000 && !t.stats.evicted,
	       "table: 30000 addresses, %zu bytes", cr_table_bytes(&t));
	cr_table_free(&t);

	/* The bound: expired entries go first, then the first to expire. */
	cr_table_init(&t, 100, 9);
	for (uint32_t i = 0; i < 100; i++) {
		a = v4(i + 1);
		/* even ones expire at 10, odd ones at 1000 + i */
		cr_table_add(&t, &a, i % 2 ? 1000 + i : 10, 1);
	}
	a = v4(5000);
	cr_table_add(&t, &a, 2000, 20);
	ok = cr_table_has(&t, &a);
	for (uint32_t i = 0; i < 100; i++) {
		struct cr_addr b = v4(i + 1);

		ok &= cr_table_has(&t, &b) == (i % 2 == 1);
	}
	tap_ok(ok && cr_table_entries(&t) == 51 && t.stats.pruned == 50 &&
	       !t.stats.evicted,
	       "table: full, the expired entries are pruned, only they");
	for (uint32_t i = 0; i < 49; i++) {
		a = v4(6000 + i);
		cr_table_add(&t, &a, 3000, 20);
	}
	a = v4(7000);
	cr_table_add(&t, &a, 3000, 20);
	{
		struct cr_addr first = v4(2);	/* i = 1: expires at 1001 */
		struct cr_addr second = v4(4);

		tap_ok(cr_table_entries(&t) == 100 && t.stats.evicted == 1 &&
		       !cr_table_has(&t, &first) && cr_table_has(&t, &second) &&
		       cr_table_has(&t, &a),
		       "table: full of live entries, the first to expire goes");
	}

	/* Removal keeps every other entry findable (backward shift). */
	ok = true;
	for (uint32_t i = 0; i < 2000; i++) {
		a = v4(100000 + i);
		cr_table_add(&t, &a, 5000 + i, 20);
		for (uint32_t j = i > 40 ? i - 40 : 0; j <= i; j++) {
			struct cr_addr b = v4(100000 + j);

			ok &= j + 100 <= i || cr_table_has(&t, &b);
		}
	}
	tap_ok(ok && cr_table_entries(&t) == 100,
	       "table: 2000 evictions, the newest 100 always found");
	cr_table_free(&t);
}
