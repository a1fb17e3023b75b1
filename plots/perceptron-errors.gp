# Perceptron mistakes per epoch
# Written by Teach. Draw it again from the package's root with: gnuplot <this file>
set encoding utf8
set terminal pngcairo size 800,560 noenhanced font 'DejaVu Sans,11'
set output 'plots/perceptron-errors.png'
set title 'Perceptron mistakes per epoch'
set xlabel 'epoch'
set ylabel 'mistakes in the epoch'
set yrange [0:4.2]
set ytics 1
set grid lc rgb '#dddddd'
set key top right
$data0 << EOD
1 1
2 1
3 1
4 1
5 1
6 0
EOD
$data1 << EOD
1 1
2 1
3 1
4 0
EOD
plot $data0 using 1:2 with linespoints lc rgb '#74c476' lw 6 pt 5 ps 2.2 title 'OR', \
     $data1 using 1:2 with linespoints lc rgb '#54278f' lw 2 dt 2 pt 7 ps 1 title 'AND'
unset output
