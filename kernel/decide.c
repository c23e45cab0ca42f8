// SPDX-License-Identifier: GPL-2.0
/*
 * A scanner's decisions on the streams it contains (SIS_CMD_STREAM_PASS;
 * paper section 3.2, Table 1, and 4.3, "active changes"): pass, cut,
 * inject, more and kill, each on one direction of one connection.
 *
 * A request is checked whole first, changing nothing, then applied one
 * decision at a time, each under its connection's lock. What another
 * scanner or a timeout changed in between makes a decision stale (it is
 * skipped), never unsafe: a cut or an injection is applied only at or
 * past the direction's lowest decision (sis_stream.passed), whose bytes
 * are all still held, so no edit ever touches a byte already sent
 * (rewrite.h). The scanner's own decided bytes (sis_watch.passed) only it
 * moves forward, so an injection at their end, then a cut from there (a
 * replacement), find the bytes still held.
 */
#include <linux/netfilter.h>
#include <linux/slab.h>

#include "bridge.h"
#include "compat.h"
#include "conn.h"
#include "custody.h"
#include "dupack.h"
#include "inject.h"
#include "scanner.h"
#include "seqmap.h"
#include "subscription.h"

static const char *const sis_op_names[] = {
	[SIS_STREAM_OP_PASS] = "pass",
	[SIS_STREAM_OP_CUT] = "cut",
	[SIS_STREAM_OP_INJECT] = "inject",
	[SIS_STREAM_OP_MORE] = "more",
	[SIS_STREAM_OP_KILL] = "kill",
};

static_assert(ARRAY_SIZE(sis_op_names) == __SIS_STREAM_OP_MAX);

/* The shape of a decision, whatever the connection's state. */
static int sis_decision_valid(const struct sis_stream_pass *p, unsigned int i,
			      struct netlink_ext_ack *extack)
{
	static const u8 zero[sizeof(p->reserved)];
	const char *what = "";

	if (p->op > SIS_STREAM_OP_MAX) {
		NL_SET_ERR_MSG_FMT(extack, "decision %u: unknown op %u", i,
				   p->op);
		return -EINVAL;
	}
	if (p->dir != SIS_DIR_IN && p->dir != SIS_DIR_OUT)
		what = "a direction that is not in or out";
	else if (memcmp(p->reserved, zero, sizeof(zero)) ||
		 (p->op != SIS_STREAM_OP_INJECT && p->inject))
		what = "reserved bits set";
	else if (p->len != SIS_PASS_ALL && p->offset + p->len < p->offset)
		what = "a range past the offset space";
	else if ((p->op == SIS_STREAM_OP_PASS ||
		  p->op == SIS_STREAM_OP_CUT ||
		  p->op == SIS_STREAM_OP_MORE) && !p->len)
		what = "no bytes";
	else if ((p->op == SIS_STREAM_OP_CUT ||
		  p->op == SIS_STREAM_OP_MORE) && p->len == SIS_PASS_ALL)
		what = "the rest of the stream, which only a pass may take";
	else if (p->op == SIS_STREAM_OP_INJECT && p->len)
		what = "a length (an injection's is its block's)";
	else if (p->op == SIS_STREAM_OP_KILL && (p->offset || p->len))
		what = "an offset or a length (a kill has none)";
	if (!*what)
		return 0;
	NL_SET_ERR_MSG_FMT(extack, "%s %u: %s", sis_op_names[p->op], i, what);
	return -EINVAL;
}

/*
 * Where the scanner's decided bytes of p[i]'s direction end, after the
 * passes and cuts before it in the request.
 */
static u64 sis_decision_base(const struct sis_stream_pass *p, unsigned int i,
			     unsigned int *edits)
{
	unsigned int j;
	u64 base = 0;

	*edits = 0;
	for (j = 0; j < i; j++) {
		if (p[j].conn != p[i].conn || p[j].dir != p[i].dir)
			continue;
		if (p[j].op == SIS_STREAM_OP_CUT ||
		    p[j].op == SIS_STREAM_OP_INJECT)
			(*edits)++;
		if (p[j].op != SIS_STREAM_OP_PASS &&
		    p[j].op != SIS_STREAM_OP_CUT)
			continue;
		base = max(base, p[j].len == SIS_PASS_ALL ? U64_MAX :
			   p[j].offset + p[j].len);
	}
	return base;
}

/* The bytes of the blocks injected at original offset @off. */
static u64 sis_blocks_at(const struct sis_seqmap *m, u64 off)
{
	struct sis_seqmap_piece piece;
	unsigned int cur = 0;
	u64 n = 0;

	while (sis_seqmap_next(m, off, off + 1, &cur, &piece))
		if (piece.data)
			n += piece.len;
	return n;
}

