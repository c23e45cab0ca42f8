#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Malformed netlink requests (netlink.c, kselftest harness) against an
# attached bridge with no rules.
source "$(dirname "$0")/lib.sh"
trap cleanup EXIT
bin=$TOP/build/selftests/netlink

setup_topology
sis attach br0 host hp0
# The harness prints its own TAP; drop ours (nothing printed yet but the
# version line, which the harness repeats).
SIS_BRIDGE=br0 SIS_HOST=hp0 ip netns exec "$NS_B" "$bin" | grep -v '^TAP version'
rc=${PIPESTATUS[0]}

# The bridge now holds SIS_MAX_RULES rules over several dump messages:
# sisctl shows them as one bridge. Numbering continues after the harness.
json=$(sis -j show)
n=$(jq -c '[length, (.[0].prevent | length)]' <<<"$json")
if [ "$n" = "[1,256]" ]; then
	echo "ok 100 - sisctl merges a bridge dumped over several messages"
else
	echo "not ok 100 - sisctl merges a bridge dumped over several messages"
	echo "# got $n, want [1,256]"
	rc=1
fi

# The stream limits the harness changed are back at their defaults, and
# the stream counters are shown in the bridge's first message.
n=$(jq -c '[.[0].limits.max_conns, .[0].limits.conn_segs,
	    (.[0].stream_stats | length > 0)]' <<<"$json")
if [ "$n" = "[65536,3072,true]" ]; then
	echo "ok 101 - stream limits at their defaults, stream counters shown"
else
	echo "not ok 101 - stream limits at their defaults, stream counters shown"
	echo "# got $n, want [65536,3072,true]"
	rc=1
fi
exit "$rc"
