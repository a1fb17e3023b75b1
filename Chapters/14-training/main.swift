// Chapter 14: training for real. Article 004's Keras experiments ("Identify the Digits") on
// Fashion-MNIST, with the same core that every chapter before used.
import Foundation
import Teach
import TeachBook

Chapter.run("training", knobs: Knobs.self) { chapter, knobs in
    let quick = chapter.options.quick, bookSettings = chapter.knobDifferences.allSatisfy { $0.flag == "--seed" }  // the seed aside, the book's choices
    let source = ImageDataset.source(for: chapter.options.data)
    // Checked as they are loaded: labels 0 to 9 and 28×28 images, what every experiment below reads.
    var data = try ImageDataset.load(source, classes: 10, imageShape: ImageShape(28, 1))
    // In place: the training images are held once, not as the whole set and its two parts.
    let validation = try data.training.splitOffValidation(trainingFraction: 0.7)
    let training = data.training
    let classNames = LabeledImages.fashionClassNames
    let imageCount = training.count + validation.count + data.test.count
    chapter.text(
        """
        The last of the articles ends with a hands-on exercise in Keras: recognise 28×28 images of \
        handwritten digits with a small network, then tweak it (wider, deeper, dropout, more \
        epochs, a convolutional network) and watch the accuracy. This chapter runs the same \
        experiments with this package's own layers, loss and optimizer: the matrices, `Dense` and \
        `Conv2D` of the chapters before, the softmax and cross-entropy of chapter 13, Adam from \
        chapter 9, now on \(imageCount.grouped) real images instead of a few hundred points.
        """)

    chapter.section("The data")
    chapter.text(
        """
        Instead of the article's digits (a competition's PNG files) we use Fashion-MNIST: Zalando's \
        70,000 grey 28×28 photos of clothes in ten classes, made as a drop-in replacement for MNIST \
        in the same IDX file format, and harder: a simple network gets about 97% of MNIST's digits \
        right but only about 85% of these. A reader with the real MNIST files can run every \
        experiment on them with `swift run -c release training --data DIR`.
        """)
    chapter.text(
        """
        **The numbers in this chapter come from \(data.source)**\
        \(data.source == .embeddedSample ? ", so that the book reproduces on any machine. With Debian's `dataset-fashion-mnist` installed (`sudo apt-get install dataset-fashion-mnist`), `swift run -c release training` runs the same experiments on all 60,000 + 10,000 images (about ten minutes here); the README lists what they reach." : ".")\
        \(quick ? " This is the quick version (`--quick`): at most 2 epochs per run, so the accuracies are lower than the article's protocol gives." : "")
        """)
    chapter.text(
        """
        As in the article, each pixel is divided by 255 so the inputs lie in [0, 1], each image is \
        one row of 784 numbers, and the training images are split 70/30 in file order into a \
        training set and a validation set (`train_x[:split_size], train_x[split_size:]`); the test \
        images are only looked at once a model is trained.
        """)
    func classCounts(_ labels: [Int]) -> [String] { (0..<10).map { c in labels.filter { $0 == c }.count.grouped } }
    chapter.table(
        ["set", "images"] + classNames,
        [["training", training.count.grouped] + classCounts(training.labels),
         ["validation", validation.count.grouped] + classCounts(validation.labels),
         ["test", data.test.count.grouped] + classCounts(data.test.labels)],
        alignments: [.left] + Array(repeating: .right, count: 11))

    chapter.section("Two simple baselines")
    // book: nearest-neighbour
    let nearestNeighbour = try NearestNeighbourClassifier(training: training)
    let nearestNeighbourAccuracy = try nearestNeighbour.accuracy(on: data.test)
    // book: end nearest-neighbour
    chapter.text(
        """
        Before any network, the two simple classifiers article 004 describes first give the \
        networks' accuracy something to beat. The nearest neighbour (k-NN with k = 1) learns \
        nothing: each test image takes the label of the training image closest to it, measured \
        as the Euclidean distance between the two rows of 784 pixels. It compares every test \
        image with all \(training.count.grouped) training images, so a shirt moved by two pixels \
        is already far from itself. A linear classifier learns one weighted sum of the pixels \
        per class, a template each image is matched against: here a `Dense(10)` layer and the \
        softmax with no hidden layer (784-10, \((784 * 10 + 10).grouped) parameters), trained \
        exactly like the first network below.
        """)
    try chapter.quote("nearest-neighbour")
    chapter.text(
        """
        The nearest neighbour classifies \(nearestNeighbourAccuracy.fixed(3)) of the \
        \(data.test.count.grouped) test images correctly; the linear classifier's accuracy, from \
        three seeds, is in the table after the first network's.
        """)

    chapter.section("The first network: 784-\(knobs.hiddenUnits)-10")
    chapter.text(
        """
        The article's first model is `Sequential([Dense(50, input_dim=784, activation='relu'), \
        Dense(10, activation='softmax')])`, compiled with `categorical_crossentropy` and `adam` and \
        fitted for 5 epochs in batches of 128. Here it is in Swift. This chapter trains that \
        network and the later experiments the same way\(bookSettings ? "" : " (this run with the choices named at the top)"): each lists its hidden layers as they are \
        written for `swift run shapes` (chapter 11), `[\"dense \(knobs.hiddenUnits)\"]` for the first, and \
        `classifier` adds the 10-unit softmax layer. The hidden layers start from He's weights, \
        the output layer from Xavier's (chapter 8):
        """)
    try chapter.quote("experiments")
    chapter.text(
        """
        `ClassifierRun.train` compiles and fits as Keras does: Adam \(knobs.learningRate == 0.001 ? "with its defaults (η = 0.001, " : "with η = \(knobs.learningRate) instead of its default 0.001 and its other defaults (")\
        β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸, chapter 9), cross-entropy after the softmax, batches of \
        \(knobs.batchSize), and the validation images measured after every epoch:
        """)
    try chapter.quote("classifier-training", from: "Sources/Teach/Learning/ClassifierTraining.swift")

    /// One of the article's experiments: hidden layers as in `swift run shapes`, epochs, and the
    /// test accuracy PyTorch 2.15 reaches with the same network on all 60,000 training images.
    struct Experiment {
        var name: String
        var input = "784"
        var layers: [String]
        var epochs: Int
        var pyTorchAccuracy: Double?
    }
    // book: experiments
    let (units, wide, epochs) = (knobs.hiddenUnits, knobs.wideUnits, knobs.epochs)  // 50, 500 and 5 in the article
    let deep = Array(repeating: "dense \(units)", count: 5)
    let deepWithDropout = Array(repeating: ["dense \(units)", "dropout 0.2"], count: 5).flatMap { $0 }
    let deepAndWide = Array(repeating: ["dense \(wide)", "dropout 0.2"], count: 5).flatMap { $0 }
    let experiments = [
        Experiment(name: "784-\(units)-10", layers: ["dense \(units)"], epochs: epochs, pyTorchAccuracy: 0.853),
        Experiment(name: "wide: 784-\(wide)-10", layers: ["dense \(wide)"], epochs: epochs, pyTorchAccuracy: 0.877),
        Experiment(name: "deep: 5 × \(units)", layers: deep, epochs: epochs, pyTorchAccuracy: 0.853),
        Experiment(name: "deep, dropout 0.2", layers: deepWithDropout, epochs: epochs, pyTorchAccuracy: 0.844),
        Experiment(name: "deep, dropout 0.2, \(10 * epochs) epochs", layers: deepWithDropout, epochs: 10 * epochs, pyTorchAccuracy: 0.873),
        Experiment(name: "deep and wide: 5 × \(wide), dropout 0.2, \(5 * epochs) epochs", layers: deepAndWide, epochs: 5 * epochs, pyTorchAccuracy: 0.888),
        Experiment(
            name: "the article's CNN", input: "28x28x1", layers: ["conv 25 5", "maxpool 2", "conv 25 5", "maxpool 2", "conv 25 4", "dense 50"],
            epochs: epochs, pyTorchAccuracy: nil),
        Experiment(
            name: "a wider CNN", input: "28x28x1", layers: ["conv 32 3 pad 1", "maxpool 2", "conv 64 3 pad 1", "maxpool 2", "dense 128", "dropout 0.2"],
            epochs: 2 * epochs, pyTorchAccuracy: nil),
    ]
    var runs: [ClassifierRun] = []
    for (index, experiment) in experiments.enumerated() {
        var random = SeededGenerator(seed: chapter.options.seed &+ UInt64(index))
        let model: Model<Float> = try LayerSpecification.classifier(input: experiment.input, layers: experiment.layers, classes: 10, using: &random)
        runs.append(try ClassifierRun.train(
            experiment.name, model: model, training: training, validation: validation, test: data.test,
            epochs: quick ? min(experiment.epochs, 2) : experiment.epochs, batchSize: knobs.batchSize, learningRate: knobs.learningRate,
            seed: chapter.options.seed &+ 100 &+ UInt64(index)))
    }
    // book: end experiments

    /// Experiment `index` trained from its three seeds (the chapter's run and two more) for `epochs`:
    /// the same seeds for any number of epochs, so a longer run continues the shorter one. With
    /// `layers`, a different network from the same seeds; with `sets`, other training, validation
    /// and test images (the same images preprocessed).
    func seedRuns(
        _ index: Int, epochs: Int, extras: ClosedRange<Int> = 0...2, layers: [String]? = nil,
        sets: (training: LabeledImages, validation: LabeledImages, test: LabeledImages)? = nil
    ) throws -> [ClassifierRun] {
        let experiment = experiments[index]
        let (trainingSet, validationSet, testSet) = sets ?? (training, validation, data.test)
        return try extras.map { extra in
            let seed = extra == 0 ? chapter.options.seed &+ UInt64(index) : chapter.options.seed &+ UInt64(1000 * extra + index)
            let trainingSeed = extra == 0 ? chapter.options.seed &+ 100 &+ UInt64(index) : seed &+ 100
            var random = SeededGenerator(seed: seed)
            let model: Model<Float> = try LayerSpecification.classifier(
                input: experiment.input, layers: layers ?? experiment.layers, classes: 10, using: &random)
            return try ClassifierRun.train(
                "\(experiment.name), seed \(seed), \(epochs) epochs", model: model, training: trainingSet, validation: validationSet, test: testSet,
                epochs: epochs, batchSize: knobs.batchSize, learningRate: knobs.learningRate, seed: trainingSeed)
        }
    }
    func spread(_ values: [Double]) -> Double { values.max()! - values.min()! }
    func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
    let firstEpochs = quick ? min(experiments[0].epochs, 2) : experiments[0].epochs
    let firstSeeds = [runs[0].testAccuracy] + (try seedRuns(0, epochs: firstEpochs, extras: 1...2).map(\.testAccuracy))
    let linearSeeds = try seedRuns(0, epochs: firstEpochs, layers: []).map(\.testAccuracy)
    let first = runs[0]
    chapter.text(
        """
        Keras prints a line per epoch; `TrainingProgress` does the same on standard error while a \
        run trains (a live bar on a terminal). The loss and accuracy are the means over the \
        epoch's batches, measured while the weights were still moving; the validation numbers are \
        measured after the epoch, with the weights fixed:
        """)
    chapter.table(
        ["epoch", "loss", "accuracy", "val_loss", "val_accuracy"],
        first.history.map { record in
            [String(record.epoch), record.loss.fixed(4), (record.accuracy ?? 0).fixed(4), (record.validationLoss ?? 0).fixed(4),
             (record.validationAccuracy ?? 0).fixed(4)]
        },
        alignments: [.right, .right, .right, .right, .right])
    let chance = 0.1
    chapter.text(
        """
        From chance (\(chance.fixed(2)): ten classes) to \(first.testAccuracy.fixed(3)) of the \
        \(data.test.count.grouped) test images in \(first.history.count) passes over the data. The \
        validation accuracy (\(first.validationAccuracy.fixed(3))) predicted the test accuracy \
        to within \(abs(first.validationAccuracy - first.testAccuracy).fixed(3)): that is what the \
        validation set is for.
        """)
    // The baselines against the first network: a difference counts only beyond the seed spread.
    let linearGap = mean(firstSeeds) - mean(linearSeeds), linearLimit = max(spread(firstSeeds), spread(linearSeeds)), nearestGap = mean(firstSeeds) - nearestNeighbourAccuracy
    chapter.text(
        """
        Against the two baselines, each network from the same three seeds (the chapter's run and \
        two more; the nearest neighbour has no seed):
        """)
    chapter.table(
        ["classifier", "parameters", "test accuracy", "mean", "spread (max − min)"],
        [["nearest neighbour (1-NN)", "none (\(training.count.grouped) images kept)", nearestNeighbourAccuracy.fixed(3), nearestNeighbourAccuracy.fixed(3), "no seed"],
         ["linear: 784-10", (784 * 10 + 10).grouped, linearSeeds.map { $0.fixed(3) }.joined(separator: ", "), mean(linearSeeds).fixed(3),
          spread(linearSeeds).fixed(3)],
         ["first network: \(experiments[0].name)", first.model.parameterCount.grouped, firstSeeds.map { $0.fixed(3) }.joined(separator: ", "),
          mean(firstSeeds).fixed(3), spread(firstSeeds).fixed(3)]],
        alignments: [.left, .right, .right, .right, .right])
    func verdict(_ gap: Double, _ limit: Double, _ other: String) -> String {
        abs(gap) > limit
            ? (gap > 0 ? "beats \(other) by \(gap.fixed(3)), more than the seed spread (\(limit.fixed(3)))"
                : "falls behind \(other) by \((-gap).fixed(3)), more than the seed spread (\(limit.fixed(3)))")
            : "is no further from \(other) than the seed spread (\(gap.signed(3)) against \(limit.fixed(3))): no verdict"
    }
    chapter.text(
        """
        The first network \(verdict(linearGap, linearLimit, "the linear classifier")), and it \
        \(verdict(nearestGap, spread(firstSeeds), "the nearest neighbour")). A hidden layer of \(knobs.hiddenUnits) \
        ReLU units is the whole difference from the linear classifier.
        """)

    chapter.section("Mean-centring the images")
    // book: mean-centring
    let meanImage = training.meanImage()  // 1 × 784, from the training images only
    let centredTraining = try training.centred(on: meanImage)
    let centredValidation = try validation.centred(on: meanImage)
    let centredTest = try data.test.centred(on: meanImage)  // the training images' mean, not the test images' own
    // book: end mean-centring
    let centredSets = (training: centredTraining, validation: centredValidation, test: centredTest)
    let centredSeeds = try seedRuns(0, epochs: firstEpochs, sets: centredSets).map(\.testAccuracy)
    let centringGap = mean(centredSeeds) - mean(firstSeeds), centringLimit = max(spread(centredSeeds), spread(firstSeeds))
    let centredNearest = try NearestNeighbourClassifier(training: centredSets.training).accuracy(on: centredSets.test)
    chapter.text(
        """
        Article 004 recommends one preprocessing step for images: mean centring, subtracting from \
        each pixel its mean over all the images, so that every input is spread around 0 instead \
        of lying in [0, 1]. The mean image is taken from the \(training.count.grouped) training \
        images only and the same image is subtracted from the validation and test images: a mean \
        that included them would let the test images shape the inputs the network is trained on, \
        and the test would no longer measure images the model has never seen. Here the mean \
        image's pixels go from \(Double(meanImage.elements.min()!).fixed(3)) to \
        \(Double(meanImage.elements.max()!).fixed(3)), \(Double(meanImage.mean()).fixed(3)) on average.
        """)
    try chapter.quote("mean-centring")
    chapter.text(
        """
        The first network trained on the centred images from the same three seeds:
        """)
    chapter.table(
        ["\(experiments[0].name) on", "test accuracy, 3 seeds", "mean", "spread (max − min)"],
        [("pixels in [0, 1]", firstSeeds), ("mean-centred pixels", centredSeeds)].map { name, values in
            [name, values.map { $0.fixed(3) }.joined(separator: ", "), mean(values).fixed(3), spread(values).fixed(3)]
        },
        alignments: [.left, .right, .right, .right])
    chapter.text(
        """
        Centring \(abs(centringGap) > centringLimit
            ? (centringGap > 0 ? "raises the mean test accuracy by \(centringGap.fixed(3)), more than the seed spread (\(centringLimit.fixed(3))): a win here"
                : "lowers the mean test accuracy by \((-centringGap).fixed(3)), more than the seed spread (\(centringLimit.fixed(3)))")
            : "moves the mean test accuracy by \(centringGap.signed(3)), no more than the seed spread (\(centringLimit.fixed(3))): no win on these numbers"). \
        The nearest neighbour is not affected at all: subtracting the same image from both images \
        leaves the distance between them as it was, and its accuracy on the centred images is \
        \(centredNearest.fixed(3)) (\(centredNearest == nearestNeighbourAccuracy ? "the same" : "not the same: the distances are rounded Float sums, and a near-tie can go either way")). \
        The experiments below use the pixels in [0, 1], as the article's Keras code does.
        """)

    chapter.section("Tweaking: wide, deep, dropout, more epochs")
    chapter.text(
        """
        The article then changes one thing at a time. Wide: \(knobs.wideUnits) hidden units instead of \(knobs.hiddenUnits). Deep: \
        five hidden layers of \(knobs.hiddenUnits). Dropout: the deep network with `Dropout(0.2)` after each hidden \
        layer. The same for \(experiments[4].epochs) epochs. Deep and wide: five layers of \(knobs.wideUnits) with dropout, for \(experiments[5].epochs) epochs ("we also implement \
        all the tweaks that we learnt before"). Each run starts from its own fixed seed.
        """)
    let mlpRuns = Array(runs.prefix(6))
    /// Updates per epoch: batches of `--batch-size` (128), the last one partial.
    func updatesPerEpoch(_ images: Int) -> Int { (images + knobs.batchSize - 1) / knobs.batchSize }
    let pyTorchImages = 60_000
    let full = bookSettings && data.source != .embeddedSample && training.count + validation.count >= 60_000  // PyTorch ran the book's settings
    chapter.table(
        ["network", "epochs", "parameters", "validation accuracy", "test accuracy"] + (full ? ["PyTorch 2.15, test", "difference"] : []),
        zip(experiments, mlpRuns).map { experiment, run in
            [run.name, String(run.history.count), run.model.parameterCount.grouped, run.validationAccuracy.fixed(3), run.testAccuracy.fixed(3)]
                + (full ? [experiment.pyTorchAccuracy.map { $0.fixed(3) } ?? "", experiment.pyTorchAccuracy.map { (run.testAccuracy - $0).signed(3) } ?? ""] : [])
        },
        alignments: [.left, .right, .right, .right, .right] + (full ? [.right, .right] : []))
    if full {
        let far = zip(experiments, mlpRuns).filter { experiment, run in experiment.pyTorchAccuracy.map { abs(run.testAccuracy - $0) > 0.01 } ?? false }
        chapter.text(
            far.isEmpty
                ? "Every run lands within a point of PyTorch 2.15's test accuracy for the same network."
                : """
                  \(far.map { "\"\($0.1.name)\"" }.joined(separator: ", ")) \(far.count == 1 ? "lands" : "land") more \
                  than a point from PyTorch 2.15's test accuracy. PyTorch's runs trained on all \
                  \(pyTorchImages.grouped) images (\(updatesPerEpoch(pyTorchImages)) updates per epoch); these follow the article and train on \
                  its 70% split (\(training.count.grouped) images, \(updatesPerEpoch(training.count)) \
                  updates per epoch), so after the same number of epochs they have seen 30% \
                  fewer examples; and one run moves with its seed, as the next table shows.
                  """)
    } else if bookSettings {
        let pyTorchAccuracies = experiments.prefix(6).compactMap { $0.pyTorchAccuracy?.fixed(3) }
        let pyTorchList = pyTorchAccuracies.dropLast().joined(separator: ", ") + " and " + pyTorchAccuracies.last!
        chapter.text(
            """
            For comparison, the same six runs in PyTorch 2.15 (Adam's defaults, batches of 128, \
            all \(pyTorchImages.grouped) training images) reach test accuracies of \
            \(pyTorchList). The numbers above \
            are lower because these networks saw \(training.count.grouped) training images, not \
            \(pyTorchImages.grouped), and so made fewer updates in each epoch (\(updatesPerEpoch(training.count)) \
            batches of 128 instead of \(updatesPerEpoch(pyTorchImages))) and learned less in all. Where they overfit, the gap between training and validation \
            accuracy shows it: the deep and wide network ends at \
            \(((runs[5].history.last?.accuracy) ?? 0).fixed(3)) on its training batches and \
            \(runs[5].validationAccuracy.fixed(3)) on validation.
            """)
    } else {
        chapter.text("PyTorch 2.15's test accuracies for these networks were measured for the book's settings (the article's: 50 and 500 hidden units, 5, 50 and 25 epochs, batches of 128, Adam's η = 0.001), not for this run's choices, so this run is not compared with them. Where a network overfits, the gap between training and validation accuracy shows it: the deep and wide network ends at \(((runs[5].history.last?.accuracy) ?? 0).fixed(3)) on its training batches and \(runs[5].validationAccuracy.fixed(3)) on validation.")
    }
    try chapter.figure(
        accuracyPanels(runs), caption: "Training accuracy (mean over each epoch's batches) and validation accuracy (after the epoch), per run")

    chapter.text(
        """
        How much of a difference between two runs comes from the network, and how much from the \
        seed (the initial weights, the order of the batches, the dropout masks)? The four \(knobs.epochs)-epoch \
        runs again, each from two more seeds:
        """)
    var seedAccuracies: [[Double]] = []
    for (index, experiment) in experiments.prefix(4).enumerated() {
        let epochs = quick ? min(experiment.epochs, 2) : experiment.epochs
        seedAccuracies.append(
            index == 0 ? firstSeeds : [runs[index].testAccuracy] + (try seedRuns(index, epochs: epochs, extras: 1...2).map(\.testAccuracy)))
    }
    chapter.table(
        ["network", "test accuracy, 3 seeds", "mean", "spread (max − min)"],
        zip(experiments, seedAccuracies).map { experiment, accuracies in
            [experiment.name, accuracies.map { $0.fixed(3) }.joined(separator: ", "), mean(accuracies).fixed(3), spread(accuracies).fixed(3)]
        },
        alignments: [.left, .right, .right, .right])
    let largestSpread = seedAccuracies.map(spread).max()!
    chapter.text(
        """
        The seed alone moves a test accuracy by up to \(largestSpread.fixed(3)) here. A comparison \
        of two single runs that differ by less than that says little about the networks; the \
        article's verdicts, each from one run, should be read with that in mind.
        """)

    chapter.section("What the article concluded, checked")
    /// The seed spread a comparison of runs `indices` must exceed: the larger of their spreads
    /// measured above, or the largest measured one when a network's spread was not measured.
    func threshold(_ indices: [Int]) -> Double {
        indices.allSatisfy { $0 < seedAccuracies.count } ? indices.map { spread(seedAccuracies[$0]) }.max()! : largestSpread
    }
    let bestDense = (0..<5).max { runs[$0].testAccuracy < runs[$1].testAccuracy }!
    // Each claim: the run the article expects higher, the one it expects lower, and the networks
    // whose seed spread the difference must exceed.
    let claims: [(claim: String, higher: Double, lower: Double, networks: [Int], numbers: String)] = [
        ("wide beats the first network (\"significantly better\")", runs[1].testAccuracy, runs[0].testAccuracy, [1, 0],
         "\(runs[1].testAccuracy.fixed(3)) vs \(runs[0].testAccuracy.fixed(3))"),
        ("deep (5 × \(knobs.hiddenUnits)) does not beat wide (\"we didn't get what we expected\")", runs[1].testAccuracy, runs[2].testAccuracy, [1, 2],
         "\(runs[2].testAccuracy.fixed(3)) vs \(runs[1].testAccuracy.fixed(3))"),
        ("dropout for \(knobs.epochs) epochs does not help the deep network (\"something seems off\")", runs[2].testAccuracy, runs[3].testAccuracy, [2, 3],
         "\(runs[3].testAccuracy.fixed(3)) vs \(runs[2].testAccuracy.fixed(3))"),
        ("the same with \(experiments[4].epochs) epochs is better (\"an increase in accuracy\")", runs[4].testAccuracy, runs[3].testAccuracy, [4, 3],
         "\(runs[4].testAccuracy.fixed(3)) vs \(runs[3].testAccuracy.fixed(3))"),
        ("deep and wide beats every dense network before it", runs[5].testAccuracy, runs[bestDense].testAccuracy, [5, bestDense],
         "\(runs[5].testAccuracy.fixed(3)) vs at most \(runs[bestDense].testAccuracy.fixed(3))"),
        ("the CNN beats the first network (\"way better\")", runs[6].testAccuracy, runs[0].testAccuracy, [6, 0],
         "\(runs[6].testAccuracy.fixed(3)) vs \(runs[0].testAccuracy.fixed(3))"),
    ]
    enum Verdict: String { case holds = "holds", fails = "does not hold", open = "within the seed spread (no verdict)" }
    let verdicts: [Verdict] = claims.map { claim in
        let difference = claim.higher - claim.lower, limit = threshold(claim.networks)
        return difference > limit ? .holds : -difference > limit ? .fails : .open
    }
    chapter.text(
        """
        A verdict needs a difference larger than the seed spread measured above: the larger spread \
        of the two networks compared, or the largest one (\(largestSpread.fixed(3))) when a \
        network's spread was not measured. Otherwise the two runs are within the seed spread and \
        the table gives no verdict.
        """)
    chapter.table(
        ["the article says", "test accuracy", "seed spread to exceed", "here"],
        zip(claims, verdicts).map { claim, verdict in [claim.claim, claim.numbers, threshold(claim.networks).fixed(3), verdict.rawValue] },
        alignments: [.left, .right, .right, .left])
    let counts = [Verdict.holds, .fails, .open].map { verdict in verdicts.filter { $0 == verdict }.count }
    chapter.text(
        """
        Of the \(claims.count) steps, \(counts[0]) \(counts[0] == 1 ? "holds" : "hold"), \(counts[1]) \
        \(counts[1] == 1 ? "does" : "do") not hold, and \(counts[2]) \(counts[2] == 1 ? "is" : "are") \
        within the seed spread. The article's verdicts come from single runs on a different \
        dataset (handwritten digits); `--seed` changes every seed of the chapter.
        """)

    // Why the deep network disappoints: the gradients at the start, then more updates.
    var gradientRandom = SeededGenerator(seed: chapter.options.seed &+ 2)
    var deepModel: Model<Float> = try LayerSpecification.classifier(input: "784", layers: deep, classes: 10, using: &gradientRandom)
    let firstBatch = Array(0..<min(knobs.batchSize, training.count))
    let startGradients = try deepModel.backpropagate(
        try training.images.gatherRows(firstBatch), targets: try training.subset(firstBatch).oneHotLabels(), loss: .crossEntropy,
        using: &gradientRandom
    ).gradients
    // Dense layers hold weights then biases: every even gradient is a layer's weights.
    let weightNorms = stride(from: 0, to: startGradients.count, by: 2).map { i in
        startGradients[i].norm()
    }
    chapter.text(
        """
        \(verdicts[1] == .holds ? "Why does the deep network disappoint? Not, it seems, by vanishing gradients" : "Here the deep network does not fall behind wide beyond the seed spread; still, do its gradients vanish? It seems not"): chapter 4 \
        traced them to saturating sigmoids and measured ReLU layers passing the error terms back \
        nearly undiminished, and these layers are ReLU. The size \
        of each layer's weight gradient at the start, for the first batch of \(firstBatch.count) \
        training images (the deep network as the first seed draws it):
        """)
    chapter.table(
        ["layer"] + weightNorms.indices.map { $0 < weightNorms.count - 1 ? "hidden \($0 + 1)" : "output" },
        [["‖∂E/∂W‖"] + weightNorms.map { $0.fixed(4) }],
        alignments: [.left] + Array(repeating: .right, count: weightNorms.count))
    let firstToLast = weightNorms[0] / weightNorms[weightNorms.count - 2]
    let shortEpochs = quick ? min(knobs.epochs, 2) : knobs.epochs
    let longEpochs = 4 * (quick ? 1 : knobs.epochs)  // 20 in the book, 4 with --quick
    let deepLong = try seedRuns(2, epochs: longEpochs).map(\.testAccuracy)
    let wideLong = try seedRuns(1, epochs: longEpochs).map(\.testAccuracy)
    let deepShort = seedAccuracies[2], wideShort = seedAccuracies[1]
    let deepGain = mean(deepLong) - mean(deepShort), deepLimit = max(spread(deepLong), spread(deepShort))
    chapter.text(
        """
        The first hidden layer's gradient is \(firstToLast.fixed(2)) times the last hidden layer's: \
        \(firstToLast > 0.1 ? "nothing vanishes on the way down" : "it shrinks on the way down"). Another candidate is \
        the number of updates: \(shortEpochs) epochs of \(updatesPerEpoch(training.count)) batches are \
        \(shortEpochs * updatesPerEpoch(training.count)) updates, and five layers have more to settle than one. \
        The same seeds again, for \(longEpochs) epochs (\(longEpochs * updatesPerEpoch(training.count)) updates):
        """)
    chapter.table(
        ["network", "epochs", "test accuracy, 3 seeds", "mean", "spread (max − min)"],
        [(experiments[2].name, shortEpochs, deepShort), (experiments[2].name, longEpochs, deepLong),
         (experiments[1].name, shortEpochs, wideShort), (experiments[1].name, longEpochs, wideLong)].map { name, epochs, values in
            [name, String(epochs), values.map { $0.fixed(3) }.joined(separator: ", "), mean(values).fixed(3), spread(values).fixed(3)]
        },
        alignments: [.left, .right, .right, .right, .right])
    let wideGap = mean(wideLong) - mean(deepLong), wideLimit = max(spread(wideLong), spread(deepLong))
    chapter.text(
        """
        With \(longEpochs / shortEpochs) times the updates the deep network's mean test accuracy \
        \(deepGain > deepLimit ? "rises by \(deepGain.fixed(3)), more than its seed spread (\(deepLimit.fixed(3)))" : "moves by \(deepGain.signed(3)), within its seed spread (\(deepLimit.fixed(3)))"); \
        after \(longEpochs) epochs \(abs(wideGap) > wideLimit ? (wideGap > 0 ? "wide is still ahead by \(wideGap.fixed(3)), more than the seed spread (\(wideLimit.fixed(3)))" : "the deep network is ahead of wide by \((-wideGap).fixed(3)), more than the seed spread (\(wideLimit.fixed(3)))") : "the deep and the wide network are within the seed spread of each other (\(wideGap.signed(3)) against \(wideLimit.fixed(3)))"). \
        \(deepGain > deepLimit ? "So too few updates is part of the answer." : "So on these numbers more updates do not clearly help the deep network either; the gradients, at least, do not vanish.") \
        Five layers of \(knobs.hiddenUnits) also have \(runs[2].model.parameterCount < runs[1].model.parameterCount ? "fewer" : runs[2].model.parameterCount > runs[1].model.parameterCount ? "more" : "as many") parameters \(runs[2].model.parameterCount == runs[1].model.parameterCount ? "as" : "than") one of \(knobs.wideUnits) \
        (\(runs[2].model.parameterCount.grouped) against \(runs[1].model.parameterCount.grouped)). \(verdicts[2] == .holds && verdicts[3] == .holds ? "Why dropout first hurts: it hides a fifth of the units in every batch, so the network learns more slowly, and \(experiments[3].epochs) epochs are not enough; it pays off when there is time to train and a tendency to overfit, which is the \(experiments[4].epochs)-epoch run." : "Dropout hides a fifth of the units in every batch, so the network learns more slowly; the article expects that to cost accuracy after \(experiments[3].epochs) epoch\(experiments[3].epochs == 1 ? "" : "s") and to pay off after \(experiments[4].epochs), and the verdicts above do not both hold here.")
        """)

    chapter.section("A convolutional network")
    let articleCNN = runs[6], widerCNN = runs[7]
    chapter.text(
        """
        The article's last tweak is a convolutional network on the images as 28×28×1: three \
        convolutions of 25 filters (5×5, 5×5, 4×4) with 2×2 max pooling after the first two, then \
        dense 50 and the softmax; the sizes go 28 → 24 → 12 → 8 → 4 → 1. A wider network, two blocks of 3×3 convolutions with padding 1 (32 then 64 filters) and pooling, \
        then dense 128 with dropout, is the kind that Fashion-MNIST's own benchmark lists at \
        0.876-0.916. Their shapes, as `swift run shapes` prints them:
        """)
    for (experiment, run) in zip(experiments.suffix(2), runs.suffix(2)) {
        chapter.table(
            ["layer", "output", "parameters", "multiply-adds per image"],
            LayerSpecification.table(run.model, input: experiment.input),
            alignments: [.left, .right, .right, .right])
    }
    chapter.table(
        ["network", "epochs", "parameters", "validation accuracy", "test accuracy"],
        [articleCNN, widerCNN].map { run in
            [run.name, String(run.history.count), run.model.parameterCount.grouped, run.validationAccuracy.fixed(3), run.testAccuracy.fixed(3)]
        },
        alignments: [.left, .right, .right, .right, .right])
    chapter.text(
        """
        The article's CNN has \(articleCNN.model.parameterCount.grouped) parameters, \(articleCNN.model.parameterCount < first.model.parameterCount ? "fewer" : "more") than the \
        first dense network's \(first.model.parameterCount.grouped), and reaches \
        \(articleCNN.testAccuracy.fixed(3)) against \(first.testAccuracy.fixed(3))\(articleCNN.testAccuracy > first.testAccuracy ? ":" : ", although") a filter is \
        reused at every position of the image, so the network learns local patterns (edges, \
        corners, textures) once instead of once per pixel. The wider CNN reaches \
        \(widerCNN.testAccuracy.fixed(3)).
        """)
    if let firstConvolution = articleCNN.model.layers.first as? Conv2D<Float> {
        // The same seed draws the untrained network, so the filters can be compared with where they started.
        var startRandom = SeededGenerator(seed: chapter.options.seed &+ 6)
        let untrained: Model<Float> = try LayerSpecification.classifier(input: experiments[6].input, layers: experiments[6].layers, classes: 10, using: &startRandom)
        let start = (untrained.layers.first as? Conv2D<Float>)?.weights ?? firstConvolution.weights
        let moved = try firstConvolution.weights.relativeDistance(to: start)
        try chapter.figure(
            Figure.filters(
                name: "filters", title: "The \(firstConvolution.weights.columns) filters of the article's CNN's first layer after training",
                of: firstConvolution, columns: 5),
            caption: "The first convolution's \(firstConvolution.weights.columns) filters of \(firstConvolution.filterSize)×\(firstConvolution.filterSize) weights, "
                + "each as it lies over the image: black is the most negative weight, white the most positive, mid-grey 0 (one scale for all)")
        chapter.text(
            """
            What did the article's CNN learn in its first layer? Its \(firstConvolution.weights.columns) filters, drawn as \
            small images: each is the pattern of \(firstConvolution.filterSize)×\(firstConvolution.filterSize) pixels that \
            makes its feature map brightest. Training moved them by \((100 * moved).fixed(0))% of their \
            starting size (‖W − W₀‖ / ‖W₀‖, with W₀ the seed's random He weights), after \
            \(articleCNN.history.count) epochs of \(training.count.grouped) images: \
            \(moved < 0.5 ? "they are still mostly the random weights they started from, and look like noise. The network reaches its accuracy with filters that a person would not call edge detectors; the clean edge and blob detectors of networks trained for long on large sets need far more training than this" : "a few may show light-dark edges or blobs, but many still look like the noise they started from").
            """)
    }

    chapter.section("What the best network gets wrong")
    let best = runs.max { $0.testAccuracy < $1.testAccuracy }!
    let confusion = try ConfusionMatrix(predicted: best.testPredictions, labels: data.test.labels, classes: 10)
    let shown = Array(0..<min(24, data.test.count))
    try chapter.figure(
        Figure.imageGrid(
            name: "predictions", title: "\(best.name): the first \(shown.count) test images, predicted class (✗ wrong, true class in brackets)",
            images: try data.test.images.gatherRows(shown), shape: data.test.shape,
            captions: shown.map { i in
                let predicted = best.testPredictions[i], truth = data.test.labels[i]
                return predicted == truth ? classNames[predicted] : "✗ \(classNames[predicted]) (\(classNames[truth]))"
            }, columns: 6),
        caption: "The first \(shown.count) test images with the best network's predictions (\(best.name))")
    let wrong = shown.filter { best.testPredictions[$0] != data.test.labels[$0] }.count
    chapter.text(
        """
        The best run here is \(best.name) (test accuracy \(best.testAccuracy.fixed(3))); \(wrong) \
        of the first \(shown.count) test images are wrong. Its confusion matrix counts, for every \
        true class (row), which class the network chose (column); the diagonal is right:
        """)
    chapter.table(
        ["true \\ predicted"] + (0..<10).map { String($0) } + ["right"],
        (0..<10).map { t in
            ["\(t) \(classNames[t])"] + (0..<10).map { p in String(confusion[t, p]) } + [confusion.classAccuracies[t].fixed(2)]
        },
        alignments: [.left] + Array(repeating: .right, count: 11))
    var confusionFigure = try Figure.grid(
        name: "confusion", title: "Confusion matrix of \(best.name) on the test images",
        values: confusion.counts.map(Double.init), width: 10, height: 10, labelPlaces: 0)
    confusionFigure.xLabel = "predicted class"
    confusionFigure.yLabel = "true class"
    confusionFigure.xTicks = (0..<10).map { Tick(String($0), at: Double($0)) }
    confusionFigure.yTicks = (0..<10).map { Tick("\(classNames[$0]) \($0)", at: -Double($0)) }
    try chapter.figure(
        confusionFigure, caption: "Confusion matrix: row = true class, column = predicted class, classes numbered as in the table")
    let mistakes = confusion.mostConfused(3)
    let accuracies = confusion.classAccuracies
    let lowest = accuracies.min()!, highest = accuracies.sorted(by: >)
    // Ties at two decimals, as the table prints them; the easiest three, and any tied with the third.
    func hundredths(_ x: Double) -> Double { (x * 100).rounded() }
    let hardest = accuracies.indices.filter { hundredths(accuracies[$0]) == hundredths(lowest) }
    let easiest = accuracies.indices.filter { hundredths(accuracies[$0]) >= hundredths(highest[2]) }.sorted { accuracies[$0] > accuracies[$1] }
    let tops: Set = [0, 2, 3, 4, 6], shoes: Set = [5, 7, 9]
    func classList(_ classes: [Int]) -> String {
        let names = classes.map { classNames[$0] }
        return names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " and " + names.last!
    }
    let shoeMistake = confusion.mostConfused(100).first { shoes.contains($0.truth) && shoes.contains($0.predicted) }
    let topsOnly = mistakes.allSatisfy { tops.contains($0.truth) && tops.contains($0.predicted) }
    chapter.text(
        """
        The hardest \(hardest.count == 1 ? "class is" : "classes are") \(classList(hardest)) \
        (\(lowest.fixed(2)) right\(hardest.count == 1 ? "" : " each")), and the most frequent mistakes are \
        \(mistakes.map { "\(classNames[$0.truth]) taken for \(classNames[$0.predicted]) (\($0.count))" }.joined(separator: ", ")): \
        \(topsOnly ? "all between garments worn on the upper body. " : "")\
        \(shoeMistake.map { "Among the shoes the largest confusion is \(classNames[$0.truth]) taken for \(classNames[$0.predicted]) (\($0.count)). " } ?? "")\
        The easiest are \(classList(easiest)) (\(easiest.map { accuracies[$0].fixed(2) }.joined(separator: ", ")) right).
        """)

    chapter.section("Saving the model, and loading it back")
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("teach-training-\(ProcessInfo.processInfo.processIdentifier)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("model.safetensors").path
    // book: save-and-load
    try best.model.save(to: path)
    let loaded = try Model<Float>.load(from: path)
    let before = try best.model.predict(data.test.images), after = try loaded.predict(data.test.images)
    // book: end save-and-load
    let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    chapter.text(
        """
        A trained model is worth keeping. `model.save(to:)` writes it in the safetensors format \
        that PyTorch, JAX and others read: an 8-byte length, a JSON header naming each tensor \
        (its type, shape and byte range) and the layers, then the raw little-endian numbers. The \
        best model's file is \(size.grouped) bytes: \(best.model.parameterCount.grouped) parameters \
        × 4 bytes, plus the header. `Model.load(from:)` rebuilds every layer and checks every \
        shape; its predictions on the \(data.test.count.grouped) test images are \
        \(before == after ? "bit for bit the same as the original's" : "DIFFERENT from the original's (a bug)").
        """)
    try chapter.quote("save-and-load")

    chapter.section("How long it took")
    chapter.text(
        """
        Training time on this machine, in release mode (`swift run -c release training`); the \
        article's point that a CPU is slow for deep networks is measured in chapter 12, and the \
        core's speed against numpy and PyTorch by `swift run -c release benchmark` (README).
        """)
    chapter.timings(
        Markdown.table(
            ["network", "epochs", "seconds", "images per second"],
            runs.map { [$0.name, String($0.history.count), String(format: "%.2f", $0.seconds), Int($0.imagesPerSecond).grouped] },
            alignments: [.left, .right, .right, .right]))

    chapter.sourceNote(
        """
        The experiments are those of article 004's "Identify the Digits" exercise. Its scraped \
        text lost some lines of its listings: it defines `dropout_ratio = 0.2` but its models lost \
        the `Dropout` lines (the original places one after every hidden layer, as here), and the \
        convolutional listing lost its `InputLayer`, `Reshape`, pooling and `Flatten` lines, \
        without which its sizes do not work out.
        """)
}

/// One panel per run: training and validation accuracy per epoch, every panel on the same
/// accuracy scale (from the lowest value of any run, in tenths, to 1) so that the runs compare
/// at a glance, with ticks at whole epochs.
func accuracyPanels(_ runs: [ClassifierRun]) -> Figure {
    let values: [Double] = runs.flatMap { run in run.history.flatMap { record -> [Double] in [record.accuracy ?? 0, record.validationAccuracy ?? 0] } }
    let lowest = ((values.min() ?? 0) * 10).rounded(.down) / 10
    var figure = Figure(name: "accuracy", title: "Accuracy per epoch", xLabel: "", yLabel: "", width: 1400, height: 760)
    figure.panelsPerRow = 4
    figure.panels = runs.enumerated().map { index, run in
        let epochs = run.history.map { Double($0.epoch) }
        let count = run.history.count
        let style: Series.Style = count == 1 ? .points : .lines  // a run of one epoch has no line to draw
        return Figure(
            name: "run\(index + 1)", title: run.name, xLabel: "epoch", yLabel: "accuracy",
            xRange: 1...max(2, Double(count)), yRange: lowest...1, xTickStep: count <= 10 ? 1 : count <= 25 ? 5 : 10, yTickStep: 0.1,
            series: [
                Series("training", x: epochs, y: run.history.map { $0.accuracy ?? 0 }, style: style, color: "#1f77b4"),
                Series("validation", x: epochs, y: run.history.map { $0.validationAccuracy ?? 0 }, style: style, color: "#d62728"),
            ], keyPosition: .bottomRight)
    }
    return figure
}

import ArgumentParser

/// The chapter's choices: the article's networks and how they are trained, its values as defaults.
struct Knobs: ChapterKnobs {
    @Option(help: "Epochs of the article's 5-epoch runs; its longer runs take 10, 5 and 2 times as many (with --quick: at most 2 each).")
    var epochs = 5
    @Option(help: "Hidden units of each layer of the narrow dense networks (the first, and the deep ones of five layers).")
    var hiddenUnits = 50
    @Option(help: "Hidden units of each layer of the wide dense networks (wide, and deep and wide).")
    var wideUnits = 500
    @Option(help: "Images per minibatch, for every network.")
    var batchSize = 128
    @Option(help: "Adam's learning rate η, for every network.")
    var learningRate = 0.001

    func validate() throws {
        try KnobCheck.atLeast(1, epochs, "--epochs", "a number of epochs")
        try KnobCheck.atLeast(1, hiddenUnits, "--hidden-units", "a number of hidden units")
        try KnobCheck.atLeast(1, wideUnits, "--wide-units", "a number of hidden units")
        try KnobCheck.atLeast(1, batchSize, "--batch-size", "a batch size")
        try KnobCheck.positive(learningRate, "--learning-rate", "a learning rate")
    }
}
