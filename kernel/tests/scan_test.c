// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the scanner datapath: which subscription a frame belongs
 * to (capability and subscription filters, directions, rights), frame
 * numbering and the messages a scanner reads, verdict aggregation over
 * several scanners, limits, timeouts, releases and fail policies, and the
 * refusal of bad verdicts.
 *
 * The scanner process is a netlink socket opened in the kernel: frames
 * reach it through the real delivery path (batch, timer, unicast).
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/filter.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/netfilter_bridge.h>
#include <linux/netlink.h>
#include <linux/tcp.h>
#include <net/genetlink.h>
#include <net/ip.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "frames.h"
#include "../bridge.h"
#include "../held.h"
#include "../queue.h"
#include "../scan.h"
#include "../scanner.h"
#include "../stats.h"
#include "../subscription.h"

struct scan_env {
	struct kunit *test;
	struct socket *sock;		/* the scanner processes' socket */
	u32 portid;
	struct sis_bridge sb;
	struct sis_scanner scanners[2];
	struct sis_scanner *sc[2];	/* those in use */
	struct sis_cap *caps[4];
	unsigned int n_caps;
	atomic_t forwarded;		/* frames handed to okfn */
	atomic_t freed;			/* frames freed, forwarded or not */
	u8 buf[65536];
};

static struct scan_env *cur_env;

/* The bridge gets a frame on with its Ethernet header pulled, as it gave it. */
static int scan_okfn(struct net *net, struct sock *sk, struct sk_buff *skb)
{
	KUNIT_EXPECT_EQ(cur_env->test, skb->data - skb_mac_header(skb),
			ETH_HLEN);
	atomic_inc(&cur_env->forwarded);
	kfree_skb(skb);
	return 0;
}

static void scan_destructor(struct sk_buff *skb)
{
	atomic_inc(&cur_env->freed);
}

static void scan_env_release(void *data)
{
	struct scan_env *env = data;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(env->sc); i++) {
		struct sis_scanner *sc = env->sc[i];
		struct sis_sub *sub, *tmp;
		struct sock *sk;

		if (!sc)
			continue;
		sk = sis_queue_release(sc);
		if (sk)
			sock_put(sk);
		sis_queue_stop(sc);
		list_for_each_entry_safe(sub, tmp, &sc->subs, list) {
			list_del(&sub->list);
			sis_sub_destroy(sub);
		}
	}
	for (i = 0; i < env->n_caps; i++)
		sis_cap_destroy(env->caps[i]);
	sock_release(env->sock);
	free_percpu(env->sb.stats);
	cur_env = NULL;
}

static struct scan_env *scan_env_new(struct kunit *test)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
	struct scan_env *env;
	int len, err;

	env = kunit_kzalloc(test, sizeof(*env), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, env);
	env->test = test;
	err = sock_create_kern(&init_net, PF_NETLINK, SOCK_RAW,
			       NETLINK_GENERIC, &env->sock);
	KUNIT_ASSERT_EQ(test, err, 0);
	err = kernel_bind(env->sock, (struct sockaddr *)&addr, sizeof(addr));
	KUNIT_ASSERT_EQ(test, err, 0);
	len = kernel_getsockname(env->sock, (struct sockaddr *)&addr);
	KUNIT_ASSERT_GT(test, len, 0);
	env->portid = addr.nl_pid;
	env->sb.net = &init_net;
	INIT_LIST_HEAD(&env->sb.scanners);
	cur_env = env;
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, scan_env_release,
							env), 0);
	/* For sis_scan() itself, as the hook calls it. */
	env->sb.stats = sis_count_alloc(SIS_DIR_INDEX_COUNT);
	KUNIT_ASSERT_FALSE(test, !env->sb.stats);
	return env;
}

static struct sis_scanner *scan_scanner(struct scan_env *env, unsigned int i,
					u8 fail, u32 max_held, u32 timeout_ms)
{
	struct sis_scanner *sc = &env->scanners[i];

	snprintf(sc->name, sizeof(sc->name), "s%u", i);
	sc->sb = &env->sb;
	sc->conf.fail = fail;
	sc->conf.max_held = max_held;
	sc->conf.max_bytes = SIS_MAX_BYTES_DEFAULT;
	sc->conf.timeout_ms = timeout_ms;
	INIT_LIST_HEAD(&sc->caps);
	INIT_LIST_HEAD(&sc->injects);
	INIT_LIST_HEAD(&sc->subs);
	sis_queue_init(sc);
	KUNIT_ASSERT_EQ(env->test,
			sis_queue_attach(sc, env->sock->sk, env->portid, 1,
					 NULL), 0);
	env->sc[i] = sc;
	return sc;
}

static struct sis_cap *scan_cap(struct scan_env *env, enum filter_id f, u8 dir,
				u8 rights)
{
	const struct sis_test_filter *flt = &sis_test_filters[f];
	struct sis_cap *cap;

	KUNIT_ASSERT_LT(env->test, env->n_caps, ARRAY_SIZE(env->caps));
	cap = sis_cap_create("cap", dir, rights, flt->insns, flt->len, NULL,
			     NULL);
	KUNIT_ASSERT_FALSE(env->test, IS_ERR(cap));
	env->caps[env->n_caps++] = cap;
	return cap;
}

static struct sis_sub *scan_sub(struct scan_env *env, struct sis_scanner *sc,
				struct sis_cap *cap, enum filter_id f,
				u8 rights, u32 snaplen)
{
	const struct sis_test_filter *flt = &sis_test_filters[f];
	struct sis_sub *sub;

	sub = sis_sub_create(cap, rights, snaplen, flt->insns, flt->len, NULL,
			     NULL);
	KUNIT_ASSERT_FALSE(env->test, IS_ERR(sub));
	sub->id = ++sc->next_sub_id;
	list_add_tail(&sub->list, &sc->subs);
	return sub;
}

/* A frame as the hook holds it, with the test's okfn and destructor. */
static struct sis_held *scan_held(struct scan_env *env, enum frame_kind kind,
				  u8 dir)
{
	struct nf_hook_state state = {
		.hook = NF_BR_FORWARD,
		.pf = NFPROTO_BRIDGE,
		.net = &init_net,
		.okfn = scan_okfn,
	};
	struct sk_buff *skb = sis_test_build_frame(env->test, kind);
	struct sis_held *h;

	skb->destructor = scan_destructor;
	/* As sis_scan() holds it: from its Ethernet header (held.h). */
	__skb_push(skb, ETH_HLEN);
	h = sis_held_new(skb, &state, NULL, NULL, dir, ETH_HLEN);
	KUNIT_ASSERT_NOT_NULL(env->test, h);
	return h;
}

/*
 * The datapath's context, from a frame's first delivery to the end of the
 * hook: RCU held, bottom halves disabled (no timer runs meanwhile).
 */
static void hook_begin(void)
	__acquires(RCU)
{
	local_bh_disable();
	rcu_read_lock();
}

static void hook_end(void)
	__releases(RCU)
{
	rcu_read_unlock();
	local_bh_enable();
}

/*
 * What the datapath does for one scanner: deliver with MAC pushed. A held
 * frame (scan_held()) is pushed already, and stays so until its fate.
 */
static void scan_deliver(struct sis_scanner *sc, struct sis_sub *sub,
			 struct sk_buff *skb, u8 dir, struct sis_held *h)
{
	unsigned int mac_len = skb->data - skb_mac_header(skb);

	__skb_push(skb, mac_len);
	sis_queue_deliver(sc, sub, skb, skb->len, dir, h);
	if (!h)
		__skb_pull(skb, mac_len);
}

