import Foundation
import Testing

@testable import Teach

@Suite struct RecurrentLayerTests {
    /// One unit, one input, two steps: `h₀ = tanh(0.5·1 + 0.1)`, `h₁ = tanh(0.5·2 + 0.1 − 1·h₀)`
    /// (the numbers from Python's `math.tanh`).
    func tinyRNN() throws -> RNN<Double> {
        try RNN<Double>(
            inputWeights: Matrix(row: [0.5]), hiddenWeights: Matrix(row: [-1]), inputBias: Matrix(row: [0.1]), hiddenBias: Matrix(row: [0]),
            length: 2)
    }

    @Test func twoStepsByHand() throws {
        var rnn = try tinyRNN()
        let output = try rnn(Matrix(row: [1, 2]))
        let h0 = tanh(0.6), h1 = tanh(1.1 - h0)
        #expect(abs(output[0, 0] - h0) < 1e-15 && abs(output[0, 1] - h1) < 1e-15)
        #expect(abs(h0 - 0.5370495669980353) < 1e-15 && abs(h1 - 0.5101632506598711) < 1e-15)

        // Backward from E = h₁: δ₁ = 1 − h₁², carried back through W_hh = −1 to δ₀ = −δ₁(1 − h₀²).
        var training = try tinyRNN()
        var generator = SeededGenerator(seed: 1)
        _ = try training.forward(Matrix(row: [1, 2]), mode: .training, using: &generator)
        let gradients = try training.backward(outputGradient: Matrix(row: [0, 1]), needsInputGradient: true)
        let delta1 = 1 - h1 * h1, delta0 = -delta1 * (1 - h0 * h0)
        #expect(abs(gradients.parameters[0][0, 0] - (delta1 * 2 + delta0 * 1)) < 1e-15)  // ∂E/∂W_ih = Σ δ_t x_t
        #expect(abs(gradients.parameters[1][0, 0] - delta1 * h0) < 1e-15)  // ∂E/∂W_hh = Σ δ_t h_{t−1}, h_{−1} = 0
        #expect(abs(gradients.parameters[2][0, 0] - (delta0 + delta1)) < 1e-15)
        #expect(gradients.parameters[3] == gradients.parameters[2])
        #expect(abs(gradients.input[0, 0] - delta0 * 0.5) < 1e-15 && abs(gradients.input[0, 1] - delta1 * 0.5) < 1e-15)
    }

    @Test func matchesCentralDifferences() throws {
        var random = SeededGenerator(seed: 20)
        let rnn = try RNN<Double>(inputs: 3, hidden: 4, length: 5, using: &random)
        let dense = try Dense<Double>(inputs: 4, units: 2, activation: .identity, using: &random)
        let model = try Model<Double>([rnn, dense])
        let x = Matrix<Double>.gaussian(rows: 2, columns: 15, using: &random)
        let y = Matrix<Double>.gaussian(rows: 2, columns: 10, using: &random)
        let check = try GradientCheck.run(model, inputs: x, targets: y, loss: .meanSquaredError, checkInput: true)
        #expect(check.parametersChecked == (12 + 16 + 4 + 4) + (8 + 2) + 30)
        #expect(check.maxRelativeError < 1e-7, "\(check.worstParameter): \(check.worstAnalytic) vs \(check.worstNumeric)")
    }

    @Test func followsPyTorchsLayoutAndInitialization() throws {
        var random = SeededGenerator(seed: 21)
        let rnn = try RNN<Double>(inputs: 3, hidden: 16, length: 7, using: &random)
        #expect(rnn.parameters.map(\.shape) == [Shape(16, 3), Shape(16, 16), Shape(1, 16), Shape(1, 16)])
        #expect(rnn.parameterNames == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"])
        let all = rnn.parameters.flatMap(\.elements)
        #expect(all.allSatisfy { abs($0) < 0.25 } && all.contains { abs($0) > 0.2 })
        #expect(try rnn.outputShape(for: .sequence(SequenceShape(length: 7, features: 3))) == .sequence(SequenceShape(length: 7, features: 16)))
        #expect(rnn.multiplyAdds(for: .sequence(SequenceShape(length: 7, features: 3))) == 7 * 16 * 19)
    }

    @Test func badShapesAreThrownErrors() throws {
        var random = SeededGenerator(seed: 22)
        var rnn = try RNN<Double>(inputs: 2, hidden: 3, length: 4, using: &random)
        #expect(throws: ShapeError.self) { try rnn(Matrix(rows: 1, columns: 7)) }
        #expect(throws: InvalidArgument.self) { try RNN<Double>(inputs: 2, hidden: 3, length: 0, using: &random) }
        #expect(throws: ShapeError.self) {
            try RNN<Double>(
                inputWeights: Matrix(rows: 3, columns: 2), hiddenWeights: Matrix(rows: 3, columns: 2), inputBias: Matrix(rows: 1, columns: 3),
                hiddenBias: Matrix(rows: 1, columns: 3), length: 2)
        }
        #expect(throws: InvalidArgument.self) { try rnn.backward(outputGradient: Matrix(rows: 1, columns: 12), needsInputGradient: true) }
    }
}
