# Error terms layer by layer: sigmoid against ReLU
# Written by Teach. Draw it again from the package's root with: gnuplot <this file>
set encoding utf8
set terminal pngcairo size 800,560 noenhanced font 'DejaVu Sans,11'
set output 'plots/backprop-vanishing.png'
set title 'Error terms layer by layer: sigmoid against ReLU'
set xlabel 'layer (1 = first hidden layer)'
set ylabel 'mean |δ| (log scale)'
set xtics 1
set logscale y
set format y '%g'
set grid lc rgb '#dddddd'
set key bottom right
$data0 << EOD
1 1.5641678234263808e-08
2 7.488736812593915e-08
3 2.574302154440813e-07
4 1.0886617116394304e-06
5 4.59732799475213e-06
6 1.877388061978294e-05
7 7.734176521192546e-05
8 0.0003864927131651326
9 0.0019116847738589074
10 0.05646622429674357
EOD
$data1 << EOD
1 0.004525696000143964
2 0.004454940737205534
3 0.005351051366110773
4 0.005311238951509579
5 0.005586418886003324
6 0.005242559991855387
7 0.005744881704583107
8 0.004848615043886796
9 0.0060298738559563395
10 0.05463237793626056
EOD
plot $data0 using 1:2 with linespoints lc rgb '#a50f15' lw 2 pt 7 ps 1.2 title 'sigmoid', \
     $data1 using 1:2 with linespoints lc rgb '#08306b' lw 2 pt 5 ps 1.2 title 'ReLU'
unset output
