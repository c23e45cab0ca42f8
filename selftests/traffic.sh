#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sis-selftest: cost=48
# Traffic crosses an attached bridge untouched, and the per-direction
# counters are exact: they equal what each veth end sent.
source "$(dirname "$0")/lib.sh"
trap cleanup EXIT

setup_topology
check "attach" sis attach br0 host hp0

# counters_match WHAT: SIS's counters equal the veth ends' tx deltas.
counters_match() {
	local got want
	got=$(sis_json '[$b.stats.in.frames, $b.stats.in.bytes, $b.stats.out.frames, $b.stats.out.bytes]')
	tx_stats "$NS_N" n0
	want="[$((TX_PACKETS - n_pk0)),$((TX_BYTES - n_by0))"
	tx_stats "$NS_H" h0
	want+=",$((TX_PACKETS - h_pk0)),$((TX_BYTES - h_by0))]"
	check_eq "$1: counters equal veth tx (in frames, bytes, out frames, bytes)" "$got" "$want"
}

snapshot() {
	tx_stats "$NS_N" n0
	n_pk0=$TX_PACKETS n_by0=$TX_BYTES
	tx_stats "$NS_H" h0
	h_pk0=$TX_PACKETS h_by0=$TX_BYTES
}

snapshot
check "ping host -> net" ip netns exec "$NS_H" ping -c 10 -i 0.05 -W 2 10.0.0.2
# 10 echo requests out, 10 replies in, each 98 bytes on the wire.
check_eq "ping: exact frames and bytes" \
	"$(sis_json '[$b.stats.in.frames, $b.stats.in.bytes, $b.stats.in.dropped, $b.stats.out.frames, $b.stats.out.bytes, $b.stats.out.dropped]')" \
	"[10,980,0,10,980,0]"
counters_match "ping"

udp_count_bg "$NS_N" 7000 20
udp_count_bg "$NS_H" 7001 7
udp_send "$NS_H" 10.0.0.2 7000 20 100
udp_send "$NS_N" 10.0.0.1 7001 7 300
udp_count_end
check_eq "udp host -> net: all 20 datagrams arrive" "${UDP_COUNTS[0]}" 20
check_eq "udp net -> host: all 7 datagrams arrive" "${UDP_COUNTS[1]}" 7
# 20 x (14 + 20 + 8 + 100) out, 7 x (14 + 20 + 8 + 300) in, on top of ping.
check_eq "udp: exact frames and bytes" \
	"$(sis_json '[$b.stats.in.frames, $b.stats.in.bytes, $b.stats.out.frames, $b.stats.out.bytes]')" \
	"[17,$((980 + 7 * 342)),30,$((980 + 20 * 142))]"
counters_match "ping + udp"

snapshot0_in=$(sis_json '$b.stats.in.frames')
# What the receiving end read, hashed (iperf3's "received" is the server's
# count when the client says it is done: short under load).
exec {tcp_fd}< <(exec ip netns exec "$NS_N" "$TCPIO" serve 5201)
wait_ready "$tcp_fd" "tcpio serve 5201"
sent=$(ip netns exec "$NS_H" "$TCPIO" send 10.0.0.2 5201 2M 0 -t 60)
read -r -t "$WAIT_SECS" -u "$tcp_fd" recv
exec {tcp_fd}<&-
# "sent N HASH recv 0 HASH" and "recv N HASH sent 0 HASH": the same N HASH.
check_eq "tcp: 2 MiB (and tcpio's 24-byte header) cross the bridge intact" \
	"${recv#recv }" "$(set -- $sent; echo "$2 $3 sent $5 $6")"
check "tcp: frames counted in both directions" \
	test "$(sis_json '$b.stats.in.frames')" -gt "$snapshot0_in"
# Counters are read after both ends have settled.
nap 0.5
counters_match "ping + udp + tcp"

# IPv6 and ARP cross too (everything does, not only IPv4).
ip netns exec "$NS_H" sysctl -qw net.ipv6.conf.h0.disable_ipv6=0
ip netns exec "$NS_N" sysctl -qw net.ipv6.conf.n0.disable_ipv6=0
ip -n "$NS_H" addr add fd00::1/64 dev h0 nodad
ip -n "$NS_N" addr add fd00::2/64 dev n0 nodad
check "ping6 host -> net" ip netns exec "$NS_H" ping -6 -c 3 -i 0.1 -W 2 fd00::2
ip -n "$NS_H" neigh del 10.0.0.2 dev h0
check "ARP: dynamic neighbour resolution works" \
	ip netns exec "$NS_H" ping -c 1 -W 2 10.0.0.2
check_eq "nothing dropped" \
	"$(sis_json '$b.stats.in.dropped + $b.stats.out.dropped')" 0

tap_done
