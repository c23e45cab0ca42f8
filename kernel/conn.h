/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracked TCP connections of a bridge (paper sections 3.2 and 4.3): those a
 * stream subscription covers, from their first SYN on. Each has two shadow
 * TCBs (tcb.h), one per endpoint, the two byte streams (stream.h) and the
 * scanners that watch them.
 *
 * Locking:
 * - sis_conns.lock (BH spinlock) guards the table's membership: the hash
 *   table, the list and the count, and the list of half-open connections.
 *   Lookups are RCU (rhashtable); conns are freed after a grace period.
 * - sis_conn.lock (BH spinlock) guards everything in a conn: TCBs, streams,
 *   watchers. It is taken with no other SIS lock held, except that
 *   scanners' queue locks (scanner.h) nest inside it, to deliver events.
 *   sis_conns.lock is never taken under it, nor it under sis_conns.lock.
 * - Frames are never resumed or freed under either: segments that are
 *   released go to a local list first (sis_conn_emit()).
 * - Watchers point at scanners and subscriptions, which change under RTNL:
 *   a subscription's watchers are removed, under RTNL, before it is freed.
 */
#ifndef _SIS_CONN_H
#define _SIS_CONN_H

#include <linux/in6.h>
#include <linux/list.h>
#include <linux/rhashtable-types.h>
#include <linux/sis.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "forge.h"
#include "reset.h"
#include "stream.h"
#include "tcb.h"

struct netlink_ext_ack;
struct nf_hook_state;
struct sis_cap;
struct sis_bridge;
struct sis_scanner;
struct sis_sub;

/* Scanners watching one connection, at most (sis_sub_add() sees to it). */
#define SIS_CONN_WATCH_MAX	SIS_MAX_STREAM_SCANNERS

/* The host's end and the network's end: the same for both directions. */
struct sis_conn_key {
	struct in6_addr host_addr;	/* IPv4: mapped, ::ffff:a.b.c.d */
	struct in6_addr net_addr;
	__be16 host_port;
	__be16 net_port;
	u8 family;
	u8 pad[3];
};

/* One scanner's subscription to a connection. */
struct sis_watch {
	struct sis_scanner *sc;
	struct sis_sub *sub;
	u8 cover;			/* directions its capability covers */
	u8 dirs;			/* directions it still reads */
	u8 contain;			/* directions it contains */
	u8 limit;			/* directions it lost (end: limit) */
	u8 ended;			/* directions whose end it was told */
	bool opened;			/* SIS_STREAM_EV_OPEN sent */
	u32 lost[SIS_STREAM_DIRS];	/* its scanner's stream_lost, seen */
	u64 delivered[SIS_STREAM_DIRS];	/* bytes it was given */
	u64 passed[SIS_STREAM_DIRS];	/* bytes it passed, if it contains */
	u64 owed[SIS_STREAM_DIRS];	/* counted in its scanner's stream_owed */
	unsigned long owed_since[SIS_STREAM_DIRS];	/* jiffies, 0: none */
	u32 cuts;			/* made in the connection, both ways */
};

/*
 * A connection is half-open from its first SYN until it opens (both ends
 * established, or a segment carries data): until then no scanner has been
 * told of it and it keeps no segment, so it can be let go at any time. A
 * flood of spoofed SYNs makes only half-open connections: they are
 * bounded apart (SIS_LIMITS_A_MAX_HALF_OPEN), oldest first out, so that a
 * real connection's SYN always finds room.
 */
struct sis_conn {
	struct rhash_head node;		/* sis_conns.table */
	struct rhash_head id_node;	/* sis_conns.ids */
	struct list_head list;		/* sis_conns.list, RCU */
	struct list_head syn_list;	/* sis_conns.half_open, if on it */
	struct sis_conn_key key;
	spinlock_t lock;		/* everything below but half_open */
	bool dead;			/* unlinked: segments untracked */
	bool closing;			/* FIN or RST seen: close timeout */
	bool killed;			/* by SIS: RSTs sent (reset.h) */
	bool open;			/* established or carrying data */
	u8 initiator;			/* SIS_DIR_OUT: the host sent the SYN */
	u64 id;
	unsigned long born;		/* jiffies */
	unsigned long last;		/* jiffies of the last segment */
	bool half_open;			/* on the list; sis_conns.lock */
	u8 n_slots;			/* watch[] allocated */
	u8 n_watch;			/* watch[] in use */
	/* [SIS_TCB_HOST], [SIS_TCB_NET] */
	struct sis_tcb tcb[2];
	/* [SIS_DIR_INDEX_IN]: net to host bytes, [SIS_DIR_INDEX_OUT] */
	struct sis_stream st[SIS_STREAM_DIRS];
	/* The same: the latest segment's Ethernet header (forge.h). */
	struct sis_conn_l2 l2[SIS_STREAM_DIRS];
	/*
	 * Frames a scanner held that were lost with its batch while an event
	 * was delivered (struct sis_hold): finished after the lock is let go.
	 */
	struct list_head lost;
	/* The bridge's counters (once inserted; NULL before). */
	struct sis_conn_stats *stats;
	struct rcu_head rcu;
	/* as many as matched the first SYN; watchers leave, none come */
	struct sis_watch watch[];
};

