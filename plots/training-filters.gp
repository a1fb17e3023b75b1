# The 25 filters of the article's CNN's first layer after training
# Written by Teach. Draw it again from the package's root with: gnuplot <this file>
set encoding utf8
set terminal pngcairo size 850,910 noenhanced font 'DejaVu Sans,11'
set output 'plots/training-filters.png'
set multiplot layout 5,5 title 'The 25 filters of the article''s CNN''s first layer after training'
reset
set title '1'
set xlabel ''
set ylabel ''
set xrange [-0.5:4.5]
set yrange [-4.5:0.5]
unset xtics
unset ytics
set size ratio -1
set grid lc rgb '#dddddd'
unset key
set palette defined (0 '#000000', 1 '#ffffff')
set cbrange [-0.909440815448761:0.909440815448761]
unset colorbox
$p0heat << EOD
0 0 0.185067
1 0 -0.28066
2 0 0.279074
3 0 0.226757
4 0 -0.359035

0 -1 0.125151
1 -1 0.11421
2 -1 0.3819
3 -1 0.21402
4 -1 0.127491

0 -2 -0.369405
1 -2 0.0964058
2 -2 0.0649228
3 -2 -0.00798198
4 -2 -0.370273

0 -3 -0.0965483
1 -3 -0.401064
2 -3 -0.44722
3 -3 0.286518
4 -3 -0.150478

0 -4 -0.406734
1 -4 0.0231982
2 -4 0.54345
3 -4 -0.486573
4 -4 -0.0979599

EOD
plot $p0heat using 1:2:3 with image notitle
reset
set title '2'
set xlabel ''
set ylabel ''
set xrange [-0.5:4.5]
set yrange [-4.5:0.5]
unset xtics
unset ytics
set size ratio -1
set grid lc rgb '#dddddd'
unset key
set palette defined (0 '#000000', 1 '#ffffff')
set cbrange [-0.909440815448761:0.909440815448761]
unset colorbox
$p1heat << EOD
0 0 0.0395573
1 0 -0.244696
2 0 0.0718725
3 0 -0.336911
4 0 -0.497603

0 -1 0.0703197
1 -1 0.285199
2 -1 -0.286802
3 -1 -0.364274
4 -1 0.273988

0 -2 0.485243
1 -2 0.317548
2 -2 -0.0363989
3 -2 -0.236761
4 -2 0.28993

0 -3 0.909441
1 -3 0.14537
2 -3 0.25845
3 -3 -0.162826
4 -3 0.261245

0 -4 0.1256
1 -4 -0.15071
2 -4 0.373954
3 -4 0.395727
4 -4 0.0282212

EOD
plot $p1heat using 1:2:3 with image notitle
reset
set title '3'
set xlabel ''
set ylabel ''
set xrange [-0.5:4.5]
set yrange [-4.5:0.5]
unset xtics
unset ytics
set size ratio -1
set grid lc rgb '#dddddd'
unset key
set palette defined (0 '#000000', 1 '#ffffff')
set cbrange [-0.909440815448761:0.909440815448761]
unset colorbox
$p2heat << EOD
0 0 0.237744
1 0 0.120049
2 0 -0.100826
3 0 -0.065225
4 0 0.0757365

0 -1 -0.711117
1 -1 0.536324
2 -1 -0.0964155
3 -1 -0.139399
4 -1 -0.19321

0 -2 0.110033
1 -2 -0.13687
2 -2 0.0885409
3 -2 0.422772
4 -2 -0.235689

0 -3 0.386319
1 -3 0.550829
2 -3 0.177002
3 -3 -0.371806
4 -3 -0.415374

0 -4 0.028757
1 -4 -0.0911678
2 -4 -0.0761216
3 -4 0.176576
4 -4 -0.335453

EOD
plot $p2heat using 1:2:3 with image notitle
reset
set title '4'
set xlabel ''
set ylabel ''
set xrange [-0.5:4.5]
set yrange [-4.5:0.5]
unset xtics
unset ytics
set size ratio -1
set grid lc rgb '#dddddd'
unset key
set palette defined (0 '#000000', 1 '#ffffff')
set cbrange [-0.909440815448761:0.909440815448761]
unset colorbox
$p3heat << EOD
0 0 0.239533
1 0 -0.435576
2 0 -0.0372685
3 0 0.329934
4 0 -0.216561

