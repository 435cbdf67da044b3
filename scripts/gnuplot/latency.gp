# SPDX-License-Identifier: GPL-2.0
#
# Median time per operation against transfer size, bars: the 95% interval
# of the median over the repetitions.  p99 is drawn (open circles) only
# where kxfer-bench wrote one, i.e. from >= 100 samples.
# Variables: see common.gp and throughput.gp, plus
#   tails    files of (size, p99_ns), "" when no point has a p99
#   tailcolours  one colour per tails file

load gpdir."/common.gp"

set ylabel "time per operation: median, bars 95% CI"
set logscale y 10
set format y "%.0s %cs"
set errorbars small

# Every data file starts with a header line holding the legend title.
set key autotitle columnheader

# The bars are drawn on their own, solid, so that they stay visible on
# the dashed and dotted lines.
cmd = "plot for [i=1:words(files)] word(files, i) using 1:($2 * 1e-9) \
	with linespoints lc rgb word(colours, i) dt int(word(dashes, i)) \
	lw (word(widths, i) + 0) pt (word(points, i) + 0) ps 1.3 \
	title columnheader(1), \
     for [i=1:words(files)] word(files, i) \
	using 1:($2 * 1e-9):($3 * 1e-9):($4 * 1e-9) \
	with yerrorbars lc rgb word(colours, i) dt 1 lw 1.5 pt 0 notitle"
if (strlen(tails) > 0) {
	cmd = cmd . ", for [i=1:words(tails)] word(tails, i) \
		using 1:($2 * 1e-9) with points pt 6 ps 0.9 \
		lc rgb word(tailcolours, i) \
		title (i == 1 ? 'p99 (>= 100 samples)' : '')"
}
eval cmd
