#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch-kernel.sh FLAVOUR
#
# Download one of Debian's distribution kernels (image + headers + kbuild
# host tools) into .cache/kernels/FLAVOUR/root and print shell assignments
# (KVER, KDIR, VMLINUZ, MODDIR, ARCH, CROSS_COMPILE, QEMU_ARCH, DEB_ARCH) on
# stdout, one per line, for the caller to eval.  See docs/CONTRACTS.md.
#
# Nothing is installed into the system: the .debs are unpacked with dpkg -x
# and the headers are patched so that `make -C $KDIR M=... modules` works
# from the cache.  Once a flavour is unpacked, later runs do no apt traffic.
#
# The newest ABI is taken from Debian's meta-packages.  To pin one, set
#   KXFER_KVER_6_1=6.1.0-55          (applies to 6.1-amd64 and 6.1-arm64)
#   KXFER_KVER_6_12=6.12.115+deb12   (applies to every 6.12 flavour)
# An unpinned cache is used as it is, without asking apt; to move to a newer
# ABI after apt-get update, remove .cache/kernels/FLAVOUR.
#
# Layout: .cache/kernels/FLAVOUR/{root,kver} is the unpinned tree (the
# newest ABI when it was fetched); a pinned ABI that is not that one goes
# to .cache/kernels/FLAVOUR/v/KVER/{root,kver}.  Pinning never deletes a
# tree someone may have built against; remove old ones by hand.
# KXFER_KERNEL_CACHE moves .cache/kernels (for the tests).
set -euo pipefail

die() { printf 'fetch-kernel: %s\n' "$*" >&2; exit 1; }
note() { printf 'fetch-kernel: %s\n' "$*" >&2; }

usage() {
	cat >&2 <<'EOF'
usage: scripts/fetch-kernel.sh FLAVOUR
FLAVOUR: 6.1-amd64 6.1-arm64 6.12-amd64 6.12-arm64 6.12-arm64-16k
Prints KVER=, KDIR=, VMLINUZ=, MODDIR=, ARCH=, CROSS_COMPILE=, QEMU_ARCH=,
DEB_ARCH= lines for eval.  Pin an ABI with KXFER_KVER_6_1=6.1.0-NN or
KXFER_KVER_6_12=6.12.NNN+deb12.
EOF
	exit 2
}

[ $# -eq 1 ] || usage
flavour=$1

# series:  kernel series, selects the pin variable
# variant: Debian's kernel flavour suffix of KVER
# meta:    meta-package whose dependency names the newest image
case $flavour in
6.1-amd64)	series=6.1  variant=amd64     meta=linux-image-amd64 ;;
6.1-arm64)	series=6.1  variant=arm64     meta=linux-image-arm64 ;;
6.12-amd64)	series=6.12 variant=amd64     meta=linux-image-6.12-amd64 ;;
6.12-arm64)	series=6.12 variant=arm64     meta=linux-image-6.12-arm64 ;;
6.12-arm64-16k)	series=6.12 variant=arm64-16k meta=linux-image-6.12-arm64-16k ;;
-h|--help)	usage ;;
*)		note "unknown flavour '$flavour'"; usage ;;
esac

case $variant in
amd64)	deb_arch=amd64 kb_arch=x86   cross=''            qemu_arch=x86_64 ;;
arm64*)	deb_arch=arm64 kb_arch=arm64 cross=aarch64-linux-gnu- qemu_arch=aarch64 ;;
esac

for tool in apt-cache apt-get dpkg dpkg-deb flock; do
	command -v "$tool" >/dev/null ||
		die "'$tool' not found; this script needs Debian's apt/dpkg (run scripts/install-deps.sh)"
done

top=$(cd "$(dirname "$0")/.." && pwd -P)
cache=${KXFER_KERNEL_CACHE:-$top/.cache/kernels}
fdir=$cache/$flavour
mkdir -p "$cache"

