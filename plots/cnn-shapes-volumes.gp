# A 32×32×3 image, one 5×5×3 window, and the 28×28×10 output of ten filters
# Written by Teach. Draw it again from the package's root with: gnuplot <this file>
set encoding utf8
set terminal pngcairo size 700,520 noenhanced font 'DejaVu Sans,11'
set output 'plots/cnn-shapes-volumes.png'
set title 'A 32×32×3 image, one 5×5×3 window, and the 28×28×10 output of ten filters'
set xlabel ''
set ylabel ''
set xrange [-0.3:5.405311873371101]
set yrange [-2.95:3.1]
set size ratio -1
unset border
unset xtics
unset ytics
unset key
set label 'input' at 0.43817804600413285,-2.45 center front
set label '32×32×3' at 0.43817804600413285,-2.75 center front
set label '10 feature maps' at 3.2263560920082663,-2.45 center front
set label '28×28×10' at 3.2263560920082663,-2.75 center front
$data0 << EOD
0 -2
0.8763560920082657 -2
0.8763560920082657 2
0 2
0 -2
EOD
$data1 << EOD
0 2
1.1 2.9
1.976356092008266 2.9
1.976356092008266 -1.1
0.8763560920082657 -2
EOD
$data2 << EOD
0.8763560920082657 2
1.976356092008266 2.9
EOD
$data3 << EOD
2.426356092008266 -1.8708286933869707
4.026356092008267 -1.8708286933869707
4.026356092008267 1.8708286933869707
2.426356092008266 1.8708286933869707
2.426356092008266 -1.8708286933869707
EOD
$data4 << EOD
2.426356092008266 1.8708286933869707
3.4553118733711 2.7127016054111075
5.0553118733711 2.7127016054111075
5.0553118733711 -1.0289557813628338
4.026356092008267 -1.8708286933869707
EOD
$data5 << EOD
4.026356092008267 1.8708286933869707
5.0553118733711 2.7127016054111075
EOD
$data6 << EOD
0 1.375
0.8763560920082657 1.375
0.8763560920082657 2
0 2
0 1.375
EOD
$data7 << EOD
0 2
0.171875 2.140625
1.0482310920082658 2.140625
1.0482310920082658 1.515625
0.8763560920082657 1.375
EOD
$data8 << EOD
0.8763560920082657 2
1.0482310920082658 2.140625
EOD
$data9 << EOD
0.8763560920082657 2
2.446356092008266 1.8040133829088645
EOD
$data10 << EOD
0.8763560920082657 1.375
2.446356092008266 1.8040133829088645
EOD
$data11 << EOD
2.446356092008266 1.8040133829088645
EOD
plot $data0 using 1:2 with lines lc rgb '#08306b' lw 1.5 notitle, \
     $data1 using 1:2 with lines lc rgb '#08306b' lw 1.5 notitle, \
     $data2 using 1:2 with lines lc rgb '#08306b' lw 1.5 notitle, \
     $data3 using 1:2 with lines lc rgb '#08306b' lw 1.5 notitle, \
     $data4 using 1:2 with lines lc rgb '#08306b' lw 1.5 notitle, \
     $data5 using 1:2 with lines lc rgb '#08306b' lw 1.5 notitle, \
     $data6 using 1:2 with lines lc rgb '#d94801' lw 2 notitle, \
     $data7 using 1:2 with lines lc rgb '#d94801' lw 2 notitle, \
     $data8 using 1:2 with lines lc rgb '#d94801' lw 2 notitle, \
     $data9 using 1:2 with lines lc rgb '#d94801' lw 1 dt 2 notitle, \
     $data10 using 1:2 with lines lc rgb '#d94801' lw 1 dt 2 notitle, \
     $data11 using 1:2 with points lc rgb '#d94801' pt 7 ps 0.8 notitle
unset output
