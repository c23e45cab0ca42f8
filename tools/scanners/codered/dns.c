// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/* DNS queries and replies, parsed with libresolv (dns.h). */
#include <arpa/nameser.h>
#include <ctype.h>
#include <string.h>
#include <sys/socket.h>

#include "dns.h"

/* FNV-1a of the lower-cased name, then keyed (splitmix64's finalizer). */
static uint64_t name_hash(const char *name, uint64_t seed)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ seed;
	size_t n = strlen(name);

	/* "example.com." and "example.com" are the same name. */
	if (n > 1 && name[n - 1] == '.')
		n--;
	for (size_t i = 0; i < n; i++) {
		h ^= (uint8_t)tolower((unsigned char)name[i]);
		h *= 0x100000001b3ULL;
	}
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
	return h ^ (h >> 31);
}

/* The header checks and the question, shared by queries and replies. */
static enum cr_dns_error parse_head(ns_msg *h, const uint8_t *msg, size_t len,
				    uint64_t seed, struct cr_dns_question *q)
{
	ns_rr rr;

	if (ns_initparse(msg, len, h) < 0)
		return CR_DNS_MALFORMED;
	if (ns_msg_getflag(*h, ns_f_opcode) != ns_o_query ||
	    ns_msg_count(*h, ns_s_qd) != 1)
		return CR_DNS_NOT_QUERY;
	if (ns_parserr(h, ns_s_qd, 0, &rr) < 0)
		return CR_DNS_MALFORMED;
	q->id = ns_msg_id(*h);
	q->qtype = ns_rr_type(rr);
	q->qclass = ns_rr_class(rr);
	q->name_hash = name_hash(ns_rr_name(rr), seed);
	return CR_DNS_OK;
}

enum cr_dns_error cr_dns_parse_query(const uint8_t *msg, size_t len,
				     uint64_t seed, struct cr_dns_question *q)
{
	enum cr_dns_error e;
	ns_msg h;

	memset(q, 0, sizeof(*q));
	e = parse_head(&h, msg, len, seed, q);
	if (e)
		return e;
	return ns_msg_getflag(h, ns_f_qr) ? CR_DNS_NOT_QUERY : CR_DNS_OK;
}

/* A record's data that is one domain name must be exactly that. */
static int name_rdata_ok(const ns_msg *h, const ns_rr *rr)
{
	char name[NS_MAXDNAME];
	int n;

	n = ns_name_uncompress(ns_msg_base(*h), ns_msg_end(*h), ns_rr_rdata(*rr),
			       name, sizeof(name));
	return n >= 0 && n == ns_rr_rdlen(*rr);
}

static enum cr_dns_error take_record(const ns_msg *h, const ns_rr *rr,
				     struct cr_dns_reply *r)
{
	uint32_t ttl = ns_rr_ttl(*rr);
	uint8_t family;
	size_t alen;

	if (ns_rr_class(*rr) != ns_c_in)
		return CR_DNS_OK;	/* OPT pseudo-records among others */
	switch (ns_rr_type(*rr)) {
	case ns_t_a:
		family = AF_INET;
		alen = 4;
		break;
	case ns_t_aaaa:
		family = AF_INET6;
		alen = 16;
		break;
	case ns_t_cname:
	case ns_t_dname:
	case ns_t_ns:
	case ns_t_ptr:
		return name_rdata_ok(h, rr) ? CR_DNS_OK : CR_DNS_MALFORMED;
	default:
		return CR_DNS_OK;
	}
	if (ns_rr_rdlen(*rr) != alen)
		return CR_DNS_MALFORMED;
	if (r->naddrs == CR_DNS_ADDRS_MAX) {
		r->dropped++;
		return CR_DNS_OK;
	}
	memset(&r->addrs[r->naddrs].addr, 0, sizeof(r->addrs[0].addr));
	r->addrs[r->naddrs].addr.family = family;
	memcpy(r->addrs[r->naddrs].addr.a, ns_rr_rdata(*rr), alen);
	r->addrs[r->naddrs].ttl = ttl > 0x7fffffff ? 0 : ttl;
	r->naddrs++;
	return CR_DNS_OK;
}

enum cr_dns_error cr_dns_parse_reply(const uint8_t *msg, size_t len,
				     uint64_t seed, struct cr_dns_reply *r)
{
	static const ns_sect sects[] = { ns_s_an, ns_s_ns, ns_s_ar };
	enum cr_dns_error e;
	ns_msg h;

	r->naddrs = 0;
	r->dropped = 0;
	e = parse_head(&h, msg, len, seed, &r->q);
	if (e)
		return e;
	if (!ns_msg_getflag(h, ns_f_qr))
		return CR_DNS_NOT_REPLY;
	r->rcode = ns_msg_getflag(h, ns_f_rcode);
	r->truncated = ns_msg_getflag(h, ns_f_tc);
	for (size_t s = 0; s < sizeof(sects) / sizeof(sects[0]); s++) {
		for (int i = 0; i < ns_msg_count(h, sects[s]); i++) {
			ns_rr rr;

			if (ns_parserr(&h, sects[s], i, &rr) < 0)
				return CR_DNS_MALFORMED;
			e = take_record(&h, &rr, r);
			if (e)
				return e;
		}
	}
	return CR_DNS_OK;
}
