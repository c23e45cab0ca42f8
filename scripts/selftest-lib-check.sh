#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The helpers of selftests/lib.sh that run a test's command (check,
# check_fail, wait_until, wait_for) checked on the host, no guest needed:
# the command sees the test's own variables, not the helper's locals of
# the same name. Bash scopes dynamically: a helper's "local end" once hid
# codered.sh's $end from the function it polled, which then saw the wait
# over at once. Prints TAP.
set -u
cd "$(dirname "$0")/.."

# The lib in a subshell of its own, as a test would source it; only this
# script's TAP is printed (lib.sh's own header is not), the commands'
# findings go to fd 3 as TAP comments.
exec 3>&1
(
	source selftests/lib.sh >/dev/null
	rmdir "$TMPD"
	nap() { :; }

	# Names a test uses, and every local of the helpers with its
	# underscore taken off (a helper that gains a local without one is
	# caught here too).
	names=(desc msg out rc end start secs line last)
	helpers=(check check_fail wait_until wait_for)
	for h in "${helpers[@]}"; do
		while read -r -a words; do
			[ "${words[0]}" = local ] || continue
			for w in "${words[@]:1}"; do
				[[ $w =~ ^([A-Za-z_][A-Za-z0-9_]*)(=.*|\;)?$ ]] &&
					names+=("${BASH_REMATCH[1]#_}")
			done
		done < <(declare -f "$h")
	done
	for v in "${names[@]}"; do
		printf -v "$v" 'global-%s' "$v"
	done

	# sees_globals: every name still holds the test's value.
	sees_globals() {
		local v
		for v in "${names[@]}"; do
			[ "${!v}" = "global-$v" ] || {
				echo "# \$$v is '${!v}'" >&3
				return 1
			}
		done
	}
	# fails_seeing_globals: the same, then exit 1 saying "seen", as
	# check_fail wants.
	fails_seeing_globals() {
		sees_globals && echo seen >&2
		return 1
	}

	n=0 failed=0
	result() {
		n=$((n + 1))
		if [ "$1" = 0 ]; then
			echo "ok $n - $2"
		else
			echo "not ok $n - $2"
			failed=$((failed + 1))
		fi
	}
	tap_failed=0
	check "inner" sees_globals >/dev/null
	[ "$tap_failed" = 0 ]
	result $? "check: the command sees the test's variables"
	tap_failed=0
	check_fail "inner" seen fails_seeing_globals >/dev/null
	[ "$tap_failed" = 0 ]
	result $? "check_fail: the command sees the test's variables"
	# A wait of 0 s: one try.
	wait_until 0 sees_globals
	result $? "wait_until: the command sees the test's variables"
	tap_failed=0
	wait_for "inner" 0 sees_globals >/dev/null
	[ "$tap_failed" = 0 ]
	result $? "wait_for: the command sees the test's variables"
	echo "1..$n"
	[ "$failed" = 0 ]
)
