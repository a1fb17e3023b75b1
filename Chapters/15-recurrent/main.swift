// Chapter 15: recurrent networks and backpropagation through time. One tanh cell unrolled over three
// steps with every number shown, its backward pass by hand checked against the layer and against
// central differences; then how far back a gradient reaches in an RNN, an LSTM and a GRU, and
// clipping for the case where it grows instead.
import ArgumentParser
import Foundation
import Teach
import TeachBook

/// The chapter's choices: the layers whose gradients are followed back in time.
struct Knobs: ChapterKnobs {
    @Option(help: "Hidden units H of the RNN, LSTM and GRU whose gradients are followed back.")
    var hiddenUnits = 32
    @Option(help: "Steps T of the sequences they read.")
    var length = 50
    @Option(help: "Seeds (weights and inputs) averaged over.")
    var seeds = 5
    @Option(help: "Factor on PyTorch's recurrent weights W_hh of the exploding RNN.")
    var recurrentScale = 3.0
    @Option(help: "Standard deviation of the exploding RNN's inputs (small keeps tanh near its linear part).")
    var inputScale = 0.01
    @Option(help: "Largest global gradient norm in the clipping example.")
    var clipNorm = 1.0

    func validate() throws {
        try KnobCheck.within(1...512, hiddenUnits, "--hidden-units", "a number of hidden units")
        try KnobCheck.within(2...2000, length, "--length", "a sequence length")
        try KnobCheck.within(1...50, seeds, "--seeds", "a number of seeds")
        try KnobCheck.within(0.01...100, recurrentScale, "--recurrent-scale", "a factor")
        try KnobCheck.within(1e-9...100, inputScale, "--input-scale", "a standard deviation")
        try KnobCheck.positive(clipNorm, "--clip-norm", "a gradient norm")
    }
}