static unsigned int scan_commit(struct sis_held *h)
{
	struct sk_buff *skb = h->skb;
	unsigned int verdict = sis_held_commit(h);

	/* What the hook's caller does with a frame that was not stolen. */
	if (verdict == NF_ACCEPT)
		scan_okfn(&init_net, NULL, skb);
	else if (verdict == NF_DROP)
		kfree_skb(skb);
	return verdict;
}

static int scan_verdict(struct sis_scanner *sc, u64 num, u32 code)
{
	struct sis_verdict v = { .frame = num, .verdict = code };

	return sis_queue_verdicts(sc, &v, 1, NULL);
}

struct scan_frame {
	u64 num;
	u32 sub, len, caplen;
	u8 dir;
	bool held;
	const u8 *data;		/* in env->buf, until the next read */
};

/* One SIS_CMD_FRAME message. */
static void scan_parse(struct kunit *test, struct nlmsghdr *nlh,
		       struct scan_frame *f)
{
	struct nlattr *tb[SIS_A_MAX + 1], *ftb[SIS_FRAME_A_MAX + 1];
	struct genlmsghdr *gh = nlmsg_data(nlh);
	int err;

	KUNIT_ASSERT_EQ(test, gh->cmd, SIS_CMD_FRAME);
	err = nlmsg_parse_deprecated(nlh, GENL_HDRLEN, tb, SIS_A_MAX, NULL,
				     NULL);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_ASSERT_NOT_NULL(test, tb[SIS_A_FRAME]);
	err = nla_parse_nested_deprecated(ftb, SIS_FRAME_A_MAX,
					  tb[SIS_A_FRAME], NULL, NULL);
	KUNIT_ASSERT_EQ(test, err, 0);
	f->num = nla_get_u64(ftb[SIS_FRAME_A_NUM]);
	f->sub = nla_get_u32(ftb[SIS_FRAME_A_SUB]);
	f->dir = nla_get_u8(ftb[SIS_FRAME_A_DIR]);
	f->len = nla_get_u32(ftb[SIS_FRAME_A_LEN]);
	f->held = !!ftb[SIS_FRAME_A_HELD];
	f->caplen = nla_len(ftb[SIS_FRAME_A_DATA]);
	f->data = nla_data(ftb[SIS_FRAME_A_DATA]);
}

/*
 * Read up to max SIS_CMD_FRAME messages, waiting up to a second in all for
 * them to come, and hand each to @each (its data is in env->buf until the
 * next read).
 */
static unsigned int scan_read_each(struct scan_env *env, unsigned int max,
				   void (*each)(struct scan_env *env,
						const struct scan_frame *f,
						unsigned int i, void *arg),
				   void *arg)
{
	unsigned int n = 0, tries = 0;

	while (n < max && tries < 50) {
		struct kvec iov = { env->buf, sizeof(env->buf) };
		struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
		struct nlmsghdr *nlh;
		struct scan_frame f;
		int len;

		len = kernel_recvmsg(env->sock, &msg, &iov, 1, iov.iov_len,
				     MSG_DONTWAIT);
		if (len == -EAGAIN) {
			tries++;
			msleep(20);
			continue;
		}
		KUNIT_ASSERT_GT(env->test, len, 0);
		nlmsg_for_each_msg(nlh, (struct nlmsghdr *)env->buf, len, len) {
			KUNIT_ASSERT_LT(env->test, n, max);
			scan_parse(env->test, nlh, &f);
			each(env, &f, n++, arg);
		}
	}
	return n;
}

static void scan_keep(struct scan_env *env, const struct scan_frame *f,
		      unsigned int i, void *arg)
{
	struct scan_frame *frames = arg;

	frames[i] = *f;
}

/* Read up to max SIS_CMD_FRAME messages into f, as scan_read_each(). */
static unsigned int scan_read(struct scan_env *env, struct scan_frame *f,
			      unsigned int max)
{
	return scan_read_each(env, max, scan_keep, f);
}

/* Capability and subscription filters, directions and rights. */
struct match_case {
	const char *name;
	enum filter_id cap_filter;
	u8 cap_dir, cap_rights;
	enum filter_id sub_filter;
	u8 sub_rights;
	enum frame_kind frame;
	u8 dir;
	int expect;			/* 0: none, else the rights */
};

static const struct match_case match_cases[] = {
	{ "both filters match", FILTER_ICMP, SIS_DIR_ANY, SIS_RIGHT_READ,
	  FILTER_RET_LEN, SIS_RIGHT_READ, FRAME_ICMP4, SIS_DIR_IN,
	  SIS_RIGHT_READ },
	{ "capability filter rejects", FILTER_ICMP, SIS_DIR_ANY,
	  SIS_RIGHT_READ, FILTER_RET_LEN, SIS_RIGHT_READ, FRAME_UDP4_9999,
	  SIS_DIR_IN, 0 },
	{ "subscription filter rejects", FILTER_RET_LEN, SIS_DIR_ANY,
	  SIS_RIGHT_READ, FILTER_UDP9999, SIS_RIGHT_READ, FRAME_ICMP4,
	  SIS_DIR_OUT, 0 },
	{ "capability direction rejects", FILTER_RET_LEN, SIS_DIR_IN,
	  SIS_RIGHT_READ, FILTER_ICMP, SIS_RIGHT_READ, FRAME_ICMP4,
	  SIS_DIR_OUT, 0 },
	{ "capability direction allows", FILTER_RET_LEN, SIS_DIR_OUT,
	  SIS_RIGHT_READ, FILTER_ICMP, SIS_RIGHT_READ, FRAME_ICMP4,
	  SIS_DIR_OUT, SIS_RIGHT_READ },
	{ "contain", FILTER_RET_LEN, SIS_DIR_ANY,
	  SIS_RIGHT_READ | SIS_RIGHT_CONTAIN, FILTER_TCPSYN,
	  SIS_RIGHT_READ | SIS_RIGHT_CONTAIN, FRAME_TCP4_SYN, SIS_DIR_IN,
	  SIS_RIGHT_READ | SIS_RIGHT_CONTAIN },
	{ "read under a contain capability", FILTER_RET_LEN, SIS_DIR_ANY,
	  SIS_RIGHT_READ | SIS_RIGHT_CONTAIN, FILTER_ARP, SIS_RIGHT_READ,
	  FRAME_ARP, SIS_DIR_IN, SIS_RIGHT_READ },
};

KUNIT_ARRAY_PARAM_DESC(match, match_cases, name);

static void sis_test_sub_match(struct kunit *test)
{
	const struct match_case *c = test->param_value;
	struct scan_env *env = scan_env_new(test);
	struct sis_scanner *sc = scan_scanner(env, 0, SIS_FAIL_CLOSED, 16, 1000);
	struct sis_cap *cap = scan_cap(env, c->cap_filter, c->cap_dir,
				       c->cap_rights);
	struct sk_buff *skb = sis_test_build_frame(test, c->frame);
	struct sis_sub *sub;

	scan_sub(env, sc, cap, c->sub_filter, c->sub_rights, 0);
	__skb_push(skb, ETH_HLEN);
	rcu_read_lock();
	sub = sis_sub_match(sc, c->dir, skb);
	KUNIT_EXPECT_EQ(test, sub ? sub->rights : 0, c->expect);
	rcu_read_unlock();
	kfree_skb(skb);
}

