#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sis-selftest: cost=150 limit=2400
# Evasion (Documentation/architecture.md, "What SIS judges, and what it
# drops"): covered traffic that a crafted frame could get past SIS's
# judgement. A real Linux receiver (evasion.py serve, in NS_H) records what
# its application reads; frames crafted with scapy (evasion.py craft, in
# NS_N) open connections to it from an address NS_N does not own and send
# each trick: a malformed TCP option, Ethernet padding, fragments (whole,
# tiny, overlapping), a bad data offset, IPv6 SYNs behind extension
# headers. First with nothing covering the port, to show that Linux reads
# every trick as data; then with a containing scanner that never passes
# anything (sis-stream -m never), with br_netfilter's
# bridge-nf-call-iptables on and off (it trims Ethernet padding before SIS
# sees the frame; appliances often run without it): nothing may reach the
# application, and what SIS could not judge is counted as dropped. A
# connection opened before the scanner came is dropped mid-stream. A
# payload-less SYN must not skip a prevent rule because an earlier rule of
# the same chunk reads past the frame, nor an IPv6 SYN skip
# "ip6 and tcp dst port" behind a hop-by-hop header. The protected host
# cannot reach the appliance's own address (10.0.0.254 on br0).
#
#   NS_N: n0 10.0.0.2 --- np0 [br0 10.0.0.254] hp0 --- h0 10.0.0.1 :7000
#   (crafts as 10.0.0.3, 10.0.0.66, 2001:db8::3)      2001:db8::1
source "$(dirname "$0")/lib.sh"

STREAM=$BUILDDIR/sis-stream
EVASION=$TOP/selftests/evasion.py
PORT=7000
RCV=$TMPD/rcv
MAC_B=02:53:49:53:00:0b

if ! /usr/bin/python3 -c 'import scapy' 2>/dev/null; then
	echo "1..0 # SKIP python3-scapy is not installed (scripts/setup.sh installs it)"
	exit "$KSFT_SKIP"
fi

trap cleanup_bg EXIT

# craft SRC SPORT SCENARIO...: the tricks, from NS_N as SRC to port
# ${DPORT:-$PORT}, by the crafter (started below); their lines ("SCENARIO
# SPORT DATA") in $TMPD/craft.out, what went wrong in $TMPD/craft.err.
craft() {
	local src=$1 sport=$2 line
	shift 2
	: >"$TMPD/craft.out"
	: >"$TMPD/craft.msg"
	echo "$src 10.0.0.1 ${DPORT:-$PORT} $sport $*" >&"${CRAFTER[1]}"
	while read -r -t "$WAIT_SECS" -u "${CRAFTER[0]}" line; do
		case $line in
		end)
			[ ! -s "$TMPD/craft.msg" ]
			return ;;
		error*)
			echo "$line" >"$TMPD/craft.msg"
			cat "$TMPD/craft.msg" >>"$TMPD/craft.err" ;;
		*)
			echo "$line" >>"$TMPD/craft.out" ;;
		esac
	done
	echo "no answer from the crafter in $WAIT_SECS s" >>"$TMPD/craft.err"
	return 1
}

# read_as SPORT DATA: the receiving application read exactly DATA.
read_as() {
	local got=
	[ -f "$RCV/$1" ] && got=$(<"$RCV/$1")
	[ "$got" = "$2" ]
}

# stream_count NAME, norm_count NAME: the bridge's stream counter NAME
# (e.g. malformed), its normalisation counter NAME (e.g. fragments_bad).
stream_count() {
	sis_json "\$b.stream_stats.$1 // 0"
}

norm_count() {
	sis_json "\$b.norm_stats.$1 // 0"
}

