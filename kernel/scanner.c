// SPDX-License-Identifier: GPL-2.0
/*
 * Scanner declarations and their capability tables (scanner.h). Everything
 * here runs under RTNL; objects are freed after an RCU grace period because
 * the datapath and dumps read them under RCU.
 */
#include <linux/ctype.h>
#include <linux/filter.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <kunit/visibility.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "absent.h"
#include "bridge.h"
#include "inject.h"
#include "netlink.h"
#include "netns.h"
#include "queue.h"
#include "rules.h"
#include "scanner.h"
#include "subscription.h"

/* Names: 1..SIS_NAME_MAX - 1 of letters, digits, '-', '_' and '.'. */
bool sis_name_valid(const char *name)
{
	size_t i, len = strnlen(name, SIS_NAME_MAX);

	if (!len || len == SIS_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum(name[i]) && !strchr("-_.", name[i]))
			return false;
	return true;
}

struct sis_scanner *sis_scanner_find(struct sis_net *sn, const char *name)
{
	struct sis_scanner *sc;
	struct sis_bridge *sb;

	ASSERT_RTNL();

	list_for_each_entry(sb, &sn->bridges, list)
		list_for_each_entry(sc, &sb->scanners, list)
			if (!strcmp(sc->name, name))
				return sc;
	return NULL;
}

/*
 * The scanner a socket is attached as. Under RTNL or RCU. The socket, not
 * its port id: see sis_queue_attach().
 */
struct sis_scanner *sis_scanner_by_sock(struct sis_net *sn,
					const struct sock *sk)
{
	struct sis_scanner *sc;
	struct sis_bridge *sb;

	list_for_each_entry_rcu(sb, &sn->bridges, list, lockdep_rtnl_is_held())
		list_for_each_entry_rcu(sc, &sb->scanners, list,
					lockdep_rtnl_is_held())
			if (READ_ONCE(sc->sk) == sk)
				return sc;
	return NULL;
}

/* A scanner attached with port id @portid, a hint only. Under RCU. */
struct sis_scanner *sis_scanner_by_portid(struct sis_net *sn, u32 portid)
{
	struct sis_scanner *sc;
	struct sis_bridge *sb;

	list_for_each_entry_rcu(sb, &sn->bridges, list)
		list_for_each_entry_rcu(sc, &sb->scanners, list)
			if (READ_ONCE(sc->portid) == portid)
				return sc;
	return NULL;
}

/*
 * The scanner whose socket, bound to @portid, was just released. The port
 * id alone is not enough: once free, anyone may bind it, and that socket's
 * release tells the same number. Under RTNL, which attach and release take.
 */
struct sis_scanner *sis_scanner_released(struct sis_net *sn, u32 portid)
{
	struct sis_scanner *sc;
	struct sis_bridge *sb;

	ASSERT_RTNL();

	list_for_each_entry(sb, &sn->bridges, list)
		list_for_each_entry(sc, &sb->scanners, list)
			if (sc->sk && sc->portid == portid &&
			    sock_flag(sc->sk, SOCK_DEAD))
				return sc;
	return NULL;
}

int sis_scanner_add(struct sis_bridge *sb, const char *name,
		    const struct sis_scanner_conf *conf,
		    struct netlink_ext_ack *extack)
{
	struct sis_net *sn = sis_net(sb->net);
	struct sis_scanner *sc;

	ASSERT_RTNL();

	if (sis_scanner_find(sn, name)) {
		NL_SET_ERR_MSG(extack,
			       "a scanner with this name exists in this namespace");
		return -EEXIST;
	}
	if (sb->n_scanners >= SIS_MAX_SCANNERS) {
		NL_SET_ERR_MSG(extack,
			       "bridge has the maximum number of scanners");
		return -ENOSPC;
	}
	sc = kzalloc(sizeof(*sc), GFP_KERNEL_ACCOUNT);
	if (!sc)
		return -ENOMEM;
	sc->sb = sb;
	strscpy(sc->name, name, sizeof(sc->name));
	sc->conf = *conf;
	INIT_LIST_HEAD(&sc->caps);
	INIT_LIST_HEAD(&sc->injects);
	INIT_LIST_HEAD(&sc->subs);
	sis_queue_init(sc);
	list_add_tail_rcu(&sc->list, &sb->scanners);
	sb->n_scanners++;
	sis_absent_update(sc, false);
	sn->gen++;
	return 0;
}

