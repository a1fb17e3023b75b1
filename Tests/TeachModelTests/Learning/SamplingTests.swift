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
}
