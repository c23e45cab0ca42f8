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
#   stream-read  attached; a stream scanner (sis-stream -m null, as nobody)
#             reads both byte streams of every TCP connection to port 5201
#             (iperf3), reconstructed by the kernel: reconstruction only
#   stream-pass  the same with read,contain: every byte held until the
#             scanner passes it
#   stream-edit  stream-pass with edits: at 1 MB into each connection the
#             scanner injects a 1 KiB block and cuts 1000 bytes, so every
#             later segment of the upload is renumbered on its way, and
#             every ACK back (iperf3's control connection never gets that
#             far)
#             Both stream scanners run at nice -10 (SIS_STREAM_NICE): here
#             they share one CPU with both iperf3 ends (on a SIS box those
#             are other machines), and a read-only scanner, which never
#             slows the sender, would otherwise fall more than conn-bytes
#             behind and give up (overlimit): reconstruction would stop.
#             Rounds where a scanner gave up are reported.
#             SIS_STREAM_LIMITS (e.g. "conn-bytes 64m") is given to
#             `sisctl set dev br0` before the stream scanner starts.
# SIS_BENCH_PERF=1 profiles each iperf3 run (perf record -a: with -icount
# its cpu-clock samples count instructions) into perf-ROUND-CONFIG.txt;
# the sampling costs some throughput, so such a run is for profiles only.
# measures iperf3 TCP host->net (3 s), the RTT of 200 echoes 2 ms apart
# (build/rtt) and the time per exchange of 5000 back-to-back pings, then
# prints medians and the ratios against plain.
#
# Then a SYN flood (SIS_BENCH_SYNFLOOD=0 skips it): the setup time of a real
# connection (100 TCP connects from the network side to the host's port 80,
# 1 ms apart, timed by cr-latency tcp to the SYN-ACK) while hping3 sends
# spoofed SYNs from random sources to the same port, one every 100 us
# (10,000 a second), which the host answers through the bridge; without
# SIS (plain) and with a containing stream scanner covering the port
# (stream: sis-stream -m null), each without and with the flood.
#
# Then custody (SIS_BENCH_CUSTODY=0 skips it): uploads of
# SIS_BENCH_CUSTODY_MB MiB (default 8) from the host, between tcpio ends
# (build/tcpio -N: they count bytes, but neither generate nor hash each),
# through a containing stream scanner (sis-stream -C -m null, at
# SIS_STREAM_NICE) that passes every piece as it comes (pass), or asks for
# the whole upload first and passes nothing until it came (custody:
# -e hold:out:BYTES, "more"): SIS acknowledges the held bytes to the
# sender itself, keeps them, and delivers them once passed. Each timed
# from the client's connect to the server's last byte; with one upload and
# with four at once, each to a server of its own (plain: not attached).
# Memory is taken where it peaks, in runs of their own (held, held-4): the
# scanner (-w) waits with every upload wholly held until it has been read
# (`sisctl -j show` stream_stats.memory, the kept segments' truesize and
# the connections), then passes. conn-bytes and the scanner's max-bytes
# are set well above the hold, so that no bound is hit. The scanner's
# receive buffer is as large as net.core.rmem_max lets it be, which
# SIS_BENCH_CUSTODY_RMEM sets for the section. iperf3 cannot be used: its
# control connection, on the same port, would be held forever.
#
# Then the e-mail scanner (SIS_BENCH_MAIL=0 skips it; paper Table 3):
# dovecot in the network namespace serves a POP3 mailbox of 1500 messages
# (tools/bench/mail-corpus.py, made by bench.sh); pop3-fetch, on the host
# side, fetches all of it over one connection, RETR after RETR, and times
# each message from its RETR to its terminating line. Configurations
# (SIS_BENCH_MAIL_CONFIGS): none (attached, no scanner), null
# (sis-mailscan --null: each message held whole, then passed unparsed),
# md5 (--hdb: 1000 random sums and EICAR's) and clamav (--clamav-db: a
# small database made here; clamav-noraw, not by default, without the
# scan of each message whole); each on the bare veths and with a 1 ms
# netem delay on the network side.
#
# Then the Code-Red scanner (SIS_BENCH_CODERED=0 skips it): from the host,
# 100 DNS lookups of different names served by dnsmasq on the network side,
# and 100 TCP connects each to a freshly resolved address (cr-latency), one
# every millisecond (a host looks names up now and then, not back to back),
# without SIS (plain) and with sis-codered on the attached bridge; both on
# the bare veths and with a 1 ms netem delay on the network side (a LAN
# whose resolver answers in about 1 ms, as the paper's 1.5 ms did).
# shellcheck disable=SC2016 # jq programs
set -euo pipefail
source "$(dirname "$0")/../selftests/lib.sh" >/dev/null
rounds=${SIS_BENCH_ROUNDS:-3}
res=$SIS_OUT/bench.txt
nfq_null=${SIS_NFQ_NULL:-$TOP/build/nfq-null}
nfq_log=$SIS_OUT/nfq-null.log
sis_null=${SIS_NULL:-$TOP/build/sis-null}
sis_log=$SIS_OUT/sis-null.log
rtt_bin=${SIS_RTT:-$TOP/build/rtt}
codered=${SIS_CODERED:-$TOP/build/sis-codered}
cr_latency=${SIS_CR_LATENCY:-$TOP/build/cr-latency}
cr_log=$SIS_OUT/sis-codered.log

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