/* Rights never exceed the capability's; read is always among them. */
static void sis_test_sub_rights(struct kunit *test)
{
	const struct sis_test_filter *f = &sis_test_filters[FILTER_ICMP];
	struct scan_env *env = scan_env_new(test);
	struct sis_cap *ro = scan_cap(env, FILTER_ICMP, SIS_DIR_ANY,
				      SIS_RIGHT_READ);
	struct sis_sub *sub;

	sub = sis_sub_create(ro, SIS_RIGHT_READ | SIS_RIGHT_CONTAIN, 0,
			     f->insns, f->len, NULL, NULL);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(sub), -EPERM);
	sub = sis_sub_create(ro, SIS_RIGHT_CONTAIN, 0, f->insns, f->len, NULL,
			     NULL);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(sub), -EINVAL);
}

/* A containing subscription wins over an earlier read-only one. */
static void sis_test_sub_prefers_contain(struct kunit *test)
{
	struct scan_env *env = scan_env_new(test);
	struct sis_scanner *sc = scan_scanner(env, 0, SIS_FAIL_CLOSED, 16, 1000);
	struct sis_cap *cap = scan_cap(env, FILTER_RET_LEN, SIS_DIR_ANY,
				       SIS_RIGHT_READ | SIS_RIGHT_CONTAIN);
	struct sis_sub *all, *icmp;
	struct sk_buff *icmp_skb = sis_test_build_frame(test, FRAME_ICMP4);
	struct sk_buff *arp_skb = sis_test_build_frame(test, FRAME_ARP);

	all = scan_sub(env, sc, cap, FILTER_RET_LEN, SIS_RIGHT_READ, 0);
	icmp = scan_sub(env, sc, cap, FILTER_ICMP,
			SIS_RIGHT_READ | SIS_RIGHT_CONTAIN, 0);
	__skb_push(icmp_skb, ETH_HLEN);
	__skb_push(arp_skb, ETH_HLEN);
	rcu_read_lock();
	KUNIT_EXPECT_PTR_EQ(test, sis_sub_match(sc, SIS_DIR_IN, icmp_skb), icmp);
	KUNIT_EXPECT_PTR_EQ(test, sis_sub_match(sc, SIS_DIR_IN, arp_skb), all);
	rcu_read_unlock();
	kfree_skb(icmp_skb);
	kfree_skb(arp_skb);
}

/* Copies and held frames share one numbering; the header says which. */
static void sis_test_numbering(struct kunit *test)
{
	struct scan_env *env = scan_env_new(test);
	struct sis_scanner *sc = scan_scanner(env, 0, SIS_FAIL_CLOSED, 16, 1000);
	struct sis_cap *cap = scan_cap(env, FILTER_RET_LEN, SIS_DIR_ANY,
				       SIS_RIGHT_READ | SIS_RIGHT_CONTAIN);
	struct sis_sub *ro = scan_sub(env, sc, cap, FILTER_RET_LEN,
				      SIS_RIGHT_READ, 20);
	struct sis_sub *co = scan_sub(env, sc, cap, FILTER_RET_LEN,
				      SIS_RIGHT_READ | SIS_RIGHT_CONTAIN, 0);
	struct sk_buff *a = sis_test_build_frame(test, FRAME_ARP);
	struct sk_buff *b = sis_test_build_frame(test, FRAME_UDP4_53);
	struct sis_held *h = scan_held(env, FRAME_ICMP4, SIS_DIR_OUT);
	unsigned int len = h->skb->len;	/* held: from its Ethernet header */
	struct scan_frame f[3];

	unsigned int verdict;

	hook_begin();
	scan_deliver(sc, ro, a, SIS_DIR_IN, NULL);
	hook_end();
	hook_begin();
	scan_deliver(sc, co, h->skb, SIS_DIR_OUT, h);
	verdict = scan_commit(h);
	hook_end();
	KUNIT_EXPECT_EQ(test, verdict, NF_STOLEN);
	hook_begin();
	scan_deliver(sc, ro, b, SIS_DIR_IN, NULL);
	hook_end();
	KUNIT_ASSERT_EQ(test, scan_read(env, f, 3), 3);

	KUNIT_EXPECT_EQ(test, f[0].num, 1);
	KUNIT_EXPECT_FALSE(test, f[0].held);
	KUNIT_EXPECT_EQ(test, f[0].sub, ro->id);
	KUNIT_EXPECT_EQ(test, f[0].dir, SIS_DIR_IN);
	KUNIT_EXPECT_EQ(test, f[0].len, a->len + ETH_HLEN);
	KUNIT_EXPECT_EQ(test, f[0].caplen, 20);	/* snaplen */
	KUNIT_EXPECT_EQ(test, f[1].num, 2);
	KUNIT_EXPECT_TRUE(test, f[1].held);
	KUNIT_EXPECT_EQ(test, f[1].sub, co->id);
	KUNIT_EXPECT_EQ(test, f[1].dir, SIS_DIR_OUT);
	KUNIT_EXPECT_EQ(test, f[1].caplen, len);	/* the whole frame */
	KUNIT_EXPECT_EQ(test, f[2].num, 3);
	KUNIT_EXPECT_FALSE(test, f[2].held);
	KUNIT_EXPECT_EQ(test, sc->counts.frames, 3);
	KUNIT_EXPECT_EQ(test, sc->n_held, 1);
	KUNIT_EXPECT_EQ(test, sc->held_bytes, len);

	KUNIT_EXPECT_EQ(test, scan_verdict(sc, 2, SIS_VERDICT_PASS), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&env->forwarded), 1);
	KUNIT_EXPECT_EQ(test, sc->n_held, 0);
	KUNIT_EXPECT_EQ(test, sc->held_bytes, 0);
	kfree_skb(a);
	kfree_skb(b);
}

/*
 * Copies gather: the copies delivered before a held frame (a DNS reply
 * before the SYN it resolved) reach the scanner in the same datagram,
 * first. Delivered with bottom halves off, as in one softirq: the soft
 * flush timer cannot run in between.
 */