0 -1 -0.0716049
1 -1 0.234364
2 -1 -0.317315
3 -1 -0.263033
4 -1 0.355562

0 -2 -0.117914
1 -2 0.0331957
2 -2 0.420354
3 -2 0.400102
4 -2 -0.151005

0 -3 -0.103517
1 -3 -0.0521953
2 -3 -0.249339
3 -3 0.61278
4 -3 -0.272184

0 -4 -0.150555
1 -4 0.324448
2 -4 0.0931431
3 -4 0.120872
4 -4 0.203823

EOD
plot $p3heat using 1:2:3 with image notitle
reset
set title '5'
set xlabel ''
set ylabel ''
set xrange [-0.5:4.5]
set yrange [-4.5:0.5]
unset xtics
unset ytics
set size ratio -1
set grid lc rgb '#dddddd'
unset key
set palette defined (0 '#000000', 1 '#ffffff')
set cbrange [-0.909440815448761:0.909440815448761]
unset colorbox
$p4heat << EOD
0 0 0.0182565
1 0 0.0232943
2 0 -0.0353946
3 0 0.308763
4 0 -0.3227

0 -1 0.113649
1 -1 -0.0572742
2 -1 -0.242135
3 -1 -0.57868
4 -1 0.0554345

0 -2 0.6874
1 -2 -0.184213
2 -2 -0.125873
3 -2 -0.458809
4 -2 0.718793

0 -3 -0.0279533
1 -3 -0.000332514
2 -3 -0.218138
3 -3 -0.184956
4 -3 -0.361422

0 -4 0.205873
1 -4 -0.0405431
2 -4 -0.119652
3 -4 -0.124272
4 -4 0.0915821

EOD
plot $p4heat using 1:2:3 with image notitle
reset
set title '6'
set xlabel ''
set ylabel ''
set xrange [-0.5:4.5]
set yrange [-4.5:0.5]
unset xtics
unset ytics
set size ratio -1
set grid lc rgb '#dddddd'
unset key
set palette defined (0 '#000000', 1 '#ffffff')
set cbrange [-0.909440815448761:0.909440815448761]
unset colorbox
$p5heat << EOD
0 0 0.182094
1 0 -0.297732
2 0 0.072419
3 0 0.129198
4 0 0.256362

0 -1 -0.0707681
1 -1 -0.755188
2 -1 0.331436
3 -1 0.192387
4 -1 0.236874

0 -2 0.323015
1 -2 -0.124244
2 -2 -0.163552
3 -2 0.289744
4 -2 0.0982452

0 -3 -0.246793
1 -3 0.1747
2 -3 0.116096
3 -3 0.207466
4 -3 0.113135

0 -4 0.0917482
1 -4 -0.101529
2 -4 0.14068
3 -4 0.0686285
4 -4 0.134763

EOD
plot $p5heat using 1:2:3 with image notitle
reset
set title '7'
set xlabel ''
set ylabel ''
set xrange [-0.5:4.5]
set yrange [-4.5:0.5]
unset xtics
unset ytics
set size ratio -1
set grid lc rgb '#dddddd'
unset key
set palette defined (0 '#000000', 1 '#ffffff')
set cbrange [-0.909440815448761:0.909440815448761]
unset colorbox
$p6heat << EOD
0 0 0.194328
1 0 -0.0457101
2 0 0.61045
3 0 -0.0974724
4 0 0.0518746

0 -1 0.262425
1 -1 0.0997148
2 -1 0.164848
3 -1 0.0938555
4 -1 0.140835

0 -2 -0.0220678
1 -2 -0.108925
2 -2 -0.252676
3 -2 0.112224
4 -2 0.2572

0 -3 -0.496974
1 -3 0.333107
2 -3 0.18651
3 -3 0.368137
4 -3 0.518068

