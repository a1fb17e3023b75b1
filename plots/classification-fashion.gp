# 784-50-10 on the Fashion-MNIST sample, plain SGD (η = 0.1), 3 seeds each
# Written by Teach. Draw it again from the package's root with: gnuplot <this file>
set encoding utf8
set terminal pngcairo size 800,560 noenhanced font 'DejaVu Sans,11'
set output 'plots/classification-fashion.png'
set title '784-50-10 on the Fashion-MNIST sample, plain SGD (η = 0.1), 3 seeds each'
set xlabel 'epoch'
set ylabel 'test accuracy'
set xrange [0:20]
set yrange [0:1]
set grid lc rgb '#dddddd'
set key bottom right
$data0 << EOD
0 0.058
1 0.489
2 0.566
3 0.649
4 0.682
5 0.687
6 0.691
7 0.729
8 0.762
9 0.752
10 0.771
11 0.781
12 0.763
13 0.777
14 0.782
15 0.783
16 0.792
17 0.784
18 0.793
19 0.792
20 0.799
EOD
$data1 << EOD
0 0.096
1 0.492
2 0.591
3 0.681
4 0.71
5 0.728
6 0.733
7 0.744
8 0.763
9 0.767
10 0.764
11 0.776
12 0.778
13 0.773
14 0.787
15 0.786
16 0.788
17 0.794
18 0.797
19 0.797
20 0.781
EOD
$data2 << EOD
0 0.06
1 0.384
2 0.518
3 0.627
4 0.679
5 0.695
6 0.731
7 0.751
8 0.762
9 0.768
10 0.766
11 0.781
12 0.78
13 0.787
14 0.787
15 0.774
16 0.784
17 0.788
18 0.782
19 0.793
20 0.79
EOD
$data3 << EOD
0 0.058
1 0.681
2 0.723
3 0.743
4 0.765
5 0.776
6 0.776
7 0.781
8 0.748
9 0.792
10 0.802
11 0.797
12 0.772
13 0.81
14 0.805
15 0.807
16 0.771
17 0.744
18 0.812
19 0.789
20 0.807
EOD
$data4 << EOD
0 0.096
1 0.706
2 0.772
3 0.778
4 0.782
5 0.793
6 0.769
7 0.786
8 0.8
9 0.782
10 0.779
11 0.772
12 0.796
13 0.768
14 0.786
15 0.804
16 0.788
17 0.806
18 0.77
19 0.799
20 0.81
EOD
$data5 << EOD
0 0.06
1 0.702
2 0.729
3 0.752
4 0.757
5 0.786
6 0.776
7 0.779
8 0.79
9 0.702
10 0.801
11 0.788
12 0.797
13 0.808
14 0.809
15 0.788
16 0.808
17 0.786
18 0.801
19 0.812
20 0.817
EOD
plot $data0 using 1:2 with lines lc rgb '#a50f15' lw 2 title 'sigmoid, half squared error', \
     $data1 using 1:2 with lines lc rgb '#a50f15' lw 2 dt 2 notitle, \
     $data2 using 1:2 with lines lc rgb '#a50f15' lw 2 dt 2 notitle, \
     $data3 using 1:2 with lines lc rgb '#08306b' lw 2 title 'softmax, cross-entropy', \
     $data4 using 1:2 with lines lc rgb '#08306b' lw 2 dt 2 notitle, \
     $data5 using 1:2 with lines lc rgb '#08306b' lw 2 dt 2 notitle
unset output
