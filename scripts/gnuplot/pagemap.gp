# SPDX-License-Identifier: GPL-2.0
#
# Huge-page (PMD) against base-page mappings of the same buffer: one curve
# per method and page map (solid: huge, dashed: base), against transfer
# size, with a dotted vertical line at the PMD size, the smallest mapping
# the kernel can map with one PMD entry: left of it both curves are page
# table entry mappings and measure the same thing.
# Variables: see common.gp and throughput.gp, plus
#   ykind      "time": median time per operation, bars 95% CI;
#              "rate": payload handed over per second at the median
#   pmd        the PMD size in bytes, "" when unknown
#   pmdlabel   text beside the PMD line

load gpdir."/common.gp"

set logscale y 10
if (strlen(pmd) > 0) {
	set arrow 920 from first (pmd + 0), graph 0 to first (pmd + 0), graph 1 \
		nohead dt 3 lw 2 lc rgb "#555555" front
	set label 921 pmdlabel at first (pmd + 0), graph 0.96 right \
		offset -0.8, 0 textcolor rgb "#555555" front
}
set key autotitle columnheader

if (ykind eq "time") {
	set ylabel "time per operation: median, bars 95% CI"
	set format y "%.0s %cs"
	set errorbars small
	plot for [i=1:words(files)] word(files, i) using 1:($2 * 1e-9) \
		with linespoints lc rgb word(colours, i) dt int(word(dashes, i)) \
		lw (word(widths, i) + 0) pt (word(points, i) + 0) ps 1.3 \
		title columnheader(1), \
	     for [i=1:words(files)] word(files, i) \
		using 1:($2 * 1e-9):($3 * 1e-9):($4 * 1e-9) \
		with yerrorbars lc rgb word(colours, i) dt 1 lw 1.5 pt 0 notitle
} else {
	set ylabel "payload handed over per second (bytes/s, SI): median, bars 95% CI"
	set format y "%.0s %cB/s"
	set errorbars small
	plot for [i=1:words(files)] word(files, i) using 1:6 \
		with linespoints lc rgb word(colours, i) dt int(word(dashes, i)) \
		lw (word(widths, i) + 0) pt (word(points, i) + 0) ps 1.1 \
		title columnheader(1), \
	     for [i=1:words(files)] word(files, i) using 1:6:7:8 \
		with yerrorbars lc rgb word(colours, i) dt 1 lw 1.5 pt 0 notitle
}
