import Foundation
import Testing

@testable import Teach

@Suite struct TokenBigramModelTests {
    @Test func countsNeighbouringPairsOfEachStream() throws {
        let model = try TokenBigramModel(streams: [[0, 1, 1, 2], [2, 0]], vocabularySize: 3, smoothing: 0)
        #expect(model.counts == [[0, 1, 0], [0, 1, 1], [1, 0, 0]])
        #expect(model.total == 4)  // no pair across the two streams
        #expect(model.probabilities[1, 1] == 0.5 && model.probabilities[1, 2] == 0.5 && model.probabilities[2, 0] == 1)
    }

    @Test func theNLLIsTheMeanOverPairsWithSmoothing() throws {
        let model = try TokenBigramModel(streams: [[0, 1, 1, 2]], vocabularySize: 3, smoothing: 1)
        // row 0: counts 0 1 0 → 1/4, 2/4, 1/4; row 1: counts 0 1 1 → 1/5, 2/5, 2/5
        #expect(abs(model.probabilities[0, 1] - 0.5) < 1e-15 && abs(model.probabilities[1, 2] - 0.4) < 1e-15)
        let nll = try model.negativeLogLikelihood(streams: [[0, 1, 2], [1]])
        #expect(abs(nll - (-log(0.5) - log(0.4)) / 2) < 1e-12)  // two pairs; a stream of one token has none
        #expect(throws: InvalidArgument.self) { try model.negativeLogLikelihood(streams: [[1]]) }
        #expect(throws: InvalidArgument.self) { try model.negativeLogLikelihood(streams: [[0, 3]]) }
        #expect(throws: InvalidArgument.self) { try TokenBigramModel(streams: [[0, 5]], vocabularySize: 3) }
        #expect(throws: InvalidArgument.self) { try TokenBigramModel(streams: [], vocabularySize: 3, smoothing: .nan) }
    }

    @Test func samplingFollowsTheRowsAndTheSeed() throws {
        // without smoothing 0 → 1 → 2 → 0 is the only way on
        let cycle = try TokenBigramModel(streams: [[0, 1, 2, 0]], vocabularySize: 3, smoothing: 0)
        var generator = SeededGenerator(seed: 3)
        #expect(try cycle.sample(after: 0, count: 5, using: &generator) == [1, 2, 0, 1, 2])
        let smooth = try TokenBigramModel(streams: [[0, 1, 2, 0]], vocabularySize: 3)
        var a = SeededGenerator(seed: 4), b = SeededGenerator(seed: 4)
        #expect(try smooth.sample(after: 1, count: 30, using: &a) == (try smooth.sample(after: 1, count: 30, using: &b)))
        let empty = try TokenBigramModel(streams: [[0, 1]], vocabularySize: 3, smoothing: 0)
        #expect(throws: InvalidArgument.self) { try empty.sample(after: 1, count: 1, using: &generator) }
        #expect(throws: InvalidArgument.self) { try smooth.sample(after: 3, count: 1, using: &generator) }
    }
}
