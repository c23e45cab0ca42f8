#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sis-selftest: cost=150 limit=1200
# Evasion: covered traffic that a crafted frame could get past SIS's
# judgement. A real Linux receiver (evasion.py serve, in NS_H) records what
# its application reads; frames crafted with scapy (evasion.py craft, in
# NS_N) open connections to it from an address NS_N does not own and send
# each trick. First with nothing covering the port, to show that Linux
# reads every trick as data; then with a containing scanner that never
# passes anything (sis-stream -m never), with br_netfilter's
# bridge-nf-call-iptables on and off (it trims Ethernet padding before
# SIS sees the frame; appliances often run without it): nothing may reach
# the application, and what SIS could not judge is counted as dropped.
# A payload-less SYN must not skip a prevent rule because an earlier rule
# of the same chunk reads past the frame.
#
#   NS_N: n0 (crafts as 10.0.0.3, 10.0.0.66) --- np0 [br0] hp0 --- h0 10.0.0.1 :7000
source "$(dirname "$0")/lib.sh"

STREAM=$BUILDDIR/sis-stream
EVASION=$TOP/selftests/evasion.py
PORT=7000
RCV=$TMPD/rcv

if ! /usr/bin/python3 -c 'import scapy' 2>/dev/null; then
	echo "1..0 # SKIP python3-scapy is not installed (scripts/setup.sh installs it)"
	exit "$KSFT_SKIP"
fi

bg_pids=()
evasion_cleanup() {
	local p
	for p in "${bg_pids[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	cleanup
}
trap evasion_cleanup EXIT

# craft SRC SPORT SCENARIO...: the tricks, from NS_N as SRC to port
# ${DPORT:-$PORT}; their lines ("SCENARIO SPORT DATA") in $TMPD/craft.out.
craft() {
	local src=$1 sport=$2
	shift 2
	ip netns exec "$NS_N" /usr/bin/python3 "$EVASION" craft n0 "$MAC_N" \
		"$MAC_H" "$src" 10.0.0.1 "${DPORT:-$PORT}" "$sport" "$@" \
		>"$TMPD/craft.out" 2>"$TMPD/craft.err"
}

# read_as SPORT DATA: the receiving application read exactly DATA.
read_as() {
	local got=
	[ -f "$RCV/$1" ] && got=$(<"$RCV/$1")
	[ "$got" = "$2" ]
}

# stream_count NAME: the bridge's stream counter NAME (e.g. malformed).
stream_count() {
	sis_json "\$b.stream_stats.$1 // 0"
}

# scanner_saw SPORT LEN: sis-stream reported LEN bytes from the network
# side of the connection from port SPORT.
scanner_saw() {
	local id
	id=$(awk -v p=":$1 " '$1 == "open" && index($0 " ", p) { print $2; exit }' \
		"$ST_OUT")
	[ -n "$id" ] &&
	awk -v id="$id" -v len="$2" '$1 == "data" && $2 == id && $3 == "in" {
		n += $5 } END { exit !(n == len) }' "$ST_OUT"
}

setup_topology
ip -n "$NS_H" -batch - <<-EOF
	neigh replace 10.0.0.3 lladdr $MAC_N dev h0 nud permanent
	neigh replace 10.0.0.66 lladdr $MAC_N dev h0 nud permanent
EOF
mkdir "$RCV"
exec {srv_fd}< <(exec ip netns exec "$NS_H" /usr/bin/python3 "$EVASION" \
	serve "$PORT" "$RCV" 2>"$TMPD/serve.err")
bg_pids+=($!)
wait_ready "$srv_fd" "evasion.py serve" || diag "$(<"$TMPD/serve.err")"
check "attach" sis attach br0 host hp0

# --- the tricks are real: Linux reads each one ------------------------------
if craft 10.0.0.3 41000 control badopt padded frag; then
	while read -r scen sport data; do
		wait_for "uncovered, the receiver reads the $scen segment" \
			"$WAIT_SECS" read_as "$sport" "$data"
	done <"$TMPD/craft.out"
else
	not_ok "crafting the tricks"
	diag "$(<"$TMPD/craft.err")"
fi

# --- prevent rules: an earlier rule's load past a short frame ---------------
id1=$(sis prevent add br0 dir in 'tcp dst port 80 and tcp[20:4] = 0x47455420')
id2=$(sis prevent add br0 dir in 'src host 10.0.0.66')
if DPORT=80 craft 10.0.0.66 42000 syn; then
	check_eq "a payload-less SYN from 10.0.0.66 is dropped by rule 2" \
		"$(sis_json '[$b.prevent[0].matches, $b.prevent[1].matches]')" "[0,1]"
else
	not_ok "crafting the SYN"
	diag "$(<"$TMPD/craft.err")"
fi
sis prevent del br0 "$id1"
sis prevent del br0 "$id2"

# --- contained: nothing reaches the application unjudged --------------------
check "declare scanner never" \
	sis scanner add never bridge br0 user nobody timeout 600000 fail closed
check "its capability: the host's port $PORT, contained" \
	sis cap add never web stream host-port "$PORT" rights read,contain
ST_OUT=$TMPD/never.out
ip netns exec "$NS_B" setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$STREAM" -s never -c web -C -m never -v >"$ST_OUT" 2>"$TMPD/never.err" &
bg_pids+=($!)
wait_for "sis-stream -m never is ready" "$WAIT_SECS" grep -qx ready "$ST_OUT" ||
	diag "$(<"$TMPD/never.err")"

sport=43000
for nf in 1 0; do
	echo "$nf" | ip netns exec "$NS_B" \
		tee /proc/sys/net/bridge/bridge-nf-call-iptables >/dev/null
	diag "bridge-nf-call-iptables $nf"
	malformed=$(stream_count malformed)
	if ! craft 10.0.0.3 "$sport" control badopt padded frag badoff; then
		not_ok "crafting the tricks (bridge-nf-call-iptables $nf)"
		diag "$(<"$TMPD/craft.err")"
		continue
	fi
	dropped=0
	while read -r scen sport_i data; do
		case $scen in
		frag|badoff)
			# SIS cannot judge it: dropped, counted.
			dropped=$((dropped + 1))
			wait_for "nf $nf: the $scen segment is dropped and counted" \
				"$WAIT_SECS" test "$(stream_count malformed)" \
				-ge "$((malformed + dropped))"
			;;
		*)
			wait_for "nf $nf: the scanner judges the $scen segment" \
				"$WAIT_SECS" scanner_saw "$sport_i" "${#data}"
			;;
		esac
	done <"$TMPD/craft.out"
	# What was forwarded would have been read within milliseconds.
	nap 2
	while read -r scen sport_i data; do
		check_eq "nf $nf: the receiver read nothing of the $scen segment" \
			"$( [ -f "$RCV/$sport_i" ] && cat "$RCV/$sport_i")" ""
	done <"$TMPD/craft.out"
	sport=$((sport + 100))
done
tap_done
