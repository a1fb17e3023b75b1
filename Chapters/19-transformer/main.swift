// Chapter 19: a small decoder-only transformer, layer by layer (llm.c's GPT-2 as the anchor), on
// chapter 17's words and on BSD fortune's collection, against the bigram model and an LSTM.
import ArgumentParser
import Foundation
import Teach
import TeachBook

/// The chapter's choices, the book's values as defaults: a short run, so that the chapter takes
/// seconds; `--full` trains longer, and the text says which run it is.
struct Knobs: ChapterKnobs {
    @Flag(help: "The full run: sets --word-epochs 20, --text-epochs 20, --window 64, --text-dimension 32 and --text-learning-rate 0.003 (a few minutes).")
    var full = false
    @Option(help: "Words taken from the list, split as chapter 17 splits them (80/10/10 with seed 2026).")
    var words = 2000
    @Option(help: "Passes over the training words (with --quick: a third, at least 1).")
    var wordEpochs = Knobs.book.wordEpochs
    @Option(help: "Passes over the training text (with --quick: half, at least 1).")
    var textEpochs = Knobs.book.textEpochs
    @Option(help: "The transformer's numbers per position (E) on the words.")
    var dimension = 16
    @Option(help: "The transformer's numbers per position (E) on the text.")
    var textDimension = Knobs.book.textDimension
    @Option(help: "The text LSTM's numbers per character in its embedding (its state is sized to match the transformer's parameters).")
    var textEmbedding = 16
    @Option(help: "Attention heads per block (they must divide the numbers per position).")
    var heads = 2
    @Option(help: "Transformer blocks.")
    var blocks = 2
    @Option(help: "Characters per window of the text (T).")
    var window = Knobs.book.window
    @Option(help: "Words per minibatch.")
    var batchSize = 32
    @Option(help: "Windows of text per minibatch.")
    var textBatchSize = 16
    @Option(help: "Adam's learning rate η on the words (chapter 17's).")
    var learningRate = 0.01
    @Option(help: "Adam's learning rate η on the text.")
    var textLearningRate = Knobs.book.textLearningRate
    @Option(help: "Seeds per network (the first is --seed): the spread over them decides every verdict.")
    var seeds = 3

    /// The book's values of the knobs `--full` sets.
    static let book = (wordEpochs: 3, textEpochs: 2, window: 16, textDimension: 16, textLearningRate: 0.01)
    /// The full run's values of the knobs `--full` sets.
    static let fullRun = (wordEpochs: 20, textEpochs: 20, window: 64, textDimension: 32, textLearningRate: 0.003)

    func validate() throws {
        if full {
            let book = Knobs.book
            for (flag, changed) in [
                ("--word-epochs", wordEpochs != book.wordEpochs), ("--text-epochs", textEpochs != book.textEpochs), ("--window", window != book.window),
                ("--text-dimension", textDimension != book.textDimension), ("--text-learning-rate", textLearningRate != book.textLearningRate),
            ] where changed {
                throw ValidationError("--full sets \(flag) itself; expected one or the other")
            }
        }
        try KnobCheck.atLeast(10, words, "--words", "a number of words")
        try KnobCheck.atLeast(1, wordEpochs, "--word-epochs", "a number of epochs")
        try KnobCheck.atLeast(1, textEpochs, "--text-epochs", "a number of epochs")
        try KnobCheck.atLeast(1, dimension, "--dimension", "a number of features")
        try KnobCheck.atLeast(1, textDimension, "--text-dimension", "a number of features")
        try KnobCheck.atLeast(1, textEmbedding, "--text-embedding", "a number of features")
        try KnobCheck.atLeast(1, heads, "--heads", "a number of heads")
        for (flag, value) in [("--dimension", dimension), ("--text-dimension", textDimension)] where value % heads != 0 {
            throw ValidationError("--heads \(heads): expected a number of heads that divides \(flag) \(value)")
        }
        try KnobCheck.within(1...12, blocks, "--blocks", "a number of blocks")
        try KnobCheck.within(2...512, window, "--window", "a window of characters")
        try KnobCheck.atLeast(1, batchSize, "--batch-size", "a batch size")
        try KnobCheck.atLeast(1, textBatchSize, "--text-batch-size", "a batch size")
        try KnobCheck.positive(learningRate, "--learning-rate", "a learning rate")
        try KnobCheck.positive(textLearningRate, "--text-learning-rate", "a learning rate")
        try KnobCheck.within(2...10, seeds, "--seeds", "a number of seeds")
    }
}

/// One network trained from one seed: the model, the validation NLL before training and after
/// each epoch, every update's batch loss, the held-out (test) NLL and the training time.
struct Run {
    var model: Model<Float>
    var validation: [Double]
    var batchLosses: [Double]
    var test: Double
    var seconds: Double
}

/// The full run's test NLLs, measured once with `--full` and kept here, because that run takes
/// minutes: the book's short run prints them, saying where they come from. Run the command to
/// measure them again.
enum MeasuredFullRun {
    static let command = "swift run -c release transformer --full --data embedded"
    static let when = "1 December 2026, in under a minute on the 2-core x86-64 machine the book is made on"
    static let seeds = "42, 1042 and 2042"
    static let rows: [(data: String, model: String, parameters: Int, perSeed: [Double])] = [
        ("words", "bigram counts", 729, [2.4703]),
        ("words", "LSTM", 7_723, [2.2337, 2.2256, 2.2119]),
        ("words", "transformer", 7_787, [2.2637, 2.2461, 2.2197]),
        ("text", "bigram counts", 9_216, [2.4645]),
        ("text", "LSTM", 33_724, [1.8674, 1.8869, 1.8588]),
        ("text", "transformer", 33_760, [2.0516, 2.0700, 2.0605]),
    ]
    /// On the text: the training loss (the mean of the last 10 updates, over the seeds) and the
    /// validation NLL after the 20th epoch, as the full run's learning-curve figure drew them.
    static let lastTrainingLoss = (lstm: 1.7113, transformer: 1.6707)
    static let lastValidation = (lstm: 1.8145, transformer: 1.9963)
}