# The null stream scanner: iperf3's connections, read or contained.
st_pid=
st_fd=
st_log=$SIS_OUT/sis-stream.log
sis_stream=${SIS_STREAM:-$TOP/build/sis-stream}

stream_start() {
	local line= contain= extra=${SIS_STREAM_EXTRA:--q}
	[ "$1" = read ] || contain=-C
	st_nice=${SIS_STREAM_NICE:--10}
	st_tag="$r $c"
	sis attach br0 host hp0
	[ -z "${SIS_STREAM_LIMITS:-}" ] || sis set dev br0 $SIS_STREAM_LIMITS
	sis scanner add st bridge br0 user nobody
	# shellcheck disable=SC2086
	sis cap add st iperf stream ${2:-net-port 5201} rights "read${contain:+,contain}"
	if [ "$1" = edit ]; then
		head -c 1024 /dev/urandom >"$SIS_OUT/block"
		sis inject add st 1 "$SIS_OUT/block" stream dir out
		extra="-q -e inject:out:1000000:1 -e cut:out:1000000:1000"
	fi
	exec {st_fd}< <(exec ip netns exec "$NS_B" nice -n "$st_nice" setpriv --reuid=nobody \
		--regid=nogroup --clear-groups "$sis_stream" -s st -c iperf \
		$contain -m "${SIS_STREAM_MODE:-null}" $extra 2>>"$st_log")
	st_pid=$!
	read -r -u "$st_fd" line || true
	if [ "$line" != ready ]; then
		echo "bench: sis-stream did not start (see $st_log)" >&2
		return 1
	fi
}

# stream_stop: connections must have been tracked, none left held.
stream_stop() {
	local total edits
	[ -n "$st_pid" ] || return 0
	if ! kill -0 "$st_pid" 2>/dev/null; then
		echo "bench: sis-stream died (see $st_log)" >&2
		st_pid=
		return 1
	fi
	total=$(sis_json '$b.stream_stats.conns_total')
	edits=$(sis_json '[$b.stream_stats.cuts, $b.stream_stats.injects] | min')
	sis_json '$b.stream_stats' >>"$st_log"
	echo "$st_tag $(sis_json '$b.stream_stats.overlimit')" >>"$SIS_OUT/overlimit.txt"
	kill -TERM "$st_pid" 2>/dev/null || true
	wait "$st_pid" || true
	cat <&"$st_fd" >>"$st_log" || true
	exec {st_fd}<&-
	st_pid=
	if [ "${total:-0}" = 0 ] || [ "$total" = null ]; then
		echo "bench: sis-stream tracked no connection" >&2
		return 1
	fi
	if [[ "$st_tag" == *stream-edit ]] && [ "${edits:-0}" = 0 ]; then
		echo "bench: stream-edit made no cut or injection" >&2
		return 1
	fi
}

# The Code-Red scanner, declared with its shipped snippet, run as nobody.
cr_pid=
cr_fd=

codered_start() {
	local line=
	sis attach br0 host hp0
	SISCTL=$SISCTL SISCTL_NETNS=$NS_B sh "$TOP/tools/scanners/codered/sis-codered-caps.sh" \
		br0 nobody
	exec {cr_fd}< <(exec ip netns exec "$NS_B" setpriv --reuid=nobody \
		--regid=nogroup --clear-groups "$codered" 2>>"$cr_log")
	cr_pid=$!
	read -r -u "$cr_fd" line || true
	if [ "$line" != ready ]; then
		echo "bench: sis-codered did not start (see $cr_log)" >&2
		return 1
	fi
}

# codered_stop: it must have learned addresses and passed SYNs as known.
codered_stop() {
	local stats
	[ -n "$cr_pid" ] || return 0
	kill -TERM "$cr_pid" 2>/dev/null || true
	wait "$cr_pid" || true
	stats=$(cat <&"$cr_fd" | tail -n 1)
	exec {cr_fd}<&-
	cr_pid=
	echo "$stats" >>"$cr_log"
	if [ "$(echo "$stats" | jq '.syn.known > 0 and .syn.random == 0')" != true ]; then
		echo "bench: sis-codered did not pass known SYNs: $stats" >&2
		return 1
	fi
}

# The custody section's stream scanner: as the one above, on the ports of
# tcpio's servers, with a hold (-e hold) or without, waiting (-w) or not.
cu_pid=
cu_fd=
cu_log=$SIS_OUT/sis-stream-custody.log
tcpio=${SIS_TCPIO:-$TOP/build/tcpio}
cu_size=$((${SIS_BENCH_CUSTODY_MB:-8} << 20))
# What is held: the upload and tcpio's 24-byte header before it.
cu_hold=$((cu_size + 24))
cu_port=9100

