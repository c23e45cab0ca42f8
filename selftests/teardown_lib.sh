# SPDX-License-Identifier: GPL-2.0
# Helpers of teardown.sh and rmmod.sh: traffic that flows all along, and two
# scanner processes containing it, one holding every ICMP frame it can (up
# to its limit of 1024) and never answering, one passing every TCP frame.
# Sourced after lib.sh.
# traffic: pings both ways and a TCP stream, in the background until
# traffic_stop: 50 pings a second each way and 5 Mbit/s in the check tier
# (frames in flight at every teardown, and CPU left for the tests beside
# this one), 200 and 50 Mbit/s in the soak tier. They are not bounded in
# time: in a loaded guest a process can take seconds to start, and traffic
# must still be flowing when the teardown comes. Not floods: those would
# slow the teardown itself to a crawl in a debug guest.
traffic_pids=()
traffic() {
	local gap=0.02 rate=5M
	if [ "${SIS_TIER:-check}" = soak ]; then
		gap=0.005
		rate=50M
	fi
	ip netns exec "$NS_H" ping -i "$gap" -q -s 1000 10.0.0.2 >/dev/null 2>&1 &
	traffic_pids+=("$!")
	ip netns exec "$NS_N" ping -i "$gap" -q 10.0.0.1 >/dev/null 2>&1 &
	traffic_pids+=("$!")
	ip netns exec "$NS_H" iperf3 -c 10.0.0.2 -b "$rate" -t 3600 >/dev/null 2>&1 &
	traffic_pids+=("$!")
}

# traffic_stop: a stream whose path was cut would hang: kill them all.
traffic_stop() {
	[ ${#traffic_pids[@]} = 0 ] && return 0
	kill -KILL "${traffic_pids[@]}" 2>/dev/null
	wait "${traffic_pids[@]}" 2>/dev/null
	traffic_pids=()
}

SCAN=$BUILDDIR/sis-scan
scan_pids=()

# scanner NAME CAP FILTER VERDICT: declare it and start its process. Its
# error output goes to $TMPD/NAME.err, for diagnostics.
scanner() {
	local fd line
	sis scanner add "$1" bridge br0 user nobody fail open timeout 60000
	sis cap add "$1" "$2" rights read,contain "$3"
	exec {fd}< <(exec ip netns exec "$NS_B" "$SCAN" --uid "$(id -u nobody)" \
		--name "$1" --cap "$2" --rights contain --verdict "$4" \
		2>"$TMPD/$1.err")
	scan_pids+=("$!")
	wait_ready "$fd" "scanner $1" || diag "scanner $1's errors: $(cat "$TMPD/$1.err")"
}

scanners_stop() {
	[ ${#scan_pids[@]} = 0 ] || kill -KILL "${scan_pids[@]}" 2>/dev/null
	scan_pids=()
}

fresh() {
	scanners_stop
	cleanup_topology
	setup_topology
	ip netns exec "$NS_N" iperf3 -s -D -B 10.0.0.2 >/dev/null
	sis attach br0 host hp0
	sis prevent add br0 dir in udp dst port 1 >/dev/null
	sis prevent add br0 'tcp port 2' >/dev/null
	scanner keep icmp icmp hold
	scanner pass tcp tcp pass
}

# check_held: wait (WAIT_SECS at most: a loaded guest is slow) until the
# holding scanner holds frames: the teardown must find some.
held_some() {
	held=$(sis -j show scanner keep | jq '.[0].held')
	[ "${held:-0}" -gt 0 ]
}
check_held() {
	local held
	wait_until "$WAIT_SECS" held_some
	if [ "${held:-0}" -gt 0 ]; then
		ok "frames held at teardown: $held"
	else
		not_ok "frames held at teardown"
		diag "$(sis -j show)"
		diag "keep's errors: $(cat "$TMPD/keep.err")"
	fi
}

