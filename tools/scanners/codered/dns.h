/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * DNS messages as the Code-Red scanner reads them, parsed with glibc's
 * libresolv (ns_initparse(), ns_parserr(), ns_name_uncompress()): the
 * question of a query, and the question and every A and AAAA record of a
 * reply, in all three sections (answers, name servers' addresses in the
 * authority and additional sections, the ends of CNAME chains).
 *
 * A message is taken whole or not at all: one malformed record (a bad
 * compression pointer, a length past the end, an A record that is not 4
 * bytes, a CNAME whose target is not a name) rejects it.
 */
#ifndef CODERED_DNS_H
#define CODERED_DNS_H

#include <stddef.h>
#include <stdint.h>

#include "table.h"

/* The most addresses taken from one reply; the rest are counted. */
#define CR_DNS_ADDRS_MAX	256

enum cr_dns_error {
	CR_DNS_OK = 0,
	CR_DNS_MALFORMED,	/* libresolv refused it, or a record is bad */
	CR_DNS_NOT_REPLY,	/* QR clear (a query), or not a reply when one was wanted */
	CR_DNS_NOT_QUERY,	/* QR set, or not opcode QUERY, or not one question */
};

struct cr_dns_question {
	uint16_t id;
	uint16_t qtype, qclass;
	uint64_t name_hash;	/* of the lower-cased name, keyed */
};

struct cr_dns_reply {
	struct cr_dns_question q;
	unsigned int rcode;
	int truncated;		/* TC: the host will ask again over TCP */
	size_t naddrs;
	size_t dropped;		/* addresses past CR_DNS_ADDRS_MAX */
	struct {
		struct cr_addr addr;
		uint32_t ttl;
	} addrs[CR_DNS_ADDRS_MAX];
};

/* Parse a query: opcode QUERY, QR clear, exactly one question. */
enum cr_dns_error cr_dns_parse_query(const uint8_t *msg, size_t len,
				     uint64_t seed, struct cr_dns_question *q);

/*
 * Parse a reply: QR set, opcode QUERY, one question (RFC 1035 practice;
 * replies without a question cannot be matched to a query). TTLs above
 * 2^31 - 1 are taken as 0 (RFC 2181, section 8).
 */
enum cr_dns_error cr_dns_parse_reply(const uint8_t *msg, size_t len,
				     uint64_t seed, struct cr_dns_reply *r);

#endif