/* The bytes of the injections before p[i] in the request at its place. */
static u64 sis_request_blocks_at(struct sis_scanner *sc,
				 const struct sis_stream_pass *p,
				 unsigned int i)
{
	struct sis_inject *inj;
	unsigned int j;
	u64 n = 0;

	for (j = 0; j < i; j++) {
		if (p[j].op != SIS_STREAM_OP_INJECT || p[j].conn != p[i].conn ||
		    p[j].dir != p[i].dir || p[j].offset != p[i].offset)
			continue;
		inj = sis_inject_get_stream(sc, p[j].inject, p[j].dir);
		if (IS_ERR(inj))
			continue;
		n += sis_inject_len(inj);
		sis_inject_put(inj);
	}
	return n;
}

/* An edit's own checks, on a connection and direction it may edit. */
static int sis_edit_check(struct sis_scanner *sc, struct sis_conn *c,
			  const struct sis_stream_pass *p, unsigned int i,
			  u64 base, u64 seen, unsigned int edits, u64 blocks,
			  struct netlink_ext_ack *extack)
{
	const struct sis_seqmap *m = &c->st[sis_dir_to_index(p->dir)].map;
	const char *op = sis_op_names[p->op];
	struct sis_inject *inj;

	if (sis_conn_no_edits(c)) {
		NL_SET_ERR_MSG_FMT(extack,
				   "%s %u: connection %llu uses TCP-MD5, TCP-AO or MPTCP: its bytes cannot be edited",
				   op, i, p->conn);
		return -EOPNOTSUPP;
	}
	/* The array may double. */
	if (sis_conns_over_memory(&sc->sb->conns,
				  max_t(size_t, m->size, edits + 1) *
				  sizeof(struct sis_edit))) {
		NL_SET_ERR_MSG_FMT(extack,
				   "%s %u: the bridge's max-memory is used up",
				   op, i);
		return -ENOSPC;
	}
	if (m->n + edits >= SIS_EDITS_MAX) {
		NL_SET_ERR_MSG_FMT(extack,
				   "%s %u: connection %llu has %u edits in this direction, the most it may",
				   op, i, p->conn, SIS_EDITS_MAX);
		return -ENOSPC;
	}
	if (p->op == SIS_STREAM_OP_CUT) {
		if (p->offset != base) {
			NL_SET_ERR_MSG_FMT(extack,
					   "cut %u: offset %llu is not where the decided bytes end (%llu)",
					   i, p->offset, base);
			return -EINVAL;
		}
		if (p->offset + p->len > seen) {
			NL_SET_ERR_MSG_FMT(extack,
					   "cut %u: bytes up to %llu were not delivered (%llu so far)",
					   i, p->offset + p->len, seen);
			return -EINVAL;
		}
		return 0;
	}
	if (p->offset < base) {
		NL_SET_ERR_MSG_FMT(extack,
				   "inject %u: offset %llu is decided already (up to %llu): inject before cutting",
				   i, p->offset, base);
		return -EINVAL;
	}
	if (p->offset >= seen) {
		NL_SET_ERR_MSG_FMT(extack,
				   "inject %u: byte %llu was not delivered (%llu so far)",
				   i, p->offset, seen);
		return -EINVAL;
	}
	inj = sis_inject_get_stream(sc, p->inject, p->dir);
	if (IS_ERR(inj)) {
		const char *why = "is a frame, not a stream block";

		if (PTR_ERR(inj) == -ENOENT)
			why = "is not one of the scanner's";
		else if (PTR_ERR(inj) == -EPERM)
			why = "may not go in this direction";
		NL_SET_ERR_MSG_FMT(extack, "inject %u: injection %u %s", i,
				   p->inject, why);
		return PTR_ERR(inj);
	}
	blocks += sis_blocks_at(m, p->offset) + sis_inject_len(inj);
	sis_inject_put(inj);
	if (blocks > SIS_INJECT_STREAM_MAX) {
		NL_SET_ERR_MSG_FMT(extack,
				   "inject %u: %llu bytes would be injected at offset %llu, over %u",
				   i, blocks, p->offset, SIS_INJECT_STREAM_MAX);
		return -ENOSPC;
	}
	return 0;
}

/*
 * Check one decision against the connection's state, without changing
 * it. @base: where the scanner's decided bytes of this direction end,
 * counting those earlier in the same request; @edits: its edits there.
 * Returns 1 if the decision is stale (nothing to do), 0 if it applies,
 * or an error. Under RCU.
 */
static int sis_decision_check(struct sis_scanner *sc,
			      const struct sis_stream_pass *p, unsigned int i,
			      u64 base, unsigned int edits, u64 blocks,
			      struct netlink_ext_ack *extack)
{
	struct sis_conn *c = sis_conn_by_id(sc->sb, p->conn);
	int d = sis_dir_to_index(p->dir), ret = 1;
	const char *op = sis_op_names[p->op];
	struct sis_watch *w;
	u64 seen;

