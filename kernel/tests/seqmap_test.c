// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the map of a direction's edits (seqmap.h): cuts and
 * injected blocks alone, together at one offset, inside one another, at
 * both ends of a stream; acknowledgments and SACK edges inside them; the
 * sequence numbers across the 2^32 wrap; forgetting; the bound on edits.
 * Then random edits in any order against a model that lays the delivered
 * stream out byte by byte: the original bytes not cut, each block just
 * before the original byte at its offset.
 *
 * Most cases also check their map against the model as a whole, besides
 * the numbers they name.
 */
#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/prandom.h>
#include <linux/sis.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../seqmap.h"

#define MODEL_LEN	2100	/* original bytes modelled */
#define MODEL_TAIL	16	/* past the last edit */
#define MODEL_BLOCKS	1100
#define MODEL_ITEMS	(MODEL_LEN + 4096)

/* A block's data: a mark whose index is the block's id. */
static u8 marks[MODEL_BLOCKS];
static unsigned int released[MODEL_BLOCKS];

static void *mark(unsigned int id)
{
	return &marks[id];
}

static void release(void *data)
{
	released[(u8 *)data - marks]++;
}

/* One byte of the delivered stream. */
struct item {
	u32 off;		/* the original byte, or the block's offset */
	s32 blk;		/* the block's id, -1 for an original byte */
};

/*
 * The edits made, and the delivered stream they make, laid out. Model
 * offsets are from base; the edits are below len - MODEL_TAIL.
 */
struct model {
	struct kunit *test;
	struct sis_seqmap m;
	u64 base;
	u32 len, floor;
	bool cut[MODEL_LEN];
	u32 nblk;
	u32 blk_off[MODEL_BLOCKS], blk_len[MODEL_BLOCKS];
	/* Laid out by model_layout(). */
	u32 n;
	struct item items[MODEL_ITEMS];
	u32 fwd[MODEL_LEN + 1];
	u32 rev[MODEL_ITEMS + 1], rev_left[MODEL_ITEMS + 1];
	u32 order[MODEL_BLOCKS], first[MODEL_LEN + 1];
};

/* A model and its map, with no edit, its edits to be below @edited. */
static void model_reset(struct model *md, struct kunit *test, u64 base,
			u32 edited)
{
	KUNIT_ASSERT_LE(test, edited + MODEL_TAIL, MODEL_LEN);
	memset(md, 0, sizeof(*md));
	md->test = test;
	md->base = base;
	md->len = edited + MODEL_TAIL;
	sis_seqmap_init(&md->m);
	memset(released, 0, sizeof(released));
}

static struct model *model_new(struct kunit *test, u64 base, u32 edited)
{
	struct model *md = kunit_kmalloc(test, sizeof(*md), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, md);
	model_reset(md, test, base, edited);
	return md;
}

static int model_cut(struct model *md, u32 off, u32 len)
{
	int err = sis_seqmap_cut(&md->m, md->base + off, len);

	if (!err)
		memset(&md->cut[off], 1, len);
	return err;
}

static int model_inject(struct model *md, u32 off, u32 len)
{
	int err;

	KUNIT_ASSERT_LT(md->test, md->nblk, MODEL_BLOCKS);
	err = sis_seqmap_inject(&md->m, md->base + off, len, mark(md->nblk));
	if (!err) {
		md->blk_off[md->nblk] = off;
		md->blk_len[md->nblk++] = len;
	}
	return err;
}

/*
 * Lays the delivered stream out, and answers every question by its
 * definition in seqmap.h: fwd(x) is the number of items before those of
 * offset x; rev(D) the lower of the first original byte and the first
 * block's offset found from item D on, rev_left(D) the former.
 */
static void model_layout(struct model *md)
{
	u32 x, b, i, n = 0, next_byte, next_blk;

	/* The blocks by offset, in injection order at one offset. */
	memset(md->first, 0, sizeof(md->first));
	for (b = 0; b < md->nblk; b++)
		md->first[md->blk_off[b] + 1]++;
	for (x = 0; x < md->len; x++)
		md->first[x + 1] += md->first[x];
	for (b = 0; b < md->nblk; b++)
		md->order[md->first[md->blk_off[b]]++] = b;
	/* first[x] is now where the blocks of x + 1 start in order. */
	b = 0;
	for (x = 0; x < md->len; x++) {
		md->fwd[x] = n;
		for (; b < md->first[x]; b++) {
			u32 id = md->order[b];

			for (i = 0; i < md->blk_len[id]; i++)
				md->items[n++] = (struct item){ x, id };
		}
		if (!md->cut[x])
			md->items[n++] = (struct item){ x, -1 };
	}
	md->fwd[md->len] = n;
	md->n = n;
	next_byte = md->len;
	next_blk = U32_MAX;
	md->rev[n] = md->len;
	md->rev_left[n] = md->len;
	while (n--) {
		if (md->items[n].blk < 0)
			next_byte = md->items[n].off;
		else
			next_blk = md->items[n].off;
		md->rev[n] = min(next_byte, next_blk);
		md->rev_left[n] = next_byte;
	}
}

