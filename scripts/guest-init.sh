#!/bin/bash
# PID 1 of the test guest: set up a writable scratch world on top of the
# host's read-only root, run the requested command, report, power off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp/home LANG=C TERM=dumb

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
# devtmpfs has no /dev/fd: bash's process substitution needs it.
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t debugfs debugfs /sys/kernel/debug
# The scratch directories get a tmpfs each. A checkout under one of them
# (/tmp/x, /var/tmp/x) would vanish behind it: the host's root stays
# reachable at /run/sis-root, and the checkout is bound back in place.
scratch=(/run /tmp /var/tmp /var/log /var/lib/misc)
mount -t tmpfs tmpfs /run
mkdir -p /run/sis-root
mount --bind / /run/sis-root
for d in "${scratch[@]:1}"; do
	mount -t tmpfs tmpfs "$d"
done
mkdir -p /run/netns /run/sis-out "$HOME"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 sisout /run/sis-out
export SIS_OUT=/run/sis-out SIS_GUEST=1
hostname sis-guest
ip link set lo up

# Leaks from boot are not ours: start the kmemleak record from here.
[ -w /sys/kernel/debug/kmemleak ] && echo clear >/sys/kernel/debug/kmemleak

# A checkout or cache under a scratch directory comes back at its path.
cwd=$(cat $SIS_OUT/cwd)
while IFS= read -r p; do
	for d in "${scratch[@]}"; do
		case "$p/" in
		"$d"/*) mkdir -p "$p" && mount --bind "/run/sis-root$p" "$p" ;;
		esac
	done
done <$SIS_OUT/binds
cd "$cwd" || echo "guest-init: cannot enter $cwd" >/dev/console
bash $SIS_OUT/cmd </dev/null >/dev/console 2>&1
echo $? >$SIS_OUT/rc.tmp

if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak >$SIS_OUT/kmemleak.txt
	if [ -s $SIS_OUT/kmemleak.txt ]; then
		echo "kmemleak: suspected memory leaks:" >/dev/console
		cat $SIS_OUT/kmemleak.txt >/dev/console
	fi
fi
mv $SIS_OUT/rc.tmp $SIS_OUT/rc
sync
echo b >/proc/sysrq-trigger
sleep 10
