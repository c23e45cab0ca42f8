#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sis-selftest: tiers=check,soak cost=40 limit=900
# "More" with custody (RFC 3135): a containing scanner (build/sis-stream
# -e hold:out:BYTES) asks for an entire upload before it passes any of
# it, far more than the sender has in flight (and, over IPv6, for a
# whole download). SIS opens the window, then
# acknowledges the held bytes to the sender itself, keeps them, delivers
# them once passed and retransmits them itself when they are lost past
# the bridge. Through netem loss on both ends and past the bridge, the
# upload completes byte-exact both ways, without a reset, the custody
# ACKs and retransmissions counted, the sender's RTT the path's. With
# conn-bytes too small for the hold, the scanner's fail policy applies at
# the bound, counted: failing open the upload completes, failing closed
# the connection is killed and what it held let go at once.
# A few MiB in the check tier, 20 MiB in the soak tier.
#
#   tcpio send (client, h0)   NS_B: sis-stream -C -e hold:out:N   tcpio serve (n0)
#   netem on h0, n0 and np0 (the bridge's port towards the server)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/stream_lib.sh"
# shellcheck disable=SC2016 # jq programs
trap 'kill $ST_PID 2>/dev/null; cleanup_bg' EXIT

PORT=9000
PORT_CLOSED=9001
DST=10.0.0.2
KB=1024
MB=$((1 << 20))
if [ "${SIS_TIER:-check}" = soak ]; then
	SIZE=$((20 * MB))
else
	SIZE=$((4 * MB))
fi

st_need "$STREAM" "$TCPIO"

# The bridge's egress to the server loses too (custody retransmits).
NETEM_MORE="$NS_B:np0"

setup_topology
read -r rmem_max </proc/sys/net/core/rmem_max
[ "$rmem_max" -ge 4194304 ] || echo 4194304 >/proc/sys/net/core/rmem_max
check "attach" sis attach br0 host hp0
check "room for the hold: conn-bytes, conn-segs" \
	sis set dev br0 conn-bytes $((SIZE * 2)) conn-segs 65536
check "declare scanner mo, failing open, max-bytes over the hold" \
	sis scanner add mo bridge br0 user nobody timeout 120000 fail open \
	max-bytes $((SIZE * 2))
check "mo: stream capability, read and contain, port $PORT" \
	sis cap add mo tcp stream net-port "$PORT" rights read,contain
check "declare scanner mc, failing closed" \
	sis scanner add mc bridge br0 user nobody timeout 120000 fail closed \
	max-bytes $((SIZE * 2))
check "mc: stream capability, read and contain, port $PORT_CLOSED" \
	sis cap add mc tcp stream net-port "$PORT_CLOSED" rights read,contain

check "netem on h0, n0 and np0: 1% loss, 1 ms" \
	netem add netem delay 1ms loss 1%

# held NAME: one upload of SIZE bytes (and 64 KiB back) through mo holding
# all of it before it passes anything: both ends read what the other sent.
held() {
	st_start mo -c tcp -C -q -e "hold:out:$((SIZE + 24))" || return
	srv_start "$PORT" -t 120
	rtt_watch
	xfer "$SIZE" $((64 * KB)) -s 7 -t 120
	kill "$RTT_PID" 2>/dev/null
	wait "$RTT_PID" 2>/dev/null
	srv_line 200
	intact "$1: the whole upload held, then byte-exact both ways" \
		"$SIZE" $((64 * KB))
	srv_stop
	st_stop
	[ -s "$ST_ERR" ] && diag "sis-stream: $(<"$ST_ERR")"
}

# rtt_watch: the client's smoothed RTT (ss), in ms, every 0.2 s into
# $TMPD/rtts, until RTT_PID is killed.
rtt_watch() {
	: >"$TMPD/rtts"
	while :; do
		ip netns exec "$NS_H" ss -tin "dport = :$PORT" 2>/dev/null |
			sed -n 's/.* rtt:\([0-9]*\)[.0-9]*\/.*/\1/p'
		sleep 0.2
	done >>"$TMPD/rtts" &
	RTT_PID=$!
	bg_pids+=("$RTT_PID")
}

