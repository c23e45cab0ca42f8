#!/usr/bin/env bash
# Build sis.ko (and, with SIS_KUNIT=1 among the arguments, sis_kunit.ko)
# against the cached guest kernel of a flavor (scripts/kernel.sh).
#
#   scripts/module.sh debug|bench|coverage [--clean] [MAKE ARGS...]
#
# Prints the directory that holds kernel/sis.ko: the checkout itself for
# debug (the test kernel), a copy of the sources in $BUILD/mod-FLAVOR for
# the others, so that objects built for one kernel never mix with another's.
# Kbuild cannot build in a directory whose path has a space or a colon: such
# a directory is reached through a link (scripts/nospace.sh).
# --clean removes what an earlier build left first. The make output goes
# to standard error.
set -euo pipefail

flavor=${1:?usage: $0 debug|bench|coverage [--clean] [MAKE ARGS...]}
shift
clean=0
[ "${1:-}" = --clean ] && { clean=1; shift; }
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${BUILD:-build}
kdir=$(scripts/kernel.sh "$flavor")

dir=$top
if [ "$flavor" != debug ]; then
	case $build in /*) dir=$build/mod-$flavor ;; *) dir=$top/$build/mod-$flavor ;; esac
	mkdir -p "$dir"
	# Unchanged sources keep their times: the build stays incremental.
	rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude='*.mod*' --exclude='*.gcno' --exclude='modules.order' \
		--exclude='Module.symvers' Kbuild VERSION kernel uapi "$dir/"
fi

m=$(scripts/nospace.sh "$dir")
[ "$clean" = 0 ] || make -s -C "$kdir" M="$m" clean >&2
make -j"$(nproc)" -C "$kdir" M="$m" "$@" modules >&2
echo "$dir"
