/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A scanner's messages: frames and stream events appended to one netlink
 * skb per scanner, its batch (sis_scanner.batch), sent as one datagram.
 * A batch starts at the size of its first message and grows once to a
 * small slab size; a long frame or long stream data goes alone, its data
 * referring to the frame's pages rather than copied, as nfnetlink_queue
 * does. Everything here runs under the scanner's lock (scanner.h), with
 * an attached socket.
 */
#ifndef _SIS_BATCH_H
#define _SIS_BATCH_H

#include <linux/list.h>
#include <linux/types.h>

struct sk_buff;
struct sis_scanner;
struct sis_stream_msg;
struct sis_sub;

/*
 * Send the batch; if the socket refuses it, the held frames in it go to
 * @lost with the fail policy's decision (finished by the caller, unlocked).
 */
void sis_batch_send(struct sis_scanner *sc, struct list_head *lost);

int sis_batch_frame(struct sis_scanner *sc, const struct sis_sub *sub,
		    struct sk_buff *skb, unsigned int len, u8 dir,
		    u64 num, bool held, struct list_head *lost);

int sis_batch_stream(struct sis_scanner *sc, const struct sis_stream_msg *m,
		     struct list_head *lost);

#endif /* _SIS_BATCH_H */