void sis_cap_destroy(struct sis_cap *cap)
{
	if (cap->prog)
		bpf_prog_destroy(cap->prog);
	free_percpu(cap->stats);
	kfree(cap->expr);
	kfree(cap);
}
EXPORT_SYMBOL_IF_KUNIT(sis_cap_destroy);

static void sis_cap_free_rcu(struct rcu_head *head)
{
	sis_cap_destroy(container_of(head, struct sis_cap, rcu));
}

static void sis_scanner_free_rcu(struct rcu_head *head)
{
	kfree(container_of(head, struct sis_scanner, rcu));
}

/*
 * The scanner's process is gone (or must go): its subscriptions end, every
 * frame it holds gets the fail policy. If @tell, the process is told, on
 * the socket it attached with.
 */
void sis_scanner_detach(struct sis_scanner *sc, bool tell)
{
	struct sock *sk;

	ASSERT_RTNL();

	sis_sub_del_all(sc);
	sk = sis_queue_release(sc);
	if (!sk)
		return;
	sis_absent_update(sc, false);
	sis_net(sc->sb->net)->gen++;
	if (tell)
		sis_nl_detached(sk, sc->name);
	sock_put(sk);
}

void sis_scanner_del(struct sis_scanner *sc)
{
	struct sis_cap *cap, *ctmp;

	ASSERT_RTNL();

	list_del_rcu(&sc->list);
	sc->sb->n_scanners--;
	sis_net(sc->sb->net)->gen++;
	sis_scanner_detach(sc, true);
	sis_absent_update(sc, true);
	sis_queue_stop(sc);
	list_for_each_entry_safe(cap, ctmp, &sc->caps, list) {
		list_del_rcu(&cap->list);
		call_rcu(&cap->rcu, sis_cap_free_rcu);
	}
	sis_inject_del_all(sc);
	call_rcu(&sc->rcu, sis_scanner_free_rcu);
}

void sis_scanner_del_all(struct sis_bridge *sb)
{
	struct sis_scanner *sc, *tmp;

	list_for_each_entry_safe(sc, tmp, &sb->scanners, list)
		sis_scanner_del(sc);
}

struct sis_cap *sis_cap_find(struct sis_scanner *sc, const char *name)
{
	struct sis_cap *cap;

	list_for_each_entry(cap, &sc->caps, list)
		if (!strcmp(cap->name, name))
			return cap;
	return NULL;
}

struct sis_cap *sis_cap_create(const char *name, u8 dir, u8 rights,
			       const struct sock_filter *insns,
			       unsigned int len, const char *expr,
			       struct netlink_ext_ack *extack)
{
	struct sis_cap *cap;
	int err;

	cap = kzalloc(sizeof(*cap), GFP_KERNEL_ACCOUNT);
	if (!cap)
		return ERR_PTR(-ENOMEM);
	strscpy(cap->name, name, sizeof(cap->name));
	cap->dir = dir;
	cap->rights = rights;
	cap->stats = sis_count_alloc(1);
	cap->expr = kstrdup(expr ? expr : "", GFP_KERNEL_ACCOUNT);
	if (!cap->stats || !cap->expr) {
		err = -ENOMEM;
		goto err_free;
	}
	if (!insns)
		return cap;	/* a stream capability without a filter */
	err = sis_filter_prog(insns, len, &cap->prog, extack);
	if (err) {
		cap->prog = NULL;
		goto err_free;
	}
	return cap;

err_free:
	sis_cap_destroy(cap);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_IF_KUNIT(sis_cap_create);

int sis_cap_add(struct sis_scanner *sc, struct sis_cap *cap,
		struct netlink_ext_ack *extack)
{
	ASSERT_RTNL();

	if (sis_cap_find(sc, cap->name)) {
		NL_SET_ERR_MSG(extack,
			       "the scanner has a capability with this name");
		return -EEXIST;
	}
	if (sc->n_caps >= SIS_MAX_CAPS) {
		NL_SET_ERR_MSG(extack,
			       "scanner has the maximum number of capabilities");
		return -ENOSPC;
	}
	list_add_tail_rcu(&cap->list, &sc->caps);
	sc->n_caps++;
	sis_absent_update(sc, false);
	sis_net(sc->sb->net)->gen++;
	return 0;
}

void sis_cap_del(struct sis_scanner *sc, struct sis_cap *cap)
{
	ASSERT_RTNL();

	list_del_rcu(&cap->list);
	sc->n_caps--;
	sis_absent_update(sc, false);
	sis_net(sc->sb->net)->gen++;
	call_rcu(&cap->rcu, sis_cap_free_rcu);
}
