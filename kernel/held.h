/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Held frames: a frame that one or more scanners contain (paper section
 * 3.2). The datapath steals it from the bridge; it goes on when every
 * scanner holding it has passed it and is dropped as soon as one cuts it.
 *
 * A held frame counts the scanners that still have to decide (pending),
 * plus one while the datapath is still handing it to scanners, so that it
 * cannot be finished before the hook returns; the last decision finishes
 * it, from whatever context that decision came (verdict, timeout, overflow,
 * scanner exit or deletion).
 *
 * Every held frame has one fate, exactly once: dropped, or resumed where
 * the bridge's netfilter hooks left it (like nf_reinject()), under RCU with
 * bottom halves disabled.
 *
 * Ordering. A frame held for scanners (scan.c) is handed to them with
 * skb->data at its Ethernet header, and stays so until its fate: scanners
 * may copy it (alerts) from another CPU while the datapath still hands it
 * to the next scanner, so skb->data must not move meanwhile. Whoever takes
 * the last decision pulls the header (mac_len) back first: the datapath in
 * sis_held_commit(), or the last verdict in sis_held_finish(). A hold taken
 * off its scanner's queue may be reused at once by the datapath
 * (first_hold): sis_hold_put() releases it, sis_hold_get() acquires it.
 *
 * While held, a frame keeps references on its input and output devices,
 * as queued frames do. Bridges release everything their scanners hold
 * before they detach (bridge.c), so a held frame never outlives its
 * bridge.
 */
#ifndef _SIS_HELD_H
#define _SIS_HELD_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/skbuff.h>

#include "stats.h"

/* One scanner's hold on a held frame (sis_scanner.held). */
struct sis_hold {
	struct list_head list;
	struct sis_held *frame;
	u64 num;			/* the scanner's frame number */
	unsigned long deadline;		/* jiffies */
	unsigned int len;		/* counted in sis_scanner.held_bytes */
	bool cut;			/* the decision, once taken off */
};

struct sis_held {
	struct sk_buff *skb;
	struct nf_hook_state state;
	/* The hook to resume after; NULL: straight to state.okfn. */
	const struct nf_hook_ops *ops;
	netdevice_tracker in_tracker;
	netdevice_tracker out_tracker;
	/* The bridge's counters for its direction: a cut counts as a drop. */
	struct sis_pcpu_count __percpu *stats;
	atomic_t pending;
	bool cut;
	bool first_taken;		/* first_hold is in use */
	u8 dir;				/* SIS_DIR_IN or SIS_DIR_OUT */
	u16 mac_len;			/* pushed while held, pulled at its fate */
	/* Most frames are held by one scanner: its hold comes with them. */
	struct sis_hold first_hold;
};

int sis_held_init(void);
void sis_held_exit(void);

struct sis_held *sis_held_new(struct sk_buff *skb,
			      const struct nf_hook_state *state,
			      const struct nf_hook_ops *ops,
			      struct sis_pcpu_count __percpu *stats, u8 dir,
			      unsigned int mac_len);
unsigned int sis_held_commit(struct sis_held *h);
void sis_held_decide(struct sis_held *h, bool cut);
void sis_held_forget(struct sis_held *h);

struct sis_hold *sis_hold_get(struct sis_held *h);
void sis_hold_put(struct sis_hold *hold);
void sis_holds_finish(struct list_head *holds);

/* The frame from its Ethernet header, wherever skb->data is. */
void sis_copy_frame(const struct sk_buff *skb, void *to, unsigned int len);

#endif /* _SIS_HELD_H */
