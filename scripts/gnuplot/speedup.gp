# SPDX-License-Identifier: GPL-2.0
#
# kxfer-bench's copy-or-mmap verdict against transfer size, only drawn:
# the ratio p50(copy) / p50(mmap) it wrote (above 1 the mapping wins) with
# its 95% interval as bars, the point shape its verdict (triangle up: mmap
# faster, down: copy faster, open circle: tie within the intervals), and
# its crossovers as shaded size intervals with a label.
# Variables: see common.gp and throughput.gp (data columns: size ratio
# low high verdict_point_type), plus
#   xleft, xright   crossover label files, see below
#   objects         gnuplot commands drawing the crossover intervals
#   ymin, ymax      the y range

# Legend titles carry the verdict: long, so one per row below the graph,
# up to 8 rows (kxfer and page-cache pairs, three user-work modes): a
# taller canvas, or gnuplot drops the legend.
canvas_h = 960
load gpdir."/common.gp"
set key vertical maxrows 8 maxcols 1 samplen 3 width 0 Left reverse font ",10"

set ylabel "p50(copy) / p50(mmap), bars 95% CI (kxfer-bench's verdict)"
set errorbars small
if (strlen(objects) > 0) { eval objects }
set logscale y 2
# ymin, ymax (from plots.py): the data's range widened so that 1, the
# verdict line, always lies well inside with room for its labels.
set yrange [ymin + 0 : ymax + 0]
set format y "%.3g x"
set arrow 910 from graph 0, first 1 to graph 1, first 1 nohead \
	lw 2 lc rgb "#555555" dt 2 front
set label 911 "mmap faster" at graph 0.99, first 1 offset 0, 0.8 right \
	textcolor rgb "#555555" front
set label 913 "point: \342\226\262 mmap faster, \342\226\274 copy faster, \342\227\213 tie (kxfer-bench's verdict)" \
	at graph 0.01, graph 0.97 left textcolor rgb "#555555" front
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
	with lines lc rgb word(colours, i) dt int(word(dashes, i)) \
	lw (word(widths, i) + 0) title columnheader(1), \
	for [i=1:words(files)] word(files, i) using 1:2:3:4 \
	with yerrorbars lc rgb word(colours, i) dt 1 lw 1.5 pt 0 notitle, \
	for [i=1:words(files)] word(files, i) using 1:2:5 \
	with points lc rgb word(colours, i) pt variable ps 1.6 notitle"
marks = ""
if (strlen(xleft) > 0) {
	marks = marks . ", xleft using 1:2:4:3 axes x1y2 with labels boxed left \
		offset 0.6, 0 textcolor rgb variable font ',11' notitle"
}
if (strlen(xright) > 0) {
	marks = marks . ", xright using 1:2:4:3 axes x1y2 with labels boxed right \
		offset -0.6, 0 textcolor rgb variable font ',11' notitle"
}

plot @ratios @marks
