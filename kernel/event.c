// SPDX-License-Identifier: GPL-2.0
/*
 * Configuration events (event.h): each change of configuration is one
 * message to the "config" multicast group of the namespace it was made in,
 * sent by whoever made the change, under RTNL, once it is made.
 */
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/string.h>
#include <net/genetlink.h>

#include "event.h"
#include "netlink.h"

static size_t sis_event_str_size(const char *s)
{
	return s ? nla_total_size(strlen(s) + 1) : 0;
}

static size_t sis_event_size(const struct sis_event *ev)
{
	return nla_total_size(sizeof(u32)) +		/* SIS_A_IFINDEX */
	       nla_total_size(0) +			/* SIS_A_EVENT */
	       nla_total_size(sizeof(u8)) +		/* REASON */
	       nla_total_size(IFNAMSIZ) +		/* BRIDGE */
	       sis_event_str_size(ev->port) +
	       sis_event_str_size(ev->scanner) +
	       sis_event_str_size(ev->cap) +
	       2 * nla_total_size(sizeof(u32));		/* ID, PID */
}

/* Injection ids start at 0: their events always carry one. */
static bool sis_event_has_id(const struct sis_event *ev)
{
	return ev->id || ev->cmd == SIS_CMD_INJECT_ADD ||
	       ev->cmd == SIS_CMD_INJECT_DEL;
}

static int sis_event_fill(struct sk_buff *msg, const struct sis_event *ev)
{
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(msg, 0, 0, &sis_genl_family, 0, ev->cmd);
	if (!hdr || nla_put_u32(msg, SIS_A_IFINDEX, ev->br_dev->ifindex))
		return -EMSGSIZE;
	nest = nla_nest_start(msg, SIS_A_EVENT);
	if (!nest ||
	    nla_put_u8(msg, SIS_EVENT_A_REASON, ev->reason) ||
	    nla_put_string(msg, SIS_EVENT_A_BRIDGE, ev->br_dev->name) ||
	    (ev->port && nla_put_string(msg, SIS_EVENT_A_PORT, ev->port)) ||
	    (ev->scanner &&
	     nla_put_string(msg, SIS_EVENT_A_SCANNER, ev->scanner)) ||
	    (ev->cap && nla_put_string(msg, SIS_EVENT_A_CAP, ev->cap)) ||
	    (sis_event_has_id(ev) && nla_put_u32(msg, SIS_EVENT_A_ID, ev->id)) ||
	    (ev->pid && nla_put_u32(msg, SIS_EVENT_A_PID, ev->pid)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return 0;
}

/*
 * Announce @ev to the "config" group of @net, if anyone listens there. Under
 * RTNL, like every change: events go out in the order of the changes.
 * Process context. A change is never undone for want of memory to announce
 * it: the listeners are told they missed an event instead (ENOBUFS on their
 * next receive, as rtnetlink's listeners are).
 */
void sis_event_notify(struct net *net, const struct sis_event *ev)
{
	struct sk_buff *msg;

	ASSERT_RTNL();

	/* Not while the module goes (nor before the family is there). */
	if (!sis_genl_is_live() ||
	    !genl_has_listeners(&sis_genl_family, net, SIS_MCGRP_CONFIG_ID))
		return;
	msg = genlmsg_new(sis_event_size(ev), GFP_KERNEL);
	if (!msg || WARN_ON_ONCE(sis_event_fill(msg, ev))) {
		nlmsg_free(msg);
		genl_set_err(&sis_genl_family, net, 0, SIS_MCGRP_CONFIG_ID,
			     -ENOBUFS);
		return;
	}
	genlmsg_multicast_netns(&sis_genl_family, net, msg, 0,
				SIS_MCGRP_CONFIG_ID, GFP_KERNEL);
}
