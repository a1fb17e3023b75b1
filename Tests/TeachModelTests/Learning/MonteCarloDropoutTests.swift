import Testing

@testable import Teach

@Suite struct MonteCarloDropoutTests {
    @Test func aModelWithoutDropoutAveragesToItsPrediction() throws {
        var random = SeededGenerator(seed: 51)
        let model = try Model<Double>([
            Dense<Double>(inputs: 3, units: 5, activation: .relu, using: &random),
            Dense<Double>(inputs: 5, units: 2, activation: .sigmoid, using: &random),
        ])
        let x = Matrix<Double>.gaussian(rows: 4, columns: 3, using: &random)
        let averages = try model.monteCarloPredictions(x, sampleCounts: [1, 7], using: &random)
        let prediction = try model.predict(x)
        #expect(averages.count == 2)
        for average in averages {
            for (a, b) in zip(average.elements, prediction.elements) { #expect(abs(a - b) < 1e-14) }
        }
    }

    @Test func oneSampleIsOneThinnedNetwork() throws {
        // dropout 0.5 on [1, 1] keeps each input as 2 or drops it to 0; the sum w·x is 0, 2 or 4
        let model = try Model<Double>(input: .features(2), [Dropout<Double>(rate: 0.5), Dense<Double>(weights: [[1], [1]], bias: [0], activation: .identity)])
        var random = SeededGenerator(seed: 52)
        let single = try model.monteCarloPredictions(Matrix(row: [1, 1]), sampleCounts: [1], using: &random)[0][0, 0]
        #expect([0.0, 2, 4].contains(single))
        // the same generator state gives the same thinned network as a training-mode pass
        var copy = model
        var again = SeededGenerator(seed: 52)
        #expect(try copy.forward(Matrix(row: [1, 1]), mode: .training, using: &again)[0, 0] == single)
    }

    @Test func aLinearNetworkAveragesToTheWeightScaledPass() throws {
        // after the dropout layer everything is linear, so the ensemble's mean is exactly the
        // inference pass (2 here); each sample has variance 2, so 4,000 samples have a standard
        // error of √(2/4000) ≈ 0.022
        let model = try Model<Double>(input: .features(2), [Dropout<Double>(rate: 0.5), Dense<Double>(weights: [[1], [1]], bias: [0], activation: .identity)])
        var random = SeededGenerator(seed: 53)
        let x = Matrix<Double>(row: [1, 1])
        #expect(try model.predict(x)[0, 0] == 2)
        let average = try model.monteCarloPredictions(x, sampleCounts: [4000], using: &random)[0][0, 0]
        #expect(abs(average - 2) < 0.1, "average \(average)")
    }

    @Test func rejectsCountsBelowOne() throws {
        let model = try Model<Double>(input: .features(2), [Dropout<Double>(rate: 0.5)])
        var random = SeededGenerator(seed: 54)
        #expect(throws: InvalidArgument.self) { try model.monteCarloPredictions(Matrix(row: [1, 1]), sampleCounts: [], using: &random) }
        #expect(throws: InvalidArgument.self) { try model.monteCarloPredictions(Matrix(row: [1, 1]), sampleCounts: [3, 0], using: &random) }
    }
}
