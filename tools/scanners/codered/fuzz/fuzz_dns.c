// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * libFuzzer harness for what the Code-Red scanner reads off the wire: the
 * input is taken as a DNS message (reply and query parsing) and as an
 * Ethernet frame (header parsing, then the DNS parsing of its UDP data),
 * and every address a reply yields goes into a small table, so that
 * growth, pruning and eviction run too. Built and run by
 * scripts/fuzz-codered.sh (make check), with ASan and UBSan.
 */
#include <stddef.h>
#include <stdint.h>

#include "dns.h"
#include "packet.h"
#include "table.h"

static struct cr_dns_reply r;

static void learn(struct cr_table *t, uint32_t now)
{
	for (size_t i = 0; i < r.naddrs; i++) {
		cr_table_add(t, &r.addrs[i].addr, now + r.addrs[i].ttl % 100,
			     now);
		if (!cr_table_has(t, &r.addrs[i].addr))
			__builtin_trap();	/* just added: must be there */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct cr_table t;
	static uint32_t now = 1;
	struct cr_dns_question q;
	struct cr_packet p;

	if (!t.max)
		cr_table_init(&t, 64, 0x5eed);
	now++;
	cr_dns_parse_query(data, len, 1, &q);
	if (cr_dns_parse_reply(data, len, 1, &r) == CR_DNS_OK)
		learn(&t, now);
	if (cr_packet_parse(data, len, &p) == CR_PACKET_OK && p.payload &&
	    cr_dns_parse_reply(p.payload, p.payload_len, 1, &r) == CR_DNS_OK)
		learn(&t, now);
	if (cr_table_entries(&t) > 64)
		__builtin_trap();	/* the bound holds */
	return 0;
}
