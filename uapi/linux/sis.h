/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * SIS: self-securing network interface, generic netlink API.
 *
 * Family name: "sis" (SIS_GENL_NAME), version SIS_GENL_VERSION. All state is
 * per network namespace: a request acts on the bridges of the namespace of the
 * socket that sends it. Every command below is an administrator command: it
 * needs CAP_NET_ADMIN in the user namespace that owns the network namespace.
 * Unknown attributes, unknown flag bits and oversized values are rejected,
 * and each rejection carries an extended ack message.
 *
 * Words: an attached bridge has exactly two ports. The "host" port faces the
 * protected host, the "net" port faces the network. Direction "in" is network
 * to host (frames arriving on the net port), "out" is host to network.
 *
 * SIS_CMD_ATTACH
 *   Make a bridge a self-securing NI.
 *   Request:
 *     SIS_A_IFINDEX: u32, the bridge (required)
 *     SIS_A_HOST_IFINDEX: u32, the bridge port facing the host (required)
 *   Errors: ENODEV (no such device), EINVAL (not a bridge, not exactly two
 *   ports, host port not a port of this bridge), EEXIST (already attached).
 *   While a bridge is attached, enslaving a third port to it is refused
 *   (EBUSY). Removing a port, deleting the bridge or moving either to another
 *   namespace detaches the bridge.
 *
 * SIS_CMD_DETACH
 *   Request: SIS_A_IFINDEX: u32, the bridge (required).
 *   Errors: ENODEV, ENOENT (not attached).
 *
 * SIS_CMD_GET_BRIDGE (dump only)
 *   Request: SIS_A_IFINDEX: u32, optional, limits the dump to one bridge.
 *   Each reply message describes one bridge (a bridge with many rules may
 *   span several consecutive messages carrying the same SIS_A_IFINDEX; the
 *   later ones repeat only SIS_A_IFINDEX and carry further SIS_A_RULE):
 *     SIS_A_IFINDEX: u32
 *     SIS_A_IFNAME: string
 *     SIS_A_HOST_IFINDEX, SIS_A_NET_IFINDEX: u32
 *     SIS_A_HOST_IFNAME, SIS_A_NET_IFNAME: string
 *     SIS_A_STATS_IN, SIS_A_STATS_OUT: nest of enum sis_stats_attr
 *       SIS_STATS_A_FRAMES: u64, frames seen between the two ports
 *       SIS_STATS_A_BYTES: u64, their length including the Ethernet header
 *       SIS_STATS_A_DROPPED: u64, frames dropped by SIS
 *     SIS_A_RULE: nest of enum sis_rule_attr, once per prevent rule
 *       SIS_RULE_A_ID: u32
 *       SIS_RULE_A_DIR: u8, enum sis_dir
 *       SIS_RULE_A_EXPR: string, the filter text given at creation
 *       SIS_RULE_A_MATCHES: u64, frames matched (and dropped)
 *       SIS_RULE_A_BYTES: u64, their bytes
 *
 * SIS_CMD_PREVENT_ADD
 *   Add a prevent rule: frames between the two ports that match the filter in
 *   the rule's direction are dropped.
 *   Request:
 *     SIS_A_IFINDEX: u32 (required)
 *     SIS_A_RULE: nest (required)
 *       SIS_RULE_A_BPF: binary, a classic BPF program (struct sock_filter
 *         array, at most SIS_RULE_INSNS_MAX instructions) run on the whole frame
 *         starting at the Ethernet header, as libpcap compiles for
 *         DLT_EN10MB; non-zero return means "matches" (required)
 *       SIS_RULE_A_DIR: u8, enum sis_dir, default SIS_DIR_ANY
 *       SIS_RULE_A_EXPR: string, shown back in dumps (at most
 *         SIS_RULE_EXPR_MAX bytes with the terminating NUL)
 *   Reply: SIS_CMD_PREVENT_ADD with SIS_A_IFINDEX and SIS_A_RULE containing
 *   SIS_RULE_A_ID, the new rule's id (ids are never reused on a bridge).
 *   Errors: EINVAL (program rejected by the kernel's BPF checker), ENOENT
 *   (bridge not attached), ENOSPC (SIS_MAX_RULES reached).
 *
 * SIS_CMD_PREVENT_DEL
 *   Request: SIS_A_IFINDEX: u32, SIS_A_RULE: nest with SIS_RULE_A_ID.
 *   Errors: ENOENT (no such bridge or rule).
 */
#ifndef _UAPI_LINUX_SIS_H
#define _UAPI_LINUX_SIS_H

#define SIS_GENL_NAME		"sis"
#define SIS_GENL_VERSION	1

#define SIS_RULE_EXPR_MAX	1024
#define SIS_MAX_RULES		256
#define SIS_RULE_INSNS_MAX	4000	/* below BPF_MAXINSNS: see ruleset.h */

enum sis_cmd {
	SIS_CMD_UNSPEC,
	SIS_CMD_ATTACH,
	SIS_CMD_DETACH,
	SIS_CMD_GET_BRIDGE,
	SIS_CMD_PREVENT_ADD,
	SIS_CMD_PREVENT_DEL,
	__SIS_CMD_MAX
};

#define SIS_CMD_MAX (__SIS_CMD_MAX - 1)

/* Directions, as a mask: SIS_DIR_ANY is both. */
enum sis_dir {
	SIS_DIR_IN = 1,		/* network to host */
	SIS_DIR_OUT = 2,	/* host to network */
	SIS_DIR_ANY = 3,
};

enum sis_attr {
	SIS_A_UNSPEC,
	SIS_A_IFINDEX,
	SIS_A_IFNAME,
	SIS_A_HOST_IFINDEX,
	SIS_A_HOST_IFNAME,
	SIS_A_NET_IFINDEX,
	SIS_A_NET_IFNAME,
	SIS_A_STATS_IN,
	SIS_A_STATS_OUT,
	SIS_A_RULE,
	__SIS_A_LAST
};

#define SIS_A_MAX (__SIS_A_LAST - 1)

enum sis_stats_attr {
	SIS_STATS_A_UNSPEC,
	SIS_STATS_A_PAD,
	SIS_STATS_A_FRAMES,
	SIS_STATS_A_BYTES,
	SIS_STATS_A_DROPPED,
	__SIS_STATS_A_LAST
};

#define SIS_STATS_A_MAX (__SIS_STATS_A_LAST - 1)

enum sis_rule_attr {
	SIS_RULE_A_UNSPEC,
	SIS_RULE_A_PAD,
	SIS_RULE_A_ID,
	SIS_RULE_A_DIR,
	SIS_RULE_A_BPF,
	SIS_RULE_A_EXPR,
	SIS_RULE_A_MATCHES,
	SIS_RULE_A_BYTES,
	__SIS_RULE_A_LAST
};

#define SIS_RULE_A_MAX (__SIS_RULE_A_LAST - 1)

#endif /* _UAPI_LINUX_SIS_H */
