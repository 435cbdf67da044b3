# SPDX-License-Identifier: GPL-2.0
#
# kxfer top-level Makefile.
#
# Building (native or cross, the way vendor SDKs do it):
#   make                                   module + bench for the running kernel
#   make ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- KDIR=/path/to/board/kernel
#
# Running:
#   make bench      boot the QEMU guest, run the benchmark suite, write results/
#   make test       everything CI checks (installs its own dependencies)
#   make plot RESULTS=DIR, make compare RESULTS="DIR1 DIR2"

KDIR ?= /lib/modules/$(shell uname -r)/build
W ?=
C ?=

# Passed on only when given: an empty ARCH would override the kernel
# tree's own default and break native builds against vendor trees.
export CROSS_COMPILE
ifneq ($(ARCH),)
export ARCH
endif

TOP := $(CURDIR)
KBUILD_ARGS := -C $(KDIR) M=$(TOP)/driver $(if $(W),W=$(W)) $(if $(C),C=$(C))

.PHONY: all module tools clean test help

all: module tools

module:
	$(MAKE) $(KBUILD_ARGS) modules

# User-space tools (benchmark), statically linked so they run on any board.
tools:
	$(MAKE) -C bench

clean:
	$(MAKE) $(KBUILD_ARGS) clean 2>/dev/null || rm -f driver/*.o driver/*.ko driver/*.mod* driver/.*.cmd driver/Module.symvers driver/modules.order
	$(MAKE) -C bench clean
	$(MAKE) -C tests clean

test:
	./scripts/run-tests.sh

help:
	@sed -n '3,13p' Makefile

include scripts/pipeline.mk
include scripts/board.mk
