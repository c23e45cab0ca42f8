// SPDX-License-Identifier: GPL-2.0
/*
 * The ruleset compiler: prevent rules concatenated into chunk programs (see
 * ruleset.h for why).
 *
 * A rule of n instructions becomes a block in its chunk:
 *
 *	ld #0; ldx #0			cBPF starts with A = X = 0
 *	its n instructions, where
 *	  ret #0	becomes	ja NEXT		(no match: next rule)
 *	  ret #k	becomes	ret #POS	(match; POS = position + 1)
 *	  ret a		becomes	ja RET_A
 *	RET_A: jeq #0, NEXT', MATCH	(only if it has a "ret a")
 *	       ret #POS
 *	NEXT': ja NEXT
 *
 * and the chunk ends with "ret #SIS_CHUNK_NONE". The rewritten instructions
 * replace instructions one for one, so every jump inside the rule keeps its
 * offset.
 * "ja" takes a 32-bit offset, so chunks are not bound by the 8-bit offsets
 * of conditional jumps. Each rule was accepted alone by the classic checker
 * (rules.c), which guarantees it reads only scratch memory it wrote, so its
 * results do not depend on the rules before it. The chunk is checked again
 * and JITed by bpf_prog_create().
 *
 * No rule of a chunk can return 0, and "ret a" with A = 0 goes to the next
 * rule: the chunk returns 0 only when the kernel ends it early, on a load
 * past the end of the frame (ld, ldh, ldb, ldx 4*([k]&0xf), direct or
 * indirect) or a division or modulo by a zero X. The rule that did that
 * does not match alone, but the rules after it still have to run, and the
 * chunk cannot tell which rule it was: sis_ruleset_match() runs the
 * chunk's rules again one by one, each with its own program, and counts
 * the abort (sis_ruleset_aborts()). Such a frame costs the chunk's run
 * and its rules' runs alone: about what rules cost before there were
 * chunks. Other frames only pay for comparing the chunk's return with
 * SIS_CHUNK_NONE instead of 0.
 */
#include <linux/filter.h>
#include <linux/slab.h>
#include <kunit/visibility.h>
#include <net/netlink.h>

#include "rules.h"
#include "ruleset.h"

/* Emit @rule as the block at @pos of @prog, @next the block after it. */
static void sis_chunk_emit(struct sock_filter *prog, const struct sis_rule *rule,
			   unsigned int pos, unsigned int next, u32 match)
{
	unsigned int body = pos + 2, ret_a = body + rule->len, i, pc;

	prog[pos] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_IMM, 0);
	prog[pos + 1] = (struct sock_filter)BPF_STMT(BPF_LDX | BPF_IMM, 0);
	for (i = 0; i < rule->len; i++) {
		struct sock_filter insn = rule->insns[i];

		pc = body + i;
		if (insn.code == (BPF_RET | BPF_K))
			insn = insn.k ?
			       (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, match) :
			       (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA,
							    next - pc - 1, 0, 0);
		else if (insn.code == (BPF_RET | BPF_A))
			insn = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA,
							    ret_a - pc - 1, 0, 0);
		prog[pc] = insn;
	}
	if (!rule->ret_a)
		return;
	prog[ret_a] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						   0, 1, 0);
	prog[ret_a + 1] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, match);
	prog[ret_a + 2] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA,
						       next - ret_a - 3, 0, 0);
}

static void sis_chunk_put(struct sis_chunk *chunk)
{
	if (!refcount_dec_and_test(&chunk->ref))
		return;
	bpf_prog_destroy(chunk->prog);
	kfree(chunk);
}

/* A chunk of @n rules, @len instructions in all (the final return included). */
static struct sis_chunk *sis_chunk_build(struct sis_rule *const *rules,
					 unsigned int n, unsigned int len,
					 struct netlink_ext_ack *extack)
{
	struct sock_fprog_kern fprog = { .len = len };
	struct sis_chunk *chunk;
	struct sock_filter *prog;
	unsigned int i, pos = 0;
	int err;

