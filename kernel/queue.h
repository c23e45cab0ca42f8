/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A scanner's process side: the socket it attached with, the frames
 * delivered to it (numbered 1, 2, ... per attachment), those it holds, its
 * verdicts and its fail policy (paper section 4.2). Locking: scanner.h.
 *
 * Delivery is batched: frames and stream events are appended to one
 * netlink skb per scanner (batch.h). A frame for a scanner that owes no
 * verdict goes at once; frames for one that does, and those its own
 * verdicts cause, go with the end of its next verdict request (a soft
 * hrtimer bounds the wait), so that a busy scanner gets many frames per
 * wake-up and per receive call (sis_queue_kick()).
 */
#ifndef _SIS_QUEUE_H
#define _SIS_QUEUE_H

#include <linux/skbuff.h>
#include <linux/sis.h>

struct netlink_ext_ack;
struct sock;
struct sis_conn_key;
struct sis_held;
struct sis_scanner;
struct sis_sub;

void sis_queue_init(struct sis_scanner *sc);
void sis_queue_stop(struct sis_scanner *sc);

int sis_queue_attach(struct sis_scanner *sc, struct sock *sk, u32 portid,
		     pid_t pid, struct netlink_ext_ack *extack);
struct sock *sis_queue_release(struct sis_scanner *sc);

void sis_queue_deliver(struct sis_scanner *sc, const struct sis_sub *sub,
		       struct sk_buff *skb, unsigned int len, u8 dir,
		       struct sis_held *h);
bool sis_queue_lost(struct sis_scanner *sc);

int sis_queue_verdicts(struct sis_scanner *sc, const struct sis_verdict *v,
		       unsigned int n, struct netlink_ext_ack *extack);

/* A stream event for a scanner (conn.c). */
struct sis_stream_msg {
	u64 conn;
	u32 sub;
	u8 event;			/* enum sis_stream_event */
	u8 dir;
	u8 reason;			/* enum sis_stream_end, END */
	u8 initiator;			/* OPEN */
	bool held;			/* DATA */
	u64 offset;			/* DATA */
	const struct sk_buff *skb;	/* DATA: len bytes from data_off */
	unsigned int data_off;
	unsigned int len;
	const struct sis_conn_key *key;	/* OPEN */
	/* Where frames lost with the batch go, to finish unlocked. */
	struct list_head *lost;
};

int sis_queue_stream(struct sis_scanner *sc, const struct sis_stream_msg *m);

int sis_queue_copy_held(struct sis_scanner *sc, u64 num, void *to,
			unsigned int max, unsigned int *len, u8 *dir);

#endif /* _SIS_QUEUE_H */