#define SIS_TCB_HOST	0
#define SIS_TCB_NET	1

struct sis_conn_limits {
	u32 max_conns;
	u32 max_half_open;
	u32 max_memory;
	u32 conn_bytes;
	u32 conn_segs;
	u32 syn_ms;
	u32 idle_ms;
	u32 close_ms;
};

/* Stream counters of a bridge, under sis_conns.lock or atomic. */
struct sis_conn_stats {
	atomic64_t total;
	atomic64_t untracked;
	atomic64_t midstream;
	atomic64_t malformed;		/* TCP segments the engine cannot read */
	atomic64_t midstream_dropped;	/* untracked, on contained ports */
	atomic64_t ambiguous;		/* dropped: the receiver's reading unknown */
	atomic64_t urgent;		/* URG cleared: urgent bytes read in line */
	atomic64_t invalid;
	atomic64_t invalid_why[SIS_TCB_WHY_COUNT];	/* by the rule broken */
	atomic64_t inconsistent;
	atomic64_t overlimit;
	atomic64_t resets;
	atomic64_t timeouts;
	atomic64_t dropped;
	atomic64_t evicted;		/* half-open, for a newer SYN */
	atomic64_t overmemory;		/* not kept: over max-memory */
	atomic64_t killed;		/* RSTs sent to both ends (reset.h) */
	atomic64_t resets_sent;		/* those RSTs */
	atomic64_t dupacks;		/* sent for held bytes (dupack.h) */
	atomic64_t pruned;		/* segments held past a hole, let go */
	atomic64_t cuts;		/* scanners' decisions (decide.c) */
	atomic64_t cut_bytes;
	atomic64_t injects;
	atomic64_t inject_bytes;
	atomic64_t rewritten;		/* segments built again (rewrite.h) */
	atomic64_t translated;		/* segments renumbered only */
	atomic64_t kills;		/* killed by a scanner's decision */
	atomic64_t max_cuts;		/* of those, for a cut over max-cuts */
	atomic64_t custody_acks;	/* ACKs of held bytes SIS sent (custody.h) */
	atomic64_t retransmits;		/* SIS's own, of bytes in its custody */
	atomic64_t custody_failed;	/* a scanner's more over the bounds */
};

/* A bridge's connection table. */
struct sis_conns {
	struct rhashtable table;	/* by key */
	struct rhashtable ids;		/* by id */
	struct list_head list;		/* by id, RCU */
	spinlock_t lock;		/* table, lists and counts */
	unsigned int count;
	struct list_head half_open;	/* oldest first */
	unsigned int n_half_open;
	/* bytes kept: connections, segments and the frames they pin */
	atomic_long_t mem;
	struct sis_conn_limits limits;
	struct sis_conn_stats stats;
	struct delayed_work gc;
	bool gc_running;		/* cleared at detach: no re-arming */
};

/*
 * Do its SYNs carry TCP-MD5, TCP-AO or MPTCP? Their segments cannot be
 * edited: a signature covers the bytes, MPTCP maps them (tcp-shadow notes).
 */
static inline bool sis_conn_no_edits(const struct sis_conn *c)
{
	return (c->tcb[SIS_TCB_HOST].opts | c->tcb[SIS_TCB_NET].opts) &
	       (SIS_OPT_MD5 | SIS_OPT_AO | SIS_OPT_MPTCP);
}

/*
 * Did a scanner cut or inject in either direction? Its ends then number
 * the streams differently: only SIS can carry segments between them, so
 * the connection is killed rather than let go untracked. Locked.
 */
