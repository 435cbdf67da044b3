#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# dist.sh: pack what a board needs into dist/kxfer-VERSION-ARCH-KREL.tar.gz
# (module, static benchmark binaries, on-board runner, README, uapi
# header, docs/benchmark-methods.md).  `make dist` builds first and then calls this; it packs what is
# already built and refuses anything that does not belong together: a
# module built for another kernel than KDIR, or binaries for another CPU
# or dynamically linked ones, would only fail later on the board.
set -eu

prog=dist.sh
die() { printf '%s: %s\n' "$prog" "$*" >&2; exit 1; }

usage() {
	cat <<'EOF'
usage: scripts/dist.sh [--kdir DIR] [--version V] [--out DIR] [--bins "FILE..."]

  --kdir DIR     kernel tree the module was built against
                 (default: $KDIR, else /lib/modules/$(uname -r)/build)
  --version V    package version (default: PACKAGE_VERSION in dkms.conf)
  --out DIR      where the tarball goes (default: dist/)
  --bins LIST    benchmark binaries to pack (default: bench/kxfer-bench)

Normally run through `make dist` (same ARCH/CROSS_COMPILE/KDIR as the build).
EOF
}

top=$(cd "$(dirname "$0")/.." && pwd -P)
kdir=${KDIR:-/lib/modules/$(uname -r)/build}
version=
out=$top/dist
bins=$top/bench/kxfer-bench

while [ $# -gt 0 ]; do
	case $1 in
	--kdir)		[ $# -ge 2 ] || die "--kdir needs a directory"; kdir=$2; shift ;;
	--version)	[ $# -ge 2 ] || die "--version needs a value"; version=$2; shift ;;
	--out)		[ $# -ge 2 ] || die "--out needs a directory"; out=$2; shift ;;
	--bins)		[ $# -ge 2 ] || die "--bins needs a list"; bins=$2; shift ;;
	-h|--help)	usage; exit 0 ;;
	*)		usage >&2; die "unknown argument '$1'" ;;
	esac
	shift
done

for tool in readelf tar gzip sha256sum; do
	command -v "$tool" >/dev/null 2>&1 ||
		die "'$tool' not found (install binutils/coreutils/tar/gzip)"
done

if [ -z "$version" ]; then
	version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
	[ -n "$version" ] || die "no PACKAGE_VERSION in $top/dkms.conf; pass --version"
fi

[ -d "$kdir" ] || die "KDIR '$kdir' is not a directory; pass the kernel tree you built against (KDIR=...)"
kdir=$(cd "$kdir" && pwd -P)

# The release the module's vermagic carries.
krel=$("$top/scripts/kernel-release.sh" "$kdir") || krel=
[ -n "$krel" ] ||
	die "cannot tell the kernel release of $kdir (no include/generated/utsrelease.h: run 'make modules_prepare' in the kernel tree)"

# vermagic from the .modinfo strings: kmod's modinfo is not always on PATH
# (/sbin for non-root users).
vermagic_of() {
	tr '\000' '\n' <"$1" | sed -n 's/^vermagic=//p' | head -n 1
}

# ELF machine as readelf names it -> kernel ARCH name and `uname -m`.
elf_machine() {
	LC_ALL=C readelf -h "$1" 2>/dev/null |
		sed -n 's/^ *Machine: *//p'
}
arch_of_machine() {
	case $1 in
	AArch64)			echo "arm64 aarch64" ;;
	*X86-64*)			echo "x86_64 x86_64" ;;
	ARM)				echo "arm armv7l" ;;
	RISC-V)				echo "riscv64 riscv64" ;;
	*80386*)			echo "x86 i686" ;;
	*)				return 1 ;;
	esac
}

module=$top/driver/kxfer.ko
[ -f "$module" ] || die "$module not built; run 'make' (or 'make dist', which builds first)"

modmagic=$(vermagic_of "$module")
[ -n "$modmagic" ] || die "$module has no vermagic; is it a kernel module?"
modrel=${modmagic%% *}
[ "$modrel" = "$krel" ] ||
	die "driver/kxfer.ko was built for $modrel but KDIR=$kdir is $krel; run 'make clean' and rebuild with the same KDIR"

