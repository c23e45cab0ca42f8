/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TCP segments SIS sends in the name of one end of a tracked connection:
 * the RSTs that kill it (reset.h) and the duplicate ACKs that tell a
 * sender what the bridge holds past a hole (dupack.h). Each goes out of
 * the bridge port towards the end it is for, with the addresses and ports
 * of the end it speaks for, and the Ethernet header and VLAN tag of the
 * latest segment that went that way (struct sis_conn_l2). With VLAN
 * filtering on the bridge, the tag goes as the port's egress policy says
 * (untagged, tagged, or not at all where the VLAN is not on the port).
 */
#ifndef _SIS_FORGE_H
#define _SIS_FORGE_H

#include <linux/if_ether.h>
#include <linux/if_vlan.h>
#include <linux/skbuff.h>
#include <linux/types.h>

struct net_device;
struct sis_bridge;
struct sis_conn;

/* The Ethernet header of the latest segment each way, as the hook saw it. */
struct sis_conn_l2 {
	u8 dst[ETH_ALEN];	/* all zero: no segment yet */
	u8 src[ETH_ALEN];
	__be16 vlan_proto;	/* 0: untagged */
	u16 vlan_tci;
};

/* Note the Ethernet header of a segment of direction @d. Locked. */
static inline void sis_conn_l2_note(struct sis_conn_l2 *l2,
				    const struct sk_buff *skb)
{
	const struct ethhdr *eth = eth_hdr(skb);

	memcpy(l2->dst, eth->h_dest, ETH_ALEN);
	memcpy(l2->src, eth->h_source, ETH_ALEN);
	l2->vlan_proto = skb_vlan_tag_present(skb) ? skb->vlan_proto : 0;
	l2->vlan_tci = skb_vlan_tag_get(skb);
}

/* Longest TCP options of a forged segment (a TCP header's room for them). */
#define SIS_FORGE_OPTS_MAX	40

/* What a forged segment says. */
struct sis_forge {
	u32 seq, ack;
	u16 win;		/* the raw window field */
	u8 flags;		/* TCPHDR_* */
	u8 optlen;		/* a multiple of 4, at most SIS_FORGE_OPTS_MAX */
	const u8 *opts;
};

/* The port towards the receiver of direction @d, if it is still one. */
struct net_device *sis_forge_dev(struct sis_bridge *sb, int d);
/*
 * A segment @f to the receiver of direction @d, from its peer, out of
 * @dev (sis_forge_dev()). NULL when out of memory, or when the port does
 * not send the segment's VLAN.
 */
struct sk_buff *sis_forge_build(struct sis_bridge *sb,
				const struct sis_conn *c, int d,
				struct net_device *dev,
				const struct sis_forge *f);

/*
 * Give @skb (data at its network header) the Ethernet header of
 * direction @d and the VLAN tag @dev sends it with, to go out of @dev
 * (custody.h's retransmissions). 0, or an error: it cannot go.
 */
int sis_forge_l2(struct sis_bridge *sb, const struct sis_conn *c, int d,
		 struct net_device *dev, struct sk_buff *skb);

#endif /* _SIS_FORGE_H */