static void sis_test_copies_gather(struct kunit *test)
{
	struct scan_env *env = scan_env_new(test);
	struct sis_scanner *sc = scan_scanner(env, 0, SIS_FAIL_CLOSED, 16, 1000);
	struct sis_cap *cap = scan_cap(env, FILTER_RET_LEN, SIS_DIR_ANY,
				       SIS_RIGHT_READ | SIS_RIGHT_CONTAIN);
	struct sis_sub *ro = scan_sub(env, sc, cap, FILTER_RET_LEN,
				      SIS_RIGHT_READ, 0);
	struct sis_sub *co = scan_sub(env, sc, cap, FILTER_RET_LEN,
				      SIS_RIGHT_READ | SIS_RIGHT_CONTAIN, 0);
	struct sk_buff *query = sis_test_build_frame(test, FRAME_UDP4_53);
	struct sk_buff *reply = sis_test_build_frame(test, FRAME_UDP4_53);
	struct sis_held *h = scan_held(env, FRAME_TCP4_SYN, SIS_DIR_OUT);
	struct kvec iov = { env->buf, sizeof(env->buf) };
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	struct scan_frame f[3];
	struct nlmsghdr *nlh;
	unsigned int n = 0;
	int len;

	hook_begin();
	scan_deliver(sc, ro, query, SIS_DIR_OUT, NULL);
	scan_deliver(sc, ro, reply, SIS_DIR_IN, NULL);
	scan_deliver(sc, co, h->skb, SIS_DIR_OUT, h);
	KUNIT_EXPECT_EQ(test, scan_commit(h), NF_STOLEN);
	hook_end();

	/* One datagram, sent when the held frame came. */
	len = kernel_recvmsg(env->sock, &msg, &iov, 1, iov.iov_len, MSG_DONTWAIT);
	KUNIT_ASSERT_GT(test, len, 0);
	nlmsg_for_each_msg(nlh, (struct nlmsghdr *)env->buf, len, len) {
		KUNIT_ASSERT_LT(test, n, 3);
		scan_parse(test, nlh, &f[n++]);
	}
	KUNIT_ASSERT_EQ(test, n, 3);
	KUNIT_EXPECT_EQ(test, f[0].num, 1);
	KUNIT_EXPECT_EQ(test, f[0].dir, SIS_DIR_OUT);
	KUNIT_EXPECT_FALSE(test, f[0].held);
	KUNIT_EXPECT_EQ(test, f[1].num, 2);
	KUNIT_EXPECT_EQ(test, f[1].dir, SIS_DIR_IN);
	KUNIT_EXPECT_FALSE(test, f[1].held);
	KUNIT_EXPECT_EQ(test, f[2].num, 3);
	KUNIT_EXPECT_TRUE(test, f[2].held);

	/* A copy alone still arrives: the flush timer sends it. */
	hook_begin();
	scan_deliver(sc, ro, query, SIS_DIR_OUT, NULL);
	hook_end();
	KUNIT_ASSERT_EQ(test, scan_read(env, f, 1), 1);
	KUNIT_EXPECT_EQ(test, f[0].num, 4);

	KUNIT_EXPECT_EQ(test, scan_verdict(sc, 3, SIS_VERDICT_PASS), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&env->forwarded), 1);
	kfree_skb(query);
	kfree_skb(reply);
}

/* Two scanners hold one frame: it goes on only if both pass it. */
struct agg_case {
	const char *name;
	u32 first, second;
	bool forwarded;
};

static const struct agg_case agg_cases[] = {
	{ "pass, pass", SIS_VERDICT_PASS, SIS_VERDICT_PASS, true },
	{ "pass, cut", SIS_VERDICT_PASS, SIS_VERDICT_CUT, false },
	{ "cut, pass", SIS_VERDICT_CUT, SIS_VERDICT_PASS, false },
	{ "cut, cut", SIS_VERDICT_CUT, SIS_VERDICT_CUT, false },
};

KUNIT_ARRAY_PARAM_DESC(agg, agg_cases, name);

static void sis_test_aggregation(struct kunit *test)
{
	const struct agg_case *c = test->param_value;
	struct scan_env *env = scan_env_new(test);
	struct sis_cap *cap = scan_cap(env, FILTER_RET_LEN, SIS_DIR_ANY,
				       SIS_RIGHT_READ | SIS_RIGHT_CONTAIN);
	struct sis_scanner *a = scan_scanner(env, 0, SIS_FAIL_OPEN, 16, 1000);
	struct sis_scanner *b = scan_scanner(env, 1, SIS_FAIL_OPEN, 16, 1000);
	struct sis_sub *sa = scan_sub(env, a, cap, FILTER_RET_LEN,
				      SIS_RIGHT_READ | SIS_RIGHT_CONTAIN, 0);
	struct sis_sub *sb = scan_sub(env, b, cap, FILTER_RET_LEN,
				      SIS_RIGHT_READ | SIS_RIGHT_CONTAIN, 0);
	struct sis_held *h = scan_held(env, FRAME_TCP4_SYN, SIS_DIR_IN);

	unsigned int verdict;

	hook_begin();
	scan_deliver(a, sa, h->skb, SIS_DIR_IN, h);
	scan_deliver(b, sb, h->skb, SIS_DIR_IN, h);
	verdict = scan_commit(h);
	hook_end();
	KUNIT_ASSERT_EQ(test, verdict, NF_STOLEN);

	KUNIT_EXPECT_EQ(test, scan_verdict(a, 1, c->first), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&env->freed), 0);
	KUNIT_EXPECT_EQ(test, scan_verdict(b, 1, c->second), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&env->freed), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&env->forwarded), c->forwarded);
	KUNIT_EXPECT_EQ(test, a->counts.passed + a->counts.cut, 1);
	KUNIT_EXPECT_EQ(test, b->counts.passed + b->counts.cut, 1);
}

/* A scanner that decided before the hook returned: no steal at all. */
static void sis_test_decided_in_hook(struct kunit *test)
{
	struct scan_env *env = scan_env_new(test);
	struct sis_cap *cap = scan_cap(env, FILTER_RET_LEN, SIS_DIR_ANY,
				       SIS_RIGHT_READ | SIS_RIGHT_CONTAIN);
	struct sis_scanner *sc = scan_scanner(env, 0, SIS_FAIL_OPEN, 16, 1000);
	struct sis_sub *sub = scan_sub(env, sc, cap, FILTER_RET_LEN,
				       SIS_RIGHT_READ | SIS_RIGHT_CONTAIN, 0);
	struct sis_held *h = scan_held(env, FRAME_ICMP4, SIS_DIR_IN);

	unsigned int verdict;
	int err;

	hook_begin();
	scan_deliver(sc, sub, h->skb, SIS_DIR_IN, h);
	err = scan_verdict(sc, 1, SIS_VERDICT_CUT);	/* from another CPU */
	verdict = scan_commit(h);
	hook_end();
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, verdict, NF_DROP);
	KUNIT_EXPECT_EQ(test, atomic_read(&env->forwarded), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&env->freed), 1);
}

/*
 * A scanner copies a held frame (an alert with it attached) from another
 * CPU while the datapath still hands it to the next scanner, and after the
 * hook returned: the copy is the whole frame each time, from its Ethernet
 * header, which stays pushed until the frame's fate (held.h, "Ordering").
 * The first scanner's hold comes back before the second takes one.
 */
static void sis_test_copy_while_held(struct kunit *test)
{
	struct scan_env *env = scan_env_new(test);
	struct sis_cap *cap = scan_cap(env, FILTER_RET_LEN, SIS_DIR_ANY,
				       SIS_RIGHT_READ | SIS_RIGHT_CONTAIN);
	struct sis_scanner *a = scan_scanner(env, 0, SIS_FAIL_OPEN, 16, 1000);
	struct sis_scanner *b = scan_scanner(env, 1, SIS_FAIL_OPEN, 16, 1000);
	struct sis_sub *sa = scan_sub(env, a, cap, FILTER_RET_LEN,
				      SIS_RIGHT_READ | SIS_RIGHT_CONTAIN, 0);
	struct sis_sub *sb = scan_sub(env, b, cap, FILTER_RET_LEN,
				      SIS_RIGHT_READ | SIS_RIGHT_CONTAIN, 0);
	struct sis_held *h = scan_held(env, FRAME_TCP4_SYN, SIS_DIR_IN);
	unsigned int frame_len = h->skb->len, len;
	u8 *orig, *copy, dir;

	orig = kunit_kzalloc(test, frame_len, GFP_KERNEL);
	copy = kunit_kzalloc(test, frame_len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, orig);
	KUNIT_ASSERT_NOT_NULL(test, copy);
	KUNIT_ASSERT_EQ(test, skb_copy_bits(h->skb, 0, orig, frame_len), 0);

	hook_begin();
	scan_deliver(a, sa, h->skb, SIS_DIR_IN, h);
	KUNIT_EXPECT_PTR_EQ(test, (void *)h->skb->data,
			    (void *)skb_mac_header(h->skb));
	/* a copies it while the datapath is still at work. */
	KUNIT_EXPECT_EQ(test, sis_queue_copy_held(a, 1, copy, frame_len, &len,
						  &dir), 0);
	KUNIT_EXPECT_EQ(test, len, frame_len);
	KUNIT_EXPECT_MEMEQ(test, copy, orig, frame_len);
	/* a passes it: its first hold is free for b. */
	KUNIT_EXPECT_EQ(test, scan_verdict(a, 1, SIS_VERDICT_PASS), 0);
	KUNIT_EXPECT_FALSE(test, h->first_taken);
	scan_deliver(b, sb, h->skb, SIS_DIR_IN, h);
	KUNIT_EXPECT_TRUE(test, h->first_taken);
	KUNIT_EXPECT_EQ(test, scan_commit(h), NF_STOLEN);
	hook_end();

	/* Stolen: still from its Ethernet header, copied whole. */
	memset(copy, 0, frame_len);
	KUNIT_EXPECT_EQ(test, sis_queue_copy_held(b, 1, copy, frame_len, &len,
						  &dir), 0);
	KUNIT_EXPECT_MEMEQ(test, copy, orig, frame_len);
	/* The last verdict pulls it back before the bridge gets it on. */
	KUNIT_EXPECT_EQ(test, scan_verdict(b, 1, SIS_VERDICT_PASS), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&env->forwarded), 1);
}

