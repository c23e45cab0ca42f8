// SPDX-License-Identifier: GPL-2.0
#include <linux/rtnetlink.h>
#include <net/netns/generic.h>

#include "bridge.h"
#include "closed.h"
#include "netns.h"

static unsigned int sis_net_id __read_mostly;

struct sis_net *sis_net(const struct net *net)
{
	return net_generic(net, sis_net_id);
}

static int __net_init sis_net_init(struct net *net)
{
	struct sis_net *sn = sis_net(net);

	INIT_LIST_HEAD(&sn->bridges);
	INIT_LIST_HEAD(&sn->closed);
	sn->gen = 1;
	return 0;
}

/*
 * Normally the namespace's bridges and ports are unregistered first and the
 * netdevice notifier has detached everything; this catches the rest.
 * Nothing is announced on the config group (SIS_EVENT_NETNS_EXIT): every
 * socket holds a reference on its namespace, so none is left to listen in
 * one that goes, and one elsewhere listening to all namespaces
 * (NETLINK_LISTEN_ALL_NSID) lost this one's id before its exit began.
 */
static void __net_exit sis_net_exit(struct net *net)
{
	rtnl_lock();
	sis_bridge_detach_all(sis_net(net));
	sis_closed_del_all(sis_net(net));
	rtnl_unlock();
}

static struct pernet_operations sis_net_ops = {
	.init = sis_net_init,
	.exit = sis_net_exit,
	.id = &sis_net_id,
	.size = sizeof(struct sis_net),
};

int sis_netns_register(void)
{
	return register_pernet_device(&sis_net_ops);
}

void sis_netns_unregister(void)
{
	unregister_pernet_device(&sis_net_ops);
}
