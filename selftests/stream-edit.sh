#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sis-selftest: tiers=check cost=130 limit=1200
# The active changes (paper sections 3.2 and 4.3): a containing scanner
# (build/sis-stream -e) cuts byte ranges, injects blocks the administrator
# registered, replaces a range by a block, and kills, on
# real TCP connections (selftests/tcpio) through the bridge, both ways,
# IPv4 and IPv6, under netem loss, reordering and duplication on both
# sides. The oracle (stream_oracle.py): each end reads exactly what the
# other sent, minus the cuts, plus the blocks, and the connection then
# closes normally; the scanner judged exactly what was sent (its hashes).
# A kill resets both ends at once, without a challenge ACK. Refusals
# change nothing.
#
#   tcpio send (client, h0)   NS_B: sis-stream -C -e ...   tcpio serve (n0)
#   "out": the client's bytes (24-byte header, then its payload), "in": the
#   server's.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/stream_lib.sh"
# shellcheck disable=SC2016 # jq and awk programs
trap 'kill $ST_PID 2>/dev/null; cleanup_bg' EXIT

ORACLE=$(dirname "$0")/stream_oracle.py
PORT=9000
DST=10.0.0.2
KB=1024
MB=$((1 << 20))

st_need "$STREAM" "$TCPIO"

# tcpext NS NAME: the TcpExt counter NAME of namespace NS.
tcpext() {
	ip netns exec "$1" awk -v name="$2" '
		$1 == "TcpExt:" && !n { for (i = 2; i <= NF; i++) k[i] = $i; n = 1; next }
		$1 == "TcpExt:" { for (i = 2; i <= NF; i++) if (k[i] == name) print $i }
		' /proc/net/netstat
}

setup_topology
read -r rmem_max </proc/sys/net/core/rmem_max
[ "$rmem_max" -ge 4194304 ] || echo 4194304 >/proc/sys/net/core/rmem_max
check "attach" sis attach br0 host hp0
check "declare scanner ed" sis scanner add ed bridge br0 user nobody \
	timeout 60000
check "ed: stream capability, read and contain, port $PORT" \
	sis cap add ed tcp stream net-port "$PORT" rights read,contain
check "declare scanner other" sis scanner add other bridge br0 user nobody

# The blocks: 1 KiB either way, 40 KiB (more than any MSS) to the host,
# one for the network only, one of scanner other, and a frame.
head -c "$KB" /dev/urandom >"$TMPD/b1"
head -c $((40 * KB)) /dev/urandom >"$TMPD/b2"
head -c 300 /dev/urandom >"$TMPD/b4"
head -c 500 /dev/urandom >"$TMPD/b5"
printf '%0120x' 0 | xxd -r -p >"$TMPD/frame"
check "ed: stream injection 1 (1 KiB, either way)" \
	sis inject add ed 1 "$TMPD/b1" stream
check "ed: stream injection 2 (40 KiB, to the host)" \
	sis inject add ed 2 "$TMPD/b2" stream dir in
check "ed: stream injection 4 (to the network only)" \
	sis inject add ed 4 "$TMPD/b4" stream dir out
check "ed: frame injection 3" sis inject add ed 3 "$TMPD/frame"
check "other: stream injection 5" sis inject add other 5 "$TMPD/b5" stream
BLOCKS=("1=$TMPD/b1" "2=$TMPD/b2" "4=$TMPD/b4" "5=$TMPD/b5")

check "netem on h0 and n0: 2% loss, 5% reordering, 1% duplication" \
	netem add netem delay 1ms loss 2% duplicate 1% reorder 5%

