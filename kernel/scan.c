// SPDX-License-Identifier: GPL-2.0
/*
 * The datapath's scanner part: hand a frame to every scanner subscribed to
 * it, as a copy for read subscriptions, held for contain ones (paper
 * section 3.2). Runs from the hook, under RCU with bottom halves disabled,
 * only while some scanner of the bridge has a subscription.
 */
#include <kunit/visibility.h>

#include "bridge.h"
#include "held.h"
#include "queue.h"
#include "scan.h"
#include "scanner.h"
#include "subscription.h"

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
	list_for_each_entry_rcu(sc, &sb->scanners, list) {
		sub = sis_sub_match(sc, dir, skb);
		if (!sub)
			continue;
		if (!(sub->rights & SIS_RIGHT_CONTAIN)) {
			sis_queue_deliver(sc, sub, skb, len, dir, NULL);
			continue;
		}
		if (!h) {
			h = sis_held_new(skb, state, &sb->hook_ops,
					 sb->stats + dir - 1, dir, mac_len);
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
