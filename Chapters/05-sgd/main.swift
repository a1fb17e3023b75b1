// Chapter 5: stochastic gradient descent (articles 002 and 003).
import ArgumentParser
import Teach
import TeachBook

/// The choices the chapter turns on, with the book's values as defaults.
struct Knobs: ChapterKnobs {
    @Option(parsing: .unconditional, help: "Learning rate η of every update, for the price network and the curve fits.")
    var learningRate = 0.05
    @Option(parsing: .unconditional, help: "Passes over the 200 records, for SGD and for full batch (with --quick: a fifth).")
    var epochs = 50
    @Option(parsing: .unconditional, help: "Tanh hidden units of the price network 4-h-1.")
    var hiddenUnits = 8
    @Option(parsing: .unconditional, help: "Epochs of SGD for each curve fit of the last section (with --quick: a fifth).")
    var fitEpochs = 200

    func validate() throws {
        try KnobCheck.positive(learningRate, "--learning-rate", "a learning rate")
        try KnobCheck.atLeast(1, epochs, "--epochs", "a number of epochs")
        try KnobCheck.atLeast(1, hiddenUnits, "--hidden-units", "a number of hidden units")
        try KnobCheck.atLeast(1, fitEpochs, "--fit-epochs", "a number of epochs")
    }
}

