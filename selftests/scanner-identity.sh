#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sis-selftest: tiers=check,soak cost=120 limit=1500
# A scanner is the socket it attached with, not that socket's port id.
# When a scanner's socket closes, netlink frees its port id before SIS
# hears of it, and any local user may bind the number in between. Here an
# unprivileged racer (selftests/portrace, as user daemon) binds every
# generic netlink port id of the appliance's namespace the moment it is
# free and acts as its owner, while a scanner restarts again and again
# under a flow of contained pings, and a loop of link changes keeps RTNL
# busy around each kill (SIS hears of a closed socket under RTNL: a busy
# RTNL widens the window). The racer must never receive a frame, and every request it
# sends as the scanner must be refused.
#
#   NS_H: h0 10.0.0.1 --- hp0 [br0, attached] np0 --- n0 10.0.0.2 :NS_N
#                          NS_B: the scanner (nobody), the racer (daemon)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/scanner_lib.sh"

RACER=$BUILDDIR/selftests/portrace
# Restarts: 200 in the soak tier, 12 in the check tier (on the code that
# went by port id, the racer got through about once in six restarts).
RESTARTS=12
[ "$SIS_TIER" = soak ] && RESTARTS=200

bg_pids=()
identity_cleanup() {
	[ -n "${RTNL_PID:-}" ] && kill "$RTNL_PID" 2>/dev/null
	cleanup_bg
	scan_cleanup
}
trap identity_cleanup EXIT

setup_topology
check "attach" sis attach br0 host hp0
check "declare scanner s, as nobody" \
	sis scanner add s bridge br0 user nobody fail open timeout 2000
check "capability: contain icmp" sis cap add s icmp rights read,contain icmp
head -c 60 /dev/zero >"$TMPD/frame.bin"
check "a frame it may inject" sis inject add s 1 "$TMPD/frame.bin" dir out

# Contained traffic all along, both ways.
ip netns exec "$NS_H" ping -q -i 0.01 10.0.0.2 >/dev/null 2>&1 &
bg_pids+=("$!")
# rtnl_busy_start/stop: keep RTNL busy (every deletion waits for an RCU
# grace period under it) around each kill, and only then: the rest of the
# test, which needs RTNL too, goes at its own pace.
rtnl_busy_start() {
	(
		while :; do
			ip -n "$NS_B" link add sis-rtnl type dummy 2>/dev/null
			ip -n "$NS_B" link del sis-rtnl 2>/dev/null
		done
	) &
	RTNL_PID=$!
}
rtnl_busy_stop() {
	kill "$RTNL_PID" 2>/dev/null
	wait "$RTNL_PID" 2>/dev/null
	ip -n "$NS_B" link del sis-rtnl 2>/dev/null
}

exec {racer_fd}< <(exec ip netns exec "$NS_B" \
	setpriv --reuid=daemon --regid=daemon --clear-groups \
	"$RACER" icmp 2>"$TMPD/racer.err")
racer_pid=$!
bg_pids+=("$racer_pid")
wait_ready "$racer_fd" "the racer" || diag "racer: $(cat "$TMPD/racer.err")"

restarted=0
seen=0
for ((i = 0; i < RESTARTS; i++)); do
	scan_start --name s --cap icmp --rights contain --verdict pass --dump ||
		break
	# Let it see a frame (its first --dump line): others are in flight
	# when it dies.
	read -r -t "$WAIT_SECS" -u "$SCAN_FD" _ && seen=$((seen + 1))
	rtnl_busy_start
	nap 0.2
	scan_stop KILL
	# The racer's moment: the port id is free, SIS has not heard yet.
	nap 0.5
	rtnl_busy_stop
	restarted=$((restarted + 1))
done
check_eq "the scanner restarted $RESTARTS times" "$restarted" "$RESTARTS"
check_eq "and saw frames each time" "$seen" "$RESTARTS"

kill -TERM "$racer_pid"
result=$(cat <&"$racer_fd")
exec {racer_fd}<&-
diag "racer: $result"
read -r _ won _ requests _ accepted _ received <<<"$result"
# A racer that never got a port id proves nothing.
check_eq "the racer bound freed port ids" "$(( ${won:-0} > 0 ))" 1
check_eq "and sent requests as their owners" "$(( ${requests:-0} > 0 ))" 1
check_eq "none of its requests was accepted" "${accepted:-x}" 0
check_eq "it received no frame and no stream data" "${received:-x}" 0
check_eq "scanner s is not attached" "$(scanner_json s .pid)" "null"
check_eq "and has no subscription left" "$(scanner_json s '.subs | length')" 0

tap_done
