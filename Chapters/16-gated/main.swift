// Chapter 16: LSTM and GRU. The gates as equations beside their code, then a task that needs
// memory (name the first of T random symbols, read at the last step): the plain RNN against the
// gated cells for growing T, over several seeds, and a look inside a trained LSTM.
import ArgumentParser
import Foundation
import Teach
import TeachBook

/// The chapter's choices: the memory task and its training.
struct Knobs: ChapterKnobs {
    @Option(parsing: .upToNextOption, help: "Sequence lengths T of the memory task (e.g. --lengths 5 10 20 40 80).")
    var lengths: [Int] = [5, 10, 20, 40]
    @Option(help: "Different symbols in the sequences (chance is one in this many).")
    var symbols = 4
    @Option(help: "Different distractor symbols at the steps after the first.")
    var distractors = 4
    @Option(help: "Hidden units H of each recurrent layer.")
    var hiddenUnits = 12
    @Option(help: "Training steps (one fresh batch each) of every run; the book's run is short.")
    var steps = 200
    @Option(help: "Sequences per training batch.")
    var batchSize = 16
    @Option(help: "Adam's learning rate.")
    var learningRate = 0.05
    @Option(help: "Largest global gradient norm (clip_grad_norm_) of every step.")
    var clipNorm = 1.0
    @Option(help: "Seeds per cell and length (the spread is over these).")
    var seeds = 3
    @Option(help: "The LSTM's forget-gate input bias b_if at the start (nan keeps PyTorch's random draw).")
    var forgetBias = 1.0

    func validate() throws {
        guard !lengths.isEmpty else { throw ValidationError("--lengths: expected at least one sequence length") }
        for length in lengths { try KnobCheck.within(2...1000, length, "--lengths", "a sequence length") }
        try KnobCheck.within(2...64, symbols, "--symbols", "a number of symbols")
        try KnobCheck.within(1...64, distractors, "--distractors", "a number of distractor symbols")
        try KnobCheck.within(1...512, hiddenUnits, "--hidden-units", "a number of hidden units")
        try KnobCheck.atLeast(1, steps, "--steps", "a number of training steps")
        try KnobCheck.atLeast(1, batchSize, "--batch-size", "a batch size")
        try KnobCheck.positive(learningRate, "--learning-rate", "a learning rate")
        try KnobCheck.positive(clipNorm, "--clip-norm", "a gradient norm")
        try KnobCheck.within(1...20, seeds, "--seeds", "a number of seeds")
    }
}

/// The memory task: `count` sequences of `length` steps, one-hot over `symbols + distractors`
/// inputs (`count×(length·(symbols + distractors))`): step 1 one of the `symbols`, every later step
/// one of the `distractors`, all drawn uniformly; and each sequence's first symbol as the class to
/// name (`count×1`).
func memoryTask(count: Int, length: Int, symbols: Int, distractors: Int, using random: inout SeededGenerator) -> (inputs: Matrix<Float>, firsts: Matrix<Float>) {
    let width = symbols + distractors
    var inputs = Matrix<Float>(rows: count, columns: length * width), firsts = Matrix<Float>(rows: count, columns: 1)
    for n in 0..<count {
        let first = Int(random.next() % UInt64(symbols))
        inputs[n, first] = 1
        firsts[n, 0] = Float(first)
        for t in 1..<length { inputs[n, t * width + symbols + Int(random.next() % UInt64(distractors))] = 1 }
    }
    return (inputs, firsts)
}

enum Cell: String, CaseIterable {
    case rnn = "RNN", lstm = "LSTM", gru = "GRU"
    var color: String {
        switch self {
        case .rnn: "#a50f15"
        case .lstm: "#08306b"
        case .gru: "#238b45"
        }
    }
}

