# SPDX-License-Identifier: GPL-2.0
# Helpers for the scanner tests: real scanner processes (build/sis-scan, a
# libsis program) run as nobody in the bridge's namespace. Sourced after
# lib.sh.

SCAN=$BUILDDIR/sis-scan
NOBODY=$(id -u nobody)

scan_n=0
scan_cleanup() {
	[ -z "${SCAN_PID:-}" ] || kill -KILL "$SCAN_PID" 2>/dev/null
	cleanup
}
trap scan_cleanup EXIT

# scan_start ARGS...: start sis-scan as nobody in the bridge's namespace
# and wait until it says "ready" (attached, subscribed). SCAN_PID, SCAN_FD
# and SCAN_ERR name it.
scan_start() {
	local line
	scan_n=$((scan_n + 1))
	SCAN_ERR=$TMPD/scan.$scan_n.err
	exec {SCAN_FD}< <(exec ip netns exec "$NS_B" "$SCAN" --uid "$NOBODY" \
		"$@" 2>"$SCAN_ERR")
	SCAN_PID=$!
	wait_ready "$SCAN_FD" "sis-scan $*" && return 0
	diag "sis-scan's errors: $(cat "$SCAN_ERR")"
	return 1
}

# scan_stop [SIGNAL]: stop it (default TERM); SCAN_OUT gets the frame lines
# it printed, SCAN_RC its exit code.
scan_stop() {
	kill "-${1:-TERM}" "$SCAN_PID" 2>/dev/null
	SCAN_OUT=$(cat <&"$SCAN_FD")
	exec {SCAN_FD}<&-
	SCAN_RC=0
	wait "$SCAN_PID" || SCAN_RC=$?
	SCAN_PID=
}

# scan_refused DESC MESSAGE ARGS...: sis-scan must fail with MESSAGE.
scan_refused() {
	local desc=$1 msg=$2 out rc=0
	shift 2
	out=$(ip netns exec "$NS_B" "$SCAN" --uid "$NOBODY" "$@" --count 0 \
		2>&1 >/dev/null) || rc=$?
	if [ "$rc" = 1 ] && [[ "$out" == *"$msg"* ]]; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "exit $rc, wanted 1 and \"$msg\"; stderr: $out"
	fi
}

# scanner_json NAME JQ: JQ applied to scanner NAME's object of `show -j`.
scanner_json() {
	sis -j show scanner "$1" | jq -rc ".[0] | $2"
}

# wait_json DESC NAME JQ WANT: poll (WAIT_SECS at most) until JQ says WANT.
wait_json() {
	local v end=$((SECONDS + WAIT_SECS))
	while :; do
		v=$(scanner_json "$2" "$3")
		[ "$v" = "$4" ] || [ "$SECONDS" -ge "$end" ] && break
		nap 0.2
	done
	check_eq "$1" "$v" "$4"
}

ping_h() {
	ip netns exec "$NS_H" ping -q -n "$@" 10.0.0.2 >/dev/null 2>&1
}


# udp_frame: a whole Ethernet frame on stdout, a UDP datagram
# 10.0.0.2:5555 -> 10.0.0.1:9999, "hi", from n0 to h0 (padded to 60 bytes).
udp_frame() {
	printf '%b' \
		'\x02\x53\x49\x53\x00\x01\x02\x53\x49\x53\x00\x02\x08\x00' \
		'\x45\x00\x00\x1e\x00\x00\x40\x00\x40\x11\x26\xcd' \
		'\x0a\x00\x00\x02\x0a\x00\x00\x01' \
		'\x15\xb3\x27\x0f\x00\x0a\x00\x00hi' \
		'\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'
}
