#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sis-selftest: cost=85
# What a bridge's connections keep is bounded by max-memory, counted by
# the frames kept segments pin (their truesize), not by their payload:
# 2000 one-byte segments out of order (evasion.py's "ooo", after a real
# handshake with a Linux receiver) on a connection a containing scanner
# that never passes covers. The payload bound (conn-bytes, 4m) lets all of
# them be kept; each pins a whole frame.
#
#   NS_N: n0 (crafts as 10.0.0.3) --- np0 [br0] hp0 --- h0 10.0.0.1 :7001
source "$(dirname "$0")/lib.sh"

STREAM=$BUILDDIR/sis-stream
EVASION=$TOP/selftests/evasion.py
PORT=7001

trap cleanup_bg EXIT

setup_topology
ip -n "$NS_H" neigh replace 10.0.0.3 lladdr "$MAC_N" dev h0 nud permanent
mkdir "$TMPD/rcv"
exec {srv_fd}< <(exec ip netns exec "$NS_H" /usr/bin/python3 "$EVASION" \
	serve "$PORT" "$TMPD/rcv" 2>"$TMPD/serve.err")
bg_pids+=($!)
check "attach" sis attach br0 host hp0
check "declare the scanner" \
	sis scanner add mem bridge br0 user nobody timeout 600000
check "its capability: port $PORT, read and contain" \
	sis cap add mem web stream host-port "$PORT" rights read,contain
ip netns exec "$NS_B" setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$STREAM" -s mem -c web -C -m never -q >"$TMPD/st.out" 2>"$TMPD/st.err" &
ST_PID=$!
bg_pids+=("$ST_PID")
wait_ready "$srv_fd" "evasion.py serve" || diag "$(<"$TMPD/serve.err")"
wait_for "sis-stream is ready" "$WAIT_SECS" grep -qx ready "$TMPD/st.out" ||
	diag "$(<"$TMPD/st.err")"

# ooo SPORT: the 2000 segments, from port SPORT.
ooo() {
	ip netns exec "$NS_N" /usr/bin/python3 "$EVASION" craft n0 "$MAC_N" \
		"$MAC_H" 10.0.0.3 10.0.0.1 "$PORT" "$1" ooo \
		>"$TMPD/craft.out" 2>"$TMPD/craft.err" ||
		diag "crafting: $(<"$TMPD/craft.err")"
}

sstat() {
	sis_json "\$b.stream_stats.$1"
}

# kept_bytes PORT: the payload bytes the connection from PORT keeps in.
kept_bytes() {
	sis -j conns | jq -r --argjson p "$1" \
		'.[] | select(.net.port == $p) | .in.kept'
}

check_eq "nothing kept yet" "$(sstat memory)" 0

# At most 1 MiB: what would go over is not kept, and counted.
check "max-memory 1m" sis set dev br0 max-memory 1m
ooo 41000
mem=$(sstat memory)
check "the bridge keeps at most 1 MiB ($mem)" test "$mem" -le $((1 << 20))
check "the segments over it were not kept, counted ($(sstat over_memory))" \
	test "$(sstat over_memory)" -gt 0
kept=$(kept_bytes 41000)
check "its connection kept some, not all ($kept of 2000)" \
	test "${kept:-0}" -gt 0 -a "${kept:-0}" -lt 2000

# With room: every segment kept, each counted with its frame.
check "max-memory 256m (the default)" sis set dev br0 max-memory 256m
over=$(sstat over_memory)
ooo 41001
check_eq "all 2000 one-byte segments kept" "$(kept_bytes 41001)" 2000
more=$(($(sstat memory) - mem))
check "they count $more bytes more: a whole frame each, not one byte" \
	test "$more" -gt $((2000 * 256))
check_eq "none over max-memory" "$(sstat over_memory)" "$over"

# The scanner goes, failing closed: its connections are killed (an RST
# to each end), every segment goes at once, and the connections once
# their close timeout is over.
check "close-timeout 15s" sis set dev br0 close-timeout 15s
killed=$(sstat killed)
conns=$(sis -j conns | jq length)
kill -TERM "$ST_PID"
wait "$ST_PID"
check "sis scanner del" sis scanner del mem
check_eq "each of its $conns connections was killed" \
	"$(sstat killed)" $((killed + conns))
left=$(sis -j conns | jq '[.[] | .in.kept + .out.kept] | "\(length) \(add)"')
check_eq "still listed, closing, keeping nothing" "$left" "\"$conns 0\""
check "their memory went with the segments ($(sstat memory) bytes left)" \
	test "$(sstat memory)" -lt $((conns * 4096))
# Asked anew each time wait_for tries.
no_conns() {
	[ "$(sis -j conns | jq length)" = 0 ]
}
wait_for "no connection left after the close timeout" "$WAIT_SECS" no_conns
check_eq "memory back to 0" "$(sstat memory)" 0
tap_done
