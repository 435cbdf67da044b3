#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# check-kdir.sh KDIR
#
# Run by `make module` (and so by make, make dist, make install) before
# kbuild: the commonest build mistakes otherwise end in compiler-flag
# errors (`-mlittle-endian`, `-mfunction-return=thunk-extern`) that do not
# say what is wrong.  Checks, with ARCH, CROSS_COMPILE and LLVM taken from
# the environment as kbuild would:
#
#   - KDIR exists and is a kernel build tree (Makefile, scripts/),
#     configured (.config or include/config/auto.conf) and prepared
#     (include/generated/autoconf.h, what `make modules_prepare` makes);
#   - ARCH names the architecture KDIR is configured for (CONFIG_ARM64,
#     CONFIG_X86_64, ...; unset ARCH means this host's);
#   - a foreign-architecture build has a compiler for it (CROSS_COMPILE or
#     LLVM=1), and that compiler is installed;
#   - LLVM=1 is set exactly when the tree was configured with clang
#     (CONFIG_CC_IS_CLANG), as vendor kernels built with clang are.
#
# Prints what to set and exits 2 when a check fails; silent otherwise.
set -eu

prog=check-kdir
fail() {
	printf '%s: %s\n' "$prog" "$*" >&2
	exit 2
}

[ $# -eq 1 ] || fail "usage: scripts/check-kdir.sh KDIR"
kdir=$1

[ -n "$kdir" ] || fail "KDIR is empty; pass KDIR=/path/to/kernel/build"
if [ ! -d "$kdir" ]; then
	if [ "$kdir" = "/lib/modules/$(uname -r)/build" ]; then
		fail "KDIR=$kdir does not exist: no headers for the running kernel.
  Install them (Debian/Ubuntu: apt-get install linux-headers-$(uname -r)),
  or build against another tree: make KDIR=/path/to/kernel/build"
	fi
	fail "KDIR=$kdir does not exist; pass the kernel build tree (KDIR=/path/to/kernel/build)"
fi
[ -f "$kdir/Makefile" ] ||
	fail "KDIR=$kdir has no Makefile: not a kernel source or headers tree; pass KDIR=/path/to/kernel/build"

config=
for f in "$kdir/include/config/auto.conf" "$kdir/.config"; do
	if [ -f "$f" ]; then
		config=$f
		break
	fi
done
[ -n "$config" ] ||
	fail "KDIR=$kdir is not configured (no .config).
  Configure it like the board's kernel (copy its .config, or make ARCH=... <board>_defconfig),
  then: make -C $kdir ARCH=... CROSS_COMPILE=... modules_prepare"
if [ ! -f "$kdir/include/generated/autoconf.h" ] || [ ! -d "$kdir/scripts" ]; then
	fail "KDIR=$kdir is configured but not prepared (no include/generated/autoconf.h or scripts/).
  Run: make -C $kdir ${ARCH:+ARCH=$ARCH }${CROSS_COMPILE:+CROSS_COMPILE=$CROSS_COMPILE }${LLVM:+LLVM=$LLVM }modules_prepare"
fi

# Kernel ARCH of the tree's configuration, and of this host (kbuild's
# SUBARCH, the default when ARCH is unset).
tree_arch() {
	if grep -q '^CONFIG_ARM64=y' "$config"; then echo arm64
	elif grep -q '^CONFIG_X86_64=y' "$config"; then echo x86_64
	elif grep -q '^CONFIG_X86_32=y' "$config"; then echo i386
	elif grep -q '^CONFIG_ARM=y' "$config"; then echo arm
	elif grep -q '^CONFIG_RISCV=y' "$config"; then echo riscv
	else echo unknown
	fi
}
host_arch() {
	case $(uname -m) in
	x86_64)		echo x86_64 ;;
	i?86)		echo i386 ;;
	aarch64*|arm64)	echo arm64 ;;
	arm*)		echo arm ;;
	riscv*)		echo riscv ;;
	*)		uname -m ;;
	esac
}
# ARCH spellings kbuild accepts for one configuration (x86 covers both).
arch_matches() {	# ARCH tree-arch
	case $2 in
	x86_64)	case $1 in x86|x86_64) return 0 ;; esac ;;
	i386)	case $1 in x86|i386) return 0 ;; esac ;;
	*)	[ "$1" = "$2" ] && return 0 ;;
	esac
	return 1
}
# What a user sets for that architecture (Debian/Ubuntu toolchain names).
cross_of() {
	case $1 in
	arm64)	echo aarch64-linux-gnu- ;;
	x86_64)	echo x86_64-linux-gnu- ;;
	i386)	echo i686-linux-gnu- ;;
	arm)	echo arm-linux-gnueabihf- ;;
	riscv)	echo riscv64-linux-gnu- ;;
	*)	echo '<toolchain prefix>' ;;
	esac
}

