// SPDX-License-Identifier: GPL-2.0
/*
 * A bridge's table of tracked connections (conn.h): creation, lookup by
 * address and by id, expiry and teardown. The datapath is in track.c; the
 * scanners' passes and departures in watch.c.
 */
#include <linux/jhash.h>
#include <linux/rcupdate_wait.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "bridge.h"
#include "conn.h"
#include "custody.h"
#include "dupack.h"
#include "held.h"
#include "inject.h"
#include "queue.h"
#include "scanner.h"
#include "subscription.h"

/*
 * How often expired connections and overdue passes are looked for; and
 * how soon events are tried again for a scanner whose socket was full.
 */
#define SIS_CONN_GC_INTERVAL	HZ
#define SIS_CONN_RETRY		max(HZ / 100, 1)

static atomic64_t sis_conn_ids = ATOMIC64_INIT(0);

/*
 * Most connections have one watcher: they come from a slab of their own
 * (the size is measured in Documentation/performance.md); those with
 * more from kmalloc, a struct sis_watch more each.
 */
static struct kmem_cache *sis_conn_cache __read_mostly;

int __init sis_conn_init(void)
{
	sis_conn_cache = kmem_cache_create("sis_conn",
					   struct_size_t(struct sis_conn,
							 watch, 1),
					   0, 0, NULL);
	return sis_conn_cache ? 0 : -ENOMEM;
}

/* After rcu_barrier(): connections are freed from RCU callbacks. */
void sis_conn_exit(void)
{
	kmem_cache_destroy(sis_conn_cache);
}

/* The map lets go of an injected block (seqmap.h). */
static void sis_conn_release_block(void *data)
{
	sis_inject_put(data);
}

void sis_conn_forget_edits(struct sis_conn *c, int d)
{
	struct sis_stream *st = &c->st[d];
	const struct sis_tcb *rcv = &c->tcb[d == SIS_DIR_INDEX_IN ?
					    SIS_TCB_HOST : SIS_TCB_NET];
	u64 below;

	lockdep_assert_held(&c->lock);

	if (!st->map.n || st->rcv_ack <= rcv->max_win)
		return;
	below = st->rcv_ack - rcv->max_win;
	if (below > st->map.floor)
		sis_seqmap_forget(&st->map, below, sis_conn_release_block);
}

void sis_conn_free(struct sis_conn *c)
{
	int d;

	for (d = 0; d < SIS_STREAM_DIRS; d++)
		sis_seqmap_destroy(&c->st[d].map, sis_conn_release_block);
	if (c->n_slots == 1)
		kmem_cache_free(sis_conn_cache, c);
	else
		kfree(c);
}

static void sis_conn_free_rcu(struct rcu_head *head)
{
	sis_conn_free(container_of(head, struct sis_conn, rcu));
}

static const struct rhashtable_params sis_conn_params = {
	.head_offset = offsetof(struct sis_conn, node),
	.key_offset = offsetof(struct sis_conn, key),
	.key_len = sizeof(struct sis_conn_key),
	.automatic_shrinking = true,
};

static const struct rhashtable_params sis_conn_id_params = {
	.head_offset = offsetof(struct sis_conn, id_node),
	.key_offset = offsetof(struct sis_conn, id),
	.key_len = sizeof(u64),
	.automatic_shrinking = true,
};

static void sis_conns_gc(struct work_struct *work);

int sis_conns_init(struct sis_bridge *sb)
{
	struct sis_conns *cs = &sb->conns;
	int err;

	INIT_LIST_HEAD(&cs->list);
	INIT_LIST_HEAD(&cs->half_open);
	spin_lock_init(&cs->lock);
	cs->limits = (struct sis_conn_limits) {
		.max_conns = SIS_MAX_CONNS_DEFAULT,
		.max_half_open = SIS_MAX_HALF_OPEN_DEFAULT,
		.max_memory = SIS_MAX_MEMORY_DEFAULT,
		.conn_bytes = SIS_CONN_BYTES_DEFAULT,
		.conn_segs = SIS_CONN_SEGS_DEFAULT,
		.syn_ms = SIS_SYN_MS_DEFAULT,
		.idle_ms = SIS_IDLE_MS_DEFAULT,
		.close_ms = SIS_CLOSE_MS_DEFAULT,
	};
	INIT_DELAYED_WORK(&cs->gc, sis_conns_gc);
	err = rhashtable_init(&cs->table, &sis_conn_params);
	if (err)
		return err;
	err = rhashtable_init(&cs->ids, &sis_conn_id_params);
	if (err) {
		rhashtable_destroy(&cs->table);
		return err;
	}
	cs->gc_running = true;
	return 0;
}

