// SPDX-License-Identifier: GPL-2.0
/*
 * Prevent rules. The program comes from userspace as classic BPF (libpcap
 * compiles it); bpf_prog_create() checks it with the kernel's own classic BPF
 * checker and converts it, exactly as for a socket filter.
 */
#include <linux/slab.h>
#include <linux/string.h>
#include <kunit/visibility.h>
#include <net/netlink.h>

#include "rules.h"

struct sis_rule *sis_rule_create(const struct sock_filter *insns,
				 unsigned int len, u8 dir, const char *expr,
				 struct netlink_ext_ack *extack)
{
	struct sock_fprog_kern fprog = {
		.len = len,
		.filter = (struct sock_filter *)insns,
	};
	struct sis_rule *rule;
	int err;

	rule = kzalloc(sizeof(*rule), GFP_KERNEL);
	if (!rule)
		return ERR_PTR(-ENOMEM);

	rule->stats = sis_count_alloc(1);
	rule->expr = kstrdup(expr ? expr : "", GFP_KERNEL);
	if (!rule->stats || !rule->expr) {
		err = -ENOMEM;
		goto err_free;
	}

	err = bpf_prog_create(&rule->prog, &fprog);
	if (err) {
		NL_SET_ERR_MSG(extack,
			       "filter program rejected by the kernel's classic BPF checker");
		goto err_free;
	}
	rule->dir = dir;
	return rule;

err_free:
	kfree(rule->expr);
	free_percpu(rule->stats);
	kfree(rule);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_IF_KUNIT(sis_rule_create);

void sis_rule_destroy(struct sis_rule *rule)
{
	bpf_prog_destroy(rule->prog);
	free_percpu(rule->stats);
	kfree(rule->expr);
	kfree(rule);
}
EXPORT_SYMBOL_IF_KUNIT(sis_rule_destroy);

static void sis_rule_free_rcu(struct rcu_head *head)
{
	sis_rule_destroy(container_of(head, struct sis_rule, rcu));
}

/* Free a rule that RCU readers (the hook, dumps) may still be looking at. */
void sis_rule_destroy_rcu(struct sis_rule *rule)
{
	call_rcu(&rule->rcu, sis_rule_free_rcu);
}

/*
 * Run the rule on a frame whose skb->data points at the network header, as
 * in the bridge's forward hook. The program sees the frame from its Ethernet
 * header on, as libpcap expects for DLT_EN10MB. Called under RCU with
 * bottom halves disabled.
 */
bool sis_rule_match(const struct sis_rule *rule, struct sk_buff *skb)
{
	unsigned int mac_len = skb->data - skb_mac_header(skb);
	u32 res;

	__skb_push(skb, mac_len);
	res = bpf_prog_run_save_cb(rule->prog, skb);
	__skb_pull(skb, mac_len);
	return res != 0;
}
EXPORT_SYMBOL_IF_KUNIT(sis_rule_match);