/* Over the limit, the fail policy decides at once. */
struct limit_case {
	const char *name;
	u8 fail;
	u32 max_held, max_bytes;
	unsigned int verdict;
};

static const struct limit_case limit_cases[] = {
	{ "frames, fail closed", SIS_FAIL_CLOSED, 1, SIS_MAX_BYTES_DEFAULT,
	  NF_DROP },
	{ "frames, fail open", SIS_FAIL_OPEN, 1, SIS_MAX_BYTES_DEFAULT,
	  NF_ACCEPT },
	{ "bytes, fail closed", SIS_FAIL_CLOSED, 16, 100, NF_DROP },
	{ "bytes, fail open", SIS_FAIL_OPEN, 16, 100, NF_ACCEPT },
};

KUNIT_ARRAY_PARAM_DESC(limit, limit_cases, name);

static void sis_test_limits(struct kunit *test)
{
	const struct limit_case *c = test->param_value;
	struct scan_env *env = scan_env_new(test);
	struct sis_cap *cap = scan_cap(env, FILTER_RET_LEN, SIS_DIR_ANY,
				       SIS_RIGHT_READ | SIS_RIGHT_CONTAIN);
	struct sis_scanner *sc = scan_scanner(env, 0, c->fail, c->max_held,
					      1000);
	struct sis_sub *sub = scan_sub(env, sc, cap, FILTER_RET_LEN,
				       SIS_RIGHT_READ | SIS_RIGHT_CONTAIN, 0);
	struct sis_held *h1 = scan_held(env, FRAME_ARP, SIS_DIR_IN);
	struct sis_held *h2 = scan_held(env, FRAME_UDP4_9999, SIS_DIR_IN);

	unsigned int v1, v2;

	sc->conf.max_bytes = c->max_bytes;
	hook_begin();
	scan_deliver(sc, sub, h1->skb, SIS_DIR_IN, h1);
	v1 = scan_commit(h1);
	scan_deliver(sc, sub, h2->skb, SIS_DIR_IN, h2);
	v2 = scan_commit(h2);
	hook_end();
	KUNIT_EXPECT_EQ(test, v1, NF_STOLEN);
	KUNIT_EXPECT_EQ(test, v2, c->verdict);
	KUNIT_EXPECT_EQ(test, sc->counts.overflows, 1);
	KUNIT_EXPECT_EQ(test, sc->n_held, 1);
	KUNIT_EXPECT_EQ(test, sc->last_num, 1);	/* not delivered */
}

struct fail_case {
	const char *name;
	u8 fail;
	int forwarded;
};

static const struct fail_case fail_cases[] = {
	{ "fail closed", SIS_FAIL_CLOSED, 0 },
	{ "fail open", SIS_FAIL_OPEN, 2 },
};

KUNIT_ARRAY_PARAM_DESC(fail, fail_cases, name);

/* Undecided frames time out, oldest first, to the fail policy. */
static void sis_test_timeout(struct kunit *test)
{
	const struct fail_case *c = test->param_value;
	struct scan_env *env = scan_env_new(test);
	struct sis_cap *cap = scan_cap(env, FILTER_RET_LEN, SIS_DIR_ANY,
				       SIS_RIGHT_READ | SIS_RIGHT_CONTAIN);
	struct sis_scanner *sc = scan_scanner(env, 0, c->fail, 16, 20);
	struct sis_sub *sub = scan_sub(env, sc, cap, FILTER_RET_LEN,
				       SIS_RIGHT_READ | SIS_RIGHT_CONTAIN, 0);
	struct sis_held *h[2];
	unsigned int i, v[2];

	for (i = 0; i < ARRAY_SIZE(h); i++) {
		h[i] = scan_held(env, FRAME_ICMP4, SIS_DIR_IN);
		hook_begin();
		scan_deliver(sc, sub, h[i]->skb, SIS_DIR_IN, h[i]);
		v[i] = scan_commit(h[i]);
		hook_end();
		KUNIT_EXPECT_EQ(test, v[i], NF_STOLEN);
	}
	for (i = 0; i < 100 && atomic_read(&env->freed) < 2; i++)
		msleep(20);
	KUNIT_EXPECT_EQ(test, atomic_read(&env->freed), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&env->forwarded), c->forwarded);
	KUNIT_EXPECT_EQ(test, sc->counts.timeouts, 2);
	KUNIT_EXPECT_EQ(test, sc->n_held, 0);
	/* A verdict after the timeout is stale, not an error. */
	KUNIT_EXPECT_EQ(test, scan_verdict(sc, 1, SIS_VERDICT_PASS), 0);
	KUNIT_EXPECT_EQ(test, sc->counts.stale, 1);
}

/* The process leaves: everything it holds gets the fail policy at once. */
static void sis_test_release(struct kunit *test)
{
	const struct fail_case *c = test->param_value;
	struct scan_env *env = scan_env_new(test);
	struct sis_cap *cap = scan_cap(env, FILTER_RET_LEN, SIS_DIR_ANY,
				       SIS_RIGHT_READ | SIS_RIGHT_CONTAIN);
	struct sis_scanner *sc = scan_scanner(env, 0, c->fail, 16, 600000);
	struct sis_sub *sub = scan_sub(env, sc, cap, FILTER_RET_LEN,
				       SIS_RIGHT_READ | SIS_RIGHT_CONTAIN, 0);
	struct sis_held *h[2];
	struct sock *sk;
	unsigned int i, v[2];

	for (i = 0; i < ARRAY_SIZE(h); i++) {
		h[i] = scan_held(env, FRAME_TCP4_ACK, SIS_DIR_OUT);
		hook_begin();
		scan_deliver(sc, sub, h[i]->skb, SIS_DIR_OUT, h[i]);
		v[i] = scan_commit(h[i]);
		hook_end();
		KUNIT_EXPECT_EQ(test, v[i], NF_STOLEN);
	}
	sk = sis_queue_release(sc);
	KUNIT_EXPECT_PTR_EQ(test, sk, env->sock->sk);
	if (sk)
		sock_put(sk);
	KUNIT_EXPECT_EQ(test, atomic_read(&env->freed), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&env->forwarded), c->forwarded);
	KUNIT_EXPECT_EQ(test, sc->counts.released, 2);
	/* Detached: frames are not taken any more. */
	h[0] = scan_held(env, FRAME_ICMP4, SIS_DIR_OUT);
	hook_begin();
	scan_deliver(sc, sub, h[0]->skb, SIS_DIR_OUT, h[0]);
	v[0] = scan_commit(h[0]);
	hook_end();
	KUNIT_EXPECT_EQ(test, v[0], NF_ACCEPT);
}

