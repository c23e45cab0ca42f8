#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sis-selftest: cost=60
# Alerts with an attachment (uapi/linux/sis.h, SIS_CMD_ALERT_DATA): a
# scanner process (build/sis-scan as nobody, libsis's sis_alert_attach())
# sends an alert with 5 MiB of random bytes attached, and
# `sisctl monitor --save DIR` writes exactly those bytes to
# DIR/alert-ID.eml; over the scanner's byte budget the alert goes without
# its attachment, counted. An unprivileged user cannot join the alerts
# group. (netlink.c has the pieces the kernel refuses.)
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

# --- over the byte budget: the alert goes without its attachment ---
# The budget (SIS_ALERT_ATTACH_BUDGET, 64 MiB a minute) has 59 MiB left:
# 32 MiB go, the next 32 MiB announced at once do not.
head -c $((32 << 20)) /dev/urandom >"$TMPD/big.eml"
out=$(ip netns exec "$NS_B" "$SCAN" --uid "$NOBODY" --name mail \
	--alert-attach "$TMPD/big.eml" --alert-attach "$TMPD/big.eml" \
	--count 0 2>"$TMPD/scan.err")
check_eq "32 MiB go, then over the budget the alert goes without them" \
	"$(tr '\n' ' ' <<<"$out")" \
	"attached $TMPD/big.eml not attached $TMPD/big.eml ready "
[ -s "$TMPD/scan.err" ] && diag "sis-scan: $(<"$TMPD/scan.err")"
check_eq "counted: two attachments taken, one dropped" \
	"$(scanner_json mail '[.stats.attachments, .stats.attach_dropped]')" "[2,1]"
check_match "sisctl show prints the counters" "$(sis scanner show mail)" \
	"attachments 2 dropped 1"
wait_for "the monitor printed both alerts" 60 \
	test "$(grep -cF "\"message\":\"$TMPD/big.eml\"" "$TMPD/alerts.json")" = 2
check_eq "the second without an attachment" \
	"$(grep -F "\"message\":\"$TMPD/big.eml\"" "$TMPD/alerts.json" |
	   jq -sc '[.[] | has("attachment_id")]')" "[true,false]"
big_id=$(grep -F "\"message\":\"$TMPD/big.eml\"" "$TMPD/alerts.json" |
	 jq -r 'select(.attachment_id) | .attachment_id')
wait_for "the monitor wrote alert-$big_id.eml" 120 \
	test -e "$TMPD/save/alert-$big_id.eml"
check_eq "whole" "$(cmp "$TMPD/save/alert-$big_id.eml" "$TMPD/big.eml" && echo same)" \
	same
check_eq "two files saved, nothing else" "$(ls -A "$TMPD/save" | wc -l)" 2

kill "$mon_pid"
wait "$mon_pid"
check_eq "the monitor ended cleanly, no warning" \
	"$?:$(<"$TMPD/monitor.err")" "0:"
rm -f "$TMPD/big.eml" "$TMPD/save/alert-$big_id.eml"
tap_done
