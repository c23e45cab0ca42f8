#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sis-selftest: tiers=check,soak cost=150 limit=3600
# Containment at size under loss (issue: a contained download stalled): an
# HTTP download (python3 http.server behind the bridge, curl at the host)
# through netem with 2% loss, 10% reordering, 1% duplication and 1 ms delay
# on both sides, read by a stream scanner, then contained by one that
# passes every piece as it comes, three times each. All are byte-exact, and
# the contained ones take at most 1.5 times as long as the read ones
# (medians) in the soak tier, 3 times in the check tier (below). 10 MiB in
# the check tier, 100 MiB in the soak tier.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/stream_lib.sh"
trap 'kill $SRV_PID $ST_PID 2>/dev/null; cleanup' EXIT

MB=$((1 << 20))
# The bound, in halves: the issue's 1.5 times in the soak tier (the
# non-debug guest, one CPU, the test alone); in the check tier, beside
# another test on the debug kernel, where a download's time says more of
# the other lane than of SIS (contained 1.7 times the read medians in one
# run, 0.9 in another), 3 times: a stall guard (the stalled downloads
# never finished).
if [ "${SIS_TIER:-check}" = soak ]; then
	SIZE=${STREAM_LOSS_SIZE:-$((100 * MB))}
	LIMIT=3600
	BOUND=3 BOUND_X=1.5
else
	SIZE=${STREAM_LOSS_SIZE:-$((10 * MB))}
	LIMIT=900
	BOUND=6 BOUND_X=3
fi
SRV_PID=

st_need "$STREAM"

setup_topology
read -r rmem_max </proc/sys/net/core/rmem_max
[ "$rmem_max" -ge 4194304 ] || echo 4194304 >/proc/sys/net/core/rmem_max
check "attach" sis attach br0 host hp0
check "netem on h0 and n0: 2% loss, 10% reordering, 1% duplication" \
	netem add netem delay 1ms loss 2% duplicate 1% reorder 10%

mkdir -p "$TMPD/www"
head -c "$SIZE" /dev/urandom >"$TMPD/www/blob"
read -r want _ < <(sha256sum "$TMPD/www/blob")
ip netns exec "$NS_N" python3 -m http.server 8080 --bind 10.0.0.2 \
	--directory "$TMPD/www" >"$TMPD/srv.log" 2>&1 &
SRV_PID=$!
srv_up() {
	ip netns exec "$NS_H" curl -s -o /dev/null --max-time 5 \
		http://10.0.0.2:8080/ 2>/dev/null
}
wait_until "$WAIT_SECS" srv_up
check "http.server answers" srv_up

# download NAME RIGHTS SECS [SIS-STREAM ARGS...]: a scanner NAME with a
# stream capability of RIGHTS on port 8080 runs sis-stream; curl downloads
# the blob, for SECS at most; ELAPSED gets its time in ms.
download() {
	local name=$1 rights=$2 secs=$3 t0 t1 got rc=0
	shift 3
	check "$name: declare" sis scanner add "$name" bridge br0 user nobody
	check "$name: stream capability, $rights" \
		sis cap add "$name" web stream net-port 8080 rights "$rights"
	st_start "$name" -c web -m null "$@"
	t0=${EPOCHREALTIME/./}
	ip netns exec "$NS_H" curl -s --max-time "$secs" \
		-o "$TMPD/got" http://10.0.0.2:8080/blob || rc=$?
	check_eq "$name: curl finished within $secs s" "$rc" 0
	t1=${EPOCHREALTIME/./}
	ELAPSED=$(((t1 - t0) / 1000))
	read -r got _ < <(sha256sum "$TMPD/got" 2>/dev/null)
	check_eq "$name: $SIZE bytes, byte-exact" "$got" "$want"
	diag "$name: $((ELAPSED / 1000)).$((ELAPSED % 1000 / 100)) s"
	# shellcheck disable=SC2016
	diag "$name: stream counters $(sis_json '$b.stream_stats' | tr -d '"')"
	# shellcheck disable=SC2016
	DUPACKS=$(sis_json '$b.stream_stats.dupacks')
	st_stop
	diag "$name: $(tail -n 1 "$ST_OUT")"
	check "$name: delete" sis scanner del "$name"
	rm -f "$TMPD/got"
}

# Download times under loss vary by several times from run to run (where
# the losses fall against slow start and the RTO): ROUNDS of each, one
# read then one contained, and the medians compared.
ROUNDS=3
ro_all=() ct_all=() ro_max=0
for r in $(seq "$ROUNDS"); do
	download "ro$r" read "$LIMIT"
	ro_all+=("$ELAPSED")
	[ "$ELAPSED" -gt "$ro_max" ] && ro_max=$ELAPSED
	check_eq "ro$r: the receiver said what it lacked: no duplicate ACK from SIS" \
		"$DUPACKS" "${ct_dupacks:-0}"
	# Far past the slowest read, it stalled: no need to wait for the rest.
	download "ct$r" read,contain $((ro_max * 4 / 1000 + 30)) -C
	ct_all+=("$ELAPSED")
	# The counters are the bridge's, since attach: ro sent none.
	if [ "${DUPACKS:-0}" -gt "${ct_dupacks:-0}" ]; then
		ok "ct$r: SIS told the sender of the holes ($((DUPACKS - ${ct_dupacks:-0})) duplicate ACKs)"
	else
		not_ok "ct$r: SIS told the sender of the holes"
		diag "dupacks: $DUPACKS"
	fi
	ct_dupacks=$DUPACKS
done
# median MS...: the middle one.
median() {
	printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"
}
ro_ms=$(median "${ro_all[@]}")
ct_ms=$(median "${ct_all[@]}")
diag "read ${ro_all[*]} ms, contained ${ct_all[*]} ms"
if [ $((ct_ms * 2)) -le $((ro_ms * BOUND)) ]; then
	ok "contained within $BOUND_X times the read time (medians $ct_ms ms, $ro_ms ms)"
else
	not_ok "contained within $BOUND_X times the read time"
	diag "medians: contained $ct_ms ms, read $ro_ms ms"
fi

check "netem off" netem del
tap_done