/* The pieces of original [start, end), as the model lays them out. */
static void model_pieces(struct model *md, u32 start, u32 end)
{
	struct kunit *test = md->test;
	struct sis_seqmap_piece p;
	unsigned int cursor = 0;
	u32 i = md->fwd[start], to = md->fwd[end];

	while (i < to) {
		const struct item *it = &md->items[i];
		u32 len = 1;

		if (it->blk >= 0)
			len = md->blk_len[it->blk];
		else
			while (i + len < to && it[len].blk < 0 &&
			       it[len].off == it->off + len)
				len++;
		if (!sis_seqmap_next(&md->m, md->base + start, md->base + end,
				     &cursor, &p)) {
			KUNIT_FAIL(test, "[%u, %u): no piece at %u", start,
				   end, it->off);
			return;
		}
		if (p.off != md->base + it->off || p.len != len ||
		    p.data != (it->blk < 0 ? NULL : mark(it->blk))) {
			KUNIT_FAIL(test,
				   "[%u, %u): piece %llu+%u %s, not %u+%u %d",
				   start, end, p.off - md->base, p.len,
				   p.data ? "block" : "bytes", it->off, len,
				   it->blk);
			return;
		}
		i += len;
	}
	KUNIT_EXPECT_FALSE_MSG(test,
			       sis_seqmap_next(&md->m, md->base + start,
					       md->base + end, &cursor, &p),
			       "[%u, %u): a piece too many", start, end);
}

static bool model_plain(const struct model *md, u32 start, u32 end)
{
	u32 x, b;

	for (x = start; x < end; x++)
		if (md->cut[x])
			return false;
	for (b = 0; b < md->nblk; b++)
		if (md->blk_off[b] >= start && md->blk_off[b] < end)
			return false;
	return true;
}

/* The entries as seqmap.c keeps them, and as many as the model says. */
static void model_check_entries(struct model *md)
{
	const struct sis_seqmap *m = &md->m;
	u32 x, want = 0;
	unsigned int i;

	for (x = md->floor; x < md->len; x++)
		if (md->cut[x] && (x == md->floor || !md->cut[x - 1] ||
				   (md->first[x] > (x ? md->first[x - 1] : 0))))
			want++;
	for (i = 0; i < md->nblk; i++)
		want += md->blk_off[i] >= md->floor;
	KUNIT_EXPECT_EQ(md->test, m->n, want);
	for (i = 0; i < m->n; i++) {
		const struct sis_edit *e = &m->e[i];

		KUNIT_EXPECT_TRUE(md->test, !e->cut != !e->ins);
		KUNIT_EXPECT_GE(md->test, e->off, m->floor);
		if (!i)
			continue;
		/* Sorted, blocks first, cuts apart; past it nothing. */
		KUNIT_EXPECT_GE(md->test, e->off, e[-1].off + e[-1].cut);
		if (e->off == e[-1].off)
			KUNIT_EXPECT_TRUE(md->test, e[-1].ins);
	}
}

/*
 * Everything the map answers at and above the floor, against the model:
 * fwd() of every offset, rev() and rev_left() of every delivered offset,
 * the same as sequence numbers from @isn, plain() and the pieces of
 * @ranges random ranges (and of the whole stream: the delivered stream
 * itself).
 */
static void model_check(struct model *md, struct rnd_state *rnd, u32 isn,
			unsigned int ranges)
{
	struct kunit *test = md->test;
	const struct sis_seqmap *m = &md->m;
	u64 base = md->base, ref;
	u32 x, d, n, from;

	model_layout(md);
	model_check_entries(md);
	n = md->n;
	for (x = md->floor; x <= md->len + 2; x++) {
		u64 want = x <= md->len ? md->fwd[x] : n + x - md->len;

		if (sis_seqmap_fwd(m, base + x) != base + want) {
			KUNIT_FAIL(test, "fwd(%u) %llu, not %llu", x,
				   sis_seqmap_fwd(m, base + x) - base, want);
			return;
		}
	}
	from = md->fwd[md->floor];
	for (d = from; d <= n + 2; d++) {
		u64 want = d <= n ? md->rev[d] : md->len + d - n;
		u64 left = d <= n ? md->rev_left[d] : md->len + d - n;

		if (sis_seqmap_rev(m, base + d) != base + want ||
		    sis_seqmap_rev_left(m, base + d) != base + left) {
			KUNIT_FAIL(test, "rev(%u) %llu %llu, not %llu %llu", d,
				   sis_seqmap_rev(m, base + d) - base,
				   sis_seqmap_rev_left(m, base + d) - base,
				   want, left);
			return;
		}
	}
	/* Sequence numbers, against a point of the stream above the floor. */
	ref = base + md->floor + prandom_u32_state(rnd) % (md->len - md->floor);
	for (x = md->floor; x <= md->len; x++) {
		u32 seq = isn + 1 + (u32)(base + x);

		if (sis_seqmap_fwd_seq(m, isn, ref, seq) !=
		    isn + 1 + (u32)(base + md->fwd[x])) {
			KUNIT_FAIL(test, "isn %u fwd_seq(%u) %u", isn, x,
				   sis_seqmap_fwd_seq(m, isn, ref, seq));
			return;
		}
	}
	for (d = from; d <= n; d++) {
		u32 seq = isn + 1 + (u32)(base + d);

		if (sis_seqmap_rev_seq(m, isn, ref, seq) !=
		    isn + 1 + (u32)(base + md->rev[d]) ||
		    sis_seqmap_rev_left_seq(m, isn, ref, seq) !=
		    isn + 1 + (u32)(base + md->rev_left[d])) {
			KUNIT_FAIL(test, "isn %u rev_seq(%u) %u %u", isn, d,
				   sis_seqmap_rev_seq(m, isn, ref, seq),
				   sis_seqmap_rev_left_seq(m, isn, ref, seq));
			return;
		}
	}
	/* The delivered stream, then pieces of it. */
	model_pieces(md, md->floor, md->len);
	while (ranges--) {
		u32 span = md->len + 1 - md->floor;
		u32 start = md->floor + prandom_u32_state(rnd) % span;
		u32 end = start + prandom_u32_state(rnd) % (md->len + 1 - start);

		if (prandom_u32_state(rnd) % 2)
			end = min(end, start + prandom_u32_state(rnd) % 8);
		KUNIT_EXPECT_EQ_MSG(test,
				    sis_seqmap_plain(m, base + start,
						     base + end),
				    model_plain(md, start, end),
				    "plain(%u, %u)", start, end);
		model_pieces(md, start, end);
	}
}

