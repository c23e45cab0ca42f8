#!/usr/bin/env bash
# The demo, inside the guest. Topology: see selftests/lib.sh.
set -euo pipefail
source "$(dirname "$0")/../selftests/lib.sh" >/dev/null
trap cleanup_topology EXIT

say() { printf '\n\033[1m## %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
# Shown as the administrator types it; runs in the appliance namespace.
sisctl() { sis "$@"; }

insmod "$TOP/kernel/sis.ko"
setup_topology
ip netns exec "$NS_N" iperf3 -s -D -B 10.0.0.2 >/dev/null

say "The appliance: br0 joins hp0 (to the protected host) and np0 (to the network)"
run ip -n "$NS_B" -br link show master br0

say "Attach SIS to the bridge"
run sisctl attach br0 host hp0

say "Traffic flows as before: ping and 4 MB of TCP from the host"
run ip netns exec "$NS_H" ping -c 3 -i 0.2 10.0.0.2
ip netns exec "$NS_H" iperf3 -c 10.0.0.2 -n 4M | grep -E 'sender|receiver'

say "Prevent rules: no telnet out, no ICMP from the network to the host"
run sisctl prevent add br0 dir out tcp dst port 23
run sisctl prevent add br0 dir in icmp
run ip netns exec "$NS_N" ping -c 2 -W 1 10.0.0.1 || true
printf '$ telnet 10.0.0.2 (from the host)\n'
tcp_try "$NS_H" 10.0.0.2 23 3 || echo "no answer: the SYNs were dropped"

say "What SIS saw"
run sisctl show
say "The same, as JSON"
run sisctl -p show

say "The Code-Red scanner (paper 5.3): a DNS shadow table, random connections contained"
ip -n "$NS_N" route add local 10.0.1.0/24 dev lo
ip -n "$NS_H" route add 10.0.1.0/24 via 10.0.0.2
printf '10.0.0.2 www.sis.test\n' >/run/sis-demo-hosts
ip netns exec "$NS_N" dnsmasq -k -C /dev/null --no-resolv --no-hosts \
	--addn-hosts=/run/sis-demo-hosts --listen-address=10.0.0.2 --bind-interfaces \
	--local=/sis.test/ --user=root --pid-file= --log-facility=/dev/null &
dnsmasq_pid=$!
printf '$ sis-codered-caps.sh br0 nobody   # its declaration and capabilities\n'
SISCTL="$SISCTL" SISCTL_NETNS="$NS_B" \
	"$TOP/tools/scanners/codered/sis-codered-caps.sh" br0 nobody
ip netns exec "$NS_B" setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$BUILDDIR/sis-codered" >/run/sis-demo-codered.out 2>/dev/null &
codered_pid=$!
sis monitor alerts --count 1 >/run/sis-demo-alerts &
monitor_pid=$!
for _ in $(seq 150); do grep -q ready /run/sis-demo-codered.out && break; sleep 0.2; done
run sisctl show scanner codered
run ip netns exec "$NS_H" dig +short @10.0.0.2 www.sis.test
printf '$ connect to www.sis.test port 5201 (its address was just resolved)\n'
ip netns exec "$NS_H" python3 -c '
import socket
s = socket.socket()
s.settimeout(0.9)	# before the first SYN retransmission
s.connect(("10.0.0.2", 5201))
print("connected: the first SYN passed")
' 2>/dev/null || echo "not connected within 0.9 s"

say "A worm: the host connects to 12 random addresses at once"
ip netns exec "$NS_H" python3 -c '
import socket, time
conns = []
for i in range(12):
    s = socket.socket()
    s.setblocking(False)
    s.connect_ex(("10.0.1.%d" % (i + 1), 80))
    conns.append(s)
time.sleep(8)
' >/dev/null 2>&1 || true
for _ in $(seq 100); do kill -0 "$monitor_pid" 2>/dev/null || break; sleep 0.2; done
kill "$monitor_pid" 2>/dev/null || true
run cat /run/sis-demo-alerts
kill -USR1 "$codered_pid"
sleep 1
printf '$ kill -USR1 $(pidof sis-codered)   # its counters\n'
tail -n 1 /run/sis-demo-codered.out | jq -M '{attack, held_now: .held,
	table: .table.entries, table_bytes: .table.bytes, syn: (.syn |
	{known, random, passed, held, cut}), alerts}'
