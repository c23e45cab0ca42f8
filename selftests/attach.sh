#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sis-selftest: cost=33
# Attach/detach lifecycle and every refusal, with the message sisctl prints.
source "$(dirname "$0")/lib.sh"
trap cleanup EXIT

setup_topology
ip -n "$NS_B" -batch - <<EOF
link add solo type bridge
link add d0 type dummy
link set d0 master solo
link add trio type bridge
link add t1 type dummy
link add t2 type dummy
link add t3 type dummy
link set t1 master trio
link set t2 master trio
link set t3 master trio
link add spare type dummy
EOF

check_fail "attach: unknown bridge" 'Cannot find device "nope"' \
	sis attach nope host hp0
check_fail "attach: unknown port" 'Cannot find device "nope"' \
	sis attach br0 host nope
check_fail "attach: not a bridge" "device is not a bridge" \
	sis attach hp0 host np0
check_fail "attach: one port" "exactly two ports" \
	sis attach solo host d0
check_fail "attach: three ports" "exactly two ports" \
	sis attach trio host t1
check_fail "attach: host port not on the bridge" \
	"host port is not a port of this bridge" sis attach br0 host spare
check_fail "attach: missing host port" "Usage" sis attach br0
check_fail "attach: a port without its keyword is named" \
	'unknown argument "hp0"' sis attach br0 hp0
check_eq "refusals left nothing attached" "$(sis show)" ""

check "attach br0 host hp0" sis attach br0 host hp0
check_eq "show names the host and net ports" \
	"$(sis_json '[$b.host.ifname, $b.net.ifname]')" '["hp0","np0"]'
check_fail "attach: already attached" "already attached" \
	sis attach br0 host np0
check_eq "host port unchanged by refused re-attach" \
	"$(sis_json '$b.host.ifname')" "hp0"

out=$(ip -n "$NS_B" link set spare master br0 2>&1) && rc=0 || rc=$?
if [ "$rc" != 0 ] && [[ "$out" == *"must keep exactly two ports"* ]]; then
	ok "third port refused while attached"
else
	not_ok "third port refused while attached"
	diag "exit $rc: $out"
fi

# A second bridge in the same namespace, attached at the same time.
ip -n "$NS_B" -batch - <<EOF
link add br1 type bridge
link add a1 type dummy
link add b1 type dummy
link set a1 master br1
link set b1 master br1
EOF
check "attach a second bridge" sis attach br1 host b1
check_eq "both bridges listed" \
	"$(sis -j show | jq -c '[.[].bridge] | sort')" '["br0","br1"]'
check_eq "show BRIDGE lists only that bridge" \
	"$(sis -j show br1 | jq -c '[.[].bridge]')" '["br1"]'

# State is per namespace: nothing shows in the host's namespace.
check_eq "other namespace sees no bridge" \
	"$("$SISCTL" -n "$NS_H" show)" ""
check_fail "other namespace cannot detach" 'Cannot find device "br0"' \
	"$SISCTL" -n "$NS_H" detach br0

check "detach br1" sis detach br1
check_fail "detach: not attached" "bridge is neither attached nor closed" \
	sis detach br1
check_fail "detach: not a device" 'Cannot find device "nope"' \
	sis detach nope
check "detach br0" sis detach br0
check_eq "nothing attached after detach" "$(sis show)" ""
check "third port allowed once detached" \
	ip -n "$NS_B" link set spare master br0
check_fail "attach refused with three ports" "exactly two ports" \
	sis attach br0 host hp0
check "port leaves" ip -n "$NS_B" link set spare nomaster
check "re-attach after detach" sis attach br0 host hp0
check_eq "counters start from zero" \
	"$(sis_json '$b.stats.in.frames + $b.stats.out.frames')" "0"

tap_done
