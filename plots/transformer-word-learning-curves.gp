# 
# Written by Teach. Draw it again from the package's root with: gnuplot <this file>
set encoding utf8
set terminal pngcairo size 1100,460 noenhanced font 'DejaVu Sans,11'
set output 'plots/transformer-word-learning-curves.png'
set multiplot layout 1,2 title ''
reset
set title 'training batches (mean of 10 updates)'
set xlabel 'weight updates'
set ylabel 'NLL per character (nats)'
set grid lc rgb '#dddddd'
set key top right
$p0data0 << EOD
10 3.0833696047465002
20 2.7811038176218665
30 2.630674401919047
40 2.5671664317448935
50 2.4911133527755736
60 2.4461324214935303
70 2.3981885512669883
80 2.3893916447957357
90 2.3527069409688313
100 2.3529400984446207
110 2.305835763613383
120 2.304107403755188
130 2.2791888157526654
140 2.269269315401713
150 2.289163716634115
EOD
$p0data1 << EOD
10 3.139992038408915
20 2.853054205576579
30 2.7731008132298784
40 2.733592184384664
50 2.694865918159485
60 2.626908016204834
70 2.5746353387832643
80 2.586444520950317
90 2.548727218310038
100 2.507113901774088
110 2.480733664830526
120 2.470324103037516
130 2.4898959080378216
140 2.460438911120097
150 2.470603473981222
EOD
$p0data2 << EOD
0 2.470312818257595
150 2.470312818257595
EOD
plot $p0data0 using 1:2 with lines lc rgb '#d62728' lw 2 title 'LSTM', \
     $p0data1 using 1:2 with lines lc rgb '#1f77b4' lw 2 title 'transformer', \
     $p0data2 using 1:2 with lines lc rgb '#7f7f7f' lw 2 dt 2 title 'bigram model (test)'
reset
set title 'validation words, after each epoch'
set xlabel 'epoch (0: untrained)'
set ylabel 'NLL per character (nats)'
set xtics 1
set grid lc rgb '#dddddd'
set key top right
$p1data0 << EOD
0 3.3083295027414956
1 2.437159299850464
2 2.32507586479187
3 2.2644667625427246
EOD
$p1data1 << EOD
0 3.783444801966349
1 2.6336564222971597
2 2.5092225869496665
3 2.4472052256266275
EOD
$p1data2 << EOD
0 2.470312818257595
3 2.470312818257595
EOD
plot $p1data0 using 1:2 with linespoints lc rgb '#d62728' lw 2 pt 7 ps 0.8 title 'LSTM', \
     $p1data1 using 1:2 with linespoints lc rgb '#1f77b4' lw 2 pt 7 ps 0.8 title 'transformer', \
     $p1data2 using 1:2 with lines lc rgb '#7f7f7f' lw 2 dt 2 title 'bigram model (test)'
unset multiplot
unset output