/* Forgets below @below, the blocks there released once, the others not. */
static void model_forget(struct model *md, u32 below)
{
	u32 b;

	sis_seqmap_forget(&md->m, md->base + below, release);
	md->floor = max(md->floor, below);
	for (b = 0; b < md->nblk; b++)
		KUNIT_EXPECT_EQ_MSG(md->test, released[b],
				    md->blk_off[b] < md->floor, "block %u", b);
}

static void model_destroy(struct model *md)
{
	u32 b;

	sis_seqmap_destroy(&md->m, release);
	for (b = 0; b < md->nblk; b++)
		KUNIT_EXPECT_EQ_MSG(md->test, released[b], 1, "block %u", b);
	KUNIT_EXPECT_TRUE(md->test, sis_seqmap_identity(&md->m));
}

/* A map's answers where a case names them. */
static void expect_fwd(struct model *md, u64 x, u64 d)
{
	KUNIT_EXPECT_EQ_MSG(md->test, sis_seqmap_fwd(&md->m, md->base + x),
			    md->base + d, "fwd(%llu)", x);
}

static void expect_rev(struct model *md, u64 d, u64 x)
{
	KUNIT_EXPECT_EQ_MSG(md->test, sis_seqmap_rev(&md->m, md->base + d),
			    md->base + x, "rev(%llu)", d);
}

static void expect_left(struct model *md, u64 d, u64 x)
{
	KUNIT_EXPECT_EQ_MSG(md->test,
			    sis_seqmap_rev_left(&md->m, md->base + d),
			    md->base + x, "rev_left(%llu)", d);
}

/* The model's own checks, with a seed of the case's. */
static void hand_check(struct model *md, u64 seed)
{
	struct rnd_state rnd;

	prandom_seed_state(&rnd, seed);
	model_check(md, &rnd, 1000, 32);
	model_check(md, &rnd, 0xfffffff0, 8);
}

static void sis_test_seqmap_empty(struct kunit *test)
{
	struct model *md = model_new(test, 0, 100);

	KUNIT_EXPECT_TRUE(test, sis_seqmap_identity(&md->m));
	expect_fwd(md, 0, 0);
	expect_fwd(md, 1ULL << 40, 1ULL << 40);
	expect_rev(md, 77, 77);
	KUNIT_EXPECT_TRUE(test, sis_seqmap_plain(&md->m, 0, U64_MAX));
	hand_check(md, 1);
	/* Forgetting what is not there keeps the identity. */
	model_forget(md, 50);
	KUNIT_EXPECT_TRUE(test, sis_seqmap_identity(&md->m));
	expect_fwd(md, 10, 10);
	expect_rev(md, 10, 10);
	model_destroy(md);
}

static void sis_test_seqmap_one_cut(struct kunit *test)
{
	struct model *md = model_new(test, 0, 100);

	/* Bytes 10..19 cut: 20 is delivered at 10. */
	KUNIT_ASSERT_EQ(test, model_cut(md, 10, 10), 0);
	KUNIT_EXPECT_FALSE(test, sis_seqmap_identity(&md->m));
	expect_fwd(md, 9, 9);
	expect_fwd(md, 10, 10);
	expect_fwd(md, 15, 10);
	expect_fwd(md, 20, 10);
	expect_fwd(md, 21, 11);
	expect_fwd(md, 1000, 990);
	expect_rev(md, 9, 9);
	/* Acknowledging up to the cut acknowledges the cut. */
	expect_rev(md, 10, 20);
	expect_rev(md, 11, 21);
	expect_left(md, 10, 20);
	KUNIT_EXPECT_TRUE(test, sis_seqmap_plain(&md->m, 0, 10));
	KUNIT_EXPECT_FALSE(test, sis_seqmap_plain(&md->m, 0, 11));
	KUNIT_EXPECT_FALSE(test, sis_seqmap_plain(&md->m, 19, 30));
	KUNIT_EXPECT_TRUE(test, sis_seqmap_plain(&md->m, 20, 30));
	KUNIT_EXPECT_TRUE(test, sis_seqmap_plain(&md->m, 15, 15));
	KUNIT_EXPECT_EQ(test, md->m.n_cuts, 1);
	KUNIT_EXPECT_EQ(test, md->m.n_ins, 0);
	hand_check(md, 2);
	model_destroy(md);
}

