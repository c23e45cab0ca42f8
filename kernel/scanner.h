/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scanners as the administrator declares them (paper section 3.2, Table 1):
 * a name, the user its process runs as, verdict timeout, fail policy and
 * limits, a capability table (what it may read and contain) and the frames
 * it may inject.
 *
 * Locking: scanners belong to an attached bridge (sis_bridge.scanners) and
 * are created, changed and deleted under RTNL; their lists are RCU lists so
 * that the datapath can read them. Detaching a bridge deletes its scanners.
 */
#ifndef _SIS_SCANNER_H
#define _SIS_SCANNER_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/sis.h>
#include <linux/uidgid.h>

#include "stats.h"

struct bpf_prog;
struct netlink_ext_ack;
struct sock_filter;
struct sis_bridge;
struct sis_net;

struct sis_cap {
	struct list_head list;		/* sis_scanner.caps, RCU */
	char name[SIS_NAME_MAX];
	u8 dir;				/* enum sis_dir mask */
	u8 rights;			/* enum sis_rights mask */
	struct bpf_prog *prog;
	char *expr;
	struct sis_pcpu_count __percpu *stats;	/* frames matched */
	struct rcu_head rcu;
};

struct sis_inject {
	struct list_head list;		/* sis_scanner.injects, RCU */
	u32 id;
	u8 dir;				/* enum sis_dir mask */
	atomic64_t sent;
	unsigned int len;
	struct rcu_head rcu;
	u8 frame[];
};

struct sis_scanner_conf {
	kuid_t uid;
	u32 timeout_ms;
	u32 max_held;
	u32 max_bytes;
	u8 fail;			/* enum sis_fail */
};

struct sis_scanner {
	struct list_head list;		/* sis_bridge.scanners, RCU */
	struct sis_bridge *sb;
	char name[SIS_NAME_MAX];
	struct sis_scanner_conf conf;
	struct list_head caps;		/* struct sis_cap */
	struct list_head injects;	/* struct sis_inject */
	unsigned int n_caps;
	unsigned int n_injects;
	struct rcu_head rcu;
};

bool sis_name_valid(const char *name);
struct sis_scanner *sis_scanner_find(struct sis_net *sn, const char *name);
int sis_scanner_add(struct sis_bridge *sb, const char *name,
		    const struct sis_scanner_conf *conf,
		    struct netlink_ext_ack *extack);
void sis_scanner_del(struct sis_scanner *sc);
void sis_scanner_del_all(struct sis_bridge *sb);

struct sis_cap *sis_cap_find(struct sis_scanner *sc, const char *name);
int sis_cap_add(struct sis_scanner *sc, struct sis_cap *cap,
		struct netlink_ext_ack *extack);
void sis_cap_del(struct sis_scanner *sc, struct sis_cap *cap);
struct sis_cap *sis_cap_create(const char *name, u8 dir, u8 rights,
			       const struct sock_filter *insns,
			       unsigned int len, const char *expr,
			       struct netlink_ext_ack *extack);
void sis_cap_destroy(struct sis_cap *cap);

struct sis_inject *sis_inject_find(struct sis_scanner *sc, u32 id);
int sis_inject_add(struct sis_scanner *sc, u32 id, u8 dir, const void *frame,
		   unsigned int len, struct netlink_ext_ack *extack);
void sis_inject_del(struct sis_scanner *sc, struct sis_inject *inj);

#endif /* _SIS_SCANNER_H */
