// SPDX-License-Identifier: GPL-2.0
/*
 * The "sis" generic netlink family: its operations, their preamble
 * (sis_nl_pre_doit()), the validators their policies share and the
 * multicast groups. The commands and their attributes are documented in
 * uapi/linux/sis.h; netlink.h says which file has which.
 *
 * Administrator operations need CAP_NET_ADMIN over the namespace
 * (GENL_UNS_ADMIN_PERM); the scanner processes' operations need none and
 * are checked against the scanner the socket is attached as
 * (netlink_proc.c). Requests that change state take RTNL; dumps read under
 * RCU and mark themselves inconsistent when the namespace's generation
 * moved.
 */
#include <linux/filter.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "compat.h"
#include "netlink.h"

int sis_nl_bpf_validate(const struct nlattr *attr,
			struct netlink_ext_ack *extack)
{
	unsigned int len = nla_len(attr);

	if (!len || len % sizeof(struct sock_filter)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "filter program is not a whole number of BPF instructions");
		return -EINVAL;
	}
	return 0;
}

int sis_nl_array_validate(const struct nlattr *attr,
			  struct netlink_ext_ack *extack)
{
	unsigned int len = nla_len(attr);

	switch (nla_type(attr)) {
	case SIS_A_VERDICTS:
		if (!(len % sizeof(struct sis_verdict)))
			return 0;
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "verdicts are not a whole number of struct sis_verdict");
		return -EINVAL;
	case SIS_A_PASSES:
		if (!(len % sizeof(struct sis_stream_pass)))
			return 0;
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "passes are not a whole number of struct sis_stream_pass");
		return -EINVAL;
	}
	/* A policy that names this validator for another attribute. */
	WARN_ON_ONCE(1);
	return -EINVAL;
}

/*
 * Every operation has a policy of its own, nested attributes included:
 * an attribute it does not take is refused ("Unsupported attribute", the
 * family's strict validation), never ignored. Those of netlink_*.c are in
 * their files.
 */
/* Operations that take no attribute: every one is refused. */
static const struct nla_policy sis_none_policy[SIS_A_MAX + 1] = {};

/*
 * The preamble of the operations that act on an attached bridge or on a
 * declared scanner (SIS_NL_BRIDGE, SIS_NL_SCANNER): RTNL, then the object,
 * found once here rather than in each handler.
 */
static int sis_nl_pre_doit(const SIS_GENL_OP *ops, struct sk_buff *skb,
			   struct genl_info *info)
{
	int err = 0;

	if (!(ops->internal_flags & (SIS_NL_BRIDGE | SIS_NL_SCANNER)))
		return 0;
	rtnl_lock();
	if (ops->internal_flags & SIS_NL_BRIDGE) {
		if (SIS_NL_REQUIRE_BRIDGE(info))
			err = -EINVAL;
		else
			info->user_ptr[0] = sis_nl_attached(info, &err);
	} else {
		info->user_ptr[0] = sis_nl_scanner(info, &err);
	}
	if (err)
		rtnl_unlock();
	return err;
}

static void sis_nl_post_doit(const SIS_GENL_OP *ops, struct sk_buff *skb,
			     struct genl_info *info)
{
	if (ops->internal_flags & (SIS_NL_BRIDGE | SIS_NL_SCANNER))
		rtnl_unlock();
}

