#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-check.sh [FLAVOUR...]   (default: 6.1-amd64 6.12-amd64)
#
# Proves that dkms.conf builds kxfer.ko through DKMS, without touching the
# host's DKMS state or kernel: a copy of the tree is added to a private
# source tree and DKMS tree (--sourcetree/--dkmstree) and built with
# --kernelsourcedir pointing at the headers scripts/fetch-kernel.sh caches.
# Prints TAP version 13 on stdout; DKMS's own output goes to a log that is
# shown (as # lines) only when a step fails.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd -P)
flavours=("$@")
[ ${#flavours[@]} -gt 0 ] || flavours=(6.1-amd64 6.12-amd64)

for f in "${flavours[@]}"; do
	case $f in
	-h|--help)
		sed -n '4,11p' "$0" | sed 's/^# \{0,1\}//'
		exit 0 ;;
	*-amd64) ;;
	*)	# DKMS builds for the host's architecture only.
		echo "dkms-check: flavour '$f' is not an amd64 one; DKMS builds for the host (6.1-amd64, 6.12-amd64)" >&2
		exit 2 ;;
	esac
done

echo "TAP version 13"
if ! command -v dkms >/dev/null 2>&1; then
	echo "1..0 # SKIP dkms is not installed (apt-get install dkms)"
	exit 0
fi

version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"$/\1/p' "$top/dkms.conf")
if [ -z "$version" ] || [ -z "$name" ]; then
	echo "1..1"
	echo "not ok 1 - dkms.conf has PACKAGE_NAME and PACKAGE_VERSION"
	exit 1
fi

# 2 (add, host untouched) + 4 per flavour + 2 for ARCH-neutral headers.
echo "1..$((4 + 4 * ${#flavours[@]}))"

# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kxfer-dkms.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$tmp/tree" "$tmp/src" "$tmp/dkms" "$tmp/install"

# What we must leave alone: the host's own DKMS state for this package.
host_state() {
	ls -d "/var/lib/dkms/$name" "/usr/src/$name-$version" 2>/dev/null || true
}
before=$(host_state)

# Private trees for every dkms call (DKMS_TREE selects the build tree).
# The signing key variables are read from the environment: without them
# dkms would create /var/lib/dkms/mok.* on hosts that have a sign-file
# binary.
DKMS_TREE=$tmp/dkms
dk() {
	mok_signing_key=$tmp/mok.key mok_certificate=$tmp/mok.pub \
		dkms "$@" --sourcetree "$tmp/src" --dkmstree "$DKMS_TREE" \
		--installtree "$tmp/install"
}

