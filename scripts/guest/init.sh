#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# PID 1 of the kxfer test guest (busybox initramfs built by mkinitramfs.sh).
#
# Runs /payload/run.sh with /out as working directory, then ships /out back
# to the host over the console: a tar archive, base64 encoded, between
# marker lines that carry a per-boot token, so that nothing the payload
# prints can be mistaken for them.  The host side is scripts/guest/run.sh.
#
# Console protocol (every marker line starts with "KXFER:<token>:"):
#   BEGIN <uptime>           payload starts
#   (payload stdout lines; stderr lines prefixed "KXFER-ERR| ")
#   RC <status> <uptime>     payload finished with exit status <status>
#   ARCHIVE <bytes> <sha256> base64 lines of the /out tar.gz follow
#   END                      archive complete; the guest powers off

/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin /proc /sys /dev /tmp \
	/run /root /out
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root TERM=dumb

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null

# Written by mkinitramfs.sh: KXFER_TOKEN, KXFER_FLAVOUR, KXFER_KVER,
# KXFER_GUEST, KXFER_PRELOAD (dependency modules of the payload's .ko
# files, in order).
. /etc/kxfer-guest.conf
export KXFER_FLAVOUR KXFER_KVER
# Tells payloads they run in the QEMU test guest, and how: qemu-tcg
# (emulated) or qemu-kvm (hardware virtualisation), chosen by run.sh.
export KXFER_GUEST="${KXFER_GUEST:-qemu-tcg}"

# Only emergencies on the console: kernel chatter must not interleave with
# the archive.  Oopses raise the level themselves, and end in a panic.
echo 1 >/proc/sys/kernel/printk

mark() {
	echo "KXFER:$KXFER_TOKEN:$*"
}

uptime_s() {
	cut -d' ' -f1 /proc/uptime
}

for m in $KXFER_PRELOAD; do
	insmod "/lib/modules/$KXFER_KVER/$m" ||
		echo "init: failed to load dependency $m" >&2
done

cd /out || exit 1
mkfifo /tmp/payload-stderr
sed 's/^/KXFER-ERR| /' </tmp/payload-stderr &
errpid=$!

# Firmware and kernel may have left a partial line on the console; markers
# must start a line.
echo
mark "BEGIN $(uptime_s)"
sh /payload/run.sh 2>/tmp/payload-stderr
rc=$?
# The stderr copier ends once every writer is gone; a payload that left a
# background process holding stderr must not stall the shutdown forever.
( sleep 10; kill "$errpid" 2>/dev/null ) &
wait "$errpid"
mark "RC $rc $(uptime_s)"

dmesg >/out/dmesg.txt
# Compressed: the emulated UART moves only ~100-200 KB/s of base64.
tar -czf /tmp/out.tar.gz .
size=$(wc -c </tmp/out.tar.gz)
sum=$(sha256sum /tmp/out.tar.gz | cut -d' ' -f1)
mark "ARCHIVE $size $sum"
base64 /tmp/out.tar.gz
mark END

sync
poweroff -f
# Not reached unless poweroff failed; init exiting panics the kernel,
# which (panic=-1, -no-reboot) also ends QEMU.
reboot -f
exit 1
