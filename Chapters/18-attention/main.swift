// Chapter 18: encoder-decoder networks and attention (article 001).
import ArgumentParser
import Teach
import TeachBook

/// The choices the chapter's training turns on, with the book's values as defaults.
struct Knobs: ChapterKnobs {
    @Option(parsing: .unconditional, help: "Training steps of every model (with --quick: a fifth).")
    var steps = 150
    @Option(parsing: .unconditional, help: "Dates in each training batch.")
    var batchSize = 32
    @Option(parsing: .unconditional, help: "Units of the encoder's and the decoder's GRU.")
    var hiddenUnits = 32
    @Option(parsing: .unconditional, help: "Numbers in each character's embedding.")
    var embeddingSize = 16
    @Option(parsing: .unconditional, help: "Adam's learning rate.")
    var learningRate = 0.01
    @Option(parsing: .unconditional, help: "Training seeds per model (the spread in the table is over them).")
    var seeds = 3
    @Option(parsing: .unconditional, help: "Held-out dates the models are scored on.")
    var testDates = 200

    func validate() throws {
        try KnobCheck.atLeast(1, steps, "--steps", "a number of steps")
        try KnobCheck.atLeast(1, batchSize, "--batch-size", "a batch size")
        try KnobCheck.atLeast(1, hiddenUnits, "--hidden-units", "a number of hidden units")
        try KnobCheck.atLeast(1, embeddingSize, "--embedding-size", "a number of embedding numbers")
        try KnobCheck.positive(learningRate, "--learning-rate", "a learning rate")
        try KnobCheck.within(1...10, seeds, "--seeds", "a number of seeds")
        try KnobCheck.atLeast(1, testDates, "--test-dates", "a number of dates")
    }
}

