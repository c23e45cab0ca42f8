#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sis-selftest: cost=68
# Prevent rules drop exactly what they match, only in their direction, and
# count it; bad filters and ids are refused and change nothing.
source "$(dirname "$0")/lib.sh"
trap cleanup EXIT

setup_topology
check "attach" sis attach br0 host hp0

# udp_through SRC_NS DST PORT COUNT: datagrams that arrived.
udp_through() {
	local dst_ns=$NS_N
	[ "$1" = "$NS_N" ] && dst_ns=$NS_H
	udp_count_bg "$dst_ns" "$3" "$4"
	udp_send "$1" "$2" "$3" "$4" 58
	udp_count_end
	echo "${UDP_COUNTS[0]}"
}

id1=$(sis prevent add br0 dir out udp dst port 9999)
check_eq "prevent add prints the new id" "$id1" 1
check_eq "out rule: host -> net udp/9999 dropped" \
	"$(udp_through "$NS_H" 10.0.0.2 9999 5)" 0
check_eq "out rule: net -> host udp/9999 passes" \
	"$(udp_through "$NS_N" 10.0.0.1 9999 4)" 4
check_eq "out rule: host -> net udp/9998 passes" \
	"$(udp_through "$NS_H" 10.0.0.2 9998 3)" 3
check_eq "out rule: counted (matches, bytes; 5 x 100 byte frames)" \
	"$(sis_json '$b.prevent[0] | [.matches, .bytes, .dir, .filter]')" \
	'[5,500,"out","udp dst port 9999"]'
check_eq "direction counters: out dropped 5, in dropped 0" \
	"$(sis_json '[$b.stats.out.dropped, $b.stats.in.dropped]')" "[5,0]"
check "ping unaffected by a udp rule" \
	ip netns exec "$NS_H" ping -c 2 -i 0.1 -W 2 10.0.0.2

id2=$(sis prevent add br0 dir in icmp)
check_eq "ids increase" "$id2" 2
check_fail "in icmp rule: ping replies dropped" "" \
	ip netns exec "$NS_H" ping -c 3 -i 0.1 -W 1 10.0.0.2
check_eq "in icmp rule: 3 replies matched" \
	"$(sis_json '$b.prevent[1].matches')" 3
check "delete the icmp rule" sis prevent del br0 "$id2"
check "ping works again" ip netns exec "$NS_H" ping -c 2 -i 0.1 -W 2 10.0.0.2

id3=$(sis prevent add br0 'icmp or (tcp and dst port 5201)')
check_eq "ids are not reused" "$id3" 3
check_fail "any icmp rule: ping net -> host dropped" "" \
	ip netns exec "$NS_N" ping -c 2 -i 0.1 -W 1 10.0.0.1
rc=0; tcp_try "$NS_H" 10.0.0.2 5201 3 || rc=$?
check_eq "any tcp rule: SYNs to 5201 dropped (no answer)" "$rc" 124
check_eq "dir any shown" "$(sis_json '$b.prevent[1].dir')" any
check "delete it" sis prevent del br0 "$id3"
rc=0; tcp_try "$NS_H" 10.0.0.2 5201 10 || rc=$?
check_eq "rule gone: the closed port answers with a reset" "$rc" 1

before=$(sis -j show)
check_fail "invalid filter refused" "Error: filter" \
	sis prevent add br0 udp dst port
check_fail "unknown direction refused" "invalid direction" \
	sis prevent add br0 dir sideways icmp
check_fail "delete unknown id" "no prevent rule with this id" \
	sis prevent del br0 42
ip -n "$NS_B" link add br9 type bridge
check_fail "rule on an unattached bridge" "bridge is not attached" \
	sis prevent add br9 icmp
after=$(sis -j show)
check_eq "refusals changed nothing" "$after" "$before"

# Sixteen rules, none matching: traffic flows and nothing is counted.
for ((i = 1; i <= 16; i++)); do
	sis prevent add br0 dir any udp dst port $((20000 + i)) >/dev/null
done
check_eq "16 more rules listed" "$(sis_json '$b.prevent | length')" 17
check_eq "udp with 17 rules that do not match" \
	"$(udp_through "$NS_H" 10.0.0.2 9000 5)" 5
check_eq "rule 20016 catches its port" \
	"$(udp_through "$NS_H" 10.0.0.2 20016 2)" 0
check_eq "... and only that rule counted" \
	"$(sis_json '[$b.prevent[1:][].matches] | add')" 2

tap_done
