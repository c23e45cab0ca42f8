/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An attached bridge: the bridge device, its host-facing and network-facing
 * ports, the netfilter hook that watches frames between them, counters and
 * prevent rules.
 *
 * Locking: attach, detach and every change to a bridge's rules happen under
 * RTNL (netlink requests take it; netdevice notifiers run under it). The
 * per-netns list of bridges and each bridge's rule list are RCU lists, and
 * the compiled ruleset an RCU pointer: the hook and dumps read them under RCU
 * only, and freeing is RCU-deferred.
 */
#ifndef _SIS_BRIDGE_H
#define _SIS_BRIDGE_H

#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/sis.h>

#include "conn.h"
#include "normalize.h"
#include "stats.h"

struct sis_closed;
struct sis_net;
struct sis_rule;
struct sis_ruleset;

/*
 * A direction is an enum sis_dir on the wire and in masks (SIS_DIR_IN and
 * SIS_DIR_OUT are one bit each, SIS_DIR_ANY both: a direction is its own
 * bit, BIT(index)), and an index into per-direction arrays.
 */
enum sis_dir_index {
	SIS_DIR_INDEX_IN,
	SIS_DIR_INDEX_OUT,
	SIS_DIR_INDEX_COUNT
};

static_assert(BIT(SIS_DIR_INDEX_IN) == SIS_DIR_IN &&
	      BIT(SIS_DIR_INDEX_OUT) == SIS_DIR_OUT &&
	      (SIS_DIR_IN | SIS_DIR_OUT) == SIS_DIR_ANY);

/* One direction (SIS_DIR_IN or SIS_DIR_OUT) as an index, and back. */
static inline enum sis_dir_index sis_dir_to_index(u8 dir)
{
	return dir - SIS_DIR_IN;
}

static inline u8 sis_index_to_dir(unsigned int d)
{
	return d + SIS_DIR_IN;
}

struct sis_bridge {
	struct list_head list;		/* sis_net.bridges, RCU */
	struct net *net;
	struct net_device *br_dev;
	struct net_device *host_dev;
	struct net_device *net_dev;
	netdevice_tracker br_tracker;
	netdevice_tracker host_tracker;
	netdevice_tracker net_tracker;
	struct nf_hook_ops hook_ops;	/* .priv is this bridge */
	struct nf_hook_ops out_ops;	/* POST_ROUTING: refragmenting */
	struct nf_hook_ops local_ops;	/* LOCAL_IN: frames to the appliance */
	/* [SIS_DIR_INDEX_IN], [SIS_DIR_INDEX_OUT] */
	struct sis_pcpu_count __percpu *stats;
	struct list_head rules;		/* struct sis_rule, RCU */
	struct sis_ruleset __rcu *ruleset;	/* rules compiled, or NULL */
	unsigned int n_rules;
	struct list_head scanners;	/* struct sis_scanner, RCU */
	unsigned int n_scanners;
	atomic_t n_subs;		/* frame subscriptions of its scanners */
	atomic_t n_stream_subs;		/* stream subscriptions */
	/* Absent scanners dropping frames, streams (absent.h). */
	atomic_t n_absent;
	atomic_t n_absent_stream;
	struct sis_conns conns;		/* tracked TCP connections */
	struct sis_norm_conf norm;	/* set under RTNL, read locklessly */
	struct sis_norm_stats norm_stats;
	u32 next_rule_id;
	u8 fail;			/* enum sis_fail: losing a port */
	struct sis_closed *closed_spare;	/* if it fails closed */
	struct rcu_head rcu;
};

int sis_bridge_attach(struct sis_net *sn, struct net_device *br_dev,
		      u32 host_ifindex, u8 fail, struct netlink_ext_ack *extack);
void sis_bridge_detach(struct sis_bridge *sb);
void sis_bridge_unloading(void);
void sis_bridge_detach_all(struct sis_net *sn);
struct sis_bridge *sis_bridge_find(struct sis_net *sn,
				   const struct net_device *br_dev);

int sis_bridge_rule_add(struct sis_bridge *sb, struct sis_rule *rule,
			struct netlink_ext_ack *extack);
int sis_bridge_rule_del(struct sis_bridge *sb, u32 id,
			struct netlink_ext_ack *extack);

int sis_bridge_notifier_register(void);
void sis_bridge_notifier_unregister(void);

#endif /* _SIS_BRIDGE_H */