Chapter.run("attention", knobs: Knobs.self) { chapter, knobs in
    chapter.text(
        """
        Article 001 names the encoder-decoder for sequence-to-sequence problems, where the input \
        and the output are sequences of different lengths (translation is the classic), and \
        attention as its improvement. An *encoder* reads the input sequence into states; a \
        *decoder* writes the output one token at a time from what the encoder left it. Without \
        attention, all it is left is the encoder's last state, one vector for the whole input; \
        with attention, the decoder looks back at every input position at every step and chooses \
        where to look. This chapter builds both from the book's own layers (the GRU of chapter \
        16, embeddings, a cross-attention layer) and trains them on the same task.
        """)

    chapter.section("The task: dates as people write them")
    var exampleRandom = SeededGenerator(seed: chapter.options.seed)
    let examples = try DatePhrases.formats.indices.map { format -> DatePhrase in
        let year = DatePhrases.years.lowerBound + exampleRandom.integer(below: DatePhrases.years.count)
        let month = 1 + exampleRandom.integer(below: 12)
        let day = 1 + exampleRandom.integer(below: DatePhrases.daysIn(month: month, year: year))
        return try DatePhrases.phrase(year: year, month: month, day: day, format: format)
    }
    chapter.text(
        """
        The input is a date written in one of \(DatePhrases.formats.count) ways, a weekday and an \
        ordinal included; the output is the same date in ISO 8601, always \
        \(DatePhrases.targetLength) characters. `DatePhrases` generates them from a seeded \
        generator, years \(DatePhrases.years.lowerBound)–\(DatePhrases.years.upperBound), so there is \
        no data set to download and as many examples as training wants. One of each format:
        """)
    chapter.table(["input (characters)", "output"], examples.map { ["`\($0.phrase)`", "`\($0.iso)`"] })
    var testRandom = SeededGenerator(seed: chapter.options.seed &+ 1)
    let testSet = DatePhrases.random(count: knobs.testDates, using: &testRandom)
    let held = Set(testSet.map(\.phrase))
    chapter.text(
        """
        Both sides are read as characters: \(DatePhrases.sourceCharacters.count - 1) input \
        characters (space, comma, digits, letters) plus padding, and \
        \(DatePhrases.targetCharacters.count - 1) output characters plus the start token `^`. \
        Inputs are padded on the left to \(DatePhrases.longestPhrase) characters, so the encoder's \
        last step is always the phrase's last character. \(testSet.count) dates drawn from another \
        seed are held out: no training batch contains one of their phrases, and the models are \
        scored on them by *exact match*, the whole date right or not.
        """)

    chapter.section("An encoder and a decoder")
    chapter.formula(
        """
        encoder:  h_t = GRU(embed(x_t), h_{t−1})                      t = 1 … T      (the input's characters)
        decoder:  s_j = GRU([embed(y_{j−1}); h_T], s_{j−1})          j = 1 … 10     (y_0 = ^, the start token)
        output:   p(y_j | y_{<j}, x) = softmax(W s_j + b)
        """)
    chapter.text(
        """
        Both halves are GRUs (chapter 16). The encoder's last state `h_T` is the *context*: Cho et \
        al. (2014) hand it to the decoder at every step, beside the previous output character. In \
        training the decoder reads the true previous character, not its own guess (*teacher \
        forcing*), so all ten steps train at once and the loss is chapter 13's cross-entropy, \
        averaged over every output position. To translate, the decoder reads its own most likely character of \
        the step before (*greedy decoding*). Everything about the input that the decoder will ever \
        use has to pass through the \(knobs.hiddenUnits) numbers of `h_T`.
        """)

    chapter.section("Attention")
    chapter.formula(
        """
        decoder:   s_j = GRU(embed(y_{j−1}), s_{j−1})
        scores:    e_{j,t} = (s_j W_q + b_q) · (h_t W_k + b_k) / √d        every input position t
        weights:   α_{j,t} = softmax over t of e_{j,t}                      (padding left out)
        context:   c_j = Σ_t α_{j,t} (h_t W_v + b_v), then W_out, b_out
        output:    p(y_j | y_{<j}, x) = softmax(W [s_j; c_j] + b)
        """)
    chapter.text(
        """
        With attention (Bahdanau et al., 2014; here in the form of Luong et al., 2015, after the \
        decoder's step) the decoder's state becomes a *query*: it is compared with every encoder \
        state, the scores become weights that sum to 1, and the context `c_j` is the weighted \
        average, a different one at every output step. The comparison is the scaled dot product \
        of the transformer, with PyTorch's `nn.MultiheadAttention` projections and one \
        head. One head's attention, which the transformer's causal self-attention shares, in \
        `Sources/Teach/Layers/ScaledDotProductAttention.swift`:
        """)
    try chapter.quote("attention-head", from: "Sources/Teach/Layers/ScaledDotProductAttention.swift")
    chapter.text("`CrossAttention.forward` in `Sources/Teach/Layers/CrossAttention.swift` projects, masks the padding and calls it per head:")
    try chapter.quote("cross-attention-forward", from: "Sources/Teach/Layers/CrossAttention.swift")
    chapter.text(
        """
        Its backward pass, with the softmax's from chapter 13, is in the type's documentation, and \
        the tests check it against PyTorch's to 1e-14 and against central differences. The two \
        models side by side, `EncoderDecoder.forward` in `Sources/Teach/Learning/EncoderDecoder.swift`:
        """)
    try chapter.quote("encoder-decoder-forward", from: "Sources/Teach/Learning/EncoderDecoder.swift")

    chapter.section("Training both")
    let steps = chapter.options.epochs(knobs.steps)
    let curveEvery = max(1, steps / 50)
    struct Run {
        var model: EncoderDecoder<Float>
        var curve: [(step: Int, loss: Double)]
        var finalLoss: Double
        var written: [String]
        var exact: Double
        var characters: Double
    }
    let testSources: Matrix<Float> = try DatePhrases.sources(testSet)
    // runs[attention ? 1 : 0][seed]
    var runs: [[Run]] = [[], []]
    for seedIndex in 0..<knobs.seeds {
        for attention in [false, true] {
            var initRandom = SeededGenerator(seed: chapter.options.seed &+ 100 &+ UInt64(seedIndex))
            var model = try EncoderDecoder<Float>(
                sourceVocabulary: DatePhrases.sourceCharacters.count, sourceLength: DatePhrases.longestPhrase,
                targetVocabulary: DatePhrases.targetCharacters.count, targetLength: DatePhrases.targetLength, dimension: knobs.embeddingSize,
                hidden: knobs.hiddenUnits, attention: attention, paddingID: DatePhrases.paddingID, using: &initRandom)
            var adam = try Optimizer<Float>.adam(learningRate: knobs.learningRate)
            var dataRandom = SeededGenerator(seed: chapter.options.seed &+ 200 &+ UInt64(seedIndex))
            var curve: [(step: Int, loss: Double)] = [], window: [Double] = []
            for step in 1...steps {
                var batch: [DatePhrase] = []
                while batch.count < knobs.batchSize {
                    batch += DatePhrases.random(count: knobs.batchSize - batch.count, using: &dataRandom).filter { !held.contains($0.phrase) }
                }
                let (inputs, targets): (Matrix<Float>, Matrix<Float>) = DatePhrases.targets(batch)
                let loss = try model.trainStep(
                    source: try DatePhrases.sources(batch), decoderInputs: inputs, targets: targets, optimizer: &adam)
                guard loss.isFinite else {
                    throw InvalidArgument("training diverged at step \(step) (loss \(loss)): try a smaller --learning-rate than \(knobs.learningRate)")
                }
                window.append(Double(loss))
                if step % curveEvery == 0 || step == steps {
                    curve.append((step, window.reduce(0, +) / Double(window.count)))
                    window = []
                }
            }
            let written = try model.translate(source: testSources, start: DatePhrases.startID).map(DatePhrases.text(ofTarget:))
            let exact = Double(zip(written, testSet).filter { $0 == $1.iso }.count) / Double(testSet.count)
            let characters = Double(zip(written, testSet).map { zip($0, $1.iso).filter { $0 == $1 }.count }.reduce(0, +))
                / Double(testSet.count * DatePhrases.targetLength)
            runs[attention ? 1 : 0].append(
                Run(model: model, curve: curve, finalLoss: curve.last!.loss, written: written, exact: exact, characters: characters))
        }
    }
    let names = ["without attention", "with attention"]
    func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
    func spread(_ values: [Double]) -> Double { values.max()! - values.min()! }
    func percent(_ value: Double) -> String { String(format: "%.1f%%", 100 * value) }
    func withSpread(_ values: [Double], _ format: (Double) -> String) -> String {
        values.count == 1 ? format(values[0]) : "\(format(mean(values))) ± \(format(spread(values) / 2))"
    }
    chapter.text(
        """
        Each model trains for \(steps) steps of \(knobs.batchSize) fresh dates with Adam \
        (`lr = \(knobs.learningRate)`), embeddings of \(knobs.embeddingSize) numbers and \
        \(knobs.hiddenUnits) GRU units, from \(knobs.seeds) seed\(knobs.seeds == 1 ? "" : "s") (other initial weights \
        and batches). \(steps * knobs.batchSize >= 1000 ? (steps * knobs.batchSize).grouped : String(steps * knobs.batchSize)) dates per run: the book's run is short, \
        so that it runs in seconds; `--steps` trains longer. The table gives the mean over the \
        seeds ± half the spread (max − min):
        """)
    chapter.table(
        ["model", "parameters", "training loss at the end", "exact match (held out)", "characters right (held out)"],
        (0..<2).map { a in
            [names[a], runs[a][0].model.parameterCount.grouped, withSpread(runs[a].map(\.finalLoss)) { $0.fixed(3) },
             withSpread(runs[a].map(\.exact), percent), withSpread(runs[a].map(\.characters), percent)]
        })
    let exactWithout = runs[0].map(\.exact), exactWith = runs[1].map(\.exact)
    let gap = mean(exactWith) - mean(exactWithout), noise = max(spread(exactWith), spread(exactWithout))
    let verdict =
        knobs.seeds == 1
        ? "With one seed there is no spread to weigh the difference against (\(percent(mean(exactWith))) against \(percent(mean(exactWithout)))); `--seeds 3` gives one."
        : abs(gap) <= noise
        ? "The difference in exact match, \((100 * abs(gap)).fixed(1)) percentage points, is within the spread over seeds (\((100 * noise).fixed(1))): on this run neither model wins."
        : gap > 0
        ? "Attention wins: \((100 * gap).fixed(1)) percentage points more dates exactly right, more than the spread over seeds (\((100 * noise).fixed(1)))."
        : "Without attention wins here: \((-100 * gap).fixed(1)) percentage points more dates exactly right, more than the spread over seeds (\((100 * noise).fixed(1)))."
    let moreParameters = runs[1][0].model.parameterCount > runs[0][0].model.parameterCount
    chapter.text(
        """
        \(verdict) The attention model has \(moreParameters ? "more" : "fewer") parameters \
        (\(runs[1][0].model.parameterCount.grouped) against \(runs[0][0].model.parameterCount.grouped): its \
        projections, and an output layer reading twice as many numbers, while its decoder reads \
        fewer), so the count alone is not what \(gap > 0 ? "helps" : "decides"): the model without \
        attention must squeeze the whole phrase into \(knobs.hiddenUnits) numbers before writing \
        a single digit, while the one with attention can read the year's digits again when it \
        writes the year.
        """)
    // how often each part of the date comes out right: the year is the last thing the encoder reads
    let dateParts: [(name: String, characters: Range<Int>)] = [("year", 0..<4), ("month", 5..<7), ("day", 8..<10)]
    func partRight(_ run: Run, _ part: Range<Int>) -> Double {
        Double(zip(run.written, testSet).filter { Array($0)[part] == Array($1.iso)[part] }.count) / Double(testSet.count)
    }
    let partShares = (0..<2).map { a in dateParts.map { part in runs[a].map { partRight($0, part.characters) } } }
    chapter.text("How often each part of the date comes out right, the same seeds:")
    chapter.table(
        ["model"] + dateParts.map(\.name),
        (0..<2).map { a in [names[a]] + partShares[a].map { withSpread($0, percent) } })
    let bestPart = dateParts.indices.max { mean(partShares[0][$0]) < mean(partShares[0][$1]) }!
    chapter.text(
        """
        Without attention, the part it gets right most often is the \(dateParts[bestPart].name) \
        (\(percent(mean(partShares[0][bestPart])))). \(dateParts[bestPart].name == "year"
            ? "Every format ends with the year, so its digits are the last thing the encoder read and the freshest in `h_T`; the day and the month, read earlier, have to survive every step after them in a state of \(knobs.hiddenUnits) numbers."
            : "Every format ends with the year, the last thing the encoder read.")
        """)
    let colors = ["#a50f15", "#08306b"]
    try chapter.figure(
        Figure(
            name: "learning-curves", title: "Training loss, \(knobs.seeds) seed\(knobs.seeds == 1 ? "" : "s") each", xLabel: "step",
            yLabel: "cross-entropy per output character (log scale)", logScaleY: true,
            series: (0..<2).flatMap { a in
                runs[a].enumerated().map { s, run in
                    Series(s == 0 ? names[a] : "", x: run.curve.map { Double($0.step) }, y: run.curve.map(\.loss), color: colors[a])
                }
            }),
        caption: "Training loss of the encoder-decoder with and without attention (mean of each stretch of \(curveEvery) steps)")

    chapter.section("Where the decoder looks")
    // the held-out date with the longest phrase, and what the first attention model writes for it
    let shown = testSet.indices.max { testSet[$0].phrase.count < testSet[$1].phrase.count }!
    var looking = runs[1][0].model
    let shownWritten = DatePhrases.text(ofTarget: try looking.translate(source: try DatePhrases.sources([testSet[shown]]), start: DatePhrases.startID)[0])
    let weights = looking.attention!.attentionWeights[0]
    let phrase = Array(testSet[shown].phrase), first = DatePhrases.longestPhrase - phrase.count
    let output = Array(shownWritten)
    var map = Matrix<Double>(rows: output.count, columns: phrase.count)
    for j in 0..<output.count { for t in 0..<phrase.count { map[j, t] = Double(weights[j, first + t]) } }
    var heat = try HeatMap(xs: phrase.indices.map(Double.init), ys: output.indices.map { Double(output.count - 1 - $0) }, values: map)
    heat.colorBarLabel = "attention weight"
    heat.valueRange = 0...1
    var figure = Figure(
        name: "weights", title: "\"\(testSet[shown].phrase)\" → \(shownWritten)", xLabel: "input character", yLabel: "output character",
        heatMap: heat, keyPosition: .none, width: 1000, height: 520)
    figure.xTicks = phrase.enumerated().map { Tick($1 == " " ? "␣" : String($1), at: Double($0)) }
    figure.yTicks = output.enumerated().map { Tick(String($1), at: Double(output.count - 1 - $0)) }
    try chapter.figure(figure, caption: "The attention weights of the first attention model: one row per output character, one column per input character")
    // the part of the phrase each output position comes from: the year's, the month's or the day's characters
    let date = testSet[shown]
    let year = String(date.iso.prefix(4)), dayNumber = String(Int(date.iso.suffix(2))!)
    let monthName = DatePhrases.months[Int(date.iso.dropFirst(5).prefix(2))! - 1]
    func span(of text: String, after start: Int = 0) -> Range<Int>? {
        let characters = Array(text)
        guard characters.count <= phrase.count else { return nil }
        for i in start...(phrase.count - characters.count) where Array(phrase[i..<(i + characters.count)]) == characters { return i..<(i + characters.count) }
        return nil
    }
    let yearSpan = span(of: year), monthSpan = span(of: String(monthName.prefix(3)))
    // the day's digits: the first run of digits that is not the year's
    let daySpan = (0..<phrase.count).lazy.compactMap { i in span(of: dayNumber, after: i) }.first { $0 != yearSpan && !(yearSpan?.overlaps($0) ?? false) }
    let parts: [(name: String, positions: [Int], span: Range<Int>?)] = [
        ("year", [0, 1, 2, 3], yearSpan), ("month", [5, 6], monthSpan.map { $0.lowerBound..<($0.lowerBound + monthName.count) }), ("day", [8, 9], daySpan),
    ]
    func strongest(_ j: Int) -> Int { (0..<phrase.count).max { map[j, $0] < map[j, $1] }! }
    let rows = parts.map { part -> [String] in
        let inside = part.positions.filter { j in part.span.map { $0.contains(strongest(j)) } ?? false }.count
        let described = part.positions.map { j in "`\(output[j])` → `\(phrase[strongest(j)] == " " ? "␣" : String(phrase[strongest(j)]))` (\(map[j, strongest(j)].fixed(2)))" }
        return [part.name, described.joined(separator: ", "), "\(inside) of \(part.positions.count)"]
    }
    let inside = parts.map { part in part.positions.filter { j in part.span.map { $0.contains(strongest(j)) } ?? false }.count }.reduce(0, +)
    chapter.text(
        """
        The held-out date with the longest phrase, `\(date.phrase)` (\(date.iso)), as the first \
        attention model writes it: `\(shownWritten)`\(shownWritten == date.iso ? ", right" : ", not right"). \
        For each output character, the input character it gave the largest weight, and whether \
        that character belongs to the part of the phrase the output comes from (the year's digits, \
        the month's name, the day's digits):
        """)
    chapter.table(["output", "each character → the input character it weighs most (weight)", "inside its part"], rows)
    chapter.text(
        """
        \(inside) of the 8 digits look hardest at the part of the phrase they are written from\
        \(inside == 8 ? ": nobody told the model where the year is; attention found it" : inside >= 6 ? ", most of them" : "; with so short a training the weights are not yet sharp"). \
        The weights are learned from the loss alone: no position was ever labelled. A model \
        without attention has nothing to show here; what it knows of the phrase is spread over \
        `h_T`.
        """)

    chapter.section("What they write")
    let shownCount = min(8, testSet.count)
    chapter.text("The first \(shownCount) held-out dates, decoded greedily by the first seed's models:")
    chapter.table(
        ["input", "right answer", names[0], names[1]],
        (0..<shownCount).map { i in
            ["`\(testSet[i].phrase)`", "`\(testSet[i].iso)`"]
                + (0..<2).map { a in "`\(runs[a][0].written[i])` \(runs[a][0].written[i] == testSet[i].iso ? "✓" : "✗")" }
        })
    let formatRows = DatePhrases.formats.indices.map { format -> [String] in
        let members = testSet.indices.filter { testSet[$0].format == format }
        return ["`\(DatePhrases.formats[format])`", String(members.count)]
            + (0..<2).map { a in
                members.isEmpty
                    ? "–" : percent(mean(runs[a].map { run in Double(members.filter { run.written[$0] == testSet[$0].iso }.count) / Double(members.count) }))
            }
    }
    chapter.text("Exact match by format, the mean over the seeds:")
    chapter.table(["format", "held-out dates", names[0], names[1]], formatRows)
    chapter.sourceNote(
        """
        Article 001 introduces the encoder-decoder and attention in a sentence each; the \
        equations here are Cho et al.'s (2014) encoder-decoder with a GRU and Luong et al.'s \
        (2015) attention after the decoder's step, with the scaled dot product of Vaswani et al. \
        (2017) as the score.
        """)
}
