import Foundation
import Testing

@testable import Teach

@Suite struct LastStepTests {
    @Test func keepsTheLastStepAndSendsItsGradientBack() throws {
        var layer = try LastStep<Double>(features: 2)
        var generator = SeededGenerator(seed: 1)
        // Two sequences of 3 steps of 2 features.
        let x = try Matrix<Double>([[1, 2, 3, 4, 5, 6], [-1, -2, -3, -4, -5, -6]])
        let y = try layer.forward(x, mode: .training, using: &generator)
        #expect(y == (try Matrix<Double>([[5, 6], [-5, -6]])))
        let gradients = try layer.backward(outputGradient: try Matrix([[0.5, -1], [2, 3]]), needsInputGradient: true)
        #expect(gradients.input == (try Matrix<Double>([[0, 0, 0, 0, 0.5, -1], [0, 0, 0, 0, 2, 3]])))
        #expect(gradients.parameters.isEmpty)
        #expect(try layer.outputShape(for: .sequence(SequenceShape(length: 3, features: 2))) == .features(2))
    }

    @Test func matchesCentralDifferencesBehindAnLSTM() throws {
        var random = SeededGenerator(seed: 30)
        let lstm = try LSTM<Double>(inputs: 2, hidden: 3, length: 4, using: &random)
        let head = try Dense<Double>(inputs: 3, units: 2, activation: .identity, using: &random)
        let model = try Model<Double>([lstm, try LastStep(features: 3), head])
        let x = Matrix<Double>.gaussian(rows: 2, columns: 8, using: &random)
        let y = Matrix<Double>.gaussian(rows: 2, columns: 2, using: &random)
        let check = try GradientCheck.run(model, inputs: x, targets: y, loss: .meanSquaredError, checkInput: true)
        #expect(check.parametersChecked == (24 + 36 + 12 + 12) + (6 + 2) + 16)
        #expect(check.maxRelativeError < 1e-7, "\(check.worstParameter): \(check.worstAnalytic) vs \(check.worstNumeric)")
    }

    @Test func badShapesAreThrownErrors() throws {
        #expect(throws: InvalidArgument.self) { try LastStep<Double>(features: 0) }
        var layer = try LastStep<Double>(features: 4)
        var generator = SeededGenerator(seed: 1)
        #expect(throws: ShapeError.self) { try layer.forward(Matrix(rows: 2, columns: 6), mode: .training, using: &generator) }
        #expect(throws: ShapeError.self) { try layer.outputShape(for: .sequence(SequenceShape(length: 3, features: 2))) }
        #expect(throws: ShapeError.self) { try layer.outputShape(for: .features(8)) }
        _ = try layer.forward(Matrix(rows: 2, columns: 8), mode: .training, using: &generator)
        #expect(throws: ShapeError.self) { try layer.backward(outputGradient: Matrix(rows: 2, columns: 3), needsInputGradient: true) }
    }
}

@Suite struct LSTMTraceTests {
    @Test func gatesAgreeWithTheCellsEquations() throws {
        var random = SeededGenerator(seed: 31)
        let lstm = try LSTM<Double>(inputs: 2, hidden: 3, length: 4, using: &random)
        let x = Matrix<Double>.gaussian(rows: 2, columns: 8, using: &random)
        let trace = try lstm.trace(x)
        var copy = lstm
        #expect(trace.state == (try copy(x)))
        for r in 0..<2 {
            for t in 0..<4 {
                for k in 0..<3 {
                    let c = t * 3 + k, previous = t == 0 ? 0 : trace.memory[r, c - 3]
                    let memory = trace.forgetGate[r, c] * previous + trace.inputGate[r, c] * trace.content[r, c]
                    #expect(abs(trace.memory[r, c] - memory) < 1e-14)
                    #expect(abs(trace.state[r, c] - trace.outputGate[r, c] * tanh(memory)) < 1e-14)
                }
            }
        }
        // The first step's forget gate, from the weights: σ(x₀ W_ifᵀ + b_if + b_hf) (h₋₁ = 0).
        for k in 0..<3 {
            let row = 3 + k
            let sum = x[0, 0] * lstm.inputWeights[row, 0] + x[0, 1] * lstm.inputWeights[row, 1] + lstm.inputBias[0, row] + lstm.hiddenBias[0, row]
            #expect(abs(trace.forgetGate[0, k] - 1 / (1 + exp(-sum))) < 1e-14)
        }
    }
}
