#!/usr/bin/env bash
# Fuzz the Code-Red scanner's wire parsing (DNS messages, frame headers and
# the table they feed) with libFuzzer, ASan and UBSan, for SECONDS (60).
#
#   scripts/fuzz-codered.sh [SECONDS]
#
# The corpus grows in $BUILD/fuzz/corpus across runs; a crash leaves its
# input in $BUILD/fuzz/ and fails the run.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
secs=${1:-60}
out=${BUILD:-build}/fuzz
src=tools/scanners/codered
mkdir -p "$out/corpus"

clang -g -O1 -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-I uapi -I "$src" -o "$out/fuzz-dns" \
	"$src/fuzz/fuzz_dns.c" "$src/dns.c" "$src/packet.c" "$src/table.c" -lresolv
cc -Wall -Wextra -Werror -o "$out/corpus-seed" "$src/fuzz/corpus.c"
"$out/corpus-seed" "$out/corpus"

"$out/fuzz-dns" -max_total_time="$secs" -timeout=5 -rss_limit_mb=2048 \
	-max_len=4096 -print_final_stats=1 -artifact_prefix="$out/" \
	"$out/corpus" 2>&1 | tail -n 15
