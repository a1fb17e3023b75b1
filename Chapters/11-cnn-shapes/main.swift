// Chapter 11: convolutional networks, shape arithmetic (article 004).
import ArgumentParser
import Teach
import TeachBook

/// The chapter's choices: the first example's image and filters (the article's 32×32×3 and 5×5).
struct Knobs: ChapterKnobs {
    @Option(help: "Height and width N of the first example's square image.")
    var imageSize = 32
    @Option(help: "Channels D of the first example's image (3 for colour).")
    var channels = 3
    @Option(help: "Size F of the first example's square filters.")
    var filterSize = 5
    @Option(help: "Filters K of the first example's layer.")
    var filters = 10

    func validate() throws {
        try KnobCheck.within(1...4096, imageSize, "--image-size", "an image size")
        try KnobCheck.within(1...512, channels, "--channels", "a channel count")
        try KnobCheck.within(1...imageSize, filterSize, "--filter-size", "a filter size")
        try KnobCheck.within(1...4096, filters, "--filters", "a filter count")
    }
}

Chapter.run("cnn-shapes", knobs: Knobs.self) { chapter, knobs in
    chapter.text(
        """
        A dense layer connects every input to every unit, so a 227×227 colour image fed to 4,096 \
        units needs 633 million weights for one layer, and it treats a pixel in the corner and one \
        in the middle as unrelated inputs. A convolution layer instead slides a small filter over \
        the image and applies the *same* weights at every position: few weights, and a pattern \
        (an edge, a corner) is found wherever it appears. This chapter follows article 004's \
        arithmetic of sizes and weights, with every number computed by the package's real \
        `Conv2D` and `Pooling` layers.
        """)
    chapter.text(
        """
        The package stores images *channels-last*, as the article writes them (32×32×3): one image \
        is one row of a batch, pixel after pixel along each image row, the channels of a pixel side \
        by side (see `ImageShape`; Keras's default, where PyTorch is channels-first). A convolution \
        runs as one matrix product: *im2col* copies the input under every window position into \
        one row of a patch matrix, and `patches · W` applies all filters at all positions at once.
        """)

    chapter.section("The rules")
    chapter.formula(
        """
        input N×N×D, K filters of F×F×D, stride S, zero padding P:

        output size      = (N − F + 2P)/S + 1        (must be a whole number)
        output depth     = K                         (one feature map per filter)
        parameters       = (F·F·D)·K + K             (the filters' weights, one bias per filter)
        pooling F, S     : (N − F)/S + 1, depth kept, no parameters
        """)
    chapter.text(
        """
        Without padding the rule is `(N − F)/S + 1`; the general form is above. Each filter has the \
        input's full depth `D`, so its output at one position is a single number, and `K` filters \
        give a depth of `K`.
        """)
    chapter.sourceNote(
        """
        Article 004 says batch normalization layers appear only in old CNNs and "are not used these \
        days". It means local response normalisation, AlexNet's (chapter 12), which later networks \
        dropped; batch normalization (chapter 10) came in 2015 and is in nearly every CNN since, \
        residual networks included.
        """)

    chapter.section("The article's examples, computed")
    var random = chapter.random
    let colour = ImageShape(knobs.imageSize, knobs.channels)
    let f = knobs.filterSize, d = knobs.channels, k = knobs.filters
    let filterWindow = "\(f)×\(f)×\(d)"
    let one = try Conv2D<Double>(inputShape: colour, filters: 1, filterSize: f, using: &random)
    let ten = try Conv2D<Double>(inputShape: colour, filters: k, filterSize: f, using: &random)
    let many = k == 1 ? "One such filter gives" : "\(k.spelledOut.prefix(1).uppercased() + k.spelledOut.dropFirst()) such filters give"
    chapter.text(
        """
        A \(colour) image and one \(filterWindow) filter: the filter has \(f)·\(f)·\(d) = \(one.weights.rows) weights \
        and a bias, \(one.parameterCount) in all, and fits (\(knobs.imageSize) − \(f))/1 + 1 = \(one.outputShape.height) \
        times across and down, so the output is \(one.outputShape). \(many) \
        \(ten.outputShape), with \(ten.parameterCount) parameters.
        """)
    let firstMaps = k == 1 ? "the one map" : k == 10 ? "the ten maps" : "the \(k) maps"
    try chapter.figure(
        Figure.volumes(
            name: "volumes", title: "A \(colour) image, one \(filterWindow) window, and the \(ten.outputShape) output of \(k.spelledOut) filter\(k == 1 ? "" : "s")",
            [Volume("input", shape: .image(colour))!, Volume("\(k) feature map\(k == 1 ? "" : "s")", shape: .image(ten.outputShape))!], window: f),
        caption: "Each filter spans the input's whole depth: one \(filterWindow) window (orange) gives one number of each of \(firstMaps)")
    let articleImage = ImageShape(32, 3)
    let first = try Conv2D<Double>(inputShape: articleImage, filters: 10, filterSize: 7, using: &random)
    chapter.text(
        """
        The article's exercise: from \(articleImage), first 10 filters of 7×7 with stride 1, then 6 \
        filters of 5×5 with stride 2. What depth does each filter have, and what size is each \
        output? The first filters are 7×7×3 (the input's depth), the output is \
        (32 − 7)/1 + 1 = \(first.outputShape.height): \(first.outputShape), with \
        \(first.parameterCount.grouped) parameters. The second filters are 5×5×10, and then:
        """)
    do {
        _ = try Conv2D<Double>(inputShape: first.outputShape, filters: 6, filterSize: 5, stride: 2, using: &random)
        chapter.notice("unexpected: the second layer fits")
    } catch let error as GeometryError {
        chapter.formula(error.description)
    }
    let fittingPaddings = (0...4).filter { (try? ConvolutionGeometry.outputSize(input: 26, filter: 5, stride: 2, padding: $0)) != nil }
    let fittingFilters = (2...7).filter { (try? ConvolutionGeometry.outputSize(input: 26, filter: $0, stride: 2, padding: 0)) != nil }
    chapter.text(
        """
        The article's answer was an image that did not survive scraping; frameworks would round \
        down to 11×11×6 and silently never look at the last column and row. The package refuses, \
        because the article's own rule says such strides are not used. No padding rescues it: \
        `26 − 5 + 2P` is odd for every `P`, so \(fittingPaddings.isEmpty ? "none of P = 0…4 fits" : "P = \(fittingPaddings) fit"). \
        Filter sizes that do fit 26 with stride 2: \(fittingFilters.map { "\($0)×\($0)" }.joined(separator: ", ")).
        """)

    chapter.section("Padding keeps the size")
    let small = ImageShape(6, 1)
    let unpadded = try Conv2D<Double>(inputShape: small, filters: 1, filterSize: 3, using: &random)
    let same = ConvolutionGeometry.samePadding(filter: 3)!
    let padded = try Conv2D<Double>(inputShape: small, filters: 1, filterSize: 3, padding: same, using: &random)
    chapter.text(
        """
        A 6×6 input and a 3×3 filter give (6 − 3)/1 + 1 = \(unpadded.outputShape.height): \
        \(unpadded.outputShape.height)×\(unpadded.outputShape.width). Every layer shrinks the image, \
        which limits depth and large filters. The usual cure is stride 1 with zero padding of \
        `(F − 1)/2` = \(same) on each side: the 6×6 input becomes 8×8 with a border of zeros, and \
        the output is (6 − 3 + 2)/1 + 1 = \(padded.outputShape.height), the input's size:
        """)
    let square = Matrix<Double>(rows: 1, columns: 36) { _, i in Double(i % 6 + i / 6 + 1) }
    let border = try ZeroPadding<Double>(inputShape: small, padding: same).forward(square)
    chapter.formula((0..<8).map { r in (0..<8).map { border[0, r * 8 + $0] == 0 ? " ·" : String(format: "%2.0f", border[0, r * 8 + $0]) }.joined(separator: " ") }.joined(separator: "\n"))
    chapter.text("An even filter has no such padding: `(F − 1)/2` is not a whole number, one reason filters are 3×3, 5×5, 7×7.")

    chapter.section("im2col: a convolution as one matrix product")
    let nine = ImageShape(3, 1)
    let twoByTwoWindows = try Conv2D<Double>(
        inputShape: nine, weights: Matrix(rows: 4, columns: 1), bias: Matrix(rows: 1, columns: 1), filterSize: 2, activation: .identity)
    let counting = Matrix<Double>(rows: 1, columns: 9) { _, i in Double(i + 1) }
    let patchMatrix = try twoByTwoWindows.patches(counting)
    chapter.text(
        """
        How the package computes a convolution. `Conv2D`'s forward pass (in Double; for Float the \
        same product runs on blocks of the patch matrix's rows, gathered in cache, without ever \
        making the whole matrix) is three lines: the patch matrix, one product with the filters, \
        the biases:
        """)
    try chapter.quote("convolution-forward", from: "Sources/Teach/Convolution/Conv2D.swift")
    chapter.text(
        """
        `patches` is im2col. Each window position becomes one row of \
        `F·F·C` numbers; with padding the matrix starts at zero, since a window that hangs over the \
        border reads zeros there:
        """)
    try chapter.quote("im2col", from: "Sources/Teach/Convolution/Conv2D.swift")
    chapter.text(
        """
        The copying follows `forEachWindowRow`. For every image, window position `(oy, ox)` and \
        filter row `fy`, it finds the filter columns that land on the image (`first..<last`; the \
        others are in the padding). In the channels-last layout those pixels are consecutive \
        numbers both in the image and in the window's row of the patch matrix, so each filter row \
        is one copy of `count` numbers:
        """)
    try chapter.quote("im2col-windows", from: "Sources/Teach/Convolution/Conv2D.swift")
    chapter.text(
        """
        A \(nine) image holding 1 to 9 and a 2×2 filter with stride 1 have \
        \(twoByTwoWindows.outputShape.height)×\(twoByTwoWindows.outputShape.width) window positions, so the patch \
        matrix has \(patchMatrix.rows) rows of \(patchMatrix.columns), each one window read row by \
        row, and a pixel inside the image appears in every window that covers it:
        """)
    chapter.formula(Markdown.sideBySide(
        [Matrix<Double>(rows: 3, columns: 3) { r, c in counting[0, r * 3 + c] }, patchMatrix].enumerated().map { index, matrix in
            ([index == 0 ? "image 3×3" : "patches \(matrix.rows)×\(matrix.columns)"] + (0..<matrix.rows).map { r in
                (0..<matrix.columns).map { String(format: "%4.0f", matrix[r, $0]) }.joined()
            }).joined(separator: "\n")
        }, gap: 6))
    chapter.text(
        """
        The backward pass (next section but one) walks the same windows the other way, *col2im*: \
        the gradient of each patch row, `∂E/∂h · Wᵀ`, is added back onto the pixels the row was \
        copied from, so a pixel that several windows read collects the gradient of each:
        """)
    try chapter.quote("col2im", from: "Sources/Teach/Convolution/Conv2D.swift")

    chapter.section("Pooling")
    let block = try Matrix<Double>([[1, 1, 2, 4, 5, 6, 7, 8, 3, 2, 1, 0, 1, 2, 3, 4]])
    let maxPool = try Pooling<Double>(.max, inputShape: ImageShape(4, 1), size: 2, stride: 2)
    let averagePool = try Pooling<Double>(.average, inputShape: ImageShape(4, 1), size: 2, stride: 2)
    let maxed = try maxPool.forward(block).output, averaged = try averagePool.forward(block).output
    func rows(_ m: Matrix<Double>, _ width: Int, places: Int) -> [String] {
        (0..<(m.columns / width)).map { r in (0..<width).map { String(format: "%\(places + 4).\(places)f", m[0, r * width + $0]) }.joined() }
    }
    chapter.text(
        """
        With padding keeping the sizes, pooling layers shrink them: each channel on its own, a \
        window slides with a stride and keeps one number per position. A 4×4 block with 2×2 \
        windows and stride 2 gives (4 − 2)/2 + 1 = \(maxPool.outputShape.height) per side:
        """)
    chapter.formula(Markdown.sideBySide(
        [(["input 4×4"] + rows(block, 4, places: 0)).joined(separator: "\n"), (["max 2×2"] + rows(maxed, 2, places: 0)).joined(separator: "\n"),
         (["average 2×2"] + rows(averaged, 2, places: 2)).joined(separator: "\n")], gap: 6))
    chapter.text(
        """
        Each quarter of the block becomes its largest value (max pooling, the usual choice) or its \
        mean (average pooling). Pooling has no weights, and it keeps the depth: a 4×4×5 input \
        gives \(try Pooling<Double>(.max, inputShape: ImageShape(4, 5), size: 2, stride: 2).outputShape).
        """)

    chapter.section("The backward pass of a convolution and of pooling")
    // A 4×4 input, one 2×2 filter, stride 1: a 3×3 output, and a gradient for it to send back.
    let x4: [Double] = [1, 2, 0, 1, 3, 1, 2, 2, 0, 2, 1, 3, 1, 0, 2, 1]
    let w2: [Double] = [1, -1, 2, 0]
    let g3: [Double] = [1, 0, -1, 2, 1, 0, 0, -2, 1]
    let twoByTwo = try Conv2D<Double>(
        inputShape: ImageShape(4, 1), weights: Matrix(rows: 4, columns: 1, elements: w2), bias: Matrix(rows: 1, columns: 1),
        filterSize: 2, activation: .identity)
    let smallTrace = try twoByTwo.forwardTrace(Matrix(row: x4))
    let library = try twoByTwo.backward(smallTrace, outputGradient: Matrix(row: g3))
    // The same three gradients written out as sums, index by index.
    var byHandW = [Double](repeating: 0, count: 4), byHandX = [Double](repeating: 0, count: 16)
    for a in 0..<2 {
        for b in 0..<2 {
            for i in 0..<3 {
                for j in 0..<3 { byHandW[a * 2 + b] += g3[i * 3 + j] * x4[(i + a) * 4 + (j + b)] }
            }
        }
    }
    for p in 0..<4 {
        for q in 0..<4 {
            for a in 0..<2 {
                for b in 0..<2 where (0..<3).contains(p - a) && (0..<3).contains(q - b) {
                    byHandX[p * 4 + q] += g3[(p - a) * 3 + (q - b)] * w2[a * 2 + b]
                }
            }
        }
    }
    let byHandBias = g3.reduce(0, +)
    let differences = zip(byHandW, library.weights.elements).map { abs($0 - $1) } + zip(byHandX, library.inputGradient.elements).map { abs($0 - $1) }
        + [abs(byHandBias - library.bias[0, 0])]
    chapter.text(
        """
        The forward pass of a convolution layer is `y[i, j] = b + Σ_a Σ_b w[a, b] · x[i + a, j + b]`. \
        Strictly this is a *cross-correlation*: a convolution in the mathematical sense flips the \
        filter first (`x[i − a, j − b]`). Every framework computes the cross-correlation and calls \
        it convolution, and since the filter is learned the difference does not matter: a network \
        would simply learn the flipped filter. It matters for the backward pass, which is where the \
        flip appears. Given `∂E/∂y` (call it `g`, one number per output), the chain rule through \
        that sum gives three gradients:
        """)
    chapter.formula(
        """
        ∂E/∂w[a, b] = Σ_i Σ_j g[i, j] · x[i + a, j + b]      the input cross-correlated with g
        ∂E/∂b       = Σ_i Σ_j g[i, j]                        every output used the bias once
        ∂E/∂x[p, q] = Σ_a Σ_b g[p − a, q − b] · w[a, b]      g, padded by F − 1, convolved with w:
                                                            cross-correlated with w turned by 180°
        """)
    chapter.text(
        """
        The filter's gradient is the same sliding sum as the forward pass, with `g` in the place \
        of the filter. The input's gradient collects, for each pixel, every output its value went \
        into, each through the filter weight that carried it: read as a sliding window, that is \
        `g` with a border of `F − 1` zeros, swept by the filter turned by 180° (a true \
        convolution). With stride 1, a 4×4 input `x`, the 2×2 filter `w` and an output gradient \
        `g`, the sums computed one index at a time:
        """)
    chapter.formula(Markdown.sideBySide(
        [(["x (4×4)"] + rows(Matrix(row: x4), 4, places: 0)).joined(separator: "\n"),
         (["w (2×2)"] + rows(Matrix(row: w2), 2, places: 0)).joined(separator: "\n"),
         (["g = ∂E/∂y (3×3)"] + rows(Matrix(row: g3), 3, places: 0)).joined(separator: "\n"),
         (["∂E/∂w"] + rows(Matrix(row: byHandW), 2, places: 0)).joined(separator: "\n"),
         (["∂E/∂x"] + rows(Matrix(row: byHandX), 4, places: 0)).joined(separator: "\n")], gap: 4))
    chapter.text(
        """
        and `∂E/∂b = \(byHandBias.fixed(0))`. `Conv2D.backward`, which computes the same gradients \
        as matrix products over the patch matrix (`∂E/∂W = patchesᵀ · g`, then `g · Wᵀ` added back \
        onto the pixels), agrees \(differences.max()! == 0 ? "exactly" : "to \(differences.max()!.scientific(1))") in every number. Pooling's \
        backward pass is simpler. Max pooling passed on one number per window, so the gradient \
        goes back to that number alone, the window's winner, and the other pixels of the window \
        get 0; average pooling passed on the mean, so each pixel of the window gets a quarter of \
        the gradient. For the 4×4 block above and a pooled gradient `[1, 2; 3, 4]`:
        """)
    let pooledGradient = try Matrix<Double>([[1, 2, 3, 4]])
    let maxSources = try maxPool.forward(block).sources
    let maxBack = try maxPool.backward(sources: maxSources, outputGradient: pooledGradient)
    let averageBack = try averagePool.backward(sources: [], outputGradient: pooledGradient)
    chapter.formula(Markdown.sideBySide(
        [(["input 4×4"] + rows(block, 4, places: 0)).joined(separator: "\n"),
         (["∂E/∂x, max"] + rows(maxBack, 4, places: 0)).joined(separator: "\n"),
         (["∂E/∂x, average"] + rows(averageBack, 4, places: 2)).joined(separator: "\n")], gap: 6))
    // A small CNN, every gradient against central differences.
    var checkRandom = SeededGenerator(seed: chapter.options.seed &+ 7)
    let tinyConv = try Conv2D<Double>(inputShape: ImageShape(6, 2), filters: 3, filterSize: 3, padding: 1, activation: .tanh, initializer: .xavier, using: &checkRandom)
    let tinyPool = try Pooling<Double>(.max, inputShape: tinyConv.outputShape, size: 2)
    let tinyDense = try Dense<Double>(inputs: tinyPool.outputShape.count, units: 2, activation: .sigmoid, initializer: .xavier, using: &checkRandom)
    let tinyCNN = try Model<Double>([tinyConv, tinyPool, Flatten(inputShape: tinyPool.outputShape), tinyDense])
    let tinyInputs = Matrix<Double>.gaussian(rows: 3, columns: tinyConv.inputShape.count, using: &checkRandom)
    let tinyTargets = Matrix<Double>.uniform(rows: 3, columns: 2, in: 0..<1, using: &checkRandom)
    let cnnCheck = try GradientCheck.run(tinyCNN, inputs: tinyInputs, targets: tinyTargets)
    chapter.text(
        """
        The same passes in a whole network, checked against the definition of a derivative: a \
        6×6×2 input, `conv 3 3×3 pad 1` with tanh, 2×2 max pooling, a flatten and a dense layer of \
        2 sigmoid units, on 3 random images. Each of its \(cnnCheck.parametersChecked.grouped) weights, \
        biases and input pixels is nudged by ±10⁻⁵ and the change of the loss compared with the \
        gradient the backward pass computed: the largest relative difference is \
        \(cnnCheck.maxRelativeError.scientific(1)) (at \(cnnCheck.worstParameter)). The windows' winners \
        do not change under so small a nudge, so max pooling is differentiable everywhere the check \
        looks.
        """)

    chapter.section("Geometries that do not fit")
    chapter.text(
        """
        The package treats a geometry that breaks the rule as an error that names the numbers, \
        never a rounded size:
        """)
    let attempts: [(Int, Int, Int, Int)] = [(26, 5, 2, 0), (28, 5, 3, 0), (5, 7, 1, 0), (32, 3, 0, 1), (32, 3, 1, -1)]
    chapter.table(
        ["N", "F", "S", "P", "result"],
        attempts.map { n, f, s, p in
            let result: String
            do { result = "output \(try ConvolutionGeometry.outputSize(input: n, filter: f, stride: s, padding: p))" } catch let error as GeometryError {
                result = error.problem
            } catch { result = "\(error)" }
            return [String(n), String(f), String(s), String(p), result]
        }, alignments: [.right, .right, .right, .right, .left])

    chapter.section("Try your own network")
    let example = ["conv 6 5", "maxpool 2", "conv 16 5", "maxpool 2", "dense 120", "dense 84", "dense 10"]
    let exampleModel = try LayerSpecification.model(input: "32x32x1", layers: example)
    chapter.text(
        """
        `swift run shapes` builds a network written on the command line from the same layers and \
        prints its table (layers: `conv K F [stride S] [pad P]`, `maxpool F [stride S]`, \
        `avgpool F [stride S]`, `pad P`, `flatten`, `dense N`, `dropout R`). LeNet-5's shapes, for \
        example:
        """)
    chapter.code("swift run shapes --input 32x32x1 " + example.map { "\"\($0)\"" }.joined(separator: " "))
    chapter.table(
        ["layer", "output", "parameters", "multiply-adds per image"], LayerSpecification.table(exampleModel, input: "32×32×1"),
        alignments: [.left, .right, .right, .right])
    chapter.text("A layer that does not fit stops the table with the error above, naming the layer.")

    chapter.section("Pictures")
    let input: [Double] = (0..<49).map { (i: Int) -> Double in Double((i * 7 + (i / 7) * 3) % 10) }
    let filter: [Double] = [1, 0, -1, 1, 0, -1, 1, 0, -1]
    let slide = try Conv2D<Double>(
        inputShape: ImageShape(7, 1), weights: Matrix(rows: 9, columns: 1, elements: filter), bias: Matrix(rows: 1, columns: 1),
        filterSize: 3, activation: .identity)
    let slid = try slide.forward(Matrix(row: input)).elements
    let (row, column) = (1, 2)
    let window = Set((0..<3).flatMap { fy in (0..<3).map { fx in (row + fy) * 7 + column + fx } })
    var sliding = Figure(name: "sliding", title: "One output of a 3×3 convolution, stride 1", xLabel: "", yLabel: "")
    sliding.panels = [
        try Figure.grid(
            name: "input", title: "input 7×7 (the window: rows \(row)–\(row + 2), columns \(column)–\(column + 2))",
            values: input.indices.map { window.contains($0) ? 1 : 0 }, width: 7, height: 7, labelPlaces: nil,
            highColor: "#9ecae1", valueRange: 0...1.6),
        try Figure.grid(name: "filter", title: "filter 3×3 (vertical edges)", values: filter, width: 3, height: 3, labelPlaces: 0,
                        lowColor: "#fcbba1", highColor: "#c6dbef"),
        try Figure.grid(
            name: "output", title: "output 5×5 (row \(row), column \(column))", values: slid.indices.map { $0 == row * 5 + column ? 1 : 0 }, width: 5, height: 5,
            highColor: "#9ecae1", valueRange: 0...1.6),
    ]
    sliding.panels[0].labels = input.enumerated().map { Label(String(Int($0.element)), x: Double($0.offset % 7), y: -Double($0.offset / 7)) }
    sliding.panels[2].labels = slid.enumerated().map { Label(String(Int($0.element)), x: Double($0.offset % 5), y: -Double($0.offset / 5)) }
    sliding.width = 1300
    sliding.height = 460
    let windowValues = (0..<9).map { input[(row + $0 / 3) * 7 + column + $0 % 3] }
    try chapter.figure(sliding, caption: "The shaded 3×3 window of the input, times the filter, summed: the shaded output, which sits where the window's top-left corner does")
    chapter.text(
        """
        The shaded output is `Σ window ⊙ filter` = \
        \(zip(windowValues, filter).map { "\(Int($0))·\(Int($1))" }.joined(separator: " + ")) = \
        \(Int(slid[row * 5 + column])); the filter then moves one column right for the next output, \
        and the 3×3 window fits (7 − 3)/1 + 1 = 5 times each way.
        """)
    let sample = try LabeledImages.embeddedSample(test: true)
    let index = sample.labels.firstIndex(of: 9) ?? 0
    let image = sample.images.row(index).converted(to: Double.self)
    let sobel = try Conv2D<Double>(
        inputShape: sample.shape, weights: Matrix([[1, 1], [0, 2], [-1, 1], [2, 0], [0, 0], [-2, 0], [1, -1], [0, -2], [-1, -1]]),
        bias: Matrix(rows: 1, columns: 2), filterSize: 3, padding: 1, activation: .identity)
    let maps = try sobel.forward(image)
    let mapValues = (0..<2).map { k in (0..<(28 * 28)).map { maps[0, $0 * 2 + k] } }
    var features = Figure(name: "feature-maps", title: "A Fashion-MNIST \(LabeledImages.fashionClassNames[sample.labels[index]].lowercased()) and two edge filters", xLabel: "", yLabel: "")
    features.panels = [
        try Figure.grid(
            name: "image", title: "input 28×28×1", values: image.elements, width: 28, height: 28, highColor: "#000000",
            valueRange: 0...1, colorBarLabel: "pixel value"),
        try Figure.grid(name: "vertical", title: "vertical edges (Sobel x)", values: mapValues[0], width: 28, height: 28,
                        lowColor: "#b2182b", highColor: "#2166ac", colorBarLabel: "filter output"),
        try Figure.grid(name: "horizontal", title: "horizontal edges (Sobel y)", values: mapValues[1], width: 28, height: 28,
                        lowColor: "#b2182b", highColor: "#2166ac", colorBarLabel: "filter output"),
    ]
    for p in 1...2 {
        features.panels[p].heatMap?.valueRange = -3...3
        features.panels[p].heatMap?.middleColor = "#ffffff"
    }
    features.width = 1300
    features.height = 460
    try chapter.figure(features, caption: "One conv layer with two 3×3 filters (K = 2, padding 1): a 28×28×2 output, one feature map per filter")
    chapter.text(
        """
        A real filter on a real image: test image \(index) of the embedded Fashion-MNIST sample (an \
        \(LabeledImages.fashionClassNames[sample.labels[index]].lowercased())), through a `Conv2D` \
        with two hand-set 3×3 filters, the Sobel operators, and padding 1, so the output is \
        \(sobel.outputShape): one map per filter. The first filter computes left minus right \
        neighbours, so its map is red (negative) where the pixel values grow from left to right, \
        at the boot's left edge, blue where they fall, at its right edge, and white where nothing \
        changes; the second does the same from top to bottom. Together they are the outline of \
        the boot, split by direction. A trained network's first layer learns filters much like these by itself.
        """)
}