struct sis_conn *sis_conn_lookup(struct sis_bridge *sb,
				 const struct sis_conn_key *key)
{
	return rhashtable_lookup(&sb->conns.table, key, sis_conn_params);
}

struct sis_conn *sis_conn_by_id(struct sis_bridge *sb, u64 id)
{
	return rhashtable_lookup(&sb->conns.ids, &id, sis_conn_id_params);
}

/*
 * A new connection with room for @n_watch watchers (1 to
 * SIS_CONN_WATCH_MAX), not yet visible. Atomic context; NULL when out of
 * memory.
 */
struct sis_conn *sis_conn_alloc(const struct sis_conn_key *key,
				unsigned int n_watch)
{
	struct sis_conn *c;
	int i;

	if (WARN_ON_ONCE(!n_watch || n_watch > SIS_CONN_WATCH_MAX))
		return NULL;
	if (n_watch == 1)
		c = kmem_cache_zalloc(sis_conn_cache, GFP_ATOMIC);
	else
		c = kzalloc(struct_size(c, watch, n_watch), GFP_ATOMIC);
	if (!c)
		return NULL;
	c->n_slots = n_watch;
	c->key = *key;
	spin_lock_init(&c->lock);
	INIT_LIST_HEAD(&c->lost);
	c->born = jiffies;
	c->last = c->born;
	for (i = 0; i < SIS_STREAM_DIRS; i++)
		sis_stream_init(&c->st[i]);
	return c;
}

/* What a connection's own allocation counts in sis_conns.mem. */
static size_t sis_conn_mem(const struct sis_conn *c)
{
	return struct_size(c, watch, c->n_slots);
}

/* Off the list of half-open connections, if on it. */
static void sis_conn_half_open_del(struct sis_conns *cs, struct sis_conn *c)
{
	lockdep_assert_held(&cs->lock);
	if (!c->half_open)
		return;
	list_del(&c->syn_list);
	WRITE_ONCE(c->half_open, false);
	cs->n_half_open--;
}

/* Out of the table and its lists: no segment finds it any more. */
static void sis_conn_remove(struct sis_conns *cs, struct sis_conn *c)
{
	lockdep_assert_held(&cs->lock);
	sis_conn_half_open_del(cs, c);
	rhashtable_remove_fast(&cs->table, &c->node, sis_conn_params);
	rhashtable_remove_fast(&cs->ids, &c->id_node, sis_conn_id_params);
	list_del_rcu(&c->list);
	/* Also read locklessly, by the hook. */
	WRITE_ONCE(cs->count, cs->count - 1);
	atomic_long_sub(sis_conn_mem(c), &cs->mem);
}

/* The oldest half-open connection, taken off the list; NULL if none. */
static struct sis_conn *sis_conn_half_open_pop(struct sis_conns *cs)
{
	struct sis_conn *old;

	lockdep_assert_held(&cs->lock);
	old = list_first_entry_or_null(&cs->half_open, struct sis_conn,
				       syn_list);
	if (old)
		sis_conn_half_open_del(cs, old);
	return old;
}

static bool __sis_conn_unlink(struct sis_bridge *sb, struct sis_conn *c,
			      bool unopened, struct list_head *done);

/*
 * Let a half-open connection taken off the list go, unless it opened
 * meanwhile (another CPU applying a segment to it). Under RCU.
 */
static void sis_conn_evict(struct sis_bridge *sb, struct sis_conn *old)
{
	if (__sis_conn_unlink(sb, old, true, NULL))
		atomic64_inc(&sb->conns.stats.evicted);
}

/*
 * Watchers whose subscription ended since the SYN matched it go before the
 * connection is visible: sis_conn_unwatch() may have walked the list
 * already, and the subscription is freed after this RCU section. -ENOENT
 * if none is left. Under sis_conns.lock, which sis_conn_unwatch() takes to
 * mark them.
 */
