// SPDX-License-Identifier: GPL-2.0
/*
 * The edits of one direction of a connection (seqmap.h).
 *
 * The map is an array of edits, sorted by original offset; at one offset
 * the blocks come first, in the order they were injected, then at most
 * one cut. It keeps these invariants:
 * - cuts are disjoint, and no cut has a block's offset strictly inside
 *   it: a cut over an injection point is two entries, one ending at the
 *   point and one starting there, after its blocks. Cuts that overlap or
 *   touch with no block between are one entry. The form is canonical:
 *   one set of cut bytes and of blocks has one array.
 * - every entry is at or above the floor (a cut across it when it rose
 *   was cut short, the part below folded into the shift with the rest).
 * So an entry's original end (off + cut) never passes the next entry's
 * offset, and the entries below an offset x all end at or before x but
 * the last one, which is the only one x may be inside.
 *
 * Each entry also keeps sums over the entries before it:
 * - pos, the delivered offset where it starts: fwd(off) plus the blocks
 *   before it at off. A block covers delivered [pos, pos + ins); a cut
 *   covers nothing, the original byte at its end being at pos. So
 *   pos + ins, an entry's delivered end, never decreases from one entry
 *   to the next, and the original bytes between two entries (a run) are
 *   delivered, in order, just before the second one's pos.
 * - kept, off minus the bytes cut before it (by the entries still in the
 *   map): it grows from one entry to the next by the length of the run
 *   between them, so it tells where the original bytes are.
 *
 * fwd(), rev() and rev_left() are thus a binary search over the entries
 * (O(log n)), and O(1) past the last entry, where every later segment of
 * a connection falls. Edits are O(n): n is at most SIS_EDITS_MAX, and
 * edits are the scanners' decisions, not the segments.
 *
 * Pure logic, no locking: the caller holds its connection's lock.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sis.h>
#include <kunit/visibility.h>

#include "seqmap.h"
#include "tcp_seq.h"

#define SIS_SEQMAP_MIN_SIZE	8U

/* The original offset where an entry ends: its cut's end, a block's off. */
static u64 sis_edit_end(const struct sis_edit *e)
{
	return e->off + e->cut;
}

/* The delivered offset where an entry ends. */
static u64 sis_edit_dend(const struct sis_edit *e)
{
	return e->pos + e->ins;
}

/* x moved by the shift, 0 rather than negative. */
static u64 sis_add_shift(u64 x, s64 shift)
{
	if (shift < 0 && x < -(u64)shift)
		return 0;
	return x + (u64)shift;
}

/* d moved back by the shift, 0 rather than negative. */
static u64 sis_sub_shift(u64 d, s64 shift)
{
	if (shift > 0 && d < (u64)shift)
		return 0;
	return d - (u64)shift;
}

void sis_seqmap_init(struct sis_seqmap *m)
{
	memset(m, 0, sizeof(*m));
}
EXPORT_SYMBOL_IF_KUNIT(sis_seqmap_init);

void sis_seqmap_destroy(struct sis_seqmap *m, sis_seqmap_release_t release)
{
	unsigned int i;

	for (i = 0; i < m->n; i++)
		if (m->e[i].ins && release)
			release(m->e[i].data);
	kfree(m->e);
	sis_seqmap_init(m);
}
EXPORT_SYMBOL_IF_KUNIT(sis_seqmap_destroy);

/* Sets pos and kept of the entries from @from on, from the one before. */
static void sis_seqmap_sums(struct sis_seqmap *m, unsigned int from)
{
	unsigned int i;

	for (i = from; i < m->n; i++) {
		struct sis_edit *e = &m->e[i];
		const struct sis_edit *p;
		u64 run;

		if (!i) {
			e->pos = sis_add_shift(e->off, m->shift);
			e->kept = e->off;
			continue;
		}
		p = e - 1;
		run = e->off - sis_edit_end(p);
		e->pos = sis_edit_dend(p) + run;
		e->kept = p->kept + run;
	}
}

/* Room for @n entries; the map is unchanged on error. */
static int sis_seqmap_reserve(struct sis_seqmap *m, unsigned int n)
{
	struct sis_edit *e;
	unsigned int size;

	if (n > SIS_EDITS_MAX)
		return -ENOSPC;
	if (n <= m->size)
		return 0;
	size = max3(n, 2 * m->size, SIS_SEQMAP_MIN_SIZE);
	size = min_t(unsigned int, size, SIS_EDITS_MAX);
	e = krealloc_array(m->e, size, sizeof(*e), GFP_ATOMIC);
	if (!e)
		return -ENOMEM;
	m->e = e;
	m->size = size;
	return 0;
}

/*
 * The first entry from @lo on for which @pred(e, @x) holds, or m->n; @pred
 * must be false, then true, along the array.
 */
