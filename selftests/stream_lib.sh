# SPDX-License-Identifier: GPL-2.0
# Helpers for the stream tests: build/sis-stream, a stream scanner on
# libsis, run as nobody in the bridge's namespace. Sourced after lib.sh.

STREAM=$BUILDDIR/sis-stream
ST_PID=

# st_start NAME ARGS...: sis-stream as nobody in the bridge's namespace,
# attached as scanner NAME, its output (stdout: "ready", then its lines) in
# $ST_OUT; returns once it is subscribed.
st_start() {
	local name=$1 line i
	shift
	ST_OUT=$TMPD/$name.out
	ST_ERR=$TMPD/$name.err
	# Not the "ready" of an earlier run of the same scanner.
	: >"$ST_OUT"
	ip netns exec "$NS_B" setpriv --reuid=nobody --regid=nogroup \
		--clear-groups "$STREAM" -s "$name" "$@" \
		>"$ST_OUT" 2>"$ST_ERR" &
	ST_PID=$!
	if wait_until "$WAIT_SECS" st_ready; then
		return 0
	fi
	diag "sis-stream -s $name $*: not ready ($(<"$ST_ERR"))"
	return 1
}

# st_ready: the scanner said ready, or ended (then wait_until stops).
st_ready() {
	local line=
	read -r line <"$ST_OUT"
	[ "$line" = ready ] && return 0
	kill -0 "$ST_PID" 2>/dev/null || return 0
	return 1
}

# st_stop [SIGNAL]: stop it (default TERM); ST_RC is its exit code.
st_stop() {
	kill "-${1:-TERM}" "$ST_PID" 2>/dev/null
	ST_RC=0
	wait "$ST_PID" || ST_RC=$?
	ST_PID=
}
