/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Subscriptions: what an attached scanner process asked to see, under one
 * of its capabilities (paper section 4.2). A frame is the subscription's
 * when the capability's direction allows it and both the capability's and
 * the subscription's filters match it; a new connection is a stream
 * subscription's when the capability's ports cover it and both filters
 * match its first SYN.
 *
 * Locking: made and ended under RTNL, read by the datapath under RCU.
 * sis_bridge.n_subs counts the subscriptions of a bridge's scanners so that
 * the datapath skips scanners entirely while there are none.
 */
#ifndef _SIS_SUBSCRIPTION_H
#define _SIS_SUBSCRIPTION_H

#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>

#include "stats.h"

struct bpf_prog;
struct netlink_ext_ack;
struct sis_cap;
struct sis_conn_key;
struct sis_scanner;
struct sock_filter;

struct sis_sub {
	struct list_head list;		/* sis_scanner.subs, RCU */
	struct sis_cap *cap;
	u32 id;
	u32 snaplen;			/* 0: the whole frame */
	u8 rights;			/* within cap->rights */
	struct bpf_prog *prog;
	unsigned int insns;		/* its length, of the scanner's budget */
	char *expr;
	struct sis_pcpu_count __percpu *stats;	/* frames delivered */
	/*
	 * Ended: a connection whose SYN matched it is not inserted with it
	 * (sis_conn_insert()). Under the bridge's sis_conns.lock.
	 */
	bool gone;
	struct rcu_head rcu;
};

struct sis_sub *sis_sub_create(struct sis_cap *cap, u8 rights, u32 snaplen,
			       const struct sock_filter *insns,
			       unsigned int len, const char *expr,
			       struct netlink_ext_ack *extack);
void sis_sub_destroy(struct sis_sub *sub);
int sis_sub_add(struct sis_scanner *sc, struct sis_sub *sub,
		struct netlink_ext_ack *extack);
struct sis_sub *sis_sub_find(struct sis_scanner *sc, u32 id);
void sis_sub_del(struct sis_scanner *sc, struct sis_sub *sub);
void sis_sub_del_cap(struct sis_scanner *sc, const struct sis_cap *cap);
void sis_sub_del_all(struct sis_scanner *sc);

/*
 * The scanner's subscription for a frame in direction dir (SIS_DIR_IN or
 * SIS_DIR_OUT), skb->data at its Ethernet header: a containing one if any
 * matches, else the first matching one, else NULL. Under RCU.
 */
struct sis_sub *sis_sub_match(struct sis_scanner *sc, u8 dir,
			      const struct sk_buff *skb);

/*
 * The scanner's stream subscription for a new connection: a containing one
 * if any covers it, else the first, else NULL. @skb, the first SYN, has
 * skb->data at its Ethernet header (NULL: ports only). Under RCU.
 */
struct sis_sub *sis_sub_stream_match(struct sis_scanner *sc,
				     const struct sis_conn_key *key,
				     const struct sk_buff *skb);

/* Does stream capability @cap cover the connection's ports? */
bool sis_cap_covers_ports(const struct sis_cap *cap,
			  const struct sis_conn_key *key);

#endif /* _SIS_SUBSCRIPTION_H */
