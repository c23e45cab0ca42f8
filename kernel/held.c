// SPDX-License-Identifier: GPL-2.0
/* Held frames and their fate (held.h). */
#include <linux/netfilter_bridge.h>
#include <linux/slab.h>
#include <kunit/visibility.h>
#include <net/netfilter/nf_queue.h>

#include "held.h"

static struct kmem_cache *sis_held_cache __read_mostly;
static struct kmem_cache *sis_hold_cache __read_mostly;

int __init sis_held_init(void)
{
	sis_held_cache = KMEM_CACHE(sis_held, 0);
	if (!sis_held_cache)
		return -ENOMEM;
	sis_hold_cache = KMEM_CACHE(sis_hold, 0);
	if (!sis_hold_cache) {
		kmem_cache_destroy(sis_held_cache);
		return -ENOMEM;
	}
	return 0;
}

void sis_held_exit(void)
{
	kmem_cache_destroy(sis_hold_cache);
	kmem_cache_destroy(sis_held_cache);
}

/*
 * A frame about to be held, with one pending decision: the datapath's own,
 * ended by sis_held_commit(). @mac_len: bytes pushed in front of where the
 * hook found skb->data, pulled again at its fate (held.h, "Ordering").
 * Atomic context; NULL when out of memory.
 */
struct sis_held *sis_held_new(struct sk_buff *skb,
			      const struct nf_hook_state *state,
			      const struct nf_hook_ops *ops,
			      struct sis_pcpu_count __percpu *stats, u8 dir,
			      unsigned int mac_len)
{
	struct sis_held *h;

	h = kmem_cache_alloc(sis_held_cache, GFP_ATOMIC);
	if (!h)
		return NULL;
	h->skb = skb;
	h->state = *state;
	h->ops = ops;
	h->stats = stats;
	h->cut = false;
	h->first_taken = false;
	h->dir = dir;
	h->mac_len = mac_len;
	atomic_set(&h->pending, 1);
	netdev_hold(state->in, &h->in_tracker, GFP_ATOMIC);
	netdev_hold(state->out, &h->out_tracker, GFP_ATOMIC);
	return h;
}
EXPORT_SYMBOL_IF_KUNIT(sis_held_new);

static void sis_held_free(struct sis_held *h)
{
	netdev_put(h->state.out, &h->out_tracker);
	netdev_put(h->state.in, &h->in_tracker);
	kmem_cache_free(sis_held_cache, h);
}

/* Where the hook that held the frame sits in the chain now, or -1. */
static int sis_hook_index(const struct nf_hook_entries *e,
			  const struct nf_hook_ops *ops)
{
	struct nf_hook_ops **all = nf_hook_entries_get_hook_ops(e);
	unsigned int i;

	for (i = 0; i < e->num_hook_entries; i++)
		if (all[i] == ops)
			return i;
	return -1;
}

/*
 * Resume the bridge's hook traversal after the SIS hook, as nf_reinject()
 * does for queued frames, then hand the frame to the bridge. If the hook is
 * gone (the bridge detached meanwhile), the frame is dropped: the hooks it
 * should still meet are unknown.
 */
static void sis_held_resume(struct sis_held *h)
{
	struct nf_hook_state *state = &h->state;
	struct sk_buff *skb = h->skb;
	const struct nf_hook_entries *e;
	unsigned int verdict;
	int i, err;

	if (!h->ops)
		goto okfn;
	e = rcu_dereference(state->net->nf.hooks_bridge[state->hook]);
	i = e ? sis_hook_index(e, h->ops) : -1;
	if (i < 0) {
		kfree_skb_reason(skb, SKB_DROP_REASON_NETFILTER_DROP);
		return;
	}
	for (i++; i < e->num_hook_entries; i++) {
		verdict = nf_hook_entry_hookfn(&e->hooks[i], skb, state);
		switch (verdict & NF_VERDICT_MASK) {
		case NF_ACCEPT:
			break;
		case NF_DROP:
			kfree_skb_reason(skb, SKB_DROP_REASON_NETFILTER_DROP);
			return;
		case NF_QUEUE:
			err = nf_queue(skb, state, i, verdict);
			if (err == 1)
				break;	/* no queue listener, bypass */
			return;
		default:		/* NF_STOLEN */
			return;
		}
	}
okfn:
	state->okfn(state->net, state->sk, skb);
}