# edited NAME OUT IN SEED EDIT...: one connection of OUT bytes out and IN
# in, through sis-stream making the EDITs; each end must read what the
# oracle says, and both close normally.
edited() {
	local name=$1 out=$2 in=$3 seed=$4 want_out want_in got_out got_in
	shift 4
	want_out=$(python3 "$ORACLE" "$TCPIO" out "$seed" "$out" "$in" \
		"${BLOCKS[@]}" "$@")
	want_in=$(python3 "$ORACLE" "$TCPIO" in "$seed" "$out" "$in" \
		"${BLOCKS[@]}" "$@")
	local args=()
	for e in "$@"; do
		args+=(-e "$e")
	done
	st_start ed -c tcp -C -q "${args[@]}" || return
	srv_start "$PORT" -t 60 -a
	xfer "$out" "$in" -s "$seed" -t 60 -a
	srv_line
	read -r _ _ _ _ _ got_in <<<"$CL"
	read -r _ _ got_out _ <<<"$SV"
	check_eq "$name: the client closed normally" "$XRC" 0
	check_eq "$name: the server read the client's bytes, edited" \
		"$got_out" "$want_out"
	check_eq "$name: the client read the server's bytes, edited" \
		"$got_in" "$want_in"
	[ "$XRC" = 0 ] || diag "client: $CL; server: $SV"
	srv_stop
	st_stop
	[ -s "$ST_ERR" ] && diag "sis-stream: $(<"$ST_ERR")"
	# The differential: the scanner judged exactly what each end sent,
	# which the receivers read with the edits applied (above).
	judged "$name" out "$(python3 "$ORACLE" "$TCPIO" out "$seed" "$out" \
		"$in")" $((out + 24))
	judged "$name" in "$(python3 "$ORACLE" "$TCPIO" in "$seed" "$out" \
		"$in")" "$in"
}

# judged NAME DIR SHA BYTES: the scanner's hash of direction DIR (its
# "conn" line, at the FIN) is SHA, of BYTES bytes: the bytes the sender
# sent, before the edits.
judged() {
	local line
	line=$(grep -m1 "^conn [0-9]* $2 " "$ST_OUT")
	check_match "$1: the scanner judged the $2 bytes as sent" "$line" \
		" $2 $4 $3 fin"
}

# --- cut ----------------------------------------------------------------------
edited "one cut each way" $MB $MB 1 cut:out:5000:1000 cut:in:70000:12345
cuts=()
for ((k = 0; k < 100; k++)); do
	cuts+=("cut:out:$((100 + k * 5000)):$((1 + k * 37))")
done
edited "100 cuts in one connection" $MB $((256 * KB)) 2 "${cuts[@]}"
check_eq "counted: the bytes of 102 cuts" \
	"$(sis_json '$b.stream_stats.cut_bytes')" \
	$((1000 + 12345 + 100 + 37 * 4950))
edited "a cut at the stream's end" $((64 * KB)) $((64 * KB)) 3 \
	cut:in:$((60 * KB)):$((4 * KB))

# --- inject -------------------------------------------------------------------
edited "injections either way" $MB $MB 4 inject:out:24:1 \
	inject:out:300000:1 inject:in:0:2 inject:in:500000:1
check_eq "counted: 4 injections" "$(sis_json '$b.stream_stats.injects')" 4

# --- replace: inject, then cut from the same offset, in 10 MB ----------------
edited "10 MB: a range replaced by a block" $((64 * KB)) $((10 * MB)) 5 \
	inject:in:3000000:2 cut:in:3000000:5000
# shellcheck disable=SC2016
diag "stream counters: $(sis_json '$b.stream_stats' | tr -d '"')"

# --- IPv6 ---------------------------------------------------------------------
st_ipv6
DST=fd00::2
edited "IPv6: cuts and injections both ways" $MB $MB 6 cut:out:100:2000 \
	inject:out:500000:4 inject:in:1000:2 cut:in:1000:500
DST=10.0.0.2

# --- kill ---------------------------------------------------------------------
check "no netem: the RSTs must not be lost" netem del
challenge_h=$(tcpext "$NS_H" TCPChallengeACK)
challenge_n=$(tcpext "$NS_N" TCPChallengeACK)
kills=$(sis_json '$b.stream_stats.kills')
# Both ways long, the kill early: neither end may have had the other's
# FIN (an RST in CLOSE-WAIT is EPIPE to the application, not ECONNRESET).
st_start ed -c tcp -C -q -e kill:in:100000
ip netns exec "$NS_N" "$TCPIO" serve "$PORT" -t 60 >"$TMPD/srv.out" 2>&1 &
srv=$!
bg_pids+=("$srv")
wait_until "$WAIT_SECS" grep -qx ready "$TMPD/srv.out"
rc=0
ip netns exec "$NS_H" "$TCPIO" send "$DST" "$PORT" $((8 * MB)) $((8 * MB)) -t 60 \
	>"$TMPD/cli.out" 2>&1 || rc=$?
