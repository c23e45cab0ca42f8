# SIS top-level build.
#
#   make                 sis.ko (against the cached guest kernel, or KDIR=...), libsis, tools
#   make check           the whole test suite in a QEMU guest (see README.md)
#   make demo            the QEMU demo appliance
#   make bench           benchmarks (Documentation/performance.md)

BUILD		?= build
KDIR		?=
export BUILD

.PHONY: all module userspace check demo bench clean setup
all: module userspace

setup:
	@scripts/setup.sh

module:
	@kdir="$(KDIR)"; [ -n "$$kdir" ] || kdir=$$(scripts/kernel.sh debug); \
	$(MAKE) -C "$$kdir" M=$(CURDIR) modules $(if $(SIS_KUNIT),SIS_KUNIT=1)

include mk/userspace.mk

check:
	@scripts/check.sh

demo:
	@scripts/demo.sh

bench:
	@scripts/bench.sh

clean:
	rm -rf $(BUILD)
	@kdir="$(KDIR)"; [ -n "$$kdir" ] || kdir=$$(ls -d $${XDG_CACHE_HOME:-$$HOME/.cache}/sis/kernel-debug-* 2>/dev/null | head -n1); \
	[ -z "$$kdir" ] || $(MAKE) -C "$$kdir" M=$(CURDIR) clean