/* The last decision was made: the frame goes on or is dropped. */
static void sis_held_finish(struct sis_held *h)
{
	__skb_pull(h->skb, h->mac_len);
	if (h->cut) {
		if (h->stats)
			sis_count_drop(h->stats);
		kfree_skb_reason(h->skb, SKB_DROP_REASON_NETFILTER_DROP);
	} else {
		sis_held_resume(h);
	}
	sis_held_free(h);
}

/*
 * One scanner's decision. The caller holds RCU with bottom halves disabled
 * (the context a resumed frame needs).
 */
void sis_held_decide(struct sis_held *h, bool cut)
{
	if (cut)
		WRITE_ONCE(h->cut, true);
	/* Orders the cut above before the last decrement's reader. */
	if (atomic_dec_and_test(&h->pending))
		sis_held_finish(h);
}
EXPORT_SYMBOL_IF_KUNIT(sis_held_decide);

/*
 * The frame was handed on elsewhere (scan.c held it again): only the
 * record goes. Its one pending decision must be the caller's.
 */
void sis_held_forget(struct sis_held *h)
{
	sis_held_free(h);
}

/*
 * The datapath is done with the frame. If no scanner still holds it
 * (none took it, or all decided already), the hook's own verdict says what
 * becomes of it; otherwise it now belongs to its scanners: NF_STOLEN.
 */
unsigned int sis_held_commit(struct sis_held *h)
{
	unsigned int verdict;

	if (!atomic_dec_and_test(&h->pending))
		return NF_STOLEN;
	__skb_pull(h->skb, h->mac_len);
	verdict = READ_ONCE(h->cut) ? NF_DROP : NF_ACCEPT;
	sis_held_free(h);
	return verdict;
}
EXPORT_SYMBOL_IF_KUNIT(sis_held_commit);

/*
 * A hold on h for one scanner; datapath only, one scanner at a time. The
 * first hold may have been put on another CPU since: everything that CPU
 * did with it happened before (sis_hold_put()).
 */
struct sis_hold *sis_hold_get(struct sis_held *h)
{
	/* Pairs with sis_hold_put(): its CPU is done with first_hold. */
	if (!smp_load_acquire(&h->first_taken)) {
		WRITE_ONCE(h->first_taken, true);
		return &h->first_hold;
	}
	return kmem_cache_alloc(sis_hold_cache, GFP_ATOMIC);
}

/* Before its decision is applied: that may free the frame it is part of. */
void sis_hold_put(struct sis_hold *hold)
{
	struct sis_held *h = hold->frame;

	if (hold == &h->first_hold) {
		/* Pairs with sis_hold_get(): after this CPU's last use of it. */
		smp_store_release(&h->first_taken, false);
	} else {
		kmem_cache_free(sis_hold_cache, hold);
	}
}

/*
 * Apply the decision of every hold on the list (taken off their scanner's
 * queue) and free them. Takes RCU and disables bottom halves itself: any
 * context but hard interrupts.
 */
void sis_holds_finish(struct list_head *holds)
{
	struct sis_hold *hold, *tmp;

	if (list_empty(holds))
		return;
	local_bh_disable();
	rcu_read_lock();
	list_for_each_entry_safe(hold, tmp, holds, list) {
		struct sis_held *h = hold->frame;
		bool cut = hold->cut;

		list_del(&hold->list);
		sis_hold_put(hold);
		sis_held_decide(h, cut);
	}
	rcu_read_unlock();
	local_bh_enable();
}
EXPORT_SYMBOL_IF_KUNIT(sis_holds_finish);

void sis_copy_frame(const struct sk_buff *skb, void *to, unsigned int len)
{
	unsigned int mac_len = skb->data - skb_mac_header(skb);

	if (len <= mac_len) {
		memcpy(to, skb_mac_header(skb), len);
		return;
	}
	memcpy(to, skb_mac_header(skb), mac_len);
	/* len is at most the frame's length: this cannot fail. */
	WARN_ON_ONCE(skb_copy_bits(skb, 0, to + mac_len, len - mac_len));
}