Chapter.run("gated", knobs: Knobs.self) { chapter, knobs in
    let symbols = knobs.symbols, hidden = knobs.hiddenUnits, lengths = knobs.lengths.sorted()
    let width = symbols + knobs.distractors
    let seeds = (0..<knobs.seeds).map { chapter.options.seed &+ UInt64($0) }
    let steps = chapter.options.quick ? min(knobs.steps, 20) : knobs.steps
    chapter.text(
        """
        Chapter 15 followed the gradient of a plain recurrent network back through time and watched \
        it shrink with every step, by a factor of `W_hh` and tanh's slope each time. A network that \
        must remember something for many steps then gets almost no signal about it. The *long \
        short-term memory* (LSTM, Hochreiter and Schmidhuber, 1997) and the *gated recurrent unit* \
        (GRU, Cho et al., 2014) change the cell so that a memory can be carried from step to step \
        almost unchanged, and learn *gates*, numbers between 0 and 1, that decide when to keep it, \
        when to overwrite it and when to show it. This chapter writes both cells as PyTorch defines \
        them (`torch.nn.LSTM`, `torch.nn.GRU`, gates in PyTorch's order), then puts them and the plain \
        RNN on a task that needs memory.
        """)

    chapter.section("The LSTM: a memory behind three gates")
    chapter.text(
        """
        Beside its state `h_t` the LSTM keeps a memory `c_t`. From the step's input `x_t` and the \
        state before, `h_{t−1}`, it computes four things with four sets of weights, stacked in \
        PyTorch's order `i, f, g, o` in `weight_ih` (`4H×I`) and `weight_hh` (`4H×H`):
        """)
    chapter.formula(
        """
        i_t = σ(x_t W_iiᵀ + b_ii + h_{t−1} W_hiᵀ + b_hi)      input gate: how much new content to write
        f_t = σ(x_t W_ifᵀ + b_if + h_{t−1} W_hfᵀ + b_hf)      forget gate: how much of the memory to keep
        g_t = tanh(x_t W_igᵀ + b_ig + h_{t−1} W_hgᵀ + b_hg)   the new content
        o_t = σ(x_t W_ioᵀ + b_io + h_{t−1} W_hoᵀ + b_ho)      output gate: how much of the memory to show
        c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t
        h_t = o_t ⊙ tanh(c_t)
        """)
    chapter.text(
        """
        In the layer (`Sources/Teach/Layers/LSTM.swift`) the four weighted sums of unit `k` are \
        computed for the whole batch at once before this loop (`inputTerms`, `recurrent`); the loop \
        applies the gates, one unit of one sequence at a time:
        """)
    try chapter.quote("lstm-step", from: "Sources/Teach/Layers/LSTM.swift")
    chapter.text(
        """
        That loop is what a `Double` layer runs. A `Float` layer, the one this chapter trains, runs the \
        same lines eight or sixteen units at a time in a vector kernel (`lstm_cells` in \
        `Sources/CKernels/vector_functions.h`, sixteen with AVX-512; the GRU below has `gru_cells`), \
        where the sigmoid and tanh are polynomials within a few units in the last place of the C \
        library's functions: the same equations, several times faster.
        """)
    chapter.text(
        """
        The line that matters for memory is `c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t`: no weight matrix and no \
        squashing function stands between `c_{t−1}` and `c_t`. Going back through it, the gradient of \
        the memory is multiplied by the forget gate alone, `∂c_t/∂c_{t−1} = f_t`, so with `f` near 1 \
        it reaches far back. The backward pass of one step, from the layer:
        """)
    try chapter.quote("lstm-backward-step", from: "Sources/Teach/Layers/LSTM.swift")
    chapter.text(
        """
        `carriedMemory[k] = dMemory * forget` is that product. PyTorch initializes every bias \
        uniformly, the forget gate's included, so at the start `f ≈ σ(0) = ½` and a memory halves at \
        every step. Keras starts the forget gate's bias at 1 (`unit_forget_bias=True`, after \
        Jozefowicz, Zaremba and Sutskever, 2015), and PyTorch users commonly do the same by hand \
        (`lstm.bias_ih_l0.data[H:2H].fill_(1)`); this chapter does that too\
        \(knobs.forgetBias.isNaN ? " in the book, but this run keeps PyTorch's random draw (`--forget-bias nan`)" : ", with `b_if = \(knobs.forgetBias)` (`--forget-bias`; `nan` keeps PyTorch's draw)"), \
        so `f ≈ σ(\(knobs.forgetBias.isNaN ? 0 : knobs.forgetBias)) = \((1 / (1 + exp(-(knobs.forgetBias.isNaN ? 0 : knobs.forgetBias)))).fixed(2))` at the start.
        """)

    chapter.section("The GRU: one state, two gates")
    chapter.text(
        """
        The GRU has no separate memory: its state itself is kept or replaced, in a mix the *update \
        gate* `z` decides; the *reset gate* `r` decides how much of the old state the new content \
        sees. PyTorch's order is `r, z, n` (`weight_ih` `3H×I`), and, as in PyTorch, the reset gate \
        multiplies the recurrent term after its bias `b_hn`:
        """)
    chapter.formula(
        """
        r_t = σ(x_t W_irᵀ + b_ir + h_{t−1} W_hrᵀ + b_hr)               reset gate
        z_t = σ(x_t W_izᵀ + b_iz + h_{t−1} W_hzᵀ + b_hz)               update gate: how much of the old state to keep
        n_t = tanh(x_t W_inᵀ + b_in + r_t ⊙ (h_{t−1} W_hnᵀ + b_hn))    the new content
        h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}
        """)
    try chapter.quote("gru-step", from: "Sources/Teach/Layers/GRU.swift")
    chapter.text(
        """
        With `z` near 1 the state passes to the next step unchanged (`∂h_t/∂h_{t−1}` has the term \
        `z_t`, again no weight and no squashing), which plays the part of the LSTM's forget gate. \
        Note which way round: in PyTorch (and here), as in Cho et al.'s paper, `z` multiplies the \
        *old* state; other texts (Chung et al., 2014, among them) write `h_t = (1 − z) ⊙ h_{t−1} + z ⊙ n`, \
        so that their `z` is one minus PyTorch's.
        """)

    chapter.section("A task that needs memory")
    let testCount = 512
    chapter.text(
        """
        Each sequence has `T` steps. Step 1 is one of \(symbols) symbols, drawn at random; every later \
        step is one of \(knobs.distractors) other symbols, the distractors, also drawn at random (all \
        one-hot, so `I = \(width)`). After reading the last step the network must name the *first* \
        symbol: the answer is written at step 1 and everything after it is noise to be ignored, \
        `T − 1` steps of it (the long-time-lag problems of Hochreiter and Schmidhuber's paper are of \
        this kind). Chance is 1 in \(symbols), an accuracy of \((1 / Double(symbols)).fixed(2)). Each network is one recurrent layer of `H = \(hidden)` units, \
        the last step's state (`LastStep`, PyTorch's `output[:, -1, :]`) and a dense layer to \
        \(symbols) scores, trained with cross-entropy (`Loss.crossEntropyWithLogits`, PyTorch's \
        `CrossEntropyLoss`) by Adam (learning rate \(knobs.learningRate)) on \(steps) batches of \
        \(knobs.batchSize) fresh sequences, each step's gradients clipped to a global norm of \
        \(knobs.clipNorm) (`clip_grad_norm_`, chapter 10). Every parameter starts as PyTorch starts it (the LSTM's forget bias aside, above). \
        The accuracy is measured on \(testCount) sequences none of them trained on. The book's run is \
        short (\(steps) steps, `H = \(hidden)`), to fit the book's time budget: `--steps`, \
        `--hidden-units` and `--lengths` give the longer story (`swift run -c release gated --steps 1000 \
        --lengths 5 10 20 40 80`).\(chapter.options.quick ? " This is the quick version (`--quick`): \(steps) steps." : "")
        """)

    struct Run {
        var accuracy: Double
        var finalLoss: Double
        var model: Model<Float>
    }
    func train(_ cell: Cell, length: Int, seed: UInt64) throws -> Run {
        var random = SeededGenerator(seed: seed)
        let recurrent: any Layer<Float> =
            switch cell {
            case .rnn: try RNN<Float>(inputs: width, hidden: hidden, length: length, using: &random)
            case .lstm:
                try {
                    var lstm = try LSTM<Float>(inputs: width, hidden: hidden, length: length, using: &random)
                    if !knobs.forgetBias.isNaN { for k in hidden..<(2 * hidden) { lstm.inputBias[0, k] = Float(knobs.forgetBias) } }
                    return lstm
                }()
            case .gru: try GRU<Float>(inputs: width, hidden: hidden, length: length, using: &random)
            }
        // PyTorch's nn.Linear initialization: weights and bias from U(−1/√fan_in, 1/√fan_in).
        let bound = 1 / Double(hidden).squareRoot()
        let head = try Dense<Float>(
            weights: Matrix(rows: hidden, columns: symbols) { _, _ in Float(random.uniform(in: -bound..<bound)) },
            bias: Matrix(rows: 1, columns: symbols) { _, _ in Float(random.uniform(in: -bound..<bound)) }, activation: .identity)
        var model = try Model<Float>([recurrent, try LastStep(features: hidden), head])
        var adam = try Optimizer<Float>.adam(learningRate: knobs.learningRate)
        var data = SeededGenerator(seed: seed &+ 7_919 &* UInt64(length))
        var loss = 0.0
        for _ in 0..<steps {
            let batch = memoryTask(count: knobs.batchSize, length: length, symbols: symbols, distractors: knobs.distractors, using: &data)
            var pass = try model.backpropagate(batch.inputs, targets: batch.firsts, loss: .crossEntropyWithLogits(), using: &random)
            _ = try clipByGlobalNorm(&pass.gradients, maxNorm: knobs.clipNorm)
            try model.step(pass.gradients, optimizer: &adam)
            loss = Double(pass.loss)
        }
        var testRandom = SeededGenerator(seed: 1_000_003 &+ UInt64(length))
        let test = memoryTask(count: testCount, length: length, symbols: symbols, distractors: knobs.distractors, using: &testRandom)
        let predicted = try model.predict(test.inputs).predictedClasses()
        let correct = predicted.indices.filter { predicted[$0] == Int(test.firsts[$0, 0]) }.count
        return Run(accuracy: Double(correct) / Double(testCount), finalLoss: loss, model: model)
    }
    var runs: [Cell: [[Run]]] = [:]  // cell → length → seed
    for cell in Cell.allCases {
        runs[cell] = try lengths.map { length in try seeds.map { try train(cell, length: length, seed: $0) } }
    }
    func summary(_ cell: Cell, _ index: Int) -> (mean: Double, half: Double, values: [Double]) {
        let values = runs[cell]![index].map(\.accuracy)
        return (values.reduce(0, +) / Double(values.count), (values.max()! - values.min()!) / 2, values)
    }
    chapter.table(
        ["T"] + Cell.allCases.map { "\($0.rawValue): mean ± half range" } + Cell.allCases.map { "\($0.rawValue), each seed" },
        lengths.indices.map { index in
            ["\(lengths[index])"]
                + Cell.allCases.map { cell in let s = summary(cell, index); return "\(s.mean.fixed(3)) ± \(s.half.fixed(3))" }
                + Cell.allCases.map { cell in summary(cell, index).values.map { $0.fixed(2) }.joined(separator: ", ") }
        },
        alignments: [.right] + Array(repeating: .right, count: 6))
    var accuracySeries: [Series] = []
    for cell in Cell.allCases {
        let xs = lengths.map(Double.init)
        accuracySeries.append(Series(cell.rawValue, x: xs, y: lengths.indices.map { summary(cell, $0).mean }, style: .linesPoints, color: cell.color, pointType: 7))
        accuracySeries.append(Series("", x: xs, y: lengths.indices.map { summary(cell, $0).values.min()! }, color: cell.color, lineWidth: 1, dashed: true))
        accuracySeries.append(Series("", x: xs, y: lengths.indices.map { summary(cell, $0).values.max()! }, color: cell.color, lineWidth: 1, dashed: true))
    }
    accuracySeries.append(Series("chance", x: [Double(lengths.first!), Double(lengths.last!)], y: [1 / Double(symbols), 1 / Double(symbols)], color: "#777777", lineWidth: 1, dashed: true))
    try chapter.figure(
        Figure(
            name: "memory", title: "Naming the first of T symbols (\(symbols) symbols, H = \(hidden), \(steps) steps, \(seeds.count) seeds)",
            xLabel: "sequence length T", yLabel: "test accuracy", yRange: 0...1.05, series: accuracySeries, keyPosition: .bottomLeft),
        caption: "Test accuracy against the sequence length: the mean over seeds (points), the lowest and highest seed (dashed)")

    // The verdicts, by the chapter's rule: a difference counts only when it is larger than the
    // seed spread (the sum of the two half-ranges, so that the two ranges do not overlap).
    func verdict(_ cell: Cell, against other: Cell, _ index: Int) -> (wins: Bool, text: String) {
        let a = summary(cell, index), b = summary(other, index)
        let gap = a.mean - b.mean, spread = a.half + b.half
        if gap > spread {
            return (true, "at T = \(lengths[index]) the \(cell.rawValue) is ahead of the \(other.rawValue) by \(gap.fixed(3)), more than the seeds' spread (\(spread.fixed(3)))")
        }
        if -gap > spread {
            return (false, "at T = \(lengths[index]) the \(other.rawValue) is ahead of the \(cell.rawValue) by \((-gap).fixed(3)), more than the spread (\(spread.fixed(3)))")
        }
        return (false, "at T = \(lengths[index]) the \(cell.rawValue) and the \(other.rawValue) differ by \(gap.signed(3)), within the spread (\(spread.fixed(3))): no verdict")
    }
    let chance = 1 / Double(symbols)
    func atChance(_ cell: Cell, _ index: Int) -> Bool { summary(cell, index).values.max()! < chance + 0.1 }
    let rnnFails = lengths.indices.filter { atChance(.rnn, $0) }
    let gatedWins = [Cell.lstm, .gru].map { cell in lengths.indices.filter { verdict(cell, against: .rnn, $0).wins } }
    chapter.text(
        """
        By the rule of this book (a difference counts only when it is larger than the spread over \
        seeds, here the two half-ranges added): \
        \(lengths.indices.map { verdict(.lstm, against: .rnn, $0).text }.joined(separator: "; ")). For the GRU: \
        \(lengths.indices.map { verdict(.gru, against: .rnn, $0).text }.joined(separator: "; ")).
        """)
    let rnnStory =
        rnnFails.isEmpty
        ? "No seed of the plain RNN stays at chance (below \((chance + 0.1).fixed(2))) at any of these lengths"
        : "Every seed of the plain RNN stays near chance (below \((chance + 0.1).fixed(2))) from T = \(lengths[rnnFails.first!]) on\(rnnFails.count == lengths.count - rnnFails.first! ? "" : " at some lengths (\(rnnFails.map { String(lengths[$0]) }.joined(separator: ", ")))")"
    let gatedStory =
        gatedWins.allSatisfy(\.isEmpty)
        ? "in this short run neither gated cell beats it by more than the spread at any length; `--steps` trains longer"
        : "the LSTM beats it beyond the spread at \(gatedWins[0].isEmpty ? "no length" : "T = " + gatedWins[0].map { String(lengths[$0]) }.joined(separator: ", ")), the GRU at \(gatedWins[1].isEmpty ? "no length" : "T = " + gatedWins[1].map { String(lengths[$0]) }.joined(separator: ", "))"
    // Where each cell learned the task: every seed at 0.9 or more.
    func solved(_ cell: Cell) -> String {
        let at = lengths.indices.filter { summary(cell, $0).values.min()! >= 0.9 }.map { String(lengths[$0]) }
        return at.isEmpty ? "the \(cell.rawValue) at none of the lengths" : "the \(cell.rawValue) at T = \(at.joined(separator: ", "))"
    }
    chapter.text(
        """
        \(rnnStory); \(gatedStory). Every seed reached an accuracy of 0.9 or more for \
        \(Cell.allCases.map(solved).joined(separator: "; ")). The plain RNN's mean \(summary(.rnn, lengths.count - 1).mean < summary(.rnn, 0).mean ? "falls" : "does not fall"), from \
        \(summary(.rnn, 0).mean.fixed(2)) at T = \(lengths[0]) to \(summary(.rnn, lengths.count - 1).mean.fixed(2)) at \
        T = \(lengths.last!); the first symbol's signal reaches its weights through `T − 1` factors of \
        chapter 15's Jacobian. These are short runs (\(steps) steps): a cell that has not learned \
        a length here may learn it with more steps (`--steps`), which is a different question from \
        how fast it learns.
        """)

    chapter.section("Inside a trained LSTM")
    // The longest of the lengths at which the first seed's LSTM did best, to look inside.
    let lookIndex = lengths.indices.max { summary(.lstm, $0).values[0] < summary(.lstm, $1).values[0] || (summary(.lstm, $0).values[0] == summary(.lstm, $1).values[0] && $0 < $1) }!
    let lookLength = lengths[lookIndex], lookRun = runs[.lstm]![lookIndex][0]
    guard let lstm = lookRun.model.layers[0] as? LSTM<Float> else { throw InvalidArgument("gated: the first layer is not an LSTM") }
    var lookRandom = SeededGenerator(seed: 424_242)
    let look = memoryTask(count: 256, length: lookLength, symbols: symbols, distractors: knobs.distractors, using: &lookRandom)
    let trace = try lstm.trace(look.inputs)
    // Which unit remembers the first symbol: the one whose last memory c_T best separates the
    // first symbols (the variance of its per-symbol means over its total variance).
    func separation(_ unit: Int) -> Double {
        let values = (0..<look.inputs.rows).map { Double(trace.memory[$0, (lookLength - 1) * hidden + unit]) }
        let mean = values.reduce(0, +) / Double(values.count)
        let total = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)
        var between = 0.0
        for s in 0..<symbols {
            let group = values.indices.filter { Int(look.firsts[$0, 0]) == s }.map { values[$0] }
            guard !group.isEmpty else { continue }
            let m = group.reduce(0, +) / Double(group.count)
            between += Double(group.count) * (m - mean) * (m - mean)
        }
        return total > 0 ? between / total : 0
    }
    let separations = (0..<hidden).map(separation)
    let unit = separations.indices.max { separations[$0] < separations[$1] }!
    func meanOver(_ m: Matrix<Float>, unit k: Int, steps: Range<Int>) -> Double {
        var total = 0.0
        for r in 0..<m.rows { for t in steps { total += Double(m[r, t * hidden + k]) } }
        return total / Double(m.rows * steps.count)
    }
    let later = 1..<lookLength
    let others = (0..<hidden).filter { $0 != unit }
    let otherForget = others.isEmpty ? Double.nan : others.map { meanOver(trace.forgetGate, unit: $0, steps: later) }.reduce(0, +) / Double(others.count)
    let unitForget = meanOver(trace.forgetGate, unit: unit, steps: later)
    let firstInput = meanOver(trace.inputGate, unit: unit, steps: 0..<1), laterInput = meanOver(trace.inputGate, unit: unit, steps: later)
    chapter.text(
        """
        What did the LSTM learn? The first seed's LSTM at `T = \(lookLength)` (test accuracy \
        \(lookRun.accuracy.fixed(3))) reads 256 new sequences, and `LSTM.trace` returns its gates and \
        memory at every step. The unit that remembers is the one whose last memory `c_T` best \
        separates the first symbols: unit \(unit), whose between-symbol variance is \
        \((separations[unit] * 100).fixed(0))% of its total (the next best: \
        \((separations.enumerated().filter { $0.offset != unit }.map(\.element).max() ?? 0).scaled(100).fixed(0))%).
        """)
    chapter.table(
        ["unit", "c_T variance from the first symbol", "forget gate f, steps 2…T", "input gate i, step 1", "input gate i, steps 2…T"],
        [[
            "\(unit) (remembers)", "\((separations[unit] * 100).fixed(0))%", unitForget.fixed(3), firstInput.fixed(3), laterInput.fixed(3),
        ],
        [
            "the other \(others.count) (mean)", others.isEmpty ? "–" : "\((others.map { separations[$0] }.reduce(0, +) / Double(others.count) * 100).fixed(0))%",
            otherForget.fixed(3),
            others.isEmpty ? "–" : (others.map { meanOver(trace.inputGate, unit: $0, steps: 0..<1) }.reduce(0, +) / Double(others.count)).fixed(3),
            others.isEmpty ? "–" : (others.map { meanOver(trace.inputGate, unit: $0, steps: later) }.reduce(0, +) / Double(others.count)).fixed(3),
        ]],
        alignments: [.left, .right, .right, .right, .right])
    let keeps = unitForget > otherForget
    // How much of what the unit wrote at step 1 is left at step T: the mean of |c_T| / |c_1|.
    let kept = (0..<look.inputs.rows).map { r in
        abs(Double(trace.memory[r, (lookLength - 1) * hidden + unit])) / max(abs(Double(trace.memory[r, unit])), 1e-12)
    }.reduce(0, +) / Double(look.inputs.rows)
    chapter.text(
        """
        Averaged over the sequences and steps 2 to T, the remembering unit's forget gate is \
        \(unitForget.fixed(3)), \(keeps ? "higher than" : "not higher than") the other units' \
        \(otherForget.fixed(3)); its input gate is \(firstInput.fixed(3)) at step 1 and \
        \(laterInput.fixed(3)) afterwards, so it \(firstInput > laterInput ? "writes more at the first step than later" : "does not write more at the first step than later"). \
        At step T its memory is on average \(kept.fixed(3)) times what it wrote at step 1 (the mean \
        of `|c_T| / |c_1|`)\(kept < 0.5 ? ": the memory fades, and what is left still tells the symbols apart" : ""). \
        The memory it keeps, step by step, for a few sequences (one colour per first symbol):
        """)
    var memorySeries: [Series] = []
    let palette = ["#a50f15", "#08306b", "#238b45", "#6a51a3", "#d94801", "#737373", "#cb181d", "#2171b5"]
    var shown = Set<Int>()
    for r in 0..<look.inputs.rows where shown.count < min(symbols, 8) {
        let s = Int(look.firsts[r, 0])
        guard !shown.contains(s) else { continue }
        shown.insert(s)
        let xs = (1...lookLength).map(Double.init)
        memorySeries.append(Series("first symbol \(s): c_t", x: xs, y: (0..<lookLength).map { Double(trace.memory[r, $0 * hidden + unit]) }, color: palette[s % palette.count]))
        memorySeries.append(Series("", x: xs, y: (0..<lookLength).map { Double(trace.forgetGate[r, $0 * hidden + unit]) }, color: palette[s % palette.count], lineWidth: 1, dashed: true))
    }
    try chapter.figure(
        Figure(
            name: "inside", title: "LSTM unit \(unit) at T = \(lookLength): memory c_t (solid) and forget gate f_t (dashed)",
            xLabel: "step t", yLabel: "value", series: memorySeries, keyPosition: .outside, width: 900),
        caption: "The remembering unit's memory and forget gate along one sequence per first symbol")

    chapter.sourceNote(
        """
        The cells are PyTorch's `torch.nn.LSTM` and `torch.nn.GRU` (one layer, batch first, zero \
        initial state), gate order and biases included; their numbers are checked against PyTorch's \
        in the tests (`Tests/TeachModelTests/Layers/RecurrentLayerTests.swift`). The memory task is a \
        simple form of the long-time-lag problems of Hochreiter and Schmidhuber (1997).
        """)
}

extension Double {
    /// The number times `factor` (for percentages in sentences).
    fileprivate func scaled(_ factor: Double) -> Double { self * factor }
}
