#!/usr/bin/env bash
# make install, checked from the outside (Documentation/install.md):
#
#   scripts/install-check.sh files     make install DESTDIR=... PREFIX=/usr puts
#                                      exactly the expected files; make
#                                      uninstall takes them all away again
#   scripts/install-check.sh run       the installed programs run with the
#                                      installed libsis.so.1 (--version)
#   scripts/install-check.sh elf       sonames, NEEDED entries, no RPATH, and
#                                      libsis exports exactly what its
#                                      headers declare
#   scripts/install-check.sh pkgconfig a program built with pkg-config
#                                      against the staged install runs
#   scripts/install-check.sh scanners  make install-codered and
#                                      install-mailscan put what their
#                                      documents say
#   scripts/install-check.sh kdir      make with a missing kernel tree says
#                                      what to do
#   scripts/install-check.sh dkms      dkms builds sis.ko from make
#                                      install-dkms against the 6.1 headers
#   scripts/install-check.sh deb       dpkg-buildpackage builds the Debian
#                                      packages, and lintian passes them
#
# Each stages into a directory of its own, removed at the end.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
tmp=$(mktemp -d /tmp/sis-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest
version=$(cat VERSION)

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# stage [TARGET]: make TARGET (install) into $dest with PREFIX=/usr.
stage() {
	make -s "${1:-install}" DESTDIR="$dest" PREFIX=/usr >"$tmp/install.log"
}

# The files and links under $dest, one a line, sorted.
staged() {
	(cd "$dest" && find . \( -type f -o -type l \) -printf '%P\n' | LC_ALL=C sort)
}

# What make install must put, and nothing else.
expected_files() {
	{
		cat <<-EOF
		usr/bin/sis-dump
		usr/include/linux/sis.h
		usr/include/sis/scanner.h
		usr/include/sis/sis.h
		usr/lib/libsis.a
		usr/lib/libsis.so
		usr/lib/libsis.so.1
		usr/lib/libsis.so.1.0
		usr/lib/pkgconfig/libsis.pc
		etc/logrotate.d/sis
		usr/lib/systemd/system/sis-codered.service
		usr/lib/systemd/system/sis-mailscan.service
		usr/lib/systemd/system/sis-monitor.service
		usr/lib/sysusers.d/sis-codered.conf
		usr/lib/sysusers.d/sis-mailscan.conf
		usr/lib/sysusers.d/sis-monitor.conf
		usr/libexec/sis/sis-null
		usr/libexec/sis/sis-scan
		usr/libexec/sis/sis-stream
		usr/sbin/sis-codered
		usr/sbin/sis-codered-caps
		usr/sbin/sis-mailscan
		usr/sbin/sis-mailscan-caps
		usr/sbin/sisctl
		usr/share/doc/sis/alerts.md
		usr/share/doc/sis/codered.md
		usr/share/doc/sis/mailscan.md
		usr/share/doc/sis/scanner-api.md
		EOF
		# Whatever manual pages and completion the tree has.
		for m in Documentation/man/*.[1-8]; do
			[ -e "$m" ] || continue
			echo "usr/share/man/man${m##*.}/${m##*/}"
		done
		[ ! -e tools/sisctl/sisctl.bash-completion ] ||
			echo usr/share/bash-completion/completions/sisctl
	} | LC_ALL=C sort
}

