// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the datapath: direction classification, prevent-rule
 * matching on constructed frames, the ruleset compiler (rules concatenated
 * into chunks behave exactly as the rules alone), the kernel's rejection of
 * bad programs, and the hook's verdicts and counters.
 *
 * The filter programs are what `tcpdump -dd EXPR` (libpcap) prints, so the
 * kernel side is tested on exactly what sisctl sends.
 */
#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/filter.h>
#include <linux/if_arp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/module.h>
#include <linux/netfilter_bridge.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>

#include "frames.h"
#include "../hook.h"
#include "../rules.h"
#include "../ruleset.h"

static struct sis_rule *filter_rule(struct kunit *test, enum filter_id id,
				    u8 dir)
{
	struct sis_rule *rule;

	rule = sis_rule_create(sis_test_filters[id].insns, sis_test_filters[id].len, dir, NULL,
			       NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(rule));
	return rule;
}

struct match_case {
	const char *name;
	enum filter_id filter;
	enum frame_kind frame;
	bool match;
};

static const struct match_case match_cases[] = {
	{ "icmp matches icmp", FILTER_ICMP, FRAME_ICMP4, true },
	{ "icmp ignores udp", FILTER_ICMP, FRAME_UDP4_9999, false },
	{ "icmp ignores arp", FILTER_ICMP, FRAME_ARP, false },
	{ "udp 9999 matches v4", FILTER_UDP9999, FRAME_UDP4_9999, true },
	{ "udp 9999 matches v6", FILTER_UDP9999, FRAME_UDP6_9999, true },
	{ "udp 9999 ignores port 53", FILTER_UDP9999, FRAME_UDP4_53, false },
	{ "udp 9999 ignores later fragments", FILTER_UDP9999,
	  FRAME_UDP4_9999_FRAG, false },
	{ "udp 9999 ignores tcp", FILTER_UDP9999, FRAME_TCP4_SYN, false },
	{ "tcp syn matches syn", FILTER_TCPSYN, FRAME_TCP4_SYN, true },
	{ "tcp syn ignores ack", FILTER_TCPSYN, FRAME_TCP4_ACK, false },
	{ "arp matches arp", FILTER_ARP, FRAME_ARP, true },
	{ "arp ignores icmp", FILTER_ARP, FRAME_ICMP4, false },
	{ "ret a with the length matches", FILTER_RET_LEN, FRAME_ARP, true },
	{ "ret a with A as started", FILTER_RET_A0, FRAME_ICMP4, false },
	{ "ret a with X as started", FILTER_RET_X0, FRAME_ICMP4, false },
	{ "scratch memory: ipv4 matches", FILTER_MEM_IPV4, FRAME_TCP4_ACK,
	  true },
	{ "scratch memory: ipv6 does not", FILTER_MEM_IPV4, FRAME_UDP6_9999,
	  false },
};

