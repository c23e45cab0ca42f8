#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sis-selftest: tiers=check,soak cost=63 limit=1500
# Stream subscriptions, scanners and the bridge's attachment come and go
# while new connections arrive, on the debug kernel (KASAN, lockdep,
# kmemleak: the guest's log is checked after every run). A SYN that
# matched a subscription must not bring its connection in with it once the
# subscription has ended (it would be read after it is freed), and
# detaching must wait for the hooks still running before it frees the
# connection table. These are races: the check tier runs them briefly, the
# soak tier ten times as long.
#
#   NS_N: hping3 -S, 10.0.0.2 --- np0 [br0] hp0 --- h0 10.0.0.1 (RST)
#                            NS_B: scanners as nobody
source "$(dirname "$0")/lib.sh"

PORT=5001
SCAN=$BUILDDIR/sis-scan
STREAM=$BUILDDIR/sis-stream
SCALE=1
[ "$SIS_TIER" = soak ] && SCALE=10
CHURN=$((100 * SCALE))		# subscriptions made and ended
ROUNDS=$((3 * SCALE))		# scanners deleted, bridges detached

bg_pids=()
trap cleanup_bg EXIT

if ! command -v hping3 >/dev/null; then
	echo "1..0 # SKIP hping3 is not installed (scripts/setup.sh installs it)"
	exit "$KSFT_SKIP"
fi

setup_topology

# declare NAME: a scanner containing the streams to the host's port; absent
# pass, so that connections come and are tracked while it has no process.
declare_scanner() {
	sis scanner add "$1" bridge br0 user nobody timeout 60000 absent pass &&
		sis cap add "$1" web stream host-port "$PORT" rights read,contain
}

# stream_start NAME: sis-stream attached as NAME, subscribed; ST_PID.
stream_start() {
	: >"$TMPD/$1.out"
	ip netns exec "$NS_B" setpriv --reuid=nobody --regid=nogroup \
		--clear-groups "$STREAM" -s "$1" -c web >"$TMPD/$1.out" \
		2>"$TMPD/$1.err" &
	ST_PID=$!
	wait_until "$WAIT_SECS" grep -qx ready "$TMPD/$1.out"
}

# total: connections the bridge has tracked since it was attached.
total() {
	sis_json '$b.stream_stats.conns_total'
}
tracking() {
	[ "$(total)" -gt "$1" ]
}

check "attach" sis attach br0 host hp0
declare_scanner churn && declare_scanner readd
check_eq "declare scanners churn and readd" "$?" 0

# SYNs to the host's port from successive source ports, 100 a second: each
# is a new connection, which the host's RST ends.
ip netns exec "$NS_N" nice -n 19 hping3 -S -p "$PORT" -i u10000 10.0.0.1 \
	>/dev/null 2>&1 &
bg_pids+=("$!")

# --- a subscription ends while its SYNs come in ------------------------------
# One scanner subscribes and unsubscribes as fast as it can; beside it
# another is deleted and declared again, subscribed each time.
timeout "$WAIT_SECS" ip netns exec "$NS_B" "$SCAN" --uid "$(id -u nobody)" \
	--name churn --cap web --rights contain --churn "$CHURN" --count 0 \
	>/dev/null 2>"$TMPD/churn.err" &
churn_pid=$!
bg_pids+=("$churn_pid")
t0=$(total)
readded=0
for ((i = 0; i < ROUNDS; i++)); do
	stream_start readd || break
	wait_until "$WAIT_SECS" tracking "$(total)" ||
		diag "round $i: no new connection tracked"
	sis scanner del readd || break
	kill -KILL "$ST_PID" 2>/dev/null
	wait "$ST_PID"
	declare_scanner readd || break
	readded=$((readded + 1))
done
check_eq "scanner readd deleted and declared again $ROUNDS times" \
	"$readded" "$ROUNDS"
wait "$churn_pid"
check_eq "scanner churn subscribed and unsubscribed $CHURN times" "$?" 0
[ -s "$TMPD/churn.err" ] && diag "churn: $(<"$TMPD/churn.err")"
check_eq "connections were tracked all along" "$(( $(total) > t0 ))" 1

# --- the bridge detached while its hooks run ---------------------------------
detached=0
for ((i = 0; i < ROUNDS; i++)); do
	stream_start readd || break
	wait_until "$WAIT_SECS" tracking "$(total)" ||
		diag "detach round $i: no new connection tracked"
	sis detach br0 || break
	kill -KILL "$ST_PID" 2>/dev/null
	wait "$ST_PID"
	sis attach br0 host hp0 || break
	declare_scanner readd || break
	detached=$((detached + 1))
done
check_eq "detached under SYNs and attached again $ROUNDS times" \
	"$detached" "$ROUNDS"

tap_done