check_files() {
	stage
	diff -u <(expected_files) <(staged) || fail "make install: not the expected files"
	# Modes: programs and the library executable, the rest not.
	for f in usr/sbin/sisctl usr/bin/sis-dump usr/libexec/sis/sis-scan \
		 usr/sbin/sis-codered-caps usr/lib/libsis.so.1.0; do
		[ "$(stat -c %a "$dest/$f")" = 755 ] || fail "$f: mode $(stat -c %a "$dest/$f")"
	done
	for f in usr/include/sis/scanner.h usr/lib/pkgconfig/libsis.pc \
		 usr/lib/systemd/system/sis-codered.service; do
		[ "$(stat -c %a "$dest/$f")" = 644 ] || fail "$f: mode $(stat -c %a "$dest/$f")"
	done
	[ "$(readlink "$dest/usr/lib/libsis.so.1")" = libsis.so.1.0 ] || fail "libsis.so.1 link"
	[ "$(readlink "$dest/usr/lib/libsis.so")" = libsis.so.1 ] || fail "libsis.so link"
	# The units run the installed programs.
	grep -qx 'ExecStart=/usr/sbin/sis-codered codered' \
		"$dest/usr/lib/systemd/system/sis-codered.service" || fail "sis-codered.service: ExecStart"
	grep -q '^ExecStart=/usr/sbin/sis-mailscan ' \
		"$dest/usr/lib/systemd/system/sis-mailscan.service" || fail "sis-mailscan.service: ExecStart"
	! grep -rn /usr/local "$dest/usr/lib/systemd" || fail "a unit names /usr/local"
	grep -qx "Version: $version" "$dest/usr/lib/pkgconfig/libsis.pc" || fail "libsis.pc: version"

	# A second install over the first changes nothing.
	stage
	diff -u <(expected_files) <(staged) || fail "make install twice: not the expected files"

	make -s uninstall DESTDIR="$dest" PREFIX=/usr >"$tmp/uninstall.log"
	if [ -n "$(staged)" ]; then
		staged
		fail "make uninstall left these"
	fi
	for d in usr/include/sis usr/share/doc/sis usr/libexec/sis; do
		[ ! -e "$dest/$d" ] || fail "make uninstall left $d"
	done
	echo "make install: $(expected_files | wc -l) files; make uninstall: none left"
}

# The installed programs run with the installed library, found in DESTDIR.
check_run() {
	local p out lib
	stage
	export LD_LIBRARY_PATH=$dest/usr/lib
	for p in sbin/sisctl sbin/sis-codered sbin/sis-mailscan bin/sis-dump \
		 libexec/sis/sis-null libexec/sis/sis-scan libexec/sis/sis-stream; do
		lib=$(ldd "$dest/usr/$p" | awk '$1 == "libsis.so.1" { print $3 }')
		[ "$lib" = "$dest/usr/lib/libsis.so.1" ] ||
			fail "$p: libsis.so.1 is \"$lib\", not the installed one"
		out=$("$dest/usr/$p" --version)
		[ "$out" = "${p##*/} $version" ] || fail "$p --version: \"$out\""
		echo "$out (libsis from $lib)"
	done
	# Without the library the programs cannot start: they do need it.
	mv "$dest/usr/lib/libsis.so.1.0" "$tmp/moved"
	! "$dest/usr/sbin/sisctl" --version 2>/dev/null || fail "sisctl ran without libsis.so.1"
}

# The exported functions: nm's list of the library, and the functions the
# public headers declare.
exported() {
	nm -D --defined-only "$1" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' |
		LC_ALL=C sort
}
declared() {
	# Declarations start at the line's beginning; a function's name is the
	# identifier before its "(".
	grep -hoE '^[a-z].*\bsis_[a-z0-9_]+\(' lib/include/sis/*.h |
		grep -v '^typedef' | grep -oE 'sis_[a-z0-9_]+\($' | tr -d '(' |
		LC_ALL=C sort -u
}

check_elf() {
	local p so
	stage
	so=$dest/usr/lib/libsis.so.1.0
	readelf -d "$so" >"$tmp/so.d"
	grep -q 'Library soname: \[libsis.so.1\]' "$tmp/so.d" || fail "libsis: soname"
	grep -q 'Shared library: \[libnl-genl-3.so.200\]' "$tmp/so.d" || fail "libsis: NEEDED libnl-genl-3"
	! grep -q 'Shared library: \[libpcap' "$tmp/so.d" || fail "libsis links libpcap: it loads it"
	! grep -qE 'RPATH|RUNPATH' "$tmp/so.d" || fail "libsis has an RPATH"
	for p in sbin/sisctl sbin/sis-codered sbin/sis-mailscan bin/sis-dump \
		 libexec/sis/sis-null libexec/sis/sis-scan libexec/sis/sis-stream; do
		readelf -d "$dest/usr/$p" >"$tmp/p.d"
		grep -q 'Shared library: \[libsis.so.1\]' "$tmp/p.d" || fail "$p: no NEEDED libsis.so.1"
		! grep -qE 'RPATH|RUNPATH' "$tmp/p.d" || fail "$p has an RPATH"
	done
	# libpcap by the soname of the libpcap.so the build found.
	strings "$so" | grep -qx "$(objdump -p "$(pkg-config --variable=libdir libpcap)/libpcap.so" |
		sed -n 's/^ *SONAME *//p')" || fail "libsis: libpcap's soname is not the build's"
	# Every symbol in the version node.
	nm -D --defined-only "$so" | awk '$2 != "A"' | grep -v '@@LIBSIS_1$' && fail "symbols outside LIBSIS_1"
	if ! diff -u <(declared) <(exported "$so"); then
		fail "libsis.so exports other functions than lib/include/sis/ declares (lib/libsis.map)"
	fi
	echo "libsis.so.1: $(exported "$so" | wc -l) functions, as declared"
}

