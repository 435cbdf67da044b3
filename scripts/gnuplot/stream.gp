# SPDX-License-Identifier: GPL-2.0
#
# The streaming plots (scripts/kxresults/stream.py), one data file per
# series: column 1 x, column 2 y, column 3 the whisker tip (or y).
# Variables (gnuplot -e): fmt, out, heading, subtitle, warn, files,
# titles, xlabel, ylabel, logx (1: log2 x axis of block sizes).

if (fmt eq "svg") {
	set terminal svg size 1200,780 dynamic noenhanced font "sans,13" background "#ffffff"
} else {
	set terminal pngcairo size 1200,780 noenhanced font "sans,12" background "#ffffff"
}
set output out
set tmargin at screen 0.86
set label 901 heading at screen 0.5, screen 0.965 center font ",16"
set label 902 subtitle at screen 0.5, screen 0.93 center font ",11"
set label 903 warn at screen 0.5, screen 0.895 center font ",12" tc rgb "#c00000"
set grid
# Points off the frame, so that whiskers at the first and last x show.
set offsets graph 0.05, graph 0.05, 0, 0
set key outside right top
set xlabel xlabel
set ylabel ylabel
set logscale y 10
if (logx) {
	set logscale x 2
	set format x "%.0b%B"
}
set errorbars small
plot for [i=1:words(files)] word(files, i) using 1:2 with linespoints \
	lw 2 pt (i + 4) ps 1.3 lc i title word(titles, i), \
     for [i=1:words(files)] word(files, i) using 1:2:2:3 with yerrorbars \
	lc i lw 1 pt 0 notitle
