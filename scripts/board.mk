# SPDX-License-Identifier: GPL-2.0
#
# Board targets, included from the top-level Makefile (after its `module`
# and `tools` targets are defined):
#
#   make ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- KDIR=... dist
#       build module + static tools, pack dist/kxfer-VER-ARCH-KREL.tar.gz
#   make dkms-check     dkms.conf builds against cached 6.1/6.12 headers (TAP)
#   make cross-check    arm64 cross build + dist tarball are right (TAP)

# Where this file lives, so it works whatever the includer calls its root.
KXFER_BOARD_TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)

# One version for DKMS and the tarballs: PACKAGE_VERSION in dkms.conf.
KXFER_VERSION ?= $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' \
		   $(KXFER_BOARD_TOP)/dkms.conf)
DIST_DIR ?= $(KXFER_BOARD_TOP)/dist

.PHONY: dist dkms-check cross-check

# KDIR is passed on so the tarball is named after the kernel the module
# was built against, and dist.sh can check that it really was.
dist: module tools ## pack module + static tools for a board: dist/kxfer-VER-ARCH-KREL.tar.gz
	$(KXFER_BOARD_TOP)/scripts/dist.sh --kdir "$(KDIR)" \
		--version "$(KXFER_VERSION)" --out "$(DIST_DIR)"

dkms-check: ## dkms.conf builds against the cached 6.1/6.12 headers (TAP)
	$(KXFER_BOARD_TOP)/tests/packaging/dkms-check.sh

cross-check: ## arm64 cross build (gcc and LLVM=1), make dist, board runner in a guest (TAP)
	$(KXFER_BOARD_TOP)/tests/packaging/cross-build-check.sh
