#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sis-selftest: cost=61
# A scanner with no process attached (before the first attaches, while it
# restarts, after it died) leaves what it would contain blocked when it
# fails closed ("absent drop", the default then), and lets it go when told
# "absent pass" or when it fails open. Frames (ICMP) and streams (TCP:
# new connections, and the segments of one whose scanner died; an RST
# still goes by). Each drop is counted.
#
#   NS_H: h0 10.0.0.1 --- hp0 [br0, attached] np0 --- n0 10.0.0.2 :NS_N
#                          NS_B: scanners run here, as nobody
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/scanner_lib.sh"

STREAM=$BUILDDIR/sis-stream
PORT=5001

setup_topology
check "attach" sis attach br0 host hp0

# --- frames --------------------------------------------------------------
check "declare scanner fc, failing closed (absent drop by default)" \
	sis scanner add fc bridge br0 user nobody timeout 60000
check "capability: contain icmp" sis cap add fc icmp rights read,contain icmp
check_eq "shown as absent drop" "$(scanner_json fc .absent)" drop
check_fail "no process yet: ping is dropped" "" ping_h -c 2 -i 0.2 -W 1
dropped=$(scanner_json fc .stats.absent_dropped)
check_eq "counted" "$((dropped >= 2))" 1
scan_start --name fc --cap icmp --rights contain --verdict pass
check "a process attached: ping passes" ping_h -c 2 -i 0.2 -W 5
scan_stop KILL
check_fail "the process died: ping is dropped again" "" \
	ping_h -c 2 -i 0.2 -W 1
check_eq "counted" \
	"$(( $(scanner_json fc .stats.absent_dropped) >= dropped + 2 ))" 1
scan_start --name fc --cap icmp --rights contain --verdict pass
check "restarted: ping passes" ping_h -c 2 -i 0.2 -W 5
scan_stop TERM
check "a read-only capability holds nothing back" \
	sis cap del fc icmp
check "capability: read icmp" sis cap add fc icmp rights read icmp
check "no process, read-only: ping passes" ping_h -c 2 -i 0.2 -W 5
check "scanner fc deleted" sis scanner del fc

check "declare scanner fca, failing closed, absent pass" \
	sis scanner add fca bridge br0 user nobody absent pass
check "capability: contain icmp" sis cap add fca icmp rights read,contain icmp
check "absent pass: ping passes" ping_h -c 2 -i 0.2 -W 5
check "scanner fca deleted" sis scanner del fca

check "declare scanner fo, failing open (absent pass by default)" \
	sis scanner add fo bridge br0 user nobody fail open
check "capability: contain icmp" sis cap add fo icmp rights read,contain icmp
check_eq "shown as absent pass" "$(scanner_json fo .absent)" pass
check "fail open: ping passes with no process" ping_h -c 2 -i 0.2 -W 5
check "scanner fo deleted" sis scanner del fo

check_fail "absent takes drop or pass" 'invalid absent policy "off"' \
	sis scanner add bad bridge br0 user nobody absent off

# --- streams ---------------------------------------------------------------
check "declare scanner st, failing closed" \
	sis scanner add st bridge br0 user nobody timeout 60000
check "capability: contain streams to port $PORT" \
	sis cap add st web stream net-port "$PORT" rights read,contain

ip netns exec "$NS_N" "$TCPIO" serve "$PORT" -n 2 -t 60 >"$TMPD/srv.out" \
	2>&1 &
srv=$!
wait_until "$WAIT_SECS" grep -qx ready "$TMPD/srv.out"
# connects: "open" if a connection to the server opens within 3 s.
connects() {
	tcp_try "$NS_H" 10.0.0.2 "$PORT" 3 && echo open || echo blocked
}
check_eq "no process: a connection cannot open" "$(connects)" blocked

# A process: the connection opens; it dies in the middle of a transfer
# that it holds back: the connection is killed, an RST to each end with
# the sequence number it takes, and the rest is dropped.
ip netns exec "$NS_B" setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$STREAM" -s st -c web -C -m never >"$TMPD/st.out" 2>"$TMPD/st.err" &
st=$!
wait_until "$WAIT_SECS" grep -qx ready "$TMPD/st.out"
# -t 60: held back, the client makes no progress from the start; the RST
# must reach it within a minute of that, even on a loaded machine.
ip netns exec "$NS_H" "$TCPIO" send 10.0.0.2 "$PORT" 1M 1M -t 60 \
	>"$TMPD/cli.out" 2>&1 &
cli=$!
opened() {
	[ "$(sis_json '$b.stream_stats.conns_total')" -ge 1 ]
}
wait_for "with a process: the connection opens" "$WAIT_SECS" opened
before=$(scanner_json st .stats.absent_dropped)
killed=$(sis_json '$b.stream_stats.killed')
kill -KILL "$st"
wait "$st"
rc=0
wait "$cli" || rc=$?
check_eq "its scanner died: the client is reset (tcpio exit 1)" "$rc" 1
check_eq "... with ECONNRESET" \
	"$(grep -c 'Connection reset by peer' "$TMPD/cli.out")" 1
wait_for "the server is reset too" "$WAIT_SECS" \
	grep -q '^error Connection reset by peer' "$TMPD/srv.out"
check_eq "the connection counted as killed" \
	"$(sis_json '$b.stream_stats.killed')" "$((killed + 1))"
check_eq "one RST each way took (no second needed)" \
	"$(sis_json '$b.stream_stats.resets_sent')" 2
check_eq "what followed was dropped, counted" \
	"$(( $(scanner_json st .stats.absent_dropped) >= before ))" 1
check "scanner st deleted" sis scanner del st
check_eq "with no scanner left, a connection opens" "$(connects)" open
kill "$srv" 2>/dev/null
wait "$srv" 2>/dev/null

tap_done
