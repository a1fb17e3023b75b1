# XNOR, case 1: a 2-2-1 network of step units
# Written by Teach. Draw it again from the package's root with: gnuplot <this file>
set encoding utf8
set terminal pngcairo size 880,390 noenhanced font 'DejaVu Sans,11'
set output 'plots/gates-xnor-case1-diagram.png'
set title 'XNOR, case 1: a 2-2-1 network of step units'
set xlabel ''
set ylabel ''
set xrange [-0.45:2.45]
set yrange [-1.1:0.8]
unset border
unset xtics
unset ytics
unset key
set label '−1.0' at 0.68,0.5700000000000001 center front
set label '1.0' at 0.68,-0.11000000000000004 center front
set label '−1.0' at 0.68,0.25000000000000006 center front
set label '1.0' at 0.68,-0.43 center front
set label '1.0' at 1.6800000000000002,0.22999999999999998 center front
set label '1.0' at 1.6800000000000002,-0.08999999999999997 center front
set label 'x1' at 0,0.5 center front
set label 'x2' at 0,-0.5 center front
set label 'a1' at 1,0.5 center front
set label 'b = 0.5' at 1,0.22999999999999998 center front
set label 'a2' at 1,-0.5 center front
set label 'b = −1.5' at 1,-0.77 center front
set label 'a3' at 2,0 center front
set label 'b = −0.5' at 2,-0.27 center front
$data0 << EOD
0 0.5
1 0.5
EOD
$data1 << EOD
0 0.5
1 -0.5
EOD
$data2 << EOD
0 -0.5
1 0.5
EOD
$data3 << EOD
0 -0.5
1 -0.5
EOD
$data4 << EOD
1 0.5
2 0
EOD
$data5 << EOD
1 -0.5
2 0
EOD
$data6 << EOD
0 0.5
0 -0.5
1 0.5
1 -0.5
2 0
EOD
$data7 << EOD
0 0.5
0 -0.5
1 0.5
1 -0.5
2 0
EOD
plot $data0 using 1:2 with lines lc rgb '#d62728' lw 1.5 notitle, \
     $data1 using 1:2 with lines lc rgb '#1f77b4' lw 1.5 notitle, \
     $data2 using 1:2 with lines lc rgb '#d62728' lw 1.5 notitle, \
     $data3 using 1:2 with lines lc rgb '#1f77b4' lw 1.5 notitle, \
     $data4 using 1:2 with lines lc rgb '#1f77b4' lw 1.5 notitle, \
     $data5 using 1:2 with lines lc rgb '#1f77b4' lw 1.5 notitle, \
     $data6 using 1:2 with points lc rgb '#eef2f8' pt 7 ps 6 notitle, \
     $data7 using 1:2 with points lc rgb '#333333' pt 6 ps 6 notitle
unset output