/* Bad verdicts are refused as a whole, and change nothing. */
static void sis_test_verdict_refused(struct kunit *test)
{
	struct scan_env *env = scan_env_new(test);
	struct sis_cap *cap = scan_cap(env, FILTER_RET_LEN, SIS_DIR_ANY,
				       SIS_RIGHT_READ | SIS_RIGHT_CONTAIN);
	struct sis_scanner *sc = scan_scanner(env, 0, SIS_FAIL_CLOSED, 16,
					      600000);
	struct sis_sub *ro = scan_sub(env, sc, cap, FILTER_RET_LEN,
				      SIS_RIGHT_READ, 0);
	struct sis_sub *co = scan_sub(env, sc, cap, FILTER_ICMP,
				      SIS_RIGHT_READ | SIS_RIGHT_CONTAIN, 0);
	struct sk_buff *copy = sis_test_build_frame(test, FRAME_ARP);
	struct sis_held *h = scan_held(env, FRAME_ICMP4, SIS_DIR_IN);
	struct sis_verdict v[2] = {
		{ .frame = 2, .verdict = SIS_VERDICT_PASS },
		{ .frame = 1, .verdict = SIS_VERDICT_CUT },
	};

	unsigned int verdict;

	hook_begin();
	scan_deliver(sc, ro, copy, SIS_DIR_IN, NULL);		/* 1 */
	hook_end();
	hook_begin();
	scan_deliver(sc, co, h->skb, SIS_DIR_IN, h);		/* 2 */
	verdict = scan_commit(h);
	hook_end();
	KUNIT_EXPECT_EQ(test, verdict, NF_STOLEN);

	/* 1 was read-only: the whole request is refused, 2 stays held. */
	KUNIT_EXPECT_EQ(test, sis_queue_verdicts(sc, v, 2, NULL), -EPERM);
	KUNIT_EXPECT_EQ(test, sc->n_held, 1);
	KUNIT_EXPECT_EQ(test, scan_verdict(sc, 3, SIS_VERDICT_PASS), -EINVAL);
	KUNIT_EXPECT_EQ(test, scan_verdict(sc, 0, SIS_VERDICT_PASS), -EINVAL);
	KUNIT_EXPECT_EQ(test, scan_verdict(sc, 2, 7), -EINVAL);
	v[0].reserved = 1;
	KUNIT_EXPECT_EQ(test, sis_queue_verdicts(sc, v, 1, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, sc->n_held, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&env->freed), 0);

	KUNIT_EXPECT_EQ(test, scan_verdict(sc, 2, SIS_VERDICT_CUT), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&env->freed), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&env->forwarded), 0);
	/* Decided already: stale. */
	KUNIT_EXPECT_EQ(test, scan_verdict(sc, 2, SIS_VERDICT_PASS), 0);
	KUNIT_EXPECT_EQ(test, sc->counts.stale, 1);
	KUNIT_EXPECT_EQ(test, sc->counts.cut, 1);
	kfree_skb(copy);
}

/* A full receive buffer loses frames; held ones get the fail policy. */
static void sis_test_lost(struct kunit *test)
{
	struct scan_env *env = scan_env_new(test);
	struct sis_cap *cap = scan_cap(env, FILTER_RET_LEN, SIS_DIR_ANY,
				       SIS_RIGHT_READ | SIS_RIGHT_CONTAIN);
	struct sis_scanner *sc = scan_scanner(env, 0, SIS_FAIL_CLOSED, 16,
					      600000);
	struct sis_sub *ro = scan_sub(env, sc, cap, FILTER_RET_LEN,
				      SIS_RIGHT_READ, 0);
	struct sis_sub *co = scan_sub(env, sc, cap, FILTER_RET_LEN,
				      SIS_RIGHT_READ | SIS_RIGHT_CONTAIN, 0);
	struct sk_buff *copy = sis_test_build_frame(test, FRAME_ARP);
	unsigned int i, verdict;
	struct sis_held *h;

	WRITE_ONCE(env->sock->sk->sk_rcvbuf, 1);
	/* The first datagram still fits an empty buffer... */
	hook_begin();
	scan_deliver(sc, ro, copy, SIS_DIR_IN, NULL);
	hook_end();
	for (i = 0; i < 50 && !atomic_read(&env->sock->sk->sk_rmem_alloc); i++)
		msleep(20);
	KUNIT_ASSERT_NE(test, atomic_read(&env->sock->sk->sk_rmem_alloc), 0);
	/*
	 * ...the next one does not. A scanner that owes no verdict gets a
	 * held frame at once: lost there, failing closed, the hook drops it.
	 */
	h = scan_held(env, FRAME_ICMP4, SIS_DIR_IN);
	hook_begin();
	scan_deliver(sc, co, h->skb, SIS_DIR_IN, h);
	verdict = scan_commit(h);
	hook_end();
	KUNIT_EXPECT_EQ(test, verdict, NF_DROP);
	for (i = 0; i < 50 && !atomic_read(&env->freed); i++)
		msleep(20);
	KUNIT_EXPECT_EQ(test, atomic_read(&env->freed), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&env->forwarded), 0);
	KUNIT_EXPECT_EQ(test, sc->counts.lost, 1);
	KUNIT_EXPECT_EQ(test, sc->n_held, 0);
	kfree_skb(copy);
}

/* A long frame in page fragments reaches the scanner whole, uncopied. */
static void sis_test_zerocopy(struct kunit *test)
{
	struct scan_env *env = scan_env_new(test);
	struct sis_scanner *sc = scan_scanner(env, 0, SIS_FAIL_CLOSED, 16, 1000);
	struct sis_cap *cap = scan_cap(env, FILTER_RET_LEN, SIS_DIR_ANY,
				       SIS_RIGHT_READ);
	struct sis_sub *sub = scan_sub(env, sc, cap, FILTER_RET_LEN,
				       SIS_RIGHT_READ, 0);
	struct sk_buff *skb = sis_test_build_frame(test, FRAME_UDP4_9999);
	unsigned int head = skb->len + ETH_HLEN, i;
	struct page *page = alloc_page(GFP_KERNEL);
	struct scan_frame f;
	u8 *p;

	KUNIT_ASSERT_NOT_NULL(test, page);
	p = page_address(page);
	for (i = 0; i < 3000; i++)
		p[i] = i * 7;
	skb_add_rx_frag(skb, 0, page, 0, 3000, PAGE_SIZE);
	KUNIT_ASSERT_TRUE(test, skb_is_nonlinear(skb));

	hook_begin();
	scan_deliver(sc, sub, skb, SIS_DIR_IN, NULL);
	hook_end();
	/* The frame's pages are the message's: the skb may go first. */
	kfree_skb(skb);
	KUNIT_ASSERT_EQ(test, scan_read(env, &f, 1), 1);
	KUNIT_EXPECT_EQ(test, f.len, head + 3000);
	KUNIT_ASSERT_EQ(test, f.caplen, head + 3000);
	KUNIT_EXPECT_EQ(test, f.data[12], 0x08);	/* IPv4 */
	for (i = 0; i < 3000; i++)
		if (f.data[head + i] != (u8)(i * 7))
			break;
	KUNIT_EXPECT_EQ(test, i, 3000);
}

