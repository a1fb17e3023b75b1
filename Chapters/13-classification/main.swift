// Chapter 13: classification. Softmax turns scores into probabilities, cross-entropy measures them
// against one-hot targets, and their gradient is ŷ − y; why the half squared error learns slowly
// when it is badly wrong (Nielsen, Neural Networks and Deep Learning, chapter 3).
import ArgumentParser
import Foundation
import Teach
import TeachBook

/// The chapter's choices: the single neuron's training, and the ten-class network's.
struct Knobs: ChapterKnobs {
    @Option(help: "Learning rate η of the single sigmoid neuron (both losses).")
    var neuronLearningRate = 0.15
    @Option(help: "Gradient-descent steps of the single neuron.")
    var neuronEpochs = 300
    @Option(help: "Hidden ReLU units of the 784-N-10 network on Fashion-MNIST.")
    var hiddenUnits = 50
    @Option(help: "Learning rate η of plain SGD for the 784-N-10 network.")
    var learningRate = 0.1
    @Option(help: "Records per minibatch for the 784-N-10 network.")
    var batchSize = 32
    @Option(help: "Epochs of the 784-N-10 network (at most 2 with --quick).")
    var epochs = 20

    func validate() throws {
        try KnobCheck.positive(neuronLearningRate, "--neuron-learning-rate", "a learning rate")
        try KnobCheck.positive(learningRate, "--learning-rate", "a learning rate")
        try KnobCheck.atLeast(1, neuronEpochs, "--neuron-epochs", "a number of epochs")
        try KnobCheck.atLeast(1, hiddenUnits, "--hidden-units", "a number of hidden units")
        try KnobCheck.atLeast(1, batchSize, "--batch-size", "a batch size")
        try KnobCheck.atLeast(1, epochs, "--epochs", "a number of epochs")
    }
}