Chapter.run("sgd", knobs: Knobs.self) { chapter, knobs in
    chapter.text(
        """
        Chapters 3 and 4 computed the gradient of the cost over the whole training set before every \
        step: full-batch gradient descent. Article 003 points out the problem: the cost is a sum over \
        every record, so one step costs a pass over all the data, and training makes hundreds of \
        passes. *Stochastic* gradient descent (SGD) instead takes a step after every single record, \
        using that record's gradient as a noisy stand-in for the full one.
        """)

    chapter.section("The data: article 002's property prices")
    var dataRandom = SeededGenerator(seed: chapter.options.seed &+ 1)
    let raw = try SyntheticData.propertyPrices(count: 200, using: &dataRandom)
    let (data, means, deviations) = raw.standardized()
    let inputs = data.inputs
    // Prices in hundreds of thousands, so the outputs and the errors are numbers near 1.
    let targets = raw.targets / 100
    chapter.text(
        """
        Article 002 predicts the price of a property from its area, number of bedrooms, distance to \
        the city and age. It gives no data, so `SyntheticData.propertyPrices` makes some from a rule \
        with the shape the article describes (bigger and closer is dearer, older is cheaper, and the \
        effects multiply rather than add) plus noise: \(raw.count) records. The first five:
        """)
    chapter.table(
        raw.featureNames + ["price (thousands)"],
        (0..<5).map { r in (0..<4).map { raw.inputs[r, $0].fixed($0 == 1 ? 0 : 1) } + [raw.targets[r, 0].fixed(1)] })
    chapter.text(
        """
        The features are on very different scales (areas in the hundreds, bedrooms in single \
        digits), and a weight that suits one is far too large or small for another. So every \
        feature is *standardized*: shifted by its mean and divided by its standard deviation \
        (`\(zip(raw.featureNames, zip(means, deviations)).map { "\($0.0): \($0.1.0.fixed(1)) ± \($0.1.1.fixed(1))" }.joined(separator: ", "))`), \
        and the prices are given in hundreds of thousands. The network has 4 inputs, \(knobs.hiddenUnits) tanh hidden \
        units and one linear output unit (`identity`), since a price is not a probability.
        """)

    chapter.section("The seven steps, literally")
    let learningRate = knobs.learningRate
    let epochs = chapter.options.epochs(knobs.epochs)
    let hidden = knobs.hiddenUnits
    // What the loop records for the table and the figures below: the first four updates, and the
    // loss over all the data every 10 updates early in the first epoch and after every epoch.
    var trace: [[String]] = []
    // whether each of the traced steps lowered the cost of its own record
    var eachStepImproved = true
    var earlyLosses: [EpochRecord] = []
    var sgdHistory: [EpochRecord] = []
    func watchUpdate(_ network: Network<Double>, epoch: Int, record: Int, pass: Backpropagation<Double>) throws {
        if epoch == 1 && (record + 1) % 10 == 0 && record + 1 < inputs.rows {
            earlyLosses.append(EpochRecord(epoch: 1, loss: try network.loss(inputs, targets: targets, loss: .halfSquaredError), updates: record + 1))
        }
        if epoch == 1 && record < 4 {
            let y = targets[record, 0], after = try network.predict(inputs.row(record))[0, 0]
            eachStepImproved = eachStepImproved && 0.5 * (y - after) * (y - after) < pass.loss
            trace.append([
                String(record + 1), y.fixed(3), pass.output[0, 0].fixed(4), pass.loss.fixed(5), after.fixed(4),
                (0.5 * (y - after) * (y - after)).fixed(5),
            ])
        }
    }
    func watchEpoch(_ network: Network<Double>, _ epoch: Int) throws {
        sgdHistory.append(
            EpochRecord(epoch: epoch, loss: try network.loss(inputs, targets: targets, loss: .halfSquaredError), updates: epoch * inputs.rows))
    }
    chapter.text(
        """
        Article 002 trains with SGD in seven steps. Here they are in the code that runs, quoted \
        from this chapter's own program (`watchUpdate` and `watchEpoch` only record numbers for \
        the table and figures below):
        """)
    try chapter.quote("seven-steps")
    // book: seven-steps
    // Step 1: random weights, small and close to 0 but not 0.
    let start = try Network<Double>(sizes: [4, hidden, 1], hidden: .tanh, output: .identity, standardDeviation: 0.1, using: &chapter.random)
    var network = start
    try watchEpoch(network, 0)
    for epoch in 1...epochs {                        // Step 7: one pass over the data is an epoch; do more.
        for record in 0..<inputs.rows {              // Step 6: repeat steps 2 to 5 for every record.
            let x = inputs.row(record)               // Step 2: one observation into the input layer.
            let y = targets.row(record)
            // Steps 3 and 4: forward to the prediction, then its cost; step 5 goes backwards.
            let pass = try network.backpropagate(x, targets: y, loss: .halfSquaredError)
            try network.descend(pass.gradients, learningRate: learningRate)   // Step 5: update.
            try watchUpdate(network, epoch: epoch, record: record, pass: pass)
        }
        try watchEpoch(network, epoch)
    }
    // book: end seven-steps
    chapter.text(
        """
        The first four updates of the first epoch, each on one record: the prediction before the \
        step, its cost `½(y − ŷ)²`, and the prediction for the same record right after the step.
        """)
    chapter.table(["record", "target y", "ŷ before", "cost before", "ŷ after", "cost after"], trace)
    chapter.text(
        eachStepImproved
            ? """
            Each step improves the record it was computed on, and says nothing certain about the \
            others: the next record pulls the weights in its own direction. Averaged over many steps the \
            pulls point downhill on the whole cost, which is why SGD works.
            """
            : """
            Not every step here improves the record it was computed on: with `η = \(learningRate)` a \
            step can overshoot, moving the prediction past the target further than it started. \
            A step is downhill only for a small enough learning rate; and even then it says nothing \
            certain about the other records, since the next record pulls the weights in its own \
            direction. Averaged over many small steps the pulls point downhill on the whole cost, \
            which is why SGD works.
            """)
    chapter.text(
        """
        The loop repeats steps 2 to 5 for every record; step 1, the random start, happens once. \
        Updating after each record is *online* learning, and when the records are visited in \
        random order it is SGD.
        """)
    chapter.sourceNote(
        """
        Two corrections to article 002's wording. Its step 6 says to repeat steps 1 to 5 after each \
        observation; repeating step 1 would throw the learned weights away, so the loop repeats \
        steps 2 to 5. And it calls updating after every observation "reinforcement learning"; that \
        name belongs to learning from rewards.
        """)
    var libraryNetwork = start
    var unused = SeededGenerator(seed: 0)
    let libraryHistory = try libraryNetwork.train(
        inputs: inputs, targets: targets, learningRate: learningRate, batchSize: 1, epochs: epochs, shuffle: false, using: &unused)
    let difference = zip(network.layers, libraryNetwork.layers).map { max((try? ($0.weights - $1.weights).maxMagnitude()) ?? .infinity, (try? ($0.bias - $1.bias).maxMagnitude()) ?? .infinity) }.max()!
    chapter.text(
        """
        The package's `Network.train` with `batchSize: 1` and `shuffle: false` runs exactly this \
        loop: after \(epochs) epochs its weights differ from the literal loop's by \
        \(difference == 0 ? "nothing (0)" : difference.scientific(2)), and its loss is \
        \(libraryHistory.last!.loss.fixed(6)) against \(sgdHistory.last!.loss.fixed(6)). Here the \
        records are visited in the order they were generated, which is already random; chapter 6 \
        shuffles them at the start of every epoch.
        """)

    chapter.section("Full batch against SGD")
    chapter.text(
        """
        Now the same network from the same starting weights, trained on the same data with the same \
        learning rate `η = \(learningRate)`, once with full-batch gradient descent (one update per \
        epoch, on the average gradient of all \(inputs.rows) records) and once with SGD \
        (\(inputs.rows) updates per epoch). The loss is the cost over the whole training set, \
        measured after every epoch.
        """)
    var fullBatch = start
    let fullHistory = try fullBatch.train(
        inputs: inputs, targets: targets, learningRate: learningRate, batchSize: inputs.rows, epochs: epochs, shuffle: false, using: &unused)
    let shownEpochs = [0, 1, 2, 5, 10, 20, 50].filter { $0 <= epochs }
    chapter.table(
        ["epoch", "full batch: updates", "full batch: loss", "SGD: updates", "SGD: loss"],
        shownEpochs.map { e in
            [String(e), fullHistory[e].updates.grouped, fullHistory[e].loss.fixed(5), sgdHistory[e].updates.grouped, sgdHistory[e].loss.fixed(5)]
        })
    func curve(_ history: [EpochRecord], _ title: String, x: (EpochRecord) -> Double, color: String, point: Int) -> Series {
        let shown = history.filter { x($0) > 0 || $0.epoch == 0 && x($0) == 0 }
        return Series(title, x: shown.map(x), y: shown.map(\.loss), style: .linesPoints, color: color, pointType: point, pointSize: 0.7)
    }
    var figure = Figure(name: "full-batch-vs-sgd", title: "Full-batch gradient descent against SGD, η = \(learningRate)", xLabel: "", yLabel: "", width: 1100, height: 480)
    figure.panels = [
        Figure(
            name: "epochs", title: "loss per epoch", xLabel: "epoch", yLabel: "loss (log scale)", logScaleY: true,
            series: [
                curve(fullHistory, "full batch", x: { Double($0.epoch) }, color: "#a50f15", point: 7),
                curve(sgdHistory, "SGD", x: { Double($0.epoch) }, color: "#08306b", point: 5),
            ]),
        Figure(
            name: "updates", title: "loss per weight update", xLabel: "weight updates (log scale)", yLabel: "loss (log scale)",
            logScaleX: true, logScaleY: true,
            series: [
                curve(Array(fullHistory.dropFirst()), "full batch", x: { Double($0.updates) }, color: "#a50f15", point: 7),
                curve(earlyLosses + sgdHistory.dropFirst(), "SGD", x: { Double($0.updates) }, color: "#08306b", point: 5),
            ]),
    ]
    try chapter.figure(figure, caption: "Loss of full-batch gradient descent and SGD, against epochs (left) and against weight updates (right)")
    let sgdEpochTarget = sgdHistory.first { $0.loss <= fullHistory.last!.loss }
    // SGD's loss below full batch's after every epoch
    let sgdAheadPerEpoch = (1...epochs).allSatisfy { sgdHistory[$0].loss < fullHistory[$0].loss }
    let perEpoch =
        sgdAheadPerEpoch
        ? "Per epoch, SGD is far ahead: it makes \(inputs.rows) small steps where full-batch makes one, and "
            + (sgdEpochTarget.map { "it reached full batch's final loss (after \(epochs) epochs) already in epoch \($0.epoch)" }
                ?? "its loss is below full batch's after every epoch")
        : "Per epoch, SGD makes \(inputs.rows) small steps where full-batch makes one, and yet it is not ahead after every epoch here "
            + "(after epoch \(epochs), \(sgdHistory[epochs].loss.fixed(5)) against full batch's \(fullHistory[epochs].loss.fixed(5))): "
            + "with `η = \(learningRate)` its steps are too large or too few to profit"
    // The same number of updates for both: a multiple of 10 within SGD's first epoch (where the
    // loss was measured every 10 updates) and within full batch's epochs.
    let compareAt = min(epochs, 50, inputs.rows - 1) / 10 * 10
    let perUpdate: String
    if compareAt > 0, let sgdAtSameUpdates = earlyLosses.first(where: { $0.updates == compareAt })?.loss {
        let numbers = "after \(compareAt) updates, full batch's loss is \(fullHistory[compareAt].loss.fixed(4)) and SGD's \(sgdAtSameUpdates.fixed(4))"
        perUpdate =
            fullHistory[compareAt].loss < sgdAtSameUpdates
            ? "Per update the comparison is closer: each full-batch step follows the true gradient, each SGD step only one record's (\(numbers))."
            : "Per update SGD is ahead here too, although each full-batch step follows the true gradient and each SGD step only one record's (\(numbers))."
    } else {
        perUpdate = "Per update there is nothing to compare here: \(epochs) full-batch update\(epochs == 1 ? " is" : "s are") too few (the comparison takes a multiple of 10 updates, where SGD's loss was measured)."
    }
    chapter.text(
        """
        \(perEpoch). \
        \(perUpdate) What makes SGD win in \
        practice is that an update on one record costs about 1/\(inputs.rows) of an update on all of \
        them. The noise has a price too: with a fixed learning rate, SGD cannot settle exactly on \
        the minimum, because every step chases a different record; it jitters around it by an amount \
        that grows with the learning rate. Article 003's remedy is to lower the learning rate over \
        time. Chapter 6 finds the middle ground: minibatches.
        """)

    chapter.section("One hidden layer can fit any curve")
    let curve = try SyntheticData.curve("sin(3x)", in: -1...1, count: 64) { Double.sin(3 * $0) }
    let check = try SyntheticData.curve("sin(3x)", in: -1...1, count: 401) { Double.sin(3 * $0) }
    let widths = [1, 2, 4, 8, 32]
    let fitSeeds: [UInt64] = [1, 2, 3]
    let fitEpochs = chapter.options.epochs(knobs.fitEpochs)
    chapter.text(
        """
        Article 002 calls neural networks "universal function approximators". The theorem behind \
        the phrase (Cybenko 1989 for sigmoid units; Hornik 1991 for any bounded, non-constant \
        activation): a network with one hidden layer and a linear output can approximate any \
        continuous function on a closed, bounded region as closely as asked, *if the layer has \
        enough units*. To watch it happen: `sin(3x)` on [−1, 1], \(curve.count) evenly spaced points \
        (`SyntheticData.curve`), networks 1-w-1 with tanh hidden units and a linear output for \
        w = \(widths.map(String.init).listed), each trained the same way as above (SGD one record \
        at a time, η = \(learningRate), records shuffled, \(fitEpochs) epochs) from three random \
        starts (seeds \(fitSeeds.map(String.init).listed)). The error is the root-mean-square \
        difference from `sin(3x)` at \(check.count) points of [−1, 1], between the training points too.
        """)
    // errors[width][seed], and the fitted curves of the first seed for the figure
    var fitErrors: [[Double]] = []
    var fitCurves: [[Double]] = []
    for width in widths {
        var errors: [Double] = []
        for seed in fitSeeds {
            var fitRandom = SeededGenerator(seed: chapter.options.seed &+ 30 &+ seed)
            var fit = try Network<Double>(sizes: [1, width, 1], hidden: .tanh, output: .identity, using: &fitRandom)
            try fit.train(inputs: curve.inputs, targets: curve.targets, learningRate: learningRate, batchSize: 1, epochs: fitEpochs, using: &fitRandom)
            errors.append(try fit.loss(check.inputs, targets: check.targets, loss: .meanSquaredError).squareRoot())
            if seed == fitSeeds[0] { fitCurves.append(try fit.predict(check.inputs).elements) }
        }
        fitErrors.append(errors)
    }
    chapter.table(
        ["hidden units", "parameters", "RMS error: median (min–max)", "below the narrower width on every seed"],
        widths.indices.map { i in
            let e = fitErrors[i].sorted()
            return [String(widths[i]), String(3 * widths[i] + 1), "\(e[1].fixed(4)) (\(e[0].fixed(4))–\(e[2].fixed(4)))",
                    i == 0 ? "" : fitErrors[i].max()! < fitErrors[i - 1].min()! ? "yes" : "no (the ranges overlap)"]
        }, alignments: [.right, .right, .right, .left])
    let fitColors = ["#fd8d3c", "#e6550d", "#a50f15", "#6a51a3", "#08306b"]
    try chapter.figure(
        Figure(
            name: "universal-approximation", title: "1-w-1 tanh networks fitting sin(3x), seed \(fitSeeds[0])", xLabel: "x", yLabel: "y",
            xRange: -1...1, yRange: -1.3...1.3,
            series: [Series("sin(3x)", x: check.inputs.elements, y: check.targets.elements, color: "#000000", lineWidth: 4, dashed: true)]
                + widths.indices.map { Series("w = \(widths[$0])", x: check.inputs.elements, y: fitCurves[$0], color: fitColors[$0]) }
                + [Series("training points", x: curve.inputs.elements, y: curve.targets.elements, style: .points, color: "#737373", pointType: 7, pointSize: 0.5)],
            keyPosition: .outside, width: 950),
        caption: "The target (dashed) and what each width learned from the same \(fitEpochs) epochs of SGD")
    let firstOverlap = widths.indices.dropFirst().first { fitErrors[$0].max()! >= fitErrors[$0 - 1].min()! }
    let fallsWithWidth: String
    switch firstOverlap {
    case nil: fallsWithWidth = "Two units can make the hump and the turn, and the error falls with width, each width beating the one before on every seed"
    case 1?:
        fallsWithWidth = "Two units could make the hump and the turn, but the error does not fall with width here beyond the spread over seeds: already from 1 to 2 units the ranges overlap"
    case let index?:
        fallsWithWidth = "Two units can make the hump and the turn, and the error falls with width as long as the ranges over seeds say it does: up to \(widths[index - 1]) units each width beats the one before on every seed; from \(widths[index - 1]) to \(widths[index]) the ranges overlap"
    }
    chapter.text(
        """
        One tanh unit is a single S: it rises once and cannot turn back, so its error stays at \
        \(fitErrors[0].sorted()[1].fixed(3)). \(fallsWithWidth). \
        The widest network's error, \(fitErrors.last!.sorted()[1].fixed(3)), is not zero, and the \
        theorem does not promise that it would be. It says that weights exist that come within any \
        tolerance; it says nothing about how many units that takes (for wigglier functions, and \
        for many inputs, it can be enormous), nor whether gradient descent finds those weights, \
        nor in how many steps: the table shows what \(fitEpochs) epochs of SGD found, not the best \
        each width allows.
        """)
    chapter.sourceNote(
        """
        Article 002 says networks "can learn and compute any function". The theorems (G. Cybenko, \
        "Approximation by superpositions of a sigmoidal function", 1989; K. Hornik, "Approximation \
        capabilities of multilayer feedforward networks", 1991) say less: any *continuous* \
        function on a *bounded* region can be *approximated* by a wide enough single hidden layer. \
        Nothing in them says the weights can be learned.
        """)
}
