#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check-static.sh KDIR
#
# Host-side static checks of the driver, printed as TAP:
#   1. checkpatch.pl --strict on every source file in driver/
#   2. checkpatch.pl --strict on include/uapi/linux/kxfer.h
#   3. the module builds against KDIR with W=1 and zero warnings
#   4. sparse (C=2) reports nothing in the driver's files
# Findings are printed as TAP diagnostics ("# ...").  ARCH and CROSS_COMPILE
# from the environment are passed to kbuild (for arm64 header trees).
#
# checkpatch.pl (with spelling.txt and const_structs.checkpatch) comes from
# Debian's linux-source-6.1, unpacked once into .cache/checkpatch.
set -uo pipefail

if [ $# -ne 1 ]; then
	echo "usage: tests/static/check-static.sh KDIR   (e.g. KDIR from scripts/fetch-kernel.sh 6.1-amd64)" >&2
	exit 2
fi
# Absolute before the cd below, so a relative KDIR keeps working.
kdir=$(cd "$1" 2>/dev/null && pwd -P) || kdir=$1
top=$(cd "$(dirname "$0")/../.." && pwd -P)
cd "$top" || exit 2

src_tar=/usr/src/linux-source-6.1.tar.xz
cp_dir=$top/.cache/checkpatch
checkpatch=$cp_dir/scripts/checkpatch.pl
build=$top/.cache/build/static
uapi=include/uapi/linux/kxfer.h
max_diag=${KXFER_DIAG_LINES:-150}

# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"
tap() {		# ok|not-ok description [findings file]
	if [ "$1" = ok ]; then
		ok "$2"
	else
		not_ok "$2"
	fi
	if [ -n "${3:-}" ] && [ -s "$3" ]; then
		head -n "$max_diag" "$3" | diag
		lines=$(wc -l <"$3")
		[ "$lines" -le "$max_diag" ] ||
			echo "# ... $((lines - max_diag)) more lines in $3"
	fi
}

diag=$(mktemp -d "${TMPDIR:-/tmp}/kxfer-static.XXXXXX")
trap 'rm -rf "$diag"' EXIT

get_checkpatch() {
	[ -f "$checkpatch" ] && return 0
	if [ ! -f "$src_tar" ]; then
		echo "$src_tar not found: install linux-source-6.1 (scripts/install-deps.sh)" >"$diag/cp.err"
		return 1
	fi
	mkdir -p "$cp_dir.tmp.$$"
	# Only scripts/: the whole tree is not needed and takes minutes.
	if ! tar -xJf "$src_tar" -C "$cp_dir.tmp.$$" --strip-components=1 \
		--wildcards '*/scripts/*' 2>"$diag/cp.err"; then
		rm -rf "$cp_dir.tmp.$$"
		return 1
	fi
	rm -rf "$cp_dir"
	mv "$cp_dir.tmp.$$" "$cp_dir"
}

echo "TAP version 13"
echo "1..4"

# Source files of the driver; kbuild outputs are not ours to check.
driver_files=()
if [ -d driver ]; then
	while IFS= read -r f; do
		driver_files+=("$f")
	done < <(find driver -type f \( -name '*.[ch]' -o -name Kbuild \
		-o -name Makefile -o -name Kconfig \) ! -name '*.mod.c' | LC_ALL=C sort)
fi

# checkpatch needs paths relative to the tree top: it skips some checks
# (BIT() instead of 1 << n, ...) only for files under include/uapi/.
run_checkpatch() {	# description files...
	local desc=$1
	shift
	if ! get_checkpatch; then
		tap not-ok "$desc: checkpatch.pl unavailable" "$diag/cp.err"
		return
	fi
	if perl "$checkpatch" --strict --no-tree --quiet --no-summary \
		--color=never -f "$@" >"$diag/cp.out" 2>&1; then
		tap ok "$desc"
	else
		tap not-ok "$desc" "$diag/cp.out"
	fi
}

if [ ${#driver_files[@]} -eq 0 ]; then
	echo "driver/ has no source files (driver/*.c, driver/Kbuild)" >"$diag/nodriver"
	tap not-ok "checkpatch --strict: driver/" "$diag/nodriver"
else
	run_checkpatch "checkpatch --strict: driver/ (${#driver_files[@]} files)" \
		"${driver_files[@]}"
fi

if [ -f "$uapi" ]; then
	run_checkpatch "checkpatch --strict: $uapi" "$uapi"
else
	echo "$uapi is missing" >"$diag/nouapi"
	tap not-ok "checkpatch --strict: $uapi" "$diag/nouapi"
fi

# Build in a copy (with include/ beside it, as in the tree) so that the
# source tree stays clean and parallel builds for other flavours do not
# clash.
build_ok=
if [ ! -f "$kdir/Makefile" ]; then
	echo "KDIR '$kdir' is not a kernel build tree (no Makefile); get one with scripts/fetch-kernel.sh" >"$diag/build.log"
elif [ ! -f driver/Kbuild ] && [ ! -f driver/Makefile ]; then
	echo "driver/Kbuild is missing, nothing to build" >"$diag/build.log"
else
	rm -rf "$build"
	mkdir -p "$build"
	cp -a driver include "$build/"
	# Stale kbuild outputs from an in-tree build would hide warnings.
	make -s -C "$kdir" M="$build/driver" clean >/dev/null 2>&1
	if make -C "$kdir" M="$build/driver" W=1 -j2 modules \
		>"$diag/build.log" 2>&1; then
		build_ok=1
	fi
fi
# modpost prints "WARNING:", the compiler "warning:".
grep -i 'warning:' "$diag/build.log" >"$diag/build.warn" 2>/dev/null
if [ -n "$build_ok" ] && [ ! -s "$diag/build.warn" ]; then
	tap ok "module builds with W=1 and no warnings"
elif [ -n "$build_ok" ]; then
	tap not-ok "module builds with W=1 and no warnings" "$diag/build.warn"
else
	grep -iE 'error|warning:' "$diag/build.log" >"$diag/build.err" ||
		tail -n 20 "$diag/build.log" >"$diag/build.err"
	tap not-ok "module builds with W=1 and no warnings (build failed)" "$diag/build.err"
fi

# Same flags as above, so nothing recompiles and the log holds only what
# sparse says about every source file.
if [ -n "$build_ok" ]; then
	if ! command -v sparse >/dev/null; then
		echo "sparse not installed (scripts/install-deps.sh)" >"$diag/sparse.warn"
		tap not-ok "sparse C=2 reports nothing in the driver" "$diag/sparse.warn"
	else
		make -C "$kdir" M="$build/driver" W=1 C=2 -j2 modules \
			>"$diag/sparse.log" 2>&1
		src=$?
		# Findings inside the kernel's own headers (e.g. arm64 16K
		# percpu.h on 6.12) are the kernel's, not the driver's: listed,
		# not counted.
		grep -iE 'warning:|error:' "$diag/sparse.log" |
			grep -F "$build/" >"$diag/sparse.warn"
		grep -iE 'warning:|error:' "$diag/sparse.log" |
			grep -vF "$build/" | sed 's/^/(kernel header, not counted) /' \
			>"$diag/sparse.kernel"
		if [ $src -eq 0 ] && [ ! -s "$diag/sparse.warn" ]; then
			tap ok "sparse C=2 reports nothing in the driver" "$diag/sparse.kernel"
		else
			cat "$diag/sparse.kernel" >>"$diag/sparse.warn"
			[ -s "$diag/sparse.warn" ] ||
				tail -n 20 "$diag/sparse.log" >"$diag/sparse.warn"
			tap not-ok "sparse C=2 reports nothing in the driver" "$diag/sparse.warn"
		fi
	fi
else
	echo "not run: the module did not build" >"$diag/sparse.warn"
	tap not-ok "sparse C=2 reports nothing in the driver" "$diag/sparse.warn"
fi

[ $failed -eq 0 ]
