# SPDX-License-Identifier: GPL-2.0
# Shared by the SIS kselftests: TAP output and the test topology.
#
#  netns $NS_H             netns $NS_B (the appliance)              netns $NS_N
#  +-----------+      +----------------------------------+      +-----------+
#  | h0        |------| hp0 ---[ br0 (SIS attached) ]--- np0 |------| n0        |
#  | 10.0.0.1  | veth |  host port              net port  | veth | 10.0.0.2  |
#  +-----------+      +----------------------------------+      +-----------+
#
# IPv6 is off and neighbours are static, so the only frames crossing the
# bridge are the ones a test sends, and counters can be checked exactly.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Where `make userspace` and the check script put the programs.
BUILDDIR=${SIS_BUILD:-$TOP/build}
SISCTL=${SISCTL:-$BUILDDIR/sisctl}
UDPIO=$BUILDDIR/selftests/udpio
TCPIO=$BUILDDIR/selftests/tcpio
SUFFIX=$$-$RANDOM
NS_H=sis-h-$SUFFIX
NS_N=sis-n-$SUFFIX
NS_B=sis-b-$SUFFIX
TMPD=$(mktemp -d)
KSFT_SKIP=4

tap_n=0
tap_failed=0
echo "TAP version 13"

# stamp LINE: when SIS_STAMPS names a file (selftests/run.sh), LINE goes
# there after the seconds since the test began: where a test's time goes.
stamp() {
	[ -z "${SIS_STAMPS:-}" ] || printf '%4d %s\n' "$SECONDS" "$1" >>"$SIS_STAMPS"
}

ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $*"
	stamp "ok $tap_n - $*"
}

not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $*"
	stamp "not ok $tap_n - $*"
}

skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
	stamp "ok $tap_n - $1 # SKIP $2"
}

diag() {
	echo "# $*"
}

# The helpers that run a test's command (check, check_fail, wait_until,
# wait_for) name their locals with a leading underscore: bash scopes
# dynamically, so a local "end" would hide the test's own $end from the
# command it runs (scripts/selftest-lib-check.sh tests this).

# check DESC CMD...: CMD succeeds.
check() {
	local _desc=$1 _out _rc=0
	shift
	_out=$("$@" 2>&1) || _rc=$?
	if [ "$_rc" = 0 ]; then
		ok "$_desc"
	else
		not_ok "$_desc"
		diag "command: $*"
		diag "got exit $_rc, want 0; output: $_out"
	fi
}

# check_fail DESC MESSAGE CMD...: CMD exits 1 and says MESSAGE on stderr.
check_fail() {
	local _desc=$1 _msg=$2 _out _rc=0
	shift 2
	_out=$("$@" 2>&1) || _rc=$?
	if [ "$_rc" = 1 ] && [[ "$_out" == *"$_msg"* ]]; then
		ok "$_desc"
	else
		not_ok "$_desc"
		diag "command: $*"
		diag "exit $_rc, wanted 1 and \"$_msg\"; output: $_out"
	fi
}

# check_eq DESC GOT WANT
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "got '$2', want '$3'"
	fi
}

# check_match DESC STRING PART: STRING contains PART.
check_match() {
	if [[ "$2" == *"$3"* ]]; then
		ok "$1"
	else
		not_ok "$1"
		diag "\"$2\" does not contain \"$3\""
	fi
}

# Waits for an event (a process that says "ready", a counter that reaches
# a value) have generous bounds: they end as soon as the event comes, and a
# machine many times slower than this one (CI's, a laptop, TCG beside other
# guests) must not fail a test for being slow. A wait that gives up says
# what it waited for, for how long, and what it saw last.
WAIT_SECS=${SIS_WAIT_SECS:-300}

# wait_ready FD WHAT [PID]: read FD's lines until one is "ready".
wait_ready() {
	local line= last= start=$SECONDS rc
	while :; do
		read -r -t "$WAIT_SECS" -u "$1" line
		rc=$?
		[ "$rc" = 0 ] || break
		[ "$line" = ready ] && return 0
		last=$line
	done
	if [ "$rc" -gt 128 ]; then
		diag "$2: not ready after $((SECONDS - start)) s (last line: '$last')"
	else
		diag "$2: ended after $((SECONDS - start)) s without saying ready (last line: '$last')"
	fi
	return 1
}

# wait_until SECS CMD...: poll CMD until it succeeds, SECS at most (the
# deadline is on the clock, however long each try takes).
wait_until() {
	local _end=$((SECONDS + $1))
	shift
	while :; do
		"$@" && return 0
		[ "$SECONDS" -lt "$_end" ] || return 1
		nap 0.2
	done
}

# wait_for DESC SECS CMD...: one test: CMD succeeds within SECS.
wait_for() {
	local _desc=$1 _secs=$2 _start=$SECONDS
	shift 2
	if wait_until "$_secs" "$@"; then
		ok "$_desc"
		return 0
	fi
	not_ok "$_desc"
	diag "waited $((SECONDS - _start)) s for: $*"
	return 1
}

tap_done() {
	echo "1..$tap_n"
	[ "$tap_failed" = 0 ]
}