/// The same splits for every seed, so that `--seed` changes the models and not the data.
let splitSeed: UInt64 = 2026

Chapter.run("transformer", knobs: Knobs.self) { chapter, knobs in
    let full = Knobs.fullRun
    let wordEpochs = knobs.full ? full.wordEpochs : chapter.options.epochs(knobs.wordEpochs, quickDividedBy: 3)
    let textEpochs = knobs.full ? full.textEpochs : chapter.options.epochs(knobs.textEpochs, quickDividedBy: 2)
    let textT = knobs.full ? full.window : knobs.window
    let textDimension = knobs.full ? full.textDimension : knobs.textDimension
    let textLearningRate = knobs.full ? full.textLearningRate : knobs.textLearningRate
    guard textDimension % knobs.heads == 0 else {
        throw ValidationError("--heads \(knobs.heads): expected a number of heads that divides the text transformer's \(textDimension) numbers per position")
    }
    let seeds = (0..<knobs.seeds).map { chapter.options.seed &+ UInt64(1000 * $0) }
    func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
    func spread(_ values: [Double]) -> Double { values.max()! - values.min()! }
    /// Text as it is, in a fence of backticks it does not hold.
    func textBlock(_ text: String) {
        var fence = "```"
        while text.contains(fence) { fence += "`" }
        chapter.emit(fence + "text\n" + text.trimmingCharacters(in: .newlines) + "\n" + fence + "\n")
    }
    func withSpread(_ values: [Double]) -> String { "\(mean(values).fixed(4)) ± \((spread(values) / 2).fixed(4))" }
    chapter.text(
        """
        Chapter 18's attention let a decoder look back at an encoder's states. A *transformer* \
        (Vaswani et al., 2017) keeps only that: no recurrence at all, every position of a sequence \
        looking at the positions before it through attention, and a small network thinking about \
        each position on its own. GPT-2 is such a *decoder-only* transformer, and Andrej \
        Karpathy's llm.c trains it in a single file of C, `train_gpt2.c`, one layer after another, \
        forward and backward. This chapter builds the same layers from the book's own, small \
        enough to train in seconds as a character model, and asks the question chapter 17 asked of \
        its recurrent networks: on held-out text, does it predict the next character better than \
        counting pairs, and better than an LSTM of about the same size?
        """)

    chapter.section("GPT-2, layer by layer")
    chapter.text(
        """
        `gpt2_forward` in llm.c runs these layers, each a function with its own backward \
        function, in this order; the library has each as a layer, and the names on the right are \
        the ones this chapter uses:
        """)
    chapter.table(
        ["step", "llm.c (`train_gpt2.c`)", "what it computes", "here"],
        [["1", "`encoder_forward`", "token embedding `wte[x_t]` plus position embedding `wpe[t]`", "`Embedding`, `PositionalEmbedding`"],
         ["2", "`layernorm_forward` (ln1)", "each position's E numbers normalised, then scaled and shifted", "`LayerNorm`"],
         ["3", "`matmul_forward` (qkv), `attention_forward`, `matmul_forward` (attproj)", "causal multi-head self-attention", "`CausalSelfAttention`"],
         ["4", "`residual_forward`", "the input added back", "`Residual`"],
         ["5", "`layernorm_forward` (ln2)", "normalised again", "`LayerNorm`"],
         ["6", "`matmul_forward` (fc), `gelu_forward`, `matmul_forward` (fcproj)", "E → 4E, GELU, 4E → E, at every position", "`Dense`, `.gelu()` (exact), `Dense`"],
         ["7", "`residual_forward`", "the input added back", "`Residual`"],
         ["8", "`layernorm_forward` (lnf)", "after the last block", "`LayerNorm`"],
         ["9", "`matmul_forward` (wte), `softmax_forward`, `crossentropy_forward`", "one logit per token, the cross-entropy", "`Dense`, `Loss.crossEntropyWithLogits()`"]],
        alignments: [.right, .left, .left, .left])
    chapter.text(
        """
        Steps 2 to 7 are one *block*, repeated `L` times (12 in the smallest GPT-2). The block \
        is *pre-norm*: each half normalises a copy of its input, transforms it, and adds the result \
        back to the input, so a clean path runs from the embeddings to the output through every \
        block's additions, and the gradient comes back down the same path undiminished (He et \
        al.'s residual connections, 2015). The MLP's GELU is the exact one, `x·Φ(x)`; GPT-2 and \
        llm.c use its tanh approximation, which differs from it by less than 5·10⁻⁴. The block, in `Sources/Teach/Layers/TransformerBlock.swift`:
        """)
    try chapter.quote("transformer-block", from: "Sources/Teach/Layers/TransformerBlock.swift")
    chapter.text(
        """
        Attention by itself does not know the order of the positions: it compares contents. GPT-2 \
        learns one vector per position and adds it to the token's embedding (llm.c's \
        `encoder_forward`), `PositionalEmbedding`'s forward pass:
        """)
    try chapter.quote("positional-embedding-forward", from: "Sources/Teach/Layers/PositionalEmbedding.swift")
    chapter.text(
        """
        Inside `CausalSelfAttention` every position makes a query, a key and a value from its E \
        numbers with one matrix (llm.c's `qkv`, PyTorch's `in_proj_weight`); each head takes its \
        share of them and runs chapter 18's scaled dot-product attention, with every score of a \
        later position set to −∞ before the softmax, so that position t reads only positions 0 to \
        t (the *causal mask*: a model that saw the next character could not learn to predict it). \
        One head:
        """)
    try chapter.quote("attention-head", from: "Sources/Teach/Layers/ScaledDotProductAttention.swift")
    chapter.formula(
        """
        S = Q Kᵀ / √d,  S[i, j] = −∞ for j > i,  P = softmax(each row of S),  O = P V        (each head, d = E / H)
        ∂V = Pᵀ ∂O,  ∂P = ∂O Vᵀ,  ∂S = P ⊙ (∂P − rowsum(∂P ⊙ P)),  ∂Q = ∂S K / √d,  ∂K = ∂Sᵀ Q / √d
        """)
    chapter.text(
        """
        The second line is the backward pass, llm.c's `attention_backward`: the softmax's \
        backward of chapter 13, applied row by row, gives 0 for every masked score, so no \
        gradient flows from a position to a later one. The heads' outputs side by side go \
        through one more E×E matrix (llm.c's `attproj`). The whole model, \
        `Architectures.characterTransformer`: embeddings drawn with standard deviation 0.02 as \
        GPT-2 draws them, `L` blocks, the final `LayerNorm` and the output layer (which, unlike \
        GPT-2's, has its own weights instead of reusing the token embedding):
        """)
    try chapter.quote("character-transformer", from: "Sources/Teach/Layers/TransformerBlock.swift")

    // MARK: The words

    chapter.section("On chapter 17's words")
    let wordSource = WordList.source(for: chapter.options.data == "embedded" ? "embedded" : nil)
    let list = try WordList.load(wordSource)
    guard knobs.words <= list.words.count else {
        throw ValidationError("--words \(knobs.words): \(wordSource.path) has \(list.words.count) words after cleaning; expected at most that many")
    }
    let (training, validation, test) = try list.split(count: knobs.words, seed: splitSeed)
    let letters = CharacterVocabulary.lowercase
    let length = (training + validation + test).map(\.count).max()! + 1
    let trainingWords = try EncodedWords<Float>(training, length: length)
    let validationWords = try EncodedWords<Float>(validation, length: length)
    let testWords = try EncodedWords<Float>(test, length: length)
    let wordBigram = try BigramModel(words: training, smoothing: 1)
    let wordBigramNLL = try wordBigram.negativeLogLikelihood(words: test)
    let (embedding, hidden) = (16, 32)
    // book: word-models
    func wordLSTM(using random: inout SeededGenerator) throws -> Model<Float> {  // chapter 17's LSTM, drawn in its order
        let lstm = try LSTM<Float>(inputs: embedding, hidden: hidden, length: length, using: &random)
        return try Model<Float>([
            Embedding<Float>(count: letters.count, dimension: embedding, length: length, using: &random),  // B×T ids → B×(T·E)
            lstm,  // → B×(T·H): the state at every position
            Dense<Float>(inputs: hidden, units: letters.count, activation: .identity, initializer: .xavier, using: &random),  // → B×(T·27) logits
        ])
    }
    func wordTransformer(using random: inout SeededGenerator) throws -> Model<Float> {
        try Architectures.characterTransformer(
            vocabulary: letters.count, length: length, dimension: knobs.dimension, heads: knobs.heads, blocks: knobs.blocks, using: &random)
    }
    // book: end word-models
    chapter.text(
        """
        The same words as chapter 17, split the same way: \(knobs.words.grouped) words from \
        \(wordSource), shuffled with seed \(splitSeed) and cut 80/10/10 into \
        \(training.count.grouped) training, \(validation.count.grouped) validation and \
        \(test.count.grouped) test words; each a row of T = \(length) positions, `.` first, the \
        targets shifted by one, the padding ignored; the measure the negative log-likelihood per \
        character (NLL, in nats) of the test words, the end of each word counted. Beside the \
        transformer, chapter 17's bigram model (add-one smoothing) and its LSTM, with chapter \
        17's sizes, seeds and training, so that at the book's settings its numbers are chapter 17's:
        """)
    try chapter.quote("word-models")
    var probe = SeededGenerator(seed: 0)
    let wordModelsForCounting = [try wordLSTM(using: &probe), try wordTransformer(using: &probe)]
    let transformerRows = wordModelsForCounting[1].summary
    chapter.text("The transformer's parameters, layer by layer, from the model itself (`Model.summary`):")
    chapter.table(
        ["layer", "output", "parameters"],
        transformerRows.enumerated().map { index, row in
            let name = row.layer.trimmingCharacters(in: CharacterSet(charactersIn: " ↳"))
            let block = transformerRows[...index].filter { $0.depth == 0 && $0.layer == "sequential" }.count
            return [
                String(repeating: "· ", count: row.depth) + (row.depth == 0 && name == "sequential" ? "block \(block) (sequential)" : name), row.output,
                row.parameters.grouped,
            ]
        } + [["total", "", wordModelsForCounting[1].parameterCount.grouped]],
        alignments: [.left, .left, .right])
    let (v, e, t, l) = (letters.count, knobs.dimension, length, knobs.blocks)
    let formulaCount = v * e + t * e + l * (12 * e * e + 13 * e) + 2 * e + e * v + v
    let gpt2Count = 50_257 * 768 + 1_024 * 768 + 12 * (12 * 768 * 768 + 13 * 768) + 2 * 768
    chapter.text(
        """
        In symbols, with V = \(v) tokens, T = \(t) positions, E = \(e) numbers per position and L = \
        \(l) blocks: the embeddings `V·E + T·E`; per block two layer norms (`2E` each: γ and β), \
        the attention (`3E² + 3E` for the queries, keys and values, `E² + E` for the output \
        projection) and the MLP (`4E² + 4E` and `4E² + E`), together `12E² + 13E`; the final \
        layer norm `2E` and the output layer `E·V + V`. That is \(formulaCount.grouped)\
        \(formulaCount == wordModelsForCounting[1].parameterCount ? ", the model's count" : ", not the model's \(wordModelsForCounting[1].parameterCount.grouped): the formula misses something"). \
        Chapter 17's LSTM has \(wordModelsForCounting[0].parameterCount.grouped) \
        (\((Double(wordModelsForCounting[1].parameterCount) / Double(wordModelsForCounting[0].parameterCount)).fixed(2)) \
        times as many for the transformer), the bigram model \((v * v).grouped) counts. With GPT-2's \
        50,257 tokens, T = 1,024, E = 768 and L = 12, and no output layer of its own (GPT-2 reuses \
        the token embedding), the same formula gives \(gpt2Count.grouped), the count llm.c prints \
        for the smallest GPT-2.
        """)
    // book: word-training
    func train(
        _ make: (inout SeededGenerator) throws -> Model<Float>, seed: UInt64, epochs: Int, batchSize: Int, learningRate: Double,
        training: (inputs: Matrix<Float>, targets: Matrix<Float>), validation: (inputs: Matrix<Float>, targets: Matrix<Float>),
        test: (inputs: Matrix<Float>, targets: Matrix<Float>)
    ) throws -> Run {
        var random = SeededGenerator(seed: seed)
        var model = try make(&random)
        func nll(_ set: (inputs: Matrix<Float>, targets: Matrix<Float>)) throws -> Double {
            Double(try model.loss(set.inputs, targets: set.targets, loss: .crossEntropyWithLogits()))
        }
        let untrained = try nll(validation)
        var options = TrainingOptions<Float>(
            epochs: epochs, batchSize: batchSize, loss: .crossEntropyWithLogits(),  // ignore index −100, PyTorch's default
            validation: validation, lossReport: .batchAverage)
        var batchLosses: [Double] = []
        options.afterBatch = { batchLosses.append($0.loss) }
        var adam = try Optimizer<Float>.adam(learningRate: learningRate)
        let start = Date()
        let history = try model.train(inputs: training.inputs, targets: training.targets, options: options, optimizer: &adam, using: &random)
        let seconds = Date().timeIntervalSince(start)
        guard let last = history.last?.validationLoss, last.isFinite else {
            throw InvalidArgument("training diverged (validation NLL \(history.last?.validationLoss ?? .nan)): try a smaller learning rate than \(learningRate)")
        }
        return Run(
            model: model, validation: [untrained] + history.map { $0.validationLoss ?? .nan }, batchLosses: batchLosses, test: try nll(test),
            seconds: seconds)
    }
    // book: end word-training
    let names = ["LSTM", "transformer"]
    let wordMakers = [wordLSTM, wordTransformer]
    // the LSTM's seeds are chapter 17's (one above each seed), the transformer's three above
    let wordRuns = try names.indices.map { m in
        try seeds.map { seed in
            try train(
                wordMakers[m], seed: seed &+ UInt64(m == 0 ? 1 : 3), epochs: wordEpochs, batchSize: knobs.batchSize, learningRate: knobs.learningRate, training: (trainingWords.inputs, trainingWords.targets),
                validation: (validationWords.inputs, validationWords.targets), test: (testWords.inputs, testWords.targets))
        }
    }
    chapter.text(
        """
        Both networks train as chapter 17's did: Adam (η = \(knobs.learningRate)), batches of \
        \(knobs.batchSize) words, \(wordEpochs) epoch\(wordEpochs == 1 ? "" : "s"), \(knobs.seeds) seeds; the \
        `train` function this chapter uses for every network:
        """)
    try chapter.quote("word-training")
    /// A verdict only when the difference of the means exceeds the larger of the two spreads.
    func verdict(_ a: [Double], _ b: [Double]) -> (better: Bool, worse: Bool) {
        let difference = mean(b) - mean(a), noise = max(spread(a), spread(b))
        return (difference > noise, -difference > noise)
    }
    func comparisonTable(bigram: Double, bigramParameters: Int, runs: [[Run]], parameters: [Int]) {
        chapter.table(
            ["model", "parameters", "test NLL per seed", "test NLL", "against the bigram model"],
            [["bigram counts", bigramParameters.grouped, "no seed", bigram.fixed(4), ""]]
                + names.indices.map { m in
                    let tests = runs[m].map(\.test), against = verdict(tests, [bigram])
                    return [names[m], parameters[m].grouped, tests.map { $0.fixed(4) }.joined(separator: ", "), withSpread(tests),
                            against.better ? "lower, beyond the spread" : against.worse ? "higher, beyond the spread" : "within the spread"]
                },
            alignments: [.left, .right, .left, .right, .left])
    }
    /// The sentence that compares the two networks' test NLLs (`tests[0]` the LSTM's seeds,
    /// `tests[1]` the transformer's), on the rule that a win must exceed the spread.
    func networkVerdict(_ tests: [[Double]]) -> String {
        let lstm = tests[0], transformer = tests[1]
        let (better, worse) = verdict(transformer, lstm)
        let gap = mean(lstm) - mean(transformer), noise = max(spread(lstm), spread(transformer))
        let numbers = "(mean test NLL \(mean(transformer).fixed(4)) against \(mean(lstm).fixed(4)), a difference of \(abs(gap).fixed(4)); the larger spread over seeds \(noise.fixed(4)))"
        return better
            ? "The transformer beats the LSTM: its mean test NLL is lower by more than the spread over seeds \(numbers)."
            : worse
            ? "The LSTM beats the transformer: its mean test NLL is lower by more than the spread over seeds \(numbers)."
            : "Neither network wins: the difference is within the spread over seeds \(numbers)."
    }
    func bigramVerdict(_ tests: [[Double]], bigram: Double) -> String {
        let beat = names.indices.filter { verdict(tests[$0], [bigram]).better }
        return beat.count == names.count
            ? "Both networks beat the bigram model by more than their spread (by \(names.indices.map { "\(names[$0]) \((bigram - mean(tests[$0])).fixed(4))" }.listed) nats per character)."
            : beat.isEmpty
            ? "Neither network beats the bigram model by more than its spread in this run."
            : "Only the \(names[beat[0]]) beats the bigram model by more than its spread (by \((bigram - mean(tests[beat[0]])).fixed(4)) nats per character)."
    }
    chapter.text("The test NLL, each network from \(knobs.seeds) seeds as mean ± half the spread (max − min):")
    comparisonTable(bigram: wordBigramNLL, bigramParameters: v * v, runs: wordRuns, parameters: wordModelsForCounting.map(\.parameterCount))
    chapter.text("\(bigramVerdict(wordRuns.map { $0.map(\.test) }, bigram: wordBigramNLL)) \(networkVerdict(wordRuns.map { $0.map(\.test) }))")
    let colors = ["#d62728", "#1f77b4"]
    func learningCurves(_ name: String, runs: [[Run]], epochs: Int, bigram: Double, unit: String) throws {
        let updates = runs[0][0].batchLosses.count, window = max(1, min(10, updates / 10))
        let ends = Array(stride(from: window, through: updates, by: window))
        var trainingSeries = names.indices.map { m in
            let perUpdate = (0..<updates).map { u in mean(runs[m].map { $0.batchLosses[u] }) }
            return Series(names[m], x: ends.map(Double.init), y: ends.map { end in mean(Array(perUpdate[(end - window)..<end])) }, color: colors[m])
        }
        trainingSeries.append(Series("bigram model (test)", x: [0, Double(updates)], y: [bigram, bigram], color: "#7f7f7f", dashed: true))
        var validationSeries = names.indices.map { m in
            Series(
                names[m], x: (0...epochs).map(Double.init), y: (0...epochs).map { epoch in mean(runs[m].map { $0.validation[epoch] }) },
                style: .linesPoints, color: colors[m], pointType: 7, pointSize: 0.8)
        }
        validationSeries.append(Series("bigram model (test)", x: [0, Double(epochs)], y: [bigram, bigram], color: "#7f7f7f", dashed: true))
        var curves = Figure(name: name, title: "", xLabel: "", yLabel: "", width: 1100, height: 460)
        curves.panels = [
            Figure(
                name: "training", title: "training batches (mean of \(window) updates)", xLabel: "weight updates",
                yLabel: "NLL per character (nats)", series: trainingSeries),
            Figure(
                name: "validation", title: "validation \(unit), after each epoch", xLabel: "epoch (0: untrained)",
                yLabel: "NLL per character (nats)", xTickStep: epochs <= 12 ? 1 : nil, series: validationSeries),
        ]
        try chapter.figure(
            curves,
            caption: "Learning curves on the \(unit), each network the mean of its \(knobs.seeds) seeds: the loss of the training batches (left) and the validation NLL per character after each epoch (right); the dashed line is the bigram model's test NLL")
    }
    try learningCurves("word-learning-curves", runs: wordRuns, epochs: wordEpochs, bigram: wordBigramNLL, unit: "words")
    let wordVerdict = verdict(wordRuns[1].map(\.test), wordRuns[0].map(\.test))
    chapter.text(
        """
        Words are short (at most \(length - 1) letters here), and most of what predicts a letter \
        is the few letters before it, which a recurrent state carries well; the transformer's \
        strength, reading any earlier position as easily as the last, has little room on them\
        \(wordVerdict.worse ? ", and in this run the LSTM is ahead" : wordVerdict.better ? ", yet in this run the transformer is ahead" : ""). \
        A longer text gives it room.
        """)

    // MARK: The text

    chapter.section("On a larger text: BSD fortune's collection")
    let textSource = TextCorpus.source(for: chapter.options.data)
    let corpus = try TextCorpus.load(textSource)
    let (trainingTexts, validationTexts, testTexts) = try corpus.split(seed: splitSeed)
    let characters = TextVocabulary.printableASCII
    let trainingIDs = try characters.encode(TextCorpus.stream(trainingTexts))
    let validationIDs = try characters.encode(TextCorpus.stream(validationTexts))
    let testIDs = try characters.encode(TextCorpus.stream(testTexts))
    let trainingWindows = try EncodedText<Float>(trainingIDs, length: textT, stride: max(1, textT / 2))
    let validationWindows = try EncodedText<Float>(validationIDs, length: textT)
    let testWindows = try EncodedText<Float>(testIDs, length: textT)
    let shortest = corpus.texts.min { $0.count < $1.count }!, longest = corpus.texts.max { $0.count < $1.count }!
    chapter.text(
        """
        **The text comes from \(textSource)**\
        \(textSource == .embeddedSample ? ", so that the book reads the same on every machine; with Debian's `fortunes` installed (`sudo apt-get install fortunes`) `swift run -c release transformer` reads the package's file, and `--data FILE` any other collection (texts separated by lines holding `%`, or paragraphs separated by blank lines)" : ""). \
        `TextCorpus` reads it: \(corpus.texts.count.grouped) texts (fortunes), \
        \(corpus.characters.grouped) characters, from \(shortest.count) to \(longest.count) \
        characters long. The model's alphabet is `TextVocabulary.printableASCII`: the newline and \
        the 95 printable ASCII characters, \(characters.count) tokens; \(corpus.tabs.grouped) \
        tab\(corpus.tabs == 1 ? " was" : "s were") read as a space and \(corpus.dropped.grouped) \
        other character\(corpus.dropped == 1 ? " was" : "s were") dropped. Whole texts are split 80/10/10 (seed \
        \(splitSeed)): \(trainingTexts.count) for training, \(validationTexts.count) for \
        validation, \(testTexts.count) held out for the test, so no test text was seen in part. \
        Each part is one stream, every text followed by a line holding `%`, as in the file, so \
        that the model learns where a text ends: \(trainingIDs.count.grouped), \
        \(validationIDs.count.grouped) and \(testIDs.count.grouped) characters. The first test text:
        """)
    textBlock(testTexts[0])
    chapter.text(
        """
        A stream is cut into *windows* of T = \(textT) characters (`EncodedText`, nanoGPT's `x = \
        data[i:i+T]`, `y = data[i+1:i+T+1]`): the targets are the inputs shifted by one. The \
        training windows start every \(max(1, textT / 2)) characters (\(trainingWindows.inputs.rows.grouped) \
        of them, overlapping by half); the validation and test windows do not overlap, so every \
        held-out character after the first is predicted exactly once (\(testWindows.characters.grouped) \
        test predictions), from the characters before it in its window. The bigram model counts the same \
        pairs (`TokenBigramModel`, add-one smoothing over \(characters.count)×\(characters.count) pairs).
        """)
    let textBigram = try TokenBigramModel(streams: [trainingIDs], vocabularySize: characters.count, smoothing: 1)
    let textBigramNLL = try textBigram.negativeLogLikelihood(streams: [testIDs])
    let textEmbedding = knobs.textEmbedding
    func textLSTMParameters(_ h: Int) -> Int {
        characters.count * textEmbedding + 4 * h * (textEmbedding + h) + 8 * h + h * characters.count + characters.count
    }
    // book: text-models
    func textTransformer(using random: inout SeededGenerator) throws -> Model<Float> {
        try Architectures.characterTransformer(
            vocabulary: characters.count, length: textT, dimension: textDimension, heads: knobs.heads, blocks: knobs.blocks, using: &random)
    }
    var counting = SeededGenerator(seed: 0)
    let transformerParameters = try textTransformer(using: &counting).parameterCount
    // the LSTM's state: the size whose parameter count comes closest to the transformer's
    let textHidden = (1...1024).min { abs(textLSTMParameters($0) - transformerParameters) < abs(textLSTMParameters($1) - transformerParameters) }!
    func textLSTM(using random: inout SeededGenerator) throws -> Model<Float> {
        try Model<Float>([
            Embedding<Float>(count: characters.count, dimension: textEmbedding, length: textT, using: &random),
            LSTM<Float>(inputs: textEmbedding, hidden: textHidden, length: textT, using: &random),
            Dense<Float>(inputs: textHidden, units: characters.count, activation: .identity, initializer: .xavier, using: &random),
        ])
    }
    // book: end text-models
    let textMakers = [textLSTM, textTransformer]
    let textParameters = try textMakers.map { make in
        var probe = SeededGenerator(seed: 0)
        return try make(&probe).parameterCount
    }
    chapter.text(
        """
        The transformer gets E = \(textDimension) numbers per position (\(knobs.heads) heads of \
        \(textDimension / knobs.heads), \(knobs.blocks) blocks): \(textParameters[1].grouped) \
        parameters. The LSTM gets an embedding of \(textEmbedding) numbers and the state whose \
        size brings its count closest to the transformer's, \(textHidden) units: \
        \(textParameters[0].grouped) parameters:
        """)
    try chapter.quote("text-models")
    let textRuns = try names.indices.map { m in
        try seeds.map { seed in
            try train(
                textMakers[m], seed: seed &+ UInt64(m == 0 ? 11 : 13), epochs: textEpochs, batchSize: knobs.textBatchSize, learningRate: textLearningRate,
                training: (trainingWindows.inputs, trainingWindows.targets), validation: (validationWindows.inputs, validationWindows.targets),
                test: (testWindows.inputs, testWindows.targets))
        }
    }
    chapter.text(
        """
        Both train with the same `train`: Adam (η = \(textLearningRate)), batches of \
        \(knobs.textBatchSize) windows, \(textEpochs) epoch\(textEpochs == 1 ? "" : "s"), \(knobs.seeds) seeds. The test NLL \
        per character:
        """)
    comparisonTable(bigram: textBigramNLL, bigramParameters: characters.count * characters.count, runs: textRuns, parameters: textParameters)
    chapter.text("\(bigramVerdict(textRuns.map { $0.map(\.test) }, bigram: textBigramNLL)) \(networkVerdict(textRuns.map { $0.map(\.test) }))")
    try learningCurves("text-learning-curves", runs: textRuns, epochs: textEpochs, bigram: textBigramNLL, unit: "text")
    if knobs.full {
        chapter.text(
            """
            **This is the full run** (`--full`): \(wordEpochs) epochs on the words and \(textEpochs) on the \
            text, windows of \(textT) characters, E = \(textDimension) on the text, η = \(textLearningRate) \
            there. Every number above is this run's.
            """)
    } else {
        chapter.text(
            """
            **This run is short**: \(wordEpochs) epoch\(wordEpochs == 1 ? "" : "s") on the words and \(textEpochs) on \
            the text\(chapter.options.quick ? " (`--quick`: fewer than the book's)" : ""), windows of only \(textT) \
            characters and small networks, chosen so that the whole chapter runs in seconds; the \
            curves have not flattened, and every number above is this short run's. \
            `swift run -c release transformer --full` trains fully: \(full.wordEpochs) epochs on the \
            words, and on the text \(full.textEpochs) epochs of windows of \(full.window) characters \
            with E = \(full.textDimension) (and the LSTM sized to match), η = \(full.textLearningRate). \
            That run takes minutes, so the book does not make it; its test NLLs, as it printed them \
            (measured with `\(MeasuredFullRun.command)` on \(MeasuredFullRun.when), seeds \
            \(MeasuredFullRun.seeds); not computed by this run):
            """)
        chapter.table(
            ["data", "model", "parameters", "test NLL per seed", "test NLL"],
            MeasuredFullRun.rows.map { row in
                [row.data, row.model, row.parameters.grouped, row.perSeed.count == 1 ? "no seed" : row.perSeed.map { $0.fixed(4) }.joined(separator: ", "),
                 row.perSeed.count == 1 ? row.perSeed[0].fixed(4) : withSpread(row.perSeed)]
            },
            alignments: [.left, .left, .right, .left, .right])
        for data in ["words", "text"] {
            let rows = MeasuredFullRun.rows.filter { $0.data == data }
            let tests = names.map { name in rows.first { $0.model == name }!.perSeed }
            let bigram = rows.first { $0.model == "bigram counts" }!.perSeed[0]
            let first = bigramVerdict(tests, bigram: bigram).replacingOccurrences(of: " in this run", with: "")
            chapter.text("On the \(data), \(first.prefix(1).lowercased() + first.dropFirst()) \(networkVerdict(tests))")
        }
        chapter.text(
            """
            In that run, on the text, the transformer's training batches ended as low as the LSTM's \
            (\(MeasuredFullRun.lastTrainingLoss.transformer.fixed(2)) against \(MeasuredFullRun.lastTrainingLoss.lstm.fixed(2)), \
            the mean of the last 10 updates over the seeds) while its validation NLL after the last \
            epoch stayed higher (\(MeasuredFullRun.lastValidation.transformer.fixed(2)) against \
            \(MeasuredFullRun.lastValidation.lstm.fixed(2))): on \(trainingIDs.count.grouped) training characters it \
            fits its own text as well and carries less of it over to new text. A transformer's \
            strengths, attention over long contexts and many layers, need far more text than one \
            collection of fortunes; nanoGPT's character model trains on a million characters of \
            Shakespeare, with dropout.
            """)
    }

    // MARK: Generated text

    chapter.section("What they write")
    let prompt = try characters.encode("%\n")
    let generated = 300
    chapter.text(
        """
        Each network writes \(generated) characters after a line holding `%` (the start of a new \
        text), the first seed's model, one character at a time: the window holds the last \
        \(textT) characters written, and the next one is drawn from the scores at the last \
        position (`Sampling.continuation`, nanoGPT's `generate`), the same seeded draws every run. \
        A temperature below 1 sharpens the probabilities towards the likeliest characters:
        """)
    try chapter.quote("continuation", from: "Sources/Teach/Learning/Sampling.swift")
    var bigramRandom = SeededGenerator(seed: chapter.options.seed &+ 90)
    let bigramText = try characters.decode(try textBigram.sample(after: prompt.last!, count: generated, using: &bigramRandom))
    chapter.text("The bigram model, temperature 1:")
    textBlock(bigramText)
    var writtenWords: [String: Double] = [:]
    let knownWords = Set((trainingTexts.joined(separator: " ")).lowercased().split { !$0.isLetter }.map(String.init))
    func realWordShare(_ text: String) -> Double {
        let words = text.lowercased().split { !$0.isLetter }.map(String.init).filter { $0.count >= 2 }
        return words.isEmpty ? 0 : Double(words.filter { knownWords.contains($0) }.count) / Double(words.count)
    }
    writtenWords["bigram"] = realWordShare(bigramText)
    for (m, temperature) in [(0, 1.0), (1, 1.0), (1, 0.6)] {
        var random = SeededGenerator(seed: chapter.options.seed &+ 91 &+ UInt64(m))
        let ids = try Sampling.continuation(from: textRuns[m][0].model, prompt: prompt, count: generated, temperature: temperature, using: &random)
        let text = try characters.decode(ids)
        chapter.text("The \(names[m]), temperature \(temperature.fixed(1)):")
        textBlock(text)
        writtenWords["\(names[m]) \(temperature.fixed(1))"] = realWordShare(text)
    }
    let samples = ["bigram", "LSTM 1.0", "transformer 1.0", "transformer 0.6"]
    func sampleName(_ key: String) -> String { key == "bigram" ? "the bigram model" : "the \(key.replacingOccurrences(of: " ", with: " at "))" }
    let aboveBigram = samples.dropFirst().filter { (writtenWords[$0] ?? 0) > (writtenWords["bigram"] ?? 0) }
    let colder = (writtenWords["transformer 0.6"] ?? 0) > (writtenWords["transformer 1.0"] ?? 0)
    chapter.text(
        """
        Of the words of two letters or more in each sample, the share that occur in the training \
        texts: \(samples.map { "\(sampleName($0)) \(String(format: "%.0f%%", 100 * (writtenWords[$0] ?? 0)))" }.listed). \
        The bigram model knows which character may follow which and nothing more; \
        \(aboveBigram.count == 3 ? "every network sample spells more real words" : aboveBigram.isEmpty ? "in this run no network sample spells more real words than it does" : "\(aboveBigram.map(sampleName).listed) \(aboveBigram.count == 1 ? "spells" : "spell") more real words than it does")\
        \(colder ? ", and the transformer at the lower temperature more than at 1" : ", though the lower temperature does not raise the transformer's share here"). \
        One sample of \(generated) characters each is a small measure: the NLLs above are the comparison.
        """)

    // MARK: Attention

    chapter.section("Where a head looks")
    // the first block's attention layer, inside the model's third layer (after the two embeddings)
    func attentionLayer(_ model: Model<Float>, block: Int) -> CausalSelfAttention<Float>? {
        ((model.layers[2 + block] as? Sequential<Float>)?.layers.first as? Residual<Float>)?.body.layers.dropFirst().first as? CausalSelfAttention<Float>
    }
    var looking = textRuns[1][0].model
    var inferenceRandom = SeededGenerator(seed: 0)
    _ = try looking.forward(testWindows.inputs, mode: .inference, using: &inferenceRandom)
    // per block and head: the mean weight a position gives itself, the position before, the one before that, and further back
    var offsetRows: [[String]] = [], laterWeight = 0.0
    for block in 0..<knobs.blocks {
        guard let layer = attentionLayer(looking, block: block) else { continue }
        for head in 0..<knobs.heads {
            var shares = [Double](repeating: 0, count: 4), positions = 0
            for sequence in 0..<testWindows.inputs.rows {
                let p = layer.attentionWeights[sequence * knobs.heads + head]
                for i in 0..<textT {
                    for j in (i + 1)..<max(textT, i + 1) { laterWeight = max(laterWeight, Double(p[i, j])) }
                    guard i >= 3 else { continue }
                    for j in 0...i { shares[min(3, i - j)] += Double(p[i, j]) }
                    positions += 1
                }
            }
            offsetRows.append(["block \(block + 1), head \(head + 1)"] + shares.map { String(format: "%.2f", $0 / Double(positions)) })
        }
    }
    chapter.text(
        """
        A trained head's attention weights show what it reads. Over all the test windows (from \
        the fourth position on), the mean weight each head of the first seed's transformer gives \
        the position itself, the one before, the one before that, and everything further back:
        """)
    chapter.table(["head", "itself", "1 back", "2 back", "3 or more back"], offsetRows, alignments: [.left, .right, .right, .right, .right])
    // one short test text, whole, and the first block's first head on it
    let whole = testTexts.first { $0.count >= 24 && $0.count <= min(48, textT) }
    let shown = whole ?? String(testTexts[0].prefix(min(48, textT)))
    let shownIDs = try characters.encode(shown)
    let shownInput = Matrix<Float>(rows: 1, columns: textT) { _, t in Float(t < shownIDs.count ? shownIDs[t] : 0) }
    _ = try looking.forward(shownInput, mode: .inference, using: &inferenceRandom)
    var elsewhere: [String] = []
    if let layer = attentionLayer(looking, block: 0) {
        let n = shownIDs.count, weights = layer.attentionWeights[0]
        var map = Matrix<Double>(rows: n, columns: n)
        for i in 0..<n { for j in 0..<n { map[i, j] = Double(weights[i, j]) } }
        var heat = try HeatMap(xs: (0..<n).map(Double.init), ys: (0..<n).map { Double(n - 1 - $0) }, values: map)
        heat.colorBarLabel = "attention weight"
        heat.valueRange = 0...1
        var figure = Figure(
            name: "attention-head", title: "block 1, head 1", xLabel: "position read (key)", yLabel: "position writing (query)",
            heatMap: heat, keyPosition: .none, width: 900, height: 820)
        let labels = shownIDs.map { characters.displayName($0) }
        figure.xTicks = labels.enumerated().map { Tick($1, at: Double($0)) }
        figure.yTicks = labels.enumerated().map { Tick($1, at: Double(n - 1 - $0)) }
        // the positions that look hardest at another position than their own
        elsewhere = (0..<n).compactMap { i -> String? in
            let j = (0...i).max { map[i, $0] < map[i, $1] }!
            return j == i ? nil : "`\(labels[i])` at \(i) reads `\(labels[j])` at \(j) (\(map[i, j].fixed(2)))"
        }
        try chapter.figure(
            figure,
            caption: "The attention weights of the first block's first head on \(whole == nil ? "the first \(shown.count) characters of " : "")a held-out text, \"\(shown.replacingOccurrences(of: "\n", with: " "))\": one row per position, each row's weights on the positions up to it (the causal mask leaves the upper right empty)")
    }
    chapter.text(
        """
        \(elsewhere.isEmpty ? "On this text every position of this head weighs itself most." : "On this text \(elsewhere.count) of the \(shownIDs.count) positions of this head weigh another position more than their own (positions from 0): \(elsewhere.prefix(8).listed)\(elsewhere.count > 8 ? ", …" : "").") \
        The upper right triangle is the causal mask at work: \(laterWeight == 0 ? "no position gives any weight to a later one (the largest such weight over all the test windows, blocks and heads is exactly 0: e^−∞)" : "the largest weight any position gives a later one is \(laterWeight), which should be 0"). \
        The rows are what the table above averages.
        """)

    chapter.section("How long it took")
    chapter.text("Training time per network and seed on this machine, in release mode:")
    chapter.timings(
        Markdown.table(
            ["data", "network", "seconds per seed", "mean"],
            [("words", wordRuns), ("text", textRuns)].flatMap { data, runs in
                names.indices.map { m in
                    [data, names[m], runs[m].map { String(format: "%.2f", $0.seconds) }.joined(separator: ", "), String(format: "%.2f", mean(runs[m].map(\.seconds)))]
                }
            },
            alignments: [.left, .left, .left, .right]))
    chapter.sourceNote(
        """
        The layer order and names follow Andrej Karpathy's llm.c (github.com/karpathy/llm.c, \
        `train_gpt2.c`), which trains GPT-2 (Radford et al., 2019) in C; the windows and the \
        generation loop follow his nanoGPT. The texts are BSD fortune's `fortunes` collection \
        (Ken Arnold; Debian's fortunes package, BSD licence).
        """)
}
