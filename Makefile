# SPDX-License-Identifier: GPL-2.0
#
# kxfer top-level Makefile.  `make help` lists every target; it is made
# from the `## ` comments after each target here and in scripts/*.mk, so
# every target needs one.
#
# Building (native or cross, the way vendor SDKs do it):
#   make                                   module + bench for the running kernel
#   make ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- KDIR=/path/to/board/kernel
#   make ARCH=arm64 LLVM=1 KDIR=...        clang-built kernels (CROSS_COMPILE optional)

KDIR ?= /lib/modules/$(shell uname -r)/build
W ?=
C ?=

# Passed on only when given: an empty ARCH would override the kernel
# tree's own default and break native builds against vendor trees.
export CROSS_COMPILE
ifneq ($(ARCH),)
export ARCH
endif
# LLVM=1 (or LLVM=-14, LLVM=/path/to/llvm/bin/) selects clang and the LLVM
# tools for the module (kbuild) and for bench/ alike.
ifneq ($(LLVM),)
export LLVM
endif

# One id per top-level make: the guest runner probes KVM once per id
# (scripts/guest/run.sh caches the result in .cache/accel/).
ifeq ($(KXFER_RUN_ID),)
KXFER_RUN_ID := $(shell echo "$$(date +%s)-$$$$")
endif
export KXFER_RUN_ID

TOP := $(CURDIR)
KBUILD_ARGS := -C $(KDIR) M=$(TOP)/driver $(if $(W),W=$(W)) $(if $(C),C=$(C))

.PHONY: all module tools clean test help

all: module tools ## module + kxfer-bench/kxfer-mmapdump (ARCH, CROSS_COMPILE, LLVM, KDIR)

# The KDIR/ARCH check turns the commonest mistakes into a message saying
# what to set (exit 2) instead of kbuild's compiler-flag errors.
module: ## driver/kxfer.ko against KDIR (checked first: exists, prepared, ARCH matches)
	@ARCH='$(ARCH)' CROSS_COMPILE='$(CROSS_COMPILE)' LLVM='$(LLVM)' \
		$(TOP)/scripts/check-kdir.sh '$(KDIR)'
	$(MAKE) $(KBUILD_ARGS) modules

# User-space tools (benchmark), statically linked so they run on any board.
tools: ## bench/kxfer-bench and bench/kxfer-mmapdump, static, for the same target
	$(MAKE) -C bench

clean: ## remove build products of driver/, bench/ and tests/
	$(MAKE) $(KBUILD_ARGS) clean 2>/dev/null || rm -f driver/*.o driver/*.ko driver/*.mod* driver/.*.cmd driver/Module.symvers driver/modules.order
	$(MAKE) -C bench clean
	$(MAKE) -C tests clean

test: ## everything CI checks, ends with "N passed, M failed" (installs its dependencies)
	./scripts/run-tests.sh

help: ## this list
	@echo 'usage: make [TARGET] [ARCH=arm64] [CROSS_COMPILE=aarch64-linux-gnu-] [LLVM=1] [KDIR=...]'
	@echo 'targets:'
	@awk '/^[A-Za-z0-9_.-]+:.*## / { t = $$0; sub(/:.*/, "", t); \
		d = $$0; sub(/^[^#]*## /, "", d); printf "  %-16s %s\n", t, d }' \
		$(MAKEFILE_LIST)

include scripts/pipeline.mk
include scripts/board.mk
include scripts/install.mk
