// SPDX-License-Identifier: GPL-2.0
/* What a scanner's capabilities do while no process is attached (absent.h). */
#include <linux/filter.h>
#include <linux/rtnetlink.h>

#include "absent.h"
#include "bridge.h"
#include "conn.h"
#include "scanner.h"
#include "subscription.h"

/* Count @sc in or out of @count as @on says, if that changed. */
static void sis_absent_set(bool *flag, atomic_t *count, bool on)
{
	if (*flag == on)
		return;
	atomic_add(on ? 1 : -1, count);
	WRITE_ONCE(*flag, on);
}

/*
 * After whatever changes a scanner's absence: its declaration, its
 * capabilities, a process attaching or leaving. @deleted: the scanner is
 * going, and drops nothing any more. Under RTNL.
 */
void sis_absent_update(struct sis_scanner *sc, bool deleted)
{
	bool drop = !deleted && !sc->sk && sc->conf.absent == SIS_ABSENT_DROP;
	bool frames = false, stream = false;
	const struct sis_cap *cap;

	ASSERT_RTNL();

	list_for_each_entry(cap, &sc->caps, list) {
		if (!(cap->rights & SIS_RIGHT_CONTAIN))
			continue;
		if (cap->kind == SIS_CAP_STREAM)
			stream = true;
		else
			frames = true;
	}
	sis_absent_set(&sc->absent_frames, &sc->sb->n_absent, drop && frames);
	sis_absent_set(&sc->absent_stream, &sc->sb->n_absent_stream,
		       drop && stream);
}

static void sis_absent_count(struct sis_scanner *sc)
{
	spin_lock(&sc->lock);
	sc->counts.absent_dropped++;
	spin_unlock(&sc->lock);
}

/*
 * Does absent scanner @sc's containing frame capability cover this frame?
 * Counted if so. @skb->data at its Ethernet header; under RCU, bottom
 * halves disabled.
 */
bool sis_absent_frame(struct sis_scanner *sc, u8 dir,
		      const struct sk_buff *skb)
{
	const struct sis_cap *cap;

	if (!READ_ONCE(sc->absent_frames))
		return false;
	list_for_each_entry_rcu(cap, &sc->caps, list) {
		if (cap->kind != SIS_CAP_FRAMES ||
		    !(cap->rights & SIS_RIGHT_CONTAIN) || !(cap->dir & dir) ||
		    !bpf_prog_run(cap->prog, skb))
			continue;
		sis_absent_count(sc);
		return true;
	}
	return false;
}

/*
 * Does some absent scanner's containing stream capability cover a segment
 * of this connection? Counted if so. @skb: the segment, skb->data at its
 * network header as the hook has it (NULL: ports only). Under RCU, bottom
 * halves disabled.
 */
bool sis_absent_stream(struct sis_bridge *sb, const struct sis_conn_key *key,
		       struct sk_buff *skb)
{
	unsigned int mac_len = skb ? skb->data - skb_mac_header(skb) : 0;
	const struct sis_cap *cap;
	struct sis_scanner *sc;
	bool hit = false;

	if (skb)
		__skb_push(skb, mac_len);
	list_for_each_entry_rcu(sc, &sb->scanners, list) {
		if (!READ_ONCE(sc->absent_stream))
			continue;
		list_for_each_entry_rcu(cap, &sc->caps, list) {
			if (cap->kind != SIS_CAP_STREAM ||
			    !(cap->rights & SIS_RIGHT_CONTAIN) ||
			    !sis_cap_covers_ports(cap, key) ||
			    (skb && cap->prog && !bpf_prog_run(cap->prog, skb)))
				continue;
			sis_absent_count(sc);
			hit = true;
			break;
		}
		if (hit)
			break;
	}
	if (skb)
		__skb_pull(skb, mac_len);
	return hit;
}