static void sis_test_seqmap_one_block(struct kunit *test)
{
	struct model *md = model_new(test, 0, 100);
	struct sis_seqmap_piece p;
	unsigned int cursor = 0;

	/* 5 bytes before byte 10: 10 is delivered at 15. */
	KUNIT_ASSERT_EQ(test, model_inject(md, 10, 5), 0);
	expect_fwd(md, 10, 10);
	expect_fwd(md, 11, 16);
	expect_rev(md, 9, 9);
	/* An acknowledgment inside the block is held at its offset. */
	expect_rev(md, 10, 10);
	expect_rev(md, 14, 10);
	expect_rev(md, 15, 10);
	expect_rev(md, 16, 11);
	/* A SACK block's left edge inside it: byte 10 is the first after. */
	expect_left(md, 12, 10);
	expect_left(md, 16, 11);
	/* The block belongs to the segment holding byte 10. */
	KUNIT_EXPECT_TRUE(test, sis_seqmap_plain(&md->m, 0, 10));
	KUNIT_EXPECT_FALSE(test, sis_seqmap_plain(&md->m, 10, 11));
	KUNIT_EXPECT_TRUE(test, sis_seqmap_plain(&md->m, 11, 20));
	/* Its pieces: bytes 8 and 9, the block, bytes 10 and 11. */
	KUNIT_ASSERT_TRUE(test, sis_seqmap_next(&md->m, 8, 12, &cursor, &p));
	KUNIT_EXPECT_EQ(test, p.off, 8);
	KUNIT_EXPECT_EQ(test, p.len, 2);
	KUNIT_EXPECT_NULL(test, p.data);
	KUNIT_ASSERT_TRUE(test, sis_seqmap_next(&md->m, 8, 12, &cursor, &p));
	KUNIT_EXPECT_EQ(test, p.off, 10);
	KUNIT_EXPECT_EQ(test, p.len, 5);
	KUNIT_EXPECT_PTR_EQ(test, p.data, mark(0));
	KUNIT_ASSERT_TRUE(test, sis_seqmap_next(&md->m, 8, 12, &cursor, &p));
	KUNIT_EXPECT_EQ(test, p.off, 10);
	KUNIT_EXPECT_EQ(test, p.len, 2);
	KUNIT_EXPECT_FALSE(test, sis_seqmap_next(&md->m, 8, 12, &cursor, &p));
	KUNIT_EXPECT_FALSE(test, sis_seqmap_next(&md->m, 8, 12, &cursor, &p));
	hand_check(md, 3);
	model_destroy(md);
}

/* A cut, and a block where it starts: bytes 10..19 replaced by 4. */
static void sis_test_seqmap_replace(struct kunit *test)
{
	struct model *md = model_new(test, 0, 100);

	KUNIT_ASSERT_EQ(test, model_cut(md, 10, 10), 0);
	KUNIT_ASSERT_EQ(test, model_inject(md, 10, 4), 0);
	KUNIT_EXPECT_EQ(test, md->m.n, 2);
	expect_fwd(md, 10, 10);
	expect_fwd(md, 15, 14);
	expect_fwd(md, 20, 14);
	expect_fwd(md, 21, 15);
	expect_rev(md, 13, 10);
	/* The block acknowledged whole: so are the bytes it replaced. */
	expect_rev(md, 14, 20);
	expect_left(md, 11, 20);
	expect_left(md, 14, 20);
	hand_check(md, 4);
	model_destroy(md);
}

/* A block inside a cut: the cut goes around it, in two. */
static void sis_test_seqmap_block_in_cut(struct kunit *test)
{
	struct model *md = model_new(test, 0, 100);

	KUNIT_ASSERT_EQ(test, model_cut(md, 10, 10), 0);
	KUNIT_ASSERT_EQ(test, model_inject(md, 15, 3), 0);
	KUNIT_EXPECT_EQ(test, md->m.n, 3);
	expect_fwd(md, 12, 10);
	expect_fwd(md, 15, 10);
	expect_fwd(md, 16, 13);
	expect_fwd(md, 20, 13);
	expect_rev(md, 10, 15);
	expect_rev(md, 12, 15);
	expect_rev(md, 13, 20);
	expect_left(md, 11, 20);
	/* Cut again across it, and the cut before merged: still three. */
	KUNIT_ASSERT_EQ(test, model_cut(md, 5, 15), 0);
	KUNIT_EXPECT_EQ(test, md->m.n, 3);
	expect_fwd(md, 16, 8);
	expect_rev(md, 5, 15);
	/* A block at 5, where the cut starts: before it. */
	KUNIT_ASSERT_EQ(test, model_inject(md, 5, 1), 0);
	KUNIT_EXPECT_EQ(test, md->m.n, 4);
	expect_rev(md, 5, 5);
	expect_rev(md, 6, 15);
	hand_check(md, 5);
	model_destroy(md);
}

