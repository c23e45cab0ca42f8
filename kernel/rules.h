/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prevent rules: a classic BPF program run on the whole Ethernet frame, a
 * direction mask and per-CPU match counters.
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
	struct bpf_prog *prog;
	struct sis_pcpu_count __percpu *stats;	/* .dropped unused */
	char *expr;
	u32 id;
	u8 dir;				/* enum sis_dir mask */
	struct rcu_head rcu;
};

struct sis_rule *sis_rule_create(const struct sock_filter *insns,
				 unsigned int len, u8 dir, const char *expr,
				 struct netlink_ext_ack *extack);
void sis_rule_destroy(struct sis_rule *rule);
void sis_rule_destroy_rcu(struct sis_rule *rule);
bool sis_rule_match(const struct sis_rule *rule, struct sk_buff *skb);

/* Length of the frame as it is on the wire, from the Ethernet header on. */
static inline unsigned int sis_frame_len(const struct sk_buff *skb)
{
	return skb->len + (skb->data - skb_mac_header(skb));
}

#endif /* _SIS_RULES_H */
