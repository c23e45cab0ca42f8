#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sis-selftest: cost=51
# Scanner processes, continued: a scanner that dies, times out or is
# deleted while it holds frames releases them by its fail policy; alerts
# reach the administrator's monitor (and its pcap file), never an
# unprivileged listener, within the rate limit; deleting a capability ends
# the subscriptions made under it.
#
#   NS_H: h0 10.0.0.1 --- hp0 [br0, attached] np0 --- n0 10.0.0.2 :NS_N
#                          NS_B: scanners run here, as nobody
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/scanner_lib.sh"

setup_topology
check "attach" sis attach br0 host hp0
# absent pass: while passer has no process, the holder's tests' traffic
# goes by (absent.sh tests absence).
check "declare scanner passer" \
	sis scanner add passer bridge br0 user nobody absent pass
check "capability: contain icmp" \
	sis cap add passer icmp rights read,contain icmp

# --- a scanner dies holding frames: its fail policy, at once ---
check "declare scanner holder, fail open, 60 s timeout" \
	sis scanner add holder bridge br0 user nobody fail open timeout 60000
check "capability: contain icmp" \
	sis cap add holder icmp rights read,contain icmp
scan_start --name holder --cap icmp --rights contain --verdict hold
ping_h -c 1 -W 20 &
ping_pid=$!
wait_json "holder holds the echo request" holder .held 1
start=$SECONDS
scan_stop KILL
wait "$ping_pid"
check_eq "killed, fail open: the held echo went on and ping got its reply" \
	"$?" 0
check_eq "well before the verdict timeout" "$(((SECONDS - start) < 15))" 1
check_eq "counted released" "$(scanner_json holder .stats.released)" 1

check "holder fails closed now" sis scanner del holder
check "declare holder again, fail closed" \
	sis scanner add holder bridge br0 user nobody fail closed timeout 60000
check "capability: contain icmp" \
	sis cap add holder icmp rights read,contain icmp
scan_start --name holder --cap icmp --rights contain --verdict hold
ping_h -c 1 -W 4 &
ping_pid=$!
wait_json "holder holds the echo request" holder .held 1
scan_stop KILL
wait "$ping_pid"
check_eq "killed, fail closed: the echo request was dropped" "$?" 1

# The verdict timeout, fail open: the frame goes on after the timeout.
check "holder times out after 300 ms, fail open" sis scanner del holder
check "declare holder, 300 ms" \
	sis scanner add holder bridge br0 user nobody fail open timeout 300
check "capability: contain icmp" \
	sis cap add holder icmp rights read,contain icmp
scan_start --name holder --cap icmp --rights contain --verdict hold
check "ping passes after the timeouts" ping_h -c 1 -W 5
check_eq "two timeouts (request and reply)" \
	"$(scanner_json holder '[.stats.timeouts, .held]')" "[2,0]"

# Deleting the scanner tells its process, which exits.
check "delete holder while attached" sis scanner del holder
SCAN_OUT=$(cat <&"$SCAN_FD")
exec {SCAN_FD}<&-
wait "$SCAN_PID"
check_eq "the process was told and exited 0" "$? $SCAN_OUT" "0 detached"
SCAN_PID=

# --- alerts: to the administrator's monitor, never to an unprivileged one ---
exec {mon_fd}< <(exec "$SISCTL" -n "$NS_B" monitor alerts -j --count 2 \
	--pcap "$TMPD/alerts.pcap" 2>"$TMPD/monitor.err")
mon_pid=$!
nap 1
check_fail "nobody cannot join the alerts group" "Operation not permitted" \
	ip netns exec "$NS_B" setpriv --reuid=nobody --regid=nogroup \
	--clear-groups --inh-caps=-all "$SISCTL" monitor alerts --count 1
scan_start --name passer --alert "port scan from 10.0.0.9" \
	--cap icmp --rights contain --alert-frame "suspicious echo"
ping_h -c 1 -W 2
read -r -t 30 -u "$mon_fd" a1
read -r -t 30 -u "$mon_fd" a2
scan_stop
wait "$mon_pid"
check_eq "first alert: scanner and message" \
	"$(jq -rc '[.scanner, .bridge, .message, .frame]' <<<"$a1")" \
	'["passer","br0","port scan from 10.0.0.9",null]'
check_eq "second alert carries the held echo request" \
	"$(jq -rc '[.message, .frame, .dir, .len]' <<<"$a2")" \
	'["suspicious echo",1,"out",98]'
check_eq "the pcap file holds the frame" \
	"$(tcpdump -nr "$TMPD/alerts.pcap" 2>/dev/null | grep -c 'ICMP echo request')" 1
check_eq "alerts counted: one, and one per held frame (request, reply)" \
	"$(scanner_json passer .stats.alerts)" 3

# Over the rate, alerts are dropped and counted.
scan_start --name passer --alert a --alert a --alert a --alert a --alert a \
	--alert a --alert a --alert a --alert a --alert a --alert a --alert a
scan_stop
check_eq "10 per second pass, the rest are counted dropped" \
	"$(scanner_json passer '[.stats.alerts, .stats.alerts_dropped]')" "[13,2]"

# --- deleting a capability ends the subscriptions made under it ---
scan_start --name passer --cap icmp --rights contain
check_eq "one subscription" "$(scanner_json passer '.subs | length')" 1
check "delete the capability" sis cap del passer icmp
check_eq "no subscription left" "$(scanner_json passer '.subs | length')" 0
check "ping goes through" ping_h -c 1 -W 2
scan_stop

tap_done