# cu_start pass|hold|wait N: the bridge attached, its bounds far above N
# holds, and the scanner covering N servers' ports.
cu_start() {
	local line="" edits=()
	sis attach br0 host hp0
	sis set dev br0 conn-bytes $((cu_size * 8)) conn-segs 65536
	sis scanner add cu bridge br0 user nobody timeout 600000 \
		max-bytes $((cu_size * 8 * $2))
	sis cap add cu up stream net-port "$cu_port-$((cu_port + $2 - 1))" \
		rights read,contain
	case $1 in
	hold) edits=(-e "hold:out:$cu_hold") ;;
	wait) edits=(-e "hold:out:$cu_hold" -w) ;;
	esac
	exec {cu_fd}< <(exec ip netns exec "$NS_B" nice -n "${SIS_STREAM_NICE:--10}" \
		setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$sis_stream" -s cu -c up -C -q -m null "${edits[@]}" 2>>"$cu_log")
	cu_pid=$!
	read -r -u "$cu_fd" line || true
	if [ "$line" != ready ]; then
		echo "bench: sis-stream (custody) did not start (see $cu_log)" >&2
		return 1
	fi
}

cu_stop() {
	[ -n "$cu_pid" ] || return 0
	kill -TERM "$cu_pid" 2>/dev/null || true
	wait "$cu_pid" || true
	cat <&"$cu_fd" >>"$cu_log" || true
	exec {cu_fd}<&-
	cu_pid=
}

bench_cleanup() {
	nfq_table=0
	nfq_stop >/dev/null 2>&1 || true
	sis_stop >/dev/null 2>&1 || true
	stream_stop >/dev/null 2>&1 || true
	cu_stop >/dev/null 2>&1 || true
	codered_stop >/dev/null 2>&1 || true
	cleanup_topology
}
trap bench_cleanup EXIT

insmod "$SIS_MODULE"
setup_topology
# build/rtt uses an ICMP datagram socket.
ip netns exec "$NS_H" sysctl -qw net.ipv4.ping_group_range="0 0"
ip netns exec "$NS_N" iperf3 -s -D -B 10.0.0.2 >/dev/null
sleep 1
: >"$nfq_log"
: >"$sis_log"
: >"$st_log"
: >"$cr_log"

configure() {
	nfq_stop
	sis_stop
	stream_stop
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
	stream-read) stream_start read ;;
	stream-pass) stream_start contain ;;
	stream-edit) stream_start edit ;;
	esac
}

# measure: throughput, RTT (the median of 200 echoes 2 ms apart, timed to
# the nanosecond by build/rtt: ping's own figures stop at 1 us), and the
# time per exchange of 5000 back-to-back pings (ping -i 0: each echo is
# sent when the previous reply arrives), from ping's total time: 0.2 us
# resolution, and ping's own work is the same in every configuration.
measure() {
	local bps rtt pp prof=()
	[ -z "${SIS_BENCH_PERF:-}" ] ||
		prof=(perf record -q -a -o "$SIS_OUT/perf-$r-$c.data" --)
	bps=$("${prof[@]}" ip netns exec "$NS_H" iperf3 -c 10.0.0.2 -t 3 -J |
		jq '.end.sum_received.bits_per_second')
	[ -z "${SIS_BENCH_PERF:-}" ] ||
		perf report -q -i "$SIS_OUT/perf-$r-$c.data" --no-children \
			--sort comm,sym --stdio 2>/dev/null | head -n 60 \
			>"$SIS_OUT/perf-$r-$c.txt"
	rtt=$(ip netns exec "$NS_H" "$rtt_bin" 10.0.0.2 200 2000 | cut -d' ' -f1)
	pp=$(ip netns exec "$NS_H" ping -c 5000 -i 0 -q 10.0.0.2 |
		sed -n 's|.* received, .*time \([0-9]*\)ms.*|\1|p')
	echo "$bps $rtt $(echo "$pp" | awk '{print $1 / 5}')"
}

read -ra configs <<<"${SIS_BENCH_CONFIGS:-plain attached rules16 nfq nfq-batch nfq-snap sis sis-snap sis-read stream-read stream-pass stream-edit}"
: >"$SIS_OUT/raw.txt"
: >"$SIS_OUT/overlimit.txt"
for r in $(seq "$rounds"); do
	for c in "${configs[@]}"; do
		configure "$c"
		m=$(measure)
		echo "$r $c $m" | tee -a "$SIS_OUT/raw.txt"
	done
done
nfq_stop
sis_stop
stream_stop
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
print("%-11s %12s %8s %10s %12s %8s %10s %8s" % ("config", "Gbit/s", "ratio", "spread%", "RTT us", "+RTT us", "pp us", "+pp us"))
for c in ("plain", "attached", "rules16", "nfq", "nfq-batch", "nfq-snap", "sis", "sis-snap", "sis-read", "stream-read", "stream-pass", "stream-edit"):
    if c not in med:
        continue
    b, t, p = med[c]
    print("%-11s %12.3f %8.4f %10.2f %12.2f %8.2f %10.1f %8.1f" % (c, b / 1e9, b / base_b, spread[c], t, t - base_t, p, p - base_p))
gave = {}
try:
    for line in open(sys.argv[1].replace("raw.txt", "overlimit.txt")):
        r, c, n = line.split()
        if n not in ("0", "null"):
            gave[c] = gave.get(c, 0) + 1
except FileNotFoundError:
    pass
for c, n in gave.items():
    print("%s: the scanner fell behind by more than conn-bytes and gave up a direction in %d of %d rounds (not every byte was read)" % (c, n, len(by[c])))