# rtt_ok NAME: while the last held upload went, its sender's RTT stayed
# under a second. SIS's ACKs echo the TSval of the segment they
# acknowledge, as the receiver would (RFC 7323), so the sender's RTT and
# RTO stay the path's. Echoing the receiver's own TS.Recent, as old as the
# hold, made them seconds, and at the bound its window probes half a
# minute apart: the upload stalled.
rtt_ok() {
	local max
	max=$(sort -n "$TMPD/rtts" | tail -n 1)
	if [ -z "$max" ]; then
		ok "$1: the sender's RTT is the path's (over before the first sample)"
	elif [ "$max" -lt 1000 ]; then
		ok "$1: the sender's RTT is the path's, not the hold's (at most $max ms in $(wc -l <"$TMPD/rtts") samples)"
	else
		not_ok "$1: the sender's RTT is the path's, not the hold's"
		diag "the client's RTTs (ms): $(sort -n "$TMPD/rtts" | uniq -c | tail -n 5 | tr '\n' ' ')"
	fi
}

# --- custody: the hold fits --------------------------------------------------
acks=$(sis_json '$b.stream_stats.custody_acks')
kills=$(sis_json '$b.stream_stats.killed')
held "custody"
# at_least NAME COUNTER MIN: the stream counter COUNTER is MIN or more.
at_least() {
	local v
	v=$(sis_json "\$b.stream_stats.$2")
	if [ "$v" -ge "$3" ] 2>/dev/null; then
		ok "$1 ($v)"
	else
		not_ok "$1 ($v)"
	fi
}
at_least "custody: ACKs of held bytes sent, counted" custody_acks \
	$((acks + 1))
at_least "custody: SIS retransmitted what was lost past the bridge" \
	retransmits 1
check_eq "custody: nothing killed" "$(sis_json '$b.stream_stats.killed')" \
	"$kills"
check_eq "custody: no fail policy at the bound" \
	"$(sis_json '$b.stream_stats.custody_failed')" 0
rtt_ok custody
diag "stream counters: $(sis_json '$b.stream_stats' | tr -d '"')"

# --- custody the other way, over IPv6: a download held whole -----------------
st_ipv6
DST=fd00::2
acks=$(sis_json '$b.stream_stats.custody_acks')
if st_start mo -c tcp -C -q -e "hold:in:$((2 * MB))"; then
	srv_start "$PORT" -t 120
	xfer $((64 * KB)) $((2 * MB)) -s 9 -t 120
	srv_line 200
	intact "IPv6, a download held whole: byte-exact both ways" \
		$((64 * KB)) $((2 * MB))
	at_least "IPv6, a download held whole: in SIS's custody" \
		custody_acks $((acks + 1))
	srv_stop
	st_stop
fi
DST=10.0.0.2

# --- the bound: conn-bytes too small for the hold ----------------------------
check "conn-bytes under the hold" sis set dev br0 conn-bytes $((SIZE / 4))
held "bound, failing open"
rtt_ok "bound, failing open"
at_least "bound, failing open: the fail policy, counted" custody_failed 1
failed=$(sis_json '$b.stream_stats.custody_failed')

killed=$(sis_json '$b.stream_stats.killed')
st_start mc -c tcp -C -q -e "hold:out:$((SIZE + 24))"
srv_start "$PORT_CLOSED" -t 60
xfer "$SIZE" $((64 * KB)) -s 8 -t 60
check_eq "bound, failing closed: the client is reset (tcpio exit 1)" "$XRC" 1
wait_for "bound, failing closed: killed, counted" "$WAIT_SECS" \
	test "$(sis_json '$b.stream_stats.killed')" -gt "$killed"
check_eq "bound, failing closed: counted" \
	"$(sis_json '$b.stream_stats.custody_failed')" $((failed + 1))
# Killed, it stays for the close timeout (2 minutes) to drop what is still
# on its way, but what it held and kept is let go at once.
check_eq "bound, failing closed: still tracked, for the close timeout" \
	"$(sis_json '$b.stream_stats.conns')" 1
check_eq "bound, failing closed: what it held and kept let go at once" \
	"$(sis -j conns br0 |
		jq -c 'max_by(.id) | [.out.held, .out.kept, .in.held, .in.kept]')" \
	"[0,0,0,0]"
srv_stop
st_stop

netem del
tap_done
