#!/usr/bin/env bash
# The demo, inside the guest. Topology: see selftests/lib.sh.
set -euo pipefail
source "$(dirname "$0")/../selftests/lib.sh" >/dev/null
trap cleanup_topology EXIT

say() { printf '\n\033[1m## %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
# Shown as the administrator types it; runs in the appliance namespace.
sisctl() { sis "$@"; }

insmod "$TOP/kernel/sis.ko"
setup_topology
ip netns exec "$NS_N" iperf3 -s -D -B 10.0.0.2 >/dev/null

say "The appliance: br0 joins hp0 (to the protected host) and np0 (to the network)"
run ip -n "$NS_B" -br link show master br0

say "Attach SIS to the bridge"
run sisctl attach br0 host hp0

say "Traffic flows as before: ping and 4 MB of TCP from the host"
run ip netns exec "$NS_H" ping -c 3 -i 0.2 10.0.0.2
ip netns exec "$NS_H" iperf3 -c 10.0.0.2 -n 4M | grep -E 'sender|receiver'

say "Prevent rules: no telnet out, no ICMP from the network to the host"
run sisctl prevent add br0 dir out tcp dst port 23
run sisctl prevent add br0 dir in icmp
run ip netns exec "$NS_N" ping -c 2 -W 1 10.0.0.1 || true
printf '$ telnet 10.0.0.2 (from the host)\n'
tcp_try "$NS_H" 10.0.0.2 23 3 || echo "no answer: the SYNs were dropped"

say "What SIS saw"
run sisctl show
say "The same, as JSON"
run sisctl -p show

say "The Code-Red scanner (paper 5.3): a DNS shadow table, random connections contained"
ip -n "$NS_N" route add local 10.0.1.0/24 dev lo
ip -n "$NS_H" route add 10.0.1.0/24 via 10.0.0.2
printf '10.0.0.2 www.sis.test\n' >/run/sis-demo-hosts
ip netns exec "$NS_N" dnsmasq -k -C /dev/null --no-resolv --no-hosts \
	--addn-hosts=/run/sis-demo-hosts --listen-address=10.0.0.2 --bind-interfaces \
	--local=/sis.test/ --user=root --pid-file= --log-facility=/dev/null &
dnsmasq_pid=$!
printf '$ sis-codered-caps.sh br0 nobody   # its declaration and capabilities\n'
SISCTL="$SISCTL" SISCTL_NETNS="$NS_B" \
	"$TOP/tools/scanners/codered/sis-codered-caps.sh" br0 nobody
ip netns exec "$NS_B" setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$BUILDDIR/sis-codered" >/run/sis-demo-codered.out 2>/dev/null &
codered_pid=$!
sis monitor alerts --count 1 >/run/sis-demo-alerts &
monitor_pid=$!
for _ in $(seq 150); do grep -q ready /run/sis-demo-codered.out && break; sleep 0.2; done
run sisctl show scanner codered
run ip netns exec "$NS_H" dig +short @10.0.0.2 www.sis.test
printf '$ connect to www.sis.test port 5201 (its address was just resolved)\n'
ip netns exec "$NS_H" python3 -c '
import socket
s = socket.socket()
s.settimeout(0.9)	# before the first SYN retransmission
s.connect(("10.0.0.2", 5201))
print("connected: the first SYN passed")
' 2>/dev/null || echo "not connected within 0.9 s"

say "A worm: the host connects to 12 random addresses at once"
ip netns exec "$NS_H" python3 -c '
import socket, time
conns = []
for i in range(12):
    s = socket.socket()
    s.setblocking(False)
    s.connect_ex(("10.0.1.%d" % (i + 1), 80))
    conns.append(s)
time.sleep(8)
' >/dev/null 2>&1 || true
for _ in $(seq 100); do kill -0 "$monitor_pid" 2>/dev/null || break; sleep 0.2; done
kill "$monitor_pid" 2>/dev/null || true
run cat /run/sis-demo-alerts
kill -USR1 "$codered_pid"
sleep 1
printf '$ kill -USR1 $(pidof sis-codered)   # its counters\n'
tail -n 1 /run/sis-demo-codered.out | jq -M '{attack, held_now: .held,
	table: .table.entries, table_bytes: .table.bytes, syn: (.syn |
	{known, random, passed, held, cut}), alerts}'
kill "$codered_pid" "$dnsmasq_pid" 2>/dev/null || true
