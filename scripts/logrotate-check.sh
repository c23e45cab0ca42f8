#!/usr/bin/env bash
# systemd/sis.logrotate, rotated for real by logrotate in a temporary
# directory: it parses (logrotate -d); a forced rotation renames the log
# without creating another (sis-monitor does, on SIGHUP) and runs
# postrotate once; the next one compresses the previous (delaycompress);
# it rotates as the unit's user and group, and signals the unit.
#
#   scripts/logrotate-check.sh [CONFIG [UNIT]]
set -euo pipefail

conf=${1:-systemd/sis.logrotate}
unit=${2:-systemd/sis-monitor.service}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "logrotate-check: $*" >&2; exit 1; }

user=$(sed -n 's/^User=//p' "$unit")
group=$(sed -n 's/^Group=//p' "$unit")
grep -Eq "^[[:space:]]*su $user $group\$" "$conf" ||
	fail "$conf does not rotate as the unit's user and group ($user $group)"
grep -q "systemctl kill .*--signal=HUP $(basename "$unit")" "$conf" ||
	fail "$conf's postrotate does not send SIGHUP to $(basename "$unit")"
grep -q '/var/log/sis/alerts.json' "$unit" ||
	fail "$unit does not write the file $conf rotates"

# The same configuration on a file of ours: as root (no such user here),
# postrotate recording that it ran, after Debian's /etc/logrotate.conf
# defaults (which create a new log: nocreate must undo it).
printf 'weekly\nrotate 4\ncreate\n' >"$tmp/conf"
sed -e "s|/var/log/sis/alerts.json|$tmp/alerts.json|" \
	-e "s|^\([[:space:]]*su\) .*|\1 root root|" \
	-e "s|systemctl kill .*|echo hup >>$tmp/hups|" "$conf" >>"$tmp/conf"
chmod 644 "$tmp/conf"
logrotate -d -s "$tmp/state" "$tmp/conf" >"$tmp/debug" 2>&1 ||
	{ cat "$tmp/debug" >&2; fail "logrotate -d refuses $conf"; }
! grep -qi 'error' "$tmp/debug" || { cat "$tmp/debug" >&2; fail "logrotate -d: errors"; }

echo '{"event_type":"alert","n":1}' >"$tmp/alerts.json"
logrotate -f -s "$tmp/state" "$tmp/conf"
[ "$(cat "$tmp/alerts.json.1")" = '{"event_type":"alert","n":1}' ] ||
	fail "the log was not renamed alerts.json.1"
[ ! -e "$tmp/alerts.json" ] || fail "logrotate created the new log (nocreate)"
[ "$(cat "$tmp/hups" 2>/dev/null)" = hup ] || fail "postrotate did not run once"

# The monitor, signalled, makes the new file; the next rotation
# compresses the one before.
echo '{"event_type":"alert","n":2}' >"$tmp/alerts.json"
logrotate -f -s "$tmp/state" "$tmp/conf"
[ "$(cat "$tmp/alerts.json.1")" = '{"event_type":"alert","n":2}' ] ||
	fail "the second log is not alerts.json.1"
[ "$(zcat "$tmp/alerts.json.2.gz")" = '{"event_type":"alert","n":1}' ] ||
	fail "the first log is not compressed as alerts.json.2.gz"
[ "$(wc -l <"$tmp/hups")" = 2 ] || fail "postrotate did not run on each rotation"

# Nothing to do for an empty log or none (notifempty, missingok).
: >"$tmp/alerts.json"
logrotate -f -s "$tmp/state" "$tmp/conf"
[ -e "$tmp/alerts.json" ] && [ "$(wc -l <"$tmp/hups")" = 2 ] ||
	fail "an empty log was rotated"
rm "$tmp/alerts.json"
logrotate -f -s "$tmp/state" "$tmp/conf" || fail "a missing log is an error"
echo "logrotate-check: $conf rotates as it should"