print("rounds: %d (medians; spread = max/min - 1 over rounds; RTT: median of 200 echoes 2 ms apart; pp: per exchange of 5000 back-to-back pings)" % len(by["plain"]))
PY
cat "$res"

if [ "${SIS_BENCH_SYNFLOOD:-1}" = 1 ]; then
	flood_pid=
	flood_stop() {
		[ -n "$flood_pid" ] || return 0
		kill -INT "$flood_pid" 2>/dev/null || true
		wait "$flood_pid" || true
		flood_pid=
	}
	ip -n "$NS_H" route add default via 10.0.0.2
	exec {sf_fd}< <(exec ip netns exec "$NS_H" "$cr_latency" listen 80)
	sf_pid=$!
	read -r -u "$sf_fd" _
	: >"$SIS_OUT/raw-synflood.txt"
	: >"$SIS_OUT/hping3.log"
	for r in $(seq "$rounds"); do
		for c in plain plain-flood stream stream-flood; do
			stream_stop
			sis detach br0 2>/dev/null || true
			case $c in stream*) stream_start contain "host-port 80" ;; esac
			case $c in
			*-flood)
				ip netns exec "$NS_N" hping3 -i u100 --rand-source -S \
					-p 80 10.0.0.1 >>"$SIS_OUT/hping3.log" 2>&1 &
				flood_pid=$!
				sleep 1
				;;
			esac
			t=$(ip netns exec "$NS_N" "$cr_latency" tcp 10.0.0.1 80 100 1000)
			st="- - -"
			case $c in
			stream*) st=$(sis_json '$b.stream_stats | "\(.evicted) \(.untracked) \(.half_open)"') ;;
			esac
			flood_stop
			echo "$r $c $t $st" | tee -a "$SIS_OUT/raw-synflood.txt"
		done
	done
	stream_stop
	sis detach br0 2>/dev/null || true
	kill "$sf_pid" 2>/dev/null || true
	exec {sf_fd}<&-
	ip -n "$NS_H" route del default via 10.0.0.2

	python3 - "$SIS_OUT/raw-synflood.txt" >"$SIS_OUT/synflood.txt" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
by = {}
for r, c, med, mean, ev, untr, half in rows:
    by.setdefault(c, []).append((float(med), ev, untr, half))
print()
print("SYN flood: a real connection's setup (median of 100 connects to the SYN-ACK), us")
print("%-13s %12s %8s %10s %10s %10s" % ("config", "connect us", "ratio", "evicted", "untracked", "half-open"))
base = statistics.median(x[0] for x in by["plain"])
for c in ("plain", "plain-flood", "stream", "stream-flood"):
    m = statistics.median(x[0] for x in by[c])
    last = by[c][-1]
    print("%-13s %12.1f %8.4f %10s %10s %10s" % (c, m, m / base, last[1], last[2], last[3]))
print("rounds: %d (medians; ratio: against plain; evicted, untracked and half-open:" % len(by["plain"]))
print("the stream scanner's bridge at the end of the last round)")
PY
	tee -a "$res" <"$SIS_OUT/synflood.txt"
fi

