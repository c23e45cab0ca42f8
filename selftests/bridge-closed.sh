#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sis-selftest: cost=85
# A bridge that loses a port (it leaves, is deleted, moves to another
# namespace) is detached; failing closed (the default) it is kept closed:
# when the port comes back, nothing crosses it, counted, until it is
# attached again or detached. Failing open, it forwards unjudged at once,
# as before. What its scanners held is dropped, whatever their own policy.
#
#   NS_H: h0 10.0.0.1 --- hp0 [br0] np0 --- n0 10.0.0.2 :NS_N
#   NS_X: x0 10.9.0.1 --- xp0 [br1] yp0 --- y0 10.9.0.2 :NS_Y
# br1, in the same namespace as br0, is not attached: a closed br0 must
# not stop it.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/scanner_lib.sh"
NS_X=sis-x-$SUFFIX
NS_Y=sis-y-$SUFFIX
trap 'scan_cleanup; ip netns del "$NS_X" 2>/dev/null; ip netns del "$NS_Y" 2>/dev/null; true' EXIT

setup_topology
ip netns add "$NS_X"
ip netns add "$NS_Y"
ip link add x0 netns "$NS_X" type veth peer name xp0 netns "$NS_B"
ip link add y0 netns "$NS_Y" type veth peer name yp0 netns "$NS_B"
ip -n "$NS_B" link add br1 type bridge stp_state 0 mcast_snooping 0
for p in xp0 yp0; do
	ip -n "$NS_B" link set "$p" master br1
	ip -n "$NS_B" link set "$p" up
done
ip -n "$NS_B" link set br1 up
ip -n "$NS_X" link set lo up
ip -n "$NS_X" addr add 10.9.0.1/24 dev x0
ip -n "$NS_X" link set x0 up
ip -n "$NS_Y" link set lo up
ip -n "$NS_Y" addr add 10.9.0.2/24 dev y0
ip -n "$NS_Y" link set y0 up
other_crosses() {
	ip netns exec "$NS_X" ping -q -n -c 1 -W 2 10.9.0.2 >/dev/null 2>&1 &&
		echo yes || echo no
}
crosses() {
	ping_h -c 1 -W 2 && echo yes || echo no
}
state() {
	sis_json '[$b.state, $b.fail, $b.closed.port, $b.closed.how] | join(" ")'
}

check "attach, failing closed by default" sis attach br0 host hp0
check_eq "shown as attached, fail closed" "$(state)" "attached closed  "
check_eq "ping crosses" "$(crosses)" yes

# --- a port leaves and comes back -------------------------------------------
check "the net port leaves the bridge" ip -n "$NS_B" link set np0 nomaster
check_eq "kept closed" "$(state)" "closed closed np0 left"
check_eq "sisctl show says so" "$(sis show)" \
	"bridge br0 closed: port np0 left, frames dropped 0"
check "the port comes back" ip -n "$NS_B" link set np0 master br0
check_eq "nothing crosses the closed bridge" "$(crosses)" no
check_eq "another bridge of the namespace forwards on" "$(other_crosses)" yes
check_eq "what it dropped is counted" \
	"$(( $(sis_json '$b.closed.dropped') >= 1 ))" 1
check_fail "a scanner cannot be declared on it" "bridge is not attached" \
	sis scanner add s bridge br0 user nobody
check "attached again" sis attach br0 host hp0
check_eq "attached again: no longer closed" "$(state)" "attached closed  "
check_eq "ping crosses again" "$(crosses)" yes

# --- a held frame is dropped, though its scanner fails open -----------------
check "a scanner failing open" \
	sis scanner add fo bridge br0 user nobody fail open timeout 60000
check "holding every ICMP frame" sis cap add fo icmp rights read,contain icmp
scan_start --name fo --cap icmp --rights contain --verdict hold
ip netns exec "$NS_H" ping -q -n -c 1 -W 20 10.0.0.2 >"$TMPD/held.out" 2>&1 &
pinger=$!
held() { [ "$(scanner_json fo .held)" = 1 ]; }
wait_for "an echo request is held" "$WAIT_SECS" held
check "the host port leaves" ip -n "$NS_B" link set hp0 nomaster
check_eq "kept closed" "$(state)" "closed closed hp0 left"
check "the host port comes back" ip -n "$NS_B" link set hp0 master br0
rc=0
wait "$pinger" || rc=$?
check_eq "the held echo request was dropped, not forwarded (ping exit 1)" \
	"$rc" 1
check_eq "the scanner went with the attachment" \
	"$(sis -j show scanners | jq length)" 0
scan_stop KILL
check "detach ends the closed state" sis detach br0
check_eq "nothing attached nor closed" "$(sis show)" ""
check_eq "detached: ping crosses, unjudged" "$(crosses)" yes

# --- a port is deleted ------------------------------------------------------
check "attach" sis attach br0 host hp0
check "delete the net port" ip -n "$NS_B" link del np0
check_eq "kept closed: the port was unregistered" "$(state)" \
	"closed closed np0 unregistered"
ip link add n1 netns "$NS_N" address "$MAC_N" type veth peer name np0 \
	netns "$NS_B"
ip -n "$NS_N" link set n1 name n0
end_setup "$NS_N" n0 10.0.0.2 10.0.0.1 "$MAC_H"
ip -n "$NS_B" link set np0 master br0
ip -n "$NS_B" link set np0 up
check_eq "a new port in its place: nothing crosses" "$(crosses)" no
check "attached again" sis attach br0 host hp0
check_eq "ping crosses" "$(crosses)" yes

# --- the bridge goes --------------------------------------------------------
check "the net port leaves" ip -n "$NS_B" link set np0 nomaster
check "delete the closed bridge" ip -n "$NS_B" link del br0
check_eq "nothing left" "$(sis show)" ""
ip -n "$NS_B" link add br0 type bridge stp_state 0 mcast_snooping 0
ip -n "$NS_B" link set hp0 master br0
ip -n "$NS_B" link set np0 master br0
ip -n "$NS_B" link set br0 up

# --- failing open -----------------------------------------------------------
check "attach, failing open" sis attach br0 host hp0 fail open
check_eq "shown as fail open" "$(state)" "attached open  "
check "the net port leaves" ip -n "$NS_B" link set np0 nomaster
check_eq "only detached" "$(sis show)" ""
check "the port comes back" ip -n "$NS_B" link set np0 master br0
check_eq "ping crosses, unjudged" "$(crosses)" yes

check_fail "attach: fail takes open or closed" \
	'invalid fail policy "maybe"' sis attach br0 host hp0 fail maybe
check_fail "attach: fail needs its word" 'unknown argument "open"' \
	sis attach br0 host hp0 open

tap_done