static void match_case_desc(const struct match_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(match, match_cases, match_case_desc);

/* A list of rules, compiled; freed by rules_free(). */
struct rules {
	struct list_head list;
	struct sis_ruleset *rs;
};

static void rules_init(struct rules *r)
{
	INIT_LIST_HEAD(&r->list);
	r->rs = NULL;
}

static struct sis_rule *rules_add(struct kunit *test, struct rules *r,
				  enum filter_id id, u8 dir)
{
	struct sis_rule *rule = filter_rule(test, id, dir);

	list_add_tail(&rule->list, &r->list);
	return rule;
}

/* Compile the list, as a bridge does, sharing chunks with the last build. */
static void rules_build(struct kunit *test, struct rules *r)
{
	struct sis_ruleset *rs;

	rs = sis_ruleset_build(r->rs, &r->list, NULL, NULL, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(rs));
	if (r->rs)
		sis_ruleset_free(r->rs);
	r->rs = rs;
}

static void rules_free(struct rules *r)
{
	struct sis_rule *rule, *tmp;

	if (r->rs)
		sis_ruleset_free(r->rs);
	list_for_each_entry_safe(rule, tmp, &r->list, list) {
		list_del(&rule->list);
		sis_rule_destroy(rule);
	}
}

/* The rule of direction @d matching a frame of kind @kind, or NULL. */
static struct sis_rule *rules_match(struct kunit *test, struct rules *r,
				    enum sis_dir_index d, enum frame_kind kind)
{
	struct sk_buff *skb = sis_test_build_frame(test, kind);
	struct sis_rule *rule = NULL;
	unsigned int len = skb->len;

	local_bh_disable();
	if (r->rs)
		rule = sis_ruleset_match(r->rs, d, skb);
	local_bh_enable();

	/* The frame is left as the bridge gave it. */
	KUNIT_EXPECT_EQ(test, skb->len, len);
	KUNIT_EXPECT_PTR_EQ(test, (void *)skb->data,
			    (void *)skb_network_header(skb));
	kfree_skb(skb);
	return rule;
}

static void sis_test_rule_match(struct kunit *test)
{
	const struct match_case *c = test->param_value;
	struct sis_rule *rule, *got;
	struct rules r;

	rules_init(&r);
	rule = rules_add(test, &r, c->filter, SIS_DIR_ANY);
	rules_build(test, &r);
	got = rules_match(test, &r, SIS_DIR_INDEX_IN, c->frame);
	KUNIT_EXPECT_PTR_EQ(test, got, c->match ? rule : NULL);
	rules_free(&r);
}

/* A rule runs in a chunk as it runs alone, whatever ran before it. */
static void sis_test_ruleset_isolation(struct kunit *test)
{
	struct sis_rule *mem, *udp;
	struct rules r;

	rules_init(&r);
	/* Each leaves A, X or scratch memory set and does not match. */
	rules_add(test, &r, FILTER_ARP, SIS_DIR_ANY);	/* A = 0x800 */
	rules_add(test, &r, FILTER_RET_A0, SIS_DIR_ANY);
	udp = rules_add(test, &r, FILTER_UDP9999, SIS_DIR_ANY); /* X = 20 */
	rules_add(test, &r, FILTER_RET_X0, SIS_DIR_ANY);
	mem = rules_add(test, &r, FILTER_MEM_IPV4, SIS_DIR_ANY);
	rules_build(test, &r);
	KUNIT_EXPECT_EQ(test, r.rs->n_chunks[SIS_DIR_INDEX_IN], 1);
	KUNIT_EXPECT_PTR_EQ(test, rules_match(test, &r, SIS_DIR_INDEX_IN,
					      FRAME_UDP4_53), mem);
	KUNIT_EXPECT_PTR_EQ(test, rules_match(test, &r, SIS_DIR_INDEX_OUT,
					      FRAME_UDP6_9999), udp);
	rules_free(&r);
}

/* Forty rules over three chunks: the first match wins, in any chunk. */
static void sis_test_ruleset_chunks(struct kunit *test)
{
	struct sis_rule *first = NULL, *rule;
	struct sis_ruleset *old;
	struct sis_chunk *shared;
	struct rules r;
	unsigned int i;

	rules_init(&r);
	for (i = 0; i < 40; i++) {
		rule = rules_add(test, &r, i == 36 || i == 38 ? FILTER_ICMP :
				 FILTER_ARP, i == 38 ? SIS_DIR_OUT : SIS_DIR_ANY);
		if (i == 36)
			first = rule;
	}
	rules_build(test, &r);
	KUNIT_EXPECT_EQ(test, r.rs->n_chunks[SIS_DIR_INDEX_IN], 3);
	KUNIT_EXPECT_EQ(test, r.rs->chunks[SIS_DIR_INDEX_IN][2]->n_rules, 7);
	KUNIT_EXPECT_EQ(test, r.rs->chunks[SIS_DIR_INDEX_OUT][2]->n_rules, 8);
	KUNIT_EXPECT_PTR_EQ(test, rules_match(test, &r, SIS_DIR_INDEX_IN,
					      FRAME_ICMP4), first);
	KUNIT_EXPECT_PTR_EQ(test, rules_match(test, &r, SIS_DIR_INDEX_OUT,
					      FRAME_ICMP4), first);
	KUNIT_EXPECT_PTR_EQ(test, rules_match(test, &r, SIS_DIR_INDEX_IN,
					      FRAME_TCP4_SYN), NULL);

	/* Adding a rule rebuilds only the last chunk; the full ones are shared. */
	old = r.rs;
	shared = old->chunks[SIS_DIR_INDEX_IN][0];
	rules_add(test, &r, FILTER_TCPSYN, SIS_DIR_IN);
	r.rs = sis_ruleset_build(old, &r.list, NULL, NULL, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(r.rs));
	KUNIT_EXPECT_PTR_EQ(test, r.rs->chunks[SIS_DIR_INDEX_IN][0], shared);
	KUNIT_EXPECT_EQ(test, refcount_read(&shared->ref), 2);
	KUNIT_EXPECT_PTR_NE(test, r.rs->chunks[SIS_DIR_INDEX_IN][2],
			    old->chunks[SIS_DIR_INDEX_IN][2]);
	sis_ruleset_free(old);
	KUNIT_EXPECT_EQ(test, refcount_read(&shared->ref), 1);
	KUNIT_EXPECT_NOT_NULL(test, rules_match(test, &r, SIS_DIR_INDEX_IN,
						FRAME_TCP4_SYN));
	rules_free(&r);
}

/* Rules of the longest length accepted take a chunk each. */
static void sis_test_ruleset_long_rules(struct kunit *test)
{
	struct sock_filter *insns;
	struct sis_rule *rule[2];
	struct rules r;
	unsigned int i, k;

	insns = kunit_kcalloc(test, SIS_RULE_INSNS_MAX, sizeof(*insns),
			      GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, insns);
	rules_init(&r);
	for (k = 0; k < 2; k++) {
		/* "ld #k" over and over, then "ret a": matches if k. */
		for (i = 0; i < SIS_RULE_INSNS_MAX - 1; i++)
			insns[i] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_IMM, k);
		insns[i] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_A, 0);
		rule[k] = sis_rule_create(insns, SIS_RULE_INSNS_MAX,
					  SIS_DIR_ANY, NULL, NULL);
		KUNIT_ASSERT_FALSE(test, IS_ERR(rule[k]));
		list_add_tail(&rule[k]->list, &r.list);
	}
	rules_build(test, &r);
	KUNIT_EXPECT_EQ(test, r.rs->n_chunks[SIS_DIR_INDEX_IN], 2);
	KUNIT_EXPECT_PTR_EQ(test, rules_match(test, &r, SIS_DIR_INDEX_IN,
					      FRAME_ARP), rule[1]);
	rules_free(&r);
}

