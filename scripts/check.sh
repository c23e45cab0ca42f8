#!/usr/bin/env bash
# The test suite (Documentation/testing.md).
#
#   scripts/check.sh check        `make check`: the host checks, then one boot
#                                 of the debug kernel: KUnit and every
#                                 kselftest of the check tier
#   scripts/check.sh host-check   `make host-check`: builds, static checks and
#                                 host unit tests (UNIT=suite-glob), no guest
#   scripts/check.sh kunit        `make kunit [SUITE=glob]`: the KUnit suites
#   scripts/check.sh selftest     `make selftest T=name[,name]`: those
#                                 kselftests, in the debug guest
#   scripts/check.sh soak         `make soak`: the soak tier (full-size loads)
#                                 on the non-debug kernel (SIS_SOAK_FLAVOR),
#                                 and long fuzzing
#
# After a guest run the guest's kernel log is searched for any WARN, BUG,
# KASAN, UBSAN, lockdep, RCU or kmemleak report. The totals come last, as
# "N passed, N failed[, N skipped]"; the exit code is non-zero on any failure.
set -uo pipefail

mode=${1:-check}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
# make cannot name targets with spaces: a checkout in such a path builds
# through a link without them.
mkdir -p "$build"
build=$(scripts/nospace.sh "$build")
export BUILD=$build
# guest-here is `make check`'s guest, run from a copy (any_dir): its
# results join the caller's (SIS_CHECK_OUT), its host tests in their own file.
if [ "$mode" = guest-here ]; then
	out=${SIS_CHECK_OUT:?guest-here is run by any_dir}
	res=$out/results
	host_tap=$res/host-any-dir.tap
else
	out=$build/$mode
	res=$out/results
	host_tap=$res/host.tap
	rm -rf "$out"
fi
mkdir -p "$res"
t0=$SECONDS

log() { echo "check: $*" >&2; }

# Minutes and seconds since the start, for the log.
elapsed() {
	local s=$((SECONDS - t0))
	printf '%d:%02d' $((s / 60)) $((s % 60))
}

# host_test NAME CMD...: one TAP result from a host command, its output kept.
host_n=0
host_test() {
	local name=$1 logf start=$SECONDS
	shift
	host_n=$((host_n + 1))
	logf=$out/host-$host_n.log
	if "$@" >"$logf" 2>&1; then
		echo "ok $host_n - $name" >>"$host_tap"
	else
		echo "not ok $host_n - $name" >>"$host_tap"
		log "FAILED: $name (see $logf)"
		tail -n 20 "$logf" | sed 's/^/    /' >&2
	fi
	echo "$name: $((SECONDS - start)) s" >>"$out/times"
}

# no_warnings CMD...: CMD succeeds and prints no compiler/checker warning.
no_warnings() {
	local o
	o=$("$@" 2>&1) || { echo "$o"; return 1; }
	echo "$o"
	! grep -E '(warning|error):' <<<"$o"
}

# module FLAVOR [MAKE ARGS...]: build sis.ko for FLAVOR; MODDIR gets the
# directory holding kernel/sis.ko.
MODDIR=$top
module() {
	MODDIR=$(scripts/module.sh "$@")
}

kernel() {
	local start=$SECONDS
	log "guest kernel $1 (cached in ${XDG_CACHE_HOME:-$HOME/.cache}/sis)"
	kdir=$(scripts/kernel.sh "$1") || exit 1
	ksrc=$(readlink -f "$kdir/source")
	echo "kernel $1: $((SECONDS - start)) s" >>"$out/times"
}

# The C kselftests, on the kernel tree's kselftest_harness.h.
selftest_bins() {
	mkdir -p "$build/selftests"
	host_test "build: selftests" \
		gcc -Wall -Werror -O2 -I uapi -I "$ksrc/tools/testing/selftests" \
		$(pkg-config --cflags libnl-genl-3.0) -o "$build/selftests/netlink" \
		selftests/netlink.c $(pkg-config --libs libnl-genl-3.0)
	host_test "build: selftests/portrace" \
		gcc -Wall -Wextra -Werror -O2 -I uapi \
		$(pkg-config --cflags libnl-genl-3.0) -o "$build/selftests/portrace" \
		selftests/portrace.c $(pkg-config --libs libnl-genl-3.0)
	host_test "build: selftests/udpio" \
		gcc -Wall -Wextra -Werror -O2 -o "$build/selftests/udpio" selftests/udpio.c
	host_test "build: selftests/tcpio" \
		gcc -Wall -Wextra -Werror -O2 -o "$build/selftests/tcpio" selftests/tcpio.c \
		$(pkg-config --cflags --libs libcrypto)
}