static inline bool sis_conn_edited(const struct sis_conn *c)
{
	return !sis_seqmap_identity(&c->st[0].map) ||
	       !sis_seqmap_identity(&c->st[1].map);
}

/*
 * Does SIS have bytes in its custody (custody.h): acknowledged to their
 * sender, not yet to their receiver? Locked.
 */
static inline bool sis_conn_in_custody(const struct sis_conn *c)
{
	return c->st[0].custody > c->st[0].rcv_ack ||
	       c->st[1].custody > c->st[1].rcv_ack;
}

/*
 * Can only SIS carry the connection's segments now: edited, or with
 * bytes in its custody, which no one else would deliver? It is then
 * killed rather than let go untracked. Locked.
 */
static inline bool sis_conn_carried(const struct sis_conn *c)
{
	return sis_conn_edited(c) || sis_conn_in_custody(c);
}

/* Would @more bytes put the bridge over max-memory? */
static inline bool sis_conns_over_memory(const struct sis_conns *cs,
					 size_t more)
{
	return atomic_long_read(&cs->mem) + more >
	       READ_ONCE(cs->limits.max_memory);
}

/* conn.c: the table */
int sis_conn_init(void);
void sis_conn_exit(void);
int sis_conn_init(void);
void sis_conn_exit(void);
void sis_conn_free(struct sis_conn *c);
int sis_conns_init(struct sis_bridge *sb);
void sis_conns_destroy(struct sis_bridge *sb);
struct sis_conn *sis_conn_lookup(struct sis_bridge *sb,
				 const struct sis_conn_key *key);
struct sis_conn *sis_conn_by_id(struct sis_bridge *sb, u64 id);
struct sis_conn *sis_conn_alloc(const struct sis_conn_key *key,
				unsigned int n_watch);
int sis_conn_insert(struct sis_bridge *sb, struct sis_conn *c);
void sis_conn_unlink(struct sis_bridge *sb, struct sis_conn *c,
		     struct list_head *done);
void sis_conn_retire(struct sis_bridge *sb, struct sis_conn *c);
void sis_conn_opened(struct sis_bridge *sb, struct sis_conn *c);
void sis_conns_shrink(struct sis_bridge *sb);
struct sis_conn *sis_conn_next(struct sis_bridge *sb, u64 after);
void sis_segs_free(struct list_head *segs);
/*
 * Let direction @d's map forget the edits both ends are past by more than
 * the receiver's largest window (seqmap.h). Locked.
 */
void sis_conn_forget_edits(struct sis_conn *c, int d);
void sis_conn_finish_lost(struct sis_conn *c);

/* track.c: the datapath */
unsigned int sis_conn_hook(struct sis_bridge *sb, u8 dir, struct sk_buff *skb,
			   const struct nf_hook_state *state);

/* watch.c: the scanners' side, under the connection's lock where noted */
bool sis_conn_deliver(struct sis_conn *c, struct list_head *done,
		      struct list_head *emit);				/* locked */
void sis_conn_unaccount(struct sis_conn *c);			/* locked */
void sis_conn_silence(struct sis_conn *c);			/* locked */
void sis_conn_end(struct sis_conn *c, u8 dirs, u8 reason);	/* locked */
void sis_conn_set_passed(struct sis_conn *c, int d);		/* locked */
void sis_watch_fail(struct sis_conn *c, struct sis_watch *w, int d); /* locked */
void sis_conn_repass(struct sis_conn *c, int d, struct list_head *done,
		     struct list_head *emit);				/* locked */
void sis_conn_overdue(struct sis_conn *c, unsigned long now,
		      struct list_head *done, struct list_head *emit);
void sis_conn_emit(struct sis_bridge *sb, struct list_head *emit);
struct sis_watch *sis_watch_find(struct sis_conn *c,
				 const struct sis_scanner *sc);		/* locked */
void sis_watch_account(struct sis_conn *c, struct sis_watch *w, int d);
								/* locked */

/* decide.c: the scanners' decisions */
int sis_conn_passes(struct sis_scanner *sc, const struct sis_stream_pass *p,
		    unsigned int n, u64 *killed_conn,
		    struct netlink_ext_ack *extack);
void sis_conn_unwatch(struct sis_bridge *sb, struct sis_sub *sub);

#endif /* _SIS_CONN_H */
