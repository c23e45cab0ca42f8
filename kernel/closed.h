/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A bridge kept closed. An attached bridge that fails closed (the default;
 * SIS_A_FAIL) and loses a port (it leaves the bridge, is unregistered or
 * moves to another namespace) is detached, and in its place a hook drops
 * everything the bridge forwards, counted, until the administrator
 * attaches it again or detaches it: a bridge whose port comes back never
 * forwards unjudged. What its scanners held is dropped, whatever their
 * fail policy (the hook they held it at is gone first). A bridge that
 * fails open is only detached. Both are announced on the "config" group.
 *
 * Locking: as bridges (bridge.h): changes under RTNL, the per-namespace
 * list read under RCU by dumps.
 */
#ifndef _SIS_CLOSED_H
#define _SIS_CLOSED_H

#include <linux/netdevice.h>
#include <linux/netfilter.h>

struct sis_net;
struct sk_buff;

struct sis_closed {
	struct list_head list;		/* sis_net.closed, RCU */
	struct net *net;
	struct net_device *br_dev;
	netdevice_tracker br_tracker;
	struct nf_hook_ops hook_ops;	/* .priv is this */
	struct sis_pcpu_count __percpu *stats;	/* dropped frames */
	char port[IFNAMSIZ];		/* the port that went */
	u8 reason;			/* enum sis_event_reason */
	struct rcu_head rcu;
};

struct sis_closed *sis_closed_alloc(void);
void sis_closed_free(struct sis_closed *cl);
int sis_closed_add(struct sis_net *sn, struct sis_closed *cl,
		   struct net_device *br_dev, const char *port, u8 reason);
struct sis_closed *sis_closed_find(struct sis_net *sn,
				   const struct net_device *br_dev);
void sis_closed_del(struct sis_closed *cl);
void sis_closed_del_all(struct sis_net *sn);
int sis_closed_fill(struct sk_buff *skb, const struct sis_closed *cl);

#endif /* _SIS_CLOSED_H */
