// Chapter 10: overfitting and regularization (articles 000 and 001).
import Teach

Chapter.run("regularization") { chapter in
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
    let training = centred(try SyntheticData.circles(perClass: 30, noise: noise, using: &dataRandom))
    let validation = centred(try SyntheticData.circles(perClass: 200, noise: noise, using: &dataRandom))
    let hidden = 64
    let epochs = chapter.options.quick ? 60 : 300
    let learningRate = 0.01
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
    var initRandom = SeededGenerator(seed: chapter.options.seed &+ 2)
    func dense(_ inputs: Int, _ units: Int, _ activation: Activation) throws -> Dense<Double> {
        try Dense(inputs: inputs, units: units, activation: activation, initializer: activation == .relu ? .he : .xavier, using: &initRandom)
    }
    let first = try dense(2, hidden, .relu), second = try dense(hidden, hidden, .relu), output = try dense(hidden, 1, .sigmoid)
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
    var linearFirst = first, linearSecond = second
    linearFirst.activation = .identity
    linearSecond.activation = .identity
    let dropoutRate = 0.5
    let settings: [Setting] = [
        Setting(name: "no regularization", model: plain),
        Setting(name: "L2 (λ 0.001)", model: plain, penalty: .l2(0.001)),
        Setting(name: "L1 (λ 0.0003)", model: plain, penalty: .l1(0.0003)),
        Setting(
            name: "dropout \(dropoutRate)",
            model: try Model([first, Dropout(rate: dropoutRate), second, Dropout(rate: dropoutRate), output])),
        Setting(
            name: "batch normalization",
            model: try Model([
                linearFirst, BatchNorm(features: hidden), ActivationLayer(.relu),
                linearSecond, BatchNorm(features: hidden), ActivationLayer(.relu), output,
            ])),
        Setting(name: "clipping (max norm 0.1)", model: plain, clipNorm: 0.1),
        Setting(
            name: "augmentation (flips and shifts)", model: plain,
            augment: { points, generator in
                Augmentation.jittered(Augmentation.randomSignFlips(points, using: &generator), standardDeviation: 0.1, using: &generator)
            }),
    ]
    var histories: [[EpochRecord]] = []
    var trained: [Model<Double>] = []
    for setting in settings {
        var model = setting.model
        var optimizer = try Optimizer<Double>.adam(learningRate: learningRate)
        var generator = SeededGenerator(seed: chapter.options.seed &+ 3)
        histories.append(
            try model.train(
                inputs: training.inputs, targets: training.targets, options: setting.options(epochs: epochs, validation: validation),
                optimizer: &optimizer, using: &generator))
        trained.append(model)
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
    chapter.text(
        """
        The training loss falls towards \(baseline.last!.loss.scientific(1)); the validation loss \
        is lowest at epoch \(bestEpoch.epoch) (\(bestEpoch.validationLoss!.fixed(4))) and then \
        climbs to \(baseline.last!.validationLoss!.fixed(4)) as the network bends its boundary \
        around individual noisy points. Stopping at the best validation epoch (*early stopping*) is \
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
        \(String(format: "%.1f%%", 100 * smallShare(l1Model))) with L1. That L2 zeroes so many here \
        is Adam's doing: Adam divides each weight's gradient by that weight's own gradient scale, \
        so for a weight the data barely uses, the penalty's `λw` is the whole gradient and Adam \
        steps it towards zero at full speed. With plain SGD, L2 is what PyTorch calls \
        `weight_decay`: the step `−γλw` decays every weight by the same fraction (AdamW brings that \
        behaviour back to Adam by decaying the weights outside the adaptive step). (The \
        package penalises the weights of dense layers only, not biases, which do not make the \
        function any wigglier; PyTorch's `weight_decay` applies to every parameter it is given.)
        """)

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
        there. Article 000 describes two implementations. The *memory friendly* one removes the \
        dropped units: the weight matrices shrink for that step, and the bookkeeping of which row \
        is which unit has to be redone at every step. The *speed friendly* one keeps every matrix \
        at full size and multiplies the dropped units' outputs by zero. The package does the second, \
        as every framework does: one mask per batch, an elementwise product forward and the same \
        product backward (a dropped unit passes no gradient).
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
        moves to every prediction. Article 000 says 50% of the input weights and 20% of the hidden \
        ones are usually dropped; the dropout paper (Srivastava et al., 2014) recommends the \
        reverse, about 20% for inputs and 50% for hidden units. The runs below drop \
        \(Int(dropoutRate * 100))% of each hidden layer's units.
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
    let before = try clipByGlobalNorm(&gradients, maxNorm: 0.1)
    let after = gradients.reduce(0.0) { total, g in total + g.elements.reduce(0) { $0 + $1 * $1 } }.squareRoot()
    chapter.text(
        """
        Article 001 mentions clipping for exploding gradients, with PyTorch's `clip_grad_norm_`: \
        treat all gradients as one long vector, and if its length `‖g‖` exceeds a maximum, scale \
        every gradient by `max / (‖g‖ + 10⁻⁶)`. The direction of the step is kept; only its size \
        is capped. The untrained network's gradient on the whole training set has \
        `‖g‖ = \(before.fixed(4))`; clipped to 0.1 it has \(after.fixed(6)), and a gradient already \
        shorter than the maximum is left exactly as it is. Clipping is a guard against the rare \
        huge step (in recurrent networks above all), not a regularizer; with Adam, which \
        normalizes its steps anyway, it changes little, as the run below shows.
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
    try chapter.figure(
        Figure(
            name: "validation", title: "Validation loss, \(training.count) training points", xLabel: "epoch", yLabel: "validation loss",
            series: zip(settings, zip(histories, colors)).map { setting, pair in
                Series(setting.name, x: pair.0.map { Double($0.epoch) }, y: pair.0.map { $0.validationLoss! }, color: pair.1)
            }, keyPosition: .outside, width: 1000),
        caption: "Validation loss per epoch with each regularization switched on")
    let rows = try settings.indices.map { i -> [String] in
        let history = histories[i]
        let best = history.min { $0.validationLoss! < $1.validationLoss! }!
        let accuracy = binaryAccuracy(try trained[i].predict(validation.inputs), targets: validation.targets)
        return [settings[i].name, history.last!.loss.fixed(4), history.last!.validationLoss!.fixed(4),
                "\(best.validationLoss!.fixed(4)) (epoch \(best.epoch))", String(format: "%.1f%%", 100 * accuracy)]
    }
    chapter.table(["setting", "final training loss", "final validation loss", "best validation loss", "validation accuracy"], rows)
    let finals = histories.map { $0.last!.validationLoss! }
    let helped = settings.indices.dropFirst().filter { finals[$0] < finals[0] }.map { settings[$0].name }
    let notHelped = settings.indices.dropFirst().filter { finals[$0] >= finals[0] }.map { settings[$0].name }
    let winner = settings.indices.min { finals[$0] < finals[$1] }!
    chapter.text(
        """
        Against the unregularized run's final validation loss of \(finals[0].fixed(4)), \
        \(helped.isEmpty ? "none of the remedies ends lower" : helped.joined(separator: ", ") + " end lower"), \
        \(notHelped.isEmpty ? "that is, all of them" : "and " + notHelped.joined(separator: ", ") + " does not"); \
        \(settings[winner].name) ends lowest (\(finals[winner].fixed(4))). Every remedy that helps \
        gives up training loss (the network fits the training points less closely) to gain on the \
        points it has not seen, which is the whole idea. The strengths (λ, the dropout rate, the amount of \
        shift) are hyper-parameters like the learning rate: too little does nothing, too much and \
        the network underfits. Choose them on validation data, never on the test set.
        """)
}
