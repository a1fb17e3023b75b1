// Chapter 1: neurons and the perceptron (articles 002, 003 and 004).
import ArgumentParser
import Teach
import TeachBook

/// The choices the chapter turns on, with the book's values as defaults.
struct Knobs: ChapterKnobs {
    @Option(parsing: .unconditional, help: "Learning rate η of the perceptron rule.")
    var learningRate = 0.1
    @Option(parsing: .unconditional, help: "Epochs after which training stops even with mistakes left.")
    var maxEpochs = 100

    func validate() throws {
        try KnobCheck.positive(learningRate, "--learning-rate", "a learning rate")
        try KnobCheck.atLeast(1, maxEpochs, "--max-epochs", "a number of epochs")
    }
}

Chapter.run("perceptron", knobs: Knobs.self) { chapter, knobs in
    chapter.text(
        """
        A neural network is built from one small part repeated many times: the artificial neuron. \
        It takes some numbers in, multiplies each by a weight, adds the products up, and passes the \
        sum through an *activation function*. That is all. This chapter computes one neuron by hand, \
        then lets the oldest learning rule there is, Rosenblatt's perceptron rule, find the weights \
        for AND and OR by itself.
        """)

    chapter.section("One neuron, every multiply")
    chapter.text(
        """
        A neuron has inputs `x1 … xn` and one weight per input, `w1 … wn`. It also has a bias: think \
        of it as one more input `x0` that is always 1, with its own weight `w0`. The neuron's \
        *weighted sum* `h` and its output `a` are
        """)
    chapter.formula(
        """
        h = w0·x0 + w1·x1 + … + wn·xn        (x0 = 1)
        a = f(h)
        """)
    chapter.text(
        """
        where `f` is the activation function. The bias lets the neuron move its threshold: without \
        it, an input of all zeros would always give `h = 0`. Here is one neuron with two inputs, \
        computed one product at a time:
        """)
    let neuron = Perceptron(weights: [-0.5, 0.8, 0.4])
    let x = [0.7, 0.2]
    let xWithBias = [1.0] + x
    chapter.table(
        ["i", "input x_i", "weight w_i", "w_i · x_i"],
        (0..<3).map { i in
            ["\(i)" + (i == 0 ? " (bias)" : ""), xWithBias[i].fixed(2), neuron.weights[i].fixed(2),
             (neuron.weights[i] * xWithBias[i]).fixed(4)]
        } + [["sum h", "", "", neuron.weightedSum(x).fixed(4)]])
    let h = neuron.weightedSum(x)
    chapter.text(
        """
        The sum is `h = \(h.fixed(4))`. What the neuron outputs depends on `f`. The first neurons, \
        and the logic gates of the next chapter, use the **step** (threshold) function: \
        `f(h) = 1` when `h ≥ 0`, and `0` otherwise. It answers yes or no. Here `step(\(h.fixed(4))) = \
        \(Activation.step(h).fixed(0))`. Later chapters use smooth functions such as the **sigmoid** \
        `1 / (1 + e^-h)`, which answers with a number between 0 and 1 (here \
        `sigmoid(\(h.fixed(4))) = \(Activation.sigmoid(h).fixed(4))`) and, unlike the step, has a \
        slope that gradient descent can follow.
        """)
    chapter.sourceNote(
        """
        Article 004 defines its step function in a formula that was lost from the copy the book \
        works from. We use `f(h) = 1` for `h ≥ 0`; none of that article's neurons ever lands exactly \
        on `h = 0`, so the choice at zero changes none of its truth tables.
        """)

    chapter.section("The perceptron learning rule")
    chapter.text(
        """
        A neuron with a step activation is a *perceptron*: a yes/no classifier whose decision \
        boundary is the line (in general, the plane) where `h = 0`. Rosenblatt's rule finds weights \
        for it from examples. Show it one example `x` with target `y` (0 or 1); it answers `a`. Then \
        change every weight by
        """)
    chapter.formula(
        """
        w_i ← w_i + η · (y − a) · x_i        for i = 0 … n, with x0 = 1
        """)
    chapter.text(
        """
        where `η` (eta) is the learning rate. When the answer is right, `y − a = 0` and nothing \
        changes. When the perceptron said 0 but should have said 1, every weight moves by `η·x_i`, \
        which raises `h` for this input; when it said 1 but should have said 0, they move the other \
        way. One pass over all the examples is an *epoch*; training stops after an epoch with no \
        mistakes. The perceptron convergence theorem promises that this happens after a finite \
        number of mistakes whenever some line separates the two classes.
        """)

    let learningRate = knobs.learningRate
    let maxEpochs = knobs.maxEpochs
    let inputs = LogicGate.inputs

    chapter.section("Learning AND from random weights")
    var andPerceptron = Perceptron(inputs: 2, using: &chapter.random)
    let startWeights = andPerceptron.weights
    chapter.text(
        """
        The four examples of AND are the rows of its truth table. The weights start as uniform \
        random numbers in [−0.5, 0.5) drawn from the seeded generator (seed \(chapter.options.seed)): \
        `w0 = \(startWeights[0].fixed(4))`, `w1 = \(startWeights[1].fixed(4))`, \
        `w2 = \(startWeights[2].fixed(4))`. The learning rate is `η = \(learningRate)`. The first \
        epoch, example by example:
        """)
    var firstEpoch: [[String]] = []
    var traced = andPerceptron
    for row in 0..<inputs.rows {
        let example = inputs.rowArray(row)
        let target = LogicGate.and.targets[row]
        let sum = traced.weightedSum(example)
        let answer = traced.output(example)
        traced.learn(example, target: target, learningRate: learningRate)
        firstEpoch.append(
            [example.map { $0.fixed(0) }.joined(separator: ", "), target.fixed(0), sum.fixed(4), answer.fixed(0),
             (target - answer).fixed(0), traced.weights.map { $0.fixed(4) }.joined(separator: ", ")])
    }
    chapter.table(["x1, x2", "target y", "h", "output a", "y − a", "weights after (w0, w1, w2)"], firstEpoch)

    let andHistory = try andPerceptron.train(
        inputs: inputs, targets: LogicGate.and.targets, learningRate: learningRate, maxEpochs: maxEpochs)
    chapter.text(
        andHistory.converged && andHistory.epochs == 1
            ? "The random weights already classify all four examples: the first epoch has no mistake. Mistakes and weights per epoch:"
            : andHistory.converged
            ? """
            Repeating such epochs, the perceptron made its last mistake in epoch \(andHistory.epochs - 1) \
            and went through epoch \(andHistory.epochs) without one. Mistakes and weights per epoch:
            """
            : """
            Repeating such epochs, the perceptron did not get through an epoch without a mistake \
            within \(maxEpochs): it made \(andHistory.errorsPerEpoch.last!) in the last. Mistakes and \
            weights per epoch:
            """)
    chapter.table(
        ["epoch", "mistakes", "w0", "w1", "w2"],
        zip(andHistory.errorsPerEpoch, andHistory.weightsPerEpoch).enumerated().map { epoch, record in
            ["\(epoch + 1)", "\(record.0)"] + record.1.map { $0.fixed(4) }
        })
    func truthTable(_ perceptron: Perceptron, _ gate: LogicGate) -> [[String]] {
        (0..<inputs.rows).map { row in
            let example = inputs.rowArray(row)
            return [example[0].fixed(0), example[1].fixed(0), perceptron.weightedSum(example).fixed(4),
                    perceptron.output(example).fixed(0), gate.targets[row].fixed(0)]
        }
    }
    /// Whether the perceptron's outputs are the gate's targets on all four inputs.
    func reproduces(_ perceptron: Perceptron, _ gate: LogicGate) -> Bool {
        (0..<inputs.rows).allSatisfy { perceptron.output(inputs.rowArray($0)) == gate.targets[$0] }
    }
    let andLearned = reproduces(andPerceptron, .and)
    chapter.text(
        andLearned
            ? "The learned weights reproduce the truth table of AND:"
            : "The weights after the last epoch do not reproduce the truth table of AND yet:")
    chapter.table(["x1", "x2", "h", "output a", "x1 AND x2"], truthTable(andPerceptron, .and))
    if let line = andPerceptron.decisionLine, andLearned {
        chapter.text(
            """
            Geometrically, the perceptron has drawn a line, `x2 = \(line.slope.fixed(4))·x1 + \
            \(line.intercept.fixed(4))`, with (1, 1) on one side and the other three points on the \
            other. The grey dashed lines are where it stood after each earlier epoch.
            """)
    }
    try chapter.figure(
        Figure.perceptronDecision(
            name: "and", title: "AND: the perceptron's decision line", perceptron: andPerceptron, inputs: inputs,
            targets: LogicGate.and.targets, earlierWeights: [startWeights] + andHistory.weightsPerEpoch.dropLast()),
        caption: "The perceptron's decision line for AND over the four inputs")

    chapter.section("Learning OR")
    var orPerceptron = Perceptron(inputs: 2, using: &chapter.random)
    let orStart = orPerceptron.weights
    let orHistory = try orPerceptron.train(
        inputs: inputs, targets: LogicGate.or.targets, learningRate: learningRate, maxEpochs: maxEpochs)
    chapter.text(
        """
        The same rule, new random weights (`\(orStart.map { $0.fixed(4) }.joined(separator: ", "))`) \
        and the targets of OR: it \(orHistory.converged ? "converged after \(orHistory.epochs) epochs" : "did not converge within \(maxEpochs) epochs"), with weights \
        `w0 = \(orPerceptron.weights[0].fixed(4))`, `w1 = \(orPerceptron.weights[1].fixed(4))`, \
        `w2 = \(orPerceptron.weights[2].fixed(4))`.
        """)
    chapter.table(["x1", "x2", "h", "output a", "x1 OR x2"], truthTable(orPerceptron, .or))
    try chapter.figure(
        Figure.perceptronDecision(
            name: "or", title: "OR: the perceptron's decision line", perceptron: orPerceptron, inputs: inputs,
            targets: LogicGate.or.targets, earlierWeights: [orStart] + orHistory.weightsPerEpoch.dropLast()),
        caption: "The perceptron's decision line for OR")

    let bothLearned = andLearned && reproduces(orPerceptron, .or)
    chapter.text(
        """
        Compare the two results with the hand-made neurons of the next chapter, AND as \
        `f(−1.5 + x1 + x2)` and OR as `f(−0.5 + x1 + x2)`. \(bothLearned
            ? "The learned weights are different numbers but draw the same kind of line: any line that puts the points on the right sides will do, and the rule stops at the first one it finds."
            : "Those put every point on the right side of their line; the weights learned here do not yet.")
        """)
    try chapter.figure(
        Figure(
            name: "errors", title: "Perceptron mistakes per epoch", xLabel: "epoch", yLabel: "mistakes in the epoch",
            yRange: 0...4.2, yTickStep: 1,
            series: [
                // OR drawn wide and light underneath, so that AND stays visible where they agree
                Series("OR", y: orHistory.errorsPerEpoch.map(Double.init), style: .linesPoints, color: "#74c476", pointType: 5,
                       pointSize: 2.2, lineWidth: 6),
                Series("AND", y: andHistory.errorsPerEpoch.map(Double.init), style: .linesPoints, color: "#54278f", pointType: 7,
                       pointSize: 1, dashed: true),
            ]),
        caption: "Mistakes per epoch while the perceptron learns AND and OR")
    let unfinished = [("AND", andHistory), ("OR", orHistory)].filter { !$0.1.converged }.map(\.0)
    chapter.text(
        """
        \(unfinished.isEmpty
            ? "Both runs end at zero mistakes, as the convergence theorem promises for classes a line can separate."
            : "\(unfinished.listed) did not reach an epoch without mistakes within \(maxEpochs) epochs: the convergence theorem promises a finite number of mistakes for classes a line can separate, not a small one, so training needs more epochs.") \
        The next chapter asks what happens when no line can, with XNOR.
        """)
}
