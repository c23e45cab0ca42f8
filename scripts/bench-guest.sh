#!/usr/bin/env bash
# Runs in the benchmark guest. Topology as in selftests/lib.sh: host netns
# -- veth -- [bridge, SIS attached or not] -- veth -- network netns.
# For each round, each configuration in turn:
#   plain     the bridge, sis.ko not attached
#   attached  the bridge attached, no rule
#   rules16   attached with 16 prevent rules that match nothing
#   nfq       not attached; an nftables bridge forward rule queues TCP and
#             ICMP to NFQUEUE 0, where nfq-null --per-packet accepts each
#             packet with its own verdict
#   nfq-batch the same with nfq-null --batch (one verdict per socket drain)
# measures iperf3 TCP host->net (3 s) and ping RTT (200 echoes), then
# prints medians and the ratios against plain.
set -euo pipefail
source "$(dirname "$0")/../selftests/lib.sh" >/dev/null
rounds=${SIS_BENCH_ROUNDS:-3}
res=$SIS_OUT/bench.txt
nfq_null=${SIS_NFQ_NULL:-$TOP/build/nfq-null}
nfq_log=$SIS_OUT/nfq-null.log

# The NFQUEUE baseline: the table `bridge nfq` and one nfq-null process.
# The rule has no bypass, so without a listener on queue 0 the queued
# packets would be dropped: the listener binds first and goes last.
#
# No wait in this guest has a time limit of its own: with -icount
# sleep=off, virtual time jumps to the next timer whenever the guest waits
# for the host (its root file system is 9p), so such a limit can expire
# before the process it guards was even loaded. The waits below end when
# the process they wait for speaks or exits; vm.sh's wall-clock timeout
# bounds the whole run.
nfq_pid=
nfq_fd=
nfq_table=0

nfq_start() {
	local line=
	exec {nfq_fd}< <(exec ip netns exec "$NS_B" "$nfq_null" "$1" 2>>"$nfq_log")
	nfq_pid=$!
	read -r -u "$nfq_fd" line || true
	if [ "$line" != ready ]; then
		echo "bench: nfq-null $1 did not start (see $nfq_log)" >&2
		return 1
	fi
	nfq_table=1
	ip netns exec "$NS_B" nft -f - <<-EOF
		table bridge nfq {
			chain forward {
				type filter hook forward priority 0; policy accept;
				meta l4proto { tcp, icmp } queue num 0
			}
		}
	EOF
}

# nfq_stop: delete the table, then stop nfq-null and wait for it. Fails
# if it did not exit 0, queued nothing or left a rule behind.
nfq_stop() {
	local rc=0 last=
	if [ "$nfq_table" = 1 ]; then
		ip netns exec "$NS_B" nft delete table bridge nfq
		nfq_table=0
	fi
	[ -n "$nfq_pid" ] || return 0
	kill -TERM "$nfq_pid" 2>/dev/null || true
	wait "$nfq_pid" || rc=$?
	exec {nfq_fd}<&-
	nfq_pid=
	if [ "$rc" != 0 ]; then
		echo "bench: nfq-null exited $rc (see $nfq_log)" >&2
		return 1
	fi
	last=$(tail -n 1 "$nfq_log")
	if [[ "$last" != *packets* ]] || [[ "$last" == *": 0 packets"* ]]; then
		echo "bench: nothing went through the queue: $last" >&2
		return 1
	fi
	if [ -n "$(ip netns exec "$NS_B" nft list tables)" ]; then
		echo "bench: nftables rules left in $NS_B" >&2
		return 1
	fi
}

bench_cleanup() {
	nfq_table=0
	nfq_stop >/dev/null 2>&1 || true
	cleanup_topology
}
trap bench_cleanup EXIT

insmod "$SIS_MODULE"
setup_topology
ip netns exec "$NS_N" iperf3 -s -D -B 10.0.0.2 >/dev/null
sleep 1
: >"$nfq_log"

configure() {
	nfq_stop
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
	nfq) nfq_start --per-packet ;;
	nfq-batch) nfq_start --batch ;;
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

configs=(plain attached rules16 nfq nfq-batch)
: >"$SIS_OUT/raw.txt"
for r in $(seq "$rounds"); do
	for c in "${configs[@]}"; do
		configure "$c"
		m=$(measure)
		echo "$r $c $m" | tee -a "$SIS_OUT/raw.txt"
	done
done
nfq_stop
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
for c in ("plain", "attached", "rules16", "nfq", "nfq-batch"):
    b, t = med[c]
    print("%-9s %12.3f %8.4f %10.2f %12.1f %8.1f" % (c, b / 1e9, b / base_b, spread[c], t * 1000, (t - base_t) * 1000))
print("rounds: %d (medians; spread = max/min - 1 over rounds)" % len(by["plain"]))
PY
cat "$res"