	chunk = kzalloc(sizeof(*chunk), GFP_KERNEL_ACCOUNT);
	prog = kvmalloc_array(len, sizeof(*prog), GFP_KERNEL);
	if (!chunk || !prog) {
		err = -ENOMEM;
		goto out_free;
	}
	for (i = 0; i < n; i++) {
		unsigned int next = pos + rules[i]->block_len;

		sis_chunk_emit(prog, rules[i], pos, next, i + 1);
		chunk->rules[i] = rules[i];
		pos = next;
	}
	prog[pos] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
						 SIS_CHUNK_NONE);
	chunk->n_rules = n;
	refcount_set(&chunk->ref, 1);

	fprog.filter = prog;
	err = bpf_prog_create(&chunk->prog, &fprog);
	if (err)
		NL_SET_ERR_MSG(extack, "compiling the prevent rules failed");
out_free:
	kvfree(prog);
	if (!err)
		return chunk;
	kfree(chunk);
	return ERR_PTR(err);
}

/* The chunk of @old with exactly these rules, if any, to share. */
static struct sis_chunk *sis_chunk_find(const struct sis_ruleset *old,
					enum sis_dir_index d,
					struct sis_rule *const *rules,
					unsigned int n)
{
	unsigned int i;

	if (!old)
		return NULL;
	for (i = 0; i < old->n_chunks[d]; i++) {
		struct sis_chunk *chunk = old->chunks[d][i];

		if (chunk->n_rules == n &&
		    !memcmp(chunk->rules, rules, n * sizeof(*rules)))
			return chunk;
	}
	return NULL;
}

/*
 * Pack @n rules, in order, into chunks for direction @d: greedily, as many
 * as fit. Packing from the start means appending a rule changes only the last
 * chunk, and deleting one only its chunk and those after it.
 */
static int sis_ruleset_pack(struct sis_ruleset *rs, enum sis_dir_index d,
			    const struct sis_ruleset *old,
			    struct sis_rule *const *rules, unsigned int n,
			    struct netlink_ext_ack *extack)
{
	unsigned int i = 0;

	while (i < n) {
		unsigned int k = 0, len = 1;	/* the final return */
		struct sis_chunk *chunk;

		/* SIS_RULE_INSNS_MAX keeps any one rule within a chunk. */
		while (i + k < n && k < SIS_CHUNK_RULES &&
		       len + rules[i + k]->block_len <= BPF_MAXINSNS)
			len += rules[i + k++]->block_len;

		chunk = sis_chunk_find(old, d, rules + i, k);
		if (chunk)
			refcount_inc(&chunk->ref);
		else
			chunk = sis_chunk_build(rules + i, k, len, extack);
		if (IS_ERR(chunk))
			return PTR_ERR(chunk);
		rs->chunks[d][rs->n_chunks[d]++] = chunk;
		i += k;
	}
	return 0;
}

/**
 * sis_ruleset_build - compile a bridge's prevent rules
 * @old: the ruleset in use, whose unchanged chunks are shared, or NULL
 * @rules: the bridge's rules (struct sis_rule.list), in order
 * @skip: a rule of @rules to leave out (being deleted), or NULL
 * @extra: a rule to add after @rules (being added), or NULL
 * @extack: for the error message
 *
 * Called under RTNL, which keeps @rules and @old stable.
 *
 * Return: the new ruleset, NULL when there are no rules, or an ERR_PTR.
 */
struct sis_ruleset *sis_ruleset_build(const struct sis_ruleset *old,
				      const struct list_head *rules,
				      const struct sis_rule *skip,
				      struct sis_rule *extra,
				      struct netlink_ext_ack *extack)
{
	unsigned int n[SIS_DIR_INDEX_COUNT] = {}, total = 0, d;
	struct sis_rule **seq[SIS_DIR_INDEX_COUNT];
	struct sis_ruleset *rs = NULL;
	struct sis_rule *rule;
	int err = -ENOMEM;

	list_for_each_entry(rule, rules, list)
		total += rule != skip;
	total += !!extra;
	if (!total)
		return NULL;

	seq[0] = kmalloc_array(2 * total, sizeof(*seq[0]), GFP_KERNEL);
	if (!seq[0])
		return ERR_PTR(-ENOMEM);
	seq[1] = seq[0] + total;
	list_for_each_entry(rule, rules, list) {
		if (rule == skip)
			continue;
		for (d = 0; d < SIS_DIR_INDEX_COUNT; d++)
			if (rule->dir & (1 << d))
				seq[d][n[d]++] = rule;
	}
	for (d = 0; extra && d < SIS_DIR_INDEX_COUNT; d++)
		if (extra->dir & (1 << d))
			seq[d][n[d]++] = extra;

