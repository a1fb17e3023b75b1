# AlexNet: parameters and multiply-adds per image, per layer
# Written by Teach. Draw it again from the package's root with: gnuplot <this file>
set encoding utf8
set terminal pngcairo size 800,560 noenhanced font 'DejaVu Sans,11'
set output 'plots/alexnet-parameters.png'
set title 'AlexNet: parameters and multiply-adds per image, per layer'
set xlabel 'layer'
set ylabel 'count (log scale)'
set xrange [-0.6:7.6]
set yrange [10000:2000000000]
set xtics ('conv1' 0, 'conv2' 1, 'conv3' 2, 'conv4' 3, 'conv5' 4, 'fc6' 5, 'fc7' 6, 'fc8' 7)
set logscale y
set format y '%g'
set grid lc rgb '#dddddd'
set key top left
$data0 << EOD
-0.13 34944
0.87 614656
1.87 885120
2.87 1327488
3.87 884992
4.87 37752832
5.87 16781312
6.87 4097000
EOD
$data1 << EOD
0.13 105415200
1.13 447897600
2.13 149520384
3.13 224280576
4.13 149520384
5.13 37748736
6.13 16777216
7.13 4096000
EOD
plot $data0 using 1:2 with impulses lc rgb '#08306b' lw 14 title 'parameters', \
     $data1 using 1:2 with impulses lc rgb '#d94801' lw 14 title 'multiply-adds per image'
unset output
