/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Killing a tracked connection: a TCP RST to each end, as its peer would
 * send it (forge.h), so that both ends give up at once instead of waiting
 * for bytes that will never come. A connection is killed when a scanner
 * that contained it goes and fails closed (watch.c): its held bytes are
 * dropped, and the connection could only stall.
 *
 * An end takes an RST whose sequence number is exactly its RCV.NXT (RFC
 * 5961 section 3; one elsewhere in its window only gets a challenge ACK).
 * The bridge knows it from what it forwarded: the end has every byte of
 * its direction up to the first one that was not forwarded (held and
 * dropped, or never seen); after the sender's FIN, one less is taken too.
 * Where that is not certain, more RSTs go, at most three per end: at the
 * end of what the sender sent, if beyond and the direction is not
 * contained (what was forwarded without being kept: a stream over its
 * bounds), and at the highest sequence number the end acknowledged, if
 * below (a segment lost after the bridge). One that does not match is
 * answered by a challenge ACK at most. An RST needs no timestamp (PAWS
 * does not apply to it); a connection signed with TCP-MD5 or TCP-AO cannot
 * be reset so.
 */
#ifndef _SIS_RESET_H
#define _SIS_RESET_H

#include <linux/skbuff.h>

struct sis_bridge;
struct sis_conn;

void sis_conn_kill(struct sis_bridge *sb, struct sis_conn *c,
		   struct sk_buff_head *rsts,
		   struct list_head *done);			/* locked */
void sis_resets_send(struct sis_bridge *sb, struct sk_buff_head *rsts);

#endif /* _SIS_RESET_H */
