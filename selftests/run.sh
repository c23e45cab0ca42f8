#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the test guest (scripts/vm.sh): loads sis.ko, runs the KUnit
# suites and every kselftest, writing TAP to $SIS_OUT/results/NAME.tap.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out=${SIS_OUT:-/tmp}/results
mkdir -p "$out"
cd "$top" || exit 1

# The lanes are balanced by time: stream-big alone takes about 26 minutes.
lane_a=(stream-big prevent netlink)
lane_b=(attach traffic scanner perm stream scanner-release codered)

if insmod kernel/sis.ko; then
	echo "ok 1 - insmod sis.ko" >"$out/module-load.tap"
else
	echo "not ok 1 - insmod sis.ko" >"$out/module-load.tap"
	exit 1
fi

echo "== kunit"
if insmod kernel/sis_kunit.ko; then
	for suite in /sys/kernel/debug/kunit/sis_*; do
		cp "$suite/results" "$out/kunit-$(basename "$suite").tap"
	done
	rmmod sis_kunit
else
	echo "not ok 1 - insmod sis_kunit.ko" >"$out/kunit.tap"
fi

run_one() {
	local t=$1 start rc limit
	start=$(date +%s)
	# 100 MiB each way and 10,000 connections take their time; stream,
	# beside stream-big, took 1493 s once. Lane b stays within the
	# guest's hour even if stream runs into its limit.
	limit=900
	case $t in
	stream) limit=2100 ;;
	stream-big) limit=2400 ;;
	esac
	timeout -k 10 "$limit" bash "selftests/$t.sh" >"$out/$t.tap" 2>"$out/$t.log"
	rc=$?
	echo "== $t: exit $rc, $(($(date +%s) - start)) s"
	case $rc in
	0) ;;
	4) echo "ok 1 - $t # SKIP $(tail -n 1 "$out/$t.log")" >>"$out/$t.tap" ;;
	124) echo "not ok 999 - $t timed out" >>"$out/$t.tap" ;;
	*) grep -q '^not ok' "$out/$t.tap" ||
		echo "not ok 999 - $t exited $rc" >>"$out/$t.tap" ;;
	esac
}

lane() {
	local t
	for t in "$@"; do
		run_one "$t"
	done
}

# Each test has its own namespaces, so two lanes share the two CPUs; the
# teardown test unloads the module and runs alone, last.
lane "${lane_a[@]}" &
lane "${lane_b[@]}" &
wait
run_one teardown

if rmmod sis; then
	echo "ok 1 - rmmod sis" >"$out/module-unload.tap"
else
	echo "not ok 1 - rmmod sis" >"$out/module-unload.tap"
fi
exit 0