static void sis_test_seqmap_merge(struct kunit *test)
{
	struct model *md = model_new(test, 0, 200);

	KUNIT_ASSERT_EQ(test, model_cut(md, 10, 5), 0);
	KUNIT_ASSERT_EQ(test, model_cut(md, 30, 5), 0);
	KUNIT_ASSERT_EQ(test, model_cut(md, 50, 5), 0);
	KUNIT_EXPECT_EQ(test, md->m.n, 3);
	/* Adjacent, on both sides. */
	KUNIT_ASSERT_EQ(test, model_cut(md, 15, 15), 0);
	KUNIT_EXPECT_EQ(test, md->m.n, 2);
	KUNIT_EXPECT_EQ(test, md->m.e[0].off, 10);
	KUNIT_EXPECT_EQ(test, md->m.e[0].cut, 25);
	/* Overlapping, and again what is cut already. */
	KUNIT_ASSERT_EQ(test, model_cut(md, 33, 20), 0);
	KUNIT_ASSERT_EQ(test, model_cut(md, 12, 3), 0);
	KUNIT_EXPECT_EQ(test, md->m.n, 1);
	KUNIT_EXPECT_EQ(test, md->m.e[0].cut, 45);
	KUNIT_EXPECT_EQ(test, md->m.n_cuts, 6);
	expect_fwd(md, 55, 10);
	expect_rev(md, 10, 55);
	/* Adjacent with a block between: apart. */
	KUNIT_ASSERT_EQ(test, model_inject(md, 55, 2), 0);
	KUNIT_ASSERT_EQ(test, model_cut(md, 55, 5), 0);
	KUNIT_EXPECT_EQ(test, md->m.n, 3);
	expect_rev(md, 11, 55);
	expect_rev(md, 12, 60);
	expect_left(md, 10, 60);
	/* A cut over both merges them around the block. */
	KUNIT_ASSERT_EQ(test, model_cut(md, 0, 100), 0);
	KUNIT_EXPECT_EQ(test, md->m.n, 3);
	expect_fwd(md, 100, 2);
	hand_check(md, 6);
	model_destroy(md);
}

static void sis_test_seqmap_blocks_at_one_offset(struct kunit *test)
{
	struct model *md = model_new(test, 0, 100);
	struct sis_seqmap_piece p;
	unsigned int cursor = 0, i;

	KUNIT_ASSERT_EQ(test, model_inject(md, 20, 1), 0);
	KUNIT_ASSERT_EQ(test, model_cut(md, 20, 2), 0);
	KUNIT_ASSERT_EQ(test, model_inject(md, 20, 2), 0);
	KUNIT_ASSERT_EQ(test, model_inject(md, 20, 3), 0);
	/* In injection order, then the cut. */
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, md->m.e[i].ins, i + 1);
		KUNIT_ASSERT_TRUE(test, sis_seqmap_next(&md->m, 20, 21,
							&cursor, &p));
		KUNIT_EXPECT_PTR_EQ(test, p.data, mark(i));
	}
	KUNIT_EXPECT_EQ(test, md->m.e[3].cut, 2);
	KUNIT_EXPECT_FALSE(test, sis_seqmap_next(&md->m, 20, 21, &cursor, &p));
	expect_fwd(md, 20, 20);
	expect_fwd(md, 21, 26);
	expect_fwd(md, 22, 26);
	expect_rev(md, 20, 20);
	expect_rev(md, 25, 20);
	expect_rev(md, 26, 22);
	/* Two at 40, then a cut across them: in two, the blocks between. */
	KUNIT_ASSERT_EQ(test, model_inject(md, 40, 1), 0);
	KUNIT_ASSERT_EQ(test, model_inject(md, 40, 2), 0);
	KUNIT_ASSERT_EQ(test, model_cut(md, 35, 10), 0);
	KUNIT_EXPECT_EQ(test, md->m.n, 8);
	KUNIT_EXPECT_EQ(test, md->m.e[4].cut, 5);
	KUNIT_EXPECT_EQ(test, md->m.e[7].cut, 5);
	expect_fwd(md, 40, 39);
	expect_fwd(md, 45, 42);
	expect_rev(md, 39, 40);
	expect_rev(md, 41, 40);
	expect_rev(md, 42, 45);
	expect_left(md, 39, 45);
	hand_check(md, 7);
	model_destroy(md);
}

/* Edits at offset 0 and at the last byte. */
static void sis_test_seqmap_ends(struct kunit *test)
{
	struct model *md = model_new(test, 0, 100);

	KUNIT_ASSERT_EQ(test, model_inject(md, 0, 7), 0);
	KUNIT_ASSERT_EQ(test, model_cut(md, 0, 3), 0);
	KUNIT_ASSERT_EQ(test, model_cut(md, 99, 1), 0);
	KUNIT_ASSERT_EQ(test, model_inject(md, 100, 5), 0);
	expect_fwd(md, 0, 0);
	expect_fwd(md, 3, 7);
	expect_fwd(md, 99, 103);
	expect_fwd(md, 100, 103);
	expect_fwd(md, 101, 109);
	expect_rev(md, 0, 0);
	expect_rev(md, 7, 3);
	expect_rev(md, 103, 100);
	expect_rev(md, 108, 100);
	expect_rev(md, 109, 101);
	expect_left(md, 0, 3);
	hand_check(md, 8);
	model_destroy(md);
}