/* Deleting a rule leaves the others matching; no rules, no ruleset. */
static void sis_test_ruleset_delete(struct kunit *test)
{
	struct sis_rule *icmp, *arp;
	struct sis_ruleset *rs;
	struct rules r;

	rules_init(&r);
	icmp = rules_add(test, &r, FILTER_ICMP, SIS_DIR_IN);
	arp = rules_add(test, &r, FILTER_ARP, SIS_DIR_IN);
	rules_build(test, &r);

	rs = sis_ruleset_build(r.rs, &r.list, icmp, NULL, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(rs));
	sis_ruleset_free(r.rs);
	r.rs = rs;
	list_del(&icmp->list);
	sis_rule_destroy(icmp);
	KUNIT_EXPECT_PTR_EQ(test, rules_match(test, &r, SIS_DIR_INDEX_IN,
					      FRAME_ICMP4), NULL);
	KUNIT_EXPECT_PTR_EQ(test, rules_match(test, &r, SIS_DIR_INDEX_IN,
					      FRAME_ARP), arp);
	KUNIT_EXPECT_EQ(test, r.rs->n_chunks[SIS_DIR_INDEX_OUT], 0);

	KUNIT_EXPECT_NULL(test, sis_ruleset_build(r.rs, &r.list, arp, NULL,
						  NULL));
	rules_free(&r);
}

struct bad_case {
	const char *name;
	struct sock_filter insns[3];
	unsigned int len;
};

static const struct bad_case bad_cases[] = {
	{ "empty program", { }, 0 },
	{ "no return", { { BPF_LD | BPF_W | BPF_ABS, 0, 0, 0 } }, 1 },
	{ "unknown opcode", { { 0xffff, 0, 0, 0 },
			      { BPF_RET | BPF_K, 0, 0, 1 } }, 2 },
	{ "jump out of range", { { BPF_JMP | BPF_JEQ | BPF_K, 5, 0, 1 },
				 { BPF_RET | BPF_K, 0, 0, 1 } }, 2 },
	{ "scratch read before write", { { BPF_LD | BPF_MEM, 0, 0, 3 },
					 { BPF_RET | BPF_A, 0, 0, 0 } }, 2 },
	{ "too long", { }, BPF_MAXINSNS + 1 },
	{ "longer than a chunk allows", { }, SIS_RULE_INSNS_MAX + 1 },
};

static void bad_case_desc(const struct bad_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad, bad_cases, bad_case_desc);

static void sis_test_rule_rejected(struct kunit *test)
{
	const struct bad_case *c = test->param_value;
	struct sock_filter *insns;
	struct sis_rule *rule;

	/* "too long" needs a buffer of its length; contents do not matter. */
	insns = kunit_kcalloc(test, max(c->len, 3U), sizeof(*insns),
			      GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, insns);
	memcpy(insns, c->insns, sizeof(c->insns));

	rule = sis_rule_create(insns, c->len, SIS_DIR_ANY, NULL, NULL);
	KUNIT_EXPECT_TRUE(test, IS_ERR(rule));
	if (!IS_ERR(rule))
		sis_rule_destroy(rule);
}

