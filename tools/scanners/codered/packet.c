// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/* Frame headers (packet.h). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "packet.h"

#define ETH_HLEN	14
#define VLAN_HLEN	4

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The transport header at l4 (len bytes to the end of the IP packet). */
static enum cr_packet_error parse_l4(const uint8_t *l4, size_t len,
				     size_t avail, struct cr_packet *p)
{
	if (p->proto == IPPROTO_UDP) {
		size_t ulen;

		if (avail < 8)
			return CR_PACKET_SHORT;
		ulen = get16(l4 + 4);
		if (ulen < 8 || ulen > len)
			return CR_PACKET_BAD;
		p->sport = get16(l4);
		p->dport = get16(l4 + 2);
		p->payload = l4 + 8;
		p->payload_len = ulen - 8;
		if (avail < ulen)
			return CR_PACKET_SHORT;
		return CR_PACKET_OK;
	}
	if (p->proto == IPPROTO_TCP) {
		if (avail < 20)
			return CR_PACKET_SHORT;
		if ((l4[12] >> 4) < 5 || (size_t)(l4[12] >> 4) * 4 > len)
			return CR_PACKET_BAD;
		p->sport = get16(l4);
		p->dport = get16(l4 + 2);
		p->tcp_flags = l4[13];
		return CR_PACKET_OK;
	}
	return CR_PACKET_OTHER;
}

static enum cr_packet_error parse_ipv4(const uint8_t *ip, size_t avail,
				       struct cr_packet *p)
{
	size_t ihl, tot;

	if (avail < 20)
		return CR_PACKET_SHORT;
	ihl = (ip[0] & 0xf) * 4;
	tot = get16(ip + 2);
	if ((ip[0] >> 4) != 4 || ihl < 20 || tot < ihl)
		return CR_PACKET_BAD;
	if (avail < ihl)
		return CR_PACKET_SHORT;
	p->src.family = p->dst.family = AF_INET;
	memcpy(p->src.a, ip + 12, 4);
	memcpy(p->dst.a, ip + 16, 4);
	p->proto = ip[9];
	/* MF set or an offset: the transport header is not all here. */
	p->fragment = get16(ip + 6) & 0x3fff;
	if (p->fragment)
		return CR_PACKET_OK;
	if (avail > tot)
		avail = tot;	/* Ethernet padding */
	return parse_l4(ip + ihl, tot - ihl, avail - ihl, p);
}

static enum cr_packet_error parse_ipv6(const uint8_t *ip, size_t avail,
				       struct cr_packet *p)
{
	size_t off = 40, tot;
	uint8_t next;

	if (avail < 40)
		return CR_PACKET_SHORT;
	if ((ip[0] >> 4) != 6)
		return CR_PACKET_BAD;
	tot = 40 + get16(ip + 4);
	p->src.family = p->dst.family = AF_INET6;
	memcpy(p->src.a, ip + 8, 16);
	memcpy(p->dst.a, ip + 24, 16);
	if (avail > tot)
		avail = tot;
	next = ip[6];
	for (;;) {
		switch (next) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
			if (avail < off + 8)
				return CR_PACKET_SHORT;
			next = ip[off];
			off += (ip[off + 1] + 1) * 8;
			continue;
		case IPPROTO_FRAGMENT:
			if (avail < off + 8)
				return CR_PACKET_SHORT;
			p->fragment = true;
			p->proto = ip[off];
			return CR_PACKET_OK;
		default:
			break;
		}
		break;
	}
	p->proto = next;
	if (off > tot)
		return CR_PACKET_BAD;
	if (off > avail)
		return CR_PACKET_SHORT;
	return parse_l4(ip + off, tot - off, avail - off, p);
}

enum cr_packet_error cr_packet_parse(const uint8_t *frame, size_t caplen,
				     struct cr_packet *p)
{
	size_t off = ETH_HLEN;
	uint16_t type;

	memset(p, 0, sizeof(*p));
	if (caplen < ETH_HLEN)
		return CR_PACKET_SHORT;
	type = get16(frame + 12);
	if (type == 0x8100) {
		if (caplen < ETH_HLEN + VLAN_HLEN)
			return CR_PACKET_SHORT;
		type = get16(frame + 16);
		off += VLAN_HLEN;
	}
	if (type == 0x0800)
		return parse_ipv4(frame + off, caplen - off, p);
	if (type == 0x86dd)
		return parse_ipv6(frame + off, caplen - off, p);
	return CR_PACKET_OTHER;
}
