// Chapter 8: weight initialization (articles 001, 003 and 004).
import Teach

Chapter.run("initializers") { chapter in
    chapter.text(
        """
        Before the first step of gradient descent every weight needs a value. Chapters 4 to 7 drew \
        them from a normal distribution with standard deviation `1/√n_in` without saying why. This \
        chapter says why: what goes wrong with all zeros, with weights that are too small, and with \
        weights that are too large, and how Xavier's and He's scales keep a signal alive through \
        ten layers. Biases start at zero throughout; article 001 notes that this is fine once the \
        weights differ.
        """)
    chapter.table(
        ["initializer", "each weight", "`Initializer`", "PyTorch"],
        [
            ["all zeros", "0", "`.zeros`", "`nn.init.zeros_`"],
            ["small Gaussian", "normal, mean 0, std 0.01", "`.gaussian(standardDeviation: 0.01)`", "`nn.init.normal_(std=0.01)`"],
            ["truncated normal", "normal, redrawn until within 2 std", "`.truncatedNormal(standardDeviation:)`", "`nn.init.trunc_normal_(std=s, a=−2s, b=2s)`"],
            ["Xavier", "normal, std √(1/n_in)", "`.xavier`", "`kaiming_normal_(nonlinearity='linear')`"],
            ["He", "normal, std √(2/n_in)", "`.he`", "`kaiming_normal_(nonlinearity='relu')`"],
        ], alignments: [.left, .left, .left, .left])
    chapter.text(
        """
        `n_in` is the number of inputs of the layer (its *fan-in*). Article 004 gives Xavier's rule \
        as numpy code, `np.random.randn(n_in, n_out) * sqrt(1/n_in)`, and in words as "the \
        recommended variance is square root of inputs": the code is right, the words are not. The \
        *variance* is `1/n_in`; its square root `√(1/n_in)` is the standard deviation. (Glorot and \
        Bengio's paper averages fan-in and fan-out, `√(2/(n_in + n_out))`, which is PyTorch's \
        `xavier_normal_`; the articles and this package use the fan-in form.) PyTorch's \
        `trunc_normal_` cuts at the absolute values `a` and `b`, −2 and 2 by default, not at two \
        standard deviations: with `std=0.01` and the defaults nothing is ever redrawn, so the cut-offs \
        must be given as `a=−2s, b=2s` to match TensorFlow's `truncated_normal` and this package.
        """)

    chapter.section("The draws")
    let n = 500
    var drawRandom = SeededGenerator(seed: chapter.options.seed &+ 1)
    let initializers: [Initializer] = [.gaussian(standardDeviation: 0.01), .truncatedNormal(standardDeviation: 1), .xavier, .he]
    chapter.text(
        """
        A \(n)×\(n) weight matrix (\((n * n).grouped) weights, `n_in = \(n)`) from each random \
        initializer, and what its numbers look like:
        """)
    chapter.table(
        ["initializer", "std by definition", "sample mean", "sample std", "largest |w| / std"],
        initializers.map { initializer in
            let weights: Matrix<Double> = initializer.weights(inputs: n, units: n, using: &drawRandom)
            let stats = ActivationStatistics(weights)
            let std = initializer.standardDeviation(inputs: n)
            return ["\(initializer)", std.fixed(5), stats.mean.signed(5), stats.standardDeviation.fixed(5),
                    (weights.maxMagnitude() / std).fixed(2)]
        })
    chapter.text(
        """
        The truncated normal never goes beyond two standard deviations (the ratio stays below 2; a \
        plain normal sample of this size reaches 4 or more). Cutting the tails also narrows the \
        distribution: its standard deviation is about 0.88 of the requested one. Article 003 uses \
        TensorFlow's `tf.truncated_normal((n_features, n_labels))`, whose default standard \
        deviation is 1: for its 120 inputs that is eleven times Xavier's `√(1/120) = \
        \(Initializer.xavier.standardDeviation(inputs: 120).fixed(3))`. The experiment below shows \
        what that does.
        """)

    chapter.section("All zeros: symmetry that never breaks")
    var ringRandom = SeededGenerator(seed: chapter.options.seed &+ 4)
    let rings = try SyntheticData.circles(perClass: 100, using: &ringRandom).standardized().dataset
    let hiddenUnits = 4, learningRate = 1.0, batchSize = 20
    chapter.text(
        """
        Article 001: if two units of a layer start with the same weights, they compute the same \
        output, receive the same gradient, take the same step, and so stay the same forever; the \
        layer has the power of a single unit. All zeros is the extreme case. A 2-\(hiddenUnits)-1 \
        network with sigmoid units learning chapter 6's two rings (\(rings.count) points, \
        standardized), minibatches of \(batchSize), `η = \(learningRate.fixed(0))`, started from all \
        zeros and from Xavier's random weights. The weights into the first two hidden units (the \
        other two behave alike), epoch by epoch:
        """)
    func ringNetwork(_ initializer: Initializer, using generator: inout SeededGenerator) throws -> Network<Double> {
        try Network([
            Dense(inputs: 2, units: hiddenUnits, activation: .sigmoid, initializer: initializer, using: &generator),
            Dense(inputs: hiddenUnits, units: 1, activation: .sigmoid, initializer: initializer, using: &generator),
        ])
    }
    let checkpoints = chapter.options.quick ? [0, 1, 10, 50] : [0, 1, 10, 100, 300]
    var rows: [[String]] = []
    var accuracies: [Double] = []
    for (name, initializer) in [("zeros", Initializer.zeros), ("Xavier", .xavier)] {
        var network = try ringNetwork(initializer, using: &chapter.random)
        var shuffler = SeededGenerator(seed: chapter.options.seed &+ 5)
        var done = 0
        for checkpoint in checkpoints {
            try network.train(
                inputs: rings.inputs, targets: rings.targets, learningRate: learningRate, batchSize: batchSize,
                epochs: checkpoint - done, using: &shuffler)
            done = checkpoint
            let hidden = network.layers[0]
            func unit(_ j: Int) -> [Double] { hidden.weights.columnArray(j) + [hidden.bias[0, j]] }
            func text(_ j: Int) -> String { "(" + unit(j).map { $0.signed(4) }.joined(separator: ", ") + ")" }
            let identical = (1..<hiddenUnits).allSatisfy { unit($0) == unit(0) }
            rows.append([name, String(checkpoint), text(0), text(1), identical ? "yes" : "no"])
        }
        accuracies.append(binaryAccuracy(try network.predict(rings.inputs), targets: rings.targets))
    }
    chapter.table(["start", "epoch", "hidden unit 1 (w₁, w₂, b)", "hidden unit 2 (w₁, w₂, b)", "all \(hiddenUnits) identical"], rows)
    chapter.text(
        """
        From zeros, every hidden unit outputs `sigmoid(0) = 0.5` and every output weight gets the \
        same gradient; the hidden weights' gradients `x_i · w_jk · δ_k · f'(h_j)` are then the same \
        for every unit `j`, to the last bit, at every step. The units move, but together, and \
        "yes" in the last column is an exact equality of Doubles. \(hiddenUnits) identical units are \
        one unit, whose single line cannot separate a ring from the one around it: after \
        \(checkpoints.last!) epochs the zero-started network classifies \
        \(String(format: "%.1f%%", 100 * accuracies[0])) of the points correctly, against \
        \(String(format: "%.1f%%", 100 * accuracies[1])) from Xavier's start.
        """)

    chapter.section("Ten layers of 500 units")
    let layers = 10, units = 500, records = chapter.options.quick ? 100 : 250
    var experimentRandom = SeededGenerator(seed: chapter.options.seed &+ 2)
    let inputs = Matrix<Double>.gaussian(rows: records, columns: units, using: &experimentRandom)
    let candidates: [Initializer] = [.zeros, .gaussian(standardDeviation: 0.01), .truncatedNormal(standardDeviation: 1), .xavier, .he]
    let colors = ["#000000", "#a50f15", "#d94801", "#238b45", "#08306b"]
    chapter.text(
        """
        The classic experiment (from Stanford's CS231n notes): \(records) records of \(units) \
        standard-normal inputs go forward through \(layers) layers of \(units) units, once with tanh \
        and once with ReLU, under each initializer. No training, just one forward pass: what is the \
        size of the signal at each layer? Each layer's weighted sum adds up \(units) terms \
        `x_i·w_ij`, so its variance is about `n_in · Var(x) · Var(w)`: the weights must have \
        variance `1/n_in` to pass the signal on at the same size (Xavier), and twice that for \
        ReLU, which zeroes half of it (He).
        """)
    struct Run { var statistics: [ActivationStatistics] }
    var runs: [Activation: [Run]] = [:]
    for activation in [Activation.tanh, .relu] {
        for initializer in candidates {
            var random = SeededGenerator(seed: chapter.options.seed &+ 3)
            let network = try (0..<layers).map { _ in
                try Dense<Double>(inputs: units, units: units, activation: activation, initializer: initializer, using: &random)
            }
            let outputs = try network.forwardAll(inputs).dropFirst()
            runs[activation, default: []].append(Run(statistics: outputs.map(ActivationStatistics.init)))
        }
    }
    let depth = (1...layers).map(Double.init)
    var figure = Figure(
        name: "deep-signal", title: "Standard deviation of each layer's outputs, \(layers) layers of \(units)", xLabel: "layer",
        yLabel: "std of outputs (log scale)")
    figure.panels = [Activation.tanh, .relu].map { activation in
        Figure(
            name: "\(activation)", title: "\(activation)", xLabel: "layer", yLabel: "std of outputs (log scale)",
            xRange: 1...Double(layers), xTickStep: 1, logScaleY: true,
            series: zip(candidates, colors).enumerated().compactMap { index, pair in
                let stds = runs[activation]![index].statistics.map(\.standardDeviation)
                // zeros gives std 0 at every layer, which a log axis cannot show: said in the table instead
                return stds.allSatisfy({ $0 > 0 })
                    ? Series("\(pair.0)", x: depth, y: stds, style: .linesPoints, color: pair.1, pointType: 7) : nil
            }, keyPosition: .bottomLeft)
    }
    figure.width = 1200
    try chapter.figure(figure, caption: "How the signal's size changes with depth under each initializer (all zeros: 0 everywhere)")
    let shown = [1, 2, 5, 10].filter { $0 <= layers }
    for activation in [Activation.tanh, .relu] {
        chapter.text("**\(activation)**: standard deviation of the outputs of layers \(shown.map(String.init).joined(separator: ", "))\(activation == .tanh ? ", and the share of saturated outputs (|a| > 0.99) in the last layer" : ", and the share of dead units (zero for all \(records) records) per layer"):")
        if activation == .tanh {
            chapter.table(
                ["initializer"] + shown.map { "layer \($0)" } + ["saturated, layer \(layers)"],
                zip(candidates, runs[activation]!).map { initializer, run in
                    ["\(initializer)"] + shown.map { run.statistics[$0 - 1].standardDeviation.scientific(2) }
                        + [String(format: "%.1f%%", 100 * run.statistics[layers - 1].saturatedFraction)]
                })
        } else {
            chapter.table(
                ["initializer"] + shown.map { "std, layer \($0)" } + (1...layers).map { "dead, \($0)" },
                zip(candidates, runs[activation]!).map { initializer, run in
                    ["\(initializer)"] + shown.map { run.statistics[$0 - 1].standardDeviation.scientific(2) }
                        + run.statistics.map { String(format: "%.0f%%", 100 * $0.deadUnitFraction) }
                })
        }
    }
    let tanhRuns = runs[.tanh]!, reluRuns = runs[.relu]!
    chapter.text(
        """
        What the numbers say. *Small Gaussian* (std 0.01): each layer multiplies the signal's size \
        by about `√500 · 0.01 ≈ 0.22`, so after ten layers it is \
        \(tanhRuns[1].statistics[layers - 1].standardDeviation.scientific(1)) with tanh: the outputs, \
        and with them the gradients flowing back (which are multiplied by the same weights), \
        vanish. This is article 004's warning that small weights work for shallow networks but not \
        deep ones. *Truncated normal with std 1* goes the other way: each weighted sum has a \
        standard deviation near `√500 · 0.88 ≈ 20`, so \
        \(String(format: "%.0f%%", 100 * tanhRuns[2].statistics[layers - 1].saturatedFraction)) of the \
        tanh outputs in the last layer sit at ±1, where the slope is nearly 0 (chapter 7): saturated, \
        and again no gradient. With ReLU nothing bounds it and the signal grows by about 14 per \
        layer, to \(reluRuns[2].statistics[layers - 1].standardDeviation.scientific(1)). *Xavier* \
        keeps tanh's signal at a steady size (tanh shrinks it a little each layer, to \
        \(tanhRuns[3].statistics[layers - 1].standardDeviation.fixed(2)) at layer \(layers)); with \
        ReLU it halves the variance at every layer, to \
        \(reluRuns[3].statistics[layers - 1].standardDeviation.scientific(1)). *He* doubles the \
        variance to make up for the half that ReLU zeroes, and the ReLU signal stays near \
        \(reluRuns[4].statistics[layers - 1].standardDeviation.fixed(2)) all the way down.
        """)
    chapter.text(
        """
        Dead units: with zero biases and inputs of both signs, a unit of the first layer is positive \
        for about half the records and never dead. Deeper down the inputs are ReLU outputs, all \
        positive and increasingly alike from record to record, so a unit whose weights lean \
        negative can be negative for every record at once. That is the start of article 004's \
        "10-20% of the ReLUs might be dead": training then pushes some units over the edge, and a \
        unit that is dead for all the data never gets a gradient again (chapter 7). The dead \
        fractions are the same for the small Gaussian, Xavier and He because ReLU with zero biases \
        does not care about scale, `relu(c·h) = c·relu(h)` for `c > 0`: the three draw the same \
        normal numbers from the same seed and scale them differently, so the same units die. (The \
        truncated normal redraws some numbers, so its pattern differs.) All zeros is the \
        degenerate case: every output of every layer is 0, so every ReLU unit is dead and every \
        gradient below the output is 0.
        """)
}
