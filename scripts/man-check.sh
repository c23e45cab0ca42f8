#!/usr/bin/env bash
# The man pages (Documentation/man/), as `make host-check` checks them.
#
#   scripts/man-check.sh render [PAGE...]   each page renders without a
#                                           warning, as lintian renders it,
#                                           and mandoc -T lint is silent
#   scripts/man-check.sh sisctl BUILD       every command, subcommand,
#                                           keyword and option that sisctl
#                                           takes is in sisctl.8
#   scripts/man-check.sh scanners BUILD     every option of each scanner's
#                                           usage is in its page, and every
#                                           libsis function in libsis.3,
#                                           whose example compiles
#   scripts/man-check.sh fails BUILD        the checks above fail on a
#                                           page with a bad macro, and on
#                                           pages that miss a keyword, an
#                                           option, a function
#
# What sisctl takes is read from the program and its sources, never from a
# list kept here: `sisctl help`, each command's own help, the option table
# of tools/sisctl/main.c and the keyword tables of tools/sisctl/*.c. So a
# keyword added to sisctl without its documentation fails the check.
# MAN_DIR (Documentation/man) is where the pages are read from.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
man_dir=${MAN_DIR:-Documentation/man}
fail=0

bad() {
	echo "FAIL: $*"
	fail=1
}

# The page as plain text, one paragraph a line, hyphens as typed.
page_text() {
	mandoc -T ascii -O width=1000 "$1" | col -b
}

# has TEXT WORD: WORD is in TEXT, not as a part of a longer word.
has() {
	grep -qP -- "(?<![A-Za-z0-9_-])\Q$2\E(?![A-Za-z0-9_-])" <<<"$1"
}

render() {
	local page out
	[ $# -gt 0 ] || set -- "$man_dir"/*.[1-8]
	for page in "$@"; do
		# As lintian runs it: groff's warnings on, 80 columns, UTF-8.
		out=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
			man --warnings -E UTF-8 -l -Tutf8 -Z "$page" 2>&1 >/dev/null)
		[ -z "$out" ] || bad "$page: man --warnings: $out"
		out=$(mandoc -T lint "$page" 2>&1)
		[ -z "$out" ] || bad "$page: mandoc -T lint: $out"
		lexgrog "$page" >/dev/null || bad "$page: lexgrog finds no NAME"
	done
	[ "$fail" = 0 ] && echo "ok: $# pages render without a warning"
}

# The usage lines of a help text, "Usage:" and the indented lines after
# it, and for the main help its commands and options: each without
# "Usage:" and "sisctl", and without the description after a wide gap
# (the main help's descriptions start in column 30).
usage_lines() {
	awk '/^Usage:/ { u = 1; sub(/^Usage:/, ""); print; next }
	     /^Commands:/ || /^Options:/ { u = 1; next }
	     u && /^[ \t]/ { match($0, /^ */); if (RLENGTH < 29) print; next }
	     { u = 0 }' |
		sed -E 's/^[[:space:]]+//; s/^sisctl +//; s/([^ ])  +.*/\1/'
}