if [ "${SIS_BENCH_CUSTODY:-1}" = 1 ]; then
	# cu_run MODE N: N uploads at once, each to a tcpio server of its own
	# (ports cu_port...), MODE plain (not attached), pass, hold or wait
	# (held, then read at the peak); cu_res gets "SECONDS MEMORY CONNS
	# KEPT ACKS RETRANSMITS": seconds from the first connect to the last
	# byte received, then what was read at the peak, then the counters at
	# the end ("-" where there is none).
	cu_run() {
		local mode=$1 n=$2 k p fd line alive got=0 rc=0 start end st
		local mem=- conns=- kept=- srv=() cl=() sc=()
		sis detach br0 2>/dev/null || true
		rm -f "$SIS_OUT"/cu-client-*.txt
		[ "$mode" = plain ] || cu_start "$mode" "$n"
		for ((k = 0; k < n; k++)); do
			exec {fd}< <(exec ip netns exec "$NS_N" "$tcpio" serve \
				$((cu_port + k)) -N -T -t 600)
			srv+=("$fd")
			read -r -u "$fd" line || true
			if [ "$line" != ready ]; then
				echo "bench: tcpio serve did not start" >&2
				return 1
			fi
		done
		for ((k = 0; k < n; k++)); do
			ip netns exec "$NS_H" "$tcpio" send 10.0.0.2 $((cu_port + k)) \
				"$cu_size" 0 -N -T -t 600 >"$SIS_OUT/cu-client-$k.txt" 2>&1 &
			cl+=("$!")
		done
		# Every upload held whole: no client can end before the pass
		# (its server has not even read tcpio's header). The read's
		# timeout only looks again whether they are still there.
		while [ "$mode" = wait ] && [ "$got" -lt "$n" ]; do
			if read -r -t 1 -u "$cu_fd" line; then
				case $line in
				holding*) got=$((got + 1)) ;;
				*) echo "$line" >>"$cu_log" ;;
				esac
				continue
			fi
			alive=0
			for p in "${cl[@]}"; do
				! kill -0 "$p" 2>/dev/null || alive=$((alive + 1))
			done
			if [ "$alive" -lt "$n" ]; then
				echo "bench: custody: an upload ended before it was held whole:" \
					"$(cat "$SIS_OUT"/cu-client-*.txt)" \
					"$(sis_json '$b.stream_stats')" >&2
				return 1
			fi
		done
		if [ "$mode" = wait ]; then
			read -r mem conns <<<"$(sis_json '$b.stream_stats | "\(.memory) \(.conns)"')"
			kept=$(sis -j conns | jq '[.[].out.kept] | add')
			kill -USR1 "$cu_pid"
		fi
		for p in "${cl[@]}"; do
			wait "$p" || rc=$?
		done
		for fd in "${srv[@]}"; do
			read -r -u "$fd" line || true
			if [ "$line" != "recv $cu_hold - sent 0 -" ]; then
				echo "bench: custody $mode: the server got \"$line\", client $rc:" \
					"$(cat "$SIS_OUT"/cu-client-*.txt)" >&2
				[ "$mode" = plain ] || sis_json '$b.stream_stats' >&2
				return 1
			fi
			read -r -u "$fd" _ _ end || true
			echo "$end"
			exec {fd}<&-
		done >"$SIS_OUT/cu-ends.txt"
		start=$(sed -n 's/^time \([^ ]*\) .*/\1/p' "$SIS_OUT"/cu-client-*.txt |
			sort -g | head -n 1)
		end=$(sort -g "$SIS_OUT/cu-ends.txt" | tail -n 1)
		st="- -"
		if [ "$mode" != plain ]; then
			sis_json '$b.stream_stats' >>"$cu_log"
			read -r -a sc <<<"$(sis_json '$b.stream_stats |
				"\(.custody_acks) \(.retransmits) \(.custody_failed) \(.overlimit) \(.killed)"')"
			st="${sc[0]} ${sc[1]}"
			cu_stop
			sis detach br0
			if [ "${sc[2]}" != 0 ] || [ "${sc[3]}" != 0 ] || [ "${sc[4]}" != 0 ]; then
				echo "bench: custody $mode: custody_failed ${sc[2]}, overlimit ${sc[3]}," \
					"killed ${sc[4]} (see $cu_log)" >&2
				return 1
			fi
			if [ "$mode" != pass ] && [ "${sc[0]}" = 0 ]; then
				echo "bench: custody $mode: no custody ACK sent (see $cu_log)" >&2
				return 1
			fi
		fi
		cu_res="$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.6f", e - s }') $mem $conns $kept $st"
	}

	# plain, pass, custody: one upload; held: one upload read at its
	# peak; -4: four at once.
	read -ra cu_configs <<<"${SIS_BENCH_CUSTODY_CONFIGS:-plain pass custody held pass-4 custody-4 held-4}"
	[ -z "${SIS_BENCH_CUSTODY_RMEM:-}" ] ||
		echo "$SIS_BENCH_CUSTODY_RMEM" >/proc/sys/net/core/rmem_max
	: >"$cu_log"
	: >"$SIS_OUT/raw-custody.txt"
	for r in $(seq "$rounds"); do
		for c in "${cu_configs[@]}"; do
			n=1
			[[ "$c" != *-* ]] || n=${c##*-}
			case $c in
			plain*) m=plain ;;
			pass*) m=pass ;;
			custody*) m=hold ;;
			held*) m="wait" ;;
			esac
			cu_run "$m" "$n"
			echo "$r $c $n $cu_res" | tee -a "$SIS_OUT/raw-custody.txt"
		done
	done

	python3 - "$SIS_OUT/raw-custody.txt" "$cu_size" \
		"$(cat /proc/sys/net/core/rmem_max)" >"$SIS_OUT/custody.txt" <<'PY'
import statistics, sys
size = int(sys.argv[2])
by = {}
for l in open(sys.argv[1]):
    r, c, n, secs, mem, conns, kept, acks, rtx = l.split()
    by.setdefault(c, []).append((int(n), float(secs), mem, conns, kept, acks, rtx))
med = lambda v: statistics.median(v)
print()
print("Custody: uploads of %d MiB through a containing stream scanner, passed piece by piece" % (size >> 20))
print("(pass) or held whole first (custody, \"more\"); medians; memory at the peak (held runs)")
print("%-10s %5s %9s %8s %8s %11s %11s %9s %10s %11s" % ("config", "conns", "Gbit/s", "ratio", "spread%", "mem/conn", "held/conn", "mem/held", "acks", "retransmits"))
gbit = {}
for c, v in by.items():
    gbit[c] = [x[0] * (size + 24) * 8 / x[1] / 1e9 for x in v]
for c in by:
    if c.startswith("held"):
        continue
    n = by[c][0][0]
    suffix = c[c.index("-"):] if "-" in c else ""
    b = med(gbit[c])
    base = gbit.get("pass" + suffix)
    ratio = "%8.4f" % (b / med(base)) if base else "%8s" % "-"
    spread = (max(gbit[c]) / min(gbit[c]) - 1) * 100
    mc = hc = mh = "-"
    held = by.get("held" + suffix) if c.startswith("custody") else None
    if held:
        mems = [int(x[2]) / int(x[3]) for x in held]
        kepts = [int(x[4]) / int(x[3]) for x in held]
        mc = "%.0f" % med(mems)
        hc = "%.0f" % med(kepts)
        mh = "%.4f" % med([m / k for m, k in zip(mems, kepts)])
    acks = by[c][-1][5]
    rtx = by[c][-1][6]
    print("%-10s %5d %9.3f %s %8.2f %11s %11s %9s %10s %11s" % (c, n, b, ratio, spread, mc, hc, mh, acks, rtx))
