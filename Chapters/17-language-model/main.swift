// Chapter 17: a character-level language model on real words (Karpathy's makemore, on English
// words instead of names): a counting bigram model, then RNN, LSTM and GRU language models.
import ArgumentParser
import Foundation
import Teach
import TeachBook

/// The chapter's choices, the book's values as defaults: a short run (about a second per model
/// and seed); the help says how to make it longer.
struct Knobs: ChapterKnobs {
    @Option(help: "Words taken from the list (shuffled, then 80% training, 10% validation, 10% test); the sample has 5,000, wamerican 63,875.")
    var words = 2000
    @Option(help: "Passes over the training words for each recurrent model (with --quick: a third, at least 1).")
    var epochs = 3
    @Option(help: "Hidden units of each recurrent layer (the state's size).")
    var hiddenUnits = 32
    @Option(help: "Numbers per character in the embedding table.")
    var embeddingSize = 16
    @Option(help: "Words per minibatch.")
    var batchSize = 32
    @Option(help: "Adam's learning rate η.")
    var learningRate = 0.01
    @Option(help: "Seeds per recurrent model (the first is --seed): the spread over them decides every verdict.")
    var seeds = 3
    @Option(help: "The bigram model's add-α smoothing (1 is add-one; 0 leaves unseen pairs impossible).")
    var smoothing = 1.0

    func validate() throws {
        try KnobCheck.atLeast(10, words, "--words", "a number of words")
        try KnobCheck.atLeast(1, epochs, "--epochs", "a number of epochs")
        try KnobCheck.atLeast(1, hiddenUnits, "--hidden-units", "a number of hidden units")
        try KnobCheck.atLeast(1, embeddingSize, "--embedding-size", "a number of features")
        try KnobCheck.atLeast(1, batchSize, "--batch-size", "a batch size")
        try KnobCheck.positive(learningRate, "--learning-rate", "a learning rate")
        try KnobCheck.within(2...10, seeds, "--seeds", "a number of seeds")
        try KnobCheck.within(0...1000, smoothing, "--smoothing", "an add-α smoothing")
    }
}

/// One recurrent model trained from one seed: the model, its epochs (the validation NLL after
/// each), every update's batch loss, the validation NLL before training, and the training time.
struct Run {
    var model: Model<Float>
    var history: [EpochRecord]
    var batchLosses: [Double]
    var untrained: Double
    var seconds: Double
}

/// The same split for every seed, so that `--seed` changes the models and not the words.
let splitSeed: UInt64 = 2026

