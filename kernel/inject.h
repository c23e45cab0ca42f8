/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Injections (paper section 3.2, Table 1): what the administrator
 * registers for a scanner, each with an id, a kind and the directions it
 * may go in. The scanner process names one by id; it never supplies bytes.
 *
 * - SIS_INJECT_FRAME: a whole Ethernet frame, sent with SIS_CMD_INJECT out
 *   of the port facing the direction, within the scanner's injection rate
 *   (SIS_SCANNER_A_INJECT_RATE), counted.
 * - SIS_INJECT_STREAM: 1..SIS_INJECT_STREAM_MAX bytes the stream engine
 *   puts into a connection the scanner contains (SIS_STREAM_OP_INJECT).
 *   The engine holds a reference (sis_inject_get_stream()) for as long as
 *   the connection may send the bytes again: past the block's deletion,
 *   and past its scanner's.
 *
 * Locking: registered and deleted under RTNL, on an RCU list that
 * injecting reads (sis_scanner.injects). Reference counted: the list holds
 * one reference, and each user that keeps a block past its RCU read-side
 * section holds one; the last sis_inject_put() frees the block after an
 * RCU grace period, so a block found under RCU stays readable to the end
 * of that section whatever happens to it. What a block holds (kind, dir,
 * len, data) never changes once registered.
 */
#ifndef _SIS_INJECT_H
#define _SIS_INJECT_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/types.h>

struct netlink_ext_ack;
struct sis_scanner;

struct sis_inject {
	struct list_head list;		/* sis_scanner.injects, RCU */
	refcount_t ref;			/* the list's, and each holder's */
	u32 id;
	u8 dir;				/* enum sis_dir mask */
	u8 kind;			/* enum sis_inject_kind */
	atomic64_t sent;		/* times sent (SIS_INJECT_A_SENT) */
	unsigned int len;		/* of data */
	struct rcu_head rcu;
	u8 data[];			/* the frame, or the stream block */
};

struct sis_inject *sis_inject_find(struct sis_scanner *sc, u32 id);
int sis_inject_add(struct sis_scanner *sc, u32 id, u8 dir, u8 kind,
		   const void *data, unsigned int len,
		   struct netlink_ext_ack *extack);
void sis_inject_del(struct sis_scanner *sc, struct sis_inject *inj);
void sis_inject_del_all(struct sis_scanner *sc);

struct sis_inject *sis_inject_find_rcu(struct sis_scanner *sc, u32 id);
int sis_inject_xmit(struct sis_scanner *sc, struct sis_inject *inj, u8 dir,
		    struct netlink_ext_ack *extack);

/*
 * sis_inject_get_stream() - the stream block @id of @sc, referenced, for
 * sending in direction @dir (SIS_DIR_IN or SIS_DIR_OUT). Under RCU; the
 * caller keeps the block after the read-side section, and drops it with
 * sis_inject_put().
 *
 * Return: the block, or ERR_PTR(-ENOENT) if @sc has no injection @id (or
 * it is being deleted), ERR_PTR(-EINVAL) if it is not a SIS_INJECT_STREAM
 * block, ERR_PTR(-EPERM) if its registration does not allow @dir.
 */
struct sis_inject *sis_inject_get_stream(struct sis_scanner *sc, u32 id,
					 u8 dir);

/* Another reference to a block the caller holds one of. */
static inline struct sis_inject *sis_inject_get(struct sis_inject *inj)
{
	refcount_inc(&inj->ref);
	return inj;
}

/* Drop a reference; the last frees the block after an RCU grace period. */
void sis_inject_put(struct sis_inject *inj);

/* A block's bytes and their number, for as long as one holds it. */
static inline const u8 *sis_inject_data(const struct sis_inject *inj)
{
	return inj->data;
}

static inline unsigned int sis_inject_len(const struct sis_inject *inj)
{
	return inj->len;
}

#endif /* _SIS_INJECT_H */
