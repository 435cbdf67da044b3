# SPDX-License-Identifier: GPL-2.0
#
# Throughput at the median time per operation against transfer size, one
# line per method; the memcpy baseline is the ceiling a transfer that
# copies the bytes once cannot beat.
# Variables: see common.gp, plus
#   files    data files (columns: size p50_ns p99_ns bytes_per_s),
#            first line = legend title
#   colours, dashes, widths, points   one word per file

load gpdir."/common.gp"

set ylabel "throughput at median time (bytes/s, SI prefixes)"
set logscale y 10
set format y "%.0s %cB/s"

plot for [i=1:words(files)] word(files, i) using 1:4 \
	with linespoints lc rgb word(colours, i) dt int(word(dashes, i)) \
	lw (word(widths, i) + 0) pt (word(points, i) + 0) ps 1.1 \
	title columnheader(1)
