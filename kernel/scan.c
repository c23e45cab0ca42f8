// SPDX-License-Identifier: GPL-2.0
/*
 * The datapath's scanner part: hand a frame to every scanner subscribed to
 * it, as a copy for read subscriptions, held for contain ones (paper
 * section 3.2). Runs from the hook, under RCU with bottom halves disabled,
 * only while some scanner of the bridge has a subscription.
 */
#include <kunit/visibility.h>

#include "absent.h"
#include "bridge.h"
#include "compat.h"
#include "held.h"
#include "queue.h"
#include "scan.h"
#include "scanner.h"
#include "subscription.h"

/*
 * A segment of a frame segmented below is judged on its own; one that
 * goes on at once is resumed after SIS's hook, as a held frame would be.
 */
static void sis_scan_segment(struct sis_bridge *sb, u8 dir,
			     struct sk_buff *seg,
			     const struct nf_hook_state *state)
{
	struct sis_pcpu_count __percpu *stats = sb->stats + sis_dir_to_index(dir);
	unsigned int verdict = sis_scan(sb, dir, seg, state);
	struct sis_held *h;

	if (verdict == NF_STOLEN)
		return;
	if (verdict == NF_ACCEPT) {
		h = sis_held_new(seg, state, &sb->hook_ops, stats, dir, 0);
		if (h) {
			sis_held_decide(h, false);
			return;
		}
	}
	sis_count_drop(stats);
	kfree_skb_reason(seg, SKB_DROP_REASON_NETFILTER_DROP);
}

/*
 * A GSO frame (TSO, BIG TCP) longer than a scanner can be given whole
 * (SIS_FRAME_DATA_MAX): a scanner must never pass bytes it was not shown,
 * so it is cut into the frames the wire would carry, as nfnetlink_queue
 * does, and each is judged on its own. The frame is consumed: NF_STOLEN,
 * or NF_DROP if it cannot be segmented (it cannot be judged either).
 */
static unsigned int sis_scan_gso(struct sis_bridge *sb, u8 dir,
				 struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	unsigned int mac_len = skb->data - skb_mac_header(skb);
	struct sk_buff *segs, *seg, *next;

	/* skb_gso_segment() starts from the Ethernet header, as on output. */
	__skb_push(skb, mac_len);
	segs = skb_gso_segment(skb, 0);
	__skb_pull(skb, mac_len);
	if (IS_ERR_OR_NULL(segs))
		return NF_DROP;
	skb_list_walk_safe(segs, seg, next) {
		skb_mark_not_on_list(seg);
		__skb_pull(seg, seg->network_header - seg->mac_header);
		sis_scan_segment(sb, dir, seg, state);
	}
	consume_skb(skb);
	return NF_STOLEN;
}

/*
 * Whether a scanner would hold the frame (its Ethernet header pushed): a
 * long GSO frame is segmented only then; a copy for reading is cut at
 * SIS_FRAME_DATA_MAX like any other.
 */
static bool sis_scan_contained(struct sis_bridge *sb, u8 dir,
			       const struct sk_buff *skb)
{
	struct sis_scanner *sc;
	struct sis_sub *sub;

	list_for_each_entry_rcu(sc, &sb->scanners, list) {
		sub = sis_sub_match(sc, dir, skb);
		if (sub && (sub->rights & SIS_RIGHT_CONTAIN))
			return true;
	}
	return false;
}

/*
 * Returns the hook's verdict: NF_ACCEPT when no scanner holds the frame
 * (or all that took it passed it already), NF_DROP when one cut it or
 * could not take it and fails closed, NF_STOLEN when it is held: then its
 * Ethernet header stays pushed until its fate (held.h, "Ordering").
 */
unsigned int sis_scan(struct sis_bridge *sb, u8 dir, struct sk_buff *skb,
		      const struct nf_hook_state *state)
{
	unsigned int mac_len = skb->data - skb_mac_header(skb);
	unsigned int len = skb->len + mac_len;
	struct sis_held *h = NULL;
	struct sis_scanner *sc;
	struct sis_sub *sub;
	bool cut = false;

	__skb_push(skb, mac_len);
	if (unlikely(len > SIS_FRAME_DATA_MAX && skb_is_gso(skb)) &&
	    sis_scan_contained(sb, dir, skb)) {
		__skb_pull(skb, mac_len);
		return sis_scan_gso(sb, dir, skb, state);
	}
	list_for_each_entry_rcu(sc, &sb->scanners, list) {
		if (unlikely(sis_absent_frame(sc, dir, skb))) {
			cut = true;
			continue;
		}
		sub = sis_sub_match(sc, dir, skb);
		if (!sub)
			continue;
		if (!(sub->rights & SIS_RIGHT_CONTAIN)) {
			sis_queue_deliver(sc, sub, skb, len, dir, NULL);
			continue;
		}
		if (unlikely(len > SIS_FRAME_DATA_MAX)) {
			/* Not GSO, yet too long to be shown whole: dropped. */
			sis_queue_lost(sc);
			cut = true;
			continue;
		}
		if (!h) {
			h = sis_held_new(skb, state, &sb->hook_ops,
					 sb->stats + sis_dir_to_index(dir), dir, mac_len);
			if (!h) {
				cut |= sis_queue_lost(sc);
				continue;
			}
		}
		sis_queue_deliver(sc, sub, skb, len, dir, h);
	}
	if (!h) {
		__skb_pull(skb, mac_len);
		return cut ? NF_DROP : NF_ACCEPT;
	}
	if (cut)
		WRITE_ONCE(h->cut, true);
	/* Pulls the header back if no scanner holds it any more. */
	return sis_held_commit(h);
}
EXPORT_SYMBOL_IF_KUNIT(sis_scan);
