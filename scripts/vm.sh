#!/usr/bin/env bash
# Boot the guest kernel in QEMU with the host's root file system (read-only,
# 9p) and run one command in it as root.
#
#   scripts/vm.sh [--bench | --flavor F] [--timeout SEC] [--out DIR] [--console] -- CMD...
#
# CMD runs from this repository's top directory. Its exit code becomes ours
# (124 when the guest timed out, 125 when it died without saying).
# DIR (writable in the guest as $SIS_OUT) receives console.log and whatever
# CMD writes there. --bench boots the non-debug kernel on one virtual CPU
# with -icount, so that guest time counts instructions. --flavor boots
# another flavor of scripts/kernel.sh (debug, the default; bench; coverage)
# as the tests run it, on every CPU. SIS_VM_APPEND adds to the kernel
# command line.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
flavor=debug
icount=0
timeout=1200
out=
console=0
while [ $# -gt 0 ]; do
	case "$1" in
	--bench) flavor=bench icount=1 ;;
	--flavor) flavor=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--out) out=$2; shift ;;
	--console) console=1 ;;
	--) shift; break ;;
	*) echo "usage: $0 [--bench|--flavor F] [--timeout SEC] [--out DIR] [--console] -- CMD..." >&2; exit 2 ;;
	esac
	shift
done
[ $# -gt 0 ] || { echo "vm.sh: no command" >&2; exit 2; }

kdir=$("$top/scripts/kernel.sh" "$flavor")
[ -n "$out" ] || out=$(mktemp -d /tmp/sis-vm.XXXXXX)
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out/rc" "$out/console.log"
printf '%q ' "$@" >"$out/cmd"
echo >>"$out/cmd"
echo "$top" >"$out/cwd"
# What the guest must see of the host where it mounts scratch file systems
# (/tmp, /var/tmp...): the checkout and the cache (tools built for the
# tests live there), parents first.
printf '%s\n' "$top" "${XDG_CACHE_HOME:-$HOME/.cache}/sis" | LC_ALL=C sort -u >"$out/binds"

if [ "$icount" = 1 ]; then
	cpu=(-smp 1 -icount shift=0,sleep=off)
	mem=1024
else
	cpu=(-smp "${SIS_VM_SMP:-$(nproc)}")
	mem=3072
fi

append="console=ttyS0 root=sisroot rootfstype=9p ro"
append+=" rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=loose"
# Quoted: the checkout's path may have spaces (the kernel strips the quotes).
append+=" init=\"$top/scripts/guest-init.sh\" panic=-1 oops=panic_off"
# acpi=noirq: ACPI lists the CPUs, but its PCI routing method (_PRT) runs
# into the AML loop timeout under KASAN and TCG; the MP table routes IRQs.
append+=" acpi=noirq ${SIS_VM_APPEND:-} loglevel=6 printk.devkmsg=on kmemleak=on"

qemu=(qemu-system-x86_64 -machine pc -cpu "${SIS_VM_CPU:-max,la57=off}" -m "$mem" "${cpu[@]}"
	-nographic -no-reboot -nodefaults -serial stdio
	-kernel "$kdir/arch/x86/boot/bzImage" -append "$append"
	-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap
	-device virtio-9p-pci,fsdev=root,mount_tag=sisroot
	-fsdev local,id=out,path="${out//,/,,}",security_model=none
	-device virtio-9p-pci,fsdev=out,mount_tag=sisout)

status=0
if [ "$console" = 1 ]; then
	timeout -k 10 "$timeout" "${qemu[@]}" </dev/null 2>&1 | tee "$out/console.log" || status=$?
else
	timeout -k 10 "$timeout" "${qemu[@]}" </dev/null >"$out/console.log" 2>&1 || status=$?
fi
if [ "$status" = 124 ] || [ "$status" = 137 ]; then
	echo "vm.sh: guest timed out after ${timeout}s (console: $out/console.log)" >&2
	exit 124
fi
if [ ! -f "$out/rc" ]; then
	echo "vm.sh: guest stopped without a result (console: $out/console.log)" >&2
	tail -n 30 "$out/console.log" >&2
	exit 125
fi
exit "$(cat "$out/rc")"
