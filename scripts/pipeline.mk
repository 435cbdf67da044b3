# SPDX-License-Identifier: GPL-2.0
#
# Results pipeline targets, included from the top-level Makefile:
#
#   make bench [FLAVOUR=6.1-amd64] [KXFER_BENCH_ARGS="--min-time 0.05"]
#       build module + kxfer-bench + cross-check tools for FLAVOUR, boot
#       it under QEMU TCG, run scripts/guest/bench-suite.sh there and write
#       results/<machine>-<kernel>-<date>/ with CSV, JSON, plots, report.md
#       (all knobs: header of scripts/bench-run.sh)
#   make plot RESULTS=DIR [OUT=DIR]
#       (re)make plots and report.md of one results folder
#   make compare RESULTS="DIR1 DIR2 ..." [OUT=DIR]
#       overlay several results folders (default OUT: results/compare-DATE)
#   make mmapdump [MMAPDUMP_OUT=DIR]
#       static kxfer-mmapdump for ARCH/CROSS_COMPILE (hyperfine comparison)
#   make pipeline-check
#       tests/pipeline/run.sh: plot, report and compare of the committed
#       fixture (TAP)

# Where this file lives, so it works whatever the includer calls its root.
KXFER_PIPE_TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)

FLAVOUR ?= 6.1-amd64
MMAPDUMP_OUT ?= $(KXFER_PIPE_TOP)/bench/tools
MMAPDUMP_CC ?= $(CROSS_COMPILE)gcc
MMAPDUMP_SRCS := $(KXFER_PIPE_TOP)/bench/tools/kxfer-mmapdump.c \
	$(KXFER_PIPE_TOP)/bench/device.c $(KXFER_PIPE_TOP)/bench/sizes.c
MMAPDUMP_HDRS := $(KXFER_PIPE_TOP)/bench/device.h \
	$(KXFER_PIPE_TOP)/bench/sizes.h \
	$(KXFER_PIPE_TOP)/include/uapi/linux/kxfer.h

.PHONY: bench plot compare mmapdump pipeline-check

bench:
	FLAVOUR="$(FLAVOUR)" $(KXFER_PIPE_TOP)/scripts/bench-run.sh

plot:
	@if [ -z "$(RESULTS)" ]; then \
		echo "usage: make plot RESULTS=results/<folder> [OUT=dir]" >&2; \
		exit 2; \
	fi
	$(KXFER_PIPE_TOP)/scripts/plot.sh "$(RESULTS)" $(if $(OUT),"$(OUT)")

compare:
	@if [ -z "$(RESULTS)" ]; then \
		echo 'usage: make compare RESULTS="DIR1 DIR2 ..." [OUT=dir]' >&2; \
		exit 2; \
	fi
	$(KXFER_PIPE_TOP)/scripts/compare.sh $(if $(OUT),-o "$(OUT)") $(RESULTS)

mmapdump: $(MMAPDUMP_OUT)/kxfer-mmapdump

# Static like kxfer-bench, so the same binary runs in the busybox guest
# and on any board of the architecture.
$(MMAPDUMP_OUT)/kxfer-mmapdump: $(MMAPDUMP_SRCS) $(MMAPDUMP_HDRS)
	@mkdir -p $(@D)
	$(MMAPDUMP_CC) -std=gnu11 -O2 -Wall -Wextra -static \
		-I$(KXFER_PIPE_TOP)/include/uapi -I$(KXFER_PIPE_TOP)/bench \
		-o $@ $(MMAPDUMP_SRCS)

pipeline-check:
	$(KXFER_PIPE_TOP)/tests/pipeline/run.sh
