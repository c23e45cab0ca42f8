#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sis-selftest: cost=45
# Alerts that are kept (Documentation/alerts.md): `sisctl monitor --eve
# FILE --journal`, as sis-monitor.service runs it, writes a scanner's
# alert (build/sis-scan as nobody, a UDP frame attached) to the EVE file
# with the frame's addresses and ports, and the changes of configuration;
# the file is 0640; logrotate with systemd/sis.logrotate renames it and
# its postrotate's SIGHUP makes the monitor write the next alert to a new
# file; and the journal gets each record with its fields.
#
# The journal: the guest has no systemd as PID 1, and systemd-journald
# does not run there even alone (the guest kernel has no cgroups, and
# journald exits: "Failed to acquire cgroup root path"). So the journal's
# socket is bound here instead, in a mount namespace of the test's own
# (no other test sees it), by selftests/journal_sink.py, which reads what
# libsystemd's sd_journal_sendv() sends there as journald would (the
# native protocol, values with newlines, entries passed as memfds) and
# writes each entry's fields as JSON; the monitor runs in that namespace.
#
#   NS_H: h0 --- hp0 [br0, attached] np0 --- n0 :NS_N
#                NS_B: the scanner (nobody), the monitor (root)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/scanner_lib.sh"

SINK=$TOP/selftests/journal_sink.py
for t in /usr/bin/python3 logrotate unshare; do
	if ! command -v "$t" >/dev/null; then
		echo "1..0 # SKIP $t is not installed (scripts/setup.sh)"
		exit "$KSFT_SKIP"
	fi
done

mon_pid=
log_cleanup() {
	[ -z "$mon_pid" ] || kill -KILL "$mon_pid" 2>/dev/null
	[ -s "$TMPD/sink.pid" ] && kill -KILL "$(<"$TMPD/sink.pid")" 2>/dev/null
	scan_cleanup
}
trap log_cleanup EXIT

setup_topology
check "attach" sis attach br0 host hp0
check "declare scanner ids" sis scanner add ids bridge br0 user nobody
check "a contain capability on UDP" sis cap add ids udp rights read,contain udp

# --- the journal's socket and the monitor, in a mount namespace ---
mkdir -p "$TMPD/log"
EVE=$TMPD/log/alerts.json
JOURNAL=$TMPD/journal.json
unshare -m --propagation private -- bash -c '
	set -e
	mkdir -p /run/systemd/journal
	mount -t tmpfs sis-journal /run/systemd/journal
	exec {sink}< <(exec /usr/bin/python3 "$2" \
		/run/systemd/journal/socket "$1/journal.json")
	echo $! >"$1/sink.pid"
	read -r -t 300 -u "$sink" line && [ "$line" = ready ]
	exec "$3" -n "$4" monitor all --eve "$5" --journal
' _ "$TMPD" "$SINK" "$SISCTL" "$NS_B" "$EVE" \
	>"$TMPD/monitor.out" 2>"$TMPD/monitor.err" &
mon_pid=$!

# check_re DESC STRING REGEX: STRING matches REGEX.
check_re() {
	if [[ $2 =~ $3 ]]; then
		ok "$1"
	else
		not_ok "$1"
		diag "\"$2\" does not match $3"
	fi
}

# has FILE TEXT: FILE has a line with TEXT.
has() {
	local line
	[ -e "$1" ] || return 1
	while IFS= read -r line; do
		[[ $line == *"$2"* ]] && return 0
	done <"$1"
	return 1
}

# Alerts until the monitor writes one: from then on it has joined.
ready=0
for ((i = 0; i < 60 && !ready; i++)); do
	ip netns exec "$NS_B" "$SCAN" --uid "$NOBODY" --name ids \
		--alert ready --count 0 >/dev/null 2>&1
	wait_until 2 has "$EVE" '"signature":"ready"' && ready=1
done
if [ "$ready" = 1 ]; then
	ok "the monitor writes the EVE file"
else
	not_ok "the monitor writes the EVE file"
	diag "monitor's errors: $(<"$TMPD/monitor.err")"
fi
check_eq "the file is 0640" "$(stat -c %a "$EVE")" 640

# --- a scanner's alert with the frame it holds ---
scan_start --name ids --cap udp --rights contain --filter udp \
	--alert-frame "udp from the host" --count 1
udp_send "$NS_H" 10.0.0.2 9999 1 100
scan_stop
check_eq "the scanner passed the frame and ended" "$SCAN_RC" 0
wait_for "the alert reached the EVE file" 60 has "$EVE" '"signature":"udp from the host"'
line=$(grep -F '"signature":"udp from the host"' "$EVE")
check_eq "EVE: Suricata's fields, the frame's addresses and ports" \
	"$(jq -c '[.event_type, .in_iface, .src_ip, .dest_ip, .dest_port,
		.proto, (.src_port > 0), .alert.signature]' <<<"$line")" \
	'["alert","br0","10.0.0.1","10.0.0.2",9999,"UDP",true,"udp from the host"]'
