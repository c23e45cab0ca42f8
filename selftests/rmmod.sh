#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sis-selftest: cost=58 alone
# The module unloaded while traffic flows through an attached bridge and
# two scanner processes contain it (teardown_lib.sh): what they hold is
# released, traffic flows on without SIS, the module loads and attaches
# again, and nothing leaks (kmemleak). Alone: the other tests need the
# module.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/teardown_lib.sh"
trap 'traffic_stop; kill -KILL $(jobs -p) 2>/dev/null; cleanup' EXIT

KMEMLEAK=/sys/kernel/debug/kmemleak

fresh
traffic
check_held
check "rmmod under traffic with a bridge attached" rmmod sis
scanners_stop
traffic_stop
check "traffic flows with the module gone" \
	ip netns exec "$NS_H" ping -c 2 -i 0.1 -W 2 10.0.0.2
check "insmod again" insmod "${SIS_MODULE:-$TOP/kernel/sis.ko}"
check "attach again" sis attach br0 host hp0

scanners_stop
if [ -w "$KMEMLEAK" ]; then
	cleanup_topology
	nap 1
	echo scan >"$KMEMLEAK"
	echo scan >"$KMEMLEAK"
	leaks=$(cat "$KMEMLEAK")
	check_eq "kmemleak: no suspected leaks" "$leaks" ""
	# Reported once: do not let guest-init report the same objects again.
	echo clear >"$KMEMLEAK"
else
	skip "kmemleak: no suspected leaks" "kernel without CONFIG_DEBUG_KMEMLEAK"
fi

tap_done