/* A run longer than a piece can be: in pieces of U32_MAX bytes. */
static void sis_test_seqmap_long_run(struct kunit *test)
{
	const u64 far = 3ULL << 32;
	struct sis_seqmap_piece p;
	unsigned int cursor = 0;
	struct sis_seqmap m;
	u64 at = 10;

	sis_seqmap_init(&m);
	KUNIT_ASSERT_EQ(test, sis_seqmap_cut(&m, 0, 10), 0);
	KUNIT_ASSERT_EQ(test, sis_seqmap_inject(&m, far, 3, mark(0)), 0);
	while (sis_seqmap_next(&m, 0, far + 1, &cursor, &p) && !p.data) {
		KUNIT_EXPECT_EQ(test, p.off, at);
		KUNIT_EXPECT_EQ(test, p.len, min(far - at, (u64)U32_MAX));
		at += p.len;
	}
	KUNIT_EXPECT_EQ(test, at, far);
	KUNIT_EXPECT_PTR_EQ(test, p.data, mark(0));
	KUNIT_ASSERT_TRUE(test, sis_seqmap_next(&m, 0, far + 1, &cursor, &p));
	KUNIT_EXPECT_EQ(test, p.off, far);
	KUNIT_EXPECT_EQ(test, p.len, 1);
	KUNIT_EXPECT_FALSE(test, sis_seqmap_next(&m, 0, far + 1, &cursor, &p));
	KUNIT_EXPECT_EQ(test, sis_seqmap_fwd(&m, far), far - 10);
	KUNIT_EXPECT_EQ(test, sis_seqmap_fwd(&m, far + 1), far - 6);
	KUNIT_EXPECT_EQ(test, sis_seqmap_rev(&m, far - 8), far);
	KUNIT_EXPECT_EQ(test, sis_seqmap_rev(&m, far - 7), far);
	KUNIT_EXPECT_EQ(test, sis_seqmap_rev(&m, far - 6), far + 1);
	sis_seqmap_destroy(&m, NULL);
}

/*
 * Sequence numbers across the 2^32 wrap, edits on both sides of it: the
 * ISN just below 2^32, so offset 14 is sequence number 0.
 */
static void sis_test_seqmap_seq_wrap(struct kunit *test)
{
	struct model *md = model_new(test, 0, 100);
	const u32 isn = 0xfffffff1;
	struct sis_seqmap *m = &md->m;

	KUNIT_ASSERT_EQ(test, model_cut(md, 5, 4), 0);		/* before */
	KUNIT_ASSERT_EQ(test, model_inject(md, 12, 10), 0);	/* across */
	KUNIT_ASSERT_EQ(test, model_cut(md, 30, 2), 0);		/* after */
	/* Offset 3: 0xfffffff5, not moved; 9: 0xfffffffb, at 5. */
	KUNIT_EXPECT_EQ(test, sis_seqmap_fwd_seq(m, isn, 0, 0xfffffff5),
			0xfffffff5);
	KUNIT_EXPECT_EQ(test, sis_seqmap_fwd_seq(m, isn, 0, 0xfffffffb),
			0xfffffff7);
	/* Offset 20 (sequence number 6) is delivered at 26 (12). */
	KUNIT_EXPECT_EQ(test, sis_seqmap_fwd_seq(m, isn, 20, 6), 12);
	KUNIT_EXPECT_EQ(test, sis_seqmap_rev_seq(m, isn, 20, 12), 6);
	/* An ack inside the block, at 0: held at offset 12 (0xfffffffe). */
	KUNIT_EXPECT_EQ(test, sis_seqmap_rev_seq(m, isn, 20, 0), 0xfffffffe);
	KUNIT_EXPECT_EQ(test, sis_seqmap_rev_left_seq(m, isn, 20, 0),
			0xfffffffe);
	/* Past the cut after: offset 33 (19) is delivered at 37 (23). */
	KUNIT_EXPECT_EQ(test, sis_seqmap_fwd_seq(m, isn, 20, 19), 23);
	/* The SYN's sequence number and before stay. */
	KUNIT_EXPECT_EQ(test, sis_seqmap_fwd_seq(m, isn, 0, isn), isn);
	KUNIT_EXPECT_EQ(test, sis_seqmap_rev_seq(m, isn, 10, isn - 5),
			isn - 5);
	hand_check(md, 9);
	model_destroy(md);
	/* The same far into the stream: offsets past 2^32. */
	md = model_new(test, (5ULL << 32) - 50, 100);
	KUNIT_ASSERT_EQ(test, model_cut(md, 5, 4), 0);
	KUNIT_ASSERT_EQ(test, model_inject(md, 48, 10), 0);
	KUNIT_ASSERT_EQ(test, model_cut(md, 60, 2), 0);
	hand_check(md, 10);
	model_destroy(md);
}