kill "$codered_pid" "$dnsmasq_pid" 2>/dev/null || true

say "The e-mail virus scanner (paper 5.2): an infected attachment replaced in flight"
mkdir -p /run/sis-demo-mail/sigs /run/sis-demo-mail/alerts
eicar='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
printf '%s' "$eicar" >/run/sis-demo-mail/eicar.com
printf '%s:%s:Eicar-Test-Signature\n' \
	"$(md5sum </run/sis-demo-mail/eicar.com | cut -d' ' -f1)" \
	"$(stat -c %s /run/sis-demo-mail/eicar.com)" >/run/sis-demo-mail/sigs/eicar.hdb
printf 'The report you asked for is attached.\n' >/run/sis-demo-mail/report.txt
ip netns exec "$NS_N" /usr/bin/python3 -m aiosmtpd -n -l 10.0.0.2:25 \
	-c aiosmtpd.handlers.Mailbox /run/sis-demo-mail/maildir >/dev/null 2>&1 &
smtpd_pid=$!
printf '$ sis-mailscan-caps.sh br0 nobody   # its declaration, capabilities and notices\n'
SISCTL="$SISCTL" SISCTL_NETNS="$NS_B" \
	"$TOP/tools/scanners/mailscan/sis-mailscan-caps.sh" br0 nobody
ip netns exec "$NS_B" setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$BUILDDIR/sis-mailscan" --hdb /run/sis-demo-mail/sigs/eicar.hdb \
	>/run/sis-demo-mailscan.out 2>/dev/null &
mailscan_pid=$!
sis monitor alerts --count 1 --save /run/sis-demo-mail/alerts >/run/sis-demo-mail-alerts &
monitor_pid=$!
for _ in $(seq 150); do grep -q ready /run/sis-demo-mailscan.out && break; sleep 0.2; done
for _ in $(seq 50); do tcp_try "$NS_H" 10.0.0.2 25 1 >/dev/null 2>&1 && break; sleep 0.2; done
printf '$ swaks --to bob@sis.test --attach report.txt --attach eicar.com ...   # from the host\n'
ip netns exec "$NS_H" swaks -4 --server 10.0.0.2 --from alice@host.test \
	--to bob@sis.test --header 'Subject: the report' \
	--attach @/run/sis-demo-mail/report.txt \
	--attach-type application/octet-stream --attach-name eicar.com \
	--attach @/run/sis-demo-mail/eicar.com --silent 1 || true
for _ in $(seq 100); do kill -0 "$monitor_pid" 2>/dev/null || break; sleep 0.2; done
kill "$monitor_pid" 2>/dev/null || true
run cat /run/sis-demo-mail-alerts
printf '$ ls alerts/   # the original message, as the alert carried it\n'
ls -l /run/sis-demo-mail/alerts
printf '$ the message as bob got it: its parts\n'
/usr/bin/python3 - /run/sis-demo-mail/maildir <<'PY'
import mailbox, sys
for m in mailbox.Maildir(sys.argv[1], create=False):
    for p in m.walk():
        if p.is_multipart():
            continue
        name = p.get_filename() or "(no file name)"
        text = p.get_payload(decode=True).decode("ascii", "replace").strip()
        print("  %-25s %-12s %s" % (p.get_content_type(), name, text.splitlines()[0]))
PY
kill -USR1 "$mailscan_pid"
sleep 1
printf '$ kill -USR1 $(pidof sis-mailscan)   # its counters\n'
tail -n 1 /run/sis-demo-mailscan.out | jq -M -c '{messages, clean, infected, parts, parts_replaced, alerts}'
kill "$mailscan_pid" "$smtpd_pid" 2>/dev/null || true