pin_var=KXFER_KVER_${series//./_}
pin=${!pin_var:-}

# use_tree DIR: root and stamp of the tree in DIR (FLAVOUR/ or FLAVOUR/v/KVER/).
use_tree() {
	tree=$1
	root=$tree/root
	stamp=$tree/kver
}

# The stamp (holding KVER) is written last, so its presence means a
# complete unpack.  Paths are derived at print time, not stored, so the
# cache stays valid when the repository is moved.
tree_ok() {	# DIR [KVER]: a complete tree, of KVER if given
	local kver
	[ -f "$1/kver" ] || return 1
	kver=$(cat "$1/kver")
	[ -z "${2:-}" ] || [ "$kver" = "$2" ] || return 1
	[ -f "$1/root/boot/vmlinuz-$kver" ] &&
		[ -f "$1/root/usr/src/linux-headers-$kver/Makefile" ]
}

# cached_ok: selects (use_tree) the cached tree this call wants, if any.
# Pinned: the unpinned tree when it is that ABI, else FLAVOUR/v/KVER.
# Unpinned: FLAVOUR itself, unless an older version of this script left a
# pinned tree there (marked by FLAVOUR/pinned).
cached_ok() {
	if [ -n "$pin" ]; then
		if tree_ok "$fdir" "$pin-$variant"; then
			use_tree "$fdir"
		elif tree_ok "$fdir/v/$pin-$variant" "$pin-$variant"; then
			use_tree "$fdir/v/$pin-$variant"
		else
			return 1
		fi
	else
		[ ! -s "$fdir/pinned" ] && tree_ok "$fdir" || return 1
		use_tree "$fdir"
	fi
}

print_env() {
	local kver
	kver=$(cat "$stamp")
	cat <<EOF
KVER=$kver
KDIR=$root/usr/src/linux-headers-$kver
VMLINUZ=$root/boot/vmlinuz-$kver
MODDIR=$root/lib/modules/$kver
ARCH=$kb_arch
CROSS_COMPILE=$cross
QEMU_ARCH=$qemu_arch
DEB_ARCH=$deb_arch
EOF
}

if cached_ok; then
	print_env
	exit 0
fi

# One fetch per flavour at a time; different flavours proceed in parallel.
exec 9>"$cache/$flavour.lock"
flock 9
if cached_ok; then
	print_env
	exit 0
fi

# apt names arm64 packages with an :arm64 suffix on an amd64 host.
host_arch=$(dpkg --print-architecture)
qual=
[ "$deb_arch" = "$host_arch" ] || qual=:$deb_arch

if [ "$deb_arch" != "$host_arch" ] &&
   ! dpkg --print-foreign-architectures | grep -qx "$deb_arch"; then
	die "dpkg architecture $deb_arch is not enabled; run scripts/install-deps.sh (as root) first"
fi

if [ -n "$pin" ]; then
	kver=$pin-$variant
	note "$flavour: using pinned $pin_var=$pin -> $kver"
else
	dep=$(apt-cache depends "$meta$qual" 2>/dev/null |
	      sed -n 's/^ *Depends: <\{0,1\}\(linux-image-[^ :>]*\).*/\1/p' |
	      head -n1)
	[ -n "$dep" ] ||
		die "cannot resolve $meta$qual with apt-cache; run 'apt-get update' (or scripts/install-deps.sh)"
	kver=${dep#linux-image-}
fi
case $kver in
*-"$variant") ;;
*) die "resolved kernel '$kver' does not end in -$variant" ;;
esac

# Package names of the headers' own dependencies, so that kbuild and the
# common headers always match the image we take.
hdr_deps=$(apt-cache depends "linux-headers-$kver$qual" 2>/dev/null) ||
	die "apt has no linux-headers-$kver$qual (is the ABI still in the archive? run apt-get update)"
