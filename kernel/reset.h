/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Killing a tracked connection: a TCP RST to each end, as its peer would
 * send it (addresses, ports, and the Ethernet header and VLAN tag of the
 * latest segment that went to that end), so that both ends give up at
 * once instead of waiting for bytes that will never come. A connection is
 * killed when a scanner that contained it goes and fails closed
 * (watch.c): its held bytes are dropped, and the connection could only
 * stall.
 *
 * An end takes an RST whose sequence number is exactly its RCV.NXT (RFC
 * 5961 section 3; one elsewhere in its window only gets a challenge ACK).
 * The bridge knows it from what it forwarded: the end has every byte of
 * its direction up to the first one that was not forwarded (held and
 * dropped, or never seen); after the sender's FIN, one less is taken too.
 * Where that is not certain, more RSTs go, at most three per end: at the
 * end of what the sender sent, if beyond and the direction is not
 * contained (what was forwarded without being kept: a stream over its
 * bounds), and at the highest sequence number the end acknowledged, if
 * below (a segment lost after the bridge). One that does not match is
 * answered by a challenge ACK at most. An RST needs no
 * timestamp (PAWS does not apply to it); a connection signed with TCP-MD5
 * or TCP-AO cannot be reset so.
 *
 * With VLAN filtering on the bridge, the tag goes as the port's egress
 * policy says (untagged, tagged, or not at all where the VLAN is not on
 * the port).
 */
#ifndef _SIS_RESET_H
#define _SIS_RESET_H

#include <linux/if_ether.h>
#include <linux/if_vlan.h>
#include <linux/skbuff.h>
#include <linux/types.h>

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

void sis_conn_kill(struct sis_bridge *sb, struct sis_conn *c,
		   struct sk_buff_head *rsts);			/* locked */
void sis_resets_send(struct sis_bridge *sb, struct sk_buff_head *rsts);

#endif /* _SIS_RESET_H */
