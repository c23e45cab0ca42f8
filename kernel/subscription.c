// SPDX-License-Identifier: GPL-2.0
/* Subscriptions of scanner processes (subscription.h). */
#include <linux/filter.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/stringify.h>
#include <kunit/visibility.h>
#include <net/netlink.h>

#include "bridge.h"
#include "conn.h"
#include "netns.h"
#include "rules.h"
#include "scanner.h"
#include "subscription.h"

void sis_sub_destroy(struct sis_sub *sub)
{
	if (sub->prog)
		bpf_prog_destroy(sub->prog);
	free_percpu(sub->stats);
	kfree(sub->expr);
	kfree(sub);
}
EXPORT_SYMBOL_IF_KUNIT(sis_sub_destroy);

static void sis_sub_free_rcu(struct rcu_head *head)
{
	sis_sub_destroy(container_of(head, struct sis_sub, rcu));
}

struct sis_sub *sis_sub_create(struct sis_cap *cap, u8 rights, u32 snaplen,
			       const struct sock_filter *insns,
			       unsigned int len, const char *expr,
			       struct netlink_ext_ack *extack)
{
	struct sis_sub *sub;
	int err;

	if (!(rights & SIS_RIGHT_READ)) {
		NL_SET_ERR_MSG(extack, "a subscription needs the read right");
		return ERR_PTR(-EINVAL);
	}
	if (rights & ~cap->rights) {
		NL_SET_ERR_MSG(extack,
			       "rights beyond those of the capability");
		return ERR_PTR(-EPERM);
	}
	sub = kzalloc(sizeof(*sub), GFP_KERNEL_ACCOUNT);
	if (!sub)
		return ERR_PTR(-ENOMEM);
	sub->cap = cap;
	sub->rights = rights;
	sub->snaplen = snaplen;
	sub->stats = sis_count_alloc(1);
	sub->expr = kstrdup(expr ? expr : "", GFP_KERNEL_ACCOUNT);
	if (!sub->stats || !sub->expr) {
		err = -ENOMEM;
		goto err_free;
	}
	err = sis_filter_prog(insns, len, &sub->prog, extack);
	if (err) {
		sub->prog = NULL;
		goto err_free;
	}
	sub->insns = len;
	return sub;

err_free:
	sis_sub_destroy(sub);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_IF_KUNIT(sis_sub_create);

/* Scanners of the bridge with stream subscriptions. Under RTNL. */
static unsigned int sis_stream_scanners(const struct sis_bridge *sb)
{
	const struct sis_scanner *sc;
	unsigned int n = 0;

	list_for_each_entry(sc, &sb->scanners, list)
		n += !!sc->n_stream_subs;
	return n;
}

int sis_sub_add(struct sis_scanner *sc, struct sis_sub *sub,
		struct netlink_ext_ack *extack)
{
	bool stream = sub->cap->kind == SIS_CAP_STREAM;

	ASSERT_RTNL();

	if (sc->n_subs >= SIS_MAX_SUBS) {
		NL_SET_ERR_MSG(extack,
			       "scanner has the maximum number of subscriptions");
		return -ENOSPC;
	}
	if (sc->sub_insns + sub->insns > SIS_SUB_INSNS_BUDGET) {
		NL_SET_ERR_MSG(extack,
			       "the scanner's filters would have more than "
			       __stringify(SIS_SUB_INSNS_BUDGET)
			       " instructions in all");
		return -ENOSPC;
	}
	/* A connection has room for this many watchers (conn.h). */
	if (stream && !sc->n_stream_subs &&
	    sis_stream_scanners(sc->sb) >= SIS_MAX_STREAM_SCANNERS) {
		NL_SET_ERR_MSG(extack,
			       "the bridge has " __stringify(SIS_MAX_STREAM_SCANNERS)
			       " scanners with stream subscriptions, the most a connection can have");
		return -ENOSPC;
	}
	sub->id = ++sc->next_sub_id;
	list_add_tail_rcu(&sub->list, &sc->subs);
	sc->n_subs++;
	sc->sub_insns += sub->insns;
	if (stream) {
		sc->n_stream_subs++;
		atomic_inc(&sc->sb->n_stream_subs);
	} else {
		atomic_inc(&sc->sb->n_subs);
	}
	sis_net(sc->sb->net)->gen++;
	return 0;
}

struct sis_sub *sis_sub_find(struct sis_scanner *sc, u32 id)
{
	struct sis_sub *sub;

