import Testing

import Teach

/// The layer in `Layer`'s documentation, word for word: it must compile outside the library,
/// give the right gradients and train.
private struct Scale: Layer {
    var factor = Matrix<Double>(rows: 1, columns: 1, repeating: 2)
    var input = Saved<Matrix<Double>>()          // x, batch×features
    var name: String { "scale" }
    func outputShape(for input: RecordShape) throws -> RecordShape { input }
    mutating func forward(_ x: Matrix<Double>, mode: Mode, using generator: inout SeededGenerator) throws -> Matrix<Double> {
        input.value = x
        return x * factor[0, 0]
    }
    mutating func backward(outputGradient g: Matrix<Double>, needsInputGradient: Bool) throws -> LayerGradients<Double> {
        let x = try input.take(for: name)
        let dFactor = try (g * x).elements.reduce(0, +)
        return LayerGradients(input: g * factor[0, 0], parameters: [Matrix(row: [dFactor])])
    }
    var parameters: [Matrix<Double>] { [factor] }
    mutating func updateParameters(_ update: (inout Matrix<Double>, Int) throws -> Void) rethrows { try update(&factor, 0) }
}

@Suite struct DocumentedLayerTests {
    @Test func theDocumentedLayerHasTheRightGradientsAndLearns() throws {
        var random = SeededGenerator(seed: 12)
        let model = try Model<Double>([try Dense<Double>(inputs: 3, units: 2, activation: .tanh, using: &random), Scale()])
        let x = Matrix<Double>.uniform(rows: 5, columns: 3, in: -1..<1, using: &random)
        let y = Matrix<Double>.uniform(rows: 5, columns: 2, in: -1..<1, using: &random)
        let check = try GradientCheck.run(model, inputs: x, targets: y, loss: .meanSquaredError)
        #expect(check.maxRelativeError < 1e-7, "\(check.worstParameter): \(check.worstAnalytic) vs \(check.worstNumeric)")
        // alone, the scale learns y = 0.5 x from its start at 2
        var trained = try Model<Double>(input: .features(1), [Scale()])
        let inputs = try Matrix<Double>([[1], [2], [-1]]), targets = inputs * 0.5
        var optimizer = try Optimizer<Double>.sgd(learningRate: 0.1)
        try trained.train(inputs: inputs, targets: targets, options: TrainingOptions(epochs: 200, batchSize: 3), optimizer: &optimizer, using: &random)
        #expect((trained.layers[0] as? Scale)?.factor[0, 0].isFinite == true)
        #expect(abs(((trained.layers[0] as? Scale)?.factor[0, 0] ?? 0) - 0.5) < 1e-6)
    }
}
