// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the ruleset compiler against the rules run alone: the
 * chunks of a ruleset must find the rule that running each rule's own
 * program, in order, finds first, for every frame, truncated ones included.
 *
 * In classic BPF a load past the end of the frame, or a division or modulo
 * by a zero X, ends the whole program with 0. A rule alone then does not
 * match; inside a chunk, the rules after it must still run.
 *
 * The rules are real pcap expressions (rule_corpus.txt, compiled by libpcap
 * into rule_corpus.h by scripts/rule-corpus.sh) and a few hand-written
 * programs that return A. The differential case draws rule sets of 1 to 40
 * rules (so several chunks) from them and random Ethernet, VLAN, PPPoE,
 * MPLS, ARP, IPv4 and IPv6 frames with TCP, UDP and ICMP, each also cut at
 * random lengths, from a fixed seed: a failure says the set, the frame and
 * the cut, and happens again on the next run.
 */
#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/skbuff.h>

#include "rule_corpus.h"
#include "../rules.h"
#include "../ruleset.h"

/* Loads 4 bytes of an IPv4 TCP payload and returns 7 if "GET ", else 0. */
static const struct sock_filter x_get_ret_a[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 54),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x47455420, 0, 2),
	BPF_STMT(BPF_LD | BPF_IMM, 7),
	BPF_STMT(BPF_RET | BPF_A, 0),
	BPF_STMT(BPF_LD | BPF_IMM, 0),
	BPF_STMT(BPF_RET | BPF_A, 0),
};

/* Returns an IPv4 header's length less 20: 0 without options. */
static const struct sock_filter x_ipopt_ret_a[] = {
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 4),
	BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 14),
	BPF_STMT(BPF_MISC | BPF_TXA, 0),
	BPF_STMT(BPF_ALU | BPF_SUB | BPF_K, 20),
	BPF_STMT(BPF_RET | BPF_A, 0),
	BPF_STMT(BPF_RET | BPF_K, 0),
};

/* Returns 64 / (TTL - 64) for IPv4: a TTL of 64 divides by zero. */
static const struct sock_filter x_ttl_div_ret_a[] = {
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 6),
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 22),
	BPF_STMT(BPF_ALU | BPF_SUB | BPF_K, 64),
	BPF_STMT(BPF_MISC | BPF_TAX, 0),
	BPF_STMT(BPF_LD | BPF_IMM, 64),
	BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0),
	BPF_STMT(BPF_RET | BPF_A, 0),
	BPF_STMT(BPF_RET | BPF_K, 0),
};

/* Never matches: "ret a" with A as the program starts. */
static const struct sock_filter x_ret_a0[] = {
	BPF_STMT(BPF_RET | BPF_A, 0),
};

static const struct rule_corpus_entry extra_corpus[] = {
	{ x_get_ret_a, ARRAY_SIZE(x_get_ret_a), "(ld [54] = \"GET \": ret a)" },
	{ x_ipopt_ret_a, ARRAY_SIZE(x_ipopt_ret_a), "(IPv4 options: ret a)" },
	{ x_ttl_div_ret_a, ARRAY_SIZE(x_ttl_div_ret_a), "(64 / (TTL - 64): ret a)" },
	{ x_ret_a0, ARRAY_SIZE(x_ret_a0), "(ret a)" },
};

#define N_CORPUS (ARRAY_SIZE(rule_corpus) + ARRAY_SIZE(extra_corpus))

static const struct rule_corpus_entry *corpus(unsigned int i)
{
	if (i < ARRAY_SIZE(rule_corpus))
		return &rule_corpus[i];
	return &extra_corpus[i - ARRAY_SIZE(rule_corpus)];
}

static unsigned int corpus_find(struct kunit *test, const char *expr)
{
	unsigned int i;

	for (i = 0; i < N_CORPUS; i++)
		if (!strcmp(corpus(i)->expr, expr))
			return i;
	KUNIT_FAIL_AND_ABORT(test, "no rule '%s' in the corpus", expr);
	return 0;
}

#define SET_MAX 40

/*
 * Rules made once for the suite, as needed (each JIT takes a while under
 * KASAN and TCG): up to SET_MAX copies of each rule of the corpus, and each
 * one's own program for the oracle.
 */
static struct rule_pool {
	struct sis_rule *rule[N_CORPUS][SET_MAX];
	struct bpf_prog *alone[N_CORPUS];
} *pool;