static int sis_conn_drop_gone(struct sis_conns *cs, struct sis_conn *c)
{
	unsigned int i = 0, n = c->n_watch;
	int d;

	lockdep_assert_held(&cs->lock);

	while (i < c->n_watch) {
		if (c->watch[i].sub->gone)
			c->watch[i] = c->watch[--c->n_watch];
		else
			i++;
	}
	if (!c->n_watch)
		return -ENOENT;
	if (c->n_watch != n)
		for (d = 0; d < SIS_STREAM_DIRS; d++)
			sis_conn_set_passed(c, d);
	return 0;
}

/*
 * Make a new connection visible, half-open. Returns 0, -EEXIST if another
 * CPU just made one for the same addresses, -ENOENT if every subscription
 * it matched has ended, -ENOSPC if the table is full of open connections.
 * When half-open ones are over max-half-open, or the table is full, the
 * oldest half-open one makes room: it is taken off the half-open list at
 * once, and out of the table unless it opened meanwhile (another CPU
 * applying a segment to it). The caller frees c on failure.
 * Datapath, under RCU.
 */
int sis_conn_insert(struct sis_bridge *sb, struct sis_conn *c)
{
	struct sis_conns *cs = &sb->conns;
	struct sis_conn *old = NULL;
	bool full, over;
	int err;

	spin_lock(&cs->lock);
	err = sis_conn_drop_gone(cs, c);
	if (err)
		goto out;
	err = -ENOSPC;
	full = cs->count >= READ_ONCE(cs->limits.max_conns) ||
	       sis_conns_over_memory(cs, sis_conn_mem(c));
	over = full || cs->n_half_open >= READ_ONCE(cs->limits.max_half_open);
	if (!cs->gc_running || (full && list_empty(&cs->half_open)))
		goto out;
	c->id = atomic64_inc_return(&sis_conn_ids);
	c->half_open = true;
	c->st[0].mem = &cs->mem;
	c->st[1].mem = &cs->mem;
	c->stats = &cs->stats;
	err = rhashtable_lookup_insert_fast(&cs->table, &c->node,
					    sis_conn_params);
	if (err)
		goto out;
	err = rhashtable_insert_fast(&cs->ids, &c->id_node,
				     sis_conn_id_params);
	if (err) {
		rhashtable_remove_fast(&cs->table, &c->node, sis_conn_params);
		goto out;
	}
	if (over)
		old = sis_conn_half_open_pop(cs);
	list_add_tail_rcu(&c->list, &cs->list);
	list_add_tail(&c->syn_list, &cs->half_open);
	cs->n_half_open++;
	atomic_long_add(sis_conn_mem(c), &cs->mem);
	WRITE_ONCE(cs->count, cs->count + 1);
	if (cs->count == 1)
		mod_delayed_work(system_wq, &cs->gc, SIS_CONN_GC_INTERVAL);
	atomic64_inc(&cs->stats.total);
out:
	spin_unlock(&cs->lock);
	if (old)
		sis_conn_evict(sb, old);
	return err;
}

/*
 * After the limits were lowered: half-open connections over max-half-open
 * or max-conns go, oldest first, as new SYNs would have made them go.
 * Process context.
 */
void sis_conns_shrink(struct sis_bridge *sb)
{
	struct sis_conns *cs = &sb->conns;
	struct sis_conn *old;

	rcu_read_lock();
	for (;;) {
		spin_lock_bh(&cs->lock);
		old = NULL;
		if (cs->n_half_open > READ_ONCE(cs->limits.max_half_open) ||
		    cs->count > READ_ONCE(cs->limits.max_conns))
			old = sis_conn_half_open_pop(cs);
		spin_unlock_bh(&cs->lock);
		if (!old)
			break;
		sis_conn_evict(sb, old);
		cond_resched_rcu();
	}
	rcu_read_unlock();
}

/*
 * A half-open connection opened (conn.h): off the list of those that may
 * be let go. Datapath, the connection's lock not held.
 */
void sis_conn_opened(struct sis_bridge *sb, struct sis_conn *c)
{
	struct sis_conns *cs = &sb->conns;

	spin_lock_bh(&cs->lock);
	sis_conn_half_open_del(cs, c);
	spin_unlock_bh(&cs->lock);
}

