# XNOR, case 2: AND, OR and NOT units in four layers
# Written by Teach. Draw it again from the package's root with: gnuplot <this file>
set encoding utf8
set terminal pngcairo size 1360,650 noenhanced font 'DejaVu Sans,11'
set output 'plots/gates-xnor-case2-diagram.png'
set title 'XNOR, case 2: AND, OR and NOT units in four layers'
set xlabel ''
set ylabel ''
set xrange [-0.45:4.45]
set yrange [-2.1:1.8]
unset border
unset xtics
unset ytics
unset key
set label '1.0' at 0.68,1.2500000000000002 center front
set label '−2.0' at 0.68,0.5700000000000001 center front
set label '1.0' at 0.68,-0.43 center front
set label '−2.0' at 0.68,-1.11 center front
set label '1.0' at 1.6800000000000002,0.8899999999999999 center front
set label '1.0' at 1.6800000000000002,-0.11000000000000004 center front
set label '1.0' at 1.6800000000000002,0.25000000000000006 center front
set label '1.0' at 1.6800000000000002,-0.75 center front
set label '1.0' at 2.68,0.22999999999999998 center front
set label '1.0' at 2.68,-0.08999999999999997 center front
set label '−2.0' at 3.68,0.07 center front
set label 'x1' at 0,0.5 center front
set label 'x2' at 0,-0.5 center front
set label 'a1' at 1,1.5 center front
set label 'b = −0.5' at 1,1.23 center front
set label 'a2' at 1,0.5 center front
set label 'b = 1.0' at 1,0.22999999999999998 center front
set label 'a3' at 1,-0.5 center front
set label 'b = −0.5' at 1,-0.77 center front
set label 'a4' at 1,-1.5 center front
set label 'b = 1.0' at 1,-1.77 center front
set label 'a5' at 2,0.5 center front
set label 'b = −0.5' at 2,0.22999999999999998 center front
set label 'a6' at 2,-0.5 center front
set label 'b = −0.5' at 2,-0.77 center front
set label 'a7' at 3,0 center front
set label 'b = −1.5' at 3,-0.27 center front
set label 'a8' at 4,0 center front
set label 'b = 1.0' at 4,-0.27 center front
$data0 << EOD
0 0.5
1 1.5
EOD
$data1 << EOD
0 0.5
1 0.5
EOD
$data2 << EOD
0 -0.5
1 -0.5
EOD
$data3 << EOD
0 -0.5
1 -1.5
EOD
$data4 << EOD
1 1.5
2 0.5
EOD
$data5 << EOD
1 0.5
2 -0.5
EOD
$data6 << EOD
1 -0.5
2 0.5
EOD
$data7 << EOD
1 -1.5
2 -0.5
EOD
$data8 << EOD
2 0.5
3 0
EOD
$data9 << EOD
2 -0.5
3 0
EOD
$data10 << EOD
3 0
4 0
EOD
$data11 << EOD
0 0.5
0 -0.5
1 1.5
1 0.5
1 -0.5
1 -1.5
2 0.5
2 -0.5
3 0
4 0
EOD
$data12 << EOD
0 0.5
0 -0.5
1 1.5
1 0.5
1 -0.5
1 -1.5
2 0.5
2 -0.5
3 0
4 0
EOD
plot $data0 using 1:2 with lines lc rgb '#1f77b4' lw 1.5 notitle, \
     $data1 using 1:2 with lines lc rgb '#d62728' lw 1.5 notitle, \
     $data2 using 1:2 with lines lc rgb '#1f77b4' lw 1.5 notitle, \
     $data3 using 1:2 with lines lc rgb '#d62728' lw 1.5 notitle, \
     $data4 using 1:2 with lines lc rgb '#1f77b4' lw 1.5 notitle, \
     $data5 using 1:2 with lines lc rgb '#1f77b4' lw 1.5 notitle, \
     $data6 using 1:2 with lines lc rgb '#1f77b4' lw 1.5 notitle, \
     $data7 using 1:2 with lines lc rgb '#1f77b4' lw 1.5 notitle, \
     $data8 using 1:2 with lines lc rgb '#1f77b4' lw 1.5 notitle, \
     $data9 using 1:2 with lines lc rgb '#1f77b4' lw 1.5 notitle, \
     $data10 using 1:2 with lines lc rgb '#d62728' lw 1.5 notitle, \
     $data11 using 1:2 with points lc rgb '#eef2f8' pt 7 ps 6 notitle, \
     $data12 using 1:2 with points lc rgb '#333333' pt 6 ps 6 notitle
unset output
