// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching and detaching bridges, and keeping them consistent with the
 * devices underneath: a bridge is detached when it or one of its ports goes
 * away, leaves it or moves to another namespace (and, failing closed, kept
 * closed when it lost a port: closed.h), and a third port may not join an
 * attached bridge.
 */
#include <linux/if_bridge.h>
#include <linux/netfilter_bridge.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "bridge.h"
#include "closed.h"
#include "event.h"
#include "hook.h"
#include "netns.h"
#include "rules.h"
#include "ruleset.h"
#include "scanner.h"

struct sis_bridge *sis_bridge_find(struct sis_net *sn,
				   const struct net_device *br_dev)
{
	struct sis_bridge *sb;

	list_for_each_entry_rcu(sb, &sn->bridges, list, lockdep_rtnl_is_held())
		if (sb->br_dev == br_dev)
			return sb;
	return NULL;
}

/* The module is going: bridges are detached, not kept closed. */
static bool sis_bridge_exiting;

int sis_bridge_attach(struct sis_net *sn, struct net_device *br_dev,
		      u32 host_ifindex, u8 fail, struct netlink_ext_ack *extack)
{
	struct sis_closed *closed;
	struct net_device *lower, *host = NULL, *other = NULL;
	struct list_head *iter;
	struct sis_bridge *sb;
	unsigned int ports = 0;
	int err;

	ASSERT_RTNL();

	if (!netif_is_bridge_master(br_dev)) {
		NL_SET_ERR_MSG(extack, "device is not a bridge");
		return -EINVAL;
	}
	if (sis_bridge_find(sn, br_dev)) {
		NL_SET_ERR_MSG(extack, "bridge is already attached");
		return -EEXIST;
	}
	netdev_for_each_lower_dev(br_dev, lower, iter) {
		ports++;
		if (lower->ifindex == host_ifindex)
			host = lower;
		else
			other = lower;
	}
	if (ports != 2) {
		NL_SET_ERR_MSG(extack,
			       "bridge must have exactly two ports (host and network)");
		return -EINVAL;
	}
	if (!host) {
		NL_SET_ERR_MSG(extack, "host port is not a port of this bridge");
		return -EINVAL;
	}

	sb = kzalloc(sizeof(*sb), GFP_KERNEL_ACCOUNT);
	if (!sb)
		return -ENOMEM;
	sb->stats = sis_count_alloc(SIS_DIR_INDEX_COUNT);
	if (!sb->stats) {
		err = -ENOMEM;
		goto err_free;
	}
	sb->net = dev_net(br_dev);
	sb->br_dev = br_dev;
	sb->host_dev = host;
	sb->net_dev = other;
	sb->next_rule_id = 1;
	sb->fail = fail;
	if (fail == SIS_FAIL_CLOSED) {
		sb->closed_spare = sis_closed_alloc();
		if (!sb->closed_spare) {
			err = -ENOMEM;
			goto err_free;
		}
	}
	INIT_LIST_HEAD(&sb->rules);
	INIT_LIST_HEAD(&sb->scanners);

	err = sis_conns_init(sb);
	if (err)
		goto err_free;

	sb->hook_ops.hook = sis_hook;
	sb->hook_ops.priv = sb;
	sb->hook_ops.pf = NFPROTO_BRIDGE;
	sb->hook_ops.hooknum = NF_BR_FORWARD;
	sb->hook_ops.priority = NF_BR_PRI_FIRST;
	/* Last on the way out: after every other hook saw the datagram. */
	sb->out_ops = sb->hook_ops;
	sb->out_ops.hook = sis_norm_out_hook;
	sb->out_ops.hooknum = NF_BR_POST_ROUTING;
	sb->out_ops.priority = NF_BR_PRI_LAST;
	sb->local_ops = sb->hook_ops;
	sb->local_ops.hook = sis_norm_local_hook;
	sb->local_ops.hooknum = NF_BR_LOCAL_IN;
	err = nf_register_net_hook(sb->net, &sb->hook_ops);
	if (!err) {
		err = nf_register_net_hook(sb->net, &sb->out_ops);
		if (err)
			nf_unregister_net_hook(sb->net, &sb->hook_ops);
	}
	if (!err) {
		err = nf_register_net_hook(sb->net, &sb->local_ops);
		if (err) {
			nf_unregister_net_hook(sb->net, &sb->out_ops);
			nf_unregister_net_hook(sb->net, &sb->hook_ops);
		}
	}
	if (err) {
		/* A hook registered for a while may still be running. */
		synchronize_net();
		NL_SET_ERR_MSG(extack, "cannot register the bridge netfilter hooks");
		sis_conns_destroy(sb);
		goto err_free;
	}

	netdev_hold(br_dev, &sb->br_tracker, GFP_KERNEL);
	netdev_hold(host, &sb->host_tracker, GFP_KERNEL);
	netdev_hold(other, &sb->net_tracker, GFP_KERNEL);
	list_add_tail_rcu(&sb->list, &sn->bridges);
	sn->gen++;
	/* Judged from here on: it was kept closed until now. */
	closed = sis_closed_find(sn, br_dev);
	if (closed)
		sis_closed_del(closed);
	return 0;

err_free:
	sis_closed_free(sb->closed_spare);
	free_percpu(sb->stats);
	kfree(sb);
	return err;
}

