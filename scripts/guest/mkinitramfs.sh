#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh --busybox BB --payload DIR --moddir MODDIR --kver KVER
#                --flavour F --token T [--guest qemu-tcg|qemu-kvm] --out FILE
#
# Build the uncompressed cpio initramfs of the test guest: a static busybox,
# init.sh as /init, the payload folder as /payload, and the in-tree modules
# that the payload's .ko files depend on (decompressed, because busybox
# insmod cannot read .ko.xz/.ko.zst), loaded by /init before the payload
# runs.  Uncompressed because decompressing under TCG costs boot time.
# --guest is what payloads see as KXFER_GUEST (default qemu-tcg).
set -euo pipefail

die() { printf 'mkinitramfs: %s\n' "$*" >&2; exit 1; }

bb='' payload='' moddir='' kver='' flavour='' token='' out='' guest=qemu-tcg
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || die "option $1 needs a value"
	case $1 in
	--busybox) bb=$2 ;;
	--payload) payload=$2 ;;
	--moddir) moddir=$2 ;;
	--kver) kver=$2 ;;
	--flavour) flavour=$2 ;;
	--token) token=$2 ;;
	--guest) guest=$2 ;;
	--out) out=$2 ;;
	*) die "unknown argument '$1'" ;;
	esac
	shift 2
done
for v in bb payload moddir kver flavour token out; do
	[ -n "${!v}" ] || die "missing --$v (see the header of $0)"
done
case $guest in qemu-tcg|qemu-kvm) ;; *) die "--guest must be qemu-tcg or qemu-kvm, not '$guest'" ;; esac
[ -x "$bb" ] || die "busybox '$bb' is not executable"
[ -f "$payload/run.sh" ] || die "payload '$payload' has no run.sh"
[ -f "$moddir/modules.dep" ] || die "no modules.dep in '$moddir'"

here=$(cd "$(dirname "$0")" && pwd -P)
stage=$(mktemp -d "${TMPDIR:-/tmp}/kxfer-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage"/{bin,dev,etc,proc,sys,tmp,out,root} \
	"$stage/lib/modules/$kver"
cp "$bb" "$stage/bin/busybox"
cp "$here/init.sh" "$stage/init"
chmod 755 "$stage/init" "$stage/bin/busybox"
cp -a "$payload" "$stage/payload"
# The kernel opens /dev/console before running /init; without the node
# init would start with no stdin/stdout.
if [ "$(id -u)" = 0 ]; then
	mknod -m 600 "$stage/dev/console" c 5 1
fi

# --- module dependencies -------------------------------------------------
# modules.dep maps "path/name.ko[.xz]: deps..." ; index it by module name
# with '-' folded to '_' as the kernel does.
declare -A modpath
while IFS=: read -r path _; do
	name=${path##*/}
	name=${name%%.ko*}
	modpath[${name//-/_}]=$path
done <"$moddir/modules.dep"

preload=()
declare -A seen

stage_module() {	# relpath -> staged uncompressed relpath on stdout
	local rel=$1 dst
	dst=${rel%.xz}
	dst=${dst%.zst}
	dst=${dst%.gz}
	mkdir -p "$stage/lib/modules/$kver/$(dirname "$dst")"
	case $rel in
	*.xz) xz -dc "$moddir/$rel" >"$stage/lib/modules/$kver/$dst" ;;
	*.zst) zstd -q -dc "$moddir/$rel" >"$stage/lib/modules/$kver/$dst" ;;
	*.gz) gzip -dc "$moddir/$rel" >"$stage/lib/modules/$kver/$dst" ;;
	*) cp "$moddir/$rel" "$stage/lib/modules/$kver/$dst" ;;
	esac
	echo "$dst"
}

# Names a module asks for: hard dependencies, and "pre:" soft dependencies
# (libcrc32c wants the crc32c crypto driver loaded first, because busybox
# has no modules.alias-driven request_module in our tiny guest).  A soft
# dependency may be an alias ("crc32c"), resolved through modules.alias.
wanted_by() {		# .ko file on the host -> module names on stdout
	local ko=$1 deps soft w pre=0
	deps=$(modinfo -F depends "$ko" 2>/dev/null) ||
		die "modinfo cannot read '$ko'"
	soft=$(modinfo -F softdep "$ko" 2>/dev/null || true)
	for w in $soft; do
		case $w in
		pre:) pre=1 ;;
		post:) pre=0 ;;
		*) [ $pre = 0 ] || resolve_alias "$w" ;;
		esac
	done
	for w in ${deps//,/ }; do
		echo "$w"
	done
}

resolve_alias() {	# module name or alias -> module names
	local key=${1//-/_}
	if [ -n "${modpath[$key]:-}" ]; then
		echo "$key"
	else
		awk -v a="$1" '$1 == "alias" && $2 == a { print $3 }' \
			"$moddir/modules.alias"
	fi
}

# Depth-first so that every module follows the modules it needs.
add_deps_of() {		# .ko file on the host
	local ko=$1 deps dep key rel dst
	deps=$(wanted_by "$ko") || exit 1
	for dep in $deps; do
		key=${dep//-/_}
		[ -z "${seen[$key]:-}" ] || continue
		seen[$key]=1
		rel=${modpath[$key]:-}
		[ -n "$rel" ] ||
			die "${ko##*/} needs module '$dep', which $kver does not have"
		dst=$(stage_module "$rel")
		add_deps_of "$stage/lib/modules/$kver/$dst"
		preload+=("$dst")
	done
}

shopt -s nullglob
for ko in "$payload"/*.ko; do
	vm=$(modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)
	[ "$vm" = "$kver" ] ||
		printf 'mkinitramfs: warning: %s was built for "%s", the guest runs %s; insmod will refuse it\n' \
			"${ko##*/}" "$vm" "$kver" >&2
	add_deps_of "$ko"
done

cat >"$stage/etc/kxfer-guest.conf" <<EOF
KXFER_TOKEN='$token'
KXFER_FLAVOUR='$flavour'
KXFER_GUEST='$guest'
KXFER_KVER='$kver'
KXFER_PRELOAD='${preload[*]}'
EOF

(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --quiet) >"$out"