	if (!c)
		return 1;
	spin_lock_bh(&c->lock);
	w = c->dead || c->killed ? NULL : sis_watch_find(c, sc);
	if (!w || !(w->dirs & BIT(d)))
		goto out;
	if (!(w->contain & BIT(d))) {
		NL_SET_ERR_MSG_FMT(extack,
				   "%s %u: the scanner only reads this direction of connection %llu",
				   op, i, p->conn);
		ret = -EPERM;
		goto out;
	}
	base = max(base, w->passed[d]);
	seen = w->delivered[d];
	ret = 0;
	switch (p->op) {
	case SIS_STREAM_OP_PASS:
		if (p->offset > base) {
			NL_SET_ERR_MSG_FMT(extack,
					   "pass %u: offset %llu leaves a gap: bytes are decided up to %llu",
					   i, p->offset, base);
			ret = -EINVAL;
		} else if (p->len != SIS_PASS_ALL &&
			   p->offset + p->len > seen) {
			NL_SET_ERR_MSG_FMT(extack,
					   "pass %u: bytes up to %llu were not delivered (%llu so far)",
					   i, p->offset + p->len, seen);
			ret = -EINVAL;
		}
		break;
	case SIS_STREAM_OP_CUT:
	case SIS_STREAM_OP_INJECT:
		ret = sis_edit_check(sc, c, p, i, base, seen, edits, blocks,
				     extack);
		break;
	default:
		break;
	}
out:
	spin_unlock_bh(&c->lock);
	return ret;
}

/*
 * Open the window the receiver of direction @d advertises to its sender
 * so that bytes up to @end can come, within the connection's byte limit
 * (applied to the receiver's ACKs as they pass: track.c). Locked.
 */
static void sis_decide_more(struct sis_bridge *sb, struct sis_conn *c, int d,
			    u64 end)
{
	struct sis_stream *st = &c->st[d];

	st->want = max(st->want, end);
	end = min(end, st->rcv_ack + READ_ONCE(sb->conns.limits.conn_bytes));
	st->more = max(st->more, end);
}

/* The map's array counts in the bridge's memory (max-memory). Locked. */
static void sis_decide_charge(struct sis_stream *st)
{
	u32 mem = st->map.size * sizeof(struct sis_edit);

	atomic_long_add((long)mem - (long)st->map_mem, st->mem);
	st->map_mem = mem;
}

/* What applying a request left to do once the locks are let go. */
struct sis_decided {
	struct sk_buff_head rsts;	/* to send: RSTs (reset.h) */
	struct sk_buff_head acks;	/* and ACKs of cut bytes (dupack.h) */
	u64 max_cuts_conn;		/* a connection killed for max-cuts */
	bool max_cuts;
};

/*
 * An edit on direction @d, applied: false if it could not be (out of
 * memory, over max-cuts): the connection is then killed. Locked.
 */
static bool sis_decide_edit(struct sis_scanner *sc, struct sis_conn *c,
			    struct sis_watch *w, int d,
			    const struct sis_stream_pass *p,
			    struct sis_decided *out)
{
	struct sis_conn_stats *stats = &sc->sb->conns.stats;
	struct sis_stream *st = &c->st[d];
	struct sis_inject *inj;
	u32 max;

	if (p->op == SIS_STREAM_OP_CUT) {
		max = READ_ONCE(w->sub->cap->max_cuts);
		if (max && w->cuts >= max) {
			atomic64_inc(&stats->max_cuts);
			out->max_cuts = true;
			out->max_cuts_conn = c->id;
			return false;
		}
		if (sis_conns_over_memory(&sc->sb->conns,
					  max(st->map.size, 1U) *
					  sizeof(struct sis_edit)) ||
		    sis_seqmap_cut(&st->map, p->offset, p->len))
			return false;
		sis_decide_charge(st);
		w->cuts++;
		atomic64_inc(&stats->cuts);
		atomic64_add(p->len, &stats->cut_bytes);
		w->passed[d] = max(w->passed[d], p->offset + p->len);
		return true;
	}
	inj = sis_inject_get_stream(sc, p->inject, p->dir);
	if (IS_ERR(inj))
		return true;	/* deleted meanwhile: stale */
	/* Another scanner's block came first at this offset: stale too. */
	if (sis_blocks_at(&st->map, p->offset) + sis_inject_len(inj) >
	    SIS_INJECT_STREAM_MAX) {
		sis_inject_put(inj);
		return true;
	}
	if (sis_conns_over_memory(&sc->sb->conns,
				  max(st->map.size, 1U) *
				  sizeof(struct sis_edit)) ||
	    sis_seqmap_inject(&st->map, p->offset, sis_inject_len(inj), inj)) {
		sis_inject_put(inj);
		return false;
	}
	sis_decide_charge(st);
	atomic64_inc(&inj->sent);
	atomic64_inc(&stats->injects);
	atomic64_add(sis_inject_len(inj), &stats->inject_bytes);
	return true;
}