pick_dep() {
	printf '%s\n' "$hdr_deps" |
		sed -n "s/^ *Depends: <\{0,1\}\($1\)\(:[a-z0-9]*\)\{0,1\}>\{0,1\}\$/\1/p" |
		head -n1
}
common=$(pick_dep 'linux-headers-[^ :>]*-common')
kbuild=$(pick_dep 'linux-kbuild-[^ :>]*')
[ -n "$common" ] || die "cannot find the -common headers of linux-headers-$kver"
[ -n "$kbuild" ] || die "cannot find the linux-kbuild package of linux-headers-$kver"

note "$flavour: downloading $kver (image, headers, $common, $kbuild)"
tmp=$(mktemp -d "$cache/.dl-$flavour.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# kbuild holds host binaries (fixdep, modpost): always the host's arch.
(cd "$tmp" && apt-get -q -o APT::Sandbox::User=root download \
	"linux-image-$kver$qual" "linux-headers-$kver$qual" \
	"$common" "$kbuild" >&2) ||
	die "apt-get download failed for $kver (network? stale lists? try apt-get update)"

mkdir "$tmp/root"
for deb in "$tmp"/*.deb; do
	dpkg -x "$deb" "$tmp/root"
done

kdir_rel=usr/src/linux-headers-$kver
common_dir=${common#linux-headers-}
common_dir=linux-headers-$common_dir
[ -f "$tmp/root/$kdir_rel/Makefile" ] || die "headers package has no $kdir_rel/Makefile"
[ -d "$tmp/root/usr/src/$common_dir" ] || die "missing usr/src/$common_dir after unpack"

# Debian's flavour Makefile includes the common one by absolute path under
# /usr/src.  Make it relative to the Makefile's own directory so the cache
# works wherever the repository lives.
sed -i "s|^include /usr/src/$common_dir/Makefile\$|include \$(dir \$(realpath \$(lastword \$(MAKEFILE_LIST))))../$common_dir/Makefile|" \
	"$tmp/root/$kdir_rel/Makefile"
if grep -q '/usr/src' "$tmp/root/$kdir_rel/Makefile"; then
	die "unexpected absolute path left in $kdir_rel/Makefile: $(cat "$tmp/root/$kdir_rel/Makefile")"
fi

# Absolute symlinks (lib/modules/KVER/{build,source}) would point at the
# host's /usr/src; rewrite them relative to the cache root.
while IFS= read -r link; do
	target=$(readlink "$link")
	rel=$(realpath -m --relative-to="$(dirname "$link")" "$tmp/root$target")
	ln -sfn "$rel" "$link"
done < <(find "$tmp/root" -type l -lname '/*')

# The image packages ship no modules.dep (it is made on install); the
# guest runner needs it to pull in the module's dependencies.
depmod -b "$tmp/root" "$kver" ||
	die "depmod failed on the unpacked modules of $kver"

# Publish.  A pinned ABI gets its own folder; the unpinned tree is only
# replaced by an unpinned fetch (the newest ABI), after a tree that an
# older version of this script left there under a pin is moved aside.
[ -f "$tmp/root/boot/vmlinuz-$kver" ] || die "image package has no boot/vmlinuz-$kver"
if [ -n "$pin" ]; then
	use_tree "$fdir/v/$kver"
else
	if [ -s "$fdir/pinned" ] && tree_ok "$fdir"; then
		old=$(cat "$fdir/kver")
		if [ ! -e "$fdir/v/$old" ]; then
			mkdir -p "$fdir/v/$old"
			mv "$fdir/root" "$fdir/v/$old/root"
			cp "$fdir/kver" "$fdir/v/$old/kver"
			note "$flavour: kept the pinned $old in $fdir/v/$old"
		fi
	fi
	rm -f "$fdir/pinned"
	use_tree "$fdir"
fi
rm -rf "$root" "$stamp"
mkdir -p "$tree"
mv "$tmp/root" "$root"
printf '%s\n' "$kver" >"$stamp.tmp"
mv "$stamp.tmp" "$stamp"
note "$flavour: ready in $root"
print_env
