/* SPDX-License-Identifier: GPL-2.0 */
/* The bridge netfilter hook: direction, prevent rules, counters. */
#ifndef _SIS_HOOK_H
#define _SIS_HOOK_H

#include <linux/netfilter.h>

#include "bridge.h"

/*
 * Direction of a frame that entered the bridge on @in: from the network
 * port it goes to the host (in), from the host port to the network (out).
 * Returns 0 for any other device.
 */
static inline u8 sis_bridge_dir(const struct sis_bridge *sb,
				const struct net_device *in)
{
	if (in == sb->net_dev)
		return SIS_DIR_IN;
	if (in == sb->host_dev)
		return SIS_DIR_OUT;
	return 0;
}

unsigned int sis_hook(void *priv, struct sk_buff *skb,
		      const struct nf_hook_state *state);

#endif /* _SIS_HOOK_H */
