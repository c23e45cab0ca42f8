// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the kept segments of one direction of a connection
 * (stream.h): their order, the contiguous and covered ranges, the segment
 * holding a byte, the comparison of new data with kept data (first data
 * wins), copies out of them, and taking them off as the receiver
 * acknowledges, as the scanners pass held ones, and all at once; then the
 * same with thousands of segments in any order, against a simple model.
 * The stream's top and seen are kept as the connection's code keeps them.
 *
 * Every payload byte is a function of its stream offset, so segments built
 * independently agree unless a test changes one byte on purpose. Payloads
 * sit after some header bytes, in a linear skb, in page frags, or in a
 * clone, so that the offsets into each skb differ.
 */
#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/ip.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/tcp.h>

#include "../stream.h"

#define NOFLIP		U64_MAX
#define MAX_PAYLOAD	1024
#define FRAG_LINEAR	10	/* payload bytes before the frags */

enum seg_kind {
	SK_LINEAR,
	SK_FRAGS,		/* a few bytes linear, the rest in two frags */
	SK_CLONE,		/* a clone of a linear skb */
	SK_CLONE_FRAGS,		/* a clone of an SK_FRAGS one */
};

/* Header bytes before the payload, different for every kind. */
static const unsigned int kind_hdr[] = {
	[SK_LINEAR] = 54,
	[SK_FRAGS] = 42,
	[SK_CLONE] = 66,
	[SK_CLONE_FRAGS] = 40,
};

static const u8 fake_hdr[80] = { [0 ... 79] = 0xa5 };

/* A token for a held segment: the functions tested only test it. */
static u8 held_mark;
#define HELD	((struct sis_held *)&held_mark)

static u8 stream_byte(u64 off, u64 flip)
{
	u8 b = (u8)(off * 167 + (off >> 8) * 13 + 5);

	return off == flip ? (u8)~b : b;
}

static bool add_frag(struct sk_buff *skb, int i, const u8 *data,
		     unsigned int len, unsigned int pgoff)
{
	struct page *page;

	if (!len)
		return true;
	page = alloc_page(GFP_KERNEL);
	if (!page)
		return false;
	memcpy(page_address(page) + pgoff, data, len);
	skb_add_rx_frag(skb, i, page, pgoff, len, PAGE_SIZE);
	return true;
}

/*
 * An skb carrying stream bytes [start, start + len) after kind_hdr[kind]
 * header bytes, with the byte at offset flip changed. NULL without memory.
 */
static struct sk_buff *mk_skb(u64 start, unsigned int len,
			      enum seg_kind kind, u64 flip,
			      unsigned int *data_off)
{
	bool frags = kind == SK_FRAGS || kind == SK_CLONE_FRAGS;
	unsigned int hdr = kind_hdr[kind];
	unsigned int lin = len, rest, i;
	struct sk_buff *skb, *clone;
	u8 *payload;

	if (len > MAX_PAYLOAD)
		return NULL;
	payload = kmalloc(len + 1, GFP_KERNEL);
	if (!payload)
		return NULL;
	for (i = 0; i < len; i++)
		payload[i] = stream_byte(start + i, flip);
	if (frags)
		lin = min_t(unsigned int, len, FRAG_LINEAR);
	skb = alloc_skb(hdr + lin, GFP_KERNEL);
	if (!skb)
		goto fail;
	skb_put_data(skb, fake_hdr, hdr);
	skb_put_data(skb, payload, lin);
	rest = len - lin;
	if (!add_frag(skb, 0, payload + lin, rest / 2, 128) ||
	    !add_frag(skb, skb_shinfo(skb)->nr_frags, payload + lin + rest / 2,
		      rest - rest / 2, 2000))
		goto fail;
	kfree(payload);
	payload = NULL;
	if (kind == SK_CLONE || kind == SK_CLONE_FRAGS) {
		clone = skb_clone(skb, GFP_KERNEL);
		kfree_skb(skb);
		skb = clone;
		if (!skb)
			return NULL;
	}
	*data_off = hdr;
	return skb;
fail:
	kfree_skb(skb);
	kfree(payload);
	return NULL;
}

struct stream_env {
	struct kunit *test;
	struct sis_stream st;
	struct list_head done;		/* taken off by ack and flush */
	struct list_head emit;		/* taken off by release */
	struct sk_buff_head skbs;	/* built for queries */
};

static void free_segs(struct list_head *segs)
{
	struct sis_seg *seg, *tmp;

	list_for_each_entry_safe(seg, tmp, segs, list) {
		list_del(&seg->list);
		kfree_skb(seg->skb);
		kfree(seg);
	}
}

static void stream_env_release(void *data)
{
	struct stream_env *env = data;

	free_segs(&env->st.segs);
	free_segs(&env->done);
	free_segs(&env->emit);
	__skb_queue_purge(&env->skbs);
}

static struct stream_env *stream_env_new(struct kunit *test)
{
	struct stream_env *env;

	env = kunit_kzalloc(test, sizeof(*env), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, env);
	env->test = test;
	sis_stream_init(&env->st);
	INIT_LIST_HEAD(&env->done);
	INIT_LIST_HEAD(&env->emit);
	__skb_queue_head_init(&env->skbs);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							stream_env_release,
							env), 0);
	return env;
}

/*
 * A segment of stream bytes [start, end), inserted into the stream; top
 * follows, as the connection's code keeps it.
 */
static struct sis_seg *seg_add(struct stream_env *env, u64 start, u64 end,
			       enum seg_kind kind, struct sis_held *held)
{
	struct sis_seg *seg;
	struct sk_buff *skb;
	unsigned int data_off = 0;

	skb = mk_skb(start, end - start, kind, NOFLIP, &data_off);
	KUNIT_ASSERT_NOT_NULL(env->test, skb);
	seg = kzalloc(sizeof(*seg), GFP_KERNEL);
	if (!seg)
		kfree_skb(skb);
	KUNIT_ASSERT_NOT_NULL(env->test, seg);
	seg->start = start;
	seg->end = end;
	seg->skb = skb;
	seg->held = held;
	seg->data_off = data_off;
	sis_stream_insert(&env->st, seg);
	env->st.top = max(env->st.top, end);
	return seg;
}

/* An skb for a query, freed with the environment. */
static struct sk_buff *query_skb(struct stream_env *env, u64 start,
				 unsigned int len, enum seg_kind kind,
				 u64 flip, unsigned int *data_off)
{
	struct sk_buff *skb = mk_skb(start, len, kind, flip, data_off);

	KUNIT_ASSERT_NOT_NULL(env->test, skb);
	__skb_queue_tail(&env->skbs, skb);
	return skb;
}

struct kept_seg {
	u64 start, end;
	enum seg_kind kind;
};

struct layout {
	unsigned int n;
	struct kept_seg segs[4];
};

static void add_layout(struct stream_env *env, const struct layout *l)
{
	unsigned int i;

	for (i = 0; i < l->n; i++)
		seg_add(env, l->segs[i].start, l->segs[i].end, l->segs[i].kind,
			NULL);
}

/* The list is sorted by start and the counters match it. */
static void check_accounting(struct kunit *test, const struct sis_stream *st)
{
	unsigned int n = 0, kept = 0, held = 0;
	const struct sis_seg *seg;
	u64 prev = 0;

	list_for_each_entry(seg, &st->segs, list) {
		KUNIT_EXPECT_LE(test, prev, seg->start);
		prev = seg->start;
		n++;
		kept += seg->end - seg->start;
		if (seg->held)
			held += seg->end - seg->start;
	}
	KUNIT_EXPECT_EQ(test, st->n_segs, n);
	KUNIT_EXPECT_EQ(test, st->kept_bytes, kept);
	KUNIT_EXPECT_EQ(test, st->held_bytes, held);
}

static unsigned int list_len(const struct list_head *head)
{
	const struct list_head *pos;
	unsigned int n = 0;

	list_for_each(pos, head)
		n++;
	return n;
}

/* Insertion. */

static const struct kept_seg order_segs[] = {
	{ 0, 100 }, { 100, 150 }, { 150, 400 },
};

struct order_case {
	const char *name;
	unsigned int order[3];
};

static const struct order_case order_cases[] = {
	{ "in order", { 0, 1, 2 } },
	{ "reversed", { 2, 1, 0 } },
	{ "3,1,2", { 2, 0, 1 } },
	{ "2,3,1", { 1, 2, 0 } },
	{ "1,3,2", { 0, 2, 1 } },
	{ "2,1,3", { 1, 0, 2 } },
};