check_eq "EVE: SIS's fields: bridge, scanner, direction, frame length" \
	"$(jq -c '[.sis.bridge, .sis.scanner, .sis.dir, .sis.len,
		(.sis.frame > 0), .packet_info.linktype]' <<<"$line")" \
	'["br0","ids","out",142,true,1]'
check_eq "EVE: the frame in base64, whole" \
	"$(jq -r .packet <<<"$line" | base64 -d | wc -c)" 142
check_re "EVE: the timestamp as Suricata writes it" \
	"$(jq -r .timestamp <<<"$line")" \
	'^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{6}[+-][0-9]{4}$'

# --- a change of configuration ---
check "add a prevent rule" sis prevent add br0 dir out tcp dst port 23
wait_for "the change reached the EVE file" 60 has "$EVE" '"command":"prevent-add"'
check_eq "EVE: a config record" \
	"$(grep -F '"command":"prevent-add"' "$EVE" |
		jq -c '[.event_type, .config.reason, .config.id, .sis.bridge]')" \
	'["config","request",1,"br0"]'
check_eq "EVE: the scanner's process attaching, too" \
	"$(grep -F '"command":"scanner-attach"' "$EVE" | head -n 1 |
		jq -c '[.event_type, .sis.scanner]')" '["config","ids"]'

# --- rotated by logrotate with the project's configuration ---
sed -e "s|/var/log/sis/alerts.json|$EVE|" \
	-e "s|^\([[:space:]]*su\) .*|\1 root root|" \
	-e "s|systemctl kill .*|kill -HUP $mon_pid|" \
	"$TOP/systemd/sis.logrotate" >"$TMPD/logrotate.conf"
before=$(wc -l <"$EVE")
check "logrotate rotates the log" \
	logrotate -f -s "$TMPD/logrotate.state" "$TMPD/logrotate.conf"
check_eq "the log was renamed, with its records" \
	"$(wc -l <"$EVE.1" 2>/dev/null)" "$before"
# SIGHUP is taken as it comes: an alert sent after it goes to a new file.
wait_for "SIGHUP: the monitor made a new file" 60 test -e "$EVE"
ip netns exec "$NS_B" "$SCAN" --uid "$NOBODY" --name ids \
	--alert "after the rotation" --count 0 >/dev/null 2>&1
wait_for "the next alert is in the new file" 60 \
	has "$EVE" '"signature":"after the rotation"'
check_eq "and not in the rotated one" \
	"$(grep -c 'after the rotation' "$EVE.1")" 0
check_eq "the new file is 0640 too" "$(stat -c %a "$EVE")" 640

# --- the journal ---
# jq_entry FILTER: the entries that FILTER selects, one per line.
jq_entry() {
	jq -c "select($1)" "$JOURNAL" 2>/dev/null
}
journal_has() {
	[ -n "$(jq_entry "$1")" ]
}
wait_for "the journal has the alert after the rotation" 60 \
	journal_has '.SIS_SIGNATURE == "after the rotation"'
entry=$(jq_entry '.SIS_SIGNATURE == "udp from the host"')
check_eq "journal: the frame alert's fields" \
	"$(jq -c '[.SYSLOG_IDENTIFIER, .PRIORITY, .SIS_EVENT_TYPE, .SIS_SCANNER, .SIS_BRIDGE,
		.SIS_SRC_IP, .SIS_DEST_IP, .SIS_DEST_PORT, .SIS_PROTO, .SIS_DIR]' \
		<<<"$entry")" \
	'["sis-monitor","4","alert","ids","br0","10.0.0.1","10.0.0.2","9999","UDP","out"]'
check_re "journal: MESSAGE is monitor's line" "$(jq -r .MESSAGE <<<"$entry")" \
	'^bridge br0 scanner ids frame [0-9]+ dir out len 142: udp from the host$'
check_eq "journal: SIS_EVE is the EVE file's record" \
	"$(jq -r .SIS_EVE <<<"$entry")" "$line"
check_eq "journal: the config record, at notice" \
	"$(jq_entry '.SIS_COMMAND == "prevent-add"' |
		jq -c '[.PRIORITY, .SIS_EVENT_TYPE, .SIS_REASON, .SIS_ID]')" \
	'["5","config","request","1"]'
check_eq "journal: as many entries as records in both files, all well-formed" \
	"$(jq_entry 'true' | wc -l):$(jq_entry '._SINK_ERROR' | wc -l)" \
	"$(cat "$EVE.1" "$EVE" | wc -l):0"

kill "$mon_pid"
wait "$mon_pid"
rc=$?
mon_pid=
check_eq "the monitor ended cleanly, no warning, nothing on stdout" \
	"$rc:$(<"$TMPD/monitor.err"):$(<"$TMPD/monitor.out")" "0::"
tap_done
