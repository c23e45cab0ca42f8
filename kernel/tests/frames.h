/* SPDX-License-Identifier: GPL-2.0 */
/* Frames and filter programs shared by the KUnit suites. */
#ifndef _SIS_TEST_FRAMES_H
#define _SIS_TEST_FRAMES_H

#include <kunit/test.h>
#include <linux/filter.h>
#include <linux/skbuff.h>

enum frame_kind {
	FRAME_ICMP4,
	FRAME_UDP4_9999,
	FRAME_UDP4_53,
	FRAME_UDP4_9999_FRAG,	/* a non-first fragment: no UDP header */
	FRAME_UDP6_9999,
	FRAME_TCP4_SYN,
	FRAME_TCP4_ACK,
	FRAME_ARP,
};

#define FRAME_PAYLOAD 32

struct sk_buff *sis_test_build_frame(struct kunit *test, enum frame_kind kind);

enum filter_id {
	FILTER_ICMP,
	FILTER_UDP9999,
	FILTER_TCPSYN,
	FILTER_ARP,
	FILTER_RET_LEN,
	FILTER_RET_A0,
	FILTER_RET_X0,
	FILTER_MEM_IPV4,
};

struct sis_test_filter {
	const struct sock_filter *insns;
	unsigned int len;
};

extern const struct sis_test_filter sis_test_filters[];

#endif /* _SIS_TEST_FRAMES_H */
