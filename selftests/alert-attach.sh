#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sis-selftest: cost=60
# Alerts with an attachment (uapi/linux/sis.h, SIS_CMD_ALERT_DATA): a
# scanner process (build/sis-scan as nobody, libsis's sis_alert_attach())
# sends an alert with 5 MiB of random bytes attached, and
# `sisctl monitor --save DIR` writes exactly those bytes to
# DIR/alert-ID.eml, counted in the scanner's counters. An unprivileged
# user cannot join the alerts group. (netlink.c has the pieces the kernel
# refuses and the byte budget: announcements there take it at once,
# where here the time the bytes take to send would refill it.)
#
#   NS_H: h0 --- hp0 [br0, attached] np0 --- n0 :NS_N
#                NS_B: the scanner (nobody) and the monitor (root)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/scanner_lib.sh"

setup_topology
check "attach" sis attach br0 host hp0
check "declare scanner mail" sis scanner add mail bridge br0 user nobody
check_eq "its attachment counters start at 0" \
	"$(scanner_json mail '[.stats.attachments, .stats.attach_dropped]')" "[0,0]"

# --- an unprivileged user cannot join the group ---
check_fail "nobody cannot join the alerts group" \
	"joining the alerts group: Operation not permitted" \
	timeout 120 ip netns exec "$NS_B" setpriv --reuid=nobody \
	--regid=nogroup --clear-groups --inh-caps=-all "$SISCTL" monitor alerts

# --- the monitor, saving into $TMPD/save ---
mkdir "$TMPD/save"
"$SISCTL" -n "$NS_B" monitor alerts -j --save "$TMPD/save" \
	>"$TMPD/alerts.json" 2>"$TMPD/monitor.err" &
mon_pid=$!
bg_pids+=("$mon_pid")

# has FILE TEXT: FILE has a line with TEXT.
has() {
	local line
	while IFS= read -r line; do
		[[ $line == *"$2"* ]] && return 0
	done <"$1"
	return 1
}

# Alerts until the monitor prints one: from then on it has joined.
ready=0
for ((i = 0; i < 60 && !ready; i++)); do
	ip netns exec "$NS_B" "$SCAN" --uid "$NOBODY" --name mail \
		--alert ready --count 0 >/dev/null 2>&1
	wait_until 2 has "$TMPD/alerts.json" '"message":"ready"' && ready=1
done
if [ "$ready" = 1 ]; then
	ok "the monitor listens"
else
	not_ok "the monitor listens"
	diag "monitor's errors: $(<"$TMPD/monitor.err")"
fi

# --- 5 MiB of random bytes, whole ---
head -c $((5 << 20)) /dev/urandom >"$TMPD/message.eml"
out=$(ip netns exec "$NS_B" "$SCAN" --uid "$NOBODY" --name mail \
	--alert-attach "$TMPD/message.eml" --count 0 2>"$TMPD/scan.err")
check_eq "sis_alert_attach() sent the alert and its 5 MiB" \
	"$(head -n 1 <<<"$out")" "attached $TMPD/message.eml"
[ -s "$TMPD/scan.err" ] && diag "sis-scan: $(<"$TMPD/scan.err")"
wait_for "the monitor printed the alert" 60 \
	has "$TMPD/alerts.json" "\"message\":\"$TMPD/message.eml\""
line=$(grep -F "\"message\":\"$TMPD/message.eml\"" "$TMPD/alerts.json")
id=$(jq -r .attachment_id <<<"$line")
check_eq "JSON: the attachment's length" \
	"$(jq -c '[.attachment_len, .scanner, (.attachment_id > 0)]' <<<"$line")" \
	"[$((5 << 20)),\"mail\",true]"
wait_for "the monitor wrote alert-$id.eml" 60 test -e "$TMPD/save/alert-$id.eml"
check_eq "its sha256 is the message's" \
	"$(sha256sum <"$TMPD/save/alert-$id.eml")" \
	"$(sha256sum <"$TMPD/message.eml")"
check_eq "no temporary file is left" \
	"$(find "$TMPD/save" -name '.*' -type f | wc -l)" 0
check_eq "counted: one attachment taken, none dropped" \
	"$(scanner_json mail '[.stats.attachments, .stats.attach_dropped]')" "[1,0]"

check_match "sisctl show prints the counters" "$(sis scanner show mail)" \
	"$(printf '\tattachments 1 dropped 0')"
check_eq "one file saved, nothing else" "$(ls -A "$TMPD/save" | wc -l)" 1

kill "$mon_pid"
wait "$mon_pid"
check_eq "the monitor ended cleanly, no warning" \
	"$?:$(<"$TMPD/monitor.err")" "0:"
tap_done
