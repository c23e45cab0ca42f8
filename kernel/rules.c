// SPDX-License-Identifier: GPL-2.0
/*
 * Prevent rules. The program comes from userspace as classic BPF (libpcap
 * compiles it); bpf_prog_create() checks it with the kernel's own classic BPF
 * checker, exactly as for a socket filter. The rule keeps the checked
 * instructions for the ruleset compiler, and the checked program for the
 * frames its chunk cannot finish (ruleset.c).
 */
#include <linux/sis.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <kunit/visibility.h>
#include <net/netlink.h>

#include "rules.h"

/**
 * sis_filter_prog - check a classic BPF program from userspace
 * @insns: the program
 * @len: its length in instructions
 * @prog: set to the checked (and JITed) program on success
 * @extack: for the error message
 *
 * Return: 0, or a negative error with a message in @extack.
 */
int sis_filter_prog(const struct sock_filter *insns, unsigned int len,
		    struct bpf_prog **prog, struct netlink_ext_ack *extack)
{
	struct sock_fprog_kern fprog = {
		.len = len,
		.filter = (struct sock_filter *)insns,
	};
	int err;

	if (len > SIS_RULE_INSNS_MAX) {
		static_assert(SIS_RULE_INSNS_MAX == 4000);
		NL_SET_ERR_MSG(extack,
			       "filter program is too long (over 4000 instructions)");
		return -EINVAL;
	}
	err = bpf_prog_create(prog, &fprog);
	if (err)
		NL_SET_ERR_MSG(extack,
			       "filter program rejected by the kernel's classic BPF checker");
	return err;
}

struct sis_rule *sis_rule_create(const struct sock_filter *insns,
				 unsigned int len, u8 dir, const char *expr,
				 struct netlink_ext_ack *extack)
{
	struct sis_rule *rule;
	struct bpf_prog *prog;
	unsigned int i;
	int err;

	err = sis_filter_prog(insns, len, &prog, extack);
	if (err)
		return ERR_PTR(err);

	rule = kzalloc(sizeof(*rule), GFP_KERNEL_ACCOUNT);
	if (!rule) {
		bpf_prog_destroy(prog);
		return ERR_PTR(-ENOMEM);
	}
	rule->prog = prog;
	rule->insns = kmemdup(insns, len * sizeof(*insns), GFP_KERNEL_ACCOUNT);
	rule->stats = sis_count_alloc(1);
	rule->expr = kstrdup(expr ? expr : "", GFP_KERNEL_ACCOUNT);
	if (!rule->insns || !rule->stats || !rule->expr) {
		sis_rule_destroy(rule);
		return ERR_PTR(-ENOMEM);
	}
	rule->len = len;
	for (i = 0; i < len; i++)
		if (insns[i].code == (BPF_RET | BPF_A))
			rule->ret_a = true;
	rule->block_len = sis_rule_block_len(rule);
	rule->dir = dir;
	return rule;
}
EXPORT_SYMBOL_IF_KUNIT(sis_rule_create);

void sis_rule_destroy(struct sis_rule *rule)
{
	bpf_prog_destroy(rule->prog);
	free_percpu(rule->stats);
	kfree(rule->expr);
	kfree(rule->insns);
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