Chapter.run("recurrent", knobs: Knobs.self) { chapter, knobs in
    chapter.text(
        """
        Every network so far read a record all at once. Text, speech and prices come as sequences, \
        one step after another, and what a step means depends on the steps before. A *recurrent* \
        network reads a sequence one step at a time and carries a *state* `h` from each step to the \
        next: the same weights at every step, so a sequence of any length is read by the same \
        handful of parameters. This chapter unrolls one tanh cell (Elman's network, PyTorch's \
        `torch.nn.RNN`) over three steps with every number shown, runs its backward pass, \
        *backpropagation through time*, by hand and checks it twice, and then follows a gradient \
        back over many steps: it shrinks, geometrically, unless it grows.
        """)

    chapter.section("One cell, unrolled")
    // A tiny RNN: 2 hidden units, 1 input, 3 steps, Double, with round weights.
    let wih = try Matrix<Double>([[0.5], [-0.3]]), whh = try Matrix<Double>([[0.1, 0.4], [-0.2, 0.3]])
    let bih = Matrix<Double>(row: [0.1, -0.1]), bhh = Matrix<Double>(row: [0.05, 0.0])
    let xs = [1.0, 0.5, -1.0], target = [0.5, -0.5]
    let steps = xs.count, units = 2
    chapter.text(
        """
        At every step `t` the cell mixes the step's input `x_t` with the state before, `h_{t−1}` \
        (`h_0 = 0`), through weights that are the same at every step:
        """)
    chapter.formula(
        """
        a_t = x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh
        h_t = tanh(a_t)
        """)
    chapter.text(
        """
        `W_ih` is `H×I` and `W_hh` is `H×H` in PyTorch's layout (`weight_ih_l0`, `weight_hh_l0`; two \
        biases, `bias_ih_l0` and `bias_hh_l0`, which only ever appear added). Take `H = 2` units, \
        one input (`I = 1`), three steps, and round numbers:
        """)
    func row(_ m: Matrix<Double>, _ r: Int) -> String { "[" + (0..<m.columns).map { m[r, $0].signed(2) }.joined(separator: ", ") + "]" }
    chapter.formula(
        """
        W_ih = [\(row(wih, 0)), \(row(wih, 1))]ᵀ      W_hh = [\(row(whh, 0)), \(row(whh, 1))]
        b_ih = \(row(bih, 0))      b_hh = \(row(bhh, 0))
        x_1, x_2, x_3 = \(xs.map { $0.signed(1) }.joined(separator: ", "))
        """)
    // The forward pass by hand, unit by unit, in plain Doubles.
    var hand: [[Double]] = [[0, 0]]  // h_0, h_1, h_2, h_3
    var sums: [[Double]] = []
    for t in 0..<steps {
        let previous = hand[t]
        let a = (0..<units).map { k in
            xs[t] * wih[k, 0] + bih[0, k] + (0..<units).map { j in previous[j] * whh[k, j] }.reduce(0, +) + bhh[0, k]
        }
        sums.append(a)
        hand.append(a.map { tanh($0) })
    }
    chapter.table(
        ["step t", "x_t", "h_{t−1}", "a_t = x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh", "h_t = tanh(a_t)"],
        (0..<steps).map { t in
            ["\(t + 1)", xs[t].signed(1), "[" + hand[t].map { $0.signed(4) }.joined(separator: ", ") + "]",
             "[" + sums[t].map { $0.signed(4) }.joined(separator: ", ") + "]", "[" + hand[t + 1].map { $0.signed(4) }.joined(separator: ", ") + "]"]
        },
        alignments: [.right, .right, .right, .right, .right])
    var layer = try RNN<Double>(inputWeights: wih, hiddenWeights: whh, inputBias: bih, hiddenBias: bhh, length: steps)
    var unused = SeededGenerator(seed: 0)
    let input = Matrix<Double>(row: xs)
    let output = try layer.forward(input, mode: .training, using: &unused)
    let forwardDifference = (0..<steps).flatMap { t in (0..<units).map { k in abs(output[0, t * units + k] - hand[t + 1][k]) } }.max()!
    chapter.text(
        """
        For example, at step 1 unit 1 gets `a = \(xs[0].fixed(1))·\(wih[0, 0].fixed(2)) + \(bih[0, 0].fixed(2)) + \(bhh[0, 0].fixed(2)) = \(sums[0][0].fixed(4))` \
        (the state before the first step is 0, so `W_hh` has nothing to mix yet), and `tanh` of it is \
        \(hand[1][0].fixed(4)). The layer `RNN` computes the same numbers (\(forwardDifference == 0 ? "exactly" : "largest difference from the table: \(forwardDifference.scientific(1))")). Its forward pass computes every step's input \
        term at once, `(B·T)×I` times `W_ihᵀ` (`inputTerms`), then walks the steps in order, because \
        each needs the state before:
        """)
    try chapter.quote("rnn-forward", from: "Sources/Teach/Layers/Recurrent.swift")

    chapter.section("Backpropagation through time")
    chapter.text(
        """
        Let the error be read at the last step only, `E = ½‖h_3 − y‖²` with `y = \
        [\(target.map { $0.signed(1) }.joined(separator: ", "))]`. The unrolled cell is an ordinary \
        network three layers deep whose layers share their weights, so chapter 4's backpropagation \
        applies as it is, from the last step to the first. At each step the gradient of the state \
        has two sources: the error at that step (here only at step 3) and the gradient carried back \
        from the step after, through `W_hh`:
        """)
    chapter.formula(
        """
        ∂E/∂h_t = (∂E/∂h_t from the output) + δ_{t+1} W_hh          (δ_4 = 0)
        δ_t     = ∂E/∂h_t ⊙ (1 − h_t²)                              tanh's slope
        ∂E/∂W_ih = Σ_t δ_tᵀ x_t     ∂E/∂W_hh = Σ_t δ_tᵀ h_{t−1}     ∂E/∂b_ih = ∂E/∂b_hh = Σ_t δ_t
        """)
    chapter.text(
        """
        The weights are shared, so their gradient is the *sum* of every step's share. By hand, in the \
        same plain numbers:
        """)
    var deltas = [[Double]](repeating: [0, 0], count: steps + 2)  // δ_1 … δ_3 at indices 1…3; δ_4 = 0
    var incoming = [[Double]](repeating: [0, 0], count: steps + 1)
    var handWih = [0.0, 0.0], handWhh = [[0.0, 0.0], [0.0, 0.0]], handBias = [0.0, 0.0]
    for t in stride(from: steps, through: 1, by: -1) {
        let fromOutput = t == steps ? (0..<units).map { hand[t][$0] - target[$0] } : [0, 0]
        let carried = (0..<units).map { j in (0..<units).map { k in deltas[t + 1][k] * whh[k, j] }.reduce(0, +) }
        incoming[t] = (0..<units).map { fromOutput[$0] + carried[$0] }
        deltas[t] = (0..<units).map { incoming[t][$0] * (1 - hand[t][$0] * hand[t][$0]) }
        for k in 0..<units {
            handWih[k] += deltas[t][k] * xs[t - 1]
            handBias[k] += deltas[t][k]
            for j in 0..<units { handWhh[k][j] += deltas[t][k] * hand[t - 1][j] }
        }
    }
    func pair(_ v: [Double]) -> String { "[" + v.map { $0.signed(5) }.joined(separator: ", ") + "]" }
    chapter.table(
        ["step t", "∂E/∂h_t", "1 − h_t²", "δ_t", "δ_tᵀ h_{t−1} (share of ∂E/∂W_hh)"],
        stride(from: steps, through: 1, by: -1).map { t in
            [
                "\(t)", pair(incoming[t]), pair(hand[t].map { 1 - $0 * $0 }), pair(deltas[t]),
                "[" + (0..<units).map { k in pair((0..<units).map { j in deltas[t][k] * hand[t - 1][j] }) }.joined(separator: ", ") + "]",
            ]
        },
        alignments: [.right, .right, .right, .right, .right])
    let shrink = (0..<units).map { abs(deltas[1][$0]) }.max()! / (0..<units).map { abs(deltas[steps][$0]) }.max()!
    chapter.text(
        """
        From step 3 to step 1 the largest `|δ|` falls to \(shrink.fixed(3)) of its size: each step \
        back multiplies by `W_hh` (small here) and by tanh's slope (at most 1). The layer's backward \
        pass is these lines; `carried` is `δ_{t+1} W_hh`:
        """)
    try chapter.quote("rnn-backward", from: "Sources/Teach/Layers/Recurrent.swift")
    // The layer's backward pass from E = ½‖h_3 − y‖²: the output's gradient is h_3 − y at the last step.
    var outputGradient = Matrix<Double>(rows: 1, columns: steps * units)
    for k in 0..<units { outputGradient[0, (steps - 1) * units + k] = output[0, (steps - 1) * units + k] - target[k] }
    let layerGradients = try layer.backward(outputGradient: outputGradient, needsInputGradient: true)
    // Central differences on every parameter of a fresh layer.
    func error(_ parameters: [Matrix<Double>]) throws -> Double {
        var probe = try RNN<Double>(inputWeights: parameters[0], hiddenWeights: parameters[1], inputBias: parameters[2], hiddenBias: parameters[3], length: steps)
        let h = try probe(input)
        return (0..<units).map { k in 0.5 * pow(h[0, (steps - 1) * units + k] - target[k], 2) }.reduce(0, +)
    }
    let parameters = [wih, whh, bih, bhh], epsilon = 1e-6
    var rows: [[String]] = []
    var worstNumeric = 0.0, worstLayer = 0.0
    let names = ["W_ih", "W_hh", "b_ih", "b_hh"]
    for (p, parameter) in parameters.enumerated() {
        for r in 0..<parameter.rows {
            for c in 0..<parameter.columns {
                var up = parameters, down = parameters
                up[p][r, c] += epsilon
                down[p][r, c] -= epsilon
                let numeric = (try error(up) - error(down)) / (2 * epsilon)
                let byHand: Double =
                    switch p {
                    case 0: handWih[r]
                    case 1: handWhh[r][c]
                    default: handBias[c]
                    }
                let fromLayer = layerGradients.parameters[p][r, c]
                worstNumeric = max(worstNumeric, abs(byHand - numeric))
                worstLayer = max(worstLayer, abs(byHand - fromLayer))
                let index = parameter.rows == 1 ? "[\(c + 1)]" : parameter.columns == 1 ? "[\(r + 1)]" : "[\(r + 1),\(c + 1)]"
                rows.append(["∂E/∂\(names[p])\(index)", byHand.signed(8), fromLayer.signed(8), numeric.signed(8)])
            }
        }
    }
    chapter.table(["parameter", "by hand", "RNN.backward", "central difference"], rows, alignments: [.left, .right, .right, .right])
    chapter.text(
        """
        The hand computation and the layer agree \(worstLayer == 0 ? "exactly" : "to \(worstLayer.scientific(1))"), and both agree with \
        central differences (`h = 10⁻⁶`, chapter 4's gradient check) to \(worstNumeric.scientific(1)), \
        the size of the check's own error. The two biases get the same gradient, as they must: they \
        are only ever added.
        """)

    chapter.section("How far back a gradient reaches")
    let h = knobs.hiddenUnits, length = knobs.length, features = 8
    let seeds = (0..<knobs.seeds).map { chapter.options.seed &+ UInt64($0) }
    chapter.text(
        """
        The backward pass multiplies the carried gradient, at every step back, by `W_hh` and by \
        tanh's slope. Whether the product shrinks or grows with the distance decides whether an \
        error at the end of a sequence can teach the network anything about its beginning. Measured: \
        sequences of `T = \(length)` steps of \(features) inputs drawn from N(0, 1), a layer of \
        `H = \(h)` units with PyTorch's initialization (every weight and bias from \
        `U(−1/√H, 1/√H)`), and an error read at the last step only, `E = u · h_T` for a random \
        direction `u` of length 1 (one per seed). The backward pass then gives `∂E/∂x_{T−t}`, how much the input \
        `t` steps before the end moves the error. Its length, averaged over 16 sequences, for the \
        tanh RNN, the LSTM and the GRU (chapter 16), each from \(seeds.count) seeds:
        """)
    /// `‖∂E/∂x_{T−t}‖` for t = 0 … T−1, averaged over a batch of 16 sequences.
    func reach<L: Layer<Double>>(_ layer: L, inputScale: Double, seed: UInt64) throws -> [Double] {
        var layer = layer
        var random = SeededGenerator(seed: seed &+ 500)
        let batch = 16
        let x = Matrix<Double>.gaussian(rows: batch, columns: length * features, using: &random).map { $0 * inputScale }
        _ = try layer.forward(x, mode: .training, using: &random)
        let u = Matrix<Double>.gaussian(rows: 1, columns: h, using: &random)
        let uLength = u.elements.map { $0 * $0 }.reduce(0, +).squareRoot()
        var g = Matrix<Double>(rows: batch, columns: length * h)
        for r in 0..<batch { for k in 0..<h { g[r, (length - 1) * h + k] = u[0, k] / uLength } }
        let dx = try layer.backward(outputGradient: g, needsInputGradient: true).input
        return (0..<length).map { back in
            let t = length - 1 - back
            var total = 0.0
            for r in 0..<batch {
                var sum = 0.0
                for f in 0..<features { sum += dx[r, t * features + f] * dx[r, t * features + f] }
                total += sum.squareRoot()
            }
            return total / Double(batch)
        }
    }
    enum Kind: String, CaseIterable { case rnn = "tanh RNN", lstm = "LSTM", gru = "GRU", exploding = "exploding RNN" }
    func curves(_ kind: Kind) throws -> [[Double]] {
        try seeds.map { seed in
            var random = SeededGenerator(seed: seed)
            switch kind {
            case .rnn: return try reach(try RNN<Double>(inputs: features, hidden: h, length: length, using: &random), inputScale: 1, seed: seed)
            case .lstm: return try reach(try LSTM<Double>(inputs: features, hidden: h, length: length, using: &random), inputScale: 1, seed: seed)
            case .gru: return try reach(try GRU<Double>(inputs: features, hidden: h, length: length, using: &random), inputScale: 1, seed: seed)
            case .exploding:
                var rnn = try RNN<Double>(inputs: features, hidden: h, length: length, using: &random)
                rnn.hiddenWeights = rnn.hiddenWeights.map { $0 * knobs.recurrentScale }
                return try reach(rnn, inputScale: knobs.inputScale, seed: seed)
            }
        }
    }
    var measured: [Kind: [[Double]]] = [:]
    for kind in Kind.allCases { measured[kind] = try curves(kind) }
    func mean(_ kind: Kind, _ back: Int) -> Double { measured[kind]!.map { $0[back] }.reduce(0, +) / Double(seeds.count) }
    func range(_ kind: Kind, _ back: Int) -> (Double, Double) {
        let values = measured[kind]!.map { $0[back] }
        return (values.min()!, values.max()!)
    }
    let colors: [Kind: String] = [.rnn: "#a50f15", .lstm: "#08306b", .gru: "#238b45", .exploding: "#d94801"]
    let backs = Array(0..<length)
    func series(_ kinds: [Kind]) -> [Series] {
        kinds.flatMap { kind in
            [
                Series(kind.rawValue, x: backs.map(Double.init), y: backs.map { mean(kind, $0) }, color: colors[kind]),
                Series("", x: backs.map(Double.init), y: backs.map { range(kind, $0).0 }, color: colors[kind], lineWidth: 1, dashed: true),
                Series("", x: backs.map(Double.init), y: backs.map { range(kind, $0).1 }, color: colors[kind], lineWidth: 1, dashed: true),
            ]
        }
    }
    try chapter.figure(
        Figure(
            name: "reach", title: "‖∂E/∂x_{T−t}‖ at PyTorch's initialization (H = \(h), T = \(length), \(seeds.count) seeds)",
            xLabel: "steps back t", yLabel: "gradient length (log scale)", logScaleY: true, series: series([.rnn, .lstm, .gru]),
            keyPosition: .bottomLeft),
        caption: "How much the input t steps before the end moves the error at the end: the mean over seeds (solid), the lowest and highest seed (dashed)")
    let marks = [0, 5, 10, 20, 40].filter { $0 < length } + (length - 1 > 40 || ![0, 5, 10, 20, 40].contains(length - 1) ? [length - 1] : [])
    let shown: [Kind] = [.rnn, .lstm, .gru]
    chapter.table(
        ["steps back t"] + shown.map { "\($0.rawValue): mean (lowest – highest seed)" },
        marks.map { back in
            ["\(back)"] + shown.map { kind in "\(mean(kind, back).scientific(2)) (\(range(kind, back).0.scientific(1)) – \(range(kind, back).1.scientific(1)))" }
        },
        alignments: [.right, .right, .right, .right])
    // The average factor per step back, over the first span where every curve is measured.
    let span = min(20, length - 1)
    func perStep(_ kind: Kind) -> Double { pow(mean(kind, span) / mean(kind, 0), 1 / Double(span)) }
    let fastest = shown.min { perStep($0) < perStep($1) }!
    // Does a gated cell keep more gradient than the RNN at the far end, beyond the seeds' spread
    // (its lowest seed above the RNN's highest)?
    let far = length - 1
    func farVerdict(_ kind: Kind) -> String {
        if range(kind, far).0 > range(.rnn, far).1 {
            return "the \(kind.rawValue)'s lowest seed (\(range(kind, far).0.scientific(1))) is above the tanh RNN's highest (\(range(.rnn, far).1.scientific(1))), a lead of \((mean(kind, far) / mean(.rnn, far)).fixed(0))× in the mean, beyond the spread"
        }
        if range(kind, far).1 < range(.rnn, far).0 {
            return "the \(kind.rawValue)'s highest seed is below the tanh RNN's lowest: the RNN keeps more, beyond the spread"
        }
        return "the \(kind.rawValue)'s and the tanh RNN's seeds overlap: no verdict"
    }
    chapter.text(
        """
        Over the first \(span) steps back the gradient is multiplied, on average per step, by \
        \(shown.map { "\(perStep($0).fixed(3)) (\($0.rawValue))" }.joined(separator: ", ")). The \
        \(fastest.rawValue)'s fades fastest: after \(span) steps \((mean(fastest, span) / mean(fastest, 0)).scientific(1)) of \
        it is left. At the far end (t = \(far)): \(farVerdict(.lstm)); \(farVerdict(.gru)). All of them are tiny. \
        This is at initialization, before any training: with PyTorch's small weights every factor \
        is below 1\(shown.allSatisfy { perStep($0) < 1 } ? "" : " for some cells but not all (see the numbers)"), \
        and the gated cells start with forget and update gates near σ(0) = ½. Chapter 16 asks whether \
        training can push those gates towards 1, where the memory passes unchanged; the plain RNN \
        can keep its gradient only by making `W_hh` large, and that goes wrong the other way.
        """)

    chapter.section("Exploding gradients, and clipping")
    let scale = knobs.recurrentScale, inputScale = knobs.inputScale
    chapter.text(
        """
        Make `W_hh` large, \(scale.fixed(1)) times PyTorch's draw, and keep the inputs small \
        (N(0, \(inputScale)²)) so that the states stay where tanh is nearly linear (slope near 1). \
        Each step back now multiplies the gradient by a matrix \(scale.fixed(1)) times larger, with tanh's \
        slope near 1 to tame it:
        """)
    try chapter.figure(
        Figure(
            name: "exploding", title: "‖∂E/∂x_{T−t}‖, RNN with W_hh × \(scale.fixed(1)), inputs N(0, \(inputScale)²)",
            xLabel: "steps back t", yLabel: "gradient length (log scale)", logScaleY: true, series: series([.exploding, .rnn]),
            keyPosition: .topLeft),
        caption: "The large-weight RNN's gradient against the distance; PyTorch's initialization (the tanh RNN above) for comparison")
    let growth = mean(.exploding, far) / mean(.exploding, 0)
    chapter.text(
        """
        Here the gradient of the input \(far) steps back is \(growth.fixed(growth >= 10 ? 0 : 2)) times that of the \
        last input (mean over seeds; the lowest seed's ratio is \
        \((measured[.exploding]!.map { $0[far] / $0[0] }.min()!).fixed(2))). \(growth > 1 ? "In training such a gradient makes a step far too long, and one step can throw away everything learned." : "In this run it does not grow: try a larger `--recurrent-scale`.") \
        The usual remedy (Pascanu, Mikolov and Bengio, 2013) is \
        to clip the gradient by its norm: when the length of all the gradients taken together \
        exceeds a limit, scale them all down to it, which keeps the direction and bounds the step \
        (PyTorch's `clip_grad_norm_`, `clipByGlobalNorm` here, chapter 10). The global gradient norm \
        of this RNN's parameters for `E = u · h_T` (16 sequences, \(seeds.count) seeds), for sequences of \
        growing length, before and after clipping to \(knobs.clipNorm):
        """)
    let clipLengths = [5, 10, 20, 40, length].filter { $0 <= length }.reduce(into: [Int]()) { if !$0.contains($1) { $0.append($1) } }
    /// The gradients of every parameter of the large-weight RNN for `E = u · h_T`, sequences of `t` steps.
    func explodingGradients(length t: Int, seed: UInt64) throws -> [Matrix<Double>] {
        var random = SeededGenerator(seed: seed)
        var rnn = try RNN<Double>(inputs: features, hidden: h, length: t, using: &random)
        rnn.hiddenWeights = rnn.hiddenWeights.map { $0 * scale }
        var dataRandom = SeededGenerator(seed: seed &+ 500)
        let x = Matrix<Double>.gaussian(rows: 16, columns: t * features, using: &dataRandom).map { $0 * inputScale }
        _ = try rnn.forward(x, mode: .training, using: &dataRandom)
        let u = Matrix<Double>.gaussian(rows: 1, columns: h, using: &dataRandom)
        let uLength = u.elements.map { $0 * $0 }.reduce(0, +).squareRoot()
        var g = Matrix<Double>(rows: 16, columns: t * h)
        for r in 0..<16 { for k in 0..<h { g[r, (t - 1) * h + k] = u[0, k] / uLength } }
        return try rnn.backward(outputGradient: g, needsInputGradient: false).parameters
    }
    var clipRows: [[String]] = []
    var norms: [Double] = []
    var largestAfter = 0.0
    for t in clipLengths {
        var before: [Double] = [], after: [Double] = []
        for seed in seeds {
            var gradients = try explodingGradients(length: t, seed: seed)
            before.append(try clipByGlobalNorm(&gradients, maxNorm: knobs.clipNorm))
            after.append(globalNorm(gradients))
        }
        largestAfter = max(largestAfter, after.max()!)
        let average = before.reduce(0, +) / Double(before.count)
        norms.append(average)
        clipRows.append([
            "\(t)", average.scientific(3), "\(before.min()!.scientific(2)) – \(before.max()!.scientific(2))",
            "\(after.min()!.fixed(6)) – \(after.max()!.fixed(6))",
        ])
    }
    chapter.table(
        ["T", "gradient norm, mean over seeds", "lowest – highest seed", "after clipByGlobalNorm, lowest – highest"], clipRows,
        alignments: [.right, .right, .right, .right])
    let grows = zip(norms, norms.dropFirst()).allSatisfy { $0 < $1 }
    chapter.text(
        """
        The norm \(grows ? "grows with every longer sequence" : "does not grow steadily with the length in this run"), \
        from \(norms.first!.scientific(2)) at T = \(clipLengths.first!) to \(norms.last!.scientific(2)) at T = \
        \(clipLengths.last!); after clipping no seed's is above \(largestAfter.fixed(6)) (the limit \(knobs.clipNorm), less PyTorch's `10⁻⁶` guard). Clipping treats the \
        symptom of exploding gradients; it does nothing for vanishing ones, whose cure is a cell \
        that can carry its memory unchanged: chapter 16.
        """)

    chapter.sourceNote(
        """
        The cell is Elman's (1990) simple recurrent network as PyTorch defines `torch.nn.RNN` \
        (tanh, one layer, batch first, zero initial state); its numbers are checked against \
        PyTorch's in `Tests/TeachModelTests/Layers/RecurrentLayerTests.swift`. The shrinking and \
        growing gradient is the analysis of Bengio, Simard and Frasconi (1994) and Pascanu, Mikolov \
        and Bengio (2013), who also proposed clipping by norm.
        """)
}