want=$(tree_arch)
host=$(host_arch)
arch=${ARCH:-}
[ "$want" != unknown ] || exit 0	# an architecture this check does not know

if [ -z "$arch" ]; then
	arch_matches "$host" "$want" ||
		fail "KDIR=$kdir is configured for $want ($(grep -m1 -E '^CONFIG_(ARM64|X86_64|X86_32|ARM|RISCV)=y' "$config")), but ARCH is not set, so kbuild builds for this $host host.
  Set: make ARCH=$want CROSS_COMPILE=$(cross_of "$want") KDIR=$kdir   (or ARCH=$want LLVM=1)"
elif ! arch_matches "$arch" "$want"; then
	fail "ARCH=$arch does not match KDIR=$kdir, which is configured for $want ($(grep -m1 -E '^CONFIG_(ARM64|X86_64|X86_32|ARM|RISCV)=y' "$config")).
  Set ARCH=$want$(arch_matches "$host" "$want" && echo " and no CROSS_COMPILE" || echo " CROSS_COMPILE=$(cross_of "$want")"), or point KDIR at a kernel tree configured for $arch"
fi

# A foreign architecture needs a compiler for it: the host's gcc would
# get the target's flags (-mlittle-endian) and fail.
if ! arch_matches "$host" "$want" && [ -z "${CROSS_COMPILE:-}" ] && [ -z "${LLVM:-}" ]; then
	fail "KDIR=$kdir is configured for $want but no cross compiler is set, so the host's gcc would be used.
  Set CROSS_COMPILE=$(cross_of "$want") (Debian: apt-get install gcc-$(cross_of "$want" | sed 's/-$//')), or LLVM=1 to build with clang"
fi
# The compiler must be the kind the tree was configured with: the
# configuration holds compiler-specific flags (-fconserve-stack for gcc).
if [ -n "${LLVM:-}" ] && grep -q '^CONFIG_CC_IS_GCC=y' "$config"; then
	fail "LLVM=$LLVM, but KDIR=$kdir was configured with gcc (CONFIG_CC_IS_GCC=y), so clang would get gcc-only flags.
  Drop LLVM=1 and set CROSS_COMPILE=$(cross_of "$want") (the tree's compiler: $(sed -n 's/^CONFIG_CC_VERSION_TEXT=//p' "$config")),
  or configure and prepare the tree with LLVM=1 (make ARCH=$want LLVM=1 olddefconfig modules_prepare)"
fi
if [ -z "${LLVM:-}" ] && grep -q '^CONFIG_CC_IS_CLANG=y' "$config"; then
	fail "KDIR=$kdir was configured with clang (CONFIG_CC_IS_CLANG=y: $(sed -n 's/^CONFIG_CC_VERSION_TEXT=//p' "$config")), so gcc cannot build modules for it.
  Set LLVM=1 (with ARCH=$want; CROSS_COMPILE is optional), e.g.: make ARCH=$want LLVM=1 KDIR=$kdir"
fi
if [ -z "${LLVM:-}" ]; then
	cc=${CROSS_COMPILE:-}gcc
	pkg=gcc
	[ -z "${CROSS_COMPILE:-}" ] || pkg=gcc-${CROSS_COMPILE%-}
	command -v "$cc" >/dev/null 2>&1 ||
		fail "$cc not found; install it (Debian: apt-get install ${pkg##*/}) or fix CROSS_COMPILE=${CROSS_COMPILE:-}"
fi
exit 0