sisctl_words() {
	local sisctl=$1 cmds c
	# The commands, and each command's help.
	cmds=$("$sisctl" help | awk '/^Commands:/ { c = 1; next }
		/^Options:/ { c = 0 } c && /^  [a-z]/ { print $1 }' | sort -u)
	[ -n "$cmds" ] || { echo "no commands in sisctl help" >&2; return 1; }
	for c in $cmds; do
		echo "$c"
		[ "$c" = help ] && continue
		"$sisctl" "$c" help | usage_lines
	done
	"$sisctl" help | usage_lines
	# The global options, from the option table.
	sed -n 's/^[[:space:]]*{ "\([a-z-]*\)", [a-z_]*, NULL, '"'"'\(.\)'"'"' },/--\1 -\2/p' \
		tools/sisctl/main.c
	# Every keyword an args table takes, and the settings of set.
	grep -ho '\.key = "[^"]*"' tools/sisctl/*.c | cut -d'"' -f2
	grep -hoP '^\s*\[SIS_LIMITS_A_\w+\] = \{\s*"\K[a-z0-9-]+' tools/sisctl/set.c
}

sisctl_check() {
	local build=$1 text words w n=0 pairs p
	text=$(page_text "$man_dir/sisctl.8") || { bad "sisctl.8 does not render"; return; }
	words=$(sisctl_words "$build/sisctl") || { bad "cannot read what sisctl takes"; return; }
	# Words: lower-case keywords, options, and choices (a|b, [x]).
	for w in $(tr ' \t[]|.' '\n\n\n\n\n\n' <<<"$words" | sed 's/,$//' |
		   grep -E '^(-[A-Za-z]|--[a-z][a-z0-9-]*|[a-z][a-z0-9,-]*)$' | sort -u); do
		n=$((n + 1))
		has "$text" "$w" || bad "sisctl.8 does not name \"$w\""
	done
	# Subcommands as they are written: "prevent add", "show scanner".
	pairs=$(grep -oE '^[a-z]+ [a-z]+( |$)' <<<"$words" | sed 's/ $//' | sort -u)
	while read -r p; do
		[ -n "$p" ] || continue
		n=$((n + 1))
		has "$text" "$p" || bad "sisctl.8 does not name \"$p\""
	done <<<"$pairs"
	[ "$n" -gt 50 ] || bad "only $n words read from sisctl: the check reads nothing"
	[ "$fail" = 0 ] && echo "ok: sisctl.8 names the $n commands, keywords and options sisctl takes"
}

# scanner_check PAGE USAGE: every option of USAGE (a --help text) in PAGE.
scanner_check() {
	local page=$1 usage=$2 text o n=0
	text=$(page_text "$man_dir/$page") || { bad "$page does not render"; return; }
	for o in $(grep -oE '(^|[ [])--?[a-zA-Z][a-z0-9-]*' <<<"$usage" |
		   tr -d ' [' | sort -u); do
		n=$((n + 1))
		has "$text" "$o" || bad "$page does not name option $o"
	done
	[ "$n" -gt 0 ] || bad "no options read from the usage for $page"
	[ "$fail" = 0 ] && echo "ok: $page names the $n options of its usage"
}

scanners_check() {
	local build=$1 text f n=0
	scanner_check sis-codered.8 "$("$build/sis-codered" --help)"
	scanner_check sis-mailscan.8 "$("$build/sis-mailscan" --help)"
	# These print their usage line on a bad option, and exit 2.
	scanner_check sis-dump.1 "$("$build/sis-dump" -h 2>&1)"
	scanner_check sis-null.1 "$("$build/sis-null" -h 2>&1)"
	# Every function the public headers declare, in libsis.3's NAME.
	text=$(lexgrog "$man_dir/libsis.3")
	for f in $(grep -hoP '^[a-z][\w ]*[\s*]\Ksis_\w+(?=\()' lib/include/sis/*.h | sort -u); do
		n=$((n + 1))
		grep -qF "\"$f - " <<<"$text" || bad "libsis.3 does not name $f in NAME"
	done
	[ "$n" -gt 20 ] || bad "only $n functions read from lib/include/sis/"
	[ "$fail" = 0 ] && echo "ok: libsis.3 names the $n functions of lib/include/sis/*.h"
	# Its example compiles against the headers, as the page prints it.
	mandoc -T ascii -O width=1000 "$man_dir/libsis.3" | col -b |
		awk '/^ *#include <errno.h>/ { c = 1 } /^ *Built with/ { exit } c { print }' \
		>"$build/libsis-example.c"
	if grep -q 'int main' "$build/libsis-example.c" &&
	   gcc -Wall -Wextra -Werror -I uapi -I lib/include -c \
		-o "$build/libsis-example.o" "$build/libsis-example.c"; then
		echo "ok: libsis.3's example compiles"
	else
		bad "libsis.3's example does not compile ($build/libsis-example.c)"
	fi
}

# expect_fail WHAT MODE BUILD PAGE SED: the check MODE fails, naming WHAT,
# once SED has taken it out of a copy of PAGE.
expect_fail() {
	local what=$1 mode=$2 build=$3 page=$4 sed=$5 d out
	d=$(mktemp -d)
	cp "$man_dir"/*.[1-8] "$d/"
	sed -i "$sed" "$d/$page"
	if out=$(MAN_DIR=$d "$0" "$mode" "$build"); then
		bad "$mode passes with $what taken out of $page"
	elif ! grep -qF -- "$what" <<<"$out"; then
		bad "$mode fails without naming $what: $out"
	else
		echo "ok: $mode fails without $what in $page"
	fi
	rm -rf "$d"
}

fails() {
	local build=$1 d out
	# A macro groff and mandoc do not know, in a copy of a page.
	d=$(mktemp -d)
	{ cat "$man_dir/sis-null.1"; echo ".XX not a macro"; } >"$d/sis-null.1"
	if out=$("$0" render "$d/sis-null.1"); then
		bad "render passes a page with an unknown macro"
	elif [ "$(grep -c "XX" <<<"$out")" -lt 2 ]; then
		bad "render fails, but not for the unknown macro in both man and mandoc: $out"
	else
		echo "ok: render fails on an unknown macro, in man and in mandoc"
	fi
	rm -rf "$d"
	expect_fail '"inject-rate"' sisctl "$build" sisctl.8 's/inject\\-rate/inject/g'
	expect_fail '"show conns"' sisctl "$build" sisctl.8 's/show conns/show/g'
	expect_fail '--pass-interval' scanners "$build" sis-codered.8 's/pass\\-interval/pass/g'
	expect_fail 'sis_stream_more' scanners "$build" libsis.3 's/sis_stream_more,//'
}

case ${1:-} in
render) shift; render "$@" ;;
sisctl) sisctl_check "${2:?BUILD}" ;;
scanners) scanners_check "${2:?BUILD}" ;;
fails) fails "${2:?BUILD}" ;;
*) echo "usage: $0 render [PAGE...] | sisctl BUILD | scanners BUILD | fails BUILD" >&2; exit 2 ;;
esac
exit "$fail"