Chapter.run("classification", knobs: Knobs.self) { chapter, knobs in
    let quick = chapter.options.quick
    chapter.text(
        """
        Chapters 3 to 6 measured a network's error with the half squared error, the articles' cost \
        for a number to be predicted. A classifier chooses one of several classes, and the training \
        chapter that follows (chapter 14) ends every network with a softmax and trains it with \
        cross-entropy, as Keras's `categorical_crossentropy` and PyTorch's `CrossEntropyLoss` do. \
        This chapter builds that pair from the ground up: the probabilities, the loss, its gradient \
        derived and checked, and what goes wrong with the half squared error instead.
        """)

    chapter.section("Scores, probabilities and one-hot targets")
    let classNames = ["T-shirt/top", "Trouser", "Pullover"]
    let scores = try Matrix<Double>([[2, 1, 0.1]])
    let trueClass = 1
    let probabilities = Softmax.forward(scores)
    let oneHot = try Matrix<Double>.oneHot([trueClass], classes: classNames.count)
    let loss = try Loss.crossEntropy.value(probabilities, oneHot)
    chapter.text(
        """
        A classifier's last layer gives one score (*logit*) `z_k` per class. Chapter 7 turned scores \
        into probabilities with softmax, `ŷ_k = e^(z_k) / Σ_j e^(z_j)`, computed stably by \
        subtracting the row's largest score first; this chapter uses the same `Softmax`. The target \
        is written the same way as the output, one number per class: 1 for the true class, 0 for \
        the others (*one-hot*). For one image whose scores are those of chapter 7's first row and \
        whose true class is \(classNames[trueClass]):
        """)
    chapter.table(
        ["class k", "score z_k", "e^(z_k − max z)", "ŷ_k", "target y_k"],
        (0..<classNames.count).map { k in
            [classNames[k], scores[0, k].fixed(1), exp(scores[0, k] - scores.elements.max()!).fixed(4), probabilities[0, k].fixed(4),
             oneHot[0, k].fixed(0)]
        },
        alignments: [.left, .right, .right, .right, .right])
    chapter.text(
        """
        The probabilities sum to \(probabilities.elements.reduce(0, +).fixed(4)). The network puts \
        most of its belief on \(classNames[probabilities.predictedClasses()[0]]), which is wrong. \
        How wrong, as one number, is the *cross-entropy* of the prediction against the target:
        """)
    chapter.formula(
        """
        E = −Σ_k y_k log ŷ_k
          = −(\((0..<3).map { "\(oneHot[0, $0].fixed(0))·log \(probabilities[0, $0].fixed(4))" }.joined(separator: " + ")))
          = −log \(probabilities[0, trueClass].fixed(4)) = \(loss.fixed(4))
        """)
    let confidences = [0.99, 0.9, 0.5, probabilities[0, trueClass], 0.1, 0.01]
    chapter.text(
        """
        With a one-hot target every term but one is zero, so the cross-entropy is minus the log of \
        the probability given to the true class (`Loss.crossEntropy`, the natural logarithm). It is 0 \
        for a certain right answer and grows without bound as that probability goes to 0:
        """)
    chapter.table(
        ["ŷ of the true class", "E = −log ŷ"],
        confidences.map { [$0.fixed(4), (-log($0)).fixed(4)] }, alignments: [.right, .right])

    chapter.section("The gradient: ŷ − y, derived")
    chapter.text(
        """
        Backpropagation (chapter 4) needs `∂E/∂z_j`, the gradient with respect to the scores. Two \
        pieces, then the chain rule. The loss's own derivative is `∂E/∂ŷ_k = −y_k / ŷ_k`. Softmax's \
        derivative is a matrix, its *Jacobian*, because every output depends on every score. Write \
        `S = Σ_i e^(z_i)`, so `ŷ_k = e^(z_k)/S` and `∂S/∂z_j = e^(z_j)`. By the quotient rule:
        """)
    chapter.formula(
        """
        k = j:   ∂ŷ_k/∂z_k = (e^(z_k)·S − e^(z_k)·e^(z_k)) / S² = ŷ_k − ŷ_k² = ŷ_k (1 − ŷ_k)
        k ≠ j:   ∂ŷ_k/∂z_j = (0·S − e^(z_k)·e^(z_j)) / S²     = −ŷ_k ŷ_j
        both:    ∂ŷ_k/∂z_j = ŷ_k (δ_kj − ŷ_j)          (δ_kj = 1 if k = j, else 0)
        """)
    let jacobian = Matrix<Double>(rows: 3, columns: 3) { k, j in probabilities[0, k] * ((k == j ? 1 : 0) - probabilities[0, j]) }
    chapter.text("For the example, row k and column j:")
    chapter.table(
        ["∂ŷ_k/∂z_j"] + classNames.map { "j = \($0)" },
        (0..<3).map { k in ["k = \(classNames[k])"] + (0..<3).map { j in jacobian[k, j].signed(4) } },
        alignments: [.left, .right, .right, .right])
    chapter.text(
        """
        Each row sums to zero: raising every score by the same amount changes no probability. Now \
        the chain rule sums over the outputs k, and the `ŷ_k` of the loss's derivative cancels the \
        `ŷ_k` in front of the Jacobian:
        """)
    chapter.formula(
        """
        ∂E/∂z_j = Σ_k ∂E/∂ŷ_k · ∂ŷ_k/∂z_j
                = Σ_k (−y_k / ŷ_k) · ŷ_k (δ_kj − ŷ_j)
                = −Σ_k y_k δ_kj + ŷ_j Σ_k y_k
                = −y_j + ŷ_j · 1
                = ŷ_j − y_j
        """)
    chapter.text(
        """
        The sum collapses because the targets sum to 1 (`Σ_k y_k δ_kj` picks out `y_j`). The \
        gradient is the prediction minus the target, with no `1/ŷ` to blow up and no softmax slope \
        to shrink it. It is what `Model` uses when a network ends in `Softmax` and is trained with \
        `Loss.crossEntropy`: it skips the softmax layer's backward pass and starts from `ŷ − y`, \
        divided by the batch's `m` as the loss is averaged (`Model.backpropagate`):
        """)
    try chapter.quote("softmax-cross-entropy-gradient", from: "Sources/Teach/Learning/Model.swift")
    chapter.text(
        """
        PyTorch's `CrossEntropyLoss` takes the scores and applies the softmax itself; its \
        counterpart here, `Loss.crossEntropyWithLogits`, computes each row's softmax from the scores \
        (shifted by their largest, so no exponential overflows) and subtracts 1 at the target class: \
        the same `ŷ − y`, from class indices instead of one-hot rows:
        """)
    try chapter.quote("cross-entropy-with-logits-gradient", from: "Sources/Teach/Losses/Loss.swift")
    chapter.text(
        """
        A derivation is checked by numbers. Central differences (chapter 4) nudge one score at a \
        time by `±h` and measure the loss: `(E(z + h·e_j) − E(z − h·e_j)) / 2h`, with `h = 10⁻⁵`:
        """)
    func crossEntropy(_ z: Matrix<Double>) throws -> Double { try Loss.crossEntropy.value(Softmax.forward(z), oneHot) }
    let h = 1e-5
    let chainRule = (0..<3).map { j in (0..<3).map { k in -oneHot[0, k] / probabilities[0, k] * jacobian[k, j] }.reduce(0, +) }
    let formula = (0..<3).map { j in probabilities[0, j] - oneHot[0, j] }
    let numeric = try (0..<3).map { j in
        var up = scores, down = scores
        up[0, j] += h
        down[0, j] -= h
        return (try crossEntropy(up) - crossEntropy(down)) / (2 * h)
    }
    chapter.table(
        ["score", "Jacobian, then the sum", "ŷ − y", "central difference", "|ŷ − y − central|"],
        (0..<3).map { j in
            ["z of \(classNames[j])", chainRule[j].signed(8), formula[j].signed(8), numeric[j].signed(8), abs(formula[j] - numeric[j]).scientific(2)]
        },
        alignments: [.left, .right, .right, .right, .right])
    let largestDifference = zip(formula, numeric).map { abs($0 - $1) }.max()!
    chapter.text(
        """
        The largest difference is \(largestDifference.scientific(2)): the size of the central \
        difference's own error (of order `h²` and of rounding), so `ŷ − y` is the gradient.
        """)

    chapter.section("Why not the half squared error: one neuron, badly wrong")
    let input = 1.0, target = 0.0, learningRate = knobs.neuronLearningRate, epochs = knobs.neuronEpochs
    let starts = [SigmoidNeuron(weight: 0.6, bias: 0.9), SigmoidNeuron(weight: 2, bias: 2)]
    let losses: [Loss] = [.halfSquaredError, .binaryCrossEntropy]
    func describe(_ neuron: SigmoidNeuron) -> String { "w = \(neuron.weight.fixed(1)), b = \(neuron.bias.fixed(1))" }
    chapter.text(
        """
        Michael Nielsen's *Neural Networks and Deep Learning* (chapter 3) makes the case with the \
        smallest network there is: one sigmoid neuron, `a = σ(w·x + b)`, one input `x = \(input.fixed(0))` \
        and target `y = \(target.fixed(0))`, trained by gradient descent with learning rate \
        `η = \(learningRate)`. Started at `\(describe(starts[0]))` its output is \
        \(starts[0].output(input).fixed(2)); started at `\(describe(starts[1]))` it is \(starts[1].output(input).fixed(2)), badly wrong. With \
        one output the cross-entropy is the *binary* one (PyTorch's `binary_cross_entropy`; it is \
        the softmax cross-entropy of two classes with scores `z` and 0). Its gradient comes the same \
        way as above, and the sigmoid's slope `σ'(z) = a(1 − a)` cancels; the half squared error \
        keeps it:
        """)
    chapter.formula(
        """
        half squared error:  C = (a − y)² / 2                    ∂C/∂w = (a − y) σ'(z) x    ∂C/∂b = (a − y) σ'(z)
        cross-entropy:       C = −[y log a + (1 − y) log(1 − a)]  ∂C/∂w = (a − y) x          ∂C/∂b = (a − y)
        """)
    chapter.table(
        ["start", "z", "a", "σ'(z)", "∂C/∂b, half squared error", "∂C/∂b, cross-entropy"],
        try starts.map { neuron in
            [describe(neuron), neuron.weightedSum(input).fixed(2), neuron.output(input).fixed(4),
             Activation.sigmoid.derivative(neuron.weightedSum(input)).fixed(4),
             try neuron.gradients(input: input, target: target, loss: .halfSquaredError).bias.fixed(4),
             try neuron.gradients(input: input, target: target, loss: .binaryCrossEntropy).bias.fixed(4)]
        },
        alignments: [.left, .right, .right, .right, .right, .right])
    let farRatio = try starts[1].gradients(input: input, target: target, loss: .binaryCrossEntropy).bias
        / starts[1].gradients(input: input, target: target, loss: .halfSquaredError).bias
    let nearRatio = try starts[0].gradients(input: input, target: target, loss: .binaryCrossEntropy).bias
        / starts[0].gradients(input: input, target: target, loss: .halfSquaredError).bias
    chapter.text(
        """
        The worse the start, the flatter the sigmoid and the smaller the half squared error's \
        step: from the far start its gradient is \(farRatio.fixed(0)) times smaller than the \
        cross-entropy's (\(nearRatio.fixed(1)) times from the near one). Both losses, both starts, \
        \(epochs) epochs (one step each, on the one example):
        """)
    var runs: [[[SigmoidNeuron.Epoch]]] = []
    for start in starts {
        runs.append(try losses.map { loss in
            var neuron = start
            return try neuron.train(input: input, target: target, loss: loss, learningRate: learningRate, epochs: epochs)
        })
    }
    let colors = ["#a50f15", "#08306b"]
    var neuronFigure = Figure(name: "neuron", title: "One sigmoid neuron learning x = 1 → y = 0 (η = \(learningRate))", xLabel: "", yLabel: "", width: 1100, height: 480)
    neuronFigure.panelsPerRow = 2
    for (index, start) in starts.enumerated() {
        var series: [Series] = []
        for (i, curve) in runs[index].enumerated() {
            series.append(Series("\(losses[i])", x: curve.map { Double($0.epoch) }, y: curve.map(\.output), color: colors[i]))
        }
        neuronFigure.panels.append(Figure(
            name: "start\(index + 1)", title: "start \(describe(start))", xLabel: "epoch", yLabel: "output a",
            xRange: 0...Double(epochs), yRange: 0...1.2, yTickStep: 0.2, series: series, keyPosition: .topRight))
    }
    try chapter.figure(neuronFigure, caption: "The neuron's output per epoch, from each start, with each loss (the target is 0)")
    // the start, early on, halfway and the end (0, 50, 150 and 300 of the book's 300 epochs)
    let early = max(1, epochs / 6)
    let checkpoints = [0, early, epochs / 2, epochs].reduce(into: [Int]()) { if !$0.contains($1) { $0.append($1) } }.sorted()
    var neuronRows: [[String]] = []
    for (start, curves) in zip(starts, runs) {
        for (loss, curve) in zip(losses, curves) {
            let costs: [String] = checkpoints.map { curve[$0].cost.fixed(4) }
            neuronRows.append([describe(start), "\(loss)"] + costs + [curve[epochs].output.fixed(4)])
        }
    }
    let costHeaders: [String] = checkpoints.map { "cost after \($0)" }
    chapter.table(
        ["start", "loss"] + costHeaders + ["output after \(epochs)"], neuronRows,
        alignments: [.left, .left, .right, .right, .right, .right, .right])
    let slowFar = runs[1][0], slowNear = runs[0][0], fastFar = runs[1][1]
    func firstEpoch(_ curve: [SigmoidNeuron.Epoch], below output: Double) -> String {
        curve.first { $0.output < output }.map { String($0.epoch) } ?? "more than \(epochs)"
    }
    // Under the half squared error: how far each start's output moved in the first `early`
    // epochs, and which start's output drops below 0.5 later (the slow one; when neither does,
    // the one that moved less).
    let farMoved = slowFar[0].output - slowFar[early].output, nearMoved = slowNear[0].output - slowNear[early].output
    let farIsSlow: Bool
    switch (slowFar.first { $0.output < 0.5 }?.epoch, slowNear.first { $0.output < 0.5 }?.epoch) {
    case let (far?, near?): farIsSlow = far > near
    case (nil, .some): farIsSlow = true
    case (.some, nil): farIsSlow = false
    case (nil, nil): farIsSlow = farMoved < nearMoved
    }
    let moves = """
        after \(early) epochs its output has \(farMoved < nearMoved ? "only " : "")moved from \(slowFar[0].output.fixed(3)) \
        to \(slowFar[early].output.fixed(3)), while the near start went from \(slowNear[0].output.fixed(3)) to \
        \(slowNear[early].output.fixed(3))
        """
    let lesson = farIsSlow
        ? "The neuron learns slowest when it is most wrong, the opposite of what one wants."
        : "At this learning rate even the flat sigmoid's small gradient moves the far start far: the steps are large enough to hide the slow start."
    chapter.text(
        """
        With the half squared error the far start is \(farIsSlow ? "the slow one" : "not the slow one"): \(moves). It \
        first drops below 0.5 at epoch \(firstEpoch(slowFar, below: 0.5)) (the near start at epoch \
        \(firstEpoch(slowNear, below: 0.5))). \(lesson) With the cross-entropy the far start drops below 0.5 at epoch \
        \(firstEpoch(fastFar, below: 0.5)): the step is `(a − y)`, largest when the error is. (The \
        two costs are different functions, so compare their outputs, and the costs only within a \
        row.)
        """)

    chapter.section("Ten classes: sigmoid outputs against softmax")
    let data = try ImageDataset.load(.embeddedSample, classes: 10, imageShape: ImageShape(28, 1))
    let training = data.training, test = data.test
    let hiddenUnits = knobs.hiddenUnits, batchSize = knobs.batchSize, classEpochs = quick ? min(knobs.epochs, 2) : knobs.epochs
    let sgdRate = knobs.learningRate
    let seeds = (0..<3).map { chapter.options.seed &+ UInt64($0) }
    chapter.text(
        """
        Does it matter in a real network? The same test on the Fashion-MNIST sample that chapter 14 \
        trains on (\(training.count.grouped) training and \(test.count.grouped) test images, ten \
        classes): one network, 784-\(hiddenUnits)-10 with ReLU hidden units (He's weights, chapter 8), \
        and two ways to end it. Either ten sigmoid outputs trained with the half squared error \
        against the one-hot targets, or ten scores through a softmax trained with cross-entropy. \
        Both start from the same weights (the same seed draws them; only the output's activation \
        differs) and see the same batches: plain SGD (chapter 5), `η = \(sgdRate)`, batches of \
        \(batchSize), \(classEpochs) epochs. Plain SGD, not Adam: Adam divides each step by the \
        gradient's running size (chapter 9), which would hide the small gradients this section is \
        about. The same `η` for two different losses is not \"the same\" step in any exact sense, \
        only the same setting. Each pair runs from \(seeds.count) seeds.\
        \(quick ? " This is the quick version (`--quick`): \(classEpochs) epochs, so the accuracies are lower than the full run gives." : "")
        """)

    struct Run {
        var name: String
        var testAccuracy: [Double]
    }
    func train(softmax: Bool, seed: UInt64) throws -> Run {
        var random = SeededGenerator(seed: seed)
        let hidden = try Dense<Float>(inputs: 784, units: hiddenUnits, activation: .relu, initializer: .he, using: &random)
        let output = try Dense<Float>(inputs: hiddenUnits, units: 10, activation: softmax ? .identity : .sigmoid, initializer: .xavier, using: &random)
        var model = try Model<Float>(softmax ? [hidden, output, Softmax()] : [hidden, output])
        var sgd = try Optimizer<Float>.sgd(learningRate: sgdRate)
        let options = TrainingOptions<Float>(
            epochs: classEpochs, batchSize: batchSize, loss: softmax ? .crossEntropy : .halfSquaredError,
            validation: (test.images, try test.oneHotLabels()), measureAccuracy: true)
        var order = SeededGenerator(seed: seed &+ 1000)
        let history = try model.train(inputs: training.images, targets: try training.oneHotLabels(), options: options, optimizer: &sgd, using: &order)
        return Run(
            name: softmax ? "softmax, cross-entropy" : "sigmoid, half squared error", testAccuracy: history.map { $0.validationAccuracy ?? 0 })
    }
    let kinds = [false, true]
    let classRuns = try kinds.map { softmax in try seeds.map { try train(softmax: softmax, seed: $0) } }
    var curves: [Series] = []
    for (kind, runsOfKind) in classRuns.enumerated() {
        for (index, run) in runsOfKind.enumerated() {
            curves.append(Series(
                index == 0 ? run.name : "", x: run.testAccuracy.indices.map(Double.init), y: run.testAccuracy, color: colors[kind],
                dashed: index > 0))
        }
    }
    try chapter.figure(
        Figure(
            name: "fashion", title: "784-\(hiddenUnits)-10 on the Fashion-MNIST sample, plain SGD (η = \(sgdRate)), \(seeds.count) seeds each",
            xLabel: "epoch", yLabel: "test accuracy", xRange: 0...Double(classEpochs), yRange: 0...1, series: curves, keyPosition: .bottomRight),
        caption: "Test accuracy per epoch (epoch 0: the untrained network); solid the first seed, dashed the others")
    func summary(_ values: [Double]) -> (mean: Double, spread: Double) {
        (values.reduce(0, +) / Double(values.count), values.max()! - values.min()!)
    }
    let checkEpochs = [1, classEpochs / 4, classEpochs].filter { $0 >= 1 }.reduce(into: [Int]()) { if !$0.contains($1) { $0.append($1) } }
    chapter.table(
        ["output and loss", "after epoch", "test accuracy, \(seeds.count) seeds", "mean", "spread (max − min)"],
        checkEpochs.flatMap { epoch in
            classRuns.map { runsOfKind in
                let values = runsOfKind.map { $0.testAccuracy[epoch] }
                let (mean, spread) = summary(values)
                return [runsOfKind[0].name, String(epoch), values.map { $0.fixed(3) }.joined(separator: ", "), mean.fixed(3), spread.fixed(3)]
            }
        },
        alignments: [.left, .right, .right, .right, .right])
    func gap(at epoch: Int) -> Double {
        summary(classRuns[1].map { $0.testAccuracy[epoch] }).mean - summary(classRuns[0].map { $0.testAccuracy[epoch] }).mean
    }
    func verdict(at epoch: Int) -> String {
        let squared = summary(classRuns[0].map { $0.testAccuracy[epoch] }), softmax = summary(classRuns[1].map { $0.testAccuracy[epoch] })
        let gap = softmax.mean - squared.mean, spread = max(squared.spread, softmax.spread)
        if abs(gap) > spread {
            return "after epoch \(epoch) the \(gap > 0 ? "softmax with cross-entropy" : "sigmoid outputs with the half squared error") "
                + "\(gap > 0 ? "is" : "are") ahead by \(abs(gap).fixed(3)) on average, more than the larger seed spread (\(spread.fixed(3)))"
        }
        return "after epoch \(epoch) the mean gap (\(gap.signed(3))) is within the larger seed spread (\(spread.fixed(3))), no verdict"
    }
    chapter.text(
        """
        On these numbers: \(checkEpochs.map(verdict(at:)).joined(separator: "; ")). The mean gap \
        goes from \(gap(at: checkEpochs[0]).signed(3)) after epoch \(checkEpochs[0]) to \
        \(gap(at: classEpochs).signed(3)) after epoch \(classEpochs). This is a statement about this \
        network, this learning rate and this many epochs, not about the two losses in general.
        """)

    chapter.sourceNote(
        """
        The single-neuron experiment, its starting weights and its learning rate are those of \
        chapter 3 of Michael Nielsen's *Neural Networks and Deep Learning* (2015). Nielsen's own \
        cross-entropy figures use a smaller learning rate than his quadratic ones; here both losses \
        use `η = \(learningRate)`, so that only the gradient differs. Article 003 introduces softmax \
        for the output layer; the articles train with the half squared error and name \
        cross-entropy only through Keras's `categorical_crossentropy` (article 004).
        """)
}
