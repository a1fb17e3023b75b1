// Chapter 7: activation functions (articles 002, 003 and 004).
import ArgumentParser
import Teach
import TeachBook

/// The choices the chapter turns on, with the book's values as defaults.
struct Knobs: ChapterKnobs {
    @Option(parsing: .unconditional, help: "How far the biases of the ReLU layer drop in the dead-units experiment.")
    var biasDrop = 3.0
    @Option(parsing: .unconditional, help: "ReLU units of the layer in the dead-units experiment.")
    var units = 100

    func validate() throws {
        try KnobCheck.positive(biasDrop, "--bias-drop", "a drop of the biases")
        try KnobCheck.atLeast(1, units, "--units", "a number of units")
    }
}

Chapter.run("activations", knobs: Knobs.self) { chapter, knobs in
    chapter.text(
        """
        Without an activation function a layer computes `x·W + b`, and a stack of such layers is \
        still one matrix product: a straight line, however deep. The activation bends it. Which \
        bend matters, because backpropagation multiplies by the activation's derivative at every \
        layer (chapter 4). This chapter puts the usual functions side by side, with numbers for the \
        points the articles make about each.
        """)

    chapter.section("The functions and their slopes")
    let activations: [Activation] = [.step, .sigmoid, .tanh, .relu, .leakyReLU()]
    chapter.table(
        ["name", "f(h)", "f'(h)", "outputs"],
        [
            ["step", "1 if h ≥ 0, else 0", "0 (undefined at 0)", "0 or 1"],
            ["sigmoid", "1 / (1 + e^−h)", "f(h) · (1 − f(h))", "(0, 1)"],
            ["tanh", "(e^h − e^−h) / (e^h + e^−h)", "1 − f(h)²", "(−1, 1)"],
            ["ReLU", "max(0, h)", "1 if h > 0, else 0", "[0, ∞)"],
            ["leaky ReLU", "h if h > 0, else 0.01·h", "1 if h > 0, else 0.01", "(−∞, ∞)"],
        ], alignments: [.left, .left, .left, .left])
    chapter.text(
        """
        Leaky ReLU's slope of 0.01 for negative inputs is PyTorch's default. Each function and its \
        derivative at a few points, computed by the package's `Activation`:
        """)
    chapter.sourceNote(
        """
        Article 004 writes the sigmoid as `1/(1+e-x)`: the minus belongs in the exponent, `e^−x`. \
        Its tanh formula was lost from the copy the book works from; the one in the table is the \
        standard definition.
        """)
    let points: [Double] = [-6, -2, -0.5, 0, 0.5, 2, 6]
    chapter.table(
        ["h"] + activations.flatMap { ["\($0)", "\($0)'"] },
        points.map { h in [h.fixed(1)] + activations.flatMap { [$0(h).fixed(4), $0.derivative(h).fixed(4)] } })
    let grid = (0...240).map { -6.0 + 12.0 * Double($0) / 240 }
    let colors = ["#737373", "#a50f15", "#08306b", "#238b45", "#d94801"]
    func curves(_ value: (Activation, Double) -> Double) -> [Series] {
        zip(activations, colors).map { activation, color in
            Series("\(activation)", x: grid, y: grid.map { value(activation, $0) }, color: color, dashed: activation == .leakyReLU())
        }
    }
    try chapter.figure(
        Figure(
            name: "functions", title: "Activation functions", xLabel: "weighted sum h", yLabel: "f(h)", yRange: -1.5...3,
            series: curves { $0($1) }, keyPosition: .topLeft),
        caption: "Step, sigmoid, tanh, ReLU and leaky ReLU")
    try chapter.figure(
        Figure(
            name: "derivatives", title: "Their derivatives", xLabel: "weighted sum h", yLabel: "f'(h)", yRange: -0.1...1.2,
            series: curves { $0.derivative($1) }, keyPosition: .topLeft),
        caption: "The derivatives that backpropagation multiplies by")

    chapter.section("The sigmoid saturates")
    chapter.text(
        """
        Article 004's first complaint about the sigmoid: beyond about `|h| = 5` its output is pinned \
        near 0 or 1 and its slope is nearly zero, so a saturated unit passes almost no gradient \
        back, and the weights feeding it stop learning. The numbers:
        """)
    chapter.table(
        ["h", "sigmoid(h)", "sigmoid'(h)", "fraction of the largest slope (0.25)"],
        [0.0, 2, 5, 10, 20].map { h in
            [h.fixed(0), Activation.sigmoid(h).fixed(8), Activation.sigmoid.derivative(h).scientific(3),
             (Activation.sigmoid.derivative(h) / 0.25).scientific(2)]
        })
    chapter.text(
        """
        At `h = 5` a unit passes back under 3% of what it would at `h = 0`; at `h = 10`, less than \
        two parts in ten thousand. Chained over layers this is chapter 4's vanishing gradient. tanh \
        saturates in the same way (`tanh'(5) = \(Activation.tanh.derivative(5.0).scientific(2))`), \
        ReLU does not for positive `h`: its slope there is 1 however large `h` grows.
        """)

    chapter.section("Zero-centred outputs")
    var random = chapter.random
    let sums = Matrix<Double>.gaussian(rows: 1, columns: 10_000, using: &random)
    chapter.text(
        """
        The second complaint: a sigmoid's outputs are all positive. They are the inputs of the next \
        layer, and a weight's gradient is `δ_j · x_i` (chapter 4), so for one record every weight \
        into unit `j` gets a gradient with the same sign, the sign of `δ_j`: all of them go up \
        together or down together, and reaching a point where some should rise and others fall \
        takes a zig-zag. For 10,000 weighted sums drawn from a standard normal distribution:
        """)
    chapter.table(
        ["activation", "mean output", "share of outputs > 0"],
        [Activation.sigmoid, .tanh, .relu].map { activation in
            let outputs = activation(sums)
            return ["\(activation)", outputs.mean().fixed(4),
                    String(format: "%.1f%%", 100 * Double(outputs.elements.filter { $0 > 0 }.count) / Double(outputs.count))]
        })
    let record = Array(sums.elements.prefix(6))
    let delta = -0.3
    chapter.text(
        """
        tanh's outputs average near zero and take both signs, so the gradients of one unit's weights \
        come with mixed signs too. With six inputs from one record and an error term \
        `δ = \(delta)`, the gradients `δ · x_i` are
        """)
    chapter.formula(
        """
        sigmoid inputs:  \(record.map { (delta * Activation.sigmoid($0)).signed(4) }.joined(separator: "  "))
        tanh inputs:     \(record.map { (delta * Activation.tanh($0)).signed(4) }.joined(separator: "  "))
        """)
    chapter.text("ReLU's outputs are never negative either; in practice the other gains of ReLU outweigh this.")

    chapter.section("ReLU: a gradient of 0 or 1, and dead units")
    chapter.text(
        """
        ReLU's derivative is 1 where the unit is active and 0 where it is not, so it neither shrinks \
        nor amplifies the error terms it passes back, and it costs one comparison. The price is the \
        0: a unit whose weighted sum is negative for *every* input passes no gradient back, its \
        weights never change again, and it is *dead*. Article 004 warns that 10–20% of a network's \
        ReLUs can be dead. A large update can push a unit's bias far negative; here is a layer of \
        \(knobs.units.grouped) ReLU unit\(knobs.units == 1 ? "" : "s") on 1,000 standard-normal inputs with 10 features, before and after the biases \
        drop by \(String(format: "%g", knobs.biasDrop)):
        """)
    let inputs = Matrix<Double>.gaussian(rows: 1000, columns: 10, using: &random)
    var layer = try Dense<Double>(inputs: 10, units: knobs.units, activation: .relu, using: &random)
    func deadFraction(_ layer: Dense<Double>) throws -> Double {
        let outputs = try layer.forward(inputs)
        let dead = (0..<layer.unitCount).filter { j in (0..<inputs.rows).allSatisfy { outputs[$0, j] == 0 } }
        return Double(dead.count) / Double(layer.unitCount)
    }
    let before = try deadFraction(layer)
    layer.bias = layer.bias.map { $0 - knobs.biasDrop }
    let after = try deadFraction(layer)
    var leaky = layer
    leaky.activation = .leakyReLU()
    let trace = try layer.forwardTrace(inputs), leakyTrace = try leaky.forwardTrace(inputs)
    let upstream = Matrix<Double>(rows: 1000, columns: knobs.units, repeating: 1e-3)
    let reluGradients = try layer.backward(trace, outputGradient: upstream).gradients.weights
    let leakyGradients = try leaky.backward(leakyTrace, outputGradient: upstream).gradients.weights
    let deadUnits = (0..<knobs.units).filter { j in (0..<1000).allSatisfy { trace.output[$0, j] == 0 } }
    let reluDeadGradient = deadUnits.map { j in (0..<10).map { abs(reluGradients[$0, j]) }.max()! }.max() ?? 0
    let leakyDeadGradient = deadUnits.map { j in (0..<10).map { abs(leakyGradients[$0, j]) }.max()! }.max() ?? 0
    chapter.table(
        ["layer", "dead units (zero on all 1,000 inputs)"],
        [["biases 0 (as initialized)", String(format: "%.0f%%", 100 * before)], ["biases −\(String(format: "%g", knobs.biasDrop))", String(format: "%.0f%%", 100 * after)]])
    chapter.text(
        deadUnits.isEmpty
            ? """
            No unit is dead here: after a drop of \(String(format: "%g", knobs.biasDrop)) every unit is still positive on some \
            input, so every one still gets a gradient; a larger drop kills them. Leaky ReLU's answer \
            to dead units is to keep a small slope, `0.01·h`, for negative inputs, so that even a unit \
            that is negative everywhere gets a gradient (article 002: "a small slope to keep the \
            updates alive").
            """
            : """
            For the \(deadUnits.count) dead unit\(deadUnits.count == 1 ? "" : "s") the backward pass gives weight gradients of exactly \
            \(reluDeadGradient == 0 ? "0" : reluDeadGradient.scientific(2)): nothing can revive them. \
            With leaky ReLU the same units still output `0.01·h` and get gradients up to \
            \(leakyDeadGradient.scientific(2)), small but enough to move them back. That is leaky ReLU's \
            whole idea (article 002: "a small slope to keep the updates alive").
            """)

    chapter.section("PReLU: a slope that is learned")
    let prelu = try PReLU<Double>()
    chapter.text(
        """
        Leaky ReLU fixes the slope for negative inputs at 0.01. The *parametric* ReLU (He et al., \
        2015) makes that slope `a` a parameter, learned by gradient descent like a weight: \
        `f(h) = max(0, h) + a·min(0, h)`. The package's `PReLU` follows PyTorch's `nn.PReLU`: one \
        slope shared by the whole layer (`num_parameters=1`) or one per channel, each starting at \
        `init=\(prelu.weight[0, 0].fixed(2))`, stored as the parameter `weight`. Backpropagation \
        needs two derivatives: `∂f/∂h`, 1 for `h > 0` and `a` otherwise, passes the error on as \
        for any activation; `∂f/∂a = min(0, h)` gives the slope's gradient, summed over every \
        record and every number that shares the slope. At `a = \(prelu.weight[0, 0].fixed(2))`, \
        from the layer's own forward and backward passes:
        """)
    chapter.table(
        ["h", "f(h)", "∂f/∂h", "∂f/∂a"],
        try points.map { h in
            let x = Matrix<Double>(row: [h])
            let gradients = try prelu.gradients(at: x, outputGradient: Matrix(row: [1]))
            return [h.fixed(1), try prelu(x)[0, 0].fixed(4), gradients.input[0, 0].fixed(4), gradients.weight[0, 0].fixed(4)]
        })
    let fitSeeds = (0..<5).map { chapter.options.seed &+ 20 &+ UInt64($0) }
    let units: [AbsoluteValueFit.Unit] = [.prelu, .relu, .leakyReLU]
    let fits = try units.map { unit in try fitSeeds.map { try AbsoluteValueFit.run(unit, seed: $0) } }
    let slopes = fits[0].map { $0.slope! }
    chapter.text(
        """
        Does the slope learn? A task that needs a negative slope: fit `|x|` on \(AbsoluteValueFit.pointCount) \
        points of [\(AbsoluteValueFit.inputRange.lowerBound.fixed(0)), \(AbsoluteValueFit.inputRange.upperBound.fixed(0))] \
        with the smallest network there is, one unit, the activation, and one output \
        (`y = v·f(w·x + b) + c`, Adam with learning rate \(AbsoluteValueFit.learningRate.fixed(2)), \
        minibatches of \(AbsoluteValueFit.batchSize), \
        \(fits[0][0].slopeByEpoch.count) epochs). With PReLU it computes `|x|` exactly when `a = −1` \
        (and `v·w = 1`, `b = c = 0`); ReLU and leaky ReLU, whose slopes are fixed, can only fit one \
        arm of the V and a straight line for the other. Over \(fitSeeds.count) seeds (each its own \
        data, weights and shuffling), the mean squared error after training and the learned `a`:
        """)
    // the first epoch after which the slope stays within 0.01 of −1
    let settled = fits[0].map { fit in (fit.slopeByEpoch.lastIndex { abs($0 + 1) >= 0.01 } ?? -1) + 2 }
    /// Whether seed `i`'s slope ends within 0.01 of −1.
    func isSettled(_ i: Int) -> Bool { settled[i] <= fits[0][i].slopeByEpoch.count }
    chapter.table(
        ["seed"] + units.map { "error, \($0)" } + ["learned a", "a within 0.01 of −1 from epoch"],
        fitSeeds.indices.map { i in
            [String(fitSeeds[i])] + units.indices.map { fits[$0][i].loss.scientific(2) } + [slopes[i].signed(4), isSettled(i) ? String(settled[i]) : "never"]
        })
    let slowest = settled.indices.max { settled[$0] < settled[$1] }!
    let unsettled = fitSeeds.indices.filter { !isSettled($0) }
    // the slowest seed's slope stopped near 0 (within 0.1) on its way
    let stoppedNearZero = fits[0][slowest].slopeByEpoch.contains { abs($0) < 0.1 }
    let slowestStory =
        !unsettled.isEmpty
        ? "\(fitSeeds.count - unsettled.count) of \(fitSeeds.count) seeds settle there\(unsettled.count == fitSeeds.count ? "" : ", the median within \(fitSeeds.indices.filter(isSettled).map { settled[$0] }.sorted()[(fitSeeds.count - unsettled.count) / 2]) epochs"); from seed\(unsettled.count == 1 ? "" : "s") \(unsettled.map { String(fitSeeds[$0]) }.listed) the slope never gets within 0.01 of −1 (it ends at \(unsettled.map { slopes[$0].signed(4) }.listed))."
        : stoppedNearZero
            ? "Most seeds settle within \(settled.sorted()[settled.count / 2]) epochs (the median); seed \(fitSeeds[slowest]) takes \(settled[slowest]): its slope first stops near 0, where the network sits on the same one-armed fit as ReLU and the slope's gradient is small, and only later escapes to −1."
            : "Most seeds settle within \(settled.sorted()[settled.count / 2]) epochs (the median); seed \(fitSeeds[slowest]) takes \(settled[slowest])."
    let preluWorst = fits[0].map(\.loss).max()!, fixedBest = fits[1...].flatMap { $0.map(\.loss) }.min()!
    chapter.text(
        """
        From \(prelu.weight[0, 0].fixed(2)) the slope travels to between \(slopes.min()!.signed(4)) and \(slopes.max()!.signed(4)), \
        and PReLU's largest error over the seeds, \(preluWorst.scientific(2)), is \
        \(preluWorst < fixedBest ? "below the smallest of ReLU's and leaky ReLU's, \(fixedBest.scientific(2)): the gap is far wider than the spread between seeds" : "not below the smallest of ReLU's and leaky ReLU's, \(fixedBest.scientific(2)): over these seeds the learned slope does not win")\
        . \(slowestStory) The figure shows the learned function beside the fixed ones, and the slope \
        epoch by epoch:
        """)
    // not every start escapes: seed 2 is one that stays on the one-armed fit
    let stuck = try AbsoluteValueFit.run(.prelu, seed: 2), stuckReLU = try AbsoluteValueFit.run(.relu, seed: 2)
    let stays = abs(stuck.slope! + 1) > 0.5
    let learned = slopes[0]
    var preluFigure = Figure(name: "prelu", title: "PReLU", xLabel: "", yLabel: "")
    let preluGrid = grid.map { $0 / 2 }
    preluFigure.panels = [
        Figure(
            name: "function", title: "f(h) = max(0, h) + a·min(0, h)", xLabel: "weighted sum h", yLabel: "f(h)", yRange: -1...3,
            series: [
                Series("ReLU (a = 0)", x: preluGrid, y: preluGrid.map { max(0, $0) }, color: colors[3]),
                Series("leaky ReLU (a = 0.01)", x: preluGrid, y: preluGrid.map { Activation.leakyReLU()($0) }, color: colors[4], dashed: true),
                Series("PReLU at the start (a = \(prelu.weight[0, 0].fixed(2)))", x: preluGrid, y: try prelu(Matrix(row: preluGrid)).elements, color: colors[1]),
                Series("PReLU learned (a = \(learned.signed(3)))", x: preluGrid, y: preluGrid.map { max(0, $0) + learned * min(0, $0) }, color: colors[2]),
            ], keyPosition: .topLeft),
        Figure(
            name: "slope", title: "The learned slope a, epoch by epoch", xLabel: "epoch", yLabel: "a",
            yRange: (fits[0].flatMap(\.slopeByEpoch).min()! - 0.1)...(fits[0].flatMap(\.slopeByEpoch).max()! + 0.3),
            series: zip(fitSeeds, zip(fits[0], ["#08306b", "#a50f15", "#238b45", "#d94801", "#6a51a3"])).map { seed, pair in
                Series("seed \(seed)", y: pair.0.slopeByEpoch, color: pair.1, lineWidth: 1.5)
            },
            keyPosition: .topRight),
    ]
    preluFigure.width = 1200
    preluFigure.height = 480
    try chapter.figure(preluFigure, caption: "PReLU before and after learning its slope on |x|, and the slope during training (one line per seed)")
    chapter.text(
        stays
            ? """
            Not every start gets there. From seed 2 the slope stops at \(stuck.slope!.signed(4)) and stays: \
            the fit keeps one arm, with an error of \(stuck.loss.scientific(2)) against ReLU's \
            \(stuckReLU.loss.scientific(2)) from the same seed. A learnable slope makes `|x|` reachable, not \
            certain: gradient descent settles in the minimum nearest its start (chapter 9).
            """
            : """
            From seed 2 as well the slope reaches \(stuck.slope!.signed(4)) (error \(stuck.loss.scientific(2))).
            """)

    chapter.section("Softmax: scores to probabilities")
    chapter.text(
        """
        For a choice among several classes the output layer uses softmax (article 003): each output \
        is `e^(z_k) / Σ_j e^(z_j)`, positive, and the outputs of a record sum to 1, so they read as \
        probabilities. Unlike the functions above, each output depends on the whole row of scores \
        (*logits*) `z`.
        """)
    let logits = try Matrix<Double>([[2, 1, 0.1], [1000, 999, 998], [-5, 0, 5]])
    let probabilities = Softmax.forward(logits)
    let naive = Softmax.naive(logits)
    chapter.table(
        ["logits z", "softmax(z)", "sum", "the formula as written"],
        (0..<logits.rows).map { r in
            [logits.rowArray(r).map { $0.fixed(1) }.joined(separator: ", "), probabilities.rowArray(r).map { $0.fixed(4) }.joined(separator: ", "),
             probabilities.rowArray(r).reduce(0, +).fixed(4), naive.rowArray(r).map { $0.isNaN ? "NaN" : $0.fixed(4) }.joined(separator: ", ")]
        })
    chapter.text(
        """
        The second row is why softmax is never computed as written: `e^1000` overflows a Double to \
        infinity and infinity divided by infinity is NaN. Subtracting the row's largest score first \
        changes nothing mathematically (the factor `e^−max` cancels between top and bottom) and \
        keeps every exponent at most 0. Softmax only looks at differences between scores, so the \
        second row gives the same probabilities as `[2, 1, 0]` would. The package's `Softmax` does \
        this, as PyTorch does, and its backward pass uses `∂s_k/∂z_j = s_k (δ_kj − s_j)`.
        """)
}
