#!/usr/bin/env bash
# What sis-mailscan's checks cost per message, counted in instructions
# (Documentation/performance.md, "What the libraries cost"):
#
#   scripts/mail-cost.sh [CONFIG...]     (none md5 clamav-noraw clamav)
#
# Makes the bench's corpus and signatures (tools/bench/mail-corpus.py,
# mail-sigs.py) in $BUILD/mail-cost, builds tools/bench/mail-cost.c with
# sis-mailscan's own message.c and detect.c, and runs it under callgrind
# once per configuration, counting only its scan of the 1500 messages.
# Under `make bench`'s -icount an instruction is a nanosecond, so the
# count per message is what the checks alone add to a message's latency
# (user-mode instructions only: a lower bound). Prints a table; about 3
# minutes for all four on this machine.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${BUILD:-build}
out=$build/mail-cost.data
configs=("$@")
[ ${#configs[@]} -gt 0 ] || configs=(none md5 clamav-noraw clamav)
command -v valgrind >/dev/null || { echo "mail-cost: valgrind is needed (make setup)" >&2; exit 1; }
make -s BUILD="$build" "$build/mail-cost"
rm -rf "$out"
mkdir -p "$out"
/usr/bin/python3 tools/bench/mail-corpus.py "$out/corpus" >/dev/null
/usr/bin/python3 tools/bench/mail-sigs.py "$out"
printf '%-14s %8s %8s %16s %14s\n' config messages parts instructions per-message
for c in "${configs[@]}"; do
	case $c in
	none) db= ;;
	md5) db=$out/bench.hdb ;;
	clamav | clamav-noraw) db=$out/clamav ;;
	*) echo "mail-cost: $c: not none, md5, clamav or clamav-noraw" >&2; exit 2 ;;
	esac
	valgrind --tool=callgrind --callgrind-out-file=/dev/null --collect-atstart=no \
		--toggle-collect=scan_all "$build/mail-cost" "$out/corpus" "$c" $db \
		>"$out/$c.out" 2>"$out/$c.err" || { cat "$out/$c.err" >&2; exit 1; }
	ir=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$out/$c.err")
	read -r n _ p _ < <(tail -n1 "$out/$c.out")
	if [ "$(wc -l <"$out/$c.out")" -ne 1 ]; then
		echo "mail-cost: $c: some messages were not clean:" >&2
		head -n5 "$out/$c.out" >&2
		exit 1
	fi
	printf '%-14s %8s %8s %16s %14s\n' "$c" "$n" "$p" "$ir" "$((ir / n))"
done
