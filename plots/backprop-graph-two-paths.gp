# e = (m − b) · (m · c): m reaches e along two paths
# Written by Teach. Draw it again from the package's root with: gnuplot <this file>
set encoding utf8
set terminal pngcairo size 880,520 noenhanced font 'DejaVu Sans,11'
set output 'plots/backprop-graph-two-paths.png'
set title 'e = (m − b) · (m · c): m reaches e along two paths'
set xlabel ''
set ylabel ''
set xrange [-0.45:2.45]
set yrange [-1.6:1.3]
unset border
unset xtics
unset ytics
unset key
set label '×1' at 0.68,0.73 center front
set label '×−1' at 0.68,0.41000000000000003 center front
set label '×−3' at 0.68,0.04999999999999999 center front
set label '×2' at 0.68,-0.5899999999999999 center front
set label '×−6' at 1.6800000000000002,0.22999999999999998 center front
set label '×1' at 1.6800000000000002,-0.08999999999999997 center front
set label 'm' at 0,1 center front
set label 'value 2' at 0,0.73 center front
set label 'gradient −9' at 0,0.57 center front
set label 'b' at 0,0 center front
set label 'value 1' at 0,-0.27 center front
set label 'gradient 6' at 0,-0.43000000000000005 center front
set label 'c' at 0,-1 center front
set label 'value −3' at 0,-1.27 center front
set label 'gradient 2' at 0,-1.43 center front
set label 'd' at 1,0.5 center front
set label 'm − b = 1' at 1,0.22999999999999998 center front
set label 'gradient −6' at 1,0.06999999999999998 center front
set label 'f' at 1,-0.5 center front
set label 'm · c = −6' at 1,-0.77 center front
set label 'gradient 1' at 1,-0.93 center front
set label 'e' at 2,0 center front
set label 'd · f = −6' at 2,-0.27 center front
set label 'gradient 1' at 2,-0.43000000000000005 center front
$data0 << EOD
0 1
1 0.5
EOD
$data1 << EOD
0 0
1 0.5
EOD
$data2 << EOD
0 1
1 -0.5
EOD
$data3 << EOD
0 -1
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
0 1
0 0
0 -1
1 0.5
1 -0.5
2 0
EOD
$data7 << EOD
0 1
0 0
0 -1
1 0.5
1 -0.5
2 0
EOD
plot $data0 using 1:2 with lines lc rgb '#555555' lw 1.5 notitle, \
     $data1 using 1:2 with lines lc rgb '#555555' lw 1.5 notitle, \
     $data2 using 1:2 with lines lc rgb '#555555' lw 1.5 notitle, \
     $data3 using 1:2 with lines lc rgb '#555555' lw 1.5 notitle, \
     $data4 using 1:2 with lines lc rgb '#555555' lw 1.5 notitle, \
     $data5 using 1:2 with lines lc rgb '#555555' lw 1.5 notitle, \
     $data6 using 1:2 with points lc rgb '#eef2f8' pt 7 ps 6 notitle, \
     $data7 using 1:2 with points lc rgb '#333333' pt 6 ps 6 notitle
unset output
