/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prevent rules: a classic BPF program run on the whole Ethernet frame, a
 * direction mask and per-CPU match counters. The datapath runs the rules
 * compiled together (ruleset.h), so a rule keeps its checked program as
 * instructions, and also as a program of its own for the frames on which
 * a rule of its chunk ends the chunk early (ruleset.c).
 */
#ifndef _SIS_RULES_H
#define _SIS_RULES_H

#include <linux/filter.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>

#include "stats.h"

struct netlink_ext_ack;

struct sis_rule {
	struct list_head list;		/* sis_bridge.rules, RCU */
	struct sock_filter *insns;	/* accepted by the classic checker */
	struct bpf_prog *prog;		/* those instructions, run alone */
	unsigned int len;
	unsigned int block_len;		/* its length in a chunk */
	bool ret_a;			/* has a "return A" */
	struct sis_pcpu_count __percpu *stats;	/* .dropped unused */
	char *expr;
	u32 id;
	u8 dir;				/* enum sis_dir mask */
	struct rcu_head rcu;
};

int sis_filter_prog(const struct sock_filter *insns, unsigned int len,
		    struct bpf_prog **prog, struct netlink_ext_ack *extack);
struct sis_rule *sis_rule_create(const struct sock_filter *insns,
				 unsigned int len, u8 dir, const char *expr,
				 struct netlink_ext_ack *extack);
void sis_rule_destroy(struct sis_rule *rule);
void sis_rule_destroy_rcu(struct sis_rule *rule);

/*
 * A rule's length inside a chunk: A and X cleared first, and for a "return
 * A" three more instructions (ruleset.c).
 */
static inline unsigned int sis_rule_block_len(const struct sis_rule *rule)
{
	return 2 + rule->len + (rule->ret_a ? 3 : 0);
}

/* Length of the frame as it is on the wire, from the Ethernet header on. */
static inline unsigned int sis_frame_len(const struct sk_buff *skb)
{
	return skb->len + (skb->data - skb_mac_header(skb));
}

#endif /* _SIS_RULES_H */