/* Free what a segment list holds: held frames are dropped. */
void sis_segs_free(struct list_head *segs)
{
	struct sis_seg *seg, *tmp;

	if (list_empty(segs))
		return;
	local_bh_disable();
	rcu_read_lock();
	list_for_each_entry_safe(seg, tmp, segs, list) {
		if (seg->held)
			sis_held_decide(seg->held, true);
		else
			consume_skb(seg->skb);
		list_del(&seg->list);
		kfree(seg);
	}
	rcu_read_unlock();
	local_bh_enable();
}

/* Finish the frames lost while events were delivered; not locked. */
void sis_conn_finish_lost(struct sis_conn *c)
{
	LIST_HEAD(lost);

	spin_lock_bh(&c->lock);
	list_splice_init(&c->lost, &lost);
	spin_unlock_bh(&c->lock);
	sis_holds_finish(&lost);
}

/*
 * Take a connection out of the table, if it is still there (and, if
 * @unopened, has not opened): returns whether it did. Segments that find
 * it dead are untracked ones (track.c). Its kept segments go on @done
 * (held ones are dropped); a half-open one has none (@done may be NULL).
 */
static bool __sis_conn_unlink(struct sis_bridge *sb, struct sis_conn *c,
			      bool unopened, struct list_head *done)
{
	struct sis_conns *cs = &sb->conns;
	LIST_HEAD(lost);
	int i;

	spin_lock_bh(&c->lock);
	if (c->dead || (unopened && c->open)) {
		spin_unlock_bh(&c->lock);
		return false;
	}
	c->dead = true;
	sis_conn_unaccount(c);
	for (i = 0; done && i < SIS_STREAM_DIRS; i++)
		sis_stream_flush(&c->st[i], done);
	/* The maps go with the connection; no edit comes once dead. */
	for (i = 0; i < SIS_STREAM_DIRS; i++) {
		atomic_long_sub(c->st[i].map_mem, &cs->mem);
		c->st[i].map_mem = 0;
	}
	list_splice_init(&c->lost, &lost);
	spin_unlock_bh(&c->lock);
	sis_holds_finish(&lost);

	spin_lock_bh(&cs->lock);
	sis_conn_remove(cs, c);
	spin_unlock_bh(&cs->lock);
	call_rcu(&c->rcu, sis_conn_free_rcu);
	return true;
}

/*
 * Take a connection out of the table: its segments are untracked ones
 * from now on.
 * Its kept segments go on @done (held ones are dropped: a connection goes
 * when it is over, or when nothing watches it any more, see watch.c).
 * Any context, under RCU; the connection's lock not held.
 */
void sis_conn_unlink(struct sis_bridge *sb, struct sis_conn *c,
		     struct list_head *done)
{
	__sis_conn_unlink(sb, c, false, done);
}

/*
 * A first SYN for the addresses of a closing connection: a new connection
 * (the client used its port again, which the peer's TIME_WAIT allows). The
 * old one leaves the table at once, so that the new one is tracked; while
 * a scanner has not had all its events yet (its socket was full), it stays
 * on the list, with its id, for the expiry work to deliver them and then
 * let it go (sis_conns_gc()). Datapath context, RCU; not locked.
 */
void sis_conn_retire(struct sis_bridge *sb, struct sis_conn *c)
{
	struct sis_conns *cs = &sb->conns;
	bool waits = false;
	LIST_HEAD(done);
	LIST_HEAD(emit);

	spin_lock_bh(&c->lock);
	if (!c->dead)
		waits = sis_conn_deliver(c, &done, &emit);
	spin_unlock_bh(&c->lock);
	sis_conn_finish_lost(c);
	sis_conn_emit(sb, &emit);
	if (waits) {
		/* Removed once: sis_conn_unlink() then finds it gone. */
		spin_lock_bh(&cs->lock);
		sis_conn_half_open_del(cs, c);
		rhashtable_remove_fast(&cs->table, &c->node, sis_conn_params);
		spin_unlock_bh(&cs->lock);
	} else {
		sis_conn_unlink(sb, c, &done);
	}
	sis_segs_free(&done);
}

/* The connection after id @after in id order, under RCU (dumps). */
struct sis_conn *sis_conn_next(struct sis_bridge *sb, u64 after)
{
	struct sis_conn *c;

	list_for_each_entry_rcu(c, &sb->conns.list, list)
		if (c->id > after)
			return c;
	return NULL;
}

