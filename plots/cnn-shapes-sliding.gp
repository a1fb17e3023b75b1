# One output of a 3×3 convolution, stride 1
# Written by Teach. Draw it again from the package's root with: gnuplot <this file>
set encoding utf8
set terminal pngcairo size 1300,460 noenhanced font 'DejaVu Sans,11'
set output 'plots/cnn-shapes-sliding.png'
set multiplot layout 1,3 title 'One output of a 3×3 convolution, stride 1'
reset
set title 'input 7×7 (the window: rows 1–3, columns 2–4)'
set xlabel 'column'
set ylabel 'row'
set xrange [-0.5:6.5]
set yrange [-6.5:0.5]
set xtics ('0' 0, '1' 1, '2' 2, '3' 3, '4' 4, '5' 5, '6' 6)
set ytics ('0' 0, '1' -1, '2' -2, '3' -3, '4' -4, '5' -5, '6' -6)
set size ratio -1
set grid lc rgb '#dddddd'
unset key
set label '0' at 0,0 front
set label '7' at 1,0 front
set label '4' at 2,0 front
set label '1' at 3,0 front
set label '8' at 4,0 front
set label '5' at 5,0 front
set label '2' at 6,0 front
set label '2' at 0,-1 front
set label '9' at 1,-1 front
set label '6' at 2,-1 front
set label '3' at 3,-1 front
set label '0' at 4,-1 front
set label '7' at 5,-1 front
set label '4' at 6,-1 front
set label '4' at 0,-2 front
set label '1' at 1,-2 front
set label '8' at 2,-2 front
set label '5' at 3,-2 front
set label '2' at 4,-2 front
set label '9' at 5,-2 front
set label '6' at 6,-2 front
set label '6' at 0,-3 front
set label '3' at 1,-3 front
set label '0' at 2,-3 front
set label '7' at 3,-3 front
set label '4' at 4,-3 front
set label '1' at 5,-3 front
set label '8' at 6,-3 front
set label '8' at 0,-4 front
set label '5' at 1,-4 front
set label '2' at 2,-4 front
set label '9' at 3,-4 front
set label '6' at 4,-4 front
set label '3' at 5,-4 front
set label '0' at 6,-4 front
set label '0' at 0,-5 front
set label '7' at 1,-5 front
set label '4' at 2,-5 front
set label '1' at 3,-5 front
set label '8' at 4,-5 front
set label '5' at 5,-5 front
set label '2' at 6,-5 front
set label '2' at 0,-6 front
set label '9' at 1,-6 front
set label '6' at 2,-6 front
set label '3' at 3,-6 front
set label '0' at 4,-6 front
set label '7' at 5,-6 front
set label '4' at 6,-6 front
set palette defined (0 '#ffffff', 1 '#9ecae1')
set cbrange [0:1.6]
unset colorbox
$p0heat << EOD
0 0 0
1 0 0
2 0 0
3 0 0
4 0 0
5 0 0
6 0 0

0 -1 0
1 -1 0
2 -1 1
3 -1 1
4 -1 1
5 -1 0
6 -1 0

0 -2 0
1 -2 0
2 -2 1
3 -2 1
4 -2 1
5 -2 0
6 -2 0

0 -3 0
1 -3 0
2 -3 1
3 -3 1
4 -3 1
5 -3 0
6 -3 0

0 -4 0
1 -4 0
2 -4 0
3 -4 0
4 -4 0
5 -4 0
6 -4 0

0 -5 0
1 -5 0
2 -5 0
3 -5 0
4 -5 0
5 -5 0
6 -5 0

0 -6 0
1 -6 0
2 -6 0
3 -6 0
4 -6 0
5 -6 0
6 -6 0

EOD
plot $p0heat using 1:2:3 with image notitle
reset
set title 'filter 3×3 (vertical edges)'
set xlabel 'column'
set ylabel 'row'
set xrange [-0.5:2.5]
set yrange [-2.5:0.5]
set xtics ('0' 0, '1' 1, '2' 2)
set ytics ('0' 0, '1' -1, '2' -2)
set size ratio -1
set grid lc rgb '#dddddd'
unset key
set label '1' at 0,0 front
set label '0' at 1,0 front
set label '-1' at 2,0 front
set label '1' at 0,-1 front
set label '0' at 1,-1 front
set label '-1' at 2,-1 front
set label '1' at 0,-2 front
set label '0' at 1,-2 front
set label '-1' at 2,-2 front
set palette defined (0 '#fcbba1', 1 '#c6dbef')
unset colorbox
$p1heat << EOD
0 0 1
1 0 0
2 0 -1

0 -1 1
1 -1 0
2 -1 -1

0 -2 1
1 -2 0
2 -2 -1

EOD
plot $p1heat using 1:2:3 with image notitle
reset
set title 'output 5×5 (row 1, column 2)'
set xlabel 'column'
set ylabel 'row'
set xrange [-0.5:4.5]
set yrange [-4.5:0.5]
set xtics ('0' 0, '1' 1, '2' 2, '3' 3, '4' 4)
set ytics ('0' 0, '1' -1, '2' -2, '3' -3, '4' -4)
set size ratio -1
set grid lc rgb '#dddddd'
unset key
set label '-12' at 0,0 front
set label '8' at 1,0 front
set label '8' at 2,0 front
set label '-12' at 3,0 front
set label '-2' at 4,0 front
set label '-2' at 0,-1 front
set label '-2' at 1,-1 front
set label '8' at 2,-1 front
set label '-2' at 3,-1 front
set label '-12' at 4,-1 front
set label '8' at 0,-2 front
set label '-12' at 1,-2 front
set label '-2' at 2,-2 front
set label '8' at 3,-2 front
set label '-2' at 4,-2 front
set label '8' at 0,-3 front
set label '-2' at 1,-3 front
set label '-12' at 2,-3 front
set label '8' at 3,-3 front
set label '8' at 4,-3 front
set label '-2' at 0,-4 front
set label '8' at 1,-4 front
set label '-2' at 2,-4 front
set label '-2' at 3,-4 front
set label '8' at 4,-4 front
set palette defined (0 '#ffffff', 1 '#9ecae1')
set cbrange [0:1.6]
unset colorbox
$p2heat << EOD
0 0 0
1 0 0
2 0 0
3 0 0
4 0 0

0 -1 0
1 -1 0
2 -1 1
3 -1 0
4 -1 0

0 -2 0
1 -2 0
2 -2 0
3 -2 0
4 -2 0

0 -3 0
1 -3 0
2 -3 0
3 -3 0
4 -3 0

0 -4 0
1 -4 0
2 -4 0
3 -4 0
4 -4 0

EOD
plot $p2heat using 1:2:3 with image notitle
unset multiplot
unset output
