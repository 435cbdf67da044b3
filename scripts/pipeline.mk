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
#   make pipeline-check
#       tests/pipeline/run.sh: plot, report and compare of the committed
#       fixtures, verdict agreement, banners, bad input (TAP)

# Where this file lives, so it works whatever the includer calls its root.
KXFER_PIPE_TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)

FLAVOUR ?= 6.1-amd64
.PHONY: bench bench-native plot compare pipeline-check

bench: ## benchmark suite in a QEMU guest (FLAVOUR=6.1-amd64) -> results/<run>/ with plots
	FLAVOUR="$(FLAVOUR)" $(KXFER_PIPE_TOP)/scripts/bench-run.sh

bench-native: ## module-free baselines natively on this machine (real CPU) -> results/<run>/ with plots
	$(KXFER_PIPE_TOP)/scripts/bench-native.sh

plot: ## plots + report.md of one results folder (RESULTS=DIR [OUT=DIR])
	@if [ -z "$(RESULTS)" ]; then \
		echo "usage: make plot RESULTS=results/<folder> [OUT=dir]" >&2; \
		exit 2; \
	fi
	$(KXFER_PIPE_TOP)/scripts/plot.sh "$(RESULTS)" $(if $(OUT),"$(OUT)")

compare: ## overlay several results folders (RESULTS="DIR1 DIR2" [OUT=DIR])
	@if [ -z "$(RESULTS)" ]; then \
		echo 'usage: make compare RESULTS="DIR1 DIR2 ..." [OUT=dir]' >&2; \
		exit 2; \
	fi
	$(KXFER_PIPE_TOP)/scripts/compare.sh $(if $(OUT),-o "$(OUT)") $(RESULTS)

pipeline-check: ## plot/report/compare of the committed fixture (TAP)
	$(KXFER_PIPE_TOP)/tests/pipeline/run.sh
