# AlexNet: parameters per layer
# Written by Teach. Draw it again from the package's root with: gnuplot <this file>
set encoding utf8
set terminal pngcairo size 800,560 noenhanced font 'DejaVu Sans,11'
set output 'plots/alexnet-parameters.png'
set title 'AlexNet: parameters per layer'
set xlabel 'layer'
set ylabel 'parameters (millions)'
set xrange [0.5:13.5]
set xtics 1
set grid lc rgb '#dddddd'
unset key
$data0 << EOD
1 0.034944
2 0
3 0.614656
4 0
5 0.88512
6 1.327488
7 0.884992
8 0
9 0
10 37.752832
11 16.781312
12 4.097
13 0
EOD
plot $data0 using 1:2 with impulses lc rgb '#08306b' lw 12 title 'parameters'
unset output
