#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kernel-release.sh KDIR: print the release (`uname -r` of that kernel)
# that modules built against KDIR carry in their vermagic.
#
# utsrelease.h first: Debian's header packages override KERNELRELEASE, so
# `make kernelrelease` and include/config/kernel.release there say
# 6.1.NNN instead of 6.1.0-NN-arm64.  Used by scripts/dist.sh and
# `make install`/`make uninstall`.
set -eu
kdir=${1:?usage: scripts/kernel-release.sh KDIR}
f=$kdir/include/generated/utsrelease.h
if [ -f "$f" ]; then
	sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$f"
elif [ -f "$kdir/include/config/kernel.release" ]; then
	cat "$kdir/include/config/kernel.release"
else
	make -s -C "$kdir" kernelrelease 2>/dev/null
fi