static const struct genl_ops sis_genl_ops[] = {
	{
		.cmd = SIS_CMD_ATTACH,
		.doit = sis_nl_attach,
		.policy = sis_attach_policy,
		.maxattr = SIS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = SIS_CMD_DETACH,
		.doit = sis_nl_detach,
		.policy = sis_bridge_policy,
		.maxattr = SIS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = SIS_CMD_GET_BRIDGE,
		.start = sis_nl_get_start,
		.dumpit = sis_nl_get_dumpit,
		.policy = sis_bridge_policy,
		.maxattr = SIS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = SIS_CMD_PREVENT_ADD,
		.doit = sis_nl_prevent_add,
		.policy = sis_prevent_add_policy,
		.maxattr = SIS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = SIS_NL_BRIDGE,
	},
	{
		.cmd = SIS_CMD_PREVENT_DEL,
		.doit = sis_nl_prevent_del,
		.policy = sis_prevent_del_policy,
		.maxattr = SIS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = SIS_NL_BRIDGE,
	},
	{
		.cmd = SIS_CMD_SCANNER_ADD,
		.doit = sis_nl_scanner_add,
		.policy = sis_scanner_add_policy,
		.maxattr = SIS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = SIS_NL_BRIDGE,
	},
	{
		.cmd = SIS_CMD_SCANNER_DEL,
		.doit = sis_nl_scanner_del,
		.policy = sis_scanner_del_policy,
		.maxattr = SIS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = SIS_NL_SCANNER,
	},
	{
		.cmd = SIS_CMD_GET_SCANNER,
		.dumpit = sis_nl_scanner_get_dumpit,
		.policy = sis_none_policy,
		.maxattr = SIS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = SIS_CMD_CAP_ADD,
		.doit = sis_nl_cap_add,
		.policy = sis_cap_add_policy,
		.maxattr = SIS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = SIS_NL_SCANNER,
	},
	{
		.cmd = SIS_CMD_CAP_DEL,
		.doit = sis_nl_cap_del,
		.policy = sis_cap_del_policy,
		.maxattr = SIS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = SIS_NL_SCANNER,
	},
	{
		.cmd = SIS_CMD_INJECT_ADD,
		.doit = sis_nl_inject_add,
		.policy = sis_inject_add_policy,
		.maxattr = SIS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = SIS_NL_SCANNER,
	},
	{
		.cmd = SIS_CMD_INJECT_DEL,
		.doit = sis_nl_inject_del,
		.policy = sis_inject_del_policy,
		.maxattr = SIS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = SIS_NL_SCANNER,
	},
	{
		.cmd = SIS_CMD_SCANNER_ATTACH,
		.doit = sis_nl_scanner_attach,
		.policy = sis_scanner_attach_policy,
		.maxattr = SIS_A_MAX,
	},
	{
		.cmd = SIS_CMD_SUBSCRIBE,
		.doit = sis_nl_subscribe,
		.policy = sis_subscribe_policy,
		.maxattr = SIS_A_MAX,
	},
	{
		.cmd = SIS_CMD_UNSUBSCRIBE,
		.doit = sis_nl_unsubscribe,
		.policy = sis_unsubscribe_policy,
		.maxattr = SIS_A_MAX,
	},
	{
		.cmd = SIS_CMD_VERDICT,
		.doit = sis_nl_verdict,
		.policy = sis_verdict_policy,
		.maxattr = SIS_A_MAX,
	},
	{
		.cmd = SIS_CMD_INJECT,
		.doit = sis_nl_inject,
		.policy = sis_inject_policy,
		.maxattr = SIS_A_MAX,
	},
	{
		.cmd = SIS_CMD_ALERT,
		.doit = sis_nl_alert,
		.policy = sis_alert_policy,
		.maxattr = SIS_A_MAX,
	},
	{
		.cmd = SIS_CMD_ALERT_DATA,
		.doit = sis_nl_alert_data,
		.policy = sis_alert_data_policy,
		.maxattr = SIS_A_MAX,
	},
	{
		.cmd = SIS_CMD_STREAM_PASS,
		.doit = sis_nl_stream_pass,
		.policy = sis_stream_pass_policy,
		.maxattr = SIS_A_MAX,
	},
	{
		.cmd = SIS_CMD_SET_BRIDGE,
		.doit = sis_nl_set_bridge,
		.policy = sis_set_policy,
		.maxattr = SIS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = SIS_NL_BRIDGE,
	},
	{
		.cmd = SIS_CMD_GET_CONN,
		.start = sis_nl_get_start,	/* the same optional filter */
		.dumpit = sis_nl_conn_dumpit,
		.policy = sis_bridge_policy,
		.maxattr = SIS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

/*
 * Alerts tell what scanners saw, configuration events what the bridges'
 * defences are: for the administrator's eyes only.
 */
static const struct genl_multicast_group sis_mcgrps[] = {
	[SIS_MCGRP_ALERTS_ID] = {
		.name = SIS_MCGRP_ALERTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
	[SIS_MCGRP_CONFIG_ID] = {
		.name = SIS_MCGRP_CONFIG,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

static bool sis_genl_live;

struct genl_family sis_genl_family __ro_after_init = {
	.name = SIS_GENL_NAME,
	.version = SIS_GENL_VERSION,
	.maxattr = SIS_A_MAX,
	.netnsok = true,
	/*
	 * Handlers lock for themselves (RTNL, RCU, a scanner's lock), or
	 * the preamble does (sis_nl_pre_doit()).
	 */
	.parallel_ops = true,
	.resv_start_op = 0,	/* strict checks for every command */
	.module = THIS_MODULE,
	.pre_doit = sis_nl_pre_doit,
	.post_doit = sis_nl_post_doit,
	.ops = sis_genl_ops,
	.n_ops = ARRAY_SIZE(sis_genl_ops),
	.mcgrps = sis_mcgrps,
	.n_mcgrps = ARRAY_SIZE(sis_mcgrps),
};

int __init sis_genl_register(void)
{
	int err = genl_register_family(&sis_genl_family);

	WRITE_ONCE(sis_genl_live, !err);
	return err;
}

void sis_genl_unregister(void)
{
	/*
	 * Under RTNL, which every sender outside the family's own handlers
	 * holds (configuration events, SIS_CMD_DETACHED): once it is
	 * released, none is still sending when the family's groups go.
	 */
	rtnl_lock();
	WRITE_ONCE(sis_genl_live, false);
	rtnl_unlock();
	genl_unregister_family(&sis_genl_family);
}

/* Whether messages of the family may still be sent (not at module exit). */
bool sis_genl_is_live(void)
{
	return READ_ONCE(sis_genl_live);
}