check_eq "kill: the client is reset (tcpio exit 1)" "$rc" 1
check_eq "kill: ... with ECONNRESET" \
	"$(grep -c 'Connection reset by peer' "$TMPD/cli.out")" 1
wait_for "kill: the server is reset too" "$WAIT_SECS" \
	grep -q '^error Connection reset by peer' "$TMPD/srv.out"
check_eq "kill: counted" "$(sis_json '$b.stream_stats.kills')" $((kills + 1))
# It stays for the close timeout (two minutes) to drop what is still on its
# way, but what it held and kept goes at once. (The connections before it,
# closed, stay as long.)
check_eq "kill: what it held and kept let go at once" \
	"$(sis -j conns br0 |
		jq -c 'max_by(.id) | [.out.held, .out.kept, .in.held, .in.kept]')" \
	"[0,0,0,0]"
check "close-timeout 1s" sis set dev br0 close-timeout 1000
check_eq "kill: no challenge ACK from the host" \
	"$(tcpext "$NS_H" TCPChallengeACK)" "$challenge_h"
check_eq "kill: no challenge ACK from the network" \
	"$(tcpext "$NS_N" TCPChallengeACK)" "$challenge_n"
untracked() {
	[ "$(sis_json '$b.stream_stats.conns')" = 0 ]
}
wait_for "kill: nothing of the connection tracked after close-timeout" \
	"$WAIT_SECS" untracked
st_stop
wait "$srv" 2>/dev/null

# --- refusals: refused whole, nothing changed ---------------------------------
# refused NAME RIGHTS WANT EDIT...: sis-stream -k with the EDITs, contain
# rights or not; the kernel refuses its request with WANT (ERRNAME
# MESSAGE), the scanner gives up editing, and both ends read exactly what
# was sent.
refused() {
	local name=$1 contain=$2 want=$3 line='' e args=()
	shift 3
	for e in "$@"; do
		args+=(-e "$e")
	done
	st_start ed -c tcp $contain -k -q "${args[@]}" || return
	srv_start "$PORT" -t 60
	xfer $((64 * KB)) $((64 * KB)) -s 8 -t 60
	srv_line
	intact "$name: both ends read what was sent" $((64 * KB)) $((64 * KB))
	wait_until 10 grep -q '^refused ' "$ST_OUT"
	line=$(grep -m1 '^refused ' "$ST_OUT")
	check_match "$name: refused" "$line" "refused $want"
	srv_stop
	st_stop
}
cut_bytes=$(sis_json '$b.stream_stats.cut_bytes')
check "netem again" \
	netem add netem delay 1ms loss 2% duplicate 1% reorder 5%
for op in cut:cut:in:0:10 inject:inject:in:0:1 more:hold:in:1000000 \
	kill:kill:in:0; do
	refused "read-only: ${op%%:*}" "" \
		"EPERM ${op%%:*} 0: the scanner only reads this direction" \
		"${op#*:}"
done
refused "an injection never registered" -C \
	"ENOENT inject 0: injection 99 is not one of the scanner's" \
	inject:in:0:99
refused "another scanner's injection" -C \
	"ENOENT inject 0: injection 5 is not one of the scanner's" \
	inject:in:0:5
refused "a frame injection" -C \
	"EINVAL inject 0: injection 3 is a frame, not a stream block" \
	inject:in:0:3
refused "an injection of the other direction" -C \
	"EPERM inject 0: injection 4 may not go in this direction" \
	inject:in:0:4
refused "blocks at one offset over 65000 bytes" -C \
	"ENOSPC inject 1: 81920 bytes would be injected at offset 0, over 65000" \
	inject:in:0:2 inject:in:0:2
check_eq "no cut or injection counted for the refusals" \
	"$(sis_json '[$b.stream_stats.cut_bytes, $b.stream_stats.injects]')" \
	"[$cut_bytes,7]"

netem del
tap_done
