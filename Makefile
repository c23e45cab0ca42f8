# SIS top-level build.
#
#   make                 sis.ko (against the cached guest kernel, or KDIR=...), libsis, tools
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
KDIR		?=
export BUILD

.PHONY: all module userspace check host-check kunit selftest soak coverage demo bench clean setup
all: module userspace

setup:
	@scripts/setup.sh

module:
	@if [ -n "$(KDIR)" ]; then \
		$(MAKE) -C "$(KDIR)" M="$$(scripts/nospace.sh "$(CURDIR)")" modules \
			$(if $(SIS_KUNIT),SIS_KUNIT=1); \
	else \
		scripts/module.sh debug $(if $(SIS_KUNIT),SIS_KUNIT=1) >/dev/null; \
	fi

include mk/userspace.mk

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
	@kdir="$(KDIR)"; [ -n "$$kdir" ] || kdir=$$(ls -d $${XDG_CACHE_HOME:-$$HOME/.cache}/sis/kernel-debug-* 2>/dev/null | head -n1); \
	[ -z "$$kdir" ] || $(MAKE) -C "$$kdir" M="$$(scripts/nospace.sh "$(CURDIR)")" clean
