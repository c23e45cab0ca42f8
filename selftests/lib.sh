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
SISCTL=${SISCTL:-$TOP/build/sisctl}
SUFFIX=$$-$RANDOM
NS_H=sis-h-$SUFFIX
NS_N=sis-n-$SUFFIX
NS_B=sis-b-$SUFFIX
KSFT_SKIP=4

tap_n=0
tap_failed=0
echo "TAP version 13"

ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $*"
}

not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $*"
}

skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

diag() {
	echo "# $*"
}

# check DESC CMD...: CMD succeeds.
check() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$desc"
	else
		not_ok "$desc"
		diag "command: $*"
		diag "output: $out"
	fi
}

# check_fail DESC MESSAGE CMD...: CMD exits 1 and says MESSAGE on stderr.
check_fail() {
	local desc=$1 msg=$2 out rc=0
	shift 2
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" = 1 ] && [[ "$out" == *"$msg"* ]]; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "command: $*"
		diag "exit $rc, wanted 1 and \"$msg\"; output: $out"
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

tap_done() {
	echo "1..$tap_n"
	[ "$tap_failed" = 0 ]
}

sis() {
	ip netns exec "$NS_B" "$SISCTL" "$@"
}

# JSON field of `sisctl -j show`: sis_json 'expr over b' where b is the
# first bridge object, e.g. sis_json 'b["stats"]["in"]["frames"]'.
sis_json() {
	sis -j show | python3 -c '
import json, sys
d = json.load(sys.stdin)
b = d[0] if d else None
print(eval(sys.argv[1]))' "$1"
}

ns_quiet() {
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
}

mac_of() {
	ip -n "$1" -j link show "$2" | python3 -c \
		'import json,sys; print(json.load(sys.stdin)[0]["address"])'
}

setup_topology() {
	local ns
	for ns in "$NS_H" "$NS_N" "$NS_B"; do
		ip netns add "$ns"
		ns_quiet "$ns"
		ip -n "$ns" link set lo up
	done
	ip -n "$NS_B" link add br0 type bridge stp_state 0 mcast_snooping 0
	ip link add h0 netns "$NS_H" type veth peer name hp0 netns "$NS_B"
	ip link add n0 netns "$NS_N" type veth peer name np0 netns "$NS_B"
	ip -n "$NS_B" link set hp0 master br0
	ip -n "$NS_B" link set np0 master br0
	for dev in br0 hp0 np0; do
		ip -n "$NS_B" link set "$dev" up
	done
	ip -n "$NS_H" addr add 10.0.0.1/24 dev h0
	ip -n "$NS_N" addr add 10.0.0.2/24 dev n0
	ip -n "$NS_H" link set h0 up
	ip -n "$NS_N" link set n0 up
	ip -n "$NS_H" neigh replace 10.0.0.2 lladdr "$(mac_of "$NS_N" n0)" \
		dev h0 nud permanent
	ip -n "$NS_N" neigh replace 10.0.0.1 lladdr "$(mac_of "$NS_H" h0)" \
		dev n0 nud permanent
}

cleanup_topology() {
	local ns
	for ns in "$NS_H" "$NS_N" "$NS_B"; do
		ip netns del "$ns" 2>/dev/null
	done
	return 0
}

# Frames/bytes a veth end has sent: what the bridge port behind it receives.
tx_packets() {
	ip netns exec "$1" cat "/sys/class/net/$2/statistics/tx_packets"
}

tx_bytes() {
	ip netns exec "$1" cat "/sys/class/net/$2/statistics/tx_bytes"
}

# udp_send NS DST PORT COUNT SIZE: COUNT datagrams of SIZE bytes.
udp_send() {
	ip netns exec "$1" python3 - "$2" "$3" "$4" "$5" <<'PY'
import socket, sys, time
dst, port, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(count):
    s.sendto(bytes([i % 256]) * size, (dst, port))
    time.sleep(0.002)
PY
}

# udp_count_bg NS PORT SECONDS FILE: count the datagrams received on PORT
# within SECONDS, in the background, into FILE. Returns once bound.
udp_count_bg() {
	rm -f "$4.ready"
	ip netns exec "$1" python3 - "$2" "$3" "$4.ready" >"$4" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", int(sys.argv[1])))
open(sys.argv[3], "w").close()
s.settimeout(0.2)
n, end = 0, time.time() + float(sys.argv[2])
while time.time() < end:
    try:
        s.recv(65536)
        n += 1
    except socket.timeout:
        pass
print(n)
PY
	local i
	for i in $(seq 200); do
		[ -e "$4.ready" ] && return 0
		sleep 0.05
	done
	return 1
}