static void order_case_desc(const struct order_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(order, order_cases, order_case_desc);

static void sis_test_stream_insert_order(struct kunit *test)
{
	const struct order_case *c = test->param_value;
	struct stream_env *env = stream_env_new(test);
	struct sis_stream *st = &env->st;
	struct sis_seg *segs[ARRAY_SIZE(order_segs)];
	const struct sis_seg *seg;
	unsigned int i;

	KUNIT_EXPECT_TRUE(test, list_empty(&st->segs));
	KUNIT_EXPECT_EQ(test, st->n_segs, 0);
	KUNIT_EXPECT_EQ(test, st->kept_bytes, 0);
	KUNIT_EXPECT_EQ(test, st->held_bytes, 0);

	for (i = 0; i < ARRAY_SIZE(order_segs); i++) {
		const struct kept_seg *k = &order_segs[c->order[i]];

		/* The middle one held. */
		segs[c->order[i]] = seg_add(env, k->start, k->end, SK_LINEAR,
					    c->order[i] == 1 ? HELD : NULL);
		check_accounting(test, st);
		KUNIT_EXPECT_EQ(test, st->n_segs, i + 1);
	}
	KUNIT_EXPECT_EQ(test, st->kept_bytes, 400);
	KUNIT_EXPECT_EQ(test, st->held_bytes, 50);
	i = 0;
	list_for_each_entry(seg, &st->segs, list) {
		KUNIT_ASSERT_LT(test, i, ARRAY_SIZE(segs));
		KUNIT_EXPECT_PTR_EQ(test, seg, segs[i]);
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, ARRAY_SIZE(segs));
}

/* Equal starts keep their order of arrival. */
static void sis_test_stream_insert_duplicates(struct kunit *test)
{
	struct stream_env *env = stream_env_new(test);
	struct sis_stream *st = &env->st;
	struct sis_seg *a, *b, *a2, *b2, *c, *d, *e;
	struct sis_seg *want[7];
	const struct sis_seg *seg;
	unsigned int i = 0;

	a = seg_add(env, 0, 100, SK_LINEAR, NULL);
	b = seg_add(env, 100, 200, SK_LINEAR, HELD);
	a2 = seg_add(env, 0, 100, SK_FRAGS, NULL);
	b2 = seg_add(env, 100, 200, SK_CLONE, HELD);
	c = seg_add(env, 50, 100, SK_LINEAR, NULL);
	d = seg_add(env, 0, 50, SK_LINEAR, HELD);
	e = seg_add(env, 100, 200, SK_LINEAR, NULL);
	want[0] = a;
	want[1] = a2;
	want[2] = d;
	want[3] = c;
	want[4] = b;
	want[5] = b2;
	want[6] = e;

	check_accounting(test, st);
	KUNIT_EXPECT_EQ(test, st->n_segs, 7);
	KUNIT_EXPECT_EQ(test, st->kept_bytes, 600);
	KUNIT_EXPECT_EQ(test, st->held_bytes, 250);
	list_for_each_entry(seg, &st->segs, list) {
		KUNIT_ASSERT_LT(test, i, ARRAY_SIZE(want));
		KUNIT_EXPECT_PTR_EQ_MSG(test, seg, want[i], "position %u", i);
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, ARRAY_SIZE(want));
}

/* Contiguous bytes from seen. */

struct contig_case {
	const char *name;
	u64 seen;
	struct layout l;
	u64 want;
};

static const struct contig_case contig_cases[] = {
	{ "empty", 5, { 0 }, 5 },
	{ "gap at seen", 0, { 1, { { 10, 20 } } }, 0 },
	{ "one segment", 0, { 1, { { 0, 10 } } }, 10 },
	{ "adjacent", 0, { 3, { { 0, 10 }, { 10, 20 }, { 20, 30 } } }, 30 },
	{ "adjacent, reversed", 0,
	  { 3, { { 20, 30 }, { 10, 20 }, { 0, 10 } } }, 30 },
	{ "gap of one byte", 0, { 2, { { 0, 10 }, { 11, 20 } } }, 10 },
	{ "gap, out of order", 0,
	  { 3, { { 30, 40 }, { 0, 10 }, { 10, 20 } } }, 20 },
	{ "overlap", 0, { 2, { { 0, 15 }, { 10, 20 } } }, 20 },
	{ "inside another", 0,
	  { 3, { { 0, 30 }, { 5, 10 }, { 10, 20 } } }, 30 },
	{ "inside, then adjacent to the outer", 0,
	  { 3, { { 0, 30 }, { 5, 10 }, { 30, 40 } } }, 40 },
	{ "inside, then a gap", 0,
	  { 3, { { 0, 30 }, { 5, 10 }, { 31, 40 } } }, 30 },
	{ "all before seen", 50, { 2, { { 0, 10 }, { 20, 40 } } }, 50 },
	{ "ends at seen", 50, { 2, { { 0, 50 }, { 50, 60 } } }, 60 },
	{ "straddles seen", 50,
	  { 3, { { 0, 10 }, { 20, 60 }, { 60, 70 } } }, 70 },
	{ "gap after seen", 50, { 2, { { 0, 50 }, { 51, 60 } } }, 50 },
	{ "starts at seen", 50, { 2, { { 50, 60 }, { 55, 80 } } }, 80 },
	{ "past 2^32", 0x100000000ULL,
	  { 2, { { 0xffffff00ULL, 0x100000010ULL },
		 { 0x100000010ULL, 0x100000020ULL } } }, 0x100000020ULL },
};

static void contig_case_desc(const struct contig_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(contig, contig_cases, contig_case_desc);

static void sis_test_stream_contiguous(struct kunit *test)
{
	const struct contig_case *c = test->param_value;
	struct stream_env *env = stream_env_new(test);

	env->st.seen = c->seen;
	add_layout(env, &c->l);
	check_accounting(test, &env->st);
	KUNIT_EXPECT_EQ(test, sis_stream_contiguous(&env->st), c->want);
	KUNIT_EXPECT_EQ(test, env->st.seen, c->seen);
}

/* Covered ranges. */

struct covered_case {
	const char *name;
	u64 acked;
	struct layout l;
	u64 start, end;
	bool want;
};

static const struct covered_case covered_cases[] = {
	{ "empty range", 0, { 0 }, 10, 10, true },
	{ "nothing kept", 0, { 0 }, 0, 1, false },
	{ "below acked", 100, { 0 }, 0, 100, true },
	{ "below acked, from inside", 100, { 0 }, 50, 100, true },
	{ "one byte past acked", 100, { 0 }, 0, 101, false },
	{ "acked, then a segment", 100, { 1, { { 100, 120 } } }, 90, 110,
	  true },
	{ "acked, then a gap", 100, { 1, { { 101, 120 } } }, 90, 110, false },
	{ "acked, inside a segment", 100, { 1, { { 50, 150 } } }, 0, 150,
	  true },
	{ "adjacent", 0, { 2, { { 0, 10 }, { 10, 20 } } }, 0, 20, true },
	{ "adjacent, inner range", 0, { 2, { { 0, 10 }, { 10, 20 } } }, 5, 15,
	  true },
	{ "adjacent, one byte more", 0, { 2, { { 0, 10 }, { 10, 20 } } }, 0,
	  21, false },
	{ "gap", 0, { 2, { { 0, 10 }, { 12, 20 } } }, 0, 20, false },
	{ "after the gap", 0, { 2, { { 0, 10 }, { 12, 20 } } }, 12, 20,
	  true },
	{ "from the gap", 0, { 2, { { 0, 10 }, { 12, 20 } } }, 11, 20, false },
	{ "before the gap", 0, { 2, { { 0, 10 }, { 12, 20 } } }, 3, 10, true },
	{ "inside the second", 0, { 2, { { 0, 10 }, { 20, 30 } } }, 22, 28,
	  true },
	{ "across the gap", 0, { 2, { { 0, 10 }, { 20, 30 } } }, 15, 25,
	  false },
	{ "before the first", 0, { 1, { { 10, 20 } } }, 5, 15, false },
	{ "overlapping and inside", 0,
	  { 3, { { 0, 30 }, { 5, 10 }, { 25, 40 } } }, 0, 40, true },
	{ "inside, then a gap", 0,
	  { 3, { { 0, 30 }, { 5, 10 }, { 31, 40 } } }, 0, 40, false },
	{ "out of order", 0,
	  { 3, { { 20, 30 }, { 0, 10 }, { 10, 20 } } }, 0, 30, true },
	{ "acked up to the first", 5, { 1, { { 5, 10 } } }, 0, 10, true },
};

static void covered_case_desc(const struct covered_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(covered, covered_cases, covered_case_desc);

static void sis_test_stream_covered(struct kunit *test)
{
	const struct covered_case *c = test->param_value;
	struct stream_env *env = stream_env_new(test);

	env->st.acked = c->acked;
	env->st.seen = c->acked;
	add_layout(env, &c->l);
	KUNIT_EXPECT_EQ_MSG(test, sis_stream_covered(&env->st, c->start,
						     c->end),
			    c->want, "seen at acked");
	/* The same, with seen as far as the kept bytes go. */
	env->st.seen = sis_stream_contiguous(&env->st);
	KUNIT_EXPECT_EQ_MSG(test, sis_stream_covered(&env->st, c->start,
						     c->end),
			    c->want, "seen at %llu", env->st.seen);
}

/* New data against kept data. */

static const struct layout k_one = { 1, { { 100, 200, SK_LINEAR } } };

static const struct layout k_two = {
	2, { { 100, 200, SK_LINEAR }, { 200, 300, SK_FRAGS } }
};

static const struct layout k_gap = {
	2, { { 100, 150, SK_FRAGS }, { 200, 250, SK_CLONE_FRAGS } }
};

static const struct layout k_overlap = {
	3, { { 100, 200, SK_FRAGS }, { 150, 300, SK_LINEAR },
	     { 160, 170, SK_CLONE } }
};

static const struct layout k_frags = { 1, { { 100, 300, SK_CLONE_FRAGS } } };

static const struct layout k_none = { 0 };

/* A long segment early, short ones later. */
static const struct layout k_long = {
	3, { { 0, 300, SK_LINEAR }, { 250, 260, SK_FRAGS },
	     { 270, 280, SK_CLONE } }
};

/* Short segments far apart. */
static const struct layout k_far = {
	2, { { 0, 10, SK_LINEAR }, { 100, 110, SK_FRAGS } }
};

struct cons_case {
	const char *name;
	const struct layout *kept;
	u64 start, end;
	enum seg_kind kind;
	u64 flip;			/* the query's byte that differs */
	bool want;
};

static const struct cons_case cons_cases[] = {
	{ "duplicate", &k_one, 100, 200, SK_LINEAR, NOFLIP, true },
	{ "duplicate, first byte differs", &k_one, 100, 200, SK_LINEAR, 100,
	  false },
	{ "duplicate, byte 70 differs", &k_one, 100, 200, SK_LINEAR, 170,
	  false },
	{ "duplicate, last byte differs", &k_one, 100, 200, SK_LINEAR, 199,
	  false },
	{ "duplicate in frags", &k_one, 100, 200, SK_FRAGS, NOFLIP, true },
	{ "duplicate in frags, linear byte differs", &k_one, 100, 200,
	  SK_FRAGS, 105, false },
	{ "duplicate in frags, first frag differs", &k_one, 100, 200,
	  SK_FRAGS, 130, false },
	{ "duplicate in frags, second frag differs", &k_one, 100, 200,
	  SK_FRAGS, 190, false },
	{ "duplicate clone, byte differs", &k_one, 100, 200, SK_CLONE, 120,
	  false },
	{ "left overlap", &k_one, 50, 150, SK_LINEAR, NOFLIP, true },
	{ "left overlap, differs inside", &k_one, 50, 150, SK_LINEAR, 149,
	  false },
	{ "left overlap, differs at the edge", &k_one, 50, 150, SK_FRAGS,
	  100, false },
	{ "left overlap, differs outside", &k_one, 50, 150, SK_LINEAR, 99,
	  true },
	{ "right overlap", &k_one, 150, 250, SK_LINEAR, NOFLIP, true },
	{ "right overlap, differs at the edge", &k_one, 150, 250, SK_LINEAR,
	  150, false },
	{ "right overlap, differs inside", &k_one, 150, 250, SK_FRAGS, 199,
	  false },
	{ "right overlap, differs outside", &k_one, 150, 250, SK_LINEAR, 200,
	  true },
	{ "inside", &k_one, 120, 180, SK_LINEAR, NOFLIP, true },
	{ "inside, differs", &k_one, 120, 180, SK_CLONE_FRAGS, 179, false },
	{ "covering", &k_one, 50, 250, SK_LINEAR, NOFLIP, true },
	{ "covering, differs inside", &k_one, 50, 250, SK_FRAGS, 100, false },
	{ "covering, differs before", &k_one, 50, 250, SK_LINEAR, 60, true },
	{ "covering, differs after", &k_one, 50, 250, SK_LINEAR, 249, true },
	{ "before, no overlap", &k_one, 0, 100, SK_LINEAR, 99, true },
	{ "after, no overlap", &k_one, 200, 300, SK_LINEAR, 200, true },
	{ "nothing kept", &k_none, 0, 100, SK_LINEAR, 5, true },
	{ "empty", &k_one, 150, 150, SK_LINEAR, NOFLIP, true },
	{ "across two", &k_two, 150, 280, SK_CLONE, NOFLIP, true },
	{ "across two, differs in the first", &k_two, 150, 280, SK_CLONE, 199,
	  false },
	{ "across two, differs at the second's start", &k_two, 150, 280,
	  SK_LINEAR, 200, false },
	{ "across two, differs in the second", &k_two, 150, 280, SK_FRAGS,
	  279, false },
	{ "across a gap, differs in the gap", &k_gap, 120, 230, SK_LINEAR,
	  170, true },
	{ "across a gap, differs after", &k_gap, 120, 230, SK_LINEAR, 225,
	  false },
	{ "across a gap, differs before", &k_gap, 120, 230, SK_FRAGS, 149,
	  false },
	{ "overlapping kept", &k_overlap, 140, 310, SK_LINEAR, NOFLIP, true },
	{ "overlapping kept, differs in all three", &k_overlap, 140, 310,
	  SK_LINEAR, 165, false },
	{ "overlapping kept, differs in the last", &k_overlap, 140, 310,
	  SK_FRAGS, 250, false },
	{ "overlapping kept, differs after", &k_overlap, 140, 310, SK_LINEAR,
	  305, true },
	{ "kept in frags", &k_frags, 100, 300, SK_FRAGS, NOFLIP, true },
	{ "kept in frags, differs in a frag", &k_frags, 100, 300, SK_FRAGS,
	  250, false },
	{ "kept in frags, differs in its linear part", &k_frags, 105, 110,
	  SK_LINEAR, 107, false },
	{ "kept in frags, across its frags", &k_frags, 150, 260, SK_LINEAR,
	  NOFLIP, true },
	{ "kept in frags, differs in the last frag", &k_frags, 280, 320,
	  SK_CLONE, 299, false },
	{ "long kept, differs near its end", &k_long, 290, 300, SK_LINEAR,
	  295, false },
	{ "long kept, differs past the short ones", &k_long, 285, 310,
	  SK_FRAGS, 289, false },
	{ "long kept, differs past the top", &k_long, 285, 310, SK_LINEAR,
	  305, true },
	{ "long kept, differs in a short one", &k_long, 240, 290, SK_CLONE,
	  255, false },
	{ "far apart, between", &k_far, 50, 60, SK_LINEAR, 55, true },
	{ "far apart, differs in the first", &k_far, 5, 105, SK_FRAGS, 7,
	  false },
	{ "far apart, differs in the second", &k_far, 5, 105, SK_LINEAR, 103,
	  false },
	{ "far apart, differs between", &k_far, 5, 105, SK_LINEAR, 50, true },
};

static void cons_case_desc(const struct cons_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(cons, cons_cases, cons_case_desc);

static void sis_test_stream_consistent(struct kunit *test)
{
	const struct cons_case *c = test->param_value;
	struct stream_env *env = stream_env_new(test);
	unsigned int data_off = 0;
	struct sk_buff *skb;

	add_layout(env, c->kept);
	skb = query_skb(env, c->start, c->end - c->start, c->kind, c->flip,
			&data_off);
	KUNIT_EXPECT_EQ(test, sis_stream_consistent(&env->st, c->start, skb,
						    data_off,
						    c->end - c->start),
			c->want);
}

/* Contiguous bytes after each insertion, as the connection tracks them. */

struct after_case {
	const char *name;
	struct kept_seg segs[6];
	unsigned int n;
	u64 want;
};

static const struct after_case after_cases[] = {
	{ "in order", { { 0, 10 }, { 10, 20 }, { 20, 30 } }, 3, 30 },
	{ "3,1,2", { { 20, 30 }, { 0, 10 }, { 10, 20 } }, 3, 30 },
	{ "gap filled last",
	  { { 0, 10 }, { 20, 30 }, { 30, 40 }, { 10, 20 } }, 4, 40 },
	{ "overlaps and inside",
	  { { 0, 50 }, { 10, 20 }, { 60, 70 }, { 40, 65 }, { 65, 66 } }, 5,
	  70 },
	{ "duplicates",
	  { { 0, 10 }, { 0, 10 }, { 10, 20 }, { 10, 20 }, { 5, 15 } }, 5,
	  20 },
	{ "gap stays", { { 0, 10 }, { 11, 20 }, { 5, 10 } }, 3, 10 },
	{ "starts before seen",
	  { { 0, 100 }, { 50, 150 }, { 20, 30 }, { 150, 160 } }, 4, 160 },
	{ "equal starts",
	  { { 30, 40 }, { 0, 10 }, { 10, 20 }, { 10, 30 }, { 40, 50 },
	    { 10, 15 } }, 6, 50 },
};

static void after_case_desc(const struct after_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(after, after_cases, after_case_desc);

static void sis_test_stream_contiguous_after(struct kunit *test)
{
	const struct after_case *c = test->param_value;
	struct stream_env *env = stream_env_new(test);
	struct sis_stream *st = &env->st;
	unsigned int i;

	for (i = 0; i < c->n; i++) {
		const struct sis_seg *seg;
		u64 seen;

		seg = seg_add(env, c->segs[i].start, c->segs[i].end, SK_LINEAR,
			      NULL);
		seen = sis_stream_contiguous_after(st, seg);
		KUNIT_EXPECT_EQ_MSG(test, seen, sis_stream_contiguous(st),
				    "after [%llu, %llu)", seg->start,
				    seg->end);
		KUNIT_EXPECT_GE(test, seen, st->seen);
		st->seen = seen;
	}
	KUNIT_EXPECT_EQ(test, st->seen, c->want);
}

/* The segment holding a byte that reaches furthest. */

struct seg_at_case {
	u64 off;
	u64 start, end;		/* the one found; start == end: none */
};

static const struct layout seg_at_layout = {
	4, { { 0, 100 }, { 50, 200 }, { 60, 70 }, { 300, 400 } }
};

static const struct seg_at_case seg_at_cases[] = {
	{ 0, 0, 100 }, { 49, 0, 100 }, { 50, 50, 200 }, { 65, 50, 200 },
	{ 99, 50, 200 }, { 100, 50, 200 }, { 199, 50, 200 }, { 200, 0, 0 },
	{ 299, 0, 0 }, { 300, 300, 400 }, { 399, 300, 400 }, { 400, 0, 0 },
	{ 1000, 0, 0 },
};

static void sis_test_stream_seg_at(struct kunit *test)
{
	struct stream_env *env = stream_env_new(test);
	const struct sis_seg *seg;
	unsigned int i;

	KUNIT_EXPECT_NULL(test, sis_stream_seg_at(&env->st, 0));
	add_layout(env, &seg_at_layout);
	for (i = 0; i < ARRAY_SIZE(seg_at_cases); i++) {
		const struct seg_at_case *c = &seg_at_cases[i];

		seg = sis_stream_seg_at(&env->st, c->off);
		if (c->start == c->end) {
			KUNIT_EXPECT_NULL_MSG(test, seg, "at %llu", c->off);
			continue;
		}
		KUNIT_EXPECT_NOT_NULL_MSG(test, seg, "at %llu", c->off);
		if (!seg)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, seg->start, c->start, "at %llu",
				    c->off);
		KUNIT_EXPECT_EQ_MSG(test, seg->end, c->end, "at %llu", c->off);
	}

	/* A duplicate that reaches as far does not replace it. */
	seg_add(env, 50, 200, SK_LINEAR, NULL);
	seg = sis_stream_seg_at(&env->st, 120);
	KUNIT_EXPECT_NOT_NULL(test, seg);
	if (seg) {
		KUNIT_EXPECT_EQ(test, seg->start, 50);
		KUNIT_EXPECT_EQ(test, seg->end, 200);
	}
}

/* Copies. */

struct copy_range {
	u64 off;
	unsigned int len;
	bool want;
};

static void check_copies(struct kunit *test, struct stream_env *env,
			 const struct copy_range *r, unsigned int n)
{
	unsigned int i, j;
	u8 *buf;

	buf = kunit_kmalloc(test, MAX_PAYLOAD + 16, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < n; i++) {
		bool ok;

		KUNIT_ASSERT_LE(test, r[i].len, MAX_PAYLOAD);
		memset(buf, 0x5a, MAX_PAYLOAD + 16);
		ok = sis_stream_copy(&env->st, r[i].off, buf, r[i].len);
		KUNIT_EXPECT_EQ_MSG(test, ok, r[i].want, "copy %llu+%u",
				    r[i].off, r[i].len);
		if (!ok || !r[i].want)
			continue;
		for (j = 0; j < r[i].len; j++) {
			if (buf[j] != stream_byte(r[i].off + j, NOFLIP)) {
				KUNIT_FAIL(test, "copy %llu+%u: byte %llu",
					   r[i].off, r[i].len, r[i].off + j);
				break;
			}
		}
		for (j = r[i].len; j < MAX_PAYLOAD + 16; j++) {
			if (buf[j] != 0x5a) {
				KUNIT_FAIL(test, "copy %llu+%u: wrote at %u",
					   r[i].off, r[i].len, j);
				break;
			}
		}
	}
}

static const struct layout copy_adjacent = {
	4, { { 0, 100, SK_LINEAR }, { 100, 250, SK_FRAGS },
	     { 250, 300, SK_CLONE }, { 300, 420, SK_CLONE_FRAGS } }
};

static const struct copy_range copy_adjacent_ranges[] = {
	{ 0, 420, true }, { 0, 0, true }, { 50, 250, true },
	{ 99, 2, true }, { 249, 2, true }, { 105, 20, true },
	{ 419, 1, true }, { 419, 2, false }, { 420, 1, false },
	{ 0, 421, false }, { 500, 0, true },
};

static const struct layout copy_overlap = {
	4, { { 0, 100, SK_FRAGS }, { 50, 180, SK_LINEAR },
	     { 60, 70, SK_CLONE }, { 170, 200, SK_FRAGS } }
};

static const struct copy_range copy_overlap_ranges[] = {
	{ 0, 200, true }, { 65, 120, true }, { 95, 10, true },
	{ 175, 25, true }, { 190, 11, false },
};

static const struct layout copy_gaps = {
	3, { { 10, 100, SK_LINEAR }, { 120, 200, SK_FRAGS },
	     { 20, 30, SK_LINEAR } }
};

static const struct copy_range copy_gaps_ranges[] = {
	{ 0, 20, false }, { 9, 1, false }, { 10, 90, true }, { 90, 30, false },
	{ 100, 20, false }, { 120, 80, true }, { 95, 10, false },
	{ 99, 1, true }, { 119, 1, false }, { 120, 1, true },
};

static void sis_test_stream_copy(struct kunit *test)
{
	struct stream_env *env = stream_env_new(test);

	add_layout(env, &copy_adjacent);
	check_copies(test, env, copy_adjacent_ranges,
		     ARRAY_SIZE(copy_adjacent_ranges));
}

static void sis_test_stream_copy_overlap(struct kunit *test)
{
	struct stream_env *env = stream_env_new(test);

	add_layout(env, &copy_overlap);
	check_copies(test, env, copy_overlap_ranges,
		     ARRAY_SIZE(copy_overlap_ranges));
}

static void sis_test_stream_copy_gaps(struct kunit *test)
{
	struct stream_env *env = stream_env_new(test);

	add_layout(env, &copy_gaps);
	check_copies(test, env, copy_gaps_ranges,
		     ARRAY_SIZE(copy_gaps_ranges));
}

/* Taking segments off. */

/* The segments on a list are exactly want[0..n), in order. */
static void check_list(struct kunit *test, const struct list_head *head,
		       struct sis_seg *const *want, unsigned int n)
{
	const struct sis_seg *seg;
	unsigned int i = 0;

	list_for_each_entry(seg, head, list) {
		if (i >= n) {
			KUNIT_FAIL(test, "extra segment [%llu, %llu)",
				   seg->start, seg->end);
			break;
		}
		KUNIT_EXPECT_PTR_EQ_MSG(test, seg, want[i], "position %u", i);
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, n);
}

static void sis_test_stream_ack(struct kunit *test)
{
	struct stream_env *env = stream_env_new(test);
	struct sis_stream *st = &env->st;
	struct sis_seg *a, *a2, *b, *c, *d, *e;

	a = seg_add(env, 0, 100, SK_LINEAR, NULL);
	b = seg_add(env, 100, 200, SK_FRAGS, HELD);
	c = seg_add(env, 150, 250, SK_CLONE, NULL);
	d = seg_add(env, 200, 300, SK_CLONE_FRAGS, NULL);
	e = seg_add(env, 300, 400, SK_LINEAR, NULL);
	a2 = seg_add(env, 50, 200, SK_LINEAR, NULL);
	check_accounting(test, st);
	KUNIT_EXPECT_EQ(test, st->n_segs, 6);
	KUNIT_EXPECT_EQ(test, st->kept_bytes, 650);
	KUNIT_EXPECT_EQ(test, st->held_bytes, 100);

	/* Nothing ends at or below 50. */
	sis_stream_ack(st, 50, &env->done);
	KUNIT_EXPECT_EQ(test, st->acked, 50);
	KUNIT_EXPECT_TRUE(test, list_empty(&env->done));
	KUNIT_EXPECT_EQ(test, st->n_segs, 6);

	/*
	 * a and a2 end at or below 200; b is held; c straddles 200; d
	 * starts at it.
	 */
	sis_stream_ack(st, 200, &env->done);
	KUNIT_EXPECT_EQ(test, st->acked, 200);
	{
		struct sis_seg *const done[] = { a, a2 };
		struct sis_seg *const left[] = { b, c, d, e };

		check_list(test, &env->done, done, ARRAY_SIZE(done));
		check_list(test, &st->segs, left, ARRAY_SIZE(left));
	}
	check_accounting(test, st);
	KUNIT_EXPECT_EQ(test, st->n_segs, 4);
	KUNIT_EXPECT_EQ(test, st->kept_bytes, 400);
	KUNIT_EXPECT_EQ(test, st->held_bytes, 100);
	/* Below acked counts as covered. */
	KUNIT_EXPECT_TRUE(test, sis_stream_covered(st, 0, 400));
	KUNIT_EXPECT_FALSE(test, sis_stream_covered(st, 0, 401));

	/* acked only grows. */
	sis_stream_ack(st, 150, &env->done);
	KUNIT_EXPECT_EQ(test, st->acked, 200);
	sis_stream_ack(st, 200, &env->done);
	KUNIT_EXPECT_EQ(test, st->acked, 200);
	KUNIT_EXPECT_EQ(test, list_len(&env->done), 2);
	KUNIT_EXPECT_EQ(test, st->n_segs, 4);

	/* c and d now; e straddles 350, b is still held. */
	sis_stream_ack(st, 350, &env->done);
	KUNIT_EXPECT_EQ(test, st->acked, 350);
	{
		struct sis_seg *const done[] = { a, a2, c, d };
		struct sis_seg *const left[] = { b, e };

		check_list(test, &env->done, done, ARRAY_SIZE(done));
		check_list(test, &st->segs, left, ARRAY_SIZE(left));
	}
	check_accounting(test, st);
	KUNIT_EXPECT_EQ(test, st->kept_bytes, 200);
	KUNIT_EXPECT_EQ(test, st->held_bytes, 100);

	/* Up to the top: only the held one stays. */
	sis_stream_ack(st, 400, &env->done);
	KUNIT_EXPECT_EQ(test, st->acked, 400);
	{
		struct sis_seg *const done[] = { a, a2, c, d, e };
		struct sis_seg *const left[] = { b };

		check_list(test, &env->done, done, ARRAY_SIZE(done));
		check_list(test, &st->segs, left, ARRAY_SIZE(left));
	}
	check_accounting(test, st);
	KUNIT_EXPECT_EQ(test, st->n_segs, 1);
	KUNIT_EXPECT_EQ(test, st->kept_bytes, 100);
	KUNIT_EXPECT_EQ(test, st->held_bytes, 100);
}

/* A segment now in the stream in place of a released one. */
static void check_kept_clone(struct kunit *test, const struct sis_seg *kept,
			     const struct sis_seg *orig, struct sk_buff *skb)
{
	KUNIT_EXPECT_PTR_NE(test, kept, orig);
	KUNIT_EXPECT_NULL(test, kept->held);
	KUNIT_EXPECT_PTR_NE(test, kept->skb, skb);
	KUNIT_EXPECT_EQ(test, kept->start, orig->start);
	KUNIT_EXPECT_EQ(test, kept->end, orig->end);
	KUNIT_EXPECT_EQ(test, kept->data_off, orig->data_off);
	KUNIT_EXPECT_EQ(test, kept->skb->len, skb->len);
	KUNIT_EXPECT_TRUE(test, skb_cloned(kept->skb));
}

static void sis_test_stream_release(struct kunit *test)
{
	struct stream_env *env = stream_env_new(test);
	struct sis_stream *st = &env->st;
	struct sis_seg *a, *b, *c, *d, *e, *f;
	struct sk_buff *skb_a, *skb_c, *skb_d;
	struct sis_seg *segs[6], *seg;
	unsigned int i, data_off = 0;
	struct sk_buff *q;
	u8 *buf;

	a = seg_add(env, 0, 100, SK_LINEAR, HELD);
	b = seg_add(env, 100, 200, SK_FRAGS, NULL);
	c = seg_add(env, 150, 250, SK_FRAGS, HELD);
	d = seg_add(env, 200, 300, SK_CLONE, HELD);
	e = seg_add(env, 250, 350, SK_LINEAR, HELD);
	f = seg_add(env, 300, 400, SK_CLONE_FRAGS, HELD);
	skb_a = a->skb;
	skb_c = c->skb;
	skb_d = d->skb;
	check_accounting(test, st);
	KUNIT_EXPECT_EQ(test, st->kept_bytes, 600);
	KUNIT_EXPECT_EQ(test, st->held_bytes, 500);

	/* Nothing passed. */
	sis_stream_release(st, &env->emit);
	KUNIT_EXPECT_TRUE(test, list_empty(&env->emit));
	KUNIT_EXPECT_EQ(test, st->held_bytes, 500);

	/* a, c and d are passed; e straddles 300, f starts at it. */
	st->passed = 300;
	sis_stream_release(st, &env->emit);
	{
		struct sis_seg *const emit[] = { a, c, d };

		check_list(test, &env->emit, emit, ARRAY_SIZE(emit));
	}
	KUNIT_EXPECT_PTR_EQ(test, a->skb, skb_a);
	KUNIT_EXPECT_PTR_EQ(test, c->skb, skb_c);
	KUNIT_EXPECT_PTR_EQ(test, d->skb, skb_d);
	KUNIT_EXPECT_PTR_EQ(test, a->held, HELD);
	KUNIT_EXPECT_PTR_EQ(test, c->held, HELD);
	KUNIT_EXPECT_PTR_EQ(test, d->held, HELD);
	check_accounting(test, st);
	KUNIT_EXPECT_EQ(test, st->n_segs, 6);
	KUNIT_EXPECT_EQ(test, st->kept_bytes, 600);
	KUNIT_EXPECT_EQ(test, st->held_bytes, 200);

	i = 0;
	list_for_each_entry(seg, &st->segs, list) {
		KUNIT_ASSERT_LT(test, i, ARRAY_SIZE(segs));
		segs[i++] = seg;
	}
	KUNIT_ASSERT_EQ(test, i, 6);
	check_kept_clone(test, segs[0], a, skb_a);
	KUNIT_EXPECT_PTR_EQ(test, segs[1], b);
	check_kept_clone(test, segs[2], c, skb_c);
	check_kept_clone(test, segs[3], d, skb_d);
	KUNIT_EXPECT_PTR_EQ(test, segs[4], e);
	KUNIT_EXPECT_PTR_EQ(test, segs[5], f);

	/* The clones still hold the bytes, for copies and comparisons. */
	buf = kunit_kmalloc(test, 400, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_TRUE(test, sis_stream_copy(st, 0, buf, 400));
	for (i = 0; i < 400; i++) {
		if (buf[i] != stream_byte(i, NOFLIP)) {
			KUNIT_FAIL(test, "byte %u", i);
			break;
		}
	}
	q = query_skb(env, 0, 300, SK_LINEAR, 50, &data_off);
	KUNIT_EXPECT_FALSE(test, sis_stream_consistent(st, 0, q, data_off,
						       300));
	q = query_skb(env, 0, 300, SK_FRAGS, NOFLIP, &data_off);
	KUNIT_EXPECT_TRUE(test, sis_stream_consistent(st, 0, q, data_off,
						      300));

	/* Again: the clones are not held, nothing more goes. */
	sis_stream_release(st, &env->emit);
	KUNIT_EXPECT_EQ(test, list_len(&env->emit), 3);
	KUNIT_EXPECT_EQ(test, st->n_segs, 6);

	/* The receiver acknowledges the forwarded ones. */
	sis_stream_ack(st, 300, &env->done);
	{
		struct sis_seg *const left[] = { e, f };

		check_list(test, &st->segs, left, ARRAY_SIZE(left));
	}
	KUNIT_EXPECT_EQ(test, list_len(&env->done), 4);
	check_accounting(test, st);
	KUNIT_EXPECT_EQ(test, st->kept_bytes, 200);
	KUNIT_EXPECT_EQ(test, st->held_bytes, 200);

	/* The rest. */
	st->passed = 400;
	sis_stream_release(st, &env->emit);
	{
		struct sis_seg *const emit[] = { a, c, d, e, f };

		check_list(test, &env->emit, emit, ARRAY_SIZE(emit));
	}
	check_accounting(test, st);
	KUNIT_EXPECT_EQ(test, st->n_segs, 2);
	KUNIT_EXPECT_EQ(test, st->kept_bytes, 200);
	KUNIT_EXPECT_EQ(test, st->held_bytes, 0);
}

/* A held segment inside one that straddles passed goes on its own. */
static void sis_test_stream_release_inside(struct kunit *test)
{
	struct stream_env *env = stream_env_new(test);
	struct sis_stream *st = &env->st;
	struct sis_seg *a, *b, *c;

	a = seg_add(env, 0, 300, SK_FRAGS, HELD);
	b = seg_add(env, 50, 100, SK_LINEAR, HELD);
	c = seg_add(env, 100, 250, SK_CLONE, HELD);
	st->passed = 200;
	sis_stream_release(st, &env->emit);
	{
		struct sis_seg *const emit[] = { b };

		check_list(test, &env->emit, emit, ARRAY_SIZE(emit));
	}
	check_accounting(test, st);
	KUNIT_EXPECT_EQ(test, st->n_segs, 3);
	KUNIT_EXPECT_EQ(test, st->kept_bytes, 500);
	KUNIT_EXPECT_EQ(test, st->held_bytes, 450);
	KUNIT_EXPECT_PTR_EQ(test, list_first_entry(&st->segs, struct sis_seg,
						   list), a);
	KUNIT_EXPECT_PTR_EQ(test, list_last_entry(&st->segs, struct sis_seg,
						  list), c);
}

static void sis_test_stream_flush(struct kunit *test)
{
	struct stream_env *env = stream_env_new(test);
	struct sis_stream *st = &env->st;
	struct sis_seg *a, *b, *c, *d;

	c = seg_add(env, 200, 300, SK_CLONE, NULL);
	a = seg_add(env, 0, 100, SK_LINEAR, HELD);
	d = seg_add(env, 250, 400, SK_CLONE_FRAGS, HELD);
	b = seg_add(env, 50, 150, SK_FRAGS, NULL);
	KUNIT_EXPECT_EQ(test, st->kept_bytes, 450);
	KUNIT_EXPECT_EQ(test, st->held_bytes, 250);

	sis_stream_flush(st, &env->done);
	{
		struct sis_seg *const done[] = { a, b, c, d };

		check_list(test, &env->done, done, ARRAY_SIZE(done));
	}
	KUNIT_EXPECT_TRUE(test, list_empty(&st->segs));
	KUNIT_EXPECT_EQ(test, st->n_segs, 0);
	KUNIT_EXPECT_EQ(test, st->kept_bytes, 0);
	KUNIT_EXPECT_EQ(test, st->held_bytes, 0);
	KUNIT_EXPECT_FALSE(test, sis_stream_covered(st, 0, 1));

	sis_stream_flush(st, &env->done);
	KUNIT_EXPECT_EQ(test, list_len(&env->done), 4);
	KUNIT_EXPECT_EQ(test, st->n_segs, 0);
}

/*
 * Room for the bytes that fill a hole: what is held past it goes, the
 * last first; nothing at or before seen (given to the watchers, or
 * forwarded) ever does.
 */
static void sis_test_stream_prune_last(struct kunit *test)
{
	struct stream_env *env = stream_env_new(test);
	struct sis_stream *st = &env->st;
	struct sis_seg *a, *b, *c, *d, *e;

	KUNIT_EXPECT_FALSE(test, sis_stream_prune_last(st, &env->done));
	a = seg_add(env, 0, 100, SK_CLONE, NULL);
	b = seg_add(env, 100, 200, SK_LINEAR, HELD);
	/* A hole at [200, 300). */
	c = seg_add(env, 300, 400, SK_LINEAR, HELD);
	d = seg_add(env, 400, 500, SK_FRAGS, HELD);
	e = seg_add(env, 500, 600, SK_LINEAR, HELD);
	st->seen = 200;

	KUNIT_EXPECT_TRUE(test, sis_stream_prune_last(st, &env->done));
	{
		struct sis_seg *const done[] = { e };

		check_list(test, &env->done, done, ARRAY_SIZE(done));
	}
	KUNIT_EXPECT_TRUE(test, sis_stream_prune_last(st, &env->done));
	KUNIT_EXPECT_TRUE(test, sis_stream_prune_last(st, &env->done));
	{
		struct sis_seg *const done[] = { e, d, c };

		check_list(test, &env->done, done, ARRAY_SIZE(done));
	}
	check_accounting(test, st);
	KUNIT_EXPECT_EQ(test, st->n_segs, 2);
	KUNIT_EXPECT_EQ(test, st->kept_bytes, 200);
	KUNIT_EXPECT_EQ(test, st->held_bytes, 100);

	/* What is left is at or before seen: it stays. */
	KUNIT_EXPECT_FALSE(test, sis_stream_prune_last(st, &env->done));
	KUNIT_EXPECT_EQ(test, st->n_segs, 2);
	KUNIT_EXPECT_EQ(test, list_len(&env->done), 3);
	KUNIT_EXPECT_PTR_EQ(test, list_first_entry(&st->segs, struct sis_seg,
						   list), a);
	KUNIT_EXPECT_PTR_EQ(test, list_last_entry(&st->segs, struct sis_seg,
						  list), b);
}

/*
 * Thousands of segments, as many as a direction keeps by default
 * (conn-segs), inserted in order, in reverse or shuffled: short ones one
 * after the other with a gap now and then, duplicates of some, others
 * overlapping them, and a few long ones over many short ones. A simple
 * model of them (which segment holds each byte) gives what every lookup
 * must find.
 */

#define MANY_GAP	97	/* the longest gap between short segments */

struct model_seg {
	u64 start, end;
	unsigned int order;		/* of generation, then of arrival */
	bool held;
	bool gone;			/* taken off the stream */
	struct sis_seg *seg;
};

struct model {
	unsigned int n;
	u64 len;			/* every segment ends at or before it */
	struct model_seg *segs;
	struct model_seg **sorted;	/* by start, then arrival */
	u64 rng;
};

struct model_shape {
	unsigned int base, dups, overlaps, longs;
	unsigned int held_one_in;	/* 0: none held */
};

enum model_order { MODEL_IN_ORDER, MODEL_REVERSED, MODEL_SHUFFLED };

static const struct model_shape many_shape = { 2400, 300, 300, 24, 0 };
static const struct model_shape many_held_shape = { 2400, 300, 300, 24, 4 };
static const struct model_shape few_shape = { 150, 20, 20, 5, 3 };

static u32 rng_below(struct model *m, u32 n)
{
	m->rng ^= m->rng << 13;
	m->rng ^= m->rng >> 7;
	m->rng ^= m->rng << 17;
	return (u32)(m->rng >> 32) % n;
}

static void kvfree_action(void *p)
{
	kvfree(p);
}

static void *test_kvcalloc(struct kunit *test, size_t n, size_t size)
{
	void *p = kvcalloc(n, size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kvfree_action,
							p), 0);
	return p;
}

static int model_cmp(const void *a, const void *b)
{
	const struct model_seg *x = *(const struct model_seg *const *)a;
	const struct model_seg *y = *(const struct model_seg *const *)b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void model_gen(struct model *m, const struct model_shape *shape)
{
	unsigned int i, n = 0;
	u64 pos = 0;

	for (i = 0; i < shape->base; i++) {
		if (!rng_below(m, 60))
			pos += 1 + rng_below(m, MANY_GAP);
		m->segs[n].start = pos;
		pos += 1 + rng_below(m, 24);
		m->segs[n++].end = pos;
	}
	for (i = 0; i < shape->dups; i++) {
		m->segs[n] = m->segs[rng_below(m, n)];
		n++;
	}
	for (i = 0; i < shape->overlaps; i++) {
		m->segs[n].start = rng_below(m, pos);
		m->segs[n].end = m->segs[n].start + 1 + rng_below(m, 48);
		n++;
	}
	for (i = 0; i < shape->longs; i++) {
		m->segs[n].start = rng_below(m, pos);
		m->segs[n].end = m->segs[n].start + 256 +
				 rng_below(m, MAX_PAYLOAD - 255);
		n++;
	}
	m->n = n;
	m->len = 0;
	for (i = 0; i < n; i++) {
		m->segs[i].order = i;
		m->segs[i].held = shape->held_one_in &&
				  !rng_below(m, shape->held_one_in);
		m->len = max(m->len, m->segs[i].end);
	}
}

/*
 * Segments of @shape inserted in @order, seen kept as the connection's
 * code keeps it (sis_stream_contiguous_after() after each one).
 */
static struct model *model_new(struct stream_env *env,
			       const struct model_shape *shape,
			       enum model_order order, u64 seed)
{
	static const enum seg_kind kinds[] = {
		SK_LINEAR, SK_CLONE, SK_LINEAR, SK_FRAGS, SK_LINEAR, SK_CLONE,
		SK_LINEAR, SK_CLONE_FRAGS,
	};
	unsigned int n = shape->base + shape->dups + shape->overlaps +
			 shape->longs;
	struct kunit *test = env->test;
	struct sis_stream *st = &env->st;
	unsigned int i, bad = 0;
	struct model *m;

	m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m);
	m->rng = seed;
	m->segs = test_kvcalloc(test, n, sizeof(*m->segs));
	m->sorted = test_kvcalloc(test, n, sizeof(*m->sorted));
	model_gen(m, shape);

	/* The order of insertion, in sorted. */
	for (i = 0; i < n; i++)
		m->sorted[i] = &m->segs[i];
	if (order != MODEL_SHUFFLED)
		sort(m->sorted, n, sizeof(*m->sorted), model_cmp, NULL);
	if (order == MODEL_REVERSED) {
		for (i = 0; i < n / 2; i++)
			swap(m->sorted[i], m->sorted[n - 1 - i]);
	} else if (order == MODEL_SHUFFLED) {
		for (i = n - 1; i > 0; i--) {
			unsigned int j = rng_below(m, i + 1);

			swap(m->sorted[i], m->sorted[j]);
		}
	}

	for (i = 0; i < n; i++) {
		struct model_seg *ms = m->sorted[i];
		u64 seen, want;

		ms->order = i;
		ms->seg = seg_add(env, ms->start, ms->end, kinds[i % 8],
				  ms->held ? HELD : NULL);
		seen = sis_stream_contiguous_after(st, ms->seg);
		want = sis_stream_contiguous(st);
		if (seen != want && !bad++)
			KUNIT_FAIL(test, "after [%llu, %llu): contiguous to %llu, not %llu",
				   ms->start, ms->end, seen, want);
		st->seen = max(st->seen, seen);
	}
	KUNIT_EXPECT_EQ(test, bad, 0);
	sort(m->sorted, n, sizeof(*m->sorted), model_cmp, NULL);
	return m;
}

/* The tree has the list's segments, in its order, with their subtree ends. */
static void check_tree(struct kunit *test, const struct sis_stream *st)
{
	const struct list_head *pos = st->segs.next;
	unsigned int bad = 0;
	struct rb_node *n;

	for (n = rb_first(&st->tree); n; n = rb_next(n)) {
		const struct sis_seg *seg = rb_entry(n, struct sis_seg, node);
		u64 want = seg->end;

		if (pos == &st->segs ||
		    list_entry(pos, struct sis_seg, list) != seg) {
			KUNIT_FAIL(test, "tree and list differ at [%llu, %llu)",
				   seg->start, seg->end);
			return;
		}
		if (n->rb_left)
			want = max(want, rb_entry(n->rb_left, struct sis_seg,
						  node)->subtree_end);
		if (n->rb_right)
			want = max(want, rb_entry(n->rb_right, struct sis_seg,
						  node)->subtree_end);
		if (seg->subtree_end != want)
			bad++;
		pos = pos->next;
	}
	KUNIT_EXPECT_PTR_EQ(test, pos, &st->segs);
	KUNIT_EXPECT_EQ(test, bad, 0);
}

/*
 * The stream holds the model's segments that are not gone, in order, and
 * every lookup finds what the model says.
 */
static void check_model(struct stream_env *env, struct model *m)
{
	struct kunit *test = env->test;
	struct sis_stream *st = &env->st;
	const struct sis_seg *seg, **best;
	struct copy_range *copies;
	unsigned int i, bad = 0;
	u64 off, saved_seen, *run;

	/* Order. */
	i = 0;
	list_for_each_entry(seg, &st->segs, list) {
		while (i < m->n && m->sorted[i]->gone)
			i++;
		if (i == m->n || seg != m->sorted[i]->seg) {
			KUNIT_FAIL(test, "[%llu, %llu) out of place",
				   seg->start, seg->end);
			return;
		}
		i++;
	}
	while (i < m->n && m->sorted[i]->gone)
		i++;
	KUNIT_EXPECT_EQ(test, i, m->n);
	check_accounting(test, st);
	check_tree(test, st);

	/*
	 * The model: the segment each byte is in that reaches furthest (the
	 * last in order of those), and where the bytes contiguous from each
	 * byte end.
	 */
	best = test_kvcalloc(test, m->len + 1, sizeof(*best));
	run = test_kvcalloc(test, m->len + 1, sizeof(*run));
	for (i = 0; i < m->n; i++) {
		const struct model_seg *ms = m->sorted[i];

		if (ms->gone)
			continue;
		for (off = ms->start; off < ms->end; off++)
			if (!best[off] || ms->end >= best[off]->end)
				best[off] = ms->seg;
	}
	run[m->len] = m->len;
	for (off = m->len; off-- > 0;)
		run[off] = best[off] ? run[off + 1] : off;

	for (off = 0; off < m->len + 3; off++) {
		const struct sis_seg *want = off < m->len ? best[off] : NULL;

		seg = sis_stream_seg_at(st, off);
		if (seg != want && !bad++)
			KUNIT_FAIL(test, "segment at %llu: [%llu, %llu), not [%llu, %llu)",
				   off, seg ? seg->start : 0, seg ? seg->end : 0,
				   want ? want->start : 0, want ? want->end : 0);
	}
	KUNIT_EXPECT_EQ_MSG(test, bad, 0, "sis_stream_seg_at()");

	bad = 0;
	saved_seen = st->seen;
	for (off = 0; off < m->len + 3; off += 1 + rng_below(m, 9)) {
		u64 got, want = off < m->len ? run[off] : off;

		st->seen = off;
		got = sis_stream_contiguous(st);
		if (got != want && !bad++)
			KUNIT_FAIL(test, "contiguous from %llu: to %llu, not %llu",
				   off, got, want);
	}
	st->seen = saved_seen;
	KUNIT_EXPECT_EQ_MSG(test, bad, 0, "sis_stream_contiguous()");

	bad = 0;
	for (i = 0; i < 500; i++) {
		u64 start = rng_below(m, m->len + 8), end;
		u64 cur = max(start, st->acked);
		bool want;

		end = start + rng_below(m, 300);
		want = cur >= end || (cur < m->len && run[cur] >= end);
		if (sis_stream_covered(st, start, end) != want && !bad++)
			KUNIT_FAIL(test, "covered [%llu, %llu): not %d",
				   start, end, want);
	}
	KUNIT_EXPECT_EQ_MSG(test, bad, 0, "sis_stream_covered()");

	bad = 0;
	for (i = 0; i < 200; i++) {
		unsigned int len = 1 + rng_below(m, 200), data_off = 0;
		u64 start = rng_below(m, m->len + 8), flip = NOFLIP;
		struct sk_buff *q;
		bool want;

		if (rng_below(m, 2))
			flip = start + rng_below(m, len);
		want = flip == NOFLIP || flip >= m->len || !best[flip];
		q = query_skb(env, start, len, i % 4, flip, &data_off);
		if (sis_stream_consistent(st, start, q, data_off, len) != want &&
		    !bad++)
			KUNIT_FAIL(test, "consistent %llu+%u, byte %llu changed: not %d",
				   start, len, flip, want);
	}
	KUNIT_EXPECT_EQ_MSG(test, bad, 0, "sis_stream_consistent()");

	copies = test_kvcalloc(test, 300, sizeof(*copies));
	for (i = 0; i < 300; i++) {
		struct copy_range *r = &copies[i];

		r->off = rng_below(m, m->len + 4);
		r->len = rng_below(m, MAX_PAYLOAD + 1);
		r->want = !r->len ||
			  (r->off < m->len && run[r->off] >= r->off + r->len);
	}
	check_copies(test, env, copies, 300);
}

static const char *const model_order_names[] = {
	[MODEL_IN_ORDER] = "in order",
	[MODEL_REVERSED] = "reversed",
	[MODEL_SHUFFLED] = "shuffled",
};

static const enum model_order model_orders[] = {
	MODEL_IN_ORDER, MODEL_REVERSED, MODEL_SHUFFLED,
};

static void model_order_desc(const enum model_order *o, char *desc)
{
	strscpy(desc, model_order_names[*o], KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(model_order, model_orders, model_order_desc);

static void sis_test_stream_many(struct kunit *test)
{
	const enum model_order *o = test->param_value;
	struct stream_env *env = stream_env_new(test);
	struct model *m;

	m = model_new(env, &many_shape, *o, 0x9e3779b97f4a7c15ULL + *o);
	KUNIT_EXPECT_EQ(test, env->st.n_segs, m->n);
	/* The gaps stay: some bytes are in no segment. */
	KUNIT_EXPECT_LT(test, sis_stream_contiguous(&env->st), m->len);
	check_model(env, m);
}

/*
 * The model's segments for which @gone says so are gone, in order, and
 * now on @head after the @n already there.
 */
static unsigned int model_take(struct kunit *test, struct model *m,
			       const struct list_head *head,
			       struct sis_seg **want, unsigned int n,
			       bool (*gone)(const struct model_seg *ms, u64 arg),
			       u64 arg)
{
	unsigned int i;

	for (i = 0; i < m->n; i++) {
		struct model_seg *ms = m->sorted[i];

		if (ms->gone || !gone(ms, arg))
			continue;
		ms->gone = true;
		want[n++] = ms->seg;
	}
	check_list(test, head, want, n);
	return n;
}

static bool model_acked(const struct model_seg *ms, u64 acked)
{
	return !ms->held && ms->end <= acked;
}

static bool model_passed(const struct model_seg *ms, u64 passed)
{
	return ms->held && ms->end <= passed;
}

static bool model_all(const struct model_seg *ms, u64 unused)
{
	return true;
}

/* Taking segments off, after thousands of them came in any order. */
static void sis_test_stream_many_take(struct kunit *test)
{
	struct stream_env *env = stream_env_new(test);
	struct sis_stream *st = &env->st;
	unsigned int i, n_done, n_emit, n_kept;
	struct sis_seg **done, **emit, *seg;
	struct model *m;

	m = model_new(env, &many_held_shape, MODEL_SHUFFLED, 0x5eed);
	done = test_kvcalloc(test, m->n, sizeof(*done));
	emit = test_kvcalloc(test, m->n, sizeof(*emit));
	check_model(env, m);

	/* A third acknowledged: the forwarded ones below go. */
	sis_stream_ack(st, m->len / 3, &env->done);
	KUNIT_EXPECT_EQ(test, st->acked, m->len / 3);
	n_done = model_take(test, m, &env->done, done, 0, model_acked,
			    m->len / 3);
	KUNIT_EXPECT_GT(test, n_done, 0);
	check_model(env, m);

	/* Two thirds passed: the held ones below go, clones stay. */
	st->passed = m->len / 3 * 2;
	sis_stream_release(st, &env->emit);
	n_emit = model_take(test, m, &env->emit, emit, 0, model_passed,
			    st->passed);
	KUNIT_EXPECT_GT(test, n_emit, 0);
	/* The clones are in the originals' places. */
	i = 0;
	list_for_each_entry(seg, &st->segs, list) {
		struct model_seg *ms;

		while (i < m->n && m->sorted[i]->gone && !m->sorted[i]->held)
			i++;
		KUNIT_ASSERT_LT(test, i, m->n);
		ms = m->sorted[i++];
		if (ms->gone) {
			check_kept_clone(test, seg, ms->seg, ms->seg->skb);
			ms->seg = seg;
			ms->held = false;
			ms->gone = false;
		} else {
			KUNIT_EXPECT_PTR_EQ(test, seg, ms->seg);
		}
	}
	check_model(env, m);

	/* Acknowledged up to past passed: the clones go too, held ones stay. */
	sis_stream_ack(st, m->len / 6 * 5, &env->done);
	n_done = model_take(test, m, &env->done, done, n_done, model_acked,
			    m->len / 6 * 5);
	check_model(env, m);

	/* The rest, all at once; the stream takes new segments after. */
	n_kept = st->n_segs;
	KUNIT_EXPECT_GT(test, n_kept, 0);
	sis_stream_flush(st, &env->done);
	n_done = model_take(test, m, &env->done, done, n_done, model_all, 0);
	KUNIT_EXPECT_TRUE(test, RB_EMPTY_ROOT(&st->tree));
	KUNIT_EXPECT_TRUE(test, list_empty(&st->segs));
	KUNIT_EXPECT_EQ(test, st->n_segs, 0);
	KUNIT_EXPECT_EQ(test, st->kept_bytes, 0);
	KUNIT_EXPECT_EQ(test, st->held_bytes, 0);
	/* Each segment, or the clone left in its place, went once. */
	KUNIT_EXPECT_EQ(test, n_done, m->n);

	st->seen = 0;
	st->acked = 0;
	st->passed = 0;
	st->top = 0;
	m = model_new(env, &few_shape, MODEL_SHUFFLED, 0xf1005);
	check_model(env, m);
}

/*
 * Urgent data made ordinary (sis_tcp_clear_urg()): URG and the pointer
 * cleared, every other bit of the header kept, and a checksum the receiver
 * accepts, whatever the skb's checksum state; a clone's header is its own.
 */
struct urg_case {
	const char *name;
	u8 flags;
	u16 urg_ptr;
	u8 ip_summed;
	bool clone;
};

static const struct urg_case urg_cases[] = {
	{ "pointer in the segment", TCPHDR_ACK | TCPHDR_PSH | TCPHDR_URG, 11,
	  CHECKSUM_NONE },
	{ "pointer of 0", TCPHDR_ACK | TCPHDR_URG, 0, CHECKSUM_NONE },
	{ "pointer past the segment", TCPHDR_ACK | TCPHDR_URG, 60000,
	  CHECKSUM_NONE },
	{ "with a fin", TCPHDR_ACK | TCPHDR_FIN | TCPHDR_URG, 3,
	  CHECKSUM_NONE },
	{ "a pointer without urg", TCPHDR_ACK, 7, CHECKSUM_NONE },
	{ "checksum verified", TCPHDR_ACK | TCPHDR_URG, 5,
	  CHECKSUM_UNNECESSARY },
	{ "checksum complete", TCPHDR_ACK | TCPHDR_URG, 5, CHECKSUM_COMPLETE },
	{ "checksum partial", TCPHDR_ACK | TCPHDR_URG, 5, CHECKSUM_PARTIAL },
	{ "a clone", TCPHDR_ACK | TCPHDR_PSH | TCPHDR_URG, 2, CHECKSUM_NONE,
	  true },
};

static void urg_case_desc(const struct urg_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(urg, urg_cases, urg_case_desc);

#define URG_PAYLOAD	40

/* The TCP checksum of the segment at @th_off, as the receiver checks it. */
static __sum16 urg_tcp_csum(const struct sk_buff *skb, unsigned int th_off,
			    const struct iphdr *iph)
{
	unsigned int len = skb->len - th_off;

	return csum_tcpudp_magic(iph->saddr, iph->daddr, len, IPPROTO_TCP,
				 skb_checksum(skb, th_off, len, 0));
}

static void sis_test_tcp_clear_urg(struct kunit *test)
{
	const struct urg_case *c = test->param_value;
	unsigned int th_off = sizeof(struct iphdr), len, i;
	struct sk_buff *skb, *other = NULL;
	struct tcphdr *th, before;
	struct iphdr *iph;
	u8 *p;

	len = th_off + sizeof(*th) + URG_PAYLOAD;
	skb = alloc_skb(len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	p = skb_put_zero(skb, len);
	iph = (struct iphdr *)p;
	iph->version = 4;
	iph->ihl = 5;
	iph->protocol = IPPROTO_TCP;
	iph->tot_len = htons(len);
	iph->saddr = htonl(0x0a000003);
	iph->daddr = htonl(0x0a000001);
	th = (struct tcphdr *)(p + th_off);
	th->source = htons(44000);
	th->dest = htons(7000);
	th->seq = htonl(0xfffffff0);
	th->ack_seq = htonl(12345);
	th->doff = 5;
	tcp_flag_byte(th) = c->flags;
	th->window = htons(65535);
	th->urg_ptr = htons(c->urg_ptr);
	for (i = 0; i < URG_PAYLOAD; i++)
		p[th_off + sizeof(*th) + i] = 'a' + i % 26;
	if (c->ip_summed == CHECKSUM_PARTIAL) {
		/* The pseudo-header's sum; the rest is the device's to add. */
		th->check = ~csum_tcpudp_magic(iph->saddr, iph->daddr,
					       len - th_off, IPPROTO_TCP, 0);
		skb->csum_start = skb_headroom(skb) + th_off;
		skb->csum_offset = offsetof(struct tcphdr, check);
	} else {
		th->check = urg_tcp_csum(skb, th_off, iph);
	}
	skb->ip_summed = c->ip_summed;
	if (c->ip_summed == CHECKSUM_COMPLETE)
		skb->csum = skb_checksum(skb, th_off, len - th_off, 0);
	before = *th;
	if (c->clone) {
		other = skb_clone(skb, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, other);
	}

	KUNIT_ASSERT_EQ(test, sis_tcp_clear_urg(skb, th_off), 0);
	th = (struct tcphdr *)(skb->data + th_off);
	iph = (struct iphdr *)skb->data;
	KUNIT_EXPECT_EQ(test, tcp_flag_byte(th), c->flags & ~TCPHDR_URG);
	KUNIT_EXPECT_EQ(test, ntohs(th->urg_ptr), 0);
	KUNIT_EXPECT_EQ(test, ntohl(th->seq), ntohl(before.seq));
	KUNIT_EXPECT_EQ(test, ntohl(th->ack_seq), ntohl(before.ack_seq));
	KUNIT_EXPECT_EQ(test, ntohs(th->window), ntohs(before.window));
	KUNIT_EXPECT_TRUE(test, th->doff == before.doff);
	if (c->ip_summed == CHECKSUM_PARTIAL) {
		/* The device sums the header as it is then. */
		KUNIT_EXPECT_EQ(test, (__force u16)th->check,
				(__force u16)before.check);
		KUNIT_EXPECT_TRUE(test, skb->ip_summed == CHECKSUM_PARTIAL);
	} else {
		KUNIT_EXPECT_EQ(test,
				(__force u16)urg_tcp_csum(skb, th_off, iph), 0);
		/* A sum over the whole segment would have to be redone. */
		KUNIT_EXPECT_TRUE(test, skb->ip_summed != CHECKSUM_COMPLETE);
	}
	KUNIT_EXPECT_EQ(test, skb->len, len);
	if (other) {
		th = (struct tcphdr *)(other->data + th_off);
		KUNIT_EXPECT_EQ(test, tcp_flag_byte(th), c->flags);
		KUNIT_EXPECT_EQ(test, ntohs(th->urg_ptr), c->urg_ptr);
		kfree_skb(other);
	}
	kfree_skb(skb);
}

static struct kunit_case sis_stream_cases[] = {
	KUNIT_CASE_PARAM(sis_test_stream_insert_order, order_gen_params),
	KUNIT_CASE(sis_test_stream_insert_duplicates),
	KUNIT_CASE_PARAM(sis_test_stream_contiguous, contig_gen_params),
	KUNIT_CASE_PARAM(sis_test_stream_contiguous_after, after_gen_params),
	KUNIT_CASE_PARAM(sis_test_stream_covered, covered_gen_params),
	KUNIT_CASE_PARAM(sis_test_stream_consistent, cons_gen_params),
	KUNIT_CASE(sis_test_stream_seg_at),
	KUNIT_CASE(sis_test_stream_copy),
	KUNIT_CASE(sis_test_stream_copy_overlap),
	KUNIT_CASE(sis_test_stream_copy_gaps),
	KUNIT_CASE(sis_test_stream_ack),
	KUNIT_CASE(sis_test_stream_release),
	KUNIT_CASE(sis_test_stream_release_inside),
	KUNIT_CASE(sis_test_stream_flush),
	KUNIT_CASE(sis_test_stream_prune_last),
	KUNIT_CASE_PARAM_ATTR(sis_test_stream_many, model_order_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	KUNIT_CASE_SLOW(sis_test_stream_many_take),
	KUNIT_CASE_PARAM(sis_test_tcp_clear_urg, urg_gen_params),
	{}
};

static struct kunit_suite sis_stream_suite = {
	.name = "sis_stream",
	.test_cases = sis_stream_cases,
};

kunit_test_suite(sis_stream_suite);
