#!/usr/bin/env bash
# Build (once) and cache the guest kernel from Debian's linux-source-6.12.
#
#   scripts/kernel.sh debug|bench|coverage     prints the kernel build directory
#
# debug (KASAN, lockdep, kmemleak, UBSAN) runs `make check`; bench (no debug
# option) runs `make bench` and `make soak`; coverage (gcov) runs `make coverage`.
#
# The build lives in ${XDG_CACHE_HOME:-$HOME/.cache}/sis/kernel-FLAVOR-KEY, where
# KEY hashes the source package version, the config fragments and this script,
# so any change to them builds a new kernel and an unchanged tree never rebuilds.
set -euo pipefail

flavor=${1:-debug}
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/sis
tarball=/usr/src/linux-source-6.12.tar.xz

case "$flavor" in
debug|bench|coverage) ;;
*) echo "usage: $0 debug|bench|coverage" >&2; exit 2 ;;
esac

if [ ! -f "$tarball" ]; then
	echo "kernel.sh: $tarball missing; run scripts/setup.sh" >&2
	exit 1
fi

version=$(dpkg-query -W -f '${Version}' linux-source-6.12)
frags=("$top/scripts/kconfig/base.config" "$top/scripts/kconfig/$flavor.config")
key=$( { echo "$version"; cat "${frags[@]}" "$0"; } | sha256sum | cut -c1-12)
src=$cache/src-$version
build=$cache/kernel-$flavor-$key

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9

if [ -f "$build/.sis-done" ]; then
	echo "$build"
	exit 0
fi

log() { echo "kernel.sh: $*" >&2; }

if [ ! -f "$src/.sis-done" ]; then
	log "extracting $tarball (once)"
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	tar -C "$src.tmp" --strip-components=1 -xJf "$tarball"
	touch "$src.tmp/.sis-done"
	mv "$src.tmp" "$src"
fi

log "building $flavor kernel $version into $build (10-20 minutes cold)"
rm -rf "$build"
mkdir -p "$build"
kmake() { make -C "$src" O="$build" -s "$@"; }
kmake allnoconfig >/dev/null
"$src/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" "${frags[@]}" >/dev/null
kmake olddefconfig >/dev/null

# Every =y the fragments ask for must have survived olddefconfig.
missing=0
for f in "${frags[@]}"; do
	while IFS= read -r line; do
		case "$line" in CONFIG_*=y) ;; *) continue ;; esac
		if ! grep -qx "$line" "$build/.config"; then
			log "config fragment option not set: $line"
			missing=1
		fi
	done <"$f"
done
[ "$missing" = 0 ] || { log "fix scripts/kconfig/*.config"; exit 1; }

kmake -j"$(nproc)" bzImage modules >"$build/build.log" 2>&1 ||
	{ tail -n 40 "$build/build.log" >&2; exit 1; }
touch "$build/.sis-done"
log "done"
echo "$build"
