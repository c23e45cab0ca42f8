#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sis-selftest: cost=37
# Malformed netlink requests (netlink.c, kselftest harness) against an
# attached bridge with no rules.
source "$(dirname "$0")/lib.sh"
trap cleanup EXIT
bin=$BUILDDIR/selftests/netlink

setup_topology
sis attach br0 host hp0
# The harness prints its own TAP, its plan first; ours follows its
# results, numbered after them, and the plan is moved to the end to count
# both.
harness=$(SIS_BRIDGE=br0 SIS_HOST=hp0 ip netns exec "$NS_B" "$bin")
rc=$?
grep -v -e '^1\.\.[0-9]*$' -e '^TAP version' <<<"$harness"
tap_n=$(grep -cE '^(not )?ok [0-9]+' <<<"$harness")
[ "$rc" = 0 ] || tap_failed=1

# The bridge now holds SIS_MAX_RULES rules over several dump messages:
# sisctl shows them as one bridge.
json=$(sis -j show)
check_eq "sisctl merges a bridge dumped over several messages" \
	"$(jq -c '[length, (.[0].prevent | length)]' <<<"$json")" "[1,256]"

# The stream limits the harness changed are back at their defaults, and
# the stream counters are shown in the bridge's first message.
check_eq "stream limits at their defaults, stream counters shown" \
	"$(jq -c '[.[0].limits.max_conns, .[0].limits.conn_segs,
		   (.[0].stream_stats | length > 0)]' <<<"$json")" "[65536,3072,true]"
tap_done