# Every process start costs about half a second in a KASAN + kmemleak guest
# under TCG: helpers below use sisctl -n rather than ip netns exec, bash
# builtins rather than sleep/seq/cat, and one ip call where several would do.
sis() {
	"$SISCTL" -n "$NS_B" "$@"
}

# nap SECS: sleep without starting a process (a read that times out on a
# pipe nobody writes to).
exec {nap_fd}<> <(:)
nap() {
	read -r -t "$1" -u "$nap_fd" _
	return 0
}

# sis_json JQ: a jq filter over `sisctl -j show`, where $b is the first
# bridge, e.g. sis_json '$b.stats.in.frames'. Compact output, raw strings.
sis_json() {
	sis -j show | jq -rc ".[0] as \$b | $1"
}

MAC_H=02:53:49:53:00:01
MAC_N=02:53:49:53:00:02

# ipv6_off_by_default: the kernel was booted with ipv6.disable_ipv6=1 (as
# `make check` boots the test guest), so every new device starts with IPv6
# off, saving a process start per namespace.
ipv6_off_by_default() {
	local off=0
	read -r off </sys/module/ipv6/parameters/disable_ipv6 2>/dev/null
	[ "$off" = 1 ]
}

# The topology is built with a few `ip -batch` runs.
setup_topology() {
	local ns
	ip -batch - <<-EOF
		netns add $NS_H
		netns add $NS_N
		netns add $NS_B
	EOF
	ipv6_off_by_default ||
	for ns in "$NS_H" "$NS_N" "$NS_B"; do
		ip netns exec "$ns" sh -c '
			echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6
			echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6'
	done
	ip -batch - <<-EOF
		link add br0 netns $NS_B type bridge stp_state 0 mcast_snooping 0
		link add h0 netns $NS_H address $MAC_H type veth peer name hp0 netns $NS_B
		link add n0 netns $NS_N address $MAC_N type veth peer name np0 netns $NS_B
	EOF
	ip -n "$NS_B" -batch - <<-EOF
		link set lo up
		link set hp0 master br0
		link set np0 master br0
		link set br0 up
		link set hp0 up
		link set np0 up
	EOF
	end_setup "$NS_H" h0 10.0.0.1 10.0.0.2 "$MAC_N"
	end_setup "$NS_N" n0 10.0.0.2 10.0.0.1 "$MAC_H"
}

# end_setup NS DEV ADDR PEER_ADDR PEER_MAC: one end of the bridge.
end_setup() {
	ip -n "$1" -batch - <<-EOF
		link set lo up
		addr add $3/24 dev $2
		link set $2 up
		neigh replace $4 lladdr $5 dev $2 nud permanent
	EOF
}

cleanup_topology() {
	ip -force -batch - >/dev/null 2>&1 <<-EOF
		netns del $NS_H
		netns del $NS_N
		netns del $NS_B
	EOF
	return 0
}

# cleanup: what every test's EXIT trap runs.
cleanup() {
	cleanup_topology
	rm -rf "$TMPD"
}

# bg_pids: processes a test started in the background, which
# cleanup_bg (the EXIT trap of such a test) kills before cleaning up.
bg_pids=()
cleanup_bg() {
	local p
	for p in "${bg_pids[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	cleanup
}

# tx_stats NS DEV: set TX_PACKETS and TX_BYTES to what DEV (a veth end) has
# sent, which is what the bridge port behind it received.
tx_stats() {
	local line
	line=$(ip -n "$1" -s -o link show dev "$2") || return 1
	line=${line##*TX:}
	line=${line#*\\}
	read -r TX_BYTES TX_PACKETS _ <<<"$line"
}

# udp_send NS DST PORT COUNT SIZE: COUNT datagrams of SIZE bytes.
udp_send() {
	ip netns exec "$1" "$UDPIO" send "$2" "$3" "$4" "$5"
}

# udp_count_bg NS PORT EXPECT: start a receiver counting the datagrams that
# arrive on PORT; returns once it is bound. It stops when EXPECT have come,
# or once udp_count_end was called and nothing arrived for a second (so a
# test that expects drops waits no longer than it must).
udp_fds=()
udp_round=0
udp_count_bg() {
	local fd line= stop=$TMPD/udp-stop.$BASHPID.$udp_round
	exec {fd}< <(exec ip netns exec "$1" "$UDPIO" recv "$2" "$3" "$stop")
	udp_fds+=("$fd")
	wait_ready "$fd" "udpio recv $2"
}

# udp_count_end: the senders are done; UDP_COUNTS gets each receiver's
# count, in the order they were started. (The stop file is named after the
# shell too: a $(...) subshell's udp_round does not come back.)
udp_count_end() {
	local fd n
	: >"$TMPD/udp-stop.$BASHPID.$udp_round"
	udp_round=$((udp_round + 1))
	UDP_COUNTS=()
	for fd in "${udp_fds[@]}"; do
		n=
		read -r -t 150 -u "$fd" n
		UDP_COUNTS+=("${n:-none}")
		exec {fd}<&-
	done
	udp_fds=()
}

# tcp_try NS IP PORT SECS: connect; 0 connected, 1 refused, 124 no answer.
tcp_try() {
	ip netns exec "$1" timeout "$4" bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null
}