static void sis_test_seqmap_forget(struct kunit *test)
{
	struct model *md = model_new(test, 0, 200);
	struct sis_seqmap *m = &md->m;

	KUNIT_ASSERT_EQ(test, model_cut(md, 10, 5), 0);
	KUNIT_ASSERT_EQ(test, model_inject(md, 20, 3), 0);
	KUNIT_ASSERT_EQ(test, model_inject(md, 40, 2), 0);
	KUNIT_ASSERT_EQ(test, model_cut(md, 50, 20), 0);
	KUNIT_ASSERT_EQ(test, model_inject(md, 90, 1), 0);
	/* The block at 40 is not wholly below 40. */
	model_forget(md, 40);
	KUNIT_EXPECT_EQ(test, m->n, 3);
	KUNIT_EXPECT_EQ(test, m->shift, -2);
	KUNIT_EXPECT_EQ(test, m->floor, 40);
	expect_fwd(md, 40, 38);
	expect_fwd(md, 41, 41);
	expect_rev(md, 38, 40);
	/* Below the floor: linear with the shift. */
	expect_fwd(md, 30, 28);
	expect_rev(md, 30, 32);
	hand_check(md, 11);
	/* Across the cut: the part below goes. */
	model_forget(md, 60);
	KUNIT_EXPECT_EQ(test, m->n, 2);
	KUNIT_EXPECT_EQ(test, m->e[0].off, 60);
	KUNIT_EXPECT_EQ(test, m->e[0].cut, 10);
	expect_fwd(md, 60, 50);
	expect_fwd(md, 70, 50);
	expect_fwd(md, 90, 70);
	expect_fwd(md, 91, 72);
	hand_check(md, 12);
	/* Not back down. */
	model_forget(md, 50);
	KUNIT_EXPECT_EQ(test, m->floor, 60);
	KUNIT_EXPECT_EQ(test, m->n, 2);
	/* New edits above the floor; not below. */
	KUNIT_EXPECT_EQ(test, sis_seqmap_cut(m, 59, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, sis_seqmap_inject(m, 59, 2, NULL), -EINVAL);
	KUNIT_ASSERT_EQ(test, model_cut(md, 60, 40), 0);
	KUNIT_ASSERT_EQ(test, model_inject(md, 60, 4), 0);
	hand_check(md, 13);
	/* Everything: the shift alone. */
	model_forget(md, 100);
	KUNIT_EXPECT_EQ(test, m->n, 0);
	KUNIT_EXPECT_EQ(test, m->shift, 3 + 2 + 1 + 4 - 5 - 50);
	KUNIT_EXPECT_FALSE(test, sis_seqmap_identity(m));
	hand_check(md, 14);
	KUNIT_EXPECT_EQ(test, m->n_cuts, 3);
	KUNIT_EXPECT_EQ(test, m->n_ins, 4);
	model_destroy(md);
}

/* Below the floor, linear with the shift, and never negative. */
static void sis_test_seqmap_below_floor(struct kunit *test)
{
	struct model *md = model_new(test, 0, 200);

	/* Bytes cut: the map moves offsets down. */
	KUNIT_ASSERT_EQ(test, model_cut(md, 0, 50), 0);
	KUNIT_ASSERT_EQ(test, model_inject(md, 100, 5), 0);
	model_forget(md, 60);
	KUNIT_EXPECT_EQ(test, md->m.shift, -50);
	expect_fwd(md, 59, 9);
	expect_fwd(md, 60, 10);
	expect_fwd(md, 10, 0);
	expect_fwd(md, 0, 0);
	expect_rev(md, 0, 50);
	expect_rev(md, 9, 59);
	expect_left(md, 9, 59);
	hand_check(md, 17);
	model_destroy(md);
	/* Bytes injected: up. */
	md = model_new(test, 0, 200);
	KUNIT_ASSERT_EQ(test, model_inject(md, 0, 100), 0);
	KUNIT_ASSERT_EQ(test, model_cut(md, 20, 5), 0);
	model_forget(md, 10);
	KUNIT_EXPECT_EQ(test, md->m.shift, 100);
	expect_fwd(md, 5, 105);
	expect_fwd(md, 10, 110);
	expect_rev(md, 109, 9);
	expect_rev(md, 110, 10);
	expect_rev(md, 50, 0);
	expect_left(md, 50, 0);
	expect_rev(md, 0, 0);
	hand_check(md, 18);
	model_destroy(md);
}

static void sis_test_seqmap_bad(struct kunit *test)
{
	struct sis_seqmap m;

	sis_seqmap_init(&m);
	KUNIT_EXPECT_EQ(test, sis_seqmap_cut(&m, 5, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, sis_seqmap_cut(&m, U64_MAX - 5, 10), -EINVAL);
	KUNIT_EXPECT_EQ(test, sis_seqmap_inject(&m, 5, 0, NULL), -EINVAL);
	KUNIT_EXPECT_TRUE(test, sis_seqmap_identity(&m));
	KUNIT_EXPECT_EQ(test, m.n_cuts + m.n_ins, 0);
	sis_seqmap_destroy(&m, NULL);
}

static void expect_unchanged(struct kunit *test, const struct sis_seqmap *m,
			     const struct sis_edit *was, unsigned int n)
{
	KUNIT_ASSERT_EQ(test, m->n, n);
	KUNIT_EXPECT_EQ(test, memcmp(m->e, was, n * sizeof(*was)), 0);
}

/* SIS_EDITS_MAX entries: refused past it, with the map as it was. */
static void sis_test_seqmap_full(struct kunit *test)
{
	struct model *md = model_new(test, 0, 2060);
	struct sis_seqmap *m = &md->m;
	struct sis_edit *was;
	unsigned int i, n;

	/* Cuts at 0 and 3, blocks at 10, 12, ...: SIS_EDITS_MAX entries. */
	KUNIT_ASSERT_EQ(test, model_cut(md, 0, 1), 0);
	KUNIT_ASSERT_EQ(test, model_cut(md, 3, 1), 0);
	for (i = 0; i < SIS_EDITS_MAX - 2; i++)
		KUNIT_ASSERT_EQ(test, model_inject(md, 10 + 2 * i, 1), 0);
	KUNIT_ASSERT_EQ(test, m->n, SIS_EDITS_MAX);
	was = kunit_kmalloc_array(test, m->n, sizeof(*was), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, was);
	memcpy(was, m->e, m->n * sizeof(*was));
	n = m->n;
	KUNIT_EXPECT_EQ(test, sis_seqmap_inject(m, 5, 1, NULL), -ENOSPC);
	expect_unchanged(test, m, was, n);
	KUNIT_EXPECT_EQ(test, sis_seqmap_cut(m, 6, 1), -ENOSPC);
	expect_unchanged(test, m, was, n);
	/* Over a block: one entry each side of it. */
	KUNIT_EXPECT_EQ(test, sis_seqmap_cut(m, 11, 2), -ENOSPC);
	expect_unchanged(test, m, was, n);
	KUNIT_EXPECT_EQ(test, m->n_cuts, 2);
	KUNIT_EXPECT_EQ(test, m->n_ins, SIS_EDITS_MAX - 2);
	/* A cut that only grows one is taken. */
	KUNIT_EXPECT_EQ(test, model_cut(md, 3, 2), 0);
	KUNIT_EXPECT_EQ(test, m->n, SIS_EDITS_MAX);
	/* One that merges two makes room, for one. */
	KUNIT_EXPECT_EQ(test, model_cut(md, 1, 2), 0);
	KUNIT_EXPECT_EQ(test, m->n, SIS_EDITS_MAX - 1);
	KUNIT_EXPECT_EQ(test, model_inject(md, 2059, 1), 0);
	KUNIT_EXPECT_EQ(test, sis_seqmap_inject(m, 2059, 1, NULL), -ENOSPC);
	KUNIT_EXPECT_EQ(test, m->n_cuts, 4);
	hand_check(md, 15);
	/* Forgetting makes room too. */
	model_forget(md, 1000);
	KUNIT_EXPECT_EQ(test, model_inject(md, 1001, 1), 0);
	hand_check(md, 16);
	model_destroy(md);
}

/* Random edits in any order, and forgetting at random points. */

#define RANDOM_ROUNDS	128

static u32 rnd_below(struct rnd_state *rnd, u32 n)
{
	return prandom_u32_state(rnd) % n;
}

/*
 * Edits above @floor, below @edited: half of them near a few points, so
 * that they meet (blocks at one offset, cuts across them, cuts that touch).
 */
static void random_edits(struct model *md, struct rnd_state *rnd, u32 edited,
			 u32 floor, unsigned int n)
{
	u32 hot[4];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hot); i++)
		hot[i] = floor + rnd_below(rnd, edited - floor);
	while (n--) {
		bool cut = rnd_below(rnd, 2);
		u32 off = floor + rnd_below(rnd, edited - floor), len;

		if (rnd_below(rnd, 2)) {
			off = hot[rnd_below(rnd, 4)] + rnd_below(rnd, 3);
			if (cut)
				off -= min(off - floor, rnd_below(rnd, 6));
			off = min(off, edited - 1);
		}
		if (cut) {
			len = 1 + rnd_below(rnd, rnd_below(rnd, 4) ? 8 : 200);
			len = min(len, edited - off);
			KUNIT_EXPECT_EQ(md->test, model_cut(md, off, len), 0);
		} else {
			len = 1 + rnd_below(rnd, rnd_below(rnd, 8) ? 4 : 40);
			KUNIT_EXPECT_EQ(md->test, model_inject(md, off, len),
					0);
		}
	}
}