static unsigned long sis_conn_timeout(const struct sis_conns *cs,
				      const struct sis_conn *c)
{
	u32 ms;

	if (c->closing)
		ms = cs->limits.close_ms;
	else if (sis_tcb_established(&c->tcb[SIS_TCB_HOST],
				     &c->tcb[SIS_TCB_NET]))
		ms = cs->limits.idle_ms;
	else
		ms = cs->limits.syn_ms;
	return msecs_to_jiffies(ms);
}

/*
 * Once a second: connections quiet for longer than their state allows go
 * (their scanners are told), and scanners that owe passes for longer than
 * their timeout get their fail policy (watch.c).
 */
static void sis_conns_gc(struct work_struct *work)
{
	struct sis_conns *cs = container_of(to_delayed_work(work),
					    struct sis_conns, gc);
	struct sis_bridge *sb = container_of(cs, struct sis_bridge, conns);
	unsigned long now = jiffies;
	struct sk_buff_head rsts, acks;
	bool pending = false;
	struct sis_conn *c;
	LIST_HEAD(done);
	LIST_HEAD(emit);

	__skb_queue_head_init(&rsts);
	__skb_queue_head_init(&acks);
	rcu_read_lock();
	list_for_each_entry_rcu(c, &cs->list, list) {
		bool expired, waits = false;

		spin_lock_bh(&c->lock);
		expired = !c->dead &&
			  time_after(now, c->last + sis_conn_timeout(cs, c));
		if (expired && !c->killed && sis_conn_carried(c)) {
			/* Untracked, its ends would read each other wrong. */
			atomic64_inc(&cs->stats.timeouts);
			sis_conn_kill(sb, c, &rsts, &done);
			expired = false;
		} else if (expired) {
			if (!c->closing)
				atomic64_inc(&cs->stats.timeouts);
			sis_conn_end(c, SIS_DIR_ANY, SIS_STREAM_END_TIMEOUT);
		} else if (!c->dead) {
			sis_conn_overdue(c, now, &done, &emit);
			/* SIS's retransmissions of what it has in custody. */
			pending |= sis_conn_custody_tick(sb, c, now, &acks,
							 &rsts, &done);
		}
		if (!c->dead)
			waits = sis_conn_deliver(c, &done, &emit);
		/*
		 * A closed connection stays while a scanner has not had all of
		 * its events yet (its socket was full), up to the idle timeout.
		 */
		if (expired && waits && c->closing &&
		    time_before(now, c->last +
				msecs_to_jiffies(READ_ONCE(cs->limits.idle_ms))))
			expired = false;
		pending |= waits;
		spin_unlock_bh(&c->lock);
		if (expired)
			sis_conn_unlink(sb, c, &done);
		else
			sis_conn_finish_lost(c);
		sis_resets_send(sb, &rsts);
		sis_dupacks_send(sb, &acks);
	}
	rcu_read_unlock();
	sis_conn_emit(sb, &emit);
	sis_segs_free(&done);

	spin_lock_bh(&cs->lock);
	if (cs->count && cs->gc_running)
		mod_delayed_work(system_wq, &cs->gc, pending ? SIS_CONN_RETRY :
					       SIS_CONN_GC_INTERVAL);
	spin_unlock_bh(&cs->lock);
}

/*
 * At detach, once the hook is gone and the bridge's scanners (so every
 * watcher) with it: what is left goes.
 */
void sis_conns_destroy(struct sis_bridge *sb)
{
	struct sis_conns *cs = &sb->conns;
	struct sis_conn *c;
	LIST_HEAD(done);

	spin_lock_bh(&cs->lock);
	cs->gc_running = false;
	spin_unlock_bh(&cs->lock);
	cancel_delayed_work_sync(&cs->gc);

	rcu_read_lock();
	list_for_each_entry_rcu(c, &cs->list, list) {
		struct sk_buff_head rsts;

		/* Nothing will carry its segments between its numberings. */
		__skb_queue_head_init(&rsts);
		spin_lock_bh(&c->lock);
		if (!c->dead && sis_conn_carried(c))
			sis_conn_kill(sb, c, &rsts, &done);
		spin_unlock_bh(&c->lock);
		sis_resets_send(sb, &rsts);
		sis_conn_unlink(sb, c, &done);
	}
	rcu_read_unlock();
	sis_segs_free(&done);
	rhashtable_destroy(&cs->ids);
	rhashtable_destroy(&cs->table);
}
