/* SPDX-License-Identifier: GPL-2.0 */
/* What differs between the supported kernels (6.1 and 6.12). */
#ifndef _SIS_COMPAT_H
#define _SIS_COMPAT_H

#include <linux/netlink.h>
#include <net/genetlink.h>

/* The operation a family's pre_doit and post_doit see: split since 6.2. */
#ifdef SIS_HAVE_GENL_SPLIT_OPS
#define SIS_GENL_OP	struct genl_split_ops
#else
#define SIS_GENL_OP	struct genl_ops
#endif

#ifndef NL_SET_ERR_MSG_FMT
/*
 * Before 6.2 extended acks carry only static strings: the format is the
 * message (its arguments checked against it, and not printed).
 */
static inline __printf(2, 3) void
sis_ext_ack_fmt(struct netlink_ext_ack *extack, const char *fmt, ...)
{
	if (extack)
		extack->_msg = fmt;
}

#define NL_SET_ERR_MSG_FMT(extack, fmt, args...)			\
	sis_ext_ack_fmt(extack, fmt, ##args)
#endif

/* skb_gso_segment(): in <net/gso.h> since 6.5 (Kbuild tells). */
#ifdef SIS_HAVE_NET_GSO_H
#include <net/gso.h>
#else
#include <linux/netdevice.h>
#endif

#endif /* _SIS_COMPAT_H */