struct hook_env {
	struct net_device *host, *net, *other;
	struct sis_bridge sb;
};

static struct hook_env *hook_env_new(struct kunit *test)
{
	struct hook_env *env = kunit_kzalloc(test, sizeof(*env), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, env);
	/* Only their addresses matter to the hook. */
	env->host = kunit_kzalloc(test, sizeof(*env->host), GFP_KERNEL);
	env->net = kunit_kzalloc(test, sizeof(*env->net), GFP_KERNEL);
	env->other = kunit_kzalloc(test, sizeof(*env->other), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, env->host);
	KUNIT_ASSERT_NOT_NULL(test, env->net);
	KUNIT_ASSERT_NOT_NULL(test, env->other);
	env->sb.host_dev = env->host;
	env->sb.net_dev = env->net;
	env->sb.stats = sis_count_alloc(SIS_DIR_INDEX_COUNT);
	KUNIT_ASSERT_FALSE(test, !env->sb.stats);
	INIT_LIST_HEAD(&env->sb.rules);
	return env;
}

/* Compile the rules added to env->sb.rules, as a bridge does. */
static void hook_env_commit(struct kunit *test, struct hook_env *env)
{
	struct sis_ruleset *rs;

	rs = sis_ruleset_build(NULL, &env->sb.rules, NULL, NULL, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(rs));
	RCU_INIT_POINTER(env->sb.ruleset, rs);
}

static void hook_env_free(struct hook_env *env)
{
	struct sis_ruleset *rs = rcu_dereference_protected(env->sb.ruleset, 1);
	struct sis_rule *rule, *tmp;

	if (rs)
		sis_ruleset_free(rs);
	list_for_each_entry_safe(rule, tmp, &env->sb.rules, list) {
		list_del(&rule->list);
		sis_rule_destroy(rule);
	}
	free_percpu(env->sb.stats);
}

static void sis_test_direction(struct kunit *test)
{
	struct hook_env *env = hook_env_new(test);

	KUNIT_EXPECT_EQ(test, sis_bridge_dir(&env->sb, env->net), SIS_DIR_IN);
	KUNIT_EXPECT_EQ(test, sis_bridge_dir(&env->sb, env->host),
			SIS_DIR_OUT);
	KUNIT_EXPECT_EQ(test, sis_bridge_dir(&env->sb, env->other), 0);
	KUNIT_EXPECT_EQ(test, sis_bridge_dir(&env->sb, NULL), 0);
	hook_env_free(env);
}

static unsigned int run_hook(struct hook_env *env, struct net_device *in,
			     struct sk_buff *skb)
{
	struct nf_hook_state state = {
		.hook = NF_BR_FORWARD,
		.pf = NFPROTO_BRIDGE,
		.in = in,
	};
	unsigned int verdict;

	rcu_read_lock();
	local_bh_disable();
	verdict = sis_hook(&env->sb, skb, &state);
	local_bh_enable();
	rcu_read_unlock();
	return verdict;
}

struct hook_case {
	const char *name;
	u8 rule_dir;
	bool from_host;
	enum frame_kind frame;
	unsigned int verdict;
};

static const struct hook_case hook_cases[] = {
	{ "out rule drops outgoing match", SIS_DIR_OUT, true,
	  FRAME_UDP4_9999, NF_DROP },
	{ "out rule passes incoming match", SIS_DIR_OUT, false,
	  FRAME_UDP4_9999, NF_ACCEPT },
	{ "in rule drops incoming match", SIS_DIR_IN, false,
	  FRAME_UDP4_9999, NF_DROP },
	{ "in rule passes outgoing match", SIS_DIR_IN, true,
	  FRAME_UDP4_9999, NF_ACCEPT },
	{ "any rule drops outgoing match", SIS_DIR_ANY, true,
	  FRAME_UDP6_9999, NF_DROP },
	{ "any rule drops incoming match", SIS_DIR_ANY, false,
	  FRAME_UDP6_9999, NF_DROP },
	{ "any rule passes non-match", SIS_DIR_ANY, false,
	  FRAME_UDP4_53, NF_ACCEPT },
};