	/* A chunk holds at least one rule: n chunks at most. */
	rs = kzalloc(struct_size(rs, slots, n[0] + n[1]), GFP_KERNEL_ACCOUNT);
	if (!rs)
		goto out;
	rs->chunks[0] = rs->slots;
	rs->chunks[1] = rs->slots + n[0];
	for (d = 0; d < SIS_DIR_INDEX_COUNT; d++) {
		err = sis_ruleset_pack(rs, d, old, seq[d], n[d], extack);
		if (err)
			break;
	}
out:
	kfree(seq[0]);
	if (!err)
		return rs;
	if (rs)
		sis_ruleset_free(rs);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_IF_KUNIT(sis_ruleset_build);

/* Free a ruleset no reader can see (never published, or after RCU). */
void sis_ruleset_free(struct sis_ruleset *rs)
{
	unsigned int d, i;

	for (d = 0; d < SIS_DIR_INDEX_COUNT; d++)
		for (i = 0; i < rs->n_chunks[d]; i++)
			sis_chunk_put(rs->chunks[d][i]);
	kfree(rs);
}
EXPORT_SYMBOL_IF_KUNIT(sis_ruleset_free);

static void sis_ruleset_free_cb(struct rcu_head *head)
{
	sis_ruleset_free(container_of(head, struct sis_ruleset, rcu));
}

/* Free a ruleset that was replaced: the hook may still be running it. */
void sis_ruleset_free_rcu(struct sis_ruleset *rs)
{
	call_rcu(&rs->rcu, sis_ruleset_free_cb);
}

/* Chunks that ended early, counted per CPU for sis_ruleset_aborts(). */
static DEFINE_PER_CPU(unsigned long, sis_chunk_aborts);

/**
 * sis_ruleset_aborts - chunks that ended early, since the module was loaded
 *
 * Return: how many times a chunk program ended before its rules had run
 * (the rules were then run alone), summed over the CPUs.
 */
unsigned long sis_ruleset_aborts(void)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu(sis_chunk_aborts, cpu);
	return sum;
}
EXPORT_SYMBOL_IF_KUNIT(sis_ruleset_aborts);

/*
 * @chunk returned 0: one of its rules ended the program early. Run its
 * rules one by one, each alone, as the classic semantics have them: that
 * rule and those before it do not match, the first one after it that
 * matches does.
 */
static __cold struct sis_rule *sis_chunk_match_alone(const struct sis_chunk *chunk,
						     struct sk_buff *skb)
{
	unsigned int i;

	this_cpu_inc(sis_chunk_aborts);
	for (i = 0; i < chunk->n_rules; i++)
		if (bpf_prog_run(chunk->rules[i]->prog, skb))
			return chunk->rules[i];
	return NULL;
}

/**
 * sis_ruleset_match - the first rule of direction @d matching a frame
 * @rs: the bridge's ruleset
 * @d: the frame's direction
 * @skb: the frame, skb->data at the network header as in the bridge's
 *	forward hook
 *
 * The programs see the frame from its Ethernet header on, as libpcap
 * expects for DLT_EN10MB. Called under RCU with bottom halves disabled.
 *
 * Return: the matching rule, or NULL.
 */
struct sis_rule *sis_ruleset_match(const struct sis_ruleset *rs,
				   enum sis_dir_index d, struct sk_buff *skb)
{
	unsigned int mac_len = skb->data - skb_mac_header(skb), i;
	struct sis_rule *rule = NULL;

	__skb_push(skb, mac_len);
	for (i = 0; i < rs->n_chunks[d]; i++) {
		const struct sis_chunk *chunk = rs->chunks[d][i];
		u32 res = bpf_prog_run(chunk->prog, skb);

		if (likely(res == SIS_CHUNK_NONE))
			continue;
		if (!res)
			rule = sis_chunk_match_alone(chunk, skb);
		else if (!WARN_ON_ONCE(res > chunk->n_rules))
			rule = chunk->rules[res - 1];
		if (rule)
			break;
	}
	__skb_pull(skb, mac_len);
	return rule;
}
EXPORT_SYMBOL_IF_KUNIT(sis_ruleset_match);
