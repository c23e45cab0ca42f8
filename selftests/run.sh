#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the test guest (scripts/vm.sh): loads sis.ko, runs the KUnit
# suites and the kselftests, writing TAP to $SIS_OUT/results/NAME.tap.
#
#   selftests/run.sh [--tier check|soak] [--kunit GLOB | --no-kunit]
#                    [--tests NAME[,NAME...] | --no-tests]
#
# The tests are the selftests/*.sh files other than the libraries (lib.sh,
# *_lib.sh) and this runner. Each may declare, in a comment line
#
#   # sis-selftest: tiers=check,soak cost=300 limit=1800 alone
#
# the tiers it runs in (default check), what it costs in seconds in the
# check tier on the debug kernel under TCG (default 60; the longest start
# first), its time limit (default 900 s, three times that in the soak
# tier), and "alone" if it must run by itself after the others (it unloads
# the module). The others run in $SIS_LANES lanes (the guest's CPUs), each
# taking the next test as it finishes one. --tests runs the tests named,
# whatever their tiers. SIS_TIER is exported: a test sizes its load by it.
# SIS_MODULE_DIR (default: the checkout) holds kernel/sis.ko and
# kernel/sis_kunit.ko.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out=${SIS_OUT:-/tmp}/results
cd "$top" || exit 1

tier=check
kunit='*'
tests=
run_tests=1
while [ $# -gt 0 ]; do
	case $1 in
	--tier) tier=$2; shift ;;
	--kunit) kunit=$2; shift ;;
	--no-kunit) kunit= ;;
	--tests) tests=$2; shift ;;
	--no-tests) run_tests=0 ;;
	*) echo "usage: $0 [--tier check|soak] [--kunit GLOB|--no-kunit] [--tests A,B|--no-tests]" >&2
	   exit 2 ;;
	esac
	shift
done
case $tier in
check|soak) ;;
*) echo "run.sh: unknown tier '$tier' (check or soak)" >&2; exit 2 ;;
esac
export SIS_TIER=$tier
moddir=${SIS_MODULE_DIR:-$top}
export SIS_MODULE=$moddir/kernel/sis.ko
mkdir -p "$out"

# meta FILE: M_TIERS, M_COST, M_LIMIT and M_ALONE from the file's
# "# sis-selftest:" line, or their defaults. Builtins only: a process
# takes a good part of a second to start in the debug guest.
meta() {
	local line w
	M_TIERS=check M_COST=60 M_LIMIT=900 M_ALONE=0
	while IFS= read -r line; do
		[[ $line == '# sis-selftest:'* ]] || continue
		for w in ${line#*:}; do
			case $w in
			tiers=*) M_TIERS=${w#*=} ;;
			cost=*) M_COST=${w#*=} ;;
			limit=*) M_LIMIT=${w#*=} ;;
			alone) M_ALONE=1 ;;
			esac
		done
		return
	done <"$1"
}

# The tests to run, and which of them run alone.
all=()
for f in selftests/*.sh; do
	t=${f##*/}
	t=${t%.sh}
	case $t in lib | *_lib | run) continue ;; esac
	all+=("$t")
done
chosen=()
if [ "$run_tests" = 0 ]; then
	:
elif [ -n "$tests" ]; then
	for t in ${tests//,/ }; do
		if [ -f "selftests/$t.sh" ] && [[ " ${all[*]} " == *" $t "* ]]; then
			chosen+=("$t")
		else
			echo "not ok 1 - selftest $t exists (have: ${all[*]})" >"$out/$t.tap"
		fi
	done
else
	for t in "${all[@]}"; do
		meta "selftests/$t.sh"
		[[ ",$M_TIERS," == *",$tier,"* ]] && chosen+=("$t")
	done
fi
lanes=() alone=()
for t in "${chosen[@]}"; do
	meta "selftests/$t.sh"
	if [ "$M_ALONE" = 1 ]; then
		alone+=("$t")
	else
		lanes+=("$M_COST $t")
	fi
done
# Longest first: the lanes end close together.
queue=()
[ "${#lanes[@]}" = 0 ] ||
	mapfile -t queue < <(printf '%s\n' "${lanes[@]}" | sort -rn | cut -d' ' -f2)

if insmod "$SIS_MODULE"; then
	echo "ok 1 - insmod sis.ko" >"$out/module-load.tap"
else
	echo "not ok 1 - insmod sis.ko" >"$out/module-load.tap"
	exit 1
fi

if [ -n "$kunit" ]; then
	echo "== kunit ($kunit)"
	# No newline: the parameter would keep it, and match nothing.
	printf '%s' "$kunit" >/sys/module/kunit/parameters/filter_glob
	if insmod "$moddir/kernel/sis_kunit.ko"; then
		n=0
		for suite in /sys/kernel/debug/kunit/sis_*; do
			[ -e "$suite/results" ] || continue
			cp "$suite/results" "$out/kunit-${suite##*/}.tap"
			n=$((n + 1))
		done
		[ "$n" -gt 0 ] ||
			echo "not ok 1 - a KUnit suite matches '$kunit'" >"$out/kunit.tap"
		rmmod sis_kunit
	else
		echo "not ok 1 - insmod sis_kunit.ko" >"$out/kunit.tap"
	fi
fi

run_one() {
	local t=$1 start rc limit
	start=$EPOCHSECONDS
	meta "selftests/$t.sh"
	limit=$M_LIMIT
	[ "$tier" = soak ] && limit=$((limit * 3))
	echo "$start: $t starts" >"$out/$t.stamps"
	SIS_STAMPS=$out/$t.stamps timeout -k 10 "$limit" bash "selftests/$t.sh" \
		>"$out/$t.tap" 2>"$out/$t.log"
	rc=$?
	echo "== $t: exit $rc, $((EPOCHSECONDS - start)) s"
	echo "$t $((EPOCHSECONDS - start))" >>"$out/times"
	case $rc in
	0) ;;
	4) echo "ok 1 - $t # SKIP $(tail -n 1 "$out/$t.log")" >>"$out/$t.tap" ;;
	124) echo "not ok 999 - $t timed out after $limit s" >>"$out/$t.tap" ;;
	*) grep -q '^not ok' "$out/$t.tap" ||
		echo "not ok 999 - $t exited $rc" >>"$out/$t.tap" ;;
	esac
}

# lane: take the next test of the queue until none is left.
qdir=$(mktemp -d)
echo 0 >"$qdir/next"
lane() {
	local i lk
	while :; do
		exec {lk}>>"$qdir/lock"
		flock "$lk"
		read -r i <"$qdir/next"
		echo $((i + 1)) >"$qdir/next"
		exec {lk}>&-
		[ "$i" -lt "${#queue[@]}" ] || return 0
		run_one "${queue[$i]}"
	done
}

# Each test has its own namespaces, so the lanes share the CPUs; a test
# that unloads the module runs alone, last.
if [ "${#queue[@]}" -gt 0 ]; then
	echo "== $tier tier: ${queue[*]}${alone[*]:+, then ${alone[*]}}"
	for ((l = 0; l < ${SIS_LANES:-$(nproc)}; l++)); do
		lane &
	done
	wait
fi
for t in "${alone[@]}"; do
	run_one "$t"
done
rm -rf "$qdir"

if rmmod sis; then
	echo "ok 1 - rmmod sis" >"$out/module-unload.tap"
else
	echo "not ok 1 - rmmod sis" >"$out/module-unload.tap"
fi

# A coverage kernel keeps the module's counters after rmmod: save them.
if [ -d /sys/kernel/debug/gcov ] && [ -n "${SIS_OUT:-}" ]; then
	(
		cd /sys/kernel/debug/gcov &&
		find . -name '*.gcda' | while read -r f; do
			mkdir -p "$SIS_OUT/gcov/$(dirname "$f")"
			cat "$f" >"$SIS_OUT/gcov/$f"
		done
	)
fi
exit 0
