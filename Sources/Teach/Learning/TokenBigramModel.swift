import Foundation

/// The counting bigram model of ``BigramModel`` over streams of token ids instead of words: the
/// next token depends only on the one before, with add-α smoothed probabilities read off counts,
/// for any vocabulary of `V` tokens (``TextVocabulary``'s 96 characters, say).
///
///     P(b | a) = (N[a, b] + α) / Σ_c (N[a, c] + α)
///
/// A stream `x₀ x₁ … xₙ` gives the pairs `(x₀, x₁)`, …, `(xₙ₋₁, xₙ)`: `n` predictions, the first
/// token predicting nothing, as in ``EncodedText``'s windows, so the mean negative log-likelihood
/// per prediction is the number a network's cross-entropy over those windows is compared with.
public struct TokenBigramModel: Sendable, Equatable {
    /// `V`, the number of token ids.
    public let vocabularySize: Int
    /// `counts[a][b]`: how often `b` followed `a` in the training streams.
    public let counts: [[Int]]
    /// α, added to every count.
    public let smoothing: Double
    /// `P(b | a)` as `probabilities[a, b]`, each row summing to 1 (a row with no counts and α = 0 is
    /// all zeros).
    public let probabilities: Matrix<Double>

    /// The model counted from the pairs of neighbouring tokens in each of `streams`.
    /// - Throws: ``InvalidArgument`` for fewer than 2 tokens in the vocabulary, a negative or
    ///   non-finite smoothing, or an id outside `0..<vocabularySize`.
    public init(streams: [[Int]], vocabularySize: Int, smoothing: Double = 1) throws {
        guard vocabularySize >= 2 else { throw InvalidArgument("TokenBigramModel: \(vocabularySize) tokens; expected at least 2") }
        guard smoothing >= 0, smoothing.isFinite else {
            throw InvalidArgument("TokenBigramModel: smoothing \(smoothing); expected a finite number ≥ 0 (1 is Laplace's add-one)")
        }
        let v = vocabularySize
        var counts = [[Int]](repeating: [Int](repeating: 0, count: v), count: v)
        for stream in streams {
            if let bad = stream.first(where: { !(0..<v).contains($0) }) {
                throw InvalidArgument("TokenBigramModel: token \(bad); expected ids 0 to \(v - 1)")
            }
            for (a, b) in zip(stream, stream.dropFirst()) { counts[a][b] += 1 }
        }
        self.vocabularySize = v
        self.counts = counts
        self.smoothing = smoothing
        self.probabilities = smoothedBigramProbabilities(counts: counts, smoothing: smoothing)
    }

    /// How many pairs were counted.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }

    /// The mean negative log-likelihood per prediction over `streams`, in nats: `−log P(b | a)`
    /// summed over every pair of neighbouring tokens, divided by the number of pairs. Infinite
    /// when a pair has probability 0 (possible only with α = 0).
    /// - Throws: ``InvalidArgument`` when the streams hold no pair, or for an id outside the vocabulary.
    public func negativeLogLikelihood(streams: [[Int]]) throws -> Double {
        var total = 0.0, pairs = 0
        for stream in streams {
            if let bad = stream.first(where: { !(0..<vocabularySize).contains($0) }) {
                throw InvalidArgument("TokenBigramModel: token \(bad); expected ids 0 to \(vocabularySize - 1)")
            }
            for (a, b) in zip(stream, stream.dropFirst()) { total -= log(probabilities[a, b]) }
            pairs += max(0, stream.count - 1)
        }
        guard pairs > 0 else { throw InvalidArgument("TokenBigramModel: no pair of tokens to measure; expected streams of at least 2 tokens") }
        return total / Double(pairs)
    }

    /// `count` tokens drawn after `start`, each from the row of the one before
    /// (``Sampling/index(logits:temperature:using:)`` on the row's logarithms).
    /// - Throws: ``InvalidArgument`` for a start outside the vocabulary, a negative count, a row
    ///   with no probability anywhere (α = 0 and a token never seen first in a pair), or a bad
    ///   temperature.
    public func sample(after start: Int, count: Int, temperature: Double = 1, using generator: inout SeededGenerator) throws -> [Int] {
        guard (0..<vocabularySize).contains(start) else { throw InvalidArgument("TokenBigramModel.sample: token \(start); expected 0 to \(vocabularySize - 1)") }
        guard count >= 0 else { throw InvalidArgument("TokenBigramModel.sample: count \(count); expected at least 0") }
        var tokens: [Int] = [], previous = start
        for _ in 0..<count {
            let row = (0..<vocabularySize).map { probabilities[previous, $0] }
            guard row.contains(where: { $0 > 0 }) else {
                throw InvalidArgument("TokenBigramModel.sample: nothing ever followed token \(previous) and the smoothing is 0")
            }
            previous = try Sampling.index(logits: row.map { $0 > 0 ? log($0) : -Double.greatestFiniteMagnitude }, temperature: temperature, using: &generator)
            tokens.append(previous)
        }
        return tokens
    }
}
