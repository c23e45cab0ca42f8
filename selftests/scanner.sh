#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sis-selftest: cost=86
# Scanner processes (paper section 3.2 and 4.2): real unprivileged scanners
# built on libsis (build/sis-scan, run as nobody) see exactly what their
# capabilities and subscriptions allow, contain frames until every one of
# them passes, are refused anything beyond their capability table, and
# inject only registered frames (scanner-release.sh has the rest). Stream
# blocks and max-cuts: registered, shown, and refused where they do not
# belong (netlink.c has the malformed requests).
#
#   NS_H: h0 10.0.0.1 --- hp0 [br0, attached] np0 --- n0 10.0.0.2 :NS_N
#                          NS_B: scanners run here, as nobody
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/scanner_lib.sh"

setup_topology
check "attach" sis attach br0 host hp0

# --- read-only: exactly what the capability and the subscription allow ---
check "declare scanner ro" sis scanner add ro bridge br0 user nobody
check_eq "it may inject 100 frames a second (the default)" \
	"$(scanner_json ro .inject_rate)" 100
check "capability: read icmp" sis cap add ro icmp rights read icmp
scan_start --name ro --dump --cap icmp --filter 'icmp[icmptype] == icmp-echo' \
	--cap icmp --filter udp
ping_h -c 3 -i 0.2 -W 2
check "ping works with a read-only scanner" ping_h -c 1 -W 2
ip netns exec "$NS_H" "$UDPIO" send 10.0.0.2 9999 3 100
wait_json "ro got its 4 frames" ro .stats.frames 4
scan_stop
check_eq "ro saw the 4 echo requests, out, numbered 1-4, none held" \
	"$(awk '{print $1, $2, $6}' <<<"$SCAN_OUT" | tr '\n' ' ')" \
	"1 out  2 out  3 out  4 out  "
check_eq "copies have the frame's length" \
	"$(awk '{print $3 == $4 && $3 == 98}' <<<"$SCAN_OUT" | sort -u)" 1
check_eq "capability counted 4" "$(scanner_json ro '.caps[0].matches')" 4
check_eq "subscriptions ended with the process" \
	"$(scanner_json ro '[.pid, (.subs | length)]')" "[null,0]"

# --- containment: cut every ICMP echo; TCP still flows ---
# absent pass: this part is about verdicts; while a scanner has no process
# (absent.sh), the other parts' traffic goes by.
check "declare scanner cutter" \
	sis scanner add cutter bridge br0 user nobody timeout 5000 absent pass
check "capability: contain icmp" \
	sis cap add cutter icmp rights read,contain icmp
scan_start --name cutter --cap icmp --rights contain --verdict cut
check_fail "ping is cut" "" ping_h -c 2 -i 0.3 -W 1
# Whether a SYN was held shows in the cutter's counters, not in how long
# the answer took: the other lane's 100 MiB transfers can stall this one
# for seconds, so the wait for the reset is generous.
tcp_try "$NS_H" 10.0.0.2 7 30
check_eq "TCP still flows (connection refused by the far end)" "$?" 1
check_eq "cutter saw only the 2 echo requests, and cut them" \
	"$(scanner_json cutter '[.stats.frames, .stats.cut, .held]')" "[2,2,0]"
check_eq "the bridge counts them dropped" \
	"$(sis_json '$b.stats.out.dropped')" 2

# --- two contain scanners: one passes, one cuts: the frame is dropped ---
check "declare scanner passer" \
	sis scanner add passer bridge br0 user nobody absent pass
check "capability: contain icmp" \
	sis cap add passer icmp rights read,contain icmp
cutter_pid=$SCAN_PID cutter_fd=$SCAN_FD
scan_start --name passer --cap icmp --rights contain --verdict pass
check_fail "pass + cut: ping is cut" "" ping_h -c 1 -W 1
check_eq "passer passed it" "$(scanner_json passer .stats.passed)" 1
scan_stop
passer_out=$SCAN_OUT
SCAN_PID=$cutter_pid SCAN_FD=$cutter_fd
scan_stop
check_eq "both exited cleanly" "$SCAN_RC" 0
scan_start --name passer --cap icmp --rights contain --verdict pass
check "passer alone: ping goes through" ping_h -c 2 -i 0.2 -W 2
check_eq "passer passed echo and reply each time" \
	"$(scanner_json passer '[.stats.passed, .stats.frames, .held]')" "[5,5,0]"
scan_stop
: "$passer_out"

# --- refused: anything beyond the capability table ---
check "declare scanner root-only, for root" \
	sis scanner add root-only bridge br0 user root
udp_frame >"$TMPD/frame.bin"
check "register injection 1, inbound only" \
	sis inject add ro 1 "$TMPD/frame.bin" dir in
scan_refused "attach as another user's scanner" "EPERM" --name root-only
scan_refused "attach with a socket root opened" "EPERM" \
	--open-first --name ro
scan_refused "attach as nobody's scanner that does not exist" "ENOENT" \
	--name nosuch
scan_refused "subscribe without attaching" "ENOTCONN" --cap icmp
scan_refused "subscribe outside the capabilities" "ENOENT" \
	--name ro --cap tcp
scan_refused "contain on a read-only capability" "EPERM" \
	--name ro --cap icmp --rights contain
scan_refused "inject an unregistered id" "ENOENT" --name ro --inject 2:in
scan_refused "inject in a direction not registered" "EPERM" \
	--name ro --inject 1:out
scan_start --name ro --cap icmp
scan_refused "a second process as the same scanner" "EBUSY" --name ro
scan_stop

