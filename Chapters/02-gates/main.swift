// Chapter 2: logic gates as networks (article 004).
import ArgumentParser
import Teach
import TeachBook

/// The choices the chapter turns on, with the book's values as defaults.
struct Knobs: ChapterKnobs {
    @Option(parsing: .unconditional, help: "Learning rate η of the perceptron rule on XNOR.")
    var learningRate = 0.1
    @Option(parsing: .unconditional, help: "Epochs the perceptron rule gets on XNOR (at least 10: the text quotes the last ten).")
    var epochs = 50

    func validate() throws {
        try KnobCheck.positive(learningRate, "--learning-rate", "a learning rate")
        try KnobCheck.atLeast(10, epochs, "--epochs", "a number of epochs")
    }
}

Chapter.run("gates", knobs: Knobs.self) { chapter, knobs in
    let inputs = LogicGate.inputs
    let bits = { (value: Double) in value.fixed(0) }

    chapter.text(
        """
        The perceptron of chapter 1 found weights for AND and OR by trial and correction. Here we \
        set the weights by hand, as article 004 does, and see what one neuron can compute and what \
        it cannot. Every neuron in this chapter uses the step activation, `f(h) = 1` for `h ≥ 0` \
        and `0` otherwise, and every table below is computed by running the network, not typed in.
        """)

    chapter.section("AND, OR and NOT from one neuron each")
    chapter.text(
        """
        With both input weights 1, the bias alone decides how many inputs must be on before the sum \
        reaches zero. A bias of −1.5 needs both of them, which is AND:
        """)
    chapter.formula("a = f(−1.5 + x1 + x2)")

    /// The truth table of a one-unit layer over the four input pairs: x1, x2, h, a, and the expected output.
    func gateTable(_ layer: Dense<Double>, expected: [Double]) throws -> [[String]] {
        let sums = try layer.weightedSums(inputs), outputs = try layer.forward(inputs)
        return (0..<inputs.rows).map { row in
            [bits(inputs[row, 0]), bits(inputs[row, 1]), sums[row, 0].fixed(1), bits(outputs[row, 0]),
             bits(expected[row])]
        }
    }
    chapter.table(["x1", "x2", "h", "a", "x1 AND x2"], try gateTable(LogicNetworks.and[0], expected: LogicGate.and.targets))
    chapter.text(
        """
        The column `a` is AND, row for row. The −1.5 is not special. With input weights 1, the \
        neuron computes AND for any bias `b` that keeps `b + 1` below zero (one input on is not \
        enough) while `b + 2` reaches zero (both on is): `−2 ≤ b < −1`. The article says "any value \
        between −1 and −2"; with our `f(0) = 1` the end −2 works too and −1 does not. Sliding the \
        bias through a range of values shows the whole family:
        """)
    var sweep: [[String]] = []
    for step in 0...10 {
        let bias = -2.5 + 0.25 * Double(step)
        let layer = try Dense<Double>(weights: [[1], [1]], bias: [bias], activation: .step)
        let outputs = try layer.forward(inputs).elements
        let gate = LogicGate.allCases.first { $0.targets == outputs }
        let name = gate?.rawValue ?? (outputs.allSatisfy { $0 == 0 } ? "always 0" : outputs.allSatisfy { $0 == 1 } ? "always 1" : "other")
        sweep.append([bias.fixed(2), outputs.map(bits).joined(separator: " "), name])
    }
    chapter.table(["bias b", "a for 00 01 10 11", "computes"], sweep, alignments: [.right, .left, .left])
    chapter.text(
        """
        Between "never" and "always" the same neuron is AND, then OR: OR only needs one input on, \
        so its bias must lie in `−1 ≤ b < 0`. The article's choice is −0.5:
        """)
    chapter.formula("a = f(−0.5 + x1 + x2)")
    chapter.table(["x1", "x2", "h", "a", "x1 OR x2"], try gateTable(LogicNetworks.or[0], expected: LogicGate.or.targets))
    chapter.text(
        """
        NOT has one input. A negative weight turns the input around and a positive bias makes \
        "input off" fire:
        """)
    chapter.formula("a = f(1 − 2·x1)")
    let notLayer = LogicNetworks.not[0]
    let notInputs = Matrix<Double>(column: [0, 1])
    let notSums = try notLayer.weightedSums(notInputs), notOutputs = try notLayer.forward(notInputs)
    chapter.table(
        ["x1", "h", "a", "NOT x1"],
        (0..<2).map { [bits(notInputs[$0, 0]), notSums[$0, 0].fixed(1), bits(notOutputs[$0, 0]), bits(1 - notInputs[$0, 0])] })

    chapter.section("XNOR: where one neuron is not enough")
    chapter.text(
        """
        XNOR is 1 when its two inputs are equal. Its truth table is short, but no single neuron \
        reproduces it. Suppose weights `w0, w1, w2` did. The four rows would demand
        """)
    chapter.formula(
        """
        (0, 0) → 1:   w0           ≥ 0
        (1, 1) → 1:   w0 + w1 + w2 ≥ 0
        (0, 1) → 0:   w0 + w2      < 0
        (1, 0) → 0:   w0 + w1      < 0
        """)
    chapter.text(
        """
        Adding the first two lines gives `2·w0 + w1 + w2 ≥ 0`; adding the last two gives \
        `2·w0 + w1 + w2 < 0`. Both cannot hold, so no weights exist. Geometrically, a neuron splits \
        the plane with one straight line, and no line has (0, 0) and (1, 1) on one side and (0, 1) \
        and (1, 0) on the other.
        """)
    let budget = knobs.epochs
    var perceptron = Perceptron(inputs: 2, using: &chapter.random)
    let start = perceptron.weights
    let history = try perceptron.train(
        inputs: inputs, targets: LogicGate.xnor.targets, learningRate: knobs.learningRate, maxEpochs: budget)
    let mistakes = history.errorsPerEpoch
    chapter.text(
        """
        The perceptron rule of chapter 1 agrees. Started from random weights \
        (`\(start.map { $0.fixed(4) }.joined(separator: ", "))`) with `η = \(knobs.learningRate)` and a budget of \
        \(budget) epochs on XNOR, it \(history.converged ? "converged, which the proof above rules out" : "never had an epoch without a mistake"): \
        between \(mistakes.min()!) and \(mistakes.max()!) mistakes in every epoch, \
        \(mistakes.suffix(10).map(String.init).joined(separator: ", ")) in the last ten. Each \
        correction for one point undoes the last correction for another, and the line keeps \
        swinging around the square.
        """)
    try chapter.figure(
        Figure(
            name: "xnor-errors", title: "The perceptron rule on XNOR: mistakes per epoch", xLabel: "epoch",
            yLabel: "mistakes in the epoch", yRange: 0...4.2, yTickStep: 1,
            series: [Series("XNOR", y: mistakes.map(Double.init), style: .linesPoints, pointType: 7, pointSize: 0.8)],
            keyPosition: .bottomRight),
        caption: "Mistakes per epoch while the perceptron rule tries to learn XNOR: never zero")
    try chapter.figure(
        Figure.perceptronDecision(
            name: "xnor-perceptron", title: "XNOR: the perceptron's line after \(budget) epochs",
            perceptron: perceptron, inputs: inputs, targets: LogicGate.xnor.targets),
        caption: "Where the perceptron's line ended on XNOR: some point is always on the wrong side")

    chapter.section("Taking XNOR apart")
    chapter.text(
        """
        Several neurons can do what one cannot, once XNOR is written in pieces that one neuron each \
        can compute. Write A for `x1`, B for `x2`, `+` for OR, `.` for AND and `'` for NOT:
        """)
    chapter.formula(
        """
        x1 XNOR x2 = NOT (x1 XOR x2)
                   = NOT [ (A + B) . (A' + B') ]      XOR: at least one on, and at least one off
                   = (A + B)' + (A' + B')'            De Morgan: NOT (P . Q) = P' + Q'
                   = (A' . B') + (A . B)              De Morgan again: (P + Q)' = P' . Q'
        """)
    chapter.text("The last line is case 1 of the article; the second line is case 2.")

    chapter.section("Case 1: (A'.B') + (A.B) in two layers")
    chapter.text(
        """
        `A.B` is the AND neuron. `A'.B'`, "both off", is the AND neuron turned around: negative \
        input weights and a positive bias, `a = f(0.5 − x1 − x2)` (NOR):
        """)
    chapter.table(["x1", "x2", "h", "a", "NOT x1 AND NOT x2"], try gateTable(LogicNetworks.nor[0], expected: LogicGate.or.targets.map { 1 - $0 }))
    chapter.text(
        """
        Layer 1 computes both pieces side by side, `a1 = A'.B'` and `a2 = A.B`; layer 2 ORs them, \
        `a3 = f(−0.5 + a1 + a2)`. In matrix form each layer is `A(i+1) = f(A(i)·W(i) + b(i))`, the \
        article's layer equation with the bias written apart. The weight matrix is indexed `w_ij`: \
        row `i` is an input, column `j` a unit, so each column holds one neuron's weights:
        """)
    let case1 = LogicNetworks.xnorCase1
    try chapter.figure(
        Figure.network(
            name: "xnor-case1-diagram", title: "XNOR, case 1: a 2-2-1 network of step units", inputNames: ["x1", "x2"], layers: case1,
            unitNames: [["a1", "a2"], ["a3"]]),
        caption: "The 2-2-1 network of case 1: each line is a weight (blue positive, red negative), each unit's bias under it")
    chapter.formula(
        Markdown.sideBySide(
            [
                "W1 (x1, x2 → a1, a2)\n" + case1[0].weights.formatted(places: 1),
                "b1\n" + case1[0].bias.formatted(places: 1),
                "W2 (a1, a2 → a3)\n" + case1[1].weights.formatted(places: 1),
                "b2\n" + case1[1].bias.formatted(places: 1),
            ], gap: 6))
    chapter.text(
        """
        The four input pairs go through as one batch: `X` is the 4×2 matrix of all rows of the truth \
        table, and one matrix product per layer computes every neuron for every row at once.
        """)
    let activations = try case1.forwardAll(inputs)
    let case1Sums = try case1[0].weightedSums(inputs)
    chapter.formula(
        Markdown.sideBySide(
            [
                "X\n" + inputs.formatted(places: 0),
                "X·W1 + b1\n" + case1Sums.formatted(places: 1),
                "A1 = f(X·W1 + b1)\n" + activations[1].formatted(places: 0),
                "A1·W2 + b2\n" + (try case1[1].weightedSums(activations[1])).formatted(places: 1),
                "A2 = f(A1·W2 + b2)\n" + activations[2].formatted(places: 0),
            ], gap: 4))
    chapter.table(
        ["x1", "x2", "a1 = A'.B'", "a2 = A.B", "a3 = a1 OR a2", "x1 XNOR x2"],
        (0..<inputs.rows).map { row in
            [bits(inputs[row, 0]), bits(inputs[row, 1]), bits(activations[1][row, 0]), bits(activations[1][row, 1]),
             bits(activations[2][row, 0]), bits(LogicGate.xnor.targets[row])]
        })
    chapter.text(
        """
        The column `a3` is XNOR. Seen from the input plane, each unit of layer 1 draws its own line: \
        `a1` fires below `x1 + x2 = 0.5`, `a2` above `x1 + x2 = 1.5`, and the OR of layer 2 keeps \
        both outer strips. Two lines carve out what one could not:
        """)
    let span = -0.5...1.5
    var surface = try Figure.decisionSurface(
        name: "xnor-network", title: "XNOR, case 1: the network's output over the input plane", span: span,
        colorBarLabel: "network output a3", inputs: inputs, targets: LogicGate.xnor.targets
    ) { x1, x2 in try case1.forward(Matrix(row: [x1, x2]))[0, 0] }
    surface.heatMap?.levels = 2  // step units: the output is 0 or 1
    var lines: [Series] = []
    for (sum, title) in [(0.5, "a1: x1 + x2 = 0.5"), (1.5, "a2: x1 + x2 = 1.5")] {
        lines.append(
            Series(title, x: [span.lowerBound, span.upperBound], y: [sum - span.lowerBound, sum - span.upperBound],
                   color: "#000000", lineWidth: 1.5, dashed: true))
    }
    surface.series = lines + surface.series
    try chapter.figure(surface, caption: "XNOR, case 1: two hidden units, two lines, and the band between them")

    chapter.section("Case 2: only AND, OR and NOT")
    chapter.text(
        """
        Case 1 needed a special neuron for `A'.B'`. Case 2 uses only the three gates we started with, \
        and pays with depth: three hidden layers and an output layer.
        """)
    let case2 = LogicNetworks.xnorCase2
    chapter.table(
        ["unit", "layer", "neuron", "computes"],
        [
            ["a1", "1", "f(−0.5 + x1)", "A"],
            ["a2", "1", "f(1 − 2·x1)", "A' (NOT)"],
            ["a3", "1", "f(−0.5 + x2)", "B"],
            ["a4", "1", "f(1 − 2·x2)", "B' (NOT)"],
            ["a5", "2", "f(−0.5 + a1 + a3)", "A + B (OR)"],
            ["a6", "2", "f(−0.5 + a2 + a4)", "A' + B' (OR)"],
            ["a7", "3", "f(−1.5 + a5 + a6)", "(A + B).(A' + B') (AND)"],
            ["a8", "4", "f(1 − 2·a7)", "NOT [(A + B).(A' + B')] = XNOR (NOT)"],
        ], alignments: [.left, .right, .left, .left])
    chapter.text(
        """
        The layers are \(case2.map { "\($0.unitCount)" }.joined(separator: ", ")) units wide. The \
        article's drawing of this network, with the weights of `a1` and `a3`, did not survive in the \
        copy the book works from. A unit that copies its input needs weight 1 and a bias between −1 \
        and 0 (the OR bias range above with one input), so we use `f(−0.5 + x)`. In layer 2 each \
        unit sees all four units of layer 1, with weight 0 on the two it ignores; those are the \
        connections the article leaves out of its picture:
        """)
    chapter.formula(
        """
        W2 (rows a1..a4, columns a5, a6)
        \(case2[1].weights.formatted(places: 0))
        """)
    try chapter.figure(
        Figure.network(
            name: "xnor-case2-diagram", title: "XNOR, case 2: AND, OR and NOT units in four layers", inputNames: ["x1", "x2"],
            layers: case2, unitNames: [["a1", "a2", "a3", "a4"], ["a5", "a6"], ["a7"], ["a8"]]),
        caption: "The network of case 2, the connections of weight 0 left out: copies and NOTs, two ORs, an AND, a NOT")
    let deep = try case2.forwardAll(inputs)
    chapter.table(
        ["x1", "x2", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "XNOR"],
        (0..<inputs.rows).map { row in
            [bits(inputs[row, 0]), bits(inputs[row, 1])]
                + deep[1].rowArray(row).map(bits) + deep[2].rowArray(row).map(bits)
                + [bits(deep[3][row, 0]), bits(deep[4][row, 0]), bits(LogicGate.xnor.targets[row])]
        })
    chapter.text(
        """
        Again the last unit is XNOR. Both networks are correct; case 1 is smaller and should be \
        preferred. Case 2 shows the idea that carries through the rest of the book: a layer computes \
        simple features of the layer before, and stacking layers composes them into functions no \
        single neuron can express. What remains is to find the weights without a truth table and \
        De Morgan's laws, which is what gradient descent does from chapter 3 on.
        """)
}
