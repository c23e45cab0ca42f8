#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sis-selftest: tiers=check,soak cost=184
# Everything under the bridge can go away while traffic flows: a port, the
# bridge, a move to another namespace, the namespace itself (the module:
# rmmod.sh, which runs alone). A bridge that loses a port is kept closed
# (bridge-closed.sh).
# Two scanner processes contain the traffic all along: one holds every ICMP
# frame it can (up to its limit of 1024) and never answers, one passes
# every TCP frame. Each teardown releases what they hold, and leaves no
# attachment and no splat behind (nor a leak: the guest's last kmemleak
# scan).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/teardown_lib.sh"
trap 'traffic_stop; kill -KILL $(jobs -p) 2>/dev/null; cleanup; ip netns del sis-away-$SUFFIX 2>/dev/null; true' EXIT

fresh
traffic
check_held
check "delete the host port under traffic" ip -n "$NS_B" link del hp0
check_eq "bridge detached, kept closed" "$(sis_json '$b.state')" closed
traffic_stop

fresh
traffic
check_held
check "net port leaves the bridge under traffic" \
	ip -n "$NS_B" link set np0 nomaster
check_eq "bridge detached, kept closed" "$(sis_json '$b.state')" closed
traffic_stop

fresh
traffic
check_held
check "delete the bridge under traffic" ip -n "$NS_B" link del br0
check_eq "bridge detached" "$(sis show)" ""
traffic_stop

fresh
traffic
ip netns add "sis-away-$SUFFIX"
check_held
check "move the host port to another namespace" \
	ip -n "$NS_B" link set hp0 netns "sis-away-$SUFFIX"
check_eq "detached in the old namespace, kept closed" \
	"$(sis_json '$b.state')" closed
check_eq "not attached in the new one" \
	"$("$SISCTL" -n "sis-away-$SUFFIX" show)" ""
ip netns del "sis-away-$SUFFIX"
traffic_stop

fresh
traffic
check_held
check "delete the appliance namespace under traffic" ip netns del "$NS_B"
# The scanners' sockets keep the namespace alive: it exits with them, and
# its exit (SIS's pernet exit among the rest) takes the far ends of its
# veth pairs with it.
scanners_stop
traffic_stop
gone() {
	! ip -n "$NS_H" link show h0 >/dev/null 2>&1 &&
	! ip -n "$NS_N" link show n0 >/dev/null 2>&1
}
wait_for "the appliance namespace exits once its scanners are gone" \
	"$WAIT_SECS" gone

tap_done