# host_part FUZZ_SECS: builds, static checks, unit tests, fuzzing.
host_part() {
	local hdr61
	# One pass from clean: each file compiled with W=1, then checked by
	# sparse (C=1 checks what it compiles).
	host_test "build: sis.ko for 6.12, W=1 and sparse (C=1) clean" \
		no_warnings scripts/module.sh debug --clean W=1 C=1 CHECK=sparse \
		SIS_KUNIT=1

	# 6.1 stays supported: compile against Debian's stock 6.1 headers.
	hdr61=$(ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | sort -V | tail -n 1)
	if [ -n "$hdr61" ]; then
		rm -rf "$build/k61"
		mkdir -p "$build/k61"
		cp -r Kbuild VERSION kernel uapi "$build/k61/"
		find "$build/k61" -name '*.o' -o -name '*.ko' -o -name '.*.cmd' | xargs rm -f
		host_test "build: sis.ko against $(basename "$hdr61"), W=1 clean" \
			no_warnings make -j"$(nproc)" -C "$hdr61" M="$build/k61" W=1 modules
	else
		host_n=$((host_n + 1))
		echo "ok $host_n - build: sis.ko against 6.1 # SKIP no linux-headers-6.1 package" >>"$host_tap"
	fi

	# A file at a time, on every CPU.
	host_test "checkpatch --strict: kernel/ and uapi/" \
		bash -c 'ls kernel/*.[ch] kernel/tests/*.c uapi/linux/sis.h |
			grep -v "\.mod\.c$" |
			xargs -P "$(nproc)" -n 4 perl "$1/scripts/checkpatch.pl" \
				--no-tree --strict --terse \
				--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f' _ "$ksrc"
	host_test "kernel-doc: uapi header" \
		no_warnings perl "$ksrc/scripts/kernel-doc" -none uapi/linux/sis.h
	host_test "YNL spec: valid, and uapi/linux/sis.h is what YNL renders of it" \
		scripts/ynl-check.py "$ksrc" "$build"
	host_test "YNL spec: the check fails on a spec that differs from the header" \
		scripts/ynl-check-fails.sh "$ksrc" "$build"
	host_test "kernel/tests/rule_corpus.h: as libpcap compiles rule_corpus.txt" \
		scripts/rule-corpus.sh --check

	# Userspace and its unit tests.
	host_test "build: libsis and tools, -Wall -Wextra -Werror" make -s userspace
	unit_tests
	man_pages

	# make install as a package would run it (scripts/install-check.sh).
	host_test "install: make install DESTDIR PREFIX=/usr puts exactly the expected files, uninstall takes them away" \
		scripts/install-check.sh files
	host_test "install: each installed program runs --version with the installed libsis.so.1" \
		scripts/install-check.sh run
	host_test "install: libsis.so.1's soname, NEEDED entries, no RPATH, exports exactly its headers' functions" \
		scripts/install-check.sh elf
	host_test "install: a program built with pkg-config against the staged install runs" \
		scripts/install-check.sh pkgconfig
	host_test "install: make install-codered and install-mailscan put what their documents say" \
		scripts/install-check.sh scanners
	host_test "install: make without a kernel tree says which headers to install" \
		scripts/install-check.sh kdir
	host_test "install: dkms builds sis.ko (version, family alias) against the 6.1 headers" \
		scripts/install-check.sh dkms
	host_test "install: dpkg-buildpackage builds the six Debian packages, lintian clean" \
		scripts/install-check.sh deb
	host_test "the test scripts: bash -n" \
		bash -c 'for f in "$@"; do bash -n "$f" || exit 1; done' _ \
		selftests/*.sh scripts/*.sh tools/sisctl/sisctl.bash-completion
	host_test "selftests/lib.sh: a helper's locals never hide the test's variables" \
		scripts/selftest-lib-check.sh

	# The Code-Red scanner: its wire parsing fuzzed for a bounded time, and its
	# systemd unit checked (syntax, and a sandbox exposure of 2 at most).
	host_test "fuzz: Code-Red DNS and frame parsing, $1 s, ASan+UBSan, no crash" \
		scripts/fuzz-codered.sh "$1"
	sed "s|/usr/local/sbin/sis-codered|$build/sis-codered|" \
		tools/scanners/codered/sis-codered.service >"$out/sis-codered.service"
	host_test "sis-codered.service: systemd-analyze verify" \
		no_warnings systemd-analyze verify "$out/sis-codered.service"
	host_test "sis-codered.service: sandbox exposure at most 2.0" \
		systemd-analyze security --offline=true --threshold=20 "$out/sis-codered.service"

	# The e-mail scanner likewise: its protocol and MIME handling fuzzed
	# (60 s however long the Code-Red run: the issue's bound), its unit.
	host_test "fuzz: mail protocols and MIME handling, 60 s, ASan+UBSan, no crash" \
		scripts/fuzz-mailscan.sh 60
	sed "s|/usr/local/sbin/sis-mailscan|$build/sis-mailscan|" \
		tools/scanners/mailscan/sis-mailscan.service >"$out/sis-mailscan.service"
	host_test "sis-mailscan.service: systemd-analyze verify" \
		no_warnings systemd-analyze verify "$out/sis-mailscan.service"
	host_test "sis-mailscan.service: sandbox exposure at most 2.0" \
		systemd-analyze security --offline=true --threshold=20 "$out/sis-mailscan.service"

	# The alert log's unit and its rotation (Documentation/alerts.md).
	sed "s|/usr/local/sbin/sisctl|$build/sisctl|" \
		systemd/sis-monitor.service >"$out/sis-monitor.service"
	host_test "sis-monitor.service: systemd-analyze verify" \
		no_warnings systemd-analyze verify "$out/sis-monitor.service"
	host_test "sis-monitor.service: sandbox exposure at most 2.0" \
		systemd-analyze security --offline=true --threshold=20 "$out/sis-monitor.service"
	host_test "sis.logrotate: a real rotation, as the unit expects" \
		scripts/logrotate-check.sh
	selftest_bins
}

unit_tests() {
	local start=$SECONDS
	make -s unit UNIT="${UNIT:-}" >"$res/unit.tap" 2>"$out/unit.log" || true
	grep -q '^1\.\.' "$res/unit.tap" || {
		echo "not ok 1 - host unit tests ran (see $out/unit.log)" >>"$res/unit.tap"
		tail -n 20 "$out/unit.log" | sed 's/^/    /' >&2
	}
	echo "unit tests: $((SECONDS - start)) s" >>"$out/times"
}

# The man pages: they render without a warning, and name what the
# programs take (scripts/man-check.sh); and sisctl's bash completion,
# each of its cases a result (scripts/completion-test.sh).
man_pages() {
	local start=$SECONDS
	host_test "man pages: render without a warning (man --warnings, mandoc -T lint)" \
		scripts/man-check.sh render
	host_test "man pages: sisctl.8 names every command, keyword and option of sisctl" \
		scripts/man-check.sh sisctl "$build"
	host_test "man pages: each scanner's page its options, libsis.3 every function and a compiling example" \
		scripts/man-check.sh scanners "$build"
	host_test "man pages: those checks fail on a page that misses one" \
		scripts/man-check.sh fails "$build"
	scripts/completion-test.sh "$build" >"$res/completion.tap" 2>"$out/completion.log"
	grep -q '^1\.\.' "$res/completion.tap" || {
		echo "not ok 1 - bash completion test ran (see $out/completion.log)" >>"$res/completion.tap"
		tail -n 20 "$out/completion.log" | sed 's/^/    /' >&2
	}
	echo "man pages and completion: $((SECONDS - start)) s" >>"$out/times"
}

# guest FLAVOR TIMEOUT RUN.SH-ARGS...: one boot, then its kernel log checked.
guest() {
	local flavor=$1 timeout=$2 vm_rc start=$SECONDS pattern
	shift 2
	log "$(elapsed) booting the $flavor guest: selftests/run.sh $*"
	SIS_VM_APPEND=ipv6.disable_ipv6=1 scripts/vm.sh --flavor "$flavor" \
		--timeout "$timeout" --out "$out" -- \
		env SIS_MODULE_DIR="$MODDIR" SISCTL="$build/sisctl" SIS_BUILD="$build" \
		SIS_KSRC="$ksrc" \
		selftests/run.sh "$@"
	vm_rc=$?
	echo "guest ($flavor): $((SECONDS - start)) s" >>"$out/times"
	if [ "$vm_rc" = 0 ]; then
		echo "ok 1 - guest ran to the end" >"$res/guest.tap"
	else
		echo "not ok 1 - guest ran to the end (vm.sh exit $vm_rc)" >"$res/guest.tap"
	fi
	[ -f "$res/times" ] && sed 's/^/  /' "$res/times" >>"$out/times"

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
}

# copy_tree DIR: what a clone would have, and what this checkout adds to
# it, into DIR.
copy_tree() {
	git ls-files -z --cached --others --exclude-standard |
		xargs -0 cp --parents -t "$1"
}

# any_dir: the project works from any directory: the whole check runs
# from a copy of this checkout under /var/tmp, in a path with a space: its
# host part builds the module and programs the guest then runs
# (guest-here); the results join this run's.
any_dir() {
	local d
	d=$(mktemp -d "/var/tmp/sis any-dir.XXXXXX") || return 1
	mkdir "$d/check out"
	host_test "any directory: a copy in a path with a space under /var/tmp" \
		copy_tree "$d/check out"
	(
		cd "$d/check out" && unset BUILD &&
			SIS_CHECK_OUT=$out scripts/check.sh guest-here
	)
	rm -rf "$d"
	# The links that let Kbuild and make reach it (scripts/nospace.sh).
	find "${XDG_CACHE_HOME:-$HOME/.cache}/sis/trees" -xtype l -delete 2>/dev/null
}

summary() {
	local f rc
	echo "total: $((SECONDS - t0)) s" >>"$out/times"
	# Show failed tests' diagnostics.
	for f in "$res"/*.tap; do
		if grep -q '^ *not ok' "$f"; then
			log "failures in $(basename "$f"):"
			grep -E '^ *(not ok|#)' "$f" | grep -v '^# *ok' | head -n 40 | sed 's/^/    /' >&2
		fi
	done
	log "times (also in $out/times):"
	sed 's/^/    /' "$out/times" >&2
	python3 scripts/tap-summary.py "$res"/*.tap
	rc=$?
	exit "$rc"
}

case $mode in
check)
	scripts/setup.sh || exit 1
	kernel debug
	any_dir
	summary
	;;
guest-here)
	# From any_dir: the host part, then the check tier's guest on what it
	# built (module.sh builds the debug flavour in the checkout).
	kernel debug
	host_part "${SIS_FUZZ_SECS:-20}"
	MODDIR=$top
	guest debug 5400 --tier check
	;;
host-check)
	scripts/setup.sh || exit 1
	kernel debug
	host_part "${SIS_FUZZ_SECS:-20}"
	summary
	;;
kunit)
	scripts/setup.sh || exit 1
	kernel debug
	host_test "build: sis.ko and its KUnit suites" module debug SIS_KUNIT=1
	guest debug 1200 --kunit "${SUITE:-*}" --no-tests
	summary
	;;
selftest)
	scripts/setup.sh || exit 1
	kernel debug
	host_test "build: sis.ko" module debug
	host_test "build: libsis and tools" make -s userspace
	selftest_bins
	if [ -z "${T:-}" ]; then
		log "name the tests: make selftest T=name[,name] (the names of selftests/*.sh)"
		exit 2
	else
		guest debug 3000 --no-kunit --tests "$T"
	fi
	summary
	;;
soak)
	scripts/setup.sh || exit 1
	flavor=${SIS_SOAK_FLAVOR:-bench}
	kernel "$flavor"
	host_test "build: sis.ko for the $flavor kernel" module "$flavor"
	host_test "build: libsis and tools" make -s userspace
	selftest_bins
	# The fuzzer takes one host CPU, the one-CPU guest the other: side by side.
	secs=${SIS_FUZZ_SECS:-600}
	(
		name="fuzz: Code-Red DNS and frame parsing, $secs s, ASan+UBSan, no crash"
		start=$SECONDS
		if scripts/fuzz-codered.sh "$secs" >"$out/fuzz.log" 2>&1; then
			echo "ok 1 - $name" >"$res/fuzz.tap"
		else
			echo "not ok 1 - $name (see $out/fuzz.log)" >"$res/fuzz.tap"
		fi
		name="fuzz: mail protocols and MIME handling, $secs s, ASan+UBSan, no crash"
		if scripts/fuzz-mailscan.sh "$secs" >"$out/fuzz-mail.log" 2>&1; then
			echo "ok 2 - $name" >>"$res/fuzz.tap"
		else
			echo "not ok 2 - $name (see $out/fuzz-mail.log)" >>"$res/fuzz.tap"
		fi
		echo "fuzzing, beside the guest: $((SECONDS - start)) s" >>"$out/times"
	) &
	fuzz_pid=$!
	guest "$flavor" 7200 --tier soak --no-kunit ${T:+--tests "$T"}
	wait "$fuzz_pid"
	summary
	;;
coverage)
	# scripts/coverage.sh: the check tier on the coverage kernel, with
	# the module's gcov counters saved to $out/gcov.
	scripts/setup.sh coverage || exit 1
	kernel coverage
	host_test "build: sis.ko with gcov" module coverage SIS_KUNIT=1 SIS_GCOV=1
	host_test "build: libsis and tools" make -s userspace
	selftest_bins
	rm -rf "$out/gcov"
	guest coverage 3000 --tier check
	summary
	;;
*)
	echo "usage: $0 check|host-check|kunit|selftest|soak|coverage" >&2
	exit 2
	;;
esac
