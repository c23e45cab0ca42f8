#!/usr/bin/env bash
# Runs in the benchmark guest. Topology as in selftests/lib.sh: host netns
# -- veth -- [bridge, SIS attached or not] -- veth -- network netns.
# For each round, each configuration in turn:
#   plain    the bridge, sis.ko not attached
#   attached the bridge attached, no rule
#   rules16  attached with 16 prevent rules that match nothing
# measures iperf3 TCP host->net (3 s) and ping RTT (200 echoes), then
# prints medians and the ratios against plain.
set -euo pipefail
source "$(dirname "$0")/../selftests/lib.sh" >/dev/null
trap cleanup_topology EXIT
rounds=${SIS_BENCH_ROUNDS:-3}
res=$SIS_OUT/bench.txt

insmod "$SIS_MODULE"
setup_topology
ip netns exec "$NS_N" iperf3 -s -D -B 10.0.0.2 >/dev/null
sleep 1

configure() {
	sis detach br0 2>/dev/null || true
	case $1 in
	plain) ;;
	attached) sis attach br0 host hp0 ;;
	rules16)
		sis attach br0 host hp0
		for i in $(seq 8); do
			sis prevent add br0 tcp port $((6000 + i)) >/dev/null
			sis prevent add br0 dir in udp dst port $((7000 + i)) >/dev/null
		done
		;;
	esac
}

measure() {
	local bps rtt
	bps=$(ip netns exec "$NS_H" iperf3 -c 10.0.0.2 -t 3 -J |
		jq '.end.sum_received.bits_per_second')
	rtt=$(ip netns exec "$NS_H" ping -c 200 -i 0.002 -q 10.0.0.2 |
		sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p')
	echo "$bps $rtt"
}

configs=(plain attached rules16)
: >"$SIS_OUT/raw.txt"
for r in $(seq "$rounds"); do
	for c in "${configs[@]}"; do
		configure "$c"
		m=$(measure)
		echo "$r $c $m" | tee -a "$SIS_OUT/raw.txt"
	done
done
sis detach br0 2>/dev/null || true

python3 - "$SIS_OUT/raw.txt" >"$res" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
by = {}
for r, c, bps, rtt in rows:
    by.setdefault(c, []).append((float(bps), float(rtt)))
med = {c: (statistics.median(b for b, _ in v), statistics.median(t for _, t in v)) for c, v in by.items()}
spread = {c: (max(b for b, _ in v) / min(b for b, _ in v) - 1) * 100 for c, v in by.items()}
base_b, base_t = med["plain"]
print("%-9s %12s %8s %10s %12s %8s" % ("config", "Gbit/s", "ratio", "spread%", "RTT us", "+RTT us"))
for c in ("plain", "attached", "rules16"):
    b, t = med[c]
    print("%-9s %12.3f %8.4f %10.2f %12.1f %8.1f" % (c, b / 1e9, b / base_b, spread[c], t * 1000, (t - base_t) * 1000))
print("rounds: %d (medians; spread = max/min - 1 over rounds)" % len(by["plain"]))
PY
cat "$res"
