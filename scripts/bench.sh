#!/usr/bin/env bash
# `make bench`: throughput and latency through the bridge, with and without
# SIS, measured side by side in one boot of the non-debug kernel on one
# virtual CPU with -icount (guest time counts instructions, so the ratios
# repeat; see Documentation/performance.md).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
out=$build/bench

scripts/setup.sh
kdir=$(scripts/kernel.sh bench)
make -s userspace bench-tools

# Out-of-tree objects land in the source tree: build the bench module in a
# copy so it never mixes with the debug kernel's.
mod=$build/bench-mod
rm -rf "$mod"
mkdir -p "$mod"
cp -r Kbuild VERSION kernel uapi "$mod/"
find "$mod" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' \) -delete
make -s -C "$kdir" M="$mod" modules

rm -rf "$out"
mkdir -p "$out"
# The e-mail bench's mailbox, the same bytes every time (Debian's python3).
[ "${SIS_BENCH_MAIL:-1}" = 0 ] ||
	/usr/bin/python3 tools/bench/mail-corpus.py "$out/mail-corpus" | tee "$out/mail-corpus.txt"
scripts/vm.sh --bench --timeout 3000 --out "$out" -- \
	env SIS_MODULE="$mod/kernel/sis.ko" SISCTL="$build/sisctl" \
	SIS_NFQ_NULL="$build/nfq-null" SIS_NULL="$build/sis-null" \
	SIS_CODERED="$build/sis-codered" SIS_CR_LATENCY="$build/cr-latency" \
	SIS_RTT="$build/rtt" SIS_STREAM="$build/sis-stream" SIS_TCPIO="$build/tcpio" \
	SIS_MAILSCAN="$build/sis-mailscan" SIS_POP3_FETCH="$build/pop3-fetch" \
	SIS_MAIL_CORPUS="$out/mail-corpus" \
	${SIS_BENCH_MAIL:+SIS_BENCH_MAIL="$SIS_BENCH_MAIL"} \
	${SIS_BENCH_MAIL_CONFIGS:+SIS_BENCH_MAIL_CONFIGS="$SIS_BENCH_MAIL_CONFIGS"} \
	${SIS_BENCH_MAIL_DELAYS:+SIS_BENCH_MAIL_DELAYS="$SIS_BENCH_MAIL_DELAYS"} \
	${SIS_BENCH_CODERED:+SIS_BENCH_CODERED="$SIS_BENCH_CODERED"} \
	${SIS_BENCH_SYNFLOOD:+SIS_BENCH_SYNFLOOD="$SIS_BENCH_SYNFLOOD"} \
	${SIS_BENCH_CUSTODY:+SIS_BENCH_CUSTODY="$SIS_BENCH_CUSTODY"} \
	${SIS_BENCH_CUSTODY_MB:+SIS_BENCH_CUSTODY_MB="$SIS_BENCH_CUSTODY_MB"} \
	${SIS_BENCH_CUSTODY_CONFIGS:+SIS_BENCH_CUSTODY_CONFIGS="$SIS_BENCH_CUSTODY_CONFIGS"} \
	${SIS_BENCH_CUSTODY_RMEM:+SIS_BENCH_CUSTODY_RMEM="$SIS_BENCH_CUSTODY_RMEM"} \
	SIS_BENCH_ROUNDS="${SIS_BENCH_ROUNDS:-3}" \
	${SIS_BENCH_CONFIGS:+SIS_BENCH_CONFIGS="$SIS_BENCH_CONFIGS"} \
	${SIS_STREAM_NICE:+SIS_STREAM_NICE="$SIS_STREAM_NICE"} \
	${SIS_STREAM_LIMITS:+SIS_STREAM_LIMITS="$SIS_STREAM_LIMITS"} \
	${SIS_BENCH_PERF:+SIS_BENCH_PERF="$SIS_BENCH_PERF"} \
	scripts/bench-guest.sh
cat "$out/bench.txt"
