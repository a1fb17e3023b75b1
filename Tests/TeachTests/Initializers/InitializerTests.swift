import Testing

@testable import Teach

@Suite struct InitializerTests {
    func statistics(_ m: Matrix<Double>) -> (mean: Double, std: Double) {
        let mean = m.mean()
        let variance = m.map { ($0 - mean) * ($0 - mean) }.mean()
        return (mean, variance.squareRoot())
    }

    @Test(arguments: [Initializer.gaussian(standardDeviation: 0.01), .truncatedNormal(standardDeviation: 0.5), .xavier, .he])
    func sampleStatisticsMatchTheDefinition(_ initializer: Initializer) {
        var random = SeededGenerator(seed: 12)
        let inputs = 500
        let w: Matrix<Double> = initializer.weights(inputs: inputs, units: 400, using: &random)
        let (mean, std) = statistics(w)
        var expected = initializer.standardDeviation(inputs: inputs)
        // A normal truncated at ±2σ has standard deviation σ·√(1 − 4φ(2)/(2Φ(2) − 1)) ≈ 0.8796σ.
        if case .truncatedNormal = initializer { expected *= 0.879_596 }
        #expect(abs(mean) < 0.01 * expected + 1e-12, "\(initializer): mean \(mean)")
        #expect(abs(std / expected - 1) < 0.01, "\(initializer): std \(std), expected \(expected)")
    }

    @Test func scalesFollowTheFanIn() {
        #expect(Initializer.xavier.standardDeviation(inputs: 100) == 0.1)
        #expect(abs(Initializer.he.standardDeviation(inputs: 200) - 0.1) < 1e-15)
        #expect(Initializer.zeros.standardDeviation(inputs: 7) == 0)
    }

    @Test func truncatedNormalNeverBeyondTwoDeviations() {
        var random = SeededGenerator(seed: 13)
        let w: Matrix<Double> = Initializer.truncatedNormal(standardDeviation: 0.3).weights(inputs: 300, units: 300, using: &random)
        #expect(w.maxMagnitude() <= 0.6)
        #expect(w.maxMagnitude() > 0.55, "the tails are really drawn, up to the limit")
    }

    @Test func sameSeedSameWeightsAndZerosAreZero() throws {
        var a = SeededGenerator(seed: 3), b = SeededGenerator(seed: 3)
        let first = try Dense<Float>(inputs: 20, units: 10, activation: .relu, initializer: .he, using: &a)
        let second = try Dense<Float>(inputs: 20, units: 10, activation: .relu, initializer: .he, using: &b)
        #expect(first == second)
        #expect(first.bias == Matrix(rows: 1, columns: 10))
        let zero = try Dense<Double>(inputs: 3, units: 2, activation: .tanh, initializer: .zeros, using: &a)
        #expect(zero.weights == Matrix(rows: 3, columns: 2))
        #expect(throws: InvalidArgument.self) { try Dense<Double>(inputs: 0, units: 2, activation: .tanh, initializer: .he, using: &a) }
    }
}

@Suite struct ActivationStatisticsTests {
    @Test func countsZerosSaturationAndDeadUnits() throws {
        // column 0 is dead (all zero), column 1 has one saturated value
        let outputs = try Matrix<Double>([[0, 0.995], [0, -0.5], [0, 0.5], [0, 0]])
        let stats = ActivationStatistics(outputs)
        #expect(stats.mean.isApproximatelyEqual(to: 0.995 / 8, absoluteTolerance: 1e-15))
        #expect(stats.zeroFraction == 5.0 / 8)
        #expect(stats.saturatedFraction == 1.0 / 8)
        #expect(stats.deadUnitFraction == 0.5)
        let values = outputs.elements
        let variance = values.map { ($0 - stats.mean) * ($0 - stats.mean) }.reduce(0, +) / 8
        #expect(stats.standardDeviation.isApproximatelyEqual(to: variance.squareRoot(), absoluteTolerance: 1e-15))
        #expect(ActivationStatistics(Matrix<Double>(rows: 0, columns: 3)).deadUnitFraction == 0)
    }
}