0 -4 0.462301
1 -4 -0.235031
2 -4 0.138797
3 -4 0.359148
4 -4 -0.299858

EOD
plot $p6heat using 1:2:3 with image notitle
reset
set title '8'
set xlabel ''
set ylabel ''
set xrange [-0.5:4.5]
set yrange [-4.5:0.5]
unset xtics
unset ytics
set size ratio -1
set grid lc rgb '#dddddd'
unset key
set palette defined (0 '#000000', 1 '#ffffff')
set cbrange [-0.909440815448761:0.909440815448761]
unset colorbox
$p7heat << EOD
0 0 -0.595701
1 0 -0.267027
2 0 -0.572777
3 0 0.147469
4 0 -0.0281344

0 -1 -0.405641
1 -1 -0.406394
2 -1 0.580739
3 -1 0.135448
4 -1 0.568624

0 -2 0.17872
1 -2 -0.30434
2 -2 -0.0569019
3 -2 0.0720386
4 -2 0.285923

0 -3 -0.012763
1 -3 0.204675
2 -3 0.0938406
3 -3 0.124512
4 -3 0.0966482

0 -4 0.354288
1 -4 0.0940995
2 -4 0.187466
3 -4 0.39286
4 -4 0.107542

EOD
plot $p7heat using 1:2:3 with image notitle
reset
set title '9'
set xlabel ''
set ylabel ''
set xrange [-0.5:4.5]
set yrange [-4.5:0.5]
unset xtics
unset ytics
set size ratio -1
set grid lc rgb '#dddddd'
unset key
set palette defined (0 '#000000', 1 '#ffffff')
set cbrange [-0.909440815448761:0.909440815448761]
unset colorbox
$p8heat << EOD
0 0 -0.0557575
1 0 -0.0710538
2 0 0.232854
3 0 0.0133349
4 0 -0.00221334

0 -1 -0.0666576
1 -1 -0.564524
2 -1 0.200921
3 -1 0.134739
4 -1 0.275429

0 -2 -0.197141
1 -2 -0.608966
2 -2 0.162385
3 -2 -0.0506555
4 -2 0.0270127

0 -3 0.309372
1 -3 0.100899
2 -3 -0.414114
3 -3 0.175693
4 -3 0.310916

0 -4 -0.345004
1 -4 -0.187198
2 -4 -0.773688
3 -4 -0.130606
4 -4 0.524069

EOD
plot $p8heat using 1:2:3 with image notitle
reset
set title '10'
set xlabel ''
set ylabel ''
set xrange [-0.5:4.5]
set yrange [-4.5:0.5]
unset xtics
unset ytics
set size ratio -1
set grid lc rgb '#dddddd'
unset key
set palette defined (0 '#000000', 1 '#ffffff')
set cbrange [-0.909440815448761:0.909440815448761]
unset colorbox
$p9heat << EOD
0 0 -0.260551
1 0 -0.581948
2 0 -0.255443
3 0 0.323862
4 0 -0.131242

0 -1 -0.206662
1 -1 0.482048
2 -1 -0.236306
3 -1 -0.254349
4 -1 0.26711

0 -2 -0.233972
1 -2 -0.00591282
2 -2 0.134099
3 -2 0.392352
4 -2 0.328814

0 -3 -0.190695
1 -3 0.0213107
2 -3 -0.282827
3 -3 -0.60671
4 -3 0.303493

0 -4 0.685155
1 -4 0.236529
2 -4 -0.00239359
3 -4 -0.181856
4 -4 -0.105424

EOD
plot $p9heat using 1:2:3 with image notitle
reset
set title '11'
set xlabel ''
set ylabel ''
set xrange [-0.5:4.5]
set yrange [-4.5:0.5]
unset xtics
unset ytics
set size ratio -1
set grid lc rgb '#dddddd'
unset key
set palette defined (0 '#000000', 1 '#ffffff')
set cbrange [-0.909440815448761:0.909440815448761]
unset colorbox
$p10heat << EOD
0 0 0.254387
1 0 -0.390028
2 0 -0.37293
3 0 -0.361888
4 0 0.270501

