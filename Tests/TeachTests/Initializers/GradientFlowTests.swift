import Testing

@testable import Teach

@Suite struct GradientFlowTests {
    @Test func followsTwoOneByOneLayersByHand() throws {
        // x = 1 → h₁ = 2·1 = 2, a₁ = relu(2) = 2 → h₂ = 3·2 = 6, a₂ = 6 (identity); ∂E/∂a₂ = 1
        // layer 2: δ₂ = 1, ∂E/∂W₂ = a₁·δ₂ = 2, ∂E/∂a₁ = δ₂·3 = 3
        // layer 1: δ₁ = 3·relu'(2) = 3, ∂E/∂W₁ = x·δ₁ = 3, ∂E/∂x = δ₁·2 = 6
        let network = [
            try Dense<Double>(weights: [[2]], bias: [0], activation: .relu),
            try Dense<Double>(weights: [[3]], bias: [0], activation: .identity),
        ]
        let flow = try GradientFlow(network, inputs: Matrix(row: [1]), outputGradient: Matrix(row: [1]))
        #expect(
            flow.layers == [
                GradientFlow.Layer(weightGradientNorm: 3, outputGradientNorm: 3, derivativeFactor: 1, weightFactor: 2),
                GradientFlow.Layer(weightGradientNorm: 2, outputGradientNorm: 1, derivativeFactor: 1, weightFactor: 3),
            ])
    }

    @Test func theDerivativeFactorOfTanhIsItsSlope() throws {
        // one tanh unit at h = 0.5: the gradient is multiplied by tanh'(0.5) = 1 − tanh²(0.5)
        let layer = try Dense<Double>(weights: [[0.5]], bias: [0], activation: .tanh)
        let flow = try GradientFlow([layer], inputs: Matrix(row: [1]), outputGradient: Matrix(row: [-2]))
        let slope = 1 - Activation.tanh(0.5) * Activation.tanh(0.5)
        #expect(abs(flow.layers[0].derivativeFactor - slope) < 1e-15)
        #expect(abs(flow.layers[0].weightGradientNorm - 2 * slope) < 1e-15)
        #expect(flow.layers[0].weightFactor == 0.5)
    }

    @Test func meanFactorsAreGeometricMeans() {
        let flow = GradientFlow(layers: [
            GradientFlow.Layer(weightGradientNorm: 1, outputGradientNorm: 1, derivativeFactor: 0.5, weightFactor: 2),
            GradientFlow.Layer(weightGradientNorm: 1, outputGradientNorm: 1, derivativeFactor: 0.125, weightFactor: 8),
        ])
        #expect(abs(flow.meanWeightFactor - 4) < 1e-14)
        #expect(abs(flow.meanDerivativeFactor - 0.25) < 1e-15)
        #expect(GradientFlow(layers: []).meanWeightFactor == 0)
    }

    @Test func theNormIsFrobenius() throws {
        #expect(try Matrix<Double>([[3, 0], [0, -4]]).norm() == 5)
        #expect(try Matrix<Float>([[1, 2, 2]]).norm() == 3)
        #expect(try Matrix<Float>([[1, 2, 2]]).sumOfSquares() == 9)
    }

    /// Ten layers of 200 units: the weights multiply the gradient by about `σ·√n` per layer, the
    /// derivatives of tanh and ReLU never by more than 1, so a large `σ` explodes and a small one
    /// vanishes, whatever the activation.
    @Test(arguments: [Activation.tanh, .relu])
    func weightsSetTheGrowthAndDerivativesNeverRaiseIt(_ activation: Activation) throws {
        let units = 200, layers = 10
        var random = SeededGenerator(seed: 31)
        let inputs = Matrix<Double>.gaussian(rows: 40, columns: units, using: &random)
        let outputGradient = Matrix<Double>.gaussian(rows: 40, columns: units, using: &random)
        for (std, grows) in [(0.01, false), (1.0, true)] {
            let network = try (0..<layers).map { _ in
                try Dense<Double>(
                    inputs: units, units: units, activation: activation, initializer: .gaussian(standardDeviation: std), using: &random)
            }
            let flow = try GradientFlow(network, inputs: inputs, outputGradient: outputGradient)
            let expected = std * Double(units).squareRoot()
            for layer in flow.layers {
                #expect(layer.derivativeFactor <= 1)
                #expect(abs(layer.weightFactor / expected - 1) < 0.1, "σ = \(std): weight factor \(layer.weightFactor), σ√n = \(expected)")
            }
            // down from the last layer to the first, the arriving gradient shrinks or grows at every layer
            let norms = flow.layers.map(\.outputGradientNorm)
            for l in 1..<layers { #expect(grows ? norms[l - 1] > norms[l] : norms[l - 1] < norms[l], "σ = \(std), layer \(l)") }
        }
    }
}