# A verdict on a frame delivered read-only is refused.
scan_start --name ro --cap icmp --verdict-copies cut
ping_h -c 1 -W 2
check "ping still works: a read-only scanner cannot cut" ping_h -c 1 -W 2
scan_stop
check "the verdict was refused: EPERM" grep -q "EPERM" "$SCAN_ERR"
check_eq "ro cut nothing" "$(scanner_json ro .stats.cut)" 0

# --- inject: the registered frame, in the registered direction ---
udp_count_bg "$NS_H" 9999 1
scan_start --name ro --inject 1:in
scan_stop
udp_count_end
check_eq "the host received the injected datagram" "${UDP_COUNTS[0]}" 1
check_eq "injection 1 counted" "$(scanner_json ro '.injects[0].sent')" 1
check_eq "and in the scanner's injects" "$(scanner_json ro .stats.injects)" 1

# Injection is rate-limited per scanner, inject-rate frames a second (the
# second counted from the first injection after the last one ran out):
# of 10 requests, the first 5 go and the sixth is refused (EAGAIN),
# counted; sis-scan stops there. Six requests take far less than the
# second that would let more through, however slow the machine.
check "declare scanner rate, 5 injections a second" \
	sis scanner add rate bridge br0 user nobody inject-rate 5
check "register injection 1 for it" \
	sis inject add rate 1 "$TMPD/frame.bin" dir in
check "show prints the rate" \
	grep -q "inject-rate 5\$" <(sis scanner show rate)
scan_refused "injecting over the rate is refused: EAGAIN" "EAGAIN" \
	--name rate $(printf -- '--inject 1:in %.0s' $(seq 10))
check_eq "5 injected, the sixth refused" \
	"$(scanner_json rate '[.stats.injects, .stats.injects_limited]')" "[5,1]"

# --- stream injections: bytes a scanner may put into a stream it contains ---
printf 'HELO inject\r\n' >"$TMPD/block.bin"
check "register stream block 5, outbound" \
	sis inject add ro 5 "$TMPD/block.bin" stream dir out
out=$(sis scanner show ro)
check_match "show: a stream block, with its kind and length" "$out" \
	"$(printf '\tinject 5 stream dir out len 13 sent 0\n')"
check_match "show: a frame's line as before" "$out" \
	"$(printf '\tinject 1 dir in len ')"
check_eq "JSON: each injection's kind" \
	"$(scanner_json ro '[.injects[] | [.id, .kind]]')" '[[1,"frame"],[5,"stream"]]'
check_eq "JSON: the block's direction and length" \
	"$(scanner_json ro '.injects[] | select(.id == 5) | [.dir, .len, .sent]')" \
	'["out",13,0]'
head -c 65000 /dev/urandom >"$TMPD/max.bin"
check "a block of 65000 bytes, the most, is registered" \
	sis inject add ro 6 "$TMPD/max.bin" stream
check_eq "and shown with its length" \
	"$(scanner_json ro '.injects[] | select(.id == 6) | [.kind, .len, .dir]')" \
	'["stream",65000,"any"]'
head -c 65001 /dev/zero >"$TMPD/over.bin"
check_fail "a block of 65001 bytes is refused" \
	"holds 65001 bytes; a stream injection is 1 to 65000 bytes" \
	sis inject add ro 7 "$TMPD/over.bin" stream
: >"$TMPD/empty.bin"
check_fail "an empty block is refused" \
	"is empty; a stream injection is 1 to 65000 bytes" \
	sis inject add ro 7 "$TMPD/empty.bin" stream
check_fail "frame and stream at once are refused" \
	'give "frame" or "stream", not both' \
	sis inject add ro 7 "$TMPD/frame.bin" frame stream
check "frame, said, is a frame" sis inject add ro 8 "$TMPD/frame.bin" frame
check_eq "the refused ones were not registered" \
	"$(scanner_json ro '[.injects[] | [.id, .kind]]')" \
	'[[1,"frame"],[5,"stream"],[6,"stream"],[8,"frame"]]'
scan_refused "a scanner cannot send a stream block as a frame: EINVAL" \
	"EINVAL" --name ro --inject 5:out
check_eq "nothing sent" "$(scanner_json ro '.injects[] | select(.id == 5) | .sent')" 0
check "delete stream block 6" sis inject del ro 6
check_eq "it is gone" "$(scanner_json ro '[.injects[].id]')" '[1,5,8]'

# --- max-cuts: a bound on the cuts of a stream capability that contains ---
check "declare scanner bounds" \
	sis scanner add bounds bridge br0 user nobody absent pass
check "a contained stream capability, at most 3 cuts a connection" \
	sis cap add bounds smtp stream net-port 2525 max-cuts 3 rights read,contain
check_match "show: its max-cuts" "$(sis scanner show bounds)" \
	"net-port 2525 midstream drop max-cuts 3 dir any rights read,contain"
check_eq "JSON: max_cuts" "$(scanner_json bounds '.caps[0].max_cuts')" 3
check "one without a bound" \
	sis cap add bounds pop stream net-port 1110 rights read,contain
check_eq "JSON: no max_cuts when not set" \
	"$(scanner_json bounds '.caps[1] | has("max_cuts")')" false
check_fail "max-cuts on a frames capability is refused" \
	'"max-cuts" is for stream capabilities' \
	sis cap add bounds f max-cuts 3 rights read,contain icmp
check_fail "max-cuts on a read-only stream capability is refused" \
	'"max-cuts" needs "rights read,contain"' \
	sis cap add bounds r stream max-cuts 3 rights read
check_eq "neither was added" "$(scanner_json bounds '[.caps[].name]')" \
	'["smtp","pop"]'
check "delete scanner bounds" sis scanner del bounds

tap_done
