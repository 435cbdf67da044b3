#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch-busybox.sh DEB_ARCH
#
# Print the path of a statically linked busybox for the guest architecture
# (amd64 or arm64).  The host's own busybox-static serves its architecture;
# a foreign one is unpacked from Debian's busybox-static:ARCH into
# .cache/busybox/ARCH once, without installing it.
set -euo pipefail

die() { printf 'fetch-busybox: %s\n' "$*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: fetch-busybox.sh DEB_ARCH (amd64 or arm64)"
arch=$1
case $arch in
amd64|arm64) ;;
*) die "unsupported architecture '$arch' (amd64 or arm64)" ;;
esac

if [ "$arch" = "$(dpkg --print-architecture)" ]; then
	if dpkg-query -W -f='${Status}' busybox-static 2>/dev/null |
	   grep -q 'ok installed'; then
		echo /bin/busybox
		exit 0
	fi
fi

top=$(cd "$(dirname "$0")/../.." && pwd -P)
dir=$top/.cache/busybox/$arch
bb=$dir/root/bin/busybox
if [ -x "$bb" ]; then
	echo "$bb"
	exit 0
fi

mkdir -p "$top/.cache/busybox"
exec 9>"$top/.cache/busybox/$arch.lock"
flock 9
if [ -x "$bb" ]; then
	echo "$bb"
	exit 0
fi

tmp=$(mktemp -d "$top/.cache/busybox/.dl-$arch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get -q -o APT::Sandbox::User=root download \
	"busybox-static:$arch" >&2) ||
	die "apt-get download busybox-static:$arch failed (is dpkg architecture $arch enabled? run scripts/install-deps.sh)"
dpkg -x "$tmp"/busybox-static_*.deb "$tmp/root"
[ -x "$tmp/root/bin/busybox" ] || die "busybox-static:$arch has no bin/busybox"
rm -rf "$dir"
mkdir -p "$dir"
mv "$tmp/root" "$dir/root"
echo "$bb"
