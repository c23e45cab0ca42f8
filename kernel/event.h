/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Configuration events: every change of SIS's configuration (attach and
 * detach, a bridge's settings, prevent rules, scanners, their capabilities
 * and injections, scanner processes coming and going) is announced on the
 * family's "config" multicast group, so that administrators can follow the
 * changes others make, as `ip monitor` follows rtnetlink's.
 * uapi/linux/sis.h, "Configuration events", has the messages.
 */
#ifndef _SIS_EVENT_H
#define _SIS_EVENT_H

#include <linux/types.h>

struct net;
struct net_device;

/*
 * A change of configuration, announced on the "config" group. Injection
 * ids may be 0: an injection's event carries its id whatever it is.
 */
struct sis_event {
	u8 cmd;			/* SIS_CMD_* of what changed */
	u8 reason;		/* enum sis_event_reason */
	const struct net_device *br_dev;	/* the bridge */
	const char *port;	/* a port's name, or NULL */
	const char *scanner;	/* a scanner's name, or NULL */
	u32 id;			/* rule or injection id; 0: none */
	u32 pid;		/* a scanner process's pid; 0: none */
	const char *cap;	/* a capability's name, or NULL */
};

void sis_event_notify(struct net *net, const struct sis_event *ev);

#endif /* _SIS_EVENT_H */
