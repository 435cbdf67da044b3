#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# install-deps.sh
#
# Install with apt everything that building, testing, benchmarking and
# plotting kxfer needs on Debian 12 (bookworm).  Idempotent: when all is
# present it only asks dpkg-query and returns, so `make test` can call it
# every time.  Installing needs root.
set -euo pipefail

die() { printf 'install-deps: %s\n' "$*" >&2; exit 1; }
note() { printf 'install-deps: %s\n' "$*" >&2; }

packages=(
	# build: module (Debian's headers run gcc-12), bench, cross tools
	make gcc gcc-12 libc6-dev bc flex bison libelf-dev kmod dkms
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	# LLVM=1 builds (clang-built vendor kernels): clang and ld.lld
	clang lld
	# 32-bit x86 test binary for the driver's compat_ioctl path
	gcc-i686-linux-gnu libc6-dev-i386-cross
	# 6.12 headers ship vmlinux, so modules get BTF: needs pahole
	dwarves
	# QEMU guests and their initramfs
	qemu-system-x86 qemu-system-arm busybox-static cpio xz-utils zstd
	# static checks: checkpatch.pl (from the kernel source), sparse
	linux-source-6.1 perl sparse
	# benchmark and plots
	fio hyperfine gnuplot-nox python3
	# shell tools the scripts use; the keyring verifies the deb-src list
	# scripts/fetch-guest-tools.sh reads fio's source from
	coreutils util-linux binutils file debian-archive-keyring
)

# Foreign architecture for the arm64 kernels and busybox (apt-get download).
foreign_arch=arm64

# One dpkg-query for all: it lists the installed state of every package it
# knows ("ii" = installed and configured) and nothing for unknown ones.
installed=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' \
	"${packages[@]}" 2>/dev/null | awk '$2 == "ii" { print $1 }' || true)
missing=()
for pkg in "${packages[@]}"; do
	grep -qx -- "$pkg" <<<"$installed" || missing+=("$pkg")
done

need_arch=
dpkg --print-foreign-architectures | grep -qx "$foreign_arch" || need_arch=1

# Package lists for arm64 exist once apt-get update ran after adding it
# (looked up as files: apt-cache would take a second on every run).
need_update=1
for list in /var/lib/apt/lists/*_binary-"$foreign_arch"_Packages*; do
	[ -e "$list" ] && need_update=
	break
done
[ -z "$need_arch" ] || need_update=1

if [ ${#missing[@]} -eq 0 ] && [ -z "$need_arch" ] && [ -z "$need_update" ]; then
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	die "missing: ${missing[*]:-}${need_arch:+ (dpkg architecture $foreign_arch)}; run this script as root (sudo $0)"
fi

export DEBIAN_FRONTEND=noninteractive
# Other apt users on the machine: wait for the lock instead of failing.
apt_opts=(-q -y -o DPkg::Lock::Timeout=600)

if [ -n "$need_arch" ]; then
	note "adding dpkg architecture $foreign_arch"
	dpkg --add-architecture "$foreign_arch"
fi
if [ -n "$need_update" ] || [ ${#missing[@]} -gt 0 ]; then
	note "apt-get update"
	apt-get "${apt_opts[@]}" update >&2
fi
if [ ${#missing[@]} -gt 0 ]; then
	note "installing: ${missing[*]}"
	apt-get "${apt_opts[@]}" install --no-install-recommends "${missing[@]}" >&2
fi
note "all dependencies present"