struct scan_stream {
	u8 event;
	u64 offset;
	u32 len;
	const u8 *data;		/* in env->buf, until the next read */
};

/* Read the SIS_CMD_STREAM messages that one datagram holds. */
static unsigned int scan_read_streams(struct scan_env *env,
				      struct scan_stream *ev, unsigned int max)
{
	struct kvec iov = { env->buf, sizeof(env->buf) };
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	unsigned int n = 0, tries = 0;
	struct nlmsghdr *nlh;
	int len;

	do {
		len = kernel_recvmsg(env->sock, &msg, &iov, 1, iov.iov_len,
				     MSG_DONTWAIT);
		if (len == -EAGAIN)
			msleep(20);
	} while (len == -EAGAIN && tries++ < 50);
	KUNIT_ASSERT_GT(env->test, len, 0);
	nlmsg_for_each_msg(nlh, (struct nlmsghdr *)env->buf, len, len) {
		struct nlattr *tb[SIS_A_MAX + 1], *stb[SIS_STREAM_A_MAX + 1];
		struct genlmsghdr *gh = nlmsg_data(nlh);

		KUNIT_ASSERT_LT(env->test, n, max);
		KUNIT_ASSERT_EQ(env->test, gh->cmd, SIS_CMD_STREAM);
		KUNIT_ASSERT_EQ(env->test,
				nlmsg_parse_deprecated(nlh, GENL_HDRLEN, tb,
						       SIS_A_MAX, NULL, NULL),
				0);
		KUNIT_ASSERT_NOT_NULL(env->test, tb[SIS_A_STREAM]);
		KUNIT_ASSERT_EQ(env->test,
				nla_parse_nested_deprecated(stb,
							    SIS_STREAM_A_MAX,
							    tb[SIS_A_STREAM],
							    NULL, NULL),
				0);
		ev[n].event = nla_get_u8(stb[SIS_STREAM_A_EVENT]);
		if (ev[n].event == SIS_STREAM_EV_DATA) {
			ev[n].offset = nla_get_u64(stb[SIS_STREAM_A_OFFSET]);
			ev[n].len = nla_len(stb[SIS_STREAM_A_DATA]);
			ev[n].data = nla_data(stb[SIS_STREAM_A_DATA]);
		}
		n++;
	}
	return n;
}

/*
 * Stream data reaches the scanner byte for byte whether it is attached by
 * reference (1 KiB or more in page fragments, starting in the segment's
 * head or in the middle of a fragment, spanning two: each its own
 * datagram) or copied into the batch (shorter: joined by the next event),
 * with the pages charged to the scanner's socket and kept after the
 * segment is freed.
 */
static void sis_test_stream_zerocopy(struct kunit *test)
{
	static const struct {
		int back;		/* start, back from the head's end */
		unsigned int len;
	} ranges[] = {
		{ 100, 2000 },		/* head, then fragment 0 */
		{ -2500, 1500 },	/* end of fragment 0, start of 1 */
		{ -4900, 1100 },	/* inside fragment 1, to its end */
		{ -10, 500 },		/* short: copied */
	};
	/* Datagrams: one per attached range; the copy with the end. */
	static const unsigned int per_datagram[] = { 1, 1, 1, 2 };
	struct scan_env *env = scan_env_new(test);
	struct sis_scanner *sc = scan_scanner(env, 0, SIS_FAIL_CLOSED, 16, 1000);
	unsigned int head = 200, i, j, k = 0, rmem;
	struct sk_buff *skb = alloc_skb(head, GFP_KERNEL);
	u8 *want[ARRAY_SIZE(ranges)];
	struct scan_stream ev[2];
	struct sis_stream_msg m;
	LIST_HEAD(lost);
	u8 *p;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	p = skb_put(skb, head);
	for (j = 0; j < head; j++)
		p[j] = j;
	for (i = 0; i < 2; i++) {
		struct page *page = alloc_page(GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, page);
		p = page_address(page);
		for (j = 0; j < 3000; j++)
			p[j] = j * 7 + i;
		skb_add_rx_frag(skb, i, page, 0, 3000, PAGE_SIZE);
	}
	for (i = 0; i < ARRAY_SIZE(ranges); i++) {
		want[i] = kunit_kzalloc(test, ranges[i].len, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, want[i]);
		KUNIT_ASSERT_EQ(test, skb_copy_bits(skb, head - ranges[i].back,
						    want[i], ranges[i].len), 0);
	}

	hook_begin();
	for (i = 0; i < ARRAY_SIZE(ranges); i++) {
		m = (struct sis_stream_msg) {
			.conn = 1, .sub = 1, .event = SIS_STREAM_EV_DATA,
			.dir = SIS_DIR_IN, .offset = i * 10000, .skb = skb,
			.data_off = head - ranges[i].back,
			.len = ranges[i].len, .lost = &lost,
		};
		KUNIT_EXPECT_EQ(test, sis_queue_stream(sc, &m), 0);
	}
	m = (struct sis_stream_msg) {
		.conn = 1, .sub = 1, .event = SIS_STREAM_EV_END,
		.dir = SIS_DIR_IN, .reason = SIS_STREAM_END_FIN, .lost = &lost,
	};
	KUNIT_EXPECT_EQ(test, sis_queue_stream(sc, &m), 0);
	hook_end();
	/* The pages are the messages' now: the segment may go first. */
	kfree_skb(skb);
	KUNIT_EXPECT_TRUE(test, list_empty(&lost));
	KUNIT_EXPECT_EQ(test, sc->counts.lost, 0);
	/* The last batch goes with the flush timer. */
	for (i = 0; i < 50 && READ_ONCE(sc->batch); i++)
		msleep(20);

	for (i = 0; i < ARRAY_SIZE(per_datagram); i++) {
		rmem = atomic_read(&env->sock->sk->sk_rmem_alloc);
		KUNIT_ASSERT_EQ(test, scan_read_streams(env, ev, ARRAY_SIZE(ev)),
				per_datagram[i]);
		/* An attached range's pages were charged to the socket. */
		if (i < 3) {
			unsigned int freed = rmem -
				atomic_read(&env->sock->sk->sk_rmem_alloc);
			unsigned int paged = ranges[i].len -
				(ranges[i].back > 0 ? ranges[i].back : 0);

			KUNIT_EXPECT_GE(test, freed, paged);
		}
		for (j = 0; j < per_datagram[i]; j++, k++) {
			if (k == ARRAY_SIZE(ranges)) {
				KUNIT_EXPECT_EQ(test, ev[j].event,
						SIS_STREAM_EV_END);
				continue;
			}
			KUNIT_EXPECT_EQ(test, ev[j].event, SIS_STREAM_EV_DATA);
			KUNIT_EXPECT_EQ(test, ev[j].offset, k * 10000);
			KUNIT_ASSERT_EQ(test, ev[j].len, ranges[k].len);
			KUNIT_EXPECT_EQ(test, memcmp(ev[j].data, want[k],
						     ev[j].len), 0);
		}
	}
}

/*
 * A TSO frame of 65,400 bytes of payload in one skb (65,454 with its
 * headers), as a veth hands it to the bridge: skb->data at its IPv4
 * header, checksum partial, gso_size the MSS. Payload byte i is (u8)i.
 */
#define GSO_PAYLOAD	65400
#define GSO_MSS		1448
#define GSO_HDRS	(ETH_HLEN + sizeof(struct iphdr) + sizeof(struct tcphdr))

