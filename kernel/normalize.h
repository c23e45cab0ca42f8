/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Frames that cannot be judged as they come, on a bridge where something
 * judges (prevent rules or subscriptions): IP fragments, reassembled so
 * that rules and scanners see whole datagrams and cut again to the egress
 * MTU on the way out; IPv6 frames whose transport header sits behind
 * extension headers, which pcap filters cannot walk; frames from the
 * protected host to the appliance itself. Each per-bridge setting
 * (SIS_LIMITS_A_FRAGMENTS, _IP6_EXTHDR, _LOCAL) chooses between handling
 * them so and letting them pass; what is dropped is counted here.
 */
#ifndef _SIS_NORMALIZE_H
#define _SIS_NORMALIZE_H

#include <linux/atomic.h>
#include <linux/netfilter.h>
#include <linux/skbuff.h>

struct sis_bridge;

/* Per-bridge counters (SIS_A_NORM_STATS). */
struct sis_norm_stats {
	atomic64_t reassembled;		/* datagrams made whole */
	atomic64_t frag_dropped;	/* fragments dropped: "fragments drop" */
	atomic64_t frag_bad;		/* overlapping, tiny, malformed, lost */
	atomic64_t ip6_exthdr;		/* IPv6 behind extension headers */
	atomic64_t local;		/* host port to the appliance */
};

/* The per-bridge settings, read locklessly by the datapath. */
struct sis_norm_conf {
	u32 fragments;			/* enum sis_fragments */
	u32 ip6_exthdr;			/* enum sis_unjudged */
	u32 local;			/* enum sis_unjudged */
};

unsigned int sis_norm_frame(struct sis_bridge *sb, u8 dir,
			    struct sk_buff *skb,
			    const struct nf_hook_state *state);
unsigned int sis_norm_out_hook(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state);
unsigned int sis_norm_local_hook(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state);

#endif /* _SIS_NORMALIZE_H */