print("rounds: %d (ratio: against pass with as many connections; mem/conn: stream_stats.memory" % len(by[next(iter(by))]))
print("over the connections while every upload was held whole, bytes; held/conn: the bytes kept;")
print("acks (custody ACKs) and retransmits: the last round's; net.core.rmem_max %s)" % sys.argv[3])
PY
	tee -a "$res" <"$SIS_OUT/custody.txt"
fi

if [ "${SIS_BENCH_MAIL:-1}" = 1 ]; then
	# The e-mail scanner (paper Table 3): dovecot serves the corpus over
	# POP3 in the network namespace; pop3-fetch, in the host's, fetches it
	# all through the bridge, one RETR at a time, and gives the mean time
	# from a RETR to the message's last line.
	mail_dir=/tmp/sis-mail
	mail_log=$SIS_OUT/sis-mailscan.log
	mailscan=${SIS_MAILSCAN:-$TOP/build/sis-mailscan}
	pop3_fetch=${SIS_POP3_FETCH:-$TOP/build/pop3-fetch}
	mail_corpus=${SIS_MAIL_CORPUS:-$SIS_OUT/mail-corpus}
	ms_pid=
	ms_fd=

	# The server: its own configuration, every file it writes under
	# mail_dir (the root file system is the host's, read-only), the
	# mailbox owned by nobody, plaintext logins.
	mail_server_start() {
		rm -rf "$mail_dir"
		mkdir -p "$mail_dir/run" "$mail_dir/state" "$mail_dir/home"
		cp -r "$mail_corpus" "$mail_dir/mail"
		chown -R nobody:nogroup "$mail_dir/mail" "$mail_dir/home"
		echo "bench:{PLAIN}bench:65534:65534::$mail_dir/home::" >"$mail_dir/passwd"
		cat >"$mail_dir/dovecot.conf" <<-EOF
			base_dir = $mail_dir/run
			state_dir = $mail_dir/state
			log_path = $mail_dir/dovecot.log
			protocols = pop3
			listen = 10.0.0.2
			ssl = no
			disable_plaintext_auth = no
			auth_mechanisms = plain
			default_internal_user = dovecot
			default_login_user = dovenull
			passdb {
			  driver = passwd-file
			  args = $mail_dir/passwd
			}
			userdb {
			  driver = passwd-file
			  args = $mail_dir/passwd
			}
			mail_location = maildir:$mail_dir/mail
			mail_fsync = never
			maildir_very_dirty_syncs = yes
			pop3_no_flag_updates = yes
			default_idle_kill = 4294967295 secs
			service pop3-login {
			  service_count = 0
			  process_limit = 1
			  process_min_avail = 1
			}
			service pop3 {
			  service_count = 0
			  process_limit = 4
			}
			service auth {
			  process_min_avail = 1
			}
		EOF
		ip netns exec "$NS_N" dovecot -c "$mail_dir/dovecot.conf"
	}

	mail_server_stop() {
		local pid
		read -r pid 2>/dev/null <"$mail_dir/run/master.pid" || return 0
		kill "$pid" 2>/dev/null || true
		while kill -0 "$pid" 2>/dev/null; do
			nap 0.1 || :
		done
		rm -f "$mail_dir/run/master.pid"
		cp "$mail_dir/dovecot.log" "$SIS_OUT/"
	}

	# With -icount sleep=off, virtual time jumps to the next timer each
	# time the guest waits for the host (its root file system is 9p):
	# starting a process, which reads its code from there, can take
	# dovecot's 30 s limit on a new process's first word. A timer every
	# 5 ms, while the server starts and the untimed first fetch starts
	# its processes, keeps those jumps short. Its processes are then kept
	# (service_count 0, no idle kill): no process starts while timed.
	mail_ticker_start() {
		(while :; do nap 0.005 || :; done) &
		mail_ticker=$!
	}

	mail_ticker_stop() {
		kill "$mail_ticker" 2>/dev/null || true
		wait "$mail_ticker" 2>/dev/null || true
	}

	# The signatures (tools/bench/mail-sigs.py): an MD5 list of 1000
	# random sums and EICAR's; a small ClamAV database (no full one is to
	# be had offline): EICAR's and ten random sums, and five body
	# signatures, one with wildcards.
	mail_sigs() {
		python3 "$TOP/tools/bench/mail-sigs.py" "$mail_dir"
		chmod -R a+rX "$mail_dir/clamav" "$mail_dir/bench.hdb"
	}

	# mailscan_start null|md5|clamav: declared with its shipped snippet,
	# run as nobody.
	mailscan_start() {
		local line= args=()
		case $1 in
		null) args=(--null) ;;
		md5) args=(--hdb "$mail_dir/bench.hdb") ;;
		clamav) args=(--clamav-db "$mail_dir/clamav") ;;
		clamav-noraw) args=(--clamav-db "$mail_dir/clamav" --no-raw-scan) ;;
		esac
		SISCTL=$SISCTL SISCTL_NETNS=$NS_B sh "$TOP/tools/scanners/mailscan/sis-mailscan-caps.sh" \
			br0 nobody >/dev/null
		exec {ms_fd}< <(exec ip netns exec "$NS_B" setpriv --reuid=nobody \
			--regid=nogroup --clear-groups "$mailscan" "${args[@]}" \
			2>>"$mail_dir/sis-mailscan.log")
		ms_pid=$!
		read -r -u "$ms_fd" line || true
		if [ "$line" != ready ]; then
			echo "bench: sis-mailscan $1 did not start (see $mail_log)" >&2
			return 1
		fi
	}

	# mailscan_stop N: it must have held and passed N messages, all clean.
	mailscan_stop() {
		local stats
		[ -n "$ms_pid" ] || return 0
		kill -TERM "$ms_pid" 2>/dev/null || true
		wait "$ms_pid" || true
		stats=$(cat <&"$ms_fd" | tail -n 1)
		exec {ms_fd}<&-
		ms_pid=
		cat "$mail_dir/sis-mailscan.log" >>"$mail_log"
		: >"$mail_dir/sis-mailscan.log"
		echo "$stats" >>"$mail_log"
		if [ "$(echo "$stats" | jq --argjson n "$1" \
			'.messages == $n and .clean == $n and .killed == 0 and .lost == 0')" != true ]; then
			echo "bench: sis-mailscan did not pass $1 clean messages: $stats" >&2
			return 1
		fi
	}

	mail_ticker=
	mail_cleanup() {
		mailscan_stop 0 >/dev/null 2>&1 || true
		mail_ticker_stop
		mail_server_stop
		bench_cleanup
	}
	trap mail_cleanup EXIT

	# mail_fetch ROUND DELAY CONFIG: one fetch of the whole mailbox with
	# CONFIG on the attached bridge; each message's figures to a file in
	# tmpfs while timed (a write to 9p would make time jump), then to
	# SIS_OUT.
	mail_fetch() {
		local m n bytes prof=()
		sis detach br0 2>/dev/null || true
		sis attach br0 host hp0
		[ "$3" = none ] || mailscan_start "$3"
		[ -z "${SIS_BENCH_PERF:-}" ] || [ "$1" = 0 ] ||
			prof=(perf record -q -a -o "$mail_dir/perf.data" --)
		m=$("${prof[@]}" ip netns exec "$NS_H" "$pop3_fetch" 10.0.0.2 110 bench bench 0 \
			"$mail_dir/pop3.txt")
		[ "$3" = none ] || mailscan_stop "$mail_n"
		if [ ${#prof[@]} != 0 ]; then
			{
				perf report -q -i "$mail_dir/perf.data" --no-children \
					--sort comm --stdio
				perf report -q -i "$mail_dir/perf.data" --no-children \
					--sort comm,dso,sym --stdio
			} 2>/dev/null >"$mail_dir/perf.txt" || true
			head -n 120 "$mail_dir/perf.txt" >"$SIS_OUT/perf-mail-$1-$2-$3.txt"
		fi
		sis detach br0
		cp "$mail_dir/pop3.txt" "$SIS_OUT/pop3-$1-$2-$3.txt"
		read -r n bytes _ <<<"$m"
		if [ "$n" != "$mail_n" ] || [ "$bytes" != "$mail_bytes" ]; then
			echo "bench: mail $3: $n messages, $bytes bytes, not $mail_n and $mail_bytes" >&2
			return 1
		fi
		mail_res=$m
	}

	# The host's clock stamps these files: the section's wall-clock time.
	: >"$SIS_OUT/mail-start"
	: >"$mail_log"
	mail_ticker_start
	mail_server_start
	mail_sigs
	# Once untimed: the server indexes the mailbox and starts its
	# processes, which stay.
	sis detach br0 2>/dev/null || true
	ip netns exec "$NS_H" "$pop3_fetch" 10.0.0.2 110 bench bench >"$SIS_OUT/pop3-warmup.txt"
	mail_ticker_stop
	read -r mail_n mail_bytes _ <"$SIS_OUT/pop3-warmup.txt"
	read -ra mail_configs <<<"${SIS_BENCH_MAIL_CONFIGS:-none null md5 clamav}"
	# And once untimed with each scanner: the pages of its code come from
	# 9p on their first use.
	for c in "${mail_configs[@]}"; do
		mail_fetch 0 0 "$c"
	done
	: >"$SIS_OUT/raw-mail.txt"
	for r in $(seq "$rounds"); do
		for delay in ${SIS_BENCH_MAIL_DELAYS:-0 1}; do
			if [ "$delay" = 1 ]; then
				ip netns exec "$NS_N" tc qdisc replace dev n0 root netem delay 1ms
			else
				ip netns exec "$NS_N" tc qdisc del dev n0 root 2>/dev/null || true
			fi
			for c in "${mail_configs[@]}"; do
				mail_fetch "$r" "$delay" "$c"
				echo "$r $delay $c $mail_res" | tee -a "$SIS_OUT/raw-mail.txt"
			done
		done
	done
	ip netns exec "$NS_N" tc qdisc del dev n0 root 2>/dev/null || true
	sis detach br0 2>/dev/null || true
	mail_server_stop
	trap bench_cleanup EXIT

	python3 - "$SIS_OUT/raw-mail.txt" "$mail_bytes" >"$SIS_OUT/mail.txt" <<-'PY'
		import statistics, sys
		by = {}
		for l in open(sys.argv[1]):
		    r, d, c, n, b, mean, med = l.split()
		    by.setdefault((c, d), []).append((float(mean), float(med), int(n)))
		n = next(iter(by.values()))[0][2]
		print()
		print("E-mail scanner: POP3 RETR of %d messages (%s bytes) through the bridge, per message, us"
		      % (n, sys.argv[2]))
		print("%-8s %-12s %12s %8s %9s %12s %8s" % ("network", "config", "mean us", "ratio",
		      "spread%", "median us", "ratio"))
		for d, label in (("0", "veth"), ("1", "+1 ms")):
		    if ("none", d) not in by:
		        continue
		    base = statistics.mean(x[0] for x in by[("none", d)])
		    base_med = statistics.median(x[1] for x in by[("none", d)])
		    for c in ("none", "null", "md5", "clamav", "clamav-noraw"):
		        if (c, d) not in by:
		            continue
		        v = by[(c, d)]
		        mean = statistics.mean(x[0] for x in v)
		        med = statistics.median(x[1] for x in v)
		        spread = (max(x[0] for x in v) / min(x[0] for x in v) - 1) * 100
		        print("%-8s %-12s %12.1f %8.4f %9.2f %12.1f %8.4f" % (label, c, mean, mean / base,
		              spread, med, med / base_med))
		print("rounds: %d (mean: the rounds' mean per-message latency, averaged; spread: max/min - 1"
		      % len(next(iter(by.values()))))
		print("of the rounds' means; median: the median message's, median over rounds; ratios")
		print("against none on the same network)")
	PY
	tee -a "$res" <"$SIS_OUT/mail.txt"
fi

[ "${SIS_BENCH_CODERED:-1}" = 1 ] || exit 0

# The names: bench0 .. bench100.sis.test, each its own address in
# 10.0.2.0/24, which the network side answers on port 80.
for i in $(seq 0 100); do
	echo "10.0.2.$((i + 1)) bench$i.sis.test"
done >"$SIS_OUT/cr-hosts"
ip -n "$NS_N" route add local 10.0.2.0/24 dev lo
ip -n "$NS_H" route add 10.0.2.0/24 via 10.0.0.2
ip netns exec "$NS_N" dnsmasq -k -C /dev/null --no-resolv --no-hosts \
	--addn-hosts="$SIS_OUT/cr-hosts" --listen-address=10.0.0.2 \
	--bind-interfaces --local=/sis.test/ --local-ttl=300 --user=root \
	--pid-file= --log-facility=/dev/null &
exec {listen_fd}< <(exec ip netns exec "$NS_N" "$cr_latency" listen 80)
read -r -u "$listen_fd" _
# dnsmasq answers once it has read its hosts file.
until ip netns exec "$NS_H" "$cr_latency" dns 10.0.0.2 bench%d.sis.test 1 >/dev/null 2>&1; do
	sleep 0.1
done

: >"$SIS_OUT/raw-codered.txt"
for r in $(seq "$rounds"); do
	for delay in 0 1; do
		if [ "$delay" = 1 ]; then
			ip netns exec "$NS_N" tc qdisc replace dev n0 root netem delay 1ms
		else
			ip netns exec "$NS_N" tc qdisc del dev n0 root 2>/dev/null || true
		fi
		for c in plain codered; do
			codered_stop
			sis detach br0 2>/dev/null || true
			[ "$c" = plain ] || codered_start
			dns=$(ip netns exec "$NS_H" "$cr_latency" dns 10.0.0.2 bench%d.sis.test 100 1000)
			conn=$(ip netns exec "$NS_H" "$cr_latency" connect 10.0.0.2 bench%d.sis.test 100 80 1000)
			echo "$r $c $delay $dns $conn" | tee -a "$SIS_OUT/raw-codered.txt"
		done
	done
done
codered_stop
sis detach br0 2>/dev/null || true

python3 - "$SIS_OUT/raw-codered.txt" >"$SIS_OUT/codered.txt" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
by = {}
for r, c, d, dmed, dmean, cmed, cmean in rows:
    by.setdefault((c, d), []).append((float(dmed), float(cmed)))
med = {k: tuple(statistics.median(x[i] for x in v) for i in range(2)) for k, v in by.items()}
print()
print("Code-Red scanner: medians of 100 lookups / 100 connects to resolved addresses, us")
print("%-8s %-8s %10s %8s %12s %8s" % ("network", "config", "DNS us", "+DNS", "connect us", "+conn"))
for d, label in (("0", "veth"), ("1", "+1 ms")):
    base = med[("plain", d)]
    for c in ("plain", "codered"):
        m = med[(c, d)]
        print("%-8s %-8s %10.1f %7.1f%% %12.1f %7.1f%%" % (label, c, m[0], (m[0] / base[0] - 1) * 100, m[1], (m[1] / base[1] - 1) * 100))
print("rounds: %d" % len(by[("plain", "0")]))
PY
cat "$SIS_OUT/codered.txt" | tee -a "$res"
