// Chapter 10: overfitting and regularization (articles 000 and 001).
import ArgumentParser
import Teach
import TeachBook

/// The choices the chapter's runs turn on, with the book's values as defaults.
struct Knobs: ChapterKnobs {
    @Option(parsing: .unconditional, help: "Training points per ring (the validation set keeps 200 per ring).")
    var pointsPerRing = 30
    @Option(parsing: .unconditional, help: "Units in each of the two hidden layers of the 2-h-h-1 network.")
    var hiddenUnits = 64
    @Option(parsing: .unconditional, help: "Epochs of every run (with --quick: a fifth).")
    var epochs = 300
    @Option(parsing: .unconditional, help: "Adam's learning rate in every run.")
    var learningRate = 0.01
    @Option(parsing: .unconditional, help: "Strength λ of the L2 penalty.")
    var l2Lambda = 0.001
    @Option(parsing: .unconditional, help: "Strength λ of the L1 penalty.")
    var l1Lambda = 0.0003
    @Option(parsing: .unconditional, help: "Share of each hidden layer's units dropout switches off.")
    var dropoutRate = 0.5
    @Option(parsing: .unconditional, help: "Largest global gradient norm of the clipped run.")
    var clipNorm = 0.1

    func validate() throws {
        try KnobCheck.atLeast(1, pointsPerRing, "--points-per-ring", "a number of points")
        try KnobCheck.atLeast(1, hiddenUnits, "--hidden-units", "a number of hidden units")
        try KnobCheck.atLeast(1, epochs, "--epochs", "a number of epochs")
        try KnobCheck.positive(learningRate, "--learning-rate", "a learning rate")
        try KnobCheck.within(0...10, l2Lambda, "--l2-lambda", "a penalty strength")
        try KnobCheck.within(0...10, l1Lambda, "--l1-lambda", "a penalty strength")
        try KnobCheck.within(0...0.99, dropoutRate, "--dropout-rate", "a share of units")
        try KnobCheck.positive(clipNorm, "--clip-norm", "a gradient norm")
    }
}

