// Chapter 6: minibatches and epochs (article 003).
import ArgumentParser
import Teach
import TeachBook

/// The choices the chapter turns on, with the book's values as defaults.
struct Knobs: ChapterKnobs {
    @Option(parsing: .unconditional, help: "Learning rate η of every update, for every batch size.")
    var learningRate = 1.0
    @Option(parsing: .unconditional, help: "Epochs of the first comparison (with --quick: a fifth).")
    var epochs = 100
    @Option(parsing: .unconditional, help: "Tanh units in each of the two hidden layers of 2-h-h-1.")
    var hiddenUnits = 16

    func validate() throws {
        try KnobCheck.positive(learningRate, "--learning-rate", "a learning rate")
        try KnobCheck.atLeast(1, epochs, "--epochs", "a number of epochs")
        try KnobCheck.atLeast(1, hiddenUnits, "--hidden-units", "a number of hidden units")
    }
}

Chapter.run("minibatch", knobs: Knobs.self) { chapter, knobs in
    chapter.text(
        """
        Full-batch gradient descent (chapter 4) takes one careful step per pass over the data; SGD \
        (chapter 5) takes one hasty step per record. Article 003's *minibatches* sit between them: \
        shuffle the data at the start of each epoch, cut it into batches of a few records, and take \
        one step per batch on the batch's average gradient. This is how nearly every network is \
        trained, and it is what the package's `Network.train` does.
        """)

    chapter.section("Shuffle, cut, step")
    let demoCount = 10, demoBatch = 4
    chapter.text(
        """
        With \(demoCount) records and batches of \(demoBatch), each epoch starts with a fresh \
        Fisher–Yates shuffle of the record numbers from the seeded generator, then takes them \
        \(demoBatch) at a time:
        """)
    var rows: [[String]] = []
    for epoch in 1...3 {
        let batches = try Minibatches(count: demoCount, batchSize: demoBatch, shuffledWith: &chapter.random)
        rows.append([String(epoch)] + batches.map { "[" + $0.map(String.init).joined(separator: ", ") + "]" })
    }
    let demo = try Minibatches(count: demoCount, batchSize: demoBatch)
    chapter.table(["epoch", "batch 1", "batch 2", "batch 3"], rows)
    chapter.text(
        """
        Every record appears exactly once per epoch, in a different order each time, so no batch is \
        always made of the same neighbours. \(demoCount) is not a multiple of \(demoBatch), so the \
        last batch is partial: it holds the \(demo.last!.count) records that are left \
        (`Minibatches.lastBatchIsPartial` is \(demo.lastBatchIsPartial)). The package keeps it rather \
        than dropping it, so every record counts in every epoch. Because the loss averages over the \
        records of a batch, the partial batch's step is as large as the others', just computed from \
        fewer records and so a little noisier. With `m` records and batch size `b` there are \
        `⌈m / b⌉` updates per epoch: b = 1 is SGD, b = m is full batch.
        """)

    chapter.section("Four batch sizes, one problem")
    var dataRandom = SeededGenerator(seed: chapter.options.seed &+ 1)
    let data = try SyntheticData.circles(perClass: 200, using: &dataRandom)
    let m = data.count
    let epochs = chapter.options.epochs(knobs.epochs)
    let learningRate = knobs.learningRate
    let hidden = knobs.hiddenUnits
    chapter.text(
        """
        The problem: two noisy rings, one inside the other, \(m) points in the unit square \
        (`SyntheticData.circles`); the inner ring is class 1. No straight line separates them, so \
        the network needs its hidden layers. The network is 2-\(hidden)-\(hidden)-1 with tanh \
        hidden units and a sigmoid output, trained with the half squared error and `η = \(learningRate)` \
        for \(epochs) epochs, from the same starting weights, with batch sizes 1, 16, 128 and \(m) \
        (full batch):
        """)
    let start = try Network<Double>(sizes: [2, hidden, hidden, 1], hidden: .tanh, output: .sigmoid, using: &chapter.random)
    let sizes = [1, 16, 128, m]
    var histories: [[EpochRecord]] = []
    var trained: [Network<Double>] = []
    var seconds: [Double] = []
    for batchSize in sizes {
        var network = start
        var shuffler = SeededGenerator(seed: chapter.options.seed &+ 2)
        let clock = ContinuousClock()
        let began = clock.now
        histories.append(
            try network.train(
                inputs: data.inputs, targets: data.targets, learningRate: learningRate, batchSize: batchSize, epochs: epochs,
                using: &shuffler))
        let elapsed = clock.now - began
        seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        trained.append(network)
    }
    chapter.table(
        ["batch size", "updates per epoch", "last batch", "updates in all", "final loss", "accuracy"],
        try sizes.indices.map { i in
            let batches = try Minibatches(count: m, batchSize: sizes[i])
            return [
                sizes[i] == m ? "\(m) (full)" : String(sizes[i]), batches.count.grouped,
                batches.lastBatchIsPartial ? "\(batches.last!.count) (partial)" : "full",
                histories[i].last!.updates.grouped, histories[i].last!.loss.fixed(4),
                String(format: "%.1f%%", 100 * binaryAccuracy(try trained[i].predict(data.inputs), targets: data.targets)),
            ]
        })
    let colors = ["#08306b", "#238b45", "#d94801", "#a50f15"]
    /// One loss curve per batch size, against `x` (the epoch, or the updates so far).
    func lossCurves(_ runs: [[EpochRecord]], x: (EpochRecord) -> Double) -> [Series] {
        sizes.indices.map { i in
            Series(sizes[i] == m ? "full batch (\(m))" : "batch size \(sizes[i])", x: runs[i].map(x), y: runs[i].map(\.loss), color: colors[i])
        }
    }
    try chapter.figure(
        Figure(
            name: "batch-sizes", title: "Loss per epoch for four batch sizes (rings, 2-\(hidden)-\(hidden)-1, η = \(learningRate))", xLabel: "epoch",
            yLabel: "loss (log scale)", logScaleY: true, series: lossCurves(histories) { Double($0.epoch) }, keyPosition: .bottomLeft),
        caption: "Training loss per epoch with batch sizes 1, 16, 128 and the full set")
    // whether the final loss after the same epochs rises with the batch size
    let smallerIsLowerPerEpoch = sizes.indices.dropFirst().allSatisfy { histories[$0].last!.loss > histories[$0 - 1].last!.loss }
    let full = histories.last!
    let fullStillFalling = full.count > 1 && full[full.count - 1].loss < full[full.count - 2].loss
    /// The largest factor by which a run's loss rose from one epoch to the next (1 when it never rose).
    func largestRise(_ history: [EpochRecord]) -> Double {
        zip(history, history.dropFirst()).map { $1.loss / $0.loss }.max().map { max($0, 1) } ?? 1
    }
    let rises = histories.map(largestRise)
    /// A rise as a factor when it is large, as a percentage when it is small: ×26.6, 0.31%.
    func riseText(_ rise: Double) -> String { rise >= 1.5 ? "×\(rise.fixed(1))" : String(format: "%.2g%%", 100 * (rise - 1)) }
    let sgdNoisiest = rises.dropFirst().allSatisfy { $0 < rises[0] }
    let noise =
        rises.allSatisfy({ $0 <= 1 })
        ? "No run's loss rose from one epoch to the next here."
        : sgdNoisiest && rises[0] >= 100
        ? "Batch size 1 is also the noisiest: its loss jumps up by orders of magnitude whenever a few records in a row pull the weights the wrong way, and falls back as quickly."
        : sgdNoisiest
            ? "Batch size 1 is also the noisiest: its loss rises by up to \(riseText(rises[0])) from one epoch to the next whenever a few records in a row pull the weights the wrong way, more than any larger batch's."
            : "Batch size 1's loss is not the noisiest here: its largest rise from one epoch to the next is \(riseText(rises[0])), against \(riseText(rises.dropFirst().max()!)) for a larger batch."
    let perEpoch =
        smallerIsLowerPerEpoch
        ? "Per epoch, smaller batches learn faster because they update more often: batch size 1 makes \(m) updates per epoch, full batch one"
        : "Per epoch, smaller batches update more often (batch size 1 makes \(m) updates per epoch, full batch one), but here the final losses do not fall with the batch size"
    let fullBatch =
        fullStillFalling
        ? "in \(epochs) epochs full batch is still on its way down"
        : "in \(epochs) epochs full batch's loss has stopped falling (\(full.last!.loss.fixed(4)) after the last epoch)"
    let startLoss = full[0].loss
    let onThePlateau = abs(startLoss - 0.125) < 0.01
    let plateau =
        onThePlateau
        ? "It has to be made after the flat start, though: a network that outputs 0.5 for every point already has a loss of ½·0.5² = 0.125 here, and every run starts on that plateau (the figure below)."
        : "It has to be made after the start, though: a network that outputs 0.5 for every point would have a loss of ½·0.5² = 0.125 here, and this run's untrained network has \(startLoss.fixed(4)) (the figure below)."
    chapter.text(
        """
        \(perEpoch), and \(fullBatch). \(noise) \
        Counted per *update* instead of per epoch, the comparison is fairer. \(plateau) Each \
        batch size again from the same start, for the same numbers of updates (whole epochs for \
        each):
        """)
    let updatesPerEpoch = try sizes.map { try Minibatches(count: m, batchSize: $0).count }
    let checkpoints = chapter.options.quick ? [400] : [400, 1_200, 2_000]
    var perUpdate: [[EpochRecord]] = []
    for (i, batchSize) in sizes.enumerated() {
        var network = start
        var shuffler = SeededGenerator(seed: chapter.options.seed &+ 2)
        perUpdate.append(
            try network.train(
                inputs: data.inputs, targets: data.targets, learningRate: learningRate, batchSize: batchSize,
                epochs: checkpoints.last! / updatesPerEpoch[i], using: &shuffler))
    }
    func loss(_ i: Int, after updates: Int) -> Double { perUpdate[i].first { $0.updates == updates }!.loss }
    chapter.table(
        ["batch size"] + checkpoints.map { "loss after \($0.grouped) updates" },
        sizes.indices.map { i in [sizes[i] == m ? "\(m) (full)" : String(sizes[i])] + checkpoints.map { loss(i, after: $0).fixed(4) } })
    try chapter.figure(
        Figure(
            name: "per-update", title: "Loss per update for four batch sizes", xLabel: "updates", yLabel: "loss (log scale)",
            logScaleY: true, series: lossCurves(perUpdate) { Double($0.updates) }, keyPosition: .bottomLeft),
        caption: "Training loss against the number of updates, measured after each epoch")
    // whether, at every checkpoint, each larger batch has the lower loss
    let largerIsLower = checkpoints.allSatisfy { updates in
        sizes.indices.dropFirst().allSatisfy { loss($0, after: updates) < loss($0 - 1, after: updates) }
    }
    chapter.text(
        """
        \(largerIsLower
            ? "At every count of updates, each larger batch has the lower loss: per update, the larger batch learns more, because each update follows the average gradient of more records, which points more nearly downhill."
            : "Per update, the larger batch does not have the lower loss at every count here (the table above).")\
        \(largerIsLower && smallerIsLowerPerEpoch ? " The small batches' lead per epoch comes from making more updates, not better ones." : "") But an \
        update on \(m) records costs more than one on 16. Which batch size wins therefore depends on what an update \
        costs. A step on 16 records costs far less than 16 steps \
        on one, because the 16 records go through the layers together as one matrix product (a \
        16-row `X`), which a computer does much faster per record than 16 separate passes. The \
        time per epoch on the machine that wrote this book (it differs on every run, so the book's \
        drift check skips it):
        """)
    chapter.timings(
        Markdown.table(
            ["batch size", "updates per epoch", "milliseconds per epoch"],
            sizes.indices.map { i in
                [sizes[i] == m ? "\(m) (full)" : String(sizes[i]), updatesPerEpoch[i].grouped, (1000 * seconds[i] / Double(epochs)).fixed(2)]
            }))
    // how far batch size 16 got in the first comparison, as a fraction of SGD's way down
    let sgdDrop = histories[0][0].loss - histories[0].last!.loss, minibatchDrop = histories[1][0].loss - histories[1].last!.loss
    let minibatchFinals = "\(histories[1].last!.loss.fixed(4)) against SGD's \(histories[0].last!.loss.fixed(4))"
    let progress =
        sgdDrop > 0 && minibatchDrop >= 0.5 * sgdDrop && minibatchDrop <= sgdDrop
        ? "Minibatches get most of SGD's progress per epoch and most of full batch's speed per record"
        : minibatchDrop > sgdDrop
            ? "Here batch size 16 even got further in \(epochs) epochs than SGD (a final loss of \(minibatchFinals)), and minibatches keep most of full batch's speed per record"
            : "Minibatches are meant to get most of SGD's progress per epoch and most of full batch's speed per record; here batch size 16 made less than half of SGD's progress in \(epochs) epochs (a final loss of \(minibatchFinals))"
    chapter.text(
        """
        \(progress), \
        and the batch's average gradient is less noisy than a single record's. Typical batch sizes \
        are 16 to 256; the real-training chapters use 128, as article 004's Keras experiments do. \
        Here is what the batch-16 network learned:
        """)
    let best = trained[1]
    let surface = try Figure.decisionSurface(
        name: "rings", title: "Two rings: the batch-16 network's output", span: 0...1, colorBarLabel: "network output",
        inputs: data.inputs, targets: data.targets.elements, pointSize: 0.6
    ) { x1, x2 in try best.predict(Matrix(row: [x1, x2]))[0, 0] }
    try chapter.figure(surface, caption: "The decision surface learned with batch size 16, and the two rings")
}