	list_for_each_entry(sub, &sc->subs, list)
		if (sub->id == id)
			return sub;
	return NULL;
}

void sis_sub_del(struct sis_scanner *sc, struct sis_sub *sub)
{
	ASSERT_RTNL();

	list_del_rcu(&sub->list);
	sc->n_subs--;
	sc->sub_insns -= sub->insns;
	if (sub->cap->kind == SIS_CAP_STREAM) {
		/* Its connections are tracked until its watchers went. */
		sis_conn_unwatch(sc->sb, sub);
		sc->n_stream_subs--;
		atomic_dec(&sc->sb->n_stream_subs);
	} else {
		atomic_dec(&sc->sb->n_subs);
	}
	sis_net(sc->sb->net)->gen++;
	call_rcu(&sub->rcu, sis_sub_free_rcu);
}

void sis_sub_del_cap(struct sis_scanner *sc, const struct sis_cap *cap)
{
	struct sis_sub *sub, *tmp;

	list_for_each_entry_safe(sub, tmp, &sc->subs, list)
		if (sub->cap == cap)
			sis_sub_del(sc, sub);
}

void sis_sub_del_all(struct sis_scanner *sc)
{
	struct sis_sub *sub, *tmp;

	list_for_each_entry_safe(sub, tmp, &sc->subs, list)
		sis_sub_del(sc, sub);
}

/*
 * The administrator's filter first: a scanner's own filter runs only on
 * the frames its capability lets it see, so an unprivileged scanner cannot
 * make every frame of the bridge pay for its filters.
 */
static bool sis_sub_matches(const struct sis_sub *sub, u8 dir,
			    const struct sk_buff *skb)
{
	const struct sis_cap *cap = sub->cap;

	return cap->kind == SIS_CAP_FRAMES && (cap->dir & dir) &&
	       bpf_prog_run(cap->prog, skb) &&
	       bpf_prog_run(sub->prog, skb);
}

struct sis_sub *sis_sub_match(struct sis_scanner *sc, u8 dir,
			      const struct sk_buff *skb)
{
	struct sis_sub *sub, *first = NULL;

	list_for_each_entry_rcu(sub, &sc->subs, list) {
		if (!sis_sub_matches(sub, dir, skb))
			continue;
		if (sub->rights & SIS_RIGHT_CONTAIN)
			return sub;
		if (!first)
			first = sub;
	}
	return first;
}
EXPORT_SYMBOL_IF_KUNIT(sis_sub_match);

static bool sis_ports_match(const struct sis_port_range *r, unsigned int n,
			    __be16 port)
{
	u16 p = ntohs(port);
	unsigned int i;

	if (!n)
		return true;
	for (i = 0; i < n; i++)
		if (p >= r[i].lo && p <= r[i].hi)
			return true;
	return false;
}

/* Does stream capability @cap cover the connection's ports? */
bool sis_cap_covers_ports(const struct sis_cap *cap,
			  const struct sis_conn_key *key)
{
	return sis_ports_match(cap->host_ports, cap->n_host_ports,
			       key->host_port) &&
	       sis_ports_match(cap->net_ports, cap->n_net_ports,
			       key->net_port);
}

/* The scanner's stream subscription for a new connection (subscription.h). */
struct sis_sub *sis_sub_stream_match(struct sis_scanner *sc,
				     const struct sis_conn_key *key,
				     const struct sk_buff *skb)
{
	struct sis_sub *sub, *first = NULL;

	list_for_each_entry_rcu(sub, &sc->subs, list) {
		const struct sis_cap *cap = sub->cap;

		if (cap->kind != SIS_CAP_STREAM || !sis_cap_covers_ports(cap, key))
			continue;
		if (skb && ((cap->prog && !bpf_prog_run(cap->prog, skb)) ||
			    (sub->prog && !bpf_prog_run(sub->prog, skb))))
			continue;
		if (!skb || (sub->rights & SIS_RIGHT_CONTAIN))
			return sub;
		if (!first)
			first = sub;
	}
	return first;
}