0 -1 0.0430458
1 -1 0.133717
2 -1 0.0668638
3 -1 -0.214926
4 -1 -0.341469

0 -2 0.296351
1 -2 0.188419
2 -2 -0.185261
3 -2 -0.338019
4 -2 -0.448376

0 -3 -0.0206516
1 -3 0.027213
2 -3 -0.0818313
3 -3 0.175723
4 -3 0.021781

0 -4 0.40488
1 -4 0.428679
2 -4 0.142383
3 -4 0.060004
4 -4 -0.0825004

EOD
plot $p10heat using 1:2:3 with image notitle
reset
set title '12'
set xlabel ''
set ylabel ''
set xrange [-0.5:4.5]
set yrange [-4.5:0.5]
unset xtics
unset ytics
set size ratio -1
set grid lc rgb '#dddddd'
unset key
set palette defined (0 '#000000', 1 '#ffffff')
set cbrange [-0.909440815448761:0.909440815448761]
unset colorbox
$p11heat << EOD
0 0 0.0436384
1 0 -0.669537
2 0 -0.187926
3 0 -0.514061
4 0 -0.0807251

0 -1 -0.244821
1 -1 -0.000428875
2 -1 0.174239
3 -1 0.146619
4 -1 0.613543

0 -2 -0.407554
1 -2 -0.637958
2 -2 0.0774807
3 -2 -0.65257
4 -2 0.0479608

0 -3 0.218519
1 -3 -0.113968
2 -3 0.201199
3 -3 0.328874
4 -3 0.167782

0 -4 -0.051254
1 -4 -0.207846
2 -4 0.0923699
3 -4 -0.15147
4 -4 0.117054

EOD
plot $p11heat using 1:2:3 with image notitle
reset
set title '13'
set xlabel ''
set ylabel ''
set xrange [-0.5:4.5]
set yrange [-4.5:0.5]
unset xtics
unset ytics
set size ratio -1
set grid lc rgb '#dddddd'
unset key
set palette defined (0 '#000000', 1 '#ffffff')
set cbrange [-0.909440815448761:0.909440815448761]
unset colorbox
$p12heat << EOD
0 0 -0.0272815
1 0 -0.138087
2 0 0.527659
3 0 0.407369
4 0 0.206432

0 -1 0.188923
1 -1 -0.507481
2 -1 -0.0568221
3 -1 0.0499812
4 -1 0.0807647

0 -2 0.212158
1 -2 -0.516028
2 -2 -0.218419
3 -2 -0.315871
4 -2 0.326069

0 -3 0.145833
1 -3 -0.164574
2 -3 0.0627773
3 -3 0.0703823
4 -3 -0.227851

0 -4 0.12613
1 -4 -0.132747
2 -4 -0.184958
3 -4 0.441993
4 -4 -0.363458

EOD
plot $p12heat using 1:2:3 with image notitle
reset
set title '14'
set xlabel ''
set ylabel ''
set xrange [-0.5:4.5]
set yrange [-4.5:0.5]
unset xtics
unset ytics
set size ratio -1
set grid lc rgb '#dddddd'
unset key
set palette defined (0 '#000000', 1 '#ffffff')
set cbrange [-0.909440815448761:0.909440815448761]
unset colorbox
$p13heat << EOD
0 0 -0.39534
1 0 -0.29641
2 0 0.0599088
3 0 0.233982
4 0 -0.115603

0 -1 0.258512
1 -1 0.207176
2 -1 0.146644
3 -1 -0.180184
4 -1 0.124089

0 -2 0.0384139
1 -2 -0.0280043
2 -2 -0.205653
3 -2 0.084148
4 -2 0.312536

0 -3 -0.0642747
1 -3 -0.338259
2 -3 -0.0942428
3 -3 -0.0101901
4 -3 0.076159

0 -4 0.189891
1 -4 0.115197
2 -4 0.300767
3 -4 -0.173194
4 -4 0.266849

