# The perceptron rule on XNOR: mistakes per epoch
# Written by Teach. Draw it again from the package's root with: gnuplot <this file>
set encoding utf8
set terminal pngcairo size 800,560 noenhanced font 'DejaVu Sans,11'
set output 'plots/gates-xnor-errors.png'
set title 'The perceptron rule on XNOR: mistakes per epoch'
set xlabel 'epoch'
set ylabel 'mistakes in the epoch'
set yrange [0:4.2]
set ytics 1
set grid lc rgb '#dddddd'
set key bottom right
$data0 << EOD
1 2
2 3
3 2
4 2
5 3
6 4
7 4
8 4
9 4
10 4
11 4
12 4
13 4
14 4
15 4
16 4
17 4
18 4
19 4
20 4
21 4
22 4
23 4
24 4
25 4
26 4
27 4
28 4
29 4
30 4
31 4
32 4
33 4
34 4
35 4
36 4
37 4
38 4
39 4
40 4
41 4
42 4
43 4
44 4
45 4
46 4
47 4
48 4
49 4
50 4
EOD
plot $data0 using 1:2 with linespoints lw 2 pt 7 ps 0.8 title 'XNOR'
unset output
