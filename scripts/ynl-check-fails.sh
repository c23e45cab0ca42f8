#!/usr/bin/env bash
# scripts/ynl-check.py fails on a spec that differs from uapi/linux/sis.h
# in a value, a name, an attribute's place or a struct's layout.
#   scripts/ynl-check-fails.sh KERNEL_SOURCE BUILD_DIR
set -u
ksrc=$1 build=$2
top=$(cd "$(dirname "$0")/.." && pwd)
spec=$top/Documentation/netlink/specs/sis.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=0

# mutant DESCRIPTION SED-EXPRESSION: the check fails on the spec so changed.
mutant() {
	sed -e "$2" "$spec" >"$tmp/sis.yaml"
	if cmp -s "$spec" "$tmp/sis.yaml"; then
		echo "FAIL: $1: the expression changed nothing"
		bad=1
	elif "$top/scripts/ynl-check.py" --spec "$tmp/sis.yaml" "$ksrc" \
		"$build" >"$tmp/out" 2>&1; then
		echo "FAIL: $1: the check passed"
		bad=1
	else
		echo "ok: $1: $(grep -m1 -E "FAIL|error" "$tmp/out")"
	fi
}

mutant "a constant's value" 's/name: max-rules, type: const, value: 256/name: max-rules, type: const, value: 255/'
mutant "an attribute the header lacks" 's/^\(      - { name: uid, type: u32 }\)$/\1\n      - { name: gid, type: u32 }/'
mutant "an attribute left out" '/^      - { name: held-bytes, type: u32 }$/d'
mutant "an enum's first value" '/^    name: verdict-code$/,/value-start/s/value-start: 1/value-start: 0/'
mutant "a struct member's size" 's/{ name: reserved, type: binary, len: 2 }/{ name: reserved, type: binary, len: 1 }/'
mutant "a command moved" '/^      name: get-conn$/,/^      name: closed$/s/^      name: closed$/      name: closed\n      value: 30/'
exit $bad