EOD
plot $p13heat using 1:2:3 with image notitle
reset
set title '15'
set xlabel ''
set ylabel ''
set xrange [-0.5:4.5]
set yrange [-4.5:0.5]
unset xtics
unset ytics
set size ratio -1
set grid lc rgb '#dddddd'
unset key
set palette defined (0 '#000000', 1 '#ffffff')
set cbrange [-0.909440815448761:0.909440815448761]
unset colorbox
$p14heat << EOD
0 0 0.115737
1 0 -0.663261
2 0 0.523637
3 0 -0.105324
4 0 0.268097

0 -1 0.135796
1 -1 -0.0106386
2 -1 0.43583
3 -1 -0.0945956
4 -1 -0.213605

0 -2 -0.518571
1 -2 0.453738
2 -2 -0.0298565
3 -2 0.297192
4 -2 0.312228

0 -3 -0.266977
1 -3 0.308845
2 -3 -0.218677
3 -3 0.260937
4 -3 0.671922

0 -4 0.380918
1 -4 0.264931
2 -4 0.337261
3 -4 0.195004
4 -4 0.302679

EOD
plot $p14heat using 1:2:3 with image notitle
reset
set title '16'
set xlabel ''
set ylabel ''
set xrange [-0.5:4.5]
set yrange [-4.5:0.5]
unset xtics
unset ytics
set size ratio -1
set grid lc rgb '#dddddd'
unset key
set palette defined (0 '#000000', 1 '#ffffff')
set cbrange [-0.909440815448761:0.909440815448761]
unset colorbox
$p15heat << EOD
0 0 -0.0819611
1 0 -0.0228569
2 0 -0.0702906
3 0 0.084199
4 0 0.0197796

0 -1 0.130518
1 -1 0.166615
2 -1 -0.0217231
3 -1 -0.049318
4 -1 -0.113623

0 -2 0.119541
1 -2 -0.330427
2 -2 0.49911
3 -2 -0.194085
4 -2 -0.0728326

0 -3 0.513033
1 -3 -0.0642434
2 -3 -0.477232
3 -3 -0.195437
4 -3 -0.0645429

0 -4 -0.0471764
1 -4 -0.536279
2 -4 0.150732
3 -4 0.428784
4 -4 0.407761

EOD
plot $p15heat using 1:2:3 with image notitle
reset
set title '17'
set xlabel ''
set ylabel ''
set xrange [-0.5:4.5]
set yrange [-4.5:0.5]
unset xtics
unset ytics
set size ratio -1
set grid lc rgb '#dddddd'
unset key
set palette defined (0 '#000000', 1 '#ffffff')
set cbrange [-0.909440815448761:0.909440815448761]
unset colorbox
$p16heat << EOD
0 0 0.450098
1 0 0.0902543
2 0 0.0452817
3 0 0.464879
4 0 -0.198428

0 -1 -0.236729
1 -1 0.0585525
2 -1 0.433601
3 -1 0.130023
4 -1 -0.291876

0 -2 0.446936
1 -2 0.269274
2 -2 0.167644
3 -2 0.156036
4 -2 0.0412427

0 -3 0.0659008
1 -3 0.0138196
2 -3 0.0447819
3 -3 0.280901
4 -3 0.118884

0 -4 0.0462732
1 -4 -0.173492
2 -4 0.241414
3 -4 -0.403796
4 -4 0.648076

EOD
plot $p16heat using 1:2:3 with image notitle
reset
set title '18'
set xlabel ''
set ylabel ''
set xrange [-0.5:4.5]
set yrange [-4.5:0.5]
unset xtics
unset ytics
set size ratio -1
set grid lc rgb '#dddddd'
unset key
set palette defined (0 '#000000', 1 '#ffffff')
set cbrange [-0.909440815448761:0.909440815448761]
unset colorbox
$p17heat << EOD
0 0 -0.332553
1 0 0.203664
2 0 -0.653135
3 0 -0.592841
4 0 -0.13367

0 -1 0.120169
1 -1 0.0112751
2 -1 0.316249
3 -1 0.180074
4 -1 0.2599

0 -2 -0.000751889
1 -2 0.117312
2 -2 -0.0366753
3 -2 0.16279
4 -2 -0.00579973

0 -3 -0.5962
1 -3 -0.330125
2 -3 0.161074
3 -3 -0.551736
4 -3 0.209576

