#!/usr/bin/env bash
# Fuzz the e-mail scanner's parsing with libFuzzer, ASan and UBSan, for
# SECONDS (60) in all, split evenly between its harnesses.
#
#   scripts/fuzz-mailscan.sh [SECONDS]
#
# Each harness NAME is tools/scanners/mailscan/fuzz/fuzz_NAME.c, seeded by
# corpus_NAME.c when there is one. Corpora grow in $BUILD/fuzz/mailscan-NAME
# across runs; a crash leaves its input in $BUILD/fuzz/ and fails the run.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
secs=${1:-60}
out=${BUILD:-build}/fuzz
src=tools/scanners/mailscan

# One line per harness: its name, then the scanner sources it needs.
harnesses=(
	"message detect.c message.c"
	"proto proto.c"
)

pkgs="gmime-3.0 libclamav libcrypto"
per=$(( secs / ${#harnesses[@]} ))
(( per > 0 )) || per=1
mkdir -p "$out"

for h in "${harnesses[@]}"; do
	read -r name srcs <<<"$h"
	corpus="$out/mailscan-$name"
	mkdir -p "$corpus"
	# shellcheck disable=SC2046,SC2086  # word splitting is wanted
	clang -g -O1 -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-I "$src" $(pkg-config --cflags $pkgs) -o "$out/fuzz-mailscan-$name" \
		"$src/fuzz/fuzz_$name.c" $(printf "$src/%s " $srcs) \
		$(pkg-config --libs $pkgs)
	if [[ -f $src/fuzz/corpus_$name.c ]]; then
		cc -Wall -Wextra -Werror -o "$out/corpus-mailscan-$name" \
			"$src/fuzz/corpus_$name.c"
		"$out/corpus-mailscan-$name" "$corpus"
	fi
	echo "== fuzz_$name: $per s"
	"$out/fuzz-mailscan-$name" -max_total_time="$per" -timeout=10 \
		-rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 \
		-artifact_prefix="$out/mailscan-$name-" "$corpus" 2>&1 | tail -n 15
done