/* A set of rules of the pool, in order, and their ruleset. */
struct rule_set {
	unsigned int n;
	unsigned int corpus[SET_MAX];
	struct sis_rule *rule[SET_MAX];
	struct list_head list;
	struct sis_ruleset *rs;
};

static void set_init(struct rule_set *s)
{
	s->n = 0;
	INIT_LIST_HEAD(&s->list);
	s->rs = NULL;
}

static void set_add(struct kunit *test, struct rule_set *s, unsigned int c,
		    u8 dir)
{
	const struct rule_corpus_entry *e = corpus(c);
	struct sock_fprog_kern fprog = {
		.len = e->len,
		.filter = (struct sock_filter *)e->insns,
	};
	struct sis_rule **rule;
	unsigned int i, copy = 0;

	KUNIT_ASSERT_LT(test, s->n, SET_MAX);
	for (i = 0; i < s->n; i++)
		copy += s->corpus[i] == c;
	rule = &pool->rule[c][copy];
	if (!*rule) {
		*rule = sis_rule_create(e->insns, e->len, dir, e->expr, NULL);
		if (IS_ERR(*rule)) {
			*rule = NULL;
			KUNIT_FAIL_AND_ABORT(test, "rule '%s' rejected", e->expr);
		}
	}
	if (!pool->alone[c])
		KUNIT_ASSERT_EQ(test, bpf_prog_create(&pool->alone[c], &fprog), 0);
	(*rule)->dir = dir;
	list_add_tail(&(*rule)->list, &s->list);
	s->corpus[s->n] = c;
	s->rule[s->n++] = *rule;
}

static void set_build(struct kunit *test, struct rule_set *s)
{
	s->rs = sis_ruleset_build(NULL, &s->list, NULL, NULL, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(s->rs));
}

static void set_free(struct rule_set *s)
{
	unsigned int i;

	if (s->rs)
		sis_ruleset_free(s->rs);
	for (i = 0; i < s->n; i++)
		list_del(&s->rule[i]->list);
	set_init(s);
}

/* What the chunks found and what the rules alone found, in each direction. */
struct match {
	int got[SIS_DIR_INDEX_COUNT];
	int want[SIS_DIR_INDEX_COUNT];
};

/* The position of @rule in @s, or -1. */
static int set_pos(const struct rule_set *s, const struct sis_rule *rule)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (s->rule[i] == rule)
			return i;
	return -1;
}

/*
 * Match @skb (skb->data at the network header, as the hook has it) in both
 * directions: with the ruleset, and with each rule's own program alone, in
 * order, the first non-zero return winning. Bottom halves disabled, as in
 * the hook.
 */
static void set_match(const struct rule_set *s, struct sk_buff *skb,
		      struct match *m)
{
	unsigned int mac_len = skb->data - skb_mac_header(skb), i, d;
	u8 todo = SIS_DIR_ANY, dirs;

	for (d = 0; d < SIS_DIR_INDEX_COUNT; d++) {
		m->got[d] = set_pos(s, sis_ruleset_match(s->rs, d, skb));
		m->want[d] = -1;
	}
	__skb_push(skb, mac_len);
	for (i = 0; i < s->n && todo; i++) {
		dirs = s->rule[i]->dir & todo;
		if (!dirs || !bpf_prog_run(pool->alone[s->corpus[i]], skb))
			continue;
		for (d = 0; d < SIS_DIR_INDEX_COUNT; d++)
			if (dirs & (1 << d))
				m->want[d] = i;
		todo &= ~dirs;
	}
	__skb_pull(skb, mac_len);
}

static void set_match_bh(const struct rule_set *s, struct sk_buff *skb,
			 struct match *m)
{
	local_bh_disable();
	rcu_read_lock();
	set_match(s, skb, m);
	rcu_read_unlock();
	local_bh_enable();
}

static struct sk_buff *frame_skb(struct kunit *test, const u8 *frame,
				 unsigned int len)
{
	struct sk_buff *skb = alloc_skb(NET_IP_ALIGN + len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, NET_IP_ALIGN);
	skb_reset_mac_header(skb);
	skb_put_data(skb, frame, len);
	skb_pull(skb, ETH_HLEN);
	skb_reset_network_header(skb);
	return skb;
}

/* The IPv4 TCP SYN of the issue: 10.0.0.66 to port 80, no payload, TTL 64. */
static struct sk_buff *syn_skb(struct kunit *test)
{
	static const u8 syn[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 1, 0x08, 0x00,
		0x45, 0, 0, 40, 0, 0, 0, 0, 64, 6, 0, 0,
		10, 0, 0, 66, 10, 0, 0, 2,
		0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0,
		0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0,
	};