# count_at_least N CMD...: CMD prints a number of N or more.
count_at_least() {
	local n=$1
	shift
	[ "$("$@")" -ge "$n" ]
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
# The appliance has an address (10.0.0.254 on br0); IPv6 on the host.
ip netns exec "$NS_H" sh -c '
	echo 0 >/proc/sys/net/ipv6/conf/all/disable_ipv6
	echo 0 >/proc/sys/net/ipv6/conf/h0/disable_ipv6'
ip -n "$NS_H" -batch - <<-EOF
	neigh replace 10.0.0.3 lladdr $MAC_N dev h0 nud permanent
	neigh replace 10.0.0.66 lladdr $MAC_N dev h0 nud permanent
	neigh replace 10.0.0.254 lladdr $MAC_B dev h0 nud permanent
	addr add 2001:db8::1/64 dev h0 nodad
	neigh replace 2001:db8::3 lladdr $MAC_N dev h0 nud permanent
EOF
ip -n "$NS_N" neigh replace 10.0.0.254 lladdr "$MAC_B" dev n0 nud permanent
ip -n "$NS_B" -batch - <<-EOF
	link set br0 address $MAC_B
	addr add 10.0.0.254/24 dev br0
	neigh replace 10.0.0.1 lladdr $MAC_H dev br0 nud permanent
	neigh replace 10.0.0.2 lladdr $MAC_N dev br0 nud permanent
EOF
mkdir "$RCV"
# One crafter for the whole test: scapy takes seconds to import here.
coproc CRAFTER { exec ip netns exec "$NS_N" /usr/bin/python3 "$EVASION" \
	crafter n0 "$MAC_N" "$MAC_H" 2>>"$TMPD/craft.err"; }
bg_pids+=($!)
exec {srv_fd}< <(exec ip netns exec "$NS_H" /usr/bin/python3 "$EVASION" \
	serve "$PORT" "$RCV" 2>"$TMPD/serve.err")
bg_pids+=($!)
wait_ready "$srv_fd" "evasion.py serve" || diag "$(<"$TMPD/serve.err")"
# A real connection opened before anything covers the port; it sends once
# $TMPD/go exists, and prints its local port first.
exec {late_fd}< <(exec ip netns exec "$NS_N" /usr/bin/python3 -c '
import os, socket, sys, time
s = socket.create_connection(("10.0.0.1", int(sys.argv[1])))
print(s.getsockname()[1], flush=True)
while not os.path.exists(sys.argv[2]):
    time.sleep(0.1)
s.sendall(b"EVASION-MIDSTREAM")
time.sleep(3600)
' "$PORT" "$TMPD/go")
bg_pids+=($!)
read -r -t "$WAIT_SECS" -u "$late_fd" late_port || diag "the early client did not connect"
rc=0
out=$(sis attach br0 host hp0 2>&1) || rc=$?
check_eq "attach" "$rc" 0
check_match "attach warns of the appliance's address" "$out" \
	"Warning: br0 has address 10.0.0.254: frames from the host port to the appliance itself are never judged"
check_eq "the defaults: reassemble, drop, drop" \
	"$(sis_json '$b.settings | [.fragments, .ip6_exthdr, .local]')" \
	'["reassemble","drop","drop"]'

# --- the tricks are real: Linux reads each one ------------------------------
if craft 10.0.0.3 41000 control badopt padded frag tiny hbhsyn dstsyn; then
	while read -r scen sport data; do
		case $scen in
		*syn)
			check_eq "uncovered, the receiver answers the $scen" \
				"$data" synack ;;
		*)
			wait_for "uncovered, the receiver reads the $scen segment" \
				"$WAIT_SECS" read_as "$sport" "$data" ;;
		esac
	done <"$TMPD/craft.out"
else
	not_ok "crafting the tricks"
	diag "$(<"$TMPD/craft.err")"
fi

# --- the appliance itself ---------------------------------------------------
ping_from() {
	ip netns exec "$1" ping -c 1 -W 3 -q 10.0.0.254 >/dev/null 2>&1
}
if ping_from "$NS_H"; then
	not_ok "the host cannot reach the appliance (local drop)"
else
	ok "the host cannot reach the appliance (local drop)"
fi
check_eq "counted" "$(sis_json '$b.norm_stats.local > 0')" true
check "the network side still can" ping_from "$NS_N"
check "set local pass" sis set dev br0 local pass
check "then the host can" ping_from "$NS_H"
check "set local drop" sis set dev br0 local drop

# --- prevent rules: an earlier rule's load past a short frame; IPv6 ---------
id1=$(sis prevent add br0 dir in 'tcp dst port 80 and tcp[20:4] = 0x47455420')
id2=$(sis prevent add br0 dir in 'src host 10.0.0.66')
id3=$(sis prevent add br0 dir in "ip6 and tcp dst port $PORT")
if DPORT=80 craft 10.0.0.66 42000 syn; then
	check_eq "a payload-less SYN from 10.0.0.66 is dropped by rule 2" \
		"$(sis_json '[$b.prevent[0].matches, $b.prevent[1].matches]')" "[0,1]"
