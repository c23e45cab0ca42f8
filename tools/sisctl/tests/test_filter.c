// SPDX-License-Identifier: GPL-2.0
/* Filter compilation: errors, program sanity, and what programs match. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>

#include "sisctl.h"
#include "tap.h"

/* The kernel's and libpcap's instruction layouts must agree. */
_Static_assert(sizeof(struct sock_filter) == sizeof(struct bpf_insn), "size");
_Static_assert(offsetof(struct sock_filter, code) == offsetof(struct bpf_insn, code), "code");
_Static_assert(offsetof(struct sock_filter, jt) == offsetof(struct bpf_insn, jt), "jt");
_Static_assert(offsetof(struct sock_filter, jf) == offsetof(struct bpf_insn, jf), "jf");
_Static_assert(offsetof(struct sock_filter, k) == offsetof(struct bpf_insn, k), "k");

enum { F_UDP9999, F_UDP53, F_ARP, NFRAMES };

static size_t frame_udp(unsigned char *f, uint16_t dport)
{
	static const unsigned char hdr[] = {
		/* Ethernet: dst, src, IPv4 */
		0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
		/* IPv4: 20 bytes, UDP, 10.0.0.1 -> 10.0.0.2 */
		0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0,
		10, 0, 0, 1, 10, 0, 0, 2,
		/* UDP: 40000 -> dport, length 8 */
		0x9c, 0x40, 0, 0, 0, 8, 0, 0,
	};

	memcpy(f, hdr, sizeof(hdr));
	f[36] = dport >> 8;
	f[37] = dport & 0xff;
	return sizeof(hdr);
}

static size_t frame_arp(unsigned char *f)
{
	static const unsigned char arp[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x01,
		0x08, 0x06,
		0, 1, 0x08, 0, 6, 4, 0, 1,
		0x02, 0, 0, 0, 0, 0x01, 10, 0, 0, 1,
		0, 0, 0, 0, 0, 0, 10, 0, 0, 2,
	};

	memcpy(f, arp, sizeof(arp));
	return sizeof(arp);
}

TAP_SUITE(filter_valid)
{
	static const struct {
		const char *expr;
		bool match[NFRAMES];
	} cases[] = {
		{ "udp dst port 9999", { true, false, false } },
		{ "udp", { true, true, false } },
		{ "udp port 53", { false, true, false } },
		{ "arp", { false, false, true } },
		{ "not ip", { false, false, true } },
		{ "ip and not udp", { false, false, false } },
		{ "ip host 10.0.0.2", { true, true, false } },
		{ "src 10.0.0.2", { false, false, false } },
		{ "ether broadcast", { false, false, true } },
		{ "tcp[tcpflags] & tcp-syn != 0", { false, false, false } },
		{ "vlan and udp", { false, false, false } },
		{ "icmp6", { false, false, false } },
		{ "udp and (port 9999 or port 53)", { true, true, false } },
	};
	unsigned char frames[NFRAMES][64];
	size_t lens[NFRAMES];

	lens[F_UDP9999] = frame_udp(frames[F_UDP9999], 9999);
	lens[F_UDP53] = frame_udp(frames[F_UDP53], 53);
	lens[F_ARP] = frame_arp(frames[F_ARP]);

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct sock_filter *f;
		const struct bpf_insn *b;
		unsigned int len;
		char err[256] = "";
		bool sane, matches = true;

		if (filter_compile(cases[i].expr, &f, &len, err, sizeof(err)) < 0) {
			tap_ok(false, "filter \"%s\" compiles", cases[i].expr);
			tap_diag("%s", err);
			continue;
		}
		b = (const struct bpf_insn *)f;
		sane = len >= 1 && len <= BPF_MAXINSNS &&
		       bpf_validate(b, (int)len) &&
		       BPF_CLASS(f[len - 1].code) == BPF_RET;
		tap_ok(sane, "filter \"%s\" compiles to a sane program (%u insns)",
		       cases[i].expr, len);
		for (int k = 0; k < NFRAMES; k++) {
			bool m = bpf_filter(b, frames[k], lens[k], lens[k]) != 0;

			if (m != cases[i].match[k]) {
				matches = false;
				tap_diag("frame %d: match %d, want %d", k, m,
					 cases[i].match[k]);
			}
		}
		tap_ok(matches, "filter \"%s\" matches the right frames",
		       cases[i].expr);
		free(f);
	}
}

TAP_SUITE(filter_invalid)
{
	static const char *const cases[] = {
		"udp dst port nosuchservice",
		"udp dst port 9999 9999",
		"tcp and",
		"(",
		"udp port 99999999",
		"ip proto nosuchproto",
		"",
		"   ",
	};
	char long_expr[SIS_RULE_EXPR_MAX + 8];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct sock_filter *f = (void *)1;
		unsigned int len = 1;
		char err[256] = "";
		int r = filter_compile(cases[i], &f, &len, err, sizeof(err));

		tap_ok(r < 0 && err[0] && !f && !len, "filter \"%s\" is refused",
		       cases[i]);
		tap_diag("%s", err);
	}

	/* The kernel keeps at most SIS_RULE_EXPR_MAX bytes with the NUL. */
	for (size_t n = SIS_RULE_EXPR_MAX - 1; n <= SIS_RULE_EXPR_MAX; n++) {
		struct sock_filter *f = NULL;
		unsigned int len;
		char err[256] = "";
		int r;

		memset(long_expr, ' ', n);
		memcpy(long_expr, "udp", 3);
		long_expr[n] = '\0';
		r = filter_compile(long_expr, &f, &len, err, sizeof(err));
		tap_ok(n < SIS_RULE_EXPR_MAX ? r == 0 : r < 0 && strstr(err, "longer"),
		       "filter of %zu bytes is %s", n,
		       n < SIS_RULE_EXPR_MAX ? "taken" : "refused");
		free(f);
	}
}