0 -4 -0.0563226
1 -4 -0.287828
2 -4 0.107262
3 -4 -0.181186
4 -4 0.10343

EOD
plot $p17heat using 1:2:3 with image notitle
reset
set title '19'
set xlabel ''
set ylabel ''
set xrange [-0.5:4.5]
set yrange [-4.5:0.5]
unset xtics
unset ytics
set size ratio -1
set grid lc rgb '#dddddd'
unset key
set palette defined (0 '#000000', 1 '#ffffff')
set cbrange [-0.909440815448761:0.909440815448761]
unset colorbox
$p18heat << EOD
0 0 0.39457
1 0 -0.46064
2 0 -0.395422
3 0 0.240202
4 0 0.116026

0 -1 -0.0494267
1 -1 -0.0444535
2 -1 0.194683
3 -1 -0.01689
4 -1 -0.119723

0 -2 0.0982675
1 -2 0.326146
2 -2 -0.0952309
3 -2 0.0474216
4 -2 -0.0556791

0 -3 0.46466
1 -3 0.518726
2 -3 0.251184
3 -3 -0.142503
4 -3 0.322754

0 -4 -0.28293
1 -4 -0.796746
2 -4 0.21857
3 -4 -0.123081
4 -4 0.153163

EOD
plot $p18heat using 1:2:3 with image notitle
reset
set title '20'
set xlabel ''
set ylabel ''
set xrange [-0.5:4.5]
set yrange [-4.5:0.5]
unset xtics
unset ytics
set size ratio -1
set grid lc rgb '#dddddd'
unset key
set palette defined (0 '#000000', 1 '#ffffff')
set cbrange [-0.909440815448761:0.909440815448761]
unset colorbox
$p19heat << EOD
0 0 0.151312
1 0 -0.00242495
2 0 0.265631
3 0 0.348337
4 0 -0.0643864

0 -1 0.112721
1 -1 0.2025
2 -1 -0.0854324
3 -1 0.258852
4 -1 -0.0931008

0 -2 0.179434
1 -2 -0.014561
2 -2 0.0319441
3 -2 -0.143327
4 -2 0.60885

0 -3 -0.205682
1 -3 -0.466419
2 -3 -0.196249
3 -3 -0.358803
4 -3 0.180116

0 -4 -0.285697
1 -4 -0.267868
2 -4 0.120649
3 -4 0.116049
4 -4 -0.0100375

EOD
plot $p19heat using 1:2:3 with image notitle
reset
set title '21'
set xlabel ''
set ylabel ''
set xrange [-0.5:4.5]
set yrange [-4.5:0.5]
unset xtics
unset ytics
set size ratio -1
set grid lc rgb '#dddddd'
unset key
set palette defined (0 '#000000', 1 '#ffffff')
set cbrange [-0.909440815448761:0.909440815448761]
unset colorbox
$p20heat << EOD
0 0 -0.294545
1 0 -0.8515
2 0 -0.0575532
3 0 -0.394622
4 0 -0.276753

0 -1 0.550409
1 -1 0.370997
2 -1 -0.0430297
3 -1 -0.0707708
4 -1 -0.0146258

0 -2 0.251153
1 -2 0.192313
2 -2 -0.180912
3 -2 -0.0404068
4 -2 0.143774

0 -3 0.0157873
1 -3 0.0127334
2 -3 -0.0465431
3 -3 0.237184
4 -3 0.312072

0 -4 -0.346284
1 -4 -0.0572322
2 -4 0.158925
3 -4 0.258102
4 -4 -0.249403

EOD
plot $p20heat using 1:2:3 with image notitle
reset
set title '22'
set xlabel ''
set ylabel ''
set xrange [-0.5:4.5]
set yrange [-4.5:0.5]
unset xtics
unset ytics
set size ratio -1
set grid lc rgb '#dddddd'
unset key
set palette defined (0 '#000000', 1 '#ffffff')
set cbrange [-0.909440815448761:0.909440815448761]
unset colorbox
$p21heat << EOD
0 0 0.259256
1 0 -0.0111205
2 0 -0.0948759
3 0 0.330905
4 0 0.157448

