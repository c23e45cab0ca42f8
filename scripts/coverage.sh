#!/usr/bin/env bash
# `make coverage`: line and branch coverage of kernel/ by the KUnit suites
# and the check tier's kselftests (one boot of the coverage kernel, gcov),
# and of lib/ and tools/ by the host unit tests. Reports, in $BUILD/coverage:
#
#   kernel.info, kernel/index.html     kernel/, lcov tracefile and HTML
#   user.info, user/index.html         lib/ and tools/
#   summary.txt                        both totals, and the largest functions
#                                      that no test ran
#
# No gate: the exit code is the test run's. Documentation/testing.md has
# the figures.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
export BUILD=$build
out=$build/coverage
lcov_rc=(--rc lcov_branch_coverage=1)

# The kernel side: the tests, with the module's counters saved.
scripts/check.sh coverage
rc=$?
moddir=$build/mod-coverage
if ! ls "$out"/gcov >/dev/null 2>&1; then
	echo "coverage: the guest saved no gcov counters" >&2
	exit 1
fi
# Each counter file goes next to its object's notes (.gcno).
find "$out/gcov" -name '*.gcda' | while read -r f; do
	rel=${f#*/kernel/}
	cp "$f" "$moddir/kernel/$rel"
done

# The host side: the unit tests of a build with gcov counters.
ubuild=$build/coverage-user
find "$ubuild" -name '*.gcda' -delete 2>/dev/null
make -s BUILD="$ubuild" COVERAGE=1 unit >"$out/unit.tap" 2>&1 || rc=1

lcov -q "${lcov_rc[@]}" --capture --directory "$moddir/kernel" \
	--base-directory "$moddir" --output-file "$out/kernel.raw" 2>"$out/lcov.log"
lcov -q "${lcov_rc[@]}" --extract "$out/kernel.raw" '*/kernel/*' \
	--output-file "$out/kernel.all" 2>>"$out/lcov.log"
# The KUnit suites are the tests, not what is measured.
lcov -q "${lcov_rc[@]}" --remove "$out/kernel.all" '*/kernel/tests/*' \
	--output-file "$out/kernel.info" 2>>"$out/lcov.log"
# Report kernel/ under its name in the checkout, not the build copy.
sed -i "s|^SF:$moddir/|SF:$top/|" "$out/kernel.info"
lcov -q "${lcov_rc[@]}" --capture --directory "$ubuild/obj" --base-directory "$top" \
	--output-file "$out/user.raw" 2>>"$out/lcov.log"
lcov -q "${lcov_rc[@]}" --extract "$out/user.raw" "$top/lib/*" "$top/tools/*" \
	--output-file "$out/user.all" 2>>"$out/lcov.log"
# The tests themselves are not what is measured.
lcov -q "${lcov_rc[@]}" --remove "$out/user.all" '*/tests/*' \
	--output-file "$out/user.info" 2>>"$out/lcov.log"
for part in kernel user; do
	genhtml -q "${lcov_rc[@]}" --output-directory "$out/$part" "$out/$part.info" \
		>>"$out/lcov.log" 2>&1
done

python3 scripts/coverage-summary.py "$top" "$out/kernel.info" "$out/user.info" |
	tee "$out/summary.txt"
echo "coverage: HTML in $out/kernel/index.html and $out/user/index.html" >&2
exit "$rc"
