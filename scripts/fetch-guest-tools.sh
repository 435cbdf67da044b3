#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch-guest-tools.sh DEB_ARCH
#
# fio and hyperfine for a guest (or board) of Debian architecture DEB_ARCH
# (amd64, arm64), in .cache/guest-tools/DEB_ARCH/, ready to copy into a
# payload folder.  Prints that folder's absolute path on stdout.
#
#   fio            static binary, built from Debian bookworm's fio source
#                  package: Debian's own fio is linked against ~60 shared
#                  libraries (ceph, glusterfs, rdma...), too much to carry
#                  into a busybox guest.  ~20 s per architecture, once.
#   hyperfine      a small sh wrapper that starts Debian's hyperfine through
#                  its own dynamic loader with the shared libraries it
#                  needs (libc, libm, libgcc_s) from the same architecture's
#                  .debs, kept in hyperfine-root/.  The wrapper uses the
#                  loader's --library-path, not LD_LIBRARY_PATH, so the
#                  commands hyperfine starts are not affected.
#   VERSIONS       where each came from
#
# Only Debian's apt archive is used, through apt-get: the fio source comes
# with a private sources list (no change to the system's apt set-up).
# Overrides: KXFER_FIO=/path/to/static-fio skips the fio build.
set -euo pipefail

die() { printf 'fetch-guest-tools: %s\n' "$*" >&2; exit 1; }
note() { printf 'fetch-guest-tools: %s\n' "$*" >&2; }

[ $# -eq 1 ] || { echo "usage: scripts/fetch-guest-tools.sh amd64|arm64" >&2; exit 2; }
arch=$1
case $arch in
amd64) triplet=x86_64-linux-gnu ;;
arm64) triplet=aarch64-linux-gnu ;;
*) echo "fetch-guest-tools: unsupported architecture '$arch' (amd64, arm64)" >&2; exit 2 ;;
esac

top=$(cd "$(dirname "$0")/.." && pwd -P)
cache=$top/.cache/guest-tools
dest=$cache/$arch
mkdir -p "$cache"

complete() {
	[ -x "$dest/fio" ] && [ -x "$dest/hyperfine" ] && [ -f "$dest/VERSIONS" ]
}
if complete; then
	echo "$dest"
	exit 0
fi

exec 9>"$cache/$arch.lock"
flock 9
if complete; then
	echo "$dest"
	exit 0
fi

for tool in apt-get dpkg dpkg-deb readelf tar make; do
	command -v "$tool" >/dev/null ||
		die "'$tool' not found (Debian host with apt/dpkg and binutils needed)"
done
host_arch=$(dpkg --print-architecture)
if [ "$arch" = "$host_arch" ]; then
	cc=gcc qual=
else
	cc=$triplet-gcc qual=:$arch
	dpkg --print-foreign-architectures | grep -qx "$arch" ||
		die "dpkg architecture $arch is not enabled; run scripts/install-deps.sh (as root) first"
fi
command -v "$cc" >/dev/null ||
	die "$cc not found; install gcc-$triplet and libc6-dev-$arch-cross (scripts/install-deps.sh)"

