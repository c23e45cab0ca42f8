// SPDX-License-Identifier: GPL-2.0
/*
 * The datapath. Each attached bridge registers this function at the bridge
 * family's FORWARD hook of its namespace, so it sees every frame the bridge
 * forwards from one port to the other (unicast, flooded, broadcast), before
 * any other bridge filter. When something judges (prevent rules, frame or
 * stream subscriptions, a scanner that drops while absent: absent.h, or
 * tracked connections, which outlive their subscriptions), frames that
 * cannot be judged as they come are made whole or dropped first
 * (normalize.c: fragments, IPv6 extension headers, frames to the
 * appliance). Prevent rules come next; then TCP segments go through the
 * stream engine (track.c) while there are stream subscriptions, absent
 * stream scanners or connections; then, only while some scanner has a
 * frame subscription or is absent and drops, the scanners (scan.c). Up to
 * the stream engine and the scanners, a frame that is not a fragment takes
 * no lock and allocates nothing: the caller holds RCU with bottom halves
 * disabled, counters are per CPU.
 */
#include <linux/netfilter_bridge.h>
#include <kunit/visibility.h>

#include "conn.h"
#include "hook.h"
#include "normalize.h"
#include "rules.h"
#include "ruleset.h"
#include "scan.h"

unsigned int sis_hook(void *priv, struct sk_buff *skb,
		      const struct nf_hook_state *state)
{
	struct sis_bridge *sb = priv;
	const struct sis_ruleset *rs;
	bool subs, stream_subs, absent, absent_stream, conns;
	struct sis_rule *rule;
	unsigned int len, verdict;
	u8 dir;

	dir = sis_bridge_dir(sb, state->in);
	if (!dir)
		return NF_ACCEPT;	/* another bridge of this namespace */
	len = sis_frame_len(skb);

	rs = rcu_dereference(sb->ruleset);
	subs = atomic_read(&sb->n_subs);
	stream_subs = atomic_read(&sb->n_stream_subs);
	absent = atomic_read(&sb->n_absent);
	absent_stream = atomic_read(&sb->n_absent_stream);
	/* Connections outlive their subscriptions: killed ones, closing. */
	conns = READ_ONCE(sb->conns.count);
	if (rs || subs || stream_subs || absent || absent_stream || conns) {
		/* Something judges: only what can be judged goes on. */
		verdict = sis_norm_frame(sb, dir, skb, state);
		if (verdict == NF_DROP)
			sis_count_frame(sb->stats + sis_dir_to_index(dir), len, true);
		if (verdict != NF_ACCEPT)
			return verdict;	/* NF_STOLEN: a fragment queued */
		len = sis_frame_len(skb);	/* a whole datagram now? */
	}
	if (rs) {
		rule = sis_ruleset_match(rs, sis_dir_to_index(dir), skb);
		if (rule) {
			sis_count_frame(rule->stats, len, false);
			sis_count_frame(sb->stats + sis_dir_to_index(dir), len, true);
			return NF_DROP;
		}
	}

	verdict = NF_ACCEPT;
	if (stream_subs || absent_stream || conns)
		verdict = sis_conn_hook(sb, dir, skb, state);
	if (verdict == NF_ACCEPT && (subs || absent))
		verdict = sis_scan(sb, dir, skb, state);
	/* A held frame counts as forwarded until it is cut (held.c). */
	sis_count_frame(sb->stats + sis_dir_to_index(dir), len, verdict == NF_DROP);
	return verdict;
}
EXPORT_SYMBOL_IF_KUNIT(sis_hook);