Chapter.run("language-model", knobs: Knobs.self) { chapter, knobs in
    let source = WordList.source(for: chapter.options.data)
    let list = try WordList.load(source)
    guard knobs.words <= list.words.count else {
        throw ValidationError("--words \(knobs.words): \(source.path) has \(list.words.count) words after cleaning; expected at most that many")
    }
    let (training, validation, test) = try list.split(count: knobs.words, seed: splitSeed)
    let vocabulary = CharacterVocabulary.lowercase
    let epochs = chapter.options.epochs(knobs.epochs, quickDividedBy: 3)
    let uniform = log(Double(vocabulary.count))
    chapter.text(
        """
        Every network so far mapped an input to one answer. A *language model* answers the same \
        question over and over: given what came so far, what comes next? This chapter follows the \
        first parts of Andrej Karpathy's *makemore*, which learns to spell names one character at a \
        time, on English words instead: a model that has read a few thousand words gives every \
        next letter a probability, which measures how well it knows English spelling, and drawing \
        letters from those probabilities makes up new words that look English.
        """)

    chapter.section("The words")
    chapter.text(
        """
        **The words in this chapter come from \(source)**\
        \(source == .embeddedSample ? ", so that the book reads the same on every machine. With Debian's `wamerican` installed (`sudo apt-get install wamerican`), `swift run -c release language-model` reads its whole list, and `--data FILE` any file of one word per line." : ".") \
        The list is cleaned as `WordList` reads it: each line trimmed, and kept only when it is \
        made of the 26 lowercase letters a–z, so that every word is spelt with the same \
        alphabet. Capitalised names (*Paris*), possessives with an apostrophe (*cat's*) and words \
        with accents (*café*) are dropped: here \(list.dropped.grouped) lines, and \
        \(list.duplicates.grouped) repeats\(source == .embeddedSample ? " (the sample was drawn from the cleaned list)" : ""), \
        which leaves \(list.words.count.grouped) words.
        """)
    func lengths(_ words: [String]) -> (mean: Double, longest: Int) {
        (Double(words.reduce(0) { $0 + $1.count }) / Double(words.count), words.map(\.count).max()!)
    }
    chapter.text(
        """
        This run takes \(knobs.words.grouped) of them, shuffled with a fixed seed (\(splitSeed), the same \
        for every `--seed`, so that another seed changes the models, not the words) and cut 80/10/10. \
        The models learn from the training words; the validation words are watched during \
        training; the test words are looked at once, at the end, to compare the models:
        """)
    chapter.table(
        ["set", "words", "mean letters", "longest", "the first five"],
        [("training", training), ("validation", validation), ("test", test)].map { name, words in
            let (mean, longest) = lengths(words)
            return [name, words.count.grouped, mean.fixed(2), String(longest), words.prefix(5).joined(separator: ", ")]
        },
        alignments: [.left, .right, .right, .right, .left])

    chapter.section("Characters as tokens")
    let example = test[0]
    let encodedExample = try EncodedWords<Double>([example])
    chapter.text(
        """
        The model's alphabet has \(vocabulary.count) *tokens*: the 26 letters and `.`, which \
        makemore uses for both the start and the end of a word. Each token is an id, `.` = 0, \
        `a` = 1 to `z` = 26. A word of *n* letters makes *n* + 1 predictions: from `.` the first \
        letter, from the first letter the second, …, and from the last letter the end, `.`. So \
        the targets are the inputs shifted by one place. For the test word *\(example)*:
        """)
    let exampleLength = example.count + 1
    chapter.table(
        ["position"] + (0..<exampleLength).map(String.init),
        [["input"] + (0..<exampleLength).map { t in String(vocabulary.tokens[Int(encodedExample.inputs[0, t])]) },
         ["input id"] + (0..<exampleLength).map { t in String(Int(encodedExample.inputs[0, t])) },
         ["target"] + (0..<exampleLength).map { t in String(vocabulary.tokens[Int(encodedExample.targets[0, t])]) },
         ["target id"] + (0..<exampleLength).map { t in String(Int(encodedExample.targets[0, t])) }],
        alignments: [.left] + Array(repeating: .right, count: exampleLength))
    // one T for all three sets, so that the models read every word
    let length = [training, validation, test].map { lengths($0).longest }.max()! + 1
    let trainingBatch = try EncodedWords<Float>(training, length: length)
    let validationBatch = try EncodedWords<Float>(validation, length: length)
    let testBatch = try EncodedWords<Float>(test, length: length)
    chapter.text(
        """
        A batch of words becomes two `B×T` matrices of ids, one word per row, with `T` the longest \
        word's \(length - 1) letters plus one (T = \(length), the same for the three sets). Shorter words are padded: \
        their inputs with `.`, a real token the embedding can look up, and their targets with \
        −100, PyTorch's `ignore_index`, which `Loss.crossEntropyWithLogits()` leaves out of the \
        loss. The loss is then the mean over real predictions only: the \
        \(trainingBatch.characters.grouped) characters of the training words (letters plus one \
        end each), not the \((training.count * length).grouped) places of the padded matrix. That \
        mean is the **negative log-likelihood per character** (NLL), in nats, the number every \
        model in this chapter is measured by: lower is better, and a model that gives all \
        \(vocabulary.count) tokens the same probability scores log \(vocabulary.count) = \
        \(uniform.fixed(4)).
        """)

    chapter.section("A counting baseline: the bigram model")
    let bigram = try BigramModel(words: training, smoothing: knobs.smoothing)
    chapter.text(
        """
        The simplest language model looks only at the previous character. Count, over the \
        training words, how often each token follows each other one (\(bigram.total.grouped) pairs, \
        a \(vocabulary.count)×\(vocabulary.count) table):
        """)
    try chapter.quote("bigram-counts", from: "Sources/Teach/Learning/BigramModel.swift")
    let allPairs: [(Int, Int)] = (0..<vocabulary.count).flatMap { a in (0..<vocabulary.count).map { b in (a, b) } }
    func count(_ pair: (Int, Int)) -> Int { bigram.counts[pair.0][pair.1] }
    // the most common first; equal counts in the table's order (a stable sort)
    let pairs = allPairs.enumerated().sorted { count($0.element) > count($1.element) || (count($0.element) == count($1.element) && $0.offset < $1.offset) }
        .map(\.element)
    let neverSeen = pairs.filter { count($0) == 0 }.count
    func pairName(_ pair: (Int, Int)) -> String { "`\(vocabulary.tokens[pair.0])\(vocabulary.tokens[pair.1])`" }
    chapter.text(
        """
        The most common pairs are \(pairs.prefix(8).map { "\(pairName($0)) (\(count($0).grouped))" }.listed); \
        \(neverSeen) of the \(pairs.count) pairs never occur. Each row of counts, divided by its \
        sum, is the probability of the next token after that one. A pair never seen would get \
        probability 0, and one such pair in a held-out word makes the whole word impossible \
        (−log 0 = ∞), so makemore adds a small count α to every cell first (Laplace's add-one for \
        α = 1; this run uses α = \(knobs.smoothing)):
        """)
    chapter.formula("P(b | a) = (N[a, b] + α) / Σ_c (N[a, c] + α)")
    let (exampleNLL, exampleCharacters) = try bigram.negativeLogLikelihood(of: example)
    let exampleIDs = [0] + (try vocabulary.encode(example)) + [0]
    chapter.text(
        """
        A word's probability is the product of its predictions' probabilities, so its negative \
        log-likelihood is the sum of their −log P. For *\(example)*:
        """)
    try chapter.quote("bigram-nll", from: "Sources/Teach/Learning/BigramModel.swift")
    chapter.table(
        ["pair", "P(next | previous)", "−log P"],
        zip(exampleIDs, exampleIDs.dropFirst()).map { a, b in
            [pairName((a, b)), bigram.probabilities[a, b].fixed(4), (-log(bigram.probabilities[a, b])).fixed(4)]
        } + [["sum", "", exampleNLL.fixed(4)], ["per character (÷ \(exampleCharacters))", "", (exampleNLL / Double(exampleCharacters)).fixed(4)]],
        alignments: [.left, .right, .right])
    let bigramNLL = (training: try bigram.negativeLogLikelihood(words: training), validation: try bigram.negativeLogLikelihood(words: validation),
                     test: try bigram.negativeLogLikelihood(words: test))
    chapter.text(
        """
        Over all the words of each set, the sum of the NLLs divided by the number of characters: \
        \(bigramNLL.training.fixed(4)) on the training words, \(bigramNLL.validation.fixed(4)) on \
        the validation words and \(bigramNLL.test.fixed(4)) on the test words, against \
        \(uniform.fixed(4)) for knowing nothing. \
        \(bigramNLL.test.isFinite ? "" : "The test NLL is infinite: with α = 0 a test word holds a pair the training words never had. ")\
        This is the number to beat: a network that cannot do better than counting pairs has \
        learnt nothing the counts did not already know.
        """)
    var bigramRandom = SeededGenerator(seed: chapter.options.seed &+ 7)
    let bigramWords = try (0..<20).map { _ in try bigram.sample(using: &bigramRandom) }

    chapter.section("Recurrent language models")
    chapter.text(
        """
        A bigram model forgets everything but the last letter. A recurrent layer (its RNN, LSTM and \
        GRU cells are the library's `RNN`, `LSTM` and `GRU`, with PyTorch's equations and gate \
        order) carries a state along the word, so each prediction can depend on every letter \
        before it. The model reads the `B×T` ids: an `Embedding` turns each id into \
        \(knobs.embeddingSize) learnt numbers, the recurrent layer runs along the \(length) \
        positions with \(knobs.hiddenUnits) hidden units, and one `Dense` layer, applied at every \
        position, turns each state into \(vocabulary.count) scores (logits) for the next token. \
        The loss is the cross-entropy of those scores against the targets, the padding ignored \
        (chapter 13's softmax and cross-entropy, at every position):
        """)
    let (hidden, embedding) = (knobs.hiddenUnits, knobs.embeddingSize)
    let kinds = ["RNN", "LSTM", "GRU"]
    // book: models
    func languageModel(_ kind: String, using random: inout SeededGenerator) throws -> Model<Float> {
        let v = CharacterVocabulary.lowercase.count  // 27 tokens
        let recurrent: any Layer<Float> = switch kind {
        case "LSTM": try LSTM<Float>(inputs: embedding, hidden: hidden, length: length, using: &random)
        case "GRU": try GRU<Float>(inputs: embedding, hidden: hidden, length: length, using: &random)
        default: try RNN<Float>(inputs: embedding, hidden: hidden, length: length, using: &random)
        }
        return try Model<Float>([
            Embedding<Float>(count: v, dimension: embedding, length: length, using: &random),  // B×T ids → B×(T·E)
            recurrent,  // → B×(T·H): the state at every position
            Dense<Float>(inputs: hidden, units: v, activation: .identity, initializer: .xavier, using: &random),  // → B×(T·27) logits
        ])
    }
    // book: end models
    try chapter.quote("models")
    var probe = SeededGenerator(seed: 0)
    let parameterCounts = try kinds.map { try languageModel($0, using: &probe).parameterCount }
    chapter.text(
        """
        The three models differ only in the cell: \(zip(kinds, parameterCounts).map { "\($0) \($1.grouped) parameters" }.listed). \
        Each trains in Float with Adam (η = \(knobs.learningRate), PyTorch's other \
        defaults) in batches of \(knobs.batchSize) words for \(epochs) passes over the \
        \(training.count.grouped) training words, the validation NLL measured after every pass:
        """)
    // book: training
    func train(_ kind: String, seed: UInt64) throws -> Run {
        var random = SeededGenerator(seed: seed)
        var model = try languageModel(kind, using: &random)
        let untrained = Double(try model.loss(validationBatch.inputs, targets: validationBatch.targets, loss: .crossEntropyWithLogits()))
        var options = TrainingOptions<Float>(
            epochs: epochs, batchSize: knobs.batchSize, loss: .crossEntropyWithLogits(),  // ignore index −100, PyTorch's default
            validation: (validationBatch.inputs, validationBatch.targets), lossReport: .batchAverage)
        var batchLosses: [Double] = []
        options.afterBatch = { batchLosses.append($0.loss) }  // each update's batch loss, for the learning curve
        var adam = try Optimizer<Float>.adam(learningRate: knobs.learningRate)
        let start = Date()
        let history = try model.train(inputs: trainingBatch.inputs, targets: trainingBatch.targets, options: options, optimizer: &adam, using: &random)
        return Run(model: model, history: history, batchLosses: batchLosses, untrained: untrained, seconds: Date().timeIntervalSince(start))
    }
    // book: end training
    try chapter.quote("training")
    let seeds = (0..<knobs.seeds).map { chapter.options.seed &+ UInt64(1000 * $0) }
    var runs: [[Run]] = []
    for (index, kind) in kinds.enumerated() {
        runs.append(try seeds.map { try train(kind, seed: $0 &+ UInt64(index)) })
    }
    func nll(_ model: Model<Float>, _ batch: EncodedWords<Float>) throws -> Double {
        Double(try model.loss(batch.inputs, targets: batch.targets, loss: .crossEntropyWithLogits()))
    }
    let testNLL = try runs.map { seedRuns in try seedRuns.map { try nll($0.model, testBatch) } }
    // on as many training words as there are test words: the same estimate, at a fraction of the cost
    let trainingSample = try EncodedWords<Float>(Array(training.prefix(test.count)), length: length)
    let trainingNLL = try runs.map { seedRuns in try seedRuns.map { try nll($0.model, trainingSample) } }
    func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
    func spread(_ values: [Double]) -> Double { values.max()! - values.min()! }
    let colors = ["#1f77b4", "#d62728", "#2ca02c"]
    let epochAxis = (0...epochs).map(Double.init)
    var validationSeries = kinds.indices.map { index in
        Series(
            kinds[index], x: epochAxis,
            y: (0...epochs).map { epoch in
                mean(runs[index].map { epoch == 0 ? $0.untrained : $0.history[epoch - 1].validationLoss ?? .nan })
            }, style: .linesPoints, color: colors[index], pointType: 7, pointSize: 0.8)
    }
    validationSeries.append(Series("bigram model", x: [0, Double(epochs)], y: [bigramNLL.validation, bigramNLL.validation], color: "#7f7f7f", dashed: true))
    // each update's batch loss, the mean over the seeds, then over a window of `window` updates
    let updates = runs[0][0].batchLosses.count, window = max(1, min(10, updates / 10))
    var trainingSeries = kinds.indices.map { index in
        let perUpdate = (0..<updates).map { u in mean(runs[index].map { $0.batchLosses[u] }) }
        let ends = Array(stride(from: window, through: updates, by: window))
        return Series(
            kinds[index], x: ends.map(Double.init), y: ends.map { end in mean(Array(perUpdate[(end - window)..<end])) }, color: colors[index])
    }
    trainingSeries.append(Series("bigram model", x: [0, Double(updates)], y: [bigramNLL.training, bigramNLL.training], color: "#7f7f7f", dashed: true))
    var curves = Figure(name: "learning-curves", title: "", xLabel: "", yLabel: "", width: 1100, height: 460)
    curves.panels = [
        Figure(
            name: "training", title: "training batches (mean of \(window) updates)", xLabel: "weight updates", yLabel: "NLL per character (nats)",
            series: trainingSeries),
        Figure(
            name: "validation", title: "validation words, after each epoch", xLabel: "epoch (0: untrained)", yLabel: "NLL per character (nats)",
            xTickStep: epochs <= 12 ? 1 : nil, series: validationSeries),
    ]
    try chapter.figure(
        curves,
        caption: "Learning curves, each model the mean of its \(knobs.seeds) seeds: the loss of the training batches as the updates go (left) and the validation NLL per character after each epoch (right); the dashed line is the bigram model")
    chapter.text(
        """
        Untrained, each network guesses about uniformly (validation NLL \
        \(kinds.indices.map { "\(kinds[$0]) \(mean(runs[$0].map(\.untrained)).fixed(3))" }.listed), near log 27 = \
        \(uniform.fixed(3))). Then, on the test words, \
        each model from \(knobs.seeds) seeds (\(seeds.map(String.init).listed); the LSTM's and the \
        GRU's are one and two higher), shown as mean ± half the spread (max − min):
        """)
    // A verdict only when the difference of the means exceeds the larger of the two spreads
    // (the bigram model has no seed: its spread is 0).
    func verdict(_ a: [Double], _ b: [Double]) -> (better: Bool, worse: Bool) {
        let difference = mean(b) - mean(a), noise = max(spread(a), spread(b))
        return (difference > noise, -difference > noise)
    }
    let bigramSampleNLL = try bigram.negativeLogLikelihood(words: Array(training.prefix(test.count)))
    let againstBigram = testNLL.map { verdict($0, [bigramNLL.test]) }
    chapter.table(
        ["model", "parameters", "test NLL per seed", "test NLL", "training NLL (\(test.count.grouped) words)", "against the bigram model"],
        [["bigram counts", (vocabulary.count * vocabulary.count).grouped, "no seed", bigramNLL.test.fixed(4),
          bigramSampleNLL.fixed(4), ""]]
            + kinds.indices.map { i in
                [kinds[i], parameterCounts[i].grouped, testNLL[i].map { $0.fixed(4) }.joined(separator: ", "),
                 "\(mean(testNLL[i]).fixed(4)) ± \((spread(testNLL[i]) / 2).fixed(4))", mean(trainingNLL[i]).fixed(4),
                 againstBigram[i].better ? "lower, beyond the spread" : againstBigram[i].worse ? "higher, beyond the spread" : "within the spread"]
            },
        alignments: [.left, .right, .left, .right, .right, .left])
    let beatBigram = kinds.indices.filter { againstBigram[$0].better }
    let gated = [1, 2].map { (index: $0, against: verdict(testNLL[$0], testNLL[0])) }
    let gatedWins = gated.filter(\.against.better).map { kinds[$0.index] }
    let gatedLosses = gated.filter(\.against.worse).map { kinds[$0.index] }
    let gatedTies = gated.filter { !$0.against.better && !$0.against.worse }.map { kinds[$0.index] }
    chapter.text(
        """
        A model is called better only when its mean test NLL is lower by more than the larger of \
        the two spreads. On that rule: \
        \(beatBigram.count == kinds.count ? "every recurrent model beats the bigram model" : beatBigram.isEmpty ? "no recurrent model beats the bigram model in this run" : "\(beatBigram.map { kinds[$0] }.listed) \(beatBigram.count == 1 ? "beats" : "beat") the bigram model, \(kinds.indices.filter { !beatBigram.contains($0) }.map { kinds[$0] }.listed) \(kinds.count - beatBigram.count == 1 ? "does" : "do") not") \
        (\(kinds.indices.map { "\(kinds[$0]) by \((mean([bigramNLL.test]) - mean(testNLL[$0])).fixed(4))" }.listed) nats per character); \
        \(gatedWins.isEmpty ? "" : "\(gatedWins.listed) \(gatedWins.count == 1 ? "beats" : "beat") the plain RNN")\
        \(gatedWins.isEmpty || (gatedLosses.isEmpty && gatedTies.isEmpty) ? "" : ", while ")\
        \(gatedLosses.isEmpty ? "" : "\(gatedLosses.listed) \(gatedLosses.count == 1 ? "does" : "do") worse than the plain RNN")\
        \(!gatedLosses.isEmpty && !gatedTies.isEmpty ? " and " : "")\
        \(gatedTies.isEmpty ? "" : "\(gatedTies.listed) \(gatedTies.count == 1 ? "is" : "are") within the seed spread of the plain RNN")\
        \(gatedWins.count == 2 ? ": on these words the gates pay" : gatedWins.isEmpty ? ": in this short run the gates do not show an advantage the seeds cannot explain" : "") \
        (mean test NLL minus the RNN's: \(gated.map { "\(kinds[$0.index]) \((mean(testNLL[$0.index]) - mean(testNLL[0])).signed(4))" }.listed); \
        the larger spreads: \(gated.map { max(spread(testNLL[0]), spread(testNLL[$0.index])).fixed(4) }.listed)). \
        The comparison is at the same hidden size, not the same size: the gated cells have \
        \((Double(parameterCounts[1]) / Double(parameterCounts[0])).fixed(1)) (LSTM) and \
        \((Double(parameterCounts[2]) / Double(parameterCounts[0])).fixed(1)) (GRU) times the \
        RNN's parameters.
        """)
    let overfit = kinds.indices.map { mean(testNLL[$0]) - mean(trainingNLL[$0]) }
    chapter.text(
        """
        The training NLL is measured after training, on the first \(test.count.grouped) training \
        words (as many as there are test words); the gap \
        to the test NLL (\(kinds.indices.map { "\(kinds[$0]) \(overfit[$0].signed(4))" }.listed); the \
        bigram model \((bigramNLL.test - bigramSampleNLL).signed(4))) \
        is what each has memorised of its own training words rather than learnt about spelling, \
        though on \(test.count.grouped) words a side it is a noisy measure: the bigram model, \
        which has nothing but \(vocabulary.count * vocabulary.count) pair counts to remember \
        with, shows a gap too.
        """)
    chapter.text(
        """
        **This run is short**: \(knobs.words.grouped) words, \(epochs) epoch\(epochs == 1 ? "" : "s")\(chapter.options.quick ? " (`--quick`: a third of \(knobs.epochs))" : ""), \
        \(knobs.hiddenUnits) hidden units, \(knobs.seeds) seeds per model: the book's values are \
        chosen so that the whole chapter runs in seconds (the times are at the chapter's end). \
        Every number above is this run's, and a longer run may well change the verdicts. The \
        knobs make it longer: with wamerican installed, `swift run -c release language-model \
        --words 40000 --epochs 20 --hidden-units 128` trains on 40,000 of its \
        words, for 20 epochs, with 128 hidden units; `--help` lists them all.
        """)

    chapter.section("Words they make up")
    chapter.text(
        """
        A language model is also a generator. Start from `.`, turn the scores at the last position \
        into probabilities with the softmax, draw the next token from them \
        (`Sampling.index`, temperature 1: the model's own probabilities), feed it back in, and \
        stop at the next `.`. The bigram model draws from the row of the last letter; the \
        networks read everything drawn so far. Twenty words from each (the first seed's network), \
        with the same seeded draws every run:
        """)
    try chapter.quote("sequences", from: "Sources/Teach/Learning/Sampling.swift")
    var sampled: [[String]] = [bigramWords]
    for index in kinds.indices {
        var random = SeededGenerator(seed: chapter.options.seed &+ 70 &+ UInt64(index))
        let ids = try Sampling.sequences(from: runs[index][0].model, count: 20, temperature: 1, using: &random)
        sampled.append(try ids.map { try vocabulary.decode($0) })
    }
    let known = Set(list.words), trainingSet = Set(training)
    func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }
    chapter.table(
        ["bigram"] + kinds,
        (0..<20).map { row in sampled.map { words in words[row].isEmpty ? "(empty)" : words[row] } },
        alignments: Array(repeating: .left, count: kinds.count + 1))
    let names = ["bigram"] + kinds
    func lengthRange(_ words: [String]) -> Int { words.map(\.count).max()! - words.map(\.count).min()! }
    let bigramWidest = kinds.indices.allSatisfy { lengthRange(sampled[0]) > lengthRange(sampled[$0 + 1]) }
    chapter.text(
        """
        Of each twenty: \(names.indices.map { i in "\(names[i]) \(plural(sampled[i].filter { known.contains($0) }.count, "real word")) of the list (\(sampled[i].filter { trainingSet.contains($0) }.count) of them training words), mean length \((Double(sampled[i].reduce(0) { $0 + $1.count }) / 20).fixed(1))" }.listed). \
        Their lengths run from \(names.indices.map { i in "\(sampled[i].map(\.count).min()!) to \(sampled[i].map(\.count).max()!) letters (\(names[i]))" }.listed), \
        against \(training.map(\.count).min()!) to \(lengths(training).longest) in the training words. \
        The bigram model knows which letter may follow which, but not how far into a word it \
        is; \(bigramWidest ? "its lengths spread wider than any network's, whose state carries how much of the word is written" : "in this run its lengths do not spread wider than every network's, although only the networks' state carries how much of the word is written"). \
        A word of the list that a model makes up is one it found, not one it was shown, unless \
        it is among the training words.
        """)

    chapter.section("How long it took")
    chapter.text("Training time per model and seed on this machine, in release mode:")
    chapter.timings(
        Markdown.table(
            ["model", "seconds per seed", "mean"],
            kinds.indices.map { i in
                [kinds[i], runs[i].map { String(format: "%.2f", $0.seconds) }.joined(separator: ", "),
                 String(format: "%.2f", mean(runs[i].map(\.seconds)))]
            },
            alignments: [.left, .left, .right]))
    chapter.sourceNote(
        """
        makemore (github.com/karpathy/makemore, and the "Neural Networks: Zero to Hero" lectures) \
        trains on 32,033 names; its bigram lecture reports an NLL of about 2.45 per character on \
        them. English dictionary words are longer and their spelling has more structure, so the \
        numbers here are not comparable with the names'.
        """)
}
