import RealModule

/// Drawing the next token of a language model from its scores.
public enum Sampling {
    /// One index drawn from `softmax(logits / temperature)`: index `k` with probability
    /// `e^(z_k/τ) / Σ_j e^(z_j/τ)`.
    ///
    /// The temperature `τ` sharpens or flattens the model's distribution: 1 samples it as it is,
    /// below 1 favours the likely tokens (towards always taking the most likely as `τ → 0`), above
    /// 1 spreads the choice towards uniform. `τ = 0` takes the most likely index (the first on a
    /// tie, as `argmax`), with no draw.
    ///
    /// The draw is one `uniform(in: 0..<1)` from `generator`, placed in the cumulative
    /// probabilities, so the same seed gives the same text anywhere. PyTorch's `torch.multinomial`
    /// draws from the same distribution by another method, so its samples differ.
    ///
    /// - Throws: ``InvalidArgument`` for no logits, a logit that is not finite, or a temperature
    ///   that is negative or not finite.
    public static func index<Scalar: MatrixScalar>(
        logits: [Scalar], temperature: Double = 1, using generator: inout SeededGenerator
    ) throws -> Int {
        guard !logits.isEmpty else { throw InvalidArgument("Sampling.index: no logits to sample from") }
        if let bad = logits.firstIndex(where: { !$0.isFinite }) {
            throw InvalidArgument("Sampling.index: logit \(bad) is \(logits[bad]); expected finite scores")
        }
        guard temperature >= 0, temperature.isFinite else {
            throw InvalidArgument("Sampling.index: temperature \(temperature); expected a finite number ≥ 0")
        }
        let scores = logits.map(Double.init)
        let largest = scores.max()!
        if temperature == 0 { return scores.firstIndex(of: largest)! }
        // e^((z − max)/τ): the largest term is 1, so nothing overflows.
        let weights = scores.map { Double.exp(($0 - largest) / temperature) }
        let total = weights.reduce(0, +)
        let target = generator.uniform(in: 0..<1) * total
        var cumulative = 0.0
        for (k, weight) in weights.enumerated() {
            cumulative += weight
            if target < cumulative { return k }
        }
        return weights.lastIndex { $0 > 0 }!  // rounding left the target at the very top
    }
}

extension Sampling {
    /// `count` token sequences drawn from a causal language model, all at once: the model reads
    /// `B×T` token ids and gives `B×(T·V)` scores, the scores at position `t` being its guess at
    /// the token after position `t` (an `Embedding`, a recurrent layer and a `Dense` layer at
    /// every position, as chapter 17 trains).
    ///
    /// Every sequence starts as the `boundary` token at position 0. At step `t` the model reads the
    /// `count` rows (the tokens drawn so far, the boundary after them), and for each sequence not
    /// yet finished one token is drawn from position `t`'s scores with ``index(logits:temperature:using:)``,
    /// sequence by sequence in order: the boundary ends the sequence, any other token is kept and
    /// written at position `t + 1`. A sequence still going after `T` tokens stops there.
    ///
    /// The model must be **causal**: its scores at position `t` may depend only on the positions up
    /// to `t` (true of the recurrent layers; a transformer needs its causal mask), since the
    /// positions after `t` hold the boundary, not what will be drawn there.
    ///
    /// - Returns: the tokens of each sequence, without the boundary.
    /// - Throws: ``InvalidArgument`` for a `count` below 1, a boundary outside `0..<V`, a model
    ///   whose input is not `T` steps of one id or whose output is not `T` steps of `V ≥ 2`
    ///   scores, or a bad temperature.
    public static func sequences<Scalar: MatrixScalar>(
        from model: Model<Scalar>, count: Int, boundary: Int = 0, temperature: Double = 1, using generator: inout SeededGenerator
    ) throws -> [[Int]] {
        guard count >= 1 else { throw InvalidArgument("Sampling.sequences: count \(count); expected at least 1") }
        let (length, vocabulary) = try languageModelShape(of: model, operation: "Sampling.sequences")
        guard (0..<vocabulary).contains(boundary) else {
            throw InvalidArgument("Sampling.sequences: boundary token \(boundary); expected 0 to \(vocabulary - 1)")
        }
        // book: sequences
        var ids = Matrix<Scalar>(rows: count, columns: length) { _, _ in Scalar(boundary) }
        var sequences = [[Int]](repeating: [], count: count)
        var finished = [Bool](repeating: false, count: count)
        for t in 0..<length where finished.contains(false) {
            let scores = try model.predict(ids)
            for row in 0..<count where !finished[row] {
                let logits = (0..<vocabulary).map { scores[row, t * vocabulary + $0] }
                let token = try index(logits: logits, temperature: temperature, using: &generator)
                if token == boundary {
                    finished[row] = true
                } else {
                    sequences[row].append(token)
                    if t + 1 < length { ids[row, t + 1] = Scalar(token) } else { finished[row] = true }
                }
            }
        }
        // book: end sequences
        return sequences
    }
}

