/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scanners as the administrator declares them (paper section 3.2, Table 1):
 * a name, the user its process runs as, verdict timeout, fail policy and
 * limits, a capability table (what it may read and contain) and the frames
 * it may inject (inject.h).
 *
 * Locking: scanners belong to an attached bridge (sis_bridge.scanners) and
 * are created, changed and deleted under RTNL; their lists (capabilities,
 * injections, subscriptions) are RCU lists written under RTNL, so that the
 * datapath can read them. Detaching a bridge deletes its scanners.
 *
 * The scanner's process side (queue.c) is guarded by sis_scanner.lock, a
 * BH spinlock: the attached socket, the frame numbers, the held frames in
 * number order (which is also deadline order, the timeout being per
 * scanner), the batch of messages not yet sent and the counters. It nests
 * inside RTNL and inside a connection's lock (sis_conn.lock, conn.h: stream
 * events are queued under it), and inside nothing else; no other SIS lock
 * is taken under it.
 */
#ifndef _SIS_SCANNER_H
#define _SIS_SCANNER_H

#include <linux/atomic.h>
#include <linux/hrtimer.h>
#include <linux/list.h>
#include <linux/ratelimit.h>
#include <linux/rcupdate.h>
#include <linux/sis.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/uidgid.h>

#include "stats.h"

struct bpf_prog;
struct netlink_ext_ack;
struct sock;
struct sock_filter;
struct sis_bridge;
struct sis_net;

struct sis_cap {
	struct list_head list;		/* sis_scanner.caps, RCU */
	char name[SIS_NAME_MAX];
	u8 dir;				/* enum sis_dir mask */
	u8 rights;			/* enum sis_rights mask */
	u8 kind;			/* enum sis_cap_kind */
	u8 n_host_ports;		/* SIS_CAP_STREAM: 0 is any port */
	u8 n_net_ports;
	u8 midstream;			/* enum sis_unjudged */
	u32 max_cuts;			/* per connection, 0: no bound */
	struct sis_port_range host_ports[SIS_PORT_RANGES_MAX];
	struct sis_port_range net_ports[SIS_PORT_RANGES_MAX];
	struct bpf_prog *prog;		/* NULL: every frame (streams only) */
	char *expr;
	struct sis_pcpu_count __percpu *stats;	/* frames matched */
	struct rcu_head rcu;
};

struct sis_scanner_conf {
	kuid_t uid;
	u32 timeout_ms;
	u32 max_held;
	u32 max_bytes;
	u32 inject_rate;		/* injections a second */
	u8 fail;			/* enum sis_fail */
	u8 absent;			/* enum sis_absent */
};

/* What happened to the frames of a scanner (SIS_SCANNER_A_FRAMES...). */
struct sis_scanner_counts {
	u64 frames;
	u64 passed;
	u64 cut;
	u64 timeouts;
	u64 overflows;
	u64 released;
	u64 stale;
	u64 lost;
	u64 alerts;
	u64 alerts_dropped;
	u64 injects;
	u64 injects_limited;
	u64 absent_dropped;		/* while no process was attached */
	u64 attachments;		/* alert attachments taken */
	u64 attach_dropped;		/* not taken: over the byte budget */
};

/*
 * A scanner's alert attachment (netlink_proc.c): the one open, and the
 * byte budget. Only numbers: the bytes go straight on to the alerts
 * group, the kernel keeps none of them.
 */
struct sis_attach {
	u64 id;				/* the one open, 0: none */
	u64 len;			/* its announced length */
	u64 off;			/* bytes of it taken so far */
	u64 budget;			/* bytes left, SIS_ALERT_ATTACH_BUDGET */
	unsigned long stamp;		/* jiffies when budget was refilled */
};

/* Frame numbers whose "held" bit a verdict can still check. */
#define SIS_RECENT_FRAMES	SIS_VERDICT_WINDOW

struct sis_scanner {
	struct list_head list;		/* sis_bridge.scanners, RCU */
	struct sis_bridge *sb;
	char name[SIS_NAME_MAX];
	struct sis_scanner_conf conf;
	struct list_head caps;		/* struct sis_cap */
	struct list_head injects;	/* struct sis_inject */
	struct list_head subs;		/* struct sis_sub */
	unsigned int n_caps;
	unsigned int n_injects;
	unsigned int n_subs;
	unsigned int n_stream_subs;	/* of them, under stream capabilities */
	unsigned int sub_insns;		/* of their filters: SIS_SUB_INSNS_BUDGET */
	/* Absent and dropping what these capabilities contain (absent.h). */
	bool absent_frames;
	bool absent_stream;
	u32 next_sub_id;

	/* The process side, under lock (see above). */
	spinlock_t lock;
	struct sock *sk;		/* attached socket, referenced, or NULL */
	u32 portid;			/* its port id then, for dumps */
	pid_t pid;			/* its process, for dumps */
	u64 last_num;			/* last frame number given */
	struct list_head held;		/* struct sis_hold, number order */
	unsigned int n_held;
	unsigned int held_bytes;
	struct sk_buff *batch;		/* SIS_CMD_FRAME messages to send */
	u64 batch_held_from;		/* first held number in it, 0: none */
	unsigned int batch_frames;	/* frames in it */
	unsigned int batch_streams;	/* stream events in it */
	u32 stream_lost;		/* batches with stream events lost */
	bool batch_closed;		/* it takes no more: send first */
	bool in_verdicts;		/* applying verdicts: send at the end */
	struct sis_scanner_counts counts;
	struct ratelimit_state alert_rs;
	struct sis_attach attach;
	struct ratelimit_state inject_rs;
	struct timer_list timer;	/* the oldest held frame's deadline */
	struct hrtimer flush;		/* sends a batch being gathered */
	DECLARE_BITMAP(recent_held, SIS_RECENT_FRAMES);
	/* Stream bytes delivered held and not passed, all connections. */
	atomic64_t stream_owed;

	struct rcu_head rcu;
};

bool sis_name_valid(const char *name);
struct sis_scanner *sis_scanner_find(struct sis_net *sn, const char *name);
struct sis_scanner *sis_scanner_by_sock(struct sis_net *sn,
					const struct sock *sk);
struct sis_scanner *sis_scanner_by_portid(struct sis_net *sn, u32 portid);
struct sis_scanner *sis_scanner_released(struct sis_net *sn, u32 portid);
int sis_scanner_add(struct sis_bridge *sb, const char *name,
		    const struct sis_scanner_conf *conf,
		    struct netlink_ext_ack *extack);
void sis_scanner_del(struct sis_scanner *sc);
void sis_scanner_detach(struct sis_scanner *sc, bool tell);
void sis_scanner_del_all(struct sis_bridge *sb);

struct sis_cap *sis_cap_find(struct sis_scanner *sc, const char *name);
int sis_cap_add(struct sis_scanner *sc, struct sis_cap *cap,
		struct netlink_ext_ack *extack);
void sis_cap_del(struct sis_scanner *sc, struct sis_cap *cap);
struct sis_cap *sis_cap_create(const char *name, u8 dir, u8 rights,
			       const struct sock_filter *insns,
			       unsigned int len, const char *expr,
			       struct netlink_ext_ack *extack);
void sis_cap_destroy(struct sis_cap *cap);

/* What the fail policy does to a frame the scanner cannot decide on. */
static inline bool sis_fail_cut(const struct sis_scanner *sc)
{
	return sc->conf.fail == SIS_FAIL_CLOSED;
}

#endif /* _SIS_SCANNER_H */