# A scanner's build as its author makes it, against the staged install:
# pkg-config with the install as its sysroot.
check_pkgconfig() {
	local flags
	stage
	cat >"$tmp/prog.c" <<-'EOF'
	#include <stdio.h>
	#include <string.h>
	#include <sis/scanner.h>

	int main(void)
	{
		char extack[SIS_EXTACK_MAX] = "";
		struct sis_scanner *sc = NULL;
		int r;

		/* No module on the build host: the call fails, and says why. */
		r = sis_scanner_open("no-such-scanner", &sc, extack, sizeof(extack));
		printf("sis_scanner_open: %d (%s) %s\n", r, strerror(r < 0 ? -r : 0), extack);
		if (sc)
			sis_scanner_close(sc);
		return r < 0 ? 0 : 1;
	}
	EOF
	export PKG_CONFIG_SYSROOT_DIR=$dest
	export PKG_CONFIG_PATH=$dest/usr/lib/pkgconfig
	pkg-config --modversion libsis | grep -qx "$version" || fail "pkg-config: libsis version"
	flags=$(pkg-config --cflags --libs libsis)
	echo "pkg-config --cflags --libs libsis: $flags"
	# shellcheck disable=SC2086 # the flags are words
	gcc -Wall -Wextra -Werror -o "$tmp/prog" "$tmp/prog.c" $flags
	readelf -d "$tmp/prog" | grep -q 'Shared library: \[libsis.so.1\]' || fail "prog: no NEEDED libsis.so.1"
	LD_LIBRARY_PATH=$dest/usr/lib "$tmp/prog" || fail "prog failed"
}

# The per-scanner targets of Documentation/codered.md and mailscan.md: the
# scanner, its snippet, unit, user and document, sisctl (which the snippet
# runs) and the library they link.
check_scanners() {
	local s common
	common="usr/lib/libsis.so.1
usr/lib/libsis.so.1.0
usr/sbin/sisctl"
	[ ! -e tools/sisctl/sisctl.bash-completion ] ||
		common+=$'\n'usr/share/bash-completion/completions/sisctl
	for s in codered mailscan; do
		rm -rf "$dest"
		stage "install-$s"
		diff -u <(LC_ALL=C sort <<-EOF
			$common
			usr/lib/systemd/system/sis-$s.service
			usr/lib/sysusers.d/sis-$s.conf
			usr/sbin/sis-$s
			usr/sbin/sis-$s-caps
			usr/share/doc/sis/$s.md
			EOF
			) <(staged) || fail "make install-$s: not the expected files"
		LD_LIBRARY_PATH=$dest/usr/lib "$dest/usr/sbin/sis-$s" --version
		systemd-analyze verify "$dest/usr/lib/systemd/system/sis-$s.service" 2>&1 |
			grep -v 'Command .* is not executable' | grep . && fail "sis-$s.service: systemd-analyze verify"
	done
	return 0
}