	return frame_skb(test, syn, sizeof(syn));
}

struct abort_case {
	const char *name;
	const char *first;	/* aborts on the SYN */
};

static const struct abort_case abort_cases[] = {
	{ "payload load past the end", "tcp dst port 80 and tcp[20:4] = 0x47455420" },
	{ "indirect load past the end", "tcp[((tcp[12] & 0xf0) >> 2):4] = 0x47455420" },
	{ "division by zero", "tcp[0] / (tcp[1] - tcp[1]) = 0" },
	{ "modulo by zero", "ip[2:2] % (ip[8] - 64) = 0" },
	{ "load past the end, then ret a", "(ld [54] = \"GET \": ret a)" },
	{ "division by zero, then ret a", "(64 / (TTL - 64): ret a)" },
};

static void abort_case_desc(const struct abort_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(abort, abort_cases, abort_case_desc);

/*
 * The example: a rule that ends its program on the SYN (a load out
 * of bounds, a division by zero), then "src host 10.0.0.66". Alone, the
 * first does not match and the second does; so must the chunk, and the
 * same with the two in different chunks.
 */
static void sis_test_ruleset_abort(struct kunit *test)
{
	const struct abort_case *c = test->param_value;
	struct rule_set *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	unsigned int src = corpus_find(test, "src host 10.0.0.66");
	unsigned int first = corpus_find(test, c->first);
	unsigned int i, none = corpus_find(test, "arp and arp[6:2] = 1");
	struct sk_buff *skb = syn_skb(test);
	unsigned long aborts;
	struct match m;

	KUNIT_ASSERT_NOT_NULL(test, s);
	set_init(s);

	/* In one chunk. */
	set_add(test, s, first, SIS_DIR_ANY);
	set_add(test, s, src, SIS_DIR_ANY);
	set_build(test, s);
	KUNIT_EXPECT_EQ(test, s->rs->n_chunks[SIS_DIR_INDEX_IN], 1);
	aborts = sis_ruleset_aborts();
	set_match_bh(s, skb, &m);
	KUNIT_EXPECT_EQ(test, m.want[SIS_DIR_INDEX_IN], 1);
	KUNIT_EXPECT_EQ_MSG(test, m.got[SIS_DIR_INDEX_IN], 1,
			    "'%s' then '%s', one chunk", c->first,
			    corpus(src)->expr);
	/* The chunk of each direction ended early, once. */
	KUNIT_EXPECT_EQ(test, sis_ruleset_aborts() - aborts, 2);
	set_free(s);

	/* The first rule last of its chunk, the second first of the next. */
	for (i = 0; i < SIS_CHUNK_RULES - 1; i++)
		set_add(test, s, none, SIS_DIR_ANY);
	set_add(test, s, first, SIS_DIR_ANY);
	set_add(test, s, src, SIS_DIR_ANY);
	set_build(test, s);
	KUNIT_EXPECT_EQ(test, s->rs->n_chunks[SIS_DIR_INDEX_IN], 2);
	set_match_bh(s, skb, &m);
	KUNIT_EXPECT_EQ(test, m.want[SIS_DIR_INDEX_IN], SIS_CHUNK_RULES);
	KUNIT_EXPECT_EQ_MSG(test, m.got[SIS_DIR_INDEX_IN], SIS_CHUNK_RULES,
			    "'%s' then '%s', two chunks", c->first,
			    corpus(src)->expr);
	set_free(s);
	kfree_skb(skb);
}

/* xorshift64*: the same numbers on every run, from a fixed seed. */
struct rng {
	u64 s;
};

static u32 rng_next(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return (r->s * 0x2545f4914f6cdd1dULL) >> 32;
}

/* A number in [0, n). */
static u32 rng_below(struct rng *r, u32 n)
{
	return ((u64)rng_next(r) * n) >> 32;
}

static void rng_bytes(struct rng *r, u8 *p, unsigned int n)
{
	while (n--)
		*p++ = rng_next(r);
}

static void put16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(u8 *p, u32 v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

#define FRAME_MAX 256

static u16 rand_port(struct rng *r)
{
	static const u16 ports[] = { 80, 22, 23, 53, 1500, 9999, 40000 };
	u32 i = rng_below(r, ARRAY_SIZE(ports) + 2);

	return i < ARRAY_SIZE(ports) ? ports[i] : rng_next(r);
}

/* A transport header and payload of protocol @proto at @p; its length. */
static unsigned int gen_l4(struct rng *r, u8 *p, u8 proto)
{
	static const u8 flags[] = { 0x02, 0x12, 0x10, 0x04, 0x18, 0x11 };
	unsigned int hlen, plen = 0;

	switch (proto) {
	case IPPROTO_TCP:
		hlen = 20 + (rng_below(r, 4) ? 0 : 4 * rng_below(r, 4));
		rng_bytes(r, p, hlen);
		put16(p, rand_port(r));
		put16(p + 2, rand_port(r));
		p[12] = (hlen / 4) << 4;
		if (rng_below(r, 8))
			p[13] = flags[rng_below(r, ARRAY_SIZE(flags))];
		break;
	case IPPROTO_UDP:
		hlen = 8;
		rng_bytes(r, p, hlen);
		put16(p, rand_port(r));
		put16(p + 2, rand_port(r));
		break;
	default:	/* ICMP, ICMPv6, anything else */
		hlen = 8;
		rng_bytes(r, p, hlen);
		if (rng_below(r, 2))
			p[0] = rng_below(r, 2) ? 8 : 0;	/* echo, reply */
		break;
	}
	if (rng_below(r, 5) >= 2) {
		plen = 1 + rng_below(r, 80);
		if (rng_below(r, 4))
			rng_bytes(r, p + hlen, plen);
		else
			memset(p + hlen, 0, plen);
		if (plen >= 4 && rng_below(r, 2))
			memcpy(p + hlen, "GET ", 4);
	}
	if (proto == IPPROTO_UDP)
		put16(p + 4, rng_below(r, 8) ? hlen + plen : rng_next(r));
	return hlen + plen;
}

static u8 rand_proto(struct rng *r, u8 icmp)
{
	u32 i = rng_below(r, 20);

	if (i < 9)
		return IPPROTO_TCP;
	if (i < 16)
		return IPPROTO_UDP;
	if (i < 18)
		return icmp;
	return i == 18 ? IPPROTO_GRE : rng_next(r);
}

static unsigned int gen_ipv4(struct rng *r, u8 *p)
{
	static const u8 ttls[] = { 64, 64, 1, 128, 255 };
	unsigned int hlen = 20 + (rng_below(r, 4) ? 0 : 4 * rng_below(r, 3));
	unsigned int len;
	u8 proto = rand_proto(r, IPPROTO_ICMP);

	rng_bytes(r, p, hlen);
	p[0] = rng_below(r, 32) ? 0x40 | hlen / 4 : rng_next(r);
	if (rng_below(r, 8))
		put16(p + 6, rng_below(r, 2) ? 0x4000 : 0);	/* DF or not */
	if (rng_below(r, 4))
		p[8] = ttls[rng_below(r, ARRAY_SIZE(ttls))];
	p[9] = proto;
	switch (rng_below(r, 4)) {
	case 0:
		put32(p + 12, 0x0a000042);	/* 10.0.0.66 */
		break;
	case 1:
		put32(p + 12, 0x0a000000 | rng_below(r, 4));
		break;
	case 2:
		put32(p + 12, 0x0a000000 | (rng_next(r) & 0xff));
		break;
	}
	switch (rng_below(r, 5)) {
	case 0:
	case 1:
		put32(p + 16, 0x0a000002);	/* 10.0.0.2 */
		break;
	case 2:
		put32(p + 16, 0xe0000000 | (rng_next(r) & 0xff));
		break;
	case 3:
		memcpy(p + 16, p + 12, 4);
		break;
	}
	len = hlen + gen_l4(r, p + hlen, proto);
	put16(p + 2, rng_below(r, 16) ? len : rng_next(r));
	return len;
}

static unsigned int gen_ipv6(struct rng *r, u8 *p)
{
	static const u8 fe80_1[16] = { 0xfe, 0x80, [15] = 1 };
	unsigned int len;
	u8 proto = rand_proto(r, IPPROTO_ICMPV6);

	rng_bytes(r, p, 40);
	p[0] = 0x60 | (p[0] & 0x0f);
	p[6] = proto;
	if (rng_below(r, 2))
		p[7] = rng_below(r, 2) ? 64 : 1;
	if (!rng_below(r, 4))
		memcpy(p + 8, fe80_1, 16);
	if (!rng_below(r, 4))
		p[24] = 0xff;			/* multicast */
	len = 40 + gen_l4(r, p + 40, proto);
	put16(p + 4, len - 40);
	return len;
}

static unsigned int gen_ip(struct rng *r, u8 *p, u8 *type)
{
	if (rng_below(r, 3)) {
		put16(type, ETH_P_IP);
		return gen_ipv4(r, p);
	}
	put16(type, ETH_P_IPV6);
	return gen_ipv6(r, p);
}

/* A random frame in @f, from the Ethernet header on; its length. */
static unsigned int gen_frame(struct rng *r, u8 *f)
{
	static const u8 mac_1[ETH_ALEN] = { 0, 0, 0, 0, 0, 1 };
	unsigned int len = ETH_HLEN;
	u32 kind = rng_below(r, 20);

	rng_bytes(r, f, ETH_ALEN * 2);
	switch (rng_below(r, 4)) {
	case 0:
		eth_broadcast_addr(f);
		break;
	case 1:
		f[0] |= 1;			/* multicast */
		break;
	default:
		f[0] &= ~1;
		break;
	}
	if (rng_below(r, 2))
		memcpy(f + ETH_ALEN, mac_1, ETH_ALEN);

	if (kind < 14) {
		len += gen_ip(r, f + len, f + 12);
	} else if (kind == 14) {		/* 802.1Q */
		put16(f + 12, ETH_P_8021Q);
		put16(f + 14, rng_below(r, 2) ? 100 : rng_next(r) & 0xfff);
		len += 4 + gen_ip(r, f + 18, f + 16);
	} else if (kind == 15) {		/* PPPoE session, IPv4 */
		put16(f + 12, ETH_P_PPP_SES);
		rng_bytes(r, f + 14, 6);
		put16(f + 20, 0x0021);
		len += 8 + gen_ipv4(r, f + 22);
	} else if (kind == 16) {		/* MPLS, one label, IPv4 */
		put16(f + 12, ETH_P_MPLS_UC);
		rng_bytes(r, f + 14, 4);
		f[16] |= 1;			/* bottom of stack */
		len += 4 + gen_ipv4(r, f + 18);
	} else if (kind == 17) {
		put16(f + 12, ETH_P_ARP);
		rng_bytes(r, f + 14, 28);
		put16(f + 20, 1 + rng_below(r, 2));	/* request, reply */
		len += 28;
	} else {
		put16(f + 12, kind == 18 ? 0x88cc : rng_next(r));	/* LLDP */
		len += rng_below(r, 120);
		rng_bytes(r, f + ETH_HLEN, len - ETH_HLEN);
	}
	if (len < ETH_ZLEN && rng_below(r, 2)) {	/* padded, as on the wire */
		memset(f + len, 0, ETH_ZLEN - len);
		len = ETH_ZLEN;
	}
	return len;
}

/*
 * The differential test's size: about 5 s under KASAN and TCG, most of it
 * compiling the chunks.
 */
#define DIFF_SEED	0x5115eedULL
#define DIFF_SETS	16
#define DIFF_FRAMES	32	/* per set */
#define DIFF_CUTS	6	/* random cuts of each frame, besides its full length */
#define DIFF_REPORTS	3	/* mismatches described */

struct diff {
	struct kunit *test;
	struct rule_set set;
	u8 frame[FRAME_MAX];
	unsigned int checks, mismatches, set_no, frame_no;
};

static const char *rule_name(struct rule_set *s, int i)
{
	return i < 0 ? "none" : corpus(s->corpus[i])->expr;
}

static void diff_report(struct diff *df, enum sis_dir_index d,
			unsigned int len, unsigned int cut, int got, int want)
{
	struct rule_set *s = &df->set;
	struct kunit *test = df->test;
	unsigned int i;

	KUNIT_FAIL(test,
		   "set %u frame %u (seed %#llx), %s, cut at %u of %u bytes: chunks matched rule %d (%s), the rules alone rule %d (%s)",
		   df->set_no, df->frame_no, DIFF_SEED, d ? "out" : "in", cut,
		   len, got, rule_name(s, got), want, rule_name(s, want));
	for (i = 0; i < s->n; i++)
		kunit_info(test, "  rule %u %s%s: %s", i,
			   s->rule[i]->dir & SIS_DIR_IN ? "in" : "",
			   s->rule[i]->dir & SIS_DIR_OUT ? "out" : "",
			   rule_name(s, i));
	for (i = 0; i < cut; i += 32)
		kunit_info(test, "  frame %3u: %*ph", i, min(32U, cut - i),
			   df->frame + i);
}

/* A frame, whole and cut at random lengths, shortest last. */
static void diff_frame(struct diff *df, struct rng *r)
{
	unsigned int len = gen_frame(r, df->frame), cut[1 + DIFF_CUTS];
	struct sk_buff *skb = frame_skb(df->test, df->frame, len);
	struct match m[1 + DIFF_CUTS];
	unsigned int n = 0, i, d;

	/* The kernel log may allocate: report after, BH enabled. */
	local_bh_disable();
	rcu_read_lock();
	cut[0] = len;
	do {
		skb_trim(skb, cut[n] - ETH_HLEN);
		set_match(&df->set, skb, &m[n]);
		if (++n <= DIFF_CUTS)
			cut[n] = ETH_HLEN + rng_below(r, cut[n - 1] - ETH_HLEN);
	} while (n <= DIFF_CUTS && cut[n - 1] > ETH_HLEN);
	rcu_read_unlock();
	local_bh_enable();
	kfree_skb(skb);

	for (i = 0; i < n; i++) {
		for (d = 0; d < SIS_DIR_INDEX_COUNT; d++) {
			df->checks++;
			if (m[i].got[d] != m[i].want[d] &&
			    ++df->mismatches <= DIFF_REPORTS)
				diff_report(df, d, len, cut[i], m[i].got[d],
					    m[i].want[d]);
		}
	}
}

static void diff_set(struct diff *df, struct rng *r)
{
	static const u8 dirs[] = { SIS_DIR_ANY, SIS_DIR_ANY, SIS_DIR_IN,
				   SIS_DIR_OUT };
	struct rule_set *s = &df->set;
	unsigned int n = 1 + rng_below(r, SET_MAX), i;

	for (i = 0; i < n; i++)
		set_add(df->test, s, rng_below(r, N_CORPUS),
			dirs[rng_below(r, ARRAY_SIZE(dirs))]);
	set_build(df->test, s);
	for (df->frame_no = 0; df->frame_no < DIFF_FRAMES; df->frame_no++)
		diff_frame(df, r);
	set_free(s);
}

/*
 * Random rule sets against random frames, whole and cut: the chunks find
 * the rule the rules alone find.
 */
static void sis_test_ruleset_differential(struct kunit *test)
{
	struct diff *df = kunit_kzalloc(test, sizeof(*df), GFP_KERNEL);
	unsigned long aborts;
	struct rng r;
	u64 t0;

	KUNIT_ASSERT_NOT_NULL(test, df);
	df->test = test;
	set_init(&df->set);
	aborts = sis_ruleset_aborts();
	t0 = ktime_get_ns();
	for (df->set_no = 0; df->set_no < DIFF_SETS; df->set_no++) {
		/* A seed per set: a failing set replays by itself. */
		r.s = DIFF_SEED + df->set_no;
		rng_next(&r);
		diff_set(df, &r);
	}
	aborts = sis_ruleset_aborts() - aborts;
	kunit_info(test,
		   "seed %#llx: %u sets, %u checks, %u mismatches, %lu chunks ended early, %llu ms",
		   DIFF_SEED, df->set_no, df->checks, df->mismatches, aborts,
		   div_u64(ktime_get_ns() - t0, NSEC_PER_MSEC));
	KUNIT_EXPECT_EQ(test, df->mismatches, 0);
	/* Or the frames never tested what the chunks do on those. */
	KUNIT_EXPECT_GT(test, aborts, 0);
}

static int sis_ruleset_suite_init(struct kunit_suite *suite)
{
	pool = kzalloc(sizeof(*pool), GFP_KERNEL);
	return pool ? 0 : -ENOMEM;
}

static void sis_ruleset_suite_exit(struct kunit_suite *suite)
{
	unsigned int c, k;

	for (c = 0; c < N_CORPUS; c++) {
		for (k = 0; k < SET_MAX && pool->rule[c][k]; k++)
			sis_rule_destroy(pool->rule[c][k]);
		if (pool->alone[c])
			bpf_prog_destroy(pool->alone[c]);
	}
	kfree(pool);
}

static struct kunit_case sis_ruleset_cases[] = {
	KUNIT_CASE_PARAM(sis_test_ruleset_abort, abort_gen_params),
	KUNIT_CASE_SLOW(sis_test_ruleset_differential),
	{}
};

static struct kunit_suite sis_ruleset_suite = {
	.name = "sis_ruleset",
	.suite_init = sis_ruleset_suite_init,
	.suite_exit = sis_ruleset_suite_exit,
	.test_cases = sis_ruleset_cases,
};

kunit_test_suite(sis_ruleset_suite);
