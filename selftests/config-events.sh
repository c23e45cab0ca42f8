#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sis-selftest: cost=40
# Configuration events: every change of configuration reaches the "config"
# group's listeners once, in the order of the changes, saying what changed,
# why, and what it names (sisctl monitor config -j); an unprivileged user
# cannot join the group, and a monitor of the alerts group prints none of
# its events.
#
#   NS_H: h0 10.0.0.1 --- hp0 [br0] np0 --- n0 10.0.0.2 :NS_N
#   NS_B: the monitors, and a second bridge, p0 [probe] p1 (dummies):
#         changes to it tell when a monitor listens, and are left out of
#         the checks
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/scanner_lib.sh"

events_cleanup() {
	[ -z "${SCAN_PID:-}" ] || kill -KILL "$SCAN_PID" 2>/dev/null
	cleanup_bg
}
trap events_cleanup EXIT

# has FILE TEXT: a line of FILE contains TEXT (builtins only).
has() {
	local line
	while IFS= read -r line; do
		[[ $line == *"$2"* ]] && return 0
	done <"$1"
	return 1
}

# monitor_start FILE ARGS...: sisctl monitor ARGS in the bridge's
# namespace, its output to FILE, its errors to FILE.err; MON_PID names it.
monitor_start() {
	local f=$1
	shift
	"$SISCTL" -n "$NS_B" monitor "$@" >"$f" 2>"$f.err" &
	MON_PID=$!
	bg_pids+=("$MON_PID")
}

# monitor_ready DESC FILE PID CMD...: run CMD, a change to the probe
# bridge, until the monitor PID, writing FILE, prints something of that
# bridge: from then on it has joined its groups. One test. Its locals
# start with an underscore, as lib.sh's helpers' do.
monitor_ready() {
	local _desc=$1 _f=$2 _pid=$3 _start=$SECONDS
	shift 3
	while kill -0 "$_pid" 2>/dev/null &&
		[ "$SECONDS" -lt $((_start + WAIT_SECS)) ]; do
		"$@" >/dev/null 2>&1
		if wait_until 2 has "$_f" '"bridge":"probe"'; then
			ok "$_desc"
			return 0
		fi
	done
	not_ok "$_desc"
	diag "nothing of the probe bridge after $((SECONDS - _start)) s;" \
		"monitor's errors: $(<"$_f.err")"
	return 1
}

# probe_alert MESSAGE: the probe scanner's process attaches, sends an alert
# and exits.
probe_alert() {
	ip netns exec "$NS_B" "$SCAN" --uid "$NOBODY" --name prober \
		--alert "$1" --count 0
}

setup_topology
ip -n "$NS_B" -batch - <<EOF
link add probe type bridge
link add p0 type dummy
link add p1 type dummy
link set p0 master probe
link set p1 master probe
EOF
check "attach the probe bridge" sis attach probe host p0
check "declare the probe scanner" sis scanner add prober bridge probe user nobody

# --- an unprivileged user cannot join the group ---
# (timeout: a monitor that joined would wait for events for ever)
check_fail "nobody cannot join the config group" \
	"joining the config group: Operation not permitted" \
	timeout 120 ip netns exec "$NS_B" setpriv --reuid=nobody \
	--regid=nogroup --clear-groups --inh-caps=-all "$SISCTL" monitor config

# --- the monitors: config, and alerts alone ---
monitor_start "$TMPD/config.json" config -j
config_pid=$MON_PID
monitor_start "$TMPD/alerts.json" alerts -j
alerts_pid=$MON_PID
monitor_ready "the config monitor listens" "$TMPD/config.json" "$config_pid" \
	sis set dev probe max-conns 1000
monitor_ready "the alerts monitor listens" "$TMPD/alerts.json" "$alerts_pid" \
	probe_alert ready

