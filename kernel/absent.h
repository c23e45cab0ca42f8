/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A scanner without a process: before one first attaches, while it
 * restarts (systemd Restart=), after it died. With "absent drop"
 * (SIS_SCANNER_A_ABSENT; the default for scanners that fail closed) the
 * traffic its containing capabilities cover is dropped, and counted, until
 * a process attaches again: a scanner that is not there cannot judge, so
 * nothing it would contain goes by unjudged. Read-only capabilities never
 * hold anything back. With "absent pass" its traffic flows meanwhile.
 *
 * Locking: a scanner's absent state (sis_scanner.absent_frames and
 * .absent_stream, and the bridge's counts of them) changes under RTNL, as
 * attaching, detaching and capabilities do; the datapath reads it under
 * RCU.
 */
#ifndef _SIS_ABSENT_H
#define _SIS_ABSENT_H

#include <linux/skbuff.h>
#include <linux/types.h>

struct sis_bridge;
struct sis_conn_key;
struct sis_scanner;

void sis_absent_update(struct sis_scanner *sc, bool deleted);
bool sis_absent_frame(struct sis_scanner *sc, u8 dir,
		      const struct sk_buff *skb);
bool sis_absent_stream(struct sis_bridge *sb, const struct sis_conn_key *key,
		       struct sk_buff *skb);

#endif /* _SIS_ABSENT_H */