static void sis_bridge_free_rcu(struct rcu_head *head)
{
	struct sis_bridge *sb = container_of(head, struct sis_bridge, rcu);

	sis_closed_free(sb->closed_spare);
	free_percpu(sb->stats);
	kfree(sb);
}

/* Publish a new compiled ruleset, the old one freed after readers left. */
static void sis_bridge_set_ruleset(struct sis_bridge *sb,
				   struct sis_ruleset *rs)
{
	struct sis_ruleset *old = rtnl_dereference(sb->ruleset);

	rcu_assign_pointer(sb->ruleset, rs);
	if (old)
		sis_ruleset_free_rcu(old);
}

/*
 * Unregister the hooks and wait until none runs. nf_unregister_net_hook()
 * does not wait (it frees its entries after a grace period, call_rcu()),
 * and a hook still running may be looking up or adding a connection: the
 * table must outlive it. The hooks run under RCU with bottom halves off.
 */
static void sis_bridge_unhook(struct sis_bridge *sb)
{
	nf_unregister_net_hook(sb->net, &sb->local_ops);
	nf_unregister_net_hook(sb->net, &sb->hook_ops);
	nf_unregister_net_hook(sb->net, &sb->out_ops);
	synchronize_net();
}

/*
 * @drop: what scanners hold is dropped, whatever their fail policy (the
 * bridge is kept closed).
 */
static void __sis_bridge_detach(struct sis_bridge *sb, bool drop)
{
	struct sis_net *sn = sis_net(sb->net);
	struct sis_rule *rule, *tmp;

	ASSERT_RTNL();

	/*
	 * Scanners first, while the hook is still there: the frames they
	 * hold get their fail policy, and those that go on resume after it.
	 * Unless dropped: a frame whose hook is gone is dropped (held.c).
	 */
	if (drop)
		sis_bridge_unhook(sb);
	sis_scanner_del_all(sb);
	list_del_rcu(&sb->list);
	sn->gen++;
	if (!drop)
		sis_bridge_unhook(sb);
	/* Their watchers went with the scanners: nothing holds frames. */
	sis_conns_destroy(sb);

	sis_bridge_set_ruleset(sb, NULL);
	list_for_each_entry_safe(rule, tmp, &sb->rules, list) {
		list_del_rcu(&rule->list);
		sis_rule_destroy_rcu(rule);
	}
	netdev_put(sb->net_dev, &sb->net_tracker);
	netdev_put(sb->host_dev, &sb->host_tracker);
	netdev_put(sb->br_dev, &sb->br_tracker);
	call_rcu(&sb->rcu, sis_bridge_free_rcu);
}

void sis_bridge_detach(struct sis_bridge *sb)
{
	__sis_bridge_detach(sb, false);
}

void sis_bridge_detach_all(struct sis_net *sn)
{
	struct sis_bridge *sb, *tmp;

	list_for_each_entry_safe(sb, tmp, &sn->bridges, list)
		sis_bridge_detach(sb);
}

/*
 * Rules change in two steps: the new ruleset is compiled first, so that a
 * failure changes nothing, then the list and the ruleset are updated.
 */
int sis_bridge_rule_add(struct sis_bridge *sb, struct sis_rule *rule,
			struct netlink_ext_ack *extack)
{
	struct sis_ruleset *rs;

	ASSERT_RTNL();

	if (sb->n_rules >= SIS_MAX_RULES) {
		NL_SET_ERR_MSG(extack,
			       "bridge has the maximum number of prevent rules");
		return -ENOSPC;
	}
	rs = sis_ruleset_build(rtnl_dereference(sb->ruleset), &sb->rules,
			       NULL, rule, extack);
	if (IS_ERR(rs))
		return PTR_ERR(rs);
	rule->id = sb->next_rule_id++;
	list_add_tail_rcu(&rule->list, &sb->rules);
	sb->n_rules++;
	sis_bridge_set_ruleset(sb, rs);
	sis_net(sb->net)->gen++;
	return 0;
}

int sis_bridge_rule_del(struct sis_bridge *sb, u32 id,
			struct netlink_ext_ack *extack)
{
	struct sis_ruleset *rs;
	struct sis_rule *rule;

	ASSERT_RTNL();

	list_for_each_entry(rule, &sb->rules, list) {
		if (rule->id != id)
			continue;
		rs = sis_ruleset_build(rtnl_dereference(sb->ruleset),
				       &sb->rules, rule, NULL, extack);
		if (IS_ERR(rs))
			return PTR_ERR(rs);
		list_del_rcu(&rule->list);
		sb->n_rules--;
		sis_bridge_set_ruleset(sb, rs);
		sis_net(sb->net)->gen++;
		sis_rule_destroy_rcu(rule);
		return 0;
	}
	NL_SET_ERR_MSG(extack, "no prevent rule with this id");
	return -ENOENT;
}

