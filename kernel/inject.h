/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Injections (paper section 3.2, Table 1): frames the administrator
 * registers for a scanner, each with an id and the directions it may go
 * in. The scanner process names one by id; it never supplies bytes. Sent
 * out of the port facing the direction, within the scanner's injection
 * rate (SIS_SCANNER_A_INJECT_RATE), counted.
 *
 * Locking: registered and deleted under RTNL, on an RCU list that
 * injecting reads (sis_scanner.injects).
 */
#ifndef _SIS_INJECT_H
#define _SIS_INJECT_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

struct netlink_ext_ack;
struct sis_scanner;

struct sis_inject {
	struct list_head list;		/* sis_scanner.injects, RCU */
	u32 id;
	u8 dir;				/* enum sis_dir mask */
	atomic64_t sent;
	unsigned int len;
	struct rcu_head rcu;
	u8 frame[];
};

struct sis_inject *sis_inject_find(struct sis_scanner *sc, u32 id);
int sis_inject_add(struct sis_scanner *sc, u32 id, u8 dir, const void *frame,
		   unsigned int len, struct netlink_ext_ack *extack);
void sis_inject_del(struct sis_scanner *sc, struct sis_inject *inj);
void sis_inject_del_all(struct sis_scanner *sc);

struct sis_inject *sis_inject_find_rcu(struct sis_scanner *sc, u32 id);
int sis_inject_xmit(struct sis_scanner *sc, struct sis_inject *inj, u8 dir,
		    struct netlink_ext_ack *extack);

#endif /* _SIS_INJECT_H */
