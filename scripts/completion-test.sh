#!/usr/bin/env bash
# tools/sisctl/sisctl.bash-completion, driven as bash drives it: COMP_WORDS
# and COMP_CWORD set, _sisctl called, COMPREPLY compared. TAP output.
#
#   scripts/completion-test.sh BUILD
#
# It runs in a network namespace of its own (unshare, as root) with real
# bridges and ports, which ip(8) lists. The declared scanners come from a
# stand-in for sisctl that prints what `sisctl show scanner` prints: the
# sis module cannot be loaded on the host. The real sisctl, with no
# module, must complete nothing and print nothing.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: $0 BUILD}
case $build in /*) ;; *) build=$top/$build ;; esac

if [ -z "${SIS_COMPLETION_NETNS:-}" ]; then
	exec env SIS_COMPLETION_NETNS=1 unshare --net -- "$0" "$@"
fi

ip link add br-a type bridge || { echo "not ok 1 - a bridge in a network namespace"; exit 1; }
ip link add br-b type bridge
ip link add v0 type veth peer name v1
ip link set v0 master br-a
ip link set v1 master br-a

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# What sisctl prints for two scanners, in JSON and as text.
cat >"$tmp/sisctl" <<'EOF'
#!/bin/sh
case "$*" in
"-j show scanner")
	cat <<'J'
[{"name":"ids","bridge":"br-a","ifindex":2,"uid":0,"user":"root","pid":null,"timeout_ms":1000,"fail":"closed","absent":"drop","max_held":1024,"max_bytes":4194304,"held":0,"held_bytes":0,"stats":{"frames":0},"caps":[{"name":"web","dir":"in","rights":"read,contain","filter":"tcp dst port 80","matches":0,"kind":"frames"},{"name":"dns","dir":"any","rights":"read","filter":"udp port 53","matches":0,"kind":"frames"}],"injects":[{"id":1,"dir":"out","len":60,"sent":0,"kind":"frame"},{"id":2,"dir":"in","len":1200,"sent":0,"kind":"stream"}],"subs":[],"inject_rate":100},{"name":"mail","bridge":"br-a","ifindex":2,"uid":0,"user":"root","pid":null,"timeout_ms":1000,"fail":"closed","absent":"drop","max_held":1024,"max_bytes":4194304,"held":0,"held_bytes":0,"stats":{"frames":0},"caps":[{"name":"smtp","dir":"out","rights":"read,contain","filter":null,"matches":0,"kind":"stream"}],"injects":[],"subs":[],"inject_rate":100}]
J
	;;
"show scanner")
	printf 'scanner ids bridge br-a user root not attached\n'
	printf '\ttimeout 1000 fail closed absent drop max-held 1024 max-bytes 4194304 inject-rate 100\n'
	printf '\tcap web dir in rights read,contain matches 0: tcp dst port 80\n'
	printf '\tcap dns dir any rights read matches 0: udp port 53\n'
	printf '\tinject 1 dir out len 60 sent 0\n'
	printf '\tinject 2 stream dir in len 1200 sent 0\n'
	printf 'scanner mail bridge br-a user root not attached\n'
	printf '\tcap smtp stream host-port * net-port 25 midstream drop dir out rights read,contain matches 0\n'
	;;
"-j show br-a")
	printf '[{"bridge":"br-a","ifindex":2,"prevent":[{"id":3},{"id":7}],"scanners":[]}]\n'
	;;
"show br-a")
	printf 'bridge br-a host v0 net v1\n\tprevent 3 dir out matches 0 bytes 0: icmp\n\tprevent 7 dir in matches 0 bytes 0: udp\n'
	;;
*)
	echo "Error: sis module not loaded." >&2
	exit 1
	;;
esac
EOF
chmod +x "$tmp/sisctl"
mkdir "$tmp/files" "$tmp/files/spool"
: >"$tmp/files/rst.pcap"

# shellcheck source=/dev/null
. "$top/tools/sisctl/sisctl.bash-completion"

n=0 failed=0
# t DESC WANT WORD... : complete the last WORD (the one under the
# cursor, possibly empty) of the line; WANT is the sorted completions.
t() {
	local desc=$1 want=$2 got err
	shift 2
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_sisctl 2>"$tmp/err"
	err=$(cat "$tmp/err")
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//')
	n=$((n + 1))
	if [ "$got" = "$want" ] && [ -z "$err" ]; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		echo "#   line: $*|"
		echo "#   got '$got', want '$want'"
		[ -z "$err" ] || echo "#   stderr: $err"
		failed=$((failed + 1))
	fi
}

S=$tmp/sisctl
echo "1..32"
t "the commands" "attach cap conns detach help inject monitor prevent scanner set show" $S ""
t "commands by prefix" "scanner set show" $S s
t "the global options" "--help --json --netns --pretty --version -V -h -j -n -p" $S -
t "the command after the global options" "add del" $S -j -n x prevent ""
t "attach: the bridges, from ip" "br-a br-b" $S attach ""
t "attach host: the bridge's ports" "v0 v1" $S attach br-a host ""
t "attach: the keyword not given yet" "fail" $S attach br-a host v0 ""
t "attach fail: its values" "closed open" $S attach br-a host v0 fail ""
t "prevent add: dir before the filter" "dir" $S prevent add br-a ""
t "prevent add dir: the directions" "any in out" $S prevent add br-a dir ""
t "prevent del: the bridge's rule ids" "3 7" $S prevent del br-a ""
t "show: its words and the bridges" "br-a br-b conns scanner scanners" $S show ""
t "show scanner: the declared scanners" "ids mail" $S show scanner ""
t "scanner add: the keywords not given yet" \
	"absent fail inject-rate max-bytes max-held timeout user" $S scanner add x bridge br-a ""
t "scanner add user: the users" "root" $S scanner add x bridge br-a user roo
t "cap del: the scanner's capabilities" "dns web" $S cap del ids ""
t "cap add stream: its keywords" "rights" $S cap add ids web stream r
t "cap add rights: its values" "read read,contain" $S cap add ids web rights ""
t "cap add: nothing inside a frame filter" "" $S cap add ids web rights read tcp ""
t "cap add stream: nothing after filter" "" $S cap add mail smtp stream rights read filter ""
t "inject add: a file" "$tmp/files/rst.pcap" $S inject add ids 3 "$tmp/files/rst"
t "inject add: the kind and dir" "dir frame stream" $S inject add ids 3 f.pcap ""
t "inject del: the scanner's injection ids" "1 2" $S inject del ids ""
t "monitor --save: a directory" "$tmp/files/spool" $S monitor --save "$tmp/files/s"
t "monitor: its options" "--count --eve --journal --pcap --save" $S monitor alerts --json --
t "set: the settings not given yet" \
	"close-timeout conn-bytes conn-segs fragments idle-timeout ip6-exthdr local max-half-open max-memory syn-timeout" \
	$S set dev br-a max-conns 100 ""
t "set fragments: its values" "drop pass reassemble" $S set br-a fragments ""

# Without jq, the same from the text of `sisctl show`.
mkdir "$tmp/bin"
for c in ip awk sort tr sed cat; do ln -s "$(type -P $c)" "$tmp/bin/$c"; done
PATH=$tmp/bin
t "without jq: the scanners" "ids mail" $S show scanner ""
t "without jq: the capabilities" "dns web" $S cap del ids ""
t "without jq: the injection ids" "1 2" $S inject del ids ""
t "without jq: the rule ids" "3 7" $S prevent del br-a ""
PATH=$tmp/bin:/usr/bin:/bin

# The real sisctl, with no module: nothing, and nothing on stderr.
t "the real sisctl without the module: no scanner, no noise" "" "$build/sisctl" show scanner ""

[ "$n" = 32 ] || { echo "not ok $((n + 1)) - 32 cases ran, not $n"; exit 1; }
exit $((failed > 0))