/*
 * Detach @sb because of what happened to @dev (its bridge or a port), and
 * announce it. A bridge that fails closed and lost a port is kept closed
 * (closed.h), which is announced too. During a namespace's exit this
 * announces to nobody: every socket holds a reference on its namespace,
 * none is left to listen.
 */
static void sis_bridge_detach_notify(struct sis_bridge *sb,
				     const struct net_device *dev, u8 reason)
{
	struct sis_event ev = {
		.cmd = SIS_CMD_DETACH,
		.reason = reason,
		/* Even one being unregistered stays until RTNL is released. */
		.br_dev = sb->br_dev,
		.port = dev == sb->br_dev ? NULL : dev->name,
	};
	struct net *net = sb->net;
	bool closed = false;
	int err;

	if (ev.port && sb->fail == SIS_FAIL_CLOSED && !sis_bridge_exiting) {
		err = sis_closed_add(sis_net(net), sb->closed_spare,
				     sb->br_dev, dev->name, reason);
		sb->closed_spare = NULL;
		if (err)
			pr_err("%s: cannot keep the bridge closed (%d)\n",
			       sb->br_dev->name, err);
		closed = !err;
	}
	if (ev.port)
		pr_info("%s: port %s %s, detached%s\n", sb->br_dev->name,
			dev->name, reason == SIS_EVENT_PORT_LEFT ?
			"left the bridge" : "unregistered",
			closed ? ", kept closed" : "");
	else
		pr_info("%s: unregistered, detached\n", dev->name);
	__sis_bridge_detach(sb, closed);
	sis_event_notify(net, &ev);
	if (closed) {
		ev.cmd = SIS_CMD_CLOSED;
		sis_event_notify(net, &ev);
	}
}

/* The attached bridge @dev is, or is a port of, if any. */
static struct sis_bridge *sis_bridge_of(struct sis_net *sn,
					const struct net_device *dev)
{
	struct sis_bridge *sb;

	list_for_each_entry(sb, &sn->bridges, list)
		if (sb->br_dev == dev || sb->host_dev == dev ||
		    sb->net_dev == dev)
			return sb;
	return NULL;
}

static int sis_bridge_netdev_event(struct notifier_block *nb,
				   unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct netdev_notifier_changeupper_info *info = ptr;
	struct sis_net *sn = sis_net(dev_net(dev));
	struct sis_closed *closed;
	struct sis_bridge *sb;

	switch (event) {
	case NETDEV_PRECHANGEUPPER:
		/* A third port would bypass the host/network split. */
		if (!info->linking || !sis_bridge_find(sn, info->upper_dev))
			break;
		NL_SET_ERR_MSG(netdev_notifier_info_to_extack(&info->info),
			       "bridge is attached to SIS and must keep exactly two ports");
		return notifier_from_errno(-EBUSY);
	case NETDEV_CHANGEUPPER:
		if (info->linking)
			break;
		sb = sis_bridge_find(sn, info->upper_dev);
		/* The bridge lets go of a port being unregistered first. */
		if (sb && (sb->host_dev == dev || sb->net_dev == dev))
			sis_bridge_detach_notify(sb, dev,
						 dev->reg_state == NETREG_UNREGISTERING ?
						 SIS_EVENT_PORT_GONE :
						 SIS_EVENT_PORT_LEFT);
		break;
	case NETDEV_UNREGISTER:
		/* Also sent when a device moves to another namespace. */
		while ((sb = sis_bridge_of(sn, dev)))
			sis_bridge_detach_notify(sb, dev, sb->br_dev == dev ?
						 SIS_EVENT_BRIDGE_GONE :
						 SIS_EVENT_PORT_GONE);
		closed = sis_closed_find(sn, dev);
		if (closed) {
			struct sis_event ev = {
				.cmd = SIS_CMD_DETACH,
				.reason = SIS_EVENT_BRIDGE_GONE,
				.br_dev = dev,
			};

			pr_info("%s: unregistered, no longer closed\n",
				dev->name);
			sis_closed_del(closed);
			sis_event_notify(dev_net(dev), &ev);
		}
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block sis_bridge_notifier = {
	.notifier_call = sis_bridge_netdev_event,
};

int sis_bridge_notifier_register(void)
{
	return register_netdevice_notifier(&sis_bridge_notifier);
}

/* Before the notifier goes: what it detaches is not kept closed. */
void sis_bridge_unloading(void)
{
	rtnl_lock();
	sis_bridge_exiting = true;
	rtnl_unlock();
}

/*
 * Unregistering replays NETDEV_UNREGISTER for every device of every
 * namespace, which detaches every bridge still attached, and ends every
 * closed state.
 */
void sis_bridge_notifier_unregister(void)
{
	unregister_netdevice_notifier(&sis_bridge_notifier);
}
