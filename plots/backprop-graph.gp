# e = (a − b) · c: values forwards, gradients backwards
# Written by Teach. Draw it again from the package's root with: gnuplot <this file>
set encoding utf8
set terminal pngcairo size 880,520 noenhanced font 'DejaVu Sans,11'
set output 'plots/backprop-graph.png'
set title 'e = (a − b) · c: values forwards, gradients backwards'
set xlabel ''
set ylabel ''
set xrange [-0.45:2.45]
set yrange [-1.6:1.3]
unset border
unset xtics
unset ytics
unset key
set label '×1' at 0.68,0.38999999999999996 center front
set label '×−1' at 0.68,0.07 center front
set label '×−2' at 1.6800000000000002,0.07 center front
set label '×2' at 1.36,-0.24999999999999994 center front
set label 'a' at 0,1 center front
set label 'value 3' at 0,0.73 center front
set label 'gradient −2' at 0,0.57 center front
set label 'b' at 0,0 center front
set label 'value 1' at 0,-0.27 center front
set label 'gradient 2' at 0,-0.43000000000000005 center front
set label 'c' at 0,-1 center front
set label 'value −2' at 0,-1.27 center front
set label 'gradient 2' at 0,-1.43 center front
set label 'd' at 1,0 center front
set label 'a − b = 2' at 1,-0.27 center front
set label 'gradient −2' at 1,-0.43000000000000005 center front
set label 'e' at 2,0 center front
set label 'd · c = −4' at 2,-0.27 center front
set label 'gradient 1' at 2,-0.43000000000000005 center front
$data0 << EOD
0 1
1 0
EOD
$data1 << EOD
0 0
1 0
EOD
$data2 << EOD
1 0
2 0
EOD
$data3 << EOD
0 -1
2 0
EOD
$data4 << EOD
0 1
0 0
0 -1
1 0
2 0
EOD
$data5 << EOD
0 1
0 0
0 -1
1 0
2 0
EOD
plot $data0 using 1:2 with lines lc rgb '#555555' lw 1.5 notitle, \
     $data1 using 1:2 with lines lc rgb '#555555' lw 1.5 notitle, \
     $data2 using 1:2 with lines lc rgb '#555555' lw 1.5 notitle, \
     $data3 using 1:2 with lines lc rgb '#555555' lw 1.5 notitle, \
     $data4 using 1:2 with points lc rgb '#eef2f8' pt 7 ps 6 notitle, \
     $data5 using 1:2 with points lc rgb '#333333' pt 6 ps 6 notitle
unset output