static void hook_case_desc(const struct hook_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(hook, hook_cases, hook_case_desc);

static void sis_test_hook(struct kunit *test)
{
	const struct hook_case *c = test->param_value;
	struct hook_env *env = hook_env_new(test);
	struct sis_count dir_count, other_count, rule_count;
	unsigned int idx, frame_len, verdict;
	struct sis_rule *rule;
	struct sk_buff *skb;
	bool drop = c->verdict == NF_DROP;

	rule = filter_rule(test, FILTER_UDP9999, c->rule_dir);
	list_add_tail(&rule->list, &env->sb.rules);
	hook_env_commit(test, env);

	skb = sis_test_build_frame(test, c->frame);
	frame_len = skb->len + ETH_HLEN;
	verdict = run_hook(env, c->from_host ? env->host : env->net, skb);
	KUNIT_EXPECT_EQ(test, verdict, c->verdict);
	kfree_skb(skb);

	idx = c->from_host ? SIS_DIR_INDEX_OUT : SIS_DIR_INDEX_IN;
	sis_count_read(env->sb.stats + idx, &dir_count);
	sis_count_read(env->sb.stats + (SIS_DIR_INDEX_COUNT - 1 - idx),
		       &other_count);
	sis_count_read(rule->stats, &rule_count);
	KUNIT_EXPECT_EQ(test, dir_count.frames, 1);
	KUNIT_EXPECT_EQ(test, dir_count.bytes, frame_len);
	KUNIT_EXPECT_EQ(test, dir_count.dropped, drop ? 1 : 0);
	KUNIT_EXPECT_EQ(test, other_count.frames, 0);
	KUNIT_EXPECT_EQ(test, rule_count.frames, drop ? 1 : 0);
	KUNIT_EXPECT_EQ(test, rule_count.bytes, drop ? frame_len : 0);
	hook_env_free(env);
}

static void sis_test_hook_other_bridge(struct kunit *test)
{
	struct hook_env *env = hook_env_new(test);
	struct sis_count in, out;
	struct sis_rule *rule;
	struct sk_buff *skb;

	rule = filter_rule(test, FILTER_ICMP, SIS_DIR_ANY);
	list_add_tail(&rule->list, &env->sb.rules);
	hook_env_commit(test, env);

	/* A frame of another bridge in the namespace is not ours. */
	skb = sis_test_build_frame(test, FRAME_ICMP4);
	KUNIT_EXPECT_EQ(test, run_hook(env, env->other, skb), NF_ACCEPT);
	kfree_skb(skb);
	sis_count_read(env->sb.stats + SIS_DIR_INDEX_IN, &in);
	sis_count_read(env->sb.stats + SIS_DIR_INDEX_OUT, &out);
	KUNIT_EXPECT_EQ(test, in.frames + out.frames, 0);
	hook_env_free(env);
}

static void sis_test_hook_first_match(struct kunit *test)
{
	struct hook_env *env = hook_env_new(test);
	struct sis_rule *r1, *r2;
	struct sis_count c1, c2;
	struct sk_buff *skb;

	/* Two matching rules: the first one in list order counts the drop. */
	r1 = filter_rule(test, FILTER_ICMP, SIS_DIR_ANY);
	r2 = filter_rule(test, FILTER_ICMP, SIS_DIR_ANY);
	list_add_tail(&r1->list, &env->sb.rules);
	list_add_tail(&r2->list, &env->sb.rules);
	hook_env_commit(test, env);

	skb = sis_test_build_frame(test, FRAME_ICMP4);
	KUNIT_EXPECT_EQ(test, run_hook(env, env->net, skb), NF_DROP);
	kfree_skb(skb);
	sis_count_read(r1->stats, &c1);
	sis_count_read(r2->stats, &c2);
	KUNIT_EXPECT_EQ(test, c1.frames, 1);
	KUNIT_EXPECT_EQ(test, c2.frames, 0);
	hook_env_free(env);
}

static struct kunit_case sis_hook_cases[] = {
	KUNIT_CASE(sis_test_direction),
	KUNIT_CASE_PARAM(sis_test_rule_match, match_gen_params),
	KUNIT_CASE(sis_test_ruleset_isolation),
	KUNIT_CASE(sis_test_ruleset_chunks),
	KUNIT_CASE(sis_test_ruleset_long_rules),
	KUNIT_CASE(sis_test_ruleset_delete),
	KUNIT_CASE_PARAM(sis_test_rule_rejected, bad_gen_params),
	KUNIT_CASE_PARAM(sis_test_hook, hook_gen_params),
	KUNIT_CASE(sis_test_hook_other_bridge),
	KUNIT_CASE(sis_test_hook_first_match),
	{}
};

static struct kunit_suite sis_hook_suite = {
	.name = "sis_hook",
	.test_cases = sis_hook_cases,
};

kunit_test_suite(sis_hook_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for the SIS datapath");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