static struct sk_buff *scan_tso_frame(struct kunit *test)
{
	struct sk_buff *skb = alloc_skb(GSO_HDRS + GSO_PAYLOAD, GFP_KERNEL);
	struct ethhdr *eth;
	struct iphdr *iph;
	struct tcphdr *th;
	u8 *data;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reset_mac_header(skb);
	eth = skb_put_zero(skb, ETH_HLEN);
	eth->h_proto = htons(ETH_P_IP);
	eth->h_dest[5] = 1;
	eth->h_source[5] = 2;
	skb_set_network_header(skb, skb->len);
	iph = skb_put_zero(skb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = 5;
	iph->ttl = 64;
	iph->protocol = IPPROTO_TCP;
	iph->saddr = htonl(0x0a000002);
	iph->daddr = htonl(0x0a000001);
	iph->tot_len = htons(sizeof(*iph) + sizeof(*th) + GSO_PAYLOAD);
	skb_set_transport_header(skb, skb->len);
	th = skb_put_zero(skb, sizeof(*th));
	th->source = htons(80);
	th->dest = htons(40000);
	th->doff = 5;
	th->ack = 1;
	th->seq = htonl(1000);
	data = skb_put(skb, GSO_PAYLOAD);
	for (i = 0; i < GSO_PAYLOAD; i++)
		data[i] = i;
	skb->protocol = htons(ETH_P_IP);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_transport_header(skb) - skb->head;
	skb->csum_offset = offsetof(struct tcphdr, check);
	skb_shinfo(skb)->gso_size = GSO_MSS;
	skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;
	skb_shinfo(skb)->gso_segs = DIV_ROUND_UP(GSO_PAYLOAD, GSO_MSS);
	skb_pull(skb, ETH_HLEN);
	return skb;
}

/*
 * A GSO frame too long to be shown whole (SIS_FRAME_DATA_MAX): for a
 * containing scanner it is segmented before it is held, so the scanner is
 * shown every byte it may pass, each segment whole; a read-only scanner
 * gets one copy, cut at SIS_FRAME_DATA_MAX, and the frame goes on whole.
 */
struct gso_case {
	const char *name;
	u8 rights;
};

static const struct gso_case gso_cases[] = {
	{ "contain: segmented, each segment held",
	  SIS_RIGHT_READ | SIS_RIGHT_CONTAIN },
	{ "read: one copy, cut", SIS_RIGHT_READ },
};

KUNIT_ARRAY_PARAM_DESC(gso, gso_cases, name);

/* Each held segment: whole, in order; then passed. */
struct gso_seen {
	struct sis_scanner *sc;
	unsigned int seen;		/* payload bytes so far */
};

static void gso_segment(struct scan_env *env, const struct scan_frame *f,
			unsigned int i, void *arg)
{
	struct gso_seen *seg = arg;
	struct kunit *test = env->test;
	unsigned int want = min(GSO_MSS, GSO_PAYLOAD - seg->seen);
	const struct iphdr *iph = (const void *)(f->data + ETH_HLEN);
	const u8 *pay = f->data + GSO_HDRS;
	unsigned int j;

	KUNIT_EXPECT_TRUE(test, f->held);
	KUNIT_ASSERT_EQ(test, f->len, GSO_HDRS + want);
	KUNIT_ASSERT_EQ(test, f->caplen, f->len);
	KUNIT_EXPECT_EQ(test, ntohs(iph->tot_len), f->len - ETH_HLEN);
	for (j = 0; j < want; j++)
		if (pay[j] != (u8)(seg->seen + j))
			break;
	KUNIT_EXPECT_EQ_MSG(test, j, want, "segment %u", i);
	seg->seen += want;
	KUNIT_EXPECT_EQ(test, scan_verdict(seg->sc, f->num, SIS_VERDICT_PASS),
			0);
}

static void sis_test_gso(struct kunit *test)
{
	const struct gso_case *c = test->param_value;
	unsigned int nsegs = DIV_ROUND_UP(GSO_PAYLOAD, GSO_MSS);
	struct nf_hook_state state = {
		.hook = NF_BR_FORWARD,
		.pf = NFPROTO_BRIDGE,
		.net = &init_net,
		.okfn = scan_okfn,
	};
	struct scan_env *env = scan_env_new(test);
	struct sis_cap *cap = scan_cap(env, FILTER_RET_LEN, SIS_DIR_ANY,
				       c->rights);
	struct sis_scanner *sc = scan_scanner(env, 0, SIS_FAIL_OPEN, 256,
					      10000);
	struct gso_seen seg = {};
	struct scan_frame f;
	unsigned int verdict, n;
	struct sk_buff *skb;

	scan_sub(env, sc, cap, FILTER_RET_LEN, c->rights, 0);
	list_add_tail_rcu(&sc->list, &env->sb.scanners);
	skb = scan_tso_frame(test);

	hook_begin();
	verdict = sis_scan(&env->sb, SIS_DIR_IN, skb, &state);
	hook_end();

	if (!(c->rights & SIS_RIGHT_CONTAIN)) {
		KUNIT_EXPECT_EQ(test, verdict, NF_ACCEPT);
		KUNIT_EXPECT_EQ(test, skb->data - skb_mac_header(skb),
				ETH_HLEN);
		kfree_skb(skb);
		n = scan_read(env, &f, 1);
		KUNIT_ASSERT_EQ(test, n, 1);
		KUNIT_EXPECT_FALSE(test, f.held);
		KUNIT_EXPECT_EQ(test, f.len, GSO_HDRS + GSO_PAYLOAD);
		KUNIT_EXPECT_EQ(test, f.caplen, SIS_FRAME_DATA_MAX);
		return;
	}

	KUNIT_EXPECT_EQ(test, verdict, NF_STOLEN);
	seg.sc = sc;
	n = scan_read_each(env, nsegs, gso_segment, &seg);
	KUNIT_EXPECT_EQ(test, n, nsegs);
	KUNIT_EXPECT_EQ(test, seg.seen, GSO_PAYLOAD);
	KUNIT_EXPECT_EQ(test, scan_read(env, &f, 1), 0);
}

static struct kunit_case sis_scan_cases[] = {
	KUNIT_CASE_PARAM(sis_test_sub_match, match_gen_params),
	KUNIT_CASE(sis_test_sub_rights),
	KUNIT_CASE(sis_test_sub_prefers_contain),
	KUNIT_CASE(sis_test_numbering),
	KUNIT_CASE(sis_test_copies_gather),
	KUNIT_CASE_PARAM(sis_test_aggregation, agg_gen_params),
	KUNIT_CASE(sis_test_decided_in_hook),
	KUNIT_CASE(sis_test_copy_while_held),
	KUNIT_CASE_PARAM(sis_test_limits, limit_gen_params),
	KUNIT_CASE_PARAM(sis_test_timeout, fail_gen_params),
	KUNIT_CASE_PARAM(sis_test_release, fail_gen_params),
	KUNIT_CASE(sis_test_verdict_refused),
	KUNIT_CASE(sis_test_lost),
	KUNIT_CASE(sis_test_zerocopy),
	KUNIT_CASE(sis_test_stream_zerocopy),
	KUNIT_CASE_PARAM(sis_test_gso, gso_gen_params),
	{}
};

static struct kunit_suite sis_scan_suite = {
	.name = "sis_scan",
	.test_cases = sis_scan_cases,
};

kunit_test_suite(sis_scan_suite);

