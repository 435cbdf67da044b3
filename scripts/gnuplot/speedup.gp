# SPDX-License-Identifier: GPL-2.0
#
# Speedup of the mmap path over the copy path, p50(copy) / p50(mmap),
# against transfer size: above 1 the mapping wins.  Crossovers (where the
# line crosses 1, interpolated in log size) are marked and labelled.
# Variables: see common.gp and throughput.gp (data columns: size speedup),
# plus
#   xleft, xright   crossover files, see below

load gpdir."/common.gp"

# Legend titles carry the crossover: long, so one per row.
set key maxcols 1 samplen 3

set ylabel "speedup of mmap over copy: p50(copy) / p50(mmap)"
set logscale y 2
set format y "%.3g x"
set arrow 910 from graph 0, first 1 to graph 1, first 1 nohead \
	lw 2 lc rgb "#555555" dt 2 front
set label 911 "mmap faster" at graph 0.99, first 1 offset 0, 0.8 right \
	textcolor rgb "#555555" front
set label 912 "copy faster" at graph 0.99, first 1 offset 0, -0.8 right \
	textcolor rgb "#555555" front

# Crossovers: a dotted vertical line over the full height and a label,
# drawn on the second y axis with range 0..1 so that the labels can be
# stacked at fixed heights and never overlap however close the sizes are.
# xleft, xright: crossover files ("" for none) whose labels go right resp.
# left of their line; columns: size, label height (0..1), colour
# (0xRRGGBB), label.
set y2range [0:1]
set style textbox opaque noborder
unset y2tics

ratios = "for [i=1:words(files)] word(files, i) using 1:2 \
	with linespoints lc rgb word(colours, i) dt int(word(dashes, i)) \
	lw (word(widths, i) + 0) pt (word(points, i) + 0) ps 1.1 \
	title columnheader(1)"
marks = ""
if (strlen(xleft) > 0) {
	marks = marks . ", xleft using 1:(1):3 axes x1y2 with impulses \
		dt 3 lw 2 lc rgb variable notitle, \
		xleft using 1:2:4:3 axes x1y2 with labels boxed left \
		offset 0.6, 0 textcolor rgb variable font ',11' notitle"
}
if (strlen(xright) > 0) {
	marks = marks . ", xright using 1:(1):3 axes x1y2 with impulses \
		dt 3 lw 2 lc rgb variable notitle, \
		xright using 1:2:4:3 axes x1y2 with labels boxed right \
		offset -0.6, 0 textcolor rgb variable font ',11' notitle"
}

plot @ratios @marks
