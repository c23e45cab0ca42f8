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
#   nfq-snap  nfq-batch copying the first 128 bytes of each packet only
#   sis       attached; a scanner process (sis-null, as nobody) contains
#             TCP and ICMP and passes every frame, each copied whole to it,
#             as NFQUEUE copies them
#   sis-snap  the same, the scanner asking for the first 128 bytes only
#   sis-read  the same with a read-only subscription: copies, no verdicts
# measures iperf3 TCP host->net (3 s) and ping RTT (200 echoes), then
# prints medians and the ratios against plain.
set -euo pipefail
source "$(dirname "$0")/../selftests/lib.sh" >/dev/null
rounds=${SIS_BENCH_ROUNDS:-3}
res=$SIS_OUT/bench.txt
nfq_null=${SIS_NFQ_NULL:-$TOP/build/nfq-null}
nfq_log=$SIS_OUT/nfq-null.log
sis_null=${SIS_NULL:-$TOP/build/sis-null}
sis_log=$SIS_OUT/sis-null.log

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
	exec {nfq_fd}< <(exec ip netns exec "$NS_B" "$nfq_null" "$@" 2>>"$nfq_log")
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

# The SIS null scanner: declared on the attached bridge with a capability
# for TCP and ICMP, run as nobody, every frame contained and passed.
sis_pid=
sis_fd=

sis_start() {
	local line=
	sis attach br0 host hp0
	sis scanner add null bridge br0 user nobody
	sis cap add null tcp-icmp rights read,contain tcp or icmp
	exec {sis_fd}< <(exec ip netns exec "$NS_B" setpriv --reuid=nobody \
		--regid=nogroup --clear-groups "$sis_null" -r "$2" -s "$1" \
		null tcp-icmp 2>>"$sis_log")
	sis_pid=$!
	read -r -u "$sis_fd" line || true
	if [ "$line" != ready ]; then
		echo "bench: sis-null did not start (see $sis_log)" >&2
		return 1
	fi
}

# sis_stop: the scanner must have passed frames, and held none at the end.
sis_stop() {
	local passed
	[ -n "$sis_pid" ] || return 0
	if ! kill -0 "$sis_pid" 2>/dev/null; then
		echo "bench: sis-null died (see $sis_log)" >&2
		sis_pid=
		return 1
	fi
	passed=$(sis -j show scanner null | jq '.[0].stats | .passed + .frames')
	sis -j show scanner null | jq -c '.[0].stats' >>"$sis_log"
	kill -TERM "$sis_pid" 2>/dev/null || true
	wait "$sis_pid" || true
	exec {sis_fd}<&-
	sis_pid=
	echo "sis-null: $passed frames passed" >>"$sis_log"
	if [ "${passed:-0}" = 0 ]; then
		echo "bench: nothing went through the scanner" >&2
		return 1
	fi
}

bench_cleanup() {
	nfq_table=0
	nfq_stop >/dev/null 2>&1 || true
	sis_stop >/dev/null 2>&1 || true
	cleanup_topology
}
trap bench_cleanup EXIT

insmod "$SIS_MODULE"
setup_topology
ip netns exec "$NS_N" iperf3 -s -D -B 10.0.0.2 >/dev/null
sleep 1
: >"$nfq_log"
: >"$sis_log"

configure() {
	nfq_stop
	sis_stop
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
	nfq-snap) nfq_start --batch --copy 128 ;;
	sis) sis_start 0 contain ;;
	sis-snap) sis_start 128 contain ;;
	sis-read) sis_start 128 read ;;
	esac
}

# measure: throughput, RTT (ping's own average, 1 us resolution), and the
# time per exchange of 5000 back-to-back pings (ping -i 0: each echo is
# sent when the previous reply arrives), from ping's total time: 0.2 us
# resolution, and ping's own work is the same in every configuration.
measure() {
	local bps rtt pp
	bps=$(ip netns exec "$NS_H" iperf3 -c 10.0.0.2 -t 3 -J |
		jq '.end.sum_received.bits_per_second')
	rtt=$(ip netns exec "$NS_H" ping -c 200 -i 0.002 -q 10.0.0.2 |
		sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p')
	pp=$(ip netns exec "$NS_H" ping -c 5000 -i 0 -q 10.0.0.2 |
		sed -n 's|.* received, .*time \([0-9]*\)ms.*|\1|p')
	echo "$bps $rtt $(echo "$pp" | awk '{print $1 / 5}')"
}

read -ra configs <<<"${SIS_BENCH_CONFIGS:-plain attached rules16 nfq nfq-batch nfq-snap sis sis-snap sis-read}"
: >"$SIS_OUT/raw.txt"
for r in $(seq "$rounds"); do
	for c in "${configs[@]}"; do
		configure "$c"
		m=$(measure)
		echo "$r $c $m" | tee -a "$SIS_OUT/raw.txt"
	done
done
nfq_stop
sis_stop
sis detach br0 2>/dev/null || true

python3 - "$SIS_OUT/raw.txt" >"$res" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
by = {}
for r, c, bps, rtt, pp in rows:
    by.setdefault(c, []).append((float(bps), float(rtt), float(pp)))
med = {c: tuple(statistics.median(x[i] for x in v) for i in range(3)) for c, v in by.items()}
spread = {c: (max(x[0] for x in v) / min(x[0] for x in v) - 1) * 100 for c, v in by.items()}
base_b, base_t, base_p = med["plain"]
print("%-9s %12s %8s %10s %12s %8s %10s %8s" % ("config", "Gbit/s", "ratio", "spread%", "RTT us", "+RTT us", "pp us", "+pp us"))
for c in ("plain", "attached", "rules16", "nfq", "nfq-batch", "nfq-snap", "sis", "sis-snap", "sis-read"):
    if c not in med:
        continue
    b, t, p = med[c]
    print("%-9s %12.3f %8.4f %10.2f %12.1f %8.1f %10.1f %8.1f" % (c, b / 1e9, b / base_b, spread[c], t * 1000, (t - base_t) * 1000, p, p - base_p))
print("rounds: %d (medians; spread = max/min - 1 over rounds; pp: per exchange of 5000 back-to-back pings)" % len(by["plain"]))
PY
cat "$res"