extension Sampling {
    /// `count` tokens drawn one after another from a causal language model with a window of `T`
    /// positions, continuing `prompt` (nanoGPT's `generate`): at each step the model reads the last
    /// `T` tokens so far (fewer at the start, the rest of the row `padding`), the next token is
    /// drawn from the scores at the last real position with ``index(logits:temperature:using:)``,
    /// and appended.
    ///
    /// The model must be **causal** (its scores at a position depend only on the positions up to
    /// it), since the padding after the last real position is not text. Once the text is longer
    /// than `T`, the window slides: the oldest token drops out, and every token moves one position
    /// back, as nanoGPT crops its context to `block_size`.
    ///
    /// - Returns: the `count` tokens drawn, without the prompt.
    /// - Throws: ``InvalidArgument`` for an empty prompt, a prompt or padding id outside `0..<V`, a
    ///   negative `count`, a model whose input is not `T` steps of one id or whose output is not
    ///   `T` steps of `V ≥ 2` scores, or a bad temperature.
    public static func continuation<Scalar: MatrixScalar>(
        from model: Model<Scalar>, prompt: [Int], count: Int, padding: Int = 0, temperature: Double = 1,
        using generator: inout SeededGenerator
    ) throws -> [Int] {
        let (length, vocabulary) = try languageModelShape(of: model, operation: "Sampling.continuation")
        guard !prompt.isEmpty else { throw InvalidArgument("Sampling.continuation: an empty prompt; expected at least one token to start from") }
        if let bad = (prompt + [padding]).first(where: { !(0..<vocabulary).contains($0) }) {
            throw InvalidArgument("Sampling.continuation: token \(bad); expected 0 to \(vocabulary - 1)")
        }
        guard count >= 0 else { throw InvalidArgument("Sampling.continuation: count \(count); expected at least 0") }
        // book: continuation
        var text = prompt, drawn: [Int] = []
        for _ in 0..<count {
            let window = Array(text.suffix(length))
            let ids = Matrix<Scalar>(rows: 1, columns: length) { _, t in Scalar(t < window.count ? window[t] : padding) }
            let scores = try model.predict(ids)
            let last = window.count - 1
            let token = try index(logits: (0..<vocabulary).map { scores[0, last * vocabulary + $0] }, temperature: temperature, using: &generator)
            text.append(token)
            drawn.append(token)
        }
        // book: end continuation
        return drawn
    }

    /// `T` and `V` of a language model: `T` steps of one id in, `T` steps of `V ≥ 2` scores out.
    /// - Throws: ``InvalidArgument`` naming `operation` and both shapes for any other model.
    static func languageModelShape<Scalar: MatrixScalar>(of model: Model<Scalar>, operation: String) throws -> (length: Int, vocabulary: Int) {
        guard let input = model.inputShape.sequence, input.features == 1, let output = model.outputShape.sequence,
            output.length == input.length, output.features >= 2
        else {
            throw InvalidArgument(
                "\(operation): the model reads \(model.inputShape) and gives \(model.outputShape); expected T steps × 1 id in and T steps × V ≥ 2 scores out")
        }
        return (input.length, output.features)
    }
}
