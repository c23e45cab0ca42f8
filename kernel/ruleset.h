/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A bridge's prevent rules compiled for the datapath.
 *
 * Running each rule's program on its own costs a program call (prologue,
 * epilogue, header length set-up) per rule per frame. Instead, the rules that
 * apply to a direction are concatenated, in order, into "chunks" of up to
 * SIS_CHUNK_RULES rules: one classic BPF program each, checked and JITed by
 * the kernel like any other. In a chunk every rule runs exactly as it would
 * alone (A and X start at zero, its scratch memory is its own); its "no
 * match" returns become jumps to the next rule and its "match" returns
 * return the rule's position in the chunk, plus one; a chunk that reaches
 * its end returns SIS_CHUNK_NONE. So a frame costs one program call per
 * chunk, and the first matching rule is found as before.
 *
 * One thing a rule cannot do inside a chunk as it does alone: end the
 * program early. A load past the end of the frame, or a division or modulo
 * by a zero X, ends a classic program with 0: alone, that rule does not
 * match, but in a chunk the rules after it would not run either. Since no
 * rule of a chunk returns 0 any more, a chunk returning 0 means exactly
 * that, and the chunk's rules are then run one by one, each with its own
 * program (struct sis_rule.prog), the first match winning. Frames on
 * which no rule ends early never take that path.
 *
 * A ruleset is immutable once published. Changing the rules builds a new
 * one under RTNL, reusing the unchanged chunks (refcounted), and frees the
 * old one after an RCU grace period.
 */
#ifndef _SIS_RULESET_H
#define _SIS_RULESET_H

#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/skbuff.h>

#include "bridge.h"

#define SIS_CHUNK_RULES	16
#define SIS_CHUNK_NONE	U32_MAX		/* what a chunk no rule matched returns */

struct bpf_prog;
struct netlink_ext_ack;
struct sis_rule;

struct sis_chunk {
	refcount_t ref;			/* rulesets using this chunk */
	struct bpf_prog *prog;
	unsigned int n_rules;
	struct sis_rule *rules[SIS_CHUNK_RULES];
};

struct sis_ruleset {
	struct rcu_head rcu;
	unsigned int n_chunks[SIS_DIR_INDEX_COUNT];
	struct sis_chunk **chunks[SIS_DIR_INDEX_COUNT];
	struct sis_chunk *slots[];	/* storage for both directions */
};

struct sis_ruleset *sis_ruleset_build(const struct sis_ruleset *old,
				      const struct list_head *rules,
				      const struct sis_rule *skip,
				      struct sis_rule *extra,
				      struct netlink_ext_ack *extack);
void sis_ruleset_free(struct sis_ruleset *rs);
void sis_ruleset_free_rcu(struct sis_ruleset *rs);
struct sis_rule *sis_ruleset_match(const struct sis_ruleset *rs,
				   enum sis_dir_index d, struct sk_buff *skb);
unsigned long sis_ruleset_aborts(void);

#endif /* _SIS_RULESET_H */