0 -1 -0.376505
1 -1 0.308657
2 -1 -0.24519
3 -1 -0.271042
4 -1 -0.0610706

0 -2 0.369401
1 -2 0.216089
2 -2 -0.405921
3 -2 -0.108425
4 -2 0.338969

0 -3 -0.116907
1 -3 0.17456
2 -3 -0.552373
3 -3 0.101444
4 -3 0.517391

0 -4 0.364029
1 -4 -0.0833975
2 -4 0.0864381
3 -4 -0.264443
4 -4 0.168869

EOD
plot $p21heat using 1:2:3 with image notitle
reset
set title '23'
set xlabel ''
set ylabel ''
set xrange [-0.5:4.5]
set yrange [-4.5:0.5]
unset xtics
unset ytics
set size ratio -1
set grid lc rgb '#dddddd'
unset key
set palette defined (0 '#000000', 1 '#ffffff')
set cbrange [-0.909440815448761:0.909440815448761]
unset colorbox
$p22heat << EOD
0 0 -0.0760946
1 0 -0.0664453
2 0 -0.142044
3 0 0.0310961
4 0 0.0797047

0 -1 -0.00966836
1 -1 -0.334868
2 -1 0.714363
3 -1 0.0407977
4 -1 0.381183

0 -2 -0.0830572
1 -2 0.543274
2 -2 0.142908
3 -2 -0.428231
4 -2 0.40071

0 -3 -0.211884
1 -3 0.393048
2 -3 -0.255583
3 -3 0.43931
4 -3 0.230819

0 -4 -0.393793
1 -4 -0.331098
2 -4 0.351677
3 -4 0.166424
4 -4 -0.170978

EOD
plot $p22heat using 1:2:3 with image notitle
reset
set title '24'
set xlabel ''
set ylabel ''
set xrange [-0.5:4.5]
set yrange [-4.5:0.5]
unset xtics
unset ytics
set size ratio -1
set grid lc rgb '#dddddd'
unset key
set palette defined (0 '#000000', 1 '#ffffff')
set cbrange [-0.909440815448761:0.909440815448761]
unset colorbox
$p23heat << EOD
0 0 -0.134125
1 0 -0.187786
2 0 -0.332082
3 0 -0.0285129
4 0 0.0645165

0 -1 -0.161966
1 -1 0.107382
2 -1 0.187434
3 -1 -0.117358
4 -1 -0.0336434

0 -2 -0.145244
1 -2 -0.15042
2 -2 -0.487491
3 -2 0.436713
4 -2 0.0708594

0 -3 -0.254871
1 -3 -0.429891
2 -3 0.325104
3 -3 0.563598
4 -3 -0.0323166

0 -4 -0.431623
1 -4 0.347075
2 -4 0.0859421
3 -4 -0.115616
4 -4 0.145263

EOD
plot $p23heat using 1:2:3 with image notitle
reset
set title '25'
set xlabel ''
set ylabel ''
set xrange [-0.5:4.5]
set yrange [-4.5:0.5]
unset xtics
unset ytics
set size ratio -1
set grid lc rgb '#dddddd'
unset key
set palette defined (0 '#000000', 1 '#ffffff')
set cbrange [-0.909440815448761:0.909440815448761]
unset colorbox
$p24heat << EOD
0 0 0.47386
1 0 0.203047
2 0 0.0388703
3 0 0.461398
4 0 0.213095

0 -1 0.295517
1 -1 -0.0845094
2 -1 -0.0983371
3 -1 0.31209
4 -1 -0.3741

0 -2 -0.33584
1 -2 0.0421215
2 -2 -0.326789
3 -2 -0.0714951
4 -2 -0.0887857

0 -3 -0.454808
1 -3 0.239246
2 -3 -0.194788
3 -3 0.257836
4 -3 0.021719

0 -4 0.188218
1 -4 0.399222
2 -4 0.00910823
3 -4 0.0552565
4 -4 -0.272272

EOD
plot $p24heat using 1:2:3 with image notitle
unset multiplot
unset output