# build_case LABEL KVER KDIR: dkms build + vermagic of the result.
build_case() {
	local label=$1 kver=$2 kdir=$3 log=$tmp/build-$n.log ko magic
	if dk build "$name/$version" -k "$kver" --kernelsourcedir "$kdir" \
	      -j 2 >"$log" 2>&1; then
		ok "$label: dkms build $name/$version -k $kver"
	else
		not_ok "$label: dkms build $name/$version -k $kver"
		diag <"$log"
		[ ! -f "$DKMS_TREE/$name/$version/build/make.log" ] ||
			tail -n 40 "$DKMS_TREE/$name/$version/build/make.log" | diag
	fi

	# The module DKMS keeps must be for the kernel asked for, not the host's.
	ko=$(ls "$DKMS_TREE/$name/$version/$kver"/*/module/kxfer.ko 2>/dev/null |
	     head -n 1 || true)
	magic=
	[ -z "$ko" ] || magic=$(modinfo -F vermagic "$ko" 2>/dev/null || true)
	if [ "${magic%% *}" = "$kver" ]; then
		ok "$label: built module's vermagic is $kver"
	else
		not_ok "$label: built module's vermagic is $kver"
		echo "# module: ${ko:-none}, vermagic: '${magic}'"
	fi
}

# What `dkms add .` in a checkout sees (it copies "$dir"/*): the tree minus
# caches and outputs, which are dot-directories or ignored anyway.
tar -C "$top" --exclude=./.git --exclude=./.cache --exclude=./dist \
	--exclude=./results -cf - . | tar -C "$tmp/tree" -xf -

if dk add "$tmp/tree" >"$tmp/add.log" 2>&1 &&
   [ -f "$tmp/src/$name-$version/include/uapi/linux/kxfer.h" ]; then
	ok "dkms add copies the whole tree (with include/uapi) as $name/$version"
else
	not_ok "dkms add copies the whole tree (with include/uapi) as $name/$version"
	diag <"$tmp/add.log"
fi

for f in "${flavours[@]}"; do
	if ! env_out=$("$top/scripts/fetch-kernel.sh" "$f" 2>"$tmp/fetch-$f.log"); then
		not_ok "$f: headers from scripts/fetch-kernel.sh"
		diag <"$tmp/fetch-$f.log"
		for t in "dkms build" "module vermagic" "dkms status"; do
			not_ok "$f: $t (not run: no headers)"
		done
		continue
	fi
	KVER=$(printf '%s\n' "$env_out" | sed -n 's/^KVER=//p')
	KDIR=$(printf '%s\n' "$env_out" | sed -n 's/^KDIR=//p')
	ok "$f: headers from scripts/fetch-kernel.sh ($KVER)"

	build_case "$f" "$KVER" "$KDIR"
	[ -n "${first_kver:-}" ] || { first_kver=$KVER first_kdir=$KDIR; }

	status=$(dk status "$name/$version" -k "$KVER" 2>&1 || true)
	if printf '%s\n' "$status" | grep -q "^$name/$version, $KVER, .*: built"; then
		ok "$f: dkms status reports built for $KVER"
	else
		not_ok "$f: dkms status reports built for $KVER"
		printf '%s\n' "$status" | diag
	fi
done

# Debian's headers force ARCH themselves (.kernelvariables); Ubuntu's,
# Armbian's and vendor trees leave it to the caller, like a plain kernel
# tree.  Model one from the first flavour's headers without that override,
# so the build path that those users take is tested too.
if [ -n "${first_kver:-}" ]; then
	plain=$tmp/plain-kdir
	mkdir -p "$plain"
	for e in "$first_kdir"/* "$first_kdir"/.config; do
		ln -s "$e" "$plain/"
	done
	rm "$plain/Makefile"
	common=$(sed -n 's|^include .*\.\./\(linux-headers-[^/]*\)/Makefile$|\1|p' "$first_kdir/Makefile")
	if [ -n "$common" ]; then
		echo "include $(cd "$first_kdir/../$common" && pwd -P)/Makefile" >"$plain/Makefile"
	else
		cp "$first_kdir/Makefile" "$plain/Makefile"
	fi
	grep -v '^override ARCH' "$first_kdir/.kernelvariables" \
		>"$plain/.kernelvariables" 2>/dev/null || true
	DKMS_TREE=$tmp/dkms-plain
	mkdir -p "$DKMS_TREE"
	dk add "$tmp/tree" >"$tmp/add-plain.log" 2>&1 || diag <"$tmp/add-plain.log"
	build_case "headers that leave ARCH to the caller" "$first_kver" "$plain"
	DKMS_TREE=$tmp/dkms
else
	not_ok "headers that leave ARCH to the caller: dkms build (not run: no headers)"
	not_ok "headers that leave ARCH to the caller: built module's vermagic (not run)"
fi

after=$(host_state)
if [ "$before" = "$after" ]; then
	ok "host DKMS state (/var/lib/dkms, /usr/src) untouched"
else
	not_ok "host DKMS state (/var/lib/dkms, /usr/src) untouched"
	printf 'before: %s\nafter: %s\n' "$before" "$after" | diag
fi

[ "$failed" -eq 0 ]
