import Foundation
import Testing

@testable import Teach

@Suite struct BigramModelTests {
    @Test func countsEveryPairWithTheBoundaries() throws {
        let model = try BigramModel(words: ["ab", "b"], smoothing: 0)
        // .a ab b. and .b b.
        #expect(model.counts[0][1] == 1 && model.counts[1][2] == 1 && model.counts[2][0] == 2 && model.counts[0][2] == 1)
        #expect(model.total == 5)
        #expect(model.probabilities[0, 1] == 0.5 && model.probabilities[0, 2] == 0.5)
        #expect(model.probabilities[2, 0] == 1)
        // a token never seen first in a pair has an empty row when α = 0
        #expect((0..<27).allSatisfy { model.probabilities[3, $0] == 0 })
    }

    @Test func smoothingAddsAlphaToEveryCount() throws {
        let model = try BigramModel(words: ["ab", "b"], smoothing: 1)
        // row '.': counts a 1, b 1, 25 others 0 → (1 + 1) / (2 + 27)
        #expect(abs(model.probabilities[0, 1] - 2.0 / 29) < 1e-15)
        #expect(abs(model.probabilities[0, 3] - 1.0 / 29) < 1e-15)
        for row in 0..<27 {
            let sum = (0..<27).reduce(0.0) { $0 + model.probabilities[row, $1] }
            #expect(abs(sum - 1) < 1e-12)
        }
        #expect(throws: InvalidArgument.self) { try BigramModel(words: ["a"], smoothing: -1) }
        #expect(throws: InvalidArgument.self) { try BigramModel(words: ["A"]) }
    }

    @Test func negativeLogLikelihoodIsTheSumOfThePairsOverTheCharacters() throws {
        let model = try BigramModel(words: ["ab", "b"], smoothing: 0)
        // "ab": −log P(a|.) − log P(b|a) − log P(.|b) = log 2 + 0 + 0, over 3 predictions
        let (total, characters) = try model.negativeLogLikelihood(of: "ab")
        #expect(abs(total - log(2.0)) < 1e-15)
        #expect(characters == 3)
        // over "ab" and "b": (log 2 + log 2) / (3 + 2)
        #expect(abs(try model.negativeLogLikelihood(words: ["ab", "b"]) - 2 * log(2.0) / 5) < 1e-15)
        // an unseen pair with no smoothing is impossible
        #expect(try model.negativeLogLikelihood(of: "ba").total == .infinity)
        #expect(throws: InvalidArgument.self) { try model.negativeLogLikelihood(words: []) }
    }

    @Test func samplesFollowTheCountsAndAreSeeded() throws {
        // only "ab" and "b" were seen: every sample is one of them
        let model = try BigramModel(words: ["ab", "b"], smoothing: 0)
        var generator = SeededGenerator(seed: 5)
        var seen = [String: Int]()
        for _ in 0..<400 { seen[try model.sample(using: &generator), default: 0] += 1 }
        #expect(Set(seen.keys) == ["ab", "b"])
        #expect(abs(Double(seen["ab"]!) / 400 - 0.5) < 0.1)
        var a = SeededGenerator(seed: 6), b = SeededGenerator(seed: 6)
        let smoothed = try BigramModel(words: ["hello", "world"])
        #expect(try (0..<10).map { _ in try smoothed.sample(using: &a) } == (0..<10).map { _ in try smoothed.sample(using: &b) })
        // the length cap
        #expect(try smoothed.sample(maxLength: 2, using: &a).count <= 2)
        #expect(throws: InvalidArgument.self) { try smoothed.sample(maxLength: 0, using: &a) }
    }
}
