#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sis-selftest: cost=40 limit=1200
# The shadow TCB against the receiver: crafted sequences whose reading
# depends on the receiving Linux's TCP state (tcp-shadow.py: an old FIN, a
# FIN in a duplicate, a second SYN with another ISN, urgent data). A real
# Linux receiver (evasion.py serve, in NS_H) records what its application
# reads. Each sequence is sent three times at once, from three ranges of
# ports: one no capability covers, to show what Linux reads; one that a
# reading scanner covers, and one that a containing scanner covers
# (sis-stream -m null, which passes everything; -x: the bytes it was
# given). Covered, the bytes the scanner reconstructed must be those the
# application read, and the application must read what Linux reads without
# SIS unless SIS normalised the sequence and counted it (tcp-shadow.py's
# NORM column).
#
#   NS_N: n0 (crafts as 10.0.0.3) --- np0 [br0] hp0 --- h0 10.0.0.1 :7001
source "$(dirname "$0")/lib.sh"

STREAM=$BUILDDIR/sis-stream
EVASION=$TOP/selftests/evasion.py
SHADOW=$TOP/selftests/tcp-shadow.py
PORT=7001
RCV=$TMPD/rcv
SCENARIOS="fin-old fin-dup syn-far syn-near syn-after urg-mid urg-zero urg-ahead urg-two urg-old"
# The sets: name, first port, scanner options ("" for none).
SETS=("uncovered 44000" "read 44100 " "contain 44200 -C")

trap cleanup_bg EXIT

# craft NAME SPORT: every scenario from 10.0.0.3, from port SPORT on; their
# lines ("SCENARIO SPORT LINUX NORM") in $TMPD/NAME.craft.
craft() {
	ip netns exec "$NS_N" /usr/bin/python3 "$SHADOW" craft n0 "$MAC_N" \
		"$MAC_H" 10.0.0.3 10.0.0.1 "$PORT" "$2" $SCENARIOS \
		>"$TMPD/$1.craft" 2>"$TMPD/$1.err"
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

# scanner NAME SPORT [-C]: a scanner NAME that reads (and, with -C,
# contains) the connections from ports SPORT to SPORT + 99, with
# sis-stream writing to $TMPD/NAME.out.
scanner() {
	local name=$1 sport=$2 contain=${3:-} rights=read

	[ -n "$contain" ] && rights=read,contain
	check "$name: declare the scanner" \
		sis scanner add "$name" bridge br0 user nobody timeout 600000 \
		fail closed
	check "$name: its capability, rights $rights" \
		sis cap add "$name" shadow stream host-port "$PORT" \
		net-port "$sport-$((sport + 99))" rights "$rights"
	ip netns exec "$NS_B" setpriv --reuid=nobody --regid=nogroup \
		--clear-groups "$STREAM" -s "$name" -c shadow $contain -m null \
		-x >"$TMPD/$name.out" 2>"$TMPD/$name.serr" &
	bg_pids+=($!)
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
check "attach" sis attach br0 host hp0
for set in "${SETS[@]:1}"; do
	# shellcheck disable=SC2086
	scanner $set
done
wait_ready "$srv_fd" "evasion.py serve" || diag "$(<"$TMPD/serve.err")"
for set in "${SETS[@]:1}"; do
	read -r name _ <<<"$set"
	wait_for "$name: sis-stream is ready" "$WAIT_SECS" \
		grep -qx ready "$TMPD/$name.out" || diag "$(<"$TMPD/$name.serr")"
done

# --- the three sets at once --------------------------------------------------
before=$(counters)
t=$SECONDS
pids=()
for set in "${SETS[@]}"; do
	read -r name sport _ <<<"$set"
	craft "$name" "$sport" &
	pids+=($!)
done
i=0
for set in "${SETS[@]}"; do
	read -r name _ <<<"$set"
	wait "${pids[i]}" || { not_ok "$name: crafting the sequences"; diag "$(<"$TMPD/$name.err")"; }
	i=$((i + 1))
done
diag "crafted in $((SECONDS - t)) s"
t=$SECONDS
pids=()
for set in "${SETS[@]}"; do
	read -r name _ <<<"$set"
	out=$TMPD/$name.out
	[ "$name" = uncovered ] && out=
	/usr/bin/python3 "$SHADOW" check "$TMPD/$name.craft" "$RCV" 60 $out \
		>"$TMPD/$name.check" &
	pids+=($!)
done
wait "${pids[@]}"
diag "checked in $((SECONDS - t)) s"
after=$(counters)
diag "counters before: $before; after: $after"

while read -r scen _ got want _; do
	check_eq "uncovered: $scen: the application read what Linux reads" \
		"$got" "$want"
done <"$TMPD/uncovered.check"
for name in read contain; do
	while read -r scen _ got want norm linux; do
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
done
diag "done in $SECONDS s"
tap_done
