// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/* The Code-Red scanner's DNS parsing: real replies and hostile ones. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "dns.h"
#include "tap.h"
#include "dns_vectors.h"

#define SEED 0x1234

static struct cr_dns_reply r;

static bool has(const char *text, uint32_t ttl)
{
	struct cr_addr a = { 0 };

	a.family = strchr(text, ':') ? AF_INET6 : AF_INET;
	inet_pton(a.family, text, a.a);
	for (size_t i = 0; i < r.naddrs; i++)
		if (!memcmp(&r.addrs[i].addr, &a, sizeof(a)) &&
		    r.addrs[i].ttl == ttl)
			return true;
	return false;
}

#define PARSE(v) cr_dns_parse_reply(v, sizeof(v), SEED, &r)

/* Every strict prefix of a good reply is refused. */
static bool prefixes_refused(const unsigned char *m, size_t len)
{
	for (size_t n = 0; n < len; n++)
		if (cr_dns_parse_reply(m, n, SEED, &r) == CR_DNS_OK)
			return false;
	return true;
}

TAP_SUITE(codered_dns_replies)
{
	tap_ok(PARSE(dnsmasq_a) == CR_DNS_OK && r.naddrs == 2 &&
	       has("192.0.2.10", 300) && has("192.0.2.11", 300) &&
	       r.q.id == 0x1234 && r.q.qtype == 1 && !r.rcode,
	       "dns: two A records of a dnsmasq reply");
	tap_ok(PARSE(dnsmasq_aaaa) == CR_DNS_OK && r.naddrs == 1 &&
	       has("2001:db8::10", 300),
	       "dns: an AAAA record");
	tap_ok(PARSE(dnsmasq_cname) == CR_DNS_OK && r.naddrs == 1 &&
	       has("198.51.100.7", 300),
	       "dns: the address at the end of a CNAME chain");
	tap_ok(PARSE(dnsmasq_nx) == CR_DNS_OK && r.naddrs == 0 && r.rcode == 3,
	       "dns: NXDOMAIN, no address");
	tap_ok(PARSE(referral) == CR_DNS_OK && r.naddrs == 3 &&
	       has("203.0.113.53", 172800) && has("203.0.113.54", 172800) &&
	       has("2001:db8:53::1", 172800),
	       "dns: name servers' glue in the additional section, OPT skipped");
	tap_ok(PARSE(cname_compressed) == CR_DNS_OK && r.naddrs == 1 &&
	       has("192.0.2.99", 0),
	       "dns: compressed CNAME target; TTL over 2^31-1 taken as 0");

	tap_ok(prefixes_refused(dnsmasq_a, sizeof(dnsmasq_a)) &&
	       prefixes_refused(dnsmasq_cname, sizeof(dnsmasq_cname)) &&
	       prefixes_refused(referral, sizeof(referral)) &&
	       prefixes_refused(cname_compressed, sizeof(cname_compressed)),
	       "dns: every truncation of a reply is refused");
}

/* A copy of v with byte at off set to val. */
static enum cr_dns_error patched(const unsigned char *v, size_t len,
				 size_t off, uint8_t val)
{
	unsigned char m[512];

	memcpy(m, v, len);
	m[off] = val;
	return cr_dns_parse_reply(m, len, SEED, &r);
}