static void sis_decision_apply(struct sis_scanner *sc,
			       const struct sis_stream_pass *p,
			       struct sis_decided *out)
{
	struct sis_conn *c = sis_conn_by_id(sc->sb, p->conn);
	struct sis_bridge *sb = sc->sb;
	int d = sis_dir_to_index(p->dir);
	struct sis_watch *w;
	bool kill = false;
	LIST_HEAD(done);
	LIST_HEAD(emit);

	if (!c)
		return;
	spin_lock_bh(&c->lock);
	w = c->dead || c->killed ? NULL : sis_watch_find(c, sc);
	if (!w || !(w->contain & BIT(d)))
		goto out;
	switch (p->op) {
	case SIS_STREAM_OP_PASS:
		if (p->len == SIS_PASS_ALL) {
			w->contain &= ~BIT(d);
			w->dirs &= ~BIT(d);
			w->owed_since[d] = 0;
		} else {
			w->passed[d] = max(w->passed[d], p->offset + p->len);
		}
		break;
	case SIS_STREAM_OP_CUT:
	case SIS_STREAM_OP_INJECT:
		/* Nothing at or past it may have gone: else stale. */
		if (p->offset < c->st[d].passed)
			goto out;
		kill = !sis_decide_edit(sc, c, w, d, p, out);
		break;
	case SIS_STREAM_OP_MORE:
		sis_decide_more(sb, c, d, p->offset + p->len);
		/* The receiver may have nothing more to ACK: SIS says it. */
		sis_conn_open_window(sb, c, d, &out->acks);
		/* Not enough if the sender's bytes in flight are all held. */
		sis_conn_custody_ack(sb, c, d, &out->acks);
		sis_conn_custody_bound(sb, c, d, &done, &emit);
		goto out;
	case SIS_STREAM_OP_KILL:
		kill = true;
		break;
	}
	if (kill) {
		atomic64_inc(&sb->conns.stats.kills);
		sis_conn_kill(sb, c, &out->rsts, &done);
		sis_conn_deliver(c, &done, &emit);
		goto out;
	}
	if (w->dirs & BIT(d)) {
		if (w->passed[d] >= w->delivered[d])
			w->owed_since[d] = 0;
		else
			w->owed_since[d] = jiffies | 1;
	}
	sis_watch_account(c, w, d);
	sis_conn_repass(c, d, &done, &emit);
	/* Cut bytes the receiver cannot acknowledge: SIS does. */
	if (p->op == SIS_STREAM_OP_CUT)
		sis_conn_ack_cut(sb, c, d, &out->acks);
	/* It has read what it decided: room for what waits. */
	sis_conn_deliver(c, &done, &emit);
out:
	spin_unlock_bh(&c->lock);
	sis_conn_finish_lost(c);
	sis_conn_emit(sb, &emit);
	sis_segs_free(&done);
	sis_resets_send(sb, &out->rsts);
	sis_dupacks_send(sb, &out->acks);
}

/*
 * A scanner's decisions (SIS_CMD_STREAM_PASS). All are checked first, so
 * that a bad one changes nothing; then each is applied. Process context,
 * under RCU. *@killed_conn: a connection killed for its capability's
 * max-cuts (the last, if several), for the caller to announce.
 */
int sis_conn_passes(struct sis_scanner *sc, const struct sis_stream_pass *p,
		    unsigned int n, u64 *killed_conn,
		    struct netlink_ext_ack *extack)
{
	struct sis_decided out = {};
	unsigned int i, edits;
	int err;

	for (i = 0; i < n; i++) {
		err = sis_decision_valid(&p[i], i, extack);
		if (err)
			return err;
	}
	for (i = 0; i < n; i++) {
		u64 base = sis_decision_base(p, i, &edits), blocks = 0;

		if (p[i].op == SIS_STREAM_OP_INJECT)
			blocks = sis_request_blocks_at(sc, p, i);
		err = sis_decision_check(sc, &p[i], i, base, edits, blocks,
					 extack);
		if (err < 0)
			return err;
	}
	__skb_queue_head_init(&out.rsts);
	__skb_queue_head_init(&out.acks);
	for (i = 0; i < n; i++)
		sis_decision_apply(sc, &p[i], &out);
	*killed_conn = out.max_cuts ? out.max_cuts_conn : 0;
	return 0;
}
