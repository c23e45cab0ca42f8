#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sis-selftest: cost=45
# Every administrator operation needs CAP_NET_ADMIN: an unprivileged user
# (nobody) is refused with a clear EPERM and changes nothing.
source "$(dirname "$0")/lib.sh"
trap cleanup EXIT

setup_topology
check "attach as root" sis attach br0 host hp0
id=$(sis prevent add br0 icmp)

as_nobody() {
	ip netns exec "$NS_B" setpriv --reuid=nobody --regid=nogroup \
		--clear-groups --inh-caps=-all "$SISCTL" "$@"
}

check_eq "test runs as a real unprivileged user" \
	"$(ip netns exec "$NS_B" setpriv --reuid=nobody --regid=nogroup --clear-groups id -u)" \
	"$(id -u nobody)"
check_fail "nobody: show" "Operation not permitted" as_nobody show
check_fail "nobody: attach" "Operation not permitted" as_nobody attach br0 host np0
check_fail "nobody: detach" "Operation not permitted" as_nobody detach br0
check_fail "nobody: prevent add" "Operation not permitted" \
	as_nobody prevent add br0 udp
check_fail "nobody: prevent del" "Operation not permitted" \
	as_nobody prevent del br0 "$id"
check_eq "still attached with its rule" \
	"$(sis_json '[$b.host.ifname, [$b.prevent[].id]]')" \
	"[\"hp0\",[$id]]"

tap_done
