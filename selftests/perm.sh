#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sis-selftest: cost=39
# Every administrator operation needs CAP_NET_ADMIN: an unprivileged user
# (nobody) is refused with a clear EPERM and changes nothing; a user
# namespace's root may not raise a bridge's limits past the defaults.
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

# A user namespace's root administers the bridges of its own network
# namespace, but cannot let them keep more than the initial namespace's
# defaults: that memory is the host's.
as_userns() {
	unshare --user --map-root-user --net sh -ec '
		sisctl=$1
		shift
		ip link add br0 type bridge
		ip link add a0 type veth peer name a1
		ip link add b0 type veth peer name b1
		ip link set a0 master br0
		ip link set b0 master br0
		"$sisctl" attach br0 host a0 2>/dev/null
		exec "$sisctl" "$@"' sh "$SISCTL" "$@"
}
check "user namespace root: attach, and limits at most the defaults" \
	as_userns set dev br0 max-conns 65536 conn-bytes 1m idle-timeout 1h
check_fail "user namespace root: max-conns above the default" \
	"above the default, which is as far as a user namespace may go" \
	as_userns set dev br0 max-conns 65537
check_fail "user namespace root: max-half-open above the default" \
	"above the default, which is as far as a user namespace may go" \
	as_userns set dev br0 max-half-open 8193
check_fail "user namespace root: max-memory above the default" \
	"above the default, which is as far as a user namespace may go" \
	as_userns set dev br0 max-memory 257m
check_fail "user namespace root: idle-timeout above the default" \
	"above the default, which is as far as a user namespace may go" \
	as_userns set dev br0 idle-timeout 2h

tap_done
