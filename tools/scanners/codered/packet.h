/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * The headers of a frame the Code-Red scanner reads: Ethernet (one
 * 802.1Q tag allowed), IPv4 or IPv6 (extension headers walked), then UDP
 * or TCP. Every length is checked against the bytes captured.
 */
#ifndef CODERED_PACKET_H
#define CODERED_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "table.h"

#define CR_TCP_SYN	0x02
/*
 * A connection request is a SYN without ACK, RST or FIN: Linux opens a
 * connection for one whatever PSH, URG, ECE and CWR say (tcp_rcv_state_process()
 * in LISTEN), so neither may they hide one.
 */
#define CR_TCP_REQUEST	0x17	/* FIN, SYN, RST, ACK */

struct cr_packet {
	struct cr_addr src, dst;
	uint8_t proto;		/* IPPROTO_UDP or IPPROTO_TCP */
	bool fragment;		/* a fragment, or a datagram cut in fragments */
	uint16_t sport, dport;
	uint8_t tcp_flags;
	const uint8_t *payload;	/* UDP only: the datagram's data */
	size_t payload_len;
};

enum cr_packet_error {
	CR_PACKET_OK = 0,
	CR_PACKET_SHORT,	/* a header does not fit in the bytes captured */
	CR_PACKET_BAD,		/* a header field is impossible */
	CR_PACKET_OTHER,	/* not UDP or TCP over IP */
};

enum cr_packet_error cr_packet_parse(const uint8_t *frame, size_t caplen,
				     struct cr_packet *p);

#endif
