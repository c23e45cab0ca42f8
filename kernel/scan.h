/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SIS_SCAN_H
#define _SIS_SCAN_H

#include <linux/netfilter.h>

struct sis_bridge;

unsigned int sis_scan(struct sis_bridge *sb, u8 dir, struct sk_buff *skb,
		      const struct nf_hook_state *state);

#endif /* _SIS_SCAN_H */
