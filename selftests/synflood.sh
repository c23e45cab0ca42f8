#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sis-selftest: tiers=check,soak cost=80 limit=1800
# A flood of spoofed SYNs (hping3 --flood --rand-source -S) at the port a
# containing scanner covers, while a real client connects to the same
# port: every real connection must be tracked, reconstructed and contained
# (the scanner's SHA-256 of each direction is the one tcpio computed at
# both ends, and the scanner passed every byte before the host had it).
# The flood only ever fills the half-open part of the table, oldest out
# first (stream counter evicted; shown first with six single SYNs); no SYN
# is left untracked for want of room, which, with a scanner that fails
# closed, would drop it.
#
#   NS_N: hping3 and tcpio send --- np0 [br0] hp0 --- h0 10.0.0.1: tcpio serve
#
# The host answers every spoofed SYN (a default route through n0, which
# drops the answers): the bridge sees SYN-ACKs for the half-open
# connections too. Rounds: the table full (max-conns 256: a new SYN takes
# the oldest half-open one's place), 20 connections; in the soak tier
# also the half-open bound (max-half-open 64), 10 connections, then
# SIS_SOAK_FLOOD_SECS (300) of flood with the default limits while
# connections keep coming.
source "$(dirname "$0")/lib.sh"

STREAM=$BUILDDIR/sis-stream
PORT=8080
CONNS=20

trap cleanup_bg EXIT

if ! command -v hping3 >/dev/null; then
	echo "1..0 # SKIP hping3 is not installed (scripts/setup.sh installs it)"
	exit "$KSFT_SKIP"
fi

setup_topology
ip -n "$NS_H" route add default via 10.0.0.2
check "attach" sis attach br0 host hp0
check "declare the scanner, failing closed" \
	sis scanner add flood bridge br0 user nobody timeout 60000 fail closed
check "its capability: the host's port $PORT, read and contain" \
	sis cap add flood web stream host-port "$PORT" rights read,contain
# Its lines ("conn ID DIR BYTES SHA256 REASON" as each direction ends)
# go to its stdout, which this script opens: nobody cannot open $TMPD.
ip netns exec "$NS_B" setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$STREAM" -s flood -c web -C >"$TMPD/st.out" 2>"$TMPD/st.err" &
bg_pids+=($!)
wait_for "sis-stream is ready" "$WAIT_SECS" grep -qx ready "$TMPD/st.out" ||
	diag "$(<"$TMPD/st.err")"

# flood_start: hping3 floods the host's port from random sources. In the
# soak tier as fast as it can, at the lowest priority (it takes what CPU
# is left); in the check tier at 1,000 SYNs a second, at normal priority:
# the tests beside this one would starve a niced flood, and four times the
# table's size arrive in its first seconds.
flood_start() {
	local rate=(-i u1000) prio=0
	if [ "${SIS_TIER:-check}" = soak ]; then
		rate=(--flood)
		prio=19
	fi
	ip netns exec "$NS_N" nice -n "$prio" hping3 "${rate[@]}" --rand-source -S -p "$PORT" 10.0.0.1 \
		>"$TMPD/hping3.out" 2>&1 &
	FLOOD_PID=$!
	bg_pids+=("$FLOOD_PID")
}

flood_stop() {
	kill -INT "$FLOOD_PID" 2>/dev/null
	wait "$FLOOD_PID" 2>/dev/null
}

# flooding FRAMES: the flood is on: the bridge has carried twice the
# table's size (max-conns 256) in since it had FRAMES.
flooding() {
	[ "$(sis_json '$b.stats.in.frames')" -gt "$(($1 + 512))" ]
}

# counter NAME: a stream counter of br0.
counter() {
	sis_json "\$b.stream_stats.$1"
}

# connect_all NAME N SEED: N real connections in turn from the network
# side, each 3000 bytes in and 2000 out with its own seed; their lines in
# $TMPD/NAME.cl, the server's in $TMPD/NAME.sv.
connect_all() {
	local name=$1 n=$2 seed=$3 i srv
	exec {srv}< <(exec ip netns exec "$NS_H" "$TCPIO" serve "$PORT" -n "$n" \
		2>"$TMPD/$name.sverr")
	bg_pids+=($!)
	wait_ready "$srv" "tcpio serve" || diag "$(<"$TMPD/$name.sverr")"
	# All at once, each its own output: the flood is on for all of them.
	local pids=()
	for ((i = 0; i < n; i++)); do
		{
			ip netns exec "$NS_N" "$TCPIO" send 10.0.0.1 "$PORT" \
				3000 2000 -s $((seed + i)) -t 120 ||
				echo "failed $((seed + i))"
		} >"$TMPD/$name.cl.$i" 2>&1 &
		pids+=("$!")
	done
	wait "${pids[@]}"
	: >"$TMPD/$name.cl"
	for ((i = 0; i < n; i++)); do
		cat "$TMPD/$name.cl.$i" >>"$TMPD/$name.cl"
	done
	: >"$TMPD/$name.sv"
	for ((i = 0; i < n; i++)); do
		read -r -t 120 -u "$srv" line || break
		echo "$line" >>"$TMPD/$name.sv"
	done
	exec {srv}<&-
}