static __always_inline unsigned int
sis_seqmap_search(const struct sis_seqmap *m, unsigned int lo,
		  bool (*pred)(const struct sis_edit *e, u64 x), u64 x)
{
	unsigned int hi = m->n;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (pred(&m->e[mid], x))
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* At or past @x: a cut, ending after @x - 1; a block, at or after @x. */
static bool sis_edit_reaches(const struct sis_edit *e, u64 x)
{
	return e->cut ? sis_edit_end(e) > x : e->off >= x;
}

/* Ends at or after @x in the original numbering. */
static bool sis_edit_ends_from(const struct sis_edit *e, u64 x)
{
	return sis_edit_end(e) >= x;
}

/* After a block at @x: at a higher offset, or a cut at @x. */
static bool sis_edit_after_blocks(const struct sis_edit *e, u64 x)
{
	return e->off > x || (e->off == x && e->cut);
}

static bool sis_edit_from(const struct sis_edit *e, u64 x)
{
	return e->off >= x;
}

/* Ends past delivered offset @d. */
static bool sis_edit_dends_after(const struct sis_edit *e, u64 d)
{
	return sis_edit_dend(e) > d;
}

static bool sis_edit_kept_after(const struct sis_edit *e, u64 k)
{
	return e->kept > k;
}

int sis_seqmap_inject(struct sis_seqmap *m, u64 off, u32 len, void *data)
{
	struct sis_edit *e;
	unsigned int i;
	bool split;
	int err;

	if (!len || off < m->floor)
		return -EINVAL;
	i = sis_seqmap_search(m, 0, sis_edit_after_blocks, off);
	/* A cut before it that goes past off is cut in two there. */
	split = i && m->e[i - 1].cut && sis_edit_end(&m->e[i - 1]) > off;
	err = sis_seqmap_reserve(m, m->n + 1 + split);
	if (err)
		return err;
	e = m->e;
	memmove(&e[i + 1 + split], &e[i], (m->n - i) * sizeof(*e));
	if (split) {
		e[i + 1] = (struct sis_edit){
			.off = off,
			.cut = sis_edit_end(&e[i - 1]) - off,
		};
		e[i - 1].cut = off - e[i - 1].off;
	}
	e[i] = (struct sis_edit){ .off = off, .ins = len, .data = data };
	m->n += 1 + split;
	sis_seqmap_sums(m, i);
	m->n_ins++;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sis_seqmap_inject);

/*
 * Cutting [off, off + len) rewrites the entries [s, t): the cuts that
 * overlap or touch the union of it and them, [lo, hi), and the blocks at
 * offsets in [lo, hi]. The new entries are the same blocks in the same
 * order, with [lo, hi) cut in pieces at the blocks' offsets strictly
 * inside it.
 */
int sis_seqmap_cut(struct sis_seqmap *m, u64 off, u64 len)
{
	unsigned int s, t, r, w, nb = 0, pieces = 1, k;
	struct sis_edit *e = m->e;
	u64 lo = off, hi = off + len, last, end;
	bool lo_done = false;
	int err;

	if (!len || hi < off || off < m->floor)
		return -EINVAL;
	s = sis_seqmap_search(m, 0, sis_edit_ends_from, off);
	for (t = s; t < m->n && e[t].off <= hi; t++) {
		if (e[t].cut) {
			lo = min(lo, e[t].off);
			hi = max(hi, sis_edit_end(&e[t]));
		}
	}
	last = lo;
	for (r = s; r < t; r++) {
		if (e[r].cut)
			continue;
		nb++;
		if (e[r].off > lo && e[r].off < hi && e[r].off != last)
			pieces++;
		last = e[r].off;
	}
	k = nb + pieces;
	err = sis_seqmap_reserve(m, m->n - (t - s) + k);
	if (err)
		return err;
	e = m->e;
	/* The blocks together at s, the entries after them in place... */
	for (r = s, w = s; r < t; r++)
		if (!e[r].cut)
			e[w++] = e[r];
	memmove(&e[s + k], &e[t], (m->n - t) * sizeof(*e));
	/* ...then from the last, each cut piece after its offset's blocks. */
	end = hi;
	w = s + k;
	for (r = s + nb; r-- > s;) {
		u64 x = e[r].off;

		if (x > lo && x < end) {
			e[--w] = (struct sis_edit){ .off = x, .cut = end - x };
			end = x;
		} else if (x == lo && !lo_done) {
			e[--w] = (struct sis_edit){ .off = lo, .cut = end - lo };
			lo_done = true;
		}
		e[--w] = e[r];
	}
	if (!lo_done)
		e[--w] = (struct sis_edit){ .off = lo, .cut = end - lo };
	m->n = m->n - (t - s) + k;
	sis_seqmap_sums(m, s);
	m->n_cuts++;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sis_seqmap_cut);

/* fwd(@x) by an entry below it, the last one. */
static u64 sis_edit_fwd(const struct sis_edit *e, u64 x)
{
	u64 end = sis_edit_end(e);

	return sis_edit_dend(e) + (x > end ? x - end : 0);
}

u64 sis_seqmap_fwd(const struct sis_seqmap *m, u64 off)
{
	unsigned int i;

	if (!m->n)
		return sis_add_shift(off, m->shift);
	/* Past the last entry's offset: every later segment. */
	if (likely(off > m->e[m->n - 1].off))
		return sis_edit_fwd(&m->e[m->n - 1], off);
	/* None below it (below the floor, say): the shift alone. */
	i = sis_seqmap_search(m, 0, sis_edit_from, off);
	if (!i)
		return sis_add_shift(off, m->shift);
	return sis_edit_fwd(&m->e[i - 1], off);
}
EXPORT_SYMBOL_IF_KUNIT(sis_seqmap_fwd);

/*
 * The first entry whose delivered end is past @d, or m->n. Past the last
 * entry, @d is the last entry's end plus an original run.
 */
static unsigned int sis_seqmap_at(const struct sis_seqmap *m, u64 d)
{
	if (likely(d >= sis_edit_dend(&m->e[m->n - 1])))
		return m->n;
	return sis_seqmap_search(m, 0, sis_edit_dends_after, d);
}

/* The original byte at delivered @d, before entry @i (or past the last). */
static u64 sis_seqmap_run(const struct sis_seqmap *m, unsigned int i, u64 d)
{
	const struct sis_edit *e;

	if (i == m->n) {
		e = &m->e[m->n - 1];
		return sis_edit_end(e) + (d - sis_edit_dend(e));
	}
	e = &m->e[i];
	return e->off - (e->pos - d);
}

/*
 * The original offset of the delivered byte at @delivered: that of the
 * block holding it, or its own. The delivered stream has no gap, so that
 * item is the first one (in delivered order, which is that of original
 * offsets) whose delivered end is past @delivered: the first original byte
 * not cut at or past it, or the first block ending past it, whichever
 * comes first.
 */
u64 sis_seqmap_rev(const struct sis_seqmap *m, u64 delivered)
{
	unsigned int i;

	if (!m->n || delivered < sis_add_shift(m->floor, m->shift))
		return sis_sub_shift(delivered, m->shift);
	i = sis_seqmap_at(m, delivered);
	/* Inside a block: held at its offset. */
	if (i < m->n && m->e[i].ins && m->e[i].pos <= delivered)
		return m->e[i].off;
	return sis_seqmap_run(m, i, delivered);
}
EXPORT_SYMBOL_IF_KUNIT(sis_seqmap_rev);

/*
 * As rev(), but a byte of a block is taken for the first original byte not
 * cut after it: one past the run of entries (blocks and cuts that touch)
 * the block is in, found by kept, which grows at the first run.
 */
u64 sis_seqmap_rev_left(const struct sis_seqmap *m, u64 delivered)
{
	unsigned int i, j;

	if (!m->n || delivered < sis_add_shift(m->floor, m->shift))
		return sis_sub_shift(delivered, m->shift);
	i = sis_seqmap_at(m, delivered);
	if (i == m->n || !m->e[i].ins || m->e[i].pos > delivered)
		return sis_seqmap_run(m, i, delivered);
	j = sis_seqmap_search(m, i + 1, sis_edit_kept_after, m->e[i].kept);
	return sis_edit_end(&m->e[j - 1]);
}
EXPORT_SYMBOL_IF_KUNIT(sis_seqmap_rev_left);

bool sis_seqmap_plain(const struct sis_seqmap *m, u64 start, u64 end)
{
	unsigned int i;

	if (start >= end || !m->n)
		return true;
	if (likely(!sis_edit_reaches(&m->e[m->n - 1], start)))
		return true;
	i = sis_seqmap_search(m, 0, sis_edit_reaches, start);
	return i == m->n || m->e[i].off >= end;
}
EXPORT_SYMBOL_IF_KUNIT(sis_seqmap_plain);

/*
 * The cursor: the next entry, whose run (the original bytes before it)
 * comes first, as its index + 1 (so never 0 once started), and how many
 * pieces of that run were given (runs longer than U32_MAX go in pieces).
 */
#define SIS_CUR_IDX_BITS	11
#define SIS_CUR_IDX_MASK	GENMASK(SIS_CUR_IDX_BITS - 1, 0)
#define SIS_CUR_PART_MAX	(U32_MAX >> SIS_CUR_IDX_BITS)

static unsigned int sis_cursor(unsigned int i, unsigned int part)
{
	return part << SIS_CUR_IDX_BITS | (i + 1);
}

bool sis_seqmap_next(const struct sis_seqmap *m, u64 start, u64 end,
		     unsigned int *cursor, struct sis_seqmap_piece *p)
{
	unsigned int i, part = 0;

	BUILD_BUG_ON(SIS_EDITS_MAX + 1 > SIS_CUR_IDX_MASK);
	if (*cursor) {
		i = (*cursor & SIS_CUR_IDX_MASK) - 1;
		part = *cursor >> SIS_CUR_IDX_BITS;
	} else {
		/* The first entry with bytes or blocks in [start, end). */
		i = sis_seqmap_search(m, 0, sis_edit_reaches, start);
	}
	for (;; i++, part = 0) {
		bool last = i >= m->n || m->e[i].off >= end;
		u64 rs = start, re = last ? end : m->e[i].off, at;

		/* The run: the entry before ends at or before start... */
		if (i)
			rs = max(rs, sis_edit_end(&m->e[i - 1]));
		at = rs + (u64)part * U32_MAX;
		if (rs < re && at < re && part < SIS_CUR_PART_MAX) {
			p->off = at;
			p->len = min_t(u64, re - at, U32_MAX);
			p->data = NULL;
			*cursor = sis_cursor(i, part + 1);
			return true;
		}
		if (last) {
			*cursor = sis_cursor(i, part);
			return false;
		}
		/* ...then the entry: a block whole, a cut nothing. */
		if (m->e[i].ins) {
			p->off = m->e[i].off;
			p->len = m->e[i].ins;
			p->data = m->e[i].data;
			*cursor = sis_cursor(i + 1, 0);
			return true;
		}
	}
}
EXPORT_SYMBOL_IF_KUNIT(sis_seqmap_next);

void sis_seqmap_forget(struct sis_seqmap *m, u64 below,
		       sis_seqmap_release_t release)
{
	unsigned int i;

	if (below <= m->floor)
		return;
	for (i = 0; i < m->n; i++) {
		struct sis_edit *e = &m->e[i];

		if (e->ins) {
			if (e->off >= below)
				break;
			m->shift += e->ins;
			if (release)
				release(e->data);
			continue;
		}
		if (e->off >= below)
			break;
		if (sis_edit_end(e) > below) {
			/* Across it: the part below goes, the rest stays. */
			m->shift -= (s64)(below - e->off);
			e->cut -= below - e->off;
			e->off = below;
			break;
		}
		m->shift -= (s64)e->cut;
	}
	m->n -= i;
	m->floor = below;
	if (m->n) {
		memmove(m->e, &m->e[i], m->n * sizeof(*m->e));
		sis_seqmap_sums(m, 0);
	} else {
		kfree(m->e);
		m->e = NULL;
		m->size = 0;
	}
}
EXPORT_SYMBOL_IF_KUNIT(sis_seqmap_forget);

/* Offset 0 is isn + 1 in both numberings. */
static u32 sis_seqmap_seq(u32 isn, u64 off)
{
	return sis_off_to_seq(off, isn + 1, 0);
}

u32 sis_seqmap_fwd_seq(const struct sis_seqmap *m, u32 isn, u64 ref, u32 seq)
{
	u64 off;

	if (!sis_seq_off(seq, sis_seqmap_seq(isn, ref), ref, &off))
		return seq;
	return sis_seqmap_seq(isn, sis_seqmap_fwd(m, off));
}
EXPORT_SYMBOL_IF_KUNIT(sis_seqmap_fwd_seq);

/* The delivered offset of @seq, against where @ref is delivered. */
static bool sis_seqmap_delivered(const struct sis_seqmap *m, u32 isn, u64 ref,
				 u32 seq, u64 *d)
{
	u64 dref = sis_seqmap_fwd(m, ref);

	return sis_seq_off(seq, sis_seqmap_seq(isn, dref), dref, d);
}

u32 sis_seqmap_rev_seq(const struct sis_seqmap *m, u32 isn, u64 ref, u32 seq)
{
	u64 d;

	if (!sis_seqmap_delivered(m, isn, ref, seq, &d))
		return seq;
	return sis_seqmap_seq(isn, sis_seqmap_rev(m, d));
}
EXPORT_SYMBOL_IF_KUNIT(sis_seqmap_rev_seq);

u32 sis_seqmap_rev_left_seq(const struct sis_seqmap *m, u32 isn, u64 ref,
			    u32 seq)
{
	u64 d;

	if (!sis_seqmap_delivered(m, isn, ref, seq, &d))
		return seq;
	return sis_seqmap_seq(isn, sis_seqmap_rev_left(m, d));
}
EXPORT_SYMBOL_IF_KUNIT(sis_seqmap_rev_left_seq);
