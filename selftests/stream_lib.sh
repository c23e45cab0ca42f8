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

# st_ipv6: IPv6 on the ends, fd00::1 (h0) and fd00::2 (n0), each
# knowing the other's address without neighbour discovery.
st_ipv6() {
	ip netns exec "$NS_H" sysctl -qw net.ipv6.conf.h0.disable_ipv6=0
	ip netns exec "$NS_N" sysctl -qw net.ipv6.conf.n0.disable_ipv6=0
	ip -n "$NS_H" addr add fd00::1/64 dev h0 nodad
	ip -n "$NS_N" addr add fd00::2/64 dev n0 nodad
	ip -n "$NS_H" neigh replace fd00::2 lladdr "$MAC_N" dev h0 \
		nud permanent
	ip -n "$NS_N" neigh replace fd00::1 lladdr "$MAC_H" dev n0 \
		nud permanent
}

# st_stop [SIGNAL]: stop it (default TERM); ST_RC is its exit code.
st_stop() {
	kill "-${1:-TERM}" "$ST_PID" 2>/dev/null
	ST_RC=0
	wait "$ST_PID" || ST_RC=$?
	ST_PID=
}

# srv_start PORT [ARGS...]: tcpio serve in NS_N; its lines come on SRV_FD.
srv_start() {
	local line=
	SRV_PORT=$1
	exec {SRV_FD}< <(exec ip netns exec "$NS_N" "$TCPIO" serve "$@")
	SRV_PID=$!
	bg_pids+=("$SRV_PID")
	wait_ready "$SRV_FD" "tcpio serve $*"
}

srv_stop() {
	kill -KILL "$SRV_PID" 2>/dev/null
	wait "$SRV_PID" 2>/dev/null
	exec {SRV_FD}<&-
}

# srv_line: SV gets the server's next line (a connection's result).
srv_line() {
	SV=
	read -r -t "${1:-120}" -u "$SRV_FD" SV
}

# xfer OUT IN [ARGS...]: one tcpio transfer from the host to the server;
# CL and XRC get the client's line and exit code (srv_line the server's).
xfer() {
	XRC=0
	CL=$(ip netns exec "$NS_H" "$TCPIO" send "$DST" "$SRV_PORT" "$@") ||
		XRC=$?
}

# intact DESC OUT IN: the last transfer completed, with the sizes asked,
# and each end received exactly what the other sent. Sets C_OUT and C_IN,
# "BYTES SHA256" of the client's and of the server's stream.
intact() {
	local cs csh cr crh sr srh ss ssh
	read -r _ cs csh _ cr crh <<<"$CL"
	read -r _ sr srh _ ss ssh <<<"$SV"
	C_OUT="$cs $csh" C_IN="$ss $ssh"
	check_eq "$1" "$XRC $cs $csh $cr $crh | $cs $cr" \
		"0 $sr $srh $ss $ssh | $((24 + $2)) $3"
	[ "$XRC" = 0 ] || diag "client: $CL; server: $SV"
}

# netem add|del [ARGS...]: a netem qdisc on the ends' devices (h0, n0),
# and on those of $NETEM_MORE ("NS:DEV ...") too.
netem() {
	local _ns
	for _ns in "$NS_H:h0" "$NS_N:n0" ${NETEM_MORE:-}; do
		tc -n "${_ns%:*}" qdisc "$1" dev "${_ns#*:}" root "${@:2}"
	done
}

# st_need PROG...: each is built, or the test ends, failed.
st_need() {
	local _prog
	for _prog; do
		if [ ! -x "$_prog" ]; then
			not_ok "$_prog is built"
			tap_done
			exit 1
		fi
	done
}
