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
