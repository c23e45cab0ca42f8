// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/* The Code-Red scanner's header parsing. */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "packet.h"
#include "tap.h"

/* Ethernet + IPv4 (IHL 5) + UDP 53 -> 40000, 4 bytes of data. */
static const unsigned char udp4[] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00,
	0x45, 0, 0, 32, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 2, 10, 0, 0, 1,
	0, 53, 0x9c, 0x40, 0, 12, 0, 0, 'a', 'b', 'c', 'd',
};

/* Ethernet + IPv6 + hop-by-hop (8 bytes) + TCP SYN 40000 -> 80. */
static const unsigned char syn6[] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x86, 0xdd,
	0x60, 0, 0, 0, 0, 28, 0, 64,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
	6, 0, 1, 4, 0, 0, 0, 0,
	0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff,
	0, 0, 0, 0,
};

TAP_SUITE(codered_packet)
{
	unsigned char m[128];
	struct cr_packet p;
	bool ok = true;

	tap_ok(cr_packet_parse(udp4, sizeof(udp4), &p) == CR_PACKET_OK &&
	       p.proto == IPPROTO_UDP && p.sport == 53 && p.dport == 40000 &&
	       p.src.family == AF_INET && p.src.a[3] == 2 &&
	       p.payload_len == 4 && !memcmp(p.payload, "abcd", 4),
	       "packet: UDP over IPv4");
	tap_ok(cr_packet_parse(syn6, sizeof(syn6), &p) == CR_PACKET_OK &&
	       p.proto == IPPROTO_TCP && p.dport == 80 &&
	       p.tcp_flags == 0x02 && p.dst.family == AF_INET6 &&
	       p.dst.a[15] == 2,
	       "packet: a TCP SYN over IPv6 behind a hop-by-hop header");
	for (size_t n = 0; n < sizeof(udp4); n++)
		ok &= cr_packet_parse(udp4, n, &p) != CR_PACKET_OK;
	for (size_t n = 0; n < sizeof(syn6); n++)
		ok &= cr_packet_parse(syn6, n, &p) != CR_PACKET_OK;
	tap_ok(ok, "packet: every truncation is refused");

	memcpy(m, udp4, sizeof(udp4));
	m[14 + 6] = 0x20;	/* MF */
	tap_ok(cr_packet_parse(m, sizeof(udp4), &p) == CR_PACKET_OK && p.fragment,
	       "packet: an IPv4 first fragment is flagged");
	memcpy(m, udp4, sizeof(udp4));
	m[14 + 3] = 16;		/* total length below the header's */
	tap_ok(cr_packet_parse(m, sizeof(udp4), &p) == CR_PACKET_BAD,
	       "packet: an IPv4 total length below its header is refused");
	memcpy(m, udp4, sizeof(udp4));
	m[14 + 20 + 5] = 40;	/* UDP length past the IP packet */
	tap_ok(cr_packet_parse(m, sizeof(udp4), &p) == CR_PACKET_BAD,
	       "packet: a UDP length past the packet is refused");
	memcpy(m, udp4, sizeof(udp4));
	m[14] = 0x44;		/* IHL 4 */
	tap_ok(cr_packet_parse(m, sizeof(udp4), &p) == CR_PACKET_BAD,
	       "packet: an IHL below 5 is refused");
	memcpy(m, syn6, sizeof(syn6));
	m[14 + 40] = 44;	/* hop-by-hop, then a fragment header */
	tap_ok(cr_packet_parse(m, sizeof(syn6), &p) == CR_PACKET_OK && p.fragment,
	       "packet: an IPv6 fragment is flagged");
	memcpy(m, udp4, sizeof(udp4));
	m[12] = 0x08;
	m[13] = 0x06;
	tap_ok(cr_packet_parse(m, sizeof(udp4), &p) == CR_PACKET_OTHER,
	       "packet: ARP is not IP");
	/* 802.1Q */
	memcpy(m, udp4, 12);
	m[12] = 0x81;
	m[13] = 0x00;
	m[14] = 0;
	m[15] = 5;
	memcpy(m + 16, udp4 + 12, sizeof(udp4) - 12);
	tap_ok(cr_packet_parse(m, sizeof(udp4) + 4, &p) == CR_PACKET_OK &&
	       p.sport == 53,
	       "packet: one VLAN tag");
}
