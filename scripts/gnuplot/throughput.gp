# SPDX-License-Identifier: GPL-2.0
#
# Payload handed over per second (size / median time per operation)
# against transfer size, one line per method, bars: the 95% interval of
# the median over the repetitions; the memcpy baseline is the ceiling a
# transfer that copies the bytes once cannot beat.
# Variables: see common.gp, plus
#   files    data files (columns: size p50_ns ci_low_ns ci_high_ns p99_ns
#            bytes_per_s bytes_per_s_low bytes_per_s_high),
#            first line = legend title
#   colours, dashes, widths, points   one word per file

load gpdir."/common.gp"

set ylabel "payload handed over per second (bytes/s, SI): median, bars 95% CI"
set logscale y 10
set format y "%.0s %cB/s"
set errorbars small
set key autotitle columnheader

plot for [i=1:words(files)] word(files, i) using 1:6 \
	with linespoints lc rgb word(colours, i) dt int(word(dashes, i)) \
	lw (word(widths, i) + 0) pt (word(points, i) + 0) ps 1.1 \
	title columnheader(1), \
     for [i=1:words(files)] word(files, i) using 1:6:7:8 \
	with yerrorbars lc rgb word(colours, i) dt 1 lw 1.5 pt 0 notitle
