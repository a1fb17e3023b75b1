# Naming the first of T symbols (4 symbols, H = 12, 200 steps, 3 seeds)
# Written by Teach. Draw it again from the package's root with: gnuplot <this file>
set encoding utf8
set terminal pngcairo size 800,560 noenhanced font 'DejaVu Sans,11'
set output 'plots/gated-memory.png'
set title 'Naming the first of T symbols (4 symbols, H = 12, 200 steps, 3 seeds)'
set xlabel 'sequence length T'
set ylabel 'test accuracy'
set yrange [0:1.05]
set grid lc rgb '#dddddd'
set key bottom left
$data0 << EOD
5 1
10 0.6796875
20 0.5677083333333334
40 0.580078125
EOD
$data1 << EOD
5 1
10 0.517578125
20 0.48046875
40 0.220703125
EOD
$data2 << EOD
5 1
10 1
20 0.734375
40 1
EOD
$data3 << EOD
5 1
10 0.916015625
20 0.2513020833333333
40 0.2265625
EOD
$data4 << EOD
5 1
10 0.748046875
20 0.234375
40 0.220703125
EOD
$data5 << EOD
5 1
10 1
20 0.265625
40 0.23828125
EOD
$data6 << EOD
5 1
10 1
20 1
40 1
EOD
$data7 << EOD
5 1
10 1
20 1
40 1
EOD
$data8 << EOD
5 1
10 1
20 1
40 1
EOD
$data9 << EOD
5 0.25
40 0.25
EOD
plot $data0 using 1:2 with linespoints lc rgb '#a50f15' lw 2 pt 7 ps 1.2 title 'RNN', \
     $data1 using 1:2 with lines lc rgb '#a50f15' lw 1 dt 2 notitle, \
     $data2 using 1:2 with lines lc rgb '#a50f15' lw 1 dt 2 notitle, \
     $data3 using 1:2 with linespoints lc rgb '#08306b' lw 2 pt 7 ps 1.2 title 'LSTM', \
     $data4 using 1:2 with lines lc rgb '#08306b' lw 1 dt 2 notitle, \
     $data5 using 1:2 with lines lc rgb '#08306b' lw 1 dt 2 notitle, \
     $data6 using 1:2 with linespoints lc rgb '#238b45' lw 2 pt 7 ps 1.2 title 'GRU', \
     $data7 using 1:2 with lines lc rgb '#238b45' lw 1 dt 2 notitle, \
     $data8 using 1:2 with lines lc rgb '#238b45' lw 1 dt 2 notitle, \
     $data9 using 1:2 with lines lc rgb '#777777' lw 1 dt 2 title 'chance'
unset output
