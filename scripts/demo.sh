#!/usr/bin/env bash
# `make demo`: the SIS appliance in a QEMU guest. A protected host and the
# network, each in its own namespace, talk through a two-port bridge that
# sis.ko secures; the guest's console shows what happens.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/setup.sh
build=${BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
mkdir -p "$build"
build=$(scripts/nospace.sh "$build")
export BUILD=$build
scripts/module.sh debug >/dev/null
make -s userspace
echo "demo: booting the appliance guest (a minute or two under TCG)" >&2
exec scripts/vm.sh --console --timeout 900 --out "$build/demo" -- \
	env SIS_BUILD="$build" scripts/demo-guest.sh
