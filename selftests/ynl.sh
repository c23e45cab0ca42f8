#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sis-selftest: cost=135
# The family as Documentation/netlink/specs/sis.yaml describes it: the
# kernel tree's YNL CLI (tools/net/ynl/cli.py) drives sis.ko from the spec
# alone (attach, a scanner, dumps, a refusal with its message), and every
# operation's policy in the running module is the spec's (ynl-policy.py).
source "$(dirname "$0")/lib.sh"
trap cleanup EXIT

ksrc=${SIS_KSRC:-}
spec=$TOP/Documentation/netlink/specs/sis.yaml
if [ -z "$ksrc" ] || [ ! -f "$ksrc/tools/net/ynl/cli.py" ]; then
	# The kernel tree is the one the guest kernel was built from: check.sh
	# passes it. Without it nothing here can run: a failure, not a skip.
	not_ok "the kernel tree's YNL CLI is at hand (SIS_KSRC=$ksrc)"
	tap_done
	exit 1
fi

# ynl OP-ARGS...: cli.py in the bridge's namespace, JSON out.
ynl() {
	ip netns exec "$NS_B" /usr/bin/python3 "$ksrc/tools/net/ynl/cli.py" \
		--spec "$spec" \
		--schema "$ksrc/Documentation/netlink/genetlink-legacy.yaml" \
		--output-json "$@"
}

setup_topology
read -r br hp < <(ip -n "$NS_B" -j link show | jq -r \
	'[(.[] | select(.ifname == "br0") | .ifindex),
	  (.[] | select(.ifname == "hp0") | .ifindex)] | @tsv')

check "YNL: attach br0 (host port hp0) from the spec" \
	ynl --do attach --json "{\"ifindex\": $br, \"host-ifindex\": $hp}"
check_eq "sisctl sees what YNL attached" \
	"$(sis_json '[$b.bridge, $b.host.ifname, $b.net.ifname]')" \
	'["br0","hp0","np0"]'

out=$(ynl --dump get-bridge 2>&1)
check_eq "YNL: the get-bridge dump, decoded by the spec" \
	"$(jq -c '.[0] | [.ifname, ."host-ifname", ."net-ifname", .fail,
		.limits."max-conns", (."stats-in" | has("frames"))]' <<<"$out")" \
	'["br0","hp0","np0","closed",65536,true]'

check "YNL: scanner-add, with its nest" \
	ynl --do scanner-add --json \
	"{\"ifindex\": $br, \"scanner\": {\"name\": \"yscan\", \"uid\": 0, \"inject-rate\": 7}}"
out=$(ynl --dump get-scanner 2>&1)
check_eq "YNL: the get-scanner dump, decoded by the spec" \
	"$(jq -c '[.[] | .scanner | select(.name == "yscan") |
		[.name, .uid, ."inject-rate", ."timeout-ms"]]' <<<"$out")" \
	'[["yscan",0,7,1000]]'
check_eq "sisctl sees the scanner YNL declared" \
	"$(sis -j show scanner | jq -c '[.[] | [.name, .inject_rate]]')" \
	'[["yscan",7]]'

# A refusal: the kernel's extended ack reaches YNL's user.
out=$(ynl --do scanner-add --json \
	"{\"ifindex\": $br, \"scanner\": {\"name\": \"zero\", \"uid\": 0, \"timeout-ms\": 0}}" 2>&1)
check_match "YNL: a refused request shows the kernel's message" "$out" \
	"verdict timeout must be 1 ms to 10 minutes"
check_eq "the refused scanner was not declared" \
	"$(sis -j show scanner | jq -c '[.[].name]')" '["yscan"]'

# Every operation's policy, in the module as loaded, against the spec.
out=$(ip netns exec "$NS_B" /usr/bin/python3 "$TOP/selftests/ynl-policy.py" \
	"$ksrc" "$spec" 2>&1)
rc=$?
while read -r line; do
	case $line in
	"ok "*) ok "policy: ${line#ok * - }" ;;
	"not ok "*) not_ok "policy: ${line#not ok * - }" ;;
	"# "*) diag "${line#\# }" ;;
	esac
done <<<"$out"
if [ "$rc" != 0 ] && ! grep -q '^not ok' <<<"$out"; then
	not_ok "ynl-policy.py ran (exit $rc)"
	diag "$out"
fi

altered=$(mktemp /tmp/sis-ynl.XXXXXX)
# The comparison can fail: a spec whose attach takes no fail policy and
# whose scanner names may be a byte shorter differs from the module in
# those operations, and in those only.
sed -e '/^      name: attach$/,/request:/s/host-ifindex, fail ]/host-ifindex ]/' \
	-e '/^  - { name: scanner-name,/s/{ name: name }/{ name: name, checks: { max-len: 30 } }/' \
	"$spec" >"$altered"
out=$(ip netns exec "$NS_B" /usr/bin/python3 "$TOP/selftests/ynl-policy.py" \
	"$ksrc" "$altered" 2>&1)
rm -f "$altered"
check_eq "policy: an altered spec differs in what was altered, and only there" \
	"$(grep '^not ok' <<<"$out" | sed 's/^not ok [0-9]* - //; s/:.*//' | tr '\n' ' ')" \
	"attach scanner-del cap-add cap-del inject-add inject-del scanner-attach "

check "YNL: detach" ynl --do detach --json "{\"ifindex\": $br}"
check_eq "nothing attached after YNL's detach" "$(sis show)" ""

tap_done