TAP_SUITE(codered_dns_hostile)
{
	unsigned char m[600];
	struct cr_dns_question q;
	size_t n;

	/* dnsmasq_a: answer owners are pointers at offsets 34 and 50. */
	tap_eq(patched(dnsmasq_a, sizeof(dnsmasq_a), 35, 34), CR_DNS_MALFORMED,
	       "dns hostile: a compression pointer to itself");
	tap_eq(patched(dnsmasq_a, sizeof(dnsmasq_a), 35, 0xff), CR_DNS_MALFORMED,
	       "dns hostile: a compression pointer past the end");
	tap_ok(patched(dnsmasq_a, sizeof(dnsmasq_a), 12, 0x43) != CR_DNS_OK,
	       "dns hostile: a label longer than 63 (reserved label type)");
	tap_eq(patched(dnsmasq_a, sizeof(dnsmasq_a), 7, 3), CR_DNS_MALFORMED,
	       "dns hostile: more answers counted than present");
	tap_ok(patched(dnsmasq_a, sizeof(dnsmasq_a), 5, 0) != CR_DNS_OK &&
	       patched(dnsmasq_a, sizeof(dnsmasq_a), 5, 2) != CR_DNS_OK,
	       "dns hostile: no question, or two");
	tap_eq(patched(dnsmasq_a, sizeof(dnsmasq_a), 2, 0x05), CR_DNS_NOT_REPLY,
	       "dns hostile: a query where a reply was wanted");
	tap_ok(patched(dnsmasq_a, sizeof(dnsmasq_a), 2, 0x85 | 0x10) == CR_DNS_NOT_QUERY,
	       "dns hostile: opcode other than QUERY");

	/* rdlength of the first A record (offset 44..45) set to 5. */
	memcpy(m, dnsmasq_a, sizeof(dnsmasq_a));
	m[45] = 5;
	tap_ok(cr_dns_parse_reply(m, sizeof(dnsmasq_a), SEED, &r) != CR_DNS_OK,
	       "dns hostile: an A record of 5 bytes");
	/* The AAAA record's rdlength (offset 44..45) set to 4, message cut. */
	memcpy(m, dnsmasq_aaaa, sizeof(dnsmasq_aaaa));
	m[45] = 4;
	tap_ok(cr_dns_parse_reply(m, sizeof(dnsmasq_aaaa) - 12, SEED, &r) ==
	       CR_DNS_MALFORMED,
	       "dns hostile: an AAAA record of 4 bytes");

	/* A CNAME whose target points past the end. */
	memcpy(m, cname_compressed, sizeof(cname_compressed));
	for (n = 0; n + 1 < sizeof(cname_compressed); n++)
		if (m[n] == 0xc0 && m[n + 1] == 0x10)
			break;
	m[n + 1] = 0xfe;
	tap_ok(n + 1 < sizeof(cname_compressed) &&
	       cr_dns_parse_reply(m, sizeof(cname_compressed), SEED, &r) ==
	       CR_DNS_MALFORMED,
	       "dns hostile: a CNAME target pointing past the end");

	/* Trailing bytes after the last record. */
	memcpy(m, dnsmasq_a, sizeof(dnsmasq_a));
	m[sizeof(dnsmasq_a)] = 0;
	tap_ok(cr_dns_parse_reply(m, sizeof(dnsmasq_a) + 1, SEED, &r) != CR_DNS_OK,
	       "dns hostile: trailing bytes");

	/* 300 A records: CR_DNS_ADDRS_MAX kept, the rest counted. */
	{
		static unsigned char big[12 + 34 + 300 * 16];
		size_t off;

		memcpy(big, dnsmasq_a, 12 + 22);
		big[6] = 300 >> 8;
		big[7] = 300 & 0xff;
		off = 34;
		for (int i = 0; i < 300; i++) {
			memcpy(big + off, dnsmasq_a + 34, 12);
			big[off + 12] = 10;
			big[off + 13] = (uint8_t)(i >> 8);
			big[off + 14] = (uint8_t)i;
			big[off + 15] = 1;
			off += 16;
		}
		tap_ok(cr_dns_parse_reply(big, off, SEED, &r) == CR_DNS_OK &&
		       r.naddrs == CR_DNS_ADDRS_MAX &&
		       r.dropped == 300 - CR_DNS_ADDRS_MAX,
		       "dns: 300 addresses, %d kept, the rest counted",
		       CR_DNS_ADDRS_MAX);
	}

	/* Queries. */
	memcpy(m, dnsmasq_a, 34);
	m[2] = 0x01;
	m[3] = 0x00;
	m[7] = 0;
	tap_ok(cr_dns_parse_query(m, 34, SEED, &q) == CR_DNS_OK &&
	       q.id == 0x1234 && q.qtype == 1 && q.qclass == 1 &&
	       q.name_hash == (PARSE(dnsmasq_a), r.q.name_hash),
	       "dns: a query's question matches its reply's");
	m[14] = 'W';	/* www -> wWw: names compare without case */
	tap_ok(cr_dns_parse_query(m, 34, SEED, &q) == CR_DNS_OK &&
	       q.name_hash == r.q.name_hash,
	       "dns: names match whatever their case");
	m[14] = 'x';
	tap_ok(cr_dns_parse_query(m, 34, SEED, &q) == CR_DNS_OK &&
	       q.name_hash != r.q.name_hash,
	       "dns: another name does not match");
	tap_ok(cr_dns_parse_query(dnsmasq_a, sizeof(dnsmasq_a), SEED, &q) ==
	       CR_DNS_NOT_QUERY,
	       "dns: a reply is not a query");
}