# With CONFIG_MODVERSIONS the kernel refuses a module that lacks symbol
# CRCs ("no symbol version for ..."), and modpost can only add them from
# the tree's Module.symvers, which `make modules_prepare` does not create.
if grep -qx 'CONFIG_MODVERSIONS=y' "$kdir/include/config/auto.conf" 2>/dev/null &&
   [ ! -s "$kdir/Module.symvers" ]; then
	die "KDIR=$kdir has CONFIG_MODVERSIONS=y but no Module.symvers, so the board's kernel would refuse kxfer.ko (no symbol version).
  Build the kernel tree completely once (make Image modules, or the vendor SDK's kernel build), or copy Module.symvers from the build that made the board's kernel, then rebuild kxfer"
fi

# For the messages: the make variables of this build.
make_hint=${ARCH:+ARCH=$ARCH }${CROSS_COMPILE:+CROSS_COMPILE=$CROSS_COMPILE }${LLVM:+LLVM=$LLVM }

machine=$(elf_machine "$module")
archs=$(arch_of_machine "$machine") ||
	die "$module is for an unsupported CPU '$machine'"
arch=${archs% *} uname_m=${archs#* }

for b in $bins; do
	[ -f "$b" ] || die "$b not built; run 'make tools' with the same ARCH/CROSS_COMPILE"
	bm=$(elf_machine "$b")
	[ "$bm" = "$machine" ] ||
		die "$b is for '$bm' but the module is for '$machine'; run 'make clean' and build both in one make with the same ARCH/CROSS_COMPILE/LLVM (make ${make_hint}dist)"
	# A dynamically linked binary needs the board's libc and loader,
	# which are rarely the build host's; bench/Makefile links statically.
	if LC_ALL=C readelf -l "$b" | grep -q 'Requesting program interpreter'; then
		die "$b is dynamically linked; the board needs static binaries (check LDFLAGS in bench/Makefile)"
	fi
done

commit=$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)
name=kxfer-$version-$arch-$krel
stage=$(mktemp -d "${TMPDIR:-/tmp}/kxfer-dist.XXXXXX")
trap 'rm -rf "$stage"' EXIT
trap 'exit 130' INT TERM
pkg=$stage/$name
mkdir -p "$pkg/include/uapi/linux"

cp "$module" "$pkg/kxfer.ko"
for b in $bins; do
	cp "$b" "$pkg/"
done
cp "$top/scripts/board/run-on-board.sh" "$pkg/run-on-board.sh"
chmod 0755 "$pkg/run-on-board.sh"
cp "$top/scripts/board/README-board.md" "$pkg/README.md"
cp "$top/include/uapi/linux/kxfer.h" "$pkg/include/uapi/linux/kxfer.h"
# kxfer-bench's messages point at it (exit codes, permissions).
mkdir -p "$pkg/docs"
cp "$top/docs/benchmark-methods.md" "$pkg/docs/benchmark-methods.md"

# Read by run-on-board.sh (for its checks and meta.txt) and by people.
# make_vars: how to make a matching build (the Makefile exports ARCH,
# CROSS_COMPILE and LLVM; run-on-board.sh puts them in its rebuild hint).
make_vars=${make_hint% }
bin_names=
for b in $bins; do
	bin_names="$bin_names${bin_names:+ }$(basename "$b")"
done
compiler=$(LC_ALL=C readelf -p .comment "$module" 2>/dev/null |
	   sed -n 's/^ *\[ *[0-9a-f]*\] *//p' | grep -v '^$' | head -n 1)
cat >"$pkg/BUILD-INFO.txt" <<EOF
version: $version
git: $commit
built: $(date -u +%Y-%m-%dT%H:%M:%SZ)
build_host: $(uname -n)
kernel_release: $krel
vermagic: $modmagic
kdir: $kdir
make_vars: $make_vars
arch: $arch
uname_m: $uname_m
compiler: ${compiler:-unknown}
binaries: $bin_names
EOF

(cd "$pkg" && find . -type f ! -name SHA256SUMS | sort | sed 's|^\./||' |
	xargs sha256sum >SHA256SUMS)

mkdir -p "$out"
out=$(cd "$out" && pwd -P)
# ustar, owned by root: busybox tar on the board unpacks it, and files do
# not end up owned by whatever uid built them.
tar -C "$stage" --format=ustar --owner=0 --group=0 --numeric-owner \
	-czf "$out/$name.tar.gz.tmp" "$name"
mv "$out/$name.tar.gz.tmp" "$out/$name.tar.gz"
echo "$out/$name.tar.gz"