# reconstructed NAME: every connection of $TMPD/NAME.cl ("sent BYTES
# SHA256 recv BYTES SHA256") completed, and the scanner hashed both of its
# directions ("conn ID DIR BYTES SHA256 REASON") as the ends did: prints
# the lines that are not so. One awk: it runs in a loop.
reconstructed() {
	awk 'FILENAME == ARGV[1] { seen[$3 " " $4 " " $5 " " $6]; next }
	$2 != 3024 || $5 != 2000 { print "client: " $0; next }
	!(("in " $2 " " $3 " fin") in seen) { print "not reconstructed in: " $2 " " $3 }
	!(("out " $5 " " $6 " fin") in seen) { print "not reconstructed out: " $5 " " $6 }
	' "$TMPD/st.out" "$TMPD/$1.cl"
}

none_missing() {
	[ -z "$(reconstructed "$1")" ]
}

# round NAME N SEED MAX_CONNS MAX_HALF_OPEN: N real connections under the
# flood, with those limits.
round() {
	local name=$1 n=$2 seed=$3 max=$4 half=$5 frames ev bad ho conns
	check "$name: max-conns $max max-half-open $half" \
		sis set dev br0 max-conns "$max" max-half-open "$half"
	frames=$(sis_json '$b.stats.in.frames')
	ev=$(counter evicted)
	flood_start
	wait_for "$name: the flood crosses the bridge" "$WAIT_SECS" \
		flooding "$frames" || diag "$(<"$TMPD/hping3.out")"
	connect_all "$name" "$n" "$seed"
	ho=$(counter half_open)
	conns=$(counter conns)
	flood_stop
	check_eq "$name: $n of $n real connections completed, both ends intact" \
		"$(grep -c "^sent 3024 .* recv 2000 " "$TMPD/$name.cl")" "$n"
	[ "$(grep -c "^recv 3024 .* sent 2000 " "$TMPD/$name.sv")" = "$n" ] ||
		diag "server: $(<"$TMPD/$name.sv")"
	# The scanner writes a direction's hash once it has had its end.
	wait_until 60 none_missing "$name"
	check_eq "$name: the scanner reconstructed both directions of each" \
		"$(reconstructed "$name")" ""
	check "$name: half-open ones evicted for new ones ($(counter evicted) in all)" \
		test "$(counter evicted)" -gt "$ev"
	check "$name: at most $half half-open ($ho) and $max tracked ($conns)" \
		test "$ho" -le "$half" -a "$conns" -le "$max"
	diag "$name: $(sis_json '$b.stats.in.frames - '"$frames") frames in"
}

# Oldest first: six spoofed SYNs, one after the other, with room for four
# half-open connections.
net_addrs() {
	sis -j conns | jq -c '[.[].net.addr] | sort'
}
has_conns() {
	[ "$(sis -j conns | jq length)" -ge "$1" ]
}
check "max-half-open 4" sis set dev br0 max-half-open 4
for i in 1 2 3 4 5 6; do
	ip netns exec "$NS_N" hping3 -q -S -c 1 -a "10.9.0.$i" -s 4000 \
		-p "$PORT" 10.0.0.1 >/dev/null 2>&1
	wait_until "$WAIT_SECS" has_conns "$((i < 4 ? i : 4))"
done
check_eq "the four newest SYNs are tracked, the two oldest let go" \
	"$(net_addrs)" '["10.9.0.3","10.9.0.4","10.9.0.5","10.9.0.6"]'
check_eq "counted: evicted 2, half-open 4" \
	"$(sis_json '[$b.stream_stats.evicted, $b.stream_stats.half_open]')" \
	"[2,4]"
check "max-half-open 2" sis set dev br0 max-half-open 2
check_eq "lowered, the two oldest of them go at once" \
	"$(net_addrs)" '["10.9.0.5","10.9.0.6"]'

round "table full" "$CONNS" 1000 256 8192
# The check tier keeps to one round: max-half-open is shown above, and
# the flood slows the tests running beside this one.
if [ "${SIS_TIER:-check}" = soak ]; then
	round "half-open bound" 10 2000 65536 64
fi

if [ "${SIS_TIER:-check}" = soak ]; then
	secs=${SIS_SOAK_FLOOD_SECS:-300}
	check "soak: the default limits" \
		sis set dev br0 max-conns 65536 max-half-open 8192
	ev=$(counter evicted)
	flood_start
	end=$((SECONDS + secs))
	n=0
	while [ "$SECONDS" -lt "$end" ]; do
		connect_all "soak$n" 10 $((10000 + n * 10))
		wait_until 60 none_missing "soak$n"
		bad=$(reconstructed "soak$n")
		[ -z "$bad" ] || { diag "soak: $bad"; break; }
		n=$((n + 1))
	done
	flood_stop
	check_eq "soak: $((n * 10)) connections in ${secs} s of flood, each intact" \
		"$bad" ""
	check "soak: half-open ones evicted ($(($(counter evicted) - ev)))" \
		test "$(counter evicted)" -gt "$ev"
fi

check_eq "no SYN untracked or dropped for want of room" \
	"$(sis_json '[$b.stream_stats.untracked, $b.stream_stats.dropped]')" \
	"[0,0]"
check_eq "nothing held once the flood is over" \
	"$(sis -j show scanner flood | jq '.[0].held')" 0
tap_done
