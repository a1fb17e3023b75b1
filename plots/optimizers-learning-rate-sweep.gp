# Spirals, 2-24-24-1, 20 epochs, 3 seeds
# Written by Teach. Draw it again from the package's root with: gnuplot <this file>
set encoding utf8
set terminal pngcairo size 950,560 noenhanced font 'DejaVu Sans,11'
set output 'plots/optimizers-learning-rate-sweep.png'
set title 'Spirals, 2-24-24-1, 20 epochs, 3 seeds'
set xlabel 'learning rate (log scale)'
set ylabel 'final loss (log scale)'
set xrange [0.0006666666666666666:150]
set yrange [0.05:0.7]
set ytics ('0.05' 0.05, '0.1' 0.1, '0.2' 0.2, '0.3' 0.3, '0.5' 0.5)
set logscale x
set format x '%g'
set logscale y
set format y '%g'
set grid lc rgb '#dddddd'
set key outside right top
$data0 << EOD
0.001 0.13087914105476353
0.003 0.12842827577645255
0.01 0.12229386085865568
0.03 0.11807999765515566
0.1 0.11659013716631421
0.3 0.11607072869596166
1 0.11530078841715036
10 0.1195223394188567
EOD
$data1 << EOD
0.001 0.12844224325415723
0.003 0.12669791570373473
0.01 0.1214930347195984
0.03 0.11715192936353155
0.1 0.11655414629065929
0.3 0.11541902852788356
1 0.11254223291655928
10 0.11245919389605842
EOD
$data2 << EOD
0.001 0.13170092164191405
0.003 0.1291309068823791
0.01 0.12417817017821887
0.03 0.11810153778925646
0.1 0.11706964292854581
0.3 0.11641073041338904
1 0.1153573645999105
10 0.12728403821310436
EOD
$data3 << EOD
100 0.5
EOD
$data4 << EOD
0.001 0.11597565152988876
0.003 0.11315204258891974
0.01 0.10741495559236061
0.03 0.09885993898589153
0.1 0.11509187468919992
EOD
$data5 << EOD
0.001 0.11502475336913487
0.003 0.11159431036205192
0.01 0.10455417815019982
0.03 0.08467907468108599
0.1 0.08150311623103933
EOD
$data6 << EOD
0.001 0.11605499997619477
0.003 0.11368843765581843
0.01 0.10765283258048881
0.03 0.09912006574875977
0.1 0.12281554881704336
EOD
$data7 << EOD
0.3 0.4
1 0.4
10 0.4
100 0.4
EOD
plot $data0 using 1:2 with linespoints lc rgb '#737373' lw 2 pt 7 ps 0.8 title 'SGD, median', \
     $data1 using 1:2 with lines lc rgb '#737373' lw 1.5 dt 2 title 'SGD, min and max', \
     $data2 using 1:2 with lines lc rgb '#737373' lw 1.5 dt 2 notitle, \
     $data3 using 1:2 with points lc rgb '#737373' pt 2 ps 2.5 title 'SGD, a run failed', \
     $data4 using 1:2 with linespoints lc rgb '#08306b' lw 2 pt 7 ps 0.8 title 'Adam, median', \
     $data5 using 1:2 with lines lc rgb '#08306b' lw 1.5 dt 2 title 'Adam, min and max', \
     $data6 using 1:2 with lines lc rgb '#08306b' lw 1.5 dt 2 notitle, \
     $data7 using 1:2 with points lc rgb '#08306b' pt 2 ps 2.5 title 'Adam, a run failed'
unset output
