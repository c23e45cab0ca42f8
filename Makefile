# SIS top-level build.
#
#   make                 sis.ko for the running kernel (or KDIR=...), libsis, tools
#   make install         libsis, sisctl, the scanners and their files
#                        [PREFIX=/usr/local DESTDIR=...] (mk/install.mk)
#   make modules_install sis.ko into /lib/modules (INSTALL_MOD_PATH or DESTDIR)
#   make check           the whole test suite: host checks, then KUnit and the
#                        kselftests in a QEMU guest (Documentation/testing.md)
#   make host-check      builds, static checks, host unit tests [UNIT=glob]
#   make kunit           the KUnit suites in the guest [SUITE=glob]
#   make selftest T=a,b  chosen kselftests in the guest
#   make soak            full-size loads on the non-debug kernel, long fuzzing
#   make coverage        kernel/, lib/ and tools/ line and branch coverage
#   make demo            the QEMU demo appliance
#   make bench           benchmarks (Documentation/performance.md)

BUILD		?= build
export BUILD
# The kernel sis.ko is built for, as for any out-of-tree module: the running
# one's unless KDIR says otherwise. The test kernel (scripts/kernel.sh) is
# only that of make check, kunit, selftest, soak, coverage, demo and bench.
KDIR		?= /lib/modules/$(shell uname -r)/build
# Where modules_install puts it: DESTDIR, as for make install.
INSTALL_MOD_PATH ?= $(DESTDIR)

.PHONY: all module modules_install userspace check host-check kunit selftest soak coverage \
	demo bench clean setup module-kdir
all: module userspace

setup:
	@scripts/setup.sh

module-kdir:
	@[ -d "$(KDIR)/" ] || { \
		echo "module: no kernel build tree at $(KDIR): install the running kernel's headers" >&2; \
		echo "module: (on Debian linux-headers-$$(uname -r)), or name one: make KDIR=DIR" >&2; \
		exit 1; }

module: module-kdir
	$(MAKE) -C "$(KDIR)" M="$$(scripts/nospace.sh "$(CURDIR)")" modules \
		$(if $(SIS_KUNIT),SIS_KUNIT=1)

# Into /lib/modules/RELEASE/updates, then depmod (which the kernel's own
# modules_install skips without a System.map, as with Debian's headers), so
# that the first use of the family loads it. A staged install is left to
# its package's depmod.
modules_install: module
	$(MAKE) -C "$(KDIR)" M="$$(scripts/nospace.sh "$(CURDIR)")" modules_install \
		INSTALL_MOD_DIR=updates $(if $(INSTALL_MOD_PATH),INSTALL_MOD_PATH="$(INSTALL_MOD_PATH)")
	@[ -n "$(INSTALL_MOD_PATH)" ] || \
		depmod -a "$$(modinfo -F vermagic kernel/sis.ko | cut -d' ' -f1)"

include mk/userspace.mk
include mk/install.mk

check:
	@scripts/check.sh check

host-check:
	@UNIT="$(UNIT)" scripts/check.sh host-check

kunit:
	@SUITE="$(SUITE)" scripts/check.sh kunit

selftest:
	@T="$(T)" scripts/check.sh selftest

soak:
	@T="$(T)" scripts/check.sh soak

coverage:
	@scripts/coverage.sh

demo:
	@scripts/demo.sh

bench:
	@scripts/bench.sh

clean:
	rm -rf $(BUILD)
	@kdir="$(KDIR)"; [ -d "$$kdir/" ] || kdir=$$(ls -d $${XDG_CACHE_HOME:-$$HOME/.cache}/sis/kernel-debug-* 2>/dev/null | head -n1); \
	[ -z "$$kdir" ] || $(MAKE) -C "$$kdir" M="$$(scripts/nospace.sh "$(CURDIR)")" clean
