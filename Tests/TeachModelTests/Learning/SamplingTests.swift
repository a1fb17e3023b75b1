import Foundation
import Testing

@testable import Teach

@Suite struct SamplingTests {
    /// 20,000 draws from softmax(log [1, 2, 7]) = [0.1, 0.2, 0.7]: each frequency within 4
    /// standard errors (√(p(1 − p)/n) ≤ 0.0033) of its probability.
    @Test func drawsInProportionToTheSoftmax() throws {
        var generator = SeededGenerator(seed: 50)
        let logits = [log(1.0), log(2.0), log(7.0)]
        var counts = [0, 0, 0]
        for _ in 0..<20_000 { counts[try Sampling.index(logits: logits, using: &generator)] += 1 }
        for (count, p) in zip(counts, [0.1, 0.2, 0.7]) {
            #expect(abs(Double(count) / 20_000 - p) < 4 * (p * (1 - p) / 20_000).squareRoot(), "\(counts)")
        }
    }

    @Test func temperatureSharpensAndFlattens() throws {
        var generator = SeededGenerator(seed: 51)
        let logits: [Float] = [1, 3, 2, 3]
        #expect(try Sampling.index(logits: logits, temperature: 0, using: &generator) == 1)  // argmax, the first of the tie
        // τ = 0.05: the two 3s share almost everything (e^(−1/0.05) ≈ 2e-9 for the 2).
        var cold = Set<Int>()
        for _ in 0..<200 { cold.insert(try Sampling.index(logits: logits, temperature: 0.05, using: &generator)) }
        #expect(cold == [1, 3])
        // τ = 1000: close to uniform, every index drawn.
        var hot = [0, 0, 0, 0]
        for _ in 0..<4000 { hot[try Sampling.index(logits: logits, temperature: 1000, using: &generator)] += 1 }
        #expect(hot.allSatisfy { abs(Double($0) / 4000 - 0.25) < 0.03 }, "\(hot)")
    }

    @Test func theSameSeedGivesTheSameDraws() throws {
        var a = SeededGenerator(seed: 52), b = SeededGenerator(seed: 52)
        let logits = [0.3, -1, 2, 0.5, 0.5]
        let first = try (0..<50).map { _ in try Sampling.index(logits: logits, temperature: 0.8, using: &a) }
        let second = try (0..<50).map { _ in try Sampling.index(logits: logits, temperature: 0.8, using: &b) }
        #expect(first == second)
    }

    @Test func badInputsAreThrownErrors() throws {
        var generator = SeededGenerator(seed: 53)
        #expect(throws: InvalidArgument.self) { try Sampling.index(logits: [Double](), using: &generator) }
        #expect(throws: InvalidArgument.self) { try Sampling.index(logits: [1, .nan], using: &generator) }
        #expect(throws: InvalidArgument.self) { try Sampling.index(logits: [1.0, 2], temperature: -1, using: &generator) }
        // very large logits do not overflow
        #expect(try Sampling.index(logits: [1000.0, 0], temperature: 1, using: &generator) == 0)
    }

    /// A model over 3 tokens whose scores at each position favour (id + 1) mod 3 by a margin of
    /// `margin`, and `boundaryScore` added to token 0 (the boundary).
    func successorModel(length: Int, boundaryScore: Double = 0, margin: Double = 50) throws -> Model<Double> {
        let weights = Matrix<Double>(rows: 3, columns: 3) { i, j in j == (i + 1) % 3 ? margin : 0 }
        return try Model<Double>([
            Embedding<Double>(weight: Matrix(rows: 3, columns: 3) { i, j in i == j ? 1 : 0 }, length: length),
            Dense<Double>(weights: weights, bias: Matrix(row: [boundaryScore, 0, 0]), activation: .identity),
        ])
    }

    @Test func sequencesFeedEachDrawBackAndStopAtTheBoundary() throws {
        var generator = SeededGenerator(seed: 54)
        // . → 1 → 2 → . : every sequence is [1, 2]
        let model = try successorModel(length: 5)
        #expect(try Sampling.sequences(from: model, count: 4, using: &generator) == Array(repeating: [1, 2], count: 4))
        // no margin and the boundary's score at −100: tokens 1 and 2 tie everywhere, τ = 0 takes
        // the first, and a sequence that never ends stops when the T = 4 positions are used
        let endless = try successorModel(length: 4, boundaryScore: -100, margin: 0)
        let drawn = try Sampling.sequences(from: endless, count: 3, temperature: 0, using: &generator)
        #expect(drawn == Array(repeating: [1, 1, 1, 1], count: 3))
    }