static void sis_test_seqmap_random(struct kunit *test)
{
	static const u64 bases[] = {
		0, (1ULL << 32) - 1000, (7ULL << 32) + 12345, 1ULL << 40,
	};
	struct model *md = model_new(test, 0, 0);
	struct rnd_state rnd;
	unsigned int round;

	prandom_seed_state(&rnd, 0x5eb3a9c1d2e4f607ULL);
	for (round = 0; round < RANDOM_ROUNDS; round++) {
		u32 edited = round % 4 ? 40 + rnd_below(&rnd, 400) : 2000;
		u64 base = bases[rnd_below(&rnd, ARRAY_SIZE(bases))];
		u32 isn = prandom_u32_state(&rnd), floor;

		if (test->status != KUNIT_SUCCESS)
			break;
		model_reset(md, test, base, edited);
		if (rnd_below(&rnd, 2))
			isn = U32_MAX - rnd_below(&rnd, 3000);
		random_edits(md, &rnd, edited, 0, 1 + rnd_below(&rnd, 48));
		model_check(md, &rnd, isn, 16);
		floor = rnd_below(&rnd, edited);
		model_forget(md, floor);
		model_check(md, &rnd, isn, 16);
		random_edits(md, &rnd, edited, floor, rnd_below(&rnd, 16));
		floor += rnd_below(&rnd, edited - floor);
		model_forget(md, floor);
		model_check(md, &rnd, isn, 16);
		model_destroy(md);
	}
}

static struct kunit_case sis_seqmap_cases[] = {
	KUNIT_CASE(sis_test_seqmap_empty),
	KUNIT_CASE(sis_test_seqmap_one_cut),
	KUNIT_CASE(sis_test_seqmap_one_block),
	KUNIT_CASE(sis_test_seqmap_replace),
	KUNIT_CASE(sis_test_seqmap_block_in_cut),
	KUNIT_CASE(sis_test_seqmap_merge),
	KUNIT_CASE(sis_test_seqmap_blocks_at_one_offset),
	KUNIT_CASE(sis_test_seqmap_ends),
	KUNIT_CASE(sis_test_seqmap_long_run),
	KUNIT_CASE(sis_test_seqmap_seq_wrap),
	KUNIT_CASE(sis_test_seqmap_forget),
	KUNIT_CASE(sis_test_seqmap_below_floor),
	KUNIT_CASE(sis_test_seqmap_bad),
	KUNIT_CASE(sis_test_seqmap_full),
	KUNIT_CASE(sis_test_seqmap_random),
	{}
};

static struct kunit_suite sis_seqmap_suite = {
	.name = "sis_seqmap",
	.test_cases = sis_seqmap_cases,
};

kunit_test_suite(sis_seqmap_suite);
