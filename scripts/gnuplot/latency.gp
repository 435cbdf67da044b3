# SPDX-License-Identifier: GPL-2.0
#
# Median time per operation against transfer size, whiskers up to the 99th
# percentile: the gap between point and whisker tip is the tail a real-time
# user has to budget for.
# Variables: see common.gp and throughput.gp.

load gpdir."/common.gp"

set ylabel "time per operation: median, whisker to p99"
set logscale y 10
set format y "%.0s %cs"
set errorbars small

# Every data file starts with a header line holding the legend title.
set key autotitle columnheader

# Whiskers are drawn on their own, solid, so that they stay visible on the
# dashed and dotted lines.
plot for [i=1:words(files)] word(files, i) using 1:($2 * 1e-9) \
	with linespoints lc rgb word(colours, i) dt int(word(dashes, i)) \
	lw (word(widths, i) + 0) pt (word(points, i) + 0) ps 1.3 \
	title columnheader(1), \
     for [i=1:words(files)] word(files, i) \
	using 1:($2 * 1e-9):($2 * 1e-9):($3 * 1e-9) \
	with yerrorbars lc rgb word(colours, i) dt 1 lw 1.5 pt 0 notitle