else
	not_ok "crafting the SYN"
	diag "$(<"$TMPD/craft.err")"
fi
if craft 10.0.0.3 42100 hbhsyn dstsyn; then
	check_eq "IPv6 SYNs behind extension headers do not skip 'ip6 and tcp dst port $PORT'" \
		"$(cut -d' ' -f3 "$TMPD/craft.out" | tr '\n' ' ')" "none none "
	check_eq "dropped as ip6-exthdr" "$(norm_count ip6_exthdr)" 2
else
	not_ok "crafting the IPv6 SYNs"
	diag "$(<"$TMPD/craft.err")"
fi
check "set ip6-exthdr pass" sis set dev br0 ip6-exthdr pass
if craft 10.0.0.3 42200 hbhsyn; then
	check_eq "with ip6-exthdr pass, they go by unjudged" \
		"$(cut -d' ' -f3 "$TMPD/craft.out")" synack
else
	not_ok "crafting the IPv6 SYN"
	diag "$(<"$TMPD/craft.err")"
fi
check "set ip6-exthdr drop" sis set dev br0 ip6-exthdr drop
sis prevent del br0 "$id1"
sis prevent del br0 "$id2"
sis prevent del br0 "$id3"

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

# contained_tricks NAME SPORT SCENARIO...: each judged, or dropped and
# counted; the receiver reads none of them.
contained_tricks() {
	local name=$1 sport=$2 scen sport_i data bad malformed dropped
	shift 2
	bad=$(norm_count fragments_bad)
	dropped=$(norm_count fragments_dropped)
	malformed=$(stream_count malformed)
	if ! craft 10.0.0.3 "$sport" "$@"; then
		not_ok "$name: crafting the tricks"
		diag "$(<"$TMPD/craft.err")"
		return
	fi
	while read -r scen sport_i data; do
		case $name:$scen in
		*:tiny|*:overlap)
			bad=$((bad + 1))
			wait_for "$name: the $scen fragments are dropped and counted" \
				"$WAIT_SECS" count_at_least "$bad" norm_count fragments_bad
			;;
		*:badoff)
			malformed=$((malformed + 1))
			wait_for "$name: the $scen segment is dropped and counted" \
				"$WAIT_SECS" count_at_least "$malformed" stream_count malformed
			;;
		"fragments drop:frag")
			dropped=$((dropped + 1))
			wait_for "$name: the $scen fragments are dropped and counted" \
				"$WAIT_SECS" count_at_least "$dropped" norm_count fragments_dropped
			;;
		*)
			wait_for "$name: the scanner judges the $scen segment" \
				"$WAIT_SECS" scanner_saw "$sport_i" "${#data}"
			;;
		esac
	done <"$TMPD/craft.out"
	# What was forwarded would have been read within milliseconds.
	nap 2
	while read -r scen sport_i data; do
		check_eq "$name: the receiver read nothing of the $scen segment" \
			"$( [ -f "$RCV/$sport_i" ] && cat "$RCV/$sport_i")" ""
	done <"$TMPD/craft.out"
}

for nf in 1 0; do
	echo "$nf" | ip netns exec "$NS_B" \
		tee /proc/sys/net/bridge/bridge-nf-call-iptables >/dev/null
	contained_tricks "nf $nf" "$((43000 + 100 * nf))" \
		control badopt padded frag tiny overlap badoff
done
check_eq "whole datagrams judged" "$(sis_json '$b.norm_stats.reassembled >= 2')" true

# The connection opened before the scanner came sends now.
check_eq "a containing capability drops mid-stream connections by default" \
	"$(sis -j show scanner never | jq -r '.[0].caps[0].midstream')" drop
: >"$TMPD/go"
wait_for "its segments are dropped and counted" "$WAIT_SECS" \
	count_at_least 1 stream_count midstream_dropped
nap 2
check_eq "the receiver read nothing of them" \
	"$( [ -f "$RCV/$late_port" ] && cat "$RCV/$late_port")" ""
check "set fragments drop" sis set dev br0 fragments drop
contained_tricks "fragments drop" 43200 frag

tap_done