check_kdir() {
	local out
	if out=$(make -s module KDIR="$tmp/no-kernel" 2>&1); then
		fail "make module built without a kernel tree"
	fi
	echo "$out"
	grep -q "no kernel build tree at $tmp/no-kernel" <<<"$out" || fail "make module: no clear message"
}

# dkms, as a package would run it, in trees of its own (nothing in
# /var/lib/dkms; the module is not signed, since no key is made).
check_dkms() {
	local hdr kver ko
	hdr=$(ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | sort -V | tail -n 1)
	[ -n "$hdr" ] || fail "no linux-headers-6.1 package"
	kver=${hdr##*/linux-headers-}
	[ -e "/lib/modules/$kver/build" ] || fail "/lib/modules/$kver/build: missing"
	make -s install-dkms DESTDIR="$tmp/src" DKMSSRCDIR= >/dev/null
	grep -qx "PACKAGE_VERSION=\"$version\"" "$tmp/src/sis-$version/dkms.conf" ||
		fail "dkms.conf: the version is not VERSION's"
	mkdir -p "$tmp/tree" "$tmp/inst"
	dk() {
		sign_file=/nonexistent dkms --sourcetree "$tmp/src" --dkmstree "$tmp/tree" \
			--installtree "$tmp/inst" "$@"
	}
	(cd /tmp && dk add "sis/$version" && dk build "sis/$version" -k "$kver") ||
		{ cat "$tmp/tree/sis/$version/build/make.log" 2>/dev/null; fail "dkms build"; }
	ko=$tmp/tree/sis/$version/$kver/$(uname -m)/module/sis.ko
	[ -f "$ko" ] || ko=$ko.xz
	[ -f "${ko}" ] || fail "dkms built no sis.ko"
	modinfo -F version "$ko" | grep -qx "$version" || fail "sis.ko: MODULE_VERSION"
	modinfo -F alias "$ko" | grep -qx 'net-pf-16-proto-16-family-sis' || fail "sis.ko: family alias"
	modinfo -F vermagic "$ko" | grep -q "^$kver " || fail "sis.ko: not for $kver"
	echo "dkms: sis/$version built for $kver"
}

# copy_sources DIR: the tree's sources, without what builds made: git's
# list in a checkout, else (make check's copy of one) all but the build
# products .gitignore names.
copy_sources() {
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$1"
	else
		tar -cf - --exclude=./build --exclude="./${BUILD:-build}" --exclude='*.o' \
			--exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c' --exclude='.*.cmd' \
			--exclude='*.a' --exclude=modules.order --exclude=Module.symvers . |
			tar -xf - -C "$1"
	fi
}

# The Debian packages (debian/), built from a copy of the tree as a
# package builder would, then lintian on them. A program that has no
# manual page in Documentation/man yet may lack one; any other warning
# or error fails.
check_deb() {
	local src=$tmp/src deb p tags allowed
	# One version: the package's is VERSION; the symbols file is the ABI.
	[ "$(dpkg-parsechangelog -S Version)" = "$version" ] ||
		fail "debian/changelog's version is not VERSION's ($version)"
	diff -u <(grep -oE '^[[:space:]]+sis_[a-z0-9_]+;' lib/libsis.map | tr -d ' \t;' | LC_ALL=C sort) \
		<(grep -oE '^ sis_[a-z0-9_]+@' debian/libsis1.symbols | tr -d ' @' | LC_ALL=C sort) ||
		fail "debian/libsis1.symbols is not lib/libsis.map"
	mkdir -p "$src/sis"
	copy_sources "$src/sis"
	(cd "$src/sis" && DEB_BUILD_OPTIONS="nocheck parallel=2" \
		dpkg-buildpackage -b -us -uc >"$tmp/deb.log" 2>&1) ||
		{ tail -n 40 "$tmp/deb.log"; fail "dpkg-buildpackage"; }
	for p in sis-dkms libsis1 libsis-dev sisctl sis-codered sis-mailscan; do
		deb=$(ls "$src/${p}_${version}_"*.deb 2>/dev/null) || fail "no package $p"
		echo "$p: $(dpkg-deb -c "$deb" | grep -vc '/$') files"
	done
	# What a package's files and dependencies must be.
	deb() { ls "$src/${1}_${version}_"*.deb; }
	dpkg-deb -f "$(deb libsis1)" Depends | grep -q 'libpcap0.8' || fail "libsis1: no libpcap0.8 dependency"
	dpkg-deb -f "$(deb sisctl)" Depends | grep -q 'libsis1 (>= ' || fail "sisctl: no libsis1 dependency"
	dpkg-deb -f "$(deb sis-dkms)" Depends | grep -q 'dkms' || fail "sis-dkms: no dkms dependency"
	# (grep reads all: dpkg-deb fails on a closed pipe.)
	has() { dpkg-deb -c "$(deb "$1")" | grep -cE -- "$2" >/dev/null; }
	has sis-dkms "usr/src/sis-$version/dkms.conf$" || fail "sis-dkms: no dkms.conf"
	has libsis1 'libsis.so.1 -> libsis.so.1.0$' || fail "libsis1: no libsis.so.1"
	has libsis-dev 'pkgconfig/libsis.pc$' || fail "libsis-dev: no libsis.pc"
	has sisctl 'usr/sbin/sisctl$' || fail "sisctl: no program"
	has sis-codered 'usr/sbin/sis-codered$' || fail "sis-codered: no program"
	has sis-mailscan 'usr/sbin/sis-mailscan$' || fail "sis-mailscan: no program"
	has sisctl 'lib/systemd/system/sis-monitor.service$' || fail "sisctl: no sis-monitor.service"
	has sisctl 'etc/logrotate.d/sis$' || fail "sisctl: no logrotate file"
	has sisctl 'usr/share/man/man8/sisctl.8' || fail "sisctl: no sisctl(8)"
	has sisctl 'usr/lib/sysusers.d/sis-monitor.conf$' || fail "sisctl: no sysusers file for sis-monitor"
	dpkg-deb -I "$(deb sisctl)" postinst | grep -c systemd-sysusers >/dev/null ||
		fail "sisctl: sis-monitor's user is not created on installation"
	for p in sis-codered sis-mailscan; do
		has $p "usr/lib/sysusers.d/$p.conf$" || fail "$p: no sysusers file"
		dpkg-deb -I "$(deb $p)" postinst | grep -c systemd-sysusers >/dev/null ||
			fail "$p: its user is not created on installation"
	done
	# Only sis-dkms is a DKMS package.
	for p in libsis1 libsis-dev sisctl sis-codered sis-mailscan; do
		! has $p "usr/src/" || fail "$p has usr/src"
		! dpkg-deb -f "$(deb $p)" Depends | grep -c dkms >/dev/null || fail "$p depends on dkms"
	done
	# Manual pages not written yet.
	allowed=()
	for p in sisctl sis-codered sis-codered-caps sis-mailscan sis-mailscan-caps; do
		ls Documentation/man/"$p".[1-8] >/dev/null 2>&1 || allowed+=("$p")
	done
	lintian --pedantic --no-tag-display-limit "$src"/*_"$version"_*.deb >"$tmp/lintian" 2>&1 || true
	tags=$(grep -E '^[EW]: ' "$tmp/lintian" | while read -r line; do
		for p in "${allowed[@]}"; do
			[[ $line =~ no-manual-page\ \[usr/sbin/$p\]$ ]] && continue 2
		done
		echo "$line"
	done)
	grep -E '^[EWIP]: ' "$tmp/lintian" | sort -u
	[ -z "$tags" ] || { echo "$tags"; fail "lintian"; }
	echo "lintian: no error or warning${allowed:+ (but no-manual-page for ${allowed[*]}: no page in Documentation/man yet)}"
}

case ${1:-} in
deb) check_deb ;;
files) check_files ;;
run) check_run ;;
elf) check_elf ;;
pkgconfig) check_pkgconfig ;;
scanners) check_scanners ;;
kdir) check_kdir ;;
dkms) check_dkms ;;
*)
	echo "usage: $0 files|run|elf|pkgconfig|scanners|kdir|dkms|deb" >&2
	exit 2
	;;
esac
