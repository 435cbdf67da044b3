# SPDX-License-Identifier: GPL-2.0
#
# Shared set-up of every kxfer plot: terminal, title block, size axis.
# Loaded by the other .gp files; the variables come from the caller
# (scripts/kxresults/plots.py passes them with gnuplot -e):
#   fmt       "png" or "svg"
#   out       output file
#   heading   what the plot shows
#   subtitle  machine, kernel and run settings
#   warn      how the CPU ran (native, KVM guest, EMULATED ...): always set
#   warncolour  its colour
#   partial   "PARTIAL RESULTS: why" or "" for complete results
#   xtics     the measured sizes as a "set xtics (...)" command
#   datadir   folder of the data files named in `files`
#
# Text is not "enhanced": method names contain '_' and '-', which enhanced
# mode would turn into subscripts.

# canvas_h: a plot with a long legend sets a taller canvas before loading
# this file.
if (!exists("canvas_h")) canvas_h = 780
if (fmt eq "svg") {
	set terminal svg size 1200,canvas_h dynamic noenhanced \
		font "sans,13" background "#ffffff"
} else {
	set terminal pngcairo size 1200,canvas_h noenhanced \
		font "sans,12" background "#ffffff"
}
set output out
set encoding utf8

# Fixed title block above the graph so the accelerator line (and a
# partial-results line) always has its own place where nobody can miss it.
set tmargin at screen (strlen(partial) > 0 ? 0.83 : 0.86)
set label 901 heading at screen 0.5, screen 0.965 center font ",16"
set label 902 subtitle at screen 0.5, screen 0.925 center
if (strlen(warn) > 0) {
	set label 903 warn at screen 0.5, screen 0.888 center \
		textcolor rgb warncolour font ",13"
}
if (strlen(partial) > 0) {
	set label 904 partial at screen 0.5, screen 0.853 center \
		textcolor rgb "#c00000" font ",13" \
		boxed
}

set logscale x 2
eval xtics
set xlabel "transfer size per operation (bytes; K, M = 1024-based)" offset 0, 0.4
set grid xtics ytics mytics lc rgb "#dddddd" lw 1
# The legend goes below the graph: method titles are long and the graph
# keeps the full width.
set key outside below center horizontal maxcols 2 nobox \
	spacing 1.15 width 2
set offsets graph 0.02, graph 0.02, 0, 0
set border lw 1.2

cd datadir