# --- every kind of change, on br0 ---
# A UDP datagram, to register for injection.
udp_frame >"$TMPD/frame.bin"
check "attach br0" sis attach br0 host hp0
check "set dev br0" sis set dev br0 max-conns 1000
id=$(sis prevent add br0 icmp)
check_eq "prevent add: rule 1" "$id" 1
check "prevent del" sis prevent del br0 "$id"
check "scanner add cfg" sis scanner add cfg bridge br0 user nobody
check "cap add cfg icmp" sis cap add cfg icmp rights read icmp
check "inject add cfg 7" sis inject add cfg 7 "$TMPD/frame.bin" dir in
check "inject del cfg 7" sis inject del cfg 7
# A process attaches, subscribes twice, ends one subscription and exits
# with the other: subscriptions are not configuration, none is announced.
pid=null
if scan_start --name cfg --cap icmp --cap icmp --unsubscribe 1; then
	pid=$(scanner_json cfg .pid)
	# Its socket is released as it exits, before it is reaped: the
	# event is out once scan_stop returns.
	scan_stop
fi
if [[ $pid =~ ^[1-9][0-9]*$ ]]; then
	ok "the scanner process attached, pid $pid"
else
	not_ok "the scanner process attached"
	diag "pid: '$pid'"
fi
check "cap del cfg icmp" sis cap del cfg icmp
check "scanner del cfg" sis scanner del cfg
check "detach br0" sis detach br0
check "attach br0 again" sis attach br0 host hp0
check "scanner add gone, to go with the bridge" \
	sis scanner add gone bridge br0 user nobody
check "np0 leaves the bridge" ip -n "$NS_B" link set np0 nomaster
wait_for "the last event came" "$WAIT_SECS" has "$TMPD/config.json" \
	'"command":"closed"'
# An alert after every change: once the alerts monitor has it, it has had
# whatever it would have had of them.
probe_alert last
wait_for "the alerts monitor got the last alert" "$WAIT_SECS" \
	has "$TMPD/alerts.json" '"message":"last"'
kill -TERM "$config_pid" "$alerts_pid" 2>/dev/null
wait "$config_pid" "$alerts_pid"

# --- each change once, in order, with its fields ---
check_eq "the config monitor printed configuration events only" \
	"$(jq -sc 'map(.event) | unique' "$TMPD/config.json")" '["config"]'
check_eq "br0's events, each once, in order (none for subscriptions)" \
	"$(jq -c 'select(.bridge == "br0") |
		[.command, .reason, .scanner, .cap, .id, .pid, .port]' \
		"$TMPD/config.json")" \
	"$(printf '%s\n' \
		'["attach","request",null,null,null,null,null]' \
		'["set","request",null,null,null,null,null]' \
		'["prevent-add","request",null,null,1,null,null]' \
		'["prevent-del","request",null,null,1,null,null]' \
		'["scanner-add","request","cfg",null,null,null,null]' \
		'["cap-add","request","cfg","icmp",null,null,null]' \
		'["inject-add","request","cfg",null,7,null,null]' \
		'["inject-del","request","cfg",null,7,null,null]' \
		"[\"scanner-attach\",\"request\",\"cfg\",null,null,$pid,null]" \
		"[\"scanner-detached\",\"process-exit\",\"cfg\",null,null,$pid,null]" \
		'["cap-del","request","cfg","icmp",null,null,null]' \
		'["scanner-del","request","cfg",null,null,null,null]' \
		'["detach","request",null,null,null,null,null]' \
		'["attach","request",null,null,null,null,null]' \
		'["scanner-add","request","gone",null,null,null,null]' \
		'["detach","port-left",null,null,null,null,"np0"]' \
		'["closed","port-left",null,null,null,null,"np0"]')"
line=$(ip -n "$NS_B" -o link show br0)
check_eq "each names br0 by its ifindex too, and has a time" \
	"$(jq -sc '[.[] | select(.bridge == "br0") |
		[.ifindex, (.time | type), (.time_ns | type)]] | unique' \
		"$TMPD/config.json")" "[[${line%%:*},\"string\",\"number\"]]"

# --- the alerts monitor: alerts only ---
check_eq "the alerts monitor printed alerts only" \
	"$(jq -sc 'map(.event) | unique' "$TMPD/alerts.json")" '["alert"]'
check_eq "and none of br0's" \
	"$(jq -sc 'map(select(.bridge == "br0")) | length' "$TMPD/alerts.json")" 0

tap_done
