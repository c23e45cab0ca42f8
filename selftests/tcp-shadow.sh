#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sis-selftest: cost=240 limit=1500
# The shadow TCB against the receiver: crafted sequences whose reading
# depends on the receiving Linux's TCP state (tcp-shadow.py: an old FIN, a
# FIN in a duplicate, a second SYN with another ISN, urgent data). A real
# Linux receiver (evasion.py serve, in NS_H) records what its application
# reads. First with nothing covering the port, to show what Linux reads;
# then with a reading scanner and with a containing one (sis-stream -m
# null, which passes everything, -x: the bytes it was given): for every
# sequence, the bytes the scanner reconstructed are those the application
# read, and the application read what Linux reads without SIS unless SIS
# normalised the sequence and counted it (tcp-shadow.py's NORM column).
#
#   NS_N: n0 (crafts as 10.0.0.3) --- np0 [br0] hp0 --- h0 10.0.0.1 :7001
source "$(dirname "$0")/lib.sh"

STREAM=$BUILDDIR/sis-stream
EVASION=$TOP/selftests/evasion.py
SHADOW=$TOP/selftests/tcp-shadow.py
PORT=7001
RCV=$TMPD/rcv
SCENARIOS="fin-old fin-dup syn-far syn-near syn-after urg-mid urg-zero urg-ahead urg-two urg-old"

if ! /usr/bin/python3 -c 'import scapy' 2>/dev/null; then
	echo "1..0 # SKIP python3-scapy is not installed (scripts/setup.sh installs it)"
	exit "$KSFT_SKIP"
fi

bg_pids=()
shadow_cleanup() {
	local p
	for p in "${bg_pids[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	cleanup
}
trap shadow_cleanup EXIT

# craft SPORT OUT: every scenario from 10.0.0.3, from port SPORT on; their
# lines ("SCENARIO SPORT LINUX NORM") in OUT.
craft() {
	ip netns exec "$NS_N" /usr/bin/python3 "$SHADOW" craft n0 "$MAC_N" \
		"$MAC_H" 10.0.0.3 10.0.0.1 "$PORT" "$1" $SCENARIOS \
		>"$2" 2>"$TMPD/craft.err"
}

# stream_count NAME: the bridge's stream counter NAME.
stream_count() {
	sis_json "\$b.stream_stats.$1 // 0"
}

# counters: "name=N ..." for the counters a sequence may be counted in.
counters() {
	sis_json '$b.stream_stats | "urgent=\(.urgent // 0) ambiguous=\(.ambiguous // 0) inconsistent=\(.inconsistent // 0)"'
}

# moved BEFORE AFTER NAME: counter NAME grew from BEFORE to AFTER.
moved() {
	local b a
	b=${1#*"$3"=}
	b=${b%% *}
	a=${2#*"$3"=}
	a=${a%% *}
	[ "$a" -gt "$b" ]
}

# phase NAME SPORT [-C]: the scenarios under a scanner NAME that reads
# (and, with -C, contains) the connections to PORT.
phase() {
	local name=$1 sport=$2 contain=${3:-} rights=read before after
	local scen sp got want norm linux out=$TMPD/$name.out

	[ -n "$contain" ] && rights=read,contain
	check "$name: declare the scanner" \
		sis scanner add "$name" bridge br0 user nobody timeout 600000 \
		fail closed
	check "$name: its capability, rights $rights" \
		sis cap add "$name" shadow stream host-port "$PORT" rights "$rights"
	ip netns exec "$NS_B" setpriv --reuid=nobody --regid=nogroup \
		--clear-groups "$STREAM" -s "$name" -c shadow $contain -m null \
		-x >"$out" 2>"$TMPD/$name.err" &
	bg_pids+=($!)
	wait_for "$name: sis-stream is ready" "$WAIT_SECS" \
		grep -qx ready "$out" || diag "$(<"$TMPD/$name.err")"
	before=$(counters)
	if ! craft "$sport" "$TMPD/$name.craft"; then
		not_ok "$name: crafting the sequences"
		diag "$(<"$TMPD/craft.err")"
	fi
	/usr/bin/python3 "$SHADOW" check "$TMPD/$name.craft" "$RCV" 60 "$out" \
		>"$TMPD/$name.check"
	after=$(counters)
	diag "$name: counters before: $before; after: $after"
	while read -r scen sp got want norm linux; do
		check_eq "$name: $scen: the scanner has what the application read" \
			"$got" "$want"
		if [ "$got" = "$linux" ]; then
			ok "$name: $scen: the application read what Linux reads"
		elif [ "$norm" != - ] && moved "$before" "$after" "$norm"; then
			ok "$name: $scen: normalised, counted ($norm)"
		else
			not_ok "$name: $scen: the application read what Linux reads, or SIS counted what it changed"
			diag "got '$got', Linux reads '$linux' (counter: $norm)"
		fi
	done <"$TMPD/$name.check"
	check "$name: delete the scanner" sis scanner del "$name"
}

setup_topology
ip -n "$NS_H" neigh replace 10.0.0.3 lladdr "$MAC_N" dev h0 nud permanent
# The receiver's answers come late: a second SYN sent right after the
# first passes the bridge before the SYN-ACK (a frame sent is otherwise
# handled, the bridge and the receiver's answer included, before the
# sender's next send returns).
check "the receiver answers 200 ms late" \
	ip netns exec "$NS_H" tc qdisc add dev h0 root netem delay 200ms
mkdir "$RCV"
exec {srv_fd}< <(exec ip netns exec "$NS_H" /usr/bin/python3 "$EVASION" \
	serve "$PORT" "$RCV" 2>"$TMPD/serve.err")
bg_pids+=($!)
wait_ready "$srv_fd" "evasion.py serve" || diag "$(<"$TMPD/serve.err")"
check "attach" sis attach br0 host hp0

# --- uncovered: what Linux reads ---------------------------------------------
if craft 44000 "$TMPD/linux.craft"; then
	/usr/bin/python3 "$SHADOW" check "$TMPD/linux.craft" "$RCV" 60 \
		>"$TMPD/linux.check"
	while read -r scen sp got want _; do
		check_eq "uncovered: $scen: the application read what Linux reads" \
			"$got" "$want"
	done <"$TMPD/linux.check"
else
	not_ok "crafting the sequences"
	diag "$(<"$TMPD/craft.err")"
fi

# --- covered: what the scanner judged is what the application read ----------
phase read 44100
phase contain 44200 -C
tap_done
