// SPDX-License-Identifier: GPL-2.0
/* Injections of a scanner (inject.h): registered, found, sent, held. */
#include <linux/err.h>
#include <linux/etherdevice.h>
#include <linux/mm.h>
#include <linux/netdevice.h>
#include <linux/ratelimit.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/netlink.h>

#include "bridge.h"
#include "inject.h"
#include "netns.h"
#include "scanner.h"

/* Under RTNL. */
struct sis_inject *sis_inject_find(struct sis_scanner *sc, u32 id)
{
	struct sis_inject *inj;

	list_for_each_entry(inj, &sc->injects, list)
		if (inj->id == id)
			return inj;
	return NULL;
}

/*
 * Register @len bytes of @data as injection @id of kind @kind (the caller
 * checked their size for the kind). Under RTNL; GFP_KERNEL: a stream block
 * may be 64 KiB, and kvmalloc() may take it from vmalloc.
 */
int sis_inject_add(struct sis_scanner *sc, u32 id, u8 dir, u8 kind,
		   const void *data, unsigned int len,
		   struct netlink_ext_ack *extack)
{
	struct sis_inject *inj;

	ASSERT_RTNL();

	if (sis_inject_find(sc, id)) {
		NL_SET_ERR_MSG(extack,
			       "the scanner has an injection with this id");
		return -EEXIST;
	}
	if (sc->n_injects >= SIS_MAX_INJECTS) {
		NL_SET_ERR_MSG(extack,
			       "scanner has the maximum number of injections");
		return -ENOSPC;
	}
	inj = kvzalloc(struct_size(inj, data, len), GFP_KERNEL_ACCOUNT);
	if (!inj)
		return -ENOMEM;
	refcount_set(&inj->ref, 1);	/* the list's */
	inj->id = id;
	inj->dir = dir;
	inj->kind = kind;
	inj->len = len;
	atomic64_set(&inj->sent, 0);
	memcpy(inj->data, data, len);
	list_add_tail_rcu(&inj->list, &sc->injects);
	sc->n_injects++;
	sis_net(sc->sb->net)->gen++;
	return 0;
}

void sis_inject_del(struct sis_scanner *sc, struct sis_inject *inj)
{
	ASSERT_RTNL();

	list_del_rcu(&inj->list);
	sc->n_injects--;
	sis_net(sc->sb->net)->gen++;
	sis_inject_put(inj);
}

/* Every injection of a deleted scanner goes. Under RTNL. */
void sis_inject_del_all(struct sis_scanner *sc)
{
	struct sis_inject *inj, *tmp;

	ASSERT_RTNL();

	list_for_each_entry_safe(inj, tmp, &sc->injects, list) {
		list_del_rcu(&inj->list);
		sis_inject_put(inj);
	}
	sc->n_injects = 0;
}

struct sis_inject *sis_inject_find_rcu(struct sis_scanner *sc, u32 id)
{
	struct sis_inject *inj;

	list_for_each_entry_rcu(inj, &sc->injects, list)
		if (inj->id == id)
			return inj;
	return NULL;
}

/* Under RCU (inject.h). */
struct sis_inject *sis_inject_get_stream(struct sis_scanner *sc, u32 id,
					 u8 dir)
{
	struct sis_inject *inj = sis_inject_find_rcu(sc, id);

	if (!inj)
		return ERR_PTR(-ENOENT);
	if (inj->kind != SIS_INJECT_STREAM)
		return ERR_PTR(-EINVAL);
	if (!dir || (inj->dir & dir) != dir)
		return ERR_PTR(-EPERM);
	/* Zero: deleted since it was found, freed after this section. */
	if (!refcount_inc_not_zero(&inj->ref))
		return ERR_PTR(-ENOENT);
	return inj;
}

/* Any context but NMI: the block goes after a grace period. */
void sis_inject_put(struct sis_inject *inj)
{
	if (refcount_dec_and_test(&inj->ref))
		kvfree_rcu(inj, rcu);
}

/* Within the scanner's injection rate? Counted either way. */
static bool sis_inject_allowed(struct sis_scanner *sc)
{
	bool ok;

	/* Under the lock: a contended ratelimit_state says "over". */
	spin_lock_bh(&sc->lock);
	ok = __ratelimit(&sc->inject_rs);
	if (ok)
		sc->counts.injects++;
	else
		sc->counts.injects_limited++;
	spin_unlock_bh(&sc->lock);
	return ok;
}

/*
 * Send the registered frame (a SIS_INJECT_FRAME injection) out of the port
 * facing @dir, within the scanner's injection rate. Under RCU.
 */
int sis_inject_xmit(struct sis_scanner *sc, struct sis_inject *inj, u8 dir,
		    struct netlink_ext_ack *extack)
{
	struct net_device *dev = dir == SIS_DIR_IN ? sc->sb->host_dev :
						     sc->sb->net_dev;
	struct sk_buff *skb;

	if (WARN_ON_ONCE(inj->kind != SIS_INJECT_FRAME))
		return -EINVAL;
	if (!netif_running(dev) || !netif_carrier_ok(dev)) {
		NL_SET_ERR_MSG(extack, "the port for this direction is down");
		return -ENETDOWN;
	}
	if (!sis_inject_allowed(sc)) {
		NL_SET_ERR_MSG(extack,
			       "over this scanner's injection rate, try again later");
		return -EAGAIN;
	}
	skb = alloc_skb(LL_RESERVED_SPACE(dev) + inj->len, GFP_ATOMIC);
	if (!skb)
		return -ENOMEM;
	skb_reserve(skb, LL_RESERVED_SPACE(dev));
	skb_put_data(skb, inj->data, inj->len);
	skb->dev = dev;
	skb_reset_mac_header(skb);
	skb->protocol = eth_hdr(skb)->h_proto;
	skb_set_network_header(skb, ETH_HLEN);
	atomic64_inc(&inj->sent);
	/* Like every transmit, a full queue may still drop it. */
	dev_queue_xmit(skb);
	return 0;
}
