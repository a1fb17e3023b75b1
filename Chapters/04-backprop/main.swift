// Chapter 4: backpropagation with delta terms (articles 003, 004 and 000).
import ArgumentParser
import Teach
import TeachBook

/// The choices the chapter turns on, with the book's values as defaults.
struct Knobs: ChapterKnobs {
    @Option(parsing: .unconditional, help: "Learning rate η of the 2-2-1 network that learns XNOR.")
    var learningRate = 5.0
    @Option(parsing: .unconditional, help: "Full-batch epochs of the XNOR network.")
    var epochs = 3000

    func validate() throws {
        try KnobCheck.positive(learningRate, "--learning-rate", "a learning rate")
        try KnobCheck.atLeast(1, epochs, "--epochs", "a number of epochs")
    }
}

Chapter.run("backprop", knobs: Knobs.self) { chapter, knobs in
    // The XNOR network is the chapter's first random draw, so `--seed` alone decides its start.
    var xnorNetwork = try Network<Double>(sizes: [2, 2, 1], hidden: .sigmoid, output: .sigmoid, standardDeviation: 1, using: &chapter.random)

    chapter.text(
        """
        Chapter 3 changed the weights of a single neuron, whose effect on the error is direct. In a \
        network with hidden layers a weight deep inside changes the error only through every layer \
        after it. Backpropagation finds each weight's share of the blame by running the chain rule \
        backwards from the output, one layer at a time. This chapter does it on plain numbers first, \
        then on a network with every index written out, then in matrix form, and checks the result \
        against brute force.
        """)

    chapter.section("The chain rule on a small graph")
    chapter.text(
        """
        Article 004 starts with three inputs and two operations, `d = a − b` and `e = d · c`. Each \
        operation knows its *local* derivatives: for `d = a − b` they are `∂d/∂a = 1` and \
        `∂d/∂b = −1`; for `e = d · c` they are `∂e/∂d = c` and `∂e/∂c = d`. The chain rule multiplies \
        them along the path from the output back to each input: `∂e/∂a = ∂e/∂d · ∂d/∂a = c · 1`. \
        With `a = 3`, `b = 1`, `c = −2`, the package's `GraphNode` (a tiny micrograd) computes the \
        values forwards and the gradients backwards:
        """)
    let a = GraphNode(3, name: "a"), b = GraphNode(1, name: "b"), c = GraphNode(-2, name: "c")
    let d = (a - b).named("d")
    let e = (d * c).named("e")
    e.backward()
    func number(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : value.fixed(4) }
    chapter.table(
        ["node", "computed as", "value", "∂e/∂node", "by the chain rule"],
        [
            ["a", "input", number(a.value), number(a.gradient), "∂e/∂d · ∂d/∂a = c · 1"],
            ["b", "input", number(b.value), number(b.gradient), "∂e/∂d · ∂d/∂b = c · (−1)"],
            ["c", "input", number(c.value), number(c.gradient), "∂e/∂c = d"],
            ["d", "a − b", number(d.value), number(d.gradient), "∂e/∂d = c"],
            ["e", "d · c", number(e.value), number(e.gradient), "(the output)"],
        ], alignments: [.left, .left, .right, .right, .left])
    try chapter.figure(
        Figure.computationGraph(name: "graph", title: "e = (a − b) · c: values forwards, gradients backwards", output: e, places: 0),
        caption: "The graph after e.backward(): each node's value and ∂e/∂node under it; each edge the local derivative the chain rule multiplies by")
    chapter.text(
        """
        Check one by perturbation: raising `a` by 0.001 raises `d` by 0.001 and changes `e` by \
        `−2 × 0.001`, as `∂e/∂a = \(number(a.gradient))` says. The gradient of a node is the local \
        derivative times the gradient of what it feeds, so one backward sweep, from `e` to the \
        inputs, gives all of them.
        """)
    chapter.text(
        """
        In a network a value almost always feeds several units of the next layer. Article 004's \
        second example has one input `m` feeding two nodes: `d = m − b` and `f = m · c`, then \
        `e = d · f`. A change in `m` now reaches `e` along two paths, and the chain rule adds them:
        """)
    chapter.sourceNote(
        """
        The drawing of article 004's second graph is lost from the copy the book works from; the \
        nodes `d = m − b`, `f = m · c` and `e = d · f` are ours, with one input feeding two nodes \
        as the article's text describes.
        """)
    let m = GraphNode(2, name: "m"), b2 = GraphNode(1, name: "b"), c2 = GraphNode(-3, name: "c")
    let d2 = (m - b2).named("d"), f2 = (m * c2).named("f")
    let e2 = (d2 * f2).named("e")
    e2.backward()
    chapter.formula(
        """
        m = \(number(m.value)), b = \(number(b2.value)), c = \(number(c2.value))
        d = m − b = \(number(d2.value))        f = m · c = \(number(f2.value))        e = d · f = \(number(e2.value))

        ∂e/∂m = ∂e/∂d · ∂d/∂m + ∂e/∂f · ∂f/∂m
              = f · 1 + d · c
              = (\(number(f2.value))) + (\(number(d2.value * c2.value))) = \(number(m.gradient))
        """)
    try chapter.figure(
        Figure.computationGraph(name: "graph-two-paths", title: "e = (m − b) · (m · c): m reaches e along two paths", output: e2, places: 0),
        caption: "m feeds d and f, so its gradient is the sum over the two paths: f · 1 + d · c")
    chapter.text(
        """
        Written out, `e = (m − b) · m · c = c·(m² − b·m)`, whose derivative `c·(2m − b)` is \
        \(number(c2.value * (2 * m.value - b2.value))) at these values: the sum of the paths is the \
        whole derivative. This is why `GraphNode.backward` *adds* into each input's gradient, and why \
        a hidden unit's error below is a sum over the units it feeds. Here is the whole of it: it \
        lists the nodes so that each comes after the nodes it was computed from, starts the output's \
        gradient at 1, and walks the list backwards, adding each node's local derivative times the \
        node's gradient into each of its inputs:
        """)
    try chapter.quote("graph-backward", from: "Sources/Teach/Learning/ComputationGraph.swift")

    chapter.section("Delta terms, index by index")
    chapter.text(
        """
        Now a network. Article 003 stores the weights between two layers in a matrix indexed `w_ij`: \
        row `i` is the unit the weight leaves (an input), column `j` the unit it enters. The package \
        uses exactly this layout (`Dense.weights[i, j]`), so a layer's forward pass is \
        `h_j = Σ_i w_ij x_i + b_j` and `a_j = f(h_j)`. Backpropagation gives every unit an *error \
        term* `δ`, its share of the output error, starting at the output:
        """)
    chapter.formula(
        """
        Notation: three names for one quantity, and which this book uses where
          δ_j = −∂E/∂h_j       article 003 and this chapter: points downhill, so a step adds η·δ·x
          D   = ∂E/∂H = −δ/m   the matrix form below, for a batch of m records (the loss averages)
          δ_j = ∂C/∂z_j        Nielsen and CS231n: the same derivative with the opposite sign
                               (their z is our h, their C our E)
        Every later chapter works with gradients ∂E/∂·, as the layers' backward passes do.
        """)
    chapter.formula(
        """
        output unit k:   δ_k = (y_k − ŷ_k) · f'(h_k)
        hidden unit j:   δ_j = (Σ_k w_jk δ_k) · f'(h_j)       k runs over the units that j feeds
        weight step:     Δw_ij = η · δ_j · x_i               x_i is the input the weight multiplies
        """)
    chapter.text(
        """
        The hidden rule is the fan-out sum above: unit `j` feeds every unit `k` of the next layer, \
        through `w_jk`, so its error is their errors weighted by those connections, times its own \
        slope `f'(h_j)`. The weight step has the same form for every layer, however deep: step size \
        times the error term of the unit the weight enters times the value that flows in. The \
        biases are weights on an input that is always 1, so `Δb_j = η · δ_j`.
        """)
    chapter.sourceNote(
        """
        Article 003's copy prints the hidden rule as `δjhΣ wjk δok f'(hj)`, having lost the equals \
        sign: `δ_j = f'(h_j) Σ_k w_jk δ_k`, as in chapter 4.
        """)
    // A 3-2-1 sigmoid network: three inputs and two hidden units, as in article 003's matrix.
    let x = [0.5, 0.1, -0.2], target = [0.6], rate = 0.5
    let hidden = try Dense<Double>(weights: [[0.5, -0.6], [0.1, -0.2], [0.1, 0.7]], bias: [0, 0], activation: .sigmoid, hasBias: false)
    let outputLayer = try Dense<Double>(weights: [[0.1], [-0.3]], bias: [0], activation: .sigmoid, hasBias: false)
    let layers = [hidden, outputLayer]
    chapter.text(
        """
        Take three inputs and two hidden units, the shape of article 003's matrix, with sigmoid \
        units, no biases, the record `x = [0.5, 0.1, −0.2]`, target `y = 0.6` and `η = \(rate)`:
        """)
    chapter.formula(
        Markdown.sideBySide(
            [
                "W1 (w_ij: input i → hidden j)\n" + hidden.weights.formatted(places: 1),
                "W2 (hidden j → output k)\n" + outputLayer.weights.formatted(places: 1),
            ], gap: 6))
    let forward = ScalarBackprop.forward(layers, x)
    let deltas = ScalarBackprop.errorTerms(layers, x, target: target)
    let ŷ = forward.outputs[2][0]
    let hiddenRows = (0..<2).map { j -> [String] in
        let terms = (0..<3).map { i in "\(hidden.weights[i, j].fixed(1))·\(x[i].fixed(1))" }.joined(separator: " + ")
        return ["hidden \(j + 1)", terms, forward.sums[0][j].fixed(6), forward.outputs[1][j].fixed(6)]
    }
    let outputTerms = (0..<2).map { j in "\(outputLayer.weights[j, 0].fixed(1))·\(forward.outputs[1][j].fixed(4))" }.joined(separator: " + ")
    chapter.table(
        ["unit", "h = Σ w·x", "h", "a = sigmoid(h)"],
        hiddenRows + [["output", outputTerms, forward.sums[1][0].fixed(6), ŷ.fixed(6)]],
        alignments: [.left, .left, .right, .right])
    chapter.text("Backwards, with the sigmoid's slope `f'(h) = a(1 − a)`:")
    let outputSlope = ŷ * (1 - ŷ)
    var deltaRows: [[String]] = [
        ["output", "(y − ŷ) · f'(h) = \((target[0] - ŷ).fixed(6)) × \(outputSlope.fixed(6))", deltas[1][0].fixed(8)],
    ]
    for j in 0..<2 {
        let aj = forward.outputs[1][j]
        deltaRows.append([
            "hidden \(j + 1)",
            "w_\(j + 1)1 · δ_out · f'(h) = \(outputLayer.weights[j, 0].fixed(1)) × \(deltas[1][0].fixed(6)) × \((aj * (1 - aj)).fixed(6))",
            deltas[0][j].fixed(8),
        ])
    }
    chapter.table(["unit", "error term", "δ"], deltaRows, alignments: [.left, .left, .right])
    let steps = ScalarBackprop.weightSteps(layers, inputs: Matrix(row: x), targets: Matrix(row: target))
    chapter.text(
        """
        and the weight steps `Δw_ij = η δ_j x_i`, where the hidden layer's inputs are `x` and the \
        output layer's are the hidden outputs:
        """)
    chapter.formula(
        Markdown.sideBySide(
            [
                "ΔW1 = η · x_i · δ_j\n" + (steps[0].weights * rate).formatted(places: 8),
                "ΔW2 = η · a_j · δ_out\n" + (steps[1].weights * rate).formatted(places: 8),
            ], gap: 6))

    chapter.section("The same in matrix form")
    chapter.text(
        """
        The loops above are how the article writes backpropagation; they are also slow. With a \
        batch of records as the rows of `X` (`m × inputs`), each sum over an index becomes a matrix \
        product, and a whole layer is four lines:
        """)
    chapter.formula(
        """
        forward:    H = X·W + b                    A = f(H)
        backward:   D = G ⊙ f'(H)                  G = ∂E/∂A, from the layer above or the loss
                    ∂E/∂W = Xᵀ·D                   sums x_i · D_j over the records
                    ∂E/∂b = column sums of D
                    ∂E/∂X = D·Wᵀ                   the G of the layer below: Σ_k w_jk D_k
        """)
    chapter.text(
        """
        The package's `Dense` layer is these lines. Its forward pass computes `H` and `A` and keeps \
        them, with `X`, in a trace for the backward pass:
        """)
    try chapter.quote("dense-forward", from: "Sources/Teach/Layers/Dense.swift")
    chapter.text(
        """
        and its backward pass is the formulas' four lines: `activation.gradient` multiplies `G` by \
        `f'(H)`, `transposedMatmul` is `Xᵀ·D`, `columnSums` gives `∂E/∂b`, and `matmulTransposed` \
        is `D·Wᵀ` (skipped for the first layer, whose input is the data):
        """)
    try chapter.quote("dense-backward", from: "Sources/Teach/Layers/Dense.swift")
    chapter.text(
        """
        `D` is `∂E/∂H`, and it is the error terms with the sign flipped and divided by `m`: \
        `D = −δ/m`, because the loss averages over the batch. So `−η ∂E/∂W = η Xᵀδ / m` is the \
        article's update, weight steps summed over the records and divided by `m`. Both forms on \
        the example above, and on a batch of four records through a 3-4-3-2 network, compared \
        number by number:
        """)
    func largestDifference(_ network: [Dense<Double>], _ inputs: Matrix<Double>, _ targets: Matrix<Double>) throws -> (outputs: Double, deltas: Double, steps: Double) {
        let pass = try Network(network).backpropagate(inputs, targets: targets, loss: .halfSquaredError)
        let loopSteps = ScalarBackprop.weightSteps(network, inputs: inputs, targets: targets)
        var worst = (outputs: 0.0, deltas: 0.0, steps: 0.0)
        let mCount = Double(inputs.rows)
        for record in 0..<inputs.rows {
            let loop = ScalarBackprop.forward(network, inputs.rowArray(record))
            for (k, value) in loop.outputs[network.count].enumerated() { worst.outputs = max(worst.outputs, abs(value - pass.output[record, k])) }
            let loopDeltas = ScalarBackprop.errorTerms(network, inputs.rowArray(record), target: targets.rowArray(record))
            for l in network.indices {
                for j in 0..<network[l].unitCount { worst.deltas = max(worst.deltas, abs(loopDeltas[l][j] - pass.errorTerms[l][record, j])) }
            }
        }
        for l in network.indices {
            let matrixSteps = pass.gradients[l].weights * (-mCount)
            worst.steps = max(worst.steps, (try loopSteps[l].weights - matrixSteps).maxMagnitude())
        }
        return worst
    }
    var comparisonRandom = SeededGenerator(seed: chapter.options.seed &+ 1)
    let deeper = try Network<Double>(sizes: [3, 4, 3, 2], hidden: .tanh, output: .sigmoid, using: &comparisonRandom)
    let batch = Matrix<Double>.uniform(rows: 4, columns: 3, in: -1..<1, using: &comparisonRandom)
    let batchTargets = Matrix<Double>.uniform(rows: 4, columns: 2, in: 0..<1, using: &comparisonRandom)
    let small = try largestDifference(layers, Matrix(row: x), Matrix(row: target))
    let large = try largestDifference(deeper.layers, batch, batchTargets)
    chapter.text(
        """
        The second network below uses *tanh* in its hidden layers, `f(h) = (eʰ − e⁻ʰ)/(eʰ + e⁻ʰ)`, \
        a sigmoid stretched to outputs between −1 and 1, with slope `f'(h) = 1 − f(h)²`; the \
        networks later in this chapter use *ReLU*, `f(h) = max(0, h)`, slope 1 where `h > 0` and \
        0 elsewhere, and the *identity*, `f(h) = h`, slope 1, for an output that may be any \
        number. Only the slope changes in the backward pass; chapter 7 compares the functions.
        """)
    chapter.table(
        ["network", "records", "largest difference: outputs", "error terms δ", "weight steps"],
        [
            ["3-2-1 sigmoid (above)", "1", small.outputs.scientific(2), small.deltas.scientific(2), small.steps.scientific(2)],
            ["3-4-3-2 tanh, sigmoid output", "4", large.outputs.scientific(2), large.deltas.scientific(2), large.steps.scientific(2)],
        ])
    chapter.text(
        """
        The differences are zero or a few units in the last place of a Double: the loops and the \
        matrix products do the same multiplications, in a slightly different order. (A test in \
        `Tests/TeachTests/Learning` holds them to 1e-12.)
        """)

    chapter.section("The general algorithm")
    chapter.text("Article 003 sums it up as an algorithm over `m` records, repeated for `e` epochs:")
    chapter.list(
        [
            "Set every weight step to zero: `Δw_ij = 0` for every layer.",
            "For each record: run the forward pass to get `ŷ`; compute the output error term; propagate the error terms back through the hidden layers; add `δ_j x_i` to each `Δw_ij`.",
            "Update every weight: `w_ij ← w_ij + η Δw_ij / m`.",
            "Repeat for `e` epochs.",
        ], numbered: true)
    chapter.text(
        """
        `ScalarBackprop.trainEpoch` is this algorithm with loops; one full-batch step of the matrix \
        code (`Network.backpropagate` then `descend`) is the same update. Dividing by `m` makes the \
        step the *average* over the records, so the learning rate does not have to change with the \
        size of the data set.
        """)

    chapter.section("Checking backprop against brute force")
    chapter.text(
        """
        A gradient can also be measured without any calculus: nudge one weight up by `ε`, then down \
        by `ε`, and see how the loss changes, `∂E/∂w ≈ (E(w + ε) − E(w − ε)) / 2ε`. This costs two \
        forward passes per weight, far too slow for training, but it is the standard way to catch a \
        wrong backward pass. `GradientCheck` does it for every weight and bias (in Double, \
        `ε = \(GradientCheck.defaultEpsilon.scientific(1))`, small enough for the formula's own error and large enough \
        that rounding in the loss does not swamp the difference) \
        and reports the largest relative error `|a − n| / (|a| + |n|)`:
        """)
    var checkRandom = SeededGenerator(seed: chapter.options.seed &+ 2)
    var checks: [[String]] = []
    var worstRelativeError = 0.0
    for (sizes, hiddenActivation, output, hasBias, records) in [
        ([2, 2, 1], Activation.sigmoid, Activation.sigmoid, true, 4),
        ([3, 4, 3, 2], .tanh, .sigmoid, true, 5),
        ([4, 6, 6, 6, 2], .relu, .identity, true, 8),
        ([4, 6, 6, 6, 2], .relu, .identity, false, 1),
    ] {
        let network = try Network<Double>(sizes: sizes, hidden: hiddenActivation, output: output, hasBias: hasBias, using: &checkRandom)
        let inputs = Matrix<Double>.uniform(rows: records, columns: sizes[0], in: -1..<1, using: &checkRandom)
        let targets = Matrix<Double>.uniform(rows: records, columns: sizes.last!, in: 0..<1, using: &checkRandom)
        let check = try GradientCheck.run(network, inputs: inputs, targets: targets)
        worstRelativeError = max(worstRelativeError, check.maxRelativeError)
        checks.append([
            sizes.map(String.init).joined(separator: "-"), "\(hiddenActivation), \(output) output", hasBias ? "yes" : "no", String(records),
            String(check.parametersChecked), check.maxRelativeError.scientific(2),
        ])
    }
    chapter.table(["network", "activations", "biases", "records", "parameters checked", "largest relative error"], checks)
    let worstCheck = worstRelativeError
    chapter.text(
        """
        Every relative error is well below 1e-6 (the largest is \
        \(worstCheck.scientific(2))): the analytic gradients are \
        right, to about the accuracy of the finite differences themselves. A wrong sign, a missing \
        `f'(h)` or a transposed matrix would show up here as errors near 1.
        """)

    chapter.section("Learning XNOR")
    chapter.text(
        """
        Chapter 2 built XNOR by hand from two layers of step neurons. With sigmoid units instead of \
        steps the network is differentiable, so backpropagation can find the weights itself. A 2-2-1 \
        network starts from Gaussian random weights (standard deviation 1, seed \(chapter.options.seed)) \
        and zero biases:
        """)
    let xnorInputs = LogicGate.inputs
    let xnorTargets = Matrix(column: LogicGate.xnor.targets)
    chapter.formula(
        Markdown.sideBySide(
            [
                "W1\n" + xnorNetwork.layers[0].weights.formatted(places: 4), "b1\n" + xnorNetwork.layers[0].bias.formatted(places: 1),
                "W2\n" + xnorNetwork.layers[1].weights.formatted(places: 4), "b2\n" + xnorNetwork.layers[1].bias.formatted(places: 1),
            ], gap: 4))
    let xnorRate = knobs.learningRate, xnorEpochs = knobs.epochs
    var trainingRandom = SeededGenerator(seed: chapter.options.seed)
    let history = try xnorNetwork.train(
        inputs: xnorInputs, targets: xnorTargets, learningRate: xnorRate, batchSize: 4, epochs: xnorEpochs, shuffle: false,
        using: &trainingRandom)
    let final = try xnorNetwork.predict(xnorInputs)
    // Two phases: somewhere a tenth of the epochs long the loss falls by less than 2% (a plateau),
    // and by the end it is below a tenth of that plateau's level (the drop).
    let window = max(1, xnorEpochs / 10)
    let plateau = stride(from: 0, through: xnorEpochs - window, by: 1).first { history[$0 + window].loss > 0.98 * history[$0].loss }
    let startLoss = history[0].loss, finalLoss = history.last!.loss
    let phases =
        plateau.map { finalLoss < history[$0].loss / 10 } ?? false
        ? "The loss falls in two phases: a long plateau while the hidden units are still nearly alike, then a drop once they split the work between them:"
        : finalLoss < startLoss / 10
            ? "The loss falls without a long plateau at this learning rate:"
            : "In \(xnorEpochs) epochs the loss does not fall far (from \(startLoss.scientific(2)) to \(finalLoss.scientific(2))):"
    chapter.text(
        """
        It trains with the general algorithm on all four records at once (full batch), `η = \(xnorRate)`, \
        for \(xnorEpochs) epochs. \(phases)
        """)
    try chapter.figure(
        Figure(
            name: "xnor-loss", title: "A 2-2-1 sigmoid network learning XNOR", xLabel: "epoch", yLabel: "loss (log scale)",
            logScaleY: true,
            series: [Series("half squared error", x: history.map { Double($0.epoch) }, y: history.map(\.loss), color: "#08306b")]),
        caption: "The loss of the 2-2-1 network on XNOR while it trains")
    chapter.table(
        ["x1", "x2", "output ŷ", "rounded", "x1 XNOR x2"],
        (0..<4).map { r in
            [xnorInputs[r, 0].fixed(0), xnorInputs[r, 1].fixed(0), final[r, 0].fixed(4), final[r, 0] >= 0.5 ? "1" : "0", LogicGate.xnor.targets[r].fixed(0)]
        })
    let accuracy = binaryAccuracy(final, targets: xnorTargets)
    chapter.text(
        """
        The final loss is \(history.last!.loss.scientific(2)) and \(Int(accuracy * 4)) of 4 outputs \
        round to the right answer. \(accuracy == 1
            ? "Like the hand-built network of chapter 2, the learned one draws two lines and keeps a band, but soft ones; its learned weights are different numbers with the same idea:"
            : "It has not learned XNOR; its weights after \(xnorEpochs) epochs:")
        """)
    chapter.formula(
        Markdown.sideBySide(
            [
                "W1\n" + xnorNetwork.layers[0].weights.formatted(places: 3), "b1\n" + xnorNetwork.layers[0].bias.formatted(places: 3),
                "W2\n" + xnorNetwork.layers[1].weights.formatted(places: 3), "b2\n" + xnorNetwork.layers[1].bias.formatted(places: 3),
            ], gap: 4))
    let surface = try Figure.decisionSurface(
        name: "xnor-surface", title: "The learned XNOR network's output over the input plane", span: -0.5...1.5,
        colorBarLabel: "network output", inputs: xnorInputs, targets: LogicGate.xnor.targets
    ) { x1, x2 in try xnorNetwork.predict(Matrix(row: [x1, x2]))[0, 0] }
    try chapter.figure(surface, caption: "The decision surface the 2-2-1 network learned for XNOR")

    chapter.section("Vanishing gradients")
    chapter.text(
        """
        The hidden rule multiplies by `f'(h_j)` once per layer on the way back. The sigmoid's slope \
        is at most 0.25 (at `h = 0`), so each sigmoid layer shrinks the error terms by a factor of \
        four or more, and after ten layers little is left: article 000's *vanishing gradient*. The \
        first layers then barely learn. ReLU's slope is 1 wherever the unit is active, so it passes \
        the error back undiminished (its weights must then be scaled to keep the sizes steady, \
        which is chapter 8's subject; here each layer's weights have standard deviation \
        `√(2/inputs)` for ReLU and `1/√inputs` for the sigmoid).
        """)
    chapter.text(
        """
        Two networks of ten layers (nine hidden layers of 32 units and a sigmoid output unit), on the same 256 random inputs and targets, one \
        backward pass each; the mean `|δ|` of every layer:
        """)
    var deepRandom = SeededGenerator(seed: chapter.options.seed &+ 3)
    let width = 32, depth = 10, records = 256
    let deepInputs = Matrix<Double>.gaussian(rows: records, columns: width, using: &deepRandom)
    let deepTargets = Matrix<Double>.uniform(rows: records, columns: 1, in: 0..<1, using: &deepRandom)
    var means: [Activation: [Double]] = [:]
    for activation in [Activation.sigmoid, .relu] {
        let deviation = activation == .relu ? (2.0 / Double(width)).squareRoot() : 1 / Double(width).squareRoot()
        let network = try Network<Double>(
            sizes: Array(repeating: width, count: depth) + [1], hidden: activation, output: .sigmoid,
            standardDeviation: deviation, using: &deepRandom)
        let pass = try network.backpropagate(deepInputs, targets: deepTargets, loss: .halfSquaredError)
        means[activation] = pass.errorTerms.map { $0.map { abs($0) }.mean() }
    }
    let sigmoidMeans = means[.sigmoid]!, reluMeans = means[.relu]!
    chapter.table(
        ["layer", "sigmoid: mean |δ|", "ReLU: mean |δ|"],
        (0..<sigmoidMeans.count).map { l in
            [l == depth - 1 ? "\(l + 1) (output)" : String(l + 1), sigmoidMeans[l].scientific(2), reluMeans[l].scientific(2)]
        })
    try chapter.figure(
        Figure(
            name: "vanishing", title: "Error terms layer by layer: sigmoid against ReLU", xLabel: "layer (1 = first hidden layer)",
            yLabel: "mean |δ| (log scale)", xTickStep: 1, logScaleY: true,
            series: [
                Series("sigmoid", y: sigmoidMeans, style: .linesPoints, color: "#a50f15", pointType: 7),
                Series("ReLU", y: reluMeans, style: .linesPoints, color: "#08306b", pointType: 5),
            ],
            keyPosition: .bottomRight),
        caption: "Mean |δ| per layer of two 10-layer networks: the sigmoid's error terms vanish towards the input")
    let sigmoidShrink = sigmoidMeans[depth - 2] / sigmoidMeans[0]
    let reluShrink = reluMeans[depth - 2] / reluMeans[0]
    chapter.text(
        """
        From the last hidden layer back to the first, the sigmoid network's error terms shrink by a \
        factor of about \(Int(sigmoidShrink.rounded()).grouped), the ReLU network's by \
        \(reluShrink.fixed(1)). Since `Δw_ij = η δ_j x_i`, the sigmoid network's first layer learns \
        that many times more slowly than its last. This, more than anything, is why deep networks \
        use ReLU in their hidden layers.
        """)
}