    @Test func sequencesAreSeededAndCheckTheModel() throws {
        let model = try successorModel(length: 6, margin: 1)  // soft: every token has some probability
        var a = SeededGenerator(seed: 55), b = SeededGenerator(seed: 55)
        let first = try Sampling.sequences(from: model, count: 10, using: &a)
        #expect(first == (try Sampling.sequences(from: model, count: 10, using: &b)))
        #expect(first.allSatisfy { $0.count <= 6 && !$0.contains(0) })
        #expect(Set(first.map(\.count)).count > 1)  // not all the same length
        #expect(throws: InvalidArgument.self) { try Sampling.sequences(from: model, count: 0, using: &a) }
        #expect(throws: InvalidArgument.self) { try Sampling.sequences(from: model, count: 1, boundary: 3, using: &a) }
        var random = SeededGenerator(seed: 1)
        let dense = try Model<Double>([Dense<Double>(inputs: 3, units: 3, activation: .identity, using: &random)])
        #expect(throws: InvalidArgument.self) { try Sampling.sequences(from: dense, count: 1, using: &a) }
    }
}

@Suite struct SamplingContinuationTests {
    /// A causal model whose scores at each position favour the token after that position's token
    /// (mod 3): an embedding of one-hot vectors, and a dense layer at every position that turns
    /// token `a` into a score of 10 for `(a + 1) mod 3` (the weights are `inputs×units`).
    func nextTokenModel(length: Int) throws -> Model<Double> {
        let oneHot = try Embedding<Double>(weight: Matrix(rows: 3, columns: 3) { r, c in r == c ? 1 : 0 }, length: length)
        let next = try Dense<Double>(weights: Matrix(rows: 3, columns: 3) { r, c in c == (r + 1) % 3 ? 10 : 0 }, bias: Matrix(rows: 1, columns: 3), activation: .identity)
        return try Model([oneHot, next])
    }

    /// Temperature 0 takes the likeliest token: from 0 the model counts 1, 2, 0, …, reading the
    /// last real position of its window, which slides once the text is longer than T = 4.
    @Test func continuesFromTheLastRealPositionAndSlides() throws {
        let model = try nextTokenModel(length: 4)
        var generator = SeededGenerator(seed: 1)
        #expect(try Sampling.continuation(from: model, prompt: [0], count: 8, temperature: 0, using: &generator) == [1, 2, 0, 1, 2, 0, 1, 2])
        #expect(try Sampling.continuation(from: model, prompt: [2, 2, 2, 2, 2, 1], count: 2, temperature: 0, using: &generator) == [2, 0])
        #expect(try Sampling.continuation(from: model, prompt: [1], count: 0, using: &generator).isEmpty)
        var a = SeededGenerator(seed: 2), b = SeededGenerator(seed: 2)
        let first = try Sampling.continuation(from: model, prompt: [0], count: 20, temperature: 5, using: &a)
        #expect(first == (try Sampling.continuation(from: model, prompt: [0], count: 20, temperature: 5, using: &b)))
        #expect(Set(first).count > 1)  // hot enough to leave the cycle sometimes
    }

    @Test func badPromptsAreRefused() throws {
        let model = try nextTokenModel(length: 4)
        var generator = SeededGenerator(seed: 1)
        #expect(throws: InvalidArgument.self) { try Sampling.continuation(from: model, prompt: [], count: 1, using: &generator) }
        #expect(throws: InvalidArgument.self) { try Sampling.continuation(from: model, prompt: [3], count: 1, using: &generator) }
        #expect(throws: InvalidArgument.self) { try Sampling.continuation(from: model, prompt: [0], count: 1, padding: -1, using: &generator) }
        #expect(throws: InvalidArgument.self) { try Sampling.continuation(from: model, prompt: [0], count: -1, using: &generator) }
        var random = SeededGenerator(seed: 1)
        let dense = try Model<Double>([Dense<Double>(inputs: 3, units: 3, activation: .identity, using: &random)])
        let error = #expect(throws: InvalidArgument.self) { try Sampling.continuation(from: dense, prompt: [0], count: 1, using: &generator) }
        #expect(error?.description.contains("Sampling.continuation: the model reads") == true, "\(error?.description ?? "")")
    }
}
