// SPDX-License-Identifier: GPL-2.0
/* A bridge kept closed after it lost a port (closed.h). */
#include <linux/netfilter_bridge.h>
#include <linux/rtnetlink.h>
#include <linux/sis.h>
#include <linux/slab.h>
#include <net/netlink.h>

#include "closed.h"
#include "netns.h"
#include "stats.h"

/* Everything the bridge forwards, from one port to another, is dropped. */
static unsigned int sis_closed_hook(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	struct sis_closed *cl = priv;

	/* The hook is the namespace's: other bridges go on. */
	if (!state->in ||
	    netdev_master_upper_dev_get_rcu(state->in) != cl->br_dev)
		return NF_ACCEPT;
	sis_count_frame(cl->stats, skb->len, true);
	return NF_DROP;
}

struct sis_closed *sis_closed_find(struct sis_net *sn,
				   const struct net_device *br_dev)
{
	struct sis_closed *cl;

	list_for_each_entry_rcu(cl, &sn->closed, list, lockdep_rtnl_is_held())
		if (cl->br_dev == br_dev)
			return cl;
	return NULL;
}

/*
 * Allocated when a bridge that fails closed is attached, so that losing a
 * port does not depend on memory then.
 */
struct sis_closed *sis_closed_alloc(void)
{
	struct sis_closed *cl;

	cl = kzalloc(sizeof(*cl), GFP_KERNEL_ACCOUNT);
	if (!cl)
		return NULL;
	cl->stats = sis_count_alloc(1);
	if (!cl->stats) {
		kfree(cl);
		return NULL;
	}
	return cl;
}

/* One never added (NULL: nothing). */
void sis_closed_free(struct sis_closed *cl)
{
	if (!cl)
		return;
	free_percpu(cl->stats);
	kfree(cl);
}

/*
 * Keep @br_dev closed with @cl (sis_closed_alloc(), taken in any case),
 * @port gone for @reason. Called before the bridge is detached, so that
 * no frame goes between the two. Under RTNL.
 */
int sis_closed_add(struct sis_net *sn, struct sis_closed *cl,
		   struct net_device *br_dev, const char *port, u8 reason)
{
	int err;

	ASSERT_RTNL();

	if (!cl)
		return -ENOMEM;
	if (sis_closed_find(sn, br_dev)) {
		sis_closed_free(cl);
		return 0;
	}
	cl->net = dev_net(br_dev);
	cl->br_dev = br_dev;
	strscpy(cl->port, port, sizeof(cl->port));
	cl->reason = reason;
	cl->hook_ops.hook = sis_closed_hook;
	cl->hook_ops.priv = cl;
	cl->hook_ops.pf = NFPROTO_BRIDGE;
	cl->hook_ops.hooknum = NF_BR_FORWARD;
	/* After SIS's own: a frame it resumes meets this one still. */
	cl->hook_ops.priority = NF_BR_PRI_FIRST + 1;
	/* Its only allocation left: a new copy of the hook table. */
	err = nf_register_net_hook(cl->net, &cl->hook_ops);
	if (err) {
		sis_closed_free(cl);
		return err;
	}
	netdev_hold(br_dev, &cl->br_tracker, GFP_KERNEL);
	list_add_tail_rcu(&cl->list, &sn->closed);
	sn->gen++;
	return 0;
}

static void sis_closed_free_rcu(struct rcu_head *head)
{
	struct sis_closed *cl = container_of(head, struct sis_closed, rcu);

	free_percpu(cl->stats);
	kfree(cl);
}

/* The bridge forwards again (attached, detached or gone). Under RTNL. */
void sis_closed_del(struct sis_closed *cl)
{
	ASSERT_RTNL();

	list_del_rcu(&cl->list);
	sis_net(cl->net)->gen++;
	/* The hook reads only itself, freed after a grace period. */
	nf_unregister_net_hook(cl->net, &cl->hook_ops);
	netdev_put(cl->br_dev, &cl->br_tracker);
	call_rcu(&cl->rcu, sis_closed_free_rcu);
}

void sis_closed_del_all(struct sis_net *sn)
{
	struct sis_closed *cl, *tmp;

	list_for_each_entry_safe(cl, tmp, &sn->closed, list)
		sis_closed_del(cl);
}

/* SIS_A_CLOSED of a bridge dump. Under RCU. */
int sis_closed_fill(struct sk_buff *skb, const struct sis_closed *cl)
{
	struct sis_count sum = {};
	struct nlattr *nest;

	sis_count_read(cl->stats, &sum);
	nest = nla_nest_start(skb, SIS_A_CLOSED);
	if (!nest ||
	    nla_put_u8(skb, SIS_CLOSED_A_REASON, cl->reason) ||
	    nla_put_string(skb, SIS_CLOSED_A_PORT, cl->port) ||
	    nla_put_u64_64bit(skb, SIS_CLOSED_A_DROPPED, sum.dropped,
			      SIS_CLOSED_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}