Chapter.run("regularization", knobs: Knobs.self) { chapter, knobs in
    chapter.text(
        """
        A network with enough weights can memorise its training data, noise included, and then does \
        worse on data it has not seen: *overfitting* (article 000's figure of a wiggly line through \
        every point; article 001: the network "memorizes the training data really well but fails to \
        achieve good accuracy in the test data"). This chapter makes a network overfit on purpose, \
        then switches on, one at a time, the remedies the articles list: L2 and L1 penalties, \
        dropout, batch normalization, gradient clipping and data augmentation, each built in the \
        package and checked against its definition.
        """)

    chapter.section("A network that memorises")
    // Two noisy rings around the origin (chapter 6's rings, centred and scaled so that the outer
    // ring has radius 1): few training points, many validation points.
    func centred(_ data: Dataset) -> Dataset {
        var data = data
        data.inputs = data.inputs.map { ($0 - 0.5) * 2.5 }
        return data
    }
    var dataRandom = SeededGenerator(seed: chapter.options.seed &+ 1)
    let noise = 0.1
    let training = centred(try SyntheticData.circles(perClass: knobs.pointsPerRing, noise: noise, using: &dataRandom))
    let validation = centred(try SyntheticData.circles(perClass: 200, noise: noise, using: &dataRandom))
    let hidden = knobs.hiddenUnits
    let epochs = chapter.options.epochs(knobs.epochs)
    let learningRate = knobs.learningRate
    chapter.text(
        """
        The data: chapter 6's two rings with more noise (0.1, so they overlap a little and no \
        boundary can be perfect), centred on the origin. \(training.count) points to train on, \
        \(validation.count) fresh points from the same distribution to validate on. The network: \
        2-\(hidden)-\(hidden)-1 with ReLU hidden units and a sigmoid output, \
        \((2 * hidden + hidden + hidden * hidden + hidden + hidden + 1).grouped) weights and biases for \
        \(training.count) points, trained with Adam (`lr = \(learningRate)`), half squared error, \
        batches of 20, for \(epochs) epochs. After every epoch both losses are measured in \
        inference mode.
        """)
    // The chapter's runs start from the weights these generators draw; the spread over seeds below
    // repeats every run from two more.
    func denseLayers(initSeed: UInt64) throws -> (Dense<Double>, Dense<Double>, Dense<Double>) {
        var initRandom = SeededGenerator(seed: initSeed)
        func dense(_ inputs: Int, _ units: Int, _ activation: Activation) throws -> Dense<Double> {
            try Dense(inputs: inputs, units: units, activation: activation, initializer: activation == .relu ? .he : .xavier, using: &initRandom)
        }
        return (try dense(2, hidden, .relu), try dense(hidden, hidden, .relu), try dense(hidden, 1, .sigmoid))
    }
    let (first, second, output) = try denseLayers(initSeed: chapter.options.seed &+ 2)
    let plain = try Model<Double>([first, second, output])

    struct Setting {
        var name: String
        var model: Model<Double>
        var penalty: Penalty = .none
        var clipNorm: Double? = nil
        var augment: ((Matrix<Double>, inout SeededGenerator) throws -> Matrix<Double>)? = nil

        func options(epochs: Int, validation: Dataset) -> TrainingOptions<Double> {
            var options = TrainingOptions<Double>(
                epochs: epochs, batchSize: 20, penalty: penalty, clipNorm: clipNorm, validation: (validation.inputs, validation.targets))
            options.augment = augment
            return options
        }
    }
    let dropoutRate = knobs.dropoutRate, clipNorm = knobs.clipNorm
    func makeSettings(_ first: Dense<Double>, _ second: Dense<Double>, _ output: Dense<Double>) throws -> [Setting] {
        var linearFirst = first, linearSecond = second
        linearFirst.activation = .identity
        linearSecond.activation = .identity
        let plain = try Model<Double>([first, second, output])
        return [
            Setting(name: "no regularization", model: plain),
            Setting(name: "L2 (λ \(knobs.l2Lambda))", model: plain, penalty: .l2(knobs.l2Lambda)),
            Setting(name: "L1 (λ \(knobs.l1Lambda))", model: plain, penalty: .l1(knobs.l1Lambda)),
            Setting(
                name: "dropout \(dropoutRate)",
                model: try Model([first, Dropout(rate: dropoutRate), second, Dropout(rate: dropoutRate), output])),
            Setting(
                name: "batch normalization",
                model: try Model([
                    linearFirst, BatchNorm(features: hidden), ActivationLayer(.relu),
                    linearSecond, BatchNorm(features: hidden), ActivationLayer(.relu), output,
                ])),
            Setting(name: "clipping (max norm \(clipNorm))", model: plain, clipNorm: clipNorm),
            Setting(
                name: "augmentation (flips and shifts)", model: plain,
                augment: { points, generator in
                    Augmentation.jittered(Augmentation.randomSignFlips(points, using: &generator), standardDeviation: 0.1, using: &generator)
                }),
        ]
    }
    let settings = try makeSettings(first, second, output)
    let clipping = settings.firstIndex { $0.clipNorm != nil }!
    // every setting from the chapter's seed (kept: histories, models, the clipped run's gradient
    // norms), then from two more seeds (their final validation losses)
    let extraSeeds: [UInt64] = [1000, 2000]
    var histories: [[EpochRecord]] = []
    var trained: [Model<Double>] = []
    var clippedRunNorms: [Double] = []
    var finalValidation = [[Double]](repeating: [], count: settings.count)  // [setting][seed]
    for offset in [0] + extraSeeds {
        let runs = offset == 0 ? settings : try {
            let (first, second, output) = try denseLayers(initSeed: chapter.options.seed &+ 2 &+ offset)
            return try makeSettings(first, second, output)
        }()
        for (index, setting) in runs.enumerated() {
            var model = setting.model
            var optimizer = try Optimizer<Double>.adam(learningRate: learningRate)
            var generator = SeededGenerator(seed: chapter.options.seed &+ 3 &+ offset)
            var options = setting.options(epochs: epochs, validation: validation)
            if offset == 0 && index == clipping { options.afterBatch = { clippedRunNorms.append($0.gradientNorm!) } }
            let history = try model.train(
                inputs: training.inputs, targets: training.targets, options: options, optimizer: &optimizer, using: &generator)
            finalValidation[index].append(history.last!.validationLoss!)
            if offset == 0 {
                histories.append(history)
                trained.append(model)
            }
        }
    }
    let baseline = histories[0]
    let bestEpoch = baseline.min { $0.validationLoss! < $1.validationLoss! }!
    try chapter.figure(
        Figure(
            name: "overfitting", title: "2-\(hidden)-\(hidden)-1 on \(training.count) noisy points", xLabel: "epoch", yLabel: "loss",
            series: [
                Series("training loss", x: baseline.map { Double($0.epoch) }, y: baseline.map(\.loss), color: "#08306b"),
                Series("validation loss", x: baseline.map { Double($0.epoch) }, y: baseline.map { $0.validationLoss! }, color: "#a50f15"),
            ], keyPosition: .topRight),
        caption: "Training and validation loss per epoch, no regularization")
    let climbs = bestEpoch.epoch < baseline.last!.epoch
    chapter.text(
        """
        The training loss falls towards \(baseline.last!.loss.scientific(1)); the validation loss \
        \(climbs
            ? """
              is lowest at epoch \(bestEpoch.epoch) (\(bestEpoch.validationLoss!.fixed(4))) and then \
              climbs to \(baseline.last!.validationLoss!.fixed(4)) as the network bends its boundary \
              around individual noisy points.
              """
            : """
              is lowest at the last epoch (\(bestEpoch.validationLoss!.fixed(4))): this run ends \
              before the network starts to bend its boundary around individual noisy points.
              """) Stopping at the best validation epoch (*early stopping*) is \
        the simplest remedy; the others change the training itself.
        """)

    chapter.section("L2 and L1 penalties")
    let w = try Matrix<Double>([[0.8, -0.05, 0, 1.5]])
    let lambda = 0.1
    var l2Gradient = Matrix<Double>(rows: 1, columns: 4), l1Gradient = Matrix<Double>(rows: 1, columns: 4)
    try Penalty.l2(lambda).addGradient(of: w, to: &l2Gradient)
    try Penalty.l1(lambda).addGradient(of: w, to: &l1Gradient)
    chapter.text(
        """
        Article 001's Ridge (L2) and Lasso (L1) regularization add the size of the weights to the \
        loss, so that the optimizer trades fit against size. `Penalty` in the package:
        """)
    chapter.formula(
        """
        L2:  E' = E + (λ/2) Σ w²      ∂E'/∂w = ∂E/∂w + λ w
        L1:  E' = E + λ Σ |w|         ∂E'/∂w = ∂E/∂w + λ sign(w)
        """)
    chapter.text(
        """
        For the weights `w = [\(w.elements.map { $0.fixed(2) }.joined(separator: ", "))]` and \
        `λ = \(lambda)`, the penalties are \(Penalty.l2(lambda).value(w).fixed(5)) (L2) and \
        \(Penalty.l1(lambda).value(w).fixed(3)) (L1), and what they add to the gradient:
        """)
    chapter.table(
        ["penalty"] + w.elements.map { "w = \($0.fixed(2))" },
        [["L2: λ w"] + l2Gradient.elements.map { $0.signed(3) }, ["L1: λ sign(w)"] + l1Gradient.elements.map { $0.signed(3) }])
    let l2Model = trained[1], l1Model = trained[2]
    func smallShare(_ model: Model<Double>) -> Double {
        let weights = model.layers.flatMap { ($0 as? Dense<Double>)?.weights.elements ?? [] }
        return Double(weights.filter { abs($0) < 1e-3 }.count) / Double(weights.count)
    }
    chapter.text(
        """
        L2 pulls each weight towards zero in proportion to its size: large weights shrink fast, \
        small ones hardly at all. L1 pulls every weight by the same amount whatever its size, so \
        small weights are pushed all the way to zero and stay near it: L1 makes weights *sparse*. \
        After the runs below, the share of weights with `|w| < 0.001` is \
        \(String(format: "%.1f%%", 100 * smallShare(trained[0]))) without a penalty, \
        \(String(format: "%.1f%%", 100 * smallShare(l2Model))) with L2 and \
        \(String(format: "%.1f%%", 100 * smallShare(l1Model))) with L1. \
        \(smallShare(l2Model) > smallShare(trained[0]) ? "That L2 zeroes so many here is Adam's doing:" : "With Adam, L2 can zero weights too:") \
        Adam divides each weight's gradient by that weight's own gradient scale, \
        so for a weight the data barely uses, the penalty's `λw` is the whole gradient and Adam \
        steps it towards zero at full speed. With plain SGD, L2 is what PyTorch calls \
        `weight_decay`: the step `−γλw` decays every weight by the same fraction (AdamW brings that \
        behaviour back to Adam by decaying the weights outside the adaptive step). (The \
        package penalises the weights of dense layers only, not biases, which do not make the \
        function any wigglier; PyTorch's `weight_decay` applies to every parameter it is given.)
        """)
    chapter.text(
        """
        AdamW's rule as `Optimizer.apply` runs it (chapter 9 quotes the others): the weights shrink \
        by the factor `1 − γλ` first, then Adam steps with no decay added to the gradient:
        """)
    try chapter.quote("optimizer-adamw", from: "Sources/Teach/Optimizers/Optimizer.swift")

    chapter.section("Dropout")
    var dropout = try Dropout<Double>(rate: 0.5)
    var maskRandom = SeededGenerator(seed: chapter.options.seed &+ 4)
    let ones = Matrix<Double>(rows: 1, columns: 10, repeating: 1)
    let masked = try dropout.forward(ones, mode: .training, using: &maskRandom)
    let many = Matrix<Double>(rows: 1000, columns: 10, repeating: 1)
    let averaged = try dropout.forward(many, mode: .training, using: &maskRandom).columnSums().elements.map { $0 / 1000 }
    chapter.text(
        """
        Dropout (articles 000 and 001) switches off a random part of a layer's units at every \
        training step, a new choice each time, so no unit can rely on a particular other unit being \
        there: a dropped unit takes all its connections with it. Article 000 describes two \
        implementations. The *memory friendly* one \
        removes the dropped units: the weight matrices shrink for that step, and the bookkeeping \
        of which row is which unit has to be redone at every step. The *speed friendly* one keeps \
        every matrix at full size and multiplies the dropped units' outputs by zero. The package \
        does the second, as every framework does: one mask per batch, an elementwise product \
        forward and the same product backward (a dropped unit passes no gradient).
        """)
    chapter.sourceNote(
        """
        Article 000 describes something else under the name dropout: it drops *connections* \
        between two layers, single weights, not units. That is DropConnect (Wan et al., 2013), a \
        later variant; dropout (Srivastava et al., 2014) drops a unit with all its connections at \
        once. The article's two implementations carry over to units, as described above.
        """)
    chapter.text(
        """
        The kept units are scaled by `1/(1 − p)` during training (*inverted dropout*, PyTorch's \
        `nn.Dropout`), so that the expected output of every unit is the same in training and at \
        inference, and inference needs no dropout code at all. Ten units that all output 1, with \
        `p = 0.5`, one training step:
        """)
    chapter.formula("output: [\(masked.elements.map { $0.fixed(0) }.joined(separator: ", "))]")
    chapter.text(
        """
        Averaged over 1,000 steps each unit's output is \
        [\(averaged.map { $0.fixed(2) }.joined(separator: ", "))], close to the 1 it outputs at \
        inference. The original paper's form does not scale in training and multiplies by `1 − p` \
        at inference instead (`Dropout(rate:inverted: false)`): the same expectation, but the cost \
        moves to every prediction. The dropout paper (Srivastava et al., 2014) recommends dropping \
        about 20% of the inputs and 50% of the hidden units. The runs below drop \
        \(Int(dropoutRate * 100))% of each hidden layer's units.
        """)
    chapter.sourceNote(
        """
        Article 000 says 50% of the input weights and 20% of the hidden ones are usually dropped; \
        the dropout paper recommends the reverse.
        """)

    chapter.section("Batch normalization")
    var norm = try BatchNorm<Double>(features: 2)
    let batch = try Matrix<Double>([[1, 200], [2, 400], [3, 300], [6, 100]])
    let normalized = try norm.forwardTrace(batch, mode: .training).output
    let newRecord = try Matrix<Double>([[3, 250]])
    let inference = try norm.forwardTrace(newRecord, mode: .inference).output
    chapter.text(
        """
        Article 001: batch normalization normalizes a layer's inputs with the mean and variance of \
        the current batch. Per feature, `x̂ = (x − μ_B)/√(σ²_B + ε)`, then `y = γ x̂ + β` with a \
        learned scale `γ` and shift `β` (so the layer can undo the normalization if that is best). \
        During training it keeps running averages of the batch statistics, and at inference it \
        uses those, so a prediction does not depend on the other records in its batch. As \
        PyTorch's `BatchNorm1d`: momentum 0.1, `ε = 1e-5`, running variance from the unbiased batch \
        variance. A batch of four records with two features of very different scales:
        """)
    chapter.table(
        ["record", "x₁", "x₂", "y₁ (training)", "y₂ (training)"],
        (0..<4).map { r in [String(r + 1), batch[r, 0].fixed(0), batch[r, 1].fixed(0), normalized[r, 0].signed(4), normalized[r, 1].signed(4)] })
    chapter.text(
        """
        Both columns now have mean 0 and standard deviation 1 (γ = 1, β = 0 at the start). After \
        this one step the running mean is [\(norm.runningMean.elements.map { $0.fixed(3) }.joined(separator: ", "))] \
        (`0.9·0 + 0.1·μ_B`) and the running variance \
        [\(norm.runningVariance.elements.map { $0.fixed(3) }.joined(separator: ", "))] (`0.9·1 + 0.1·σ²_B·m/(m−1)`); \
        the record (3, 250) at inference becomes \
        (\(inference[0, 0].signed(4)), \(inference[0, 1].signed(4))), normalized with those running \
        numbers, which after many steps approach the data's own. The backward pass runs through \
        the batch statistics too (the formula is in `BatchNorm`'s documentation) and is tested \
        against central differences. In the runs below, each hidden layer is `Dense` without \
        activation, then `BatchNorm`, then ReLU.
        """)

    chapter.section("Gradient clipping")
    var probe = plain
    var probeRandom = SeededGenerator(seed: chapter.options.seed &+ 3)
    let pass = try probe.backpropagate(training.inputs, targets: training.targets, loss: .halfSquaredError, using: &probeRandom)
    var gradients = pass.gradients
    let before = try clipByGlobalNorm(&gradients, maxNorm: clipNorm)
    let after = globalNorm(gradients)
    chapter.text(
        """
        Article 001 mentions clipping for exploding gradients, with PyTorch's `clip_grad_norm_`: \
        treat all gradients as one long vector, and if its length `‖g‖` exceeds a maximum, scale \
        every gradient by `max / (‖g‖ + 10⁻⁶)`. The direction of the step is kept; only its size \
        is capped. The untrained network's gradient on the whole training set has \
        `‖g‖ = \(before.fixed(4))`; \
        \(before > clipNorm
            ? "clipped to \(clipNorm) it has \(after.fixed(6)), and a gradient already shorter than the maximum is left exactly as it is."
            : "that is no longer than \(clipNorm), so clipping leaves it exactly as it is (\(after.fixed(6))).") Clipping is a guard against the rare \
        huge step (in recurrent networks above all), not a regularizer, and the run below shows \
        what it does to Adam. What makes gradients explode is the product of many large weights \
        along the backward pass, each layer multiplying the gradient by its `Wᵀ`; the usual \
        sigmoid, tanh and ReLU have slopes of at most 1.
        """)
    chapter.sourceNote(
        """
        Article 001 blames exploding gradients on a large derivative of the activation; the slopes \
        of the usual activations are at most 1, and what grows is the product of the weights.
        """)

    chapter.section("Data augmentation")
    let glyph = try Matrix<Double>([[
        0, 1, 0, 0, 0,
        0, 1, 0, 0, 0,
        0, 1, 0, 0, 0,
        0, 1, 1, 1, 0,
        0, 0, 0, 0, 0,
    ]])
    func picture(_ image: Matrix<Double>) -> [String] {
        (0..<5).map { r in (0..<5).map { image[0, r * 5 + $0] > 0 ? "#" : "." }.joined() }
    }
    let flipped = try Augmentation.flippedHorizontally(glyph, width: 5, height: 5)
    let moved = try Augmentation.shifted(glyph, width: 5, height: 5, right: 1, down: -1)
    chapter.text(
        """
        Article 001: when the data set is small, make more of it by changing each image in ways \
        that keep its label: flip it, move it, rotate or zoom it a little. `Augmentation` does the \
        two cheapest on batch-first rows of pixels (the IDX layout of MNIST and Fashion-MNIST): a \
        left-right flip and a shift by whole pixels, filling with 0. A 5×5 "L":
        """)
    chapter.formula(Markdown.sideBySide(
        [(["original"] + picture(glyph)).joined(separator: "\n"), (["flipped"] + picture(flipped)).joined(separator: "\n"),
         (["right 1, up 1"] + picture(moved)).joined(separator: "\n")], gap: 4))
    chapter.text(
        """
        A flip is only valid when the mirror image has the same label: a shirt flipped is a shirt, \
        a 2 flipped is not a 2. The rings have the same kind of symmetry: a point mirrored in \
        either axis stays on its ring, and a point moved a little stays (nearly) on it. So the \
        2-D run below augments each batch with random sign flips of each coordinate and a \
        Gaussian shift of 0.1 (`Augmentation.randomSignFlips`, `Augmentation.jittered`), drawn \
        afresh at every step.
        """)

    chapter.section("Each remedy, the same run")
    let colors = ["#000000", "#08306b", "#4292c6", "#a50f15", "#238b45", "#8c6d31", "#d94801"]
    let highest = histories.flatMap { $0.map { $0.validationLoss! } }.max()!
    var panels = Figure(
        name: "validation", title: "Validation loss, \(training.count) training points (grey: no regularization)", xLabel: "epoch",
        yLabel: "validation loss")
    panels.panels = settings.indices.dropFirst().map { i in
        Figure(
            name: "setting-\(i)", title: settings[i].name, xLabel: "epoch", yLabel: "validation loss",
            yRange: 0...((highest * 50).rounded(.up) / 50),
            series: [
                Series("no regularization", x: histories[0].map { Double($0.epoch) }, y: histories[0].map { $0.validationLoss! }, color: "#bdbdbd"),
                Series(settings[i].name, x: histories[i].map { Double($0.epoch) }, y: histories[i].map { $0.validationLoss! }, color: colors[i]),
            ], keyPosition: .none)
    }
    panels.panelsPerRow = 3
    panels.width = 1400
    panels.height = 760
    try chapter.figure(panels, caption: "Validation loss per epoch with each regularization switched on (colour) against none (grey)")
    // the final validation loss over the three seeds: its mean and spread, and a verdict only where
    // the difference from no regularization exceeds the larger of the two spreads
    let means = finalValidation.map { $0.reduce(0, +) / Double($0.count) }
    let spreads = finalValidation.map { $0.max()! - $0.min()! }
    func verdict(_ i: Int) -> String {
        let difference = means[i] - means[0], noise = max(spreads[i], spreads[0])
        return abs(difference) <= noise ? "within the seed spread" : difference < 0 ? "lower" : "higher"
    }
    let rows = try settings.indices.map { i -> [String] in
        let history = histories[i]
        let best = history.min { $0.validationLoss! < $1.validationLoss! }!
        let accuracy = binaryAccuracy(try trained[i].predict(validation.inputs), targets: validation.targets)
        return [settings[i].name, history.last!.loss.fixed(4), history.last!.validationLoss!.fixed(4),
                "\(best.validationLoss!.fixed(4)) (epoch \(best.epoch))", String(format: "%.1f%%", 100 * accuracy),
                "\(means[i].fixed(4)) ± \((spreads[i] / 2).fixed(4))", i == 0 ? "" : verdict(i)]
    }
    chapter.table(
        ["setting", "final training loss", "final validation loss", "best validation loss", "validation accuracy",
         "final validation loss, \(extraSeeds.count + 1) seeds (mean ± half the spread)", "against no regularization"], rows)
    let lower = settings.indices.dropFirst().filter { verdict($0) == "lower" }
    let higher = settings.indices.dropFirst().filter { verdict($0) == "higher" }
    let unclear = settings.indices.dropFirst().filter { verdict($0) == "within the seed spread" }
    func names(_ indices: [Int]) -> String { indices.map { settings[$0].name }.listed }
    // a lowest one only if its mean is below every other's by more than the larger spread
    let lowest = settings.indices.min { means[$0] < means[$1] }!
    let clearlyLowest = settings.indices.allSatisfy { $0 == lowest || means[$0] - means[lowest] > max(spreads[$0], spreads[lowest]) }
    // which of the remedies that end lower fit the training points less closely than no regularization
    let finalTrainingLoss = histories.map { $0.last!.loss }
    let fitLess = lower.filter { finalTrainingLoss[$0] > finalTrainingLoss[0] }
    let fitAsClosely = lower.filter { finalTrainingLoss[$0] <= finalTrainingLoss[0] }
    let tradeOff =
        lower.isEmpty
        ? "A remedy that helps gives up training loss (the network fits the training points less closely) to gain on the points it has not seen; here none gains by more than the spread."
        : fitAsClosely.isEmpty
        ? "The remedies that help give up training loss (the network fits the training points less closely) to gain on the points it has not seen, which is the whole idea."
        : """
          \(fitLess.isEmpty ? "None of the remedies that help gives up training loss here" : names(fitLess) + " give\(fitLess.count == 1 ? "s" : "") up training loss (the network fits the training points less closely) to gain on the points it has not seen, which is the whole idea"); \
          \(names(fitAsClosely)) end\(fitAsClosely.count == 1 ? "s" : "") lower while fitting the training points as closely or more.
          """
    chapter.text(
        """
        The first columns are the chapter's run; the last two repeat every setting from \(extraSeeds.count) \
        more seeds (other initial weights, batch orders, masks and augmentations) and call a \
        setting lower or higher than no regularization only when the difference of the means \
        exceeds the larger of the two spreads (max − min over the seeds). On that rule, \
        \(lower.isEmpty ? "no remedy ends lower" : names(lower) + " end\(lower.count == 1 ? "s" : "") lower")\
        \(higher.isEmpty ? "" : "; " + names(higher) + " end\(higher.count == 1 ? "s" : "") higher")\
        \(unclear.isEmpty ? "" : "; " + names(unclear) + (unclear.count == 1 ? " is" : " are") + " within the seed spread"). \
        \(clearlyLowest ? "\(settings[lowest].name) ends lowest, by more than the spread." : "No setting ends lowest by more than the spread: \(settings[lowest].name)'s mean is the lowest, \(means[lowest].fixed(4)).") \
        \(tradeOff) The strengths (λ, \
        the dropout rate, the amount of shift) are hyper-parameters like the learning rate: too \
        little does nothing, too much and the network underfits. Choose them on validation data, \
        never on the test set.
        """)
    func distanceFromStart(_ model: Model<Double>) -> Double {
        zip(model.parameters, plain.parameters).reduce(0.0) { total, pair in
            total + zip(pair.0.elements, pair.1.elements).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        }.squareRoot()
    }
    func comparedWithNone(_ i: Int) -> String {
        switch verdict(i) {
        case "lower": "lower than"
        case "higher": "higher than"
        default: "within the seed spread of"
        }
    }
    let clipped = clippedRunNorms.filter { $0 > clipNorm }.count
    let clippedLoss = histories[clipping].last!.loss, unclippedLoss = histories[0].last!.loss
    let clippedDistance = distanceFromStart(trained[clipping]), unclippedDistance = distanceFromStart(trained[0])
    let memory = 1 / (1 - 0.999)  // Adam's β₂ = 0.999
    if clipped == 0 {
        chapter.text(
            """
            Clipping changed nothing here: none of its \(clippedRunNorms.count) updates had a gradient \
            longer than \(clipNorm) (the longest \(clippedRunNorms.max()!.fixed(3))), so the clipped \
            run is the unclipped run.
            """)
    } else if clippedLoss < unclippedLoss {
        chapter.text(
            """
            Clipping is the odd one: its validation loss is \(comparedWithNone(clipping)) the unclipped run's, \
            but its training loss ends at \(clippedLoss.fixed(4)) against \
            \(unclippedLoss.fixed(4)). \(clipped) of its \(clippedRunNorms.count) updates had a \
            gradient longer than \(clipNorm) and were clipped (the longest \
            \(clippedRunNorms.max()!.fixed(3))). A likely reason: Adam divides each step by a running \
            root-mean-square of the gradients that remembers about 1/(1 − β₂) = \(Int(memory.rounded()).grouped) updates, \
            \(Double(clippedRunNorms.count) < memory ? "longer than this whole run" : "a good part of this run"), and the shortened gradients keep that average smaller, so Adam's \
            steps are larger. The weights \(clippedDistance > unclippedDistance ? "agree" : "do not bear this out"): the clipped run's end \
            \(clippedDistance.fixed(2)) from where they started, the unclipped \
            run's \(unclippedDistance.fixed(2)). With this optimizer, clipping fits the \
            training points more closely, not less.
            """)
    } else {
        chapter.text(
            """
            Clipping shortens the steps: \(clipped) of its \(clippedRunNorms.count) updates had a \
            gradient longer than \(clipNorm) and were clipped (the longest \
            \(clippedRunNorms.max()!.fixed(3))), its training loss ends at \(clippedLoss.fixed(4)) \
            against \(unclippedLoss.fixed(4)) and its validation loss is \(comparedWithNone(clipping)) the \
            unclipped run's. Its weights end \(clippedDistance.fixed(2)) from where they started, \
            the unclipped run's \(unclippedDistance.fixed(2)).
            """)
    }

    chapter.section("The boundary it memorises, and a smoother one")
    let dropoutIndex = settings.firstIndex { $0.name.hasPrefix("dropout") }!
    let extent = (max(training.inputs.maxMagnitude(), validation.inputs.maxMagnitude()) * 10).rounded(.up) / 10
    let accuracies = try [0, dropoutIndex].map { binaryAccuracy(try trained[$0].predict(validation.inputs), targets: validation.targets) }
    chapter.text(
        """
        What memorising looks like: the output of the network trained without regularization, and \
        of the same network trained with dropout \(dropoutRate), over the plane, with the \
        \(training.count) training points on top. The colour is the network's output, from 0 (blue) \
        to 1 (red); the boundary is where it crosses 0.5.
        """)
    var boundaries = Figure(
        name: "boundaries", title: "The two networks' outputs over the plane, and the \(training.count) training points", xLabel: "x1",
        yLabel: "x2")
    boundaries.panels = try zip([0, dropoutIndex], accuracies).map { i, accuracy in
        var panel = try Figure.decisionSurface(
            name: "boundary-\(i)", title: "\(settings[i].name): validation accuracy \(String(format: "%.1f%%", 100 * accuracy))",
            span: -extent...extent, colorBarLabel: "network output", inputs: training.inputs, targets: training.targets.elements,
            pointSize: 1.2
        ) { x1, x2 in try trained[i].predict(Matrix(row: [x1, x2]))[0, 0] }
        panel.keyPosition = .none
        return panel
    }
    boundaries.width = 1300
    boundaries.height = 620
    // The book's reading of the picture holds when the unregularised network fits its training
    // points better than its validation points and dropout does better on the validation points.
    let trainingAccuracies = try [0, dropoutIndex].map { binaryAccuracy(try trained[$0].predict(training.inputs), targets: training.targets) }
    let memorises = trainingAccuracies[0] > accuracies[0] && accuracies[1] > accuracies[0]
    try chapter.figure(
        boundaries,
        caption: memorises
            ? "Left: no regularization bends its boundary around single points; right: dropout's smoother boundary (targets: blue circles 0, red squares 1)"
            : "Left: no regularization; right: dropout (targets: blue circles 0, red squares 1)")
    if memorises {
        chapter.text(
            """
            Without regularization the boundary makes detours to put single noisy training points on \
            their side, islands and bays that the validation points do not follow; with dropout it \
            stays closer to the circle the rings were drawn around. The validation accuracies are the \
            table's: \(String(format: "%.1f%%", 100 * accuracies[0])) against \
            \(String(format: "%.1f%%", 100 * accuracies[1])).
            """)
    } else {
        chapter.text(
            """
            In this run the two pictures are harder to tell apart by their numbers: \
            dropout's validation accuracy is \(String(format: "%.1f%%", 100 * accuracies[1])) against \
            \(String(format: "%.1f%%", 100 * accuracies[0])) without regularization, which classifies \
            \(String(format: "%.1f%%", 100 * trainingAccuracies[0])) of its training points right \
            (dropout: \(String(format: "%.1f%%", 100 * trainingAccuracies[1]))).
            """)
    }

    chapter.section("Dropout as an ensemble")
    let dropoutModel = trained[dropoutIndex]
    let droppable = dropoutModel.layers.compactMap { $0 as? Dense<Double> }.dropLast().map(\.unitCount).reduce(0, +)
    let sampleCounts = [1, 4, 16, 64, 256]
    let samplingSeeds = (0..<3).map { chapter.options.seed &+ 30 &+ UInt64($0) }
    let scaledPass = try dropoutModel.predict(validation.inputs)
    func errorRate(_ predictions: Matrix<Double>) -> Double { 1 - binaryAccuracy(predictions, targets: validation.targets) }
    // [sampling seed][sample count]
    let ensembles = try samplingSeeds.map { seed in
        var sampling = SeededGenerator(seed: seed)
        return try dropoutModel.monteCarloPredictions(validation.inputs, sampleCounts: sampleCounts, using: &sampling)
    }
    func range(_ values: [Double], _ format: (Double) -> String) -> String {
        values.min()! == values.max()! ? format(values[0]) : "\(format(values.min()!)) – \(format(values.max()!))"
    }
    func percent(_ value: Double) -> String { String(format: "%.1f%%", 100 * value) }
    func difference(_ average: Matrix<Double>) -> Double {
        zip(average.elements, scaledPass.elements).map { abs($0 - $1) }.reduce(0, +) / Double(average.count)
    }
    func agreement(_ average: Matrix<Double>) -> Double {
        Double(zip(average.elements, scaledPass.elements).filter { ($0 > 0.5) == ($1 > 0.5) }.count) / Double(average.count)
    }
    chapter.text(
        """
        Each training step of the dropout network uses a different *thinned* network: with \
        \(droppable) droppable hidden units there are `2^\(droppable)` of them, all sharing one set of \
        weights. Averaging the predictions of many networks (an *ensemble*) is a classic remedy \
        for overfitting, but each network costs a training run and its storage; dropout trains the \
        thinned networks together for the price of one. The ensemble's prediction would be the \
        average over the thinned networks, and the single pass \
        at inference, with every unit kept and its weights scaled (here through the training-time \
        `1/(1 − p)`), approximates that average. The approximation is exact for a network that is \
        linear after its dropout layers; this one has a ReLU layer and a sigmoid after them. \
        `monteCarloPredictions` averages `n` randomly thinned passes over the \(validation.count) \
        validation points, from \(samplingSeeds.count) sampling seeds, against the one weight-scaled pass \
        (validation error \(percent(errorRate(scaledPass)))):
        """)
    chapter.table(
        ["thinned networks averaged", "mean |average − scaled pass|", "same class as the scaled pass", "validation error of the average"],
        sampleCounts.indices.map { c in
            [String(sampleCounts[c]), range(ensembles.map { difference($0[c]) }) { $0.fixed(4) },
             range(ensembles.map { agreement($0[c]) }, percent), range(ensembles.map { errorRate($0[c]) }, percent)]
        })
    let largest = sampleCounts.count - 1
    let ensembleErrors = ensembles.map { errorRate($0[largest]) }
    let ensembleMean = ensembleErrors.reduce(0, +) / Double(ensembleErrors.count)
    let ensembleSpread = ensembleErrors.max()! - ensembleErrors.min()!
    let scaledError = errorRate(scaledPass)
    let singleErrors = ensembles.map { errorRate($0[0]) }
    func compared(_ errors: [Double], with reference: Double, _ what: String) -> String {
        if errors.min()! > reference { return "is a worse classifier than the scaled pass (\(what) \(range(errors, percent)) against \(percent(reference)))" }
        if errors.max()! < reference { return "is a better classifier than the scaled pass (\(what) \(range(errors, percent)) against \(percent(reference)))" }
        return "has an \(what) of \(range(errors, percent)), on either side of the scaled pass's \(percent(reference)),"
    }
    let meanDifferences = sampleCounts.indices.map { c in ensembles.map { difference($0[c]) }.reduce(0, +) / Double(ensembles.count) }
    let converges = zip(meanDifferences, meanDifferences.dropFirst()).allSatisfy { $1 < $0 }
    let ensembleVerdict =
        abs(ensembleMean - scaledError) <= ensembleSpread
        ? """
          is the scaled pass's \(percent(scaledError)) to within the spread of the sampling: the scaled \
          pass buys the ensemble's prediction for the price of one forward pass instead of \(sampleCounts[largest]).
          """
        : """
          is \(ensembleMean < scaledError ? "lower" : "higher") than the scaled pass's \(percent(scaledError)) \
          by more than the spread of the sampling, though by only \(Int((abs(ensembleMean - scaledError) * Double(validation.count)).rounded())) \
          of the \(validation.count) points: on this network the average of \(sampleCounts[largest]) thinned passes \
          classifies slightly \(ensembleMean < scaledError ? "better" : "worse"), at \(sampleCounts[largest]) forward passes \
          against one; the scaled pass approximates the ensemble but is not its equal.
          """
    chapter.text(
        """
        A single thinned network \(compared(singleErrors, with: scaledError, "error")) and disagrees \
        with the scaled pass on \(range(ensembles.map { 1 - agreement($0[0]) }, percent)) of the \
        points. \(converges ? "As more of them are averaged, the average moves towards the scaled pass: after" : "Averaging more of them does not steadily close the gap: after") \
        \(sampleCounts[largest]) the two differ by \(range(ensembles.map { difference($0[largest]) }) { $0.fixed(4) }) \
        on average and give the same class to \(range(ensembles.map { agreement($0[largest]) }, percent)) \
        of the points. They do not become equal, since the layers after the dropout are not \
        linear. The ensemble's error, \(percent(ensembleMean)) (\(range(ensembleErrors, percent)) \
        over the sampling seeds), \(ensembleVerdict) Averaging thinned passes has a second use: how \
        much they disagree on a point says how unsure the network is about it (Gal and Ghahramani's \
        Monte-Carlo dropout, 2016).
        """)
    chapter.sourceNote(
        """
        Article 001 introduces regularisation with the ensemble: fit many networks, average their \
        predictions, and note that it is too costly for large models. Dropout's reading as an \
        ensemble of thinned networks is Srivastava et al.'s (2014), not the article's.
        """)
}
