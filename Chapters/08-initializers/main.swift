// Chapter 8: weight initialization (articles 001, 003 and 004).
import ArgumentParser
import Foundation
import Teach
import TeachBook

/// The choices the chapter turns on, with the book's values as defaults.
struct Knobs: ChapterKnobs {
    @Option(parsing: .unconditional, help: "Sigmoid hidden units of the 2-h-1 network that learns the rings from zeros and from Xavier.")
    var hiddenUnits = 4
    @Option(parsing: .unconditional, help: "Learning rate η of the rings network.")
    var learningRate = 1.0
    @Option(parsing: .unconditional, help: "Layers of 500 units in the deep experiment.")
    var layers = 10

    func validate() throws {
        try KnobCheck.atLeast(2, hiddenUnits, "--hidden-units", "a number of hidden units (two to compare)")
        try KnobCheck.positive(learningRate, "--learning-rate", "a learning rate")
        try KnobCheck.within(2...40, layers, "--layers", "a number of layers")
    }
}

Chapter.run("initializers", knobs: Knobs.self) { chapter, knobs in
    chapter.text(
        """
        Before the first step of gradient descent every weight needs a value. Chapters 4 to 7 drew \
        them from a normal distribution with standard deviation `1/√n_in` without saying why. This \
        chapter says why: what goes wrong with all zeros, with weights that are too small, and with \
        weights that are too large, and how Xavier's and He's scales keep a signal alive through \
        \(knobs.layers.spelledOut) layers. Biases start at zero throughout; article 001 notes that this is fine once the \
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
    let hiddenUnits = knobs.hiddenUnits, learningRate = knobs.learningRate, batchSize = 20
    let others = hiddenUnits - 2
    let theOthers = others == 0 ? "" : others == 1 ? " (the other one behaves alike)" : " (the other \(others.spelledOut) behave alike)"
    chapter.text(
        """
        Article 001: if two units of a layer start with the same weights, they compute the same \
        output, receive the same gradient, take the same step, and so stay the same forever; the \
        layer has the power of a single unit. All zeros is the extreme case. A 2-\(hiddenUnits)-1 \
        network with sigmoid units learning chapter 6's two rings (\(rings.count) points, \
        standardized), minibatches of \(batchSize), `η = \(String(format: "%g", learningRate))`, started from all \
        zeros and from Xavier's random weights. The weights into the first two hidden units\(theOthers), \
        epoch by epoch:
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

    let layers = knobs.layers, units = 500, records = chapter.options.quick ? 100 : 250
    chapter.section("\(layers.spelledOut.prefix(1).uppercased() + layers.spelledOut.dropFirst()) layers of \(units) units")
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
    let histogramLayers = [1, 3, 5, 7, 10].filter { $0 <= layers }
    struct Run {
        var network: [Dense<Double>]
        var statistics: [ActivationStatistics]
        /// The outputs of the layers in `histogramLayers`, for the histograms further down.
        var outputs: [Matrix<Double>]
    }
    var runs: [Activation: [Run]] = [:]
    for activation in [Activation.tanh, .relu] {
        for initializer in candidates {
            var random = SeededGenerator(seed: chapter.options.seed &+ 3)
            let network = try (0..<layers).map { _ in
                try Dense<Double>(inputs: units, units: units, activation: activation, initializer: initializer, using: &random)
            }
            let outputs = Array(try network.forwardAll(inputs).dropFirst())
            runs[activation, default: []].append(
                Run(network: network, statistics: outputs.map(ActivationStatistics.init), outputs: histogramLayers.map { outputs[$0 - 1] }))
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
        by about `√500 · 0.01 ≈ 0.22`, so after \(layers.spelledOut) layers it is \
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

    chapter.text(
        """
        The standard deviations hide the shape of the signal. Histograms of the outputs of layers \
        \(histogramLayers.map(String.init).joined(separator: ", ")) show it, for the four random \
        initializers (CS231n draws the same picture). With tanh the outputs live in (−1, 1), and \
        each panel shows where they fall; with ReLU a share of the outputs is exactly 0 and the rest \
        can be any size, so its panels show the positive outputs on a logarithmic axis, \
        `log₁₀ a`, where a signal that shrinks or grows by a constant factor per layer moves left \
        or right by a constant step.
        """)
    let shownInitializers = [1, 3, 4, 2]  // small Gaussian, Xavier, He, truncated normal with std 1
    let layerColors = ["#fdb863", "#f08a24", "#d94801", "#8c2d04", "#3f007d"]
    var histogramFigure = Figure(
        name: "layer-histograms", title: "Outputs of layers \(histogramLayers.map(String.init).joined(separator: ", ")), \(records) records",
        xLabel: "", yLabel: "")
    for activation in [Activation.tanh, .relu] {
        for (column, index) in shownInitializers.enumerated() {
            let run = runs[activation]![index]
            let series: [Series]
            let xLabel: String, xRange: ClosedRange<Double>
            if activation == .tanh {
                xRange = -1...1
                xLabel = "output a"
                series = try zip(histogramLayers, zip(run.outputs, layerColors)).map { layer, pair in
                    try Histogram(pair.0.elements, bins: 40, range: xRange).series("layer \(layer)", color: pair.1)
                }
            } else {
                let logs = run.outputs.map { $0.elements.filter { $0 > 0 }.map { log10($0) } }
                let all = logs.flatMap { $0 }
                xRange = (all.min()! - 0.5).rounded(.down)...(all.max()! + 0.5).rounded(.up)
                xLabel = "log₁₀ of a positive output a"
                series = try zip(histogramLayers, zip(run.outputs, zip(logs, layerColors))).map { layer, pair in
                    // shares of all the layer's outputs, so the zeros are the area missing below 1
                    let histogram = try Histogram(pair.1.0, bins: 40, range: xRange)
                    let scale = Double(pair.1.0.count) / Double(pair.0.count)
                    var scaled = histogram
                    scaled.fractions = histogram.fractions.map { $0 * scale }
                    return scaled.series("layer \(layer)", color: pair.1.1)
                }
            }
            histogramFigure.panels.append(
                Figure(
                    name: "\(activation)-\(index)", title: "\(activation), \(candidates[index])", xLabel: xLabel,
                    yLabel: column == 0 ? "share of the layer's outputs" : "", xRange: xRange, series: series,
                    keyPosition: column == 0 && activation == .tanh ? .topLeft : .none))
        }
    }
    histogramFigure.panelsPerRow = shownInitializers.count
    histogramFigure.width = 1600
    histogramFigure.height = 820
    try chapter.figure(
        histogramFigure,
        caption: "Each layer's outputs under each initializer: tanh above, ReLU (positive outputs, log scale) below")
    chapter.text("The numbers behind the histograms: each layer's standard deviation, and how much of the last layer sits near 0 or beyond ±0.99:")
    func lastLayerShare(_ activation: Activation, _ index: Int, _ test: (Double) -> Bool) -> String {
        let last = runs[activation]![index].outputs.last!.elements
        return String(format: "%.1f%%", 100 * Double(last.filter(test).count) / Double(last.count))
    }
    chapter.table(
        ["activation", "initializer"] + histogramLayers.map { "std, layer \($0)" } + ["|a| < 0.01, layer \(layers)", "|a| > 0.99, layer \(layers)"],
        [Activation.tanh, .relu].flatMap { activation in
            shownInitializers.map { index in
                ["\(activation)", "\(candidates[index])"]
                    + histogramLayers.map { runs[activation]![index].statistics[$0 - 1].standardDeviation.scientific(2) }
                    + [lastLayerShare(activation, index) { abs($0) < 0.01 }, lastLayerShare(activation, index) { abs($0) > 0.99 }]
            }
        })
    chapter.text(
        """
        Read across a row of panels. With tanh, the small Gaussian's outputs collapse onto 0 layer \
        by layer (in layer \(layers), \(lastLayerShare(.tanh, 1) { abs($0) < 0.01 }) of them are within \
        0.01 of it), and the truncated normal's pile up at ±1 from the first layer on \
        (\(lastLayerShare(.tanh, 2) { abs($0) > 0.99 }) saturated in layer \(layers)): the two ways a \
        tanh network stops passing gradients back. Xavier's outputs narrow slowly towards 0; He's, \
        twice the variance, spread almost evenly over (−1, 1). With ReLU each too-small or too-large \
        layer shifts the whole positive histogram by the same step on the log axis, left for the \
        small Gaussian and Xavier, right for the truncated normal, \
        \(runs[.relu]![2].statistics[layers - 1].standardDeviation.scientific(1)) by layer \(layers); \
        He's histograms lie on top of each other: the signal keeps its size however deep it goes.
        """)

    chapter.section("Exploding gradients beside vanishing ones")
    var gradientRandom = SeededGenerator(seed: chapter.options.seed &+ 6)
    // a part of the records is enough for the sizes of the gradients, and keeps the run short
    let gradientRecords = records / 5
    let gradientInputs = try inputs.gatherRows(0..<gradientRecords)
    let outputGradient = Matrix<Double>.gaussian(rows: gradientRecords, columns: units, using: &gradientRandom)
    let flowInitializers = [1, 3, 4, 2]
    var flows: [Activation: [GradientFlow]] = [:]
    for activation in [Activation.tanh, .relu] {
        flows[activation] = try flowInitializers.map { index in
            try GradientFlow(runs[activation]![index].network, inputs: gradientInputs, outputGradient: outputGradient)
        }
    }
    chapter.text(
        """
        The same networks, now backwards, for the first \(gradientRecords) records. Chapter 4's \
        backward pass, from a gradient `∂E/∂a` at the last layer's outputs (here \(gradientRecords)×\(units) \
        standard-normal numbers, as if from some loss), \
        goes down the layers in two steps each: it multiplies by the activation's derivative, \
        `δ_l = ∂E/∂a_l ⊙ f'(h_l)`, then by the layer's weights, `∂E/∂a_(l−1) = δ_l · W_lᵀ`, and on \
        the way it gives each layer its weight gradient `∂E/∂W_l = a_(l−1)ᵀ · δ_l`. `GradientFlow` \
        records the size (the Frobenius norm, `√Σ m_ij²`) of the gradient arriving at each layer's \
        outputs, and how much each of the two steps changes it:
        """)
    var gradientFigure = Figure(
        name: "gradient-norms", title: "Size of the gradient arriving at each layer, one backward pass", xLabel: "layer",
        yLabel: "‖∂E/∂a‖ (log scale)")
    gradientFigure.panels = [Activation.tanh, .relu].map { activation in
        Figure(
            name: "\(activation)", title: "\(activation)", xLabel: "layer (the backward pass runs from \(layers) down to 1)",
            yLabel: "‖∂E/∂a‖ (log scale)", xRange: 1...Double(layers), xTickStep: 1, logScaleY: true,
            series: zip(flowInitializers, flows[activation]!).map { index, flow in
                Series(
                    "\(candidates[index])", x: depth, y: flow.layers.map(\.outputGradientNorm), style: .linesPoints, color: colors[index],
                    pointType: 7)
            }, keyPosition: .topRight)
    }
    gradientFigure.width = 1200
    try chapter.figure(gradientFigure, caption: "Vanishing (small weights) and exploding (large weights) gradients, tanh and ReLU")
    chapter.table(
        ["activation", "initializer", "σ_w·√n (layer 1's weights)", "weights' factor per layer", "derivative's factor per layer",
         "‖∂E/∂a‖, layer \(layers)", "‖∂E/∂a‖, layer 1", "‖∂E/∂W‖, layer \(layers)", "‖∂E/∂W‖, layer 1"],
        [Activation.tanh, .relu].flatMap { activation in
            zip(flowInitializers, flows[activation]!).map { index, flow in
                let scale = ActivationStatistics(runs[activation]![index].network[0].weights).standardDeviation * Double(units).squareRoot()
                return ["\(activation)", "\(candidates[index])", scale.fixed(3), flow.meanWeightFactor.fixed(3),
                        flow.meanDerivativeFactor.fixed(3), flow.layers[layers - 1].outputGradientNorm.scientific(1),
                        flow.layers[0].outputGradientNorm.scientific(1), flow.layers[layers - 1].weightGradientNorm.scientific(1),
                        flow.layers[0].weightGradientNorm.scientific(1)]
            }
        })
    let tanhFlows = flows[.tanh]!, reluFlows = flows[.relu]!
    let largestDerivative = [tanhFlows, reluFlows].flatMap { $0.flatMap { $0.layers.map(\.derivativeFactor) } }.max()!
    let truncatedStd = ActivationStatistics(runs[.relu]![2].network[0].weights).standardDeviation
    func product(_ flow: GradientFlow) -> String { (flow.meanWeightFactor * flow.meanDerivativeFactor).fixed(2) }
    // whether Xavier's tanh gradient and He's ReLU gradient reach layer 1 within a factor of 10 of their size at the top
    let sameOrder = [tanhFlows[1], reluFlows[2]].allSatisfy { flow in
        (0.1...10).contains(flow.layers[0].outputGradientNorm / flow.layers[layers - 1].outputGradientNorm)
    }
    chapter.text(
        """
        The factors are per layer (geometric means over the \(layers) layers). The weights multiply \
        the gradient by about `σ_w·√n`, the standard deviation of the weights times the square root \
        of the number of units: \(reluFlows[0].meanWeightFactor.fixed(3)) per layer for the small \
        Gaussian, \(reluFlows[3].meanWeightFactor.fixed(1)) for the truncated normal with std 1 \
        (whose draws have a standard deviation of \(truncatedStd.fixed(2)), not 1). The activation's \
        derivative never multiplies it by more than 1 (the largest factor in any layer is \
        \(largestDerivative.fixed(4)), tanh's with small weights, whose sums stay where its slope is \
        nearly 1): tanh's slope is at most 1, ReLU's is 0 or 1, and with half the \
        units off it passes about `√½` of the gradient's size (\(reluFlows[2].meanDerivativeFactor.fixed(2)) \
        with He's weights). So with small weights the gradient *vanishes* on the way down, shrinking by \
        \(tanhFlows[0].meanWeightFactor.fixed(2)) × \(tanhFlows[0].meanDerivativeFactor.fixed(2)) per \
        layer with tanh, from \(tanhFlows[0].layers[layers - 1].outputGradientNorm.scientific(1)) \
        arriving at layer \(layers) to \(tanhFlows[0].layers[0].outputGradientNorm.scientific(1)) at \
        layer 1. With large weights it *explodes*: with ReLU each layer multiplies it by \
        \(reluFlows[3].meanWeightFactor.fixed(1)) × \(reluFlows[3].meanDerivativeFactor.fixed(2)), to \
        \(reluFlows[3].layers[0].outputGradientNorm.scientific(1)) at layer 1. tanh's saturated \
        units damp it (derivative factor \(tanhFlows[3].meanDerivativeFactor.fixed(2))), yet the \
        weights win and it still grows to \(tanhFlows[3].layers[0].outputGradientNorm.scientific(1)). \
        Xavier (for tanh) and He (for ReLU) keep the product of the two factors near 1 \
        (\(product(tanhFlows[1])) and \(product(reluFlows[2])) per layer), and the gradient that left \
        layer \(layers) at \(reluFlows[2].layers[layers - 1].outputGradientNorm.scientific(1)) arrives at \
        layer 1 with a size \(sameOrder ? "of the same order" : "changed by more than a factor of 10 over \(layers) layers, as even a factor near 1 compounds") (\(tanhFlows[1].layers[0].outputGradientNorm.scientific(1)) \
        and \(reluFlows[2].layers[0].outputGradientNorm.scientific(1))).
        """)
    chapter.text(
        """
        The weight gradients tell the same story in their own way. `∂E/∂W_l` multiplies the \
        gradient arriving from above by the signal arriving from below, and with ReLU the two change \
        by the same factors in opposite directions: every layer's weight gradient has about the same \
        size, tiny for the small Gaussian (\(reluFlows[0].layers[0].weightGradientNorm.scientific(1))) \
        and enormous for the truncated normal (\(reluFlows[3].layers[0].weightGradientNorm.scientific(1))): \
        one step of gradient descent then either does nothing or throws the weights far away. With \
        tanh and large weights the signal cannot grow past ±1, so the weight gradients themselves \
        explode towards the first layer, from \(tanhFlows[3].layers[layers - 1].weightGradientNorm.scientific(1)) \
        at layer \(layers) to \(tanhFlows[3].layers[0].weightGradientNorm.scientific(1)) at layer 1. \
        Gradient clipping (chapter 10) caps the size of the step; a good initialization avoids the \
        problem at the start.
        """)
    chapter.sourceNote(
        """
        Article 001 describes the exploding gradient as the case "where the gradient of the \
        activation function is too large". The activations it discusses cannot do that: the slope of \
        tanh is at most 1, ReLU's and leaky ReLU's 1, the sigmoid's 1/4, so the derivative step of \
        the backward pass can only keep or shrink the gradient (the derivative factors above never \
        exceed 1). A gradient explodes because it is multiplied by one weight matrix per layer, each \
        scaling it by about `σ_w·√n`: weights too large for the number of units they connect, \
        compounded over the depth of the network (or over the time steps of a recurrent network, \
        which multiplies by the same matrix again and again). The remedies follow from that cause: \
        smaller weights at the start (Xavier, He), and clipping the gradient's norm.
        """)
}
