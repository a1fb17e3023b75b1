import Foundation

/// The counting bigram language model of makemore's first part: the next character depends only
/// on the one before, with probabilities read off counts.
///
/// Training counts, over every word `.w₁…wₙ.` (``CharacterVocabulary``: `.` starts and ends each
/// word), how often each token follows each other: `N[a, b]`, a 27×27 table. With add-α
/// smoothing (Laplace's rule for α = 1, makemore's `(N + 1).float()`) each row becomes a
/// probability distribution:
///
///     P(b | a) = (N[a, b] + α) / Σ_c (N[a, c] + α)
///
/// so a pair never seen keeps a small probability instead of 0 (whose logarithm would make a
/// held-out word infinitely unlikely). A word's negative log-likelihood is the sum over its
/// `n + 1` predictions (its letters, then the end), and the model is measured by the mean over
/// characters, in nats: the same quantity a neural model's cross-entropy loss reports.
public struct BigramModel: Sendable, Equatable {
    /// The tokens.
    public let vocabulary: CharacterVocabulary
    /// `counts[a][b]`: how often token `b` followed token `a` in the training words.
    public let counts: [[Int]]
    /// α, added to every count.
    public let smoothing: Double
    /// `P(b | a)` as `probabilities[a, b]`, each row summing to 1 (a row with no counts and α = 0
    /// is all zeros: nothing followed that token).
    public let probabilities: Matrix<Double>

    /// The model counted from `words`.
    /// - Throws: ``InvalidArgument`` for a negative or non-finite smoothing, or a word not spelt
    ///   in `vocabulary`.
    public init(words: [String], vocabulary: CharacterVocabulary = .lowercase, smoothing: Double = 1) throws {
        guard smoothing >= 0, smoothing.isFinite else {
            throw InvalidArgument("BigramModel: smoothing \(smoothing); expected a finite number ≥ 0 (1 is Laplace's add-one)")
        }
        let v = vocabulary.count
        var counts = [[Int]](repeating: [Int](repeating: 0, count: v), count: v)
        // book: bigram-counts
        for word in words {
            let ids = [CharacterVocabulary.boundary] + (try vocabulary.encode(word)) + [CharacterVocabulary.boundary]
            for (a, b) in zip(ids, ids.dropFirst()) { counts[a][b] += 1 }
        }
        // book: end bigram-counts
        self.vocabulary = vocabulary
        self.counts = counts
        self.smoothing = smoothing
        self.probabilities = smoothedBigramProbabilities(counts: counts, smoothing: smoothing)
    }

    /// How many bigrams were counted: the training words' letters plus one per word.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }

    /// `−log P(word)` in nats, the sum over its predictions, and how many there are (its letters
    /// plus the end). Infinite when a pair has probability 0 (possible only with α = 0).
    /// - Throws: ``InvalidArgument`` for a word not spelt in the vocabulary.
    public func negativeLogLikelihood(of word: String) throws -> (total: Double, characters: Int) {
        let ids = [CharacterVocabulary.boundary] + (try vocabulary.encode(word)) + [CharacterVocabulary.boundary]
        var total = 0.0
        // book: bigram-nll
        for (a, b) in zip(ids, ids.dropFirst()) { total -= log(probabilities[a, b]) }
        // book: end bigram-nll
        return (total, ids.count - 1)
    }

    /// The mean negative log-likelihood per character over `words` (every word's letters and its
    /// end), in nats: the sum over all words divided by the number of predictions.
    /// - Throws: ``InvalidArgument`` for no words or a word not spelt in the vocabulary.
    public func negativeLogLikelihood(words: [String]) throws -> Double {
        guard !words.isEmpty else { throw InvalidArgument("BigramModel: no words to measure") }
        var total = 0.0, characters = 0
        for word in words {
            let (nll, count) = try negativeLogLikelihood(of: word)
            total += nll
            characters += count
        }
        return total / Double(characters)
    }

    /// A word drawn from the model: from `.`, each next token drawn from the row of the one before
    /// (``Sampling/index(logits:temperature:using:)`` on the row's logarithms, one uniform number
    /// per token), until `.` comes or the word has `maxLength` letters.
    /// - Throws: ``InvalidArgument`` when a row to draw from has no probability anywhere (α = 0 and
    ///   a token never seen first in a pair), or for a bad temperature or `maxLength` below 1.
    public func sample(temperature: Double = 1, maxLength: Int = 30, using generator: inout SeededGenerator) throws -> String {
        guard maxLength >= 1 else { throw InvalidArgument("BigramModel.sample: maxLength \(maxLength); expected at least 1") }
        var ids: [Int] = []
        var previous = CharacterVocabulary.boundary
        while ids.count < maxLength {
            let row = (0..<vocabulary.count).map { probabilities[previous, $0] }
            guard row.contains(where: { $0 > 0 }) else {
                throw InvalidArgument("BigramModel.sample: nothing ever followed '\(vocabulary.tokens[previous])' and the smoothing is 0")
            }
            // log 0 would be −∞, which Sampling refuses; the most negative finite number has e^… = 0 too
            let next = try Sampling.index(logits: row.map { $0 > 0 ? log($0) : -Double.greatestFiniteMagnitude }, temperature: temperature, using: &generator)
            if next == CharacterVocabulary.boundary { break }
            ids.append(next)
            previous = next
        }
        return try vocabulary.decode(ids)
    }
}

/// `P(b | a) = (count(a, b) + α) / Σ_c (count(a, c) + α)` for every pair of a `V×V` table of
/// counts (row `a`, column `b`): add-α smoothing; a row with no count and α = 0 stays 0.
func smoothedBigramProbabilities(counts: [[Int]], smoothing: Double) -> Matrix<Double> {
    let v = counts.count
    var probabilities = Matrix<Double>(rows: v, columns: v)
    for a in 0..<v {
        let total = counts[a].reduce(0.0) { $0 + Double($1) + smoothing }
        guard total > 0 else { continue }
        for b in 0..<v { probabilities[a, b] = (Double(counts[a][b]) + smoothing) / total }
    }
    return probabilities
}
