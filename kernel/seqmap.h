/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The edits of one direction of a connection (paper section 4.3, "active
 * changes"): the byte ranges scanners cut and the blocks they injected,
 * and the map they make between the sender's numbering ("original": the
 * offsets of what the sender sent, as scanners see them) and the
 * receiver's ("delivered": what it gets).
 *
 * The delivered stream is the original bytes that are not cut, in order,
 * with each injected block just before the original byte at its offset;
 * blocks at one offset go in the order they were injected. Cuts are of
 * original bytes only: a cut over an injection point removes the bytes
 * around it, never the block. Any number of edits, in any order of offset
 * (nf_conntrack_seqadj.c keeps one change point a direction).
 *
 * Names:
 * - fwd(x): where a segment that starts at original offset x starts in
 *   the delivered stream: the delivered bytes before the original bytes
 *   at x and the blocks at x. Byte x, if not cut, is at fwd(x) plus the
 *   length of the blocks at x.
 * - rev(D), for an acknowledgment D (the receiver has every delivered
 *   byte before D): the first original offset the receiver does not have
 *   all of. That is the lower of the first original byte not cut whose
 *   position is D or more, and the first offset with a block whose end is
 *   past D. Cut bytes are so acknowledged once everything before them is;
 *   a block not acknowledged whole holds the acknowledgment at its
 *   offset, so that the sender sends byte x again, and its block with it.
 * - rev_left(L), for the left edge of a SACK block: the first original
 *   byte not cut whose position is L or more.
 * Past the last edit both are the offset plus or minus the edits' total.
 *
 * Offsets are 64-bit; sequence numbers (32-bit, wrapping) are converted
 * at the edge by the _seq helpers, against an original offset near the
 * numbers converted (tcp_seq.h).
 *
 * Edits below the lowest offset still of interest (both ends' ACKs past
 * it by more than the largest window) are folded into a constant shift
 * by sis_seqmap_forget(); fwd() and rev() are then valid at and above it
 * only. Below it they are linear with the shift, as if every forgotten
 * edit had been at offset 0 (a map without edits left stays the
 * identity), and 0 where that would be negative.
 *
 * Pure logic, no locking (the caller holds the connection's lock);
 * allocations are GFP_ATOMIC.
 */
#ifndef _SIS_SEQMAP_H
#define _SIS_SEQMAP_H

#include <linux/types.h>

/*
 * One edit: a cut (cut > 0) or an injected block (ins > 0). pos and kept
 * are the map's own, sums over the edits before it (seqmap.c), so that
 * fwd() and rev() are a binary search.
 */
struct sis_edit {
	u64 off;		/* its original offset */
	u64 cut;		/* a cut: original bytes [off, off + cut) */
	u32 ins;		/* a block: its length, before byte off */
	void *data;		/* a block: its owner's (release callback) */
	u64 pos;		/* delivered offset where it starts */
	u64 kept;		/* off minus the bytes cut before it */
};

struct sis_seqmap {
	struct sis_edit *e;	/* by offset; at one offset blocks first */
	unsigned int n, size;
	s64 shift;		/* of edits forgotten: inserted - cut */
	u64 floor;		/* offsets below it are not mapped */
	unsigned int n_cuts, n_ins;	/* made, forgotten ones included */
};

/* Called for a block's data when the map lets go of it. */
typedef void (*sis_seqmap_release_t)(void *data);

void sis_seqmap_init(struct sis_seqmap *m);
void sis_seqmap_destroy(struct sis_seqmap *m, sis_seqmap_release_t release);

/* No edit at all, forgotten or not: the map is the identity. */
static inline bool sis_seqmap_identity(const struct sis_seqmap *m)
{
	return !m->n && !m->shift;
}

/*
 * Cut original bytes [off, off + len) (len >= 1); bytes already cut may
 * be cut again (the cuts merge). -ENOSPC past SIS_EDITS_MAX edits (as
 * the map keeps them: a cut over blocks counts one more for each offset
 * of blocks strictly inside it, merged cuts count once), -ENOMEM, -EINVAL
 * for len 0, a range past 2^64 or an offset below the floor; the map is
 * unchanged on error.
 */
int sis_seqmap_cut(struct sis_seqmap *m, u64 off, u64 len);
/*
 * Inject a block of @len bytes (>= 1) just before original byte @off,
 * after the blocks already there. @data is the caller's; the map gives it
 * back through the release callback. Errors as sis_seqmap_cut().
 */
int sis_seqmap_inject(struct sis_seqmap *m, u64 off, u32 len, void *data);

u64 sis_seqmap_fwd(const struct sis_seqmap *m, u64 off);
u64 sis_seqmap_rev(const struct sis_seqmap *m, u64 delivered);
u64 sis_seqmap_rev_left(const struct sis_seqmap *m, u64 delivered);

/*
 * Are original bytes [start, end) delivered as they are, only moved: no
 * cut in them, no block at an offset in them? (A block at end belongs to
 * the segment holding byte end.) True for start == end.
 */
bool sis_seqmap_plain(const struct sis_seqmap *m, u64 start, u64 end);

/* A piece of what original bytes [start, end) become. */
struct sis_seqmap_piece {
	u64 off;		/* original bytes: the first; a block: its offset */
	u32 len;
	void *data;		/* a block's, NULL for original bytes */
};

/*
 * What original bytes [start, end) become, in delivered order, one piece
 * per call: original bytes not cut (runs between edits, at most U32_MAX
 * long each) and the blocks at offsets in [start, end), whole. Start with
 * *cursor = 0; returns false when there is no more. The pieces' lengths
 * add up to fwd(end) - fwd(start) (blocks at end not included) when
 * start is at or above the floor. (A run of more than 2^52 bytes may be
 * cut short: the cursor counts its pieces in 21 bits.)
 */
bool sis_seqmap_next(const struct sis_seqmap *m, u64 start, u64 end,
		     unsigned int *cursor, struct sis_seqmap_piece *p);

/*
 * Fold the edits that lie wholly below original offset @below into the
 * shift (releasing their blocks); fwd(), rev() and the pieces stay
 * exact for offsets at or above @below, which must not decrease from one
 * call to the next.
 */
void sis_seqmap_forget(struct sis_seqmap *m, u64 below,
		       sis_seqmap_release_t release);

/*
 * The same at the edge, for a stream whose offset 0 is sequence number
 * isn + 1 (its ISN, which no edit changes) in both numberings. @ref is an
 * original offset within 2^31 of what is converted (the receiver's
 * acknowledgment, say); sequence numbers before offset 0 (the SYN's)
 * are returned unchanged.
 */
u32 sis_seqmap_fwd_seq(const struct sis_seqmap *m, u32 isn, u64 ref, u32 seq);
u32 sis_seqmap_rev_seq(const struct sis_seqmap *m, u32 isn, u64 ref, u32 seq);
u32 sis_seqmap_rev_left_seq(const struct sis_seqmap *m, u32 isn, u64 ref,
			    u32 seq);

#endif /* _SIS_SEQMAP_H */
