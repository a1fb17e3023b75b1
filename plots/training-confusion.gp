# Confusion matrix of a wider CNN on the test images
# Written by Teach. Draw it again from the package's root with: gnuplot <this file>
set encoding utf8
set terminal pngcairo size 800,560 noenhanced font 'DejaVu Sans,11'
set output 'plots/training-confusion.png'
set title 'Confusion matrix of a wider CNN on the test images'
set xlabel 'predicted class'
set ylabel 'true class'
set xrange [-0.5:9.5]
set yrange [-9.5:0.5]
set xtics ('0' 0, '1' 1, '2' 2, '3' 3, '4' 4, '5' 5, '6' 6, '7' 7, '8' 8, '9' 9)
set ytics ('T-shirt/top 0' 0, 'Trouser 1' -1, 'Pullover 2' -2, 'Dress 3' -3, 'Coat 4' -4, 'Sandal 5' -5, 'Shirt 6' -6, 'Sneaker 7' -7, 'Bag 8' -8, 'Ankle boot 9' -9)
set size ratio -1
set grid lc rgb '#dddddd'
unset key
set label '69' at 0,0 front
set label '0' at 1,0 front
set label '2' at 2,0 front
set label '6' at 3,0 front
set label '2' at 4,0 front
set label '0' at 5,0 front
set label '21' at 6,0 front
set label '0' at 7,0 front
set label '0' at 8,0 front
set label '0' at 9,0 front
set label '0' at 0,-1 front
set label '98' at 1,-1 front
set label '0' at 2,-1 front
set label '1' at 3,-1 front
set label '1' at 4,-1 front
set label '0' at 5,-1 front
set label '0' at 6,-1 front
set label '0' at 7,-1 front
set label '0' at 8,-1 front
set label '0' at 9,-1 front
set label '2' at 0,-2 front
set label '0' at 1,-2 front
set label '80' at 2,-2 front
set label '0' at 3,-2 front
set label '9' at 4,-2 front
set label '0' at 5,-2 front
set label '8' at 6,-2 front
set label '0' at 7,-2 front
set label '1' at 8,-2 front
set label '0' at 9,-2 front
set label '1' at 0,-3 front
set label '1' at 1,-3 front
set label '1' at 2,-3 front
set label '84' at 3,-3 front
set label '4' at 4,-3 front
set label '0' at 5,-3 front
set label '9' at 6,-3 front
set label '0' at 7,-3 front
set label '0' at 8,-3 front
set label '0' at 9,-3 front
set label '0' at 0,-4 front
set label '0' at 1,-4 front
set label '12' at 2,-4 front
set label '2' at 3,-4 front
set label '69' at 4,-4 front
set label '0' at 5,-4 front
set label '17' at 6,-4 front
set label '0' at 7,-4 front
set label '0' at 8,-4 front
set label '0' at 9,-4 front
set label '0' at 0,-5 front
set label '0' at 1,-5 front
set label '0' at 2,-5 front
set label '0' at 3,-5 front
set label '0' at 4,-5 front
set label '94' at 5,-5 front
set label '0' at 6,-5 front
set label '2' at 7,-5 front
set label '0' at 8,-5 front
set label '4' at 9,-5 front
set label '9' at 0,-6 front
set label '0' at 1,-6 front
set label '10' at 2,-6 front
set label '0' at 3,-6 front
set label '10' at 4,-6 front
set label '0' at 5,-6 front
set label '69' at 6,-6 front
set label '0' at 7,-6 front
set label '2' at 8,-6 front
set label '0' at 9,-6 front
set label '0' at 0,-7 front
set label '0' at 1,-7 front
set label '0' at 2,-7 front
set label '0' at 3,-7 front
set label '0' at 4,-7 front
set label '1' at 5,-7 front
set label '0' at 6,-7 front
set label '95' at 7,-7 front
set label '0' at 8,-7 front
set label '4' at 9,-7 front
set label '0' at 0,-8 front
set label '0' at 1,-8 front
set label '3' at 2,-8 front
set label '3' at 3,-8 front
set label '0' at 4,-8 front
set label '0' at 5,-8 front
set label '1' at 6,-8 front
set label '1' at 7,-8 front
set label '92' at 8,-8 front
set label '0' at 9,-8 front
set label '0' at 0,-9 front
set label '0' at 1,-9 front
set label '0' at 2,-9 front
set label '0' at 3,-9 front
set label '0' at 4,-9 front
set label '2' at 5,-9 front
set label '0' at 6,-9 front
set label '5' at 7,-9 front
set label '0' at 8,-9 front
set label '93' at 9,-9 front
set palette defined (0 '#ffffff', 1 '#08306b')
unset colorbox
$heat << EOD
0 0 69
1 0 0
2 0 2
3 0 6
4 0 2
5 0 0
6 0 21
7 0 0
8 0 0
9 0 0

0 -1 0
1 -1 98
2 -1 0
3 -1 1
4 -1 1
5 -1 0
6 -1 0
7 -1 0
8 -1 0
9 -1 0

0 -2 2
1 -2 0
2 -2 80
3 -2 0
4 -2 9
5 -2 0
6 -2 8
7 -2 0
8 -2 1
9 -2 0

0 -3 1
1 -3 1
2 -3 1
3 -3 84
4 -3 4
5 -3 0
6 -3 9
7 -3 0
8 -3 0
9 -3 0

0 -4 0
1 -4 0
2 -4 12
3 -4 2
4 -4 69
5 -4 0
6 -4 17
7 -4 0
8 -4 0
9 -4 0

0 -5 0
1 -5 0
2 -5 0
3 -5 0
4 -5 0
5 -5 94
6 -5 0
7 -5 2
8 -5 0
9 -5 4

0 -6 9
1 -6 0
2 -6 10
3 -6 0
4 -6 10
5 -6 0
6 -6 69
7 -6 0
8 -6 2
9 -6 0

0 -7 0
1 -7 0
2 -7 0
3 -7 0
4 -7 0
5 -7 1
6 -7 0
7 -7 95
8 -7 0
9 -7 4

0 -8 0
1 -8 0
2 -8 3
3 -8 3
4 -8 0
5 -8 0
6 -8 1
7 -8 1
8 -8 92
9 -8 0

0 -9 0
1 -9 0
2 -9 0
3 -9 0
4 -9 0
5 -9 2
6 -9 0
7 -9 5
8 -9 0
9 -9 93

EOD
plot $heat using 1:2:3 with image notitle
unset output
