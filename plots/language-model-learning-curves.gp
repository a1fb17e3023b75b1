# 
# Written by Teach. Draw it again from the package's root with: gnuplot <this file>
set encoding utf8
set terminal pngcairo size 1100,460 noenhanced font 'DejaVu Sans,11'
set output 'plots/language-model-learning-curves.png'
set multiplot layout 1,2 title ''
reset
set title 'training batches (mean of 10 updates)'
set xlabel 'weight updates'
set ylabel 'NLL per character (nats)'
set grid lc rgb '#dddddd'
set key top right
$p0data0 << EOD
10 3.0012861808141076
20 2.701750898361206
30 2.610995244979858
40 2.514243229230245
50 2.4825797637303673
60 2.426717686653137
70 2.3959108591079716
80 2.394803031285604
90 2.3804957071940103
100 2.349448355038961
110 2.306810593605042
120 2.322533917427063
130 2.313670452435811
140 2.326939304669698
150 2.3218169927597048
EOD
$p0data1 << EOD
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
$p0data2 << EOD
10 3.0185389598210657
20 2.7593980550765993
30 2.601916718482971
40 2.5461906512578323
50 2.465401204427083
60 2.419237764676412
70 2.396850411097209
80 2.3613081296284997
90 2.3596789518992103
100 2.358789308865865
110 2.284095009167989
120 2.298853230476379
130 2.292382860183716
140 2.2923410813013714
150 2.2753807067871095
EOD
$p0data3 << EOD
0 2.4745559859483204
150 2.4745559859483204
EOD
plot $p0data0 using 1:2 with lines lc rgb '#1f77b4' lw 2 title 'RNN', \
     $p0data1 using 1:2 with lines lc rgb '#d62728' lw 2 title 'LSTM', \
     $p0data2 using 1:2 with lines lc rgb '#2ca02c' lw 2 title 'GRU', \
     $p0data3 using 1:2 with lines lc rgb '#7f7f7f' lw 2 dt 2 title 'bigram model'
reset
set title 'validation words, after each epoch'
set xlabel 'epoch (0: untrained)'
set ylabel 'NLL per character (nats)'
set xtics 1
set grid lc rgb '#dddddd'
set key top right
$p1data0 << EOD
0 3.350318431854248
1 2.4374938011169434
2 2.328902324040731
3 2.2919647693634033
EOD
$p1data1 << EOD
0 3.3083295027414956
1 2.437159299850464
2 2.32507586479187
3 2.2644667625427246
EOD
$p1data2 << EOD
0 3.2986928621927896
1 2.4254376888275146
2 2.318989117940267
3 2.2684460481007895
EOD
$p1data3 << EOD
0 2.481137596914599
3 2.481137596914599
EOD
plot $p1data0 using 1:2 with linespoints lc rgb '#1f77b4' lw 2 pt 7 ps 0.8 title 'RNN', \
     $p1data1 using 1:2 with linespoints lc rgb '#d62728' lw 2 pt 7 ps 0.8 title 'LSTM', \
     $p1data2 using 1:2 with linespoints lc rgb '#2ca02c' lw 2 pt 7 ps 0.8 title 'GRU', \
     $p1data3 using 1:2 with lines lc rgb '#7f7f7f' lw 2 dt 2 title 'bigram model'
unset multiplot
unset output
