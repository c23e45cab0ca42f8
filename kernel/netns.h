/* SPDX-License-Identifier: GPL-2.0 */
/* Per network namespace state: the bridges attached in that namespace. */
#ifndef _SIS_NETNS_H
#define _SIS_NETNS_H

#include <linux/list.h>
#include <net/net_namespace.h>

struct sis_net {
	struct list_head bridges;	/* struct sis_bridge; RTNL + RCU */
	struct list_head closed;	/* struct sis_closed; RTNL + RCU */
	/* Bumped on every change that a dump may see (RTNL). */
	unsigned int gen;
	/* The last alert attachment id given (netlink_proc.c). */
	atomic64_t alert_id;
};

struct sis_net *sis_net(const struct net *net);
int sis_netns_register(void);
void sis_netns_unregister(void);

#endif /* _SIS_NETNS_H */
