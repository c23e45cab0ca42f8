#!/usr/bin/env bash
# `make check`: every test of the project.
#
# Host: builds (W=1, sparse, 6.1 headers), checkpatch, userspace unit tests.
# Guest (one QEMU boot of the debug kernel): KUnit suites and kselftests.
# Then the guest's kernel log is searched for any WARN, BUG, KASAN, UBSAN,
# lockdep, RCU or kmemleak report, and the totals are printed last as
# "N passed, N failed[, N skipped]". Exits non-zero on any failure.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${BUILD:-build}
out=$top/$build/check
res=$out/results
rm -rf "$out"
mkdir -p "$res"

log() { echo "check: $*" >&2; }

# host_test NAME CMD...: one TAP result from a host command, its output kept.
host_n=0
host_test() {
	local name=$1 logf
	shift
	host_n=$((host_n + 1))
	logf=$out/host-$host_n.log
	if "$@" >"$logf" 2>&1; then
		echo "ok $host_n - $name" >>"$res/host.tap"
	else
		echo "not ok $host_n - $name" >>"$res/host.tap"
		log "FAILED: $name (see $logf)"
		tail -n 20 "$logf" | sed 's/^/    /' >&2
	fi
}

# no_warnings CMD...: CMD succeeds and prints no compiler/checker warning.
no_warnings() {
	local o
	o=$("$@" 2>&1) || { echo "$o"; return 1; }
	echo "$o"
	! grep -E '(warning|error):' <<<"$o"
}

scripts/setup.sh || exit 1
log "guest kernel (cached in ${XDG_CACHE_HOME:-$HOME/.cache}/sis)"
kdir=$(scripts/kernel.sh debug) || exit 1
ksrc=$(readlink -f "$kdir/source")

# Kernel module: W=1 then sparse, against the 6.12 guest kernel.
make -s -C "$kdir" M="$top" clean >/dev/null 2>&1
host_test "build: sis.ko for 6.12, W=1 clean" \
	no_warnings make -C "$kdir" M="$top" W=1 SIS_KUNIT=1 modules
host_test "build: sparse (C=2) clean" \
	no_warnings make -C "$kdir" M="$top" C=2 CHECK=sparse SIS_KUNIT=1 modules

# 6.1 stays supported: compile against Debian's stock 6.1 headers.
hdr61=$(ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | sort -V | tail -n 1)
if [ -n "$hdr61" ]; then
	rm -rf "$build/k61"
	mkdir -p "$build/k61"
	cp -r Kbuild kernel uapi "$build/k61/"
	find "$build/k61" -name '*.o' -o -name '*.ko' -o -name '.*.cmd' | xargs rm -f
	host_test "build: sis.ko against $(basename "$hdr61"), W=1 clean" \
		no_warnings make -C "$hdr61" M="$top/$build/k61" W=1 modules
else
	echo "ok 99 - build: sis.ko against 6.1 # SKIP no linux-headers-6.1 package" >>"$res/host.tap"
fi

host_test "checkpatch --strict: kernel/ and uapi/" \
	perl "$ksrc/scripts/checkpatch.pl" --no-tree --strict --terse \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f \
	$(ls kernel/*.[ch] kernel/tests/*.c | grep -v '\.mod\.c$') uapi/linux/sis.h
host_test "kernel-doc: uapi header" \
	no_warnings perl "$ksrc/scripts/kernel-doc" -none uapi/linux/sis.h

# Userspace and its unit tests.
host_test "build: libsis and tools, -Wall -Wextra -Werror" make -s userspace
make -s unit >"$res/unit.tap" 2>"$out/unit.log" || true

# The Code-Red scanner: its wire parsing fuzzed for a bounded time, and its
# systemd unit checked (syntax, and a sandbox exposure of 2 at most).
host_test "fuzz: Code-Red DNS and frame parsing, 60 s, ASan+UBSan, no crash" \
	scripts/fuzz-codered.sh 60
sed "s|/usr/local/bin/sis-codered|$top/$build/sis-codered|" \
	tools/scanners/codered/sis-codered.service >"$out/sis-codered.service"
host_test "sis-codered.service: systemd-analyze verify" \
	no_warnings systemd-analyze verify "$out/sis-codered.service"
host_test "sis-codered.service: sandbox exposure at most 2.0" \
	systemd-analyze security --offline=true --threshold=20 "$out/sis-codered.service"

# The C kselftests, on the kernel tree's kselftest_harness.h.
mkdir -p "$build/selftests"
host_test "build: selftests" \
	gcc -Wall -Werror -O2 -I uapi -I "$ksrc/tools/testing/selftests" \
	$(pkg-config --cflags libnl-genl-3.0) -o "$build/selftests/netlink" \
	selftests/netlink.c $(pkg-config --libs libnl-genl-3.0)
host_test "build: selftests/udpio" \
	gcc -Wall -Wextra -Werror -O2 -o "$build/selftests/udpio" selftests/udpio.c
host_test "build: selftests/tcpio" \
	gcc -Wall -Wextra -Werror -O2 -o "$build/selftests/tcpio" selftests/tcpio.c \
	$(pkg-config --cflags --libs libcrypto)

log "booting the test guest (about 40 minutes under TCG: 100 MiB transfers and 10,000 connections)"
# IPv6 starts off on every device, so the only frames crossing a test's
# bridge are the ones the test sends (a test enables it where it needs it).
SIS_VM_APPEND=ipv6.disable_ipv6=1 scripts/vm.sh --timeout 3600 --out "$out" -- selftests/run.sh
vm_rc=$?
if [ "$vm_rc" = 0 ]; then
	echo "ok 1 - guest ran to the end" >"$res/guest.tap"
else
	echo "not ok 1 - guest ran to the end (vm.sh exit $vm_rc)" >"$res/guest.tap"
fi

# Any kernel report fails the run, whichever test caused it.
pattern='WARNING:|BUG:|KASAN|UBSAN|Oops|general protection|Kernel panic|'
pattern+='possible circular locking|possible recursive locking|'
pattern+='inconsistent lock state|suspicious RCU usage|lockdep|'
pattern+='suspected memory leak|unreferenced object|INFO: task .* blocked|'
pattern+='rcu_.*detected stall|refcount_t:|leaked reference|'
pattern+='sleeping function called from invalid context|list_(add|del) corruption'
if [ -f "$out/console.log" ] && grep -E "$pattern" "$out/console.log" >"$out/splats.txt"; then
	echo "not ok 1 - guest kernel log has no WARN/BUG/KASAN/lockdep/kmemleak report" >"$res/kernel-log.tap"
	log "kernel reports in the guest log (first lines):"
	head -n 20 "$out/splats.txt" | sed 's/^/    /' >&2
else
	echo "ok 1 - guest kernel log has no WARN/BUG/KASAN/lockdep/kmemleak report" >"$res/kernel-log.tap"
fi

# Show failed kselftests' diagnostics.
for f in "$res"/*.tap; do
	if grep -q '^ *not ok' "$f"; then
		log "failures in $(basename "$f"):"
		grep -E '^ *(not ok|#)' "$f" | grep -v '^# *ok' | head -n 40 | sed 's/^/    /' >&2
	fi
done

python3 scripts/tap-summary.py "$res"/*.tap