work=$(mktemp -d "$cache/.build-$arch.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/out"

# ---- fio -----------------------------------------------------------------
if [ -n "${KXFER_FIO:-}" ]; then
	[ -x "$KXFER_FIO" ] || die "KXFER_FIO=$KXFER_FIO is not an executable"
	cp "$KXFER_FIO" "$work/out/fio"
	fio_from="KXFER_FIO=$KXFER_FIO (given by the user)"
else
	# The source package once for all architectures, with a private apt
	# state so that the system's sources.list is left alone.
	src=$cache/fio-src
	orig=
	for f in "$src"/fio_*.orig.tar.gz "$src"/fio_*.orig.tar.xz; do
		[ -f "$f" ] && orig=$f
	done
	if [ -z "$orig" ]; then
		note "downloading Debian's fio source package"
		apt_dir=$cache/apt
		mkdir -p "$apt_dir/lists/partial" "$src"
		keyring=/usr/share/keyrings/debian-archive-keyring.gpg
		[ -f "$keyring" ] || die "$keyring missing; install debian-archive-keyring"
		echo "deb-src [signed-by=$keyring] http://deb.debian.org/debian bookworm main" \
			>"$apt_dir/sources.list"
		apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list"
			  -o "Dir::Etc::SourceParts=/nonexistent"
			  -o "Dir::State::Lists=$apt_dir/lists"
			  -o "Debug::NoLocking=1"
			  -o "APT::Sandbox::User=root")
		apt-get -q "${apt_opts[@]}" update >&2 ||
			die "apt-get update of the deb-src list failed (network?)"
		(cd "$src" && apt-get -q "${apt_opts[@]}" source --download-only fio >&2) ||
			die "apt-get source fio failed"
		for f in "$src"/fio_*.orig.tar.gz "$src"/fio_*.orig.tar.xz; do
			[ -f "$f" ] && orig=$f
		done
		[ -n "$orig" ] || die "apt-get source fio gave no fio_*.orig.tar.{gz,xz}"
	fi
	note "building a static fio for $arch from ${orig##*/}"
	mkdir "$work/fio"
	tar -xf "$orig" -C "$work/fio" --strip-components=1
	# Only the engines the cross-check needs (psync, mmap) matter; every
	# optional library is switched off so the binary is self-contained.
	(cd "$work/fio" &&
	 ./configure --cc="$cc" --build-static --disable-native \
		--disable-numa --disable-rdma --disable-rados --disable-rbd \
		--disable-http --disable-gfapi --disable-pmem --disable-xnvme \
		--disable-libzbc --disable-tcmalloc --disable-dfs --disable-lex \
		>"$work/fio-configure.log" 2>&1 &&
	 nice make -j2 fio >"$work/fio-make.log" 2>&1) || {
		tail -n 30 "$work"/fio-*.log >&2
		die "static fio build failed for $arch (log above)"
	}
	"${cc%gcc}strip" -o "$work/out/fio" "$work/fio/fio" 2>/dev/null ||
		cp "$work/fio/fio" "$work/out/fio"
	fio_from="fio $(basename "$orig" | sed 's/^fio_\(.*\)\.orig.*/\1/') (Debian source package, static build for $arch)"
fi
readelf -h "$work/out/fio" | grep -q 'Machine:.*\(X86-64\|AArch64\)' ||
	die "built fio is not an ELF for $arch"
if readelf -l "$work/out/fio" | grep -q 'INTERP'; then
	die "fio for $arch is dynamically linked; it must be static"
fi

# ---- hyperfine -----------------------------------------------------------
note "fetching hyperfine and its libraries for $arch"
mkdir "$work/debs" "$work/root"
(cd "$work/debs" && apt-get -q -o APT::Sandbox::User=root download \
	"hyperfine$qual" "libc6$qual" "libgcc-s1$qual" >&2) ||
	die "apt-get download hyperfine$qual libc6$qual libgcc-s1$qual failed (apt-get update?)"
for deb in "$work"/debs/*.deb; do
	dpkg -x "$deb" "$work/root"
done
hroot=$work/out/hyperfine-root
mkdir -p "$hroot/lib"
cp "$work/root/usr/bin/hyperfine" "$hroot/hyperfine"
loader=
for f in "$work"/root/lib/"$triplet"/ld-linux-*.so.*; do
	[ -f "$f" ] && loader=$f
done
[ -n "$loader" ] || die "no dynamic loader in libc6$qual"
cp "$loader" "$hroot/lib/"
# The shared libraries hyperfine needs, and theirs, by DT_NEEDED.
todo=$(readelf -d "$hroot/hyperfine" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
while [ -n "$todo" ]; do
	next=
	for lib in $todo; do
		[ -e "$hroot/lib/$lib" ] && continue
		f=$work/root/lib/$triplet/$lib
		[ -e "$f" ] || f=$work/root/usr/lib/$triplet/$lib
		[ -e "$f" ] || die "hyperfine needs $lib, not found in libc6/libgcc-s1 for $arch"
		cp -L "$f" "$hroot/lib/$lib"
		next="$next $(readelf -d "$hroot/lib/$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')"
	done
	todo=$next
done
cat >"$work/out/hyperfine" <<EOF
#!/bin/sh
# hyperfine ($arch) through its own loader and libraries; see
# scripts/fetch-guest-tools.sh.
d=\$(cd "\$(dirname "\$0")" && pwd)/hyperfine-root
exec "\$d/lib/${loader##*/}" --library-path "\$d/lib" "\$d/hyperfine" "\$@"
EOF
chmod 755 "$work/out/hyperfine"
hf_ver=$(dpkg-deb -f "$work"/debs/hyperfine_*.deb Version)
libc_ver=$(dpkg-deb -f "$work"/debs/libc6_*.deb Version)

{
	echo "fio: $fio_from"
	echo "hyperfine: Debian hyperfine $hf_ver ($arch) with libc6 $libc_ver, run through its loader"
} >"$work/out/VERSIONS"

rm -rf "$dest"
mv "$work/out" "$dest"
note "$arch tools ready in $dest"
echo "$dest"
