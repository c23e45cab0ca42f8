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
