# SPDX-License-Identifier: GPL-2.0
"""Reading kxfer results folders and turning them into plots and reports.

Python 3 standard library only, so that `make plot` works on any machine
that has python3 and gnuplot.  The CSV schema and the results folder layout
are pinned in docs/CONTRACTS.md.
"""
